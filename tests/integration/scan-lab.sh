#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/scan-lab.sh - real scans through the lab's gateway raise
# the right SCAN alerts; normal traffic raises none
#
# The gateway logs what the client sends that conntrack finds new or
# invalid (nft `ct state new,invalid log group 1`), the way a firewall logs
# inbound traffic; nfpiped runs NFLOG -> BASE -> SCAN -> PRINTPKT -> LOGEMU
# and sends SCAN's alerts to SQLite (etc/sql/sqlite3.sql's ulog_scan) and
# to a JSON file.
#  - 15 s of normal traffic from 10.77.1.2 (HTTP requests with curl to a
#    server on port 80, DNS queries to dnsmasq, pings, mixed) raise no
#    alert at all;
#  - then each scan comes from an address of its own on the client, so that
#    each source must raise exactly its own type: nmap -sS -sF -sN -sX -sA
#    -sM (FIN/ACK) -sU -sO against the server (40 ports or protocols,
#    --max-rate 1000), a port sweep (-sS -p 22) and a ping sweep (-sn -PE)
#    across seven server addresses, an IPv6 SYN scan, and hping3 sending
#    SYN/FIN and SYN/RST (BADFLAGS);
#  - each alert shows in the JSON file within 2 s of its scan's end, with
#    danger level, ports and hosts that fit; the same rows are in SQLite
#    after the stop, and the scanners view lists the sources.
# Runs in about 40 s.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip nft sqlite3 nmap hping3 curl dnsmasq python3 ping
require_nfpiped
require_kernel_logging

DB=$T/scan.db
JS=$T/alerts.json
lab_up

# Seven server addresses for the sweeps, one client address per scan.
for i in 3 4 5 6 7 8; do
	ip -n "$NS_S" addr add 10.77.2.$i/24 dev s0
done
for i in $(seq 11 22); do
	ip -n "$NS_C" addr add 10.77.1.$i/24 dev c0
done
ip -n "$NS_C" addr add fd77:1::11/64 dev c0 nodad

nft_gw "table inet nfpt {
	chain c_fwd {
		type filter hook forward priority 0; policy accept;
		iifname \"g0\" ct state new,invalid log group 1 prefix \"SCAN-IN \"
	}
}"

write_conf scan <<EOF
stack=log1:NFLOG,base1:BASE,scan1:SCAN,print1:PRINTPKT,emu1:LOGEMU
stack=scan1:SCAN,ip2str2:IP2STR,sql2:SQLITE3
stack=scan1:SCAN,ip2str2:IP2STR,js1:JSON

[log1]
group=1
netlink_qthreshold=1

[scan1]
# Each scan here comes from a source of its own; the total limit stays.
source_alerts=0

[print1]
format=kernel

[emu1]
file="$T/packets.log"

[sql2]
db="$DB"
table="ulog_scan"
schema="$top_srcdir/etc/sql/sqlite3.sql"
spool_dir="$T/spool"

[js1]
file="$JS"
EOF

nfpiped_start scan
ok $? "nfpiped starts with SCAN feeding SQLite and JSON"
kill -0 "$NFPIPED_PID" 2>/dev/null || bail_out "nfpiped is not running"

# ---- normal traffic -------------------------------------------------------

mkdir -p "$T/www"
echo "hello" >"$T/www/index.html"
bg_ns "$NS_S" python3 -m http.server 80 --bind 10.77.2.2 \
	--directory "$T/www" >/dev/null 2>&1
bg_ns "$NS_S" dnsmasq -k --conf-file=/dev/null --no-resolv --no-hosts \
	--listen-address=10.77.2.2 --bind-interfaces --port=53 \
	--address=/lab.test/10.77.2.2 --pid-file="$T/dnsmasq.pid" \
	--user=root --log-facility=/dev/null
wait_for 5 nsx "$NS_C" curl -s -o /dev/null --max-time 1 \
	http://10.77.2.2/ || bail_out "the lab's HTTP server did not come up"

cat >"$T/dns.py" <<'PY'
# DNS queries (A records of lab.test names) to 10.77.2.2 for $1 seconds.
import socket, struct, sys, time
end = time.time() + float(sys.argv[1])
n = ok = 0
while time.time() < end and n < 1000:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.5)
    name = b''.join(bytes([len(p)]) + p
                    for p in (b'host%d' % (n % 7), b'lab', b'test'))
    q = struct.pack('>HHHHHH', n, 0x0100, 1, 0, 0, 0) + name + b'\0' + \
        struct.pack('>HH', 1, 1)
    s.sendto(q, ('10.77.2.2', 53))
    try:
        if s.recv(512)[:2] == q[:2]:
            ok += 1
    except socket.timeout:
        pass
    s.close()
    n += 1
    time.sleep(0.1)
