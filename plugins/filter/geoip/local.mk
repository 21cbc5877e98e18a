# SPDX-License-Identifier: GPL-2.0-or-later
# GEOIP: built when configure finds libloc or libmaxminddb (either back end
# alone is fine). tests/geoip.sh compares it with libloc's own `location`
# tool and with an mmdb it writes, through the helper geoip_probe.
if BUILD_GEOIP
GEOIP_CPPFLAGS = $(AM_CPPFLAGS)
GEOIP_LIBS =
if HAVE_LIBLOC
GEOIP_CPPFLAGS += $(LIBLOC_CFLAGS) -DHAVE_LIBLOC
GEOIP_LIBS += $(LIBLOC_LIBS)
endif
if HAVE_MAXMINDDB
GEOIP_CPPFLAGS += $(MAXMINDDB_CFLAGS) -DHAVE_MAXMINDDB
GEOIP_LIBS += $(MAXMINDDB_LIBS)
endif

pkglib_LTLIBRARIES += filter_geoip.la
filter_geoip_la_SOURCES = plugins/filter/geoip/geoip.c
filter_geoip_la_CPPFLAGS = $(GEOIP_CPPFLAGS)
filter_geoip_la_LIBADD = $(GEOIP_LIBS)
filter_geoip_la_LDFLAGS = $(PLUGIN_LDFLAGS)

check_PROGRAMS += tests/unit/geoip_probe
tests_unit_geoip_probe_SOURCES = tests/unit/geoip_probe.c \
	plugins/filter/geoip/geoip.c \
	plugins/filter/base/base.c plugins/filter/base/decode.c \
	tests/unit/harness.c
tests_unit_geoip_probe_CPPFLAGS = $(GEOIP_CPPFLAGS)
tests_unit_geoip_probe_LDADD = libnfpcore.la $(GEOIP_LIBS)
TESTS += tests/geoip.sh
endif
EXTRA_DIST += plugins/filter/geoip/README.md tests/geoip.sh \
	tests/geoip-mmdb.pl
# CPU per packet of GEOIP and BLACKLIST on a replay (not a test).
EXTRA_DIST += bench/geo-replay
