#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/nfct-attrs.sh - NFCT's GRE, SCTP, label and zone keys
# on the real kernel, against conntrack's own view
#
# The gateway routes (no NAT, which would rewrite PPTP call IDs) between
# client and server and tracks: a PPTP call (the kernel's pptp helper
# learns the call IDs from the control connection, so the GREv1 flow that
# follows is tracked with its keys), a GREv0 flow (keys 0), two SCTP
# associations (one left established, one shut down), UDP flows put in
# zones by nft (`ct zone set`, `ct original zone set`, `ct reply zone set`
# at raw priority), one labelled by name (`ct label set`) and a TCP
# connection through SYNPROXY (nft `synproxy`). The kernel
# has no SCTP and no GRE endpoint: nfct-craft.py makes the packets with
# raw sockets, checksums included.
#
# Three NFCT instances in one nfpiped: events without the table (every
# NEW, UPDATE and DESTROY, JSON; labels named from connlabel_file) also
# through PRINTFLOW's conntrackd layout; polling (dumps, JSON and the
# conntrackd layout, no label file); events with the table (DESTROY
# records, JSON). `conntrack -E`
# and `conntrack -L` (-o extended,labels,id) are the reference: every
# value nfpipe gives must be conntrack's, and be what was sent. conntrack
# prints no SCTP vtag and nothing of SYNPROXY: those are compared with the
# packets (the tags sent; tcpdump on the gateway for SYNPROXY's ISN and
# timestamps).
#
# Label names: nft reads them from /etc/connlabel.conf, conntrack from
# /etc/xtables/connlabel.conf (fixed paths, no option). Neither file is
# made on the machine: the commands that need them run in a private mount
# namespace in which an overlay on /etc adds the two files.

. "$(dirname "$0")/lib.sh"
. "$NFPT_SRC/nfct-lib.sh"

require_root
require_nfpiped
need_cmd conntrack conntrack
need_cmd nft nftables
need_cmd python3 python3
need_cmd unshare util-linux
need_cmd ping iputils-ping
need_cmd tcpdump tcpdump

CRAFT=$NFPT_SRC/nfct-craft.py
# PPTP call IDs: the PNS (client) and the PAC (server); a GREv0 key.
PNS_CALL=0x1234
PAC_CALL=0x5678
GRE0_KEY=0xabcdef
# SCTP initiate tags, client and server, of the two associations.
CTAG1=0x11111111
STAG1=0x22222222
CTAG2=0x33333333
STAG2=0x44444444
# UDP ports: zones 7 (both directions), 8 (original), 9 (reply); labels.
P_ZONE=7007
P_ZORIG=7008
P_ZREPLY=7009
P_LABEL=7100
# TCP port behind SYNPROXY, and SYNPROXY's options.
P_SYNPROXY=8081
SP_OPTS="mss 1460 wscale 7 timestamp sack-perm"

# --- /etc seen through an overlay, for nft and conntrack only ---------

[ -e /etc/connlabel.conf ] && had_nft_labels=1 || had_nft_labels=0
[ -e /etc/xtables/connlabel.conf ] && had_ct_labels=1 || had_ct_labels=0
mkdir -p "$T/etc/xtables" "$T/ovl"
# nft's names; conntrack's names every bit (it prints no unnamed bit);
# NFCT's leaves bits 7 (below its highest name: the library says "") and
# 33 (above it: the library says NULL) unnamed. libnetfilter_conntrack's
# map takes only names of letters, digits, '-' and spaces.
printf '5 nfptblue\n12 nfptred\n' >"$T/etc/connlabel.conf"
printf '5 nfptblue\n7 bit7\n12 nfptred\n33 bit33\n' \
	>"$T/etc/xtables/connlabel.conf"
