/* SPDX-License-Identifier: Apache-2.0 */
/*
 * check_kinds.c - unit tests for the route kinds beyond HTTPRoute and for
 * ListenerSets: GRPCRoute validation (G2, §7.1), matching (G1, G3, G4),
 * precedence (§3.2), answers (G5) and the HTTPRoute conflict (G6);
 * TLSRoute (L1-L4), TCPRoute and UDPRoute (L5-L8); listener kinds (A6) and
 * mode conflicts (A11); ListenerSet admission, merge order and conflicts
 * (A12, A14), route attachment through a ListenerSet (A16) and its status
 * (§9.2). Each test loads YAML, compiles, and reads decisions and status.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"

/* An object header with a creationTimestamp. */
#define TU_OBJ_TS(kind, ns, name, ts) \
  TU_V1 "kind: " kind "\nmetadata: {name: " name ", namespace: " ns ", creationTimestamp: '" ts "'}\n"

/* A Gateway default/gw: HTTP :80, TLS Passthrough :443 (*.example.com),
 * TCP :5432, UDP :53, all taking routes from every namespace. */
#define L4_GW \
    TU_OBJ("Gateway", "default", "gw") \
    "spec:\n  gatewayClassName: c\n  listeners:\n" \
    "  - {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}\n" \
    "  - {name: tls, port: 443, protocol: TLS, hostname: '*.example.com', tls: {mode: Passthrough}," \
    " allowedRoutes: {namespaces: {from: All}}}\n" \
    "  - {name: tcp, port: 5432, protocol: TCP, allowedRoutes: {namespaces: {from: All}}}\n" \
    "  - {name: udp, port: 53, protocol: UDP, allowedRoutes: {namespaces: {from: All}}}\n---\n"

static tu_result grpc_call(tu_ctx *c, const char *host, const char *path) {
  tu_req q;
  memset(&q, 0, sizeof q);
  q.host = host;
  q.path = path;
  q.method = "POST";
  q.protocol = GWR_PROTOCOL_GRPC;
  return tu_match(c, &q);
}

static tu_result stream(tu_ctx *c, int32_t protocol, uint32_t port, const char *sni) {
  tu_req q;
  memset(&q, 0, sizeof q);
  q.protocol = protocol;
  q.port = port;
  q.sni = sni;
  return tu_match(c, &q);
}

/* A GRPCRoute default/<name> on gw with the given rules text. */
#define GRPC_ROUTE(name, hosts, rules) \
  TU_OBJ("GRPCRoute", "default", name) "spec:\n  parentRefs: [{name: gw}]\n" hosts "  rules:\n" rules

/* ---- GRPCRoute: validation (G2, §7.1, 11.69) -------------------------------------------- */

START_TEST(g2_method_needs_service_or_method_11_69) {
  tu_ctx *c = tu_new();
  gwr_error e;
  tu_add(c, TU_GW_HTTP GRPC_ROUTE("empty", "", "  - matches: [{method: {}}]\n"
                                                  "    backendRefs: [{name: a, port: 80}]\n"));
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 1);
  e = tu_problem(c, 0);
  TU_ASSERT_STR(e.kind, "GRPCRoute");
  TU_ASSERT_STR(e.field, "spec.rules[0].matches[0].method");
  tu_free(c);
}
END_TEST

START_TEST(g2_exact_names_validated_11_69) {
  tu_ctx *c = tu_new();
  tu_add(c, TU_GW_HTTP
         GRPC_ROUTE("slash", "", "  - matches: [{method: {service: a/b}}]\n"
                                 "    backendRefs: [{name: a, port: 80}]\n") "---\n"
         GRPC_ROUTE("digit", "", "  - matches: [{method: {method: 1Echo}}]\n"
                                 "    backendRefs: [{name: a, port: 80}]\n") "---\n"
         GRPC_ROUTE("regex-ok", "", "  - matches: [{method: {type: RegularExpression, service: 'a/b'}}]\n"
                                    "    backendRefs: [{name: a, port: 80}]\n") "---\n"
         GRPC_ROUTE("dot", "", "  - matches: [{method: {service: .pkg.Svc, method: Echo}}]\n"
                               "    backendRefs: [{name: a, port: 80}]\n"));
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 2);
  TU_ASSERT_STR(tu_problem(c, 0).field, "spec.rules[0].matches[0].method.service");
  TU_ASSERT_STR(tu_problem(c, 1).field, "spec.rules[0].matches[0].method.method");
  tu_compile(c);
  /* G2 ⚠: the leading '.' admitted by the validator is not on the wire */
  TU_ASSERT_STR(grpc_call(c, "x", "/pkg.Svc/Echo").route, "default/dot");
  tu_free(c);
}
END_TEST

/* §7.1: no redirect, rewrite or CORS on a GRPCRoute: the rule is dropped. */
START_TEST(grpc_http_only_filter_drops_rule) {
  tu_ctx *c = tu_build(TU_GW_HTTP GRPC_ROUTE("r", "",
      "  - matches: [{method: {service: a.S}}]\n"
      "    filters: [{type: RequestRedirect, requestRedirect: {hostname: x.com}}]\n"
      "  - matches: [{method: {service: b.S}}]\n"
      "    backendRefs: [{name: b, port: 80}]\n"));
  TU_ASSERT_STR(tu_route_cond(c, "default", "r", 0, "Accepted"), "True Accepted");
  TU_ASSERT_STR(tu_route_cond(c, "default", "r", 0, "PartiallyInvalid"), "True UnsupportedValue");
  ck_assert_int_eq(grpc_call(c, "x", "/a.S/M").status, 404);
  TU_ASSERT_STR(grpc_call(c, "x", "/b.S/M").backend, "default/b");
  tu_free(c);
}
END_TEST

