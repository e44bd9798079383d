/* SPDX-License-Identifier: Apache-2.0 */
/*
 * refmatch.h - the reference matcher: a deliberately simple, linear
 * implementation of HTTP request matching over the attach stage's output
 * (digest §1.5 A24-A26, §2.2-2.3, §3.1, §3.3, §4.2). It is the oracle of the
 * differential tests: no indexes, no caching of decisions, every candidate
 * match entry is tested and ranked by plain comparison.
 *
 * Not covered: filters (redirects, rewrites, ...), gRPC, TLS/TCP/UDP routes,
 * session persistence. Regex patterns are compiled on first use and kept in
 * a small process-wide cache, so ref_match is for one thread at a time;
 * ref_cleanup() frees the cache.
 */
#ifndef GWR_REFMATCH_H
#define GWR_REFMATCH_H

#include "attach.h"

typedef struct ref_result {
  int action;           /* GWR_ACTION_* */
  int status;           /* HTTP status of a respond, else 0 */
  const char *listener; /* full_name of the listener the request landed on
                         * (for a 421, the SNI's); NULL when none (no
                         * listener for the Host, REJECT, unknown gateway) */
  size_t route;         /* index into att->routes, or (size_t)-1 */
  int rule, match;      /* indexes in the route, -1 when none */
  int backend;          /* index into the rule's backends, -1 when none */
} ref_result;

#define REF_NO_ROUTE ((size_t)-1)

/* Match req against att. GWR_OK with *out filled, GWR_E_NOTFOUND when the
 * gateway is unknown, not ours or (empty name) not unique, GWR_E_NOMEM. */
int ref_match(const gwr__attach *att, const gwr_request *req, ref_result *out);

/* Free the regex cache (safe to call at any time; the cache refills). */
void ref_cleanup(void);

#endif
