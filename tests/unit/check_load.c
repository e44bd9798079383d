/* SPDX-License-Identifier: Apache-2.0 */
/*
 * check_load.c - unit tests for lib/load.c (and lib/doc.c, lib/config.c,
 * lib/builder.c behind gwr_config_load / gwr_config_load_path /
 * gwr_builder_*): the kinds kept and skipped, the input shapes (YAML
 * streams, JSON object, List, array), Kubernetes defaults (§1.2, §1.4,
 * §2.1, §4.1), strict types with exact field paths and messages, one bad
 * object never stopping the others, whole-text syntax errors, duplicates,
 * the builder, and folders.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "testutil.h"

/* ---- helpers ------------------------------------------------------------------- */

static gwr__route *route_at(const tu_ctx *c, size_t i) {
  ck_assert_uint_gt(c->cfg->model.routes.len, i);
  return GWR_VEC_AT(&c->cfg->model.routes, gwr__route *, i);
}

static gwr__gateway *gateway_at(const tu_ctx *c, size_t i) {
  ck_assert_uint_gt(c->cfg->model.gateways.len, i);
  return GWR_VEC_AT(&c->cfg->model.gateways, gwr__gateway *, i);
}

#define SV_EQ(sv, want) ck_assert_str_eq((sv).ptr ? (sv).ptr : "(null)", (want))

/* Load text into a fresh context and expect exactly one problem. */
static gwr_error one_problem(const char *yaml) {
  tu_ctx *c = tu_new();
  gwr_error e;
  tu_add(c, yaml);
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 1);
  e = tu_problem(c, 0);
  tu_free(c);
  return e;
}

#define ASSERT_PROBLEM(yaml, field_, message_)                                              \
  do {                                                                                      \
    gwr_error e_ = one_problem(yaml);                                                       \
    ck_assert_str_eq(e_.field, (field_));                                                   \
    ck_assert_str_eq(e_.message, (message_));                                               \
  } while (0)

static const char every_kind[] =
    TU_V1 "kind: GatewayClass\nmetadata: {name: c}\nspec: {controllerName: example.com/gw}\n---\n"
    TU_GW_HTTP
    TU_ROUTE("default", "v1") "---\n"
    "apiVersion: gateway.networking.k8s.io/v1beta1\nkind: HTTPRoute\n"
    "metadata: {name: v1beta1, namespace: default}\nspec: {parentRefs: [{name: gw}]}\n---\n"
    TU_V1 "kind: ReferenceGrant\nmetadata: {name: g1, namespace: default}\n"
    "spec: {from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: x}],"
    " to: [{group: \"\", kind: Service}]}\n---\n"
    "apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\n"
    "metadata: {name: g2, namespace: default}\n"
    "spec: {from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: x}],"
    " to: [{group: \"\", kind: Service}]}\n---\n"
    "apiVersion: v1\nkind: Service\nmetadata: {name: svc, namespace: default}\n"
    "spec: {ports: [{port: 80}]}\n---\n"
    "apiVersion: v1\nkind: Secret\nmetadata: {name: cert, namespace: default}\n"
    "type: kubernetes.io/tls\ndata: {tls.crt: eA==, tls.key: eA==}\n---\n"
    "apiVersion: v1\nkind: Namespace\nmetadata: {name: team, labels: {env: prod}}\n";

/* ---- kinds ----------------------------------------------------------------------- */

/* gwroute.h gwr_config_load: every kind read, in both API versions. */
START_TEST(kinds_every_kind_loads) {
  tu_ctx *c = tu_new();
  const gwr__model *m = &c->cfg->model;
  tu_add(c, every_kind);
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 0);
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_OBJECTS), 9);
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_SKIPPED), 0);
  ck_assert_uint_eq(m->classes.len, 1);
  ck_assert_uint_eq(m->gateways.len, 1);
  ck_assert_uint_eq(m->routes.len, 2);
  ck_assert_uint_eq(m->grants.len, 2);
  ck_assert_uint_eq(m->services.len, 1);
  ck_assert_uint_eq(m->secrets.len, 1);
  ck_assert_uint_eq(m->namespaces.len, 1);
  SV_EQ(route_at(c, 1)->meta.name, "v1beta1");
  tu_free(c);
}
END_TEST

/* gwroute.h: other kinds (and unknown versions of known kinds, such as the
 * retired networking.k8s.io/v1beta1 Ingress) are counted
 * as skipped and ignored. */
START_TEST(kinds_others_skipped) {
  tu_ctx *c = tu_new();
  tu_add(c, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: default}\ndata: {a: b}\n---\n"
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: 42\n---\n"
            "apiVersion: gateway.networking.k8s.io/v1beta1\nkind: GRPCRoute\nmetadata: {name: g, namespace: default}\n---\n"
            "apiVersion: networking.k8s.io/v1beta1\nkind: Ingress\nmetadata: {name: i}\n---\n"
            "apiVersion: gateway.networking.k8s.io/v1alpha1\nkind: HTTPRoute\nmetadata: {name: old}\n---\n"
            "apiVersion: example.com/v1\nkind: Service\nmetadata: {name: s}\n---\n"
            TU_GW_HTTP);
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_SKIPPED), 6);
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_OBJECTS), 1);
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 0);
  ck_assert_uint_eq(c->cfg->model.routes.len, 0);
  ck_assert_uint_eq(c->cfg->model.services.len, 0);
  tu_free(c);
}
END_TEST

/* ---- input shapes ------------------------------------------------------------------ */

static const char json_gw[] =
    "{\"apiVersion\": \"gateway.networking.k8s.io/v1\", \"kind\": \"Gateway\","
    " \"metadata\": {\"name\": \"gw\", \"namespace\": \"default\"},"
    " \"spec\": {\"gatewayClassName\": \"c\", \"listeners\": [{\"name\": \"http\", \"port\": 80,"
    " \"protocol\": \"HTTP\"}]}}";

