/* SPDX-License-Identifier: Apache-2.0 */
/*
 * check_filters.c - HTTPRoute filters and rule policies through the public
 * API only (YAML config -> table -> gwr_match -> decision accessors):
 * digest §5 F9-F36, §4.5 B13, §6 T1-T6 and T10-T14, plus the decision
 * calls that carry them (gwr_headers_apply, gwr_decision_list_*,
 * gwr_decision_copy). Every test fails when its feature is missing.
 *
 * Engine disagreements with the digest that these tests found, fixed
 * since, run in the TCase "regressions".
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* ---- configs ------------------------------------------------------------------ */

#define SERVICE(ns, name)                                                          \
  "apiVersion: v1\nkind: Service\nmetadata: {name: " name ", namespace: " ns "}\n" \
  "spec:\n  ports: [{port: 80}]\n---\n"

/* A Gateway default/gw with HTTP listeners on 80 and 8080 and HTTPS on 443. */
#define GW_THREE                                                                   \
  TU_OBJ("Gateway", "default", "gw")                                               \
  "spec:\n  gatewayClassName: c\n  listeners:\n"                                   \
  "  - {name: http, port: 80, protocol: HTTP}\n"                                   \
  "  - {name: alt, port: 8080, protocol: HTTP}\n"                                  \
  "  - {name: https, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: cert}]}}\n---\n"

/* TU_GW_HTTP, extra objects, then route default/r with the given rules. */
static tu_ctx *build_with(const char *extra, const char *rules) {
  tu_buf b = {NULL, 0, 0};
  tu_ctx *c;
  tu_buf_printf(&b, "%s%s%s  rules:\n%s", TU_GW_HTTP, extra, TU_ROUTE("default", "r"), rules);
  c = tu_build(b.p);
  tu_buf_free(&b);
  return c;
}

static tu_ctx *build(const char *rules) { return build_with("", rules); }

/* GW_THREE and route default/r (every listener) with the given rules. */
static tu_ctx *build_three(const char *rules) {
  tu_buf b = {NULL, 0, 0};
  tu_ctx *c;
  tu_buf_printf(&b, "%s%s  rules:\n%s", GW_THREE, TU_ROUTE("default", "r"), rules);
  c = tu_build(b.p);
  tu_buf_free(&b);
  return c;
}

/* ---- requests ------------------------------------------------------------------ */

/* The request of the last match, kept alive: the decision's views (upstream
 * headers, echoed CORS values) point into the request's header array. */
static gwr_header held_headers[32];
static gwr_request held_req;

static void copy_view(char *dst, size_t cap, gwr_str s) {
  size_t n = s.len < cap - 1 ? s.len : cap - 1;
  if (n) memcpy(dst, s.ptr, n);
  dst[n] = '\0';
}

static void read_str(tu_ctx *c, int32_t field, char *dst, size_t cap) {
  gwr_str s = {NULL, 0};
  ck_assert_int_eq(gwr_decision_str(c->d, field, &s), GWR_OK);
  copy_view(dst, cap, s);
}

/* Like tu_match, but the request outlives the call (until the next one). */
static tu_result send(tu_ctx *c, const tu_req *r) {
  gwr_request init = GWR_REQUEST_INIT;
  tu_result out;
  size_t n = 0;
  char a[256], b[256];
  memset(&out, 0, sizeof out);
  held_req = init;
  held_req.gateway = tu_s(r->gateway);
  held_req.scheme = tu_s(r->scheme);
  held_req.sni = tu_s(r->sni);
  held_req.method = tu_s(r->method ? r->method : "GET");
  held_req.host = tu_s(r->host);
  held_req.path = tu_s(r->path);
  held_req.key = tu_s(r->key);
  held_req.port = r->port;
  held_req.choice = r->choice;
  if (r->headers)
    for (; r->headers[2 * n]; n++) {
      ck_assert_uint_lt(n, 32);
      held_headers[n].name = tu_s(r->headers[2 * n]);
      held_headers[n].value = tu_s(r->headers[2 * n + 1]);
    }
  held_req.headers = n ? held_headers : NULL;
  held_req.header_count = n;
  out.rc = gwr_match(c->d, c->table, &held_req);
  out.rule = out.match = -1;
  if (out.rc != GWR_OK) return out;
  out.action = gwr_decision_action(c->d);
  out.status = (int)gwr_decision_int(c->d, GWR_DI_STATUS);
  out.rule = (int)gwr_decision_int(c->d, GWR_DI_ROUTE_RULE);
  out.match = (int)gwr_decision_int(c->d, GWR_DI_ROUTE_MATCH);
  out.has_route = (int)gwr_decision_int(c->d, GWR_DI_HAS_ROUTE);
  out.has_backend = (int)gwr_decision_int(c->d, GWR_DI_HAS_BACKEND);
  out.backend_port = (long)gwr_decision_int(c->d, GWR_DI_BACKEND_PORT);
  read_str(c, GWR_DS_ROUTE_NAMESPACE, a, sizeof a);
  read_str(c, GWR_DS_ROUTE_NAME, b, sizeof b);
  if (*b) snprintf(out.route, sizeof out.route, "%s/%s", a, b);
  read_str(c, GWR_DS_BACKEND_NAMESPACE, a, sizeof a);
  read_str(c, GWR_DS_BACKEND_NAME, b, sizeof b);
  if (*b) snprintf(out.backend, sizeof out.backend, "%s/%s", a, b);
  read_str(c, GWR_DS_LISTENER, out.listener, sizeof out.listener);
  read_str(c, GWR_DS_REASON, out.reason, sizeof out.reason);
  read_str(c, GWR_DS_UPSTREAM_PATH, out.up_path, sizeof out.up_path);
  read_str(c, GWR_DS_UPSTREAM_HOST, out.up_host, sizeof out.up_host);
  return out;
}

/* method path on Host example.com, port 80, with headers (name, value, ..., NULL). */
static tu_result req_h(tu_ctx *c, const char *method, const char *path,
                       const char *const *headers) {
  tu_req q;
  memset(&q, 0, sizeof q);
  q.method = method;
  q.host = "example.com";
  q.path = path;
  q.headers = headers;
  return send(c, &q);
}

static tu_result get(tu_ctx *c, const char *path) { return req_h(c, "GET", path, NULL); }

/* A request with a key (the weighted choice and mirror sampling hash it). */
static tu_result get_key(tu_ctx *c, const char *path, const char *key) {
  tu_req q;
  memset(&q, 0, sizeof q);
  q.host = "example.com";
  q.path = path;
  q.key = key;
  return send(c, &q);
}

#define ASSERT_ACTION(what, res, want_action, want_status)                                  \
  do {                                                                                      \
    tu_result r_ = (res);                                                                   \
    ck_assert_msg(r_.rc == GWR_OK && r_.action == (want_action) && r_.status == (want_status), \
                  "%s: got rc=%d action=%d status=%d route='%s' reason='%s'; want action %d " \
                  "status %d",                                                              \
                  (what), r_.rc, r_.action, r_.status, r_.route, r_.reason, (want_action),  \
                  (want_status));                                                           \
  } while (0)

#define ASSERT_FORWARD(what, res) ASSERT_ACTION(what, res, GWR_ACTION_FORWARD, 0)

/* ---- reading a decision ------------------------------------------------------------ */

static char ring[16][2048];
static unsigned ring_next;

static char *slot(void) { return ring[ring_next++ % 16]; }

static void put(char *buf, size_t *used, const char *fmt, gwr_str a, gwr_str b) {
  int n = snprintf(buf + *used, 2048 - *used, fmt, (int)a.len, a.ptr ? a.ptr : "", (int)b.len,
                   b.ptr ? b.ptr : "");
  if (n > 0) *used += (size_t)n;
  if (*used >= 2048) *used = 2047;
}

/* A string field of the decision, via gwr_decision_copy. */
static const char *ds(tu_ctx *c, int32_t field) {
  char *buf = slot();
  size_t need = 0;
  ck_assert_int_eq(gwr_decision_copy(c->d, field, buf, 2048, &need), GWR_OK);
  ck_assert_uint_eq(strlen(buf), need);
  return buf;
}

static int64_t di(tu_ctx *c, int32_t field) { return gwr_decision_int(c->d, field); }

static gwr_str lstr(tu_ctx *c, int32_t list, size_t i, int32_t field) {
  gwr_str s = {NULL, 0};
  ck_assert_int_eq(gwr_decision_list_str(c->d, list, i, field, &s), GWR_OK);
  return s;
}

static const char *op_name(int64_t op) {
  return op == GWR_HEADER_OP_SET ? "set" : op == GWR_HEADER_OP_ADD ? "add"
                                       : op == GWR_HEADER_OP_REMOVE ? "remove" : "?";
}

/* A header list as "name: value|name: value"; an operation list as
 * "set name: value|add name: value|remove name". */
static const char *list_text(tu_ctx *c, int32_t list) {
  char *buf = slot();
  size_t i, used = 0, n = gwr_decision_list_count(c->d, list);
  int ops = list == GWR_DL_REQUEST_HEADER_OPS || list == GWR_DL_RESPONSE_HEADER_OPS;
  buf[0] = '\0';
  for (i = 0; i < n; i++) {
    gwr_str name = lstr(c, list, i, GWR_IF_NAME), value = lstr(c, list, i, GWR_IF_VALUE);
    int64_t op = gwr_decision_list_int(c->d, list, i, GWR_IF_OP);
    if (i) put(buf, &used, "|%.*s%.*s", tu_s(""), tu_s(""));
    if (ops) put(buf, &used, "%.*s%.*s ", tu_s(op_name(op)), tu_s(""));
    if (ops && op == GWR_HEADER_OP_REMOVE)
      put(buf, &used, "%.*s%.*s", name, tu_s(""));
    else
      put(buf, &used, "%.*s: %.*s", name, value);
  }
  return buf;
}

/* Mirrors as "ns/name:port|..."; ExtensionRefs as "group/kind/name|...". */
static const char *refs_text(tu_ctx *c, int32_t list) {
  char *buf = slot();
  size_t i, used = 0, n = gwr_decision_list_count(c->d, list);
  buf[0] = '\0';
  for (i = 0; i < n; i++) {
    char port[24];
    if (i) put(buf, &used, "|%.*s%.*s", tu_s(""), tu_s(""));
    if (list == GWR_DL_MIRRORS) {
      snprintf(port, sizeof port, ":%lld",
               (long long)gwr_decision_list_int(c->d, list, i, GWR_IF_PORT));
      put(buf, &used, "%.*s/%.*s", lstr(c, list, i, GWR_IF_NAMESPACE), lstr(c, list, i, GWR_IF_NAME));
      put(buf, &used, "%.*s%.*s", tu_s(port), tu_s(""));
    } else {
      put(buf, &used, "%.*s/%.*s/", lstr(c, list, i, GWR_IF_GROUP), lstr(c, list, i, GWR_IF_KIND));
      put(buf, &used, "%.*s%.*s", lstr(c, list, i, GWR_IF_NAME), tu_s(""));
    }
  }
  return buf;
}

/* The value of the engine's own response header `name` (any case), or NULL. */
static const char *own(tu_ctx *c, const char *name) {
  size_t i, k, n = gwr_decision_list_count(c->d, GWR_DL_RESPONSE_HEADERS);
  for (i = 0; i < n; i++) {
    gwr_str h = lstr(c, GWR_DL_RESPONSE_HEADERS, i, GWR_IF_NAME);
    if (h.len != strlen(name)) continue;
    for (k = 0; k < h.len; k++)
      if ((h.ptr[k] | 0x20) != (name[k] | 0x20)) break;
    if (k == h.len) {
      char *buf = slot();
      size_t used = 0;
      buf[0] = '\0';
      put(buf, &used, "%.*s%.*s", lstr(c, GWR_DL_RESPONSE_HEADERS, i, GWR_IF_VALUE), tu_s(""));
      return buf;
    }
  }
  return NULL;
}

static size_t own_count(tu_ctx *c) { return gwr_decision_list_count(c->d, GWR_DL_RESPONSE_HEADERS); }

