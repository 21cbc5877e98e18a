/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter/printpkt_kernel - the line the kernel's LOG target prints
 *
 * Walks the packet bytes the way net/netfilter/nf_log_syslog.c (Linux 6.x)
 * walks an skb, so that a line built from an NFLOG copy of a packet is the
 * line `log` (nft) or `-j LOG` (iptables) writes to the kernel log for the
 * same packet, byte for byte: the same fields in the same order, the same
 * odd spots (no space after TRUNCATED, the bracketed inner packet of ICMP
 * errors, IPv6 ESP that ends the line early, MARK= only when not zero,
 * unsigned wrap-around in INCOMPLETE [N bytes] for a bogus inner IHL).
 *
 * Pure: bytes in, text out. Every read is bounds-checked against the
 * copy NFLOG delivered; a packet cut by the copy range reads as truncated,
 * as it would in the kernel when the skb is that short.
 */
#include "printpkt.h"

/* Protocol and type numbers, spelled out to stay free of libc headers. */
enum {
	P_HOPOPTS = 0, P_ICMP = 1, P_TCP = 6, P_UDP = 17, P_ROUTING = 43,
	P_FRAGMENT = 44, P_ESP = 50, P_AH = 51, P_ICMPV6 = 58, P_NONE = 59,
	P_DSTOPTS = 60, P_UDPLITE = 136,
};

enum {
	NFPROTO_IPV4_ = 2, NFPROTO_ARP_ = 3, NFPROTO_NETDEV_ = 5,
	NFPROTO_BRIDGE_ = 7, NFPROTO_IPV6_ = 10,
};

#define ARPHRD_ETHER_	1
#define ARPHRD_SIT_	776
#define ETH_HLEN_	14

/* skb_header_pointer(): @n bytes at @off, or NULL when the packet ends. */
static const uint8_t *at(const struct pp_pkt *p, uint32_t off, uint32_t n)
{
	if ((uint64_t)off + n > p->len)
		return NULL;
	return p->pkt + off;
}

/* "INCOMPLETE [%u bytes] ": the kernel's unsigned arithmetic, wrap and all. */
static void incomplete(struct pp_buf *b, uint32_t avail)
{
	pb_lit(b, "INCOMPLETE [");
	pb_dec(b, avail);
	pb_lit(b, " bytes] ");
}

/* nf_log_dump_tcp_header(): 1 when the line must end after it. */
static int dump_tcp(struct pp_buf *b, const struct pp_pkt *p, int fragment,
		    uint32_t off, unsigned int flags)
{
	const uint8_t *th;
	unsigned int i, doff;

	pb_lit(b, "PROTO=TCP ");
	if (fragment)
		return 0;
	th = at(p, off, 20);
	if (!th) {
		incomplete(b, p->len - off);
		return 1;
	}
	pb_lit(b, "SPT=");
	pb_dec(b, pp_be16(th));
	pb_lit(b, " DPT=");
	pb_dec(b, pp_be16(th + 2));
	pb_putc(b, ' ');
	if (flags & PP_TCPSEQ) {
		pb_lit(b, "SEQ=");
		pb_dec(b, pp_be32(th + 4));
		pb_lit(b, " ACK=");
		pb_dec(b, pp_be32(th + 8));
		pb_putc(b, ' ');
	}
	pb_lit(b, "WINDOW=");
	pb_dec(b, pp_be16(th + 14));
	/* TCP_RESERVED_BITS is 0x0E000000 since AE took the fourth bit. */
	pb_lit(b, " RES=0x");
	pb_hex02(b, (uint8_t)((th[12] & 0x0e) << 2), false);
	pb_putc(b, ' ');
	if (th[12] & 0x01)
		pb_lit(b, "AE ");
	if (th[13] & 0x80)
		pb_lit(b, "CWR ");
	if (th[13] & 0x40)
		pb_lit(b, "ECE ");
	if (th[13] & 0x20)
		pb_lit(b, "URG ");
	if (th[13] & 0x10)
		pb_lit(b, "ACK ");
	if (th[13] & 0x08)
		pb_lit(b, "PSH ");
	if (th[13] & 0x04)
		pb_lit(b, "RST ");
	if (th[13] & 0x02)
		pb_lit(b, "SYN ");
	if (th[13] & 0x01)
		pb_lit(b, "FIN ");
	pb_lit(b, "URGP=");
	pb_dec(b, pp_be16(th + 18));
	pb_putc(b, ' ');

	doff = (unsigned int)(th[12] >> 4) * 4;
	if ((flags & PP_TCPOPT) && doff > 20) {
		const uint8_t *op = at(p, off + 20, doff - 20);

		if (!op) {
			pb_lit(b, "OPT (TRUNCATED)");
			return 1;
		}
		pb_lit(b, "OPT (");
		for (i = 0; i < doff - 20; i++)
			pb_hex02(b, op[i], true);
		pb_lit(b, ") ");
	}
	return 0;
}

