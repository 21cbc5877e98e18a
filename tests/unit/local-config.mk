# SPDX-License-Identifier: GPL-2.0-or-later
# Unit tests of the config parser, the diagnostics and the option tables;
# included from tests/local.mk.
check_PROGRAMS += tests/unit/test_config
tests_unit_test_config_SOURCES = tests/unit/test_config.c tests/unit/tap.h
tests_unit_test_config_LDADD = libnfpcore.la
TESTS += tests/unit/test_config

check_PROGRAMS += tests/unit/test_option
tests_unit_test_option_SOURCES = tests/unit/test_option.c tests/unit/tap.h
tests_unit_test_option_LDADD = libnfpcore.la
TESTS += tests/unit/test_option

# Sample configs the tests read through $top_srcdir.
EXTRA_DIST += tests/data/conf/good.conf tests/data/conf/crlf.conf \
	tests/data/conf/errors.conf tests/data/conf/ulogd.conf
