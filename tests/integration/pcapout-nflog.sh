#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/pcapout-nflog.sh - PCAP files of real logged packets
#
# NFLOG -> PCAP twice on the lab's gateway: linktype=raw and
# linktype=nflog (group 1). While UDP datagrams and ICMP echoes cross the
# gateway, tcpdump captures the same traffic on the gateway's g1 interface.
# tcpdump -r must read both files and print the same packets as its own
# capture (no timestamps, numeric); the NFLOG file must keep the prefix
# (tcpdump -v shows nothing of it, so the test finds the TLV bytes).
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip nft tcpdump
require_nfpiped
require_kernel_logging

N=20
lab_up

write_conf pc <<EOF2
stack=log1:NFLOG,raw1:PCAP
stack=log1:NFLOG,nfl1:PCAP

[log1]
group=1
netlink_qthreshold=1

[raw1]
file="$T/raw.pcap"

[nfl1]
file="$T/nflog.pcap"
linktype=nflog
group=1
EOF2

nfpiped_start pc
ok $? "nfpiped starts with two PCAP outputs" || bail_out "no daemon"
bg_ns "$NS_G" tcpdump -U -n -i g1 -w "$T/gw.pcap" \
	'udp port 7777 or icmp[icmptype] == 8' 2>"$T/tcpdump.err"
TCPDUMP_PID=$BG_PID
wait_for 5 grep -q 'listening on' "$T/tcpdump.err" ||
	bail_out "tcpdump did not start: $(cat "$T/tcpdump.err")"
nft_log_hooks 'udp dport 7777 log group 1 prefix "PCAP-FWD"
		icmp type echo-request log group 1 prefix "PCAP-FWD"'
psend_c udp 10.77.1.2 10.77.2.2 --sport 42001 --dport 7777 --count $N
psend_c icmp 10.77.1.2 10.77.2.2 --id 42 --icmpseq 1 --count $N
sleep 1
nfpiped_stop
is "$?" 0 "nfpiped exits 0 on SIGTERM"
kill -INT "$TCPDUMP_PID" 2>/dev/null
wait "$TCPDUMP_PID" 2>/dev/null

# Same packets, same order: addresses, ports, lengths, ICMP ids.
tcpdump -t -nn -r "$T/gw.pcap" 2>/dev/null >"$T/gw.txt"
tcpdump -t -nn -r "$T/raw.pcap" 2>"$T/raw.err" >"$T/raw.txt"
ok $? "tcpdump reads the raw file" || diag_file "$T/raw.err"
tcpdump -t -nn -r "$T/nflog.pcap" 2>"$T/nflog.err" >"$T/nflog.txt"
ok $? "tcpdump reads the NFLOG file" || diag_file "$T/nflog.err"
is "$(nlines "$T/gw.txt")" $((2 * N)) "the gateway capture has every packet"
if cmp -s "$T/gw.txt" "$T/raw.txt"; then
	ok 0 "raw file: the packets the gateway forwarded"
else
	ok 1 "raw file: the packets the gateway forwarded"
	diff -u "$T/gw.txt" "$T/raw.txt" | head -10 | sed 's/^/#   /'
fi
if cmp -s "$T/gw.txt" "$T/nflog.txt"; then
	ok 0 "NFLOG file: the same packets"
else
	ok 1 "NFLOG file: the same packets"
	diff -u "$T/gw.txt" "$T/nflog.txt" | head -10 | sed 's/^/#   /'
fi
is "$(tcpdump -r "$T/nflog.pcap" 2>&1 | head -1 | grep -c 'NFLOG')" 1 \
	"the NFLOG file's link type is NFLOG"
# The prefix TLV: length 13, type 10, "PCAP-FWD\0", one file record each.
is "$(grep -c -a -o 'PCAP-FWD' "$T/nflog.pcap")" "$((2 * N))" \
	"the NFLOG file keeps every prefix"
if command -v tshark >/dev/null; then
	is "$(tshark -r "$T/nflog.pcap" -T fields -e nflog.prefix 2>/dev/null |
		sort -u)" "PCAP-FWD" "tshark reads the prefix"
fi
done_testing
