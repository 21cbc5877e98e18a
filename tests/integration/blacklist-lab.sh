#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/blacklist-lab.sh - BLACKLIST and `blocklist load` live
#
# Part 1: NFLOG -> BASE -> BLACKLIST -> IP2STR -> JSON on the lab's gateway,
# two stacks: one tags every packet, one has only_hits=1. UDP from listed
# and unlisted sources (IPv4 and IPv6, a p2p list and a Spamhaus list) and
# to a listed destination: hits carry the list's name and description,
# misses carry nothing, and the only_hits file holds exactly the hits.
# Part 2: a drop rule on a set in the gateway's forward path (iptables -m
# set for ipset, an nft rule for nft), the client sending from listed
# addresses all the while `nfpipe blocklist load` replaces the set again and
# again with lists that differ in everything but those addresses: the
# server must receive none of the listed sources' packets, and the
# unlisted source's packets must get through (the traffic did flow).

[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip nft python3 ipset iptables
require_nfpiped
require_kernel_logging
NFPIPE=${NFPIPE:-$top_builddir/nfpipe}
[ -x "$NFPIPE" ] || bail_out "no nfpipe at $NFPIPE"
N=5

lab_up

printf '# level1-like\nEvil Corp:10.77.1.50-10.77.1.54\nbroken line\n' >"$T/level1.p2p"
printf '; DROP\nfd77:1::50/128 ; SBL7\n10.77.2.99/32 ; SBL9\n' | gzip >"$T/drop.txt.gz"

write_conf bl <<EOF2
stack=log1:NFLOG,base1:BASE,bl1:BLACKLIST,ip2str1:IP2STR,js1:JSON
stack=log1:NFLOG,base1:BASE,bl2:BLACKLIST,ip2str2:IP2STR,js2:JSON

[log1]
group=1
netlink_qthreshold=1

[bl1]
list="level1:p2p:$T/level1.p2p"
list="drop:auto:$T/drop.txt.gz"

[bl2]
list="level1:p2p:$T/level1.p2p"
list="drop:auto:$T/drop.txt.gz"
only_hits=1

[js1]
file="$T/all.json"

[js2]
file="$T/hits.json"
EOF2

nfpiped_start bl
ok $? "nfpiped starts with two BLACKLIST stacks" || bail_out "no daemon"
nft_log_hooks 'udp dport 7777 log group 1'
psend_c udp 10.77.1.50 10.77.2.2 --dport 7777 --count $N
psend_c udp 10.77.1.60 10.77.2.2 --dport 7777 --count $N
psend_c udp fd77:1::50 fd77:2::2 --dport 7777 --count $N
psend_c udp 10.77.1.60 10.77.2.99 --dport 7777 --count $N
wait_lines "$T/all.json" $((4 * N)) 10
wait_lines "$T/hits.json" $((3 * N)) 10
nfpiped_stop
is "$?" 0 "nfpiped exits 0"
check "a bad line in a list is named with file:line" \
	grep -q "level1.p2p:3: no ':' before the range" "$T/bl.log" "$T/bl.err"

python3 - "$T/all.json" "$T/hits.json" $N >"$T/check.out" 2>&1 <<'PY'
import json, sys
allf, hitf, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
want = {  # (saddr, daddr) -> (src list, src desc, dst list, dst desc)
    ("10.77.1.50", "10.77.2.2"): ("level1", "Evil Corp", None, None),
    ("10.77.1.60", "10.77.2.2"): (None, None, None, None),
    ("fd77:1::50", "fd77:2::2"): ("drop", "SBL7", None, None),
    ("10.77.1.60", "10.77.2.99"): (None, None, "drop", "SBL9"),
}
def rows(path):
    return [json.loads(l) for l in open(path)]
bad, count = 0, {}
for o in rows(allf):
    k = (o.get("ip.saddr.str"), o.get("ip.daddr.str"))
    got = (o.get("blacklist.src"), o.get("blacklist.src.desc"),
           o.get("blacklist.dst"), o.get("blacklist.dst.desc"))
    count[k] = count.get(k, 0) + 1
    if want.get(k) != got:
        bad += 1
        print("all: %s: got %s, want %s" % (k, got, want.get(k)))
print("all-bad", bad)
print("all-count", sorted(count.values()) == [n] * 4)
hits = rows(hitf)
print("hits-count", len(hits))
print("hits-only", all(o.get("blacklist.src") or o.get("blacklist.dst")
                       for o in hits))
PY
diag_file "$T/check.out"
check "every packet tagged as its addresses' lists say (hits and misses)" \
	grep -qx "all-bad 0" "$T/check.out"
check "every packet logged once" grep -qx "all-count True" "$T/check.out"
check "only_hits: $((3 * N)) records, the hits" \
	grep -qx "hits-count $((3 * N))" "$T/check.out"
check "only_hits: each of them a hit" grep -qx "hits-only True" "$T/check.out"

# --- part 2: load under traffic ---------------------------------------------
# Two lists of 5000 ranges: both hold the listed sources, otherwise nothing in common.
python3 - "$T" <<'PY'
import random, sys
d = sys.argv[1]
for name, seed in (("a", 1), ("b", 2)):
    rnd = random.Random(seed)
    with open(f"{d}/{name}.p2p", "w") as f:
        f.write("Listed:10.77.1.50-10.77.1.54\n")
        for i in range(5000):
            lo = rnd.randrange(1 << 24, 200 << 24)
            hi = lo + rnd.choice([0, 255, 4095])
            f.write("R%d:%d.%d.%d.%d-%d.%d.%d.%d\n" % ((i,)
                    + tuple(lo >> s & 255 for s in (24, 16, 8, 0))
                    + tuple(hi >> s & 255 for s in (24, 16, 8, 0))))
PY
nft_srv() { printf '%s\n' "$1" | nsx "$NS_S" nft -f -; }
count_srv() {
	nsx "$NS_S" nft list chain inet cnt in |
		sed -n "s/.*packets \([0-9]*\) .*comment \"$1\".*/\1/p"
}

LOADS=8
for kind in ipset nft; do
	nsx "$NS_S" nft delete table inet cnt 2>/dev/null
	nft_srv 'table inet cnt {
	chain in {
		type filter hook input priority 0;
		ip saddr 10.77.1.50-10.77.1.54 udp dport 7778 counter comment "listed"
		ip saddr 10.77.1.60 udp dport 7778 counter comment "unlisted"
	}
}'
	nsx "$NS_G" "$NFPIPE" blocklist load -t $kind -n blk "$T/a.p2p" 2>"$T/load.err"
	is "$?" 0 "$kind: first load"
	if [ $kind = ipset ]; then
		nsx "$NS_G" iptables -I FORWARD -m set --match-set blk src -j DROP
	else
		nft_gw 'table inet nfpipe {
	chain blkfwd {
		type filter hook forward priority -10;
		ip saddr @blk drop
	}
}'
	fi
	# the senders: listed and unlisted, 1 packet a millisecond or so, for
	# longer than the loads take
	for s in 10.77.1.50 10.77.1.53 10.77.1.60; do
		bg_ns "$NS_C" "$PKTSEND" udp $s 10.77.2.2 --dport 7778 \
			--count 120000 --interval 1
		eval "snd_${s//./_}=$BG_PID"
	done
	fails=0
	for i in $(seq $LOADS); do
		l=$([ $((i % 2)) = 1 ] && echo b || echo a)
		nsx "$NS_G" "$NFPIPE" blocklist load -t $kind -n blk "$T/$l.p2p" \
			2>>"$T/load.err" || fails=$((fails + 1))
	done
	running=0
	kill -0 "$snd_10_77_1_60" 2>/dev/null && running=1
	is "$fails" 0 "$kind: $LOADS loads while the client sends"
	is "$running" 1 "$kind: the loads ran while traffic flowed"
	# the senders outlived the loads: stop them (bounded by --count too)
	for s in 10.77.1.50 10.77.1.53 10.77.1.60; do
		p=snd_${s//./_}
		kill "${!p}" 2>/dev/null
		wait "${!p}" 2>/dev/null
	done
	is "$(count_srv listed)" 0 "$kind: no packet of a listed source got through"
	u=$(count_srv unlisted)
	ok $([ "${u:-0}" -gt 100 ]; echo $?) "$kind: the unlisted source's packets did ($u)"
	if [ $kind = ipset ]; then
		nsx "$NS_G" iptables -D FORWARD -m set --match-set blk src -j DROP
		check "ipset: no temporary set left" \
			bash -c "! ip netns exec $NS_G ipset list -n | grep -q tmp"
	fi
done
grep -v "line skipped" "$T/load.err" | grep -v "^Loaded" >"$T/load.err2"
diag_file "$T/load.err2"

done_testing
