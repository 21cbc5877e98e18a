/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter/ifindex/ifcache - the interface-name cache and its message parser
 *
 * See ifcache.h for the contract. Messages are read with memcpy into local
 * headers, so the bytes may sit at any alignment (tests build them by
 * hand), and every length is checked before it is used: a message or
 * attribute that claims more than the datagram holds is rejected.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "ifcache.h"

void ifc_init(struct ifc *c)
{
	memset(c, 0, sizeof(*c));
}

void ifc_free(struct ifc *c)
{
	struct ifc_entry *e, *n;
	unsigned int i;

	for (i = 0; i < IFC_BUCKETS; i++) {
		for (e = c->bucket[i]; e; e = n) {
			n = e->next;
			free(e);
		}
		c->bucket[i] = NULL;
	}
	c->count = 0;
}

static struct ifc_entry **slot_of(struct ifc *c, uint32_t index)
{
	struct ifc_entry **pp = &c->bucket[index & (IFC_BUCKETS - 1)];

	while (*pp && (*pp)->index != index)
		pp = &(*pp)->next;
	return pp;
}

const char *ifc_lookup(const struct ifc *c, uint32_t index)
{
	const struct ifc_entry *e = c->bucket[index & (IFC_BUCKETS - 1)];

	for (; e; e = e->next)
		if (e->index == index)
			return e->name;
	return NULL;
}

int ifc_set(struct ifc *c, uint32_t index, const char *name)
{
	struct ifc_entry **pp = slot_of(c, index), *e = *pp;
	size_t n = strnlen(name, IFNAMSIZ - 1);

	if (!e) {
		e = calloc(1, sizeof(*e));
		if (!e)
			return -ENOMEM;
		e->index = index;
		*pp = e;
		c->count++;
	}
	/* Renamed, or the index now belongs to another link: same thing. */
	memcpy(e->name, name, n);
	e->name[n] = '\0';
	e->gen = c->gen;
	return 0;
}

void ifc_del(struct ifc *c, uint32_t index)
{
	struct ifc_entry **pp = slot_of(c, index), *e = *pp;

	if (!e)
		return;
	*pp = e->next;
	free(e);
	c->count--;
}

uint32_t ifc_begin_dump(struct ifc *c)
{
	return ++c->gen;
}

void ifc_sweep(struct ifc *c, uint32_t gen)
{
	struct ifc_entry **pp, *e;
	unsigned int i;

	for (i = 0; i < IFC_BUCKETS; i++) {
		pp = &c->bucket[i];
		while ((e = *pp)) {
			/* Seen by the dump, or by a notification since. */
			if ((int32_t)(e->gen - gen) >= 0) {
				pp = &e->next;
				continue;
			}
			*pp = e->next;
			free(e);
			c->count--;
		}
	}
}

/* IFLA_IFNAME from the attributes after the ifinfomsg; -EINVAL if bad. */
static int parse_name(const uint8_t *msg, size_t mlen, char *name)
{
	size_t off = NLMSG_SPACE(sizeof(struct ifinfomsg));
	bool found = false;
	struct rtattr rta;

	while (off + sizeof(rta) <= mlen) {
		const char *p;
		size_t plen, n;

		memcpy(&rta, msg + off, sizeof(rta));
		if (rta.rta_len < sizeof(rta) || rta.rta_len > mlen - off)
			return -EINVAL;
		if (rta.rta_type == IFLA_IFNAME) {
			p = (const char *)msg + off + RTA_LENGTH(0);
			plen = rta.rta_len - RTA_LENGTH(0);
			n = strnlen(p, plen);
			/* The kernel always ends it with a NUL. */
			if (n == plen || n == 0 || n >= IFNAMSIZ)
				return -EINVAL;
			memcpy(name, p, n);
			name[n] = '\0';
			found = true;
		}
		off += RTA_ALIGN(rta.rta_len);
	}
	return found ? 0 : -ENOENT;
}

int ifc_parse(const void *buf, size_t len, struct ifc_msg *m)
{
	const uint8_t *msg = buf;
	struct ifinfomsg ifi;
	struct nlmsghdr nlh;
	struct nlmsgerr err;
	size_t mlen;
	int ret;

	memset(m, 0, sizeof(*m));
	if (len < sizeof(nlh))
		return -EINVAL;
	memcpy(&nlh, msg, sizeof(nlh));
	mlen = nlh.nlmsg_len;
	if (mlen < sizeof(nlh) || mlen > len)
		return -EINVAL;
	m->seq = nlh.nlmsg_seq;
	m->flags = nlh.nlmsg_flags;
	switch (nlh.nlmsg_type) {
	case NLMSG_DONE:
		m->kind = IFC_DONE;
		break;
	case NLMSG_ERROR:
		if (mlen < NLMSG_LENGTH(sizeof(err.error)))
			return -EINVAL;
		memcpy(&err.error, msg + NLMSG_HDRLEN, sizeof(err.error));
		if (err.error) {
			m->kind = IFC_ERROR;
			m->error = err.error;
		}
		break;
	case RTM_NEWLINK:
	case RTM_DELLINK:
		if (mlen < NLMSG_LENGTH(sizeof(ifi)))
			return -EINVAL;
		memcpy(&ifi, msg + NLMSG_HDRLEN, sizeof(ifi));
		/*
		 * The bridge sends AF_BRIDGE NEWLINK/DELLINK when a port
		 * joins or leaves it: the link itself stays. Only the
		 * AF_UNSPEC messages speak of links coming and going.
		 */
		if (ifi.ifi_family != AF_UNSPEC || ifi.ifi_index <= 0)
			break;
		m->index = (uint32_t)ifi.ifi_index;
		if (nlh.nlmsg_type == RTM_DELLINK) {
			m->kind = IFC_DEL;
			break;
		}
		ret = parse_name(msg, mlen, m->name);
		if (ret == -EINVAL)
			return ret;
		if (ret == 0)
			m->kind = IFC_NEW;
		break;
	}
	mlen = NLMSG_ALIGN(mlen);
	return (int)(mlen < len ? mlen : len);
}

int ifc_feed(struct ifc *c, const void *buf, size_t len,
	     struct ifc_stats *st)
{
	const uint8_t *p = buf;
	struct ifc_msg m;
	size_t off = 0;
	int n;

	while (off < len) {
		n = ifc_parse(p + off, len - off, &m);
		if (n < 0) {
			st->bad++;
			break;
		}
		if (m.flags & NLM_F_DUMP_INTR)
			st->intr = 1;
		switch (m.kind) {
		case IFC_NEW:
			if (ifc_set(c, m.index, m.name) < 0)
				return -ENOMEM;
			st->applied++;
			break;
		case IFC_DEL:
			ifc_del(c, m.index);
			st->applied++;
			break;
		case IFC_DONE:
			st->done_seq = (int)m.seq;
			break;
		case IFC_ERROR:
			st->error = m.error;
			st->error_seq = m.seq;
			break;
		case IFC_OTHER:
			break;
		}
		off += (size_t)n;
	}
	return 0;
}
