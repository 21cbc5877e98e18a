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