static const char json_route[] =
    "{\"apiVersion\": \"gateway.networking.k8s.io/v1\", \"kind\": \"HTTPRoute\","
    " \"metadata\": {\"name\": \"r\", \"namespace\": \"default\"},"
    " \"spec\": {\"parentRefs\": [{\"name\": \"gw\"}], \"rules\": [{\"matches\": [{\"path\":"
    " {\"type\": \"Exact\", \"value\": \"/json\"}}], \"backendRefs\": [{\"name\": \"svc\", \"port\": 80}]}]}}";

static void expect_json_loaded(tu_ctx *c) {
  tu_result r;
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 0);
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_OBJECTS), 2);
  tu_compile(c);
  r = tu_get(c, "example.com", "/json");
  ck_assert_int_eq(r.action, GWR_ACTION_FORWARD);
  ck_assert_str_eq(r.backend, "default/svc");
  ck_assert_int_eq(tu_get(c, "example.com", "/other").status, 404);
  tu_free(c);
}

/* gwroute.h: one JSON object per call. */
START_TEST(shape_json_objects) {
  tu_ctx *c = tu_new();
  tu_add(c, json_gw);
  tu_add(c, json_route);
  expect_json_loaded(c);
}
END_TEST

/* gwroute.h: a JSON List (kubectl get -o json). */
START_TEST(shape_json_list) {
  tu_ctx *c = tu_new();
  tu_buf b = {NULL, 0, 0};
  tu_buf_printf(&b, "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"metadata\": {}, \"items\": [%s, %s]}",
                json_gw, json_route);
  tu_add(c, b.p);
  tu_buf_free(&b);
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_SKIPPED), 0);
  expect_json_loaded(c);
}
END_TEST

/* gwroute.h: a JSON array of objects. */
START_TEST(shape_json_array) {
  tu_ctx *c = tu_new();
  tu_buf b = {NULL, 0, 0};
  tu_buf_printf(&b, "[%s,\n %s]", json_gw, json_route);
  tu_add(c, b.p);
  tu_buf_free(&b);
  expect_json_loaded(c);
}
END_TEST

/* gwroute.h: a multi-document YAML stream; empty documents are nothing. */
START_TEST(shape_yaml_stream) {
  tu_ctx *c = tu_new();
  tu_add(c, "---\n" TU_GW_HTTP "---\n---\n# only a comment\n---\n"
            TU_ROUTE("default", "r")
            "  rules: [{matches: [{path: {type: Exact, value: /json}}], backendRefs: [{name: svc, port: 80}]}]\n"
            "...\n");
  expect_json_loaded(c);
}
END_TEST

/* §1.6 / docs: a document that is not a mapping is a problem, the rest loads. */
START_TEST(shape_not_a_mapping) {
  tu_ctx *c = tu_new();
  gwr_error e;
  tu_add(c, "just a string\n---\n" TU_GW_HTTP);
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 1);
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_OBJECTS), 1);
  e = tu_problem(c, 0);
  ck_assert_ptr_nonnull(strstr(e.message, "a Kubernetes object must be a mapping"));
  tu_free(c);
}
END_TEST

/* ---- defaults ------------------------------------------------------------------------ */

/* §1.4, §4.1, §2.1, H11: defaults of an HTTPRoute. */
START_TEST(defaults_httproute) {
  tu_ctx *c = tu_new();
  const gwr__route *r;
  const gwr__backend *b;
  tu_add(c, TU_V1 "kind: HTTPRoute\nmetadata: {name: r}\n"
            "spec:\n  parentRefs: [{name: gw}]\n"
            "  rules:\n  - matches: [{headers: [{name: a, value: b}]}]\n"
            "    backendRefs: [{name: svc, port: 80}]\n---\n"
            TU_V1 "kind: HTTPRoute\nmetadata: {name: bare, namespace: team}\n"
            "spec:\n  parentRefs: [{name: gw}]\n  rules: [{backendRefs: [{name: s, port: 81}]}]\n---\n"
            TU_V1 "kind: HTTPRoute\nmetadata: {name: norules, namespace: default}\n"
            "spec: {parentRefs: [{name: gw}]}\n");
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 0);
  r = route_at(c, 0);
  /* metadata: namespace "default" when absent, generation 1 */
  SV_EQ(r->meta.ns, "default");
  ck_assert_int_eq(r->meta.generation, 1);
  ck_assert_int_eq(r->meta.created, 0);
  /* parentRef: group, kind, namespace */
  ck_assert_uint_eq(r->parent_count, 1);
  SV_EQ(r->parents[0].ref.group, "gateway.networking.k8s.io");
  SV_EQ(r->parents[0].ref.kind, "Gateway");
  SV_EQ(r->parents[0].ref.ns, "default");
  ck_assert_int_eq(r->parents[0].ref.ns_set, 0);
  ck_assert_uint_eq(r->parents[0].section.len, 0);
  ck_assert_uint_eq(r->parents[0].ref.port, 0);
  /* match without path: PathPrefix "/"; header type Exact */
  ck_assert_int_eq(r->rules[0].matches[0].path_type, GWR_PATH_PREFIX);
  SV_EQ(r->rules[0].matches[0].path, "/");
  ck_assert_int_eq(r->rules[0].matches[0].headers[0].type, GWR_VALUE_EXACT);
  ck_assert_uint_eq(r->rules[0].matches[0].method.len, 0);
  /* backend: group "", kind Service, namespace the route's, weight 1 */
  b = &r->rules[0].backends[0];
  SV_EQ(b->ref.group, "");
  SV_EQ(b->ref.kind, "Service");
  SV_EQ(b->ref.ns, "default");
  ck_assert_int_eq(b->weight, 1);
  ck_assert_int_eq(r->rules[0].timeout_request.set, 0);
  ck_assert_ptr_null(r->rules[0].invalid_reason);
  /* in another namespace, the defaults follow the route's namespace */
  r = route_at(c, 1);
  SV_EQ(r->parents[0].ref.ns, "team");
  SV_EQ(r->rules[0].backends[0].ref.ns, "team");
  /* a rule without matches: one PathPrefix "/" match */
  ck_assert_uint_eq(r->rules[0].match_count, 1);
  ck_assert_int_eq(r->rules[0].matches[0].path_type, GWR_PATH_PREFIX);
  SV_EQ(r->rules[0].matches[0].path, "/");
  /* 11.25: no rules: one rule, PathPrefix "/", no backends */
  r = route_at(c, 2);
  ck_assert_uint_eq(r->rule_count, 1);
  ck_assert_uint_eq(r->rules[0].match_count, 1);
  ck_assert_int_eq(r->rules[0].matches[0].path_type, GWR_PATH_PREFIX);
  SV_EQ(r->rules[0].matches[0].path, "/");
  ck_assert_uint_eq(r->rules[0].backend_count, 0);
  tu_free(c);
}
END_TEST

