# SPDX-License-Identifier: GPL-2.0-or-later
# RRD: packet and byte counts per group into RRD files through librrd (or
# rrdcached), written by a worker thread on a timer. Built when configure
# finds librrd.
if HAVE_RRD
pkglib_LTLIBRARIES += output_rrd.la
output_rrd_la_SOURCES = plugins/output/rrd/rrd.c plugins/output/rrd/rrd_out.h
output_rrd_la_CPPFLAGS = $(AM_CPPFLAGS) $(RRD_CFLAGS)
output_rrd_la_LIBADD = $(RRD_LIBS)
output_rrd_la_LDFLAGS = $(PLUGIN_LDFLAGS)

check_PROGRAMS += tests/unit/test_rrd
tests_unit_test_rrd_SOURCES = tests/unit/test_rrd.c \
	plugins/output/rrd/rrd.c plugins/output/rrd/rrd_out.h \
	plugins/filter/base/base.c plugins/filter/base/decode.c \
	plugins/filter/base/base.h \
	tests/unit/harness.c tests/unit/harness.h tests/unit/tap.h
tests_unit_test_rrd_CPPFLAGS = $(AM_CPPFLAGS) $(RRD_CFLAGS) \
	-I$(top_srcdir)/plugins/output/rrd
tests_unit_test_rrd_LDADD = libnfpcore.la $(RRD_LIBS)
TESTS += tests/unit/test_rrd

# The lab on the real kernel, with and without rrdcached (root).
TESTS += $(RRD_INTEGRATION_TESTS)
endif
RRD_INTEGRATION_TESTS = tests/integration/rrd-nflog.sh \
	tests/integration/rrd-nfct.sh
EXTRA_DIST += plugins/output/rrd/README.md $(RRD_INTEGRATION_TESTS) \
	bench/rrd-rate
