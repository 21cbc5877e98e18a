/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_iplist - the blocklist parser, merger and CIDR cover
 *
 * Drives plugins/filter/blacklist/iplist.c directly: every format, auto
 * detection, bad lines with their numbers, the merge of overlapping,
 * duplicate and adjacent ranges, look-ups at range edges, and the CIDR
 * cover of edge cases (0.0.0.0/0, ::/0, single addresses, a range one
 * short of everything). Expected values are worked out by hand. A gzip
 * file written here checks ipl_load_file().
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include "iplist.h"
#include "tap.h"

static uint32_t v4(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		bail_out("bad test address %s", s);
	return ntohl(a.s_addr);
}

static ipl_u128 v6(const char *s)
{
	uint8_t b[16];

	if (inet_pton(AF_INET6, s, b) != 1)
		bail_out("bad test address %s", s);
	return ipl_u128_from(b);
}

/* The CIDR cover as text, "a/n a/n ...". */
struct cbuf {
	char s[4096]; /* the text */
	size_t n;     /* used */
};

static int cidr_text(void *ctx, int family, ipl_u128 addr, unsigned int pfx)
{
	struct cbuf *c = ctx;
	char a[INET6_ADDRSTRLEN];

	if (family == AF_INET) {
		struct in_addr in = { htonl((uint32_t)addr) };

		inet_ntop(AF_INET, &in, a, sizeof(a));
	} else {
		uint8_t b[16];

		ipl_u128_to(addr, b);
		inet_ntop(AF_INET6, b, a, sizeof(a));
	}
	if (c->n < sizeof(c->s))
		c->n += (size_t)snprintf(c->s + c->n, sizeof(c->s) - c->n,
					 "%s%s/%u", c->n ? " " : "", a, pfx);
	return 0;
}

static const char *cover(const char *text, enum ipl_format f)
{
	static struct cbuf c;
	struct iplist *l = ipl_new(f, 0);

	memset(&c, 0, sizeof(c));
	if (!l || ipl_add_text(l, text, strlen(text)) || ipl_finish(l))
		bail_out("iplist failed");
	ipl_cidrs(l, cidr_text, &c);
	ipl_free(l);
	return c.s;
}

/* Bad lines as "n:why;" */
static char bads[1024];

static void on_bad(void *ctx, unsigned long line, const char *why)
{
	size_t n = strlen(bads);

	(void)ctx;
	snprintf(bads + n, sizeof(bads) - n, "%lu;", line);
	(void)why;
}

static struct iplist *load(const char *text, enum ipl_format f)
{
	struct iplist *l = ipl_new(f, 0);

	bads[0] = '\0';
	if (!l)
		bail_out("ENOMEM");
	ipl_set_bad_fn(l, on_bad, NULL);
	if (ipl_add_text(l, text, strlen(text)) || ipl_finish(l))
		bail_out("iplist failed");
	return l;
}

static const char *desc4(const struct iplist *l, const char *a)
{
	const struct ipl_r4 *r = ipl_find4(l, v4(a));

	return r ? ipl_desc(l, r->desc) : NULL;
}

