/* SPDX-License-Identifier: Apache-2.0 */
/*
 * check_attach.c - unit tests for lib/attach.c: parentRef resolution and
 * the A16 reasons, allowedRoutes (Same/All/Selector), hostname intersection
 * (A21-A23) and effective hostnames, attachedRoutes (A17), ReferenceGrants
 * (B9-B12), backend reasons (§4.3), listener conflicts and conditions
 * (A5-A13, §9.2), GatewayClass ownership (A4, S3) and observedGeneration.
 * Conditions are read from the status report (gwr_table_status_json);
 * hostname helpers and effective hostnames through gwr__attach_build.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "attach.h"
#include "testutil.h"

#define ROUTE_COND(c, ns, name, type) tu_route_cond((c), (ns), (name), 0, (type))

#define ASSERT_ACCEPTED(c, ns, name, want)                                            \
  do {                                                                                \
    const char *got_ = ROUTE_COND((c), (ns), (name), "Accepted");                     \
    ck_assert_msg(got_ && strcmp(got_, (want)) == 0, "%s/%s Accepted: got '%s', want '%s'", \
                  (ns), (name), got_ ? got_ : "(none)", (want));                      \
  } while (0)

static const char two_ports_gw[] =
    TU_OBJ("Gateway", "default", "gw")
    "spec:\n  gatewayClassName: c\n  listeners:\n"
    "  - {name: http, port: 80, protocol: HTTP}\n"
    "  - {name: alt, port: 8080, protocol: HTTP}\n---\n";

static tu_ctx *gw_and_route(const char *gw, const char *route) {
  tu_ctx *c = tu_new();
  tu_add(c, gw);
  tu_add(c, route);
  tu_compile(c);
  return c;
}

/* ---- A16 step 2: NoMatchingParent ------------------------------------------------ */

/* A16, 11.7: a sectionName naming no listener. */
START_TEST(a16_section_name_nope_11_7) {
  tu_ctx *c = gw_and_route(TU_GW_HTTP, TU_OBJ("HTTPRoute", "default", "r")
      "spec:\n  parentRefs: [{name: gw, sectionName: nope}]\n"
      "  rules: [{backendRefs: [{name: a, port: 80}]}]\n");
  ASSERT_ACCEPTED(c, "default", "r", "False NoMatchingParent");
  ck_assert_int_eq(tu_listener_attached(c, "default", "gw", "http"), 0);
  ck_assert_int_eq(tu_get(c, "example.com", "/").status, 404);
  tu_free(c);
}
END_TEST

/* A16, 11.8: a port no listener has; sectionName and port must both match. */
START_TEST(a16_port_11_8) {
  tu_ctx *c = gw_and_route(TU_GW_HTTP, TU_OBJ("HTTPRoute", "default", "p8080")
      "spec:\n  parentRefs: [{name: gw, port: 8080}]\n  rules: [{backendRefs: [{name: a, port: 80}]}]\n---\n"
      TU_OBJ("HTTPRoute", "default", "both")
      "spec:\n  parentRefs: [{name: gw, sectionName: http, port: 8080}]\n"
      "  rules: [{backendRefs: [{name: a, port: 80}]}]\n---\n"
      TU_OBJ("HTTPRoute", "default", "ok")
      "spec:\n  parentRefs: [{name: gw, sectionName: http, port: 80}]\n"
      "  rules: [{backendRefs: [{name: a, port: 80}]}]\n");
  ASSERT_ACCEPTED(c, "default", "p8080", "False NoMatchingParent");
  ASSERT_ACCEPTED(c, "default", "both", "False NoMatchingParent");
  ASSERT_ACCEPTED(c, "default", "ok", "True Accepted");
  ck_assert_int_eq(tu_listener_attached(c, "default", "gw", "http"), 1);
  tu_free(c);
}
END_TEST

/* A16: port alone selects every listener on that port, and only those. */
START_TEST(a16_port_selects_listeners) {
  tu_ctx *c = gw_and_route(two_ports_gw, TU_OBJ("HTTPRoute", "default", "r")
      "spec:\n  parentRefs: [{name: gw, port: 8080}]\n  rules: [{backendRefs: [{name: a, port: 80}]}]\n");
  tu_req q;
  ASSERT_ACCEPTED(c, "default", "r", "True Accepted");
  ck_assert_int_eq(tu_listener_attached(c, "default", "gw", "alt"), 1);
  ck_assert_int_eq(tu_listener_attached(c, "default", "gw", "http"), 0);
  memset(&q, 0, sizeof q);
  q.host = "example.com";
  q.path = "/";
  ck_assert_int_eq(tu_match(c, &q).status, 404);
  q.port = 8080;
  ck_assert_int_eq(tu_match(c, &q).action, GWR_ACTION_FORWARD);
  tu_free(c);
}
END_TEST

/* A16: no sectionName and no port: every listener of the parent. */
START_TEST(a16_whole_parent) {
  tu_ctx *c = gw_and_route(two_ports_gw, TU_ROUTE("default", "r")
      "  rules: [{backendRefs: [{name: a, port: 80}]}]\n");
  ck_assert_int_eq(tu_listener_attached(c, "default", "gw", "alt"), 1);
  ck_assert_int_eq(tu_listener_attached(c, "default", "gw", "http"), 1);
  tu_free(c);
}
END_TEST

/* ---- A16 step 3: NotAllowedByListeners ---------------------------------------------- */

/* A16, 11.9: default allowedRoutes is Same namespace. */
START_TEST(a16_same_namespace_11_9) {
  tu_ctx *c = gw_and_route(TU_GW_HTTP, TU_ROUTE("other", "r")
      "  rules: [{backendRefs: [{name: a, port: 80}]}]\n---\n"
      TU_ROUTE("default", "mine") "  rules: [{backendRefs: [{name: a, port: 80}]}]\n");
  ASSERT_ACCEPTED(c, "other", "r", "False NotAllowedByListeners");
  ASSERT_ACCEPTED(c, "default", "mine", "True Accepted");
  /* S3: ResolvedRefs is written also when Accepted is False */
  ck_assert_str_eq(ROUTE_COND(c, "other", "r", "ResolvedRefs"), "True ResolvedRefs");
  ck_assert_int_eq(tu_listener_attached(c, "default", "gw", "http"), 1);
  tu_free(c);
}
END_TEST

/* A16: from All admits every namespace; cross-namespace parentRefs need no
 * ReferenceGrant (B11). */
START_TEST(a16_from_all) {
  tu_ctx *c = gw_and_route(TU_GW_HTTP_ALL, TU_ROUTE("other", "r")
      "  rules: [{backendRefs: [{name: a, port: 80}]}]\n");
  ASSERT_ACCEPTED(c, "other", "r", "True Accepted");
  tu_free(c);
}
END_TEST

/* A16, 11.10: a listener whose kinds exclude HTTPRoute, and a TCP listener. */
START_TEST(a16_kinds_11_10) {
  tu_ctx *c = gw_and_route(TU_OBJ("Gateway", "default", "gw")
      "spec:\n  gatewayClassName: c\n  listeners:\n"
      "  - {name: grpc, port: 80, protocol: HTTP, allowedRoutes: {kinds: [{kind: GRPCRoute}]}}\n"
      "  - {name: tcp, port: 9000, protocol: TCP}\n---\n",
      TU_OBJ("HTTPRoute", "default", "to-grpc")
      "spec:\n  parentRefs: [{name: gw, sectionName: grpc}]\n  rules: [{backendRefs: [{name: a, port: 80}]}]\n---\n"
      TU_OBJ("HTTPRoute", "default", "to-tcp")
      "spec:\n  parentRefs: [{name: gw, sectionName: tcp}]\n  rules: [{backendRefs: [{name: a, port: 80}]}]\n");
  ASSERT_ACCEPTED(c, "default", "to-grpc", "False NotAllowedByListeners");
  ASSERT_ACCEPTED(c, "default", "to-tcp", "False NotAllowedByListeners");
  ck_assert_str_eq(tu_listener_kinds(c, "default", "gw", "grpc"), "GRPCRoute");
  ck_assert_str_eq(tu_listener_kinds(c, "default", "gw", "tcp"), "TCPRoute");
  ck_assert_int_eq(tu_listener_attached(c, "default", "gw", "grpc"), 0);
  ck_assert_int_eq(tu_listener_attached(c, "default", "gw", "tcp"), 0);
  tu_free(c);
}
END_TEST

