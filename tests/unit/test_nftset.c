/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_nftset - NFTSET through the real engine, kernel replaced
 *
 * A test input (ADDRIN) gives ip.saddr, ip.daddr and scan.dl; NFTSET's
 * test seam (nftset_run_hook) receives the nft command text each batch
 * would send, so the test sees exactly what libnftables would get: one
 * `add element` command per family and flush, with `timeout T expires T`
 * on each element. Checked: option errors, the allow rules (allow= CIDRs,
 * loopback, this host's own addresses), min_dl, the IPv6 set, repeats
 * within a batch and within `refresh`, refreshes after it, a batch that
 * fails (counted per address, retried by the next record), renew=update
 * (the add again) and renew=readd (delete and add), a full batch
 * going early, and key= another address key.
 */
#include "nfp.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "harness.h"
#include "nftset.h"
#include "tap.h"

extern const struct nfp_plugin nfp_output_nftset;

enum { AK_SADDR, AK_DADDR, AK_DL, AK_STR };

static const struct nfp_key addrin_keys[] = {
	[AK_SADDR] = { "ip.saddr", NFP_T_ADDR },
	[AK_DADDR] = { "ip.daddr", NFP_T_ADDR },
	[AK_DL] = { "scan.dl", NFP_T_U8 },
	[AK_STR] = { "ip.saddr.str", NFP_T_STRING },
	{ 0 }
};

static const struct nfp_plugin addrin_plugin = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_INPUT,
	.name = "ADDRIN",
	.summary = "test input: addresses and a danger level",
	.out_keys = addrin_keys,
};

static const struct nfp_plugin *plugins[] = { &nfp_output_nftset,
					      &addrin_plugin, NULL };

/* What the hook got: the add commands of every batch, in order. */
static char cmds[1 << 20];
static size_t cmdlen;
static unsigned int batches;
static int hook_fail;

static int hook(const char *c)
{
	size_t n = strlen(c);

	if (!strncmp(c, "list ", 5))
		return 0;
	batches++;
	if (cmdlen + n < sizeof(cmds)) {
		memcpy(cmds + cmdlen, c, n + 1);
		cmdlen += n;
	}
	return hook_fail;
}

static void reset(void)
{
	cmds[0] = '\0';
	cmdlen = 0;
	batches = 0;
	hook_fail = 0;
}

/* One record from ADDRIN "in": @src (and @dst) as text, @dl 0: unset. */
static void rec(struct nfpt *t, const char *src, const char *dst, int dl)
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
	if (dst && inet_pton(AF_INET, dst, b) == 1)
		nfp_set_in4(r, AK_DADDR, *(uint32_t *)b);
	if (dl)
		nfp_set_u8(r, AK_DL, (uint8_t)dl);
	nfp_set_str(r, AK_STR, src, (uint32_t)strlen(src));
	nfp_rec_push(in, r);
}

static void flush(struct nfpt *t)
{
	nfp_output_nftset.flush(nfpt_inst(t, "set1"));
}

static struct nfpt *mk(const char *opts)
{
	char conf[2048];

	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:ADDRIN,set1:NFTSET\n[set1]\n%s\n", opts);
	reset();
	return nfpt_new(conf, plugins);
}

#define CTR(t, name) ((int64_t)nfpt_counter(t, "set1", name))

