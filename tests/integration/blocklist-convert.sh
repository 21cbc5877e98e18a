#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/blocklist-convert.sh - nfpipe blocklist against a reference
#
# blocklist_ref.py writes a gzip'ed p2p list and a cidr list (IPv4 and
# IPv6) full of overlaps, duplicates, adjacent ranges, comments and bad
# lines, and computes with Python's ipaddress (not nfpipe's code) the
# minimal CIDR cover, the bad lines' numbers, and for every range edge
# (and random addresses) whether it is listed. Checked: `convert -t cidr`
# gives exactly the reference cover, names exactly the bad lines and exits
# 0; `lookup` answers every probe address as the reference does; in a
# namespace of its own, `ipset restore` and `nft -f` accept the converted
# text and the sets hold what they should; `load` (ipset and nft) replaces a
# set of other sizes and leaves no temporary set behind.

. "$(dirname "$0")/lib.sh"

require_root
require_cmd python3 ipset nft
NFPIPE=${NFPIPE:-$top_builddir/nfpipe}
[ -x "$NFPIPE" ] || bail_out "no nfpipe at $NFPIPE"
REF=$NFPT_SRC/blocklist_ref.py

python3 "$REF" gen "$T" 12 || bail_out "blocklist_ref.py failed"

for l in p2p.txt.gz cidr.txt; do
	"$NFPIPE" blocklist convert -t cidr "$T/$l" >"$T/$l.out" 2>"$T/$l.err"
	is "$?" 0 "$l: convert exits 0 despite bad lines"
	if cmp -s "$T/$l.out" "$T/$l.ref"; then
		ok 0 "$l: the cover is exactly the reference's ($(wc -l <"$T/$l.ref") networks)"
	else
		ok 1 "$l: the cover is exactly the reference's"
		diag "$(diff "$T/$l.out" "$T/$l.ref" | head -20)"
	fi
	grep -o ':[0-9]*: ' "$T/$l.err" | tr -d ': ' >"$T/$l.badgot"
	check "$l: every bad line named by its number, no other" \
		cmp -s "$T/$l.badgot" "$T/$l.bad"
	check "$l: says what it converted" \
		grep -q "^Converted [0-9]* ranges into $(wc -l <"$T/$l.ref") networks ($(wc -l <"$T/$l.bad") bad lines skipped)$" "$T/$l.err"

	# every range edge and random addresses, listed or not
	# shellcheck disable=SC2046 # one argument an address
	"$NFPIPE" blocklist lookup -l "x:auto:$T/$l" $(cut -d' ' -f1 "$T/$l.probe") \
		2>/dev/null | sed 's/^\(.*\): x.*/\1 1/; s/^\(.*\): not listed$/\1 0/' \
		>"$T/$l.probegot"
	if cmp -s "$T/$l.probegot" "$T/$l.probe"; then
		ok 0 "$l: lookup agrees on all $(wc -l <"$T/$l.probe") probe addresses"
	else
		ok 1 "$l: lookup agrees on every probe address"
		diag "$(diff "$T/$l.probegot" "$T/$l.probe" | head -10)"
	fi
done

"$NFPIPE" blocklist convert -t cidr - <"$T/p2p.txt.gz" >"$T/stdin.out" 2>/dev/null
check "gzip on standard input converts the same" cmp -s "$T/stdin.out" "$T/p2p.txt.gz.ref"

"$NFPIPE" blocklist convert -t cidr "$T/none" >/dev/null 2>"$T/err"
is "$?" 1 "a missing list: exit 1"
check "a missing list: named" grep -q "cannot read $T/none: No such file" "$T/err"
"$NFPIPE" blocklist convert -t nft "$T/cidr.txt" >/dev/null 2>"$T/err"
is "$?" 1 "nft without -n: usage error"

# --- the kernel accepts the output (a namespace of our own) --------------
NS=nfpt-blconv-$NFPT_RUN
ip netns add "$NS" || bail_out "ip netns add"
NFPT_NETNS="$NFPT_NETNS $NS"

