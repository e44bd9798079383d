/* SPDX-License-Identifier: Apache-2.0 */
/*
 * check_hostile.c - inputs built to hurt: control bytes in headers,
 * non-UTF-8 and encoded paths, megabyte header values, 100,000 rules on one
 * hostname, catastrophic regexes, duplicate objects, YAML alias bombs and
 * every configurable bound (document size, depth, string size). Each must
 * end in a clear answer or error, in bounded time, without a crash.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testutil.h"

static double seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static tu_result match_raw(tu_ctx *c, const char *host, const char *path, size_t path_len,
                           const gwr_header *hs, size_t n) {
  gwr_request r = GWR_REQUEST_INIT;
  tu_result out;
  memset(&out, 0, sizeof out);
  r.host = tu_s(host);
  r.path.ptr = path;
  r.path.len = path_len;
  r.method = tu_s("GET");
  r.headers = hs;
  r.header_count = n;
  out.rc = gwr_match(c->d, c->table, &r);
  if (out.rc == GWR_OK) {
    out.action = gwr_decision_action(c->d);
    out.status = (int)gwr_decision_int(c->d, GWR_DI_STATUS);
  }
  return out;
}

/* CR, LF and NUL in request header names and values: the bytes are data,
 * compared as they are (a regex sees them too: '.' stops at a line feed
 * unless (?s)); they never match a configured (validated) name or exact
 * value, and configured values can never carry them (F8). */
START_TEST(control_bytes_in_headers) {
  tu_ctx *c = tu_build(TU_GW_HTTP TU_ROUTE("default", "r")
      "  rules:\n  - matches: [{headers: [{name: x-a, value: '1'}]}]\n    backendRefs: [{name: a, port: 80}]\n"
      "  - matches: [{headers: [{type: RegularExpression, name: x-b, value: '(?s).*'}]}]\n"
      "    backendRefs: [{name: b, port: 80}]\n");
  gwr_header hs[3];
  hs[0].name.ptr = "x-a\r\nx-evil";
  hs[0].name.len = 11;
  hs[0].value = tu_s("1");
  ck_assert_int_eq(match_raw(c, "x", "/", 1, hs, 1).status, 404);
  hs[0].name = tu_s("x-a");
  hs[0].value.ptr = "1\0";
  hs[0].value.len = 2;
  ck_assert_int_eq(match_raw(c, "x", "/", 1, hs, 1).status, 404);
  hs[0].name = tu_s("x-b");
  hs[0].value.ptr = "a\r\nb\0c";
  hs[0].value.len = 6;
  ck_assert_int_eq(match_raw(c, "x", "/", 1, hs, 1).action, GWR_ACTION_FORWARD);
  tu_free(c);

  /* F8: a configured value with CR/LF is rejected with its object */
  c = tu_new();
  tu_add(c, TU_GW_HTTP TU_ROUTE("default", "bad")
         "  rules:\n  - filters: [{type: RequestHeaderModifier, requestHeaderModifier:"
         " {set: [{name: x, value: \"a\\r\\nb\"}]}}]\n    backendRefs: [{name: a, port: 80}]\n");
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 1);
  tu_free(c);
}
END_TEST

/* Paths are bytes: non-UTF-8 matches byte-wise; %2F is not a separator and
 * is not decoded; "." and ".." segments are removed before matching. */
START_TEST(paths_non_utf8_encoded_dots) {
  tu_ctx *c = tu_build(TU_GW_HTTP TU_ROUTE("default", "r")
      "  rules:\n  - matches: [{path: {type: PathPrefix, value: /a}}]\n    backendRefs: [{name: a, port: 80}]\n"
      "  - matches: [{path: {type: RegularExpression, value: '/re/.+'}}]\n    backendRefs: [{name: re, port: 80}]\n");
  static const char bad_utf8[] = "/a/\xff\xfe\xc3(";
  static const char re_utf8[] = "/re/\x80\x81";
  ck_assert_int_eq(match_raw(c, "x", bad_utf8, sizeof bad_utf8 - 1, NULL, 0).action, GWR_ACTION_FORWARD);
  ck_assert_int_eq(match_raw(c, "x", re_utf8, sizeof re_utf8 - 1, NULL, 0).action, GWR_ACTION_FORWARD);
  ck_assert_int_eq(tu_get(c, "x", "/%61").status, 404);       /* no decoding: not "/a" */
  ck_assert_int_eq(tu_get(c, "x", "/a%2Fb").status, 404);     /* "/a%2Fb" is not under "/a" */
  TU_ASSERT_STR(tu_get(c, "x", "/b/../a/c").up_path, "/a/c");    /* dot segments removed */
  ck_assert_int_eq(tu_get(c, "x", "/a/../b").status, 404);
  ck_assert_int_eq(tu_get(c, "x", "*").status, 404);          /* not a path */
  tu_free(c);
}
END_TEST

