#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/runuser.sh - files made as root belong to the -u user
#
# nfpiped -u USER (a throwaway system user made for this run and removed
# after) with NFLOG -> ... -> SQLITE3 and -> LOGEMU, whose file lies in a
# directory LOGEMU creates. Everything the daemon makes while still root
# must end up USER's: the database and its WAL, the spool directory and
# its lock, LOGEMU's directory and file, the daemon's log and control
# socket. Then a SIGHUP (files reopened as USER) and a second start as
# USER (the database reopened, files appended) must work: every packet of
# both runs is in the database and in the LOGEMU file, and the log has no
# permission error.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip nft sqlite3 useradd userdel
require_nfpiped
require_kernel_logging

RU=nfptru$$
useradd --system --no-create-home --home-dir /nonexistent \
	--shell /usr/sbin/nologin --user-group "$RU" ||
	bail_out "useradd $RU failed"
NFPT_RESTORE+=("userdel '$RU'")
chmod 0755 "$T"
# The database's directory is USER's, as the docs ask (SQLite makes its
# WAL files there while running).
install -d -o "$RU" -m 0750 "$T/db"

N=20
lab_up
write_conf ru <<EOF2
control_socket=$T/run/nfpiped.sock
stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,sql1:SQLITE3
stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,print1:PRINTPKT,emu1:LOGEMU

[log1]
group=1
netlink_qthreshold=1

[sql1]
db="$T/db/nfpipe.db"
table="ulog_pkt"
schema="$top_srcdir/etc/sql/sqlite3.sql"
spool_dir="$T/spool"

[emu1]
file="$T/emu/nfpipe.log"
EOF2

q()
{
	sqlite3 -batch -noheader "$T/db/nfpipe.db" "$1" 2>&1
}

owner()
{
	stat -c %U "$1" 2>/dev/null || echo missing
}

# One run as USER: N packets, a SIGHUP, N more; wait for both outputs.
run()
{
	local want=$1

	nfpiped_start ru -u "$RU" || return 1
	[ "$(stat -c %U /proc/"$NFPIPED_PID")" = "$RU" ] ||
		diag "nfpiped runs as $(stat -c %U /proc/"$NFPIPED_PID")"
	psend_c udp 10.77.1.2 10.77.2.2 --sport 42001 --dport 7777 --count $N
	kill -HUP "$NFPIPED_PID"
	wait_for 5 grep -q "reloaded" "$T/ru.log"
	psend_c udp 10.77.1.2 10.77.2.2 --sport 42001 --dport 7777 --count $N
	wait_lines "$T/emu/nfpipe.log" "$want" 10
	wait_for 10 test "$(q "SELECT count(*) FROM ulog_pkt")" = "$want"
	nfpiped_stop
}

nft_log_hooks 'udp dport 7777 log group 1 prefix "RU "'
run $((2 * N))
is "$?" 0 "run 1 as $RU: nfpiped exits 0"
for f in db/nfpipe.db db/nfpipe.db-wal spool/sql1 spool/sql1/lock \
	emu emu/nfpipe.log ru.log; do
	if [ "$f" = db/nfpipe.db-wal ] && [ ! -e "$T/$f" ]; then
		continue # checkpointed and removed at the close
	fi
	is "$(owner "$T/$f")" "$RU" "$f belongs to $RU"
done
is "$(q "SELECT count(*) FROM ulog_pkt")" $((2 * N)) "run 1: every packet in the database"
is "$(nlines "$T/emu/nfpipe.log")" $((2 * N)) "run 1: every packet in LOGEMU's file, across the SIGHUP"

run $((4 * N))
is "$?" 0 "run 2 as $RU: nfpiped exits 0"
is "$(q "SELECT count(*) FROM ulog_pkt")" $((4 * N)) "run 2: the database took the new rows"
is "$(nlines "$T/emu/nfpipe.log")" $((4 * N)) "run 2: LOGEMU appended to its file"
check "no permission error in the log" \
	sh -c "! grep -Eiq 'permission denied|EACCES|cannot (open|give)' '$T/ru.log'" ||
	diag "$(grep -Ei 'permission|cannot' "$T/ru.log" | head -5)"
done_testing
