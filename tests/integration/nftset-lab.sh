#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/nftset-lab.sh - NFTSET blocks logged sources on the
# real kernel
#
# The lab's gateway logs UDP to port 7777 in prerouting (before any drop,
# so a blocked source keeps renewing its element) into NFLOG -> BASE ->
# NFTSET, which puts the source into an nftables set with timeout=3s; a
# forward chain drops `ip saddr @blocked` and `ip6 saddr @blocked6`.
# Asserted:
#  - nfpiped --check with create=yes changes nothing in the kernel;
#  - a missing set (create=no) stops the daemon with an error that names
#    the set and the nft command that makes it; a set without `flags
#    timeout` is refused too;
#  - create=yes makes the table and both sets (flags timeout);
#  - the client's address is in the set within 1 s of its logged packet
#    (polled every 10 ms; the delay is printed), with a timeout; its next
#    packets (ping) are dropped; a packet 1.5 s later renews the expiry;
#    it leaves the set after the timeout and can ping again; a second
#    NFTSET with renew=readd (delete and add, for kernels before 6.12)
#    renews its element too;
#  - IPv6 goes to set6 the same way;
#  - allowed addresses never go in: an allow= address of the client (v4
#    and v6) and the gateway's own addresses (spoofed as sources);
#  - the counters (SIGUSR1) agree: added, refreshed, allowed, no errors;
#  - a set deleted under the running daemon: errors counted, the daemon
#    goes on, and once the set is back the next record adds again.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip nft ping
require_nfpiped
require_kernel_logging

lab_up
# A second client address, on the allow list.
ip -n "$NS_C" addr add 10.77.1.3/24 dev c0
ip -n "$NS_C" addr add fd77:1::3/64 dev c0 nodad
ip -n "$NS_G" neigh replace 10.77.1.3 lladdr $MAC_C0 dev g0 nud permanent
ip -n "$NS_G" neigh replace fd77:1::3 lladdr $MAC_C0 dev g0 nud permanent

TBL=nfpset

nft_gw "table inet nfpt {
	chain pre {
		type filter hook prerouting priority -300; policy accept;
		udp dport 7777 log group 1 prefix \"SET: \"
	}
}"

conf_body()
{
	cat <<EOF
stack=log1:NFLOG,base1:BASE,set1:NFTSET

[log1]
group=1
netlink_qthreshold=1

[set1]
family=inet
table=$TBL
set=blocked
set6=blocked6
timeout=3s
allow=10.77.1.3, fd77:1::3/128
$1
EOF
}

in_set()
{
	nsx "$NS_G" nft list set inet $TBL "$1" 2>/dev/null | grep -qw -- "$2"
}

now_ms()
{
	echo $(($(date +%s%N) / 1000000))
}

# wait_in SET ADDR: poll every 10 ms for up to 3 s; DELAY_MS is the time
# from T0 (set by the caller just before sending) to the element seen.
wait_in()
{
	local n=0

	until in_set "$1" "$2"; do
		n=$((n + 1))
		[ $n -ge 300 ] && { DELAY_MS=-1; return 1; }
		sleep 0.01
	done
	DELAY_MS=$(($(now_ms) - T0))
	return 0
}

# One UDP datagram to port 7777 (pktsend waits 1 ms for replies, not 40).
udp_from()
{
	PSEND_WAIT=1 psend_c udp "$1" "$2" --sport 40000 --dport 7777 --count 1
}

# --- --check and start-up errors --------------------------------------------

conf_body "create=yes" | write_conf chk
nsx "$NS_G" "$NFPIPED" --check -c "$T/chk.conf" >"$T/chk.out" 2>&1
ok $? "nfpiped --check passes with create=yes" || diag_file "$T/chk.out"
nsx "$NS_G" nft list table inet $TBL >/dev/null 2>&1
ok $((!$?)) "--check created no table"

conf_body "" | write_conf miss
timeout 20 ip netns exec "$NS_G" "$NFPIPED" -c "$T/miss.conf" \
	>"$T/miss.out" 2>"$T/miss.err"
rc=$?
ok $((rc == 0 || rc == 124)) "a missing set stops the daemon (exit $rc)"
grep -q "set inet $TBL blocked does not exist.*nft add table inet $TBL" \
	"$T/miss.log" "$T/miss.err"
ok $? "the error names the set and the nft command that makes it" ||
	{ diag_file "$T/miss.err"; diag_file "$T/miss.log"; }

