# SPDX-License-Identifier: GPL-2.0-or-later
# The core: nfpiped itself, and libnfpcore for the unit tests, which link
# plugins statically against the same code.
CORE_SOURCES = core/nfp.h core/core.h core/engine.h \
	core/diag.c core/config.c core/option.c \
	core/record.c core/engine.c core/loader.c core/loop.c core/log.c \
	core/replay.c core/replay.h core/spool.h core/spool.c core/sink.c core/privs.c \
	core/keyns.c core/control.c core/control.h

noinst_LTLIBRARIES += libnfpcore.la
libnfpcore_la_SOURCES = $(CORE_SOURCES)
libnfpcore_la_CPPFLAGS = $(AM_CPPFLAGS) $(ZSTD_CFLAGS)
libnfpcore_la_LIBADD = $(LTDL_LIBS) $(ZSTD_LIBS)

sbin_PROGRAMS += nfpiped
nfpiped_SOURCES = $(CORE_SOURCES) core/main.c
nfpiped_CFLAGS = $(AM_CFLAGS) $(LIBSYSTEMD_CFLAGS)
nfpiped_CPPFLAGS = $(AM_CPPFLAGS) $(ZSTD_CFLAGS)
nfpiped_LDADD = $(LTDL_LIBS) $(ZSTD_LIBS) $(LIBSYSTEMD_LIBS)
nfpiped_LDFLAGS = $(AM_LDFLAGS) -export-dynamic
