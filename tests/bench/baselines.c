/* SPDX-License-Identifier: Apache-2.0 */
/*
 * baselines.c - what the engine is measured against, in the same process:
 *
 * Envoy-style: the way Envoy (and most proxies) route inside a virtual
 * host. Host -> an exact hash table, a wildcard suffix table (longest
 * suffix first) and a catch-all list; each list holds that host's match
 * entries sorted once by the engine's precedence key (Exact > Regex >
 * PathPrefix, longer path, method, more headers, more query parameters,
 * older route, "ns/name", rule, match); a lookup scans the lists in that
 * order and takes the first entry whose path, method, headers and query
 * parameters all hold (regexes: PCRE2, JIT, compiled once). Because every
 * exact-host entry ranks before every wildcard entry, and those before the
 * catch-all ones, the cascade of lists is the engine's total order.
 * Requests are read as the engine reads them except that dot segments are
 * not removed (the generated streams have none).
 *
 * Floor: a hash table keyed by host+path built from the stream's own
 * (host, path) pairs; a lookup hashes host and path (XXH3) and probes once.
 * It is the cost of reading a request and touching one table slot.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "bench.h"

/* ---- string map ----------------------------------------------------------------- */

void smap_init(smap *m, size_t n) {
  size_t cap = 16, i;
  while (cap < n * 2 + 1) cap *= 2;
  m->s = xcalloc(cap, sizeof *m->s);
  for (i = 0; i < cap; i++) m->s[i].v = UINT32_MAX;
  m->mask = (uint32_t)(cap - 1);
  m->n = 0;
}

int smap_put(smap *m, const char *k, size_t len, uint32_t v, uint32_t *existing) {
  uint64_t h = XXH3_64bits(k, len);
  uint32_t i;
  for (i = (uint32_t)h & m->mask;; i = (i + 1) & m->mask) {
    smap_slot *s = &m->s[i];
    if (s->v == UINT32_MAX) {
      s->h = h;
      s->k = k;
      s->klen = (uint32_t)len;
      s->v = v;
      m->n++;
      return 1;
    }
    if (s->h == h && s->klen == len && memcmp(s->k, k, len) == 0) {
      if (existing) *existing = s->v;
      return 0;
    }
  }
}

uint32_t smap_get(const smap *m, const char *k, size_t len) {
  uint64_t h = XXH3_64bits(k, len);
  uint32_t i;
  for (i = (uint32_t)h & m->mask;; i = (i + 1) & m->mask) {
    const smap_slot *s = &m->s[i];
    if (s->v == UINT32_MAX) return UINT32_MAX;
    if (s->h == h && s->klen == len && memcmp(s->k, k, len) == 0) return s->v;
  }
}

void smap_free(smap *m) {
  free(m->s);
  memset(m, 0, sizeof *m);
}

int bench_host(const gwr_request *req, char *buf, size_t *len) {
  const char *p = req->host.ptr;
  size_t n = req->host.len, i;
  if (n && p[0] == '[') {
    const char *end = memchr(p, ']', n);
    n = end ? (size_t)(end - p) + 1 : n;
  } else {
    for (i = n; i > 0 && p[i - 1] >= '0' && p[i - 1] <= '9'; i--) {
    }
    if (i > 0 && p[i - 1] == ':') n = i - 1;
  }
  if (n && p[n - 1] == '.') n--;
  if (n > 253) return 0;
  for (i = 0; i < n; i++) buf[i] = gwr__lower(p[i]);
  buf[n] = '\0';
  *len = n;
  return 1;
}

/* ---- Envoy-style ------------------------------------------------------------------- */

typedef struct env_pred {
  gwr_str name, value;
  pcre2_code *re;
} env_pred;

