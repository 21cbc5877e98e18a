/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter/printpkt - one log line per packet, as ulogd2 or the kernel print it
 *
 * Consumes NFLOG's keys (raw.pkt, raw.mac, oob.prefix, oob.family, ...),
 * IFINDEX's oob.in/oob.out and, for the default `ulogd` layout, BASE's
 * decoded keys; produces `print`, one line without framing and without a
 * newline, in memory from the record's arena. The `ulogd` layout is
 * ulogd2's PRINTPKT field for field with its plain bugs fixed (README.md
 * lists each difference); the `kernel` layout walks raw.pkt itself and is
 * what the kernel's LOG target prints for the same packet.
 *
 * Main thread only, no allocation besides the arena, never fails on a
 * malformed or truncated packet: it prints what is there. A record whose
 * line cannot get arena memory is an NFP_ERROR (the core counts it).
 */
#include <stddef.h>
#include <stdint.h>

#include <arpa/inet.h>

#include <nfpipe/plugin.h>

#include "printpkt.h"

/* Room for the longest line: the kernel's 1016 or a ulogd2 line. */
#define PP_LINE_MAX 4096

enum {
	NFPROTO_IPV4_ = 2, NFPROTO_ARP_ = 3, NFPROTO_BRIDGE_ = 7,
	NFPROTO_IPV6_ = 10,
};

/*
 * The input keys, once: enum, the table of the kernel layout and the table
 * of the ulogd layout. Columns: index, name, type, flags for `ulogd`, flags
 * for `kernel`, help. R is required, O optional.
 */
