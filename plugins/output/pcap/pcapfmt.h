/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/pcap - pcap file and record layout, apart from the file code
 *
 * Pure functions (bytes in, bytes out) so that the unit tests can check
 * records byte for byte. The file format is classic pcap (magic 0xa1b2c3d4
 * in this host's byte order, microsecond timestamps); LINKTYPE_NFLOG
 * records follow tcpdump's and the kernel's layout: a 4-byte header
 * (family, version 0, resource id big-endian), then TLVs whose length and
 * type are in host order and whose values are as nfnetlink_log sends them
 * (big-endian), each padded to 4 bytes.
 */
#ifndef NFP_PCAPFMT_H
#define NFP_PCAPFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCAP_MAGIC	0xa1b2c3d4u	/* microsecond timestamps */
#define PCAP_LT_RAW	101u		/* LINKTYPE_RAW: IPv4 or IPv6 */
#define PCAP_LT_NFLOG	239u		/* LINKTYPE_NFLOG */
#define PCAP_SNAPLEN	262144u		/* as tcpdump's default */
#define PCAP_FILE_HDR	24		/* bytes of the file header */
#define PCAP_REC_HDR	16		/* bytes of a record header */

/* NFULA_* attribute types of nfnetlink_log, as LINKTYPE_NFLOG uses them. */
enum {
	PCAP_NFULA_PACKET_HDR = 1,
	PCAP_NFULA_MARK = 2,
	PCAP_NFULA_TIMESTAMP = 3,
	PCAP_NFULA_IFINDEX_INDEV = 4,
	PCAP_NFULA_IFINDEX_OUTDEV = 5,
	PCAP_NFULA_PAYLOAD = 9,
	PCAP_NFULA_PREFIX = 10,
	PCAP_NFULA_UID = 11,
	PCAP_NFULA_GID = 14,
	PCAP_NFULA_HWTYPE = 15,
	PCAP_NFULA_HWHEADER = 16,
	PCAP_NFULA_HWLEN = 17,
};

/* What a record carries besides the packet. */
struct pcap_meta {
	uint32_t sec, usec;	/* packet time */
	bool has_time;		/* the time came from the kernel */
	uint8_t family;		/* AF_INET, AF_INET6, AF_BRIDGE... */
	uint16_t group;		/* nflog: resource id */
	uint16_t protocol;	/* nflog: ethertype, host order */
	uint8_t hook;		/* nflog: NF_INET_* */
	const char *prefix;	/* nflog: log prefix, or NULL */
	uint32_t prefix_len;	/* bytes of prefix, without NUL */
	uint32_t mark;		/* nflog: skb mark */
	bool has_mark;		/* write NFULA_MARK */
	uint32_t ifindex_in;	/* nflog: 0 when none */
	uint32_t ifindex_out;	/* nflog: 0 when none */
	uint32_t uid, gid;	/* nflog: socket owner */
	bool has_uid, has_gid;	/* write NFULA_UID / NFULA_GID */
	const void *mac;	/* nflog: link-layer header, or NULL */
	uint32_t mac_len;	/* bytes of mac */
	uint16_t hwtype;	/* nflog: ARPHRD_* */
	bool has_hwtype;	/* write NFULA_HWTYPE */
};

/* The 24-byte file header for @linktype. */
void pcap_file_header(uint8_t *hdr, uint32_t linktype);
/* 0 when @hdr is our magic (this host's order) with @linktype; else -EINVAL. */
int pcap_header_check(const uint8_t *hdr, uint32_t linktype);
/* AF_INET or AF_INET6 from the version nibble; 0 when neither. */
uint8_t pcap_guess_family(const void *pkt, uint32_t len);
/* Bytes pcap_record() writes at most for this packet. */
size_t pcap_record_size(bool nflog, const struct pcap_meta *m, uint32_t len);
/*
 * A record header and data for @pkt of @len bytes into @d; returns the bytes
 * written. The original length is the IP header's when it says more.
 */
size_t pcap_record(char *d, bool nflog, const struct pcap_meta *m,
		   const void *pkt, uint32_t len);

#endif /* NFP_PCAPFMT_H */
