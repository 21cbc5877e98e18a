# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/traffic.sh - the packet mix of the PRINTPKT tests
#
# Sourced after lib.sh, in a lab made with LAB_MTU=1280. traffic_exact sends
# packets whose every field is fixed by pktsend's arguments; the replies
# the lab's kernels send back are fixed as well, except IPv4 IDs and IPv6
# fragment IDs they choose (see printpkt-ulogd.sh). traffic_marker then
# sends one UDP packet 10.77.1.2:9999 -> 10.77.2.2:9999, after which
# traffic_live uses ping and nc, whose ports, IDs and sequence numbers the
# kernel picks. Every step waits for its replies (PSEND_WAIT ms).
#
# What the gateway's hooks see, in order:
#   FORWARD  client <-> server: TCP with options and every flag, UDP, ICMP
#            echo, IPv4 fragments, IPv4 options, ESP, AH, SCTP, GRE, and
#            the server's replies (RST, port and protocol unreachable,
#            echo reply, reply fragments); IPv6 TCP, UDP, ICMPv6 echo,
#            hop-by-hop and destination options headers, fragments
#   INPUT    client -> gateway: echo, UDP and TCP to closed ports; the
#            server's port unreachable for the gateway's own packet
#   OUTPUT   the gateway's answers: echo reply, port unreachable, RST,
#            frag-needed, time exceeded, parameter problem, redirect,
#            IPv6 packet too big and time exceeded, its own UDP packets

C4=10.77.1.2
G4=10.77.1.1
GS4=10.77.2.1
S4=10.77.2.2
C6=fd77:1::2
G6=fd77:1::1
GS6=fd77:2::1
S6=fd77:2::2

traffic_exact()
{
	# TCP to a closed port: the server answers each with RST.
	psend_c tcp $C4 $S4 --sport 40001 --dport 81 --flags S --seq 1000 \
		--tcpopt mss=1460,sackok,ts=12345:0,nop,ws=7
	psend_c tcp $C4 $S4 --sport 40002 --dport 81 --flags A --seq 2000 \
		--ack 3000 --win 502
	psend_c tcp $C4 $S4 --sport 40003 --dport 81 --flags FA --seq 4000 \
		--ack 4500
	psend_c tcp $C4 $S4 --sport 40004 --dport 81 --flags R --seq 5000 \
		--win 0
	psend_c tcp $C4 $S4 --sport 40005 --dport 81 --flags UPA --seq 6000 \
		--ack 6500 --urgp 3 --data "urgent-data"
	psend_c tcp $C4 $S4 --sport 40006 --dport 81 --flags SEC --res 4 \
		--seq 7000 --tos 0x10
	# UDP to a closed port: port unreachable quoting it.
	psend_c udp $C4 $S4 --sport 40007 --dport 33434 --len 20
	# ICMP echo and its reply.
	psend_c icmp $C4 $S4 --id 77 --icmpseq 1 --len 56
	# Too big for the 1280-byte link, DF: the gateway's frag-needed.
	psend_c udp $C4 $S4 --sport 40008 --dport 9 --df --len 1400
	# Fragments of an echo request; the reply comes back fragmented.
	psend_c icmp $C4 $S4 --id 78 --icmpseq 1 --len 3000 --frag 1480 \
		--ipid 4243
	# TTL 1: the gateway's time exceeded.
	psend_c udp $C4 $S4 --sport 40009 --dport 9 --ttl 1 --ipid 4244
	# Valid IPv4 options (NOP NOP NOP EOL), forwarded and quoted back.
	psend_c udp $C4 $S4 --sport 40010 --dport 9 --ipopt 01010100 \
		--ipid 4245
	# A timestamp option of length 2: the gateway's parameter problem
	# pointing at byte 21.
	psend_c udp $C4 $S4 --sport 40011 --dport 9 --ipopt 44020000 \
		--ipid 4246
	# Protocols the server does not speak: protocol unreachable.
	psend_c esp $C4 $S4 --spi 0x1001 --len 16 --ipid 4247
	psend_c ah $C4 $S4 --spi 0x1002 --ipid 4248
	psend_c sctp $C4 $S4 --sport 40012 --dport 80 --ipid 4249
	psend_c gre $C4 $S4 --spi 0x1003 --len 20 --ipid 4250
	# Routed back out where it came from: a redirect, then forwarding.
	psend_c udp $C4 10.77.1.99 --sport 40013 --dport 9 --ipid 4251

	# The gateway itself: INPUT, and its answers on OUTPUT.
	psend_c icmp $C4 $G4 --id 80 --icmpseq 2 --len 8 --ipid 4252
	psend_c udp $C4 $G4 --sport 40014 --dport 33435 --len 4 --ipid 4253
	psend_c tcp $C4 $G4 --sport 40015 --dport 82 --flags S --seq 8000 \
		--ipid 4254
	# A packet from a socket of the gateway: OUTPUT with UID and GID.
	psend_g udp $GS4 $S4 --sport 40016 --dport 9 --len 3 --ipid 4255

	# IPv6 through the gateway.
	psend_c tcp $C6 $S6 --sport 40101 --dport 81 --flags S --seq 1000 \
		--tcpopt mss=1440,sackok,ts=12345:0,nop,ws=7
	psend_c udp $C6 $S6 --sport 40102 --dport 33434 --len 20 \
		--flowlabel 0x12345 --tos 0x28
	psend_c icmp6 $C6 $S6 --id 81 --icmpseq 1 --len 56
	psend_c icmp6 $C6 $S6 --id 82 --icmpseq 1 --len 16 --hbh
	psend_c udp $C6 $S6 --sport 40103 --dport 9 --len 8 --dstopt
	psend_c icmp6 $C6 $S6 --id 83 --icmpseq 1 --len 2000 --frag 1200 \
		--fragid 0x4d2
	# Too big for the 1280-byte link: the gateway's packet too big.
	psend_c udp $C6 $S6 --sport 40104 --dport 9 --len 1300
	# Hop limit 1: the gateway's time exceeded.
	psend_c udp $C6 $S6 --sport 40105 --dport 9 --ttl 1
	# The gateway itself.
	psend_c icmp6 $C6 $G6 --id 84 --icmpseq 2 --len 8
	psend_c tcp $C6 $G6 --sport 40106 --dport 82 --flags S --seq 9000
}

