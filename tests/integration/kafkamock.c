/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/kafkamock - a Kafka cluster for the KAFKA integration tests
 *
 * Runs librdkafka's mock cluster (rdkafka_mock.h) on 127.0.0.1 of the
 * network namespace it is started in, creates one topic, and writes the
 * bootstrap address ("127.0.0.1:port") to --addr-file (complete when the
 * file appears: it is renamed into place). Then it waits for signals:
 *
 *   SIGUSR1  take every broker down (connections closed, none accepted)
 *   SIGUSR2  bring them back up
 *   SIGHUP   consume the whole topic from the beginning and print each
 *            message to stdout as "partition<TAB>offset<TAB>key<TAB>value"
 *            ("-" for no key), then "END <count>"
 *   SIGTERM, SIGINT  exit 0
 *
 * It exits by itself after --lifetime seconds (default 300) so that a
 * test that dies cannot leave it behind. Exit status: 0, 1 on a failure,
 * 2 on a usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

struct opts {
	const char *topic;     /* topic to create and consume */
	int partitions;	       /* its partitions */
	int brokers;	       /* brokers in the cluster */
	const char *addr_file; /* where the bootstrap address goes */
	int lifetime;	       /* seconds before exiting on its own */
};

static void usage(void)
{
	fprintf(stderr,
		"usage: kafkamock --addr-file PATH [--topic T] [--partitions N]"
		" [--brokers N] [--lifetime S]\n");
	exit(2);
}

static int write_addr(const char *path, const char *addr)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	fprintf(f, "%s\n", addr);
	if (fclose(f) != 0)
		return -1;
	return rename(tmp, path);
}

/* Print every message of the topic; the count, or -1. */
static long consume(const char *bootstraps, const struct opts *o)
{
	rd_kafka_conf_t *c = rd_kafka_conf_new();
	rd_kafka_topic_partition_list_t *tp;
	rd_kafka_message_t *m;
	rd_kafka_t *rk;
	char err[256];
	int i, eof = 0;
	long n = 0;
	time_t end = time(NULL) + 20;

	if (rd_kafka_conf_set(c, "bootstrap.servers", bootstraps, err,
			      sizeof(err)) ||
	    rd_kafka_conf_set(c, "group.id", "kafkamock", err, sizeof(err)) ||
	    rd_kafka_conf_set(c, "enable.partition.eof", "true", err,
			      sizeof(err))) {
		fprintf(stderr, "kafkamock: %s\n", err);
		rd_kafka_conf_destroy(c);
		return -1;
	}
	rk = rd_kafka_new(RD_KAFKA_CONSUMER, c, err, sizeof(err));
	if (!rk) {
		fprintf(stderr, "kafkamock: consumer: %s\n", err);
		rd_kafka_conf_destroy(c);
		return -1;
	}
	rd_kafka_poll_set_consumer(rk);
	tp = rd_kafka_topic_partition_list_new(o->partitions);
	for (i = 0; i < o->partitions; i++)
		rd_kafka_topic_partition_list_add(tp, o->topic, i)->offset =
			RD_KAFKA_OFFSET_BEGINNING;
	rd_kafka_assign(rk, tp);
	rd_kafka_topic_partition_list_destroy(tp);
	while (eof < o->partitions && time(NULL) < end) {
		m = rd_kafka_consumer_poll(rk, 100);
		if (!m)
			continue;
		if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
			eof++;
		} else if (m->err) {
			fprintf(stderr, "kafkamock: %s\n",
				rd_kafka_message_errstr(m));
		} else {
			printf("%d\t%lld\t", (int)m->partition,
			       (long long)m->offset);
			if (m->key)
				fwrite(m->key, 1, m->key_len, stdout);
			else
				putchar('-');
			putchar('\t');
			fwrite(m->payload, 1, m->len, stdout);
			putchar('\n');
			n++;
		}
		rd_kafka_message_destroy(m);
	}
	rd_kafka_consumer_close(rk);
	rd_kafka_destroy(rk);
	if (eof < o->partitions) {
		fprintf(stderr,
			"kafkamock: %d of %d partitions read to the end\n", eof,
			o->partitions);
		return -1;
	}
	return n;
}

static void set_all(rd_kafka_mock_cluster_t *mc, int brokers, int up)
{
	int i;

	/* The mock numbers its brokers from 1. */
	for (i = 1; i <= brokers; i++) {
		if (up)
			rd_kafka_mock_broker_set_up(mc, i);
		else
			rd_kafka_mock_broker_set_down(mc, i);
	}
	fprintf(stderr, "kafkamock: brokers %s\n", up ? "up" : "down");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "topic", required_argument, NULL, 't' },
		{ "partitions", required_argument, NULL, 'p' },
		{ "brokers", required_argument, NULL, 'b' },
		{ "addr-file", required_argument, NULL, 'a' },
		{ "lifetime", required_argument, NULL, 'l' },
		{ 0 }
	};
	struct opts o = {
		.topic = "nflog", .partitions = 1, .brokers = 1, .lifetime = 300
	};
	rd_kafka_mock_cluster_t *mc;
	rd_kafka_conf_t *c;
	rd_kafka_t *rk;
	struct timespec ts;
	sigset_t set;
	siginfo_t si;
	char err[256];
	const char *boot;
	long n;
	int opt, sig;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 't':
			o.topic = optarg;
			break;
		case 'p':
			o.partitions = atoi(optarg);
			break;
		case 'b':
			o.brokers = atoi(optarg);
			break;
		case 'a':
			o.addr_file = optarg;
			break;
		case 'l':
			o.lifetime = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (!o.addr_file || o.partitions < 1 || o.brokers < 1 || o.lifetime < 1)
		usage();

	/* Signals are taken synchronously; block them before any thread. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);

	c = rd_kafka_conf_new();
	rd_kafka_conf_set(c, "log_level", "3", err, sizeof(err));
	rk = rd_kafka_new(RD_KAFKA_PRODUCER, c, err, sizeof(err));
	if (!rk) {
		fprintf(stderr, "kafkamock: %s\n", err);
		return 1;
	}
	mc = rd_kafka_mock_cluster_new(rk, o.brokers);
	if (!mc) {
		fprintf(stderr, "kafkamock: no mock cluster\n");
		return 1;
	}
	if (rd_kafka_mock_topic_create(mc, o.topic, o.partitions, 1)) {
		fprintf(stderr, "kafkamock: cannot create %s\n", o.topic);
		return 1;
	}
	boot = rd_kafka_mock_cluster_bootstraps(mc);
	if (write_addr(o.addr_file, boot) < 0) {
		fprintf(stderr, "kafkamock: %s: %s\n", o.addr_file,
			strerror(errno));
		return 1;
	}
	fprintf(stderr, "kafkamock: %s on %s\n", o.topic, boot);

	ts.tv_sec = o.lifetime;
	ts.tv_nsec = 0;
	for (;;) {
		sig = sigtimedwait(&set, &si, &ts);
		if (sig < 0 && errno == EINTR)
			continue;
		if (sig < 0) {
			fprintf(stderr, "kafkamock: lifetime over\n");
			break;
		}
		if (sig == SIGUSR1 || sig == SIGUSR2) {
			set_all(mc, o.brokers, sig == SIGUSR2);
		} else if (sig == SIGHUP) {
			n = consume(boot, &o);
			printf("END %ld\n", n);
			fflush(stdout);
		} else {
			break;
		}
	}
	rd_kafka_mock_cluster_destroy(mc);
	rd_kafka_destroy(rk);
	return 0;
}