/* nf_log_dump_udp_header() */
static int dump_udp(struct pp_buf *b, const struct pp_pkt *p, uint8_t proto,
		    int fragment, uint32_t off)
{
	const uint8_t *uh;

	if (proto == P_UDP)
		pb_lit(b, "PROTO=UDP ");
	else
		pb_lit(b, "PROTO=UDPLITE ");
	if (fragment)
		return 0;
	uh = at(p, off, 8);
	if (!uh) {
		incomplete(b, p->len - off);
		return 1;
	}
	pb_lit(b, "SPT=");
	pb_dec(b, pp_be16(uh));
	pb_lit(b, " DPT=");
	pb_dec(b, pp_be16(uh + 2));
	pb_lit(b, " LEN=");
	pb_dec(b, pp_be16(uh + 4));
	pb_putc(b, ' ');
	return 0;
}

/* Bytes an ICMP message of a type needs before its extras are printed. */
static uint32_t icmp_required(uint8_t type)
{
	switch (type) {
	case 0:		/* echo reply */
	case 8:		/* echo */
		return 4;
	case 3:		/* destination unreachable */
	case 4:		/* source quench */
	case 5:		/* redirect */
	case 11:	/* time exceeded */
	case 12:	/* parameter problem */
		return 8 + 20;
	case 13:	/* timestamp */
	case 14:	/* timestamp reply */
		return 20;
	case 17:	/* address mask request */
	case 18:	/* address mask reply */
		return 12;
	default:
		return 0;
	}
}

static void dump_uid_mark(struct pp_buf *b, const struct pp_pkt *p,
			  unsigned int flags)
{
	if ((flags & PP_UID) && p->has_uid) {
		pb_lit(b, "UID=");
		pb_dec(b, p->uid);
		pb_lit(b, " GID=");
		pb_dec(b, p->gid);
		pb_putc(b, ' ');
	}
	if (p->mark) {
		pb_lit(b, "MARK=0x");
		pb_hex(b, p->mark);
		pb_putc(b, ' ');
	}
}

