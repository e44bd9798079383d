/* SPDX-License-Identifier: Apache-2.0 */
/*
 * check_diff_tables.c - unit tests for lib/diff.c (gwr_diff): a config
 * against itself and against the same routing written differently shows
 * no difference; each planted change is caught with the right field and a
 * request that shows it; the JSON report parses; reports are
 * deterministic. (check_diff.c is another suite: the trie against the
 * reference matcher.)
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* ---- fixtures ------------------------------------------------------------- */

#define SERVICE(name, port)                                                        \
  "---\napiVersion: v1\nkind: Service\nmetadata: {name: " name ", namespace: default}\n" \
  "spec: {ports: [{port: " port "}]}\n"

#define SERVICES                                                                   \
  SERVICE("api-v1", "8080") SERVICE("api-v2", "8080") SERVICE("cart", "80")       \
  SERVICE("cart2", "80") SERVICE("debug", "80") SERVICE("rw", "80") SERVICE("web", "80")

/* One route with every kind of rule the planted changes touch. */
static const char base_config[] =
    TU_GW_HTTP TU_ROUTE("default", "shop")
    "  hostnames: [\"shop.example.com\", \"*.apps.example.com\"]\n"
    "  rules:\n"
    "  - matches: [{path: {type: PathPrefix, value: /api}}]\n"
    "    backendRefs: [{name: api-v1, port: 8080, weight: 90}, {name: api-v2, port: 8080, weight: 10}]\n"
    "  - matches: [{path: {type: Exact, value: /cart}}]\n"
    "    backendRefs: [{name: cart, port: 80}]\n"
    "  - matches: [{path: {type: PathPrefix, value: /debug}, headers: [{name: X-Debug, value: \"on\"}]}]\n"
    "    backendRefs: [{name: debug, port: 80}]\n"
    "  - matches: [{path: {type: PathPrefix, value: /old}}]\n"
    "    filters: [{type: RequestRedirect, requestRedirect: {hostname: new.example.com, statusCode: 301}}]\n"
    "  - matches: [{path: {type: PathPrefix, value: /rw}}]\n"
    "    filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /v2}}}]\n"
    "    backendRefs: [{name: rw, port: 80}]\n"
    "  - matches: [{path: {type: PathPrefix, value: /}}]\n"
    "    backendRefs: [{name: web, port: 80}]\n" SERVICES;

/* The same routing: other route names, rules split over two routes and
 * reordered, backends listed in another order, weights scaled. */
static const char same_routing[] =
    TU_GW_HTTP TU_ROUTE("default", "web-and-friends")
    "  hostnames: [\"*.apps.example.com\", \"shop.example.com\"]\n"
    "  rules:\n"
    "  - matches: [{path: {type: PathPrefix, value: /}}]\n"
    "    backendRefs: [{name: web, port: 80}]\n"
    "  - matches: [{path: {type: PathPrefix, value: /rw/}}]\n"
    "    filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /v2}}}]\n"
    "    backendRefs: [{name: rw, port: 80}]\n"
    "  - matches: [{path: {type: PathPrefix, value: /old}}]\n"
    "    filters: [{type: RequestRedirect, requestRedirect: {hostname: new.example.com, statusCode: 301}}]\n"
    "  - matches: [{path: {type: PathPrefix, value: /debug}, headers: [{name: x-debug, value: \"on\"}]}]\n"
    "    backendRefs: [{name: debug, port: 80}]\n"
    "---\n" TU_ROUTE("default", "zz-api")
    "  hostnames: [\"shop.example.com\", \"*.apps.example.com\"]\n"
    "  rules:\n"
    "  - matches: [{path: {type: Exact, value: /cart}}]\n"
    "    backendRefs: [{name: cart, port: 80}]\n"
    "  - matches: [{path: {type: PathPrefix, value: /api}}]\n"
    "    backendRefs: [{name: api-v2, port: 8080, weight: 1}, {name: api-v1, port: 8080, weight: 9}]\n"
    SERVICES;

/* base_config with the first occurrence of `from` replaced by `to`. */
static char *planted(const char *from, const char *to) {
  const char *at = strstr(base_config, from);
  size_t n;
  char *s;
  ck_assert_msg(at != NULL, "fixture lacks '%s'", from);
  n = strlen(base_config) - strlen(from) + strlen(to);
  s = malloc(n + 1);
  ck_assert_ptr_nonnull(s);
  memcpy(s, base_config, (size_t)(at - base_config));
  strcpy(s + (at - base_config), to);
  strcat(s, at + strlen(from));
  return s;
}

