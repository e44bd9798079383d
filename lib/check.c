/* SPDX-License-Identifier: Apache-2.0 */
/*
 * check.c - route tests (gwr_check): a YAML/JSON file of requests with
 * expected outcomes is read with the library's own document parser, each
 * request is routed by gwr_match() on the table, every given expectation
 * is compared with the decision, and the report lists the failures and,
 * on request, the match entries no test reached (docs/check.md).
 *
 * Coverage counts what the compiled table can serve: the distinct
 * (route, rule, match) triples of every programmed listener's entries,
 * both planes (GRPCRoutes and the rest). A test exercises the triple its
 * decision names, whatever the action.
 */
#include <stdio.h>

#include "decision.h"
#include "doc.h"
#include "report.h"

#define CHECK_SOURCE "<tests>"
#define PATH_MAX_LEN 512

/* ---- the parsed test file -------------------------------------------------- */

enum {
  X_ACTION = 1u << 0,
  X_STATUS = 1u << 1,
  X_GRPC_STATUS = 1u << 2,
  X_BACKEND = 1u << 3,
  X_BACKEND_ANY = 1u << 4,
  X_ROUTE = 1u << 5,
  X_RULE = 1u << 6,
  X_LISTENER = 1u << 7,
  X_PATH = 1u << 8,
  X_HOST = 1u << 9,
  X_LOCATION = 1u << 10,
  X_REQ_HEADERS = 1u << 11,
  X_RESP_HEADERS = 1u << 12,
  X_MIRRORS = 1u << 13
};

typedef struct hexp {  /* one expected header: value, or absent */
  gwr__sv name, value;
  int absent;
} hexp;

typedef struct ctest {
  const char *name;
  gwr_request req;
  unsigned have;       /* X_* given */
  int32_t action;
  int64_t status, grpc_status, rule;
  gwr__sv backend, route, listener, path, host, location;
  gwr__sv *any_of, *mirrors;
  size_t any_of_count, mirror_count;
  hexp *req_headers, *resp_headers;
  size_t req_header_count, resp_header_count;
} ctest;

typedef struct cctx {
  const gwr_table *t;
  gwr__arena *ar;
  gwr_error *err;
  char path[PATH_MAX_LEN]; /* field path of the node being read */
  size_t plen;
  ctest *tests;
  size_t test_count;
} cctx;

/* ---- field paths and errors -------------------------------------------------- */

static size_t path_push(cctx *c, const char *fmt, ...) GWR_PRINTF(2, 3);

static size_t path_push(cctx *c, const char *fmt, ...) {
  size_t old = c->plen;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->path + c->plen, sizeof c->path - c->plen, fmt, ap);
  va_end(ap);
  c->plen += strlen(c->path + c->plen);
  return old;
}

static void path_pop(cctx *c, size_t old) {
  c->plen = old;
  c->path[old] = '\0';
}

static int fail_at(cctx *c, const gwr__node *at, const char *fmt, ...) GWR_PRINTF(3, 4);

/* GWR_E_SCHEMA "PATH: what" with the node's position. */
static int fail_at(cctx *c, const gwr__node *at, const char *fmt, ...) {
  char what[512], msg[PATH_MAX_LEN + 520];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  if (c->plen)
    snprintf(msg, sizeof msg, "%s: %s", c->path, what);
  else
    snprintf(msg, sizeof msg, "%s", what);
  gwr__error_object(c->err, GWR_E_SCHEMA, "", "", "", c->path, msg);
  if (at) gwr__error_position(c->err, "", at->line, at->column);
  return GWR_E_SCHEMA;
}

static const char *type_name(const gwr__node *n) {
  switch (n->type) {
    case GWR_NODE_NULL: return "null";
    case GWR_NODE_BOOL: return "a boolean";
    case GWR_NODE_INT: return "an integer";
    case GWR_NODE_FLOAT: return "a number";
    case GWR_NODE_STRING: return "a string";
    case GWR_NODE_MAP: return "a mapping";
    default: return "a list";
  }
}

static int is_scalar(const gwr__node *n) {
  return n->type != GWR_NODE_MAP && n->type != GWR_NODE_SEQ && n->type != GWR_NODE_NULL;
}

/* Any scalar as its text (so `X-Debug: true` reads as the string "true"). */
static int read_str(cctx *c, const gwr__node *n, gwr__sv *out) {
  if (!is_scalar(n)) return fail_at(c, n, "must be a string, not %s", type_name(n));
  *out = n->text;
  return GWR_OK;
}

static int read_int(cctx *c, const gwr__node *n, int64_t lo, int64_t hi, int64_t *out) {
  if (n->type != GWR_NODE_INT) return fail_at(c, n, "must be an integer, not %s", type_name(n));
  if (n->i < lo || n->i > hi)
    return fail_at(c, n, "must be an integer from %lld to %lld", (long long)lo, (long long)hi);
  *out = n->i;
  return GWR_OK;
}

static int need_map(cctx *c, const gwr__node *n) {
  return n->type == GWR_NODE_MAP ? GWR_OK : fail_at(c, n, "must be a mapping, not %s", type_name(n));
}

static int unknown_field(cctx *c, const gwr__node *key) {
  size_t old = path_push(c, "%s%s", c->plen ? "." : "", key->text.ptr);
  int rc = fail_at(c, key, "unknown field");
  path_pop(c, old);
  return rc;
}

static int key_is(const gwr__node *key, const char *name) { return gwr__sv_eq_cstr(key->text, name); }

/* ---- request ------------------------------------------------------------------ */

static int read_header_item(cctx *c, const gwr__node *item, gwr_header *h) {
  const gwr__node *name = NULL, *value = NULL;
  size_t i;
  int rc;
  if (item->type == GWR_NODE_SEQ) { /* [name, value], as request lines write it */
    if (item->count != 2) return fail_at(c, item, "must be {name, value} or [name, value]");
    name = item->items[0];
    value = item->items[1];
  } else {
    if ((rc = need_map(c, item)) != GWR_OK) return rc;
    for (i = 0; i < item->count; i++) {
      if (key_is(item->keys[i], "name")) name = item->items[i];
      else if (key_is(item->keys[i], "value")) value = item->items[i];
      else return unknown_field(c, item->keys[i]);
    }
    if (!name || !value) return fail_at(c, item, "needs name and value");
  }
  if ((rc = read_str(c, name, &h->name)) != GWR_OK) return rc;
  if (h->name.len == 0) return fail_at(c, name, "empty header name");
  return read_str(c, value, &h->value);
}

