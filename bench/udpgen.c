/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench/udpgen - send a fixed number of UDP datagrams at a target rate
 *
 * The live benchmark's traffic source: COUNT datagrams of SIZE payload
 * bytes to DST:PORT from a connected UDP socket, with sendmmsg(2) in
 * batches, paced to RATE packets a second (0: as fast as the kernel
 * takes them). The pacer sleeps until shortly before each batch is due
 * and spins the rest of the way, so rates of a few hundred thousand a
 * second stay even without burning a core at low rates.
 *
 * Prints one line: sent, seconds, achieved rate, send errors. Exit status
 * 0 when every datagram was handed to the kernel, 1 otherwise, 2 on a
 * usage error. A datagram the kernel accepted may still be dropped later
 * (a full queue): the benchmark counts what reaches the firewall rule.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_BATCH 256
/* Sleep only when the next batch is further away than this; spin below. */
#define SPIN_NS 60000

/* What to send and how fast; all from the command line. */
struct gen {
	struct sockaddr_storage dst; /* destination address and port */
	socklen_t dstlen;	     /* its length */
	uint64_t count;		     /* datagrams to send */
	uint64_t rate;		     /* a second; 0: no pacing */
	unsigned int batch;	     /* datagrams per sendmmsg */
	size_t size;		     /* payload bytes */
	uint16_t sport;		     /* source port, 0: any */
	unsigned int nports;	     /* destination ports in turn, from PORT */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Wait until @deadline (monotonic ns): sleep most of it, spin the end. */
static void pace_until(uint64_t deadline)
{
	uint64_t t = now_ns();

	if (t + SPIN_NS < deadline) {
		uint64_t until = deadline - SPIN_NS;
		struct timespec ts = {
			.tv_sec = (time_t)(until / 1000000000u),
			.tv_nsec = (long)(until % 1000000000u),
		};

		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
				       NULL) == EINTR)
			;
	}
	while (now_ns() < deadline)
		;
}

static int parse_dst(const char *addr, const char *port, struct gen *g)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&g->dst;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&g->dst;
	char *end;
	unsigned long p = strtoul(port, &end, 10);

	if (*end || !p || p > 65535)
		return -1;
	memset(&g->dst, 0, sizeof(g->dst));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)p);
		g->dstlen = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)p);
		g->dstlen = sizeof(*sin6);
		return 0;
	}
	return -1;
}

static int open_socket(const struct gen *g)
{
	int fd = socket(g->dst.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int sndbuf = 4 << 20;

	if (fd < 0)
		return -1;
	/* A large send buffer: the pacer, not the socket, sets the rate. */
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf));
	if (g->sport) {
		struct sockaddr_storage src;
		struct sockaddr_in *s4 = (struct sockaddr_in *)&src;
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&src;

		memset(&src, 0, sizeof(src));
		src.ss_family = g->dst.ss_family;
		if (src.ss_family == AF_INET)
			s4->sin_port = htons(g->sport);
		else
			s6->sin6_port = htons(g->sport);
		if (bind(fd, (struct sockaddr *)&src, g->dstlen) < 0)
			goto fail;
	}
	/* Several destination ports: each datagram names its own. */
	if (g->nports <= 1 &&
	    connect(fd, (struct sockaddr *)&g->dst, g->dstlen) < 0)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

static void usage(FILE *f)
{
	fputs("Usage: udpgen [-n COUNT] [-r RATE] [-b BATCH] [-s SIZE] "
	      "[-S SPORT] DST PORT\n"
	      "  -n COUNT  datagrams to send (100000)\n"
	      "  -r RATE   datagrams a second, 0 for as fast as possible (0)\n"
	      "  -b BATCH  datagrams per sendmmsg call, 1..256 (32)\n"
	      "  -s SIZE   payload bytes (64)\n"
	      "  -S SPORT  source port (the kernel's)\n"
	      "  -P NPORTS destination ports PORT..PORT+NPORTS-1 in turn,\n"
	      "            one flow each (1)\n",
	      f);
}

static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v > max)
		return false;
	*out = v;
	return true;
}

int main(int argc, char **argv)
{
	static struct mmsghdr msgs[MAX_BATCH];
	static struct iovec iov[MAX_BATCH];
	static uint8_t payload[65507];
	static struct sockaddr_storage names[MAX_BATCH];
	struct gen g = {
		.count = 100000, .batch = 32, .size = 64, .nports = 1
	};
	uint16_t port0;
	uint64_t sent = 0, errors = 0, v, t0, t1;
	unsigned int i;
	int c, fd;

	while ((c = getopt(argc, argv, "n:r:b:s:S:P:h")) != -1) {
		switch (c) {
		case 'n':
			if (!parse_u64(optarg, UINT64_MAX, &g.count))
				goto bad;
			break;
		case 'r':
			if (!parse_u64(optarg, 100000000, &g.rate))
				goto bad;
			break;
		case 'b':
			if (!parse_u64(optarg, MAX_BATCH, &v) || !v)
				goto bad;
			g.batch = (unsigned int)v;
			break;
		case 's':
			if (!parse_u64(optarg, sizeof(payload), &v))
				goto bad;
			g.size = (size_t)v;
			break;
		case 'S':
			if (!parse_u64(optarg, 65535, &v))
				goto bad;
			g.sport = (uint16_t)v;
			break;
		case 'P':
			if (!parse_u64(optarg, 65535, &v) || !v)
				goto bad;
			g.nports = (unsigned int)v;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			goto bad;
		}
	}
	if (argc - optind != 2 ||
	    parse_dst(argv[optind], argv[optind + 1], &g) < 0)
		goto bad;

	fd = open_socket(&g);
	if (fd < 0) {
		fprintf(stderr, "udpgen: socket: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)i;
	port0 = ntohs(((struct sockaddr_in *)&g.dst)->sin_port);
	if (g.nports > 1 && port0 + g.nports - 1 > 65535)
		goto bad;
	for (i = 0; i < MAX_BATCH; i++) {
		iov[i].iov_base = payload;
		iov[i].iov_len = g.size;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		if (g.nports > 1) {
			names[i] = g.dst;
			msgs[i].msg_hdr.msg_name = &names[i];
			msgs[i].msg_hdr.msg_namelen = g.dstlen;
		}
	}

	t0 = now_ns();
	while (sent + errors < g.count) {
		uint64_t left = g.count - sent - errors;
		unsigned int n = left < g.batch ? (unsigned int)left : g.batch;
		int r;

		/* Batch k is due when k * batch datagrams fit the rate. */
		if (g.rate)
			pace_until(t0 + (sent + errors) * 1000000000u / g.rate);
		/* sin_port and sin6_port sit at the same offset. */
		for (i = 0; g.nports > 1 && i < n; i++)
			((struct sockaddr_in *)&names[i])->sin_port =
				htons((uint16_t)(port0 + (sent + errors + i) %
								 g.nports));
		r = sendmmsg(fd, msgs, n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			/* ENOBUFS and the like: count the batch and go on,
			 * the benchmark wants the offered rate kept. */
			errors += n;
			continue;
		}
		sent += (unsigned int)r;
		if ((unsigned int)r < n)
			errors += n - (unsigned int)r;
	}
	t1 = now_ns();
	close(fd);
	printf("sent=%llu seconds=%.3f rate=%.0f errors=%llu\n",
	       (unsigned long long)sent, (double)(t1 - t0) / 1e9,
	       t1 > t0 ? (double)sent * 1e9 / (double)(t1 - t0) : 0.0,
	       (unsigned long long)errors);
	return errors ? 1 : 0;
bad:
	usage(stderr);
	return 2;
}
