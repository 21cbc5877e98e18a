#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/mysql-rows.sh - MYSQL into a real MariaDB
#
# A throwaway server (dbserver.sh) in the lab's gateway namespace, nfpiped
# there logging forwarded UDP through NFLOG into etc/sql/mysql.sql's
# ulog_pkt over TCP with a password. Checks:
#  - N logged packets give exactly N rows, with the values pktsend put in
#    the packets, and NULL for the protocols they do not have;
#  - the rows are in order: a second output fills a table with NFLOG's
#    sequence number, which must go up by one from row to row;
#  - the prefix '; DROP TABLE x; -- is stored verbatim and x survives;
#  - a row the server refuses (a prefix too long for VARCHAR(12)) is
#    skipped and logged with the reason while the 10 rows of its batch
#    land, and the counters say written=10 rejected=1;
#  - the same with procedure= (a stored function that SIGNALs for that
#    row), executed row by row;
#  - unsigned 32-bit values above 2^31 stay positive (a mark of
#    0xdeadbeef is 3735928559);
#  - a warning when the config holding the password is world-readable;
#  - no password in the log, also when the server refuses the password
#    (nfpiped still starts then, and spools).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dbserver.sh"

require_root
require_cmd ip nft
require_nfpiped
require_kernel_logging
db_install
lab_up
my_start
my_sql_file "$top_srcdir/etc/sql/mysql.sql" ||
	bail_out "cannot load etc/sql/mysql.sql"
my_sql "CREATE TABLE x (keep INT);
	CREATE TABLE seqlog (_id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
		oob_seq_local INT UNSIGNED, oob_prefix VARCHAR(64),
		udp_dport SMALLINT UNSIGNED) ENGINE=InnoDB;
	CREATE TABLE narrow (_id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
		oob_prefix VARCHAR(12), udp_sport SMALLINT UNSIGNED,
		udp_dport SMALLINT UNSIGNED, oob_mark INT UNSIGNED)
		ENGINE=InnoDB;
	CREATE TABLE proclog (_id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
		oob_prefix VARCHAR(64), udp_sport SMALLINT UNSIGNED)
		ENGINE=InnoDB;" ||
	bail_out "cannot create the test tables"
cat >"$T/func.sql" <<'SQL'
DELIMITER $$
CREATE FUNCTION nfpt_ins(p VARCHAR(64), s INT) RETURNS INT
MODIFIES SQL DATA
BEGIN
	IF CHAR_LENGTH(p) > 12 THEN
		SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'prefix refused';
	END IF;
	INSERT INTO proclog (oob_prefix, udp_sport) VALUES (p, s);
	RETURN 1;
END
$$
DELIMITER ;
SQL
my_sql_file "$T/func.sql" || bail_out "cannot create the test function"

INJECT="'; DROP TABLE x; --"
nft_gw "table inet nfpt {
	chain c_fwd {
		type filter hook forward priority 0; policy accept;
		udp dport 7001 log group 1 prefix \"nfpt-rows\"
		udp dport 7002 log group 1 prefix \"$INJECT\"
		udp dport 7003 meta mark set 0xdeadbeef log group 2 prefix \"short\"
		udp dport 7004 log group 2 prefix \"far-too-long-for-12\"
	}
}"

write_conf rows <<EOF
stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,my1:MYSQL
stack=log1:NFLOG,base1:BASE,my2:MYSQL
stack=log2:NFLOG,base2:BASE,my3:MYSQL
stack=log2:NFLOG,base2:BASE,my5:MYSQL

[log1]
group=1
seq_local=1

[log2]
group=2

[my1]
$(my_conf tcp)
table="ulog_pkt"
spool_dir="$T/spool"
flush_interval=200ms

[my2]
$(my_conf tcp)
table="seqlog"
spool_dir="$T/spool"

[my3]
$(my_conf socket)
table="narrow"
spool_dir="$T/spool"

[my5]
$(my_conf socket)
table="proclog"
procedure="nfpt_ins"
spool_dir="$T/spool"
EOF

t0=$(date +%s)
nfpiped_start rows || bail_out "nfpiped did not start"
wait_for 5 nflog_bound 1 || bail_out "NFLOG group 1 not bound"

# write_conf makes the file with the default umask: mode 0644.
check "a config holding a password that every user can read: a warning" \
	grep -q "warning: \\[my1\\] option \"pass\" holds a secret in a file every user can read; chmod o-r" \
	"$T/rows.log" "$T/rows.err"

# --- N packets, N rows --------------------------------------------------
N=500
nsx "$NS_C" "$PKTSEND" udp 10.77.1.2 10.77.2.2 --sport 40000 --dport 7001 \
	--len 12 --count $N || diag "pktsend failed"
nsx "$NS_C" "$PKTSEND" udp 10.77.1.2 10.77.2.2 --sport 40001 --dport 7002 \
	--len 4 || diag "pktsend failed"
my_wait 30 "SELECT COUNT(*) FROM ulog_pkt" $((N + 1))
is "$(my_sql "SELECT COUNT(*) FROM ulog_pkt WHERE oob_prefix = 'nfpt-rows'")" \
	"$N" "$N logged packets: $N rows"
