/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core/replay - inputs that end, and the pieces of `nfpiped --replay`
 *
 * nfp_input_done() is how an input that can run out (PCAP at the end of
 * its file) tells the core; when every started input has done so the loop
 * stops as on SIGTERM, so outputs flush and nfpiped exits 0. For --replay,
 * nfp_replay_rewrite() turns a config's NFLOG instances into PCAP instances
 * reading the capture, keeping the stacks, and the progress bar shows how
 * far the reading got (the file offset of the capture's descriptor, found
 * by device and inode, so the input needs no extra API). Main thread only.
 */
#include "nfp.h"

#include <dirent.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "replay.h"

/* ---- inputs that end ----------------------------------------------------- */

static struct {
	const struct nfp_engine *eng; /* whose inputs these are */
	const struct nfp_inst **done; /* inputs that said they are done */
	unsigned int n;		      /* entries in done */
	unsigned int cap;	      /* allocated entries */
} D;

static bool is_done(const struct nfp_inst *inst)
{
	unsigned int i;

	for (i = 0; i < D.n; i++)
		if (D.done[i] == inst)
			return true;
	return false;
}

NFP_API void nfp_input_done(struct nfp_inst *inst)
{
	const struct nfp_engine *e = inst->core->eng;
	const struct nfp_core_inst *ci;
	bool all = true;

	/* A new engine (tests build several) starts a new list. */
	if (D.eng != e) {
		D.eng = e;
		D.n = 0;
	}
	if (!is_done(inst)) {
		if (D.n == D.cap) {
			unsigned int cap = D.cap ? D.cap * 2 : 8;
			const struct nfp_inst **v;

			v = realloc(D.done, cap * sizeof(*v));
			if (!v)
				return;
			D.done = v;
			D.cap = cap;
		}
		D.done[D.n++] = inst;
	}
	for (ci = e->insts; ci; ci = ci->next)
		if (ci->started && ci->pub.plugin->kind == NFP_INPUT &&
		    !is_done(&ci->pub))
			all = false;
	if (all) {
		nfp_log(NULL, NFP_LOG_INFO, "every input is done: stopping");
		nfp_loop_stop();
	}
}

/* ---- config rewrite ------------------------------------------------------ */

