# SPDX-License-Identifier: GPL-2.0-or-later
# SQLITE3: rows into an SQLite table through the queued-sink core (batches,
# a worker thread, the disk spool). Built when configure finds libsqlite3.

# The SQLite schema: a new database is created from it, and analysts
# read it for the tables and views.
nfpsqldir = $(pkgdatadir)/sql
dist_nfpsql_DATA = etc/sql/sqlite3.sql etc/sql/geoip-blacklist-sqlite3.sql

if HAVE_SQLITE3
pkglib_LTLIBRARIES += output_sqlite3.la
output_sqlite3_la_SOURCES = plugins/output/sqlite3/sqlite3.c
output_sqlite3_la_CPPFLAGS = $(AM_CPPFLAGS) $(SQLITE3_CFLAGS) \
	-DNFP_SQLDIR=\"$(nfpsqldir)\"
output_sqlite3_la_LIBADD = $(SQLITE3_LIBS)
output_sqlite3_la_LDFLAGS = $(PLUGIN_LDFLAGS)

check_PROGRAMS += tests/unit/test_sqlite3
tests_unit_test_sqlite3_SOURCES = tests/unit/test_sqlite3.c \
	plugins/output/sqlite3/sqlite3.c \
	tests/unit/harness.c tests/unit/harness.h tests/unit/tap.h
tests_unit_test_sqlite3_CPPFLAGS = $(AM_CPPFLAGS) $(SQLITE3_CFLAGS) \
	-I$(top_srcdir)/tests/unit -DNFP_SQLDIR=\"$(abs_top_srcdir)/etc/sql\"
tests_unit_test_sqlite3_LDADD = libnfpcore.la $(SQLITE3_LIBS)
TESTS += tests/unit/test_sqlite3

# Real kernel, real daemon (root; tests/integration/lib.sh).
TESTS += tests/integration/sqlite3-nflog.sh \
	tests/integration/sqlite3-restart.sh
endif
EXTRA_DIST += plugins/output/sqlite3/README.md \
	tests/integration/sqlite3-nflog.sh tests/integration/sqlite3-restart.sh

# Label columns (l7_*, geoip_*, blacklist_*) are optional in SQL outputs:
# SQLITE3 with and without L7 in the stack (tests/unit/test_sqlcols.c).
if HAVE_SQLITE3
if BUILD_L7
check_PROGRAMS += tests/unit/test_sqlcols
tests_unit_test_sqlcols_SOURCES = tests/unit/test_sqlcols.c \
	plugins/output/sqlite3/sqlite3.c \
	plugins/filter/l7/l7.c $(L7_SRC) \
	plugins/filter/base/base.c plugins/filter/base/decode.c \
	tests/unit/harness.c tests/unit/harness.h tests/unit/tap.h
tests_unit_test_sqlcols_CPPFLAGS = $(AM_CPPFLAGS) $(SQLITE3_CFLAGS) \
	$(NDPI_CFLAGS) $(PCRE2_CFLAGS) -I$(top_srcdir)/tests/unit \
	-I$(top_srcdir)/plugins/filter/l7 \
	-DNFP_SQLDIR=\"$(abs_top_srcdir)/etc/sql\"
tests_unit_test_sqlcols_LDADD = libnfpcore.la $(SQLITE3_LIBS) \
	$(NDPI_LIBS) $(PCRE2_LIBS)
TESTS += tests/unit/test_sqlcols
endif
endif
