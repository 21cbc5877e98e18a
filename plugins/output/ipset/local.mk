# SPDX-License-Identifier: GPL-2.0-or-later
# IPSET: the record's address into an ipset through libipset, packed
# adds per flush. Built when configure finds libipset. Shares setguard.[ch]
# (allow list, cache, batch) with NFTSET.
if HAVE_IPSET
pkglib_LTLIBRARIES += output_ipset.la
output_ipset_la_SOURCES = plugins/output/ipset/ipset.c \
	plugins/output/ipset/ipset.h \
	plugins/output/nftset/setguard.c plugins/output/nftset/setguard.h
output_ipset_la_CPPFLAGS = $(AM_CPPFLAGS) $(IPSET_CFLAGS)
output_ipset_la_LIBADD = $(IPSET_LIBS)
output_ipset_la_LDFLAGS = $(PLUGIN_LDFLAGS)

check_PROGRAMS += tests/unit/test_ipset
tests_unit_test_ipset_SOURCES = tests/unit/test_ipset.c \
	plugins/output/ipset/ipset.c plugins/output/ipset/ipset.h \
	plugins/output/nftset/setguard.c plugins/output/nftset/setguard.h \
	tests/unit/harness.c tests/unit/harness.h tests/unit/tap.h
tests_unit_test_ipset_CPPFLAGS = $(AM_CPPFLAGS) $(IPSET_CFLAGS) \
	-I$(top_srcdir)/plugins/output/ipset \
	-I$(top_srcdir)/plugins/output/nftset
tests_unit_test_ipset_LDADD = libnfpcore.la $(IPSET_LIBS)
TESTS += tests/unit/test_ipset

# The lab on the real kernel (root).
TESTS += $(IPSET_INTEGRATION_TESTS)
endif
IPSET_INTEGRATION_TESTS = tests/integration/ipset-lab.sh
EXTRA_DIST += plugins/output/ipset/README.md $(IPSET_INTEGRATION_TESTS)
