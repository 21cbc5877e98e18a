/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core/engine - from a parsed config to wired, bound stacks; running records
 *
 * Consumes the config tree of config.c. Produces instances (plugin, options
 * parsed into their private area), one tree per source instance with the
 * stacks' shared prefixes merged, and for every node the maps from key
 * indexes to record slots. Every problem found on the way is a diagnostic
 * with file:line, the instance and a hint, and the work goes on so that one
 * run reports all of them. Runs on the main thread only.
 */
#include "nfp.h"

#include <ctype.h>
#include <stdarg.h>
#include <strings.h>
#include <sys/stat.h>

#include "engine.h"

/* A stack= line, split and resolved, before it joins a tree. */
struct stack_path {
	struct nfp_core_inst **ci; /* instances in order */
	unsigned int n;		   /* entries in ci */
	const char *file;	   /* where the stack= line is */
	unsigned int line;	   /* its line */
};

static const char *const global_keys[] = {
	"logfile", "loglevel", "plugin",	 "stack",
	"rmem",	   "bufsize",  "control_socket", NULL,
};

static unsigned int count_keys(const struct nfp_key *k)
{
	unsigned int n = 0;

	while (k && k[n].name)
		n++;
	return n;
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		abort();
	return p;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		abort();
	return p;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

struct nfp_core_inst *nfp_engine_inst(struct nfp_engine *e, const char *name)
{
	struct nfp_core_inst *ci;

	for (ci = e->insts; ci; ci = ci->next)
		if (!strcmp(ci->name, name))
			return ci;
	return NULL;
}

NFP_API const char *nfp_inst_where(const struct nfp_inst *inst)
{
	return inst->core ? inst->core->where : "?";
}

NFP_API int nfp_inst_conf_readable(const struct nfp_inst *inst)
{
	const struct nfp_core_inst *ci = inst ? inst->core : NULL;
	struct stat st;

	return ci && ci->sec && ci->sec->file &&
	       stat(ci->sec->file, &st) == 0 && (st.st_mode & S_IROTH);
}

/* Only allowed while the engine runs configure(). */
static struct nfp_core_inst *configuring;
/* Where configure()'s nfp_inst_error() reports: the engine's diagnostics. */
static struct nfp_diags *configuring_diags;
static unsigned int configuring_errors; /* nfp_inst_error() calls */
static bool checking;			/* nfpiped --check */

void nfp_engine_set_checking(bool on)
{
	checking = on;
}

NFP_API int nfp_checking(void)
{
	return checking;
}

NFP_API int nfp_inst_error(struct nfp_inst *inst, const char *option,
			   const char *hint, const char *fmt, ...)
{
	struct nfp_core_inst *ci = inst ? inst->core : NULL;
	const struct nfp_conf_entry *en, *at = NULL;
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!ci || ci != configuring || !configuring_diags) {
		nfp_log(inst, NFP_LOG_ERROR, "%s: %s%s%s", nfp_inst_where(inst),
			msg, hint ? "; " : "", hint ? hint : "");
		return -EINVAL;
	}
	/* The last line that set the option is the one that counts. */
	for (en = ci->sec && option ? ci->sec->entries : NULL; en;
	     en = en->next)
		if (!strcasecmp(en->key, option))
			at = en;
	configuring_errors++;
	nfp_diag(configuring_diags, NFP_LOG_ERROR,
		 at	   ? at->file
		 : ci->sec ? ci->sec->file
			   : NULL,
		 at	   ? at->line
		 : ci->sec ? ci->sec->line
			   : 0,
		 ci->name, hint, "%s", msg);
	return -EINVAL;
}

NFP_API int nfp_inst_set_keys(struct nfp_inst *inst,
			      const struct nfp_key *in_keys,
			      const struct nfp_key *out_keys)
{
	if (!inst->core || inst->core != configuring)
		return -EPERM;
	inst->in_keys = in_keys;
	inst->out_keys = out_keys;
	return 0;
}

/* ---- building ---------------------------------------------------------- */

/* "…/ulogd_output_LOGEMU.so" and "…/output_logemu.so" both give the name. */
static bool module_to_name(const char *path, char *name, size_t len)
{
	const char *b = strrchr(path, '/');
	const char *us;
	size_t n;

	b = b ? b + 1 : path;
	if (!strncmp(b, "ulogd_", 6))
		b += 6;
	us = strchr(b, '_');
	if (!us)
		return false;
	b = us + 1;
	n = strlen(b);
	if (n > 3 && !strcmp(b + n - 3, ".so"))
		n -= 3;
	if (n == 0 || n >= len)
		return false;
	memcpy(name, b, n);
	name[n] = '\0';
	return true;
}

