#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/rrd-nflog.sh - RRD files of real logged packets
#
# NFLOG -> BASE -> RRD (group oob.prefix, step 1) on the lab's gateway. The
# client sends a known number of ICMP echoes (prefix "PING") and of IPv4
# and IPv6 UDP datagrams (prefix "UDP: 7777") with fixed payload sizes;
# the nft rules also count them (`counter`), so the kernel's own figures
# check the bytes. While the daemon runs, the step timer must already
# write the totals; after stop, `rrdtool lastupdate` of each file must give
# exactly the packets sent and the bytes the kernel counted, and the
# README's `rrdtool graph` script must draw packets/s per group into a
# PNG. A second run writes through an rrdcached this test starts (unix
# socket, -B base directory) and must give the same totals after
# `rrdtool flushcached`.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip nft rrdtool rrdcached
require_nfpiped
require_kernel_logging
"$NFPIPED" --help-plugin RRD >/dev/null 2>&1 ||
	bail_out "the RRD output is not built (librrd-dev)"

N_PING=20	# ICMP echo requests, 56 bytes of payload: 84 bytes each
N_UDP4=30	# UDP/IPv4, 72 bytes of payload: 100 bytes each
N_UDP6=10	# UDP/IPv6, 72 bytes of payload: 120 bytes each
lab_up

# The ruleset with counters, loaded (again) before each run.
rules()
{
	nsx "$NS_G" nft delete table inet nfpt 2>/dev/null
	nft_log_hooks 'icmp type echo-request counter log group 1 prefix "PING"
		udp dport 7777 counter log group 1 prefix "UDP: 7777"'
}

# Packets and bytes the kernel counted for the rules whose log prefix is
# $1, over the three hooks: "PACKETS BYTES".
nft_count()
{
	nsx "$NS_G" nft list table inet nfpt |
		awk -v p="prefix \"$1\"" 'index($0, p) {
			for (i = 1; i < NF; i++) {
				if ($i == "packets") n += $(i + 1)
				if ($i == "bytes") b += $(i + 1)
			} }
			END { print n + 0, b + 0 }'
}

traffic()
{
	psend_c icmp 10.77.1.2 10.77.2.2 --id 7 --icmpseq 1 --len 56 \
		--count $N_PING
	psend_c udp 10.77.1.2 10.77.2.2 --sport 40000 --dport 7777 --len 72 \
		--count $N_UDP4
	psend_c udp fd77:1::2 fd77:2::2 --sport 40000 --dport 7777 --len 72 \
		--count $N_UDP6
}

# The values of `rrdtool lastupdate FILE` (after the timestamp).
lastvals()
{
	rrdtool lastupdate "$@" 2>/dev/null | awk -F': ' 'NF == 2 { v = $2 } END { print v }'
}

want_ping="$N_PING $((N_PING * 84))"
want_udp="$((N_UDP4 + N_UDP6)) $((N_UDP4 * 100 + N_UDP6 * 120))"
want_all="$((N_PING + N_UDP4 + N_UDP6)) $((N_PING * 84 + N_UDP4 * 100 + N_UDP6 * 120))"

# ---- run 1: files written directly --------------------------------------

D1=$T/rrd
write_conf direct <<EOF
stack=log1:NFLOG,base1:BASE,rrd1:RRD

[log1]
group=1
netlink_qthreshold=1

[rrd1]
directory="$D1"
group=oob.prefix
step=1
EOF

T_START=$(date +%s)
nfpiped_start direct
ok $? "nfpiped starts with an RRD output" || bail_out "no daemon"
rules
traffic
is "$(nft_count PING)" "$want_ping" "the kernel counted the pings"
is "$(nft_count 'UDP: 7777')" "$want_udp" "the kernel counted the UDP datagrams"

# The timer writes while the daemon runs: no need to stop for the totals.
wait_for 5 eval '[ "$(lastvals "$D1/PING.rrd")" = "$want_ping" ]'
is "$(lastvals "$D1/PING.rrd")" "$want_ping" \
	"while running, the step timer has written PING's totals"
# Quiet seconds after the burst: each must be a known 0 in the files.
sleep 5.2
nfpiped_stop
is "$?" 0 "nfpiped exits 0 on SIGTERM"
T_STOP=$(date +%s)

is "$(cd "$D1" && ls | tr '\n' ' ')" "PING.rrd UDP__7777.rrd all.rrd " \
	"one file per prefix (': ' becomes '__') and all.rrd"
is "$(lastvals "$D1/PING.rrd")" "$want_ping" \
	"lastupdate PING: $want_ping (packets sent, bytes as the kernel's counter)"
is "$(lastvals "$D1/UDP__7777.rrd")" "$want_udp" \
	"lastupdate UDP: IPv4 and IPv6 datagrams and their bytes"
is "$(lastvals "$D1/all.rrd")" "$want_all" "lastupdate all: every packet"
is "$(rrdtool info "$D1/PING.rrd" | sed -n 's/^step = //p')" 1 "step 1"
is "$(rrdtool info "$D1/PING.rrd" | grep -c '^rra\[[0-9]*\]\.cf')" 8 \
	"eight archives (AVERAGE and MAX: the step, 1 min, 5 min, 1 h)"