typedef struct env_entry {
  int type;                     /* GEN_PREFIX / GEN_EXACT / GEN_REGEX */
  gwr_str path;                 /* Exact: as written; Prefix: one trailing '/' off, "/" = empty */
  pcre2_code *re;
  gwr_str method;
  env_pred *headers, *queries;
  uint32_t header_count, query_count;
  uint32_t route, rule, match;
  const uint64_t *cumulative;   /* running backend weight totals */
  uint32_t backend_count;
  uint64_t total_weight;
} env_entry;

typedef struct env_list {
  env_entry *e;
  uint32_t n;
  gwr_str host;                 /* exact host, ".suffix", or empty */
} env_list;

struct env_matcher {
  smap exact, wild;             /* -> list index */
  uint32_t any;                 /* catch-all list index, UINT32_MAX none */
  env_list *lists;
  uint32_t list_count;
  pcre2_match_data *md;
  size_t bytes, entries;
  pcre2_code **codes;           /* every compiled regex, to free */
  size_t code_count, code_cap;
  uint64_t **cums;              /* per table rule: running backend weight totals */
  size_t cum_count;
};

/* build-time view of an entry with its sort key */
typedef struct env_keyed {
  env_entry e;
  uint32_t list;
  uint32_t path_class, path_len, has_method, headers, queries;
  int64_t created;
  const gwr__meta *meta;
} env_keyed;

static pcre2_code *env_regex(env_matcher *m, gwr_str pattern) {
  int code;
  PCRE2_SIZE off;
  pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern.ptr, pattern.len,
                                 PCRE2_ANCHORED | PCRE2_ENDANCHORED, &code, &off, NULL);
  if (!re) {
    fprintf(stderr, "bench: envoy-style: regex %.*s does not compile\n", (int)pattern.len,
            pattern.ptr);
    abort();
  }
  (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
  if (m->code_count == m->code_cap) {
    m->code_cap = m->code_cap ? m->code_cap * 2 : 64;
    m->codes = realloc(m->codes, m->code_cap * sizeof *m->codes);
    if (!m->codes) abort();
  }
  m->codes[m->code_count++] = re;
  return re;
}

static uint32_t path_class(int type, int order) {
  if (type == GWR_PATH_EXACT) return 0;
  if (type == GWR_PATH_REGEX) return order == GWR_REGEX_ORDER_ISTIO ? 2 : 1;
  return order == GWR_REGEX_ORDER_ISTIO ? 1 : 2;
}

static int nsname_cmp(const gwr__meta *a, const gwr__meta *b) {
  size_t i;
  for (i = 0;; i++) {
    int x = i < a->ns.len ? (unsigned char)a->ns.ptr[i]
            : i == a->ns.len ? '/'
            : i - a->ns.len - 1 < a->name.len ? (unsigned char)a->name.ptr[i - a->ns.len - 1]
                                              : -1;
    int y = i < b->ns.len ? (unsigned char)b->ns.ptr[i]
            : i == b->ns.len ? '/'
            : i - b->ns.len - 1 < b->name.len ? (unsigned char)b->name.ptr[i - b->ns.len - 1]
                                              : -1;
    if (x != y) return x < y ? -1 : 1;
    if (x < 0) return 0;
  }
}

#define DESC(a, b) ((a) > (b) ? -1 : (a) < (b) ? 1 : 0)
#define ASC(a, b) ((a) < (b) ? -1 : (a) > (b) ? 1 : 0)

static int env_cmp(const void *x, const void *y) {
  const env_keyed *a = x, *b = y;
  int c;
  if ((c = ASC(a->list, b->list))) return c;
  if ((c = ASC(a->path_class, b->path_class))) return c;
  if ((c = DESC(a->path_len, b->path_len))) return c;
  if ((c = DESC(a->has_method, b->has_method))) return c;
  if ((c = DESC(a->headers, b->headers))) return c;
  if ((c = DESC(a->queries, b->queries))) return c;
  if ((c = ASC(a->created, b->created))) return c;
  if ((c = nsname_cmp(a->meta, b->meta))) return c;
  if ((c = ASC(a->e.rule, b->e.rule))) return c;
  return ASC(a->e.match, b->e.match);
}

