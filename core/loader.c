/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core/loader - find plugins by name: linked in, or modules through libltdl
 *
 * A plugin NAME lives in <kind>_<name>.so (name in lower case) in the first
 * plugin directory that has it: $NFPIPE_PLUGIN_DIR (a ':'-separated list,
 * for running from the build tree), then the installed PKGLIBDIR. The module
 * exports `const struct nfp_plugin nfp_<kind>_<name>`; its ABI number, size,
 * kind and name are checked before it is used. Modules stay loaded until
 * nfp_loader_exit(): plugin structs and their strings point into them.
 */
#include "nfp.h"

#include <ctype.h>
#include <dirent.h>
#include <ltdl.h>

#include "engine.h"

struct loaded {
	struct loaded *next;	    /* list of modules opened */
	lt_dlhandle h;		    /* libltdl handle */
	const struct nfp_plugin *p; /* its plugin struct */
	char *path;		    /* where it came from */
};

static struct loaded *loaded;
static bool lt_ready;
static const char *const kinds[] = { "input", "filter", "output" };

int nfp_loader_init(void)
{
	if (lt_ready)
		return 0;
	if (lt_dlinit())
		return -ENOMEM;
	lt_ready = true;
	return 0;
}

void nfp_loader_exit(void)
{
	struct loaded *l, *n;

	for (l = loaded; l; l = n) {
		n = l->next;
#ifndef __SANITIZE_ADDRESS__
		lt_dlclose(l->h);
#else
		/* LeakSanitizer reports at exit: with the module gone, a
		 * plugin's leak would show as "<unknown module>". */
		(void)l->h;
#endif
		free(l->path);
		free(l);
	}
	loaded = NULL;
#ifndef __SANITIZE_ADDRESS__
	if (lt_ready)
		lt_dlexit(); /* it would close them all */
#endif
	lt_ready = false;
}

static const char *check_plugin(const struct nfp_plugin *p, int kind,
				const char *lname)
{
	size_t i;

	if (p->abi != NFP_PLUGIN_ABI)
		return "it was built for another version of the plugin ABI; rebuild it against these headers";
	if (p->size < NFP_PLUGIN_MIN_SIZE)
		return "its plugin struct is too small for this nfpiped";
	if (kind && (int)p->kind != kind)
		return "its kind does not match its file name";
	if (!p->name || (!p->process && p->kind != NFP_INPUT))
		return "it has no name or no process callback";
	for (i = 0; lname && p->name[i]; i++)
		if (tolower((unsigned char)p->name[i]) != lname[i])
			return "its name does not match its file name";
	if (lname && lname[i])
		return "its name does not match its file name";
	return NULL;
}

static const char *plugin_dirs(char *buf, size_t len)
{
	const char *env = getenv("NFPIPE_PLUGIN_DIR");

	if (env && *env)
		snprintf(buf, len, "%s:%s", env, PKGLIBDIR);
	else
		snprintf(buf, len, "%s", PKGLIBDIR);
	return buf;
}

/* Open @path and check the plugin it exports as nfp_@kind_@lname. */
static const struct nfp_plugin *open_module(const char *path, int kidx,
					    const char *lname, const char **why)
{
	const struct nfp_plugin *p;
	struct loaded *l;
	char sym[128];
	lt_dlhandle h;

	for (l = loaded; l; l = l->next)
		if (!strcmp(l->path, path))
			return l->p;
	if (nfp_loader_init() < 0) {
		*why = "libltdl failed to initialise";
		return NULL;
	}
	h = lt_dlopen(path);
	if (!h) {
		*why = lt_dlerror();
		return NULL;
	}
	snprintf(sym, sizeof(sym), "nfp_%s_%s", kinds[kidx], lname);
	p = lt_dlsym(h, sym);
	if (!p) {
		*why = "the module does not export its plugin struct";
		lt_dlclose(h);
		return NULL;
	}
	*why = check_plugin(p, kidx + 1, lname);
	if (*why) {
		lt_dlclose(h);
		return NULL;
	}
	l = calloc(1, sizeof(*l));
	if (!l || !(l->path = strdup(path))) {
		free(l);
		lt_dlclose(h);
		*why = "out of memory";
		return NULL;
	}
	l->h = h;
	l->p = p;
	l->next = loaded;
	loaded = l;
	return p;
}

