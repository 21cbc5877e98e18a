/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter/geoip - GEOIP: country, AS and network flags of a record's peers
 *
 * Consumes ip.saddr/ip.daddr (packet records) and orig.ip.saddr/
 * orig.ip.daddr (flow records from NFCT), all optional, IPv4 or IPv6; on=
 * picks which pair (auto: the packet's when set, else the flow's). Produces
 * geoip.{src,dst}.country (ISO 3166 alpha-2), geoip.{src,dst}.asn (u32),
 * geoip.{src,dst}.asname and geoip.{src,dst}.flags (libloc's flags, comma
 * separated: anonymous-proxy, satellite-provider, anycast, drop). A key the
 * database has nothing for stays unset; private, loopback, link-local,
 * multicast and other special addresses are not looked up at all.
 *
 * Back ends: libloc (backend=loc, Debian's free location database; the
 * default db is /var/lib/location/database.db when `location update` made
 * one, else /usr/share/libloc-location/location.db) and libmaxminddb
 * (backend=mmdb: GeoLite2/GeoIP2 Country, City or ASN files; asn_db= a
 * second file for the AS keys). Each is built when configure finds its
 * library. The database is opened in configure(), so a missing or bad file
 * is a config error. SIGHUP (reopen) opens it again; when the new file
 * cannot be opened the old one stays in use and the reason is logged.
 * Strings are copied into the record's arena (the database's own are not
 * NUL-terminated, mmdb, or die with their object, libloc); the flags texts
 * are a static table. A direct-mapped cache of recent answers (cache=)
 * spares repeated peers libloc's allocations; bench/RESULTS.md has both.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifdef HAVE_LIBLOC
#include <libloc/as.h>
#include <libloc/database.h>
#include <libloc/libloc.h>
#include <libloc/network.h>
#endif
#ifdef HAVE_MAXMINDDB
#include <maxminddb.h>
#endif

#include <nfpipe/plugin.h>

#define LOC_DB_UPDATED "/var/lib/location/database.db"
#define LOC_DB_DEBIAN  "/usr/share/libloc-location/location.db"

static const char *const geo_backends[] = { "loc", "mmdb", NULL };
enum { GB_LOC, GB_MMDB };
static const char *const geo_on[] = { "auto", "packet", "flow", NULL };
enum { GO_AUTO, GO_PACKET, GO_FLOW };

/* One open database; swapped whole on SIGHUP. */
struct geo_db {
#ifdef HAVE_LIBLOC
	struct loc_ctx *loc;	  /* libloc's context */
	struct loc_database *ldb; /* the database */
	FILE *lf;		  /* its file, kept open while ldb lives */
#endif
#ifdef HAVE_MAXMINDDB
	MMDB_s mmdb;	 /* db= */
	MMDB_s mmdb_asn; /* asn_db=, when given */
	bool mmdb_open;	 /* mmdb is open */
	bool asn_open;	 /* mmdb_asn is open */
#endif
	int backend; /* GB_* */
};

/*
 * One remembered answer. Traffic repeats its peers, and a libloc look-up
 * allocates a network object (and an AS object for the name): a
 * direct-mapped table of recent answers, emptied on reopen, saves that.
 */
struct geo_cent {
	uint8_t addr[16];   /* the address (IPv4 in the first 4 bytes) */
	uint8_t family;	    /* AF_*; 0: empty slot */
	bool found;	    /* the database had the address */
	bool named;	    /* asname looked up (may still be empty) */
	uint8_t flags;	    /* GF bits */
	char cc[3];	    /* country code, "" if none */
	uint8_t asname_len; /* bytes in asname */
	uint32_t asn;	    /* 0: none */
	char asname[120];   /* AS name (a longer one is not kept) */
};

struct geo_priv {
	int backend;	       /* option: GB_* */
	char *db;	       /* option: database file, or NULL */
	char *asn_db;	       /* option: mmdb file for the AS keys */
	int on;		       /* option: GO_* */
	uint64_t cache;	       /* option: entries of the answer cache */
	struct geo_cent *cent; /* the cache, cache entries; owned */
	const char *path;      /* db, or the libloc default found */
	struct geo_db *cur;    /* the open database; owned */
};

