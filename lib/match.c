/* SPDX-License-Identifier: Apache-2.0 */
/*
 * match.c - stage 5: one request through the decision trie.
 *
 * In: a table (read only, shared) and a request of (ptr, len) views.
 * Out: the decision. Order (digest §3.5): gateway and port -> listener by
 * SNI/Host (A25, A26) -> host buckets (exact, each wildcard suffix, catch-all:
 * P1 fall-through) -> path trie walk -> the lowest-ranked entry whose
 * method/header/query/regex predicates pass -> weighted backend (B1-B6).
 * Never allocates, never locks, never writes outside the decision.
 */
#include "filters.h"

/* ---- request normalisation ---------------------------------------------- */

/* Host without port, one trailing dot removed, lowercased (A24).
 * Returns 0 when it does not fit (then only catch-all hostnames match). */
static int normalise_host(char *buf, gwr_str host, gwr__sv *out) {
  size_t n = host.len, i;
  if (n && host.ptr[0] == '[') {
    const char *end = memchr(host.ptr, ']', n);
    n = end ? (size_t)(end - host.ptr) + 1 : n;
  } else {
    for (i = n; i > 0 && host.ptr[i - 1] >= '0' && host.ptr[i - 1] <= '9'; i--) {
    }
    if (i > 0 && i < n + 1 && host.ptr[i - 1] == ':') n = i - 1;
  }
  if (n && host.ptr[n - 1] == '.') n--;
  if (n > 253) { /* longer than any DNS name: only catch-all hostnames match */
    *out = gwr__sv_make(buf, 0);
    return 0;
  }
  for (i = 0; i < n; i++) buf[i] = gwr__lower(host.ptr[i]);
  buf[n] = '\0';
  *out = gwr__sv_make(buf, n);
  return 1;
}

/* RFC 3986 5.2.4 remove_dot_segments, into out (capacity >= in.len + 1). */
static size_t remove_dot_segments(const char *in, size_t n, char *out) {
  size_t i = 0, o = 0;
  while (i < n) {
    size_t seg_end = i + 1;
    while (seg_end < n && in[seg_end] != '/') seg_end++;
    /* segment is in[i+1 .. seg_end) (in[i] == '/') */
    if (seg_end - i == 2 && in[i + 1] == '.') {
      if (seg_end == n) out[o++] = '/';
    } else if (seg_end - i == 3 && in[i + 1] == '.' && in[i + 2] == '.') {
      while (o > 0 && out[o - 1] != '/') o--; /* drop the last output segment */
      if (o > 0) o--;
      if (seg_end == n) out[o++] = '/';
    } else {
      memcpy(out + o, in + i, seg_end - i);
      o += seg_end - i;
    }
    i = seg_end;
  }
  if (o == 0) out[o++] = '/';
  return o;
}

/* Whether a "." or ".." segment occurs: only where a '.' follows a '/'
 * (memchr finds the rare dots without a byte loop). */
static int has_dot_segment(const char *p, size_t n) {
  const char *dot = n ? memchr(p, '.', n) : NULL;
  while (dot) {
    size_t i = (size_t)(dot - p);
    if (i > 0 && p[i - 1] == '/' &&
        (i + 1 == n || p[i + 1] == '/' || (p[i + 1] == '.' && (i + 2 == n || p[i + 2] == '/'))))
      return 1;
    dot = i + 1 < n ? memchr(dot + 1, '.', n - i - 1) : NULL;
  }
  return 0;
}

/* Split path and query; normalise the path when the table says so. The
 * upstream path is the normalised path plus the original query. */
