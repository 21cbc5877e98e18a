/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/pktsend - send exact IPv4/IPv6 packets through a raw socket
 *
 * The integration tests need packets whose every field they know: TCP
 * segments with chosen flags, options, sequence numbers and reserved bits,
 * UDP, ICMP and ICMPv6 of any type, ESP, AH, SCTP and GRE, IPv4 options,
 * IPv6 extension headers, and fragments of all of these. ping and nc
 * let the kernel choose most of that; this tool chooses all of it, so
 * that logged lines can be compared with lines worked out by hand.
 *
 * It builds the whole packet from the network header on (checksums
 * included) and hands it to a raw socket with the header included
 * (IPPROTO_RAW): the kernel of the sending namespace only routes it. It
 * needs CAP_NET_RAW. Exit status: 0 when every packet was sent, 1 on a
 * send error, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PKT_MAX 65535
#define IP4_HLEN 20
#define IP6_HLEN 40

/* Everything the command line chooses; defaults are fixed, never random. */
struct spec {
	int family;			/* AF_INET or AF_INET6 */
	int proto;			/* IPPROTO_* of the transport */
	struct in6_addr src6, dst6;	/* IPv6 addresses */
	struct in_addr src4, dst4;	/* IPv4 addresses */
	uint16_t sport, dport;		/* TCP, UDP, SCTP ports */
	uint8_t tcp_flags;		/* FIN 0x01 ... CWR 0x80 */
	uint8_t tcp_res;		/* the 4 reserved bits */
	uint32_t seq, ack;		/* TCP sequence and ack numbers */
	uint16_t win, urgp;		/* TCP window and urgent pointer */
	uint8_t tcp_opt[40];		/* TCP options, padded to 4 bytes */
	size_t tcp_optlen;		/* bytes used in tcp_opt */
	int icmp_type;			/* -1: echo request */
	int icmp_code;			/* ICMP/ICMPv6 code */
	uint16_t icmp_id, icmp_seq;	/* echo identifier and sequence */
	uint32_t icmp_rest;		/* rest of header, when given */
	bool icmp_rest_set;		/* icmp_rest overrides id/seq */
	uint16_t ip_id;			/* IPv4 ID; 0: the kernel's */
	uint8_t ttl;			/* TTL or hop limit */
	uint8_t tos;			/* TOS or traffic class */
	uint32_t flowlabel;		/* IPv6 flow label (20 bits) */
	bool df;			/* IPv4 don't-fragment */
	uint8_t ip_opt[40];		/* IPv4 options, padded to 4 bytes */
	size_t ip_optlen;		/* bytes used in ip_opt */
	bool hbh;			/* add an IPv6 hop-by-hop header */
	bool dstopt;			/* add an IPv6 dest. options hdr */
	size_t frag;			/* bytes per fragment, 0: whole */
	uint32_t frag_id;		/* IPv6 fragment ID */
	uint8_t payload[PKT_MAX];	/* transport payload */
	size_t paylen;			/* bytes used in payload */
	uint32_t spi;			/* ESP/AH SPI, also the GRE key */
	unsigned int count;		/* packets to send */
	unsigned int interval_ms;	/* pause between packets */
	unsigned int wait_ms;		/* pause after the last packet */
	bool verbose;			/* hex dump to stderr */
};

static void usage(FILE *f)
{
	fputs("Usage: pktsend [OPTIONS] PROTO SRC DST\n"
	      "PROTO: tcp udp icmp icmp6 esp ah sctp gre, or a number\n"
	      "  --sport N --dport N     ports (40000, 9)\n"
	      "  --flags LETTERS         TCP flags: F S R P A U E C (S)\n"
	      "  --seq N --ack N         TCP numbers (1000, 0)\n"
	      "  --win N --urgp N        TCP window, urgent ptr (64240, 0)\n"
	      "  --res N                 TCP reserved bits, 0..15\n"
	      "  --tcpopt LIST           mss=N,sackok,ts=V:E,ws=N,nop,eol\n"
	      "  --type N --code N       ICMP/ICMPv6 type and code (echo)\n"
	      "  --id N --icmpseq N      echo identifier, sequence (1, 1)\n"
	      "  --rest N                ICMP rest-of-header word, e.g. MTU\n"
	      "  --ipid N                IPv4 ID (4242; 0: the kernel's)\n"
	      "  --ttl N --tos N         TTL/hop limit (64), TOS/class (0)\n"
	      "  --flowlabel N           IPv6 flow label (0)\n"
	      "  --df                    IPv4 don't-fragment\n"
	      "  --ipopt HEX             IPv4 options bytes, e.g. 01010100\n"
	      "  --hbh --dstopt          IPv6 hop-by-hop / dest. options\n"
	      "  --frag N                fragments of N bytes (multiple of 8)\n"
	      "  --fragid N              IPv6 fragment identification\n"
	      "  --len N | --data TEXT   payload: N pattern bytes, or TEXT\n"
	      "  --spi N                 ESP/AH SPI, GRE key (0x1000)\n"
	      "  --count N --interval MS repeat (1, 0)\n"
	      "  --wait MS               pause after the last packet (0)\n"
	      "  --verbose               hex dump each packet to stderr\n",
	      f);
}