static const struct nfp_option geo_options[] = {
	{ .name = "backend",
	  .type = NFP_OPT_ENUM,
	  .def = "loc",
	  .enums = geo_backends,
	  .off = offsetof(struct geo_priv, backend),
	  .help = "loc (libloc's location database) or mmdb (MaxMind "
		  "GeoLite2/GeoIP2)." },
	{ .name = "db",
	  .type = NFP_OPT_PATH,
	  .off = offsetof(struct geo_priv, db),
	  .help = "Database file. loc: default " LOC_DB_UPDATED
		  " if present, else " LOC_DB_DEBIAN "; mmdb: required." },
	{ .name = "asn_db",
	  .type = NFP_OPT_PATH,
	  .off = offsetof(struct geo_priv, asn_db),
	  .help = "mmdb only: a GeoLite2-ASN file for the AS keys when db= "
		  "is a Country or City file." },
	{ .name = "on",
	  .type = NFP_OPT_ENUM,
	  .def = "auto",
	  .enums = geo_on,
	  .off = offsetof(struct geo_priv, on),
	  .help = "packet (ip.saddr/daddr), flow (orig.ip.saddr/daddr) or "
		  "auto (the packet's when set, else the flow's)." },
	{ .name = "cache",
	  .type = NFP_OPT_UINT,
	  .def = "4096",
	  .min = 0,
	  .max = 1 << 20,
	  .off = offsetof(struct geo_priv, cache),
	  .help = "Recent answers remembered (rounded down to a power of "
		  "two; 0: none). Emptied when the database is reopened." },
	{ 0 }
};

enum geo_in { GI_SADDR, GI_DADDR, GI_ORIG_SADDR, GI_ORIG_DADDR };

static const struct nfp_key geo_in_keys[] = {
	[GI_SADDR] = { "ip.saddr", NFP_T_ADDR, NFP_KEYF_OPTIONAL,
		       "packet's source address" },
	[GI_DADDR] = { "ip.daddr", NFP_T_ADDR, NFP_KEYF_OPTIONAL,
		       "packet's destination address" },
	[GI_ORIG_SADDR] = { "orig.ip.saddr", NFP_T_ADDR, NFP_KEYF_OPTIONAL,
			    "flow's original source address" },
	[GI_ORIG_DADDR] = { "orig.ip.daddr", NFP_T_ADDR, NFP_KEYF_OPTIONAL,
			    "flow's original destination address" },
	{ 0 }
};

/* Output keys: source block, then destination block in the same order. */
enum geo_out {
	GK_COUNTRY,
	GK_ASN,
	GK_ASNAME,
	GK_FLAGS,
	GK__PER_SIDE,
};
#define GK_SRC 0
#define GK_DST GK__PER_SIDE

static const struct nfp_key geo_out_keys[] = {
	[GK_SRC + GK_COUNTRY] = { "geoip.src.country", NFP_T_STRING, 0,
				  "source's country, ISO 3166 alpha-2" },
	[GK_SRC + GK_ASN] = { "geoip.src.asn", NFP_T_U32, 0,
			      "source's autonomous system number" },
	[GK_SRC + GK_ASNAME] = { "geoip.src.asname", NFP_T_STRING, 0,
				 "source's autonomous system name" },
	[GK_SRC + GK_FLAGS] = { "geoip.src.flags", NFP_T_STRING, 0,
				"source network's flags: anonymous-proxy,"
				"satellite-provider,anycast,drop" },
	[GK_DST + GK_COUNTRY] = { "geoip.dst.country", NFP_T_STRING, 0,
				  "destination's country, ISO 3166 alpha-2" },
	[GK_DST + GK_ASN] = { "geoip.dst.asn", NFP_T_U32, 0,
			      "destination's autonomous system number" },
	[GK_DST + GK_ASNAME] = { "geoip.dst.asname", NFP_T_STRING, 0,
				 "destination's autonomous system name" },
	[GK_DST + GK_FLAGS] = { "geoip.dst.flags", NFP_T_STRING, 0,
				"destination network's flags" },
	{ 0 }
};

static const char *const geo_counters[] = { "found",	       "not_found",
					    "skipped",	       "reopens",
					    "reopen_failures", NULL };
enum { GC_FOUND, GC_NOT_FOUND, GC_SKIPPED, GC_REOPENS, GC_REOPEN_FAILS };

/* Flag bits in libloc's order; the texts of every combination. */
#define GF_N 4
static const char *const flag_names[GF_N] = { "anonymous-proxy",
					      "satellite-provider", "anycast",
					      "drop" };
static char flag_text[1 << GF_N][64];

