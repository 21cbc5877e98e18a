/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench/nflog-parse - the NFLOG parse step alone, for callgrind
 *
 * Loads recorded datagrams (tests/data/nflog) into memory and runs each of
 * them ROUNDS times through nflog_dgram(), the NFLOG input's parser, with a
 * packet callback that only counts. With -l it also hands every packet
 * message to libnetfilter_log's nflog_nlmsg_parse(), so that one callgrind
 * run prices both on the same bytes:
 *
 *   valgrind --tool=callgrind --callgrind-out-file=cg.out \
 *	bench/nflog-parse -l 2000 tests/data/nflog/{v4,v6,batch,meta,snap}-*.bin
 *   callgrind_annotate --inclusive=yes cg.out |
 *	grep -E 'nflog_(dgram|parse|nlmsg_parse)'
 *
 * and divide by the packets it prints. Not a test; built on demand
 * (`make bench/nflog-parse`).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <linux/netlink.h>

#include <libnetfilter_log/libnetfilter_log.h>

#include "nflog_parse.h"

#define MAX_FILES 64
#define MAX_DGRAM 65536

static unsigned long packets, lib_packets, sink;

static void on_packet(void *arg, const struct nflog_pkt *p)
{
	(void)arg;
	packets++;
	sink += p->mark + p->payload_len + p->prefix_len;
}

static const struct nflog_dgram_ops ops = { .packet = on_packet };

/* Every packet message of the datagram through the library's parser. */
static void lib_dgram(const uint8_t *b, size_t len)
{
	struct nlattr *tb[NFULA_MAX + 1];
	const struct nlmsghdr *nlh;
	size_t off = 0;
	uint32_t n;

	while (len - off >= sizeof(*nlh)) {
		nlh = (const struct nlmsghdr *)(b + off);
		n = nlh->nlmsg_len;
		if (n < sizeof(*nlh) || n > len - off)
			break;
		if (nlh->nlmsg_type ==
		    ((NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET)) {
			memset(tb, 0, sizeof(tb));
			if (nflog_nlmsg_parse(nlh, tb) >= 0)
				lib_packets++;
		}
		off += NLMSG_ALIGN(n);
	}
}

int main(int argc, char **argv)
{
	static uint8_t buf[MAX_FILES][MAX_DGRAM] __attribute__((aligned(4)));
	size_t len[MAX_FILES];
	int nfiles = 0, i = 1, r, rounds;
	int lib = 0;
	FILE *f;

	if (i < argc && !strcmp(argv[i], "-l")) {
		lib = 1;
		i++;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: nflog-parse [-l] ROUNDS FILE...\n");
		return 2;
	}
	rounds = atoi(argv[i++]);
	for (; i < argc && nfiles < MAX_FILES; i++) {
		f = fopen(argv[i], "rb");
		if (!f) {
			perror(argv[i]);
			return 1;
		}
		len[nfiles] = fread(buf[nfiles], 1, MAX_DGRAM, f);
		fclose(f);
		nfiles++;
	}
	for (r = 0; r < rounds; r++)
		for (i = 0; i < nfiles; i++) {
			nflog_dgram(buf[i], len[i], &ops, NULL);
			if (lib)
				lib_dgram(buf[i], len[i]);
		}
	printf("datagrams=%d rounds=%d packets=%lu library_packets=%lu (%lu)\n",
	       nfiles, rounds, packets, lib_packets, sink);
	return 0;
}