/* All known plugin names, for "did you mean"; freed by the caller. */
static const char **plugin_names(const struct nfp_plugin *const *statics)
{
	const struct nfp_plugin **all = nfp_plugin_all(statics);
	const char **names;
	size_t i, n = 0;

	while (all[n])
		n++;
	names = xcalloc(n + 2, sizeof(*names));
	for (i = 0; i < n; i++)
		names[i] = all[i]->name;
	names[n] = "ULOG";
	free(all);
	return names;
}

static const char *kind_name(enum nfp_kind k)
{
	switch (k) {
	case NFP_INPUT:
		return "input";
	case NFP_FILTER:
		return "filter";
	case NFP_OUTPUT:
		return "output";
	}
	return "?";
}

/* The ULOG target left the kernel in 3.17: its options map onto NFLOG's. */
static void ulog_alias_options(struct nfp_conf_section *sec)
{
	struct nfp_conf_entry *en;

	for (en = sec ? sec->entries : NULL; en; en = en->next) {
		if (!strcmp(en->key, "nlgroup")) {
			free(en->key);
			en->key = xstrdup("group");
		} else if (!strcmp(en->key, "rmem")) {
			free(en->key);
			en->key = xstrdup("netlink_socket_buffer_size");
		}
	}
}

static struct nfp_core_inst *inst_new(struct nfp_engine *e, const char *name,
				      const struct nfp_plugin *p,
				      const char *file, unsigned int line,
				      struct nfp_diags *d)
{
	struct nfp_core_inst *ci = xcalloc(1, sizeof(*ci));
	struct nfp_core_inst **pp;
	unsigned int nctr = 0;
	char where[512];

	ci->eng = e;
	ci->name = xstrdup(name);
	ci->pub.name = ci->name;
	ci->pub.plugin = p;
	ci->pub.core = ci;
	ci->pub.priv = xcalloc(1, p->priv_size);
	ci->pub.in_keys = p->in_keys;
	ci->pub.out_keys = p->out_keys;
	while (p->counters && p->counters[nctr])
		nctr++;
	ci->nctr = nctr;
	ci->pub.ctr = xcalloc(nctr, sizeof(uint64_t));
	ci->sec = nfp_conf_section(e->conf, name);
	if (ci->sec)
		snprintf(where, sizeof(where), "%s:%u", ci->sec->file,
			 ci->sec->line);
	else
		snprintf(where, sizeof(where), "%s:%u", file, line);
	ci->where = xstrdup(where);
	for (pp = &e->insts; *pp; pp = &(*pp)->next)
		;
	*pp = ci;
	/* Errors go to @d; even a partly filled priv is freed later. */
	nfp_opts_apply(p->options, ci->pub.priv, ci->sec, name, d);
	ci->opts_done = true;
	return ci;
}

/* Parse one stack= line into @sp; false (with diagnostics) when it is bad. */
static bool parse_stack(struct nfp_engine *e, struct nfp_conf_entry *en,
			const struct nfp_plugin *const *statics,
			struct stack_path *sp, struct nfp_diags *d)
{
	char *copy = xstrdup(en->value), *tok, *save = NULL;
	const char **names = NULL;
	bool ok = true;
	unsigned int cap = 8, i, nel = 1, pos = 0;

