/* SPDX-License-Identifier: Apache-2.0 */
/*
 * refmatch.c - the reference matcher (see refmatch.h). Correctness by
 * obviousness: every step of the per-request pipeline (digest §3.5) is a
 * plain loop over the attach stage's arrays, written the way the digest
 * states it, so that a disagreement with the compiled engine points at the
 * engine. Nothing here is fast, and nothing here may be clever.
 *
 * Pipeline: gateway -> listeners on the port -> listener by SNI/Host (A25,
 * A26) -> every match entry of every binding whose effective hostname
 * matches the Host (H12) -> keep the entries whose predicates hold
 * (H3-H11) -> the best by the key of §3.1/§3.3 -> the rule's filters
 * (§3.5 step 6: CORS preflight, redirect, ...) -> weighted backend (B1-B5)
 * -> the backend's filters (B13) -> what is forwarded (F9-F11, F20-F25,
 * F26-F29) and what the response gets (F13, F32-F34).
 *
 * Where the digest leaves a choice open, the oracle takes one and says so
 * in a comment marked "choice:"; everything else is the digest's rule.
 */
#include "refmatch.h"

#include <stdio.h>
#include <stdlib.h>

#include "hash.h"
#include "regex.h"

#define REF_HOST_MAX 253

/* ---- regex cache: patterns compiled on first use ------------------------- */

typedef struct re_entry {
  char *pattern;
  size_t len;
  gwr__regex *re;
} re_entry;

static struct {
  gwr__alloc alloc;
  gwr__regex_env *env;
  gwr__regex_scratch *scratch;
  uint32_t limit;
  re_entry *items;
  size_t n, cap;
} cache;

void ref_cleanup(void) {
  size_t i;
  for (i = 0; i < cache.n; i++) {
    gwr__regex_free(cache.items[i].re);
    free(cache.items[i].pattern);
  }
  free(cache.items);
  gwr__regex_scratch_free(cache.scratch);
  gwr__regex_env_free(cache.env);
  memset(&cache, 0, sizeof cache);
}

static int cache_ready(uint32_t limit) {
  if (cache.env && cache.limit == limit) return 1;
  ref_cleanup();
  gwr__alloc_init(&cache.alloc, NULL);
  cache.env = gwr__regex_env_new(&cache.alloc, limit, 1024);
  cache.scratch = cache.env ? gwr__regex_scratch_new(&cache.alloc) : NULL;
  cache.limit = limit;
  return cache.scratch != NULL;
}

static const gwr__regex *cache_get(gwr__sv pattern) {
  size_t i;
  re_entry *e;
  for (i = 0; i < cache.n; i++)
    if (cache.items[i].len == pattern.len &&
        memcmp(cache.items[i].pattern, pattern.ptr, pattern.len) == 0)
      return cache.items[i].re;
  if (cache.n == cache.cap) {
    size_t cap = cache.cap ? cache.cap * 2 : 16;
    re_entry *items = realloc(cache.items, cap * sizeof *items);
    if (!items) return NULL;
    cache.items = items;
    cache.cap = cap;
  }
  e = &cache.items[cache.n];
  e->pattern = malloc(pattern.len + 1);
  if (!e->pattern) return NULL;
  memcpy(e->pattern, pattern.ptr, pattern.len);
  e->pattern[pattern.len] = '\0';
  e->len = pattern.len;
  e->re = gwr__regex_compile(cache.env, pattern);
  cache.n++;
  return e->re;
}

/* H5: full match (ANCHORED|ENDANCHORED, bytewise) under the table's limit. */
static int regex_full_match(const gwr__attach *att, gwr__sv pattern,
                            const char *subject, size_t len) {
  const gwr__regex *re;
  if (!cache_ready(att->opt->regex_match_limit)) return 0;
  re = cache_get(pattern);
  if (!re) return 0;
  return gwr__regex_match(cache.env, re, cache.scratch, subject, len);
}

/* ---- small string helpers --------------------------------------------------- */

