#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/status.sh - nfpipe status against a running nfpiped
#
# NFLOG -> BASE -> IP2STR -> JSON on the lab's gateway with its control
# socket in the test's directory. Known traffic goes through (N UDP
# datagrams); `nfpipe status` in its three forms must show exactly N
# records at every stage, the NFLOG socket with its portid and no kernel
# drops, and a loss total of 0. Also: the socket is mode 0600; -c finds it
# through control_socket=; -w repeats; `nfpipe reload` refuses a bad config
# with file:line on stderr and exit 1 while the daemon keeps running;
# without a daemon (before start, after stop, control_socket=none) status
# says so in one line and exits 2.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip nft python3
require_nfpiped
require_kernel_logging
NFPIPE=${NFPIPE:-$top_builddir/nfpipe}
[ -x "$NFPIPE" ] || bail_out "no nfpipe at $NFPIPE"

N=50
SOCK=$T/ctl/nfpiped.sock
lab_up

write_conf st <<EOF2
control_socket=$SOCK
stack=log1:NFLOG,base1:BASE,ip2str1:IP2STR,js1:JSON

[log1]
group=1
netlink_qthreshold=1
seq_local=1

[js1]
file="$T/out.json"
EOF2

"$NFPIPE" status -s "$SOCK" >"$T/none.out" 2>"$T/none.err"
is "$?" 2 "no daemon: nfpipe status exits 2"
is "$(wc -l <"$T/none.err")" 1 "no daemon: one line on stderr"
check "no daemon: it says nfpiped is not running" \
	grep -q "^nfpipe status: nfpiped is not running" "$T/none.err"

nfpiped_start st || bail_out "no daemon"
is "$(stat -c %a "$SOCK")" 600 "the control socket is mode 0600"
nft_log_hooks 'udp dport 7777 log group 1 prefix "ST"'
psend_c udp 10.77.1.2 10.77.2.2 --sport 42001 --dport 7777 --count $N
wait_lines "$T/out.json" $N 10
sleep 0.2

"$NFPIPE" status -s "$SOCK" --json >"$T/st.json" 2>"$T/st.err"
is "$?" 0 "status --json exits 0"
out=$(python3 - "$T/st.json" "$N" "$NFPIPED_PID" "$T/st.conf" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
n, pid, conf = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
bad = []
if len(lines) != 1:
    bad.append('%d lines, wanted 1' % len(lines))
s = json.loads(lines[0])
inst = {i['name']: i for i in s['instances']}
want = [('pid', s['pid'], pid), ('config', s['config'], conf),
        ('stacks', s['stacks'], ['log1:NFLOG,base1:BASE,ip2str1:IP2STR,js1:JSON']),
        ('log1 out', inst['log1']['out'], n),
        ('log1 messages', inst['log1']['counters']['messages'], n),
        ('log1 plugin', inst['log1']['plugin'], 'NFLOG'),
        ('base1 in', inst['base1']['in'], n), ('base1 out', inst['base1']['out'], n),
        ('ip2str1 in', inst['ip2str1']['in'], n),
        ('js1 in', inst['js1']['in'], n),
        ('loss', s['loss'], dict(enobufs=0, kernel_drops=0, seq_gaps=0,
              malformed=0, errors=0, sink_rejected=0, sink_dropped=0, lost=0))]
for what, got, w in want:
    if got != w:
        bad.append('%s: %r, wanted %r' % (what, got, w))
nl = [x for x in s['netlink'] if x['instance'] == 'log1']
if len(nl) != 1 or nl[0]['protocol'] != 12 or nl[0]['portid'] == 0:
    bad.append('netlink: %r' % s['netlink'])
if not (s['uptime'] > 0 and s['version']):
    bad.append('uptime/version: %r %r' % (s['uptime'], s['version']))
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY
)
ok $? "status --json: $N records at every stage, the NFLOG socket, nothing lost" ||
	diag "$out"

"$NFPIPE" status -s "$SOCK" >"$T/st.txt" 2>"$T/st.err"
is "$?" 0 "status (text) exits 0"
check "text: log1's row shows $N records out" \
	grep -Eq "^log1 +NFLOG +input +0 +$N " "$T/st.txt"
check "text: js1's row shows $N records in" \
	grep -Eq "^js1 +JSON +output +$N +$N " "$T/st.txt"
check "text: the loss table ends with lost 0" \
	grep -Eq "^  lost +0$" "$T/st.txt"
check "text: the stack is listed" \
	grep -q "^  log1:NFLOG,base1:BASE,ip2str1:IP2STR,js1:JSON$" "$T/st.txt"

"$NFPIPE" status -s "$SOCK" --prometheus >"$T/st.prom" 2>"$T/st.err"
is "$?" 0 "status --prometheus exits 0"
out=$(python3 - "$T/st.prom" "$N" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().split('\n')
n = sys.argv[2]
bad = []
if lines[-2:] != ['# EOF', '']:
    bad.append('does not end with "# EOF"')
typed = {}
samples = {}
name_re = r'[a-zA-Z_:][a-zA-Z0-9_:]*'
for l in lines[:-2]:
    m = re.match(r'^# TYPE (%s) (counter|gauge)$' % name_re, l)
    if m:
        typed[m.group(1)] = m.group(2); continue
    if l.startswith('# HELP '):
        continue
    m = re.match(r'^(%s)(\{(?:[a-z]+="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.]+)$' % name_re, l)
    if not m:
        bad.append('bad line: %r' % l); continue
    fam = m.group(1)
    if fam.endswith('_total'):
        fam = fam[:-6]
        if typed.get(fam) != 'counter':
            bad.append('%s: _total without a counter TYPE' % m.group(1))
    elif fam not in typed:
        bad.append('%s: no TYPE line before it' % fam)
    samples[m.group(1) + (m.group(2) or '')] = m.group(3)
want = {'nfpipe_records_total{instance="log1",plugin="NFLOG",counter="out"}': n,
        'nfpipe_records_total{instance="js1",plugin="JSON",counter="in"}': n,
        'nfpipe_plugin_total{instance="log1",plugin="NFLOG",counter="messages"}': n,
        'nfpipe_lost_total': '0', 'nfpipe_up': '1'}
for k, v in want.items():
    if samples.get(k) != v:
        bad.append('%s = %r, wanted %s' % (k, samples.get(k), v))
for b in bad[:10]:
    print(b)
sys.exit(1 if bad else 0)
PY
)
ok $? "--prometheus: OpenMetrics text with TYPE lines, the counts, # EOF" ||
	diag "$out"

