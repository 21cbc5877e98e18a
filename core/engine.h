/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core/engine.h - instances, stacks, trees and the record layout
 *
 * The engine turns a parsed config into loaded plugin instances and one tree
 * of stack positions (nodes) per source instance: stacks that begin with the
 * same instances in the same order share those nodes, so the shared part
 * runs once per record and the stacks branch after it. Every node owns the
 * slots of its output keys in its tree's record and maps its input keys to
 * the slots of the nearest producers upstream. All of it is laid out before
 * the first record; the hot path is array indexing and one indirect call per
 * node.
 *
 * Single-threaded: only the main thread touches instances and records.
 */
#ifndef NFP_ENGINE_H
#define NFP_ENGINE_H

#include "core.h"

struct nfp_tree;
struct nfp_engine;

/* One key visible at a node, for NFP_PF_ALL_KEYS consumers. */
struct nfp_vis {
	const char *name;   /* the producer's key name */
	enum nfp_type type; /* the producer's type */
	int32_t slot;	    /* in the tree's record */
};

/* A position in a stack. Several stacks may share it. */
struct nfp_node {
	struct nfp_core_inst *ci; /* the instance run here */
	struct nfp_node *parent;  /* NULL for a tree's root */
	struct nfp_node **child;  /* branches, in config order */
	unsigned int nchild;	  /* entries in child */
	int32_t *in_map;	  /* input key index -> slot or -1 */
	enum nfp_type *in_type;	  /* producer's type per input key */
	int32_t *out_map;	  /* output key index -> slot */
	uint64_t *out_used;	  /* bitmap by output key: consumed */
	struct nfp_vis *vis;	  /* keys visible here (ALL_KEYS only) */
	unsigned int nvis;	  /* entries in vis */
	const char *file;	  /* stack= line that created the node */
	unsigned int line;	  /* its line number */
};

/* Per-instance core state; plugins see only .pub. */
struct nfp_core_inst {
	struct nfp_inst pub;	      /* handed to the plugin */
	struct nfp_engine *eng;	      /* owner */
	struct nfp_core_inst *next;   /* engine's list, in creation order */
	char *name;		      /* instance name, owned */
	char *where;		      /* "file:line" of its section or stack */
	struct nfp_conf_section *sec; /* its options, or NULL */
	unsigned int n_in;	      /* entries in pub.in_keys */
	unsigned int n_out;	      /* entries in pub.out_keys */
	unsigned int nctr;	      /* entries in pub.ctr */
	struct nfp_tree *tree;	      /* records that start here, or NULL */
	bool opts_done;		      /* options parsed into priv */
	bool started;		      /* start() succeeded */
	bool dirty;		      /* output got records since its flush */
	struct nfp_core_inst *next_dirty; /* flush list */
	uint64_t rec_in;		  /* records handed to process() */
	uint64_t rec_out;		  /* records passed on (or pushed) */
	uint64_t rec_stop;		  /* records the plugin stopped */
	uint64_t rec_err;		  /* records that failed in process() */
	uint64_t flush_err;		  /* flush() failures */
	uint64_t rate_last;		  /* records at the last rate tick */
	double rate;			  /* records/s over the last tick */
};

/* One tree: a source instance, its nodes and the record they share. */
struct nfp_tree {
	struct nfp_core_inst *src; /* input, or emitting filter */
	struct nfp_node *root;	   /* src's node: out keys only */
	uint32_t nslots;	   /* slots in the record */
	struct nfp_value *slots;   /* the record's values */
	uint64_t *valid;	   /* the record's valid bitmap */
	struct nfp_rec rec;	   /* the one record of this tree */
	struct nfp_arena *arena;   /* strings of the current record */
	bool busy;		   /* a record is travelling */
	bool *slot_used;	   /* slot consumed downstream */
};

struct nfp_engine {
	struct nfp_core_inst *insts; /* all instances, creation order */
	struct nfp_tree **trees;     /* one per source */
	unsigned int ntrees;	     /* entries in trees */
	struct nfp_core_inst *dirty; /* outputs to flush */
	char *logfile;		     /* [global] logfile, or NULL */
	char *control_socket;	     /* [global] control_socket, or NULL */
	int loglevel;		     /* [global] loglevel, or 0 */
	struct nfp_conf *conf;	     /* owned: sections stay referenced */
};

/* nfpiped --check: nfp_checking() is true for the plugins' configure(). */
void nfp_engine_set_checking(bool on);

/*
 * Build an engine from a parsed config: load the plugins (static ones in
 * @statics first, NULL-terminated, may be NULL), parse every instance's
 * options, configure, wire the stacks and bind the keys. Every problem goes
 * to @d. Returns the engine (even with errors, so that all are found) or
 * NULL when out of memory. Takes ownership of @conf.
 */
