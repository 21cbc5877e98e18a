/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/pgsql - rows into a PostgreSQL table: COPY per batch, through libpq
 *
 * Consumes the keys its target table (or view) names, ulogd2's rule: every
 * column whose name does not start with '_' stores the key of its name with
 * '_' read as '.'. The columns are read from the server at configure time;
 * when it cannot be reached they come from the `columns` option, else from
 * the list saved by the last run that reached it (beside the spool), else
 * from the CREATE TABLE in `schema_file` (etc/sql/pgsql.sql): nfpiped
 * starts, spools, and writes once the server is back. Produces nothing.
 *
 * Threading: process() copies each row into a batch of the queued-sink core
 * (include/nfpipe/sink.h) on the main thread; one worker thread owns the
 * connection and writes each batch as one transaction: COPY ... FROM STDIN
 * in text format into a table, or, for views and ulogd2's `procedure=`
 * (INSERT_PACKET_FULL and its kin), one prepared statement per row sent in
 * a pipeline inside one transaction. Values are COPY-escaped or bound as
 * parameters, never pasted into SQL. A batch the server refuses because of
 * a row (a data exception, a constraint, an error the procedure raises) is
 * written again row by row inside savepoints: the bad rows are logged with
 * the server's reason and skipped, the rest lands. Anything else (a lost
 * connection, a missing table, no permission) returns the batch to the
 * core, which reconnects with backoff and spools meanwhile. A connection
 * lost while COMMIT was under way leaves the batch in doubt: before it is
 * written again, txid_status() of its transaction says whether it landed,
 * so it lands once.
 *
 * The password (`pass`, or password= in `connstring`) never reaches the
 * log: the options are secret and every libpq and server message is
 * scrubbed of it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf, strndup */
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include <nfpipe/plugin.h>
#include <nfpipe/sink.h>

#include "pgq.h"
#include "sqlcols.h"

#ifndef NFP_SQLDIR
#define NFP_SQLDIR "/usr/share/nfpipe/sql"
#endif

#define COPY_CHUNK (256u << 10) /* bytes per PQputCopyData() */
#define PIPE_CHUNK 256		/* rows in flight between syncs */
#define STMT_NAME  "nfp_row"	/* the prepared one-row statement */

/* Where the columns came from, for the start-up message. */
enum pg_src { SRC_SERVER, SRC_OPTION, SRC_CACHE, SRC_SCHEMA_FILE };

struct pg_priv {
	char *db;		   /* option db (dbname) */
	char *host;		   /* option host (or socket dir) */
	char *user;		   /* option user */
	char *pass;		   /* option pass: secret */
	uint64_t port;		   /* option port; 0: libpq's */
	char *table;		   /* option table, "schema.table" allowed */
	char *schema;		   /* option schema (namespace) */
	char *procedure;	   /* option procedure */
	char *connstring;	   /* option connstring: secret, wins */
	char *columns;		   /* option columns */
	char *schema_file;	   /* option schema_file */
	bool null_columns;	   /* option null_columns */
	uint64_t connect_timeout;  /* option connect_timeout, seconds */
	uint64_t io_timeout;	   /* option io_timeout, ms; 0: none */
	int64_t reconnect;	   /* ulogd2's, ignored */
	int64_t backlog_memcap;	   /* ulogd2's, ignored */
	int64_t backlog_oneshot;   /* ulogd2's, ignored */
	int64_t ring_buffer_size;  /* ulogd2's, ignored */
	struct nfp_sink_conf sink; /* batch, queue and spool options */
	struct sqlc_set *cols;	   /* from configure() */
	enum sqlc_mode mode;	   /* from procedure */
	const char *proc_name;	   /* inside procedure, or NULL */
	struct nfp_sink *s;	   /* running sink, or NULL */
};

/* libpq's connection keywords and values: NULL-terminated, malloc'd. */
struct pg_params {
	char *kw[48];	/* keywords */
	char *val[48];	/* their values */
	unsigned int n; /* entries used */
};

/* The worker's side: owned by the sink once started (pg_release frees). */
struct pg_ctx {
	struct pg_params cp;	   /* how to connect */
	char *secrets[3];	   /* never logged; NULL-terminated */
	char *where;		   /* "db on host:port as user", for messages */
	char *schema;		   /* namespace of the target */
	char *table;		   /* table or view name */
	enum sqlc_mode mode;	   /* from procedure */
	char *proc_name;	   /* the routine, or "INSERT INTO ..." */
	struct sqlc_set *cols;	   /* the columns filled; owned */
	enum pgq_cls *cls;	   /* per column, found at connect */
	char *copy_sql;		   /* COPY ... FROM STDIN */
	char *row_sql;		   /* the one-row statement */
	PGconn *conn;		   /* connection, or NULL */
	bool copy;		   /* COPY (a table), or row by row */
	bool told_extra;	   /* unfilled columns mentioned once */
	struct pgq_buf buf;	   /* COPY data, or a row's values */
	const char **pv;	   /* parameter values, one per column */
	int *pl;		   /* and their lengths */
	size_t *po;		   /* offsets of the values in buf */
	struct nfp_ratelimit rl;   /* worker complaints */
	const struct nfp_inst *li; /* the sink's log instance */
	uint64_t io_timeout;	   /* ms the server may stay silent */
	bool late;		   /* the last exchange timed out */
	bool has_status;	   /* server has txid_status() (10+) */
	int64_t xid;		   /* transaction of this attempt, or -1 */
	int64_t doubt_xid;	   /* a COMMIT left unanswered, or -1 */
	char xstart[48];	   /* server start time at BEGIN */
	char doubt_start[48];	   /* the same, for doubt_xid */
	uint64_t doubt_seq;	   /* the batch it was for */
};

static const char *const pg_counters[] = { NFP_SINK_COUNTER_NAMES, NULL };

static const struct nfp_option pg_options[] = {
	{ .name = "db",
	  .type = NFP_OPT_STRING,
	  .off = offsetof(struct pg_priv, db),
	  .help = "Database name (libpq's dbname)." },
	{ .name = "host",
	  .type = NFP_OPT_STRING,
	  .off = offsetof(struct pg_priv, host),
	  .help = "Server host name or address, or the directory of its unix socket; unset: libpq's default (the local socket)." },
	{ .name = "user",
	  .type = NFP_OPT_STRING,
	  .off = offsetof(struct pg_priv, user),
	  .help = "Role to connect as." },
	{ .name = "pass",
	  .type = NFP_OPT_STRING,
	  .flags = NFP_OPT_SECRET,
	  .off = offsetof(struct pg_priv, pass),
	  .help = "Password; never logged. A ~/.pgpass file works too." },
	{ .name = "port",
	  .type = NFP_OPT_UINT,
	  .def = "0",
	  .max = 65535,
	  .off = offsetof(struct pg_priv, port),
	  .help = "Server port; 0: libpq's default (5432)." },
	{ .name = "table",
	  .type = NFP_OPT_STRING,
	  .flags = NFP_OPT_REQUIRED,
	  .off = offsetof(struct pg_priv, table),
	  .help = "Table or view whose columns name the keys stored (\"schema.table\" allowed)." },
	{ .name = "schema",
	  .type = NFP_OPT_STRING,
	  .def = "public",
	  .off = offsetof(struct pg_priv, schema),
	  .help = "Schema (namespace) of the table." },
	{ .name = "procedure",
	  .type = NFP_OPT_STRING,
	  .def = "INSERT",
	  .off = offsetof(struct pg_priv, procedure),
	  .help = "INSERT (COPY into the table), a function called as SELECT name(columns...) per row (ulogd2's INSERT_PACKET_FULL), CALL name, or \"INSERT INTO x\"." },
	{ .name = "connstring",
	  .type = NFP_OPT_STRING,
	  .off = offsetof(struct pg_priv, connstring),
	  .help = "libpq connection string or URI; its settings win over db, host, port, user and pass (TLS: sslmode=verify-full sslrootcert=...)." },
	{ .name = "columns",
	  .type = NFP_OPT_STRING,
	  .off = offsetof(struct pg_priv, columns),
	  .help = "Columns to fill, comma-separated, instead of reading them from the server at start-up." },
	{ .name = "schema_file",
	  .type = NFP_OPT_PATH,
	  .def = NFP_SQLDIR "/pgsql.sql",
	  .off = offsetof(struct pg_priv, schema_file),
	  .help = "SQL file whose CREATE TABLE gives the columns when the server cannot be reached at start-up and no earlier run saved them." },
	{ .name = "null_columns",
	  .type = NFP_OPT_BOOL,
	  .def = "0",
	  .off = offsetof(struct pg_priv, null_columns),
	  .help = "Store NULL in columns no key in the stack fills, instead of refusing the config (columns of l7., geoip., blacklist. and scan. keys are always optional)." },
	{ .name = "connect_timeout",
	  .type = NFP_OPT_UINT,
	  .def = "10",
	  .max = 3600,
	  .off = offsetof(struct pg_priv, connect_timeout),
	  .help = "Seconds a connection attempt may take; 0: no limit." },
	{ .name = "io_timeout",
	  .type = NFP_OPT_DURATION,
	  .def = "30s",
	  .unit = "ms",
	  .max = 3600000,
	  .off = offsetof(struct pg_priv, io_timeout),
	  .help = "Longest the server may leave a query or a write unanswered before the connection is closed and the batch written again; 0: no limit." },
	{ .name = "reconnect",
	  .type = NFP_OPT_INT,
	  .def = "0",
	  .flags = NFP_OPT_DEPRECATED,
	  .off = offsetof(struct pg_priv, reconnect),
	  .help = "ignored: nfpiped always reconnects, with backoff up to retry_max" },
	{ .name = "backlog_memcap",
	  .type = NFP_OPT_INT,
	  .def = "0",
	  .flags = NFP_OPT_DEPRECATED,
	  .off = offsetof(struct pg_priv, backlog_memcap),
	  .help = "ignored: batches wait in queue_max and the disk spool (spool_max)" },
	{ .name = "backlog_oneshot_requests",
	  .type = NFP_OPT_INT,
	  .def = "0",
	  .flags = NFP_OPT_DEPRECATED,
	  .off = offsetof(struct pg_priv, backlog_oneshot),
	  .help = "ignored: every batch is one transaction (batch)" },
	{ .name = "ring_buffer_size",
	  .type = NFP_OPT_INT,
	  .def = "0",
	  .flags = NFP_OPT_DEPRECATED,
	  .off = offsetof(struct pg_priv, ring_buffer_size),
	  .help = "ignored: a worker thread always writes (queue_max)" },
	NFP_SINK_OPTIONS(struct pg_priv, sink),
	{ 0 }
};

