#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/pgsql-ulogd2.sh - ulogd2's own PostgreSQL schemas as
# PGSQL's targets
#
# Debian's ulogd2-pgsql ships two schemas (pgsql-ulogd2.sql.gz and
# pgsql-ulogd2-flat.sql.gz). A ulogd2 user keeps them: this loads both into
# a throwaway server and runs the stack and sections of ulogd2's example
# ulogd.conf:
#   pgsql1: table="ulog" (a view), procedure="INSERT_PACKET_FULL": one call
#           of ulogd2's PL/pgSQL function per packet, which spreads it over
#           ulog2, tcp, udp, icmp and mac;
#   pgsql2: the flat schema's table ulog2, procedure="INSERT": COPY into
#           ulogd2's column types (inet, macaddr, boolean, smallint).
# UDP, TCP SYN and ICMP echo packets go through; both databases must hold
# each packet once, with its addresses, ports, flags and MAC addresses.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dbserver.sh"

require_root
require_cmd ip nft
require_nfpiped
require_kernel_logging
db_install

# The schemas: from the installed package, else from its .deb (images
# that leave /usr/share/doc out still have apt).
schema()
{
	local f

	for f in /usr/share/doc/ulogd2-pgsql/$1 /usr/share/doc/ulogd2/$1; do
		[ -s "$f" ] && { echo "$f"; return 0; }
	done
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q ulogd2-pgsql \
		>"$T/apt-ulogd2.log" 2>&1
	for f in /usr/share/doc/ulogd2-pgsql/$1 /usr/share/doc/ulogd2/$1; do
		[ -s "$f" ] && { echo "$f"; return 0; }
	done
	(cd "$T" && apt-get download ulogd2-pgsql ulogd2 >>"$T/apt-ulogd2.log" 2>&1)
	for f in "$T"/ulogd2*.deb; do
		[ -e "$f" ] && dpkg-deb -x "$f" "$T/deb"
	done
	f=$(find "$T/deb" -name "$1" 2>/dev/null | head -n 1)
	[ -s "$f" ] && { echo "$f"; return 0; }
	return 1
}

FULL=$(schema pgsql-ulogd2.sql.gz) ||
	bail_out "ulogd2's pgsql-ulogd2.sql.gz not found (package ulogd2-pgsql)"
FLAT=$(schema pgsql-ulogd2-flat.sql.gz) ||
	bail_out "ulogd2's pgsql-ulogd2-flat.sql.gz not found"

lab_up
pg_start
PG_DB=postgres pg_sql "CREATE DATABASE ulogflat OWNER nfpipe" ||
	bail_out "cannot create database ulogflat"
zcat "$FULL" >"$T/full.sql"
zcat "$FLAT" >"$T/flat.sql"
# The scripts DROP ... IF EXISTS first: notices, not errors.
PGOPTIONS='-c client_min_messages=warning' \
	pg_sql_file_nfpipe "$T/full.sql" >"$T/full.out" 2>&1 || {
	diag_file "$T/full.out"
	bail_out "ulogd2's pgsql-ulogd2.sql does not load"
}
PGOPTIONS='-c client_min_messages=warning' PGDATABASE=ulogflat \
	psql -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$PG_PORT" -U nfpipe \
	-d ulogflat -f "$T/flat.sql" >"$T/flat.out" 2>&1 || {
	diag_file "$T/flat.out"
	bail_out "ulogd2's pgsql-ulogd2-flat.sql does not load"
}

nft_gw "table inet nfpt {
	chain c_fwd {
		type filter hook forward priority 0; policy accept;
		udp dport 7201 log group 1 prefix \"u2-udp\"
		tcp dport 7202 log group 1 prefix \"u2-tcp\"
		icmp type echo-request log group 1 prefix \"u2-icmp\"
	}
}"

# ulogd2's example ulogd.conf, sections pgsql1 and (flat) pgsql2.
write_conf u2 <<EOF
plugin="/usr/lib/x86_64-linux-gnu/ulogd/ulogd_inppkt_NFLOG.so"
plugin="/usr/lib/x86_64-linux-gnu/ulogd/ulogd_output_PGSQL.so"
stack=log2:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,mac2str1:HWHDR,pgsql1:PGSQL
stack=log2:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,mac2str1:HWHDR,pgsql2:PGSQL

[log2]
group=1

