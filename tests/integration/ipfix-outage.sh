#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/ipfix-outage.sh - IPFIX over TCP while the collector
# goes away: every flow arrives, templates and sequence numbers restart
#
# The gateway (masquerading NAT, conntrack on) forwards short UDP flows,
# one datagram each from its own source port, and the test ends them with
# `conntrack -D` every 200 ms. nfpiped (NFCT -> IPFIX proto=tcp) exports
# them to a receiver written here in Python on 127.0.0.1 in the gateway,
# which appends every chunk it reads from a connection to a file of its
# own (one file per connection, unbuffered), so that what it read survives
# its SIGKILL; the files are decoded at the end (framing, sequence numbers,
# templates) by a second script.
#   A  300 flows over about 3 s; the receiver is killed (SIGKILL, by PID)
#      about 1.2 s in and started again 3 s later;
#   A2 the receiver hangs (SIGSTOP), 50 flows end and go into its socket
#      buffer, then it is killed: those are sent again after the reset;
#   B  the receiver is stopped, 100 flows end, nfpiped is stopped (it
#      spools what it could not send) and started again while the
#      receiver is still away; then the receiver comes back.
# What the README promises and this checks: every flow arrives at least
# once (a batch counts as sent only once the collector's TCP has
# acknowledged it; a connection that breaks before resumes at the first
# unacknowledged message), every connection starts with the templates,
# and in every connection the sequence number of each message is the
# number of data records before it in that connection.

. "$(dirname "$0")/lib.sh"
. "$NFPT_SRC/nfct-lib.sh"

require_root
require_nfpiped
need_cmd conntrack conntrack
need_cmd nft nftables
need_cmd python3 python3

ct_lab
# A flow per source port: nothing listens on the server, which is fine
# (the datagram makes the conntrack entry on the way through).
nsx "$NS_G" sysctl -qw net.netfilter.nf_conntrack_udp_timeout=30 ||
	bail_out "cannot set the UDP timeout in the gateway"

# The receiver: every chunk read from connection N goes to $dir/N.bin.
cat >"$T/recv.py" <<'EOF'
import os, signal, socket, sys

