#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/data/pcap/mkpcaps.py - writes the hand-made captures of this folder
#
# Every byte is spelled out here so that the unit tests can state what each
# key must be without asking the code. Run from this folder; the output is
# checked in (nflog-ns.pcap is not made here: tests/integration/replay-
# nflog.sh records it from a real kernel).
import struct

def pcap(name, dlt, frames, swap=False):
    e = '>' if swap else '<'
    with open(name, 'wb') as f:
        f.write(struct.pack(e + 'IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, dlt))
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
