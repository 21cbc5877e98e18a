/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/nftset/setguard - which record's address goes into a kernel set
 *
 * Shared by NFTSET and IPSET (see setguard.h): option checks, the allow
 * list (allow= CIDRs, loopback, unspecified, this host's addresses read
 * with getifaddrs() at start and again at most every SG_OWN_MS when an
 * address is looked at), the cache of what is in the set, and the batch.
 * Main thread only; nothing allocated per record.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "setguard.h"

#define SG_OWN_MS 10000 /* re-read own addresses at most this often */
#define SG_WAYS	  4	/* entries per cache bucket */

const struct nfp_key sg_default_keys[] = {
	[SG_K_ADDR] = { "ip.saddr", NFP_T_ADDR, 0,
			"the address put into the set (key=)" },
	[SG_K_DL] = { "scan.dl", NFP_T_U8, NFP_KEYF_OPTIONAL,
		      "SCAN's danger level, compared with min_dl=" },
	{ 0 }
};

static bool parse_cidr(const char *w, struct sg_cidr *c)
{
	char buf[64], *slash, *end;
	unsigned long plen;
	unsigned int i, max;

	if (strlen(w) >= sizeof(buf))
		return false;
	strcpy(buf, w);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	memset(c, 0, sizeof(*c));
	if (inet_pton(AF_INET, buf, c->addr) == 1) {
		c->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, c->addr) == 1) {
		c->family = AF_INET6;
		max = 128;
	} else {
		return false;
	}
	plen = max;
	if (slash) {
		if (!*slash)
			return false;
		errno = 0;
		plen = strtoul(slash, &end, 10);
		if (errno || *end || plen > max)
			return false;
	}
	c->plen = (uint8_t)plen;
	/* Clear the host bits so that matching is a plain compare. */
	for (i = 0; i < max / 8; i++) {
		if (i * 8 >= plen)
			c->addr[i] = 0;
		else if (i * 8 + 8 > plen)
			c->addr[i] &= (uint8_t)(0xff00 >> (plen - i * 8));
	}
	return true;
}

int sg_parse_cidrs(const char *text, struct sg_cidr **out, unsigned int *n,
		   char *bad, size_t badlen)
{
	static const char sep[] = ", \t\r\n";
	struct sg_cidr *v = NULL, *nv;
	unsigned int cnt = 0, cap = 0;
	const char *p = text;
	char word[128];
	size_t len;

	*out = NULL;
	*n = 0;
	while (p && *p) {
		p += strspn(p, sep);
		len = strcspn(p, sep);
		if (!len)
			break;
		if (len >= sizeof(word))
			len = sizeof(word) - 1;
		memcpy(word, p, len);
		word[len] = '\0';
		p += strcspn(p, sep);
		if (cnt == cap) {
			cap = cap ? cap * 2 : 8;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
		}
		if (!parse_cidr(word, &v[cnt])) {
			snprintf(bad, badlen, "%s", word);
			free(v);
			return -EINVAL;
		}
		cnt++;
	}
	*out = v;
	*n = cnt;
	return 0;
}

bool sg_cidr_match(const struct sg_cidr *c, const struct nfp_addr *a)
{
	const uint8_t *b =
		a->family == AF_INET ? (const uint8_t *)&a->in4 : a->in6;
	unsigned int full = c->plen / 8, rest = c->plen % 8;

	if (c->family != a->family)
		return false;
	if (memcmp(c->addr, b, full))
		return false;
	if (rest && (b[full] & (uint8_t)(0xff00 >> rest)) != c->addr[full])
		return false;
	return true;
}

int sg_read_own(struct setguard *g)
{
	struct ifaddrs *ifa, *i;
	struct sg_cidr *v;
	unsigned int n = 0;

	if (getifaddrs(&ifa) < 0)
		return -errno;
	for (i = ifa; i; i = i->ifa_next)
		if (i->ifa_addr && (i->ifa_addr->sa_family == AF_INET ||
				    i->ifa_addr->sa_family == AF_INET6))
			n++;
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v) {
		freeifaddrs(ifa);
		return -ENOMEM;
	}
	n = 0;
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr)
			continue;
		if (i->ifa_addr->sa_family == AF_INET) {
			const struct sockaddr_in *s4 =
				(const struct sockaddr_in *)i->ifa_addr;

			v[n].family = AF_INET;
			v[n].plen = 32;
			memcpy(v[n].addr, &s4->sin_addr, 4);
			n++;
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			const struct sockaddr_in6 *s6 =
				(const struct sockaddr_in6 *)i->ifa_addr;

			v[n].family = AF_INET6;
			v[n].plen = 128;
			memcpy(v[n].addr, &s6->sin6_addr, 16);
			n++;
		}
	}
	freeifaddrs(ifa);
	free(g->own);
	g->own = v;
	g->nown = n;
	return 0;
}