	for (tok = copy; *tok; tok++)
		nel += *tok == ',';
	sp->ci = xcalloc(cap, sizeof(*sp->ci));
	sp->n = 0;
	sp->file = en->file;
	sp->line = en->line;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save), pos++) {
		char *el = trim(tok), *colon = strchr(el, ':');
		const struct nfp_plugin *p = NULL;
		struct nfp_core_inst *ci;
		const char *pname, *why;

		if (!*el) {
			nfp_diag(d, NFP_LOG_ERROR, en->file, en->line, NULL,
				 "write NAME:PLUGIN between the commas",
				 "empty element in stack");
			ok = false;
			continue;
		}
		if (colon) {
			*colon = '\0';
			pname = trim(colon + 1);
			el = trim(el);
		} else {
			pname = NULL;
		}
		if (!*el || (colon && !*pname)) {
			nfp_diag(d, NFP_LOG_ERROR, en->file, en->line, NULL,
				 "write it as NAME:PLUGIN, e.g. log1:NFLOG",
				 "stack element \"%s%s%s\" lacks %s", el,
				 colon ? ":" : "", colon ? pname : "",
				 *el ? "a plugin name" : "an instance name");
			ok = false;
			continue;
		}
		ci = nfp_engine_inst(e, el);
		if (!pname) {
			if (!ci) {
				nfp_diag(
					d, NFP_LOG_ERROR, en->file, en->line,
					el,
					"write it as NAME:PLUGIN, e.g. log1:NFLOG",
					"instance \"%s\" has no plugin", el);
				ok = false;
				continue;
			}
			goto have_inst;
		}
		if (!strcasecmp(pname, "ULOG")) {
			nfp_diag(
				d, NFP_LOG_WARN, en->file, en->line, el,
				"change the rule: -j ULOG --ulog-nlgroup N becomes -j NFLOG --nflog-group N (nft: log group N), and write NFLOG here",
				"the ULOG target left the kernel in 3.17; reading ULOG as NFLOG");
			ulog_alias_options(nfp_conf_section(e->conf, el));
			pname = "NFLOG";
		}
		p = nfp_plugin_find(pname,
				    pos == 0	     ? NFP_INPUT
				    : pos == nel - 1 ? NFP_OUTPUT
						     : NFP_FILTER,
				    statics, &why);
		if (!p) {
			char hint[256];
			const char *s;

			if (!names)
				names = plugin_names(statics);
			s = nfp_suggest(pname, names);
			if (s)
				snprintf(hint, sizeof(hint),
					 "did you mean \"%s\"?", s);
			else
				snprintf(
					hint, sizeof(hint),
					"nfpiped --list-plugins shows the plugins there are");
			nfp_diag(d, NFP_LOG_ERROR, en->file, en->line, el, hint,
				 "cannot load plugin \"%s\": %s", pname, why);
			ok = false;
			continue;
		}
		if (ci && ci->pub.plugin != p) {
			nfp_diag(
				d, NFP_LOG_ERROR, en->file, en->line, el,
				"give each instance one plugin, or use another instance name",
				"instance \"%s\" is a %s here but a %s at %s",
				el, p->name, ci->pub.plugin->name, ci->where);
			ok = false;
			continue;
		}
		if (!ci)
			ci = inst_new(e, el, p, en->file, en->line, d);
	have_inst:
		for (i = 0; i < sp->n; i++) {
			if (sp->ci[i] == ci) {
				nfp_diag(
					d, NFP_LOG_ERROR, en->file, en->line,
					el,
					"an instance runs once per stack; use a second instance",
					"instance \"%s\" appears twice in this stack",
					el);
				ok = false;
				break;
			}
		}
		if (i < sp->n)
			continue;
		if (sp->n == cap) {
			cap *= 2;
			sp->ci = realloc(sp->ci, cap * sizeof(*sp->ci));
			if (!sp->ci)
				abort();
		}
		sp->ci[sp->n++] = ci;
	}
	free(copy);
	free(names);
	if (!ok)
		return false;
	if (sp->n < 2) {
		nfp_diag(
			d, NFP_LOG_ERROR, en->file, en->line, NULL,
			"a stack is a source, any filters, and an output: stack=log1:NFLOG,base1:BASE,...,emu1:LOGEMU",
			"stack has %u element%s", sp->n, sp->n == 1 ? "" : "s");
		return false;
	}
	for (i = 0; i < sp->n; i++) {
		const struct nfp_plugin *p = sp->ci[i]->pub.plugin;
		const char *name = sp->ci[i]->name;

		if (i == 0) {
			if (p->kind == NFP_OUTPUT ||
			    (p->kind == NFP_FILTER &&
			     !(p->flags & NFP_PF_EMITS))) {
				nfp_diag(
					d, NFP_LOG_ERROR, en->file, en->line,
					name,
					"start the stack with an input such as NFLOG",
					"a stack starts with an input, but %s is %s %s",
					name,
					p->kind == NFP_OUTPUT ? "an" : "a",
					kind_name(p->kind));
				ok = false;
			}
		} else if (i == sp->n - 1) {
			if (p->kind != NFP_OUTPUT) {
				nfp_diag(
					d, NFP_LOG_ERROR, en->file, en->line,
					name,
					"end the stack with an output such as LOGEMU",
					"a stack ends with an output, but %s is %s %s",
					name, p->kind == NFP_INPUT ? "an" : "a",
					kind_name(p->kind));
				ok = false;
			}
		} else if (p->kind != NFP_FILTER) {
			nfp_diag(d, NFP_LOG_ERROR, en->file, en->line, name,
				 p->kind == NFP_INPUT
					 ? "an input can only start a stack"
					 : "an output can only end a stack",
				 "%s (%s %s) in the middle of a stack", name,
				 p->kind == NFP_INPUT ? "an" : "an",
				 kind_name(p->kind));
			ok = false;
		}
	}
	return ok;
}

static struct nfp_tree *tree_for(struct nfp_engine *e,
				 struct nfp_core_inst *src)
{
	struct nfp_tree *t;

	if (src->tree)
		return src->tree;
	t = xcalloc(1, sizeof(*t));
	t->src = src;
	t->root = xcalloc(1, sizeof(*t->root));
	t->root->ci = src;
	src->tree = t;
	e->trees = realloc(e->trees, (e->ntrees + 1) * sizeof(*e->trees));
	if (!e->trees)
		abort();
	e->trees[e->ntrees++] = t;
	return t;
}