/* ---- pure parts (pgq.h) -------------------------------------------------- */

enum pgq_cls pgq_class(const char *typname, char category)
{
	static const char *const ints[] = { "int2", "int4", "int8", "oid",
					    NULL };
	unsigned int i;

	if (!typname)
		return PGQ_TEXT;
	if (!strcmp(typname, "bytea"))
		return PGQ_BYTEA;
	if (!strcmp(typname, "bool"))
		return PGQ_BOOL;
	if (!strcmp(typname, "timestamp") || !strcmp(typname, "timestamptz") ||
	    !strcmp(typname, "date"))
		return PGQ_TIME;
	for (i = 0; ints[i]; i++)
		if (!strcmp(typname, ints[i]))
			return PGQ_INT;
	if (category == 'N')
		return PGQ_NUM;
	return PGQ_TEXT;
}

int pgq_reserve(struct pgq_buf *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->cap - b->len >= n)
		return 0;
	cap = b->cap ? b->cap : 4096;
	while (cap - b->len < n)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p)
		return -ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

/* Append bytes as they are; room was reserved. */
static void put_raw(struct pgq_buf *b, const void *p, size_t n)
{
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

/* Text, escaped for COPY when @copy. */
static int put_text(struct pgq_buf *b, const char *s, size_t n, bool copy)
{
	size_t i;
	char *o;

	if (pgq_reserve(b, copy ? 2 * n : n))
		return -ENOMEM;
	if (!copy) {
		put_raw(b, s, n);
		return 0;
	}
	o = b->p + b->len;
	for (i = 0; i < n; i++) {
		char c = s[i];

		switch (c) {
		case '\\':
			*o++ = '\\';
			*o++ = '\\';
			break;
		case '\n':
			*o++ = '\\';
			*o++ = 'n';
			break;
		case '\r':
			*o++ = '\\';
			*o++ = 'r';
			break;
		case '\t':
			*o++ = '\\';
			*o++ = 't';
			break;
		case '\0':
			break; /* PostgreSQL text cannot hold NUL */
		default:
			*o++ = c;
		}
	}
	b->len = (size_t)(o - b->p);
	return 0;
}

/* bytea's hex input, "\x0a1b"; the backslash doubled inside COPY. */
static int put_bytea(struct pgq_buf *b, const uint8_t *p, size_t n, bool copy)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	if (pgq_reserve(b, 3 + 2 * n))
		return -ENOMEM;
	if (copy)
		b->p[b->len++] = '\\';
	b->p[b->len++] = '\\';
	b->p[b->len++] = 'x';
	for (i = 0; i < n; i++) {
		b->p[b->len++] = hex[p[i] >> 4];
		b->p[b->len++] = hex[p[i] & 15];
	}
	return 0;
}

static int put_time(struct pgq_buf *b, int64_t sec, uint32_t nsec)
{
	char t[64];
	size_t n = sqlc_time_text(t, sizeof(t), sec, nsec, "+00");

	if (!n)
		return -ERANGE;
	if (pgq_reserve(b, n))
		return -ENOMEM;
	put_raw(b, t, n);
	return 0;
}

int pgq_format(struct pgq_buf *b, const struct nfp_sval *v, enum pgq_cls cls,
	       bool copy)
{
	char t[64];
	size_t n;

	if (pgq_reserve(b, 48))
		return -ENOMEM;
	switch (v->kind) {
	case NFP_SV_BOOL:
		/* "1"/"0": boolean, integer, numeric and text all take them. */
		b->p[b->len++] = v->i ? '1' : '0';
		return 0;
	case NFP_SV_INT:
		if (cls == PGQ_TIME)
			return put_time(b, v->i, 0);
		b->len += sqlc_itoa(b->p + b->len, v->i);
		return 0;
	case NFP_SV_U64:
		if (cls == PGQ_TIME && v->u <= INT64_MAX)
			return put_time(b, (int64_t)v->u, 0);
		b->len += sqlc_utoa(b->p + b->len, v->u);
		return 0;
	case NFP_SV_IN4:
		if (cls == PGQ_INT || cls == PGQ_NUM) {
			/* The address as a number: 10.0.0.1 is 167772161. */
			b->len += sqlc_utoa(b->p + b->len, ntohl(v->in4));
			return 0;
		}
		if (cls == PGQ_BYTEA)
			return put_bytea(b, (const uint8_t *)&v->in4, 4, copy);
		inet_ntop(AF_INET, &v->in4, t, sizeof(t));
		put_raw(b, t, strlen(t));
		return 0;
	case NFP_SV_IN6:
		if (cls == PGQ_BYTEA)
			return put_bytea(b, v->in6, 16, copy);
		inet_ntop(AF_INET6, v->in6, t, sizeof(t));
		put_raw(b, t, strlen(t));
		return 0;
	case NFP_SV_TIME:
		if (cls == PGQ_INT) {
			b->len += sqlc_itoa(b->p + b->len, v->time.sec);
			return 0;
		}
		if (cls == PGQ_NUM) {
			/* Seconds with nine decimals, as OPRINT shows time. */
			n = sqlc_itoa(t, v->time.sec);
			n += (size_t)snprintf(t + n, sizeof(t) - n, ".%09u",
					      v->time.nsec % 1000000000u);
			put_raw(b, t, n);
			return 0;
		}
		return put_time(b, v->time.sec, v->time.nsec);
	case NFP_SV_TEXT:
		if (cls == PGQ_BYTEA) {
			uint8_t bin[64];
			int k = sqlc_hexlit(v->bytes.ptr, v->bytes.len, bin,
					    sizeof(bin));

			/* IP2BIN's "0x..." literal means its bytes. */
			if (k >= 0)
				return put_bytea(b, bin, (size_t)k, copy);
			return put_bytea(b, v->bytes.ptr, v->bytes.len, copy);
		}
		return put_text(b, v->bytes.ptr, v->bytes.len, copy);
	case NFP_SV_BLOB:
		if (cls == PGQ_BYTEA)
			return put_bytea(b, v->bytes.ptr, v->bytes.len, copy);
		/* "aa:bb:..": readable in text, and macaddr's own input. */
		if (pgq_reserve(b, 3 * (size_t)v->bytes.len + 1))
			return -ENOMEM;
		b->len += sqlc_hex_colon(b->p + b->len, v->bytes.ptr,
					 v->bytes.len);
		return 0;
	case NFP_SV_NULL:
	default:
		if (!copy)
			return 1;
		put_raw(b, "\\N", 2);
		return 0;
	}
}

