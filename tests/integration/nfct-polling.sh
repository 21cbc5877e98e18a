#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/nfct-polling.sh - NFCT polling under -u nobody
#
# nfpiped runs in the gateway with `-u nobody` and NFCT in polling mode
# (pollinterval=1, event_mask=7: every poll reports each live flow as
# UPDATE, and flows gone since the last poll as DESTROY). The kernel checks
# CAP_NET_ADMIN on every dump request, so ulogd2 logs nothing here once it
# has dropped privileges; nfpiped must keep CAP_NET_ADMIN, and only it, and
# go on. A TCP connection that stays open for a few seconds must show up
# while it lives; after `conntrack -D` every flow must come out as DESTROY
# with the counters `conntrack -L` showed last.

. "$(dirname "$0")/lib.sh"
. "$NFPT_SRC/nfct-lib.sh"

require_root
require_nfpiped
need_cmd conntrack conntrack
need_cmd socat socat
need_cmd nft nftables
need_cmd ping iputils-ping
id nobody >/dev/null 2>&1 || bail_out "no user nobody"

ct_lab
bg_ns "$NS_S" socat TCP-LISTEN:7000,reuseaddr,fork EXEC:cat
udp_echo_server "$NS_S" 53
wait_listen "$NS_S" 7000 && wait_listen "$NS_S" 53 udp ||
	bail_out "servers did not start"

write_conf poll <<EOF
stack=ct1:NFCT,gp1:GPRINT
[ct1]
pollinterval=1
event_mask=7
accounting=1
timestamp=1
[gp1]
file="$T/gprint.log"
EOF
nfpiped_start poll -u nobody || bail_out "nfpiped did not start"
pid=$NFPIPED_PID

wait_for 5 grep -q 'keeping CAP_NET_ADMIN only' "$T/poll.log"
ok $? "the daemon says it kept CAP_NET_ADMIN only"
is "$(awk '/^Uid:/ { print $2 "/" $3 }' "/proc/$pid/status")" \
	"$(id -u nobody)/$(id -u nobody)" "nfpiped runs as nobody"
is "$(awk '/^CapEff:/ { print $2 }' "/proc/$pid/status")" \
	0000000000001000 "its only capability is CAP_NET_ADMIN"
is "$(awk '/^CapPrm:/ { print $2 }' "/proc/$pid/status")" \
	0000000000001000 "... and it cannot regain any other"

# A connection that lives for 3 s, a datagram and two pings.
(printf 'hello\n'; sleep 3) |
	nsx "$NS_C" socat -T5 - TCP:10.77.2.2:7000 >/dev/null 2>&1 &
client=$!
check "UDP: the server answered" udp_once "$NS_C" 10.77.2.2 53
nsx "$NS_C" ping -c 2 -i 0.2 -q 10.77.2.2 >/dev/null
wait_for 5 grep -q 'ct.event=2,.*orig.l4.dport=7000\|orig.l4.dport=7000,.*ct.event=2' \
	"$T/gprint.log"
ok $? "a live TCP connection is reported by a poll (UPDATE)"
kill -0 $client 2>/dev/null
ok $? "... while it is still open"
wait $client

# Final counters, then the end of every flow.
sleep 1.2
nsx "$NS_G" conntrack -L -o extended,id >"$T/ct-list.txt" 2>/dev/null
nflows=$(grep -c ' id=' "$T/ct-list.txt")
check "conntrack lists the flows ($nflows)" test "$nflows" -ge 3
nsx "$NS_G" conntrack -D >/dev/null 2>&1
wait_for 5 has_matches "$nflows" 'ct.event=4' "$T/gprint.log"
is "$(grep -c 'ct.event=4' "$T/gprint.log")" "$nflows" \
	"one DESTROY per flow once they are gone"

while read -r line; do
	n=$(printf '%s\n' "$line" | tr ' ' '\n' | grep -c '^id=')
	id=$(ct_nth "$line" id "$n")
	rec=$(gp_rec "$T/gprint.log" ct.event=4 "ct.id=$id")
	what="$(printf '%s\n' "$line" | awk '{ print $3 }') $(ct_nth "$line" dst 1)"
	if [ -z "$rec" ]; then
		ok 1 "$what: DESTROY reported"
		continue
	fi
	is "$(gp_get "$rec" orig.raw.pktcount)/$(gp_get "$rec" orig.raw.pktlen) $(gp_get "$rec" reply.raw.pktcount)/$(gp_get "$rec" reply.raw.pktlen)" \
		"$(ct_nth "$line" packets 1)/$(ct_nth "$line" bytes 1) $(ct_nth "$line" packets 2)/$(ct_nth "$line" bytes 2)" \
		"$what: DESTROY carries the last counters"
	is "$(gp_get "$rec" reply.ip.daddr)" "$(ct_nth "$line" dst 2)" \
		"$what: NAT reply address"
	check "$what: start (kernel) before end (the poll that missed it)" \
		test "$(gp_get "$rec" flow.start.sec)" -le \
		"$(gp_get "$rec" flow.end.sec)"
done < <(grep ' id=' "$T/ct-list.txt")

is "$(nfp_counter poll "$pid" ct1 dump_errors)" 0 \
	"no dump was refused after the drop to nobody"
nfpiped_stop
ok $? "nfpiped stops cleanly"
done_testing
