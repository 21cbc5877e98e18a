/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reports/db - read-only access to SQLite, PostgreSQL and MySQL for reports
 *
 * The interface is in db.h. Each backend keeps its own statement state in
 * struct rdb_stmt; PostgreSQL and MySQL results are fetched whole (reports
 * GROUP BY in the database, so results are small) and stepped through.
 * Read-only is asked of each database itself: SQLITE_OPEN_READONLY,
 * default_transaction_read_only on PostgreSQL, START TRANSACTION READ ONLY
 * on MySQL. The progress callback runs from SQLite's progress handler, or
 * from a helper thread that wakes once a second while a server works.
 */
#include "nfp.h"

#include <ctype.h>
#include <inttypes.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#ifdef NFP_HAVE_SQLITE3
#include <sqlite3.h>
#endif
#ifdef NFP_HAVE_PGSQL
#include <libpq-fe.h>
#endif
#ifdef NFP_HAVE_MYSQL
#include <mysql.h>
#endif

#include "db.h"

#define RDB_MAX_PARAMS 16

struct rdb {
	enum rdb_kind kind; /* which union member is live */
#ifdef NFP_HAVE_SQLITE3
	sqlite3 *lite; /* RDB_SQLITE */
#endif
#ifdef NFP_HAVE_PGSQL
	PGconn *pg; /* RDB_PGSQL */
#endif
#ifdef NFP_HAVE_MYSQL
	MYSQL *my; /* RDB_MYSQL */
#endif
	void (*progress)(double secs, void *arg); /* or NULL */
	void *progress_arg;			  /* for progress */
	struct timespec started;		  /* when the statement began */
	double last_report; /* seconds, last progress call */
};

struct rdb_stmt {
	struct rdb *db;			/* not owned */
	char err[256];			/* last error */
	int nparams;			/* '?' in the statement */
	char *param[RDB_MAX_PARAMS];	/* bound values, as text */
	int64_t iparam[RDB_MAX_PARAMS]; /* bound integers */
	bool is_int[RDB_MAX_PARAMS];	/* which of the two */
	bool ran;			/* executed already */
	int ncols;			/* result columns */
	char *sql;			/* owned: the statement */
#ifdef NFP_HAVE_SQLITE3
	sqlite3_stmt *ls; /* RDB_SQLITE */
#endif
#ifdef NFP_HAVE_PGSQL
	PGresult *res;	      /* RDB_PGSQL: whole result */
	unsigned char *bytea; /* decoded bytea cell */
#endif
#ifdef NFP_HAVE_MYSQL
	MYSQL_STMT *ms;	      /* RDB_MYSQL */
	MYSQL_BIND *rbind;    /* one per result column */
	char **rbuf;	      /* their buffers */
	unsigned long *rlen;  /* their lengths */
	my_bool *rnull;	      /* their NULL flags */
	enum rdb_type *rtype; /* column types */
#endif
	int row;   /* current row, -1 before */
	int nrows; /* rows fetched (servers) */
};