/* Headers of a list (for gwr_headers_apply) from name, value, ..., NULL. */
static size_t headers_of(const char *const *nv, gwr_header *out, size_t cap) {
  size_t n = 0;
  for (; nv[2 * n]; n++) {
    ck_assert_uint_lt(n, cap);
    out[n].name = tu_s(nv[2 * n]);
    out[n].value = tu_s(nv[2 * n + 1]);
  }
  return n;
}

static const char *headers_text(const gwr_header *h, size_t n) {
  char *buf = slot();
  size_t i, used = 0;
  buf[0] = '\0';
  for (i = 0; i < n; i++) {
    if (i) put(buf, &used, "|%.*s%.*s", tu_s(""), tu_s(""));
    put(buf, &used, "%.*s: %.*s", h[i].name, h[i].value);
  }
  return buf;
}

/* A key whose request picks backend `name` (or redirects, for "" with
 * action REDIRECT), searched among k0, k1, ... */
static const char *key_for(tu_ctx *c, const char *path, const char *backend, int action) {
  static char key[32];
  int i;
  for (i = 0; i < 1000; i++) {
    tu_result r;
    snprintf(key, sizeof key, "k%d", i);
    r = get_key(c, path, key);
    if (r.action == action && (!backend || strcmp(r.backend, backend) == 0)) return key;
  }
  ck_abort_msg("no key picks %s", backend ? backend : "that action");
  return NULL;
}

/* ---- F8-F12: RequestHeaderModifier --------------------------------------------------- */

#define REQ_MOD(body)                                                            \
  "  - filters: [{type: RequestHeaderModifier, requestHeaderModifier: " body "}]\n" \
  "    backendRefs: [{name: a, port: 80}]\n"

/* F9: set replaces every value of the header, whatever its case, and the
 * set line follows the untouched headers. */
START_TEST(f9_set_replaces_any_case) {
  static const char *const h[] = {"x-a", "1", "y", "2", "X-A", "3", NULL};
  tu_ctx *c = build(REQ_MOD("{set: [{name: X-a, value: new}]}"));
  ASSERT_FORWARD("set", req_h(c, "GET", "/", h));
  ck_assert_str_eq(list_text(c, GWR_DL_UPSTREAM_HEADERS), "y: 2|X-a: new");
  ck_assert_str_eq(list_text(c, GWR_DL_REQUEST_HEADER_OPS), "set X-a: new");
  ck_assert_uint_eq(gwr_decision_header_count(c->d, GWR_DH_UPSTREAM), 2);
  tu_free(c);
}
END_TEST

/* F9: set creates an absent header. */
START_TEST(f9_set_creates) {
  static const char *const h[] = {"y", "2", NULL};
  tu_ctx *c = build(REQ_MOD("{set: [{name: x-new, value: v}]}"));
  ASSERT_FORWARD("set", req_h(c, "GET", "/", h));
  ck_assert_str_eq(list_text(c, GWR_DL_UPSTREAM_HEADERS), "y: 2|x-new: v");
  tu_free(c);
}
END_TEST

/* F10: add appends a value (a second line) and keeps the existing ones;
 * it creates an absent header. */
START_TEST(f10_add_appends) {
  static const char *const h[] = {"X-B", "some-other-value", "y", "2", NULL};
  tu_ctx *c = build(REQ_MOD("{add: [{name: x-b, value: add-appends-values}, {name: x-c, value: c}]}"));
  ASSERT_FORWARD("add", req_h(c, "GET", "/", h));
  ck_assert_str_eq(list_text(c, GWR_DL_UPSTREAM_HEADERS),
                   "X-B: some-other-value|y: 2|x-b: add-appends-values|x-c: c");
  ck_assert_str_eq(list_text(c, GWR_DL_REQUEST_HEADER_OPS),
                   "add x-b: add-appends-values|add x-c: c");
  tu_free(c);
}
END_TEST

/* F11: remove deletes every occurrence, case-insensitively; absent names
 * are no-ops. */
START_TEST(f11_remove_every_occurrence) {
  static const char *const h[] = {"x-a", "1", "X-A", "2", "y", "3", "X-a", "4", NULL};
  tu_ctx *c = build(REQ_MOD("{remove: [X-A, not-there]}"));
  ASSERT_FORWARD("remove", req_h(c, "GET", "/", h));
  ck_assert_str_eq(list_text(c, GWR_DL_UPSTREAM_HEADERS), "y: 3");
  ck_assert_str_eq(list_text(c, GWR_DL_REQUEST_HEADER_OPS), "remove X-A|remove not-there");
  tu_free(c);
}
END_TEST

/* F9-F11 together, and gwr_headers_apply on the host's own header views:
 * exact room, too little room (GWR_E_RANGE with the size needed), no room,
 * bad arguments. */
START_TEST(f9_f11_headers_apply) {
  static const char *const h[] = {"keep", "k", "x-set", "old", "X-Rm", "r", "x-add", "a0", NULL};
  gwr_header in[8], out[8];
  size_t n, got = 99;
  tu_ctx *c = build(REQ_MOD("{set: [{name: X-SET, value: s}], add: [{name: x-add, value: a1}],"
                            " remove: [x-rm]}"));
  ASSERT_FORWARD("ops", req_h(c, "GET", "/", h));
  n = headers_of(h, in, 8);
  ck_assert_int_eq(gwr_headers_apply(c->d, GWR_DL_REQUEST_HEADER_OPS, in, n, out, 8, &got), GWR_OK);
  ck_assert_uint_eq(got, 4);
  ck_assert_str_eq(headers_text(out, got), "keep: k|x-add: a0|X-SET: s|x-add: a1");
  ck_assert_str_eq(list_text(c, GWR_DL_UPSTREAM_HEADERS), "keep: k|x-add: a0|X-SET: s|x-add: a1");
  /* exact room */
  got = 0;
  ck_assert_int_eq(gwr_headers_apply(c->d, GWR_DL_REQUEST_HEADER_OPS, in, n, out, 4, &got), GWR_OK);
  ck_assert_uint_eq(got, 4);
  /* one short: GWR_E_RANGE and the count needed */
  got = 0;
  ck_assert_int_eq(gwr_headers_apply(c->d, GWR_DL_REQUEST_HEADER_OPS, in, n, out, 3, &got),
                   GWR_E_RANGE);
  ck_assert_uint_eq(got, 4);
  /* no room at all: a size query */
  got = 0;
  ck_assert_int_eq(gwr_headers_apply(c->d, GWR_DL_REQUEST_HEADER_OPS, in, n, NULL, 0, &got),
                   GWR_E_RANGE);
  ck_assert_uint_eq(got, 4);
  /* other header sets: the operations alone (no input) */
  got = 0;
  ck_assert_int_eq(gwr_headers_apply(c->d, GWR_DL_REQUEST_HEADER_OPS, NULL, 0, out, 8, &got), GWR_OK);
  ck_assert_str_eq(headers_text(out, got), "X-SET: s|x-add: a1");
  /* bad arguments */
  ck_assert_int_eq(gwr_headers_apply(c->d, GWR_DL_MIRRORS, in, n, out, 8, &got), GWR_E_INVALID);
  ck_assert_int_eq(gwr_headers_apply(c->d, GWR_DL_REQUEST_HEADER_OPS, NULL, 2, out, 8, &got),
                   GWR_E_INVALID);
  ck_assert_int_eq(gwr_headers_apply(c->d, GWR_DL_REQUEST_HEADER_OPS, in, n, NULL, 8, &got),
                   GWR_E_INVALID);
  ck_assert_int_eq(gwr_headers_apply(NULL, GWR_DL_REQUEST_HEADER_OPS, in, n, out, 8, &got),
                   GWR_E_INVALID);
  tu_free(c);
}
END_TEST

/* The upstream list through gwr_decision_header, and its bounds. */
START_TEST(f9_decision_header_accessor) {
  static const char *const h[] = {"y", "2", NULL};
  gwr_header one;
  tu_ctx *c = build(REQ_MOD("{set: [{name: x-a, value: v}]}"));
  ASSERT_FORWARD("set", req_h(c, "GET", "/", h));
  ck_assert_int_eq(gwr_decision_header(c->d, GWR_DH_UPSTREAM, 1, &one), GWR_OK);
  ck_assert_uint_eq(one.name.len, 3);
  ck_assert_int_eq(memcmp(one.name.ptr, "x-a", 3), 0);
  ck_assert_uint_eq(one.value.len, 1);
  ck_assert_int_eq(gwr_decision_header(c->d, GWR_DH_UPSTREAM, 2, &one), GWR_E_NOTFOUND);
  ck_assert_int_eq(gwr_decision_list_str(c->d, GWR_DL_UPSTREAM_HEADERS, 2, GWR_IF_NAME, &one.name),
                   GWR_E_NOTFOUND);
  tu_free(c);
}
END_TEST

/* F12: one action per header name (any case) within one filter; a name
 * twice in one action is as invalid. The route is rejected, so nothing of
 * it routes. */
START_TEST(f12_one_action_per_name) {
  static const char *const bodies[] = {
      "{set: [{name: x-a, value: '1'}], add: [{name: X-A, value: '2'}]}",
      "{set: [{name: x-a, value: '1'}], remove: [X-a]}",
      "{add: [{name: x-a, value: '1'}], remove: [x-a]}",
      "{set: [{name: x-a, value: '1'}, {name: X-A, value: '2'}]}",
      "{remove: [x-a, X-A]}",
  };
  size_t i;
  for (i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
    tu_buf b = {NULL, 0, 0};
    tu_ctx *c;
    tu_buf_printf(&b, "  - filters: [{type: RequestHeaderModifier, requestHeaderModifier: %s}]\n"
                      "    backendRefs: [{name: a, port: 80}]\n", bodies[i]);
    c = build(b.p);
    ck_assert_msg(tu_count(c, GWR_COUNT_PROBLEMS) == 1, "%s: not rejected", bodies[i]);
    ASSERT_ACTION(bodies[i], get(c, "/"), GWR_ACTION_RESPOND, 404);
    tu_free(c);
    tu_buf_free(&b);
  }
  /* the same name in two different filters (rule and backend) is fine */
  {
    tu_ctx *c = build("  - filters: [{type: RequestHeaderModifier, requestHeaderModifier: "
                      "{set: [{name: x-a, value: '1'}]}}]\n"
                      "    backendRefs: [{name: a, port: 80, filters: [{type: RequestHeaderModifier,"
                      " requestHeaderModifier: {add: [{name: X-A, value: '2'}]}}]}]\n");
    ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 0);
    ASSERT_FORWARD("two filters", get(c, "/"));
    ck_assert_str_eq(list_text(c, GWR_DL_UPSTREAM_HEADERS), "x-a: 1|X-A: 2");
    tu_free(c);
  }
}
END_TEST

/* A header value with CR or LF (or a NUL) never reaches a decision: the
 * route is rejected at load, whatever the filter. */
START_TEST(header_value_crlf_rejected) {
  static const char *const filters[] = {
      "{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: x-a, value: \"a\\r\\nX-Evil: 1\"}]}}",
      "{type: RequestHeaderModifier, requestHeaderModifier: {add: [{name: x-a, value: \"a\\nb\"}]}}",
      "{type: ResponseHeaderModifier, responseHeaderModifier: {set: [{name: x-a, value: \"a\\rb\"}]}}",
      "{type: ResponseHeaderModifier, responseHeaderModifier: {add: [{name: x-a, value: \"a\\u0000b\"}]}}",
  };
  size_t i;
  for (i = 0; i < sizeof filters / sizeof filters[0]; i++) {
    tu_buf b = {NULL, 0, 0};
    tu_ctx *c;
    gwr_error e;
    tu_buf_printf(&b, "  - filters: [%s]\n    backendRefs: [{name: a, port: 80}]\n", filters[i]);
    c = build(b.p);
    ck_assert_msg(tu_count(c, GWR_COUNT_PROBLEMS) == 1, "%s: not rejected", filters[i]);
    e = tu_problem(c, 0);
    ck_assert_msg(strstr(e.field, "value") != NULL, "%s: field %s", filters[i], e.field);
    ASSERT_ACTION(filters[i], get(c, "/"), GWR_ACTION_RESPOND, 404);
    ck_assert_uint_eq(gwr_decision_list_count(c->d, GWR_DL_REQUEST_HEADER_OPS), 0);
    ck_assert_uint_eq(gwr_decision_list_count(c->d, GWR_DL_RESPONSE_HEADER_OPS), 0);
    tu_free(c);
    tu_buf_free(&b);
  }
}
END_TEST

