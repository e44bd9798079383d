/* SPDX-License-Identifier: Apache-2.0 */
/*
 * check_explain.c - unit tests for lib/explain.c (gwr_explain): the report's
 * contents for precedence steps and tie-breaks, P1 fall-through, the gRPC
 * plane, filters, weighted backends and the nearest misses of a 404; the
 * JSON form (parsed); argument errors and allocation failures (no leak);
 * and a consistency run: on random small configurations and requests (pools
 * in the spirit of check_diff.c's generator), explain's own winner equals
 * gwr_match()'s for every request.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* ---- helpers ---------------------------------------------------------------- */

typedef struct xreq {
  gwr_request r;
  gwr_header hs[16];
} xreq;

static void xreq_fill(xreq *q, const tu_req *t) {
  size_t n = 0;
  gwr_request init = GWR_REQUEST_INIT;
  q->r = init;
  q->r.gateway = tu_s(t->gateway);
  q->r.scheme = tu_s(t->scheme);
  q->r.sni = tu_s(t->sni);
  q->r.method = tu_s(t->method ? t->method : "GET");
  q->r.host = tu_s(t->host);
  q->r.path = tu_s(t->path);
  q->r.key = tu_s(t->key);
  q->r.port = t->port;
  q->r.choice = t->choice;
  q->r.protocol = t->protocol;
  if (t->headers)
    for (; t->headers[2 * n]; n++) {
      ck_assert_uint_lt(n, 16);
      q->hs[n].name = tu_s(t->headers[2 * n]);
      q->hs[n].value = tu_s(t->headers[2 * n + 1]);
    }
  q->r.headers = n ? q->hs : NULL;
  q->r.header_count = n;
}

/* The report of one request (asserted GWR_OK); free with gwr_report_free. */
static char *explain_req(tu_ctx *c, const tu_req *t, int format) {
  xreq q;
  char *out = NULL;
  int rc;
  xreq_fill(&q, t);
  rc = gwr_explain(c->table, &q.r, format, &out);
  ck_assert_msg(rc == GWR_OK, "gwr_explain: %s", gwr_strerror(rc));
  ck_assert_ptr_nonnull(out);
  return out;
}

static char *explain_get(tu_ctx *c, const char *host, const char *path, const char *const *headers) {
  tu_req t;
  memset(&t, 0, sizeof t);
  t.host = host;
  t.path = path;
  t.headers = headers;
  return explain_req(c, &t, GWR_FORMAT_TEXT);
}

#define ASSERT_HAS(report, text)                                                        \
  ck_assert_msg(strstr((report), (text)) != NULL, "missing \"%s\" in:\n%s", (text), (report))
#define ASSERT_LACKS(report, text)                                                      \
  ck_assert_msg(strstr((report), (text)) == NULL, "unexpected \"%s\" in:\n%s", (text), (report))

/* Both formats: the text has every phrase, the JSON parses and is consistent. */
static void check_both(tu_ctx *c, const tu_req *t, const char *const *phrases) {
  char *text = explain_req(c, t, GWR_FORMAT_TEXT), *json = explain_req(c, t, GWR_FORMAT_JSON);
  tu_json *j = tu_json_parse(json);
  const tu_json *ok;
  size_t i;
  for (i = 0; phrases && phrases[i]; i++) ASSERT_HAS(text, phrases[i]);
  ASSERT_LACKS(text, "INCONSISTENT");
  ck_assert_msg(j != NULL, "JSON does not parse:\n%s", json);
  ok = tu_json_get(j, "consistent");
  ck_assert_msg(ok && ok->type == TU_JBOOL && ok->n == 1, "not consistent:\n%s", json);
  tu_json_free(j);
  gwr_report_free(text);
  gwr_report_free(json);
}

#define HTTP_ROUTE(ns, name, ts) \
  TU_V1 "kind: HTTPRoute\nmetadata: {name: " name ", namespace: " ns ts "}\n" \
  "spec:\n  parentRefs: [{name: gw, namespace: default}]\n"
#define TS(t) ", creationTimestamp: \"" t "\""

/* ---- precedence ----------------------------------------------------------------- */

START_TEST(winner_by_path_length) {
  tu_ctx *c = tu_build(TU_GW_HTTP HTTP_ROUTE("default", "r", "")
      "  rules:\n"
      "  - matches: [{path: {type: PathPrefix, value: /a}}]\n    backendRefs: [{name: s1, port: 80}]\n"
      "  - matches: [{path: {type: PathPrefix, value: /a/b}}]\n    backendRefs: [{name: s2, port: 80}]\n"
      "  - matches: [{path: {type: PathPrefix, value: /a/b/c/d}}]\n    backendRefs: [{name: s3, port: 80}]\n");
  char *r = explain_get(c, "example.com", "/a/b/c", NULL);
  ASSERT_HAS(r, "request  GET http://example.com/a/b/c (port 80)");
  ASSERT_HAS(r, "listener default/gw/http");
  ASSERT_HAS(r, "#1 HTTPRoute default/r spec.rules[2].matches[0]  PathPrefix /a/b/c/d  [(any hostname)]  "
                "path: /a/b/c is not under /a/b/c/d");
  ASSERT_HAS(r, "#2 HTTPRoute default/r spec.rules[1].matches[0]  PathPrefix /a/b  [(any hostname)]  "
                "matched  <- winner");
  ASSERT_HAS(r, "#3 HTTPRoute default/r spec.rules[0].matches[0]  PathPrefix /a  [(any hostname)]  "
                "not reached (lower precedence; would also match)");
  ASSERT_HAS(r, "won over #3 HTTPRoute default/r spec.rules[0].matches[0] by path length (4 > 2)");
  ASSERT_HAS(r, "default/s2:80  weight 1 of 1 (100.0%)  <- chosen");
  ASSERT_HAS(r, "decision forward to default/s2:80, path /a/b/c");
  ASSERT_LACKS(r, "INCONSISTENT");
  gwr_report_free(r);
  tu_free(c);
}
END_TEST