port, d = int(sys.argv[1]), sys.argv[2]
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(4)
n = len(os.listdir(d))
while True:
    conn, _ = srv.accept()
    fd = os.open(os.path.join(d, "%03d.bin" % n),
                 os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    n += 1
    while True:
        data = conn.recv(65536)
        if not data:
            break
        os.write(fd, data)
    os.close(fd)
    conn.close()
EOF

# The decoder: one line per connection, message and record.
cat >"$T/decode.py" <<'EOF'
import os, socket, struct, sys

d = sys.argv[1]
for name in sorted(os.listdir(d)):
    buf = open(os.path.join(d, name), "rb").read()
    tmpl, expect, first = {}, 0, True
    print("session %s" % name)
    while len(buf) >= 16:
        ver, length, etime, seq, dom = struct.unpack("!HHIII", buf[:16])
        if ver != 10 or length < 16:
            print("bad header version=%d length=%d" % (ver, length))
            break
        if len(buf) < length:
            break
        msg, buf = buf[:length], buf[length:]
        print("msg seq=%d expect=%d" % (seq, expect))
        off = 16
        while off < length:
            sid, slen = struct.unpack("!HH", msg[off:off + 4])
            body, off = msg[off + 4:off + slen], off + slen
            if sid == 2:
                p = 0
                while p + 4 <= len(body):
                    tid, nf = struct.unpack("!HH", body[p:p + 4])
                    tmpl[tid] = [struct.unpack("!HH", body[p + 4 + 4 * i:p + 8 + 4 * i]) for i in range(nf)]
                    p += 4 + 4 * nf
                print("templates%s %s" % (" first" if first else "",
                      ",".join(str(t) for t in sorted(tmpl))))
                first = False
                continue
            first = False
            if sid not in tmpl:
                print("data set %d without template" % sid)
                continue
            rl = sum(l for _, l in tmpl[sid])
            for r in range(len(body) // rl):
                rec, p, f = body[r * rl:(r + 1) * rl], 0, {}
                for ie, l in tmpl[sid]:
                    f[ie] = rec[p:p + l]
                    p += l
                expect += 1
                print("rec sa=%s sp=%d" % (socket.inet_ntop(socket.AF_INET, f[8]),
                      int.from_bytes(f[7], "big")))
    if buf:
        print("partial %d" % len(buf))
EOF

mkdir -p "$T/rx" "$T/spool"
RECV_PID=
recv_start()
{
	bg_ns "$NS_G" python3 "$T/recv.py" 4740 "$T/rx"
	RECV_PID=$BG_PID
	wait_listen "$NS_G" 4740 || bail_out "the receiver did not start"
}

write_conf ipfix <<EOF
stack=ct1:NFCT,t1:IPFIX
[ct1]
reliable=1
# Only the lab's flows, not nfpiped's own export on the loopback.
accept_src_filter=10.77.1.0/24
[t1]
host=127.0.0.1
port=4740
proto=tcp
timeout=2s
retry_max=300ms
stop_timeout=1s
spool_dir="$T/spool"
EOF

# flows FIRST COUNT GAP_MS: COUNT one-datagram UDP flows from the client,
# source ports FIRST.., GAP_MS apart, in the background (GEN_PID).
flows()
{
	nsx "$NS_C" python3 -c '
import socket, sys, time
first, count, gap = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
for i in range(count):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("10.77.1.2", first + i))
    s.sendto(b"x", ("10.77.2.2", 9))
    s.close()
    time.sleep(gap / 1000)
' "$1" "$2" "$3" &
	GEN_PID=$!
	NFPT_PIDS="$NFPT_PIDS $GEN_PID"
}

# End the lab's UDP flows now (DESTROY events for nfpiped).
ct_end()
{
	nsx "$NS_G" conntrack -D -p udp --orig-port-dst 9 >/dev/null 2>&1
}

# received: "port count" lines of the records of the lab's flows.
received()
{
	python3 "$T/decode.py" "$T/rx" >"$T/decoded.txt"
	sed -n 's/^rec sa=10\.77\.1\.2 sp=//p' "$T/decoded.txt" | sort -n |
		uniq -c | awk '{ print $2, $1 }'
}

# have FIRST COUNT: every port FIRST..FIRST+COUNT-1 received at least once.
have()
{
	[ "$(received | awk -v a="$1" -v n="$2" '$1 >= a && $1 < a + n' |
		wc -l)" -eq "$2" ]
}

recv_start
nfpiped_start ipfix || bail_out "nfpiped did not start"

# --- A: the receiver killed mid-stream --------------------------------------
flows 20000 300 10
t0=$(date +%s%N)
killed=0
for ((i = 0; i < 60; i++)); do
	sleep 0.2
	ct_end
	if [ $killed = 0 ] && [ $(( ($(date +%s%N) - t0) / 1000000 )) -ge 1200 ]; then
		kill -KILL "$RECV_PID"
		wait "$RECV_PID" 2>/dev/null
		killed=1
	fi
	if [ $killed = 1 ] && [ $(( ($(date +%s%N) - t0) / 1000000 )) -ge 4200 ]; then
		recv_start
		killed=2
	fi
	kill -0 "$GEN_PID" 2>/dev/null || [ $killed != 2 ] || break
done
wait "$GEN_PID"
ct_end
wait_for 20 have 20000 300
ok $? "A: every one of the 300 flows arrived"
dup=$(received | awk '$1 >= 20000 && $1 < 20300 && $2 > 1 { d += $2 - 1 } END { print d + 0 }')
diag "A: $dup records arrived twice"
is "$(nfp_counter ipfix "$NFPIPED_PID" t1 dropped)" 0 "A: the sink dropped nothing"
r=$(nfp_counter ipfix "$NFPIPED_PID" t1 reconnects)
ok $(( ${r:-0} >= 1 ? 0 : 1 )) "A: the output reconnected (reconnects=$r)"

# --- A2: the receiver hangs, then is killed ------------------------------------
# Its kernel acknowledges what nfpiped sends into its receive buffer; the
# kill throws that away with a reset. nfpiped must send it again.
w0=$(nfp_counter ipfix "$NFPIPED_PID" t1 written)
kill -STOP "$RECV_PID"
flows 25000 50 2
wait "$GEN_PID"
sleep 0.3
ct_end
wait_for 10 eval '[ "$(nfp_counter ipfix "$NFPIPED_PID" t1 written)" -ge $((w0 + 50)) ]'
ok $? "A2: the 50 flows went into the hung receiver's buffer"
kill -KILL "$RECV_PID"
kill -CONT "$RECV_PID" 2>/dev/null
wait "$RECV_PID" 2>/dev/null
sleep 0.5
recv_start
# The next batch finds the reset and resends; one more flow makes one.
flows 25050 1 0
wait "$GEN_PID"
sleep 0.2
ct_end
wait_for 20 have 25000 51
ok $? "A2: all 51 flows arrived in the end"
# The worker's counters reach the instance within a second.
wait_for 5 eval '[ "$(nfp_counter ipfix "$NFPIPED_PID" t1 resent)" -ge 50 ]'
ok $? "A2: at least the 50 unread records were resent (resent=$(nfp_counter ipfix "$NFPIPED_PID" t1 resent))"

# --- B: nfpiped restarts while the receiver is away ---------------------------
kill -TERM "$RECV_PID"
wait "$RECV_PID" 2>/dev/null
flows 30000 100 2
wait "$GEN_PID"
sleep 0.3
ct_end
# Every DESTROY reached the output before the stop.
wait_for 5 eval '[ "$(nfp_counter ipfix "$NFPIPED_PID" t1 queued)" -ge 400 ] || [ "$(nfp_counter ipfix "$NFPIPED_PID" t1 spooled)" -gt 0 ]'
nfpiped_stop
ok $? "B: nfpiped stops cleanly while the receiver is away"
ls "$T/spool/t1" >/dev/null 2>&1
check "B: the unsent flows are in the spool" \
	bash -c "[ -n \"\$(find '$T/spool' -type f -size +0)\" ]"
mv "$T/ipfix.log" "$T/ipfix-1.log"
nfpiped_start ipfix || bail_out "nfpiped did not start again"
sleep 1
recv_start
wait_for 20 have 30000 100
ok $? "B: the 100 flows that ended while it was away arrived after"
is "$(received | awk '$1 >= 30000 && $1 < 30100 && $2 > 1' | wc -l)" 0 \
	"B: none of them twice"
is "$(nfp_counter ipfix "$NFPIPED_PID" t1 dropped)" 0 "B: the sink dropped nothing"
nfpiped_stop
ok $? "nfpiped stops cleanly"
kill -TERM "$RECV_PID"
wait "$RECV_PID" 2>/dev/null

# --- every connection ---------------------------------------------------------
python3 "$T/decode.py" "$T/rx" >"$T/decoded.txt"
nsess=$(grep -c '^session' "$T/decoded.txt")
ok $(( nsess >= 4 ? 0 : 1 )) "at least 4 connections ($nsess)"
is "$(awk '/^session/ { s = 1; next } s && /^msg/ { next }
	s { if ($0 !~ /^templates first 256,257,258$/) bad++; s = 0 }
	END { print bad + 0 }' "$T/decoded.txt")" 0 \
	"every connection begins with the templates"
check "every header's sequence number counts the data records before it in its connection" \
	awk '/^msg/ { split($2, a, "="); split($3, b, "="); if (a[2] != b[2]) bad = 1 } END { exit bad }' "$T/decoded.txt"
check "no framing complaint" \
	bash -c "! grep -qE '^(bad|data set)' '$T/decoded.txt'"
grep -E '^(session|partial)' "$T/decoded.txt" | diag "$(cat)"
is "$(received | awk '$1 < 20000 || ($1 >= 20300 && $1 < 25000) || ($1 >= 25051 && $1 < 30000) || $1 >= 30100' | wc -l)" 0 \
	"no record of a flow that was not sent"
is "$(received | awk '$1 >= 25000 && $1 < 25051' | wc -l)" 51 "A2: 51 distinct flows"

done_testing
