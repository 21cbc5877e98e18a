#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/mysql-outage.sh - MYSQL loses nothing while MariaDB is
# away
#
# nfpiped logs a steady stream of forwarded UDP packets through NFLOG (with
# its sequence numbers) into two tables of a throwaway server: seqlog
# (sequence number and prefix) and etc/sql/mysql.sql's ulog_pkt. Phases,
# each with its own rule prefix:
#   p1  the server is stopped (SIGTERM) in the middle of the stream
#       and started again 1.5 s later;
#   p2  the server is killed (SIGKILL) in the middle of the stream and
#       started again;
#   p3  the server is stopped, packets arrive, nfpiped is stopped (SIGTERM:
#       it spools), the server is started, then nfpiped again;
#   p4  nfpiped starts while the server is down, one output without any
#       saved column list (it reads them from etc/sql/mysql.sql), packets
#       arrive, the server is started;
#   p5  the COMMIT goes unanswered: the server commits, then waits for a
#       semi-synchronous replica that does not exist, and the test kills
#       nfpiped's connections. The batch is in; nfpiped must find that out
#       (its token in nfpipe_state) instead of writing it a second time.
# After each phase both tables have exactly one row per packet sent, and
# in seqlog the sequence numbers of a phase go up by one from row to row:
# nothing lost, nothing twice, in order.
. "$(dirname "$0")/lib.sh"
# A binary log, so that semi-synchronous replication can hold COMMITs (p5).
MY_EXTRA_OPTS="--log-bin=nfpt-bin --server-id=1"
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
my_sql "CREATE TABLE seqlog (
		_id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
		oob_seq_local INT UNSIGNED, oob_prefix VARCHAR(16))
		ENGINE=InnoDB" ||
	bail_out "cannot create seqlog"

nft_gw "table inet nfpt {
	chain c_fwd {
		type filter hook forward priority 0; policy accept;
		udp dport 7101 log group 1 prefix \"p1\"
		udp dport 7102 log group 1 prefix \"p2\"
		udp dport 7103 log group 1 prefix \"p3\"
		udp dport 7104 log group 1 prefix \"p4\"
		udp dport 7105 log group 1 prefix \"p5\"
	}
}"

write_conf out <<EOF
stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,my1:MYSQL
stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,my2:MYSQL

[log1]
group=1
seq_local=1
netlink_qthreshold=20
netlink_qtimeout=5

[my1]
$(my_conf tcp)
table="seqlog"
spool_dir="$T/spool"
retry_max=500ms
flush_interval=100ms

[my2]
$(my_conf socket)
table="ulog_pkt"
schema_file="$top_srcdir/etc/sql/mysql.sql"
spool_dir="$T/spool"
retry_max=500ms
flush_interval=100ms
EOF

SENT=0

# send PHASE COUNT INTERVAL_MS: packets to dport 710PHASE, in the background.
send()
{
	nsx "$NS_C" "$PKTSEND" udp 10.77.1.2 10.77.2.2 --sport 40000 \
		--dport "710$1" --len 8 --count "$2" --interval "$3" \
		>/dev/null 2>&1 &
	SENDER=$!
	SENT=$((SENT + $2))
}

# verify PHASE COUNT: the rows of the phase in both tables.
verify()
{
	local p=$1 n=$2

	my_wait 60 "SELECT COUNT(*) FROM seqlog" "$SENT"
	my_wait 30 "SELECT COUNT(*) FROM ulog_pkt" "$SENT"
	is "$(my_sql "SELECT CONCAT(COUNT(*), '|', COUNT(DISTINCT oob_seq_local))
		FROM seqlog WHERE oob_prefix = '$p'")" "$n|$n" \
		"$p: $n packets, $n rows in seqlog, none twice"
	is "$(my_sql "SELECT COUNT(*) FROM ulog_pkt WHERE oob_prefix = '$p'")" \
		"$n" "$p: $n rows in ulog_pkt"
	is "$(my_sql "SELECT COUNT(*) FROM (SELECT CAST(oob_seq_local AS SIGNED) -
		CAST(LAG(oob_seq_local) OVER (ORDER BY _id) AS SIGNED) AS d
		FROM seqlog WHERE oob_prefix = '$p') s WHERE d <> 1")" "0" \
		"$p: in order, no gap"
	is "$(my_sql "SELECT COUNT(*) FROM seqlog")" "$SENT" \
		"$p: $SENT rows in all, nothing more"
}

