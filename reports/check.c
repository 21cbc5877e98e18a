/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reports/check - nfpipe check: is this config one nfpiped will run?
 *
 * Runs the installed daemon's own check (`nfpiped --check -c FILE`), so
 * the answer is the daemon's: every error at once with file:line, the
 * instance and a hint. $NFPIPED names another daemon binary (a build tree).
 * Exit status: the daemon's (0 good, 1 errors).
 */
#include "nfp.h"

#include <getopt.h>
#include <unistd.h>

#include "cli.h"

static void check_usage(FILE *f)
{
	fprintf(f,
		"Usage: nfpipe check [-c FILE]\n"
		"Check a config the way nfpiped reads it: every error at "
		"once, with file:line.\n\n"
		"  -c, --config FILE   config to check (default %s)\n"
		"  -h, --help          this help\n",
		CLI_DEFAULT_CONFIG);
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *conf = CLI_DEFAULT_CONFIG;
	const char *daemon = getenv("NFPIPED");
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			conf = optarg;
			break;
		default: /* -h, or a bad option */
			return cli_opt_other(c, check_usage);
		}
	}
	if (cli_extra_operand(argc, argv))
		return CLI_FAIL;
	if (!daemon || !*daemon)
		daemon = SBINDIR "/nfpiped";
	execl(daemon, "nfpiped", "--check", "-c", conf, (char *)NULL);
	cli_err("cannot run %s: %s", daemon, strerror(errno));
	return CLI_FAIL;
}
