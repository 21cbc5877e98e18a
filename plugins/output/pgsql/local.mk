# SPDX-License-Identifier: GPL-2.0-or-later
# PGSQL: rows into PostgreSQL through the queued-sink core (batches, a
# worker thread, the disk spool). Built when configure finds libpq.
# sqlcols.c (column lists, value text) is shared with MYSQL: each module
# compiles its own copy.
if HAVE_PGSQL
pkglib_LTLIBRARIES += output_pgsql.la
output_pgsql_la_SOURCES = plugins/output/pgsql/pgsql.c \
	plugins/output/pgsql/pgq.h plugins/output/pgsql/sqlcols.c \
	plugins/output/pgsql/sqlcols.h
output_pgsql_la_CPPFLAGS = $(AM_CPPFLAGS) $(PGSQL_CFLAGS) \
	-DNFP_SQLDIR=\"$(pkgdatadir)/sql\"
output_pgsql_la_LIBADD = $(PGSQL_LIBS)
output_pgsql_la_LDFLAGS = $(PLUGIN_LDFLAGS)

check_PROGRAMS += tests/unit/test_pgsql
tests_unit_test_pgsql_SOURCES = tests/unit/test_pgsql.c \
	plugins/output/pgsql/pgsql.c plugins/output/pgsql/sqlcols.c \
	tests/unit/harness.c tests/unit/harness.h tests/unit/tap.h
tests_unit_test_pgsql_CPPFLAGS = $(AM_CPPFLAGS) $(PGSQL_CFLAGS) \
	-I$(top_srcdir)/plugins/output/pgsql \
	-DNFP_SQLDIR=\"$(abs_top_srcdir)/etc/sql\"
tests_unit_test_pgsql_LDADD = libnfpcore.la $(PGSQL_LIBS)
TESTS += tests/unit/test_pgsql

# Real PostgreSQL servers, started by the tests (tests/integration/dbserver.sh).
TESTS += $(PGSQL_INTEGRATION_TESTS)
endif
PGSQL_INTEGRATION_TESTS = tests/integration/pgsql-rows.sh \
	tests/integration/pgsql-outage.sh \
	tests/integration/pgsql-ulogd2.sh \
	tests/integration/pgsql-tls.sh \
	tests/integration/pgsql-stall.sh
EXTRA_DIST += plugins/output/pgsql/README.md $(PGSQL_INTEGRATION_TESTS) \
	tests/integration/dbserver.sh bench/sql-rate

# The schema (installed whether or not the plugin is built: psql needs no
# nfpiped).
nfpsqlpgdir = $(pkgdatadir)/sql
dist_nfpsqlpg_DATA = etc/sql/pgsql.sql etc/sql/geoip-blacklist-pgsql.sql
