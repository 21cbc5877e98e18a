/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_hwhdr_mark - HWHDR and MARK on real stacks
 *
 * HWHDR gets Ethernet headers written byte by byte, headers of other link
 * types and short ones; a test filter (HWADDR) supplies raw.mac.saddr as
 * NFLOG's NFULA_HWADDR would. MARK is driven through its options with
 * oob.mark, with ct.mark from a test filter (CTMARK), and with no mark at
 * all (HIDEMARK shadows oob.mark and never sets it).
 */
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/if_ether.h>

#include "harness.h"
#include "tap.h"

extern const struct nfp_plugin nfp_filter_hwhdr, nfp_filter_mark;

/* HWADDR: raw.mac.saddr (5 bytes, addrlen 4) when oob.mark is 7. */
static const struct nfp_key hwaddr_in[] = {
	{ "oob.mark", NFP_T_U32 },
	{ 0 }
};
static const struct nfp_key hwaddr_out[] = {
	{ "raw.mac.saddr", NFP_T_RAW },
	{ "raw.mac.addrlen", NFP_T_U16 },
	{ 0 }
};
static const uint8_t hwaddr_bytes[] = { 0x0a, 0x0b, 0x0c, 0x0d, 0xee };

static enum nfp_ret hwaddr_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	const struct nfp_value *m = nfp_get(rec, 0);

	if (m && m->u32 == 7) {
		nfp_set_raw(rec, 0, hwaddr_bytes, sizeof(hwaddr_bytes));
		nfp_set_u16(rec, 1, 4);
	}
	return NFP_OK;
}

static const struct nfp_plugin hwaddr_plugin = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_FILTER,
	.name = "HWADDR",
	.in_keys = hwaddr_in,
	.out_keys = hwaddr_out,
	.process = hwaddr_process,
};

/* CTMARK: ct.mark = oob.mark >> 8, only when oob.hook is 1. */
static const struct nfp_key ctmark_in[] = {
	{ "oob.mark", NFP_T_U32 },
	{ "oob.hook", NFP_T_U8 },
	{ 0 }
};
static const struct nfp_key ctmark_out[] = {
	{ "ct.mark", NFP_T_U32 },
	{ 0 }
};

static enum nfp_ret ctmark_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	const struct nfp_value *m = nfp_get(rec, 0), *h = nfp_get(rec, 1);

	if (m && h && h->u8 == 1)
		nfp_set_u32(rec, 0, m->u32 >> 8);
	return NFP_OK;
}

static const struct nfp_plugin ctmark_plugin = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_FILTER,
	.name = "CTMARK",
	.in_keys = ctmark_in,
	.out_keys = ctmark_out,
	.process = ctmark_process,
};

/* HIDEMARK: declares oob.mark, never sets it. */
static const struct nfp_key hidemark_out[] = {
	{ "oob.mark", NFP_T_U32 },
	{ 0 }
};

static enum nfp_ret hidemark_process(struct nfp_inst *inst,
				     struct nfp_rec *rec)
{
	return NFP_OK;
}

static const struct nfp_plugin hidemark_plugin = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_FILTER,
	.name = "HIDEMARK",
	.out_keys = hidemark_out,
	.process = hidemark_process,
};

static const struct nfp_plugin *const plugins[] = {
	&nfp_filter_hwhdr, &nfp_filter_mark, &hwaddr_plugin, &ctmark_plugin,
	&hidemark_plugin, NULL
};

static struct nfpt *t;
#define GET(k) nfpt_get(t, "cap", k)

/* ---- HWHDR --------------------------------------------------------------- */

static const uint8_t eth_hdr[] = {
	0x02, 0x42, 0xac, 0x11, 0x00, 0x02,	/* destination */
	0x00, 0x16, 0x3e, 0xaa, 0xbb, 0xcc,	/* source */
	0x86, 0xdd,				/* ethertype IPv6 */
};

