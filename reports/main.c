/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reports/main - nfpipe: the command line people run by hand
 *
 * `nfpipe SUBCOMMAND [options]`. The table below is the one list of
 * subcommands: dispatch, `nfpipe --help`, `nfpipe help CMD` (the man page
 * nfpipe-CMD(1), or the subcommand's --help where man is missing) and
 * `nfpipe --commands` (for shell completion) all read it. A subcommand
 * lives in a file of its own and is one row here.
 */
#include "nfp.h"

#include <stdarg.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "core.h"

static int cmd_help(int argc, char **argv);

static const struct cli_cmd cmds[] = {
	{ "report", "reports from the stored packets and flows", cmd_report },
	{ "status", "the daemon's live counters, sinks and losses",
	  cmd_status },
	{ "reload", "have the daemon reload its config", cmd_reload },
	{ "check", "check a config the way nfpiped reads it", cmd_check },
	{ "blocklist", "convert, load and look up blocklists", cmd_blocklist },
	{ "help", "show the manual of a subcommand", cmd_help },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

const char *cli_prog = "nfpipe";

static void vmsg(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", cli_prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void cli_usage_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help'.\n", cli_prog);
}

int cli_opt_other(int opt, void (*usage)(FILE *f))
{
	if (opt == 'h') {
		usage(stdout);
		return CLI_OK;
	}
	fprintf(stderr, "Try '%s --help'.\n", cli_prog);
	return CLI_FAIL;
}

bool cli_extra_operand(int argc, char **argv)
{
	if (optind >= argc)
		return false;
	cli_usage_err("unexpected argument \"%s\"", argv[optind]);
	return true;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: nfpipe SUBCOMMAND [OPTIONS]\n"
		   "       nfpipe help SUBCOMMAND\n"
		   "Reports, status and tools for nfpiped, the netfilter "
		   "logging daemon.\n\nSubcommands:\n");
	for (i = 0; i < NCMDS; i++)
		fprintf(f, "  %-12s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "\n`nfpipe SUBCOMMAND --help` lists its options; "
		   "nfpipe(1) has the rest.\n"
		   "Exit status: 0 ok, 1 bad arguments, bad input or no data, "
		   "2 database or daemon unreachable.\n");
}

static const struct cli_cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < NCMDS; i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

/* The subcommand nearest to a mistyped one, by the core's own measure. */
static const char *near_cmd(const char *name)
{
	const char *names[NCMDS + 1];
	size_t i;

	for (i = 0; i < NCMDS; i++)
		names[i] = cmds[i].name;
	names[NCMDS] = NULL;
	return nfp_suggest(name, names);
}

/*
 * `nfpipe help CMD`: its man page, or its own --help where man or the page
 * is missing (a build tree, a minimal container).
 */
static int cmd_help(int argc, char **argv)
{
	const struct cli_cmd *c;
	char page[64];

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return CLI_OK;
	}
	c = find_cmd(argv[1]);
	if (!c || c->run == cmd_help) {
		if (c)
			usage(stdout);
		else
			cli_usage_err("no subcommand \"%s\"", argv[1]);
		return c ? CLI_OK : CLI_FAIL;
	}
	snprintf(page, sizeof(page), "nfpipe-%s", c->name);
	if (isatty(STDOUT_FILENO) && !getenv("NFPIPE_NO_MAN")) {
		pid_t pid = fork();
		int st = 0;

		if (pid == 0) {
			execlp("man", "man", page, (char *)NULL);
			_exit(127);
		}
		if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
		    WEXITSTATUS(st) == 0)
			return CLI_OK;
	}
	{
		char *args[] = { (char *)c->name, (char *)"--help", NULL };

		cli_prog = "nfpipe";
		return c->run(2, args);
	}
}

int main(int argc, char **argv)
{
	const struct cli_cmd *c;
	static char prog[64];
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return CLI_FAIL;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return CLI_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("nfpipe %s\n", PACKAGE_VERSION);
		return CLI_OK;
	}
	if (!strcmp(argv[1], "--commands")) {
		for (i = 0; i < NCMDS; i++)
			printf("%s\n", cmds[i].name);
		return CLI_OK;
	}
	c = find_cmd(argv[1]);
	if (!c) {
		const char *near = near_cmd(argv[1]);

		if (argv[1][0] == '-')
			cli_usage_err("unknown option \"%s\"", argv[1]);
		else if (near)
			cli_usage_err("no subcommand \"%s\"; did you mean "
				      "\"%s\"?",
				      argv[1], near);
		else
			cli_usage_err("no subcommand \"%s\"", argv[1]);
		return CLI_FAIL;
	}
	snprintf(prog, sizeof(prog), "nfpipe %s", c->name);
	cli_prog = prog;
	return c->run(argc - 1, argv + 1);
}
