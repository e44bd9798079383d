/* SPDX-License-Identifier: Apache-2.0 */
/*
 * compile.c - stage 4: the attach result into the decision trie (table.h).
 *
 * For every programmed listener: one entry per (binding host, valid rule,
 * match); entries sorted once by the digest §3.1 key (3.3 for regexes) so
 * that an entry's rank is its precedence; then hung into host buckets and
 * path trie nodes. Regexes are compiled (JIT) here, never at match time.
 * Everything lives in the table's arena except PCRE2 code objects.
 */
#include <stdlib.h>

#include "table.h"

typedef struct cctx {
  gwr_table *t;
  gwr__arena *ar;
  const gwr__attach *att;
  gwr__hmap regex_index;  /* pattern -> index in t->regexes (build time only) */
  uint32_t *route_order;  /* per route: its place by age, then "namespace/name" (3.1 steps 6-7) */
  int grpc_plane;         /* compiling a listener's GRPCRoutes (1) or its other routes (0) */
  uint32_t *rule_base;    /* per route: index of its rule 0 in rule_ids (build time) */
  uint32_t *rule_ids;     /* per rule: its record's id in the rule blob (build time) */
} cctx;

/* P4, G7: a listener's GRPCRoutes get a trie of their own, ranked by §3.2. */
static int in_plane(const cctx *c, const gwr__binding *b) {
  return (b->kind == GWR_ROUTE_GRPC) == c->grpc_plane;
}

/* Double the regex index (heap scratch) when it is half full. */
static int grow_regex_index(cctx *c) {
  gwr__hmap bigger;
  uint32_t i;
  if (gwr__hmap_init_heap(&bigger, &c->t->alloc, (size_t)(c->regex_index.mask + 1)) != GWR_OK)
    return GWR_E_NOMEM;
  for (i = 0; i <= c->regex_index.mask; i++) {
    const gwr__hmap_slot *sl = &c->regex_index.slots[i];
    if (sl->value != UINT32_MAX)
      gwr__hmap_put(&bigger, gwr__hmap_key(sl), sl->key_len, 0, sl->value, NULL);
  }
  gwr__hmap_free_heap(&c->regex_index, &c->t->alloc);
  c->regex_index = bigger;
  return GWR_OK;
}

/* One compiled (JIT) regex per distinct pattern in the table: identical
 * patterns, common in real configurations, share their code. */
static gwr__regex *compile_regex(cctx *c, gwr__sv pattern) {
  uint32_t existing = GWR_NONE;
  gwr__regex *re;
  gwr__regex **slot;
  size_t index = c->t->regexes.len;
  if (!c->regex_index.slots && gwr__hmap_init_heap(&c->regex_index, &c->t->alloc, 64) != GWR_OK) return NULL;
  if (c->regex_index.count * 2 + 2 > c->regex_index.mask && grow_regex_index(c) != GWR_OK) return NULL;
  if (!gwr__hmap_put(&c->regex_index, pattern.ptr, pattern.len, 0, (uint32_t)index, &existing))
    return GWR_VEC_AT(&c->t->regexes, gwr__regex *, existing);
  re = gwr__regex_compile(c->t->rx, pattern);
  slot = re ? gwr__vec_push(&c->t->regexes, &c->t->alloc) : NULL;
  if (!slot) {
    gwr__regex_free(re);
    return NULL; /* the index now names a missing slot: compile fails as a whole */
  }
  *slot = re;
  return re;
}

/* ---- backends ------------------------------------------------------------ */

static size_t trule_size(size_t backends) {
  return (sizeof(gwr__trule) + backends * sizeof(gwr__tbackend) + 7u) & ~(size_t)7u;
}

static int compile_backends(cctx *c, gwr__trule *tr, const gwr__att_rule *rule, uint64_t seed) {
  size_t j;
  for (j = 0; j < rule->backend_count; j++) {
    const gwr__backend *b = rule->backends[j].b;
    tr->total_weight += (uint64_t)b->weight;
    tr->backends[j].cumulative = tr->total_weight;
    tr->backends[j].ab = &rule->backends[j];
    tr->backends[j].valid = rule->backends[j].valid;
    if (gwr__filters_compile(&tr->backends[j].filters, c->ar, b->filters, b->filter_count, rule,
                             seed + 16 * (j + 1)) != GWR_OK)
      return GWR_E_NOMEM;
  }
  return GWR_OK;
}