/* §1.2: listener defaults: allowedRoutes from Same, kinds from the
 * protocol; tls mode Terminate; certificateRefs group "", kind Secret,
 * the Gateway's namespace. */
START_TEST(defaults_listener) {
  tu_ctx *c = tu_new();
  const gwr__gateway *g;
  tu_add(c, TU_V1 "kind: Gateway\nmetadata: {name: gw, namespace: infra, generation: 3}\n"
            "spec:\n  gatewayClassName: c\n  listeners:\n"
            "  - {name: http, port: 80, protocol: HTTP}\n"
            "  - {name: https, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: cert}]},"
            " allowedRoutes: {namespaces: {}}}\n");
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 0);
  g = gateway_at(c, 0);
  ck_assert_int_eq(g->meta.generation, 3);
  ck_assert_int_eq(g->listeners[0].from, GWR_FROM_SAME);
  ck_assert_int_eq(g->listeners[0].kinds_set, 0);
  ck_assert_int_eq(g->listeners[0].selector.present, 0);
  ck_assert_uint_eq(g->listeners[0].hostname.len, 0);
  ck_assert_int_eq(g->listeners[0].protocol, GWR_PROTO_HTTP);
  ck_assert_int_eq(g->listeners[0].tls_set, 0);
  ck_assert_int_eq(g->listeners[1].from, GWR_FROM_SAME);
  ck_assert_int_eq(g->listeners[1].tls_mode, GWR_TLS_TERMINATE);
  SV_EQ(g->listeners[1].certs[0].group, "");
  SV_EQ(g->listeners[1].certs[0].kind, "Secret");
  SV_EQ(g->listeners[1].certs[0].ns, "infra");
  tu_free(c);
}
END_TEST

/* §5.2, F27: filter defaults (redirect 302, mirror 100%). */
START_TEST(defaults_filters) {
  tu_ctx *c = tu_new();
  const gwr__rule *rule;
  tu_add(c, TU_ROUTE("default", "r")
            "  rules:\n  - filters: [{type: RequestRedirect, requestRedirect: {hostname: a.com}}]\n"
            "  - filters: [{type: RequestMirror, requestMirror: {backendRef: {name: m, port: 80}}}]\n"
            "    backendRefs: [{name: a, port: 80}]\n");
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 0);
  rule = &route_at(c, 0)->rules[0];
  ck_assert_int_eq(rule->filters[0].redirect.status, 302);
  ck_assert_uint_eq(rule->filters[0].redirect.port, 0);
  ck_assert_uint_eq(rule->filters[0].redirect.scheme.len, 0);
  rule = &route_at(c, 0)->rules[1];
  ck_assert_int_eq(rule->filters[0].mirror.percent_set, 0); /* neither set: 100% */
  ck_assert_int_eq(rule->filters[0].mirror.fraction_set, 0);
  ck_assert_int_eq(rule->filters[0].mirror.denominator, 100);
  SV_EQ(rule->filters[0].mirror.backend.kind, "Service");
  SV_EQ(rule->filters[0].mirror.backend.ns, "default");
  tu_free(c);
}
END_TEST

/* Metadata read: labels, creationTimestamp (RFC 3339, offsets). */
START_TEST(metadata_read) {
  tu_ctx *c = tu_new();
  const gwr__route *r;
  tu_add(c, TU_V1 "kind: HTTPRoute\nmetadata: {name: a, namespace: n, generation: 9,"
            " creationTimestamp: \"2024-01-01T10:00:05Z\", labels: {app: web}}\n---\n"
            TU_V1 "kind: HTTPRoute\nmetadata: {name: b, namespace: n,"
            " creationTimestamp: \"2024-01-01T12:00:05+02:00\"}\n");
  r = route_at(c, 0);
  ck_assert_int_eq(r->meta.generation, 9);
  ck_assert_int_eq(r->meta.created, 1704103205);
  ck_assert_uint_eq(r->meta.label_count, 1);
  SV_EQ(r->meta.labels[0].key, "app");
  SV_EQ(r->meta.labels[0].value, "web");
  ck_assert_int_eq(route_at(c, 1)->meta.created, 1704103205);
  tu_free(c);
}
END_TEST

/* ---- types: exact field paths and messages ---------------------------------------------- */

/* gwroute.h gwr_error: kind/ns/name/field and the whole sentence. */
START_TEST(types_list_not_object) {
  tu_ctx *c = tu_new();
  gwr_error e;
  tu_add(c, TU_OBJ("HTTPRoute", "default", "api")
            "spec:\n  parentRefs: [{name: gw}]\n  rules:\n  - matches: {path: {value: /}}\n");
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 1);
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_OBJECTS), 0);
  e = tu_problem(c, 0);
  ck_assert_int_eq(e.code, GWR_E_SCHEMA);
  ck_assert_str_eq(e.kind, "HTTPRoute");
  ck_assert_str_eq(e.ns, "default");
  ck_assert_str_eq(e.name, "api");
  ck_assert_str_eq(e.field, "spec.rules[0].matches");
  ck_assert_str_eq(e.message, "HTTPRoute default/api: spec.rules[0].matches: must be a list, not an object");
  ck_assert_str_eq(e.file, "test.yaml");
  ck_assert_uint_eq(e.line, 7); /* the value's position */
  ck_assert_uint_eq(e.column, 14);
  ck_assert_int_eq(gwr_config_problem(c->cfg, 1, &e), GWR_E_NOTFOUND);
  tu_free(c);
}
END_TEST

