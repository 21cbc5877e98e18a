/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_engine - stacks, key binding, emitting filters, the loop
 *
 * Small test-only plugins exercise what the core promises: binding errors
 * that name the key and who could produce it, shared stack prefixes run
 * once, an output named in two stacks is one instance, NFP_STOP ends a
 * branch, an emitting filter feeds the stacks that start with its name, and
 * the loop's timers and fds fire.
 */
#include "nfp.h"

#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "harness.h"
#include "tap.h"

/* PRODX: produces x.y (u32) = oob.mark + 1. */
static const struct nfp_key prodx_in[] = { { "oob.mark", NFP_T_U32 }, { 0 } };
static const struct nfp_key prodx_out[] = {
	{ "x.y", NFP_T_U32, 0, "mark plus one" },
	{ "x.unused", NFP_T_STRING, 0, "nobody binds it" },
	{ 0 }
};
static unsigned int prodx_calls;

static enum nfp_ret prodx_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	const struct nfp_value *m = nfp_get(rec, 0);

	prodx_calls++;
	if (!m)
		return NFP_ERROR;
	nfp_set_u32(rec, 0, m->u32 + 1);
	inst->ctr[0] += nfp_wanted(rec, 1) ? 100 : 1;
	return NFP_OK;
}

static const char *const prodx_counters[] = { "wanted_probe", NULL };

static const struct nfp_plugin prodx = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_FILTER,
	.name = "PRODX",
	.in_keys = prodx_in,
	.out_keys = prodx_out,
	.counters = prodx_counters,
	.process = prodx_process,
};

/* NEEDX: needs x.y; stops records whose x.y is even. */
static const struct nfp_key needx_in[] = { { "x.y", NFP_T_U32 }, { 0 } };

static enum nfp_ret needx_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	const struct nfp_value *v = nfp_get(rec, 0);

	return v && (v->u32 & 1) ? NFP_OK : NFP_STOP;
}

static const struct nfp_plugin needx = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_FILTER,
	.name = "NEEDX",
	.in_keys = needx_in,
	.process = needx_process,
};

/* WANTSTR: wants x.y as a string: a type error. */
static const struct nfp_key wantstr_in[] = { { "x.y", NFP_T_STRING }, { 0 } };

static const struct nfp_plugin wantstr = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_FILTER,
	.name = "WANTSTR",
	.in_keys = wantstr_in,
	.process = needx_process,
};

/* EMIT: for every record with mark % 3 == 0, emits alert.mark = mark * 10. */
static const struct nfp_key emit_in[] = { { "oob.mark", NFP_T_U32 }, { 0 } };
static const struct nfp_key emit_out[] = { { "alert.mark", NFP_T_U32 },
					   { "alert.text", NFP_T_STRING },
					   { 0 } };

static enum nfp_ret emit_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	const struct nfp_value *m = nfp_get(rec, 0);
	struct nfp_rec *er;
	uint32_t len;
	const char *s;

	if (!m || m->u32 % 3)
		return NFP_OK;
	er = nfp_rec_new(inst);
	if (!er)
		return NFP_OK;
	nfp_set_u32(er, 0, m->u32 * 10);
	s = nfp_rec_printf(er, &len, "alert for mark %u", m->u32);
	nfp_set_str(er, 1, s, len);
	nfp_rec_push(inst, er);
	return NFP_OK;
}

static const struct nfp_plugin emit = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_FILTER,
	.name = "EMIT",
	.flags = NFP_PF_EMITS,
	.in_keys = emit_in,
	.out_keys = emit_out,
	.process = emit_process,
};

/*
 * EMITX: as EMIT, but its records say oob.mark (mark * 10) and alert.x,
 * both NFP_KEYF_EMITTED, and it copies nothing of the packet's through.
 */
static const struct nfp_key emitx_out[] = {
	{ "oob.mark", NFP_T_U32, NFP_KEYF_EMITTED },
	{ "alert.x", NFP_T_U32, NFP_KEYF_EMITTED },
	{ 0 }
};

