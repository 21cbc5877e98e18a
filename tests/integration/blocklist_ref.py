#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/blocklist_ref.py - blocklists and their reference cover
#
# `gen DIR SEED`: writes DIR/p2p.txt.gz (IPv4 ranges with overlaps,
# duplicates, adjacent pairs, comments and bad lines) and DIR/cidr.txt
# (IPv4 and IPv6 networks, addresses and ranges, the same mess), and for
# each LIST: LIST.ref (the minimal CIDR cover computed by Python's ipaddress,
# IPv4 then IPv6, ascending), LIST.bad (the bad lines' numbers),
# LIST.probe (addresses at and around every range edge plus random ones,
# with "1" or "0": listed or not, by a bisect over the merged ranges).
# Independent of nfpipe's code: it is the reference the test compares with.
import bisect
import gzip
import ipaddress
import random
import sys


def merged(ranges):
    out = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return out


def cover(ranges, cls):
    nets = []
    for lo, hi in ranges:
        nets.extend(ipaddress.summarize_address_range(cls(lo), cls(hi)))
    return list(ipaddress.collapse_addresses(nets))


def listed(m, a):
    i = bisect.bisect_right([r[0] for r in m], a) - 1
    return i >= 0 and m[i][0] <= a <= m[i][1]


def write_ref(path, r4, r6, bad, rnd):
    m4, m6 = merged(r4), merged(r6)
    with open(path + ".ref", "w") as f:
        for n in cover(m4, ipaddress.IPv4Address):
            f.write(f"{n}\n")
        for n in cover(m6, ipaddress.IPv6Address):
            f.write(f"{n}\n")
    with open(path + ".bad", "w") as f:
        f.write("".join(f"{n}\n" for n in bad))
    starts4 = [r[0] for r in m4]
    starts6 = [r[0] for r in m6]

    def is_listed(m, starts, a):
        i = bisect.bisect_right(starts, a) - 1
        return i >= 0 and m[i][0] <= a <= m[i][1]

    probes = set()
    for lo, hi in r4:
        for a in (lo - 1, lo, hi, hi + 1):
            if 0 <= a < 2**32:
                probes.add((4, a))
    for lo, hi in r6:
        for a in (lo - 1, lo, hi, hi + 1):
            if 0 <= a < 2**128:
                probes.add((6, a))
    for _ in range(500):
        probes.add((4, rnd.randrange(2**32)))
    with open(path + ".probe", "w") as f:
        for fam, a in sorted(probes):
            if fam == 4:
                ok = is_listed(m4, starts4, a)
                f.write(f"{ipaddress.IPv4Address(a)} {int(ok)}\n")
            else:
                ok = is_listed(m6, starts6, a)
                f.write(f"{ipaddress.IPv6Address(a)} {int(ok)}\n")


def v4(a):
    return str(ipaddress.IPv4Address(a))


def gen(d, seed):
    rnd = random.Random(seed)
    # p2p, gzip'ed
    lines, r4, bad = ["# PeerGuardian-style list, generated"], [], []
    for i in range(3000):
        k = rnd.random()
        if k < 0.05:
            lines.append(rnd.choice(["# comment", "", "   "]))
            continue
        if k < 0.08:
            bad.append(len(lines) + 1)
            lines.append(rnd.choice(["garbage line", "x:1.2.3-1.2.3.4",
                                     "y:10.0.0.9-10.0.0.1",
                                     "z:256.0.0.1-256.0.0.2"]))
            continue
        if k < 0.2 and r4:
            # duplicate, inside, adjacent or overlapping an earlier range
            lo, hi = rnd.choice(r4)
            kind = rnd.randrange(4)
            if kind == 1:
                lo, hi = lo + (hi - lo) // 3, hi - (hi - lo) // 3
            elif kind == 2 and hi < 2**32 - 2:
                lo, hi = hi + 1, min(2**32 - 1, hi + 1 + rnd.randrange(300))
            elif kind == 3:
                lo, hi = (lo + hi) // 2, min(2**32 - 1,
                                             hi + rnd.randrange(5000))
        else:
            lo = rnd.randrange(2**32)
            hi = min(2**32 - 1, lo + rnd.choice([0, 1, 254, 255, 4095,
                                                 rnd.randrange(70000)]))
        r4.append((lo, hi))
        lines.append(f"Desc {i}:{v4(lo)}-{v4(hi)}")
    with gzip.open(f"{d}/p2p.txt.gz", "wt") as f:
        f.write("\n".join(lines) + "\n")
    write_ref(f"{d}/p2p.txt.gz", r4, [], bad, rnd)

    # cidr, both families
    lines, r4, r6, bad = ["; cidr list", "# generated"], [], [], []
    for i in range(1500):
        k = rnd.random()
        if k < 0.04:
            bad.append(len(lines) + 1)
            lines.append(rnd.choice(["1.2.3.4/33", "2001:db8::/129",
                                     "not an address", "1.2.3.4 5.6.7.8"]))
            continue
        if rnd.random() < 0.7:
            p = rnd.randrange(8, 33)
            n = ipaddress.IPv4Network((rnd.randrange(2**32), p), strict=False)
            r4.append((int(n.network_address), int(n.broadcast_address)))
            lines.append(f"{n} # net {i}" if k < 0.3 else str(n))
            if k < 0.1:  # the same again, as a range
                lines.append(f"{n.network_address}-{n.broadcast_address}")
                r4.append(r4[-1])
        else:
            p = rnd.randrange(16, 129)
            n = ipaddress.IPv6Network((rnd.getrandbits(128), p),
                                      strict=False)
            r6.append((int(n.network_address), int(n.broadcast_address)))
            lines.append(str(n) if p < 128 else str(n.network_address))
    with open(f"{d}/cidr.txt", "w") as f:
        f.write("\n".join(lines) + "\n")
    write_ref(f"{d}/cidr.txt", r4, r6, bad, rnd)


def big(path, n, seed):
    """A p2p list of n ranges like level1: many small, some large."""
    rnd = random.Random(seed)
    with open(path, "w") as f:
        for i in range(n):
            lo = rnd.randrange(2**32 - 70000)
            hi = lo + rnd.choice([0, 255, 511, 4095, rnd.randrange(65536)])
            f.write(f"Organisation number {i}:{v4(lo)}-{v4(hi)}\n")


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "big":
        big(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
