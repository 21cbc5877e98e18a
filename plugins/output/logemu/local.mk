# SPDX-License-Identifier: GPL-2.0-or-later
# LOGEMU: log lines in a file, framed like syslog. filebuf.c is the file
# handling OPRINT and GPRINT compile in too.
pkglib_LTLIBRARIES += output_logemu.la
output_logemu_la_SOURCES = plugins/output/logemu/logemu.c \
	plugins/output/logemu/filebuf.c plugins/output/logemu/filebuf.h
output_logemu_la_LDFLAGS = $(PLUGIN_LDFLAGS)
EXTRA_DIST += plugins/output/logemu/README.md

# LOGEMU, OPRINT and GPRINT writing real files.
check_PROGRAMS += tests/unit/test_outputs
tests_unit_test_outputs_SOURCES = tests/unit/test_outputs.c \
	plugins/output/logemu/logemu.c \
	plugins/output/logemu/filebuf.c plugins/output/logemu/filebuf.h \
	plugins/output/oprint/oprint.c plugins/output/gprint/gprint.c \
	plugins/filter/printpkt/printpkt.c \
	plugins/filter/printpkt/printpkt_kernel.c \
	plugins/filter/printpkt/printpkt.h \
	tests/unit/harness.c tests/unit/harness.h tests/unit/tap.h
tests_unit_test_outputs_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/unit
tests_unit_test_outputs_LDADD = libnfpcore.la
TESTS += tests/unit/test_outputs

# framing=kernel read by psad 2.4.6's analysis mode (root: real scans in
# the lab).
TESTS += tests/integration/logemu-psad.sh
EXTRA_DIST += tests/integration/logemu-psad.sh