static void test_formats(void)
{
	struct iplist *l;

	l = load("# PeerGuardian\n"
		 "Bad people:1.2.3.0-1.2.3.255\n"
		 "Has: a colon: 10.0.0.1 - 10.0.0.9\r\n"
		 "broken line\n"
		 "x:1.2.3.4-1.2.3.1\n"
		 "y:300.1.1.1-300.1.1.2\n"
		 "last:9.9.9.9-9.9.9.9",
		 IPL_P2P);
	is_int((int64_t)l->n4, 3, "p2p: three ranges");
	is_int((int64_t)l->bad, 3, "p2p: three bad lines");
	is_str(bads, "4;5;6;", "p2p: bad lines named by number");
	is_str(desc4(l, "1.2.3.77"), "Bad people", "p2p: description");
	is_str(desc4(l, "10.0.0.9"), "Has: a colon",
	       "p2p: description with ':' and spaces around '-'");
	is_str(desc4(l, "9.9.9.9"), "last", "p2p: last line without newline");
	ok(!desc4(l, "10.0.0.10"), "p2p: miss after a range");
	ipl_free(l);

	l = load("; comment\n# comment\n192.0.2.0/24\n2001:db8::/32 # x\n"
		 "198.51.100.7\n203.0.113.1-203.0.113.3 ; tail\n"
		 "192.0.2.0/33\n::1/129\n1.2.3.4 junk\n",
		 IPL_CIDR);
	is_int((int64_t)l->n4, 3, "cidr: three IPv4 ranges");
	is_int((int64_t)l->n6, 1, "cidr: one IPv6 range");
	is_str(bads, "7;8;9;", "cidr: bad prefixes and junk counted");
	ok(ipl_find6(l, v6("2001:db8:ffff::1")) &&
		   !ipl_find6(l, v6("2001:db9::")),
	   "cidr: IPv6 network edges");
	ipl_free(l);

	l = load("; Spamhaus DROP List 2024/01/01\n"
		 "1.10.16.0/20 ; SBL256894\n"
		 "2.56.192.0/22 ; SBL459831\n"
		 "2a06:e480::/29 ; SBL301771\n",
		 IPL_SPAMHAUS);
	is_int((int64_t)(l->n4 + l->n6), 3, "spamhaus: three networks");
	is_str(desc4(l, "1.10.31.255"), "SBL256894", "spamhaus: SBL id");
	ok(l->bad == 0, "spamhaus: no bad line");
	ipl_free(l);

	l = load("#   DShield.org Recommended Block List\n"
		 "Start\tEnd\tNetblock\tAttacks\tName\tCountry\temail\n"
		 "185.224.128.0\t185.224.128.255\t24\t11402\tX\tNL\ta@b\n"
		 "45.148.10.0\t45.148.10.255\t24\t9000\n",
		 IPL_DSHIELD);
	is_int((int64_t)l->n4, 2, "dshield: two networks, header skipped");
	ok(l->bad == 0, "dshield: no bad line");
	ipl_free(l);

	l = load("create bl hash:net family inet hashsize 1024 maxelem 65536\n"
		 "add bl 10.1.0.0/16\nadd bl 10.3.0.1 timeout 0\n"
		 "add bl 10.4.0.1-10.4.0.2\nflush bl\n",
		 IPL_IPSET);
	is_int((int64_t)l->n4, 3, "ipset: three entries");
	is_str(bads, "5;", "ipset: a foreign command is a bad line");
	ipl_free(l);
}

static void test_auto(void)
{
	static const struct {
		const char *text;    /* the list */
		enum ipl_format fmt; /* what auto must find */
	} c[] = {
		{ "# x\nfoo:1.2.3.4-1.2.3.5\n", IPL_P2P },
		{ "foo bar:1.2.3.4-1.2.3.4\n", IPL_P2P },
		{ "1.2.3.0/24\n", IPL_CIDR },
		{ "2001:db8::/32\n", IPL_CIDR },
		{ "1.2.3.0/24 ; SBL1\n", IPL_SPAMHAUS },
		{ "1.2.3.0\t1.2.3.255\t24\n", IPL_DSHIELD },
		{ "create x hash:net\nadd x 1.2.3.4\n", IPL_IPSET },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct iplist *l = load(c[i].text, IPL_AUTO);

		is_str(ipl_format_name(l->format), ipl_format_name(c[i].fmt),
		       "auto: finds %s", ipl_format_name(c[i].fmt));
		ok(l->n4 + l->n6 == 1 && !l->bad, "auto: %s loads",
		   ipl_format_name(c[i].fmt));
		ipl_free(l);
	}
}

static void test_merge(void)
{
	struct iplist *l;

	l = load("a:10.0.0.0-10.0.0.127\n"
		 "b:10.0.0.128-10.0.0.255\n" /* adjacent */
		 "c:10.0.0.5-10.0.0.6\n"     /* inside */
		 "d:10.0.0.0-10.0.0.127\n"   /* duplicate */
		 "e:10.0.2.0-10.0.2.9\n"
		 "f:10.0.2.5-10.0.3.0\n"  /* overlapping */
		 "g:10.0.4.1-10.0.4.1\n", /* single */
		 IPL_P2P);
	is_int((int64_t)l->ranges, 7, "merge: seven ranges read");
	is_int((int64_t)l->n4, 3, "merge: three after the merge");
	ok(l->v4[0].lo == v4("10.0.0.0") && l->v4[0].hi == v4("10.0.0.255"),
	   "merge: adjacent and contained joined");
	ok(l->v4[1].lo == v4("10.0.2.0") && l->v4[1].hi == v4("10.0.3.0"),
	   "merge: overlapping joined");
	is_str(desc4(l, "10.0.0.200"), "a",
	       "merge: the first range's description wins");
	ok(!desc4(l, "10.0.3.1") && !desc4(l, "10.0.4.0") &&
		   desc4(l, "10.0.4.1") && !desc4(l, "10.0.4.2"),
	   "merge: single address and the gaps around it");
	ipl_free(l);

	l = load("255.255.255.0/24\n255.255.255.255\n0.0.0.0\n", IPL_CIDR);
	ok(l->n4 == 2 && ipl_find4(l, 0) && ipl_find4(l, UINT32_MAX) &&
		   !ipl_find4(l, 1),
	   "merge: both ends of the IPv4 space");
	ipl_free(l);

	l = load("::/0\n::1\nffff::/16\n", IPL_CIDR);
	ok(l->n6 == 1 && ipl_find6(l, 0) && ipl_find6(l, ~(ipl_u128)0),
	   "merge: ::/0 swallows the rest");
	ipl_free(l);
}

