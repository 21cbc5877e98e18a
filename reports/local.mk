# SPDX-License-Identifier: GPL-2.0-or-later
# nfpipe, the command line: one file per subcommand, the table in main.c.
# It links the core's library for the config parser, so the CLI reads
# nfpiped.conf exactly as the daemon does.
bin_PROGRAMS += nfpipe
nfpipe_SOURCES = reports/main.c reports/cli.h reports/conf.c reports/check.c
nfpipe_SOURCES += reports/status.c
nfpipe_CPPFLAGS = $(AM_CPPFLAGS) -DSBINDIR=\"$(sbindir)\"
nfpipe_LDADD = libnfpcore.la
nfpipe_LDADD += -lm

# Dispatch, help, exit codes and `nfpipe check` (no root needed).
TESTS += tests/cli.sh
EXTRA_DIST += tests/cli.sh

# nfpipe blocklist: the BLACKLIST filter's list code (iplist.c) linked in,
# so the CLI reads lists exactly as the daemon does; libnftables for
# `load -t nft` when configure found it (else it runs nft -f).
nfpipe_SOURCES += reports/blocklist.c $(IPLIST_SOURCES)
nfpipe_CPPFLAGS += $(ZLIB_CFLAGS) -I$(top_srcdir)/plugins/filter/blacklist
nfpipe_LDADD += $(ZLIB_LIBS)
if HAVE_NFTABLES
nfpipe_CPPFLAGS += $(NFTABLES_CFLAGS) -DHAVE_NFTABLES
nfpipe_LDADD += $(NFTABLES_LIBS)
endif
# nfpipe report: the reports over SQLite, PostgreSQL and MySQL; what it
# shares with other subcommands (database URIs, time ranges, formats) is
# in db.c, timespec.c and fmt.c.
nfpipe_SOURCES += reports/report.c reports/report.h reports/db.c reports/db.h \
	reports/timespec.c reports/timespec.h reports/fmt.c reports/fmt.h \
	reports/html.c reports/rrdgraph.c
nfpipe_LDADD += -lm
if HAVE_SQLITE3
nfpipe_CPPFLAGS += $(SQLITE3_CFLAGS) -DNFP_HAVE_SQLITE3
nfpipe_LDADD += $(SQLITE3_LIBS)
endif
if HAVE_PGSQL
nfpipe_CPPFLAGS += $(PGSQL_CFLAGS) -DNFP_HAVE_PGSQL
nfpipe_LDADD += $(PGSQL_LIBS)
endif
if HAVE_MYSQL
nfpipe_CPPFLAGS += $(MYSQL_CFLAGS) -DNFP_HAVE_MYSQL
nfpipe_LDADD += $(MYSQL_LIBS)
endif
if HAVE_RRD
nfpipe_CPPFLAGS += $(RRD_CFLAGS) -DNFP_HAVE_RRD
nfpipe_LDADD += $(RRD_LIBS)
endif

# Every report and format over a fixture database (no root, no server).
TESTS += tests/report-sqlite.sh
EXTRA_DIST += tests/report-sqlite.sh tests/report-lib.sh \
	tests/data/report/fixture.sql tests/data/report/ext.sql \
	$(wildcard $(srcdir)/tests/data/report/golden/*)
dist_man_MANS += doc/man/nfpipe-report.1

# The same reports over throwaway PostgreSQL and MariaDB servers (root).
if HAVE_PGSQL
TESTS += tests/integration/report-pgsql.sh
endif
if HAVE_MYSQL
TESTS += tests/integration/report-mysql.sh
endif
EXTRA_DIST += tests/integration/report-pgsql.sh \
	tests/integration/report-mysql.sh
if HAVE_SQLITE3
if BUILD_NFLOG
TESTS += tests/integration/report-live.sh
endif
endif
EXTRA_DIST += tests/integration/report-live.sh

# The option and time parsers and the writers on any input; the corpus is
# replayed in make check (clang -fsanitize=fuzzer -DNFP_LIBFUZZER fuzzes).
check_PROGRAMS += tests/fuzz/fuzz_report_args
tests_fuzz_fuzz_report_args_SOURCES = tests/fuzz/fuzz_report_args.c \
	reports/report.c reports/db.c reports/fmt.c reports/html.c \
	reports/timespec.c reports/rrdgraph.c reports/conf.c
tests_fuzz_fuzz_report_args_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/reports
tests_fuzz_fuzz_report_args_LDADD = libnfpcore.la -lm
TESTS += tests/fuzz/fuzz_report_args
EXTRA_DIST += $(wildcard $(srcdir)/tests/data/fuzz-report/*)