printf '# nfct-attrs.sh\n5 nfptblue\n12 nfptred\n' >"$T/connlabel.conf"
# "${WITH_ETC[@]}" CMD...: CMD with that /etc. An array, not a function,
# so that `"${WITH_ETC[@]}" ... &` leaves the command's own PID in $!.
WITH_ETC=(unshare -m --propagation private sh -c '
	mount -t tmpfs nfpt "$0" && mkdir "$0/up" "$0/work" &&
	cp -R "$1/." "$0/up/" &&
	mount -t overlay nfpt \
		-o "lowerdir=/etc,upperdir=$0/up,workdir=$0/work" /etc &&
	shift && exec "$@"' "$T/ovl" "$T/etc")
"${WITH_ETC[@]}" test -s /etc/xtables/connlabel.conf ||
	bail_out "cannot put connlabel.conf on an overlay of /etc"

lab_up
cat >"$T/rules.nft" <<EOF
table ip nfpt {
	ct helper pptp-std {
		type "pptp" protocol tcp
	}
	chain rawpre {
		type filter hook prerouting priority raw; policy accept;
		udp dport $P_ZONE ct zone set 7
		udp sport $P_ZONE ct zone set 7
		udp dport $P_ZORIG ct original zone set 8
		udp dport $P_ZREPLY ct reply zone set 9
		udp sport $P_ZREPLY ct reply zone set 9
		tcp dport $P_SYNPROXY tcp flags syn notrack
	}
	chain forw {
		type filter hook forward priority filter; policy accept;
		tcp dport 1723 ct helper set "pptp-std"
		udp dport $P_LABEL ct label set nfptblue ct label set 7 \
			ct label set nfptred ct label set 33
		tcp dport $P_SYNPROXY ct state invalid,untracked synproxy $SP_OPTS
		tcp dport $P_SYNPROXY ct state invalid drop
		ct state new counter
	}
}
EOF
if ! "${WITH_ETC[@]}" ip netns exec "$NS_G" nft -f "$T/rules.nft" \
	2>"$T/nft.err"; then
	diag_file "$T/nft.err"
	bail_out "nft refused the ruleset"
fi
# SYNPROXY needs the client's third packet to be invalid to conntrack.
nsx "$NS_G" sysctl -qw net.netfilter.nf_conntrack_tcp_loose=0

write_conf ct <<EOF
stack=ev:NFCT,jev:JSON
stack=ev:NFCT,ctd:PRINTFLOW,emu:LOGEMU
stack=pl:NFCT,jpl:JSON
stack=pl:NFCT,ctd2:PRINTFLOW,emu2:LOGEMU
stack=tb:NFCT,jtb:JSON
[ev]
hash_enable=0
event_mask=0x7
connlabel_file="$T/connlabel.conf"
[jev]
file="$T/ev.json"
[ctd]
format=conntrackd
[emu]
file="$T/ctd.log"
framing=none
[pl]
connlabel_file="$T/no-such-connlabel.conf"
pollinterval=500ms
event_mask=0x2
[ctd2]
format=conntrackd
[emu2]
file="$T/ctd2.log"
framing=none
[jpl]
file="$T/poll.json"
[tb]
connlabel_file="$T/connlabel.conf"
[jtb]
file="$T/table.json"
EOF

# --- reading the results ----------------------------------------------

# js FILE KEYS [KEY=VALUE...]: KEYS (comma-separated) of every JSON record
# of FILE holding every KEY=VALUE, a line a record, values space-separated,
# '-' for a key the record lacks.
cat >"$T/js.py" <<'EOF'
import json
import sys

def text(v):
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)

keys = sys.argv[2].split(",")
want = [c.split("=", 1) for c in sys.argv[3:]]
for line in open(sys.argv[1]):
    try:
        r = json.loads(line)
    except ValueError:
        print("not-json")
        continue
    if all(text(r.get(k)) == v for k, v in want):
        print(" ".join(text(r.get(k)) for k in keys))
EOF
js()
{
	python3 "$T/js.py" "$@" 2>/dev/null
}

# ct_id FILE ERE: the conntrack id of the first line of FILE matching ERE.
ct_id()
{
	grep -E -- "$2" "$1" | head -1 | sed -n 's/.* id=\([0-9]*\).*/\1/p'
}

# ct_of FILE ID: the lines of FILE for the entry with that id.
ct_of()
{
	grep -E -- " id=$2( |$)" "$1"
}