static int read_headers(cctx *c, const gwr__node *n, gwr_request *req) {
  gwr_header *hs;
  size_t i;
  int rc = GWR_OK;
  if (n->type != GWR_NODE_MAP && n->type != GWR_NODE_SEQ)
    return fail_at(c, n, "must be a mapping of name to value or a list of {name, value}");
  hs = gwr__arena_array(c->ar, n->count + 1, sizeof *hs);
  if (!hs) return gwr__error_set(c->err, GWR_E_NOMEM, "out of memory");
  for (i = 0; i < n->count && rc == GWR_OK; i++) {
    if (n->type == GWR_NODE_MAP) {
      size_t old = path_push(c, ".%s", n->keys[i]->text.ptr);
      hs[i].name = n->keys[i]->text;
      rc = hs[i].name.len ? read_str(c, n->items[i], &hs[i].value)
                          : fail_at(c, n->keys[i], "empty header name");
      path_pop(c, old);
    } else {
      size_t old = path_push(c, "[%zu]", i);
      rc = read_header_item(c, n->items[i], &hs[i]);
      path_pop(c, old);
    }
  }
  req->headers = hs;
  req->header_count = n->count;
  return rc;
}

static int one_of(gwr__sv v, const char *const *names, size_t n, size_t *which) {
  size_t i;
  for (i = 0; i < n; i++)
    if (gwr__sv_eq_cstr(v, names[i])) {
      *which = i;
      return 1;
    }
  return 0;
}

static int is_nsname(gwr__sv s) {
  const char *slash = s.len ? memchr(s.ptr, '/', s.len) : NULL;
  size_t at;
  if (!slash || slash == s.ptr) return 0;
  at = (size_t)(slash - s.ptr) + 1;
  return at < s.len && !memchr(s.ptr + at, '/', s.len - at);
}

static const char *const protocol_names[] = {"http", "grpc", "tls", "tcp", "udp"};

static int read_request_field(cctx *c, const gwr__node *key, const gwr__node *v, gwr_request *req) {
  int64_t i64;
  size_t which;
  int rc;
  if (key_is(key, "gateway")) {
    if ((rc = read_str(c, v, &req->gateway)) != GWR_OK) return rc;
    return is_nsname(req->gateway) ? GWR_OK : fail_at(c, v, "must look like namespace/name");
  }
  if (key_is(key, "port")) {
    if ((rc = read_int(c, v, 1, 65535, &i64)) != GWR_OK) return rc;
    req->port = (uint32_t)i64;
    return GWR_OK;
  }
  if (key_is(key, "protocol")) {
    gwr__sv p;
    if ((rc = read_str(c, v, &p)) != GWR_OK) return rc;
    if (!one_of(p, protocol_names, 5, &which))
      return fail_at(c, v, "must be http, grpc, tls, tcp or udp");
    req->protocol = (int32_t)which;
    return GWR_OK;
  }
  if (key_is(key, "scheme")) {
    if ((rc = read_str(c, v, &req->scheme)) != GWR_OK) return rc;
    return gwr__sv_eq_cstr(req->scheme, "http") || gwr__sv_eq_cstr(req->scheme, "https")
               ? GWR_OK
               : fail_at(c, v, "must be http or https");
  }
  if (key_is(key, "method")) {
    if ((rc = read_str(c, v, &req->method)) != GWR_OK) return rc;
    return req->method.len ? GWR_OK : fail_at(c, v, "must not be empty");
  }
  if (key_is(key, "sni")) return read_str(c, v, &req->sni);
  if (key_is(key, "host")) return read_str(c, v, &req->host);
  if (key_is(key, "path")) return read_str(c, v, &req->path);
  if (key_is(key, "key")) return read_str(c, v, &req->key);
  if (key_is(key, "headers")) return read_headers(c, v, req);
  if (key_is(key, "choice")) {
    if ((rc = read_int(c, v, 0, INT64_MAX, &i64)) != GWR_OK) return rc;
    req->choice = (uint64_t)i64;
    return GWR_OK;
  }
  return fail_at(c, key, "unknown field"); /* the path names the key already */
}

/* The fields given in m over *req (null values leave a field as it is). */
static int read_request(cctx *c, const gwr__node *m, gwr_request *req) {
  size_t i;
  int rc;
  if (m->type == GWR_NODE_NULL) return GWR_OK;
  if ((rc = need_map(c, m)) != GWR_OK) return rc;
  for (i = 0; i < m->count; i++) {
    size_t old;
    if (m->items[i]->type == GWR_NODE_NULL) continue;
    old = path_push(c, ".%s", m->keys[i]->text.ptr);
    rc = read_request_field(c, m->keys[i], m->items[i], req);
    path_pop(c, old);
    if (rc != GWR_OK) return rc;
  }
  return GWR_OK;
}

/* ---- expectations ----------------------------------------------------------- */

static const char *const action_names[] = {"none", "forward", "redirect", "respond", "reject"};

static int read_str_list(cctx *c, const gwr__node *n, int allow_empty, gwr__sv **out,
                         size_t *count) {
  size_t i;
  int rc;
  if (n->type != GWR_NODE_SEQ) return fail_at(c, n, "must be a list, not %s", type_name(n));
  if (!allow_empty && n->count == 0) return fail_at(c, n, "must not be empty");
  *out = gwr__arena_array(c->ar, n->count + 1, sizeof **out);
  if (!*out) return gwr__error_set(c->err, GWR_E_NOMEM, "out of memory");
  for (i = 0; i < n->count; i++) {
    size_t old = path_push(c, "[%zu]", i);
    rc = read_str(c, n->items[i], &(*out)[i]);
    path_pop(c, old);
    if (rc != GWR_OK) return rc;
  }
  *count = n->count;
  return GWR_OK;
}

static int read_header_expect(cctx *c, const gwr__node *n, hexp **out, size_t *count) {
  size_t i;
  int rc;
  if (n->type != GWR_NODE_MAP)
    return fail_at(c, n, "must be a mapping of header name to value or null, not %s", type_name(n));
  *out = gwr__arena_array(c->ar, n->count + 1, sizeof **out);
  if (!*out) return gwr__error_set(c->err, GWR_E_NOMEM, "out of memory");
  for (i = 0; i < n->count; i++) {
    hexp *h = &(*out)[i];
    h->name = n->keys[i]->text;
    if (n->items[i]->type == GWR_NODE_NULL) {
      h->absent = 1;
      continue;
    }
    {
      size_t old = path_push(c, ".%s", n->keys[i]->text.ptr);
      rc = read_str(c, n->items[i], &h->value);
      path_pop(c, old);
      if (rc != GWR_OK) return rc;
    }
  }
  *count = n->count;
  return GWR_OK;
}