START_TEST(winner_by_header_count) {
  static const char *const hs[] = {"x-a", "1", "X-B", "2", NULL};
  tu_ctx *c = tu_build(TU_GW_HTTP HTTP_ROUTE("default", "r", "")
      "  rules:\n"
      "  - matches: [{path: {value: /p}, headers: [{name: x-a, value: \"1\"}]}]\n"
      "    backendRefs: [{name: one, port: 80}]\n"
      "  - matches: [{path: {value: /p}, headers: [{name: x-a, value: \"1\"}, {name: x-b, value: \"2\"}]}]\n"
      "    backendRefs: [{name: two, port: 80}]\n");
  char *r = explain_get(c, "example.com", "/p", hs);
  ASSERT_HAS(r, "header X-B: 2");
  ASSERT_HAS(r, "PathPrefix /p, header x-a = \"1\", header x-b = \"2\"");
  ASSERT_HAS(r, "winner   HTTPRoute default/r spec.rules[1].matches[0] won over #2");
  ASSERT_HAS(r, "by number of header matches (2 > 1)");
  gwr_report_free(r);
  tu_free(c);
}
END_TEST

START_TEST(tie_break_timestamp) {
  tu_ctx *c = tu_build(TU_GW_HTTP
      HTTP_ROUTE("default", "a-young", TS("2024-01-01T10:00:05Z"))
      "  rules: [{matches: [{path: {value: /api}}], backendRefs: [{name: a, port: 80}]}]\n---\n"
      HTTP_ROUTE("default", "z-old", TS("2024-01-01T09:00:00Z"))
      "  rules: [{matches: [{path: {value: /api}}], backendRefs: [{name: b, port: 80}]}]\n");
  char *r = explain_get(c, "example.com", "/api/x", NULL);
  ASSERT_HAS(r, "winner   HTTPRoute default/z-old spec.rules[0].matches[0] won over #2 HTTPRoute "
                "default/a-young spec.rules[0].matches[0] by tie-break: creation timestamp");
  gwr_report_free(r);
  r = explain_req(c, &(tu_req){.host = "example.com", .path = "/api"}, GWR_FORMAT_JSON);
  {
    tu_json *j = tu_json_parse(r);
    const tu_json *w = tu_json_get(j, "winner");
    ck_assert_ptr_nonnull(j);
    TU_ASSERT_STR(tu_json_str(tu_json_get(w, "decided_by")), "creation timestamp");
    TU_ASSERT_STR(tu_json_str(tu_json_get(w, "route")), "default/z-old");
    TU_ASSERT_STR(tu_json_str(tu_json_get(tu_json_get(w, "runner_up"), "route")), "default/a-young");
    tu_json_free(j);
  }
  gwr_report_free(r);
  tu_free(c);
}
END_TEST

START_TEST(tie_break_nsname) {
  tu_ctx *c = tu_build(TU_GW_HTTP_ALL
      HTTP_ROUTE("team", "api", TS("2024-01-01T10:00:00Z"))
      "  rules: [{matches: [{path: {value: /api}}], backendRefs: [{name: a, port: 80}]}]\n---\n"
      HTTP_ROUTE("team-b", "api", TS("2024-01-01T10:00:00Z"))
      "  rules: [{matches: [{path: {value: /api}}], backendRefs: [{name: b, port: 80}]}]\n");
  char *r = explain_get(c, "example.com", "/api", NULL);
  ASSERT_HAS(r, "winner   HTTPRoute team-b/api spec.rules[0].matches[0] won over #2 HTTPRoute team/api");
  ASSERT_HAS(r, "by tie-break: \"{namespace}/{name}\" order (team-b/api < team/api)");
  gwr_report_free(r);
  tu_free(c);
}
END_TEST

START_TEST(tie_break_rule_index) {
  tu_ctx *c = tu_build(TU_GW_HTTP HTTP_ROUTE("default", "r", "")
      "  rules:\n"
      "  - matches: [{path: {value: /x}}, {path: {value: /x}, method: GET}]\n"
      "    backendRefs: [{name: one, port: 80}]\n"
      "  - matches: [{path: {value: /x}}]\n    backendRefs: [{name: two, port: 80}]\n");
  char *r = explain_get(c, "example.com", "/x", NULL);
  ASSERT_HAS(r, "winner   HTTPRoute default/r spec.rules[0].matches[1] won over #2 HTTPRoute default/r "
                "spec.rules[0].matches[0] by method (a method match beats none)");
  gwr_report_free(r);
  r = explain_req(c, &(tu_req){.host = "example.com", .path = "/x", .method = "POST"}, GWR_FORMAT_TEXT);
  ASSERT_HAS(r, "method: POST is not GET");
  ASSERT_HAS(r, "won over #3 HTTPRoute default/r spec.rules[1].matches[0] by tie-break: rule index (0 < 1)");
  gwr_report_free(r);
  tu_free(c);
}
END_TEST

