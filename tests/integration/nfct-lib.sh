# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/nfct-lib.sh - what the NFCT and NFACCT tests share
#
# Sourced after lib.sh (the lab, TAP, nfpiped control). Adds:
#  - need_cmd CMD PKG: install Debian package PKG when CMD is missing
#    (a fresh machine lacks conntrack, nfacct, socat), else bail out;
#  - ct_lab [ftp]: the lab with masquerading NAT on the gateway and a rule
#    using conntrack (`ct state new`), so that the gateway tracks and
#    reports connections; with ftp, the FTP helper on TCP port 21;
#  - ct_watch FILE: `conntrack -E -o timestamp,extended,id` in the gateway,
#    the reference every test compares nfpipe with;
#  - gp_rec FILE KEY=VALUE [KEY=VALUE...]: the GPRINT lines holding every
#    pair; gp_get LINE KEY: one value of such a line;
#  - ct_line FILE EVENT PROTO PORT: conntrack's line for that event of the
#    flow with that destination port (or ICMP type with PROTO icmp);
#    ct_nth LINE KEY N: the N-th KEY= value of it (tuples repeat keys);
#  - nfp_counter NAME PID INST KEY: a counter from a SIGUSR1 dump in
#    $T/NAME.log;
#  - wait_listen, tcp_once, udp_once: servers and one-shot clients.

need_cmd()
{
	command -v "$1" >/dev/null 2>&1 && return 0
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" \
			>"$T/apt-$2.log" 2>&1
	fi
	require_cmd "$1"
}

ct_lab()
{
	local helper="" rule=""

	if [ "$1" = ftp ]; then
		helper='ct helper ftp-std {
		type "ftp" protocol tcp
	}'
		rule='tcp dport 21 ct helper set "ftp-std"'
	fi
	lab_up
	nft_gw "
table ip nat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname \"g1\" masquerade
	}
}
table inet nfct {
	$helper
	chain pre {
		type filter hook prerouting priority 0; policy accept;
		$rule
		ct state new counter
	}
}"
}

ct_watch()
{
	bg_ns "$NS_G" conntrack -E -o timestamp,extended,id >"$1" 2>&1
	CT_PID=$BG_PID
	# conntrack prints nothing until the first event; give it its socket.
	sleep 0.3
}

ct_unwatch()
{
	kill -TERM "$CT_PID" 2>/dev/null
	wait "$CT_PID" 2>/dev/null
}

gp_rec()
{
	local file=$1 pat

	shift
	pat=$(printf '%s\n' "$@")
	awk -v pat="$pat" 'BEGIN { n = split(pat, want, "\n") }
	{
		split($0, kv, ",")
		for (i in kv) have[kv[i]] = 1
		ok = 1
		for (i = 1; i <= n; i++) if (!(want[i] in have)) ok = 0
		if (ok) print
		delete have
	}' "$file"
}

gp_get()
{
	printf '%s\n' "$1" | tr ',' '\n' | sed -n "s/^$2=//p" | head -1
}

ct_line()
{
	local file=$1 ev=$2 proto=$3 port=$4

	if [ "$proto" = icmp ]; then
		grep -F "[$ev]" "$file" | grep -E " icmp +1 " |
			grep -E " type=$port " | head -1
	else
		grep -F "[$ev]" "$file" | grep -E " $proto +[0-9]+ " |
			grep -E " dport=$port " | head -1
	fi
}

ct_nth()
{
	printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | sed -n "${3}p"
}

nfp_counter()
{
	local name=$1 pid=$2 inst=$3 key=$4 before

	before=$(grep -c ' counters: ' "$T/$name.log" 2>/dev/null)
	kill -USR1 "$pid"
	wait_for 5 _more_counters "$name" "${before:-0}" ||
		{ echo -1; return; }
	grep "\\[$inst\\] counters: " "$T/$name.log" | tail -1 |
		tr ' ' '\n' | sed -n "s/^$key=//p"
}

_more_counters()
{
	[ "$(grep -c ' counters: ' "$T/$1.log" 2>/dev/null)" -gt "$2" ]
}

# has_matches N REGEX FILE: FILE has at least N lines matching REGEX (for
# wait_for, which runs it again each time).
has_matches()
{
	[ "$(count_matches "$2" "$3")" -ge "$1" ]
}

# wait_listen NS PORT [udp]: until something listens on PORT in NS.
wait_listen()
{
	local opt=-Hltn

	[ "$3" = udp ] && opt=-Hlun
	wait_for 5 _listening "$1" "$opt" "$2"
}

_listening()
{
	[ -n "$(nsx "$1" ss "$2" "sport = :$3" 2>/dev/null)" ]
}

# tcp_once NS ADDR PORT: one short TCP exchange from namespace NS.
tcp_once()
{
	nsx "$1" socat -T2 - "TCP:$2:$3" </dev/null >/dev/null 2>&1
}

# udp_once NS ADDR PORT: "ping\n" and its 5-octet answer (from a server
# started with udp_echo_server); leaves as soon as the answer came, waits
# up to 10 s for it (a loaded machine), fails without it.
udp_once()
{
	[ "$(echo ping | nsx "$1" socat -t10 - "UDP:$2:$3,readbytes=5" \
		2>/dev/null)" = ping ]
}

# udp_echo_server NS PORT: echoes each datagram from socat's own process. A
# forked `echo` (SYSTEM:) can be gone when socat writes the query to it
# (EPIPE), and then no answer comes.
udp_echo_server()
{
	bg_ns "$1" socat -T2 "UDP-LISTEN:$2,reuseaddr,fork" PIPE
}
