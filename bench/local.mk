# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmarks: they report figures, they are not tests, and nothing here is
# built by `make` or `make check`. `make bench-live` builds nfpiped, its
# plugins and the traffic generator, then runs bench/live (root).
EXTRA_PROGRAMS = bench/udpgen
bench_udpgen_SOURCES = bench/udpgen.c
EXTRA_DIST += bench/live bench/RESULTS.md

BENCH_LIVE_ARGS =
.PHONY: bench-live
bench-live: nfpiped bench/udpgen $(pkglib_LTLIBRARIES)
	NFPIPED='$(abs_top_builddir)/nfpiped' \
	NFPIPE_PLUGIN_DIR='$(abs_top_builddir)/.libs' \
	UDPGEN='$(abs_top_builddir)/bench/udpgen' \
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