static int read_expect_field(cctx *c, const gwr__node *key, const gwr__node *v, ctest *t) {
  int rc;
  if (key_is(key, "action")) {
    gwr__sv a;
    size_t which;
    if ((rc = read_str(c, v, &a)) != GWR_OK) return rc;
    if (!one_of(a, action_names + 1, 4, &which))
      return fail_at(c, v, "must be forward, redirect, respond or reject");
    t->action = (int32_t)which + 1;
    t->have |= X_ACTION;
    return GWR_OK;
  }
  if (key_is(key, "status")) {
    t->have |= X_STATUS;
    return read_int(c, v, 0, 999, &t->status);
  }
  if (key_is(key, "grpc_status")) {
    t->have |= X_GRPC_STATUS;
    return read_int(c, v, -1, 16, &t->grpc_status);
  }
  if (key_is(key, "rule")) {
    t->have |= X_RULE;
    return read_int(c, v, 0, INT32_MAX, &t->rule);
  }
#define STR_FIELD(name, bit, member)           \
  if (key_is(key, name)) {                     \
    t->have |= (bit);                          \
    return read_str(c, v, &t->member);         \
  }
  STR_FIELD("backend", X_BACKEND, backend)
  STR_FIELD("route", X_ROUTE, route)
  STR_FIELD("listener", X_LISTENER, listener)
  STR_FIELD("path", X_PATH, path)
  STR_FIELD("host", X_HOST, host)
  STR_FIELD("location", X_LOCATION, location)
#undef STR_FIELD
  if (key_is(key, "backend_any_of")) {
    t->have |= X_BACKEND_ANY;
    return read_str_list(c, v, 0, &t->any_of, &t->any_of_count);
  }
  if (key_is(key, "mirrors")) {
    t->have |= X_MIRRORS;
    return read_str_list(c, v, 1, &t->mirrors, &t->mirror_count);
  }
  if (key_is(key, "request_headers")) {
    t->have |= X_REQ_HEADERS;
    return read_header_expect(c, v, &t->req_headers, &t->req_header_count);
  }
  if (key_is(key, "response_headers")) {
    t->have |= X_RESP_HEADERS;
    return read_header_expect(c, v, &t->resp_headers, &t->resp_header_count);
  }
  return fail_at(c, key, "unknown field"); /* the path names the key already */
}

static int read_expect(cctx *c, const gwr__node *m, ctest *t) {
  size_t i;
  int rc;
  if (m->type == GWR_NODE_NULL) return GWR_OK;
  if ((rc = need_map(c, m)) != GWR_OK) return rc;
  for (i = 0; i < m->count; i++) {
    size_t old;
    if (m->items[i]->type == GWR_NODE_NULL) {
      /* null means "not given" */
      static const char *const known[] = {"action", "status", "grpc_status", "backend",
                                          "backend_any_of", "route", "rule", "listener",
                                          "path", "host", "location", "mirrors",
                                          "request_headers", "response_headers"};
      size_t which;
      if (!one_of(m->keys[i]->text, known, sizeof known / sizeof known[0], &which))
        return unknown_field(c, m->keys[i]);
      continue;
    }
    old = path_push(c, ".%s", m->keys[i]->text.ptr);
    rc = read_expect_field(c, m->keys[i], m->items[i], t);
    path_pop(c, old);
    if (rc != GWR_OK) return rc;
  }
  return GWR_OK;
}

/* ---- the file ------------------------------------------------------------------ */

static void request_defaults(gwr_request *req) {
  if (!req->method.len) req->method = gwr__sv_cstr("GET");
  if (!req->scheme.len) req->scheme = gwr__sv_cstr("http");
  if (!req->path.ptr) req->path = gwr__sv_cstr("/");
}

static int read_test(cctx *c, const gwr__node *n, size_t index, const gwr_request *base,
                     ctest *t) {
  const gwr__node *request = NULL, *expect = NULL, *name = NULL;
  size_t i;
  int rc;
  t->req = *base;
  if ((rc = need_map(c, n)) != GWR_OK) return rc;
  for (i = 0; i < n->count; i++) {
    if (key_is(n->keys[i], "name")) name = n->items[i];
    else if (key_is(n->keys[i], "request")) request = n->items[i];
    else if (key_is(n->keys[i], "expect")) expect = n->items[i];
    else return unknown_field(c, n->keys[i]);
  }
  if (name && name->type != GWR_NODE_NULL) {
    gwr__sv s;
    size_t old = path_push(c, ".name");
    rc = read_str(c, name, &s);
    path_pop(c, old);
    if (rc != GWR_OK) return rc;
    t->name = s.ptr;
  } else {
    t->name = gwr__arena_printf(c->ar, "tests[%zu]", index);
    if (!t->name) return gwr__error_set(c->err, GWR_E_NOMEM, "out of memory");
  }
  if (request) {
    size_t old = path_push(c, ".request");
    rc = read_request(c, request, &t->req);
    path_pop(c, old);
    if (rc != GWR_OK) return rc;
  }
  request_defaults(&t->req);
  if (expect) {
    size_t old = path_push(c, ".expect");
    rc = read_expect(c, expect, t);
    path_pop(c, old);
    if (rc != GWR_OK) return rc;
  }
  return GWR_OK;
}

static int read_defaults(cctx *c, const gwr__node *n, gwr_request *base) {
  size_t i;
  int rc;
  if (n->type == GWR_NODE_NULL) return GWR_OK;
  if ((rc = need_map(c, n)) != GWR_OK) return rc;
  for (i = 0; i < n->count; i++) {
    size_t old;
    if (!key_is(n->keys[i], "request")) return unknown_field(c, n->keys[i]);
    old = path_push(c, ".request");
    rc = read_request(c, n->items[i], base);
    path_pop(c, old);
    if (rc != GWR_OK) return rc;
  }
  return GWR_OK;
}

static int read_file(cctx *c, const gwr__node *root) {
  static const gwr_request empty = GWR_REQUEST_INIT;
  gwr_request base = empty;
  const gwr__node *list = root;
  size_t i;
  int rc;
  if (root->type == GWR_NODE_MAP) {
    list = NULL;
    for (i = 0; i < root->count; i++) {
      if (key_is(root->keys[i], "tests")) {
        list = root->items[i];
      } else if (key_is(root->keys[i], "defaults")) {
        path_push(c, "defaults");
        rc = read_defaults(c, root->items[i], &base);
        path_pop(c, 0);
        if (rc != GWR_OK) return rc;
      } else {
        return unknown_field(c, root->keys[i]);
      }
    }
    if (!list) return fail_at(c, root, "a mapping of tests needs a `tests` list");
  }
  if (list->type == GWR_NODE_NULL) return GWR_OK;
  path_push(c, "tests");
  if (list->type != GWR_NODE_SEQ) return fail_at(c, list, "must be a list, not %s", type_name(list));
  path_pop(c, 0);
  c->tests = gwr__arena_array(c->ar, list->count + 1, sizeof *c->tests);
  if (!c->tests) return gwr__error_set(c->err, GWR_E_NOMEM, "out of memory");
  for (i = 0; i < list->count; i++) {
    path_push(c, "tests[%zu]", i);
    rc = read_test(c, list->items[i], i, &base, &c->tests[i]);
    path_pop(c, 0);
    if (rc != GWR_OK) return rc;
  }
  c->test_count = list->count;
  return GWR_OK;
}