# ct_states: the state word (before the first src=) of each line on stdin.
ct_states()
{
	awk '{ for (i = 2; i <= NF; i++)
		if ($i ~ /^src=/) { print $(i - 1); break } }' | words
}

# words: the lines of stdin as one line, space-separated.
words()
{
	tr '\n' ' ' | sed 's/ $//'
}

# ct_val LINE KEY N: the N-th KEY=value of a conntrack line (ct_nth).
ct_val()
{
	ct_nth "$1" "$2" "$3"
}

# ct_proto LINE: the protocol name of a conntrack -L line.
ct_proto()
{
	printf '%s\n' "$1" | awk '{ print $3 }'
}

# ct_labels LINE: the labels= value of a conntrack line.
ct_labels()
{
	printf '%s\n' "$1" | sed -n 's/.* labels=\([^ ]*\).*/\1/p'
}

# Decimal of conntrack's hex keys; '-' stays.
dec()
{
	local v

	for v in "$@"; do
		if [ "$v" = - ] || [ -z "$v" ]; then
			printf '%s ' -
		else
			printf '%d ' "$v"
		fi
	done | sed 's/ $//'
}

# Zone keys absent count as zone 0.
zero()
{
	sed 's/-/0/g'
}

# --- the traffic -------------------------------------------------------

"${WITH_ETC[@]}" ip netns exec "$NS_G" conntrack -E -o extended,labels,id \
	>"$T/ct.txt" 2>"$T/conntrack.err" &
CT_PID=$!
NFPT_PIDS="$NFPT_PIDS $CT_PID"
nfpiped_start ct || bail_out "nfpiped did not start"
# The SYNs and SYN-ACKs on both sides of the gateway, for SYNPROXY's values.
bg_ns "$NS_G" tcpdump -i any -nn -S -l \
	"tcp port $P_SYNPROXY and tcp[tcpflags] & tcp-syn != 0" \
	>"$T/syn.txt" 2>"$T/tcpdump.err"
wait_for 5 grep -q 'listening on' "$T/tcpdump.err" ||
	bail_out "tcpdump did not start: $(head -1 "$T/tcpdump.err")"
sleep 0.3

check "traffic: PPTP call, GREv1, GREv0, SCTP, UDP, TCP through SYNPROXY" \
	nsx "$NS_C" timeout 20 python3 "$CRAFT" "$NS_C" "$NS_S" \
	10.77.1.2 10.77.2.2 "pptp:$PNS_CALL:$PAC_CALL" "grev0:$GRE0_KEY" \
	"sctp:5001:6001:$CTAG1:$STAG1:established" \
	"sctp:5002:6002:$CTAG2:$STAG2:closed" sctpbad:5003:6003 \
	"udp:$P_ZONE" "udp:$P_ZORIG" "udp:$P_ZREPLY" "udp:$P_LABEL" \
	"tcp:$P_SYNPROXY"

# The flows, by conntrack's ids.
sleep 0.3
GRE1=$(ct_id "$T/ct.txt" "gre +47 .* srckey=$PNS_CALL dstkey=$PAC_CALL ")
GRE0=$(ct_id "$T/ct.txt" "gre +47 .* srckey=0x0 dstkey=0x0 ")
PPTP=$(ct_id "$T/ct.txt" "tcp +6 .* dport=1723 ")
SCTP1=$(ct_id "$T/ct.txt" "sctp +132 .* sport=5001 dport=6001 ")
SCTP2=$(ct_id "$T/ct.txt" "sctp +132 .* sport=5002 dport=6002 ")
ZONE=$(ct_id "$T/ct.txt" "udp +17 .* dport=$P_ZONE ")
ZORIG=$(ct_id "$T/ct.txt" "udp +17 .* dport=$P_ZORIG ")
ZREPLY=$(ct_id "$T/ct.txt" "udp +17 .* dport=$P_ZREPLY ")
LABEL=$(ct_id "$T/ct.txt" "udp +17 .* dport=$P_LABEL ")
SYNP=$(ct_id "$T/ct.txt" "tcp +6 .* dport=$P_SYNPROXY ")
is "$(for i in "$GRE1" "$GRE0" "$PPTP" "$SCTP1" "$SCTP2" "$ZONE" "$ZORIG" \
	"$ZREPLY" "$LABEL" "$SYNP"; do [ -n "$i" ] && echo y; done | wc -l)" 10 \
	"conntrack -E saw all ten connections"

