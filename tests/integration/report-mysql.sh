#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/report-mysql.sh - nfpipe report over MariaDB, the same as SQLite
#
# A throwaway server (dbserver.sh) gets nfpipe's schema (etc/sql/mysql.sql)
# and the fixture of tests/report-sqlite.sh; every report in every format
# must be the same golden file as over SQLite, every figure what SQL
# written here computes on this server, and the HTML page must carry the
# CSV's numbers. Then the password: from the URI and from ~/.my.cnf,
# never printed; and a server that is down: exit 2, one line.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dbserver.sh"

require_root
db_install
NFPIPE=${NFPIPE:-$top_builddir/nfpipe}
[ -x "$NFPIPE" ] || bail_out "no nfpipe at $NFPIPE"
. "$top_srcdir/tests/report-lib.sh"

my_start
for f in etc/sql/mysql.sql tests/data/report/fixture.sql \
	tests/data/report/ext.sql; do
	my_sql_file "$top_srcdir/$f" >"$T/load.log" 2>&1 ||
		{ diag_file "$T/load.log"; bail_out "cannot load $f"; }
done
URI="mysql://nfpipe:$DB_PASS@127.0.0.1:$MY_PORT/nfpipe"
DBNAME=mysql
sql()
{
	my_sql "$1" | tr '\t' ','
}

report_golden
report_by_hand
report_html

# The password from ~/.my.cnf's [client] group, and the unix socket.
mkdir -p "$T/home"
printf '[client]\npassword=%s\n' "$DB_PASS" >"$T/home/.my.cnf"
chmod 600 "$T/home/.my.cnf"
HOME=$T/home "$NFPIPE" report \
	--db "mysql://nfpipe@127.0.0.1:$MY_PORT/nfpipe" \
	--since 2026-11-30T08:00Z --until 2026-11-30T13:00Z top-sources \
	>"$T/out" 2>"$T/err"
is "$?" 0 "~/.my.cnf: the report runs"
check "~/.my.cnf: the same report" cmp -s "$T/out" "$GOLDEN/top-sources.text"
"$NFPIPE" report --db "mysql://root@/nfpipe?socket=$MY_SOCK" \
	--since 2026-11-30T08:00Z --until 2026-11-30T13:00Z summary \
	>"$T/out" 2>"$T/err"
is "$?" 0 "?socket=: the report runs over the unix socket"
check "?socket=: the same summary" cmp -s "$T/out" "$GOLDEN/summary.text"

# A wrong password: exit 2, and the password is not in the message.
"$NFPIPE" report --db "mysql://nfpipe:wrong-secret@127.0.0.1:$MY_PORT/nfpipe" \
	summary >"$T/out" 2>"$T/err"
is "$?" 2 "a wrong password: exit 2"
is "$(grep -c . "$T/err")" 1 "a wrong password: one line"
check "a wrong password is not printed" bash -c "! grep -q wrong-secret '$T/err'"
check "the URI is shown masked" grep -q 'nfpipe:\*\*\*@' "$T/err"

# The config's MYSQL section when --db is not given.
{ printf '[global]\nstack=log1:NFLOG,base1:BASE,ip2str1:IP2STR,my1:MYSQL\n\n[my1]\n'
  printf 'host="127.0.0.1"\nport=%s\ndb="nfpipe"\nuser="nfpipe"\npass="%s"\n' \
	"$MY_PORT" "$DB_PASS"; } >"$T/nfpiped.conf"
"$NFPIPE" report -c "$T/nfpiped.conf" --since 2026-11-30T08:00Z \
	--until 2026-11-30T13:00Z prefixes >"$T/out" 2>"$T/err"
is "$?" 0 "-c: the config's MYSQL output"
check "-c: the same prefixes" cmp -s "$T/out" "$GOLDEN/prefixes.text"

# The server down: exit 2, one line.
my_stop
"$NFPIPE" report --db "$URI" summary >"$T/out" 2>"$T/err"
is "$?" 2 "the server down: exit 2"
is "$(grep -c . "$T/err")" 1 "the server down: one line"
check "the server down: no password printed" bash -c "! grep -qF '$DB_PASS' '$T/err'"

done_testing