/* Namespaces a (env=prod, team=a), b (env=dev), c (no Namespace object);
 * one route in each, the Gateway's listener uses the given namespaces block. */
static tu_ctx *selector_ctx(const char *namespaces) {
  tu_ctx *c = tu_new();
  tu_buf b = {NULL, 0, 0};
  tu_buf_printf(&b, TU_OBJ("Gateway", "default", "gw")
                "spec:\n  gatewayClassName: c\n  listeners:\n"
                "  - {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: %s}}\n",
                namespaces);
  tu_add(c, b.p);
  tu_buf_free(&b);
  tu_add(c, "apiVersion: v1\nkind: Namespace\nmetadata: {name: a, labels: {env: prod, team: a}}\n---\n"
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: b, labels: {env: dev}}\n---\n"
            TU_ROUTE("a", "r") "  rules: [{backendRefs: [{name: s, port: 80}]}]\n---\n"
            TU_ROUTE("b", "r") "  rules: [{backendRefs: [{name: s, port: 80}]}]\n---\n"
            TU_ROUTE("c", "r") "  rules: [{backendRefs: [{name: s, port: 80}]}]\n");
  tu_compile(c);
  return c;
}

#define OK_ "True Accepted"
#define NO_ "False NotAllowedByListeners"

static void expect_selected(tu_ctx *c, const char *a, const char *b, const char *cc) {
  ASSERT_ACCEPTED(c, "a", "r", a);
  ASSERT_ACCEPTED(c, "b", "r", b);
  ASSERT_ACCEPTED(c, "c", "r", cc);
  tu_free(c);
}

/* A16 step 3: Selector with matchLabels over Namespace labels. */
START_TEST(a16_selector_match_labels) {
  expect_selected(selector_ctx("{from: Selector, selector: {matchLabels: {env: prod}}}"), OK_, NO_, NO_);
  expect_selected(selector_ctx("{from: Selector, selector: {matchLabels: {env: prod, team: b}}}"),
                  NO_, NO_, NO_);
}
END_TEST

/* A16 step 3: matchExpressions with each operator. */
START_TEST(a16_selector_match_expressions) {
  expect_selected(selector_ctx("{from: Selector, selector: {matchExpressions: "
                               "[{key: env, operator: In, values: [prod, staging]}]}}"), OK_, NO_, NO_);
  expect_selected(selector_ctx("{from: Selector, selector: {matchExpressions: "
                               "[{key: env, operator: NotIn, values: [prod]}]}}"), NO_, OK_, OK_);
  expect_selected(selector_ctx("{from: Selector, selector: {matchExpressions: "
                               "[{key: env, operator: Exists}]}}"), OK_, OK_, NO_);
  expect_selected(selector_ctx("{from: Selector, selector: {matchExpressions: "
                               "[{key: env, operator: DoesNotExist}]}}"), NO_, NO_, OK_);
  /* labels and expressions are ANDed */
  expect_selected(selector_ctx("{from: Selector, selector: {matchLabels: {env: prod}, matchExpressions: "
                               "[{key: team, operator: NotIn, values: [a]}]}}"), NO_, NO_, NO_);
}
END_TEST

/* A16 (1.2 table): kubernetes.io/metadata.name selects by name, also
 * without a Namespace object. */
START_TEST(a16_selector_metadata_name) {
  expect_selected(selector_ctx("{from: Selector, selector: {matchLabels: "
                               "{kubernetes.io/metadata.name: c}}}"), NO_, NO_, OK_);
  expect_selected(selector_ctx("{from: Selector, selector: {matchExpressions: "
                               "[{key: kubernetes.io/metadata.name, operator: In, values: [a, b]}]}}"),
                  OK_, OK_, NO_);
}
END_TEST

/* A9: from Selector without a selector selects nothing; an empty selector
 * selects every namespace (Kubernetes LabelSelector semantics). */
START_TEST(a9_selector_absent) {
  expect_selected(selector_ctx("{from: Selector}"), NO_, NO_, NO_);
  expect_selected(selector_ctx("{from: Selector, selector: {}}"), OK_, OK_, OK_);
}
END_TEST

/* ---- A16 step 4, A17: hostnames and attachedRoutes ----------------------------------- */

static const char wild_gw[] =
    TU_OBJ("Gateway", "default", "gw")
    "spec:\n  gatewayClassName: c\n  listeners:\n"
    "  - {name: http, port: 80, protocol: HTTP, hostname: \"*.example.com\"}\n---\n";

/* A16, A17, 11.1: no hostname intersection: NoMatchingListenerHostname, not
 * counted in attachedRoutes. */
START_TEST(a16_no_matching_hostname_11_1) {
  tu_ctx *c = gw_and_route(wild_gw, TU_ROUTE("default", "r") "  hostnames: [example.com]\n"
      "  rules: [{backendRefs: [{name: a, port: 80}]}]\n");
  ASSERT_ACCEPTED(c, "default", "r", "False NoMatchingListenerHostname");
  ck_assert_int_eq(tu_listener_attached(c, "default", "gw", "http"), 0);
  ck_assert_int_eq(tu_get(c, "example.com", "/").status, 404);
  tu_free(c);
}
END_TEST

/* A17: one count per route per listener (several effective hostnames, two
 * routes), also with unresolved backends. */
START_TEST(a17_attached_routes_count) {
  tu_ctx *c = gw_and_route(wild_gw,
      "apiVersion: v1\nkind: Service\nmetadata: {name: exists, namespace: default}\n"
      "spec: {ports: [{port: 80}]}\n---\n"
      TU_ROUTE("default", "two-hosts") "  hostnames: [a.example.com, b.example.com, \"*.x.example.com\"]\n"
      "  rules: [{backendRefs: [{name: exists, port: 80}]}]\n---\n"
      TU_ROUTE("default", "unresolved")
      "  rules: [{backendRefs: [{name: missing, port: 80}]}]\n---\n"
      TU_ROUTE("default", "rejected") "  hostnames: [other.org]\n"
      "  rules: [{backendRefs: [{name: exists, port: 80}]}]\n");
  ck_assert_int_eq(tu_listener_attached(c, "default", "gw", "http"), 2);
  ASSERT_ACCEPTED(c, "default", "unresolved", "True Accepted");
  ck_assert_str_eq(ROUTE_COND(c, "default", "unresolved", "ResolvedRefs"), "False BackendNotFound");
  ASSERT_ACCEPTED(c, "default", "rejected", "False NoMatchingListenerHostname");
  tu_free(c);
}
END_TEST

/* A17: a route on two listeners counts on each. */
START_TEST(a17_counted_per_listener) {
  tu_ctx *c = gw_and_route(two_ports_gw, TU_OBJ("HTTPRoute", "default", "r")
      "spec:\n  parentRefs: [{name: gw, sectionName: http}, {name: gw, sectionName: alt}]\n"
      "  rules: [{backendRefs: [{name: a, port: 80}]}]\n---\n"
      TU_OBJ("HTTPRoute", "default", "r2")
      "spec:\n  parentRefs: [{name: gw, sectionName: alt}]\n"
      "  rules: [{backendRefs: [{name: a, port: 80}]}]\n");
  ck_assert_int_eq(tu_route_parents(c, "default", "r"), 2);
  ck_assert_str_eq(tu_route_cond(c, "default", "r", 0, "Accepted"), "True Accepted");
  ck_assert_str_eq(tu_route_cond(c, "default", "r", 1, "Accepted"), "True Accepted");
  ck_assert_int_eq(tu_listener_attached(c, "default", "gw", "http"), 1);
  ck_assert_int_eq(tu_listener_attached(c, "default", "gw", "alt"), 2);
  tu_free(c);
}
END_TEST

