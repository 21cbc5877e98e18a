# SPDX-License-Identifier: GPL-2.0-or-later
# PCAP: the logged packets to a pcap file (raw IP or NFLOG). Writes the
# format itself: no libpcap needed.
pkglib_LTLIBRARIES += output_pcap.la
output_pcap_la_SOURCES = plugins/output/pcap/pcap.c \
	plugins/output/pcap/pcapfmt.c plugins/output/pcap/pcapfmt.h \
	plugins/output/logemu/filebuf.c plugins/output/logemu/filebuf.h
output_pcap_la_LDFLAGS = $(PLUGIN_LDFLAGS)
EXTRA_DIST += plugins/output/pcap/README.md

check_PROGRAMS += tests/unit/test_pcapout
tests_unit_test_pcapout_SOURCES = tests/unit/test_pcapout.c \
	plugins/output/pcap/pcap.c \
	plugins/output/pcap/pcapfmt.c plugins/output/pcap/pcapfmt.h \
	plugins/output/logemu/filebuf.c plugins/output/logemu/filebuf.h \
	tests/unit/harness.c tests/unit/harness.h tests/unit/tap.h
tests_unit_test_pcapout_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/unit
tests_unit_test_pcapout_LDADD = libnfpcore.la
TESTS += tests/unit/test_pcapout
