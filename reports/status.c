/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reports/status - nfpipe status and nfpipe reload: the daemon's control
 * socket
 *
 * Both connect to nfpiped's control socket (doc/internals/control.md), send
 * one request line and read one line of JSON. `status` prints it as a table
 * for people, as the daemon's JSON (--json), or as OpenMetrics text for
 * node_exporter's textfile collector (--prometheus); -w repeats it like
 * watch(1). `reload` asks for a config reload and prints the errors of a
 * refused config (file:line) on stderr. The socket: -s, else [global]
 * control_socket of the config (-c, or the installed one when readable),
 * else $runstatedir/nfpipe/nfpiped.sock. Exit status: 0, 1 (bad arguments,
 * a refused reload), 2 (the daemon cannot be reached).
 */
#include "nfp.h"

#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "core.h"

#ifndef RUNSTATEDIR
#define RUNSTATEDIR "/run"
#endif
#define STATUS_DEFAULT_SOCK RUNSTATEDIR "/nfpipe/nfpiped.sock"
#define REPLY_MAX	    (16u << 20) /* bytes of a reply at most */

/* ---- a small JSON reader: the daemon's reply only ------------------------ */

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jv {
	enum jtype t;	/* what this is */
	char *s;	/* J_STR: the text; J_NUM: the number as written */
	bool b;		/* J_BOOL */
	struct jv *kid; /* J_ARR, J_OBJ: members */
	char **key;	/* J_OBJ: member names */
	size_t n;	/* members */
};

struct jparse {
	const char *p; /* next character */
	int depth;     /* nesting, bounded */
};

static void jv_free(struct jv *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->n; i++) {
		jv_free(&v->kid[i]);
		if (v->key)
			free(v->key[i]);
	}
	free(v->kid);
	free(v->key);
	free(v->s);
}

static void ws(struct jparse *jp)
{
	while (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\n' ||
	       *jp->p == '\r')
		jp->p++;
}