/* dump_ipv4_packet(): @iphoff is 0 for the packet, not 0 for an inner one. */
static void dump_ipv4(struct pp_buf *b, const struct pp_pkt *p,
		      uint32_t iphoff, unsigned int flags)
{
	const uint8_t *ih, *ich;
	uint16_t fo, totlen;
	uint32_t ihl, off, avail, i;
	int fragment;

	ih = at(p, iphoff, 20);
	if (!ih) {
		pb_lit(b, "TRUNCATED");
		return;
	}
	pb_lit(b, "SRC=");
	pb_ip4(b, ih + 12);
	pb_lit(b, " DST=");
	pb_ip4(b, ih + 16);
	/*
	 * iph_totlen() gives skb->len only for a GSO TCP packet with tot_len
	 * 0 (BIG TCP); NFLOG cannot tell us that, so 0 stays 0.
	 */
	totlen = pp_be16(ih + 2);
	pb_lit(b, " LEN=");
	pb_dec(b, totlen);
	pb_lit(b, " TOS=0x");
	pb_hex02(b, ih[1] & 0x1e, true);
	pb_lit(b, " PREC=0x");
	pb_hex02(b, ih[1] & 0xe0, true);
	pb_lit(b, " TTL=");
	pb_dec(b, ih[8]);
	pb_lit(b, " ID=");
	pb_dec(b, pp_be16(ih + 4));
	pb_putc(b, ' ');

	fo = pp_be16(ih + 6);
	if (fo & 0x8000)
		pb_lit(b, "CE ");
	if (fo & 0x4000)
		pb_lit(b, "DF ");
	if (fo & 0x2000)
		pb_lit(b, "MF ");
	if (fo & 0x1fff) {
		pb_lit(b, "FRAG:");
		pb_dec(b, fo & 0x1fff);
		pb_putc(b, ' ');
	}
	fragment = fo & 0x1fff;

	ihl = (uint32_t)(ih[0] & 0x0f) * 4;
	if ((flags & PP_IPOPT) && ihl > 20) {
		const uint8_t *op = at(p, iphoff + 20, ihl - 20);

		if (!op) {
			pb_lit(b, "TRUNCATED");
			return;
		}
		pb_lit(b, "OPT (");
		for (i = 0; i < ihl - 20; i++)
			pb_hex02(b, op[i], true);
		pb_lit(b, ") ");
	}

	off = iphoff + ihl;
	switch (ih[9]) {
	case P_TCP:
		if (dump_tcp(b, p, fragment, off, flags))
			return;
		break;
	case P_UDP:
	case P_UDPLITE:
		if (dump_udp(b, p, ih[9], fragment, off))
			return;
		break;
	case P_ICMP:
		pb_lit(b, "PROTO=ICMP ");
		if (fragment)
			break;
		avail = p->len - iphoff - ihl;
		ich = at(p, off, 8);
		if (!ich) {
			incomplete(b, avail);
			break;
		}
		pb_lit(b, "TYPE=");
		pb_dec(b, ich[0]);
		pb_lit(b, " CODE=");
		pb_dec(b, ich[1]);
		pb_putc(b, ' ');
		if (icmp_required(ich[0]) && avail < icmp_required(ich[0])) {
			incomplete(b, avail);
			break;
		}
		switch (ich[0]) {
		case 0:
		case 8:
			pb_lit(b, "ID=");
			pb_dec(b, pp_be16(ich + 4));
			pb_lit(b, " SEQ=");
			pb_dec(b, pp_be16(ich + 6));
			pb_putc(b, ' ');
			break;
		case 12:
			pb_lit(b, "PARAMETER=");
			pb_dec(b, ich[4]);
			pb_putc(b, ' ');
			break;
		case 5:
			pb_lit(b, "GATEWAY=");
			pb_ip4(b, ich + 4);
			pb_putc(b, ' ');
			/* fall through */
		case 3:
		case 4:
		case 11:
			if (!iphoff) {	/* one inner packet, no deeper */
				pb_putc(b, '[');
				dump_ipv4(b, p, off + 8, flags);
				pb_lit(b, "] ");
			}
			if (ich[0] == 3 && ich[1] == 4) {
				pb_lit(b, "MTU=");
				pb_dec(b, pp_be16(ich + 6));
				pb_putc(b, ' ');
			}
			break;
		}
		break;
	case P_AH: {
		const uint8_t *ah;

		/* Unlike ESP, the kernel names AH only in a first fragment. */
		if (fragment)
			break;
		pb_lit(b, "PROTO=AH ");
		ah = at(p, off, 12);
		if (!ah) {
			incomplete(b, p->len - iphoff - ihl);
			break;
		}
		pb_lit(b, "SPI=0x");
		pb_hex(b, pp_be32(ah + 4));
		pb_putc(b, ' ');
		break;
	}
	case P_ESP: {
		const uint8_t *eh;

		pb_lit(b, "PROTO=ESP ");
		if (fragment)
			break;
		eh = at(p, off, 8);
		if (!eh) {
			incomplete(b, p->len - iphoff - ihl);
			break;
		}
		pb_lit(b, "SPI=0x");
		pb_hex(b, pp_be32(eh));
		pb_putc(b, ' ');
		break;
	}
	default:
		pb_lit(b, "PROTO=");
		pb_dec(b, ih[9]);
		pb_putc(b, ' ');
	}

	if (!iphoff)
		dump_uid_mark(b, p, flags);
}