/* gwr_diff of two configs; returns the report (caller frees), *n the count. */
static char *diff_configs(const char *old_yaml, const char *new_yaml, int32_t format, size_t *n) {
  tu_ctx *a = tu_build(old_yaml), *b = tu_build(new_yaml);
  char *report = NULL;
  int rc = gwr_diff(a->table, b->table, format, &report, n);
  ck_assert_msg(rc == GWR_OK, "gwr_diff: %d", rc);
  ck_assert_ptr_nonnull(report);
  tu_free(a);
  tu_free(b);
  return report;
}

/* Whether a JSON report has an item differing in `field` whose request
 * host and path contain host and path (NULL: any). */
static int has_item(const tu_json *j, const char *field, const char *host, const char *path) {
  const tu_json *items = tu_json_get(j, "items"), *it;
  size_t i, k;
  ck_assert_ptr_nonnull(items);
  for (i = 0; (it = tu_json_at(items, i)) != NULL; i++) {
    const tu_json *req = tu_json_get(it, "request"), *fields = tu_json_get(it, "fields"), *f;
    const char *h = tu_json_str(tu_json_get(req, "host")), *p = tu_json_str(tu_json_get(req, "path"));
    int found = 0;
    for (k = 0; (f = tu_json_at(fields, k)) != NULL; k++)
      if (tu_json_str(f) && strcmp(tu_json_str(f), field) == 0) found = 1;
    if (found && h && p && (!host || strcmp(h, host) == 0) && (!path || strcmp(p, path) == 0))
      return 1;
  }
  return 0;
}

/* A planted change is caught: differences, the field, and the request. */
static void expect_caught(const char *from, const char *to, const char *field, const char *host,
                          const char *path) {
  char *cfg = planted(from, to), *report;
  size_t n = 0;
  tu_json *j;
  report = diff_configs(base_config, cfg, GWR_FORMAT_JSON, &n);
  ck_assert_msg(n > 0, "'%s' -> '%s': no difference found", from, to);
  j = tu_json_parse(report);
  ck_assert_msg(j != NULL, "report is not JSON: %s", report);
  ck_assert_msg(has_item(j, field, host, path), "'%s' -> '%s': no item with field %s for %s%s:\n%s",
                from, to, field, host ? host : "*", path ? path : "*", report);
  tu_json_free(j);
  gwr_report_free(report);
  free(cfg);
}

/* ---- (a), (b): no difference ---------------------------------------------------- */

START_TEST(self_is_equal) {
  size_t n = 99;
  char *report = diff_configs(base_config, base_config, GWR_FORMAT_TEXT, &n);
  ck_assert_uint_eq(n, 0);
  ck_assert_msg(strstr(report, "no differences") != NULL, "%s", report);
  ck_assert_msg(strstr(report, " requests compared, 0 differ") != NULL, "%s", report);
  gwr_report_free(report);
}
END_TEST

START_TEST(same_routing_written_differently) {
  size_t n = 99;
  char *report = diff_configs(base_config, same_routing, GWR_FORMAT_TEXT, &n);
  ck_assert_msg(n == 0, "%zu differences:\n%s", n, report);
  gwr_report_free(report);
  report = diff_configs(same_routing, base_config, GWR_FORMAT_TEXT, &n);
  ck_assert_msg(n == 0, "%zu differences (reversed):\n%s", n, report);
  gwr_report_free(report);
}
END_TEST

/* ---- (c): planted changes ---------------------------------------------------------- */

START_TEST(planted_backend) {
  expect_caught("backendRefs: [{name: cart, port: 80}]", "backendRefs: [{name: cart2, port: 80}]",
                "backends", "shop.example.com", "/cart");
}
END_TEST

START_TEST(planted_prefix_to_exact) {
  expect_caught("{type: PathPrefix, value: /api}", "{type: Exact, value: /api}", "backends",
                "shop.example.com", "/api/sub");
}
END_TEST

START_TEST(planted_header_match_removed) {
  /* /debug without the header: web before, debug after */
  expect_caught(", headers: [{name: X-Debug, value: \"on\"}]", "", "backends", "shop.example.com",
                "/debug");
}
END_TEST

START_TEST(planted_weights) {
  expect_caught("weight: 90}, {name: api-v2, port: 8080, weight: 10}",
                "weight: 80}, {name: api-v2, port: 8080, weight: 20}", "backends",
                "shop.example.com", "/api");
}
END_TEST

