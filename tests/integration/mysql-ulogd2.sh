#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/mysql-ulogd2.sh - ulogd2's own MySQL schemas as MYSQL's
# targets
#
# Debian's ulogd2-mysql ships two schemas (mysql-ulogd2.sql.gz and
# mysql-ulogd2-flat.sql.gz). A ulogd2 user keeps them: this loads both into
# a throwaway MariaDB and runs the stack and sections of ulogd2's example
# ulogd.conf (IP2BIN for the BINARY(16) address columns):
#   mysql1: table="ulog" (a view), procedure="INSERT_PACKET_FULL": one call
#           of ulogd2's stored function per packet, which spreads it over
#           ulog2, tcp, udp, icmp and mac;
#   mysql2: the flat schema's table ulog2, procedure="INSERT": bulk INSERT
#           into ulogd2's column types.
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

	for f in /usr/share/doc/ulogd2-mysql/$1 /usr/share/doc/ulogd2/$1; do
		[ -s "$f" ] && { echo "$f"; return 0; }
	done
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q ulogd2-mysql \
		>"$T/apt-ulogd2.log" 2>&1
	for f in /usr/share/doc/ulogd2-mysql/$1 /usr/share/doc/ulogd2/$1; do
		[ -s "$f" ] && { echo "$f"; return 0; }
	done
	(cd "$T" && apt-get download ulogd2-mysql ulogd2 >>"$T/apt-ulogd2.log" 2>&1)
	for f in "$T"/ulogd2*.deb; do
		[ -e "$f" ] && dpkg-deb -x "$f" "$T/deb"
	done
	f=$(find "$T/deb" -name "$1" 2>/dev/null | head -n 1)
	[ -s "$f" ] && { echo "$f"; return 0; }
	return 1
}

FULL=$(schema mysql-ulogd2.sql.gz) ||
	bail_out "ulogd2's mysql-ulogd2.sql.gz not found (package ulogd2-mysql)"
FLAT=$(schema mysql-ulogd2-flat.sql.gz) ||
	bail_out "ulogd2's mysql-ulogd2-flat.sql.gz not found"

lab_up
my_start
MY_DB=mysql my_sql "CREATE DATABASE ulogflat;
	GRANT ALL ON ulogflat.* TO 'nfpipe'@'127.0.0.1';
	GRANT ALL ON ulogflat.* TO 'nfpipe'@'localhost';" ||
	bail_out "cannot create database ulogflat"
zcat "$FULL" >"$T/full.sql"
zcat "$FLAT" >"$T/flat.sql"
my_sql_file "$T/full.sql" >"$T/full.out" 2>&1 || {
	diag_file "$T/full.out"
	bail_out "ulogd2's mysql-ulogd2.sql does not load"
}
MY_DB=ulogflat my_sql_file "$T/flat.sql" >"$T/flat.out" 2>&1 || {
	diag_file "$T/flat.out"
	bail_out "ulogd2's mysql-ulogd2-flat.sql does not load"
}

nft_gw "table inet nfpt {
	chain c_fwd {
		type filter hook forward priority 0; policy accept;
		udp dport 7201 log group 1 prefix \"u2-udp\"
		tcp dport 7202 log group 1 prefix \"u2-tcp\"
		icmp type echo-request log group 1 prefix \"u2-icmp\"
	}
}"

# ulogd2's example ulogd.conf, sections mysql1 and (flat) mysql2.
write_conf u2 <<EOF
plugin="/usr/lib/x86_64-linux-gnu/ulogd/ulogd_inppkt_NFLOG.so"
plugin="/usr/lib/x86_64-linux-gnu/ulogd/ulogd_output_MYSQL.so"
stack=log2:NFLOG,base1:BASE,ifi1:IFINDEX,ip2bin1:IP2BIN,mac2str1:HWHDR,mysql1:MYSQL
stack=log2:NFLOG,base1:BASE,ifi1:IFINDEX,ip2bin1:IP2BIN,mac2str1:HWHDR,mysql2:MYSQL