/* Strict scalar types, each with its path (docs/behaviour.md). */
START_TEST(types_scalars) {
  ASSERT_PROBLEM(TU_ROUTE("default", "api") "  hostnames: [ok.com, 1]\n", "spec.hostnames[1]",
                 "HTTPRoute default/api: spec.hostnames[1]: must be a string, not an integer");
  ASSERT_PROBLEM(TU_ROUTE("default", "api") "  rules: [{backendRefs: [{name: s, port: \"80\"}]}]\n",
                 "spec.rules[0].backendRefs[0].port",
                 "HTTPRoute default/api: spec.rules[0].backendRefs[0].port: must be an integer, not a string");
  ASSERT_PROBLEM(TU_ROUTE("default", "api") "  rules: [{backendRefs: [{name: s, port: 80, weight: 1.5}]}]\n",
                 "spec.rules[0].backendRefs[0].weight",
                 "HTTPRoute default/api: spec.rules[0].backendRefs[0].weight: must be an integer, not a number");
  ASSERT_PROBLEM(TU_ROUTE("default", "api") "  rules: [{matches: [{headers: [{name: x, value: 1}]}]}]\n",
                 "spec.rules[0].matches[0].headers[0].value",
                 "HTTPRoute default/api: spec.rules[0].matches[0].headers[0].value: must be a string, not an integer");
  ASSERT_PROBLEM(TU_ROUTE("default", "api") "  rules: x\n", "spec.rules",
                 "HTTPRoute default/api: spec.rules: must be a list, not a string");
  ASSERT_PROBLEM(TU_ROUTE("default", "api") "  rules: [x]\n", "spec.rules[0]",
                 "HTTPRoute default/api: spec.rules[0]: must be an object, not a string");
  ASSERT_PROBLEM(TU_ROUTE("default", "api")
                 "  rules: [{filters: [{type: CORS, cors: {allowCredentials: \"yes\"}}]}]\n",
                 "spec.rules[0].filters[0].cors.allowCredentials",
                 "HTTPRoute default/api: spec.rules[0].filters[0].cors.allowCredentials: must be a boolean, not a string");
  ASSERT_PROBLEM(TU_ROUTE("default", "api") "  rules: [{matches: [{path: [/]}]}]\n",
                 "spec.rules[0].matches[0].path",
                 "HTTPRoute default/api: spec.rules[0].matches[0].path: must be an object, not a list");
  ASSERT_PROBLEM(TU_ROUTE("default", "api") "  hostnames: [true]\n", "spec.hostnames[0]",
                 "HTTPRoute default/api: spec.hostnames[0]: must be a string, not a boolean");
}
END_TEST

/* Required fields and ranges, with paths. */
START_TEST(types_required) {
  ASSERT_PROBLEM(TU_OBJ("HTTPRoute", "default", "api") "spec:\n  parentRefs: [{sectionName: x}]\n",
                 "spec.parentRefs[0].name", "HTTPRoute default/api: spec.parentRefs[0].name: Required value");
  ASSERT_PROBLEM(TU_OBJ("Gateway", "default", "gw") "spec:\n  gatewayClassName: c\n  listeners:\n"
                 "  - {name: http, protocol: HTTP}\n",
                 "spec.listeners[0].port", "Gateway default/gw: spec.listeners[0].port: Required value");
  ASSERT_PROBLEM(TU_OBJ("Gateway", "default", "gw") "spec:\n  gatewayClassName: c\n  listeners:\n"
                 "  - {name: http, port: 70000, protocol: HTTP}\n",
                 "spec.listeners[0].port",
                 "Gateway default/gw: spec.listeners[0].port: must be between 1 and 65535");
  ASSERT_PROBLEM(TU_OBJ("Gateway", "default", "gw") "spec:\n  gatewayClassName: c\n",
                 "spec.listeners", "Gateway default/gw: spec.listeners: Required value");
  ASSERT_PROBLEM(TU_V1 "kind: HTTPRoute\nspec: {}\n", "metadata", "HTTPRoute: metadata: Required value");
  ASSERT_PROBLEM("apiVersion: v1\nmetadata: {name: x}\n", "kind", "object: kind: Required value");
  ASSERT_PROBLEM(TU_OBJ("Gateway", "default", "gw") "spec:\n  gatewayClassName: c\n  listeners:\n"
                 "  - {name: h, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: Nobody}}}\n",
                 "spec.listeners[0].allowedRoutes.namespaces.from",
                 "Gateway default/gw: spec.listeners[0].allowedRoutes.namespaces.from: must be one of All, Same, Selector");
  ASSERT_PROBLEM(TU_V1 "kind: HTTPRoute\nmetadata: {name: api, namespace: default,"
                 " creationTimestamp: yesterday}\n",
                 "metadata.creationTimestamp",
                 "HTTPRoute default/api: metadata.creationTimestamp: must be an RFC 3339 time");
  ASSERT_PROBLEM(TU_ROUTE("default", "api")
                 "  rules: [{filters: [{type: RequestHeaderModifier}], backendRefs: [{name: a, port: 80}]}]\n",
                 "spec.rules[0].filters[0].requestHeaderModifier",
                 "HTTPRoute default/api: spec.rules[0].filters[0].requestHeaderModifier: must be set for the filter type");
  ASSERT_PROBLEM(TU_ROUTE("default", "api")
                 "  rules: [{filters: [{type: CORS, cors: {}, urlRewrite: {}}], backendRefs: [{name: a, port: 80}]}]\n",
                 "spec.rules[0].filters[0].urlRewrite",
                 "HTTPRoute default/api: spec.rules[0].filters[0].urlRewrite: must not be set for this filter type");
}
END_TEST

