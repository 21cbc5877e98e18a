/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter/printpkt - the append buffer and the kernel-layout walker
 *
 * Shared by the two halves of PRINTPKT: printpkt.c (plugin glue and the
 * ulogd2 layout, built from BASE's keys) and printpkt_kernel.c (the kernel
 * LOG layout, built by walking the packet bytes as nf_log_syslog.c does).
 *
 * The buffer never overflows: an append that does not fit is cut at the end
 * of the buffer and everything after it is dropped, which is also what the
 * kernel does with a line longer than its log buffer. Nothing here
 * allocates or prints; the caller owns the memory behind the buffer.
 */
#ifndef NFP_PRINTPKT_H
#define NFP_PRINTPKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct pp_buf {
	char *start; /* first byte of the line */
	char *cur;   /* where the next byte goes */
	char *end;   /* end of room; NUL goes there at most */
};

static inline void pb_init(struct pp_buf *b, char *mem, size_t size)
{
	b->start = mem;
	b->cur = mem;
	b->end = mem + size - 1;
}

static inline size_t pb_len(const struct pp_buf *b)
{
	return (size_t)(b->cur - b->start);
}

/* Terminate the line and return its length. */
static inline size_t pb_finish(struct pp_buf *b)
{
	*b->cur = '\0';
	return pb_len(b);
}

static inline void pb_putc(struct pp_buf *b, char c)
{
	if (b->cur < b->end)
		*b->cur++ = c;
}

static inline void pb_mem(struct pp_buf *b, const char *s, size_t n)
{
	size_t room = (size_t)(b->end - b->cur);

	if (n > room)
		n = room;
	memcpy(b->cur, s, n);
	b->cur += n;
}

/* A string literal, its length known at compile time. */
#define pb_lit(b, s) pb_mem((b), "" s, sizeof(s) - 1)

static inline void pb_str(struct pp_buf *b, const char *s)
{
	if (s)
		pb_mem(b, s, strlen(s));
}

/*
 * The fast paths below write through a local pointer once the room is
 * known: stores through b->cur (a char *) may alias b itself, so a
 * byte-at-a-time pb_putc() reloads cur and end from memory for every
 * character. With too little room they fall back to pb_putc(), which cuts
 * the line exactly as before.
 */
static inline bool pb_room(const struct pp_buf *b, size_t n)
{
	return (size_t)(b->end - b->cur) >= n;
}

/* %u */
static inline void pb_dec(struct pp_buf *b, uint32_t v)
{
	char tmp[10], *o;
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (!pb_room(b, (size_t)n)) {
		while (n)
			pb_putc(b, tmp[--n]);
		return;
	}
	o = b->cur;
	while (n)
		*o++ = tmp[--n];
	b->cur = o;
}

static const char pb_hex_lower[] = "0123456789abcdef";
static const char pb_hex_upper[] = "0123456789ABCDEF";

/* %02x, or %02X when @upper */
static inline void pb_hex02(struct pp_buf *b, uint8_t v, bool upper)
{
	const char *d = upper ? pb_hex_upper : pb_hex_lower;
	char *o = b->cur;

	if (!pb_room(b, 2)) {
		pb_putc(b, d[v >> 4]);
		pb_putc(b, d[v & 15]);
		return;
	}
	o[0] = d[v >> 4];
	o[1] = d[v & 15];
	b->cur = o + 2;
}

/* %x: lower case, no leading zeros */
static inline void pb_hex(struct pp_buf *b, uint32_t v)
{
	int shift = 28;

	while (shift > 0 && !(v >> shift))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		pb_putc(b, pb_hex_lower[(v >> shift) & 15]);
}

/* %0Nx for N = @digits */
static inline void pb_hexw(struct pp_buf *b, uint32_t v, int digits)
{
	int shift;

	for (shift = (digits - 1) * 4; shift >= 0; shift -= 4)
		pb_putc(b, pb_hex_lower[(v >> shift) & 15]);
}