static char *parse_str(struct jparse *jp)
{
	size_t cap = 32, n = 0;
	char *out = malloc(cap);

	if (!out || *jp->p != '"')
		goto bad;
	jp->p++;
	while (*jp->p && *jp->p != '"') {
		char c = *jp->p++;

		if (c == '\\') {
			c = *jp->p++;
			switch (c) {
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			case 'r':
				c = '\r';
				break;
			case 'u': {
				unsigned int u;

				if (strspn(jp->p, "0123456789abcdefABCDEF") <
					    4 ||
				    sscanf(jp->p, "%4x", &u) != 1)
					goto bad;
				jp->p += 4;
				c = u < 0x80 ? (char)u : '?';
				break;
			}
			case '\0':
				goto bad;
			default:
				break;
			}
		}
		if (n + 2 > cap) {
			char *m = realloc(out, cap *= 2);

			if (!m)
				goto bad;
			out = m;
		}
		out[n++] = c;
	}
	if (*jp->p != '"')
		goto bad;
	jp->p++;
	out[n] = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

static int parse_val(struct jparse *jp, struct jv *v);

static int add_kid(struct jv *v, struct jparse *jp, char *key)
{
	struct jv *k = realloc(v->kid, (v->n + 1) * sizeof(*k));

	if (!k)
		return -1;
	v->kid = k;
	if (v->t == J_OBJ) {
		char **kk = realloc(v->key, (v->n + 1) * sizeof(*kk));

		if (!kk)
			return -1;
		v->key = kk;
		v->key[v->n] = key;
	}
	memset(&v->kid[v->n], 0, sizeof(*k));
	v->n++;
	return parse_val(jp, &v->kid[v->n - 1]);
}

static int parse_val(struct jparse *jp, struct jv *v)
{
	ws(jp);
	if (++jp->depth > 32)
		return -1;
	switch (*jp->p) {
	case '{':
	case '[': {
		char close = *jp->p == '{' ? '}' : ']';

		v->t = close == '}' ? J_OBJ : J_ARR;
		jp->p++;
		ws(jp);
		if (*jp->p == close) {
			jp->p++;
			break;
		}
		for (;;) {
			char *key = NULL;

			ws(jp);
			if (v->t == J_OBJ) {
				key = parse_str(jp);
				ws(jp);
				if (!key || *jp->p != ':') {
					free(key);
					return -1;
				}
				jp->p++;
			}
			if (add_kid(v, jp, key) < 0)
				return -1;
			ws(jp);
			if (*jp->p == ',') {
				jp->p++;
				continue;
			}
			if (*jp->p != close)
				return -1;
			jp->p++;
			break;
		}
		break;
	}
	case '"':
		v->t = J_STR;
		v->s = parse_str(jp);
		if (!v->s)
			return -1;
		break;
	case 't':
	case 'f':
		v->t = J_BOOL;
		v->b = *jp->p == 't';
		if (strncmp(jp->p, v->b ? "true" : "false", v->b ? 4 : 5))
			return -1;
		jp->p += v->b ? 4 : 5;
		break;
	case 'n':
		v->t = J_NULL;
		if (strncmp(jp->p, "null", 4))
			return -1;
		jp->p += 4;
		break;
	default: {
		const char *s = jp->p;

		while (strchr("+-.0123456789eE", *jp->p) && *jp->p)
			jp->p++;
		if (jp->p == s)
			return -1;
		v->t = J_NUM;
		v->s = strndup(s, (size_t)(jp->p - s));
		if (!v->s)
			return -1;
	}
	}
	jp->depth--;
	return 0;
}

static const struct jv *jget(const struct jv *o, const char *key)
{
	size_t i;

	if (!o || o->t != J_OBJ)
		return NULL;
	for (i = 0; i < o->n; i++)
		if (!strcmp(o->key[i], key))
			return &o->kid[i];
	return NULL;
}

/* A member as text: numbers as written, strings, "-" when missing. */
static const char *jtext(const struct jv *o, const char *key)
{
	const struct jv *v = jget(o, key);

	if (!v)
		return "-";
	if (v->t == J_BOOL)
		return v->b ? "yes" : "no";
	if (v->t == J_NULL)
		return "-";
	return v->s ? v->s : "-";
}

static double jnum(const struct jv *o, const char *key)
{
	const struct jv *v = jget(o, key);

	return v && v->t == J_NUM ? strtod(v->s, NULL) : 0;
}

/* ---- talking to the daemon -------------------------------------------- */

struct target {
	char sock[sizeof(((struct sockaddr_un *)0)->sun_path)]; /* path */
};

/*
 * The socket: -s, else [global] control_socket of the config, else the
 * default. CLI_FAIL when the config turns it off.
 */
static int find_socket(const char *opt_s, const char *opt_c, struct target *t)
{
	const char *p = opt_s;
	struct nfp_conf *conf = NULL;
	int ret = CLI_OK;

	if (!p && (opt_c || access(CLI_DEFAULT_CONFIG, R_OK) == 0)) {
		conf = cli_conf_load(opt_c);
		if (!conf && opt_c)
			return CLI_FAIL;
		if (conf)
			p = cli_conf_get(conf, "global", "control_socket");
		if (p && !strcmp(p, "none")) {
			cli_err("the control socket is off in %s "
				"(control_socket=none)",
				opt_c ? opt_c : CLI_DEFAULT_CONFIG);
			ret = CLI_UNREACHABLE;
		}
	}
	if (!p)
		p = STATUS_DEFAULT_SOCK;
	if (ret == CLI_OK && strlen(p) >= sizeof(t->sock)) {
		cli_err("socket path too long: %s", p);
		ret = CLI_FAIL;
	}
	if (ret == CLI_OK)
		snprintf(t->sock, sizeof(t->sock), "%s", p);
	nfp_conf_free(conf);
	return ret;
}

/*
 * Send @req, read the reply line into *@out (malloc'ed) within @timeout_ms.
 * CLI_OK, or CLI_UNREACHABLE with the message printed.
 */
static int ask(const struct target *t, const char *req, int timeout_ms,
	       char **out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = 0, cap = 65536;
	char *buf = NULL;
	int fd, ret = CLI_UNREACHABLE;
	ssize_t n;

	*out = NULL;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", t->sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		cli_err("socket: %s", strerror(errno));
		return CLI_UNREACHABLE;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			cli_err("nfpiped is not running (no control socket at "
				"%s)",
				t->sock);
		else
			cli_err("cannot reach nfpiped at %s: %s", t->sock,
				strerror(errno));
		goto out;
	}
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req)) {
		cli_err("cannot send to nfpiped at %s: %s", t->sock,
			strerror(errno));
		goto out;
	}
	buf = malloc(cap);
	if (!buf)
		goto out;
	for (;;) {
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		int r = poll(&pf, 1, timeout_ms);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			cli_err("nfpiped at %s did not answer within %d s",
				t->sock, timeout_ms / 1000);
			goto out;
		}
		if (len + 1 >= cap) {
			char *m;

			if (cap >= REPLY_MAX)
				break;
			m = realloc(buf, cap *= 2);
			if (!m)
				goto out;
			buf = m;
		}
		n = recv(fd, buf + len, cap - 1 - len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	if (!len || buf[len - 1] != '\n') {
		cli_err("nfpiped at %s closed the connection without an answer",
			t->sock);
		goto out;
	}
	*out = buf;
	buf = NULL;
	ret = CLI_OK;
out:
	free(buf);
	close(fd);
	return ret;
}