/* ---- F13: ResponseHeaderModifier -------------------------------------------------------- */

/* F13: the response operations, in order, applied by the host to the
 * backend's response with gwr_headers_apply; the request is untouched. */
START_TEST(f13_response_modifier) {
  static const char *const resp[] = {"X-Header-Set", "old", "x-header-remove", "r",
                                     "X-Header-Add", "a0", "other", "o", NULL};
  static const char *const h[] = {"X-Header-Set", "req", NULL};
  gwr_header in[8], out[8];
  size_t n, got = 0;
  tu_ctx *c = build("  - filters: [{type: ResponseHeaderModifier, responseHeaderModifier: "
                    "{set: [{name: x-header-set, value: set-overwrites-values}],"
                    " add: [{name: x-header-add, value: add-appends-values}],"
                    " remove: [X-Header-Remove]}}]\n"
                    "    backendRefs: [{name: a, port: 80}]\n");
  ASSERT_FORWARD("response modifier", req_h(c, "GET", "/", h));
  ck_assert_str_eq(list_text(c, GWR_DL_RESPONSE_HEADER_OPS),
                   "set x-header-set: set-overwrites-values|add x-header-add: add-appends-values|"
                   "remove X-Header-Remove");
  ck_assert_str_eq(list_text(c, GWR_DL_UPSTREAM_HEADERS), "X-Header-Set: req");
  ck_assert_uint_eq(gwr_decision_list_count(c->d, GWR_DL_REQUEST_HEADER_OPS), 0);
  n = headers_of(resp, in, 8);
  ck_assert_int_eq(gwr_headers_apply(c->d, GWR_DL_RESPONSE_HEADER_OPS, in, n, out, 8, &got), GWR_OK);
  ck_assert_str_eq(headers_text(out, got), "X-Header-Add: a0|other: o|"
                   "x-header-set: set-overwrites-values|x-header-add: add-appends-values");
  ck_assert_int_eq(gwr_headers_apply(c->d, GWR_DL_RESPONSE_HEADER_OPS, in, n, out, 2, &got),
                   GWR_E_RANGE);
  ck_assert_uint_eq(got, 4);
  tu_free(c);
}
END_TEST

/* F13 (recommended resolution): a redirect answer also gets the response
 * operations. */
START_TEST(f13_response_modifier_on_redirect) {
  tu_ctx *c = build("  - filters:\n"
                    "    - {type: ResponseHeaderModifier, responseHeaderModifier: {add: [{name: x-r, value: '1'}]}}\n"
                    "    - {type: RequestRedirect, requestRedirect: {hostname: r.example.com}}\n");
  ASSERT_ACTION("redirect", get(c, "/p"), GWR_ACTION_REDIRECT, 302);
  ck_assert_str_eq(list_text(c, GWR_DL_RESPONSE_HEADER_OPS), "add x-r: 1");
  tu_free(c);
}
END_TEST

/* ---- F1, F6: the filter list ------------------------------------------------------------------ */

/* F1: at most one of each type but RequestMirror and ExtensionRef. */
START_TEST(f1_repetition) {
  static const char *const twice[] = {
      "{type: RequestHeaderModifier, requestHeaderModifier: {add: [{name: x-a, value: v}]}}",
      "{type: ResponseHeaderModifier, responseHeaderModifier: {add: [{name: x-a, value: v}]}}",
      "{type: URLRewrite, urlRewrite: {hostname: a.example.com}}",
      "{type: CORS, cors: {allowOrigins: [\"*\"]}}",
  };
  size_t i;
  tu_ctx *c;
  for (i = 0; i < sizeof twice / sizeof twice[0]; i++) {
    tu_buf b = {NULL, 0, 0};
    tu_buf_printf(&b, "  - filters: [%s, %s]\n    backendRefs: [{name: a, port: 80}]\n", twice[i],
                  twice[i]);
    c = build(b.p);
    ck_assert_msg(tu_count(c, GWR_COUNT_PROBLEMS) == 1, "%s twice: not rejected", twice[i]);
    tu_free(c);
    tu_buf_free(&b);
  }
  c = build("  - filters:\n"
            "    - {type: RequestMirror, requestMirror: {backendRef: {name: m1, port: 80}}}\n"
            "    - {type: RequestMirror, requestMirror: {backendRef: {name: m2, port: 80}}}\n"
            "    - {type: ExtensionRef, extensionRef: {group: example.net, kind: A, name: x}}\n"
            "    - {type: ExtensionRef, extensionRef: {group: example.net, kind: A, name: y}}\n"
            "    backendRefs: [{name: a, port: 80}]\n");
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 0);
  ASSERT_FORWARD("repeatable", get(c, "/"));
  ck_assert_uint_eq(gwr_decision_list_count(c->d, GWR_DL_MIRRORS), 2);
  ck_assert_uint_eq(gwr_decision_list_count(c->d, GWR_DL_EXTENSION_REFS), 2);
  tu_free(c);
}
END_TEST

/* F6: an unknown filter type drops its rule (UnsupportedValue), never the
 * other rules, never a crash. */
START_TEST(f6_unknown_filter_type) {
  tu_ctx *c = build("  - matches: [{path: {type: Exact, value: /bad}}]\n"
                    "    filters: [{type: Teleport}]\n"
                    "    backendRefs: [{name: a, port: 80}]\n"
                    "  - backendRefs: [{name: b, port: 80}]\n");
  tu_result r = get(c, "/bad");
  ASSERT_FORWARD("other rule", r);
  ck_assert_int_eq(r.rule, 1);
  ck_assert_msg(strstr(c->status, "UnsupportedValue") != NULL, "%s", c->status);
  tu_free(c);
}
END_TEST

/* ---- F14-F19: RequestRedirect ------------------------------------------------------------ */

/* One rule per redirect variant, told apart by an Exact path. */
#define REDIRECT_RULE(path, body)                                                  \
  "  - matches: [{path: {type: Exact, value: " path "}}]\n"                        \
  "    filters: [{type: RequestRedirect, requestRedirect: " body "}]\n"

static const char redirect_rules[] =
    REDIRECT_RULE("/none", "{}")
    REDIRECT_RULE("/port80", "{port: 80}")
    REDIRECT_RULE("/https", "{scheme: https}")
    REDIRECT_RULE("/https8443", "{scheme: https, port: 8443}")
    REDIRECT_RULE("/http", "{scheme: http}")
    REDIRECT_RULE("/port8443", "{port: 8443}")
    REDIRECT_RULE("/host", "{hostname: other.example.org}")
    REDIRECT_RULE("/http443", "{scheme: http, port: 443}")
    REDIRECT_RULE("/https443", "{scheme: https, port: 443}");

/* A request on listener port `port` (443 = HTTPS) for Host example.org. */
static tu_result on_port(tu_ctx *c, uint32_t port, const char *host, const char *path) {
  tu_req q;
  memset(&q, 0, sizeof q);
  q.host = host;
  q.path = path;
  q.port = port;
  if (port == 443) {
    q.scheme = "https";
    q.sni = "example.org";
  }
  return send(c, &q);
}

/* F14-F19: every row of the conformance table of F19, plus the hostname
 * (F15) and the explicit well-known ports (F18). */
START_TEST(f19_redirect_table) {
  static const struct {
    uint32_t port;
    const char *path, *location;
  } rows[] = {
      {80, "/none", "http://example.org/none"},          /* listener 80, nothing set */
      {8080, "/none", "http://example.org:8080/none"},   /* listener 8080, nothing set */
      {8080, "/port80", "http://example.org/port80"},    /* listener 8080, port 80 */
      {80, "/https", "https://example.org/https"},       /* listener 80, scheme https */
      {8080, "/https", "https://example.org/https"},     /* listener 8080, scheme https */
      {80, "/https8443", "https://example.org:8443/https8443"}, /* scheme https, port 8443 */
      {8080, "/https8443", "https://example.org:8443/https8443"},
      {443, "/http", "http://example.org/http"},         /* listener 443, scheme http */
      {443, "/port8443", "https://example.org:8443/port8443"}, /* listener 443, port 8443 */
      {443, "/none", "https://example.org/none"},        /* F14: the listener's scheme */
      {80, "/port8443", "http://example.org:8443/port8443"},
      {8080, "/host", "http://other.example.org:8080/host"}, /* F15, F17 */
      {80, "/http443", "http://example.org:443/http443"},    /* F18: only well-known pairs omit */
      {8080, "/https443", "https://example.org/https443"},
  };
  tu_ctx *c = build_three(redirect_rules);
  size_t i;
  for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    char what[96];
    tu_result r = on_port(c, rows[i].port, "example.org", rows[i].path);
    snprintf(what, sizeof what, "port %u %s", (unsigned)rows[i].port, rows[i].path);
    ASSERT_ACTION(what, r, GWR_ACTION_REDIRECT, 302);
    ck_assert_msg(strcmp(ds(c, GWR_DS_LOCATION), rows[i].location) == 0, "%s: Location %s, want %s",
                  what, ds(c, GWR_DS_LOCATION), rows[i].location);
    ck_assert_str_eq(own(c, "Location"), rows[i].location);
    ck_assert_uint_eq(own_count(c), 1);
    ck_assert_int_eq(di(c, GWR_DI_HAS_BACKEND), 0);
    ck_assert_str_eq(ds(c, GWR_DS_UPSTREAM_PATH), "");
  }
  tu_free(c);
}
END_TEST

/* F15: the request Host loses its port; F16: the query is kept. */
START_TEST(f15_f16_host_port_and_query) {
  tu_ctx *c = build_three(redirect_rules);
  ASSERT_ACTION("host with port", on_port(c, 8080, "example.org:8080", "/none?a=1&b"),
                GWR_ACTION_REDIRECT, 302);
  ck_assert_str_eq(ds(c, GWR_DS_LOCATION), "http://example.org:8080/none?a=1&b");
  ASSERT_ACTION("empty query", on_port(c, 80, "example.org", "/none?"), GWR_ACTION_REDIRECT, 302);
  ck_assert_str_eq(ds(c, GWR_DS_LOCATION), "http://example.org/none?");
  tu_free(c);
}
END_TEST

/* F16, F21, F25: the path modifiers of a redirect. */
START_TEST(f16_redirect_paths) {
  tu_ctx *c = build("  - matches: [{path: {type: PathPrefix, value: /old}}]\n"
                    "    filters: [{type: RequestRedirect, requestRedirect: {path: {type: "
                    "ReplacePrefixMatch, replacePrefixMatch: /new}}}]\n"
                    "  - matches: [{path: {type: PathPrefix, value: /full}}]\n"
                    "    filters: [{type: RequestRedirect, requestRedirect: {path: {type: "
                    "ReplaceFullPath, replaceFullPath: /replaced}, hostname: x.example.com}}]\n");
  ASSERT_ACTION("prefix", get(c, "/old/a/b?q=1"), GWR_ACTION_REDIRECT, 302);
  ck_assert_str_eq(ds(c, GWR_DS_LOCATION), "http://example.com/new/a/b?q=1");
  ASSERT_ACTION("prefix alone", get(c, "/old"), GWR_ACTION_REDIRECT, 302);
  ck_assert_str_eq(ds(c, GWR_DS_LOCATION), "http://example.com/new");
  ASSERT_ACTION("full", get(c, "/full/x?y"), GWR_ACTION_REDIRECT, 302);
  ck_assert_str_eq(ds(c, GWR_DS_LOCATION), "http://x.example.com/replaced?y");
  tu_free(c);
}
END_TEST

/* The status code: 302 by default, each of the enum, unknown ones drop
 * the rule (UnsupportedValue). */
START_TEST(f19_redirect_status_codes) {
  static const int codes[] = {301, 302, 303, 307, 308};
  size_t i;
  for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
    tu_buf b = {NULL, 0, 0};
    tu_ctx *c;
    tu_buf_printf(&b, "  - filters: [{type: RequestRedirect, requestRedirect: {statusCode: %d}}]\n",
                  codes[i]);
    c = build(b.p);
    ASSERT_ACTION("status", get(c, "/p"), GWR_ACTION_REDIRECT, codes[i]);
    ck_assert_str_eq(ds(c, GWR_DS_LOCATION), "http://example.com/p");
    tu_free(c);
    tu_buf_free(&b);
  }
  {
    tu_ctx *c = build("  - filters: [{type: RequestRedirect, requestRedirect: {statusCode: 304}}]\n");
    ASSERT_ACTION("304", get(c, "/p"), GWR_ACTION_RESPOND, 404);
    tu_free(c);
  }
}
END_TEST

