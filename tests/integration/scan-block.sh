#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/scan-block.sh - an nmap scan is detected by SCAN and
# the scanner blocked by NFTSET, on the real kernel
#
# The stacks are etc/examples/scan-block.conf's own (its stack= lines),
# with the lab's paths and a 3 s timeout. The gateway logs new and invalid
# packets from the client side in prerouting, then drops `ip saddr
# @scanners` / `ip6 saddr @scanners6`, as the example's comment says.
# The client SYN-scans 100 ports of the server (nmap -sS, at most 200
# packets/s, no retries). Asserted:
#  - SCAN alerts SYN at DL1 and DL2; the DL2 alert (15 packets, min_dl=2)
#    puts the scanner into the set; the delay from the SYN that crossed
#    the threshold (the 15th, timed by tcpdump on the gateway) to the
#    kernel's element event (nft monitor, timed as it arrives) must be
#    within 1 s (the goal is 100 ms; the figure is printed);
#  - the drop rule blocks the scanner's next packets; the element leaves
#    after the timeout and the client passes again;
#  - a scan from an allowed address of the client raises its alert but
#    never enters the set (counted allowed);
#  - an IPv6 scan puts the client's IPv6 address into scanners6.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip nft ping nmap tcpdump python3
require_nfpiped
require_kernel_logging

EXAMPLE=$top_srcdir/etc/examples/scan-block.conf
[ -r "$EXAMPLE" ] || bail_out "no $EXAMPLE"

lab_up
ip -n "$NS_C" addr add 10.77.1.3/24 dev c0
ip -n "$NS_C" addr add fd77:1::3/64 dev c0 nodad
ip -n "$NS_G" neigh replace 10.77.1.3 lladdr $MAC_C0 dev g0 nud permanent
ip -n "$NS_G" neigh replace fd77:1::3 lladdr $MAC_C0 dev g0 nud permanent

nft_gw "table inet filter {
	set scanners { type ipv4_addr; flags timeout; }
	set scanners6 { type ipv6_addr; flags timeout; }
	chain prerouting {
		type filter hook prerouting priority -150; policy accept;
		icmpv6 type { $ND_MLD } accept
		iifname \"g0\" ct state new,invalid log group 1
		ip saddr @scanners drop
		ip6 saddr @scanners6 drop
	}
}"

{
	grep '^stack=' "$EXAMPLE"
	cat <<EOF

[log1]
group=1
netlink_qthreshold=1

[print1]
format=kernel

[emu1]
file="$T/kernel.log"

[block1]
family=inet
table=filter
set=scanners
set6=scanners6
timeout=3s
min_dl=2
allow=10.77.1.3, fd77:1::3

[alerts1]
file="$T/alerts.json"
EOF
} | write_conf sb
grep -q '^stack=scan1:SCAN,block1:NFTSET$' "$T/sb.conf"
ok $? "the example's stacks feed SCAN's alerts to NFTSET" ||
	diag_file "$T/sb.conf"

in_set()
{
	nsx "$NS_G" nft list set inet filter "$1" 2>/dev/null | grep -qw -- "$2"
}

# The kernel's element events, each with the wall-clock time it arrived;
# the script ends itself after 40 s, or on SIGTERM (the cleanup), and
# kills its nft either way.
cat >"$T/mon.py" <<'PY'
import select, signal, subprocess, sys, time
p = subprocess.Popen(["nft", "monitor", "new", "elements"],
                     stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, text=True, bufsize=1)
def bye(*_):
    p.kill()
    sys.exit(0)
signal.signal(signal.SIGTERM, bye)
end = time.time() + float(sys.argv[1])
out = open(sys.argv[2], "w", buffering=1)
out.write("ready\n")
while time.time() < end:
    r, _, _ = select.select([p.stdout], [], [], 0.2)
    if r:
        line = p.stdout.readline()
        if not line:
            break
        out.write("%.6f %s" % (time.time(), line))
p.kill()
p.wait()
PY

nfpiped_start sb || bail_out "nfpiped did not start"
wait_for 5 nflog_bound 1 || bail_out "NFLOG group 1 not bound"
bg_ns "$NS_G" python3 "$T/mon.py" 40 "$T/mon.txt"
bg_ns "$NS_G" tcpdump -i g0 -n -l -tt --time-stamp-precision=micro \
	'src host 10.77.1.2 and tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn' \
	>"$T/syn.txt" 2>"$T/tcpdump.err"
TCPDUMP_PID=$BG_PID
wait_for 5 grep -q "listening on" "$T/tcpdump.err" ||
	bail_out "tcpdump did not start: $(cat "$T/tcpdump.err")"
wait_for 5 grep -qs ready "$T/mon.txt" || bail_out "nft monitor did not start"

nsx "$NS_C" ping -I 10.77.1.2 -c 1 -W 1 -q 10.77.2.2 >/dev/null 2>&1
ok $? "before: the client pings the server"

# The scan: 100 ports, at most 200 SYNs a second, no retries.
timeout 40 ip netns exec "$NS_C" nmap -n -Pn -sS -S 10.77.1.2 -e c0 \
	-p 1-100 --max-rate 200 --max-retries 0 --host-timeout 20s \
	10.77.2.2 >"$T/nmap.out" 2>&1
ok $? "nmap -sS of 100 ports ran" || diag_file "$T/nmap.out"
t_scan_end=$(date +%s%N)

