/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/rrd - the RRD output's functions that unit tests call directly
 *
 * The module exports only its plugin struct; these are hidden by the
 * build's -fvisibility=hidden and exist so that tests/unit/test_rrd.c,
 * which links rrd.c statically, can check the file-name rule on hostile
 * values and drive a timer tick without running the event loop.
 */
#ifndef NFP_OUTPUT_RRD_OUT_H
#define NFP_OUTPUT_RRD_OUT_H

#include <stddef.h>

struct nfp_inst;

/* Longest file stem nfp_rrd_sanitize() writes (".rrd" comes on top). */
#define NFP_RRD_STEM_MAX 120

/*
 * The file stem for a group value of @len bytes at @in: bytes outside
 * [A-Za-z0-9._-] become '_', a leading '.' becomes '_', an empty value is
 * "none", the reserved stems "all" and "other" get a trailing '_', and a
 * value too long is cut and ends in '-' plus 8 hex digits of a hash of the
 * whole value. @out holds NFP_RRD_STEM_MAX + 1 bytes; returns the length.
 */
size_t nfp_rrd_sanitize(const char *in, size_t len, char *out);

/* What the step timer does: hand the current totals to the worker. */
void nfp_rrd_tick(struct nfp_inst *inst);

#endif /* NFP_OUTPUT_RRD_OUT_H */
