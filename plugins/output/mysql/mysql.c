/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/mysql - rows into a MariaDB/MySQL table: bulk INSERT per batch
 *
 * Consumes the keys its target table (or view) names, ulogd2's rule: every
 * column whose name does not start with '_' (and that the server does not
 * fill itself: auto_increment, generated) stores the key of its name with
 * '_' read as '.'. The columns are read from the server at configure time;
 * when it cannot be reached they come from the `columns` option, else from
 * the list saved by the last run that reached it (beside the spool), else
 * from the CREATE TABLE in `schema_file` (etc/sql/mysql.sql): nfpiped
 * starts, spools, and writes once the server is back. Produces nothing.
 *
 * Threading: process() copies each row into a batch of the queued-sink core
 * (include/nfpipe/sink.h) on the main thread; one worker thread owns the
 * connection (libmariadb) and writes each batch as one transaction: one
 * prepared INSERT executed with array binding (MariaDB's bulk protocol,
 * up to BULK_ROWS rows an execution), or, for ulogd2's `procedure=` and
 * servers without bulk support, the prepared statement once per row. All
 * values are bound parameters, never pasted into SQL. A batch the server
 * refuses because of a row (a value too long, a constraint, a procedure's
 * SIGNAL) is rolled back and written again row by row: each refused row is
 * logged with the server's reason and skipped (InnoDB rolls back only that
 * statement), the rest lands. Anything else (a lost connection, a missing
 * table, no permission) returns the batch to the core, which reconnects
 * with backoff and spools meanwhile. Each batch's transaction also sets a
 * random token in a one-row-per-sink table (`state_table`): when the
 * connection is lost at COMMIT, the token says on reconnect whether the
 * batch landed, so that it lands once.
 *
 * The password never reaches the log: the option is secret, and server
 * messages are scrubbed of it.
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
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <mysql.h>
#include <mysqld_error.h>

#include <nfpipe/plugin.h>
#include <nfpipe/sink.h>

#include "myq.h"
#include "sqlcols.h"

#ifndef NFP_SQLDIR
#define NFP_SQLDIR "/usr/share/nfpipe/sql"
#endif

#define BULK_ROWS  1000	      /* rows per bulk execution */
#define BULK_BYTES (4u << 20) /* value bytes per execution */

/* How to reach the server: the options, copied for the worker. */
struct my_conn {
	char *host;		      /* host name, address, or "localhost" */
	char *user;		      /* user */
	char *pass;		      /* password: secret */
	char *db;		      /* database */
	char *socket;		      /* unix socket path, or NULL */
	char *ssl_ca;		      /* TLS: CA file, or NULL */
	char *ssl_cert;		      /* TLS: client cert, or NULL */
	char *ssl_key;		      /* TLS: its key, or NULL */
	bool ssl;		      /* TLS required */
	bool ssl_verify;	      /* check the server's certificate */
	unsigned int port;	      /* TCP port; 0: the default */
	unsigned int connect_timeout; /* seconds; 0: the library's */
	unsigned int io_timeout;      /* seconds per read/write; 0: none */
};

struct my_priv {
	char *db;		   /* option db */
	char *host;		   /* option host */
	char *user;		   /* option user */
	char *pass;		   /* option pass: secret */
	uint64_t port;		   /* option port */
	char *socket;		   /* option socket */
	char *table;		   /* option table, "db.table" allowed */
	char *procedure;	   /* option procedure */
	char *columns;		   /* option columns */
	char *schema_file;	   /* option schema_file */
	bool null_columns;	   /* option null_columns */
	uint64_t connect_timeout;  /* option connect_timeout, seconds */
	uint64_t io_timeout;	   /* option io_timeout, ms; 0: none */
	bool ssl;		   /* option ssl */
	bool ssl_verify;	   /* option ssl_verify */
	char *ssl_ca;		   /* option ssl_ca */
	char *ssl_cert;		   /* option ssl_cert */
	char *ssl_key;		   /* option ssl_key */
	char *state_table;	   /* option state_table */
	int64_t reconnect;	   /* ulogd2's, ignored */
	int64_t backlog_memcap;	   /* ulogd2's, ignored */
	int64_t backlog_oneshot;   /* ulogd2's, ignored */
	int64_t ring_buffer_size;  /* ulogd2's, ignored */
	struct nfp_sink_conf sink; /* batch, queue and spool options */
	struct sqlc_set *cols;	   /* from configure() */
	enum sqlc_mode mode;	   /* from procedure */
	const char *proc_name;	   /* inside procedure, or NULL */
	struct nfp_sink *s;	   /* running sink, or NULL */
	bool lib_ref;		   /* holds a my_lib_users reference */
};

/* The worker's side: owned by the sink once started (my_release frees). */
struct my_ctx {
	struct my_conn cc;	   /* how to connect; owned */
	char *where;		   /* "db on host:port as user" */
	char *tdb;		   /* database of the table, or NULL */
	char *table;		   /* table or view name */
	enum sqlc_mode mode;	   /* from procedure */
	char *proc_name;	   /* the routine, or "INSERT INTO ..." */
	struct sqlc_set *cols;	   /* the columns filled; owned */
	enum myq_cls *cls;	   /* per column, found at connect */
	char *row_sql;		   /* the one-row statement */
	MYSQL *m;		   /* connection, or NULL */
	MYSQL_STMT *st;		   /* the prepared row statement */
	bool bulk;		   /* the server takes array binding */
	bool told_extra;	   /* unfilled columns mentioned once */
	MYSQL_BIND *bind;	   /* one per column */
	char **ptr;		   /* bulk: ncols x BULK_ROWS values */
	unsigned long *len;	   /* and their lengths */
	char *ind;		   /* and their indicators */
	my_bool *isnull;	   /* one row: NULL flags per column */
	size_t *off;		   /* one row: where each value is */
	char *arena;		   /* the formatted values */
	size_t alen;		   /* bytes used in arena */
	size_t acap;		   /* bytes allocated */
	struct nfp_ratelimit rl;   /* worker complaints */
	const struct nfp_inst *li; /* the sink's log instance */
	bool lib_ref;		   /* holds a my_lib_users reference */
	char *state_table;	   /* option state_table, or NULL */
	char *sink_key;		   /* "host/instance": our row there */
	MYSQL_STMT *mark;	   /* sets our token; NULL: no table */
	bool told_nomark;	   /* "no state table" said once */
	uint64_t token;		   /* this attempt's token */
	bool marked;		   /* the token is in this transaction */
	bool doubt;		   /* a COMMIT went unanswered */
	uint64_t doubt_token;	   /* its token */
	uint64_t doubt_seq;	   /* and its batch */
};

static const char *const my_counters[] = { NFP_SINK_COUNTER_NAMES, NULL };

/*
 * Users of libmariadb's global state: each configured instance, and each
 * worker context (which may outlive stop() when a write hangs). The last
 * one to go calls mysql_library_end(), so that nothing it set up is left.
 */
static unsigned int my_lib_users;

static void lib_get(void)
{
	__atomic_add_fetch(&my_lib_users, 1, __ATOMIC_ACQ_REL);
}