/* ---- comparing ----------------------------------------------------------------- */

typedef struct failure {
  const char *key;
  char *expected, *actual;
} failure;

typedef struct run {
  cctx *c;
  gwr_decision *d;
  failure *f;
  size_t fn, fcap;
  int oom;
} run;

static void add_failure(run *r, const char *key, const char *expected, const char *actual) {
  if (r->fn == r->fcap) {
    size_t cap = r->fcap ? r->fcap * 2 : 8;
    failure *nf = gwr__arena_array(r->c->ar, cap, sizeof *nf);
    if (!nf) {
      r->oom = 1;
      return;
    }
    if (r->fn) memcpy(nf, r->f, r->fn * sizeof *nf);
    r->f = nf;
    r->fcap = cap;
  }
  if (!key) {
    r->oom = 1;
    return;
  }
  r->f[r->fn].key = key;
  r->f[r->fn].expected = gwr__arena_strndup(r->c->ar, expected, strlen(expected));
  r->f[r->fn].actual = gwr__arena_strndup(r->c->ar, actual, strlen(actual));
  if (!r->f[r->fn].expected || !r->f[r->fn].actual) r->oom = 1;
  r->fn++;
}

static gwr__sv dstr(const gwr_decision *d, int32_t field) {
  gwr_str s = {"", 0};
  if (gwr_decision_str(d, field, &s) != GWR_OK || !s.ptr) s = gwr__sv_cstr("");
  return s;
}

static void sv_text(char *buf, size_t cap, gwr__sv s) {
  snprintf(buf, cap, "%.*s", (int)(s.len > 4096 ? 4096 : s.len), s.ptr ? s.ptr : "");
}

/* A backend spec "name", "ns/name" or "ns/name:port" against a reference. */
static int backend_matches(gwr__sv spec, gwr__sv ns, gwr__sv name, int64_t port) {
  const char *slash = spec.len ? memchr(spec.ptr, '/', spec.len) : NULL;
  gwr__sv want_ns = {NULL, 0}, want_name = spec;
  size_t i;
  int64_t want_port = -1;
  if (slash) {
    want_ns = gwr__sv_make(spec.ptr, (size_t)(slash - spec.ptr));
    want_name = gwr__sv_make(slash + 1, spec.len - want_ns.len - 1);
  }
  for (i = want_name.len; i > 0; i--) {
    char ch = want_name.ptr[i - 1];
    if (ch == ':') {
      size_t j;
      if (i == want_name.len) break;
      want_port = 0;
      for (j = i; j < want_name.len && want_port <= 65535; j++)
        want_port = want_port * 10 + (want_name.ptr[j] - '0');
      if (want_port > 65535) return 0; /* no port is that large: never equal */
      want_name.len = i - 1;
      break;
    }
    if (ch < '0' || ch > '9') break;
  }
  if (!gwr__sv_eq(want_name, name)) return 0;
  if (slash && !gwr__sv_eq(want_ns, ns)) return 0;
  return want_port < 0 || want_port == port;
}

static void backend_text(char *buf, size_t cap, gwr__sv ns, gwr__sv name, int64_t port) {
  if (port > 0)
    snprintf(buf, cap, "%.*s/%.*s:%lld", (int)ns.len, ns.ptr, (int)name.len, name.ptr,
             (long long)port);
  else
    snprintf(buf, cap, "%.*s/%.*s", (int)ns.len, ns.ptr, (int)name.len, name.ptr);
}

/* The final value of a header in a list (occurrences joined with ","),
 * whole, in the arena; 0 when absent (-1 out of memory). */
static int header_value(run *r, const gwr_header *hs, size_t n, gwr__sv name, gwr__sv *out) {
  size_t i, total = 0, count = 0, o = 0;
  char *buf;
  for (i = 0; i < n; i++)
    if (gwr__sv_casecmp_eq(hs[i].name, name)) total += hs[i].value.len + 1, count++;
  if (!count) return 0;
  if (!(buf = gwr__arena_alloc(r->c->ar, total + 1))) return -1;
  for (i = 0; i < n; i++) {
    if (!gwr__sv_casecmp_eq(hs[i].name, name)) continue;
    if (o) buf[o++] = ',';
    if (hs[i].value.len) memcpy(buf + o, hs[i].value.ptr, hs[i].value.len);
    o += hs[i].value.len;
  }
  *out = gwr__sv_make(buf, o);
  return 1;
}

static void compare_headers(run *r, const char *what, int32_t list, const gwr_header *in,
                            size_t in_count, const hexp *want, size_t want_count) {
  const gwr__alloc *a = &r->c->t->alloc;
  gwr_header *out = NULL;
  size_t n = 0, i;
  char got[1024], key[600], exp[1024];
  if (gwr_headers_apply(r->d, list, in, in_count, NULL, 0, &n) == GWR_E_RANGE || n) {
    out = gwr__calloc(a, n + 1, sizeof *out);
    if (!out) {
      r->oom = 1;
      return;
    }
    if (gwr_headers_apply(r->d, list, in, in_count, out, n, &n) != GWR_OK) n = 0;
  }
  for (i = 0; i < want_count; i++) {
    gwr__sv value = gwr__sv_make("", 0);
    int found = header_value(r, out, n, want[i].name, &value);
    if (found < 0) {
      r->oom = 1;
      break;
    }
    sv_text(got, sizeof got, value);
    snprintf(key, sizeof key, "%s.%.*s", what, (int)want[i].name.len, want[i].name.ptr);
    if (want[i].absent) {
      if (found) add_failure(r, gwr__arena_strndup(r->c->ar, key, strlen(key)), "(absent)", got);
    } else if (!found || !gwr__sv_eq(want[i].value, value)) {
      sv_text(exp, sizeof exp, want[i].value);
      add_failure(r, gwr__arena_strndup(r->c->ar, key, strlen(key)), exp,
                  found ? got : "(absent)");
    }
  }
  gwr__free(a, out);
}