/* ---- GRPCRoute: matching (G1, G3, G4, G5, 11.68) ------------------------------------------ */

START_TEST(g3_mapping_rows_11_68) {
  tu_ctx *c = tu_build(TU_GW_HTTP GRPC_ROUTE("r", "",
      "  - matches: [{method: {service: pkg.Svc, method: Echo}}]\n"
      "    backendRefs: [{name: exact, port: 80}]\n"
      "  - matches: [{method: {service: pkg.Svc}}]\n"
      "    backendRefs: [{name: service, port: 80}]\n"
      "  - matches: [{method: {method: Ping}}]\n"
      "    backendRefs: [{name: method, port: 80}]\n"
      "  - matches: [{method: {type: RegularExpression, service: 're\\.S[0-9]', method: 'Get.*'}}]\n"
      "    backendRefs: [{name: re-both, port: 80}]\n"
      "  - matches: [{method: {type: RegularExpression, service: 'rs\\..*'}}]\n"
      "    backendRefs: [{name: re-service, port: 80}]\n"
      "  - matches: [{method: {type: RegularExpression, method: 'List[A-Z]+'}}]\n"
      "    backendRefs: [{name: re-method, port: 80}]\n"));
  TU_ASSERT_STR(grpc_call(c, "x", "/pkg.Svc/Echo").backend, "default/exact");
  TU_ASSERT_STR(grpc_call(c, "x", "/pkg.Svc/EchoTwo").backend, "default/service");
  TU_ASSERT_STR(grpc_call(c, "x", "/other.Svc/Ping").backend, "default/method");
  ck_assert_int_eq(grpc_call(c, "x", "/a/b/Ping").status, 404); /* one segment before /M */
  ck_assert_int_eq(grpc_call(c, "x", "/pkg.Svc").status, 404);  /* no method */
  ck_assert_int_eq(grpc_call(c, "x", "/pkg.SvcX/Echo").status, 404);
  ck_assert_int_eq(grpc_call(c, "x", "/pkgxSvc/Echo").status, 404); /* '.' is literal */
  TU_ASSERT_STR(grpc_call(c, "x", "/re.S1/GetAll").backend, "default/re-both");
  ck_assert_int_eq(grpc_call(c, "x", "/re.S1/Put").status, 404);
  TU_ASSERT_STR(grpc_call(c, "x", "/rs.anything/Any").backend, "default/re-service");
  TU_ASSERT_STR(grpc_call(c, "x", "/a.B/ListAB").backend, "default/re-method");
  ck_assert_int_eq(grpc_call(c, "x", "/a.B/Listab").status, 404); /* exact case */
  tu_free(c);
}
END_TEST

/* G5: nothing matches: UNIMPLEMENTED; invalid backend: UNAVAILABLE;
 * a plain HTTP request never reaches a GRPCRoute; content-type makes gRPC. */
START_TEST(g5_answers) {
  tu_ctx *c = tu_build(TU_GW_HTTP
      "apiVersion: v1\nkind: Service\nmetadata: {name: ok, namespace: default}\nspec: {ports: [{port: 80}]}\n---\n"
      GRPC_ROUTE("r", "", "  - matches: [{method: {service: ok.S}}]\n    backendRefs: [{name: ok, port: 80}]\n"
                          "  - matches: [{method: {service: bad.S}}]\n    backendRefs: [{name: missing, port: 80}]\n"));
  static const char *const grpc_ct[] = {"Content-Type", "application/grpc+proto", NULL};
  static const char *const web_ct[] = {"content-type", "application/grpc-web", NULL};
  tu_result r = grpc_call(c, "x", "/none.S/M");
  ck_assert_int_eq(r.action, GWR_ACTION_RESPOND);
  ck_assert_int_eq(r.status, 404);
  ck_assert_int_eq(r.grpc_status, 12);
  r = grpc_call(c, "x", "/bad.S/M");
  ck_assert_int_eq(r.status, 500);
  ck_assert_int_eq(r.grpc_status, 14);
  r = tu_get(c, "x", "/ok.S/M");
  ck_assert_int_eq(r.status, 404);
  ck_assert_int_eq(r.grpc_status, -1);
  TU_ASSERT_STR(tu_get_h(c, "x", "/ok.S/M", grpc_ct).backend, "default/ok");
  ck_assert_int_eq(tu_get_h(c, "x", "/ok.S/M", web_ct).status, 404);
  tu_free(c);
}
END_TEST