char *pgq_quote_ident(const char *name)
{
	return sqlc_quote_ident(name, '"');
}

static bool cat(char **p, const char *s)
{
	return sqlc_cat(p, s);
}

static bool cat_ident(char **p, const char *name)
{
	return sqlc_cat_ident(p, name, '"');
}

static bool cat_target(char **p, const char *schema, const char *table,
		       const struct sqlc_set *cols)
{
	unsigned int i;

	if (!cat_ident(p, schema) || !cat(p, ".") || !cat_ident(p, table) ||
	    !cat(p, " ("))
		return false;
	for (i = 0; i < cols->ncols; i++)
		if ((i && !cat(p, ",")) || !cat_ident(p, cols->cols[i].name))
			return false;
	return cat(p, ")");
}

static bool cat_params(char **p, unsigned int n)
{
	char num[16];
	unsigned int i;

	for (i = 0; i < n; i++) {
		snprintf(num, sizeof(num), "%s$%u", i ? "," : "", i + 1);
		if (!cat(p, num))
			return false;
	}
	return cat(p, ")");
}

char *pgq_copy_sql(const char *schema, const char *table,
		   const struct sqlc_set *cols)
{
	char *s = NULL;

	if (!cat(&s, "COPY ") || !cat_target(&s, schema, table, cols) ||
	    !cat(&s, " FROM STDIN"))
		return NULL;
	return s;
}

char *pgq_row_sql(enum sqlc_mode mode, const char *name, const char *schema,
		  const char *table, const struct sqlc_set *cols)
{
	char *s = NULL;
	unsigned int i;

	switch (mode) {
	case SQLC_TABLE:
		if (!cat(&s, "INSERT INTO ") ||
		    !cat_target(&s, schema, table, cols) ||
		    !cat(&s, " VALUES (") || !cat_params(&s, cols->ncols))
			return NULL;
		return s;
	case SQLC_INSERT_AS:
		/* ulogd2: the procedure's text, then the column list. */
		if (!cat(&s, name) || !cat(&s, " ("))
			return NULL;
		for (i = 0; i < cols->ncols; i++)
			if ((i && !cat(&s, ",")) ||
			    !cat_ident(&s, cols->cols[i].name))
				return NULL;
		if (!cat(&s, ") VALUES (") || !cat_params(&s, cols->ncols))
			return NULL;
		return s;
	case SQLC_CALL:
	case SQLC_SELECT:
		/* Unquoted: ulogd2's configs name INSERT_PACKET_FULL. */
		if (!cat(&s, mode == SQLC_CALL ? "CALL " : "SELECT ") ||
		    !cat(&s, name) || !cat(&s, "(") ||
		    !cat_params(&s, cols->ncols))
			return NULL;
		return s;
	}
	return NULL;
}

void pgq_scrub(char *msg, const char *const *secrets)
{
	char *r, *w;
	size_t n;

	for (; secrets && *secrets; secrets++) {
		size_t sl = strlen(*secrets);
		char *p = msg;

		if (!sl)
			continue;
		while ((p = strstr(p, *secrets))) {
			memset(p, '*', sl);
			p += sl;
		}
	}
	/* libpq's "...failed: X\n\tIs the server running...": one line. */
	for (r = w = msg; *r; r++) {
		if (*r == '\t' && w > msg && w[-1] == ' ')
			continue;
		*w++ = *r == '\n' || *r == '\t' ? ' ' : *r;
	}
	*w = '\0';
	n = strlen(msg);
	while (n && msg[n - 1] == ' ')
		msg[--n] = '\0';
}

bool pgq_row_error(const char *state)
{
	if (!state || strlen(state) != 5)
		return false;
	/*
	 * 54000 (a value too big for an index entry, say) depends on the
	 * row too: retried, it would hold every later batch up for ever.
	 */
	return !strncmp(state, "22", 2) || !strncmp(state, "23", 2) ||
	       !strcmp(state, "P0001") || !strcmp(state, "54000");
}

/* ---- connecting ---------------------------------------------------------- */

static void params_free(struct pg_params *cp)
{
	unsigned int i;

	for (i = 0; i < cp->n; i++) {
		free(cp->kw[i]);
		free(cp->val[i]);
		cp->kw[i] = cp->val[i] = NULL;
	}
	cp->n = 0;
}

/* Set @kw to @val (copied), replacing an earlier value. 0 or -errno. */
static int params_set(struct pg_params *cp, const char *kw, const char *val)
{
	unsigned int i;
	char *v;

	if (!val)
		return 0;
	v = strdup(val);
	if (!v)
		return -ENOMEM;
	for (i = 0; i < cp->n; i++) {
		if (!strcmp(cp->kw[i], kw)) {
			free(cp->val[i]);
			cp->val[i] = v;
			return 0;
		}
	}
	if (cp->n + 1 >= sizeof(cp->kw) / sizeof(cp->kw[0])) {
		free(v);
		return -E2BIG;
	}
	cp->kw[cp->n] = strdup(kw);
	if (!cp->kw[cp->n]) {
		free(v);
		return -ENOMEM;
	}
	cp->val[cp->n++] = v;
	cp->kw[cp->n] = NULL;
	cp->val[cp->n] = NULL;
	return 0;
}

static const char *params_get(const struct pg_params *cp, const char *kw)
{
	unsigned int i;

	for (i = 0; i < cp->n; i++)
		if (!strcmp(cp->kw[i], kw))
			return cp->val[i];
	return NULL;
}

/*
 * libpq's messages about a connection string may quote pieces of it: they
 * go to the log with every quoted stretch blanked out.
 */
static void blank_quoted(char *msg)
{
	bool in = false;

	for (; *msg; msg++) {
		if (*msg == '"')
			in = !in;
		else if (in)
			*msg = '.';
	}
}

/*
 * The connection settings: our defaults (a name, a timeout, keepalives so a
 * dead peer is noticed), then the options, then every setting connstring
 * makes. *@secret gets connstring's password. 0, or -EINVAL (logged).
 */
static int build_params(struct nfp_inst *inst, const struct pg_priv *p,
			struct pg_params *cp, char **secret)
{
	PQconninfoOption *opts = NULL, *o;
	char num[24], *err = NULL;
	int r = 0;

	*secret = NULL;
	memset(cp, 0, sizeof(*cp));
	snprintf(num, sizeof(num), "%" PRIu64, p->connect_timeout);
	r |= params_set(cp, "fallback_application_name", "nfpiped");
	if (p->connect_timeout)
		r |= params_set(cp, "connect_timeout", num);
	r |= params_set(cp, "keepalives", "1");
	r |= params_set(cp, "keepalives_idle", "30");
	r |= params_set(cp, "keepalives_interval", "10");
	r |= params_set(cp, "keepalives_count", "3");
	r |= params_set(cp, "host", p->host);
	if (p->port) {
		snprintf(num, sizeof(num), "%" PRIu64, p->port);
		r |= params_set(cp, "port", num);
	}
	r |= params_set(cp, "dbname", p->db);
	r |= params_set(cp, "user", p->user);
	r |= params_set(cp, "password", p->pass);
	if (r)
		goto nomem;
	if (!p->connstring)
		return 0;
	opts = PQconninfoParse(p->connstring, &err);
	if (!opts) {
		if (err)
			blank_quoted(err);
		nfp_err(inst, "connstring is not a libpq connection string: %s",
			err ? err : "out of memory");
		PQfreemem(err);
		params_free(cp);
		return -EINVAL;
	}
	for (o = opts; o->keyword; o++) {
		if (!o->val)
			continue;
		if (params_set(cp, o->keyword, o->val))
			goto nomem_opts;
		if (!strcmp(o->keyword, "password")) {
			free(*secret);
			*secret = strdup(o->val);
			if (!*secret)
				goto nomem_opts;
		}
	}
	PQconninfoFree(opts);
	return 0;
nomem_opts:
	PQconninfoFree(opts);
nomem:
	nfp_err(inst, "out of memory");
	params_free(cp);
	free(*secret);
	*secret = NULL;
	return -ENOMEM;
}

/* "nfpipe on 127.0.0.1:5432 as nfpipe": where we write, without secrets. */
static char *describe(const struct pg_params *cp)
{
	const char *db = params_get(cp, "dbname");
	const char *host = params_get(cp, "host");
	const char *port = params_get(cp, "port");
	const char *user = params_get(cp, "user");
	char *s;

	if (asprintf(&s, "database %s on %s%s%s%s%s", db ? db : "(default)",
		     host ? host : "the local socket", port ? ":" : "",
		     port ? port : "", user ? " as " : "",
		     user ? user : "") < 0)
		return NULL;
	return s;
}

