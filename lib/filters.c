/* SPDX-License-Identifier: Apache-2.0 */
/*
 * filters.c - HTTPRoute filters (digest §5, §4.5): compiled once per filter
 * list at table build time, then carried into a decision at match time.
 *
 * Compile: header modifiers become ordered operation lists; CORS lists are
 * joined into the header values they produce; mirrors keep their resolved
 * backend and sample rate. Match (gwr__filters_apply): redirect Location,
 * URLRewrite path/host, mirror sampling and CORS headers are written into
 * the decision's pre-sized scratch - never the heap.
 */
#include <stdio.h>

#include "decision.h"
#include "filters.h"

/* The first value of a request header (Origin and the CORS request headers
 * are single-valued; no joining, so views never share scratch). */
static int first_header(const gwr_decision *d, const char *name, gwr__sv *out) {
  size_t i;
  gwr__sv n = gwr__sv_cstr(name);
  for (i = 0; i < d->req.header_count; i++)
    if (gwr__sv_casecmp_eq(d->req.headers[i].name, n)) {
      *out = d->req.headers[i].value;
      return 1;
    }
  return 0;
}

/* ---- compile ----------------------------------------------------------------- */

static int add_ops(gwr__arena *ar, gwr__hop **ops, uint32_t *count, const gwr__header_mod *h) {
  size_t n = h->set_count + h->add_count + h->remove_count, i, k = *count;
  gwr__hop *grown = gwr__arena_array(ar, k + n + 1, sizeof *grown);
  if (!grown) return GWR_E_NOMEM;
  if (k) memcpy(grown, *ops, k * sizeof *grown);
  for (i = 0; i < h->set_count; i++, k++) {
    grown[k].op = GWR_HEADER_OP_SET;
    grown[k].name = h->set[i].key;
    grown[k].value = h->set[i].value;
  }
  for (i = 0; i < h->add_count; i++, k++) {
    grown[k].op = GWR_HEADER_OP_ADD;
    grown[k].name = h->add[i].key;
    grown[k].value = h->add[i].value;
  }
  for (i = 0; i < h->remove_count; i++, k++) {
    grown[k].op = GWR_HEADER_OP_REMOVE;
    grown[k].name = h->remove[i];
    grown[k].value = gwr__sv_make("", 0);
  }
  *ops = grown;
  *count = (uint32_t)k;
  return GWR_OK;
}

/* "GET, PUT" from a list (views into the arena). */
static gwr__sv join(gwr__arena *ar, const gwr__sv *items, size_t n) {
  size_t i, len = 0, o = 0;
  char *p;
  for (i = 0; i < n; i++) len += items[i].len + 2;
  p = gwr__arena_alloc(ar, len + 1);
  if (!p) return gwr__sv_make(NULL, 0);
  for (i = 0; i < n; i++) {
    if (i) {
      p[o++] = ',';
      p[o++] = ' ';
    }
    memcpy(p + o, items[i].ptr, items[i].len);
    o += items[i].len;
  }
  p[o] = '\0';
  return gwr__sv_make(p, o);
}

static int compile_cors(gwr__tfilters *out, gwr__arena *ar, const gwr__cors *c) {
  char *age = gwr__arena_printf(ar, "%lld", (long long)c->max_age);
  out->cors = c;
  out->cors_methods = join(ar, c->methods, c->method_count);
  out->cors_headers = join(ar, c->allow_headers, c->allow_header_count);
  out->cors_expose = join(ar, c->expose_headers, c->expose_header_count);
  out->cors_max_age = gwr__sv_cstr(age);
  return age && out->cors_methods.ptr && out->cors_headers.ptr && out->cors_expose.ptr ? GWR_OK
                                                                                    : GWR_E_NOMEM;
}

/* The resolved mirror of filter f, if it is valid (F28: invalid ones drop). */
static const gwr__att_backend *mirror_of(const gwr__att_rule *rule, const gwr__filter *f) {
  size_t i;
  for (i = 0; i < rule->mirror_count; i++)
    if (rule->mirrors[i].mirror == f) return rule->mirrors[i].valid ? &rule->mirrors[i] : NULL;
  return NULL;
}