/* Every rule's record, back to back in one blob; c->rule_ids maps (route
 * rule 0 index + rule) to the record for the entries. */
static int compile_rules(cctx *c) {
  const gwr__attach *att = c->att;
  size_t r, i, total = 0, bytes = 8, k = 0, at = 8; /* offset 0 is never a record */
  for (r = 0; r < att->route_count; r++)
    for (i = 0; i < att->routes[r].r->rule_count; i++, total++)
      bytes += trule_size(att->routes[r].rules[i].backend_count);
  if (bytes / 8 > UINT32_MAX) return GWR_E_LIMIT;
  c->rule_base = gwr__calloc(&c->t->alloc, att->route_count + 1, sizeof *c->rule_base);
  c->rule_ids = gwr__calloc(&c->t->alloc, total + 1, sizeof *c->rule_ids);
  c->t->rule_blob = gwr__arena_alloc(c->ar, bytes);
  if (!c->rule_base || !c->rule_ids || !c->t->rule_blob) return GWR_E_NOMEM;
  memset(c->t->rule_blob, 0, bytes);
  for (r = 0; r < att->route_count; r++) {
    const gwr__att_route *ar = &att->routes[r];
    c->rule_base[r] = (uint32_t)k;
    for (i = 0; i < ar->r->rule_count; i++, k++) {
      gwr__trule *tr = (gwr__trule *)(c->t->rule_blob + at);
      const gwr__att_rule *rule = &ar->rules[i];
      c->rule_ids[k] = (uint32_t)(at / 8);
      at += trule_size(rule->backend_count);
      tr->backend_count = (uint32_t)rule->backend_count;
      tr->rule = &ar->r->rules[i];
      tr->direct_status = (uint32_t)tr->rule->direct_status;
      if (gwr__filters_compile(&tr->filters, c->ar, tr->rule->filters, tr->rule->filter_count, rule,
                               k * 64) != GWR_OK ||
          compile_backends(c, tr, rule, k * 64) != GWR_OK)
        return GWR_E_NOMEM;
    }
  }
  return GWR_OK;
}

/* ---- entries -------------------------------------------------------------- */

static uint32_t path_class(int path_type, int regex_order) {
  if (path_type == GWR_PATH_EXACT) return 0;
  if (path_type == GWR_PATH_REGEX) return regex_order == GWR_REGEX_ORDER_ISTIO ? 2 : 1;
  return regex_order == GWR_REGEX_ORDER_ISTIO ? 1 : 2;
}

/* H6/H9: keep the first predicate per name (headers case-insensitively). */
static int compile_preds(cctx *c, const gwr__kv_match *kv, size_t n, int fold,
                         gwr__pred **out, uint32_t *count) {
  size_t i, j;
  gwr__pred *p;
  *count = 0;
  *out = NULL;
  if (n == 0) return GWR_OK; /* most matches: no memory at all */
  p = gwr__arena_array(c->ar, n, sizeof *p);
  if (!p) return GWR_E_NOMEM;
  for (i = 0; i < n; i++) {
    for (j = 0; j < i; j++)
      if (fold ? gwr__sv_casecmp_eq(kv[i].name, kv[j].name) : gwr__sv_eq(kv[i].name, kv[j].name)) break;
    if (j < i) continue;
    p[*count].name = kv[i].name;
    p[*count].value = kv[i].value;
    if (kv[i].type == GWR_VALUE_REGEX && !(p[*count].re = compile_regex(c, kv[i].value)))
      return GWR_E_NOMEM; /* validate.c proved it compiles */
    (*count)++;
  }
  *out = p;
  return GWR_OK;
}

/* An entry with its build-time sort keys and placement. */
typedef struct keyed {
  gwr__entry e;
  gwr__sv host;                 /* effective hostname (bucket key) */
  uint32_t host_precise, host_total, path_class, path_len;
  uint32_t method_rank;         /* HTTP: 1 with a method; gRPC: characters of the method (3.2) */
  uint32_t header_total, query_total; /* as configured, for ranking */
  uint32_t bucket, node;
  uint32_t route_order;         /* 3.1 steps 6-7, precomputed */
  const gwr__match *m;
} keyed;

