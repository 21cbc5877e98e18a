/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/nftset/nftset.h - NFTSET's test seam
 *
 * Unit tests link NFTSET statically and point nftset_run_hook at a
 * function of their own: start() then talks to no kernel (no libnftables
 * context, no set check) and every batch flush() would hand to
 * libnftables goes to the hook as nft command text instead; its return
 * value stands for nft_run_cmd_from_buffer()'s (0: applied).
 */
#ifndef NFP_NFTSET_H
#define NFP_NFTSET_H

extern int (*nftset_run_hook)(const char *cmds);

#endif /* NFP_NFTSET_H */
