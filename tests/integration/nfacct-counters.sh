#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/nfacct-counters.sh - NFACCT against `nfacct list`
#
# Two nfacct objects in the gateway count what iptables rules
# `-m nfacct --nfacct-name` send them: web-in (TCP to port 80) and
# ping-all (ICMP both ways). nfpiped runs as nobody (the kernel checks
# CAP_NET_ADMIN on every poll) and polls every second:
#  1. zerocounter=0: the last record of each object equals `nfacct list`;
#  2. zerocounter=1: the records of a run add up to exactly the packets
#     and bytes sent, and the kernel's counters are left at zero.

. "$(dirname "$0")/lib.sh"
. "$NFPT_SRC/nfct-lib.sh"

require_root
require_nfpiped
need_cmd nfacct nfacct
need_cmd iptables iptables
need_cmd socat socat
need_cmd ping iputils-ping
id nobody >/dev/null 2>&1 || bail_out "no user nobody"

lab_up
nsx "$NS_G" nfacct add web-in || bail_out "nfacct add failed"
nsx "$NS_G" nfacct add ping-all
if ! nsx "$NS_G" iptables -A FORWARD -p tcp --dport 80 \
	-m nfacct --nfacct-name web-in 2>"$T/ipt.err"; then
	grep -qi 'no such file\|not supported\|unknown' "$T/ipt.err" &&
		skip_all "this kernel has no nfacct match: $(head -1 "$T/ipt.err")"
	bail_out "iptables: $(cat "$T/ipt.err")"
fi
nsx "$NS_G" iptables -A FORWARD -p icmp -m nfacct --nfacct-name ping-all
bg_ns "$NS_S" socat TCP-LISTEN:80,reuseaddr,fork SYSTEM:'echo hello'
wait_listen "$NS_S" 80 || bail_out "server did not start"

# last_rec NAME: the newest GPRINT record of object NAME.
last_rec()
{
	grep -E "(^|,)sum.name=$1(,|$)" "$T/gprint.log" | tail -1
}

# list_val NAME pkts|bytes: what `nfacct list` says now.
list_val()
{
	nsx "$NS_G" nfacct list | sed -n "s/.*$2 = 0*\([0-9][0-9]*\).*= $1;.*/\1/p"
}

write_conf cum <<EOF
stack=acct:NFACCT,gp1:GPRINT
[acct]
pollinterval=1
zerocounter=0
[gp1]
file="$T/gprint.log"
EOF
nfpiped_start cum -u nobody || bail_out "nfpiped did not start"
tcp_once "$NS_C" 10.77.2.2 80
tcp_once "$NS_C" 10.77.2.2 80
nsx "$NS_C" ping -c 3 -i 0.2 -q 10.77.2.2 >/dev/null
sleep 0.2
want_wp=$(list_val web-in pkts)
want_wb=$(list_val web-in bytes)
want_pp=$(list_val ping-all pkts)
want_pb=$(list_val ping-all bytes)
check "nfacct counted the traffic (web-in $want_wp, ping-all $want_pp)" \
	test "${want_wp:-0}" -gt 0 -a "${want_pp:-0}" -eq 6
n=$(nlines "$T/gprint.log")
wait_lines "$T/gprint.log" $((n + 4)) 5
rec=$(last_rec web-in)
is "$(gp_get "$rec" sum.pkts)/$(gp_get "$rec" sum.bytes)" \
	"$want_wp/$want_wb" "web-in: record equals nfacct list"
rec=$(last_rec ping-all)
is "$(gp_get "$rec" sum.pkts)/$(gp_get "$rec" sum.bytes)" \
	"$want_pp/$want_pb" "ping-all: record equals nfacct list"
check "records carry the time of the poll" \
	test "$(gp_get "$rec" oob.time.sec)" -ge "$(($(date +%s) - 5))"
is "$(list_val ping-all pkts)" "$want_pp" "zerocounter=0 leaves the counters"
is "$(nfp_counter cum "$NFPIPED_PID" acct dump_errors)" 0 \
	"polls keep working as nobody"
nfpiped_stop
ok $? "nfpiped stops cleanly"

# Get-and-reset: the records of one run add up to what was sent.
nsx "$NS_G" nfacct list reset >/dev/null
mv "$T/gprint.log" "$T/gprint-cum.log"
write_conf zero <<EOF
stack=acct:NFACCT,gp1:GPRINT
[acct]
pollinterval=1
[gp1]
file="$T/gprint.log"
EOF
nfpiped_start zero -u nobody || bail_out "nfpiped did not start"
nsx "$NS_C" ping -c 2 -i 0.3 -q 10.77.2.2 >/dev/null
sleep 1.2
nsx "$NS_C" ping -c 2 -i 0.3 -q 10.77.2.2 >/dev/null
n=$(nlines "$T/gprint.log")
wait_lines "$T/gprint.log" $((n + 4)) 5
nfpiped_stop
sum=$(grep -E '(^|,)sum.name=ping-all(,|$)' "$T/gprint.log" | tr ',' '\n' |
	awk -F= '$1 == "sum.pkts" { p += $2 } $1 == "sum.bytes" { b += $2 }
		 END { print p + 0 "/" b + 0 }')
# 4 echo requests and 4 replies of 84 bytes (20 IP + 8 ICMP + 56 data).
is "$sum" "8/672" "zerocounter=1: records add up to the 8 packets sent"
is "$(list_val ping-all pkts)" 0 "... and the kernel's counter was zeroed"
check "several polls took part" test \
	"$(grep -cE '(^|,)sum.name=ping-all(,|$)' "$T/gprint.log")" -ge 2
done_testing
