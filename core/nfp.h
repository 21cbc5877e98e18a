/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core/nfp.h - the prelude every core .c includes first
 *
 * config.h, the standard integer and bool types, the public plugin API and
 * the few macros the core uses everywhere.
 */
#ifndef NFP_PRELUDE_H
#define NFP_PRELUDE_H

#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nfpipe/plugin.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member)                                        \
	((type *)((char *)(ptr)-offsetof(type, member)))
#define likely(x)	 __builtin_expect(!!(x), 1)
#define unlikely(x)	 __builtin_expect(!!(x), 0)
#define NFP_PRINTF(a, b) __attribute__((format(printf, a, b)))

#endif /* NFP_PRELUDE_H */