/* F3: a rule-level redirect with backendRefs is invalid; F2: redirect and
 * rewrite together are invalid. */
START_TEST(f2_f3_redirect_validation) {
  tu_ctx *c = build("  - filters: [{type: RequestRedirect, requestRedirect: {port: 81}}]\n"
                    "    backendRefs: [{name: a, port: 80}]\n");
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 1);
  tu_free(c);
  c = build("  - filters:\n"
            "    - {type: RequestRedirect, requestRedirect: {port: 81}}\n"
            "    - {type: URLRewrite, urlRewrite: {hostname: a.example.com}}\n");
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 1);
  tu_free(c);
  /* empty backendRefs is not "non-empty" */
  c = build("  - filters: [{type: RequestRedirect, requestRedirect: {port: 81}}]\n"
            "    backendRefs: []\n");
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 0);
  ASSERT_ACTION("empty backendRefs", get(c, "/p"), GWR_ACTION_REDIRECT, 302);
  ck_assert_str_eq(ds(c, GWR_DS_LOCATION), "http://example.com:81/p");
  tu_free(c);
}
END_TEST

/* ---- F20-F25: URLRewrite ------------------------------------------------------------------- */

/* One ReplacePrefixMatch rewrite: prefix, replacement, request -> upstream path. */
static void check_prefix_rewrite(const char *prefix, const char *repl, const char *path,
                                 const char *want) {
  tu_buf b = {NULL, 0, 0};
  tu_ctx *c;
  tu_buf_printf(&b, "  - matches: [{path: {type: PathPrefix, value: \"%s\"}}]\n"
                    "    filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch,"
                    " replacePrefixMatch: \"%s\"}}}]\n"
                    "    backendRefs: [{name: a, port: 80}]\n", prefix, repl);
  c = build(b.p);
  ASSERT_FORWARD(path, get(c, path));
  ck_assert_msg(strcmp(ds(c, GWR_DS_UPSTREAM_PATH), want) == 0,
                "%s with prefix %s -> '%s': upstream %s, want %s", path, prefix, repl,
                ds(c, GWR_DS_UPSTREAM_PATH), want);
  tu_free(c);
  tu_buf_free(&b);
}

/* F21, F22: the upstream table, verbatim. */
START_TEST(f22_replace_prefix_table) {
  static const char *const rows[][4] = {
      {"/foo/bar", "/foo", "/xyz", "/xyz/bar"},  {"/foo/bar", "/foo", "/xyz/", "/xyz/bar"},
      {"/foo/bar", "/foo/", "/xyz", "/xyz/bar"}, {"/foo/bar", "/foo/", "/xyz/", "/xyz/bar"},
      {"/foo", "/foo", "/xyz", "/xyz"},          {"/foo/", "/foo", "/xyz", "/xyz/"},
      {"/foo/bar", "/foo", "", "/bar"},          {"/foo/", "/foo", "", "/"},
      {"/foo", "/foo", "", "/"},                 {"/foo/", "/foo", "/", "/"},
      {"/foo", "/foo", "/", "/"},
  };
  size_t i;
  for (i = 0; i < sizeof rows / sizeof rows[0]; i++)
    check_prefix_rewrite(rows[i][1], rows[i][2], rows[i][0], rows[i][3]);
}
END_TEST

/* F23: the conformance extras. */
START_TEST(f23_conformance_extras) {
  check_prefix_rewrite("/strip-prefix", "/", "/strip-prefix/three", "/three");
  check_prefix_rewrite("/strip-prefix", "/", "/strip-prefix", "/");
  check_prefix_rewrite("/prefix/one", "/one", "/prefix/one/two", "/one/two");
  check_prefix_rewrite("/prefix/one", "/one", "/prefix/one/two?a=b", "/one/two?a=b");
}
END_TEST

/* F24: the catch-all prefix is element-wise, never a string splice. */
START_TEST(f24_catch_all_prefix) {
  check_prefix_rewrite("/", "/xyz", "/a/b", "/xyz/a/b"); /* naive: /xyza/b */
  check_prefix_rewrite("/", "/xyz", "/", "/xyz/");
  check_prefix_rewrite("/", "/xyz/", "/a", "/xyz/a");
  check_prefix_rewrite("/", "/", "/a/b", "/a/b");
}
END_TEST

/* F25: ReplaceFullPath replaces the path, not the query; F20: hostname
 * replaces the upstream Host; without a rewrite both are as received. */
START_TEST(f20_f25_full_path_and_hostname) {
  tu_ctx *c = build("  - matches: [{path: {type: PathPrefix, value: /full}}]\n"
                    "    filters: [{type: URLRewrite, urlRewrite: {hostname: rewritten.example.com,"
                    " path: {type: ReplaceFullPath, replaceFullPath: /one}}}]\n"
                    "    backendRefs: [{name: a, port: 80}]\n"
                    "  - matches: [{path: {type: PathPrefix, value: /host}}]\n"
                    "    filters: [{type: URLRewrite, urlRewrite: {hostname: h.example.com}}]\n"
                    "    backendRefs: [{name: a, port: 80}]\n"
                    "  - backendRefs: [{name: a, port: 80}]\n");
  ASSERT_FORWARD("full", get(c, "/full/one/two"));
  ck_assert_str_eq(ds(c, GWR_DS_UPSTREAM_PATH), "/one");
  ck_assert_str_eq(ds(c, GWR_DS_UPSTREAM_HOST), "rewritten.example.com");
  ASSERT_FORWARD("full with query", get(c, "/full/x?a=1&b=2"));
  ck_assert_str_eq(ds(c, GWR_DS_UPSTREAM_PATH), "/one?a=1&b=2");
  ASSERT_FORWARD("host only", get(c, "/host/p?q"));
  ck_assert_str_eq(ds(c, GWR_DS_UPSTREAM_PATH), "/host/p?q");
  ck_assert_str_eq(ds(c, GWR_DS_UPSTREAM_HOST), "h.example.com");
  ASSERT_FORWARD("no rewrite", get(c, "/other?z"));
  ck_assert_str_eq(ds(c, GWR_DS_UPSTREAM_PATH), "/other?z");
  ck_assert_str_eq(ds(c, GWR_DS_UPSTREAM_HOST), "example.com");
  tu_free(c);
}
END_TEST

/* F20: the routing decision is made; a rewrite never re-matches. Dot
 * segments are removed before matching and the rewrite acts on the result. */
START_TEST(f20_rewrite_never_rematches) {
  tu_ctx *c = build("  - matches: [{path: {type: PathPrefix, value: /a}}]\n"
                    "    filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch,"
                    " replacePrefixMatch: /b}}}]\n"
                    "    backendRefs: [{name: a, port: 80}]\n"
                    "  - matches: [{path: {type: PathPrefix, value: /b}}]\n"
                    "    backendRefs: [{name: b, port: 80}]\n");
  tu_result r = get(c, "/a/x");
  ASSERT_FORWARD("rewrite", r);
  ck_assert_int_eq(r.rule, 0);
  ck_assert_str_eq(r.backend, "default/a");
  ck_assert_str_eq(r.up_path, "/b/x");
  ASSERT_FORWARD("dot segments", get(c, "/b/../a/./y"));
  ck_assert_str_eq(ds(c, GWR_DS_UPSTREAM_PATH), "/b/y");
  tu_free(c);
}
END_TEST

/* F4: ReplacePrefixMatch needs exactly one match, of type PathPrefix (a
 * rule without matches has the default one); ReplaceFullPath does not. */
START_TEST(f4_replace_prefix_validation) {
  static const char *const bad[] = {
      "  - matches: [{path: {value: /a}}, {path: {value: /b}}]\n",
      "  - matches: [{path: {type: Exact, value: /a}}]\n",
      "  - matches: [{path: {type: RegularExpression, value: /a.*}}]\n",
  };
  size_t i;
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    tu_buf b = {NULL, 0, 0};
    tu_ctx *c;
    tu_buf_printf(&b, "%s    filters: [{type: URLRewrite, urlRewrite: {path: {type: "
                      "ReplacePrefixMatch, replacePrefixMatch: /x}}}]\n"
                      "    backendRefs: [{name: a, port: 80}]\n", bad[i]);
    c = build(b.p);
    ck_assert_msg(tu_count(c, GWR_COUNT_PROBLEMS) == 1, "%s: not rejected", bad[i]);
    tu_free(c);
    tu_buf_free(&b);
  }
  {
    tu_ctx *c = build("  - filters: [{type: URLRewrite, urlRewrite: {path: {type: "
                      "ReplacePrefixMatch, replacePrefixMatch: /x}}}]\n"
                      "    backendRefs: [{name: a, port: 80}]\n"
                      "  - matches: [{path: {type: Exact, value: /e}}]\n"
                      "    filters: [{type: URLRewrite, urlRewrite: {path: {type: "
                      "ReplaceFullPath, replaceFullPath: /f}}}]\n"
                      "    backendRefs: [{name: a, port: 80}]\n");
    ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 0);
    ASSERT_FORWARD("default match", get(c, "/p/q"));
    ck_assert_str_eq(ds(c, GWR_DS_UPSTREAM_PATH), "/x/p/q");
    ASSERT_FORWARD("exact", get(c, "/e"));
    ck_assert_str_eq(ds(c, GWR_DS_UPSTREAM_PATH), "/f");
    tu_free(c);
  }
}
END_TEST

/* ---- F26-F29: RequestMirror --------------------------------------------------------------- */

#define MIRROR(body) "{type: RequestMirror, requestMirror: " body "}"

/* How many of 10,000 keys sample the mirror named `name`; *both counts the
 * keys where two mirrors fire. Plain checks in the loop: each passing
 * ck_assert costs a message to the test runner. */
static size_t sample(tu_ctx *c, const char *name, size_t *both) {
  gwr_request r = GWR_REQUEST_INIT;
  size_t hits = 0, i, k;
  char key[24];
  if (both) *both = 0;
  r.method = tu_s("GET");
  r.host = tu_s("example.com");
  r.path = tu_s("/");
  for (i = 0; i < 10000; i++) {
    size_t n;
    snprintf(key, sizeof key, "key-%zu", i);
    r.key = tu_s(key);
    if (gwr_match(c->d, c->table, &r) != GWR_OK || gwr_decision_action(c->d) != GWR_ACTION_FORWARD)
      ck_abort_msg("key %s: not forwarded", key);
    n = gwr_decision_list_count(c->d, GWR_DL_MIRRORS);
    for (k = 0; k < n; k++) {
      gwr_str s = {NULL, 0};
      if (gwr_decision_list_str(c->d, GWR_DL_MIRRORS, k, GWR_IF_NAME, &s) != GWR_OK)
        ck_abort_msg("mirror %zu unreadable", k);
      hits += s.len == strlen(name) && memcmp(s.ptr, name, s.len) == 0;
    }
    if (both && n == 2) (*both)++;
  }
  return hits;
}

/* F26, F27: no rate = every request; the whole reference with defaults. */
START_TEST(f26_mirror_always) {
  tu_ctx *c = build("  - filters: [" MIRROR("{backendRef: {name: m, port: 8080}}") "]\n"
                    "    backendRefs: [{name: a, port: 80}]\n");
  ASSERT_FORWARD("mirror", get(c, "/"));
  ck_assert_str_eq(refs_text(c, GWR_DL_MIRRORS), "default/m:8080");
  ck_assert_str_eq(lstr(c, GWR_DL_MIRRORS, 0, GWR_IF_KIND).ptr, "Service");
  ck_assert_uint_eq(lstr(c, GWR_DL_MIRRORS, 0, GWR_IF_GROUP).len, 0);
  ck_assert_uint_eq(sample(c, "m", NULL), 10000);
  /* the primary is unaffected */
  ck_assert_str_eq(ds(c, GWR_DS_BACKEND_NAME), "a");
  tu_free(c);
}
END_TEST