static void test_cover(void)
{
	is_str(cover("0.0.0.0/0\n", IPL_CIDR), "0.0.0.0/0", "cover: 0.0.0.0/0");
	is_str(cover("::/0\n", IPL_CIDR), "::/0", "cover: ::/0");
	is_str(cover("1.2.3.4\n2001:db8::1\n", IPL_CIDR),
	       "1.2.3.4/32 2001:db8::1/128", "cover: single addresses");
	is_str(cover("1.2.3.4-1.2.3.9\n", IPL_CIDR), "1.2.3.4/30 1.2.3.8/31",
	       "cover: a small range");
	is_str(cover("10.0.0.0-10.0.0.127\n10.0.0.128-10.0.0.255\n", IPL_CIDR),
	       "10.0.0.0/24", "cover: adjacent ranges become one network");
	is_str(cover("0.0.0.1-255.255.255.255\n", IPL_CIDR),
	       "0.0.0.1/32 0.0.0.2/31 0.0.0.4/30 0.0.0.8/29 0.0.0.16/28 "
	       "0.0.0.32/27 0.0.0.64/26 0.0.0.128/25 0.0.1.0/24 0.0.2.0/23 "
	       "0.0.4.0/22 0.0.8.0/21 0.0.16.0/20 0.0.32.0/19 0.0.64.0/18 "
	       "0.0.128.0/17 0.1.0.0/16 0.2.0.0/15 0.4.0.0/14 0.8.0.0/13 "
	       "0.16.0.0/12 0.32.0.0/11 0.64.0.0/10 0.128.0.0/9 1.0.0.0/8 "
	       "2.0.0.0/7 4.0.0.0/6 8.0.0.0/5 16.0.0.0/4 32.0.0.0/3 "
	       "64.0.0.0/2 128.0.0.0/1",
	       "cover: everything but 0.0.0.0");
	is_str(cover("0.0.0.0-255.255.255.254\n", IPL_CIDR),
	       "0.0.0.0/1 128.0.0.0/2 192.0.0.0/3 224.0.0.0/4 240.0.0.0/5 "
	       "248.0.0.0/6 252.0.0.0/7 254.0.0.0/8 255.0.0.0/9 "
	       "255.128.0.0/10 255.192.0.0/11 255.224.0.0/12 "
	       "255.240.0.0/13 255.248.0.0/14 255.252.0.0/15 "
	       "255.254.0.0/16 255.255.0.0/17 255.255.128.0/18 "
	       "255.255.192.0/19 255.255.224.0/20 255.255.240.0/21 "
	       "255.255.248.0/22 255.255.252.0/23 255.255.254.0/24 "
	       "255.255.255.0/25 255.255.255.128/26 255.255.255.192/27 "
	       "255.255.255.224/28 255.255.255.240/29 255.255.255.248/30 "
	       "255.255.255.252/31 255.255.255.254/32",
	       "cover: everything but 255.255.255.255");
	{
		size_t n4, n6;
		struct iplist *l =
			load("::1-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff\n"
			     "10.0.0.0/8\n",
			     IPL_CIDR);

		ipl_count_cidrs(l, &n4, &n6);
		ok(n4 == 1 && n6 == 128,
		   "cover: ::1-ffff:...:ffff is 128 "
		   "networks (got %zu, %zu)",
		   n4, n6);
		ipl_free(l);
	}
}

static void test_gzip(void)
{
	char path[] = "/tmp/nfpipe-iplist-XXXXXX";
	struct iplist *l;
	gzFile gz;
	int fd = mkstemp(path);

	if (fd < 0)
		bail_out("mkstemp");
	gz = gzdopen(fd, "wb");
	gzprintf(gz, "# gz\nA:1.0.0.0-1.0.0.255\nB:2.0.0.0-2.0.0.0\n");
	gzclose(gz);
	l = ipl_new(IPL_AUTO, 0);
	is_int(ipl_load_file(l, path), 0, "gzip: loads");
	ipl_finish(l);
	ok(l->format == IPL_P2P && l->n4 == 2 && !l->bad,
	   "gzip: p2p found inside, two ranges");
	is_str(desc4(l, "2.0.0.0"), "B", "gzip: description");
	ipl_free(l);
	l = ipl_new(IPL_AUTO, 0);
	is_int(ipl_load_file(l, "/nonexistent/x"), -2, "missing file: -ENOENT");
	ipl_free(l);
	unlink(path);
}

int main(void)
{
	test_formats();
	test_auto();
	test_merge();
	test_cover();
	test_gzip();
	return done_testing();
}
