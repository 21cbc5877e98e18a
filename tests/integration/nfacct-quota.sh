#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/nfacct-quota.sh - NFACCT's quota and reference keys
# against `nfacct list`
#
# Three nfacct objects in the gateway: qpkt (`nfacct add qpkt packet 5`)
# and qbyte (`nfacct add qbyte byte 100000`), both counting the ICMP the
# gateway forwards (iptables -m nfacct), and plain, no quota, no rule.
# nfpiped polls every 200 ms (as nobody in 3), records through GPRINT:
#  1. zerocounter=0, 4 packets: qpkt's and qbyte's records carry
#     sum.quota, sum.quota.mode, sum.overquota and sum.flags as `nfacct
#     list` shows them, plain's none of them; sum.use counts the rule;
#  2. 2 more packets pass qpkt's quota of 5: sum.overquota=1,
#     sum.flags=5 (packet quota, over quota), as `nfacct list` says yes;
#     the same records, through SQLITE3 into a table with a column per
#     key, keep the quota keys with their types, NULL for plain;
#  3. zerocounter=1: the first poll's record of qpkt still says over
#     quota with its 6 packets (the kernel reports the flags it had), the
#     later ones say 0 packets and not over quota, as `nfacct list` does.

. "$(dirname "$0")/lib.sh"
. "$NFPT_SRC/nfct-lib.sh"

require_root
require_nfpiped
need_cmd nfacct nfacct
need_cmd iptables iptables
need_cmd ping iputils-ping
need_cmd sqlite3 sqlite3
id nobody >/dev/null 2>&1 || bail_out "no user nobody"

lab_up
nsx "$NS_G" nfacct add qpkt packet 5 || bail_out "nfacct add (quota) failed"
nsx "$NS_G" nfacct add qbyte byte 100000
nsx "$NS_G" nfacct add plain
if ! nsx "$NS_G" iptables -A FORWARD -p icmp \
	-m nfacct --nfacct-name qpkt 2>"$T/ipt.err"; then
	grep -qi 'no such file\|not supported\|unknown' "$T/ipt.err" &&
		skip_all "this kernel has no nfacct match: $(head -1 "$T/ipt.err")"
	bail_out "iptables: $(cat "$T/ipt.err")"
fi
nsx "$NS_G" iptables -A FORWARD -p icmp -m nfacct --nfacct-name qbyte

# last_rec NAME: the newest GPRINT record of object NAME.
last_rec()
{
	grep -E "(^|,)sum.name=$1(,|$)" "$T/gprint.log" | tail -1
}

# list_field NAME FIELD: FIELD (pkts, quota, mode, overquota) of object
# NAME in `nfacct list`, leading zeros off; empty when absent.
list_field()
{
	nsx "$NS_G" nfacct list |
		sed -n "s/.* $2 = \([^,}]*\).*= $1;.*/\1/p" |
		sed 's/^0*\([0-9]\)/\1/; s/ *$//'
}

# quota_keys REC: the quota keys of a record, as one string.
quota_keys()
{
	printf '%s/%s/%s/%s' "$(gp_get "$1" sum.quota)" \
		"$(gp_get "$1" sum.quota.mode)" \
		"$(gp_get "$1" sum.overquota)" "$(gp_get "$1" sum.flags)"
}

# wait_polls N: until N more polls (3 records each) are in the file.
wait_polls()
{
	local n

	n=$(nlines "$T/gprint.log")
	wait_lines "$T/gprint.log" $((n + 3 * $1)) 5
}

# yes/no as nfacct prints it, 1/0 as the key holds it.
yn() { [ "$1" = yes ] && echo 1 || echo 0; }

# ulogd2's four columns and one for each key NFACCT added.
cat >"$T/acct.sql" <<EOF
CREATE TABLE acct (oob_time_sec INTEGER, sum_name TEXT, sum_pkts INTEGER,
	sum_bytes INTEGER, sum_use INTEGER, sum_quota INTEGER,
	sum_quota_mode TEXT, sum_overquota INTEGER, sum_flags INTEGER);
