/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfpipe/plugin.h - the contract between the core and every plugin
 *
 * A plugin is a const, versioned data struct. A module built from
 * plugins/<kind>/<name>/ exports it as nfp_<kind>_<name> (NFP_PLUGIN below),
 * so the loader finds it from the file name and tests can link it
 * statically. The core parses the plugin's options into its private area,
 * binds its keys, and calls it from the main thread only:
 *
 *   configure  (optional) options are parsed; may replace the key tables
 *   start      open resources; inputs register fds and timers
 *   process    filters and outputs, once per record and stack position
 *   flush      outputs: after each wakeup's batch, and on stop
 *   reopen     SIGHUP: reopen files
 *   stop       flush, close, free what start() and later allocated
 *   release    (optional) free what configure() allocated; also for an
 *              instance that never started (nfpiped --check, a config
 *              error elsewhere), after stop() when it did
 *
 * An input fills a record from nfp_rec_new() and hands it to nfp_rec_push(),
 * which runs it through every stack that starts at the input. A filter
 * declared NFP_PF_EMITS may do the same with its own instance: the records
 * go to the stacks that start with that filter's instance name.
 */
#ifndef NFPIPE_PLUGIN_H
#define NFPIPE_PLUGIN_H

#include <stddef.h>

#include <nfpipe/api.h>
#include <stdint.h>

#include <nfpipe/key.h>
#include <nfpipe/log.h>
#include <nfpipe/loop.h>
#include <nfpipe/option.h>

/* Bumped whenever struct nfp_plugin or struct nfp_inst change layout. */
#define NFP_PLUGIN_ABI 1

enum nfp_kind {
	NFP_INPUT = 1,
	NFP_FILTER,
	NFP_OUTPUT,
};

enum nfp_ret {
	NFP_OK = 0, /* go on down the stack */
	NFP_STOP,   /* drop this record for the rest of this stack */
	NFP_ERROR,  /* counted; the record stops here like NFP_STOP */
};

/* Plugin flags. */
#define NFP_PF_ALL_KEYS 0x1 /* consumes every key upstream (OPRINT) */
#define NFP_PF_EMITS	0x2 /* filter that emits records of its own */

struct nfp_inst;

struct nfp_plugin {
	uint32_t abi;	     /* NFP_PLUGIN_ABI, checked at load */
	uint32_t size;	     /* sizeof(struct nfp_plugin) */
	enum nfp_kind kind;  /* NFP_INPUT, NFP_FILTER, NFP_OUTPUT */
	const char *name;    /* "LOGEMU", as written in configs */
	const char *summary; /* one line for --list-plugins */
	uint32_t flags;	     /* NFP_PF_* */
	const struct nfp_option *options; /* { 0 }-terminated, or NULL */
	const struct nfp_key *in_keys;	  /* consumed; NULL for inputs */
	const struct nfp_key *out_keys;	  /* produced; NULL for outputs */
	const char *const *counters;	  /* NULL-terminated names, or NULL */
	size_t priv_size;		  /* zeroed per-instance state */
	int (*configure)(struct nfp_inst *inst); /* optional */
	int (*start)(struct nfp_inst *inst);	 /* optional */
	enum nfp_ret (*process)(struct nfp_inst *inst, struct nfp_rec *rec);
	int (*flush)(struct nfp_inst *inst);   /* optional */
	void (*reopen)(struct nfp_inst *inst); /* optional */
	void (*stop)(struct nfp_inst *inst);   /* optional */
	/*
	 * Optional, and only read when .size covers it (plugins built before
	 * it existed load unchanged): called once for every instance whose
	 * options were parsed, last, with its priv as configure() (if it ran
	 * at all) left it, started or not.
	 */
	void (*release)(struct nfp_inst *inst);
};

/* The plugin struct as it was before .release: the smallest size loaded. */
#define NFP_PLUGIN_MIN_SIZE offsetof(struct nfp_plugin, release)

struct nfp_core_inst;

/* A configured plugin: "emu1:LOGEMU" and its [emu1] section. */
struct nfp_inst {
	const struct nfp_plugin *plugin; /* what this is an instance of */
	const char *name;		 /* "emu1"; owned by the core */
	void *priv;			 /* plugin->priv_size zeroed bytes */
	uint64_t *ctr;			 /* one per plugin->counters name */
	const struct nfp_key *in_keys;	 /* plugin's, or set by configure */
	const struct nfp_key *out_keys;	 /* plugin's, or set by configure */
	struct nfp_core_inst *core;	 /* the core's own state */
};

