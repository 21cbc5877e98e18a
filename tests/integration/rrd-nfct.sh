#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/rrd-nfct.sh - RRD files of real conntrack flows
#
# NFCT (accounting=1) -> RRD with group=orig.ip.protocol, mode=flows, step 1
# on the lab's gateway (masquerading NAT, conntrack on). The client opens
# TCP connections, UDP exchanges of known sizes (a small Python pair: n
# datagrams of L bytes, each answered with L/2 bytes) and IPv4 and IPv6
# pings; `conntrack -D` ends them all, and `conntrack -E -o extended`
# watches the same namespace. It runs in two rounds: a first flow of each
# protocol makes the files, then, inside one whole minute of the clock
# (the step-1 files' finest archive holds 1-minute points), the main
# flows. Checked afterwards:
#  - `rrdtool lastupdate` of each protocol file (1, 6, 17, 58) and of
#    all.rrd gives in_packets in_bytes out_packets out_bytes equal to the
#    sums of conntrack's DESTROY lines for that protocol, and for UDP and
#    the pings also to the counts worked out from what was sent;
#  - `rrdtool graph` of that minute, in and out bytes per file: the total
#    it computes from the rates (VDEF TOTAL) is exactly the bytes the main
#    round's DESTROY lines give;
#  - the README's flows graph, taken from README.md as it is written, runs
#    with bash and draws a PNG.
: "${NFPT_TIMEOUT:=300}" # the two minute waits take up to ~125 s
export NFPT_TIMEOUT
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$NFPT_SRC/nfct-lib.sh"

require_root
require_nfpiped
need_cmd conntrack conntrack
need_cmd socat socat
need_cmd nft nftables
need_cmd ping iputils-ping
need_cmd python3 python3
require_cmd rrdtool
"$NFPIPED" --help-plugin RRD >/dev/null 2>&1 ||
	bail_out "the RRD output is not built (librrd-dev)"
README=$top_srcdir/plugins/output/rrd/README.md

ct_lab
bg_ns "$NS_S" socat TCP-LISTEN:80,reuseaddr,fork SYSTEM:'echo hello'

# UDP: the server answers every datagram with half as many bytes; it ends
# by itself after 200 s without a datagram.
cat >"$T/udpsrv.py" <<'EOF'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 5300))
s.settimeout(200)
while True:
    data, peer = s.recvfrom(4096)
    s.sendto(b"r" * (len(data) // 2), peer)
EOF
# udpcli.py SPORT N LEN: N datagrams of LEN bytes from SPORT, one at a
# time, each waiting (at most 2 s) for its answer; exit 1 if one is lost.
cat >"$T/udpcli.py" <<'EOF'
import socket, sys
sport, n, ln = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.77.1.2", sport))
s.connect(("10.77.2.2", 5300))
s.settimeout(2)
for i in range(n):
    s.send(b"q" * ln)
    if len(s.recv(4096)) != ln // 2:
        sys.exit(1)
EOF
bg_ns "$NS_S" python3 "$T/udpsrv.py"
wait_listen "$NS_S" 80 && wait_listen "$NS_S" 5300 udp ||
	bail_out "servers did not start"

D=$T/rrd
write_conf flows <<EOF
stack=ct1:NFCT,rrd1:RRD

[ct1]
accounting=1
# Only the lab's flows (the gateway has no others, but be sure).
accept_src_filter=10.77.1.0/24,fd77:1::/64

[rrd1]
directory="$D"
group=orig.ip.protocol
mode=flows
step=1
EOF

ct_watch "$T/ct.txt"
nfpiped_start flows || bail_out "nfpiped did not start"

# udp SPORT N LEN: one UDP flow, checked.
udp()
{
	nsx "$NS_C" python3 "$T/udpcli.py" "$@"
	ok $? "UDP flow from port $1: $2 datagrams of $3 bytes answered"
}

# Sums of conntrack's DESTROY lines of the lab's flows from line $2 of
# file $1 on, for IP protocol number $3 (all for "all"): "in_packets
# in_bytes out_packets out_bytes". A line reads: [time] [DESTROY] ipv4 2
# tcp 6 src= dst= sport= dport= packets= bytes= src= ... packets= bytes=
ct_sum()
{
	tail -n +"$2" "$1" | grep -F '[DESTROY]' |
		awk -v want="$3" '{
			p = ""; np = 0; nb = 0; src = ""
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^ipv[46]$/) p = $(i + 3)
				if (src == "" && $i ~ /^src=/) src = substr($i, 5)
				if ($i ~ /^packets=/) pk[++np] = substr($i, 9)
				if ($i ~ /^bytes=/) by[++nb] = substr($i, 7)
			}
			if (src !~ /^(10\.77\.1\.|fd77:1::)/) next
			if (want != "all" && p != want) next
			ip += pk[1]; ib += by[1]; op += pk[2]; ob += by[2]
		} END { printf "%d %d %d %d\n", ip, ib, op, ob }'
}