# A dump after the last flow (SYNPROXY's): the polling instance has seen
# every flow as it is now; conntrack -L right after is the kernel's view
# to compare.
wait_for 5 eval '[ -n "$(js "$T/poll.json" ct.id ct.id=$SYNP)" ]'
"${WITH_ETC[@]}" ip netns exec "$NS_G" conntrack -L -o extended,labels,id \
	>"$T/list.txt" 2>/dev/null
# Two more dumps (ten lines each), so that one began after that listing.
n0=$(nlines "$T/ctd2.log")
wait_lines "$T/ctd2.log" $((n0 + 20)) 5

# Every entry ends now, with a DESTROY event each. A flush, not -D: -D
# deletes entry by entry and stops at the first it cannot find (the GRE
# entry the PPTP helper removes with its master).
nsx "$NS_G" conntrack -F >/dev/null 2>&1
wait_for 5 eval '[ "$(grep -c "\[DESTROY\]" "$T/ct.txt")" -ge 10 ]'
ndestroy=$(grep -c '\[DESTROY\]' "$T/ct.txt")
wait_for 5 eval \
	'[ "$(js "$T/ev.json" ct.id ct.event=4 | wc -l)" -ge $ndestroy ]'
nfpiped_stop
ok $? "nfpiped stops cleanly"
# Sanitizer reports go to stderr.
is "$(head -c 2000 "$T/ct.err")" "" "nfpiped wrote nothing on stderr"
kill -TERM "$CT_PID" 2>/dev/null
wait "$CT_PID" 2>/dev/null

is "$(js "$T/ev.json" ct.id | wc -l)" \
	"$(grep -c -E '^ *\[(NEW|UPDATE|DESTROY)\]' "$T/ct.txt")" \
	"one event record per conntrack event"

# --- GRE -----------------------------------------------------------------

line=$(ct_of "$T/ct.txt" "$GRE1" | head -1)
want=$(dec "$(ct_val "$line" srckey 1)" "$(ct_val "$line" dstkey 1)" \
	"$(ct_val "$line" srckey 2)" "$(ct_val "$line" dstkey 2)")
is "$want" "$(dec $PNS_CALL $PAC_CALL $PAC_CALL $PNS_CALL)" \
	"conntrack: GREv1 keys are the PPTP call IDs, each way"
GKEYS=orig.gre.srckey,orig.gre.dstkey,reply.gre.srckey,reply.gre.dstkey
is "$(js "$T/ev.json" $GKEYS ct.id="$GRE1" | sort -u)" "$want" \
	"GREv1: orig/reply srckey/dstkey in every event = conntrack's ($want)"
is "$(js "$T/poll.json" $GKEYS ct.id="$GRE1" | sort -u)" "$want" \
	"GREv1: the same keys in the dumps"
is "$(js "$T/ev.json" ct.state,ct.master.l4.dport ct.id="$GRE1" ct.event=1)" \
	"RELATED 1723" "GREv1 is the PPTP call's: RELATED, master on port 1723"
is "$(js "$T/ev.json" $GKEYS ct.id="$GRE0" | sort -u)" "0 0 0 0" \
	"GREv0: keys 0 (conntrack: $(ct_of "$T/ct.txt" "$GRE0" | head -1 |
		grep -o 'srckey=[^ ]* dstkey=[^ ]*' | head -1))"

# --- SCTP ----------------------------------------------------------------

# The checksums nfct-craft.py computes are right: the gateway verifies
# them (an INIT with a wrong one makes no entry) and tracked the others.
is "$(nsx "$NS_G" sysctl -n net.netfilter.nf_conntrack_checksum)" 1 \
	"the gateway verifies checksums (nf_conntrack_checksum=1)"
