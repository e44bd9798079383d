/* SPDX-License-Identifier: Apache-2.0 */
/*
 * check_lint.c - unit tests for lib/lint.c (gwr_lint): the crafted cases of
 * tests/lint/<case>/ (config.yaml and expect.json: the finding count and
 * the kind, first object, first field and second object of each expected
 * finding), the seed demo (no findings), the gRPC and L4 planes, argument
 * checks and a large bucket (bounded work). Every example request in a
 * report is also checked for consistency with the finding it illustrates.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "testutil.h"

/* tests/ of the source tree, from this file's own path. */
static const char *tests_dir(void) {
  static char dir[4096];
  const char *at;
  if (dir[0]) return dir;
  snprintf(dir, sizeof dir, "%s", __FILE__);
  at = strstr(dir, "/unit/check_lint.c");
  ck_assert_msg(at != NULL, "cannot locate tests/ from %s", __FILE__);
  dir[at - dir] = '\0';
  return dir;
}

static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  char *text;
  long n;
  ck_assert_msg(f != NULL, "cannot open %s", path);
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  text = malloc((size_t)n + 1);
  ck_assert_ptr_nonnull(text);
  ck_assert_int_eq(fread(text, 1, (size_t)n, f), (size_t)n);
  text[n] = '\0';
  fclose(f);
  return text;
}

/* gwr_lint as JSON, parsed; *count receives the findings. */
static tu_json *lint_json(const gwr_table *t, size_t *count) {
  char *report = NULL;
  tu_json *j;
  ck_assert_int_eq(gwr_lint(t, GWR_FORMAT_JSON, &report, count), GWR_OK);
  j = tu_json_parse(report);
  ck_assert_msg(j != NULL, "lint JSON does not parse:\n%s", report);
  gwr_report_free(report);
  return j;
}

static const char *jstr(const tu_json *j, const char *key) {
  const char *s = tu_json_str(tu_json_get(j, key));
  return s ? s : "";
}

static const char *jat(const tu_json *j, const char *key, size_t i) {
  const char *s = tu_json_str(tu_json_at(tu_json_get(j, key), i));
  return s ? s : "";
}

/* Every finding: objects and fields parallel; an example about a match
 * entry was routed by the entry named second. */
static void check_consistent(const tu_json *report) {
  const tu_json *fs = tu_json_get(report, "findings");
  size_t i;
  ck_assert_ptr_nonnull(fs);
  for (i = 0; i < fs->count; i++) {
    const tu_json *f = fs->items[i], *ex = tu_json_get(f, "example"), *to = tu_json_get(f, "routed_to");
    const char *kind = jstr(f, "kind");
    ck_assert_uint_eq(tu_json_get(f, "objects")->count, tu_json_get(f, "fields")->count);
    ck_assert_msg(strlen(jstr(f, "message")) > 0, "finding %zu has no message", i);
    if (strcmp(kind, "unreachable") == 0 || strcmp(kind, "partially-shadowed") == 0) {
      ck_assert_msg(ex && ex->type == TU_JOBJ && to && to->type == TU_JOBJ, "%s without an example", kind);
      ck_assert_str_eq(jstr(to, "route"), jat(f, "objects", 1));
      ck_assert_str_eq(jstr(f, "severity"), strcmp(kind, "unreachable") == 0 ? "error" : "warning");
    }
  }
}

static size_t count_kind(const tu_json *report, const char *kind) {
  const tu_json *fs = tu_json_get(report, "findings");
  size_t i, n = 0;
  for (i = 0; i < fs->count; i++) n += strcmp(jstr(fs->items[i], "kind"), kind) == 0;
  return n;
}