nft_gw "table inet notmo { set blocked { type ipv4_addr; }; }"
sed "s/^table=$TBL/table=notmo/" "$T/miss.conf" >"$T/notmo.conf"
sed -i "s|$T/miss.log|$T/notmo.log|" "$T/notmo.conf"
timeout 20 ip netns exec "$NS_G" "$NFPIPED" -c "$T/notmo.conf" \
	>/dev/null 2>"$T/notmo.err"
rc=$?
ok $((rc == 0 || rc == 124)) "a set without flags timeout is refused"
grep -q "has no 'flags timeout'" "$T/notmo.log" "$T/notmo.err"
ok $? "and the error says so" || diag_file "$T/notmo.log"
# A sanitizer build reports leaks of the failed start on stderr.
! grep -q Sanitizer "$T/miss.err" "$T/notmo.err"
ok $? "the failed starts leave nothing behind (no sanitizer report)" ||
	{ diag_file "$T/miss.err"; diag_file "$T/notmo.err"; }

# --- the run ---------------------------------------------------------------

# A second NFTSET on the same packets renews by delete and add (what
# kernels before 6.12 need) into set readd4.
{
	conf_body "create=yes"
	printf '\n[set2]\ntable=%s\nset=readd4\ntimeout=3s\nrenew=readd\n' \
		"$TBL"
	printf 'create=yes\nallow=10.77.1.3\n'
} | sed '1a stack=log1:NFLOG,base1:BASE,set2:NFTSET' | write_conf run
nfpiped_start run || bail_out "nfpiped did not start"
wait_for 5 nflog_bound 1 || bail_out "NFLOG group 1 not bound"
list=$(nsx "$NS_G" nft list table inet $TBL 2>&1)
grep -q "set blocked {" <<<"$list" && grep -q "set blocked6 {" <<<"$list" &&
	[ "$(grep -c 'flags timeout' <<<"$list")" -eq 3 ]
ok $? "create=yes made the sets (three: set1's two, set2's one) with flags timeout" || diag "$list"
grep -q "type ipv6_addr" <<<"$list"
ok $? "set6 is of type ipv6_addr" || diag "$list"

nft_gw "table inet $TBL {
	chain blockfw {
		type filter hook forward priority -10; policy accept;
		ip saddr @blocked drop
		ip6 saddr @blocked6 drop
	}
}"

nsx "$NS_C" ping -I 10.77.1.2 -c 1 -W 1 -q 10.77.2.2 >/dev/null 2>&1
ok $? "before: the client pings the server"

T0=$(now_ms)
udp_from 10.77.1.2 10.77.2.2
wait_in blocked 10.77.1.2
ok $? "the client's IPv4 address is in the set"
added_at=$(now_ms)
[ "$DELAY_MS" -ge 0 ] && [ "$DELAY_MS" -le 1000 ]
ok $? "within 1 s of its logged packet (${DELAY_MS} ms)"
diag "IPv4: logged packet sent -> element present: ${DELAY_MS} ms"
d4=$DELAY_MS
elem=$(nsx "$NS_G" nft list set inet $TBL blocked | grep -o '10\.77\.1\.2 [^,}]*')
grep -q "timeout 3s expires" <<<"$elem"
ok $? "the element has the 3 s timeout ($elem)"

nsx "$NS_C" ping -I 10.77.1.2 -c 1 -W 1 -q 10.77.2.2 >/dev/null 2>&1
ok $((!$?)) "the drop rule on the set blocks the client's next packets"
nsx "$NS_C" ping -I 10.77.1.3 -c 1 -W 1 -q 10.77.2.2 >/dev/null 2>&1
ok $? "the allowed address of the same client still passes"

# Allowed sources, logged like the others: never in the set.
udp_from 10.77.1.3 10.77.2.2
udp_from fd77:1::3 fd77:2::2
udp_from 10.77.2.1 10.77.2.2
udp_from fd77:2::1 fd77:2::2

T0=$(now_ms)
udp_from fd77:1::2 fd77:2::2
wait_in blocked6 fd77:1::2
ok $? "the client's IPv6 address is in set6"
[ "$DELAY_MS" -ge 0 ] && [ "$DELAY_MS" -le 1000 ]
ok $? "within 1 s of its logged packet (${DELAY_MS} ms)"
diag "IPv6: logged packet sent -> element present: ${DELAY_MS} ms"
d6=$DELAY_MS
nsx "$NS_C" ping -6 -I fd77:1::2 -c 1 -W 1 -q fd77:2::2 >/dev/null 2>&1
ok $((!$?)) "IPv6: the drop rule blocks the client"