static void tree_insert(struct nfp_engine *e, struct stack_path *sp)
{
	struct nfp_tree *t = tree_for(e, sp->ci[0]);
	struct nfp_node *n = t->root;
	unsigned int i, j;

	if (!n->file) {
		n->file = sp->file;
		n->line = sp->line;
	}
	for (i = 1; i < sp->n; i++) {
		struct nfp_node *c = NULL;

		for (j = 0; j < n->nchild; j++)
			if (n->child[j]->ci == sp->ci[i])
				c = n->child[j];
		if (!c) {
			c = xcalloc(1, sizeof(*c));
			c->ci = sp->ci[i];
			c->parent = n;
			c->file = sp->file;
			c->line = sp->line;
			n->child = realloc(n->child,
					   (n->nchild + 1) * sizeof(*n->child));
			if (!n->child)
				abort();
			n->child[n->nchild++] = c;
		}
		n = c;
	}
}

static bool type_ok(enum nfp_type want, enum nfp_type have)
{
	if (want == have || want == NFP_T_NONE)
		return true;
	if (want == NFP_T_ADDR && (have == NFP_T_IPV4 || have == NFP_T_IPV6))
		return true;
	return false;
}

/* Plugins that produce @key, for the hint of a missing key. */
static void producers(const char *key, const struct nfp_plugin *const *statics,
		      char *buf, size_t len)
{
	const struct nfp_plugin **all = nfp_plugin_all(statics);
	size_t i, o = 0;
	unsigned int k;

	buf[0] = '\0';
	for (i = 0; all[i]; i++) {
		const struct nfp_key *ok = all[i]->out_keys;

		for (k = 0; ok && ok[k].name; k++) {
			if (strcmp(ok[k].name, key))
				continue;
			if (o < len)
				o += (size_t)snprintf(buf + o, len - o, "%s%s",
						      o ? ", " : "",
						      all[i]->name);
			break;
		}
	}
	free(all);
}

/*
 * Whether key @k of node @a reaches the records below it: an emitted-only
 * key does in the stacks its filter starts (the tree's root), not where
 * the filter sits in the middle of a stack.
 */
static bool key_live(const struct nfp_node *a, unsigned int k)
{
	return !(a->ci->pub.out_keys[k].flags & NFP_KEYF_EMITTED) || !a->parent;
}

/* Find @name among the out keys of @n's ancestors, nearest first. */
static const struct nfp_node *find_producer(const struct nfp_node *n,
					    const char *name, unsigned int *idx)
{
	const struct nfp_node *a;
	unsigned int k;

	for (a = n->parent; a; a = a->parent) {
		const struct nfp_key *ok = a->ci->pub.out_keys;

		for (k = 0; k < a->ci->n_out; k++) {
			if (!strcmp(ok[k].name, name) && key_live(a, k)) {
				*idx = k;
				return a;
			}
		}
	}
	return NULL;
}

static void assign_slots(struct nfp_tree *t, struct nfp_node *n)
{
	unsigned int k;

	n->out_map = xcalloc(n->ci->n_out, sizeof(int32_t));
	for (k = 0; k < n->ci->n_out; k++)
		n->out_map[k] = (int32_t)t->nslots++;
	for (k = 0; k < n->nchild; k++)
		assign_slots(t, n->child[k]);
}

/* The keys an NFP_PF_ALL_KEYS consumer at @n sees, nearest producer first. */
static void build_vis(struct nfp_tree *t, struct nfp_node *n)
{
	unsigned int k;
	const struct nfp_node *a, *chain[64];
	unsigned int depth = 0, cap = 0, i;

	for (a = n->parent; a && depth < ARRAY_SIZE(chain); a = a->parent)
		chain[depth++] = a;
	for (i = 0; i < depth; i++)
		cap += chain[i]->ci->n_out;
	n->vis = xcalloc(cap, sizeof(*n->vis));
	/* Stack order, root first; a name already seen nearer wins. */
	while (depth--) {
		const struct nfp_node *s = chain[depth];

		for (k = 0; k < s->ci->n_out; k++) {
			const struct nfp_key *key = &s->ci->pub.out_keys[k];
			unsigned int idx;

			if ((key->flags & NFP_KEYF_INACTIVE) || !key_live(s, k))
				continue;
			if (find_producer(n, key->name, &idx) != s || idx != k)
				continue;
			n->vis[n->nvis].name = key->name;
			n->vis[n->nvis].type = key->type;
			n->vis[n->nvis].slot = s->out_map[k];
			t->slot_used[s->out_map[k]] = true;
			n->nvis++;
		}
	}
}

static void bind_node(struct nfp_engine *e, struct nfp_tree *t,
		      struct nfp_node *n,
		      const struct nfp_plugin *const *statics,
		      struct nfp_diags *d)
{
	const struct nfp_key *ik = n->ci->pub.in_keys;
	unsigned int k;