is "$(grep -c 'sport=5003 ' "$T/ct.txt")" 0 \
	"an SCTP INIT with a wrong CRC32c is not tracked"
want1="CLOSED COOKIE_WAIT COOKIE_ECHOED ESTABLISHED ESTABLISHED"
want2="CLOSED COOKIE_WAIT COOKIE_ECHOED ESTABLISHED SHUTDOWN_SENT"
want2="$want2 SHUTDOWN_ACK_SENT CLOSED CLOSED"
is "$(ct_of "$T/ct.txt" "$SCTP1" | ct_states)" "$want1" \
	"conntrack: association 1 goes to ESTABLISHED (NEW, UPDATEs, DESTROY)"
is "$(ct_of "$T/ct.txt" "$SCTP2" | ct_states)" "$want2" \
	"conntrack: association 2 goes through SHUTDOWN to CLOSED"
is "$(js "$T/ev.json" ct.sctp.state ct.id="$SCTP1" | words)" \
	"$(ct_of "$T/ct.txt" "$SCTP1" | ct_states)" \
	"association 1: ct.sctp.state of each event = conntrack's"
is "$(js "$T/ev.json" ct.sctp.state ct.id="$SCTP2" | words)" \
	"$(ct_of "$T/ct.txt" "$SCTP2" | ct_states)" \
	"association 2: ct.sctp.state of each event = conntrack's"
# The kernel keeps for each direction the tag its packets carry: the
# peer's initiate tag (conntrack prints no vtag: compared with what was sent).
is "$(js "$T/ev.json" ct.sctp.vtag.orig,ct.sctp.vtag.reply ct.id="$SCTP1" \
	ct.sctp.state=ESTABLISHED ct.event=2)" "$(dec $STAG1 $CTAG1)" \
	"association 1: vtags of the ESTABLISHED update = the tags sent"
is "$(js "$T/ev.json" ct.sctp.vtag.orig,ct.sctp.vtag.reply ct.id="$SCTP2" \
	ct.sctp.state=SHUTDOWN_SENT)" "$(dec $STAG2 $CTAG2)" \
	"association 2: vtags of the SHUTDOWN_SENT update = the tags sent"
line=$(ct_of "$T/list.txt" "$SCTP1")
is "$(js "$T/poll.json" ct.sctp.state,ct.sctp.vtag.orig,ct.sctp.vtag.reply \
	ct.id="$SCTP1" | tail -1)" \
	"$(printf '%s\n' "$line" | ct_states) $(dec $STAG1 $CTAG1)" \
	"association 1 in the dumps: conntrack -L's state, the tags sent"

# --- labels --------------------------------------------------------------

line=$(ct_of "$T/ct.txt" "$LABEL" | grep -F '[NEW]')
names=$(ct_labels "$line")
is "$names" "nfptblue,bit7,nfptred,bit33" \
	"conntrack: the NEW event has the labels set by name and number"
is "$(js "$T/ev.json" ct.labels ct.id="$LABEL" ct.event=1)" \
	"${names//bit/}" \
	"ct.labels: the names from connlabel_file, the bit number when unnamed"
line=$(ct_of "$T/list.txt" "$LABEL")
is "$(js "$T/poll.json" ct.labels ct.id="$LABEL" | tail -1)" "5,7,12,33" \
	"ct.labels without a label file: numbers (conntrack -L: $(ct_labels "$line"))"
check "a missing connlabel_file is named with the reason" \
	grep -qF "cannot read connlabel_file $T/no-such-connlabel.conf: No such file or directory" "$T/ct.log"
is "$(js "$T/table.json" ct.labels ct.id="$LABEL" ct.event=4)" \
	"${names//bit/}" \
	"ct.labels on the DESTROY record (the table keeps them from NEW)"
is "$(js "$T/ev.json" ct.labels ct.id="$ZONE" | sort -u)" "-" \
	"no ct.labels on a connection without labels"

# --- zones -----------------------------------------------------------------