/* A16 step 5: one accepting listener is enough; A17 counts only there. */
START_TEST(a16_one_listener_enough) {
  tu_ctx *c = gw_and_route(TU_OBJ("Gateway", "default", "gw")
      "spec:\n  gatewayClassName: c\n  listeners:\n"
      "  - {name: b, port: 80, protocol: HTTP, hostname: b.example.com}\n"
      "  - {name: any, port: 80, protocol: HTTP}\n---\n",
      TU_ROUTE("default", "r") "  hostnames: [a.example.com]\n"
      "  rules: [{backendRefs: [{name: s, port: 80}]}]\n");
  ASSERT_ACCEPTED(c, "default", "r", "True Accepted");
  ck_assert_int_eq(tu_listener_attached(c, "default", "gw", "b"), 0);
  ck_assert_int_eq(tu_listener_attached(c, "default", "gw", "any"), 1);
  tu_free(c);
}
END_TEST

/* ---- A21-A23: hostname helpers ------------------------------------------------------- */

static int inter(const char *l, const char *r, const char *want) {
  gwr_str out = {NULL, 0};
  int ok = gwr__host_intersect(tu_s(l), tu_s(r), &out);
  if (!want) return ok == 0;
  return ok == 1 && out.len == strlen(want) && memcmp(out.ptr, want, out.len) == 0;
}

/* A23: the intersection table, every row, both wildcards included. */
START_TEST(a23_intersect_table) {
  static const struct {
    const char *l, *r, *want; /* want NULL: empty intersection */
  } rows[] = {
      /* L unset -> R (or "" when neither) */
      {"", "foo.example.com", "foo.example.com"},
      {"", "*.example.com", "*.example.com"},
      {"", "", ""},
      /* route has no hostnames -> L */
      {"foo.example.com", "", "foo.example.com"},
      {"*.example.com", "", "*.example.com"},
      /* both precise */
      {"foo.example.com", "foo.example.com", "foo.example.com"},
      {"foo.example.com", "bar.example.com", NULL},
      {"foo.example.com", "foo.example.co", NULL},
      /* L wildcard, R precise: R if it matches (one or more extra labels) */
      {"*.example.com", "foo.example.com", "foo.example.com"},
      {"*.example.com", "a.b.example.com", "a.b.example.com"},
      {"*.example.com", "example.com", NULL},
      {"*.example.com", "fooexample.com", NULL},
      {"*.example.com", "foo.example.net", NULL},
      /* L precise, R wildcard: L if it matches */
      {"very.specific.com", "*.specific.com", "very.specific.com"},
      {"a.very.specific.com", "*.specific.com", "a.very.specific.com"},
      {"specific.com", "*.specific.com", NULL},
      {"very.specific.org", "*.specific.com", NULL},
      /* both wildcards: the more specific one, equal -> itself */
      {"*.com", "*.example.com", "*.example.com"},
      {"*.example.com", "*.com", "*.example.com"},
      {"*.example.com", "*.example.com", "*.example.com"},
      {"*.foo.example.com", "*.example.com", "*.foo.example.com"},
      {"*.a.com", "*.b.com", NULL},
      {"*.ample.com", "*.example.com", NULL},
      {"*.example.com", "*.ample.com", NULL},
  };
  size_t i;
  for (i = 0; i < sizeof rows / sizeof rows[0]; i++)
    ck_assert_msg(inter(rows[i].l, rows[i].r, rows[i].want), "L '%s' R '%s': want %s", rows[i].l,
                  rows[i].r, rows[i].want ? rows[i].want : "empty");
}
END_TEST

static int hm(const char *pattern, const char *host) {
  return gwr__host_matches(tu_s(pattern), tu_s(host));
}

/* A21, A22: wildcard = one or more labels, never the bare domain; empty
 * pattern matches everything; otherwise equality. */
START_TEST(a21_host_matches) {
  ck_assert(hm("*.example.com", "a.example.com"));
  ck_assert(hm("*.example.com", "a.b.example.com"));
  ck_assert(hm("*.example.com", "x.y.z.example.com"));
  ck_assert(!hm("*.example.com", "example.com"));
  ck_assert(!hm("*.example.com", "aexample.com"));
  ck_assert(!hm("*.example.com", "a.example.co"));
  ck_assert(hm("", "anything.at.all"));
  ck_assert(hm("", ""));
  ck_assert(hm("foo.example.com", "foo.example.com"));
  ck_assert(!hm("foo.example.com", "bar.example.com"));
  ck_assert(!hm("foo.example.com", "a.foo.example.com"));
  ck_assert(!hm("foo.example.com", "foo.example.co"));
}
END_TEST

/* ---- effective hostnames (A23, H12) through gwr__attach_build ------------------------- */

typedef struct att_fixture {
  tu_ctx *c;
  gwr__alloc alloc;
  gwr__arena arena;
  gwr__attach att;
} att_fixture;

static void att_build(att_fixture *f, const char *yaml) {
  f->c = tu_new();
  tu_add(f->c, yaml);
  gwr__alloc_init(&f->alloc, NULL);
  gwr__arena_init(&f->arena, &f->alloc);
  ck_assert_int_eq(gwr__attach_build(&f->att, f->c->cfg, &f->arena), GWR_OK);
}

static void att_free(att_fixture *f) {
  gwr__arena_free(&f->arena);
  tu_free(f->c);
}

/* The effective hostnames of route `name` on listener `listener`, sorted
 * text "a,b" ("" = none/any; NULL = no binding). */
static const char *effective(att_fixture *f, const char *name, const char *listener, char *buf,
                             size_t cap) {
  size_t i, h;
  for (i = 0; i < f->att.binding_count; i++) {
    const gwr__binding *b = &f->att.bindings[i];
    const gwr__att_route *ar = &f->att.routes[b->route];
    const gwr__att_listener *al = &f->att.listeners[b->listener];
    size_t used = 0;
    if (strcmp(ar->r->meta.name.ptr, name) != 0 || strcmp(al->l->name.ptr, listener) != 0) continue;
    buf[0] = '\0';
    for (h = 0; h < b->host_count; h++) {
      int n = snprintf(buf + used, cap - used, "%s%.*s", h ? "," : "", (int)b->hosts[h].name.len,
                       b->hosts[h].name.ptr ? b->hosts[h].name.ptr : "");
      if (n > 0) used += (size_t)n;
    }
    return buf;
  }
  return NULL;
}

/* A23, 11.2, 11.3, 11.13: effective hostnames are the non-empty
 * intersections; non-intersecting route hostnames are dropped. */