	n->in_map = xcalloc(n->ci->n_in, sizeof(int32_t));
	n->in_type = xcalloc(n->ci->n_in, sizeof(enum nfp_type));
	for (k = 0; k < n->ci->n_in; k++) {
		const struct nfp_node *p;
		unsigned int idx;

		n->in_map[k] = -1;
		p = find_producer(n, ik[k].name, &idx);
		if (!p) {
			char prod[512], hint[640];

			if (ik[k].flags & NFP_KEYF_OPTIONAL)
				continue;
			producers(ik[k].name, statics, prod, sizeof(prod));
			if (prod[0])
				snprintf(
					hint, sizeof(hint),
					"put a plugin that produces it before %s: %s",
					n->ci->name, prod);
			else
				snprintf(hint, sizeof(hint),
					 "no plugin known here produces it");
			nfp_diag(
				d, NFP_LOG_ERROR, n->file, n->line, n->ci->name,
				hint,
				"%s needs key \"%s\", which nothing before it in this stack produces",
				n->ci->pub.plugin->name, ik[k].name);
			continue;
		}
		if (!type_ok(ik[k].type, p->ci->pub.out_keys[idx].type)) {
			nfp_diag(
				d, NFP_LOG_ERROR, n->file, n->line, n->ci->name,
				"check the order of the stack",
				"key \"%s\" is %s from %s (%s), but %s wants %s",
				ik[k].name,
				nfp_type_name(p->ci->pub.out_keys[idx].type),
				p->ci->name, p->ci->pub.plugin->name,
				n->ci->pub.plugin->name,
				nfp_type_name(ik[k].type));
			continue;
		}
		n->in_map[k] = p->out_map[idx];
		n->in_type[k] = p->ci->pub.out_keys[idx].type;
		t->slot_used[p->out_map[idx]] = true;
	}
	if (n->ci->pub.plugin->flags & NFP_PF_ALL_KEYS)
		build_vis(t, n);
	for (k = 0; k < n->nchild; k++)
		bind_node(e, t, n->child[k], statics, d);
}

static void mark_used(struct nfp_tree *t, struct nfp_node *n)
{
	unsigned int k;

	n->out_used = xcalloc((n->ci->n_out + 63) / 64, sizeof(uint64_t));
	for (k = 0; k < n->ci->n_out; k++)
		if (t->slot_used[n->out_map[k]])
			n->out_used[k >> 6] |= UINT64_C(1) << (k & 63);
	for (k = 0; k < n->nchild; k++)
		mark_used(t, n->child[k]);
}

static int32_t no_keys[1] = { -1 };

static void tree_layout(struct nfp_engine *e, struct nfp_tree *t,
			const struct nfp_plugin *const *statics,
			struct nfp_diags *d)
{
	struct nfp_node *root = t->root;

	assign_slots(t, root);
	t->slot_used = xcalloc(t->nslots, sizeof(bool));
	root->in_map = xcalloc(1, sizeof(int32_t));
	root->in_map[0] = -1;
	for (unsigned int k = 0; k < root->nchild; k++)
		bind_node(e, t, root->child[k], statics, d);
	mark_used(t, root);
	t->slots = xcalloc(t->nslots, sizeof(struct nfp_value));
	t->rec.nvalid = (t->nslots + 63) / 64;
	t->valid = xcalloc(t->rec.nvalid, sizeof(uint64_t));
	t->arena = nfp_arena_new();
	if (!t->arena)
		abort();
	t->rec.slots = t->slots;
	t->rec.valid = t->valid;
	t->rec.nslots = t->nslots;
	t->rec.arena = t->arena;
	t->rec.in_map = no_keys;
	t->rec.out_map = root->out_map;
	t->rec.out_used = root->out_used;
	t->rec.node = root;
}

/* A stack starting at an emitting filter must not lead back to it. */
static bool reaches(const struct nfp_node *n, const struct nfp_core_inst *ci,
		    unsigned int depth)
{
	unsigned int k;

	if (depth > 64)
		return true;
	for (k = 0; k < n->nchild; k++) {
		const struct nfp_node *c = n->child[k];

		if (c->ci == ci)
			return true;
		if (c->ci->tree && reaches(c->ci->tree->root, ci, depth + 1))
			return true;
		if (reaches(c, ci, depth + 1))
			return true;
	}
	return false;
}

static void read_globals(struct nfp_engine *e, struct nfp_conf_section *g,
			 struct nfp_diags *d)
{
	struct nfp_conf_entry *en;

