/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/sqlcols - column lists and value text shared by PGSQL and MYSQL
 *
 * Both SQL server outputs fill the columns of a table (or view) whose names
 * name the keys they store, `_` read as `.` as ulogd2 does. This is the
 * part of that which needs no server: the column list and where it came
 * from (the server, the `columns` option, the cache of the last discovery
 * kept beside the spool, or the CREATE TABLE of a schema file), the input
 * key table built from it and its fingerprint for the spool, ulogd2's
 * `procedure` forms, and the value formatters both drivers use. Pure code:
 * no I/O except the cache and schema files, no logging; callers report.
 *
 * Compiled into both output_pgsql.so and output_mysql.so (each gets its own
 * copy; nothing here is exported).
 */
#ifndef NFP_SQLCOLS_H
#define NFP_SQLCOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nfpipe/key.h>

/* One column that the output fills. */
struct sqlc_col {
	char *name; /* column name as the table has it */
	char *key;  /* its key: the name, '_' read as '.' */
	char *help; /* "column NAME", for --help-plugin */
};

/* The columns an instance fills, and the key table made from them. */
struct sqlc_set {
	struct sqlc_col *cols; /* in table order */
	unsigned int ncols;    /* entries used in cols */
	unsigned int cap;      /* entries allocated */
	struct nfp_key *keys;  /* a key a column, { 0 }: sqlc_finish */
	uint32_t fingerprint;  /* of the names: the spool's row layout */
};

/*
 * A new empty set. Sets stay on a static list until sqlc_set_free(), so
 * that what configure() allocated stays reachable when the engine stops
 * without calling stop() (nfpiped --check); NULL when out of memory.
 */
struct sqlc_set *sqlc_set_new(void);
void sqlc_set_free(struct sqlc_set *s);
/* Drop every column (a second source is tried). */
void sqlc_set_clear(struct sqlc_set *s);

/*
 * The key a column stores: lower case, every '_' read as '.', so
 * ip_saddr_str is ip.saddr.str. A name that already holds a '.' (a quoted
 * "oob.ifindex_in") is taken as the key itself. NULL when out of memory.
 */
char *sqlc_key_of(const char *col);

/*
 * True for columns the database fills itself and the output leaves out:
 * names starting with '_' (ulogd2's `_id`).
 */
bool sqlc_skip(const char *col);

/* Append column @name (not checked for sqlc_skip). 0 or -ENOMEM. */
int sqlc_add(struct sqlc_set *s, const char *name);
/* True when @s has a column named @name (exact). */
bool sqlc_has(const struct sqlc_set *s, const char *name);

/*
 * The `columns` option: names separated by commas and/or white space.
 * 0, or -EINVAL with *@why set (an empty list, a bad name).
 */
int sqlc_parse_list(struct sqlc_set *s, const char *list, const char **why);

/*
 * The columns of CREATE TABLE [IF NOT EXISTS] [schema.]@table ( ... ) in the
 * SQL text @sql (quotes "", `` and [] allowed, -- and C comments skipped),
 * in order, minus table constraints and sqlc_skip() names. 0, -ENOENT when
 * @sql creates no such table, -EINVAL when its column list is unreadable.
 */
int sqlc_parse_schema(struct sqlc_set *s, const char *sql, const char *table);

/*
 * The cache of the last discovery: one column name a line after a header
 * line. Written atomically (a temporary file renamed); 0 or -errno.
 */
int sqlc_cache_write(const struct sqlc_set *s, const char *path);
int sqlc_cache_read(struct sqlc_set *s, const char *path);
/* "<spool_dir>/<inst>.columns", malloc'd; NULL when out of memory. */
char *sqlc_cache_path(const char *spool_dir, const char *inst);
/* True when <spool_dir>/<inst>/ holds spool segments (*.seg, not empty). */
bool sqlc_spool_pending(const char *spool_dir, const char *inst);

/*
 * The columns to fill when the server answered with @server (its table's
 * columns, already without sqlc_skip() names): those, written to the cache
 * @cache (NULL: none), unless batches of an earlier run wait in the spool
 * <@spool_dir>/<@inst>/ with the cached layout and the table still has
 * every column of it: then that layout, so they land (*@pinned set). A
 * cache that cannot be written is not fatal: *@cache_err gets the errno.
 * @out is cleared first. 0 or -ENOMEM.
 */
int sqlc_pick_online(struct sqlc_set *out, const struct sqlc_set *server,
		     const char *cache, const char *spool_dir, const char *inst,
		     bool *pinned, int *cache_err);

