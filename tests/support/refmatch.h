/* SPDX-License-Identifier: Apache-2.0 */
/*
 * refmatch.h - the reference matcher: a deliberately simple, linear
 * implementation of HTTP request matching over the attach stage's output
 * (digest §1.5 A24-A26, §2.2-2.3, §3.1, §3.3, §4.2) and of the filters of
 * the winning rule and the chosen backend (§4.5 B13, §5 F9-F36, §6). It is
 * the oracle of the differential tests: no indexes, no caching of
 * decisions, every candidate match entry is tested and ranked by plain
 * comparison, every filter is re-derived from the digest (nothing of
 * lib/filters.c is called).
 *
 * Not covered: gRPC, TLS/TCP/UDP routes, session persistence's backend
 * pinning (the policy values are reported). Regex patterns are compiled on
 * first use and kept in a small process-wide cache, so ref_match is for one
 * thread at a time; ref_cleanup() frees the cache.
 */
#ifndef GWR_REFMATCH_H
#define GWR_REFMATCH_H

#include "attach.h"

#define REF_MAX_HEADERS 96 /* upstream headers, header operations */
#define REF_MAX_OWN 16     /* the engine's own response headers */
#define REF_MAX_REFS 40    /* mirrors, ExtensionRefs, retry codes */
#define REF_BUF 8192       /* text the oracle writes (Location, paths, joined lists) */

/* A header, or a header operation (op = GWR_HEADER_OP_*; 0 for a header). */
typedef struct ref_header {
  int op;
  gwr_str name, value;
} ref_header;

/* A reference to an object (mirror backend, ExtensionRef). */
typedef struct ref_objref {
  gwr_str group, kind, ns, name;
  uint32_t port; /* 0 for ExtensionRefs */
} ref_objref;

/* Rule policies (§6), as the decision reports them: -1 = unset. */
typedef struct ref_policy {
  int64_t timeout_request_ms, timeout_backend_ms;
  gwr_str timeout_request, timeout_backend;      /* as written */
  int has_retry;
  int64_t retry_attempts, retry_backoff_ms;
  gwr_str retry_backoff;
  int64_t retry_codes[REF_MAX_REFS];
  size_t retry_code_count;
  int has_session;
  gwr_str session_type;    /* default "Cookie" */
  gwr_str session_name;    /* cookie.name, header.name or sessionName */
  gwr_str cookie_path;     /* default "/" for a main-branch Cookie */
  gwr_str lifetime;        /* default "Session" for a Cookie */
  gwr_str session_absolute, session_idle;
  int64_t session_absolute_ms, session_idle_ms;
} ref_policy;

/* Views point into the attach data, the request and `buf`: read a result in
 * place (never copy it by value) while the attach data and request live. */
typedef struct ref_result {
  int action;           /* GWR_ACTION_* */
  int status;           /* HTTP status of a respond/redirect, else 0 */
  int grpc_status;      /* a gRPC request's respond: its gRPC status, else -1 */
  const char *listener; /* full_name of the listener the request landed on
                         * (for a 421, the SNI's); NULL when none (no
                         * listener for the Host, REJECT, unknown gateway) */
  size_t route;         /* index into att->routes, or (size_t)-1 */
  int rule, match;      /* indexes in the route, -1 when none */
  int backend;          /* index into the rule's backends, -1 when none */
  /* filters (§5) and policies (§6) */
  gwr_str location;                    /* redirect target, else empty */
  gwr_str upstream_host, upstream_path; /* on forward, else empty */
  ref_header upstream[REF_MAX_HEADERS]; /* request headers as forwarded */
  size_t upstream_count;
  ref_header resp_ops[REF_MAX_HEADERS]; /* response operations: modifiers, then CORS */
  size_t resp_op_count;
  ref_header own[REF_MAX_OWN];          /* headers of a redirect or preflight answer */
  size_t own_count;
  ref_objref mirrors[REF_MAX_REFS];     /* sampled, valid mirrors (forward only) */
  size_t mirror_count;
  ref_objref extensions[REF_MAX_REFS];  /* ExtensionRefs, rule level then backend level */
  size_t extension_count;
  ref_policy policy;
  int overflow;                         /* an array or buf was too small */
  char buf[REF_BUF];
  size_t buf_used;
} ref_result;

#define REF_NO_ROUTE ((size_t)-1)

/* Match req against att. GWR_OK with *out filled, GWR_E_NOTFOUND when the
 * gateway is unknown, not ours or (empty name) not unique, GWR_E_NOMEM. */
int ref_match(const gwr__attach *att, const gwr_request *req, ref_result *out);

/* Free the regex cache (safe to call at any time; the cache refills). */
void ref_cleanup(void);

#endif
