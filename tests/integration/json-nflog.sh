#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/json-nflog.sh - JSON objects of real logged packets
#
# NFLOG -> BASE -> IFINDEX -> IP2STR -> JSON on the lab's gateway, in two
# stacks: one with ulogd2's field names, one with ECS names. UDP datagrams
# and ICMP echoes with known fields go from the client to the server. Every
# line must parse as JSON (python3's json module), and the values must be
# those of the packets sent: addresses, ports, protocol, prefix,
# interfaces, the time
# within the run (escaping is the unit test's). A SIGHUP after a rename starts a new file and loses
# nothing.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip nft python3
require_nfpiped
require_kernel_logging

N=20
lab_up

write_conf js <<EOF2
stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,js1:JSON
stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,js2:JSON

[log1]
group=1
netlink_qthreshold=1

[js1]
file="$T/ulogd.json"

[js2]
file="$T/ecs.json"
fields=ecs
EOF2

t0=$(date +%s)
nfpiped_start js
ok $? "nfpiped starts with two JSON outputs" || bail_out "no daemon"
nft_log_hooks 'udp dport 7777 log group 1 prefix "JSON: "
		icmp type echo-request log group 1 prefix "PING"'
psend_c udp 10.77.1.2 10.77.2.2 --sport 42001 --dport 7777 --count $N
psend_c icmp 10.77.1.2 10.77.2.2 --id 42 --icmpseq 1 --count $N
wait_lines "$T/ulogd.json" $((2 * N)) 10
mv "$T/ulogd.json" "$T/ulogd.json.1"
kill -HUP "$NFPIPED_PID"
sleep 0.3
psend_c udp 10.77.1.2 10.77.2.2 --sport 42001 --dport 7777 --count 5
wait_lines "$T/ulogd.json" 5 10
wait_lines "$T/ecs.json" $((2 * N + 5)) 10
nfpiped_stop
is "$?" 0 "nfpiped exits 0 on SIGTERM"
t1=$(date +%s)

is "$(nlines "$T/ulogd.json.1")" $((2 * N)) "one line a packet before SIGHUP"
is "$(nlines "$T/ulogd.json")" 5 "SIGHUP: a new file with the rest"

check_json()
{
	python3 - "$@" <<'PY'
import json, sys
path, fields, t0, t1 = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
from datetime import datetime
bad = []
n_udp = n_icmp = 0
for i, line in enumerate(open(path, 'rb')):
    try:
        o = json.loads(line.decode('utf-8'))
    except Exception as e:
        bad.append('line %d does not parse: %s' % (i + 1, e)); continue
    ts = o['timestamp' if fields == 'ulogd' else '@timestamp']
    t = datetime.fromisoformat(ts).timestamp()
    if not (t0 - 1 <= t <= t1 + 1):
        bad.append('line %d: time %s outside the run' % (i + 1, ts))
    g = (lambda u, e: o.get(u if fields == 'ulogd' else e))
    want_common = {('ip.saddr.str', 'source.ip'): '10.77.1.2',
                   ('ip.daddr.str', 'destination.ip'): '10.77.2.2',
                   ('oob.in', 'observer.ingress.interface.name'): 'g0',
                   ('oob.out', 'observer.egress.interface.name'): 'g1'}
    for (u, e), w in want_common.items():
        if g(u, e) != w:
            bad.append('line %d: %s=%r, wanted %r' % (i + 1, u, g(u, e), w))
    proto = g('ip.protocol', 'network.iana_number')
    if proto == 17:
        n_udp += 1
        checks = {('udp.sport', 'source.port'): 42001,
                  ('udp.dport', 'destination.port'): 7777,
                  ('oob.prefix', 'event.action'): 'JSON: '}
        if fields == 'ecs':
            checks[('x', 'network.transport')] = 'udp'
    elif proto == 1:
        n_icmp += 1
        checks = {('icmp.type', 'icmp.type'): 8,
                  ('icmp.echoid', 'icmp.echoid'): 42,
                  ('oob.prefix', 'event.action'): 'PING'}
    else:
        bad.append('line %d: protocol %r' % (i + 1, proto)); continue
    for (u, e), w in checks.items():
        if g(u, e) != w:
            bad.append('line %d: %s=%r, wanted %r' % (i + 1, u, g(u, e), w))
    for k, v in o.items():
        if k in ('udp.sport', 'udp.dport', 'ip.protocol', 'source.port', 'destination.port', 'network.iana_number') and not isinstance(v, int):
            bad.append('line %d: %s is not a number' % (i + 1, k))
print('%d %d' % (n_udp, n_icmp))
for b in bad[:10]:
    print('# ' + b)
sys.exit(1 if bad else 0)
PY
}

out=$(check_json "$T/ulogd.json.1" ulogd "$t0" "$t1")
ok $? "ulogd names: every object parses and has the packet's values" ||
	diag "$out"
is "$(head -1 <<<"$out")" "$N $N" "ulogd names: $N UDP and $N ICMP objects"
out=$(check_json "$T/ecs.json" ecs "$t0" "$t1")
ok $? "ECS names: every object parses and has the packet's values" ||
	diag "$out"
is "$(head -1 <<<"$out")" "$((N + 5)) $N" "ECS names: every packet"

done_testing
