/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_json - JSON writes the objects worked out by hand
 *
 * Runs the real engine (PKTIN -> JSON, PKTIN -> BASE -> JSON) into files
 * and sockets and compares with lines written by hand from the packet: an
 * RFC 3339 time in a fixed +05:30 zone, the escaping of control characters
 * and of invalid UTF-8, numbers bare, addresses as strings, ECS names, one
 * write(2) per batch, and the unix and udp modes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "tap.h"
#include "../../plugins/output/json/json.h"

extern const struct nfp_plugin nfp_filter_base;
extern const struct nfp_plugin nfp_output_json;

static const struct nfp_plugin *const plugins[] = {
	&nfp_filter_base, &nfp_output_json, NULL
};

static char dir[1024];

/* A UDP datagram 10.9.0.1:5353 -> 10.9.0.2:53, "hello" (33 bytes). */
static const uint8_t udp[] = {
	0x45, 0x00, 0x00, 0x21, 0x12, 0x34, 0x00, 0x00,
	0x40, 0x11, 0x00, 0x00, 0x0a, 0x09, 0x00, 0x01, 0x0a, 0x09, 0x00, 0x02,
	0x14, 0xe9, 0x00, 0x35, 0x00, 0x0d, 0x00, 0x00,
	'h', 'e', 'l', 'l', 'o',
};

/* Quote, backslash, newline, SOH, DEL, é, a stray 0xff, a cut-off euro
 * sign, a UTF-16 surrogate, and an emoji. */
static const char nasty[] = "a\"b\\c\nd\x01\x7f\xc3\xa9\xff\xe2\x82x"
			    "\xed\xa0\x80\xf0\x9f\x98\x80";
#define NASTY_JSON "\"a\\\"b\\\\c\\nd\\u0001\\u007f\xc3\xa9\\ufffd" \
	"\\ufffd\\ufffdx\\ufffd\\ufffd\\ufffd\xf0\x9f\x98\x80\""

static struct nfpt_pkt udp_pkt(const char *prefix)
{
	struct nfpt_pkt p = {
		.family = AF_INET, .data = udp, .len = sizeof(udp),
		.prefix = prefix, .hook = 3, .indev = "", .outdev = "eth0",
		.sec = 1000000000, .usec = 123,	/* 2001-09-09 01:46:40 UTC */
	};
	return p;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return strdup("(missing)");
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n)
		buf[0] = '\0';
	fclose(f);
	return buf;
}

static uint64_t counter(struct nfpt *t, const char *inst, const char *name)
{
	struct nfp_inst *i = nfpt_inst(t, inst);
	unsigned int k;

	for (k = 0; i->plugin->counters[k]; k++)
		if (!strcmp(i->plugin->counters[k], name))
			return i->ctr[k];
	return (uint64_t)-1;
}

/* The whole line for udp_pkt(prefix) through PKTIN alone, by hand. */
#define LINE_HEAD "{\"timestamp\":\"2001-09-09T07:16:40.000123+05:30\"," \
	"\"dvc\":\"Netfilter\",\"raw.pktlen\":33,\"raw.pktcount\":1," \
	"\"raw.type\":1,\"oob.prefix\":"
#define LINE_TAIL ",\"oob.time.sec\":1000000000,\"oob.time.usec\":123," \
	"\"oob.mark\":0,\"oob.hook\":3,\"oob.family\":2," \
	"\"oob.protocol\":2048,\"oob.in\":\"\",\"oob.out\":\"eth0\"}\n"

static void test_encoder(void)
{
	struct json_time tc = { 0 };
	char buf[256], *e;

	e = json_str(buf, nasty, sizeof(nasty) - 1);
	*e = 0;
	is_str(buf, NASTY_JSON, "json_str: escapes and U+FFFD per bad byte");
	e = json_str(buf, "\b\f\r\t\x1f", 5);
	*e = 0;
	is_str(buf, "\"\\b\\f\\r\\t\\u001f\"", "json_str: short escapes");
	e = json_u64(buf, UINT64_MAX);
	*e = 0;
	is_str(buf, "18446744073709551615", "json_u64: largest value");
	e = json_time(&tc, buf, 1000000000, -1);
	*e = 0;
	is_str(buf, "\"2001-09-09T07:16:40+05:30\"", "json_time: no fraction");
	e = json_time(&tc, buf, 1000000001, 999999);
	*e = 0;
	is_str(buf, "\"2001-09-09T07:16:41.999999+05:30\"",
	       "json_time: next second, microseconds");
	is_str(json_ecs_name("udp.dport"), "destination.port",
	       "ECS: udp.dport");
	ok(json_ecs_name("oob.mark") == NULL, "ECS: oob.mark keeps its name");
	is_str(json_transport(58), "ipv6-icmp", "ECS: transport 58");
}