#define R 0
#define O NFP_KEYF_OPTIONAL
#define PP_KEYS(K)                                                           \
	K(RAW_PKT, "raw.pkt", NFP_T_RAW, O, R, "packet from the IP header")    \
	K(RAW_PKTLEN, "raw.pktlen", NFP_T_U32, O, O, "bytes in raw.pkt")      \
	K(RAW_MAC, "raw.mac", NFP_T_RAW, O, O, "link-layer header: MAC=")     \
	K(RAW_MAC_LEN, "raw.mac_len", NFP_T_U16, O, O, "its length")          \
	K(RAW_TYPE, "raw.type", NFP_T_U16, O, O, "ARPHRD_* of the device")   \
	K(OOB_PREFIX, "oob.prefix", NFP_T_STRING, O, O, "log prefix")         \
	K(OOB_FAMILY, "oob.family", NFP_T_U8, R, R, "NFPROTO_* of the packet") \
	K(OOB_PROTOCOL, "oob.protocol", NFP_T_U16, O, O, "ethertype (bridge)") \
	K(OOB_MARK, "oob.mark", NFP_T_U32, O, O, "skb mark: MARK=")           \
	K(OOB_UID, "oob.uid", NFP_T_U32, O, O, "socket owner: UID=")          \
	K(OOB_GID, "oob.gid", NFP_T_U32, O, O, "its group: GID=")             \
	K(OOB_HOOK, "oob.hook", NFP_T_U8, O, O, "hook: tells an input device") \
	K(OOB_IN, "oob.in", NFP_T_STRING, O, O, "input interface: IN=")       \
	K(OOB_OUT, "oob.out", NFP_T_STRING, O, O, "output interface: OUT=")   \
	K(IP_SADDR, "ip.saddr", NFP_T_ADDR, O, O, "SRC=")                     \
	K(IP_DADDR, "ip.daddr", NFP_T_ADDR, O, O, "DST=")                     \
	K(IP_PROTOCOL, "ip.protocol", NFP_T_U8, R, O, "upper-layer protocol") \
	K(IP_TOS, "ip.tos", NFP_T_U8, O, O, "TOS= PREC=")                     \
	K(IP_TTL, "ip.ttl", NFP_T_U8, O, O, "TTL=")                           \
	K(IP_TOTLEN, "ip.totlen", NFP_T_U16, O, O, "LEN=")                    \
	K(IP_ID, "ip.id", NFP_T_U16, O, O, "ID=")                             \
	K(IP_FRAGOFF, "ip.fragoff", NFP_T_U16, O, O, "CE DF MF FRAG:")        \
	K(IP6_PAYLOADLEN, "ip6.payloadlen", NFP_T_U16, O, O, "LEN= - 40")     \
	K(IP6_PRIORITY, "ip6.priority", NFP_T_U8, O, O, "TC=")                \
	K(IP6_FLOWLABEL, "ip6.flowlabel", NFP_T_U32, O, O, "FLOWLBL=")        \
	K(IP6_HOPLIMIT, "ip6.hoplimit", NFP_T_U8, O, O, "HOPLIMIT=")          \
	K(IP6_NEXTHDR, "ip6.nexthdr", NFP_T_U8, O, O, "first next header")    \
	K(IP6_FRAGOFF, "ip6.fragoff", NFP_T_U16, O, O, "FRAG:")               \
	K(IP6_FRAGID, "ip6.fragid", NFP_T_U32, O, O, "ID:")                   \
	K(TCP_SPORT, "tcp.sport", NFP_T_U16, O, O, "SPT=")                    \
	K(TCP_DPORT, "tcp.dport", NFP_T_U16, O, O, "DPT=")                    \
	K(TCP_SEQ, "tcp.seq", NFP_T_U32, O, O, "SEQ=")                        \
	K(TCP_ACKSEQ, "tcp.ackseq", NFP_T_U32, O, O, "ACK=")                  \
	K(TCP_WINDOW, "tcp.window", NFP_T_U16, O, O, "WINDOW=")               \
	K(TCP_URGP, "tcp.urgp", NFP_T_U16, O, O, "URGP=")                     \
	K(TCP_URG, "tcp.urg", NFP_T_BOOL, O, O, "URG")                        \
	K(TCP_ACK, "tcp.ack", NFP_T_BOOL, O, O, "ACK")                        \
	K(TCP_PSH, "tcp.psh", NFP_T_BOOL, O, O, "PSH")                        \
	K(TCP_RST, "tcp.rst", NFP_T_BOOL, O, O, "RST")                        \
	K(TCP_SYN, "tcp.syn", NFP_T_BOOL, O, O, "SYN")                        \
	K(TCP_FIN, "tcp.fin", NFP_T_BOOL, O, O, "FIN")                        \
	K(UDP_SPORT, "udp.sport", NFP_T_U16, O, O, "SPT=")                    \
	K(UDP_DPORT, "udp.dport", NFP_T_U16, O, O, "DPT=")                    \
	K(UDP_LEN, "udp.len", NFP_T_U16, O, O, "LEN=")                        \
	K(SCTP_SPORT, "sctp.sport", NFP_T_U16, O, O, "SPT=")                  \
	K(SCTP_DPORT, "sctp.dport", NFP_T_U16, O, O, "DPT=")                  \
	K(AHESP_SPI, "ahesp.spi", NFP_T_U32, O, O, "SPI=")                    \
	K(ICMP_TYPE, "icmp.type", NFP_T_U8, O, O, "TYPE=")                    \
	K(ICMP_CODE, "icmp.code", NFP_T_U8, O, O, "CODE=")                    \
	K(ICMP_ECHOID, "icmp.echoid", NFP_T_U16, O, O, "ID= (echo)")          \
	K(ICMP_ECHOSEQ, "icmp.echoseq", NFP_T_U16, O, O, "SEQ= (echo)")       \
	K(ICMP_GATEWAY, "icmp.gateway", NFP_T_ADDR, O, O, "GATEWAY=")         \
	K(ICMP_FRAGMTU, "icmp.fragmtu", NFP_T_U16, O, O, "MTU=")              \
	K(ICMPV6_TYPE, "icmpv6.type", NFP_T_U8, O, O, "TYPE=")                \
	K(ICMPV6_CODE, "icmpv6.code", NFP_T_U8, O, O, "CODE=")                \
	K(ICMPV6_ECHOID, "icmpv6.echoid", NFP_T_U16, O, O, "ID= (echo)")      \
	K(ICMPV6_ECHOSEQ, "icmpv6.echoseq", NFP_T_U16, O, O, "SEQ= (echo)")   \
	K(ARP_OPERATION, "arp.operation", NFP_T_U16, O, O, "REQUEST, REPLY")  \
	K(ARP_SHWADDR, "arp.shwaddr", NFP_T_RAW, O, O, "REPLY_MAC=")          \
	K(ARP_SADDR, "arp.saddr", NFP_T_ADDR, O, O, "SRC= (ARP)")             \
	K(ARP_DADDR, "arp.daddr", NFP_T_ADDR, O, O, "DST= (ARP)")