static void notice_quiet(void *arg, const char *message)
{
	const struct nfp_inst *li = arg;

	if (nfp_log_enabled(NFP_LOG_DEBUG))
		nfp_log(li, NFP_LOG_DEBUG, "server notice: %.*s",
			(int)strcspn(message, "\n"), message);
}

/*
 * ---- bounded exchanges ----------------------------------------------------
 *
 * The connection is in libpq's non-blocking mode and every wait for the
 * server is a poll(2) on its socket that lasts at most @tmo ms (0: no
 * limit). A server that stays silent that long (stopped, or a backend
 * orphaned by a crash whose socket never errors) gets its connection shut
 * down: libpq then sees it closed, the connection is CONNECTION_BAD, and
 * the callers' usual "connection lost" paths take over (the batch is
 * written again, an unanswered COMMIT is resolved after reconnecting).
 * *@late records that it was a timeout, for the message.
 */

/* The server left us waiting too long: make @c fail from here on. */
static void pgx_break(PGconn *c, bool *late)
{
	int fd = PQsocket(c);

	*late = true;
	if (fd >= 0)
		shutdown(fd, SHUT_RDWR);
	/* Reads the end of the stream: libpq marks the connection bad. */
	PQconsumeInput(c);
}

/*
 * Wait until @c's socket is readable, or also writable with @out. 1 ready,
 * 0 after @tmo ms of silence (the connection is then broken), -1 error.
 */
static int pgx_wait(PGconn *c, bool out, uint64_t tmo, bool *late)
{
	struct pollfd pfd = { .fd = PQsocket(c), .events = POLLIN };
	int r;

	if (pfd.fd < 0)
		return -1;
	if (out)
		pfd.events |= POLLOUT;
	do
		r = poll(&pfd, 1,
			 tmo ? (int)(tmo > INT32_MAX ? INT32_MAX : tmo) : -1);
	while (r < 0 && errno == EINTR);
	if (r == 0) {
		pgx_break(c, late);
		return 0;
	}
	return r < 0 ? -1 : 1;
}

/* Send what libpq has queued. 0, or -1 (broken or timed out). */
static int pgx_flush(PGconn *c, uint64_t tmo, bool *late)
{
	int r;

	while ((r = PQflush(c)) == 1) {
		if (pgx_wait(c, true, tmo, late) <= 0)
			return -1;
		/* The server may be waiting for us to read: let it on. */
		if (!PQconsumeInput(c))
			return -1;
	}
	return r;
}

/* The next result, waiting for it at most @tmo ms; NULL at the end too. */
static PGresult *pgx_next(PGconn *c, uint64_t tmo, bool *late)
{
	if (pgx_flush(c, tmo, late))
		return NULL;
	while (PQisBusy(c)) {
		if (pgx_wait(c, false, tmo, late) <= 0 || !PQconsumeInput(c))
			return NULL;
	}
	return PQgetResult(c);
}

/*
 * After a PQsend*() that returned @sent: every result of the query, like
 * PQexec(): the last one, or the first error. NULL when the send failed or
 * the server did not answer (PQstatus() then tells a lost connection).
 */
static PGresult *pgx_finish(PGconn *c, int sent, uint64_t tmo, bool *late)
{
	PGresult *res, *keep = NULL;
	ExecStatusType st;

	if (!sent)
		return NULL;
	while ((res = pgx_next(c, tmo, late))) {
		st = PQresultStatus(res);
		if (keep && PQresultStatus(keep) == PGRES_FATAL_ERROR) {
			PQclear(res);
		} else {
			PQclear(keep);
			keep = res;
		}
		/* COPY waits for us: what follows are its data. */
		if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT ||
		    st == PGRES_COPY_BOTH)
			break;
		if (PQstatus(c) != CONNECTION_OK)
			break;
	}
	if (PQstatus(c) != CONNECTION_OK && keep &&
	    PQresultStatus(keep) != PGRES_FATAL_ERROR) {
		/* Broken before the query's end: it did not succeed. */
		PQclear(keep);
		keep = NULL;
	}
	return keep;
}

/*
 * PQputCopyData() or, with @end, PQputCopyEnd(@data as the error message),
 * bounded. 1, or -1.
 */
static int pgx_copy(PGconn *c, const char *data, int len, bool end,
		    uint64_t tmo, bool *late)
{
	int r;

	for (;;) {
		r = end ? PQputCopyEnd(c, data) : PQputCopyData(c, data, len);
		if (r != 0)
			break;
		/* Non-blocking and the buffer is full: wait for room. */
		if (pgx_wait(c, true, tmo, late) <= 0 || !PQconsumeInput(c))
			return -1;
	}
	if (r < 0)
		return -1;
	return pgx_flush(c, tmo, late) ? -1 : 1;
}

/* Connect; NULL with the scrubbed reason in @why. */
static PGconn *pg_open(const struct pg_params *cp, const char *const *secrets,
		       const struct nfp_inst *li, char *why, size_t whylen)
{
	PGconn *c = PQconnectdbParams((const char *const *)cp->kw,
				      (const char *const *)cp->val, 0);

	if (!c) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	if (PQstatus(c) != CONNECTION_OK) {
		snprintf(why, whylen, "%s", PQerrorMessage(c));
		pgq_scrub(why, secrets);
		PQfinish(c);
		return NULL;
	}
	/* Every wait is ours to bound (pgx_*). */
	if (PQsetnonblocking(c, 1)) {
		snprintf(why, whylen,
			 "cannot make the connection non-blocking: %s",
			 PQerrorMessage(c));
		pgq_scrub(why, secrets);
		PQfinish(c);
		return NULL;
	}
	PQsetNoticeProcessor(c, notice_quiet, (void *)li);
	return c;
}

/* A column of the target as the catalog has it. */
struct pg_srvcol {
	char *name;	  /* attname */
	enum pgq_cls cls; /* from its (base) type */
	bool autofill;	  /* generated, or identity ALWAYS */
};

/* Everything the catalog says about the target. */
struct pg_target {
	struct pg_srvcol *cols; /* in column order */
	unsigned int n;		/* entries */
	char relkind;		/* 'r', 'p', 'v', 'f', 'm' */
};

static void target_free(struct pg_target *t)
{
	unsigned int i;

	for (i = 0; i < t->n; i++)
		free(t->cols[i].name);
	free(t->cols);
	t->cols = NULL;
	t->n = 0;
}

/*
 * Read the columns of @schema.@table. 0; -ENOENT when there is no such
 * table or view; -EIO with the scrubbed reason in @why otherwise.
 */
static int read_target(PGconn *c, const char *schema, const char *table,
		       struct pg_target *t, const char *const *secrets,
		       uint64_t tmo, char *why, size_t whylen)
{
	bool late = false;
	const char *gen =
		PQserverVersion(c) >= 120000 ? "a.attgenerated <> ''" : "false";
	const char *ident =
		PQserverVersion(c) >= 100000 ? "a.attidentity = 'a'" : "false";
	const char *params[2] = { schema, table };
	PGresult *res;
	char *sql;
	int i, n, ret = 0;

	memset(t, 0, sizeof(*t));
	if (asprintf(&sql,
		     "SELECT a.attname, bt.typname, bt.typcategory, c.relkind, "
		     "(%s OR %s) "
		     "FROM pg_catalog.pg_class c "
		     "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
		     "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid "
		     "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
		     "JOIN pg_catalog.pg_type bt ON bt.oid = CASE "
		     "WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END "
		     "WHERE n.nspname = $1 AND c.relname = $2 "
		     "AND c.relkind IN ('r', 'p', 'v', 'f', 'm') "
		     "AND a.attnum > 0 AND NOT a.attisdropped "
		     "ORDER BY a.attnum",
		     gen, ident) < 0) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	res = pgx_finish(
		c, PQsendQueryParams(c, sql, 2, NULL, params, NULL, NULL, 0),
		tmo, &late);
	free(sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		snprintf(why, whylen, "cannot read the columns of %s.%s: %s",
			 schema, table,
			 late ? "no answer within io_timeout"
			      : PQerrorMessage(c));
		pgq_scrub(why, secrets);
		PQclear(res);
		return -EIO;
	}
	n = PQntuples(res);
	if (!n) {
		snprintf(why, whylen, "no table or view %s.%s", schema, table);
		PQclear(res);
		return -ENOENT;
	}
	t->cols = calloc((size_t)n, sizeof(*t->cols));
	if (!t->cols) {
		PQclear(res);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		struct pg_srvcol *sc = &t->cols[t->n];

		sc->name = strdup(PQgetvalue(res, i, 0));
		if (!sc->name) {
			ret = -ENOMEM;
			break;
		}
		t->n++;
		sc->cls = pgq_class(PQgetvalue(res, i, 1),
				    PQgetvalue(res, i, 2)[0]);
		sc->autofill = PQgetvalue(res, i, 4)[0] == 't';
		t->relkind = PQgetvalue(res, i, 3)[0];
	}
	PQclear(res);
	if (ret)
		target_free(t);
	return ret;
}

