/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_pcapout - PCAP writes the bytes worked out by hand
 *
 * The real engine (PKTIN -> PCAP) writes a file whose every byte is
 * compared with a file written out here from the pcap format and
 * LINKTYPE_NFLOG's layout (tcpdump's pcap-savefile(5), linktypes list,
 * the kernel's nfnetlink_log.h): the file header, a raw-IP record, a record
 * cut by the copy range (original length from the IP header), an NFLOG
 * record with its TLVs, and appending to an existing file. This machine is
 * little-endian (x86, the CI's): the host-order fields are spelled so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "tap.h"

extern const struct nfp_plugin nfp_output_pcap;

static const struct nfp_plugin *const plugins[] = {
	&nfp_output_pcap, NULL
};

static const uint8_t udp[] = {
	0x45, 0x00, 0x00, 0x21, 0x12, 0x34, 0x00, 0x00,
	0x40, 0x11, 0x00, 0x00, 0x0a, 0x09, 0x00, 0x01, 0x0a, 0x09, 0x00, 0x02,
	0x14, 0xe9, 0x00, 0x35, 0x00, 0x0d, 0x00, 0x00,
	'h', 'e', 'l', 'l', 'o',
};

static const uint8_t file_hdr_raw[] = {
	0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0x00, 0x00, 0x04, 0x00,		/* snaplen 262144 */
	101, 0, 0, 0,			/* LINKTYPE_RAW */
};

/* ts 1000000000.000123, 33 captured of 33. */
static const uint8_t rec_hdr_full[] = {
	0x00, 0xca, 0x9a, 0x3b, 123, 0, 0, 0, 33, 0, 0, 0, 33, 0, 0, 0,
};

/* 28 captured of 33 (the IP total length). */
static const uint8_t rec_hdr_cut[] = {
	0x00, 0xca, 0x9a, 0x3b, 123, 0, 0, 0, 28, 0, 0, 0, 33, 0, 0, 0,
};

static const uint8_t nflog_file_and_rec[] = {
	0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0x00, 0x00, 0x04, 0x00, 239, 0, 0, 0,
	/* record header: 116 bytes of 116 */
	0x00, 0xca, 0x9a, 0x3b, 123, 0, 0, 0, 116, 0, 0, 0, 116, 0, 0, 0,
	/* AF_INET, version 0, resource id 5 (big-endian) */
	2, 0, 0x00, 0x05,
	/* NFULA_PACKET_HDR: ETH_P_IP, hook 3 */
	8, 0, 1, 0, 0x08, 0x00, 3, 0,
	/* NFULA_PREFIX "OUT " and its NUL, padded */
	9, 0, 10, 0, 'O', 'U', 'T', ' ', 0, 0, 0, 0,
	/* NFULA_TIMESTAMP: be64 seconds, be64 microseconds */
	20, 0, 3, 0, 0, 0, 0, 0, 0x3b, 0x9a, 0xca, 0x00,
	0, 0, 0, 0, 0, 0, 0, 123,
	/* NFULA_IFINDEX_OUTDEV 7 */
	8, 0, 5, 0, 0, 0, 0, 7,
	/* NFULA_MARK 0x10 */
	8, 0, 2, 0, 0, 0, 0, 0x10,
	/* NFULA_UID 1000, NFULA_GID 100 */
	8, 0, 11, 0, 0, 0, 0x03, 0xe8,
	8, 0, 14, 0, 0, 0, 0, 100,
	/* NFULA_PAYLOAD: 4 + 33 bytes, then 3 of padding */
	37, 0, 9, 0,
};

static struct nfpt_pkt pkt(size_t len)
{
	struct nfpt_pkt p = {
		.family = AF_INET, .data = udp, .len = len,
		.prefix = "OUT ", .hook = 3, .ifindex_out = 7, .mark = 0x10,
		.has_uid = true, .uid = 1000, .gid = 100,
		.sec = 1000000000, .usec = 123,
	};
	return p;
}

static size_t slurp(const char *path, uint8_t *buf, size_t max)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return 0;
	n = fread(buf, 1, max, f);
	fclose(f);
	return n;
}