/* A 1 MB header value: longer than GWR_OPT_MAX_HEADER_BYTES never matches,
 * and the lookup stays a lookup. */
START_TEST(megabyte_header_value) {
  tu_ctx *c = tu_build(TU_GW_HTTP TU_ROUTE("default", "r")
      "  rules:\n  - matches: [{headers: [{type: RegularExpression, name: x-big, value: 'a*'}]}]\n"
      "    backendRefs: [{name: a, port: 80}]\n");
  size_t n = 1 << 20;
  char *big = malloc(n);
  gwr_header h;
  double t0;
  ck_assert_ptr_nonnull(big);
  memset(big, 'a', n);
  h.name = tu_s("x-big");
  h.value.ptr = big;
  h.value.len = n;
  t0 = seconds();
  ck_assert_int_eq(match_raw(c, "x", "/", 1, &h, 1).status, 404);
  ck_assert_msg(seconds() - t0 < 2.0, "a 1 MB header took %.2f s", seconds() - t0);
  h.value.len = 100; /* under the limit: it matches */
  ck_assert_int_eq(match_raw(c, "x", "/", 1, &h, 1).action, GWR_ACTION_FORWARD);
  free(big);
  tu_free(c);
}
END_TEST

/* Regexes built for catastrophic backtracking: the PCRE2 match limit stops
 * them, the predicate does not match, the lookup returns promptly. */
START_TEST(catastrophic_regex) {
  tu_ctx *c = tu_build(TU_GW_HTTP TU_ROUTE("default", "r")
      "  rules:\n  - matches: [{path: {type: RegularExpression, value: '/(a+)+b'}}]\n"
      "    backendRefs: [{name: evil, port: 80}]\n"
      "  - matches: [{headers: [{type: RegularExpression, name: x, value: '(x|xx)+y'}]}]\n"
      "    backendRefs: [{name: evil2, port: 80}]\n");
  char path[4096];
  char value[4096];
  gwr_header h;
  double t0;
  int i;
  path[0] = '/';
  memset(path + 1, 'a', sizeof path - 1);
  memset(value, 'x', sizeof value);
  h.name = tu_s("x");
  h.value.ptr = value;
  h.value.len = sizeof value;
  t0 = seconds();
  for (i = 0; i < 10; i++) {
    ck_assert_int_eq(match_raw(c, "x", path, sizeof path, NULL, 0).status, 404);
    ck_assert_int_eq(match_raw(c, "x", "/", 1, &h, 1).status, 404);
  }
  ck_assert_msg(seconds() - t0 < 5.0, "20 evil lookups took %.2f s", seconds() - t0);
  TU_ASSERT_STR(tu_get(c, "x", "/aaab").backend, "default/evil"); /* it still works */
  tu_free(c);
}
END_TEST

/* 100,000 rules on one hostname (6,250 routes of 16 rules): it compiles and
 * the last route's rules are found. */
START_TEST(hundred_thousand_rules_one_host) {
  tu_buf b = {NULL, 0, 0};
  tu_ctx *c;
  gwr_error err = GWR_ERROR_INIT;
  int r, k;
  tu_buf_printf(&b, "%s", TU_GW_HTTP);
  for (r = 0; r < 6250; r++) {
    tu_buf_printf(&b, TU_V1 "kind: HTTPRoute\nmetadata: {name: r%d, namespace: default}\n"
                  "spec:\n  parentRefs: [{name: gw}]\n  hostnames: [one.example.com]\n  rules:\n", r);
    for (k = 0; k < 16; k++)
      tu_buf_printf(&b, "  - matches: [{path: {type: %s, value: /s%d/k%d}}]\n"
                    "    backendRefs: [{name: b%d, port: 80}]\n", k & 1 ? "Exact" : "PathPrefix", r, k, k);
    tu_buf_printf(&b, "---\n");
  }
  c = tu_new();
  ck_assert_int_eq(tu_add_rc(c, b.p, &err), GWR_OK);
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_OBJECTS), 6251);
  tu_compile(c);
  TU_ASSERT_STR(tu_get(c, "one.example.com", "/s6249/k15").route, "default/r6249");
  TU_ASSERT_STR(tu_get(c, "one.example.com", "/s6249/k14/x").backend, "default/b14");
  TU_ASSERT_STR(tu_get(c, "one.example.com", "/s0/k0/deep/path").route, "default/r0");
  ck_assert_int_eq(tu_get(c, "one.example.com", "/s6250/k0").status, 404);
  tu_free(c);
  tu_buf_free(&b);
}
END_TEST

