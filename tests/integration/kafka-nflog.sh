#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/kafka-nflog.sh - logged packets as Kafka messages
#
# NFLOG -> BASE -> IP2STR -> KAFKA on the lab's gateway, into librdkafka's
# mock cluster run by tests/integration/kafkamock in the gateway namespace
# on 127.0.0.1. UDP datagrams go from the client to the server, each with
# a source port of its own, in three rounds: before, during and after an
# outage of the cluster's broker (kafkamock takes it down on SIGUSR1 and up
# on SIGUSR2). After nfpiped stops, kafkamock reads the topic back: every
# datagram must be there (at least once) with its addresses, ports and
# prefix, keyed "<ip.saddr.str>:<udp.sport>", and the daemon must have
# counted no dropped row.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip nft python3
require_nfpiped
require_kernel_logging
: "${KAFKAMOCK:=$top_builddir/tests/integration/kafkamock}"
[ -x "$KAFKAMOCK" ] || bail_out "no $KAFKAMOCK: run make check"

N=20 # datagrams a round
lab_up

bg_ns "$NS_G" "$KAFKAMOCK" --topic nflog --partitions 2 \
	--addr-file "$T/addr" --lifetime 200 >"$T/mock.out" 2>"$T/mock.err"
MOCK_PID=$BG_PID
wait_for 10 test -s "$T/addr" || {
	diag_file "$T/mock.err"
	bail_out "kafkamock did not start"
}
BROKERS=$(cat "$T/addr")

write_conf kafka <<EOF2
stack=log1:NFLOG,base1:BASE,ip2str1:IP2STR,k1:KAFKA

[log1]
group=1
netlink_qthreshold=1

[k1]
brokers="$BROKERS"
topic="nflog"
key="\${ip.saddr.str}:\${udp.sport}"
batch=5
io_timeout=1s
retry_max=300ms
spool_dir="$T/spool"
EOF2

nfpiped_start kafka
ok $? "nfpiped starts with a KAFKA output" || bail_out "no daemon"
nft_log_hooks 'udp dport 7777 log group 1 prefix "KAFKA: "'

# round FIRST: N datagrams, source ports FIRST .. FIRST+N-1.
round()
{
	local i

	for ((i = 0; i < N; i++)); do
		PSEND_WAIT=5 psend_c udp 10.77.1.2 10.77.2.2 \
			--sport $(($1 + i)) --dport 7777 --count 1
	done
}

round 41000
sleep 1
kill -USR1 "$MOCK_PID"
round 42000
# Longer than io_timeout: batches fail, the sink reconnects and spools.
sleep 2.5
kill -USR2 "$MOCK_PID"
round 43000
sleep 2
kill -USR1 "$NFPIPED_PID" # the counters, into the log
sleep 0.3
nfpiped_stop
is "$?" 0 "nfpiped exits 0 on SIGTERM"

kill -HUP "$MOCK_PID"
wait_for 30 grep -q '^END' "$T/mock.out" ||
	diag "kafkamock did not finish reading the topic"
check "the broker was taken down and brought up" \
	grep -q 'brokers up' "$T/mock.err"

out=$(python3 - "$T/mock.out" "$N" <<'PY'
import json, sys
path, n = sys.argv[1], int(sys.argv[2])
want = set(range(41000, 41000 + n)) | set(range(42000, 42000 + n)) | \
       set(range(43000, 43000 + n))
seen = {}
bad = []
end = None
for line in open(path, encoding='utf-8'):
    line = line.rstrip('\n')
    if line.startswith('END '):
        end = int(line[4:]); continue
    part, off, key, val = line.split('\t', 3)
    try:
        o = json.loads(val)
    except Exception as e:
        bad.append('offset %s does not parse: %s' % (off, e)); continue
    sp = o.get('udp.sport')
    checks = {'ip.saddr.str': '10.77.1.2', 'ip.daddr.str': '10.77.2.2',
              'udp.dport': 7777, 'ip.protocol': 17,
              'oob.prefix': 'KAFKA: ', 'oob.in': None}
    for k, w in checks.items():
        if w is not None and o.get(k) != w:
            bad.append('sport %s: %s=%r, wanted %r' % (sp, k, o.get(k), w))
    if key != '10.77.1.2:%s' % sp:
        bad.append('sport %s: key %r' % (sp, key))
    if sp not in want:
        bad.append('a message for sport %r that was not sent' % sp)
    seen[sp] = seen.get(sp, 0) + 1
missing = sorted(want - set(seen))
dups = sum(c - 1 for c in seen.values())
print('%d %d %d %s' % (len(missing), dups, end if end is not None else -1,
                       missing[:10]))
for b in bad[:10]:
    print('# ' + b)
sys.exit(1 if bad else 0)
PY
)
ok $? "every message parses, with the datagram's addresses, ports, key" ||
	diag "$out"
read -r missing dups total rest <<<"$(head -1 <<<"$out")"
is "$missing" 0 "all $((3 * N)) datagrams arrived, the outage's too $rest"
[ "${total:--1}" -ge $((3 * N)) ]
ok $? "the topic holds $total messages ($dups repeated: at least once)"
ctrs=$(grep '\[k1\] counters:' "$T/kafka.log" | tail -1)
is "$(sed -n 's/.* dropped=\([0-9]*\).*/\1/p' <<<"$ctrs")" 0 \
	"the daemon dropped no row"
is "$(sed -n 's/.* written=\([0-9]*\).*/\1/p' <<<"$ctrs")" $((3 * N)) \
	"its counters: $((3 * N)) rows written"
check "the outage shows in the log: batches spooled, then replayed" \
	grep -q 'connected again' "$T/kafka.log"

kill -TERM "$MOCK_PID"
done_testing
