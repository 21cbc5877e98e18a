/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_rrd - RRD end to end through the real engine and librrd
 *
 * PKTIN packets (through BASE, for ip.totlen) and flow records from a test
 * input go into RRD instances writing to a temporary directory with
 * step=1; the files are then read back in-process with librrd's own
 * rrd_info_r() and rrd_lastupdate_r(). Expected figures are worked out
 * from what was fed: three packets of 100 bytes are 3 and 300; the
 * archives for step 1 are 1 step x 3600 rows (an hour of seconds), 60
 * steps x 1440 rows (a day of minutes), 300 x 2016 (a week of 5 minutes)
 * and 3600 x 8760 (365 days of hours); test_fetch reads the first with
 * rrd_fetch_r() after a burst and quiet steps, as `rrdtool fetch` does;
 * the hashed suffix of a 300-byte value is FNV-1a 32 of 300 'a's,
 * 0x279e8f01, computed outside this code (python3).
 */
#include "nfp.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rrd.h>

#include "engine.h"
#include "harness.h"
#include "rrd_out.h"
#include "tap.h"

extern const struct nfp_plugin nfp_filter_base;
extern const struct nfp_plugin nfp_output_rrd;

/* ---- FLOWIN: a test input with NFCT's counter keys ----------------------- */

enum { FK_OP, FK_OB, FK_RP, FK_RB, FK_EV, FK_PROTO };

static const struct nfp_key flowin_keys[] = {
	[FK_OP] = { "orig.raw.pktcount", NFP_T_U64 },
	[FK_OB] = { "orig.raw.pktlen", NFP_T_U64 },
	[FK_RP] = { "reply.raw.pktcount", NFP_T_U64 },
	[FK_RB] = { "reply.raw.pktlen", NFP_T_U64 },
	[FK_EV] = { "ct.event", NFP_T_U32 },
	[FK_PROTO] = { "orig.ip.protocol", NFP_T_U8 },
	{ 0 }
};

static const struct nfp_plugin flowin_plugin = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_INPUT,
	.name = "FLOWIN",
	.summary = "test input: flow records",
	.out_keys = flowin_keys,
};

static const struct nfp_plugin *plugins[] = { &nfp_filter_base, &nfp_output_rrd,
					      &flowin_plugin, NULL };
static char root[256], logpath[300];

/* ---- helpers ------------------------------------------------------------- */

/* An IPv4/UDP packet of @totlen bytes, 10.0.0.1:1000 -> 10.0.0.2:53. */
static size_t udp4(uint8_t *b, uint16_t totlen)
{
	memset(b, 0, totlen);
	b[0] = 0x45;
	b[2] = (uint8_t)(totlen >> 8);
	b[3] = (uint8_t)totlen;
	b[8] = 64;
	b[9] = 17;
	b[12] = 10, b[15] = 1;
	b[16] = 10, b[19] = 2;
	b[20] = 1000 >> 8, b[21] = 1000 & 0xff;
	b[23] = 53;
	b[24] = (uint8_t)((totlen - 20) >> 8);
	b[25] = (uint8_t)(totlen - 20);
	return totlen;
}

/* @n packets of @totlen bytes of which @caplen were copied (0: all). */
static void feed_cap(struct nfpt *t, const char *prefix, uint16_t totlen,
		     size_t caplen, unsigned int n)
{
	uint8_t buf[1500];
	struct nfpt_pkt p = { .family = AF_INET };

	p.len = udp4(buf, totlen);
	if (caplen)
		p.len = caplen;
	p.data = buf;
	p.prefix = prefix;
	while (n--)
		nfpt_feed(t, "in1", &p);
}

static void feed(struct nfpt *t, const char *prefix, uint16_t totlen,
		 unsigned int n)
{
	feed_cap(t, prefix, totlen, 0, n);
}