static enum nfp_ret emitx_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	const struct nfp_value *m = nfp_get(rec, 0);
	struct nfp_rec *er;

	if (!m || m->u32 % 3)
		return NFP_OK;
	er = nfp_rec_new(inst);
	if (!er)
		return NFP_OK;
	nfp_set_u32(er, 0, m->u32 * 10);
	nfp_set_u32(er, 1, 1);
	nfp_rec_push(inst, er);
	return NFP_OK;
}

static const struct nfp_plugin emitx = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_FILTER,
	.name = "EMITX",
	.flags = NFP_PF_EMITS,
	.in_keys = emit_in,
	.out_keys = emitx_out,
	.process = emitx_process,
};

/* WANTAX: needs alert.x. */
static const struct nfp_key wantax_in[] = { { "alert.x", NFP_T_U32 }, { 0 } };

static const struct nfp_plugin wantax = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_FILTER,
	.name = "WANTAX",
	.in_keys = wantax_in,
	.process = needx_process,
};

/* TWIN: an input and an output of the same name, as PCAP is. */
static const struct nfp_key twin_out[] = { { "twin.x", NFP_T_U32 }, { 0 } };

static const struct nfp_plugin twin_in = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_INPUT,
	.name = "TWIN",
	.out_keys = twin_out,
};

static enum nfp_ret twin_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	return NFP_OK;
}

static const struct nfp_plugin twin_outp = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_OUTPUT,
	.name = "TWIN",
	.process = twin_process,
};

/* CONFERR: an output whose configure() rejects path=bad with
 * nfp_inst_error(), and notes what nfp_checking() said. */
struct conferr_priv {
	char *path; /* option */
	char *pass; /* option, secret */
};

static const struct nfp_option conferr_opts[] = {
	{ .name = "path",
	  .type = NFP_OPT_STRING,
	  .def = "ok",
	  .off = offsetof(struct conferr_priv, path) },
	{ .name = "pass",
	  .type = NFP_OPT_STRING,
	  .flags = NFP_OPT_SECRET,
	  .off = offsetof(struct conferr_priv, pass) },
	{ 0 }
};
static int conferr_checking = -1;
static int conferr_readable = -1;
static unsigned int conferr_released;

static void conferr_release(struct nfp_inst *inst)
{
	conferr_released++;
}

static int conferr_configure(struct nfp_inst *inst)
{
	struct conferr_priv *p = inst->priv;

	conferr_checking = nfp_checking();
	conferr_readable = nfp_inst_conf_readable(inst);
	if (!strcmp(p->path, "bad"))
		return nfp_inst_error(inst, "path", "set path= to a good one",
				      "path \"%s\" is bad", p->path);
	if (!strcmp(p->path, "quiet"))
		return -EINVAL;
	return 0;
}

static const struct nfp_plugin conferr = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_OUTPUT,
	.name = "CONFERR",
	.options = conferr_opts,
	.priv_size = sizeof(struct conferr_priv),
	.configure = conferr_configure,
	.process = twin_process,
	.release = conferr_release,
};

static const struct nfp_plugin *const plugins[] = {
	&prodx,	 &needx,     &wantstr, &emit,	 &emitx,
	&wantax, &twin_outp, &twin_in, &conferr, NULL,
};

static uint64_t t_counter_in(struct nfpt *t, const char *name)
{
	return nfpt_inst(t, name)->core->rec_out;
}

static void feed_mark(struct nfpt *t, const char *in, uint32_t mark)
{
	static const uint8_t pkt[20] = { 0x45 };
	struct nfpt_pkt p = {
		.family = AF_INET,
		.data = pkt,
		.len = sizeof(pkt),
		.mark = mark,
		.prefix = "p ",
	};

	nfpt_feed(t, in, &p);
}

