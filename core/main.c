/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core/main - nfpiped: command line, start-up, privileges, signals
 *
 * Order of start-up: parse the config and build every stack (all errors at
 * once, exit 1, nothing started); daemonize if asked; open the log; start
 * outputs, filters, inputs (inputs open their netlink sockets as root); open
 * the control socket; drop to -u USER; tell systemd READY=1; then run the
 * loop. SIGTERM/SIGINT stop reading, drain what the sockets still hold,
 * flush every output and exit 0. SIGHUP (and `nfpipe reload` over the
 * control socket) reopens files and reloads the config between two wakeups:
 * a config with errors is refused and the running one stays; instances
 * that did not change keep running (nfp_engine_adopt). SIGUSR1 writes every
 * instance's counters to the log. With --replay FILE
 * every NFLOG instance of the config reads FILE instead (core/replay.c) and
 * nfpiped exits 0 once the capture has gone through the stacks.
 */
#include "nfp.h"

#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "engine.h"
#include "replay.h"

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define DEFAULT_CONFIG SYSCONFDIR "/nfpipe/nfpiped.conf"
#ifndef RUNSTATEDIR
#define RUNSTATEDIR "/run"
#endif
#define DEFAULT_CONTROL RUNSTATEDIR "/nfpipe/nfpiped.sock"

enum {
	OPT_CHECK = 256,
	OPT_LIST,
	OPT_HELP_PLUGIN,
	OPT_REPLAY,
};

/* One table drives getopt_long and --help. */
static const struct cli_opt {
	struct option o;  /* getopt_long entry */
	const char *arg;  /* argument name for --help, or NULL */
	const char *help; /* one line */
} cli[] = {
	{ { "configfile", required_argument, NULL, 'c' },
	  "FILE",
	  "config file (default " DEFAULT_CONFIG ")" },
	{ { "daemon", no_argument, NULL, 'd' },
	  NULL,
	  "detach and run in the background" },
	{ { "uid", required_argument, NULL, 'u' },
	  "USER",
	  "drop to USER after opening the sockets" },
	{ { "pidfile", required_argument, NULL, 'p' },
	  "FILE",
	  "write the daemon's PID to FILE" },
	{ { "verbose", no_argument, NULL, 'v' },
	  NULL,
	  "log debug messages (loglevel=1)" },
	{ { "loglevel", required_argument, NULL, 'l' },
	  "N",
	  "log level: 1 debug, 3 info, 5 notice, 7 error, 8 fatal" },
	{ { "replay", required_argument, NULL, OPT_REPLAY },
	  "FILE",
	  "feed the NFLOG stacks from capture FILE, exit when done" },
	{ { "check", no_argument, NULL, OPT_CHECK },
	  NULL,
	  "only check the config: every error, exit 1 if any" },
	{ { "list-plugins", no_argument, NULL, OPT_LIST },
	  NULL,
	  "list the plugins that can be loaded" },
	{ { "help-plugin", required_argument, NULL, OPT_HELP_PLUGIN },
	  "NAME",
	  "options and keys of plugin NAME" },
	{ { "info", required_argument, NULL, 'i' },
	  "NAME",
	  "same as --help-plugin (ulogd's -i)" },
	{ { "version", no_argument, NULL, 'V' }, NULL, "print the version" },
	{ { "help", no_argument, NULL, 'h' }, NULL, "this help" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: nfpiped [OPTIONS]\n"
		"A netfilter logging pipeline: NFLOG, conntrack and nfacct in, "
		"files and databases out.\n\n");
	for (i = 0; i < ARRAY_SIZE(cli); i++) {
		char left[64];

		if (cli[i].o.val < 256)
			snprintf(left, sizeof(left), "-%c, --%s%s%s",
				 cli[i].o.val, cli[i].o.name,
				 cli[i].arg ? " " : "",
				 cli[i].arg ? cli[i].arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s",
				 cli[i].o.name, cli[i].arg ? " " : "",
				 cli[i].arg ? cli[i].arg : "");
		fprintf(f, "  %-28s %s\n", left, cli[i].help);
	}
}

