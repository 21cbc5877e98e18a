#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/nfct-craft.py - hand-made PPTP, GRE, SCTP and UDP
# exchanges between two lab namespaces, for conntrack to track
#
# Used by nfct-attrs.sh. One process plays both ends: it opens each
# socket in its namespace (setns(2) before socket(2); a socket stays in
# the namespace it was made in), so the order of packets is fixed and no
# second process has to be waited for. The kernel has no SCTP and no GRE
# endpoint (no CONFIG_IP_SCTP, no ip_gre): raw sockets send the packets,
# and receive them too, which keeps the receiving kernel from answering
# with ICMP protocol-unreachable.
#
# Usage: nfct-craft.py CLIENT_NS SERVER_NS CLIENT_ADDR SERVER_ADDR STEP...
# where STEP is one of
#   pptp:PNS_CALL:PAC_CALL   PPTP control connection to TCP 1723 (start
#                            session, outgoing call), then GREv1 both
#                            ways: the client sends call ID PAC_CALL, the
#                            server PNS_CALL; the control connection is
#                            left open until the process ends
#   grev0:KEY                GREv0 with key KEY both ways
#   sctp:SPORT:DPORT:CTAG:STAG:UPTO  an SCTP association, client tag CTAG,
#                            server tag STAG, up to UPTO: established
#                            (INIT ... COOKIE-ACK) or closed (then
#                            SHUTDOWN, SHUTDOWN-ACK, SHUTDOWN-COMPLETE)
#   sctpbad:SPORT:DPORT      an SCTP INIT whose checksum is wrong
#   udp:PORT                 one datagram from the client to PORT and the
#                            server's answer
#   tcp:PORT                 a TCP connection from the client to PORT:
#                            three octets each way, then closed
#   sleep:SECONDS
# Each exchange waits for its packets to arrive (5 s at most each) and
# the process exits 1 with a message if one did not. Between steps of the
# SCTP association it sleeps PAUSE seconds (env NFPT_PAUSE, 0.1), so that
# each state change is its own conntrack event.

import ctypes
import os
import select
import socket
import struct
import sys
import time

CLONE_NEWNET = 0x40000000
IPPROTO_GRE = 47
IPPROTO_SCTP = 132
WAIT = 5.0
PAUSE = float(os.environ.get("NFPT_PAUSE", "0.1"))

libc = ctypes.CDLL(None, use_errno=True)


def enter(ns):
    """Make this thread's network namespace NS (a name in /run/netns)."""
    fd = os.open("/run/netns/" + ns, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, "setns %s: %s" % (ns, os.strerror(err)))
    finally:
        os.close(fd)


def fail(msg):
    sys.stderr.write("nfct-craft: %s\n" % msg)
    sys.exit(1)


# --- CRC32c (Castagnoli, reflected 0x82F63B78), SCTP's checksum ---------

def _crc_table():
    tab = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        tab.append(c)
    return tab


CRC_TABLE = _crc_table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = CRC_TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


# --- raw IP: send a payload, wait for one from an address ----------------

def raw_socket(proto):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, proto)
    s.setblocking(False)
    return s


def raw_expect(sock, src, test, what):
    """Wait for an IPv4 packet from SRC whose payload satisfies TEST."""
    end = time.monotonic() + WAIT
    while True:
        left = end - time.monotonic()
        if left <= 0:
            fail("no %s from %s" % (what, src))
        r, _, _ = select.select([sock], [], [], left)
        if not r:
            continue
        pkt, addr = sock.recvfrom(65535)
        ihl = (pkt[0] & 0x0F) * 4
        if addr[0] == src and test(pkt[ihl:]):
            return pkt[ihl:]


# --- GRE ---------------------------------------------------------------

def gre_v1(call_id, seq):
    """Enhanced GRE (RFC 2637): K and S set, version 1, PPP, call ID."""
    payload = b"\xff\x03\x00\x21" + b"nfpt"
    return struct.pack("!HHHHI", 0x3001, 0x880B, len(payload), call_id,
                       seq) + payload


def gre_v0(key):
    """Plain GRE (RFC 2890) with a key, carrying a few octets."""
    payload = b"nfpt-grev0"
    return struct.pack("!HHI", 0x2000, 0x0800, key) + payload


def gre_both(cs, ss, caddr, saddr, to_server, to_client, what):
    for i in range(2):
        cs.sendto(to_server(i), (saddr, 0))
        raw_expect(ss, caddr, lambda p: p[:8] == to_server(i)[:8],
                   what + " to the server")
        ss.sendto(to_client(i), (caddr, 0))
        raw_expect(cs, saddr, lambda p: p[:8] == to_client(i)[:8],
                   what + " to the client")


