/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core/control.h - the control socket (control.c) as main.c drives it
 *
 * Main thread only. The protocol is in doc/internals/control.md.
 */
#ifndef NFP_CONTROL_H
#define NFP_CONTROL_H

#include "core.h"

struct nfp_engine;

/*
 * Listen on @path (NULL, "" or "none": no socket, only the rate timer),
 * mode 0600, creating its directory (0750) when missing. @config is the
 * config's path for status (kept, not copied); @reload (may be NULL) asks
 * main for a reload, answered with nfp_control_reload_done(). 0 or -errno
 * (-EADDRINUSE: another daemon answers there).
 */
int nfp_control_open(const char *path, const char *config,
		     void (*reload)(void));
/* The engine status reports on; set again after each reload. */
void nfp_control_engine(struct nfp_engine *e);
/* The socket's path, or NULL when there is none. */
const char *nfp_control_path(void);
/* Records per second the inputs pushed over the last second. */
double nfp_control_rate(void);
/*
 * Answer every client waiting on a reload: ok, or the errors in @d (may be
 * NULL) as "file:line: error: ..." lines.
 */
void nfp_control_reload_done(bool ok, const struct nfp_diags *d);
/* Close every client and the socket, unlink it. */
void nfp_control_close(void);

#endif /* NFP_CONTROL_H */