/* The columns of @t that the output fills, into @s (cleared first). */
static int target_columns(const struct pg_target *t, struct sqlc_set *s)
{
	unsigned int i;

	sqlc_set_clear(s);
	for (i = 0; i < t->n; i++) {
		if (t->cols[i].autofill || sqlc_skip(t->cols[i].name))
			continue;
		if (sqlc_add(s, t->cols[i].name))
			return -ENOMEM;
	}
	return 0;
}

/* Split "schema.table" (or use the schema option). */
static int split_target(const struct pg_priv *p, char **schema, char **table)
{
	const char *dot = strchr(p->table, '.');

	*schema = dot ? strndup(p->table, (size_t)(dot - p->table))
		      : strdup(p->schema ? p->schema : "public");
	*table = strdup(dot ? dot + 1 : p->table);
	if (!*schema || !*table) {
		free(*schema);
		free(*table);
		*schema = *table = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* ---- configure: which columns -------------------------------------------- */

static int columns_from_server(struct nfp_inst *inst, struct pg_priv *p,
			       const struct pg_target *t, const char *cache)
{
	struct sqlc_set *srv = sqlc_set_new();
	int r;

	if (!srv)
		return -ENOMEM;
	r = target_columns(t, srv);
	if (!r)
		r = sqlc_choose_online(inst, p->cols, srv, cache,
				       p->sink.spool_dir, p->table);
	sqlc_set_free(srv);
	return r;
}

static int pg_configure(struct nfp_inst *inst)
{
	struct pg_priv *p = inst->priv;
	struct pg_params cp;
	struct pg_target t;
	char *secret = NULL, *schema = NULL, *table = NULL, *cache = NULL;
	const char *secrets[3], *why = NULL;
	char reason[512];
	PGconn *c = NULL;
	int r;

	if (sqlc_proc_mode(p->procedure, &p->mode, &p->proc_name, &why)) {
		nfp_err(inst, "procedure=\"%s\": %s", p->procedure, why);
		return -EINVAL;
	}
	p->cols = sqlc_set_new();
	if (!p->cols || split_target(p, &schema, &table))
		return -ENOMEM;
	if (p->sink.spool_dir && *p->sink.spool_dir && p->sink.spool_max) {
		cache = sqlc_cache_path(p->sink.spool_dir, inst->name);
		if (!cache) {
			r = -ENOMEM;
			goto out;
		}
	}
	/* Read connstring now: a bad one is a config error, server or not. */
	r = build_params(inst, p, &cp, &secret);
	if (r)
		goto out;
	/* pass is NFP_OPT_SECRET, so the core warns about a readable file;
	 * connstring is only a secret when it holds a password. */
	if (secret && nfp_inst_conf_readable(inst))
		nfp_warn(inst,
			 "connstring holds a password and every user can read "
			 "the config file: chmod o-r %s",
			 nfp_inst_where(inst));
	if (p->columns) {
		params_free(&cp);
		r = sqlc_parse_list(p->cols, p->columns, &why);
		if (r) {
			nfp_err(inst, "columns=: %s", why);
			goto out;
		}
		goto done;
	}
	secrets[0] = p->pass ? p->pass : "";
	secrets[1] = secret;
	secrets[2] = NULL;
	c = pg_open(&cp, secrets, inst, reason, sizeof(reason));
	params_free(&cp);
	if (!c) {
		r = sqlc_choose_offline(inst, p->cols, cache, p->schema_file,
					p->table, reason);
		goto done_r;
	}
	r = read_target(c, schema, table, &t, secrets, p->io_timeout, reason,
			sizeof(reason));
	PQfinish(c);
	if (r == -ENOENT) {
		nfp_err(inst,
			"%s: create it (etc/sql/pgsql.sql makes ulog_pkt, ulog_ct and nfacct), or name another with table=",
			reason);
		goto out;
	}
	if (r) {
		r = sqlc_choose_offline(inst, p->cols, cache, p->schema_file,
					p->table, reason);
		goto done_r;
	}
	r = columns_from_server(inst, p, &t, cache);
	target_free(&t);
	if (!r && !p->cols->ncols) {
		nfp_err(inst,
			"%s.%s has no column to fill (every name starts with '_' or is generated)",
			schema, table);
		r = -EINVAL;
	}
done_r:
	if (r)
		goto out;
done:
	r = sqlc_finish(p->cols, p->null_columns);
	if (!r) {
		nfp_dbg(inst, "%s.%s: %u columns to fill", schema, table,
			p->cols->ncols);
		r = nfp_inst_set_keys(inst, p->cols->keys, NULL);
	}
out:
	free(secret);
	free(schema);
	free(table);
	free(cache);
	return r;
}

/* ---- the worker ---------------------------------------------------------- */

static void ctx_close(struct pg_ctx *x)
{
	PQfinish(x->conn);
	x->conn = NULL;
}

static void pg_release(void *ctx)
{
	struct pg_ctx *x = ctx;
	unsigned int i;

	if (!x)
		return;
	ctx_close(x);
	params_free(&x->cp);
	for (i = 0; i < 3; i++)
		free(x->secrets[i]);
	free(x->where);
	free(x->schema);
	free(x->table);
	free(x->proc_name);
	sqlc_set_free(x->cols);
	free(x->cls);
	free(x->copy_sql);
	free(x->row_sql);
	free(x->buf.p);
	free(x->pv);
	free(x->pl);
	free(x->po);
	free(x);
}

/* Log @what with the server's (scrubbed) message, rate-limited. */
static void complain(struct pg_ctx *x, const char *what, const char *msg)
{
	char m[512];

	snprintf(m, sizeof(m), "%s", msg ? msg : "");
	pgq_scrub(m, (const char *const *)x->secrets);
	nfp_log_rl(&x->rl, x->li, NFP_LOG_ERROR, "%s: %s", what, m);
}

/* PQexec(@sql), bounded by io_timeout. */
static PGresult *xexec(struct pg_ctx *x, const char *sql)
{
	return pgx_finish(x->conn, PQsendQuery(x->conn, sql), x->io_timeout,
			  &x->late);
}

/* The prepared row statement with the values in x->pv, bounded. */
static PGresult *xexec_row(struct pg_ctx *x)
{
	return pgx_finish(x->conn,
			  PQsendQueryPrepared(x->conn, STMT_NAME,
					      (int)x->cols->ncols, x->pv, x->pl,
					      NULL, 0),
			  x->io_timeout, &x->late);
}

/* Why the connection failed: a timeout of ours, or libpq's message. */
static const char *conn_why(const struct pg_ctx *x)
{
	return x->late ? "no answer from the server within io_timeout"
		       : PQerrorMessage(x->conn);
}

/* Run @sql; true when it succeeded. */
static bool simple(struct pg_ctx *x, const char *sql)
{
	PGresult *res = xexec(x, sql);
	bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;

	PQclear(res);
	return ok;
}

/* The SQLSTATE of @res, or "" */
static const char *state_of(const PGresult *res)
{
	const char *st = PQresultErrorField(res, PG_DIAG_SQLSTATE);

	return st ? st : "";
}

/*
 * The server's reason in @res as "message (SQLSTATE xxxxx)", scrubbed;
 * libpq's own text when the server sent none (a lost connection).
 */
static void reason_of(const struct pg_ctx *x, const PGresult *res, char *buf,
		      size_t len)
{
	const char *m = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *st = PQresultErrorField(res, PG_DIAG_SQLSTATE);

	if (m)
		snprintf(buf, len, "%s (SQLSTATE %s)", m, st ? st : "?");
	else if (res && *PQresultErrorMessage(res))
		snprintf(buf, len, "%s", PQresultErrorMessage(res));
	else
		snprintf(buf, len, "%s", conn_why(x));
	pgq_scrub(buf, (const char *const *)x->secrets);
}

/*
 * BEGIN, and the transaction's id for txid_status() should the COMMIT go
 * unanswered. One round trip. False with the reason in @msg.
 */
static bool begin_xact(struct pg_ctx *x, char *msg, size_t msglen)
{
	PGresult *res;

	if (!x->has_status) {
		if (simple(x, "BEGIN"))
			return true;
		snprintf(msg, msglen, "BEGIN: %s", conn_why(x));
		return false;
	}
	res = xexec(x, "BEGIN; SELECT txid_current(), "
		       "pg_postmaster_start_time()::text");
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		reason_of(x, res, msg, msglen);
		PQclear(res);
		return false;
	}
	x->xid = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	snprintf(x->xstart, sizeof(x->xstart), "%s", PQgetvalue(res, 0, 1));
	PQclear(res);
	return true;
}

/*
 * Is batch @b the one whose COMMIT went unanswered, and did it land? 1: it
 * did (do not write it again), 0: write it, -1: cannot tell now (retry).
 *
 * txid_status() answers "committed", "aborted", "in progress" or NULL (too
 * old to know: not ours, we ask right after reconnecting). "in progress"
 * is the backend of the lost connection still at work (a server that was
 * stopped, a COMMIT that waits for a standby): it may yet commit, so we
 * ask again later rather than write a second copy. An error "transaction
 * ID is in the future" (SQLSTATE 22023) means the server restarted without
 * any trace of the transaction (a crash before its WAL reached the disk):
 * it never committed. Treating that as "ask again" kept a PGSQL output
 * retrying forever after a crash while the server was fine.
 */
static int doubt_landed(struct pg_ctx *x, const struct nfp_batch *b)
{
	char xid[24];
	const char *v = xid, *st;
	PGresult *res;
	int landed;

	if (x->doubt_xid < 0)
		return 0;
	if (nfp_batch_seq(b) != x->doubt_seq) {
		x->doubt_xid = -1;
		return 0;
	}
	snprintf(xid, sizeof(xid), "%" PRId64, x->doubt_xid);
	res = pgx_finish(x->conn,
			 PQsendQueryParams(x->conn,
					   "SELECT txid_status($1::bigint), "
					   "pg_postmaster_start_time()::text",
					   1, NULL, &v, NULL, NULL, 0),
			 x->io_timeout, &x->late);
	if (PQresultStatus(res) == PGRES_FATAL_ERROR &&
	    PQstatus(x->conn) == CONNECTION_OK &&
	    !strcmp(state_of(res), "22023")) {
		st = "aborted"; /* never seen: it did not commit */
	} else if (PQresultStatus(res) != PGRES_TUPLES_OK ||
		   PQntuples(res) != 1) {
		PQclear(res);
		return -1;
	} else if (strcmp(PQgetvalue(res, 0, 1), x->doubt_start)) {
		/*
		 * The server restarted since: ids its crash left unrecorded
		 * are handed out again, so "committed" may be another
		 * transaction's. Writing again may land the batch twice;
		 * trusting the answer may lose it.
		 */
		PQclear(res);
		x->doubt_xid = -1;
		nfp_log(x->li, NFP_LOG_NOTICE,
			"batch %" PRIu64
			" was in doubt (connection lost at COMMIT) and the server restarted since: written again (it may land twice)",
			nfp_batch_seq(b));
		return 0;
	} else {
		st = PQgetvalue(res, 0, 0);
	}
	if (!strcmp(st, "in progress")) {
		PQclear(res);
		nfp_log_rl(
			&x->rl, x->li, NFP_LOG_NOTICE,
			"batch %" PRIu64
			" is in doubt (connection lost at COMMIT) and its transaction is still in progress on the server: asking again later",
			nfp_batch_seq(b));
		return -1;
	}
	landed = !strcmp(st, "committed");
	PQclear(res);
	x->doubt_xid = -1;
	nfp_log(x->li, NFP_LOG_NOTICE,
		"batch %" PRIu64
		" was in doubt (connection lost at COMMIT): it %s",
		nfp_batch_seq(b),
		landed ? "had landed, not written again"
		       : "had not landed, written again");
	return landed;
}

static int pg_connect(struct nfp_sink *s, void *ctx)
{
	struct pg_ctx *x = ctx;
	struct pg_target t;
	PGresult *res;
	char why[512];
	unsigned int i, j;
	int r;

	x->li = nfp_sink_log_inst(s);
	x->conn = pg_open(&x->cp, (const char *const *)x->secrets, x->li, why,
			  sizeof(why));
	if (!x->conn) {
		nfp_log_rl(&x->rl, x->li, NFP_LOG_ERROR, "%s: %s", x->where,
			   why);
		return -ECONNREFUSED;
	}
	x->late = false;
	r = read_target(x->conn, x->schema, x->table, &t,
			(const char *const *)x->secrets, x->io_timeout, why,
			sizeof(why));
	if (r) {
		nfp_log_rl(&x->rl, x->li, NFP_LOG_ERROR, "%s: %s", x->where,
			   why);
		ctx_close(x);
		return r == -ENOENT ? -ENOENT : -EIO;
	}
	/* Every column the batches carry must still be there. */
	for (i = 0; i < x->cols->ncols; i++) {
		for (j = 0; j < t.n; j++)
			if (!strcmp(t.cols[j].name, x->cols->cols[i].name))
				break;
		if (j == t.n) {
			nfp_log_rl(
				&x->rl, x->li, NFP_LOG_ERROR,
				"%s.%s has no column %s (any more): add it back, or restart nfpiped to write the columns it has; spooling meanwhile",
				x->schema, x->table, x->cols->cols[i].name);
			target_free(&t);
			ctx_close(x);
			return -ESTALE;
		}
		x->cls[i] = t.cols[j].cls;
	}
	if (!x->told_extra) {
		for (j = 0; j < t.n; j++)
			if (!t.cols[j].autofill && !sqlc_skip(t.cols[j].name) &&
			    !sqlc_has(x->cols, t.cols[j].name))
				nfp_log(x->li, NFP_LOG_NOTICE,
					"column %s of %s.%s is left to its default: restart nfpiped to fill it",
					t.cols[j].name, x->schema, x->table);
		x->told_extra = true;
	}
	x->has_status = PQserverVersion(x->conn) >= 100000;
	/* COPY goes into tables; views and procedures take rows. */
	x->copy =
		x->mode == SQLC_TABLE && (t.relkind == 'r' || t.relkind == 'p');
	target_free(&t);
	res = pgx_finish(x->conn,
			 PQsendPrepare(x->conn, STMT_NAME, x->row_sql,
				       (int)x->cols->ncols, NULL),
			 x->io_timeout, &x->late);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		complain(x, "cannot prepare the row statement",
			 x->late ? "no answer within io_timeout"
				 : PQerrorMessage(x->conn));
		PQclear(res);
		ctx_close(x);
		return -EIO;
	}
	PQclear(res);
	nfp_dbg(x->li, "connected to %s: %s", x->where,
		x->copy ? "COPY per batch" : "a statement per row");
	return 0;
}