is "$(my_sql "SELECT COUNT(*) FROM ulog_pkt")" "$((N + 1))" \
	"and one more for the other rule: nothing doubled"
# mysql.sql's ulog_pkt has the label columns; no L7, GEOIP, BLACKLIST here.
is "$(my_sql "SELECT COUNT(*) FROM ulog_pkt WHERE l7_proto IS NULL AND
	geoip_src_asn IS NULL AND blacklist_src IS NULL")" "$((N + 1))" \
	"no interpreter in the stack: the label columns are NULL"
check "the log says which columns stay NULL" \
	grep -q "info: \\[my1\\] 19 columns stay NULL, no plugin in the stack fills them: l7_proto, l7_app, .*, blacklist_dst_desc\$" \
	"$T/rows.log" "$T/rows.err"
t1=$(date +%s)

# pktsend's packet: IPv4 header 20, UDP 8, 12 payload bytes; IP ID 4242;
# TTL 64, one less on the gateway's forward hook.
is "$(my_sql "SELECT DISTINCT CONCAT_WS('|', oob_family, oob_hook, oob_in,
	oob_out, ip_saddr_str, ip_daddr_str, ip_protocol, ip_ttl, ip_totlen,
	ip_id, raw_pktlen, udp_sport, udp_dport, udp_len, oob_mark)
	FROM ulog_pkt WHERE udp_dport = 7001")" \
	"2|2|g0|g1|10.77.1.2|10.77.2.2|17|63|40|4242|40|40000|7001|20|0" \
	"the values of the packets, the same in every row"
is "$(my_sql "SELECT COUNT(*) FROM ulog_pkt WHERE tcp_sport IS NOT NULL
	OR icmp_type IS NOT NULL OR ip6_payloadlen IS NOT NULL")" "0" \
	"no TCP, ICMP or IPv6 values in UDP rows: NULL"
is "$(my_sql "SELECT COUNT(*) FROM ulog_pkt
	WHERE oob_time_sec BETWEEN $((t0 - 1)) AND $((t1 + 1))
	AND oob_time_usec BETWEEN 0 AND 999999")" "$((N + 1))" \
	"packet times within the test's run"
is "$(my_sql "SELECT raw_mac FROM ulog_pkt LIMIT 1")" \
	"$MAC_G0:$MAC_C0:08:00" \
	"raw_mac: the Ethernet header, gateway's address, client's, 0800"

# --- order: NFLOG's sequence numbers, one up per row ----------------------
my_wait 10 "SELECT COUNT(*) FROM seqlog" $((N + 1))
is "$(my_sql "SELECT COUNT(*) FROM seqlog")" "$((N + 1))" \
	"the second output got every packet too"
is "$(my_sql "SELECT COUNT(*) FROM (SELECT CAST(oob_seq_local AS SIGNED) -
	CAST(LAG(oob_seq_local) OVER (ORDER BY _id) AS SIGNED) AS d
	FROM seqlog) s WHERE d <> 1")" "0" \
	"rows in order: each sequence number is the one before plus one"
is "$(my_sql "SELECT oob_prefix FROM seqlog ORDER BY _id DESC LIMIT 1")" \
	"$INJECT" "and the last row is the last packet"

# --- a hostile prefix ------------------------------------------------------
is "$(my_sql "SELECT oob_prefix FROM ulog_pkt WHERE udp_dport = 7002")" \
	"$INJECT" "the prefix $INJECT is stored verbatim"
is "$(my_sql "SELECT COUNT(*) FROM information_schema.TABLES
	WHERE TABLE_SCHEMA = 'nfpipe' AND TABLE_NAME = 'x'")" "1" \
	"and table x is still there"

# --- a refused row: its batch lands without it ----------------------------
nsx "$NS_C" "$PKTSEND" udp 10.77.1.2 10.77.2.2 --sport 41000 --dport 7003 \
	--count 5 || diag "pktsend failed"
nsx "$NS_C" "$PKTSEND" udp 10.77.1.2 10.77.2.2 --sport 41001 --dport 7004 \
	|| diag "pktsend failed"
nsx "$NS_C" "$PKTSEND" udp 10.77.1.2 10.77.2.2 --sport 41002 --dport 7003 \
	--count 5 || diag "pktsend failed"
my_wait 15 "SELECT COUNT(*) FROM narrow" 10
wait_for 5 grep -q "row rejected" "$T/rows.log"
is "$(my_sql "SELECT GROUP_CONCAT(udp_sport ORDER BY _id) FROM narrow")" \
	"41000,41000,41000,41000,41000,41002,41002,41002,41002,41002" \
	"the 10 good rows of the batch landed, in order"
check "the refused row is logged with the server's reason, as row 5 of its batch" \
	grep -q "\[my3\] row rejected, skipped: Data too long for column 'oob_prefix'.*(row 5 of batch" \
	"$T/rows.log"
is "$(my_sql "SELECT DISTINCT oob_mark FROM narrow")" "3735928559" \
	"a mark of 0xdeadbeef stays 3735928559"
