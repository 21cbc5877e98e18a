# SPDX-License-Identifier: GPL-2.0-or-later
# The tests that are not a plugin's own: the integration tests, which run
# nfpiped on the real kernel. (The config parser's unit tests are in
# tests/unit/local-config.mk, which Makefile.am includes itself: including
# it here too would list them twice.)

# Integration tests: each makes its own network namespaces, loads nft rules
# and runs nfpiped in them, so they need root (CI runs as root). They speak
# TAP (tests/integration/lib.sh) and take a few seconds each.
check_PROGRAMS += tests/integration/pktsend
tests_integration_pktsend_SOURCES = tests/integration/pktsend.c

INTEGRATION_TESTS = \
	tests/integration/printpkt-kernel.sh \
	tests/integration/printpkt-ulogd.sh \
	tests/integration/lifecycle.sh \
	tests/integration/stacks.sh \
	tests/integration/replay-nflog.sh \
	tests/integration/replay-stacks.sh \
	tests/integration/json-nflog.sh \
	tests/integration/json-net.sh \
	tests/integration/syslog-lab.sh \
	tests/integration/pcapout-nflog.sh
TESTS += $(INTEGRATION_TESTS)

# The shipped configs pass nfpiped --check (no root needed).
TESTS += tests/examples.sh
EXTRA_DIST += tests/examples.sh
EXTRA_DIST += $(INTEGRATION_TESTS) \
	tests/integration/lib.sh \
	tests/integration/traffic.sh \
	tests/integration/golden/printpkt-ulogd.txt \
	tests/integration/golden/replay-ulogd.txt \
	tests/integration/golden/replay-kernel.txt \
	tests/integration/golden/replay-oprint.txt \
	tests/integration/golden/replay-gprint.txt

# The scripts that install, build and try nfpipe (scripts/test is what the
# README and CI run; bench/ has its own fragment).
EXTRA_DIST += scripts/deps scripts/test scripts/quickstart
# Builds, lints, installs and purges the Debian packages (not in make check).
EXTRA_DIST += scripts/test-packages

# The control socket: nfpipe status and reload against a running daemon;
# config reloads under traffic; systemd's notify protocol and unit.
INTEGRATION_TESTS += tests/integration/status.sh
INTEGRATION_TESTS += tests/integration/reload.sh
INTEGRATION_TESTS += tests/integration/systemd.sh
INTEGRATION_TESTS += tests/integration/runuser.sh