static int is_wild(gwr_str h) { return h.len > 2 && h.ptr[0] == '*' && h.ptr[1] == '.'; }

static uint32_t env_list_for(env_matcher *m, gwr_str host) {
  uint32_t existing = UINT32_MAX, id = m->list_count;
  if (host.len == 0) {
    if (m->any == UINT32_MAX) m->any = m->list_count++;
    return m->any;
  }
  if (is_wild(host)) {
    if (!smap_put(&m->wild, host.ptr + 1, host.len - 1, id, &existing)) return existing;
    m->lists[id].host.ptr = host.ptr + 1;
    m->lists[id].host.len = host.len - 1;
  } else {
    if (!smap_put(&m->exact, host.ptr, host.len, id, &existing)) return existing;
    m->lists[id].host = host;
  }
  return m->list_count++;
}

static env_pred *env_preds(env_matcher *m, const gwr__kv_match *kv, size_t n) {
  env_pred *p = xcalloc(n + 1, sizeof *p);
  size_t i;
  m->bytes += (n + 1) * sizeof *p;
  for (i = 0; i < n; i++) {
    p[i].name = kv[i].name;
    p[i].value = kv[i].value;
    if (kv[i].type == GWR_VALUE_REGEX) p[i].re = env_regex(m, kv[i].value);
  }
  return p;
}

static void env_fill(env_matcher *m, env_keyed *k, const gwr__attach *att, size_t route,
                     const gwr__host *h, size_t rule, size_t match, const uint64_t *cum) {
  const gwr__att_route *ar = &att->routes[route];
  const gwr__rule *ru = &ar->r->rules[rule];
  const gwr__match *mt = &ru->matches[match];
  env_entry *e = &k->e;
  size_t b;
  e->type = mt->path_type == GWR_PATH_EXACT ? GEN_EXACT
            : mt->path_type == GWR_PATH_REGEX ? GEN_REGEX
                                              : GEN_PREFIX;
  e->path = mt->path;
  if (e->type == GEN_PREFIX) {
    if (e->path.len > 1 && e->path.ptr[e->path.len - 1] == '/') e->path.len--;
    if (e->path.len == 1) e->path.len = 0;
  }
  if (e->type == GEN_REGEX) e->re = env_regex(m, mt->path);
  e->method = mt->method;
  e->headers = env_preds(m, mt->headers, mt->header_count);
  e->header_count = (uint32_t)mt->header_count;
  e->queries = env_preds(m, mt->queries, mt->query_count);
  e->query_count = (uint32_t)mt->query_count;
  e->route = (uint32_t)route;
  e->rule = (uint32_t)rule;
  e->match = (uint32_t)match;
  e->cumulative = cum;
  e->backend_count = (uint32_t)ar->rules[rule].backend_count;
  for (b = 0; b < e->backend_count; b++) e->total_weight += (uint64_t)ar->rules[rule].backends[b].b->weight;
  k->list = env_list_for(m, h->name);
  k->path_class = path_class(mt->path_type, att->opt->regex_order);
  k->path_len = (uint32_t)mt->path.len;
  k->has_method = mt->method.len > 0;
  k->headers = (uint32_t)mt->header_count;
  k->queries = (uint32_t)mt->query_count;
  k->created = ar->r->meta.created;
  k->meta = &ar->r->meta;
}

/* Running weight totals of every rule (shared by its entries). */
static uint64_t *env_cumulative(env_matcher *m, const gwr__att_rule *rule) {
  uint64_t *c = xcalloc(rule->backend_count + 1, sizeof *c), sum = 0;
  size_t i;
  m->bytes += (rule->backend_count + 1) * sizeof *c;
  for (i = 0; i < rule->backend_count; i++) c[i] = (sum += (uint64_t)rule->backends[i].b->weight);
  return c;
}