static void is_bytes(const uint8_t *got, size_t glen, const uint8_t *want,
		     size_t wlen, const char *name)
{
	size_t i;

	if (glen == wlen && !memcmp(got, want, wlen)) {
		ok(1, "%s", name);
		return;
	}
	ok(0, "%s", name);
	diag("got %zu bytes, wanted %zu", glen, wlen);
	for (i = 0; i < glen && i < wlen; i++)
		if (got[i] != want[i]) {
			diag("first difference at byte %zu: %02x, wanted %02x",
			     i, got[i], want[i]);
			break;
		}
}

int main(void)
{
	char tmpl[] = "/tmp/nfpt-pcap.XXXXXX", conf[8192], path[256];
	uint8_t want[1024], got[1024];
	struct nfpt_pkt p;
	struct nfpt *t;
	size_t n, w = 0;

	if (!mkdtemp(tmpl))
		bail_out("mkdtemp");

	/* raw: header, a whole packet, a cut one. */
	snprintf(path, sizeof(path), "%s/raw.pcap", tmpl);
	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:PKTIN,pc:PCAP\n[pc]\nfile=%s\n", path);
	t = nfpt_new(conf, plugins);
	p = pkt(sizeof(udp));
	nfpt_feed(t, "in", &p);
	p = pkt(28);
	nfpt_feed(t, "in", &p);
	nfpt_free(t);
	memcpy(want + w, file_hdr_raw, sizeof(file_hdr_raw));
	w += sizeof(file_hdr_raw);
	memcpy(want + w, rec_hdr_full, sizeof(rec_hdr_full));
	w += sizeof(rec_hdr_full);
	memcpy(want + w, udp, sizeof(udp));
	w += sizeof(udp);
	memcpy(want + w, rec_hdr_cut, sizeof(rec_hdr_cut));
	w += sizeof(rec_hdr_cut);
	memcpy(want + w, udp, 28);
	w += 28;
	n = slurp(path, got, sizeof(got));
	is_bytes(got, n, want, w, "raw: file header and two records");

	/* Started again on the same file: appends, no second header. */
	t = nfpt_new(conf, plugins);
	p = pkt(sizeof(udp));
	nfpt_feed(t, "in", &p);
	nfpt_free(t);
	memcpy(want + w, rec_hdr_full, sizeof(rec_hdr_full));
	w += sizeof(rec_hdr_full);
	memcpy(want + w, udp, sizeof(udp));
	w += sizeof(udp);
	n = slurp(path, got, sizeof(got));
	is_bytes(got, n, want, w, "raw: a restart appends records only");

	/* nflog: TLVs around the packet. */
	snprintf(path, sizeof(path), "%s/nflog.pcap", tmpl);
	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:PKTIN,pc:PCAP\n[pc]\nfile=%s\n"
		 "linktype=nflog\ngroup=5\n", path);
	t = nfpt_new(conf, plugins);
	p = pkt(sizeof(udp));
	nfpt_feed(t, "in", &p);
	nfpt_free(t);
	w = 0;
	memcpy(want, nflog_file_and_rec, sizeof(nflog_file_and_rec));
	w = sizeof(nflog_file_and_rec);
	memcpy(want + w, udp, sizeof(udp));
	w += sizeof(udp);
	memset(want + w, 0, 3);
	w += 3;
	n = slurp(path, got, sizeof(got));
	is_bytes(got, n, want, w, "nflog: header, TLVs and payload");

	/* A raw file is not appended to as nflog. */
	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:PKTIN,pc:PCAP\n[pc]\nfile=%s/raw.pcap\n"
		 "linktype=nflog\n", tmpl);
	{
		char buf[4096];

		is_int(nfpt_check(conf, plugins, buf, sizeof(buf)), 0,
		       "the config itself is fine");
	}
	{
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpl);
		if (system(cmd) != 0)
			diag("could not remove %s", tmpl);
	}
	return done_testing();
}