[pgsql1]
db="nfpipe"
host="127.0.0.1"
port=$PG_PORT
user="nfpipe"
table="ulog"
#schema="public"
pass="$DB_PASS"
procedure="INSERT_PACKET_FULL"
spool_dir="$T/spool"

[pgsql2]
db="ulogflat"
host="127.0.0.1"
port=$PG_PORT
user="nfpipe"
table="ulog2"
pass="$DB_PASS"
procedure="INSERT"
spool_dir="$T/spool"
EOF

nfpiped_start u2 || bail_out "nfpiped does not take ulogd2's sections"
wait_for 5 nflog_bound 1 || bail_out "NFLOG group 1 not bound"
nsx "$NS_C" "$PKTSEND" udp 10.77.1.2 10.77.2.2 --sport 40000 --dport 7201 \
	--len 10 --count 10 || diag "pktsend failed"
nsx "$NS_C" "$PKTSEND" tcp 10.77.1.2 10.77.2.2 --sport 40001 --dport 7202 \
	--flags S --seq 123456789 --count 5 || diag "pktsend failed"
nsx "$NS_C" "$PKTSEND" icmp 10.77.1.2 10.77.2.2 --id 77 --icmpseq 3 \
	--count 3 || diag "pktsend failed"

flat()
{
	PG_DB=ulogflat pg_sql "$1"
}

pg_wait 20 "SELECT count(*) FROM ulog2" 18
wait_for 20 _db_is flat "SELECT count(*) FROM ulog2" 18

# --- the full schema, through INSERT_PACKET_FULL ------------------------------
is "$(pg_sql "SELECT count(*) FROM ulog2")" "18" \
	"INSERT_PACKET_FULL: 18 packets, 18 rows in ulog2"
is "$(pg_sql "SELECT count(*), min(udp_sport), min(udp_dport), min(udp_len)
	FROM udp")" "10|40000|7201|18" "10 in udp, ports and length"
is "$(pg_sql "SELECT count(*), bool_and(tcp_syn), bool_or(tcp_ack),
	min(tcp_seq), min(tcp_dport) FROM tcp")" "5|t|f|123456789|7202" \
	"5 in tcp: SYN set, ACK not, the sequence number"
is "$(pg_sql "SELECT count(*), min(icmp_type), min(icmp_echoid),
	min(icmp_echoseq) FROM icmp")" "3|8|77|3" "3 in icmp: echo, id, seq"
is "$(pg_sql "SELECT DISTINCT ip_saddr_str, ip_daddr_str, oob_in, oob_out
	FROM ulog")" "10.77.1.2|10.77.2.2|g0|g1" \
	"the ulog view gives the addresses and interfaces back"
is "$(pg_sql "SELECT DISTINCT mac_saddr_str, mac_daddr_str FROM ulog")" \
	"$MAC_C0|$MAC_G0" "and the MAC addresses (table mac)"
is "$(pg_sql "SELECT string_agg(DISTINCT oob_prefix, ',') FROM ulog")" \
	"u2-icmp,u2-tcp,u2-udp" "and the prefixes"

# --- the flat schema, by COPY -------------------------------------------------
is "$(flat "SELECT count(*) FROM ulog2")" "18" \
	"flat schema: 18 packets, 18 rows"
is "$(flat "SELECT count(*) FROM ulog2 WHERE udp_dport = 7201
	AND ip_saddr_str = '10.77.1.2'::inet AND ip_totlen = 38")" "10" \
	"flat: the UDP rows, inet addresses, lengths"
is "$(flat "SELECT count(*) FROM ulog2 WHERE tcp_syn AND NOT tcp_ack
	AND tcp_seq = 123456789")" "5" "flat: the TCP rows, boolean flags"
is "$(flat "SELECT count(*) FROM ulog2 WHERE icmp_type = 8
	AND icmp_echoid = 77")" "3" "flat: the ICMP rows"
is "$(flat "SELECT DISTINCT mac_saddr_str::text, mac_daddr_str::text
	FROM ulog2")" "$MAC_C0|$MAC_G0" "flat: macaddr columns"

nfpiped_stop
is "$?" "0" "nfpiped stops cleanly"
check "no row refused or lost" \
	bash -c "! grep -E 'row rejected|cannot|failed' '$T/u2.log' '$T/u2.err'"

done_testing