	for (en = g->entries; en; en = en->next) {
		en->used = true;
		if (!strcmp(en->key, "logfile")) {
			free(e->logfile);
			e->logfile = xstrdup(en->value);
		} else if (!strcmp(en->key, "loglevel")) {
			char *end;
			long v = strtol(en->value, &end, 10);

			if (*end || end == en->value || v < 1 || v > 8)
				nfp_diag(
					d, NFP_LOG_ERROR, en->file, en->line,
					"global",
					"1 debug, 3 info, 5 notice, 7 error, 8 fatal",
					"loglevel=%s is not a level from 1 to 8",
					en->value);
			else
				e->loglevel = (int)v;
		} else if (!strcmp(en->key, "control_socket")) {
			free(e->control_socket);
			e->control_socket = xstrdup(en->value);
		} else if (!strcmp(en->key, "plugin") ||
			   !strcmp(en->key, "stack")) {
			/* Handled by the caller, in order. */
		} else if (!strcmp(en->key, "rmem") ||
			   !strcmp(en->key, "bufsize")) {
			nfp_diag(
				d, NFP_LOG_WARN, en->file, en->line, "global",
				"set netlink_socket_buffer_size in the input's section instead",
				"%s in [global] has no effect in nfpiped",
				en->key);
		} else {
			const char *s = nfp_suggest(en->key, global_keys);
			char hint[128];

			if (s)
				snprintf(hint, sizeof(hint),
					 "did you mean \"%s\"?", s);
			else
				snprintf(
					hint, sizeof(hint),
					"[global] takes logfile, loglevel, control_socket, plugin and stack");
			nfp_diag(d, NFP_LOG_ERROR, en->file, en->line, "global",
				 hint, "unknown option \"%s\"", en->key);
		}
	}
}

struct nfp_engine *nfp_engine_new(struct nfp_conf *conf,
				  const struct nfp_plugin *const *statics,
				  struct nfp_diags *d)
{
	struct nfp_engine *e = xcalloc(1, sizeof(*e));
	struct nfp_conf_section *g;
	struct nfp_conf_entry *en;
	struct stack_path *paths = NULL;
	unsigned int npaths = 0, nstacks = 0, i;
	struct nfp_core_inst *ci;

	e->conf = conf;
	g = nfp_conf_section(conf, "global");
	if (!g) {
		nfp_diag(d, NFP_LOG_ERROR, conf->file, 0, NULL,
			 "add a [global] section with stack= lines",
			 "no [global] section");
		return e;
	}
	read_globals(e, g, d);
	for (en = g->entries; en; en = en->next) {
		if (!strcmp(en->key, "plugin")) {
			const struct nfp_plugin *p;
			char name[64];
			const char *why;

			if (!module_to_name(en->value, name, sizeof(name))) {
				nfp_diag(
					d, NFP_LOG_WARN, en->file, en->line,
					"global",
					"plugin= lines are optional in nfpiped: plugins load by name",
					"cannot tell a plugin name from \"%s\"",
					en->value);
				continue;
			}
			if (!strcasecmp(name, "ULOG"))
				continue;
			p = nfp_plugin_find(name, 0, statics, &why);
			if (!p)
				nfp_diag(d, NFP_LOG_WARN, en->file, en->line,
					 "global",
					 "a stack that uses it will fail",
					 "nfpiped has no plugin %s (%s)", name,
					 why);
		} else if (!strcmp(en->key, "stack")) {
			struct stack_path sp;

			nstacks++;
			if (parse_stack(e, en, statics, &sp, d)) {
				paths = realloc(paths,
						(npaths + 1) * sizeof(*paths));
				if (!paths)
					abort();
				paths[npaths++] = sp;
			} else {
				free(sp.ci);
			}
		}
	}
	if (!nstacks)
		nfp_diag(
			d, NFP_LOG_ERROR, g->file, g->line, "global",
			"add stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,print1:PRINTPKT,emu1:LOGEMU",
			"no stack= line in [global]");
	for (ci = e->insts; ci; ci = ci->next) {
		if (ci->pub.plugin->configure && !d->errors) {
			configuring = ci;
			configuring_diags = d;
			configuring_errors = 0;
			/* A plugin that said what is wrong needs no line more.
			 */
			if (ci->pub.plugin->configure(&ci->pub) < 0 &&
			    !configuring_errors)
				nfp_diag(d, NFP_LOG_ERROR,
					 ci->sec ? ci->sec->file : NULL,
					 ci->sec ? ci->sec->line : 0, ci->name,
					 NULL,
					 "configuration failed (see above)");
			configuring = NULL;
			configuring_diags = NULL;
		}
		ci->n_in = count_keys(ci->pub.in_keys);
		ci->n_out = count_keys(ci->pub.out_keys);
	}
	for (i = 0; i < npaths; i++) {
		tree_insert(e, &paths[i]);
		free(paths[i].ci);
	}
	free(paths);
	for (i = 0; i < e->ntrees; i++) {
		struct nfp_tree *t = e->trees[i];

		if (t->src->pub.plugin->kind == NFP_FILTER &&
		    reaches(t->root, t->src, 0))
			nfp_diag(
				d, NFP_LOG_ERROR, t->root->file, t->root->line,
				t->src->name,
				"an emitting filter's stack must not lead back to it",
				"records emitted by %s would come back to it",
				t->src->name);
		tree_layout(e, t, statics, d);
	}
	return e;
}

/* ---- running ----------------------------------------------------------- */

