/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/mysql/myq.h - the pure parts of MYSQL, for its unit tests
 *
 * How a batch value becomes the bytes bound to a parameter for a column of
 * a given MariaDB/MySQL type, how the statements are spelled, and which
 * server errors refuse one row rather than the batch. No libmariadb here.
 */
#ifndef NFP_OUTPUT_MYQ_H
#define NFP_OUTPUT_MYQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nfpipe/sink.h>

#include "sqlcols.h"

/* What a column's type asks of a value (information_schema, at connect). */
enum myq_cls {
	MYQ_TEXT = 0,	/* char, varchar, text, enum, inet6... */
	MYQ_INT,	/* tinyint ... bigint, bit, year */
	MYQ_NUM,	/* decimal, float, double */
	MYQ_BIN,	/* binary, varbinary, blobs */
	MYQ_BIN16,	/* binary(16): ulogd2's address columns */
	MYQ_TIME,	/* datetime, timestamp, date */
};

/*
 * The class of a column from information_schema.COLUMNS' DATA_TYPE and
 * COLUMN_TYPE ("binary(16)", "int(10) unsigned").
 */
enum myq_cls myq_class(const char *data_type, const char *column_type);

/*
 * The bytes bound for @v in a @cls column, written to @out (at most
 * myq_max_len(@v) bytes). Returns the length, or -1 for NULL (nothing
 * written). Text needs no escaping: it is a bound parameter.
 */
long myq_format(char *out, const struct nfp_sval *v, enum myq_cls cls);
/* Room myq_format() may need for @v. */
size_t myq_max_len(const struct nfp_sval *v);

/* `name` with '`' doubled; malloc'd, NULL when out of memory. */
char *myq_quote_ident(const char *name);

/*
 * The one-row statement of @mode: INSERT INTO `db`.`table` (`c1`,...)
 * VALUES (?,...), the text of an "INSERT INTO x" procedure then (cols)
 * VALUES (...), SELECT name(?,...) or CALL name(?,...). @db may be NULL
 * (the connection's). malloc'd; NULL when out of memory.
 */
char *myq_row_sql(enum sqlc_mode mode, const char *name, const char *db,
		  const char *table, const struct sqlc_set *cols);

/*
 * True when server error @err (SQLSTATE @state) refuses one row: data
 * exceptions (22xxx), integrity constraints (23xxx), a procedure's SIGNAL
 * (45000), and the value errors MariaDB files under HY000.
 */
bool myq_row_error(unsigned int err, const char *state);

#endif /* NFP_OUTPUT_MYQ_H */