START_TEST(a23_effective_hostnames) {
  att_fixture f;
  char buf[256];
  att_build(&f, TU_OBJ("Gateway", "default", "gw")
      "spec:\n  gatewayClassName: c\n  listeners:\n"
      "  - {name: wild, port: 80, protocol: HTTP, hostname: \"*.example.com\"}\n"
      "  - {name: very, port: 80, protocol: HTTP, hostname: very.specific.com}\n"
      "  - {name: wild-foo, port: 80, protocol: HTTP, hostname: \"*.foo.example.com\"}\n"
      "  - {name: any, port: 80, protocol: HTTP}\n---\n"
      TU_OBJ("HTTPRoute", "default", "r2")
      "spec:\n  parentRefs: [{name: gw, sectionName: wild}]\n"
      "  hostnames: [foo.example.com, foo.example.net]\n---\n"
      TU_OBJ("HTTPRoute", "default", "r3")
      "spec:\n  parentRefs: [{name: gw, sectionName: very}]\n"
      "  hostnames: [non.matching.com, \"*.specific.com\"]\n---\n"
      TU_OBJ("HTTPRoute", "default", "r13")
      "spec:\n  parentRefs: [{name: gw, sectionName: wild-foo}]\n  hostnames: [\"*.example.com\"]\n---\n"
      TU_OBJ("HTTPRoute", "default", "none")
      "spec:\n  parentRefs: [{name: gw, sectionName: very}, {name: gw, sectionName: any}]\n");
  ck_assert_str_eq(effective(&f, "r2", "wild", buf, sizeof buf), "foo.example.com");
  ck_assert_str_eq(effective(&f, "r3", "very", buf, sizeof buf), "very.specific.com");
  ck_assert_str_eq(effective(&f, "r13", "wild-foo", buf, sizeof buf), "*.foo.example.com");
  /* a route without hostnames takes the listener's (none = any) */
  ck_assert_str_eq(effective(&f, "none", "very", buf, sizeof buf), "very.specific.com");
  ck_assert_str_eq(effective(&f, "none", "any", buf, sizeof buf), "");
  ck_assert_ptr_null(effective(&f, "r2", "very", buf, sizeof buf));
  att_free(&f);
}
END_TEST

/* §3.1 step 1: the effective hostname carries the score of the route's own
 * hostname (precise chars, total chars; 0/0 without hostnames). */
START_TEST(a23_effective_host_scores) {
  att_fixture f;
  size_t i;
  int seen = 0;
  att_build(&f, TU_OBJ("Gateway", "default", "gw")
      "spec:\n  gatewayClassName: c\n  listeners:\n"
      "  - {name: very, port: 80, protocol: HTTP, hostname: very.specific.com}\n---\n"
      TU_OBJ("HTTPRoute", "default", "wild") "spec:\n  parentRefs: [{name: gw}]\n"
      "  hostnames: [\"*.specific.com\"]\n---\n"
      TU_OBJ("HTTPRoute", "default", "bare") "spec:\n  parentRefs: [{name: gw}]\n");
  for (i = 0; i < f.att.binding_count; i++) {
    const gwr__binding *b = &f.att.bindings[i];
    const char *name = f.att.routes[b->route].r->meta.name.ptr;
    ck_assert_uint_eq(b->host_count, 1);
    if (strcmp(name, "wild") == 0) {
      ck_assert_uint_eq(b->hosts[0].precise_len, 0);
      ck_assert_uint_eq(b->hosts[0].total_len, strlen("*.specific.com"));
      seen++;
    } else {
      ck_assert_uint_eq(b->hosts[0].precise_len, 0);
      ck_assert_uint_eq(b->hosts[0].total_len, 0);
      seen++;
    }
  }
  ck_assert_int_eq(seen, 2);
  att_free(&f);
}
END_TEST

/* ---- ReferenceGrant (B9-B12) ------------------------------------------------------------ */

static const char xns_services[] =
    "apiVersion: v1\nkind: Service\nmetadata: {name: svc, namespace: backend}\n"
    "spec: {ports: [{port: 80}]}\n---\n"
    "apiVersion: v1\nkind: Service\nmetadata: {name: other-svc, namespace: backend}\n"
    "spec: {ports: [{port: 80}]}\n---\n";

static const char xns_route[] = TU_ROUTE("default", "r")
    "  rules: [{backendRefs: [{name: svc, namespace: backend, port: 80}]}]\n";

static tu_ctx *grant_ctx(const char *grant) {
  tu_ctx *c = tu_new();
  tu_add(c, TU_GW_HTTP);
  tu_add(c, xns_services);
  tu_add(c, xns_route);
  if (grant) tu_add(c, grant);
  tu_compile(c);
  return c;
}

#define GRANT(version, from, to)                                                            \
  "apiVersion: gateway.networking.k8s.io/" version "\nkind: ReferenceGrant\n"              \
  "metadata: {name: g, namespace: backend}\n"                                                \
  "spec:\n  from: [" from "]\n  to: [" to "]\n"

#define FROM_ROUTE "{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: default}"

static void expect_refs(tu_ctx *c, const char *want, int status) {
  tu_result r;
  ck_assert_str_eq(ROUTE_COND(c, "default", "r", "ResolvedRefs"), want);
  ck_assert_str_eq(ROUTE_COND(c, "default", "r", "Accepted"), "True Accepted");
  r = tu_get(c, "example.com", "/");
  if (status == 200) {
    ck_assert_int_eq(r.action, GWR_ACTION_FORWARD);
    ck_assert_str_eq(r.backend, "backend/svc");
  } else {
    ck_assert_int_eq(r.action, GWR_ACTION_RESPOND);
    ck_assert_int_eq(r.status, status);
  }
  tu_free(c);
}

/* B10, 11.39: no grant; a grant for another name; a grant for all names. */
START_TEST(b10_grant_to_name_11_39) {
  expect_refs(grant_ctx(NULL), "False RefNotPermitted", 500);
  expect_refs(grant_ctx(GRANT("v1beta1", FROM_ROUTE, "{group: \"\", kind: Service, name: other-svc}")),
              "False RefNotPermitted", 500);
  expect_refs(grant_ctx(GRANT("v1beta1", FROM_ROUTE, "{group: \"\", kind: Service}")),
              "True ResolvedRefs", 200);
  expect_refs(grant_ctx(GRANT("v1", FROM_ROUTE, "{group: \"\", kind: Service, name: svc}")),
              "True ResolvedRefs", 200);
}
END_TEST

/* B10, 11.40: every `from` field must match exactly. */
START_TEST(b10_grant_from_mismatch_11_40) {
  expect_refs(grant_ctx(GRANT("v1", "{group: gateway.networking.k8s.io, kind: GRPCRoute, namespace: default}",
                              "{group: \"\", kind: Service}")),
              "False RefNotPermitted", 500);
  expect_refs(grant_ctx(GRANT("v1", "{group: \"\", kind: HTTPRoute, namespace: default}",
                              "{group: \"\", kind: Service}")),
              "False RefNotPermitted", 500);
  expect_refs(grant_ctx(GRANT("v1", "{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: elsewhere}",
                              "{group: \"\", kind: Service}")),
              "False RefNotPermitted", 500);
  /* `to` group/kind too */
  expect_refs(grant_ctx(GRANT("v1", FROM_ROUTE, "{group: \"\", kind: Secret}")),
              "False RefNotPermitted", 500);
  /* entries are ORed */
  expect_refs(grant_ctx(GRANT("v1", "{group: gateway.networking.k8s.io, kind: GRPCRoute, namespace: default}, "
                              FROM_ROUTE, "{group: \"\", kind: Secret}, {group: \"\", kind: Service}")),
              "True ResolvedRefs", 200);
}
END_TEST

/* B9: the grant must live in the target namespace. */
START_TEST(b9_grant_in_target_namespace) {
  expect_refs(grant_ctx("apiVersion: gateway.networking.k8s.io/v1\nkind: ReferenceGrant\n"
                        "metadata: {name: g, namespace: default}\n"
                        "spec:\n  from: [" FROM_ROUTE "]\n  to: [{group: \"\", kind: Service}]\n"),
              "False RefNotPermitted", 500);
}
END_TEST

/* B12, 11.78: a config without the grant (it was deleted) turns the share
 * into 500 and the status into RefNotPermitted. */
START_TEST(b12_grant_revocation_11_78) {
  tu_ctx *with = grant_ctx(GRANT("v1", FROM_ROUTE, "{group: \"\", kind: Service}"));
  tu_ctx *without = grant_ctx(NULL);
  ck_assert_int_eq(tu_get(with, "example.com", "/").action, GWR_ACTION_FORWARD);
  ck_assert_int_eq(tu_get(without, "example.com", "/").status, 500);
  ck_assert_str_eq(ROUTE_COND(without, "default", "r", "ResolvedRefs"), "False RefNotPermitted");
  tu_free(with);
  tu_free(without);
}
END_TEST

