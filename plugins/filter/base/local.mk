# SPDX-License-Identifier: GPL-2.0-or-later
# BASE: the packet decoder (decode.c, pure) and its plugin glue (base.c).
pkglib_LTLIBRARIES += filter_base.la
filter_base_la_SOURCES = plugins/filter/base/base.c \
	plugins/filter/base/decode.c plugins/filter/base/base.h
filter_base_la_LDFLAGS = $(PLUGIN_LDFLAGS)
EXTRA_DIST += plugins/filter/base/README.md

check_PROGRAMS += tests/unit/test_base
tests_unit_test_base_SOURCES = tests/unit/test_base.c \
	plugins/filter/base/base.c plugins/filter/base/decode.c \
	tests/unit/harness.c
tests_unit_test_base_CPPFLAGS = $(AM_CPPFLAGS)
tests_unit_test_base_LDADD = libnfpcore.la
TESTS += tests/unit/test_base

# The decoder on any bytes; `make check` replays tests/data/pkt/. Fuzz for
# real with clang -fsanitize=fuzzer,address -DNFP_LIBFUZZER (see README.md).
check_PROGRAMS += tests/fuzz/fuzz_base
tests_fuzz_fuzz_base_SOURCES = tests/fuzz/fuzz_base.c \
	plugins/filter/base/decode.c
tests_fuzz_fuzz_base_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/plugins/filter/base
tests_fuzz_fuzz_base_LDADD = libnfpcore.la
TESTS += tests/fuzz/fuzz_base
EXTRA_DIST += tests/data/pkt
