#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/nfhook-flows.sh - NFHOOK's flows on the real kernel
#
# nfpiped runs NFHOOK (hook=forward, family=inet) -> JSON in the lab's
# gateway. With offloads off on every veth, flows of known sizes cross the
# gateway: TCP (socat, a known byte count) and UDP (pktsend, a known
# count and size) and ICMP echoes, over IPv4 and IPv6; first with
# conntrack on and its accounting enabled, then with conntrack bypassed
# by a `notrack` rule. A capture on the gateway's client-side interface
# is the oracle: every flow's packets and bytes in each direction must
# equal the capture's; UDP and ICMP also equal what was sent, worked out
# by hand; with conntrack on they also equal conntrack's own accounting
# (conntrack -L -o extended). TCP flows end by FIN, the others by the
# idle timeout. The netfilter links are gone once the daemon stops; a
# priority already taken by an nft chain fails the start with EBUSY named.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip nft python3 socat ethtool conntrack tcpdump ping bpftool
require_nfpiped
[ -e "$NFPIPE_PLUGIN_DIR/input_nfhook.so" ] ||
	bail_out "no input_nfhook.so in $NFPIPE_PLUGIN_DIR (build first)"
[ -r /sys/kernel/btf/vmlinux ] || skip_all "this kernel has no BTF"

lab_up
for spec in "$NS_C c0" "$NS_G g0" "$NS_G g1" "$NS_S s0"; do
	set -- $spec
	nsx "$1" ethtool -K "$2" tso off gso off gro off tx off rx off \
		>/dev/null 2>&1 || bail_out "ethtool -K $2 failed"
done
nsx "$NS_G" sysctl -qw net.netfilter.nf_conntrack_acct=1 2>/dev/null

write_conf hook <<EOF2
stack=h1:NFHOOK,js1:JSON

[h1]
hook=forward
family=inet
idle_timeout=1s

[js1]
file="$T/flows.json"
sync=1
EOF2

# Conntrack on for forwarded traffic (a ct rule makes the namespace track).
nft_gw "table inet nfpt {
	chain c_fwd {
		type filter hook forward priority 0; policy accept;
		ct state new counter
	}
}"

# pcap_settled FILE: wait (5 s at most) until FILE has not grown for 0.3 s:
# tcpdump has written what it was handed.
pcap_settled()
{
	local last=-1 n same=0 i

	for ((i = 0; i < 50; i++)); do
		n=$(stat -c %s "$1" 2>/dev/null || echo 0)
		if [ "$n" = "$last" ]; then
			same=$((same + 1))
			[ $same -ge 3 ] && return 0
		else
			same=0
		fi
		last=$n
		sleep 0.1
	done
}

# bg_ns: the PID is tcpdump's own, so SIGINT makes it write all and exit.
PCAP=$T/g0.pcap
bg_ns "$NS_G" tcpdump -i g0 --immediate-mode -U -n -s 128 -w "$PCAP" \
	'tcp or udp or icmp or icmp6' 2>"$T/tcpdump.err"
TCPDUMP_PID=$BG_PID
wait_for 10 grep -q 'listening on' "$T/tcpdump.err" ||
	bail_out "tcpdump did not start: $(cat "$T/tcpdump.err")"

nfpiped_start hook
ok $? "nfpiped starts with NFHOOK at the forward hook" ||
	{ diag_file "$T/hook.log"; bail_out "no daemon"; }