static void run_case(const char *name) {
  char path[4200];
  char *yaml, *expect_text, *text = NULL;
  tu_json *expect, *got;
  const tu_json *want, *fs;
  size_t count = 99, text_count = 99, i, k;
  tu_ctx *c;
  snprintf(path, sizeof path, "%s/lint/%s/config.yaml", tests_dir(), name);
  yaml = read_file(path);
  snprintf(path, sizeof path, "%s/lint/%s/expect.json", tests_dir(), name);
  expect_text = read_file(path);
  expect = tu_json_parse(expect_text);
  ck_assert_msg(expect != NULL, "%s: expect.json does not parse", name);
  c = tu_build(yaml);
  got = lint_json(c->table, &count);
  fs = tu_json_get(got, "findings");
  ck_assert_msg(count == (size_t)tu_json_get(expect, "count")->n && fs->count == count,
                "%s: %zu findings, want %.0f", name, count, tu_json_get(expect, "count")->n);
  ck_assert_int_eq(gwr_lint(c->table, GWR_FORMAT_TEXT, &text, &text_count), GWR_OK);
  ck_assert_uint_eq(text_count, count);
  if (count == 0)
    ck_assert_str_eq(text, "no findings\n");
  else
    ck_assert_msg(strstr(text, " finding") != NULL, "%s: text has no summary:\n%s", name, text);
  gwr_report_free(text);
  want = tu_json_get(expect, "findings");
  for (i = 0; i < want->count; i++) {
    const tu_json *w = want->items[i];
    const char *other = tu_json_str(tu_json_get(w, "covered_by"));
    int found = 0;
    for (k = 0; k < fs->count && !found; k++) {
      const tu_json *f = fs->items[k];
      found = strcmp(jstr(f, "kind"), jstr(w, "kind")) == 0 &&
              strcmp(jat(f, "objects", 0), jstr(w, "object")) == 0 &&
              strcmp(jat(f, "fields", 0), jstr(w, "field")) == 0 &&
              (!other || strcmp(jat(f, "objects", 1), other) == 0);
    }
    ck_assert_msg(found, "%s: no %s finding for %s %s", name, jstr(w, "kind"), jstr(w, "object"),
                  jstr(w, "field"));
  }
  check_consistent(got);
  tu_json_free(got);
  tu_json_free(expect);
  free(expect_text);
  free(yaml);
  tu_free(c);
}

START_TEST(test_cases) {
  char dir[4200];
  DIR *d;
  struct dirent *de;
  size_t cases = 0;
  snprintf(dir, sizeof dir, "%s/lint", tests_dir());
  d = opendir(dir);
  ck_assert_msg(d != NULL, "cannot open %s", dir);
  while ((de = readdir(d))) {
    char p[4400];
    struct stat st;
    if (de->d_name[0] == '.') continue;
    snprintf(p, sizeof p, "%s/%s/expect.json", dir, de->d_name);
    if (stat(p, &st) != 0) continue;
    run_case(de->d_name);
    cases++;
  }
  closedir(d);
  ck_assert_uint_ge(cases, 8);
}
END_TEST

/* The seed demo has nothing to report. */
START_TEST(test_seed_demo) {
  char dir[4200];
  gwr_config *cfg = NULL;
  gwr_table *t = NULL;
  gwr_error err = GWR_ERROR_INIT;
  size_t count = 99;
  char *text = NULL;
  snprintf(dir, sizeof dir, "%s/../examples/manifests", tests_dir());
  ck_assert_int_eq(gwr_config_new(&cfg, NULL), GWR_OK);
  gwr_config_load_path(cfg, dir, strlen(dir), &err); /* 40-broken.yaml's route is rejected on purpose */
  ck_assert_int_eq(gwr_table_compile(&t, cfg, &err), GWR_OK);
  ck_assert_int_eq(gwr_lint(t, GWR_FORMAT_TEXT, &text, &count), GWR_OK);
  ck_assert_msg(count == 0, "the seed demo has findings:\n%s", text);
  ck_assert_str_eq(text, "no findings\n");
  gwr_report_free(text);
  ck_assert_int_eq(gwr_lint(t, GWR_FORMAT_JSON, &text, NULL), GWR_OK);
  ck_assert_str_eq(text, "{\"findings\":[],\"errors\":0,\"warnings\":0}\n");
  gwr_report_free(text);
  gwr_table_unref(t);
  gwr_config_free(cfg);
}
END_TEST

START_TEST(test_arguments) {
  tu_ctx *c = tu_build(TU_GW_HTTP TU_ROUTE("default", "r") "  rules:\n  - backendRefs: [{name: a, port: 80}]\n");
  char *report = (char *)"x";
  size_t n = 7;
  ck_assert_int_eq(gwr_lint(NULL, GWR_FORMAT_TEXT, &report, &n), GWR_E_INVALID);
  ck_assert_ptr_null(report);
  ck_assert_uint_eq(n, 0);
  ck_assert_int_eq(gwr_lint(c->table, 7, &report, &n), GWR_E_INVALID);
  ck_assert_int_eq(gwr_lint(c->table, GWR_FORMAT_TEXT, NULL, &n), GWR_E_INVALID);
  ck_assert_int_eq(gwr_lint(c->table, GWR_FORMAT_TEXT, &report, NULL), GWR_OK);
  ck_assert_str_eq(report, "no findings\n");
  gwr_report_free(report);
  tu_free(c);
}
END_TEST

/* Two GRPCRoutes with the same method on one host: the newer never wins,
 * shown with a gRPC request. */
