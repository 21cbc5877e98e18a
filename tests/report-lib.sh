# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/report-lib.sh - the checks of `nfpipe report` every database passes
#
# Sourced by tests/report-sqlite.sh and tests/integration/report-{pgsql,
# mysql}.sh after lib.sh, with the fixture (tests/data/report/fixture.sql
# and ext.sql) loaded. They define
#   URI            the database as nfpipe takes it
#   sql SQL        run SQL, print rows as CSV without a header
# and call report_golden (every report in text, CSV and JSON against the
# files in tests/data/report/golden: the same for all databases, since the
# fixture never ties), report_by_hand (every figure of every report against
# SQL written here) and report_html (the page parsed, its numbers the
# CSV's). UPDATE_GOLDEN=1 rewrites the golden files instead.

GOLDEN=$top_srcdir/tests/data/report/golden
# The columns of L7, GEOIP and BLACKLIST, for ext_columns.
EXT_COLUMNS="l7_proto l7_app l7_host geoip_src_country geoip_dst_country
	blacklist_src blacklist_dst"

# ext_columns HAS ADD: for each of $EXT_COLUMNS, run "ADD COL" unless
# "HAS COL" succeeds (the schema may have them already, or not).
ext_columns()
{
	local col

	for col in $EXT_COLUMNS; do
		"$1" "$col" || "$2" "$col" || return 1
	done
}
REPORTS="summary top-sources top-destinations top-ports prefixes flows timeline"
EXT_REPORTS="scans l7 countries blacklist"

# nfpipe report over $URI; fixed range so "now" never matters.
rep()
{
	"$NFPIPE" report --db "$URI" --since 2026-11-30T08:00Z \
		--until 2026-11-30T13:00Z "$@"
}

report_golden()
{
	local r f out

	for r in $REPORTS $EXT_REPORTS; do
		for f in text csv json; do
			out=$T/$r.$f
			rep "$r" --format "$f" >"$out" 2>"$T/err"
			is "$?" 0 "$DBNAME: $r --format $f exits 0"
			if [ -n "$UPDATE_GOLDEN" ]; then
				cp "$out" "$GOLDEN/$r.$f"
				continue
			fi
			if cmp -s "$out" "$GOLDEN/$r.$f"; then
				ok 0 "$DBNAME: $r --format $f is the golden file"
			else
				ok 1 "$DBNAME: $r --format $f is the golden file"
				diff "$GOLDEN/$r.$f" "$out" | head -20 | diag_file /dev/stdin
			fi
		done
		check "$DBNAME: $r text fits 80 columns" \
			awk 'length($0) > 80 { exit 1 }' "$T/$r.text"
	done
	check "$DBNAME: the JSON of every report parses" python3 -c '
import json, sys
for p in sys.argv[1:]:
    for line in open(p):
        json.loads(line)
' $(for r in $REPORTS $EXT_REPORTS; do echo "$T/$r.json"; done)
}

# compare NAME REPORT_CSV "report columns" SQL "sql columns" [map]
# The columns (1-based, comma-separated) of the report's CSV rows and of
# the hand-written query's rows must be equal, row by row.
compare()
{
	local name=$1 csv=$2 rcols=$3 query=$4 scols=$5

	sql "$query" >"$T/hand.csv" 2>"$T/hand.err" || {
		ok 1 "$name"
		diag_file "$T/hand.err"
		return
	}
	python3 - "$csv" "$rcols" "$T/hand.csv" "$scols" >"$T/cmp.out" <<'PY'
import csv, sys, time
def cols(path, spec, header):
    proto = spec.startswith('P')
    spec = spec.lstrip('P')
    idx = [int(i.lstrip('T')) - 1 for i in spec.split(',')]
    tcol = [i.startswith('T') for i in spec.split(',')]
    rows = list(csv.reader(open(path, newline='')))
    if header:
        rows = rows[1:]
    names = {'6': 'tcp', '17': 'udp', '1': 'icmp', '132': 'sctp'}
    out = []
    for r in rows:
        v = [time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(int(r[i])))
             if t else r[i] for i, t in zip(idx, tcol)]
        out.append([names.get(x, x) if proto else x for x in v])
    return out
a = cols(sys.argv[1], sys.argv[2], True)
b = cols(sys.argv[3], sys.argv[4], False)
if a != b or not a:
    print("report:", a)
    print("by hand:", b)
    sys.exit(1)
PY
	ok $? "$name"
	[ -s "$T/cmp.out" ] && diag_file "$T/cmp.out"
}

# ulog_pkt WHERE clause of the range rep() asks for
RANGE="oob_time_sec >= 1796025600 AND oob_time_sec < 1796043600"

