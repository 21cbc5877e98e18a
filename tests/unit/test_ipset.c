/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_ipset - IPSET through the real engine, kernel replaced
 *
 * A test input (ADDRIN) gives ip.saddr and scan.dl; IPSET's test seam
 * (ipset_run_hook) receives each batch as `ipset restore` lines. The guard
 * IPSET shares with NFTSET is tested in depth in test_nftset; here:
 * ipset's own option rules (names of at most 31 bytes), the lines of a
 * batch (IPv4 to set, IPv6 to set6, timeout in whole seconds rounded up,
 * none with timeout=0), the allow rules and min_dl once more through this
 * plugin, repeats, and a failed batch.
 */
#include "nfp.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "harness.h"
#include "ipset.h"
#include "tap.h"

extern const struct nfp_plugin nfp_output_ipset;

enum { AK_SADDR, AK_DL };

static const struct nfp_key addrin_keys[] = { [AK_SADDR] = { "ip.saddr",
							     NFP_T_ADDR },
					      [AK_DL] = { "scan.dl", NFP_T_U8 },
					      { 0 } };

static const struct nfp_plugin addrin_plugin = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_INPUT,
	.name = "ADDRIN",
	.summary = "test input: addresses and a danger level",
	.out_keys = addrin_keys,
};

static const struct nfp_plugin *plugins[] = { &nfp_output_ipset, &addrin_plugin,
					      NULL };

static char lines[1 << 16];
static size_t linelen;
static unsigned int batches;
static int hook_fail;

static int hook(const char *l)
{
	size_t n = strlen(l);

	batches++;
	if (linelen + n < sizeof(lines)) {
		memcpy(lines + linelen, l, n + 1);
		linelen += n;
	}
	return hook_fail;
}

static void reset(void)
{
	lines[0] = '\0';
	linelen = 0;
	batches = 0;
	hook_fail = 0;
}

static void rec(struct nfpt *t, const char *src, int dl)
{
	struct nfp_inst *in = nfpt_inst(t, "in");
	struct nfp_rec *r = nfp_rec_new(in);
	uint8_t b[16];

	if (!r)
		bail_out("ADDRIN feeds nothing");
	if (inet_pton(AF_INET, src, b) == 1)
		nfp_set_in4(r, AK_SADDR, *(uint32_t *)b);
	else if (inet_pton(AF_INET6, src, b) == 1)
		nfp_set_in6(r, AK_SADDR, b);
	if (dl)
		nfp_set_u8(r, AK_DL, (uint8_t)dl);
	nfp_rec_push(in, r);
}

static void flush(struct nfpt *t)
{
	nfp_output_ipset.flush(nfpt_inst(t, "ips"));
}

static struct nfpt *mk(const char *opts)
{
	char conf[2048];

	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:ADDRIN,ips:IPSET\n[ips]\n%s\n", opts);
	reset();
	return nfpt_new(conf, plugins);
}

#define CTR(t, name) ((int64_t)nfpt_counter(t, "ips", name))

static void test_config(void)
{
	static const struct {
		const char *opts, *what;
	} bad[] = {
		{ "", "no set or set6 is refused" },
		{ "set=a b", "a set name with a blank is refused" },
		{ "set=abcdefghijklmnopqrstuvwxyz012345",
		  "a set name past 31 bytes is refused" },
		{ "set=s\nallow=300.1.1.1", "a bad allow address is refused" },
		{ "set=s\nfamily=inet", "NFTSET's family is unknown here" },
	};
	char conf[1024], buf[4096];
	unsigned int i;
	int n;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(conf, sizeof(conf),
			 "[global]\nstack=in:ADDRIN,ips:IPSET\n[ips]\n%s\n",
			 bad[i].opts);
		n = nfpt_check(conf, plugins, buf, sizeof(buf));
		if (!ok(n > 0, "%s", bad[i].what))
			diag("%s", buf);
	}
	n = nfpt_check("[global]\nstack=in:ADDRIN,ips:IPSET\n[ips]\n"
		       "set=abcdefghijklmnopqrstuvwxyz01234\nset6=b6\n"
		       "min_dl=1\nallow=10.0.0.0/8\n",
		       plugins, buf, sizeof(buf));
	if (!is_int(n, 0, "a 31-byte name and the rest pass"))
		diag("%s", buf);
}

static void test_batch(void)
{
	struct nfpt *t = mk("set=scan4\nset6=scan6\ntimeout=1500ms\n"
			    "allow=198.51.100.128/25");

	rec(t, "2001:db8::7", 0);
	rec(t, "198.51.100.1", 0);
	rec(t, "198.51.100.1", 0);
	rec(t, "198.51.100.200", 0);
	rec(t, "127.0.0.1", 0);
	rec(t, "198.51.100.2", 0);
	is_int(batches, 0, "nothing sent before the flush");
	flush(t);
	is_int(batches, 1, "one flush, one batch");
	is_str(lines,
	       "add scan4 198.51.100.1 timeout 2\n"
	       "add scan4 198.51.100.2 timeout 2\n"
	       "add scan6 2001:db8::7 timeout 2\n",
	       "IPv4 to set, IPv6 to set6, 1500 ms as 2 s");
	is_int(CTR(t, "added"), 3, "added 3");
	is_int(CTR(t, "allowed"), 2, "allowed 2 (allow= and loopback)");
	is_int(CTR(t, "repeats"), 1, "repeats 1");
	nfpt_free(t);

	t = mk("set=s\ntimeout=0\nmin_dl=2");
	rec(t, "198.51.100.1", 1);
	rec(t, "198.51.100.2", 2);
	flush(t);
	is_str(lines, "add s 198.51.100.2\n",
	       "timeout=0: no timeout; min_dl=2 keeps DL1 out");
	is_int(CTR(t, "skipped"), 1, "skipped 1");
	nfpt_free(t);
}

static void test_fail(void)
{
	struct nfpt *t = mk("set=s\nrefresh=0");

	hook_fail = 1;
	rec(t, "198.51.100.1", 0);
	flush(t);
	is_int(CTR(t, "errors"), 1, "a failed batch is counted");
	hook_fail = 0;
	rec(t, "198.51.100.1", 0);
	flush(t);
	rec(t, "198.51.100.1", 0);
	flush(t);
	is_int(CTR(t, "added"), 1, "the next record adds it");
	is_int(CTR(t, "refreshed"), 1, "and the one after refreshes it");
	is_int(batches, 3, "three batches");
	nfpt_free(t);
}

int main(void)
{
	ipset_run_hook = hook;
	test_config();
	test_batch();
	test_fail();
	return done_testing();
}