/* B10: same-namespace references never need a grant. */
START_TEST(b10_same_namespace) {
  tu_ctx *c = tu_build(TU_GW_HTTP
      "apiVersion: v1\nkind: Service\nmetadata: {name: svc, namespace: default}\n"
      "spec: {ports: [{port: 80}]}\n---\n"
      TU_ROUTE("default", "r") "  rules: [{backendRefs: [{name: svc, namespace: default, port: 80}]}]\n");
  ck_assert_str_eq(ROUTE_COND(c, "default", "r", "ResolvedRefs"), "True ResolvedRefs");
  tu_free(c);
}
END_TEST

/* ---- backend reasons (§4.3) ---------------------------------------------------------------- */

/* §4.3, 11.41: an unsupported group/kind is InvalidKind and answers 500. */
START_TEST(backend_invalid_kind_11_41) {
  tu_ctx *c = tu_build(TU_GW_HTTP TU_ROUTE("default", "r")
      "  rules: [{backendRefs: [{group: example.com, kind: Foo, name: x}]}]\n");
  ck_assert_str_eq(ROUTE_COND(c, "default", "r", "ResolvedRefs"), "False InvalidKind");
  ck_assert_str_eq(ROUTE_COND(c, "default", "r", "Accepted"), "True Accepted");
  ck_assert_int_eq(tu_get(c, "example.com", "/").status, 500);
  tu_free(c);
  /* a core kind other than Service too */
  c = tu_build(TU_GW_HTTP TU_ROUTE("default", "r")
      "  rules: [{backendRefs: [{kind: ConfigMap, name: x, port: 80}]}]\n");
  ck_assert_str_eq(ROUTE_COND(c, "default", "r", "ResolvedRefs"), "False InvalidKind");
  tu_free(c);
}
END_TEST

/* §4.3: a missing Service, and a port the Service does not have, are
 * BackendNotFound (when Services are given at all). */
START_TEST(backend_not_found) {
  tu_ctx *c = tu_build(TU_GW_HTTP
      "apiVersion: v1\nkind: Service\nmetadata: {name: svc, namespace: default}\n"
      "spec: {ports: [{port: 80, name: http}, {port: 443}]}\n---\n"
      TU_ROUTE("default", "missing") "  rules: [{backendRefs: [{name: nope, port: 80}]}]\n---\n"
      TU_OBJ("HTTPRoute", "default", "badport")
      "spec:\n  parentRefs: [{name: gw}]\n  hostnames: [badport.com]\n"
      "  rules: [{backendRefs: [{name: svc, port: 8080}]}]\n---\n"
      TU_OBJ("HTTPRoute", "default", "good")
      "spec:\n  parentRefs: [{name: gw}]\n  hostnames: [good.com]\n"
      "  rules: [{backendRefs: [{name: svc, port: 443}]}]\n");
  ck_assert_str_eq(ROUTE_COND(c, "default", "missing", "ResolvedRefs"), "False BackendNotFound");
  ck_assert_str_eq(ROUTE_COND(c, "default", "badport", "ResolvedRefs"), "False BackendNotFound");
  ck_assert_str_eq(ROUTE_COND(c, "default", "good", "ResolvedRefs"), "True ResolvedRefs");
  ck_assert_str_eq(ROUTE_COND(c, "default", "badport", "Accepted"), "True Accepted");
  ck_assert_int_eq(tu_get(c, "badport.com", "/").status, 500);
  ck_assert_int_eq(tu_get(c, "good.com", "/").action, GWR_ACTION_FORWARD);
  tu_free(c);
}
END_TEST

/* F28, B11, 11.56: an invalid RequestMirror backendRef makes the route
 * ResolvedRefs=False (BackendNotFound / RefNotPermitted); primary traffic
 * is unaffected. */
START_TEST(f28_mirror_backend_refs_11_56) {
  tu_ctx *c = tu_build(TU_GW_HTTP
      "apiVersion: v1\nkind: Service\nmetadata: {name: svc, namespace: default}\n"
      "spec: {ports: [{port: 80}]}\n---\n"
      "apiVersion: v1\nkind: Service\nmetadata: {name: m, namespace: other}\n"
      "spec: {ports: [{port: 80}]}\n---\n"
      TU_OBJ("HTTPRoute", "default", "missing")
      "spec:\n  parentRefs: [{name: gw}]\n  hostnames: [missing.com]\n"
      "  rules: [{filters: [{type: RequestMirror, requestMirror: {backendRef: {name: nope, port: 80}}}],"
      " backendRefs: [{name: svc, port: 80}]}]\n---\n"
      TU_OBJ("HTTPRoute", "default", "xns")
      "spec:\n  parentRefs: [{name: gw}]\n  hostnames: [xns.com]\n"
      "  rules: [{filters: [{type: RequestMirror, requestMirror: {backendRef: {name: m, namespace: other,"
      " port: 80}}}], backendRefs: [{name: svc, port: 80}]}]\n");
  ck_assert_int_eq(tu_get(c, "missing.com", "/").action, GWR_ACTION_FORWARD);
  ck_assert_str_eq(ROUTE_COND(c, "default", "missing", "Accepted"), "True Accepted");
  ck_assert_str_eq(ROUTE_COND(c, "default", "missing", "ResolvedRefs"), "False BackendNotFound");
  ck_assert_int_eq(tu_get(c, "xns.com", "/").action, GWR_ACTION_FORWARD);
  ck_assert_str_eq(ROUTE_COND(c, "default", "xns", "ResolvedRefs"), "False RefNotPermitted");
  tu_free(c);
}
END_TEST

/* docs/behaviour.md: without any Service object, backends are not checked. */
START_TEST(backend_no_services_given) {
  tu_ctx *c = tu_build(TU_GW_HTTP TU_ROUTE("default", "r")
      "  rules: [{backendRefs: [{name: anything, port: 80}]}]\n");
  ck_assert_str_eq(ROUTE_COND(c, "default", "r", "ResolvedRefs"), "True ResolvedRefs");
  ck_assert_int_eq(tu_get(c, "example.com", "/").action, GWR_ACTION_FORWARD);
  tu_free(c);
}
END_TEST

/* ---- listeners (A5-A13, §9.2) ---------------------------------------------------------------- */

/* A11, A12, 11.73: TCP and HTTP on one port: both conflicted, not
 * accepted, not programmed; the Gateway has no valid listener. */
START_TEST(a11_tcp_http_conflict_11_73) {
  tu_ctx *c = gw_and_route(TU_OBJ("Gateway", "default", "gw")
      "spec:\n  gatewayClassName: c\n  listeners:\n"
      "  - {name: http, port: 8080, protocol: HTTP}\n"
      "  - {name: tcp, port: 8080, protocol: TCP}\n---\n",
      TU_ROUTE("default", "r") "  rules: [{backendRefs: [{name: a, port: 80}]}]\n");
  tu_req q;
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "http", "Conflicted"), "True ProtocolConflict");
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "tcp", "Conflicted"), "True ProtocolConflict");
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "http", "Accepted"), "False ProtocolConflict");
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "tcp", "Accepted"), "False ProtocolConflict");
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "http", "Programmed"), "False ProtocolConflict");
  ck_assert_str_eq(tu_gateway_cond(c, "default", "gw", "Accepted"), "False ListenersNotValid");
  /* A17: the route still counts on the (unaccepted) HTTP listener */
  ck_assert_int_eq(tu_listener_attached(c, "default", "gw", "http"), 1);
  /* nothing is programmed */
  memset(&q, 0, sizeof q);
  q.host = "example.com";
  q.path = "/";
  q.port = 8080;
  ck_assert_int_eq(tu_match(c, &q).action, GWR_ACTION_RESPOND);
  ck_assert_int_eq(tu_match(c, &q).has_route, 0);
  tu_free(c);
}
END_TEST