/* Where sqlc_pick_offline() found the columns. */
enum sqlc_src {
	SQLC_SRC_CACHE,	 /* the cache of an earlier run */
	SQLC_SRC_SCHEMA, /* CREATE TABLE in the schema file */
};

/*
 * The columns when the server cannot be reached: the cache @cache (NULL:
 * none), else CREATE TABLE @table in the file @schema_file (NULL: none).
 * 0 with *@src set, -ENOENT when neither has them, -ENOMEM.
 */
int sqlc_pick_offline(struct sqlc_set *out, const char *cache,
		      const char *schema_file, const char *table,
		      enum sqlc_src *src);

struct nfp_inst;

/* @name as an SQL identifier quoted with @quote ('"' or '`'); malloc'd. */
char *sqlc_quote_ident(const char *name, char quote);
/* Append @s to the malloc'd *@p; false (and *@p freed) when out of memory. */
bool sqlc_cat(char **p, const char *s);
/* Append @name quoted with @quote; false as sqlc_cat(). */
bool sqlc_cat_ident(char **p, const char *name, char quote);

/*
 * sqlc_pick_online() for instance @inst, saying in its log why it fills an
 * older layout or could not save the cache. 0 or -ENOMEM.
 */
int sqlc_choose_online(struct nfp_inst *inst, struct sqlc_set *out,
		       const struct sqlc_set *server, const char *cache,
		       const char *spool_dir, const char *table);

/*
 * sqlc_pick_offline() for instance @inst, whose server is unreachable for
 * reason @why: logs where the columns came from, or an error saying to set
 * columns= when nothing knows them (-EINVAL). 0, -EINVAL or -ENOMEM.
 */
int sqlc_choose_offline(struct nfp_inst *inst, struct sqlc_set *out,
			const char *cache, const char *schema_file,
			const char *table, const char *why);

/*
 * Build the key table (every key of any type, NFP_T_NONE; optional when
 * @optional, and always for a key of an interpreter's namespace, see
 * nfp_key_enrichment(): l7_proto is NULL in a stack without L7) and the
 * fingerprint. 0 or -ENOMEM.
 */
int sqlc_finish(struct sqlc_set *s, bool optional);

/*
 * From start(): the columns of @s that no plugin in @inst's stacks fills
 * (they stay NULL), as "a, b, c" (malloc'd), with their number in *@n;
 * NULL when there is none (or no memory).
 */
char *sqlc_unbound(const struct nfp_inst *inst, const struct sqlc_set *s,
		   unsigned int *n);

/* ---- ulogd2's `procedure` ------------------------------------------------ */

enum sqlc_mode {
	SQLC_TABLE = 0, /* unset or "INSERT": rows into the table */
	SQLC_INSERT_AS, /* "INSERT INTO x": that text, then (cols) */
	SQLC_CALL,	/* "CALL name": a stored procedure per row */
	SQLC_SELECT,	/* "name": SELECT name(...) per row */
};

/*
 * Which form @procedure has; *@name gets the routine's name (after "CALL "),
 * or the whole text for SQLC_INSERT_AS. -EINVAL with *@why when the name is
 * not an identifier ([A-Za-z_][A-Za-z0-9_$]*, dot-separated parts): the
 * text goes into SQL, so only names are accepted.
 */
int sqlc_proc_mode(const char *procedure, enum sqlc_mode *mode,
		   const char **name, const char **why);
/* True for a plain or schema-qualified SQL identifier, as above. */
bool sqlc_ident_ok(const char *s);

/* ---- value text ---------------------------------------------------------- */

/* Decimal, no NUL; returns the characters written (at most 20 / 21). */
size_t sqlc_utoa(char *buf, uint64_t v);
size_t sqlc_itoa(char *buf, int64_t v);
/*
 * UTC "YYYY-MM-DD HH:MM:SS.uuuuuu" (26 characters) plus @suffix (e.g.
 * "+00"); returns the length, 0 when the time cannot be shown.
 */
size_t sqlc_time_text(char *buf, size_t len, int64_t sec, uint32_t nsec,
		      const char *suffix);
/* "aa:bb:cc" for @n bytes (3n-1 characters, "" for none); returns length. */
size_t sqlc_hex_colon(char *buf, const uint8_t *p, size_t n);
/*
 * IP2BIN's literal "0x" + hex digits as bytes (ulogd2 pasted it into SQL as
 * a hex literal for BINARY(16) columns). Returns the byte count, or -1 when
 * @s is not such a literal or would not fit @cap.
 */
int sqlc_hexlit(const char *s, size_t len, uint8_t *out, size_t cap);

#endif /* NFP_SQLCOLS_H */