static int normalise_path(gwr_decision *d, const gwr_table *t, gwr__sv *path, gwr__sv *query,
                          int *has_query) {
  gwr_str raw = d->req.path;
  const char *q = raw.len ? memchr(raw.ptr, '?', raw.len) : NULL;
  size_t plen = q ? (size_t)(q - raw.ptr) : raw.len, n;
  *path = gwr__sv_make(raw.ptr, plen);
  *query = q ? gwr__sv_make(q + 1, raw.len - plen - 1) : gwr__sv_make(NULL, 0);
  *has_query = q != NULL;
  d->up_path = raw;
  if (t->opt.path_normalize != GWR_PATH_NORMALIZE_DOT_SEGMENTS || plen == 0 || raw.ptr[0] != '/' ||
      !has_dot_segment(raw.ptr, plen))
    return 1;
  if (raw.len + 2 > d->path_cap) return 0;
  n = remove_dot_segments(raw.ptr, plen, d->path_buf);
  *path = gwr__sv_make(d->path_buf, n);
  if (q) {
    memcpy(d->path_buf + n, q, raw.len - plen);
    n += raw.len - plen;
  }
  d->up_path.ptr = d->path_buf;
  d->up_path.len = n;
  return 1;
}

/* ---- predicates ------------------------------------------------------------ */

/* H8: all values of a header, joined with ','. Returns 0 when absent. */
static int header_value(gwr_decision *d, gwr__sv name, gwr__sv *out) {
  size_t i, n = 0, found = 0;
  for (i = 0; i < d->req.header_count; i++) {
    const gwr_header *h = &d->req.headers[i];
    if (!gwr__sv_casecmp_eq(h->name, name)) continue;
    if (found == 0) *out = h->value;
    if (found == 1) { /* second occurrence: start joining in scratch */
      if (out->len > d->join_cap) return 0;
      memcpy(d->join_buf, out->ptr, out->len);
      n = out->len;
    }
    if (found >= 1) {
      if (n + 1 + h->value.len > d->join_cap) return 0; /* too long: no match */
      d->join_buf[n++] = ',';
      memcpy(d->join_buf + n, h->value.ptr, h->value.len);
      n += h->value.len;
      *out = gwr__sv_make(d->join_buf, n);
    }
    found++;
  }
  if (found == 1 && out->len > d->join_cap) return 0; /* longer values never match */
  return found > 0;
}

/* H9: the first occurrence of a query parameter (no percent-decoding). */
static int query_value(gwr__sv query, gwr__sv name, gwr__sv *out) {
  size_t i = 0;
  while (i <= query.len && query.len) {
    size_t end = i, eq;
    while (end < query.len && query.ptr[end] != '&') end++;
    for (eq = i; eq < end && query.ptr[eq] != '='; eq++) {
    }
    if (eq - i == name.len && memcmp(query.ptr + i, name.ptr, name.len) == 0) {
      *out = eq < end ? gwr__sv_make(query.ptr + eq + 1, end - eq - 1) : gwr__sv_make(query.ptr + eq, 0);
      return 1;
    }
    i = end + 1;
  }
  return 0;
}

static int value_matches(gwr_decision *d, const gwr__pred *p, gwr__sv v) {
  if (p->re) return gwr__regex_match(d->rx_env, p->re, d->rx, v.ptr, v.len);
  return gwr__sv_eq(p->value, v);
}

static int entry_matches(gwr_decision *d, const gwr__entry *e, gwr__sv path, gwr__sv query) {
  uint32_t i;
  gwr__sv v = {NULL, 0};
  if (e->method && e->method != d->method_code) return 0;
  for (i = 0; i < e->header_count; i++)
    if (!header_value(d, e->headers[i].name, &v) || !value_matches(d, &e->headers[i], v)) return 0;
  for (i = 0; i < e->query_count; i++)
    if (!query_value(query, e->queries[i].name, &v) || !value_matches(d, &e->queries[i], v)) return 0;
  if (e->path_re && !gwr__regex_match(d->rx_env, e->path_re, d->rx, path.ptr, path.len)) return 0;
  return 1;
}

/* ---- trie walk ---------------------------------------------------------------- */

typedef struct search {
  gwr_decision *d;
  const gwr__tlistener *tl;
  gwr__sv path, query;
  int has_query;
  uint32_t best;                /* rank of the best entry so far, GWR_NONE */
  uint32_t best_index;          /* its index in entries */
} search;

static void take(search *s, uint32_t index) {
  s->best = s->tl->entries[index].rank;
  s->best_index = index;
}