/* A11: TCP and UDP may share a port; distinct ports never conflict. */
START_TEST(a11_no_conflicts) {
  tu_ctx *c = tu_build(TU_OBJ("Gateway", "default", "gw")
      "spec:\n  gatewayClassName: c\n  listeners:\n"
      "  - {name: tcp, port: 5353, protocol: TCP}\n"
      "  - {name: udp, port: 5353, protocol: UDP}\n"
      "  - {name: http, port: 80, protocol: HTTP}\n"
      "  - {name: http2, port: 80, protocol: HTTP, hostname: foo.example.com}\n");
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "tcp", "Conflicted"), "False NoConflicts");
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "udp", "Conflicted"), "False NoConflicts");
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "http", "Conflicted"), "False NoConflicts");
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "http2", "Accepted"), "True Accepted");
  ck_assert_str_eq(tu_gateway_cond(c, "default", "gw", "Accepted"), "True Accepted");
  ck_assert_str_eq(tu_gateway_cond(c, "default", "gw", "Programmed"), "True Programmed");
  tu_free(c);
}
END_TEST

/* A11 (docs/behaviour.md): HTTP and HTTPS on one port conflict; the rest of
 * the Gateway stays Accepted with reason ListenersNotValid (A12). */
START_TEST(a11_http_https_same_port) {
  tu_ctx *c = tu_build(TU_OBJ("Gateway", "default", "gw")
      "spec:\n  gatewayClassName: c\n  listeners:\n"
      "  - {name: http, port: 8443, protocol: HTTP}\n"
      "  - {name: https, port: 8443, protocol: HTTPS, tls: {certificateRefs: [{name: cert}]}}\n"
      "  - {name: plain, port: 80, protocol: HTTP}\n");
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "http", "Conflicted"), "True ProtocolConflict");
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "https", "Conflicted"), "True ProtocolConflict");
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "plain", "Accepted"), "True Accepted");
  ck_assert_str_eq(tu_gateway_cond(c, "default", "gw", "Accepted"), "True ListenersNotValid");
  tu_free(c);
}
END_TEST

/* A13: overlapping HTTPS hostnames on one port get OverlappingTLSConfig;
 * it is never written as False. */
START_TEST(a13_overlapping_tls) {
  tu_ctx *c = tu_build(TU_OBJ("Gateway", "default", "gw")
      "spec:\n  gatewayClassName: c\n  listeners:\n"
      "  - {name: wild, port: 443, protocol: HTTPS, hostname: \"*.example.com\","
      " tls: {certificateRefs: [{name: cert}]}}\n"
      "  - {name: foo, port: 443, protocol: HTTPS, hostname: foo.example.com,"
      " tls: {certificateRefs: [{name: cert}]}}\n"
      "  - {name: other, port: 443, protocol: HTTPS, hostname: other.org,"
      " tls: {certificateRefs: [{name: cert}]}}\n");
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "wild", "OverlappingTLSConfig"),
                   "True OverlappingHostnames");
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "foo", "OverlappingTLSConfig"),
                   "True OverlappingHostnames");
  ck_assert_ptr_null(tu_listener_cond(c, "default", "gw", "other", "OverlappingTLSConfig"));
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "foo", "Accepted"), "True Accepted");
  tu_free(c);
}
END_TEST

/* A11 (docs/behaviour.md): HTTPS and TLS on one port share it by SNI,
 * unless they name the same hostname (HostnameConflict). */
START_TEST(a11_https_tls_hostname_conflict) {
  tu_ctx *c = tu_build(TU_OBJ("Gateway", "default", "gw")
      "spec:\n  gatewayClassName: c\n  listeners:\n"
      "  - {name: https, port: 443, protocol: HTTPS, hostname: a.example.com,"
      " tls: {certificateRefs: [{name: cert}]}}\n"
      "  - {name: tls, port: 443, protocol: TLS, hostname: a.example.com, tls: {mode: Passthrough}}\n"
      "  - {name: tls-b, port: 443, protocol: TLS, hostname: b.example.com, tls: {mode: Passthrough}}\n");
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "https", "Conflicted"), "True HostnameConflict");
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "tls", "Conflicted"), "True HostnameConflict");
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "https", "Accepted"), "False HostnameConflict");
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "tls-b", "Conflicted"), "False NoConflicts");
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "tls-b", "Accepted"), "True Accepted");
  ck_assert_str_eq(tu_listener_kinds(c, "default", "gw", "tls-b"), "TLSRoute");
  tu_free(c);
}
END_TEST

/* 11.77, §9.2: an unsupported protocol: Accepted=False UnsupportedProtocol,
 * no supportedKinds, no attached routes, the route NotAllowedByListeners;
 * the Gateway stays Accepted with ListenersNotValid. */
START_TEST(listener_unsupported_protocol_11_77) {
  tu_ctx *c = gw_and_route(TU_OBJ("Gateway", "default", "gw")
      "spec:\n  gatewayClassName: c\n  listeners:\n"
      "  - {name: quic, port: 443, protocol: example.com/quic}\n"
      "  - {name: http, port: 80, protocol: HTTP}\n---\n",
      TU_OBJ("HTTPRoute", "default", "r")
      "spec:\n  parentRefs: [{name: gw, sectionName: quic}]\n  rules: [{backendRefs: [{name: a, port: 80}]}]\n");
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "quic", "Accepted"), "False UnsupportedProtocol");
  ck_assert_str_eq(tu_listener_kinds(c, "default", "gw", "quic"), "");
  ck_assert_int_eq(tu_listener_attached(c, "default", "gw", "quic"), 0);
  ASSERT_ACCEPTED(c, "default", "r", "False NotAllowedByListeners");
  ck_assert_str_eq(tu_gateway_cond(c, "default", "gw", "Accepted"), "True ListenersNotValid");
  tu_free(c);
  c = tu_build(TU_OBJ("Gateway", "default", "gw")
      "spec:\n  gatewayClassName: c\n  listeners:\n"
      "  - {name: quic, port: 443, protocol: example.com/quic}\n");
  ck_assert_str_eq(tu_gateway_cond(c, "default", "gw", "Accepted"), "False ListenersNotValid");
  ck_assert_str_eq(tu_gateway_cond(c, "default", "gw", "Programmed"), "False Invalid");
  tu_free(c);
}
END_TEST

/* §9.2: a plain Gateway is Accepted/Programmed with reason Accepted. */
START_TEST(gateway_accepted) {
  tu_ctx *c = tu_build(TU_GW_HTTP);
  ck_assert_str_eq(tu_gateway_cond(c, "default", "gw", "Accepted"), "True Accepted");
  ck_assert_str_eq(tu_gateway_cond(c, "default", "gw", "Programmed"), "True Programmed");
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "http", "Accepted"), "True Accepted");
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "http", "ResolvedRefs"), "True ResolvedRefs");
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "http", "Programmed"), "True Programmed");
  /* A6: default kinds of an HTTP listener */
  ck_assert_str_eq(tu_listener_kinds(c, "default", "gw", "http"), "HTTPRoute,GRPCRoute");
  tu_free(c);
}
END_TEST

/* 1.2 kinds row: invalid kinds give ResolvedRefs=False InvalidRouteKinds
 * and are left out of supportedKinds; valid ones still serve. */
