/* SPDX-License-Identifier: Apache-2.0 */
/*
 * explain.c - gwr_explain(): why a table routes one request the way it does.
 *
 * The walk of match.c is redone here step by step, slowly and on the heap:
 * gateway, listener selection (A25, A26) with a reason per listener, the
 * planes (GRPCRoutes first for gRPC requests), every hostname bucket the
 * lookup probes (exact, wildcard suffixes longest first, catch-all), and
 * every match entry of those buckets in rank (digest §3.1) order, each
 * evaluated independently from its fields (path, method, headers, query,
 * regex). The verdict printed is gwr_match()'s own; when the independent
 * walk disagrees with it the report says INCONSISTENT. Nothing here is on
 * the lookup path: clarity over speed.
 */
#include <stdlib.h>

#include "decision.h"
#include "report.h"

#define SHOW_PER_BUCKET 50 /* candidate lines per bucket before "... N more" */
#define JSON_PER_BUCKET 200 /* candidates per bucket in JSON (then "candidates_omitted") */
#define NEAREST 5          /* nearest misses of a 404 */
#define MAX_FAILS 16       /* failure records kept per evaluation */

/* ---- one failing condition ------------------------------------------------- */

enum { F_PATH = 1, F_METHOD, F_HDR_ABSENT, F_HDR_VALUE, F_HDR_LONG, F_Q_ABSENT, F_Q_VALUE, F_REGEX };

typedef struct failrec {
  int kind;
  uint32_t index; /* header or query predicate */
} failrec;

/* ---- what the walk found --------------------------------------------------- */

enum { B_EXACT = 0, B_WILD, B_ANY };
enum { O_ABSENT = 0, O_NONE, O_MATCHED };

typedef struct btry {   /* one hostname bucket probed */
  int plane;            /* 0 gRPC, 1 HTTP */
  int kind;             /* B_* */
  gwr__sv name;         /* exact: the host; wildcard: ".suffix"; any: "" */
  uint32_t bucket;      /* GWR_NONE when absent */
  uint32_t count;
  int outcome;          /* O_* */
  uint32_t shown;       /* candidate lines printed (text) */
} btry;

typedef struct cand {
  int plane;
  uint32_t bt;          /* index into x->tries */
  const gwr__tlistener *tl;
  const gwr__entry *e;
  int nfail;            /* failing conditions (all of them) */
  failrec first;
  int matched;
} cand;

enum { L_OK = 0, L_PORT, L_PROTO, L_NOTPROG, L_HOST };

typedef struct linfo {
  uint32_t li;          /* index into t->listeners */
  int code;             /* L_* for the SNI / Host test */
  int code_host;        /* HTTPS: the Host test */
  uint32_t score;
} linfo;

typedef struct xctx {
  const gwr_table *t;
  gwr__buf *out;
  int json;
  gwr_request req;      /* copied, defaults not applied */
  gwr_decision *d;      /* gwr_match()'s verdict */
  gwr__regex_scratch *rx;
  gwr__buf tmp, join;   /* scratch for one phrase, joined header values */
  int oom;
  /* the request as understood */
  const gwr__tgateway *g;
  uint32_t port;
  int https, layer4, grpc, proto; /* proto: GWR_PROTO_* a listener must speak */
  char host_buf[GWR_HOST_MAX], sni_buf[GWR_HOST_MAX];
  gwr__sv host, sni;    /* normalised */
  int host_ok, sni_ok;
  char *path_buf;
  gwr__sv path, query;
  int has_query;
  int path_too_long;
  uint8_t method_code;
  /* listener selection */
  linfo *ls;
  uint32_t ls_count;
  uint32_t chosen;      /* listener index into t->listeners, GWR_NONE */
  uint32_t by_host;     /* HTTPS: the listener the Host picks */
  const char *stop;     /* why routing stopped before the buckets, or NULL */
  /* planes, buckets, candidates */
  int planes_tried[2];
  btry *tries;
  uint32_t try_count, try_cap;
  cand *cands;
  uint32_t cand_count;
  int winner, runner_up; /* index into cands, -1 */
  int jcount;           /* items written into the current JSON array */
} xctx;

static void *xalloc(xctx *x, size_t n, size_t size) {
  void *p = gwr__calloc(&x->t->alloc, n + 1, size);
  if (!p) x->oom = 1;
  return p;
}

/* ---- request normalisation (match.c's rules, redone) ----------------------- */

static int norm_host(char *buf, gwr_str h, gwr__sv *out) {
  size_t n = h.len, i;
  if (n && h.ptr[0] == '[') {
    const char *end = memchr(h.ptr, ']', n);
    if (end) n = (size_t)(end - h.ptr) + 1;
  } else {
    i = n;
    while (i > 0 && h.ptr[i - 1] >= '0' && h.ptr[i - 1] <= '9') i--;
    if (i > 0 && h.ptr[i - 1] == ':') n = i - 1;
  }
  if (n && h.ptr[n - 1] == '.') n--;
  if (n > 253) {
    *out = gwr__sv_make(buf, 0);
    return 0;
  }
  for (i = 0; i < n; i++) buf[i] = gwr__lower(h.ptr[i]);
  buf[n] = '\0';
  *out = gwr__sv_make(buf, n);
  return 1;
}