/* ---- 404: nearest misses ------------------------------------------------------------ */

START_TEST(not_found_nearest_misses) {
  static const char *const hs[] = {"x-debug", "false", NULL};
  tu_ctx *c = tu_build(TU_GW_HTTP HTTP_ROUTE("default", "r", "")
      "  hostnames: [api.example.com]\n"
      "  rules:\n"
      "  - matches: [{path: {value: /v1}, headers: [{name: X-Debug, value: \"true\"}]}]\n"
      "    backendRefs: [{name: one, port: 80}]\n"
      "  - matches: [{path: {type: Exact, value: /v2}, method: POST, queryParams: [{name: q, value: \"1\"}]}]\n"
      "    backendRefs: [{name: two, port: 80}]\n");
  char *r = explain_get(c, "api.example.com", "/v1/users", hs);
  char *j;
  tu_json *doc;
  const tu_json *m;
  ASSERT_HAS(r, "decision respond 404 (no route matched)");
  ASSERT_HAS(r, "nearest misses (fewest failing conditions):");
  ASSERT_HAS(r, "HTTPRoute default/r spec.rules[0].matches[0]: 1 failing: header X-Debug: \"false\" != \"true\"");
  ASSERT_HAS(r, "HTTPRoute default/r spec.rules[1].matches[0]: 3 failing: path: /v1/users is not exactly /v2; "
                "method: GET is not POST; query q absent");
  gwr_report_free(r);
  /* a header missing altogether */
  r = explain_get(c, "api.example.com", "/v1", NULL);
  ASSERT_HAS(r, "1 failing: header X-Debug absent");
  gwr_report_free(r);
  /* no bucket for the host: the listener's closest hostnames */
  r = explain_get(c, "apx.example.com", "/v1", NULL);
  ASSERT_HAS(r, "apx.example.com: none | *.example.com: none | *.com: none | (any hostname): none");
  ASSERT_HAS(r, "closest hostnames on this listener: api.example.com");
  gwr_report_free(r);
  j = explain_req(c, &(tu_req){.host = "api.example.com", .path = "/v1", .headers = hs}, GWR_FORMAT_JSON);
  doc = tu_json_parse(j);
  ck_assert_msg(doc != NULL, "%s", j);
  m = tu_json_at(tu_json_get(doc, "nearest_misses"), 0);
  TU_ASSERT_STR(tu_json_str(tu_json_get(m, "field")), "spec.rules[0].matches[0]");
  TU_ASSERT_STR(tu_json_str(tu_json_at(tu_json_get(m, "failed"), 0)), "header X-Debug: \"false\" != \"true\"");
  ck_assert(tu_json_get(doc, "winner")->type == TU_JNULL);
  TU_ASSERT_STR(tu_json_str(tu_json_get(tu_json_get(doc, "decision"), "action")), "respond");
  tu_json_free(doc);
  gwr_report_free(j);
  tu_free(c);
}
END_TEST

/* ---- P1: exact host bucket, then wildcard, then catch-all ----------------------------- */

START_TEST(p1_fall_through) {
  tu_ctx *c = tu_build(TU_GW_HTTP
      HTTP_ROUTE("default", "exact", "")
      "  hostnames: [a.example.com]\n"
      "  rules: [{matches: [{path: {value: /only}}], backendRefs: [{name: e, port: 80}]}]\n---\n"
      HTTP_ROUTE("default", "wild", "")
      "  hostnames: [\"*.example.com\"]\n"
      "  rules: [{backendRefs: [{name: w, port: 80}]}]\n---\n"
      HTTP_ROUTE("default", "any", "")
      "  rules: [{backendRefs: [{name: any, port: 80}]}]\n");
  static const char *const phrases[] = {
      "hosts    a.example.com: 1 entry | *.example.com: 1 entry (winner here) | *.com: none | "
      "(any hostname): 1 entry",
      "#1 HTTPRoute default/exact spec.rules[0].matches[0]  PathPrefix /only  [a.example.com]  path: "
      "/other is not under /only",
      "#2 HTTPRoute default/wild spec.rules[0].matches[0]  PathPrefix /  [*.example.com]  matched  <- winner",
      "#3 HTTPRoute default/any spec.rules[0].matches[0]  PathPrefix /  [(any hostname)]  not reached "
      "(lower precedence; would also match)",
      "by hostname precision (wildcard hostname of 13 characters > none of 0)",
      "decision forward to default/w:80", NULL};
  check_both(c, &(tu_req){.host = "A.Example.com:80", .path = "/other"}, phrases);
  tu_free(c);
}
END_TEST

/* Two routes whose hostnames narrow to the listener's: one bucket, ranked
 * by the precision of the route's own hostname (§3.1 step 1). */
START_TEST(hostname_precision_in_one_bucket) {
  tu_ctx *c = tu_build(
      TU_OBJ("Gateway", "default", "gw") "spec:\n  gatewayClassName: c\n  listeners:\n"
      "  - {name: a, port: 80, protocol: HTTP, hostname: a.example.com}\n---\n"
      HTTP_ROUTE("default", "wild", "") "  hostnames: [\"*.example.com\"]\n"
      "  rules: [{backendRefs: [{name: w, port: 80}]}]\n---\n"
      HTTP_ROUTE("default", "precise", "") "  hostnames: [a.example.com]\n"
      "  rules: [{backendRefs: [{name: p, port: 80}]}]\n");
  static const char *const phrases[] = {
      "hosts    a.example.com: 2 entries (winner here)",
      "winner   HTTPRoute default/precise spec.rules[0].matches[0] won over #2 HTTPRoute default/wild "
      "spec.rules[0].matches[0] by hostname precision (precise hostname of 13 characters > wildcard of 13)",
      NULL};
  check_both(c, &(tu_req){.host = "a.example.com", .path = "/"}, phrases);
  tu_free(c);
}
END_TEST

