/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/harness - real engine, static plugins, packets from the test
 *
 * Builds the core's engine from config text exactly as nfpiped does, with the
 * plugins under test linked in, plus PKTIN (an input whose records the test
 * fills from struct nfpt_pkt with NFLOG's keys) and CAPTURE (an output that
 * keeps the last record's keys as text). Single-threaded, no loop needed:
 * nfpt_feed() pushes a record and flushes the outputs as a wakeup would.
 */
#include "nfp.h"

#include <arpa/inet.h>
#include <net/if_arp.h>
#include <linux/if_ether.h>
#include <sys/socket.h>

#include "engine.h"
#include "harness.h"
#include "tap.h"

/* ---- PKTIN ------------------------------------------------------------- */

enum pktin_keys {
	PK_RAW_MAC,
	PK_RAW_MAC_LEN,
	PK_RAW_PKT,
	PK_RAW_PKTLEN,
	PK_RAW_PKTCOUNT,
	PK_RAW_TYPE,
	PK_PREFIX,
	PK_TIME_SEC,
	PK_TIME_USEC,
	PK_MARK,
	PK_IFI_IN,
	PK_IFI_OUT,
	PK_HOOK,
	PK_FAMILY,
	PK_PROTOCOL,
	PK_UID,
	PK_GID,
	PK_IN,
	PK_OUT,
};

static const struct nfp_key pktin_keys[] = {
	[PK_RAW_MAC] = { "raw.mac", NFP_T_RAW },
	[PK_RAW_MAC_LEN] = { "raw.mac_len", NFP_T_U16 },
	[PK_RAW_PKT] = { "raw.pkt", NFP_T_RAW },
	[PK_RAW_PKTLEN] = { "raw.pktlen", NFP_T_U32 },
	[PK_RAW_PKTCOUNT] = { "raw.pktcount", NFP_T_U32 },
	[PK_RAW_TYPE] = { "raw.type", NFP_T_U16 },
	[PK_PREFIX] = { "oob.prefix", NFP_T_STRING },
	[PK_TIME_SEC] = { "oob.time.sec", NFP_T_U32 },
	[PK_TIME_USEC] = { "oob.time.usec", NFP_T_U32 },
	[PK_MARK] = { "oob.mark", NFP_T_U32 },
	[PK_IFI_IN] = { "oob.ifindex_in", NFP_T_U32 },
	[PK_IFI_OUT] = { "oob.ifindex_out", NFP_T_U32 },
	[PK_HOOK] = { "oob.hook", NFP_T_U8 },
	[PK_FAMILY] = { "oob.family", NFP_T_U8 },
	[PK_PROTOCOL] = { "oob.protocol", NFP_T_U16 },
	[PK_UID] = { "oob.uid", NFP_T_U32 },
	[PK_GID] = { "oob.gid", NFP_T_U32 },
	[PK_IN] = { "oob.in", NFP_T_STRING },
	[PK_OUT] = { "oob.out", NFP_T_STRING },
	{ 0 }
};

static const struct nfp_plugin pktin_plugin = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_INPUT,
	.name = "PKTIN",
	.summary = "test input: packets from the test",
	.out_keys = pktin_keys,
};

/* ---- CAPTURE ----------------------------------------------------------- */

struct cap_kv {
	char *name; /* key name */
	char *text; /* value as nfp_value_format gives it */
};

struct capture_priv {
	struct cap_kv *kv;    /* keys of the last record */
	unsigned int nkv;     /* entries in kv */
	unsigned int count;   /* records seen */
	unsigned int flushes; /* flush calls */
};

static void cap_clear(struct capture_priv *cp)
{
	unsigned int i;

	for (i = 0; i < cp->nkv; i++) {
		free(cp->kv[i].name);
		free(cp->kv[i].text);
	}
	free(cp->kv);
	cp->kv = NULL;
	cp->nkv = 0;
}

static enum nfp_ret capture_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	struct capture_priv *cp = inst->priv;
	unsigned int i, n = nfp_rec_nkeys(rec);

	cap_clear(cp);
	cp->kv = calloc(n + 1, sizeof(*cp->kv));
	for (i = 0; i < n; i++) {
		const struct nfp_value *v;
		const char *name;
		enum nfp_type type;
		char buf[8192];

		v = nfp_rec_key(rec, i, &name, &type);
		if (!v)
			continue;
		nfp_value_format(type, v, buf, sizeof(buf));
		cp->kv[cp->nkv].name = strdup(name);
		cp->kv[cp->nkv].text = strdup(buf);
		cp->nkv++;
	}
	cp->count++;
	return NFP_OK;
}

