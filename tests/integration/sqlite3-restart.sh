#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/sqlite3-restart.sh - no row lost while SQLite is
# unavailable, across a daemon restart, in order
#
# "Unavailable" is another process holding the database's write lock (the
# sqlite3 shell in an open BEGIN IMMEDIATE): nfpiped's writes wait
# busy_timeout, fail with SQLITE_BUSY, and its batches go to the spool.
#  1. locked mid-stream while the daemon runs, then unlocked: every row
#     lands, in order, through the spool (counters say so on SIGUSR1);
#  2. locked, packets logged, SIGTERM: the daemon exits at once, 0, with the
#     rows in its spool; unlocked, started again, more packets: every row of
#     both runs, the old ones first.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip nft sqlite3 mkfifo
require_nfpiped
require_kernel_logging

N=200
DB=$T/nfpipe.db
lab_up

sqlite3 "$DB" "PRAGMA journal_mode=WAL;
	CREATE TABLE t (_id INTEGER PRIMARY KEY, oob_prefix TEXT,
			udp_sport INTEGER, ip_saddr_str TEXT);" >/dev/null

write_conf rs <<EOF
stack=log1:NFLOG,base1:BASE,ip2str1:IP2STR,sql1:SQLITE3

[log1]
group=1
netlink_qthreshold=1

[sql1]
db="$DB"
table="t"
batch=50
busy_timeout=100ms
retry_max=300ms
flush_interval=200ms
spool_dir="$T/spool"
EOF

# lock_db / unlock_db: a sqlite3 shell holding the write lock meanwhile.
lock_db()
{
	rm -f "$T/lock.fifo" "$T/lock.out"
	mkfifo "$T/lock.fifo"
	sqlite3 "$DB" <"$T/lock.fifo" >"$T/lock.out" 2>&1 &
	LOCK_PID=$!
	NFPT_PIDS="$NFPT_PIDS $LOCK_PID"
	exec 7>"$T/lock.fifo"
	echo "BEGIN IMMEDIATE; SELECT 'locked';" >&7
	wait_for 5 grep -q locked "$T/lock.out" ||
		bail_out "cannot lock $DB: $(cat "$T/lock.out")"
}

unlock_db()
{
	echo "COMMIT;" >&7
	exec 7>&-
	wait "$LOCK_PID" 2>/dev/null
}

q()
{
	sqlite3 -batch -noheader "$DB" "$1" 2>&1
}

rows_are()
{
	[ "$(q "SELECT count(*) FROM t")" = "$1" ]
}

nft_gw "table inet nfpt {
	chain c_fwd {
		type filter hook forward priority 0; policy accept;
		udp dport 7777 log group 1 prefix \"A\"
		udp dport 7778 log group 1 prefix \"B\"
		udp dport 7779 log group 1 prefix \"C\"
	}
}"

# --- 1. locked mid-stream, unlocked while running ----------------------------
nfpiped_start rs
ok $? "nfpiped starts"
kill -0 "$NFPIPED_PID" 2>/dev/null || bail_out "nfpiped is not running"
psend_c udp 10.77.1.2 10.77.2.2 --sport 100 --dport 7777 --count $N
wait_for 10 rows_are $N
ok $? "$N rows while the database is free"
lock_db
psend_c udp 10.77.1.2 10.77.2.2 --sport 200 --dport 7777 --count $N \
	--interval 1
sleep 0.5
is "$(q "SELECT count(*) FROM t")" $N "locked: nothing more written"
ls "$T"/spool/sql1/*seg >/dev/null 2>&1
ok $? "locked: batches are in the spool"
unlock_db
wait_for 15 rows_are $((2 * N))
ok $? "unlocked: the spool is written, $((2 * N)) rows"
kill -USR1 "$NFPIPED_PID"
wait_for 5 grep -q '\[sql1\] counters:' "$T/rs.log"
line=$(grep '\[sql1\] counters:' "$T/rs.log" | tail -1)
[[ $line =~ written=$((2 * N))\  ]] && [[ ! $line =~ spooled=0\  ]] &&
	[[ $line =~ dropped=0\  ]]
ok $? "SIGUSR1: written=$((2 * N)), spooled rows, none dropped" ||
	diag "$line"

# --- 2. stopped while locked, started again ----------------------------------
lock_db
psend_c udp 10.77.1.2 10.77.2.2 --sport 300 --dport 7778 --count $N
sleep 0.3
nfpiped_stop
is "$?" 0 "SIGTERM while locked: nfpiped exits 0"
ls "$T"/spool/sql1/*seg >/dev/null 2>&1
ok $? "the rows it could not write are in the spool"
unlock_db
is "$(q "SELECT count(*) FROM t")" $((2 * N)) "none of them written yet"

nfpiped_start rs
ok $? "nfpiped starts again"
wait_for 10 rows_are $((3 * N))
ok $? "the spool of the last run is replayed at start"
psend_c udp 10.77.1.2 10.77.2.2 --sport 400 --dport 7779 --count $N
nfpiped_stop
is "$?" 0 "SIGTERM: nfpiped exits 0"
is "$(q "SELECT count(*) FROM t")" $((4 * N)) "$((4 * N)) packets, $((4 * N)) rows"
is "$(q "SELECT group_concat(oob_prefix || udp_sport || ':' || n, ' ') FROM
	(SELECT oob_prefix, udp_sport, count(*) AS n, min(_id) AS first
	 FROM t GROUP BY oob_prefix, udp_sport ORDER BY first)")" \
	"A100:$N A200:$N B300:$N C400:$N" "every run's rows, in order"
is "$(q "SELECT count(*) FROM (SELECT udp_sport, _id, lag(udp_sport) OVER
	(ORDER BY _id) AS prev FROM t) WHERE prev > udp_sport")" 0 \
	"no row overtook an older one"
is "$(ls "$T"/spool/sql1/*seg 2>/dev/null | wc -l)" 0 \
	"the spool is empty again"
grep -q 'replayed first' "$T/rs.log"
ok $? "the log says the spool was replayed"

done_testing