/* A bad object never stops the next one of the same text; problems are in
 * load order and each names its object. */
START_TEST(bad_object_isolated) {
  tu_ctx *c = tu_new();
  gwr_error e;
  tu_add(c, TU_GW_HTTP
            TU_OBJ("HTTPRoute", "default", "bad1") "spec:\n  rules: {}\n---\n"
            TU_ROUTE("default", "good") "  rules: [{backendRefs: [{name: a, port: 80}]}]\n---\n"
            TU_OBJ("HTTPRoute", "default", "bad2") "spec:\n  hostnames: [\"*\"]\n");
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_OBJECTS), 2);
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 2);
  e = tu_problem(c, 0);
  ck_assert_str_eq(e.name, "bad1");
  e = tu_problem(c, 1);
  ck_assert_str_eq(e.name, "bad2");
  ck_assert_str_eq(e.field, "spec.hostnames[0]");
  tu_compile(c);
  ck_assert_int_eq(tu_get(c, "example.com", "/").action, GWR_ACTION_FORWARD);
  /* the status report lists the rejected objects */
  {
    const tu_json *rej = tu_json_get(c->json, "rejected");
    ck_assert_ptr_nonnull(rej);
    ck_assert_uint_eq(rej->count, 2);
    ck_assert_str_eq(tu_json_str(tu_json_get(rej->items[1], "field")), "spec.hostnames[0]");
  }
  tu_free(c);
}
END_TEST

/* ---- syntax errors and duplicates --------------------------------------------------------- */

/* gwroute.h: a syntax error rejects the whole text with file:line:column;
 * nothing of that text is kept; the config stays usable. */
START_TEST(syntax_error_whole_text) {
  tu_ctx *c = tu_new();
  gwr_error err = GWR_ERROR_INIT;
  int rc = tu_add_rc(c, TU_GW_HTTP TU_ROUTE("default", "r") "  hostnames: [a.com\n"
                        "  rules: []\n", &err);
  ck_assert_int_eq(rc, GWR_E_PARSE);
  ck_assert_int_eq(err.code, GWR_E_PARSE);
  ck_assert_str_eq(err.file, "test.yaml");
  ck_assert_uint_eq(err.line, 15);
  ck_assert_uint_gt(err.column, 0);
  ck_assert_msg(strncmp(err.message, "test.yaml:15:", 13) == 0, "message: %s", err.message);
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_OBJECTS), 0);
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 0);
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_SKIPPED), 0);
  /* JSON too (an unclosed object; a trailing comma would be valid YAML) */
  rc = tu_add_rc(c, "{\"kind\": \"Gateway\", \"metadata\": {\"name\": \"x\"}", &err);
  ck_assert_int_eq(rc, GWR_E_PARSE);
  ck_assert_uint_gt(err.line, 0); /* libyaml puts the end of the stream on the next line */
  ck_assert_uint_gt(err.column, 0);
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_OBJECTS), 0);
  /* later texts still load */
  tu_add(c, TU_GW_HTTP);
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_OBJECTS), 1);
  tu_free(c);
}
END_TEST

/* docs/behaviour.md: duplicate keys are syntax errors of the whole text. */
START_TEST(duplicate_keys) {
  tu_ctx *c = tu_new();
  gwr_error err = GWR_ERROR_INIT;
  int rc = tu_add_rc(c, TU_GW_HTTP TU_V1 "kind: HTTPRoute\nmetadata: {name: r}\nkind: HTTPRoute\n", &err);
  ck_assert_int_eq(rc, GWR_E_PARSE);
  ck_assert_ptr_nonnull(strstr(err.message, "duplicate key"));
  ck_assert_uint_eq(err.line, 12);
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_OBJECTS), 0);
  rc = tu_add_rc(c, "{\"a\": 1, \"a\": 2}", &err);
  ck_assert_int_eq(rc, GWR_E_PARSE);
  tu_free(c);
}
END_TEST

/* The same kind/namespace/name twice: the last one wins (as `kubectl
 * apply` leaves it) and keeps the first one's place; same name in another
 * namespace or kind is another object. */
START_TEST(duplicate_objects) {
  tu_ctx *c = tu_new();
  tu_add(c, TU_ROUTE("default", "r") "  hostnames: [first.com]\n---\n"
            TU_ROUTE("other", "r") "---\n"
            TU_OBJ("Gateway", "default", "r") "spec: {gatewayClassName: c, listeners: [{name: a, port: 80, protocol: HTTP}]}\n");
  tu_add(c, TU_ROUTE("default", "r") "  hostnames: [second.com]\n");
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_OBJECTS), 3);
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 0);
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_REPLACED), 1);
  SV_EQ(route_at(c, 0)->hostnames[0], "second.com");
  SV_EQ(route_at(c, 1)->meta.ns, "other");
  tu_free(c);
}
END_TEST

/* ---- builder ---------------------------------------------------------------------------------- */

static const char builder_twin[] = TU_OBJ("HTTPRoute", "default", "api")
    "spec:\n  parentRefs: [{name: gw}]\n  hostnames: [api.example.com]\n"
    "  rules:\n"
    "  - matches: [{path: {type: PathPrefix, value: /v1}, headers: [{name: x-env, value: canary}]}]\n"
    "    backendRefs: [{name: canary, port: 8080}]\n"
    "  - matches: [{path: {type: Exact, value: /v1/status}},"
    " {path: {type: RegularExpression, value: \"/v[2-9]/.*\"}}]\n"
    "    backendRefs: [{name: v1, port: 80, weight: 3}, {name: v1b, port: 81}]\n"
    "    timeouts: {request: 10s}\n";

#define BS(b, path, value) \
  ck_assert_int_eq(gwr_builder_set_string((b), (path), strlen(path), (value), strlen(value)), GWR_OK)