bool sg_allowed(struct setguard *g, const struct nfp_addr *a, uint64_t now)
{
	static const uint8_t zero[16];
	unsigned int i;

	if (a->family == AF_INET) {
		uint8_t first = ((const uint8_t *)&a->in4)[0];

		/* 127/8 loopback, 0/8 "this network": never a peer. */
		if (first == 127 || first == 0)
			return true;
	} else {
		if (!memcmp(a->in6, zero, 15) &&
		    (a->in6[15] == 1 || a->in6[15] == 0))
			return true; /* ::1, :: */
		/* ::ffff:127.x.x.x */
		if (!memcmp(a->in6, zero, 10) && a->in6[10] == 0xff &&
		    a->in6[11] == 0xff && a->in6[12] == 127)
			return true;
	}
	for (i = 0; i < g->nallowed; i++)
		if (sg_cidr_match(&g->allowed[i], a))
			return true;
	if (!g->own_at || now - g->own_at >= SG_OWN_MS) {
		/* On failure the old list stays: better than none. */
		sg_read_own(g);
		g->own_at = now;
	}
	for (i = 0; i < g->nown; i++)
		if (sg_cidr_match(&g->own[i], a))
			return true;
	return false;
}

static bool addr_eq(const struct nfp_addr *a, const struct nfp_addr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->in4 == b->in4;
	return !memcmp(a->in6, b->in6, 16);
}

static uint32_t addr_hash(const struct nfp_addr *a)
{
	const uint8_t *p =
		a->family == AF_INET ? (const uint8_t *)&a->in4 : a->in6;
	unsigned int i, n = a->family == AF_INET ? 4 : 16;
	uint32_t h = 2166136261u;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h ^ (h >> 15);
}

/*
 * The entry of @a, or a fresh one in its bucket (the one whose stay in the
 * set ends first makes room), or NULL when every entry of the bucket is
 * queued in this batch: a queued entry is never evicted, so that a
 * renewal is never queued twice (with renew=readd its second delete would
 * fail the batch).
 */
static struct sg_entry *sg_entry(struct setguard *g, const struct nfp_addr *a)
{
	struct sg_entry *b =
		&g->cache[(addr_hash(a) & (g->nbuckets - 1)) * SG_WAYS];
	struct sg_entry *victim = NULL;
	unsigned int i;

	for (i = 0; i < SG_WAYS; i++)
		if (b[i].addr.family && addr_eq(&b[i].addr, a))
			return &b[i];
	for (i = 0; i < SG_WAYS; i++) {
		if (!b[i].addr.family) {
			victim = &b[i];
			break;
		}
		if (!b[i].pending &&
		    (!victim || b[i].expires < victim->expires))
			victim = &b[i];
	}
	if (!victim)
		return NULL;
	memset(victim, 0, sizeof(*victim));
	victim->addr = *a;
	return victim;
}

bool sg_take(struct nfp_inst *inst, struct setguard *g,
	     const struct nfp_rec *rec, uint64_t now)
{
	const struct nfp_value *v = nfp_get(rec, SG_K_ADDR);
	const struct nfp_value *dl;
	struct sg_entry *e;
	bool refresh = false;
	unsigned int i;

	if (!v || (v->addr.family != AF_INET && v->addr.family != AF_INET6) ||
	    (v->addr.family == AF_INET && !g->set) ||
	    (v->addr.family == AF_INET6 && !g->set6)) {
		inst->ctr[SG_SKIPPED]++;
		return false;
	}
	if (g->min_dl) {
		dl = nfp_get(rec, SG_K_DL);
		if (!dl || dl->u8 < g->min_dl) {
			inst->ctr[SG_SKIPPED]++;
			return false;
		}
	}
	if (sg_allowed(g, &v->addr, now)) {
		inst->ctr[SG_ALLOWED]++;
		return false;
	}
	e = sg_entry(g, &v->addr);
	if (!e) {
		/* Its bucket is all queued (rare): look through the batch. */
		for (i = 0; i < g->npend; i++) {
			if (addr_eq(&g->pend[i].addr, &v->addr)) {
				inst->ctr[SG_REPEATS]++;
				return false;
			}
		}
		goto queue;
	}
	if (e->pending) {
		inst->ctr[SG_REPEATS]++;
		return false;
	}
	/* With timeout=0 too: the set may have a default timeout of its own,
	 * so an address is sent again after `refresh` (a no-op add if it is
	 * still there). */
	if (e->expires > now) {
		if (now - e->sent < g->refresh) {
			inst->ctr[SG_REPEATS]++;
			return false;
		}
		refresh = true;
	}
	e->pending = true;
queue:
	g->pend[g->npend].addr = v->addr;
	g->pend[g->npend].refresh = refresh;
	g->npend++;
	return g->npend == SG_BATCH_MAX;
}

