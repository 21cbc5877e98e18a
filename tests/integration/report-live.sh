#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/report-live.sh - nfpipe report on a database nfpiped
# wrote from packets the kernel logged
#
# The lab's gateway logs forwarded UDP (IPv4 and IPv6) under two prefixes
# through the stack of the shipped config plus IP2BIN and HWHDR, into
# SQLite. nfpipe report, pointed at the daemon's config (-c), must count
# exactly the packets sent: per prefix, per source, per port, over the
# timeline, and in the HTML page; while the daemon still runs (WAL, the
# database open for writing) and after it stopped.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip nft sqlite3 python3
require_nfpiped
require_kernel_logging
NFPIPE=${NFPIPE:-$top_builddir/nfpipe}
[ -x "$NFPIPE" ] || bail_out "no nfpipe at $NFPIPE"

N=60
M=25
K=15
DB=$T/nfpipe.db
lab_up

write_conf live <<EOF
stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,ip2bin1:IP2BIN,hw1:HWHDR,sql1:SQLITE3

[log1]
group=1
netlink_qthreshold=1

[sql1]
db="$DB"
table="ulog_pkt"
schema="$top_srcdir/etc/sql/sqlite3.sql"
spool_dir="$T/spool"
EOF

nfpiped_start live
ok $? "nfpiped starts with NFLOG..HWHDR,SQLITE3"
kill -0 "$NFPIPED_PID" 2>/dev/null || bail_out "nfpiped is not running"
wait_for 5 test -s "$DB"

nft_gw "table inet nfpt {
	chain c_fwd {
		type filter hook forward priority 0; policy accept;
		udp dport 7777 log group 1 prefix \"RL web \"
		udp dport 7778 log group 1 prefix \"RL dns \"
	}
}"
psend_c udp 10.77.1.2 10.77.2.2 --sport 44001 --dport 7777 --count $N
psend_c udp 10.77.1.2 10.77.2.2 --sport 44002 --dport 7778 --count $M
psend_c udp fd77:1::2 fd77:2::2 --sport 44003 --dport 7777 --count $K
TOTAL=$((N + M + K))

q()
{
	sqlite3 -batch -noheader "$DB" "$1" 2>&1
}
all_rows()
{
	[ "$(q 'SELECT count(*) FROM ulog_pkt')" = "$TOTAL" ]
}
wait_for 10 all_rows
ok $? "$TOTAL rows stored"

# While the daemon runs: the database is open for writing, in WAL mode.
"$NFPIPE" report -c "$T/live.conf" summary --format json >"$T/s.json" \
	2>"$T/err"
is "$?" 0 "report while nfpiped runs: exit 0"
is "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["packets"])' "$T/s.json")" \
	"$TOTAL" "summary while nfpiped runs: every packet"

nfpiped_stop
is "$?" 0 "nfpiped stops"

"$NFPIPE" report -c "$T/live.conf" summary --format csv >"$T/s.csv" 2>"$T/err"
is "$?" 0 "summary: exit 0"
is "$(sed -n '2,3p' "$T/s.csv" | cut -d, -f1-2 | tr -d '\r' | tr '\n' ';')" \
	"RL web ,$((N + K));RL dns ,$M;" "summary: packets per prefix as sent"
"$NFPIPE" report -c "$T/live.conf" top-sources --format csv >"$T/s.csv"
is "$(sed -n '2,3p' "$T/s.csv" | cut -d, -f1,2 | tr -d '\r' | tr '\n' ';')" \
	"10.77.1.2,$((N + M));fd77:1::2,$K;" \
	"top-sources: both sources, their packets"
is "$(sed -n 2p "$T/s.csv" | cut -d, -f3 | tr -d '\r')" \
	"$(q "SELECT sum(raw_pktlen) FROM ulog_pkt WHERE ip_saddr_str = '10.77.1.2'")" \
	"top-sources: the bytes are the stored lengths' sum"
"$NFPIPE" report -c "$T/live.conf" top-ports --format csv >"$T/s.csv"
is "$(sed -n '2,3p' "$T/s.csv" | cut -d, -f1-3 | tr -d '\r' | tr '\n' ';')" \
	"udp,7777,$((N + K));udp,7778,$M;" "top-ports: udp 7777 and 7778"
"$NFPIPE" report -c "$T/live.conf" timeline --interval 1m --format json \
	>"$T/t.json"
is "$(python3 -c 'import json,sys; print(sum(r["packets"] for r in json.load(open(sys.argv[1]))["rows"]))' "$T/t.json")" \
	"$TOTAL" "timeline: the minutes add up to every packet"
"$NFPIPE" report -c "$T/live.conf" flows 2>"$T/err" >/dev/null
is "$?" 1 "flows without NFCT: exit 1"
"$NFPIPE" report -c "$T/live.conf" all --format html -o "$T/r.html" 2>"$T/err"
is "$?" 0 "all --format html: exit 0"
check "the page counts every packet" \
	grep -q "data-k=\"packets\" data-v=\"$TOTAL\"" "$T/r.html"

done_testing