static void test_binding(void)
{
	struct nfpt *t;
	struct nfp_inst *px;

	t = nfpt_new("[global]\n"
		     "stack=in:PKTIN,px:PRODX,cap:CAPTURE\n",
		     plugins);
	feed_mark(t, "in", 41);
	is_int(nfpt_count(t, "cap"), 1, "capture got the record");
	is_str(nfpt_get(t, "cap", "x.y"), "42", "x.y bound and computed");
	is_str(nfpt_get(t, "cap", "oob.mark"), "41", "input keys visible");
	is_str(nfpt_get(t, "cap", "oob.prefix"), "p ", "prefix visible");
	is_str(nfpt_get(t, "cap", "x.unused"), NULL, "unset key is absent");
	px = nfpt_inst(t, "px");
	is_int((int64_t)px->ctr[0], 100, "ALL_KEYS consumer makes keys wanted");
	nfpt_free(t);

	t = nfpt_new("[global]\n"
		     "stack=in:PKTIN,px:PRODX,nx:NEEDX,cap:CAPTURE\n",
		     plugins);
	feed_mark(t, "in", 2); /* x.y = 3: passes */
	feed_mark(t, "in", 3); /* x.y = 4: stopped */
	is_int(nfpt_count(t, "cap"), 1, "NFP_STOP ends the stack");
	is_str(nfpt_get(t, "cap", "x.y"), "3", "the record that passed");
	nfpt_free(t);
}

static void test_sharing(void)
{
	struct nfpt *t;
	struct nfp_inst *px;

	prodx_calls = 0;
	t = nfpt_new("[global]\n"
		     "stack=in:PKTIN,px:PRODX,c1:CAPTURE\n"
		     "stack=in:PKTIN,px:PRODX,nx:NEEDX,c2:CAPTURE\n"
		     "stack=in2:PKTIN,c1:CAPTURE\n",
		     plugins);
	feed_mark(t, "in", 4);
	is_int(prodx_calls, 1, "shared prefix runs once for two stacks");
	is_int(nfpt_count(t, "c1"), 1, "first branch got it");
	is_int(nfpt_count(t, "c2"), 1, "second branch got it");
	feed_mark(t, "in2", 7);
	is_int(nfpt_count(t, "c1"), 2, "one output instance in two stacks");
	is_str(nfpt_get(t, "c1", "x.y"), NULL,
	       "other tree's keys are not visible");
	is_str(nfpt_get(t, "c1", "oob.mark"), "7", "its own tree's keys are");
	px = nfpt_inst(t, "px");
	is_int((int64_t)px->ctr[0], 100, "counter of a shared instance");
	nfpt_free(t);
}

static void test_emit(void)
{
	struct nfpt *t;

	t = nfpt_new("[global]\n"
		     "stack=in:PKTIN,em:EMIT,c1:CAPTURE\n"
		     "stack=em:EMIT,alerts:CAPTURE\n",
		     plugins);
	feed_mark(t, "in", 1);
	feed_mark(t, "in", 3);
	feed_mark(t, "in", 5);
	is_int(nfpt_count(t, "c1"), 3, "emitting filter passes records on");
	is_int(nfpt_count(t, "alerts"), 1, "one record emitted");
	is_str(nfpt_get(t, "alerts", "alert.mark"), "30", "emitted key");
	is_str(nfpt_get(t, "alerts", "alert.text"), "alert for mark 3",
	       "emitted string from the arena");
	is_str(nfpt_get(t, "alerts", "oob.mark"), NULL,
	       "emitted records carry only the emitter's keys");
	nfpt_free(t);

	/* An emitter nobody listens to: nfp_rec_new gives NULL, no crash. */
	t = nfpt_new("[global]\nstack=in:PKTIN,em:EMIT,c1:CAPTURE\n", plugins);
	feed_mark(t, "in", 3);
	is_int(nfpt_count(t, "c1"), 1, "emitter without listeners");
	nfpt_free(t);
}