# zone_of ID: conntrack's zone=, zone-orig=, zone-reply= of the entry
# (0 when absent).
zone_of()
{
	local l

	l=$(ct_of "$T/ct.txt" "$1" | head -1)
	echo "$(ct_val "$l" zone 1 | grep . || echo 0)" \
		"$(ct_val "$l" zone-orig 1 | grep . || echo 0)" \
		"$(ct_val "$l" zone-reply 1 | grep . || echo 0)"
}
ZKEYS=ct.zone,ct.zone.orig,ct.zone.reply
is "$(zone_of "$ZONE") $(zone_of "$ZORIG") $(zone_of "$ZREPLY")" \
	"7 0 0 0 8 0 0 0 9" \
	"conntrack: zone=7, zone-orig=8, zone-reply=9 as nft set them"
is "$(js "$T/ev.json" $ZKEYS ct.id="$ZONE" | zero | sort -u)" \
	"$(zone_of "$ZONE")" "ct zone set 7: ct.zone=7 in every event"
is "$(js "$T/ev.json" $ZKEYS ct.id="$ZORIG" | zero | sort -u)" \
	"$(zone_of "$ZORIG")" "ct original zone set 8: ct.zone.orig=8"
is "$(js "$T/ev.json" $ZKEYS ct.id="$ZREPLY" | zero | sort -u)" \
	"$(zone_of "$ZREPLY")" "ct reply zone set 9: ct.zone.reply=9"
is "$(for i in "$ZONE" "$ZORIG" "$ZREPLY"; do
	js "$T/poll.json" $ZKEYS ct.id="$i" | tail -1; done | zero | tr '\n' ' ')" \
	"7 0 0 0 8 0 0 0 9 " "the three zones in the dumps too"

# --- SYNPROXY (conntrack prints none of it: compared with the packets) ----

# syn_field IFACE DIR FLAGS FIELD: FIELD (seq, or TS val) of the SYN or
# SYN-ACK tcpdump saw on the gateway's IFACE in direction DIR (In, Out).
syn_field()
{
	grep -E "^[0-9:.]+ $1 +$2 +IP .* Flags \[$3\]" "$T/syn.txt" | head -1 |
		sed -n "s/.*[ ,]$4 \([0-9]*\).*/\1/p"
}
# SYNPROXY answered the client's SYN itself (g0 Out) with its cookie as
# ISN and its own timestamp, then the server's SYN-ACK came in on g1; the
# kernel shifts the server's timestamps by tsoff from there on.
isn=$(syn_field g0 Out 'S\.' seq)
its=$(syn_field g0 Out 'S\.' 'TS val')
sts=$(syn_field g1 In 'S\.' 'TS val')
ok "$([ -n "$isn" ] && [ -n "$sts" ] &&
	[ "$isn" != "$(syn_field g1 In 'S\.' seq)" ]; echo $?)" \
	"SYNPROXY answered the SYN itself (its SYN-ACK is not the server's)"
if [ -n "$its" ] && [ -n "$sts" ]; then
	want="$isn $its $(((sts - its) & 0xffffffff))"
else
	want="(no SYN-ACK seen)"
	diag_file "$T/syn.txt"
fi
SPKEYS=ct.synproxy.isn,ct.synproxy.its,ct.synproxy.tsoff
is "$(js "$T/ev.json" $SPKEYS ct.id="$SYNP" ct.event=2 | grep -v -- - |
	sort -u | tail -1)" "$want" \
	"ct.synproxy.isn/its/tsoff: the proxy's ISN and TS, the server's offset"
is "$(js "$T/poll.json" $SPKEYS ct.id="$SYNP" | tail -1)" "$want" \
	"the same in the dumps"

# --- ct.use (dumps only: events do not carry it) ---------------------------

for i in "$PPTP" "$GRE1" "$SCTP1"; do
	line=$(ct_of "$T/list.txt" "$i")
	is "$(js "$T/poll.json" ct.use ct.id="$i" | tail -1)" \
		"$(ct_val "$line" use 1)" \
		"ct.use = conntrack -L's use= ($(ct_proto "$line") id $i)"
done

# --- PRINTFLOW conntrackd: conntrack's own lines ----------------------------