static void compare(run *r, const ctest *t) {
  const gwr_decision *d = r->d;
  char exp[1024], got[1024];
  int32_t action = gwr_decision_action(d);
  int has_route = gwr_decision_int(d, GWR_DI_HAS_ROUTE) != 0;
  int has_backend = gwr_decision_int(d, GWR_DI_HAS_BACKEND) != 0 && action == GWR_ACTION_FORWARD;
  gwr__sv bns = dstr(d, GWR_DS_BACKEND_NAMESPACE), bname = dstr(d, GWR_DS_BACKEND_NAME);
  int64_t bport = gwr_decision_int(d, GWR_DI_BACKEND_PORT);
  size_t i;
  if (t->have & X_ACTION && t->action != action) {
    add_failure(r, "action", action_names[t->action],
                action >= 0 && action <= 4 ? action_names[action] : "?");
  }
  if (t->have & X_STATUS && t->status != gwr_decision_int(d, GWR_DI_STATUS)) {
    snprintf(exp, sizeof exp, "%lld", (long long)t->status);
    snprintf(got, sizeof got, "%lld", (long long)gwr_decision_int(d, GWR_DI_STATUS));
    add_failure(r, "status", exp, got);
  }
  if (t->have & X_GRPC_STATUS && t->grpc_status != gwr_decision_int(d, GWR_DI_GRPC_STATUS)) {
    int64_t g = gwr_decision_int(d, GWR_DI_GRPC_STATUS);
    snprintf(exp, sizeof exp, "%lld", (long long)t->grpc_status);
    if (g < 0) snprintf(got, sizeof got, "none");
    else snprintf(got, sizeof got, "%lld", (long long)g);
    add_failure(r, "grpc_status", exp, got);
  }
  if (t->have & X_LISTENER) {
    gwr__sv l = dstr(d, GWR_DS_LISTENER);
    if (l.len ? !gwr__sv_eq(l, t->listener) : !gwr__sv_eq_cstr(t->listener, "none")) {
      sv_text(exp, sizeof exp, t->listener);
      if (l.len) sv_text(got, sizeof got, l);
      else snprintf(got, sizeof got, "none");
      add_failure(r, "listener", exp, got);
    }
  }
  if (t->have & X_ROUTE) {
    gwr__sv kind = dstr(d, GWR_DS_ROUTE_KIND), ns = dstr(d, GWR_DS_ROUTE_NAMESPACE),
            name = dstr(d, GWR_DS_ROUTE_NAME);
    int with_kind = t->route.len && memchr(t->route.ptr, ' ', t->route.len) != NULL;
    if (!has_route)
      snprintf(got, sizeof got, "none");
    else if (with_kind)
      snprintf(got, sizeof got, "%.*s %.*s/%.*s", (int)kind.len, kind.ptr, (int)ns.len, ns.ptr,
               (int)name.len, name.ptr);
    else
      snprintf(got, sizeof got, "%.*s/%.*s", (int)ns.len, ns.ptr, (int)name.len, name.ptr);
    if (has_route ? !gwr__sv_eq_cstr(t->route, got) : !gwr__sv_eq_cstr(t->route, "none")) {
      sv_text(exp, sizeof exp, t->route);
      add_failure(r, "route", exp, got);
    }
  }
  if (t->have & X_RULE && t->rule != gwr_decision_int(d, GWR_DI_ROUTE_RULE)) {
    int64_t rule = gwr_decision_int(d, GWR_DI_ROUTE_RULE);
    snprintf(exp, sizeof exp, "%lld", (long long)t->rule);
    if (rule < 0) snprintf(got, sizeof got, "none");
    else snprintf(got, sizeof got, "%lld", (long long)rule);
    add_failure(r, "rule", exp, got);
  }
  if (has_backend) backend_text(got, sizeof got, bns, bname, bport);
  else snprintf(got, sizeof got, "none");
  if (t->have & X_BACKEND &&
      !(has_backend ? backend_matches(t->backend, bns, bname, bport)
                    : gwr__sv_eq_cstr(t->backend, "none"))) {
    sv_text(exp, sizeof exp, t->backend);
    add_failure(r, "backend", exp, got);
  }
  if (t->have & X_BACKEND_ANY) {
    int ok = 0;
    size_t used = 0;
    for (i = 0; i < t->any_of_count; i++) {
      if (has_backend ? backend_matches(t->any_of[i], bns, bname, bport)
                      : gwr__sv_eq_cstr(t->any_of[i], "none"))
        ok = 1;
      if (used < sizeof exp)
        used += (size_t)snprintf(exp + used, sizeof exp - used, "%s%.*s", i ? " or " : "one of ",
                                 (int)t->any_of[i].len, t->any_of[i].ptr);
    }
    if (!ok) add_failure(r, "backend_any_of", exp, got);
  }
#define SV_FIELD(bit, key, member, field)                             \
  if (t->have & (bit)) {                                              \
    gwr__sv v = dstr(d, field);                                       \
    if (!gwr__sv_eq(v, t->member)) {                                  \
      sv_text(exp, sizeof exp, t->member);                            \
      if (v.len) sv_text(got, sizeof got, v);                         \
      else snprintf(got, sizeof got, "(empty)");                      \
      add_failure(r, key, exp, got);                                  \
    }                                                                 \
  }
  SV_FIELD(X_PATH, "path", path, GWR_DS_UPSTREAM_PATH)
  SV_FIELD(X_HOST, "host", host, GWR_DS_UPSTREAM_HOST)
  SV_FIELD(X_LOCATION, "location", location, GWR_DS_LOCATION)
#undef SV_FIELD
  if (t->have & X_REQ_HEADERS)
    compare_headers(r, "request_headers", GWR_DL_REQUEST_HEADER_OPS, t->req.headers,
                    t->req.header_count, t->req_headers, t->req_header_count);
  if (t->have & X_RESP_HEADERS)
    compare_headers(r, "response_headers", GWR_DL_RESPONSE_HEADER_OPS, NULL, 0, t->resp_headers,
                    t->resp_header_count);
  if (t->have & X_MIRRORS) {
    size_t n = gwr_decision_list_count(d, GWR_DL_MIRRORS), used = 0, eu = 0;
    int ok = n == t->mirror_count;
    got[0] = exp[0] = '\0';
    for (i = 0; i < n; i++) {
      gwr_str ns = {"", 0}, name = {"", 0};
      int64_t port = gwr_decision_list_int(d, GWR_DL_MIRRORS, i, GWR_IF_PORT);
      char one[600];
      gwr_decision_list_str(d, GWR_DL_MIRRORS, i, GWR_IF_NAMESPACE, &ns);
      gwr_decision_list_str(d, GWR_DL_MIRRORS, i, GWR_IF_NAME, &name);
      if (ok && !backend_matches(t->mirrors[i], ns, name, port)) ok = 0;
      backend_text(one, sizeof one, ns, name, port);
      if (used < sizeof got)
        used += (size_t)snprintf(got + used, sizeof got - used, "%s%s", i ? ", " : "", one);
    }
    for (i = 0; i < t->mirror_count; i++)
      if (eu < sizeof exp)
        eu += (size_t)snprintf(exp + eu, sizeof exp - eu, "%s%.*s", i ? ", " : "",
                               (int)t->mirrors[i].len, t->mirrors[i].ptr);
    if (!ok) {
      char e2[1040], g2[1040];
      snprintf(e2, sizeof e2, "[%s]", exp);
      snprintf(g2, sizeof g2, "[%s]", got);
      add_failure(r, "mirrors", e2, g2);
    }
  }
}

