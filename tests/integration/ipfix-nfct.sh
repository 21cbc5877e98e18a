#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/ipfix-nfct.sh - NFCT flows as IPFIX to nfcapd and over TCP
#
# A gateway with masquerading NAT forwards one TCP, one UDP and one ICMP
# flow over IPv4 and an ICMPv6 and a TCP flow over IPv6 from the client to
# the server. nfpiped in the gateway (NFCT with accounting and timestamps)
# exports them twice: over UDP to nfdump's nfcapd on 127.0.0.1 (nfcapd 1.7
# has no TCP), and over TCP to a small receiver written here in Python that
# checks the framing (each message's length field, version 10, sequence
# numbers counting data records) and decodes the records with the
# templates it received. After `conntrack -D` every flow's record, read
# back with `nfdump -r` and from the receiver, must agree with conntrack's
# own DESTROY line (`conntrack -E`): addresses, ports, protocol, packets and
# bytes per direction, the NAT translation; the pings also with what was
# sent (3 x 84 octets each way, 2 x 104 for IPv6).

. "$(dirname "$0")/lib.sh"
. "$NFPT_SRC/nfct-lib.sh"

require_root
require_nfpiped
need_cmd conntrack conntrack
need_cmd socat socat
need_cmd nft nftables
need_cmd ping iputils-ping
need_cmd nfcapd nfdump
need_cmd python3 python3

ct_lab
bg_ns "$NS_S" socat TCP-LISTEN:80,reuseaddr,fork SYSTEM:'echo hello'
udp_echo_server "$NS_S" 53
bg_ns "$NS_S" socat TCP6-LISTEN:8080,reuseaddr,fork SYSTEM:'echo hello6'

# The TCP collector: frames, checks and decodes; one line per record.
cat >"$T/recv.py" <<'EOF'
import signal, socket, struct, sys