static bool parse_ul(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 0);
	return !errno && end != s && !*end && *out <= max && *s != '-';
}

static int parse_hex(const char *s, uint8_t *buf, size_t max, size_t *len)
{
	size_t n = strlen(s), i;

	if (n % 2 || n / 2 > max)
		return -1;
	for (i = 0; i < n / 2; i++) {
		unsigned int v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		buf[i] = (uint8_t)v;
	}
	*len = n / 2;
	return 0;
}

/* Linux's order for a SYN is mss,sackok,ts,nop,ws; the caller decides. */
static int parse_tcpopt(const char *list, struct spec *s)
{
	char *copy = strdup(list), *tok, *save = NULL;
	uint8_t *o = s->tcp_opt;
	size_t n = 0;
	int ret = -1;

	if (!copy)
		return -1;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		unsigned long v, e;
		char *colon;

		if (!strcmp(tok, "nop")) {
			if (n + 1 > 40)
				goto out;
			o[n++] = 1;
		} else if (!strcmp(tok, "eol")) {
			if (n + 1 > 40)
				goto out;
			o[n++] = 0;
		} else if (!strcmp(tok, "sackok")) {
			if (n + 2 > 40)
				goto out;
			o[n++] = 4;
			o[n++] = 2;
		} else if (!strncmp(tok, "mss=", 4)) {
			if (!parse_ul(tok + 4, 0xffff, &v) || n + 4 > 40)
				goto out;
			o[n++] = 2;
			o[n++] = 4;
			o[n++] = (uint8_t)(v >> 8);
			o[n++] = (uint8_t)v;
		} else if (!strncmp(tok, "ws=", 3)) {
			if (!parse_ul(tok + 3, 14, &v) || n + 3 > 40)
				goto out;
			o[n++] = 3;
			o[n++] = 3;
			o[n++] = (uint8_t)v;
		} else if (!strncmp(tok, "ts=", 3)) {
			colon = strchr(tok + 3, ':');
			if (!colon || n + 10 > 40)
				goto out;
			*colon = '\0';
			if (!parse_ul(tok + 3, 0xffffffffUL, &v) ||
			    !parse_ul(colon + 1, 0xffffffffUL, &e))
				goto out;
			o[n++] = 8;
			o[n++] = 10;
			o[n++] = (uint8_t)(v >> 24);
			o[n++] = (uint8_t)(v >> 16);
			o[n++] = (uint8_t)(v >> 8);
			o[n++] = (uint8_t)v;
			o[n++] = (uint8_t)(e >> 24);
			o[n++] = (uint8_t)(e >> 16);
			o[n++] = (uint8_t)(e >> 8);
			o[n++] = (uint8_t)e;
		} else {
			goto out;
		}
	}
	/* The data offset counts 32-bit words: pad with end-of-list. */
	while (n % 4)
		o[n++] = 0;
	s->tcp_optlen = n;
	ret = 0;
out:
	free(copy);
	return ret;
}

