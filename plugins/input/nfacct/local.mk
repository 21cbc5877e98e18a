# SPDX-License-Identifier: GPL-2.0-or-later
# input/nfacct: the NFACCT module, its unit test, its fuzz target (which
# replays tests/data/nfacct in `make check`) and its integration tests.
# libnetfilter_acct (NFACCT_LIBS) builds the requests and decodes the
# objects (it brings libmnl); the unit test builds its hand-made messages
# with libmnl. nlsys.c comes from input/nfct.
NFACCT_INTEGRATION = tests/integration/nfacct-counters.sh \
	tests/integration/nfacct-quota.sh
EXTRA_DIST += plugins/input/nfacct/README.md $(NFACCT_INTEGRATION) \
	tests/data/nfacct
# Benchmarks, not tests: instructions per object of the message step
# (bench/nfacct_parse.c, not built: see its top) and the daemon's CPU per
# poll of many objects (root: bench/nfacct-poll BUILDDIR...).
EXTRA_DIST += bench/nfacct_parse.c bench/nfacct-poll

if BUILD_NFACCT
NFACCT_SOURCES = plugins/input/nfacct/nfacct.c \
	plugins/input/nfacct/nfacct_parse.c \
	plugins/input/nfacct/nfacct_parse.h \
	plugins/input/nfct/nlsys.c plugins/input/nfct/nlsys.h

pkglib_LTLIBRARIES += input_nfacct.la
input_nfacct_la_SOURCES = $(NFACCT_SOURCES)
input_nfacct_la_CPPFLAGS = $(AM_CPPFLAGS) $(NFACCT_CFLAGS)
input_nfacct_la_LIBADD = $(NFACCT_LIBS)
input_nfacct_la_LDFLAGS = $(PLUGIN_LDFLAGS)

check_PROGRAMS += tests/unit/test_nfacct
tests_unit_test_nfacct_SOURCES = tests/unit/test_nfacct.c $(NFACCT_SOURCES) \
	tests/unit/harness.c tests/unit/harness.h tests/unit/tap.h
tests_unit_test_nfacct_CPPFLAGS = $(AM_CPPFLAGS) $(LIBMNL_CFLAGS) \
	$(NFACCT_CFLAGS) -I$(top_srcdir)/plugins/input/nfacct
tests_unit_test_nfacct_LDADD = libnfpcore.la $(NFACCT_LIBS) $(LIBMNL_LIBS)
TESTS += tests/unit/test_nfacct

check_PROGRAMS += tests/fuzz/fuzz_nfacct
tests_fuzz_fuzz_nfacct_SOURCES = tests/fuzz/fuzz_nfacct.c \
	plugins/input/nfacct/nfacct_parse.c plugins/input/nfacct/nfacct_parse.h
tests_fuzz_fuzz_nfacct_CPPFLAGS = $(AM_CPPFLAGS) $(NFACCT_CFLAGS) \
	-I$(top_srcdir)/plugins/input/nfacct
tests_fuzz_fuzz_nfacct_LDADD = libnfpcore.la $(NFACCT_LIBS)
TESTS += tests/fuzz/fuzz_nfacct

TESTS += $(NFACCT_INTEGRATION)
endif
