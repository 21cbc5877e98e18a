#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/l7-lab.sh - L7's labels on real clients and servers
#
# The server namespace runs real servers on ports that are not their
# protocol's (the label must come from the content): python3's http.server
# on 8080, openssl s_server on 8443, dropbear on 2222, a socat echo on 5000
# (a BitTorrent handshake written by the test) and on 7777 (a made-up
# protocol, "zorp", matched by the test's own .pat), and dnsmasq on 53
# (nDPI 4.2 looks for DNS on 53, 5353 and 5355 only), and http.server on
# IPv6 port 8081. The client runs curl (both families),
# openssl s_client -servername, a DNS query, dbclient, and the two
# handshakes. The gateway logs with the rule etc/examples/l7.conf ships
# (first 24 packets of each connection, then FIN and RST), to group 1 for
# nfpiped and to group 4 for `tcpdump -i nflog:4`. nfpiped runs
# NFLOG -> BASE -> L7 -> JSON (packets), L7 -> JSON (its flow records) and
# NFCT -> L7 -> SQLITE3 (conntrack's flows in ulog_ct with the l7 columns);
# `conntrack -D` makes the DESTROY events. Checked: each connection's label
# and host on its packet records, on L7's flow record (with ports and
# counts), in SQLite; and `nfpiped --replay` of the capture gives the same
# flow labels.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip nft python3 tcpdump curl openssl dnsmasq dropbear dbclient \
	dropbearkey socat conntrack sqlite3
require_nfpiped
require_kernel_logging
# --help-plugin loads the one module (see tests/examples.sh for why not
# --list-plugins).
"$NFPIPED" --help-plugin L7 >/dev/null 2>&1 ||
	bail_out "nfpiped has no L7 plugin (libndpi-dev and libpcre2-dev)"

SV=10.77.2.2
lab_up
# ct packets counts only with conntrack accounting (per namespace).
nsx "$NS_G" sysctl -qw net.netfilter.nf_conntrack_acct=1 ||
	bail_out "cannot enable conntrack accounting"

mkdir -p "$T/pats"
cat >"$T/pats/zorp.pat" <<'EOF'
# zorp - the lab's own protocol, which nDPI has never heard of
zorp
^zorp/[0-9]\x2e[0-9] hello
EOF
# sqlite3.sql's ulog_ct has the l7_* columns; oob_prefix (the rule that
# logged the flow, which L7 copies onto NFCT's records) is a plain column a
# stack without L7 could not fill, so it is added by hand (l7-sqlite3.sql).
sqlite3 "$T/ct.db" <"$top_srcdir/etc/sql/sqlite3.sql" >/dev/null &&
	sqlite3 "$T/ct.db" "ALTER TABLE ulog_ct ADD COLUMN oob_prefix TEXT" ||
	bail_out "cannot make the database with the l7 columns"

conf()
{
	local name=$1 nfct=$2

	write_conf "$name" <<EOF
stack=log1:NFLOG,base1:BASE,l7:L7,ip2str1:IP2STR,pkts:JSON
stack=l7:L7,ip2str2:IP2STR,flows:JSON
${nfct:+stack=ct1:NFCT,l7:L7,ip2str3:IP2STR,ctdb:SQLITE3}

[log1]
group=1
netlink_qthreshold=1
${nfct:+conntrack=1}

[l7]
patterns="$T/pats"
max_packets=24

[pkts]
file="$T/$name-pkts.json"

[flows]
file="$T/$name-flows.json"
${nfct:+
[ct1]
event_mask=4

[ctdb]
db="$T/ct.db"
table="ulog_ct"
batch=1}
EOF
}
conf live nfct
conf replay

# ---- servers ------------------------------------------------------------
mkdir -p "$T/www" && echo "hello from l7-lab" >"$T/www/index.html"
bg_ns "$NS_S" python3 -m http.server 8080 --bind $SV --directory "$T/www" \
	>"$T/http.log" 2>&1
bg_ns "$NS_S" python3 -m http.server 8081 --bind fd77:2::2 \
	--directory "$T/www" >"$T/http6.log" 2>&1
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-subj /CN=tls.l7.test -days 1 -keyout "$T/key.pem" -out "$T/cert.pem" \
	>/dev/null 2>&1 || bail_out "openssl req"
bg_ns "$NS_S" openssl s_server -quiet -accept $SV:8443 -cert "$T/cert.pem" \
	-key "$T/key.pem" -www >"$T/tls.log" 2>&1
dropbearkey -t ed25519 -f "$T/ssh.key" >/dev/null 2>&1 ||
	bail_out "dropbearkey"
bg_ns "$NS_S" dropbear -F -E -s -p $SV:2222 -r "$T/ssh.key" \
	-P "$T/dropbear.pid" >"$T/ssh.log" 2>&1
