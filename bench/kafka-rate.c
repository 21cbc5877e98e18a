/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench/kafka-rate - messages per second through KAFKA into a mock cluster
 *
 * Drives the real engine (the unit tests' harness, plugins linked in) with
 * synthetic UDP/IPv4 packets through PKTIN -> BASE -> IP2STR -> KAFKA, as
 * fast as the main thread can push them, with a flush after every packet
 * (the event loop never flushes more often). The cluster is librdkafka's
 * mock cluster, run in a child process so that its CPU is not counted as
 * ours. Reports the rate the main thread offered, the rate messages were
 * delivered (from the first packet until stop() returned with every
 * delivery report in), and CPU per message: the main thread's (encoding)
 * and the whole process's (main, worker and librdkafka's threads).
 *
 * Not a test: it prints figures. Build and run from the build directory:
 *   make bench/kafka-rate && bench/kafka-rate [-n MSGS] [-b BATCH]
 *        [-p PARTITIONS] [-c none|gzip|snappy|lz4|zstd] [-k KEYTEMPLATE]
 */
#include "nfp.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "engine.h"
#include "harness.h"

extern const struct nfp_plugin nfp_output_kafka;
extern const struct nfp_plugin nfp_filter_base;
extern const struct nfp_plugin nfp_filter_ip2str;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A UDP/IPv4 packet from 10.1.(i>>8).(i&255) to 192.0.2.1, port by i. */
static void make_pkt(uint8_t *p, uint32_t i)
{
	uint32_t src = htonl(0x0a010000u | (i & 0xffff));
	uint32_t dst = htonl(0xc0000201u);

	memset(p, 0, 60);
	p[0] = 0x45;
	p[3] = 60;
	p[8] = 64;
	p[9] = 17;
	memcpy(p + 12, &src, 4);
	memcpy(p + 16, &dst, 4);
	p[20] = (uint8_t)((1024 + (i & 0x7fff)) >> 8);
	p[21] = (uint8_t)(1024 + (i & 0x7fff));
	p[23] = 53;
	p[25] = 40;
}

/* The child: a mock cluster whose address goes up @fd; runs until killed. */
static void run_mock(int fd, int partitions)
{
	rd_kafka_mock_cluster_t *mc;
	rd_kafka_conf_t *c = rd_kafka_conf_new();
	char err[256];
	const char *b;
	rd_kafka_t *rk;

	rd_kafka_conf_set(c, "log_level", "3", err, sizeof(err));
	rk = rd_kafka_new(RD_KAFKA_PRODUCER, c, err, sizeof(err));
	mc = rk ? rd_kafka_mock_cluster_new(rk, 1) : NULL;
	if (!mc || rd_kafka_mock_topic_create(mc, "bench", partitions, 1))
		_exit(1);
	b = rd_kafka_mock_cluster_bootstraps(mc);
	if (write(fd, b, strlen(b) + 1) < 0)
		_exit(1);
	close(fd);
	for (;;)
		pause();
}

