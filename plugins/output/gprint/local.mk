# SPDX-License-Identifier: GPL-2.0-or-later
# GPRINT: every key of a record on one line, key=value,... (tested in
# test_outputs, see plugins/output/logemu/local.mk).
pkglib_LTLIBRARIES += output_gprint.la
output_gprint_la_SOURCES = plugins/output/gprint/gprint.c \
	plugins/output/logemu/filebuf.c plugins/output/logemu/filebuf.h
output_gprint_la_LDFLAGS = $(PLUGIN_LDFLAGS)
EXTRA_DIST += plugins/output/gprint/README.md
