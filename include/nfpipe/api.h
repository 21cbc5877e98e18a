/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfpipe/api.h - symbol visibility of the plugin API
 *
 * The daemon is built with -fvisibility=hidden; what plugins may call is
 * marked NFP_API and exported from nfpiped.
 */
#ifndef NFPIPE_API_H
#define NFPIPE_API_H

#define NFP_API __attribute__((visibility("default")))

#endif /* NFPIPE_API_H */