static int parse_flags(const char *letters, uint8_t *flags)
{
	static const char order[] = "FSRPAUEC";
	const char *p, *c;

	*flags = 0;
	for (p = letters; *p; p++) {
		c = strchr(order, *p);
		if (!c)
			return -1;
		*flags |= (uint8_t)(1u << (c - order));
	}
	return 0;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* RFC 1071 sum, folded but not complemented, so parts can be chained. */
static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The pseudo-header sum of RFC 793 (IPv4) and RFC 8200 8.1 (IPv6). */
static uint32_t pseudo_sum(const struct spec *s, size_t len, uint8_t proto)
{
	uint8_t ph[40];

	if (s->family == AF_INET) {
		memcpy(ph, &s->src4, 4);
		memcpy(ph + 4, &s->dst4, 4);
		ph[8] = 0;
		ph[9] = proto;
		put16(ph + 10, (uint16_t)len);
		return sum16(ph, 12, 0);
	}
	memcpy(ph, &s->src6, 16);
	memcpy(ph + 16, &s->dst6, 16);
	put32(ph + 32, (uint32_t)len);
	ph[36] = ph[37] = ph[38] = 0;
	ph[39] = proto;
	return sum16(ph, 40, 0);
}

/* CRC32c (Castagnoli), bit by bit: a handful of packets need no table. */
static uint32_t crc32c(const uint8_t *p, size_t len)
{
	uint32_t crc = 0xffffffffu;
	size_t i;
	int b;

	for (i = 0; i < len; i++) {
		crc ^= p[i];
		for (b = 0; b < 8; b++)
			crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1)));
	}
	return ~crc;
}

/*
 * The transport header and payload into @buf; returns its length. Anything
 * that follows the network header (and its extension headers) is here,
 * because fragmentation cuts exactly this part.
 */
static size_t build_l4(const struct spec *s, uint8_t *buf)
{
	size_t len = 0;
	uint16_t csum;

	switch (s->proto) {
	case IPPROTO_TCP: {
		size_t hl = 20 + s->tcp_optlen;

		put16(buf, s->sport);
		put16(buf + 2, s->dport);
		put32(buf + 4, s->seq);
		put32(buf + 8, s->ack);
		buf[12] = (uint8_t)((hl / 4) << 4 | (s->tcp_res & 0x0f));
		buf[13] = s->tcp_flags;
		put16(buf + 14, s->win);
		put16(buf + 16, 0);
		put16(buf + 18, s->urgp);
		memcpy(buf + 20, s->tcp_opt, s->tcp_optlen);
		memcpy(buf + hl, s->payload, s->paylen);
		len = hl + s->paylen;
		csum = csum_fold(sum16(buf, len,
				       pseudo_sum(s, len, IPPROTO_TCP)));
		put16(buf + 16, csum);
		break;
	}
	case IPPROTO_UDP:
		len = 8 + s->paylen;
		put16(buf, s->sport);
		put16(buf + 2, s->dport);
		put16(buf + 4, (uint16_t)len);
		put16(buf + 6, 0);
		memcpy(buf + 8, s->payload, s->paylen);
		csum = csum_fold(sum16(buf, len,
				       pseudo_sum(s, len, IPPROTO_UDP)));
		/* 0 means "no checksum" in UDP: send its complement. */
		put16(buf + 6, csum ? csum : 0xffff);
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6: {
		bool v6 = s->proto == IPPROTO_ICMPV6;
		int type = s->icmp_type >= 0 ? s->icmp_type : (v6 ? 128 : 8);

		buf[0] = (uint8_t)type;
		buf[1] = (uint8_t)s->icmp_code;
		put16(buf + 2, 0);
		if (s->icmp_rest_set) {
			put32(buf + 4, s->icmp_rest);
		} else {
			put16(buf + 4, s->icmp_id);
			put16(buf + 6, s->icmp_seq);
		}
		memcpy(buf + 8, s->payload, s->paylen);
		len = 8 + s->paylen;
		csum = csum_fold(sum16(buf, len, v6 ?
				       pseudo_sum(s, len, IPPROTO_ICMPV6) : 0));
		put16(buf + 2, csum);
		break;
	}
	case IPPROTO_ESP:
		/* SPI and sequence number; the rest is opaque to a logger. */
		put32(buf, s->spi);
		put32(buf + 4, 1);
		memcpy(buf + 8, s->payload, s->paylen);
		len = 8 + s->paylen;
		break;
	case IPPROTO_AH:
		/* RFC 4302: 12 bytes of header plus a 12-byte ICV; no payload
		 * header follows (next header 59). Length in words minus 2. */
		buf[0] = 59;
		buf[1] = (24 / 4) - 2;
		put16(buf + 2, 0);
		put32(buf + 4, s->spi);
		put32(buf + 8, 1);
		memset(buf + 12, 0, 12);
		memcpy(buf + 24, s->payload, s->paylen);
		len = 24 + s->paylen;
		break;
	case IPPROTO_SCTP:
		/* Common header, then an INIT chunk (RFC 9260 3.3.2). */
		put16(buf, s->sport);
		put16(buf + 2, s->dport);
		put32(buf + 4, 0);
		put32(buf + 8, 0);
		buf[12] = 1;
		buf[13] = 0;
		put16(buf + 14, 20);
		put32(buf + 16, s->spi);
		put32(buf + 20, 65536);
		put16(buf + 24, 10);
		put16(buf + 26, 10);
		put32(buf + 28, s->seq);
		len = 32;
		{
			uint32_t crc = crc32c(buf, len);

			/* The CRC goes on the wire least significant first. */
			buf[8] = (uint8_t)crc;
			buf[9] = (uint8_t)(crc >> 8);
			buf[10] = (uint8_t)(crc >> 16);
			buf[11] = (uint8_t)(crc >> 24);
		}
		break;
	case 47:
		/* GRE with the key bit, carrying the payload as IPv4. */
		put16(buf, 0x2000);
		put16(buf + 2, 0x0800);
		put32(buf + 4, s->spi);
		memcpy(buf + 8, s->payload, s->paylen);
		len = 8 + s->paylen;
		break;
	default:
		memcpy(buf, s->payload, s->paylen);
		len = s->paylen;
		break;
	}
	return len;
}