# nfpiped_start NAME waits for "started with" in $T/NAME.log, which is
# appended to: an earlier run's line would end the wait at once. Each run
# gets a fresh log; the old one is kept as NAME-N.log.
RUN=0
restart()
{
	RUN=$((RUN + 1))
	[ -e "$T/out.log" ] && mv "$T/out.log" "$T/out-$RUN.log"
	nfpiped_start out
}

counter()
{
	kill -USR1 "$NFPIPED_PID"
	sleep 0.3
	grep "\[$1\] counters:" "$T/out.log" | tail -n 1 |
		sed -n "s/.* $2=\([0-9]*\).*/\1/p"
}

nfpiped_start out || bail_out "nfpiped did not start"

# --- p1: fast shutdown mid-stream -------------------------------------------
send 1 2000 1
sleep 1
my_stop
sleep 1.5
my_start
wait "$SENDER"
verify p1 2000
r=$(counter my1 reconnects)
ok $(( ${r:-0} >= 1 ? 0 : 1 )) "p1: the output reconnected (reconnects=$r)"
s=$(counter my1 spooled)
diag "p1: $s rows went through the spool"

# --- p2: killed mid-stream ----------------------------------------------------
send 2 2000 1
sleep 1
my_kill
sleep 1
my_start
wait "$SENDER"
verify p2 2000

# --- p3: nfpiped stopped while the server is down ----------------------------
my_stop
send 3 500 0
wait "$SENDER"
sleep 1.5
nfpiped_stop
is "$?" "0" "p3: nfpiped stops while the server is down, exit 0"
segs=$(find "$T/spool/my1" -name '*seg' -size +0 2>/dev/null | wc -l)
ok $(( segs > 0 ? 0 : 1 )) "p3: its rows wait in the spool ($segs segments)"
my_start
restart || bail_out "nfpiped did not start again"
verify p3 500

# --- p4: nfpiped starts while the server is down -----------------------------
nfpiped_stop
my_stop
rm -f "$T/spool/my2.columns"
restart
ok $? "p4: nfpiped starts while the server is down"
check "p4: my2 took its columns from schema_file" \
	grep -q "\[my2\] .*filling the 79 columns of the table in schema_file" \
	"$T/out.log" "$T/out.err"
check "p4: my1 took the columns an earlier run saved" \
	grep -q "\[my1\] .*filling the 2 columns saved by an earlier run" \
	"$T/out.log" "$T/out.err"
wait_for 5 nflog_bound 1
send 4 300 0
wait "$SENDER"
sleep 1
my_start
verify p4 300
is "$(counter my2 replayed)" "300" "p4: my2's 300 rows were replayed from the spool"

# --- p5: the COMMIT goes unanswered ----------------------------------------
stuck()
{
	[ "$(my_sql "SELECT COUNT(*) FROM information_schema.PROCESSLIST
		WHERE USER = 'nfpipe' AND STATE LIKE '%semi-sync%'")" = 2 ]
}
my_sql "SET GLOBAL rpl_semi_sync_master_wait_point = 'AFTER_COMMIT';
	SET GLOBAL rpl_semi_sync_master_timeout = 600000;
	SET GLOBAL rpl_semi_sync_master_wait_no_slave = ON;
	SET GLOBAL rpl_semi_sync_master_enabled = ON"
send 5 40 0
wait "$SENDER"
wait_for 15 stuck
ok $? "p5: both outputs wait for their COMMIT (the replica that is not there)"
for id in $(my_sql "SELECT ID FROM information_schema.PROCESSLIST
	WHERE USER = 'nfpipe'"); do
	my_sql "KILL CONNECTION $id"
done
my_sql "SET GLOBAL rpl_semi_sync_master_enabled = OFF"
verify p5 40
check "p5: the batch in doubt had landed: not written again (seqlog)" \
	grep -q "\[my1\] batch [0-9]* was in doubt (connection lost at COMMIT): it had landed, not written again" "$T/out.log"
check "p5: the same for ulog_pkt" \
	grep -q "\[my2\] batch [0-9]* was in doubt (connection lost at COMMIT): it had landed, not written again" "$T/out.log"
check "no rows dropped or rejected (counters)" \
	bash -c "! grep -E '\[my[12]\] counters:.* (dropped|rejected)=[1-9]' '$T/out.log'"
nfpiped_stop
is "$?" "0" "nfpiped stops cleanly"

done_testing
