/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_outputs - LOGEMU, OPRINT and GPRINT write what they got
 *
 * Runs the real engine (PKTIN -> PRINTPKT -> LOGEMU, PKTIN -> GPRINT/OPRINT)
 * into files in a temporary directory and compares the files with text
 * worked out by hand: the syslog and RFC 3339 frames for a known time in
 * known time zones, GPRINT's escaping, OPRINT's layout. The "writes"
 * counter shows one write(2) per batch; a rename followed by reopen()
 * loses no line; a full disk (/dev/full) is counted, not fatal.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "tap.h"

extern const struct nfp_plugin nfp_filter_printpkt;
extern const struct nfp_plugin nfp_output_logemu;
extern const struct nfp_plugin nfp_output_oprint;
extern const struct nfp_plugin nfp_output_gprint;

static const struct nfp_plugin *const plugins[] = {
	&nfp_filter_printpkt, &nfp_output_logemu, &nfp_output_oprint,
	&nfp_output_gprint, NULL
};

static char dir[4096];
static char host[256];

/* A UDP datagram 10.9.0.1:5353 -> 10.9.0.2:53, "hello". */
static const uint8_t udp[] = {
	0x45, 0x00, 0x00, 0x21, 0x12, 0x34, 0x00, 0x00,
	0x40, 0x11, 0x00, 0x00, 0x0a, 0x09, 0x00, 0x01, 0x0a, 0x09, 0x00, 0x02,
	0x14, 0xe9, 0x00, 0x35, 0x00, 0x0d, 0x00, 0x00,
	'h', 'e', 'l', 'l', 'o',
};

/* PRINTPKT format=kernel for it, sent by this host out of eth0. */
#define UDP_LINE "OUT IN= OUT=eth0 SRC=10.9.0.1 DST=10.9.0.2 LEN=33 " \
	"TOS=0x00 PREC=0x00 TTL=64 ID=4660 PROTO=UDP SPT=5353 DPT=53 LEN=13 "

static struct nfpt_pkt udp_pkt(void)
{
	struct nfpt_pkt p = {
		.family = AF_INET, .data = udp, .len = sizeof(udp),
		.prefix = "OUT ", .hook = 3, .indev = "", .outdev = "eth0",
		.sec = 1000000000, .usec = 123,	/* 2001-09-09 01:46:40 UTC */
	};
	return p;
}

static const char *path_of(const char *name)
{
	static char p[4][4096 + 64];
	static unsigned int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
	return p[i];
}

static struct nfpt *logemu_stack(const char *file, const char *extra)
{
	char conf[8192];

	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:PKTIN,pp:PRINTPKT,emu:LOGEMU\n"
		 "[pp]\nformat=kernel\n[emu]\nfile=%s\n%s",
		 path_of(file), extra);
	return nfpt_new(conf, plugins);
}

static void set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

static void test_logemu_frames(void)
{
	struct nfpt_pkt p = udp_pkt();
	struct nfpt *t;
	char want[1024];
	char *got;

	/* ctime()'s layout: the day of month padded with a space. */
	set_tz("UTC");
	t = logemu_stack("ulogd.log", "");
	nfpt_feed(t, "in", &p);
	snprintf(want, sizeof(want), "Sep  9 01:46:40 %s " UDP_LINE "\n", host);
	got = nfpt_slurp(path_of("ulogd.log"));
	is_str(got, want, "logemu: ulogd frame, packet time, short host name");
	is_int((int64_t)nfpt_counter(t, "emu", "lines"), 1, "logemu: lines counted");
	is_int((int64_t)nfpt_counter(t, "emu", "bytes"), (int64_t)strlen(want),
	       "logemu: bytes counted");
	is_int((int64_t)nfpt_counter(t, "emu", "writes"), 1, "logemu: one write");
	free(got);
	nfpt_free(t);

	/* POSIX TZ "NFP-02:30" is 2 h 30 min east of UTC. */
	set_tz("NFP-02:30");
	t = logemu_stack("rfc3339.log", "framing=rfc3339\n");
	nfpt_feed(t, "in", &p);
	p.sec = 0;	/* the epoch: 1970-01-01T02:30:00+02:30 */
	p.usec = 999999;
	nfpt_feed(t, "in", &p);
	snprintf(want, sizeof(want),
		 "2001-09-09T04:16:40.000123+02:30 %s " UDP_LINE "\n"
		 "1970-01-01T02:30:00.999999+02:30 %s " UDP_LINE "\n",
		 host, host);
	got = nfpt_slurp(path_of("rfc3339.log"));
	is_str(got, want, "logemu: rfc3339 frame with the UTC offset");
	free(got);
	nfpt_free(t);

	set_tz("UTC+5");	/* west of UTC: a negative offset */
	t = logemu_stack("west.log", "framing=rfc3339\n");
	p = udp_pkt();
	nfpt_feed(t, "in", &p);
	snprintf(want, sizeof(want),
		 "2001-09-08T20:46:40.000123-05:00 %s " UDP_LINE "\n", host);
	got = nfpt_slurp(path_of("west.log"));
	is_str(got, want, "logemu: rfc3339 west of UTC");
	free(got);
	nfpt_free(t);

	/* What syslog writes for the kernel's own lines: psad reads these. */
	set_tz("UTC");
	t = logemu_stack("kernel.log", "framing=kernel\n");
	nfpt_feed(t, "in", &p);
	snprintf(want, sizeof(want), "Sep  9 01:46:40 %s kernel: " UDP_LINE "\n",
		 host);
	got = nfpt_slurp(path_of("kernel.log"));
	is_str(got, want, "logemu: kernel frame, syslog's kernel: tag");
	free(got);
	nfpt_free(t);

	t = logemu_stack("none.log", "framing=none\nsync=1\n");
	nfpt_feed(t, "in", &p);
	got = nfpt_slurp(path_of("none.log"));
	is_str(got, UDP_LINE "\n", "logemu: no frame (and sync=1 works)");
	free(got);
	nfpt_free(t);
	set_tz("UTC");
}