static void test_hwhdr(void)
{
	/* 16 bytes of a non-Ethernet header (Linux cooked-like). */
	static const uint8_t other[] = {
		0x00, 0x00, 0x03, 0x04, 0x00, 0x06, 0x00, 0x16,
		0x3e, 0xaa, 0xbb, 0xcc, 0x00, 0x00, 0x08, 0x00,
	};

	t = nfpt_new("[global]\n"
		     "stack=in:PKTIN,hw:HWADDR,h:HWHDR,cap:CAPTURE\n", plugins);

	nfpt_feed(t, "in", &(struct nfpt_pkt){ .family = AF_INET6,
						.protocol = ETH_P_IPV6,
						.mac = eth_hdr,
						.mac_len = sizeof(eth_hdr),
						.hwtype = ARPHRD_ETHER });
	is_str(GET("mac.saddr.str"), "00:16:3e:aa:bb:cc", "Ethernet source");
	is_str(GET("mac.daddr.str"), "02:42:ac:11:00:02", "Ethernet dest");
	is_str(GET("mac.str"),
	       "02:42:ac:11:00:02:00:16:3e:aa:bb:cc:86:dd",
	       "mac.str is the whole header");
	is_str(GET("raw.type"), "1", "raw.type ARPHRD_ETHER passed on");
	is_str(GET("oob.protocol"), "34525", "oob.protocol from the header");

	/* The header's ethertype wins over the kernel's, as in ulogd2. */
	nfpt_feed(t, "in", &(struct nfpt_pkt){ .family = AF_INET,
						.protocol = ETH_P_IP,
						.mac = eth_hdr,
						.mac_len = sizeof(eth_hdr),
						.hwtype = ARPHRD_ETHER });
	is_str(GET("oob.protocol"), "34525", "Ethernet's ethertype wins");

	/* Another link type: the header as text, no address split. */
	nfpt_feed(t, "in", &(struct nfpt_pkt){ .family = AF_INET,
						.protocol = ETH_P_IP,
						.mac = other,
						.mac_len = sizeof(other),
						.hwtype = ARPHRD_IEEE1394 });
	is_str(GET("mac.str"),
	       "00:00:03:04:00:06:00:16:3e:aa:bb:cc:00:00:08:00",
	       "other link type: mac.str");
	is_str(GET("raw.type"), "24", "other link type: raw.type 24");
	is_str(GET("mac.saddr.str"), NULL, "other link type: no source");
	is_str(GET("mac.daddr.str"), NULL, "other link type: no dest");
	is_str(GET("oob.protocol"), "2048", "other link type: input's");

	/* An Ethernet header cut to 10 bytes: not parsed, still shown. */
	nfpt_feed(t, "in", &(struct nfpt_pkt){ .family = AF_INET,
						.mac = eth_hdr, .mac_len = 10,
						.hwtype = ARPHRD_ETHER });
	is_str(GET("mac.str"), "02:42:ac:11:00:02:00:16:3e:aa",
	       "short Ethernet: mac.str of 10 bytes");
	is_str(GET("mac.daddr.str"), NULL, "short Ethernet: no dest");
	is_str(GET("oob.protocol"), "2048", "short Ethernet: input's proto");

	/* NFULA_HWADDR present: its address (4 of 5 bytes) is the source. */
	nfpt_feed(t, "in", &(struct nfpt_pkt){ .family = AF_INET, .mark = 7,
						.mac = eth_hdr,
						.mac_len = sizeof(eth_hdr),
						.hwtype = ARPHRD_ETHER });
	is_str(GET("mac.saddr.str"), "0a:0b:0c:0d",
	       "raw.mac.saddr wins, cut at raw.mac.addrlen");
	is_str(GET("mac.daddr.str"), "02:42:ac:11:00:02",
	       "raw.mac.saddr: dest still from the header");

	/* NFULA_HWADDR without a header: the device's type passed on. */
	nfpt_feed(t, "in", &(struct nfpt_pkt){ .family = AF_INET, .mark = 7,
						.hwtype = ARPHRD_IEEE1394 });
	is_str(GET("mac.saddr.str"), "0a:0b:0c:0d", "no header: source");
	is_str(GET("raw.type"), "24", "no header: raw.type passed on");
	is_str(GET("mac.str"), NULL, "no header: no mac.str");

	/* Nothing at all: nothing but the passed-on keys. */
	nfpt_feed(t, "in", &(struct nfpt_pkt){ .family = AF_INET });
	is_str(GET("mac.saddr.str"), NULL, "no link info: no source");
	is_str(GET("raw.type"), "1", "no link info: input's raw.type");
	is_int(nfpt_count(t, "cap"), 7, "HWHDR never stops a record");
	nfpt_free(t);
}

