#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/printpkt-ulogd.sh - PRINTPKT format=ulogd against golden
# lines and against ulogd2 itself
#
# The gateway logs each packet to NFLOG group 1 (nfpiped: NFLOG, BASE,
# IFINDEX, IP2STR, PRINTPKT format=ulogd, LOGEMU framing=none) and group 2
# (Debian's /usr/sbin/ulogd with the same stack of its own plugins).
#
#  1. nfpiped's lines for traffic_exact, with what the lab's kernels choose
#     normalised (see golden/printpkt-ulogd.txt), must equal the golden
#     lines exactly, in order.
#  2. All of nfpiped's lines (live traffic included) must equal ulogd2's,
#     in order, once both are put in a canonical form that removes only
#     the deliberate differences of plugins/filter/printpkt/README.md:
#       - ICMP extras: ulogd2 keyed them by code, nfpipe by type. Outside
#         echo/echo reply, ulogd2's ID=/SEQ= and nfpipe's MTU=,
#         PARAMETER=, GATEWAY= are dropped on both sides;
#       - ESP/AH: ulogd2's INCOMPLETE and nfpipe's SPI=0x... become SPI=*;
#       - a fragment after the first: the transport fields ulogd2 decoded
#         from an IPv4 fragment's payload, and its INCOMPLETE for an IPv6
#         one, are dropped;
#       - ulogd2's INCOMPLETE glued to the next field gets its space.
#     Everything else (field order, spelling, MAC=, UID=/GID=, MARK=) must
#     be the same.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/traffic.sh"

ULOGD=${ULOGD:-/usr/sbin/ulogd}
ULOGD_PLUGINS=${ULOGD_PLUGINS:-/usr/lib/x86_64-linux-gnu/ulogd}
GOLDEN=$NFPT_SRC/golden/printpkt-ulogd.txt

require_root
require_cmd ip nft ping nc ss awk
require_nfpiped
require_kernel_logging
[ -x "$ULOGD" ] && [ -e "$ULOGD_PLUGINS/ulogd_output_LOGEMU.so" ] ||
	bail_out "ulogd2 not installed ($ULOGD): apt-get install ulogd2 (scripts/deps)"

LAB_MTU=1280
lab_up

write_conf u <<EOF
stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,print1:PRINTPKT,emu1:LOGEMU

[log1]
group=1
netlink_qthreshold=1

[print1]
format=ulogd

[emu1]
file="$T/nfpiped.txt"
framing=none
EOF

cat >"$T/ulogd.conf" <<EOF
[global]
logfile="$T/ulogd.log"
loglevel=3
plugin="$ULOGD_PLUGINS/ulogd_inppkt_NFLOG.so"
plugin="$ULOGD_PLUGINS/ulogd_raw2packet_BASE.so"
plugin="$ULOGD_PLUGINS/ulogd_filter_IFINDEX.so"
plugin="$ULOGD_PLUGINS/ulogd_filter_IP2STR.so"
plugin="$ULOGD_PLUGINS/ulogd_filter_PRINTPKT.so"
plugin="$ULOGD_PLUGINS/ulogd_output_LOGEMU.so"
stack=log2:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,print1:PRINTPKT,emu1:LOGEMU

[log2]
group=2
netlink_qthreshold=1

[emu1]
file="$T/ulogd-emu.txt"
sync=1
EOF

nfpiped_start u
ok $? "nfpiped starts"
kill -0 "$NFPIPED_PID" 2>/dev/null || bail_out "nfpiped is not running"
bg_ns "$NS_G" "$ULOGD" -c "$T/ulogd.conf" >"$T/ulogd.out" 2>&1
ULOGD_PID=$BG_PID
wait_for 10 nflog_bound 2
ok $? "ulogd2 listens on group 2" || diag_file "$T/ulogd.log"