static void pg_disconnect(struct nfp_sink *s, void *ctx)
{
	ctx_close(ctx);
}

/*
 * One row's values as text parameters, into x->pv/x->pl; the iterator is
 * at the start of the row. 0 or -ENOMEM.
 */
static int row_params(struct pg_ctx *x, struct nfp_batch_iter *it)
{
	struct nfp_sval v;
	unsigned int i = 0, n = x->cols->ncols;
	int r;

	x->buf.len = 0;
	while (i < n && nfp_batch_next_val(it, &v)) {
		x->po[i] = x->buf.len;
		r = pgq_format(&x->buf, &v, x->cls[i], false);
		if (r < 0 && r != -ERANGE)
			return r;
		x->pl[i] = (int)(x->buf.len - x->po[i]);
		x->pv[i] = r ? NULL : ""; /* NULL stays NULL */
		if (pgq_reserve(&x->buf, 1))
			return -ENOMEM;
		x->buf.p[x->buf.len++] = '\0';
		i++;
	}
	for (; i < n; i++)
		x->pv[i] = NULL;
	/* buf may have moved while it grew: pointers only now. */
	for (i = 0; i < n; i++)
		if (x->pv[i])
			x->pv[i] = x->buf.p + x->po[i];
	return 0;
}

/* Reasons a batch goes back to the core. */
static enum nfp_sink_res give_back(struct pg_ctx *x, const char *what,
				   const char *msg)
{
	complain(x, what, msg);
	if (PQstatus(x->conn) == CONNECTION_OK &&
	    PQtransactionStatus(x->conn) != PQTRANS_IDLE)
		simple(x, "ROLLBACK");
	return NFP_SINK_RETRY;
}

/*
 * The careful way: each row in a savepoint of one transaction, so that a
 * refused row is rolled back alone, logged and skipped.
 */