"$NFPIPE" status -c "$T/st.conf" --json >"$T/c.json" 2>"$T/c.err"
is "$?" 0 "-c: the socket comes from control_socket= of the config"

timeout 1.6 "$NFPIPE" status -s "$SOCK" --json -w 0.5 >"$T/w.json" 2>&1
n=$(grep -c '"pid":' "$T/w.json")
check "-w 0.5 repeats (3 or 4 samples in 1.6 s: $n)" test "$n" -ge 3 -a "$n" -le 4

# A refused reload: file:line on stderr, exit 1, the old config runs on.
cp "$T/st.conf" "$T/st.conf.good"
sed -i 's/^group=1$/groupp=1/' "$T/st.conf"
"$NFPIPE" reload -s "$SOCK" >"$T/rl.out" 2>"$T/rl.err"
is "$?" 1 "nfpipe reload of a bad config exits 1"
check "its error names file:line on stderr" \
	grep -q "st.conf:[0-9]*: error: \[log1\] unknown option \"groupp\"" "$T/rl.err"
check "the daemon logged the refusal" grep -q "reload refused" "$T/st.log"
cp "$T/st.conf.good" "$T/st.conf"
psend_c udp 10.77.1.2 10.77.2.2 --sport 42001 --dport 7777 --count 5
wait_lines "$T/out.json" $((N + 5)) 10
is "$(nlines "$T/out.json")" $((N + 5)) "the running config kept logging"
"$NFPIPE" reload -s "$SOCK" >"$T/rl.out" 2>"$T/rl.err"
is "$?" 0 "nfpipe reload of a good config exits 0"
s=$("$NFPIPE" status -s "$SOCK" --json | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["reloads"], [i["out"] for i in s["instances"] if i["name"]=="log1"][0])')
is "$s" "1 $((N + 5))" "one reload counted; log1 kept its counters"

# Loss on purpose: a small socket buffer (a reload restarts log1 with it),
# the daemon stopped while 2000 packets come, then 5 more to show the gap.
sed -i 's/^seq_local=1$/&\nnetlink_socket_buffer_size=64k\nnetlink_socket_buffer_maxsize=64k/' "$T/st.conf"
"$NFPIPE" reload -s "$SOCK" >/dev/null 2>"$T/rl.err"
is "$?" 0 "a reload with a 64 KiB socket buffer"
before=$(nlines "$T/out.json")
kill -STOP "$NFPIPED_PID"
psend_c udp 10.77.1.2 10.77.2.2 --sport 42001 --dport 7777 --count 2000
kill -CONT "$NFPIPED_PID"
sleep 0.5
psend_c udp 10.77.1.2 10.77.2.2 --sport 42001 --dport 7777 --count 5
sleep 0.5
logged=$(($(nlines "$T/out.json") - before))
out=$("$NFPIPE" status -s "$SOCK" --json | python3 -c "import json, sys
s = json.load(sys.stdin)
l = s['loss']
lost = 2005 - $logged
bad = []
if not 0 < lost < 2005: bad.append('lost %d: nothing lost, or everything' % lost)
if l['seq_gaps'] != lost: bad.append('seq_gaps %d, wanted %d' % (l['seq_gaps'], lost))
if l['lost'] != lost: bad.append('lost %d, wanted %d' % (l['lost'], lost))
if not l['kernel_drops'] > 0: bad.append('kernel_drops %d' % l['kernel_drops'])
if not l['enobufs'] > 0: bad.append('enobufs %d' % l['enobufs'])
nl = [x['kernel_drops'] for x in s['netlink'] if x['instance'] == 'log1']
if nl != [l['kernel_drops']]: bad.append('netlink %r' % s['netlink'])
print('\n'.join(bad) or 'lost %d of 2005, kernel drops %d' % (lost, l['kernel_drops']))
sys.exit(1 if bad else 0)")
ok $? "a real loss is accounted: sequence gaps = lost = sent - logged, kernel drops seen" ||
	diag "$out"
diag "$out"

nfpiped_stop
is "$?" 0 "nfpiped exits 0 on SIGTERM"
check "the socket is gone after the stop" test ! -e "$SOCK"
"$NFPIPE" status -s "$SOCK" >/dev/null 2>"$T/gone.err"
is "$?" 2 "after the stop: exit 2"
check "after the stop: one line" test "$(wc -l <"$T/gone.err")" -eq 1

sed 's|^control_socket=.*|control_socket=none|' "$T/st.conf" >"$T/off.conf"
"$NFPIPE" status -c "$T/off.conf" >/dev/null 2>"$T/off.err"
is "$?" 2 "control_socket=none: exit 2"
check "control_socket=none: it says the socket is off" \
	grep -q "control socket is off" "$T/off.err"

done_testing
