/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/sqlite3 - rows into an SQLite table, one transaction per batch
 *
 * Consumes the keys its target table (or view) names: at configure time it
 * reads the table's columns (PRAGMA table_info, on the database opened
 * read-only, or on the schema script run in memory when the file does not
 * exist yet) and declares one input key per column, `_` read as `.` as
 * ulogd2 does; columns whose name starts with `_` are left to the database
 * (`_id INTEGER PRIMARY KEY`). Produces nothing.
 *
 * Threading: process() copies each row into a batch of the queued-sink
 * core (include/nfpipe/sink.h); a worker thread writes each batch with one
 * prepared INSERT in one BEGIN IMMEDIATE ... COMMIT, in WAL mode. A row the
 * database refuses (CHECK, NOT NULL, UNIQUE, type) is logged and skipped
 * and the rest of its batch lands; SQLITE_BUSY past busy_timeout, a full
 * disk or an I/O error counts as "down": the batch is retried, new batches
 * go to the disk spool meanwhile and are replayed in order. Values are
 * always bound, never pasted into SQL.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf, strndup */
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include <nfpipe/plugin.h>
#include <nfpipe/sink.h>

#ifndef NFP_SQLDIR
#define NFP_SQLDIR "/usr/share/nfpipe/sql"
#endif

/* How a column wants addresses, raw bytes and times (from its type). */
enum s3_store {
	S3_INT,	 /* INTEGER, NUMERIC or no type: numbers */
	S3_TEXT, /* CHAR, CLOB, TEXT: readable strings */
	S3_BLOB, /* declared BLOB: bytes */
	S3_REAL, /* REAL, FLOA, DOUB */
};

struct s3_col {
	char *name;	     /* column name as the table has it */
	char *key;	     /* the key it stores */
	char *help;	     /* "column NAME" for --help-plugin style output */
	enum s3_store store; /* from the declared type */
};

/* What configure() found; freed by release(). */
struct s3_cfg {
	struct s3_col *cols;  /* the columns filled, in table order */
	unsigned int ncols;   /* entries in cols */
	struct nfp_key *keys; /* in-key table: one per column, then { 0 } */
	uint32_t fingerprint; /* of names and storage: spool compatibility */
};

enum s3_sync { S3_SYNC_OFF, S3_SYNC_NORMAL, S3_SYNC_FULL };

struct s3_priv {
	char *db;		   /* option db */
	char *table;		   /* option table */
	char *schema;		   /* option schema */
	uint64_t busy_timeout;	   /* option busy_timeout, ms */
	bool null_columns;	   /* option null_columns */
	uint64_t buffer;	   /* option buffer (ulogd2's batch) */
	int synchronous;	   /* option synchronous, enum s3_sync */
	struct nfp_sink_conf sink; /* batch, queue and spool options */
	struct s3_cfg *cfg;	   /* from configure() */
	struct nfp_sink *s;	   /* running sink, or NULL */
};

/* The worker's side: owned by the sink once started (s3_release frees). */
struct s3_ctx {
	char *db;		 /* database file */
	char *schema;		 /* script for a new database */
	char *schema_name;	 /* "main" or the part before '.' */
	char *table_name;	 /* table without schema */
	char *insert;		 /* the INSERT statement */
	struct s3_col *cols;	 /* copy of the columns */
	unsigned int ncols;	 /* entries in cols */
	int busy_timeout;	 /* ms */
	int synchronous;	 /* enum s3_sync */
	sqlite3 *h;		 /* connection, or NULL */
	sqlite3_stmt *ins;	 /* prepared INSERT */
	sqlite3_stmt *begin;	 /* BEGIN IMMEDIATE */
	sqlite3_stmt *commit;	 /* COMMIT */
	sqlite3_stmt *rollback;	 /* ROLLBACK */
	char *scratch;		 /* text conversions of BLOB values */
	size_t scratch_len;	 /* bytes allocated */
	struct nfp_ratelimit rl; /* worker complaints */
};

static const char *const s3_counters[] = { NFP_SINK_COUNTER_NAMES, NULL };
static const char *const s3_sync_names[] = { "off", "normal", "full", NULL };

