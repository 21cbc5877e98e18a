# SPDX-License-Identifier: GPL-2.0-or-later
# Its unit test, tests/unit/test_hwhdr_mark, is declared in ../hwhdr/local.mk.
pkglib_LTLIBRARIES += filter_mark.la
filter_mark_la_SOURCES = plugins/filter/mark/mark.c
filter_mark_la_LDFLAGS = $(PLUGIN_LDFLAGS)
EXTRA_DIST += plugins/filter/mark/README.md