static struct {
	struct nfp_engine *eng; /* the running engine */
	int exit_code;		/* for a signal-driven stop */
	const char *config;	/* the config file */
	bool replay;		/* --replay: no config reload */
	bool reload_pending;	/* SIGHUP or `nfpipe reload` came */
	int loglevel;		/* -l/-v, or 0 */
} G;

/* systemd's notification socket, when there is one. */
static void NFP_PRINTF(1, 2) notify(const char *fmt, ...)
{
#ifdef HAVE_LIBSYSTEMD
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sd_notify(0, buf);
#else
	(void)fmt;
#endif
}

#ifdef HAVE_LIBSYSTEMD
static void notify_tick(struct nfp_inst *inst, void *arg)
{
	(void)inst;
	if (arg)
		notify("WATCHDOG=1");
	else
		notify("STATUS=%.0f records/s", nfp_control_rate());
}
#endif

/* STATUS= every 5 s, WATCHDOG=1 at half the unit's WatchdogSec. */
static void notify_timers(void)
{
#ifdef HAVE_LIBSYSTEMD
	struct nfp_timer *t;
	uint64_t usec = 0;

	if (!getenv("NOTIFY_SOCKET"))
		return;
	t = nfp_timer_new(NULL, notify_tick, NULL);
	if (t)
		nfp_timer_arm(t, 1000, 5000);
	if (sd_watchdog_enabled(0, &usec) > 0 && usec) {
		uint64_t ms = usec / 2000 ? usec / 2000 : 1;

		t = nfp_timer_new(NULL, notify_tick, (void *)1);
		if (t)
			nfp_timer_arm(t, ms, ms);
	}
#endif
}

static uint64_t mono_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static unsigned int count_insts(const struct nfp_engine *e)
{
	const struct nfp_core_inst *ci;
	unsigned int n = 0;

	for (ci = e->insts; ci; ci = ci->next)
		n++;
	return n;
}

/*
 * Reload the config, between two wakeups: nothing is in flight and every
 * output has been flushed. Build and check the new engine first (every
 * error to the log, and to `nfpipe reload`); with errors the running one
 * stays. Otherwise carry the unchanged instances over, stop what was
 * removed or changed, start what is new.
 */
static void reload(void)
{
	struct nfp_engine *ne = NULL, *old = G.eng;
	struct nfp_conf *conf = NULL;
	const struct nfp_diag *dg;
	unsigned int nold, nnew, kept;
	struct nfp_diags d;
	char line[1024];

	G.reload_pending = false;
	notify("RELOADING=1\nMONOTONIC_USEC=%llu",
	       (unsigned long long)mono_usec());
	nfp_log(NULL, NFP_LOG_INFO, "reloading %s", G.config);
	nfp_diags_init(&d);
	nfp_conf_parse(G.config, NULL, &conf, &d);
	if (conf)
		ne = nfp_engine_new(conf, NULL, &d);
	for (dg = d.head; dg; dg = dg->next) {
		nfp_diag_format(dg, line, sizeof(line));
		nfp_log(NULL, dg->level, "%s", line);
	}
	if (d.errors || !ne) {
		nfp_log(NULL, NFP_LOG_ERROR,
			"reload refused: %u error%s in %s; the running config stays",
			d.errors, d.errors == 1 ? "" : "s", G.config);
		nfp_control_reload_done(false, &d);
		nfp_engine_free(ne);
		if (!ne)
			nfp_conf_free(conf);
		nfp_diags_free(&d);
		nfp_log_reopen();
		nfp_engine_reopen(G.eng);
		notify("READY=1");
		return;
	}
	nold = count_insts(old);
	nnew = count_insts(ne);
	nfp_engine_flush(old);
	kept = nfp_engine_adopt(ne, old);
	G.eng = ne;
	nfp_loop_set_engine(ne);
	nfp_control_engine(ne);
	/* Stops what was not carried over; its last records may still reach
	 * outputs that were, which now belong to @ne. */
	nfp_engine_free(old);
	nfp_engine_flush(ne);
	if (!G.loglevel && ne->loglevel)
		nfp_log_set_level(ne->loglevel);
	nfp_log_reopen();
	if (nfp_engine_start(ne) < 0) {
		nfp_log(NULL, NFP_LOG_FATAL,
			"reload: a new instance failed to start; stopping");
		d.errors++;
		nfp_diag(
			&d, NFP_LOG_ERROR, G.config, 0, NULL, NULL,
			"a new instance failed to start (see the log); nfpiped stops");
		nfp_control_reload_done(false, &d);
		nfp_diags_free(&d);
		G.exit_code = 1;
		nfp_loop_stop();
		return;
	}
	nfp_engine_reopen(ne);
	nfp_log(NULL, NFP_LOG_NOTICE,
		"reloaded %s: %u instances kept, %u started, %u stopped",
		G.config, kept, nnew - kept, nold - kept);
	nfp_control_reload_done(true, &d);
	nfp_diags_free(&d);
	notify("READY=1\nSTATUS=reloaded: %u kept, %u started, %u stopped",
	       kept, nnew - kept, nold - kept);
}