/* ---- status as text ------------------------------------------------------ */

static void fmt_uptime(double s, char *buf, size_t len)
{
	uint64_t t = (uint64_t)s;

	if (t >= 86400)
		snprintf(buf, len, "%" PRIu64 "d%02" PRIu64 "h%02" PRIu64 "m",
			 t / 86400, t % 86400 / 3600, t % 3600 / 60);
	else if (t >= 3600)
		snprintf(buf, len, "%" PRIu64 "h%02" PRIu64 "m%02" PRIu64 "s",
			 t / 3600, t % 3600 / 60, t % 60);
	else
		snprintf(buf, len, "%" PRIu64 "m%02" PRIu64 "s", t / 60,
			 t % 60);
}

static void print_text(const struct jv *st)
{
	const struct jv *a, *loss;
	char up[32];
	size_t i, k;

	fmt_uptime(jnum(st, "uptime"), up, sizeof(up));
	printf("nfpiped %s, pid %s, up %s, %s reload%s, %s records/s\n",
	       jtext(st, "version"), jtext(st, "pid"), up, jtext(st, "reloads"),
	       !strcmp(jtext(st, "reloads"), "1") ? "" : "s",
	       jtext(st, "rate"));
	printf("config %s\n", jtext(st, "config"));
	a = jget(st, "stacks");
	printf("\nstacks:\n");
	for (i = 0; a && a->t == J_ARR && i < a->n; i++)
		printf("  %s\n", a->kid[i].s ? a->kid[i].s : "");
	a = jget(st, "instances");
	printf("\n%-14s %-10s %-6s %12s %12s %10s %8s %10s\n", "INSTANCE",
	       "PLUGIN", "KIND", "IN", "OUT", "STOPPED", "ERRORS", "RATE/S");
	for (i = 0; a && a->t == J_ARR && i < a->n; i++) {
		const struct jv *in = &a->kid[i];

		printf("%-14s %-10s %-6s %12s %12s %10s %8s %10s\n",
		       jtext(in, "name"), jtext(in, "plugin"),
		       jtext(in, "kind"), jtext(in, "in"), jtext(in, "out"),
		       jtext(in, "stopped"), jtext(in, "errors"),
		       jtext(in, "rate"));
	}
	printf("\ncounters:\n");
	for (i = 0; a && a->t == J_ARR && i < a->n; i++) {
		const struct jv *c = jget(&a->kid[i], "counters");

		if (!c || !c->n)
			continue;
		printf("  %-12s", jtext(&a->kid[i], "name"));
		for (k = 0; k < c->n; k++)
			printf(" %s=%s", c->key[k],
			       c->kid[k].s ? c->kid[k].s : "-");
		printf("\n");
	}
	a = jget(st, "sinks");
	if (a && a->n) {
		/* Queue depth now, not totals: the plugin's counters above
		 * carry what was written. */
		printf("\n%-14s %-18s %-9s %8s %11s %12s %s\n", "SINK", "STATE",
		       "CONNECTED", "QUEUED", "QUEUED_ROWS", "SPOOL_BYTES",
		       "OLDEST_SPOOLED");
		for (i = 0; i < a->n; i++) {
			const struct jv *s = &a->kid[i];
			const struct jv *o = jget(s, "oldest_spooled");
			char when[32] = "-";

			if (o && o->t == J_NUM) {
				time_t tt = (time_t)strtoll(o->s, NULL, 10);
				struct tm tm;

				if (localtime_r(&tt, &tm))
					strftime(when, sizeof(when),
						 "%Y-%m-%d %H:%M:%S", &tm);
			}
			printf("%-14s %-18s %-9s %8s %11s %12s %s\n",
			       jtext(s, "instance"), jtext(s, "state"),
			       jtext(s, "connected"),
			       jtext(s, "queued_batches"),
			       jtext(s, "queued_rows"), jtext(s, "spool_bytes"),
			       when);
		}
	}
	a = jget(st, "netlink");
	if (a && a->n) {
		printf("\n%-14s %8s %12s %12s %12s\n", "NETLINK", "PROTOCOL",
		       "PORTID", "INODE", "KERNEL_DROPS");
		for (i = 0; i < a->n; i++)
			printf("%-14s %8s %12s %12s %12s\n",
			       jtext(&a->kid[i], "instance"),
			       jtext(&a->kid[i], "protocol"),
			       jtext(&a->kid[i], "portid"),
			       jtext(&a->kid[i], "inode"),
			       jtext(&a->kid[i], "kernel_drops"));
	}
	loss = jget(st, "loss");
	printf("\nloss, kernel to sink:\n"
	       "  netlink overruns (ENOBUFS)   %s\n"
	       "  kernel socket drops          %s\n"
	       "  NFLOG sequence gaps          %s\n"
	       "  malformed records            %s\n"
	       "  records stopped by errors    %s\n"
	       "  sink rows rejected           %s\n"
	       "  sink rows dropped            %s\n"
	       "  lost                         %s\n",
	       jtext(loss, "enobufs"), jtext(loss, "kernel_drops"),
	       jtext(loss, "seq_gaps"), jtext(loss, "malformed"),
	       jtext(loss, "errors"), jtext(loss, "sink_rejected"),
	       jtext(loss, "sink_dropped"), jtext(loss, "lost"));
}

