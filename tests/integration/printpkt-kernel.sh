#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/printpkt-kernel.sh - PRINTPKT format=kernel, line for line
# against the kernel's own LOG target
#
# Every hook of the gateway (input, forward, output) logs each packet four
# times: the kernel's LOG target (`log prefix`, read back from /dev/kmsg),
# NFLOG group 1 to nfpiped, LOG again with `flags all`, NFLOG group 3 to a
# second nfpiped stack whose PRINTPKT has every flag option on. Each
# nfpiped file must equal the matching kernel lines byte for byte, in the
# same order. Kernel LOG lines of other namespaces only reach the kernel
# log with net.netfilter.nf_log_all_netns=1: set here, restored on exit.
# The prefixes carry this run's tag, so only this run's lines are read.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/traffic.sh"

require_root
require_cmd ip nft ping nc ss dd sysctl
require_nfpiped
require_kernel_logging
require_kernel_log_target

LAB_MTU=1280
lab_up
sysctl_set net.netfilter.nf_log_all_netns 1 ||
	bail_out "cannot set net.netfilter.nf_log_all_netns"
P="NFPT$NFPT_RUN"

write_conf k <<EOF
stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,print1:PRINTPKT,emu1:LOGEMU
stack=log3:NFLOG,base3:BASE,ifi3:IFINDEX,ip2str3:IP2STR,print3:PRINTPKT,emu3:LOGEMU

[log1]
group=1
netlink_qthreshold=1

[print1]
format=kernel

[emu1]
file="$T/plain.log"
framing=none

[log3]
group=3
netlink_qthreshold=1

[print3]
format=kernel
tcp_sequence=1
tcp_options=1
ip_options=1
uid=1
macdecode=1

[emu3]
file="$T/all.log"
framing=none
EOF

nfpiped_start k
ok $? "nfpiped starts with two NFLOG stacks in the gateway"
kill -0 "$NFPIPED_PID" 2>/dev/null || bail_out "nfpiped is not running"

nft_log_hooks "log prefix \"$P-@HOOK@ \"
		log group 1 prefix \"$P-@HOOK@ \"
		log prefix \"$P-A@HOOK@ \" flags all
		log group 3 prefix \"$P-A@HOOK@ \""

mark=$(kmsg_mark)
traffic_exact
traffic_marker
traffic_live

kmsg_since "$mark" >"$T/kmsg.txt"
grep -E "^$P-(IN|FWD|OUT) " "$T/kmsg.txt" >"$T/kernel-plain.txt"
grep -E "^$P-A(IN|FWD|OUT) " "$T/kmsg.txt" >"$T/kernel-all.txt"
nk=$(nlines "$T/kernel-plain.txt")
na=$(nlines "$T/kernel-all.txt")

# The lab did its part: the kernel logged every kind of packet sent.
expect_kernel()
{
	grep -qE -- "$2" "$T/kernel-plain.txt"
	ok $? "kernel LOG saw $1"
}
expect_kernel "TCP SYN" "PROTO=TCP SPT=40001 DPT=81 WINDOW=64240 RES=0x00 SYN "
expect_kernel "the server's RST" "SPT=81 DPT=40001 WINDOW=0 RES=0x00 ACK RST "
expect_kernel "URG/PSH" "URG ACK PSH URGP=3 "
expect_kernel "CWR/ECE and reserved bits" "RES=0x10 CWR ECE SYN "
expect_kernel "port unreachable with the quoted UDP" \
	"TYPE=3 CODE=3 \[SRC=10.77.1.2 DST=10.77.2.2 .* DPT=33434 LEN=28 \]"
expect_kernel "ICMP echo and reply" "TYPE=0 CODE=0 ID=77 SEQ=1 "
expect_kernel "frag-needed on output" "-OUT IN= OUT=g0 .*TYPE=3 CODE=4 .*MTU=1280"
expect_kernel "IPv4 fragments" "ID=4243 MF FRAG:185 PROTO=ICMP "
expect_kernel "time exceeded" "TYPE=11 CODE=0 \["
expect_kernel "parameter problem" "TYPE=12 CODE=0 PARAMETER=21 "
expect_kernel "ESP" "PROTO=ESP SPI=0x1001 "
expect_kernel "AH" "PROTO=AH SPI=0x1002 "
expect_kernel "SCTP" "ID=4249 PROTO=132 "
expect_kernel "a redirect" "TYPE=5 CODE=1 GATEWAY=10.77.1.99 "
expect_kernel "input" "-IN IN=g0 OUT= MAC=$MAC_G0:$MAC_C0:08:00 "
expect_kernel "IPv6 TCP" "SRC=fd77:0001:0000:0000:0000:0000:0000:0002 .*PROTO=TCP SPT=40101 "
expect_kernel "ICMPv6 port unreachable" "PROTO=ICMPv6 TYPE=1 CODE=4 \["
expect_kernel "ICMPv6 echo" "TYPE=128 CODE=0 ID=81 SEQ=1 "
expect_kernel "IPv6 fragments" "FRAG:0 INCOMPLETE ID:000004d2 "
expect_kernel "packet too big" "TYPE=2 CODE=0 .*MTU=1280"
expect_kernel "a TCP connection" "SPT=8080 .* ACK SYN "
grep -qE "UID=0 GID=0 " "$T/kernel-all.txt"
ok $? "kernel LOG (flags all) saw a socket's UID and GID"
grep -qE "OPT \(01010100\) " "$T/kernel-all.txt"
ok $? "kernel LOG (flags all) saw IPv4 options"

# nfpiped has the same lines once it has read them all.
wait_lines "$T/plain.log" "$nk" 5
wait_lines "$T/all.log" "$na" 5
nfpiped_stop
is "$?" 0 "nfpiped exits 0 on SIGTERM"

compare()
{
	local what=$1 kernel=$2 ours=$3

	is "$(nlines "$ours")" "$(nlines "$kernel")" \
		"$what: as many nfpiped lines as kernel LOG lines"
	if diff -u --label "kernel LOG" --label "nfpiped" "$kernel" "$ours" \
		>"$T/$what.diff"; then
		ok 0 "$what: nfpiped lines equal the kernel's"
	else
		ok 1 "$what: nfpiped lines equal the kernel's"
		diag "diff (kernel LOG, then nfpiped):"
		diag_file "$T/$what.diff" 80
	fi
}
compare plain "$T/kernel-plain.txt" "$T/plain.log"
compare flags-all "$T/kernel-all.txt" "$T/all.log"

done_testing
