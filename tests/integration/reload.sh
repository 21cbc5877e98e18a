#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/reload.sh - config reloads under a stream of packets
#
# NFLOG (oob.seq.local on) -> BASE -> JSON js1, and -> IP2STR -> PRINTPKT
# -> LOGEMU emu1, on the lab's gateway, while the client sends a steady,
# bounded stream of UDP datagrams through an nft rule with a counter. In
# the middle a SIGHUP loads a config that adds a stack (js2) and changes an
# output (emu1 writes another file). Then:
#  - js1, which exists before and after, has every packet once, and the
#    NFLOG sequence numbers in it have no gap: the NFLOG socket stayed bound;
#  - emu1's two files together have every packet once (the changed output
#    stopped and flushed, the new one took over);
#  - js2 has every packet from its start on (a gap-free tail of js1's);
#  - the nft counter equals what NFLOG delivered and what js1 holds.
# A config with an error is refused (the log names file:line) and the
# running one goes on. Ten reloads under the stream, by SIGHUP and by
# `nfpipe reload`, lose nothing either (nfpipe status: lost 0).
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip nft python3
require_nfpiped
require_kernel_logging
NFPIPE=${NFPIPE:-$top_builddir/nfpipe}
[ -x "$NFPIPE" ] || bail_out "no nfpipe at $NFPIPE"

SOCK=$T/ctl.sock
lab_up

conf_a()
{
	write_conf rl <<EOF2
control_socket=$SOCK
stack=log1:NFLOG,base1:BASE,js1:JSON
stack=log1:NFLOG,base1:BASE,ip2str1:IP2STR,print1:PRINTPKT,emu1:LOGEMU

[log1]
group=1
seq_local=1
netlink_qthreshold=8
netlink_qtimeout=5

[js1]
file="$T/js1.json"

[emu1]
file="$T/emu-a.log"
EOF2
}

conf_b()
{
	write_conf rl <<EOF2
control_socket=$SOCK
stack=log1:NFLOG,base1:BASE,js1:JSON
stack=log1:NFLOG,base1:BASE,ip2str1:IP2STR,print1:PRINTPKT,emu1:LOGEMU
stack=log1:NFLOG,base1:BASE,js2:JSON

[log1]
group=1
seq_local=1
netlink_qthreshold=8
netlink_qtimeout=5

[js1]
file="$T/js1.json"

[emu1]
file="$T/emu-b.log"

[js2]
file="$T/js2.json"
EOF2
}

# The nft counter of the logging rule, summed over the chains.
nft_packets()
{
	nsx "$NS_G" nft list table inet nfpt |
		awk '/dport 7777 .*log/ { for (i = 1; i < NF; i++)
			if ($i == "packets") s += $(i + 1) } END { print s + 0 }'
}

# seqs FILE [FROM]: "count first last gaps dups" of oob.seq.local in FILE
seqs()
{
	python3 - "$1" <<'PY'
import json, sys
s = [json.loads(l)['oob.seq.local'] for l in open(sys.argv[1])]
u = sorted(set(s))
gaps = sum(b - a - 1 for a, b in zip(u, u[1:]))
print(len(s), u[0] if u else -1, u[-1] if u else -1, gaps, len(s) - len(u))
PY
}

stream()
{
	bg_ns "$NS_C" "$PKTSEND" --sport 42001 --dport 7777 --count "$1" \
		--interval 1 udp 10.77.1.2 10.77.2.2
	STREAM_PID=$BG_PID
}

status_field()
{
	"$NFPIPE" status -s "$SOCK" --json | python3 -c "import json, sys
s = json.load(sys.stdin)
print($1)"
}

conf_a
nfpiped_start rl || bail_out "no daemon"
nft_log_hooks 'udp dport 7777 counter log group 1 prefix "RL"'