# The values of `rrdtool lastupdate FILE` (after the timestamp).
lastvals()
{
	rrdtool lastupdate "$1" 2>/dev/null |
		awk -F': ' 'NF == 2 { v = $2 } END { print v }'
}

ndestroy()
{
	grep -c '\[DESTROY\]' "$T/ct.txt"
}

# ---- round 1: one flow of each protocol makes the files -----------------

tcp_once "$NS_C" 10.77.2.2 80
udp 40001 1 50
nsx "$NS_C" ping -c 1 -q 10.77.2.2 >/dev/null
ok $? "one IPv4 ping answered"
nsx "$NS_C" ping -6 -c 1 -q fd77:2::2 >/dev/null
ok $? "one IPv6 ping answered"
sleep 0.3
nsx "$NS_G" conntrack -D >/dev/null 2>&1
wait_for 5 has_matches 4 '\[DESTROY\]' "$T/ct.txt"
ok $? "conntrack saw the first four flows end"
sleep 0.3
r1_all=$(ct_sum "$T/ct.txt" 1 all)
wait_for 5 eval '[ "$(lastvals "$D/all.rrd")" = "$r1_all" ]'
is "$(lastvals "$D/all.rrd")" "$r1_all" \
	"while running, all.rrd has the first round's totals"

# ---- round 2: the main flows, inside one minute of the clock ------------

# M: the next minute boundary at least 1.5 s away, so that nothing of
# round 1 is written after it. Everything of round 2 must end before M+50.
now=$(date +%s.%N)
M=$(awk -v t="$now" 'BEGIN { m = int((t + 1.5) / 60) * 60 + 60; print m }')
sleep "$(awk -v t="$now" -v m="$M" 'BEGIN { printf "%.3f", m - t + 0.3 }')"
mark=$(($(nlines "$T/ct.txt") + 1))

tcp_once "$NS_C" 10.77.2.2 80
tcp_once "$NS_C" 10.77.2.2 80
udp 40002 5 100
udp 40003 3 200
nsx "$NS_C" ping -c 3 -i 0.2 -q 10.77.2.2 >/dev/null
ok $? "three IPv4 pings answered"
nsx "$NS_C" ping -6 -c 2 -i 0.2 -q fd77:2::2 >/dev/null
ok $? "two IPv6 pings answered"
sleep 0.3
nsx "$NS_G" conntrack -D >/dev/null 2>&1
wait_for 5 has_matches 10 '\[DESTROY\]' "$T/ct.txt"
ok $? "conntrack saw the six main flows end ($(ndestroy) DESTROY lines)"
sleep 0.3
end_main=$(date +%s)
check "round 2 ended inside its minute ($((end_main - M)) s after it began)" \
	test "$end_main" -lt $((M + 50))

all_want=$(ct_sum "$T/ct.txt" 1 all)
wait_for 5 eval '[ "$(lastvals "$D/all.rrd")" = "$all_want" ]'
is "$(lastvals "$D/all.rrd")" "$all_want" \
	"while running, the timer has written every flow into all.rrd"

# The minute [M, M+60) is one point of the finest archive: it is complete
# once an update after M+60 has come (idle_updates: every second).
now=$(date +%s.%N)
sleep "$(awk -v t="$now" -v m="$M" \
	'BEGIN { d = m + 61.5 - t; if (d < 0) d = 0; printf "%.3f", d }')"
nfpiped_stop
is "$?" 0 "nfpiped exits 0 on SIGTERM"
ct_unwatch

is "$(cd "$D" && ls | tr '\n' ' ')" \
	"1.rrd 17.rrd 58.rrd 6.rrd all.rrd " \
	"one file per IP protocol number (1, 6, 17, 58) and all.rrd"
