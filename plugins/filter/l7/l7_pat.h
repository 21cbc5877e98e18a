/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter/l7 - l7-filter pattern files (.pat) compiled with PCRE2
 *
 * The l7-protocols format: '#' comments and blank lines, then the
 * protocol's name on a line of its own, then its regular expression on the
 * next line (with \xHH escapes). Lines of l7-filter's user-space variant
 * ("userspace pattern=...", "userspace flags=...") are skipped. Patterns
 * match case-insensitively, '.' matching any byte, on the first bytes of a
 * direction of a flow. A set is built once (configure time) and is
 * read-only afterwards, except for its one match buffer: main thread only.
 */
#ifndef NFP_FILTER_L7_PAT_H
#define NFP_FILTER_L7_PAT_H

#include <stddef.h>
#include <stdint.h>

struct l7p_set;

/*
 * Compile the patterns of @spec: file or folder names separated by commas
 * or newlines; a folder gives its *.pat files in name order. 0 and *@out
 * (NULL when @spec names no pattern), or -1 with @err saying what and
 * where ("x.pat:3: missing closing parenthesis at offset 5").
 */
int l7p_load(const char *spec, struct l7p_set **out, char *err, size_t len);

void l7p_free(struct l7p_set *s);

/* Number of patterns in @s (0 for NULL). */
unsigned int l7p_count(const struct l7p_set *s);

/* The name line of pattern @i. */
const char *l7p_name(const struct l7p_set *s, unsigned int i);

/* Index of the first pattern matching @buf, or -1. */
int l7p_match(struct l7p_set *s, const uint8_t *buf, size_t len);

#endif /* NFP_FILTER_L7_PAT_H */