#define NFP_PLUGIN(kind, name)                                                 \
	NFP_API extern const struct nfp_plugin nfp_##kind##_##name;            \
	NFP_API const struct nfp_plugin nfp_##kind##_##name

/*
 * Replace the instance's key tables (from configure only), e.g. with the
 * columns a database table has. The tables are { 0 }-terminated and owned
 * by the plugin, which keeps them valid until stop.
 */
NFP_API int nfp_inst_set_keys(struct nfp_inst *inst,
			      const struct nfp_key *in_keys,
			      const struct nfp_key *out_keys);

/*
 * From start() on: true when input key @key (an index into the instance's
 * in_keys) is bound to a producer in at least one stack position where
 * @inst runs; false for an optional key nothing upstream produces (its
 * value is then never set).
 */
NFP_API bool nfp_inst_in_bound(const struct nfp_inst *inst, unsigned int key);

/*
 * Inputs and emitting filters: a reset record laid out for the stacks that
 * start at @inst, or NULL when none does (a filter nobody listens to). The
 * record belongs to the core; fill it, then push it.
 */
NFP_API struct nfp_rec *nfp_rec_new(struct nfp_inst *inst);

/* Run @rec through every stack that starts at @inst. */
NFP_API void nfp_rec_push(struct nfp_inst *inst, struct nfp_rec *rec);

/*
 * Keep capabilities @caps (bits numbered as in <linux/capability.h>, e.g.
 * 1ULL << CAP_NET_ADMIN) when nfpiped -u USER drops privileges after the
 * start callbacks; call it from start(). Everything else root had is gone
 * from the first moment the process runs as USER.
 */
NFP_API int nfp_keep_caps(struct nfp_inst *inst, uint64_t caps);

/*
 * The user nfpiped runs as after `-u USER`: 1 with *@uid and *@gid set, or
 * 0 when there is none (it runs as it was started). Either pointer may be
 * NULL. Any thread.
 */
NFP_API int nfp_run_owner(unsigned int *uid, unsigned int *gid);

/*
 * A file or directory the plugin made (or opens) as root belongs to the -u
 * user: chowned at once while the daemon is still root, and again when the
 * privileges drop (a directory: with the entries in it, one level, so files
 * made in it meanwhile go too). Symbolic links are not followed. Without
 * -u, or once the daemon runs as USER (then it creates files as USER
 * anyway), nothing happens. Call it for a database, a spool, an RRD or a
 * log file, so that a restart as USER can write them. The directory holding
 * a file is not changed: it must let USER create files when the plugin
 * makes new ones later. 0 or a negative errno. Any thread.
 */
NFP_API int nfp_own_path(const struct nfp_inst *inst, const char *path);

/* The config file line of this instance's section, for messages. */
NFP_API const char *nfp_inst_where(const struct nfp_inst *inst);

/*
 * True when every user may read the config file that holds the instance's
 * section: a secret the plugin finds in a value (a password inside a
 * connection string) is then no secret, worth a warning. Options flagged
 * NFP_OPT_SECRET get that warning from the core.
 */
NFP_API int nfp_inst_conf_readable(const struct nfp_inst *inst);

/*
 * From configure(): report what is wrong with the instance's configuration
 * as a config error, at the file:line of option @option when the section
 * sets it (else the section's line; @option may be NULL), with @hint saying
 * what to change (may be NULL), like the core's own option errors: every
 * error of the config is printed at once and nothing starts. Outside
 * configure() it logs an error naming the instance's config line. Returns
 * -EINVAL, so configure() can `return nfp_inst_error(...)`.
 */
NFP_API int nfp_inst_error(struct nfp_inst *inst, const char *option,
			   const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * True while `nfpiped --check` runs the configure() callbacks: a plugin
 * checks what it can (files, names, values) but creates nothing and
 * connects nowhere it would not have to (a database's column list may
 * still be read).
 */
NFP_API int nfp_checking(void);

/*
 * Inputs that can run out (a capture file at its end): nothing more will
 * come from @inst. When every started input has said so, the daemon stops
 * as on SIGTERM (outputs flush) and exits 0; `nfpiped --replay` relies on
 * it.
 */
NFP_API void nfp_input_done(struct nfp_inst *inst);

/* True once SIGTERM/SIGINT asked the daemon to stop: inputs stop reading. */
NFP_API int nfp_stopping(void);

#endif /* NFPIPE_PLUGIN_H */