env_matcher *env_build(const gwr__attach *att) {
  env_matcher *m = xcalloc(1, sizeof *m);
  size_t i, n = 0, k = 0, r, ru, h, mt, rules = 0;
  size_t *rule_base = xcalloc(att->route_count + 1, sizeof *rule_base);
  env_keyed *tmp;
  m->any = UINT32_MAX;
  for (i = 0; i < att->binding_count; i++) {
    const gwr__binding *b = &att->bindings[i];
    const gwr__att_route *ar = &att->routes[b->route];
    if (!att->listeners[b->listener].programmed) continue;
    for (ru = 0; ru < ar->r->rule_count; ru++)
      if (ar->rules[ru].valid) n += b->host_count * ar->r->rules[ru].match_count;
  }
  for (r = 0; r < att->route_count; r++) {
    rule_base[r] = rules;
    rules += att->routes[r].r->rule_count;
  }
  m->cums = xcalloc(rules + 1, sizeof *m->cums);
  for (r = 0; r < att->route_count; r++)
    for (ru = 0; ru < att->routes[r].r->rule_count; ru++)
      m->cums[m->cum_count++] = env_cumulative(m, &att->routes[r].rules[ru]);
  smap_init(&m->exact, n);
  smap_init(&m->wild, n);
  m->lists = xcalloc(n + 1, sizeof *m->lists);
  tmp = xcalloc(n + 1, sizeof *tmp);
  k = 0;
  for (i = 0; i < att->binding_count; i++) {
    const gwr__binding *b = &att->bindings[i];
    const gwr__att_route *ar = &att->routes[b->route];
    size_t base = rule_base[b->route];
    if (!att->listeners[b->listener].programmed) continue;
    for (h = 0; h < b->host_count; h++)
      for (ru = 0; ru < ar->r->rule_count; ru++)
        for (mt = 0; ar->rules[ru].valid && mt < ar->r->rules[ru].match_count; mt++)
          env_fill(m, &tmp[k++], att, b->route, &b->hosts[h], ru, mt, m->cums[base + ru]);
  }
  free(rule_base);
  qsort(tmp, n, sizeof *tmp, env_cmp);
  /* one contiguous array per list, in rank order */
  for (i = 0; i < n;) {
    size_t j = i, e;
    env_list *l = &m->lists[tmp[i].list];
    while (j < n && tmp[j].list == tmp[i].list) j++;
    l->e = xcalloc(j - i, sizeof *l->e);
    l->n = (uint32_t)(j - i);
    for (e = i; e < j; e++) l->e[e - i] = tmp[e].e;
    m->bytes += (j - i) * sizeof *l->e;
    i = j;
  }
  free(tmp);
  m->entries = n;
  m->bytes += sizeof *m + (n + 1) * sizeof *m->lists +
              ((size_t)m->exact.mask + 1 + m->wild.mask + 1) * sizeof(smap_slot);
  m->md = pcre2_match_data_create(1, NULL);
  return m;
}

void env_free(env_matcher *m) {
  size_t i;
  if (!m) return;
  for (i = 0; i < m->list_count; i++) {
    env_entry *e = m->lists[i].e;
    uint32_t k;
    for (k = 0; k < m->lists[i].n; k++) {
      free(e[k].headers);
      free(e[k].queries);
    }
    free(e);
  }
  for (i = 0; i < m->code_count; i++) pcre2_code_free(m->codes[i]);
  for (i = 0; i < m->cum_count; i++) free(m->cums[i]);
  free(m->cums);
  free(m->codes);
  free(m->lists);
  smap_free(&m->exact);
  smap_free(&m->wild);
  pcre2_match_data_free(m->md);
  free(m);
}

size_t env_bytes(const env_matcher *m) { return m->bytes; }
size_t env_entries(const env_matcher *m) { return m->entries; }