/* ---- status as OpenMetrics ------------------------------------------------
 */

/* A label value: backslash, quote and newline escaped. */
static void om_label(const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\\' || *s == '"')
			printf("\\%c", *s);
		else if (*s == '\n')
			printf("\\n");
		else
			putchar(*s);
	}
}

static void om_sample(const char *name, const char *inst, const char *plugin,
		      const char *counter, const char *value)
{
	const char *sep = "";

	printf("%s", name);
	if (inst || plugin || counter) {
		printf("{");
		if (inst) {
			printf("instance=\"");
			om_label(inst);
			printf("\"");
			sep = ",";
		}
		if (plugin) {
			printf("%splugin=\"", sep);
			om_label(plugin);
			printf("\"");
			sep = ",";
		}
		if (counter) {
			printf("%scounter=\"", sep);
			om_label(counter);
			printf("\"");
		}
		printf("}");
	}
	printf(" %s\n", value && strcmp(value, "-") ? value : "0");
}

static void print_prometheus(const struct jv *st)
{
	static const char *const core_ctrs[] = { "in", "out", "stopped",
						 "errors", "flush_errors" };
	const struct jv *a = jget(st, "instances"), *s, *loss;
	size_t i, k;

	printf("# HELP nfpipe_up Whether nfpiped answered.\n"
	       "# TYPE nfpipe_up gauge\n");
	om_sample("nfpipe_up", NULL, NULL, NULL, "1");
	printf("# HELP nfpipe_uptime_seconds Seconds since nfpiped started.\n"
	       "# TYPE nfpipe_uptime_seconds gauge\n");
	om_sample("nfpipe_uptime_seconds", NULL, NULL, NULL,
		  jtext(st, "uptime"));
	printf("# HELP nfpipe_reloads Config reloads since the start.\n"
	       "# TYPE nfpipe_reloads counter\n");
	om_sample("nfpipe_reloads_total", NULL, NULL, NULL,
		  jtext(st, "reloads"));
	printf("# HELP nfpipe_records Records an instance took (in), passed "
	       "on (out), stopped, failed on.\n"
	       "# TYPE nfpipe_records counter\n");
	for (i = 0; a && i < a->n; i++)
		for (k = 0; k < ARRAY_SIZE(core_ctrs); k++)
			om_sample("nfpipe_records_total",
				  jtext(&a->kid[i], "name"),
				  jtext(&a->kid[i], "plugin"), core_ctrs[k],
				  jtext(&a->kid[i], core_ctrs[k]));
	printf("# HELP nfpipe_record_rate Records per second over the last "
	       "second.\n"
	       "# TYPE nfpipe_record_rate gauge\n");
	for (i = 0; a && i < a->n; i++)
		om_sample("nfpipe_record_rate", jtext(&a->kid[i], "name"),
			  jtext(&a->kid[i], "plugin"), NULL,
			  jtext(&a->kid[i], "rate"));
	printf("# HELP nfpipe_plugin The plugins' own counters.\n"
	       "# TYPE nfpipe_plugin counter\n");
	for (i = 0; a && i < a->n; i++) {
		const struct jv *c = jget(&a->kid[i], "counters");

		for (k = 0; c && k < c->n; k++)
			om_sample("nfpipe_plugin_total",
				  jtext(&a->kid[i], "name"),
				  jtext(&a->kid[i], "plugin"), c->key[k],
				  c->kid[k].s);
	}
	s = jget(st, "sinks");
	printf("# HELP nfpipe_sink_queued_rows Rows in a sink's memory queue.\n"
	       "# TYPE nfpipe_sink_queued_rows gauge\n");
	for (i = 0; s && i < s->n; i++)
		om_sample("nfpipe_sink_queued_rows",
			  jtext(&s->kid[i], "instance"), NULL, NULL,
			  jtext(&s->kid[i], "queued_rows"));
	printf("# HELP nfpipe_sink_spool_bytes Bytes in a sink's spool.\n"
	       "# TYPE nfpipe_sink_spool_bytes gauge\n");
	for (i = 0; s && i < s->n; i++)
		om_sample("nfpipe_sink_spool_bytes",
			  jtext(&s->kid[i], "instance"), NULL, NULL,
			  jtext(&s->kid[i], "spool_bytes"));
	printf("# HELP nfpipe_sink_up Whether a sink's worker is connected.\n"
	       "# TYPE nfpipe_sink_up gauge\n");
	for (i = 0; s && i < s->n; i++)
		om_sample("nfpipe_sink_up", jtext(&s->kid[i], "instance"), NULL,
			  NULL,
			  !strcmp(jtext(&s->kid[i], "connected"), "yes") ? "1"
									 : "0");
	loss = jget(st, "loss");
	printf("# HELP nfpipe_loss Loss from kernel to sink, by cause.\n"
	       "# TYPE nfpipe_loss counter\n");
	for (k = 0; loss && k < loss->n; k++)
		if (strcmp(loss->key[k], "lost"))
			om_sample("nfpipe_loss_total", NULL, NULL, loss->key[k],
				  loss->kid[k].s);
	printf("# HELP nfpipe_lost Records lost, all causes together.\n"
	       "# TYPE nfpipe_lost counter\n");
	om_sample("nfpipe_lost_total", NULL, NULL, NULL, jtext(loss, "lost"));
	printf("# EOF\n");
}