#define K_ENUM(id, name, type, fu, fk, help) K_##id,
enum pp_in { PP_KEYS(K_ENUM) K__COUNT };

#define K_ULOGD(id, name, type, fu, fk, help)                                \
	[K_##id] = { name, type, fu, help },
#define K_KERNEL(id, name, type, fu, fk, help)                               \
	[K_##id] = { name, type, fk, help },

static const struct nfp_key pp_in_ulogd[K__COUNT + 1] = { PP_KEYS(K_ULOGD) };
static const struct nfp_key pp_in_kernel[K__COUNT + 1] = { PP_KEYS(K_KERNEL) };
#undef R
#undef O

enum pp_out { O_PRINT };

static const struct nfp_key pp_out[] = {
	[O_PRINT] = { .name = "print", .type = NFP_T_STRING,
		      .help = "the log line, without framing or newline" },
	{ 0 }
};

enum pp_format { PP_FMT_ULOGD, PP_FMT_KERNEL };

static const char *const pp_formats[] = { "ulogd", "kernel", NULL };

struct pp_priv {
	int format;		/* enum pp_format */
	bool tcp_sequence;	/* kernel: SEQ= ACK= */
	bool tcp_options;	/* kernel: TCP OPT (...) */
	bool ip_options;	/* kernel: IP OPT (...), IPv6 ext headers */
	bool uid;		/* kernel: UID= GID= */
	bool macdecode;		/* kernel: MACSRC= MACDST= MACPROTO= */
	unsigned int flags;	/* the bools above as PP_* log flags */
};

static const struct nfp_option pp_options[] = {
	{ .name = "format", .type = NFP_OPT_ENUM, .def = "ulogd",
	  .enums = pp_formats, .off = offsetof(struct pp_priv, format),
	  .help = "ulogd: ulogd2's PRINTPKT fields; kernel: what the LOG target prints." },
	{ .name = "tcp_sequence", .type = NFP_OPT_BOOL, .def = "0",
	  .off = offsetof(struct pp_priv, tcp_sequence),
	  .help = "kernel format: log TCP sequence numbers (nft log flags tcp sequence)." },
	{ .name = "tcp_options", .type = NFP_OPT_BOOL, .def = "0",
	  .off = offsetof(struct pp_priv, tcp_options),
	  .help = "kernel format: log TCP options (nft log flags tcp options)." },
	{ .name = "ip_options", .type = NFP_OPT_BOOL, .def = "0",
	  .off = offsetof(struct pp_priv, ip_options),
	  .help = "kernel format: log IP options and IPv6 extension headers (nft log flags ip options)." },
	{ .name = "uid", .type = NFP_OPT_BOOL, .def = "0",
	  .off = offsetof(struct pp_priv, uid),
	  .help = "kernel format: log the socket's UID and GID (nft log flags skuid)." },
	{ .name = "macdecode", .type = NFP_OPT_BOOL, .def = "0",
	  .off = offsetof(struct pp_priv, macdecode),
	  .help = "kernel format: decode the Ethernet header (nft log flags ether)." },
	{ 0 }
};

/* ---- reading keys -------------------------------------------------------- */

static inline uint32_t get_u8(const struct nfp_rec *rec, unsigned int k)
{
	const struct nfp_value *v = nfp_get(rec, k);

	return v ? v->u8 : 0;
}

static inline uint32_t get_u16(const struct nfp_rec *rec, unsigned int k)
{
	const struct nfp_value *v = nfp_get(rec, k);

	return v ? v->u16 : 0;
}

static inline uint32_t get_u32(const struct nfp_rec *rec, unsigned int k)
{
	const struct nfp_value *v = nfp_get(rec, k);

	return v ? v->u32 : 0;
}

static inline bool get_bool(const struct nfp_rec *rec, unsigned int k)
{
	const struct nfp_value *v = nfp_get(rec, k);

	return v && v->b;
}

static inline bool is_set(const struct nfp_rec *rec, unsigned int k)
{
	return nfp_get(rec, k) != NULL;
}

static inline uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* An address as IP2STR would give it: dotted quad, RFC 5952 for IPv6. */
static void pb_addr(struct pp_buf *b, const struct nfp_value *v)
{
	char tmp[INET6_ADDRSTRLEN];

	if (v->addr.family == AF_INET6) {
		if (inet_ntop(AF_INET6, v->addr.in6, tmp, sizeof(tmp)))
			pb_str(b, tmp);
		return;
	}
	pb_ip4(b, (const uint8_t *)&v->addr.in4);
}

/* "NAME=value " for an address key that is set. */
static void ul_addr(struct pp_buf *b, const struct nfp_rec *rec,
		    unsigned int k, const char *name, size_t nlen)
{
	const struct nfp_value *v = nfp_get(rec, k);

	if (!v)
		return;
	pb_mem(b, name, nlen);
	pb_addr(b, v);
	pb_putc(b, ' ');
}

static void ul_field(struct pp_buf *b, const char *name, size_t nlen,
		     uint32_t val)
{
	pb_mem(b, name, nlen);
	pb_dec(b, val);
	pb_putc(b, ' ');
}

#define UL_ADDR(b, rec, k, name) ul_addr(b, rec, k, name, sizeof(name) - 1)
#define UL_FIELD(b, name, v) ul_field(b, name, sizeof(name) - 1, v)

/* ---- the ulogd layout ---------------------------------------------------- */

/*
 * ulogd2's printpkt_proto(). @frag: a fragment after the first, which has no
 * transport header to show (ulogd2 printed stale ports or INCOMPLETE).
 */
static void ul_proto(struct pp_buf *b, const struct nfp_rec *rec,
		     uint8_t proto, bool frag)
{
	switch (proto) {
	case IPPROTO_TCP:
		pb_lit(b, "PROTO=TCP ");
		if (frag)
			break;
		if (!is_set(rec, K_TCP_SPORT)) {
			pb_lit(b, "INCOMPLETE ");
			break;
		}
		UL_FIELD(b, "SPT=", get_u16(rec, K_TCP_SPORT));
		UL_FIELD(b, "DPT=", get_u16(rec, K_TCP_DPORT));
		UL_FIELD(b, "SEQ=", get_u32(rec, K_TCP_SEQ));
		UL_FIELD(b, "ACK=", get_u32(rec, K_TCP_ACKSEQ));
		UL_FIELD(b, "WINDOW=", get_u16(rec, K_TCP_WINDOW));
		if (get_bool(rec, K_TCP_URG))
			pb_lit(b, "URG ");
		if (get_bool(rec, K_TCP_ACK))
			pb_lit(b, "ACK ");
		if (get_bool(rec, K_TCP_PSH))
			pb_lit(b, "PSH ");
		if (get_bool(rec, K_TCP_RST))
			pb_lit(b, "RST ");
		if (get_bool(rec, K_TCP_SYN))
			pb_lit(b, "SYN ");
		if (get_bool(rec, K_TCP_FIN))
			pb_lit(b, "FIN ");
		UL_FIELD(b, "URGP=", get_u16(rec, K_TCP_URGP));
		break;
	case IPPROTO_UDP:
		pb_lit(b, "PROTO=UDP ");
		if (frag)
			break;
		if (!is_set(rec, K_UDP_SPORT)) {
			pb_lit(b, "INCOMPLETE ");
			break;
		}
		UL_FIELD(b, "SPT=", get_u16(rec, K_UDP_SPORT));
		UL_FIELD(b, "DPT=", get_u16(rec, K_UDP_DPORT));
		UL_FIELD(b, "LEN=", get_u16(rec, K_UDP_LEN));
		break;
	case IPPROTO_SCTP:
		pb_lit(b, "PROTO=SCTP ");
		if (frag)
			break;
		if (!is_set(rec, K_SCTP_SPORT)) {
			pb_lit(b, "INCOMPLETE ");
			break;
		}
		UL_FIELD(b, "SPT=", get_u16(rec, K_SCTP_SPORT));
		UL_FIELD(b, "DPT=", get_u16(rec, K_SCTP_DPORT));
		break;
	case IPPROTO_ESP:
	case IPPROTO_AH:
		if (proto == IPPROTO_ESP)
			pb_lit(b, "PROTO=ESP ");
		else
			pb_lit(b, "PROTO=AH ");
		if (frag)
			break;
		if (!is_set(rec, K_AHESP_SPI)) {
			pb_lit(b, "INCOMPLETE ");
			break;
		}
		pb_lit(b, "SPI=0x");
		pb_hex(b, get_u32(rec, K_AHESP_SPI));
		pb_putc(b, ' ');
		break;
	}
}

/*
 * The pointer of an ICMP parameter problem: the first byte after type,
 * code and checksum. BASE may give it as icmp.gateway (the same four
 * bytes, network order); else it is read from the packet.
 */
static bool icmp_pointer(const struct nfp_rec *rec, uint8_t *ptr)
{
	const struct nfp_value *v = nfp_get(rec, K_ICMP_GATEWAY);
	uint32_t ihl;

	if (v) {
		*ptr = ((const uint8_t *)&v->addr.in4)[0];
		return true;
	}
	v = nfp_get(rec, K_RAW_PKT);
	if (!v || v->raw.len < 1)
		return false;
	ihl = (uint32_t)(((const uint8_t *)v->raw.ptr)[0] & 0x0f) * 4;
	if (ihl + 5 > v->raw.len)
		return false;
	*ptr = ((const uint8_t *)v->raw.ptr)[ihl + 4];
	return true;
}

static void ul_icmp(struct pp_buf *b, const struct nfp_rec *rec, bool frag)
{
	uint8_t type, code, ptr;

	pb_lit(b, "PROTO=ICMP ");
	if (frag)
		return;
	if (!is_set(rec, K_ICMP_TYPE)) {
		pb_lit(b, "INCOMPLETE ");
		return;
	}
	type = (uint8_t)get_u8(rec, K_ICMP_TYPE);
	code = (uint8_t)get_u8(rec, K_ICMP_CODE);
	UL_FIELD(b, "TYPE=", type);
	UL_FIELD(b, "CODE=", code);
	/* ulogd2 switched on the code here; the type is what decides. */
	switch (type) {
	case 0:		/* echo reply */
	case 8:		/* echo */
		UL_FIELD(b, "ID=", get_u16(rec, K_ICMP_ECHOID));
		UL_FIELD(b, "SEQ=", get_u16(rec, K_ICMP_ECHOSEQ));
		break;
	case 12:	/* parameter problem */
		if (icmp_pointer(rec, &ptr))
			UL_FIELD(b, "PARAMETER=", ptr);
		break;
	case 5:		/* redirect */
		UL_ADDR(b, rec, K_ICMP_GATEWAY, "GATEWAY=");
		break;
	case 3:		/* destination unreachable */
		if (code == 4 && is_set(rec, K_ICMP_FRAGMTU))
			UL_FIELD(b, "MTU=", get_u16(rec, K_ICMP_FRAGMTU));
		break;
	}
}

static void ul_ipv4(struct pp_buf *b, const struct nfp_rec *rec)
{
	uint32_t tos = get_u8(rec, K_IP_TOS);
	uint32_t fo = get_u16(rec, K_IP_FRAGOFF);
	uint8_t proto = (uint8_t)get_u8(rec, K_IP_PROTOCOL);
	bool frag = (fo & 0x1fff) != 0;

	UL_ADDR(b, rec, K_IP_SADDR, "SRC=");
	UL_ADDR(b, rec, K_IP_DADDR, "DST=");
	UL_FIELD(b, "LEN=", get_u16(rec, K_IP_TOTLEN));
	pb_lit(b, "TOS=");
	pb_hex02(b, (uint8_t)(tos & 0x1e), true);
	pb_lit(b, " PREC=0x");
	pb_hex02(b, (uint8_t)(tos & 0xe0), true);
	pb_putc(b, ' ');
	UL_FIELD(b, "TTL=", get_u8(rec, K_IP_TTL));
	UL_FIELD(b, "ID=", get_u16(rec, K_IP_ID));
	if (fo & 0x8000)
		pb_lit(b, "CE ");
	if (fo & 0x4000)
		pb_lit(b, "DF ");
	if (fo & 0x2000)
		pb_lit(b, "MF ");
	if (frag) {
		pb_lit(b, "FRAG:");
		pb_dec(b, fo & 0x1fff);
		pb_putc(b, ' ');
	}

	switch (proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
	case IPPROTO_ESP:
	case IPPROTO_AH:
		ul_proto(b, rec, proto, frag);
		break;
	case IPPROTO_ICMP:
		ul_icmp(b, rec, frag);
		break;
	default:
		UL_FIELD(b, "PROTO=", proto);
	}
}

static void ul_ipv6(struct pp_buf *b, const struct nfp_rec *rec)
{
	const struct nfp_value *v;
	bool frag = false;
	uint8_t proto;

	UL_ADDR(b, rec, K_IP_SADDR, "SRC=");
	UL_ADDR(b, rec, K_IP_DADDR, "DST=");
	if (is_set(rec, K_IP6_PAYLOADLEN))
		UL_FIELD(b, "LEN=", get_u16(rec, K_IP6_PAYLOADLEN) + 40);
	if (is_set(rec, K_IP6_PRIORITY))
		UL_FIELD(b, "TC=", get_u8(rec, K_IP6_PRIORITY));
	if (is_set(rec, K_IP6_HOPLIMIT))
		UL_FIELD(b, "HOPLIMIT=", get_u8(rec, K_IP6_HOPLIMIT));
	if (is_set(rec, K_IP6_FLOWLABEL))
		UL_FIELD(b, "FLOWLBL=", get_u32(rec, K_IP6_FLOWLABEL));
	if (is_set(rec, K_IP6_FRAGOFF) && is_set(rec, K_IP6_FRAGID)) {
		/* ip6.fragoff is the raw field; ulogd2 showed the offset. */
		uint32_t off = get_u16(rec, K_IP6_FRAGOFF) & 0xfff8;

		pb_lit(b, "FRAG: ");
		pb_dec(b, off);
		pb_lit(b, " ID: ");
		pb_hexw(b, get_u32(rec, K_IP6_FRAGID), 8);
		pb_putc(b, ' ');
		frag = off != 0;
	}

	/*
	 * ip6.nexthdr is the IPv6 header's own field here; what is behind
	 * the extension headers (ulogd2's ip6.nexthdr) is ip.protocol.
	 */
	v = nfp_get(rec, K_IP_PROTOCOL);
	proto = v ? v->u8 : (uint8_t)get_u8(rec, K_IP6_NEXTHDR);
	switch (proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
	case IPPROTO_ESP:
	case IPPROTO_AH:
		ul_proto(b, rec, proto, frag);
		break;
	case IPPROTO_ICMPV6:
		pb_lit(b, "PROTO=ICMPv6 ");
		if (frag)
			break;
		if (!is_set(rec, K_ICMPV6_TYPE)) {
			pb_lit(b, "INCOMPLETE ");
			break;
		}
		if (!is_set(rec, K_ICMPV6_CODE)) {
			pb_lit(b, "TRUNCATED ");
			break;
		}
		UL_FIELD(b, "TYPE=", get_u8(rec, K_ICMPV6_TYPE));
		UL_FIELD(b, "CODE=", get_u8(rec, K_ICMPV6_CODE));
		switch (get_u8(rec, K_ICMPV6_TYPE)) {
		case 128:	/* echo request */
		case 129:	/* echo reply */
			UL_FIELD(b, "ID=", get_u16(rec, K_ICMPV6_ECHOID));
			UL_FIELD(b, "SEQ=", get_u16(rec, K_ICMPV6_ECHOSEQ));
			break;
		}
		break;
	default:
		UL_FIELD(b, "PROTO=", proto);
	}
}

static void ul_arp(struct pp_buf *b, const struct nfp_rec *rec)
{
	const struct nfp_value *v;
	uint32_t code;

	UL_ADDR(b, rec, K_ARP_SADDR, "SRC=");
	UL_ADDR(b, rec, K_ARP_DADDR, "DST=");
	pb_lit(b, "PROTO=ARP ");
	if (!is_set(rec, K_ARP_OPERATION))
		return;
	code = get_u16(rec, K_ARP_OPERATION);
	switch (code) {
	case 1:
		pb_lit(b, "REQUEST ");
		break;
	case 2:
		pb_lit(b, "REPLY ");
		break;
	case 10:
		pb_lit(b, "NAK ");
		break;
	default:
		UL_FIELD(b, "CODE=", code);
	}
	v = nfp_get(rec, K_ARP_SHWADDR);
	if (v && code == 2 && v->raw.len >= 6) {
		pb_lit(b, "REPLY_MAC=");
		pb_hexbytes(b, v->raw.ptr, 6);
		pb_putc(b, ' ');
	}
}

/* ulogd2's printpkt_print(), without the newline. */
static void ulogd_line(struct pp_buf *b, const struct nfp_rec *rec)
{
	const struct nfp_value *v, *in, *out;

	v = nfp_get(rec, K_OOB_PREFIX);
	if (v) {
		if (v->str.ptr)
			pb_mem(b, v->str.ptr, v->str.len);
		pb_putc(b, ' ');
	}
	in = nfp_get(rec, K_OOB_IN);
	out = nfp_get(rec, K_OOB_OUT);
	if (in && out) {
		pb_lit(b, "IN=");
		pb_str(b, in->str.ptr);
		pb_lit(b, " OUT=");
		pb_str(b, out->str.ptr);
		pb_putc(b, ' ');
	}

	pb_lit(b, "MAC=");
	v = nfp_get(rec, K_RAW_MAC);
	if (v) {
		uint32_t n = v->raw.len;

		if (is_set(rec, K_RAW_MAC_LEN))
			n = min_u32(n, get_u16(rec, K_RAW_MAC_LEN));
		pb_hexbytes(b, v->raw.ptr, n);
	}
	pb_putc(b, ' ');

	switch (get_u8(rec, K_OOB_FAMILY)) {
	case NFPROTO_IPV4_:
		ul_ipv4(b, rec);
		break;
	case NFPROTO_IPV6_:
		ul_ipv6(b, rec);
		break;
	case NFPROTO_BRIDGE_:
		switch (get_u16(rec, K_OOB_PROTOCOL)) {
		case 0x0800:
			ul_ipv4(b, rec);
			break;
		case 0x86dd:
			ul_ipv6(b, rec);
			break;
		case 0x0806:
			ul_arp(b, rec);
			break;
		default:
			UL_FIELD(b, "PROTO=", get_u16(rec, K_OOB_PROTOCOL));
		}
		break;
	case NFPROTO_ARP_:
		ul_arp(b, rec);
		break;
	}

	if (is_set(rec, K_OOB_UID))
		UL_FIELD(b, "UID=", get_u32(rec, K_OOB_UID));
	if (is_set(rec, K_OOB_GID))
		UL_FIELD(b, "GID=", get_u32(rec, K_OOB_GID));
	if (is_set(rec, K_OOB_MARK)) {
		pb_lit(b, "MARK=0x");
		pb_hex(b, get_u32(rec, K_OOB_MARK));
		pb_putc(b, ' ');
	}
}

/* ---- the kernel layout: gather what the walker needs -------------------- */

/*
 * Whether the packet came in through a device (the kernel prints MAC= only
 * then): IFINDEX's name when it ran, else the hook (PREROUTING, INPUT and
 * FORWARD have one), else whether NFLOG sent a link header at all.
 */
static bool has_indev(const struct nfp_rec *rec)
{
	const struct nfp_value *v = nfp_get(rec, K_OOB_IN);

	if (v)
		return v->str.len > 0;
	v = nfp_get(rec, K_OOB_HOOK);
	if (v)
		return v->u8 <= 2;
	return is_set(rec, K_RAW_MAC);
}

static void kernel_line(struct pp_buf *b, const struct nfp_rec *rec,
			unsigned int flags)
{
	const struct nfp_value *v;
	struct pp_pkt p = { 0 };

	v = nfp_get(rec, K_RAW_PKT);
	if (v) {
		p.pkt = v->raw.ptr;
		p.len = v->raw.len;
		if (is_set(rec, K_RAW_PKTLEN))
			p.len = min_u32(p.len, get_u32(rec, K_RAW_PKTLEN));
	}
	v = nfp_get(rec, K_OOB_PREFIX);
	p.prefix = v ? v->str.ptr : NULL;
	v = nfp_get(rec, K_OOB_IN);
	p.indev = v ? v->str.ptr : NULL;
	v = nfp_get(rec, K_OOB_OUT);
	p.outdev = v ? v->str.ptr : NULL;
	p.has_indev = has_indev(rec);
	v = nfp_get(rec, K_RAW_MAC);
	if (v) {
		p.mac = v->raw.ptr;
		p.mac_len = v->raw.len;
		if (is_set(rec, K_RAW_MAC_LEN))
			p.mac_len = min_u32(p.mac_len,
					    get_u16(rec, K_RAW_MAC_LEN));
	}
	p.hwtype = (uint16_t)get_u16(rec, K_RAW_TYPE);
	p.family = (uint8_t)get_u8(rec, K_OOB_FAMILY);
	p.protocol = (uint16_t)get_u16(rec, K_OOB_PROTOCOL);
	p.mark = get_u32(rec, K_OOB_MARK);
	p.has_uid = is_set(rec, K_OOB_UID) && is_set(rec, K_OOB_GID);
	p.uid = get_u32(rec, K_OOB_UID);
	p.gid = get_u32(rec, K_OOB_GID);
	pp_kernel_line(b, &p, flags);
}

/* ---- plugin ------------------------------------------------------------- */

static int pp_configure(struct nfp_inst *inst)
{
	struct pp_priv *pp = inst->priv;

	pp->flags = (pp->tcp_sequence ? PP_TCPSEQ : 0) |
		    (pp->tcp_options ? PP_TCPOPT : 0) |
		    (pp->ip_options ? PP_IPOPT : 0) |
		    (pp->uid ? PP_UID : 0) |
		    (pp->macdecode ? PP_MACDECODE : 0);
	if (pp->format != PP_FMT_KERNEL && pp->flags)
		nfp_warn(inst, "tcp_sequence, tcp_options, ip_options, uid and macdecode only apply to format=kernel");
	/* The ulogd layout needs BASE; the kernel one reads raw.pkt. */
	return nfp_inst_set_keys(inst,
				 pp->format == PP_FMT_KERNEL ? pp_in_kernel
							     : pp_in_ulogd,
				 pp_out);
}

static enum nfp_ret pp_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	struct pp_priv *pp = inst->priv;
	struct pp_buf b;
	char *mem;
	size_t len;

	if (!nfp_wanted(rec, O_PRINT))
		return NFP_OK;
	mem = nfp_rec_alloc(rec, PP_LINE_MAX);
	if (!mem)
		return NFP_ERROR;
	pb_init(&b, mem, PP_LINE_MAX);
	if (pp->format == PP_FMT_KERNEL)
		kernel_line(&b, rec, pp->flags);
	else
		ulogd_line(&b, rec);
	len = pb_finish(&b);
	nfp_set_str(rec, O_PRINT, mem, (uint32_t)len);
	return NFP_OK;
}

NFP_PLUGIN(filter, printpkt) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_FILTER,
	.name = "PRINTPKT",
	.summary = "a packet as one log line, as ulogd2 or the kernel log it",
	.options = pp_options,
	.in_keys = pp_in_ulogd,
	.out_keys = pp_out,
	.priv_size = sizeof(struct pp_priv),
	.configure = pp_configure,
	.process = pp_process,
};
