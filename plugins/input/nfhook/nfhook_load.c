// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * input/nfhook - loading a BPF object with libbpf's messages kept
 *
 * libbpf prints what went wrong (the verifier's log of a refused program
 * among it) through one process-wide print hook; this file points that
 * hook at a buffer for the length of a load and turns a failed load into
 * an error text that carries the log. Used by the plugin for its own
 * program and by tests/unit/test_nfhook_verifier with a program the
 * verifier must refuse. Also what the running kernel must have, checked
 * against a BTF file the caller names (the plugin: the kernel's; the
 * test: a missing one).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "nfhook_load.h"

static char bpf_log[16384];
static size_t bpf_log_len;
static libbpf_print_fn_t old_print;

static int keep_libbpf_msg(enum libbpf_print_level level, const char *fmt,
			   va_list ap)
{
	int n;

	if (level == LIBBPF_DEBUG || bpf_log_len >= sizeof(bpf_log) - 1)
		return 0;
	n = vsnprintf(bpf_log + bpf_log_len, sizeof(bpf_log) - bpf_log_len, fmt,
		      ap);
	if (n > 0)
		bpf_log_len += (size_t)n;
	if (bpf_log_len > sizeof(bpf_log) - 1)
		bpf_log_len = sizeof(bpf_log) - 1;
	return 0;
}

void nfhook_log_begin(void)
{
	bpf_log_len = 0;
	bpf_log[0] = '\0';
	old_print = libbpf_set_print(keep_libbpf_msg);
}

void nfhook_log_end(void)
{
	libbpf_set_print(old_print);
	old_print = NULL;
}

const char *nfhook_libbpf_log(void)
{
	return bpf_log;
}

int nfhook_load_logged(int (*load)(void *arg), void *arg, char *msg,
		       size_t size)
{
	int err;

	if (size)
		msg[0] = '\0';
	nfhook_log_begin();
	err = load(arg);
	nfhook_log_end();
	if (!err)
		return 0;
	if (err > 0)
		err = -err;
	if (size)
		snprintf(
			msg, size,
			"the kernel refused the BPF program (%s); libbpf and the verifier said:\n%s",
			strerror(-err), bpf_log);
	return err;
}

const char *nfhook_kernel_lacks(const char *btf_path, char *buf, size_t size)
{
	const char *why = NULL;
	struct btf *btf;

	if (access(btf_path, R_OK)) {
		snprintf(
			buf, size,
			"kernel BTF (%s missing: CONFIG_DEBUG_INFO_BTF=y is needed for the program's CO-RE reads)",
			btf_path);
		return buf;
	}
	btf = btf__parse(btf_path, NULL);
	if (!btf) {
		snprintf(buf, size, "readable kernel BTF (%s does not parse)",
			 btf_path);
		return buf;
	}
	if (btf__find_by_name_kind(btf, "bpf_nf_ctx", BTF_KIND_STRUCT) < 0)
		why = "BPF netfilter programs (BPF_PROG_TYPE_NETFILTER, kernel 6.4+)";
	else if (btf__find_by_name_kind(btf, "bpf_nf_link", BTF_KIND_STRUCT) <
		 0)
		why = "netfilter bpf links (CONFIG_NETFILTER_BPF_LINK=y)";
	btf__free(btf);
	if (why)
		snprintf(buf, size, "%s", why);
	return why ? buf : NULL;
}