static void flow(struct nfpt *t, uint32_t ev, uint8_t proto, uint64_t op,
		 uint64_t ob, uint64_t rp, uint64_t rb)
{
	struct nfp_inst *in = nfpt_inst(t, "fl1");
	struct nfp_rec *rec = nfp_rec_new(in);

	if (!rec)
		bail_out("FLOWIN feeds nothing");
	nfp_set_u64(rec, FK_OP, op);
	nfp_set_u64(rec, FK_OB, ob);
	nfp_set_u64(rec, FK_RP, rp);
	nfp_set_u64(rec, FK_RB, rb);
	nfp_set_u32(rec, FK_EV, ev);
	nfp_set_u8(rec, FK_PROTO, proto);
	nfp_rec_push(in, rec);
}

/* rrd_lastupdate_r of @dir/@stem.rrd as "name=value ..."; "" if absent. */
static const char *last(const char *dir, const char *stem)
{
	static char out[512];
	char path[600], **names = NULL, **vals = NULL;
	unsigned long n = 0, i;
	time_t t;
	size_t o = 0;

	out[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s.rrd", dir, stem);
	if (rrd_lastupdate_r(path, &t, &n, &names, &vals) != 0) {
		rrd_clear_error();
		return out;
	}
	for (i = 0; i < n; i++) {
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s=%s",
				      i ? " " : "", names[i], vals[i]);
		free(names[i]);
		free(vals[i]);
	}
	free(names);
	free(vals);
	return out;
}

/* Wait up to 3 s until last() of @stem is @want (the worker is async). */
static const char *last_wait(const char *dir, const char *stem,
			     const char *want)
{
	const char *got = last(dir, stem);
	int i;

	for (i = 0; i < 300 && strcmp(got, want); i++) {
		usleep(10000);
		got = last(dir, stem);
	}
	return got;
}

/* One rrd_info_r value as text ("" when absent). */
static const char *info(const char *path, const char *key)
{
	static char out[128];
	rrd_info_t *in = rrd_info_r(path), *it;

	out[0] = '\0';
	if (!in) {
		rrd_clear_error();
		return out;
	}
	for (it = in; it; it = it->next) {
		if (strcmp(it->key, key))
			continue;
		switch (it->type) {
		case RD_I_CNT:
			snprintf(out, sizeof(out), "%lu", it->value.u_cnt);
			break;
		case RD_I_STR:
			snprintf(out, sizeof(out), "%s", it->value.u_str);
			break;
		case RD_I_VAL:
			snprintf(out, sizeof(out), "%g", it->value.u_val);
			break;
		default:
			snprintf(out, sizeof(out), "?");
		}
	}
	rrd_info_free(in);
	return out;
}

/* The *.rrd names in @dir, sorted, space-separated. */
static const char *listing(const char *dir)
{
	static char out[2048];
	struct dirent **ents;
	int n, i;
	size_t o = 0;

	out[0] = '\0';
	n = scandir(dir, &ents, NULL, alphasort);
	for (i = 0; i < n; i++) {
		const char *s = ents[i]->d_name;

		if (s[0] != '.' || (strcmp(s, ".") && strcmp(s, "..")))
			o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s",
					      o ? " " : "", s);
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	return out;
}

