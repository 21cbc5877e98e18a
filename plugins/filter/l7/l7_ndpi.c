// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * filter/l7 - L7's calls into libndpi 4.2, and nothing else
 *
 * See l7_ndpi.h. nDPI 4.2 wants a flow state zeroed before its first
 * packet, frees what it attached to a flow with ndpi_free_flow_data(), and
 * reports a protocol as a master/app pair where a lone protocol is the app.
 * The module loads no protocol files and no category lists: the labels are
 * nDPI's built-in ones, the same on every machine.
 */
#include <string.h>

#include <ndpi_api.h>

#include "l7_ndpi.h"

#if NDPI_MAJOR != 4 || NDPI_MINOR != 2
#error "l7_ndpi.c is written for nDPI 4.2: port this file to the installed nDPI"
#endif

struct l7n {
	struct ndpi_detection_module_struct *mod; /* nDPI's module */
};

struct l7n *l7n_new(void)
{
	NDPI_PROTOCOL_BITMASK all;
	struct l7n *n;

	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->mod = ndpi_init_detection_module(ndpi_no_prefs);
	if (!n->mod) {
		free(n);
		return NULL;
	}
	NDPI_BITMASK_SET_ALL(all);
	ndpi_set_protocol_detection_bitmask2(n->mod, &all);
	ndpi_finalize_initialization(n->mod);
	return n;
}

void l7n_free(struct l7n *n)
{
	if (!n)
		return;
	ndpi_exit_detection_module(n->mod);
	free(n);
}

size_t l7n_flow_size(void)
{
	return sizeof(struct ndpi_flow_struct);
}

void l7n_flow_reset(void *flow)
{
	ndpi_free_flow_data(flow);
	memset(flow, 0, sizeof(struct ndpi_flow_struct));
}

static void label_of(ndpi_protocol p, struct l7n_label *out)
{
	out->master = p.master_protocol;
	out->app = p.app_protocol;
	out->category = (uint16_t)p.category;
	if (out->master == out->app)
		out->master = NDPI_PROTOCOL_UNKNOWN;
}

enum l7n_state l7n_feed(struct l7n *n, void *flow, const uint8_t *pkt,
			uint16_t len, uint64_t ms, struct l7n_label *out)
{
	struct ndpi_flow_struct *f = flow;
	ndpi_protocol p;

	p = ndpi_detection_process_packet(n->mod, f, pkt, len, ms);
	if (p.master_protocol == NDPI_PROTOCOL_UNKNOWN &&
	    p.app_protocol == NDPI_PROTOCOL_UNKNOWN)
		return L7N_MORE;
	label_of(p, out);
	out->guessed = false;
	return ndpi_extra_dissection_possible(n->mod, f) ? L7N_KNOWN : L7N_DONE;
}

void l7n_giveup(struct l7n *n, void *flow, struct l7n_label *out)
{
	u_int8_t guessed = 0;
	ndpi_protocol p;

	p = ndpi_detection_giveup(n->mod, flow, 1, &guessed);
	label_of(p, out);
	out->guessed = guessed && (out->app != NDPI_PROTOCOL_UNKNOWN ||
				   out->master != NDPI_PROTOCOL_UNKNOWN);
}

const char *l7n_proto_name(struct l7n *n, uint16_t id)
{
	const char *s = ndpi_get_proto_name(n->mod, id);

	return s ? s : "Unknown";
}

const char *l7n_category_name(struct l7n *n, uint16_t cat)
{
	const char *s =
		ndpi_category_get_name(n->mod, (ndpi_protocol_category_t)cat);

	return s ? s : "Unspecified";
}

const char *l7n_host(const void *flow)
{
	const struct ndpi_flow_struct *f = flow;

	return f->host_server_name;
}

uint64_t l7n_risk(const void *flow)
{
	const struct ndpi_flow_struct *f = flow;

	return f->risk;
}

const char *l7n_risk_name(unsigned int bit)
{
	if (bit >= NDPI_MAX_RISK)
		return "unknown";
	return ndpi_risk2str((ndpi_risk_enum)bit);
}
