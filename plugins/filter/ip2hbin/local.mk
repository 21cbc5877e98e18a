# SPDX-License-Identifier: GPL-2.0-or-later
# Its unit test, tests/unit/test_ip2, is declared in ../ip2str/local.mk.
pkglib_LTLIBRARIES += filter_ip2hbin.la
filter_ip2hbin_la_SOURCES = plugins/filter/ip2hbin/ip2hbin.c \
	plugins/filter/ip2str/ip2addr.h
filter_ip2hbin_la_LDFLAGS = $(PLUGIN_LDFLAGS)
EXTRA_DIST += plugins/filter/ip2hbin/README.md
