/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/ipset/ipset.h - IPSET's test seam
 *
 * Unit tests link IPSET statically and point ipset_run_hook at a function
 * of their own: start() then talks to no kernel (no libipset session, no
 * set check) and every batch flush() would send through libipset goes to
 * the hook instead, as `ipset restore` lines ("add SET ADDR timeout N",
 * one a line); its return value stands for the kernel's answer (0:
 * applied).
 */
#ifndef NFP_IPSET_H
#define NFP_IPSET_H

extern int (*ipset_run_hook)(const char *lines);

#endif /* NFP_IPSET_H */
