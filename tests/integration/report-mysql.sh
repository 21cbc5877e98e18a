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
my_has()
{
	return 1
}
my_add()
{
	my_sql "ALTER TABLE ulog_pkt ADD COLUMN IF NOT EXISTS $1 VARCHAR(64)"
}
for f in etc/sql/mysql.sql tests/data/report/fixture.sql \
	tests/data/report/ext.sql; do
	[ "$f" = tests/data/report/ext.sql ] && {
		ext_columns my_has my_add >"$T/load.log" 2>&1 ||
			{ diag_file "$T/load.log"; bail_out "cannot add columns"; }
	}
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

# ulogd2's own flat schema (Debian's ulogd2-mysql): table ulog2,
# addresses as binary(16) (IPv4 as ::ffff:a.b.c.d), sizes in ip_totlen.
FLAT=""
for f in /usr/share/doc/ulogd2-mysql/mysql-ulogd2-flat.sql.gz \
	/usr/share/doc/ulogd2/mysql-ulogd2-flat.sql.gz; do
	[ -s "$f" ] && { FLAT=$f; break; }
done
[ -n "$FLAT" ] || bail_out "ulogd2's mysql-ulogd2-flat.sql.gz is needed (ulogd2-mysql)"
MY_DB=mysql my_sql "CREATE DATABASE ulogflat;
	GRANT ALL ON ulogflat.* TO 'nfpipe'@'127.0.0.1';
	GRANT ALL ON ulogflat.* TO 'nfpipe'@'localhost';" ||
	bail_out "cannot create database ulogflat"
zcat "$FLAT" >"$T/flat.sql"
MY_DB=ulogflat my_sql_file "$T/flat.sql" >"$T/flat.out" 2>&1 ||
	{ diag_file "$T/flat.out"; bail_out "flat schema"; }
v4()
{
	printf "UNHEX('00000000000000000000FFFF%s')" "$1"
}
MY_DB=ulogflat my_sql "INSERT INTO ulog2 (oob_time_sec, oob_prefix,
	ip_saddr_bin, ip_daddr_bin, ip_protocol, ip_totlen, ip6_payloadlen,
	tcp_dport, udp_dport) VALUES
	(1796025600, 'DROP', $(v4 C000020A), $(v4 0A000001), 6, 60, NULL, 22, NULL),
	(1796025601, 'DROP', $(v4 C000020A), $(v4 0A000001), 6, 60, NULL, 22, NULL),
	(1796025602, 'DROP', $(v4 C000020A), $(v4 0A000002), 6, 52, NULL, 23, NULL),
	(1796025603, 'ACCEPT', $(v4 0A000001), $(v4 C000020A), 6, 40, NULL, 80, NULL),
	(1796025604, 'DROP', UNHEX('20010DB8000000000000000000000005'),
	 UNHEX('20010DB8000000000000000000000001'), 17, NULL, 20, NULL, 53)" ||
	bail_out "cannot fill ulog2"
U2="mysql://nfpipe:$DB_PASS@127.0.0.1:$MY_PORT/ulogflat"
"$NFPIPE" report --db "$U2" top-sources --by bytes --format csv >"$T/out" 2>"$T/err"
is "$?" 0 "ulogd2's flat schema: top-sources exits 0"
is "$(sed -n '2,4p' "$T/out" | cut -d, -f1-3 | tr -d '\r' | tr '\n' ';')" \
	"192.0.2.10,3,172;2001:db8::5,1,60;10.0.0.1,1,40;" \
	"ulogd2's flat schema: binary(16) addresses, bytes from ip_totlen or ip6_payloadlen + 40"
"$NFPIPE" report --db "$U2" top-ports --format csv >"$T/out" 2>"$T/err"
is "$(sed -n '2,5p' "$T/out" | cut -d, -f1-3 | tr -d '\r' | tr '\n' ';')" \
	"tcp,22,2;tcp,23,1;tcp,80,1;udp,53,1;" "ulogd2's flat schema: top-ports"

# The server down: exit 2, one line.
my_stop
"$NFPIPE" report --db "$URI" summary >"$T/out" 2>"$T/err"
is "$?" 2 "the server down: exit 2"
is "$(grep -c . "$T/err")" 1 "the server down: one line"
check "the server down: no password printed" bash -c "! grep -qF '$DB_PASS' '$T/err'"

done_testing