static void lib_put(void)
{
	if (__atomic_sub_fetch(&my_lib_users, 1, __ATOMIC_ACQ_REL) == 0)
		mysql_library_end();
}

static const struct nfp_option my_options[] = {
	{ .name = "db",
	  .type = NFP_OPT_STRING,
	  .flags = NFP_OPT_REQUIRED,
	  .off = offsetof(struct my_priv, db),
	  .help = "Database name." },
	{ .name = "host",
	  .type = NFP_OPT_STRING,
	  .def = "localhost",
	  .off = offsetof(struct my_priv, host),
	  .help = "Server host name or address; \"localhost\" means the unix socket (see socket)." },
	{ .name = "user",
	  .type = NFP_OPT_STRING,
	  .off = offsetof(struct my_priv, user),
	  .help = "User to connect as; unset: the library's default." },
	{ .name = "pass",
	  .type = NFP_OPT_STRING,
	  .flags = NFP_OPT_SECRET,
	  .off = offsetof(struct my_priv, pass),
	  .help = "Password; never logged." },
	{ .name = "port",
	  .type = NFP_OPT_UINT,
	  .def = "0",
	  .max = 65535,
	  .off = offsetof(struct my_priv, port),
	  .help = "Server TCP port; 0: the default (3306)." },
	{ .name = "socket",
	  .type = NFP_OPT_PATH,
	  .off = offsetof(struct my_priv, socket),
	  .help = "Unix socket of the server when host is \"localhost\"; unset: the library's default." },
	{ .name = "table",
	  .type = NFP_OPT_STRING,
	  .flags = NFP_OPT_REQUIRED,
	  .off = offsetof(struct my_priv, table),
	  .help = "Table or view whose columns name the keys stored (\"db.table\" allowed)." },
	{ .name = "procedure",
	  .type = NFP_OPT_STRING,
	  .def = "INSERT",
	  .off = offsetof(struct my_priv, procedure),
	  .help = "INSERT (bulk INSERT into the table), a function called as SELECT name(columns...) per row (ulogd2's INSERT_PACKET_FULL), CALL name, or \"INSERT INTO x\"." },
	{ .name = "columns",
	  .type = NFP_OPT_STRING,
	  .off = offsetof(struct my_priv, columns),
	  .help = "Columns to fill, comma-separated, instead of reading them from the server at start-up." },
	{ .name = "schema_file",
	  .type = NFP_OPT_PATH,
	  .def = NFP_SQLDIR "/mysql.sql",
	  .off = offsetof(struct my_priv, schema_file),
	  .help = "SQL file whose CREATE TABLE gives the columns when the server cannot be reached at start-up and no earlier run saved them." },
	{ .name = "null_columns",
	  .type = NFP_OPT_BOOL,
	  .def = "0",
	  .off = offsetof(struct my_priv, null_columns),
	  .help = "Store NULL in columns no key in the stack fills, instead of refusing the config (columns of l7., geoip., blacklist. and scan. keys are always optional)." },
	{ .name = "connect_timeout",
	  .type = NFP_OPT_UINT,
	  .def = "10",
	  .max = 3600,
	  .off = offsetof(struct my_priv, connect_timeout),
	  .help = "Seconds a connection attempt may take; 0: the library's default." },
	{ .name = "io_timeout",
	  .type = NFP_OPT_DURATION,
	  .def = "30s",
	  .unit = "ms",
	  .max = 3600000,
	  .off = offsetof(struct my_priv, io_timeout),
	  .help = "Longest the server may leave a read or a write unanswered (whole seconds, rounded up) before the connection is closed and the batch written again; 0: no limit." },
	{ .name = "ssl",
	  .type = NFP_OPT_BOOL,
	  .def = "0",
	  .off = offsetof(struct my_priv, ssl),
	  .help = "Require TLS." },
	{ .name = "ssl_verify",
	  .type = NFP_OPT_BOOL,
	  .def = "0",
	  .off = offsetof(struct my_priv, ssl_verify),
	  .help = "Check the server's certificate and name (with ssl_ca)." },
	{ .name = "ssl_ca",
	  .type = NFP_OPT_PATH,
	  .off = offsetof(struct my_priv, ssl_ca),
	  .help = "CA certificate file for TLS." },
	{ .name = "ssl_cert",
	  .type = NFP_OPT_PATH,
	  .off = offsetof(struct my_priv, ssl_cert),
	  .help = "Client certificate file for TLS." },
	{ .name = "ssl_key",
	  .type = NFP_OPT_PATH,
	  .off = offsetof(struct my_priv, ssl_key),
	  .help = "Key file of the client certificate." },
	{ .name = "state_table",
	  .type = NFP_OPT_STRING,
	  .def = "nfpipe_state",
	  .off = offsetof(struct my_priv, state_table),
	  .help = "Table (made when missing) where each batch leaves a token, so that a batch whose COMMIT went unanswered is not written twice; empty: none." },
	{ .name = "reconnect",
	  .type = NFP_OPT_INT,
	  .def = "0",
	  .flags = NFP_OPT_DEPRECATED,
	  .off = offsetof(struct my_priv, reconnect),
	  .help = "ignored: nfpiped always reconnects, with backoff up to retry_max" },
	{ .name = "backlog_memcap",
	  .type = NFP_OPT_INT,
	  .def = "0",
	  .flags = NFP_OPT_DEPRECATED,
	  .off = offsetof(struct my_priv, backlog_memcap),
	  .help = "ignored: batches wait in queue_max and the disk spool (spool_max)" },
	{ .name = "backlog_oneshot_requests",
	  .type = NFP_OPT_INT,
	  .def = "0",
	  .flags = NFP_OPT_DEPRECATED,
	  .off = offsetof(struct my_priv, backlog_oneshot),
	  .help = "ignored: every batch is one transaction (batch)" },
	{ .name = "ring_buffer_size",
	  .type = NFP_OPT_INT,
	  .def = "0",
	  .flags = NFP_OPT_DEPRECATED,
	  .off = offsetof(struct my_priv, ring_buffer_size),
	  .help = "ignored: a worker thread always writes (queue_max)" },
	NFP_SINK_OPTIONS(struct my_priv, sink),
	{ 0 }
};

/* ---- pure parts (myq.h) -------------------------------------------------- */

enum myq_cls myq_class(const char *data_type, const char *column_type)
{
	static const char *const ints[] = { "tinyint", "smallint", "mediumint",
					    "int",     "integer",  "bigint",
					    "bit",     "year",	   "bool",
					    "boolean", NULL };
	static const char *const nums[] = { "decimal", "numeric", "float",
					    "double",  "real",	  NULL };
	static const char *const bins[] = { "binary", "varbinary",  "tinyblob",
					    "blob",   "mediumblob", "longblob",
					    NULL };
	static const char *const times[] = { "datetime", "timestamp", "date",
					     NULL };
	unsigned int i;

