# SPDX-License-Identifier: GPL-2.0-or-later
# Its unit test, tests/unit/test_ip2, is declared in ../ip2str/local.mk.
pkglib_LTLIBRARIES += filter_ip2bin.la
filter_ip2bin_la_SOURCES = plugins/filter/ip2bin/ip2bin.c \
	plugins/filter/ip2str/ip2addr.h
filter_ip2bin_la_LDFLAGS = $(PLUGIN_LDFLAGS)
EXTRA_DIST += plugins/filter/ip2bin/README.md