static void hexdump(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		fprintf(stderr, "%02x%s", p[i], (i % 16 == 15 || i + 1 == len) ?
			"\n" : " ");
}

static int send_one(int fd, const struct spec *s, const uint8_t *pkt,
		    size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl;

	memset(&ss, 0, sizeof(ss));
	if (s->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_addr = s->dst4;
		sl = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = s->dst6;
		sl = sizeof(*sin6);
	}
	if (s->verbose)
		hexdump(pkt, len);
	if (sendto(fd, pkt, len, 0, (struct sockaddr *)&ss, sl) !=
	    (ssize_t)len) {
		fprintf(stderr, "pktsend: sendto (%zu bytes): %s\n", len,
			strerror(errno));
		return -1;
	}
	return 0;
}

static void ip4_header(const struct spec *s, uint8_t *p, size_t hl,
		       size_t total, uint16_t frag)
{
	p[0] = (uint8_t)(0x40 | hl / 4);
	p[1] = s->tos;
	put16(p + 2, (uint16_t)total);
	put16(p + 4, s->ip_id);
	put16(p + 6, frag);
	p[8] = s->ttl;
	p[9] = (uint8_t)s->proto;
	put16(p + 10, 0);
	memcpy(p + 12, &s->src4, 4);
	memcpy(p + 16, &s->dst4, 4);
	/* The kernel fills the header checksum of a raw packet anyway. */
	put16(p + 10, csum_fold(sum16(p, hl, 0)));
}

/* One packet, or its fragments (RFC 791), to @fd. */
static int send_ip4(int fd, const struct spec *s, const uint8_t *l4,
		    size_t l4len)
{
	static uint8_t pkt[PKT_MAX];
	size_t hl = IP4_HLEN + s->ip_optlen, off = 0, chunk;
	uint16_t df = s->df ? 0x4000 : 0;

	if (!s->frag) {
		if (hl + l4len > PKT_MAX)
			return -1;
		ip4_header(s, pkt, hl, hl + l4len, df);
		memcpy(pkt + IP4_HLEN, s->ip_opt, s->ip_optlen);
		/* Recompute: the options are part of the summed header. */
		put16(pkt + 10, 0);
		put16(pkt + 10, csum_fold(sum16(pkt, hl, 0)));
		memcpy(pkt + hl, l4, l4len);
		return send_one(fd, s, pkt, hl + l4len);
	}
	while (off < l4len) {
		bool more;

		chunk = l4len - off > s->frag ? s->frag : l4len - off;
		more = off + chunk < l4len;
		/* Options are copied into the first fragment only; callers
		 * that fragment use none. */
		ip4_header(s, pkt, IP4_HLEN, IP4_HLEN + chunk,
			   (uint16_t)(df | (more ? 0x2000 : 0) | off / 8));
		memcpy(pkt + IP4_HLEN, l4 + off, chunk);
		if (send_one(fd, s, pkt, IP4_HLEN + chunk) < 0)
			return -1;
		off += chunk;
	}
	return 0;
}