	if (!data_type)
		return MYQ_TEXT;
	for (i = 0; ints[i]; i++)
		if (!strcasecmp(data_type, ints[i]))
			return MYQ_INT;
	for (i = 0; nums[i]; i++)
		if (!strcasecmp(data_type, nums[i]))
			return MYQ_NUM;
	for (i = 0; bins[i]; i++)
		if (!strcasecmp(data_type, bins[i]))
			return column_type && !strcasecmp(column_type,
							  "binary(16)")
				       ? MYQ_BIN16
				       : MYQ_BIN;
	for (i = 0; times[i]; i++)
		if (!strcasecmp(data_type, times[i]))
			return MYQ_TIME;
	return MYQ_TEXT;
}

size_t myq_max_len(const struct nfp_sval *v)
{
	if (v->kind == NFP_SV_TEXT || v->kind == NFP_SV_BLOB)
		return 3 * (size_t)v->bytes.len + 16;
	return 64;
}

static long time_text(char *out, int64_t sec, uint32_t nsec)
{
	char t[64];
	size_t n = sqlc_time_text(t, sizeof(t), sec, nsec, NULL);

	if (!n)
		return -1; /* no datetime can hold it: NULL */
	memcpy(out, t, n);
	return (long)n;
}

long myq_format(char *out, const struct nfp_sval *v, enum myq_cls cls)
{
	bool bin = cls == MYQ_BIN || cls == MYQ_BIN16;
	char t[64];
	int k;

	switch (v->kind) {
	case NFP_SV_BOOL:
		out[0] = v->i ? '1' : '0';
		return 1;
	case NFP_SV_INT:
		if (cls == MYQ_TIME)
			return time_text(out, v->i, 0);
		return (long)sqlc_itoa(out, v->i);
	case NFP_SV_U64:
		if (cls == MYQ_TIME && v->u <= INT64_MAX)
			return time_text(out, (int64_t)v->u, 0);
		return (long)sqlc_utoa(out, v->u);
	case NFP_SV_IN4:
		if (cls == MYQ_INT || cls == MYQ_NUM)
			return (long)sqlc_utoa(out, ntohl(v->in4));
		if (cls == MYQ_BIN16) {
			/* ::ffff:a.b.c.d, as IP2BIN and ulogd2's schema. */
			memset(out, 0, 10);
			out[10] = out[11] = (char)0xff;
			memcpy(out + 12, &v->in4, 4);
			return 16;
		}
		if (cls == MYQ_BIN) {
			memcpy(out, &v->in4, 4); /* as INET6_ATON() */
			return 4;
		}
		inet_ntop(AF_INET, &v->in4, t, sizeof(t));
		memcpy(out, t, strlen(t));
		return (long)strlen(t);
	case NFP_SV_IN6:
		if (bin) {
			memcpy(out, v->in6, 16);
			return 16;
		}
		inet_ntop(AF_INET6, v->in6, t, sizeof(t));
		memcpy(out, t, strlen(t));
		return (long)strlen(t);
	case NFP_SV_TIME:
		if (cls == MYQ_INT)
			return (long)sqlc_itoa(out, v->time.sec);
		if (cls == MYQ_NUM) {
			/* Seconds with nine decimals, as OPRINT shows time. */
			size_t n = sqlc_itoa(out, v->time.sec);
			int d = snprintf(t, sizeof(t), ".%09u",
					 v->time.nsec % 1000000000u);

			memcpy(out + n, t, (size_t)d);
			return (long)(n + (size_t)d);
		}
		return time_text(out, v->time.sec, v->time.nsec);
	case NFP_SV_TEXT:
		if (bin) {
			/* IP2BIN's "0x..." literal means its bytes. */
			k = sqlc_hexlit(v->bytes.ptr, v->bytes.len,
					(uint8_t *)out,
					3 * (size_t)v->bytes.len);
			if (k >= 0)
				return k;
		}
		memcpy(out, v->bytes.ptr, v->bytes.len);
		return (long)v->bytes.len;
	case NFP_SV_BLOB:
		if (bin) {
			memcpy(out, v->bytes.ptr, v->bytes.len);
			return (long)v->bytes.len;
		}
		return (long)sqlc_hex_colon(out, v->bytes.ptr, v->bytes.len);
	case NFP_SV_NULL:
	default:
		return -1;
	}
}

char *myq_quote_ident(const char *name)
{
	return sqlc_quote_ident(name, '`');
}

static bool cat(char **p, const char *s)
{
	return sqlc_cat(p, s);
}

static bool cat_ident(char **p, const char *name)
{
	return sqlc_cat_ident(p, name, '`');
}

static bool cat_cols(char **p, const struct sqlc_set *cols)
{
	unsigned int i;

	if (!cat(p, " ("))
		return false;
	for (i = 0; i < cols->ncols; i++)
		if ((i && !cat(p, ",")) || !cat_ident(p, cols->cols[i].name))
			return false;
	return cat(p, ")");
}

static bool cat_marks(char **p, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!cat(p, i ? ",?" : "?"))
			return false;
	return cat(p, ")");
}

char *myq_row_sql(enum sqlc_mode mode, const char *name, const char *db,
		  const char *table, const struct sqlc_set *cols)
{
	char *s = NULL;

	switch (mode) {
	case SQLC_TABLE:
		if (!cat(&s, "INSERT INTO ") ||
		    (db && (!cat_ident(&s, db) || !cat(&s, "."))) ||
		    !cat_ident(&s, table) || !cat_cols(&s, cols) ||
		    !cat(&s, " VALUES (") || !cat_marks(&s, cols->ncols))
			return NULL;
		return s;
	case SQLC_INSERT_AS:
		if (!cat(&s, name) || !cat_cols(&s, cols) ||
		    !cat(&s, " VALUES (") || !cat_marks(&s, cols->ncols))
			return NULL;
		return s;
	case SQLC_CALL:
	case SQLC_SELECT:
		if (!cat(&s, mode == SQLC_CALL ? "CALL " : "SELECT ") ||
		    !cat(&s, name) || !cat(&s, "(") ||
		    !cat_marks(&s, cols->ncols))
			return NULL;
		return s;
	}
	return NULL;
}

bool myq_row_error(unsigned int err, const char *state)
{
	switch (err) {
	case 1048: /* ER_BAD_NULL_ERROR */
	case 1062: /* ER_DUP_ENTRY */
	case 1118: /* ER_TOO_BIG_ROWSIZE: this row's values */
	case 1263: /* ER_WARN_NULL_TO_NOTNULL */
	case 1264: /* ER_WARN_DATA_OUT_OF_RANGE */
	case 1265: /* WARN_DATA_TRUNCATED */
	case 1292: /* ER_TRUNCATED_WRONG_VALUE */
	case 1300: /* ER_INVALID_CHARACTER_STRING */
	case 1365: /* ER_DIVISION_BY_ZERO */
	case 1366: /* ER_TRUNCATED_WRONG_VALUE_FOR_FIELD */
	case 1367: /* ER_ILLEGAL_VALUE_FOR_TYPE */
	case 1406: /* ER_DATA_TOO_LONG */
	case 1411: /* ER_WRONG_VALUE_FOR_TYPE */
	case 1452: /* ER_NO_REFERENCED_ROW_2 */
	case 1644: /* ER_SIGNAL_EXCEPTION */
	case 3819: /* MySQL: ER_CHECK_CONSTRAINT_VIOLATED */
	case 4025: /* MariaDB: ER_CONSTRAINT_FAILED */
		return true;
	}
	if (!state || strlen(state) != 5)
		return false;
	return !strncmp(state, "22", 2) || !strncmp(state, "23", 2) ||
	       !strcmp(state, "45000");
}