/* G1, G4: no matches matches every call; headers are ANDed with the method. */
START_TEST(g1_g4_headers) {
  tu_ctx *c = tu_build(TU_GW_HTTP GRPC_ROUTE("r", "",
      "  - matches: [{method: {service: s.S}, headers: [{name: Version, value: '2'}]}]\n"
      "    backendRefs: [{name: v2, port: 80}]\n"
      "  - backendRefs: [{name: any, port: 80}]\n"));
  tu_req q;
  static const char *const v2[] = {"version", "2", NULL};
  memset(&q, 0, sizeof q);
  q.host = "x";
  q.path = "/s.S/M";
  q.protocol = GWR_PROTOCOL_GRPC;
  q.headers = v2;
  TU_ASSERT_STR(tu_match(c, &q).backend, "default/v2");
  TU_ASSERT_STR(grpc_call(c, "x", "/s.S/M").backend, "default/any");
  TU_ASSERT_STR(grpc_call(c, "x", "/t.T/N").backend, "default/any");
  tu_free(c);
}
END_TEST

/* §3.2: hostname, then service characters, then method characters, then
 * headers, then age and name; regex methods count their pattern. */
START_TEST(grpc_precedence_3_2) {
  tu_ctx *c = tu_build(TU_GW_HTTP
      TU_OBJ_TS("GRPCRoute", "default", "old", "2024-01-01T00:00:00Z")
      "spec:\n  parentRefs: [{name: gw}]\n  rules:\n"
      "  - matches: [{method: {method: Echo}}]\n    backendRefs: [{name: method-only, port: 80}]\n"
      "  - matches: [{headers: [{name: a, value: '1'}, {name: b, value: '1'}]}]\n"
      "    backendRefs: [{name: two-headers, port: 80}]\n---\n"
      TU_OBJ_TS("GRPCRoute", "default", "new", "2024-06-01T00:00:00Z")
      "spec:\n  parentRefs: [{name: gw}]\n  rules:\n"
      "  - matches: [{method: {service: p.S}}]\n    backendRefs: [{name: service-only, port: 80}]\n"
      "  - matches: [{method: {service: p.S, method: Echo}}]\n    backendRefs: [{name: both, port: 80}]\n"
      "  - matches: [{method: {method: Echo}}]\n    backendRefs: [{name: new-method-only, port: 80}]\n"
      "  - matches: [{headers: [{name: a, value: '1'}]}]\n    backendRefs: [{name: one-header, port: 80}]\n"
      "---\n" TU_OBJ("GRPCRoute", "default", "hosted")
      "spec:\n  parentRefs: [{name: gw}]\n  hostnames: [h.example.com]\n  rules:\n"
      "  - backendRefs: [{name: hosted, port: 80}]\n");
  tu_req q;
  static const char *const ab[] = {"a", "1", "b", "1", NULL};
  TU_ASSERT_STR(grpc_call(c, "x", "/p.S/Echo").backend, "default/both");
  TU_ASSERT_STR(grpc_call(c, "x", "/p.S/Other").backend, "default/service-only");
  TU_ASSERT_STR(grpc_call(c, "x", "/q.S/Echo").backend, "default/method-only"); /* older */
  TU_ASSERT_STR(grpc_call(c, "h.example.com", "/p.S/Echo").backend, "default/hosted");
  memset(&q, 0, sizeof q);
  q.host = "x";
  q.path = "/z.Z/Z";
  q.protocol = GWR_PROTOCOL_GRPC;
  q.headers = ab;
  TU_ASSERT_STR(tu_match(c, &q).backend, "default/two-headers");
  tu_free(c);
}
END_TEST

/* ---- G6: HTTPRoute and GRPCRoute on one listener (11.70) ---------------------------------- */

#define G6_CONFIG \
    TU_GW_HTTP \
    TU_OBJ_TS("HTTPRoute", "default", "web", "2024-01-01T00:00:00Z") \
    "spec:\n  parentRefs: [{name: gw}]\n  rules: [{backendRefs: [{name: web, port: 80}]}]\n---\n" \
    TU_OBJ_TS("GRPCRoute", "default", "api", "2024-02-01T00:00:00Z") \
    "spec:\n  parentRefs: [{name: gw}]\n  rules: [{backendRefs: [{name: api, port: 80}]}]\n---\n" \
    TU_OBJ_TS("GRPCRoute", "default", "apart", "2024-03-01T00:00:00Z") \
    "spec:\n  parentRefs: [{name: gw}]\n  rules: [{backendRefs: [{name: apart, port: 80}]}]\n"

START_TEST(g6_older_http_route_wins_11_70) {
  tu_ctx *c = tu_build(G6_CONFIG);
  TU_ASSERT_STR(tu_route_cond(c, "default", "web", 0, "Accepted"), "True Accepted");
  TU_ASSERT_STR(tu_route_cond(c, "default", "api", 0, "Accepted"), "False HostnameConflict");
  TU_ASSERT_STR(tu_route_cond(c, "default", "api", 0, "ResolvedRefs"), "True ResolvedRefs");
  ck_assert_int_eq(tu_listener_attached(c, "default", "gw", "http"), 1);
  /* every gRPC call goes through the HTTPRoute */
  TU_ASSERT_STR(grpc_call(c, "x", "/pkg.Svc/Echo").backend, "default/web");
  tu_free(c);
}
END_TEST