/* Dotted quad from four bytes in network order (%pI4). */
static inline void pb_ip4(struct pp_buf *b, const uint8_t *a)
{
	char *o = b->cur;
	int i;

	if (pb_room(b, 15)) {
		for (i = 0; i < 4; i++) {
			unsigned int v = a[i];

			if (i)
				*o++ = '.';
			if (v >= 100) {
				*o++ = (char)('0' + v / 100);
				v %= 100;
				*o++ = (char)('0' + v / 10);
			} else if (v >= 10) {
				*o++ = (char)('0' + v / 10);
			}
			*o++ = (char)('0' + v % 10);
		}
		b->cur = o;
		return;
	}
	pb_dec(b, a[0]);
	pb_putc(b, '.');
	pb_dec(b, a[1]);
	pb_putc(b, '.');
	pb_dec(b, a[2]);
	pb_putc(b, '.');
	pb_dec(b, a[3]);
}

/* Eight groups of four hex digits, nothing compressed (%pI6). */
static inline void pb_ip6_full(struct pp_buf *b, const uint8_t *a)
{
	int i;

	for (i = 0; i < 16; i += 2) {
		if (i)
			pb_putc(b, ':');
		pb_hex02(b, a[i], false);
		pb_hex02(b, a[i + 1], false);
	}
}

/* Bytes as lower-case hex joined by ':' (%pM for six of them). */
static inline void pb_hexbytes(struct pp_buf *b, const uint8_t *p, size_t n)
{
	char *o = b->cur;
	size_t i;

	if (n && n <= SIZE_MAX / 3 && pb_room(b, 3 * n)) {
		for (i = 0; i < n; i++) {
			o[0] = pb_hex_lower[p[i] >> 4];
			o[1] = pb_hex_lower[p[i] & 15];
			o[2] = ':';
			o += 3;
		}
		/* No ':' after the last byte: it stays past the line. */
		b->cur = o - 1;
		return;
	}
	for (i = 0; i < n; i++) {
		if (i)
			pb_putc(b, ':');
		pb_hex02(b, p[i], false);
	}
}

static inline uint16_t pp_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t pp_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* The kernel's log flags (NF_LOG_* in linux/netfilter/nf_log.h). */
#define PP_TCPSEQ    0x01 /* SEQ= ACK= */
#define PP_TCPOPT    0x02 /* TCP options as hex */
#define PP_IPOPT     0x04 /* IP options, IPv6 extension headers */
#define PP_UID	     0x08 /* UID= GID= of the local socket */
#define PP_MACDECODE 0x20 /* MACSRC= MACDST= MACPROTO= */

/*
 * The kernel's log buffer holds 1019 bytes with the two-byte level marker
 * first and a NUL last, so a logged line never has more than this.
 */
#define PP_KERNEL_MAX 1016

/* What the kernel layout needs besides the packet; see pp_kernel_line(). */
struct pp_pkt {
	const uint8_t *pkt; /* packet from its network header */
	uint32_t len;	    /* bytes in pkt */
	const char *prefix; /* log prefix, or NULL */
	const char *indev;  /* IN= name, or NULL for "" */
	const char *outdev; /* OUT= name, or NULL for "" */
	bool has_indev;	    /* an input device exists: print MAC= */
	const uint8_t *mac; /* link-layer header, or NULL */
	uint32_t mac_len;   /* bytes in mac */
	uint16_t hwtype;    /* ARPHRD_* of the device, 0 when unknown */
	uint8_t family;	    /* NFPROTO_*: IPv4, IPv6, ARP, bridge */
	uint16_t protocol;  /* ethertype, host order (bridge, netdev) */
	uint32_t mark;	    /* skb mark: MARK= when not 0 */
	bool has_uid;	    /* uid and gid are known */
	uint32_t uid;	    /* socket owner (UID= with PP_UID) */
	uint32_t gid;	    /* its group */
};

/*
 * Append the line the kernel's LOG target would print for @p with log
 * flags @flags (PP_*), without the trailing newline. Reads nothing outside
 * p->pkt[0..len) and p->mac[0..mac_len).
 */
void pp_kernel_line(struct pp_buf *b, const struct pp_pkt *p,
		    unsigned int flags);

#endif /* NFP_PRINTPKT_H */