/* nf_ip6_ext_hdr() */
static bool ip6_ext(uint8_t h)
{
	return h == P_HOPOPTS || h == P_ROUTING || h == P_FRAGMENT ||
	       h == P_ESP || h == P_AH || h == P_NONE || h == P_DSTOPTS;
}

/* dump_ipv6_packet(): @recurse is 1 for the packet, 0 for an inner one. */
static void dump_ipv6(struct pp_buf *b, const struct pp_pkt *p,
		      uint32_t ip6hoff, int recurse, unsigned int flags)
{
	const uint8_t *ih, *ic;
	uint32_t w0, ptr, hdrlen = 0;
	uint8_t cur;
	int fragment = 0;

	ih = at(p, ip6hoff, 40);
	if (!ih) {
		pb_lit(b, "TRUNCATED");
		return;
	}
	pb_lit(b, "SRC=");
	pb_ip6_full(b, ih + 8);
	pb_lit(b, " DST=");
	pb_ip6_full(b, ih + 24);
	w0 = pp_be32(ih);
	pb_lit(b, " LEN=");
	pb_dec(b, (uint32_t)pp_be16(ih + 4) + 40);
	pb_lit(b, " TC=");
	pb_dec(b, (w0 & 0x0ff00000) >> 20);
	pb_lit(b, " HOPLIMIT=");
	pb_dec(b, ih[7]);
	pb_lit(b, " FLOWLBL=");
	pb_dec(b, w0 & 0x000fffff);
	pb_putc(b, ' ');

	ptr = ip6hoff + 40;
	cur = ih[6];
	while (cur != P_NONE && ip6_ext(cur)) {
		const uint8_t *hp = at(p, ptr, 2);

		if (!hp) {
			pb_lit(b, "TRUNCATED");
			return;
		}
		if (flags & PP_IPOPT)
			pb_lit(b, "OPT ( ");

		switch (cur) {
		case P_FRAGMENT: {
			const uint8_t *fh;
			uint16_t fo;

			pb_lit(b, "FRAG:");
			fh = at(p, ptr, 8);
			if (!fh) {
				pb_lit(b, "TRUNCATED ");
				return;
			}
			fo = pp_be16(fh + 2);
			pb_dec(b, fo & 0xfff8);
			pb_putc(b, ' ');
			if (fo & 0x0001)
				pb_lit(b, "INCOMPLETE ");
			pb_lit(b, "ID:");
			pb_hexw(b, pp_be32(fh + 4), 8);
			pb_putc(b, ' ');
			if (fo & 0xfff8)
				fragment = 1;
			hdrlen = 8;
			break;
		}
		case P_DSTOPTS:
		case P_ROUTING:
		case P_HOPOPTS:
			if (fragment) {
				if (flags & PP_IPOPT)
					pb_putc(b, ')');
				return;
			}
			hdrlen = ((uint32_t)hp[1] + 1) << 3;
			break;
		case P_AH:
			if (flags & PP_IPOPT) {
				const uint8_t *ah;

				pb_lit(b, "AH ");
				if (fragment) {
					pb_putc(b, ')');
					return;
				}
				ah = at(p, ptr, 12);
				if (!ah) {
					pb_lit(b, "INCOMPLETE [");
					pb_dec(b, p->len - ptr);
					pb_lit(b, " bytes] )");
					return;
				}
				pb_lit(b, "SPI=0x");
				pb_hex(b, pp_be32(ah + 4));
				pb_putc(b, ' ');
			}
			hdrlen = ((uint32_t)hp[1] + 2) << 2;
			break;
		case P_ESP:
			if (flags & PP_IPOPT) {
				const uint8_t *eh;

				pb_lit(b, "ESP ");
				if (fragment) {
					pb_putc(b, ')');
					return;
				}
				eh = at(p, ptr, 8);
				if (!eh) {
					pb_lit(b, "INCOMPLETE [");
					pb_dec(b, p->len - ptr);
					pb_lit(b, " bytes] )");
					return;
				}
				pb_lit(b, "SPI=0x");
				pb_hex(b, pp_be32(eh));
				pb_lit(b, " )");
			}
			/* The kernel ends the line here, MARK= and all. */
			return;
		default:
			pb_lit(b, "Unknown Ext Hdr ");
			pb_dec(b, cur);
			return;
		}
		if (flags & PP_IPOPT)
			pb_lit(b, ") ");
		cur = hp[0];
		ptr += hdrlen;
	}

	switch (cur) {
	case P_TCP:
		if (dump_tcp(b, p, fragment, ptr, flags))
			return;
		break;
	case P_UDP:
	case P_UDPLITE:
		if (dump_udp(b, p, cur, fragment, ptr))
			return;
		break;
	case P_ICMPV6:
		pb_lit(b, "PROTO=ICMPv6 ");
		if (fragment)
			break;
		ic = at(p, ptr, 8);
		if (!ic) {
			incomplete(b, p->len - ptr);
			return;
		}
		pb_lit(b, "TYPE=");
		pb_dec(b, ic[0]);
		pb_lit(b, " CODE=");
		pb_dec(b, ic[1]);
		pb_putc(b, ' ');
		switch (ic[0]) {
		case 128:	/* echo request */
		case 129:	/* echo reply */
			pb_lit(b, "ID=");
			pb_dec(b, pp_be16(ic + 4));
			pb_lit(b, " SEQ=");
			pb_dec(b, pp_be16(ic + 6));
			pb_putc(b, ' ');
			break;
		case 130:	/* MLD query, report, done */
		case 131:
		case 132:
			break;
		case 4:		/* parameter problem */
			pb_lit(b, "POINTER=");
			pb_hexw(b, pp_be32(ic + 4), 8);
			pb_putc(b, ' ');
			/* fall through */
		case 1:		/* destination unreachable */
		case 2:		/* packet too big */
		case 3:		/* time exceeded */
			if (recurse) {
				pb_putc(b, '[');
				dump_ipv6(b, p, ptr + 8, 0, flags);
				pb_lit(b, "] ");
			}
			if (ic[0] == 2) {
				pb_lit(b, "MTU=");
				pb_dec(b, pp_be32(ic + 4));
				pb_putc(b, ' ');
			}
			break;
		}
		break;
	default:
		pb_lit(b, "PROTO=");
		pb_dec(b, cur);
		pb_putc(b, ' ');
	}

	if (recurse)
		dump_uid_mark(b, p, flags);
}

