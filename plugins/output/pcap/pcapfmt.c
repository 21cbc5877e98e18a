/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/pcap - pcap file header and records, raw IP and NFLOG
 *
 * See pcapfmt.h for the layout. No I/O here.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "pcapfmt.h"

static void h32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void h16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

void pcap_file_header(uint8_t *hdr, uint32_t linktype)
{
	h32(hdr, PCAP_MAGIC);
	h16(hdr + 4, 2);		/* version 2.4 */
	h16(hdr + 6, 4);
	h32(hdr + 8, 0);		/* thiszone: times are UTC */
	h32(hdr + 12, 0);		/* sigfigs */
	h32(hdr + 16, PCAP_SNAPLEN);
	h32(hdr + 20, linktype);
}

int pcap_header_check(const uint8_t *hdr, uint32_t linktype)
{
	uint32_t magic, lt;

	memcpy(&magic, hdr, 4);
	memcpy(&lt, hdr + 20, 4);
	/* The upper 16 bits of the link type field may carry FCS flags. */
	return magic == PCAP_MAGIC && (lt & 0xffff) == linktype ? 0 : -EINVAL;
}

uint8_t pcap_guess_family(const void *pkt, uint32_t len)
{
	const uint8_t *p = pkt;

	if (!len)
		return 0;
	if (p[0] >> 4 == 4)
		return AF_INET;
	if (p[0] >> 4 == 6)
		return AF_INET6;
	return 0;
}

static uint32_t orig_len(uint8_t family, const uint8_t *p, uint32_t len)
{
	uint32_t ip;

	if (family == AF_INET && len >= 4 && p[0] >> 4 == 4)
		ip = (uint32_t)p[2] << 8 | p[3];
	else if (family == AF_INET6 && len >= 6 && p[0] >> 4 == 6)
		ip = 40 + ((uint32_t)p[4] << 8 | p[5]);
	else
		return len;
	return ip > len ? ip : len;
}

#define TLV_ALIGN(n) (((n) + 3u) & ~3u)

size_t pcap_record_size(bool nflog, const struct pcap_meta *m, uint32_t len)
{
	size_t n = PCAP_REC_HDR + len;

	if (!nflog)
		return n;
	/* Header, and every TLV at its largest. */
	return n + 4 + 4 * 12 + 4 + 16 + 8 + 8 + 8 + 8 + 8 + 8 + 8 +
	       TLV_ALIGN(m->prefix_len + 1) + TLV_ALIGN(m->mac_len) + 4 +
	       TLV_ALIGN(len) + 4;
}

/* One TLV: host-order length (without padding) and type, value, padding. */
static uint8_t *tlv(uint8_t *d, uint16_t type, const void *v, uint32_t len)
{
	uint32_t pad = TLV_ALIGN(len) - len;

	h16(d, (uint16_t)(4 + len));
	h16(d + 2, type);
	memcpy(d + 4, v, len);
	memset(d + 4 + len, 0, pad);
	return d + 4 + len + pad;
}

static uint8_t *tlv_be32(uint8_t *d, uint16_t type, uint32_t v)
{
	v = htonl(v);
	return tlv(d, type, &v, 4);
}

size_t pcap_record(char *out, bool nflog, const struct pcap_meta *m,
		   const void *pkt, uint32_t len)
{
	uint8_t *d = (uint8_t *)out, *rec = d + PCAP_REC_HDR;
	uint32_t olen = orig_len(m->family, pkt, len), extra;

	if (!nflog) {
		memcpy(rec, pkt, len);
		d = rec + len;
		extra = 0;
	} else {
		uint8_t ph[4], ts[16];
		uint16_t be16;
		uint64_t be;

		rec[0] = m->family;
		rec[1] = 0;			/* NFULNL version */
		be16 = htons(m->group);
		memcpy(rec + 2, &be16, 2);
		d = rec + 4;
		be16 = htons(m->protocol);
		memcpy(ph, &be16, 2);
		ph[2] = m->hook;
		ph[3] = 0;
		d = tlv(d, PCAP_NFULA_PACKET_HDR, ph, 4);
		if (m->prefix)
			/* The kernel sends the prefix with its NUL. */
			d = tlv(d, PCAP_NFULA_PREFIX, m->prefix,
				m->prefix_len + 1);
		if (m->has_time) {
			be = htobe64(m->sec);
			memcpy(ts, &be, 8);
			be = htobe64(m->usec);
			memcpy(ts + 8, &be, 8);
			d = tlv(d, PCAP_NFULA_TIMESTAMP, ts, 16);
		}
		if (m->ifindex_in)
			d = tlv_be32(d, PCAP_NFULA_IFINDEX_INDEV,
				     m->ifindex_in);
		if (m->ifindex_out)
			d = tlv_be32(d, PCAP_NFULA_IFINDEX_OUTDEV,
				     m->ifindex_out);
		if (m->has_mark)
			d = tlv_be32(d, PCAP_NFULA_MARK, m->mark);
		if (m->has_uid)
			d = tlv_be32(d, PCAP_NFULA_UID, m->uid);
		if (m->has_gid)
			d = tlv_be32(d, PCAP_NFULA_GID, m->gid);
		if (m->mac) {
			if (m->has_hwtype) {
				be16 = htons(m->hwtype);
				d = tlv(d, PCAP_NFULA_HWTYPE, &be16, 2);
			}
			be16 = htons((uint16_t)m->mac_len);
			d = tlv(d, PCAP_NFULA_HWLEN, &be16, 2);
			d = tlv(d, PCAP_NFULA_HWHEADER, m->mac, m->mac_len);
		}
		d = tlv(d, PCAP_NFULA_PAYLOAD, pkt, len);
		/* What precedes the packet counts in both lengths. */
		extra = (uint32_t)(d - rec) - TLV_ALIGN(len);
		/* The payload TLV pads to 4 bytes: those bytes are
		 * captured too. */
		extra += TLV_ALIGN(len) - len;
	}
	h32((uint8_t *)out, m->sec);
	h32((uint8_t *)out + 4, m->usec);
	h32((uint8_t *)out + 8, (uint32_t)(d - rec));
	h32((uint8_t *)out + 12, olen + extra);
	return (size_t)(d - (uint8_t *)out);
}