v4ref=$(grep -c -v : "$T/cidr.txt.ref")
v6ref=$(grep -c : "$T/cidr.txt.ref")
"$NFPIPE" blocklist convert -n bl "$T/cidr.txt" 2>/dev/null >"$T/ipset.txt"
nsx "$NS" ipset restore <"$T/ipset.txt" 2>"$T/ipset.err"
is "$?" 0 "ipset restore accepts the converted script"
diag_file "$T/ipset.err"
is "$(nsx "$NS" ipset list -t bl | sed -n 's/^Number of entries: //p')" "$v4ref" \
	"ipset: bl holds the IPv4 networks"
is "$(nsx "$NS" ipset list -t bl6 | sed -n 's/^Number of entries: //p')" "$v6ref" \
	"ipset: bl6 holds the IPv6 networks"
bad=0
while read -r a want; do
	nsx "$NS" ipset test "$([ "${a#*:}" != "$a" ] && echo bl6 || echo bl)" \
		"$a" >/dev/null 2>&1 && got=1 || got=0
	[ "$got" = "$want" ] || { bad=$((bad + 1)); diag "ipset test $a: $got, want $want"; }
done < <(awk 'NR % 40 == 0' "$T/cidr.txt.probe")
is "$bad" 0 "ipset test agrees with the reference on sampled probes"

"$NFPIPE" blocklist convert -n bl -t nft "$T/p2p.txt.gz" 2>/dev/null >"$T/nft.txt"
nsx "$NS" nft -f "$T/nft.txt" 2>"$T/nft.err"
is "$?" 0 "nft -f accepts the converted file"
diag_file "$T/nft.err"
bad=0
while read -r a want; do
	nsx "$NS" nft get element inet nfpipe bl "{ $a }" >/dev/null 2>&1 &&
		got=1 || got=0
	[ "$got" = "$want" ] || { bad=$((bad + 1)); diag "nft get element $a: $got, want $want"; }
done < <(awk 'NR % 200 == 0' "$T/p2p.txt.gz.probe")
is "$bad" 0 "nft: set membership agrees with the reference on sampled probes"

# --- load: an existing set of other sizes is replaced whole -----------------
nsx "$NS" ipset create ld hash:net family inet hashsize 64 maxelem 128
nsx "$NS" ipset add ld 192.0.2.0/24
nsx "$NS" "$NFPIPE" blocklist load -n ld "$T/p2p.txt.gz" 2>"$T/load.err"
is "$?" 0 "load -t ipset into an existing small set"
is "$(nsx "$NS" ipset list -t ld | sed -n 's/^Number of entries: //p')" \
	"$(wc -l <"$T/p2p.txt.gz.ref")" "load: the set holds the new list"
nsx "$NS" ipset test ld 192.0.2.1 >/dev/null 2>&1
isnt_old=$?
is "$isnt_old" 1 "load: the old entries are gone"
check "load: no temporary set left" \
	bash -c "! ip netns exec $NS ipset list -n | grep -q tmp"
nsx "$NS" "$NFPIPE" blocklist load -n ld "$T/cidr.txt" 2>>"$T/load.err"
is "$?" 0 "load again: swap with a set of the same name"
is "$(nsx "$NS" ipset list -t ld6 | sed -n 's/^Number of entries: //p')" "$v6ref" \
	"load: the IPv6 twin created"
nsx "$NS" "$NFPIPE" blocklist load -n ld -t nft "$T/cidr.txt" 2>>"$T/load.err"
is "$?" 0 "load -t nft"
nsx "$NS" "$NFPIPE" blocklist load -n ld -t nft "$T/p2p.txt.gz" 2>>"$T/load.err"
is "$?" 0 "load -t nft again (flush and refill in one transaction)"
nsx "$NS" nft get element inet nfpipe ld "{ $(awk '$2 == 1 { print $1; exit }' "$T/p2p.txt.gz.probe") }" \
	>/dev/null 2>&1
is "$?" 0 "load -t nft: a listed address is in the set"
v6addr=$(awk '$2 == 1 && $1 ~ /:/ { print $1; exit }' "$T/cidr.txt.probe")
nsx "$NS" nft get element inet nfpipe ld6 "{ $v6addr }" >/dev/null 2>&1
is "$?" 1 "load -t nft: the previous list's IPv6 networks are gone"
grep -v "line skipped" "$T/load.err" >"$T/load.err2"
diag_file "$T/load.err2"

done_testing