static int fill_entry(cctx *c, keyed *k, const gwr__binding *b, const gwr__host *h, uint32_t rule,
                      uint32_t match) {
  const gwr__route *r = c->att->routes[b->route].r;
  const gwr__match *m = &r->rules[rule].matches[match];
  gwr__entry *e = &k->e;
  uint32_t count = 0;
  int rc;
  k->m = m;
  k->route_order = c->route_order[b->route];
  k->host = h->name;
  k->host_precise = h->precise_len;
  k->host_total = h->total_len;
  k->path_class = path_class(m->path_type, c->t->opt.regex_order);
  k->path_len = (uint32_t)m->path.len;
  k->method_rank = m->method.len > 0;
  if (r->kind == GWR_ROUTE_GRPC) { /* 3.2: service, then method characters (regex: pattern) */
    k->path_class = 0;
    k->path_len = (uint32_t)m->grpc.service.len;
    k->method_rank = (uint32_t)m->grpc.method.len;
  }
  /* counts for ranking are as configured (3.1 steps 4-5) */
  k->header_total = (uint32_t)m->header_count;
  k->query_total = (uint32_t)m->query_count;
  e->route = (uint32_t)b->route;
  e->rule = (uint16_t)rule;
  e->match = (uint16_t)match;
  e->rule_id = c->rule_ids[c->rule_base[b->route] + rule];
  e->method = gwr__method_code(m->method);
  if (m->path_type == GWR_PATH_REGEX && !(e->path_re = compile_regex(c, m->path))) return GWR_E_NOMEM;
  if ((rc = compile_preds(c, m->headers, m->header_count, 1, &e->headers, &count)) != GWR_OK) return rc;
  e->header_count = (uint8_t)count;
  rc = compile_preds(c, m->queries, m->query_count, 0, &e->queries, &count);
  e->query_count = (uint8_t)count;
  return rc;
}

static int cmp_u32_desc(uint32_t a, uint32_t b) { return a > b ? -1 : (a < b); }

/* The precedence key of digest §3.1 (3.3 for regexes). */
static int entry_cmp(const void *x, const void *y) {
  const keyed *a = x, *b = y;
  int c;
  if ((c = cmp_u32_desc(a->host_precise, b->host_precise))) return c;
  if ((c = cmp_u32_desc(a->host_total, b->host_total))) return c;
  if (a->path_class != b->path_class) return a->path_class < b->path_class ? -1 : 1;
  if ((c = cmp_u32_desc(a->path_len, b->path_len))) return c;
  if ((c = cmp_u32_desc(a->method_rank, b->method_rank))) return c;
  if ((c = cmp_u32_desc(a->header_total, b->header_total))) return c;
  if ((c = cmp_u32_desc(a->query_total, b->query_total))) return c;
  if (a->route_order != b->route_order) return a->route_order < b->route_order ? -1 : 1;
  if (a->e.rule != b->e.rule) return a->e.rule < b->e.rule ? -1 : 1;
  return a->e.match < b->e.match ? -1 : (a->e.match > b->e.match);
}

static size_t count_entries(const cctx *c, size_t first, size_t last) {
  const gwr__attach *att = c->att;
  size_t i, r, n = 0;
  for (i = first; i < last; i++) {
    const gwr__binding *b = &att->bindings[i];
    if (!in_plane(c, b)) continue;
    const gwr__att_route *ar = &att->routes[b->route];
    for (r = 0; r < ar->r->rule_count; r++)
      if (ar->rules[r].valid) n += b->host_count * ar->r->rules[r].match_count;
  }
  return n;
}

/* Routes by age, then "namespace/name" as one string: computed once so the
 * entry sort compares integers. */
typedef struct aged {
  const gwr__meta *meta;
  uint32_t route;
} aged;

static int route_age_cmp(const void *x, const void *y) {
  const aged *a = x, *b = y;
  if (a->meta->created != b->meta->created) return a->meta->created < b->meta->created ? -1 : 1;
  return gwr__nsname_cmp(a->meta, b->meta);
}

static int order_routes(cctx *c) {
  size_t n = c->att->route_count, i;
  aged *tmp = gwr__calloc(&c->t->alloc, n + 1, sizeof *tmp);
  c->route_order = gwr__calloc(&c->t->alloc, n + 1, sizeof *c->route_order);
  if (!tmp || !c->route_order) {
    gwr__free(&c->t->alloc, tmp);
    return GWR_E_NOMEM;
  }
  for (i = 0; i < n; i++) {
    tmp[i].meta = &c->att->routes[i].r->meta;
    tmp[i].route = (uint32_t)i;
  }
  qsort(tmp, n, sizeof *tmp, route_age_cmp);
  for (i = 0; i < n; i++) c->route_order[tmp[i].route] = (uint32_t)i;
  gwr__free(&c->t->alloc, tmp);
  return GWR_OK;
}

