/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reports/db - the stored data, read only, whatever database holds it
 *
 * One small interface over SQLite, PostgreSQL (libpq) and MySQL/MariaDB
 * (libmariadb), enough for reports: open a URI read-only, list a table's
 * columns, prepare a statement with '?' placeholders, bind integers and
 * strings, step through rows, read typed columns. Values are never pasted
 * into SQL: callers bind them.
 *
 * URIs: sqlite:///abs/path (or sqlite:relative/path), postgresql://... and
 * postgres://... (libpq's own URI syntax, passed to libpq whole, so
 * PGPASSWORD and ~/.pgpass work), mysql://user:pass@host:port/db (user,
 * password and host optional; ~/.my.cnf's [client] group is read).
 *
 * Errors are returned as text in a caller's buffer, never printed; a
 * password in a URI is masked (rdb_mask_uri) before a URI goes into a
 * message. Not thread-safe: one connection, one thread.
 */
#ifndef NFP_REPORT_DB_H
#define NFP_REPORT_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum rdb_kind {
	RDB_SQLITE, /* sqlite:/// */
	RDB_PGSQL,  /* postgresql:// */
	RDB_MYSQL,  /* mysql:// */
};

enum rdb_type {
	RDB_NULL, /* SQL NULL */
	RDB_INT,  /* integer (also a decimal without fraction) */
	RDB_REAL, /* floating point */
	RDB_TEXT, /* text, inet */
	RDB_BLOB, /* bytes (addresses stored as 4 or 16 bytes) */
};

/* Why rdb_open failed: the caller turns it into an exit code. */
enum rdb_fail {
	RDB_BAD_URI = 1,     /* the URI itself is wrong (exit 1) */
	RDB_UNREACHABLE = 2, /* no such file, server down, corrupt (2) */
};

struct rdb;
struct rdb_stmt;

/*
 * Open @uri read-only into *@out. Returns 0, or a positive enum rdb_fail
 * with the reason in @err. The caller closes the result with rdb_close().
 */
int rdb_open(const char *uri, struct rdb **out, char *err, size_t errlen);
void rdb_close(struct rdb *db);
enum rdb_kind rdb_kind(const struct rdb *db);

/* @uri with any password replaced by "***", into @buf. */
void rdb_mask_uri(const char *uri, char *buf, size_t len);

/*
 * The columns of table or view @table into @cols (each malloc'ed, at most
 * @max; the caller frees them). Returns how many: 0 when there is no such
 * table, -1 on error (@err says why).
 */
int rdb_columns(struct rdb *db, const char *table, char **cols, int max,
		char *err, size_t errlen);

/*
 * Called about once a second while a statement runs longer than a second,
 * with the seconds elapsed; NULL for none.
 */
void rdb_set_progress(struct rdb *db, void (*cb)(double secs, void *arg),
		      void *arg);

/* A statement: '?' placeholders, numbered from 1 for binding. */
struct rdb_stmt *rdb_prepare(struct rdb *db, const char *sql, char *err,
			     size_t errlen);
int rdb_bind_int(struct rdb_stmt *st, int idx, int64_t v);
int rdb_bind_text(struct rdb_stmt *st, int idx, const char *s);
/* 1: a row is there; 0: no more rows; -1: error (rdb_stmt_error). */
int rdb_step(struct rdb_stmt *st);
int rdb_ncols(struct rdb_stmt *st);
enum rdb_type rdb_col_type(struct rdb_stmt *st, int col);
int64_t rdb_col_int(struct rdb_stmt *st, int col);
double rdb_col_real(struct rdb_stmt *st, int col);
/* The column's bytes (text NUL-terminated), valid until the next step. */
const char *rdb_col_text(struct rdb_stmt *st, int col, size_t *len);
const char *rdb_stmt_error(struct rdb_stmt *st);
void rdb_finalize(struct rdb_stmt *st);

#endif /* NFP_REPORT_DB_H */