/* ---- connecting ---------------------------------------------------------- */

static void conn_free(struct my_conn *cc)
{
	free(cc->host);
	free(cc->user);
	free(cc->pass);
	free(cc->db);
	free(cc->socket);
	free(cc->ssl_ca);
	free(cc->ssl_cert);
	free(cc->ssl_key);
	memset(cc, 0, sizeof(*cc));
}

static int dup_opt(char **to, const char *from)
{
	*to = from ? strdup(from) : NULL;
	return from && !*to ? -ENOMEM : 0;
}

static int conn_from(struct my_conn *cc, const struct my_priv *p)
{
	memset(cc, 0, sizeof(*cc));
	if (dup_opt(&cc->host, p->host) || dup_opt(&cc->user, p->user) ||
	    dup_opt(&cc->pass, p->pass) || dup_opt(&cc->db, p->db) ||
	    dup_opt(&cc->socket, p->socket) ||
	    dup_opt(&cc->ssl_ca, p->ssl_ca) ||
	    dup_opt(&cc->ssl_cert, p->ssl_cert) ||
	    dup_opt(&cc->ssl_key, p->ssl_key)) {
		conn_free(cc);
		return -ENOMEM;
	}
	cc->ssl = p->ssl;
	cc->ssl_verify = p->ssl_verify;
	cc->port = (unsigned int)p->port;
	cc->connect_timeout = (unsigned int)p->connect_timeout;
	/* The library counts whole seconds: round up, never to 0. */
	cc->io_timeout = (unsigned int)((p->io_timeout + 999) / 1000);
	return 0;
}

/* Overwrite the password in @msg, cut a trailing newline. */
static void scrub(char *msg, const struct my_conn *cc)
{
	size_t n;

	if (cc->pass && *cc->pass) {
		size_t sl = strlen(cc->pass);
		char *p = msg;

		while ((p = strstr(p, cc->pass))) {
			memset(p, '*', sl);
			p += sl;
		}
	}
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
}

/* "database nfpipe on 127.0.0.1:3306": where we write, without secrets. */
static char *describe(const struct my_conn *cc)
{
	bool local = !cc->host || !strcmp(cc->host, "localhost");
	char where[300];
	char *s;

	if (local)
		snprintf(where, sizeof(where), "the socket %s",
			 cc->socket ? cc->socket : "(default)");
	else if (cc->port)
		snprintf(where, sizeof(where), "%s:%u", cc->host, cc->port);
	else
		snprintf(where, sizeof(where), "%s", cc->host);
	if (asprintf(&s, "database %s on %s", cc->db, where) < 0)
		return NULL;
	return s;
}

/* Connect; NULL with the scrubbed reason in @why. */
static MYSQL *my_open(const struct my_conn *cc, char *why, size_t whylen)
{
	unsigned int io = cc->io_timeout, ct = cc->connect_timeout;
	my_bool yes = 1;
	MYSQL *m = mysql_init(NULL);

	if (!m) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	if (ct)
		mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &ct);
	if (io) {
		/*
		 * A server that stops answering (stopped, or a hung
		 * connection whose socket never errors) fails the call after
		 * this long: the batch is written again on a new connection.
		 */
		mysql_optionsv(m, MYSQL_OPT_READ_TIMEOUT, &io);
		mysql_optionsv(m, MYSQL_OPT_WRITE_TIMEOUT, &io);
	}
	mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (cc->ssl_ca)
		mysql_optionsv(m, MYSQL_OPT_SSL_CA, cc->ssl_ca);
	if (cc->ssl_cert)
		mysql_optionsv(m, MYSQL_OPT_SSL_CERT, cc->ssl_cert);
	if (cc->ssl_key)
		mysql_optionsv(m, MYSQL_OPT_SSL_KEY, cc->ssl_key);
	if (cc->ssl)
		mysql_optionsv(m, MYSQL_OPT_SSL_ENFORCE, &yes);
	if (cc->ssl_verify)
		mysql_optionsv(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &yes);
	if (!mysql_real_connect(m, cc->host, cc->user, cc->pass, cc->db,
				cc->port, cc->socket, 0)) {
		snprintf(why, whylen, "%s", mysql_error(m));
		scrub(why, cc);
		mysql_close(m);
		return NULL;
	}
	/* Transactions of our own; times in UTC whatever the server's zone. */
	if (mysql_autocommit(m, 0) ||
	    mysql_query(m, "SET time_zone = '+00:00'")) {
		snprintf(why, whylen, "%s", mysql_error(m));
		scrub(why, cc);
		mysql_close(m);
		return NULL;
	}
	return m;
}

/* A column of the target as information_schema has it. */
struct my_srvcol {
	char *name;	  /* COLUMN_NAME */
	enum myq_cls cls; /* from DATA_TYPE and COLUMN_TYPE */
	bool autofill;	  /* auto_increment or generated */
};

struct my_target {
	struct my_srvcol *cols; /* in column order */
	unsigned int n;		/* entries */
};

static void target_free(struct my_target *t)
{
	unsigned int i;

	for (i = 0; i < t->n; i++)
		free(t->cols[i].name);
	free(t->cols);
	t->cols = NULL;
	t->n = 0;
}

/* A string literal for a config value in a catalog query. */
static char *literal(MYSQL *m, const char *s)
{
	size_t n = strlen(s);
	char *q = malloc(2 * n + 3);

	if (!q)
		return NULL;
	q[0] = '\'';
	n = mysql_real_escape_string(m, q + 1, s, (unsigned long)n);
	q[n + 1] = '\'';
	q[n + 2] = '\0';
	return q;
}

/*
 * Read the columns of @db.@table (@db NULL: the connection's database).
 * 0; -ENOENT when there is no such table or view; -EIO otherwise, with
 * the scrubbed reason in @why.
 */
