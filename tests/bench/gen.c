/* SPDX-License-Identifier: Apache-2.0 */
/*
 * gen.c - the benchmark's deterministic generator.
 *
 * Configurations: one GatewayClass, one Gateway (infra/gw, one HTTP
 * listener on :80 taking routes from All namespaces) and HTTPRoutes of 1-16
 * rules each in four namespaces until N rules exist, written as block-style
 * YAML the way kubectl prints it. No Services are listed, so every
 * backendRef is valid as written.
 *
 *   full:   hostnames per route: 60% 1-2 exact hosts from a pool of N/20
 *           ("hI.zoneK.example.com", every fourth "hI.example.org"), 20% one
 *           wildcard "*.zoneK.example.com" (N/250 zones), 20% none. Paths
 *           /svcS/vV/resR/word/word (1-5 segments, S from N/40 services, one
 *           per route): 60% PathPrefix, 35% Exact, 5% RegularExpression
 *           ("/svcS/v[0-9]+/resR/[0-9]+"); method 20%, one header 20%, one
 *           query parameter 10%; 12% of rules have two matches; 1-3
 *           weighted backends.
 *   simple: exact hostnames only, Exact/PathPrefix only, no conditions, one
 *           backend.
 *
 * Streams: each request is made from one rule (uniformly or Zipf(1.0)
 * chosen) so that it matches that rule: a host from its hostnames (or under
 * its wildcard, or any host for a route without hostnames), a path under its
 * prefix / equal to its Exact path / an instance of its regex, its method,
 * header and query parameter; 5% are misses (a path no rule has).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

/* ---- PRNG, buffers, pools --------------------------------------------------- */

uint64_t rng_next(bench_rng *r) {
  uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint32_t rng_below(bench_rng *r, uint32_t n) { return (uint32_t)(rng_next(r) % n); }

int rng_pct(bench_rng *r, unsigned pct) { return rng_below(r, 100) < pct; }

void *xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (!p) {
    fprintf(stderr, "bench: out of memory\n");
    abort();
  }
  return p;
}

double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

void sb_printf(sbuf *b, const char *fmt, ...) {
  va_list ap;
  int n;
  for (;;) {
    size_t room = b->cap - b->len;
    va_start(ap, fmt);
    n = vsnprintf(b->p ? b->p + b->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n < 0) abort();
    if ((size_t)n < room) break;
    b->cap = b->cap ? b->cap * 2 : 1 << 16;
    while (b->cap < b->len + (size_t)n + 1) b->cap *= 2;
    b->p = realloc(b->p, b->cap);
    if (!b->p) abort();
  }
  b->len += (size_t)n;
}

void sb_free(sbuf *b) {
  free(b->p);
  memset(b, 0, sizeof *b);
}

struct spool_chunk {
  spool_chunk *next;
  size_t used, cap;
  _Alignas(16) unsigned char data[];
};

void *sp_alloc(spool *p, size_t n) {
  spool_chunk *c = p->head;
  void *out;
  n = (n + 15) & ~(size_t)15;
  if (!c || c->cap - c->used < n) {
    size_t cap = n > (1u << 20) ? n : (1u << 20);
    c = malloc(sizeof *c + cap);
    if (!c) abort();
    c->next = p->head;
    c->used = 0;
    c->cap = cap;
    p->head = c;
  }
  out = c->data + c->used;
  c->used += n;
  memset(out, 0, n);
  return out;
}

char *sp_printf(spool *p, const char *fmt, ...) {
  char buf[512];
  va_list ap;
  int n;
  char *out;
  va_start(ap, fmt);
  n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= sizeof buf) abort();
  out = sp_alloc(p, (size_t)n + 1);
  memcpy(out, buf, (size_t)n + 1);
  return out;
}

void sp_free(spool *p) {
  spool_chunk *c = p->head;
  while (c) {
    spool_chunk *next = c->next;
    free(c);
    c = next;
  }
  p->head = NULL;
}

/* ---- pools of names ------------------------------------------------------------ */

static const char *const namespaces[] = {"team-a", "team-b", "payments", "platform"};
static const char *const words[] = {"items",  "orders", "users",  "profile", "settings",
                                    "search", "detail", "history", "export", "status",
                                    "cart",   "reviews"};
