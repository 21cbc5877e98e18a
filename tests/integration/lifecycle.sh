#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/lifecycle.sh - signals, shutdown and config errors of a
# real nfpiped
#
#  - SIGHUP after the log file was renamed (as logrotate does): the lines
#    before the signal are in the renamed file, the lines after it in a new
#    file, none lost and none twice;
#  - SIGUSR1 writes each instance's counters to the daemon's log, with the
#    number of records seen;
#  - SIGTERM right after a burst: every packet the kernel logged is in the
#    file when the daemon has exited, and it exits 0;
#  - a config with several errors: exit 1, nothing started, every error
#    named with file:line on stderr; --check of a good config exits 0.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip nft
require_nfpiped
require_kernel_logging

N=200
lab_up

write_conf lc <<EOF
stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,print1:PRINTPKT,emu1:LOGEMU

[log1]
group=1
netlink_qthreshold=1

[emu1]
file="$T/emu.log"
framing=none
EOF

nfpiped_start lc
ok $? "nfpiped starts"
kill -0 "$NFPIPED_PID" 2>/dev/null || bail_out "nfpiped is not running"
nft_gw "table inet nfpt {
	chain c_fwd {
		type filter hook forward priority 0; policy accept;
		udp dport 7777 log group 1 prefix \"LC\"
	}
}"

# --- SIGHUP after a rename ---------------------------------------------
psend_c udp 10.77.1.2 10.77.2.2 --sport 41001 --dport 7777 --count $N
mv "$T/emu.log" "$T/emu.log.1"
kill -HUP "$NFPIPED_PID"
wait_for 5 test -e "$T/emu.log"
ok $? "SIGHUP: LOGEMU opened a new file after the rename"
psend_c udp 10.77.1.2 10.77.2.2 --sport 41002 --dport 7777 --count $N

_total_is()
{
	local want=$1

	shift
	[ "$(cat "$@" 2>/dev/null | wc -l)" -ge "$want" ]
}
wait_for 10 _total_is $((2 * N)) "$T/emu.log.1" "$T/emu.log"
total=$(cat "$T/emu.log.1" "$T/emu.log" 2>/dev/null | wc -l)
is "$total" $((2 * N)) "SIGHUP: $N lines before and $N after, none lost or doubled"
is "$(count_matches 'SPT=41001 ' "$T/emu.log.1")" $N \
	"SIGHUP: the renamed file holds every line from before the signal"
is "$(count_matches 'SPT=41002 ' "$T/emu.log")" $N \
	"SIGHUP: the new file holds every line from after the signal"

# --- SIGUSR1 ---------------------------------------------------------------
kill -USR1 "$NFPIPED_PID"
wait_for 5 grep -q '\[emu1\] counters:' "$T/lc.log"
ok $? "SIGUSR1: counters in the log"
grep '\[emu1\] counters:' "$T/lc.log" | tail -1 >"$T/usr1.txt"
grep -q " in=$((2 * N)) " "$T/usr1.txt"
ok $? "SIGUSR1: LOGEMU counted $((2 * N)) records" || diag_file "$T/usr1.txt"
grep -q " lines=$((2 * N))\b" "$T/usr1.txt"
ok $? "SIGUSR1: LOGEMU counted $((2 * N)) lines" || diag_file "$T/usr1.txt"
grep -q '\[log1\] counters:' "$T/lc.log"
ok $? "SIGUSR1: the NFLOG instance reports its counters too"

# --- SIGTERM right after a burst ------------------------------------------
M=500
before=$(cat "$T/emu.log.1" "$T/emu.log" | wc -l)
psend_c udp 10.77.1.2 10.77.2.2 --sport 41003 --dport 7777 --count $M
nfpiped_stop
is "$?" 0 "SIGTERM: nfpiped exits 0"
after=$(cat "$T/emu.log.1" "$T/emu.log" | wc -l)
is "$((after - before))" $M "SIGTERM: all $M packets of the burst are in the file"
drops=$(grep -o 'enobufs=[0-9]*' "$T/lc.log" | tail -1)
[ -n "$drops" ] && diag "NFLOG $drops"
grep -q ' stopped$' "$T/lc.log"
ok $? "SIGTERM: the log says it stopped"

# --- config errors -----------------------------------------------------------
# Line numbers matter: the test looks for each of them.
cat >"$T/bad.conf" <<EOF
[global]
logfile="$T/bad.log"
stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,print1:PRINTPKT,emu1:LOGEMU
stack=x1:NOSUCHPLUGIN,emu2:LOGEMU
[log1]
group=70000
[print1]
format=kernal
[emu1]
fiel="$T/never.log"
[emu2]
file="$T/never2.log"
EOF
timeout 10 ip netns exec "$NS_G" "$NFPIPED" -c "$T/bad.conf" \
	>"$T/bad.out" 2>"$T/bad.err"
rc=$?
is "$rc" 1 "bad config: exit status 1"
for spec in "4:NOSUCHPLUGIN" "6:70000" "8:kernal" "10:fiel"; do
	line=${spec%%:*}
	word=${spec#*:}
	grep -q "bad.conf:$line:.*$word" "$T/bad.err"
	ok $? "bad config: stderr names bad.conf:$line ($word)" ||
		diag_file "$T/bad.err"
done
grep -q 'did you mean "file"' "$T/bad.err"
ok $? "bad config: suggests \"file\" for \"fiel\""
[ ! -e "$T/never2.log" ] && ! nflog_bound 1
ok $? "bad config: nothing started (no output file, no NFLOG bind)"

"$NFPIPED" --check -c "$T/lc.conf" >"$T/check.out" 2>&1
is "$?" 0 "--check of a good config exits 0" || diag_file "$T/check.out"
"$NFPIPED" --check -c "$T/bad.conf" >"$T/check-bad.out" 2>&1
is "$?" 1 "--check of the bad config exits 1"

done_testing
