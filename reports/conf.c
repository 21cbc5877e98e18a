/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reports/conf - the daemon's config as the subcommands see it
 *
 * The CLI reads nfpiped.conf with the core's own parser (core/config.c),
 * so a file the daemon accepts is read the same way here: the report
 * finds its database in the SQL output's section, status finds the
 * control socket in [global]. Only syntax is checked here; `nfpipe check`
 * runs the daemon's full check.
 */
#include "nfp.h"

#include "cli.h"
#include "core.h"

struct nfp_conf *cli_conf_load(const char *path)
{
	struct nfp_conf *conf = NULL;
	struct nfp_diags d;

	if (!path)
		path = CLI_DEFAULT_CONFIG;
	nfp_diags_init(&d);
	if (nfp_conf_parse(path, NULL, &conf, &d) < 0 || d.errors) {
		nfp_diags_print(&d, stderr);
		nfp_diags_free(&d);
		nfp_conf_free(conf);
		return NULL;
	}
	nfp_diags_free(&d);
	return conf;
}

const char *cli_conf_get(const struct nfp_conf *conf, const char *section,
			 const char *key)
{
	const struct nfp_conf_section *s = nfp_conf_section(conf, section);
	const struct nfp_conf_entry *e;
	const char *v = NULL;

	if (!s)
		return NULL;
	for (e = s->entries; e; e = e->next)
		if (!strcmp(e->key, key))
			v = e->value;
	return v;
}

/* Is @name (length @len) in @names[0..n)? */
static bool have_name(char **names, int n, const char *name, size_t len)
{
	int i;

	for (i = 0; i < n; i++)
		if (strlen(names[i]) == len && !strncmp(names[i], name, len))
			return true;
	return false;
}

int cli_conf_instances(const struct nfp_conf *conf, const char *plugin,
		       char **names, int max)
{
	const struct nfp_conf_section *g = nfp_conf_section(conf, "global");
	const struct nfp_conf_entry *e;
	size_t plen = strlen(plugin);
	int n = 0;

	if (!g)
		return 0;
	for (e = g->entries; e; e = e->next) {
		const char *p = e->value;

		if (strcmp(e->key, "stack"))
			continue;
		/* "log1:NFLOG,base1:BASE,db1:SQLITE3" */
		while (*p) {
			const char *end = p + strcspn(p, ",");
			const char *colon = memchr(p, ':', end - p);

			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			if (colon && (size_t)(end - colon - 1) >= plen &&
			    !strncasecmp(colon + 1, plugin, plen) &&
			    strspn(colon + 1 + plen, " \t") ==
				    (size_t)(end - colon - 1 - plen) &&
			    !have_name(names, n, p, colon - p) && n < max) {
				names[n] = strndup(p, colon - p);
				if (names[n])
					n++;
			}
			p = *end ? end + 1 : end;
		}
	}
	return n;
}