/* F27: percent 0 and numerator 0 never mirror. */
START_TEST(f27_mirror_never) {
  tu_ctx *c = build("  - filters:\n"
                    "    - " MIRROR("{backendRef: {name: p0, port: 80}, percent: 0}") "\n"
                    "    - " MIRROR("{backendRef: {name: n0, port: 80}, fraction: {numerator: 0, denominator: 7}}") "\n"
                    "    backendRefs: [{name: a, port: 80}]\n");
  ck_assert_uint_eq(sample(c, "p0", NULL) + sample(c, "n0", NULL), 0);
  tu_free(c);
}
END_TEST

/* F27: percent and fraction proportions over 10,000 keys, within 1%. */
START_TEST(f27_mirror_proportions) {
  static const struct {
    const char *rate;
    double want;
  } rows[] = {
      {"percent: 25", 0.25},
      {"percent: 100", 1.0},
      {"fraction: {numerator: 1, denominator: 3}", 1.0 / 3},
      {"fraction: {numerator: 37}", 0.37}, /* denominator defaults to 100 */
      {"fraction: {numerator: 5, denominator: 5}", 1.0},
  };
  size_t i;
  for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    tu_buf b = {NULL, 0, 0};
    tu_ctx *c;
    double got;
    tu_buf_printf(&b, "  - filters: [{type: RequestMirror, requestMirror: {backendRef: {name: m,"
                      " port: 80}, %s}}]\n    backendRefs: [{name: a, port: 80}]\n", rows[i].rate);
    c = build(b.p);
    got = (double)sample(c, "m", NULL) / 10000.0;
    ck_assert_msg(got >= rows[i].want - 0.01 && got <= rows[i].want + 0.01, "%s: %f, want %f",
                  rows[i].rate, got, rows[i].want);
    tu_free(c);
    tu_buf_free(&b);
  }
}
END_TEST

/* F27: the draw is deterministic for a key. */
START_TEST(f27_mirror_deterministic) {
  tu_ctx *c = build("  - filters: [" MIRROR("{backendRef: {name: m, port: 80}, percent: 50}") "]\n"
                    "    backendRefs: [{name: a, port: 80}]\n");
  int i;
  for (i = 0; i < 50; i++) {
    char key[16];
    size_t first;
    snprintf(key, sizeof key, "d%d", i);
    get_key(c, "/", key);
    first = gwr_decision_list_count(c->d, GWR_DL_MIRRORS);
    get_key(c, "/", key);
    ck_assert_uint_eq(gwr_decision_list_count(c->d, GWR_DL_MIRRORS), first);
  }
  tu_free(c);
}
END_TEST

/* F29: two mirrors, each sampled on its own: 50% each and about 25% both. */
START_TEST(f29_two_independent_mirrors) {
  tu_ctx *c = build("  - filters:\n"
                    "    - " MIRROR("{backendRef: {name: m1, port: 80}, percent: 50}") "\n"
                    "    - " MIRROR("{backendRef: {name: m2, port: 81}, percent: 50}") "\n"
                    "    backendRefs: [{name: a, port: 80}]\n");
  size_t both = 0, one = sample(c, "m1", &both), two = sample(c, "m2", NULL);
  ck_assert_msg(one >= 4900 && one <= 5100, "m1: %zu of 10000", one);
  ck_assert_msg(two >= 4900 && two <= 5100, "m2: %zu of 10000", two);
  ck_assert_msg(both >= 2400 && both <= 2600, "both: %zu of 10000", both);
  /* both always: in filter order */
  tu_free(c);
  c = build("  - filters:\n"
            "    - " MIRROR("{backendRef: {name: m1, port: 80}}") "\n"
            "    - " MIRROR("{backendRef: {name: m2, port: 81}}") "\n"
            "    backendRefs: [{name: a, port: 80}]\n");
  ASSERT_FORWARD("two", get(c, "/"));
  ck_assert_str_eq(refs_text(c, GWR_DL_MIRRORS), "default/m1:80|default/m2:81");
  tu_free(c);
}
END_TEST

/* F28: an invalid mirror (missing Service, no grant) is dropped alone; the
 * primary still forwards, the route says ResolvedRefs False. */
START_TEST(f28_invalid_mirror_dropped) {
  tu_ctx *c = build_with(SERVICE("default", "a") SERVICE("default", "m") SERVICE("other", "x"),
                         "  - filters:\n"
                         "    - " MIRROR("{backendRef: {name: missing, port: 80}}") "\n"
                         "    - " MIRROR("{backendRef: {name: m, port: 80}}") "\n"
                         "    - " MIRROR("{backendRef: {name: x, namespace: other, port: 80}}") "\n"
                         "    backendRefs: [{name: a, port: 80}]\n");
  ASSERT_FORWARD("primary", get(c, "/"));
  ck_assert_str_eq(ds(c, GWR_DS_BACKEND_NAME), "a");
  ck_assert_str_eq(refs_text(c, GWR_DL_MIRRORS), "default/m:80");
  ck_assert_str_eq(tu_route_cond(c, "default", "r", 0, "ResolvedRefs"), "False BackendNotFound");
  ck_assert_str_eq(tu_route_cond(c, "default", "r", 0, "Accepted"), "True Accepted");
  tu_free(c);
}
END_TEST

/* F27: percent and fraction together, or a fraction above 1, are invalid. */
START_TEST(f27_mirror_validation) {
  static const char *const bad[] = {
      "{backendRef: {name: m, port: 80}, percent: 10, fraction: {numerator: 1}}",
      "{backendRef: {name: m, port: 80}, percent: 101}",
      "{backendRef: {name: m, port: 80}, fraction: {numerator: 4, denominator: 3}}",
      "{backendRef: {name: m, port: 80}, fraction: {numerator: 1, denominator: 0}}",
      "{backendRef: {name: m}}",
  };
  size_t i;
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    tu_buf b = {NULL, 0, 0};
    tu_ctx *c;
    tu_buf_printf(&b, "  - filters: [{type: RequestMirror, requestMirror: %s}]\n"
                      "    backendRefs: [{name: a, port: 80}]\n", bad[i]);
    c = build(b.p);
    ck_assert_msg(tu_count(c, GWR_COUNT_PROBLEMS) == 1, "%s: not rejected", bad[i]);
    tu_free(c);
    tu_buf_free(&b);
  }
}
END_TEST

/* ---- F30-F35: CORS -------------------------------------------------------------------------- */

#define CORS_RULE(body) \
  "  - filters: [{type: CORS, cors: " body "}]\n    backendRefs: [{name: a, port: 80}]\n"

static tu_result preflight(tu_ctx *c, const char *origin, const char *method,
                           const char *req_headers) {
  const char *h[8];
  size_t n = 0;
  h[n++] = "Origin";
  h[n++] = origin;
  h[n++] = "Access-Control-Request-Method";
  h[n++] = method;
  if (req_headers) {
    h[n++] = "Access-Control-Request-Headers";
    h[n++] = req_headers;
  }
  h[n] = NULL;
  return req_h(c, "OPTIONS", "/", h);
}

/* F31: a preflight is answered by the gateway (204), never forwarded, with
 * the configured headers; Max-Age defaults to 5; no credentials header. */
START_TEST(f31_preflight_answered) {
  tu_ctx *c = build(CORS_RULE("{allowOrigins: [\"https://app.example\"], allowMethods: [GET, PUT],"
                              " allowHeaders: [x-a, X-B], exposeHeaders: [x-c]}"));
  ASSERT_ACTION("preflight", preflight(c, "https://app.example", "PUT", "x-a"), GWR_ACTION_RESPOND,
                204);
  ck_assert_int_eq(di(c, GWR_DI_HAS_BACKEND), 0);
  ck_assert_str_eq(ds(c, GWR_DS_UPSTREAM_PATH), "");
  ck_assert_uint_eq(gwr_decision_list_count(c->d, GWR_DL_UPSTREAM_HEADERS), 0);
  ck_assert_str_eq(own(c, "Access-Control-Allow-Origin"), "https://app.example");
  ck_assert_str_eq(own(c, "Access-Control-Allow-Methods"), "GET, PUT");
  ck_assert_str_eq(own(c, "Access-Control-Allow-Headers"), "x-a, X-B");
  ck_assert_str_eq(own(c, "Access-Control-Expose-Headers"), "x-c");
  ck_assert_str_eq(own(c, "Access-Control-Max-Age"), "5");
  ck_assert_ptr_null(own(c, "Access-Control-Allow-Credentials"));
  tu_free(c);
  c = build(CORS_RULE("{allowOrigins: [\"https://app.example\"], maxAge: 600, allowCredentials: true}"));
  ASSERT_ACTION("max age", preflight(c, "https://app.example", "GET", NULL), GWR_ACTION_RESPOND, 204);
  ck_assert_str_eq(own(c, "Access-Control-Max-Age"), "600");
  ck_assert_str_eq(own(c, "Access-Control-Allow-Credentials"), "true");
  tu_free(c);
}
END_TEST

/* F31: an origin not allowed gets an answer without any CORS header; a
 * request lacking Access-Control-Request-Method is no preflight. */
START_TEST(f31_preflight_refused_and_not_preflight) {
  static const char *const no_acrm[] = {"Origin", "https://app.example", NULL};
  tu_ctx *c = build(CORS_RULE("{allowOrigins: [\"https://app.example\"], allowMethods: [GET]}"));
  tu_result r = preflight(c, "https://evil.example", "GET", NULL);
  ck_assert_msg(r.action == GWR_ACTION_RESPOND && (r.status == 200 || r.status == 204 || r.status == 403),
                "refused preflight: action %d status %d", r.action, r.status);
  ck_assert_ptr_null(own(c, "Access-Control-Allow-Origin"));
  ck_assert_ptr_null(own(c, "Access-Control-Allow-Methods"));
  ASSERT_FORWARD("OPTIONS without ACRM", req_h(c, "OPTIONS", "/", no_acrm));
  ASSERT_FORWARD("GET", req_h(c, "GET", "/", no_acrm));
  tu_free(c);
}
END_TEST

/* F30: scheme, host and port; default ports; host wildcards over one or
 * more labels (not the bare suffix); "*" alone any origin. */
START_TEST(f30_origin_matching) {
  static const struct {
    const char *origin;
    int allowed;
  } rows[] = {
      {"https://a.com", 1},          {"https://a.com:443", 1},      {"http://a.com", 0},
      {"https://a.com:8443", 0},     {"https://www.bar.com", 1},    {"https://xpto.www.bar.com", 1},
      {"https://bar.com", 0},        {"http://www.bar.com", 0},     {"http://c.com:8080", 1},
      {"http://c.com", 0},           {"https://b.com", 0},          {"http://d.com:80", 1},
  };
  tu_ctx *c = build(CORS_RULE("{allowOrigins: [\"https://a.com:443\", \"https://*.bar.com\","
                              " \"http://c.com:8080\", \"http://d.com\"]}"));
  size_t i;
  for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    const char *acao;
    ASSERT_ACTION(rows[i].origin, preflight(c, rows[i].origin, "GET", NULL), GWR_ACTION_RESPOND, 204);
    acao = own(c, "Access-Control-Allow-Origin");
    ck_assert_msg(rows[i].allowed ? acao && strcmp(acao, rows[i].origin) == 0 : acao == NULL,
                  "%s: ACAO %s", rows[i].origin, acao ? acao : "(none)");
  }
  tu_free(c);
  c = build(CORS_RULE("{allowOrigins: [\"*\"]}"));
  ASSERT_ACTION("any", preflight(c, "https://anything.example:1234", "GET", NULL), GWR_ACTION_RESPOND, 204);
  ck_assert_ptr_nonnull(own(c, "Access-Control-Allow-Origin"));
  tu_free(c);
}
END_TEST

/* F32: an actual cross-origin request is forwarded; the response gets ACAO
 * (+expose) when the origin is allowed, nothing otherwise. */