static const struct nfp_option s3_options[] = {
	{ .name = "db",
	  .type = NFP_OPT_PATH,
	  .flags = NFP_OPT_REQUIRED,
	  .off = offsetof(struct s3_priv, db),
	  .help = "Database file; created from `schema` when missing." },
	{ .name = "table",
	  .type = NFP_OPT_STRING,
	  .flags = NFP_OPT_REQUIRED,
	  .off = offsetof(struct s3_priv, table),
	  .help = "Table or view (\"schema.table\" allowed) whose columns name the keys stored." },
	{ .name = "schema",
	  .type = NFP_OPT_PATH,
	  .def = NFP_SQLDIR "/sqlite3.sql",
	  .off = offsetof(struct s3_priv, schema),
	  .help = "SQL script that creates a missing database." },
	{ .name = "busy_timeout",
	  .type = NFP_OPT_DURATION,
	  .def = "1s",
	  .unit = "ms",
	  .max = 600000,
	  .off = offsetof(struct s3_priv, busy_timeout),
	  .help = "How long a write waits for another connection's lock." },
	{ .name = "null_columns",
	  .type = NFP_OPT_BOOL,
	  .def = "0",
	  .off = offsetof(struct s3_priv, null_columns),
	  .help = "Store NULL in columns no key in the stack fills, instead of refusing the config (columns of l7., geoip., blacklist. and scan. keys are always optional)." },
	{ .name = "synchronous",
	  .type = NFP_OPT_ENUM,
	  .def = "normal",
	  .enums = s3_sync_names,
	  .off = offsetof(struct s3_priv, synchronous),
	  .help = "PRAGMA synchronous: off, normal (WAL: safe against crashes) or full (also power loss)." },
	{ .name = "buffer",
	  .type = NFP_OPT_UINT,
	  .def = "0",
	  .max = 1000000,
	  .off = offsetof(struct s3_priv, buffer),
	  .help = "ulogd2's name for batch; when set it is used as batch." },
	NFP_SINK_OPTIONS(struct s3_priv, sink),
	{ 0 }
};

static void cfg_free(struct s3_cfg *c)
{
	unsigned int i;

	if (!c)
		return;
	for (i = 0; i < c->ncols; i++) {
		free(c->cols[i].name);
		free(c->cols[i].key);
		free(c->cols[i].help);
	}
	free(c->cols);
	free(c->keys);
	free(c);
}

/* SQLite's affinity rules (datatype3 section 3.1), plus declared BLOB. */
static enum s3_store store_of(const char *type)
{
	char up[128];
	size_t i;

	if (!type)
		type = "";
	for (i = 0; i + 1 < sizeof(up) && type[i]; i++)
		up[i] = (char)((type[i] >= 'a' && type[i] <= 'z') ? type[i] - 32
								  : type[i]);
	up[i] = '\0';
	if (strstr(up, "INT"))
		return S3_INT;
	if (strstr(up, "CHAR") || strstr(up, "CLOB") || strstr(up, "TEXT"))
		return S3_TEXT;
	if (strstr(up, "BLOB"))
		return S3_BLOB;
	if (strstr(up, "REAL") || strstr(up, "FLOA") || strstr(up, "DOUB"))
		return S3_REAL;
	return S3_INT;
}

/*
 * ulogd2's rule: every '_' is a '.', so ip_saddr_str is ip.saddr.str. A
 * column name that already holds a '.' ("oob.ifindex_in", quoted in the
 * schema) is taken as the key name itself, for keys with a '_' of their own.
 */
static char *key_of(const char *col)
{
	char *k = strdup(col), *p;

	if (!k)
		return NULL;
	for (p = k; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	if (strchr(k, '.'))
		return k;
	for (p = k; *p; p++)
		if (*p == '_')
			*p = '.';
	return k;
}

static uint32_t fnv1a(uint32_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--) {
		h ^= *b++;
		h *= 16777619u;
	}
	return h;
}

/* Split "schema.table"; either out may be set to NULL on failure. */
static int split_table(const char *t, char **schema, char **table)
{
	const char *dot = strchr(t, '.');

	*schema = dot ? strndup(t, (size_t)(dot - t)) : strdup("main");
	*table = strdup(dot ? dot + 1 : t);
	return *schema && *table ? 0 : -ENOMEM;
}