print(n, ok)
PY

NORMAL=15
bg_ns "$NS_C" ping -q -c $((NORMAL * 4)) -i 0.25 10.77.2.2 >/dev/null
ping_pid=$BG_PID
nsx "$NS_C" python3 "$T/dns.py" $NORMAL >"$T/dns.out" 2>&1 &
dns_pid=$!
NFPT_PIDS="$NFPT_PIDS $dns_pid"
http=0
end=$((SECONDS + NORMAL))
while [ $SECONDS -lt $end ] && [ $http -lt 300 ]; do
	nsx "$NS_C" curl -s -o /dev/null --max-time 1 http://10.77.2.2/ &&
		http=$((http + 1))
	sleep 0.1
done
wait $dns_pid
wait $ping_pid
read -r dns_sent dns_ok <"$T/dns.out"
[ "$http" -ge 20 ] && [ "${dns_ok:-0}" -ge 20 ]
ok $? "normal traffic for ${NORMAL}s: $http HTTP requests, ${dns_ok:-0} of ${dns_sent:-0} DNS answers, pings"
sleep 0.5
is "$(nlines "$JS")" 0 "normal traffic raises no alert"
logged=$(count_matches 'SRC=10\.77\.1\.2 ' "$T/packets.log")
[ "$logged" -ge 20 ]
ok $? "and SCAN saw it: $logged packets logged from 10.77.1.2"

# ---- scans ----------------------------------------------------------------

NMAP="nmap -n -Pn -T4 --max-rate 1000 --max-retries 1 -e c0"

# has_alert SOURCE TYPE: the JSON file has SOURCE's TYPE alert.
has_alert()
{
	grep -q "\"ip.saddr.str\":\"$1\".*\"scan.type\":\"$2\"\|\"scan.type\":\"$2\".*\"ip.saddr.str\":\"$1\"" \
		"$JS" 2>/dev/null
}

# scan TYPE SOURCE COMMAND...: run the scan, then its alert within 2 s.
scan()
{
	local type=$1 src=$2

	shift 2
	# hping3 exits 1 when nothing answers: the alert is what counts.
	nsx "$NS_C" "$@" >"$T/scan-$type-$src.out" 2>&1
	wait_for 2 has_alert "$src" "$type"
	ok $? "$type scan from $src: alert within 2 s ($*)" ||
		diag_file "$T/scan-$type-$src.out" 10
}

scan SYN 10.77.1.11 $NMAP -S 10.77.1.11 -sS -p 1-40 10.77.2.2
scan FIN 10.77.1.12 $NMAP -S 10.77.1.12 -sF -p 1-40 10.77.2.2
scan NULL 10.77.1.13 $NMAP -S 10.77.1.13 -sN -p 1-40 10.77.2.2
scan XMAS 10.77.1.14 $NMAP -S 10.77.1.14 -sX -p 1-40 10.77.2.2
scan ACK 10.77.1.15 $NMAP -S 10.77.1.15 -sA -p 1-40 10.77.2.2
scan MAIMON 10.77.1.16 $NMAP -S 10.77.1.16 -sM -p 1-40 10.77.2.2
scan UDP 10.77.1.17 $NMAP -S 10.77.1.17 -sU -p 1-40 10.77.2.2
scan PROTO 10.77.1.18 $NMAP -S 10.77.1.18 -sO -p 1-40 10.77.2.2
scan PORTSWEEP 10.77.1.19 $NMAP -S 10.77.1.19 -sS -p 22 10.77.2.2-8
scan PINGSWEEP 10.77.1.20 nmap -n -sn -PE -T4 --max-rate 1000 -e c0 \
	-S 10.77.1.20 10.77.2.2-8
scan SYN fd77:1::11 $NMAP -6 -S fd77:1::11 -sS -p 1-40 fd77:2::2
scan BADFLAGS 10.77.1.21 hping3 -q -c 8 -i u20000 -S -F -p 80 \
	-a 10.77.1.21 10.77.2.2
