#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/pgsql-stall.sh - PGSQL neither hangs nor writes twice
# when PostgreSQL stalls or dies in the middle of a transaction
#
# Two outputs (TCP and unix socket) write forwarded UDP packets, with their
# NFLOG sequence numbers, into tables t1 and t2; io_timeout=2s. Phases:
#   s1  the server is killed while a transaction of each output is open (a
#       lock the test holds keeps their COPY waiting), then started again.
#       The transactions left no trace in the WAL, so the restarted server
#       calls their ids "in the future": the batches in doubt did not land
#       and are written again, once. (Before the fix, txid_status()'s error
#       counted as "cannot tell yet", retried forever: pgsql-outage.sh p2's
#       CI flake, outputs stuck until nfpiped restarted.)
#   s2  every server process is stopped (SIGSTOP) mid-stream: the sockets
#       stay open and nothing answers. The outputs give up on their
#       connections after io_timeout, the daemon keeps reading packets and
#       spools; after SIGCONT every row lands once, in order.
#   s3  the server is stopped again, packets arrive, nfpiped is stopped: it
#       exits within stop_timeout (plus the core's grace), exit 0, rows in
#       the spool; SIGCONT, nfpiped again: every row lands once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dbserver.sh"

# Whatever way the test ends, stopped server processes go on first (by
# PID), so that the cleanup can stop them.
pids=""
trap '[ -n "$pids" ] && kill -CONT $pids 2>/dev/null; _db_cleanup' EXIT

require_root
require_cmd ip nft pgrep
require_nfpiped
require_kernel_logging
db_install
lab_up
pg_start
for t in t1 t2; do
	pg_sql_nfpipe "CREATE TABLE $t (
		_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		oob_seq_local bigint, oob_prefix text)" ||
		bail_out "cannot create $t"
done

nft_gw "table inet nfpt {
	chain c_fwd {
		type filter hook forward priority 0; policy accept;
		udp dport 7201 log group 1 prefix \"s1\"
		udp dport 7202 log group 1 prefix \"s2\"
		udp dport 7203 log group 1 prefix \"s3\"
	}
}"

write_conf out <<EOF
stack=log1:NFLOG,pg1:PGSQL
stack=log1:NFLOG,pg2:PGSQL

[log1]
group=1
seq_local=1
netlink_qthreshold=20
netlink_qtimeout=5

[pg1]
$(pg_conf tcp)
table="t1"
spool_dir="$T/spool"
retry_max=500ms
flush_interval=100ms
io_timeout=2s
connect_timeout=2
stop_timeout=3s

[pg2]
$(pg_conf socket)
table="t2"
spool_dir="$T/spool"
retry_max=500ms
flush_interval=100ms
io_timeout=2s
connect_timeout=2
stop_timeout=3s
EOF

SENT=0

# send PHASE COUNT INTERVAL_MS: packets to dport 720PHASE, in the background.
send()
{
	nsx "$NS_C" "$PKTSEND" udp 10.77.1.2 10.77.2.2 --sport 40000 \
		--dport "720$1" --len 8 --count "$2" --interval "$3" \
		>/dev/null 2>&1 &
	SENDER=$!
	SENT=$((SENT + $2))
}

# verify PHASE COUNT: each table has every row of the phase once, in order.
verify()
{
	local p=$1 n=$2 t

	for t in t1 t2; do
		pg_wait 60 "SELECT count(*) FROM $t" "$SENT"
		is "$(pg_sql "SELECT count(*), count(DISTINCT oob_seq_local)
			FROM $t WHERE oob_prefix = '$p'")" "$n|$n" \
			"$p: $n packets, $n rows in $t, none twice"
		is "$(pg_sql "SELECT count(*) FROM (SELECT oob_seq_local -
			lag(oob_seq_local) OVER (ORDER BY _id) AS d
			FROM $t WHERE oob_prefix = '$p') s WHERE d <> 1")" "0" \
			"$p: $t in order, no gap"
		is "$(pg_sql "SELECT count(*) FROM $t")" "$SENT" \
			"$p: $SENT rows in $t in all, nothing more"
	done
}

# The server's processes: the postmaster and its children.
pg_pids()
{
	echo "$PG_PID" $(pgrep -P "$PG_PID")
}

# pg_signal SIG PIDS...: by PID, the processes pg_pids listed.
pg_signal()
{
	local sig=$1

	shift
	kill "-$sig" "$@" 2>/dev/null
}

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
wait_for 5 nflog_bound 1