/* Disjoint hostnames share the listener; the option turns enforcement off. */
START_TEST(g6_disjoint_hosts_and_option) {
  tu_ctx *c = tu_build(TU_GW_HTTP
      TU_OBJ("HTTPRoute", "default", "web") "spec:\n  parentRefs: [{name: gw}]\n"
      "  hostnames: [www.example.com]\n  rules: [{backendRefs: [{name: web, port: 80}]}]\n---\n"
      TU_OBJ("GRPCRoute", "default", "api") "spec:\n  parentRefs: [{name: gw}]\n"
      "  hostnames: [api.example.com]\n  rules: [{backendRefs: [{name: api, port: 80}]}]\n");
  TU_ASSERT_STR(tu_route_cond(c, "default", "api", 0, "Accepted"), "True Accepted");
  ck_assert_int_eq(tu_listener_attached(c, "default", "gw", "http"), 2);
  TU_ASSERT_STR(grpc_call(c, "api.example.com", "/a.S/M").backend, "default/api");
  TU_ASSERT_STR(grpc_call(c, "www.example.com", "/a.S/M").backend, "default/web");
  ck_assert_int_eq(tu_get(c, "api.example.com", "/a.S/M").status, 404);
  tu_free(c);

  c = tu_new();
  ck_assert_int_eq(gwr_config_set_option(c->cfg, GWR_OPT_GRPC_HOSTNAME_CONFLICTS, 0), GWR_OK);
  tu_add(c, G6_CONFIG);
  tu_compile(c);
  TU_ASSERT_STR(tu_route_cond(c, "default", "api", 0, "Accepted"), "True Accepted");
  ck_assert_int_eq(tu_listener_attached(c, "default", "gw", "http"), 3);
  TU_ASSERT_STR(grpc_call(c, "x", "/pkg.Svc/Echo").backend, "default/api"); /* GRPCRoutes first */
  TU_ASSERT_STR(tu_get(c, "x", "/pkg.Svc/Echo").backend, "default/web");
  tu_free(c);
}
END_TEST

/* G6 and A14 break age ties by "{namespace}/{name}" as one string:
 * "team-b/r" sorts before "team/r" ('-' < '/'), though "team" < "team-b". */
START_TEST(ties_by_namespace_slash_name) {
  tu_ctx *c = tu_build(
      TU_OBJ("Gateway", "default", "gw")
      "spec:\n  gatewayClassName: c\n  allowedListeners: {namespaces: {from: All}}\n  listeners:\n"
      "  - {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}\n---\n"
      TU_OBJ_TS("HTTPRoute", "team", "r", "2024-01-01T00:00:00Z")
      "spec:\n  parentRefs: [{name: gw, namespace: default}]\n  rules: [{backendRefs: [{name: web, port: 80}]}]\n---\n"
      TU_OBJ_TS("GRPCRoute", "team-b", "r", "2024-01-01T00:00:00Z")
      "spec:\n  parentRefs: [{name: gw, namespace: default}]\n  rules: [{backendRefs: [{name: rpc, port: 80}]}]\n---\n"
      TU_OBJ_TS("ListenerSet", "team", "s", "2024-01-01T00:00:00Z")
      "spec:\n  parentRef: {name: gw, namespace: default}\n  listeners: [{name: l, port: 8080, protocol: HTTP}]\n---\n"
      TU_OBJ_TS("ListenerSet", "team-b", "s", "2024-01-01T00:00:00Z")
      "spec:\n  parentRef: {name: gw, namespace: default}\n  listeners: [{name: l, port: 8080, protocol: HTTP}]\n");
  TU_ASSERT_STR(tu_route_cond(c, "team-b", "r", 0, "Accepted"), "True Accepted");
  TU_ASSERT_STR(tu_route_cond(c, "team", "r", 0, "Accepted"), "False HostnameConflict");
  TU_ASSERT_STR(tu_set_listener_cond(c, "team-b", "s", "l", "Accepted"), "True Accepted");
  TU_ASSERT_STR(tu_set_listener_cond(c, "team", "s", "l", "Accepted"), "False HostnameConflict");
  tu_free(c);
}
END_TEST

/* 11.40: a grant from HTTPRoute does not cover a GRPCRoute's backend. */
START_TEST(grant_kind_11_40) {
  tu_ctx *c = tu_build(TU_GW_HTTP
      TU_OBJ("ReferenceGrant", "other", "g")
      "spec:\n  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: default}]\n"
      "  to: [{group: '', kind: Service}]\n---\n"
      GRPC_ROUTE("r", "", "  - backendRefs: [{name: s, namespace: other, port: 80}]\n"));
  TU_ASSERT_STR(tu_route_cond(c, "default", "r", 0, "ResolvedRefs"), "False RefNotPermitted");
  ck_assert_int_eq(grpc_call(c, "x", "/a.S/M").grpc_status, 14);
  tu_free(c);
}
END_TEST

/* ---- TLSRoute (L1-L4, 11.74, 11.75) ------------------------------------------------------- */