START_TEST(listener_invalid_route_kinds) {
  tu_ctx *c = gw_and_route(TU_OBJ("Gateway", "default", "gw")
      "spec:\n  gatewayClassName: c\n  listeners:\n"
      "  - {name: http, port: 80, protocol: HTTP, allowedRoutes: {kinds: [{kind: HTTPRoute}, {kind: TCPRoute}]}}\n"
      "  - {name: bad, port: 81, protocol: HTTP, allowedRoutes: {kinds: [{group: example.com, kind: HTTPRoute}]}}\n---\n",
      TU_ROUTE("default", "r") "  rules: [{backendRefs: [{name: a, port: 80}]}]\n");
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "http", "ResolvedRefs"), "False InvalidRouteKinds");
  ck_assert_str_eq(tu_listener_kinds(c, "default", "gw", "http"), "HTTPRoute");
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "bad", "ResolvedRefs"), "False InvalidRouteKinds");
  ck_assert_str_eq(tu_listener_kinds(c, "default", "gw", "bad"), "");
  ck_assert_int_eq(tu_listener_attached(c, "default", "gw", "http"), 1);
  ck_assert_int_eq(tu_listener_attached(c, "default", "gw", "bad"), 0);
  ck_assert_int_eq(tu_get(c, "example.com", "/").action, GWR_ACTION_FORWARD);
  tu_free(c);
}
END_TEST

/* 11.77 second half, A17: an HTTPS listener whose Secret is missing is
 * ResolvedRefs=False InvalidCertificateRef, not programmed, and still counts
 * its attached route. */
START_TEST(listener_missing_certificate_11_77) {
  tu_ctx *c = gw_and_route(TU_OBJ("Gateway", "default", "gw")
      "spec:\n  gatewayClassName: c\n  listeners:\n"
      "  - {name: https, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: missing}]}}\n"
      "  - {name: ok, port: 8443, protocol: HTTPS, tls: {certificateRefs: [{name: present}]}}\n---\n"
      "apiVersion: v1\nkind: Secret\nmetadata: {name: present, namespace: default}\n---\n",
      TU_ROUTE("default", "r") "  rules: [{backendRefs: [{name: a, port: 80}]}]\n");
  tu_req q;
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "https", "ResolvedRefs"),
                   "False InvalidCertificateRef");
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "https", "Programmed"), "False Invalid");
  ck_assert_int_eq(tu_listener_attached(c, "default", "gw", "https"), 1);
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "ok", "ResolvedRefs"), "True ResolvedRefs");
  ck_assert_int_eq(tu_listener_attached(c, "default", "gw", "ok"), 1);
  memset(&q, 0, sizeof q);
  q.scheme = "https";
  q.host = "example.com";
  q.path = "/";
  ck_assert_int_ne(tu_match(c, &q).action, GWR_ACTION_FORWARD);
  q.port = 8443;
  ck_assert_int_eq(tu_match(c, &q).action, GWR_ACTION_FORWARD);
  tu_free(c);
}
END_TEST

/* B11: a certificate in another namespace needs a grant from the Gateway. */
START_TEST(listener_cert_reference_grant) {
  const char *gw = TU_OBJ("Gateway", "default", "gw")
      "spec:\n  gatewayClassName: c\n  listeners:\n"
      "  - {name: https, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: cert, namespace: certs}]}}\n---\n"
      "apiVersion: v1\nkind: Secret\nmetadata: {name: cert, namespace: certs}\n---\n";
  tu_ctx *c = tu_build(gw);
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "https", "ResolvedRefs"), "False RefNotPermitted");
  tu_free(c);
  c = tu_new();
  tu_add(c, gw);
  tu_add(c, "apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\n"
            "metadata: {name: g, namespace: certs}\n"
            "spec:\n  from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: default}]\n"
            "  to: [{group: \"\", kind: Secret}]\n");
  tu_compile(c);
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "https", "ResolvedRefs"), "True ResolvedRefs");
  ck_assert_str_eq(tu_listener_cond(c, "default", "gw", "https", "Programmed"), "True Programmed");
  tu_free(c);
}
END_TEST

/* ---- status bookkeeping (A18, S3, observedGeneration) ------------------------------------------- */

/* A18, S3: observedGeneration is metadata.generation (default 1). */
START_TEST(s3_observed_generation) {
  tu_ctx *c = tu_build(TU_V1 "kind: Gateway\nmetadata: {name: gw, namespace: default, generation: 7}\n"
      "spec:\n  gatewayClassName: c\n  listeners:\n  - {name: http, port: 80, protocol: HTTP}\n---\n"
      TU_V1 "kind: HTTPRoute\nmetadata: {name: r, namespace: default, generation: 42}\n"
      "spec:\n  parentRefs: [{name: gw}]\n  rules: [{backendRefs: [{name: a, port: 80}]}]\n---\n"
      TU_ROUTE("default", "plain") "  rules: [{backendRefs: [{name: a, port: 80}]}]\n");
  const tu_json *l;
  ck_assert_int_eq(tu_route_cond_gen(c, "default", "r", 0, "Accepted"), 42);
  ck_assert_int_eq(tu_route_cond_gen(c, "default", "r", 0, "ResolvedRefs"), 42);
  ck_assert_int_eq(tu_route_cond_gen(c, "default", "plain", 0, "Accepted"), 1);
  ck_assert_int_eq(tu_gateway_cond_gen(c, "default", "gw", "Accepted"), 7);
  l = tu_listener_status(c, "default", "gw", "http");
  ck_assert_ptr_nonnull(l);
  ck_assert_int_eq((long)tu_json_get(tu_json_at(tu_json_get(l, "conditions"), 0), "observedGeneration")->n, 7);
  tu_free(c);
}
END_TEST

/* A18: the entry echoes the parentRef with defaulted group/kind/namespace,
 * carries our controllerName, and exists only for parents the route named. */
START_TEST(a18_parent_entry) {
  tu_ctx *c = tu_build(TU_GW_HTTP
      TU_OBJ("Gateway", "default", "gw2")
      "spec:\n  gatewayClassName: c\n  listeners:\n  - {name: http, port: 80, protocol: HTTP}\n---\n"
      TU_OBJ("HTTPRoute", "default", "r")
      "spec:\n  parentRefs: [{name: gw, sectionName: http}]\n  rules: [{backendRefs: [{name: a, port: 80}]}]\n");
  const tu_json *p = tu_json_at(tu_json_get(tu_route_status(c, "default", "r"), "parents"), 0);
  const tu_json *ref = tu_json_get(p, "parentRef");
  ck_assert_int_eq(tu_route_parents(c, "default", "r"), 1);
  ck_assert_str_eq(tu_json_str(tu_json_get(ref, "group")), "gateway.networking.k8s.io");
  ck_assert_str_eq(tu_json_str(tu_json_get(ref, "kind")), "Gateway");
  ck_assert_str_eq(tu_json_str(tu_json_get(ref, "namespace")), "default");
  ck_assert_str_eq(tu_json_str(tu_json_get(ref, "name")), "gw");
  ck_assert_str_eq(tu_json_str(tu_json_get(ref, "sectionName")), "http");
  ck_assert_str_eq(tu_json_str(tu_json_get(p, "controllerName")), "gwroute.dev/gateway-controller");
  tu_free(c);
}
END_TEST

/* A16.1, S3: parents that are not ours or do not exist get no entry. */
START_TEST(s3_unknown_parents_no_entry) {
  tu_ctx *c = tu_build(TU_GW_HTTP TU_OBJ("HTTPRoute", "default", "r")
      "spec:\n  parentRefs: [{name: nope}, {group: \"\", kind: Service, name: svc}, {name: gw}]\n"
      "  rules: [{backendRefs: [{name: a, port: 80}]}]\n");
  const tu_json *p;
  ck_assert_int_eq(tu_route_parents(c, "default", "r"), 1);
  p = tu_json_at(tu_json_get(tu_route_status(c, "default", "r"), "parents"), 0);
  ck_assert_str_eq(tu_json_str(tu_json_get(tu_json_get(p, "parentRef"), "name")), "gw");
  tu_free(c);
}
END_TEST