/* MACSRC= MACDST= MACPROTO= of an Ethernet header (macdecode). */
static void dump_eth(struct pp_buf *b, const struct pp_pkt *p)
{
	pb_lit(b, "MACSRC=");
	pb_hexbytes(b, p->mac + 6, 6);
	pb_lit(b, " MACDST=");
	pb_hexbytes(b, p->mac, 6);
	/* VPROTO=/VID= would come here; NFLOG's copy has no VLAN tag key. */
	pb_lit(b, " MACPROTO=");
	pb_hexw(b, pp_be16(p->mac + 12), 4);
	pb_putc(b, ' ');
}

/* dump_mac_header() */
static void dump_mac(struct pp_buf *b, const struct pp_pkt *p,
		     unsigned int flags)
{
	/*
	 * Without a link header NFLOG sends no device type either; that
	 * happens on devices without one (tun, ARPHRD_NONE), so those take
	 * the MAC= path as the kernel does for them.
	 */
	if ((flags & PP_MACDECODE) && p->hwtype == ARPHRD_ETHER_) {
		if (p->mac && p->mac_len >= ETH_HLEN_)
			dump_eth(b, p);
		return;
	}
	pb_lit(b, "MAC=");
	if (p->mac && p->mac_len) {
		pb_hexbytes(b, p->mac, p->mac_len);
		/* SIT: NFLOG's header starts ETH_HLEN before the outer IP. */
		if (p->hwtype == ARPHRD_SIT_ && p->mac_len >= ETH_HLEN_ + 20) {
			pb_lit(b, " TUNNEL=");
			pb_ip4(b, p->mac + ETH_HLEN_ + 12);
			pb_lit(b, "->");
			pb_ip4(b, p->mac + ETH_HLEN_ + 16);
		}
	}
	pb_putc(b, ' ');
}

