#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# autogen.sh - generate configure and Makefile.in from a git checkout
set -e
cd "$(dirname "$0")"
mkdir -p build-aux m4
autoreconf -fi
# configure removes a core dump named "core" after each test compile; our
# core/ directory makes every such rm complain. Silence that, nothing else.
sed -i 's/^\([[:space:]]*\)rm -f core /\1rm -f /' configure