/* unused when built without the servers (the fuzzer) */
__attribute__((unused)) static double elapsed(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

void rdb_set_progress(struct rdb *db, void (*cb)(double secs, void *arg),
		      void *arg)
{
	db->progress = cb;
	db->progress_arg = arg;
}

enum rdb_kind rdb_kind(const struct rdb *db)
{
	return db->kind;
}

void rdb_mask_uri(const char *uri, char *buf, size_t len)
{
	const char *scheme = strstr(uri, "://");
	const char *at, *colon, *pw;

	snprintf(buf, len, "%s", uri);
	if (!scheme)
		return;
	at = strchr(scheme + 3, '@');
	colon = memchr(scheme + 3, ':', at ? (size_t)(at - scheme - 3) : 0);
	if (at && colon) {
		snprintf(buf, len, "%.*s:***%s", (int)(colon - uri), uri, at);
		return;
	}
	/* libpq's ?password=... */
	pw = strstr(uri, "password=");
	if (pw) {
		const char *end = pw + strcspn(pw, "&");

		snprintf(buf, len, "%.*spassword=***%s", (int)(pw - uri), uri,
			 end);
	}
}

/* The first line of a library's message, without trailing blanks. */
/* unused when built without the servers (the fuzzer) */
__attribute__((unused)) static void first_line(char *dst, size_t len,
					       const char *msg)
{
	size_t n;

	snprintf(dst, len, "%s", msg ? msg : "unknown error");
	dst[strcspn(dst, "\n")] = '\0';
	n = strlen(dst);
	while (n && isspace((unsigned char)dst[n - 1]))
		dst[--n] = '\0';
}

/* ---- helper thread for the servers' progress --------------------------- */

struct progress_thread {
	struct rdb *db;	    /* whose callback */
	pthread_t tid;	    /* the thread */
	pthread_mutex_t mu; /* guards done */
	pthread_cond_t cv;  /* signalled when done */
	bool done;	    /* the statement finished */
	bool running;	    /* the thread was started */
};

/* unused when built without the servers (the fuzzer) */
__attribute__((unused)) static void *progress_main(void *arg)
{
	struct progress_thread *pt = arg;
	struct timespec until;

	pthread_mutex_lock(&pt->mu);
	while (!pt->done) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&pt->cv, &pt->mu, &until);
		if (!pt->done && elapsed(&pt->db->started) >= 1.0)
			pt->db->progress(elapsed(&pt->db->started),
					 pt->db->progress_arg);
	}
	pthread_mutex_unlock(&pt->mu);
	return NULL;
}

/* unused when built without the servers (the fuzzer) */
__attribute__((unused)) static void progress_begin(struct rdb *db,
						   struct progress_thread *pt)
{
	memset(pt, 0, sizeof(*pt));
	pt->db = db;
	clock_gettime(CLOCK_MONOTONIC, &db->started);
	if (!db->progress)
		return;
	pthread_mutex_init(&pt->mu, NULL);
	pthread_cond_init(&pt->cv, NULL);
	pt->running = !pthread_create(&pt->tid, NULL, progress_main, pt);
	if (!pt->running) {
		pthread_mutex_destroy(&pt->mu);
		pthread_cond_destroy(&pt->cv);
	}
}

/* unused when built without the servers (the fuzzer) */
__attribute__((unused)) static void progress_end(struct progress_thread *pt)
{
	if (!pt->running)
		return;
	pthread_mutex_lock(&pt->mu);
	pt->done = true;
	pthread_cond_signal(&pt->cv);
	pthread_mutex_unlock(&pt->mu);
	pthread_join(pt->tid, NULL);
	pthread_mutex_destroy(&pt->mu);
	pthread_cond_destroy(&pt->cv);
}

/* ---- SQLite ------------------------------------------------------------- */

#ifdef NFP_HAVE_SQLITE3
static int lite_progress(void *arg)
{
	struct rdb *db = arg;
	double s = elapsed(&db->started);

	if (db->progress && s >= 1.0 && s - db->last_report >= 1.0) {
		db->last_report = s;
		db->progress(s, db->progress_arg);
	}
	return 0;
}

static int lite_open(struct rdb *db, const char *path, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (!*path) {
		snprintf(err, errlen, "no file name in the URI");
		return RDB_BAD_URI;
	}
	rc = sqlite3_open_v2(path, &db->lite, SQLITE_OPEN_READONLY, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s",
			 access(path, F_OK) ? "no such file"
					    : sqlite3_errstr(rc));
		return RDB_UNREACHABLE;
	}
	sqlite3_busy_timeout(db->lite, 5000);
	/* A file that is not a database fails here, not at open. */
	rc = sqlite3_prepare_v2(db->lite, "SELECT count(*) FROM sqlite_master",
				-1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db->lite));
		return RDB_UNREACHABLE;
	}
	sqlite3_progress_handler(db->lite, 20000, lite_progress, db);
	return 0;
}
#endif

/* ---- PostgreSQL ---------------------------------------------------------- */

