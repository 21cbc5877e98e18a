// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tests/unit/nfhook_bad - a BPF object with one program the verifier
 * must refuse
 *
 * Two socket filters for tests/unit/test_nfhook_verifier: too_far reads
 * past the end of its context (struct __sk_buff), which the verifier
 * refuses with "invalid bpf_context access"; fine returns 0 and loads.
 * Built with clang -target bpf, no headers (none is needed), embedded in
 * the test as a bpftool skeleton.
 */
#define SEC(name) __attribute__((section(name), used))

char LICENSE[] SEC("license") = "GPL";

SEC("socket")
int too_far(void *ctx)
{
	return *(volatile unsigned int *)((char *)ctx + 4096);
}

SEC("socket")
int fine(void *ctx)
{
	return 0;
}