# The links: two netfilter links in the daemon's fds (fdinfo names them).
links=$(grep -l '^link_type:.*netfilter' /proc/"$NFPIPED_PID"/fdinfo/* \
	2>/dev/null | xargs -r grep -h '^link_id:' | awk '{ print $2 }' |
	sort -n | tr '\n' ' ')
is "$(echo $links | wc -w)" 2 "two netfilter links (IPv4, IPv6): ids $links"
grep -h '^\(pf\|hooknum\|prio\):' $(grep -l '^link_type:.*netfilter' \
	/proc/"$NFPIPED_PID"/fdinfo/* 2>/dev/null) >"$T/linkinfo" 2>/dev/null
is "$(tr '\n' ' ' <"$T/linkinfo" | tr -s ' \t' '  ')" \
	"pf: 2 hooknum: 2 prio: -127 pf: 10 hooknum: 2 prio: -127 " \
	"fdinfo: IPv4 and IPv6 at NF_INET_FORWARD (2), priority -127"

# server sinks
bg_ns "$NS_S" socat -u TCP4-LISTEN:5001,reuseaddr,fork OPEN:/dev/null
bg_ns "$NS_S" socat -u TCP6-LISTEN:5002,reuseaddr,fork OPEN:/dev/null
bg_ns "$NS_S" socat -u UDP4-RECV:7001 OPEN:/dev/null
bg_ns "$NS_S" socat -u UDP6-RECV:7002 OPEN:/dev/null
sleep 0.3
head -c 100000 /dev/urandom >"$T/payload"

# traffic PHASE: TCP 100000 bytes each family, UDP 10 x 200-byte
# payloads, 3 pings of 56 bytes; ports and ids differ per phase.
traffic()
{
	local p=$1

	nsx "$NS_C" socat -u OPEN:"$T/payload" \
		TCP4:10.77.2.2:5001,sourceport=$((41000 + p)) ||
		diag "socat v4 failed"
	nsx "$NS_C" socat -u OPEN:"$T/payload" \
		TCP6:[fd77:2::2]:5002,sourceport=$((42000 + p)) ||
		diag "socat v6 failed"
	PSEND_WAIT=1 psend_c udp 10.77.1.2 10.77.2.2 --sport $((43000 + p)) \
		--dport 7001 --len 200 --count 10
	PSEND_WAIT=1 psend_c udp fd77:1::2 fd77:2::2 --sport $((44000 + p)) \
		--dport 7002 --len 200 --count 10
	nsx "$NS_C" ping -q -c 3 -i 0.05 -s 56 10.77.2.2 >/dev/null ||
		diag "ping failed"
	nsx "$NS_C" ping -q -6 -c 3 -i 0.05 -s 56 fd77:2::2 >/dev/null ||
		diag "ping6 failed"
}

traffic 1
# 2 TCP (fin) + 2 UDP + 2 ICMP (idle) flows.
wait_lines "$T/flows.json" 6 10 || diag "only $(nlines "$T/flows.json") flows"
nsx "$NS_G" conntrack -L -o extended >"$T/ct.txt" 2>/dev/null
n1=$(nlines "$T/flows.json")

# Phase 2: conntrack bypassed.
nft_gw "table inet nfpt_raw {
	chain c_pre {
		type filter hook prerouting priority raw; policy accept;
		notrack
	}
}"
traffic 2
wait_lines "$T/flows.json" $((n1 + 6)) 10 ||
	diag "only $(nlines "$T/flows.json") flows"
sleep 0.5
nsx "$NS_G" conntrack -L -o extended >"$T/ct2.txt" 2>/dev/null

nfpiped_stop
is "$?" 0 "nfpiped exits 0 on SIGTERM"
pcap_settled "$PCAP"
kill -INT "$TCPDUMP_PID" 2>/dev/null
wait "$TCPDUMP_PID" 2>/dev/null

for id in $links; do
	bpftool link show id "$id" >"$T/link.out" 2>&1
	ok $((!$?)) "link $id is gone after the daemon stopped" ||
		diag_file "$T/link.out"
done
diag "$(grep 'stopped:' "$T/hook.log")"
stopped_flows=$(sed -n 's/.*stopped: \([0-9]*\) flows.*/\1/p' "$T/hook.log" | tail -1)
is "$stopped_flows" "$(nlines "$T/flows.json")" \
	"the flows counter equals the records written"

python3 - "$T/flows.json" "$T/g0.pcap" "$T/ct.txt" "$T/ct2.txt" <<'PY' >"$T/check.out"
import json, struct, sys, socket
flows_path, pcap_path, ct_path, ct2_path = sys.argv[1:5]
res = []
def check(cond, desc, extra=""):
    res.append((bool(cond), desc, extra))

recs = [json.loads(l) for l in open(flows_path)]
def g(r, k):
    v = r.get(k)
    return v

# capture: per (src, dst, sport, dport, proto) -> [pkts, bytes]
cap = {}
with open(pcap_path, 'rb') as f:
    data = f.read()
magic = struct.unpack('<I', data[:4])[0]
end = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
off = 24
linktype = struct.unpack(end + 'I', data[20:24])[0]
while off + 16 <= len(data):
    _, _, caplen, wirelen = struct.unpack(end + 'IIII', data[off:off+16])
    pkt = data[off+16:off+16+caplen]
    off += 16 + caplen
    if linktype == 1:
        et = struct.unpack('>H', pkt[12:14])[0]; ip = pkt[14:]
    else:
        continue
    if et == 0x0800:
        fam, proto = 4, ip[9]; ihl = (ip[0] & 15) * 4
        src, dst = socket.inet_ntop(socket.AF_INET, ip[12:16]), socket.inet_ntop(socket.AF_INET, ip[16:20])
        l4 = ip[ihl:]; iplen = struct.unpack('>H', ip[2:4])[0]
    elif et == 0x86dd:
        fam, proto = 6, ip[6]
        src, dst = socket.inet_ntop(socket.AF_INET6, ip[8:24]), socket.inet_ntop(socket.AF_INET6, ip[24:40])
        l4 = ip[40:]; iplen = 40 + struct.unpack('>H', ip[4:6])[0]
    else:
        continue
    if proto in (6, 17):
        sp, dp = struct.unpack('>HH', l4[:4])
    elif proto in (1, 58):
        if l4[0] in (0, 8, 128, 129):
            sp = dp = struct.unpack('>H', l4[4:6])[0]
        else:
            continue
    else:
        continue
    k = (src, dst, sp, dp, proto)
    c = cap.setdefault(k, [0, 0]); c[0] += 1; c[1] += iplen

def ctparse(path):
    out = {}
    for line in open(path):
        w = line.split()
        if len(w) < 4: continue
        kv = [x.split('=', 1) for x in w if '=' in x]
        d = {}
        src = [v for k, v in kv if k == 'src']; dst = [v for k, v in kv if k == 'dst']
        sport = [v for k, v in kv if k in ('sport',)]; dport = [v for k, v in kv if k in ('dport',)]
        pk = [v for k, v in kv if k == 'packets']; by = [v for k, v in kv if k == 'bytes']
        ids = [v for k, v in kv if k == 'id']
        if not src or len(pk) < 2: continue
        proto = int(w[3])
        if sport:
            key = (src[0], dst[0], int(sport[0]), int(dport[0]), proto)
        elif ids:
            key = (src[0], dst[0], int(ids[0]), int(ids[0]), proto)
        else:
            continue
        out[key] = (int(pk[0]), int(by[0]), int(pk[1]), int(by[1]))
    return out
ct1 = ctparse(ct_path); ct2 = ctparse(ct2_path)

want = [  # phase, family, proto, sport/id, label
    (1, 'tcp4'), (1, 'tcp6'), (1, 'udp4'), (1, 'udp6'), (1, 'icmp4'), (1, 'icmp6'),
    (2, 'tcp4'), (2, 'tcp6'), (2, 'udp4'), (2, 'udp6'), (2, 'icmp4'), (2, 'icmp6')]
def find(phase, label):
    for r in recs:
        fam = g(r, 'oob.family'); proto = g(r, 'orig.ip.protocol')
        sp = g(r, 'orig.l4.sport')
        if label == 'tcp4' and proto == 6 and fam == 2 and sp == 41000 + phase: return r
        if label == 'tcp6' and proto == 6 and fam == 10 and sp == 42000 + phase: return r
        if label == 'udp4' and proto == 17 and fam == 2 and sp == 43000 + phase: return r
        if label == 'udp6' and proto == 17 and fam == 10 and sp == 44000 + phase: return r
    return None
icmp_recs = {2: [r for r in recs if r.get('orig.ip.protocol') == 1],
             10: [r for r in recs if r.get('orig.ip.protocol') == 58]}
for fam in icmp_recs:
    icmp_recs[fam].sort(key=lambda r: (r['flow.start.sec'], r['flow.start.usec']))
expect_exact = {'udp4': (10, 10 * 228, 0, 0), 'udp6': (10, 10 * 248, 0, 0),
                'icmp4': (3, 3 * 84, 3, 3 * 84), 'icmp6': (3, 3 * 104, 3, 3 * 104)}
for phase, label in want:
    if label.startswith('icmp'):
        lst = icmp_recs[2 if label == 'icmp4' else 10]
        r = lst[phase - 1] if len(lst) >= phase else None
    else:
        r = find(phase, label)
    name = 'phase %d (%s) %s' % (phase, 'conntrack' if phase == 1 else 'notrack', label)
    check(r is not None, name + ': one record')
    if r is None: continue
    got = (r['orig.raw.pktcount'], r['orig.raw.pktlen'], r['reply.raw.pktcount'], r['reply.raw.pktlen'])
    if label.startswith('icmp'):
        k = (r['orig.ip.saddr'], r['orig.ip.daddr'], r['icmp.id'], r['icmp.id'], r['orig.ip.protocol'])
    else:
        k = (r['orig.ip.saddr'], r['orig.ip.daddr'], r['orig.l4.sport'], r['orig.l4.dport'], r['orig.ip.protocol'])
    rk = (k[1], k[0], k[3], k[2], k[4])
    c = cap.get(k, [0, 0]); cr = cap.get(rk, [0, 0])
    check(got == (c[0], c[1], cr[0], cr[1]), name + ': packets and bytes equal the capture',
          'got %s capture %s' % (got, (c[0], c[1], cr[0], cr[1])))
    if label in expect_exact:
        check(got == expect_exact[label], name + ': equal what was sent', 'got %s sent %s' % (got, expect_exact[label]))
    else:
        check(got[1] > 100000 and got[0] > 10, name + ': carries the 100000 bytes', 'got %s' % (got,))
        check(r.get('flow.end.reason') == 'fin', name + ': ended by FIN', 'reason %s' % r.get('flow.end.reason'))
    if phase == 1:
        ctv = ct1.get(k)
        check(ctv == got, name + ': equal conntrack accounting', 'got %s conntrack %s' % (got, ctv))
    else:
        check(k not in ct2, name + ': conntrack has no entry (notrack)')
for ok_, desc, extra in res:
    print(('ok' if ok_ else 'not ok') + '\t' + desc + ('\t' + extra if extra and not ok_ else ''))
PY
while IFS=$'\t' read -r st desc extra; do
	[ "$st" = ok ]
	ok $? "$desc"
	[ -n "$extra" ] && diag "$extra"
done <"$T/check.out"
[ -s "$T/check.out" ] || { ok 1 "flow checks ran"; diag_file "$T/flows.json"; }

# mode=packets first=4: the first four packets of each direction of each
# flow, 200 bytes of each, equal to the capture's (TTL, hop limit and
# IPv4 checksum aside: the forward hook sees them decremented).
write_conf pk <<EOF2
stack=h2:NFHOOK,js2:JSON

[h2]
mode=packets
first=4
snaplen=200
idle_timeout=1s

[js2]
file="$T/pkts.json"
raw=1
sync=1
EOF2
PCAP=$T/g0-3.pcap
bg_ns "$NS_G" tcpdump -i g0 --immediate-mode -U -n -s 300 -w "$PCAP" \
	'tcp or udp or icmp or icmp6' 2>"$T/tcpdump3.err"
TCPDUMP_PID=$BG_PID
wait_for 10 grep -q 'listening on' "$T/tcpdump3.err" ||
	bail_out "tcpdump did not start: $(cat "$T/tcpdump3.err")"
nfpiped_start pk
ok $? "nfpiped starts with NFHOOK mode=packets" || diag_file "$T/pk.log"
sleep 0.3
nsx "$NS_C" socat -u OPEN:"$T/payload" TCP4:10.77.2.2:5001,sourceport=41003 ||
	diag "socat v4 failed"
PSEND_WAIT=1 psend_c udp fd77:1::2 fd77:2::2 --sport 44003 --dport 7002 \
	--len 200 --count 10
nsx "$NS_C" ping -q -c 3 -i 0.05 -s 56 10.77.2.2 >/dev/null || diag "ping failed"
# 4 + 4 (TCP) + 4 (UDP, one way) + 3 + 3 (ICMP)
wait_lines "$T/pkts.json" 18 10 || diag "only $(nlines "$T/pkts.json") packets"
sleep 0.3
nfpiped_stop
is "$?" 0 "nfpiped (packets) exits 0 on SIGTERM"
pcap_settled "$PCAP"
kill -INT "$TCPDUMP_PID" 2>/dev/null
wait "$TCPDUMP_PID" 2>/dev/null
python3 - "$T/pkts.json" "$T/g0-3.pcap" <<'PY' >"$T/check3.out"
import json, struct, sys
def key(ip):
    v = ip[0] >> 4
    if v == 4:
        ihl = (ip[0] & 15) * 4; proto = ip[9]; s, d = ip[12:16], ip[16:20]; l4 = ip[ihl:]
    else:
        proto = ip[6]; s, d = ip[8:24], ip[24:40]; l4 = ip[40:]
    if proto in (6, 17):
        sp, dp = struct.unpack('>HH', l4[:4])
    else:
        sp = dp = struct.unpack('>H', l4[4:6])[0]
    a, b = (s, sp), (d, dp)
    return (proto,) + (a + b if a <= b else b + a), a <= b
# The forward hook runs after the TTL (hop limit) was decremented and the
# IPv4 checksum redone; the capture on g0 saw the client's packets before.
def norm(ip):
    b = bytearray(ip)
    if b[0] >> 4 == 4:
        b[8] = 0; b[10] = b[11] = 0
    else:
        b[7] = 0
    return bytes(b)
def group(pkts):
    flows = {}
    for ip in pkts:
        k, lo = key(ip)
        f = flows.setdefault(k, {'orig': lo, 0: [], 1: []})
        f[0 if lo == f['orig'] else 1].append(norm(ip))
    return flows
recs = [json.loads(l) for l in open(sys.argv[1])]
got = group([bytes.fromhex(r['raw.pkt']) for r in recs])
data = open(sys.argv[2], 'rb').read()
end = '<' if struct.unpack('<I', data[:4])[0] == 0xa1b2c3d4 else '>'
off, cap = 24, []
while off + 16 <= len(data):
    _, _, caplen, _ = struct.unpack(end + 'IIII', data[off:off+16])
    pkt = data[off+16:off+16+caplen]; off += 16 + caplen
    if struct.unpack('>H', pkt[12:14])[0] in (0x0800, 0x86dd):
        cap.append(pkt[14:214])
want = group(cap)
print('ok\t%d flows in the capture, %d with records' % (len(want), len(got)) if len(want) == 3 and set(got) == set(want) else 'not ok\tthe same flows as the capture\t%d vs %d' % (len(got), len(want)))
for k in want:
    for d in (0, 1):
        w = [p[:200] for p in want[k][d][:4]]
        g = got.get(k, {0: [], 1: []})[d]
        name = 'proto %d direction %d: the first %d packets, byte for byte' % (k[0], d, len(w))
        print(('ok\t' if g == w else 'not ok\t') + name + ('' if g == w else '\tgot %d packets' % len(g)))
PY
while IFS=$'\t' read -r st desc extra; do
	[ "$st" = ok ]
	ok $? "packets: $desc"
	[ -n "$extra" ] && diag "$extra"
done <"$T/check3.out"
[ -s "$T/check3.out" ] || { ok 1 "packet checks ran"; diag_file "$T/pkts.json" 5; }
is "$(nlines "$T/pkts.json")" 18 "packets: 18 records (4+4 TCP, 4 UDP, 3+3 ICMP)"

# EBUSY: an nft chain already at the priority NFHOOK wants.
nft_gw "table inet nfpt_busy {
	chain c_fwd { type filter hook forward priority -127; policy accept; }
}"
nfpiped_start hook
sleep 0.3
kill -0 "$NFPIPED_PID" 2>/dev/null
ok $((!$?)) "a taken priority stops the start"
grep -q 'EBUSY' "$T/hook.log" "$T/hook.err"
ok $? "the error names EBUSY and the priority" ||
	{ diag_file "$T/hook.err"; diag_file "$T/hook.log"; }

done_testing