static char *read_file(const char *path)
{
	char *buf = NULL;
	long n;
	FILE *f = fopen(path, "re");

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else if (buf) {
			buf[n] = '\0';
		}
	}
	fclose(f);
	return buf;
}

/* Run the schema script on @h; the message goes to *@err (sqlite3_free). */
static int run_schema(sqlite3 *h, const char *path, char **err)
{
	char *sql = read_file(path);
	int rc;

	if (!sql) {
		*err = sqlite3_mprintf("cannot read schema %s: %s", path,
				       strerror(errno));
		return -errno;
	}
	rc = sqlite3_exec(h, sql, NULL, NULL, err);
	free(sql);
	return rc == SQLITE_OK ? 0 : -EINVAL;
}

/* Columns of @schema.@table on @h, as (name, type) rows. */
static sqlite3_stmt *columns_stmt(sqlite3 *h, const char *schema,
				  const char *table)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(
		    h, "SELECT name, type FROM pragma_table_info(?1, ?2)", -1,
		    &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, schema, -1, SQLITE_STATIC);
	return st;
}

static int discover(struct nfp_inst *inst, struct s3_priv *p, struct s3_cfg *c)
{
	char *schema = NULL, *table = NULL, *err = NULL;
	sqlite3_stmt *st = NULL;
	sqlite3 *h = NULL;
	struct stat sb;
	unsigned int cap = 0;
	int rc, ret = -EINVAL;

	if (split_table(p->table, &schema, &table))
		goto out;
	if (stat(p->db, &sb) == 0) {
		rc = sqlite3_open_v2(p->db, &h, SQLITE_OPEN_READONLY, NULL);
		if (rc != SQLITE_OK) {
			nfp_inst_error(
				inst, "db", NULL, "cannot open %s: %s", p->db,
				h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
			goto out;
		}
		sqlite3_busy_timeout(h, (int)p->busy_timeout);
	} else {
		/* A new database: read the columns the schema will make. */
		if (sqlite3_open_v2(":memory:", &h, SQLITE_OPEN_READWRITE,
				    NULL) != SQLITE_OK) {
			nfp_err(inst, "sqlite3: out of memory");
			goto out;
		}
		if (run_schema(h, p->schema, &err)) {
			nfp_inst_error(
				inst, "schema",
				"point schema= at a readable SQL script, "
				"or create the database first",
				"%s does not exist and the schema to "
				"create it fails: %s",
				p->db, err ? err : "?");
			goto out;
		}
	}
	st = columns_stmt(h, schema, table);
	if (!st) {
		nfp_err(inst, "cannot read the columns of %s in %s: %s",
			p->table, p->db, sqlite3_errmsg(h));
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *type = (const char *)sqlite3_column_text(st, 1);
		struct s3_col *col;

		if (!name || name[0] == '_')
			continue; /* the database fills it */
		if (c->ncols == cap) {
			void *n;

			cap = cap ? cap * 2 : 32;
			n = realloc(c->cols, cap * sizeof(*c->cols));
			if (!n) {
				ret = -ENOMEM;
				goto out;
			}
			c->cols = n;
		}
		col = &c->cols[c->ncols];
		memset(col, 0, sizeof(*col));
		c->ncols++;
		col->name = strdup(name);
		col->key = key_of(name);
		if (!col->name || !col->key ||
		    asprintf(&col->help, "column %s", name) < 0) {
			col->help = NULL;
			ret = -ENOMEM;
			goto out;
		}
		col->store = store_of(type);
	}
	if (rc != SQLITE_DONE) {
		nfp_err(inst, "cannot read the columns of %s in %s: %s",
			p->table, p->db, sqlite3_errmsg(h));
		goto out;
	}
	if (!c->ncols) {
		nfp_inst_error(
			inst, "table",
			"create it (etc/sql/sqlite3.sql) or name another",
			"%s has no table or view \"%s\" with columns "
			"to fill",
			p->db, p->table);
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	sqlite3_close(h);
	sqlite3_free(err);
	free(schema);
	free(table);
	return ret;
}

static int s3_configure(struct nfp_inst *inst)
{
	struct s3_priv *p = inst->priv;
	struct s3_cfg *c;
	unsigned int i;
	uint32_t fp = 2166136261u;
	int ret;

	if (p->buffer)
		p->sink.batch = p->buffer;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	p->cfg = c;
	ret = discover(inst, p, c);
	if (ret)
		return ret;
	c->keys = calloc(c->ncols + 1, sizeof(*c->keys));
	if (!c->keys)
		return -ENOMEM;
	for (i = 0; i < c->ncols; i++) {
		c->keys[i].name = c->cols[i].key;
		c->keys[i].type = NFP_T_NONE; /* whatever the producer has */
		/* An interpreter's label (l7_proto...) may be absent. */
		c->keys[i].flags =
			p->null_columns || nfp_key_enrichment(c->cols[i].key)
				? NFP_KEYF_OPTIONAL
				: 0;
		c->keys[i].help = c->cols[i].help;
		fp = fnv1a(fp, c->cols[i].name, strlen(c->cols[i].name) + 1);
		fp = fnv1a(fp, &c->cols[i].store, sizeof(c->cols[i].store));
	}
	c->fingerprint = fp;
	nfp_dbg(inst, "%s in %s: %u columns to fill", p->table, p->db,
		c->ncols);
	return nfp_inst_set_keys(inst, c->keys, NULL);
}

/* ---- the worker side ---------------------------------------------------- */

static void ctx_close(struct s3_ctx *x)
{
	sqlite3_finalize(x->ins);
	sqlite3_finalize(x->begin);
	sqlite3_finalize(x->commit);
	sqlite3_finalize(x->rollback);
	x->ins = x->begin = x->commit = x->rollback = NULL;
	sqlite3_close(x->h);
	x->h = NULL;
}

static void s3_release(void *ctx)
{
	struct s3_ctx *x = ctx;
	unsigned int i;

	if (!x)
		return;
	ctx_close(x);
	for (i = 0; i < x->ncols; i++) {
		free(x->cols[i].name);
		free(x->cols[i].key);
		free(x->cols[i].help);
	}
	free(x->cols);
	free(x->db);
	free(x->schema);
	free(x->schema_name);
	free(x->table_name);
	free(x->insert);
	free(x->scratch);
	free(x);
}

/* The table must still have the columns found at start-up. */
static bool columns_match(struct s3_ctx *x)
{
	sqlite3_stmt *st = columns_stmt(x->h, x->schema_name, x->table_name);
	unsigned int i = 0;
	bool same = st != NULL;

	while (same && sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *type = (const char *)sqlite3_column_text(st, 1);

		if (!name || name[0] == '_')
			continue;
		if (i >= x->ncols || strcmp(name, x->cols[i].name) ||
		    store_of(type) != x->cols[i].store)
			same = false;
		i++;
	}
	sqlite3_finalize(st);
	return same && i == x->ncols;
}

static int prep(struct s3_ctx *x, const char *sql, sqlite3_stmt **st)
{
	return sqlite3_prepare_v3(x->h, sql, -1, SQLITE_PREPARE_PERSISTENT, st,
				  NULL) == SQLITE_OK
		       ? 0
		       : -EIO;
}

/*
 * The database and its WAL files belong to the -u user, whoever made them
 * (the worker may connect before the drop): a restart as USER opens them.
 */
static void own_db(const char *db)
{
	char side[4096];

	nfp_own_path(NULL, db);
	snprintf(side, sizeof(side), "%s-wal", db);
	nfp_own_path(NULL, side);
	snprintf(side, sizeof(side), "%s-shm", db);
	nfp_own_path(NULL, side);
}

/*
 * Held by a worker from its database's creation check to the switch to
 * WAL: the switch takes an exclusive lock, and SQLite answers BUSY at once
 * (no busy_timeout) where waiting could deadlock, as when two workers of
 * this process open one new file together.
 */
static pthread_mutex_t connect_lock = PTHREAD_MUTEX_INITIALIZER;

/* Tables, views, indexes and triggers in @h's main database, or -1. */
static int count_objects(sqlite3 *h)
{
	sqlite3_stmt *st = NULL;
	int n = -1;

	if (sqlite3_prepare_v2(h, "SELECT count(*) FROM sqlite_master", -1, &st,
			       NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

/*
 * Create the database from the schema script unless it has tables, as one
 * writer: two instances (threads here, or two daemons) meeting on one new
 * file would otherwise both see it empty, or one would see it half made
 * and take a table still missing for a changed layout. The caller holds
 * connect_lock, which orders this process's workers; BEGIN EXCLUSIVE
 * (which waits busy_timeout) orders processes. A script that opens transactions
 * of its own cannot run inside ours: it is rolled back and run alone. Returns 1
 * when it created the tables, 0 when they were there, -1 on an SQLite error and
 * -2 when the schema failed, with *@err set (sqlite3_free) for both.
 */
static int create_once(sqlite3 *h, const char *schema, char **err)
{
	int rc, n = count_objects(h);

	if (n != 0) {
		if (n < 0)
			*err = sqlite3_mprintf("%s", sqlite3_errmsg(h));
		return n > 0 ? 0 : -1;
	}
	if (sqlite3_exec(h, "BEGIN EXCLUSIVE", NULL, NULL, err) != SQLITE_OK)
		return -1;
	n = count_objects(h);
	if (n != 0) {
		rc = n > 0 ? 0 : -1;
		if (n < 0)
			*err = sqlite3_mprintf("%s", sqlite3_errmsg(h));
	} else if (!run_schema(h, schema, err)) {
		rc = 1;
	} else if (!sqlite3_get_autocommit(h)) {
		/* Perhaps a BEGIN of its own: once more, alone. */
		sqlite3_free(*err);
		*err = NULL;
		sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
		rc = run_schema(h, schema, err) ? -2 : 1;
	} else {
		rc = -2;
	}
	if (!sqlite3_get_autocommit(h) &&
	    sqlite3_exec(h, rc >= 0 ? "COMMIT" : "ROLLBACK", NULL, NULL,
			 rc >= 0 ? err : NULL) != SQLITE_OK &&
	    rc >= 0)
		rc = -1;
	return rc;
}

static int s3_connect(struct nfp_sink *s, void *ctx)
{
	static const char *const sync_sql[] = {
		"PRAGMA synchronous=OFF",
		"PRAGMA synchronous=NORMAL",
		"PRAGMA synchronous=FULL",
	};
	const struct nfp_inst *li = nfp_sink_log_inst(s);
	struct s3_ctx *x = ctx;
	char *err = NULL;
	int rc, n = -1;

	rc = sqlite3_open_v2(x->db, &x->h,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				     SQLITE_OPEN_NOMUTEX,
			     NULL);
	if (rc != SQLITE_OK)
		goto fail;
	sqlite3_busy_timeout(x->h, x->busy_timeout);
	pthread_mutex_lock(&connect_lock);
	n = create_once(x->h, x->schema, &err);
	if (n == 1)
		nfp_log(li, NFP_LOG_INFO, "created %s from %s", x->db,
			x->schema);
	if (n < 0) {
		pthread_mutex_unlock(&connect_lock);
		nfp_log_rl(&x->rl, li, NFP_LOG_ERROR, "cannot %s %s: %s",
			   n == -2 ? "create" : "open", x->db, err ? err : "?");
		sqlite3_free(err);
		ctx_close(x);
		return n == -2 ? -EINVAL : -EIO;
	}
	rc = sqlite3_exec(x->h, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
	pthread_mutex_unlock(&connect_lock);
	if (rc != SQLITE_OK || sqlite3_exec(x->h, sync_sql[x->synchronous],
					    NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	own_db(x->db);
	if (!columns_match(x)) {
		nfp_log_rl(
			&x->rl, li, NFP_LOG_ERROR,
			"the columns of %s.%s in %s changed since start-up: restart nfpiped",
			x->schema_name, x->table_name, x->db);
		ctx_close(x);
		return -ESTALE;
	}
	if (prep(x, x->insert, &x->ins) ||
	    prep(x, "BEGIN IMMEDIATE", &x->begin) ||
	    prep(x, "COMMIT", &x->commit) || prep(x, "ROLLBACK", &x->rollback))
		goto fail;
	return 0;
fail:
	nfp_log_rl(&x->rl, li, NFP_LOG_ERROR, "%s: %s", x->db,
		   x->h ? sqlite3_errmsg(x->h) : sqlite3_errstr(rc));
	ctx_close(x);
	return -EIO;
}

static void s3_disconnect(struct nfp_sink *s, void *ctx)
{
	ctx_close(ctx);
}

static char *scratch(struct s3_ctx *x, size_t n)
{
	if (x->scratch_len < n) {
		char *p = realloc(x->scratch, n);

		if (!p)
			return NULL;
		x->scratch = p;
		x->scratch_len = n;
	}
	return x->scratch;
}

static int bind_val(struct s3_ctx *x, int i, const struct nfp_sval *v,
		    enum s3_store store)
{
	static const char hex[] = "0123456789abcdef";
	char buf[64];
	sqlite3_stmt *st = x->ins;

	switch (v->kind) {
	case NFP_SV_BOOL:
	case NFP_SV_INT:
		return sqlite3_bind_int64(st, i, v->i);
	case NFP_SV_U64:
		/* Past INT64_MAX an integer turns negative: text keeps it. */
		if (v->u <= INT64_MAX)
			return sqlite3_bind_int64(st, i, (sqlite3_int64)v->u);
		snprintf(buf, sizeof(buf), "%" PRIu64, v->u);
		return sqlite3_bind_text(st, i, buf, -1, SQLITE_TRANSIENT);
	case NFP_SV_TEXT:
		return sqlite3_bind_text(st, i, v->bytes.ptr, (int)v->bytes.len,
					 SQLITE_STATIC);
	case NFP_SV_BLOB:
		if (store == S3_TEXT) {
			const uint8_t *b = v->bytes.ptr;
			char *t = scratch(x, (size_t)v->bytes.len * 3 + 1);
			uint32_t k;

			if (!t)
				return SQLITE_NOMEM;
			for (k = 0; k < v->bytes.len; k++) {
				t[3 * k] = hex[b[k] >> 4];
				t[3 * k + 1] = hex[b[k] & 15];
				t[3 * k + 2] = ':';
			}
			t[v->bytes.len ? 3 * v->bytes.len - 1 : 0] = '\0';
			return sqlite3_bind_text(st, i, t, -1,
						 SQLITE_TRANSIENT);
		}
		if (!v->bytes.len)
			return sqlite3_bind_zeroblob(st, i, 0);
		return sqlite3_bind_blob(st, i, v->bytes.ptr, (int)v->bytes.len,
					 SQLITE_STATIC);
	case NFP_SV_IN4:
		if (store == S3_TEXT)
			return sqlite3_bind_text(
				st, i,
				inet_ntop(AF_INET, &v->in4, buf, sizeof(buf)),
				-1, SQLITE_TRANSIENT);
		if (store == S3_BLOB)
			return sqlite3_bind_blob(st, i, &v->in4, 4,
						 SQLITE_TRANSIENT);
		/* As a number (10.0.0.1 is 167772161): ranges work. */
		return sqlite3_bind_int64(st, i, (sqlite3_int64)ntohl(v->in4));
	case NFP_SV_IN6:
		if (store == S3_TEXT)
			return sqlite3_bind_text(
				st, i,
				inet_ntop(AF_INET6, v->in6, buf, sizeof(buf)),
				-1, SQLITE_TRANSIENT);
		return sqlite3_bind_blob(st, i, v->in6, 16, SQLITE_TRANSIENT);
	case NFP_SV_TIME:
		if (store == S3_INT)
			return sqlite3_bind_int64(st, i, v->time.sec);
		if (store == S3_TEXT) {
			time_t t = (time_t)v->time.sec;
			struct tm tm;
			size_t n;

			if (!gmtime_r(&t, &tm))
				return sqlite3_bind_null(st, i);
			n = strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S",
				     &tm);
			snprintf(buf + n, sizeof(buf) - n, ".%06u",
				 v->time.nsec / 1000);
			return sqlite3_bind_text(st, i, buf, -1,
						 SQLITE_TRANSIENT);
		}
		return sqlite3_bind_double(
			st, i, (double)v->time.sec + v->time.nsec / 1e9);
	default:
		return sqlite3_bind_null(st, i);
	}
}

/* A refusal of this row only: the statement, not the transaction, failed. */
static bool row_error(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT:
	case SQLITE_MISMATCH:
	case SQLITE_TOOBIG:
	case SQLITE_RANGE:
		return true;
	}
	return false;
}

/*
 * Give the batch back: a lock held by another connection is BUSY (same
 * connection, later); anything else (disk full, I/O error, the table gone)
 * makes the sink reconnect, which checks the table again.
 */
static enum nfp_sink_res s3_abort(struct nfp_sink *s, struct s3_ctx *x,
				  const char *what, int rc)
{
	bool busy = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;

	if (!busy)
		nfp_log_rl(&x->rl, nfp_sink_log_inst(s), NFP_LOG_ERROR,
			   "%s: %s", what, sqlite3_errmsg(x->h));
	sqlite3_reset(x->ins);
	if (sqlite3_get_autocommit(x->h) == 0) {
		sqlite3_step(x->rollback);
		sqlite3_reset(x->rollback);
	}
	return busy ? NFP_SINK_BUSY : NFP_SINK_RETRY;
}

static enum nfp_sink_res s3_write(struct nfp_sink *s, void *ctx,
				  const struct nfp_batch *b)
{
	struct s3_ctx *x = ctx;
	struct nfp_batch_iter it;
	struct nfp_sval v;
	int rc;

	rc = sqlite3_step(x->begin);
	sqlite3_reset(x->begin);
	if (rc != SQLITE_DONE)
		return s3_abort(s, x, "BEGIN", rc);
	nfp_batch_iter_init(&it, b);
	while (nfp_batch_next_row(&it)) {
		unsigned int i = 0;

		rc = SQLITE_OK;
		while (nfp_batch_next_val(&it, &v) && i < x->ncols) {
			rc = bind_val(x, (int)i + 1, &v, x->cols[i].store);
			if (rc != SQLITE_OK)
				break;
			i++;
		}
		if (rc == SQLITE_OK)
			rc = sqlite3_step(x->ins);
		if (rc == SQLITE_DONE) {
			sqlite3_reset(x->ins);
			continue;
		}
		if (row_error(rc)) {
			nfp_sink_reject(s, it.row, sqlite3_errmsg(x->h));
			sqlite3_reset(x->ins);
			continue;
		}
		return s3_abort(s, x, "INSERT", rc);
	}
	rc = sqlite3_step(x->commit);
	sqlite3_reset(x->commit);
	if (rc != SQLITE_DONE)
		return s3_abort(s, x, "COMMIT", rc);
	return NFP_SINK_OK;
}

static const struct nfp_sink_ops s3_ops = {
	.connect = s3_connect,
	.write_batch = s3_write,
	.disconnect = s3_disconnect,
	.release = s3_release,
};

/* ---- the main thread side ----------------------------------------------- */

/* "name" with '"' doubled, appended to @buf at *@o; false when it is full. */
static bool put_ident(char *buf, size_t len, size_t *o, const char *name)
{
	const char *p;

	if (*o + 2 >= len)
		return false;
	buf[(*o)++] = '"';
	for (p = name; *p; p++) {
		if (*o + 3 >= len)
			return false;
		if (*p == '"')
			buf[(*o)++] = '"';
		buf[(*o)++] = *p;
	}
	buf[(*o)++] = '"';
	buf[*o] = '\0';
	return true;
}

static char *build_insert(const struct s3_ctx *x)
{
	size_t len = 64 + strlen(x->schema_name) * 2 +
		     strlen(x->table_name) * 2,
	       o = 0;
	unsigned int i;
	char *buf;
	bool fit;

	for (i = 0; i < x->ncols; i++)
		len += strlen(x->cols[i].name) * 2 + 8;
	buf = malloc(len);
	if (!buf)
		return NULL;
	o = (size_t)snprintf(buf, len, "INSERT INTO ");
	fit = put_ident(buf, len, &o, x->schema_name);
	buf[o++] = '.';
	fit = fit && put_ident(buf, len, &o, x->table_name);
	buf[o++] = ' ';
	buf[o++] = '(';
	for (i = 0; fit && i < x->ncols; i++) {
		if (i)
			buf[o++] = ',';
		fit = put_ident(buf, len, &o, x->cols[i].name);
	}
	o += (size_t)snprintf(buf + o, len - o, ") VALUES (");
	for (i = 0; fit && i < x->ncols; i++)
		o += (size_t)snprintf(buf + o, len - o, i ? ",?" : "?");
	snprintf(buf + o, len - o, ")");
	if (!fit) {
		free(buf);
		return NULL;
	}
	return buf;
}

static struct s3_ctx *ctx_new(const struct s3_priv *p)
{
	struct s3_ctx *x = calloc(1, sizeof(*x));
	unsigned int i;

	if (!x)
		return NULL;
	x->db = strdup(p->db);
	x->schema = strdup(p->schema ? p->schema : "");
	x->busy_timeout = (int)p->busy_timeout;
	x->synchronous = p->synchronous;
	x->cols = calloc(p->cfg->ncols, sizeof(*x->cols));
	if (!x->db || !x->schema || !x->cols ||
	    split_table(p->table, &x->schema_name, &x->table_name))
		goto fail;
	x->ncols = p->cfg->ncols;
	for (i = 0; i < x->ncols; i++) {
		x->cols[i].name = strdup(p->cfg->cols[i].name);
		x->cols[i].store = p->cfg->cols[i].store;
		if (!x->cols[i].name)
			goto fail;
	}
	x->insert = build_insert(x);
	if (!x->insert)
		goto fail;
	return x;
fail:
	s3_release(x);
	return NULL;
}

/* Say which (optional) columns no plugin of the stack fills: NULL rows. */
static void log_null_columns(struct nfp_inst *inst, const struct s3_cfg *c)
{
	char *list = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&list, &len);
	unsigned int i, n = 0;

	if (!f)
		return;
	for (i = 0; i < c->ncols; i++)
		if (!nfp_inst_in_bound(inst, i))
			fprintf(f, "%s%s", n++ ? ", " : "", c->cols[i].name);
	if (fclose(f) == 0 && n)
		nfp_info(
			inst,
			"%u column%s NULL, no plugin in the stack fills %s: %s",
			n, n == 1 ? " stays" : "s stay", n == 1 ? "it" : "them",
			list);
	free(list);
}

static int s3_start(struct nfp_inst *inst)
{
	struct s3_priv *p = inst->priv;
	struct s3_ctx *x;

	if (!p->cfg || !p->cfg->ncols)
		return -EINVAL;
	log_null_columns(inst, p->cfg);
	x = ctx_new(p);
	if (!x)
		return -ENOMEM;
	own_db(p->db); /* left by an earlier run as root */
	return nfp_sink_start(inst, &p->sink, &s3_ops, x, p->cfg->ncols,
			      p->cfg->fingerprint, &p->s);
}

static enum nfp_ret s3_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	struct s3_priv *p = inst->priv;

	return nfp_sink_put_keys(p->s, rec, p->cfg->ncols) ? NFP_ERROR : NFP_OK;
}

static int s3_flush(struct nfp_inst *inst)
{
	struct s3_priv *p = inst->priv;

	return nfp_sink_flush(p->s);
}

static void s3_stop(struct nfp_inst *inst)
{
	struct s3_priv *p = inst->priv;

	nfp_sink_stop(p->s);
	p->s = NULL;
}

/* What configure() made: also when the instance never started. */
static void s3_release_conf(struct nfp_inst *inst)
{
	struct s3_priv *p = inst->priv;

	cfg_free(p->cfg);
	p->cfg = NULL;
}

NFP_PLUGIN(output, sqlite3) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_OUTPUT,
	.name = "SQLITE3",
	.summary = "rows into an SQLite table: batched, queued, spooled",
	.options = s3_options,
	.counters = s3_counters,
	.priv_size = sizeof(struct s3_priv),
	.configure = s3_configure,
	.start = s3_start,
	.process = s3_process,
	.flush = s3_flush,
	.stop = s3_stop,
	.release = s3_release_conf,
};