static int entry_ptr_cmp(const void *x, const void *y) {
  return entry_cmp(*(keyed *const *)x, *(keyed *const *)y);
}

/* Sort by the precedence key moving pointers, not the wide entries, then
 * lay the entries out in that order. */
static int sort_by_rank(cctx *c, keyed **ks, size_t n) {
  keyed **ptrs = gwr__calloc(&c->t->alloc, n + 1, sizeof *ptrs);
  keyed *sorted = gwr__calloc(&c->t->alloc, n + 1, sizeof *sorted);
  size_t i;
  if (!ptrs || !sorted) {
    gwr__free(&c->t->alloc, ptrs);
    gwr__free(&c->t->alloc, sorted);
    return GWR_E_NOMEM;
  }
  for (i = 0; i < n; i++) ptrs[i] = &(*ks)[i];
  qsort(ptrs, n, sizeof *ptrs, entry_ptr_cmp);
  for (i = 0; i < n; i++) sorted[i] = *ptrs[i];
  gwr__free(&c->t->alloc, ptrs);
  gwr__free(&c->t->alloc, *ks);
  *ks = sorted;
  return GWR_OK;
}

/* Entries of bindings [first, last) of one listener (heap scratch with
 * their sort keys), sorted by rank. */
static int build_entries(cctx *c, size_t first, size_t last, keyed **out, size_t *count) {
  const gwr__attach *att = c->att;
  size_t n = count_entries(c, first, last), k = 0, i, h, r, m;
  keyed *tmp = gwr__calloc(&c->t->alloc, n + 1, sizeof *tmp);
  int rc = GWR_OK;
  *out = tmp;
  *count = n;
  if (!tmp) return GWR_E_NOMEM;
  for (i = first; i < last && rc == GWR_OK; i++) {
    const gwr__binding *b = &att->bindings[i];
    const gwr__att_route *ar = &att->routes[b->route];
    if (!in_plane(c, b)) continue;
    for (h = 0; h < b->host_count; h++)
      for (r = 0; r < ar->r->rule_count; r++)
        for (m = 0; ar->rules[r].valid && m < ar->r->rules[r].match_count && rc == GWR_OK; m++, k++)
          rc = fill_entry(c, &tmp[k], b, &b->hosts[h], (uint32_t)r, (uint32_t)m);
  }
  if (rc != GWR_OK) return rc;
  if ((rc = sort_by_rank(c, out, n)) != GWR_OK) return rc;
  for (i = 0; i < n; i++) (*out)[i].e.rank = (uint32_t)i;
  return GWR_OK;
}

/* ---- host buckets ------------------------------------------------------------ */

static int is_wild(gwr__sv h) { return h.len > 2 && h.ptr[0] == '*' && h.ptr[1] == '.'; }

/* Bucket of an effective hostname, created on first use. */
static uint32_t bucket_for(gwr__tlistener *tl, gwr__sv host) {
  uint32_t existing = GWR_NONE;
  if (host.len == 0) {
    if (tl->any_bucket == GWR_NONE) tl->any_bucket = tl->bucket_count++;
    return tl->any_bucket;
  }
  if (is_wild(host)) {
    tl->wild_lengths |= (uint64_t)1 << ((host.len - 1) % 64);
    if (!gwr__hmap_put(&tl->wild_hosts, host.ptr + 1, host.len - 1, 0, tl->bucket_count, &existing))
      return existing;
  } else if (!gwr__hmap_put(&tl->exact_hosts, host.ptr, host.len, 0, tl->bucket_count, &existing)) {
    return existing;
  }
  return tl->bucket_count++;
}

/* ---- path trie ----------------------------------------------------------------- */

/* The configured path as trie segments: PathPrefix drops one trailing '/'
 * (H4) and "/" is the bucket root; Exact keeps every segment. */
static gwr__sv trie_path(const gwr__match *m) {
  gwr__sv p = m->path;
  if (m->path_type == GWR_PATH_PREFIX && p.len > 1 && p.ptr[p.len - 1] == '/') p.len--;
  if (m->path_type == GWR_PATH_PREFIX && p.len == 1) p.len = 0;
  return p;
}

