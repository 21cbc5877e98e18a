/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench/nflog-bare - the floor for live NFLOG: a libnetfilter_log receiver
 * that only counts
 *
 * Binds NFLOG group GROUP with the settings bench/live gives the daemons
 * (packet copy mode, 64 MiB receive buffer, kernel batches of up to 64
 * packets, 0.1 s batch timeout, local sequence numbers) and counts the
 * packets libnetfilter_log hands to its callback; it parses nothing else.
 * What nfpiped spends per packet beyond this is the pipeline's cost:
 * bench/live prints the two side by side and their ratio.
 *
 * Runs until SIGTERM or SIGINT, then prints one line,
 *   packets=N enobufs=N
 * and exits 0. Not a test; needs CAP_NET_ADMIN (root).
 *   nflog-bare [-g GROUP] [-b BUFBYTES] [-q QTHRESHOLD] [-t QTIMEOUT]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libnetfilter_log/libnetfilter_log.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int count_cb(struct nflog_g_handle *gh, struct nfgenmsg *nfmsg,
		    struct nflog_data *nfa, void *data)
{
	(void)gh;
	(void)nfmsg;
	(void)nfa;
	(*(uint64_t *)data)++;
	return 0;
}

int main(int argc, char **argv)
{
	static char buf[1 << 17];
	unsigned long group = 1, qthresh = 64, qtimeout = 10;
	unsigned long bufsiz = 64ul << 20;
	uint64_t packets = 0, enobufs = 0;
	struct nflog_g_handle *gh;
	struct nflog_handle *h;
	struct sigaction sa;
	int c, fd;

	while ((c = getopt(argc, argv, "g:b:q:t:")) != -1) {
		switch (c) {
		case 'g':
			group = strtoul(optarg, NULL, 0);
			break;
		case 'b':
			bufsiz = strtoul(optarg, NULL, 0);
			break;
		case 'q':
			qthresh = strtoul(optarg, NULL, 0);
			break;
		case 't':
			qtimeout = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr,
				"usage: %s [-g GROUP] [-b BUFBYTES] [-q QTHRESHOLD] [-t QTIMEOUT]\n",
				argv[0]);
			return 2;
		}
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: recv() returns EINTR */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	h = nflog_open();
	if (!h) {
		perror("nflog_open");
		return 1;
	}
	gh = nflog_bind_group(h, (uint16_t)group);
	if (!gh) {
		perror("nflog_bind_group");
		nflog_close(h);
		return 1;
	}
	if (nflog_set_mode(gh, NFULNL_COPY_PACKET, 0xffff) < 0 ||
	    nflog_set_qthresh(gh, (uint32_t)qthresh) < 0 ||
	    nflog_set_timeout(gh, (uint32_t)qtimeout) < 0 ||
	    nflog_set_flags(gh, NFULNL_CFG_F_SEQ) < 0) {
		perror("nflog_set_*");
		nflog_close(h);
		return 1;
	}
	nflog_callback_register(gh, count_cb, &packets);
	fd = nflog_fd(h);
	{
		int v = (int)(bufsiz > 0x3fffffff ? 0x3fffffff : bufsiz);

		/* FORCE passes net.core.rmem_max, as nfpiped does as root. */
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) <
		    0)
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
	}
	while (!stop) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n > 0) {
			nflog_handle_packet(h, buf, (int)n);
			continue;
		}
		if (n < 0 && errno == ENOBUFS)
			enobufs++;
		else if (n < 0 && errno != EINTR)
			break;
	}
	printf("packets=%llu enobufs=%llu\n", (unsigned long long)packets,
	       (unsigned long long)enobufs);
	nflog_unbind_group(gh);
	nflog_close(h);
	return 0;
}