# --- PPTP control messages (RFC 2637 section 2) -------------------------

def pptp_msg(ctrl_type, body):
    return struct.pack("!HHIHH", 12 + len(body), 1, 0x1A2B3C4D,
                       ctrl_type, 0) + body


def pptp_sccrq():
    return pptp_msg(1, struct.pack("!HBBIIHH64s64s", 0x0100, 0, 0, 1, 1,
                                   1, 1, b"nfpt-pns", b"nfpipe"))


def pptp_sccrp():
    return pptp_msg(2, struct.pack("!HBBIIHH64s64s", 0x0100, 1, 0, 1, 1,
                                   1, 1, b"nfpt-pac", b"nfpipe"))


def pptp_ocrq(call):
    return pptp_msg(7, struct.pack("!HHIIIIHHHH64s64s", call, 1, 300,
                                   100000000, 3, 3, 64, 0, 0, 0, b"", b""))


def pptp_ocrp(call, peer):
    return pptp_msg(8, struct.pack("!HHBBHIHHI", call, peer, 1, 0, 0,
                                   100000000, 64, 0, 0))


def recv_exact(sock, n):
    data = b""
    end = time.monotonic() + WAIT
    while len(data) < n:
        left = end - time.monotonic()
        if left <= 0:
            fail("TCP: %d of %d octets" % (len(data), n))
        r, _, _ = select.select([sock], [], [], left)
        if r:
            chunk = sock.recv(n - len(data))
            if not chunk:
                fail("TCP: connection closed")
            data += chunk
    return data


KEEP = []


def step_pptp(ns, addr, pns_call, pac_call):
    enter(ns[1])
    lsn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsn.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsn.bind((addr[1], 1723))
    lsn.listen(1)
    ss = raw_socket(IPPROTO_GRE)
    enter(ns[0])
    cs = raw_socket(IPPROTO_GRE)
    cli = socket.create_connection((addr[1], 1723), timeout=WAIT)
    cli.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    lsn.settimeout(WAIT)
    srv, _ = lsn.accept()
    srv.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    # One message a segment, each answered before the next is sent: the
    # conntrack helper reads whole messages from single segments.
    for req, rep in ((pptp_sccrq(), pptp_sccrp()),
                     (pptp_ocrq(pns_call), pptp_ocrp(pac_call, pns_call))):
        cli.sendall(req)
        recv_exact(srv, len(req))
        srv.sendall(rep)
        recv_exact(cli, len(rep))
    time.sleep(PAUSE)
    gre_both(cs, ss, addr[0], addr[1],
             lambda i: gre_v1(pac_call, i), lambda i: gre_v1(pns_call, i),
             "GREv1")
    KEEP.extend((lsn, cli, srv, cs, ss))


def step_grev0(ns, addr, key):
    enter(ns[1])
    ss = raw_socket(IPPROTO_GRE)
    enter(ns[0])
    cs = raw_socket(IPPROTO_GRE)
    gre_both(cs, ss, addr[0], addr[1], lambda i: gre_v0(key),
             lambda i: gre_v0(key), "GREv0")
    cs.close()
    ss.close()


# --- SCTP (RFC 9260) ---------------------------------------------------

def sctp_packet(sport, dport, vtag, chunks, spoil=0):
    body = b"".join(chunks)
    hdr = struct.pack("!HHII", sport, dport, vtag, 0)
    crc = crc32c(hdr + body) ^ spoil
    # The checksum goes in as the CRC's little-endian octets.
    return struct.pack("!HHI", sport, dport, vtag) + \
        struct.pack("<I", crc) + body


def chunk(ctype, flags, value):
    pad = (4 - len(value) % 4) % 4
    return struct.pack("!BBH", ctype, flags, 4 + len(value)) + value + \
        b"\0" * pad


def init_body(tag, tsn, cookie=None):
    v = struct.pack("!IIHHI", tag, 65536, 1, 1, tsn)
    if cookie is not None:
        v += struct.pack("!HH", 7, 4 + len(cookie)) + cookie
    return v


COOKIE = b"nfpt-cookie-0001"


