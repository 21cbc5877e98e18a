#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/sqlite3-nflog.sh - packets logged by the kernel land in
# SQLite, one row each, through NFLOG, BASE, IFINDEX, IP2STR and SQLITE3
#
#  - a database that does not exist is created from etc/sql/sqlite3.sql and
#    the stack of the shipped default fills every column of ulog_pkt;
#  - N UDP packets forwarded by the gateway and logged by an nft rule give
#    exactly N rows (after SIGTERM), in the order sent, with the addresses,
#    ports, interfaces and hook the packets had;
#  - IPv6 packets too; a log prefix `'; DROP TABLE x; --` is stored as it
#    is and table x survives;
#  - the analysts' views answer: top_sources, top_dports,
#    pkt_per_hour_prefix.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip nft sqlite3
require_nfpiped
require_kernel_logging

N=300
M=20
DB=$T/nfpipe.db
lab_up

write_conf sq <<EOF
stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,sql1:SQLITE3

[log1]
group=1
netlink_qthreshold=1

[sql1]
db="$DB"
table="ulog_pkt"
schema="$top_srcdir/etc/sql/sqlite3.sql"
spool_dir="$T/spool"
EOF

nfpiped_start sq
ok $? "nfpiped starts with an SQLITE3 stack"
kill -0 "$NFPIPED_PID" 2>/dev/null || bail_out "nfpiped is not running"
wait_for 5 test -s "$DB"
ok $? "the missing database is created from the schema"
sqlite3 "$DB" "CREATE TABLE IF NOT EXISTS x (a); INSERT INTO x VALUES (1);"

nft_gw "table inet nfpt {
	chain c_fwd {
		type filter hook forward priority 0; policy accept;
		udp dport 7777 log group 1 prefix \"SQ \"
		udp dport 7778 log group 1 prefix \"'; DROP TABLE x; --\"
	}
}"

psend_c udp 10.77.1.2 10.77.2.2 --sport 43001 --dport 7777 --count $N
psend_c udp fd77:1::2 fd77:2::2 --sport 43002 --dport 7777 --count $M
psend_c udp 10.77.1.2 10.77.2.2 --sport 43003 --dport 7778 --count 1

nfpiped_stop
is "$?" 0 "SIGTERM: nfpiped exits 0"

q()
{
	sqlite3 -batch -noheader "$DB" "$1" 2>&1
}

is "$(q "SELECT count(*) FROM ulog_pkt")" $((N + M + 1)) \
	"$((N + M + 1)) logged packets, exactly as many rows"
is "$(q "SELECT count(*) FROM ulog_pkt WHERE oob_prefix = 'SQ ' AND
	ip_saddr_str = '10.77.1.2' AND ip_daddr_str = '10.77.2.2' AND
	udp_sport = 43001 AND udp_dport = 7777 AND ip_protocol = 17 AND
	oob_in = 'g0' AND oob_out = 'g1' AND oob_hook = 2 AND
	oob_family = 2 AND ip_ttl = 63")" $N \
	"IPv4 rows: addresses, ports, interfaces, forward hook, TTL after routing"
is "$(q "SELECT count(*) FROM ulog_pkt WHERE ip_saddr_str = 'fd77:1::2' AND
	ip_daddr_str = 'fd77:2::2' AND udp_dport = 7777 AND oob_family = 10
	AND ip6_hoplimit = 63")" $M "IPv6 rows"
is "$(q "SELECT max(_id) FROM ulog_pkt WHERE udp_sport = 43001") \
$(q "SELECT min(_id) FROM ulog_pkt WHERE udp_sport = 43002")" \
	"$N $((N + 1))" "rows in the order the packets were sent"
is "$(q "SELECT oob_prefix FROM ulog_pkt WHERE udp_dport = 7778")" \
	"'; DROP TABLE x; --" "an SQL-looking prefix is stored verbatim"
is "$(q "SELECT count(*) FROM x")" 1 "and table x is untouched"
is "$(q "SELECT source || '|' || packets FROM top_sources LIMIT 1")" \
	"10.77.1.2|$((N + 1))" "view top_sources"
is "$(q "SELECT protocol || '|' || dport || '|' || packets FROM top_dports
	LIMIT 1")" "udp|7777|$((N + M))" "view top_dports"
is "$(q "SELECT sum(packets) FROM pkt_per_hour_prefix")" $((N + M + 1)) \
	"view pkt_per_hour_prefix"
is "$(q "PRAGMA journal_mode")" wal "WAL mode"
if grep -qi 'error' "$T/sq.log"; then
	diag "errors in the log:"
	diag_file "$T/sq.log"
fi

done_testing