/* dump_arp_packet() */
static void dump_arp(struct pp_buf *b, const struct pp_pkt *p,
		     unsigned int flags)
{
	const uint8_t *ah = at(p, 0, 8), *ap;

	if (!ah) {
		pb_lit(b, "TRUNCATED");
		return;
	}
	if ((flags & PP_MACDECODE) && p->hwtype == ARPHRD_ETHER_ && p->mac &&
	    p->mac_len >= ETH_HLEN_)
		dump_eth(b, p);
	pb_lit(b, "ARP HTYPE=");
	pb_dec(b, pp_be16(ah));
	pb_lit(b, " PTYPE=0x");
	pb_hexw(b, pp_be16(ah + 2), 4);
	pb_lit(b, " OPCODE=");
	pb_dec(b, pp_be16(ah + 6));
	if (pp_be16(ah) != ARPHRD_ETHER_ || ah[4] != 6 || ah[5] != 4)
		return;
	ap = at(p, 8, 20);
	if (!ap) {
		pb_lit(b, " INCOMPLETE [");
		pb_dec(b, p->len - 8);
		pb_lit(b, " bytes]");
		return;
	}
	pb_lit(b, " MACSRC=");
	pb_hexbytes(b, ap, 6);
	pb_lit(b, " IPSRC=");
	pb_ip4(b, ap + 6);
	pb_lit(b, " MACDST=");
	pb_hexbytes(b, ap + 10, 6);
	pb_lit(b, " IPDST=");
	pb_ip4(b, ap + 16);
}

/* nf_log_dump_packet_common() without PHYSIN=/PHYSOUT= (not in NFLOG). */
static void dump_common(struct pp_buf *b, const struct pp_pkt *p)
{
	pb_str(b, p->prefix);
	pb_lit(b, "IN=");
	pb_str(b, p->indev);
	pb_lit(b, " OUT=");
	pb_str(b, p->outdev);
	pb_putc(b, ' ');
}

void pp_kernel_line(struct pp_buf *b, const struct pp_pkt *p,
		    unsigned int flags)
{
	char *line = b->cur;
	int kind = p->family;

	/* Bridge and netdev loggers pick by the ethertype, as the kernel. */
	if (kind == NFPROTO_BRIDGE_ || kind == NFPROTO_NETDEV_) {
		switch (p->protocol) {
		case 0x0800:
			kind = NFPROTO_IPV4_;
			break;
		case 0x86dd:
			kind = NFPROTO_IPV6_;
			break;
		case 0x0806:
		case 0x8035:
			kind = NFPROTO_ARP_;
			break;
		default:
			kind = 0;
		}
	}

	dump_common(b, p);
	switch (kind) {
	case NFPROTO_IPV4_:
		if (p->has_indev)
			dump_mac(b, p, flags);
		dump_ipv4(b, p, 0, flags);
		break;
	case NFPROTO_IPV6_:
		if (p->has_indev)
			dump_mac(b, p, flags);
		dump_ipv6(b, p, 0, 1, flags);
		break;
	case NFPROTO_ARP_:
		dump_arp(b, p, flags);
		break;
	default:
		dump_mac(b, p, flags);
		break;
	}
	if ((size_t)(b->cur - line) > PP_KERNEL_MAX)
		b->cur = line + PP_KERNEL_MAX;
}
