# SPDX-License-Identifier: GPL-2.0-or-later
# SYSLOG: the print line to the system logger's socket, as syslog(3) would.
pkglib_LTLIBRARIES += output_syslog.la
output_syslog_la_SOURCES = plugins/output/syslog/syslog.c \
	plugins/output/syslog/slfmt.c plugins/output/syslog/slfmt.h
output_syslog_la_LDFLAGS = $(PLUGIN_LDFLAGS)
EXTRA_DIST += plugins/output/syslog/README.md

check_PROGRAMS += tests/unit/test_syslog
tests_unit_test_syslog_SOURCES = tests/unit/test_syslog.c \
	plugins/output/syslog/syslog.c \
	plugins/output/syslog/slfmt.c plugins/output/syslog/slfmt.h \
	plugins/filter/printpkt/printpkt.c \
	plugins/filter/printpkt/printpkt_kernel.c \
	plugins/filter/printpkt/printpkt.h \
	tests/unit/harness.c tests/unit/harness.h tests/unit/tap.h
tests_unit_test_syslog_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/unit
tests_unit_test_syslog_LDADD = libnfpcore.la
TESTS += tests/unit/test_syslog