/* An 8-byte options header holding one PadN option (RFC 8200 4.2). */
static void ip6_padopts(uint8_t *p, uint8_t next)
{
	p[0] = next;
	p[1] = 0;
	p[2] = 1;
	p[3] = 4;
	memset(p + 4, 0, 4);
}

static void ip6_header(const struct spec *s, uint8_t *p, size_t plen,
		       uint8_t next)
{
	put32(p, 6u << 28 | (uint32_t)s->tos << 20 | (s->flowlabel & 0xfffff));
	put16(p + 4, (uint16_t)plen);
	p[6] = next;
	p[7] = s->ttl;
	memcpy(p + 8, &s->src6, 16);
	memcpy(p + 24, &s->dst6, 16);
}

/*
 * IPv6: the hop-by-hop header belongs to the unfragmentable part, the
 * destination options header to the fragmentable part (RFC 8200 4.5).
 */
static int send_ip6(int fd, const struct spec *s, const uint8_t *l4,
		    size_t l4len)
{
	static uint8_t pkt[PKT_MAX], part[PKT_MAX];
	size_t plen = 0, unfrag = IP6_HLEN, off = 0;
	uint8_t first = (uint8_t)s->proto;

	/* The fragmentable part: [dstopts] transport. */
	if (s->dstopt) {
		ip6_padopts(part, first);
		plen = 8;
		first = 60;
	}
	if (plen + l4len > sizeof(part) - 64)
		return -1;
	memcpy(part + plen, l4, l4len);
	plen += l4len;

	if (s->hbh)
		unfrag += 8;
	if (!s->frag) {
		ip6_header(s, pkt, unfrag - IP6_HLEN + plen,
			   s->hbh ? 0 : first);
		if (s->hbh)
			ip6_padopts(pkt + IP6_HLEN, first);
		memcpy(pkt + unfrag, part, plen);
		return send_one(fd, s, pkt, unfrag + plen);
	}
	while (off < plen) {
		size_t chunk = plen - off > s->frag ? s->frag : plen - off;
		bool more = off + chunk < plen;
		uint8_t *fh = pkt + unfrag;

		ip6_header(s, pkt, unfrag - IP6_HLEN + 8 + chunk,
			   s->hbh ? 0 : 44);
		if (s->hbh)
			ip6_padopts(pkt + IP6_HLEN, 44);
		fh[0] = first;
		fh[1] = 0;
		put16(fh + 2, (uint16_t)(off | (more ? 1 : 0)));
		put32(fh + 4, s->frag_id);
		memcpy(fh + 8, part + off, chunk);
		if (send_one(fd, s, pkt, unfrag + 8 + chunk) < 0)
			return -1;
		off += chunk;
	}
	return 0;
}

static int parse_proto(const char *name, struct spec *s)
{
	static const struct {
		const char *name;	/* as on the command line */
		int proto;		/* IPPROTO_* */
	} names[] = {
		{ "tcp", IPPROTO_TCP },	    { "udp", IPPROTO_UDP },
		{ "icmp", IPPROTO_ICMP },   { "icmp6", IPPROTO_ICMPV6 },
		{ "esp", IPPROTO_ESP },	    { "ah", IPPROTO_AH },
		{ "sctp", IPPROTO_SCTP },   { "gre", 47 },
	};
	unsigned long v;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(name, names[i].name)) {
			s->proto = names[i].proto;
			return 0;
		}
	}
	if (!parse_ul(name, 255, &v))
		return -1;
	s->proto = (int)v;
	return 0;
}

static int parse_addrs(const char *src, const char *dst, struct spec *s)
{
	if (inet_pton(AF_INET, src, &s->src4) == 1 &&
	    inet_pton(AF_INET, dst, &s->dst4) == 1) {
		s->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, src, &s->src6) == 1 &&
	    inet_pton(AF_INET6, dst, &s->dst6) == 1) {
		s->family = AF_INET6;
		return 0;
	}
	return -1;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