static char *slurp(const char *path)
{
	static char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

static struct nfpt *run_packets(const char *dir, const char *extra)
{
	char conf[1024];

	snprintf(conf, sizeof(conf),
		 "[global]\n"
		 "stack=in1:PKTIN,base1:BASE,rrd1:RRD\n"
		 "[rrd1]\n"
		 "directory=\"%s\"\n"
		 "step=1\n%s",
		 dir, extra);
	return nfpt_new(conf, plugins);
}

/* ---- tests --------------------------------------------------------------- */

static void test_sanitize(void)
{
	char out[NFP_RRD_STEM_MAX + 1], want[NFP_RRD_STEM_MAX + 1];
	char longv[300];

	nfp_rrd_sanitize("../x", 4, out);
	is_str(out, "_._x", "'../x' becomes _._x: no dots first, no slash");
	nfp_rrd_sanitize("", 0, out);
	is_str(out, "none", "an empty value is 'none'");
	nfp_rrd_sanitize(NULL, 0, out);
	is_str(out, "none", "an unset value is 'none'");
	nfp_rrd_sanitize("a/b", 3, out);
	is_str(out, "a_b", "'a/b' becomes a_b");
	nfp_rrd_sanitize(".", 1, out);
	is_str(out, "_", "'.' becomes _");
	nfp_rrd_sanitize("IN: drop", 8, out);
	is_str(out, "IN__drop", "':' and ' ' become _");
	nfp_rrd_sanitize("h\xc3\xa9llo", 6, out);
	is_str(out, "h__llo", "each byte of UTF-8 becomes _");
	nfp_rrd_sanitize("x\0y", 3, out);
	is_str(out, "x_y", "a NUL inside a value becomes _");
	nfp_rrd_sanitize("all", 3, out);
	is_str(out, "all_", "a value 'all' does not land in the total");
	nfp_rrd_sanitize("other", 5, out);
	is_str(out, "other_", "a value 'other' does not land in overflow");
	nfp_rrd_sanitize("ok-1.2_3", 8, out);
	is_str(out, "ok-1.2_3", "[A-Za-z0-9._-] is kept as it is");
	memset(longv, 'a', sizeof(longv));
	is_int((int64_t)nfp_rrd_sanitize(longv, sizeof(longv), out), 120,
	       "a 300-byte value is cut to 120 characters");
	memset(want, 'a', 111);
	strcpy(want + 111, "-279e8f01");
	is_str(out, want, "... 111 of them, then '-' and its FNV-1a hash");
	memset(longv, 'a', 120);
	nfp_rrd_sanitize(longv, 120, out);
	is_int((int64_t)strlen(out), 120, "120 bytes are kept whole");
}

static void test_packets(void)
{
	char dir[300], path[400];
	struct nfpt *t;
	struct nfp_inst *inst;

	snprintf(dir, sizeof(dir), "%s/p/sub", root);
	t = run_packets(dir, "");
	feed(t, "A", 100, 3);
	feed(t, "B", 60, 2);
	feed(t, NULL, 40, 1);

	/* A tick hands the totals to the worker: the files appear. */
	nfp_rrd_tick(nfpt_inst(t, "rrd1"));
	is_str(last_wait(dir, "A", "packets=3 bytes=300"),
	       "packets=3 bytes=300", "a tick writes A's totals");
	is_str(last_wait(dir, "all", "packets=6 bytes=460"),
	       "packets=6 bytes=460", "... and the total");

	/* Only 60 of its 1000 bytes copied: ip.totlen still says 1000. */
	feed_cap(t, "A", 1000, 60, 1);
	inst = nfpt_inst(t, "rrd1");
	is_int((int64_t)inst->ctr[2], 4, "groups: all, A, B, none");
	is_int((int64_t)inst->ctr[3], 0, "overflow: 0");
	nfpt_free(t);

	is_str(listing(dir), "A.rrd B.rrd all.rrd none.rrd",
	       "one file per prefix, 'none' without one, and 'all'");
	is_str(last(dir, "A"), "packets=4 bytes=1300",
	       "A: 4 packets, 3x100+1000 bytes (ip.totlen) after stop");
	is_str(last(dir, "B"), "packets=2 bytes=120",
	       "B: 2 packets, 120 bytes");
	is_str(last(dir, "none"), "packets=1 bytes=40",
	       "no prefix: 1 packet, 40 bytes");
	is_str(last(dir, "all"), "packets=7 bytes=1460",
	       "all: 7 packets, 1460 bytes");

	snprintf(path, sizeof(path), "%s/A.rrd", dir);
	is_str(info(path, "step"), "1", "step 1 as configured");
	is_str(info(path, "ds[packets].type"), "DERIVE", "packets is DERIVE");
	is_str(info(path, "ds[bytes].type"), "DERIVE", "bytes is DERIVE");
	is_str(info(path, "ds[packets].index"), "0", "packets comes first");
	is_str(info(path, "ds[bytes].index"), "1", "bytes second");
	is_str(info(path, "ds[bytes].minimal_heartbeat"), "2",
	       "heartbeat is 2 steps");
	is_str(info(path, "ds[packets].min"), "0", "min 0: no negative rates");
	is_str(info(path, "rra[0].cf"), "AVERAGE", "rra 0 AVERAGE");
	is_str(info(path, "rra[0].pdp_per_row"), "1", "rra 0: at the step");
	is_str(info(path, "rra[0].rows"), "3600", "rra 0: an hour of steps");
	is_str(info(path, "rra[1].pdp_per_row"), "60", "rra 1: 60 x 1 s");
	is_str(info(path, "rra[1].rows"), "1440", "rra 1: a day of minutes");
	is_str(info(path, "rra[2].pdp_per_row"), "300", "rra 2: 300 x 1 s");
	is_str(info(path, "rra[2].rows"), "2016", "rra 2: a week of 5 min");
	is_str(info(path, "rra[3].pdp_per_row"), "3600", "rra 3: an hour");
	is_str(info(path, "rra[3].rows"), "8760", "rra 3: a year of hours");
	is_str(info(path, "rra[4].cf"), "MAX", "rra 4 MAX");
	is_str(info(path, "rra[4].pdp_per_row"), "1", "rra 4: at the step");
	is_str(info(path, "rra[4].rows"), "3600", "rra 4: an hour of steps");
	is_str(info(path, "rra[5].cf"), "MAX", "rra 5 MAX");
	is_str(info(path, "rra[5].rows"), "1440", "rra 5: a day of minutes");
	is_str(info(path, "rra[7].cf"), "MAX", "rra 7 MAX");
	is_str(info(path, "rra[7].pdp_per_row"), "3600", "rra 7: an hour");
	is_str(info(path, "rra[8].cf"), "", "eight archives, no more");
	is_str(info(path, "ds[in_packets].type"), "", "no flow data sources");

	/* Restart: the files are reused and the totals go on. */
	t = run_packets(dir, "");
	feed(t, "A", 100, 2);
	feed(t, "C", 50, 1);
	nfpt_free(t);
	is_str(last(dir, "A"), "packets=6 bytes=1500",
	       "restart: A goes on from 4/1300 to 6/1500");
	is_str(last(dir, "B"), "packets=2 bytes=120",
	       "restart: B untouched (no record)");
	is_str(last(dir, "C"), "packets=1 bytes=50", "restart: C is new");
	is_str(last(dir, "all"), "packets=10 bytes=1710",
	       "restart: all goes on from 7/1460 to 10/1710");
	like(slurp(logpath), "reusing ", "the log says the files are reused");
	ok(!strstr(slurp(logpath), "failed") &&
		   !strstr(slurp(logpath), "cannot"),
	   "no update failed (same-second restart handled)");

	/* And a third time at once: still no refused update. */
	t = run_packets(dir, "");
	feed(t, "A", 100, 1);
	nfpt_free(t);
	is_str(last(dir, "A"), "packets=7 bytes=1600", "third run: 7/1600");
	ok(!strstr(slurp(logpath), "failed"), "still no failed update");
}

/*
 * The user's check: a burst, then quiet steps, then stop; `rrdtool fetch`
 * at the step (rrd_fetch_r) must show the burst as a rate and every quiet
 * step as a known 0: no unknown point from the first known one on.
 */
static void test_fetch(void)
{
	char dir[300], path[400], *cf = (char *)"AVERAGE";
	unsigned long step = 1, ds_cnt = 0, i, n, known = 0, unknown = 0;
	unsigned long zeros_after = 0, gap = 0;
	char **ds_names = NULL;
	rrd_value_t *data = NULL, peak = 0;
	time_t start, end, t0;
	struct nfpt *t;
	int k;

	snprintf(dir, sizeof(dir), "%s/fetch", root);
	t0 = time(NULL);
	t = run_packets(dir, "");
	feed(t, "BURST", 100, 42);
	nfp_rrd_tick(nfpt_inst(t, "rrd1"));
	/* Four quiet steps, each ended by the timer as in the daemon. */
	for (k = 0; k < 4; k++) {
		usleep(1050 * 1000);
		nfp_rrd_tick(nfpt_inst(t, "rrd1"));
	}
	nfpt_free(t);
	snprintf(path, sizeof(path), "%s/BURST.rrd", dir);
	start = t0 - 2;
	end = time(NULL);
	if (rrd_fetch_r(path, cf, &start, &end, &step, &ds_cnt, &ds_names,
			&data) != 0) {
		ok(0, "rrd_fetch_r: %s", rrd_get_error());
		rrd_clear_error();
		return;
	}
	is_int((int64_t)step, 1, "fetch gets points at the 1 s step");
	n = (unsigned long)(end - start) / step;
	for (i = 0; i < n; i++) {
		rrd_value_t v = data[i * ds_cnt]; /* packets/s */

		if (isnan(v)) {
			if (known)
				gap++;
			continue;
		}
		unknown += gap; /* an unknown point between known ones */
		gap = 0;
		known++;
		if (v > peak)
			peak = v;
		if (peak > 0 && v == 0)
			zeros_after++;
	}
	ok(known >= 4, "at least 4 known points (%lu)", known);
	is_int((int64_t)unknown, 0,
	       "no unknown point after the first known one (%lu)", unknown);
	ok(peak >= 21, "the burst shows as a rate (peak %.1f/s)", peak);
	ok(zeros_after >= 2, "quiet steps are a known 0 (%lu)", zeros_after);
	ok(gap <= 1, "unknown only in the step stop cut short (%lu)", gap);
	for (i = 0; i < ds_cnt; i++)
		free(ds_names[i]);
	free(ds_names);
	free(data);
}

static void test_fallback_len(void)
{
	char dir[300], conf[1024];
	uint8_t buf[64];
	struct nfpt_pkt p = { .family = AF_INET, .prefix = "X" };
	struct nfpt *t;

	/* Without BASE only raw.pktlen is there. */
	snprintf(dir, sizeof(dir), "%s/raw", root);
	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in1:PKTIN,rrd1:RRD\n"
		 "[rrd1]\ndirectory=\"%s\"\nstep=1\ntotal=0\n",
		 dir);
	t = nfpt_new(conf, plugins);
	p.len = udp4(buf, 64);
	p.data = buf;
	nfpt_feed(t, "in1", &p);
	nfpt_feed(t, "in1", &p);
	nfpt_free(t);
	is_str(listing(dir), "X.rrd", "total=0: no all.rrd");
	is_str(last(dir, "X"), "packets=2 bytes=128",
	       "without ip.totlen the bytes are raw.pktlen");
}