/* ---- coverage ----------------------------------------------------------------- */

typedef struct cover {
  size_t *base;            /* per route: index of its first match entry */
  unsigned char *reach;    /* per (route, rule, match): 1 reachable, 2 also hit */
  size_t total;
} cover;

static size_t route_matches(const gwr__route *r) {
  size_t n = 0, i;
  for (i = 0; i < r->rule_count; i++) n += r->rules[i].match_count;
  return n;
}

static int cover_init(cover *cv, const gwr_table *t) {
  const gwr__attach *att = &t->att;
  size_t i, l, e;
  memset(cv, 0, sizeof *cv);
  cv->base = gwr__calloc(&t->alloc, att->route_count + 1, sizeof *cv->base);
  if (!cv->base) return GWR_E_NOMEM;
  for (i = 0; i < att->route_count; i++) {
    cv->base[i] = cv->total;
    cv->total += route_matches(att->routes[i].r);
  }
  cv->reach = gwr__calloc(&t->alloc, cv->total + 1, 1);
  if (!cv->reach) return GWR_E_NOMEM;
  for (l = 0; l < att->listener_count; l++) {
    const gwr__tlistener *planes[2];
    int p;
    planes[0] = t->listeners ? &t->listeners[l] : NULL;
    planes[1] = t->grpc ? &t->grpc[l] : NULL;
    for (p = 0; p < 2; p++) {
      const gwr__tlistener *tl = planes[p];
      if (!tl || !tl->entries) continue;
      for (e = 0; e < tl->entry_count; e++) {
        const gwr__entry *en = &tl->entries[e];
        const gwr__route *r;
        size_t k, rr;
        if (en->route >= att->route_count) continue;
        r = att->routes[en->route].r;
        if (en->rule >= r->rule_count || en->match >= r->rules[en->rule].match_count) continue;
        k = cv->base[en->route];
        for (rr = 0; rr < en->rule; rr++) k += r->rules[rr].match_count;
        cv->reach[k + en->match] |= 1;
      }
    }
  }
  return GWR_OK;
}

static void cover_free(cover *cv, const gwr_table *t) {
  gwr__free(&t->alloc, cv->base);
  gwr__free(&t->alloc, cv->reach);
}

static void cover_hit(cover *cv, const gwr_table *t, const gwr_decision *d) {
  size_t route, k, rr;
  const gwr__route *r;
  if (!d->route || d->rule < 0 || d->match < 0 || !t->att.routes) return;
  if (d->route < t->att.routes || d->route >= t->att.routes + t->att.route_count) return;
  route = (size_t)(d->route - t->att.routes);
  r = d->route->r;
  if ((size_t)d->rule >= r->rule_count || (size_t)d->match >= r->rules[d->rule].match_count) return;
  k = cv->base[route];
  for (rr = 0; rr < (size_t)d->rule; rr++) k += r->rules[rr].match_count;
  if (cv->reach[k + (size_t)d->match] & 1) cv->reach[k + (size_t)d->match] |= 2;
}

static void cover_count(const cover *cv, const gwr_table *t, gwr_check_summary *s) {
  size_t i, rr, m;
  for (i = 0; i < t->att.route_count; i++) {
    const gwr__route *r = t->att.routes[i].r;
    size_t k = cv->base[i];
    for (rr = 0; rr < r->rule_count; rr++) {
      int reach = 0, hit = 0;
      for (m = 0; m < r->rules[rr].match_count; m++, k++) {
        if (!(cv->reach[k] & 1)) continue;
        reach = 1;
        s->matches++;
        if (cv->reach[k] & 2) {
          hit = 1;
          s->matches_hit++;
        }
      }
      s->rules += (uint32_t)reach;
      s->rules_hit += (uint32_t)hit;
    }
  }
  s->coverage_permille =
      s->matches ? (uint32_t)((uint64_t)s->matches_hit * 1000u / s->matches) : 1000u;
}

static int layer4_kind(int kind) {
  return kind == GWR_ROUTE_TLS || kind == GWR_ROUTE_TCP || kind == GWR_ROUTE_UDP;
}

/* "PathPrefix /v2, method GET, header X-Debug=true" */
static void describe_match(gwr__buf *b, const gwr__route *r, const gwr__match *m) {
  static const char *const path_types[] = {"PathPrefix", "Exact", "RegularExpression"};
  size_t i;
  const char *sep = "";
  if (r->kind == GWR_ROUTE_GRPC) {
    if (m->grpc.set) {
      const char *op = m->grpc.type == GWR_VALUE_REGEX ? "~" : " ";
      if (m->grpc.service.len && m->grpc.method.len)
        gwr__buf_printf(b, "method%s%.*s/%.*s", op, (int)m->grpc.service.len,
                        m->grpc.service.ptr, (int)m->grpc.method.len, m->grpc.method.ptr);
      else if (m->grpc.service.len)
        gwr__buf_printf(b, "service%s%.*s", op, (int)m->grpc.service.len, m->grpc.service.ptr);
      else
        gwr__buf_printf(b, "method%s%.*s", op, (int)m->grpc.method.len,
                        m->grpc.method.ptr ? m->grpc.method.ptr : "");
    } else {
      gwr__buf_puts(b, "any method");
    }
    sep = ", ";
  } else {
    gwr__buf_printf(b, "%s ", m->path_type >= 0 && m->path_type <= 2 ? path_types[m->path_type] : "?");
    gwr__buf_text_sv(b, m->path);
    sep = ", ";
    if (m->method.len) {
      gwr__buf_printf(b, "%smethod ", sep);
      gwr__buf_text_sv(b, m->method);
    }
  }
  for (i = 0; i < m->header_count; i++) {
    gwr__buf_printf(b, "%sheader ", sep);
    gwr__buf_text_sv(b, m->headers[i].name);
    gwr__buf_puts(b, m->headers[i].type == GWR_VALUE_REGEX ? "~" : "=");
    gwr__buf_text_sv(b, m->headers[i].value);
  }
  for (i = 0; i < m->query_count; i++) {
    gwr__buf_printf(b, "%squery ", sep);
    gwr__buf_text_sv(b, m->queries[i].name);
    gwr__buf_puts(b, m->queries[i].type == GWR_VALUE_REGEX ? "~" : "=");
    gwr__buf_text_sv(b, m->queries[i].value);
  }
}

