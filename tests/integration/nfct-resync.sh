#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/nfct-resync.sh - overruns: counted, resynced, nothing lost
#
# nfpiped's NFCT socket gets a small receive buffer and the daemon is
# stopped (SIGSTOP) while 200 UDP flows start, so that the kernel drops
# events (ENOBUFS). Then:
#  1. default mode: the overrun is counted (enobufs), a dump resynchronises
#     the flow table (resyncs), and when the flows are deleted each one is
#     reported exactly once as DESTROY, whether its events were lost or not;
#  2. reliable=1: the kernel keeps what it could not deliver and sends it
#     later (NETLINK_BROADCAST_ERROR, NETLINK_NO_ENOBUFS): even the DESTROY
#     events of flows deleted while the daemon was stopped all arrive, and
#     no ENOBUFS is seen.
# It also checks the warning NFCT gives when accounting is off in the
# namespace and accounting=1 was not asked for.

. "$(dirname "$0")/lib.sh"
. "$NFPT_SRC/nfct-lib.sh"

require_root
require_nfpiped
need_cmd conntrack conntrack
need_cmd nft nftables

NFLOWS=200
ct_lab

# flows N PORT: about N UDP flows to the server, each from the source port
# the kernel picks (now and then it picks one twice: one flow less).
flows()
{
	nsx "$NS_C" bash -c "for i in \$(seq $1); do
		echo x >/dev/udp/10.77.2.2/$2 || exit 1; done"
}

# delete_all: conntrack -D; prints how many entries went.
delete_all()
{
	nsx "$NS_G" conntrack -D 2>&1 >/dev/null |
		sed -n 's/.*: \([0-9]*\) flow entries have been deleted.*/\1/p'
}

destroys()
{
	count_matches 'ct.event=4' "$T/$1"
}

unique_ids()
{
	grep 'ct.event=4' "$T/$1" | tr ',' '\n' | grep '^ct.id=' | sort -u |
		wc -l | tr -d ' '
}

# --- 1. overrun and resync ------------------------------------------------
write_conf rs <<EOF
stack=ct1:NFCT,gp1:GPRINT
[ct1]
netlink_socket_buffer_size=16K
netlink_resync_timeout=200ms
timestamp=1
[gp1]
file="$T/rs.gp"
EOF
nfpiped_start rs || bail_out "nfpiped did not start"
if [ "$(nsx "$NS_G" sysctl -n net.netfilter.nf_conntrack_acct)" = 0 ]; then
	grep -q 'nf_conntrack_acct is 0: .* stay 0' "$T/rs.log"
	ok $? "accounting off and not asked for: NFCT warns the counters stay 0"
fi
kill -STOP "$NFPIPED_PID"
flows $NFLOWS 5353 || bail_out "could not send"
kill -CONT "$NFPIPED_PID"
# The resync comes netlink_resync_timeout (200 ms) after the overrun.
sleep 1
check "the overrun was counted (enobufs > 0)" \
	test "$(nfp_counter rs "$NFPIPED_PID" ct1 enobufs)" -gt 0
check "and answered by a resynchronising dump (resyncs > 0)" \
	test "$(nfp_counter rs "$NFPIPED_PID" ct1 resyncs)" -gt 0
deleted=$(delete_all)
check "conntrack deleted the flows ($deleted)" \
	test "${deleted:-0}" -ge $((NFLOWS * 9 / 10))
wait_for 10 has_matches "${deleted:-1}" 'ct.event=4' "$T/rs.gp"
is "$(destroys rs.gp)" "$deleted" "one DESTROY record per deleted flow"
is "$(unique_ids rs.gp)" "$deleted" "... none twice"
is "$(grep 'ct.event=4' "$T/rs.gp" | grep -vc 'flow.start.sec=')" 0 \
	"... all with their start (kernel timestamps)"
nfpiped_stop
ok $? "nfpiped stops cleanly"

# --- 2. reliable delivery -------------------------------------------------
write_conf rel <<EOF
stack=ct1:NFCT,gp1:GPRINT
[ct1]
netlink_socket_buffer_size=16K
reliable=1
[gp1]
file="$T/rel.gp"
EOF
nfpiped_start rel || bail_out "nfpiped did not start"
kill -STOP "$NFPIPED_PID"
flows $NFLOWS 5354 || bail_out "could not send"
deleted=$(delete_all)
kill -CONT "$NFPIPED_PID"
check "conntrack deleted the flows ($deleted)" \
	test "${deleted:-0}" -ge $((NFLOWS * 9 / 10))
wait_for 20 has_matches "${deleted:-1}" 'ct.event=4' "$T/rel.gp"
is "$(destroys rel.gp)" "$deleted" \
	"reliable=1: every DESTROY arrives, though sent while stopped"
is "$(unique_ids rel.gp)" "$deleted" "... none twice"
is "$(nfp_counter rel "$NFPIPED_PID" ct1 enobufs)" 0 \
	"... and no ENOBUFS was reported"
nfpiped_stop
ok $? "nfpiped stops cleanly"
done_testing
