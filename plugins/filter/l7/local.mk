# SPDX-License-Identifier: GPL-2.0-or-later
# L7: application labels on packets and flows, from nDPI (l7_ndpi.c is the
# only file that includes it) and l7-filter .pat patterns (PCRE2). Built
# when configure finds libndpi >= 4.2 and libpcre2-8.
L7_SRC = plugins/filter/l7/l7_flow.c plugins/filter/l7/l7_flow.h \
	plugins/filter/l7/l7_ndpi.c plugins/filter/l7/l7_ndpi.h \
	plugins/filter/l7/l7_pat.c plugins/filter/l7/l7_pat.h

if BUILD_L7
pkglib_LTLIBRARIES += filter_l7.la
filter_l7_la_SOURCES = plugins/filter/l7/l7.c $(L7_SRC)
filter_l7_la_CPPFLAGS = $(AM_CPPFLAGS) $(NDPI_CFLAGS) $(PCRE2_CFLAGS)
filter_l7_la_LIBADD = $(NDPI_LIBS) $(PCRE2_LIBS)
filter_l7_la_LDFLAGS = $(PLUGIN_LDFLAGS)

check_PROGRAMS += tests/unit/test_l7
tests_unit_test_l7_SOURCES = tests/unit/test_l7.c \
	plugins/filter/l7/l7.c $(L7_SRC) \
	plugins/filter/base/base.c plugins/filter/base/decode.c \
	tests/unit/harness.c tests/unit/harness.h tests/unit/tap.h
tests_unit_test_l7_CPPFLAGS = $(AM_CPPFLAGS) $(NDPI_CFLAGS) \
	$(PCRE2_CFLAGS) -I$(top_srcdir)/tests/unit \
	-I$(top_srcdir)/plugins/filter/l7
tests_unit_test_l7_LDADD = libnfpcore.la $(NDPI_LIBS) $(PCRE2_LIBS)
TESTS += tests/unit/test_l7

# Real clients and servers in the lab; NFCT labels into SQLite (root).
if BUILD_NFCT
if HAVE_SQLITE3
TESTS += tests/integration/l7-lab.sh
endif
endif
endif
EXTRA_DIST += tests/integration/l7-lab.sh
EXTRA_DIST += plugins/filter/l7/README.md

# Upgrades: the L7 columns for databases made before the shipped schemas
# had them (additive migrations).
nfpl7sqldir = $(pkgdatadir)/sql
dist_nfpl7sql_DATA = etc/sql/l7-sqlite3.sql etc/sql/l7-pgsql.sql \
	etc/sql/l7-mysql.sql

# The flow table and nDPI on any bytes; `make check` replays BASE's corpus
# (tests/data/pkt/) and tests/data/l7/. Fuzz for real with clang
# -fsanitize=fuzzer,address -DNFP_LIBFUZZER.
if BUILD_L7
check_PROGRAMS += tests/fuzz/fuzz_l7
tests_fuzz_fuzz_l7_SOURCES = tests/fuzz/fuzz_l7.c $(L7_SRC)
tests_fuzz_fuzz_l7_CPPFLAGS = $(AM_CPPFLAGS) $(NDPI_CFLAGS) $(PCRE2_CFLAGS) \
	-I$(top_srcdir)/plugins/filter/l7
tests_fuzz_fuzz_l7_LDADD = libnfpcore.la $(NDPI_LIBS) $(PCRE2_LIBS)
TESTS += tests/fuzz/fuzz_l7
endif
EXTRA_DIST += tests/data/l7
