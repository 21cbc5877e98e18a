# SPDX-License-Identifier: GPL-2.0-or-later
# SCAN: the detector's table (table.c, pure) and its plugin glue (scan.c).
pkglib_LTLIBRARIES += filter_scan.la
filter_scan_la_SOURCES = plugins/filter/scan/scan.c \
	plugins/filter/scan/table.c plugins/filter/scan/scan.h
filter_scan_la_LDFLAGS = $(PLUGIN_LDFLAGS)
filter_scan_la_LIBADD = -lm
EXTRA_DIST += plugins/filter/scan/README.md

check_PROGRAMS += tests/unit/test_scan
tests_unit_test_scan_SOURCES = tests/unit/test_scan.c \
	plugins/filter/scan/scan.c plugins/filter/scan/table.c \
	plugins/filter/base/base.c plugins/filter/base/decode.c \
	tests/unit/harness.c
tests_unit_test_scan_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/plugins/filter/scan
tests_unit_test_scan_LDADD = libnfpcore.la -lm
TESTS += tests/unit/test_scan
