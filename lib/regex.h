/* SPDX-License-Identifier: Apache-2.0 */
/*
 * regex.h - PCRE2 behind a narrow interface (the only file that includes
 * pcre2.h is regex.c). Patterns are full-match (ANCHORED|ENDANCHORED),
 * bytewise (no UTF), JIT-compiled when the platform allows, and always
 * matched under a match limit.
 */
#ifndef GWR_REGEX_H
#define GWR_REGEX_H

#include "internal.h"

typedef struct gwr__regex gwr__regex;           /* compiled pattern, shared */
typedef struct gwr__regex_env gwr__regex_env;   /* table-wide contexts */
typedef struct gwr__regex_scratch gwr__regex_scratch; /* per decision */

/* Whether the pattern compiles; on failure writes PCRE2's reason. */
int gwr__regex_check(gwr__sv pattern, size_t max_len, char *err, size_t cap);

gwr__regex_env *gwr__regex_env_new(const gwr__alloc *a, uint32_t match_limit, uint32_t heap_kib);
void gwr__regex_env_free(gwr__regex_env *env);
/* NULL on failure (bad pattern or no memory). */
gwr__regex *gwr__regex_compile(gwr__regex_env *env, gwr__sv pattern);
void gwr__regex_free(gwr__regex *re);

/* a is the owner's allocator and must stay valid until the scratch is freed */
gwr__regex_scratch *gwr__regex_scratch_new(const gwr__alloc *a);
void gwr__regex_scratch_free(gwr__regex_scratch *s);

/* 1 when the whole subject matches; 0 for no match or an exhausted limit. */
int gwr__regex_match(const gwr__regex_env *env, const gwr__regex *re,
                     gwr__regex_scratch *s, const char *subject, size_t len);

/* The groups of a whole-subject match: ov[2g], ov[2g+1] for g < the
 * returned count (unset groups: (size_t)-1), at most max_pairs; -1 when
 * there is no match. Slow path (not used by lookups). */
int gwr__regex_captures(const gwr__regex_env *env, const gwr__regex *re, gwr__regex_scratch *s,
                        const char *subject, size_t len, size_t *ov, int max_pairs);

#endif
