/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/geoip_probe - GEOIP's answers for addresses read from stdin
 *
 * A helper of tests/geoip.sh, not a test itself: runs PKTIN -> BASE ->
 * GEOIP -> CAPTURE with the GEOIP options given as arguments (one
 * "key=value" each), feeds one packet per address read from stdin (source
 * the address, destination 10.0.0.1, which must stay unset) and prints
 * "ADDR CC ASN FLAGS|ASNAME" a line, "-" for what is unset. A line "HUP"
 * on stdin calls the reopen callback (SIGHUP), "RENAME A B" renames a file
 * (a database replaced, in order with the look-ups). Exit 1 when the
 * config is refused (the errors on stderr), 2 when the destination got a
 * value, 3 when a rename failed.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "harness.h"

extern const struct nfp_plugin nfp_filter_base, nfp_filter_geoip;

static const struct nfp_plugin *const plugins[] = { &nfp_filter_base,
						    &nfp_filter_geoip, NULL };

static const char *or_dash(const char *s)
{
	return s ? s : "-";
}

int main(int argc, char **argv)
{
	char conf[4096], line[256], buf[4096];
	size_t n;
	struct nfpt *t;
	int i, ret = 0;

	n = (size_t)snprintf(conf, sizeof(conf),
			     "[global]\nstack=in:PKTIN,base:BASE,geo:GEOIP,"
			     "cap:CAPTURE\n[geo]\n");
	for (i = 1; i < argc && n < sizeof(conf); i++)
		n += (size_t)snprintf(conf + n, sizeof(conf) - n, "%s\n",
				      argv[i]);
	if (nfpt_check(conf, plugins, buf, sizeof(buf))) {
		fputs(buf, stderr);
		return 1;
	}
	t = nfpt_new(conf, plugins);
	while (fgets(line, sizeof(line), stdin)) {
		uint8_t p[40] = { 0 };
		struct nfpt_pkt pkt = { 0 };

		line[strcspn(line, "\r\n")] = '\0';
		if (!strncmp(line, "RENAME ", 7)) {
			char *to = strchr(line + 7, ' ');

			if (!to || (*to++ = '\0', rename(line + 7, to)))
				return 3;
			continue;
		}
		if (!strcmp(line, "HUP")) {
			struct nfp_inst *g = nfpt_inst(t, "geo");

			g->plugin->reopen(g);
			continue;
		}
		if (inet_pton(AF_INET, line, p + 12) == 1) {
			p[0] = 0x45;
			p[3] = 20;
			p[8] = 64;
			p[9] = 59;
			inet_pton(AF_INET, "10.0.0.1", p + 16);
			pkt.family = AF_INET;
			pkt.len = 20;
		} else if (inet_pton(AF_INET6, line, p + 8) == 1) {
			p[0] = 0x60;
			p[6] = 59;
			p[7] = 64;
			inet_pton(AF_INET6, "fd00::1", p + 24);
			pkt.family = AF_INET6;
			pkt.len = 40;
		} else {
			printf("%s bad-address\n", line);
			continue;
		}
		pkt.data = p;
		nfpt_feed(t, "in", &pkt);
		printf("%s %s %s %s|%s\n", line,
		       or_dash(nfpt_get(t, "cap", "geoip.src.country")),
		       or_dash(nfpt_get(t, "cap", "geoip.src.asn")),
		       or_dash(nfpt_get(t, "cap", "geoip.src.flags")),
		       or_dash(nfpt_get(t, "cap", "geoip.src.asname")));
		if (nfpt_get(t, "cap", "geoip.dst.country") ||
		    nfpt_get(t, "cap", "geoip.dst.asn"))
			ret = 2;
	}
	nfpt_free(t);
	return ret;
}
