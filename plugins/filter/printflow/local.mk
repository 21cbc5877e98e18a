# SPDX-License-Identifier: GPL-2.0-or-later
# PRINTFLOW: a conntrack flow as one line, in ulogd2's or conntrackd's
# layout. Its unit test builds records with NFCT's parser from the recorded
# messages, so it needs what NFCT needs; with libnetfilter_conntrack it
# also checks the conntrackd layout against that library's own printing.
pkglib_LTLIBRARIES += filter_printflow.la
filter_printflow_la_SOURCES = plugins/filter/printflow/printflow.c
filter_printflow_la_LDFLAGS = $(PLUGIN_LDFLAGS)
EXTRA_DIST += plugins/filter/printflow/README.md

if BUILD_NFCT
check_PROGRAMS += tests/unit/test_printflow
tests_unit_test_printflow_SOURCES = tests/unit/test_printflow.c \
	plugins/filter/printflow/printflow.c \
	plugins/input/nfct/nfct_parse.c plugins/input/nfct/nfct_parse.h \
	tests/unit/harness.c tests/unit/harness.h tests/unit/tap.h
tests_unit_test_printflow_CPPFLAGS = $(AM_CPPFLAGS) $(LIBMNL_CFLAGS) \
	$(NFCT_CFLAGS) -I$(top_srcdir)/plugins/input/nfct
tests_unit_test_printflow_LDADD = libnfpcore.la $(LIBMNL_LIBS) $(NFCT_LIBS)
TESTS += tests/unit/test_printflow
endif
