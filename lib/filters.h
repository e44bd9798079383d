/* SPDX-License-Identifier: Apache-2.0 */
/*
 * filters.h - carrying compiled filters (table.h, gwr__tfilters) into a
 * decision at match time. See filters.c.
 */
#ifndef GWR_FILTERS_H
#define GWR_FILTERS_H

#include "decision.h"

/* What the filters need to know about the matched request. */
typedef struct gwr__match_view {
  gwr__sv path;       /* matched path (normalised), without the query */
  gwr__sv query;      /* after '?' */
  int has_query;
  gwr__sv host;       /* lowercase, without port */
  gwr__sv prefix;     /* the matched PathPrefix value (for ReplacePrefixMatch) */
  const gwr__regex *path_re; /* the matched path regex, or NULL (capture rewrites) */
} gwr__match_view;

/* The sampling seed of mirror filter i of a list: never the seed (0) the
 * weighted backend choice hashes the key with, so sampling and backend
 * choice are independent. */
#define GWR_MIRROR_SEED(list_seed, i) (((list_seed) * 31 + (i)) ^ 0x6d6972726f72ULL)

/* A CORS preflight on this filter list is answered (F31): returns 1. */
int gwr__filters_preflight(gwr_decision *d, const gwr__tfilters *f);

/* Apply list `which` (0 rule-level, 1 backend-level); 0 when final. */
int gwr__filters_apply(gwr_decision *d, int which, const gwr__tfilters *f,
                       const gwr__match_view *mv);

#endif
