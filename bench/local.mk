# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmarks: they report figures, they are not tests, and nothing here is
# built by `make` or `make check`. `make bench-live` builds nfpiped, its
# plugins and the traffic generator, then runs bench/live (root).
EXTRA_PROGRAMS += bench/udpgen
bench_udpgen_SOURCES = bench/udpgen.c
EXTRA_DIST += bench/live bench/RESULTS.md bench/l7-replay bench/reload-live
# The bare libnetfilter_log receiver of bench/live's "bare" row.
EXTRA_PROGRAMS += bench/nflog-bare
bench_nflog_bare_SOURCES = bench/nflog-bare.c
bench_nflog_bare_CPPFLAGS = $(AM_CPPFLAGS) $(NFLOG_CFLAGS)
bench_nflog_bare_LDADD = $(NFLOG_LIBS)

BENCH_LIVE_ARGS =
.PHONY: bench-live
bench-live: nfpiped bench/udpgen bench/nflog-bare $(pkglib_LTLIBRARIES)
	NFPIPED='$(abs_top_builddir)/nfpiped' \
	NFPIPE_PLUGIN_DIR='$(abs_top_builddir)/.libs' \
	UDPGEN='$(abs_top_builddir)/bench/udpgen' \
	NFLOG_BARE='$(abs_top_builddir)/bench/nflog-bare' \
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	$(SHELL) '$(top_srcdir)/bench/live' $(BENCH_LIVE_ARGS)

# `make bench`: the replay table of bench/run (records/s, instructions per
# record with callgrind, peak RSS per stack), then the live figures.
EXTRA_DIST += bench/run
.PHONY: bench
bench: nfpiped bench/udpgen $(pkglib_LTLIBRARIES)
	NFPIPED='$(abs_top_builddir)/nfpiped' \
	NFPIPE_PLUGIN_DIR='$(abs_top_builddir)/.libs' \
	UDPGEN='$(abs_top_builddir)/bench/udpgen' \
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	$(SHELL) '$(top_srcdir)/bench/run'

# bench/sqlite3-rate: sustained rows/s into SQLite through the real engine.
if HAVE_SQLITE3
EXTRA_PROGRAMS += bench/sqlite3_rate
bench_sqlite3_rate_SOURCES = bench/sqlite3_rate.c plugins/output/sqlite3/sqlite3.c \
	plugins/filter/base/base.c plugins/filter/base/decode.c \
	plugins/filter/ip2str/ip2str.c tests/unit/harness.c tests/unit/harness.h
bench_sqlite3_rate_CPPFLAGS = $(AM_CPPFLAGS) $(SQLITE3_CFLAGS) \
	-I$(top_srcdir)/tests/unit -DNFP_SQLDIR=\"$(abs_top_srcdir)/etc/sql\"
bench_sqlite3_rate_LDADD = libnfpcore.la $(SQLITE3_LIBS)
endif
EXTRA_DIST += bench/sqlite3-rate

# bench/scan_rate: SCAN's table alone, ns per packet and memory at
# max_sources (`make bench/scan_rate && bench/scan_rate 8192 10000000`).
EXTRA_PROGRAMS += bench/scan_rate
bench_scan_rate_SOURCES = bench/scan_rate.c plugins/filter/scan/table.c
bench_scan_rate_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/filter/scan
bench_scan_rate_LDADD = -lm
# bench/report-bench: seconds of `nfpipe report` on 10 million packets in
# SQLite, without and with the report's indexes.
if HAVE_SQLITE3
EXTRA_PROGRAMS += bench/report_db
bench_report_db_SOURCES = bench/report_db.c
bench_report_db_CPPFLAGS = $(AM_CPPFLAGS) $(SQLITE3_CFLAGS)
bench_report_db_LDADD = $(SQLITE3_LIBS)
bench-report: nfpipe bench/report_db
	NFPIPE='$(abs_top_builddir)/nfpipe' \
	REPORT_DB='$(abs_top_builddir)/bench/report_db' \
	top_srcdir='$(abs_top_srcdir)' $(SHELL) '$(top_srcdir)/bench/report-bench'
endif
EXTRA_DIST += bench/report-bench
.PHONY: bench-report
