#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/logemu-psad.sh - psad 2.4.6 reads LOGEMU's framing=kernel
# file of PRINTPKT format=kernel lines as it reads the kernel's own log
#
# Real nmap scans cross the lab's gateway; the gateway logs what conntrack
# finds new or invalid to NFLOG (prefix "SCAN-IN ", or "IGNORED " for one
# source), and nfpiped writes the same PRINTPKT format=kernel lines through
# two LOGEMU instances: framing=kernel ("Mon dd hh:mm:ss host kernel: ",
# what syslog writes for the kernel's LOG lines) and framing=ulogd (ulogd2's
# frame, no "kernel:" tag). psad runs in its analysis mode (-A -m FILE)
# with a config in the test's directory: no daemon, no network, no
# firewall changes.
#  - On the framing=kernel file psad finds each scanner with the scan's
#    TCP flags (SYN, FIN, NULL, XMAS), the UDP scan, the IPv6 scanner, and
#    the scanned port range, at the danger level the packet counts give;
#  - IGNORE_LOG_PREFIXES is honoured there: the source logged with prefix
#    "IGNORED " is not reported;
#  - on the framing=ulogd file the same setting matches nothing: the
#    ignored source is reported (psad takes the prefix only after
#    "kernel:"), which is why framing=kernel exists.
# Runs in about 20 s.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip nft nmap psad perl
require_nfpiped
require_kernel_logging

lab_up
for i in 11 12 13 14 15 16; do
	ip -n "$NS_C" addr add 10.77.1.$i/24 dev c0
done
ip -n "$NS_C" addr add fd77:1::11/64 dev c0 nodad

nft_gw "table inet nfpt {
	chain c_fwd {
		type filter hook forward priority 0; policy accept;
		iifname \"g0\" ip saddr 10.77.1.16 ct state new,invalid log group 1 prefix \"IGNORED \" accept
		iifname \"g0\" ct state new,invalid log group 1 prefix \"SCAN-IN \"
	}
}"

write_conf psad <<EOF
stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,print1:PRINTPKT,emuk:LOGEMU
stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,print1:PRINTPKT,emuu:LOGEMU
stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,print2:PRINTPKT,emuo:LOGEMU

[log1]
group=1
netlink_qthreshold=1

[print1]
format=kernel

[emuk]
file="$T/kernel.log"
framing=kernel

[emuu]
file="$T/ulogd.log"
framing=ulogd

[print2]
format=ulogd

[emuo]
file="$T/layout-ulogd.log"
framing=kernel
EOF

nfpiped_start psad
ok $? "nfpiped starts with two LOGEMU framings"
kill -0 "$NFPIPED_PID" 2>/dev/null || bail_out "nfpiped is not running"

NMAP="nmap -n -Pn -T4 --max-rate 1000 --max-retries 1 -e c0"
nsx "$NS_C" $NMAP -S 10.77.1.11 -sS -p 1-40 10.77.2.2 >/dev/null 2>&1
nsx "$NS_C" $NMAP -S 10.77.1.12 -sF -p 1-40 10.77.2.2 >/dev/null 2>&1
nsx "$NS_C" $NMAP -S 10.77.1.13 -sN -p 1-40 10.77.2.2 >/dev/null 2>&1
nsx "$NS_C" $NMAP -S 10.77.1.14 -sX -p 1-40 10.77.2.2 >/dev/null 2>&1
nsx "$NS_C" $NMAP -S 10.77.1.15 -sU -p 1-40 10.77.2.2 >/dev/null 2>&1
nsx "$NS_C" $NMAP -S 10.77.1.16 -sS -p 1-40 10.77.2.2 >/dev/null 2>&1
nsx "$NS_C" $NMAP -6 -S fd77:1::11 -sS -p 1-40 fd77:2::2 >/dev/null 2>&1
sleep 0.5
nfpiped_stop
is "$?" 0 "SIGTERM: nfpiped exits 0"

n=$(nlines "$T/kernel.log")
[ "$n" -ge 250 ]
ok $? "$n lines logged"
host=$(hostname -s)
is "$(grep -cv "^[A-Z][a-z][a-z] [ 1-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-6][0-9] $host kernel: \(SCAN-IN\|IGNORED\) IN=g0 OUT=g1 " "$T/kernel.log")" 0 \
	"framing=kernel: every line is 'Mon dd hh:mm:ss $host kernel: PREFIX IN=...'"

