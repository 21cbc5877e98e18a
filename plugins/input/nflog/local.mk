# SPDX-License-Identifier: GPL-2.0-or-later
# input/nflog: the NFLOG input module, its unit test, its fuzz target (which
# replays tests/data/nflog in `make check`) and the datagram recorder.
# libnetfilter_log builds the config requests (on libmnl); the packet
# messages are parsed by nflog_parse.c, which needs no library (PCAP builds
# it too) and which the fuzz target checks against libnetfilter_log's
# nflog_nlmsg_parse(). README.md says why the parser stays ours.
EXTRA_DIST += plugins/input/nflog/README.md tests/data/nflog

if BUILD_NFLOG
NFLOG_SOURCES = plugins/input/nflog/nflog.c \
	plugins/input/nflog/nflog_parse.c plugins/input/nflog/nflog_parse.h
NFLOG_CPPFLAGS = $(AM_CPPFLAGS) $(NFLOG_CFLAGS) $(LIBMNL_CFLAGS)
NFLOG_LIBADD = $(NFLOG_LIBS) $(LIBMNL_LIBS)

pkglib_LTLIBRARIES += input_nflog.la
input_nflog_la_SOURCES = $(NFLOG_SOURCES)
input_nflog_la_CPPFLAGS = $(NFLOG_CPPFLAGS)
input_nflog_la_LIBADD = $(NFLOG_LIBADD)
input_nflog_la_LDFLAGS = $(PLUGIN_LDFLAGS)

check_PROGRAMS += tests/unit/test_nflog
tests_unit_test_nflog_SOURCES = tests/unit/test_nflog.c $(NFLOG_SOURCES) \
	tests/unit/harness.c
tests_unit_test_nflog_CPPFLAGS = $(NFLOG_CPPFLAGS) \
	-I$(top_srcdir)/plugins/input/nflog
tests_unit_test_nflog_LDADD = libnfpcore.la $(NFLOG_LIBADD)
TESTS += tests/unit/test_nflog

check_PROGRAMS += tests/fuzz/fuzz_nflog
tests_fuzz_fuzz_nflog_SOURCES = tests/fuzz/fuzz_nflog.c \
	plugins/input/nflog/nflog_parse.c plugins/input/nflog/nflog_parse.h
tests_fuzz_fuzz_nflog_CPPFLAGS = $(NFLOG_CPPFLAGS) \
	-I$(top_srcdir)/plugins/input/nflog
tests_fuzz_fuzz_nflog_LDADD = libnfpcore.la $(NFLOG_LIBADD)
TESTS += tests/fuzz/fuzz_nflog

# The parse step alone for callgrind, ours and the library's (README.md,
# "Parsing"); a benchmark, built on demand: make bench/nflog-parse
EXTRA_PROGRAMS += bench/nflog-parse
bench_nflog_parse_SOURCES = bench/nflog-parse.c \
	plugins/input/nflog/nflog_parse.c plugins/input/nflog/nflog_parse.h
bench_nflog_parse_CPPFLAGS = $(NFLOG_CPPFLAGS) \
	-I$(top_srcdir)/plugins/input/nflog
bench_nflog_parse_LDADD = libnfpcore.la $(NFLOG_LIBADD)

# Records raw NFLOG datagrams for tests/data/nflog; built with the tests so
# that it keeps compiling, never installed.
check_PROGRAMS += tools/nflog-record
tools_nflog_record_SOURCES = tools/nflog-record.c
tools_nflog_record_CPPFLAGS = $(AM_CPPFLAGS) $(LIBMNL_CFLAGS)
tools_nflog_record_LDADD = $(LIBMNL_LIBS)
endif