port, out = int(sys.argv[1]), open(sys.argv[2], "w", buffering=1)
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
names = {8: "sa", 12: "da", 27: "sa", 28: "da", 7: "sp", 11: "dp",
         4: "pr", 1: "ibyt", 2: "ipkt", 23: "obyt", 24: "opkt",
         152: "start", 153: "end", 32: "icmp", 139: "icmp", 136: "reason",
         148: "flowid", 225: "xsa", 226: "xda", 227: "xsp", 228: "xdp"}
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(4)
while True:
    conn, _ = srv.accept()
    buf, tmpl, expect = b"", {}, 0
    out.write("session\n")
    while True:
        data = conn.recv(65536)
        if not data:
            break
        buf += data
        while len(buf) >= 16:
            ver, length, etime, seq, dom = struct.unpack("!HHIII", buf[:16])
            if ver != 10 or length < 16:
                out.write("bad header version=%d length=%d\n" % (ver, length))
                sys.exit(1)
            if len(buf) < length:
                break
            msg, buf = buf[:length], buf[length:]
            out.write("msg seq=%d expect=%d domain=%d\n" % (seq, expect, dom))
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
                    out.write("templates %s\n" % ",".join(str(t) for t in sorted(tmpl)))
                    continue
                if sid not in tmpl:
                    out.write("data set %d without template\n" % sid)
                    continue
                rl = sum(l for _, l in tmpl[sid])
                if len(body) % rl:
                    out.write("set %d: %d octets is not n x %d\n" % (sid, len(body), rl))
                for r in range(len(body) // rl):
                    rec, p, f = body[r * rl:(r + 1) * rl], 0, ["tid=%d" % sid]
                    for ie, l in tmpl[sid]:
                        v = rec[p:p + l]
                        p += l
                        if ie in (8, 12, 225, 226):
                            s = socket.inet_ntop(socket.AF_INET, v)
                        elif ie in (27, 28):
                            s = socket.inet_ntop(socket.AF_INET6, v)
                        elif ie in (32, 139):
                            s = "%d/%d" % (v[0], v[1])
                        else:
                            s = str(int.from_bytes(v, "big"))
                        f.append("%s=%s" % (names.get(ie, "ie%d" % ie), s))
                    expect += 1
                    out.write(" ".join(f) + "\n")
    conn.close()
EOF

mkdir -p "$T/flows" "$T/spool"
bg_ns "$NS_G" nfcapd -b 127.0.0.1 -p 4739 -w "$T/flows" -I nfpt \
	>"$T/nfcapd.out" 2>&1
NFCAPD_PID=$BG_PID
bg_ns "$NS_G" python3 "$T/recv.py" 4740 "$T/tcp.txt"
RECV_PID=$BG_PID
wait_listen "$NS_G" 4739 udp || bail_out "nfcapd did not start"
wait_listen "$NS_G" 4740 || bail_out "the TCP receiver did not start"

write_conf ipfix <<EOF
stack=ct1:NFCT,u1:IPFIX
stack=ct1:NFCT,t1:IPFIX
[ct1]
accounting=1
timestamp=1
reliable=1
# Only the lab's flows, not nfpiped's own export on the loopback.
accept_src_filter=10.77.1.0/24,fd77:1::/64
[u1]
host=127.0.0.1
port=4739
proto=udp
domain_id=7
spool_dir="$T/spool"
[t1]
host=127.0.0.1
port=4740
proto=tcp
oid=8
spool_dir="$T/spool"
EOF

ct_watch "$T/ct.txt"
nfpiped_start ipfix || bail_out "nfpiped did not start"
wait_listen "$NS_S" 80 && wait_listen "$NS_S" 53 udp &&
	wait_listen "$NS_S" 8080 || bail_out "servers did not start"

tcp_once "$NS_C" 10.77.2.2 80
check "UDP: the server answered" udp_once "$NS_C" 10.77.2.2 53
nsx "$NS_C" ping -c 3 -i 0.2 -q 10.77.2.2 >/dev/null
nsx "$NS_C" ping -6 -c 2 -i 0.2 -q fd77:2::2 >/dev/null
tcp_once "$NS_C" '[fd77:2::2]' 8080
sleep 0.3
nsx "$NS_G" conntrack -D >/dev/null 2>&1
sleep 0.5
ndestroy=$(grep '\[DESTROY\]' "$T/ct.txt" | grep -c -E 'src=(10\.77\.1\.|fd77:1::)')
wait_for 5 has_matches "$ndestroy" '^tid=' "$T/tcp.txt"

is "$(nfp_counter ipfix "$NFPIPED_PID" ct1 enobufs)" 0 "NFCT: no overrun"
nfpiped_stop
ok $? "nfpiped stops cleanly"
ct_unwatch
kill -TERM "$NFCAPD_PID"
wait "$NFCAPD_PID" 2>/dev/null
# nfcapd's own tally: every datagram in sequence, none malformed.
check "nfcapd: no sequence errors, no bad packets" \
	grep -qE "Flows: [0-9]+, .*Sequence Errors: 0, Bad Packets: 0" "$T/nfcapd.out"
kill -TERM "$RECV_PID"
wait "$RECV_PID" 2>/dev/null

is "$ndestroy" 5 "conntrack saw 5 lab flows end"

# --- the TCP receiver ------------------------------------------------------
is "$(grep -c '^session' "$T/tcp.txt")" 1 "TCP: one session"
is "$(grep -c '^templates 256,257,258$' "$T/tcp.txt")" 1 \
	"TCP: templates 256, 257, 258 once, first"
check "TCP: every header's sequence number counts the data records before it" \
	awk '/^msg/ { split($2, a, "="); split($3, b, "="); if (a[2] != b[2]) bad = 1 } END { exit bad }' "$T/tcp.txt"
check "TCP: no framing or set-length complaint" \
	bash -c "! grep -qE '^(bad|set|data set)' '$T/tcp.txt'"
is "$(grep -m1 '^msg' "$T/tcp.txt" | sed 's/.*domain=//')" 8 "TCP: oid=8"
is "$(grep -c '^tid=' "$T/tcp.txt")" "$ndestroy" "TCP: one record per flow"

# --- nfcapd / nfdump ---------------------------------------------------------
# One line per flow: sa da sp dp proto ipkt ibyt opkt obyt xsa xsp xda xdp.
nfdump -q -R "$T/flows" \
	-o 'fmt:%sa %da %sp %dp %pr %ipkt %ibyt %opkt %obyt %xsa %xsp %xda %xdp' \
	2>"$T/nfdump.err" | sed -e 's/  */ /g' -e 's/^ //' >"$T/nfdump.txt" ||
	diag_file "$T/nfdump.err"
is "$(wc -l <"$T/nfdump.txt" | tr -d ' ')" "$ndestroy" "nfdump: one flow per DESTROY"

# check NAME PROTO PORT: conntrack's DESTROY line against both collectors.
check_flow()
{
	local name=$1 line sa da sp dp pr want rec nf

	line=$(ct_line "$T/ct.txt" DESTROY "$2" "$3")
	if [ -z "$line" ]; then
		ok 1 "$name: conntrack saw it end"
		return
	fi
	sa=$(ct_nth "$line" src 1)
	da=$(ct_nth "$line" dst 1)
	case $2 in
	tcp) pr=6 ;;
	udp) pr=17 ;;
	icmp) pr=1 ;;
	esac
	if [ "$2" = icmp ]; then
		sp=0
		dp=0
	else
		sp=$(ct_nth "$line" sport 1)
		dp=$(ct_nth "$line" dport 1)
	fi
	want="sa=$sa da=$da sp=$sp dp=$dp pr=$pr ipkt=$(ct_nth "$line" packets 1) ibyt=$(ct_nth "$line" bytes 1) opkt=$(ct_nth "$line" packets 2) obyt=$(ct_nth "$line" bytes 2)"
	rec=$(grep -E "^tid=[0-9]+ sa=$sa da=$da sp=$sp dp=$dp pr=$pr " "$T/tcp.txt" | head -1)
	is "$(for k in sa da sp dp pr ipkt ibyt opkt obyt; do
		printf '%s=%s ' "$k" "$(printf '%s\n' "$rec" | tr ' ' '\n' | sed -n "s/^$k=//p")"
	      done | sed 's/ $//')" "$want" "$name: TCP receiver's record = conntrack's"
	# NAT: the masquerading shows as the post-NAT source.
	if [ "$(ct_nth "$line" dst 2)" != "$sa" ]; then
		is "$(printf '%s\n' "$rec" | tr ' ' '\n' | sed -n 's/^xsa=//p') $(printf '%s\n' "$rec" | tr ' ' '\n' | sed -n 's/^xsp=//p')" \
			"$(ct_nth "$line" dst 2) $( [ "$2" = icmp ] && echo 0 || ct_nth "$line" dport 2)" \
			"$name: postNATSourceIPv4Address/Port = reply tuple's destination"
	fi
	# nfdump prints ICMP type.code in the destination port column.
	[ "$2" = icmp ] && dp="$3.0"
	nf=$(awk -v sa="$sa" -v da="$da" -v dp="$dp" -v pr="${2^^}" \
		'$1 == sa && $2 == da && $4 == dp && $5 == pr' "$T/nfdump.txt" |
		head -1)
	is "$(cut -d' ' -f1-9 <<<"$nf")" "$sa $da $sp $dp ${2^^} $(ct_nth "$line" packets 1) $(ct_nth "$line" bytes 1) $(ct_nth "$line" packets 2) $(ct_nth "$line" bytes 2)" \
		"$name: nfdump's flow = conntrack's (packets, bytes both ways)"
	is "$(cut -d' ' -f10-13 <<<"$nf")" \
		"$(ct_nth "$line" dst 2) $sp $da $( [ "$2" = icmp ] && echo 0 || ct_nth "$line" sport 2)" \
		"$name: nfdump's NAT translation = conntrack's reply tuple"
}