struct nfp_engine *nfp_engine_new(struct nfp_conf *conf,
				  const struct nfp_plugin *const *statics,
				  struct nfp_diags *d);
/* Start instances: outputs, then filters, then inputs. 0 or -errno. */
int nfp_engine_start(struct nfp_engine *e);
/* Flush every output that got records since its last flush. */
void nfp_engine_flush(struct nfp_engine *e);
/* Call every instance's reopen (SIGHUP). */
void nfp_engine_reopen(struct nfp_engine *e);
/* Write each instance's counters to the log (SIGUSR1). */
void nfp_engine_dump_counters(struct nfp_engine *e);
/*
 * Reload: move every instance of @old that @ne would create unchanged (same
 * name, plugin, option lines and key tables) into @ne in place of the new,
 * never started one, with its state, sockets, timers and counters, and
 * rewire @ne's trees to it. Both engines must be flushed and between
 * wakeups; @ne was built without errors. Returns how many were carried
 * over. Freeing @old afterwards stops only what was not carried over;
 * nfp_engine_start(@ne) starts only what is new.
 */
unsigned int nfp_engine_adopt(struct nfp_engine *ne, struct nfp_engine *old);
/* Stop started instances (inputs first), then free everything. */
void nfp_engine_free(struct nfp_engine *e);
struct nfp_core_inst *nfp_engine_inst(struct nfp_engine *e, const char *name);

/* ---- records (record.c) ----------------------------------------------- */

struct nfp_arena *nfp_arena_new(void);
void nfp_arena_reset(struct nfp_arena *a);
void nfp_arena_free(struct nfp_arena *a);
/* Clear the valid bitmap and the arena. */
void nfp_rec_reset(struct nfp_rec *rec);

/* ---- plugins (loader.c) ----------------------------------------------- */

/* Directories searched, in order: $NFPIPE_PLUGIN_DIR, then PKGLIBDIR. */
int nfp_loader_init(void);
void nfp_loader_exit(void);
/*
 * The plugin called @name (as in configs, any case): from @statics, else a
 * module <kind>_<name>.so in the plugin directories. An input and an output
 * may share a name (PCAP reads and writes captures): @prefer (a kind, or 0)
 * says which is wanted, as a stack position does; the other kinds are
 * still found when the preferred one does not exist. NULL with *@why set
 * when none is found or it fails the ABI check.
 */
const struct nfp_plugin *
nfp_plugin_find(const char *name, int prefer,
		const struct nfp_plugin *const *statics, const char **why);
/* Every plugin found in the plugin directories (and @statics), sorted by
 * kind then name; the array is NULL-terminated and freed with free(). */
const struct nfp_plugin **
nfp_plugin_all(const struct nfp_plugin *const *statics);

/* ---- the loop (loop.c) ------------------------------------------------ */

int nfp_loop_init(void);
void nfp_loop_exit(void);
/* Run until nfp_loop_stop(); after each wakeup flush the engine. */
int nfp_loop_run(struct nfp_engine *e);
void nfp_loop_stop(void);
/* Remove and free every fd and timer of @inst (when it stops). */
void nfp_loop_forget(struct nfp_inst *inst);
/* Signals through signalfd: @cb gets the signal number. */
int nfp_loop_signals(const int *sigs, unsigned int n, void (*cb)(int sig));
/* Call the fd callbacks of every input's fds once (drain before exit). */
void nfp_loop_drain(void);
/*
 * @fn runs after each wakeup's batch and flush, when no record is in flight
 * (a reload, the control socket's replies). NULL: none.
 */
void nfp_loop_set_idle(void (*fn)(void));
/* The engine nfp_loop_run() flushes from now on (after a reload). */
void nfp_loop_set_engine(struct nfp_engine *e);
/* The fds @inst watches, at most @max into @fds; returns how many. */
int nfp_loop_inst_fds(const struct nfp_inst *inst, int *fds, int max);

/* ---- privileges (privs.c) -------------------------------------------- */

/*
 * Main, before the start callbacks: -u @user is what nfp_run_owner() and
 * nfp_own_path() work for. 0, or -ENOENT when there is no such user.
 */
int nfp_set_run_user(const char *user);
/* Become @user, keeping only what plugins asked for with nfp_keep_caps(). */
int nfp_drop_privileges(const char *user);

/* ---- the log (log.c) -------------------------------------------------- */

/* @path: a file, "stderr", "stdout" or "syslog"; NULL means stderr. */
int nfp_log_open(const char *path, int level);
int nfp_log_reopen(void);
void nfp_log_close(void);
void nfp_log_set_level(int level);

#endif /* NFP_ENGINE_H */
