/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/data/nfct/nfct-record - save raw ctnetlink datagrams for the tests
 *
 * Usage: nfct-record [-d|-a] [-n COUNT] [-t SECONDS] PREFIX
 * Joins the conntrack NEW, UPDATE and DESTROY event groups of the current
 * network namespace (run it with ip netns exec) and writes every datagram
 * the kernel sends, unchanged, to PREFIX-NN.bin, until COUNT datagrams
 * (default 100) or SECONDS (default 10) have passed. With -d it first asks
 * for a dump of the table and saves the dump's datagrams the same way;
 * with -a it dumps the nfacct objects instead (NFNL_MSG_ACCT_GET).
 * This is how the files beside it were made; the unit tests and the fuzz
 * target read them. Needs root (CAP_NET_ADMIN). Not built by make (a
 * binary here would join the fuzz corpus): gcc -o /tmp/nfct-record
 * nfct-record.c.
 */
#include <errno.h>
#include <stdint.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static unsigned int saved;

static int save(const char *prefix, const void *buf, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s-%02u.bin", prefix, saved++);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len) {
		perror(path);
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	printf("%s %zu bytes\n", path, len);
	return 0;
}

static int dump(int fd, const char *prefix, uint16_t type)
{
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };
	char req[NLMSG_HDRLEN + sizeof(struct nfgenmsg)] = { 0 };
	struct nlmsghdr *nlh = (struct nlmsghdr *)req;
	static char buf[65536];
	ssize_t n;

	nlh->nlmsg_len = sizeof(req);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = 1;
	if (sendto(fd, req, sizeof(req), 0, (struct sockaddr *)&k,
		   sizeof(k)) < 0)
		return -1;
	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -1;
		if (save(prefix, buf, (size_t)n) < 0)
			return -1;
		nlh = (struct nlmsghdr *)buf;
		/* The last datagram of a dump ends with NLMSG_DONE. */
		while (NLMSG_OK(nlh, n)) {
			if (nlh->nlmsg_type == NLMSG_DONE ||
			    nlh->nlmsg_type == NLMSG_ERROR)
				return 0;
			nlh = NLMSG_NEXT(nlh, n);
		}
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	unsigned int count = 100, secs = 10, g, events = 0;
	static char buf[65536];
	uint16_t dump_type = 0;
	int fd, c;
	time_t end;

	while ((c = getopt(argc, argv, "adn:t:")) != -1) {
		switch (c) {
		case 'd':
			dump_type = (NFNL_SUBSYS_CTNETLINK << 8) |
				    IPCTNL_MSG_CT_GET;
			break;
		case 'a':
			/* NFNL_SUBSYS_ACCT, NFNL_MSG_ACCT_GET */
			dump_type = (7 << 8) | 1;
			break;
		case 'n':
			count = (unsigned int)atoi(optarg);
			break;
		case 't':
			secs = (unsigned int)atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (optind + 1 != argc)
		goto usage;
	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("netlink");
		return 1;
	}
	if (dump_type && dump(fd, argv[optind], dump_type) < 0) {
		perror("dump");
		return 1;
	}
	for (g = 1; g <= 3; g++) {
		int grp = (int)g;

		if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
			       sizeof(grp)) < 0) {
			perror("NETLINK_ADD_MEMBERSHIP");
			return 1;
		}
	}
	printf("ready\n");
	fflush(stdout);
	end = time(NULL) + secs;
	while (events < count && time(NULL) < end) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, 200) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == ENOBUFS)
				continue;
			perror("recv");
			return 1;
		}
		if (save(argv[optind], buf, (size_t)n) < 0)
			return 1;
		events++;
		fflush(stdout);
	}
	return 0;
usage:
	fprintf(stderr, "usage: nfct-record [-d|-a] [-n COUNT] [-t SECONDS] PREFIX\n");
	return 2;
}
