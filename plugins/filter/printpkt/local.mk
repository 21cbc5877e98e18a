# SPDX-License-Identifier: GPL-2.0-or-later
# PRINTPKT: a packet as one log line, in ulogd2's or the kernel's layout.
pkglib_LTLIBRARIES += filter_printpkt.la
filter_printpkt_la_SOURCES = plugins/filter/printpkt/printpkt.c \
	plugins/filter/printpkt/printpkt_kernel.c \
	plugins/filter/printpkt/printpkt.h
filter_printpkt_la_LDFLAGS = $(PLUGIN_LDFLAGS)
EXTRA_DIST += plugins/filter/printpkt/README.md \
	tests/data/printpkt/kernel.golden tests/data/printpkt/ulogd.golden

# Both layouts against golden lines; the ulogd one also through BASE.
check_PROGRAMS += tests/unit/test_printpkt
tests_unit_test_printpkt_SOURCES = tests/unit/test_printpkt.c \
	plugins/filter/printpkt/printpkt.c \
	plugins/filter/printpkt/printpkt_kernel.c \
	plugins/filter/printpkt/printpkt.h \
	plugins/filter/base/base.c plugins/filter/base/decode.c \
	plugins/filter/base/base.h \
	tests/unit/harness.c tests/unit/harness.h tests/unit/tap.h
tests_unit_test_printpkt_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/unit
tests_unit_test_printpkt_LDADD = libnfpcore.la
TESTS += tests/unit/test_printpkt
