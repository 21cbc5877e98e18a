# SPDX-License-Identifier: GPL-2.0-or-later
# MYSQL: rows into MariaDB/MySQL through the queued-sink core (batches, a
# worker thread, the disk spool). Built when configure finds libmariadb.
# It shares plugins/output/pgsql/sqlcols.c (column lists, value text) with
# PGSQL: each module compiles its own copy.
if HAVE_MYSQL
pkglib_LTLIBRARIES += output_mysql.la
output_mysql_la_SOURCES = plugins/output/mysql/mysql.c \
	plugins/output/mysql/myq.h plugins/output/pgsql/sqlcols.c \
	plugins/output/pgsql/sqlcols.h
output_mysql_la_CPPFLAGS = $(AM_CPPFLAGS) $(MYSQL_CFLAGS) \
	-I$(top_srcdir)/plugins/output/pgsql \
	-DNFP_SQLDIR=\"$(pkgdatadir)/sql\"
output_mysql_la_LIBADD = $(MYSQL_LIBS)
output_mysql_la_LDFLAGS = $(PLUGIN_LDFLAGS)

check_PROGRAMS += tests/unit/test_mysql
tests_unit_test_mysql_SOURCES = tests/unit/test_mysql.c \
	plugins/output/mysql/mysql.c plugins/output/pgsql/sqlcols.c \
	tests/unit/harness.c tests/unit/harness.h tests/unit/tap.h
tests_unit_test_mysql_CPPFLAGS = $(AM_CPPFLAGS) $(MYSQL_CFLAGS) \
	-I$(top_srcdir)/plugins/output/mysql \
	-I$(top_srcdir)/plugins/output/pgsql \
	-DNFP_SQLDIR=\"$(abs_top_srcdir)/etc/sql\"
tests_unit_test_mysql_LDADD = libnfpcore.la $(MYSQL_LIBS)
TESTS += tests/unit/test_mysql

# Real MariaDB servers, started by the tests (tests/integration/dbserver.sh).
TESTS += $(MYSQL_INTEGRATION_TESTS)
endif
MYSQL_INTEGRATION_TESTS = tests/integration/mysql-rows.sh \
	tests/integration/mysql-outage.sh \
	tests/integration/mysql-ulogd2.sh \
	tests/integration/mysql-tls.sh \
	tests/integration/mysql-stall.sh
EXTRA_DIST += plugins/output/mysql/README.md $(MYSQL_INTEGRATION_TESTS)

# The schema (installed whether or not the plugin is built).
nfpsqlmydir = $(pkgdatadir)/sql
dist_nfpsqlmy_DATA = etc/sql/mysql.sql etc/sql/geoip-blacklist-mysql.sql
