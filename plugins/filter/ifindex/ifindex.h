/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter/ifindex - the parts of IFINDEX its unit test drives directly
 *
 * The loop calls ifindex_read() when the rtnetlink socket is readable; the
 * unit test, which runs no loop, calls it itself, or hands hand-built
 * messages to ifindex_feed() as if they had been received.
 */
#ifndef NFP_FILTER_IFINDEX_H
#define NFP_FILTER_IFINDEX_H

#include <stddef.h>
#include <stdint.h>

#include <nfpipe/plugin.h>

/* Read what the socket holds now (never blocks) and apply it. */
void ifindex_read(struct nfp_inst *inst);
/* The rtnetlink socket, for a test that wants to overflow it. */
int ifindex_fd(struct nfp_inst *inst);
/* Apply one datagram of rtnetlink messages to the instance's cache. */
void ifindex_feed(struct nfp_inst *inst, const void *buf, size_t len);
/*
 * The name for @index: "" for 0, the cached or kernel's name, else the
 * number as text in @rec's arena. *@len gets its length.
 */
const char *ifindex_name(struct nfp_inst *inst, struct nfp_rec *rec,
			 uint32_t index, uint32_t *len);

#endif /* NFP_FILTER_IFINDEX_H */