/* ---- MARK ---------------------------------------------------------------- */

static unsigned int pass_count(uint32_t mark, uint8_t hook)
{
	unsigned int before = nfpt_count(t, "cap");

	nfpt_feed(t, "in", &(struct nfpt_pkt){ .family = AF_INET, .mark = mark,
						.hook = hook });
	return nfpt_count(t, "cap") - before;
}

static void test_mark(void)
{
	char buf[2048];

	t = nfpt_new("[global]\nstack=in:PKTIN,m:MARK,cap:CAPTURE\n"
		     "[m]\nmark=1\n", plugins);
	is_int(pass_count(1, 0), 1, "mark=1: oob.mark 1 passes");
	is_int(pass_count(2, 0), 0, "mark=1: oob.mark 2 stops");
	is_int(pass_count(0x101, 0), 0, "mark=1: full mask, 0x101 stops");
	is_int(pass_count(0, 0), 0, "mark=1: oob.mark 0 stops");
	nfpt_free(t);

	t = nfpt_new("[global]\nstack=in:PKTIN,m:MARK,cap:CAPTURE\n"
		     "[m]\nmark=0x10\nmask=0xf0\n", plugins);
	is_int(pass_count(0x1f, 0), 1, "mask 0xf0: 0x1f passes");
	is_int(pass_count(0xabc1d, 0), 1, "mask 0xf0: 0xabc1d passes");
	is_int(pass_count(0x2f, 0), 0, "mask 0xf0: 0x2f stops");
	nfpt_free(t);

	/* Defaults: mark 0, mask all ones. */
	t = nfpt_new("[global]\nstack=in:PKTIN,m:MARK,cap:CAPTURE\n", plugins);
	is_int(pass_count(0, 0), 1, "defaults: mark 0 passes");
	is_int(pass_count(0x80000000, 0), 0, "defaults: 0x80000000 stops");
	nfpt_free(t);

	/* ct.mark is preferred when the record has one. */
	t = nfpt_new("[global]\nstack=in:PKTIN,c:CTMARK,m:MARK,cap:CAPTURE\n"
		     "[m]\nmark=1\n", plugins);
	is_int(pass_count(0x100, 1), 1, "ct.mark 1 passes, oob.mark aside");
	is_int(pass_count(0x001, 1), 0, "ct.mark 0 stops though oob.mark 1");
	is_int(pass_count(0x001, 0), 1, "no ct.mark: oob.mark 1 passes");
	nfpt_free(t);

	/* No mark at all: passes. */
	t = nfpt_new("[global]\nstack=in:PKTIN,x:HIDEMARK,m:MARK,cap:CAPTURE\n"
		     "[m]\nmark=5\n", plugins);
	is_int(pass_count(5, 0), 1, "no mark in the record: passes");
	nfpt_free(t);

	/* Bad options are config errors. */
	is_int(nfpt_check("[global]\nstack=in:PKTIN,m:MARK,cap:CAPTURE\n"
			  "[m]\nmask=0x100000000\n", plugins, buf,
			  sizeof(buf)), 1, "a 33-bit mask is refused");
	like(buf, "mask", "the error names the option");
	is_int(nfpt_check("[global]\nstack=in:PKTIN,m:MARK,cap:CAPTURE\n"
			  "[m]\nmark=blue\n", plugins, buf, sizeof(buf)), 1,
	       "mark=blue is refused");
	is_int(nfpt_check("[global]\nstack=in:PKTIN,m:MARK,cap:CAPTURE\n"
			  "[m]\nmarc=1\n", plugins, buf, sizeof(buf)), 1,
	       "an unknown option is refused");
	like(buf, "mark", "with a suggestion");
}

int main(void)
{
	test_hwhdr();
	test_mark();
	return done_testing();
}