#define BI(b, path, value) ck_assert_int_eq(gwr_builder_set_int((b), (path), strlen(path), (value)), GWR_OK)

static void build_twin(gwr_config *cfg) {
  gwr_builder *b = NULL;
  gwr_error err = GWR_ERROR_INIT;
  ck_assert_int_eq(gwr_builder_new(&b, cfg), GWR_OK);
  BS(b, "apiVersion", "gateway.networking.k8s.io/v1");
  BS(b, "kind", "HTTPRoute");
  BS(b, "metadata.name", "api");
  BS(b, "metadata.namespace", "default");
  BS(b, "spec.parentRefs[0].name", "gw");
  BS(b, "spec.hostnames[0]", "api.example.com");
  BS(b, "spec.rules[0].matches[0].path.type", "PathPrefix");
  BS(b, "spec.rules[0].matches[0].path.value", "/v1");
  BS(b, "spec.rules[0].matches[0].headers[0].name", "x-env");
  BS(b, "spec.rules[0].matches[0].headers[0].value", "canary");
  BS(b, "spec.rules[0].backendRefs[0].name", "canary");
  BI(b, "spec.rules[0].backendRefs[0].port", 8080);
  BS(b, "spec.rules[1].matches[0].path.type", "Exact");
  BS(b, "spec.rules[1].matches[0].path.value", "/v1/status");
  BS(b, "spec.rules[1].matches[1].path.type", "RegularExpression");
  BS(b, "spec.rules[1].matches[1].path.value", "/v[2-9]/.*");
  BS(b, "spec.rules[1].backendRefs[0].name", "v1");
  BI(b, "spec.rules[1].backendRefs[0].port", 80);
  BI(b, "spec.rules[1].backendRefs[0].weight", 3);
  BS(b, "spec.rules[1].backendRefs[1].name", "v1b");
  BI(b, "spec.rules[1].backendRefs[1].port", 81);
  BS(b, "spec.rules[1].timeouts.request", "10s");
  ck_assert_int_eq(gwr_builder_commit(b, &err), GWR_OK);
  ck_assert_int_eq(err.code, GWR_OK);
}

/* gwroute.h §6: a built object behaves exactly like the same YAML. */
START_TEST(builder_same_as_yaml) {
  static const struct {
    const char *host, *path, *env;
  } reqs[] = {
      {"api.example.com", "/v1", NULL},      {"api.example.com", "/v1/x", "canary"},
      {"api.example.com", "/v1/status", NULL}, {"api.example.com", "/v3/abc", NULL},
      {"api.example.com", "/v2", NULL},      {"other.com", "/v1/status", NULL},
      {"API.example.com:80", "/v1/status?x", "prod"},
  };
  tu_ctx *y = tu_new(), *b = tu_new();
  size_t i;
  uint64_t k;
  tu_add(y, TU_GW_HTTP);
  tu_add(y, builder_twin);
  tu_add(b, TU_GW_HTTP);
  build_twin(b->cfg);
  ck_assert_uint_eq(tu_count(b, GWR_COUNT_OBJECTS), 2);
  ck_assert_uint_eq(tu_count(b, GWR_COUNT_PROBLEMS), 0);
  ck_assert_int_eq(route_at(b, 0)->rules[1].timeout_request.ms, 10000);
  tu_compile(y);
  tu_compile(b);
  ck_assert_str_eq(y->status, b->status);
  for (i = 0; i < sizeof reqs / sizeof reqs[0]; i++)
    for (k = 0; k < 4; k++) {
      const char *hs[] = {"x-env", reqs[i].env, NULL};
      tu_req q;
      tu_result ry, rb;
      memset(&q, 0, sizeof q);
      q.host = reqs[i].host;
      q.path = reqs[i].path;
      q.headers = reqs[i].env ? hs : NULL;
      q.choice = k;
      ry = tu_match(y, &q);
      rb = tu_match(b, &q);
      ck_assert_int_eq(ry.action, rb.action);
      ck_assert_int_eq(ry.status, rb.status);
      ck_assert_int_eq(ry.rule, rb.rule);
      ck_assert_int_eq(ry.match, rb.match);
      ck_assert_str_eq(ry.route, rb.route);
      ck_assert_str_eq(ry.backend, rb.backend);
    }
  /* the requests are not all alike */
  ck_assert_int_eq(tu_get(b, "api.example.com", "/v1/status").rule, 1);
  ck_assert_int_eq(tu_get(b, "api.example.com", "/v1").rule, -1);
  tu_free(y);
  tu_free(b);
}
END_TEST

static int set_s(gwr_builder *b, const char *path, const char *v) {
  return gwr_builder_set_string(b, path, strlen(path), v, strlen(v));
}