static void test_hostile(void)
{
	char dir[300], longv[301], want[200];
	struct nfpt *t;

	snprintf(dir, sizeof(dir), "%s/hostile", root);
	t = run_packets(dir, "total=0\n");
	feed(t, "../x", 40, 1);
	feed(t, "a/b", 40, 1);
	feed(t, "", 40, 1);
	feed(t, "..", 40, 1);
	memset(longv, 'a', 300);
	longv[300] = '\0';
	feed(t, longv, 40, 2);
	nfpt_free(t);
	memset(want, 'a', 111);
	snprintf(want + 111, sizeof(want) - 111, "-279e8f01.rrd");
	{
		char all[600];

		snprintf(all, sizeof(all),
			 "_..rrd _._x.rrd a_b.rrd %s none.rrd", want);
		is_str(listing(dir), all,
		       "hostile prefixes stay inside the directory");
	}
	want[120] = '\0';
	is_str(last(dir, want), "packets=2 bytes=80",
	       "the long one: 2 packets");
}

static void test_overflow(void)
{
	char dir[300];
	struct nfpt *t;
	struct nfp_inst *inst;

	snprintf(dir, sizeof(dir), "%s/over", root);
	t = run_packets(dir, "max_groups=2\n");
	feed(t, "A", 40, 1);
	feed(t, "B", 40, 1);
	feed(t, "C", 40, 2);
	feed(t, "D", 40, 1);
	feed(t, "A", 40, 1);
	inst = nfpt_inst(t, "rrd1");
	is_int((int64_t)inst->ctr[3], 3, "overflow counts the 3 records");
	is_int((int64_t)inst->ctr[2], 4, "groups: all, A, B, other");
	nfpt_free(t);
	is_str(listing(dir), "A.rrd B.rrd all.rrd other.rrd",
	       "max_groups=2: A and B, then other");
	is_str(last(dir, "other"), "packets=3 bytes=120", "other: C, C, D");
	is_str(last(dir, "A"), "packets=2 bytes=80",
	       "A still counts after the cap");
	is_str(last(dir, "all"), "packets=6 bytes=240", "all: every record");
}