my_wait 10 "SELECT COUNT(*) FROM proclog" 10
is "$(my_sql "SELECT GROUP_CONCAT(udp_sport ORDER BY _id) FROM proclog")" \
	"41000,41000,41000,41000,41000,41002,41002,41002,41002,41002" \
	"procedure=: the function's 10 rows landed, in order"
check "procedure=: the row the function refused is logged with its reason" \
	grep -q "\[my5\] row rejected, skipped: prefix refused (row 5 of batch" \
	"$T/rows.log"
kill -USR1 "$NFPIPED_PID"
wait_for 5 grep -q '\[my5\] counters:' "$T/rows.log"
check "counters: written=10 rejected=1" \
	grep -q '\[my3\] counters:.* written=10 .*rejected=1 ' "$T/rows.log"
check "procedure=: counters written=10 rejected=1" \
	grep -q '\[my5\] counters:.* written=10 .*rejected=1 ' "$T/rows.log"

nfpiped_stop
is "$?" "0" "nfpiped stops cleanly"

# --- the password stays out of the log ---------------------------------------
write_conf badpw <<EOF
stack=log3:NFLOG,base3:BASE,ifi3:IFINDEX,ip2str3:IP2STR,my4:MYSQL

[log3]
group=3

[my4]
host="127.0.0.1"
port=$MY_PORT
db="nfpipe"
user="nfpipe"
pass="Wrong-Pw-4711"
table="ulog_pkt"
schema_file="$top_srcdir/etc/sql/mysql.sql"
spool_dir="$T/spool-bad"
EOF
nfpiped_start badpw
ok $? "a refused password: nfpiped still starts (and spools)"
wait_for 5 grep -q "Access denied" "$T/badpw.log"
check "the log says the password was refused" \
	grep -q "Access denied" "$T/badpw.log" "$T/badpw.err"
nfpiped_stop
! grep -qF -e "Wrong-Pw-4711" -e "$DB_PASS" "$T"/*.log "$T"/*.err "$T"/*.out \
	2>/dev/null
ok $? "no password in anything nfpiped wrote"

# --- upgrade scripts ----------------------------------------------------
# A database of the layout before the label columns (mysql.sql without
# them), upgraded by l7-mysql.sql and geoip-blacklist-mysql.sql and
# mysql.sql again, has the columns and types of mysql.sql (tables and the
# view ulog_pkt_time); a second run changes nothing.
cols()
{
	MY_DB=$1 my_sql "SET SESSION group_concat_max_len = 1000000;
		SELECT GROUP_CONCAT(CONCAT(TABLE_NAME, '.',
		COLUMN_NAME, ' ', COLUMN_TYPE) ORDER BY TABLE_NAME, COLUMN_NAME
		SEPARATOR ',') FROM information_schema.COLUMNS
		WHERE TABLE_SCHEMA = '$1' AND
		TABLE_NAME IN ('ulog_pkt', 'ulog_ct', 'ulog_pkt_time')"
}
upgrade()
{
	local f

	for f in "$@"; do
		MY_DB=old my_sql_file "$f" || return 1
	done
}
my_sql "CREATE DATABASE old" >/dev/null || bail_out "cannot create old"
want=$(cols nfpipe)
upgrade "$top_srcdir/etc/sql/mysql.sql" ||
	bail_out "cannot load mysql.sql into old"
drop=$(MY_DB=old my_sql "SET SESSION group_concat_max_len = 1000000;
	SELECT GROUP_CONCAT(CONCAT('ALTER TABLE ',
	TABLE_NAME, ' DROP COLUMN ', COLUMN_NAME) SEPARATOR '; ')
	FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'old' AND
	TABLE_NAME IN ('ulog_pkt', 'ulog_ct') AND
	COLUMN_NAME REGEXP '^(l7|geoip|blacklist)_'")
MY_DB=old my_sql "DROP VIEW ulog_pkt_time; $drop" ||
	bail_out "cannot make the old layout"
check "mysql.sql has the label columns" grep -q "ulog_ct.l7_end" <<<"$want"
check "the old layout lacks them" test "$(cols old)" != "$want"
upgrade "$top_srcdir/etc/sql/l7-mysql.sql" \
	"$top_srcdir/etc/sql/geoip-blacklist-mysql.sql" >"$T/upgrade.out" 2>&1
ok $? "l7-mysql.sql and geoip-blacklist-mysql.sql run" ||
	diag_file "$T/upgrade.out"
upgrade "$top_srcdir/etc/sql/mysql.sql" >"$T/upgrade.out" 2>&1
ok $? "then mysql.sql again" || diag_file "$T/upgrade.out"
is "$(cols old)" "$want" "upgraded: the columns and types of mysql.sql"
upgrade "$top_srcdir/etc/sql/l7-mysql.sql" \
	"$top_srcdir/etc/sql/geoip-blacklist-mysql.sql" >"$T/upgrade.out" 2>&1
ok $? "a second run passes too" || diag_file "$T/upgrade.out"

done_testing
