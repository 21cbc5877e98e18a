# SPDX-License-Identifier: GPL-2.0-or-later
# input/nfct: the NFCT module, its unit test, its fuzz target (which
# replays tests/data/nfct in `make check`) and the integration tests on the
# real kernel. tests/data/nfct/nfct-record.c, which recorded that corpus,
# is not built here: a binary in the corpus directory would be replayed
# and shipped (its README says how to build it). The module, the unit
# test and the fuzz target all link libnetfilter_conntrack (NFCT_LIBS),
# which decodes the attributes, and libmnl, on which the datagram walk and
# the dump request are built. nlsys.c (netns, sysctls, capabilities) is
# shared with input/nfacct.
EXTRA_DIST += plugins/input/nfct/README.md tests/data/nfct

# On the real kernel, in namespaces of their own (root; CI runs them).
NFCT_INTEGRATION = tests/integration/nfct-events.sh \
	tests/integration/nfct-polling.sh \
	tests/integration/nfct-related.sh \
	tests/integration/nfct-resync.sh
EXTRA_DIST += $(NFCT_INTEGRATION) tests/integration/nfct-lib.sh
# NFCT's GRE, SCTP, label and zone keys against conntrack (issue 16);
# nfct-craft.py makes the PPTP, GRE, SCTP and UDP packets.
NFCT_INTEGRATION += tests/integration/nfct-attrs.sh
EXTRA_DIST += tests/integration/nfct-craft.py

# Conntrack events live, nfpiped against ulogd2 (root; not a test):
# NFPIPED=... NFPIPE_PLUGIN_DIR=... bench/nfct-live
EXTRA_DIST += bench/nfct-live

if BUILD_NFCT
NFCT_SOURCES = plugins/input/nfct/nfct.c \
	plugins/input/nfct/nfct_parse.c plugins/input/nfct/nfct_parse.h \
	plugins/input/nfct/nfct_hash.c plugins/input/nfct/nfct_hash.h \
	plugins/input/nfct/nfct_track.c plugins/input/nfct/nfct_track.h \
	plugins/input/nfct/nlsys.c plugins/input/nfct/nlsys.h

pkglib_LTLIBRARIES += input_nfct.la
input_nfct_la_SOURCES = $(NFCT_SOURCES)
input_nfct_la_CPPFLAGS = $(AM_CPPFLAGS) $(LIBMNL_CFLAGS) $(NFCT_CFLAGS)
input_nfct_la_LIBADD = $(NFCT_LIBS) $(LIBMNL_LIBS)
input_nfct_la_LDFLAGS = $(PLUGIN_LDFLAGS)

# Parser, tracker, filters and keys on recorded messages, no root needed.
check_PROGRAMS += tests/unit/test_nfct
tests_unit_test_nfct_SOURCES = tests/unit/test_nfct.c $(NFCT_SOURCES) \
	tests/unit/harness.c tests/unit/harness.h tests/unit/tap.h
tests_unit_test_nfct_CPPFLAGS = $(AM_CPPFLAGS) $(LIBMNL_CFLAGS) \
	$(NFCT_CFLAGS) -I$(top_srcdir)/plugins/input/nfct
tests_unit_test_nfct_LDADD = libnfpcore.la $(NFCT_LIBS) $(LIBMNL_LIBS)
TESTS += tests/unit/test_nfct

check_PROGRAMS += tests/fuzz/fuzz_nfct
tests_fuzz_fuzz_nfct_SOURCES = tests/fuzz/fuzz_nfct.c \
	plugins/input/nfct/nfct_parse.c plugins/input/nfct/nfct_parse.h \
	plugins/input/nfct/nfct_hash.c plugins/input/nfct/nfct_hash.h \
	plugins/input/nfct/nfct_track.c plugins/input/nfct/nfct_track.h
tests_fuzz_fuzz_nfct_CPPFLAGS = $(AM_CPPFLAGS) $(LIBMNL_CFLAGS) \
	$(NFCT_CFLAGS) -I$(top_srcdir)/plugins/input/nfct
tests_fuzz_fuzz_nfct_LDADD = libnfpcore.la $(NFCT_LIBS) $(LIBMNL_LIBS)
TESTS += tests/fuzz/fuzz_nfct

TESTS += $(NFCT_INTEGRATION)
endif
