/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lint.c - gwr_lint(): shadowing and conflict analysis of a compiled table
 * (docs/lint.md).
 *
 * Findings:
 *   unreachable             a match entry some higher-ranked entry of the
 *                           same host bucket always beats (A covers B)
 *   partially-shadowed      two overlapping entries of equal specificity
 *                           whose order is only a tie-break (age, name, order)
 *   grpc-hostname-conflict  G6: an HTTPRoute/GRPCRoute pair sharing a hostname
 *   cross-namespace-hostname routes of different namespaces claiming one host
 *   zero-weight             rules whose backendRefs all weigh 0, backends
 *                           only ever referenced with weight 0
 *
 * Soundness over recall: coverage is only claimed where it is proven
 * (path forms below), and every finding about a match entry carries an
 * example request that gwr_match() itself routed as claimed; a finding
 * whose example cannot be confirmed is dropped. The work is bounded: an
 * entry is compared with at most LINT_WINDOW entries ranked before it in
 * its bucket.
 */
#include <stdio.h>
#include <stdlib.h>

#include "decision.h"
#include "report.h"

#define LINT_WINDOW 512       /* earlier entries of a bucket an entry is compared with */
#define LINT_PAIR_CAP 20000   /* (route, route, hostname) claims per listener for the hostname check */
#define LINT_LIST_CAP 8       /* covering entries named in one rule finding */

enum { SEV_ERROR = 0, SEV_WARNING = 1 };

/* ---- findings ---------------------------------------------------------------- */

typedef struct lint_hdr {
  const char *name, *value;
} lint_hdr;

typedef struct lint_example {
  int set;
  const char *gateway;
  uint32_t port;
  const char *scheme;
  int32_t protocol;             /* GWR_PROTOCOL_* */
  const char *host, *path, *method;
  lint_hdr *headers;
  size_t header_count;
  /* what gwr_match() did with it */
  int routed;                   /* a route took it */
  const char *route;            /* "HTTPRoute ns/name" */
  int rule, match;
  int action, status;
} lint_example;

typedef struct finding {
  int severity;
  const char *kind;
  const char *message;
  const char **lines;           /* detail lines (text) */
  size_t line_count, line_cap;
  const char **objects, **fields; /* parallel: fields[i] is a field of objects[i] */
  size_t object_count, object_cap;
  const char *listener, *hostname;
  lint_example ex;
  uint32_t sort_rule, sort_match;
  size_t seq;
} finding;

/* ---- the run ------------------------------------------------------------------ */

typedef struct ekey {           /* the §3.1 / §3.2 key of one entry, recomputed */
  uint32_t hp, ht, pclass, plen, mrank, hdr, qry;
  int unsure;                   /* the hostname scores are not known for certain */
} ekey;

typedef struct rx_shape {       /* what a path regex provably looks like */
  int ok;                       /* no alternation: every match starts with lit */
  int pure;                     /* the pattern is lit alone */
  int dotstar;                  /* the pattern is lit followed by ".*" */
  char *lit;
  size_t len;
} rx_shape;

typedef struct pending {        /* an unreachable entry of the bucket at hand */
  uint32_t b, a;                /* entry indexes: covered, covering */
  uint32_t route, rule, match;  /* b's */
  lint_example ex;
} pending;

typedef struct lctx {
  const gwr_table *t;
  const gwr__alloc *alloc;
  gwr__arena ar;
  gwr__vec findings;            /* finding */
  gwr_decision *d;
  gwr__regex_scratch *rx;
  int nomem;
  /* the bucket at hand */
  uint32_t li;
  int grpc_plane;
  const gwr__tlistener *tl;
  const char **bucket_host;     /* per bucket of tl: its hostname pattern */
  ekey *keys;                   /* per entry of the bucket */
  rx_shape *shapes;             /* per entry of the bucket (path regexes) */
  gwr__vec pend;                /* pending */
} lctx;

static char *ap(lctx *c, const char *fmt, ...) GWR_PRINTF(2, 3);
static char *ap(lctx *c, const char *fmt, ...) {
  char small[256], *out;
  va_list va;
  int n;
  va_start(va, fmt);
  n = vsnprintf(small, sizeof small, fmt, va);
  va_end(va);
  if (n < 0) return (char *)"";
  out = gwr__arena_alloc(&c->ar, (size_t)n + 1);
  if (!out) {
    c->nomem = 1;
    return (char *)"";
  }
  va_start(va, fmt);
  vsnprintf(out, (size_t)n + 1, fmt, va);
  va_end(va);
  return out;
}

static char *dup_sv(lctx *c, gwr__sv s) {
  char *p = gwr__arena_strndup(&c->ar, s.ptr ? s.ptr : "", s.len);
  if (!p) {
    c->nomem = 1;
    return (char *)"";
  }
  return p;
}

static int grow_list(lctx *c, const char ***list, size_t count, size_t *cap, const char ***list2) {
  size_t ncap = *cap ? *cap * 2 : 4;
  const char **n1, **n2 = NULL;
  if (count < *cap) return 1;
  n1 = gwr__arena_array(&c->ar, ncap, sizeof *n1);
  if (list2) n2 = gwr__arena_array(&c->ar, ncap, sizeof *n2);
  if (!n1 || (list2 && !n2)) {
    c->nomem = 1;
    return 0;
  }
  if (count) memcpy(n1, *list, count * sizeof *n1);
  if (list2 && count) memcpy(n2, *list2, count * sizeof *n2);
  *list = n1;
  if (list2) *list2 = n2;
  *cap = ncap;
  return 1;
}

static finding *new_finding(lctx *c, int severity, const char *kind) {
  finding *f = gwr__vec_push(&c->findings, c->alloc);
  if (!f) {
    c->nomem = 1;
    return NULL;
  }
  f->severity = severity;
  f->kind = kind;
  f->message = "";
  f->listener = "";
  f->hostname = "";
  f->seq = c->findings.len;
  return f;
}

static void add_line(lctx *c, finding *f, const char *line) {
  if (grow_list(c, &f->lines, f->line_count, &f->line_cap, NULL)) f->lines[f->line_count++] = line;
}

static void add_object(lctx *c, finding *f, const char *object, const char *field) {
  if (grow_list(c, &f->objects, f->object_count, &f->object_cap, &f->fields)) {
    f->objects[f->object_count] = object;
    f->fields[f->object_count++] = field;
  }
}

/* ---- names ---------------------------------------------------------------------- */

static const char *route_label(lctx *c, uint32_t route) {
  const gwr__att_route *ar = &c->t->att.routes[route];
  return ap(c, "%s %s/%s", ar->kind, ar->r->meta.ns.ptr, ar->r->meta.name.ptr);
}

static const gwr__match *entry_match(const lctx *c, const gwr__entry *e) {
  return &c->t->att.routes[e->route].r->rules[e->rule].matches[e->match];
}

static const char *match_field(lctx *c, const gwr__entry *e) {
  if (c->t->att.routes[e->route].r->kind >= GWR_ROUTE_TLS) /* no matches in TLS, TCP, UDP routes */
    return ap(c, "spec.rules[%u]", (unsigned)e->rule);
  return ap(c, "spec.rules[%u].matches[%u]", (unsigned)e->rule, (unsigned)e->match);
}

static const char *path_type_name(int type) {
  return type == GWR_PATH_EXACT ? "Exact" : type == GWR_PATH_REGEX ? "RegularExpression" : "PathPrefix";
}

/* "PathPrefix /api, method GET, header X-Debug=true, query v=2" */
static const char *match_desc(lctx *c, const gwr__entry *e) {
  const gwr__match *m = entry_match(c, e);
  char *s;
  size_t i;
  if (c->t->att.routes[e->route].r->kind >= GWR_ROUTE_TLS) return "all connections";
  if (c->t->att.routes[e->route].r->kind == GWR_ROUTE_GRPC)
    s = !m->grpc.set ? ap(c, "any method")
        : ap(c, "%smethod %s/%s", m->grpc.type == GWR_VALUE_REGEX ? "regex " : "",
             m->grpc.service.len ? m->grpc.service.ptr : "*", m->grpc.method.len ? m->grpc.method.ptr : "*");
  else
    s = ap(c, "%s %s", path_type_name(m->path_type), m->path.ptr);
  if (m->method.len) s = ap(c, "%s, method %s", s, m->method.ptr);
  for (i = 0; i < m->header_count; i++)
    s = ap(c, "%s, header %s%s%s", s, m->headers[i].name.ptr,
           m->headers[i].type == GWR_VALUE_REGEX ? "~" : "=", m->headers[i].value.ptr);
  for (i = 0; i < m->query_count; i++)
    s = ap(c, "%s, query %s%s%s", s, m->queries[i].name.ptr,
           m->queries[i].type == GWR_VALUE_REGEX ? "~" : "=", m->queries[i].value.ptr);
  return s;
}

/* ---- regex shapes ----------------------------------------------------------------- */