START_TEST(tls_route_by_sni_11_75) {
  tu_ctx *c = tu_build(
      TU_OBJ("Gateway", "default", "gw") "spec:\n  gatewayClassName: c\n  listeners:\n"
      "  - {name: wild, port: 443, protocol: TLS, hostname: '*.example.com', tls: {mode: Passthrough}}\n"
      "  - {name: exact, port: 443, protocol: TLS, hostname: exact.example.com, tls: {mode: Passthrough}}\n---\n"
      TU_OBJ("TLSRoute", "default", "t") "spec:\n  parentRefs: [{name: gw, sectionName: wild}]\n"
      "  hostnames: [foo.bar.example.com, '*.w.example.com']\n  rules: [{backendRefs: [{name: tb, port: 8443}]}]\n---\n"
      TU_OBJ("TLSRoute", "default", "e") "spec:\n  parentRefs: [{name: gw, sectionName: exact}]\n"
      "  hostnames: [exact.example.com]\n  rules: [{backendRefs: [{name: eb, port: 8443}]}]\n");
  tu_result r = stream(c, GWR_PROTOCOL_TLS, 443, "foo.bar.example.com");
  ck_assert_int_eq(r.action, GWR_ACTION_FORWARD);
  TU_ASSERT_STR(r.backend, "default/tb");
  TU_ASSERT_STR(r.listener, "default/gw/wild");
  TU_ASSERT_STR(stream(c, GWR_PROTOCOL_TLS, 443, "a.w.example.com").backend, "default/tb");
  ck_assert_int_eq(stream(c, GWR_PROTOCOL_TLS, 443, "www.example.com").action, GWR_ACTION_REJECT);
  ck_assert_int_eq(stream(c, GWR_PROTOCOL_TLS, 443, "").action, GWR_ACTION_REJECT);
  ck_assert_int_eq(stream(c, GWR_PROTOCOL_TLS, 8443, "foo.bar.example.com").action, GWR_ACTION_REJECT);
  /* A25: the exact listener takes its name even though the wildcard covers it */
  r = stream(c, GWR_PROTOCOL_TLS, 443, "exact.example.com");
  TU_ASSERT_STR(r.listener, "default/gw/exact");
  TU_ASSERT_STR(r.backend, "default/eb");
  tu_free(c);
}
END_TEST

START_TEST(tls_route_attachment_11_74) {
  tu_ctx *c = tu_build(
      TU_OBJ("Gateway", "default", "gw") "spec:\n  gatewayClassName: c\n  listeners:\n"
      "  - {name: tls, port: 443, protocol: TLS, hostname: www1.example.com, tls: {mode: Passthrough}}\n"
      "  - {name: https, port: 8443, protocol: HTTPS, tls: {certificateRefs: [{name: cert}]}}\n---\n"
      TU_OBJ("TLSRoute", "default", "host") "spec:\n  parentRefs: [{name: gw, sectionName: tls}]\n"
      "  hostnames: [www.example.com]\n  rules: [{backendRefs: [{name: b, port: 443}]}]\n---\n"
      TU_OBJ("TLSRoute", "default", "https") "spec:\n  parentRefs: [{name: gw, sectionName: https}]\n"
      "  hostnames: [www.example.com]\n  rules: [{backendRefs: [{name: b, port: 443}]}]\n");
  TU_ASSERT_STR(tu_route_cond(c, "default", "host", 0, "Accepted"), "False NoMatchingListenerHostname");
  TU_ASSERT_STR(tu_route_cond(c, "default", "https", 0, "Accepted"), "False NotAllowedByListeners");
  tu_free(c);
}
END_TEST

/* L1: v1 needs hostnames and exactly one rule; v1alpha2 is looser. */
START_TEST(tls_route_validation_l1) {
  tu_ctx *c = tu_new();
  tu_add(c, L4_GW
         TU_OBJ("TLSRoute", "default", "nohosts") "spec:\n  parentRefs: [{name: gw}]\n"
         "  rules: [{backendRefs: [{name: b, port: 443}]}]\n---\n"
         TU_OBJ("TLSRoute", "default", "tworules") "spec:\n  parentRefs: [{name: gw}]\n  hostnames: [a.example.com]\n"
         "  rules: [{backendRefs: [{name: b, port: 443}]}, {backendRefs: [{name: c, port: 443}]}]\n---\n"
         TU_OBJ("TLSRoute", "default", "nobackends") "spec:\n  parentRefs: [{name: gw}]\n  hostnames: [a.example.com]\n"
         "  rules: [{backendRefs: []}]\n---\n"
         "apiVersion: gateway.networking.k8s.io/v1alpha2\nkind: TLSRoute\n"
         "metadata: {name: alpha, namespace: default}\n"
         "spec:\n  parentRefs: [{name: gw}]\n  rules: [{backendRefs: [{name: alpha, port: 443}]}]\n");
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 3);
  TU_ASSERT_STR(tu_problem(c, 0).field, "spec.hostnames");
  TU_ASSERT_STR(tu_problem(c, 1).field, "spec.rules");
  TU_ASSERT_STR(tu_problem(c, 2).field, "spec.rules[0].backendRefs");
  tu_compile(c);
  /* the alpha route has no hostnames: the listener's wildcard is its own */
  TU_ASSERT_STR(stream(c, GWR_PROTOCOL_TLS, 443, "any.example.com").backend, "default/alpha");
  tu_free(c);
}
END_TEST

/* ---- TCPRoute, UDPRoute (L5-L8, 11.72) ------------------------------------------------------ */