static void test_config(void)
{
	static const struct {
		const char *opts, *what;
	} bad[] = {
		{ "", "no set or set6 is refused" },
		{ "set=a;b", "a set name nft would parse is refused" },
		{ "set=s\ntable=\"x y\"",
		  "a table name with a blank is refused" },
		{ "set=s\nallow=10.0.0.0/33", "a prefix past 32 is refused" },
		{ "set=s\nallow=10.0.0.0/8, bogus",
		  "a word that is no CIDR is refused" },
		{ "set6=s6\nfamily=ip", "set6 in an ip table is refused" },
		{ "set=s\nfamily=ip6", "set in an ip6 table is refused" },
		{ "set=s\nset6=s", "one name for both sets is refused" },
		{ "set=s\nmin_dl=6", "min_dl past 5 is refused" },
		{ "set=s\nkey=ip.saddr.str", "a string key is refused (type)" },
		{ "set=s\nkey=no.such", "a key nothing gives is refused" },
		{ "set=s\nfamily=arp", "an unknown family is refused" },
	};
	char conf[1024], buf[4096];
	unsigned int i;
	int n;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(conf, sizeof(conf),
			 "[global]\nstack=in:ADDRIN,set1:NFTSET\n[set1]\n%s\n",
			 bad[i].opts);
		n = nfpt_check(conf, plugins, buf, sizeof(buf));
		if (!ok(n > 0, "%s", bad[i].what))
			diag("%s", buf);
	}
	n = nfpt_check("[global]\nstack=in:ADDRIN,set1:NFTSET\n[set1]\n"
		       "set=scanners\nset6=scanners6\nallow=10.0.0.0/8 "
		       "2001:db8::/32\nallow=198.51.100.7\nkey=ip.daddr\n"
		       "min_dl=2\ntimeout=90s\n",
		       plugins, buf, sizeof(buf));
	if (!is_int(n, 0, "a full config passes"))
		diag("%s", buf);
	n = nfpt_check("[global]\nstack=in:ADDRIN,set1:NFTSET\n[set1]\n"
		       "set=s\n",
		       plugins, buf, sizeof(buf));
	is_int(n, 0, "set= alone passes");
	n = nfpt_check("[global]\nstack=in:ADDRIN,set1:NFTSET\n[set1]\n"
		       "set=s\nallow=10.0.0.1/33\n",
		       plugins, buf, sizeof(buf));
	if (!ok(strstr(buf, "test.conf:5:") && strstr(buf, "'10.0.0.1/33'"),
		"the error is at the allow= line and names the bad word"))
		diag("%s", buf);
}

static void test_batch(void)
{
	struct nfpt *t = mk("set=scanners\ntimeout=3s");

	rec(t, "198.51.100.1", NULL, 0);
	rec(t, "198.51.100.2", NULL, 0);
	rec(t, "198.51.100.1", NULL, 0);
	is_int(batches, 0, "nothing sent before the flush");
	flush(t);
	is_int(batches, 1, "one flush, one command buffer");
	is_str(cmds,
	       "add element inet nfpipe scanners { 198.51.100.1 timeout 3000ms "
	       "expires 3000ms, 198.51.100.2 timeout 3000ms expires 3000ms }\n",
	       "both addresses in one add element, with timeout and expires");
	is_int(CTR(t, "added"), 2, "added 2");
	is_int(CTR(t, "repeats"), 1, "the repeat within the batch counted");
	reset();
	rec(t, "198.51.100.1", NULL, 0);
	flush(t);
	is_int(batches, 0, "within refresh (1 s) nothing is sent again");
	is_int(CTR(t, "repeats"), 2, "and it counts as a repeat");
	flush(t);
	is_int(batches, 0, "an empty flush sends nothing");
	nfpt_free(t);
}

static void test_refresh(void)
{
	struct nfpt *t = mk("set=s\ntable=filter\nfamily=ip\ntimeout=1h\n"
			    "refresh=0\nrenew=update");

	rec(t, "198.51.100.9", NULL, 0);
	flush(t);
	rec(t, "198.51.100.9", NULL, 0);
	flush(t);
	is_int(batches, 2, "refresh=0: the second record is sent again");
	is_str(cmds,
	       "add element ip filter s { 198.51.100.9 timeout 3600000ms "
	       "expires 3600000ms }\n"
	       "add element ip filter s { 198.51.100.9 timeout 3600000ms "
	       "expires 3600000ms }\n",
	       "a refresh is the same add, which renews the expiry");
	is_int(CTR(t, "added"), 1, "added 1");
	is_int(CTR(t, "refreshed"), 1, "refreshed 1");
	nfpt_free(t);

	t = mk("set=s\ntimeout=2s\nrefresh=0\nrenew=readd");
	rec(t, "198.51.100.9", NULL, 0);
	flush(t);
	reset();
	rec(t, "198.51.100.9", NULL, 0);
	rec(t, "198.51.100.10", NULL, 0);
	flush(t);
	is_str(cmds,
	       "delete element inet nfpipe s { 198.51.100.9 }\n"
	       "add element inet nfpipe s { 198.51.100.9 timeout 2000ms "
	       "expires 2000ms, 198.51.100.10 timeout 2000ms expires "
	       "2000ms }\n",
	       "renew=readd: the renewal is deleted and added again, in one "
	       "buffer with the new address");
	is_int(CTR(t, "refreshed"), 1, "refreshed 1");
	nfpt_free(t);

	t = mk("set=s\ntimeout=0\nrefresh=0");
	rec(t, "198.51.100.9", NULL, 0);
	flush(t);
	rec(t, "198.51.100.9", NULL, 0);
	flush(t);
	is_str(cmds,
	       "add element inet nfpipe s { 198.51.100.9 }\n"
	       "add element inet nfpipe s { 198.51.100.9 }\n",
	       "timeout=0: no timeout given; sent again after refresh (the "
	       "set's own default timeout may have removed it)");
	is_int(CTR(t, "refreshed"), 1, "and counted as refreshed");
	nfpt_free(t);

	t = mk("set=s\ntimeout=0\nrefresh=1h");
	rec(t, "198.51.100.9", NULL, 0);
	flush(t);
	rec(t, "198.51.100.9", NULL, 0);
	flush(t);
	is_int(batches, 1, "within refresh it is not sent again");
	is_int(CTR(t, "repeats"), 1, "the second record is a repeat");
	nfpt_free(t);
}

