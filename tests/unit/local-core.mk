# SPDX-License-Identifier: GPL-2.0-or-later
# The core's own unit tests, and the harness every plugin test links.
EXTRA_DIST += tests/unit/tap.h tests/unit/harness.h

check_PROGRAMS += tests/unit/test_engine
tests_unit_test_engine_SOURCES = tests/unit/test_engine.c tests/unit/harness.c
tests_unit_test_engine_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/unit
tests_unit_test_engine_LDADD = libnfpcore.la
TESTS += tests/unit/test_engine

# Fuzz targets replay their corpora in `make check`; build them with
# clang -fsanitize=fuzzer -DNFP_LIBFUZZER to fuzz for real.
EXTRA_DIST += tests/fuzz/replay.h tests/fuzz/flatrec.h
check_PROGRAMS += tests/fuzz/fuzz_config
tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz_config.c
tests_fuzz_fuzz_config_LDADD = libnfpcore.la
TESTS += tests/fuzz/fuzz_config

# The sink core (queue, worker, spool) shared by the database outputs.
check_PROGRAMS += tests/unit/test_spool tests/unit/test_sink tests/fuzz/fuzz_spool
tests_unit_test_spool_SOURCES = tests/unit/test_spool.c tests/unit/tap.h
tests_unit_test_spool_LDADD = libnfpcore.la
tests_unit_test_sink_SOURCES = tests/unit/test_sink.c tests/unit/tap.h
tests_unit_test_sink_LDADD = libnfpcore.la
tests_fuzz_fuzz_spool_SOURCES = tests/fuzz/fuzz_spool.c
tests_fuzz_fuzz_spool_LDADD = libnfpcore.la
TESTS += tests/unit/test_spool tests/unit/test_sink tests/fuzz/fuzz_spool
EXTRA_DIST += tests/data/spool/valid.seg tests/data/spool/torn.seg \
	tests/data/spool/gap.seg tests/data/spool/batch.bin \
	tests/data/spool/zstd.zseg