const struct nfp_plugin *
nfp_plugin_find(const char *name, int prefer,
		const struct nfp_plugin *const *statics, const char **why)
{
	size_t order[ARRAY_SIZE(kinds)], k;
	char dirs[4096], lname[64], path[4200];
	const char *found_why = NULL;
	char *dir, *save = NULL;
	size_t i, n = strlen(name);

	*why = NULL;
	for (i = 0; prefer && statics && statics[i]; i++)
		if ((int)statics[i]->kind == prefer &&
		    !strcasecmp(statics[i]->name, name))
			return statics[i];
	for (i = 0; statics && statics[i]; i++)
		if (!strcasecmp(statics[i]->name, name))
			return statics[i];
	/* The preferred kind's file first, then the others in order. */
	k = 0;
	if (prefer >= NFP_INPUT && prefer <= NFP_OUTPUT)
		order[k++] = (size_t)prefer - 1;
	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		if ((int)i != prefer - 1)
			order[k++] = i;
	if (n == 0 || n >= sizeof(lname)) {
		*why = "no such plugin";
		return NULL;
	}
	for (i = 0; i <= n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c && !isalnum(c) && c != '_') {
			*why = "a plugin name has only letters, digits and '_'";
			return NULL;
		}
		lname[i] = (char)tolower(c);
	}
	plugin_dirs(dirs, sizeof(dirs));
	for (dir = strtok_r(dirs, ":", &save); dir;
	     dir = strtok_r(NULL, ":", &save)) {
		for (k = 0; k < ARRAY_SIZE(kinds); k++) {
			const struct nfp_plugin *p;
			const char *w;
			FILE *f;

			i = order[k];
			snprintf(path, sizeof(path), "%s/%s_%s.so", dir,
				 kinds[i], lname);
			f = fopen(path, "r");
			if (!f)
				continue;
			fclose(f);
			p = open_module(path, (int)i, lname, &w);
			if (p)
				return p;
			if (!found_why)
				found_why = w;
		}
	}
	*why = found_why ? found_why : "no such plugin";
	return NULL;
}

static int cmp_plugin(const void *a, const void *b)
{
	const struct nfp_plugin *pa = *(const struct nfp_plugin *const *)a;
	const struct nfp_plugin *pb = *(const struct nfp_plugin *const *)b;

	if (pa->kind != pb->kind)
		return (int)pa->kind - (int)pb->kind;
	return strcmp(pa->name, pb->name);
}

static int add_unique(const struct nfp_plugin ***v, size_t *n, size_t *cap,
		      const struct nfp_plugin *p)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*v)[i]->kind == p->kind &&
		    !strcasecmp((*v)[i]->name, p->name))
			return 0;
	if (*n + 2 > *cap) {
		size_t nc = *cap ? *cap * 2 : 32;
		const struct nfp_plugin **nv = realloc(*v, nc * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = p;
	(*v)[*n] = NULL;
	return 0;
}

const struct nfp_plugin **
nfp_plugin_all(const struct nfp_plugin *const *statics)
{
	const struct nfp_plugin **v = NULL;
	char dirs[4096], path[4200];
	size_t n = 0, cap = 0, i;
	char *dir, *save = NULL;

	for (i = 0; statics && statics[i]; i++)
		add_unique(&v, &n, &cap, statics[i]);
	plugin_dirs(dirs, sizeof(dirs));
	for (dir = strtok_r(dirs, ":", &save); dir;
	     dir = strtok_r(NULL, ":", &save)) {
		DIR *d = opendir(dir);
		struct dirent *de;

		if (!d)
			continue;
		while ((de = readdir(d))) {
			const char *us = strchr(de->d_name, '_');
			size_t len = strlen(de->d_name);
			char lname[64];
			const struct nfp_plugin *p;
			const char *why;
			size_t k, kl;

			if (!us || len < 4 ||
			    strcmp(de->d_name + len - 3, ".so"))
				continue;
			kl = (size_t)(us - de->d_name);
			for (k = 0; k < ARRAY_SIZE(kinds); k++)
				if (strlen(kinds[k]) == kl &&
				    !strncmp(de->d_name, kinds[k], kl))
					break;
			if (k == ARRAY_SIZE(kinds) ||
			    len - kl - 4 >= sizeof(lname))
				continue;
			memcpy(lname, us + 1, len - kl - 4);
			lname[len - kl - 4] = '\0';
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			p = open_module(path, (int)k, lname, &why);
			if (p)
				add_unique(&v, &n, &cap, p);
		}
		closedir(d);
	}
	if (!v)
		v = calloc(1, sizeof(*v));
	else
		qsort(v, n, sizeof(*v), cmp_plugin);
	return v;
}
