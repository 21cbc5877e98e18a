#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/data/pcap/mkpcaps.py - writes the hand-made captures of this folder
#
# Every byte is spelled out here so that the unit tests can state what each
# key must be without asking the code. Run from this folder; the output is
# checked in (nflog-ns.pcap is not made here: tests/integration/replay-
# nflog.sh records it from a real kernel). The link types and encapsulations
# are laid out as pcap-linktype(7) and the RFCs named below describe them;
# tcpdump -r reads every one of these files back as the same packets.
import struct

def pcap(name, dlt, frames, swap=False, magic=0xa1b2c3d4):
    e = '>' if swap else '<'
    with open(name, 'wb') as f:
        f.write(struct.pack(e + 'IHHiIII', magic, 2, 4, 0, 0, 65535, dlt))
        for sec, usec, data in frames:
            f.write(struct.pack(e + 'IIII', sec, usec, len(data), len(data)))
            f.write(data)

# IPv4 ICMP echo request 10.0.0.1 -> 10.0.0.2, id 0x1234 seq 1, TTL 64
ipv4_icmp = bytes.fromhex(
    '4500001c abcd 4000 4001 0000 0a000001 0a000002'
    '0800 0000 1234 0001'.replace(' ', ''))
# IPv4 TCP SYN 192.168.1.10:40000 -> 192.168.1.20:22, seq 1000, win 64240
ipv4_tcp = bytes.fromhex(
    ('45000028 0001 0000 3f06 0000 c0a8010a c0a80114'
     '9c40 0016 000003e8 00000000 5002 faf0 0000 0000').replace(' ', ''))
# IPv6 UDP 2001:db8::1:5353 -> 2001:db8::2:53, hop limit 255
ipv6_udp = bytes.fromhex(
    ('60000000 0008 11 ff'
     '20010db8000000000000000000000001'
     '20010db8000000000000000000000002'
     '14e9 0035 0008 0000').replace(' ', ''))

mac_dst = bytes.fromhex('020000000002')
mac_src = bytes.fromhex('020000000001')

pcap('raw.pcap', 101, [(1700000000, 1, ipv4_icmp),
                       (1700000001, 500000, ipv6_udp)])
pcap('eth.pcap', 1, [
    (1700000100, 250, mac_dst + mac_src + b'\x08\x00' + ipv4_tcp),
    # the same SYN inside an 802.1Q tag (VLAN 5)
    (1700000100, 260, mac_dst + mac_src + b'\x81\x00\x00\x05\x08\x00' +
     ipv4_tcp)])
# SLL: outgoing (pkttype 4), ARPHRD_ETHER, 6-byte address, IPv6
pcap('sll.pcap', 113, [(1700000200, 7, struct.pack('>HHH', 4, 1, 6) +
                        mac_src + b'\0\0' + b'\x86\xdd' + ipv6_udp)])
# SLL2: IPv4, ifindex 7, ARPHRD_ETHER, incoming to us (pkttype 0)
pcap('sll2.pcap', 276, [(1700000300, 999999, struct.pack('>HHIHBB', 0x0800,
                         0, 7, 1, 0, 6) + mac_src + b'\0\0' + ipv4_icmp)],
     swap=True)

def tlv(t, v):
    n = 4 + len(v)
    return struct.pack('<HH', n, t) + v + b'\0' * ((4 - n % 4) % 4)

# DLT_NFLOG, group 5, family IPv4: the TCP SYN logged at forward with
# prefix "fw drop: ", mark 0x2a, in 3 out 4, uid/gid 1000/100 and the
# kernel's timestamp 1700000400.000123 (the pcap header says .000999)
nflog = (b'\x02\x00\x00\x05' +
         tlv(1, struct.pack('>HBB', 0x0800, 2, 0)) +
         tlv(2, struct.pack('>I', 0x2a)) +
         tlv(3, struct.pack('>QQ', 1700000400, 123)) +
         tlv(4, struct.pack('>I', 3)) + tlv(5, struct.pack('>I', 4)) +
         tlv(8, struct.pack('>HH', 6, 0) + mac_src + b'\0\0') +
         tlv(15, struct.pack('>H', 1)) +
         tlv(16, mac_dst + mac_src + b'\x08\x00') +
         tlv(17, struct.pack('>H', 14)) +
         tlv(10, b'fw drop: \0') +
         tlv(11, struct.pack('>I', 1000)) + tlv(14, struct.pack('>I', 100)) +
         tlv(9, ipv4_tcp))
# A frame whose prefix TLV claims more bytes than the frame has.
bad = b'\x02\x00\x00\x05' + struct.pack('<HH', 200, 10) + b'x' * 8
pcap('nflog.pcap', 239, [(1700000400, 999, nflog), (1700000401, 0, bad),
                         (1700000402, 0, nflog)])