/* ---- gRPC plane -------------------------------------------------------------------------- */

START_TEST(grpc_plane) {
  tu_ctx *c = tu_build(TU_GW_HTTP
      TU_OBJ("GRPCRoute", "default", "g") "spec:\n  parentRefs: [{name: gw}]\n"
      "  hostnames: [g.example.com]\n  rules:\n"
      "  - matches: [{method: {service: pkg.Svc, method: Echo}}]\n    backendRefs: [{name: echo, port: 80}]\n"
      "  - matches: [{method: {service: pkg.Svc}}]\n    backendRefs: [{name: svc, port: 80}]\n"
      "---\n" HTTP_ROUTE("default", "h", "")
      "  hostnames: [h.example.com]\n"
      "  rules: [{backendRefs: [{name: web, port: 80}]}]\n");
  static const char *const grpc_hit[] = {
      "plane    gRPC request: GRPCRoutes first, and one matched",
      "hosts    (gRPC) g.example.com: 2 entries (winner here)",
      "#1 GRPCRoute default/g spec.rules[0].matches[0]  gRPC method pkg.Svc/Echo  [g.example.com]  matched  <- winner",
      "won over #2 GRPCRoute default/g spec.rules[1].matches[0] by gRPC method length (4 > 0)",
      "decision forward to default/echo:80", NULL};
  static const char *const grpc_miss[] = {
      "plane    gRPC request: GRPCRoutes first (none matched), then HTTP routes",
      "path: /other.Svc/Echo is not exactly /pkg.Svc/Echo",
      "decision respond 404", "grpc-status 12", NULL};
  static const char *const http_only[] = {"plane    HTTP routes", "decision forward to default/web:80", NULL};
  check_both(c, &(tu_req){.host = "g.example.com", .path = "/pkg.Svc/Echo", .method = "POST",
                          .protocol = GWR_PROTOCOL_GRPC}, grpc_hit);
  check_both(c, &(tu_req){.host = "g.example.com", .path = "/other.Svc/Echo", .method = "POST",
                          .protocol = GWR_PROTOCOL_GRPC}, grpc_miss);
  check_both(c, &(tu_req){.host = "h.example.com", .path = "/"}, http_only);
  {
    char *j = explain_req(c, &(tu_req){.host = "g.example.com", .path = "/pkg.Svc/Echo",
                                       .protocol = GWR_PROTOCOL_GRPC}, GWR_FORMAT_JSON);
    tu_json *doc = tu_json_parse(j);
    ck_assert_ptr_nonnull(doc);
    TU_ASSERT_STR(tu_json_str(tu_json_get(doc, "plane")), "grpc");
    TU_ASSERT_STR(tu_json_str(tu_json_get(tu_json_at(tu_json_get(doc, "candidates"), 0), "kind")), "GRPCRoute");
    tu_json_free(doc);
    gwr_report_free(j);
  }
  tu_free(c);
}
END_TEST

/* ---- filters and backends --------------------------------------------------------------- */

START_TEST(redirect_filter) {
  tu_ctx *c = tu_build(TU_GW_HTTP HTTP_ROUTE("default", "r", "")
      "  rules:\n  - matches: [{path: {value: /old}}]\n    filters:\n"
      "    - type: RequestRedirect\n"
      "      requestRedirect: {scheme: https, hostname: new.example.com, statusCode: 301,"
      " path: {type: ReplacePrefixMatch, replacePrefixMatch: /new}}\n");
  static const char *const phrases[] = {
      "rule     RequestRedirect status 301 scheme https hostname new.example.com path ReplacePrefixMatch "
      "/new -> Location https://new.example.com/new/page?x=1",
      "decision redirect 301 Location https://new.example.com/new/page?x=1", NULL};
  check_both(c, &(tu_req){.host = "example.com", .path = "/old/page?x=1"}, phrases);
  tu_free(c);
}
END_TEST

START_TEST(rewrite_and_headers) {
  tu_ctx *c = tu_build(TU_GW_HTTP HTTP_ROUTE("default", "r", "")
      "  rules:\n  - matches: [{path: {value: /api}}]\n    filters:\n"
      "    - {type: URLRewrite, urlRewrite: {hostname: up.internal, path: {type: ReplacePrefixMatch,"
      " replacePrefixMatch: /v2}}}\n"
      "    - {type: RequestHeaderModifier, requestHeaderModifier: {add: [{name: x-env, value: prod}],"
      " remove: [x-drop]}}\n"
      "    backendRefs: [{name: s, port: 80}]\n");
  static const char *const phrases[] = {
      "rule     RequestHeaderModifier add x-env: prod", "rule     RequestHeaderModifier remove x-drop",
      "rule     URLRewrite hostname up.internal path ReplacePrefixMatch /v2 -> upstream path /v2/users, host "
      "up.internal",
      "decision forward to default/s:80, path /v2/users, host up.internal", NULL};
  check_both(c, &(tu_req){.host = "example.com", .path = "/api/users"}, phrases);
  tu_free(c);
}
END_TEST

