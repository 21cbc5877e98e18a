#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/mysql-stall.sh - MYSQL neither hangs nor writes twice
# when MariaDB stops answering in the middle of the stream
#
# Two outputs (TCP and unix socket) write forwarded UDP packets, with their
# NFLOG sequence numbers, into tables t1 and t2 of a throwaway MariaDB in
# the lab's gateway; io_timeout=2s, stop_timeout=3s. The server is frozen
# with SIGSTOP (by its PID): its sockets stay open and nothing answers, the
# case io_timeout exists for. Phases:
#   s2  the server is stopped mid-stream. The outputs give up on their
#       connections after io_timeout (the test measures how long they
#       really waited), the daemon keeps reading packets (NFLOG counter,
#       no netlink drops) and spools; SIGUSR1 shows what the workers do.
#       After SIGCONT every row lands once, in order.
#   s3  the server is stopped again, packets arrive, nfpiped is stopped: it
#       exits 0 within stop_timeout + io_timeout and a margin, rows in the
#       spool; SIGCONT, nfpiped again: every row lands once, in order.
# (The phase names follow pgsql-stall.sh, whose s1 has no MariaDB twin
# here: mysql-outage.sh p5 covers the COMMIT in doubt.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dbserver.sh"

# Whatever way the test ends, a stopped server goes on first (by PID), so
# that the cleanup can stop it.
frozen=""
trap '[ -n "$frozen" ] && kill -CONT $frozen 2>/dev/null; _db_cleanup' EXIT

require_root
require_cmd ip nft
require_nfpiped
require_kernel_logging
db_install
lab_up
my_start
for t in t1 t2; do
	my_sql "CREATE TABLE $t (
		_id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
		oob_seq_local INT UNSIGNED, oob_prefix VARCHAR(16))
		ENGINE=InnoDB" || bail_out "cannot create $t"
done

nft_gw "table inet nfpt {
	chain c_fwd {
		type filter hook forward priority 0; policy accept;
		udp dport 7302 log group 1 prefix \"s2\"
		udp dport 7303 log group 1 prefix \"s3\"
	}
}"

IO_TIMEOUT=2
write_conf out <<EOF
stack=log1:NFLOG,base1:BASE,ip2str1:IP2STR,my1:MYSQL
stack=log1:NFLOG,base1:BASE,ip2str1:IP2STR,my2:MYSQL

[log1]
group=1
seq_local=1
netlink_qthreshold=20
netlink_qtimeout=5

[my1]
$(my_conf tcp)
table="t1"
spool_dir="$T/spool"
retry_max=500ms
flush_interval=100ms
io_timeout=${IO_TIMEOUT}s
connect_timeout=2
stop_timeout=3s

[my2]
$(my_conf socket)
table="t2"
spool_dir="$T/spool"
retry_max=500ms
flush_interval=100ms
io_timeout=${IO_TIMEOUT}s
connect_timeout=2
stop_timeout=3s
EOF

SENT=0

# send PHASE COUNT INTERVAL_MS: packets to dport 730PHASE, in the
# background; NFLOG's local sequence number tells them apart.
send()
{
	nsx "$NS_C" "$PKTSEND" udp 10.77.1.2 10.77.2.2 --sport 40000 \
		--dport "730$1" --len 8 --count "$2" --interval "$3" \
		>/dev/null 2>&1 &
	SENDER=$!
	SENT=$((SENT + $2))
}

# verify PHASE COUNT: each table has every row of the phase once, in order.
verify()
{
	local p=$1 n=$2 t

	for t in t1 t2; do
		my_wait 60 "SELECT COUNT(*) FROM $t" "$SENT"
		is "$(my_sql "SELECT CONCAT(COUNT(*), '|',
			COUNT(DISTINCT oob_seq_local))
			FROM $t WHERE oob_prefix = '$p'")" "$n|$n" \
			"$p: $n packets, $n rows in $t, none twice"
		is "$(my_sql "SELECT COUNT(*) FROM (SELECT
			CAST(oob_seq_local AS SIGNED) -
			CAST(LAG(oob_seq_local) OVER (ORDER BY _id) AS SIGNED)
			AS d FROM $t WHERE oob_prefix = '$p') s WHERE d <> 1")" \
			"0" "$p: $t in order, no gap"
		is "$(my_sql "SELECT COUNT(*) FROM $t")" "$SENT" \
			"$p: $SENT rows in $t in all, nothing more"
	done
}

