/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/rrd - packet and byte counts per group into round-robin databases
 *
 * Consumes the key named by `group` (any type) and the size keys: for
 * packets ip.totlen, ip6.payloadlen or raw.pktlen; for flows NFCT's
 * orig/reply.raw.pktcount and .pktlen (and ct.event, so that only the
 * totals of ended flows are added). Produces nothing. Each group value is
 * one RRD file <directory>/<stem>.rrd, plus "all" for the total and
 * "other" for groups past `max_groups`. The data sources are DERIVE (min 0)
 * fed with running totals, so `rrdtool lastupdate` shows exact counts and
 * graphs show rates; an existing file with the same data sources is reused
 * and its totals continue from its last values.
 *
 * Threading: process() only adds to in-memory totals on the main thread.
 * Every `step` a timer copies the totals into a hand-over area under a
 * mutex (a newer copy replaces one the worker has not taken yet: totals
 * merge by themselves) and one worker thread per instance creates, checks
 * and updates the files with librrd, or through rrdcached (`daemon`). The
 * loop never waits on the disk or on rrdcached; stop() hands over a last
 * copy and waits at most `stop_timeout` for the worker, then leaves it
 * running detached with the state it shares (freed by whichever side lets
 * go last). Failures are counted and logged at a bounded rate; a file whose
 * data sources differ is left alone and named in the log.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strdup, asprintf */
#endif
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <rrd.h>
#include <rrd_client.h>

#include <nfpipe/plugin.h>

#include "rrd_out.h"

#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/var"
#endif

#define MAX_DS	       4       /* data sources per file at most (flows) */
#define FILE_MAX_DS    16      /* data sources read from an existing file */
#define STAMP_GAP_US   1000    /* least gap between two updates of a file */
#define CLOCK_SLACK_US 2000000 /* clock steps back this far are merged */

enum rrd_mode { MODE_AUTO, MODE_PACKETS, MODE_FLOWS };

static const char *const mode_names[] = { "auto", "packets", "flows", NULL };

static const char *const ds_packets[] = { "packets", "bytes" };
static const char *const ds_flows[] = { "in_packets", "in_bytes", "out_packets",
					"out_bytes" };

enum rrd_ctr { C_UPDATES, C_UPDATE_ERRORS, C_GROUPS, C_OVERFLOW, C_MISMATCH };

static const char *const rrd_counters[] = { "updates",	  "update_errors",
					    "groups",	  "overflow",
					    "mismatched", NULL };

enum rrd_key {
	K_TOTLEN,
	K_P6LEN,
	K_PKTLEN,
	K_ORIG_PKTS,
	K_ORIG_BYTES,
	K_REPLY_PKTS,
	K_REPLY_BYTES,
	K_CT_EVENT,
	K__FIXED, /* the group key follows when it is none of the above */
};

static const struct nfp_key rrd_fixed_keys[K__FIXED + 1] = {
	[K_TOTLEN] = { "ip.totlen", NFP_T_U16, NFP_KEYF_OPTIONAL,
		       "IPv4 total length: bytes of a packet" },
	[K_P6LEN] = { "ip6.payloadlen", NFP_T_U16, NFP_KEYF_OPTIONAL,
		      "IPv6 payload length: bytes of a packet, plus 40" },
	[K_PKTLEN] = { "raw.pktlen", NFP_T_U32, NFP_KEYF_OPTIONAL,
		       "bytes of a packet when neither length above is set" },
	[K_ORIG_PKTS] = { "orig.raw.pktcount", NFP_T_U64, NFP_KEYF_OPTIONAL,
			  "flows: packets in the original direction" },
	[K_ORIG_BYTES] = { "orig.raw.pktlen", NFP_T_U64, NFP_KEYF_OPTIONAL,
			   "flows: bytes in the original direction" },
	[K_REPLY_PKTS] = { "reply.raw.pktcount", NFP_T_U64, NFP_KEYF_OPTIONAL,
			   "flows: packets in the reply direction" },
	[K_REPLY_BYTES] = { "reply.raw.pktlen", NFP_T_U64, NFP_KEYF_OPTIONAL,
			    "flows: bytes in the reply direction" },
	[K_CT_EVENT] = { "ct.event", NFP_T_U32, NFP_KEYF_OPTIONAL,
			 "flows: only DESTROY (4) records are added" },
	{ 0 }
};

/* The state of one file, as the worker sees it. */
enum file_state {
	FS_NEW = 0, /* not looked at yet: open or create on next pass */
	FS_OK,	    /* checked or created: updates go in */
	FS_BAD,	    /* data sources differ: left alone until SIGHUP */
	FS_ERR,	    /* could not be read or created: tried again */
};

/* One group's file. @path and @born are set by the main thread before the
 * file's index first appears in a hand-over; the rest is the worker's. */
struct rrd_file {
	char *path;		  /* <directory>/<stem>.rrd, owned */
	int64_t born_us;	  /* wall clock of the group's 1st record */
	enum file_state state;	  /* see enum file_state */
	unsigned int pos[MAX_DS]; /* our data source i is file DS pos[i] */
	unsigned int nfile_ds;	  /* data sources in the file */
	uint64_t base[MAX_DS];	  /* totals the file had when opened */
	int64_t last_us;	  /* last update's time, as far as known */
	uint64_t sent[MAX_DS];	  /* run totals of the last update */
	bool has_sent;		  /* sent[] holds an update */
};