START_TEST(weighted_backends) {
  tu_ctx *c = tu_build(TU_GW_HTTP HTTP_ROUTE("default", "r", "")
      "  rules: [{backendRefs: [{name: big, port: 80, weight: 3}, {name: small, port: 80, weight: 1},"
      " {name: none, port: 80, weight: 0}]}]\n");
  static const char *const low[] = {
      "backends (rule total weight 4; this request draws 1 from its choice)",
      "default/big:80  weight 3 of 4 (75.0%)  <- chosen", "default/small:80  weight 1 of 4 (25.0%)\n",
      "default/none:80  weight 0 of 4 (0.0%)", NULL};
  static const char *const high[] = {
      "this request draws 3 from its choice", "default/big:80  weight 3 of 4 (75.0%)\n",
      "default/small:80  weight 1 of 4 (25.0%)  <- chosen", "decision forward to default/small:80", NULL};
  check_both(c, &(tu_req){.host = "example.com", .path = "/", .choice = 5}, low);
  check_both(c, &(tu_req){.host = "example.com", .path = "/", .choice = 7}, high);
  {
    char *j = explain_req(c, &(tu_req){.host = "example.com", .path = "/", .choice = 7}, GWR_FORMAT_JSON);
    tu_json *doc = tu_json_parse(j);
    const tu_json *b = tu_json_at(tu_json_get(doc, "backends"), 1);
    ck_assert_ptr_nonnull(doc);
    TU_ASSERT_STR(tu_json_str(tu_json_get(b, "backend")), "default/small:80");
    ck_assert(tu_json_get(b, "chosen")->type == TU_JBOOL && tu_json_get(b, "chosen")->n == 1);
    ck_assert(tu_json_get(b, "percent")->n == 25.0);
    tu_json_free(doc);
    gwr_report_free(j);
  }
  tu_free(c);
}
END_TEST

/* ---- listeners, layer 4 -------------------------------------------------------------------- */

START_TEST(listener_selection) {
  tu_ctx *c = tu_build(
      TU_OBJ("Gateway", "default", "gw") "spec:\n  gatewayClassName: c\n  listeners:\n"
      "  - {name: any, port: 80, protocol: HTTP}\n"
      "  - {name: wild, port: 80, protocol: HTTP, hostname: \"*.example.com\"}\n"
      "  - {name: exact, port: 80, protocol: HTTP, hostname: a.example.com}\n"
      "  - {name: tcp, port: 5432, protocol: TCP}\n---\n"
      HTTP_ROUTE("default", "r", "") "  rules: [{backendRefs: [{name: s, port: 80}]}]\n---\n"
      TU_OBJ("TCPRoute", "default", "db") "spec:\n  parentRefs: [{name: gw, sectionName: tcp}]\n"
      "  rules: [{backendRefs: [{name: pg, port: 5432}]}]\n");
  static const char *const http[] = {
      "default/gw/any: port 80, HTTP, no hostname: matches, but a more specific listener wins",
      "default/gw/wild: port 80, HTTP, wildcard hostname *.example.com: matches, but a more specific",
      "default/gw/exact: port 80, HTTP, exact hostname a.example.com (most specific of the matching "
      "listeners)  <- chosen",
      "default/gw/tcp: port 5432, not 80", "listener default/gw/exact", NULL};
  static const char *const other[] = {
      "default/gw/exact: hostname a.example.com does not match the host b.example.com",
      "listener default/gw/wild", NULL};
  static const char *const tcp[] = {"request  tcp connection (port 5432)",
                                    "default/gw/tcp: port 5432, TCP, no hostname (the only matching listener)",
                                    "TCPRoute default/db spec.rules[0].matches[0]  any connection",
                                    "decision forward to default/pg:5432", NULL};
  static const char *const nolistener[] = {"listener none", "stopped  no listener for this port and protocol",
                                           "decision reject", NULL};
  check_both(c, &(tu_req){.host = "a.example.com", .path = "/"}, http);
  check_both(c, &(tu_req){.host = "b.example.com", .path = "/"}, other);
  check_both(c, &(tu_req){.protocol = GWR_PROTOCOL_TCP, .port = 5432}, tcp);
  check_both(c, &(tu_req){.protocol = GWR_PROTOCOL_UDP, .port = 5432}, nolistener);
  tu_free(c);
}
END_TEST

START_TEST(https_misdirected) {
  tu_ctx *c = tu_build(
      TU_OBJ("Gateway", "default", "gw") "spec:\n  gatewayClassName: c\n  listeners:\n"
      "  - {name: a, port: 443, protocol: HTTPS, hostname: a.example.com, tls: {certificateRefs: [{name: cert}]}}\n"
      "  - {name: b, port: 443, protocol: HTTPS, hostname: b.example.com, tls: {certificateRefs: [{name: cert}]}}\n"
      "---\napiVersion: v1\nkind: Secret\nmetadata: {name: cert, namespace: default}\ntype: kubernetes.io/tls\n"
      "---\n" HTTP_ROUTE("default", "r", "") "  rules: [{backendRefs: [{name: s, port: 80}]}]\n");
  static const char *const phrases[] = {"decision respond 421", NULL};
  check_both(c, &(tu_req){.scheme = "https", .sni = "a.example.com", .host = "b.example.com", .path = "/"},
             phrases);
  tu_free(c);
}
END_TEST

/* ---- errors and allocation failures ---------------------------------------------------------- */