static void test_file(void)
{
	struct nfpt_pkt p = udp_pkt(nasty);
	char conf[8192], path[1200], *got;
	struct nfpt *t;

	snprintf(path, sizeof(path), "%s/a.json", dir);
	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:PKTIN,j:JSON\n[j]\nfile=%s\n", path);
	t = nfpt_new(conf, plugins);
	nfpt_feed(t, "in", &p);
	nfpt_free(t);
	got = slurp(path);
	is_str(got, LINE_HEAD NASTY_JSON LINE_TAIL,
	       "file: the object worked out by hand");
	free(got);
}

static void test_options(void)
{
	struct nfpt_pkt p = udp_pkt("x");
	char conf[8192], path[1200], *got;
	struct nfpt *t;

	snprintf(path, sizeof(path), "%s/b.json", dir);
	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:PKTIN,j:JSON\n[j]\nfile=%s\n"
		 "eventv1=1\ndevice=\"gw\\\"1\"\n", path);
	t = nfpt_new(conf, plugins);
	nfpt_feed(t, "in", &p);
	nfpt_free(t);
	got = slurp(path);
	like(got, "{\"@version\":1,\"@timestamp\":\"2001-09-09T07:16:40"
		  ".000123+05:30\",\"dvc\":\"gw",
	     "eventv1: @version and @timestamp first");
	free(got);

	snprintf(path, sizeof(path), "%s/c.json", dir);
	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:PKTIN,j:JSON\n[j]\nfile=%s\n"
		 "timestamp=0\nraw=1\n", path);
	t = nfpt_new(conf, plugins);
	nfpt_feed(t, "in", &p);
	nfpt_free(t);
	got = slurp(path);
	like(got, "{\"dvc\":\"Netfilter\",\"raw.pkt\":\"450000211234000040"
		  "1100000a0900010a09000214e90035000d000068656c6c6f\",",
	     "timestamp=0 leaves it out; raw=1 writes raw.pkt in hex");
	free(got);
}

static void test_base_ecs(void)
{
	struct nfpt_pkt p = udp_pkt("DROP");
	char conf[8192], path[1200], *got;
	struct nfpt *t;

	snprintf(path, sizeof(path), "%s/d.json", dir);
	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:PKTIN,b:BASE,j:JSON\n"
		 "stack=in:PKTIN,j2:JSON\n"
		 "[j]\nfile=%s\n[j2]\nfile=%s.2\n", path, path);
	t = nfpt_new(conf, plugins);
	nfpt_feed(t, "in", &p);
	nfpt_free(t);
	got = slurp(path);
	like(got, ",\"ip.saddr\":\"10.9.0.1\",\"ip.daddr\":\"10.9.0.2\",",
	     "ulogd names: addresses as strings");
	like(got, ",\"ip.protocol\":17,", "ulogd names: protocol a number");
	like(got, ",\"udp.sport\":5353,\"udp.dport\":53,",
	     "ulogd names: ports numbers");
	free(got);

	snprintf(path, sizeof(path), "%s/e.json", dir);
	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:PKTIN,b:BASE,j:JSON\n"
		 "[j]\nfile=%s\nfields=ecs\n", path);
	t = nfpt_new(conf, plugins);
	nfpt_feed(t, "in", &p);
	nfpt_free(t);
	got = slurp(path);
	like(got, "{\"@timestamp\":\"2001-09-09T07:16:40.000123+05:30\","
		  "\"observer.product\":\"Netfilter\",",
	     "ECS: @timestamp and observer.product first");
	like(got, ",\"event.action\":\"DROP\",", "ECS: prefix is event.action");
	like(got, ",\"source.ip\":\"10.9.0.1\",\"destination.ip\":\"10.9.0.2\",",
	     "ECS: source.ip, destination.ip");
	like(got, ",\"network.iana_number\":17,\"network.transport\":\"udp\",",
	     "ECS: network.iana_number and network.transport");
	like(got, ",\"source.port\":5353,\"destination.port\":53,",
	     "ECS: source.port, destination.port");
	like(got, ",\"network.type\":\"ipv4\",", "ECS: network.type");
	like(got, ",\"observer.egress.interface.name\":\"eth0\"",
	     "ECS: egress interface");
	ok(!strstr(got, "oob.time.sec"), "ECS: time only in @timestamp");
	free(got);
}

