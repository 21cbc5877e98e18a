#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/replay-stacks.sh - the checked-in captures through the
# main stacks give the checked-in golden output
#
# `nfpiped --replay` runs tests/data/pcap/{nflog,eth,raw,sll2}.pcap (made
# byte by byte by mkpcaps.py) through one config with four stacks: LOGEMU
# in ulogd and kernel format, OPRINT and GPRINT. Each stack's file must
# equal tests/integration/golden/replay-<stack>.txt, whose values were
# checked by hand against mkpcaps.py. No root and no kernel feature needed.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"

require_nfpiped
"$NFPIPED" --help-plugin PCAP >/dev/null 2>&1 ||
	skip_all "the PCAP input is not built (libpcap missing)"
G=$top_srcdir/tests/integration/golden

write_conf rs <<EOF
stack=log1:NFLOG,base1:BASE,ip2str1:IP2STR,print1:PRINTPKT,emu1:LOGEMU
stack=log1:NFLOG,base1:BASE,ip2str1:IP2STR,print2:PRINTPKT,emu2:LOGEMU
stack=log1:NFLOG,base1:BASE,ip2str1:IP2STR,op1:OPRINT
stack=log1:NFLOG,base1:BASE,ip2str1:IP2STR,gp1:GPRINT

[log1]
group=1

[print2]
format=kernel

[emu1]
file="$T/ulogd.txt"
framing=none

[emu2]
file="$T/kernel.txt"
framing=none

[op1]
file="$T/oprint.txt"

[gp1]
file="$T/gprint.txt"
EOF

for cap in nflog eth raw sll2; do
	timeout 20 "$NFPIPED" -c "$T/rs.conf" \
		--replay "$top_srcdir/tests/data/pcap/$cap.pcap" \
		>"$T/$cap.out" 2>"$T/$cap.err"
	is "$?" 0 "--replay $cap.pcap exits 0 at its end"
done
grep -q '3 frames, 1 malformed' "$T/rs.log"
ok $? "the malformed NFLOG frame was counted and skipped"

for s in ulogd kernel oprint gprint; do
	if [ -n "${NFPT_REGOLD:-}" ]; then
		cp "$T/$s.txt" "$G/replay-$s.txt"
	fi
	if cmp -s "$G/replay-$s.txt" "$T/$s.txt"; then
		ok 0 "$s stack matches golden/replay-$s.txt"
	else
		ok 1 "$s stack matches golden/replay-$s.txt"
		diff -u "$G/replay-$s.txt" "$T/$s.txt" | head -20 |
			sed 's/^/#   /'
	fi
done
done_testing
