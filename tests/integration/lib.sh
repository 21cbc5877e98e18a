# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/lib.sh - TAP output, a three-namespace lab, nfpiped control
#
# Sourced by every integration test (bash). It gives:
#  - TAP for automake's tap-driver.sh: ok/is/check/diag, done_testing
#    (prints the plan, exits 0: failures are the "not ok" lines, so one
#    failed check counts once), skip_all (plan "1..0 # SKIP why", exit 0:
#    only for a kernel feature that is really absent), bail_out (a broken
#    environment: ERROR in the summary).
#  - lab_up: network namespaces client -- gateway -- server, made for this
#    run only (names nfpt-<test>-<pid>-<random>-{cl,gw,sv}), with fixed MAC
#    addresses, static neighbour entries (no ARP/ND traffic to log), no IPv6
#    DAD, no ICMP rate limits, IPv4 and IPv6 forwarding on the gateway:
#        client c0 10.77.1.2/24 fd77:1::2/64
#          -- g0 10.77.1.1 fd77:1::1 | gateway | g1 10.77.2.1 fd77:2::1 --
#        server s0 10.77.2.2/24 fd77:2::2/64
#    LAB_MTU (if set) is the MTU of the gateway--server link.
#  - nfpiped_start/nfpiped_stop: the daemon ($NFPIPED, plugins from
#    $NFPIPE_PLUGIN_DIR) in the gateway namespace, in the background.
#  - kmsg_mark/kmsg_since: kernel log records newer than a mark.
# Everything started is ended by PID, every namespace deleted and every
# sysctl restored by the EXIT trap, whatever way the test ends.
# NFPT_KEEP=1 keeps the temporary directory for a look afterwards.

[ -n "$BASH_VERSION" ] || { echo "Bail out! lib.sh needs bash"; exit 1; }

# --- TAP ---------------------------------------------------------------

_tap_n=0
_tap_failed=0
_tap_started=0

diag()
{
	local line

	while IFS= read -r line; do
		printf '# %s\n' "$line"
	done <<< "$*"
}

# Print a file (or the first $2 lines of it) as diagnostics.
diag_file()
{
	[ -e "$1" ] || { diag "($1 missing)"; return; }
	sed -n "1,${2:-40}p" "$1" | sed 's/^/#   /'
}

# ok STATUS DESCRIPTION: STATUS 0 passes (so `ok $? "..."` works).
ok()
{
	_tap_started=1
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		printf 'ok %d - %s\n' "$_tap_n" "$2"
		return 0
	fi
	printf 'not ok %d - %s\n' "$_tap_n" "$2"
	_tap_failed=$((_tap_failed + 1))
	return 1
}

# is GOT WANT DESCRIPTION
is()
{
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
		return 0
	fi
	ok 1 "$3"
	diag "     got: '$1'"
	diag "  wanted: '$2'"
	return 1
}

# check DESCRIPTION COMMAND...: passes when COMMAND exits 0.
check()
{
	local desc=$1

	shift
	"$@"
	ok $? "$desc"
}

skip_all()
{
	if [ "$_tap_started" -ne 0 ]; then
		# Too late for a skip plan: say so and stop.
		bail_out "kernel feature missing after tests began: $*"
	fi
	printf '1..0 # SKIP %s\n' "$*"
	exit 0
}

bail_out()
{
	printf 'Bail out! %s\n' "$*"
	exit 1
}

done_testing()
{
	printf '1..%d\n' "$_tap_n"
	exit 0
}

# --- environment ---------------------------------------------------------

