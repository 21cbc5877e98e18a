/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_blacklist - BLACKLIST on a real stack
 *
 * PKTIN -> BASE -> BLACKLIST -> CAPTURE with two lists written here (a p2p
 * list and a gzip'ed Spamhaus one with IPv6): source and destination hits
 * with the first list's name and description, misses unset, match=src,
 * only_hits counting what reaches the output, SIGHUP (the reopen callback)
 * reading a changed list and keeping the old one when the file is gone,
 * and the config errors (bad spec, unknown format, missing file, a list of
 * nothing but bad lines).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include "harness.h"
#include "tap.h"

extern const struct nfp_plugin nfp_filter_base, nfp_filter_blacklist;

static const struct nfp_plugin *const plugins[] = { &nfp_filter_base,
						    &nfp_filter_blacklist,
						    NULL };

static char dir[] = "/tmp/nfpipe-bl-XXXXXX";
static char p2p[256], drop[256], bad[256];
static struct nfpt *t;
#define GET(k) nfpt_get(t, "cap", k)

static void put(const char *path, const char *text, bool gz)
{
	if (gz) {
		gzFile g = gzopen(path, "wb");

		if (!g)
			bail_out("gzopen %s", path);
		gzputs(g, text);
		gzclose(g);
	} else {
		FILE *f = fopen(path, "w");

		if (!f)
			bail_out("fopen %s", path);
		fputs(text, f);
		fclose(f);
	}
}

static void feed4(const char *s, const char *d)
{
	uint8_t p[28] = {
		0x45, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x40, 0x11,
		0x00, 0x00, 0,	  0,	0,    0,    0,	  0,	0,    0,
		0x00, 0x07, 0x00, 0x07, 0x00, 0x08, 0x00, 0x00,
	};

	inet_pton(AF_INET, s, p + 12);
	inet_pton(AF_INET, d, p + 16);
	nfpt_feed(t, "in",
		  &(struct nfpt_pkt){
			  .family = AF_INET, .data = p, .len = sizeof(p) });
}

static void feed6(const char *s, const char *d)
{
	uint8_t p[40] = { 0x60, 0, 0, 0, 0, 0, 0x3b, 0x40 };

	inet_pton(AF_INET6, s, p + 8);
	inet_pton(AF_INET6, d, p + 24);
	nfpt_feed(t, "in",
		  &(struct nfpt_pkt){
			  .family = AF_INET6, .data = p, .len = sizeof(p) });
}

static char *conf(const char *extra)
{
	static char c[2048];

	snprintf(c, sizeof(c),
		 "[global]\nstack=in:PKTIN,base:BASE,bl:BLACKLIST,"
		 "cap:CAPTURE\n[bl]\nlist=\"level1:p2p:%s\"\n"
		 "list=\"drop:auto:%s\"\n%s",
		 p2p, drop, extra);
	return c;
}

static void test_tags(void)
{
	t = nfpt_new(conf(""), plugins);
	feed4("1.2.3.4", "192.0.2.1");
	is_str(GET("blacklist.src"), "level1", "src hit: list name");
	is_str(GET("blacklist.src.desc"), "Evil Corp", "src hit: p2p text");
	is_str(GET("blacklist.dst"), NULL, "dst miss: unset");
	is_str(GET("blacklist.dst.desc"), NULL, "dst miss: no description");

	feed4("192.0.2.1", "5.6.7.8");
	is_str(GET("blacklist.src"), NULL, "src miss: unset");
	is_str(GET("blacklist.dst"), "drop", "dst hit in the second list");
	is_str(GET("blacklist.dst.desc"), "SBL1", "dst: Spamhaus id");

	feed4("10.9.9.9", "10.9.9.9");
	is_str(GET("blacklist.src"), "level1",
	       "an address on both lists: the first list's name");

	feed6("2001:db8::1", "2001:db8:1::1");
	is_str(GET("blacklist.src"), "drop", "IPv6 src hit");
	is_str(GET("blacklist.src.desc"), "SBL6", "IPv6 description");
	is_str(GET("blacklist.dst"), NULL, "IPv6 dst miss");
	is_int((int64_t)nfpt_counter(t, "bl", "hits"), 4, "hits counted");
	is_int((int64_t)nfpt_counter(t, "bl", "misses"), 0, "no miss yet");
	feed4("192.0.2.1", "192.0.2.2");
	is_int((int64_t)nfpt_counter(t, "bl", "misses"), 1, "a miss counted");
	is_int((int64_t)nfpt_count(t, "cap"), 5,
	       "without only_hits every record goes on");

	/* SIGHUP: the changed list is read; a missing one keeps the old */
	put(p2p, "Other:1.2.3.0-1.2.3.3\n", false);
	unlink(drop);
	nfpt_inst(t, "bl")->plugin->reopen(nfpt_inst(t, "bl"));
	feed4("1.2.3.4", "5.6.7.8");
	is_str(GET("blacklist.src"), NULL, "reload: 1.2.3.4 no longer listed");
	is_str(GET("blacklist.dst"), "drop",
	       "reload: an unreadable list keeps its old table");
	feed4("1.2.3.3", "1.1.1.1");
	is_str(GET("blacklist.src.desc"), "Other", "reload: new description");
	is_int((int64_t)nfpt_counter(t, "bl", "reload_failures"), 1,
	       "reload failure counted");
	nfpt_free(t);
}

static void test_options(void)
{
	put(p2p,
	    "Evil Corp:1.2.3.0-1.2.3.255\nbroken\n"
	    "Net:10.0.0.0-10.255.255.255\n",
	    false);
	put(drop, "; DROP\n5.6.7.0/24 ; SBL1\n2001:db8::/48 ; SBL6\n", true);

	t = nfpt_new(conf("match=src\nonly_hits=1\n"), plugins);
	feed4("192.0.2.1", "5.6.7.8");
	feed4("5.6.7.8", "1.2.3.4");
	is_str(GET("blacklist.src"), "drop", "match=src: source looked up");
	is_str(GET("blacklist.dst"), NULL, "match=src: destination not");
	feed4("192.0.2.1", "192.0.2.2");
	feed6("2001:db9::1", "2001:db8::1");
	is_int((int64_t)nfpt_count(t, "cap"), 1,
	       "only_hits: only the hit reached the output");
	nfpt_free(t);
}

static void test_errors(void)
{
	char c[1024], buf[4096];

	snprintf(c, sizeof(c),
		 "[global]\nstack=in:PKTIN,base:BASE,"
		 "bl:BLACKLIST,cap:CAPTURE\n[bl]\nlist=\"x:p2p\"\n"
		 "list=\"y:nope:%s\"\nlist=\"z:p2p:%s/missing\"\n"
		 "list=\"w:cidr:%s\"\n",
		 p2p, dir, bad);
	is_int(nfpt_check(c, plugins, buf, sizeof(buf)), 4,
	       "four config errors");
	ok(strstr(buf, "not NAME:FORMAT:PATH") != NULL, "bad spec named");
	ok(strstr(buf, "unknown format \"nope\"") != NULL,
	   "unknown format named");
	ok(strstr(buf, "missing: No such file") != NULL, "missing file named");
	ok(strstr(buf, "no line of the list could be read") != NULL,
	   "a list of bad lines is an error");
	if (tap_failed)
		diag("%s", buf);
}

int main(void)
{
	if (!mkdtemp(dir))
		bail_out("mkdtemp");
	snprintf(p2p, sizeof(p2p), "%s/level1.txt", dir);
	snprintf(drop, sizeof(drop), "%s/drop.txt.gz", dir);
	snprintf(bad, sizeof(bad), "%s/bad.txt", dir);
	put(p2p,
	    "# level1\nEvil Corp:1.2.3.0-1.2.3.255\nbroken\n"
	    "Net:10.0.0.0-10.255.255.255\n",
	    false);
	put(drop,
	    "; DROP\n5.6.7.0/24 ; SBL1\n10.9.0.0/16 ; SBL2\n"
	    "2001:db8::/48 ; SBL6\n",
	    true);
	put(bad, "foo\nbar\n", false);
	test_tags();
	test_options();
	test_errors();
	nfpt_rmtree(dir);
	return done_testing();
}