START_TEST(tcp_oldest_route_serves_11_72) {
  tu_ctx *c = tu_build(L4_GW
      TU_OBJ_TS("TCPRoute", "default", "new", "2024-02-01T00:00:00Z")
      "spec:\n  parentRefs: [{name: gw}]\n  rules: [{backendRefs: [{name: new, port: 5432}]}]\n---\n"
      TU_OBJ_TS("TCPRoute", "default", "old", "2024-01-01T00:00:00Z")
      "spec:\n  parentRefs: [{name: gw}]\n  rules: [{backendRefs: [{name: old, port: 5432}]}]\n---\n"
      TU_OBJ("UDPRoute", "default", "dns")
      "spec:\n  parentRefs: [{name: gw}]\n  rules: [{backendRefs: [{name: dns, port: 53}]}]\n");
  tu_result r;
  TU_ASSERT_STR(tu_route_cond(c, "default", "new", 0, "Accepted"), "True Accepted");
  TU_ASSERT_STR(tu_route_cond(c, "default", "old", 0, "Accepted"), "True Accepted");
  ck_assert_int_eq(tu_listener_attached(c, "default", "gw", "tcp"), 2);
  ck_assert_int_eq(tu_listener_attached(c, "default", "gw", "udp"), 1);
  r = stream(c, GWR_PROTOCOL_TCP, 5432, NULL);
  ck_assert_int_eq(r.action, GWR_ACTION_FORWARD);
  TU_ASSERT_STR(r.backend, "default/old");
  TU_ASSERT_STR(r.listener, "default/gw/tcp");
  TU_ASSERT_STR(stream(c, GWR_PROTOCOL_UDP, 53, NULL).backend, "default/dns");
  ck_assert_int_eq(stream(c, GWR_PROTOCOL_UDP, 5432, NULL).action, GWR_ACTION_REJECT);
  ck_assert_int_eq(stream(c, GWR_PROTOCOL_TCP, 53, NULL).action, GWR_ACTION_REJECT);
  /* HTTPRoutes never see streams, streams never see HTTP */
  ck_assert_int_eq(tu_get(c, "x", "/").status, 404);
  tu_free(c);
}
END_TEST

/* L7: an invalid backend's share of connections is rejected. */
START_TEST(tcp_invalid_share_rejected_l7) {
  tu_ctx *c = tu_build(L4_GW
      "apiVersion: v1\nkind: Service\nmetadata: {name: ok, namespace: default}\nspec: {ports: [{port: 5432}]}\n---\n"
      TU_OBJ("TCPRoute", "default", "db") "spec:\n  parentRefs: [{name: gw}]\n"
      "  rules: [{backendRefs: [{name: ok, port: 5432, weight: 1}, {name: gone, port: 5432, weight: 3}]}]\n");
  tu_req q;
  unsigned i, rejected = 0, forwarded = 0;
  TU_ASSERT_STR(tu_route_cond(c, "default", "db", 0, "ResolvedRefs"), "False BackendNotFound");
  memset(&q, 0, sizeof q);
  q.protocol = GWR_PROTOCOL_TCP;
  q.port = 5432;
  for (i = 0; i < 4000; i++) {
    tu_result r;
    q.choice = (uint64_t)i * 0x9e3779b97f4a7c15ULL;
    r = tu_match(c, &q);
    rejected += r.action == GWR_ACTION_REJECT;
    forwarded += r.action == GWR_ACTION_FORWARD;
  }
  ck_assert_uint_eq(rejected + forwarded, 4000);
  ck_assert_msg(rejected > 2700 && rejected < 3300, "rejected %u of 4000", rejected);
  tu_free(c);
}
END_TEST

/* A6, 11.10: kinds per protocol; TCPRoute on a Passthrough listener is invalid. */
START_TEST(listener_kinds_a6_11_10) {
  tu_ctx *c = tu_build(
      TU_OBJ("Gateway", "default", "gw") "spec:\n  gatewayClassName: c\n  listeners:\n"
      "  - {name: http, port: 80, protocol: HTTP}\n"
      "  - {name: tls, port: 443, protocol: TLS, tls: {mode: Passthrough},"
      " allowedRoutes: {kinds: [{kind: TLSRoute}, {kind: TCPRoute}]}}\n"
      "  - {name: tcp, port: 9000, protocol: TCP}\n  - {name: udp, port: 9000, protocol: UDP}\n---\n"
      TU_OBJ("TCPRoute", "default", "to-http") "spec:\n  parentRefs: [{name: gw, sectionName: http}]\n"
      "  rules: [{backendRefs: [{name: b, port: 1}]}]\n---\n"
      TU_OBJ("TLSRoute", "default", "tls-to-http") "spec:\n  parentRefs: [{name: gw, sectionName: http}]\n"
      "  hostnames: [a.example.com]\n  rules: [{backendRefs: [{name: b, port: 1}]}]\n");
  TU_ASSERT_STR(tu_listener_kinds(c, "default", "gw", "http"), "HTTPRoute,GRPCRoute");
  TU_ASSERT_STR(tu_listener_kinds(c, "default", "gw", "tls"), "TLSRoute");
  TU_ASSERT_STR(tu_listener_cond(c, "default", "gw", "tls", "ResolvedRefs"), "False InvalidRouteKinds");
  TU_ASSERT_STR(tu_listener_kinds(c, "default", "gw", "tcp"), "TCPRoute");
  TU_ASSERT_STR(tu_listener_kinds(c, "default", "gw", "udp"), "UDPRoute");
  /* TCP and UDP on one port may coexist (A11) */
  TU_ASSERT_STR(tu_listener_cond(c, "default", "gw", "tcp", "Conflicted"), "False NoConflicts");
  TU_ASSERT_STR(tu_route_cond(c, "default", "to-http", 0, "Accepted"), "False NotAllowedByListeners");
  TU_ASSERT_STR(tu_route_cond(c, "default", "tls-to-http", 0, "Accepted"), "False NotAllowedByListeners");
  tu_free(c);
}
END_TEST