static void add_mirror(gwr__tfilters *out, const gwr__att_backend *ab, const gwr__mirror *m,
                       uint64_t seed) {
  gwr__tmirror *tm = &out->mirrors[out->mirror_count++];
  tm->ab = ab;
  tm->seed = seed;
  tm->numerator = 100; /* F27: neither percent nor fraction = always */
  tm->denominator = 100;
  if (m->percent_set) tm->numerator = (uint64_t)m->percent;
  if (m->fraction_set) {
    tm->numerator = (uint64_t)m->numerator;
    tm->denominator = (uint64_t)m->denominator;
  }
}

static const gwr__tfilters no_filters; /* read-only: shared by every empty list */

int gwr__filters_compile(const gwr__tfilters **result, gwr__arena *ar, const gwr__filter *fs,
                         size_t n, const gwr__att_rule *rule, uint64_t seed) {
  size_t i;
  int rc = GWR_OK;
  gwr__tfilters *out;
  *result = &no_filters;
  if (n == 0) return GWR_OK;
  out = gwr__arena_alloc(ar, sizeof *out);
  if (!out) return GWR_E_NOMEM;
  out->mirrors = gwr__arena_array(ar, n, sizeof *out->mirrors);
  out->extensions = gwr__arena_array(ar, n, sizeof *out->extensions);
  if (!out->mirrors || !out->extensions) return GWR_E_NOMEM;
  *result = out;
  for (i = 0; i < n && rc == GWR_OK; i++) {
    const gwr__filter *f = &fs[i];
    const gwr__att_backend *ab;
    switch (f->type) {
      case GWR_FILTER_REQUEST_HEADER: rc = add_ops(ar, &out->req_ops, &out->req_op_count, &f->headers); break;
      case GWR_FILTER_RESPONSE_HEADER: rc = add_ops(ar, &out->resp_ops, &out->resp_op_count, &f->headers); break;
      case GWR_FILTER_REDIRECT: out->redirect = &f->redirect; break;
      case GWR_FILTER_REWRITE: out->rewrite = &f->rewrite; break;
      case GWR_FILTER_CORS: rc = compile_cors(out, ar, &f->cors); break;
      case GWR_FILTER_EXTENSION_REF: out->extensions[out->extension_count++] = &f->extension; break;
      case GWR_FILTER_MIRROR:
        if ((ab = mirror_of(rule, f))) add_mirror(out, ab, &f->mirror, GWR_MIRROR_SEED(seed, i));
        break;
      default: break;
    }
  }
  return rc;
}

/* ---- apply: paths and locations ------------------------------------------------ */

/* F21: Rn + (path without the matched prefix Pn); "" becomes "/". */
static size_t replace_prefix(char *out, gwr__sv path, gwr__sv prefix, gwr__sv repl) {
  size_t pn = prefix.len, rn = repl.len, o;
  if (pn && prefix.ptr[pn - 1] == '/') pn--;
  if (rn && repl.ptr[rn - 1] == '/') rn--;
  if (pn > path.len) pn = path.len;
  memcpy(out, repl.ptr, rn);
  memcpy(out + rn, path.ptr + pn, path.len - pn);
  o = rn + path.len - pn;
  if (o == 0) out[o++] = '/';
  return o;
}

/* The modified path (without query) into out; returns its length. */
static size_t modified_path(char *out, const gwr__path_mod *pm, gwr__sv path, gwr__sv prefix) {
  if (pm->type == GWR_PATHMOD_FULL) {
    memcpy(out, pm->value.ptr, pm->value.len);
    return pm->value.len;
  }
  if (pm->type == GWR_PATHMOD_PREFIX) return replace_prefix(out, path, prefix, pm->value);
  memcpy(out, path.ptr, path.len);
  return path.len;
}

static size_t append_query(char *out, size_t o, gwr__sv query, int has_query) {
  if (!has_query) return o;
  out[o++] = '?';
  memcpy(out + o, query.ptr, query.len);
  return o + query.len;
}

/* ingress-nginx `rewrite PATH TARGET`: the whole path becomes TARGET with
 * $1..$9 replaced by the groups of the matched path regex (the same
 * groups nginx's unanchored search finds, as the location's match starts
 * the path). Returns the length, or 0 when it does not fit or fails. */