START_TEST(planted_rewrite) {
  expect_caught("replacePrefixMatch: /v2", "replacePrefixMatch: /v3", "upstream_path",
                "shop.example.com", "/rw/sub");
}
END_TEST

START_TEST(planted_redirect_status) {
  expect_caught("statusCode: 301", "statusCode: 302", "status", "shop.example.com", "/old");
}
END_TEST

START_TEST(planted_hostname_removed) {
  expect_caught("hostnames: [\"shop.example.com\", ", "hostnames: [", "action", "shop.example.com",
                "/");
}
END_TEST

START_TEST(planted_wildcard_narrowed) {
  expect_caught("\"*.apps.example.com\"", "\"*.eu.apps.example.com\"", "action", "a.apps.example.com",
                NULL);
}
END_TEST

/* The text report names the fields and shows the request line and both outcomes. */
START_TEST(text_report_shape) {
  char *cfg = planted("statusCode: 301", "statusCode: 302"), *report;
  size_t n = 0;
  report = diff_configs(base_config, cfg, GWR_FORMAT_TEXT, &n);
  ck_assert_uint_gt(n, 0);
  ck_assert_msg(strstr(report, "differs in status") != NULL, "%s", report);
  ck_assert_msg(strstr(report, "  GET http://shop.example.com:80/old\n") != NULL, "%s", report);
  ck_assert_msg(strstr(report, "OLD: redirect 301 to http://new.example.com/old") != NULL, "%s", report);
  ck_assert_msg(strstr(report, "NEW: redirect 302 to http://new.example.com/old") != NULL, "%s", report);
  {
    char want[64];
    snprintf(want, sizeof want, " %zu differ\n", n);
    ck_assert_msg(strstr(report, want) != NULL, "summary lacks '%s':\n%s", want, report);
  }
  gwr_report_free(report);
  free(cfg);
}
END_TEST

/* ---- (d) JSON, (e) determinism, gateways, arguments ----------------------------------- */

START_TEST(json_report_parses) {
  char *cfg = planted("backendRefs: [{name: cart, port: 80}]", "backendRefs: [{name: cart2, port: 80}]");
  char *report;
  size_t n = 0;
  tu_json *j;
  const tu_json *items, *it;
  report = diff_configs(base_config, cfg, GWR_FORMAT_JSON, &n);
  j = tu_json_parse(report);
  ck_assert_msg(j != NULL, "not JSON: %s", report);
  ck_assert_int_eq(tu_json_get(j, "requests")->type, TU_JNUM);
  ck_assert_msg(tu_json_get(j, "requests")->n > 0, "no requests");
  ck_assert_int_eq((size_t)tu_json_get(j, "differences")->n, n);
  ck_assert_int_eq(tu_json_get(j, "unpaired_gateways")->type, TU_JARR);
  items = tu_json_get(j, "items");
  ck_assert_int_eq(items->type, TU_JARR);
  ck_assert_uint_eq(items->count, n);
  it = tu_json_at(items, 0);
  ck_assert_ptr_nonnull(tu_json_get(it, "old_explain"));
  ck_assert_ptr_nonnull(tu_json_get(it, "new_explain"));
  TU_ASSERT_STR(tu_json_str(tu_json_get(tu_json_get(it, "old"), "action")), "forward");
  TU_ASSERT_STR(tu_json_str(tu_json_get(tu_json_at(tu_json_get(tu_json_get(it, "old"), "backends"), 0),
                                        "backend")),
                "default/cart:80");
  TU_ASSERT_STR(tu_json_str(tu_json_get(tu_json_at(tu_json_get(tu_json_get(it, "new"), "backends"), 0),
                                        "backend")),
                "default/cart2:80");
  tu_json_free(j);
  gwr_report_free(report);
  report = diff_configs(base_config, base_config, GWR_FORMAT_JSON, &n);
  j = tu_json_parse(report);
  ck_assert_msg(j != NULL, "not JSON: %s", report);
  ck_assert_uint_eq(tu_json_get(j, "items")->count, 0);
  tu_json_free(j);
  gwr_report_free(report);
  free(cfg);
}
END_TEST

START_TEST(deterministic) {
  char *cfg = planted("weight: 90}, {name: api-v2, port: 8080, weight: 10}",
                      "weight: 80}, {name: api-v2, port: 8080, weight: 20}");
  int32_t format;
  for (format = GWR_FORMAT_TEXT; format <= GWR_FORMAT_JSON; format++) {
    size_t n1 = 0, n2 = 0;
    char *r1 = diff_configs(base_config, cfg, format, &n1);
    char *r2 = diff_configs(base_config, cfg, format, &n2);
    ck_assert_uint_eq(n1, n2);
    ck_assert_str_eq(r1, r2);
    gwr_report_free(r1);
    gwr_report_free(r2);
  }
  free(cfg);
}
END_TEST