START_TEST(test_grpc_plane) {
  const char *yaml =
      TU_GW_HTTP
      "apiVersion: gateway.networking.k8s.io/v1\nkind: GRPCRoute\n"
      "metadata: {name: g1, namespace: default, creationTimestamp: '2026-01-01T00:00:00Z'}\n"
      "spec:\n  parentRefs: [{name: gw}]\n  hostnames: [grpc.example.com]\n  rules:\n"
      "  - matches: [{method: {service: shop.Orders, method: Get}}]\n"
      "    backendRefs: [{name: a, port: 9090}]\n---\n"
      "apiVersion: gateway.networking.k8s.io/v1\nkind: GRPCRoute\n"
      "metadata: {name: g2, namespace: default, creationTimestamp: '2026-01-02T00:00:00Z'}\n"
      "spec:\n  parentRefs: [{name: gw}]\n  hostnames: [grpc.example.com]\n  rules:\n"
      "  - matches: [{method: {service: shop.Orders, method: Get}}]\n"
      "    backendRefs: [{name: b, port: 9090}]\n";
  tu_ctx *c = tu_build(yaml);
  size_t n = 0;
  tu_json *j = lint_json(c->table, &n);
  const tu_json *f, *ex;
  ck_assert_uint_eq(n, 1);
  f = tu_json_at(tu_json_get(j, "findings"), 0);
  ck_assert_str_eq(jstr(f, "kind"), "unreachable");
  ck_assert_str_eq(jat(f, "objects", 0), "GRPCRoute default/g2");
  ck_assert_str_eq(jat(f, "objects", 1), "GRPCRoute default/g1");
  ex = tu_json_get(f, "example");
  ck_assert_str_eq(jstr(ex, "protocol"), "grpc");
  ck_assert_str_eq(jstr(ex, "path"), "/shop.Orders/Get");
  ck_assert_uint_eq(count_kind(j, "unreachable"), 1);
  check_consistent(j);
  tu_json_free(j);
  tu_free(c);
}
END_TEST

/* A header regex and an Exact value: coverage needs the predicate to be
 * identical, so a regex does not cover the value it happens to match. */
START_TEST(test_predicates_identical) {
  tu_buf b = {NULL, 0, 0};
  tu_ctx *c;
  size_t n = 9;
  tu_json *j;
  tu_buf_printf(&b, "%s%s", TU_GW_HTTP,
                TU_ROUTE("default", "r") "  rules:\n"
                "  - matches: [{path: {type: RegularExpression, value: '/x/.*'},"
                " headers: [{name: v, type: RegularExpression, value: '[0-9]+'}]}]\n"
                "    backendRefs: [{name: a, port: 80}]\n"
                "  - matches: [{path: {type: PathPrefix, value: /x/y}, headers: [{name: V, value: '1'}]}]\n"
                "    backendRefs: [{name: a, port: 80}]\n");
  c = tu_build(b.p);
  j = lint_json(c->table, &n);
  ck_assert_uint_eq(n, 0);
  tu_json_free(j);
  tu_free(c);
  tu_buf_free(&b);
}
END_TEST

/* A large bucket (4000 entries, 250 routes of 16 rules): the analysis is
 * bounded and finds a duplicate next to its original as well as one far
 * from it (through the entry its example request goes to). */
START_TEST(test_large_bucket) {
  tu_buf b = {NULL, 0, 0};
  tu_ctx *c;
  size_t n = 0, i, k;
  tu_json *j;
  const tu_json *fs;
  int near = 0, far = 0;
  tu_buf_printf(&b, "%s", TU_GW_HTTP);
  for (i = 0; i < 250; i++) {
    tu_buf_printf(&b, "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n"
                      "metadata: {name: r%03zu, namespace: default}\nspec:\n  parentRefs: [{name: gw}]\n"
                      "  rules:\n", i);
    for (k = 0; k < 16; k++)
      tu_buf_printf(&b, "  - matches: [{path: {type: Exact, value: /p/%zu/%zu}}]\n"
                        "    backendRefs: [{name: a, port: 80}]\n", i, k);
    tu_buf_printf(&b, "---\n");
  }
  /* a newer route repeating the last entry of the length-9 group (adjacent
   * in rank order) and one ~900 entries before it */
  tu_buf_printf(&b, "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n"
                    "metadata: {name: dup, namespace: default, creationTimestamp: '2026-01-01T00:00:00Z'}\n"
                    "spec:\n  parentRefs: [{name: gw}]\n  rules:\n"
                    "  - matches: [{path: {type: Exact, value: /p/249/15}}]\n"
                    "    backendRefs: [{name: a, port: 80}]\n"
                    "  - matches: [{path: {type: Exact, value: /p/100/10}}]\n"
                    "    backendRefs: [{name: a, port: 80}]\n");
  c = tu_build(b.p);
  j = lint_json(c->table, &n);
  ck_assert_uint_eq(n, 2);
  fs = tu_json_get(j, "findings");
  for (i = 0; i < fs->count; i++) {
    near |= strcmp(jat(fs->items[i], "fields", 0), "spec.rules[0].matches[0]") == 0 &&
            strcmp(jat(fs->items[i], "objects", 1), "HTTPRoute default/r249") == 0;
    far |= strcmp(jat(fs->items[i], "fields", 0), "spec.rules[1].matches[0]") == 0 &&
           strcmp(jat(fs->items[i], "objects", 1), "HTTPRoute default/r100") == 0;
  }
  ck_assert(near && far);
  check_consistent(j);
  tu_json_free(j);
  tu_free(c);
  tu_buf_free(&b);
}
END_TEST