/* Emitted-only keys bind in the emitter's own stacks, not in the packet's. */
static void test_emitted_keys(void)
{
	char buf[8192];
	struct nfpt *t;
	int n;

	t = nfpt_new("[global]\n"
		     "stack=in:PKTIN,ex:EMITX,c1:CAPTURE\n"
		     "stack=ex:EMITX,alerts:CAPTURE\n",
		     plugins);
	feed_mark(t, "in", 3);
	is_str(nfpt_get(t, "c1", "oob.mark"), "3",
	       "after an emitter, the packet's own key of an emitted name");
	is_str(nfpt_get(t, "c1", "alert.x"), NULL,
	       "an emitted-only key is not on the packets");
	is_str(nfpt_get(t, "alerts", "oob.mark"), "30",
	       "the emitter's own stack reads its emitted key");
	is_str(nfpt_get(t, "alerts", "alert.x"), "1", "... all of them");
	nfpt_free(t);
	n = nfpt_check(
		"[global]\nstack=in:PKTIN,ex:EMITX,w:WANTAX,c1:CAPTURE\n",
		plugins, buf, sizeof(buf));
	ok(n > 0 && strstr(buf, "needs key \"alert.x\""),
	   "a key the emitter only emits does not feed its packet stack");
	if (n <= 0 || !strstr(buf, "needs key \"alert.x\""))
		diag("%s", buf);
	n = nfpt_check("[global]\nstack=in:PKTIN,ex:EMITX,c1:CAPTURE\n"
		       "stack=ex:EMITX,w:WANTAX,c2:CAPTURE\n",
		       plugins, buf, sizeof(buf));
	is_int(n, 0, "... but feeds the emitter's own stack");
}

static void check_err(const char *conf, const char *want, const char *what)
{
	char buf[8192];
	int n = nfpt_check(conf, plugins, buf, sizeof(buf));

	ok(n > 0, "%s: is an error", what);
	like(buf, want, "%s: message", what);
}

static void test_errors(void)
{
	char buf[8192];

	check_err(
		"[global]\nstack=in:PKTIN,nx:NEEDX,cap:CAPTURE\n",
		"test.conf:2: error: [nx] NEEDX needs key \"x.y\", which nothing before it in this stack produces; put a plugin that produces it before nx: PRODX",
		"missing key names its producers");
	check_err(
		"[global]\nstack=in:PKTIN,px:PRODX,ws:WANTSTR,cap:CAPTURE\n",
		"key \"x.y\" is u32 from px (PRODX), but WANTSTR wants string",
		"type mismatch");
	check_err(
		"[global]\nstack=in:PKTIN,cap:CAPTUR\n",
		"cannot load plugin \"CAPTUR\": no such plugin; did you mean \"CAPTURE\"?",
		"unknown plugin with suggestion");
	check_err("[global]\nstack=cap:CAPTURE,in:PKTIN\n",
		  "a stack starts with an input, but cap is an output",
		  "output first");
	check_err("[global]\nstack=in:PKTIN,px:PRODX\n",
		  "a stack ends with an output, but px is a filter",
		  "filter last");
	check_err("[global]\nstack=in:PKTIN,in2:PKTIN,cap:CAPTURE\n",
		  "in2 (an input) in the middle of a stack", "input in middle");
	check_err("[global]\nstack=px:PRODX,cap:CAPTURE\n",
		  "a stack starts with an input, but px is a filter",
		  "non-emitting filter first");
	check_err("[global]\nstack=in:PKTIN\n", "stack has 1 element",
		  "single element");
	check_err(
		"[global]\nstack=in:PKTIN,a:CAPTURE\nstack=in:PKTIN,a:PRODX,b:CAPTURE\n",
		"test.conf:3: error: [a] instance \"a\" is a PRODX here but a CAPTURE at test.conf:2",
		"one instance, two plugins");
	check_err("[global]\nstack=in:PKTIN,px:PRODX,px:PRODX,cap:CAPTURE\n",
		  "instance \"px\" appears twice in this stack", "duplicate");
	check_err("[global]\nstack=in:PKTIN,:PRODX,cap:CAPTURE\n",
		  "lacks an instance name", "empty instance name");
	check_err("[global]\nlogfile=/dev/null\n", "no stack= line in [global]",
		  "no stack");
	check_err("[global]\nstak=in:PKTIN,cap:CAPTURE\n",
		  "unknown option \"stak\"; did you mean \"stack\"?",
		  "unknown global option");
	check_err("[global]\nloglevel=9\nstack=in:PKTIN,cap:CAPTURE\n",
		  "loglevel=9 is not a level from 1 to 8", "bad loglevel");
	check_err(
		"[global]\nstack=in:PKTIN,em:EMIT,cap:CAPTURE\nstack=em:EMIT,em2:EMIT,cap2:CAPTURE\nstack=em2:EMIT,em:EMIT,cap3:CAPTURE\n",
		"would come back to it", "emit cycle");

	/* Every error of a file at once. */
	is_int(nfpt_check("[global]\nstack=in:PKTIN,nx:NEEDX,cap:CAPTURE\n"
			  "stack=in3:PKTIN,cap:CAPTUR\nfoo=1\n",
			  plugins, buf, sizeof(buf)),
	       3, "three errors reported in one run");
	like(buf, "test.conf:2:", "first error has its line");
	like(buf, "test.conf:3:", "second error has its line");
	like(buf, "test.conf:4:", "third error has its line");
	is_int(nfpt_check("[global]\nstack=t1:TWIN,t2:TWIN\n", plugins, buf,
			  sizeof(buf)),
	       0, "an input and an output may share a name");
	is_int(nfpt_check(
		       "[global]\nplugin=\"/usr/lib/x86_64-linux-gnu/ulogd/ulogd_output_CAPTURE.so\"\n"
		       "stack=in:PKTIN,cap:CAPTURE\n",
		       plugins, buf, sizeof(buf)),
	       0, "ulogd2 module path in plugin= is accepted");
}