static uint32_t new_node(gwr__tlistener *tl) { return tl->node_count++; }

static uint32_t node_for(gwr__tlistener *tl, uint32_t root, gwr__sv p, int exact) {
  uint32_t node = root;
  size_t i = 1, start;
  if (p.len == 0) return root;
  for (;;) {
    uint32_t child, existing = GWR_NONE;
    start = i;
    while (i < p.len && p.ptr[i] != '/') i++;
    child = tl->node_count;
    if (gwr__hmap_put(&tl->children, p.ptr + start, i - start, node, child, &existing))
      new_node(tl);
    else
      child = existing;
    node = child;
    if (i >= p.len) break;
    i++;
    if (i == p.len && exact) { /* trailing "/" of an Exact path: an empty segment */
      start = i;
      child = tl->node_count;
      if (gwr__hmap_put(&tl->children, p.ptr + start, 0, node, child, &existing)) new_node(tl);
      else child = existing;
      node = child;
      break;
    }
  }
  return node;
}

static size_t segment_count(gwr__sv p) {
  size_t i, n = 1;
  for (i = 1; i < p.len; i++) n += p.ptr[i] == '/';
  return n + 1;
}

/* Size the host maps and the trie: the path map starts as a heap scratch
 * sized for every segment and is compacted after (see compile_listener). */
static int place_entries(cctx *c, gwr__tlistener *tl, const keyed *ks, size_t n, size_t first,
                         size_t last) {
  size_t i, segs = 0, hosts = 0;
  int rc;
  for (i = 0; i < n; i++) segs += segment_count(ks[i].m->path);
  for (i = first; i < last; i++)
    if (in_plane(c, &c->att->bindings[i])) hosts += c->att->bindings[i].host_count;
  if ((rc = gwr__hmap_init_heap(&tl->children, &c->t->alloc, segs)) != GWR_OK ||
      (rc = gwr__hmap_init(&tl->exact_hosts, c->ar, hosts)) != GWR_OK ||
      (rc = gwr__hmap_init(&tl->wild_hosts, c->ar, hosts)) != GWR_OK)
    return rc;
  tl->any_bucket = GWR_NONE;
  tl->buckets = gwr__arena_array(c->ar, hosts + 1, sizeof *tl->buckets);
  tl->nodes = gwr__arena_array(c->ar, segs + hosts + 1, sizeof *tl->nodes);
  if (!tl->buckets || !tl->nodes) return GWR_E_NOMEM;
  return GWR_OK;
}

/* The literal directory a regex is confined to: the text before its first
 * metacharacter (a quantified last literal excluded), cut back to the last
 * '/'. "/api/v[0-9]+" hangs on "/api"; anything with '|' or not starting
 * with '/' hangs on the root. A node's regexes are only tried for paths
 * under that directory, which the regex requires anyway. */
static gwr__sv regex_dir(gwr__sv re) {
  static const char meta[] = ".[]()*+?{}|^$\\";
  size_t i, cut = 0;
  if (re.len == 0 || re.ptr[0] != '/' || memchr(re.ptr, '|', re.len)) return gwr__sv_make(re.ptr, 0);
  for (i = 0; i < re.len && !strchr(meta, re.ptr[i]); i++) {
  }
  if (i < re.len && i > 0 && (re.ptr[i] == '*' || re.ptr[i] == '?' || re.ptr[i] == '{')) i--;
  for (; i > 0; i--)
    if (re.ptr[i - 1] == '/') {
      cut = i - 1;
      break;
    }
  return gwr__sv_make(re.ptr, cut);
}

/* Every entry into its host bucket; entries regrouped by bucket (rank order
 * kept inside); trie nodes only for buckets too large to scan linearly. */
/* Regroup rank-ordered entries by bucket, keeping rank order inside each
 * (a counting sort: one pass to count, one to place). */
