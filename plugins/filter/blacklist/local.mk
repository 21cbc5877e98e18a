# SPDX-License-Identifier: GPL-2.0-or-later
# BLACKLIST: the filter (blacklist.c) and the list code it shares with
# `nfpipe blocklist` (iplist.c, pure but for ipl_load_file(); zlib reads
# gzip lists). zlib is required by configure, so this always builds.
IPLIST_SOURCES = plugins/filter/blacklist/iplist.c \
	plugins/filter/blacklist/iplist.h

check_PROGRAMS += tests/unit/test_iplist
tests_unit_test_iplist_SOURCES = tests/unit/test_iplist.c $(IPLIST_SOURCES)
tests_unit_test_iplist_CPPFLAGS = $(AM_CPPFLAGS) $(ZLIB_CFLAGS) \
	-I$(top_srcdir)/plugins/filter/blacklist
tests_unit_test_iplist_LDADD = $(ZLIB_LIBS)
TESTS += tests/unit/test_iplist

# The parser on any bytes; `make check` replays tests/data/iplist/.
check_PROGRAMS += tests/fuzz/fuzz_iplist
tests_fuzz_fuzz_iplist_SOURCES = tests/fuzz/fuzz_iplist.c $(IPLIST_SOURCES)
tests_fuzz_fuzz_iplist_CPPFLAGS = $(AM_CPPFLAGS) $(ZLIB_CFLAGS) \
	-I$(top_srcdir)/plugins/filter/blacklist
tests_fuzz_fuzz_iplist_LDADD = $(ZLIB_LIBS)
TESTS += tests/fuzz/fuzz_iplist
EXTRA_DIST += tests/data/iplist

pkglib_LTLIBRARIES += filter_blacklist.la
filter_blacklist_la_SOURCES = plugins/filter/blacklist/blacklist.c \
	$(IPLIST_SOURCES)
filter_blacklist_la_CPPFLAGS = $(AM_CPPFLAGS) $(ZLIB_CFLAGS)
filter_blacklist_la_LIBADD = $(ZLIB_LIBS)
filter_blacklist_la_LDFLAGS = $(PLUGIN_LDFLAGS)
EXTRA_DIST += plugins/filter/blacklist/README.md

check_PROGRAMS += tests/unit/test_blacklist
tests_unit_test_blacklist_SOURCES = tests/unit/test_blacklist.c \
	plugins/filter/blacklist/blacklist.c $(IPLIST_SOURCES) \
	plugins/filter/base/base.c plugins/filter/base/decode.c \
	tests/unit/harness.c
tests_unit_test_blacklist_CPPFLAGS = $(AM_CPPFLAGS) $(ZLIB_CFLAGS) \
	-I$(top_srcdir)/plugins/filter/blacklist
tests_unit_test_blacklist_LDADD = libnfpcore.la $(ZLIB_LIBS)
TESTS += tests/unit/test_blacklist

# nfpipe blocklist convert/lookup/load against a reference computed by
# Python's ipaddress; ipset and nft in a namespace of its own (root).
# BLACKLIST on live traffic and `blocklist load` swapped under traffic in
# the lab (root).
TESTS += tests/integration/blocklist-convert.sh \
	tests/integration/blacklist-lab.sh
EXTRA_DIST += tests/integration/blocklist-convert.sh \
	tests/integration/blacklist-lab.sh \
	tests/integration/blocklist_ref.py