/* nfp_inst_error() from configure(), nfp_checking(), secrets on display. */
static void test_plugin_errors(void)
{
	char buf[8192], want[512], path[] = "/tmp/nfpt-secret-XXXXXX";
	static const char conf[] = "[global]\nstack=in:PKTIN,ce:CONFERR\n"
				   "[ce]\npass=hunter2\n";
	int fd;

	is_int(nfpt_check("[global]\nstack=in:PKTIN,ce:CONFERR\n[ce]\n"
			  "# comment\npath=bad\n",
			  plugins, buf, sizeof(buf)),
	       1, "nfp_inst_error: one error");
	like(buf,
	     "test.conf:5: error: [ce] path \"bad\" is bad; set path= to a good one",
	     "nfp_inst_error: at the option's line, with the hint");
	ok(!strstr(buf, "configuration failed"),
	   "nfp_inst_error: no generic line after it");
	is_int(nfpt_check("[global]\nstack=in:PKTIN,ce:CONFERR\n[ce]\n"
			  "path=quiet\n",
			  plugins, buf, sizeof(buf)),
	       1, "a silent configure failure is still an error");
	like(buf, "test.conf:3: error: [ce] configuration failed",
	     "a silent failure names the section's line");
	is_int(conferr_checking, 0, "nfp_checking: false outside --check");
	nfp_engine_set_checking(true);
	nfpt_check("[global]\nstack=in:PKTIN,ce:CONFERR\n", plugins, buf,
		   sizeof(buf));
	nfp_engine_set_checking(false);
	is_int(conferr_checking, 1, "nfp_checking: true under --check");
	conferr_released = 0;
	nfpt_check("[global]\nstack=in:PKTIN,ce:CONFERR\n[ce]\npath=bad\n",
		   plugins, buf, sizeof(buf));
	is_int(conferr_released, 1,
	       "release: once for an instance that never started");

	/* A secret in a world-readable file warns at its line; 0600 not. */
	fd = mkstemp(path);
	ok(fd >= 0 && write(fd, conf, sizeof(conf) - 1) ==
			      (ssize_t)sizeof(conf) - 1,
	   "secret: config written");
	close(fd);
	chmod(path, 0644);
	is_int(nfpt_check_file(path, plugins, buf, sizeof(buf)), 0,
	       "secret: a warning, not an error");
	snprintf(want, sizeof(want),
		 "%s:4: warning: [ce] option \"pass\" holds a secret in a "
		 "file every user can read; chmod o-r %s",
		 path, path);
	like(buf, want, "secret: world-readable file warns at the line");
	is_int(conferr_readable, 1, "nfp_inst_conf_readable: mode 0644");
	ok(!strstr(buf, "hunter2"), "secret: the value is not shown");
	chmod(path, 0600);
	nfpt_check_file(path, plugins, buf, sizeof(buf));
	is_str(buf, "", "secret: a 0600 file does not warn");
	is_int(conferr_readable, 0, "nfp_inst_conf_readable: mode 0600");
	nfpt_check("[global]\nstack=in:PKTIN,ce:CONFERR\n", plugins, buf,
		   sizeof(buf));
	is_int(conferr_readable, 0,
	       "nfp_inst_conf_readable: a config that is no file");
	unlink(path);
}