/* count of @needle in @hay */
static unsigned int occurrences(const char *hay, const char *needle)
{
	unsigned int n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

static void test_small_cache(void)
{
	struct nfpt *t = mk("set=s\ntimeout=5s\nrefresh=0\nrenew=readd\n"
			    "cache_size=16");
	char a[32];
	unsigned int i, r, bad = 0;

	/* 40 addresses into 16 cache entries, twice: never one lost, never a
	 * renewal deleted twice in one batch. */
	for (r = 0; r < 2; r++) {
		reset();
		for (i = 0; i < 40; i++) {
			snprintf(a, sizeof(a), "203.0.113.%u", i + 1);
			rec(t, a, NULL, 0);
			rec(t, a, NULL, 0);
		}
		flush(t);
		for (i = 0; i < 40; i++) {
			snprintf(a, sizeof(a), " 203.0.113.%u ", i + 1);
			if (!occurrences(cmds, a))
				bad++;
			snprintf(a, sizeof(a), "203.0.113.%u, ", i + 1);
			if (r && occurrences(strstr(cmds, "add element") ?: "",
					     a) > 1)
				bad++;
		}
		is_int(bad, 0, "pass %u: all 40 addresses sent, none lost", r);
	}
	ok(!strstr(cmds, "delete element") ||
		   occurrences(cmds, "delete element") == 1,
	   "the renewals are one delete command");
	is_int(CTR(t, "errors"), 0, "no errors");
	is_int(CTR(t, "added") + CTR(t, "refreshed"), 80,
	       "each address counted once per pass (added or refreshed)");
	is_int(CTR(t, "repeats"), 80, "and its second record a repeat");
	nfpt_free(t);
}

/* The first non-loopback address of this host, or "" if none. */
static void own_address(char *buf, size_t len)
{
	struct ifaddrs *ifa, *i;

	buf[0] = '\0';
	if (getifaddrs(&ifa) < 0)
		return;
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET)
			continue;
		inet_ntop(AF_INET,
			  &((struct sockaddr_in *)i->ifa_addr)->sin_addr, buf,
			  (socklen_t)len);
		if (strncmp(buf, "127.", 4))
			break;
		buf[0] = '\0';
	}
	freeifaddrs(ifa);
}