static int is_dot_seg(const char *p, size_t n) {
  return (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.');
}

/* RFC 3986 5.2.4 over '/'-separated segments; out has room for n + 1. */
static size_t drop_dot_segments(const char *in, size_t n, char *out) {
  size_t i = 0, o = 0;
  while (i < n) {
    size_t end = i + 1, seg;
    while (end < n && in[end] != '/') end++;
    seg = end - i - 1;
    if (seg == 1 && in[i + 1] == '.') {
      if (end == n) out[o++] = '/';
    } else if (seg == 2 && in[i + 1] == '.' && in[i + 2] == '.') {
      while (o > 0 && out[o - 1] != '/') o--;
      if (o > 0) o--;
      if (end == n) out[o++] = '/';
    } else {
      memcpy(out + o, in + i, end - i);
      o += end - i;
    }
    i = end;
  }
  if (o == 0) out[o++] = '/';
  return o;
}

static int needs_dots_removed(const char *p, size_t n) {
  size_t i = 0;
  while (i < n) {
    size_t end = i + 1;
    while (end < n && p[end] != '/') end++;
    if (is_dot_seg(p + i + 1, end - i - 1)) return 1;
    i = end;
  }
  return 0;
}

static void normalise_request_path(xctx *x) {
  static const char root[] = "/";
  gwr_str raw = x->layer4 ? gwr__sv_make(root, 1) : x->req.path;
  const char *q = raw.len ? memchr(raw.ptr, '?', raw.len) : NULL;
  size_t plen = q ? (size_t)(q - raw.ptr) : raw.len;
  x->path = gwr__sv_make(raw.ptr, plen);
  x->query = q ? gwr__sv_make(q + 1, raw.len - plen - 1) : gwr__sv_make(NULL, 0);
  x->has_query = q != NULL;
  if (x->t->opt.path_normalize != GWR_PATH_NORMALIZE_DOT_SEGMENTS || plen == 0 || raw.ptr[0] != '/' ||
      !needs_dots_removed(raw.ptr, plen))
    return;
  if (raw.len + 2 > x->d->path_cap) {
    x->path_too_long = 1;
    return;
  }
  if (!(x->path_buf = xalloc(x, plen + 1, 1))) return;
  x->path = gwr__sv_make(x->path_buf, drop_dot_segments(raw.ptr, plen, x->path_buf));
}

static int request_is_grpc(const gwr_request *r) {
  size_t i;
  if (r->protocol == GWR_PROTOCOL_GRPC) return 1;
  for (i = 0; i < r->header_count; i++) {
    gwr__sv v = r->headers[i].value;
    if (!gwr__sv_casecmp_eq(r->headers[i].name, gwr__sv_cstr("content-type"))) continue;
    return v.len >= 16 && gwr__sv_casecmp_eq(gwr__sv_make(v.ptr, 16), gwr__sv_cstr("application/grpc")) &&
           (v.len == 16 || v.ptr[16] == '+' || v.ptr[16] == ';');
  }
  return 0;
}

/* ---- predicates, evaluated from the entry's fields -------------------------- */

/* H8: every value of the header joined with ','; 0 absent, -1 too long. */
static int header_joined(xctx *x, gwr__sv name, gwr__sv *out) {
  size_t i, found = 0;
  x->join.len = 0;
  for (i = 0; i < x->req.header_count; i++) {
    const gwr_header *h = &x->req.headers[i];
    if (!gwr__sv_casecmp_eq(h->name, name)) continue;
    if (found++) gwr__buf_put(&x->join, ",", 1);
    gwr__buf_put(&x->join, h->value.ptr ? h->value.ptr : "", h->value.len);
  }
  if (x->join.failed) x->oom = 1;
  if (!found) return 0;
  *out = gwr__sv_make(x->join.data ? x->join.data : "", x->join.len);
  return x->join.len > x->t->opt.max_header_bytes ? -1 : 1;
}

/* H9: the first occurrence of a query parameter, no decoding. */
static int query_param(gwr__sv query, gwr__sv name, gwr__sv *out) {
  size_t i = 0;
  if (!query.len) return 0;
  while (i <= query.len) {
    size_t end = i, eq = i;
    while (end < query.len && query.ptr[end] != '&') end++;
    while (eq < end && query.ptr[eq] != '=') eq++;
    if (eq - i == name.len && (name.len == 0 || memcmp(query.ptr + i, name.ptr, name.len) == 0)) {
      *out = eq < end ? gwr__sv_make(query.ptr + eq + 1, end - eq - 1) : gwr__sv_make(query.ptr + eq, 0);
      return 1;
    }
    i = end + 1;
  }
  return 0;
}

static int pred_ok(xctx *x, const gwr__pred *p, gwr__sv v) {
  if (p->re) return gwr__regex_match(x->t->rx, p->re, x->rx, v.ptr ? v.ptr : "", v.len);
  return gwr__sv_eq(p->value, v);
}

/* H3/H4: PathPrefix values are stored without their trailing '/'. */
static int path_ok(const gwr__entry *e, gwr__sv path) {
  if (e->list == GWR_LIST_REGEX) return 1;
  if (path.len == 0 || path.ptr[0] != '/') return 0;
  if (e->list == GWR_LIST_EXACT) return gwr__sv_eq(e->path, path);
  if (e->path.len == 0) return 1;
  return path.len >= e->path.len && memcmp(path.ptr, e->path.ptr, e->path.len) == 0 &&
         (path.len == e->path.len || path.ptr[e->path.len] == '/');
}

static void add_fail(failrec *f, int *n, int kind, uint32_t index) {
  if (*n < MAX_FAILS) {
    f[*n].kind = kind;
    f[*n].index = index;
  }
  (*n)++;
}

/* Every failing condition, in the order match.c tests them; returns the count. */
static int evaluate(xctx *x, const gwr__entry *e, failrec *f) {
  int n = 0, r;
  uint32_t i;
  gwr__sv v = {NULL, 0};
  if (!path_ok(e, x->path)) add_fail(f, &n, F_PATH, 0);
  if (e->method && e->method != x->method_code) add_fail(f, &n, F_METHOD, 0);
  for (i = 0; i < e->header_count; i++) {
    r = header_joined(x, e->headers[i].name, &v);
    if (r == 0) add_fail(f, &n, F_HDR_ABSENT, i);
    else if (r < 0) add_fail(f, &n, F_HDR_LONG, i);
    else if (!pred_ok(x, &e->headers[i], v)) add_fail(f, &n, F_HDR_VALUE, i);
  }
  for (i = 0; i < e->query_count; i++) {
    if (!query_param(x->query, e->queries[i].name, &v)) add_fail(f, &n, F_Q_ABSENT, i);
    else if (!pred_ok(x, &e->queries[i], v)) add_fail(f, &n, F_Q_VALUE, i);
  }
  if (e->path_re && !gwr__regex_match(x->t->rx, e->path_re, x->rx, x->path.ptr ? x->path.ptr : "",
                                      x->path.len))
    add_fail(f, &n, F_REGEX, 0);
  return n;
}

/* ---- names ------------------------------------------------------------------- */

static const char *method_names[] = {"", "GET", "HEAD", "POST", "PUT", "DELETE",
                                     "CONNECT", "OPTIONS", "TRACE", "PATCH"};

static const char *method_name(uint8_t code) {
  return code < sizeof method_names / sizeof *method_names ? method_names[code] : "(other)";
}

static const char *proto_name(int p) {
  switch (p) {
    case GWR_PROTO_HTTP: return "HTTP";
    case GWR_PROTO_HTTPS: return "HTTPS";
    case GWR_PROTO_TLS: return "TLS";
    case GWR_PROTO_TCP: return "TCP";
    case GWR_PROTO_UDP: return "UDP";
    default: return "other";
  }
}

static const gwr__att_route *route_of(const xctx *x, const cand *c) {
  return &x->t->att.routes[c->e->route];
}

static const gwr__match *match_of(const xctx *x, const cand *c) {
  const gwr__route *r = route_of(x, c)->r;
  return &r->rules[c->e->rule].matches[c->e->match];
}

/* ---- phrases into x->tmp (then written as text or a JSON string) ----------- */

static void tmp_reset(xctx *x) {
  x->tmp.len = 0;
  if (x->tmp.data) x->tmp.data[0] = '\0';
}

static void tmp_sv(xctx *x, gwr__sv s) { gwr__buf_put(&x->tmp, s.ptr ? s.ptr : "", s.len); }

/* The phrase in x->tmp, as text (control bytes escaped) or a JSON string. */
static void put_tmp(xctx *x) {
  gwr__sv s = gwr__sv_make(x->tmp.data ? x->tmp.data : "", x->tmp.len);
  if (x->tmp.failed) x->oom = 1;
  if (x->json) gwr__buf_json_sv(x->out, s);
  else gwr__buf_text_sv(x->out, s);
}

static void out_str(xctx *x, gwr__sv s) {
  if (x->json) gwr__buf_json_sv(x->out, s);
  else gwr__buf_text_sv(x->out, s);
}

static void out_cstr(xctx *x, const char *s) { out_str(x, gwr__sv_cstr(s ? s : "")); }

/* "HTTPRoute default/api-routes" */
static void phrase_route(xctx *x, const gwr__att_route *ar) {
  gwr__buf_printf(&x->tmp, "%s ", ar->kind);
  tmp_sv(x, ar->r->meta.ns);
  gwr__buf_puts(&x->tmp, "/");
  tmp_sv(x, ar->r->meta.name);
}

/* A route lowered from an Ingress also names the Ingress field it came from. */
static void phrase_field(xctx *x, const cand *c) {
  const gwr__route *r = route_of(x, c)->r;
  gwr__buf_printf(&x->tmp, "spec.rules[%u].matches[%u]", (unsigned)c->e->rule, (unsigned)c->e->match);
  if (r->origin && c->e->rule < r->rule_count && r->rules[c->e->rule].origin)
    gwr__buf_printf(&x->tmp, " (%s %s)", r->origin, r->rules[c->e->rule].origin);
}

static void phrase_value(xctx *x, const gwr__pred *p) {
  if (p->re) {
    gwr__buf_puts(&x->tmp, " ~ ");
    tmp_sv(x, p->value);
  } else {
    gwr__buf_puts(&x->tmp, " = \"");
    tmp_sv(x, p->value);
    gwr__buf_puts(&x->tmp, "\"");
  }
}

/* One condition of an entry; i counts path (0), method (1), headers, queries. */
static uint32_t condition_count(const cand *c) {
  return 1u + (c->e->method ? 1u : 0u) + c->e->header_count + c->e->query_count;
}

static void phrase_condition(xctx *x, const cand *c, uint32_t i) {
  const gwr__entry *e = c->e;
  const gwr__match *m = match_of(x, c);
  if (i == 0) {
    if (route_of(x, c)->r->kind >= GWR_ROUTE_TLS) {
      gwr__buf_puts(&x->tmp, "any connection");
      return;
    }
    if (m->grpc.set) {
      gwr__buf_puts(&x->tmp, m->grpc.type == GWR_VALUE_REGEX ? "gRPC method ~ " : "gRPC method ");
      if (m->grpc.service.len) tmp_sv(x, m->grpc.service);
      else gwr__buf_puts(&x->tmp, "*");
      gwr__buf_puts(&x->tmp, "/");
      if (m->grpc.method.len) tmp_sv(x, m->grpc.method);
      else gwr__buf_puts(&x->tmp, "*");
      return;
    }
    gwr__buf_puts(&x->tmp, m->path_type == GWR_PATH_EXACT   ? "Exact "
                           : m->path_type == GWR_PATH_REGEX ? "RegularExpression "
                                                            : "PathPrefix ");
    tmp_sv(x, m->path);
    return;
  }
  i--;
  if (e->method) {
    if (i == 0) {
      gwr__buf_printf(&x->tmp, "method %s", method_name(e->method));
      return;
    }
    i--;
  }
  if (i < e->header_count) {
    gwr__buf_puts(&x->tmp, "header ");
    tmp_sv(x, e->headers[i].name);
    phrase_value(x, &e->headers[i]);
    return;
  }
  i -= e->header_count;
  gwr__buf_puts(&x->tmp, "query ");
  tmp_sv(x, e->queries[i].name);
  phrase_value(x, &e->queries[i]);
}

static void phrase_failure(xctx *x, const cand *c, failrec f) {
  const gwr__entry *e = c->e;
  gwr__sv v = {NULL, 0};
  switch (f.kind) {
    case F_PATH:
      gwr__buf_puts(&x->tmp, "path: ");
      tmp_sv(x, x->path);
      if (x->path.len == 0 || x->path.ptr[0] != '/') gwr__buf_puts(&x->tmp, " does not start with '/'");
      else if (e->list == GWR_LIST_EXACT) {
        gwr__buf_puts(&x->tmp, " is not exactly ");
        tmp_sv(x, e->path);
      } else {
        gwr__buf_puts(&x->tmp, " is not under ");
        tmp_sv(x, e->path.len ? e->path : gwr__sv_cstr("/"));
      }
      break;
    case F_METHOD:
      gwr__buf_puts(&x->tmp, "method: ");
      tmp_sv(x, x->req.method.len ? x->req.method : gwr__sv_cstr("(none)"));
      gwr__buf_printf(&x->tmp, " is not %s", method_name(e->method));
      break;
    case F_HDR_ABSENT:
      gwr__buf_puts(&x->tmp, "header ");
      tmp_sv(x, e->headers[f.index].name);
      gwr__buf_puts(&x->tmp, " absent");
      break;
    case F_HDR_LONG:
      gwr__buf_puts(&x->tmp, "header ");
      tmp_sv(x, e->headers[f.index].name);
      gwr__buf_printf(&x->tmp, " longer than %lu bytes", (unsigned long)x->t->opt.max_header_bytes);
      break;
    case F_HDR_VALUE:
      gwr__buf_puts(&x->tmp, "header ");
      tmp_sv(x, e->headers[f.index].name);
      gwr__buf_puts(&x->tmp, ": \"");
      if (header_joined(x, e->headers[f.index].name, &v) > 0) tmp_sv(x, v);
      gwr__buf_puts(&x->tmp, e->headers[f.index].re ? "\" does not match " : "\" != \"");
      tmp_sv(x, e->headers[f.index].value);
      if (!e->headers[f.index].re) gwr__buf_puts(&x->tmp, "\"");
      break;
    case F_Q_ABSENT:
      gwr__buf_puts(&x->tmp, "query ");
      tmp_sv(x, e->queries[f.index].name);
      gwr__buf_puts(&x->tmp, " absent");
      break;
    case F_Q_VALUE:
      gwr__buf_puts(&x->tmp, "query ");
      tmp_sv(x, e->queries[f.index].name);
      gwr__buf_puts(&x->tmp, ": \"");
      if (query_param(x->query, e->queries[f.index].name, &v)) tmp_sv(x, v);
      gwr__buf_puts(&x->tmp, e->queries[f.index].re ? "\" does not match " : "\" != \"");
      tmp_sv(x, e->queries[f.index].value);
      if (!e->queries[f.index].re) gwr__buf_puts(&x->tmp, "\"");
      break;
    case F_REGEX:
      gwr__buf_puts(&x->tmp, "path: ");
      tmp_sv(x, x->path);
      gwr__buf_puts(&x->tmp, " does not match regex ");
      tmp_sv(x, e->path);
      break;
    default:
      break;
  }
}

/* ---- listener selection ------------------------------------------------------ */

static int listener_test(const gwr__tlistener *tl, uint32_t port, int proto, gwr__sv host, int ok,
                         uint32_t *score) {
  gwr__sv lh = tl->al->l->hostname;
  *score = 0;
  if (tl->al->l->port != port) return L_PORT;
  if (tl->al->l->protocol != proto) return L_PROTO;
  if (!tl->al->programmed) return L_NOTPROG;
  if (lh.len && (!ok || !gwr__host_matches(lh, host))) return L_HOST;
  *score = lh.len == 0 ? 1 : (lh.ptr[0] == '*' ? 2 + (uint32_t)lh.len : 1000 + (uint32_t)lh.len);
  return L_OK;
}

/* Every listener of the gateway tested with (host, ok); returns the best (first of equals). */
static uint32_t select_listener(xctx *x, gwr__sv host, int ok, int for_host) {
  uint32_t i, best = GWR_NONE, best_score = 0, score;
  for (i = 0; i < x->ls_count; i++) {
    int code = listener_test(&x->t->listeners[x->ls[i].li], x->port, x->proto, host, ok, &score);
    if (for_host) x->ls[i].code_host = code;
    else {
      x->ls[i].code = code;
      x->ls[i].score = score;
    }
    if (code == L_OK && score > best_score) {
      best_score = score;
      best = x->ls[i].li;
    }
  }
  return best;
}

static void choose_listener(xctx *x) {
  uint32_t i;
  x->ls_count = x->g->listener_count;
  x->chosen = x->by_host = GWR_NONE;
  if (!(x->ls = xalloc(x, x->ls_count, sizeof *x->ls))) return;
  for (i = 0; i < x->ls_count; i++) x->ls[i].li = x->g->first_listener + i;
  if (x->layer4) {
    x->chosen = select_listener(x, x->sni, x->sni_ok, 0);
    if (x->chosen == GWR_NONE)
      x->stop = x->proto == GWR_PROTO_TLS ? "no TLS listener for the server name on this port"
                                          : "no listener for this port and protocol";
    return;
  }
  if (x->https) {
    x->chosen = select_listener(x, x->sni, x->sni_ok, 0);
    if (x->chosen == GWR_NONE) {
      x->stop = "no listener for the TLS server name";
      return;
    }
    x->by_host = select_listener(x, x->host, x->host_ok, 1);
    if (x->by_host == GWR_NONE) x->stop = "no listener matches the host";
    else if (x->by_host != x->chosen) x->stop = "misdirected request: the host belongs to another listener";
    return;
  }
  x->chosen = select_listener(x, x->host, x->host_ok, 0);
  if (x->chosen == GWR_NONE) x->stop = "no listener matches the host";
}

/* ---- buckets and candidates ---------------------------------------------------- */

static void add_try(xctx *x, int plane, int kind, gwr__sv name, uint32_t bucket,
                    const gwr__tlistener *tl) {
  btry *bt;
  if (x->try_count == x->try_cap) {
    uint32_t cap = x->try_cap ? x->try_cap * 2 : 16;
    btry *grown = xalloc(x, cap, sizeof *grown);
    if (!grown) return;
    if (x->try_count) memcpy(grown, x->tries, x->try_count * sizeof *grown);
    gwr__free(&x->t->alloc, x->tries);
    x->tries = grown;
    x->try_cap = cap;
  }
  bt = &x->tries[x->try_count++];
  bt->plane = plane;
  bt->kind = kind;
  bt->name = name;
  bt->bucket = bucket;
  bt->count = bucket == GWR_NONE ? 0 : tl->buckets[bucket].count;
  bt->outcome = bucket == GWR_NONE ? O_ABSENT : O_NONE;
  bt->shown = 0;
}

/* The buckets scan_hosts probes, in its order. */
static void probe_buckets(xctx *x, int plane, const gwr__tlistener *tl) {
  gwr__sv h = x->layer4 ? x->sni : x->host;
  int ok = x->layer4 ? x->sni_ok : x->host_ok;
  size_t i;
  if (ok && h.len) {
    add_try(x, plane, B_EXACT, h, tl->entry_count ? gwr__hmap_get(&tl->exact_hosts, h.ptr, h.len, 0) : GWR_NONE, tl);
    for (i = 1; i < h.len; i++)
      if (h.ptr[i] == '.')
        add_try(x, plane, B_WILD, gwr__sv_make(h.ptr + i, h.len - i),
                tl->entry_count ? gwr__hmap_get(&tl->wild_hosts, h.ptr + i, h.len - i, 0) : GWR_NONE, tl);
  }
  add_try(x, plane, B_ANY, gwr__sv_make("", 0), tl->any_bucket, tl);
}

static int cand_cmp(const void *pa, const void *pb) {
  const cand *a = pa, *b = pb;
  if (a->plane != b->plane) return a->plane < b->plane ? -1 : 1;
  return a->e->rank < b->e->rank ? -1 : (a->e->rank > b->e->rank);
}

/* The entries of tries [from, try_count), appended to the candidates and
 * the whole list kept in (plane, rank) order. */
static void collect(xctx *x, uint32_t from) {
  uint32_t i, k, n = x->cand_count;
  cand *grown;
  for (i = from; i < x->try_count; i++) n += x->tries[i].count;
  if (!(grown = xalloc(x, n, sizeof *grown))) return;
  if (x->cand_count) memcpy(grown, x->cands, x->cand_count * sizeof *grown);
  gwr__free(&x->t->alloc, x->cands);
  x->cands = grown;
  for (i = from; i < x->try_count; i++) {
    const btry *bt = &x->tries[i];
    const gwr__tlistener *tl = bt->plane == 0 ? &x->t->grpc[x->chosen] : &x->t->listeners[x->chosen];
    if (bt->bucket == GWR_NONE) continue;
    for (k = 0; k < bt->count; k++) {
      cand *c = &x->cands[x->cand_count++];
      const gwr__bucket *b = &tl->buckets[bt->bucket];
      failrec f[MAX_FAILS];
      c->plane = bt->plane;
      c->bt = i;
      c->tl = tl;
      c->e = &tl->entries[b->first + k];
      c->nfail = evaluate(x, c->e, f);
      c->matched = c->nfail == 0;
      if (c->nfail) c->first = f[0];
      else c->first.kind = 0;
    }
  }
  qsort(x->cands, x->cand_count, sizeof *x->cands, cand_cmp);
}

/* The planes route_on_listener tries (GRPCRoutes first for a gRPC request,
 * the rest only when they found nothing), the winner and runner-up. */
static void walk(xctx *x) {
  uint32_t i;
  int p;
  x->winner = x->runner_up = -1;
  if (x->chosen == GWR_NONE || x->stop) return;
  normalise_request_path(x);
  if (x->path_too_long) {
    x->stop = "request path too long to normalise";
    return;
  }
  for (p = 0; p < 2 && x->winner < 0 && !x->oom; p++) {
    const gwr__tlistener *tl = p == 0 ? &x->t->grpc[x->chosen] : &x->t->listeners[x->chosen];
    uint32_t from = x->try_count;
    if (p == 0 && (x->layer4 || !tl->entry_count || !x->grpc)) continue;
    x->planes_tried[p] = 1;
    probe_buckets(x, p, tl);
    if (x->oom) return;
    collect(x, from);
    for (i = 0; i < x->cand_count && !x->oom; i++) {
      if (x->cands[i].plane != p || !x->cands[i].matched) continue;
      if (x->winner < 0) x->winner = (int)i;
      else if (x->runner_up < 0) x->runner_up = (int)i;
    }
  }
  if (x->winner >= 0) x->tries[x->cands[x->winner].bt].outcome = O_MATCHED;
}

/* ---- precedence keys of two entries ---------------------------------------------- */

typedef struct pkey {
  uint32_t host_precise, host_total, path_class, path_len, method_rank, headers, queries;
  int64_t created;
  const gwr__meta *meta;
  uint32_t rule, match;
} pkey;

static int is_wild_name(gwr__sv h) { return h.len > 2 && h.ptr[0] == '*' && h.ptr[1] == '.'; }

static int host_key_cmp(const void *pa, const void *pb) {
  const gwr__host *a = pa, *b = pb;
  if (a->precise_len != b->precise_len) return a->precise_len > b->precise_len ? -1 : 1;
  return a->total_len > b->total_len ? -1 : (a->total_len < b->total_len);
}

/* The effective hostname of the entry's bucket, then the binding host that
 * produced it (the occurrence-th of equal names in precedence order). */
static void host_key(const xctx *x, const cand *c, pkey *k) {
  const btry *bt = &x->tries[c->bt];
  const gwr__bucket *bk = &c->tl->buckets[bt->bucket];
  size_t i, h, n = 0, occurrence = 0;
  gwr__host found[8];
  k->host_precise = k->host_total = 0;
  /* earlier entries of the same route/rule/match in the bucket (a route
   * with two hostnames that narrow to the same one) */
  for (i = bk->first; &c->tl->entries[i] < c->e; i++)
    occurrence += c->tl->entries[i].route == c->e->route && c->tl->entries[i].rule == c->e->rule &&
                  c->tl->entries[i].match == c->e->match;
  for (i = 0; i < x->t->att.binding_count; i++) {
    const gwr__binding *b = &x->t->att.bindings[i];
    if (b->listener != x->chosen || b->route != c->e->route) continue;
    for (h = 0; h < b->host_count && n < 8; h++) {
      gwr__sv name = b->hosts[h].name;
      int same = bt->kind == B_ANY    ? name.len == 0
                 : bt->kind == B_WILD ? is_wild_name(name) && gwr__sv_casecmp_eq(gwr__sv_make(name.ptr + 1, name.len - 1), bt->name)
                                      : !is_wild_name(name) && name.len && gwr__sv_casecmp_eq(name, bt->name);
      if (same) found[n++] = b->hosts[h];
    }
  }
  if (!n) return;
  qsort(found, n, sizeof *found, host_key_cmp);
  i = occurrence < n ? occurrence : n - 1;
  k->host_precise = found[i].precise_len;
  k->host_total = found[i].total_len;
}

static void make_key(const xctx *x, const cand *c, pkey *k) {
  const gwr__match *m = match_of(x, c);
  const gwr__route *r = route_of(x, c)->r;
  host_key(x, c, k);
  if (m->path_type == GWR_PATH_EXACT) k->path_class = 0;
  else if (m->path_type == GWR_PATH_REGEX) k->path_class = x->t->opt.regex_order == GWR_REGEX_ORDER_ISTIO ? 2 : 1;
  else k->path_class = x->t->opt.regex_order == GWR_REGEX_ORDER_ISTIO ? 1 : 2;
  k->path_len = (uint32_t)m->path.len;
  k->method_rank = m->method.len > 0;
  if (r->kind == GWR_ROUTE_GRPC) {
    k->path_class = 0;
    k->path_len = (uint32_t)m->grpc.service.len;
    k->method_rank = (uint32_t)m->grpc.method.len;
  }
  k->headers = (uint32_t)m->header_count;
  k->queries = (uint32_t)m->query_count;
  k->created = r->meta.created;
  k->meta = &r->meta;
  k->rule = c->e->rule;
  k->match = c->e->match;
}

static const char *class_name(const xctx *x, uint32_t cls) {
  if (cls == 0) return "Exact";
  if ((cls == 1) == (x->t->opt.regex_order == GWR_REGEX_ORDER_ISTIO)) return "PathPrefix";
  return "RegularExpression";
}

/* The §3.1 (3.2 for gRPC) step that puts a before b, into x->tmp; returns
 * its name for JSON ("decided_by"). */
static const char *decide(xctx *x, const cand *wa, const cand *wb) {
  pkey a, b;
  int grpc = wa->plane == 0;
  make_key(x, wa, &a);
  make_key(x, wb, &b);
  if (a.host_precise != b.host_precise || a.host_total != b.host_total) {
    gwr__buf_printf(&x->tmp, "hostname precision (%s hostname of %u characters > %s of %u)",
                    a.host_precise ? "precise" : a.host_total ? "wildcard" : "no", a.host_precise ? a.host_precise : a.host_total,
                    b.host_precise ? "precise" : b.host_total ? "wildcard" : "none",
                    b.host_precise ? b.host_precise : b.host_total);
    return "hostname precision";
  }
  if (a.path_class != b.path_class) {
    gwr__buf_printf(&x->tmp, "path match type (%s before %s)", class_name(x, a.path_class), class_name(x, b.path_class));
    return "path match type";
  }
  if (a.path_len != b.path_len) {
    gwr__buf_printf(&x->tmp, "%s (%u > %u)", grpc ? "gRPC service length" : "path length", a.path_len, b.path_len);
    return grpc ? "service length" : "path length";
  }
  if (a.method_rank != b.method_rank) {
    if (grpc) gwr__buf_printf(&x->tmp, "gRPC method length (%u > %u)", a.method_rank, b.method_rank);
    else gwr__buf_puts(&x->tmp, "method (a method match beats none)");
    return grpc ? "method length" : "method";
  }
  if (a.headers != b.headers) {
    gwr__buf_printf(&x->tmp, "number of header matches (%u > %u)", a.headers, b.headers);
    return "header matches";
  }
  if (a.queries != b.queries) {
    gwr__buf_printf(&x->tmp, "number of query matches (%u > %u)", a.queries, b.queries);
    return "query matches";
  }
  if (a.created != b.created) {
    gwr__buf_printf(&x->tmp, "tie-break: creation timestamp (%lld older than %lld)", (long long)a.created,
                    (long long)b.created);
    return "creation timestamp";
  }
  if (a.meta != b.meta) {
    gwr__buf_puts(&x->tmp, "tie-break: \"{namespace}/{name}\" order (");
    tmp_sv(x, a.meta->ns);
    gwr__buf_puts(&x->tmp, "/");
    tmp_sv(x, a.meta->name);
    gwr__buf_puts(&x->tmp, " < ");
    tmp_sv(x, b.meta->ns);
    gwr__buf_puts(&x->tmp, "/");
    tmp_sv(x, b.meta->name);
    gwr__buf_puts(&x->tmp, ")");
    return "namespace/name";
  }
  if (a.rule != b.rule) {
    gwr__buf_printf(&x->tmp, "tie-break: rule index (%u < %u)", a.rule, b.rule);
    return "rule index";
  }
  gwr__buf_printf(&x->tmp, "tie-break: match index (%u < %u)", a.match, b.match);
  return "match index";
}

/* ---- consistency with gwr_match() ----------------------------------------------- */

static int consistent(const xctx *x) {
  const gwr_decision *d = x->d;
  if (x->winner < 0) return d->route == NULL;
  if (!d->route) return 0;
  return (size_t)(d->route - x->t->att.routes) == x->cands[x->winner].e->route &&
         d->rule == (int32_t)x->cands[x->winner].e->rule && d->match == (int32_t)x->cands[x->winner].e->match;
}

/* ---- rendering helpers ------------------------------------------------------------ */

static void jkey(xctx *x, int *first, const char *key) {
  if (!*first) gwr__buf_puts(x->out, ",");
  *first = 0;
  gwr__buf_printf(x->out, "\"%s\":", key);
}

static void jstr_key(xctx *x, int *first, const char *key, gwr__sv v) {
  jkey(x, first, key);
  gwr__buf_json_sv(x->out, v);
}

static void jnum_key(xctx *x, int *first, const char *key, long long v) {
  jkey(x, first, key);
  gwr__buf_printf(x->out, "%lld", v);
}

static void jbool_key(xctx *x, int *first, const char *key, int v) {
  jkey(x, first, key);
  gwr__buf_puts(x->out, v ? "true" : "false");
}

static void bucket_name(xctx *x, const btry *bt) {
  if (bt->kind == B_ANY) gwr__buf_puts(&x->tmp, "(any hostname)");
  else {
    if (bt->kind == B_WILD) gwr__buf_puts(&x->tmp, "*");
    tmp_sv(x, bt->name);
  }
}

static const char *outcome_name(int o) {
  switch (o) {
    case O_ABSENT: return "absent";
    case O_MATCHED: return "matched";
    default: return "no entry matched";
  }
}

static gwr__sv listener_full(const gwr__tlistener *tl) { return gwr__sv_cstr(tl->al->full_name); }

static void listener_reason(xctx *x, const linfo *li) {
  const gwr__listener *l = x->t->listeners[li->li].al->l;
  switch (li->code) {
    case L_PORT: gwr__buf_printf(&x->tmp, "port %u, not %u", (unsigned)l->port, (unsigned)x->port); return;
    case L_PROTO:
      gwr__buf_printf(&x->tmp, "protocol %s, the request needs %s", proto_name(l->protocol), proto_name(x->proto));
      return;
    case L_NOTPROG: gwr__buf_puts(&x->tmp, "not programmed (invalid or conflicted): serves nothing"); return;
    case L_HOST:
      gwr__buf_puts(&x->tmp, "hostname ");
      tmp_sv(x, l->hostname);
      gwr__buf_printf(&x->tmp, " does not match the %s ", x->https || x->layer4 ? "server name" : "host");
      tmp_sv(x, x->https || x->layer4 ? x->sni : x->host);
      return;
    default: break;
  }
  gwr__buf_printf(&x->tmp, "port %u, %s, ", (unsigned)l->port, proto_name(l->protocol));
  if (!l->hostname.len) gwr__buf_puts(&x->tmp, "no hostname");
  else {
    gwr__buf_puts(&x->tmp, l->hostname.ptr[0] == '*' ? "wildcard hostname " : "exact hostname ");
    tmp_sv(x, l->hostname);
  }
  if (li->li == x->chosen) {
    uint32_t i, others = 0;
    for (i = 0; i < x->ls_count; i++) others += x->ls[i].code == L_OK && x->ls[i].li != li->li;
    gwr__buf_puts(&x->tmp, others ? " (most specific of the matching listeners)" : " (the only matching listener)");
  } else {
    gwr__buf_puts(&x->tmp, ": matches, but a more specific listener wins");
  }
  if (x->https && li->code_host != L_OK && li->li == x->chosen)
    gwr__buf_puts(&x->tmp, "; the Host header does not match it");
}

/* ---- sections ------------------------------------------------------------------------ */

static void render_request(xctx *x) {
  size_t i;
  gwr__sv scheme = x->req.scheme.len ? x->req.scheme : gwr__sv_cstr("http");
  static const char *const protos[] = {"http", "grpc", "tls", "tcp", "udp"};
  const char *proto = x->req.protocol >= 0 && x->req.protocol <= 4 ? protos[x->req.protocol] : "?";
  if (x->json) {
    int f = 1;
    gwr__buf_puts(x->out, "\"request\":{");
    jstr_key(x, &f, "gateway", gwr__sv_cstr(x->g->key));
    jnum_key(x, &f, "port", x->port);
    jstr_key(x, &f, "protocol", gwr__sv_cstr(proto));
    jbool_key(x, &f, "grpc", x->grpc);
    jstr_key(x, &f, "scheme", scheme);
    jstr_key(x, &f, "sni", x->sni);
    jstr_key(x, &f, "host", x->req.host);
    jstr_key(x, &f, "host_normalised", x->layer4 ? x->sni : x->host);
    jstr_key(x, &f, "method", x->req.method.len ? x->req.method : gwr__sv_cstr("GET"));
    jstr_key(x, &f, "path", x->req.path);
    jstr_key(x, &f, "path_normalised", x->path);
    jkey(x, &f, "query");
    if (x->has_query) gwr__buf_json_sv(x->out, x->query);
    else gwr__buf_puts(x->out, "null");
    jkey(x, &f, "headers");
    gwr__buf_puts(x->out, "[");
    for (i = 0; i < x->req.header_count; i++) {
      gwr__buf_puts(x->out, i ? ",[" : "[");
      gwr__buf_json_sv(x->out, x->req.headers[i].name);
      gwr__buf_puts(x->out, ",");
      gwr__buf_json_sv(x->out, x->req.headers[i].value);
      gwr__buf_puts(x->out, "]");
    }
    gwr__buf_puts(x->out, "]}");
    jstr_key(x, &f, "gateway", gwr__sv_cstr(x->g->key)); /* f is 0 here: writes the comma */
    return;
  }
  if (x->layer4) {
    gwr__buf_printf(x->out, "request  %s connection", proto);
    if (x->req.protocol == GWR_PROTOCOL_TLS) {
      gwr__buf_puts(x->out, ", server name ");
      out_str(x, x->sni.len ? x->sni : gwr__sv_cstr("(none)"));
    }
    gwr__buf_printf(x->out, " (port %u)\n", (unsigned)x->port);
  } else {
    gwr__buf_puts(x->out, "request  ");
    out_str(x, x->req.method.len ? x->req.method : gwr__sv_cstr("GET"));
    gwr__buf_puts(x->out, " ");
    out_str(x, scheme);
    gwr__buf_puts(x->out, "://");
    out_str(x, x->host);
    out_str(x, x->path);
    if (x->has_query) {
      gwr__buf_puts(x->out, "?");
      out_str(x, x->query);
    }
    gwr__buf_printf(x->out, " (port %u)%s\n", (unsigned)x->port, x->grpc ? ", gRPC" : "");
    if (x->path_buf || (x->req.host.len && !gwr__sv_eq(x->req.host, x->host))) {
      gwr__buf_puts(x->out, "         as sent: host ");
      out_str(x, x->req.host);
      gwr__buf_puts(x->out, ", path ");
      out_str(x, x->req.path);
      gwr__buf_puts(x->out, "\n");
    }
    if (x->https && x->req.sni.len) {
      gwr__buf_puts(x->out, "         TLS server name ");
      out_str(x, x->sni);
      gwr__buf_puts(x->out, "\n");
    }
    for (i = 0; i < x->req.header_count; i++) {
      gwr__buf_puts(x->out, "         header ");
      out_str(x, x->req.headers[i].name);
      gwr__buf_puts(x->out, ": ");
      out_str(x, x->req.headers[i].value);
      gwr__buf_puts(x->out, "\n");
    }
  }
  gwr__buf_printf(x->out, "gateway  %s%s\n", x->g->key, x->req.gateway.len ? "" : " (the only Gateway)");
}

static void render_listeners(xctx *x) {
  uint32_t i;
  if (x->json) {
    gwr__buf_puts(x->out, ",\"listeners\":[");
    for (i = 0; i < x->ls_count; i++) {
      int f = 1;
      const gwr__tlistener *tl = &x->t->listeners[x->ls[i].li];
      gwr__buf_puts(x->out, i ? ",{" : "{");
      jstr_key(x, &f, "name", listener_full(tl));
      jnum_key(x, &f, "port", tl->al->l->port);
      jstr_key(x, &f, "protocol", gwr__sv_cstr(proto_name(tl->al->l->protocol)));
      jstr_key(x, &f, "hostname", tl->al->l->hostname);
      jbool_key(x, &f, "chosen", x->ls[i].li == x->chosen);
      jkey(x, &f, "reason");
      tmp_reset(x);
      listener_reason(x, &x->ls[i]);
      put_tmp(x);
      gwr__buf_puts(x->out, "}");
    }
    gwr__buf_puts(x->out, "],\"listener\":");
    if (x->chosen == GWR_NONE) gwr__buf_puts(x->out, "null");
    else gwr__buf_json_sv(x->out, listener_full(&x->t->listeners[x->chosen]));
    return;
  }
  gwr__buf_printf(x->out, "listeners on port %u (%s):\n", (unsigned)x->port, proto_name(x->proto));
  for (i = 0; i < x->ls_count; i++) {
    const gwr__tlistener *tl = &x->t->listeners[x->ls[i].li];
    if (x->ls[i].code == L_PORT && x->ls_count > 6) continue; /* big gateways: this port only */
    gwr__buf_puts(x->out, "  ");
    out_str(x, listener_full(tl));
    gwr__buf_puts(x->out, ": ");
    tmp_reset(x);
    listener_reason(x, &x->ls[i]);
    put_tmp(x);
    gwr__buf_puts(x->out, x->ls[i].li == x->chosen ? "  <- chosen\n" : "\n");
  }
  if (x->chosen == GWR_NONE) gwr__buf_puts(x->out, "listener none\n");
  else {
    gwr__buf_puts(x->out, "listener ");
    out_str(x, listener_full(&x->t->listeners[x->chosen]));
    gwr__buf_puts(x->out, "\n");
  }
}

static void render_stop(xctx *x) {
  if (x->json) {
    gwr__buf_puts(x->out, ",\"stopped\":");
    if (x->stop) gwr__buf_json_str(x->out, x->stop, strlen(x->stop));
    else gwr__buf_puts(x->out, "null");
    return;
  }
  if (x->stop) gwr__buf_printf(x->out, "stopped  %s\n", x->stop);
}

static void render_planes(xctx *x) {
  const char *plane;
  if (x->chosen == GWR_NONE || x->stop) plane = NULL;
  else if (x->planes_tried[0] && x->winner >= 0 && x->cands[x->winner].plane == 0) plane = "grpc";
  else plane = "http";
  if (x->json) {
    gwr__buf_puts(x->out, ",\"plane\":");
    if (plane) gwr__buf_json_str(x->out, plane, strlen(plane));
    else gwr__buf_puts(x->out, "null");
    gwr__buf_printf(x->out, ",\"grpc_plane_tried\":%s", x->planes_tried[0] ? "true" : "false");
    return;
  }
  if (!plane) return;
  if (x->planes_tried[0])
    gwr__buf_puts(x->out, plane[0] == 'g' ? "plane    gRPC request: GRPCRoutes first, and one matched\n"
                                          : "plane    gRPC request: GRPCRoutes first (none matched), then HTTP routes\n");
  else if (x->layer4)
    gwr__buf_puts(x->out, "plane    layer-4 routes (by hostname and age; no path)\n");
  else
    gwr__buf_printf(x->out, "plane    HTTP routes%s\n",
                    x->grpc ? " (the listener has no GRPCRoutes)" : "");
}

static void render_buckets(xctx *x) {
  uint32_t i;
  int p;
  if (x->json) {
    gwr__buf_puts(x->out, ",\"buckets\":[");
    for (i = 0; i < x->try_count; i++) {
      int f = 1;
      const btry *bt = &x->tries[i];
      static const char *const kinds[] = {"exact", "wildcard", "any"};
      gwr__buf_puts(x->out, i ? ",{" : "{");
      jstr_key(x, &f, "plane", gwr__sv_cstr(bt->plane ? "http" : "grpc"));
      jkey(x, &f, "hostname");
      tmp_reset(x);
      bucket_name(x, bt);
      put_tmp(x);
      jstr_key(x, &f, "kind", gwr__sv_cstr(kinds[bt->kind]));
      jnum_key(x, &f, "entries", bt->count);
      jstr_key(x, &f, "outcome", gwr__sv_cstr(outcome_name(bt->outcome)));
      gwr__buf_puts(x->out, "}");
    }
    gwr__buf_puts(x->out, "]");
    return;
  }
  for (p = 0; p < 2; p++) {
    int any = 0;
    for (i = 0; i < x->try_count; i++) {
      const btry *bt = &x->tries[i];
      if (bt->plane != p) continue;
      gwr__buf_puts(x->out, any ? " | " : p == 0 ? "hosts    (gRPC) " : "hosts    ");
      any = 1;
      tmp_reset(x);
      bucket_name(x, bt);
      put_tmp(x);
      if (bt->bucket == GWR_NONE) gwr__buf_puts(x->out, ": none");
      else
        gwr__buf_printf(x->out, ": %u entr%s%s", (unsigned)bt->count, bt->count == 1 ? "y" : "ies",
                        bt->outcome == O_MATCHED ? " (winner here)" : "");
    }
    if (any) gwr__buf_puts(x->out, "\n");
  }
}

static void cand_label(xctx *x, const cand *c) {
  tmp_reset(x);
  phrase_route(x, route_of(x, c));
  gwr__buf_puts(&x->tmp, " ");
  phrase_field(x, c);
}

/* A candidate's state: 1 evaluated, 0 not reached (after the winner, or in
 * the HTTP plane after a gRPC winner). */
static int reached(const xctx *x, uint32_t i) {
  return x->winner < 0 || x->cands[i].plane != x->cands[x->winner].plane || (int)i <= x->winner;
}

static void render_conditions_text(xctx *x, const cand *c) {
  uint32_t k, n = condition_count(c);
  tmp_reset(x);
  for (k = 0; k < n; k++) {
    if (k) gwr__buf_puts(&x->tmp, ", ");
    phrase_condition(x, c, k);
  }
  put_tmp(x);
}

static void render_failures_json(xctx *x, const cand *c) {
  failrec f[MAX_FAILS];
  int n = evaluate(x, c->e, f), k;
  gwr__buf_puts(x->out, "[");
  for (k = 0; k < n && k < MAX_FAILS; k++) {
    if (k) gwr__buf_puts(x->out, ",");
    tmp_reset(x);
    phrase_failure(x, c, f[k]);
    put_tmp(x);
  }
  gwr__buf_puts(x->out, "]");
}

static void render_candidates(xctx *x) {
  uint32_t i, k;
  if (x->json) {
    uint32_t listed = 0;
    gwr__buf_puts(x->out, ",\"candidates\":[");
    for (i = 0; i < x->cand_count; i++) {
      const cand *c = &x->cands[i];
      int f = 1, r = reached(x, i);
      btry *bt = &x->tries[c->bt];
      /* bounded like the text: a bucket of 50,000 entries is not a report */
      if (bt->shown >= JSON_PER_BUCKET && (int)i != x->winner && (int)i != x->runner_up) continue;
      bt->shown++;
      gwr__buf_puts(x->out, listed++ ? ",{" : "{");
      jnum_key(x, &f, "rank", c->e->rank);
      jstr_key(x, &f, "plane", gwr__sv_cstr(c->plane ? "http" : "grpc"));
      jkey(x, &f, "bucket");
      tmp_reset(x);
      bucket_name(x, &x->tries[c->bt]);
      put_tmp(x);
      jkey(x, &f, "route");
      tmp_reset(x);
      tmp_sv(x, route_of(x, c)->r->meta.ns);
      gwr__buf_puts(&x->tmp, "/");
      tmp_sv(x, route_of(x, c)->r->meta.name);
      put_tmp(x);
      jstr_key(x, &f, "kind", gwr__sv_cstr(route_of(x, c)->kind));
      jnum_key(x, &f, "rule", c->e->rule);
      jnum_key(x, &f, "match", c->e->match);
      jkey(x, &f, "field");
      tmp_reset(x);
      phrase_field(x, c);
      put_tmp(x);
      jkey(x, &f, "conditions");
      gwr__buf_puts(x->out, "[");
      for (k = 0; k < condition_count(c); k++) {
        if (k) gwr__buf_puts(x->out, ",");
        tmp_reset(x);
        phrase_condition(x, c, k);
        put_tmp(x);
      }
      gwr__buf_puts(x->out, "]");
      jstr_key(x, &f, "result", gwr__sv_cstr(!r ? "not reached" : c->matched ? "matched" : "failed"));
      jkey(x, &f, "failed");
      if (!r || c->matched) gwr__buf_puts(x->out, "[]");
      else render_failures_json(x, c);
      jbool_key(x, &f, "winner", (int)i == x->winner);
      gwr__buf_puts(x->out, "}");
    }
    gwr__buf_printf(x->out, "],\"candidates_omitted\":%u", (unsigned)(x->cand_count - listed));
    return;
  }
  if (!x->cand_count) {
    if (x->try_count) gwr__buf_puts(x->out, "candidates none: no bucket for this host has entries\n");
    return;
  }
  gwr__buf_puts(x->out, "candidates (precedence order):\n");
  for (i = 0; i < x->cand_count; i++) {
    const cand *c = &x->cands[i];
    btry *bt = &x->tries[c->bt];
    int r = reached(x, i);
    if (bt->shown >= SHOW_PER_BUCKET && (int)i != x->winner && (int)i != x->runner_up) continue;
    bt->shown++;
    gwr__buf_printf(x->out, "  #%u ", (unsigned)i + 1);
    cand_label(x, c);
    put_tmp(x);
    gwr__buf_puts(x->out, "  ");
    render_conditions_text(x, c);
    gwr__buf_puts(x->out, "  [");
    tmp_reset(x);
    bucket_name(x, bt);
    put_tmp(x);
    gwr__buf_puts(x->out, "]  ");
    if ((int)i == x->winner) gwr__buf_puts(x->out, "matched  <- winner");
    else if (!r)
      gwr__buf_puts(x->out, (int)i == x->runner_up ? "not reached (lower precedence; would also match)"
                                                   : "not reached (lower precedence)");
    else if (c->matched) gwr__buf_puts(x->out, "matched");
    else {
      tmp_reset(x);
      phrase_failure(x, c, c->first);
      put_tmp(x);
    }
    gwr__buf_puts(x->out, "\n");
  }
  for (k = 0; k < x->try_count; k++)
    if (x->tries[k].count > x->tries[k].shown) {
      gwr__buf_printf(x->out, "  ... %u more on ", (unsigned)(x->tries[k].count - x->tries[k].shown));
      tmp_reset(x);
      bucket_name(x, &x->tries[k]);
      put_tmp(x);
      gwr__buf_puts(x->out, "\n");
    }
}

static void render_winner(xctx *x) {
  const cand *w = x->winner >= 0 ? &x->cands[x->winner] : NULL;
  const cand *ru = x->runner_up >= 0 ? &x->cands[x->runner_up] : NULL;
  const char *by = NULL;
  if (x->json) {
    int f = 1;
    gwr__buf_puts(x->out, ",\"winner\":");
    if (!w) {
      gwr__buf_puts(x->out, "null");
      return;
    }
    gwr__buf_puts(x->out, "{");
    jkey(x, &f, "route");
    tmp_reset(x);
    tmp_sv(x, route_of(x, w)->r->meta.ns);
    gwr__buf_puts(&x->tmp, "/");
    tmp_sv(x, route_of(x, w)->r->meta.name);
    put_tmp(x);
    jstr_key(x, &f, "kind", gwr__sv_cstr(route_of(x, w)->kind));
    jnum_key(x, &f, "rule", w->e->rule);
    jnum_key(x, &f, "match", w->e->match);
    jnum_key(x, &f, "rank", w->e->rank);
    jkey(x, &f, "field");
    tmp_reset(x);
    phrase_field(x, w);
    put_tmp(x);
    if (ru) {
      tmp_reset(x);
      by = decide(x, w, ru);
      jstr_key(x, &f, "decided_by", gwr__sv_cstr(by));
      jkey(x, &f, "decided_because");
      put_tmp(x);
      jkey(x, &f, "runner_up");
      gwr__buf_puts(x->out, "{");
      {
        int g = 1;
        jkey(x, &g, "route");
        tmp_reset(x);
        tmp_sv(x, route_of(x, ru)->r->meta.ns);
        gwr__buf_puts(&x->tmp, "/");
        tmp_sv(x, route_of(x, ru)->r->meta.name);
        put_tmp(x);
        jnum_key(x, &g, "rule", ru->e->rule);
        jnum_key(x, &g, "match", ru->e->match);
        jkey(x, &g, "field");
        tmp_reset(x);
        phrase_field(x, ru);
        put_tmp(x);
      }
      gwr__buf_puts(x->out, "}");
    } else {
      jstr_key(x, &f, "decided_by", gwr__sv_cstr("only match"));
      jkey(x, &f, "runner_up");
      gwr__buf_puts(x->out, "null");
    }
    gwr__buf_puts(x->out, "}");
    return;
  }
  if (!w) return;
  gwr__buf_puts(x->out, "winner   ");
  cand_label(x, w);
  put_tmp(x);
  if (ru) {
    gwr__buf_printf(x->out, " won over #%d ", x->runner_up + 1);
    cand_label(x, ru);
    put_tmp(x);
    gwr__buf_puts(x->out, " by ");
    tmp_reset(x);
    decide(x, w, ru);
    put_tmp(x);
    gwr__buf_puts(x->out, "\n");
  } else {
    gwr__buf_puts(x->out, ": the only candidate that matched\n");
  }
}

/* ---- filters and backends (from gwr_match()'s decision) -------------------------- */

static void phrase_objref(xctx *x, const gwr__objref *r) {
  if (r->kind.len && !gwr__sv_eq_cstr(r->kind, "Service")) {
    tmp_sv(x, r->kind);
    gwr__buf_puts(&x->tmp, " ");
  }
  tmp_sv(x, r->ns);
  gwr__buf_puts(&x->tmp, "/");
  tmp_sv(x, r->name);
  if (r->port) gwr__buf_printf(&x->tmp, ":%u", (unsigned)r->port);
}

static void phrase_pathmod(xctx *x, const gwr__path_mod *p) {
  if (p->type == GWR_PATHMOD_FULL) {
    gwr__buf_puts(&x->tmp, " path ReplaceFullPath ");
    tmp_sv(x, p->value);
  } else if (p->type == GWR_PATHMOD_PREFIX) {
    gwr__buf_puts(&x->tmp, " path ReplacePrefixMatch ");
    tmp_sv(x, p->value);
  } else if (p->type == GWR_PATHMOD_CAPTURES) { /* lowered from an Ingress */
    gwr__buf_puts(&x->tmp, " path rewrite-target (capture groups of the path regex) ");
    tmp_sv(x, p->value);
  }
}

static void emit_filter(xctx *x, const char *level) {
  if (x->json) {
    gwr__buf_puts(x->out, x->jcount++ ? ",{\"level\":" : "{\"level\":");
    gwr__buf_json_str(x->out, level, strlen(level));
    gwr__buf_puts(x->out, ",\"filter\":");
    put_tmp(x);
    gwr__buf_puts(x->out, "}");
  } else {
    gwr__buf_printf(x->out, "  %-8s ", level);
    put_tmp(x);
    gwr__buf_puts(x->out, "\n");
  }
}

static int describe_filters(xctx *x, const gwr__tfilters *f, const char *level, int which) {
  uint32_t i;
  int n = 0;
  gwr_str s;
  static const char *const ops[] = {"", "set", "add", "remove"};
  if (!f) return 0;
  for (i = 0; i < f->req_op_count; i++, n++) {
    tmp_reset(x);
    gwr__buf_printf(&x->tmp, "RequestHeaderModifier %s ", ops[f->req_ops[i].op & 3]);
    tmp_sv(x, f->req_ops[i].name);
    if (f->req_ops[i].op != GWR_HEADER_OP_REMOVE) {
      gwr__buf_puts(&x->tmp, ": ");
      tmp_sv(x, f->req_ops[i].value);
    }
    emit_filter(x, level);
  }
  for (i = 0; i < f->resp_op_count; i++, n++) {
    tmp_reset(x);
    gwr__buf_printf(&x->tmp, "ResponseHeaderModifier %s ", ops[f->resp_ops[i].op & 3]);
    tmp_sv(x, f->resp_ops[i].name);
    if (f->resp_ops[i].op != GWR_HEADER_OP_REMOVE) {
      gwr__buf_puts(&x->tmp, ": ");
      tmp_sv(x, f->resp_ops[i].value);
    }
    emit_filter(x, level);
  }
  if (f->redirect) {
    const gwr__redirect *r = f->redirect;
    tmp_reset(x);
    gwr__buf_printf(&x->tmp, "RequestRedirect status %d", r->status);
    if (r->scheme.len) {
      gwr__buf_puts(&x->tmp, " scheme ");
      tmp_sv(x, r->scheme);
    }
    if (r->hostname.len) {
      gwr__buf_puts(&x->tmp, " hostname ");
      tmp_sv(x, r->hostname);
    }
    if (r->port) gwr__buf_printf(&x->tmp, " port %u", (unsigned)r->port);
    phrase_pathmod(x, &r->path);
    if (x->d->fl[which] == f && x->d->location.len) {
      gwr__buf_puts(&x->tmp, " -> Location ");
      tmp_sv(x, x->d->location);
    }
    emit_filter(x, level);
    n++;
  }
  if (f->rewrite) {
    tmp_reset(x);
    gwr__buf_puts(&x->tmp, "URLRewrite");
    if (f->rewrite->hostname.len) {
      gwr__buf_puts(&x->tmp, " hostname ");
      tmp_sv(x, f->rewrite->hostname);
    }
    phrase_pathmod(x, &f->rewrite->path);
    if (x->d->fl[which] == f && gwr_decision_str(x->d, GWR_DS_UPSTREAM_PATH, &s) == GWR_OK) {
      gwr__buf_puts(&x->tmp, " -> upstream path ");
      tmp_sv(x, s);
      if (gwr_decision_str(x->d, GWR_DS_UPSTREAM_HOST, &s) == GWR_OK) {
        gwr__buf_puts(&x->tmp, ", host ");
        tmp_sv(x, s);
      }
    }
    emit_filter(x, level);
    n++;
  }
  for (i = 0; i < f->mirror_count; i++, n++) {
    const gwr__tmirror *m = &f->mirrors[i];
    tmp_reset(x);
    gwr__buf_puts(&x->tmp, "RequestMirror to ");
    if (m->ab->ref) phrase_objref(x, m->ab->ref);
    gwr__buf_printf(&x->tmp, " (%llu/%llu of requests%s)", (unsigned long long)m->numerator,
                    (unsigned long long)m->denominator, m->ab->valid ? "" : ", backend invalid");
    if (x->d->fl[which] == f && i < 32)
      gwr__buf_puts(&x->tmp, x->d->mirror_mask[which] >> i & 1 ? ": mirrored this request" : ": not sampled for this request");
    emit_filter(x, level);
  }
  if (f->cors) {
    tmp_reset(x);
    gwr__buf_printf(&x->tmp, "CORS (%lu allowed origin%s)", (unsigned long)f->cors->origin_count,
                    f->cors->origin_count == 1 ? "" : "s");
    if (x->d->fl[which] == f && x->d->action == GWR_ACTION_RESPOND && x->d->status == 204)
      gwr__buf_puts(&x->tmp, ": preflight answered");
    emit_filter(x, level);
    n++;
  }
  for (i = 0; i < f->extension_count; i++, n++) {
    tmp_reset(x);
    gwr__buf_puts(&x->tmp, "ExtensionRef ");
    tmp_sv(x, f->extensions[i]->group);
    gwr__buf_puts(&x->tmp, "/");
    tmp_sv(x, f->extensions[i]->kind);
    gwr__buf_puts(&x->tmp, " ");
    tmp_sv(x, f->extensions[i]->name);
    emit_filter(x, level);
  }
  return n;
}

static const gwr__trule *winner_rule(const xctx *x) {
  if (x->d->trule) return x->d->trule;
  if (x->winner >= 0) return gwr__trule_at(x->t, x->cands[x->winner].e->rule_id);
  return NULL;
}

static void render_filters(xctx *x) {
  const gwr__trule *r = winner_rule(x);
  const gwr__tfilters *bf = NULL;
  uint32_t i;
  int n = 0;
  if (r && x->d->backend)
    for (i = 0; i < r->backend_count; i++)
      if (r->backends[i].ab == x->d->backend) bf = r->backends[i].filters;
  x->jcount = 0;
  if (x->json) gwr__buf_puts(x->out, ",\"filters\":[");
  else if (r) gwr__buf_puts(x->out, "filters\n");
  if (r) {
    n += describe_filters(x, r->filters, "rule", 0);
    n += describe_filters(x, bf, "backend", 1);
  }
  if (x->json) gwr__buf_puts(x->out, "]");
  else if (r && !n) gwr__buf_puts(x->out, "  none\n");
}

static void render_backends(xctx *x) {
  const gwr__trule *r = winner_rule(x);
  uint32_t i;
  if (x->json) gwr__buf_puts(x->out, ",\"backends\":[");
  else if (r) {
    gwr__buf_printf(x->out, "backends (rule total weight %llu", (unsigned long long)r->total_weight);
    if (r->backend_count > 1 && r->total_weight) {
      uint64_t v = x->req.key.len ? gwr__hash(x->req.key.ptr, x->req.key.len, 0) : x->req.choice;
      gwr__buf_printf(x->out, "; this request draws %llu from its %s)\n", (unsigned long long)(v % r->total_weight),
                      x->req.key.len ? "key" : "choice");
    } else {
      gwr__buf_puts(x->out, ")\n");
    }
    if (!r->backend_count) gwr__buf_puts(x->out, "  none: the rule has no backendRefs\n");
  }
  for (i = 0; r && i < r->backend_count; i++) {
    const gwr__tbackend *b = &r->backends[i];
    uint64_t w = (uint64_t)b->ab->b->weight;
    double pct = r->total_weight ? 100.0 * (double)w / (double)r->total_weight : 0.0;
    int chosen = x->d->backend == b->ab;
    tmp_reset(x);
    phrase_objref(x, &b->ab->b->ref);
    if (x->json) {
      int f = 1;
      gwr__buf_puts(x->out, i ? ",{" : "{");
      jkey(x, &f, "backend");
      put_tmp(x);
      jnum_key(x, &f, "weight", (long long)w);
      jkey(x, &f, "percent");
      gwr__buf_printf(x->out, "%.2f", pct);
      jbool_key(x, &f, "valid", b->valid);
      jkey(x, &f, "message");
      out_cstr(x, b->valid ? "" : b->ab->message);
      jbool_key(x, &f, "chosen", chosen);
      gwr__buf_puts(x->out, "}");
    } else {
      gwr__buf_puts(x->out, "  ");
      put_tmp(x);
      gwr__buf_printf(x->out, "  weight %llu of %llu (%.1f%%)", (unsigned long long)w,
                      (unsigned long long)r->total_weight, pct);
      if (!b->valid) {
        gwr__buf_puts(x->out, ", invalid: ");
        out_cstr(x, b->ab->message);
      }
      gwr__buf_puts(x->out, chosen ? "  <- chosen\n" : "\n");
    }
  }
  if (x->json) gwr__buf_puts(x->out, "]");
}

static void render_decision(xctx *x) {
  const gwr_decision *d = x->d;
  gwr_str s;
  if (x->json) {
    int f = 1;
    gwr__buf_puts(x->out, ",\"decision\":{");
    jstr_key(x, &f, "action", gwr__sv_cstr(gwr__action_name(d->action)));
    jnum_key(x, &f, "status", d->status);
    jnum_key(x, &f, "grpc_status", d->grpc_status);
    jstr_key(x, &f, "reason", gwr__sv_cstr(d->reason));
    jkey(x, &f, "listener");
    if (d->listener) gwr__buf_json_sv(x->out, listener_full(d->listener));
    else gwr__buf_puts(x->out, "null");
    jkey(x, &f, "route");
    if (d->route) {
      tmp_reset(x);
      tmp_sv(x, d->route->r->meta.ns);
      gwr__buf_puts(&x->tmp, "/");
      tmp_sv(x, d->route->r->meta.name);
      put_tmp(x);
    } else {
      gwr__buf_puts(x->out, "null");
    }
    jnum_key(x, &f, "rule", d->rule);
    jnum_key(x, &f, "match", d->match);
    jkey(x, &f, "backend");
    if (d->backend && d->backend->b) {
      tmp_reset(x);
      phrase_objref(x, &d->backend->b->ref);
      put_tmp(x);
    } else {
      gwr__buf_puts(x->out, "null");
    }
    gwr_decision_str(d, GWR_DS_UPSTREAM_HOST, &s);
    jstr_key(x, &f, "upstream_host", s);
    gwr_decision_str(d, GWR_DS_UPSTREAM_PATH, &s);
    jstr_key(x, &f, "upstream_path", s);
    gwr_decision_str(d, GWR_DS_LOCATION, &s);
    jstr_key(x, &f, "location", s);
    gwr__buf_puts(x->out, "}");
    return;
  }
  gwr__buf_printf(x->out, "decision %s", gwr__action_name(d->action));
  if (d->action == GWR_ACTION_FORWARD && d->backend && d->backend->b) {
    tmp_reset(x);
    phrase_objref(x, &d->backend->b->ref);
    gwr__buf_puts(x->out, " to ");
    put_tmp(x);
    if (!x->layer4) {
      gwr_decision_str(d, GWR_DS_UPSTREAM_PATH, &s);
      gwr__buf_puts(x->out, ", path ");
      out_str(x, s);
      gwr_decision_str(d, GWR_DS_UPSTREAM_HOST, &s);
      gwr__buf_puts(x->out, ", host ");
      out_str(x, s);
    }
  } else if (d->action == GWR_ACTION_REDIRECT || d->action == GWR_ACTION_RESPOND) {
    gwr__buf_printf(x->out, " %d", (int)d->status);
    if (d->location.len) {
      gwr__buf_puts(x->out, " Location ");
      out_str(x, d->location);
    }
  }
  if (d->grpc_status >= 0) gwr__buf_printf(x->out, ", grpc-status %d", (int)d->grpc_status);
  if (d->reason && d->reason[0]) {
    gwr__buf_puts(x->out, " (");
    out_cstr(x, d->reason);
    gwr__buf_puts(x->out, ")");
  }
  gwr__buf_puts(x->out, "\n");
}

/* ---- nearest misses of a 404 ------------------------------------------------------- */

static int miss_cmp(const void *pa, const void *pb) {
  const cand *a = *(const cand *const *)pa, *b = *(const cand *const *)pb;
  if (a->nfail != b->nfail) return a->nfail < b->nfail ? -1 : 1;
  return cand_cmp(a, b);
}

/* Trailing labels two hostnames share ("a.example.com", "*.example.com": 2). */
static uint32_t common_labels(gwr__sv a, gwr__sv b) {
  size_t i = a.len, j = b.len;
  uint32_t n = 0;
  while (i > 0 && j > 0) {
    size_t si = i, sj = j;
    while (si > 0 && a.ptr[si - 1] != '.') si--;
    while (sj > 0 && b.ptr[sj - 1] != '.') sj--;
    if (i - si != j - sj || memcmp(a.ptr + si, b.ptr + sj, i - si) != 0) break;
    n++;
    if (si == 0 || sj == 0) break;
    i = si - 1;
    j = sj - 1;
  }
  return n;
}

typedef struct near_host {
  gwr__sv name;
  uint32_t common;
} near_host;

static int near_cmp(const void *pa, const void *pb) {
  const near_host *a = pa, *b = pb;
  if (a->common != b->common) return a->common > b->common ? -1 : 1;
  return gwr__sv_cmp(a->name, b->name);
}

static void render_misses(xctx *x) {
  const cand **m = NULL;
  near_host *nh = NULL;
  uint32_t i, n = 0, hn = 0, k;
  int any_bucket = 0, is404 = x->winner < 0 && x->chosen != GWR_NONE && !x->stop;
  if (is404) {
    m = xalloc(x, x->cand_count, sizeof *m);
    for (i = 0; m && i < x->cand_count; i++) m[n++] = &x->cands[i];
    if (n) qsort(m, n, sizeof *m, miss_cmp);
    if (n > NEAREST) n = NEAREST;
    for (i = 0; i < x->try_count; i++) any_bucket |= x->tries[i].bucket != GWR_NONE;
  }
  if (x->json) gwr__buf_puts(x->out, ",\"nearest_misses\":[");
  else if (n) gwr__buf_puts(x->out, "nearest misses (fewest failing conditions):\n");
  for (i = 0; i < n; i++) {
    failrec f[MAX_FAILS];
    int nf = evaluate(x, m[i]->e, f), j;
    if (x->json) {
      int g = 1;
      gwr__buf_puts(x->out, i ? ",{" : "{");
      jkey(x, &g, "route");
      tmp_reset(x);
      tmp_sv(x, route_of(x, m[i])->r->meta.ns);
      gwr__buf_puts(&x->tmp, "/");
      tmp_sv(x, route_of(x, m[i])->r->meta.name);
      put_tmp(x);
      jstr_key(x, &g, "kind", gwr__sv_cstr(route_of(x, m[i])->kind));
      jkey(x, &g, "field");
      tmp_reset(x);
      phrase_field(x, m[i]);
      put_tmp(x);
      jnum_key(x, &g, "failing", nf);
      jkey(x, &g, "failed");
      render_failures_json(x, m[i]);
      gwr__buf_puts(x->out, "}");
      continue;
    }
    gwr__buf_puts(x->out, "  ");
    cand_label(x, m[i]);
    put_tmp(x);
    gwr__buf_printf(x->out, ": %d failing: ", nf);
    for (j = 0; j < nf && j < MAX_FAILS; j++) {
      if (j) gwr__buf_puts(x->out, "; ");
      tmp_reset(x);
      phrase_failure(x, m[i], f[j]);
      put_tmp(x);
    }
    gwr__buf_puts(x->out, "\n");
  }
  if (x->json) gwr__buf_puts(x->out, "],\"closest_hostnames\":[");
  /* no bucket at all for this host: the listener's hostnames sharing a suffix */
  if (is404 && !any_bucket && x->host.len) {
    gwr__sv h = x->layer4 ? x->sni : x->host;
    for (i = 0; i < x->t->att.binding_count; i++)
      if (x->t->att.bindings[i].listener == x->chosen) hn += (uint32_t)x->t->att.bindings[i].host_count;
    nh = xalloc(x, hn, sizeof *nh);
    hn = 0;
    for (i = 0; nh && i < x->t->att.binding_count; i++) {
      const gwr__binding *b = &x->t->att.bindings[i];
      if (b->listener != x->chosen) continue;
      for (k = 0; k < b->host_count; k++) {
        uint32_t j, c = common_labels(b->hosts[k].name, h), dup = 0;
        if (!c || !b->hosts[k].name.len) continue;
        for (j = 0; j < hn; j++) dup |= gwr__sv_eq(nh[j].name, b->hosts[k].name);
        if (dup) continue;
        nh[hn].name = b->hosts[k].name;
        nh[hn++].common = c;
      }
    }
    if (hn) qsort(nh, hn, sizeof *nh, near_cmp);
    if (hn > NEAREST) hn = NEAREST;
    if (!x->json && hn) gwr__buf_puts(x->out, "closest hostnames on this listener:");
    for (i = 0; i < hn; i++) {
      if (x->json && i) gwr__buf_puts(x->out, ",");
      if (!x->json) gwr__buf_puts(x->out, i ? ", " : " ");
      out_str(x, nh[i].name);
    }
    if (!x->json && hn) gwr__buf_puts(x->out, "\n");
    if (!x->json && !hn) gwr__buf_puts(x->out, "no route on this listener serves this hostname\n");
  }
  if (x->json) gwr__buf_puts(x->out, "]");
  gwr__free(&x->t->alloc, m);
  gwr__free(&x->t->alloc, nh);
}

/* ---- the whole report ----------------------------------------------------------------- */

static const gwr__tgateway *gateway_of(const gwr_table *t, gwr_str name) {
  uint32_t g;
  if (name.len == 0) return t->gateway_count == 1 ? &t->gateways[0] : NULL;
  g = gwr__hmap_get(&t->gateway_index, name.ptr, name.len, 0);
  return g == GWR_NONE ? NULL : &t->gateways[g];
}

static void render(xctx *x) {
  int ok = consistent(x);
  if (x->json) gwr__buf_puts(x->out, "{");
  render_request(x);
  render_listeners(x);
  render_stop(x);
  render_planes(x);
  render_buckets(x);
  render_candidates(x);
  render_winner(x);
  render_filters(x);
  render_backends(x);
  render_decision(x);
  render_misses(x);
  if (x->json) {
    gwr__buf_printf(x->out, ",\"consistent\":%s}", ok ? "true" : "false");
    if (!ok) {
      /* the JSON says it with the flag; nothing else to add */
    }
    return;
  }
  if (!ok) {
    gwr__buf_puts(x->out, "INCONSISTENT: the explanation's winner ");
    if (x->winner >= 0) {
      cand_label(x, &x->cands[x->winner]);
      put_tmp(x);
    } else {
      gwr__buf_puts(x->out, "(none)");
    }
    gwr__buf_puts(x->out, " differs from gwr_match()'s ");
    if (x->d->route) {
      tmp_reset(x);
      phrase_route(x, x->d->route);
      gwr__buf_printf(&x->tmp, " spec.rules[%d].matches[%d]", (int)x->d->rule, (int)x->d->match);
      put_tmp(x);
    } else {
      gwr__buf_puts(x->out, "(none)");
    }
    gwr__buf_puts(x->out, "\n");
  }
}

int gwr__explain_render(gwr__buf *b, const gwr_table *t, const gwr_request *req, int format) {
  xctx x;
  int rc;
  if (!b || !t || !req || (format != GWR_FORMAT_TEXT && format != GWR_FORMAT_JSON)) return GWR_E_INVALID;
  memset(&x, 0, sizeof x);
  x.t = t;
  x.out = b;
  x.json = format == GWR_FORMAT_JSON;
  if (gwr__request_copy(&x.req, req) != GWR_OK) return GWR_E_INVALID;
  if (!(x.g = gateway_of(t, x.req.gateway))) return GWR_E_NOTFOUND;
  if ((rc = gwr_decision_new(&x.d, t)) != GWR_OK) return rc;
  rc = gwr_match(x.d, t, &x.req);
  if (rc != GWR_OK) goto out;
  gwr__buf_init(&x.tmp, &t->alloc);
  gwr__buf_init(&x.join, &t->alloc);
  x.rx = x.d->rx;
  x.https = x.req.scheme.len == 5 && memcmp(x.req.scheme.ptr, "https", 5) == 0;
  x.port = x.req.port ? x.req.port : (x.https || x.req.protocol == GWR_PROTOCOL_TLS ? 443 : 80);
  x.method_code = gwr__method_code(x.req.method);
  x.layer4 = x.req.protocol >= GWR_PROTOCOL_TLS;
  x.sni = gwr__sv_make(x.sni_buf, 0);
  x.sni_ok = 1;
  if (x.layer4) {
    x.proto = x.req.protocol == GWR_PROTOCOL_TLS ? GWR_PROTO_TLS
              : x.req.protocol == GWR_PROTOCOL_TCP ? GWR_PROTO_TCP : GWR_PROTO_UDP;
    if (x.proto == GWR_PROTO_TLS) x.sni_ok = norm_host(x.sni_buf, x.req.sni, &x.sni);
    x.host_ok = 1;
    x.host = gwr__sv_make(x.host_buf, 0);
  } else {
    x.grpc = request_is_grpc(&x.req);
    x.host_ok = norm_host(x.host_buf, x.req.host, &x.host);
    x.proto = x.https ? GWR_PROTO_HTTPS : GWR_PROTO_HTTP;
    if (x.https) x.sni_ok = norm_host(x.sni_buf, x.req.sni.len ? x.req.sni : x.req.host, &x.sni);
  }
  choose_listener(&x);
  if (!x.oom) walk(&x);
  if (!x.path.ptr && !x.oom) normalise_request_path(&x); /* to show it */
  if (!x.oom) render(&x);
  rc = x.oom || b->failed || x.tmp.failed ? GWR_E_NOMEM : GWR_OK;
out:
  gwr__buf_free(&x.tmp);
  gwr__buf_free(&x.join);
  gwr__free(&t->alloc, x.ls);
  gwr__free(&t->alloc, x.tries);
  gwr__free(&t->alloc, x.cands);
  gwr__free(&t->alloc, x.path_buf);
  gwr_decision_free(x.d);
  return rc;
}

int gwr_explain(const gwr_table *t, const gwr_request *req, int32_t format, char **out) {
  gwr__buf b;
  int rc;
  if (!out) return GWR_E_INVALID;
  *out = NULL;
  if (!t || !req) return GWR_E_INVALID;
  gwr__buf_init(&b, &t->alloc);
  rc = gwr__explain_render(&b, t, req, format);
  if (rc != GWR_OK) {
    gwr__buf_free(&b);
    return rc;
  }
  return gwr__buf_finish(&b, out);
}