static void run_children(struct nfp_node *n, struct nfp_rec *rec)
{
	unsigned int k;

	for (k = 0; k < n->nchild; k++) {
		struct nfp_node *c = n->child[k];
		struct nfp_core_inst *ci = c->ci;
		enum nfp_ret r;

		rec->in_map = c->in_map;
		rec->out_map = c->out_map;
		rec->out_used = c->out_used;
		rec->node = c;
		ci->rec_in++;
		r = ci->pub.plugin->process(&ci->pub, rec);
		if (likely(r == NFP_OK)) {
			ci->rec_out++;
			if (c->nchild)
				run_children(c, rec);
			else if (!ci->dirty && ci->pub.plugin->flush) {
				ci->dirty = true;
				ci->next_dirty = ci->eng->dirty;
				ci->eng->dirty = ci;
			}
		} else if (r == NFP_STOP) {
			ci->rec_stop++;
		} else {
			ci->rec_err++;
		}
	}
}

NFP_API struct nfp_rec *nfp_rec_new(struct nfp_inst *inst)
{
	struct nfp_tree *t = inst->core ? inst->core->tree : NULL;

	if (!t || t->busy)
		return NULL;
	nfp_rec_reset(&t->rec);
	t->rec.in_map = no_keys;
	t->rec.out_map = t->root->out_map;
	t->rec.out_used = t->root->out_used;
	t->rec.node = t->root;
	return &t->rec;
}

NFP_API void nfp_rec_push(struct nfp_inst *inst, struct nfp_rec *rec)
{
	struct nfp_tree *t = inst->core->tree;

	if (!t || rec != &t->rec || t->busy)
		return;
	t->busy = true;
	inst->core->rec_out++;
	run_children(t->root, rec);
	t->busy = false;
}

void nfp_engine_flush(struct nfp_engine *e)
{
	struct nfp_core_inst *ci, *n;

	for (ci = e->dirty; ci; ci = n) {
		n = ci->next_dirty;
		ci->dirty = false;
		ci->next_dirty = NULL;
		if (ci->pub.plugin->flush(&ci->pub) < 0)
			ci->flush_err++;
	}
	e->dirty = NULL;
}

static int start_kind(struct nfp_engine *e, enum nfp_kind kind)
{
	struct nfp_core_inst *ci;
	int err;

	for (ci = e->insts; ci; ci = ci->next) {
		if (ci->pub.plugin->kind != kind || ci->started)
			continue;
		if (ci->pub.plugin->start) {
			err = ci->pub.plugin->start(&ci->pub);
			if (err < 0) {
				nfp_log(&ci->pub, NFP_LOG_ERROR,
					"failed to start (%s): %s", ci->where,
					strerror(-err));
				return err;
			}
		}
		ci->started = true;
	}
	return 0;
}

int nfp_engine_start(struct nfp_engine *e)
{
	int err;

	err = start_kind(e, NFP_OUTPUT);
	if (!err)
		err = start_kind(e, NFP_FILTER);
	if (!err)
		err = start_kind(e, NFP_INPUT);
	return err;
}

void nfp_engine_reopen(struct nfp_engine *e)
{
	struct nfp_core_inst *ci;

	for (ci = e->insts; ci; ci = ci->next)
		if (ci->started && ci->pub.plugin->reopen)
			ci->pub.plugin->reopen(&ci->pub);
}

void nfp_engine_dump_counters(struct nfp_engine *e)
{
	struct nfp_core_inst *ci;

	for (ci = e->insts; ci; ci = ci->next) {
		char buf[1024];
		size_t o = 0;
		unsigned int i;

		for (i = 0; i < ci->nctr && o < sizeof(buf); i++)
			o += (size_t)snprintf(
				buf + o, sizeof(buf) - o, " %s=%llu",
				ci->pub.plugin->counters[i],
				/* workers add to them */
				(unsigned long long)__atomic_load_n(
					&ci->pub.ctr[i], __ATOMIC_RELAXED));
		buf[o < sizeof(buf) ? o : sizeof(buf) - 1] = '\0';
		nfp_log(&ci->pub, NFP_LOG_NOTICE,
			"counters: in=%llu out=%llu stopped=%llu errors=%llu flush_errors=%llu%s",
			(unsigned long long)ci->rec_in,
			(unsigned long long)ci->rec_out,
			(unsigned long long)ci->rec_stop,
			(unsigned long long)ci->rec_err,
			(unsigned long long)ci->flush_err, o ? buf : "");
	}
}

static void stop_kind(struct nfp_engine *e, enum nfp_kind kind)
{
	struct nfp_core_inst *ci;

	for (ci = e->insts; ci; ci = ci->next) {
		if (ci->pub.plugin->kind != kind || !ci->started)
			continue;
		if (ci->pub.plugin->stop)
			ci->pub.plugin->stop(&ci->pub);
		nfp_loop_forget(&ci->pub);
		ci->started = false;
		/* An input's stop may push its last records. */
		nfp_engine_flush(e);
	}
}

