/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/pgsql/pgq.h - the pure parts of PGSQL, for its unit tests
 *
 * How a batch value becomes text for a column of a given PostgreSQL type,
 * in COPY's text format or as a text parameter, how the statements are
 * spelled, and how passwords are kept out of messages. No libpq here: the
 * functions take and return plain C data, so tests/unit/test_pgsql.c can
 * check them against hand-worked expectations without a server.
 */
#ifndef NFP_OUTPUT_PGQ_H
#define NFP_OUTPUT_PGQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nfpipe/sink.h>

#include "sqlcols.h"

/* What a column's type asks of a value (from pg_type, at connect). */
enum pgq_cls {
	PGQ_TEXT = 0,	/* text, varchar, inet, macaddr, anything else */
	PGQ_INT,	/* smallint, integer, bigint, oid */
	PGQ_NUM,	/* numeric, real, double precision */
	PGQ_BOOL,	/* boolean */
	PGQ_BYTEA,	/* bytea */
	PGQ_TIME,	/* timestamp, timestamptz, date */
};

/* A growable byte buffer; the worker keeps one per connection. */
struct pgq_buf {
	char *p;		/* bytes, malloc'd */
	size_t len;		/* used */
	size_t cap;		/* allocated */
};

/* The class of a type from its pg_type name and typcategory letter. */
enum pgq_cls pgq_class(const char *typname, char category);

/* Make room for @n more bytes: 0 or -ENOMEM. */
int pgq_reserve(struct pgq_buf *b, size_t n);

/*
 * Append @v as the text a @cls column takes. With @copy the text is
 * escaped for COPY ... FROM STDIN (text format: backslash, newline, CR and
 * tab escaped, NUL bytes left out) and NULL is \N; without it the text is
 * a parameter value and NULL appends nothing and returns 1. Returns 0, 1
 * for NULL (parameters only), or -ENOMEM.
 */
int pgq_format(struct pgq_buf *b, const struct nfp_sval *v, enum pgq_cls cls,
	       bool copy);

/* "name" with '"' doubled; malloc'd, NULL when out of memory. */
char *pgq_quote_ident(const char *name);

/*
 * The statements: COPY "schema"."table" ("c1",...) FROM STDIN, and the
 * one-row statement of @mode (INSERT INTO ... VALUES ($1,...), the text of
 * an "INSERT INTO x" procedure then (cols) VALUES (...), SELECT name($1,
 * ...), CALL name($1,...)). malloc'd; NULL when out of memory.
 */
char *pgq_copy_sql(const char *schema, const char *table,
		   const struct sqlc_set *cols);
char *pgq_row_sql(enum sqlc_mode mode, const char *name, const char *schema,
		  const char *table, const struct sqlc_set *cols);

/*
 * Overwrite every occurrence of each non-empty string of @secrets (NULL-
 * terminated) in @msg with '*', and make it one line (newlines become
 * spaces, tabs after them go, trailing blanks are cut): messages from
 * libpq and the server go to the log through this.
 */
void pgq_scrub(char *msg, const char *const *secrets);

/*
 * True when SQLSTATE @state refuses one row rather than the batch or the
 * connection: data exceptions (class 22), integrity constraints (23),
 * errors a procedure raises itself (P0001), and a row too big for a limit
 * (54000, e.g. an index entry).
 */
bool pgq_row_error(const char *state);

#endif /* NFP_OUTPUT_PGQ_H */
