#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/geoip.sh - GEOIP against libloc's own `location` tool and an mmdb
#
# libloc back end: addresses are drawn (seeded) from the database's own
# networks — list-networks-by-cc for a dozen countries, IPv4 and IPv6, and
# list-networks-by-flags for every flag — and GEOIP's country, AS number,
# AS name and flags for each must equal what `location lookup` prints
# (country names mapped to codes with `location list-countries`). Private,
# loopback and link-local addresses stay unset. SIGHUP with a broken file
# in place keeps the old database; with a good one it opens it. mmdb back
# end: tests/geoip-mmdb.pl writes a small database (MaxMind's writer) and
# GEOIP must read back what was written. Needs no root.

. "$(dirname "$0")/integration/lib.sh"

require_cmd location python3 perl
PROBE=$top_builddir/tests/unit/geoip_probe
[ -x "$PROBE" ] || bail_out "no $PROBE (make check builds it)"
DB=/var/lib/location/database.db
[ -r "$DB" ] || DB=/usr/share/libloc-location/location.db
[ -r "$DB" ] || bail_out "no libloc database: install libloc-database"

# --- addresses from the database's own networks --------------------------
for cc in US DE JP BR ZA CN; do
	for fam in ipv4 ipv6; do
		location --database "$DB" list-networks-by-cc --family $fam $cc \
			2>/dev/null | sed "s/\$/ $cc/"
	done
done >"$T/nets"
for f in anonymous-proxy satellite-provider anycast drop; do
	location --database "$DB" list-networks-by-flags --$f 2>/dev/null |
		sed "s/\$/ $f/"
done >>"$T/nets"
[ "$(wc -l <"$T/nets")" -gt 1000 ] || bail_out "location lists too few networks"

python3 - "$T/nets" >"$T/addrs" <<'PY'
import ipaddress, random, sys
rnd = random.Random(2026)
by = {}
for line in open(sys.argv[1]):
    net, tag = line.split()
    by.setdefault((tag, ":" in net), []).append(net)
out = []
for (tag, v6), nets in sorted(by.items()):
    for net in rnd.sample(nets, min(12, len(nets))):
        n = ipaddress.ip_network(net)
        out.append(str(n.network_address + rnd.randrange(n.num_addresses)))
print("\n".join(out))
PY
n=$(wc -l <"$T/addrs")
ok $([ "$n" -gt 150 ]; echo $?) "$n addresses drawn from the database's networks"

# The reference: location lookup, country names mapped to codes.
location --database "$DB" list-countries --show-name >"$T/countries"
# shellcheck disable=SC2046
location --database "$DB" lookup $(cat "$T/addrs") >"$T/lookup" 2>/dev/null
python3 - "$T/countries" "$T/lookup" >"$T/want" <<'PY'
import sys
code = {}
for line in open(sys.argv[1]):
    c, name = line.rstrip("\n").split(" ", 1)
    code[name] = c
rows, cur = [], None
flags = {"Anonymous Proxy": "anonymous-proxy",
         "Satellite Provider": "satellite-provider",
         "Anycast": "anycast", "Hostile Network safe to drop": "drop"}
order = ["anonymous-proxy", "satellite-provider", "anycast", "drop"]
def flush():
    if cur:
        f = [x for x in order if x in cur["flags"]]
        rows.append(f'{cur["addr"]} {cur["cc"]} {cur["asn"]} '
                    f'{",".join(f) or "-"}|{cur["asname"]}')
for line in open(sys.argv[2]):
    line = line.rstrip("\n")
    if not line.startswith(" "):
        flush()
        cur = {"addr": line.rstrip(":"), "cc": "-", "asn": "-",
               "asname": "-", "flags": set()}
        continue
    k, v = [x.strip() for x in line.split(":", 1)]
    if k == "Country":
        cur["cc"] = code.get(v, "?" + v)
    elif k == "Autonomous System":
        a = v.split(" - ", 1)
        cur["asn"] = a[0][2:]
        if len(a) > 1:
            cur["asname"] = a[1]
    elif k in flags and v == "yes":
        cur["flags"].add(flags[k])
flush()
print("\n".join(rows))
PY
"$PROBE" backend=loc "db=$DB" <"$T/addrs" >"$T/got" 2>"$T/probe.err"
is "$?" 0 "geoip_probe ran; destinations (private) left unset"
if cmp -s "$T/got" "$T/want"; then
	ok 0 "libloc: all $n look-ups equal location lookup's (country, AS, AS name, flags)"
else
	ok 1 "libloc: every look-up equals location lookup's"
	diag "$(diff "$T/got" "$T/want" | head -20)"
