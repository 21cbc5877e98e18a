#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/nfct-related.sh - a RELATED flow, its master, netns
#
# The gateway assigns the kernel's FTP helper to TCP port 21 (an nft ct
# helper object). A client opens a control connection to a tiny FTP-like
# server, sends PASV, gets "227 Entering Passive Mode (10,77,2,2,195,80)"
# and opens the data connection to port 50000, which the helper expected:
# conntrack marks it RELATED. nfpiped runs in the *client's* namespace and
# reads the gateway's conntrack through the netns option; kernel timestamps
# are off there, so flow.start and flow.end come from the pairing table.
# The data flow's DESTROY must say RELATED and name its master (the control
# connection, port 21); the control flow's must name its helper.

. "$(dirname "$0")/lib.sh"
. "$NFPT_SRC/nfct-lib.sh"

require_root
require_nfpiped
need_cmd conntrack conntrack
need_cmd socat socat
need_cmd nft nftables

ct_lab ftp
nsx "$NS_G" sysctl -qw net.netfilter.nf_conntrack_timestamp=0
nsx "$NS_G" sysctl -qw net.netfilter.nf_conntrack_acct=0
client_acct=$(nsx "$NS_C" sysctl -n net.netfilter.nf_conntrack_acct)

cat >"$T/ftpd.sh" <<'EOF'
#!/bin/bash
printf '220 nfpipe test\r\n'
while read -r line; do
	case "$line" in
	PASV*) printf '227 Entering Passive Mode (10,77,2,2,195,80)\r\n' ;;
	QUIT*) printf '221 bye\r\n'; exit 0 ;;
	*) printf '200 ok\r\n' ;;
	esac
done
EOF
chmod +x "$T/ftpd.sh"
bg_ns "$NS_S" socat TCP-LISTEN:21,reuseaddr,fork EXEC:"$T/ftpd.sh"
bg_ns "$NS_S" socat TCP-LISTEN:50000,reuseaddr,fork SYSTEM:'echo data'
wait_listen "$NS_S" 21 && wait_listen "$NS_S" 50000 ||
	bail_out "servers did not start"

write_conf rel <<EOF
stack=ct1:NFCT,gp1:GPRINT
[ct1]
netns=/run/netns/$NS_G
accounting=1
[gp1]
file="$T/gprint.log"
EOF
ct_watch "$T/ct.txt"
# Not nfpiped_start: this one runs in the client's namespace.
bg_ns "$NS_C" "$NFPIPED" -c "$T/rel.conf" >"$T/rel.out" 2>"$T/rel.err"
NFPIPED_PID=$BG_PID
if ! wait_for 10 _nfpiped_started rel "$NFPIPED_PID" ||
	! kill -0 "$NFPIPED_PID" 2>/dev/null; then
	diag_file "$T/rel.err"
	diag_file "$T/rel.log"
	bail_out "nfpiped did not start"
fi
is "$(nsx "$NS_G" sysctl -n net.netfilter.nf_conntrack_acct)" 1 \
	"accounting=1 applies to the netns option's namespace"
is "$(nsx "$NS_C" sysctl -n net.netfilter.nf_conntrack_acct)" \
	"$client_acct" "... not to the one nfpiped runs in"

nsx "$NS_C" bash -c '
	exec 3<>/dev/tcp/10.77.2.2/21 || exit 1
	read -r l <&3
	printf "PASV\r\n" >&3
	read -r l <&3
	case "$l" in 227*) ;; *) exit 2 ;; esac
	socat -T2 - TCP:10.77.2.2:50000 </dev/null >/dev/null || exit 3
	printf "QUIT\r\n" >&3
	read -r l <&3
	exec 3>&-' 2>"$T/client.err"
ok $? "FTP-like exchange: PASV, then the data connection"
sleep 0.3
nsx "$NS_G" conntrack -D >/dev/null 2>&1
wait_for 5 has_matches 2 'ct.event=4' "$T/gprint.log"
sleep 0.3
is "$(nfp_counter rel "$NFPIPED_PID" ct1 unpaired)" 0 \
	"both DESTROY events paired with their NEW"
nfpiped_stop
ok $? "nfpiped stops cleanly"
ct_unwatch

ctl=$(ct_line "$T/ct.txt" DESTROY tcp 21)
data=$(ct_line "$T/ct.txt" DESTROY tcp 50000)
check "conntrack saw both flows end" test -n "$ctl" -a -n "$data"
csport=$(ct_nth "$ctl" sport 1)

rec=$(gp_rec "$T/gprint.log" ct.event=4 orig.l4.dport=50000)
is "$(gp_get "$rec" ct.state)" RELATED "data flow: ct.state RELATED"
is "$(gp_get "$rec" ct.master.ip.saddr) $(gp_get "$rec" ct.master.ip.daddr)" \
	"10.77.1.2 10.77.2.2" "data flow: master addresses"
is "$(gp_get "$rec" ct.master.ip.protocol):$(gp_get "$rec" ct.master.l4.sport):$(gp_get "$rec" ct.master.l4.dport)" \
	"6:$csport:21" "data flow: master is the control connection"
is "$(gp_get "$rec" orig.l4.sport)" "$(ct_nth "$data" sport 1)" \
	"data flow: the tuple conntrack reported"
like_status=$(gp_get "$rec" ct.status.str)
case "$like_status" in
*EXPECTED*) ok 0 "data flow: EXPECTED in ct.status.str ($like_status)" ;;
*) ok 1 "data flow: EXPECTED in ct.status.str ($like_status)" ;;
esac
is "$(gp_get "$rec" orig.raw.pktcount)/$(gp_get "$rec" orig.raw.pktlen)" \
	"$(ct_nth "$data" packets 1)/$(ct_nth "$data" bytes 1)" \
	"data flow: counters as conntrack's"

rec=$(gp_rec "$T/gprint.log" ct.event=4 orig.l4.dport=21)
is "$(gp_get "$rec" ct.helper)" ftp "control flow: ct.helper=ftp"
is "$(gp_get "$rec" ct.state)" ESTABLISHED "control flow: ESTABLISHED"
ok "$(test -z "$(gp_get "$rec" ct.master.ip.saddr)"; echo $?)" \
	"control flow: no master"

# Without kernel timestamps: the table's reception times.
id=$(ct_nth "$ctl" id 1)
new=$(grep -F '[NEW]' "$T/ct.txt" | grep -E " id=$id( |$)" | head -1)
ts=$(printf '%s\n' "$new" | sed -n 's/^\[\([0-9.]*\)\].*/\1/p')
start=$(gp_get "$rec" flow.start.sec).$(printf '%06d' "$(gp_get "$rec" flow.start.usec)")
check "control flow: start within 0.5 s of conntrack's NEW ($start vs $ts)" \
	awk -v a="$start" -v b="$ts" 'BEGIN { d = a - b; exit !(b != "" && d < 0.5 && d > -0.5) }'
ts=$(printf '%s\n' "$ctl" | sed -n 's/^\[\([0-9.]*\)\].*/\1/p')
end=$(gp_get "$rec" flow.end.sec).$(printf '%06d' "$(gp_get "$rec" flow.end.usec)")
check "control flow: end within 0.5 s of conntrack's DESTROY ($end vs $ts)" \
	awk -v a="$end" -v b="$ts" 'BEGIN { d = a - b; exit !(b != "" && d < 0.5 && d > -0.5) }'

done_testing
