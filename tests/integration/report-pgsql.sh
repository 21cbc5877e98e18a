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
for f in etc/sql/pgsql.sql tests/data/report/fixture.sql \
	tests/data/report/ext.sql; do
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

# The server down: exit 2, one line.
pg_stop
"$NFPIPE" report --db "$URI" summary >"$T/out" 2>"$T/err"
is "$?" 2 "the server down: exit 2"
is "$(grep -c . "$T/err")" 1 "the server down: one line"
check "the server down: no password printed" bash -c "! grep -qF '$DB_PASS' '$T/err'"
check "the server down: nothing on stdout" test ! -s "$T/out"

done_testing