/* S1: PartiallyInvalid is never set on a parent that is not Accepted. */
START_TEST(s1_no_partially_invalid_when_rejected) {
  tu_ctx *c = tu_build(TU_GW_HTTP TU_OBJ("HTTPRoute", "default", "r")
      "spec:\n  parentRefs: [{name: gw, sectionName: nope}, {name: gw, sectionName: http}]\n"
      "  rules:\n  - matches: [{path: {type: Regex, value: /x}}]\n"
      "  - backendRefs: [{name: a, port: 80}]\n");
  ck_assert_str_eq(tu_route_cond(c, "default", "r", 0, "Accepted"), "False NoMatchingParent");
  ck_assert_ptr_null(tu_route_cond(c, "default", "r", 0, "PartiallyInvalid"));
  ck_assert_str_eq(tu_route_cond(c, "default", "r", 1, "Accepted"), "True Accepted");
  ck_assert_str_eq(tu_route_cond(c, "default", "r", 1, "PartiallyInvalid"), "True UnsupportedValue");
  tu_free(c);
}
END_TEST

static const char classes[] =
    TU_V1 "kind: GatewayClass\nmetadata: {name: mine}\nspec: {controllerName: example.com/mine}\n---\n"
    TU_V1 "kind: GatewayClass\nmetadata: {name: theirs}\nspec: {controllerName: example.com/theirs}\n---\n"
    TU_OBJ("Gateway", "default", "ours")
    "spec:\n  gatewayClassName: mine\n  listeners:\n  - {name: http, port: 80, protocol: HTTP}\n---\n"
    TU_OBJ("Gateway", "default", "foreign")
    "spec:\n  gatewayClassName: theirs\n  listeners:\n  - {name: http, port: 80, protocol: HTTP}\n---\n"
    TU_OBJ("HTTPRoute", "default", "to-ours")
    "spec:\n  parentRefs: [{name: ours}]\n  rules: [{backendRefs: [{name: a, port: 80}]}]\n---\n"
    TU_OBJ("HTTPRoute", "default", "to-foreign")
    "spec:\n  parentRefs: [{name: foreign}]\n  rules: [{backendRefs: [{name: a, port: 80}]}]\n";

/* A1, A4, S3: a Gateway of another controller's class gets no status and
 * its routes get no parent entry; it does not route. */
START_TEST(a4_other_controller) {
  tu_ctx *c = tu_new();
  tu_req q;
  ck_assert_int_eq(gwr_config_set_controller(c->cfg, "example.com/mine", 16), GWR_OK);
  tu_add(c, classes);
  tu_compile(c);
  ck_assert_ptr_nonnull(tu_gateway_status(c, "default", "ours"));
  ck_assert_ptr_null(tu_gateway_status(c, "default", "foreign"));
  ck_assert_int_eq(tu_route_parents(c, "default", "to-ours"), 1);
  ck_assert_int_eq(tu_route_parents(c, "default", "to-foreign"), 0);
  ck_assert_str_eq(tu_json_str(tu_json_get(tu_gateway_status(c, "default", "ours"), "controllerName")),
                   "example.com/mine");
  memset(&q, 0, sizeof q);
  q.host = "example.com";
  q.path = "/";
  q.gateway = "default/foreign";
  ck_assert_int_eq(tu_match(c, &q).rc, GWR_E_NOTFOUND);
  q.gateway = "default/ours";
  ck_assert_int_eq(tu_match(c, &q).action, GWR_ACTION_FORWARD);
  tu_free(c);
}
END_TEST

/* gwroute.h set_controller: unset = every class is ours. */
START_TEST(a4_no_controller_set) {
  tu_ctx *c = tu_build(classes);
  ck_assert_ptr_nonnull(tu_gateway_status(c, "default", "ours"));
  ck_assert_ptr_nonnull(tu_gateway_status(c, "default", "foreign"));
  ck_assert_int_eq(tu_route_parents(c, "default", "to-foreign"), 1);
  tu_free(c);
}
END_TEST

/* docs/behaviour.md, A4: with classes given, a Gateway whose class is
 * missing is Accepted=Unknown Pending and serves no route. */
START_TEST(a4_missing_class) {
  tu_ctx *c = tu_build(TU_V1 "kind: GatewayClass\nmetadata: {name: mine}\n"
                       "spec: {controllerName: example.com/mine}\n---\n"
                       TU_GW_HTTP TU_ROUTE("default", "r") "  rules: [{backendRefs: [{name: a, port: 80}]}]\n");
  ck_assert_str_eq(tu_gateway_cond(c, "default", "gw", "Accepted"), "Unknown Pending");
  ck_assert_int_eq(tu_route_parents(c, "default", "r"), 0);
  tu_free(c);
}
END_TEST

static TCase *known_bugs; /* tests of engine bugs found and fixed */

static Suite *attach_suite(void) {
  Suite *s = suite_create("attach");
  TCase *tc;

  tc = tcase_create("parents");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, a16_section_name_nope_11_7);
  tcase_add_test(tc, a16_port_11_8);
  tcase_add_test(tc, a16_port_selects_listeners);
  tcase_add_test(tc, a16_whole_parent);
  tcase_add_test(tc, a16_same_namespace_11_9);
  tcase_add_test(tc, a16_from_all);
  tcase_add_test(tc, a16_kinds_11_10);
  tcase_add_test(tc, a16_selector_match_labels);
  tcase_add_test(tc, a16_selector_match_expressions);
  tcase_add_test(tc, a16_selector_metadata_name);
  tcase_add_test(tc, a9_selector_absent);
  tcase_add_test(tc, a16_no_matching_hostname_11_1);
  tcase_add_test(tc, a17_attached_routes_count);
  tcase_add_test(tc, a17_counted_per_listener);
  tcase_add_test(tc, a16_one_listener_enough);
  suite_add_tcase(s, tc);

  tc = tcase_create("hostnames");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, a23_intersect_table);
  tcase_add_test(tc, a21_host_matches);
  tcase_add_test(tc, a23_effective_hostnames);
  tcase_add_test(tc, a23_effective_host_scores);
  suite_add_tcase(s, tc);

  tc = tcase_create("references");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, b10_grant_to_name_11_39);
  tcase_add_test(tc, b10_grant_from_mismatch_11_40);
  tcase_add_test(tc, b9_grant_in_target_namespace);
  tcase_add_test(tc, b12_grant_revocation_11_78);
  tcase_add_test(tc, b10_same_namespace);
  tcase_add_test(tc, backend_invalid_kind_11_41);
  tcase_add_test(tc, backend_not_found);
  tcase_add_test(tc, backend_no_services_given);
  suite_add_tcase(s, tc);

  tc = tcase_create("listeners");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, a11_tcp_http_conflict_11_73);
  tcase_add_test(tc, a11_no_conflicts);
  tcase_add_test(tc, a11_http_https_same_port);
  tcase_add_test(tc, a11_https_tls_hostname_conflict);
  tcase_add_test(tc, a13_overlapping_tls);
  tcase_add_test(tc, listener_unsupported_protocol_11_77);
  tcase_add_test(tc, gateway_accepted);
  tcase_add_test(tc, listener_invalid_route_kinds);
  tcase_add_test(tc, listener_missing_certificate_11_77);
  tcase_add_test(tc, listener_cert_reference_grant);
  suite_add_tcase(s, tc);

  tc = tcase_create("status");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, s3_observed_generation);
  tcase_add_test(tc, a18_parent_entry);
  tcase_add_test(tc, s3_unknown_parents_no_entry);
  tcase_add_test(tc, s1_no_partially_invalid_when_rejected);
  tcase_add_test(tc, a4_other_controller);
  tcase_add_test(tc, a4_no_controller_set);
  tcase_add_test(tc, a4_missing_class);
  suite_add_tcase(s, tc);

  known_bugs = tcase_create("regressions");
  tcase_add_test(known_bugs, f28_mirror_backend_refs_11_56);
  /* once engine bugs, now fixed */
  suite_add_tcase(s, known_bugs);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(attach_suite());
  int failed;
  srunner_run_all(sr, CK_ENV);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0;
}
