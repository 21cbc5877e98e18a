#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/nfct-events.sh - NFCT in event mode against conntrack -E
#
# A gateway with masquerading NAT forwards one TCP, one UDP, one ICMP and
# one IPv6 TCP flow from the client to the server. nfpiped (NFCT with the
# pairing table, accounting=1, timestamp=1, reliable=1) writes every record
# three ways: GPRINT (all keys), PRINTFLOW format=conntrackd and PRINTFLOW
# format=ulogd through LOGEMU. `conntrack -E -o timestamp,extended,id`
# watches the same namespace. After `conntrack -D` each flow's DESTROY
# record must agree with conntrack's: tuples, the NAT reply tuple,
# counters, start and end; the conntrackd line must be conntrack's own
# DESTROY line; nothing may be lost or left unpaired.

. "$(dirname "$0")/lib.sh"
. "$NFPT_SRC/nfct-lib.sh"

require_root
require_nfpiped
need_cmd conntrack conntrack
need_cmd socat socat
need_cmd nft nftables
need_cmd ping iputils-ping

ct_lab
bg_ns "$NS_S" socat TCP-LISTEN:80,reuseaddr,fork SYSTEM:'echo hello'
udp_echo_server "$NS_S" 53
bg_ns "$NS_S" socat TCP6-LISTEN:8080,reuseaddr,fork SYSTEM:'echo hello6'

write_conf ct <<EOF
stack=ct1:NFCT,gp1:GPRINT
stack=ct1:NFCT,ctd:PRINTFLOW,emu1:LOGEMU
stack=ct1:NFCT,ulg:PRINTFLOW,emu2:LOGEMU
[ct1]
accounting=1
timestamp=1
reliable=1
[gp1]
file="$T/gprint.log"
[ctd]
format=conntrackd
[emu1]
file="$T/ctd.log"
framing=none
[emu2]
file="$T/ulogd.log"
framing=none
EOF

ct_watch "$T/ct.txt"
nfpiped_start ct || bail_out "nfpiped did not start"
is "$(nsx "$NS_G" sysctl -n net.netfilter.nf_conntrack_acct)" 1 \
	"accounting=1 switched nf_conntrack_acct on in the gateway"
is "$(nsx "$NS_G" sysctl -n net.netfilter.nf_conntrack_timestamp)" 1 \
	"timestamp=1 switched nf_conntrack_timestamp on"

wait_listen "$NS_S" 80 && wait_listen "$NS_S" 53 udp &&
	wait_listen "$NS_S" 8080 || bail_out "servers did not start"
tcp_once "$NS_C" 10.77.2.2 80
check "UDP: the server answered" udp_once "$NS_C" 10.77.2.2 53
nsx "$NS_C" ping -c 2 -i 0.2 -q 10.77.2.2 >/dev/null
tcp_once "$NS_C" '[fd77:2::2]' 8080
sleep 0.3
# Whatever is tracked ends now, with a DESTROY event each.
nsx "$NS_G" conntrack -D >/dev/null 2>&1
sleep 0.5
ndestroy=$(grep -c '\[DESTROY\]' "$T/ct.txt")
wait_for 5 _has_lines "$T/gprint.log" "$ndestroy"

is "$(nfp_counter ct "$NFPIPED_PID" ct1 enobufs)" 0 "no overrun (enobufs=0)"
is "$(nfp_counter ct "$NFPIPED_PID" ct1 unpaired)" 0 \
	"every DESTROY found its NEW in the table (unpaired=0)"
is "$(netlink_drops "$NFPIPED_PID")" 0 \
	"the kernel dropped nothing for nfpiped's sockets"
nfpiped_stop
ok $? "nfpiped stops cleanly"
ct_unwatch

is "$(grep -c 'ct.event=4' "$T/gprint.log")" "$ndestroy" \
	"one DESTROY record per flow conntrack saw end ($ndestroy)"
is "$(grep -c 'ct.event=1' "$T/gprint.log")" 0 \
	"NEW only opens flows in the table: none reported"