is "$(rrdtool info "$D/6.rrd" |
	sed -n 's/^ds\[\(.*\)\]\.type = "DERIVE"$/\1/p' | sort | tr '\n' ' ')" \
	"in_bytes in_packets out_bytes out_packets " \
	"flows files have the four DERIVE data sources"

# ---- totals: rrdtool lastupdate against conntrack and the sent counts ---

for p in 1 6 17 58; do
	want=$(ct_sum "$T/ct.txt" 1 "$p")
	is "$(lastvals "$D/$p.rrd")" "$want" \
		"lastupdate $p.rrd = conntrack's DESTROY sums ($want)"
done
is "$(lastvals "$D/all.rrd")" "$all_want" \
	"lastupdate all.rrd = every DESTROY line ($all_want)"

# Worked out from what was sent: IPv4 ping 20 + 8 + 56 = 84 bytes each way,
# IPv6 ping 40 + 8 + 56 = 104; UDP 20 + 8 + L out and 28 + L/2 back.
is "$(lastvals "$D/1.rrd")" "4 336 4 336" \
	"ICMP: 1 + 3 pings of 84 bytes each way"
is "$(lastvals "$D/58.rrd")" "3 312 3 312" \
	"ICMPv6: 1 + 2 pings of 104 bytes each way"
udp_in=$((1 * 78 + 5 * 128 + 3 * 228))
udp_out=$((1 * 53 + 5 * 78 + 3 * 128))
is "$(lastvals "$D/17.rrd")" "9 $udp_in 9 $udp_out" \
	"UDP: 1 + 5 + 3 datagrams and their answers"
set -- $(lastvals "$D/6.rrd")
check "TCP: at least a handshake and a close each way, 3 connections ($*)" \
	test "${1:-0}" -ge 9 -a "${3:-0}" -ge 6

# ---- rrdtool graph: the minute of round 2 -------------------------------

cmd=(rrdtool graph "$T/minute.png" --start "$M" --end $((M + 60))
	--title "bytes/s per protocol" --vertical-label bytes/s)
for p in 1 6 17 58; do
	cmd+=("DEF:i$p=$D/$p.rrd:in_bytes:AVERAGE"
		"DEF:o$p=$D/$p.rrd:out_bytes:AVERAGE"
		"VDEF:ti$p=i$p,TOTAL" "VDEF:to$p=o$p,TOTAL"
		"LINE1:i$p#1f77b4:in $p" "LINE1:o$p#d62728:out $p"
		"PRINT:ti$p:%.0lf" "PRINT:to$p:%.0lf")
done
"${cmd[@]}" >"$T/graph.out" 2>&1
ok $? "rrdtool graph draws in and out bytes of the minute" ||
	diag_file "$T/graph.out"
is "$(head -c 4 "$T/minute.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')" \
	89504e47 "the graph is a PNG"
# graph prints the size line, then the PRINTs in order.
got=($(tail -n +2 "$T/graph.out"))
i=0
for p in 1 6 17 58; do
	set -- $(ct_sum "$T/ct.txt" "$mark" "$p")
	is "${got[i]} ${got[i + 1]}" "$2 $4" \
		"graph of $p.rrd: the rates over the minute add up to round 2's in/out bytes"
	i=$((i + 2))
done

# ---- the README's flows graph, as written -------------------------------

awk '/^```bash$/ { b = ""; inb = 1; next }
     /^```$/ && inb { if (b ~ /rrd\/flows/) { printf "%s", b; exit }; inb = 0 }
     inb { b = b $0 "\n" }' "$README" >"$T/readme-flows.sh"
check "README.md has a bash block for the flows graph" \
	test -s "$T/readme-flows.sh"
sed -i -e "s|/var/lib/nfpipe/rrd/flows|$D|" \
	-e "s|/tmp/flows.png|$T/flows.png|" "$T/readme-flows.sh"
bash "$T/readme-flows.sh" >"$T/readme.out" 2>&1
ok $? "the README's flows graph runs" ||
	{ diag_file "$T/readme-flows.sh"; diag_file "$T/readme.out"; }
is "$(head -c 4 "$T/flows.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')" \
	89504e47 "it draws a PNG"
is "$(count_matches 'error' "$T/flows.log")" 0 "no error in the log" ||
	diag_file "$T/flows.log"

done_testing