[log2]
group=1

[mysql1]
db="nfpipe"
host="127.0.0.1"
port=$MY_PORT
user="nfpipe"
table="ulog"
pass="$DB_PASS"
procedure="INSERT_PACKET_FULL"
spool_dir="$T/spool"

[mysql2]
db="ulogflat"
host="127.0.0.1"
port=$MY_PORT
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
	MY_DB=ulogflat my_sql "$1"
}

my_wait 20 "SELECT COUNT(*) FROM ulog2" 18
wait_for 20 _db_is flat "SELECT COUNT(*) FROM ulog2" 18

# 10.77.1.2 and 10.77.2.2 as IP2BIN writes them: IPv4-mapped, 0a 4d 01 02.
SADDR=00000000000000000000FFFF0A4D0102
DADDR=00000000000000000000FFFF0A4D0202

# --- the full schema, through INSERT_PACKET_FULL ------------------------------
is "$(my_sql "SELECT COUNT(*) FROM ulog2")" "18" \
	"INSERT_PACKET_FULL: 18 packets, 18 rows in ulog2"
is "$(my_sql "SELECT CONCAT_WS('|', COUNT(*), MIN(udp_sport), MIN(udp_dport),
	MIN(udp_len)) FROM udp")" "10|40000|7201|18" \
	"10 in udp, ports and length"
is "$(my_sql "SELECT CONCAT_WS('|', COUNT(*), MIN(tcp_syn), MAX(tcp_ack),
	MIN(tcp_seq), MIN(tcp_dport)) FROM tcp")" "5|1|0|123456789|7202" \
	"5 in tcp: SYN set, ACK not, the sequence number"
is "$(my_sql "SELECT CONCAT_WS('|', COUNT(*), MIN(icmp_type),
	MIN(icmp_echoid), MIN(icmp_echoseq)) FROM icmp")" "3|8|77|3" \
	"3 in icmp: echo, id, seq"
is "$(my_sql "SELECT DISTINCT CONCAT_WS('|', HEX(ip_saddr), HEX(ip_daddr),
	oob_in, oob_out) FROM ulog2")" "$SADDR|$DADDR|g0|g1" \
	"addresses in BINARY(16) from IP2BIN's literals, and interfaces"
is "$(my_sql "SELECT DISTINCT CONCAT_WS('|', mac_saddr_str, mac_daddr_str)
	FROM ulog")" "$MAC_C0|$MAC_G0" "the MAC addresses (table mac)"
is "$(my_sql "SELECT GROUP_CONCAT(DISTINCT oob_prefix ORDER BY oob_prefix)
	FROM ulog2")" "u2-icmp,u2-tcp,u2-udp" "the prefixes"

# --- the flat schema, by bulk INSERT ----------------------------------------
is "$(flat "SELECT COUNT(*) FROM ulog2")" "18" \
	"flat schema: 18 packets, 18 rows"
is "$(flat "SELECT COUNT(*) FROM ulog2 WHERE udp_dport = 7201
	AND HEX(ip_saddr_bin) = '$SADDR' AND ip_totlen = 38")" "10" \
	"flat: the UDP rows, BINARY(16) addresses, lengths"
is "$(flat "SELECT COUNT(*) FROM ulog2 WHERE tcp_syn = 1 AND tcp_ack = 0
	AND tcp_seq = 123456789")" "5" "flat: the TCP rows and flags"
is "$(flat "SELECT COUNT(*) FROM ulog2 WHERE icmp_type = 8
	AND icmp_echoid = 77")" "3" "flat: the ICMP rows"
is "$(flat "SELECT DISTINCT CONCAT_WS('|', mac_saddr_str, mac_daddr_str)
	FROM ulog2")" "$MAC_C0|$MAC_G0" "flat: MAC address strings"

nfpiped_stop
is "$?" "0" "nfpiped stops cleanly"
check "no row refused or lost" \
	bash -c "! grep -E 'row rejected|cannot|failed' '$T/u2.log' '$T/u2.err'"

done_testing