static void request_reload(void)
{
	G.reload_pending = true;
}

/* Between wakeups (nfp_loop_set_idle). */
static void on_idle(void)
{
	if (G.reload_pending && !nfp_stopping())
		reload();
}

static void on_signal(int sig)
{
	switch (sig) {
	case SIGTERM:
	case SIGINT:
		nfp_log(NULL, NFP_LOG_INFO, "signal %d: stopping", sig);
		notify("STOPPING=1");
		nfp_loop_stop();
		break;
	case SIGHUP:
		if (!G.replay) {
			request_reload();
			break;
		}
		nfp_log(NULL, NFP_LOG_INFO, "SIGHUP: reopening files");
		nfp_log_reopen();
		nfp_engine_reopen(G.eng);
		break;
	case SIGUSR1:
		nfp_engine_dump_counters(G.eng);
		nfp_sink_log_states();
		break;
	}
}

static int list_plugins(void)
{
	const struct nfp_plugin **all = nfp_plugin_all(NULL);
	size_t i;

	for (i = 0; all[i]; i++)
		printf("%-7s %-10s %s\n",
		       all[i]->kind == NFP_INPUT    ? "input"
		       : all[i]->kind == NFP_FILTER ? "filter"
						    : "output",
		       all[i]->name, all[i]->summary ? all[i]->summary : "");
	if (!i)
		fprintf(stderr, "nfpiped: no plugins found in %s%s%s\n",
			getenv("NFPIPE_PLUGIN_DIR")
				? getenv("NFPIPE_PLUGIN_DIR")
				: "",
			getenv("NFPIPE_PLUGIN_DIR") ? ":" : "", PKGLIBDIR);
	free(all);
	return i ? 0 : 1;
}

static void print_keys(const char *title, const struct nfp_key *k)
{
	unsigned int i;

	if (!k || !k[0].name)
		return;
	printf("\n%s:\n", title);
	for (i = 0; k[i].name; i++)
		printf("  %-22s %-7s %s%s%s\n", k[i].name,
		       nfp_type_name(k[i].type),
		       (k[i].flags & NFP_KEYF_OPTIONAL) ? "(optional) " : "",
		       (k[i].flags & NFP_KEYF_EMITTED) ? "(emitted only) " : "",
		       k[i].help ? k[i].help : "");
}

static void help_one(const struct nfp_plugin *p)
{
	printf("%s (%s): %s\n", p->name,
	       p->kind == NFP_INPUT    ? "input"
	       : p->kind == NFP_FILTER ? "filter"
				       : "output",
	       p->summary ? p->summary : "");
	if (p->options && p->options[0].name) {
		printf("\nOptions:\n");
		nfp_opts_help(p->options, stdout);
	} else {
		printf("\nOptions: none\n");
	}
	if (p->flags & NFP_PF_ALL_KEYS)
		printf("\nKeys in: every key produced before it in the stack\n");
	print_keys("Keys in", p->in_keys);
	print_keys("Keys out", p->out_keys);
}