enum {
	O_SPORT = 256, O_DPORT, O_FLAGS, O_SEQ, O_ACK, O_WIN, O_URGP, O_RES,
	O_TCPOPT, O_TYPE, O_CODE, O_ID, O_ICMPSEQ, O_REST, O_IPID, O_TTL,
	O_TOS, O_FLOWLABEL, O_DF, O_IPOPT, O_HBH, O_DSTOPT, O_FRAG, O_FRAGID,
	O_LEN, O_DATA, O_SPI, O_COUNT, O_INTERVAL, O_WAIT, O_VERBOSE, O_HELP,
};

static const struct option longopts[] = {
	{ "sport", required_argument, NULL, O_SPORT },
	{ "dport", required_argument, NULL, O_DPORT },
	{ "flags", required_argument, NULL, O_FLAGS },
	{ "seq", required_argument, NULL, O_SEQ },
	{ "ack", required_argument, NULL, O_ACK },
	{ "win", required_argument, NULL, O_WIN },
	{ "urgp", required_argument, NULL, O_URGP },
	{ "res", required_argument, NULL, O_RES },
	{ "tcpopt", required_argument, NULL, O_TCPOPT },
	{ "type", required_argument, NULL, O_TYPE },
	{ "code", required_argument, NULL, O_CODE },
	{ "id", required_argument, NULL, O_ID },
	{ "icmpseq", required_argument, NULL, O_ICMPSEQ },
	{ "rest", required_argument, NULL, O_REST },
	{ "ipid", required_argument, NULL, O_IPID },
	{ "ttl", required_argument, NULL, O_TTL },
	{ "tos", required_argument, NULL, O_TOS },
	{ "flowlabel", required_argument, NULL, O_FLOWLABEL },
	{ "df", no_argument, NULL, O_DF },
	{ "ipopt", required_argument, NULL, O_IPOPT },
	{ "hbh", no_argument, NULL, O_HBH },
	{ "dstopt", no_argument, NULL, O_DSTOPT },
	{ "frag", required_argument, NULL, O_FRAG },
	{ "fragid", required_argument, NULL, O_FRAGID },
	{ "len", required_argument, NULL, O_LEN },
	{ "data", required_argument, NULL, O_DATA },
	{ "spi", required_argument, NULL, O_SPI },
	{ "count", required_argument, NULL, O_COUNT },
	{ "interval", required_argument, NULL, O_INTERVAL },
	{ "wait", required_argument, NULL, O_WAIT },
	{ "verbose", no_argument, NULL, O_VERBOSE },
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 }
};

/* Numeric options: where each goes in struct spec, and its bounds. */
static const struct num_opt {
	int opt;			/* O_* */
	size_t off;			/* offsetof(struct spec, ...) */
	size_t size;			/* 1, 2, 4 or 8 bytes */
	unsigned long max;		/* largest value accepted */
} num_opts[] = {
#define NUM(o, field, max) { o, offsetof(struct spec, field), \
			     sizeof(((struct spec *)0)->field), max }
	NUM(O_SPORT, sport, 0xffff),
	NUM(O_DPORT, dport, 0xffff),
	NUM(O_SEQ, seq, 0xffffffffUL),
	NUM(O_ACK, ack, 0xffffffffUL),
	NUM(O_WIN, win, 0xffff),
	NUM(O_URGP, urgp, 0xffff),
	NUM(O_RES, tcp_res, 15),
	NUM(O_TYPE, icmp_type, 255),
	NUM(O_CODE, icmp_code, 255),
	NUM(O_ID, icmp_id, 0xffff),
	NUM(O_ICMPSEQ, icmp_seq, 0xffff),
	NUM(O_REST, icmp_rest, 0xffffffffUL),
	NUM(O_IPID, ip_id, 0xffff),
	NUM(O_TTL, ttl, 255),
	NUM(O_TOS, tos, 255),
	NUM(O_FLOWLABEL, flowlabel, 0xfffff),
	NUM(O_FRAG, frag, 60000),
	NUM(O_FRAGID, frag_id, 0xffffffffUL),
	NUM(O_LEN, paylen, 60000),
	NUM(O_SPI, spi, 0xffffffffUL),
	NUM(O_COUNT, count, 1000000),
	NUM(O_INTERVAL, interval_ms, 60000),
	NUM(O_WAIT, wait_ms, 60000),
#undef NUM
};