static bool is_nflog(const char *plugin)
{
	return !strcasecmp(plugin, "NFLOG") || !strcasecmp(plugin, "ULOG");
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

/* The plugin named for instance @name in any stack= line, or NULL. */
static const char *plugin_of(struct nfp_conf_section *g, const char *name,
			     char *buf, size_t len)
{
	struct nfp_conf_entry *en;

	for (en = g->entries; en; en = en->next) {
		char *copy, *tok, *save = NULL;

		if (strcmp(en->key, "stack"))
			continue;
		copy = strdup(en->value);
		if (!copy)
			return NULL;
		for (tok = strtok_r(copy, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			char *c = strchr(tok, ':');

			if (!c)
				continue;
			*c = '\0';
			if (!strcmp(trim(tok), name)) {
				snprintf(buf, len, "%s", trim(c + 1));
				free(copy);
				return buf;
			}
		}
		free(copy);
	}
	return NULL;
}

/* The instance that starts stack @value, in @buf. */
static const char *source_of(const char *value, char *buf, size_t len)
{
	char *c;

	snprintf(buf, len, "%s", value);
	c = strchr(buf, ',');
	if (c)
		*c = '\0';
	c = strchr(buf, ':');
	if (c)
		*c = '\0';
	return trim(buf);
}

/*
 * Rewrite one stack= value: NAME:NFLOG becomes NAME:PCAP; the names go to
 * @names (at most @max). Returns the new value (malloc'd) or NULL.
 */
static char *rewrite_stack(const char *value, char (*names)[64],
			   unsigned int *n, unsigned int max)
{
	size_t cap = strlen(value) + 64, o = 0;
	char *copy = strdup(value), *out = malloc(cap), *tok, *save = NULL;

	if (!copy || !out) {
		free(copy);
		free(out);
		return NULL;
	}
	out[0] = '\0';
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *c = strchr(tok, ':'), *name = tok;
		const char *pl = NULL;
		size_t need;

		if (c) {
			*c = '\0';
			pl = trim(c + 1);
			name = trim(tok);
			if (is_nflog(pl)) {
				pl = "PCAP";
				if (*n < max)
					snprintf(names[(*n)++], 64, "%s", name);
			}
		}
		need = strlen(name) + (pl ? strlen(pl) + 1 : 0) + 2;
		if (o + need >= cap) {
			char *bigger = realloc(out, cap * 2 + need);

			if (!bigger) {
				free(copy);
				free(out);
				return NULL;
			}
			out = bigger;
			cap = cap * 2 + need;
		}
		o += (size_t)sprintf(out + o, "%s%s%s%s", o ? "," : "", name,
				     pl ? ":" : "", pl ? pl : "");
	}
	free(copy);
	return out;
}

static struct nfp_conf_entry *new_entry(struct nfp_conf *c, const char *key,
					const char *value)
{
	struct nfp_conf_entry *en = calloc(1, sizeof(*en));

	if (!en)
		return NULL;
	en->key = strdup(key);
	en->value = strdup(value);
	en->file = c->file;
	if (!en->key || !en->value) {
		free(en->key);
		free(en->value);
		free(en);
		return NULL;
	}
	return en;
}

static void free_entry(struct nfp_conf_entry *en)
{
	free(en->key);
	free(en->value);
	free(en);
}

/* Make [name] hold file=@file and the numeric_label it had, nothing else. */
static int replace_section(struct nfp_conf *c, const char *name,
			   const char *file)
{
	struct nfp_conf_section *sec = nfp_conf_section(c, name), **pp;
	struct nfp_conf_entry *en, *next, *keep = NULL, *f;

	if (!sec) {
		sec = calloc(1, sizeof(*sec));
		if (!sec || !(sec->name = strdup(name))) {
			free(sec);
			return -ENOMEM;
		}
		sec->file = c->file;
		for (pp = &c->sections; *pp; pp = &(*pp)->next)
			;
		*pp = sec;
	}
	for (en = sec->entries; en; en = next) {
		next = en->next;
		if (!strcmp(en->key, "numeric_label") && !keep) {
			keep = en;
			keep->next = NULL;
		} else {
			free_entry(en);
		}
	}
	f = new_entry(c, "file", file);
	if (!f) {
		sec->entries = keep;
		return -ENOMEM;
	}
	f->line = sec->line;
	f->next = keep;
	sec->entries = f;
	return 0;
}

int nfp_replay_rewrite(struct nfp_conf *c, const char *file,
		       struct nfp_diags *d)
{
	struct nfp_conf_section *g = nfp_conf_section(c, "global");
	struct nfp_conf_entry **pp, *en;
	char names[64][64], buf[256], pbuf[64];
	unsigned int n = 0, i, kept = 0;

	if (!g) {
		nfp_diag(d, NFP_LOG_ERROR, c->file, 0, NULL,
			 "a [global] section with stack= lines is needed",
			 "--replay: the config has no [global] section");
		return 0;
	}
	for (pp = &g->entries; (en = *pp);) {
		const char *src, *pl;
		char *v;

		if (strcmp(en->key, "stack")) {
			pp = &en->next;
			continue;
		}
		src = source_of(en->value, buf, sizeof(buf));
		pl = plugin_of(g, src, pbuf, sizeof(pbuf));
		if (pl && !is_nflog(pl) && strcasecmp(pl, "PCAP")) {
			const struct nfp_plugin *p;
			const char *why;

			p = nfp_plugin_find(pl, NFP_INPUT, NULL, &why);
			if (p && p->kind == NFP_INPUT) {
				nfp_diag(
					d, NFP_LOG_WARN, en->file, en->line,
					src, NULL,
					"--replay: dropping this stack: a capture cannot feed %s",
					pl);
				*pp = en->next;
				free_entry(en);
				continue;
			}
		}
		v = rewrite_stack(en->value, names, &n, ARRAY_SIZE(names));
		if (!v)
			return -ENOMEM;
		free(en->value);
		en->value = v;
		kept++;
		pp = &en->next;
	}
	for (i = 0; i < n; i++)
		if (replace_section(c, names[i], file) < 0)
			return -ENOMEM;
	if (!n)
		nfp_diag(
			d, NFP_LOG_ERROR, c->file, 0, NULL,
			"replay feeds the stacks that start with an NFLOG instance, e.g. stack=log1:NFLOG,base1:BASE,...",
			"--replay: no stack of %u starts with NFLOG", kept);
	return (int)n;
}

/* ---- progress bar -------------------------------------------------------- */

static struct {
	struct nfp_engine *eng;	 /* whose inputs' records to count */
	struct nfp_timer *timer; /* redraws, NULL when off */
	int fd;			 /* the capture's descriptor, -1 */
	off_t size;		 /* the capture's size */
} P = { .fd = -1 };

/* Our own descriptor open on @st's file, or -1. */
static int find_fd(const struct stat *st)
{
	struct dirent *de;
	struct stat s;
	DIR *dir = opendir("/proc/self/fd");
	int fd, found = -1;

	if (!dir)
		return -1;
	while ((de = readdir(dir))) {
		fd = atoi(de->d_name);
		if (de->d_name[0] == '.' || fd == dirfd(dir))
			continue;
		if (fstat(fd, &s) == 0 && s.st_dev == st->st_dev &&
		    s.st_ino == st->st_ino) {
			found = fd;
			break;
		}
	}
	closedir(dir);
	return found;
}

static void draw(bool final)
{
	const struct nfp_core_inst *ci;
	unsigned long long recs = 0;
	off_t pos = P.fd >= 0 ? lseek(P.fd, 0, SEEK_CUR) : -1;
	int pct = 0, i, w;
	char bar[41];

	for (ci = P.eng->insts; ci; ci = ci->next)
		if (ci->pub.plugin->kind == NFP_INPUT)
			recs += ci->rec_out;
	if (pos >= 0 && P.size > 0)
		pct = (int)(pos * 100 / P.size);
	if (final || pct > 100)
		pct = 100;
	w = pct * 40 / 100;
	for (i = 0; i < 40; i++)
		bar[i] = i < w ? '#' : ' ';
	bar[40] = '\0';
	fprintf(stderr, "\r[%s] %3d%% %llu records%s", bar, pct, recs,
		final ? "\n" : "");
	fflush(stderr);
}

static void tick(struct nfp_inst *inst, void *arg)
{
	draw(false);
}

void nfp_replay_progress_start(struct nfp_engine *e, const char *file)
{
	struct stat st;

	if (!isatty(STDERR_FILENO) || stat(file, &st) < 0)
		return;
	P.eng = e;
	P.size = st.st_size;
	P.fd = find_fd(&st);
	P.timer = nfp_timer_new(NULL, tick, NULL);
	if (P.timer)
		nfp_timer_arm(P.timer, 200, 200);
}

void nfp_replay_progress_end(void)
{
	if (!P.timer)
		return;
	/* The reading is over: the descriptor may be closed or reused. */
	P.fd = -1;
	draw(true);
	nfp_timer_free(P.timer);
	P.timer = NULL;
}
