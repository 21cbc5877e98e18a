# SPDX-License-Identifier: GPL-2.0-or-later
# input/nfhook: the eBPF program (built with clang's bpf target against a
# vmlinux.h that bpftool dumps from the build machine's kernel BTF, then
# embedded as a bpftool skeleton), the loader module, its unit test (the
# record building, no root, built whenever the tree is) and the
# integration test on the real kernel.
NFHOOK_INTEGRATION = tests/integration/nfhook-flows.sh
EXTRA_DIST += plugins/input/nfhook/README.md \
	plugins/input/nfhook/nfhook.bpf.c $(NFHOOK_INTEGRATION)
# NFHOOK flows against NFLOG, live (root; not a test):
# make bench/udpgen && bench/nfhook-live
EXTRA_DIST += bench/nfhook-live

check_PROGRAMS += tests/unit/test_nfhook
tests_unit_test_nfhook_SOURCES = tests/unit/test_nfhook.c \
	plugins/input/nfhook/nfhook_rec.c plugins/input/nfhook/nfhook_rec.h \
	plugins/input/nfhook/nfhook_shared.h \
	tests/unit/harness.c tests/unit/harness.h tests/unit/tap.h
tests_unit_test_nfhook_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/plugins/input/nfhook
tests_unit_test_nfhook_LDADD = libnfpcore.la
TESTS += tests/unit/test_nfhook

# Generated at build time (the kernel's types come from this machine).
CLEANFILES = plugins/input/nfhook/vmlinux.h \
	plugins/input/nfhook/nfhook.bpf.o plugins/input/nfhook/nfhook.skel.h \
	tests/unit/nfhook_bad.bpf.o tests/unit/nfhook_bad.skel.h
EXTRA_DIST += tests/unit/nfhook_bad.bpf.c

if BUILD_NFHOOK

plugins/input/nfhook/vmlinux.h:
	@$(MKDIR_P) plugins/input/nfhook
	$(AM_V_GEN)$(BPFTOOL) btf dump file $(NFHOOK_BTF) format c >$@.tmp && \
		mv $@.tmp $@

# -mcpu=v3: 32-bit atomics (the TCP flags and FIN bits).
plugins/input/nfhook/nfhook.bpf.o: \
		$(top_srcdir)/plugins/input/nfhook/nfhook.bpf.c \
		$(top_srcdir)/plugins/input/nfhook/nfhook_shared.h \
		plugins/input/nfhook/vmlinux.h
	$(AM_V_GEN)$(CLANG) -O2 -g -target bpf -mcpu=v3 -Wall -Werror \
		-Iplugins/input/nfhook -I$(top_srcdir)/plugins/input/nfhook \
		-c $(top_srcdir)/plugins/input/nfhook/nfhook.bpf.c -o $@

plugins/input/nfhook/nfhook.skel.h: plugins/input/nfhook/nfhook.bpf.o
	$(AM_V_GEN)$(BPFTOOL) gen skeleton $< name nfhook_bpf >$@.tmp && \
		mv $@.tmp $@

pkglib_LTLIBRARIES += input_nfhook.la
nodist_input_nfhook_la_SOURCES = plugins/input/nfhook/nfhook.skel.h
input_nfhook_la_SOURCES = plugins/input/nfhook/nfhook.c \
	plugins/input/nfhook/nfhook_load.c plugins/input/nfhook/nfhook_load.h \
	plugins/input/nfhook/nfhook_rec.c plugins/input/nfhook/nfhook_rec.h \
	plugins/input/nfhook/nfhook_shared.h
input_nfhook_la_CPPFLAGS = $(AM_CPPFLAGS) $(LIBBPF_CFLAGS) \
	-Iplugins/input/nfhook -I$(top_srcdir)/plugins/input/nfhook
input_nfhook_la_LIBADD = $(LIBBPF_LIBS)
input_nfhook_la_LDFLAGS = $(PLUGIN_LDFLAGS)
# The skeleton must exist before nfhook.c compiles.
$(input_nfhook_la_OBJECTS): plugins/input/nfhook/nfhook.skel.h

TESTS += $(NFHOOK_INTEGRATION)

# A refused program's error carries the verifier's log: the loader's
# nfhook_load_logged() with an object the verifier must refuse; and
# nfhook_kernel_lacks() with a missing BTF file and one without netfilter.
tests/unit/nfhook_bad.bpf.o: $(top_srcdir)/tests/unit/nfhook_bad.bpf.c
	@$(MKDIR_P) tests/unit
	$(AM_V_GEN)$(CLANG) -O2 -g -target bpf -Wall -Werror \
		-Wno-unused-parameter \
		-c $(top_srcdir)/tests/unit/nfhook_bad.bpf.c -o $@

tests/unit/nfhook_bad.skel.h: tests/unit/nfhook_bad.bpf.o
	$(AM_V_GEN)$(BPFTOOL) gen skeleton $< name nfhook_bad_bpf >$@.tmp && \
		mv $@.tmp $@

check_PROGRAMS += tests/unit/test_nfhook_verifier
nodist_tests_unit_test_nfhook_verifier_SOURCES = tests/unit/nfhook_bad.skel.h
tests_unit_test_nfhook_verifier_SOURCES = tests/unit/test_nfhook_verifier.c \
	plugins/input/nfhook/nfhook_load.c plugins/input/nfhook/nfhook_load.h \
	tests/unit/tap.h
tests_unit_test_nfhook_verifier_CPPFLAGS = $(AM_CPPFLAGS) $(LIBBPF_CFLAGS) \
	-Itests/unit -I$(top_srcdir)/plugins/input/nfhook \
	-DNFHOOK_BAD_OBJ='"$(abs_builddir)/tests/unit/nfhook_bad.bpf.o"'
tests_unit_test_nfhook_verifier_LDADD = $(LIBBPF_LIBS)
$(tests_unit_test_nfhook_verifier_OBJECTS): tests/unit/nfhook_bad.skel.h
TESTS += tests/unit/test_nfhook_verifier
endif
