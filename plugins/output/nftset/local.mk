# SPDX-License-Identifier: GPL-2.0-or-later
# NFTSET: the record's address into an nftables set through libnftables,
# one transaction per flush. Built when configure finds libnftables.
# setguard.[ch] (allow list, cache, batch) is shared with IPSET.
if HAVE_NFTABLES
pkglib_LTLIBRARIES += output_nftset.la
output_nftset_la_SOURCES = plugins/output/nftset/nftset.c \
	plugins/output/nftset/nftset.h \
	plugins/output/nftset/setguard.c plugins/output/nftset/setguard.h
output_nftset_la_CPPFLAGS = $(AM_CPPFLAGS) $(NFTABLES_CFLAGS)
output_nftset_la_LIBADD = $(NFTABLES_LIBS)
output_nftset_la_LDFLAGS = $(PLUGIN_LDFLAGS)

check_PROGRAMS += tests/unit/test_nftset
tests_unit_test_nftset_SOURCES = tests/unit/test_nftset.c \
	plugins/output/nftset/nftset.c plugins/output/nftset/nftset.h \
	plugins/output/nftset/setguard.c plugins/output/nftset/setguard.h \
	tests/unit/harness.c tests/unit/harness.h tests/unit/tap.h
tests_unit_test_nftset_CPPFLAGS = $(AM_CPPFLAGS) $(NFTABLES_CFLAGS) \
	-I$(top_srcdir)/plugins/output/nftset
tests_unit_test_nftset_LDADD = libnfpcore.la $(NFTABLES_LIBS)
TESTS += tests/unit/test_nftset

# The lab on the real kernel (root); scan-block.sh runs
# etc/examples/scan-block.conf's stacks (SCAN -> NFTSET) against nmap.
TESTS += $(NFTSET_INTEGRATION_TESTS)
endif
NFTSET_INTEGRATION_TESTS = tests/integration/nftset-lab.sh \
	tests/integration/scan-block.sh
EXTRA_DIST += plugins/output/nftset/README.md $(NFTSET_INTEGRATION_TESTS)

# bench/set-batch: µs per flush of NFTSET and IPSET on the kernel (root;
# not built by make or make check).
if HAVE_NFTABLES
if HAVE_IPSET
EXTRA_PROGRAMS += bench/set_batch
bench_set_batch_SOURCES = bench/set_batch.c \
	plugins/output/nftset/nftset.c plugins/output/ipset/ipset.c \
	plugins/output/nftset/setguard.c plugins/output/nftset/setguard.h \
	tests/unit/harness.c tests/unit/harness.h
bench_set_batch_CPPFLAGS = $(AM_CPPFLAGS) $(NFTABLES_CFLAGS) \
	$(IPSET_CFLAGS) -I$(top_srcdir)/tests/unit
bench_set_batch_LDADD = libnfpcore.la $(NFTABLES_LIBS) $(IPSET_LIBS)
endif
endif
EXTRA_DIST += bench/set-batch