static size_t capture_rewrite(gwr_decision *d, char *out, size_t cap, gwr__sv target, const gwr__match_view *mv) {
  size_t ov[20], o = 0, i;
  int pairs = mv->path_re ? gwr__regex_captures(d->rx_env, mv->path_re, d->rx, mv->path.ptr, mv->path.len, ov, 10)
                          : -1;
  if (pairs < 0) return 0;
  for (i = 0; i < target.len; i++) {
    char c = target.ptr[i];
    if (c == '$' && i + 1 < target.len && target.ptr[i + 1] >= '1' && target.ptr[i + 1] <= '9') {
      int g = target.ptr[++i] - '0';
      size_t n = (g < pairs && ov[2 * g] != (size_t)-1) ? ov[2 * g + 1] - ov[2 * g] : 0;
      if (o + n >= cap) return 0;
      if (n) memcpy(out + o, mv->path.ptr + ov[2 * g], n);
      o += n;
    } else {
      if (o + 1 >= cap) return 0;
      out[o++] = c;
    }
  }
  if (o == 0) out[o++] = '/';
  return o;
}

/* URLRewrite (F20-F25): upstream path and Host. The scratch holds at most
 * path_cap bytes: a rewrite that would not fit answers 500 instead. */
static int apply_rewrite(gwr_decision *d, const gwr__rewrite *rw, const gwr__match_view *mv) {
  size_t o;
  if (rw->hostname.len) d->up_host = rw->hostname;
  if (!rw->path.type) return 1;
  if (mv->query.len + 2 >= d->path_cap) return 0;
  if (rw->path.type == GWR_PATHMOD_CAPTURES) {
    o = capture_rewrite(d, d->rewrite_buf, d->path_cap - mv->query.len - 2, rw->path.value, mv);
    if (o == 0 || o + mv->query.len + 2 > d->path_cap) return 0;
  } else {
    if (rw->path.value.len + mv->path.len + mv->query.len + 2 > d->path_cap) return 0;
    o = modified_path(d->rewrite_buf, &rw->path, mv->path, mv->prefix);
  }
  /* an Ingress rewrite-target with its own query: nginx joins with '&' */
  if (mv->has_query && memchr(d->rewrite_buf, '?', o)) {
    d->rewrite_buf[o++] = '&';
    memcpy(d->rewrite_buf + o, mv->query.ptr, mv->query.len);
    o += mv->query.len;
  } else {
    o = append_query(d->rewrite_buf, o, mv->query, mv->has_query);
  }
  d->up_path.ptr = d->rewrite_buf;
  d->up_path.len = o;
  return 1;
}

static int is_https_listener(const gwr_decision *d) {
  return d->listener && d->listener->al->l->protocol == GWR_PROTO_HTTPS;
}

/* F14-F19: scheme, host, port (omitted when well-known) and path. */
static int build_location(gwr_decision *d, const gwr__redirect *rd, const gwr__match_view *mv) {
  gwr__sv scheme = rd->scheme.len ? rd->scheme : gwr__sv_cstr(is_https_listener(d) ? "https" : "http");
  gwr__sv host = rd->hostname.len ? rd->hostname : mv->host;
  uint32_t port = rd->port;
  char *out = d->location_buf, portbuf[16] = "";
  size_t o;
  int https = gwr__sv_eq_cstr(scheme, "https");
  if (!port) port = rd->scheme.len ? (https ? 443 : 80) : (d->listener ? d->listener->al->l->port : 80);
  if (!((https && port == 443) || (!https && port == 80))) snprintf(portbuf, sizeof portbuf, ":%u", (unsigned)port);
  if (scheme.len + host.len + strlen(portbuf) + rd->path.value.len + mv->path.len + mv->query.len + 8 >
      d->path_cap)
    return 0;
  o = (size_t)snprintf(out, d->path_cap, "%.*s://%.*s%s", (int)scheme.len, scheme.ptr, (int)host.len,
                       host.ptr, portbuf);
  o += modified_path(out + o, &rd->path, mv->path, mv->prefix);
  if (!rd->drop_query) o = append_query(out, o, mv->query, mv->has_query);
  d->location.ptr = out;
  d->location.len = o;
  d->action = GWR_ACTION_REDIRECT;
  d->status = rd->status;
  d->reason = "redirect";
  d->own[0].name = gwr__sv_cstr("Location");
  d->own[0].value = d->location;
  d->own_count = 1;
  return 1;
}