open('frames/nflog-good.bin', 'wb').write(nflog)
open('frames/nflog-bad-len.bin', 'wb').write(bad)
open('frames/nflog-short.bin', 'wb').write(nflog[:37])
open('frames/nflog-zero-tlv.bin', 'wb').write(b'\x02\x00\x00\x05\0\0\0\0')

# ---- the other link types and encapsulations (issue 10) -------------------

# IPv4 UDP 172.16.0.1:1234 -> 172.16.0.2:53, 4 bytes of data, TTL 64
ipv4_udp = bytes.fromhex(
    ('45000020 0002 0000 4011 0000 ac100001 ac100002'
     '04d2 0035 000c 0000 61626364').replace(' ', ''))
# IPv6 TCP [2001:db8:1::1]:443 -> [2001:db8:2::2]:50000, SYN-ACK
ipv6_tcp = bytes.fromhex(
    ('60000000 0014 06 40'
     '20010db8000100000000000000000001'
     '20010db8000200000000000000000002'
     '01bb c350 00000064 000003e9 5012 ffff 0000 0000').replace(' ', ''))
mac_src2 = bytes.fromhex('020000000003')

def frames_of(name, frames):
    open('frames/' + name + '.bin', 'wb').write(frames[0][2])

def cap(name, dlt, frames, swap=False):
    """name.pcap, and its first frame as a fuzz seed frames/name.bin"""
    pcap(name + '.pcap', dlt, frames, swap)
    frames_of(name, frames)

T = 1700001000

# DLT_NULL: the family in the writer's byte order (little-endian AF_INET,
# big-endian AF_INET6 of macOS (30), little-endian FreeBSD's (28)); a
# family that is not IP (AF_APPLETALK 16); a frame cut inside the header.
cap('null', 0, [(T, 1, struct.pack('<I', 2) + ipv4_udp),
                (T, 2, struct.pack('>I', 30) + ipv6_udp),
                (T, 3, struct.pack('<I', 28) + ipv6_tcp),
                (T, 4, struct.pack('<I', 16) + b'\0' * 20),
                (T, 5, b'\x02\x00')])
# DLT_LOOP (OpenBSD): network order, AF_INET and AF_INET6 (24).
cap('loop', 108, [(T + 1, 1, struct.pack('>I', 2) + ipv4_tcp),
                  (T + 1, 2, struct.pack('>I', 24) + ipv6_udp)])
# DLT_PPP (RFC 1662 framing): ff 03 + IPv4; no address and control (ACFC)
# + IPv6; LCP echo request (not IP); a compressed protocol field (PFC).
cap('ppp', 9, [(T + 2, 1, b'\xff\x03\x00\x21' + ipv4_icmp),
               (T + 2, 2, b'\x00\x57' + ipv6_udp),
               (T + 2, 3, b'\xff\x03\xc0\x21\x09\x01\x00\x08\0\0\0\0'),
               (T + 2, 4, b'\xff\x03\x21' + ipv4_udp)])
# DLT_PPP_SERIAL: PPP in HDLC framing, and Cisco HDLC on the same link.
cap('ppp_serial', 50, [(T + 3, 1, b'\xff\x03\x00\x21' + ipv4_tcp),
                       (T + 3, 2, b'\x0f\x00\x08\x00' + ipv4_udp)])
# DLT_C_HDLC: unicast IPv4, broadcast IPv6, a SLARP keepalive (0x8035).
cap('chdlc', 104, [(T + 4, 1, b'\x0f\x00\x08\x00' + ipv4_udp),
                   (T + 4, 2, b'\x8f\x00\x86\xdd' + ipv6_udp),
                   (T + 4, 3, b'\x8f\x00\x80\x35' + b'\0' * 18)])
# Direction byte variants: PPP_WITH_DIR sent, PPP_PPPD received (the
# direction replaces the ff), C_HDLC_WITH_DIR sent.
cap('ppp_dir', 204, [(T + 5, 1, b'\x01\xff\x03\x00\x21' + ipv4_udp)])
cap('ppp_pppd', 166, [(T + 5, 2, b'\x00\x03\x00\x57' + ipv6_udp)])
cap('chdlc_dir', 205, [(T + 5, 3, b'\x01\x0f\x00\x08\x00' + ipv4_tcp)])
# IPV4 and IPV6 (228, 229), and DLT_RAW as Linux (12) and OpenBSD (14)
# number it in files written without the LINKTYPE mapping.
cap('ipv4', 228, [(T + 6, 1, ipv4_udp)])
cap('ipv6', 229, [(T + 6, 2, ipv6_tcp)])
cap('raw12', 12, [(T + 6, 3, ipv6_udp)])
cap('raw14', 14, [(T + 6, 4, ipv4_tcp)])