static int capture_flush(struct nfp_inst *inst)
{
	((struct capture_priv *)inst->priv)->flushes++;
	return 0;
}

static void capture_stop(struct nfp_inst *inst)
{
	cap_clear(inst->priv);
}

static const struct nfp_plugin capture_plugin = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_OUTPUT,
	.name = "CAPTURE",
	.summary = "test output: keeps the last record",
	.flags = NFP_PF_ALL_KEYS,
	.priv_size = sizeof(struct capture_priv),
	.process = capture_process,
	.flush = capture_flush,
	.stop = capture_stop,
};

/* ---- the harness ------------------------------------------------------- */

struct nfpt {
	struct nfp_engine *eng; /* built from the config text */
};

static const struct nfp_plugin **
with_test_plugins(const struct nfp_plugin *const *plugins)
{
	const struct nfp_plugin **v;
	size_t n = 0, i;

	while (plugins && plugins[n])
		n++;
	v = calloc(n + 3, sizeof(*v));
	if (!v)
		bail_out("out of memory");
	for (i = 0; i < n; i++)
		v[i] = plugins[i];
	v[n] = &pktin_plugin;
	v[n + 1] = &capture_plugin;
	return v;
}

/* From @conf's text named test.conf, or from file @path when @conf is NULL. */
static struct nfp_engine *build_from(const char *path, const char *conf,
				     const struct nfp_plugin *const *plugins,
				     struct nfp_diags *d)
{
	const struct nfp_plugin **all = with_test_plugins(plugins);
	struct nfp_conf *c = NULL;
	struct nfp_engine *e = NULL;

	nfp_diags_init(d);
	nfp_conf_parse(path, conf, &c, d);
	if (c)
		e = nfp_engine_new(c, all, d);
	free(all);
	return e;
}

static struct nfp_engine *build(const char *conf,
				const struct nfp_plugin *const *plugins,
				struct nfp_diags *d)
{
	return build_from("test.conf", conf, plugins, d);
}

struct nfpt *nfpt_new(const char *conf, const struct nfp_plugin *const *plugins)
{
	struct nfpt *t = calloc(1, sizeof(*t));
	struct nfp_diags d;

	if (!t)
		bail_out("out of memory");
	/* Plugins found in the build tree are not wanted: only the statics. */
	setenv("NFPIPE_PLUGIN_DIR", "/nonexistent", 1);
	t->eng = build(conf, plugins, &d);
	if (d.errors || !t->eng) {
		nfp_diags_print(&d, stdout);
		bail_out("harness config has %u errors", d.errors);
	}
	nfp_diags_free(&d);
	if (nfp_engine_start(t->eng) < 0)
		bail_out("an instance failed to start");
	return t;
}

static int check_from(const char *path, const char *conf,
		      const struct nfp_plugin *const *plugins, char *buf,
		      size_t len)
{
	struct nfp_engine *e;
	struct nfp_diag *dg;
	struct nfp_diags d;
	size_t o = 0;
	int n;

	setenv("NFPIPE_PLUGIN_DIR", "/nonexistent", 1);
	e = build_from(path, conf, plugins, &d);
	if (len)
		buf[0] = '\0';
	for (dg = d.head; dg && o + 2 < len; dg = dg->next) {
		nfp_diag_format(dg, buf + o, len - o - 1);
		o += strlen(buf + o);
		buf[o++] = '\n';
		buf[o] = '\0';
	}
	n = (int)d.errors;
	nfp_diags_free(&d);
	nfp_engine_free(e);
	return n;
}

int nfpt_check(const char *conf, const struct nfp_plugin *const *plugins,
	       char *buf, size_t len)
{
	return check_from("test.conf", conf, plugins, buf, len);
}

int nfpt_check_file(const char *path, const struct nfp_plugin *const *plugins,
		    char *buf, size_t len)
{
	return check_from(path, NULL, plugins, buf, len);
}

uint64_t nfpt_counter(struct nfpt *t, const char *inst, const char *name)
{
	struct nfp_inst *i = nfpt_inst(t, inst);
	unsigned int k;

	for (k = 0; i && i->plugin->counters && i->plugin->counters[k]; k++)
		if (!strcmp(i->plugin->counters[k], name))
			return __atomic_load_n(&i->ctr[k], __ATOMIC_RELAXED);
	return (uint64_t)-1;
}

char *nfpt_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return strdup("(missing)");
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)(n > 0 ? n : 0) + 1);
	if (buf && n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)
		buf[0] = '\0';
	fclose(f);
	return buf;
}