/* ---- apply: CORS (F30-F35) -------------------------------------------------------- */

static int default_port(gwr__sv scheme) { return gwr__sv_eq_cstr(scheme, "https") ? 443 : 80; }

/* Split "scheme://host[:port]" into parts; 0 when malformed. */
static int split_origin(gwr__sv o, gwr__sv *scheme, gwr__sv *host, int *port) {
  const char *sep = NULL;
  size_t i, h;
  for (i = 0; i + 2 < o.len; i++)
    if (o.ptr[i] == ':' && o.ptr[i + 1] == '/' && o.ptr[i + 2] == '/') {
      sep = o.ptr + i;
      break;
    }
  if (!sep) return 0;
  *scheme = gwr__sv_make(o.ptr, i);
  h = i + 3;
  for (i = h; i < o.len && o.ptr[i] != ':'; i++) {
  }
  *host = gwr__sv_make(o.ptr + h, i - h);
  *port = default_port(*scheme);
  if (i < o.len) {
    int p = 0;
    size_t k;
    for (k = i + 1; k < o.len; k++) {
      if (o.ptr[k] < '0' || o.ptr[k] > '9' || p > 65535) return 0;
      p = p * 10 + (o.ptr[k] - '0');
    }
    *port = p;
  }
  return host->len > 0;
}

static int star_only(const gwr__sv *items, size_t n) { return n == 1 && gwr__sv_eq_cstr(items[0], "*"); }

/* Host `*` in a pattern matches one or more labels (never the bare suffix). */
static int origin_host_matches(gwr__sv pattern, gwr__sv host) {
  if (gwr__sv_eq_cstr(pattern, "*")) return 1;
  if (pattern.len > 2 && pattern.ptr[0] == '*' && pattern.ptr[1] == '.') {
    size_t sl = pattern.len - 1;
    return host.len > sl && gwr__sv_casecmp_eq(gwr__sv_make(host.ptr + host.len - sl, sl),
                                               gwr__sv_make(pattern.ptr + 1, sl));
  }
  return gwr__sv_casecmp_eq(pattern, host);
}

static int origin_allowed(const gwr__cors *c, gwr__sv origin) {
  gwr__sv os, oh, ps, ph;
  int op, pp;
  size_t i;
  if (star_only(c->origins, c->origin_count)) return 1; /* any origin, "null" included */
  if (!split_origin(origin, &os, &oh, &op)) return 0;
  for (i = 0; i < c->origin_count; i++) {
    if (gwr__sv_eq_cstr(c->origins[i], "*")) return 1;
    if (split_origin(c->origins[i], &ps, &ph, &pp) && gwr__sv_casecmp_eq(ps, os) && pp == op &&
        origin_host_matches(ph, oh))
      return 1;
  }
  return 0;
}

static void own_header(gwr_decision *d, const char *name, gwr__sv value) {
  if (d->own_count >= GWR_OWN_HEADERS || !value.len) return;
  d->own[d->own_count].name = gwr__sv_cstr(name);
  d->own[d->own_count++].value = value;
}

/* F31/F33: the engine's own answer to a preflight. */
static void cors_preflight(gwr_decision *d, const gwr__tfilters *f, gwr__sv origin) {
  const gwr__cors *c = f->cors;
  int creds = c->credentials == 1;
  gwr__sv acrm, acrh;
  d->action = GWR_ACTION_RESPOND;
  d->status = 204;
  d->reason = "CORS preflight";
  d->own_count = 0;
  if (!origin_allowed(c, origin)) return;
  if (!first_header(d, "access-control-request-method", &acrm)) acrm = gwr__sv_make("", 0);
  if (!first_header(d, "access-control-request-headers", &acrh)) acrh = gwr__sv_make("", 0);
  own_header(d, "Access-Control-Allow-Origin", star_only(c->origins, c->origin_count) && !creds ? gwr__sv_cstr("*") : origin);
  own_header(d, "Access-Control-Allow-Methods",
             star_only(c->methods, c->method_count) ? (creds ? acrm : gwr__sv_cstr("*")) : f->cors_methods);
  own_header(d, "Access-Control-Allow-Headers",
             star_only(c->allow_headers, c->allow_header_count) ? (creds ? acrh : gwr__sv_cstr("*"))
                                                                 : f->cors_headers);
  if (!(creds && star_only(c->expose_headers, c->expose_header_count)))
    own_header(d, "Access-Control-Expose-Headers", f->cors_expose);
  own_header(d, "Access-Control-Max-Age", f->cors_max_age);
  if (creds) own_header(d, "Access-Control-Allow-Credentials", gwr__sv_cstr("true"));
  own_header(d, "Vary", gwr__sv_cstr("Origin"));
}