/* Three stacks end in the same LOGEMU: one record, three lines, one write. */
static void test_logemu_batch(void)
{
	struct nfpt_pkt p = udp_pkt();
	struct nfpt *t;
	char conf[8192];
	char *got;

	snprintf(conf, sizeof(conf),
		 "[global]\n"
		 "stack=in:PKTIN,pp1:PRINTPKT,emu:LOGEMU\n"
		 "stack=in:PKTIN,pp2:PRINTPKT,emu:LOGEMU\n"
		 "stack=in:PKTIN,pp3:PRINTPKT,emu:LOGEMU\n"
		 "[pp1]\nformat=kernel\n[pp2]\nformat=kernel\n"
		 "[pp3]\nformat=kernel\n"
		 "[emu]\nfile=%s\nframing=none\n", path_of("batch.log"));
	t = nfpt_new(conf, plugins);
	nfpt_feed(t, "in", &p);
	is_int((int64_t)nfpt_counter(t, "emu", "lines"), 3, "batch: three lines");
	is_int((int64_t)nfpt_counter(t, "emu", "writes"), 1, "batch: one write(2)");
	nfpt_feed(t, "in", &p);
	is_int((int64_t)nfpt_counter(t, "emu", "writes"), 2,
	       "batch: one more write(2) for the next batch");
	got = nfpt_slurp(path_of("batch.log"));
	is_str(got, UDP_LINE "\n" UDP_LINE "\n" UDP_LINE "\n"
	       UDP_LINE "\n" UDP_LINE "\n" UDP_LINE "\n",
	       "batch: the file has all six lines");
	free(got);
	nfpt_free(t);
}

/*
 * A record made by hand for calling LOGEMU's callbacks directly, so that
 * lines can be buffered across a reopen as they are between wakeups.
 */
struct hand_rec {
	struct nfp_rec rec;	/* what the plugin sees */
	struct nfp_value slot;	/* the print key */
	uint64_t valid;		/* slot 0 valid */
	int32_t in_map[3];	/* print -> 0, time keys unbound */
};

static void hand_rec_init(struct hand_rec *h, const char *line)
{
	memset(h, 0, sizeof(*h));
	h->slot.str.ptr = line;
	h->slot.str.len = (uint32_t)strlen(line);
	h->valid = 1;
	h->in_map[0] = 0;
	h->in_map[1] = -1;
	h->in_map[2] = -1;
	h->rec.slots = &h->slot;
	h->rec.valid = &h->valid;
	h->rec.in_map = h->in_map;
	h->rec.nslots = 1;
	h->rec.nvalid = 1;
}