static int read_target(MYSQL *m, const struct my_conn *cc, const char *db,
		       const char *table, struct my_target *t, char *why,
		       size_t whylen)
{
	char *ldb = db ? literal(m, db) : NULL, *ltab = literal(m, table);
	char *sql = NULL;
	MYSQL_RES *res = NULL;
	MYSQL_ROW row;
	unsigned long n;
	int ret = -EIO;

	memset(t, 0, sizeof(*t));
	if ((db && !ldb) || !ltab ||
	    asprintf(&sql,
		     "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, EXTRA "
		     "FROM information_schema.COLUMNS "
		     "WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s "
		     "ORDER BY ORDINAL_POSITION",
		     ldb ? ldb : "DATABASE()", ltab) < 0) {
		sql = NULL;
		snprintf(why, whylen, "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	if (mysql_query(m, sql) || !(res = mysql_store_result(m))) {
		snprintf(why, whylen, "cannot read the columns of %s: %s",
			 table, mysql_error(m));
		scrub(why, cc);
		goto out;
	}
	n = (unsigned long)mysql_num_rows(res);
	if (!n) {
		snprintf(why, whylen, "no table or view %s%s%s", db ? db : "",
			 db ? "." : "", table);
		ret = -ENOENT;
		goto out;
	}
	t->cols = calloc(n, sizeof(*t->cols));
	if (!t->cols) {
		ret = -ENOMEM;
		goto out;
	}
	while ((row = mysql_fetch_row(res))) {
		struct my_srvcol *sc = &t->cols[t->n];

		if (!row[0])
			continue;
		sc->name = strdup(row[0]);
		if (!sc->name) {
			ret = -ENOMEM;
			goto out;
		}
		t->n++;
		sc->cls = myq_class(row[1], row[2]);
		sc->autofill =
			row[3] && (strcasestr(row[3], "auto_increment") ||
				   strcasestr(row[3], "GENERATED"));
	}
	ret = 0;
out:
	/* The catalog query ran inside our transaction: end it. */
	mysql_rollback(m);
	if (res)
		mysql_free_result(res);
	if (ret)
		target_free(t);
	free(sql);
	free(ldb);
	free(ltab);
	return ret;
}

static int target_columns(const struct my_target *t, struct sqlc_set *s)
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

static int split_target(const char *full, char **db, char **table)
{
	const char *dot = strchr(full, '.');

	*db = dot ? strndup(full, (size_t)(dot - full)) : NULL;
	*table = strdup(dot ? dot + 1 : full);
	if ((dot && !*db) || !*table) {
		free(*db);
		free(*table);
		*db = *table = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* ---- configure: which columns -------------------------------------------- */

static int columns_from_server(struct nfp_inst *inst, struct my_priv *p,
			       const struct my_target *t, const char *cache)
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

static int my_configure(struct nfp_inst *inst)
{
	struct my_priv *p = inst->priv;
	struct my_conn cc;
	struct my_target t;
	char *db = NULL, *table = NULL, *cache = NULL;
	const char *why = NULL;
	char reason[512];
	MYSQL *m;
	int r;

	/* Not thread-safe: before any worker exists. */
	mysql_library_init(0, NULL, NULL);
	lib_get();
	p->lib_ref = true;
	if (sqlc_proc_mode(p->procedure, &p->mode, &p->proc_name, &why)) {
		nfp_err(inst, "procedure=\"%s\": %s", p->procedure, why);
		return -EINVAL;
	}
	/* pass is NFP_OPT_SECRET: the core warns about a readable file. */
	p->cols = sqlc_set_new();
	if (!p->cols || split_target(p->table, &db, &table))
		return -ENOMEM;
	if (p->sink.spool_dir && *p->sink.spool_dir && p->sink.spool_max) {
		cache = sqlc_cache_path(p->sink.spool_dir, inst->name);
		if (!cache) {
			r = -ENOMEM;
			goto out;
		}
	}
	if (p->columns) {
		r = sqlc_parse_list(p->cols, p->columns, &why);
		if (r)
			nfp_err(inst, "columns=: %s", why);
		goto done;
	}
	r = conn_from(&cc, p);
	if (r)
		goto out;
	m = my_open(&cc, reason, sizeof(reason));
	if (!m) {
		conn_free(&cc);
		r = sqlc_choose_offline(inst, p->cols, cache, p->schema_file,
					p->table, reason);
		goto done;
	}
	r = read_target(m, &cc, db, table, &t, reason, sizeof(reason));
	mysql_close(m);
	conn_free(&cc);
	if (r == -ENOENT) {
		nfp_err(inst,
			"%s: create it (etc/sql/mysql.sql makes ulog_pkt, ulog_ct and nfacct), or name another with table=",
			reason);
		goto out;
	}
	if (r) {
		r = sqlc_choose_offline(inst, p->cols, cache, p->schema_file,
					p->table, reason);
		goto done;
	}
	r = columns_from_server(inst, p, &t, cache);
	target_free(&t);
	if (!r && !p->cols->ncols) {
		nfp_err(inst,
			"%s has no column to fill (every name starts with '_' or is filled by the server)",
			table);
		r = -EINVAL;
	}
done:
	if (r)
		goto out;
	r = sqlc_finish(p->cols, p->null_columns);
	if (!r)
		r = nfp_inst_set_keys(inst, p->cols->keys, NULL);
out:
	free(db);
	free(table);
	free(cache);
	return r;
}

/* ---- the worker ---------------------------------------------------------- */

static void ctx_close(struct my_ctx *x)
{
	if (x->mark)
		mysql_stmt_close(x->mark);
	x->mark = NULL;
	if (x->st)
		mysql_stmt_close(x->st);
	x->st = NULL;
	if (x->m)
		mysql_close(x->m);
	x->m = NULL;
}

static void my_release(void *ctx)
{
	struct my_ctx *x = ctx;

	if (!x)
		return;
	ctx_close(x);
	conn_free(&x->cc);
	free(x->where);
	free(x->tdb);
	free(x->table);
	free(x->proc_name);
	sqlc_set_free(x->cols);
	free(x->cls);
	free(x->row_sql);
	free(x->bind);
	free(x->ptr);
	free(x->len);
	free(x->ind);
	free(x->isnull);
	free(x->off);
	free(x->arena);
	free(x->state_table);
	free(x->sink_key);
	if (x->lib_ref)
		lib_put();
	free(x);
}

static void complain(struct my_ctx *x, const char *what, const char *msg)
{
	char m[512];

	snprintf(m, sizeof(m), "%s", msg ? msg : "");
	scrub(m, &x->cc);
	nfp_log_rl(&x->rl, x->li, NFP_LOG_ERROR, "%s: %s", what, m);
}

/*
 * The state table and the statement that sets our token in it. Without
 * them (no right to create a table, say) batches are still written, with
 * the risk that one whose COMMIT went unanswered lands twice.
 */
static void mark_prepare(struct my_ctx *x)
{
	char *q = NULL, *ct = NULL, *ins = NULL;

	if (!x->state_table)
		return;
	q = myq_quote_ident(x->state_table);
	if (!q ||
	    asprintf(&ct,
		     "CREATE TABLE IF NOT EXISTS %s ("
		     "sink VARCHAR(191) NOT NULL PRIMARY KEY, "
		     "token BIGINT UNSIGNED NOT NULL, "
		     "batch BIGINT UNSIGNED NOT NULL, "
		     "at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP "
		     "ON UPDATE CURRENT_TIMESTAMP) ENGINE=InnoDB",
		     q) < 0 ||
	    asprintf(&ins,
		     "INSERT INTO %s (sink, token, batch) VALUES (?, ?, ?) "
		     "ON DUPLICATE KEY UPDATE token = VALUES(token), "
		     "batch = VALUES(batch)",
		     q) < 0)
		goto out;
	/* Without the right to create it, the table may still be there. */
	mysql_query(x->m, ct);
	x->mark = mysql_stmt_init(x->m);
	if (x->mark &&
	    mysql_stmt_prepare(x->mark, ins, (unsigned long)strlen(ins))) {
		if (!x->told_nomark)
			complain(
				x,
				"no state table, a batch whose COMMIT goes unanswered may land twice",
				mysql_stmt_error(x->mark));
		x->told_nomark = true;
		mysql_stmt_close(x->mark);
		x->mark = NULL;
	}
out:
	free(q);
	free(ct);
	free(ins);
}

/* Set a fresh token for batch @b in this transaction. 0 or -1. */
static int mark_batch(struct my_ctx *x, const struct nfp_batch *b)
{
	unsigned long klen = (unsigned long)strlen(x->sink_key);
	unsigned long long seq = nfp_batch_seq(b);
	MYSQL_BIND bd[3];

	x->marked = false;
	if (!x->mark)
		return 0;
	if (getrandom(&x->token, sizeof(x->token), 0) != sizeof(x->token))
		x->token = ((uint64_t)time(NULL) << 32) ^ (uint64_t)getpid() ^
			   (seq * 0x9e3779b97f4a7c15ull);
	memset(bd, 0, sizeof(bd));
	bd[0].buffer_type = MYSQL_TYPE_STRING;
	bd[0].buffer = x->sink_key;
	bd[0].buffer_length = klen;
	bd[0].length = &klen;
	bd[1].buffer_type = MYSQL_TYPE_LONGLONG;
	bd[1].buffer = &x->token;
	bd[1].is_unsigned = 1;
	bd[2].buffer_type = MYSQL_TYPE_LONGLONG;
	bd[2].buffer = &seq;
	bd[2].is_unsigned = 1;
	if (mysql_stmt_bind_param(x->mark, bd) || mysql_stmt_execute(x->mark))
		return -1;
	x->marked = true;
	return 0;
}

/*
 * COMMIT this attempt of @b. An unanswered COMMIT leaves the batch in
 * doubt, to be settled by its token before it is written again.
 */
static int commit_batch(struct my_ctx *x, const struct nfp_batch *b)
{
	if (!mysql_commit(x->m))
		return 0;
	if (x->marked) {
		x->doubt = true;
		x->doubt_token = x->token;
		x->doubt_seq = nfp_batch_seq(b);
	}
	return -1;
}

/*
 * Is @b the batch in doubt, and did it land? 1: it did (do not write it
 * again), 0: write it, -1: cannot tell now (retry).
 */
static int doubt_landed(struct my_ctx *x, const struct nfp_batch *b)
{
	char *q = NULL, *lit = NULL, *sql = NULL;
	MYSQL_RES *res = NULL;
	MYSQL_ROW row;
	int ret = -1;

	if (!x->doubt)
		return 0;
	if (nfp_batch_seq(b) != x->doubt_seq || !x->mark) {
		x->doubt = false;
		return 0;
	}
	q = myq_quote_ident(x->state_table);
	lit = literal(x->m, x->sink_key);
	/*
	 * A locking read: when the transaction of the lost connection still
	 * runs on the server (its COMMIT sent, the server slow or stopped
	 * until io_timeout gave up on it), it holds the token row, and this
	 * waits for its outcome instead of reading the token from before it.
	 */
	if (!q || !lit ||
	    asprintf(&sql, "SELECT token FROM %s WHERE sink = %s FOR UPDATE", q,
		     lit) < 0) {
		sql = NULL;
		goto out;
	}
	if (mysql_query(x->m, sql) || !(res = mysql_store_result(x->m)))
		goto out;
	row = mysql_fetch_row(res);
	ret = row && row[0] && strtoull(row[0], NULL, 10) == x->doubt_token;
	x->doubt = false;
	nfp_log(x->li, NFP_LOG_NOTICE,
		"batch %" PRIu64
		" was in doubt (connection lost at COMMIT): it %s",
		nfp_batch_seq(b),
		ret ? "had landed, not written again"
		    : "had not landed, written again");
out:
	if (res)
		mysql_free_result(res);
	mysql_rollback(x->m);
	free(q);
	free(lit);
	free(sql);
	return ret;
}

/* MariaDB 10.2 and later execute a statement for an array of rows. */
static bool bulk_supported(MYSQL *m)
{
	unsigned long caps = 0, ext = 0;

	if (mariadb_get_infov(m, MARIADB_CONNECTION_SERVER_CAPABILITIES,
			      &caps) ||
	    mariadb_get_infov(
		    m, MARIADB_CONNECTION_EXTENDED_SERVER_CAPABILITIES, &ext))
		return false;
	return !(caps & CLIENT_MYSQL) &&
	       (ext & (MARIADB_CLIENT_STMT_BULK_OPERATIONS >> 32));
}

static int my_connect(struct nfp_sink *s, void *ctx)
{
	struct my_ctx *x = ctx;
	struct my_target t;
	char why[512];
	unsigned int i, j;
	int r;

	x->li = nfp_sink_log_inst(s);
	x->m = my_open(&x->cc, why, sizeof(why));
	if (!x->m) {
		nfp_log_rl(&x->rl, x->li, NFP_LOG_ERROR, "%s: %s", x->where,
			   why);
		return -ECONNREFUSED;
	}
	r = read_target(x->m, &x->cc, x->tdb, x->table, &t, why, sizeof(why));
	if (r) {
		nfp_log_rl(&x->rl, x->li, NFP_LOG_ERROR, "%s: %s", x->where,
			   why);
		ctx_close(x);
		return r == -ENOENT ? -ENOENT : -EIO;
	}
	for (i = 0; i < x->cols->ncols; i++) {
		for (j = 0; j < t.n; j++)
			if (!strcasecmp(t.cols[j].name, x->cols->cols[i].name))
				break;
		if (j == t.n) {
			nfp_log_rl(
				&x->rl, x->li, NFP_LOG_ERROR,
				"%s has no column %s (any more): add it back, or restart nfpiped to write the columns it has; spooling meanwhile",
				x->table, x->cols->cols[i].name);
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
					"column %s of %s is left to its default: restart nfpiped to fill it",
					t.cols[j].name, x->table);
		x->told_extra = true;
	}
	target_free(&t);
	x->st = mysql_stmt_init(x->m);
	if (!x->st || mysql_stmt_prepare(x->st, x->row_sql,
					 (unsigned long)strlen(x->row_sql))) {
		complain(x, "cannot prepare the row statement",
			 x->st ? mysql_stmt_error(x->st) : mysql_error(x->m));
		ctx_close(x);
		return -EIO;
	}
	if (mysql_stmt_param_count(x->st) != x->cols->ncols) {
		nfp_log_rl(&x->rl, x->li, NFP_LOG_ERROR,
			   "the row statement takes %lu values, not %u",
			   mysql_stmt_param_count(x->st), x->cols->ncols);
		ctx_close(x);
		return -EINVAL;
	}
	x->bulk = (x->mode == SQLC_TABLE || x->mode == SQLC_INSERT_AS) &&
		  bulk_supported(x->m);
	mark_prepare(x);
	nfp_dbg(x->li, "connected to %s: %s", x->where,
		x->bulk ? "bulk INSERT per batch" : "a statement per row");
	return 0;
}

static void my_disconnect(struct nfp_sink *s, void *ctx)
{
	ctx_close(ctx);
}

static int arena_reserve(struct my_ctx *x, size_t n)
{
	size_t cap;
	char *p;

	if (x->acap - x->alen >= n)
		return 0;
	cap = x->acap ? x->acap : 65536;
	while (cap - x->alen < n)
		cap *= 2;
	p = realloc(x->arena, cap);
	if (!p)
		return -ENOMEM;
	x->arena = p;
	x->acap = cap;
	return 0;
}

/*
 * Format the value @v of column @i into the arena: *@off and *@len get
 * where it is; false for NULL. -ENOMEM as a negative return.
 */
static int put_value(struct my_ctx *x, unsigned int i, const struct nfp_sval *v,
		     size_t *off, unsigned long *len)
{
	long n;

	if (arena_reserve(x, myq_max_len(v)))
		return -ENOMEM;
	n = myq_format(x->arena + x->alen, v, x->cls[i]);
	if (n < 0)
		return 0;
	*off = x->alen;
	*len = (unsigned long)n;
	x->alen += (size_t)n;
	return 1;
}

/*
 * Read and drop what the last execution returned (SELECT f(), CALL): a
 * function runs, and fails, while its result is read. 0, or -1 with the
 * statement's error set.
 */
static int drain_stmt(struct my_ctx *x)
{
	int r;

	do {
		if (mysql_stmt_field_count(x->st) > 0) {
			if (mysql_stmt_store_result(x->st))
				return -1;
			mysql_stmt_free_result(x->st);
		}
		if (!mysql_stmt_more_results(x->st))
			return 0;
		r = mysql_stmt_next_result(x->st);
	} while (r == 0);
	return r > 0 ? -1 : 0;
}

static enum nfp_sink_res give_back(struct my_ctx *x, const char *what,
				   const char *msg)
{
	complain(x, what, msg);
	if (x->m)
		mysql_rollback(x->m);
	return NFP_SINK_RETRY;
}

/*
 * Row by row in one transaction: a refused row is rolled back alone by
 * the server (InnoDB undoes the failed statement only), logged and skipped.
 */
static enum nfp_sink_res write_rows(struct nfp_sink *s, struct my_ctx *x,
				    const struct nfp_batch *b)
{
	unsigned int n = x->cols->ncols, zero = 0, i;
	struct nfp_batch_iter it;
	struct nfp_sval v;

	if (!x->len)
		return give_back(x, "row", "out of memory");
	if (mysql_stmt_attr_set(x->st, STMT_ATTR_ARRAY_SIZE, &zero))
		return give_back(x, "statement", mysql_stmt_error(x->st));
	nfp_batch_iter_init(&it, b);
	while (nfp_batch_next_row(&it)) {
		size_t *off = x->off;

		x->alen = 0;
		memset(x->bind, 0, n * sizeof(*x->bind));
		for (i = 0; i < n && nfp_batch_next_val(&it, &v); i++) {
			int r = put_value(x, i, &v, &off[i], &x->len[i]);

			if (r < 0)
				return give_back(x, "row", "out of memory");
			x->isnull[i] = r == 0;
		}
		for (; i < n; i++)
			x->isnull[i] = 1;
		for (i = 0; i < n; i++) {
			MYSQL_BIND *bd = &x->bind[i];

			bd->buffer_type =
				x->cls[i] == MYQ_BIN || x->cls[i] == MYQ_BIN16
					? MYSQL_TYPE_BLOB
					: MYSQL_TYPE_STRING;
			bd->is_null = &x->isnull[i];
			if (x->isnull[i])
				continue;
			bd->buffer = x->arena + off[i];
			bd->buffer_length = x->len[i];
			bd->length = &x->len[i];
		}
		if (mysql_stmt_bind_param(x->st, x->bind))
			return give_back(x, "bind", mysql_stmt_error(x->st));
		if (mysql_stmt_execute(x->st) || drain_stmt(x)) {
			unsigned int err = mysql_stmt_errno(x->st);

			if (err < 2000 &&
			    myq_row_error(err, mysql_stmt_sqlstate(x->st))) {
				char m[512];

				snprintf(m, sizeof(m), "%s",
					 mysql_stmt_error(x->st));
				scrub(m, &x->cc);
				nfp_sink_reject(s, it.row, m);
				continue;
			}
			return give_back(x, "insert", mysql_stmt_error(x->st));
		}
	}
	if (mark_batch(x, b))
		return give_back(x, "state table", mysql_stmt_error(x->mark));
	if (commit_batch(x, b))
		return give_back(x, "COMMIT", mysql_error(x->m));
	return NFP_SINK_OK;
}

enum bulk_res {
	BR_OK,	 /* committed */
	BR_ROWS, /* a row was refused: rolled back, try row by row */
	BR_FAIL, /* anything else: rolled back, give it back */
};

/* Grow the bulk arrays to BULK_ROWS rows of n columns, once. */
static int bulk_arrays(struct my_ctx *x)
{
	size_t cells = (size_t)x->cols->ncols * BULK_ROWS;

	if (x->ptr)
		return 0;
	x->ptr = calloc(cells, sizeof(*x->ptr));
	x->ind = calloc(cells, sizeof(*x->ind));
	free(x->len);
	x->len = calloc(cells, sizeof(*x->len));
	if (!x->ptr || !x->ind || !x->len) {
		/* x->len may be NULL now: write_rows() needs it too. */
		free(x->ptr);
		free(x->ind);
		free(x->len);
		x->ptr = NULL;
		x->ind = NULL;
		x->len = calloc(x->cols->ncols, sizeof(*x->len));
		return -ENOMEM;
	}
	return 0;
}

/* Execute the rows gathered in the bulk arrays (@rows of them). */
static int bulk_exec(struct my_ctx *x, unsigned int rows, char *msg,
		     size_t msglen, bool *row_err)
{
	unsigned int n = x->cols->ncols, i, r;

	/* Offsets become pointers now that the arena stopped moving. */
	for (i = 0; i < n; i++) {
		for (r = 0; r < rows; r++) {
			size_t k = (size_t)i * BULK_ROWS + r;

			if (x->ind[k] == STMT_INDICATOR_NONE)
				x->ptr[k] = x->arena + (uintptr_t)x->ptr[k];
		}
	}
	memset(x->bind, 0, n * sizeof(*x->bind));
	for (i = 0; i < n; i++) {
		MYSQL_BIND *bd = &x->bind[i];

		bd->buffer_type = x->cls[i] == MYQ_BIN || x->cls[i] == MYQ_BIN16
					  ? MYSQL_TYPE_BLOB
					  : MYSQL_TYPE_STRING;
		bd->buffer = &x->ptr[(size_t)i * BULK_ROWS];
		bd->length = &x->len[(size_t)i * BULK_ROWS];
		bd->u.indicator = &x->ind[(size_t)i * BULK_ROWS];
	}
	if (mysql_stmt_attr_set(x->st, STMT_ATTR_ARRAY_SIZE, &rows) ||
	    mysql_stmt_bind_param(x->st, x->bind) ||
	    mysql_stmt_execute(x->st)) {
		unsigned int err = mysql_stmt_errno(x->st);

		snprintf(msg, msglen, "%s", mysql_stmt_error(x->st));
		*row_err = err < 2000 &&
			   myq_row_error(err, mysql_stmt_sqlstate(x->st));
		return -EIO;
	}
	return 0;
}

/* The whole batch with array binding, BULK_ROWS rows an execution. */
static enum bulk_res write_bulk(struct my_ctx *x, const struct nfp_batch *b,
				char *msg, size_t msglen)
{
	unsigned int n = x->cols->ncols, rows = 0, i;
	struct nfp_batch_iter it;
	struct nfp_sval v;
	bool row_err = false;

	if (bulk_arrays(x)) {
		snprintf(msg, msglen, "out of memory");
		return BR_FAIL;
	}
	x->alen = 0;
	nfp_batch_iter_init(&it, b);
	while (nfp_batch_next_row(&it)) {
		for (i = 0; i < n && nfp_batch_next_val(&it, &v); i++) {
			size_t k = (size_t)i * BULK_ROWS + rows, off = 0;
			int r = put_value(x, i, &v, &off, &x->len[k]);

			if (r < 0) {
				snprintf(msg, msglen, "out of memory");
				mysql_rollback(x->m);
				return BR_FAIL;
			}
			x->ind[k] =
				r ? STMT_INDICATOR_NONE : STMT_INDICATOR_NULL;
			x->ptr[k] = (char *)(uintptr_t)off;
		}
		for (; i < n; i++)
			x->ind[(size_t)i * BULK_ROWS + rows] =
				STMT_INDICATOR_NULL;
		if (++rows == BULK_ROWS || x->alen >= BULK_BYTES) {
			if (bulk_exec(x, rows, msg, msglen, &row_err))
				goto fail;
			rows = 0;
			x->alen = 0;
		}
	}
	if (rows && bulk_exec(x, rows, msg, msglen, &row_err))
		goto fail;
	if (mark_batch(x, b)) {
		snprintf(msg, msglen, "state table: %s",
			 mysql_stmt_error(x->mark));
		goto fail;
	}
	if (commit_batch(x, b)) {
		snprintf(msg, msglen, "COMMIT: %s", mysql_error(x->m));
		mysql_rollback(x->m);
		return BR_FAIL;
	}
	return BR_OK;
fail:
	mysql_rollback(x->m);
	return row_err ? BR_ROWS : BR_FAIL;
}

static enum nfp_sink_res my_write(struct nfp_sink *s, void *ctx,
				  const struct nfp_batch *b)
{
	struct my_ctx *x = ctx;
	char msg[512] = "";
	enum bulk_res r;
	int landed;

	landed = doubt_landed(x, b);
	if (landed < 0)
		return give_back(x, "state table", mysql_error(x->m));
	if (landed)
		return NFP_SINK_OK;
	x->marked = false;
	if (!x->bulk)
		return write_rows(s, x, b);
	r = write_bulk(x, b, msg, sizeof(msg));
	if (r == BR_OK)
		return NFP_SINK_OK;
	if (r == BR_ROWS) {
		scrub(msg, &x->cc);
		nfp_dbg(x->li,
			"batch %" PRIu64 " refused (%s): writing it row by row",
			nfp_batch_seq(b), msg);
		return write_rows(s, x, b);
	}
	return give_back(x, "bulk INSERT", msg);
}

static const struct nfp_sink_ops my_ops = {
	.connect = my_connect,
	.write_batch = my_write,
	.disconnect = my_disconnect,
	.release = my_release,
};

/* ---- the main thread side ------------------------------------------------ */

static struct my_ctx *ctx_new(struct nfp_inst *inst, struct my_priv *p)
{
	struct my_ctx *x = calloc(1, sizeof(*x));
	unsigned int i, n = p->cols->ncols;

	if (!x)
		return NULL;
	lib_get();
	x->lib_ref = true;
	if (conn_from(&x->cc, p))
		goto fail;
	x->where = describe(&x->cc);
	x->mode = p->mode;
	if (p->state_table && *p->state_table) {
		char host[64] = "?";

		gethostname(host, sizeof(host) - 1);
		x->state_table = strdup(p->state_table);
		if (!x->state_table || asprintf(&x->sink_key, "%.100s/%.80s",
						host, inst->name) < 0) {
			x->sink_key = NULL;
			goto fail;
		}
	}
	x->proc_name = p->proc_name ? strdup(p->proc_name) : NULL;
	x->cols = sqlc_set_new();
	x->cls = calloc(n, sizeof(*x->cls));
	x->bind = calloc(n, sizeof(*x->bind));
	x->len = calloc(n, sizeof(*x->len));
	x->isnull = calloc(n, sizeof(*x->isnull));
	x->off = calloc(n, sizeof(*x->off));
	if (!x->where || (p->proc_name && !x->proc_name) || !x->cols ||
	    !x->cls || !x->bind || !x->len || !x->isnull || !x->off ||
	    split_target(p->table, &x->tdb, &x->table))
		goto fail;
	for (i = 0; i < n; i++)
		if (sqlc_add(x->cols, p->cols->cols[i].name))
			goto fail;
	x->row_sql =
		myq_row_sql(x->mode, x->proc_name, x->tdb, x->table, x->cols);
	if (!x->row_sql)
		goto fail;
	return x;
fail:
	my_release(x);
	return NULL;
}

static int my_start(struct nfp_inst *inst)
{
	struct my_priv *p = inst->priv;
	struct my_ctx *x;
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
	return nfp_sink_start(inst, &p->sink, &my_ops, x, p->cols->ncols,
			      p->cols->fingerprint, &p->s);
}

static enum nfp_ret my_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	struct my_priv *p = inst->priv;

	return nfp_sink_put_keys(p->s, rec, p->cols->ncols) ? NFP_ERROR
							    : NFP_OK;
}

static int my_flush(struct nfp_inst *inst)
{
	struct my_priv *p = inst->priv;

	return nfp_sink_flush(p->s);
}

static void my_stop(struct nfp_inst *inst)
{
	struct my_priv *p = inst->priv;

	nfp_sink_stop(p->s);
	p->s = NULL;
}

/* What configure() made: also when the instance never started. */
static void my_release_conf(struct nfp_inst *inst)
{
	struct my_priv *p = inst->priv;

	sqlc_set_free(p->cols);
	p->cols = NULL;
	if (p->lib_ref)
		lib_put();
	p->lib_ref = false;
}

NFP_PLUGIN(output, mysql) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_OUTPUT,
	.name = "MYSQL",
	.summary =
		"rows into a MariaDB/MySQL table: bulk INSERT per batch, queued, spooled",
	.options = my_options,
	.counters = my_counters,
	.priv_size = sizeof(struct my_priv),
	.configure = my_configure,
	.start = my_start,
	.process = my_process,
	.flush = my_flush,
	.stop = my_stop,
	.release = my_release_conf,
};