static enum nfp_sink_res write_rows(struct nfp_sink *s, struct pg_ctx *x,
				    const struct nfp_batch *b)
{
	struct nfp_batch_iter it;
	PGresult *res;
	ExecStatusType st;

	char m0[512];

	if (!begin_xact(x, m0, sizeof(m0)))
		return give_back(x, "BEGIN", m0);
	nfp_batch_iter_init(&it, b);
	while (nfp_batch_next_row(&it)) {
		if (!simple(x, "SAVEPOINT nfp_row"))
			return give_back(x, "SAVEPOINT", conn_why(x));
		if (row_params(x, &it))
			return give_back(x, "row", "out of memory");
		res = xexec_row(x);
		st = PQresultStatus(res);
		if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
			PQclear(res);
			if (!simple(x, "RELEASE SAVEPOINT nfp_row"))
				return give_back(x, "RELEASE", conn_why(x));
			continue;
		}
		if (PQstatus(x->conn) == CONNECTION_OK &&
		    pgq_row_error(state_of(res))) {
			char m[512];

			reason_of(x, res, m, sizeof(m));
			PQclear(res);
			if (!simple(x, "ROLLBACK TO SAVEPOINT nfp_row"))
				return give_back(x, "ROLLBACK TO", conn_why(x));
			nfp_sink_reject(s, it.row, m);
			continue;
		}
		{
			enum nfp_sink_res rr;
			char m[512];

			reason_of(x, res, m, sizeof(m));
			PQclear(res);
			rr = give_back(x, "insert", m);
			return rr;
		}
	}
	res = xexec(x, "COMMIT");
	st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK) {
		bool row = PQstatus(x->conn) == CONNECTION_OK &&
			   pgq_row_error(state_of(res));
		char m[512];

		reason_of(x, res, m, sizeof(m));
		PQclear(res);
		if (row) {
			/*
			 * A deferred constraint refused the transaction at
			 * COMMIT: no row of it can be told apart, and the
			 * same batch would fail the same way again.
			 */
			nfp_log_rl(&x->rl, x->li, NFP_LOG_ERROR,
				   "COMMIT refused (%s): batch %" PRIu64
				   " dropped",
				   m, nfp_batch_seq(b));
			return NFP_SINK_DROP;
		}
		return give_back(x, "COMMIT", m);
	}
	PQclear(res);
	return NFP_SINK_OK;
}

enum fast_res {
	FAST_OK,   /* the batch is committed */
	FAST_ROWS, /* a row was refused: nothing landed */
	FAST_FAIL, /* anything else: nothing landed, give it back */
};

/* One row in COPY's text format, appended to x->buf. 0 or -ENOMEM. */
static int copy_row(struct pg_ctx *x, struct nfp_batch_iter *it)
{
	static const struct nfp_sval null = { .kind = NFP_SV_NULL };
	struct nfp_sval v;
	unsigned int i = 0, n = x->cols->ncols;
	int r;

	while (i < n && nfp_batch_next_val(it, &v)) {
		if (i) {
			if (pgq_reserve(&x->buf, 1))
				return -ENOMEM;
			x->buf.p[x->buf.len++] = '\t';
		}
		r = pgq_format(&x->buf, &v, x->cls[i], true);
		if (r == -ERANGE) /* a time no column type can show */
			r = pgq_format(&x->buf, &null, x->cls[i], true);
		if (r)
			return r;
		i++;
	}
	if (pgq_reserve(&x->buf, 1))
		return -ENOMEM;
	x->buf.p[x->buf.len++] = '\n';
	return 0;
}

/* Send the COPY data, finish it, read the outcome. */
static enum fast_res write_copy(struct pg_ctx *x, const struct nfp_batch *b,
				char *msg, size_t msglen)
{
	struct nfp_batch_iter it;
	PGresult *res;
	enum fast_res out = FAST_OK;
	const char *abort_why = NULL;

	if (!begin_xact(x, msg, msglen))
		return FAST_FAIL;
	res = xexec(x, x->copy_sql);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		reason_of(x, res, msg, msglen);
		PQclear(res);
		return FAST_FAIL;
	}
	PQclear(res);
	x->buf.len = 0;
	nfp_batch_iter_init(&it, b);
	while (nfp_batch_next_row(&it)) {
		if (copy_row(x, &it)) {
			abort_why = "out of memory";
			break;
		}
		if (x->buf.len >= COPY_CHUNK) {
			if (pgx_copy(x->conn, x->buf.p, (int)x->buf.len, false,
				     x->io_timeout, &x->late) != 1) {
				abort_why = "send failed";
				break;
			}
			x->buf.len = 0;
		}
	}
	if (!abort_why && x->buf.len &&
	    pgx_copy(x->conn, x->buf.p, (int)x->buf.len, false, x->io_timeout,
		     &x->late) != 1)
		abort_why = "send failed";
	if (abort_why) {
		/* The server rolls the COPY back; nothing lands. */
		snprintf(msg, msglen, "%s: %s", abort_why, conn_why(x));
		out = FAST_FAIL;
	}
	if (PQstatus(x->conn) == CONNECTION_OK)
		pgx_copy(x->conn, abort_why, 0, true, x->io_timeout, &x->late);
	while (PQstatus(x->conn) == CONNECTION_OK &&
	       (res = pgx_next(x->conn, x->io_timeout, &x->late))) {
		ExecStatusType st = PQresultStatus(res);

		if (st != PGRES_COMMAND_OK && out == FAST_OK) {
			reason_of(x, res, msg, msglen);
			out = PQstatus(x->conn) == CONNECTION_OK &&
					      pgq_row_error(state_of(res))
				      ? FAST_ROWS
				      : FAST_FAIL;
		}
		PQclear(res);
		if (st == PGRES_COPY_IN || PQstatus(x->conn) != CONNECTION_OK)
			break; /* it would stay in this state */
	}
	if (PQstatus(x->conn) != CONNECTION_OK && out == FAST_OK) {
		snprintf(msg, msglen, "%s", conn_why(x));
		out = FAST_FAIL;
	}
	if (out != FAST_OK) {
		/* The failed COPY left the transaction aborted: end it. */
		if (PQstatus(x->conn) == CONNECTION_OK &&
		    PQtransactionStatus(x->conn) != PQTRANS_IDLE)
			simple(x, "ROLLBACK");
		return out;
	}
	res = xexec(x, "COMMIT");
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		reason_of(x, res, msg, msglen);
		out = PQstatus(x->conn) == CONNECTION_OK &&
				      pgq_row_error(state_of(res))
			      ? FAST_ROWS
			      : FAST_FAIL;
	}
	PQclear(res);
	return out;
}

#ifdef LIBPQ_HAS_PIPELINING
/*
 * Read the results of @nq queries and the sync after them. *@bad gets the
 * index of the first query that failed (or stays -1) and @msg its message.
 * 0, or -EIO when the connection broke.
 */
static int pipe_collect(struct pg_ctx *x, unsigned int nq, long *bad,
			bool *row_err, char *msg, size_t msglen)
{
	unsigned int q;
	PGresult *res;

	for (q = 0; q < nq; q++) {
		while ((res = pgx_next(x->conn, x->io_timeout, &x->late))) {
			ExecStatusType st = PQresultStatus(res);

			if (st == PGRES_FATAL_ERROR && *bad < 0) {
				*bad = q;
				*row_err = pgq_row_error(state_of(res));
				reason_of(x, res, msg, msglen);
			}
			PQclear(res);
			if (st == PGRES_PIPELINE_SYNC)
				return 0; /* fewer results than sent */
		}
		if (PQstatus(x->conn) != CONNECTION_OK)
			return -EIO;
	}
	res = pgx_next(x->conn, x->io_timeout, &x->late);
	if (!res || PQresultStatus(res) != PGRES_PIPELINE_SYNC) {
		PQclear(res);
		return -EIO;
	}
	PQclear(res);
	return 0;
}

/*
 * Rows as prepared statements in one transaction, PIPE_CHUNK at a time
 * between syncs, without waiting for each row's answer.
 */
