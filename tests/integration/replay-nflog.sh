#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/replay-nflog.sh - a DLT_NFLOG capture replays as NFLOG
# logged it, on a real kernel
#
# The gateway logs the same forwarded packets to two NFLOG groups: nfpiped
# (NFLOG -> ... -> PRINTPKT -> LOGEMU) listens on group 3 while
# `tcpdump -i nflog:4` records group 4. Then `nfpiped --replay` runs the
# capture through the very same config: it must exit 0 by itself and write
# the same lines, prefixes included, as the live run.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip nft tcpdump
require_nfpiped
require_kernel_logging

N=20
lab_up

conf()
{
	write_conf "$1" <<EOF
stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,print1:PRINTPKT,emu1:LOGEMU

[log1]
group=3
netlink_qthreshold=1

[emu1]
file="$T/$1.txt"
framing=none
EOF
}
conf live
conf replay

nfpiped_start live
ok $? "nfpiped listens on group 3"
bg_ns "$NS_G" tcpdump -q -n -i nflog:4 -w "$T/cap.pcap" 2>"$T/tcpdump.err"
TCPDUMP_PID=$BG_PID
wait_for 5 grep -q 'listening on' "$T/tcpdump.err" ||
	bail_out "tcpdump did not start: $(cat "$T/tcpdump.err")"

nft_log_hooks 'udp dport 7777 log group 3 prefix "RP-@HOOK@ "
		udp dport 7777 log group 4 prefix "RP-@HOOK@ "
		icmp type echo-request log group 3 prefix "RP-PING "
		icmp type echo-request log group 4 prefix "RP-PING "'
psend_c udp 10.77.1.2 10.77.2.2 --sport 42001 --dport 7777 --count $N
psend_c icmp 10.77.1.2 10.77.2.2 --id 42 --icmpseq 1 --count $N

wait_lines "$T/live.txt" $((2 * N)) 10
# tcpdump's group keeps the kernel's 1 s batching timeout.
sleep 2
kill -INT "$TCPDUMP_PID" 2>/dev/null
wait "$TCPDUMP_PID" 2>/dev/null
nfpiped_stop
is "$?" 0 "live nfpiped exits 0"
is "$(nlines "$T/live.txt")" $((2 * N)) "live: one line a packet"
is "$(tcpdump -r "$T/cap.pcap" 2>/dev/null | wc -l)" $((2 * N)) \
	"tcpdump recorded every packet of group 4"

# The replay runs in the gateway too, so interface indexes name the same
# devices; it must end by itself.
timeout 20 ip netns exec "$NS_G" "$NFPIPED" -c "$T/replay.conf" \
	--replay "$T/cap.pcap" >"$T/replay.out" 2>"$T/replay.err"
is "$?" 0 "nfpiped --replay exits 0 at the end of the capture"
is "$(nlines "$T/replay.txt")" $((2 * N)) "replay: one line a packet"
is "$(grep -c '^RP-FWD ' "$T/replay.txt")" "$N" "replay: the UDP prefixes"
is "$(grep -c '^RP-PING ' "$T/replay.txt")" "$N" "replay: the ping prefixes"
if cmp -s "$T/live.txt" "$T/replay.txt"; then
	ok 0 "replay wrote what NFLOG logged live, line for line"
else
	ok 1 "replay wrote what NFLOG logged live, line for line"
	diff -u "$T/live.txt" "$T/replay.txt" | head -20 | sed 's/^/#   /'
fi
done_testing