/* Lists are in rank order: the first passing entry is the list's best. */
static void scan_list(search *s, gwr__list l) {
  uint32_t i;
  for (i = 0; i < l.count; i++) {
    uint32_t index = s->tl->order[l.first + i];
    const gwr__entry *e = &s->tl->entries[index];
    if (e->rank >= s->best) return;
    if (entry_matches(s->d, e, s->path, s->query)) {
      take(s, index);
      return;
    }
  }
}

/* H3/H4 on one entry (regexes are checked with the other predicates). */
static int path_matches(const gwr__entry *e, gwr__sv path) {
  if (e->list == GWR_LIST_REGEX) return 1;
  if (path.len == 0 || path.ptr[0] != '/') return 0;
  if (e->list == GWR_LIST_EXACT) return gwr__sv_eq(e->path, path);
  /* lengths and the boundary byte (request memory) before the entry's bytes */
  return e->path.len == 0 || (path.len >= e->path.len &&
                              (path.len == e->path.len || path.ptr[e->path.len] == '/') &&
                              memcmp(path.ptr, e->path.ptr, e->path.len) == 0);
}

/* A small bucket: its entries, contiguous and in rank order. */
static void scan_linear(search *s, const gwr__bucket *b) {
  uint32_t i;
  for (i = b->first; i < b->first + b->count; i++) {
    const gwr__entry *e = &s->tl->entries[i];
    if (e->rank >= s->best) return;
    if (path_matches(e, s->path) && entry_matches(s->d, e, s->path, s->query)) {
      take(s, i);
      return;
    }
  }
}

/* Walk the path's segments from the bucket root: every node reached offers
 * its PathPrefix and regex lists; the last one, its Exact list. */
static void scan_bucket(search *s, uint32_t b) {
  const gwr__tlistener *tl = s->tl;
  uint32_t node = tl->buckets[b].root;
  size_t i = 1;
  if (tl->buckets[b].count <= GWR_LINEAR_BUCKET) {
    scan_linear(s, &tl->buckets[b]);
    return;
  }
  scan_list(s, tl->nodes[node].lists[GWR_LIST_REGEX]);
  if (s->path.len == 0 || s->path.ptr[0] != '/') return;
  scan_list(s, tl->nodes[node].lists[GWR_LIST_PREFIX]);
  for (;;) {
    size_t start = i;
    while (i < s->path.len && s->path.ptr[i] != '/') i++;
    node = gwr__hmap_get(&tl->children, s->path.ptr + start, i - start, node);
    if (node == GWR_NONE) return;
    scan_list(s, tl->nodes[node].lists[GWR_LIST_PREFIX]);
    scan_list(s, tl->nodes[node].lists[GWR_LIST_REGEX]);
    if (i >= s->path.len) break;
    i++;
    if (i == s->path.len) { /* trailing '/': an empty last segment */
      node = gwr__hmap_get(&tl->children, s->path.ptr + i, 0, node);
      if (node == GWR_NONE) return;
      break;
    }
  }
  scan_list(s, tl->nodes[node].lists[GWR_LIST_EXACT]);
}

/* Every bucket whose hostname matches: exact, each wildcard suffix, catch-all.
 * A bucket whose best entry ranks below the best found is skipped. */
static void scan_hosts(search *s, gwr__sv host, int host_ok) {
  const gwr__tlistener *tl = s->tl;
  size_t i;
  uint32_t b;
  if (host_ok && host.len) {
    b = gwr__hmap_get(&tl->exact_hosts, host.ptr, host.len, 0);
    if (b != GWR_NONE && tl->buckets[b].min_rank < s->best) scan_bucket(s, b);
    for (i = 1; tl->wild_lengths && i < host.len; i++)
      if (host.ptr[i] == '.' && (tl->wild_lengths >> ((host.len - i) % 64) & 1)) {
        b = gwr__hmap_get(&tl->wild_hosts, host.ptr + i, host.len - i, 0);
        if (b != GWR_NONE && tl->buckets[b].min_rank < s->best) scan_bucket(s, b);
      }
  }
  b = tl->any_bucket;
  if (b != GWR_NONE && tl->buckets[b].min_rank < s->best) scan_bucket(s, b);
}

