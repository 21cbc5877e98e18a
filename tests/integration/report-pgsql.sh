#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/report-pgsql.sh - nfpipe report over PostgreSQL, the same as SQLite
#
# A throwaway server (dbserver.sh) gets nfpipe's schema (etc/sql/pgsql.sql)
# and the fixture of tests/report-sqlite.sh; every report in every format
# must be the same golden file as over SQLite, every figure what SQL
# written here computes on this server, and the HTML page must carry the
# CSV's numbers. Then the password: from the URI and from PGPASSWORD,
# never printed; and a server that is down: exit 2, one line.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dbserver.sh"

require_root
db_install
NFPIPE=${NFPIPE:-$top_builddir/nfpipe}
[ -x "$NFPIPE" ] || bail_out "no nfpipe at $NFPIPE"
. "$top_srcdir/tests/report-lib.sh"

pg_start
pg_has()
{
	return 1
}
pg_add()
{
	pg_sql_nfpipe "ALTER TABLE ulog_pkt ADD COLUMN IF NOT EXISTS $1 varchar(64)"
}
for f in etc/sql/pgsql.sql tests/data/report/fixture.sql \
	tests/data/report/ext.sql; do
	[ "$f" = tests/data/report/ext.sql ] && {
		ext_columns pg_has pg_add >"$T/load.log" 2>&1 ||
			{ diag_file "$T/load.log"; bail_out "cannot add columns"; }
	}
	pg_sql_file_nfpipe "$top_srcdir/$f" >"$T/load.log" 2>&1 ||
		{ diag_file "$T/load.log"; bail_out "cannot load $f"; }
done
URI="postgresql://nfpipe:$DB_PASS@127.0.0.1:$PG_PORT/nfpipe"
DBNAME=pgsql
sql()
{
	pg_sql "$1" | tr '|' ','
}

report_golden
report_by_hand
report_html

# The password from PGPASSWORD (libpq reads it; ~/.pgpass the same way).
PGPASSWORD=$DB_PASS "$NFPIPE" report \
	--db "postgresql://nfpipe@127.0.0.1:$PG_PORT/nfpipe" \
	--since 2026-11-30T08:00Z --until 2026-11-30T13:00Z top-sources \
	>"$T/out" 2>"$T/err"
is "$?" 0 "PGPASSWORD: the report runs"
check "PGPASSWORD: the same report" cmp -s "$T/out" "$GOLDEN/top-sources.text"

# A wrong password: exit 2, and the password is not in the message.
"$NFPIPE" report --db "postgresql://nfpipe:wrong-secret@127.0.0.1:$PG_PORT/nfpipe" \
	summary >"$T/out" 2>"$T/err"
is "$?" 2 "a wrong password: exit 2"
is "$(grep -c . "$T/err")" 1 "a wrong password: one line"
check "a wrong password is not printed" bash -c "! grep -q wrong-secret '$T/err'"
check "the URI is shown masked" grep -q 'nfpipe:\*\*\*@' "$T/err"

# The config's PGSQL section when --db is not given.
{ printf '[global]\nstack=ct1:NFCT,ip2str1:IP2STR,pg1:PGSQL\n\n[pg1]\n'
  pg_conf tcp; printf 'table="ulog_ct"\n'; } >"$T/nfpiped.conf"
"$NFPIPE" report -c "$T/nfpiped.conf" --since 2026-11-30T08:00Z \
	--until 2026-11-30T13:00Z flows >"$T/out" 2>"$T/err"
is "$?" 0 "-c: the config's PGSQL output"
check "-c: the same flows" cmp -s "$T/out" "$GOLDEN/flows.text"

# ulogd2's own flat schema (Debian's ulogd2-pgsql): table ulog2, inet
# addresses, sizes in ip_totlen / ip6_payloadlen.
FLAT=""
for f in /usr/share/doc/ulogd2-pgsql/pgsql-ulogd2-flat.sql.gz \
	/usr/share/doc/ulogd2/pgsql-ulogd2-flat.sql.gz; do
	[ -s "$f" ] && { FLAT=$f; break; }
done
[ -n "$FLAT" ] || bail_out "ulogd2's pgsql-ulogd2-flat.sql.gz is needed (ulogd2-pgsql)"
PG_DB=postgres pg_sql "CREATE DATABASE ulogflat OWNER nfpipe" ||
	bail_out "cannot create database ulogflat"
zcat "$FLAT" >"$T/flat.sql"
PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 \
	-h "$PG_SOCK" -p "$PG_PORT" -U nfpipe -d ulogflat -f "$T/flat.sql" \
	>"$T/flat.out" 2>&1 || { diag_file "$T/flat.out"; bail_out "flat schema"; }
PG_DB=ulogflat pg_sql "INSERT INTO ulog2 (oob_time_sec, oob_prefix,
	ip_saddr_str, ip_daddr_str, ip_protocol, ip_totlen, ip6_payloadlen,
	tcp_dport, udp_dport) VALUES
	(1796025600, 'DROP', '192.0.2.10', '10.0.0.1', 6, 60, NULL, 22, NULL),
	(1796025601, 'DROP', '192.0.2.10', '10.0.0.1', 6, 60, NULL, 22, NULL),
	(1796025602, 'DROP', '192.0.2.10', '10.0.0.2', 6, 52, NULL, 23, NULL),
	(1796025603, 'ACCEPT', '10.0.0.1', '192.0.2.10', 6, 40, NULL, 80, NULL),
	(1796025604, 'DROP', '2001:db8::5', '2001:db8::1', 17, NULL, 20, NULL, 53)" ||
	bail_out "cannot fill ulog2"
U2="postgresql://nfpipe:$DB_PASS@127.0.0.1:$PG_PORT/ulogflat"
"$NFPIPE" report --db "$U2" top-sources --by bytes --format csv >"$T/out" 2>"$T/err"
is "$?" 0 "ulogd2's flat schema: top-sources exits 0"
is "$(sed -n '2,4p' "$T/out" | cut -d, -f1-3 | tr -d '\r' | tr '\n' ';')" \
	"192.0.2.10,3,172;2001:db8::5,1,60;10.0.0.1,1,40;" \
	"ulogd2's flat schema: sources, packets, bytes from ip_totlen or ip6_payloadlen + 40"
"$NFPIPE" report --db "$U2" top-ports --format csv >"$T/out" 2>"$T/err"
is "$(sed -n '2,5p' "$T/out" | cut -d, -f1-3 | tr -d '\r' | tr '\n' ';')" \
	"tcp,22,2;tcp,23,1;tcp,80,1;udp,53,1;" "ulogd2's flat schema: top-ports"

# The server down: exit 2, one line.
pg_stop
"$NFPIPE" report --db "$URI" summary >"$T/out" 2>"$T/err"
is "$?" 2 "the server down: exit 2"
is "$(grep -c . "$T/err")" 1 "the server down: one line"
check "the server down: no password printed" bash -c "! grep -qF '$DB_PASS' '$T/err'"
check "the server down: nothing on stdout" test ! -s "$T/out"

done_testing