/* The totals of every group at one moment, handed to the worker. */
struct rrd_snap {
	uint64_t (*v)[MAX_DS]; /* per group index: running totals */
	unsigned int n;	       /* groups in v */
	int64_t stamp_us;      /* wall clock the totals are from */
};

/*
 * What the main thread and the worker share. The mutex guards the fields
 * marked (L); @files entries are published through the hand-over (see
 * struct rrd_file); the counters are atomics the main thread copies into
 * the instance's counters at every tick and at stop.
 */
struct rrd_shared {
	pthread_mutex_t lock;	  /* (L) guard */
	pthread_cond_t wake;	  /* worker: a hand-over or stop */
	pthread_cond_t gone;	  /* main: the worker has finished */
	int refs;		  /* (L) main and worker; last one frees */
	bool stop;		  /* (L) no more hand-overs: finish */
	bool exited;		  /* (L) the worker has finished */
	bool rescan;		  /* (L) SIGHUP: look at FS_BAD files again */
	bool pending;		  /* (L) pend holds a hand-over */
	struct rrd_snap pend;	  /* (L) the latest hand-over */
	struct rrd_snap work;	  /* worker: the one being written */
	struct rrd_file *files;	  /* cap entries, see above */
	unsigned int cap;	  /* groups at most, all and other included */
	unsigned int nds;	  /* data sources: set before 1st hand-over */
	const char *const *ds;	  /* their names */
	unsigned long step;	  /* seconds */
	bool idle_updates;	  /* update files whose totals stood still */
	char *daemon;		  /* rrdcached address, or NULL; owned */
	char *name;		  /* instance name for log_inst; owned */
	struct nfp_inst log_inst; /* name only: the worker's messages */
	struct nfp_ratelimit rl_update;	 /* worker: update failures */
	struct nfp_ratelimit rl_conn;	 /* worker: rrdcached connection */
	struct nfp_ratelimit rl_clock;	 /* worker: clock went back */
	atomic_uint_fast64_t n_updates;	 /* updates written */
	atomic_uint_fast64_t n_errors;	 /* updates or creates failed */
	atomic_uint_fast64_t n_mismatch; /* files left alone */
};

/* One group on the main thread. */
struct rrd_group {
	char *name;	      /* the file stem, owned */
	uint64_t tot[MAX_DS]; /* running totals since start */
};

struct rrd_priv {
	char *directory;       /* option directory */
	char *group;	       /* option group: the key name */
	bool total;	       /* option total: an "all" file */
	uint64_t max_groups;   /* option max_groups */
	int mode;	       /* option mode, enum rrd_mode */
	uint64_t step;	       /* option step, seconds */
	char *daemon;	       /* option daemon */
	bool idle_updates;     /* option idle_updates */
	uint64_t stop_timeout; /* option stop_timeout, ms */

	struct nfp_key keys[K__FIXED + 2]; /* fixed + group key + { 0 } */
	unsigned int kgroup;		   /* index of the group key in keys */
	char *dir;			   /* directory made absolute, owned */
	bool flows;			   /* mode resolved to flows */
	unsigned int nds;	  /* 0 until the first record decides */
	struct rrd_group *groups; /* cap entries */
	unsigned int ngroups;	  /* entries in use */
	unsigned int nuser;	  /* groups that count to max_groups */
	int g_all;		  /* index of "all", -1 none yet */
	int g_other;		  /* index of "other", -1 none yet */
	unsigned int *hash;	  /* open addressing: group index + 1 */
	unsigned int hmask;	  /* hash slots - 1 */
	struct rrd_shared *sh;	  /* with the worker; NULL before start */
	pthread_t thread;	  /* the worker */
	bool thread_ok;		  /* thread was started */
	struct nfp_timer *timer;  /* every step */
};

static const struct nfp_option rrd_options[] = {
	{ .name = "directory",
	  .type = NFP_OPT_PATH,
	  .def = LOCALSTATEDIR "/lib/nfpipe/rrd",
	  .off = offsetof(struct rrd_priv, directory),
	  .help = "Directory of the RRD files, made if missing." },
	{ .name = "group",
	  .type = NFP_OPT_STRING,
	  .def = "oob.prefix",
	  .off = offsetof(struct rrd_priv, group),
	  .help = "Key whose value picks the file: oob.prefix, ip.protocol, "
		  "oob.in, ip.saddr.str, ..." },
	{ .name = "total",
	  .type = NFP_OPT_BOOL,
	  .def = "1",
	  .off = offsetof(struct rrd_priv, total),
	  .help = "Also keep all.rrd with the totals of every record." },
	{ .name = "max_groups",
	  .type = NFP_OPT_UINT,
	  .def = "256",
	  .min = 1,
	  .max = 65536,
	  .off = offsetof(struct rrd_priv, max_groups),
	  .help = "Files at most; later groups go to other.rrd (counted)." },
	{ .name = "mode",
	  .type = NFP_OPT_ENUM,
	  .def = "auto",
	  .enums = mode_names,
	  .off = offsetof(struct rrd_priv, mode),
	  .help = "packets (NFLOG), flows (NFCT: per direction), or auto: "
		  "flows when orig/reply counters are bound." },
	{ .name = "step",
	  .type = NFP_OPT_UINT,
	  .def = "60",
	  .min = 1,
	  .max = 86400,
	  .off = offsetof(struct rrd_priv, step),
	  .help = "Seconds between updates; the RRD step of new files." },
	{ .name = "daemon",
	  .type = NFP_OPT_STRING,
	  .off = offsetof(struct rrd_priv, daemon),
	  .help = "rrdcached address (unix:/path or host:port); unset: "
		  "write the files directly." },
	{ .name = "idle_updates",
	  .type = NFP_OPT_BOOL,
	  .def = "1",
	  .off = offsetof(struct rrd_priv, idle_updates),
	  .help = "Update files whose counts did not change, so graphs "
		  "show 0 rather than gaps." },
	{ .name = "stop_timeout",
	  .type = NFP_OPT_DURATION,
	  .def = "5s",
	  .unit = "ms",
	  .max = 3600000,
	  .off = offsetof(struct rrd_priv, stop_timeout),
	  .help = "On stop, time the last updates may take." },
	{ 0 }
};