/* ---- listener selection (A25, A26) ----------------------------------------------- */

/* exact hostname > longer wildcard > no hostname; GWR_NONE if none fits.
 * proto: the listener protocol the connection speaks (GWR_PROTO_*). */
static uint32_t pick_listener(const gwr_table *t, const gwr__tgateway *g, uint32_t port, int proto,
                              gwr__sv host, int host_ok) {
  uint32_t i, best = GWR_NONE, best_score = 0;
  for (i = 0; i < g->listener_count; i++) {
    const gwr__tlistener *tl = &t->listeners[g->first_listener + i];
    gwr__sv lh = tl->al->l->hostname;
    uint32_t score;
    if (tl->al->l->port != port || tl->al->l->protocol != proto || !tl->al->programmed) continue;
    if (lh.len && (!host_ok || !gwr__host_matches(lh, host))) continue;
    score = lh.len == 0 ? 1 : (lh.ptr[0] == '*' ? 2 + (uint32_t)lh.len : 1000 + (uint32_t)lh.len);
    if (score > best_score) {
      best_score = score;
      best = g->first_listener + i;
    }
  }
  return best;
}

/* ---- decisions ---------------------------------------------------------------------- */

/* content-type application/grpc, application/grpc+proto, ...;grpc... (media
 * types compare case-insensitively); not application/grpc-web */
static int is_grpc(const gwr_request *r) {
  static const gwr__sv ct = {"content-type", 12}, grpc = {"application/grpc", 16};
  size_t i;
  if (r->protocol == GWR_PROTOCOL_GRPC) return 1;
  for (i = 0; i < r->header_count; i++) {
    const gwr_header *h = &r->headers[i];
    if (h->name.len == 12 && gwr__sv_casecmp_eq(gwr__sv_make(h->name.ptr, 12), ct))
      return h->value.len >= 16 && gwr__sv_casecmp_eq(gwr__sv_make(h->value.ptr, 16), grpc) &&
             (h->value.len == 16 || h->value.ptr[16] == '+' || h->value.ptr[16] == ';');
  }
  return 0;
}

/* Whether the request is gRPC, decided on first need: reading every header
 * name costs cache misses a request for a listener without GRPCRoutes that
 * ends in a forward never needs to pay. */
static int grpc_request(gwr_decision *d) {
  if (d->grpc < 0) d->grpc = is_grpc(&d->req);
  return d->grpc;
}

/* The gRPC status a host sends for an HTTP status of ours: G5 (404 ->
 * UNIMPLEMENTED, an invalid backend's 500 -> UNAVAILABLE), otherwise the
 * gRPC project's HTTP-to-gRPC mapping. */
static int grpc_status_for(int status) {
  switch (status) {
    case 404: return 12;
    case 500: case 429: case 502: case 503: case 504: return 14;
    case 400: return 13;
    case 401: return 16;
    case 403: return 7;
    default: return 2;
  }
}

/* An answer instead of a forward; a TLS, TCP or UDP connection that no
 * route takes (or whose backend share is invalid) is rejected (L4, L7). */
static void respond(gwr_decision *d, int status, const char *reason) {
  d->reason = reason;
  if (d->layer4) {
    d->action = GWR_ACTION_REJECT;
    return;
  }
  d->action = GWR_ACTION_RESPOND;
  d->status = status;
  if (grpc_request(d)) d->grpc_status = grpc_status_for(status);
}

/* B1-B6: weighted choice; invalid backends keep their share as 500s. */
static const gwr__tbackend *choose_backend(gwr_decision *d, const gwr_table *t, const gwr__trule *r) {
  uint64_t v, pick;
  uint32_t i;
  if (r->backend_count == 0) {
    respond(d, 500, "rule has no backendRefs");
    return NULL;
  }
  if (r->total_weight == 0) {
    respond(d, t->opt.all_zero_status, "all backend weights are zero");
    return NULL;
  }
  i = 0;
  if (r->backend_count > 1) { /* one backend takes everything: nothing to hash */
    v = d->req.key.len ? gwr__hash(d->req.key.ptr, d->req.key.len, 0) : d->req.choice;
    pick = v % r->total_weight;
    for (; i + 1 < r->backend_count && pick >= r->backends[i].cumulative; i++) {
    }
  }
  d->backend = r->backends[i].ab;
  if (!r->backends[i].valid) {
    respond(d, 500, d->backend->message);
    return NULL;
  }
  d->action = GWR_ACTION_FORWARD;
  return &r->backends[i];
}