static int group_by_bucket(cctx *c, gwr__tlistener *tl, keyed **ks, size_t n) {
  keyed *grouped = gwr__calloc(&c->t->alloc, n + 1, sizeof *grouped);
  uint32_t i, next = 0;
  if (!grouped) return GWR_E_NOMEM;
  for (i = 0; i < n; i++) tl->buckets[(*ks)[i].bucket].count++;
  for (i = 0; i < tl->bucket_count; i++) {
    tl->buckets[i].first = next;
    next += tl->buckets[i].count;
    tl->buckets[i].count = 0;
  }
  for (i = 0; i < n; i++) { /* ranks ascend, so a bucket's first entry is its best */
    gwr__bucket *b = &tl->buckets[(*ks)[i].bucket];
    if (b->count == 0) b->min_rank = (*ks)[i].e.rank;
    grouped[b->first + b->count++] = (*ks)[i];
  }
  gwr__free(&c->t->alloc, *ks);
  *ks = grouped;
  return GWR_OK;
}

static int hang_entries(cctx *c, gwr__tlistener *tl, keyed **kp, size_t n) {
  size_t i;
  keyed *ks = *kp;
  int rc;
  for (i = 0; i < n; i++) {
    keyed *k = &ks[i];
    k->bucket = bucket_for(tl, k->host);
    k->e.list = k->m->path_type == GWR_PATH_EXACT ? GWR_LIST_EXACT
                : k->m->path_type == GWR_PATH_REGEX ? GWR_LIST_REGEX : GWR_LIST_PREFIX;
    k->e.path = k->m->path_type == GWR_PATH_REGEX ? k->m->path : trie_path(k->m);
  }
  if ((rc = group_by_bucket(c, tl, kp, n)) != GWR_OK) return rc;
  ks = *kp;
  for (i = 0; i < tl->bucket_count; i++)
    if (tl->buckets[i].count > GWR_LINEAR_BUCKET) tl->buckets[i].root = new_node(tl);
  for (i = 0; i < n; i++) {
    keyed *k = &ks[i];
    k->node = GWR_NONE;
    if (tl->buckets[k->bucket].count > GWR_LINEAR_BUCKET)
      k->node = node_for(tl, tl->buckets[k->bucket].root,
                         k->e.list == GWR_LIST_REGEX ? regex_dir(k->m->path) : k->e.path,
                         k->e.list == GWR_LIST_EXACT);
  }
  return GWR_OK;
}

/* Group trie entries by list (node, kind), rank order inside each group,
 * and record the ranges. */
typedef struct listed {
  uint64_t list;
  uint32_t rank, index;
} listed;

static int listed_cmp(const void *x, const void *y) {
  const listed *a = x, *b = y;
  if (a->list != b->list) return a->list < b->list ? -1 : 1;
  return a->rank < b->rank ? -1 : (a->rank > b->rank);
}

static int build_lists(cctx *c, gwr__tlistener *tl, const keyed *ks) {
  uint32_t i, k = 0;
  listed *tmp = gwr__calloc(&c->t->alloc, tl->entry_count + 1, sizeof *tmp);
  tl->order = gwr__arena_array(c->ar, tl->entry_count + 1, sizeof(uint32_t));
  if (!tmp || !tl->order) {
    gwr__free(&c->t->alloc, tmp);
    return GWR_E_NOMEM;
  }
  for (i = 0; i < tl->entry_count; i++) {
    if (ks[i].node == GWR_NONE) continue; /* a linear bucket's */
    tmp[k].list = ((uint64_t)ks[i].node << 2) | ks[i].e.list;
    tmp[k].rank = ks[i].e.rank;
    tmp[k++].index = i;
  }
  qsort(tmp, k, sizeof *tmp, listed_cmp);
  for (i = 0; i < k; i++) {
    const keyed *e = &ks[tmp[i].index];
    gwr__list *l = &tl->nodes[e->node].lists[e->e.list];
    if (l->count == 0) l->first = i;
    l->count++;
    tl->order[i] = tmp[i].index;
  }
  gwr__free(&c->t->alloc, tmp);
  return GWR_OK;
}

/* The entries, in bucket order, with each path copied next to its
 * neighbours': a scan reads one run of memory, not the objects. */
static int pack_entries(cctx *c, gwr__tlistener *tl, const keyed *ks, size_t n) {
  size_t i;
  tl->entries = gwr__arena_array(c->ar, n + 1, sizeof *tl->entries);
  if (!tl->entries) return GWR_E_NOMEM;
  for (i = 0; i < n; i++) {
    gwr__entry *e = &tl->entries[i];
    *e = ks[i].e;
    e->path.ptr = gwr__arena_strndup(c->ar, e->path.ptr ? e->path.ptr : "", e->path.len);
    if (!e->path.ptr) return GWR_E_NOMEM;
  }
  tl->entry_count = (uint32_t)n;
  return GWR_OK;
}

