#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/stacks.sh - one NFLOG input feeding several stacks, and
# the ULOG alias, on a real kernel
#
#  - three stacks start at one NFLOG instance: two share everything up to
#    PRINTPKT and write two LOGEMU files that must be equal line for line;
#    the third prints in kernel format into a third file with as many
#    lines. The group is bound once (one line in nfnetlink_log).
#  - a ulogd2-era config naming ULOG (with its nlgroup option): --check
#    warns and says how to change the rule, and the daemon then logs the
#    packets of that group as NFLOG would.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip nft
require_nfpiped
require_kernel_logging

N=50
lab_up

write_conf st <<EOF
stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,print1:PRINTPKT,emu1:LOGEMU
stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,print1:PRINTPKT,emu2:LOGEMU
stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,print3:PRINTPKT,emu3:LOGEMU

[log1]
group=1
netlink_qthreshold=1

[print3]
format=kernel

[emu1]
file="$T/one.log"
framing=none

[emu2]
file="$T/two.log"
framing=none

[emu3]
file="$T/three.log"
framing=none
EOF

nfpiped_start st
ok $? "nfpiped starts with three stacks on one NFLOG instance"
kill -0 "$NFPIPED_PID" 2>/dev/null || bail_out "nfpiped is not running"
is "$(nsx "$NS_G" awk '$1 == 1' /proc/net/netfilter/nfnetlink_log | wc -l)" 1 \
	"NFLOG group 1 is bound once"

nft_log_hooks 'udp dport 7777 log group 1 prefix "ST"
		icmp type echo-request log group 1 prefix "ST"'
psend_c udp 10.77.1.2 10.77.2.2 --sport 42001 --dport 7777 --count $N
psend_c icmp 10.77.1.2 10.77.2.2 --id 42 --icmpseq 1 --count $N

wait_lines "$T/one.log" $((2 * N)) 10
wait_lines "$T/two.log" $((2 * N)) 10
wait_lines "$T/three.log" $((2 * N)) 10
nfpiped_stop
is "$?" 0 "nfpiped exits 0 on SIGTERM"

is "$(nlines "$T/one.log")" $((2 * N)) "first stack: one line a packet"
if cmp -s "$T/one.log" "$T/two.log"; then
	ok 0 "second stack wrote the same lines as the first"
else
	ok 1 "second stack wrote the same lines as the first"
	diff -u "$T/one.log" "$T/two.log" | head -20 | sed 's/^/#   /'
fi
is "$(nlines "$T/three.log")" $((2 * N)) "third stack (kernel format): one line a packet"
grep -q 'TOS=0x00 PREC=0x00' "$T/three.log"
ok $? "third stack prints in kernel format"
! grep -q 'TOS=0x' "$T/one.log"
ok $? "first stack prints in ulogd format"

# --- ULOG, read as NFLOG ---------------------------------------------------
write_conf ulog <<EOF
stack=ulog1:ULOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,print1:PRINTPKT,emu1:LOGEMU

[ulog1]
nlgroup=2

[emu1]
file="$T/ulog.log"
framing=none
EOF
"$NFPIPED" --check -c "$T/ulog.conf" >"$T/ulog-check.out" 2>&1
is "$?" 0 "--check accepts a config that names ULOG"
grep -q 'warning' "$T/ulog-check.out" &&
	grep -q 'ULOG' "$T/ulog-check.out" &&
	grep -q 'NFLOG --nflog-group' "$T/ulog-check.out"
ok $? "ULOG: a warning that says how to change the rule" ||
	diag_file "$T/ulog-check.out"
grep -q 'ulog.conf:4:' "$T/ulog-check.out"
ok $? "ULOG: the warning names the stack line" ||
	diag_file "$T/ulog-check.out"

nfpiped_start ulog
ok $? "nfpiped starts with ULOG in its stack"
nflog_bound 2
ok $? "ULOG's nlgroup=2 bound NFLOG group 2"
nsx "$NS_G" nft delete table inet nfpt
nft_log_hooks 'udp dport 7777 log group 2 prefix "UL"'
psend_c udp 10.77.1.2 10.77.2.2 --sport 42002 --dport 7777 --count 5
wait_lines "$T/ulog.log" 5 10
nfpiped_stop
is "$(count_matches '^UL IN=g0 OUT=g1 .*SPT=42002 DPT=7777 ' "$T/ulog.log")" 5 \
	"ULOG: the packets of group 2 are logged"

done_testing