/*
 * A file made by an nfpipe before the archive at the step existed (1-minute
 * points at best): reused, totals go on, and the log says how to add the
 * archive (rrdtool tune), which is then checked to work on such a file.
 */
static void test_old_layout(void)
{
	char dir[300], path[400], msg[1200];
	const char *argv[] = { "DS:packets:DERIVE:2:0:U",
			       "DS:bytes:DERIVE:2:0:U",
			       "RRA:AVERAGE:0.5:60:1440",
			       "RRA:MAX:0.5:60:1440" };
	const char *tune[] = { "tune", path, "RRA:AVERAGE:0.5:1:3600",
			       "RRA:MAX:0.5:1:3600" };
	struct nfpt *t;

	snprintf(dir, sizeof(dir), "%s/old", root);
	mkdir(dir, 0750);
	snprintf(path, sizeof(path), "%s/A.rrd", dir);
	if (rrd_create_r(path, 1, time(NULL) - 10, 4, argv) != 0)
		bail_out("rrd_create_r: %s", rrd_get_error());
	t = run_packets(dir, "");
	feed(t, "A", 40, 2);
	nfpt_free(t);
	is_str(last(dir, "A"), "packets=2 bytes=80",
	       "an old-layout file is reused and counts");
	snprintf(msg, sizeof(msg),
		 "%s has no archive at its step of 1s (its finest points are "
		 "1 minute): while nfpiped is stopped, `rrdtool tune %s "
		 "RRA:AVERAGE:0.5:1:3600 RRA:MAX:0.5:1:3600` adds one",
		 path, path);
	like(slurp(logpath), msg, "the log says how to add the step archive");
	is_str(info(path, "rra[2].cf"), "", "the file itself is left as it is");
	rrd_clear_error();
	ok(rrd_tune(4, (char **)tune) == 0, "the advised rrdtool tune works%s",
	   rrd_test_error() ? rrd_get_error() : "");
	rrd_clear_error();
	is_str(info(path, "rra[2].pdp_per_row"), "1", "... adds the archive");
	is_str(last(dir, "A"), "packets=2 bytes=80", "... and keeps the data");
}