/* The matched rule's filters, backend, then the backend's filters (§3.5 6-8). */
static void finish(gwr_decision *d, const gwr_table *t, const gwr__entry *e, const search *s,
                   gwr__sv host) {
  const gwr__trule *r = gwr__trule_at(t, e->rule_id);
  const gwr__tbackend *tb;
  gwr__match_view mv;
  mv.path = s->path;
  mv.query = s->query;
  mv.has_query = s->has_query;
  mv.host = host;
  mv.prefix = e->list == GWR_LIST_PREFIX ? e->path : gwr__sv_make("", 0); /* F21: Pn */
  mv.path_re = e->path_re;
  d->trule = r;
  if (r->direct_status) { /* lowered from an Ingress: ingress-nginx answers itself */
    respond(d, (int)r->direct_status, "ingress-nginx default backend");
    return;
  }
  if (gwr__filters_preflight(d, r->filters) || !gwr__filters_apply(d, 0, r->filters, &mv)) return;
  tb = choose_backend(d, t, r);
  if (tb && !gwr__filters_preflight(d, tb->filters)) gwr__filters_apply(d, 1, tb->filters, &mv);
}

/* A gRPC request tries the listener's GRPCRoutes, then its HTTPRoutes
 * (after G6 they share no hostname unless the option turned it off). */
static void route_on_listener(gwr_decision *d, const gwr_table *t, uint32_t li, gwr__sv host,
                              int host_ok) {
  search s;
  s.d = d;
  s.best = GWR_NONE;
  d->listener = &t->listeners[li];
  if (!normalise_path(d, t, &s.path, &s.query, &s.has_query)) {
    respond(d, 400, "request path too long to normalise");
    return;
  }
  if (t->grpc[li].entry_count && grpc_request(d)) {
    s.tl = &t->grpc[li];
    scan_hosts(&s, host, host_ok);
  }
  if (s.best == GWR_NONE) {
    s.tl = &t->listeners[li];
    scan_hosts(&s, host, host_ok);
  }
  if (s.best == GWR_NONE) {
    respond(d, 404, d->layer4 ? "no route takes this connection" : "no route matched");
    return;
  }
  {
    const gwr__entry *e = &s.tl->entries[s.best_index];
    d->route = &t->att.routes[e->route];
    d->rule = (int32_t)e->rule;
    d->match = (int32_t)e->match;
    finish(d, t, e, &s, host);
  }
}

static void reset(gwr_decision *d) {
  d->trule = NULL;
  d->fl[0] = d->fl[1] = NULL;
  d->mirror_mask[0] = d->mirror_mask[1] = 0;
  d->cors_op_count = 0;
  d->own_count = 0;
  d->location.ptr = "";
  d->location.len = 0;
  d->action = GWR_ACTION_NONE;
  d->status = 0;
  d->grpc_status = -1;
  d->listener = NULL;
  d->route = NULL;
  d->rule = d->match = -1;
  d->backend = NULL;
  d->reason = "";
  d->grpc = d->layer4 = 0;
}

static const gwr__tgateway *find_gateway(const gwr_table *t, gwr_str name) {
  uint32_t g;
  if (name.len == 0) return t->gateway_count == 1 ? &t->gateways[0] : NULL;
  g = gwr__hmap_get(&t->gateway_index, name.ptr, name.len, 0);
  return g == GWR_NONE ? NULL : &t->gateways[g];
}

static int is_https(gwr_str scheme) {
  return scheme.len == 5 && memcmp(scheme.ptr, "https", 5) == 0;
}