# check_flow NAME PROTO PORT: compare nfpipe's DESTROY with conntrack's.
check_flow()
{
	local name=$1 line new id rec exp n ts start end want

	line=$(ct_line "$T/ct.txt" DESTROY "$2" "$3")
	if [ -z "$line" ]; then
		ok 1 "$name: conntrack saw it end"
		return
	fi
	n=$(printf '%s\n' "$line" | tr ' ' '\n' | grep -c '^id=')
	id=$(ct_nth "$line" id "$n")
	rec=$(gp_rec "$T/gprint.log" ct.event=4 "ct.id=$id")
	if [ -z "$rec" ]; then
		ok 1 "$name: nfpipe reported its DESTROY (ct.id=$id)"
		diag_file "$T/gprint.log"
		return
	fi
	ok 0 "$name: nfpipe reported its DESTROY (ct.id=$id)"
	is "$(gp_get "$rec" orig.ip.saddr) $(gp_get "$rec" orig.ip.daddr)" \
		"$(ct_nth "$line" src 1) $(ct_nth "$line" dst 1)" \
		"$name: original addresses"
	is "$(gp_get "$rec" reply.ip.saddr) $(gp_get "$rec" reply.ip.daddr)" \
		"$(ct_nth "$line" src 2) $(ct_nth "$line" dst 2)" \
		"$name: reply addresses (NAT)"
	if [ "$2" = icmp ]; then
		is "$(gp_get "$rec" icmp.type)/$(gp_get "$rec" icmp.code)" \
			"$(ct_nth "$line" type 1)/$(ct_nth "$line" code 1)" \
			"$name: ICMP type and code"
	else
		is "$(gp_get "$rec" orig.l4.sport) $(gp_get "$rec" orig.l4.dport) $(gp_get "$rec" reply.l4.sport) $(gp_get "$rec" reply.l4.dport)" \
			"$(ct_nth "$line" sport 1) $(ct_nth "$line" dport 1) $(ct_nth "$line" sport 2) $(ct_nth "$line" dport 2)" \
			"$name: ports both ways"
	fi
	is "$(gp_get "$rec" orig.raw.pktcount)/$(gp_get "$rec" orig.raw.pktlen) $(gp_get "$rec" reply.raw.pktcount)/$(gp_get "$rec" reply.raw.pktlen)" \
		"$(ct_nth "$line" packets 1)/$(ct_nth "$line" bytes 1) $(ct_nth "$line" packets 2)/$(ct_nth "$line" bytes 2)" \
		"$name: packets/bytes both ways"
	start=$(gp_get "$rec" flow.start.sec).$(printf '%06d' "$(gp_get "$rec" flow.start.usec)")
	end=$(gp_get "$rec" flow.end.sec).$(printf '%06d' "$(gp_get "$rec" flow.end.usec)")
	is "$(($(gp_get "$rec" flow.end.sec) - $(gp_get "$rec" flow.start.sec)))" \
		"$(ct_nth "$line" delta-time 1)" "$name: duration = delta-time"
	new=$(grep -F '[NEW]' "$T/ct.txt" | grep -E " id=$id( |$)" | head -1)
	ts=$(printf '%s\n' "$new" | sed -n 's/^\[\([0-9.]*\)\].*/\1/p')
	check "$name: start within 0.5 s of conntrack's NEW ($start vs $ts)" \
		awk -v a="$start" -v b="$ts" 'BEGIN { d = a - b; exit !(b != "" && d < 0.5 && d > -0.5) }'
	ts=$(printf '%s\n' "$line" | sed -n 's/^\[\([0-9.]*\)\].*/\1/p')
	check "$name: end within 0.5 s of conntrack's DESTROY ($end vs $ts)" \
		awk -v a="$end" -v b="$ts" 'BEGIN { d = a - b; exit !(b != "" && d < 0.5 && d > -0.5) }'
	is "$(gp_get "$rec" ct.state)" ESTABLISHED "$name: ct.state"

	# PRINTFLOW conntrackd: conntrack's DESTROY line without its event
	# prefix, layer 3 and id; dated with the flow's end.
	exp=$(printf '%s\n' "$line" | sed -E \
		-e 's/^\[[0-9.]+\][[:space:]]+\[DESTROY\] ipv[46] +[0-9]+ //' \
		-e 's/ id=[0-9]+( \[USERSPACE\].*)?$//')
	want="$(date -d "@$(gp_get "$rec" flow.end.sec)" '+%a %b %e %H:%M:%S %Y')	$exp"
	if grep -qxF -- "$want" "$T/ctd.log"; then
		ok 0 "$name: conntrackd line is conntrack's own"
	else
		ok 1 "$name: conntrackd line is conntrack's own"
		diag "wanted: $want"
		diag_file "$T/ctd.log"
	fi
}

check_flow tcp tcp 80
check_flow udp udp 53
check_flow icmp icmp 8
check_flow tcp6 tcp 8080

# PRINTFLOW ulogd: ulogd2's layout, built here from conntrack's values.
line=$(ct_line "$T/ct.txt" DESTROY tcp 80)
want="[DESTROY] ORIG: SRC=$(ct_nth "$line" src 1) DST=$(ct_nth "$line" dst 1) PROTO=TCP SPT=$(ct_nth "$line" sport 1) DPT=80 PKTS=$(ct_nth "$line" packets 1) BYTES=$(ct_nth "$line" bytes 1) , REPLY: SRC=$(ct_nth "$line" src 2) DST=$(ct_nth "$line" dst 2) PROTO=TCP SPT=80 DPT=$(ct_nth "$line" dport 2) PKTS=$(ct_nth "$line" packets 2) BYTES=$(ct_nth "$line" bytes 2) "
grep -qxF -- "$want" "$T/ulogd.log"
ok $? "ulogd layout line for the TCP flow"
line=$(ct_line "$T/ct.txt" DESTROY icmp 8)
want="[DESTROY] ORIG: SRC=10.77.1.2 DST=10.77.2.2 PROTO=ICMP TYPE=8 CODE=0 PKTS=$(ct_nth "$line" packets 1) BYTES=$(ct_nth "$line" bytes 1) , REPLY: SRC=10.77.2.2 DST=10.77.2.1 PROTO=ICMP TYPE=0 CODE=0 PKTS=$(ct_nth "$line" packets 2) BYTES=$(ct_nth "$line" bytes 2) "
grep -qxF -- "$want" "$T/ulogd.log"
ok $? "ulogd layout line for the ping: TYPE=8 CODE=0, reply TYPE=0"

done_testing