/* Every kind of plugin called @name: PCAP is both an input and an output. */
static int help_plugin(const char *name)
{
	const struct nfp_plugin *p;
	unsigned int n = 0;
	const char *why = NULL;
	int kind;

	for (kind = NFP_INPUT; kind <= NFP_OUTPUT; kind++) {
		p = nfp_plugin_find(name, kind, NULL, &why);
		if (!p || (int)p->kind != kind)
			continue;
		if (n)
			printf("\n");
		help_one(p);
		n++;
	}
	if (!n) {
		p = nfp_plugin_find(name, 0, NULL, &why);
		if (!p) {
			fprintf(stderr, "nfpiped: plugin %s: %s\n", name, why);
			return 1;
		}
		help_one(p);
	}
	return 0;
}

static int daemonize(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return -errno;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0)
		_exit(0);
	if (chdir("/") < 0)
		return -errno;
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return 0;
}

static int write_pidfile(const char *path)
{
	char buf[32];
	int fd, n;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (write(fd, buf, (size_t)n) != n) {
		close(fd);
		return -EIO;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1 };
	struct option longopts[ARRAY_SIZE(cli) + 1];
	const char *config = DEFAULT_CONFIG, *user = NULL, *pidfile = NULL;
	const char *replay = NULL;
	static char abs_config[4096];
	bool daemon_mode = false, check = false;
	int loglevel = 0, c, err, ret = 1;
	struct nfp_diags d;
	struct nfp_conf *conf = NULL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cli); i++)
		longopts[i] = cli[i].o;
	memset(&longopts[i], 0, sizeof(longopts[i]));
	while ((c = getopt_long(argc, argv, "c:du:p:vl:i:Vh", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'd':
			daemon_mode = true;
			break;
		case 'u':
			user = optarg;
			break;
		case 'p':
			pidfile = optarg;
			break;
		case 'v':
			loglevel = NFP_LOG_DEBUG;
			break;
		case 'l':
			loglevel = atoi(optarg);
			if (loglevel < 1 || loglevel > 8) {
				fprintf(stderr,
					"nfpiped: --loglevel takes 1 to 8\n");
				return 1;
			}
			break;
		case OPT_CHECK:
			check = true;
			break;
		case OPT_REPLAY:
			replay = optarg;
			break;
		case OPT_LIST:
			return list_plugins();
		case 'i':
		case OPT_HELP_PLUGIN:
			return help_plugin(optarg);
		case 'V':
			printf("nfpiped %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "nfpiped: unexpected argument \"%s\"\n",
			argv[optind]);
		usage(stderr);
		return 1;
	}
	if (loglevel)
		nfp_log_set_level(loglevel);
	/* Reloads read it again after -d's chdir("/"). */
	if (config[0] != '/' && realpath(config, abs_config))
		config = abs_config;
	G.config = config;
	G.replay = replay != NULL;
	G.loglevel = loglevel;

	nfp_diags_init(&d);
	nfp_conf_parse(config, NULL, &conf, &d);
	if (conf && replay && nfp_replay_rewrite(conf, replay, &d) < 0) {
		fprintf(stderr, "nfpiped: out of memory\n");
		goto out;
	}
	nfp_engine_set_checking(check);
	if (conf)
		G.eng = nfp_engine_new(conf, NULL, &d);
	nfp_diags_print(&d, stderr);
	if (d.errors || !G.eng) {
		fprintf(stderr, "nfpiped: %u error%s in %s; nothing started\n",
			d.errors, d.errors == 1 ? "" : "s", config);
		goto out;
	}
	if (check) {
		printf("%s: OK (%u warning%s)\n", config, d.warnings,
		       d.warnings == 1 ? "" : "s");
		ret = 0;
		goto out;
	}
	if (user && nfp_set_run_user(user) < 0) {
		fprintf(stderr, "nfpiped: unknown user \"%s\"\n", user);
		goto out;
	}
	if (!loglevel && G.eng->loglevel)
		nfp_log_set_level(G.eng->loglevel);
	if (daemon_mode && (err = daemonize()) < 0) {
		fprintf(stderr, "nfpiped: cannot daemonize: %s\n",
			strerror(-err));
		goto out;
	}
	if (G.eng->logfile &&
	    !(daemon_mode && !strcmp(G.eng->logfile, "stderr"))) {
		err = nfp_log_open(G.eng->logfile, 0);
		if (err < 0) {
			fprintf(stderr, "nfpiped: cannot open logfile %s: %s\n",
				G.eng->logfile, strerror(-err));
			goto out;
		}
		if (strcmp(G.eng->logfile, "stderr") &&
		    strcmp(G.eng->logfile, "stdout") &&
		    strcmp(G.eng->logfile, "syslog"))
			nfp_own_path(NULL, G.eng->logfile);
	} else if (daemon_mode) {
		nfp_log_open("syslog", 0);
	}
	if (pidfile && (err = write_pidfile(pidfile)) < 0) {
		nfp_log(NULL, NFP_LOG_FATAL, "cannot write pidfile %s: %s",
			pidfile, strerror(-err));
		goto out;
	}
	err = nfp_loop_init();
	if (!err)
		err = nfp_loop_signals(sigs, ARRAY_SIZE(sigs), on_signal);
	if (err < 0) {
		nfp_log(NULL, NFP_LOG_FATAL, "event loop: %s", strerror(-err));
		goto out;
	}
	if (nfp_engine_start(G.eng) < 0) {
		nfp_log(NULL, NFP_LOG_FATAL, "start-up failed; stopping");
		goto out;
	}
	nfp_control_engine(G.eng);
	err = nfp_control_open(replay		       ? "none"
			       : G.eng->control_socket ? G.eng->control_socket
						       : DEFAULT_CONTROL,
			       config, replay ? NULL : request_reload);
	if (err < 0) {
		/* The default place may be missing or taken (a second daemon,
		 * a test): only a socket the config asks for is a must. */
		nfp_log(NULL,
			G.eng->control_socket ? NFP_LOG_FATAL : NFP_LOG_WARN,
			"control socket %s: %s%s",
			G.eng->control_socket ? G.eng->control_socket
					      : DEFAULT_CONTROL,
			err == -EADDRINUSE ? "another nfpiped answers there"
					   : strerror(-err),
			G.eng->control_socket
				? ""
				: "; running without one (set control_socket=)");
		if (G.eng->control_socket)
			goto out;
	}
	nfp_loop_set_idle(on_idle);
	if (user && nfp_drop_privileges(user) < 0)
		goto out;
	nfp_log(NULL, NFP_LOG_INFO, "nfpiped %s started with %s",
		PACKAGE_VERSION, config);
	notify_timers();
	notify("READY=1\nMAINPID=%d", (int)getpid());
	if (replay)
		nfp_replay_progress_start(G.eng, replay);
	err = nfp_loop_run(G.eng);
	if (replay)
		nfp_replay_progress_end();
	if (err < 0) {
		nfp_log(NULL, NFP_LOG_FATAL, "event loop failed: %s",
			strerror(-err));
		goto out;
	}
	/* Read what the sockets still hold before the inputs close them. */
	nfp_loop_drain();
	nfp_engine_flush(G.eng);
	ret = G.exit_code;
out:
	nfp_privs_settle(); /* sink workers waiting for a drop that failed */
	nfp_control_close();
	nfp_engine_free(G.eng);
	if (!G.eng && conf)
		nfp_conf_free(conf);
	G.eng = NULL;
	if (ret == 0 && !check)
		nfp_log(NULL, NFP_LOG_INFO, "stopped");
	nfp_loop_exit();
	nfp_loader_exit();
	nfp_diags_free(&d);
	if (pidfile && !check)
		unlink(pidfile);
	nfp_log_close();
	return ret;
}