/* A rule with matches on two hostnames is compared per hostname bucket: on
 * the host where nothing covers it, it is reachable (P1). */
START_TEST(test_per_bucket) {
  tu_buf b = {NULL, 0, 0};
  tu_ctx *c;
  size_t n = 9;
  tu_json *j;
  tu_buf_printf(&b, "%s%s", TU_GW_HTTP,
                TU_OBJ("HTTPRoute", "default", "a") "spec:\n  parentRefs: [{name: gw}]\n"
                "  hostnames: [a.example.com]\n  rules:\n"
                "  - backendRefs: [{name: a, port: 80}]\n---\n"
                TU_OBJ("HTTPRoute", "default", "b") "spec:\n  parentRefs: [{name: gw}]\n"
                "  hostnames: ['*.example.com']\n  rules:\n"
                "  - matches: [{path: {type: PathPrefix, value: /b}}]\n"
                "    backendRefs: [{name: b, port: 80}]\n");
  c = tu_build(b.p);
  j = lint_json(c->table, &n);
  ck_assert_uint_eq(n, 0);
  tu_json_free(j);
  tu_free(c);
  tu_buf_free(&b);
}
END_TEST

/* Values with quotes, backslashes and control bytes: the JSON report
 * still parses and carries them back unchanged. */
START_TEST(test_json_escaping) {
  tu_buf b = {NULL, 0, 0};
  tu_ctx *c;
  size_t n = 0;
  tu_json *j;
  const tu_json *hs;
  tu_buf_printf(&b, "%s%s%s", TU_GW_HTTP,
                TU_OBJ("HTTPRoute", "default", "a") "spec:\n  parentRefs: [{name: gw}]\n  rules:\n"
                "  - matches: [{path: {type: PathPrefix, value: /q}, headers: [{name: X-A, value: 'a\"b\\\\c'}]}]\n"
                "    backendRefs: [{name: a, port: 80}]\n---\n",
                TU_OBJ("HTTPRoute", "default", "b") "spec:\n  parentRefs: [{name: gw}]\n  rules:\n"
                "  - matches: [{path: {type: PathPrefix, value: /q}, headers: [{name: X-B, value: \"t\\tu\"}]}]\n"
                "    backendRefs: [{name: b, port: 80}]\n");
  c = tu_build(b.p);
  j = lint_json(c->table, &n);
  ck_assert_uint_eq(n, 1);
  hs = tu_json_get(tu_json_get(tu_json_at(tu_json_get(j, "findings"), 0), "example"), "headers");
  ck_assert_ptr_nonnull(hs);
  ck_assert_uint_eq(hs->count, 2);
  ck_assert_str_eq(jstr(hs->items[0], "value"), "t\tu");
  ck_assert_str_eq(jstr(hs->items[1], "value"), "a\"b\\\\c");
  check_consistent(j);
  tu_json_free(j);
  tu_free(c);
  tu_buf_free(&b);
}
END_TEST

static Suite *lint_suite(void) {
  Suite *s = suite_create("lint");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_cases);
  tcase_add_test(tc, test_seed_demo);
  tcase_add_test(tc, test_arguments);
  tcase_add_test(tc, test_grpc_plane);
  tcase_add_test(tc, test_predicates_identical);
  tcase_add_test(tc, test_large_bucket);
  tcase_add_test(tc, test_per_bucket);
  tcase_add_test(tc, test_json_escaping);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(lint_suite());
  int failed;
  srunner_run_all(sr, CK_ENV);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