# PPPoE session (RFC 2516): version/type 0x11, code 0, session, length.
def pppoe(proto, payload, length=None):
    n = len(payload) + 2 if length is None else length
    return b'\x11\x00\x12\x34' + struct.pack('>HH', n, proto) + payload

eth = mac_dst + mac_src
# IPv4 in PPPoE, padded to Ethernet's 60 bytes; IPv6 in PPPoE in a VLAN;
# LCP in a session (not IP); a PADI of the discovery stage (0x8863:
# passed on as a non-IP frame); a session header of the wrong version.
pppoe_icmp = eth + b'\x88\x64' + pppoe(0x21, ipv4_icmp)
cap('pppoe', 1, [
    (T + 7, 1, pppoe_icmp + b'\0' * (60 - len(pppoe_icmp))),
    (T + 7, 2, eth + b'\x81\x00\x00\x07\x88\x64' + pppoe(0x57, ipv6_udp)),
    (T + 7, 3, eth + b'\x88\x64' + pppoe(0xc021, b'\x09\x01\x00\x04')),
    (T + 7, 4, b'\xff' * 6 + mac_src + b'\x88\x63\x11\x09\x00\x00\x00\x00'),
    (T + 7, 5, eth + b'\x88\x64\x21\x00\x12\x34\x00\x04\x00\x21')])
# DLT_PPP_ETHER: the PPPoE header without Ethernet.
cap('ppp_ether', 51, [(T + 7, 6, pppoe(0x21, ipv4_tcp))])
# Cisco FabricPath: outer switch addresses, 0x8903, FTag/TTL, then the
# host's frame; the second with an 802.1Q tag inside.
fp = bytes.fromhex('0200000000aa') + bytes.fromhex('0200000000bb') + \
    b'\x89\x03\x00\x3f'
cap('fabricpath', 1, [
    (T + 8, 1, fp + mac_dst + mac_src2 + b'\x08\x00' + ipv4_udp),
    (T + 8, 2, fp + mac_dst + mac_src2 + b'\x81\x00\x00\x09\x86\xdd' +
     ipv6_tcp),
    (T + 8, 3, fp + mac_dst)])
# MPLS (RFC 3032): two labels then IPv4; one label then IPv6; a label,
# a pseudowire control word and an Ethernet frame (not IP: passed on as
# MPLS); a label stack cut before its bottom.
def label(n, bos):
    return struct.pack('>I', n << 12 | bos << 8 | 64)
cap('mpls', 1, [
    (T + 15, 1, eth + b'\x88\x47' + label(100, 0) + label(200, 1) + ipv4_udp),
    (T + 15, 2, eth + b'\x88\x47' + label(300, 1) + ipv6_tcp),
    (T + 15, 3, eth + b'\x88\x47' + label(400, 1) + b'\0' * 4 + eth +
     b'\x08\x00' + ipv4_icmp),
    (T + 15, 4, eth + b'\x88\x47' + label(500, 0) + b'\x00\x01')])

# 802.1ad + 802.1Q (QinQ), the old 0x9100 outer tag, and 802.3 with an
# LLC/SNAP header.
cap('qinq', 1, [
    (T + 9, 1, eth + b'\x88\xa8\x00\x64\x81\x00\x00\x05\x08\x00' + ipv4_udp),
    (T + 9, 2, eth + b'\x91\x00\x00\x64\x81\x00\x00\x05\x86\xdd' + ipv6_udp),
    (T + 9, 3, eth + struct.pack('>H', 8 + len(ipv4_icmp)) +
     b'\xaa\xaa\x03\x00\x00\x00\x08\x00' + ipv4_icmp)])

# 802.11 data frames: frame control (little-endian), duration, addresses,
# sequence; then LLC/SNAP. From the DS: addr1 dst, addr2 BSSID, addr3 src.
bssid = bytes.fromhex('0200000000cc')
llc = b'\xaa\xaa\x03\x00\x00\x00'
def wlan_data(payload, et=b'\x08\x00'):
    return (b'\x08\x02\x00\x00' + mac_dst + bssid + mac_src + b'\x10\x00' +
            llc + et + payload)
