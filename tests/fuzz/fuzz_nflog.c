/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/fuzz_nflog - the NFLOG datagram parser and record filler
 *
 * Treats the input as one netlink datagram from nfnetlink_log: walks it,
 * parses every packet message, fills a record from each (with and without
 * conntrack keys) and reads every value back, so that an out-of-bounds
 * pointer or length shows up under ASan. Also parses the whole input as a
 * single message. Nothing may crash, leak or read outside the input.
 *
 * Every message of the datagram also goes through nflog_parse() alone and
 * through libnetfilter_log's nflog_nlmsg_parse(), netfilter's own reading
 * of the format: where both accept it, every value the library filed must
 * be the one nflog_parse() read; where only one does, the reason must be
 * one of the differences plugins/input/nflog/README.md lists. Anything
 * else aborts.
 *
 * Without -DNFP_LIBFUZZER, replay.h turns this into a TAP test over the
 * recorded and hand-built datagrams in tests/data/nflog.
 */
#include "nfp.h"

#include <arpa/inet.h>
#include <endian.h>
/* The kernel's header first: the library's own copy lacks NFULA_VLAN on. */
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <linux/netlink.h>

#include <libnetfilter_log/libnetfilter_log.h>

#include "engine.h"
#include "flatrec.h"
#include "nflog_parse.h"

struct fz_state {
	struct nfp_rec rec; /* a record laid out for nflog_keys */
	struct nfp_value slots[NFLOG_K__MAX]; /* its values */
	uint64_t valid[1];		      /* its valid bitmap */
	int32_t map[NFLOG_K__MAX];	      /* key index -> slot: identity */
	uint64_t used[1];		      /* every key wanted */
	unsigned long sink; /* keeps the reads from being elided */
};

static struct fz_state fz;

static void fz_init(void)
{
	if (fz.rec.slots)
		return;
	flat_rec_init(&fz.rec, fz.slots, fz.map, fz.valid, fz.used,
		      NFLOG_K__MAX);
}

/* Touch every byte a value claims to have. */
static void fz_read_back(void)
{
	unsigned int i, k;

	for (i = 0; i < NFLOG_K__MAX; i++) {
		const struct nfp_value *v = nfp_get(&fz.rec, i);

		if (!v)
			continue;
		switch (nflog_keys[i].type) {
		case NFP_T_RAW:
			for (k = 0; k < v->raw.len; k++)
				fz.sink += ((const uint8_t *)v->raw.ptr)[k];
			break;
		case NFP_T_STRING:
			if (strlen(v->str.ptr) != v->str.len)
				abort();
			break;
		default:
			fz.sink += v->u32;
			break;
		}
	}
}

static void fz_packet(void *arg, const struct nflog_pkt *p)
{
	struct nflog_fill_ctx ctx = { .label = 1, .now_sec = 1, .now_usec = 2 };

	nfp_rec_reset(&fz.rec);
	nflog_fill(&fz.rec, p, &ctx);
	fz_read_back();
	ctx.ct = true;
	nfp_rec_reset(&fz.rec);
	nflog_fill(&fz.rec, p, &ctx);
	fz_read_back();
	fz.sink += nflog_ct_state(p->ct_info)[0];
}

static void fz_event(void *arg, enum nflog_event ev, uint32_t seq, int err,
		     const char *why)
{
	fz.sink += (unsigned long)ev + seq + (unsigned long)err;
	if (why)
		fz.sink += strlen(why);
}

static const struct nflog_dgram_ops fz_ops = {
	.packet = fz_packet,
	.event = fz_event,
};

/* ---- libnetfilter_log's opinion ------------------------------------------ */

/* Payload sizes of the fixed-size attributes (the kernel's structs). */
static const uint8_t fz_size[NFULA_CT_INFO + 1] = {
	[NFULA_PACKET_HDR] = 4,
	[NFULA_MARK] = 4,
	[NFULA_TIMESTAMP] = 16,
	[NFULA_IFINDEX_INDEV] = 4,
	[NFULA_IFINDEX_OUTDEV] = 4,
	[NFULA_IFINDEX_PHYSINDEV] = 4,
	[NFULA_IFINDEX_PHYSOUTDEV] = 4,
	[NFULA_HWADDR] = 12,
	[NFULA_UID] = 4,
	[NFULA_SEQ] = 4,
	[NFULA_SEQ_GLOBAL] = 4,
	[NFULA_GID] = 4,
	[NFULA_HWTYPE] = 2,
	[NFULA_HWLEN] = 2,
	[NFULA_CT_INFO] = 4,
};

