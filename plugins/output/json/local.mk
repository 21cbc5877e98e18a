# SPDX-License-Identifier: GPL-2.0-or-later
# JSON: every key as one JSON object a line, to a file or a socket. Reuses
# LOGEMU's filebuf.c for the file mode.
pkglib_LTLIBRARIES += output_json.la
output_json_la_SOURCES = plugins/output/json/json.c plugins/output/json/json.h \
	plugins/output/json/jsonenc.c \
	plugins/output/logemu/filebuf.c plugins/output/logemu/filebuf.h
output_json_la_LDFLAGS = $(PLUGIN_LDFLAGS)
EXTRA_DIST += plugins/output/json/README.md

check_PROGRAMS += tests/unit/test_json
tests_unit_test_json_SOURCES = tests/unit/test_json.c \
	plugins/output/json/json.c plugins/output/json/json.h \
	plugins/output/json/jsonenc.c \
	plugins/output/logemu/filebuf.c plugins/output/logemu/filebuf.h \
	plugins/filter/base/base.c plugins/filter/base/decode.c \
	plugins/filter/base/base.h \
	tests/unit/harness.c tests/unit/harness.h tests/unit/tap.h
tests_unit_test_json_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/unit
tests_unit_test_json_LDADD = libnfpcore.la
TESTS += tests/unit/test_json