#define GW2(name)                                                         \
  TU_OBJ("Gateway", "default", name)                                     \
  "spec:\n  gatewayClassName: c\n  listeners:\n"                         \
  "  - {name: http, port: 80, protocol: HTTP}\n---\n"

START_TEST(unpaired_gateways) {
  size_t n = 0;
  char *report = diff_configs(GW2("a") GW2("b"), GW2("a") GW2("c"), GWR_FORMAT_TEXT, &n);
  ck_assert_uint_eq(n, 2);
  ck_assert_msg(strstr(report, "gateway default/b only in OLD") != NULL, "%s", report);
  ck_assert_msg(strstr(report, "gateway default/c only in NEW") != NULL, "%s", report);
  gwr_report_free(report);
  /* one gateway on each side: paired whatever their names */
  report = diff_configs(GW2("a"), GW2("z"), GWR_FORMAT_TEXT, &n);
  ck_assert_msg(n == 0, "%s", report);
  gwr_report_free(report);
}
END_TEST

START_TEST(bad_arguments) {
  tu_ctx *a = tu_build(base_config);
  char *report = (char *)1;
  size_t n = 7;
  ck_assert_int_eq(gwr_diff(NULL, a->table, GWR_FORMAT_TEXT, &report, &n), GWR_E_INVALID);
  ck_assert_ptr_null(report);
  ck_assert_int_eq(gwr_diff(a->table, a->table, 7, &report, &n), GWR_E_INVALID);
  ck_assert_int_eq(gwr_diff(a->table, a->table, GWR_FORMAT_TEXT, NULL, &n), GWR_E_INVALID);
  ck_assert_int_eq(gwr_diff(a->table, a->table, GWR_FORMAT_TEXT, &report, NULL), GWR_OK);
  gwr_report_free(report);
  tu_free(a);
}
END_TEST

/* Header and query predicates (exact and regex) are satisfied by the
 * generated requests: a changed regex value is seen. */
START_TEST(regex_predicates) {
  static const char old_cfg[] =
      TU_GW_HTTP TU_ROUTE("default", "r")
      "  rules:\n"
      "  - matches: [{path: {type: RegularExpression, value: \"/v[0-9]+/items\"},"
      " headers: [{name: X-Tenant, type: RegularExpression, value: \"acme-[a-z]+\"}],"
      " queryParams: [{name: page, value: \"1\"}]}]\n"
      "    backendRefs: [{name: api-v1, port: 8080}]\n" SERVICES;
  static const char new_cfg[] =
      TU_GW_HTTP TU_ROUTE("default", "r")
      "  rules:\n"
      "  - matches: [{path: {type: RegularExpression, value: \"/v[0-9]+/items\"},"
      " headers: [{name: X-Tenant, type: RegularExpression, value: \"acme-[a-z]+\"}],"
      " queryParams: [{name: page, value: \"1\"}]}]\n"
      "    backendRefs: [{name: api-v2, port: 8080}]\n" SERVICES;
  size_t n = 0;
  char *report = diff_configs(old_cfg, new_cfg, GWR_FORMAT_JSON, &n);
  tu_json *j = tu_json_parse(report);
  ck_assert_msg(j != NULL, "%s", report);
  ck_assert_msg(n > 0 && has_item(j, "backends", NULL, NULL), "%s", report);
  tu_json_free(j);
  gwr_report_free(report);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("diff_tables");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, self_is_equal);
  tcase_add_test(tc, same_routing_written_differently);
  tcase_add_test(tc, planted_backend);
  tcase_add_test(tc, planted_prefix_to_exact);
  tcase_add_test(tc, planted_header_match_removed);
  tcase_add_test(tc, planted_weights);
  tcase_add_test(tc, planted_rewrite);
  tcase_add_test(tc, planted_redirect_status);
  tcase_add_test(tc, planted_hostname_removed);
  tcase_add_test(tc, planted_wildcard_narrowed);
  tcase_add_test(tc, text_report_shape);
  tcase_add_test(tc, json_report_parses);
  tcase_add_test(tc, deterministic);
  tcase_add_test(tc, unpaired_gateways);
  tcase_add_test(tc, bad_arguments);
  tcase_add_test(tc, regex_predicates);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(suite());
  int failed;
  srunner_run_all(sr, CK_ENV);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