# 1. One reload in the middle of a stream: a stack added, an output changed.
N=1500
stream $N
sleep 0.6
conf_b
kill -HUP "$NFPIPED_PID"
wait "$STREAM_PID"
wait_lines "$T/js1.json" $N 10
sleep 0.3
check "the reload was done" grep -q "reloaded .*: 5 instances kept, 2 started, 1 stopped" "$T/rl.log" ||
	diag_file "$T/rl.log"
is "$(nft_packets)" $N "nft counted $N packets"
read -r n first last gaps dups <<<"$(seqs "$T/js1.json")"
is "$n" $N "js1 (before and after the reload) has every packet"
is "$gaps $dups" "0 0" "js1: no gap and no repeat in oob.seq.local ($first..$last)"
a=$(nlines "$T/emu-a.log")
b=$(nlines "$T/emu-b.log")
is "$((a + b))" $N "emu1 changed file: $a lines before, $b after, every packet once"
check "emu1 wrote on both sides of the reload" test "$a" -gt 0 -a "$b" -gt 0
read -r n2 first2 last2 gaps2 dups2 <<<"$(seqs "$T/js2.json")"
is "$n2 $last2 $gaps2 $dups2" "$((last2 - first2 + 1)) $last 0 0" \
	"js2 (added) has every packet from its start on ($first2..$last2)"
is "$(status_field 's["loss"]["lost"], [i["counters"]["messages"] for i in s["instances"] if i["name"] == "log1"][0]')" \
	"0 $N" "status: NFLOG delivered $N messages, nothing lost"

# 2. A config with an error is refused; the running one goes on.
cp "$T/rl.conf" "$T/rl.conf.good"
printf '[js3]\nfiel="x"\n' >>"$T/rl.conf"
sed -i 's|^stack=log1:NFLOG,base1:BASE,js2:JSON$|&\nstack=log1:NFLOG,js3:JSON|' "$T/rl.conf"
kill -HUP "$NFPIPED_PID"
wait_for 5 grep -q "reload refused" "$T/rl.log"
ok $? "a bad config is refused"
check "the log names its file:line" \
	grep -q "rl.conf:[0-9]*: error: \[js3\] unknown option \"fiel\"" "$T/rl.log"
psend_c udp 10.77.1.2 10.77.2.2 --sport 42001 --dport 7777 --count 10
wait_lines "$T/js2.json" $((n2 + 10)) 10
is "$(nlines "$T/js1.json") $(nlines "$T/js2.json")" "$((N + 10)) $((n2 + 10))" \
	"the old config keeps running"
cp "$T/rl.conf.good" "$T/rl.conf"

# 3. Ten reloads under the stream, alternating configs, signal and socket.
before=$(nlines "$T/js1.json")
M=3000
stream $M
for i in 1 2 3 4 5 6 7 8 9 10; do
	sleep 0.2
	if [ $((i % 2)) = 1 ]; then conf_a; else conf_b; fi
	if [ $((i % 3)) = 0 ]; then
		"$NFPIPE" reload -s "$SOCK" >/dev/null 2>"$T/rl.err" ||
			diag_file "$T/rl.err"
	else
		kill -HUP "$NFPIPED_PID"
	fi
done
wait "$STREAM_PID"
wait_lines "$T/js1.json" $((before + M)) 10
sleep 0.3
total=$((N + 10 + M))
is "$(nft_packets)" $total "nft counted $total packets"
read -r n first last gaps dups <<<"$(seqs "$T/js1.json")"
is "$n $gaps $dups" "$total 0 0" "10 reloads under load: js1 has every packet, no gap, no repeat"
a=$(nlines "$T/emu-a.log")
b=$(nlines "$T/emu-b.log")
is "$((a + b))" $total "10 reloads: emu1's files together have every packet once"
is "$(status_field 's["reloads"], s["loss"]["lost"], s["loss"]["seq_gaps"], s["loss"]["kernel_drops"]')" \
	"11 0 0 0" "status: 11 reloads, nothing lost, no gap, no kernel drop"
check "the daemon is the one started first" kill -0 "$NFPIPED_PID"

nfpiped_stop
is "$?" 0 "nfpiped exits 0 on SIGTERM"
done_testing
