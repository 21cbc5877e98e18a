/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter/l7 - the only door to nDPI: everything L7 asks of libndpi
 *
 * nDPI changes its API with every release, so the rest of L7 never includes
 * an nDPI header: it holds an opaque module (struct l7n) and opaque,
 * fixed-size flow states (l7n_flow_size() bytes each, which L7 preallocates
 * and owns), and gets protocol ids, names and risks through these calls.
 * Porting L7 to a newer nDPI is a change to l7_ndpi.c alone. Not thread-safe:
 * one module per L7 instance, used from the main thread.
 */
#ifndef NFP_FILTER_L7_NDPI_H
#define NFP_FILTER_L7_NDPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct l7n;

/* What nDPI says of a flow so far. */
struct l7n_label {
	uint16_t master;   /* nDPI id of the master protocol, 0: none */
	uint16_t app;	   /* nDPI id of the application, 0: none */
	uint16_t category; /* nDPI category id */
	bool guessed;	   /* from the port or address, not the content */
};

/* What l7n_feed() means by its return value. */
enum l7n_state {
	L7N_MORE = 0, /* no verdict yet: feed the next packet */
	L7N_KNOWN,    /* a verdict; more packets may add detail (a host) */
	L7N_DONE,     /* a verdict, and nothing more to learn */
};

/* A detection module with every protocol enabled; NULL on failure. */
struct l7n *l7n_new(void);
void l7n_free(struct l7n *n);

/* Bytes of one flow state; L7 allocates them, zeroed. */
size_t l7n_flow_size(void);

/* Free what nDPI allocated inside @flow and zero it for the next flow. */
void l7n_flow_reset(void *flow);

/*
 * Feed one packet of the flow, from its IP header, @ms its time in
 * milliseconds. @out gets the label whenever the result is not L7N_MORE.
 */
enum l7n_state l7n_feed(struct l7n *n, void *flow, const uint8_t *pkt,
			uint16_t len, uint64_t ms, struct l7n_label *out);

/* No verdict after enough packets: nDPI's guess (by port), or unknown. */
void l7n_giveup(struct l7n *n, void *flow, struct l7n_label *out);

/* nDPI's name of protocol @id ("TLS", "Google", "Unknown"); static. */
const char *l7n_proto_name(struct l7n *n, uint16_t id);

/* nDPI's name of category @cat ("Web", "Network"); static. */
const char *l7n_category_name(struct l7n *n, uint16_t cat);

/* The flow's host name (HTTP Host, TLS SNI, DNS query), "" when none. */
const char *l7n_host(const void *flow);

/* The flow's risks, one bit per nDPI risk number. */
uint64_t l7n_risk(const void *flow);

/* nDPI's name of risk number @bit; static. */
const char *l7n_risk_name(unsigned int bit);

#endif /* NFP_FILTER_L7_NDPI_H */