void env_visit_exact(const env_matcher *m, env_visit_fn fn, void *ctx) {
  uint32_t i, k;
  for (i = 0; i < m->list_count; i++) {
    const env_list *l = &m->lists[i];
    if (i == m->any || l->host.len == 0 || l->host.ptr[0] == '.') continue;
    for (k = 0; k < l->n; k++)
      fn(ctx, l->host.ptr, l->host.len, l->e[k].path.ptr, l->e[k].path.len, l->e[k].type,
         l->e[k].route, l->e[k].rule, l->e[k].match);
  }
}

/* ---- Envoy-style lookup ------------------------------------------------------------------- */

typedef struct env_req {
  const gwr_request *req;
  gwr_str path, query;
  pcre2_match_data *md;
} env_req;

static int ci_eq(gwr_str a, gwr_str b) {
  size_t i;
  if (a.len != b.len) return 0;
  for (i = 0; i < a.len; i++)
    if (gwr__lower(a.ptr[i]) != gwr__lower(b.ptr[i])) return 0;
  return 1;
}

static int str_eq(gwr_str a, gwr_str b) {
  return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static int value_ok(const env_req *q, const env_pred *p, gwr_str v) {
  if (p->re)
    return pcre2_match(p->re, (PCRE2_SPTR)(v.ptr ? v.ptr : ""), v.len, 0, 0, q->md, NULL) >= 0;
  return str_eq(p->value, v);
}

/* the first request header of that name (the streams never repeat one) */
static int header_ok(const env_req *q, const env_pred *p) {
  size_t i;
  for (i = 0; i < q->req->header_count; i++)
    if (ci_eq(q->req->headers[i].name, p->name)) return value_ok(q, p, q->req->headers[i].value);
  return 0;
}

static int query_ok(const env_req *q, const env_pred *p) {
  const char *s = q->query.ptr;
  size_t n = q->query.len, i = 0;
  while (n && i <= n) {
    size_t end = i, eq;
    while (end < n && s[end] != '&') end++;
    for (eq = i; eq < end && s[eq] != '='; eq++) {
    }
    if (eq - i == p->name.len && memcmp(s + i, p->name.ptr, p->name.len) == 0) {
      gwr_str v;
      v.ptr = eq < end ? s + eq + 1 : s + eq;
      v.len = eq < end ? end - eq - 1 : 0;
      return value_ok(q, p, v);
    }
    i = end + 1;
  }
  return 0;
}

static int path_ok(const env_req *q, const env_entry *e) {
  gwr_str p = q->path;
  if (e->type == GEN_EXACT) return str_eq(p, e->path);
  if (e->type == GEN_REGEX)
    return pcre2_match(e->re, (PCRE2_SPTR)p.ptr, p.len, 0, 0, q->md, NULL) >= 0;
  if (e->path.len == 0) return 1;
  if (p.len < e->path.len || memcmp(p.ptr, e->path.ptr, e->path.len) != 0) return 0;
  return p.len == e->path.len || p.ptr[e->path.len] == '/';
}

static int entry_ok(const env_req *q, const env_entry *e) {
  uint32_t i;
  if (!path_ok(q, e)) return 0;
  if (e->method.len && !str_eq(e->method, q->req->method)) return 0;
  for (i = 0; i < e->header_count; i++)
    if (!header_ok(q, &e->headers[i])) return 0;
  for (i = 0; i < e->query_count; i++)
    if (!query_ok(q, &e->queries[i])) return 0;
  return 1;
}

static const env_entry *env_scan(const env_req *q, const env_list *l) {
  uint32_t i;
  for (i = 0; i < l->n; i++)
    if (entry_ok(q, &l->e[i])) return &l->e[i];
  return NULL;
}

static int env_done(const env_req *q, const env_entry *e, env_hit *hit) {
  uint64_t v, t;
  uint32_t i;
  hit->route = e->route;
  hit->rule = e->rule;
  hit->match = e->match;
  hit->backend = -1;
  if (e->backend_count == 0 || e->total_weight == 0) return 1;
  v = q->req->key.len ? XXH3_64bits(q->req->key.ptr, q->req->key.len) : q->req->choice;
  t = v % e->total_weight;
  for (i = 0; i + 1 < e->backend_count && t >= e->cumulative[i]; i++) {
  }
  hit->backend = (int)i;
  return 1;
}

int env_match(env_matcher *m, const gwr_request *req, env_hit *hit) {
  char host[256];
  size_t hlen = 0, i;
  int host_ok = bench_host(req, host, &hlen);
  const char *qm = req->path.len ? memchr(req->path.ptr, '?', req->path.len) : NULL;
  const env_entry *e;
  env_req q;
  uint32_t l;
  q.req = req;
  q.md = m->md;
  q.path.ptr = req->path.ptr;
  q.path.len = qm ? (size_t)(qm - req->path.ptr) : req->path.len;
  q.query.ptr = qm ? qm + 1 : NULL;
  q.query.len = qm ? req->path.len - q.path.len - 1 : 0;
  if (host_ok && hlen) {
    if ((l = smap_get(&m->exact, host, hlen)) != UINT32_MAX && (e = env_scan(&q, &m->lists[l])))
      return env_done(&q, e, hit);
    for (i = 1; i < hlen; i++)
      if (host[i] == '.' && (l = smap_get(&m->wild, host + i, hlen - i)) != UINT32_MAX &&
          (e = env_scan(&q, &m->lists[l])))
        return env_done(&q, e, hit);
  }
  if (m->any != UINT32_MAX && (e = env_scan(&q, &m->lists[m->any]))) return env_done(&q, e, hit);
  return 0;
}

/* ---- the floor ---------------------------------------------------------------------------------- */

typedef struct floor_slot {
  uint64_t h;
  const char *host, *path;
  uint32_t hlen, plen;
  uint32_t value;               /* UINT32_MAX = empty */
} floor_slot;

struct floor_map {
  floor_slot *s;
  uint32_t mask;
};

static inline uint64_t floor_hash(const gwr_request *r) {
  return XXH3_64bits_withSeed(r->path.ptr, r->path.len, XXH3_64bits(r->host.ptr, r->host.len));
}

floor_map *floor_build(const gwr_request *reqs, size_t n) {
  floor_map *f = xcalloc(1, sizeof *f);
  size_t cap = 16, i;
  while (cap < n * 2) cap *= 2;
  f->s = xcalloc(cap, sizeof *f->s);
  f->mask = (uint32_t)(cap - 1);
  for (i = 0; i < cap; i++) f->s[i].value = UINT32_MAX;
  for (i = 0; i < n; i++) {
    const gwr_request *r = &reqs[i];
    uint64_t h = floor_hash(r);
    uint32_t k;
    for (k = (uint32_t)h & f->mask;; k = (k + 1) & f->mask) {
      floor_slot *s = &f->s[k];
      if (s->value == UINT32_MAX) {
        s->h = h;
        s->host = r->host.ptr;
        s->hlen = (uint32_t)r->host.len;
        s->path = r->path.ptr;
        s->plen = (uint32_t)r->path.len;
        s->value = (uint32_t)i;
        break;
      }
      if (s->h == h && s->hlen == r->host.len && s->plen == r->path.len &&
          memcmp(s->host, r->host.ptr, s->hlen) == 0 && memcmp(s->path, r->path.ptr, s->plen) == 0)
        break;
    }
  }
  return f;
}

uint32_t floor_lookup(const floor_map *f, const gwr_request *r) {
  uint64_t h = floor_hash(r);
  uint32_t k;
  for (k = (uint32_t)h & f->mask;; k = (k + 1) & f->mask) {
    const floor_slot *s = &f->s[k];
    if (s->value == UINT32_MAX) return UINT32_MAX;
    if (s->h == h && s->hlen == r->host.len && s->plen == r->path.len &&
        memcmp(s->host, r->host.ptr, s->hlen) == 0 && memcmp(s->path, r->path.ptr, s->plen) == 0)
      return s->value;
  }
}

void floor_free(floor_map *f) {
  if (!f) return;
  free(f->s);
  free(f);
}
