# SPDX-License-Identifier: GPL-2.0-or-later
pkglib_LTLIBRARIES += filter_hwhdr.la
filter_hwhdr_la_SOURCES = plugins/filter/hwhdr/hwhdr.c
filter_hwhdr_la_LDFLAGS = $(PLUGIN_LDFLAGS)
EXTRA_DIST += plugins/filter/hwhdr/README.md

# HWHDR and MARK share one test program.
check_PROGRAMS += tests/unit/test_hwhdr_mark
tests_unit_test_hwhdr_mark_SOURCES = tests/unit/test_hwhdr_mark.c \
	plugins/filter/hwhdr/hwhdr.c plugins/filter/mark/mark.c \
	tests/unit/harness.c
tests_unit_test_hwhdr_mark_CPPFLAGS = $(AM_CPPFLAGS)
tests_unit_test_hwhdr_mark_LDADD = libnfpcore.la
TESTS += tests/unit/test_hwhdr_mark
