#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/report-sqlite.sh - nfpipe report over SQLite: every report, every
# format, every kind of bad input
#
# A fixture database is made from etc/sql/sqlite3.sql and known rows
# (tests/data/report/*.sql). Every report in text, CSV and JSON must be
# its golden file, every figure must be what SQL written here computes,
# and the HTML page parsed must carry the CSV's numbers. Then ulogd2's
# way of storing addresses (integers, no raw_pktlen), and the bad inputs:
# each one line, the documented exit code, never a file left behind.
# Needs no root and no server.

. "$(dirname "$0")/integration/lib.sh"

NFPIPE=${NFPIPE:-$top_builddir/nfpipe}
[ -x "$NFPIPE" ] || bail_out "no nfpipe at $NFPIPE"
command -v sqlite3 >/dev/null || bail_out "sqlite3 (the shell) is needed"
command -v python3 >/dev/null || bail_out "python3 is needed"
. "$top_srcdir/tests/report-lib.sh"

DB=$T/fixture.db
lite_has()
{
	[ "$(sqlite3 "$DB" "SELECT count(*) FROM pragma_table_info('ulog_pkt')
		WHERE name = '$1'")" = 1 ]
}
lite_add()
{
	sqlite3 "$DB" "ALTER TABLE ulog_pkt ADD COLUMN $1 VARCHAR(64)"
}
sqlite3 "$DB" <"$top_srcdir/etc/sql/sqlite3.sql" >/dev/null &&
	sqlite3 "$DB" <"$top_srcdir/tests/data/report/fixture.sql" &&
	ext_columns lite_has lite_add &&
	sqlite3 "$DB" <"$top_srcdir/tests/data/report/ext.sql" ||
	bail_out "cannot build the fixture"
URI=sqlite://$DB
DBNAME=sqlite
sql()
{
	sqlite3 -csv -noheader "$DB" "$1"
}

report_golden
report_by_hand
report_html

# ---- --rrd: the RRD output's files drawn by librrd into the page ---------
if command -v rrdtool >/dev/null; then
	mkdir -p "$T/rrd"
	rrdtool create "$T/rrd/all.rrd" --start 1796025000 --step 60 \
		DS:packets:DERIVE:120:0:U DS:bytes:DERIVE:120:0:U \
		RRA:AVERAGE:0.5:1:1440
	for i in $(seq 1 120); do
		echo "$((1796025000 + i * 60)):$((i * 10)):$((i * 1000))"
	done | xargs rrdtool update "$T/rrd/all.rrd"
	rep summary timeline --format html --rrd "$T/rrd" -o "$T/rrd.html" \
		2>"$T/err"
	is "$?" 0 "--rrd DIR: exit 0"
	check "--rrd DIR: the graph is in the page as SVG" \
		grep -q '<img alt="all.rrd" src="data:image/svg+xml;base64,' \
		"$T/rrd.html"
	python3 - "$T/rrd.html" >"$T/svg" <<'PY'
import base64, re, sys
m = re.search(r'data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)', open(sys.argv[1]).read())
print(base64.b64decode(m.group(1)).decode()[:400] if m else '')
PY
	check "--rrd DIR: librrd drew an SVG document" grep -q '<svg' "$T/svg"
	rep summary --format text --rrd "$T/rrd" >/dev/null 2>&1
	is "$?" 1 "--rrd without --format html: exit 1"
else
	bail_out "rrdtool is needed (scripts/deps test)"
fi

# ---- reports whose columns are missing -----------------------------------
# nfpipe's first tables, before other plugins added columns: written out
# here, so that this holds whatever etc/sql/sqlite3.sql becomes.
PLAIN=$T/plain.db
sqlite3 "$PLAIN" "CREATE TABLE ulog_pkt (_id INTEGER PRIMARY KEY,
	oob_time_sec INTEGER, oob_time_usec INTEGER, oob_prefix TEXT,
	oob_family INTEGER, raw_pktlen INTEGER, ip_saddr_str TEXT,
	ip_daddr_str TEXT, ip_protocol INTEGER, tcp_dport INTEGER,
	udp_dport INTEGER, sctp_dport INTEGER);
CREATE TABLE ulog_ct (_id INTEGER PRIMARY KEY, oob_family INTEGER,
	orig_ip_saddr_str TEXT, orig_ip_daddr_str TEXT,
	orig_ip_protocol INTEGER, orig_l4_sport INTEGER, orig_l4_dport INTEGER,
	orig_raw_pktlen INTEGER, orig_raw_pktcount INTEGER,
	reply_ip_saddr_str TEXT, reply_ip_daddr_str TEXT,
	reply_l4_sport INTEGER, reply_raw_pktlen INTEGER,
	reply_raw_pktcount INTEGER, ct_event INTEGER, flow_start_sec INTEGER,
	flow_end_sec INTEGER);"
sqlite3 "$PLAIN" <"$top_srcdir/tests/data/report/fixture.sql"
"$NFPIPE" report --db "sqlite://$PLAIN" countries >"$T/out" 2>"$T/err"
is "$?" 1 "a report without its columns exits 1"
is "$(cat "$T/err")" "nfpipe report: countries: ulog_pkt lacks columns geoip_src_country, geoip_dst_country (GEOIP fills them)" \
	"and says which columns and which plugin fills them"
"$NFPIPE" report --db "sqlite://$PLAIN" summary scans >"$T/out" 2>"$T/err"
is "$?" 1 "summary and scans without ulog_scan: exit 1"
check "the summary is still printed" grep -q '^Summary' "$T/out"
check "scans names the table and SCAN" \
	grep -q 'scans: the database has no scan alert (ulog_scan) table (SCAN' "$T/err"