START_TEST(f32_actual_request) {
  static const char *const ok[] = {"Origin", "https://app.example", NULL};
  static const char *const bad[] = {"Origin", "https://evil.example", NULL};
  tu_ctx *c = build(CORS_RULE("{allowOrigins: [\"https://app.example\"], exposeHeaders: [x-c, x-d]}"));
  const char *ops;
  ASSERT_FORWARD("allowed", req_h(c, "GET", "/", ok));
  ops = list_text(c, GWR_DL_RESPONSE_HEADER_OPS);
  ck_assert_msg(strstr(ops, "set Access-Control-Allow-Origin: https://app.example") != NULL, "%s", ops);
  ck_assert_msg(strstr(ops, "Access-Control-Expose-Headers: x-c, x-d") != NULL, "%s", ops);
  ck_assert_msg(strstr(ops, "Credentials") == NULL, "%s", ops);
  ck_assert_uint_eq(own_count(c), 0);
  ASSERT_FORWARD("refused", req_h(c, "GET", "/", bad));
  ck_assert_str_eq(list_text(c, GWR_DL_RESPONSE_HEADER_OPS), "");
  ASSERT_FORWARD("no origin", get(c, "/"));
  ck_assert_str_eq(list_text(c, GWR_DL_RESPONSE_HEADER_OPS), "");
  tu_free(c);
}
END_TEST

/* F33: with allowCredentials a configured "*" never appears: the origin,
 * method and headers are echoed (ACAH omitted without the request header),
 * exposeHeaders "*" is not sent. */
START_TEST(f33_credentials_no_wildcards) {
  tu_ctx *c = build(CORS_RULE("{allowOrigins: [\"*\"], allowCredentials: true, allowMethods: [\"*\"],"
                              " allowHeaders: [\"*\"], exposeHeaders: [\"*\"]}"));
  static const char *const actual[] = {"Origin", "https://app.example", "Cookie", "a=b", NULL};
  const char *ops;
  size_t i, n;
  ASSERT_ACTION("preflight", preflight(c, "https://app.example", "PATCH", "x-a, x-b"),
                GWR_ACTION_RESPOND, 204);
  ck_assert_str_eq(own(c, "Access-Control-Allow-Origin"), "https://app.example");
  ck_assert_str_eq(own(c, "Access-Control-Allow-Methods"), "PATCH");
  ck_assert_str_eq(own(c, "Access-Control-Allow-Headers"), "x-a, x-b");
  ck_assert_str_eq(own(c, "Access-Control-Allow-Credentials"), "true");
  ck_assert_ptr_null(own(c, "Access-Control-Expose-Headers"));
  n = own_count(c);
  for (i = 0; i < n; i++) {
    gwr_str v = lstr(c, GWR_DL_RESPONSE_HEADERS, i, GWR_IF_VALUE);
    ck_assert_msg(!(v.len == 1 && v.ptr[0] == '*'), "a '*' was sent");
  }
  ASSERT_ACTION("no ACRH", preflight(c, "https://app.example", "GET", NULL), GWR_ACTION_RESPOND, 204);
  ck_assert_ptr_null(own(c, "Access-Control-Allow-Headers"));
  /* a credentialed actual request */
  ASSERT_FORWARD("actual", req_h(c, "GET", "/", actual));
  ops = list_text(c, GWR_DL_RESPONSE_HEADER_OPS);
  ck_assert_msg(strstr(ops, "set Access-Control-Allow-Origin: https://app.example") != NULL, "%s", ops);
  ck_assert_msg(strstr(ops, "set Access-Control-Allow-Credentials: true") != NULL, "%s", ops);
  ck_assert_msg(strstr(ops, ": *") == NULL, "%s", ops);
  tu_free(c);
}
END_TEST

/* F33: without allowCredentials "*" may be sent as "*" (or echoed); a
 * credentialed actual request gets no CORS header at all. */
START_TEST(f33_no_credentials) {
  static const char *const with_cookie[] = {"Origin", "https://app.example", "Cookie", "a=b", NULL};
  static const char *const with_auth[] = {"Origin", "https://app.example", "Authorization", "x", NULL};
  static const char *const plain[] = {"Origin", "https://app.example", NULL};
  tu_ctx *c = build(CORS_RULE("{allowOrigins: [\"*\"], allowMethods: [\"*\"], allowHeaders: [\"*\"]}"));
  const char *acao;
  ASSERT_ACTION("preflight", preflight(c, "https://app.example", "PUT", "x-a"), GWR_ACTION_RESPOND, 204);
  acao = own(c, "Access-Control-Allow-Origin");
  ck_assert_msg(acao && (strcmp(acao, "*") == 0 || strcmp(acao, "https://app.example") == 0), "%s",
                acao ? acao : "(none)");
  ck_assert_ptr_null(own(c, "Access-Control-Allow-Credentials"));
  ASSERT_FORWARD("cookie", req_h(c, "GET", "/", with_cookie));
  ck_assert_str_eq(list_text(c, GWR_DL_RESPONSE_HEADER_OPS), "");
  ASSERT_FORWARD("authorization", req_h(c, "GET", "/", with_auth));
  ck_assert_str_eq(list_text(c, GWR_DL_RESPONSE_HEADER_OPS), "");
  ASSERT_FORWARD("plain", req_h(c, "GET", "/", plain));
  ck_assert_msg(strstr(list_text(c, GWR_DL_RESPONSE_HEADER_OPS), "Access-Control-Allow-Origin") != NULL,
                "no ACAO");
  tu_free(c);
}
END_TEST

/* F34: the safelisted methods are never refused: a preflight asking for
 * GET is allowed whatever allowMethods lists. */
START_TEST(f34_safelisted_methods) {
  tu_ctx *c = build(CORS_RULE("{allowOrigins: [\"https://app.example\"], allowMethods: [PUT]}"));
  ASSERT_ACTION("GET", preflight(c, "https://app.example", "GET", NULL), GWR_ACTION_RESPOND, 204);
  ck_assert_str_eq(own(c, "Access-Control-Allow-Origin"), "https://app.example");
  ASSERT_ACTION("POST", preflight(c, "https://app.example", "POST", NULL), GWR_ACTION_RESPOND, 204);
  ck_assert_str_eq(own(c, "Access-Control-Allow-Origin"), "https://app.example");
  tu_free(c);
}
END_TEST

/* F35: a rule whose match excludes OPTIONS never sees the preflight. */
START_TEST(f35_preflight_needs_the_match) {
  tu_ctx *c = build("  - matches: [{method: GET}]\n"
                    "    filters: [{type: CORS, cors: {allowOrigins: [\"*\"]}}]\n"
                    "    backendRefs: [{name: a, port: 80}]\n");
  ASSERT_ACTION("OPTIONS", preflight(c, "https://app.example", "GET", NULL), GWR_ACTION_RESPOND, 404);
  ck_assert_ptr_null(own(c, "Access-Control-Allow-Origin"));
  tu_free(c);
}
END_TEST

/* CORS validation: "*" alone, origins well formed, maxAge >= 1. */
START_TEST(cors_validation) {
  static const char *const bad[] = {
      "{allowOrigins: [\"*\", \"https://a.com\"]}",
      "{allowOrigins: [\"a.com\"]}",
      "{allowOrigins: [\"https://a.com\"], allowMethods: [\"*\", GET]}",
      "{allowOrigins: [\"https://a.com\"], allowMethods: [FETCH]}",
      "{allowOrigins: [\"https://a.com\"], maxAge: 0}",
  };
  size_t i;
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    tu_buf b = {NULL, 0, 0};
    tu_ctx *c;
    tu_buf_printf(&b, CORS_RULE("%s"), bad[i]);
    c = build(b.p);
    ck_assert_msg(tu_count(c, GWR_COUNT_PROBLEMS) == 1, "%s: not rejected", bad[i]);
    tu_free(c);
    tu_buf_free(&b);
  }
}
END_TEST

/* ---- F36: ExtensionRef ------------------------------------------------------------------------ */

/* F36: every ExtensionRef, rule level in list order then the chosen
 * backend's, for the host to run (none may be skipped). */
START_TEST(f36_extension_refs_in_order) {
  tu_ctx *c = build("  - filters:\n"
                    "    - {type: ExtensionRef, extensionRef: {group: example.net, kind: Auth, name: first}}\n"
                    "    - {type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: x-a, value: '1'}]}}\n"
                    "    - {type: ExtensionRef, extensionRef: {group: \"\", kind: ConfigMap, name: second}}\n"
                    "    backendRefs: [{name: a, port: 80, filters: [{type: ExtensionRef,"
                    " extensionRef: {group: example.net, kind: RateLimit, name: third}}]}]\n");
  ASSERT_FORWARD("extension refs", get(c, "/"));
  ck_assert_str_eq(refs_text(c, GWR_DL_EXTENSION_REFS),
                   "example.net/Auth/first|/ConfigMap/second|example.net/RateLimit/third");
  ck_assert_uint_eq(gwr_decision_list_count(c->d, GWR_DL_EXTENSION_REFS), 3);
  {
    gwr_str none = {NULL, 0};
    ck_assert_int_eq(gwr_decision_list_str(c->d, GWR_DL_EXTENSION_REFS, 3, GWR_IF_NAME, &none),
                     GWR_E_NOTFOUND);
  }
  tu_free(c);
}
END_TEST

/* ---- T1-T5: timeouts ------------------------------------------------------------------------------ */

static tu_ctx *with_timeouts(const char *timeouts) {
  tu_buf b = {NULL, 0, 0};
  tu_ctx *c;
  tu_buf_printf(&b, "  - timeouts: %s\n    backendRefs: [{name: a, port: 80}]\n", timeouts);
  c = build(b.p);
  tu_buf_free(&b);
  return c;
}

/* T1, T2, T5: values in milliseconds and as written. */
START_TEST(t1_t2_timeout_values) {
  tu_ctx *c = with_timeouts("{request: 1h30m, backendRequest: 500ms}");
  ASSERT_FORWARD("timeouts", get(c, "/"));
  ck_assert_int_eq(di(c, GWR_DI_TIMEOUT_REQUEST_MS), 5400000);
  ck_assert_int_eq(di(c, GWR_DI_TIMEOUT_BACKEND_MS), 500);
  ck_assert_str_eq(ds(c, GWR_DS_TIMEOUT_REQUEST), "1h30m");
  ck_assert_str_eq(ds(c, GWR_DS_TIMEOUT_BACKEND), "500ms");
  tu_free(c);
  /* T5: components sum, repeats allowed, ms before m; never rewritten */
  c = with_timeouts("{request: 1h1h, backendRequest: 1m1ms1s}");
  ASSERT_FORWARD("sums", get(c, "/"));
  ck_assert_int_eq(di(c, GWR_DI_TIMEOUT_REQUEST_MS), 7200000);
  ck_assert_int_eq(di(c, GWR_DI_TIMEOUT_BACKEND_MS), 61001);
  ck_assert_str_eq(ds(c, GWR_DS_TIMEOUT_REQUEST), "1h1h");
  tu_free(c);
  c = with_timeouts("{request: 99999s}");
  ASSERT_FORWARD("five digits", get(c, "/"));
  ck_assert_int_eq(di(c, GWR_DI_TIMEOUT_REQUEST_MS), 99999000);
  ck_assert_int_eq(di(c, GWR_DI_TIMEOUT_BACKEND_MS), -1);
  ck_assert_str_eq(ds(c, GWR_DS_TIMEOUT_BACKEND), "");
  tu_free(c);
}
END_TEST

/* T3: zero disables (0 in the decision), unset is -1. */
START_TEST(t3_zero_and_unset) {
  tu_ctx *c = with_timeouts("{request: 0s, backendRequest: 10s}");
  ASSERT_FORWARD("zero", get(c, "/"));
  ck_assert_int_eq(di(c, GWR_DI_TIMEOUT_REQUEST_MS), 0);
  ck_assert_str_eq(ds(c, GWR_DS_TIMEOUT_REQUEST), "0s");
  ck_assert_int_eq(di(c, GWR_DI_TIMEOUT_BACKEND_MS), 10000);
  tu_free(c);
  c = build("  - backendRefs: [{name: a, port: 80}]\n");
  ASSERT_FORWARD("unset", get(c, "/"));
  ck_assert_int_eq(di(c, GWR_DI_TIMEOUT_REQUEST_MS), -1);
  ck_assert_int_eq(di(c, GWR_DI_TIMEOUT_BACKEND_MS), -1);
  ck_assert_str_eq(ds(c, GWR_DS_TIMEOUT_REQUEST), "");
  /* no route at all: unset too */
  {
    tu_req q;
    memset(&q, 0, sizeof q);
    q.host = "example.com";
    q.path = "/";
    q.gateway = "default/gw";
    q.port = 8080; /* no listener there */
    ASSERT_ACTION("no route", send(c, &q), GWR_ACTION_RESPOND, 404);
  }
  ck_assert_int_eq(di(c, GWR_DI_TIMEOUT_REQUEST_MS), -1);
  tu_free(c);
}
END_TEST