static void render_uncovered(gwr__buf *b, const cover *cv, const gwr_table *t, int json) {
  size_t i, rr, m, n = 0;
  gwr__buf cond;
  for (i = 0; i < t->att.route_count; i++) {
    const gwr__att_route *ar = &t->att.routes[i];
    const gwr__route *r = ar->r;
    size_t k = cv->base[i];
    for (rr = 0; rr < r->rule_count; rr++) {
      for (m = 0; m < r->rules[rr].match_count; m++, k++) {
        int l4 = layer4_kind(r->kind);
        if (cv->reach[k] != 1) continue;
        gwr__buf_init(&cond, &t->alloc);
        if (!l4) describe_match(&cond, r, &r->rules[rr].matches[m]);
        if (json) {
          gwr__buf_puts(b, n ? ",\n    " : "\n    ");
          gwr__buf_puts(b, "{\"route\":");
          {
            char nm[600];
            snprintf(nm, sizeof nm, "%.*s/%.*s", (int)r->meta.ns.len, r->meta.ns.ptr,
                     (int)r->meta.name.len, r->meta.name.ptr);
            gwr__buf_json_str(b, nm, strlen(nm));
          }
          gwr__buf_puts(b, ",\"kind\":");
          gwr__buf_json_str(b, ar->kind, strlen(ar->kind));
          gwr__buf_printf(b, ",\"rule\":%zu,\"match\":", rr);
          if (l4) gwr__buf_puts(b, "null");
          else gwr__buf_printf(b, "%zu", m);
          {
            char f[96];
            if (l4) snprintf(f, sizeof f, "spec.rules[%zu]", rr);
            else snprintf(f, sizeof f, "spec.rules[%zu].matches[%zu]", rr, m);
            gwr__buf_puts(b, ",\"field\":");
            gwr__buf_json_str(b, f, strlen(f));
          }
          gwr__buf_puts(b, ",\"conditions\":");
          gwr__buf_json_str(b, cond.data ? cond.data : "", cond.len);
          gwr__buf_puts(b, "}");
        } else {
          gwr__buf_printf(b, "  %s ", ar->kind);
          gwr__buf_text_sv(b, r->meta.ns);
          gwr__buf_puts(b, "/");
          gwr__buf_text_sv(b, r->meta.name);
          if (l4)
            gwr__buf_printf(b, " spec.rules[%zu]: never exercised\n", rr);
          else
            gwr__buf_printf(b, " spec.rules[%zu].matches[%zu] (%s): never exercised\n", rr, m,
                            cond.data ? cond.data : "");
        }
        if (cond.failed) b->failed = 1;
        gwr__buf_free(&cond);
        n++;
      }
    }
  }
  if (json && n) gwr__buf_puts(b, "\n  ");
  if (!json && !n) gwr__buf_puts(b, "  every reachable match was exercised\n");
}

/* ---- the report -------------------------------------------------------------- */

static void put_indented(gwr__buf *b, const char *text, size_t len, const char *indent) {
  size_t i = 0;
  while (i < len) {
    const char *nl = memchr(text + i, '\n', len - i);
    size_t end = nl ? (size_t)(nl - text) : len;
    gwr__buf_puts(b, indent);
    gwr__buf_put(b, text + i, end - i);
    gwr__buf_puts(b, "\n");
    i = end + 1;
  }
}

static void render_test(gwr__buf *b, const run *r, const ctest *t, const gwr_table *t_,
                        int32_t flags, size_t index) {
  int json = (flags & GWR_CHECK_JSON) != 0;
  size_t i;
  gwr__buf ex;
  int explained = 0;
  gwr__buf_init(&ex, &t_->alloc);
  if (r->fn && (flags & GWR_CHECK_EXPLAIN)) {
    if (gwr__explain_render(&ex, t_, &t->req, json ? GWR_FORMAT_JSON : GWR_FORMAT_TEXT) ==
            GWR_OK &&
        !ex.failed && ex.len)
      explained = 1;
  }
  if (json) {
    gwr__buf_puts(b, index ? ",\n    " : "\n    ");
    gwr__buf_puts(b, "{\"name\":");
    gwr__buf_json_str(b, t->name, strlen(t->name));
    gwr__buf_printf(b, ",\"passed\":%s,\"failures\":[", r->fn ? "false" : "true");
    for (i = 0; i < r->fn; i++) {
      gwr__buf_puts(b, i ? ",{\"key\":" : "{\"key\":");
      gwr__buf_json_str(b, r->f[i].key, strlen(r->f[i].key));
      gwr__buf_puts(b, ",\"expected\":");
      gwr__buf_json_str(b, r->f[i].expected, strlen(r->f[i].expected));
      gwr__buf_puts(b, ",\"actual\":");
      gwr__buf_json_str(b, r->f[i].actual, strlen(r->f[i].actual));
      gwr__buf_puts(b, "}");
    }
    gwr__buf_puts(b, "],\"explain\":");
    if (explained) {
      size_t n = ex.len;
      while (n && (ex.data[n - 1] == '\n' || ex.data[n - 1] == ' ')) n--;
      gwr__buf_put(b, ex.data, n);
    } else {
      gwr__buf_puts(b, "null");
    }
    gwr__buf_puts(b, "}");
  } else {
    /* names and values as data: a newline in one cannot forge a line */
    gwr__buf_puts(b, r->fn ? "FAIL " : "PASS ");
    gwr__buf_text_sv(b, gwr__sv_cstr(t->name));
    gwr__buf_puts(b, "\n");
    for (i = 0; i < r->fn; i++) {
      gwr__buf_puts(b, "  expected ");
      gwr__buf_text_sv(b, gwr__sv_cstr(r->f[i].key));
      gwr__buf_puts(b, " ");
      gwr__buf_text_sv(b, gwr__sv_cstr(r->f[i].expected));
      gwr__buf_puts(b, ", got ");
      gwr__buf_text_sv(b, gwr__sv_cstr(r->f[i].actual));
      gwr__buf_puts(b, "\n");
    }
    if (explained) put_indented(b, ex.data, ex.len, "    ");
  }
  if (ex.failed) b->failed = 1;
  gwr__buf_free(&ex);
}