/* ---- the subcommands ---------------------------------------------------- */

static void status_usage(FILE *f)
{
	fprintf(f,
		"Usage: nfpipe status [-s SOCK] [-c FILE] [--json | --prometheus] "
		"[-w SECONDS]\n"
		"Show nfpiped's live counters, sinks and loss accounting.\n\n"
		"  -s, --socket SOCK   the daemon's control socket (default: "
		"control_socket\n"
		"                      of the config, else %s)\n"
		"  -c, --config FILE   the daemon's config (default %s)\n"
		"  -j, --json          the daemon's JSON, one object a line\n"
		"  -p, --prometheus    OpenMetrics text (node_exporter textfile "
		"collector)\n"
		"  -w, --watch SECONDS repeat every SECONDS, like watch(1)\n"
		"  -h, --help          this help\n"
		"Exit status: 0 ok, 1 bad arguments, 2 nfpiped not running.\n",
		STATUS_DEFAULT_SOCK, CLI_DEFAULT_CONFIG);
}

enum { FMT_TEXT, FMT_JSON, FMT_PROM };

static int status_once(const struct target *t, int fmt, bool clear)
{
	struct jparse jp;
	struct jv st = { 0 };
	char *reply;
	int ret;

	ret = ask(t, "status\n", 5000, &reply);
	if (ret != CLI_OK)
		return ret;
	jp.p = reply;
	jp.depth = 0;
	if (parse_val(&jp, &st) < 0 || st.t != J_OBJ) {
		cli_err("nfpiped's answer is not the JSON expected");
		jv_free(&st);
		free(reply);
		return CLI_FAIL;
	}
	if (clear && isatty(STDOUT_FILENO))
		printf("\033[H\033[2J");
	if (fmt == FMT_JSON)
		fputs(reply, stdout);
	else if (fmt == FMT_PROM)
		print_prometheus(&st);
	else
		print_text(&st);
	fflush(stdout);
	jv_free(&st);
	free(reply);
	return CLI_OK;
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "prometheus", no_argument, NULL, 'p' },
		{ "watch", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *opt_s = NULL, *opt_c = NULL;
	double every = 0;
	int c, fmt = FMT_TEXT, ret;
	struct target t;
	char *end;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:c:jpw:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			opt_s = optarg;
			break;
		case 'c':
			opt_c = optarg;
			break;
		case 'j':
			fmt = FMT_JSON;
			break;
		case 'p':
			fmt = FMT_PROM;
			break;
		case 'w':
			every = strtod(optarg, &end);
			if (*end || end == optarg || !(every >= 0.1) ||
			    every > 86400) {
				cli_usage_err("-w takes seconds from 0.1 to "
					      "86400, not \"%s\"",
					      optarg);
				return CLI_FAIL;
			}
			break;
		default: /* -h, or a bad option */
			return cli_opt_other(c, status_usage);
		}
	}
	if (cli_extra_operand(argc, argv))
		return CLI_FAIL;
	ret = find_socket(opt_s, opt_c, &t);
	if (ret != CLI_OK)
		return ret;
	ret = status_once(&t, fmt, every > 0);
	while (every > 0 && ret == CLI_OK) {
		struct timespec ts = { .tv_sec = (time_t)every };

		ts.tv_nsec = (long)((every - floor(every)) * 1e9);
		nanosleep(&ts, NULL);
		ret = status_once(&t, fmt, true);
	}
	return ret;
}