void sg_done(struct nfp_inst *inst, struct setguard *g, bool ok, uint64_t now)
{
	struct sg_entry *e;
	unsigned int i;

	for (i = 0; i < g->npend; i++) {
		e = sg_entry(g, &g->pend[i].addr);
		if (e) {
			e->pending = false;
			e->sent = now;
			e->expires = !ok	  ? 0
				     : g->timeout ? now + g->timeout
						  : UINT64_MAX;
		}
		if (!ok) {
			inst->ctr[SG_ERRORS]++;
			continue;
		}
		inst->ctr[g->pend[i].refresh ? SG_REFRESHED : SG_ADDED]++;
	}
	g->npend = 0;
}

int sg_configure(struct nfp_inst *inst, struct setguard *g,
		 bool (*name_ok)(const char *name))
{
	char bad[128];
	int rc, err = 0;

	if (!g->set && !g->set6)
		return nfp_inst_error(inst, "set", "set=NAME and/or set6=NAME",
				      "no set given");
	if (g->set && !name_ok(g->set))
		err = nfp_inst_error(inst, "set",
				     "letters, digits, '_', '-', '.'",
				     "bad set name '%s'", g->set);
	if (g->set6 && !name_ok(g->set6))
		err = nfp_inst_error(inst, "set6",
				     "letters, digits, '_', '-', '.'",
				     "bad set name '%s'", g->set6);
	if (g->set && g->set6 && !strcmp(g->set, g->set6))
		err = nfp_inst_error(inst, "set6",
				     "an IPv4 and an IPv6 set, two names",
				     "set and set6 are both '%s'", g->set);
	if (!g->key || !*g->key)
		err = nfp_inst_error(inst, "key", "key=ip.saddr",
				     "empty key name");
	if (g->allow) {
		rc = sg_parse_cidrs(g->allow, &g->allowed, &g->nallowed, bad,
				    sizeof(bad));
		if (rc == -EINVAL)
			err = nfp_inst_error(inst, "allow",
					     "addresses or CIDRs: 192.0.2.0/24,"
					     " 2001:db8::/32",
					     "'%s' is not an address or CIDR",
					     bad);
		else if (rc)
			err = rc;
	}
	if (err)
		return err;
	g->keys[SG_K_ADDR] = sg_default_keys[SG_K_ADDR];
	g->keys[SG_K_ADDR].name = g->key;
	g->keys[SG_K_DL] = sg_default_keys[SG_K_DL];
	memset(&g->keys[2], 0, sizeof(g->keys[2]));
	return nfp_inst_set_keys(inst, g->keys, NULL);
}

int sg_start(struct nfp_inst *inst, struct setguard *g)
{
	uint32_t nb = 1;
	int rc;

	while ((uint64_t)nb * SG_WAYS < g->cache_size)
		nb <<= 1;
	g->cache = calloc((size_t)nb * SG_WAYS, sizeof(*g->cache));
	if (!g->cache)
		return -ENOMEM;
	g->nbuckets = nb;
	g->npend = 0;
	rc = sg_read_own(g);
	if (rc < 0)
		nfp_warn(inst, "cannot list this host's addresses: %s",
			 strerror(-rc));
	g->own_at = nfp_now_ms();
	return 0;
}

void sg_release(struct setguard *g)
{
	free(g->allowed);
	g->allowed = NULL;
	g->nallowed = 0;
	free(g->own);
	g->own = NULL;
	g->nown = 0;
	free(g->cache);
	g->cache = NULL;
}