static void flags_init(void)
{
	unsigned int m, i;

	for (m = 1; m < (1u << GF_N); m++) {
		char *o = flag_text[m];

		for (i = 0; i < GF_N; i++)
			if (m & (1u << i))
				o += sprintf(o, "%s%s",
					     o == flag_text[m] ? "" : ",",
					     flag_names[i]);
	}
}

/* Addresses no database places: private, loopback, link-local, ... */
static bool special4(uint32_t a)
{
	return (a >> 24) == 0 || (a >> 24) == 10 || (a >> 24) == 127 ||
	       (a & 0xfff00000) == 0xac100000 || /* 172.16/12 */
	       (a & 0xffff0000) == 0xc0a80000 || /* 192.168/16 */
	       (a & 0xffff0000) == 0xa9fe0000 || /* 169.254/16 */
	       (a & 0xffc00000) == 0x64400000 || /* 100.64/10 */
	       (a >> 28) >= 14;			 /* multicast, 240/4 */
}

static bool special6(const uint8_t *b)
{
	static const uint8_t zero[15];

	if (!memcmp(b, zero, 15))
		return true;				  /* :: and ::1 */
	return (b[0] & 0xfe) == 0xfc ||			  /* fc00::/7 */
	       (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || /* fe80::/10 */
	       b[0] == 0xff;				  /* multicast */
}

/* ---- back ends ------------------------------------------------------- */

/* What a look-up found; strings not NUL-terminated, valid until the next. */
struct geo_res {
	const char *cc;	    /* country code, or NULL */
	size_t cc_len;	    /* its length */
	const char *asname; /* AS name, or NULL */
	size_t asname_len;  /* its length */
	uint32_t asn;	    /* 0: none */
	unsigned int flags; /* GF bits */
};

static void geo_close(struct geo_db *d)
{
	if (!d)
		return;
#ifdef HAVE_LIBLOC
	if (d->ldb)
		loc_database_unref(d->ldb);
	if (d->loc)
		loc_unref(d->loc);
	if (d->lf)
		fclose(d->lf);
#endif
#ifdef HAVE_MAXMINDDB
	if (d->mmdb_open)
		MMDB_close(&d->mmdb);
	if (d->asn_open)
		MMDB_close(&d->mmdb_asn);
#endif
	free(d);
}

#ifdef HAVE_LIBLOC
/* libloc logs to stderr by default; its messages are not ours to print. */
static void loc_quiet(struct loc_ctx *ctx, int priority, const char *file,
		      int line, const char *fn, const char *format,
		      va_list args)
{
	(void)ctx, (void)priority, (void)file, (void)line, (void)fn;
	(void)format, (void)args;
}

static int loc_open(struct geo_db *d, const char *path, char *why, size_t wlen)
{
	int err = loc_new(&d->loc);

	if (err) {
		snprintf(why, wlen, "libloc: %s", strerror(-err));
		return -ENOMEM;
	}
	loc_set_log_fn(d->loc, loc_quiet);
	d->lf = fopen(path, "re");
	if (!d->lf) {
		err = -errno;
		snprintf(why, wlen, "%s", strerror(errno));
		return err;
	}
	if (loc_database_new(d->loc, &d->ldb, d->lf)) {
		d->ldb = NULL;
		snprintf(why, wlen,
			 "not a libloc database (or a damaged "
			 "one)");
		return -EINVAL;
	}
	return 0;
}

static bool loc_find(struct geo_db *d, const struct nfp_addr *a, bool want_name,
		     struct geo_res *r, struct loc_as **as)
{
	struct loc_network *net = NULL;
	struct in6_addr in6;
	const char *cc;

	if (a->family == AF_INET) {
		memset(&in6, 0, sizeof(in6));
		in6.s6_addr[10] = in6.s6_addr[11] = 0xff;
		memcpy(&in6.s6_addr[12], &a->in4, 4);
	} else {
		memcpy(&in6, a->in6, 16);
	}
	if (loc_database_lookup(d->ldb, &in6, &net) || !net)
		return false;
	cc = loc_network_get_country_code(net);
	/* libloc keeps the code in the network object: 2 bytes, copy them */
	if (cc && cc[0] && cc[1]) {
		static char ccbuf[3];

		ccbuf[0] = cc[0];
		ccbuf[1] = cc[1];
		r->cc = ccbuf;
		r->cc_len = 2;
	}
	r->asn = loc_network_get_asn(net);
	if (loc_network_has_flag(net, LOC_NETWORK_FLAG_ANONYMOUS_PROXY))
		r->flags |= 1;
	if (loc_network_has_flag(net, LOC_NETWORK_FLAG_SATELLITE_PROVIDER))
		r->flags |= 2;
	if (loc_network_has_flag(net, LOC_NETWORK_FLAG_ANYCAST))
		r->flags |= 4;
	if (loc_network_has_flag(net, LOC_NETWORK_FLAG_DROP))
		r->flags |= 8;
	loc_network_unref(net);
	if (r->asn && want_name && !loc_database_get_as(d->ldb, as, r->asn) &&
	    *as) {
		r->asname = loc_as_get_name(*as);
		r->asname_len = r->asname ? strlen(r->asname) : 0;
	}
	return true;
}
#endif

#ifdef HAVE_MAXMINDDB
static int mmdb_open(MMDB_s *m, const char *path, char *why, size_t wlen)
{
	int st = MMDB_open(path, MMDB_MODE_MMAP, m);

	if (st != MMDB_SUCCESS) {
		snprintf(why, wlen, "%s%s%s", MMDB_strerror(st),
			 st == MMDB_IO_ERROR ? ": " : "",
			 st == MMDB_IO_ERROR ? strerror(errno) : "");
		return -EINVAL;
	}
	return 0;
}

static void mm_str(MMDB_entry_s *e, const char **s, size_t *len, ...)
{
	MMDB_entry_data_s v;
	va_list ap;
	int st;

	va_start(ap, len);
	st = MMDB_vget_value(e, &v, ap);
	va_end(ap);
	if (st == MMDB_SUCCESS && v.has_data &&
	    v.type == MMDB_DATA_TYPE_UTF8_STRING) {
		*s = v.utf8_string;
		*len = v.data_size;
	}
}

static bool mm_bool(MMDB_entry_s *e, const char *a, const char *b)
{
	MMDB_entry_data_s v;

	return MMDB_get_value(e, &v, a, b, NULL) == MMDB_SUCCESS &&
	       v.has_data && v.type == MMDB_DATA_TYPE_BOOLEAN && v.boolean;
}

static bool mm_asn(MMDB_entry_s *e, struct geo_res *r)
{
	MMDB_entry_data_s v;

	if (MMDB_get_value(e, &v, "autonomous_system_number", NULL) ==
		    MMDB_SUCCESS &&
	    v.has_data) {
		if (v.type == MMDB_DATA_TYPE_UINT32)
			r->asn = v.uint32;
		else if (v.type == MMDB_DATA_TYPE_UINT16)
			r->asn = v.uint16;
	}
	mm_str(e, &r->asname, &r->asname_len, "autonomous_system_organization",
	       NULL);
	return r->asn || r->asname;
}

static bool mm_find(struct geo_db *d, const struct nfp_addr *a,
		    struct geo_res *r)
{
	struct sockaddr_storage ss;
	MMDB_lookup_result_s res;
	bool found = false;
	int err;

	memset(&ss, 0, sizeof(ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = a->in4;
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, a->in6, 16);
	}
	res = MMDB_lookup_sockaddr(&d->mmdb, (struct sockaddr *)&ss, &err);
	if (err == MMDB_SUCCESS && res.found_entry) {
		found = true;
		mm_str(&res.entry, &r->cc, &r->cc_len, "country", "iso_code",
		       NULL);
		if (!r->cc)
			mm_str(&res.entry, &r->cc, &r->cc_len,
			       "registered_country", "iso_code", NULL);
		if (mm_bool(&res.entry, "traits", "is_anonymous_proxy"))
			r->flags |= 1;
		if (mm_bool(&res.entry, "traits", "is_satellite_provider"))
			r->flags |= 2;
		if (mm_bool(&res.entry, "traits", "is_anycast"))
			r->flags |= 4;
		mm_asn(&res.entry, r);
	}
	if (d->asn_open) {
		res = MMDB_lookup_sockaddr(&d->mmdb_asn, (struct sockaddr *)&ss,
					   &err);
		if (err == MMDB_SUCCESS && res.found_entry)
			found |= mm_asn(&res.entry, r);
	}
	return found;
}
#endif

/* Open the database @p names; NULL with @why filled when it cannot. */
static struct geo_db *geo_open(const struct geo_priv *p, char *why, size_t wlen)
{
	struct geo_db *d = calloc(1, sizeof(*d));
	int err = -ENOTSUP;

	if (!d) {
		snprintf(why, wlen, "out of memory");
		return NULL;
	}
	d->backend = p->backend;
	snprintf(why, wlen, "this nfpipe was built without %s",
		 p->backend == GB_LOC ? "libloc" : "libmaxminddb");
#ifdef HAVE_LIBLOC
	if (p->backend == GB_LOC)
		err = loc_open(d, p->path, why, wlen);
#endif
#ifdef HAVE_MAXMINDDB
	if (p->backend == GB_MMDB) {
		err = mmdb_open(&d->mmdb, p->path, why, wlen);
		d->mmdb_open = !err;
		if (!err && p->asn_db) {
			char w2[200];

			err = mmdb_open(&d->mmdb_asn, p->asn_db, w2,
					sizeof(w2));
			d->asn_open = !err;
			if (err)
				snprintf(why, wlen, "asn_db %s: %s", p->asn_db,
					 w2);
		}
	}
#endif
	if (err) {
		geo_close(d);
		return NULL;
	}
	return d;
}

/* ---- callbacks ------------------------------------------------------- */

static int geo_configure(struct nfp_inst *inst)
{
	struct geo_priv *p = inst->priv;
	char why[256];

	flags_init();
	p->path = p->db;
	if (!p->path && p->backend == GB_LOC)
		p->path = access(LOC_DB_UPDATED, R_OK) == 0 ? LOC_DB_UPDATED
							    : LOC_DB_DEBIAN;
	if (!p->path)
		return nfp_inst_error(inst, "db",
				      "e.g. db=/var/lib/GeoIP/"
				      "GeoLite2-Country.mmdb",
				      "backend=mmdb needs db=");
	if (p->asn_db && p->backend != GB_MMDB)
		return nfp_inst_error(inst, "asn_db", NULL,
				      "asn_db= is for backend=mmdb only");
	p->cur = geo_open(p, why, sizeof(why));
	if (!p->cur)
		return nfp_inst_error(inst, p->db ? "db" : "backend",
				      p->db ? NULL
					    : "install libloc-database, or "
					      "set db=",
				      "cannot open %s: %s", p->path, why);
	if (p->cache) {
		uint64_t n = 1;

		while (n * 2 <= p->cache)
			n *= 2;
		p->cache = n;
		p->cent = calloc(n, sizeof(*p->cent));
		if (!p->cent)
			return -ENOMEM;
	}
	nfp_info(inst, "%s database %s", geo_backends[p->backend], p->path);
	return 0;
}

static void geo_release(struct nfp_inst *inst)
{
	struct geo_priv *p = inst->priv;

	geo_close(p->cur);
	p->cur = NULL;
	free(p->cent);
	p->cent = NULL;
}

/* SIGHUP: a new database file in place; a bad one keeps the old. */
static void geo_reopen(struct nfp_inst *inst)
{
	struct geo_priv *p = inst->priv;
	struct geo_db *d;
	char why[256];

	d = geo_open(p, why, sizeof(why));
	if (!d) {
		inst->ctr[GC_REOPEN_FAILS]++;
		nfp_err(inst,
			"cannot reopen %s: %s; the database opened "
			"before stays in use",
			p->path, why);
		return;
	}
	geo_close(p->cur);
	p->cur = d;
	if (p->cent)
		memset(p->cent, 0, p->cache * sizeof(*p->cent));
	inst->ctr[GC_REOPENS]++;
}

static void put_str(struct nfp_rec *rec, unsigned int key, const char *s,
		    size_t len)
{
	char *c;

	if (!s || !len || len > 1024)
		return;
	c = nfp_rec_alloc(rec, len + 1);
	if (!c)
		return;
	memcpy(c, s, len);
	c[len] = '\0';
	nfp_set_str(rec, key, c, (uint32_t)len);
}

static void put_res(struct nfp_rec *rec, unsigned int base,
		    const struct geo_res *r)
{
	put_str(rec, base + GK_COUNTRY, r->cc, r->cc_len);
	if (r->asn)
		nfp_set_u32(rec, base + GK_ASN, r->asn);
	put_str(rec, base + GK_ASNAME, r->asname, r->asname_len);
	if (r->flags)
		nfp_set_str(rec, base + GK_FLAGS, flag_text[r->flags],
			    (uint32_t)strlen(flag_text[r->flags]));
}

/* The database's answer for @a into @r; true when it had one. */
static bool lookup(struct nfp_inst *inst, const struct nfp_addr *a,
		   bool want_name, struct geo_res *r, void **obj)
{
	struct geo_priv *p = inst->priv;
	bool found = false;

	(void)want_name;
	*obj = NULL;
#ifdef HAVE_LIBLOC
	if (p->cur->backend == GB_LOC)
		found = loc_find(p->cur, a, want_name, r,
				 (struct loc_as **)obj);
#endif
#ifdef HAVE_MAXMINDDB
	if (p->cur->backend == GB_MMDB)
		found = mm_find(p->cur, a, r);
#endif
	return found;
}

static void side(struct nfp_inst *inst, struct nfp_rec *rec,
		 const struct nfp_value *v, unsigned int base)
{
	struct geo_priv *p = inst->priv;
	bool want_name = nfp_wanted(rec, base + GK_ASNAME);
	struct geo_cent *c = NULL;
	struct geo_res r = { 0 };
	size_t alen;
	void *obj;
	bool found;

	if (v->addr.family == AF_INET	 ? special4(ntohl(v->addr.in4))
	    : v->addr.family == AF_INET6 ? special6(v->addr.in6)
					 : true) {
		inst->ctr[GC_SKIPPED]++;
		return;
	}
	alen = v->addr.family == AF_INET ? 4 : 16;
	if (p->cent) {
		uint64_t h = 0;
		size_t i;

		for (i = 0; i < alen; i += 4) {
			uint32_t w;

			memcpy(&w, (const uint8_t *)&v->addr.in4 + i, 4);
			h = (h ^ w) * UINT64_C(0x9e3779b97f4a7c15);
		}
		c = &p->cent[(h >> 32) & (p->cache - 1)];
		if (c->family == v->addr.family &&
		    !memcmp(c->addr, &v->addr.in4, alen) &&
		    (c->named || !want_name)) {
			inst->ctr[c->found ? GC_FOUND : GC_NOT_FOUND]++;
			if (!c->found)
				return;
			r.cc = c->cc[0] ? c->cc : NULL;
			r.cc_len = 2;
			r.asn = c->asn;
			r.asname = c->asname_len ? c->asname : NULL;
			r.asname_len = c->asname_len;
			r.flags = c->flags;
			put_res(rec, base, &r);
			return;
		}
	}
	found = lookup(inst, &v->addr, want_name, &r, &obj);
	inst->ctr[found ? GC_FOUND : GC_NOT_FOUND]++;
	if (found)
		put_res(rec, base, &r);
	if (c) {
		memset(c, 0, sizeof(*c));
		c->family = v->addr.family;
		memcpy(c->addr, &v->addr.in4, alen);
		c->found = found;
		c->named = want_name;
		c->flags = (uint8_t)r.flags;
		c->asn = r.asn;
		if (r.cc && r.cc_len == 2)
			memcpy(c->cc, r.cc, 2);
		if (r.asname && r.asname_len <= sizeof(c->asname)) {
			c->asname_len = (uint8_t)r.asname_len;
			memcpy(c->asname, r.asname, r.asname_len);
		} else if (r.asname) {
			c->named = false; /* too long to keep: ask again */
		}
	}
#ifdef HAVE_LIBLOC
	if (obj)
		loc_as_unref(obj);
#endif
}

static const struct nfp_value *pick(const struct geo_priv *p,
				    const struct nfp_rec *rec, bool src)
{
	const struct nfp_value *v = NULL;

	if (p->on != GO_FLOW)
		v = nfp_get(rec, src ? GI_SADDR : GI_DADDR);
	if (!v && p->on != GO_PACKET)
		v = nfp_get(rec, src ? GI_ORIG_SADDR : GI_ORIG_DADDR);
	return v;
}

static enum nfp_ret geo_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	const struct geo_priv *p = inst->priv;
	const struct nfp_value *v;

	v = pick(p, rec, true);
	if (v)
		side(inst, rec, v, GK_SRC);
	v = pick(p, rec, false);
	if (v)
		side(inst, rec, v, GK_DST);
	return NFP_OK;
}

NFP_PLUGIN(filter, geoip) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_FILTER,
	.name = "GEOIP",
	.summary = "country, AS and flags of source and destination "
		   "(libloc or MaxMind mmdb)",
	.options = geo_options,
	.in_keys = geo_in_keys,
	.out_keys = geo_out_keys,
	.counters = geo_counters,
	.priv_size = sizeof(struct geo_priv),
	.configure = geo_configure,
	.process = geo_process,
	.reopen = geo_reopen,
	.release = geo_release,
};
