/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tools/nflog-record - save raw NFLOG datagrams for the parser's tests
 *
 * Binds one NFLOG group, asks for packets and sequence numbers, and writes
 * every datagram the kernel sends, byte for byte, to PREFIX-NN.bin, until
 * it has COUNT of them or SECONDS passed without one. Prints "ready" once
 * the group is bound so that a script can start its traffic. Needs root
 * (CAP_NET_ADMIN); meant to run inside a throwaway network namespace. A
 * developer tool: errors go to stderr and end the program.
 *
 *   nflog-record -g 5 -o tests/data/nflog/v4 [-n 6] [-t 3] [-q 1] [-w 100]
 *                [-r 65535] [-S]
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>

struct rec_opts {
	unsigned int group;	/* -g: NFLOG group */
	const char *prefix;	/* -o: output file prefix */
	unsigned int count;	/* -n: datagrams to save */
	unsigned int idle;	/* -t: seconds without a datagram to stop */
	unsigned int qthresh;	/* -q: NFULA_CFG_QTHRESH, 0 leaves it */
	unsigned int qtimeout;	/* -w: NFULA_CFG_TIMEOUT, 0 leaves it */
	unsigned int range;	/* -r: copy range, 0 metadata only */
	bool seq;		/* -S: no sequence numbers */
};

static void die(const char *what)
{
	fprintf(stderr, "nflog-record: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Send one config request and wait for its ack. */
static void config(struct mnl_socket *nl, const struct rec_opts *o,
		   bool bind_cmd, uint32_t seq)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfulnl_msg_config_mode mode = { 0 };
	struct nfgenmsg *nfg;
	ssize_t n;

	nlh->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_CONFIG;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_UNSPEC;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = htons((uint16_t)o->group);
	if (bind_cmd) {
		struct nfulnl_msg_config_cmd cmd = {
			.command = NFULNL_CFG_CMD_BIND
		};

		mnl_attr_put(nlh, NFULA_CFG_CMD, sizeof(cmd), &cmd);
	} else {
		mode.copy_mode = o->range ? NFULNL_COPY_PACKET :
					    NFULNL_COPY_META;
		mode.copy_range = htonl(o->range);
		mnl_attr_put(nlh, NFULA_CFG_MODE, sizeof(mode), &mode);
		if (o->qthresh)
			mnl_attr_put_u32(nlh, NFULA_CFG_QTHRESH,
					 htonl(o->qthresh));
		if (o->qtimeout)
			mnl_attr_put_u32(nlh, NFULA_CFG_TIMEOUT,
					 htonl(o->qtimeout));
		if (o->seq)
			mnl_attr_put_u16(nlh, NFULA_CFG_FLAGS,
					 htons(NFULNL_CFG_F_SEQ |
					       NFULNL_CFG_F_SEQ_GLOBAL));
	}
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		die("send");
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0)
		die("receive the ack");
	if (mnl_cb_run(buf, (size_t)n, seq, mnl_socket_get_portid(nl), NULL,
		       NULL) < 0)
		die(bind_cmd ? "bind the group" : "configure the group");
}

static void save(const struct rec_opts *o, unsigned int i, const void *buf,
		 size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s-%02u.bin", o->prefix, i);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0)
		die(path);
}

static unsigned int num(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	if (!*s || *end || v > 0xffffffffUL) {
		fprintf(stderr, "nflog-record: bad number '%s'\n", s);
		exit(2);
	}
	return (unsigned int)v;
}

int main(int argc, char **argv)
{
	struct rec_opts o = { .count = 1, .idle = 3, .qthresh = 1,
			      .range = 0xffff, .seq = true };
	static unsigned char buf[256 * 1024];
	struct mnl_socket *nl;
	struct pollfd pfd;
	unsigned int saved = 0;
	int c;

	while ((c = getopt(argc, argv, "g:o:n:t:q:w:r:S")) != -1) {
		switch (c) {
		case 'g':
			o.group = num(optarg);
			break;
		case 'o':
			o.prefix = optarg;
			break;
		case 'n':
			o.count = num(optarg);
			break;
		case 't':
			o.idle = num(optarg);
			break;
		case 'q':
			o.qthresh = num(optarg);
			break;
		case 'w':
			o.qtimeout = num(optarg);
			break;
		case 'r':
			o.range = num(optarg);
			break;
		case 'S':
			o.seq = false;
			break;
		default:
			fprintf(stderr, "usage: nflog-record -g GROUP -o PREFIX [-n COUNT] [-t IDLE] [-q QTHRESH] [-w QTIMEOUT] [-r RANGE] [-S]\n");
			return 2;
		}
	}
	if (!o.prefix || o.group > 65535) {
		fprintf(stderr, "nflog-record: -o PREFIX and -g 0..65535 are needed\n");
		return 2;
	}
	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die("open a netfilter netlink socket");
	config(nl, &o, true, 1);
	config(nl, &o, false, 2);
	printf("ready\n");
	fflush(stdout);

	pfd.fd = mnl_socket_get_fd(nl);
	pfd.events = POLLIN;
	while (saved < o.count) {
		ssize_t n;

		if (poll(&pfd, 1, (int)o.idle * 1000) <= 0)
			break;
		n = recv(pfd.fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == ENOBUFS)
				continue;
			die("receive");
		}
		save(&o, saved++, buf, (size_t)n);
	}
	fprintf(stderr, "nflog-record: saved %u datagrams\n", saved);
	mnl_socket_close(nl);
	return saved == o.count ? 0 : 1;
}