static uint64_t counter(struct nfp_inst *i, const char *name)
{
	unsigned int k;

	for (k = 0; i->plugin->counters[k]; k++)
		if (!strcmp(i->plugin->counters[k], name))
			return __atomic_load_n(&i->ctr[k], __ATOMIC_RELAXED);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct nfp_plugin *const plugins[] = {
		&nfp_filter_base, &nfp_filter_ip2str, &nfp_output_kafka, NULL
	};
	unsigned long n = 1000000, batch = 5000, parts = 3;
	const char *codec = "none", *key = "${ip.saddr.str}";
	char boot[256] = "", conf[2048], dir[] = "/tmp/kafka-rate-XXXXXX";
	double t0, t1, t2, c0, c1, c2, m0, m1;
	uint64_t delivered, spooled, errors;
	uint8_t pkt[60];
	struct nfp_inst *k;
	struct nfpt *t;
	int opt, fds[2];
	pid_t child;
	ssize_t got;
	unsigned long i;

	while ((opt = getopt(argc, argv, "n:b:p:c:k:")) != -1) {
		switch (opt) {
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 'b':
			batch = strtoul(optarg, NULL, 10);
			break;
		case 'p':
			parts = strtoul(optarg, NULL, 10);
			break;
		case 'c':
			codec = optarg;
			break;
		case 'k':
			key = optarg;
			break;
		default:
			fprintf(stderr,
				"usage: kafka-rate [-n MSGS] [-b BATCH] "
				"[-p PARTITIONS] [-c CODEC] [-k KEY]\n");
			return 2;
		}
	}
	if (pipe(fds) < 0 || !mkdtemp(dir))
		return 1;
	child = fork();
	if (child == 0) {
		close(fds[0]);
		run_mock(fds[1], (int)parts);
	}
	close(fds[1]);
	got = read(fds[0], boot, sizeof(boot) - 1);
	close(fds[0]);
	if (got <= 0) {
		fprintf(stderr, "kafka-rate: no mock cluster\n");
		return 1;
	}
	nfp_log_open(NULL, NFP_LOG_ERROR);
	snprintf(conf, sizeof(conf),
		 "[global]\nstack=in:PKTIN,b:BASE,s:IP2STR,k:KAFKA\n"
		 "[k]\nbrokers=\"%s\"\ntopic=\"bench\"\nkey=\"%s\"\n"
		 "batch=%lu\ncompression=%s\nio_timeout=30s\n"
		 "stop_timeout=120s\nspool_dir=\"%s\"\n",
		 boot, key, batch, codec, dir);
	t = nfpt_new(conf, plugins);
	k = nfpt_inst(t, "k");
	/* Let the worker connect first: a cold start is not the rate. */
	usleep(300 * 1000);

	t0 = now();
	c0 = cpu(CLOCK_PROCESS_CPUTIME_ID);
	m0 = cpu(CLOCK_THREAD_CPUTIME_ID);
	for (i = 0; i < n; i++) {
		struct nfpt_pkt p = {
			.family = AF_INET,
			.data = pkt,
			.len = sizeof(pkt),
			.prefix = "BENCH",
			.hook = 2,
			.mark = (uint32_t)i,
			.indev = "eth0",
			.outdev = "eth1",
			.sec = 1700000000 + (uint32_t)(i / 100000),
			.usec = (uint32_t)(i % 1000000),
		};

		make_pkt(pkt, (uint32_t)i);
		nfpt_feed(t, "in", &p);
	}
	t1 = now();
	m1 = cpu(CLOCK_THREAD_CPUTIME_ID);
	c1 = cpu(CLOCK_PROCESS_CPUTIME_ID);
	while (counter(k, "written") + counter(k, "dropped") < n &&
	       now() - t1 < 300) {
		k->plugin->flush(k);
		usleep(1000);
	}
	t2 = now();
	c2 = cpu(CLOCK_PROCESS_CPUTIME_ID);
	delivered = counter(k, "delivered");
	spooled = counter(k, "spooled");
	errors = counter(k, "delivery_errors");
	nfpt_free(t);
	kill(child, SIGTERM);
	waitpid(child, NULL, 0);
	{
		char cmd[64];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "kafka-rate: could not remove %s\n",
				dir);
	}

	printf("| messages | batch | partitions | compression | offered msg/s | "
	       "delivered msg/s | spooled | delivery errors | main CPU us/msg | "
	       "process CPU us/msg |\n");
	printf("|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|\n");
	printf("| %" PRIu64 " | %lu | %lu | %s | %.0f | %.0f | %" PRIu64
	       " | %" PRIu64 " | %.2f | %.2f |\n",
	       delivered, batch, parts, codec, n / (t1 - t0),
	       delivered / (t2 - t0), spooled, errors, (m1 - m0) * 1e6 / n,
	       (c2 - c0) * 1e6 / n);
	(void)c1;
	return delivered >= n ? 0 : 1;
}