static void cors_op(gwr_decision *d, int op, const char *name, gwr__sv value) {
  if (d->cors_op_count >= GWR_CORS_OPS || !value.len) return;
  d->cors_ops[d->cors_op_count].op = op;
  d->cors_ops[d->cors_op_count].name = gwr__sv_cstr(name);
  d->cors_ops[d->cors_op_count++].value = value;
}

/* F32/F33: headers added to the backend's response to an actual request. */
static void cors_actual(gwr_decision *d, const gwr__tfilters *f, gwr__sv origin) {
  const gwr__cors *c = f->cors;
  int creds = c->credentials == 1;
  gwr__sv v;
  int credentialed = first_header(d, "cookie", &v) ||
                     first_header(d, "authorization", &v);
  if (!origin_allowed(c, origin) || (credentialed && !creds)) return;
  cors_op(d, GWR_HEADER_OP_SET, "Access-Control-Allow-Origin",
          star_only(c->origins, c->origin_count) && !creds ? gwr__sv_cstr("*") : origin);
  if (creds) cors_op(d, GWR_HEADER_OP_SET, "Access-Control-Allow-Credentials", gwr__sv_cstr("true"));
  if (!(creds && star_only(c->expose_headers, c->expose_header_count)))
    cors_op(d, GWR_HEADER_OP_SET, "Access-Control-Expose-Headers", f->cors_expose);
  cors_op(d, GWR_HEADER_OP_ADD, "Vary", gwr__sv_cstr("Origin"));
}

/* A preflight on a rule with CORS is answered here (F31); 1 when answered. */
int gwr__filters_preflight(gwr_decision *d, const gwr__tfilters *f) {
  gwr__sv origin, acrm;
  if (!f->cors || !gwr__sv_eq_cstr(d->req.method, "OPTIONS")) return 0;
  if (!first_header(d, "origin", &origin) ||
      !first_header(d, "access-control-request-method", &acrm))
    return 0;
  cors_preflight(d, f, origin);
  return 1;
}

/* ---- apply: mirrors ---------------------------------------------------------------- */

/* F27: sampled from the key (deterministic) or the caller's choice. */
static uint32_t sample_mirrors(const gwr_decision *d, const gwr__tfilters *f) {
  uint32_t i, mask = 0;
  for (i = 0; i < f->mirror_count && i < 32; i++) {
    const gwr__tmirror *m = &f->mirrors[i];
    uint64_t v = d->req.key.len ? gwr__hash(d->req.key.ptr, d->req.key.len, m->seed)
                                : gwr__hash(&d->req.choice, sizeof d->req.choice, m->seed);
    if (m->numerator && v % m->denominator < m->numerator) mask |= 1u << i;
  }
  return mask;
}

/* Carry one filter list into the decision: returns 0 when the decision is
 * final (redirect, or a rewrite that does not fit: 500). */
int gwr__filters_apply(gwr_decision *d, int which, const gwr__tfilters *f, const gwr__match_view *mv) {
  gwr__sv origin;
  d->fl[which] = f;
  d->mirror_mask[which] = sample_mirrors(d, f);
  if (f->redirect) {
    if (!build_location(d, f->redirect, mv)) {
      d->action = GWR_ACTION_RESPOND;
      d->status = 500;
      d->reason = "redirect location too long";
    }
    return 0;
  }
  if (f->rewrite && !apply_rewrite(d, f->rewrite, mv)) {
    d->action = GWR_ACTION_RESPOND;
    d->status = 500;
    d->reason = "rewritten path too long";
    return 0;
  }
  if (f->cors && first_header(d, "origin", &origin)) cors_actual(d, f, origin);
  return 1;
}
