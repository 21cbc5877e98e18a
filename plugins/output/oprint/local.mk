# SPDX-License-Identifier: GPL-2.0-or-later
# OPRINT: every key of every record, one per line (tested in test_outputs,
# see plugins/output/logemu/local.mk).
pkglib_LTLIBRARIES += output_oprint.la
output_oprint_la_SOURCES = plugins/output/oprint/oprint.c \
	plugins/output/logemu/filebuf.c plugins/output/logemu/filebuf.h
output_oprint_la_LDFLAGS = $(PLUGIN_LDFLAGS)
EXTRA_DIST += plugins/output/oprint/README.md