/* ---- the loop ---------------------------------------------------------- */

static unsigned int ticks, fd_hits;
static struct nfp_timer *tm;
static int pipefd[2];

static void on_tick(struct nfp_inst *inst, void *arg)
{
	unsigned int *n = arg;

	(*n)++;
	if (*n == 3) {
		nfp_timer_free(tm);
		tm = NULL;
		nfp_loop_stop();
	}
}

static void on_fd(struct nfp_inst *inst, int fd, uint32_t events)
{
	char c;

	if (read(fd, &c, 1) == 1)
		fd_hits++;
	/* Deleting from inside the callback must be safe. */
	nfp_fd_del(inst, fd);
}

static void test_loop(void)
{
	static const struct nfp_plugin dummy_p = { .name = "DUMMY" };
	struct nfp_inst dummy = { .plugin = &dummy_p, .name = "dummy" };
	uint64_t t0 = nfp_now_ms(), el;

	ok(nfp_loop_init() == 0, "loop init");
	tm = nfp_timer_new(&dummy, on_tick, &ticks);
	ok(tm != NULL, "timer created");
	ok(nfp_timer_arm(tm, 20, 20) == 0, "timer armed");
	ok(pipe(pipefd) == 0, "pipe");
	ok(nfp_fd_add(&dummy, pipefd[0], EPOLLIN, on_fd) == 0, "fd added");
	ok(write(pipefd[1], "x", 1) == 1, "wrote to pipe");
	ok(nfp_loop_run(NULL) == 0, "loop ran until stopped");
	el = nfp_now_ms() - t0;
	is_int(ticks, 3, "timer fired three times");
	is_int(fd_hits, 1, "fd callback ran once, then was removed");
	ok(el >= 55 && el < 2000, "three 20 ms ticks took %llu ms",
	   (unsigned long long)el);
	nfp_loop_exit();
	close(pipefd[0]);
	close(pipefd[1]);
}

static void test_values(void)
{
	struct nfp_value v;
	char buf[64];

	memset(&v, 0, sizeof(v));
	v.addr.family = AF_INET;
	inet_pton(AF_INET, "192.0.2.7", &v.addr.in4);
	nfp_value_format(NFP_T_ADDR, &v, buf, sizeof(buf));
	is_str(buf, "192.0.2.7", "format ipv4");
	v.addr.family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::1", v.addr.in6);
	nfp_value_format(NFP_T_ADDR, &v, buf, sizeof(buf));
	is_str(buf, "2001:db8::1", "format ipv6");
	v.raw.ptr = "\x00\x1b\xff";
	v.raw.len = 3;
	nfp_value_format(NFP_T_RAW, &v, buf, sizeof(buf));
	is_str(buf, "00:1b:ff", "format raw");
	v.u64 = UINT64_MAX;
	nfp_value_format(NFP_T_U64, &v, buf, sizeof(buf));
	is_str(buf, "18446744073709551615", "format u64 keeps its sign");
	v.time.sec = 5;
	v.time.nsec = 7;
	nfp_value_format(NFP_T_TIME, &v, buf, sizeof(buf));
	is_str(buf, "5.000000007", "format time");
}