for a in 10.77.1.3 10.77.2.1; do
	in_set blocked $a
	ok $((!$?)) "allowed $a is not in the set"
done
for a in fd77:1::3 fd77:2::1; do
	in_set blocked6 $a
	ok $((!$?)) "allowed $a is not in set6"
done

# 1.5 s after the add a new packet renews the 3 s: at 1.7 s it expires in
# more than 2 s (without the renewal: about 1.3 s).
sleep_ms=$((1500 - ($(now_ms) - added_at)))
[ $sleep_ms -gt 0 ] && sleep "$(printf '0.%03d' $sleep_ms)"
udp_from 10.77.1.2 10.77.2.2
sleep 0.2
exp=$(nsx "$NS_G" nft list set inet $TBL blocked |
	sed -n 's/.*10\.77\.1\.2 timeout 3s expires \([0-9]*\)s.*/\1/p')
[ "${exp:-0}" -ge 2 ]
ok $? "a new record renews the timeout (expires in ${exp:-?}s)"
exp=$(nsx "$NS_G" nft list set inet $TBL readd4 |
	sed -n 's/.*10\.77\.1\.2 timeout 3s expires \([0-9]*\)s.*/\1/p')
[ "${exp:-0}" -ge 2 ]
ok $? "renew=readd renews it too (expires in ${exp:-?}s)"
refreshed_at=$(now_ms)

# Gone after the timeout (3 s from the renewal), and the client passes.
n=0
while in_set blocked 10.77.1.2 && [ $n -lt 600 ]; do
	sleep 0.01
	n=$((n + 1))
done
gone_ms=$(($(now_ms) - refreshed_at))
in_set blocked 10.77.1.2
ok $((!$?)) "the element is gone after the timeout (${gone_ms} ms after the renewal)"
nsx "$NS_C" ping -I 10.77.1.2 -c 1 -W 1 -q 10.77.2.2 >/dev/null 2>&1
ok $? "after: the client pings the server again"

kill -USR1 "$NFPIPED_PID"
wait_for 5 grep -q '\[set1\] counters:' "$T/run.log"
ctrs=$(grep '\[set1\] counters:' "$T/run.log" | tail -1)
_two_dumps()
{
	[ "$(grep -c '\[set2\] counters:' "$T/run.log")" -ge 2 ]
}
ctr()
{
	sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$ctrs"
}
is "$(ctr added)" 2 "counters: added=2 (IPv4 and IPv6)" || diag "$ctrs"
is "$(ctr refreshed)" 1 "counters: refreshed=1"
is "$(ctr allowed)" 4 "counters: allowed=4 (allow= v4/v6, own v4/v6)"
is "$(ctr errors)" 0 "counters: errors=0"
ctrs=$(grep '\[set2\] counters:' "$T/run.log" | tail -1)
is "$(ctr added) $(ctr refreshed) $(ctr errors)" "1 1 0" \
	"renew=readd: added=1 refreshed=1 errors=0" || diag "$ctrs"

# The set goes away under the daemon: counted, survived, and the next
# record after it is back adds the address again.
nsx "$NS_G" nft delete set inet $TBL readd4
udp_from 10.77.1.2 10.77.2.2
sleep 0.3
kill -USR1 "$NFPIPED_PID"
wait_for 5 _two_dumps
ctrs=$(grep '\[set2\] counters:' "$T/run.log" | tail -1)
[ "$(ctr errors)" -ge 1 ] && kill -0 "$NFPIPED_PID"
ok $? "a deleted set: errors counted ($(ctr errors)), the daemon goes on"
nsx "$NS_G" nft add set inet $TBL readd4 '{ type ipv4_addr; flags timeout; }'
T0=$(now_ms)
udp_from 10.77.1.2 10.77.2.2
wait_in readd4 10.77.1.2
ok $? "set back: the next record adds the address again"

nfpiped_stop
is "$?" 0 "nfpiped exits 0 on SIGTERM"
diag "delays: IPv4 ${d4} ms, IPv6 ${d6} ms (poll every 10 ms); $(uptime)"
done_testing