traffic_marker()
{
	psend_c udp $C4 $S4 --sport 9999 --dport 9999 --ipid 9999
}

# Real tools: the kernel chooses ports, IDs, sequence numbers, options.
traffic_live()
{
	nsx "$NS_C" ping -c 2 -i 0.2 -W 1 -q $S4 >/dev/null 2>&1 ||
		diag "ping failed"
	nsx "$NS_C" ping -6 -c 1 -W 1 -q $S6 >/dev/null 2>&1 ||
		diag "ping -6 failed"
	nsx "$NS_C" ping -M dont -s 3000 -c 1 -W 1 -q $S4 >/dev/null 2>&1 ||
		diag "ping -s 3000 failed"
	# IPv6 routers do not fragment: the first request draws the
	# gateway's packet too big, the second goes in 1280-byte fragments.
	nsx "$NS_C" ping -6 -s 3000 -c 2 -i 0.3 -W 1 -q $S6 >/dev/null 2>&1
	# A whole TCP connection with data, both families.
	_tcp_exchange $S4
	_tcp_exchange $S6
	sleep 0.1
}

_tcp_exchange()
{
	local pid

	bg_ns "$NS_S" timeout 5 nc -l "$1" 8080 </dev/null >/dev/null
	pid=$BG_PID
	# The listener is up when the server has a socket on 8080.
	wait_for 3 _listening 8080 ||
		diag "nc did not listen on $1"
	printf 'hello nfpipe\n' |
		nsx "$NS_C" timeout 5 nc -N -w 2 "$1" 8080 >/dev/null 2>&1 ||
		diag "nc to $1 failed"
	wait "$pid" 2>/dev/null
}

_listening()
{
	nsx "$NS_S" ss -Hltn "sport = :$1" | grep -q .
}