/* Duplicate objects: the last one wins, as `kubectl apply` leaves it. */
START_TEST(duplicates_last_wins) {
  tu_ctx *c = tu_new();
  tu_add(c, TU_GW_HTTP TU_ROUTE("default", "r")
         "  rules: [{backendRefs: [{name: first, port: 80}]}]\n---\n"
         TU_ROUTE("default", "r") "  rules: [{backendRefs: [{name: second, port: 80}]}]\n");
  tu_add(c, TU_ROUTE("default", "r") "  rules: [{backendRefs: [{name: third, port: 80}]}]\n");
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_OBJECTS), 2);
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_REPLACED), 2);
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_PROBLEMS), 0);
  tu_compile(c);
  TU_ASSERT_STR(tu_get(c, "x", "/").backend, "default/third");
  tu_free(c);
}
END_TEST

/* A billion-laughs YAML is refused quickly; nothing of it is kept. */
START_TEST(yaml_alias_bomb) {
  static const char bomb[] =
      "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
      "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
      "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
      "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
      "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
      "i: [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n";
  tu_ctx *c = tu_new();
  gwr_error err = GWR_ERROR_INIT;
  double t0 = seconds();
  ck_assert_int_eq(tu_add_rc(c, bomb, &err), GWR_E_LIMIT);
  ck_assert_msg(seconds() - t0 < 2.0, "the bomb took %.2f s", seconds() - t0);
  ck_assert_uint_eq(tu_count(c, GWR_COUNT_OBJECTS), 0);
  tu_free(c);
}
END_TEST

/* The document bounds: size, nesting depth, string size, each a limit error
 * naming the bound, each configurable. */
START_TEST(document_bounds) {
  tu_ctx *c = tu_new();
  gwr_error err = GWR_ERROR_INIT;
  tu_buf deep = {NULL, 0, 0}, longstr = {NULL, 0, 0};
  int i;
  ck_assert_int_eq(gwr_config_set_option(c->cfg, GWR_OPT_MAX_DOCUMENT_BYTES, 100), GWR_OK);
  ck_assert_int_eq(tu_add_rc(c, TU_GW_HTTP, &err), GWR_E_LIMIT);
  ck_assert_ptr_nonnull(strstr(err.message, "GWR_OPT_MAX_DOCUMENT_BYTES"));
  ck_assert_int_eq(gwr_config_set_option(c->cfg, GWR_OPT_MAX_DOCUMENT_BYTES, 1 << 20), GWR_OK);
  ck_assert_int_eq(tu_add_rc(c, TU_GW_HTTP, &err), GWR_OK);

  for (i = 0; i < 300; i++) tu_buf_printf(&deep, "[");
  for (i = 0; i < 300; i++) tu_buf_printf(&deep, "]");
  ck_assert_int_eq(tu_add_rc(c, deep.p, &err), GWR_E_LIMIT);
  ck_assert_ptr_nonnull(strstr(err.message, "nesting deeper than 256"));
  ck_assert_int_eq(gwr_config_set_option(c->cfg, GWR_OPT_MAX_DEPTH, 400), GWR_OK);
  ck_assert_int_eq(tu_add_rc(c, deep.p, &err), GWR_OK); /* a list of lists: no object */

  tu_buf_printf(&longstr, "a: '");
  for (i = 0; i < 5000; i++) tu_buf_printf(&longstr, "x");
  tu_buf_printf(&longstr, "'\n");
  ck_assert_int_eq(gwr_config_set_option(c->cfg, GWR_OPT_MAX_STRING_BYTES, 4096), GWR_OK);
  ck_assert_int_eq(tu_add_rc(c, longstr.p, &err), GWR_E_LIMIT);
  ck_assert_ptr_nonnull(strstr(err.message, "string of 5000 bytes"));
  ck_assert_uint_eq(err.line, 1);
  tu_buf_free(&deep);
  tu_buf_free(&longstr);
  tu_free(c);
}
END_TEST

static Suite *hostile_suite(void) {
  Suite *s = suite_create("hostile");
  TCase *tc = tcase_create("hostile");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, control_bytes_in_headers);
  tcase_add_test(tc, paths_non_utf8_encoded_dots);
  tcase_add_test(tc, megabyte_header_value);
  tcase_add_test(tc, catastrophic_regex);
  tcase_add_test(tc, hundred_thousand_rules_one_host);
  tcase_add_test(tc, duplicates_last_wins);
  tcase_add_test(tc, yaml_alias_bomb);
  tcase_add_test(tc, document_bounds);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(hostile_suite());
  int failed;
  srunner_run_all(sr, CK_ENV);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