# psad's own directories and config, in $T; nothing of the system's is
# written. Lookups, mail, syslog and firewall checks are off.
P=$T/psad
mkdir -p "$P/log" "$P/run" "$P/fifo" "$P/etc"
cp -r /etc/psad/. "$P/etc/"
psad_conf()
{
	sed -e "s|^HOSTNAME .*|HOSTNAME $host;|" \
		-e "s|^PSAD_DIR .*|PSAD_DIR $P/log;|" \
		-e "s|^PSAD_RUN_DIR .*|PSAD_RUN_DIR $P/run;|" \
		-e "s|^PSAD_FIFO_DIR .*|PSAD_FIFO_DIR $P/fifo;|" \
		-e "s|^PSAD_CONF_DIR .*|PSAD_CONF_DIR $P/etc;|" \
		-e "s|^IPT_SYSLOG_FILE .*|IPT_SYSLOG_FILE $1;|" \
		-e "s|^IGNORE_LOG_PREFIXES .*|IGNORE_LOG_PREFIXES IGNORED;|" \
		-e "s|^ENABLE_WHOIS_LOOKUPS .*|ENABLE_WHOIS_LOOKUPS N;|" \
		-e "s|^ENABLE_DNS_LOOKUPS .*|ENABLE_DNS_LOOKUPS N;|" \
		-e "s|^ENABLE_FW_LOGGING_CHECK .*|ENABLE_FW_LOGGING_CHECK N;|" \
		-e "s|^AUTO_DETECT_JOURNALCTL .*|AUTO_DETECT_JOURNALCTL N;|" \
		-e "s|^ALERTING_METHODS .*|ALERTING_METHODS noemail,nosyslog;|" \
		-e "s|^EMAIL_ADDRESSES .*|EMAIL_ADDRESSES root@localhost;|" \
		"$P/etc/psad.conf" >"$P/psad-$2.conf"
}

# psad_run NAME FILE: psad -A on FILE; its output in $P/NAME.out.
psad_run()
{
	psad_conf "$2" "$1"
	timeout 60 psad -c "$P/psad-$1.conf" -A -m "$2" --no-whois \
		--no-rdns >"$P/$1.out" 2>&1
}

psad_run kernel "$T/kernel.log"
ok $? "psad -A runs on the framing=kernel file" || diag_file "$P/kernel.out" 30
out=$P/kernel.out

# The lines of psad's "IP Status Detail" block of source $1.
detail()
{
	awk -v s="SRC:  $1" 'index($0, "SRC:  ") == 1 {
			c = substr($0, length(s) + 1, 1)
			on = index($0, s) == 1 && (c == "," || c == " ") }
		/Total scan sources/ { on = 0 } on' "$2"
}

is "$(grep -c '^SRC:  ' "$out")" 6 "psad: six scanners" ||
	diag_file "$out" 80
for src in 10.77.1.11 10.77.1.12 10.77.1.13 10.77.1.14 \
	fd77:0001:0000:0000:0000:0000:0000:0011; do
	detail "$src" "$out" | grep -q 'Scanned ports: TCP 1-40, Pkts: 4[0-9], Chain: FORWARD, Intf: g0'
	ok $? "psad: $src scanned TCP ports 1-40 through g0"
done
detail 10.77.1.15 "$out" | grep -q 'Scanned ports: UDP 1-40, Pkts: 4[0-9]'
ok $? "psad: 10.77.1.15 scanned UDP ports 1-40"
is "$(grep -c '^SRC:  .*, DL: 2, ' "$out")" 6 \
	"psad: 40-odd packets each are danger level 2"
detail 10.77.1.12 "$out" | grep -q 'Signature match: "SCAN FIN"'
ok $? "psad: the FIN scan's signature"
detail 10.77.1.14 "$out" | grep -q 'Signature match: "SCAN nmap XMAS"'
ok $? "psad: the XMAS scan's signature"
detail 10.77.1.14 "$out" | grep -q 'URG PSH FIN'
ok $? "psad: the XMAS scan's flags"
grep -q '"SCAN-IN": 2[0-9][0-9]$' "$out"
ok $? "psad reads the log prefix: $(grep -o '"SCAN-IN": [0-9]*' "$out")"
grep -q '10\.77\.1\.16' "$out"
ok $((!$?)) "IGNORE_LOG_PREFIXES honoured: 10.77.1.16 (prefix IGNORED) not reported"

# ulogd2's frame: no "kernel:" tag, so psad sees no prefix and cannot
# ignore by it.
psad_run ulogd "$T/ulogd.log"
ok $? "psad -A runs on the framing=ulogd file"
grep -q '^SRC:  10\.77\.1\.16,' "$P/ulogd.out"
ok $? "framing=ulogd: IGNORE_LOG_PREFIXES cannot match, 10.77.1.16 reported"

# PRINTPKT's ulogd layout, in the kernel frame: psad loses the NULL scan
# and the IPv6 lines, as on ulogd2's own files (the README says so).
psad_run layout "$T/layout-ulogd.log"
ok $? "psad -A runs on PRINTPKT format=ulogd lines"
grep -q '^SRC:  10\.77\.1\.11,' "$P/layout.out"
ok $? "format=ulogd: psad still finds the SYN scan"
grep -q '^SRC:  10\.77\.1\.13,' "$P/layout.out"
ok $((!$?)) "format=ulogd: psad loses the NULL scan (documented)"
grep -q '^SRC:  fd77' "$P/layout.out"
ok $((!$?)) "format=ulogd: psad loses the IPv6 scan (documented)"

done_testing
