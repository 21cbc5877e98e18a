#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/syslog-lab.sh - SYSLOG lines of real logged packets
#
# NFLOG -> BASE -> IFINDEX -> IP2STR -> PRINTPKT -> SYSLOG on the lab's
# gateway, sending to a UNIX datagram socket of the test's own (the
# machine's /dev/log is never touched) where a small receiver writes one
# datagram a line. Each line must be an RFC 3164 message as syslog(3)
# sends it: <PRI> for local5.info (21 * 8 + 6 = 174), a time, the tag
# nfpiped[PID], and the PRINTPKT line of the packet. A second run shows
# that a logger that is not there yet is not fatal.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip nft python3
require_nfpiped
require_kernel_logging

N=20
lab_up

bg_ns "$NS_G" python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "ab", buffering=0) as f:
    while True:
        f.write(s.recv(65536) + b"\n")
' "$T/log.sock" "$T/received"
wait_for 5 test -S "$T/log.sock" || bail_out "receiver did not start"

write_conf sl <<EOF2
stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,print1:PRINTPKT,sl1:SYSLOG

[log1]
group=1
netlink_qthreshold=1

[sl1]
socket="$T/log.sock"
facility=LOG_LOCAL5
level=LOG_INFO
EOF2

nfpiped_start sl
ok $? "nfpiped starts with SYSLOG" || bail_out "no daemon"
nft_log_hooks 'udp dport 7777 log group 1 prefix "SL"'
psend_c udp 10.77.1.2 10.77.2.2 --sport 42001 --dport 7777 --count $N
wait_lines "$T/received" $N 10
pid=$NFPIPED_PID
nfpiped_stop
is "$?" 0 "nfpiped exits 0 on SIGTERM"

is "$(nlines "$T/received")" $N "one message a packet"
re="^<174>[A-Z][a-z][a-z] [ 1-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-6][0-9] "
re+="nfpiped\\[$pid\\]: SL IN=g0 OUT=g1 MAC=[0-9a-f:]* SRC=10\\.77\\.1\\.2 "
re+="DST=10\\.77\\.2\\.2 LEN=[0-9]* .*PROTO=UDP SPT=42001 DPT=7777 "
is "$(count_matches "$re" "$T/received")" $N \
	"each is <174>, a time, nfpiped[pid] and the PRINTPKT line" ||
	diag_file "$T/received" 3

# A logger that is not there: start anyway, say so.
write_conf sl2 <<EOF2
stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,print1:PRINTPKT,sl1:SYSLOG

[log1]
group=1

[sl1]
socket="$T/nobody.sock"
EOF2
nfpiped_start sl2
ok $? "no logger listening: nfpiped starts anyway"
nfpiped_stop
is "$?" 0 "... and stops cleanly"
done_testing