static void test_logemu_reopen(void)
{
	struct hand_rec h1, h2, h3;
	struct nfp_inst *emu;
	struct nfpt *t;
	struct stat st;
	char *got;
	mode_t old = umask(0);	/* show the mode LOGEMU asks for */

	t = logemu_stack("rot.log", "framing=none\n");
	emu = nfpt_inst(t, "emu");
	ok(stat(path_of("rot.log"), &st) == 0 && (st.st_mode & 0777) == 0640,
	   "reopen: file created 0640 (got %o)", (unsigned int)(st.st_mode & 0777));
	umask(old);

	hand_rec_init(&h1, "one");
	hand_rec_init(&h2, "two");
	hand_rec_init(&h3, "three");
	emu->plugin->process(emu, &h1.rec);
	emu->plugin->flush(emu);
	emu->plugin->process(emu, &h2.rec);	/* buffered, not written */
	/* logrotate: rename, then SIGHUP */
	ok(rename(path_of("rot.log"), path_of("rot.log.1")) == 0,
	   "reopen: rename");
	emu->plugin->reopen(emu);
	emu->plugin->process(emu, &h3.rec);
	emu->plugin->flush(emu);

	got = nfpt_slurp(path_of("rot.log.1"));
	is_str(got, "one\ntwo\n", "reopen: the old file got what was buffered");
	free(got);
	got = nfpt_slurp(path_of("rot.log"));
	is_str(got, "three\n", "reopen: the new file gets what follows");
	free(got);
	is_int((int64_t)nfpt_counter(t, "emu", "lines"), 3, "reopen: no line lost");

	/* A print that already ends in a newline (ulogd2 style) gets no second. */
	hand_rec_init(&h1, "four\n");
	emu->plugin->process(emu, &h1.rec);
	emu->plugin->flush(emu);
	got = nfpt_slurp(path_of("rot.log"));
	is_str(got, "three\nfour\n", "logemu: no doubled newline");
	free(got);
	nfpt_free(t);
}

/* Past 1 MiB a batch is written early instead of growing without bound. */
static void test_logemu_big_batch(void)
{
	static char line[101];
	struct hand_rec h;
	struct nfp_inst *emu;
	struct nfpt *t;
	struct stat st;
	uint64_t w;
	int i;

	memset(line, 'x', 100);
	t = logemu_stack("big.log", "framing=none\n");
	emu = nfpt_inst(t, "emu");
	hand_rec_init(&h, line);
	for (i = 0; i < 30000; i++)	/* 30000 * 101 bytes: about 3 MiB */
		emu->plugin->process(emu, &h.rec);
	w = nfpt_counter(t, "emu", "writes");
	ok(w >= 2 && w <= 3, "big batch: written early (%llu writes)",
	   (unsigned long long)w);
	emu->plugin->flush(emu);
	ok(stat(path_of("big.log"), &st) == 0 && st.st_size == 30000 * 101,
	   "big batch: every byte in the file");
	nfpt_free(t);
}

static void test_logemu_errors(void)
{
	struct nfpt_pkt p = udp_pkt();
	struct nfpt *t;
	char buf[4096];

	/* A full disk: counted and survived. */
	if (access("/dev/full", W_OK) < 0) {
		diag("no /dev/full here: %s", strerror(errno));
		goto config;
	}
	t = nfpt_new("[global]\nstack=in:PKTIN,pp:PRINTPKT,emu:LOGEMU\n"
		     "[pp]\nformat=kernel\n[emu]\nfile=/dev/full\n", plugins);
	nfpt_feed(t, "in", &p);
	nfpt_feed(t, "in", &p);
	is_int((int64_t)nfpt_counter(t, "emu", "write_errors"), 2,
	       "/dev/full: each lost batch counted");
	is_int((int64_t)nfpt_counter(t, "emu", "lines"), 2,
	       "/dev/full: the daemon goes on");
	nfpt_free(t);
config:
	is_int(nfpt_check("[global]\nstack=in:PKTIN,pp:PRINTPKT,emu:LOGEMU\n"
			  "[pp]\nformat=kernel\n[emu]\nframing=iso\n",
			  plugins, buf, sizeof(buf)) > 0, 1,
	       "framing=iso is a config error");
	is_int(nfpt_check("[global]\nstack=in:PKTIN,emu:LOGEMU\n",
			  plugins, buf, sizeof(buf)) > 0, 1,
	       "LOGEMU without print is a config error");
	like(buf, "print", "... naming the key");
}

/* The keys PKTIN sets for gprint_pkt(), in PKTIN's order. */
static const uint8_t tiny[] = { 0x45, 0x00, 0x00, 0x14 };

static struct nfpt_pkt gprint_pkt(void)
{
	struct nfpt_pkt p = {
		.family = AF_INET, .data = tiny, .len = sizeof(tiny),
		.prefix = "a,b=c\\d\ne\x01", .hook = 1, .mark = 42,
		.ifindex_in = 3, .indev = "eth0",
		.sec = 1000000000, .usec = 5,
	};
	return p;
}