/* gwroute.h §6: bad paths and contradicting paths are GWR_E_INVALID. */
START_TEST(builder_bad_paths) {
  tu_ctx *c = tu_new();
  gwr_builder *b = NULL;
  ck_assert_int_eq(gwr_builder_new(&b, c->cfg), GWR_OK);
  ck_assert_int_eq(set_s(b, "kind", "HTTPRoute"), GWR_OK);
  ck_assert_int_eq(gwr_builder_set_string(b, "", 0, "x", 1), GWR_E_INVALID);
  ck_assert_int_eq(gwr_builder_set_string(b, NULL, 0, "x", 1), GWR_E_INVALID);
  ck_assert_int_eq(set_s(b, "spec..name", "x"), GWR_E_INVALID);
  ck_assert_int_eq(set_s(b, "[0]", "x"), GWR_E_INVALID);               /* the root is an object */
  ck_assert_int_eq(set_s(b, "kind.sub", "x"), GWR_E_INVALID);          /* under a string */
  ck_assert_int_eq(set_s(b, "spec.rules[1].name", "x"), GWR_E_INVALID); /* index skipped */
  ck_assert_int_eq(set_s(b, "spec.rules[x].name", "x"), GWR_E_INVALID);
  ck_assert_int_eq(set_s(b, "spec.rules[0", "x"), GWR_E_INVALID);
  ck_assert_int_eq(set_s(b, "spec.rules[0].name", "a"), GWR_OK);
  ck_assert_int_eq(set_s(b, "spec.rules.name", "x"), GWR_E_INVALID);   /* rules is a list */
  ck_assert_int_eq(set_s(b, "spec.rules[1].name", "b"), GWR_OK);       /* appending is fine */
  ck_assert_int_eq(set_s(b, "spec.rules[3].name", "x"), GWR_E_INVALID);
  ck_assert_int_eq(gwr_builder_set_int(b, "kind", 4, 5), GWR_E_INVALID); /* string already */
  ck_assert_int_eq(gwr_builder_set_bool(b, "spec.rules[0].name", 18, 1), GWR_E_INVALID);
  ck_assert_int_eq(set_s(b, "metadata.labels[\"app.kubernetes.io/name\"]", "web"), GWR_OK);
  ck_assert_int_eq(set_s(b, "metadata.labels[\"\"]", "web"), GWR_E_INVALID);
  gwr_builder_free(b);
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_OBJECTS), 0);
  tu_free(c);
}
END_TEST

/* gwroute.h §6: an invalid object is GWR_E_SCHEMA with the field path, and
 * is listed as a config problem, exactly as from YAML. */
START_TEST(builder_invalid_object) {
  tu_ctx *c = tu_new();
  gwr_builder *b = NULL;
  gwr_error err = GWR_ERROR_INIT, p;
  ck_assert_int_eq(gwr_builder_new(&b, c->cfg), GWR_OK);
  BS(b, "apiVersion", "gateway.networking.k8s.io/v1");
  BS(b, "kind", "HTTPRoute");
  BS(b, "metadata.name", "api");
  BS(b, "spec.rules[0].backendRefs[0].name", "svc");
  ck_assert_int_eq(gwr_builder_commit(b, &err), GWR_E_SCHEMA);
  ck_assert_int_eq(err.code, GWR_E_SCHEMA);
  ck_assert_str_eq(err.kind, "HTTPRoute");
  ck_assert_str_eq(err.ns, "default");
  ck_assert_str_eq(err.name, "api");
  ck_assert_str_eq(err.field, "spec.rules[0].backendRefs[0].port");
  ck_assert_str_eq(err.message,
                   "HTTPRoute default/api: spec.rules[0].backendRefs[0].port: Must have port for Service reference");
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 1);
  p = tu_problem(c, 0);
  ck_assert_str_eq(p.message, err.message);
  ck_assert_str_eq(p.file, "<builder>");
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_OBJECTS), 0);
  /* a type error */
  ck_assert_int_eq(gwr_builder_new(&b, c->cfg), GWR_OK);
  BS(b, "apiVersion", "gateway.networking.k8s.io/v1");
  BS(b, "kind", "HTTPRoute");
  BS(b, "metadata.name", "api2");
  BS(b, "spec.rules[0].backendRefs[0].name", "svc");
  BS(b, "spec.rules[0].backendRefs[0].port", "80");
  ck_assert_int_eq(gwr_builder_commit(b, &err), GWR_E_SCHEMA);
  ck_assert_str_eq(err.field, "spec.rules[0].backendRefs[0].port");
  ck_assert_ptr_nonnull(strstr(err.message, "must be an integer, not a string"));
  /* a good one after the bad ones */
  ck_assert_int_eq(gwr_builder_new(&b, c->cfg), GWR_OK);
  BS(b, "apiVersion", "gateway.networking.k8s.io/v1");
  BS(b, "kind", "HTTPRoute");
  BS(b, "metadata.name", "api3");
  ck_assert_int_eq(gwr_builder_set_bool(b, "spec.rules[0].filters[0].cors.allowCredentials", 46, 1), GWR_OK);
  BS(b, "spec.rules[0].filters[0].type", "CORS");
  ck_assert_int_eq(gwr_builder_commit(b, &err), GWR_OK);
  ck_assert_int_eq(route_at(c, 0)->rules[0].filters[0].cors.credentials, 1);
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_OBJECTS), 1);
  tu_free(c);
}
END_TEST

/* ---- folders ----------------------------------------------------------------------------------- */

static void write_file(const char *dir, const char *name, const char *text) {
  char path[512];
  FILE *f;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(text, 1, strlen(text), f), strlen(text));
  ck_assert_int_eq(fclose(f), 0);
}

static void remove_dir(const char *dir, const char *const *names) {
  char path[512];
  for (; *names; names++) {
    snprintf(path, sizeof path, "%s/%s", dir, *names);
    unlink(path);
  }
  rmdir(dir);
}

/* gwroute.h gwr_config_load_path: every manifest of a folder, sorted; a
 * failing file is reported (first failure) and the others still load. */
START_TEST(load_path_folder) {
  static const char *const names[] = {"a-bad.yaml", "b-good.yaml", "c-good.json", "d-notes.txt",
                                      ".hidden.yaml", "e-bad.yml", NULL};
  char dir[] = "/tmp/check_load_XXXXXX";
  tu_ctx *c = tu_new();
  gwr_error err = GWR_ERROR_INIT;
  char want[600];
  int rc;
  ck_assert_ptr_nonnull(mkdtemp(dir));
  write_file(dir, "a-bad.yaml", TU_GW_HTTP "kind: [unclosed\n");
  write_file(dir, "b-good.yaml", TU_GW_HTTP TU_ROUTE("default", "r") "  rules: [{backendRefs: [{name: a, port: 80}]}]\n");
  write_file(dir, "c-good.json", json_route);
  write_file(dir, "d-notes.txt", "not: [yaml\n");
  write_file(dir, ".hidden.yaml", "also: [broken\n");
  write_file(dir, "e-bad.yml", "a: 1\na: 2\n");
  rc = gwr_config_load_path(c->cfg, dir, strlen(dir), &err);
  ck_assert_int_eq(rc, GWR_E_PARSE);
  ck_assert_int_eq(err.code, GWR_E_PARSE);
  snprintf(want, sizeof want, "%s/a-bad.yaml", dir);
  ck_assert_str_eq(err.file, want);
  ck_assert_uint_eq(err.line, 10); /* the end of the text: the "[" is never closed */
  /* b-good: Gateway + route; c-good.json: a second route named r, which
   * replaces b's (folder order is by name: the last one wins) */
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_OBJECTS), 2);
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 0);
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_REPLACED), 1);
  tu_compile(c);
  ck_assert_int_eq(tu_get(c, "example.com", "/json").action, GWR_ACTION_FORWARD); /* c-good.json's route */
  remove_dir(dir, names);
  tu_free(c);
}
END_TEST