static uint16_t fz_get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t fz_be32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, (const uint8_t *)a + 4, sizeof(v));
	return ntohl(v);
}

static uint64_t fz_be64(const uint8_t *d)
{
	uint64_t v;

	memcpy(&v, d, sizeof(v));
	return be64toh(v);
}

static uint16_t fz_be16(const struct nlattr *a)
{
	return ntohs(fz_get16((const uint8_t *)a + 4));
}

static uint32_t fz_len(const struct nlattr *a)
{
	return fz_get16((const uint8_t *)a) - 4u;
}

/*
 * What nflog_parse() accepts and the library refuses: a prefix without its
 * trailing NUL (or empty), or a fixed-size attribute longer than its
 * struct. True when the message at @m (@len bytes of attributes) has one.
 */
static bool fz_lib_stricter(const uint8_t *m, size_t len)
{
	size_t off = 0;

	while (len - off >= 4) {
		uint16_t alen = fz_get16(m + off);
		uint16_t type = fz_get16(m + off + 2) & NLA_TYPE_MASK;
		uint32_t plen = alen - 4u;

		if (alen < 4 || alen > len - off)
			return false;
		if (type == NFULA_PREFIX &&
		    (plen == 0 || m[off + alen - 1] != '\0'))
			return true;
		if (type <= NFULA_CT_INFO && fz_size[type] &&
		    plen > fz_size[type])
			return true;
		off += ((size_t)alen + 3) & ~(size_t)3;
	}
	return false;
}

/* Reasons nflog_parse() refuses what the library lets through. */
static bool fz_ours_stricter(const char *why)
{
	static const char *const ok[] = {
		"shorter than its header",
		"past the end",
		"no NFULA_PACKET_HDR",
		"microseconds out of range",
		"CTA_",
		"NFULA_VLAN_",
	};
	unsigned int i;

	for (i = 0; why && i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strstr(why, ok[i]))
			return true;
	return false;
}

#define FZ_SAME(cond)                                                          \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

/*
 * Both accepted: each attribute the library filed reads the same. The
 * library read the copy @lm of the message @om that nflog_parse() read:
 * pointers are compared as offsets into each.
 */
static void fz_same(struct nlattr *const *tb, const struct nflog_pkt *p,
		    const uint8_t *om, const uint8_t *lm)
{
	const struct nlattr *a;

	a = tb[NFULA_PACKET_HDR];
	FZ_SAME(a && p->hw_protocol == fz_be16(a) &&
		p->hook == ((const uint8_t *)a)[6]);
	if ((a = tb[NFULA_MARK]))
		FZ_SAME(p->mark == fz_be32(a));
	if ((a = tb[NFULA_IFINDEX_INDEV]))
		FZ_SAME(p->indev == fz_be32(a));
	if ((a = tb[NFULA_IFINDEX_OUTDEV]))
		FZ_SAME(p->outdev == fz_be32(a));
	if ((a = tb[NFULA_IFINDEX_PHYSINDEV]))
		FZ_SAME(p->physindev == fz_be32(a));
	if ((a = tb[NFULA_IFINDEX_PHYSOUTDEV]))
		FZ_SAME(p->physoutdev == fz_be32(a));
	if ((a = tb[NFULA_UID]))
		FZ_SAME(p->uid == fz_be32(a));
	if ((a = tb[NFULA_GID]))
		FZ_SAME(p->gid == fz_be32(a));
	if ((a = tb[NFULA_SEQ]))
		FZ_SAME(p->seq == fz_be32(a));
	if ((a = tb[NFULA_SEQ_GLOBAL]))
		FZ_SAME(p->seq_global == fz_be32(a));
	if ((a = tb[NFULA_CT_INFO]))
		FZ_SAME(p->ct_info == fz_be32(a));
	if ((a = tb[NFULA_HWTYPE]))
		FZ_SAME(p->hwtype == fz_be16(a));
	if ((a = tb[NFULA_HWLEN]))
		FZ_SAME(p->hwlen == fz_be16(a));
	if ((a = tb[NFULA_TIMESTAMP]))
		FZ_SAME((p->has & NFLOG_HAS_TS) &&
			p->ts_sec == fz_be64((const uint8_t *)a + 4) &&
			p->ts_usec == fz_be64((const uint8_t *)a + 12));
	if ((a = tb[NFULA_HWADDR]))
		FZ_SAME(p->hwaddr - om == (const uint8_t *)a + 8 - lm &&
			p->hwaddr_len <= 8);
	if ((a = tb[NFULA_PAYLOAD]))
		FZ_SAME(p->payload - om == (const uint8_t *)a + 4 - lm &&
			p->payload_len == fz_len(a));
	if ((a = tb[NFULA_HWHEADER]))
		FZ_SAME(p->hwheader - om == (const uint8_t *)a + 4 - lm &&
			p->hwheader_len == fz_len(a));
	if ((a = tb[NFULA_PREFIX]))
		FZ_SAME((const uint8_t *)p->prefix - om ==
				(const uint8_t *)a + 4 - lm &&
			p->prefix_nul && p->prefix_len == strlen(p->prefix));
	FZ_SAME(!tb[NFULA_CT] == !(p->has & NFLOG_HAS_CT));
}

