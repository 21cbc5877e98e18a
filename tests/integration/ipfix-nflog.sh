#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/ipfix-nflog.sh - IPFIX records=packets from NFLOG to nfcapd
#
# The gateway logs every forwarded ICMP, UDP and ICMPv6 packet of the lab
# to NFLOG group 1; nfpiped (NFLOG -> BASE -> IPFIX records=packets) sends
# one IPFIX record per packet over UDP to nfcapd on 127.0.0.1, with a small
# MTU and the templates in every message (send_template=always). Traffic:
# 3 pings (84 octets each way), one UDP datagram each way (33 octets), 2
# IPv6 pings (104 octets each way). `nfdump -r` must list exactly those
# packets, each 1 packet with its own length, addresses and ports.
#
# Made to hold on a loaded machine: the UDP server echoes from socat's own
# process (PIPE) instead of a forked `echo`, which socat could find gone
# when writing the query to it (EPIPE: no answer, 11 packets); the client
# waits for its answer and leaves as soon as it came (readbytes), so a late
# answer cannot meet a closed port (an ICMP error, 13 packets); and nfcapd
# is stopped only once it has read every datagram.

. "$(dirname "$0")/lib.sh"
. "$NFPT_SRC/nfct-lib.sh"

require_root
require_nfpiped
require_kernel_logging
need_cmd socat socat
need_cmd nft nftables
need_cmd ping iputils-ping
need_cmd nfcapd nfdump

lab_up
nft_gw "table inet nfpt {
	chain c_fwd {
		type filter hook forward priority 0; policy accept;
		icmpv6 type { $ND_MLD } accept
		meta l4proto { icmp, udp, ipv6-icmp } log group 1
	}
}"
# Each forked child ends 2 s after its exchange.
bg_ns "$NS_S" socat -T2 UDP-LISTEN:53,reuseaddr,fork PIPE

mkdir -p "$T/flows" "$T/spool"
bg_ns "$NS_G" nfcapd -b 127.0.0.1 -p 4739 -w "$T/flows" -I nfpt \
	>"$T/nfcapd.out" 2>&1
NFCAPD_PID=$BG_PID
wait_listen "$NS_G" 4739 udp || bail_out "nfcapd did not start"

write_conf pk <<EOF
stack=log1:NFLOG,base1:BASE,ip1:IPFIX
[log1]
group=1
netlink_qthreshold=1
[ip1]
host=127.0.0.1
proto=udp
records=packets
mtu=400
send_template=always
domain_id=3
spool_dir="$T/spool"
EOF

nfpiped_start pk || bail_out "nfpiped did not start"
wait_for 5 nflog_bound 1 || bail_out "NFLOG group 1 not bound"
wait_listen "$NS_S" 53 udp || bail_out "server did not start"

nsx "$NS_C" ping -c 3 -i 0.2 -q 10.77.2.2 >/dev/null
# "ping\n" and its echo: 5 octets of payload each way, 33 octets of IPv4.
echo ping | nsx "$NS_C" socat -t10 - UDP:10.77.2.2:53,readbytes=5 \
	>"$T/udp.out" 2>"$T/udp.err"
is "$(cat "$T/udp.out")" ping "the UDP server answered"
nsx "$NS_C" ping -6 -c 2 -i 0.2 -q fd77:2::2 >/dev/null
# The worker's counters reach the instance within a second.
for ((i = 0; i < 30; i++)); do
	sent=$(nfp_counter pk "$NFPIPED_PID" ip1 records)
	[ "$sent" = 12 ] && break
	sleep 0.3
done
is "$sent" 12 "IPFIX counts 12 data records sent"
nfpiped_stop
ok $? "nfpiped stops cleanly"
# nfcapd handles a datagram as soon as it has read it: once its receive
# queue is empty, it has every record.
for ((i = 0; i < 50; i++)); do
	q=$(nsx "$NS_G" ss -Huln 'sport = :4739' | awk '{ print $2 }')
	[ "$q" = 0 ] && break
	sleep 0.1
done
kill -TERM "$NFCAPD_PID"
wait "$NFCAPD_PID" 2>/dev/null
check "nfcapd got 12 flows" grep -q "Flows: 12, " "$T/nfcapd.out"
check "nfcapd: no sequence errors, no bad packets" \
	grep -qE "Sequence Errors: 0, Bad Packets: 0" "$T/nfcapd.out"

nfdump -q -R "$T/flows" -o 'fmt:%sa %da %sp %dp %pr %pkt %byt' \
	2>"$T/nfdump.err" | sed -e 's/  */ /g' -e 's/^ //' | sort \
	>"$T/nfdump.txt" || diag_file "$T/nfdump.err"

# What was sent, worked out from the traffic (NAT is off in this lab).
cat <<EOF | sort >"$T/want.txt"
10.77.1.2 10.77.2.2 0 8.0 ICMP 1 84
10.77.1.2 10.77.2.2 0 8.0 ICMP 1 84
10.77.1.2 10.77.2.2 0 8.0 ICMP 1 84
10.77.2.2 10.77.1.2 0 0.0 ICMP 1 84
10.77.2.2 10.77.1.2 0 0.0 ICMP 1 84
10.77.2.2 10.77.1.2 0 0.0 ICMP 1 84
fd77:1::2 fd77:2::2 0 128.0 ICMP6 1 104
fd77:1::2 fd77:2::2 0 128.0 ICMP6 1 104
fd77:2::2 fd77:1::2 0 129.0 ICMP6 1 104
fd77:2::2 fd77:1::2 0 129.0 ICMP6 1 104
EOF
sport=$(awk '$5 == "UDP" && $4 == 53 { print $3 }' "$T/nfdump.txt" | head -1)
printf '10.77.1.2 10.77.2.2 %s 53 UDP 1 33\n10.77.2.2 10.77.1.2 53 %s UDP 1 33\n' \
	"$sport" "$sport" >>"$T/want.txt"
sort -o "$T/want.txt" "$T/want.txt"
if diff -u "$T/want.txt" "$T/nfdump.txt" >"$T/diff.txt"; then
	ok 0 "nfdump lists every logged packet as sent (12 records)"
else
	ok 1 "nfdump lists every logged packet as sent (12 records)"
	diag_file "$T/diff.txt"
fi
ok "$([ -n "$sport" ] && [ "$sport" -gt 1023 ]; echo $?)" \
	"the UDP query's source port is an ephemeral one ($sport)"
is "$(grep -c . "$T/nfdump.txt")" 12 "12 records, no duplicates"

done_testing