static int is_alnum(char ch) {
  return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static int is_meta(char ch) {
  return ch == '\0' || strchr("\\^$.|?*+()[]{}", ch) != NULL;
}

static int is_quant(char ch) {
  return ch != '\0' && strchr("?*+{", ch) != NULL;
}

/* The literal every match of a full-match pattern starts with, and whether
 * the pattern is that literal alone or the literal then ".*". Only plain
 * characters and escaped punctuation count; anything else ends the literal;
 * any '|' makes the pattern unanalysable. */
static void rx_analyse(lctx *c, gwr__sv p, rx_shape *s) {
  size_t i = 0, n = p.len, l = 0;
  const char *rest;
  size_t rest_len;
  memset(s, 0, sizeof *s);
  s->lit = gwr__arena_alloc(&c->ar, n + 1);
  if (!s->lit) {
    c->nomem = 1;
    return;
  }
  if (memchr(p.ptr, '|', n)) return;
  if (i < n && p.ptr[i] == '^') i++;
  while (i < n) {
    char ch = p.ptr[i], lc;
    size_t step;
    if (ch == '\\') {
      if (i + 1 < n && !is_alnum(p.ptr[i + 1]) && (unsigned char)p.ptr[i + 1] > ' ' &&
          (unsigned char)p.ptr[i + 1] < 0x7f) {
        lc = p.ptr[i + 1];
        step = 2;
      } else {
        break;
      }
    } else if (is_meta(ch)) {
      break;
    } else {
      lc = ch;
      step = 1;
    }
    if (i + step < n && is_quant(p.ptr[i + step])) break;
    s->lit[l++] = lc;
    i += step;
  }
  s->len = l;
  s->ok = 1;
  rest = p.ptr + i;
  rest_len = n - i;
  s->pure = rest_len == 0 || (rest_len == 1 && rest[0] == '$');
  s->dotstar = (rest_len == 2 && memcmp(rest, ".*", 2) == 0) ||
               (rest_len == 3 && memcmp(rest, ".*$", 3) == 0);
}

static int rx_match(lctx *c, const gwr__regex *re, const char *p, size_t n) {
  return gwr__regex_match(c->t->rx, re, c->rx, p, n);
}

/* A string the regex fully matches, built from its literal, or NULL. */
static const char *rx_witness(lctx *c, const gwr__regex *re, gwr__sv pattern) {
  static const char *const tails[] = {"", "x", "/x", "0", "/", "a/b", "x/y/z", "1/a", "abc"};
  rx_shape s;
  size_t i;
  rx_analyse(c, pattern, &s);
  if (!s.lit) return NULL;
  for (i = 0; i < sizeof tails / sizeof *tails; i++) {
    const char *cand = ap(c, "%.*s%s", (int)s.len, s.lit, tails[i]);
    if (rx_match(c, re, cand, strlen(cand))) return cand;
  }
  return NULL;
}

/* ---- coverage ----------------------------------------------------------------------- */

static int starts_with(const char *p, size_t n, const char *q, size_t m) {
  return n >= m && memcmp(p, q, m) == 0;
}

/* Every path that starts with (q, n) is under PathPrefix p (stored without
 * its trailing '/'; empty = "/"). exact: the path is exactly q. */
static int under_prefix(gwr__sv p, const char *q, size_t n, int exact) {
  if (n == 0 || q[0] != '/') return 0;
  if (p.len == 0) return 1;
  if (!starts_with(q, n, p.ptr, p.len)) return 0;
  if (n > p.len && q[p.len] == '/') return 1;
  return exact && n == p.len;
}

static int path_covers(lctx *c, uint32_t ia, uint32_t ib) {
  const gwr__entry *a = &c->tl->entries[ia], *b = &c->tl->entries[ib];
  const rx_shape *sa = &c->shapes[ia], *sb = &c->shapes[ib];
  switch (a->list) {
    case GWR_LIST_EXACT:
      if (b->list == GWR_LIST_EXACT) return gwr__sv_eq(a->path, b->path);
      if (b->list == GWR_LIST_REGEX)
        return sb->ok && sb->pure && gwr__sv_eq(a->path, gwr__sv_make(sb->lit, sb->len));
      return 0;
    case GWR_LIST_PREFIX:
      if (b->list == GWR_LIST_EXACT) return under_prefix(a->path, b->path.ptr, b->path.len, 1);
      if (b->list == GWR_LIST_PREFIX) {
        if (b->path.len == 0) return a->path.len == 0;
        return under_prefix(a->path, b->path.ptr, b->path.len, 1);
      }
      return sb->ok && sb->len && under_prefix(a->path, sb->lit, sb->len, sb->pure);
    default: /* a regex */
      if (b->list == GWR_LIST_EXACT) return rx_match(c, a->path_re, b->path.ptr, b->path.len);
      if (b->list == GWR_LIST_PREFIX) {
        gwr__sv q = b->path.len ? b->path : gwr__sv_make("/", 1);
        return sa->ok && sa->dotstar && starts_with(q.ptr, q.len, sa->lit, sa->len);
      }
      if (gwr__sv_eq(a->path, b->path)) return 1;
      if (sb->ok && sb->pure) return rx_match(c, a->path_re, sb->lit, sb->len);
      return sa->ok && sa->dotstar && sb->ok && starts_with(sb->lit, sb->len, sa->lit, sa->len);
  }
}

static int pred_same(const gwr__pred *x, const gwr__pred *y, int fold) {
  return (fold ? gwr__sv_casecmp_eq(x->name, y->name) : gwr__sv_eq(x->name, y->name)) &&
         (x->re == NULL) == (y->re == NULL) && gwr__sv_eq(x->value, y->value);
}

/* Every predicate of a appears identically in b. */
static int preds_subset(const gwr__pred *a, uint32_t na, const gwr__pred *b, uint32_t nb, int fold) {
  uint32_t i, j;
  for (i = 0; i < na; i++) {
    for (j = 0; j < nb && !pred_same(&a[i], &b[j], fold); j++) {
    }
    if (j == nb) return 0;
  }
  return 1;
}

static int method_covers(lctx *c, uint32_t ia, uint32_t ib) {
  const gwr__match *ma = entry_match(c, &c->tl->entries[ia]), *mb = entry_match(c, &c->tl->entries[ib]);
  if (c->tl->entries[ia].method == 0) return 1;
  return gwr__sv_eq(ma->method, mb->method) && c->tl->entries[ia].method == c->tl->entries[ib].method;
}

/* a matches every request b matches */
static int covers(lctx *c, uint32_t ia, uint32_t ib) {
  const gwr__entry *a = &c->tl->entries[ia], *b = &c->tl->entries[ib];
  if (a->route == b->route && a->rule == b->rule && a->match == b->match) return 0; /* itself, another host */
  return method_covers(c, ia, ib) &&
         preds_subset(a->headers, a->header_count, b->headers, b->header_count, 1) &&
         preds_subset(a->queries, a->query_count, b->queries, b->query_count, 0) &&
         path_covers(c, ia, ib);
}

/* ---- the precedence key and why one entry ranks first ------------------------------ */

static const gwr__binding *find_binding(const lctx *c, uint32_t route, uint32_t li) {
  const gwr__attach *att = &c->t->att;
  size_t lo = 0, hi = att->binding_count;
  while (lo < hi) { /* bindings are ordered by listener, then route */
    size_t mid = lo + (hi - lo) / 2;
    const gwr__binding *b = &att->bindings[mid];
    if (b->listener < li || (b->listener == li && b->route < route))
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < att->binding_count && att->bindings[lo].listener == li && att->bindings[lo].route == route)
    return &att->bindings[lo];
  for (lo = 0; lo < att->binding_count; lo++) /* not sorted as expected: search */
    if (att->bindings[lo].listener == li && att->bindings[lo].route == route) return &att->bindings[lo];
  return NULL;
}

static void key_of(lctx *c, uint32_t index, const char *host, ekey *k) {
  const gwr__entry *e = &c->tl->entries[index];
  const gwr__match *m = entry_match(c, e);
  const gwr__binding *b = find_binding(c, e->route, c->li);
  size_t h;
  memset(k, 0, sizeof *k);
  int found = 0;
  k->unsure = 1;
  for (h = 0; b && h < b->host_count; h++)
    if (gwr__sv_casecmp_eq(b->hosts[h].name, gwr__sv_cstr(host))) {
      if (found && (k->hp != b->hosts[h].precise_len || k->ht != b->hosts[h].total_len)) {
        k->unsure = 1; /* two route hostnames give this bucket: which entry is which is unknown */
        break;
      }
      k->hp = b->hosts[h].precise_len;
      k->ht = b->hosts[h].total_len;
      k->unsure = 0;
      found = 1;
    }
  k->pclass = m->path_type == GWR_PATH_EXACT ? 0
              : m->path_type == GWR_PATH_REGEX
                  ? (c->t->opt.regex_order == GWR_REGEX_ORDER_ISTIO ? 2 : 1)
                  : (c->t->opt.regex_order == GWR_REGEX_ORDER_ISTIO ? 1 : 2);
  k->plen = (uint32_t)m->path.len;
  k->mrank = m->method.len > 0;
  if (c->grpc_plane) {
    k->pclass = 0;
    k->plen = (uint32_t)m->grpc.service.len;
    k->mrank = (uint32_t)m->grpc.method.len;
  }
  k->hdr = (uint32_t)m->header_count;
  k->qry = (uint32_t)m->query_count;
}

/* Two entries no request satisfies together, decided cheaply before an
 * example is built: different Exact paths or methods, or one Exact header
 * (query) name with different values. */
static int preds_clash(const gwr__pred *a, size_t na, const gwr__pred *b, size_t nb, int fold) {
  size_t i, k;
  for (i = 0; i < na; i++)
    for (k = 0; k < nb; k++)
      if (!a[i].re && !b[k].re &&
          (fold ? gwr__sv_casecmp_eq(a[i].name, b[k].name) : gwr__sv_eq(a[i].name, b[k].name)) &&
          !gwr__sv_eq(a[i].value, b[k].value))
        return 1;
  return 0;
}

static int disjoint(const gwr__entry *a, const gwr__entry *b) {
  if (a->list == GWR_LIST_EXACT && b->list == GWR_LIST_EXACT && !gwr__sv_eq(a->path, b->path)) return 1;
  if (a->method && b->method && a->method != b->method) return 1;
  return preds_clash(a->headers, a->header_count, b->headers, b->header_count, 1) ||
         preds_clash(a->queries, a->query_count, b->queries, b->query_count, 0);
}

static int keys_equal(const ekey *a, const ekey *b) {
  return !a->unsure && !b->unsure && a->hp == b->hp && a->ht == b->ht && a->pclass == b->pclass && a->plen == b->plen &&
         a->mrank == b->mrank && a->hdr == b->hdr && a->qry == b->qry;
}

static const char *rank_reason(lctx *c, uint32_t ia, uint32_t ib) {
  const ekey *a = &c->keys[ia], *b = &c->keys[ib];
  const gwr__entry *ea = &c->tl->entries[ia], *eb = &c->tl->entries[ib];
  const gwr__meta *ma = &c->t->att.routes[ea->route].r->meta, *mb = &c->t->att.routes[eb->route].r->meta;
  if (a->hp != b->hp || a->ht != b->ht) return "more specific route hostname";
  if (a->pclass != b->pclass) return "path match type";
  if (a->plen != b->plen) return c->grpc_plane ? "longer service" : "longer path";
  if (a->mrank != b->mrank) return c->grpc_plane ? "longer method" : "method match";
  if (a->hdr != b->hdr) return "more header matches";
  if (a->qry != b->qry) return "more query matches";
  if (ea->route != eb->route) {
    if (ma->created != mb->created) return "older route";
    return "namespace/name sorts first";
  }
  if (ea->rule != eb->rule) return "earlier rule";
  return "earlier match";
}

/* ---- example requests ---------------------------------------------------------------- */

static const gwr__tgateway *gateway_of(const gwr_table *t, uint32_t li) {
  uint32_t g;
  for (g = 0; g < t->gateway_count; g++)
    if (li >= t->gateways[g].first_listener &&
        li < t->gateways[g].first_listener + t->gateways[g].listener_count)
      return &t->gateways[g];
  return NULL;
}

/* A request host that lands in the bucket with hostname pattern h. */
static const char *host_for(lctx *c, uint32_t li, const char *h) {
  const gwr__listener *l = c->t->att.listeners[li].l;
  if (h[0] == '*') return ap(c, "lint-example%s", h + 1);
  if (h[0]) return h;
  if (l->hostname.len && l->hostname.ptr[0] == '*') return ap(c, "lint-example%s", l->hostname.ptr + 1);
  if (l->hostname.len) return dup_sv(c, l->hostname);
  return "lint.example.invalid";
}

/* The request's frame: gateway, port, scheme, protocol and host. */
static int example_frame(lctx *c, lint_example *ex, uint32_t li, const char *host, int grpc) {
  const gwr__listener *l = c->t->att.listeners[li].l;
  const gwr__tgateway *g = gateway_of(c->t, li);
  if (!g) return 0;
  memset(ex, 0, sizeof *ex);
  ex->gateway = g->key;
  ex->port = l->port;
  ex->host = host;
  ex->method = "GET";
  ex->path = "/";
  switch (l->protocol) {
    case GWR_PROTO_HTTP: ex->scheme = "http"; break;
    case GWR_PROTO_HTTPS: ex->scheme = "https"; break;
    case GWR_PROTO_TLS: ex->protocol = GWR_PROTOCOL_TLS; ex->scheme = ""; break;
    case GWR_PROTO_TCP: ex->protocol = GWR_PROTOCOL_TCP; ex->scheme = ""; ex->host = ""; break;
    case GWR_PROTO_UDP: ex->protocol = GWR_PROTOCOL_UDP; ex->scheme = ""; ex->host = ""; break;
    default: return 0;
  }
  if (grpc && ex->protocol == GWR_PROTOCOL_HTTP) {
    ex->protocol = GWR_PROTOCOL_GRPC;
    ex->method = "POST";
  }
  ex->set = 1;
  return 1;
}

static void ex_add_header(lctx *c, lint_example *ex, const char *name, const char *value) {
  lint_hdr *n = gwr__arena_array(&c->ar, ex->header_count + 1, sizeof *n);
  if (!n) {
    c->nomem = 1;
    return;
  }
  if (ex->header_count) memcpy(n, ex->headers, ex->header_count * sizeof *n);
  n[ex->header_count].name = name;
  n[ex->header_count++].value = value;
  ex->headers = n;
}

/* A value satisfying every predicate of the list named name (headers
 * case-insensitively), or NULL. */
static const char *pred_value(lctx *c, const gwr__pred *const *ps, size_t n) {
  size_t i, j;
  for (i = 0; i < n; i++) { /* candidates: each exact value, then each regex's witness */
    const char *cand = ps[i]->re ? rx_witness(c, ps[i]->re, ps[i]->value) : dup_sv(c, ps[i]->value);
    if (!cand) continue;
    for (j = 0; j < n; j++) {
      const gwr__pred *p = ps[j];
      if (p->re ? !rx_match(c, p->re, cand, strlen(cand)) : !gwr__sv_eq_cstr(p->value, cand)) break;
    }
    if (j == n) return cand;
  }
  return NULL;
}

/* Headers and query parameters that satisfy both entries (b may be NULL). */
static int example_preds(lctx *c, lint_example *ex, const gwr__entry *a, const gwr__entry *b,
                         int query) {
  const gwr__pred *all[512], *same[512];
  size_t n = 0, i, j, k;
  char *qs = NULL;
  const gwr__entry *es[2];
  es[0] = a;
  es[1] = b;
  for (k = 0; k < 2; k++) {
    uint32_t cnt;
    const gwr__pred *ps;
    if (!es[k]) continue;
    cnt = query ? es[k]->query_count : es[k]->header_count;
    ps = query ? es[k]->queries : es[k]->headers;
    for (i = 0; i < cnt; i++) all[n++] = &ps[i];
  }
  for (i = 0; i < n; i++) {
    size_t m = 0;
    const char *v;
    for (j = 0; j < i; j++) /* first of its name only */
      if (query ? gwr__sv_eq(all[j]->name, all[i]->name) : gwr__sv_casecmp_eq(all[j]->name, all[i]->name))
        break;
    if (j < i) continue;
    for (j = i; j < n; j++)
      if (query ? gwr__sv_eq(all[j]->name, all[i]->name) : gwr__sv_casecmp_eq(all[j]->name, all[i]->name))
        same[m++] = all[j];
    if (!(v = pred_value(c, same, m))) return 0;
    if (query)
      qs = ap(c, "%s%s%s=%s", qs ? qs : "", qs ? "&" : "", dup_sv(c, all[i]->name), v);
    else
      ex_add_header(c, ex, dup_sv(c, all[i]->name), v);
  }
  if (query && qs) ex->path = ap(c, "%s?%s", ex->path, qs);
  return 1;
}

/* A path entry e matches (NULL when none is known). */
static const char *entry_path(lctx *c, uint32_t index) {
  const gwr__entry *e = &c->tl->entries[index];
  if (e->list == GWR_LIST_EXACT) return dup_sv(c, e->path);
  if (e->list == GWR_LIST_PREFIX) return e->path.len ? dup_sv(c, e->path) : "/";
  return rx_witness(c, e->path_re, e->path);
}

/* Method for both (b may be NULL); NULL when they conflict. */
static const char *example_method(lctx *c, const gwr__entry *a, const gwr__entry *b) {
  const gwr__match *ma = entry_match(c, a), *mb = b ? entry_match(c, b) : NULL;
  if (ma->method.len && mb && mb->method.len && !gwr__sv_eq(ma->method, mb->method)) return NULL;
  if (ma->method.len) return ma->method.ptr;
  if (mb && mb->method.len) return mb->method.ptr;
  return NULL;
}

/* ---- running an example -------------------------------------------------------------- */

static int run_example(lctx *c, lint_example *ex) {
  gwr_request req = GWR_REQUEST_INIT;
  gwr_header *hs = gwr__arena_array(&c->ar, ex->header_count + 1, sizeof *hs);
  size_t i;
  if (!hs) {
    c->nomem = 1;
    return 0;
  }
  req.gateway = gwr__sv_cstr(ex->gateway);
  req.port = ex->port;
  req.protocol = ex->protocol;
  req.method = gwr__sv_cstr(ex->method);
  req.scheme = gwr__sv_cstr(ex->scheme);
  req.host = gwr__sv_cstr(ex->host);
  if (ex->protocol == GWR_PROTOCOL_TLS || (ex->scheme && strcmp(ex->scheme, "https") == 0))
    req.sni = req.host;
  req.path = gwr__sv_cstr(ex->path);
  for (i = 0; i < ex->header_count; i++) {
    hs[i].name = gwr__sv_cstr(ex->headers[i].name);
    hs[i].value = gwr__sv_cstr(ex->headers[i].value);
  }
  req.headers = hs;
  req.header_count = ex->header_count;
  if (gwr_match(c->d, c->t, &req) != GWR_OK) return 0;
  ex->action = c->d->action;
  ex->status = c->d->status;
  ex->routed = c->d->route != NULL;
  if (ex->routed) {
    ex->route = route_label(c, (uint32_t)(c->d->route - c->t->att.routes));
    ex->rule = c->d->rule;
    ex->match = c->d->match;
  }
  return 1;
}

static int routed_by(const lctx *c, const gwr__entry *e) {
  return c->d->route == &c->t->att.routes[e->route] && c->d->rule == (int32_t)e->rule &&
         c->d->match == (int32_t)e->match;
}

/* Whether e matches the example (match.c's rules, on the example's own
 * headers, H8-joined; paths with dot segments are refused). */
static int entry_accepts(lctx *c, const gwr__entry *e, const lint_example *ex) {
  const char *q = strchr(ex->path, '?');
  gwr__sv path = gwr__sv_make(ex->path, q ? (size_t)(q - ex->path) : strlen(ex->path));
  gwr__sv query = q ? gwr__sv_cstr(q + 1) : gwr__sv_make("", 0);
  uint32_t i;
  size_t j;
  for (j = 0; j < path.len; j++) /* a "." or ".." segment: the matcher may normalise it; say no */
    if (path.ptr[j] == '.' && j > 0 && path.ptr[j - 1] == '/' &&
        (j + 1 == path.len || path.ptr[j + 1] == '/' ||
         (path.ptr[j + 1] == '.' && (j + 2 == path.len || path.ptr[j + 2] == '/'))))
      return 0;
  if (e->method && e->method != gwr__method_code(gwr__sv_cstr(ex->method))) return 0;
  if (e->list == GWR_LIST_REGEX) {
    if (!rx_match(c, e->path_re, path.ptr, path.len)) return 0;
  } else if (e->list == GWR_LIST_EXACT) {
    if (!gwr__sv_eq(e->path, path)) return 0;
  } else if (!under_prefix(e->path, path.ptr, path.len, 1) && !(e->path.len == 0 && path.len && path.ptr[0] == '/')) {
    return 0;
  }
  for (i = 0; i < e->header_count; i++) { /* H8: every value of the name, joined with ',' */
    const gwr__pred *p = &e->headers[i];
    const char *v = NULL;
    for (j = 0; j < ex->header_count; j++)
      if (gwr__sv_casecmp_eq(p->name, gwr__sv_cstr(ex->headers[j].name)))
        v = v ? ap(c, "%s,%s", v, ex->headers[j].value) : ex->headers[j].value;
    if (!v) return 0;
    if (p->re ? !rx_match(c, p->re, v, strlen(v)) : !gwr__sv_eq_cstr(p->value, v)) return 0;
  }
  for (i = 0; i < e->query_count; i++) {
    const gwr__pred *p = &e->queries[i];
    size_t at = 0, found = 0;
    gwr__sv v = {"", 0};
    while (query.len && at <= query.len && !found) {
      size_t end = at, eq;
      while (end < query.len && query.ptr[end] != '&') end++;
      for (eq = at; eq < end && query.ptr[eq] != '='; eq++) {
      }
      if (eq - at == p->name.len && memcmp(query.ptr + at, p->name.ptr, p->name.len) == 0) {
        v = eq < end ? gwr__sv_make(query.ptr + eq + 1, end - eq - 1) : gwr__sv_make("", 0);
        found = 1;
      }
      at = end + 1;
    }
    if (!found) return 0;
    if (p->re ? !rx_match(c, p->re, v.ptr, v.len) : !gwr__sv_eq(p->value, v)) return 0;
  }
  return 1;
}

/* An example for entry b (and a, when a must match too), in the bucket at hand. */
static int build_example(lctx *c, lint_example *ex, uint32_t ib, const uint32_t *ia, uint32_t bucket) {
  const gwr__entry *b = &c->tl->entries[ib], *a = ia ? &c->tl->entries[*ia] : NULL;
  const char *path = NULL, *method;
  const char *host = host_for(c, c->li, c->bucket_host[bucket]);
  if (!example_frame(c, ex, c->li, host, c->grpc_plane)) return 0;
  if (ex->protocol >= GWR_PROTOCOL_TLS) return 1;
  if (!ia || path_covers(c, *ia, ib))
    path = entry_path(c, ib);
  else if (path_covers(c, ib, *ia))
    path = entry_path(c, *ia);
  if (!path) return 0;
  ex->path = path;
  if (a && a->method && b->method && a->method != b->method) return 0;
  method = example_method(c, b, a);
  if (method) ex->method = method;
  if (c->grpc_plane) ex_add_header(c, ex, "content-type", "application/grpc");
  if (!example_preds(c, ex, b, a, 0) || !example_preds(c, ex, b, a, 1)) return 0;
  return entry_accepts(c, b, ex) && (!a || entry_accepts(c, a, ex));
}

/* ---- unreachable and partially shadowed ------------------------------------------------ */

static int pend_cmp(const void *x, const void *y) {
  const pending *p = x, *q = y;
  if (p->route != q->route) return p->route < q->route ? -1 : 1;
  if (p->rule != q->rule) return p->rule < q->rule ? -1 : 1;
  if (p->match != q->match) return p->match < q->match ? -1 : 1;
  return p->b < q->b ? -1 : (p->b > q->b);
}

static finding *unreachable_finding(lctx *c, uint32_t bucket, const pending *p) {
  finding *f = new_finding(c, SEV_ERROR, "unreachable");
  if (!f) return NULL;
  f->listener = c->t->att.listeners[c->li].full_name;
  f->hostname = c->bucket_host[bucket][0] ? c->bucket_host[bucket] : "*";
  f->ex = p->ex;
  f->sort_rule = p->rule;
  f->sort_match = p->match;
  return f;
}

static void add_cover(lctx *c, finding *f, const pending *p, int whole) {
  const gwr__entry *a = &c->tl->entries[p->a];
  if (f->object_count > LINT_LIST_CAP) return;
  add_object(c, f, route_label(c, a->route), match_field(c, a));
  add_line(c, f,
           ap(c, "%scovered by %s %s (%s), higher precedence (%s)",
              whole ? ap(c, "matches[%u] ", (unsigned)p->match) : "", route_label(c, a->route),
              match_field(c, a), match_desc(c, a), rank_reason(c, p->a, p->b)));
}

/* The bucket's unreachable entries: one finding per match, or one per rule
 * when every match of the rule is unreachable. */
static void report_unreachable(lctx *c, uint32_t bucket) {
  pending *ps = c->pend.data;
  size_t n = c->pend.len, i = 0, j, k;
  qsort(ps, n, sizeof *ps, pend_cmp);
  while (i < n && !c->nomem) {
    const gwr__rule *rule = &c->t->att.routes[ps[i].route].r->rules[ps[i].rule];
    size_t distinct = 0;
    finding *f;
    for (j = i; j < n && ps[j].route == ps[i].route && ps[j].rule == ps[i].rule; j++)
      distinct += j == i || ps[j].match != ps[j - 1].match;
    if (rule->match_count > 1 && distinct == rule->match_count) {
      if (!(f = unreachable_finding(c, bucket, &ps[i]))) return;
      f->sort_match = 0;
      f->message = ap(c, "%s spec.rules[%u] can never match: every match is covered",
                      route_label(c, ps[i].route), (unsigned)ps[i].rule);
      add_object(c, f, route_label(c, ps[i].route), ap(c, "spec.rules[%u]", (unsigned)ps[i].rule));
      for (k = i; k < j; k++)
        if (k == i || ps[k].match != ps[k - 1].match) add_cover(c, f, &ps[k], 1);
    } else {
      for (k = i; k < j; k++) {
        const gwr__entry *b = &c->tl->entries[ps[k].b];
        if (k > i && ps[k].match == ps[k - 1].match) continue;
        if (!(f = unreachable_finding(c, bucket, &ps[k]))) return;
        f->message = ap(c, "%s %s (%s) can never match", route_label(c, b->route), match_field(c, b),
                        match_desc(c, b));
        add_object(c, f, route_label(c, b->route), match_field(c, b));
        add_cover(c, f, &ps[k], 0);
      }
    }
    i = j;
  }
}

static void scan_bucket(lctx *c, uint32_t bucket) {
  const gwr__tlistener *tl = c->tl;
  const gwr__bucket *bk = &tl->buckets[bucket];
  uint32_t i, j, first = bk->first, end = bk->first + bk->count;
  unsigned char *dead;
  uint32_t *triples;
  gwr__hmap index;
  if (bk->count < 2) return;
  dead = gwr__calloc(c->alloc, bk->count, 1);
  if (!dead) {
    c->nomem = 1;
    return;
  }
  c->pend.len = 0;
  for (i = first; i < end && !c->nomem; i++) {
    key_of(c, i, c->bucket_host[bucket], &c->keys[i]);
    if (tl->entries[i].list == GWR_LIST_REGEX)
      rx_analyse(c, tl->entries[i].path, &c->shapes[i]);
    else
      memset(&c->shapes[i], 0, sizeof c->shapes[i]);
  }
  /* (route, rule, match) -> its first (best-ranked) entry in the bucket */
  triples = gwr__calloc(c->alloc, (size_t)bk->count * 3, sizeof *triples); /* the keys' memory */
  if (!triples || gwr__hmap_init_heap(&index, c->alloc, bk->count) != GWR_OK) {
    gwr__free(c->alloc, triples);
    gwr__free(c->alloc, dead);
    c->nomem = 1;
    return;
  }
  for (i = first; i < end; i++) {
    uint32_t *k = &triples[(size_t)(i - first) * 3];
    k[0] = tl->entries[i].route;
    k[1] = tl->entries[i].rule;
    k[2] = tl->entries[i].match;
    gwr__hmap_put(&index, (const char *)k, 3 * sizeof *k, 0, i, NULL);
  }
  for (i = first + 1; i < end && !c->nomem; i++) {
    uint32_t lo = i - first > LINT_WINDOW ? i - LINT_WINDOW : first, w = GWR_NONE;
    int covered = 0, tried = 0, ok = 0;
    lint_example ex;
    /* unreachable: an earlier entry of the window covers it and the example
     * request goes to it */
    for (j = lo; j < i && !covered; j++) {
      if (!covers(c, j, i)) continue;
      if (!tried) {
        tried = 1;
        ok = build_example(c, &ex, i, NULL, bucket) && run_example(c, &ex);
      }
      if (!ok) break;
      if (routed_by(c, &tl->entries[j])) w = j;
      covered = w != GWR_NONE;
    }
    /* or whatever entry the example goes to, at any distance, covers it */
    if (!covered && !tried) ok = build_example(c, &ex, i, NULL, bucket) && run_example(c, &ex);
    if (!covered && ok && c->d->route && c->d->listener == &c->t->listeners[c->li]) {
      uint32_t k[3];
      k[0] = (uint32_t)(c->d->route - c->t->att.routes);
      k[1] = (uint32_t)c->d->rule;
      k[2] = (uint32_t)c->d->match;
      w = gwr__hmap_get(&index, (const char *)k, sizeof k, 0);
      covered = w != GWR_NONE && w < i && covers(c, w, i);
    }
    if (covered) {
      pending *p = gwr__vec_push(&c->pend, c->alloc);
      if (!p) {
        c->nomem = 1;
        break;
      }
      p->b = i;
      p->a = w;
      p->route = tl->entries[i].route;
      p->rule = tl->entries[i].rule;
      p->match = tl->entries[i].match;
      p->ex = ex;
      dead[i - first] = 1;
    }
    if (covered) continue;
    /* partially shadowed: an earlier overlapping entry of equal specificity */
    for (j = lo; j < i; j++) {
      finding *f;
      if (tl->entries[j].route == tl->entries[i].route && tl->entries[j].rule == tl->entries[i].rule)
        continue; /* one rule: it wins either way */
      if (dead[j - first] || !keys_equal(&c->keys[j], &c->keys[i]) ||
          disjoint(&tl->entries[i], &tl->entries[j]) || covers(c, i, j) || covers(c, j, i))
        continue;
      if (tl->al->l->protocol >= GWR_PROTO_TLS) continue;
      if (!build_example(c, &ex, i, &j, bucket) || !run_example(c, &ex) ||
          !routed_by(c, &tl->entries[j]))
        continue;
      if (!(f = new_finding(c, SEV_WARNING, "partially-shadowed"))) break;
      f->listener = c->t->att.listeners[c->li].full_name;
      f->hostname = c->bucket_host[bucket][0] ? c->bucket_host[bucket] : "*";
      f->ex = ex;
      f->sort_rule = tl->entries[i].rule;
      f->sort_match = tl->entries[i].match;
      f->message = ap(c, "%s %s (%s) is partially shadowed", route_label(c, tl->entries[i].route),
                      match_field(c, &tl->entries[i]), match_desc(c, &tl->entries[i]));
      add_object(c, f, route_label(c, tl->entries[i].route), match_field(c, &tl->entries[i]));
      add_object(c, f, route_label(c, tl->entries[j].route), match_field(c, &tl->entries[j]));
      add_line(c, f,
               ap(c, "by %s %s (%s): equally specific, it wins requests both match only by tie-break (%s)",
                  route_label(c, tl->entries[j].route), match_field(c, &tl->entries[j]),
                  match_desc(c, &tl->entries[j]), rank_reason(c, j, i)));
      break;
    }
  }
  if (c->pend.len) report_unreachable(c, bucket);
  gwr__hmap_free_heap(&index, c->alloc);
  gwr__free(c->alloc, triples);
  gwr__free(c->alloc, dead);
}

/* The hostname pattern of each bucket of tl. */
static int bucket_hosts(lctx *c) {
  const gwr__tlistener *tl = c->tl;
  uint32_t i;
  c->bucket_host = gwr__arena_array(&c->ar, tl->bucket_count + 1, sizeof *c->bucket_host);
  if (!c->bucket_host) return 0;
  for (i = 0; i < tl->bucket_count; i++) c->bucket_host[i] = "";
  if (tl->exact_hosts.slots)
    for (i = 0; i <= tl->exact_hosts.mask; i++) {
      const gwr__hmap_slot *s = &tl->exact_hosts.slots[i];
      if (s->value != UINT32_MAX && s->value < tl->bucket_count)
        c->bucket_host[s->value] = dup_sv(c, gwr__sv_make(gwr__hmap_key(s), s->key_len));
    }
  if (tl->wild_hosts.slots)
    for (i = 0; i <= tl->wild_hosts.mask; i++) {
      const gwr__hmap_slot *s = &tl->wild_hosts.slots[i];
      if (s->value != UINT32_MAX && s->value < tl->bucket_count)
        c->bucket_host[s->value] = ap(c, "*%.*s", (int)s->key_len, gwr__hmap_key(s));
    }
  return !c->nomem;
}

static void scan_listener(lctx *c, uint32_t li, int grpc_plane) {
  const gwr__tlistener *tl = grpc_plane ? &c->t->grpc[li] : &c->t->listeners[li];
  uint32_t b;
  if (!tl->entry_count || !tl->buckets || !c->t->att.listeners[li].programmed) return;
  c->li = li;
  c->grpc_plane = grpc_plane;
  c->tl = tl;
  c->keys = gwr__calloc(c->alloc, tl->entry_count, sizeof *c->keys);
  c->shapes = gwr__calloc(c->alloc, tl->entry_count, sizeof *c->shapes);
  if (!c->keys || !c->shapes || !bucket_hosts(c)) {
    c->nomem = 1;
  } else {
    for (b = 0; b < tl->bucket_count && !c->nomem; b++) scan_bucket(c, b);
  }
  gwr__free(c->alloc, c->keys);
  gwr__free(c->alloc, c->shapes);
  c->keys = NULL;
  c->shapes = NULL;
}

/* ---- hostnames: G6 conflicts and cross-namespace claims --------------------------------- */

static int is_wild(const char *h) { return h[0] == '*' && h[1] == '.'; }

/* Where two effective hostnames meet ("" = any host): the narrower name. */
static const char *hosts_meet(const char *x, const char *y) {
  size_t lx = strlen(x), ly = strlen(y);
  if (!lx) return y;
  if (!ly) return x;
  if (strcmp(x, y) == 0) return x;
  if (is_wild(x) && ly > lx - 1 && strcmp(y + ly - (lx - 1), x + 1) == 0) return y;
  if (is_wild(y) && lx > ly - 1 && strcmp(x + lx - (ly - 1), y + 1) == 0) return x;
  return NULL;
}

static int route_older(const gwr__route *a, const gwr__route *b) {
  if (a->meta.created != b->meta.created) return a->meta.created < b->meta.created;
  return gwr__nsname_cmp(&a->meta, &b->meta) < 0;
}

/* The route's hostname field that gives the effective hostname h on listener l. */
static const char *host_field(lctx *c, const gwr__route *r, const gwr__listener *l, const char *h) {
  size_t k;
  for (k = 0; k < r->hostname_count; k++) {
    gwr__sv out;
    if (gwr__host_intersect(l->hostname, r->hostnames[k], &out) && gwr__sv_eq_cstr(out, h))
      return ap(c, "spec.hostnames[%zu]", k);
  }
  return "spec.hostnames";
}

/* For the example of two routes rx and ry on a listener: an entry of ry
 * whose path lies inside a path of rx's entry *other (or the other way
 * round), or with ry = GWR_NONE any entry of rx; GWR_NONE when none. The
 * first entry returned is the one whose path the example uses. */
static uint32_t shared_entry(lctx *c, uint32_t li, int grpc, uint32_t rx, uint32_t ry, uint32_t *other) {
  const gwr__tlistener *tl = grpc ? &c->t->grpc[li] : &c->t->listeners[li];
  uint32_t i, j, n = tl->entry_count < 2048 ? tl->entry_count : 2048, found = GWR_NONE;
  c->tl = tl;
  c->li = li;
  c->grpc_plane = grpc;
  *other = GWR_NONE;
  c->shapes = gwr__calloc(c->alloc, tl->entry_count + 1, sizeof *c->shapes);
  if (!c->shapes) return GWR_NONE;
  for (i = 0; i < n; i++)
    if (tl->entries[i].list == GWR_LIST_REGEX) rx_analyse(c, tl->entries[i].path, &c->shapes[i]);
  for (i = 0; i < n && found == GWR_NONE; i++) {
    if (tl->entries[i].route != rx) continue;
    if (ry == GWR_NONE) {
      found = i;
      continue;
    }
    for (j = 0; j < n && found == GWR_NONE; j++) {
      if (tl->entries[j].route != ry) continue;
      if (path_covers(c, i, j)) {
        found = j;
        *other = i;
      } else if (path_covers(c, j, i)) {
        found = i;
        *other = j;
      }
    }
  }
  return found;
}

/* The example of a cross-namespace pair: a request on the shared host that
 * both routes' entries match where possible. */
static const char *pair_example(lctx *c, lint_example *ex, uint32_t li, int grpc, uint32_t rx, uint32_t ry) {
  uint32_t other = GWR_NONE, e = ry == GWR_NONE ? GWR_NONE : shared_entry(c, li, grpc, rx, ry, &other);
  const char *note = NULL;
  lint_example base = *ex;
  if (e == GWR_NONE) {
    gwr__free(c->alloc, c->shapes);
    c->shapes = NULL;
    note = "no path of one route overlaps a path of the other";
    e = shared_entry(c, li, grpc, rx, GWR_NONE, &other);
  }
  if (e != GWR_NONE) {
    const gwr__entry *a = &c->tl->entries[e], *b = other == GWR_NONE ? NULL : &c->tl->entries[other];
    const char *path = entry_path(c, e), *method;
    if (path) {
      ex->path = path;
      if (b && a->method && b->method && a->method != b->method) b = NULL;
      method = example_method(c, a, b);
      if (method) ex->method = method;
      if (!example_preds(c, ex, a, b, 0) || !example_preds(c, ex, a, b, 1)) { /* only a's */
        lint_example alone = base;
        alone.path = path;
        if (method) alone.method = method;
        *ex = alone;
        if (!example_preds(c, ex, a, NULL, 0) || !example_preds(c, ex, a, NULL, 1)) *ex = base;
      }
    }
  }
  gwr__free(c->alloc, c->shapes);
  c->shapes = NULL;
  return note;
}

static void grpc_conflicts(lctx *c) {
  const gwr__attach *att = &c->t->att;
  size_t r, p, k, b;
  for (r = 0; r < att->route_count; r++) {
    const gwr__att_route *ar = &att->routes[r];
    if (!ar->conflict) continue;
    for (p = 0; p < ar->r->parent_count; p++)
      for (k = 0; k < ar->parents[p].listener_count; k++) {
        size_t li = ar->parents[p].listeners[k], q, h;
        const gwr__listener *l = att->listeners[li].l;
        const char *meet = NULL;
        const gwr__binding *win = NULL;
        int seen = 0;
        finding *f;
        for (q = 0; q < p && !seen; q++) { /* reported through an earlier parentRef */
          size_t m;
          for (m = 0; m < ar->parents[q].listener_count; m++) seen |= ar->parents[q].listeners[m] == li;
        }
        for (q = 0; q < k; q++) seen |= ar->parents[p].listeners[q] == li;
        if (seen || find_binding(c, (uint32_t)r, (uint32_t)li)) continue;
        for (b = 0; b < att->binding_count && !win; b++) {
          const gwr__binding *o = &att->bindings[b];
          const gwr__route *or = att->routes[o->route].r;
          if (o->listener != li || o->kind == ar->r->kind ||
              (o->kind != GWR_ROUTE_HTTP && o->kind != GWR_ROUTE_GRPC) || !route_older(or, ar->r))
            continue;
          for (h = 0; h < o->host_count && !win; h++) {
            size_t m;
            if (ar->r->hostname_count == 0) {
              gwr__sv eff = l->hostname;
              meet = hosts_meet(dup_sv(c, eff), dup_sv(c, o->hosts[h].name));
            }
            for (m = 0; m < ar->r->hostname_count && !meet; m++) {
              gwr__sv eff;
              if (gwr__host_intersect(l->hostname, ar->r->hostnames[m], &eff))
                meet = hosts_meet(dup_sv(c, eff), dup_sv(c, o->hosts[h].name));
            }
            if (meet) win = o;
          }
        }
        if (!(f = new_finding(c, SEV_ERROR, "grpc-hostname-conflict"))) return;
        f->listener = att->listeners[li].full_name;
        f->hostname = meet ? (meet[0] ? meet : "*") : "";
        if (win) {
          const gwr__route *wr = att->routes[win->route].r;
          const char *host = meet && meet[0] ? (is_wild(meet) ? ap(c, "lint-example%s", meet + 1) : meet)
                                             : host_for(c, (uint32_t)li, "");
          const gwr__route *gr = wr->kind == GWR_ROUTE_GRPC ? wr : ar->r;
          const gwr__match *gm = &gr->rules[0].matches[0];
          f->message = ap(c, "%s and %s share hostname %s: %s loses it (G6)", route_label(c, (uint32_t)r),
                          route_label(c, (uint32_t)win->route), f->hostname, route_label(c, (uint32_t)r));
          add_object(c, f, route_label(c, (uint32_t)r), host_field(c, ar->r, l, meet ? meet : ""));
          add_object(c, f, route_label(c, (uint32_t)win->route), host_field(c, wr, l, meet ? meet : ""));
          add_line(c, f, ap(c, "%s is older (or sorts first) and keeps the hostname; %s serves nothing "
                               "there", route_label(c, (uint32_t)win->route), route_label(c, (uint32_t)r)));
          if (example_frame(c, &f->ex, (uint32_t)li, host, 1)) {
            const gwr__tlistener *gt = &c->t->grpc[li];
            uint32_t e;
            for (e = 0; gr == wr && e < gt->entry_count; e++) /* the winner's own entry, if bound */
              if (gt->entries[e].route == win->route) {
                const char *wp;
                c->tl = gt;
                if ((wp = entry_path(c, e)) != NULL) f->ex.path = wp;
                break;
              }
            if (gr != wr && gm->grpc.set && gm->grpc.type == GWR_VALUE_EXACT && gm->grpc.service.len)
              f->ex.path = ap(c, "/%s/%s", gm->grpc.service.ptr, gm->grpc.method.len ? gm->grpc.method.ptr : "Call");
            ex_add_header(c, &f->ex, "content-type", "application/grpc");
            if (!run_example(c, &f->ex)) f->ex.set = 0;
          }
        } else {
          f->message = ap(c, "%s lost a hostname on %s (G6)", route_label(c, (uint32_t)r), f->listener);
          add_object(c, f, route_label(c, (uint32_t)r), "spec.hostnames");
        }
        add_line(c, f, ap(c, "status: %s", ar->conflict));
      }
  }
}

typedef struct hclaim {         /* one effective hostname of one binding */
  const char *host;
  uint32_t binding;
} hclaim;

typedef struct hpair {          /* two bindings of different namespaces meeting on a host */
  uint32_t x, y;                /* binding indexes, x's namespace sorting first */
  const char *meet, *hx, *hy;
  gwr__sv nsx, nsy;
} hpair;

static int hclaim_cmp(const void *p, const void *q) {
  const hclaim *a = p, *b = q;
  int r = strcmp(a->host, b->host);
  if (r) return r;
  return a->binding < b->binding ? -1 : (a->binding > b->binding);
}

static int hpair_cmp(const void *p, const void *q) {
  const hpair *a = p, *b = q;
  int r;
  if ((r = gwr__sv_cmp(a->nsx, b->nsx))) return r;
  if ((r = gwr__sv_cmp(a->nsy, b->nsy))) return r;
  if ((r = strcmp(a->meet, b->meet))) return r;
  if (a->x != b->x) return a->x < b->x ? -1 : 1;
  if (a->y != b->y) return a->y < b->y ? -1 : 1;
  if ((r = strcmp(a->meet, b->meet))) return r;
  return strcmp(a->hx, b->hx);
}

static void add_pair(lctx *c, gwr__vec *pairs, const hclaim *p, const hclaim *q, const char *meet) {
  const gwr__attach *att = &c->t->att;
  gwr__sv np = att->routes[att->bindings[p->binding].route].r->meta.ns;
  gwr__sv nq = att->routes[att->bindings[q->binding].route].r->meta.ns;
  hpair *h;
  if (p->binding == q->binding || pairs->len >= LINT_PAIR_CAP || gwr__sv_eq(np, nq)) return;
  if (!(h = gwr__vec_push(pairs, c->alloc))) {
    c->nomem = 1;
    return;
  }
  if (gwr__sv_cmp(np, nq) > 0) {
    const hclaim *t = p;
    gwr__sv tn = np;
    p = q;
    q = t;
    np = nq;
    nq = tn;
  }
  h->x = p->binding;
  h->y = q->binding;
  h->meet = meet;
  h->hx = p->host;
  h->hy = q->host;
  h->nsx = np;
  h->nsy = nq;
}

/* The findings of one listener's pairs: one per pair of namespaces and
 * hostname, naming the first route of each namespace (sorted pairs). */
static void report_pairs(lctx *c, size_t li, hpair *ps, size_t n) {
  const gwr__attach *att = &c->t->att;
  const gwr__listener *l = att->listeners[li].l;
  size_t i = 0, j;
  while (i < n && !c->nomem) {
    const gwr__binding *x = &att->bindings[ps[i].x], *y = &att->bindings[ps[i].y];
    const gwr__route *rx = att->routes[x->route].r, *ry = att->routes[y->route].r;
    const char *names = ps[i].meet, *meet = ps[i].meet;
    size_t others = 0;
    finding *f;
    for (j = i + 1; j < n && gwr__sv_eq(ps[j].nsx, ps[i].nsx) && gwr__sv_eq(ps[j].nsy, ps[i].nsy) &&
                    strcmp(ps[j].meet, ps[i].meet) == 0;
         j++)
      others += ps[j].x != ps[i].x || ps[j].y != ps[i].y;
    if (!(f = new_finding(c, SEV_WARNING, "cross-namespace-hostname"))) return;
    f->listener = att->listeners[li].full_name;
    f->hostname = meet;
    f->message = ap(c, "%s and %s (namespaces %s and %s) both claim %s on %s", route_label(c, (uint32_t)x->route),
                    route_label(c, (uint32_t)y->route), rx->meta.ns.ptr, ry->meta.ns.ptr, names, f->listener);
    add_object(c, f, route_label(c, (uint32_t)x->route), host_field(c, rx, l, ps[i].hx));
    add_object(c, f, route_label(c, (uint32_t)y->route), host_field(c, ry, l, ps[i].hy));
    if (others) add_line(c, f, ap(c, "and %zu more pair(s) of routes of these namespaces", others));
    if (example_frame(c, &f->ex, (uint32_t)li, is_wild(meet) ? ap(c, "lint-example%s", meet + 1) : meet,
                      x->kind == GWR_ROUTE_GRPC)) {
      const char *note = NULL;
      if (f->ex.protocol < GWR_PROTOCOL_TLS) {
        if (x->kind == GWR_ROUTE_GRPC) ex_add_header(c, &f->ex, "content-type", "application/grpc");
        note = pair_example(c, &f->ex, (uint32_t)li, x->kind == GWR_ROUTE_GRPC, (uint32_t)x->route,
                            x->kind == y->kind ? (uint32_t)y->route : GWR_NONE);
        if (note) add_line(c, f, note);
      }
      if (!run_example(c, &f->ex))
        f->ex.set = 0;
      else if (f->ex.routed && !note && f->ex.protocol < GWR_PROTOCOL_TLS)
        add_line(c, f, ap(c, "for the overlapping path %s the winner is %s", f->ex.path, f->ex.route));
    }
    i = j;
  }
}

/* Per listener: every effective hostname claimed by routes of more than
 * one namespace (equal names, or a wildcard covering the other's name). */
static void cross_namespace(lctx *c) {
  const gwr__attach *att = &c->t->att;
  size_t first, last, i, j, h;
  gwr__vec claims, pairs;
  gwr__vec_init(&claims, sizeof(hclaim));
  gwr__vec_init(&pairs, sizeof(hpair));
  for (first = 0; first < att->binding_count && !c->nomem; first = last) {
    size_t li = att->bindings[first].listener, n;
    hclaim *cs;
    int many_ns = 0;
    for (last = first; last < att->binding_count && att->bindings[last].listener == li; last++)
      many_ns |= !gwr__sv_eq(att->routes[att->bindings[last].route].r->meta.ns,
                             att->routes[att->bindings[first].route].r->meta.ns);
    if (!many_ns) continue;
    claims.len = pairs.len = 0;
    for (i = first; i < last; i++)
      for (h = 0; h < att->bindings[i].host_count; h++) {
        hclaim *cl;
        if (!att->bindings[i].hosts[h].name.len) continue;
        if (!(cl = gwr__vec_push(&claims, c->alloc))) goto nomem;
        cl->host = dup_sv(c, att->bindings[i].hosts[h].name);
        cl->binding = (uint32_t)i;
      }
    n = claims.len;
    cs = claims.data;
    if (n < 2) continue;
    qsort(cs, n, sizeof *cs, hclaim_cmp);
    for (i = 0; i < n; i = j) { /* equal names: the first claim of each namespace */
      size_t a, b, reps = 0, rep[64];
      for (j = i; j < n && strcmp(cs[j].host, cs[i].host) == 0; j++) {
        const gwr__sv ns = att->routes[att->bindings[cs[j].binding].route].r->meta.ns;
        for (a = 0; a < reps; a++)
          if (gwr__sv_eq(ns, att->routes[att->bindings[cs[rep[a]].binding].route].r->meta.ns)) break;
        if (a == reps && reps < sizeof rep / sizeof *rep) rep[reps++] = j;
      }
      for (a = 0; a < reps; a++)
        for (b = a + 1; b < reps; b++) add_pair(c, &pairs, &cs[rep[a]], &cs[rep[b]], cs[i].host);
    }
    for (i = 0; i < n; i++) { /* a wildcard covering another name */
      if (!is_wild(cs[i].host)) continue;
      for (j = 0; j < n && pairs.len < LINT_PAIR_CAP; j++) {
        const char *m;
        if (strcmp(cs[i].host, cs[j].host) == 0) continue;
        if ((m = hosts_meet(cs[i].host, cs[j].host)) && m == cs[j].host) add_pair(c, &pairs, &cs[i], &cs[j], m);
      }
    }
    if (c->nomem) break;
    if (pairs.len) {
      qsort(pairs.data, pairs.len, sizeof(hpair), hpair_cmp);
      report_pairs(c, li, pairs.data, pairs.len);
    }
  }
  goto out;
nomem:
  c->nomem = 1;
out:
  gwr__vec_free(&claims, c->alloc);
  gwr__vec_free(&pairs, c->alloc);
}

/* ---- weights ---------------------------------------------------------------------------- */

static int rule_all_zero(const gwr__rule *rule, const gwr__att_rule *arule) {
  size_t k;
  if (!arule->valid || rule->backend_count == 0) return 0;
  for (k = 0; k < rule->filter_count; k++)
    if (rule->filters[k].type == GWR_FILTER_REDIRECT) return 0;
  for (k = 0; k < rule->backend_count; k++)
    if (rule->backends[k].weight != 0) return 0;
  return 1;
}

/* A request routed by (route, rule) (a verified example), for zero-weight
 * findings; want_status: also require that status. */
static int rule_example(lctx *c, uint32_t route, uint32_t rule, int want_status, lint_example *out) {
  uint32_t li, i, tries = 0;
  int plane;
  for (plane = 0; plane < 2; plane++)
    for (li = 0; li < c->t->att.listener_count; li++) {
      const gwr__tlistener *tl = plane ? &c->t->grpc[li] : &c->t->listeners[li];
      int found = 0;
      if (!tl->entry_count || !c->t->att.listeners[li].programmed) continue;
      for (i = 0; i < tl->entry_count && !found; i++)
        found = tl->entries[i].route == route && tl->entries[i].rule == rule;
      if (!found) continue;
      c->tl = tl;
      c->li = li;
      c->grpc_plane = plane;
      c->shapes = gwr__calloc(c->alloc, tl->entry_count + 1, sizeof *c->shapes);
      if (!c->shapes || !bucket_hosts(c)) {
        gwr__free(c->alloc, c->shapes);
        c->shapes = NULL;
        return 0;
      }
      for (i = 0; i < tl->bucket_count && tries < 16; i++) {
        uint32_t e;
        for (e = tl->buckets[i].first; e < tl->buckets[i].first + tl->buckets[i].count && tries < 16; e++) {
          const gwr__entry *en = &tl->entries[e];
          if (en->route != route || en->rule != rule) continue;
          tries++;
          if (en->list == GWR_LIST_REGEX) rx_analyse(c, en->path, &c->shapes[e]);
          if (!build_example(c, out, e, NULL, i) || !run_example(c, out) || !routed_by(c, en))
            continue;
          if (want_status && !(out->action == GWR_ACTION_RESPOND && out->status == want_status)) continue;
          gwr__free(c->alloc, c->shapes);
          c->shapes = NULL;
          return 1;
        }
      }
      gwr__free(c->alloc, c->shapes);
      c->shapes = NULL;
    }
  memset(out, 0, sizeof *out);
  return 0;
}

typedef struct bref {
  const char *key;              /* "Service ns/name:port" */
  int nonzero;                  /* some reference has weight > 0 */
  int outside_zero_rules;       /* some reference sits in a rule that is not all-zero */
} bref;

typedef struct buse {           /* one backendRef: ref index, where */
  uint32_t ref, route, rule, backend;
} buse;

static int buse_cmp(const void *x, const void *y) {
  const buse *a = x, *b = y;
  if (a->ref != b->ref) return a->ref < b->ref ? -1 : 1;
  if (a->route != b->route) return a->route < b->route ? -1 : 1;
  if (a->rule != b->rule) return a->rule < b->rule ? -1 : 1;
  return a->backend < b->backend ? -1 : (a->backend > b->backend);
}

/* Index of key in refs (added when new); GWR_NONE when out of memory. */
static uint32_t ref_index(lctx *c, gwr__hmap *index, gwr__vec *refs, const char *key) {
  uint32_t existing = GWR_NONE;
  bref *br;
  if (!index->slots && gwr__hmap_init_heap(index, c->alloc, 1024) != GWR_OK) return GWR_NONE;
  if (index->count * 2 + 2 > index->mask) { /* grow */
    gwr__hmap bigger;
    uint32_t s;
    if (gwr__hmap_init_heap(&bigger, c->alloc, (size_t)(index->mask + 1)) != GWR_OK) return GWR_NONE;
    for (s = 0; s <= index->mask; s++)
      if (index->slots[s].value != UINT32_MAX)
        gwr__hmap_put(&bigger, gwr__hmap_key(&index->slots[s]), index->slots[s].key_len, 0,
                      index->slots[s].value, NULL);
    gwr__hmap_free_heap(index, c->alloc);
    *index = bigger;
  }
  if (!gwr__hmap_put(index, key, strlen(key), 0, (uint32_t)refs->len, &existing)) return existing;
  if (!(br = gwr__vec_push(refs, c->alloc))) return GWR_NONE;
  br->key = key;
  return (uint32_t)(refs->len - 1);
}

#define LINT_WEIGHT_EXAMPLES 256 /* zero-weight findings that get an example request */

static void zero_weights(lctx *c) {
  const gwr__attach *att = &c->t->att;
  gwr__vec refs, uses;
  gwr__hmap index;
  unsigned char *bound = gwr__calloc(c->alloc, att->route_count + 1, 1);
  size_t r, i, k, examples = 0;
  gwr__vec_init(&refs, sizeof(bref));
  gwr__vec_init(&uses, sizeof(buse));
  memset(&index, 0, sizeof index);
  if (!bound) goto nomem;
  for (i = 0; i < att->binding_count; i++) bound[att->bindings[i].route] = 1;
  for (r = 0; r < att->route_count; r++) {
    const gwr__route *route = att->routes[r].r;
    if (!bound[r]) continue;
    for (i = 0; i < route->rule_count; i++) {
      const gwr__rule *rule = &route->rules[i];
      int all_zero = rule_all_zero(rule, &att->routes[r].rules[i]);
      if (!att->routes[r].rules[i].valid) continue;
      if (all_zero) {
        finding *f = new_finding(c, SEV_WARNING, "zero-weight");
        if (!f) goto out;
        f->sort_rule = (uint32_t)i;
        f->message = ap(c, "%s spec.rules[%zu]: every backendRef has weight 0, so every request it "
                           "matches is answered %d",
                        route_label(c, (uint32_t)r), i, c->t->opt.all_zero_status);
        add_object(c, f, route_label(c, (uint32_t)r), ap(c, "spec.rules[%zu].backendRefs", i));
        if (examples++ < LINT_WEIGHT_EXAMPLES &&
            rule_example(c, (uint32_t)r, (uint32_t)i, c->t->opt.all_zero_status, &f->ex)) {
          f->listener = c->t->att.listeners[c->li].full_name;
          f->hostname = f->ex.host;
        }
      }
      for (k = 0; k < rule->backend_count; k++) {
        const gwr__objref *o = &rule->backends[k].ref;
        const char *key = ap(c, "%s %s/%s:%u", o->kind.len ? o->kind.ptr : "Service", o->ns.ptr, o->name.ptr,
                             (unsigned)o->port);
        uint32_t ri = ref_index(c, &index, &refs, key);
        bref *br;
        buse *u;
        if (ri == GWR_NONE || !(u = gwr__vec_push(&uses, c->alloc))) goto nomem;
        br = &GWR_VEC_AT(&refs, bref, ri);
        if (rule->backends[k].weight != 0) br->nonzero = 1;
        if (!all_zero) br->outside_zero_rules = 1;
        u->ref = ri;
        u->route = (uint32_t)r;
        u->rule = (uint32_t)i;
        u->backend = (uint32_t)k;
      }
    }
  }
  if (uses.len) qsort(uses.data, uses.len, sizeof(buse), buse_cmp);
  for (i = 0; i < uses.len;) {
    const buse *u = &GWR_VEC_AT(&uses, buse, i);
    const bref *br = &GWR_VEC_AT(&refs, bref, u->ref);
    finding *f;
    size_t end = i;
    while (end < uses.len && GWR_VEC_AT(&uses, buse, end).ref == u->ref) end++;
    if (br->nonzero || !br->outside_zero_rules) {
      i = end;
      continue;
    }
    if (!(f = new_finding(c, SEV_WARNING, "zero-weight"))) goto out;
    f->message = ap(c, "%s is referenced only with weight 0: it never receives traffic", br->key);
    add_object(c, f, br->key, "");
    f->sort_rule = u->rule;
    f->sort_match = u->backend;
    for (k = i; k < end && f->object_count <= LINT_LIST_CAP; k++) {
      const buse *v = &GWR_VEC_AT(&uses, buse, k);
      add_object(c, f, route_label(c, v->route),
                 ap(c, "spec.rules[%u].backendRefs[%u]", (unsigned)v->rule, (unsigned)v->backend));
    }
    if (examples++ < LINT_WEIGHT_EXAMPLES && rule_example(c, u->route, u->rule, 0, &f->ex)) {
      f->listener = c->t->att.listeners[c->li].full_name;
      f->hostname = f->ex.host;
    }
    i = end;
  }
  goto out;
nomem:
  c->nomem = 1;
out:
  if (index.slots) gwr__hmap_free_heap(&index, c->alloc);
  gwr__vec_free(&refs, c->alloc);
  gwr__vec_free(&uses, c->alloc);
  gwr__free(c->alloc, bound);
}

/* ---- output ------------------------------------------------------------------------------- */

static int finding_cmp(const void *x, const void *y) {
  const finding *a = x, *b = y;
  int r;
  const char *oa = a->object_count ? a->objects[0] : "", *ob = b->object_count ? b->objects[0] : "";
  const char *fa = a->object_count ? a->fields[0] : "", *fb = b->object_count ? b->fields[0] : "";
  if (a->severity != b->severity) return a->severity < b->severity ? -1 : 1;
  if ((r = strcmp(a->listener, b->listener))) return r;
  if ((r = strcmp(oa, ob))) return r;
  if (a->sort_rule != b->sort_rule) return a->sort_rule < b->sort_rule ? -1 : 1;
  if (a->sort_match != b->sort_match) return a->sort_match < b->sort_match ? -1 : 1;
  if ((r = strcmp(fa, fb))) return r;
  if ((r = strcmp(a->kind, b->kind))) return r;
  if ((r = strcmp(a->hostname, b->hostname))) return r;
  return a->seq < b->seq ? -1 : (a->seq > b->seq);
}

static void text_example(gwr__buf *b, const lint_example *ex) {
  size_t i;
  int default_port = (strcmp(ex->scheme, "https") == 0 && ex->port == 443) ||
                     (strcmp(ex->scheme, "http") == 0 && ex->port == 80);
  gwr__buf_puts(b, "  example: ");
  if (ex->protocol >= GWR_PROTOCOL_TLS) {
    gwr__buf_printf(b, "%s connection to %s port %u", ex->protocol == GWR_PROTOCOL_TLS ? "TLS"
                                                       : ex->protocol == GWR_PROTOCOL_TCP ? "TCP" : "UDP",
                    ex->gateway, (unsigned)ex->port);
    if (ex->protocol == GWR_PROTOCOL_TLS) {
      gwr__buf_puts(b, ", SNI ");
      gwr__buf_text_sv(b, gwr__sv_cstr(ex->host));
    }
  } else {
    if (ex->protocol == GWR_PROTOCOL_GRPC) gwr__buf_puts(b, "gRPC ");
    gwr__buf_text_sv(b, gwr__sv_cstr(ex->method));
    gwr__buf_printf(b, " %s://", ex->scheme);
    gwr__buf_text_sv(b, gwr__sv_cstr(ex->host));
    if (!default_port) gwr__buf_printf(b, ":%u", (unsigned)ex->port);
    gwr__buf_text_sv(b, gwr__sv_cstr(ex->path));
    for (i = 0; i < ex->header_count; i++) {
      gwr__buf_puts(b, i == 0 ? " [" : ", ");
      gwr__buf_text_sv(b, gwr__sv_cstr(ex->headers[i].name));
      gwr__buf_puts(b, ": ");
      gwr__buf_text_sv(b, gwr__sv_cstr(ex->headers[i].value));
    }
    if (ex->header_count) gwr__buf_puts(b, "]");
  }
  if (ex->routed) {
    gwr__buf_printf(b, " -> %s rule %d", ex->route, ex->rule);
    if (ex->action == GWR_ACTION_RESPOND) gwr__buf_printf(b, " (answered %d)", ex->status);
  } else if (ex->action == GWR_ACTION_RESPOND) {
    gwr__buf_printf(b, " -> %d", ex->status);
  } else {
    gwr__buf_printf(b, " -> %s", gwr__action_name(ex->action));
  }
  gwr__buf_puts(b, "\n");
}

static void render_text(gwr__buf *b, const finding *fs, size_t n, size_t errors, size_t warnings) {
  size_t i, k;
  if (n == 0) {
    gwr__buf_puts(b, "no findings\n");
    return;
  }
  for (i = 0; i < n; i++) {
    const finding *f = &fs[i];
    gwr__buf_printf(b, "%s %s: ", f->severity == SEV_ERROR ? "error" : "warning", f->kind);
    gwr__buf_text_sv(b, gwr__sv_cstr(f->message));
    gwr__buf_puts(b, "\n");
    for (k = 0; k < f->line_count; k++) {
      gwr__buf_puts(b, "  ");
      gwr__buf_text_sv(b, gwr__sv_cstr(f->lines[k]));
      gwr__buf_puts(b, "\n");
    }
    if (f->listener[0]) {
      gwr__buf_printf(b, "  on %s", f->listener);
      if (f->hostname[0]) {
        gwr__buf_puts(b, ", hostname ");
        gwr__buf_text_sv(b, gwr__sv_cstr(f->hostname));
      }
      gwr__buf_puts(b, "\n");
    }
    if (f->ex.set) text_example(b, &f->ex);
  }
  gwr__buf_printf(b, "%zu finding%s (%zu error%s, %zu warning%s)\n", n, n == 1 ? "" : "s", errors,
                  errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
}

static void json_cstr(gwr__buf *b, const char *s) { gwr__buf_json_str(b, s, strlen(s)); }

static void render_json(gwr__buf *b, const finding *fs, size_t n, size_t errors, size_t warnings) {
  size_t i, k;
  gwr__buf_puts(b, "{\"findings\":[");
  for (i = 0; i < n; i++) {
    const finding *f = &fs[i];
    const lint_example *ex = &f->ex;
    gwr__buf_puts(b, i ? ",\n{" : "\n{");
    gwr__buf_printf(b, "\"severity\":\"%s\",\"kind\":", f->severity == SEV_ERROR ? "error" : "warning");
    json_cstr(b, f->kind);
    gwr__buf_puts(b, ",\"message\":");
    json_cstr(b, f->message);
    gwr__buf_puts(b, ",\"details\":[");
    for (k = 0; k < f->line_count; k++) {
      if (k) gwr__buf_puts(b, ",");
      json_cstr(b, f->lines[k]);
    }
    gwr__buf_puts(b, "],\"objects\":[");
    for (k = 0; k < f->object_count; k++) {
      if (k) gwr__buf_puts(b, ",");
      json_cstr(b, f->objects[k]);
    }
    gwr__buf_puts(b, "],\"fields\":[");
    for (k = 0; k < f->object_count; k++) {
      if (k) gwr__buf_puts(b, ",");
      json_cstr(b, f->fields[k]);
    }
    gwr__buf_puts(b, "],\"listener\":");
    json_cstr(b, f->listener);
    gwr__buf_puts(b, ",\"hostname\":");
    json_cstr(b, f->hostname);
    gwr__buf_puts(b, ",\"example\":");
    if (!ex->set) {
      gwr__buf_puts(b, "null,\"routed_to\":null}");
      continue;
    }
    gwr__buf_puts(b, "{\"gateway\":");
    json_cstr(b, ex->gateway);
    gwr__buf_printf(b, ",\"port\":%u,\"protocol\":\"%s\",\"scheme\":", (unsigned)ex->port,
                    gwr__request_protocol_name(ex->protocol));
    json_cstr(b, ex->scheme);
    gwr__buf_puts(b, ",\"host\":");
    json_cstr(b, ex->host);
    gwr__buf_puts(b, ",\"path\":");
    json_cstr(b, ex->path);
    gwr__buf_puts(b, ",\"method\":");
    json_cstr(b, ex->method);
    gwr__buf_puts(b, ",\"headers\":[");
    for (k = 0; k < ex->header_count; k++) {
      gwr__buf_puts(b, k ? ",{\"name\":" : "{\"name\":");
      json_cstr(b, ex->headers[k].name);
      gwr__buf_puts(b, ",\"value\":");
      json_cstr(b, ex->headers[k].value);
      gwr__buf_puts(b, "}");
    }
    gwr__buf_puts(b, "]},\"routed_to\":");
    if (ex->routed) {
      gwr__buf_puts(b, "{\"route\":");
      json_cstr(b, ex->route);
      gwr__buf_printf(b, ",\"rule\":%d,\"match\":%d,\"action\":\"%s\"", ex->rule, ex->match,
                      gwr__action_name(ex->action));
    } else {
      gwr__buf_printf(b, "{\"route\":null,\"action\":\"%s\"", gwr__action_name(ex->action));
    }
    if (ex->action == GWR_ACTION_RESPOND) gwr__buf_printf(b, ",\"status\":%d", ex->status);
    gwr__buf_puts(b, "}}");
  }
  gwr__buf_printf(b, "%s],\"errors\":%zu,\"warnings\":%zu}\n", n ? "\n" : "", errors, warnings);
}

int gwr_lint(const gwr_table *t, int32_t format, char **report, size_t *findings) {
  lctx c;
  gwr__buf b;
  uint32_t li;
  size_t i, errors = 0, warnings = 0;
  int rc = GWR_OK;
  if (findings) *findings = 0;
  if (report) *report = NULL;
  if (!t || !report || (format != GWR_FORMAT_TEXT && format != GWR_FORMAT_JSON)) return GWR_E_INVALID;
  memset(&c, 0, sizeof c);
  c.t = t;
  c.alloc = &t->alloc;
  gwr__arena_init(&c.ar, c.alloc);
  gwr__vec_init(&c.findings, sizeof(finding));
  gwr__vec_init(&c.pend, sizeof(pending));
  if (gwr_decision_new(&c.d, t) != GWR_OK || !(c.rx = gwr__regex_scratch_new(c.alloc))) {
    rc = GWR_E_NOMEM;
    goto out;
  }
  for (li = 0; li < t->att.listener_count && !c.nomem; li++) {
    scan_listener(&c, li, 0);
    if (t->grpc) scan_listener(&c, li, 1);
  }
  if (!c.nomem) grpc_conflicts(&c);
  if (!c.nomem) cross_namespace(&c);
  if (!c.nomem) zero_weights(&c);
  if (c.nomem) {
    rc = GWR_E_NOMEM;
    goto out;
  }
  if (c.findings.len) qsort(c.findings.data, c.findings.len, sizeof(finding), finding_cmp);
  for (i = 0; i < c.findings.len; i++) {
    if (GWR_VEC_AT(&c.findings, finding, i).severity == SEV_ERROR)
      errors++;
    else
      warnings++;
  }
  gwr__buf_init(&b, c.alloc);
  if (format == GWR_FORMAT_JSON)
    render_json(&b, c.findings.data, c.findings.len, errors, warnings);
  else
    render_text(&b, c.findings.data, c.findings.len, errors, warnings);
  rc = gwr__buf_finish(&b, report);
  if (rc == GWR_OK && findings) *findings = c.findings.len;
out:
  gwr__regex_scratch_free(c.rx);
  gwr_decision_free(c.d);
  gwr__vec_free(&c.pend, c.alloc);
  gwr__vec_free(&c.findings, c.alloc);
  gwr__arena_free(&c.ar);
  return rc;
}
