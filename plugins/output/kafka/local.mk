# SPDX-License-Identifier: GPL-2.0-or-later
# KAFKA: every record as a JSON message to a Kafka topic, through the
# queued-sink core (batches, a worker thread, the disk spool). Built when
# configure finds librdkafka. JSON's encoder (jsonenc.c) is compiled in.
if HAVE_RDKAFKA
pkglib_LTLIBRARIES += output_kafka.la
output_kafka_la_SOURCES = plugins/output/kafka/kafka.c \
	plugins/output/json/jsonenc.c plugins/output/json/json.h
output_kafka_la_CPPFLAGS = $(AM_CPPFLAGS) $(RDKAFKA_CFLAGS)
output_kafka_la_LIBADD = $(RDKAFKA_LIBS)
output_kafka_la_LDFLAGS = $(PLUGIN_LDFLAGS)

# Unit tests: librdkafka's mock cluster in the test process.
check_PROGRAMS += tests/unit/test_kafka
tests_unit_test_kafka_SOURCES = tests/unit/test_kafka.c \
	plugins/output/kafka/kafka.c \
	plugins/output/json/jsonenc.c plugins/output/json/json.h \
	plugins/filter/base/base.c plugins/filter/base/decode.c \
	plugins/filter/base/base.h \
	plugins/filter/ip2str/ip2str.c \
	tests/unit/harness.c tests/unit/harness.h tests/unit/tap.h
tests_unit_test_kafka_CPPFLAGS = $(AM_CPPFLAGS) $(RDKAFKA_CFLAGS)
tests_unit_test_kafka_LDADD = libnfpcore.la $(RDKAFKA_LIBS)
TESTS += tests/unit/test_kafka

# Integration: a mock cluster in the lab's gateway namespace (kafkamock).
check_PROGRAMS += tests/integration/kafkamock
tests_integration_kafkamock_SOURCES = tests/integration/kafkamock.c
tests_integration_kafkamock_CPPFLAGS = $(AM_CPPFLAGS) $(RDKAFKA_CFLAGS)
tests_integration_kafkamock_LDADD = $(RDKAFKA_LIBS)
TESTS += $(KAFKA_INTEGRATION_TESTS)

# bench/kafka-rate: messages/s into a mock cluster (not built by make).
EXTRA_PROGRAMS += bench/kafka-rate
bench_kafka_rate_SOURCES = bench/kafka-rate.c plugins/output/kafka/kafka.c \
	plugins/output/json/jsonenc.c plugins/output/json/json.h \
	plugins/filter/base/base.c plugins/filter/base/decode.c \
	plugins/filter/ip2str/ip2str.c tests/unit/harness.c tests/unit/harness.h
bench_kafka_rate_CPPFLAGS = $(AM_CPPFLAGS) $(RDKAFKA_CFLAGS)
bench_kafka_rate_LDADD = libnfpcore.la $(RDKAFKA_LIBS)
endif
KAFKA_INTEGRATION_TESTS = tests/integration/kafka-nflog.sh
EXTRA_DIST += plugins/output/kafka/README.md $(KAFKA_INTEGRATION_TESTS)