static void test_mismatch(void)
{
	char dir[300], path[400], msg[700];
	const char *argv[] = { "DS:foo:GAUGE:120:U:U", "RRA:AVERAGE:0.5:1:10" };
	struct nfp_inst *inst;
	struct nfpt *t;

	snprintf(dir, sizeof(dir), "%s/mis", root);
	mkdir(dir, 0750);
	snprintf(path, sizeof(path), "%s/A.rrd", dir);
	if (rrd_create_r(path, 60, 1700000000, 2, argv) != 0)
		bail_out("rrd_create_r: %s", rrd_get_error());
	t = run_packets(dir, "");
	feed(t, "A", 40, 1);
	feed(t, "B", 40, 1);
	inst = nfpt_inst(t, "rrd1");
	nfp_rrd_tick(inst);
	is_str(last_wait(dir, "B", "packets=1 bytes=40"), "packets=1 bytes=40",
	       "B is written beside a mismatched A");
	nfp_rrd_tick(inst);
	is_int((int64_t)inst->ctr[4], 1, "mismatched counts the file once");

	/* SIGHUP after the file was moved away: A is made afresh. */
	snprintf(msg, sizeof(msg), "%s.bad", path);
	if (rename(path, msg) < 0)
		bail_out("rename: %s", strerror(errno));
	inst->plugin->reopen(inst);
	feed(t, "A", 40, 1);
	nfp_rrd_tick(inst);
	is_str(last_wait(dir, "A", "packets=2 bytes=80"), "packets=2 bytes=80",
	       "after SIGHUP the group's file is made with its totals");
	nfpt_free(t);
	if (rename(msg, path) < 0)
		bail_out("rename: %s", strerror(errno));
	snprintf(msg, sizeof(msg),
		 "%s has data sources foo:GAUGE, this instance writes "
		 "packets,bytes",
		 path);
	like(slurp(logpath), msg,
	     "the error names the file and the difference");
	is_str(info(path, "last_update"), "1700000000",
	       "the mismatched file is left alone");
	is_str(info(path, "ds[packets].type"), "", "... and gets no packets");
}

