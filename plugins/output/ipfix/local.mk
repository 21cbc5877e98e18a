# SPDX-License-Identifier: GPL-2.0-or-later
# IPFIX: flows (NFCT) or packets (NFLOG/BASE) as RFC 7011 IPFIX over UDP or
# TCP, through the queued-sink core. Plain sockets: always built.
pkglib_LTLIBRARIES += output_ipfix.la
output_ipfix_la_SOURCES = plugins/output/ipfix/ipfix.c \
	plugins/output/ipfix/ipfix_enc.c plugins/output/ipfix/ipfix_enc.h
output_ipfix_la_LDFLAGS = $(PLUGIN_LDFLAGS)

check_PROGRAMS += tests/unit/test_ipfix
tests_unit_test_ipfix_SOURCES = tests/unit/test_ipfix.c \
	plugins/output/ipfix/ipfix.c plugins/output/ipfix/ipfix_enc.c \
	plugins/output/ipfix/ipfix_enc.h \
	plugins/filter/base/base.c plugins/filter/base/decode.c \
	plugins/filter/base/base.h \
	tests/unit/harness.c tests/unit/harness.h tests/unit/tap.h
tests_unit_test_ipfix_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/plugins/output/ipfix -I$(top_srcdir)/tests/unit
tests_unit_test_ipfix_LDADD = libnfpcore.la
TESTS += tests/unit/test_ipfix

# Real kernel, nfcapd (UDP) and a small TCP receiver (root, namespaces).
IPFIX_INTEGRATION_TESTS = tests/integration/ipfix-nfct.sh \
	tests/integration/ipfix-nflog.sh tests/integration/ipfix-outage.sh
TESTS += $(IPFIX_INTEGRATION_TESTS)
EXTRA_DIST += plugins/output/ipfix/README.md $(IPFIX_INTEGRATION_TESTS)