/* rrdcached's client in librrd is one connection per process. */
static pthread_mutex_t rrdc_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- names ------------------------------------------------------------- */

static uint32_t fnv1a(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (uint8_t)s[i];
		h *= 16777619u;
	}
	return h;
}

static bool name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

size_t nfp_rrd_sanitize(const char *in, size_t len, char *out)
{
	size_t i, n = len;

	if (!len) {
		strcpy(out, "none");
		return 4;
	}
	/* Cut long values, keeping them apart by a hash of the whole. */
	if (len > NFP_RRD_STEM_MAX)
		n = NFP_RRD_STEM_MAX - 9;
	for (i = 0; i < n; i++)
		out[i] = name_char_ok(in[i]) ? in[i] : '_';
	if (len > NFP_RRD_STEM_MAX)
		n += (size_t)snprintf(out + n, 10, "-%08x", fnv1a(in, len));
	out[n] = '\0';
	/* No hidden files, no "." or "..". */
	if (out[0] == '.')
		out[0] = '_';
	/* The total and the overflow have these names. */
	if (!strcmp(out, "all") || !strcmp(out, "other")) {
		out[n++] = '_';
		out[n] = '\0';
	}
	return n;
}

/* ---- groups (main thread) ---------------------------------------------- */

static int group_new(struct nfp_inst *inst, struct rrd_priv *p,
		     const char *stem)
{
	struct rrd_shared *sh = p->sh;
	struct rrd_file *f;
	struct timeval tv;
	char *path = NULL;
	unsigned int gi = p->ngroups;

	if (gi >= sh->cap)
		return -1;
	if (asprintf(&path, "%s/%s.rrd", p->dir, stem) < 0)
		return -1;
	p->groups[gi].name = strdup(stem);
	if (!p->groups[gi].name) {
		free(path);
		return -1;
	}
	gettimeofday(&tv, NULL);
	/* Not yet in any hand-over: the worker does not look at it. */
	f = &sh->files[gi];
	f->path = path;
	f->born_us = (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
	p->ngroups++;
	inst->ctr[C_GROUPS]++;
	return (int)gi;
}

/* The group index for stem @stem, made when new; -1 when out of memory. */
static int group_find(struct nfp_inst *inst, struct rrd_priv *p,
		      const char *stem, size_t len)
{
	uint32_t h = fnv1a(stem, len) & p->hmask;
	int gi;

	while (p->hash[h]) {
		struct rrd_group *g = &p->groups[p->hash[h] - 1];

		if (!strcmp(g->name, stem))
			return (int)p->hash[h] - 1;
		h = (h + 1) & p->hmask;
	}
	if (p->nuser >= p->max_groups) {
		inst->ctr[C_OVERFLOW]++;
		if (p->g_other < 0) {
			p->g_other = group_new(inst, p, "other");
			if (p->g_other >= 0)
				nfp_warn(inst,
					 "more than %" PRIu64 " groups: the "
					 "rest go to other.rrd",
					 p->max_groups);
		}
		return p->g_other;
	}
	gi = group_new(inst, p, stem);
	if (gi < 0)
		return -1;
	p->nuser++;
	p->hash[h] = (unsigned int)gi + 1;
	return gi;
}

/* ---- the worker --------------------------------------------------------- */

static void shared_put(struct rrd_shared *sh)
{
	unsigned int i;
	bool last;

	pthread_mutex_lock(&sh->lock);
	last = --sh->refs == 0;
	pthread_mutex_unlock(&sh->lock);
	if (!last)
		return;
	for (i = 0; sh->files && i < sh->cap; i++)
		free(sh->files[i].path);
	free(sh->files);
	free(sh->pend.v);
	free(sh->work.v);
	free(sh->daemon);
	free(sh->name);
	pthread_mutex_destroy(&sh->lock);
	pthread_cond_destroy(&sh->wake);
	pthread_cond_destroy(&sh->gone);
	free(sh);
}

static const char *rrd_errmsg(void)
{
	const char *e = rrd_get_error();

	return e && *e ? e : "unknown error";
}

/*
 * Rows of the archive at the configured step: an hour of points at least,
 * so that `rrdtool fetch` right after a short burst shows each step (a
 * quiet one as 0). A step of a minute or more has it in the 1-minute
 * archive already: 0.
 */
static unsigned long step_rows(unsigned long step)
{
	return step < 60 ? (3600 + step - 1) / step : 0;
}

/* Make @f with our data sources; 1 (made) or -1 (logged, counted). */
static int file_create(struct rrd_shared *sh, struct rrd_file *f)
{
	/* 1 min for a day, 5 min for a week, 1 h for a year. */
	static const unsigned long res[3] = { 60, 300, 3600 };
	static const unsigned long span[3] = { 86400, 604800, 31536000 };
	static const char *const cf[2] = { "AVERAGE", "MAX" };
	char args[MAX_DS + 8][64];
	const char *argv[MAX_DS + 8];
	time_t last_up = (time_t)(f->born_us / 1000000) - 1;
	unsigned int i, j, argc = 0;
	int rc;

	for (i = 0; i < sh->nds; i++)
		snprintf(args[argc++], sizeof(args[0]), "DS:%s:DERIVE:%lu:0:U",
			 sh->ds[i], 2 * sh->step);
	for (j = 0; j < 2; j++) {
		/* First, the archive `rrdtool fetch` picks at its default. */
		if (step_rows(sh->step))
			snprintf(args[argc++], sizeof(args[0]),
				 "RRA:%s:0.5:1:%lu", cf[j],
				 step_rows(sh->step));
		for (i = 0; i < 3; i++) {
			unsigned long pdp = (res[i] + sh->step / 2) / sh->step;
			unsigned long rows;

			if (!pdp)
				pdp = 1;
			rows = (span[i] + pdp * sh->step - 1) /
			       (pdp * sh->step);
			snprintf(args[argc++], sizeof(args[0]),
				 "RRA:%s:0.5:%lu:%lu", cf[j], pdp,
				 rows ? rows : 1);
		}
	}
	for (i = 0; i < argc; i++)
		argv[i] = args[i];
	rrd_clear_error();
	if (sh->daemon)
		rc = rrdc_create(f->path, sh->step, last_up, 1, (int)argc,
				 argv);
	else
		rc = rrd_create_r(f->path, sh->step, last_up, (int)argc, argv);
	if (rc != 0) {
		nfp_log_rl(&sh->rl_update, &sh->log_inst, NFP_LOG_ERROR,
			   "cannot create %s: %s", f->path, rrd_errmsg());
		rrd_clear_error();
		atomic_fetch_add(&sh->n_errors, 1);
		return -1;
	}
	for (i = 0; i < sh->nds; i++) {
		f->pos[i] = i;
		f->base[i] = 0;
	}
	f->nfile_ds = sh->nds;
	f->last_us = (int64_t)last_up * 1000000;
	f->has_sent = false;
	/* rrdcached made it as its own user; a file of ours is USER's. */
	if (!sh->daemon)
		nfp_own_path(&sh->log_inst, f->path);
	nfp_log(&sh->log_inst, NFP_LOG_INFO, "created %s (step %lus)", f->path,
		sh->step);
	return 1;
}

/* A data source read from an existing file. */
struct file_ds {
	char name[24];	     /* DS name (19 characters at most) */
	char type[16];	     /* DERIVE, COUNTER, GAUGE, ... */
	unsigned long index; /* its position in the file */
	uint64_t last;	     /* its last value, 0 when unknown */
};

static struct file_ds *file_ds_get(struct file_ds *ds, unsigned int *n,
				   const char *key, const char **rest)
{
	const char *close = strchr(key, ']');
	size_t len;
	unsigned int i;

	if (!close || close[1] != '.')
		return NULL;
	len = (size_t)(close - key);
	if (len >= sizeof(ds[0].name))
		return NULL;
	*rest = close + 2;
	for (i = 0; i < *n; i++)
		if (strlen(ds[i].name) == len && !memcmp(ds[i].name, key, len))
			return &ds[i];
	if (*n >= FILE_MAX_DS)
		return NULL;
	memset(&ds[*n], 0, sizeof(ds[0]));
	memcpy(ds[*n].name, key, len);
	return &ds[(*n)++];
}

/*
 * Read an existing @f: check its data sources against ours, take its last
 * values as the base of the totals. 0, or -1 with @f marked FS_BAD (logged)
 * or FS_ERR.
 */
static int file_check(struct rrd_shared *sh, struct rrd_file *f)
{
	struct file_ds ds[FILE_MAX_DS];
	unsigned int nds = 0, i, j;
	unsigned long step = 0, last = 0;
	bool step_rra = false;
	char have[512], want[256];
	rrd_info_t *info, *it;
	bool match = true;
	size_t o;

	rrd_clear_error();
	if (sh->daemon) {
		rrdc_flush(f->path);
		info = rrdc_info(f->path);
	} else {
		info = rrd_info_r(f->path);
	}
	if (!info) {
		nfp_log_rl(&sh->rl_update, &sh->log_inst, NFP_LOG_ERROR,
			   "cannot read %s: %s", f->path, rrd_errmsg());
		rrd_clear_error();
		atomic_fetch_add(&sh->n_errors, 1);
		f->state = FS_ERR;
		return -1;
	}
	for (it = info; it; it = it->next) {
		struct file_ds *d;
		const char *rest;

		if (!strcmp(it->key, "step") && it->type == RD_I_CNT)
			step = it->value.u_cnt;
		else if (!strcmp(it->key, "last_update") &&
			 it->type == RD_I_CNT)
			last = it->value.u_cnt;
		else if (!strncmp(it->key, "rra[", 4) &&
			 strstr(it->key, "].pdp_per_row") &&
			 it->type == RD_I_CNT && it->value.u_cnt == 1)
			step_rra = true;
		if (strncmp(it->key, "ds[", 3))
			continue;
		d = file_ds_get(ds, &nds, it->key + 3, &rest);
		if (!d)
			continue;
		if (!strcmp(rest, "index") && it->type == RD_I_CNT)
			d->index = it->value.u_cnt;
		else if (!strcmp(rest, "type") && it->type == RD_I_STR)
			snprintf(d->type, sizeof(d->type), "%s",
				 it->value.u_str);
		else if (!strcmp(rest, "last_ds") && it->type == RD_I_STR)
			d->last = strtoull(it->value.u_str, NULL, 10);
	}
	rrd_info_free(info);

	if (nds != sh->nds)
		match = false;
	for (i = 0; match && i < sh->nds; i++) {
		for (j = 0; j < nds; j++)
			if (!strcmp(ds[j].name, sh->ds[i]))
				break;
		if (j == nds ||
		    (strcmp(ds[j].type, "DERIVE") &&
		     strcmp(ds[j].type, "COUNTER")) ||
		    ds[j].index >= nds) {
			match = false;
			break;
		}
		f->pos[i] = (unsigned int)ds[j].index;
		f->base[i] = ds[j].last;
	}
	if (!match) {
		have[0] = '\0';
		for (i = 0, o = 0; i < nds && o < sizeof(have); i++)
			o += (size_t)snprintf(have + o, sizeof(have) - o,
					      "%s%s:%s", i ? "," : "",
					      ds[i].name, ds[i].type);
		want[0] = '\0';
		for (i = 0, o = 0; i < sh->nds && o < sizeof(want); i++)
			o += (size_t)snprintf(want + o, sizeof(want) - o,
					      "%s%s", i ? "," : "", sh->ds[i]);
		nfp_log(&sh->log_inst, NFP_LOG_ERROR,
			"%s has data sources %s, this instance writes %s "
			"(DERIVE or COUNTER): the file is left alone and its "
			"group not recorded; move it away and send SIGHUP",
			f->path, nds ? have : "(none)", want);
		atomic_fetch_add(&sh->n_mismatch, 1);
		f->state = FS_BAD;
		return -1;
	}
	if (step != sh->step)
		nfp_log(&sh->log_inst, NFP_LOG_NOTICE,
			"%s has a step of %lus, not %lus: updated as it is",
			f->path, step, sh->step);
	else if (!step_rra && step_rows(step))
		/* Made by an nfpipe before the step archive existed. */
		nfp_log(&sh->log_inst, NFP_LOG_NOTICE,
			"%s has no archive at its step of %lus (its finest "
			"points are 1 minute): while nfpiped is stopped, "
			"`rrdtool tune %s RRA:AVERAGE:0.5:1:%lu "
			"RRA:MAX:0.5:1:%lu` adds one and keeps the data",
			f->path, step, f->path, step_rows(step),
			step_rows(step));
	f->nfile_ds = nds;
	/* Only whole seconds are shown: assume the latest moment in it. */
	f->last_us = (int64_t)last * 1000000 + 999999;
	f->has_sent = false;
	nfp_log(&sh->log_inst, NFP_LOG_INFO, "reusing %s", f->path);
	return 0;
}

/* Check or create @f: 0 (existing file fits), 1 (created) or -1. */
static int file_open(struct rrd_shared *sh, struct rrd_file *f)
{
	struct stat st;
	int rc;

	/* A remote rrdcached sees files this host does not: ask it. */
	if (sh->daemon && strncmp(sh->daemon, "unix:", 5) &&
	    sh->daemon[0] != '/') {
		rrd_clear_error();
		if (rrdc_last(f->path) > 0)
			rc = file_check(sh, f);
		else
			rc = file_create(sh, f);
	} else if (stat(f->path, &st) == 0) {
		rc = file_check(sh, f);
	} else if (errno == ENOENT) {
		rc = file_create(sh, f);
	} else {
		nfp_log_rl(&sh->rl_update, &sh->log_inst, NFP_LOG_ERROR,
			   "cannot look at %s: %s", f->path, strerror(errno));
		atomic_fetch_add(&sh->n_errors, 1);
		rc = -1;
	}
	if (rc >= 0)
		f->state = FS_OK;
	else if (f->state != FS_BAD)
		f->state = FS_ERR;
	return rc;
}

/* One update of @f with run totals @v at @stamp_us. */
static void file_update(struct rrd_shared *sh, struct rrd_file *f,
			const uint64_t *v, int64_t stamp_us)
{
	uint64_t vals[FILE_MAX_DS];
	char buf[32 + FILE_MAX_DS * 21];
	const char *argv[1] = { buf };
	unsigned int i;
	size_t o;
	int rc;

	if (stamp_us < f->last_us + STAMP_GAP_US) {
		/*
		 * RRD takes one update per file per moment, strictly later
		 * than the last: a restart within the same second, or a tick
		 * right before stop, moves on by a millisecond. A clock set
		 * back further waits until it has caught up; the totals are
		 * running ones, so the next update carries everything.
		 */
		if (f->last_us - stamp_us > CLOCK_SLACK_US) {
			nfp_log_rl(&sh->rl_clock, &sh->log_inst, NFP_LOG_NOTICE,
				   "%s: last update is later than now (clock "
				   "set back?): waiting",
				   f->path);
			return;
		}
		stamp_us = f->last_us + STAMP_GAP_US;
	}
	memset(vals, 0, sizeof(vals));
	for (i = 0; i < sh->nds; i++)
		vals[f->pos[i]] = f->base[i] + v[i];
	o = (size_t)snprintf(buf, sizeof(buf), "%lld.%06lld",
			     (long long)(stamp_us / 1000000),
			     (long long)(stamp_us % 1000000));
	for (i = 0; i < f->nfile_ds; i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, ":%" PRIu64,
				      vals[i]);
	rrd_clear_error();
	if (sh->daemon)
		rc = rrdc_update(f->path, 1, argv);
	else
		rc = rrd_update_r(f->path, NULL, 1, argv);
	/*
	 * Another program holding the file's lock (rrdtool tune, a second
	 * updater) is a moment's wait, not a lost point: this is the
	 * worker thread, so try again for up to 100 ms.
	 */
	for (i = 0; rc != 0 && !sh->daemon && i < 10 &&
		    strstr(rrd_get_error(), "could not lock");
	     i++) {
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
		rrd_clear_error();
		rc = rrd_update_r(f->path, NULL, 1, argv);
	}
	if (rc != 0) {
		nfp_log_rl(&sh->rl_update, &sh->log_inst, NFP_LOG_ERROR,
			   "update of %s failed: %s", f->path, rrd_errmsg());
		rrd_clear_error();
		atomic_fetch_add(&sh->n_errors, 1);
		/* A lost rrdcached: connect again on the next pass. */
		if (sh->daemon)
			rrdc_disconnect();
		return;
	}
	f->last_us = stamp_us;
	memcpy(f->sent, v, sizeof(f->sent));
	f->has_sent = true;
	atomic_fetch_add(&sh->n_updates, 1);
}

static void write_pass(struct rrd_shared *sh, bool rescan)
{
	static const uint64_t zero[MAX_DS];
	struct rrd_snap *w = &sh->work;
	unsigned int gi;

	if (sh->daemon) {
		pthread_mutex_lock(&rrdc_lock);
		rrd_clear_error();
		if (!rrdc_is_connected(sh->daemon) &&
		    rrdc_connect(sh->daemon) != 0) {
			nfp_log_rl(&sh->rl_conn, &sh->log_inst, NFP_LOG_ERROR,
				   "cannot reach rrdcached at %s: %s",
				   sh->daemon, rrd_errmsg());
			rrd_clear_error();
			atomic_fetch_add(&sh->n_errors, w->n);
			pthread_mutex_unlock(&rrdc_lock);
			return;
		}
	}
	for (gi = 0; gi < w->n; gi++) {
		struct rrd_file *f = &sh->files[gi];

		if (rescan && f->state == FS_BAD)
			f->state = FS_NEW;
		if (f->state == FS_NEW || f->state == FS_ERR) {
			int rc = file_open(sh, f);

			if (rc < 0)
				continue;
			/* A new file starts at 0 when its group appeared, so
			 * that the first real update gives a rate. */
			if (rc == 1)
				file_update(sh, f, zero, f->born_us);
		}
		if (f->state != FS_OK)
			continue;
		if (!sh->idle_updates && f->has_sent &&
		    !memcmp(f->sent, w->v[gi], sizeof(f->sent)))
			continue;
		file_update(sh, f, w->v[gi], w->stamp_us);
	}
	if (sh->daemon)
		pthread_mutex_unlock(&rrdc_lock);
}

static void *worker(void *arg)
{
	struct rrd_shared *sh = arg;
	bool rescan;

	pthread_mutex_lock(&sh->lock);
	for (;;) {
		while (!sh->pending && !sh->stop)
			pthread_cond_wait(&sh->wake, &sh->lock);
		if (!sh->pending)
			break;
		memcpy(sh->work.v, sh->pend.v,
		       sh->pend.n * sizeof(sh->pend.v[0]));
		sh->work.n = sh->pend.n;
		sh->work.stamp_us = sh->pend.stamp_us;
		sh->pending = false;
		rescan = sh->rescan;
		sh->rescan = false;
		pthread_mutex_unlock(&sh->lock);
		write_pass(sh, rescan);
		pthread_mutex_lock(&sh->lock);
	}
	sh->exited = true;
	pthread_cond_broadcast(&sh->gone);
	pthread_mutex_unlock(&sh->lock);
	shared_put(sh);
	return NULL;
}

/* ---- main thread --------------------------------------------------------- */

static void copy_counters(struct nfp_inst *inst, struct rrd_shared *sh)
{
	inst->ctr[C_UPDATES] = atomic_load(&sh->n_updates);
	inst->ctr[C_UPDATE_ERRORS] = atomic_load(&sh->n_errors);
	inst->ctr[C_MISMATCH] = atomic_load(&sh->n_mismatch);
}

/* Hand the totals over; a hand-over not taken yet is replaced. */
static void post(struct rrd_priv *p)
{
	struct rrd_shared *sh = p->sh;
	struct timeval tv;
	unsigned int i;

	if (!p->nds || !p->ngroups)
		return;
	gettimeofday(&tv, NULL);
	pthread_mutex_lock(&sh->lock);
	for (i = 0; i < p->ngroups; i++)
		memcpy(sh->pend.v[i], p->groups[i].tot, sizeof(sh->pend.v[0]));
	sh->pend.n = p->ngroups;
	sh->pend.stamp_us = (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
	sh->pending = true;
	pthread_cond_signal(&sh->wake);
	pthread_mutex_unlock(&sh->lock);
}

void nfp_rrd_tick(struct nfp_inst *inst)
{
	struct rrd_priv *p = inst->priv;

	post(p);
	copy_counters(inst, p->sh);
}

static void tick_cb(struct nfp_inst *inst, void *arg)
{
	(void)arg;
	nfp_rrd_tick(inst);
}

static int rrd_configure(struct nfp_inst *inst)
{
	struct rrd_priv *p = inst->priv;
	unsigned int i;

	if (!p->group || !*p->group) {
		nfp_err(inst, "group must name a key, e.g. oob.prefix");
		return -1;
	}
	memcpy(p->keys, rrd_fixed_keys, K__FIXED * sizeof(rrd_fixed_keys[0]));
	p->kgroup = K__FIXED;
	for (i = 0; i < K__FIXED; i++)
		if (!strcmp(p->group, rrd_fixed_keys[i].name))
			p->kgroup = i;
	if (p->kgroup == K__FIXED) {
		p->keys[K__FIXED].name = p->group;
		p->keys[K__FIXED].type = NFP_T_NONE;
		p->keys[K__FIXED].flags = NFP_KEYF_OPTIONAL;
		p->keys[K__FIXED].help = "the group: one file per value";
	}
	return nfp_inst_set_keys(inst, p->keys, NULL);
}

/* mkdir -p for @path, mode 0750. */
static int make_dirs(const char *path)
{
	char *tmp = strdup(path), *s;
	int rc = 0;

	if (!tmp)
		return -ENOMEM;
	for (s = tmp + 1; rc == 0; s++) {
		char c = *s;

		if (c && c != '/')
			continue;
		*s = '\0';
		if (mkdir(tmp, 0750) < 0 && errno != EEXIST)
			rc = -errno;
		*s = c;
		if (!c)
			break;
	}
	free(tmp);
	return rc;
}

static int rrd_start(struct nfp_inst *inst)
{
	struct rrd_priv *p = inst->priv;
	struct rrd_shared *sh;
	unsigned int cap, slots;
	bool local;
	int rc;

	p->g_all = -1;
	p->g_other = -1;
	local = !p->daemon || !strncmp(p->daemon, "unix:", 5) ||
		p->daemon[0] == '/';
	if (local) {
		rc = make_dirs(p->directory);
		if (rc < 0) {
			nfp_err(inst, "cannot make directory %s: %s",
				p->directory, strerror(-rc));
			return -1;
		}
		p->dir = realpath(p->directory, NULL);
		if (!p->dir) {
			nfp_err(inst, "directory %s: %s", p->directory,
				strerror(errno));
			return -1;
		}
	} else {
		p->dir = strdup(p->directory);
		if (!p->dir)
			return -1;
	}

	cap = (unsigned int)p->max_groups + 2;
	for (slots = 16; slots < 2 * cap; slots <<= 1)
		;
	p->hmask = slots - 1;
	p->hash = calloc(slots, sizeof(*p->hash));
	p->groups = calloc(cap, sizeof(*p->groups));
	sh = calloc(1, sizeof(*sh));
	if (!p->hash || !p->groups || !sh)
		goto nomem;
	p->sh = sh;
	sh->cap = cap;
	sh->refs = 1;
	sh->step = (unsigned long)p->step;
	sh->idle_updates = p->idle_updates;
	pthread_mutex_init(&sh->lock, NULL);
	pthread_cond_init(&sh->wake, NULL);
	pthread_cond_init(&sh->gone, NULL);
	sh->files = calloc(cap, sizeof(*sh->files));
	sh->pend.v = calloc(cap, sizeof(*sh->pend.v));
	sh->work.v = calloc(cap, sizeof(*sh->work.v));
	sh->name = strdup(inst->name);
	sh->daemon = p->daemon ? strdup(p->daemon) : NULL;
	if (!sh->files || !sh->pend.v || !sh->work.v || !sh->name ||
	    (p->daemon && !sh->daemon))
		goto nomem;
	sh->log_inst.name = sh->name;
	sh->log_inst.plugin = inst->plugin;

	p->timer = nfp_timer_new(inst, tick_cb, NULL);
	if (!p->timer) {
		nfp_err(inst, "cannot make the step timer: %s",
			strerror(errno));
		return -1;
	}
	{
		/* First tick just after a step boundary of the wall clock,
		 * where RRD's primary data points end. */
		struct timeval tv;
		uint64_t now_ms, step_ms = p->step * 1000;

		gettimeofday(&tv, NULL);
		now_ms = (uint64_t)tv.tv_sec * 1000 +
			 (uint64_t)tv.tv_usec / 1000;
		nfp_timer_arm(p->timer, step_ms - now_ms % step_ms + 10,
			      step_ms);
	}

	sh->refs = 2;
	rc = pthread_create(&p->thread, NULL, worker, sh);
	if (rc) {
		sh->refs = 1;
		nfp_err(inst, "cannot start the worker: %s", strerror(rc));
		return -1;
	}
	p->thread_ok = true;
	nfp_info(inst, "files in %s, one per %s, step %" PRIu64 "s%s%s", p->dir,
		 p->group, p->step, p->daemon ? ", through " : "",
		 p->daemon ? p->daemon : "");
	return 0;
nomem:
	nfp_err(inst, "out of memory");
	return -1;
}

/* Packets or flows, from what the first record shows is bound. */
static void decide_mode(struct nfp_inst *inst, struct rrd_priv *p,
			const struct nfp_rec *rec)
{
	bool flowkeys =
		nfp_bound(rec, K_ORIG_PKTS) && nfp_bound(rec, K_REPLY_PKTS);

	if (p->mode == MODE_FLOWS)
		p->flows = true;
	else if (p->mode == MODE_PACKETS)
		p->flows = false;
	else
		p->flows = flowkeys;
	if (p->flows && !flowkeys)
		nfp_err(inst, "mode=flows, but nothing upstream gives "
			      "orig.raw.pktcount and reply.raw.pktcount "
			      "(an NFCT input does)");
	p->nds = p->flows ? 4 : 2;
	pthread_mutex_lock(&p->sh->lock);
	p->sh->nds = p->nds;
	p->sh->ds = p->flows ? ds_flows : ds_packets;
	pthread_mutex_unlock(&p->sh->lock);
	if (p->total)
		p->g_all = group_new(inst, p, "all");
}

static uint64_t get_u64(const struct nfp_rec *rec, unsigned int k)
{
	const struct nfp_value *v = nfp_get(rec, k);

	return v ? v->u64 : 0;
}

static enum nfp_ret rrd_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	struct rrd_priv *p = inst->priv;
	const struct nfp_value *v;
	char text[256], stem[NFP_RRD_STEM_MAX + 1];
	uint64_t add[MAX_DS];
	const char *s = NULL;
	unsigned int i;
	size_t len;
	int gi;

	if (!p->nds)
		decide_mode(inst, p, rec);
	if (p->flows) {
		v = nfp_get(rec, K_CT_EVENT);
		/* A flow's counters are its totals: add them when it ends. */
		if (v && !(v->u32 & 4))
			return NFP_OK;
		add[0] = get_u64(rec, K_ORIG_PKTS);
		add[1] = get_u64(rec, K_ORIG_BYTES);
		add[2] = get_u64(rec, K_REPLY_PKTS);
		add[3] = get_u64(rec, K_REPLY_BYTES);
	} else {
		add[0] = 1;
		if ((v = nfp_get(rec, K_TOTLEN)))
			add[1] = v->u16;
		else if ((v = nfp_get(rec, K_P6LEN)))
			add[1] = (uint64_t)v->u16 + 40;
		else if ((v = nfp_get(rec, K_PKTLEN)))
			add[1] = v->u32;
		else
			add[1] = 0;
		add[2] = add[3] = 0;
	}

	v = nfp_get(rec, p->kgroup);
	len = 0;
	if (v) {
		enum nfp_type t = nfp_in_type(rec, p->kgroup);

		if (t == NFP_T_STRING) {
			s = v->str.ptr;
			len = v->str.len;
		} else {
			int n = nfp_value_format(t, v, text, sizeof(text));

			s = text;
			len = n < 0			 ? 0
			      : (size_t)n < sizeof(text) ? (size_t)n
							 : sizeof(text) - 1;
		}
	}
	len = nfp_rrd_sanitize(s, len, stem);
	gi = group_find(inst, p, stem, len);
	if (gi >= 0)
		for (i = 0; i < MAX_DS; i++)
			p->groups[gi].tot[i] += add[i];
	if (p->g_all >= 0)
		for (i = 0; i < MAX_DS; i++)
			p->groups[p->g_all].tot[i] += add[i];
	return NFP_OK;
}

static void rrd_reopen(struct nfp_inst *inst)
{
	struct rrd_priv *p = inst->priv;

	/* Nothing is held open; look again at files that were refused. */
	if (!p->sh)
		return;
	pthread_mutex_lock(&p->sh->lock);
	p->sh->rescan = true;
	pthread_mutex_unlock(&p->sh->lock);
}

static void rrd_stop(struct nfp_inst *inst)
{
	struct rrd_priv *p = inst->priv;
	struct rrd_shared *sh = p->sh;
	unsigned int i;

	if (p->timer) {
		nfp_timer_free(p->timer);
		p->timer = NULL;
	}
	if (sh && p->thread_ok) {
		struct timespec dl;
		bool done;

		post(p);
		clock_gettime(CLOCK_REALTIME, &dl);
		dl.tv_sec += (time_t)(p->stop_timeout / 1000);
		dl.tv_nsec += (long)(p->stop_timeout % 1000) * 1000000L;
		if (dl.tv_nsec >= 1000000000L) {
			dl.tv_sec++;
			dl.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&sh->lock);
		sh->stop = true;
		pthread_cond_signal(&sh->wake);
		while (!sh->exited)
			if (pthread_cond_timedwait(&sh->gone, &sh->lock, &dl) ==
			    ETIMEDOUT)
				break;
		done = sh->exited;
		pthread_mutex_unlock(&sh->lock);
		if (done) {
			pthread_join(p->thread, NULL);
		} else {
			nfp_err(inst,
				"the last updates took longer than %" PRIu64
				" ms: left unfinished",
				p->stop_timeout);
			pthread_detach(p->thread);
		}
		p->thread_ok = false;
	}
	if (sh) {
		copy_counters(inst, sh);
		p->sh = NULL;
		shared_put(sh);
	}
	for (i = 0; p->groups && i < p->ngroups; i++)
		free(p->groups[i].name);
	free(p->groups);
	p->groups = NULL;
	free(p->hash);
	p->hash = NULL;
	free(p->dir);
	p->dir = NULL;
}

NFP_PLUGIN(output, rrd) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_OUTPUT,
	.name = "RRD",
	.summary = "packet and byte rates per group into RRD files",
	.options = rrd_options,
	.in_keys = rrd_fixed_keys,
	.counters = rrd_counters,
	.priv_size = sizeof(struct rrd_priv),
	.configure = rrd_configure,
	.start = rrd_start,
	.process = rrd_process,
	.reopen = rrd_reopen,
	.stop = rrd_stop,
};