"$NFPIPE" report --db "sqlite://$PLAIN" all -o "$T/all.txt" 2>"$T/err"
is "$?" 0 "all makes what the data allows: exit 0"
is "$(grep -c '^nfpipe report: skipping ' "$T/err")" 4 \
	"all skips scans, l7, countries and blacklist with a note each"
is "$(grep -c '^Top\|^Summary\|^Log prefixes\|^Timeline' "$T/all.txt")" 7 \
	"all wrote the seven reports the data allows"

# ---- ulogd2's flat table: addresses as numbers, sizes in ip_totlen -------
U2=$T/ulogd2.db
sqlite3 "$U2" "CREATE TABLE ulog2 (_id INTEGER PRIMARY KEY,
	oob_time_sec INTEGER, oob_prefix TEXT, ip_saddr INTEGER,
	ip_daddr INTEGER, ip_protocol INTEGER, ip_totlen INTEGER,
	ip6_payloadlen INTEGER, tcp_dport INTEGER, udp_dport INTEGER);
INSERT INTO ulog2 (oob_time_sec, oob_prefix, ip_saddr, ip_daddr, ip_protocol,
	ip_totlen, tcp_dport) VALUES
	(1796025600, 'DROP', 3221225994, 167772161, 6, 60, 22),
	(1796025601, 'DROP', 3221225994, 167772161, 6, 60, 22),
	(1796025602, 'DROP', -1073741302, 167772162, 6, 52, 23),
	(1796025603, 'DROP', 167772161, 3221225994, 6, 40, 80);"
"$NFPIPE" report --db "sqlite://$U2" top-sources --format csv >"$T/out" 2>"$T/err"
is "$?" 0 "ulogd2's flat table ulog2: top-sources exits 0"
is "$(sed -n 2p "$T/out" | cut -d, -f1-3)" "192.0.2.10,3,172" \
	"ulogd2: integer addresses (also stored negative) read as dotted quads, bytes from ip_totlen"
is "$(sed -n 3p "$T/out" | cut -d, -f1-3)" "10.0.0.1,1,40" \
	"ulogd2: the second source"

# ---- bad input: one line each, the documented exit code ------------------
bad()
{
	local want=$1 msg=$2

	shift 2
	"$NFPIPE" report "$@" >"$T/out" 2>"$T/err"
	is "$?" "$want" "$msg: exit $want"
	# a usage error adds the hint "Try 'nfpipe report --help'."
	is "$(grep -vc "^Try 'nfpipe report --help'" "$T/err")" 1 \
		"$msg: one line" || diag_file "$T/err"
}
bad 1 "an unknown report" --db "$URI" top-source
is "$(head -1 "$T/err")" 'nfpipe report: no report "top-source"; did you mean "top-sources"?' \
	"an unknown report gets a suggestion"
# (the usage hint is the second line of a usage error)
bad 2 "a missing SQLite file" --db "sqlite://$T/none.db" summary
is "$(cat "$T/err")" "nfpipe report: cannot open sqlite://$T/none.db: no such file" \
	"a missing file is named"
head -c 4096 /dev/urandom >"$T/corrupt.db"
bad 2 "a corrupt SQLite file" --db "sqlite://$T/corrupt.db" summary
check "a corrupt file says so" grep -q 'file is not a database' "$T/err"
bad 1 "a bad URI" --db "ftp://x/y" summary
check "a bad URI says what a URI looks like" grep -q 'not a database URI' "$T/err"
sqlite3 "$T/empty.db" "CREATE TABLE other (x INTEGER)"
bad 1 "a database without nfpipe's tables" --db "sqlite://$T/empty.db" summary
check "the missing tables are named" grep -q 'no nfpipe or ulogd2 table' "$T/err"
bad 1 "an empty range" --db "$URI" summary --since 2020-01-01 --until 2020-01-02
is "$(cat "$T/err")" "nfpipe report: no data between 2020-01-01 00:00:00 and 2020-01-02 00:00:00 UTC" \
	"an empty range names the range"
bad 1 "a bad --since" --db "$URI" summary --since yesterday-ish
bad 1 "--since after --until" --db "$URI" summary --since -1h --until -2h
bad 1 "a bad --format" --db "$URI" summary --format xml
bad 1 "a bad --limit" --db "$URI" summary --limit 0
bad 1 "a bad --by" --db "$URI" top-sources --by flows
bad 1 "no report" --db "$URI"
bad 1 "a config without SQL output" -c /dev/null summary

# No file appears when the report fails, not even a temporary one.
"$NFPIPE" report --db "$URI" summary --since 2020-01-01 --until 2020-01-02 \
	-o "$T/out/x.html" 2>/dev/null
mkdir -p "$T/o"
"$NFPIPE" report --db "sqlite://$PLAIN" summary scans -o "$T/o/r.txt" 2>/dev/null
is "$?" 1 "-o with a failing report: exit 1"
is "$(ls -A "$T/o")" "" "-o with a failing report leaves no file"

# The database is opened read-only: the file is never written.
sum_before=$(md5sum <"$DB")
rep all --format html >/dev/null 2>&1
is "$(md5sum <"$DB")" "$sum_before" "the database file is not modified"

# The SQL output of the daemon's config when --db is not given.
cat >"$T/nfpiped.conf" <<CONF
[global]
stack=log1:NFLOG,base1:BASE,ip2str1:IP2STR,sql1:SQLITE3

[sql1]
db="$DB"
table="ulog_pkt"
CONF
"$NFPIPE" report -c "$T/nfpiped.conf" --since 2026-11-30T08:00Z \
	--until 2026-11-30T13:00Z top-sources >"$T/out" 2>"$T/err"
is "$?" 0 "-c: the config's SQLITE3 database"
check "-c gives the same report as --db" cmp -s "$T/out" "$GOLDEN/top-sources.text"

done_testing
