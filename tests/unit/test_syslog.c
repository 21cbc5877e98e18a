/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_syslog - SYSLOG sends what glibc's syslog(3) would
 *
 * The names (ulogd2's and <syslog.h>'s), the RFC 3164 line for a known time
 * in a fixed zone, byte for byte, and the real engine (PKTIN -> PRINTPKT ->
 * SYSLOG) sending to a UNIX datagram socket of the test's own (never the
 * machine's /dev/log): the priority worked out from the RFC (facility * 8
 * + severity), the "ident[pid]: " tag and PRINTPKT's line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "tap.h"
#include "../../plugins/output/syslog/slfmt.h"

extern const struct nfp_plugin nfp_filter_printpkt;
extern const struct nfp_plugin nfp_output_syslog;

static const struct nfp_plugin *const plugins[] = {
	&nfp_filter_printpkt, &nfp_output_syslog, NULL
};

/* A UDP datagram 10.9.0.1:5353 -> 10.9.0.2:53, "hello". */
static const uint8_t udp[] = {
	0x45, 0x00, 0x00, 0x21, 0x12, 0x34, 0x00, 0x00,
	0x40, 0x11, 0x00, 0x00, 0x0a, 0x09, 0x00, 0x01, 0x0a, 0x09, 0x00, 0x02,
	0x14, 0xe9, 0x00, 0x35, 0x00, 0x0d, 0x00, 0x00,
	'h', 'e', 'l', 'l', 'o',
};

#define UDP_LINE "OUT IN= OUT=eth0 SRC=10.9.0.1 DST=10.9.0.2 LEN=33 " \
	"TOS=0x00 PREC=0x00 TTL=64 ID=4660 PROTO=UDP SPT=5353 DPT=53 LEN=13 "

static void test_names(void)
{
	is_int(sl_facility("LOG_LOCAL3"), LOG_LOCAL3, "facility LOG_LOCAL3");
	is_int(sl_facility("daemon"), LOG_DAEMON, "facility daemon");
	is_int(sl_facility("LOG_KERNEL"), LOG_KERN, "ulogd2's LOG_KERNEL");
	is_int(sl_facility("LOG_BOGUS"), -1, "unknown facility");
	is_int(sl_level("LOG_DEBUG"), 7, "level LOG_DEBUG is 7");
	is_int(sl_level("LOG_NOTICE"), 5, "level LOG_NOTICE is 5");
	is_int(sl_level("loud"), -1, "unknown level");
}

static void test_format(void)
{
	struct sl_time tc = { 0 };
	char buf[256];
	uint32_t n;

	/* 2001-09-09 01:46:40 UTC is 07:16:40 at +05:30; local4.info is
	 * 20 * 8 + 6 = 166. */
	n = sl_format(&tc, buf, LOG_LOCAL4 | LOG_INFO, 1000000000,
		      "nfpiped[42]: ", 13, "hello", 5);
	buf[n] = 0;
	is_str(buf, "<166>Sep  9 07:16:40 nfpiped[42]: hello",
	       "RFC 3164 line, day padded with a space");
	n = sl_format(&tc, buf, LOG_LOCAL4 | LOG_INFO, 1000000000 + 86400 * 3,
		      "x: ", 3, "y", 1);
	buf[n] = 0;
	is_str(buf, "<166>Sep 12 07:16:40 x: y", "two-digit day");
}

static int receiver(struct sockaddr_un *un, const char *dir)
{
	int s = socket(AF_UNIX, SOCK_DGRAM, 0);

	un->sun_family = AF_UNIX;
	snprintf(un->sun_path, sizeof(un->sun_path), "%s/log", dir);
	if (s < 0 || bind(s, (struct sockaddr *)un, sizeof(*un)) < 0)
		bail_out("receiver: %s", strerror(errno));
	return s;
}

static void test_engine(const char *dir)
{
	struct nfpt_pkt p = {
		.family = AF_INET, .data = udp, .len = sizeof(udp),
		.prefix = "OUT ", .hook = 3, .indev = "", .outdev = "eth0",
		.sec = 1000000000, .usec = 123,
	};
	struct sockaddr_un un;
	char conf[8192], buf[4096], want[512];
	struct nfpt *t;
	ssize_t n;
	int s = receiver(&un, dir);

	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:PKTIN,pp:PRINTPKT,sl:SYSLOG\n"
		 "[pp]\nformat=kernel\n"
		 "[sl]\nsocket=%s\nfacility=LOG_LOCAL3\nlevel=LOG_WARNING\n",
		 un.sun_path);
	t = nfpt_new(conf, plugins);
	nfpt_feed(t, "in", &p);
	n = recv(s, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	buf[n > 0 ? n : 0] = 0;
	/* local3 = 19, warning = 4: 19 * 8 + 4 = 156. */
	ok(!strncmp(buf, "<156>", 5), "priority <156> for local3.warning");
	ok(n > 21 && buf[8] == ' ' && buf[11] == ' ' && buf[14] == ':' &&
	   buf[17] == ':' && buf[20] == ' ', "Mmm dd hh:mm:ss layout");
	snprintf(want, sizeof(want), "nfpiped[%d]: " UDP_LINE, (int)getpid());
	is_str(n > 21 ? buf + 21 : "", want, "tag and PRINTPKT's line");
	nfpt_free(t);

	/* The default: ulogd2's LOG_KERN, sent as daemon as glibc does;
	 * notice = 5: 3 * 8 + 5 = 29. ident=ulogd. */
	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:PKTIN,pp:PRINTPKT,sl:SYSLOG\n"
		 "[pp]\nformat=kernel\n[sl]\nsocket=%s\nident=ulogd\n",
		 un.sun_path);
	t = nfpt_new(conf, plugins);
	nfpt_feed(t, "in", &p);
	nfpt_feed(t, "in", &p);
	n = recv(s, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	buf[n > 0 ? n : 0] = 0;
	ok(!strncmp(buf, "<29>", 4), "default priority <29> (daemon.notice)");
	snprintf(want, sizeof(want), "ulogd[%d]: ", (int)getpid());
	ok(n > 20 && !strncmp(buf + 20, want, strlen(want)), "ident=ulogd");
	n = recv(s, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	ok(n > 0, "a datagram a line");
	nfpt_free(t);
	close(s);

	/* No logger: not fatal, lines counted as not sent. */
	unlink(un.sun_path);
	t = nfpt_new(conf, plugins);
	nfpt_feed(t, "in", &p);
	ok(1, "no logger listening: the daemon goes on");
	nfpt_free(t);

	is_int(nfpt_check("[global]\nstack=in:PKTIN,pp:PRINTPKT,sl:SYSLOG\n"
			  "[sl]\nfacility=LOG_NOPE\n", plugins, buf,
			  sizeof(buf)) > 0, 1, "unknown facility: config error");
}

int main(void)
{
	char tmpl[] = "/tmp/nfpt-syslog.XXXXXX";

	if (!mkdtemp(tmpl))
		bail_out("mkdtemp");
	setenv("TZ", "<+0530>-5:30", 1);
	tzset();
	test_names();
	test_format();
	test_engine(tmpl);
	{
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpl);
		if (system(cmd) != 0)
			diag("could not remove %s", tmpl);
	}
	return done_testing();
}