static int compile_listener(cctx *c, gwr__tlistener *tl, size_t first, size_t last) {
  gwr__hmap scratch;
  keyed *ks = NULL;
  size_t n = 0;
  int rc = build_entries(c, first, last, &ks, &n);
  if (rc == GWR_OK) rc = place_entries(c, tl, ks, n, first, last);
  if (rc == GWR_OK) rc = hang_entries(c, tl, &ks, n);
  if (rc == GWR_OK) rc = pack_entries(c, tl, ks, n);
  scratch = tl->children;
  if (rc == GWR_OK) rc = gwr__hmap_compact(&tl->children, c->ar, &scratch);
  gwr__hmap_free_heap(&scratch, &c->t->alloc);
  if (rc == GWR_OK) rc = build_lists(c, tl, ks);
  gwr__free(&c->t->alloc, ks);
  return rc;
}

static int compile_gateways(cctx *c) {
  const gwr__attach *att = c->att;
  uint32_t g;
  int rc;
  c->t->gateways = gwr__arena_array(c->ar, att->gateway_count + 1, sizeof *c->t->gateways);
  if (!c->t->gateways) return GWR_E_NOMEM;
  if ((rc = gwr__hmap_init(&c->t->gateway_index, c->ar, att->gateway_count)) != GWR_OK) return rc;
  for (g = 0; g < att->gateway_count; g++) {
    const gwr__att_gateway *ag = &att->gateways[g];
    gwr__tgateway *tg = &c->t->gateways[c->t->gateway_count];
    if (!ag->ours) continue;
    tg->ag = ag;
    tg->key = gwr__arena_printf(c->ar, "%s/%s", ag->gw->meta.ns.ptr, ag->gw->meta.name.ptr);
    if (!tg->key) return GWR_E_NOMEM;
    tg->first_listener = (uint32_t)ag->first_listener;
    tg->listener_count = (uint32_t)ag->listener_count;
    gwr__hmap_put(&c->t->gateway_index, tg->key, strlen(tg->key), 0, c->t->gateway_count, NULL);
    c->t->gateway_count++;
  }
  return GWR_OK;
}

/* Every listener's two planes (GRPCRoutes, the rest) from its bindings. */
static int compile_listeners(cctx *c) {
  gwr_table *t = c->t;
  size_t b = 0, l;
  int rc = GWR_OK;
  t->listeners = gwr__arena_array(c->ar, t->att.listener_count + 1, sizeof *t->listeners);
  t->grpc = gwr__arena_array(c->ar, t->att.listener_count + 1, sizeof *t->grpc);
  if (!t->listeners || !t->grpc) return GWR_E_NOMEM;
  for (l = 0; l < t->att.listener_count && rc == GWR_OK; l++) {
    size_t first = b;
    t->listeners[l].al = &t->att.listeners[l];
    t->grpc[l].al = &t->att.listeners[l];
    while (b < t->att.binding_count && t->att.bindings[b].listener == l) b++;
    if (!t->att.listeners[l].programmed) continue; /* conflicted or invalid: serves nothing */
    c->grpc_plane = 0;
    rc = compile_listener(c, &t->listeners[l], first, b);
    c->grpc_plane = 1;
    if (rc == GWR_OK) rc = compile_listener(c, &t->grpc[l], first, b);
  }
  return rc;
}

int gwr__compile(gwr_table *t, const gwr_config *cfg) {
  cctx c;
  int rc;
  memset(&c, 0, sizeof c);
  c.t = t;
  c.ar = &t->arena;
  c.att = &t->att;
  if ((rc = gwr__attach_build(&t->att, cfg, &t->arena)) != GWR_OK) return rc;
  t->att.opt = &t->opt;
  rc = compile_rules(&c);
  if (rc == GWR_OK) rc = compile_gateways(&c);
  if (rc == GWR_OK) rc = order_routes(&c);
  if (rc == GWR_OK) rc = compile_listeners(&c);
  /* build-time scratch, on every path */
  gwr__hmap_free_heap(&c.regex_index, &t->alloc);
  gwr__free(&t->alloc, c.route_order);
  gwr__free(&t->alloc, c.rule_base);
  gwr__free(&t->alloc, c.rule_ids);
  return rc;
}
