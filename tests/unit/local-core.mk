# SPDX-License-Identifier: GPL-2.0-or-later
# The core's own unit tests, and the harness every plugin test links.
EXTRA_DIST += tests/unit/tap.h tests/unit/harness.h

check_PROGRAMS += tests/unit/test_engine
tests_unit_test_engine_SOURCES = tests/unit/test_engine.c tests/unit/harness.c
tests_unit_test_engine_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/unit
tests_unit_test_engine_LDADD = libnfpcore.la
TESTS += tests/unit/test_engine
