# SPDX-License-Identifier: GPL-2.0-or-later
# IFINDEX: the rtnetlink-fed cache (ifcache.c, pure) and the plugin.
pkglib_LTLIBRARIES += filter_ifindex.la
filter_ifindex_la_SOURCES = plugins/filter/ifindex/ifindex.c \
	plugins/filter/ifindex/ifindex.h plugins/filter/ifindex/ifcache.c \
	plugins/filter/ifindex/ifcache.h
filter_ifindex_la_CFLAGS = $(AM_CFLAGS) $(LIBMNL_CFLAGS)
filter_ifindex_la_LIBADD = $(LIBMNL_LIBS)
filter_ifindex_la_LDFLAGS = $(PLUGIN_LDFLAGS)
EXTRA_DIST += plugins/filter/ifindex/README.md

check_PROGRAMS += tests/unit/test_ifindex
tests_unit_test_ifindex_SOURCES = tests/unit/test_ifindex.c \
	plugins/filter/ifindex/ifindex.c plugins/filter/ifindex/ifcache.c \
	tests/unit/harness.c
tests_unit_test_ifindex_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/plugins/filter/ifindex
tests_unit_test_ifindex_CFLAGS = $(AM_CFLAGS) $(LIBMNL_CFLAGS)
tests_unit_test_ifindex_LDADD = libnfpcore.la $(LIBMNL_LIBS)
TESTS += tests/unit/test_ifindex