static void pct(char *out, size_t cap, uint32_t hit, uint32_t total) {
  uint32_t pm = total ? (uint32_t)((uint64_t)hit * 1000u / total) : 1000u;
  snprintf(out, cap, "%u.%u%%", pm / 10u, pm % 10u);
}

static void render_summary(gwr__buf *b, const gwr_check_summary *s, int json) {
  char rp[32], mp[32];
  if (json) {
    gwr__buf_printf(b,
                    "\"summary\":{\"tests\":%u,\"failed\":%u,\"rules\":%u,\"rules_hit\":%u,"
                    "\"matches\":%u,\"matches_hit\":%u,\"coverage_permille\":%u}",
                    s->tests, s->failed, s->rules, s->rules_hit, s->matches, s->matches_hit,
                    s->coverage_permille);
    return;
  }
  pct(rp, sizeof rp, s->rules_hit, s->rules);
  pct(mp, sizeof mp, s->matches_hit, s->matches);
  gwr__buf_printf(b, "%u tests, %u failed; coverage: rules %u/%u (%s), matches %u/%u (%s)\n",
                  s->tests, s->failed, s->rules_hit, s->rules, rp, s->matches_hit, s->matches,
                  mp);
}

static void put_summary(gwr_check_summary *dst, const gwr_check_summary *src) {
  if (!dst || dst->struct_size < sizeof(size_t)) return;
#define PUT(f) \
  if (dst->struct_size >= offsetof(gwr_check_summary, f) + sizeof dst->f) dst->f = src->f
  PUT(tests);
  PUT(failed);
  PUT(rules);
  PUT(rules_hit);
  PUT(matches);
  PUT(matches_hit);
  PUT(coverage_permille);
#undef PUT
}

/* A doc parser message "<tests>:L:C: what" without its position prefix
 * (the position is in err->line and err->column). */
static void strip_source(gwr_error *err) {
  size_t n = strlen(CHECK_SOURCE), colons = 0;
  char *p;
  if (!err || err->struct_size < offsetof(gwr_error, message) + sizeof err->message) return;
  if (strncmp(err->message, CHECK_SOURCE ":", n + 1) != 0) return;
  for (p = err->message + n; *p && colons < 3; p++)
    if (*p == ':') colons++;
  if (colons == 3) {
    while (*p == ' ') p++;
    memmove(err->message, p, strlen(p) + 1);
  }
  if (err->struct_size >= offsetof(gwr_error, file) + sizeof err->file) err->file[0] = '\0';
}

int gwr_check(const gwr_table *t, const char *tests, size_t tests_len, int32_t flags,
              char **report, gwr_check_summary *summary, gwr_error *err) {
  gwr__arena ar;
  gwr__docs docs;
  gwr__doc_limits limits;
  gwr_check_summary s;
  gwr_decision *d = NULL;
  cover cv;
  cctx c;
  gwr__buf b;
  size_t i;
  int json = (flags & GWR_CHECK_JSON) != 0, rc;
  if (report) *report = NULL;
  if (!t || (!tests && tests_len) || (flags & ~(GWR_CHECK_JSON | GWR_CHECK_COVERAGE | GWR_CHECK_EXPLAIN)))
    return gwr__error_set(err, GWR_E_INVALID, "invalid argument");
  memset(&s, 0, sizeof s);
  s.struct_size = sizeof s;
  memset(&c, 0, sizeof c);
  memset(&cv, 0, sizeof cv);
  gwr__arena_init(&ar, &t->alloc);
  gwr__buf_init(&b, &t->alloc);
  c.t = t;
  c.ar = &ar;
  c.err = err;
  limits.max_aliases = 1000;
  limits.max_expanded = 1000000 + tests_len;
  limits.max_depth = 256;
  limits.max_string = (size_t)1 << 20;
  rc = gwr__doc_parse(&docs, &ar, tests ? tests : "", tests_len, CHECK_SOURCE, &limits, err);
  if (rc != GWR_OK) {
    strip_source(err);
    goto out;
  }
  if (docs.count > 1) {
    rc = fail_at(&c, docs.roots[1], "a test file holds one document");
    goto out;
  }
  if (docs.count == 1 && (rc = read_file(&c, docs.roots[0])) != GWR_OK) goto out;
  if ((rc = gwr_decision_new(&d, t)) != GWR_OK || (rc = cover_init(&cv, t)) != GWR_OK) {
    gwr__error_set(err, rc, "%s", gwr_strerror(rc));
    goto out;
  }
  if (json) gwr__buf_puts(&b, "{\n  \"tests\":[");
  for (i = 0; i < c.test_count; i++) {
    const ctest *ct = &c.tests[i];
    run r;
    int mrc;
    memset(&r, 0, sizeof r);
    r.c = &c;
    r.d = d;
    mrc = gwr_match(d, t, &ct->req);
    if (mrc != GWR_OK) {
      add_failure(&r, "request", "a routable request",
                  mrc == GWR_E_NOTFOUND ? "no such gateway" : gwr_strerror(mrc));
    } else {
      cover_hit(&cv, t, d);
      compare(&r, ct);
    }
    if (r.oom) {
      rc = gwr__error_set(err, GWR_E_NOMEM, "out of memory");
      goto out;
    }
    s.tests++;
    if (r.fn) s.failed++;
    render_test(&b, &r, ct, t, flags, i);
  }
  cover_count(&cv, t, &s);
  if (json) {
    gwr__buf_puts(&b, c.test_count ? "\n  ],\n  " : "],\n  ");
    render_summary(&b, &s, 1);
    gwr__buf_puts(&b, ",\n  \"uncovered\":[");
    if (flags & GWR_CHECK_COVERAGE) render_uncovered(&b, &cv, t, 1);
    gwr__buf_puts(&b, "]\n}\n");
  } else {
    if (flags & GWR_CHECK_COVERAGE) {
      gwr__buf_puts(&b, "coverage\n");
      render_uncovered(&b, &cv, t, 0);
    }
    render_summary(&b, &s, 0);
  }
  if (b.failed) {
    rc = gwr__error_set(err, GWR_E_NOMEM, "out of memory");
    goto out;
  }
  put_summary(summary, &s);
  if (report) {
    rc = gwr__buf_finish(&b, report);
    if (rc != GWR_OK) gwr__error_set(err, rc, "out of memory");
  }
out:
  gwr__buf_free(&b);
  cover_free(&cv, t);
  gwr_decision_free(d);
  gwr__arena_free(&ar);
  return rc;
}