static const char *const methods[] = {"GET", "POST", "PUT", "DELETE"};
static const char *const header_names[] = {"x-tenant", "x-canary", "x-api-version", "x-region"};
static const char *const query_names[] = {"debug", "variant", "format"};
static const char *const query_values[] = {"1", "b", "json"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define PICK(r, a) ((a)[rng_below((r), (uint32_t)COUNT(a))])

/* ---- matches ------------------------------------------------------------------------ */

/* 1-5 segments, mostly 2-4: /svcS/vV/resR/word/word */
static const char *gen_path(gen_workload *w, bench_rng *r, unsigned svc) {
  unsigned p = rng_below(r, 100);
  unsigned segs = p < 8 ? 1 : p < 33 ? 2 : p < 68 ? 3 : p < 88 ? 4 : 5;
  char buf[160];
  int n = snprintf(buf, sizeof buf, "/svc%u", svc);
  if (segs >= 2) n += snprintf(buf + n, sizeof buf - (size_t)n, "/v%u", 1 + rng_below(r, 3));
  if (segs >= 3) n += snprintf(buf + n, sizeof buf - (size_t)n, "/res%u", rng_below(r, 20));
  if (segs >= 4) n += snprintf(buf + n, sizeof buf - (size_t)n, "/%s", PICK(r, words));
  if (segs >= 5) n += snprintf(buf + n, sizeof buf - (size_t)n, "/%s", PICK(r, words));
  (void)n;
  return sp_printf(&w->strings, "%s", buf);
}

static void gen_match_one(gen_workload *w, bench_rng *r, unsigned svc, gen_match *m) {
  unsigned p = rng_below(r, 100);
  memset(m, 0, sizeof *m);
  if (!w->simple && p < 5) {
    m->type = GEN_REGEX;
    m->re_svc = svc;
    m->re_res = rng_below(r, 20);
    m->re_variant = rng_below(r, 2);
    m->path = m->re_variant
                  ? sp_printf(&w->strings, "/svc%u/v[0-9]+/res%u/[a-z]+/[0-9]+", svc, m->re_res)
                  : sp_printf(&w->strings, "/svc%u/v[0-9]+/res%u/[0-9]+", svc, m->re_res);
  } else {
    m->type = p < 40 ? GEN_EXACT : GEN_PREFIX;
    m->path = gen_path(w, r, svc);
  }
  if (w->simple) return;
  if (rng_pct(r, 20)) m->method = PICK(r, methods);
  if (rng_pct(r, 20)) {
    m->hname = PICK(r, header_names);
    m->hvalue = sp_printf(&w->strings, "v%u", rng_below(r, 8));
  }
  if (rng_pct(r, 10)) {
    unsigned q = rng_below(r, (uint32_t)COUNT(query_names));
    m->qname = query_names[q];
    m->qvalue = query_values[q];
  }
}

/* ---- YAML ------------------------------------------------------------------------------ */

static void emit_header(sbuf *y) {
  sb_printf(y, "apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\n"
               "metadata:\n  name: bench\nspec:\n  controllerName: example.com/gwroute-bench\n"
               "---\n"
               "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n"
               "metadata:\n  name: gw\n  namespace: infra\n"
               "spec:\n  gatewayClassName: bench\n  listeners:\n  - name: http\n"
               "    port: 80\n    protocol: HTTP\n    allowedRoutes:\n      namespaces:\n"
               "        from: All\n");
}

static const char *type_name(int type) {
  return type == GEN_EXACT ? "Exact" : type == GEN_REGEX ? "RegularExpression" : "PathPrefix";
}

static void emit_match(sbuf *y, const gen_match *m) {
  sb_printf(y, "    - path:\n        type: %s\n        value: '%s'\n", type_name(m->type), m->path);
  if (m->method) sb_printf(y, "      method: %s\n", m->method);
  if (m->hname)
    sb_printf(y, "      headers:\n      - name: %s\n        value: %s\n", m->hname, m->hvalue);
  if (m->qname)
    sb_printf(y, "      queryParams:\n      - name: %s\n        value: \"%s\"\n", m->qname,
              m->qvalue);
}

static void emit_route(gen_workload *w, bench_rng *r, gen_route *rt, unsigned svc) {
  sbuf *y = &w->yaml;
  uint32_t i;
  int k, b;
  unsigned hour = rng_below(r, 366 * 24), day = hour / 24;
  /* 2024 is a leap year: month lengths */
  static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  unsigned mon = 0;
  while (day >= mdays[mon]) day -= mdays[mon++];
  rt->yaml_off = y->len;
  sb_printf(y, "---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n"
               "metadata:\n  name: %s\n  namespace: %s\n"
               "  creationTimestamp: \"2024-%02u-%02uT%02u:00:00Z\"\n"
               "spec:\n  parentRefs:\n  - name: gw\n    namespace: infra\n",
            rt->name, rt->ns, mon + 1, day + 1, hour % 24);
  if (rt->host_count) {
    sb_printf(y, "  hostnames:\n");
    for (k = 0; k < rt->host_count; k++) sb_printf(y, "  - \"%s\"\n", rt->hosts[k]);
  }
  sb_printf(y, "  rules:\n");
  for (i = 0; i < rt->rule_count; i++) {
    const gen_rule *ru = &w->rules[rt->first_rule + i];
    sb_printf(y, "  - matches:\n");
    for (k = 0; k < ru->match_count; k++) emit_match(y, &ru->m[k]);
    sb_printf(y, "    backendRefs:\n");
    for (b = 0; b < ru->backend_count; b++) {
      sb_printf(y, "    - name: svc%u-v%d\n      port: 8080\n", svc, b + 1);
      if (!w->simple) sb_printf(y, "      weight: %u\n", 1 + rng_below(r, 100));
    }
  }
  rt->yaml_len = y->len - rt->yaml_off;
}

/* ---- the workload ---------------------------------------------------------------------------- */

static size_t at_least(size_t v, size_t min) { return v < min ? min : v; }

static void pick_hosts(gen_workload *w, bench_rng *r, gen_route *rt) {
  unsigned kind = rng_below(r, 100);
  if (w->simple || kind < 60) {
    rt->host_kind = GEN_HOST_EXACT;
    rt->hosts[0] = w->host_pool[rng_below(r, (uint32_t)w->host_pool_n)];
    rt->host_count = 1;
    if (rng_pct(r, 30)) {
      const char *h2 = w->host_pool[rng_below(r, (uint32_t)w->host_pool_n)];
      if (h2 != rt->hosts[0]) rt->hosts[rt->host_count++] = h2;
    }
  } else if (kind < 80) {
    rt->host_kind = GEN_HOST_WILD;
    rt->zone = rng_below(r, w->zones);
    rt->hosts[0] = sp_printf(&w->strings, "*.zone%u.example.com", rt->zone);
    rt->host_count = 1;
  } else {
    rt->host_kind = GEN_HOST_NONE;
  }
}

void gen_workload_make(gen_workload *w, int simple, size_t n_rules, uint64_t seed) {
  bench_rng r = {seed};
  size_t i, made = 0, cap;
  memset(w, 0, sizeof *w);
  w->simple = simple;
  w->n_rules = n_rules;
  w->host_pool_n = at_least(n_rules / 20, 4);
  w->zones = (unsigned)at_least(n_rules / 250, 2);
  w->services = (unsigned)at_least(n_rules / 40, 8);
  w->host_pool = xcalloc(w->host_pool_n, sizeof *w->host_pool);
  for (i = 0; i < w->host_pool_n; i++)
    w->host_pool[i] = i % 4 == 3 ? sp_printf(&w->strings, "h%zu.example.org", i)
                                 : sp_printf(&w->strings, "h%zu.zone%zu.example.com", i,
                                             i % w->zones);
  w->rules = xcalloc(n_rules, sizeof *w->rules);
  cap = n_rules; /* at most one route per rule */
  w->routes = xcalloc(cap, sizeof *w->routes);
  emit_header(&w->yaml);
  while (made < n_rules) {
    gen_route *rt = &w->routes[w->route_count];
    uint32_t k, count = 1 + rng_below(&r, 16);
    unsigned svc = rng_below(&r, w->services);
    if (count > n_rules - made) count = (uint32_t)(n_rules - made);
    rt->ns = namespaces[rng_below(&r, (uint32_t)COUNT(namespaces))];
    rt->name = sp_printf(&w->strings, "svc%u-r%zu", svc, w->route_count);
    pick_hosts(w, &r, rt);
    rt->first_rule = (uint32_t)made;
    rt->rule_count = count;
    for (k = 0; k < count; k++) {
      gen_rule *ru = &w->rules[made + k];
      int m;
      ru->route = (uint32_t)w->route_count;
      ru->match_count = (!simple && rng_pct(&r, 12)) ? 2 : 1;
      for (m = 0; m < ru->match_count; m++) gen_match_one(w, &r, svc, &ru->m[m]);
      ru->backend_count = simple ? 1 : 1 + (int)rng_below(&r, 3);
    }
    emit_route(w, &r, rt, svc);
    made += count;
    w->route_count++;
  }
}

void gen_workload_free(gen_workload *w) {
  free(w->rules);
  free(w->routes);
  free(w->host_pool);
  sb_free(&w->yaml);
  sp_free(&w->strings);
  memset(w, 0, sizeof *w);
}

const gen_route *gen_find_route(const gen_workload *w, gwr_str ns, gwr_str name) {
  size_t i;
  for (i = 0; i < w->route_count; i++) {
    const gen_route *rt = &w->routes[i];
    if (strlen(rt->ns) == ns.len && strlen(rt->name) == name.len &&
        memcmp(rt->ns, ns.ptr, ns.len) == 0 && memcmp(rt->name, name.ptr, name.len) == 0)
      return rt;
  }
  return NULL;
}

/* ---- streams ------------------------------------------------------------------------------------- */

static gwr_str str_of(const char *s) {
  gwr_str v;
  v.ptr = s;
  v.len = strlen(s);
  return v;
}

static const char *request_host(stream *s, const gen_workload *w, bench_rng *r,
                                const gen_route *rt) {
  switch (rt->host_kind) {
    case GEN_HOST_EXACT: return rt->hosts[rng_below(r, (uint32_t)rt->host_count)];
    case GEN_HOST_WILD:
      if (rng_pct(r, 20))
        return sp_printf(&s->strings, "a%u.w%u.zone%u.example.com", rng_below(r, 10),
                         rng_below(r, 1000), rt->zone);
      return sp_printf(&s->strings, "w%u.zone%u.example.com", rng_below(r, 1000), rt->zone);
    default:
      if (rng_pct(r, 50)) return w->host_pool[rng_below(r, (uint32_t)w->host_pool_n)];
      return sp_printf(&s->strings, "c%u.example.net", rng_below(r, 1000));
  }
}

static const char *request_path(stream *s, bench_rng *r, const gen_match *m) {
  char buf[320];
  int n;
  if (m->type == GEN_EXACT) {
    n = snprintf(buf, sizeof buf, "%s", m->path);
  } else if (m->type == GEN_REGEX) {
    n = m->re_variant ? snprintf(buf, sizeof buf, "/svc%u/v%u/res%u/%s/%u", m->re_svc,
                                 1 + rng_below(r, 3), m->re_res, PICK(r, words),
                                 rng_below(r, 100000))
                      : snprintf(buf, sizeof buf, "/svc%u/v%u/res%u/%u", m->re_svc,
                                 1 + rng_below(r, 3), m->re_res, rng_below(r, 100000));
  } else {
    unsigned x = rng_below(r, 100);
    if (x < 35)
      n = snprintf(buf, sizeof buf, "%s", m->path);
    else if (x < 70)
      n = snprintf(buf, sizeof buf, "%s/%u", m->path, rng_below(r, 100000));
    else
      n = snprintf(buf, sizeof buf, "%s/%s/%u", m->path, PICK(r, words), rng_below(r, 1000));
  }
  if (m->qname)
    n += snprintf(buf + n, sizeof buf - (size_t)n, "?%s=%s%s", m->qname, m->qvalue,
                  rng_pct(r, 50) ? "&page=2" : "");
  else if (rng_pct(r, 15))
    n += snprintf(buf + n, sizeof buf - (size_t)n, "?page=%u", rng_below(r, 10));
  (void)n;
  return sp_printf(&s->strings, "%s", buf);
}

static void request_headers(stream *s, gwr_request *q, const gen_match *m) {
  gwr_header *h = sp_alloc(&s->strings, 3 * sizeof *h);
  size_t n = 0;
  h[n].name = str_of("user-agent");
  h[n++].value = str_of("gwroute-bench/1.0");
  h[n].name = str_of("accept");
  h[n++].value = str_of("application/json");
  if (m && m->hname) {
    h[n].name = str_of(m->hname);
    h[n++].value = str_of(m->hvalue);
  }
  q->headers = h;
  q->header_count = n;
}

static const char *any_method(bench_rng *r) {
  unsigned x = rng_below(r, 100);
  return x < 75 ? "GET" : x < 90 ? "POST" : x < 95 ? "PUT" : "DELETE";
}

/* A miss: a host of any kind and a path no rule has. */
static void make_miss(stream *s, const gen_workload *w, bench_rng *r, gwr_request *q) {
  unsigned x = rng_below(r, 4);
  const char *host =
      x < 2 ? w->host_pool[rng_below(r, (uint32_t)w->host_pool_n)]
            : x == 2 ? sp_printf(&s->strings, "w%u.zone%u.example.com", rng_below(r, 1000),
                                 rng_below(r, w->zones))
                     : sp_printf(&s->strings, "m%u.example.net", rng_below(r, 1000));
  q->host = str_of(host);
  q->path = str_of(sp_printf(&s->strings, "/miss%u/x%u", rng_below(r, 1000), rng_below(r, 100)));
  q->method = str_of(any_method(r));
  request_headers(s, q, NULL);
}

/* Zipf(1.0) over n ranks: the cumulative weights 1/k. */
static double *zipf_cdf(size_t n) {
  double *c = xcalloc(n, sizeof *c), sum = 0;
  size_t k;
  for (k = 0; k < n; k++) c[k] = (sum += 1.0 / (double)(k + 1));
  for (k = 0; k < n; k++) c[k] /= sum;
  return c;
}

static size_t zipf_draw(const double *cdf, size_t n, bench_rng *r) {
  double u = (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
  size_t lo = 0, hi = n - 1;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (cdf[mid] < u)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

void stream_make(stream *s, const gen_workload *w, int zipf, size_t count, uint64_t seed) {
  bench_rng r = {seed};
  double *cdf = NULL;
  uint32_t *perm = NULL;
  size_t i, n = w->n_rules;
  memset(s, 0, sizeof *s);
  s->n = count;
  s->name = zipf ? "zipf" : "uniform";
  s->reqs = xcalloc(count, sizeof *s->reqs);
  s->target = xcalloc(count, sizeof *s->target);
  if (zipf) { /* rank k -> a random rule, so popularity is not tied to config order */
    cdf = zipf_cdf(n);
    perm = xcalloc(n, sizeof *perm);
    for (i = 0; i < n; i++) perm[i] = (uint32_t)i;
    for (i = n - 1; i > 0; i--) {
      uint32_t j = rng_below(&r, (uint32_t)(i + 1)), t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
  }
  for (i = 0; i < count; i++) {
    gwr_request init = GWR_REQUEST_INIT, *q = &s->reqs[i];
    const gen_rule *ru;
    const gen_match *m;
    *q = init;
    q->choice = rng_next(&r);
    if (rng_pct(&r, 5)) {
      s->target[i] = -1;
      make_miss(s, w, &r, q);
      continue;
    }
    s->target[i] = (int32_t)(zipf ? perm[zipf_draw(cdf, n, &r)] : rng_below(&r, (uint32_t)n));
    ru = &w->rules[s->target[i]];
    m = &ru->m[rng_below(&r, (uint32_t)ru->match_count)];
    q->host = str_of(request_host(s, w, &r, &w->routes[ru->route]));
    q->path = str_of(request_path(s, &r, m));
    q->method = str_of(m->method ? m->method : any_method(&r));
    request_headers(s, q, m);
  }
  free(cdf);
  free(perm);
}

void stream_free(stream *s) {
  free(s->reqs);
  free(s->target);
  sp_free(&s->strings);
  memset(s, 0, sizeof *s);
}
