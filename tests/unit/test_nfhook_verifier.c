/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_nfhook_verifier - a refused program's error carries the
 * verifier's log
 *
 * NFHOOK loads its program through nfhook_load_logged(); this test hands
 * the same function an object (tests/unit/nfhook_bad.bpf.c) whose
 * program too_far reads past its context. The load must fail and the
 * error text must name the refusal and carry the verifier's own words
 * (libbpf's "PROG LOAD LOG" block, "invalid bpf_context access", the
 * offending offset). The same object with too_far left out must load,
 * with an empty message. Loading needs root: those checks are skipped
 * without it.
 *
 * And what a kernel lacks, from a BTF file: nfhook_kernel_lacks() (what
 * configure and `nfpiped --check` report) given a missing file must name
 * the file and CONFIG_DEBUG_INFO_BTF; given the test object's own BTF
 * (no struct bpf_nf_ctx in it) must name netfilter programs; given this
 * kernel's BTF (6.4+ with netfilter links, which the other NFHOOK tests
 * need too) must find nothing missing.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "nfhook_bad.skel.h"
#include "nfhook_load.h"
#include "tap.h"

static int load_obj(void *arg)
{
	return nfhook_bad_bpf__load(arg);
}

static void test_lacks(void)
{
	char buf[256];
	const char *why;

	why = nfhook_kernel_lacks("/nonexistent/btf/vmlinux", buf, sizeof(buf));
	ok(why && strstr(why, "/nonexistent/btf/vmlinux missing") != NULL,
	   "a missing BTF file is named");
	ok(why && strstr(why, "CONFIG_DEBUG_INFO_BTF") != NULL,
	   "and the kernel option it needs");
	why = nfhook_kernel_lacks(NFHOOK_BAD_OBJ, buf, sizeof(buf));
	ok(why && strstr(why, "BPF netfilter programs") != NULL,
	   "BTF without struct bpf_nf_ctx: netfilter programs are missing");
	if (why)
		diag("%s: %s", NFHOOK_BAD_OBJ, why);
	why = nfhook_kernel_lacks("/sys/kernel/btf/vmlinux", buf, sizeof(buf));
	ok(why == NULL, "this kernel lacks nothing%s%s", why ? ": " : "",
	   why ? why : "");
}

int main(void)
{
	struct nfhook_bad_bpf *skel;
	char msg[17000];
	int err;

	test_lacks();
	if (geteuid() != 0) {
		ok(1, "# SKIP loading BPF programs needs root");
		return done_testing();
	}

	skel = nfhook_bad_bpf__open();
	if (!skel)
		bail_out("cannot open the test's BPF object: %s",
			 strerror(errno));
	err = nfhook_load_logged(load_obj, skel, msg, sizeof(msg));
	ok(err < 0, "the verifier refuses too_far (err %d)", err);
	ok(strstr(msg, "the kernel refused the BPF program (") == msg,
	   "the error says the kernel refused the program");
	ok(strstr(msg, "libbpf and the verifier said:\n") != NULL,
	   "the error introduces the log");
	ok(strstr(msg, "too_far") != NULL, "the log names the program");
	ok(strstr(msg, "PROG LOAD LOG") != NULL,
	   "the log holds the verifier's block");
	ok(strstr(msg, "invalid bpf_context access") != NULL,
	   "the log holds the verifier's reason");
	ok(strstr(msg, "off=4096") != NULL,
	   "the log names the offending offset");
	if (strstr(msg, "invalid bpf_context access") == NULL)
		diag("message: %s", msg);
	nfhook_bad_bpf__destroy(skel);

	skel = nfhook_bad_bpf__open();
	if (!skel)
		bail_out("cannot open the test's BPF object: %s",
			 strerror(errno));
	bpf_program__set_autoload(skel->progs.too_far, false);
	err = nfhook_load_logged(load_obj, skel, msg, sizeof(msg));
	is_int(err, 0, "without too_far the object loads");
	is_str(msg, "", "and the message is empty");
	ok(bpf_program__fd(skel->progs.fine) >= 0, "fine has a descriptor");
	nfhook_bad_bpf__destroy(skel);
	return done_testing();
}