static void node_free(struct nfp_node *n)
{
	unsigned int k;

	for (k = 0; k < n->nchild; k++)
		node_free(n->child[k]);
	free(n->child);
	free(n->in_map);
	free(n->in_type);
	free(n->out_map);
	free(n->out_used);
	free(n->vis);
	free(n);
}

/* Release and free one instance that is stopped (or never started). */
static void inst_free(struct nfp_core_inst *ci)
{
	const struct nfp_plugin *pl = ci->pub.plugin;

	if (ci->opts_done && pl->size > NFP_PLUGIN_MIN_SIZE && pl->release)
		pl->release(&ci->pub);
	if (ci->opts_done)
		nfp_opts_free(ci->pub.plugin->options, ci->pub.priv);
	free(ci->pub.priv);
	free(ci->pub.ctr);
	free(ci->name);
	free(ci->where);
	free(ci);
}

/* ---- reload ------------------------------------------------------------ */

/* The same option lines, in the same order (file and line may differ). */
static bool same_section(const struct nfp_conf_section *a,
			 const struct nfp_conf_section *b)
{
	const struct nfp_conf_entry *x, *y;

	if (!a || !b)
		return a == b;
	for (x = a->entries, y = b->entries; x && y; x = x->next, y = y->next)
		if (strcmp(x->key, y->key) || strcmp(x->value, y->value))
			return false;
	return !x && !y;
}

/* configure() may build key tables (SQL columns): compare their contents. */
static bool same_keys(const struct nfp_key *a, unsigned int na,
		      const struct nfp_key *b, unsigned int nb)
{
	unsigned int i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (strcmp(a[i].name, b[i].name) || a[i].type != b[i].type ||
		    a[i].flags != b[i].flags)
			return false;
	return true;
}

static void node_replace(struct nfp_tree *t, struct nfp_node *n,
			 struct nfp_core_inst *from, struct nfp_core_inst *to)
{
	unsigned int k;

	if (n->ci == from)
		n->ci = to;
	for (k = 0; k < n->nchild; k++)
		node_replace(t, n->child[k], from, to);
}

/* Key names seen by ALL_KEYS consumers point into producers' tables. */
static void node_revis(struct nfp_tree *t, struct nfp_node *n)
{
	unsigned int k;

	if (n->ci->pub.plugin->flags & NFP_PF_ALL_KEYS) {
		free(n->vis);
		n->vis = NULL;
		n->nvis = 0;
		build_vis(t, n);
	}
	for (k = 0; k < n->nchild; k++)
		node_revis(t, n->child[k]);
}

unsigned int nfp_engine_adopt(struct nfp_engine *ne, struct nfp_engine *old)
{
	struct nfp_core_inst **pp, **op, *n, *o;
	unsigned int i, kept = 0;
	char *tmp;

	for (pp = &ne->insts; (n = *pp); pp = &(*pp)->next) {
		for (op = &old->insts; (o = *op); op = &o->next)
			if (!strcmp(o->name, n->name))
				break;
		if (!o || !o->started || o->pub.plugin != n->pub.plugin ||
		    !same_section(o->sec, n->sec) ||
		    !same_keys(o->pub.in_keys, o->n_in, n->pub.in_keys,
			       n->n_in) ||
		    !same_keys(o->pub.out_keys, o->n_out, n->pub.out_keys,
			       n->n_out))
			continue;
		/* Out of the old engine's list, into the new one's place. */
		*op = o->next;
		o->next = n->next;
		*pp = o;
		o->eng = ne;
		o->dirty = false;
		o->next_dirty = NULL;
		o->sec = n->sec; /* the old config goes with the old engine */
		tmp = o->where;
		o->where = n->where;
		n->where = tmp;
		o->tree = n->tree;
		n->tree = NULL;
		if (o->tree)
			o->tree->src = o;
		for (i = 0; i < ne->ntrees; i++)
			node_replace(ne->trees[i], ne->trees[i]->root, n, o);
		inst_free(n);
		kept++;
	}
	for (i = 0; i < ne->ntrees; i++)
		node_revis(ne->trees[i], ne->trees[i]->root);
	return kept;
}

void nfp_engine_free(struct nfp_engine *e)
{
	struct nfp_core_inst *ci, *n;
	unsigned int i;

	if (!e)
		return;
	stop_kind(e, NFP_INPUT);
	nfp_engine_flush(e);
	stop_kind(e, NFP_FILTER);
	stop_kind(e, NFP_OUTPUT);
	for (i = 0; i < e->ntrees; i++) {
		struct nfp_tree *t = e->trees[i];

		node_free(t->root);
		free(t->slots);
		free(t->valid);
		free(t->slot_used);
		nfp_arena_free(t->arena);
		free(t);
	}
	free(e->trees);
	for (ci = e->insts; ci; ci = n) {
		n = ci->next;
		inst_free(ci);
	}
	free(e->logfile);
	free(e->control_socket);
	nfp_conf_free(e->conf);
	free(e);
}