check_flow tcp tcp 80
check_flow udp udp 53
check_flow icmp icmp 8

# What was sent, independently of conntrack.
ping4=$(grep -E ' pr=1 ' "$T/tcp.txt" | head -1)
is "$(for k in ipkt ibyt opkt obyt icmp; do printf '%s ' "$(printf '%s\n' "$ping4" | tr ' ' '\n' | sed -n "s/^$k=//p")"; done)" \
	"3 252 3 252 8/0 " "ping: 3 x 84 octets each way, icmpTypeCodeIPv4 8/0"
ping6=$(grep -E '^tid=257 .* pr=58 ' "$T/tcp.txt" | head -1)
is "$(for k in sa da ipkt ibyt opkt obyt icmp; do printf '%s ' "$(printf '%s\n' "$ping6" | tr ' ' '\n' | sed -n "s/^$k=//p")"; done)" \
	"fd77:1::2 fd77:2::2 2 208 2 208 128/0 " \
	"ping -6: 2 x 104 octets each way, template 257, type 128/0"
line=$(ct_line "$T/ct.txt" DESTROY tcp 8080)
tcp6=$(grep -E '^tid=257 .* dp=8080 ' "$T/tcp.txt" | head -1)
is "$(for k in ipkt ibyt opkt obyt; do printf '%s ' "$(printf '%s\n' "$tcp6" | tr ' ' '\n' | sed -n "s/^$k=//p")"; done)" \
	"$(ct_nth "$line" packets 1) $(ct_nth "$line" bytes 1) $(ct_nth "$line" packets 2) $(ct_nth "$line" bytes 2) " \
	"tcp6: packets and bytes both ways = conntrack's"
nf6=$(awk '$1 == "fd77:1::2" && $4 == 8080' "$T/nfdump.txt" | head -1)
is "$(cut -d' ' -f6-9 <<<"$nf6")" \
	"$(ct_nth "$line" packets 1) $(ct_nth "$line" bytes 1) $(ct_nth "$line" packets 2) $(ct_nth "$line" bytes 2)" \
	"tcp6: nfdump's IPv6 flow = conntrack's"
start=$(printf '%s\n' "$tcp6" | tr ' ' '\n' | sed -n 's/^start=//p')
end=$(printf '%s\n' "$tcp6" | tr ' ' '\n' | sed -n 's/^end=//p')
check "tcp6: flowStart <= flowEnd, both this hour ($start, $end)" \
	awk -v s="$start" -v e="$end" -v now="$(date +%s)" \
	'BEGIN { exit !(s <= e && e / 1000 <= now + 1 && s / 1000 > now - 3600) }'

done_testing