START_TEST(errors) {
  tu_ctx *c = tu_build(TU_GW_HTTP HTTP_ROUTE("default", "r", "") "  rules: [{backendRefs: [{name: s, port: 80}]}]\n");
  gwr_request r = GWR_REQUEST_INIT;
  char *out = (char *)"x";
  ck_assert_int_eq(gwr_explain(NULL, &r, GWR_FORMAT_TEXT, &out), GWR_E_INVALID);
  ck_assert_ptr_null(out);
  ck_assert_int_eq(gwr_explain(c->table, NULL, GWR_FORMAT_TEXT, &out), GWR_E_INVALID);
  ck_assert_int_eq(gwr_explain(c->table, &r, GWR_FORMAT_TEXT, NULL), GWR_E_INVALID);
  ck_assert_int_eq(gwr_explain(c->table, &r, 7, &out), GWR_E_INVALID);
  ck_assert_ptr_null(out);
  r.gateway = tu_s("default/nope");
  ck_assert_int_eq(gwr_explain(c->table, &r, GWR_FORMAT_JSON, &out), GWR_E_NOTFOUND);
  ck_assert_ptr_null(out);
  r.gateway = tu_s("default/gw");
  ck_assert_int_eq(gwr_explain(c->table, &r, GWR_FORMAT_JSON, &out), GWR_OK);
  gwr_report_free(out);
  gwr_report_free(NULL);
  tu_free(c);
}
END_TEST

typedef struct counting {
  long live;        /* allocations not yet freed */
  long budget;      /* allocations left before failing; -1 = unlimited */
} counting;

static void *count_malloc(void *ctx, size_t n) {
  counting *k = ctx;
  void *p;
  if (k->budget == 0) return NULL;
  if (k->budget > 0) k->budget--;
  p = malloc(n);
  if (p) k->live++;
  return p;
}

static void count_free(void *ctx, void *p) {
  counting *k = ctx;
  if (p) k->live--;
  free(p);
}

START_TEST(allocation_failures) {
  counting k = {0, -1};
  gwr_allocator a = GWR_ALLOCATOR_INIT;
  gwr_config *cfg;
  gwr_table *t;
  gwr_request r = GWR_REQUEST_INIT;
  gwr_header h[1];
  long base, budget;
  int formats, ok = 0;
  static const char yaml[] = TU_GW_HTTP HTTP_ROUTE("default", "r", "")
      "  hostnames: [a.example.com]\n"
      "  rules:\n  - matches: [{path: {value: /x}, headers: [{name: h, value: v}]}]\n"
      "    backendRefs: [{name: s, port: 80, weight: 2}, {name: s2, port: 80}]\n";
  a.malloc = count_malloc;
  a.free = count_free;
  a.ctx = &k;
  ck_assert_int_eq(gwr_config_new(&cfg, &a), GWR_OK);
  ck_assert_int_eq(gwr_config_load(cfg, yaml, strlen(yaml), "t.yaml", 6, NULL), GWR_OK);
  ck_assert_int_eq(gwr_table_compile(&t, cfg, NULL), GWR_OK);
  h[0].name = tu_s("h");
  h[0].value = tu_s("w");
  r.host = tu_s("a.example.com");
  r.path = tu_s("/x/../x/y");
  r.headers = h;
  r.header_count = 1;
  base = k.live;
  for (formats = 0; formats < 2; formats++) {
    for (budget = 0; budget < 10000; budget++) {
      char *out = NULL;
      int rc;
      k.budget = budget;
      rc = gwr_explain(t, &r, formats, &out);
      k.budget = -1;
      ck_assert_msg(rc == GWR_OK || rc == GWR_E_NOMEM, "budget %ld: rc %d", budget, rc);
      if (rc == GWR_OK) {
        ck_assert_ptr_nonnull(out);
        gwr_report_free(out);
        ck_assert_int_eq(k.live, base);
        ok++;
        break;
      }
      ck_assert_ptr_null(out);
      ck_assert_msg(k.live == base, "budget %ld: %ld allocations leaked", budget, k.live - base);
    }
  }
  ck_assert_int_eq(ok, 2);
  gwr_table_unref(t);
  gwr_config_free(cfg);
  ck_assert_int_eq(k.live, 0);
}
END_TEST

/* ---- consistency with gwr_match() on random configurations ------------------------------------- */

static uint64_t rng_state;