static void test_batch(void)
{
	struct nfpt_pkt p = udp_pkt("B");
	char conf[8192], path[1200], *got, *nl;
	struct nfpt *t;
	int lines = 0;

	snprintf(path, sizeof(path), "%s/f.json", dir);
	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:PKTIN,b:BASE,j:JSON\n"
		 "stack=in:PKTIN,j:JSON\n[j]\nfile=%s\n", path);
	t = nfpt_new(conf, plugins);
	nfpt_feed(t, "in", &p);
	is_int((int64_t)counter(t, "j", "lines"), 2, "batch: two objects");
	is_int((int64_t)counter(t, "j", "writes"), 1, "batch: one write(2)");
	nfpt_feed(t, "in", &p);
	nfpt_free(t);
	got = slurp(path);
	for (nl = got; (nl = strchr(nl, '\n')); nl++)
		lines++;
	is_int(lines, 4, "batch: one line an object, two stack positions");
	free(got);
}

static void test_unix(void)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	struct nfpt_pkt p = udp_pkt(nasty);
	char conf[8192], buf[4096];
	struct nfpt *t;
	int ls, cs;
	ssize_t n;

	snprintf(un.sun_path, sizeof(un.sun_path), "%.90s/s", dir);
	ls = socket(AF_UNIX, SOCK_STREAM, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&un, sizeof(un)) < 0 ||
	    listen(ls, 4) < 0)
		bail_out("unix listener: %s", strerror(errno));
	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:PKTIN,j:JSON\n[j]\nmode=unix\nfile=%s\n",
		 un.sun_path);
	t = nfpt_new(conf, plugins);
	cs = accept(ls, NULL, NULL);
	nfpt_feed(t, "in", &p);
	n = recv(cs, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = 0;
	is_str(buf, LINE_HEAD NASTY_JSON LINE_TAIL, "unix: the same line");
	nfpt_free(t);
	close(cs);
	close(ls);
}

static void test_udp(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct nfpt_pkt p = udp_pkt(nasty);
	socklen_t len = sizeof(sin);
	char conf[8192], buf[4096];
	struct nfpt *t;
	ssize_t n;
	int s;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    getsockname(s, (struct sockaddr *)&sin, &len) < 0)
		bail_out("udp receiver: %s", strerror(errno));
	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:PKTIN,j:JSON\n[j]\nmode=udp\n"
		 "host=127.0.0.1\nport=%u\n", ntohs(sin.sin_port));
	t = nfpt_new(conf, plugins);
	nfpt_feed(t, "in", &p);
	nfpt_feed(t, "in", &p);
	n = recv(s, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = 0;
	is_str(buf, LINE_HEAD NASTY_JSON LINE_TAIL,
	       "udp: one datagram an object");
	n = recv(s, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	ok(n > 0, "udp: the second datagram");
	is_int((int64_t)counter(t, "j", "sent"), 2, "udp: sent counts 2");
	nfpt_free(t);
	close(s);
}

int main(void)
{
	char tmpl[] = "/tmp/nfpt-json.XXXXXX";

	if (!mkdtemp(tmpl))
		bail_out("mkdtemp");
	snprintf(dir, sizeof(dir), "%s", tmpl);
	setenv("TZ", "<+0530>-5:30", 1);
	tzset();
	test_encoder();
	test_file();
	test_options();
	test_base_ecs();
	test_batch();
	test_unix();
	test_udp();
	if (!getenv("NFPT_KEEP")) {
		char cmd[1200];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			diag("could not remove %s", dir);
	}
	return done_testing();
}
