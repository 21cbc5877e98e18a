/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reports/cli - what the subcommands of the nfpipe command line share
 *
 * nfpipe is one program with one file per subcommand (report.c, status.c,
 * blocklist.c, ...). main.c holds the table of subcommands that drives
 * dispatch, `nfpipe --help`, `nfpipe help CMD` and shell completion. A
 * subcommand is a function run(argc, argv) with argv[0] its own name; it
 * parses its options (getopt_long), prints its usage on --help only, and
 * returns one of the exit codes below. What several subcommands need
 * (messages, the daemon's config through the core's parser) is here; a
 * piece shared by two subcommands only (database URIs, time ranges,
 * output formats) gets a small file of its own beside them.
 *
 * Messages go to stderr as one line, "nfpipe CMD: what went wrong", with
 * no usage text; the exit code says what kind of failure it was.
 */
#ifndef NFP_CLI_H
#define NFP_CLI_H

#include <stdbool.h>
#include <stdio.h>

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#ifndef SBINDIR
#define SBINDIR "/usr/sbin"
#endif
/* The daemon's config when -c is not given. */
#define CLI_DEFAULT_CONFIG SYSCONFDIR "/nfpipe/nfpiped.conf"

/* Exit codes every subcommand keeps (documented in nfpipe(1)). */
enum cli_exit {
	CLI_OK = 0,	    /* done */
	CLI_FAIL = 1,	    /* bad arguments, bad input, or no data */
	CLI_UNREACHABLE = 2 /* the database or the daemon cannot be reached */
};

/* One subcommand: a row of the table in main.c. */
struct cli_cmd {
	const char *name;		   /* "report", as typed */
	const char *summary;		   /* one line for nfpipe --help */
	int (*run)(int argc, char **argv); /* argv[0] is @name */
};

/* "nfpipe report" while `report` runs: the prefix of every message. */
extern const char *cli_prog;

/* "nfpipe CMD: MESSAGE\n" on stderr. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same and a usage hint: "Try 'nfpipe CMD --help'." */
void cli_usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The end of a subcommand's getopt_long switch, for what it does not
 * handle itself: -h (@opt 'h') prints @usage on stdout and gives CLI_OK;
 * a bad option (getopt_long said which) adds "Try 'nfpipe CMD --help'."
 * and gives CLI_FAIL. The subcommand returns the result.
 */
int cli_opt_other(int opt, void (*usage)(FILE *f));
/*
 * For subcommands that take no operands: true after saying which
 * argument at argv[optind] is one too many, false when none is left.
 */
bool cli_extra_operand(int argc, char **argv);

struct nfp_conf;

/*
 * The daemon's config at @path (NULL: the installed one), parsed by the
 * core's own parser, so the CLI and nfpiped read a config alike. Syntax
 * errors are printed as nfpiped prints them and give NULL. The caller owns
 * the result and frees it with nfp_conf_free().
 */
struct nfp_conf *cli_conf_load(const char *path);

/*
 * The value of @key in section @section of @conf, the last one when the
 * key is repeated, or NULL. The string belongs to @conf.
 */
const char *cli_conf_get(const struct nfp_conf *conf, const char *section,
			 const char *key);

/*
 * The instances of plugin @plugin ("SQLITE3") named on the config's
 * stack= lines, in order of first appearance, written to @names (at most
 * @max, each malloc'ed; the caller frees them). Returns how many there are.
 */
int cli_conf_instances(const struct nfp_conf *conf, const char *plugin,
		       char **names, int max);

/* The subcommands (one file each). */
int cmd_check(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_reload(int argc, char **argv);
int cmd_blocklist(int argc, char **argv);
int cmd_report(int argc, char **argv);

#endif /* NFP_CLI_H */
