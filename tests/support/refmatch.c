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
 * (H3-H11) -> the best by the key of §3.1/§3.3 -> weighted backend (B1-B5).
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
  cache.env = gwr__regex_env_new(&cache.alloc, limit);
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

static int listener_serves(const gwr__att_listener *al, uint32_t port, int https) {
  return al->programmed && al->l->port == port &&
         al->l->protocol == (https ? GWR_PROTO_HTTPS : GWR_PROTO_HTTP);
}

/* The best listener of gateway g for host h, or (size_t)-1. */
static size_t best_listener(const gwr__attach *att, size_t g, uint32_t port,
                            int https, const ref_host *h) {
  const gwr__att_gateway *gw = &att->gateways[g];
  size_t i, best = (size_t)-1;
  for (i = gw->first_listener; i < gw->first_listener + gw->listener_count; i++) {
    const gwr__att_listener *al = &att->listeners[i];
    if (!listener_serves(al, port, https) || !host_matches(al->l->hostname, h)) continue;
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
} ref_req;

static int split_path(ref_req *q) {
  const char *p = q->req->path.ptr ? q->req->path.ptr : "";
  size_t n = q->req->path.len, cut = 0;
  while (cut < n && p[cut] != '?') cut++;
  q->query = cut < n ? p + cut + 1 : "";
  q->query_len = cut < n ? n - cut - 1 : 0;
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

static int match_ok(const ref_req *q, const gwr__match *m) {
  if (m->method.len && !bytes_eq(m->method.ptr, m->method.len, q->req->method.ptr,
                                 q->req->method.len))
    return 0;
  return path_ok(q, m) && headers_ok(q, m) && queries_ok(q, m);
}

/* ---- precedence (§3.1, §3.3) ------------------------------------------------------ */

typedef struct cand {
  const gwr__host *h;
  const gwr__httproute *r;
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

/* Keys (1)-(7): hostname, path, method, headers, query. */
static int cmp_match_keys(const gwr__attach *att, const cand *a, const cand *b) {
  int c;
  if ((c = cmp_u64(b->h->precise_len, a->h->precise_len))) return c;
  if ((c = cmp_u64(b->h->total_len, a->h->total_len))) return c;
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
      if (!match_ok(q, &rule->matches[mi])) continue;
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
    for (k = 0; k < b->host_count; k++)
      if (host_matches(b->hosts[k].name, &q->host))
        scan_route(q, b->route, &b->hosts[k], best, &have);
  }
  return have;
}

/* ---- backend choice (B1-B6) ---------------------------------------------------------- */

static void respond(ref_result *out, int status) {
  out->action = GWR_ACTION_RESPOND;
  out->status = status;
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

/* ---- the pipeline ------------------------------------------------------------------- */

static void result_init(ref_result *out) {
  out->action = GWR_ACTION_NONE;
  out->status = 0;
  out->listener = NULL;
  out->route = REF_NO_ROUTE;
  out->rule = out->match = out->backend = -1;
}

/* The listener the request lands on, or (size_t)-1 with *out decided. */
static size_t pick_listener(const ref_req *q, size_t g, ref_result *out) {
  const gwr_request *r = q->req;
  int https = str_is(r->scheme, "https");
  uint32_t port = r->port ? r->port : (https ? 443u : 80u);
  size_t by_host = best_listener(q->att, g, port, https, &q->host), by_sni;
  ref_host sni;
  if (!https) {
    if (by_host == (size_t)-1) respond(out, 404);
    return by_host;
  }
  if (r->sni.len)
    host_normalize(r->sni, &sni);
  else
    sni = q->host;
  by_sni = best_listener(q->att, g, port, 1, &sni);
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

static void route_request(const ref_req *q, size_t listener, ref_result *out) {
  cand best;
  const gwr__att_route *ar;
  memset(&best, 0, sizeof best);
  out->listener = q->att->listeners[listener].full_name;
  if (!best_candidate(q, listener, &best)) {
    respond(out, 404);
    return;
  }
  out->route = best.route;
  out->rule = best.rule;
  out->match = best.match;
  ar = &q->att->routes[best.route];
  choose_backend(q, &ar->rules[best.rule], out);
}

int ref_match(const gwr__attach *att, const gwr_request *req, ref_result *out) {
  ref_req q;
  size_t g, listener;
  int rc;
  result_init(out);
  g = find_gateway(att, req->gateway);
  if (g == (size_t)-1) return GWR_E_NOTFOUND;
  memset(&q, 0, sizeof q);
  q.att = att;
  q.req = req;
  host_normalize(req->host, &q.host);
  listener = pick_listener(&q, g, out);
  if (listener == (size_t)-1) return GWR_OK;
  if ((rc = split_path(&q)) != GWR_OK) return rc;
  route_request(&q, listener, out);
  free(q.path);
  return GWR_OK;
}