/* T4: backendRequest <= request unless request is zero. */
START_TEST(t4_backend_not_longer) {
  tu_ctx *c = with_timeouts("{request: 1s, backendRequest: 2s}");
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 1);
  tu_free(c);
  c = with_timeouts("{request: 0s, backendRequest: 2s}");
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 0);
  tu_free(c);
  c = with_timeouts("{request: 60s, backendRequest: 1m}");
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 0);
  tu_free(c);
}
END_TEST

/* T5: the format ^([0-9]{1,5}(h|m|s|ms)){1,4}$ and nothing else. */
START_TEST(t5_duration_format) {
  static const char *const bad[] = {"1.5s", "1d",  "-1s", "100000s", "1s2s3s4s5s", "1us",
                                    "\"\"", "s",   "1",   "1H",      "1s ",        "+1s"};
  size_t i;
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    tu_buf b = {NULL, 0, 0};
    tu_ctx *c;
    tu_buf_printf(&b, "{request: \"%s\"}", bad[i][0] == '"' ? "" : bad[i]);
    c = with_timeouts(b.p);
    ck_assert_msg(tu_count(c, GWR_COUNT_PROBLEMS) == 1, "%s: not rejected", bad[i]);
    tu_free(c);
    tu_buf_free(&b);
  }
}
END_TEST

/* ---- T6: retry ----------------------------------------------------------------------------- */

START_TEST(t6_retry_values) {
  tu_ctx *c = build("  - retry: {codes: [500, 502, 503, 504], attempts: 3, backoff: 100ms}\n"
                    "    backendRefs: [{name: a, port: 80}]\n"
                    "  - matches: [{path: {type: Exact, value: /plain}}]\n"
                    "    backendRefs: [{name: a, port: 80}]\n");
  size_t i;
  static const int64_t codes[] = {500, 502, 503, 504};
  ASSERT_FORWARD("retry", get(c, "/"));
  ck_assert_int_eq(di(c, GWR_DI_HAS_RETRY), 1);
  ck_assert_int_eq(di(c, GWR_DI_RETRY_ATTEMPTS), 3);
  ck_assert_int_eq(di(c, GWR_DI_RETRY_BACKOFF_MS), 100);
  ck_assert_str_eq(ds(c, GWR_DS_RETRY_BACKOFF), "100ms");
  ck_assert_uint_eq(gwr_decision_list_count(c->d, GWR_DL_RETRY_CODES), 4);
  for (i = 0; i < 4; i++)
    ck_assert_int_eq(gwr_decision_list_int(c->d, GWR_DL_RETRY_CODES, i, GWR_IF_CODE), codes[i]);
  ASSERT_FORWARD("no retry", get(c, "/plain"));
  ck_assert_int_eq(di(c, GWR_DI_HAS_RETRY), 0);
  ck_assert_int_eq(di(c, GWR_DI_RETRY_ATTEMPTS), -1);
  ck_assert_int_eq(di(c, GWR_DI_RETRY_BACKOFF_MS), -1);
  ck_assert_uint_eq(gwr_decision_list_count(c->d, GWR_DL_RETRY_CODES), 0);
  tu_free(c);
  /* T9: unset fields stay unset */
  c = build("  - retry: {codes: [503]}\n    backendRefs: [{name: a, port: 80}]\n");
  ASSERT_FORWARD("codes only", get(c, "/"));
  ck_assert_int_eq(di(c, GWR_DI_HAS_RETRY), 1);
  ck_assert_int_eq(di(c, GWR_DI_RETRY_ATTEMPTS), -1);
  ck_assert_int_eq(di(c, GWR_DI_RETRY_BACKOFF_MS), -1);
  tu_free(c);
  /* T6: codes are 400..599 */
  c = build("  - retry: {codes: [399]}\n    backendRefs: [{name: a, port: 80}]\n");
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 1);
  tu_free(c);
  c = build("  - retry: {codes: [600]}\n    backendRefs: [{name: a, port: 80}]\n");
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 1);
  tu_free(c);
}
END_TEST

/* ---- T10-T14: session persistence, both spellings --------------------------------------------- */

static tu_ctx *with_session(const char *sp) {
  tu_buf b = {NULL, 0, 0};
  tu_ctx *c;
  tu_buf_printf(&b, "  - sessionPersistence: %s\n    backendRefs: [{name: a, port: 80}]\n", sp);
  c = build(b.p);
  tu_buf_free(&b);
  return c;
}

/* main-branch spelling: type + cookie{name, path, lifetimeType} + absoluteTimeout. */
START_TEST(t10_session_main_cookie) {
  tu_ctx *c = with_session("{type: Cookie, absoluteTimeout: 1h, cookie: {name: sess, path: /api,"
                           " lifetimeType: Permanent}}");
  ASSERT_FORWARD("cookie", get(c, "/"));
  ck_assert_int_eq(di(c, GWR_DI_HAS_SESSION), 1);
  ck_assert_str_eq(ds(c, GWR_DS_SESSION_TYPE), "Cookie");
  ck_assert_str_eq(ds(c, GWR_DS_SESSION_NAME), "sess");
  ck_assert_str_eq(ds(c, GWR_DS_SESSION_COOKIE_PATH), "/api");
  ck_assert_str_eq(ds(c, GWR_DS_SESSION_LIFETIME), "Permanent");
  ck_assert_str_eq(ds(c, GWR_DS_SESSION_ABSOLUTE_TIMEOUT), "1h");
  ck_assert_int_eq(di(c, GWR_DI_SESSION_ABSOLUTE_MS), 3600000);
  ck_assert_int_eq(di(c, GWR_DI_SESSION_IDLE_MS), -1);
  tu_free(c);
}
END_TEST

/* main-branch spelling: type Header + header{name}. */
START_TEST(t10_session_main_header) {
  tu_ctx *c = with_session("{type: Header, header: {name: X-Session}, absoluteTimeout: 30m}");
  ASSERT_FORWARD("header", get(c, "/"));
  ck_assert_str_eq(ds(c, GWR_DS_SESSION_TYPE), "Header");
  ck_assert_str_eq(ds(c, GWR_DS_SESSION_NAME), "X-Session");
  ck_assert_int_eq(di(c, GWR_DI_SESSION_ABSOLUTE_MS), 1800000);
  ck_assert_str_eq(ds(c, GWR_DS_SESSION_COOKIE_PATH), "");
  tu_free(c);
}
END_TEST

/* v1.6.1 spelling: sessionName + cookieConfig{lifetimeType}; v1.5 idleTimeout;
 * type defaults to Cookie. */
START_TEST(t10_session_v161) {
  tu_ctx *c = with_session("{sessionName: legacy, absoluteTimeout: 2h, idleTimeout: 5m,"
                           " cookieConfig: {lifetimeType: Permanent}}");
  ASSERT_FORWARD("v1.6.1", get(c, "/"));
  ck_assert_int_eq(di(c, GWR_DI_HAS_SESSION), 1);
  ck_assert_str_eq(ds(c, GWR_DS_SESSION_TYPE), "Cookie");
  ck_assert_str_eq(ds(c, GWR_DS_SESSION_NAME), "legacy");
  ck_assert_str_eq(ds(c, GWR_DS_SESSION_LIFETIME), "Permanent");
  ck_assert_str_eq(ds(c, GWR_DS_SESSION_ABSOLUTE_TIMEOUT), "2h");
  ck_assert_str_eq(ds(c, GWR_DS_SESSION_IDLE_TIMEOUT), "5m");
  ck_assert_int_eq(di(c, GWR_DI_SESSION_ABSOLUTE_MS), 7200000);
  ck_assert_int_eq(di(c, GWR_DI_SESSION_IDLE_MS), 300000);
  tu_free(c);
  c = build("  - backendRefs: [{name: a, port: 80}]\n");
  ASSERT_FORWARD("none", get(c, "/"));
  ck_assert_int_eq(di(c, GWR_DI_HAS_SESSION), 0);
  ck_assert_str_eq(ds(c, GWR_DS_SESSION_TYPE), "");
  ck_assert_int_eq(di(c, GWR_DI_SESSION_ABSOLUTE_MS), -1);
  tu_free(c);
}
END_TEST

/* §6.3 table: cookie.path MUST default to "/", cookie.lifetimeType to
 * Session (both spellings); a Header session has neither. */
START_TEST(t10_session_cookie_defaults) {
  tu_ctx *c = with_session("{type: Cookie, cookie: {name: s}}");
  ASSERT_FORWARD("cookie", get(c, "/"));
  ck_assert_str_eq(ds(c, GWR_DS_SESSION_COOKIE_PATH), "/");
  ck_assert_str_eq(ds(c, GWR_DS_SESSION_LIFETIME), "Session");
  ck_assert_str_eq(ds(c, GWR_DS_SESSION_NAME), "s");
  tu_free(c);
  c = with_session("{sessionName: old}");
  ASSERT_FORWARD("v1.6.1", get(c, "/"));
  ck_assert_str_eq(ds(c, GWR_DS_SESSION_TYPE), "Cookie");
  ck_assert_str_eq(ds(c, GWR_DS_SESSION_LIFETIME), "Session");
  tu_free(c);
  c = with_session("{type: Header, header: {name: h}}");
  ASSERT_FORWARD("header", get(c, "/"));
  ck_assert_str_eq(ds(c, GWR_DS_SESSION_LIFETIME), "");
  ck_assert_str_eq(ds(c, GWR_DS_SESSION_COOKIE_PATH), "");
  tu_free(c);
}
END_TEST

/* §6.3 CEL: cookie only for Cookie, header only (and required) for Header,
 * Permanent needs absoluteTimeout; an unknown type drops the rule. */
START_TEST(t11_session_validation) {
  static const char *const bad[] = {
      "{type: Header, cookie: {name: c}, header: {name: h}}",
      "{type: Cookie, header: {name: h}}",
      "{type: Header}",
      "{cookie: {lifetimeType: Permanent}}",
      "{sessionName: s, cookieConfig: {lifetimeType: Permanent}}",
      "{cookie: {lifetimeType: Forever}, absoluteTimeout: 1h}",
      "{absoluteTimeout: 1d}",
  };
  size_t i;
  tu_ctx *c;
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    c = with_session(bad[i]);
    ck_assert_msg(tu_count(c, GWR_COUNT_PROBLEMS) == 1, "%s: not rejected", bad[i]);
    tu_free(c);
  }
  c = with_session("{type: Magic}");
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 0);
  ASSERT_ACTION("unsupported type", get(c, "/"), GWR_ACTION_RESPOND, 404);
  tu_free(c);
}
END_TEST

/* ---- B13: backend-level filters ------------------------------------------------------------- */

/* B13: a backend's filters run only when that backend is chosen, after the
 * rule's; a backend-level redirect turns its share into redirects. */
START_TEST(b13_backend_level_filters) {
  tu_ctx *c = build("  - filters: [{type: RequestHeaderModifier, requestHeaderModifier:"
                    " {add: [{name: x-rule, value: r}, {name: x-a, value: r}]}}]\n"
                    "    backendRefs:\n"
                    "    - name: one\n      port: 80\n"
                    "      filters:\n"
                    "      - {type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: X-A, value: b}]}}\n"
                    "      - {type: ResponseHeaderModifier, responseHeaderModifier: {add: [{name: x-resp, value: one}]}}\n"
                    "      - {type: URLRewrite, urlRewrite: {hostname: one.internal}}\n"
                    "      - " MIRROR("{backendRef: {name: shadow, port: 80}}") "\n"
                    "    - name: two\n      port: 80\n"
                    "      filters:\n"
                    "      - {type: RequestRedirect, requestRedirect: {hostname: moved.example.com, statusCode: 301}}\n");
  const char *key;
  key = key_for(c, "/p", "default/one", GWR_ACTION_FORWARD);
  ASSERT_FORWARD("one", get_key(c, "/p?x", key));
  ck_assert_str_eq(list_text(c, GWR_DL_UPSTREAM_HEADERS), "x-rule: r|X-A: b");
  ck_assert_str_eq(list_text(c, GWR_DL_RESPONSE_HEADER_OPS), "add x-resp: one");
  ck_assert_str_eq(ds(c, GWR_DS_UPSTREAM_HOST), "one.internal");
  ck_assert_str_eq(refs_text(c, GWR_DL_MIRRORS), "default/shadow:80");
  key = key_for(c, "/p", NULL, GWR_ACTION_REDIRECT);
  ASSERT_ACTION("two", get_key(c, "/p?x", key), GWR_ACTION_REDIRECT, 301);
  ck_assert_str_eq(ds(c, GWR_DS_LOCATION), "http://moved.example.com/p?x");
  ck_assert_str_eq(refs_text(c, GWR_DL_MIRRORS), "");
  ck_assert_str_eq(ds(c, GWR_DS_UPSTREAM_HOST), "");
  tu_free(c);
}
END_TEST

