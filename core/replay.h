/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core/replay.h - `nfpiped --replay FILE`: config rewrite and progress bar
 *
 * Not installed. nfp_input_done(), the part plugins call, is declared in
 * include/nfpipe/plugin.h.
 */
#ifndef NFP_REPLAY_H
#define NFP_REPLAY_H

#include "engine.h"

/*
 * Rewrite the parsed config @c for a replay of @file: every NFLOG (or ULOG)
 * instance becomes a PCAP instance reading @file (its section then holds
 * file= and the numeric_label it had), and stacks fed by other inputs
 * (NFCT, NFACCT), which a capture cannot feed, are dropped with a warning.
 * Returns the number of instances replaced; none is an error in @d.
 */
int nfp_replay_rewrite(struct nfp_conf *c, const char *file,
		       struct nfp_diags *d);

/*
 * Show a progress bar on stderr while @e replays @file, when stderr is a
 * terminal (else do nothing). Call after nfp_engine_start(); end it with
 * nfp_replay_progress_end(), which prints the last state and a newline.
 */
void nfp_replay_progress_start(struct nfp_engine *e, const char *file);
void nfp_replay_progress_end(void);

#endif /* NFP_REPLAY_H */
