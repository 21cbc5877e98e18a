# SPDX-License-Identifier: GPL-2.0-or-later
pkglib_LTLIBRARIES += filter_ip2str.la
filter_ip2str_la_SOURCES = plugins/filter/ip2str/ip2str.c \
	plugins/filter/ip2str/ip2addr.h
filter_ip2str_la_LDFLAGS = $(PLUGIN_LDFLAGS)
EXTRA_DIST += plugins/filter/ip2str/README.md

# IP2STR, IP2BIN and IP2HBIN share one test program.
check_PROGRAMS += tests/unit/test_ip2
tests_unit_test_ip2_SOURCES = tests/unit/test_ip2.c \
	plugins/filter/ip2str/ip2str.c plugins/filter/ip2bin/ip2bin.c \
	plugins/filter/ip2hbin/ip2hbin.c plugins/filter/base/base.c \
	plugins/filter/base/decode.c tests/unit/harness.c
tests_unit_test_ip2_CPPFLAGS = $(AM_CPPFLAGS)
tests_unit_test_ip2_LDADD = libnfpcore.la
TESTS += tests/unit/test_ip2