static void test_gprint(void)
{
	struct nfpt_pkt p = gprint_pkt();
	struct nfpt *t;
	char conf[8192];
	const char *tail;
	char *got;

	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:PKTIN,g:GPRINT\n[g]\nfile=%s\n",
		 path_of("gprint.log"));
	t = nfpt_new(conf, plugins);
	nfpt_feed(t, "in", &p);
	got = nfpt_slurp(path_of("gprint.log"));
	/* raw.pkt is raw bytes: left out, as ulogd2 leaves it out. */
	is_str(got, "raw.pktlen=4,raw.pktcount=1,raw.type=1,"
	       "oob.prefix=a\\,b\\=c\\\\d\\ne\\x01,oob.time.sec=1000000000,"
	       "oob.time.usec=5,oob.mark=42,oob.ifindex_in=3,oob.hook=1,"
	       "oob.family=2,oob.protocol=2048,oob.in=eth0\n",
	       "gprint: one line, specials escaped");
	is_int((int64_t)nfpt_counter(t, "g", "writes"), 1, "gprint: one write");
	free(got);
	nfpt_free(t);

	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:PKTIN,g:GPRINT\n[g]\nfile=%s\ntimestamp=1\n",
		 path_of("gprint_ts.log"));
	t = nfpt_new(conf, plugins);
	p.prefix = "x";
	nfpt_feed(t, "in", &p);
	got = nfpt_slurp(path_of("gprint_ts.log"));
	/* timestamp=YYYY/MM/DD-hh:mm:ss, of the time of writing */
	ok(strlen(got) > 30 && !strncmp(got, "timestamp=", 10) &&
	   got[14] == '/' && got[17] == '/' && got[20] == '-' &&
	   got[23] == ':' && got[26] == ':' && got[29] == ',',
	   "gprint: timestamp= first");
	tail = strlen(got) > 30 ? got + 30 : "";
	is_str(tail, "raw.pktlen=4,raw.pktcount=1,raw.type=1,oob.prefix=x,"
	       "oob.time.sec=1000000000,oob.time.usec=5,oob.mark=42,"
	       "oob.ifindex_in=3,oob.hook=1,oob.family=2,oob.protocol=2048,"
	       "oob.in=eth0\n", "gprint: ... then the keys");
	free(got);
	nfpt_free(t);
}

static void test_oprint(void)
{
	struct nfpt_pkt p = gprint_pkt();
	struct nfpt *t;
	char conf[8192];
	char *got;

	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:PKTIN,o:OPRINT\n[o]\nfile=%s\n",
		 path_of("oprint.log"));
	t = nfpt_new(conf, plugins);
	nfpt_feed(t, "in", &p);
	p.prefix = NULL;
	p.indev = NULL;
	p.ifindex_in = 0;
	nfpt_feed(t, "in", &p);
	got = nfpt_slurp(path_of("oprint.log"));
	is_str(got,
	       "===>PACKET BOUNDARY\n"
	       "raw.pkt=45:00:00:14\n"
	       "raw.pktlen=4\n"
	       "raw.pktcount=1\n"
	       "raw.type=1\n"
	       "oob.prefix=a,b=c\\\\d\\ne\\x01\n"
	       "oob.time.sec=1000000000\n"
	       "oob.time.usec=5\n"
	       "oob.mark=42\n"
	       "oob.ifindex_in=3\n"
	       "oob.hook=1\n"
	       "oob.family=2\n"
	       "oob.protocol=2048\n"
	       "oob.in=eth0\n"
	       "===>PACKET BOUNDARY\n"
	       "raw.pkt=45:00:00:14\n"
	       "raw.pktlen=4\n"
	       "raw.pktcount=1\n"
	       "raw.type=1\n"
	       "oob.time.sec=1000000000\n"
	       "oob.time.usec=5\n"
	       "oob.mark=42\n"
	       "oob.hook=1\n"
	       "oob.family=2\n"
	       "oob.protocol=2048\n",
	       "oprint: boundary, then key=value lines of the keys set");
	is_int((int64_t)nfpt_counter(t, "o", "lines"), 2, "oprint: two records");
	free(got);
	nfpt_free(t);
}

static void cleanup(void)
{
	static const char *const files[] = {
		"ulogd.log", "rfc3339.log", "west.log", "none.log", "batch.log",
		"kernel.log",
		"rot.log", "rot.log.1", "big.log", "gprint.log",
		"gprint_ts.log", "oprint.log", NULL,
	};
	unsigned int i;

	for (i = 0; files[i]; i++)
		unlink(path_of(files[i]));
	rmdir(dir);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dot;

	snprintf(dir, sizeof(dir), "%s/nfpt-outputs-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		bail_out("mkdtemp: %s", strerror(errno));
	if (gethostname(host, sizeof(host)) < 0)
		bail_out("gethostname: %s", strerror(errno));
	host[sizeof(host) - 1] = '\0';
	dot = strchr(host, '.');
	if (dot)
		*dot = '\0';

	test_logemu_frames();
	test_logemu_batch();
	test_logemu_reopen();
	test_logemu_big_batch();
	test_logemu_errors();
	test_gprint();
	test_oprint();
	cleanup();
	return done_testing();
}