/* A11: TLS Passthrough and Terminate on one port both lose. */
START_TEST(a11_tls_modes_mixed) {
  tu_ctx *c = tu_build(
      TU_OBJ("Gateway", "default", "gw") "spec:\n  gatewayClassName: c\n  listeners:\n"
      "  - {name: pass, port: 443, protocol: TLS, hostname: a.example.com, tls: {mode: Passthrough}}\n"
      "  - {name: term, port: 443, protocol: TLS, hostname: b.example.com,"
      " tls: {mode: Terminate, certificateRefs: [{name: c}]}}\n---\n");
  TU_ASSERT_STR(tu_listener_cond(c, "default", "gw", "pass", "Accepted"), "False ProtocolConflict");
  TU_ASSERT_STR(tu_listener_cond(c, "default", "gw", "term", "Conflicted"), "True ProtocolConflict");
  tu_free(c);
}
END_TEST

/* ---- ListenerSet (A12, A14, A16, §9.2, 11.73) ----------------------------------------------- */

#define LS_GW_SAME \
    TU_OBJ("Gateway", "infra", "gw") \
    "spec:\n  gatewayClassName: c\n  allowedListeners: {namespaces: {from: Same}}\n  listeners:\n" \
    "  - {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}\n---\n"

#define LISTENERSET(ns, name, listeners) \
  TU_OBJ("ListenerSet", ns, name) "spec:\n  parentRef: {name: gw, namespace: infra}\n  listeners:\n" listeners

START_TEST(listenerset_admission) {
  tu_ctx *c = tu_build(LS_GW_SAME
      LISTENERSET("infra", "mine", "  - {name: extra, port: 8080, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}\n")
      "---\n" LISTENERSET("team", "theirs", "  - {name: extra, port: 8081, protocol: HTTP}\n"));
  TU_ASSERT_STR(tu_set_cond(c, "infra", "mine", "Accepted"), "True Accepted");
  TU_ASSERT_STR(tu_set_cond(c, "infra", "mine", "Programmed"), "True Programmed");
  TU_ASSERT_STR(tu_set_cond(c, "team", "theirs", "Accepted"), "False NotAllowed");
  ck_assert_int_eq(tu_gateway_sets(c, "infra", "gw"), 1);
  tu_free(c);

  /* allowedListeners unset: from None */
  c = tu_build(TU_OBJ("Gateway", "infra", "gw") "spec:\n  gatewayClassName: c\n  listeners:\n"
               "  - {name: http, port: 80, protocol: HTTP}\n---\n"
               LISTENERSET("infra", "mine", "  - {name: extra, port: 8080, protocol: HTTP}\n"));
  TU_ASSERT_STR(tu_set_cond(c, "infra", "mine", "Accepted"), "False NotAllowed");
  ck_assert_int_eq(tu_gateway_sets(c, "infra", "gw"), 0);
  tu_free(c);
}
END_TEST

/* Routes reach ListenerSet listeners only through the ListenerSet (A14, A16). */
START_TEST(listenerset_route_parent) {
  tu_ctx *c = tu_build(LS_GW_SAME
      LISTENERSET("infra", "set", "  - {name: extra, port: 8080, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}\n")
      "---\n" TU_OBJ("HTTPRoute", "default", "via-set")
      "spec:\n  parentRefs: [{name: set, namespace: infra, kind: ListenerSet, sectionName: extra}]\n"
      "  rules: [{backendRefs: [{name: s, port: 80}]}]\n---\n"
      TU_OBJ("HTTPRoute", "default", "via-gw")
      "spec:\n  parentRefs: [{name: gw, namespace: infra, sectionName: extra}]\n"
      "  rules: [{backendRefs: [{name: s, port: 80}]}]\n");
  tu_req q;
  tu_result r;
  TU_ASSERT_STR(tu_route_cond(c, "default", "via-set", 0, "Accepted"), "True Accepted");
  TU_ASSERT_STR(tu_route_cond(c, "default", "via-gw", 0, "Accepted"), "False NoMatchingParent");
  memset(&q, 0, sizeof q);
  q.host = "x";
  q.path = "/";
  q.port = 8080;
  r = tu_match(c, &q);
  TU_ASSERT_STR(r.route, "default/via-set");
  TU_ASSERT_STR(r.listener, "infra/set/extra");
  ck_assert_int_eq(tu_get(c, "x", "/").status, 404); /* :80 has no route */
  tu_free(c);
}
END_TEST

/* A12, A14, 11.73: the Gateway's own listener wins; the ListenerSet's is
 * conflicted, and a ListenerSet with no valid listener is not accepted. */