static void reload_usage(FILE *f)
{
	fprintf(f,
		"Usage: nfpipe reload [-s SOCK] [-c FILE]\n"
		"Have nfpiped reload its config; a config with errors is "
		"refused and\nthe running one stays (the errors on stderr, "
		"exit 1).\n\n"
		"  -s, --socket SOCK   the daemon's control socket\n"
		"  -c, --config FILE   the daemon's config (default %s)\n"
		"  -h, --help          this help\n"
		"Exit status: 0 reloaded, 1 refused, 2 nfpiped not running.\n",
		CLI_DEFAULT_CONFIG);
}

int cmd_reload(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *opt_s = NULL, *opt_c = NULL;
	const struct jv *ok, *errs;
	struct jv r = { 0 };
	struct jparse jp;
	struct target t;
	char *reply;
	int c, ret;
	size_t i;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			opt_s = optarg;
			break;
		case 'c':
			opt_c = optarg;
			break;
		default: /* -h, or a bad option */
			return cli_opt_other(c, reload_usage);
		}
	}
	if (cli_extra_operand(argc, argv))
		return CLI_FAIL;
	ret = find_socket(opt_s, opt_c, &t);
	if (ret != CLI_OK)
		return ret;
	/* Removed sinks drain for up to their stop_timeout each. */
	ret = ask(&t, "reload\n", 120000, &reply);
	if (ret != CLI_OK)
		return ret;
	jp.p = reply;
	jp.depth = 0;
	if (parse_val(&jp, &r) < 0 || r.t != J_OBJ) {
		cli_err("nfpiped's answer is not the JSON expected");
		ret = CLI_FAIL;
		goto out;
	}
	ok = jget(&r, "ok");
	errs = jget(&r, "errors");
	for (i = 0; errs && errs->t == J_ARR && i < errs->n; i++)
		fprintf(stderr, "%s\n", errs->kid[i].s ? errs->kid[i].s : "");
	if (!ok || ok->t != J_BOOL || !ok->b) {
		cli_err("nfpiped refused the config; the running one stays");
		ret = CLI_FAIL;
	}
out:
	jv_free(&r);
	free(reply);
	return ret;
}