static int num_opt(int c, const char *arg, struct spec *s)
{
	const struct num_opt *n = NULL;
	unsigned long v;
	uint8_t *field;
	size_t i;

	for (i = 0; i < sizeof(num_opts) / sizeof(num_opts[0]); i++)
		if (num_opts[i].opt == c)
			n = &num_opts[i];
	if (!n || !parse_ul(arg, n->max, &v))
		return -1;
	field = (uint8_t *)s + n->off;
	switch (n->size) {
	case 1: {
		uint8_t x = (uint8_t)v;

		memcpy(field, &x, 1);
		break;
	}
	case 2: {
		uint16_t x = (uint16_t)v;

		memcpy(field, &x, 2);
		break;
	}
	case 4: {
		uint32_t x = (uint32_t)v;

		memcpy(field, &x, 4);
		break;
	}
	default: {
		uint64_t x = v;

		memcpy(field, &x, 8);
		break;
	}
	}
	if (c == O_REST)
		s->icmp_rest_set = true;
	return 0;
}

int main(int argc, char **argv)
{
	static struct spec s;
	static uint8_t l4[PKT_MAX];
	bool have_data = false;
	unsigned int i;
	size_t l4len;
	int c, fd, ret = 0;

	s.sport = 40000;
	s.dport = 9;
	s.tcp_flags = 0x02;
	s.seq = 1000;
	s.win = 64240;
	s.icmp_type = -1;
	s.icmp_id = 1;
	s.icmp_seq = 1;
	s.ip_id = 4242;
	s.ttl = 64;
	s.frag_id = 0x1234;
	s.spi = 0x1000;
	s.count = 1;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case O_FLAGS:
			if (parse_flags(optarg, &s.tcp_flags) < 0)
				goto bad;
			break;
		case O_TCPOPT:
			if (parse_tcpopt(optarg, &s) < 0)
				goto bad;
			break;
		case O_DF:
			s.df = true;
			break;
		case O_IPOPT:
			if (parse_hex(optarg, s.ip_opt, 40, &s.ip_optlen) < 0 ||
			    s.ip_optlen % 4)
				goto bad;
			break;
		case O_HBH:
			s.hbh = true;
			break;
		case O_DSTOPT:
			s.dstopt = true;
			break;
		case O_DATA:
			s.paylen = strlen(optarg);
			if (s.paylen > 60000)
				goto bad;
			memcpy(s.payload, optarg, s.paylen);
			have_data = true;
			break;
		case O_VERBOSE:
			s.verbose = true;
			break;
		case O_HELP:
			usage(stdout);
			return 0;
		case '?':
			usage(stderr);
			return 2;
		default:
			if (num_opt(c, optarg, &s) < 0)
				goto bad;
			break;
		}
	}
	if (argc - optind != 3) {
		usage(stderr);
		return 2;
	}
	if (parse_proto(argv[optind], &s) < 0 ||
	    parse_addrs(argv[optind + 1], argv[optind + 2], &s) < 0) {
		fprintf(stderr, "pktsend: bad protocol or addresses\n");
		return 2;
	}
	if (s.frag % 8 || (s.frag && s.family == AF_INET && s.ip_optlen)) {
		fprintf(stderr, "pktsend: --frag takes a multiple of 8, "
				"without --ipopt\n");
		return 2;
	}
	if ((s.proto == IPPROTO_ICMP && s.family != AF_INET) ||
	    (s.proto == IPPROTO_ICMPV6 && s.family != AF_INET6)) {
		fprintf(stderr, "pktsend: icmp is for IPv4, icmp6 for IPv6\n");
		return 2;
	}
	/* A recognisable pattern: offset modulo 256. */
	if (!have_data)
		for (i = 0; i < s.paylen; i++)
			s.payload[i] = (uint8_t)i;

	fd = socket(s.family, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		fprintf(stderr, "pktsend: raw socket: %s\n", strerror(errno));
		return 1;
	}
	l4len = build_l4(&s, l4);
	for (i = 0; i < s.count && !ret; i++) {
		if (i && s.interval_ms)
			sleep_ms(s.interval_ms);
		if (s.family == AF_INET)
			ret = send_ip4(fd, &s, l4, l4len) < 0;
		else
			ret = send_ip6(fd, &s, l4, l4len) < 0;
	}
	close(fd);
	if (s.wait_ms)
		sleep_ms(s.wait_ms);
	return ret;
bad:
	fprintf(stderr, "pktsend: bad value for --%s: %s\n",
		longopts[c - O_SPORT].name, optarg);
	return 2;
}