static void test_flows(void)
{
	char dir[300], conf[1024], path[400];
	struct nfpt *t;

	snprintf(dir, sizeof(dir), "%s/flows", root);
	snprintf(conf, sizeof(conf),
		 "[global]\nstack=fl1:FLOWIN,rrd1:RRD\n"
		 "[rrd1]\ndirectory=\"%s\"\nstep=1\ngroup=orig.ip.protocol\n",
		 dir);
	t = nfpt_new(conf, plugins);
	flow(t, 4, 6, 5, 268, 3, 170);
	flow(t, 4, 6, 2, 100, 1, 50);
	flow(t, 1, 6, 9, 900, 9, 900); /* NEW: not a flow's totals */
	flow(t, 2, 6, 9, 900, 9, 900); /* UPDATE: neither */
	flow(t, 4, 17, 1, 40, 1, 40);
	nfpt_free(t);
	is_str(listing(dir), "17.rrd 6.rrd all.rrd", "one file per protocol");
	is_str(last(dir, "6"),
	       "in_packets=7 in_bytes=368 out_packets=4 out_bytes=220",
	       "TCP: two DESTROYs, per direction");
	is_str(last(dir, "17"),
	       "in_packets=1 in_bytes=40 out_packets=1 out_bytes=40",
	       "UDP: one DESTROY");
	is_str(last(dir, "all"),
	       "in_packets=8 in_bytes=408 out_packets=5 out_bytes=260",
	       "all flows");
	snprintf(path, sizeof(path), "%s/6.rrd", dir);
	is_str(info(path, "ds[out_bytes].type"), "DERIVE",
	       "flow data sources are DERIVE");
}

static void test_config(void)
{
	char buf[2048];
	int n;

	n = nfpt_check("[global]\nstack=in1:PKTIN,rrd1:RRD\n"
		       "[rrd1]\ngroup=\"\"\n",
		       plugins, buf, sizeof(buf));
	ok(n > 0, "an empty group is refused");
	n = nfpt_check("[global]\nstack=in1:PKTIN,rrd1:RRD\n"
		       "[rrd1]\nmode=bytes\n",
		       plugins, buf, sizeof(buf));
	ok(n > 0, "an unknown mode is refused");
	n = nfpt_check("[global]\nstack=in1:PKTIN,rrd1:RRD\n"
		       "[rrd1]\nstep=0\n",
		       plugins, buf, sizeof(buf));
	ok(n > 0, "step=0 is refused");
	n = nfpt_check("[global]\nstack=in1:PKTIN,rrd1:RRD\n"
		       "[rrd1]\ngroup=oob.in\ndirectory=/tmp/x\n",
		       plugins, buf, sizeof(buf));
	is_int(n, 0, "group=oob.in binds (any key type)");
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(root, sizeof(root), "%s/nfpt-rrd-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(root))
		bail_out("mkdtemp: %s", strerror(errno));
	snprintf(logpath, sizeof(logpath), "%s/nfpiped.log", root);
	if (nfp_log_open(logpath, NFP_LOG_INFO) < 0)
		bail_out("cannot open %s", logpath);
	test_sanitize();
	test_packets();
	test_fetch();
	test_old_layout();
	test_fallback_len();
	test_hostile();
	test_overflow();
	test_mismatch();
	test_flows();
	test_config();
	nfp_log_close();
	nfpt_rmtree(root);
	return done_testing();
}