#ifdef NFP_HAVE_PGSQL
static int pg_open(struct rdb *db, const char *uri, char *err, size_t errlen)
{
	const char *keys[] = { "dbname", "connect_timeout", "application_name",
			       NULL };
	const char *vals[] = { uri, "5", "nfpipe-report", NULL };
	PGresult *r;

	db->pg = PQconnectdbParams(keys, vals, 1);
	if (!db->pg || PQstatus(db->pg) != CONNECTION_OK) {
		first_line(err, errlen,
			   db->pg ? PQerrorMessage(db->pg) : "out of memory");
		/* libpq rejects a malformed URI before any connection. */
		return strstr(err, "invalid") || strstr(err, "URI")
			       ? RDB_BAD_URI
			       : RDB_UNREACHABLE;
	}
	r = PQexec(db->pg, "SET default_transaction_read_only = on");
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		first_line(err, errlen, PQerrorMessage(db->pg));
		PQclear(r);
		return RDB_UNREACHABLE;
	}
	PQclear(r);
	return 0;
}
#endif

/* ---- MySQL --------------------------------------------------------------- */

#ifdef NFP_HAVE_MYSQL
/* Percent-decode @s[0..n) into a new string. */
static char *pct_decode(const char *s, size_t n)
{
	char *out = malloc(n + 1), *o = out;
	size_t i;

	if (!out)
		return NULL;
	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n &&
		    isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])) {
			char hex[3] = { s[i + 1], s[i + 2], 0 };

			*o++ = (char)strtol(hex, NULL, 16);
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

static int my_open(struct rdb *db, const char *uri, char *err, size_t errlen)
{
	const char *p = uri + strlen("mysql://"), *at, *slash, *q;
	char *user = NULL, *pass = NULL, *host = NULL, *name = NULL;
	char *sock = NULL;
	unsigned int port = 0, timeout = 5;
	int ret = RDB_BAD_URI;

	slash = strchr(p, '/');
	if (!slash || !slash[1]) {
		snprintf(err, errlen,
			 "no database name in the URI "
			 "(mysql://user@host/db)");
		return RDB_BAD_URI;
	}
	at = memchr(p, '@', slash - p);
	if (at) {
		const char *c = memchr(p, ':', at - p);

		user = pct_decode(p, (c ? c : at) - p);
		if (c)
			pass = pct_decode(c + 1, at - c - 1);
		p = at + 1;
	}
	if (slash > p) {
		const char *c = memchr(p, ':', slash - p);

		host = pct_decode(p, (c ? c : slash) - p);
		if (c) {
			char *end;
			unsigned long v = strtoul(c + 1, &end, 10);

			if (end != slash || v == 0 || v > 65535) {
				snprintf(err, errlen, "bad port in the URI");
				goto out;
			}
			port = v;
		}
	}
	q = strchr(slash + 1, '?');
	name = pct_decode(slash + 1,
			  (q ? q : slash + 1 + strlen(slash + 1)) - slash - 1);
	if (q && !strncmp(q + 1, "socket=", 7))
		sock = pct_decode(q + 8, strlen(q + 8));
	else if (q) {
		snprintf(err, errlen, "unknown URI parameter \"%s\"", q + 1);
		goto out;
	}
	db->my = mysql_init(NULL);
	if (!db->my) {
		snprintf(err, errlen, "out of memory");
		ret = RDB_UNREACHABLE;
		goto out;
	}
	/* [client] of my.cnf and ~/.my.cnf: the password lives there. */
	mysql_options(db->my, MYSQL_READ_DEFAULT_GROUP, "client");
	mysql_options(db->my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	if (!mysql_real_connect(db->my, host && *host ? host : NULL,
				user && *user ? user : NULL, pass, name, port,
				sock, 0)) {
		first_line(err, errlen, mysql_error(db->my));
		ret = RDB_UNREACHABLE;
		goto out;
	}
	if (mysql_query(db->my, "START TRANSACTION READ ONLY")) {
		first_line(err, errlen, mysql_error(db->my));
		ret = RDB_UNREACHABLE;
		goto out;
	}
	ret = 0;
out:
	free(user);
	free(pass);
	free(host);
	free(name);
	free(sock);
	return ret;
}
#endif

/* ---- open and close --------------------------------------------------------
 */

int rdb_open(const char *uri, struct rdb **out, char *err, size_t errlen)
{
	struct rdb *db = calloc(1, sizeof(*db));
	int ret = RDB_BAD_URI;

	*out = NULL;
	if (!db) {
		snprintf(err, errlen, "out of memory");
		return RDB_UNREACHABLE;
	}
	if (!strncmp(uri, "sqlite://", 9) || !strncmp(uri, "sqlite:", 7)) {
		db->kind = RDB_SQLITE;
#ifdef NFP_HAVE_SQLITE3
		ret = lite_open(db,
				uri + (strncmp(uri, "sqlite://", 9) ? 7 : 9),
				err, errlen);
#else
		snprintf(err, errlen, "built without SQLite");
#endif
	} else if (!strncmp(uri, "postgresql://", 13) ||
		   !strncmp(uri, "postgres://", 11)) {
		db->kind = RDB_PGSQL;
#ifdef NFP_HAVE_PGSQL
		ret = pg_open(db, uri, err, errlen);
#else
		snprintf(err, errlen, "built without PostgreSQL (libpq)");
#endif
	} else if (!strncmp(uri, "mysql://", 8) ||
		   !strncmp(uri, "mariadb://", 10)) {
		db->kind = RDB_MYSQL;
#ifdef NFP_HAVE_MYSQL
		ret = my_open(db, uri + (uri[1] == 'a' ? 2 : 0), err, errlen);
#else
		snprintf(err, errlen, "built without MySQL (libmariadb)");
#endif
	} else {
		snprintf(err, errlen,
			 "not a database URI (sqlite:///path, "
			 "postgresql://..., mysql://...)");
	}
	if (ret) {
		rdb_close(db);
		return ret;
	}
	*out = db;
	return 0;
}

void rdb_close(struct rdb *db)
{
	if (!db)
		return;
#ifdef NFP_HAVE_SQLITE3
	if (db->lite)
		sqlite3_close(db->lite);
#endif
#ifdef NFP_HAVE_PGSQL
	if (db->pg)
		PQfinish(db->pg);
#endif
#ifdef NFP_HAVE_MYSQL
	if (db->my)
		mysql_close(db->my);
#endif
	free(db);
}

/* ---- statements -----------------------------------------------------------
 */

/* @sql with '?' outside quotes turned into $1, $2... (PostgreSQL). */
static char *dollar_params(const char *sql, int *n)
{
	char *out = malloc(strlen(sql) * 4 + 1), *o = out;
	char quote = 0;

	*n = 0;
	if (!out)
		return NULL;
	for (; *sql; sql++) {
		if (quote) {
			if (*sql == quote)
				quote = 0;
		} else if (*sql == '\'' || *sql == '"') {
			quote = *sql;
		} else if (*sql == '?') {
			o += sprintf(o, "$%d", ++*n);
			continue;
		}
		*o++ = *sql;
	}
	*o = '\0';
	return out;
}

struct rdb_stmt *rdb_prepare(struct rdb *db, const char *sql, char *err,
			     size_t errlen)
{
	struct rdb_stmt *st = calloc(1, sizeof(*st));

	if (!st) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	st->db = db;
	st->row = -1;
	switch (db->kind) {
	case RDB_SQLITE:
#ifdef NFP_HAVE_SQLITE3
		if (sqlite3_prepare_v2(db->lite, sql, -1, &st->ls, NULL) !=
		    SQLITE_OK) {
			snprintf(err, errlen, "%s", sqlite3_errmsg(db->lite));
			goto fail;
		}
		st->nparams = sqlite3_bind_parameter_count(st->ls);
		st->ncols = sqlite3_column_count(st->ls);
#endif
		break;
	case RDB_PGSQL:
		st->sql = dollar_params(sql, &st->nparams);
		if (!st->sql) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		break;
	case RDB_MYSQL:
#ifdef NFP_HAVE_MYSQL
		st->ms = mysql_stmt_init(db->my);
		if (!st->ms || mysql_stmt_prepare(st->ms, sql, strlen(sql))) {
			first_line(err, errlen,
				   st->ms ? mysql_stmt_error(st->ms)
					  : mysql_error(db->my));
			goto fail;
		}
		st->nparams = mysql_stmt_param_count(st->ms);
#endif
		break;
	}
	if (st->nparams > RDB_MAX_PARAMS) {
		snprintf(err, errlen, "too many parameters");
		goto fail;
	}
	return st;
fail:
	rdb_finalize(st);
	return NULL;
}

int rdb_bind_int(struct rdb_stmt *st, int idx, int64_t v)
{
	if (idx < 1 || idx > st->nparams)
		return -EINVAL;
	st->iparam[idx - 1] = v;
	st->is_int[idx - 1] = true;
	free(st->param[idx - 1]);
	st->param[idx - 1] = malloc(24);
	if (!st->param[idx - 1])
		return -ENOMEM;
	snprintf(st->param[idx - 1], 24, "%" PRId64, v);
#ifdef NFP_HAVE_SQLITE3
	if (st->db->kind == RDB_SQLITE)
		sqlite3_bind_int64(st->ls, idx, v);
#endif
	return 0;
}

int rdb_bind_text(struct rdb_stmt *st, int idx, const char *s)
{
	if (idx < 1 || idx > st->nparams)
		return -EINVAL;
	st->is_int[idx - 1] = false;
	free(st->param[idx - 1]);
	st->param[idx - 1] = strdup(s);
	if (!st->param[idx - 1])
		return -ENOMEM;
#ifdef NFP_HAVE_SQLITE3
	if (st->db->kind == RDB_SQLITE)
		sqlite3_bind_text(st->ls, idx, s, -1, SQLITE_TRANSIENT);
#endif
	return 0;
}

#ifdef NFP_HAVE_PGSQL
static int pg_run(struct rdb_stmt *st)
{
	const char *vals[RDB_MAX_PARAMS];
	struct progress_thread pt;
	int i;

	for (i = 0; i < st->nparams; i++)
		vals[i] = st->param[i];
	progress_begin(st->db, &pt);
	st->res = PQexecParams(st->db->pg, st->sql, st->nparams, NULL, vals,
			       NULL, NULL, 0);
	progress_end(&pt);
	if (PQresultStatus(st->res) != PGRES_TUPLES_OK) {
		first_line(st->err, sizeof(st->err),
			   PQresultErrorMessage(st->res));
		return -1;
	}
	st->nrows = PQntuples(st->res);
	st->ncols = PQnfields(st->res);
	return 0;
}
#endif

#ifdef NFP_HAVE_MYSQL
static enum rdb_type my_type(const MYSQL_FIELD *f)
{
	switch (f->type) {
	case MYSQL_TYPE_TINY:
	case MYSQL_TYPE_SHORT:
	case MYSQL_TYPE_LONG:
	case MYSQL_TYPE_INT24:
	case MYSQL_TYPE_LONGLONG:
	case MYSQL_TYPE_YEAR:
	case MYSQL_TYPE_DECIMAL:
	case MYSQL_TYPE_NEWDECIMAL:
		return RDB_INT; /* a fraction turns it into REAL later */
	case MYSQL_TYPE_FLOAT:
	case MYSQL_TYPE_DOUBLE:
		return RDB_REAL;
	default:
		return f->charsetnr == 63 ? RDB_BLOB : RDB_TEXT;
	}
}

static int my_run(struct rdb_stmt *st)
{
	MYSQL_BIND pb[RDB_MAX_PARAMS];
	unsigned long plen[RDB_MAX_PARAMS];
	struct progress_thread pt;
	MYSQL_RES *meta = NULL;
	MYSQL_FIELD *f;
	my_bool one = 1;
	int i, rc;

	memset(pb, 0, sizeof(pb));
	for (i = 0; i < st->nparams; i++) {
		if (st->is_int[i]) {
			pb[i].buffer_type = MYSQL_TYPE_LONGLONG;
			pb[i].buffer = &st->iparam[i];
		} else {
			plen[i] = st->param[i] ? strlen(st->param[i]) : 0;
			pb[i].buffer_type = MYSQL_TYPE_STRING;
			pb[i].buffer = st->param[i];
			pb[i].buffer_length = plen[i];
			pb[i].length = &plen[i];
		}
	}
	if (st->nparams && mysql_stmt_bind_param(st->ms, pb))
		goto err;
	mysql_stmt_attr_set(st->ms, STMT_ATTR_UPDATE_MAX_LENGTH, &one);
	progress_begin(st->db, &pt);
	rc = mysql_stmt_execute(st->ms);
	if (!rc)
		rc = mysql_stmt_store_result(st->ms);
	progress_end(&pt);
	if (rc)
		goto err;
	meta = mysql_stmt_result_metadata(st->ms);
	if (!meta)
		goto err;
	st->ncols = mysql_num_fields(meta);
	f = mysql_fetch_fields(meta);
	st->rbind = calloc(st->ncols, sizeof(*st->rbind));
	st->rbuf = calloc(st->ncols, sizeof(*st->rbuf));
	st->rlen = calloc(st->ncols, sizeof(*st->rlen));
	st->rnull = calloc(st->ncols, sizeof(*st->rnull));
	st->rtype = calloc(st->ncols, sizeof(*st->rtype));
	if (!st->rbind || !st->rbuf || !st->rlen || !st->rnull || !st->rtype)
		goto nomem;
	for (i = 0; i < st->ncols; i++) {
		size_t n = f[i].max_length + 1;

		if (n < 64)
			n = 64;
		st->rbuf[i] = calloc(1, n);
		if (!st->rbuf[i])
			goto nomem;
		st->rtype[i] = my_type(&f[i]);
		st->rbind[i].buffer_type = st->rtype[i] == RDB_BLOB
						   ? MYSQL_TYPE_BLOB
						   : MYSQL_TYPE_STRING;
		st->rbind[i].buffer = st->rbuf[i];
		st->rbind[i].buffer_length = n - 1;
		st->rbind[i].length = &st->rlen[i];
		st->rbind[i].is_null = &st->rnull[i];
	}
	mysql_free_result(meta);
	if (mysql_stmt_bind_result(st->ms, st->rbind))
		goto err;
	return 0;
nomem:
	mysql_free_result(meta);
	snprintf(st->err, sizeof(st->err), "out of memory");
	return -1;
err:
	mysql_free_result(meta);
	first_line(st->err, sizeof(st->err), mysql_stmt_error(st->ms));
	return -1;
}
#endif

int rdb_step(struct rdb_stmt *st)
{
	switch (st->db->kind) {
	case RDB_SQLITE:
#ifdef NFP_HAVE_SQLITE3
	{
		int rc;

		if (!st->ran) {
			st->ran = true;
			clock_gettime(CLOCK_MONOTONIC, &st->db->started);
			st->db->last_report = 0;
		}
		rc = sqlite3_step(st->ls);
		if (rc == SQLITE_ROW)
			return 1;
		if (rc == SQLITE_DONE)
			return 0;
		snprintf(st->err, sizeof(st->err), "%s",
			 sqlite3_errmsg(st->db->lite));
		return -1;
	}
#endif
	break;
	case RDB_PGSQL:
#ifdef NFP_HAVE_PGSQL
		if (!st->ran) {
			st->ran = true;
			if (pg_run(st) < 0)
				return -1;
		}
		free(st->bytea);
		st->bytea = NULL;
		return ++st->row < st->nrows;
#endif
		break;
	case RDB_MYSQL:
#ifdef NFP_HAVE_MYSQL
	{
		int rc;

		if (!st->ran) {
			st->ran = true;
			if (my_run(st) < 0)
				return -1;
		}
		rc = mysql_stmt_fetch(st->ms);
		if (rc == 0 || rc == MYSQL_DATA_TRUNCATED) {
			int i;

			/* text ends at its length, cut to the buffer */
			for (i = 0; i < st->ncols; i++) {
				unsigned long n = st->rlen[i];

				if (n > st->rbind[i].buffer_length)
					n = st->rbind[i].buffer_length;
				if (!st->rnull[i])
					st->rbuf[i][n] = '\0';
			}
			return 1;
		}
		if (rc == MYSQL_NO_DATA)
			return 0;
		first_line(st->err, sizeof(st->err), mysql_stmt_error(st->ms));
		return -1;
	}
#endif
	break;
	}
	snprintf(st->err, sizeof(st->err), "backend not built");
	return -1;
}

int rdb_ncols(struct rdb_stmt *st)
{
	return st->ncols;
}

/* Is @s a whole integer ("-12"), so a decimal's sum reads as an integer? */
/* unused when built without the servers (the fuzzer) */
__attribute__((unused)) static bool is_integer_text(const char *s)
{
	if (*s == '-')
		s++;
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

enum rdb_type rdb_col_type(struct rdb_stmt *st, int col)
{
	switch (st->db->kind) {
	case RDB_SQLITE:
#ifdef NFP_HAVE_SQLITE3
		switch (sqlite3_column_type(st->ls, col)) {
		case SQLITE_INTEGER:
			return RDB_INT;
		case SQLITE_FLOAT:
			return RDB_REAL;
		case SQLITE_TEXT:
			return RDB_TEXT;
		case SQLITE_BLOB:
			return RDB_BLOB;
		default:
			return RDB_NULL;
		}
#endif
		break;
	case RDB_PGSQL:
#ifdef NFP_HAVE_PGSQL
		if (PQgetisnull(st->res, st->row, col))
			return RDB_NULL;
		switch (PQftype(st->res, col)) {
		case 16: /* bool */
		case 20: /* int8 */
		case 21: /* int2 */
		case 23: /* int4 */
		case 26: /* oid */
			return RDB_INT;
		case 1700: /* numeric: sum() of integers */
			return is_integer_text(
				       PQgetvalue(st->res, st->row, col))
				       ? RDB_INT
				       : RDB_REAL;
		case 700:
		case 701:
			return RDB_REAL;
		case 17:
			return RDB_BLOB;
		default:
			return RDB_TEXT;
		}
#endif
		break;
	case RDB_MYSQL:
#ifdef NFP_HAVE_MYSQL
		if (st->rnull[col])
			return RDB_NULL;
		if (st->rtype[col] == RDB_INT &&
		    !is_integer_text(st->rbuf[col]))
			return RDB_REAL;
		return st->rtype[col];
#endif
		break;
	}
	return RDB_NULL;
}

int64_t rdb_col_int(struct rdb_stmt *st, int col)
{
	switch (st->db->kind) {
	case RDB_SQLITE:
#ifdef NFP_HAVE_SQLITE3
		return sqlite3_column_int64(st->ls, col);
#endif
		break;
	case RDB_PGSQL:
#ifdef NFP_HAVE_PGSQL
	{
		const char *v = PQgetvalue(st->res, st->row, col);

		if (PQftype(st->res, col) == 16)
			return *v == 't';
		return strtoll(v, NULL, 10);
	}
#endif
	break;
	case RDB_MYSQL:
#ifdef NFP_HAVE_MYSQL
		return strtoll(st->rbuf[col], NULL, 10);
#endif
		break;
	}
	return 0;
}

double rdb_col_real(struct rdb_stmt *st, int col)
{
	switch (st->db->kind) {
	case RDB_SQLITE:
#ifdef NFP_HAVE_SQLITE3
		return sqlite3_column_double(st->ls, col);
#endif
		break;
	case RDB_PGSQL:
#ifdef NFP_HAVE_PGSQL
		return strtod(PQgetvalue(st->res, st->row, col), NULL);
#endif
		break;
	case RDB_MYSQL:
#ifdef NFP_HAVE_MYSQL
		return strtod(st->rbuf[col], NULL);
#endif
		break;
	}
	return 0;
}

const char *rdb_col_text(struct rdb_stmt *st, int col, size_t *len)
{
	switch (st->db->kind) {
	case RDB_SQLITE:
#ifdef NFP_HAVE_SQLITE3
	{
		const void *p = sqlite3_column_type(st->ls, col) == SQLITE_BLOB
					? sqlite3_column_blob(st->ls, col)
					: sqlite3_column_text(st->ls, col);

		*len = sqlite3_column_bytes(st->ls, col);
		return p ? p : "";
	}
#endif
	break;
	case RDB_PGSQL:
#ifdef NFP_HAVE_PGSQL
		if (PQftype(st->res, col) == 17) {
			size_t n = 0;

			free(st->bytea);
			st->bytea = PQunescapeBytea(
				(const unsigned char *)PQgetvalue(st->res,
								  st->row, col),
				&n);
			*len = n;
			return st->bytea ? (const char *)st->bytea : "";
		}
		*len = PQgetlength(st->res, st->row, col);
		return PQgetvalue(st->res, st->row, col);
#endif
		break;
	case RDB_MYSQL:
#ifdef NFP_HAVE_MYSQL
		*len = st->rlen[col] < st->rbind[col].buffer_length
			       ? st->rlen[col]
			       : st->rbind[col].buffer_length;
		return st->rbuf[col];
#endif
		break;
	}
	*len = 0;
	return "";
}

const char *rdb_stmt_error(struct rdb_stmt *st)
{
	return st->err;
}

void rdb_finalize(struct rdb_stmt *st)
{
	int i;

	if (!st)
		return;
#ifdef NFP_HAVE_SQLITE3
	if (st->ls)
		sqlite3_finalize(st->ls);
#endif
#ifdef NFP_HAVE_PGSQL
	PQclear(st->res);
	PQfreemem(st->bytea);
#endif
#ifdef NFP_HAVE_MYSQL
	if (st->ms)
		mysql_stmt_close(st->ms);
	for (i = 0; st->rbuf && i < st->ncols; i++)
		free(st->rbuf[i]);
	free(st->rbind);
	free(st->rbuf);
	free(st->rlen);
	free(st->rnull);
	free(st->rtype);
#endif
	for (i = 0; i < st->nparams && i < RDB_MAX_PARAMS; i++)
		free(st->param[i]);
	free(st->sql);
	free(st);
}

/* ---- columns ---------------------------------------------------------------
 */

int rdb_columns(struct rdb *db, const char *table, char **cols, int max,
		char *err, size_t errlen)
{
	const char *sql;
	struct rdb_stmt *st;
	int n = 0, rc;

	switch (db->kind) {
	case RDB_SQLITE:
		sql = "SELECT name FROM pragma_table_info(?)";
		break;
	case RDB_PGSQL:
		sql = "SELECT column_name::text FROM information_schema.columns"
		      " WHERE table_name = ? AND table_schema ="
		      " ANY (current_schemas(false)) ORDER BY ordinal_position";
		break;
	default:
		sql = "SELECT column_name FROM information_schema.columns"
		      " WHERE table_schema = DATABASE() AND table_name = ?"
		      " ORDER BY ordinal_position";
		break;
	}
	st = rdb_prepare(db, sql, err, errlen);
	if (!st)
		return -1;
	rdb_bind_text(st, 1, table);
	while ((rc = rdb_step(st)) == 1) {
		size_t len;
		const char *name = rdb_col_text(st, 0, &len);

		if (n < max) {
			cols[n] = strndup(name, len);
			if (cols[n])
				n++;
		}
	}
	if (rc < 0) {
		snprintf(err, errlen, "%s", rdb_stmt_error(st));
		n = -1;
	}
	rdb_finalize(st);
	return n;
}