EOF
write_conf cum <<EOF
stack=acct:NFACCT,gp1:GPRINT
stack=acct:NFACCT,sql1:SQLITE3
[acct]
pollinterval=200ms
zerocounter=0
[gp1]
file="$T/gprint.log"
[sql1]
db="$T/acct.db"
table="acct"
schema="$T/acct.sql"
spool_dir="$T/spool"
flush_interval=100ms
EOF
# As root: SQLITE3 opens its database after the drop to -u USER.
nfpiped_start cum || bail_out "nfpiped did not start"
nsx "$NS_C" ping -c 2 -i 0.2 -q 10.77.2.2 >/dev/null
wait_polls 2
rec=$(last_rec qpkt)
is "$(gp_get "$rec" sum.pkts)" 4 "qpkt counted the 4 packets"
want="$(list_field qpkt quota)/$(list_field qpkt mode)"
want="$want/$(yn "$(list_field qpkt overquota)")/1"
is "$(quota_keys "$rec")" "$want" \
	"qpkt: quota/mode/overquota/flags as nfacct list ($want)"
is "$want" "5/packet/0/1" "... which is the quota set, not yet passed"
rec=$(last_rec qbyte)
want="$(list_field qbyte quota)/$(list_field qbyte mode)"
want="$want/$(yn "$(list_field qbyte overquota)")/2"
is "$(quota_keys "$rec")" "$want" "qbyte: as nfacct list ($want)"
is "$want" "100000/byte/0/2" "... a byte quota of 100000"
rec=$(last_rec plain)
is "$(quota_keys "$rec")" "///" "plain: no quota keys"
is "$(gp_get "$rec" sum.use)" 1 "plain: sum.use 1 (no rule)"
is "$(gp_get "$(last_rec qpkt)" sum.use)" 2 "qpkt: sum.use 2 (one rule)"

nsx "$NS_C" ping -c 1 -q 10.77.2.2 >/dev/null
wait_polls 2
rec=$(last_rec qpkt)
is "$(list_field qpkt overquota)" yes "nfacct list: qpkt over its quota"
is "$(gp_get "$rec" sum.pkts)/$(quota_keys "$rec")" "6/5/packet/1/5" \
	"qpkt: 6 packets, sum.overquota=1, sum.flags=5"
is "$(gp_get "$(last_rec qbyte)" sum.overquota)" 0 "qbyte: still under"
is "$(nfp_counter cum "$NFPIPED_PID" acct malformed)" 0 "nothing malformed"
nfpiped_stop
ok $? "nfpiped stops cleanly"
is "$(sqlite3 "$T/acct.db" "SELECT sum_pkts, sum_use, sum_quota,
	sum_quota_mode, sum_overquota, sum_flags FROM acct
	WHERE sum_name = 'qpkt' ORDER BY rowid DESC LIMIT 1")" \
	"6|2|5|packet|1|5" "SQLITE3: qpkt's last row has the quota columns"
n=$(sqlite3 "$T/acct.db" "SELECT count(*) FROM acct WHERE sum_name = 'plain'")
is "$(sqlite3 "$T/acct.db" "SELECT count(sum_quota), count(sum_quota_mode),
	count(sum_overquota), count(sum_flags), min(sum_use), max(sum_use)
	FROM acct WHERE sum_name = 'plain'")" "0|0|0|0|1|1" \
	"... plain's $n rows NULL in them, sum_use 1"

# Read and reset: the over-quota state goes with the counters.
mv "$T/gprint.log" "$T/gprint-cum.log"
write_conf zero <<EOF
stack=acct:NFACCT,gp1:GPRINT
[acct]
pollinterval=200ms
zerocounter=1
[gp1]
file="$T/gprint.log"
EOF
nfpiped_start zero -u nobody || bail_out "nfpiped did not start"
wait_polls 3
nfpiped_stop
first=$(grep -E '(^|,)sum.name=qpkt(,|$)' "$T/gprint.log" | head -1)
is "$(gp_get "$first" sum.pkts)/$(quota_keys "$first")" "6/5/packet/1/5" \
	"zerocounter=1: first record has the 6 packets, over quota"
rec=$(last_rec qpkt)
is "$(gp_get "$rec" sum.pkts)/$(quota_keys "$rec")" "0/5/packet/0/1" \
	"... later ones 0 packets, no longer over quota"
is "$(list_field qpkt pkts)/$(list_field qpkt overquota)" "0/no" \
	"... as nfacct list says now"
done_testing