is "$(rrdtool info "$D1/PING.rrd" | sed -n 's/^rra\[0\]\.rows = //p')" 3600 \
	"the first archive holds an hour of 1 s points"

# As a user checks it: `rrdtool fetch` over the run, at its default
# resolution. From the first known point on, every second is known (the
# burst as a rate, the quiet seconds as 0) but for the one stop cut short.
rrdtool fetch "$D1/PING.rrd" AVERAGE -s "$((T_START - 2))" -e "$T_STOP" \
	>"$T/fetch.out" 2>&1
ok $? "rrdtool fetch PING.rrd" || diag_file "$T/fetch.out"
read -r f_step f_known f_gaps f_zeros f_sum < <(awk -F': ' '
	NF == 2 && $1 ~ /^[0-9]+$/ {
		split($2, v, " ")
		if (prev) step = $1 - prev
		prev = $1
		if (v[1] ~ /nan/) { if (known) gap++; next }
		gaps += gap; gap = 0; known++
		if (v[1] + 0 == 0 && sum > 0) zeros++
		sum += v[1]
	}
	END { printf "%d %d %d %d %.0f\n", step, known, gaps, zeros, sum }' \
	"$T/fetch.out")
is "$f_step" 1 "fetch gives 1 s points by default"
is "$f_gaps" 0 "no unknown second between known ones" ||
	diag_file "$T/fetch.out"
ok "$([ "${f_zeros:-0}" -ge 3 ] && echo 0 || echo 1)" \
	"the quiet seconds are known zeros ($f_zeros)"
ok "$([ "${f_known:-0}" -ge 5 ] && echo 0 || echo 1)" \
	"at least 5 known seconds ($f_known)"
is "$(count_matches 'error' "$T/direct.log")" 0 "no error in the log"

# The README's packets graph, taken from README.md as it is written (the
# first bash block), with this run's directory and output file.
awk '/^```bash$/ { b = ""; inb = 1; next }
     /^```$/ && inb { if (b ~ /rrd\/prefix/) { printf "%s", b; exit }; inb = 0 }
     inb { b = b $0 "\n" }' "$top_srcdir/plugins/output/rrd/README.md" \
	>"$T/readme-pps.sh"
check "README.md has a bash block for the packets graph" \
	test -s "$T/readme-pps.sh"
sed -i -e "s|/var/lib/nfpipe/rrd/prefix|$D1|" -e "s|/tmp/pps.png|$T/pps.png|" \
	"$T/readme-pps.sh"
bash "$T/readme-pps.sh" >"$T/graph.out" 2>&1
ok $? "the README's graph runs on the files" ||
	{ diag_file "$T/readme-pps.sh"; diag_file "$T/graph.out"; }
is "$(head -c 4 "$T/pps.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')" \
	89504e47 "the graph is a PNG"

# ---- run 2: through rrdcached -------------------------------------------

B=$(cd "$T" && pwd -P)/cached
mkdir -p "$B"
rrdcached -g -l "unix:$T/rrdc.sock" -b "$B" -B -p "$T/rrdc.pid" \
	-w 3600 -z 1 >"$T/rrdcached.out" 2>&1 &
RRDC_PID=$!
NFPT_PIDS="$NFPT_PIDS $RRDC_PID"
wait_for 5 test -S "$T/rrdc.sock"
ok $? "rrdcached listens on $T/rrdc.sock" || {
	diag_file "$T/rrdcached.out"
	bail_out "no rrdcached"
}

D2=$B/rrd
write_conf cached <<EOF
stack=log1:NFLOG,base1:BASE,rrd1:RRD

[log1]
group=1
netlink_qthreshold=1

[rrd1]
directory="$D2"
step=1
daemon="unix:$T/rrdc.sock"
EOF

nfpiped_start cached
ok $? "nfpiped starts with daemon=unix:..." || bail_out "no daemon"
rules
traffic
sleep 1.2
nfpiped_stop
is "$?" 0 "nfpiped (rrdcached) exits 0 on SIGTERM"

# rrdcached keeps updates for -w 3600 s: until the flush the file on disk
# must not have the totals yet, or they did not go through the daemon.
isnt_yet=$(lastvals "$D2/PING.rrd")
[ "$isnt_yet" != "$want_ping" ]
ok $? "before the flush the disk lacks the totals ($isnt_yet): rrdcached has them"
rrdtool flushcached --daemon "unix:$T/rrdc.sock" "$D2"/*.rrd \
	>"$T/flush.out" 2>&1
ok $? "rrdtool flushcached" || diag_file "$T/flush.out"
is "$(cd "$D2" 2>/dev/null && ls | tr '\n' ' ')" \
	"PING.rrd UDP__7777.rrd all.rrd " "rrdcached created the same files"
is "$(lastvals "$D2/PING.rrd")" "$want_ping" "rrdcached: PING totals"
is "$(lastvals "$D2/UDP__7777.rrd")" "$want_udp" "rrdcached: UDP totals"
is "$(lastvals "$D2/all.rrd")" "$want_all" "rrdcached: all totals"
is "$(count_matches 'error' "$T/cached.log")" 0 \
	"no error in the log (rrdcached run)" || diag_file "$T/cached.log"

kill -TERM "$RRDC_PID" 2>/dev/null
wait "$RRDC_PID" 2>/dev/null
done_testing