/* gwr_config_load_path: one file; a missing path is GWR_E_IO. */
START_TEST(load_path_file_and_missing) {
  static const char *const names[] = {"one.yaml", NULL};
  char dir[] = "/tmp/check_load_XXXXXX";
  char path[600];
  tu_ctx *c = tu_new();
  gwr_error err = GWR_ERROR_INIT;
  ck_assert_ptr_nonnull(mkdtemp(dir));
  write_file(dir, "one.yaml", TU_GW_HTTP);
  snprintf(path, sizeof path, "%s/one.yaml", dir);
  ck_assert_int_eq(gwr_config_load_path(c->cfg, path, strlen(path), &err), GWR_OK);
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_OBJECTS), 1);
  snprintf(path, sizeof path, "%s/missing.yaml", dir);
  ck_assert_int_eq(gwr_config_load_path(c->cfg, path, strlen(path), &err), GWR_E_IO);
  ck_assert_int_eq(err.code, GWR_E_IO);
  remove_dir(dir, names);
  tu_free(c);
}
END_TEST

/* GWR_OPT_MAX_OBJECTS: more objects than allowed is GWR_E_LIMIT. */
START_TEST(load_max_objects) {
  tu_ctx *c = tu_new();
  gwr_error err = GWR_ERROR_INIT;
  ck_assert_int_eq(gwr_config_set_option(c->cfg, GWR_OPT_MAX_OBJECTS, 2), GWR_OK);
  tu_add(c, TU_GW_HTTP TU_ROUTE("default", "a"));
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_OBJECTS), 2);
  ck_assert_int_eq(tu_add_rc(c, TU_ROUTE("default", "b"), &err), GWR_E_LIMIT);
  ck_assert_int_eq(err.code, GWR_E_LIMIT);
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_OBJECTS), 2);
  ck_assert_int_eq(gwr_config_set_option(c->cfg, GWR_OPT_MAX_OBJECTS, 0), GWR_E_INVALID);
  tu_free(c);
}
END_TEST

/* gwroute.h: argument checks. */
START_TEST(load_arguments) {
  tu_ctx *c = tu_new();
  gwr_error err = GWR_ERROR_INIT;
  ck_assert_int_eq(gwr_config_load(NULL, "a: 1", 4, NULL, 0, &err), GWR_E_INVALID);
  ck_assert_int_eq(gwr_config_load(c->cfg, NULL, 4, NULL, 0, &err), GWR_E_INVALID);
  ck_assert_int_eq(gwr_config_load(c->cfg, NULL, 0, NULL, 0, NULL), GWR_OK);
  ck_assert_int_eq(gwr_config_load(c->cfg, "", 0, NULL, 0, &err), GWR_OK);
  /* text_len bounds the text; the source name appears in errors */
  ck_assert_int_eq(gwr_config_load(c->cfg, "a: [1]\nb: [", 7, "src.yaml", 8, &err), GWR_OK);
  ck_assert_int_eq(gwr_config_load(c->cfg, "a: [1]\nb: [", 11, "src.yaml", 3, &err), GWR_E_PARSE);
  ck_assert_str_eq(err.file, "src");
  ck_assert_uint_eq(gwr_config_count(c->cfg, 99), 0);
  ck_assert_uint_eq(gwr_config_count(NULL, GWR_COUNT_OBJECTS), 0);
  tu_free(c);
}
END_TEST

static Suite *load_suite(void) {
  Suite *s = suite_create("load");
  TCase *tc;

  tc = tcase_create("kinds");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, kinds_every_kind_loads);
  tcase_add_test(tc, kinds_others_skipped);
  tcase_add_test(tc, shape_json_objects);
  tcase_add_test(tc, shape_json_list);
  tcase_add_test(tc, shape_json_array);
  tcase_add_test(tc, shape_yaml_stream);
  tcase_add_test(tc, shape_not_a_mapping);
  suite_add_tcase(s, tc);

  tc = tcase_create("defaults");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, defaults_httproute);
  tcase_add_test(tc, defaults_listener);
  tcase_add_test(tc, defaults_filters);
  tcase_add_test(tc, metadata_read);
  suite_add_tcase(s, tc);

  tc = tcase_create("errors");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, types_list_not_object);
  tcase_add_test(tc, types_scalars);
  tcase_add_test(tc, types_required);
  tcase_add_test(tc, bad_object_isolated);
  tcase_add_test(tc, syntax_error_whole_text);
  tcase_add_test(tc, duplicate_keys);
  tcase_add_test(tc, duplicate_objects);
  tcase_add_test(tc, load_arguments);
  tcase_add_test(tc, load_max_objects);
  suite_add_tcase(s, tc);

  tc = tcase_create("builder");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, builder_same_as_yaml);
  tcase_add_test(tc, builder_bad_paths);
  tcase_add_test(tc, builder_invalid_object);
  suite_add_tcase(s, tc);

  tc = tcase_create("files");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, load_path_folder);
  tcase_add_test(tc, load_path_file_and_missing);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(load_suite());
  int failed;
  srunner_run_all(sr, CK_ENV);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0;
}
