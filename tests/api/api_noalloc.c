/* SPDX-License-Identifier: Apache-2.0 */
/*
 * api_noalloc.c - the match path never allocates (DESIGN.md stage 5): with a
 * counting allocator, thousands of gwr_match() calls over exact, prefix and
 * regex paths, joined headers, queries, 404s and 500s leave the count as it
 * was after gwr_decision_new().
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "gwroute.h"

static size_t allocations;

static void *count_malloc(void *ctx, size_t size) {
  (void)ctx;
  allocations++;
  return malloc(size);
}

static void count_free(void *ctx, void *ptr) {
  (void)ctx;
  free(ptr);
}

static const char config[] =
    "apiVersion: gateway.networking.k8s.io/v1\n"
    "kind: Gateway\n"
    "metadata: {name: gw, namespace: infra}\n"
    "spec:\n"
    "  gatewayClassName: gc\n"
    "  listeners: [{name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}]\n"
    "---\n"
    "apiVersion: gateway.networking.k8s.io/v1\n"
    "kind: HTTPRoute\n"
    "metadata: {name: r, namespace: infra}\n"
    "spec:\n"
    "  parentRefs: [{name: gw}]\n"
    "  hostnames: [\"*.example.com\"]\n"
    "  rules:\n"
    "  - matches: [{path: {type: RegularExpression, value: \"/re/[0-9]+\"}}]\n"
    "    backendRefs: [{name: a, port: 80}]\n"
    "  - matches: [{path: {type: Exact, value: /exact}, headers: [{name: x-a, value: \"1,2\"}]}]\n"
    "    backendRefs: [{name: a, port: 80, weight: 1}, {name: b, port: 80, weight: 0}]\n"
    "  - matches: [{path: {value: /p}, queryParams: [{name: q, type: RegularExpression, value: \"[0-9]+\"}]}]\n"
    "    backendRefs: [{name: a, kind: Foo, group: example.com, port: 80}]\n"
    "  - matches: [{path: {value: /rw}}]\n"
    "    filters:\n"
    "    - {type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: X-A, value: s}], add: [{name: X-B, value: b}]}}\n"
    "    - {type: URLRewrite, urlRewrite: {hostname: up.example, path: {type: ReplacePrefixMatch, replacePrefixMatch: /new}}}\n"
    "    - {type: ResponseHeaderModifier, responseHeaderModifier: {remove: [Server]}}\n"
    "    - {type: RequestMirror, requestMirror: {backendRef: {name: m, port: 80}, percent: 50}}\n"
    "    - {type: CORS, cors: {allowOrigins: [\"https://*.example.com\"], allowCredentials: true}}\n"
    "    backendRefs: [{name: a, port: 80, filters: [{type: RequestHeaderModifier, requestHeaderModifier: {remove: [X-B]}}]}]\n"
    "  - matches: [{path: {value: /old}}]\n"
    "    filters: [{type: RequestRedirect, requestRedirect: {scheme: https, path: {type: ReplaceFullPath, replaceFullPath: /n}}}]\n";

static gwr_str s(const char *p) {
  gwr_str v;
  v.ptr = p;
  v.len = strlen(p);
  return v;
}

/* Every accessor a host would call after a match. */
static void read_everything(const gwr_decision *d, const gwr_header *in, gwr_header *out) {
  int32_t f, l;
  gwr_str v;
  size_t i, n;
  char buf[256];
  for (f = GWR_DS_LISTENER; f <= GWR_DS_SESSION_IDLE_TIMEOUT; f++) {
    ck_assert_int_eq(gwr_decision_str(d, f, &v), GWR_OK);
    (void)gwr_decision_copy(d, f, buf, sizeof buf, &n);
  }
  for (l = GWR_DL_UPSTREAM_HEADERS; l <= GWR_DL_RETRY_CODES; l++)
    for (i = 0; i < gwr_decision_list_count(d, l); i++) {
      ck_assert_int_eq(gwr_decision_list_str(d, l, i, GWR_IF_NAME, &v), GWR_OK);
      (void)gwr_decision_list_int(d, l, i, GWR_IF_OP);
    }
  ck_assert_int_ne(gwr_headers_apply(d, GWR_DL_REQUEST_HEADER_OPS, in, 4, out, 8, &n), GWR_E_INVALID);
}

static void count_kinds(const gwr_decision *d, size_t *redirects, size_t *rewrites, size_t *preflights) {
  gwr_str p;
  gwr_decision_str(d, GWR_DS_UPSTREAM_PATH, &p);
  *redirects += gwr_decision_action(d) == GWR_ACTION_REDIRECT;
  *rewrites += p.len >= 4 && memcmp(p.ptr, "/new", 4) == 0;
  *preflights += gwr_decision_int(d, GWR_DI_STATUS) == 204;
}

START_TEST(test_match_does_not_allocate) {
  gwr_allocator al = GWR_ALLOCATOR_INIT;
  gwr_config *cfg;
  gwr_table *t;
  gwr_decision *d;
  gwr_header hs[4], applied[8];
  const char *paths[] = {"/re/123", "/re/x", "/exact", "/p/q?q=42", "/a/../exact", "/none",
                         "/rw/x/y?z=1", "/old/p?q", "/rw"};
  size_t before, i, redirects = 0, rewrites = 0, preflights = 0;
  al.malloc = count_malloc;
  al.free = count_free;
  ck_assert_int_eq(gwr_config_new(&cfg, &al), GWR_OK);
  ck_assert_int_eq(gwr_config_load(cfg, config, sizeof config - 1, "t", 1, NULL), GWR_OK);
  ck_assert_int_eq(gwr_config_count(cfg, GWR_COUNT_PROBLEMS), 0);
  ck_assert_int_eq(gwr_table_compile(&t, cfg, NULL), GWR_OK);
  ck_assert_int_eq(gwr_decision_new(&d, t), GWR_OK);
  hs[0].name = s("X-A");
  hs[0].value = s("1");
  hs[1].name = s("x-a");
  hs[1].value = s("2");
  hs[2].name = s("Origin");
  hs[2].value = s("https://app.example.com");
  hs[3].name = s("Access-Control-Request-Method");
  hs[3].value = s("PUT");
  before = allocations;
  for (i = 0; i < 6000; i++) {
    gwr_request req = GWR_REQUEST_INIT;
    req.host = s(i % 2 ? "a.example.com" : "A.B.Example.com:80");
    req.path = s(paths[i % 9]);
    req.method = s(i % 4 == 3 ? "OPTIONS" : "GET");
    req.headers = hs;
    req.header_count = 4;
    req.choice = i * 2654435761u;
    ck_assert_int_eq(gwr_match(d, t, &req), GWR_OK);
    ck_assert_int_ne(gwr_decision_action(d), GWR_ACTION_NONE);
    read_everything(d, hs, applied);
    count_kinds(d, &redirects, &rewrites, &preflights);
  }
  ck_assert_uint_gt(redirects, 0); /* the filters really ran */
  ck_assert_uint_gt(rewrites, 0);
  ck_assert_uint_gt(preflights, 0);
  ck_assert_uint_eq(allocations, before);
  gwr_decision_free(d);
  gwr_table_unref(t);
  gwr_config_free(cfg);
}
END_TEST

int main(void) {
  Suite *su = suite_create("noalloc");
  TCase *tc = tcase_create("match");
  SRunner *sr;
  int failed;
  tcase_add_test(tc, test_match_does_not_allocate);
  suite_add_tcase(su, tc);
  sr = srunner_create(su);
  srunner_run_all(sr, CK_ENV);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