fi
# The answer cache: the same answers without it, and for repeated peers.
cat "$T/addrs" "$T/addrs" | "$PROBE" backend=loc "db=$DB" cache=0 >"$T/nocache" 2>/dev/null
cat "$T/addrs" "$T/addrs" | "$PROBE" backend=loc "db=$DB" cache=64 >"$T/cache" 2>/dev/null
check "cache: answers equal with cache=64 and cache=0, repeated peers too" \
	cmp -s "$T/cache" "$T/nocache"
head -n "$n" "$T/cache" >"$T/cache1"
check "cache: and equal location's" cmp -s "$T/cache1" "$T/want"
for fam in : .; do
	c=$(grep -c -- "^[^ ]*$fam[^ ]* [A-Z][A-Z] " "$T/got")
	ok $([ "$c" -gt 40 ]; echo $?) "$c addresses with '$fam' got a country (both families covered)"
done
for f in anonymous-proxy satellite-provider anycast drop; do
	check "flag $f seen" grep -q "$f" "$T/got"
done

printf '10.1.2.3\n192.168.1.1\n127.0.0.1\n172.16.0.1\n169.254.1.1\n::1\nfe80::1\nfd00::5\n' |
	"$PROBE" backend=loc "db=$DB" >"$T/priv" 2>/dev/null
is "$(grep -vc ' - - -|-$' "$T/priv")" 0 "private, loopback, link-local: every key unset"

# --- SIGHUP -----------------------------------------------------------------
cp "$DB" "$T/loc.db"
a=$(head -1 "$T/addrs")
head -c 4096 /dev/urandom >"$T/garbage"
cp "$DB" "$T/loc.new"
printf '%s\n' "$a" "RENAME $T/garbage $T/loc.db" HUP "$a" \
	"RENAME $T/loc.new $T/loc.db" HUP "$a" | "$PROBE" backend=loc "db=$T/loc.db" >"$T/hup" 2>"$T/hup.err"
is "$(sort -u "$T/hup" | wc -l)" 1 "SIGHUP: same answers before, with a broken file, after a good one"
check "SIGHUP with a broken file: logged, old database kept" \
	grep -q "cannot reopen $T/loc.db: not a libloc database.*stays in use" "$T/hup.err"
is "$(grep -c "cannot reopen" "$T/hup.err")" 1 "SIGHUP with a good file: no complaint"

"$PROBE" backend=loc "db=$T/garbage2" </dev/null 2>"$T/err"
is "$?" 1 "a missing database: config error"
check "a missing database: named with the reason" \
	grep -q "cannot open $T/garbage2: No such file" "$T/err"

# --- mmdb ---------------------------------------------------------------------
# GEOIP is built with either library: the mmdb part needs libmaxminddb.
"$PROBE" backend=mmdb db=/nonexistent </dev/null 2>"$T/mmcheck"
if grep -q "built without libmaxminddb" "$T/mmcheck"; then
	ok 0 "# SKIP mmdb: GEOIP built without libmaxminddb"
elif perl -MMaxMind::DB::Writer::Tree -e 1 2>/dev/null; then
	perl "$top_srcdir/tests/geoip-mmdb.pl" "$T/t.mmdb" ||
		bail_out "geoip-mmdb.pl failed"
	cat >"$T/mm.want" <<'W'
81.2.69.160 GB - -|-
81.2.69.1 GB - anonymous-proxy|-
2001:db8:1::7 DE - anycast|-
2001:db9::1 - - -|-
203.0.113.9 JP 64500 satellite-provider|Example Net
10.0.0.9 - - -|-
W
	cut -d' ' -f1 "$T/mm.want" | "$PROBE" backend=mmdb "db=$T/t.mmdb" >"$T/mm.got" 2>"$T/mm.err"
	is "$?" 0 "mmdb: geoip_probe ran"
	if cmp -s "$T/mm.got" "$T/mm.want"; then
		ok 0 "mmdb: country, AS, AS name and traits read back as written"
	else
		ok 1 "mmdb: read back as written"
		diag "$(diff "$T/mm.got" "$T/mm.want")"
	fi
	echo 198.51.100.1 | "$PROBE" backend=mmdb "db=$T/t.mmdb" "asn_db=$T/t.mmdb" >"$T/mm2.got" 2>/dev/null
	is "$(cat "$T/mm2.got")" "198.51.100.1 - 64501 -|Other AS" "mmdb: asn_db= gives AS keys"
	"$PROBE" backend=mmdb "db=$T/loc.db" </dev/null 2>"$T/err"
	is "$?" 1 "mmdb: a libloc file is refused at config time"
else
	bail_out "MaxMind::DB::Writer missing: install libmaxmind-db-writer-perl"
fi

done_testing