report_by_hand()
{
	rep summary --format csv >"$T/s.csv"
	compare "$DBNAME: summary: packets and bytes per prefix by hand" \
		"$T/s.csv" 1,2,3 "SELECT oob_prefix, count(*), sum(raw_pktlen)
		FROM ulog_pkt WHERE $RANGE GROUP BY oob_prefix
		ORDER BY count(*) DESC" 1,2,3
	rep top-sources --format csv >"$T/s.csv"
	compare "$DBNAME: top-sources by hand" "$T/s.csv" 1,2,3,4,5 \
		"SELECT ip_saddr_str, count(*), sum(raw_pktlen),
		min(oob_time_sec), max(oob_time_sec) FROM ulog_pkt
		WHERE $RANGE GROUP BY ip_saddr_str ORDER BY count(*) DESC" \
		1,2,3,T4,T5
	rep top-sources --by bytes --limit 3 --format csv >"$T/s.csv"
	compare "$DBNAME: top-sources --by bytes --limit 3 by hand" \
		"$T/s.csv" 1,3 "SELECT ip_saddr_str, sum(raw_pktlen)
		FROM ulog_pkt WHERE $RANGE GROUP BY ip_saddr_str
		ORDER BY sum(raw_pktlen) DESC LIMIT 3" 1,2
	rep top-destinations --format csv >"$T/s.csv"
	compare "$DBNAME: top-destinations by hand" "$T/s.csv" 1,2,3 \
		"SELECT ip_daddr_str, count(*), sum(raw_pktlen) FROM ulog_pkt
		WHERE $RANGE GROUP BY ip_daddr_str ORDER BY count(*) DESC" \
		1,2,3
	rep top-ports --format csv >"$T/s.csv"
	compare "$DBNAME: top-ports by hand" "$T/s.csv" P1,2,3,4 \
		"SELECT ip_protocol, coalesce(tcp_dport, udp_dport), count(*),
		sum(raw_pktlen) FROM ulog_pkt
		WHERE $RANGE AND coalesce(tcp_dport, udp_dport) IS NOT NULL
		GROUP BY ip_protocol, coalesce(tcp_dport, udp_dport)
		ORDER BY count(*) DESC" P1,2,3,4
	rep prefixes --format csv >"$T/s.csv"
	compare "$DBNAME: prefixes by hand" "$T/s.csv" 1,2,3,4,5 \
		"SELECT oob_prefix, count(*), sum(raw_pktlen),
		min(oob_time_sec), max(oob_time_sec) FROM ulog_pkt
		WHERE $RANGE GROUP BY oob_prefix ORDER BY count(*) DESC" \
		1,2,3,T4,T5
	rep flows --format csv >"$T/s.csv"
	compare "$DBNAME: flows (DESTROY only, both directions) by hand" \
		"$T/s.csv" 1,2,4,6,7 \
		"SELECT orig_ip_saddr_str, orig_ip_daddr_str, orig_l4_dport,
		orig_raw_pktlen + reply_raw_pktlen,
		orig_raw_pktcount + reply_raw_pktcount FROM ulog_ct
		WHERE ct_event = 4 ORDER BY 4 DESC" 1,2,3,4,5
	check "$DBNAME: flows: the SNAT and the DNAT are named" \
		grep -q 'snat 203.0.113.1.*dnat 10.0.0.7:8080' \
		<(tr -d '\n' <"$T/s.csv")
	rep timeline --interval 1h --format csv >"$T/s.csv"
	# Times as epoch seconds for the comparison.
	python3 - "$T/s.csv" >"$T/tl.csv" <<'PY'
import csv, sys, calendar, time
rows = list(csv.reader(open(sys.argv[1], newline='')))
print(','.join(rows[0]))
for r in rows[1:]:
    if r[1] != '0':
        t = calendar.timegm(time.strptime(r[0], '%Y-%m-%dT%H:%M:%SZ'))
        print('%d,%s,%s' % (t, r[1], r[2]))
PY
	compare "$DBNAME: timeline per hour by hand" "$T/tl.csv" 1,2,3 \
		"SELECT oob_time_sec - oob_time_sec % 3600, count(*),
		sum(raw_pktlen) FROM ulog_pkt WHERE $RANGE
		GROUP BY oob_time_sec - oob_time_sec % 3600 ORDER BY 1" 1,2,3
	is "$(grep -c . "$T/s.csv")" 6 \
		"$DBNAME: timeline: every hour of the range, empty ones too"
	rep scans --format csv >"$T/s.csv"
	compare "$DBNAME: scans by hand" "$T/s.csv" 1,2,3,4,5 \
		"SELECT ip_saddr_str, scan_type, max(scan_dl), count(*),
		max(scan_packets) FROM ulog_scan GROUP BY ip_saddr_str,
		scan_type ORDER BY max(scan_dl) DESC" 1,2,3,4,5
	rep l7 --format csv >"$T/s.csv"
	compare "$DBNAME: l7 by hand" "$T/s.csv" 1,2,3,4,5 \
		"SELECT l7_proto, l7_app, count(*), sum(raw_pktlen),
		count(DISTINCT l7_host) FROM ulog_pkt WHERE $RANGE
		AND l7_proto IS NOT NULL GROUP BY l7_proto, l7_app
		ORDER BY count(*) DESC" 1,2,3,4,5
	rep countries --format csv >"$T/s.csv"
	# sources' countries only (destination-only DE sorts first)
	grep -v '^DE,' "$T/s.csv" >"$T/s2.csv"
	compare "$DBNAME: countries (as source) by hand" "$T/s2.csv" 1,2,4 \
		"SELECT geoip_src_country, count(*), sum(raw_pktlen)
		FROM ulog_pkt WHERE $RANGE AND geoip_src_country IS NOT NULL
		GROUP BY geoip_src_country ORDER BY count(*) DESC" 1,2,3
	awk -F, 'NR == 1 || $3 > 0' "$T/s.csv" >"$T/s3.csv"
	compare "$DBNAME: countries (as destination) by hand" "$T/s3.csv" 1,3 \
		"SELECT geoip_dst_country, count(*) FROM ulog_pkt
		WHERE $RANGE AND geoip_dst_country IS NOT NULL
		GROUP BY geoip_dst_country" 1,2
	rep blacklist --format csv >"$T/s.csv"
	compare "$DBNAME: blacklist (as source) by hand" "$T/s.csv" 1,2 \
		"SELECT blacklist_src, count(*) FROM ulog_pkt WHERE $RANGE
		AND blacklist_src IS NOT NULL GROUP BY blacklist_src
		ORDER BY count(*) DESC" 1,2
}

