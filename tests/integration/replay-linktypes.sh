#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/replay-linktypes.sh - every link type and encapsulation
# the PCAP input reads, through `nfpiped --replay` and a whole stack
#
# Each capture of tests/data/pcap that mkpcaps.py made for issue 10
# (loopback, PPP and its variants, Cisco HDLC, bare IPv4/IPv6, PPPoE,
# FabricPath, QinQ and SNAP, MPLS, 802.11, radiotap, PPI, nanosecond pcap,
# pcapng) goes through
# NFLOG -> BASE -> IP2STR -> PRINTPKT -> LOGEMU and NFLOG -> BASE -> IP2STR
# -> JSON with --replay: nfpiped must exit 0 by itself, its log must count
# the frames by reason (IP, not IP, malformed, unsupported link type), and
# the LOGEMU lines of all captures must equal golden/replay-linktypes.txt
# (checked by hand against mkpcaps.py); the JSON lines must carry the same
# addresses. ndpiReader (Debian's libndpi-bin) must count the same IP
# packets where it reads the link type and the encapsulation; where it does
# not, its count is shown, not judged. A capture of a link type the input
# does not read must stop nfpiped with an error naming the link type. No
# root and no kernel feature needed.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"

require_nfpiped
"$NFPIPED" --help-plugin PCAP >/dev/null 2>&1 ||
	skip_all "the PCAP input is not built (libpcap missing)"
require_cmd ndpiReader python3
G=$top_srcdir/tests/integration/golden
D=$top_srcdir/tests/data/pcap

write_conf lt <<EOF
stack=log1:NFLOG,base1:BASE,ip2str1:IP2STR,print1:PRINTPKT,emu1:LOGEMU
stack=log1:NFLOG,base1:BASE,ip2str1:IP2STR,js1:JSON

[log1]
group=1

[emu1]
file="$T/emu.txt"
framing=none

[js1]
file="$T/json.txt"
EOF

# capture, then what the end-of-file line must count: frames, malformed,
# IP, not IP, unsupported; then "=" when ndpiReader reads it alike, else
# "~" (ndpiReader 4.2 does not read that link type or encapsulation).
CAPS="
null.pcap 5 1 3 1 0 =
loop.pcap 2 0 2 0 0 ~
ppp.pcap 4 0 3 1 0 ~
ppp_serial.pcap 2 0 2 0 0 =
chdlc.pcap 3 0 2 1 0 =
ppp_dir.pcap 1 0 1 0 0 ~
ppp_pppd.pcap 1 0 1 0 0 ~
chdlc_dir.pcap 1 0 1 0 0 ~
ipv4.pcap 1 0 1 0 0 =
ipv6.pcap 1 0 1 0 0 =
raw12.pcap 1 0 1 0 0 =
raw14.pcap 1 0 1 0 0 ~
pppoe.pcap 5 1 2 2 0 =
ppp_ether.pcap 1 0 1 0 0 ~
fabricpath.pcap 3 1 2 0 0 ~
qinq.pcap 3 0 3 0 0 ~
wlan.pcap 3 0 1 2 0 ~
radiotap.pcap 2 0 2 0 0 ~
ppi.pcap 3 0 2 0 1 ~
mpls.pcap 4 1 2 1 0 =
loop-ns.pcap 1 0 1 0 0 ~
eth.pcapng 2 0 2 0 0 =
null-be.pcapng 1 0 1 0 0 =
"

: >"$T/all.txt"
while read -r cap frames bad ip notip unsup ndpi; do
	[ -n "$cap" ] || continue
	: >"$T/emu.txt"
	: >"$T/json.txt"
	timeout 20 "$NFPIPED" -c "$T/lt.conf" --replay "$D/$cap" \
		>"$T/out.txt" 2>&1
	is "$?" 0 "--replay $cap exits 0 at its end"
	want="end of $D/$cap: $frames frames, $bad malformed, $ip IP, $notip not IP, $unsup of an unsupported link type"
	grep -qF "$want" "$T/lt.log"
	ok $? "$cap: $frames frames: $ip IP, $notip not IP, $bad malformed, $unsup unsupported"
	{
		echo "== $cap"
		cat "$T/emu.txt"
	} >>"$T/all.txt"
	# JSON: one object a record, with the addresses LOGEMU printed.
	python3 - "$T/json.txt" "$T/emu.txt" <<'PY'
import json, re, sys
js = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
emu = [l for l in open(sys.argv[2]) if l.strip()]
want = [re.search(r'SRC=(\S+)', l) for l in emu]
got = [j.get('src_ip', j.get('ip.saddr')) for j in js]
sys.exit(0 if len(js) == len(emu) and
         all((w.group(1) if w else None) == g for w, g in zip(want, got))
         else 1)
PY
	ok $? "$cap: JSON has a record per LOGEMU line, same sources"
	n=$(ndpiReader -i "$D/$cap" 2>&1 |
		sed -n 's/^[[:space:]]*IP packets:[[:space:]]*\([0-9]*\).*/\1/p')
	if [ "$ndpi" = "=" ]; then
		is "$n" "$ip" "$cap: ndpiReader reads the same $ip IP packets"
	else
		diag "$cap: ndpiReader 4.2 reads ${n:-no} IP packets, we read $ip"
	fi
done <<<"$CAPS"

if [ -n "${NFPT_REGOLD:-}" ]; then
	cp "$T/all.txt" "$G/replay-linktypes.txt"
fi
if cmp -s "$G/replay-linktypes.txt" "$T/all.txt"; then
	ok 0 "LOGEMU lines match golden/replay-linktypes.txt"
else
	ok 1 "LOGEMU lines match golden/replay-linktypes.txt"
	diff -u "$G/replay-linktypes.txt" "$T/all.txt" | head -30 |
		sed 's/^/#   /'
fi

# A link type the input does not read: an error that names it.
timeout 20 "$NFPIPED" -c "$T/lt.conf" --replay "$D/fddi.pcap" \
	>"$T/out.txt" 2>&1
rc=$?
ok $((rc == 0 || rc == 124)) "--replay fddi.pcap fails (exit $rc)"
grep -q 'link type 10 (FDDI) is not one this input reads' \
	"$T/lt.log" "$T/out.txt"
ok $? "the error names the link type: 10 (FDDI)"
done_testing