# --- s1: killed with nfpiped's transactions open ----------------------------
# The lock holder: both tables locked until it is killed with the server.
(echo "BEGIN; LOCK TABLE t1, t2 IN ACCESS EXCLUSIVE MODE; SELECT 'locked';"
 sleep 60) | PGCONNECT_TIMEOUT=5 psql -X -q -A -t -h "$PG_SOCK" \
	-p "$PG_PORT" -U postgres -d nfpipe >"$T/locker.out" 2>&1 &
LOCKER=$!
NFPT_PIDS="$NFPT_PIDS $LOCKER"
wait_for 10 grep -q locked "$T/locker.out" || bail_out "cannot lock t1, t2"
waiting()
{
	[ "$(pg_sql "SELECT count(*) FROM pg_stat_activity
		WHERE application_name = 'nfpiped' AND wait_event_type = 'Lock'")" = 2 ]
}
send 1 50 0
wait "$SENDER"
wait_for 15 waiting
ok $? "s1: both outputs' transactions wait for the lock"
pids=$(pg_pids)
pg_kill
# The orphaned backends exit when they notice; the new postmaster needs
# them gone (their shared memory).
gone()
{
	local p

	for p in $pids; do
		kill -0 "$p" 2>/dev/null && return 1
	done
	return 0
}
wait_for 20 gone || diag "s1: old backends still there"
kill "$LOCKER" 2>/dev/null
wait "$LOCKER" 2>/dev/null
pg_start
verify s1 50
# Which way the batch came back depends on where the kill found it: its
# COMMIT already sent (in doubt: the answer is "in the future", not landed,
# or, when the other output's new transaction took the same id first, "the
# server restarted since"), or not yet (a plain lost connection; seen once
# under ASan). Either way verify above proved every row landed once; say
# which it was. A doubt resolved as "had landed" would have lost the rows
# that verify counts.
for i in 1 2; do
	if grep -Eq "\[pg$i\] batch [0-9]* was in doubt \(connection lost at COMMIT\)(: it had not landed, written again| and the server restarted since: written again)" "$T/out.log"; then
		diag "s1: pg$i's batch was in doubt and was written again"
	else
		diag "s1: pg$i lost its connection before COMMIT went out"
	fi
done

# --- s2: every server process stopped mid-stream -----------------------------
send 2 3000 1
sleep 1
pids=$(pg_pids)
pg_signal STOP $pids
STOPPED_AT=$(date +%s)
wait_for 15 grep -q "\[pg1\] .*no answer from the server within io_timeout" \
	"$T/out.log"
ok $? "s2: pg1 gave up on the silent server (io_timeout)"
wait_for 10 grep -q "\[pg2\] .*no answer from the server within io_timeout" \
	"$T/out.log"
ok $? "s2: pg2 too"
wait "$SENDER"
sleep 1
is "$(counter log1 out)" "$SENT" "s2: nfpiped kept reading packets meanwhile"
s=$(counter pg1 spooled)
ok $(( ${s:-0} > 0 ? 0 : 1 )) "s2: pg1 spooled meanwhile (spooled=$s)"
check "s2: SIGUSR1 shows what the workers do" \
	grep -q "\[pg1\] worker: " "$T/out.log"
diag "$(grep "\] worker: " "$T/out.log" | tail -n 2)"
diag "s2: the server was stopped for $(( $(date +%s) - STOPPED_AT )) s"
pg_signal CONT $pids
verify s2 3000

# --- s3: nfpiped stopped while the server is stopped ------------------------
pids=$(pg_pids)
pg_signal STOP $pids
send 3 300 1
wait "$SENDER"
sleep 1
t0=$(date +%s%N)
nfpiped_stop
rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
is "$rc" "0" "s3: nfpiped stops while the server is stopped, exit 0"
# stop_timeout 3 s, the core's grace 1 s; the rest is slack for the load.
ok $(( ms < 8000 ? 0 : 1 )) "s3: it stopped in $ms ms (stop_timeout=3s)"
segs=$(find "$T/spool/pg1" -name '*seg' -size +0 2>/dev/null | wc -l)
ok $(( segs > 0 ? 0 : 1 )) "s3: its rows wait in the spool ($segs segments)"
pg_signal CONT $pids
restart || bail_out "nfpiped did not start again"
verify s3 300
check "no rows dropped or rejected (counters)" \
	bash -c "! grep -E '\[pg[12]\] counters:.* (dropped|rejected)=[1-9]' '$T/out.log' '$T'/out-*.log"
nfpiped_stop
is "$?" "0" "nfpiped stops cleanly"

done_testing