static int bytes_eq(const char *a, size_t an, const char *b, size_t bn) {
  return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

static int ascii_case_eq(gwr_str a, gwr_str b) {
  size_t i;
  if (a.len != b.len) return 0;
  for (i = 0; i < a.len; i++)
    if (gwr__lower(a.ptr[i]) != gwr__lower(b.ptr[i])) return 0;
  return 1;
}

static int str_is(gwr_str s, const char *lit) {
  return bytes_eq(s.ptr, s.len, lit, strlen(lit));
}

/* ---- request host (A24) ------------------------------------------------------- */

typedef struct ref_host {
  char buf[REF_HOST_MAX + 1];
  size_t len;
  int too_long; /* matches only the empty pattern */
} ref_host;

/* Length of host without its port: "[v6]:p" keeps "[v6]"; else a trailing
 * ':' followed only by digits goes. */
static size_t host_without_port(const char *p, size_t n) {
  size_t i;
  if (n > 0 && p[0] == '[') {
    for (i = 1; i < n; i++)
      if (p[i] == ']') return i + 1;
    return n;
  }
  i = n;
  while (i > 0 && p[i - 1] >= '0' && p[i - 1] <= '9') i--;
  if (i > 0 && p[i - 1] == ':') return i - 1;
  return n;
}

/* Strip the port, one trailing '.', then ASCII-lowercase. */
static void host_normalize(gwr_str in, ref_host *out) {
  const char *p = in.ptr ? in.ptr : "";
  size_t n = host_without_port(p, in.len), i;
  if (n > 0 && p[n - 1] == '.') n--;
  out->too_long = n > REF_HOST_MAX;
  out->len = out->too_long ? 0 : n;
  for (i = 0; i < out->len; i++) out->buf[i] = gwr__lower(p[i]);
  out->buf[out->len] = '\0';
}

/* A21/A22: empty pattern = any host; "*.x" = one or more labels before
 * ".x"; anything else = equality. */
static int host_matches(gwr__sv pattern, const ref_host *h) {
  size_t suffix;
  if (pattern.len == 0) return 1;
  if (h->too_long) return 0;
  if (pattern.len >= 2 && pattern.ptr[0] == '*' && pattern.ptr[1] == '.') {
    suffix = pattern.len - 1; /* ".x" */
    return h->len > suffix &&
           memcmp(h->buf + h->len - suffix, pattern.ptr + 1, suffix) == 0;
  }
  return bytes_eq(pattern.ptr, pattern.len, h->buf, h->len);
}

/* ---- gateway and listener (A25, A26) ------------------------------------------ */

static int gateway_named(const gwr__att_gateway *g, gwr_str name) {
  const gwr__meta *m = &g->gw->meta;
  size_t n = m->ns.len;
  return name.len == n + 1 + m->name.len && memcmp(name.ptr, m->ns.ptr, n) == 0 &&
         name.ptr[n] == '/' && memcmp(name.ptr + n + 1, m->name.ptr, m->name.len) == 0;
}

/* The gateway index, or (size_t)-1. */
static size_t find_gateway(const gwr__attach *att, gwr_str name) {
  size_t i, found = (size_t)-1, ours = 0;
  for (i = 0; i < att->gateway_count; i++) {
    const gwr__att_gateway *g = &att->gateways[i];
    if (!g->ours) continue;
    if (name.len == 0) {
      ours++;
      found = i;
    } else if (gateway_named(g, name)) {
      return i;
    }
  }
  return (name.len == 0 && ours == 1) ? found : (size_t)-1;
}

/* 2 = exact hostname, 1 = wildcard, 0 = none */
static int hostname_class(gwr__sv hn) {
  if (hn.len == 0) return 0;
  return hn.ptr[0] == '*' ? 1 : 2;
}

/* Whether listener a is preferred to listener b for one host (A25). */
static int listener_better(const gwr__listener *a, const gwr__listener *b) {
  int ca = hostname_class(a->hostname), cb = hostname_class(b->hostname);
  if (ca != cb) return ca > cb;
  return ca == 1 && a->hostname.len > b->hostname.len;
}

static int listener_serves(const gwr__att_listener *al, uint32_t port, int proto) {
  return al->programmed && al->l->port == port && al->l->protocol == proto;
}

/* The best listener of gateway g for host h, or (size_t)-1.
 * proto: GWR_PROTO_* the connection speaks. */
static size_t best_listener(const gwr__attach *att, size_t g, uint32_t port,
                            int proto, const ref_host *h) {
  const gwr__att_gateway *gw = &att->gateways[g];
  size_t i, best = (size_t)-1;
  for (i = gw->first_listener; i < gw->first_listener + gw->listener_count; i++) {
    const gwr__att_listener *al = &att->listeners[i];
    if (!listener_serves(al, port, proto) || !host_matches(al->l->hostname, h)) continue;
    if (best == (size_t)-1 || listener_better(al->l, att->listeners[best].l)) best = i;
  }
  return best;
}

/* ---- path and query (H2, H4) ------------------------------------------------- */

/* Drop the last segment of out[0..o) and the '/' before it. */
static size_t pop_segment(const char *out, size_t o) {
  while (o > 0 && out[o - 1] != '/') o--;
  return o > 0 ? o - 1 : 0;
}

static int at(const char *in, size_t i, size_t n, const char *lit) {
  size_t k = strlen(lit);
  return n - i >= k && memcmp(in + i, lit, k) == 0;
}

/* RFC 3986 §5.2.4 for a path starting with '/' (so only rules B, C and E
 * apply): out has room for n + 1. */
static size_t remove_dot_segments(const char *in, size_t n, char *out) {
  size_t i = 0, o = 0;
  while (i < n) {
    if (at(in, i, n, "/./")) {
      i += 2; /* B: "/./" -> "/" */
    } else if (n - i == 2 && at(in, i, n, "/.")) {
      out[o++] = '/'; /* B: a final "/." -> "/" */
      i = n;
    } else if (at(in, i, n, "/../")) {
      i += 3; /* C: "/../" -> "/", dropping the last output segment */
      o = pop_segment(out, o);
    } else if (n - i == 3 && at(in, i, n, "/..")) {
      o = pop_segment(out, o); /* C: a final "/.." -> "/" */
      out[o++] = '/';
      i = n;
    } else {
      do out[o++] = in[i++]; /* E: move one segment */
      while (i < n && in[i] != '/');
    }
  }
  out[o] = '\0';
  return o;
}

typedef struct ref_req {
  const gwr__attach *att;
  const gwr_request *req;
  ref_host host;
  char *path; /* normalised, malloc'd */
  size_t path_len;
  const char *query; /* after '?', not decoded */
  size_t query_len;
  int has_query;     /* the target had a '?' (an empty query is kept) */
  size_t listener;   /* index into att->listeners */
  int grpc;          /* a gRPC request (protocol or content-type) */
  int layer4;        /* a TLS/TCP/UDP connection */
  int grpc_plane;    /* considering GRPCRoutes (1) or the other kinds (0) */
} ref_req;

static int split_path(ref_req *q) {
  const char *p = q->req->path.ptr ? q->req->path.ptr : "";
  size_t n = q->req->path.len, cut = 0;
  while (cut < n && p[cut] != '?') cut++;
  q->query = cut < n ? p + cut + 1 : "";
  q->query_len = cut < n ? n - cut - 1 : 0;
  q->has_query = cut < n;
  q->path = malloc(cut + 1);
  if (!q->path) return GWR_E_NOMEM;
  if (q->att->opt->path_normalize == GWR_PATH_NORMALIZE_DOT_SEGMENTS && cut > 0 &&
      p[0] == '/') {
    q->path_len = remove_dot_segments(p, cut, q->path);
  } else {
    memcpy(q->path, p, cut);
    q->path[cut] = '\0';
    q->path_len = cut;
  }
  return GWR_OK;
}

/* ---- predicates (H3-H11) ------------------------------------------------------- */

static int path_ok(const ref_req *q, const gwr__match *m) {
  gwr__sv v = m->path;
  size_t plen = v.len;
  if (m->path_type == GWR_PATH_EXACT) return bytes_eq(q->path, q->path_len, v.ptr, v.len);
  if (m->path_type == GWR_PATH_REGEX)
    return regex_full_match(q->att, v, q->path, q->path_len);
  /* a target that is not a path ("*", an authority) is under no prefix */
  if (q->path_len == 0 || q->path[0] != '/') return 0;
  if (bytes_eq(v.ptr, v.len, "/", 1)) return 1;
  if (plen > 0 && v.ptr[plen - 1] == '/') plen--;
  if (bytes_eq(q->path, q->path_len, v.ptr, plen)) return 1;
  return q->path_len > plen && memcmp(q->path, v.ptr, plen) == 0 && q->path[plen] == '/';
}

/* H8: all values of the (case-insensitive) header joined with ','. Returns
 * -1 when absent, -2 when longer than the limit, else the length in *out
 * (malloc'd, caller frees). */
static long joined_header(const ref_req *q, gwr__sv name, char **out) {
  const gwr_request *r = q->req;
  size_t i, total = 0, count = 0, o = 0;
  char *buf;
  for (i = 0; i < r->header_count; i++)
    if (ascii_case_eq(r->headers[i].name, name)) {
      total += r->headers[i].value.len + (count ? 1 : 0);
      count++;
    }
  if (count == 0) return -1;
  if (total > q->att->opt->max_header_bytes) return -2;
  buf = malloc(total + 1);
  if (!buf) return -2;
  for (i = 0, count = 0; i < r->header_count; i++) {
    const gwr_header *h = &r->headers[i];
    if (!ascii_case_eq(h->name, name)) continue;
    if (count++) buf[o++] = ',';
    if (h->value.len) memcpy(buf + o, h->value.ptr, h->value.len);
    o += h->value.len;
  }
  *out = buf;
  return (long)o;
}

static int value_ok(const ref_req *q, const gwr__kv_match *kv, const char *v, size_t n) {
  if (kv->type == GWR_VALUE_REGEX) return regex_full_match(q->att, kv->value, v, n);
  return bytes_eq(v, n, kv->value.ptr, kv->value.len);
}

static int header_ok(const ref_req *q, const gwr__kv_match *kv) {
  char *joined = NULL;
  long n = joined_header(q, kv->name, &joined);
  int ok = n >= 0 && value_ok(q, kv, joined, (size_t)n);
  free(joined);
  return ok;
}

/* H6: only the first entry per case-insensitive name counts. */
static int headers_ok(const ref_req *q, const gwr__match *m) {
  size_t k, j;
  for (k = 0; k < m->header_count; k++) {
    for (j = 0; j < k; j++)
      if (ascii_case_eq(m->headers[j].name, m->headers[k].name)) break;
    if (j == k && !header_ok(q, &m->headers[k])) return 0;
  }
  return 1;
}

/* H9: the first occurrence of name in the query; 0 when absent. */
static int query_param(const ref_req *q, gwr__sv name, const char **v, size_t *vn) {
  size_t i = 0;
  while (i <= q->query_len && q->query_len > 0) {
    size_t end = i, eq;
    while (end < q->query_len && q->query[end] != '&') end++;
    for (eq = i; eq < end && q->query[eq] != '='; eq++) {
    }
    if (bytes_eq(q->query + i, eq - i, name.ptr, name.len)) {
      *v = eq < end ? q->query + eq + 1 : "";
      *vn = eq < end ? end - eq - 1 : 0;
      return 1;
    }
    i = end + 1;
  }
  return 0;
}

static int queries_ok(const ref_req *q, const gwr__match *m) {
  size_t k, j, vn;
  const char *v;
  for (k = 0; k < m->query_count; k++) {
    const gwr__kv_match *kv = &m->queries[k];
    for (j = 0; j < k; j++)
      if (gwr__sv_eq(m->queries[j].name, kv->name)) break;
    if (j < k) continue;
    if (!query_param(q, kv->name, &v, &vn) || !value_ok(q, kv, v, vn)) return 0;
  }
  return 1;
}

/* G3, written from the digest's table on the method fields (not from the
 * path load.c derives): the request path must be "/<service>/<method>". */
static int grpc_method_ok(const ref_req *q, const gwr__grpc_method *g) {
  char re[4200];
  const char *p = q->path;
  size_t n = q->path_len, slash;
  gwr__sv pattern;
  if (!g->set) return n > 0 && p[0] == '/'; /* G1: every call, but only a path is a call */
  if (g->type == GWR_VALUE_EXACT) {
    if (n < 1 || p[0] != '/') return 0;
    for (slash = 1; slash < n && p[slash] != '/'; slash++) {
    }
    if (slash == n) return 0;
    if (g->service.len && g->method.len) /* path == /S/M */
      return slash - 1 == g->service.len && memcmp(p + 1, g->service.ptr, g->service.len) == 0 &&
             bytes_eq(p + slash + 1, n - slash - 1, g->method.ptr, g->method.len);
    if (g->service.len) /* starts with /S/ */
      return slash - 1 == g->service.len && memcmp(p + 1, g->service.ptr, g->service.len) == 0;
    /* ends with /M, one non-empty segment before it */
    return slash > 1 && bytes_eq(p + slash + 1, n - slash - 1, g->method.ptr, g->method.len);
  }
  if (g->service.len && g->method.len)
    snprintf(re, sizeof re, "/(?:%.*s)/(?:%.*s)", (int)g->service.len, g->service.ptr,
             (int)g->method.len, g->method.ptr);
  else if (g->service.len)
    snprintf(re, sizeof re, "/(?:%.*s)/.+", (int)g->service.len, g->service.ptr);
  else
    snprintf(re, sizeof re, "/.+/(?:%.*s)", (int)g->method.len, g->method.ptr);
  pattern.ptr = re;
  pattern.len = strlen(re);
  return regex_full_match(q->att, pattern, q->path, q->path_len);
}

static int match_ok(const ref_req *q, const gwr__route *r, const gwr__match *m) {
  if (r->kind == GWR_ROUTE_GRPC) return grpc_method_ok(q, &m->grpc) && headers_ok(q, m);
  if (m->method.len && !bytes_eq(m->method.ptr, m->method.len, q->req->method.ptr,
                                 q->req->method.len))
    return 0;
  return path_ok(q, m) && headers_ok(q, m) && queries_ok(q, m);
}

/* ---- precedence (§3.1, §3.3) ------------------------------------------------------ */

typedef struct cand {
  const gwr__host *h;
  const gwr__route *r;
  const gwr__match *m;
  size_t route;
  int rule, match;
} cand;

static int path_class(const gwr__attach *att, int type) {
  int istio = att->opt->regex_order == GWR_REGEX_ORDER_ISTIO;
  if (type == GWR_PATH_EXACT) return 0;
  if (type == GWR_PATH_REGEX) return istio ? 2 : 1;
  return istio ? 1 : 2;
}

/* <0, 0, >0 like strcmp, for "a desc" keys pass (b, a) */
static int cmp_u64(uint64_t a, uint64_t b) { return a < b ? -1 : a > b; }
static int cmp_i64(int64_t a, int64_t b) { return a < b ? -1 : a > b; }

static int cmp_identity(const gwr__meta *a, const gwr__meta *b) {
  char sa[700], sb[700];
  snprintf(sa, sizeof sa, "%.*s/%.*s", (int)a->ns.len, a->ns.ptr, (int)a->name.len,
           a->name.ptr);
  snprintf(sb, sizeof sb, "%.*s/%.*s", (int)b->ns.len, b->ns.ptr, (int)b->name.len,
           b->name.ptr);
  return strcmp(sa, sb);
}

/* §3.2 keys (3)-(5): service characters, method characters, headers. */
static int cmp_grpc_keys(const cand *a, const cand *b) {
  int c;
  if ((c = cmp_u64(b->m->grpc.service.len, a->m->grpc.service.len))) return c;
  if ((c = cmp_u64(b->m->grpc.method.len, a->m->grpc.method.len))) return c;
  return cmp_u64(b->m->header_count, a->m->header_count);
}

/* Keys (1)-(7): hostname, path, method, headers, query. */
static int cmp_match_keys(const gwr__attach *att, const cand *a, const cand *b) {
  int c;
  if ((c = cmp_u64(b->h->precise_len, a->h->precise_len))) return c;
  if ((c = cmp_u64(b->h->total_len, a->h->total_len))) return c;
  if (a->r->kind == GWR_ROUTE_GRPC) return cmp_grpc_keys(a, b);
  if ((c = path_class(att, a->m->path_type) - path_class(att, b->m->path_type))) return c;
  if ((c = cmp_u64(b->m->path.len, a->m->path.len))) return c;
  if ((c = (b->m->method.len > 0) - (a->m->method.len > 0))) return c;
  if ((c = cmp_u64(b->m->header_count, a->m->header_count))) return c;
  return cmp_u64(b->m->query_count, a->m->query_count);
}

/* The whole key; < 0 when a ranks before b. */
static int cmp_cand(const gwr__attach *att, const cand *a, const cand *b) {
  int c;
  if ((c = cmp_match_keys(att, a, b))) return c;
  if ((c = cmp_i64(a->r->meta.created, b->r->meta.created))) return c;
  if ((c = cmp_identity(&a->r->meta, &b->r->meta))) return c;
  if ((c = a->rule - b->rule)) return c;
  return a->match - b->match;
}

static void consider(const ref_req *q, const cand *c, cand *best, int *have) {
  if (!*have || cmp_cand(q->att, c, best) < 0) {
    *best = *c;
    *have = 1;
  }
}

/* Every valid rule's match entries of one route, under one hostname. */
static void scan_route(const ref_req *q, size_t route, const gwr__host *h, cand *best,
                       int *have) {
  const gwr__att_route *ar = &q->att->routes[route];
  size_t ri, mi;
  cand c;
  c.h = h;
  c.r = ar->r;
  c.route = route;
  for (ri = 0; ri < ar->r->rule_count; ri++) {
    const gwr__rule *rule = &ar->r->rules[ri];
    if (!ar->rules[ri].valid) continue;
    for (mi = 0; mi < rule->match_count; mi++) {
      if (!match_ok(q, ar->r, &rule->matches[mi])) continue;
      c.m = &rule->matches[mi];
      c.rule = (int)ri;
      c.match = (int)mi;
      consider(q, &c, best, have);
    }
  }
}

static int best_candidate(const ref_req *q, size_t listener, cand *best) {
  size_t i, k;
  int have = 0;
  for (i = 0; i < q->att->binding_count; i++) {
    const gwr__binding *b = &q->att->bindings[i];
    if (b->listener != listener) continue;
    if ((q->att->routes[b->route].r->kind == GWR_ROUTE_GRPC) != q->grpc_plane) continue; /* P4 */
    for (k = 0; k < b->host_count; k++)
      if (host_matches(b->hosts[k].name, &q->host))
        scan_route(q, b->route, &b->hosts[k], best, &have);
  }
  return have;
}

/* ---- backend choice (B1-B6) ---------------------------------------------------------- */

/* Set by ref_match for the answers of one request (the oracle is single-threaded). */
static int answer_grpc, answer_layer4;

/* G5 and the gRPC HTTP-to-status table; L4/L7: connections are rejected. */
static void respond(ref_result *out, int status) {
  if (answer_layer4) {
    out->action = GWR_ACTION_REJECT;
    return;
  }
  out->action = GWR_ACTION_RESPOND;
  out->status = status;
  if (answer_grpc)
    out->grpc_status = status == 404 ? 12
                       : (status == 500 || status == 429 || status == 502 || status == 503 ||
                          status == 504)
                           ? 14
                       : status == 400 ? 13
                       : status == 401 ? 16
                       : status == 403 ? 7
                                       : 2;
}

static void choose_backend(const ref_req *q, const gwr__att_rule *rule, ref_result *out) {
  uint64_t w = 0, t, cum = 0, v;
  size_t i;
  for (i = 0; i < rule->backend_count; i++) w += (uint64_t)rule->backends[i].b->weight;
  if (rule->backend_count == 0) {
    respond(out, 500);
    return;
  }
  if (w == 0) {
    respond(out, q->att->opt->all_zero_status);
    return;
  }
  v = q->req->key.len ? gwr__hash(q->req->key.ptr, q->req->key.len, 0) : q->req->choice;
  t = v % w;
  for (i = 0; i < rule->backend_count; i++) {
    cum += (uint64_t)rule->backends[i].b->weight;
    if (t < cum) break;
  }
  out->backend = (int)i;
  if (!rule->backends[i].valid)
    respond(out, 500);
  else
    out->action = GWR_ACTION_FORWARD;
}

/* ---- text the oracle writes ---------------------------------------------------------- */

static gwr_str empty_str(void) {
  gwr_str s;
  s.ptr = "";
  s.len = 0;
  return s;
}

static gwr_str lit(const char *s) {
  gwr_str v;
  v.ptr = s;
  v.len = strlen(s);
  return v;
}

/* A copy of (p, n) in out->buf. */
static gwr_str keep(ref_result *out, const char *p, size_t n) {
  gwr_str s = empty_str();
  if (out->buf_used + n + 1 > REF_BUF) {
    out->overflow = 1;
    return s;
  }
  if (n) memcpy(out->buf + out->buf_used, p, n);
  out->buf[out->buf_used + n] = '\0';
  s.ptr = out->buf + out->buf_used;
  s.len = n;
  out->buf_used += n + 1;
  return s;
}

/* A small string builder over a fixed array. */
typedef struct text {
  char p[REF_BUF];
  size_t n;
  int over;
} text;

static void text_add(text *t, const char *p, size_t n) {
  if (t->n + n >= sizeof t->p) {
    t->over = 1;
    return;
  }
  if (n) memcpy(t->p + t->n, p, n);
  t->n += n;
}

static void text_str(text *t, gwr_str s) { text_add(t, s.ptr, s.len); }

static gwr_str text_keep(ref_result *out, const text *t) {
  if (t->over) out->overflow = 1;
  return keep(out, t->p, t->n);
}

/* ---- the request's own headers --------------------------------------------------------- */

/* The first value of a header (any case). */
static int first_header(const ref_req *q, const char *name, gwr_str *out) {
  size_t i;
  for (i = 0; i < q->req->header_count; i++)
    if (ascii_case_eq(q->req->headers[i].name, lit(name))) {
      *out = q->req->headers[i].value;
      return 1;
    }
  return 0;
}

static int has_header(const ref_req *q, const char *name) {
  gwr_str v;
  return first_header(q, name, &v);
}

/* F31: OPTIONS with Origin and Access-Control-Request-Method. */
static int is_preflight(const ref_req *q) {
  return str_is(q->req->method, "OPTIONS") && has_header(q, "Origin") &&
         has_header(q, "Access-Control-Request-Method");
}

/* ---- durations (T5) and policies (§6) ---------------------------------------------------- */

/* ^([0-9]{1,5}(h|m|s|ms)){1,4}$, components summed; 0 when malformed. */
static int parse_duration(gwr_str s, int64_t *ms) {
  size_t i = 0, parts = 0;
  int64_t total = 0;
  while (i < s.len) {
    size_t digits = 0;
    int64_t v = 0;
    while (i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9') {
      v = v * 10 + (s.ptr[i++] - '0');
      if (++digits > 5) return 0;
    }
    if (digits == 0 || i == s.len) return 0;
    if (s.len - i >= 2 && s.ptr[i] == 'm' && s.ptr[i + 1] == 's') { /* "ms" before "m" */
      i += 2;
    } else if (s.ptr[i] == 'h') {
      v *= 3600000;
      i++;
    } else if (s.ptr[i] == 'm') {
      v *= 60000;
      i++;
    } else if (s.ptr[i] == 's') {
      v *= 1000;
      i++;
    } else {
      return 0;
    }
    total += v;
    if (++parts > 4) return 0;
  }
  *ms = total;
  return parts > 0;
}

static void duration(const gwr__duration *d, gwr_str *textv, int64_t *ms) {
  *textv = empty_str();
  *ms = -1;
  if (!d->set) return;
  *textv = d->text;
  if (!parse_duration(d->text, ms)) *ms = -2; /* the loader should have rejected it */
}

static void policy_fill(const gwr__rule *r, ref_policy *p, ref_result *out) {
  const gwr__session *sp = &r->session;
  size_t i;
  duration(&r->timeout_request, &p->timeout_request, &p->timeout_request_ms);
  duration(&r->timeout_backend, &p->timeout_backend, &p->timeout_backend_ms);
  p->has_retry = r->retry.set;
  p->retry_attempts = -1;
  p->retry_backoff = empty_str();
  p->retry_backoff_ms = -1;
  if (r->retry.set) {
    p->retry_attempts = r->retry.attempts;
    duration(&r->retry.backoff, &p->retry_backoff, &p->retry_backoff_ms);
    for (i = 0; i < r->retry.code_count; i++) {
      if (p->retry_code_count == REF_MAX_REFS) {
        out->overflow = 1;
        break;
      }
      p->retry_codes[p->retry_code_count++] = r->retry.codes[i];
    }
  }
  p->has_session = sp->set;
  p->session_type = p->session_name = p->cookie_path = p->lifetime = empty_str();
  p->session_absolute = p->session_idle = empty_str();
  p->session_absolute_ms = p->session_idle_ms = -1;
  if (!sp->set) return;
  /* §6.3: type defaults to Cookie; a Cookie's path MUST default to "/" and
   * its lifetimeType to Session (choice: in both spellings, though v1.6.1
   * cannot write a path). */
  p->session_type = sp->type.len ? sp->type : lit("Cookie");
  p->session_name = sp->name;
  if (str_is(p->session_type, "Cookie")) {
    p->cookie_path = sp->cookie_path.len ? sp->cookie_path : lit("/");
    p->lifetime = sp->lifetime.len ? sp->lifetime : lit("Session");
  }
  duration(&sp->absolute, &p->session_absolute, &p->session_absolute_ms);
  duration(&sp->idle, &p->session_idle, &p->session_idle_ms);
}

/* ---- filter lists ------------------------------------------------------------------------ */

/* What the applied filter lists (the rule's, then the chosen backend's)
 * have gathered so far. */
typedef struct flt {
  ref_header req_ops[REF_MAX_HEADERS];  /* RequestHeaderModifier, in order */
  size_t req_n;
  ref_header mods[REF_MAX_HEADERS];     /* ResponseHeaderModifier, in order */
  size_t mod_n;
  ref_header cors[REF_MAX_HEADERS];     /* CORS headers for the response (F32) */
  size_t cors_n;
  ref_objref mirrors[REF_MAX_REFS];     /* sampled valid mirrors */
  size_t mirror_n;
  gwr_str prefix;                       /* the matched PathPrefix value, else empty */
  uint64_t rule_seed;                   /* the engine's per-rule sampling seed */
} flt;

static void push_op(ref_result *out, ref_header *arr, size_t *n, int op, gwr_str name,
                    gwr_str value) {
  if (*n == REF_MAX_HEADERS) {
    out->overflow = 1;
    return;
  }
  arr[*n].op = op;
  arr[*n].name = name;
  arr[*n].value = value;
  (*n)++;
}

/* One modifier's operations: set, add, remove, each in written order (F12
 * makes the order between them irrelevant). */
static void mod_ops(ref_result *out, ref_header *arr, size_t *n, const gwr__header_mod *h) {
  size_t i;
  for (i = 0; i < h->set_count; i++)
    push_op(out, arr, n, GWR_HEADER_OP_SET, h->set[i].key, h->set[i].value);
  for (i = 0; i < h->add_count; i++)
    push_op(out, arr, n, GWR_HEADER_OP_ADD, h->add[i].key, h->add[i].value);
  for (i = 0; i < h->remove_count; i++)
    push_op(out, arr, n, GWR_HEADER_OP_REMOVE, h->remove[i], empty_str());
}

static void objref_of(ref_objref *o, const gwr__objref *r) {
  o->group = r->group;
  o->kind = r->kind;
  o->ns = r->ns;
  o->name = r->name;
  o->port = r->port;
}

/* F28: the attach stage resolved every mirror; only valid ones are kept. */
static int mirror_valid(const gwr__att_rule *arule, const gwr__filter *f) {
  size_t i;
  for (i = 0; i < arule->mirror_count; i++)
    if (arule->mirrors[i].mirror == f) return arule->mirrors[i].valid;
  return 0;
}

/* F27: percent / fraction / neither (= always); the draw is XXH3 of the key
 * (else of the choice's bytes) with the mirror's seed. */
static int mirror_sampled(const ref_req *q, const gwr__mirror *m, uint64_t seed) {
  uint64_t num = 100, den = 100, v;
  if (m->percent_set) num = (uint64_t)m->percent;
  if (m->fraction_set) {
    num = (uint64_t)m->numerator;
    den = (uint64_t)m->denominator;
  }
  if (num == 0 || den == 0) return 0;
  v = q->req->key.len ? gwr__hash(q->req->key.ptr, q->req->key.len, seed)
                      : gwr__hash(&q->req->choice, sizeof q->req->choice, seed);
  return v % den < num;
}

/* F21: Pn and Rn lose one trailing '/'; result = Rn + path[len(Pn):], "/" if empty. */
static void modify_path(text *t, const gwr__path_mod *pm, const ref_req *q, gwr_str prefix) {
  size_t pn = prefix.len, rn = pm->value.len, start;
  if (pm->type == GWR_PATHMOD_FULL) { /* F25 */
    text_str(t, pm->value);
    return;
  }
  if (pm->type != GWR_PATHMOD_PREFIX) {
    text_add(t, q->path, q->path_len);
    return;
  }
  if (pn && prefix.ptr[pn - 1] == '/') pn--;
  if (rn && pm->value.ptr[rn - 1] == '/') rn--;
  start = t->n;
  text_add(t, pm->value.ptr, rn);
  if (pn <= q->path_len) text_add(t, q->path + pn, q->path_len - pn);
  if (t->n == start) text_add(t, "/", 1);
}

static void add_query(text *t, const ref_req *q) {
  if (!q->has_query) return;
  text_add(t, "?", 1);
  text_add(t, q->query, q->query_len);
}

static void own_header(ref_result *out, const char *name, gwr_str value) {
  if (value.len == 0) return; /* an empty value says nothing: omitted */
  if (out->own_count == REF_MAX_OWN) {
    out->overflow = 1;
    return;
  }
  out->own[out->own_count].op = 0;
  out->own[out->own_count].name = lit(name);
  out->own[out->own_count].value = value;
  out->own_count++;
}

/* F14-F19 (and F16/F21 for the path; the query is kept). */
static void redirect(const ref_req *q, const gwr__redirect *rd, gwr_str prefix, ref_result *out) {
  const gwr__listener *l = q->att->listeners[q->listener].l;
  gwr_str scheme = rd->scheme.len ? rd->scheme : lit(l->protocol == GWR_PROTO_HTTPS ? "https" : "http");
  int https = str_is(scheme, "https");
  uint32_t port = rd->port;
  text t;
  char num[16];
  t.n = 0;
  t.over = 0;
  if (!port) port = rd->scheme.len ? (https ? 443u : 80u) : l->port; /* F17 */
  text_str(&t, scheme);
  text_add(&t, "://", 3);
  if (rd->hostname.len) /* F15: else the request host without port */
    text_str(&t, rd->hostname);
  else
    text_add(&t, q->host.buf, q->host.len);
  if (!((https && port == 443) || (!https && port == 80))) { /* F18 */
    snprintf(num, sizeof num, ":%u", (unsigned)port);
    text_add(&t, num, strlen(num));
  }
  modify_path(&t, &rd->path, q, prefix);
  add_query(&t, q);
  out->action = GWR_ACTION_REDIRECT;
  out->status = rd->status;
  out->location = text_keep(out, &t);
  out->own_count = 0;
  own_header(out, "Location", out->location);
}

/* ---- CORS (F30-F35) ------------------------------------------------------------------------ */

typedef struct origin {
  gwr_str scheme, host;
  long port;
} origin;

/* "scheme://host[:port]"; 0 when it is not of that shape. */
static int parse_origin(gwr_str s, origin *o) {
  size_t i, h;
  for (i = 0; i + 3 <= s.len; i++)
    if (memcmp(s.ptr + i, "://", 3) == 0) break;
  if (i + 3 > s.len || i == 0) return 0;
  o->scheme.ptr = s.ptr;
  o->scheme.len = i;
  h = i + 3;
  for (i = h; i < s.len && s.ptr[i] != ':'; i++) {
  }
  o->host.ptr = s.ptr + h;
  o->host.len = i - h;
  o->port = ascii_case_eq(o->scheme, lit("https")) ? 443 : 80; /* F30 */
  if (i < s.len) {
    size_t k;
    if (i + 1 == s.len || s.len - i - 1 > 5) return 0;
    o->port = 0;
    for (k = i + 1; k < s.len; k++) {
      if (s.ptr[k] < '0' || s.ptr[k] > '9') return 0;
      o->port = o->port * 10 + (s.ptr[k] - '0');
    }
  }
  return o->host.len > 0;
}

/* F30: "*" alone = any origin; a host "*" = any host; "*.x" = one or more
 * labels before ".x" (choice: never "x" itself). */
static int origin_matches(gwr_str pattern, gwr_str req_origin) {
  origin p, r;
  if (str_is(pattern, "*")) return 1;
  if (!parse_origin(pattern, &p) || !parse_origin(req_origin, &r)) return 0;
  if (!ascii_case_eq(p.scheme, r.scheme) || p.port != r.port) return 0;
  if (str_is(p.host, "*")) return 1;
  if (p.host.len > 2 && p.host.ptr[0] == '*' && p.host.ptr[1] == '.') {
    gwr_str tail;
    tail.ptr = r.host.ptr + r.host.len - (p.host.len - 1);
    tail.len = p.host.len - 1;
    if (r.host.len <= tail.len) return 0;
    p.host.ptr++;
    p.host.len--;
    return ascii_case_eq(tail, p.host);
  }
  return ascii_case_eq(p.host, r.host);
}

static int origin_allowed(const gwr__cors *c, gwr_str req_origin) {
  size_t i;
  for (i = 0; i < c->origin_count; i++)
    if (origin_matches(c->origins[i], req_origin)) return 1;
  return 0;
}

static int only_star(const gwr__sv *items, size_t n) { return n == 1 && str_is(items[0], "*"); }

/* A configured list as one header value ("GET, PUT"). */
static gwr_str joined(ref_result *out, const gwr__sv *items, size_t n) {
  text t;
  size_t i;
  t.n = 0;
  t.over = 0;
  for (i = 0; i < n; i++) {
    if (i) text_add(&t, ", ", 2);
    text_str(&t, items[i]);
  }
  return text_keep(out, &t);
}

/* A list header of a preflight: "*" is echoed from the request header when
 * credentials are allowed (F33; omitted when that header is absent). */
static gwr_str star_list(ref_result *out, const ref_req *q, const gwr__sv *items, size_t n,
                         int creds, const char *req_header) {
  gwr_str v = empty_str();
  if (!only_star(items, n)) return joined(out, items, n);
  if (!creds) return lit("*");
  first_header(q, req_header, &v);
  return v;
}

/* F31, F33: the answer to a preflight on a list with a CORS filter: 204,
 * with the access-control-* headers only when the origin is allowed. */
static void cors_preflight(const ref_req *q, const gwr__cors *c, ref_result *out) {
  int creds = c->credentials == 1;
  gwr_str req_origin = empty_str();
  char age[24];
  out->action = GWR_ACTION_RESPOND;
  out->status = 204;
  out->own_count = 0;
  first_header(q, "Origin", &req_origin);
  if (!origin_allowed(c, req_origin)) return;
  own_header(out, "Access-Control-Allow-Origin",
             only_star(c->origins, c->origin_count) && !creds ? lit("*") : req_origin);
  own_header(out, "Access-Control-Allow-Methods",
             star_list(out, q, c->methods, c->method_count, creds, "Access-Control-Request-Method"));
  own_header(out, "Access-Control-Allow-Headers",
             star_list(out, q, c->allow_headers, c->allow_header_count, creds,
                       "Access-Control-Request-Headers"));
  /* F33: with credentials a configured "*" is never sent; there is
   * nothing to echo for exposed headers, so the header is left out. */
  if (!(creds && only_star(c->expose_headers, c->expose_header_count)))
    own_header(out, "Access-Control-Expose-Headers",
               joined(out, c->expose_headers, c->expose_header_count));
  snprintf(age, sizeof age, "%lld", (long long)c->max_age);
  own_header(out, "Access-Control-Max-Age", keep(out, age, strlen(age)));
  if (creds) own_header(out, "Access-Control-Allow-Credentials", lit("true"));
  /* choice: Vary: Origin on every allowed answer (F34 recommends it when echoing) */
  own_header(out, "Vary", lit("Origin"));
}

/* F32, F33: headers added to the backend's response to an actual request. */
static void cors_actual(const ref_req *q, const gwr__cors *c, flt *fl, ref_result *out) {
  int creds = c->credentials == 1;
  gwr_str req_origin, v;
  if (!first_header(q, "Origin", &req_origin) || !origin_allowed(c, req_origin)) return;
  if (!creds && (has_header(q, "Cookie") || has_header(q, "Authorization"))) return;
  push_op(out, fl->cors, &fl->cors_n, GWR_HEADER_OP_SET, lit("Access-Control-Allow-Origin"),
          only_star(c->origins, c->origin_count) && !creds ? lit("*") : req_origin);
  if (creds)
    push_op(out, fl->cors, &fl->cors_n, GWR_HEADER_OP_SET,
            lit("Access-Control-Allow-Credentials"), lit("true"));
  if (c->expose_header_count && !(creds && only_star(c->expose_headers, c->expose_header_count))) {
    v = joined(out, c->expose_headers, c->expose_header_count);
    push_op(out, fl->cors, &fl->cors_n, GWR_HEADER_OP_SET, lit("Access-Control-Expose-Headers"), v);
  }
  push_op(out, fl->cors, &fl->cors_n, GWR_HEADER_OP_ADD, lit("Vary"), lit("Origin"));
}

static const gwr__cors *cors_of(const gwr__filter *fs, size_t n) {
  size_t i;
  for (i = 0; i < n; i++)
    if (fs[i].type == GWR_FILTER_CORS) return &fs[i].cors;
  return NULL;
}

/* ---- one filter list ------------------------------------------------------------------------- */

/* Apply one list (F5: in order). Returns 0 when it answered (a redirect).
 * seed: the list's sampling seed (the engine's scheme: rule seed, plus
 * 16 * (backend index + 1) for a backend's list; each mirror filter adds
 * its index after multiplying by 31). */
static int apply_list(const ref_req *q, const gwr__att_rule *arule, const gwr__filter *fs,
                      size_t n, uint64_t seed, flt *fl, ref_result *out) {
  const gwr__redirect *rd = NULL;
  const gwr__cors *cors = NULL;
  size_t i;
  for (i = 0; i < n; i++) {
    const gwr__filter *f = &fs[i];
    switch (f->type) {
      case GWR_FILTER_REQUEST_HEADER: mod_ops(out, fl->req_ops, &fl->req_n, &f->headers); break;
      case GWR_FILTER_RESPONSE_HEADER: mod_ops(out, fl->mods, &fl->mod_n, &f->headers); break;
      case GWR_FILTER_MIRROR:
        if (mirror_valid(arule, f) && mirror_sampled(q, &f->mirror, (seed * 31 + i) ^ 0x6d6972726f72ULL)) {
          if (fl->mirror_n == REF_MAX_REFS) out->overflow = 1;
          else objref_of(&fl->mirrors[fl->mirror_n++], &f->mirror.backend);
        }
        break;
      case GWR_FILTER_EXTENSION_REF:
        if (out->extension_count == REF_MAX_REFS) out->overflow = 1;
        else objref_of(&out->extensions[out->extension_count++], &f->extension);
        break;
      case GWR_FILTER_REWRITE: { /* F20: a later rewrite of the same part wins */
        if (f->rewrite.hostname.len) out->upstream_host = f->rewrite.hostname;
        if (f->rewrite.path.type != GWR_PATHMOD_NONE) {
          text t;
          t.n = 0;
          t.over = 0;
          modify_path(&t, &f->rewrite.path, q, fl->prefix);
          add_query(&t, q);
          out->upstream_path = text_keep(out, &t);
        }
        break;
      }
      case GWR_FILTER_REDIRECT: rd = &f->redirect; break;
      case GWR_FILTER_CORS: cors = &f->cors; break;
      default: break;
    }
  }
  if (rd) { /* choice: a redirecting list adds no CORS response headers */
    redirect(q, rd, fl->prefix, out);
    return 0;
  }
  if (cors) cors_actual(q, cors, fl, out);
  return 1;
}

/* F9-F11: untouched request headers in order, dropping any name that a
 * set or remove names (any case); then every set/add line not followed by
 * a set or remove of its name. */
static void upstream_headers(const ref_req *q, const flt *fl, ref_result *out) {
  size_t i, k, j;
  for (i = 0; i < q->req->header_count; i++) {
    const gwr_header *h = &q->req->headers[i];
    for (k = 0; k < fl->req_n; k++)
      if (fl->req_ops[k].op != GWR_HEADER_OP_ADD && ascii_case_eq(fl->req_ops[k].name, h->name))
        break;
    if (k < fl->req_n) continue;
    push_op(out, out->upstream, &out->upstream_count, 0, h->name, h->value);
  }
  for (k = 0; k < fl->req_n; k++) {
    if (fl->req_ops[k].op == GWR_HEADER_OP_REMOVE) continue;
    for (j = k + 1; j < fl->req_n; j++)
      if (fl->req_ops[j].op != GWR_HEADER_OP_ADD && ascii_case_eq(fl->req_ops[j].name, fl->req_ops[k].name))
        break;
    if (j < fl->req_n) continue;
    push_op(out, out->upstream, &out->upstream_count, 0, fl->req_ops[k].name, fl->req_ops[k].value);
  }
}

/* §3.5 step 9: ResponseHeaderModifier operations, then CORS headers; on a
 * forward also what goes upstream and the mirrors. */
static void finish(const ref_req *q, const flt *fl, ref_result *out) {
  size_t i;
  for (i = 0; i < fl->mod_n; i++)
    push_op(out, out->resp_ops, &out->resp_op_count, fl->mods[i].op, fl->mods[i].name, fl->mods[i].value);
  for (i = 0; i < fl->cors_n; i++)
    push_op(out, out->resp_ops, &out->resp_op_count, fl->cors[i].op, fl->cors[i].name, fl->cors[i].value);
  if (out->action != GWR_ACTION_FORWARD) {
    out->upstream_host = out->upstream_path = empty_str();
    return;
  }
  upstream_headers(q, fl, out);
  for (i = 0; i < fl->mirror_n; i++) out->mirrors[out->mirror_count++] = fl->mirrors[i];
}

/* The engine's seed of the rule: 64 times its index over every rule of
 * every route in attach order. */
static uint64_t rule_seed(const gwr__attach *att, size_t route, int rule) {
  size_t r, total = 0;
  for (r = 0; r < route; r++) total += att->routes[r].r->rule_count;
  return (uint64_t)(total + (size_t)rule) * 64;
}

/* ---- the pipeline ------------------------------------------------------------------- */

static void result_init(ref_result *out) {
  memset(out, 0, offsetof(ref_result, buf));
  out->buf_used = 0;
  out->action = GWR_ACTION_NONE;
  out->status = 0;
  out->listener = NULL;
  out->route = REF_NO_ROUTE;
  out->rule = out->match = out->backend = -1;
  out->grpc_status = -1;
  out->location = out->upstream_host = out->upstream_path = empty_str();
  out->policy.timeout_request_ms = out->policy.timeout_backend_ms = -1;
  out->policy.retry_attempts = out->policy.retry_backoff_ms = -1;
  out->policy.session_absolute_ms = out->policy.session_idle_ms = -1;
  out->policy.timeout_request = out->policy.timeout_backend = out->policy.retry_backoff = empty_str();
  out->policy.session_type = out->policy.session_name = out->policy.cookie_path = empty_str();
  out->policy.lifetime = out->policy.session_absolute = out->policy.session_idle = empty_str();
}

/* The listener the request lands on, or (size_t)-1 with *out decided. */
static size_t pick_listener(const ref_req *q, size_t g, ref_result *out) {
  const gwr_request *r = q->req;
  int https = str_is(r->scheme, "https");
  uint32_t port = r->port ? r->port : (https || r->protocol == GWR_PROTOCOL_TLS ? 443u : 80u);
  size_t by_host, by_sni;
  ref_host sni;
  if (q->layer4) { /* L3, L5, L8: TLS by SNI (q->host holds it), TCP/UDP by port */
    int proto = r->protocol == GWR_PROTOCOL_TLS ? GWR_PROTO_TLS
                : r->protocol == GWR_PROTOCOL_TCP ? GWR_PROTO_TCP : GWR_PROTO_UDP;
    by_host = best_listener(q->att, g, port, proto, &q->host);
    if (by_host == (size_t)-1) respond(out, 0);
    return by_host;
  }
  by_host = best_listener(q->att, g, port, https ? GWR_PROTO_HTTPS : GWR_PROTO_HTTP, &q->host);
  if (!https) {
    if (by_host == (size_t)-1) respond(out, 404);
    return by_host;
  }
  if (r->sni.len)
    host_normalize(r->sni, &sni);
  else
    sni = q->host;
  by_sni = best_listener(q->att, g, port, GWR_PROTO_HTTPS, &sni);
  if (by_sni == (size_t)-1) {
    out->action = GWR_ACTION_REJECT;
    return by_sni;
  }
  if (by_host == (size_t)-1) { /* the Host belongs to no listener */
    respond(out, 404);
    return by_host;
  }
  if (by_host != by_sni) { /* misdirected on the SNI's listener */
    out->listener = q->att->listeners[by_sni].full_name;
    respond(out, 421);
    return (size_t)-1;
  }
  return by_sni;
}

/* §3.5 steps 6-9 for the winning match entry. */
static void run_filters(const ref_req *q, const cand *best, ref_result *out) {
  const gwr__att_rule *arule = &q->att->routes[best->route].rules[best->rule];
  const gwr__rule *rule = &best->r->rules[best->rule];
  const gwr__filter *bf;
  size_t bn;
  flt fl;
  memset(&fl, 0, sizeof fl);
  fl.prefix = best->m->path_type == GWR_PATH_PREFIX ? best->m->path : empty_str();
  fl.rule_seed = rule_seed(q->att, best->route, best->rule);
  policy_fill(rule, &out->policy, out);
  out->upstream_host = q->req->host; /* F20: the Host as received unless rewritten */
  if (answer_layer4) out->upstream_host = empty_str(); /* a stream has no Host */
  {
    text t;
    t.n = 0;
    t.over = 0;
    text_add(&t, q->path, q->path_len);
    add_query(&t, q);
    out->upstream_path = text_keep(out, &t);
  }
  /* step 6: a preflight on a rule with CORS is answered (F31), before any
   * other filter of the list (choice: whatever the list order) */
  if (is_preflight(q) && cors_of(rule->filters, rule->filter_count)) {
    cors_preflight(q, cors_of(rule->filters, rule->filter_count), out);
  } else if (apply_list(q, arule, rule->filters, rule->filter_count, fl.rule_seed, &fl, out)) {
    choose_backend(q, arule, out); /* step 7 */
    if (out->action == GWR_ACTION_FORWARD) { /* step 8, B13 */
      bf = arule->backends[out->backend].b->filters;
      bn = arule->backends[out->backend].b->filter_count;
      if (is_preflight(q) && cors_of(bf, bn))
        cors_preflight(q, cors_of(bf, bn), out);
      else
        apply_list(q, arule, bf, bn, fl.rule_seed + 16 * (uint64_t)(out->backend + 1), &fl, out);
    }
  }
  finish(q, &fl, out);
}

static void route_request(const ref_req *q, ref_result *out) {
  cand best;
  memset(&best, 0, sizeof best);
  out->listener = q->att->listeners[q->listener].full_name;
  /* a gRPC request: GRPCRoutes first, then the listener's HTTPRoutes */
  ((ref_req *)q)->grpc_plane = q->grpc;
  if (!best_candidate(q, q->listener, &best) &&
      (!q->grpc || (((ref_req *)q)->grpc_plane = 0, !best_candidate(q, q->listener, &best)))) {
    respond(out, 404);
    return;
  }
  out->route = best.route;
  out->rule = best.rule;
  out->match = best.match;
  run_filters(q, &best, out);
}

/* gRPC: by protocol, or content-type application/grpc[+...|;...]. */
static int ref_is_grpc(const gwr_request *r) {
  size_t i;
  if (r->protocol == GWR_PROTOCOL_GRPC) return 1;
  for (i = 0; i < r->header_count; i++)
    if (ascii_case_eq(r->headers[i].name, lit("content-type"))) {
      gwr_str v = r->headers[i].value;
      gwr_str head;
      head.ptr = v.ptr;
      head.len = v.len < 16 ? v.len : 16;
      return v.len >= 16 && ascii_case_eq(head, lit("application/grpc")) &&
             (v.len == 16 || v.ptr[16] == '+' || v.ptr[16] == ';');
    }
  return 0;
}

int ref_match(const gwr__attach *att, const gwr_request *req, ref_result *out) {
  ref_req q;
  gwr_request l4req;
  size_t g;
  int rc;
  result_init(out);
  g = find_gateway(att, req->gateway);
  if (g == (size_t)-1) return GWR_E_NOTFOUND;
  memset(&q, 0, sizeof q);
  q.att = att;
  q.req = req;
  q.layer4 = req->protocol == GWR_PROTOCOL_TLS || req->protocol == GWR_PROTOCOL_TCP ||
             req->protocol == GWR_PROTOCOL_UDP;
  q.grpc = !q.layer4 && ref_is_grpc(req);
  answer_grpc = q.grpc;
  answer_layer4 = q.layer4;
  if (q.layer4) { /* the SNI (TLS) or nothing is the host; "/" the path */
    static const gwr_request none;
    l4req = *req;
    l4req.path = lit("/");
    q.req = &l4req;
    host_normalize(req->protocol == GWR_PROTOCOL_TLS ? req->sni : none.host, &q.host);
  } else {
    host_normalize(req->host, &q.host);
  }
  q.listener = pick_listener(&q, g, out);
  if (q.listener == (size_t)-1) return GWR_OK;
  if ((rc = split_path(&q)) != GWR_OK) return rc;
  route_request(&q, out);
  free(q.path);
  return GWR_OK;
}