report_html()
{
	local r

	rep all --format html -o "$T/all.html" 2>"$T/err"
	is "$?" 0 "$DBNAME: all --format html -o FILE exits 0"
	for r in $REPORTS $EXT_REPORTS; do
		rep "$r" --format csv >"$T/$r.csv"
	done
	python3 - "$T/all.html" "$T" $REPORTS $EXT_REPORTS \
		>"$T/html.out" 2>&1 <<'PY'
import csv, sys, time
from html.parser import HTMLParser

class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sections = {}   # report -> {'keys': [], 'rows': [], 'svg': n}
        self.cur = None
        self.row = None
        self.bad = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ('src', 'href'):
            v = a.get(k) or ''
            if '//' in v and not v.startswith('data:'):
                self.bad.append('%s=%s' % (k, v))
        if tag == 'script' and 'src' in a:
            self.bad.append('external script')
        if tag == 'link':
            self.bad.append('link element')
        if tag == 'section' and 'data-report' in a:
            self.cur = {'keys': [], 'rows': [], 'svg': 0}
            self.sections[a['data-report']] = self.cur
        elif self.cur is not None:
            if tag == 'svg':
                self.cur['svg'] += 1
            elif tag == 'th':
                self.cur['keys'].append(a['data-k'])
            elif tag == 'tr':
                self.row = []
            elif tag == 'td':
                self.row.append(a['data-v'])
    def handle_endtag(self, tag):
        if tag == 'tr' and self.row:
            self.cur['rows'].append(self.row)
            self.row = None
        if tag == 'section':
            self.cur = None

p = P()
p.feed(open(sys.argv[1]).read())
fail = 0
if p.bad:
    print('not self-contained:', p.bad)
    fail = 1
times = ('first', 'last', 'start', 'time')
for r in sys.argv[3:]:
    s = p.sections.get(r)
    if not s:
        print('no section', r)
        fail = 1
        continue
    rows = list(csv.reader(open('%s/%s.csv' % (sys.argv[2], r), newline='')))
    if rows[0] != s['keys']:
        print(r, 'columns', s['keys'], 'csv', rows[0])
        fail = 1
    html = []
    for row in s['rows']:
        html.append([time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(int(v)))
                     if k in times and v else v
                     for k, v in zip(s['keys'], row)])
    if html != rows[1:]:
        print(r, 'html', html[:3], 'csv', rows[1:4])
        fail = 1
    if s['svg'] != 1:
        print(r, 'has', s['svg'], 'charts')
        fail = 1
print('sections', len(p.sections))
sys.exit(fail)
PY
	ok $? "$DBNAME: HTML: self-contained, a chart per report, every table's numbers are the CSV's"
	diag_file "$T/html.out" 10
	check "$DBNAME: HTML: the timeline is an area and a line" \
		grep -q '<path class="area"' "$T/all.html"
	check "$DBNAME: HTML: tables sort (inline script)" \
		grep -q "table.sortable th" "$T/all.html"
	check "$DBNAME: HTML: print styles" grep -q '@media print' "$T/all.html"
	check "$DBNAME: HTML: no temporary file left" \
		bash -c "! ls '$T'/all.html.* 2>/dev/null | grep -q ."
}