static void test_arena(void)
{
	struct nfp_arena *a = nfp_arena_new();
	uint64_t valid[1];
	struct nfp_rec rec = { .arena = a, .valid = valid, .nvalid = 1 };
	char *p1, *p2, *big;
	int i, okay = 1;

	p1 = nfp_rec_alloc(&rec, 10);
	p2 = nfp_rec_alloc(&rec, 10);
	ok(p1 && p2 && p2 - p1 == 16, "arena allocations are 8-aligned");
	big = nfp_rec_alloc(&rec, 200000);
	ok(big != NULL, "an allocation larger than a chunk");
	memset(big, 1, 200000);
	for (i = 0; i < 100; i++)
		if (!nfp_rec_alloc(&rec, 1000))
			okay = 0;
	ok(okay, "many allocations across chunks");
	nfp_rec_reset(&rec);
	ok(nfp_rec_alloc(&rec, 10) == p1, "reset reuses the first chunk");
	nfp_arena_free(a);
}

/* nfp_engine_adopt: kept instances are the same objects, with their state. */
static void test_reload(void)
{
	struct nfp_inst *in, *c1;
	struct nfpt *t;

	t = nfpt_new("[global]\n"
		     "stack=in:PKTIN,px:PRODX,c1:CAPTURE\n",
		     plugins);
	feed_mark(t, "in", 1);
	in = nfpt_inst(t, "in");
	c1 = nfpt_inst(t, "c1");
	is_int(nfpt_reload(t,
			   "[global]\n"
			   "stack=in:PKTIN,px:PRODX,c1:CAPTURE\n"
			   "stack=in:PKTIN,px:PRODX,nx:NEEDX,c2:CAPTURE\n",
			   plugins),
	       3, "reload: in, px and c1 are carried over");
	ok(nfpt_inst(t, "in") == in && nfpt_inst(t, "c1") == c1,
	   "reload: the kept instances are the same objects");
	feed_mark(t, "in", 2);
	is_int(nfpt_count(t, "c1"), 2, "reload: c1 kept its state and goes on");
	is_int(nfpt_count(t, "c2"), 1, "reload: the added stack gets records");
	is_str(nfpt_get(t, "c2", "x.y"), "3", "reload: the new stack is bound");
	is_int((int64_t)t_counter_in(t, "in"), 2,
	       "reload: the kept input kept its counters");

	ok(nfpt_reload(t, "[global]\nstack=in:PKTIN,nosuch:NOSUCH,c1:CAPTURE\n",
		       plugins) < 0,
	   "reload: a config with an error is refused");
	feed_mark(t, "in", 2);
	is_int(nfpt_count(t, "c2"), 2,
	       "reload: the refused one left all running");

	is_int(nfpt_reload(t, "[global]\nstack=in:PKTIN,c2:CAPTURE\n", plugins),
	       2, "reload: stacks removed, in and c2 kept");
	ok(nfpt_inst(t, "c1") == NULL && nfpt_inst(t, "px") == NULL,
	   "reload: removed instances are gone");
	feed_mark(t, "in", 5);
	is_int(nfpt_count(t, "c2"), 3, "reload: c2 fed directly now");
	is_str(nfpt_get(t, "c2", "x.y"), NULL,
	       "reload: the record layout is the new one (no x.y)");
	is_str(nfpt_get(t, "c2", "oob.mark"), "5",
	       "reload: input keys still bound");
	nfpt_free(t);
}

int main(void)
{
	test_binding();
	test_sharing();
	test_emit();
	test_emitted_keys();
	test_errors();
	test_plugin_errors();
	test_loop();
	test_values();
	test_arena();
	test_reload();
	return done_testing();
}