# ulogd2 puts a space after the prefix itself, and so does this layout.
nft_log_hooks 'log group 1 prefix "NFPT-@HOOK@"
		log group 2 prefix "NFPT-@HOOK@"'

traffic_exact
traffic_marker
traffic_live

_same_count()
{
	[ "$(nlines "$T/nfpiped.txt")" -ge "$(nlines "$T/ulogd-emu.txt")" ]
}
wait_for 5 _same_count
nfpiped_stop
is "$?" 0 "nfpiped exits 0 on SIGTERM"
nfpiped_stop "$ULOGD_PID"

# --- 1. golden lines --------------------------------------------------------
# What the lab's kernels choose, as in the golden file's header.
normalise()
{
	sed -E '/ SRC=(10\.77\.2\.2|10\.77\.1\.1) /s/(TTL=[0-9]+ ID=)[0-9]+/\1*/
		/ SRC=fd77:2::2 /s/ID: [0-9a-f]{8}/ID: */'
}
awk '/ SPT=9999 DPT=9999 / { exit } { print }' "$T/nfpiped.txt" |
	normalise >"$T/exact.txt"
grep -v '^#' "$GOLDEN" >"$T/golden.txt"
is "$(nlines "$T/exact.txt")" "$(nlines "$T/golden.txt")" \
	"golden: as many lines as expected before the marker"
if diff -u --label golden --label nfpiped "$T/golden.txt" "$T/exact.txt" \
	>"$T/golden.diff"; then
	ok 0 "golden: nfpiped's ulogd-format lines are the expected ones"
else
	ok 1 "golden: nfpiped's ulogd-format lines are the expected ones"
	diag_file "$T/golden.diff" 80
fi

# --- 2. ulogd2 itself ------------------------------------------------------
# Its LOGEMU frames lines "Mon dd hh:mm:ss host ".
sed -E 's/^[A-Z][a-z]{2} +[0-9]+ [0-9:]{8} [^ ]+ //' "$T/ulogd-emu.txt" \
	>"$T/ulogd.txt"
is "$(nlines "$T/nfpiped.txt")" "$(nlines "$T/ulogd.txt")" \
	"ulogd2: both logged the same number of packets"

# The canonical form described at the top; $1 says whose line it is
# (perl: Debian always has it, and mawk lacks back-references).
canonical()
{
	if [ "$1" = ulogd ]; then
		perl -pe '
			s/INCOMPLETE(?=\S)/INCOMPLETE /g;
			s/PROTO=(ESP|AH) INCOMPLETE /PROTO=$1 SPI=* /;
			s/(PROTO=ICMP TYPE=(?![08] )\d+ CODE=\d+ )ID=\d+ SEQ=\d+ /$1/;
			s/( FRAG:\d+ PROTO=\w+ ).*?(?=(UID|GID|MARK)=|$)/$1/;
			s/( FRAG: [1-9]\d* ID: [0-9a-f]+ PROTO=\w+ )INCOMPLETE /$1/;'
	else
		perl -pe '
			s/PROTO=(ESP|AH) SPI=0x[0-9a-f]+ /PROTO=$1 SPI=* /;
			s/(PROTO=ICMP TYPE=\d+ CODE=\d+ )(MTU|PARAMETER|GATEWAY)=\S+ /$1/;'
	fi
}
canonical ulogd <"$T/ulogd.txt" >"$T/ulogd.canon"
canonical nfpipe <"$T/nfpiped.txt" >"$T/nfpiped.canon"
if diff -u --label ulogd2 --label nfpiped "$T/ulogd.canon" "$T/nfpiped.canon" \
	>"$T/ulogd.diff"; then
	ok 0 "ulogd2: same lines as ulogd2 outside the documented fixes"
else
	ok 1 "ulogd2: same lines as ulogd2 outside the documented fixes"
	diag "canonical forms (ulogd2, then nfpiped):"
	diag_file "$T/ulogd.diff" 80
fi

done_testing