/*
 * @data as one NFLOG packet message, read by the library too. libmnl's walk
 * ends at nlmsg_len rounded up to 4 and so reads up to 3 bytes past a
 * message that ends unaligned at the end of its buffer (the fuzzer found
 * it). It gets a copy padded with 0xff: a header it reads there has a
 * length that does not fit or a type it skips, so the 1-3 bytes the
 * message ends with count as padding for it as they do for nflog_parse().
 */
static void fz_vs_library(const uint8_t *data, size_t size, int ours,
			  const struct nflog_pkt *p)
{
	static uint8_t pad[65536 + 4];
	struct nlattr *tb[NFULA_MAX + 1] = { NULL };
	const uint8_t *m = pad;
	uint32_t nlen;
	uint16_t type;
	int lib;

	/* The library trusts nlmsg_len and the type: checked as ours does. */
	if (size < 20 || size > 65536)
		return;
	memcpy(&nlen, data, sizeof(nlen));
	type = fz_get16(data + 4);
	if (nlen > size || nlen < 20 ||
	    type != ((NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET))
		return;
	memcpy(pad, data, nlen);
	memset(pad + nlen, 0xff, 4);
	lib = nflog_nlmsg_parse((const struct nlmsghdr *)pad, tb);
	if (lib >= 0 && ours == 0)
		fz_same(tb, p, data, m);
	else if (lib >= 0)
		FZ_SAME(ours == -EBADMSG && fz_ours_stricter(p->why));
	else if (ours == 0)
		FZ_SAME(fz_lib_stricter(m + 20, nlen - 20));
}

/* Every message of the datagram @data, through both parsers. */
static void fz_each_message(const uint8_t *data, size_t size)
{
	struct nflog_pkt p;
	size_t off = 0;
	uint32_t nlen;

	while (size - off >= 16) {
		memcpy(&nlen, data + off, sizeof(nlen));
		if (nlen < 16 || nlen > size - off)
			break;
		fz_vs_library(data + off, nlen,
			      nflog_parse(data + off, nlen, &p), &p);
		off += ((size_t)nlen + 3) & ~(size_t)3;
		if (off > size)
			break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nflog_pkt pkt;
	struct nflog_seq s = { 0 };
	int ret;

	fz_init();
	nflog_dgram(data, size, &fz_ops, NULL);
	ret = nflog_parse(data, size, &pkt);
	if (ret == 0) {
		fz_packet(NULL, &pkt);
		fz.sink += nflog_seq_gap(&s, pkt.seq);
	}
	fz_each_message(data, size);
	return 0;
}

static const char *const NFP_FUZZ_CORPUS[] = { "tests/data/nflog", NULL };
#include "replay.h"