static void test_allow(void)
{
	struct nfpt *t = mk("set=s\nset6=s6\nallow=198.51.100.0/28, "
			    "2001:db8:1::/48\nallow=203.0.113.77");
	char own[64];

	rec(t, "198.51.100.5", NULL, 0);
	rec(t, "198.51.100.15", NULL, 0);
	rec(t, "198.51.100.16", NULL, 0);
	rec(t, "203.0.113.77", NULL, 0);
	rec(t, "203.0.113.78", NULL, 0);
	rec(t, "127.0.0.1", NULL, 0);
	rec(t, "127.1.2.3", NULL, 0);
	rec(t, "0.0.0.0", NULL, 0);
	rec(t, "::1", NULL, 0);
	rec(t, "::ffff:127.0.0.1", NULL, 0);
	rec(t, "2001:db8:1:ffff::1", NULL, 0);
	rec(t, "2001:db8:2::1", NULL, 0);
	flush(t);
	is_str(cmds,
	       "add element inet nfpipe s { 198.51.100.16 timeout 3600000ms "
	       "expires 3600000ms, 203.0.113.78 timeout 3600000ms expires "
	       "3600000ms }\n"
	       "add element inet nfpipe s6 { 2001:db8:2::1 timeout 3600000ms "
	       "expires 3600000ms }\n",
	       "only what no allow rule covers goes in, IPv6 into set6");
	is_int(CTR(t, "allowed"), 9, "allowed counts the nine");
	is_int(CTR(t, "added"), 3, "added counts the three");
	own_address(own, sizeof(own));
	if (own[0]) {
		reset();
		rec(t, own, NULL, 0);
		flush(t);
		is_int(batches, 0, "this host's own address %s is never added",
		       own);
	} else {
		ok(1, "no own address but loopback here (checked above)");
	}
	nfpt_free(t);
}

static void test_min_dl(void)
{
	struct nfpt *t = mk("set=s\nmin_dl=3\ntimeout=10s");

	rec(t, "198.51.100.1", NULL, 2);
	rec(t, "198.51.100.2", NULL, 3);
	rec(t, "198.51.100.3", NULL, 5);
	rec(t, "198.51.100.4", NULL, 0);
	flush(t);
	is_str(cmds,
	       "add element inet nfpipe s { 198.51.100.2 timeout 10000ms "
	       "expires 10000ms, 198.51.100.3 timeout 10000ms expires "
	       "10000ms }\n",
	       "min_dl=3: DL3 and DL5 go in, DL2 and no DL do not");
	is_int(CTR(t, "skipped"), 2, "skipped counts the two");
	nfpt_free(t);

	t = mk("set=s");
	rec(t, "198.51.100.4", NULL, 0);
	rec(t, "2001:db8::4", NULL, 0);
	flush(t);
	is_int(CTR(t, "added"), 1,
	       "min_dl unset: a record without scan.dl goes in");
	is_int(CTR(t, "skipped"), 1, "an IPv6 address without set6 is skipped");
	nfpt_free(t);
}

static void test_fail(void)
{
	struct nfpt *t = mk("set=s\ntimeout=5s");

	hook_fail = 1;
	rec(t, "198.51.100.1", NULL, 0);
	rec(t, "198.51.100.2", NULL, 0);
	flush(t);
	is_int(CTR(t, "errors"), 2, "a failed batch counts each address");
	is_int(CTR(t, "added"), 0, "and adds nothing");
	hook_fail = 0;
	rec(t, "198.51.100.1", NULL, 0);
	flush(t);
	is_int(CTR(t, "added"), 1, "the next record of it is tried again");
	is_int(batches, 2, "in a batch of its own");
	nfpt_free(t);
}

static void test_full_batch(void)
{
	struct nfpt *t = mk("set=s\ntimeout=5s");
	char a[32];
	unsigned int i;

	for (i = 0; i < 1100; i++) {
		snprintf(a, sizeof(a), "10.1.%u.%u", i / 250, i % 250 + 1);
		rec(t, a, NULL, 0);
	}
	is_int(batches, 1, "a full batch (1024) goes before the flush");
	flush(t);
	is_int(batches, 2, "the rest goes with the flush");
	is_int(CTR(t, "added"), 1100, "every address added once");
	nfpt_free(t);
}

static void test_key(void)
{
	struct nfpt *t = mk("set=s\nkey=ip.daddr\ntimeout=5s");

	rec(t, "198.51.100.1", "198.51.100.1", 0);
	flush(t);
	is_str(cmds,
	       "add element inet nfpipe s { 198.51.100.1 timeout 5000ms "
	       "expires 5000ms }\n",
	       "key=ip.daddr puts the destination in");
	nfpt_free(t);
}

int main(void)
{
	nftset_run_hook = hook;
	test_config();
	test_batch();
	test_refresh();
	test_allow();
	test_min_dl();
	test_fail();
	test_full_batch();
	test_small_cache();
	test_key();
	return done_testing();
}
