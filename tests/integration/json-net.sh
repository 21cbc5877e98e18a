#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/json-net.sh - JSON over TCP, UDP and a UNIX socket
#
# NFLOG -> BASE -> IP2STR -> JSON on the lab's gateway, sending to a
# python3 receiver in the gateway namespace that appends every byte it
# gets to a file. Each logged UDP datagram has a source port of its own
# (40001, 40002, ...), so every object can be matched to its packet.
#
# mode=tcp, in three bursts of 50 packets:
#   A  the receiver is up; we wait until it has all 50 objects;
#   -  the receiver is killed (SIGKILL, by PID) while idle, having read
#      everything sent so far; its kernel closes the connection;
#   B  50 packets with no receiver: the daemon must notice the closed
#      connection before writing (TCP would take one write into it and
#      lose it), queue and spool (the "spooled" counter, read with
#      SIGUSR1, is above 0);
#   C  a new receiver on the same port, 50 more packets.
# Asserted: every line parses as JSON; each of the 150 packets' objects is
# there (by source port); first occurrences are in the order sent; at
# most one batch (batch=25) of duplicates (at-least-once delivery: a batch
# is sent again after a failure). The receiver is killed between bursts,
# not in the middle of one: bytes a killed receiver had not read yet die
# with it, which no sender can notice without acknowledgements from the
# receiver.
# mode=udp and mode=unix: 20 packets each, every object once, in order.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip nft python3
require_nfpiped
require_kernel_logging

PORT=17345
BATCH=25
lab_up

# receiver KIND ADDR OUT: python3 in the gateway, appending what it gets
# to OUT; sets RPID; waits until it listens.
receiver()
{
	rm -f "$3.ready"
	bg_ns "$NS_G" python3 -c '
import os, socket, sys
kind, addr, out = sys.argv[1:4]
f = open(out, "ab", buffering=0)
if kind == "udp":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind(("127.0.0.1", int(addr)))
elif kind == "tcp":
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(addr)))
    s.listen(4)
else:
    if os.path.exists(addr):
        os.unlink(addr)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(addr)
    s.listen(4)
open(out + ".ready", "w").close()
if kind == "udp":
    while True:
        f.write(s.recv(65536))
while True:
    c, _ = s.accept()
    while True:
        d = c.recv(65536)
        if not d:
            break
        f.write(d)
    c.close()
' "$1" "$2" "$3"
	RPID=$BG_PID
	wait_for 5 test -e "$3.ready" ||
		bail_out "the $1 receiver did not start"
}

# send FIRST COUNT: UDP datagrams client -> server with source ports
# 40000+FIRST .. 40000+FIRST+COUNT-1, one pktsend each.
send()
{
	local k

	for ((k = $1; k < $1 + $2; k++)); do
		PSEND_WAIT=0 psend_c udp 10.77.1.2 10.77.2.2 \
			--sport $((40000 + k)) --dport 7777
	done
}

# check FILE N MAXDUP: what the receiver got against packets 1..N.
check_objects()
{
	python3 - "$@" <<'PY'
import json, sys
path, n, maxdup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
bad, seen, order = [], set(), []
total = 0
for i, line in enumerate(open(path, "rb")):
    total += 1
    try:
        o = json.loads(line.decode("utf-8"))
    except Exception as e:
        bad.append("line %d does not parse: %s" % (i + 1, e))
        continue
    if o.get("ip.saddr.str") != "10.77.1.2" or o.get("udp.dport") != 7777:
        bad.append("line %d is not one of ours: %r" % (i + 1, line[:120]))
        continue
    k = o.get("udp.sport", 0) - 40000
    if k not in seen:
        seen.add(k)
        order.append(k)
want = list(range(1, n + 1))
missing = sorted(set(want) - seen)
if missing:
    bad.append("%d objects missing, first %r" % (len(missing), missing[:10]))
if order != sorted(order):
    bad.append("out of order: %r" % order[:40])
dups = total - len(seen)
if dups > maxdup:
    bad.append("%d duplicates, more than %d" % (dups, maxdup))
print("%d %d" % (len(seen), dups))
for b in bad[:10]:
    print("# " + b)
sys.exit(1 if bad else 0)
PY
}

nft_log_hooks 'udp dport 7777 log group 1 prefix "NET"'

# ---- tcp: receiver killed and restarted --------------------------------

write_conf tcp <<EOF
stack=log1:NFLOG,base1:BASE,ip2str1:IP2STR,js1:JSON

[log1]
group=1
netlink_qthreshold=1

[js1]
mode=tcp
host=127.0.0.1
port=$PORT
batch=$BATCH
flush_interval=100ms
retry_max=200ms
spool_dir="$T/spool"
EOF

receiver tcp $PORT "$T/tcp.out"
nfpiped_start tcp
ok $? "nfpiped starts with JSON mode=tcp" || bail_out "no daemon"
send 1 50
wait_lines "$T/tcp.out" 50 15
is "$(nlines "$T/tcp.out")" 50 "tcp: burst A, 50 objects arrive"
kill -KILL "$RPID"
wait "$RPID" 2>/dev/null
send 51 50
sleep 0.5
kill -USR1 "$NFPIPED_PID"
wait_for 5 grep -q '\[js1\] counters:' "$T/tcp.log"
spooled=$(grep '\[js1\] counters:' "$T/tcp.log" | tail -1 |
	sed -n 's/.* spooled=\([0-9]*\).*/\1/p')
[ "${spooled:-0}" -gt 0 ]
ok $? "tcp: burst B spools while the receiver is gone (spooled=${spooled:-?})"
is "$(nlines "$T/tcp.out")" 50 "tcp: nothing more arrived meanwhile"
receiver tcp $PORT "$T/tcp.out"
send 101 50
wait_lines "$T/tcp.out" 150 20
nfpiped_stop
is "$?" 0 "tcp: nfpiped exits 0 on SIGTERM"
out=$(check_objects "$T/tcp.out" 150 $BATCH)
ok $? "tcp: all 150 objects, in order, at most $BATCH duplicates" ||
	diag "$out"
diag "tcp: objects, duplicates: $(head -1 <<<"$out")"
grep -q 'receiver closed the connection' "$T/tcp.log"
ok $? "tcp: the closed connection was noticed before a write" ||
	diag_file "$T/tcp.log"

# ---- udp and unix: quick runs ------------------------------------------

for mode in udp unix; do
	if [ $mode = udp ]; then
		addr=$PORT
		where="host=127.0.0.1
port=$PORT"
	else
		addr=$T/json.sock
		where="file=\"$T/json.sock\""
	fi
	write_conf $mode <<EOF
stack=log1:NFLOG,base1:BASE,ip2str1:IP2STR,js1:JSON

[log1]
group=1
netlink_qthreshold=1

[js1]
mode=$mode
$where
spool_dir="$T/spool-$mode"
EOF
	receiver $mode "$addr" "$T/$mode.out"
	nfpiped_start $mode
	ok $? "nfpiped starts with JSON mode=$mode" || continue
	send 1 20
	wait_lines "$T/$mode.out" 20 10
	nfpiped_stop
	is "$?" 0 "$mode: nfpiped exits 0 on SIGTERM"
	out=$(check_objects "$T/$mode.out" 20 0)
	ok $? "$mode: all 20 objects, once each, in order" || diag "$out"
	kill -TERM "$RPID"
	wait "$RPID" 2>/dev/null
done

done_testing