static uint64_t rng_next(void) { /* splitmix64 */
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static unsigned rnd(unsigned n) { return (unsigned)(rng_next() % n); }
#define PICK(a) (a)[rnd((unsigned)(sizeof(a) / sizeof *(a)))]

/* Small pools, as in check_diff.c, so that hostnames, paths, header and
 * query matches, timestamps and names collide often. */
static const char *const listener_hosts[] = {"", "example.com", "*.example.com", "a.example.com"};
static const char *const route_hosts[] = {"example.com", "a.example.com", "*.example.com", "b.a.example.com",
                                          "*.a.example.com", "other.org"};
static const char *const namespaces[] = {"infra", "team", "team-b"};
static const char *const timestamps[] = {"", "2024-01-01T00:00:00Z", "2024-01-01T00:00:01Z"};
static const char *const plain_paths[] = {"/", "/a", "/a/", "/a/b", "/ab", "/a/b/c"};
static const char *const regex_paths[] = {"/a/[a-z]+", "/.*", "/a/b", "/a.*"};
static const char *const header_names[] = {"x-a", "X-A", "x-b"};
static const char *const header_values[] = {"1", "2"};
static const char *const header_regexes[] = {"[12]", "[12](,[12])*"};
static const char *const query_names[] = {"q", "r", "Q"};
static const char *const methods[] = {"GET", "POST"};
static const char *const grpc_services[] = {"pkg.Svc", "pkg.Other", "a"};
static const char *const grpc_methods[] = {"Echo", "EchoTwo", "Get"};

static void gen_match(tu_buf *b) {
  unsigned k, n;
  tu_buf_printf(b, "      - ");
  switch (rnd(5)) {
    case 0: tu_buf_printf(b, "path: {type: Exact, value: \"%s\"}\n", PICK(plain_paths)); break;
    case 1: tu_buf_printf(b, "path: {type: RegularExpression, value: \"%s\"}\n", PICK(regex_paths)); break;
    case 2: tu_buf_printf(b, "path: {type: PathPrefix, value: \"%s\"}\n", PICK(plain_paths)); break;
    default: tu_buf_printf(b, "path: {value: \"%s\"}\n", PICK(plain_paths)); break;
  }
  if (rnd(3) == 0) tu_buf_printf(b, "        method: %s\n", PICK(methods));
  n = rnd(4) == 0 ? 1 + rnd(2) : 0;
  if (n) tu_buf_printf(b, "        headers:\n");
  for (k = 0; k < n; k++) {
    if (rnd(3) == 0)
      tu_buf_printf(b, "        - {type: RegularExpression, name: %s, value: \"%s\"}\n", PICK(header_names),
                    PICK(header_regexes));
    else
      tu_buf_printf(b, "        - {name: %s, value: \"%s\"}\n", PICK(header_names), PICK(header_values));
  }
  n = rnd(5) == 0 ? 1 + rnd(2) : 0;
  if (n) tu_buf_printf(b, "        queryParams:\n");
  for (k = 0; k < n; k++)
    tu_buf_printf(b, "        - {name: %s, value: \"%s\"}\n", PICK(query_names), PICK(header_values));
}

static void gen_hostnames(tu_buf *b) {
  unsigned k, n = rnd(3);
  if (!n) return;
  tu_buf_printf(b, "  hostnames:\n");
  for (k = 0; k < n; k++) tu_buf_printf(b, "  - \"%s\"\n", PICK(route_hosts));
}

static void gen_route(tu_buf *b, unsigned i) {
  const char *ts = PICK(timestamps);
  unsigned r, m, rules = 1 + rnd(3);
  int grpc = rnd(6) == 0;
  tu_buf_printf(b, "---\n" TU_V1 "kind: %s\nmetadata:\n  name: r%u\n  namespace: %s\n",
                grpc ? "GRPCRoute" : "HTTPRoute", rnd(4), PICK(namespaces));
  if (*ts) tu_buf_printf(b, "  creationTimestamp: \"%s\"\n", ts);
  tu_buf_printf(b, "spec:\n  parentRefs: [{name: gw, namespace: default}]\n");
  gen_hostnames(b);
  tu_buf_printf(b, "  rules:\n");
  for (r = 0; r < rules; r++) {
    unsigned matches = rnd(3);
    tu_buf_printf(b, "  - backendRefs: [{name: s%u, port: 80}]\n", (i + r) % 2);
    if (!matches) continue;
    tu_buf_printf(b, "    matches:\n");
    for (m = 0; m < matches; m++) {
      if (!grpc) {
        gen_match(b);
        continue;
      }
      if (rnd(3) == 0)
        tu_buf_printf(b, "      - method: {service: %s}\n", PICK(grpc_services));
      else
        tu_buf_printf(b, "      - method: {service: %s, method: %s}\n", PICK(grpc_services), PICK(grpc_methods));
      if (rnd(4) == 0) tu_buf_printf(b, "        headers: [{name: %s, value: \"1\"}]\n", PICK(header_names));
    }
  }
}

static void gen_config(tu_buf *b) {
  unsigned i, n = 1 + rnd(10), listeners = 1 + rnd(3), first = rnd(4);
  tu_buf_printf(b, TU_OBJ("Gateway", "default", "gw") "spec:\n  gatewayClassName: c\n  listeners:\n");
  for (i = 0; i < listeners; i++) { /* distinct hostnames: no listener conflicts */
    const char *h = listener_hosts[(first + i) % 4];
    tu_buf_printf(b, "  - {name: l%u, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}", i);
    if (*h) tu_buf_printf(b, ", hostname: \"%s\"", h);
    tu_buf_printf(b, "}\n");
  }
  tu_buf_printf(b, "---\napiVersion: v1\nkind: Service\nmetadata: {name: s0, namespace: team}\n"
                   "spec: {ports: [{port: 80}]}\n");
  for (i = 0; i < n; i++) gen_route(b, i);
}

static const char *const request_hosts[] = {"example.com", "a.example.com", "b.a.example.com",
                                            "c.b.a.example.com", "EXAMPLE.com.", "x.example.com:80",
                                            "other.org", "nothing.net", ""};
static const char *const request_paths[] = {"/", "/a", "/a/", "/a/b", "/ab", "/a/b/c", "/a/x",
                                            "/a/./b", "/x/../a/b", "/pkg.Svc/Echo", "/pkg.Other/Get",
                                            "/a/EchoTwo", "a", ""};
static const char *const request_queries[] = {"", "", "?q=1", "?q=2", "?q=1&q=2", "?r=1&Q=2"};
static const char *const request_methods[] = {"GET", "POST", "HEAD", ""};
static const char *const request_header_names[] = {"x-a", "X-A", "x-b", "y"};

typedef struct json_winner {
  char route[128];
  long rule, match;
} json_winner;

START_TEST(consistency_random) {
  unsigned cfgs, reqs, checked = 0, matched = 0, inconsistent = 0;
  rng_state = 0x6578706c61696eULL;
  for (cfgs = 0; cfgs < 40; cfgs++) {
    tu_buf b = {NULL, 0, 0};
    tu_ctx *c;
    gen_config(&b);
    c = tu_new();
    tu_add(c, b.p);
    if (rnd(2)) gwr_config_set_option(c->cfg, GWR_OPT_PATH_NORMALIZE, GWR_PATH_NORMALIZE_DOT_SEGMENTS);
    if (rnd(2)) gwr_config_set_option(c->cfg, GWR_OPT_REGEX_ORDER, GWR_REGEX_ORDER_ISTIO);
    tu_compile(c);
    for (reqs = 0; reqs < 80; reqs++) {
      char path[128];
      const char *hv[12];
      unsigned nh = rnd(3), k;
      tu_req t;
      tu_result want;
      char *json, *text;
      tu_json *doc;
      const tu_json *w, *ok;
      memset(&t, 0, sizeof t);
      snprintf(path, sizeof path, "%s%s", PICK(request_paths), PICK(request_queries));
      t.host = PICK(request_hosts);
      t.path = path;
      t.method = PICK(request_methods);
      t.choice = rng_next();
      if (rnd(8) == 0) t.protocol = GWR_PROTOCOL_GRPC;
      for (k = 0; k < nh; k++) {
        hv[2 * k] = PICK(request_header_names);
        hv[2 * k + 1] = PICK(header_values);
      }
      hv[2 * nh] = NULL;
      t.headers = hv;
      want = tu_match(c, &t);
      ck_assert_msg(want.rc == GWR_OK, "rc %d on config:\n%s\nstatus %s", want.rc, b.p, c->status);
      json = explain_req(c, &t, GWR_FORMAT_JSON);
      doc = tu_json_parse(json);
      ck_assert_msg(doc != NULL, "JSON does not parse:\n%s", json);
      ok = tu_json_get(doc, "consistent");
      ck_assert(ok && ok->type == TU_JBOOL);
      inconsistent += ok->n != 1;
      w = tu_json_get(doc, "winner");
      ck_assert_ptr_nonnull(w);
      if (want.has_route) {
        ck_assert_msg(w->type == TU_JOBJ, "config:\n%s\nrequest %s %s: gwr_match routes by %s rule %d, "
                      "explain has no winner:\n%s", b.p, t.host, t.path, want.route, want.rule, json);
        ck_assert_msg(strcmp(tu_json_str(tu_json_get(w, "route")), want.route) == 0 &&
                          (int)tu_json_get(w, "rule")->n == want.rule &&
                          (int)tu_json_get(w, "match")->n == want.match,
                      "config:\n%s\nrequest %s %s: gwr_match %s rule %d match %d; explain %s:\n%s", b.p,
                      t.host, t.path, want.route, want.rule, want.match, tu_json_str(tu_json_get(w, "route")),
                      json);
        if (tu_json_get(w, "runner_up")->type == TU_JOBJ)
          ck_assert_str_ne(tu_json_str(tu_json_get(w, "decided_by")), "only match");
        else
          ck_assert_str_eq(tu_json_str(tu_json_get(w, "decided_by")), "only match");
        matched++;
      } else {
        ck_assert_msg(w->type == TU_JNULL, "config:\n%s\nrequest %s %s: explain has a winner, gwr_match "
                      "none:\n%s", b.p, t.host, t.path, json);
      }
      tu_json_free(doc);
      gwr_report_free(json);
      if (reqs % 8 == 0) {
        text = explain_req(c, &t, GWR_FORMAT_TEXT);
        ck_assert_msg(strstr(text, "INCONSISTENT") == NULL, "config:\n%s\n%s", b.p, text);
        gwr_report_free(text);
      }
      checked++;
    }
    tu_free(c);
    tu_buf_free(&b);
  }
  ck_assert_uint_eq(inconsistent, 0);
  ck_assert_uint_ge(checked, 2000);
  ck_assert_uint_ge(matched, 500);
}
END_TEST

static Suite *explain_suite(void) {
  Suite *s = suite_create("explain");
  TCase *tc = tcase_create("explain");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, winner_by_path_length);
  tcase_add_test(tc, winner_by_header_count);
  tcase_add_test(tc, tie_break_timestamp);
  tcase_add_test(tc, tie_break_nsname);
  tcase_add_test(tc, tie_break_rule_index);
  tcase_add_test(tc, not_found_nearest_misses);
  tcase_add_test(tc, p1_fall_through);
  tcase_add_test(tc, hostname_precision_in_one_bucket);
  tcase_add_test(tc, grpc_plane);
  tcase_add_test(tc, redirect_filter);
  tcase_add_test(tc, rewrite_and_headers);
  tcase_add_test(tc, weighted_backends);
  tcase_add_test(tc, listener_selection);
  tcase_add_test(tc, https_misdirected);
  tcase_add_test(tc, errors);
  tcase_add_test(tc, allocation_failures);
  tcase_add_test(tc, consistency_random);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(explain_suite());
  int failed;
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