bg_ns "$NS_S" dnsmasq --no-daemon --conf-file=/dev/null --port=53 --listen-address=$SV \
	--bind-interfaces --no-resolv --no-hosts --user=root \
	--pid-file="$T/dnsmasq.pid" --address=/dns.l7.test/10.77.2.9 \
	>"$T/dns.log" 2>&1
bg_ns "$NS_S" socat TCP-LISTEN:5000,bind=$SV,reuseaddr,fork EXEC:cat
bg_ns "$NS_S" socat TCP-LISTEN:7777,bind=$SV,reuseaddr,fork EXEC:cat

listening()
{
	nsx "$NS_S" ss -Hlnt "sport = :$1" | grep -q . ||
		nsx "$NS_S" ss -Hlnu "sport = :$1" | grep -q .
}
for p in 8080 8081 8443 2222 53 5000 7777; do
	wait_for 10 listening $p || bail_out "no server on port $p"
done

# ---- the rule, the daemon, the capture ------------------------------------
nft_gw "table inet l7lab {
	chain fw {
		type filter hook forward priority 0; policy accept;
		ct packets < 25 log group 1 prefix \"L7LAB \" snaplen 2048
		ct packets > 24 tcp flags & (fin | rst) != 0 log group 1 prefix \"L7LAB \" snaplen 64
		ct packets < 25 log group 4 prefix \"L7LAB \" snaplen 2048
		ct packets > 24 tcp flags & (fin | rst) != 0 log group 4 prefix \"L7LAB \" snaplen 64
	}
}"
nfpiped_start live
ok $? "nfpiped starts with L7 in NFLOG and NFCT stacks" || bail_out "no daemon"
bg_ns "$NS_G" tcpdump -q -n -U -i nflog:4 -w "$T/cap.pcap" 2>"$T/tcpdump.err"
TCPDUMP_PID=$BG_PID
wait_for 5 grep -q 'listening on' "$T/tcpdump.err" ||
	bail_out "tcpdump did not start: $(cat "$T/tcpdump.err")"

# ---- the clients ------------------------------------------------------------
client() { nsx "$NS_C" timeout 10 "$@"; }

client curl -s -o "$T/curl.out" --resolve web.l7.test:8080:$SV \
	http://web.l7.test:8080/index.html
ok $? "curl fetched the page over HTTP on 8080"
client curl -s -o "$T/curl6.out" --resolve "web6.l7.test:8081:[fd77:2::2]" \
	http://web6.l7.test:8081/index.html
ok $? "curl fetched the page over HTTP and IPv6 on 8081"
printf 'GET / HTTP/1.0\r\n\r\n' |
	client openssl s_client -connect $SV:8443 -servername tls.l7.test \
	-quiet >"$T/s_client.out" 2>&1
grep -q 'CN = tls.l7.test\|CN=tls.l7.test' "$T/s_client.out"
ok $? "openssl s_client made a TLS session on 8443" ||
	diag_file "$T/s_client.out"
client python3 - $SV <<'PY'
import socket, sys
q = bytes.fromhex('4c370100000100000000000003646e73026c370474657374000001000 1'.replace(' ', ''))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(q, (sys.argv[1], 53))
a = s.recv(512)
sys.exit(0 if a[:2] == q[:2] and bytes([10, 77, 2, 9]) in a else 1)
PY
ok $? "dnsmasq answered the query for dns.l7.test"
client dbclient -y -y -p 2222 -i "$T/ssh.key" nobody@$SV true \
	</dev/null >"$T/dbclient.out" 2>&1
grep -qi 'dropbear\|auth\|denied\|closed' "$T/dbclient.out" || true
ok 0 "dbclient talked to dropbear on 2222 (authentication may fail)"
client python3 - $SV <<'PY'
import socket, sys
h = bytes([19]) + b'BitTorrent protocol' + bytes(8) + bytes([0xab]) * 20 + \
    b'-qB4500-l7labpeerid0'
s = socket.create_connection((sys.argv[1], 5000), timeout=3)
s.sendall(h)
got = b''
while len(got) < len(h):
    d = s.recv(100)
    if not d:
        break
    got += d
s.close()
sys.exit(0 if got == h else 1)
PY
ok $? "BitTorrent handshake sent and echoed on 5000"
client python3 - $SV <<'PY'
import socket, sys
m = b'ZORP/1.0 HELLO lab\r\n'
s = socket.create_connection((sys.argv[1], 7777), timeout=3)
s.sendall(m)
got = s.recv(100)
s.close()
sys.exit(0 if got == m else 1)
PY
ok $? "zorp greeting sent and echoed on 7777"

# The TCP flows end (FIN both ways) and L7 emits them; DESTROY events come
# when conntrack forgets them.
sleep 1.5
nsx "$NS_G" conntrack -D >/dev/null 2>&1
nsx "$NS_G" conntrack -D -f ipv6 >/dev/null 2>&1
wait_for 5 sh -c "[ \$(sqlite3 '$T/ct.db' 'SELECT COUNT(*) FROM ulog_ct WHERE orig_l4_dport IN (8080,8081,8443,2222,53,5000,7777)' 2>/dev/null) -ge 7 ]"
kill -INT "$TCPDUMP_PID" 2>/dev/null
wait "$TCPDUMP_PID" 2>/dev/null
nfpiped_stop
is "$?" 0 "nfpiped exits 0"

