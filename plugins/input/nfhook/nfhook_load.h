/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input/nfhook - loading a BPF object with libbpf's messages kept
 *
 * nfhook_load_logged() runs a libbpf load (the plugin's skeleton, or any
 * object a test hands it) with libbpf's warnings captured; when the load
 * fails, @msg gets one error text naming the errno and carrying what
 * libbpf and the verifier said (the verifier's log comes through libbpf's
 * warnings). nfhook_kernel_lacks() says what a kernel lacks for the
 * program, from its BTF. Not thread-safe: libbpf's print hook is process-wide.
 */
#ifndef NFHOOK_LOAD_H
#define NFHOOK_LOAD_H

#include <stddef.h>

/*
 * Call @load(@arg) (0 or a negative errno, as libbpf's loads return) with
 * libbpf's messages kept. On failure fill @msg (@size bytes, always
 * terminated) with "the kernel refused the BPF program (ERRNO); libbpf
 * and the verifier said:\n" and the messages, and return the negative
 * errno; on success return 0 and leave @msg empty.
 */
int nfhook_load_logged(int (*load)(void *arg), void *arg, char *msg,
		       size_t size);

/*
 * libbpf's messages since the last nfhook_load_logged() began (for an
 * error of another step, e.g. an open that failed). Empty when none.
 */
const char *nfhook_libbpf_log(void);

/* Keep libbpf's messages from now on; nfhook_log_end() stops it. */
void nfhook_log_begin(void);
void nfhook_log_end(void);

/*
 * NULL when the kernel whose BTF is at @btf_path has what the program
 * needs, else @buf (@size bytes) naming what is missing: the BTF file
 * (for CO-RE), netfilter programs (6.4+: struct bpf_nf_ctx in its BTF) or
 * netfilter links (CONFIG_NETFILTER_BPF_LINK: struct bpf_nf_link).
 */
const char *nfhook_kernel_lacks(const char *btf_path, char *buf, size_t size);

#endif
