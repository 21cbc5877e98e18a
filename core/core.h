/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core/core.h - interfaces between the parts of the core
 *
 * Not installed: plugins see include/nfpipe/ only. Functions return 0 or a
 * negative errno and never print; configuration problems are collected as
 * diagnostics so that one run reports all of them.
 */
#ifndef NFP_CORE_H
#define NFP_CORE_H

#include "nfp.h"

/* ---- diagnostics (diag.c) ---------------------------------------------- */

/*
 * One problem found in a config, printed as
 *   FILE:LINE: error: [INSTANCE] MESSAGE; HINT
 * (the parts that are unknown are left out).
 */
struct nfp_diag {
	struct nfp_diag *next; /* list in the order found */
	enum nfp_level level;  /* NFP_LOG_ERROR or NFP_LOG_WARN */
	char *file;	       /* config file, or NULL */
	unsigned int line;     /* 1-based; 0 when not tied to a line */
	char *inst;	       /* instance name, or NULL */
	char *msg;	       /* what is wrong */
	char *hint;	       /* what to change, or NULL */
};

struct nfp_diags {
	struct nfp_diag *head;	/* owned */
	struct nfp_diag **tail; /* where the next one goes */
	unsigned int errors;	/* count of NFP_LOG_ERROR entries */
	unsigned int warnings;	/* count of NFP_LOG_WARN entries */
};

void nfp_diags_init(struct nfp_diags *d);
/* @hint may be NULL; @fmt builds the message. Out of memory aborts. */
void nfp_diag(struct nfp_diags *d, enum nfp_level level, const char *file,
	      unsigned int line, const char *inst, const char *hint,
	      const char *fmt, ...) NFP_PRINTF(7, 8);
/* Print every diagnostic, one per line, in the format above. */
void nfp_diags_print(const struct nfp_diags *d, FILE *f);
/* Format one diagnostic into @buf (for tests and the log). */
int nfp_diag_format(const struct nfp_diag *dg, char *buf, size_t len);
void nfp_diags_free(struct nfp_diags *d);

/* The closest of @cands (NULL-terminated) to @word, or NULL if none is near. */
const char *nfp_suggest(const char *word, const char *const *cands);

/* ---- config file (config.c) -------------------------------------------- */

struct nfp_conf_entry {
	struct nfp_conf_entry *next; /* in file order */
	char *key;		     /* left of '=', trimmed */
	char *value;		     /* right of '=', unquoted, unescaped */
	const char *file;	     /* owned by struct nfp_conf */
	unsigned int line;	     /* 1-based */
	bool quoted;		     /* value was written in quotes */
	bool used;		     /* consumed by option parsing */
};

struct nfp_conf_section {
	struct nfp_conf_section *next;	/* in file order */
	char *name;			/* between the brackets */
	const char *file;		/* owned by struct nfp_conf */
	unsigned int line;		/* line of the [header] */
	struct nfp_conf_entry *entries; /* owned */
};

struct nfp_conf {
	struct nfp_conf_section *sections; /* owned, in file order */
	char *file;			   /* path as given */
};

/*
 * Parse ulogd.conf syntax from @path, or from @text when @text is not NULL
 * (then @path is only the name used in messages). Syntax errors are added
 * to @d and parsing goes on; returns 0, or -errno when the file cannot be
 * read (also added to @d). *@out is set even when @d got errors.
 */
int nfp_conf_parse(const char *path, const char *text, struct nfp_conf **out,
		   struct nfp_diags *d);
struct nfp_conf_section *nfp_conf_section(const struct nfp_conf *c,
					  const char *name);
void nfp_conf_free(struct nfp_conf *c);

/* ---- options (option.c) ------------------------------------------------ */

/*
 * Parse @sec (may be NULL: defaults only) against @tab into @priv. Every
 * entry it consumes is marked used; unknown keys, bad values, values out of
 * bounds and missing required options go to @d with file:line, @inst and a
 * hint. Returns 0 or -EINVAL when @d got an error from this call.
 */
int nfp_opts_apply(const struct nfp_option *tab, void *priv,
		   struct nfp_conf_section *sec, const char *inst,
		   struct nfp_diags *d);
/* Free what nfp_opts_apply() allocated in @priv (strings). */
void nfp_opts_free(const struct nfp_option *tab, void *priv);
/* The option table as --help-plugin prints it. */
void nfp_opts_help(const struct nfp_option *tab, FILE *f);
/* Parse one value of @type as user input would be: for tests and defaults. */
int nfp_opt_parse_value(const struct nfp_option *opt, const char *value,
			void *dst, const char **why);

/* ---- privileges (privs.c) -------------------------------------------- */

/*
 * Any thread: wait while a -u user is set and the drop to it is still to
 * come (sink workers, before they connect and create files). Returns at
 * once without -u.
 */
void nfp_privs_wait(void);
/* Main: the drop is done or will not happen (a failed start): wake them. */
void nfp_privs_settle(void);

/* ---- queued sinks (sink.c) -------------------------------------------- */

/*
 * Main: one line per running sink saying what its worker is doing, for
 * the SIGUSR1 dump after the counters.
 */
void nfp_sink_log_states(void);

/* One running sink as the control socket's status shows it. */
struct nfp_sink_state {
	const struct nfp_inst *inst; /* its instance */
	char state[32];		     /* what the worker does: "idle", ... */
	bool up;		     /* the worker has a connection */
	bool down;		     /* the last connect or write failed */
	uint32_t queued;	     /* batches in the memory queue */
	uint64_t queued_rows;	     /* rows in them */
	uint64_t spool_bytes;	     /* spool size on disk */
	int64_t oldest_spooled;	     /* wall s of the oldest pending spooled
				      * row (approximate), 0: none */
};

/* Main: @cb once for every running sink, its state read under its lock. */
void nfp_sink_states(void (*cb)(const struct nfp_sink_state *st, void *arg),
		     void *arg);

#endif /* NFP_CORE_H */