def step_sctp(ns, addr, sport, dport, ctag, stag, upto):
    enter(ns[1])
    ss = raw_socket(IPPROTO_SCTP)
    enter(ns[0])
    cs = raw_socket(IPPROTO_SCTP)
    c2s = (cs, ss, addr[1], addr[0], sport, dport, stag)
    s2c = (ss, cs, addr[0], addr[1], dport, sport, ctag)

    def send(way, vtag, chunks, name):
        out, inp, dst, src, sp, dp, _ = way
        pkt = sctp_packet(sp, dp, vtag, chunks)
        out.sendto(pkt, (dst, 0))
        raw_expect(inp, src, lambda p: p == pkt, "SCTP " + name)
        time.sleep(PAUSE)

    send(c2s, 0, [chunk(1, 0, init_body(ctag, 1000))], "INIT")
    send(s2c, ctag, [chunk(2, 0, init_body(stag, 5000, COOKIE))],
         "INIT-ACK")
    send(c2s, stag, [chunk(10, 0, COOKIE)], "COOKIE-ECHO")
    send(s2c, ctag, [chunk(11, 0, b"")], "COOKIE-ACK")
    if upto == "closed":
        send(c2s, stag, [chunk(7, 0, struct.pack("!I", 4999))], "SHUTDOWN")
        send(s2c, ctag, [chunk(8, 0, b"")], "SHUTDOWN-ACK")
        send(c2s, stag, [chunk(14, 0, b"")], "SHUTDOWN-COMPLETE")
    cs.close()
    ss.close()


def step_sctp_bad(ns, addr, sport, dport):
    """An INIT with a wrong checksum, received by the server."""
    enter(ns[1])
    ss = raw_socket(IPPROTO_SCTP)
    enter(ns[0])
    cs = raw_socket(IPPROTO_SCTP)
    pkt = sctp_packet(sport, dport, 0,
                      [chunk(1, 0, init_body(0x5555, 1))], 0x00010000)
    cs.sendto(pkt, (addr[1], 0))
    raw_expect(ss, addr[0], lambda p: p == pkt, "SCTP INIT (bad checksum)")
    cs.close()
    ss.close()


# --- UDP -----------------------------------------------------------------

def step_udp(ns, addr, port):
    enter(ns[1])
    ss = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    ss.bind((addr[1], port))
    ss.settimeout(WAIT)
    enter(ns[0])
    cs = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    cs.settimeout(WAIT)
    cs.sendto(b"ping", (addr[1], port))
    try:
        data, peer = ss.recvfrom(100)
        ss.sendto(b"pong", peer)
        cs.recvfrom(100)
    except socket.timeout:
        fail("UDP to port %d: no exchange" % port)
    cs.close()
    ss.close()


# --- TCP -----------------------------------------------------------------

def step_tcp(ns, addr, port):
    """A TCP connection from the client: it says hi, the server answers.

    The client speaks first: behind SYNPROXY the server's socket may be
    completed only by the client's first segment (the proxy's own ACK to
    the server was seen ignored on 6.18, and the server then sends its
    SYN-ACK again a second later)."""
    enter(ns[1])
    lsn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsn.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsn.bind((addr[1], port))
    lsn.listen(1)
    lsn.settimeout(WAIT)
    enter(ns[0])
    try:
        cli = socket.create_connection((addr[1], port), timeout=WAIT)
        cli.sendall(b"hi\n")
        srv, _ = lsn.accept()
        if recv_exact(srv, 3) != b"hi\n":
            fail("TCP to port %d: wrong question" % port)
        srv.sendall(b"hello\n")
        if recv_exact(cli, 6) != b"hello\n":
            fail("TCP to port %d: wrong answer" % port)
    except OSError as e:
        fail("TCP to port %d: %s" % (port, e))
    srv.close()
    cli.close()
    lsn.close()


def main():
    if len(sys.argv) < 6:
        fail("usage: CLIENT_NS SERVER_NS CLIENT_ADDR SERVER_ADDR STEP...")
    ns = (sys.argv[1], sys.argv[2])
    addr = (sys.argv[3], sys.argv[4])
    for step in sys.argv[5:]:
        f = step.split(":")
        if f[0] == "pptp":
            step_pptp(ns, addr, int(f[1], 0), int(f[2], 0))
        elif f[0] == "grev0":
            step_grev0(ns, addr, int(f[1], 0))
        elif f[0] == "sctp":
            step_sctp(ns, addr, int(f[1]), int(f[2]), int(f[3], 0),
                      int(f[4], 0), f[5])
        elif f[0] == "sctpbad":
            step_sctp_bad(ns, addr, int(f[1]), int(f[2]))
        elif f[0] == "tcp":
            step_tcp(ns, addr, int(f[1]))
        elif f[0] == "udp":
            step_udp(ns, addr, int(f[1]))
        elif f[0] == "sleep":
            time.sleep(float(f[1]))
        else:
            fail("unknown step " + step)
    for s in KEEP:
        s.close()


if __name__ == "__main__":
    main()