# QoS data to the DS (addr2 is the source), a beacon, a protected frame.
cap('wlan', 105, [
    (T + 10, 1, b'\x88\x01\x00\x00' + bssid + mac_src + mac_dst +
     b'\x20\x00' + b'\x00\x00' + llc + b'\x08\x00' + ipv4_icmp),
    (T + 10, 2, b'\x80\x00\x00\x00' + b'\xff' * 6 + bssid + bssid +
     b'\x30\x00' + b'\0' * 12),
    (T + 10, 3, b'\x08\x41\x00\x00' + mac_dst + bssid + mac_src +
     b'\x40\x00' + b'\0' * 16)])
# Radiotap: present = TSFT | Flags, TSFT at 8, Flags 0x10 (FCS at the end)
# at 16, header 18 bytes; then the data frame and its 4-byte FCS.
rt = struct.pack('<BBHI', 0, 0, 18, 3) + struct.pack('<Q', 1) + b'\x10\x00'
# The second: Flags 0x20, a QoS data frame (26 bytes) padded to 28.
rt_pad = struct.pack('<BBHI', 0, 0, 18, 3) + struct.pack('<Q', 2) + \
    b'\x20\x00'
cap('radiotap', 127, [
    (T + 11, 1, rt + wlan_data(ipv6_udp, b'\x86\xdd') + b'\xde\xad\xbe\xef'),
    (T + 11, 2, rt_pad + b'\x88\x02\x00\x00' + mac_dst + bssid + mac_src +
     b'\x50\x00' + b'\x00\x00' + b'\0\0' + llc + b'\x08\x00' + ipv4_udp)])
# PPI: version 0, flags 0, length, the inner DLT; then fields. The first
# frame: a 24-byte 802.11-Common field (type 2: TSF, flags 0x0001 "FCS at
# the end", rate, channel, ...), 802.11 inside and its FCS; then Ethernet
# inside; then a link type this input does not read (USER0, 147).
def ppi(dlt, field=b''):
    return struct.pack('<BBHI', 0, 0, 8 + len(field), dlt) + field
common = struct.pack('<HH', 2, 20) + struct.pack('<QHHHHBBbb', 1, 1, 2, 2412,
                                                 0xa0, 0, 0, -40, -90)
cap('ppi', 192, [
    (T + 12, 1, ppi(105, common) + wlan_data(ipv4_tcp) + b'\xde\xad\xbe\xef'),
    (T + 12, 2, ppi(1) + eth + b'\x86\xdd' + ipv6_tcp),
    (T + 12, 3, ppi(147) + b'\0' * 20)])

# A link type this input does not read, that libpcap names: FDDI.
pcap('fddi.pcap', 10, [(T + 13, 0, b'\0' * 20)])

# The nanosecond pcap format (magic a1b23c4d), big-endian: IPv4 in
# DLT_LOOP at .123456789 s, which the input sees as .123456.
pcap('loop-ns.pcap', 108, [(T + 14, 123456789,
                            struct.pack('>I', 2) + ipv4_udp)],
     swap=True, magic=0xa1b23c4d)

# ---- pcapng (read by libpcap's pcap_open_offline like any capture) -------

def pcapng(name, linktype, frames, tsresol=None, swap=False):
    e = '>' if swap else '<'
    def block(btype, body):
        body += b'\0' * ((4 - len(body) % 4) % 4)
        n = 12 + len(body)
        return struct.pack(e + 'II', btype, n) + body + struct.pack(e + 'I', n)
    out = block(0x0a0d0d0a, struct.pack(e + 'IHHq', 0x1a2b3c4d, 1, 0, -1))
    opts = b''
    if tsresol is not None:
        # if_tsresol (9): one byte, 10^-N seconds; then opt_endofopt
        opts = struct.pack(e + 'HH', 9, 1) + bytes([tsresol]) + b'\0' * 3 + \
            struct.pack(e + 'HH', 0, 0)
    out += block(1, struct.pack(e + 'HHI', linktype, 0, 0) + opts)
    unit = 10 ** (tsresol if tsresol is not None else 6)
    for sec, frac, data in frames:
        ts = sec * unit + frac
        out += block(6, struct.pack(e + 'IIIII', 0, ts >> 32,
                                    ts & 0xffffffff, len(data), len(data)) +
                     data)
    open(name, 'wb').write(out)

# Ethernet, nanosecond timestamps, little-endian: IPv4 UDP, then IPv6 TCP
# in PPPoE. Then a big-endian section of DLT_NULL at microseconds.
pcapng('eth.pcapng', 1, [
    (T + 20, 123456789, eth + b'\x08\x00' + ipv4_udp),
    (T + 20, 987654321, eth + b'\x88\x64' + pppoe(0x57, ipv6_tcp))],
    tsresol=9)
pcapng('null-be.pcapng', 0, [(T + 21, 42, struct.pack('>I', 2) + ipv4_tcp)],
       swap=True)
