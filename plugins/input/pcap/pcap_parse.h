/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input/pcap - the pure frame decoder of the PCAP input
 *
 * Bytes in, a struct nflog_pkt out: pcapin_decode() turns one captured frame
 * of a supported link type into what the NFLOG input would have parsed from
 * the kernel for the same packet, so the NFLOG input's nflog_fill() sets the
 * very same keys. Nothing here allocates, prints or reads a file, so the
 * unit tests and the fuzzer drive it directly. Every length is checked
 * before it is read; the pointers in the result point into the frame.
 */
#ifndef NFP_PCAP_PARSE_H
#define NFP_PCAP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nflog_parse.h"

/*
 * Link types (DLT_* as libpcap hands them; LINKTYPE_* in files, which
 * libpcap maps to its DLT_* but which PPI headers carry as they are).
 */
#define PCAPIN_DLT_NULL		0   /* BSD loopback, host-order family */
#define PCAPIN_DLT_EN10MB	1   /* Ethernet */
#define PCAPIN_DLT_PPP		9   /* PPP, maybe with ff 03 in front */
#define PCAPIN_DLT_RAW		12  /* bare IPv4/IPv6 (Linux's value) */
#define PCAPIN_DLT_RAW_OPENBSD	14  /* DLT_RAW as OpenBSD numbers it */
#define PCAPIN_DLT_PPP_SERIAL	50  /* PPP in HDLC framing, or Cisco HDLC */
#define PCAPIN_DLT_PPP_ETHER	51  /* PPPoE header, no Ethernet */
#define PCAPIN_LINKTYPE_RAW	101 /* DLT_RAW as files store it */
#define PCAPIN_DLT_C_HDLC	104 /* Cisco HDLC */
#define PCAPIN_DLT_IEEE802_11	105 /* 802.11 frames, no radio header */
#define PCAPIN_DLT_LOOP		108 /* OpenBSD loopback, network order */
#define PCAPIN_DLT_LINUX_SLL	113 /* tcpdump -i any, old header */
#define PCAPIN_DLT_RADIOTAP	127 /* 802.11 behind a radiotap header */
#define PCAPIN_DLT_PPP_PPPD	166 /* PPP, direction byte for the ff */
#define PCAPIN_DLT_PPI		192 /* Per-Packet Information, then a DLT */
#define PCAPIN_DLT_PPP_WITH_DIR 204 /* direction byte, then PPP */
#define PCAPIN_DLT_C_HDLC_DIR	205 /* direction byte, then Cisco HDLC */
#define PCAPIN_DLT_IPV4		228 /* bare IPv4 */
#define PCAPIN_DLT_IPV6		229 /* bare IPv6 */
#define PCAPIN_DLT_NFLOG	239 /* tcpdump -i nflog:N */
#define PCAPIN_DLT_LINUX_SLL2	276 /* tcpdump -i any, new header */

/* Why a frame was not decoded: pcapin_decode()'s negative returns. */
#define PCAPIN_ESHORT  (-1) /* shorter than its link header */
#define PCAPIN_EBADTLV (-2) /* DLT_NFLOG: a TLV runs past the end */
#define PCAPIN_EBADVER (-3) /* DLT_NFLOG: unknown header version */
#define PCAPIN_EDLT    (-4) /* a link type this input cannot read */
#define PCAPIN_ENOTIP  (-5) /* no ethertype, and its protocol is not IP */
#define PCAPIN_EBADHDR (-6) /* a link or tunnel header makes no sense */

/* True when pcapin_decode() can read frames of link type @dlt. */
bool pcapin_dlt_supported(int dlt);

/*
 * Decode the frame @data of @caplen captured bytes, link type @dlt, into
 * @out (zeroed first). For DLT_NFLOG @out gets what the TLVs carry
 * (prefix, group, mark, interfaces, uid/gid, hardware header, time,
 * payload); for the other link types the family and ethertype come from
 * the link header, the hook is prerouting (postrouting for frames SLL marks
 * outgoing) and the time is left to the caller (NFLOG_HAS_TS unset).
 * Encapsulations are walked to the packet inside: 802.1Q/802.1ad tags,
 * LLC/SNAP, PPPoE sessions, MPLS labels, Cisco FabricPath, the PPI header. A
 * frame that has an ethertype but no IP in it (ARP, LLDP, PPPoE discovery)
 * still decodes, with that ethertype and family ARP or bridge, as NFLOG would
 * log it from a bridge. One with no ethertype whose protocol is not IP (a
 * PPP control protocol, a loopback family not IP, an 802.11 management
 * frame) returns PCAPIN_ENOTIP with that protocol in out->hw_protocol.
 * Returns 0, or one of PCAPIN_E* with out->why saying what was wrong.
 */
int pcapin_decode(int dlt, const uint8_t *data, uint32_t caplen,
		  struct nflog_pkt *out);

/*
 * The DLT_NFLOG part alone, for the fuzzer: @data starts at the 4-byte
 * nflog header. TLV lengths and types are in the reader's byte order
 * (libpcap swaps them for files written on the other endianness); values
 * are big-endian as the kernel sends them.
 */
int pcapin_nflog_tlvs(const uint8_t *data, uint32_t len, struct nflog_pkt *out);

/* True when @family (NFPROTO_*) is IPv4 or IPv6. */
static inline bool pcapin_is_ip(uint8_t family)
{
	return family == 2 || family == 10;
}

/* Ethertype to netfilter family (NFPROTO_*): 2, 10, 3, else 7 (bridge). */
uint8_t pcapin_family(uint16_t ethertype);

#endif /* NFP_PCAP_PARSE_H */