# freeze / thaw: SIGSTOP / SIGCONT to mariadbd (one process, all its
# threads), by the PID dbserver.sh keeps.
freeze()
{
	frozen=$MY_PID
	kill -STOP "$MY_PID"
}

thaw()
{
	kill -CONT "$MY_PID"
	frozen=""
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

# A log line's time in ms since the epoch ("2025-01-02T03:04:05.678+01:00").
line_ms()
{
	date -d "${1%% *}" +%s%3N
}

# The first error line of output $1 (an unanswered read or write).
gave_up()
{
	grep -m 1 -E "error: \[$1\] " "$T/out.log"
}

nfpiped_start out || bail_out "nfpiped did not start"
wait_for 5 nflog_bound 1 || bail_out "NFLOG group 1 not bound"

# --- s2: the server stopped mid-stream --------------------------------------
send 2 3000 1
sleep 1
# Every error so far (none expected) stays out of the measurement.
errs0=$(count_matches 'error: \[my[12]\] ' "$T/out.log")
freeze
STOPPED_MS=$(date +%s%3N)
wait_for 15 gave_up my1 >/dev/null
ok $? "s2: my1 gave up on the silent server"
wait_for 15 gave_up my2 >/dev/null
ok $? "s2: my2 too"
is "$errs0" "0" "s2: no errors before the server stopped"
for o in my1 my2; do
	l=$(gave_up $o)
	w=-1
	[ -n "$l" ] && w=$(( $(line_ms "$l") - STOPPED_MS ))
	diag "s2: $o gave up $w ms after SIGSTOP: ${l#*\] }"
	# Its write began about when the server stopped (batches take a few
	# ms; a write already under way started earlier, hence the loose
	# lower bound). Measured: io_timeout to the ms, once. A client that
	# retried its read (MySQL's libmysqlclient documents 3 tries) would
	# wait 3 x io_timeout and fail the upper bound.
	ok $(( w >= IO_TIMEOUT * 1000 - 1000 && w < IO_TIMEOUT * 2000 ? 0 : 1 )) \
		"s2: $o waited io_timeout once (${w} ms, io_timeout ${IO_TIMEOUT} s)"
done
wait "$SENDER"
sleep 1
is "$(counter log1 out)" "$SENT" "s2: nfpiped kept reading packets meanwhile"
is "$(netlink_drops "$NFPIPED_PID")" "0" "s2: no netlink drops"
for o in my1 my2; do
	s=$(counter $o spooled)
	ok $(( ${s:-0} > 0 ? 0 : 1 )) "s2: $o spooled meanwhile (spooled=$s)"
done
check "s2: SIGUSR1 shows what the workers do" \
	grep -q "\[my1\] worker: " "$T/out.log"
diag "$(grep "\] worker: " "$T/out.log" | tail -n 2)"
diag "s2: the server was stopped for" \
	"$(( ($(date +%s%3N) - STOPPED_MS) / 1000 )) s"
thaw
verify s2 3000
# When SIGSTOP caught a COMMIT (it happens, by chance), the batch was in
# doubt and its token settled it: the checks above say it landed once.
grep -q "was in doubt" "$T/out.log" &&
	diag "s2: $(grep -h "was in doubt" "$T/out.log" | sed 's/.*\] //')"

# --- s3: nfpiped stopped while the server is stopped ------------------------
freeze
send 3 300 1
wait "$SENDER"
sleep 1
t0=$(date +%s%3N)
nfpiped_stop
rc=$?
ms=$(( $(date +%s%3N) - t0 ))
is "$rc" "0" "s3: nfpiped stops while the server is stopped, exit 0"
# stop_timeout 3 s (the core's grace 1 s on top), a write may wait for
# io_timeout 2 s; the rest is slack for the load.
ok $(( ms < 8000 ? 0 : 1 )) \
	"s3: it stopped in $ms ms (stop_timeout=3s, io_timeout=2s)"
segs=$(find "$T/spool/my1" -name '*seg' -size +0 2>/dev/null | wc -l)
ok $(( segs > 0 ? 0 : 1 )) "s3: its rows wait in the spool ($segs segments)"
thaw
restart || bail_out "nfpiped did not start again"
verify s3 300
check "no rows dropped or rejected (counters)" \
	bash -c "! grep -E '\[my[12]\] counters:.* (dropped|rejected)=[1-9]' '$T/out.log' '$T'/out-*.log"
nfpiped_stop
is "$?" "0" "nfpiped stops cleanly"

done_testing