scan BADFLAGS 10.77.1.22 hping3 -q -c 8 -i u20000 -S -R -p 81 \
	-a 10.77.1.22 10.77.2.2

nfpiped_stop
is "$?" 0 "SIGTERM: nfpiped exits 0"

q()
{
	sqlite3 -batch -noheader "$DB" "$1" 2>&1
}

# Each source raised its own type and nothing else.
types()
{
	q "SELECT group_concat(t, ' ') FROM (SELECT DISTINCT scan_type AS t
	   FROM ulog_scan WHERE ip_saddr_str = '$1' ORDER BY t)"
}
for pair in 10.77.1.11:SYN 10.77.1.12:FIN 10.77.1.13:NULL \
	10.77.1.14:XMAS 10.77.1.15:ACK 10.77.1.16:MAIMON 10.77.1.17:UDP \
	10.77.1.18:PROTO 10.77.1.19:PORTSWEEP 10.77.1.20:PINGSWEEP \
	10.77.1.21:BADFLAGS 10.77.1.22:BADFLAGS fd77:1::11:SYN; do
	src=${pair%:*}
	is "$(types "$src")" "${pair##*:}" "SQLite: $src raised ${pair##*:} only"
done
is "$(q "SELECT count(*) FROM ulog_scan WHERE ip_saddr_str = '10.77.1.2'")" \
	0 "SQLite: no alert for the normal client"
is "$(q "SELECT count(*) FROM ulog_scan")" "$(nlines "$JS")" \
	"SQLite and JSON have the same alerts"

# The figures are those of the moment each alert was raised. A port scan of
# 40 ports sends 40 to 80 packets: DL1 at its fifth, DL2 at its fifteenth
# (psad's 5 and 15), never DL3 (150).
is "$(q "SELECT group_concat(scan_dl, ' ') FROM (SELECT scan_dl FROM
	ulog_scan WHERE ip_saddr_str = '10.77.1.11' ORDER BY _id)")" "1 2" \
	"the SYN scan: DL1, then DL2, one alert each"
is "$(q "SELECT count(*) FROM ulog_scan WHERE scan_type IN
	('SYN','FIN','NULL','XMAS','ACK','MAIMON','UDP') AND scan_dl = 2
	AND scan_packets BETWEEN 15 AND 16 AND scan_ports BETWEEN 5 AND 16
	AND scan_port_min >= 1 AND scan_port_max <= 40 AND scan_hosts = 1
	AND ip_daddr_str IN ('10.77.2.2', 'fd77:2::2')
	AND scan_first <= scan_last AND oob_time_sec >= scan_last")" 8 \
	"the 8 port scans at DL2: 15 packets, ports within 1-40, one host"
is "$(q "SELECT scan_dl || ' ' || scan_hosts || ' ' || scan_port_min || ' ' ||
	scan_port_max FROM ulog_scan WHERE scan_type = 'PORTSWEEP'")" \
	"1 5 22 22" "the port sweep: DL1 at its fifth host, port 22"
is "$(q "SELECT scan_dl || ' ' || scan_hosts || ' ' || scan_ports
	FROM ulog_scan WHERE scan_type = 'PINGSWEEP'")" "1 5 0" \
	"the ping sweep: DL1 at its fifth host"
protos=$(q "SELECT scan_ports FROM ulog_scan WHERE scan_type = 'PROTO'
	AND scan_dl = 2")
[ "${protos:-0}" -ge 10 ]
ok $? "the protocol scan at DL2: ${protos:-0} protocols in 15 packets"
is "$(q "SELECT oob_family FROM ulog_scan WHERE ip_saddr_str = 'fd77:1::11'
	LIMIT 1")" 10 "the IPv6 scan's family"
is "$(q "SELECT count(*) FROM scanners")" 13 "scanners view: 13 sources"
is "$(q "SELECT types FROM scanners WHERE source = '10.77.1.21'")" \
	BADFLAGS "scanners view: a source's types"

# One alert per type and level, never one per packet.
is "$(q "SELECT count(*) FROM (SELECT ip_saddr_str, scan_type, scan_dl
	FROM ulog_scan GROUP BY 1, 2, 3 HAVING count(*) > 1)")" 0 \
	"no level of a type is alerted twice"
grep -o '"scan.type":"[A-Z]*"' "$JS" | sort | uniq -c | sed 's/^/# /'

done_testing