/* A26: the listener is chosen by SNI; a Host that belongs to another
 * listener of the port is misdirected (421); one no listener takes is 404. */
static void match_https(gwr_decision *d, const gwr_table *t, const gwr__tgateway *g, uint32_t port,
                        gwr__sv host, int host_ok) {
  gwr__sv sni;
  int sni_ok = normalise_host(d->sni_buf, d->req.sni.len ? d->req.sni : d->req.host, &sni);
  uint32_t li = pick_listener(t, g, port, GWR_PROTO_HTTPS, sni, sni_ok), by_host;
  if (li == GWR_NONE) {
    d->action = GWR_ACTION_REJECT;
    d->reason = "no listener for the TLS server name";
    return;
  }
  by_host = pick_listener(t, g, port, GWR_PROTO_HTTPS, host, host_ok);
  if (by_host == GWR_NONE) {
    respond(d, 404, "no listener matches the host");
  } else if (by_host != li) {
    d->listener = &t->listeners[li];
    respond(d, 421, "misdirected request: the host belongs to another listener");
  } else {
    route_on_listener(d, t, li, host, host_ok);
  }
}

/* L3, L5, L8: a TLS connection by its SNI (TLS listeners), a TCP or UDP
 * one by its port alone; the path is "/" so every route's catch-all match
 * applies and only hostnames and precedence decide. */
static void match_layer4(gwr_decision *d, const gwr_table *t, const gwr__tgateway *g, uint32_t port) {
  static const char root[] = "/";
  gwr__sv sni = gwr__sv_make("", 0);
  int sni_ok = 1, proto = d->req.protocol == GWR_PROTOCOL_TLS   ? GWR_PROTO_TLS
                          : d->req.protocol == GWR_PROTOCOL_TCP ? GWR_PROTO_TCP
                                                                : GWR_PROTO_UDP;
  uint32_t li;
  d->layer4 = 1;
  d->up_host.ptr = root + 1; /* a stream has no Host: "" */
  d->up_host.len = 0;
  if (proto == GWR_PROTO_TLS) sni_ok = normalise_host(d->sni_buf, d->req.sni, &sni);
  li = pick_listener(t, g, port, proto, sni, sni_ok);
  if (li == GWR_NONE) {
    respond(d, 0, proto == GWR_PROTO_TLS ? "no TLS listener for the server name on this port"
                                         : "no listener for this port and protocol");
    return;
  }
  d->req.path.ptr = root;
  d->req.path.len = 1;
  route_on_listener(d, t, li, sni, sni_ok);
}

int gwr_match(gwr_decision *d, const gwr_table *t, const gwr_request *req) {
  const gwr__tgateway *g;
  gwr__sv host;
  int host_ok, https;
  uint32_t port, li;
  if (!d || !t || !req || gwr__request_copy(&d->req, req) != GWR_OK) return GWR_E_INVALID;
  if (d->join_cap < t->opt.max_header_bytes) return GWR_E_LIMIT;
  reset(d);
  d->rx_env = t->rx;
  d->method_code = gwr__method_code(d->req.method);
  if (!(g = find_gateway(t, d->req.gateway))) return GWR_E_NOTFOUND;
  https = is_https(d->req.scheme);
  port = d->req.port ? d->req.port : (https || d->req.protocol == GWR_PROTOCOL_TLS ? 443 : 80);
  if (d->req.protocol >= GWR_PROTOCOL_TLS) {
    match_layer4(d, t, g, port);
    return GWR_OK;
  }
  d->grpc = d->req.protocol == GWR_PROTOCOL_GRPC ? 1 : -1; /* -1: look at content-type when needed */
  host_ok = normalise_host(d->host_buf, d->req.host, &host);
  d->up_host = d->req.host;
  if (https) {
    match_https(d, t, g, port, host, host_ok);
    return GWR_OK;
  }
  li = pick_listener(t, g, port, GWR_PROTO_HTTP, host, host_ok);
  if (li == GWR_NONE)
    respond(d, 404, "no listener matches the host");
  else
    route_on_listener(d, t, li, host, host_ok);
  return GWR_OK;
}