void nfpt_rmtree(const char *dir)
{
	char cmd[1200];

	if (getenv("NFPT_KEEP")) {
		diag("kept %s", dir);
		return;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
}

struct nfp_inst *nfpt_inst(struct nfpt *t, const char *name)
{
	struct nfp_core_inst *ci = nfp_engine_inst(t->eng, name);

	return ci ? &ci->pub : NULL;
}

void nfpt_feed(struct nfpt *t, const char *input, const struct nfpt_pkt *p)
{
	struct nfp_inst *inst = nfpt_inst(t, input);
	struct nfp_rec *rec;
	uint16_t proto = p->protocol;

	if (!inst || inst->plugin != &pktin_plugin)
		bail_out("no PKTIN instance %s", input);
	rec = nfp_rec_new(inst);
	if (!rec)
		bail_out("PKTIN %s feeds no stack", input);
	if (!proto)
		proto = p->family == AF_INET6 ? ETH_P_IPV6 : ETH_P_IP;
	nfp_set_u8(rec, PK_FAMILY, (uint8_t)p->family);
	nfp_set_u16(rec, PK_PROTOCOL, proto);
	if (p->data) {
		nfp_set_raw(rec, PK_RAW_PKT, p->data, (uint32_t)p->len);
		nfp_set_u32(rec, PK_RAW_PKTLEN, (uint32_t)p->len);
	}
	nfp_set_u32(rec, PK_RAW_PKTCOUNT, 1);
	if (p->prefix)
		nfp_set_str(rec, PK_PREFIX, p->prefix,
			    (uint32_t)strlen(p->prefix));
	nfp_set_u8(rec, PK_HOOK, p->hook);
	nfp_set_u32(rec, PK_MARK, p->mark);
	if (p->ifindex_in)
		nfp_set_u32(rec, PK_IFI_IN, p->ifindex_in);
	if (p->ifindex_out)
		nfp_set_u32(rec, PK_IFI_OUT, p->ifindex_out);
	if (p->indev)
		nfp_set_str(rec, PK_IN, p->indev, (uint32_t)strlen(p->indev));
	if (p->outdev)
		nfp_set_str(rec, PK_OUT, p->outdev,
			    (uint32_t)strlen(p->outdev));
	if (p->mac) {
		nfp_set_raw(rec, PK_RAW_MAC, p->mac, p->mac_len);
		nfp_set_u16(rec, PK_RAW_MAC_LEN, p->mac_len);
	}
	nfp_set_u16(rec, PK_RAW_TYPE, p->hwtype ? p->hwtype : ARPHRD_ETHER);
	if (p->has_uid) {
		nfp_set_u32(rec, PK_UID, p->uid);
		nfp_set_u32(rec, PK_GID, p->gid);
	}
	nfp_set_u32(rec, PK_TIME_SEC, p->sec);
	nfp_set_u32(rec, PK_TIME_USEC, p->usec);
	nfp_rec_push(inst, rec);
	nfp_engine_flush(t->eng);
}

static struct capture_priv *cap_of(struct nfpt *t, const char *cap)
{
	struct nfp_inst *inst = nfpt_inst(t, cap);

	if (!inst || inst->plugin != &capture_plugin)
		bail_out("no CAPTURE instance %s", cap);
	return inst->priv;
}

const char *nfpt_get(struct nfpt *t, const char *cap, const char *key)
{
	struct capture_priv *cp = cap_of(t, cap);
	unsigned int i;

	for (i = 0; i < cp->nkv; i++)
		if (!strcmp(cp->kv[i].name, key))
			return cp->kv[i].text;
	return NULL;
}

unsigned int nfpt_count(struct nfpt *t, const char *cap)
{
	return cap_of(t, cap)->count;
}

int nfpt_reload(struct nfpt *t, const char *conf,
		const struct nfp_plugin *const *plugins)
{
	struct nfp_engine *ne;
	struct nfp_diags d;
	int kept;

	ne = build(conf, plugins, &d);
	if (d.errors || !ne) {
		kept = -(int)d.errors;
		nfp_diags_free(&d);
		nfp_engine_free(ne);
		return kept < 0 ? kept : -1;
	}
	nfp_diags_free(&d);
	nfp_engine_flush(t->eng);
	kept = (int)nfp_engine_adopt(ne, t->eng);
	nfp_engine_free(t->eng);
	t->eng = ne;
	nfp_engine_flush(ne);
	if (nfp_engine_start(ne) < 0)
		bail_out("an instance failed to start after a reload");
	return kept;
}

void nfpt_free(struct nfpt *t)
{
	if (!t)
		return;
	nfp_engine_free(t->eng);
	nfp_loop_exit();
	free(t);
}