declare -A CTD_NAME=([GREv1]="GREv1 flow" [GREv0]="GREv0 flow"
	[SCTP1]="SCTP association 1" [SCTP2]="SCTP association 2"
	[zone]="zone 7 flow" [zorig]="original zone 8 flow"
	[zreply]="reply zone 9 flow" [label]="labelled flow")

# Every event line conntrack printed for the flow, without its event
# prefix, layer 3, id, helper= (the layout prints none, as conntrackd's
# DESTROY lines have none) and what follows [USERSPACE], must be a line
# of the conntrackd layout. Labels come last in both; the bits
# connlabel_file leaves unnamed (conntrack's bitN) are numbers there.
for f in GREv1:$GRE1 GREv0:$GRE0 SCTP1:$SCTP1 SCTP2:$SCTP2 zone:$ZONE \
	zorig:$ZORIG zreply:$ZREPLY label:$LABEL; do
	ct_of "$T/ct.txt" "${f#*:}" | sed -E \
		-e 's/^ *\[(NEW|UPDATE|DESTROY)\] ipv[46] +[0-9]+ //' \
		-e 's/ \[USERSPACE\].*$//' -e 's/ (helper|id)=[^ ]*//g' \
		-e ':a' -e 's/^(.* labels=.*)bit([0-9])/\1\2/' -e 'ta' \
		>"$T/want.txt"
	n=$(nlines "$T/want.txt")
	sort -u "$T/want.txt" >"$T/want.u"
	cut -f2- "$T/ctd.log" | grep -xF -f "$T/want.u" | sort -u >"$T/got.txt"
	if [ "$n" -gt 0 ] && cmp -s "$T/want.u" "$T/got.txt"; then
		ok 0 "conntrackd layout: the ${CTD_NAME[${f%:*}]}'s $n lines are conntrack's"
	else
		ok 1 "conntrackd layout: the ${CTD_NAME[${f%:*}]}'s $n lines are conntrack's"
		comm -23 "$T/want.u" "$T/got.txt" >"$T/missing.txt"
		diag "missing:"
		diag_file "$T/missing.txt" 3
		diag "conntrackd lines of that protocol:"
		diag "$(grep -F "	$(awk '{ print $1; exit }' "$T/want.txt") " \
			"$T/ctd.log" | tail -2)"
	fi
done

# The dumps through the same layout against conntrack -L's lines, with
# the timeout masked (the two dumps are not at the same instant), and
# without what the layout leaves out by design: mark=0 and helper=.
# use= and labels= (bit numbers: no label file) are compared.
mask()
{
	sed -E 's/^([a-z0-9]+ +[0-9]+ +)[0-9]+ /\1* /'
}
# The labels there are bit numbers: conntrack's names become their bits.
sed -E -e 's/^ipv[46] +[0-9]+ //' -e 's/ (mark|helper|id)=[^ ]*//g' \
	-e ':a' -e 's/^(.* labels=.*)bit([0-9])/\1\2/' -e 'ta' \
	-e 's/(labels=)nfptblue,/\15,/' -e 's/(labels=.*)nfptred/\112/' \
	"$T/list.txt" | mask | sort -u >"$T/want.u"
cut -f2- "$T/ctd2.log" | mask | grep -xF -f "$T/want.u" | sort -u \
	>"$T/got.txt"
n=$(nlines "$T/want.u")
if [ "$n" -ge 10 ] && cmp -s "$T/want.u" "$T/got.txt"; then
	ok 0 "conntrackd layout of the dumps: conntrack -L's $n lines"
else
	ok 1 "conntrackd layout of the dumps: conntrack -L's $n lines"
	comm -23 "$T/want.u" "$T/got.txt" >"$T/missing.txt"
	diag "missing:"
	diag_file "$T/missing.txt" 3
fi

# The overlay left nothing behind.
[ -e /etc/connlabel.conf ] && now_nft=1 || now_nft=0
[ -e /etc/xtables/connlabel.conf ] && now_ct=1 || now_ct=0
is "$now_nft $now_ct" "$had_nft_labels $had_ct_labels" \
	"/etc untouched: no connlabel.conf made or removed there"

done_testing