wait_for 2 in_set scanners 10.77.1.2
ok $? "the scanner 10.77.1.2 is in the set" ||
	diag "$(nsx "$NS_G" nft list set inet filter scanners)"
nsx "$NS_C" ping -I 10.77.1.2 -c 1 -W 1 -q 10.77.2.2 >/dev/null 2>&1
ok $((!$?)) "the drop rule blocks the scanner's next packets"

# The alerts as "address type dl packets" lines.
alerts()
{
	python3 - "$T/alerts.json" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    print(o.get("ip.saddr.str"), o.get("scan.type"), o.get("scan.dl"),
          o.get("scan.packets"))
PY
}

wait_lines "$T/alerts.json" 2 5
alerts=$(alerts)
grep -q "^10.77.1.2 SYN 1 " <<<"$alerts" &&
	grep -q "^10.77.1.2 SYN 2 15$" <<<"$alerts"
ok $? "SCAN alerted SYN at DL1 and at DL2 (15 packets)" || diag "$alerts"

# The delay: the 15th SYN (the one that made DL2) to the element event.
t_cross=$(awk 'NR == 15 { print $1 }' "$T/syn.txt")
t_elem=$(grep -m1 'scanners .*10\.77\.1\.2' "$T/mon.txt" | awk '{ print $1 }')
delay=$(awk -v a="$t_cross" -v b="$t_elem" \
	'BEGIN { if (a == "" || b == "") print -1;
		 else printf "%.1f", (b - a) * 1000 }')
awk -v d="$delay" 'BEGIN { exit !(d >= 0 && d <= 1000) }'
ok $? "in the set within 1 s of the SYN that crossed DL2 (${delay} ms)" ||
	{ diag_file "$T/mon.txt"; diag "15th SYN: $t_cross"; }
awk -v d="$delay" 'BEGIN { exit !(d >= 0 && d <= 100) }' &&
	goal="met" || goal="MISSED"
diag "threshold packet -> element in the kernel set: ${delay} ms (goal 100 ms: $goal); $(uptime)"
echo "$delay" >"$T/delay"
[ -n "${SCAN_BLOCK_DELAY_FILE:-}" ] && echo "$delay" >>"$SCAN_BLOCK_DELAY_FILE"

# Gone after the timeout (3 s after its last renewal), then it passes.
n=0
while in_set scanners 10.77.1.2 && [ $n -lt 800 ]; do
	sleep 0.01
	n=$((n + 1))
done
in_set scanners 10.77.1.2
ok $((!$?)) "the element is gone after the timeout ($(( ($(date +%s%N) - t_scan_end) / 1000000 )) ms after the scan)"
nsx "$NS_C" ping -I 10.77.1.2 -c 1 -W 1 -q 10.77.2.2 >/dev/null 2>&1
ok $? "after: the client pings the server again"

# A scan from an allowed address: alerted, never blocked.
timeout 40 ip netns exec "$NS_C" nmap -n -Pn -sS -S 10.77.1.3 -e c0 \
	-p 1-40 --max-rate 200 --max-retries 0 --host-timeout 20s \
	10.77.2.2 >"$T/nmap2.out" 2>&1
ok $? "nmap from the allowed 10.77.1.3 ran" || diag_file "$T/nmap2.out"
allowed_alert()
{
	alerts | grep -q '^10.77.1.3 SYN 2 '
}
wait_for 3 allowed_alert
ok $? "SCAN alerted the allowed scanner at DL2" || diag "$(alerts)"
sleep 0.2
in_set scanners 10.77.1.3
ok $((!$?)) "the allowed scanner is not in the set"
nsx "$NS_C" ping -I 10.77.1.3 -c 1 -W 1 -q 10.77.2.2 >/dev/null 2>&1
ok $? "and passes"

# IPv6.
timeout 40 ip netns exec "$NS_C" nmap -6 -n -Pn -sS -S fd77:1::2 -e c0 \
	-p 1-40 --max-rate 200 --max-retries 0 --host-timeout 20s \
	fd77:2::2 >"$T/nmap6.out" 2>&1
ok $? "nmap -6 -sS of 40 ports ran" || diag_file "$T/nmap6.out"
wait_for 2 in_set scanners6 fd77:1::2
ok $? "the IPv6 scanner is in scanners6"
nsx "$NS_C" ping -6 -I fd77:1::2 -c 1 -W 1 -q fd77:2::2 >/dev/null 2>&1
ok $((!$?)) "the drop rule blocks the IPv6 scanner"

kill -USR1 "$NFPIPED_PID"
wait_for 5 grep -q '\[block1\] counters:' "$T/sb.log"
ctrs=$(grep '\[block1\] counters:' "$T/sb.log" | tail -1)
added=$(sed -n 's/.* added=\([0-9]*\).*/\1/p' <<<"$ctrs")
allowed=$(sed -n 's/.* allowed=\([0-9]*\).*/\1/p' <<<"$ctrs")
errors=$(sed -n 's/.* errors=\([0-9]*\).*/\1/p' <<<"$ctrs")
is "$added" 2 "counters: added=2 (the IPv4 and the IPv6 scanner)" ||
	diag "$ctrs"
[ "${allowed:-0}" -ge 1 ]
ok $? "counters: allowed counts the allowed scanner's alerts ($allowed)"
is "$errors" 0 "counters: errors=0"

kill "$TCPDUMP_PID" 2>/dev/null
nfpiped_stop
is "$?" 0 "nfpiped exits 0 on SIGTERM"
done_testing
