# SPDX-License-Identifier: GPL-2.0-or-later
# input/pcap: the PCAP input module (libpcap), its unit test and the fuzz
# target over its frame decoder, which replays tests/data/pcap in
# `make check`. It reuses the NFLOG input's pure parser for nflog_fill(), so
# a capture gives exactly NFLOG's keys; that file needs no library.
EXTRA_DIST += plugins/input/pcap/README.md tests/data/pcap

if HAVE_PCAP
PCAPIN_SOURCES = plugins/input/pcap/pcap.c \
	plugins/input/pcap/pcap_parse.c plugins/input/pcap/pcap_parse.h \
	plugins/input/nflog/nflog_parse.c plugins/input/nflog/nflog_parse.h
PCAPIN_CPPFLAGS = $(AM_CPPFLAGS) $(PCAP_CFLAGS) \
	-I$(top_srcdir)/plugins/input/nflog -I$(top_srcdir)/plugins/input/pcap

pkglib_LTLIBRARIES += input_pcap.la
input_pcap_la_SOURCES = $(PCAPIN_SOURCES)
input_pcap_la_CPPFLAGS = $(PCAPIN_CPPFLAGS)
input_pcap_la_LIBADD = $(PCAP_LIBS)
input_pcap_la_LDFLAGS = $(PLUGIN_LDFLAGS)

check_PROGRAMS += tests/unit/test_pcap
tests_unit_test_pcap_SOURCES = tests/unit/test_pcap.c $(PCAPIN_SOURCES) \
	plugins/filter/base/base.c plugins/filter/base/decode.c \
	plugins/filter/base/base.h tests/unit/harness.c
tests_unit_test_pcap_CPPFLAGS = $(PCAPIN_CPPFLAGS) \
	-I$(top_srcdir)/plugins/filter/base \
	-DPCAP_DATA='"$(abs_top_srcdir)/tests/data/pcap"'
tests_unit_test_pcap_LDADD = libnfpcore.la $(PCAP_LIBS)
TESTS += tests/unit/test_pcap

check_PROGRAMS += tests/fuzz/fuzz_pcap
tests_fuzz_fuzz_pcap_SOURCES = tests/fuzz/fuzz_pcap.c \
	plugins/input/pcap/pcap_parse.c plugins/input/pcap/pcap_parse.h
tests_fuzz_fuzz_pcap_CPPFLAGS = $(PCAPIN_CPPFLAGS)
tests_fuzz_fuzz_pcap_LDADD = libnfpcore.la
TESTS += tests/fuzz/fuzz_pcap
endif

# Every link type through `nfpiped --replay` and a whole stack; no root.
PCAPIN_INTEGRATION = tests/integration/replay-linktypes.sh
TESTS += $(PCAPIN_INTEGRATION)
EXTRA_DIST += $(PCAPIN_INTEGRATION) \
	tests/integration/golden/replay-linktypes.txt