NFPT_TEST=$(basename "$0" .sh)
_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${top_srcdir:=$(cd "$_here/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${NFPIPED:=$top_builddir/nfpiped}"
: "${NFPIPE_PLUGIN_DIR:=$top_builddir/.libs}"
: "${PKTSEND:=$top_builddir/tests/integration/pktsend}"
export NFPIPE_PLUGIN_DIR
NFPT_SRC=$top_srcdir/tests/integration

# Short random tag: several runs (and several tests of one run) may share
# the machine, and names left from a killed run must not collide.
NFPT_RUN="$$-$(od -An -N2 -tx2 /dev/urandom | tr -d ' ')"
NS_C=nfpt-$NFPT_TEST-$NFPT_RUN-cl
NS_G=nfpt-$NFPT_TEST-$NFPT_RUN-gw
NS_S=nfpt-$NFPT_TEST-$NFPT_RUN-sv
NFPT_NETNS=""
NFPT_PIDS=""
NFPT_RESTORE=()
T=$(mktemp -d "${TMPDIR:-/tmp}/nfpt-$NFPT_TEST.XXXXXX") ||
	bail_out "cannot make a temporary directory"

# The lab's fixed hardware addresses: logged MAC= fields stay the same.
MAC_C0=02:77:01:00:00:02
MAC_G0=02:77:01:00:00:01
MAC_G1=02:77:02:00:00:01
MAC_S0=02:77:02:00:00:02
# An address on the client's subnet that nobody holds, for redirects.
MAC_GHOST=02:77:01:00:00:99

nsx()
{
	local ns=$1

	shift
	ip netns exec "$ns" "$@"
}

# Kill what we started (by PID), delete our namespaces, restore sysctls.
nfpt_cleanup()
{
	local pid ns i n=0

	trap - EXIT
	for pid in $NFPT_PIDS; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in $NFPT_PIDS; do
		while kill -0 "$pid" 2>/dev/null && [ $n -lt 40 ]; do
			sleep 0.05
			n=$((n + 1))
		done
		kill -KILL "$pid" 2>/dev/null
	done
	for ns in $NFPT_NETNS; do
		ip netns del "$ns" 2>/dev/null
	done
	for ((i = ${#NFPT_RESTORE[@]} - 1; i >= 0; i--)); do
		eval "${NFPT_RESTORE[i]}" 2>/dev/null
	done
	if [ "${NFPT_KEEP:-0}" = 1 ]; then
		echo "# kept $T"
	else
		rm -rf "$T"
	fi
}
trap nfpt_cleanup EXIT

# A test that hangs must still end (and clean up): after NFPT_TIMEOUT
# seconds the watchdog says so on the TAP stream and sends SIGTERM.
_nfpt_watchdog()
{
	local sp

	sleep "$1" &
	sp=$!
	trap 'kill $sp 2>/dev/null; exit 0' TERM
	wait $sp
	printf 'Bail out! %s timed out after %ss\n' "$NFPT_TEST" "$1"
	kill -TERM "$2"
	exit 0
}
_nfpt_watchdog "${NFPT_TIMEOUT:-240}" $$ </dev/null &
NFPT_PIDS="$!"

trap 'exit 130' INT TERM HUP

# bg_ns NS COMMAND...: run COMMAND (a program, not a shell function) in
# namespace NS in the background and remember its PID for the cleanup.
# `ip netns exec` execs COMMAND, so the PID is COMMAND's own. The PID is
# left in BG_PID, not printed: a command substitution would make the job a
# grandchild that `wait` cannot see.
bg_ns()
{
	local ns=$1

	shift
	ip netns exec "$ns" "$@" &
	BG_PID=$!
	NFPT_PIDS="$NFPT_PIDS $BG_PID"
}

# wait_for SECONDS COMMAND...: poll COMMAND every 50 ms until it succeeds.
wait_for()
{
	local limit=$(($1 * 20)) n=0

	shift
	until "$@"; do
		n=$((n + 1))
		[ $n -ge $limit ] && return 1
		sleep 0.05
	done
	return 0
}

# Set a sysctl of the init namespace; the cleanup puts the old value back.
sysctl_set()
{
	local key=$1 val=$2 old

	old=$(sysctl -n "$key") || return 1
	NFPT_RESTORE+=("sysctl -qw '$key=$old'")
	sysctl -qw "$key=$val"
}

require_root()
{
	[ "$(id -u)" -eq 0 ] ||
		bail_out "integration tests run on the real kernel and need root"
}

# require_cmd CMD...: a missing tool is a broken setup, not a skip.
require_cmd()
{
	local c

	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			bail_out "$c not found: install it (scripts/deps does)"
	done
}

require_nfpiped()
{
	[ -x "$NFPIPED" ] || bail_out "no nfpiped at $NFPIPED (build first)"
	[ -x "$PKTSEND" ] || bail_out "no pktsend at $PKTSEND (make check builds it)"
}

# --- the lab -------------------------------------------------------------

# Settings every lab namespace gets before its interfaces exist.
_ns_prepare()
{
	local ns=$1

	# DAD off before links exist, or the first IPv6 packet is lost; no
	# router solicitations; flow labels and ICMP pacing made predictable.
	nsx "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.all.router_solicitations=0 \
		net.ipv6.conf.default.router_solicitations=0 \
		net.ipv6.auto_flowlabels=0 \
		net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0 \
		net.ipv4.icmp_msgs_per_sec=100000 \
		>/dev/null 2>&1
	nsx "$ns" ip link set lo up
}

lab_up()
{
	local ns

	for ns in "$NS_C" "$NS_G" "$NS_S"; do
		if ! ip netns add "$ns" 2>"$T/netns.err"; then
			grep -qi 'not supported\|invalid argument' "$T/netns.err" &&
				skip_all "this kernel has no network namespaces"
			bail_out "ip netns add $ns: $(cat "$T/netns.err")"
		fi
		NFPT_NETNS="$NFPT_NETNS $ns"
		_ns_prepare "$ns"
	done
	if ! ip -n "$NS_C" link add c0 address $MAC_C0 type veth \
		peer name g0 address $MAC_G0 netns "$NS_G" 2>"$T/veth.err"; then
		grep -qi 'not supported\|unknown' "$T/veth.err" &&
			skip_all "this kernel has no veth"
		bail_out "veth: $(cat "$T/veth.err")"
	fi
	ip -n "$NS_S" link add s0 address $MAC_S0 type veth \
		peer name g1 address $MAC_G1 netns "$NS_G" ||
		bail_out "veth server side"
	if [ -n "${LAB_MTU:-}" ]; then
		ip -n "$NS_G" link set g1 mtu "$LAB_MTU"
		ip -n "$NS_S" link set s0 mtu "$LAB_MTU"
	fi

	ip -n "$NS_C" addr add 10.77.1.2/24 dev c0
	ip -n "$NS_C" addr add fd77:1::2/64 dev c0 nodad
	ip -n "$NS_G" addr add 10.77.1.1/24 dev g0
	ip -n "$NS_G" addr add fd77:1::1/64 dev g0 nodad
	ip -n "$NS_G" addr add 10.77.2.1/24 dev g1
	ip -n "$NS_G" addr add fd77:2::1/64 dev g1 nodad
	ip -n "$NS_S" addr add 10.77.2.2/24 dev s0
	ip -n "$NS_S" addr add fd77:2::2/64 dev s0 nodad
	ip -n "$NS_C" link set c0 up
	ip -n "$NS_G" link set g0 up
	ip -n "$NS_G" link set g1 up
	ip -n "$NS_S" link set s0 up

	ip -n "$NS_C" route add default via 10.77.1.1
	ip -n "$NS_C" -6 route add default via fd77:1::1
	ip -n "$NS_S" route add default via 10.77.2.1
	ip -n "$NS_S" -6 route add default via fd77:2::1
	# Sent through the gateway although on the client's own subnet: the
	# gateway forwards it back out and sends an ICMP redirect.
	ip -n "$NS_C" route add 10.77.1.99/32 via 10.77.1.1

	# Static neighbours: no ARP or ND exchange to wait for or to log.
	ip -n "$NS_C" neigh replace 10.77.1.1 lladdr $MAC_G0 dev c0 nud permanent
	ip -n "$NS_C" neigh replace fd77:1::1 lladdr $MAC_G0 dev c0 nud permanent
	ip -n "$NS_G" neigh replace 10.77.1.2 lladdr $MAC_C0 dev g0 nud permanent
	ip -n "$NS_G" neigh replace fd77:1::2 lladdr $MAC_C0 dev g0 nud permanent
	ip -n "$NS_G" neigh replace 10.77.1.99 lladdr $MAC_GHOST dev g0 nud permanent
	ip -n "$NS_G" neigh replace 10.77.2.2 lladdr $MAC_S0 dev g1 nud permanent
	ip -n "$NS_G" neigh replace fd77:2::2 lladdr $MAC_S0 dev g1 nud permanent
	ip -n "$NS_S" neigh replace 10.77.2.1 lladdr $MAC_G1 dev s0 nud permanent
	ip -n "$NS_S" neigh replace fd77:2::1 lladdr $MAC_G1 dev s0 nud permanent

	nsx "$NS_G" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1 >/dev/null
	# The gateway sends redirects (the default, said explicitly).
	nsx "$NS_G" sysctl -qw net.ipv4.conf.all.send_redirects=1 \
		net.ipv4.conf.g0.send_redirects=1 >/dev/null

	# Both directions, both families, before any test relies on them.
	wait_for 5 nsx "$NS_C" ping -c 1 -W 1 -q 10.77.2.2 >/dev/null 2>&1 ||
		bail_out "lab: no IPv4 path from client to server"
	wait_for 5 nsx "$NS_C" ping -6 -c 1 -W 1 -q fd77:2::2 >/dev/null 2>&1 ||
		bail_out "lab: no IPv6 path from client to server"
}

# nft_gw RULESET-TEXT: load an nft ruleset into the gateway.
nft_gw()
{
	if ! printf '%s\n' "$1" | nsx "$NS_G" nft -f - 2>"$T/nft.err"; then
		grep -qi 'not supported\|protocol not supported' "$T/nft.err" &&
			skip_all "this kernel lacks nf_tables: $(head -1 "$T/nft.err")"
		diag_file "$T/nft.err"
		bail_out "nft failed"
	fi
}

# IPv6 neighbour discovery and MLD: the kernel sends them on its own
# timers, so they would land between the test's packets. Never logged.
ND_MLD="130, 131, 132, 133, 134, 135, 136, 137, 143"

# nft_log_hooks STATEMENTS: table inet nfpt on the gateway with base
# chains on input, forward and output; each runs STATEMENTS (one a line)
# with @HOOK@ replaced by IN, FWD or OUT.
nft_log_hooks()
{
	local body="" spec name hook tag

	for spec in c_in:input:IN c_fwd:forward:FWD c_out:output:OUT; do
		IFS=: read -r name hook tag <<<"$spec"
		body+="	chain $name {
		type filter hook $hook priority 0; policy accept;
		icmpv6 type { $ND_MLD } accept
		${1//@HOOK@/$tag}
	}
"
	done
	nft_gw "table inet nfpt {
$body}"
}

# NFLOG and the kernel's LOG backends are what every test here needs.
require_kernel_logging()
{
	[ -e /proc/net/netfilter/nfnetlink_log ] ||
		skip_all "this kernel has no nfnetlink_log (NFLOG)"
}

require_kernel_log_target()
{
	grep -q 'nf_log_ipv4' /proc/net/netfilter/nf_log 2>/dev/null ||
		skip_all "this kernel has no LOG backend (nf_log_syslog)"
	[ -e /proc/sys/net/netfilter/nf_log_all_netns ] ||
		skip_all "this kernel has no nf_log_all_netns sysctl"
	[ -r /dev/kmsg ] || bail_out "/dev/kmsg is not readable"
}

# --- nfpiped -------------------------------------------------------------

# write_conf NAME < BODY: $T/NAME.conf, a [global] section logging to
# $T/NAME.log, then BODY (stack= lines first, then instance sections).
write_conf()
{
	{
		printf '[global]\nlogfile="%s"\nloglevel=%s\n' \
			"$T/$1.log" "${NFPT_LOGLEVEL:-3}"
		cat
	} >"$T/$1.conf"
}

# nfpiped_start NAME [ARGS...]: run nfpiped -c $T/NAME.conf in the gateway
# namespace; sets NFPIPED_PID; waits until the log says it started (it
# binds its NFLOG groups before that line). Returns 1 if it did not.
nfpiped_start()
{
	local name=$1

	shift
	bg_ns "$NS_G" "$NFPIPED" -c "$T/$name.conf" "$@" \
		>"$T/$name.out" 2>"$T/$name.err"
	NFPIPED_PID=$BG_PID
	if ! wait_for 10 _nfpiped_started "$name" "$NFPIPED_PID"; then
		diag "nfpiped did not start; its stderr and log:"
		diag_file "$T/$name.err"
		diag_file "$T/$name.log"
		return 1
	fi
	return 0
}

# Started: this PID's own "started with" line (a log appended to by an
# earlier run has one too). `ip netns exec` execs, so BG_PID is nfpiped's.
_nfpiped_started()
{
	grep -q "nfpiped\[$2\]: .* started with " "$T/$1.log" "$T/$1.err" \
		2>/dev/null && return 0
	# Dead already: stop waiting.
	kill -0 "$2" 2>/dev/null || return 0
	return 1
}

# nfpiped_stop [PID]: SIGTERM, wait up to 10 s; returns its exit status
# (124 if it had to be killed).
nfpiped_stop()
{
	local pid=${1:-$NFPIPED_PID} n=0 rc

	kill -TERM "$pid" 2>/dev/null
	while kill -0 "$pid" 2>/dev/null; do
		n=$((n + 1))
		if [ $n -ge 200 ]; then
			kill -KILL "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
			return 124
		fi
		sleep 0.05
	done
	wait "$pid" 2>/dev/null
	rc=$?
	return $rc
}

# Lines in a file, 0 when it does not exist.
nlines()
{
	if [ -e "$1" ]; then
		wc -l <"$1" | tr -d ' '
	else
		echo 0
	fi
}

# count_matches REGEX FILE: lines of FILE matching REGEX (0 if no file).
count_matches()
{
	local n

	n=$(grep -c -E -- "$1" "$2" 2>/dev/null)
	echo "${n:-0}"
}

# Wait until FILE has at least N lines (true), or SECONDS pass (false).
wait_lines()
{
	wait_for "${3:-5}" _has_lines "$1" "$2"
}

_has_lines()
{
	[ "$(nlines "$1")" -ge "$2" ]
}

# netlink_drops PID: what the kernel dropped for the netlink sockets of
# process PID (in the gateway) because they were full, summed over its
# sockets: the Drops column of /proc/net/netlink, matched by inode.
netlink_drops()
{
	local inodes

	inodes=$(ls -l "/proc/$1/fd" 2>/dev/null |
		sed -n 's/.*socket:\[\([0-9]*\)\]$/\1/p' | tr '\n' ' ')
	nsx "$NS_G" cat /proc/net/netlink |
		awk -v inodes=" $inodes" 'NR > 1 && index(inodes, " " $10 " ") { d += $9 }
			END { print d + 0 }'
}

# nflog_bound GROUP: true once a socket in the gateway listens on GROUP.
nflog_bound()
{
	nsx "$NS_G" cat /proc/net/netfilter/nfnetlink_log 2>/dev/null |
		awk -v g="$1" '$1 == g { f = 1 } END { exit !f }'
}

# --- the kernel log ------------------------------------------------------

# The sequence number of the newest record in the kernel log.
kmsg_mark()
{
	dd if=/dev/kmsg iflag=nonblock bs=16k 2>/dev/null |
		awk '/^[0-9]/ { i = index($0, ";"); split(substr($0, 1, i - 1), h, ",");
				s = h[2] }
		     END { print s + 0 }'
}

# kmsg_since SEQ: the text of every record newer than SEQ, one a line (the
# "level,seq,time,flags;" header and the continuation lines dropped).
kmsg_since()
{
	dd if=/dev/kmsg iflag=nonblock bs=16k 2>/dev/null |
		awk -v s="$1" '/^[0-9]/ {
			i = index($0, ";"); split(substr($0, 1, i - 1), h, ",");
			if (h[2] + 0 > s + 0) print substr($0, i + 1) }'
}

# --- traffic -------------------------------------------------------------

# Everything pktsend sends in the lab waits a little for its replies, so
# that the order of lines does not depend on scheduling.
psend_c()
{
	nsx "$NS_C" "$PKTSEND" --wait "${PSEND_WAIT:-40}" "$@" ||
		diag "pktsend failed: $*"
}

psend_g()
{
	nsx "$NS_G" "$PKTSEND" --wait "${PSEND_WAIT:-40}" "$@" ||
		diag "pktsend (gateway) failed: $*"
}