# ---- checks -------------------------------------------------------------------
# label PORT: the l7 fields of the records of the connection to PORT.
labels()
{
	python3 - "$@" <<'PY'
import json, sys
kind, path, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
out = set()
for line in open(path):
    o = json.loads(line)
    if kind == 'pkts':
        ports = (o.get('tcp.dport'), o.get('tcp.sport'), o.get('udp.dport'),
                 o.get('udp.sport'))
        if port not in ports or 'l7.proto' not in o and 'l7.pattern' not in o:
            continue
    else:
        if o.get('orig.l4.dport') != port:
            continue
    out.add('%s|%s|%s' % (o.get('l7.proto', '') if port != 7777 else '',
                          o.get('l7.host', ''), o.get('l7.pattern', '')))
print(' '.join(sorted(out)))
PY
}

flowkey()
{
	python3 - "$@" <<'PY'
import json, sys
path, port, key = sys.argv[1], int(sys.argv[2]), sys.argv[3]
for line in open(path):
    o = json.loads(line)
    if o.get('orig.l4.dport') == port:
        print(o.get(key, ''))
PY
}

declare -A WANT=(
	[8080]="HTTP|web.l7.test|"
	[8081]="HTTP|web6.l7.test|"
	[8443]="TLS|tls.l7.test|"
	[53]="DNS|dns.l7.test|"
	[2222]="SSH||"
	[5000]="BitTorrent||"
	[7777]="||zorp"
)
NAME=([8080]=HTTP [8081]=HTTP6 [8443]=TLS [53]=DNS [2222]=SSH [5000]=BitTorrent [7777]=zorp)
for p in 8080 8081 8443 53 2222 5000 7777; do
	is "$(labels pkts "$T/live-pkts.json" $p)" "${WANT[$p]}" \
		"${NAME[$p]} on $p: the label on its packets"
	is "$(labels flows "$T/live-flows.json" $p)" "${WANT[$p]}" \
		"${NAME[$p]} on $p: the label on L7's flow record"
done
is "$(flowkey "$T/live-flows.json" 8080 orig.ip.saddr.str)" 10.77.1.2 \
	"HTTP flow: opener is the client"
is "$(flowkey "$T/live-flows.json" 8080 l7.end)" fin "HTTP flow: ended by FIN"
is "$(flowkey "$T/live-flows.json" 8080 oob.prefix)" "L7LAB " \
	"HTTP flow: the rule's prefix"
n=$(flowkey "$T/live-flows.json" 8080 orig.raw.pktcount)
ok "$([ "${n:-0}" -ge 4 ] && [ "${n:-0}" -le 24 ]; echo $?)" \
	"HTTP flow: the client's packets counted ($n)"
is "$(flowkey "$T/live-flows.json" 53 l7.end)" stop \
	"DNS flow: still live at stop, emitted then"
is "$(flowkey "$T/live-flows.json" 8081 orig.ip.saddr.str)" fd77:1::2 \
	"HTTP over IPv6: the flow's opener"

sql()
{
	sqlite3 "$T/ct.db" "$1"
}
for p in 8080 8081 8443 53 2222 5000; do
	is "$(sql "SELECT l7_proto || '|' || COALESCE(l7_host, '') || '|' FROM ulog_ct WHERE orig_l4_dport = $p")" \
		"${WANT[$p]}" "${NAME[$p]} on $p: labelled conntrack row in SQLite"
done
is "$(sql "SELECT l7_pattern FROM ulog_ct WHERE orig_l4_dport = 7777")" zorp \
	"zorp on 7777: the pattern on the conntrack row"
is "$(sql "SELECT orig_ip_saddr_str FROM ulog_ct WHERE orig_l4_dport = 8443")" \
	10.77.1.2 "conntrack row keeps NFCT's own columns"
is "$(sql "SELECT oob_prefix FROM ulog_ct WHERE orig_l4_dport = 8443")" \
	"L7LAB " "conntrack row: the prefix of the rule that logged the flow"

# ---- the same traffic from the capture ----------------------------------------
timeout 30 ip netns exec "$NS_G" "$NFPIPED" -c "$T/replay.conf" \
	--replay "$T/cap.pcap" >"$T/replay.out" 2>"$T/replay.err"
is "$?" 0 "nfpiped --replay of the capture exits 0"
for p in 8080 8081 8443 53 2222 5000 7777; do
	is "$(labels flows "$T/replay-flows.json" $p)" "${WANT[$p]}" \
		"${NAME[$p]}: the replay labels the flow as the live run did"
done
done_testing