START_TEST(listenerset_conflicts_11_73) {
  tu_ctx *c = tu_build(LS_GW_SAME
      LISTENERSET("infra", "tcp", "  - {name: tcp80, port: 80, protocol: TCP}\n")
      "---\n" LISTENERSET("infra", "dup", "  - {name: http, port: 80, protocol: HTTP}\n"
                                         "  - {name: ok, port: 9090, protocol: HTTP}\n"));
  TU_ASSERT_STR(tu_listener_cond(c, "infra", "gw", "http", "Accepted"), "True Accepted");
  TU_ASSERT_STR(tu_listener_cond(c, "infra", "gw", "http", "Conflicted"), "False NoConflicts");
  TU_ASSERT_STR(tu_set_listener_cond(c, "infra", "tcp", "tcp80", "Conflicted"), "True ProtocolConflict");
  TU_ASSERT_STR(tu_set_listener_cond(c, "infra", "tcp", "tcp80", "Accepted"), "False ProtocolConflict");
  TU_ASSERT_STR(tu_set_cond(c, "infra", "tcp", "Accepted"), "False ListenersNotValid");
  TU_ASSERT_STR(tu_set_listener_cond(c, "infra", "dup", "http", "Conflicted"), "True HostnameConflict");
  TU_ASSERT_STR(tu_set_listener_cond(c, "infra", "dup", "ok", "Accepted"), "True Accepted");
  TU_ASSERT_STR(tu_set_cond(c, "infra", "dup", "Accepted"), "True ListenersNotValid");
  ck_assert_int_eq(tu_gateway_sets(c, "infra", "gw"), 1);
  tu_free(c);
}
END_TEST

/* A14: between ListenerSets the older one keeps the listener. */
START_TEST(listenerset_order_a14) {
  tu_ctx *c = tu_build(LS_GW_SAME
      TU_OBJ_TS("ListenerSet", "infra", "a-new", "2024-06-01T00:00:00Z")
      "spec:\n  parentRef: {name: gw, namespace: infra}\n  listeners:\n  - {name: l, port: 8080, protocol: HTTP}\n---\n"
      TU_OBJ_TS("ListenerSet", "infra", "z-old", "2024-01-01T00:00:00Z")
      "spec:\n  parentRef: {name: gw, namespace: infra}\n  listeners:\n  - {name: l, port: 8080, protocol: HTTP}\n");
  TU_ASSERT_STR(tu_set_listener_cond(c, "infra", "z-old", "l", "Accepted"), "True Accepted");
  TU_ASSERT_STR(tu_set_listener_cond(c, "infra", "a-new", "l", "Accepted"), "False HostnameConflict");
  tu_free(c);
}
END_TEST

START_TEST(listenerset_validation) {
  tu_ctx *c = tu_new();
  tu_add(c, LS_GW_SAME
         TU_OBJ("ListenerSet", "infra", "empty") "spec:\n  parentRef: {name: gw}\n  listeners: []\n---\n"
         TU_OBJ("ListenerSet", "infra", "tcphost") "spec:\n  parentRef: {name: gw}\n  listeners:\n"
         "  - {name: t, port: 9, protocol: TCP, hostname: a.example.com}\n");
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 2);
  TU_ASSERT_STR(tu_problem(c, 0).kind, "ListenerSet");
  TU_ASSERT_STR(tu_problem(c, 0).field, "spec.listeners");
  TU_ASSERT_STR(tu_problem(c, 1).field, "spec.listeners[0].hostname");
  tu_free(c);
}
END_TEST

static Suite *kinds_suite(void) {
  Suite *s = suite_create("kinds");
  TCase *grpc = tcase_create("grpc"), *l4 = tcase_create("l4"), *ls = tcase_create("listenerset");
  tcase_add_test(grpc, g2_method_needs_service_or_method_11_69);
  tcase_add_test(grpc, g2_exact_names_validated_11_69);
  tcase_add_test(grpc, grpc_http_only_filter_drops_rule);
  tcase_add_test(grpc, g3_mapping_rows_11_68);
  tcase_add_test(grpc, g5_answers);
  tcase_add_test(grpc, g1_g4_headers);
  tcase_add_test(grpc, grpc_precedence_3_2);
  tcase_add_test(grpc, g6_older_http_route_wins_11_70);
  tcase_add_test(grpc, g6_disjoint_hosts_and_option);
  tcase_add_test(grpc, grant_kind_11_40);
  tcase_add_test(grpc, ties_by_namespace_slash_name);
  tcase_add_test(l4, tls_route_by_sni_11_75);
  tcase_add_test(l4, tls_route_attachment_11_74);
  tcase_add_test(l4, tls_route_validation_l1);
  tcase_add_test(l4, tcp_oldest_route_serves_11_72);
  tcase_add_test(l4, tcp_invalid_share_rejected_l7);
  tcase_add_test(l4, listener_kinds_a6_11_10);
  tcase_add_test(l4, a11_tls_modes_mixed);
  tcase_add_test(ls, listenerset_admission);
  tcase_add_test(ls, listenerset_route_parent);
  tcase_add_test(ls, listenerset_conflicts_11_73);
  tcase_add_test(ls, listenerset_order_a14);
  tcase_add_test(ls, listenerset_validation);
  suite_add_tcase(s, grpc);
  suite_add_tcase(s, l4);
  suite_add_tcase(s, ls);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(kinds_suite());
  int failed;
  srunner_run_all(sr, CK_ENV);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