static enum fast_res write_pipeline(struct pg_ctx *x, const struct nfp_batch *b,
				    char *msg, size_t msglen)
{
	struct nfp_batch_iter it;
	enum fast_res out = FAST_OK;
	unsigned int nq = 0;
	bool row_err = false, more = true;
	long bad = -1;

	if (!begin_xact(x, msg, msglen))
		return FAST_FAIL;
	if (PQenterPipelineMode(x->conn) != 1) {
		snprintf(msg, msglen, "%s", conn_why(x));
		return FAST_FAIL;
	}
	nfp_batch_iter_init(&it, b);
	while (more) {
		more = nfp_batch_next_row(&it);
		if (more) {
			if (row_params(x, &it)) {
				snprintf(msg, msglen, "out of memory");
				out = FAST_FAIL;
				more = false;
			} else if (!PQsendQueryPrepared(x->conn, STMT_NAME,
							(int)x->cols->ncols,
							x->pv, x->pl, NULL,
							0)) {
				goto broken;
			} else {
				nq++;
			}
		}
		if (!more && out == FAST_OK) {
			if (!PQsendQueryParams(x->conn, "COMMIT", 0, NULL, NULL,
					       NULL, NULL, 0))
				goto broken;
			nq++;
		}
		if (nq >= PIPE_CHUNK || !more) {
			if (PQpipelineSync(x->conn) != 1 ||
			    pipe_collect(x, nq, &bad, &row_err, msg, msglen))
				goto broken;
			nq = 0;
			if (bad >= 0) {
				out = row_err ? FAST_ROWS : FAST_FAIL;
				break;
			}
		}
	}
	if (PQexitPipelineMode(x->conn) != 1)
		goto broken;
	/* After a failure the transaction is aborted: end it. */
	if (out != FAST_OK && PQtransactionStatus(x->conn) != PQTRANS_IDLE)
		simple(x, "ROLLBACK");
	return out;
broken:
	if (bad < 0)
		snprintf(msg, msglen, "%s", conn_why(x));
	return FAST_FAIL;
}
#else
/* No pipeline in this libpq: one round trip a row, one transaction. */
static enum fast_res write_pipeline(struct pg_ctx *x, const struct nfp_batch *b,
				    char *msg, size_t msglen)
{
	struct nfp_batch_iter it;
	PGresult *res;

	if (!begin_xact(x, msg, msglen))
		return FAST_FAIL;
	nfp_batch_iter_init(&it, b);
	while (nfp_batch_next_row(&it)) {
		ExecStatusType st;

		if (row_params(x, &it)) {
			snprintf(msg, msglen, "out of memory");
			simple(x, "ROLLBACK");
			return FAST_FAIL;
		}
		res = xexec_row(x);
		st = PQresultStatus(res);
		if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
			bool row = PQstatus(x->conn) == CONNECTION_OK &&
				   pgq_row_error(state_of(res));

			reason_of(x, res, msg, msglen);
			PQclear(res);
			if (PQstatus(x->conn) == CONNECTION_OK)
				simple(x, "ROLLBACK");
			return row ? FAST_ROWS : FAST_FAIL;
		}
		PQclear(res);
	}
	if (!simple(x, "COMMIT")) {
		snprintf(msg, msglen, "%s", conn_why(x));
		return FAST_FAIL;
	}
	return FAST_OK;
}
#endif

static enum nfp_sink_res pg_write(struct nfp_sink *s, void *ctx,
				  const struct nfp_batch *b)
{
	struct pg_ctx *x = ctx;
	enum nfp_sink_res res;
	enum fast_res r;
	char msg[512] = "";
	int landed;

	x->late = false;
	landed = doubt_landed(x, b);
	if (landed < 0) {
		if (PQstatus(x->conn) != CONNECTION_OK)
			return give_back(x, "txid_status", conn_why(x));
		/* Not known yet: wait with the same connection. */
		return NFP_SINK_BUSY;
	}
	if (landed)
		return NFP_SINK_OK;
	x->xid = -1;
	if (x->copy)
		r = write_copy(x, b, msg, sizeof(msg));
	else
		r = write_pipeline(x, b, msg, sizeof(msg));
	if (r == FAST_OK)
		return NFP_SINK_OK;
	if (r == FAST_ROWS && PQstatus(x->conn) == CONNECTION_OK) {
		pgq_scrub(msg, (const char *const *)x->secrets);
		nfp_dbg(x->li,
			"batch %" PRIu64 " refused (%s): writing it row by row",
			nfp_batch_seq(b), msg);
		x->xid = -1;
		res = write_rows(s, x, b);
	} else {
		res = give_back(x, x->copy ? "COPY" : "write", msg);
	}
	/*
	 * The connection died with a transaction of this batch open: its
	 * COMMIT may have landed unanswered. Ask before writing it again.
	 */
	if (res == NFP_SINK_RETRY && x->xid >= 0 &&
	    PQstatus(x->conn) != CONNECTION_OK) {
		x->doubt_xid = x->xid;
		x->doubt_seq = nfp_batch_seq(b);
		memcpy(x->doubt_start, x->xstart, sizeof(x->xstart));
	}
	return res;
}

static const struct nfp_sink_ops pg_ops = {
	.connect = pg_connect,
	.write_batch = pg_write,
	.disconnect = pg_disconnect,
	.release = pg_release,
};

/* ---- the main thread side ------------------------------------------------ */

static struct pg_ctx *ctx_new(struct nfp_inst *inst, struct pg_priv *p)
{
	struct pg_ctx *x = calloc(1, sizeof(*x));
	char *secret = NULL;
	unsigned int i, n = p->cols->ncols;

	if (!x)
		return NULL;
	if (build_params(inst, p, &x->cp, &secret))
		goto fail;
	x->secrets[0] = p->pass ? strdup(p->pass) : NULL;
	if (p->pass && !x->secrets[0])
		goto fail;
	x->secrets[x->secrets[0] ? 1 : 0] = secret;
	secret = NULL;
	x->where = describe(&x->cp);
	x->mode = p->mode;
	x->xid = -1;
	x->doubt_xid = -1;
	x->io_timeout = p->io_timeout;
	x->proc_name = p->proc_name ? strdup(p->proc_name) : NULL;
	x->cols = sqlc_set_new();
	x->cls = calloc(n, sizeof(*x->cls));
	x->pv = calloc(n, sizeof(*x->pv));
	x->pl = calloc(n, sizeof(*x->pl));
	x->po = calloc(n, sizeof(*x->po));
	if (!x->where || (p->proc_name && !x->proc_name) || !x->cols ||
	    !x->cls || !x->pv || !x->pl || !x->po ||
	    split_target(p, &x->schema, &x->table))
		goto fail;
	for (i = 0; i < n; i++)
		if (sqlc_add(x->cols, p->cols->cols[i].name))
			goto fail;
	x->copy_sql = pgq_copy_sql(x->schema, x->table, x->cols);
	x->row_sql = pgq_row_sql(x->mode, x->proc_name, x->schema, x->table,
				 x->cols);
	if (!x->copy_sql || !x->row_sql)
		goto fail;
	return x;
fail:
	free(secret);
	pg_release(x);
	return NULL;
}

static int pg_start(struct nfp_inst *inst)
{
	struct pg_priv *p = inst->priv;
	struct pg_ctx *x;
	unsigned int n;
	char *list;

	if (!p->cols || !p->cols->ncols)
		return -EINVAL;
	list = sqlc_unbound(inst, p->cols, &n);
	if (list)
		nfp_info(
			inst,
			"%u column%s NULL, no plugin in the stack fills %s: %s",
			n, n == 1 ? " stays" : "s stay", n == 1 ? "it" : "them",
			list);
	free(list);
	x = ctx_new(inst, p);
	if (!x)
		return -ENOMEM;
	return nfp_sink_start(inst, &p->sink, &pg_ops, x, p->cols->ncols,
			      p->cols->fingerprint, &p->s);
}

static enum nfp_ret pg_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	struct pg_priv *p = inst->priv;

	return nfp_sink_put_keys(p->s, rec, p->cols->ncols) ? NFP_ERROR
							    : NFP_OK;
}

static int pg_flush(struct nfp_inst *inst)
{
	struct pg_priv *p = inst->priv;

	return nfp_sink_flush(p->s);
}

static void pg_stop(struct nfp_inst *inst)
{
	struct pg_priv *p = inst->priv;

	nfp_sink_stop(p->s);
	p->s = NULL;
}

/* What configure() made: also when the instance never started. */
static void pg_release_conf(struct nfp_inst *inst)
{
	struct pg_priv *p = inst->priv;

	sqlc_set_free(p->cols);
	p->cols = NULL;
}

NFP_PLUGIN(output, pgsql) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_OUTPUT,
	.name = "PGSQL",
	.summary =
		"rows into a PostgreSQL table: COPY per batch, queued, spooled",
	.options = pg_options,
	.counters = pg_counters,
	.priv_size = sizeof(struct pg_priv),
	.configure = pg_configure,
	.start = pg_start,
	.process = pg_process,
	.flush = pg_flush,
	.stop = pg_stop,
	.release = pg_release_conf,
};