/* B13: a backend-level CORS filter answers preflights sent to that backend. */
START_TEST(b13_backend_level_cors) {
  tu_ctx *c = build("  - backendRefs: [{name: a, port: 80, filters: [{type: CORS, cors:"
                    " {allowOrigins: [\"https://app.example\"], allowMethods: [PUT]}}]}]\n");
  ASSERT_ACTION("preflight", preflight(c, "https://app.example", "PUT", NULL), GWR_ACTION_RESPOND, 204);
  ck_assert_str_eq(own(c, "Access-Control-Allow-Origin"), "https://app.example");
  ck_assert_str_eq(own(c, "Access-Control-Allow-Methods"), "PUT");
  tu_free(c);
}
END_TEST

/* ---- gwr_decision_copy ------------------------------------------------------------------------ */

/* GWR_E_RANGE with the length needed and the buffer untouched; exact room
 * (length + NUL) is enough; a size query with no buffer. */
START_TEST(decision_copy_small_buffers) {
  tu_ctx *c = build("  - filters: [{type: RequestRedirect, requestRedirect: {hostname: r.example.com}}]\n");
  static const char want[] = "http://r.example.com/some/path?q=1";
  char buf[64];
  size_t need = 0, len = strlen(want);
  ASSERT_ACTION("redirect", get(c, "/some/path?q=1"), GWR_ACTION_REDIRECT, 302);
  memset(buf, 'Z', sizeof buf);
  ck_assert_int_eq(gwr_decision_copy(c->d, GWR_DS_LOCATION, buf, len, &need), GWR_E_RANGE);
  ck_assert_uint_eq(need, len);
  ck_assert_int_eq(buf[0], 'Z');
  ck_assert_int_eq(buf[len - 1], 'Z');
  need = 0;
  ck_assert_int_eq(gwr_decision_copy(c->d, GWR_DS_LOCATION, buf, 1, &need), GWR_E_RANGE);
  ck_assert_uint_eq(need, len);
  ck_assert_int_eq(buf[0], 'Z');
  need = 0;
  ck_assert_int_eq(gwr_decision_copy(c->d, GWR_DS_LOCATION, NULL, 0, &need), GWR_E_RANGE);
  ck_assert_uint_eq(need, len);
  need = 0;
  ck_assert_int_eq(gwr_decision_copy(c->d, GWR_DS_LOCATION, buf, len + 1, &need), GWR_OK);
  ck_assert_uint_eq(need, len);
  ck_assert_str_eq(buf, want);
  ck_assert_int_eq(buf[len + 1], 'Z');
  /* an empty field fits in one byte */
  ck_assert_int_eq(gwr_decision_copy(c->d, GWR_DS_UPSTREAM_PATH, buf, 1, &need), GWR_OK);
  ck_assert_uint_eq(need, 0);
  ck_assert_str_eq(buf, "");
  ck_assert_int_eq(gwr_decision_copy(c->d, GWR_DS_UPSTREAM_PATH, NULL, 0, &need), GWR_E_RANGE);
  /* bad arguments */
  ck_assert_int_eq(gwr_decision_copy(c->d, GWR_DS_LOCATION, NULL, 8, &need), GWR_E_INVALID);
  ck_assert_int_eq(gwr_decision_copy(c->d, 999, buf, sizeof buf, &need), GWR_E_INVALID);
  ck_assert_int_eq(gwr_decision_copy(NULL, GWR_DS_LOCATION, buf, sizeof buf, &need), GWR_E_INVALID);
  tu_free(c);
}
END_TEST

/* ---- regressions: engine bugs these tests found, fixed since ------------------------------- */

/* B13 + F32/F33: a backend's CORS filter runs after the rule's, so its
 * response headers follow (and, being "set", override) the rule's. The
 * engine keeps at most four CORS response operations per decision and
 * silently drops the backend's: here Access-Control-Allow-Credentials. */
START_TEST(bug_backend_cors_ops_dropped) {
  static const char *const h[] = {"Origin", "https://app.example", NULL};
  tu_ctx *c = build("  - filters: [{type: CORS, cors: {allowOrigins: [\"*\"], exposeHeaders: [x-c]}}]\n"
                    "    backendRefs: [{name: a, port: 80, filters: [{type: CORS, cors:"
                    " {allowOrigins: [\"https://app.example\"], allowCredentials: true}}]}]\n");
  const char *ops;
  ASSERT_FORWARD("actual", req_h(c, "GET", "/", h));
  ops = list_text(c, GWR_DL_RESPONSE_HEADER_OPS);
  ck_assert_msg(strstr(ops, "set Access-Control-Allow-Credentials: true") != NULL,
                "backend-level CORS headers missing: %s", ops);
  tu_free(c);
}
END_TEST


/* F30: "*" alone = any origin, the opaque origin "null" included; the
 * engine refuses any Origin that is not scheme://host[:port]. */
START_TEST(bug_star_refuses_null_origin) {
  tu_ctx *c = build(CORS_RULE("{allowOrigins: [\"*\"]}"));
  ASSERT_ACTION("null", preflight(c, "null", "GET", NULL), GWR_ACTION_RESPOND, 204);
  ck_assert_ptr_nonnull(own(c, "Access-Control-Allow-Origin"));
  tu_free(c);
}
END_TEST

/* Not a digest rule, a sampling defect found on the way: the first mirror
 * filter of the table's first rule is drawn with seed 0, the very hash the
 * weighted backend choice uses, so with weights 50/50 and percent 50 every
 * request to one backend is mirrored and none to the other. Mirror draws
 * should be independent of the backend draw. */
START_TEST(bug_mirror_draw_tied_to_backend_draw) {
  tu_ctx *c = build("  - filters: [" MIRROR("{backendRef: {name: m, port: 80}, percent: 50}") "]\n"
                    "    backendRefs: [{name: a, port: 80, weight: 50}, {name: b, port: 80, weight: 50}]\n");
  gwr_request r = GWR_REQUEST_INIT;
  size_t i, to_a = 0, a_mirrored = 0;
  char key[24];
  r.method = tu_s("GET");
  r.host = tu_s("example.com");
  r.path = tu_s("/");
  for (i = 0; i < 10000; i++) {
    gwr_str name = {NULL, 0};
    snprintf(key, sizeof key, "key-%zu", i);
    r.key = tu_s(key);
    if (gwr_match(c->d, c->table, &r) != GWR_OK) ck_abort_msg("match failed");
    gwr_decision_str(c->d, GWR_DS_BACKEND_NAME, &name);
    if (name.len == 1 && name.ptr[0] == 'a') {
      to_a++;
      a_mirrored += gwr_decision_list_count(c->d, GWR_DL_MIRRORS) > 0;
    }
  }
  ck_assert_msg(a_mirrored > to_a * 4 / 10 && a_mirrored < to_a * 6 / 10,
                "%zu of %zu requests to a mirrored", a_mirrored, to_a);
  tu_free(c);
}
END_TEST

/* ---- suite ------------------------------------------------------------------------------------ */

static TCase *parked; /* reachable, so LeakSanitizer does not report it */

static Suite *filters_suite(void) {
  Suite *s = suite_create("filters");
  TCase *tc = tcase_create("headers");
  TCase *bugs;
  tcase_add_test(tc, f9_set_replaces_any_case);
  tcase_add_test(tc, f9_set_creates);
  tcase_add_test(tc, f10_add_appends);
  tcase_add_test(tc, f11_remove_every_occurrence);
  tcase_add_test(tc, f9_f11_headers_apply);
  tcase_add_test(tc, f9_decision_header_accessor);
  tcase_add_test(tc, f12_one_action_per_name);
  tcase_add_test(tc, header_value_crlf_rejected);
  tcase_add_test(tc, f13_response_modifier);
  tcase_add_test(tc, f13_response_modifier_on_redirect);
  tcase_add_test(tc, f1_repetition);
  tcase_add_test(tc, f6_unknown_filter_type);
  suite_add_tcase(s, tc);

  tc = tcase_create("redirect");
  tcase_add_test(tc, f19_redirect_table);
  tcase_add_test(tc, f15_f16_host_port_and_query);
  tcase_add_test(tc, f16_redirect_paths);
  tcase_add_test(tc, f19_redirect_status_codes);
  tcase_add_test(tc, f2_f3_redirect_validation);
  suite_add_tcase(s, tc);

  tc = tcase_create("rewrite");
  tcase_add_test(tc, f22_replace_prefix_table);
  tcase_add_test(tc, f23_conformance_extras);
  tcase_add_test(tc, f24_catch_all_prefix);
  tcase_add_test(tc, f20_f25_full_path_and_hostname);
  tcase_add_test(tc, f20_rewrite_never_rematches);
  tcase_add_test(tc, f4_replace_prefix_validation);
  suite_add_tcase(s, tc);

  tc = tcase_create("mirror");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, f26_mirror_always);
  tcase_add_test(tc, f27_mirror_never);
  tcase_add_test(tc, f27_mirror_proportions);
  tcase_add_test(tc, f27_mirror_deterministic);
  tcase_add_test(tc, f29_two_independent_mirrors);
  tcase_add_test(tc, f28_invalid_mirror_dropped);
  tcase_add_test(tc, f27_mirror_validation);
  suite_add_tcase(s, tc);

  tc = tcase_create("cors");
  tcase_add_test(tc, f31_preflight_answered);
  tcase_add_test(tc, f31_preflight_refused_and_not_preflight);
  tcase_add_test(tc, f30_origin_matching);
  tcase_add_test(tc, f32_actual_request);
  tcase_add_test(tc, f33_credentials_no_wildcards);
  tcase_add_test(tc, f33_no_credentials);
  tcase_add_test(tc, f34_safelisted_methods);
  tcase_add_test(tc, f35_preflight_needs_the_match);
  tcase_add_test(tc, cors_validation);
  suite_add_tcase(s, tc);

  tc = tcase_create("policies");
  tcase_add_test(tc, f36_extension_refs_in_order);
  tcase_add_test(tc, t1_t2_timeout_values);
  tcase_add_test(tc, t3_zero_and_unset);
  tcase_add_test(tc, t4_backend_not_longer);
  tcase_add_test(tc, t5_duration_format);
  tcase_add_test(tc, t6_retry_values);
  tcase_add_test(tc, t10_session_main_cookie);
  tcase_add_test(tc, t10_session_main_header);
  tcase_add_test(tc, t10_session_v161);
  tcase_add_test(tc, t10_session_cookie_defaults);
  tcase_add_test(tc, t11_session_validation);
  suite_add_tcase(s, tc);

  tc = tcase_create("backend_level");
  tcase_add_test(tc, b13_backend_level_filters);
  tcase_add_test(tc, b13_backend_level_cors);
  tcase_add_test(tc, decision_copy_small_buffers);
  suite_add_tcase(s, tc);

  /* Engine bugs found by these tests, fixed since: regressions. */
  bugs = parked = tcase_create("regressions");
  tcase_add_test(bugs, bug_backend_cors_ops_dropped);
  tcase_add_test(bugs, bug_star_refuses_null_origin);
  tcase_add_test(bugs, bug_mirror_draw_tied_to_backend_draw);
  suite_add_tcase(s, bugs);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(filters_suite());
  int failed;
  srunner_run_all(sr, CK_ENV);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
