/* SPDX-License-Identifier: Apache-2.0 */
/*
 * check_check.c - unit tests for lib/check.c (gwr_check): every expect key
 * passing and failing, header expectations, defaults, coverage counts,
 * the size-tagged summary, schema errors with field paths and lines, JSON
 * test files, the JSON report.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* One Gateway, one route default/r with five rules:
 *   0: /a (Exact /a, PathPrefix /a2) -> a:80, request header set X-A: 1,
 *      remove X-B, response header add X-R: v, a mirror to m:80 (100%)
 *   1: /r -> redirect 301 to https
 *   2: /w -> weighted x:80 / y:80
 *   3: /rw -> rewrite prefix to /new, hostname up.example.com
 *   4: /n (method POST) -> never tested in the coverage test */
static const char config[] =
    TU_GW_HTTP TU_ROUTE("default", "r")
    "  rules:\n"
    "  - matches: [{path: {type: Exact, value: /a}}, {path: {type: PathPrefix, value: /a2}}]\n"
    "    filters:\n"
    "    - {type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: X-A, value: '1'}],"
    " remove: [X-B]}}\n"
    "    - {type: ResponseHeaderModifier, responseHeaderModifier: {add: [{name: X-R, value: v}]}}\n"
    "    - {type: RequestMirror, requestMirror: {backendRef: {name: m, port: 80}}}\n"
    "    backendRefs: [{name: a, port: 80}]\n"
    "  - matches: [{path: {value: /r}}]\n"
    "    filters: [{type: RequestRedirect, requestRedirect: {scheme: https, statusCode: 301}}]\n"
    "  - matches: [{path: {value: /w}}]\n"
    "    backendRefs: [{name: x, port: 80, weight: 1}, {name: y, port: 80, weight: 1}]\n"
    "  - matches: [{path: {value: /rw}}]\n"
    "    filters: [{type: URLRewrite, urlRewrite: {hostname: up.example.com,"
    " path: {type: ReplacePrefixMatch, replacePrefixMatch: /new}}}]\n"
    "    backendRefs: [{name: b, port: 80}]\n"
    "  - matches: [{path: {value: /n}, method: POST}]\n"
    "    backendRefs: [{name: a, port: 80}]\n";

static tu_ctx *ctx;

static void setup(void) { ctx = tu_build(config); }
static void teardown(void) {
  tu_free(ctx);
  ctx = NULL;
}

typedef struct outcome {
  int rc;
  gwr_check_summary s;
  char *report;
  gwr_error err;
} outcome;

static outcome run_flags(const char *tests, int32_t flags) {
  outcome o;
  gwr_error e = GWR_ERROR_INIT;
  memset(&o, 0, sizeof o);
  o.err = e;
  o.s.struct_size = sizeof o.s;
  o.rc = gwr_check(ctx->table, tests, strlen(tests), flags, &o.report, &o.s, &o.err);
  return o;
}

static outcome run(const char *tests) { return run_flags(tests, 0); }

static void done(outcome *o) {
  gwr_report_free(o->report);
  o->report = NULL;
}

static void has(const outcome *o, const char *text) {
  ck_assert_msg(o->report && strstr(o->report, text), "no '%s' in report:\n%s", text,
                o->report ? o->report : "(null)");
}

static void hasnt(const outcome *o, const char *text) {
  ck_assert_msg(o->report && !strstr(o->report, text), "unexpected '%s' in report:\n%s", text,
                o->report ? o->report : "(null)");
}

/* One test named t with a request and an expect (flow YAML). */
#define ONE(req, exp) "- name: t\n  request: " req "\n  expect: " exp "\n"

static void expect_pass(const char *req, const char *exp) {
  char buf[2048];
  outcome o;
  snprintf(buf, sizeof buf, ONE("%s", "%s"), req, exp);
  o = run(buf);
  ck_assert_msg(o.rc == GWR_OK, "rc %d: %s", o.rc, o.err.message);
  ck_assert_msg(o.s.tests == 1 && o.s.failed == 0, "%s / %s failed:\n%s", req, exp, o.report);
  has(&o, "PASS t\n");
  done(&o);
}

/* The test fails with the given "expected KEY X, got Y" line. */
static void expect_fail(const char *req, const char *exp, const char *line) {
  char buf[2048];
  outcome o;
  snprintf(buf, sizeof buf, ONE("%s", "%s"), req, exp);
  o = run(buf);
  ck_assert_msg(o.rc == GWR_OK, "rc %d: %s", o.rc, o.err.message);
  ck_assert_msg(o.s.tests == 1 && o.s.failed == 1, "%s / %s passed:\n%s", req, exp, o.report);
  has(&o, "FAIL t\n");
  has(&o, line);
  done(&o);
}

START_TEST(keys_pass) {
  expect_pass("{host: example.com, path: /a}", "{action: forward}");
  expect_pass("{host: example.com, path: /a}", "{status: 0}");
  expect_pass("{host: example.com, path: /a}", "{backend: a}");
  expect_pass("{host: example.com, path: /a}", "{backend: default/a}");
  expect_pass("{host: example.com, path: /a}", "{backend: 'default/a:80'}");
  expect_pass("{host: example.com, path: /a}", "{backend: 'a:80'}");
  expect_pass("{host: example.com, path: /w}", "{backend_any_of: [x, y]}");
  expect_pass("{host: example.com, path: /a}", "{route: default/r}");
  expect_pass("{host: example.com, path: /a}", "{route: HTTPRoute default/r}");
  expect_pass("{host: example.com, path: /a2/z}", "{rule: 0}");
  expect_pass("{host: example.com, path: /w}", "{rule: 2}");
  expect_pass("{host: example.com, path: /a}", "{listener: default/gw/http}");
  expect_pass("{host: example.com, path: '/rw/x?q=1'}", "{path: '/new/x?q=1', host: up.example.com}");
  expect_pass("{host: example.com, path: /r}",
              "{action: redirect, status: 301, location: 'https://example.com/r'}");
  expect_pass("{host: example.com, path: /a}", "{mirrors: [m]}");
  expect_pass("{host: example.com, path: /w}", "{mirrors: []}");
  expect_pass("{host: example.com, path: /nothing}",
              "{action: respond, status: 404, route: none, backend: none}");
  expect_pass("{protocol: grpc, host: example.com, path: /x.Y/Z}", "{grpc_status: 12}");
  expect_pass("{host: example.com, path: /a}", "{grpc_status: -1}");
  expect_pass("{host: example.com, path: /n, method: POST}", "{rule: 4}");
  /* null is "not given" */
  expect_pass("{host: example.com, path: /a}", "{status: null, backend: null}");
}
END_TEST

START_TEST(keys_fail) {
  expect_fail("{host: example.com, path: /a}", "{action: redirect}",
              "  expected action redirect, got forward\n");
  expect_fail("{host: example.com, path: /a}", "{status: 200}", "  expected status 200, got 0\n");
  expect_fail("{host: example.com, path: /a}", "{backend: b}",
              "  expected backend b, got default/a:80\n");
  expect_fail("{host: example.com, path: /a}", "{backend: 'a:81'}",
              "  expected backend a:81, got default/a:80\n");
  expect_fail("{host: example.com, path: /a}", "{backend: other/a}",
              "  expected backend other/a, got default/a:80\n");
  expect_fail("{host: example.com, path: /r}", "{backend: a}", "  expected backend a, got none\n");
  expect_fail("{host: example.com, path: /a}", "{backend_any_of: [x, y]}",
              "  expected backend_any_of one of x or y, got default/a:80\n");
  expect_fail("{host: example.com, path: /a}", "{route: default/q}",
              "  expected route default/q, got default/r\n");
  expect_fail("{host: example.com, path: /a}", "{route: GRPCRoute default/r}",
              "  expected route GRPCRoute default/r, got HTTPRoute default/r\n");
  expect_fail("{host: example.com, path: /zz}", "{route: default/r}",
              "  expected route default/r, got none\n");
  expect_fail("{host: example.com, path: /a}", "{rule: 1}", "  expected rule 1, got 0\n");
  expect_fail("{host: example.com, path: /zz}", "{rule: 1}", "  expected rule 1, got none\n");
  expect_fail("{host: example.com, path: /a}", "{listener: default/gw/https}",
              "  expected listener default/gw/https, got default/gw/http\n");
  expect_fail("{host: example.com, path: /rw/x}", "{path: /rw/x}",
              "  expected path /rw/x, got /new/x\n");
  expect_fail("{host: example.com, path: /rw/x}", "{host: example.com}",
              "  expected host example.com, got up.example.com\n");
  expect_fail("{host: example.com, path: /r}", "{location: 'http://example.com/r'}",
              "  expected location http://example.com/r, got https://example.com/r\n");
  expect_fail("{host: example.com, path: /a}", "{mirrors: []}",
              "  expected mirrors [], got [default/m:80]\n");
  expect_fail("{host: example.com, path: /w}", "{mirrors: [m]}",
              "  expected mirrors [m], got []\n");
  expect_fail("{protocol: grpc, host: example.com, path: /x.Y/Z}", "{grpc_status: 5}",
              "  expected grpc_status 5, got 12\n");
  expect_fail("{host: example.com, path: /a}", "{grpc_status: 0}",
              "  expected grpc_status 0, got none\n");
  expect_fail("{host: example.com, path: /zz}", "{route: none, status: 200}",
              "  expected status 200, got 404\n");
  /* every mismatched key is listed */
  expect_fail("{host: example.com, path: /a}", "{action: respond, rule: 3}",
              "  expected action respond, got forward\n  expected rule 3, got 0\n");
  /* an unknown gateway fails the test, not the run */
  expect_fail("{gateway: x/y, host: example.com}", "{}",
              "  expected request a routable request, got no such gateway\n");
}
END_TEST

START_TEST(headers) {
  /* request headers: set, remove, untouched, absent; names any case */
  expect_pass("{host: example.com, path: /a, headers: {X-B: gone, X-C: kept, X-A: old}}",
              "{request_headers: {x-a: '1', X-B: null, X-C: kept, X-D: null}}");
  expect_pass("{host: example.com, path: /a, headers: [{name: X-C, value: c1}, [X-C, c2]]}",
              "{request_headers: {X-C: 'c1,c2'}}");
  expect_fail("{host: example.com, path: /a, headers: {X-B: gone}}",
              "{request_headers: {X-B: gone}}",
              "  expected request_headers.X-B gone, got (absent)\n");
  expect_fail("{host: example.com, path: /a}", "{request_headers: {X-A: null}}",
              "  expected request_headers.X-A (absent), got 1\n");
  expect_fail("{host: example.com, path: /a}", "{request_headers: {X-A: '2'}}",
              "  expected request_headers.X-A 2, got 1\n");
  /* response headers: the operations on an empty response */
  expect_pass("{host: example.com, path: /a}", "{response_headers: {X-R: v, X-A: null}}");
  expect_fail("{host: example.com, path: /w}", "{response_headers: {X-R: v}}",
              "  expected response_headers.X-R v, got (absent)\n");
  expect_fail("{host: example.com, path: /a}", "{response_headers: {X-R: null}}",
              "  expected response_headers.X-R (absent), got v\n");
  /* a header value written as a YAML boolean or number is its text */
  expect_pass("{host: example.com, path: /w, headers: {X-T: true, X-N: 7}}",
              "{request_headers: {X-T: true, X-N: 7}}");
}
END_TEST

START_TEST(defaults_and_names) {
  outcome o = run("defaults:\n  request: {host: example.com, path: /a, method: GET}\n"
                  "tests:\n"
                  "- expect: {rule: 0}\n"
                  "- request: {path: /w}\n  expect: {rule: 2}\n"
                  "- name: own name\n  request: {path: /zz}\n  expect: {status: 404}\n");
  ck_assert_int_eq(o.rc, GWR_OK);
  ck_assert_uint_eq(o.s.tests, 3);
  ck_assert_uint_eq(o.s.failed, 0);
  has(&o, "PASS tests[0]\nPASS tests[1]\nPASS own name\n");
  done(&o);
  /* an empty file, an empty list: no tests */
  o = run("");
  ck_assert_int_eq(o.rc, GWR_OK);
  ck_assert_uint_eq(o.s.tests, 0);
  done(&o);
  o = run("tests: []\n");
  ck_assert_int_eq(o.rc, GWR_OK);
  ck_assert_uint_eq(o.s.tests, 0);
  has(&o, "0 tests, 0 failed");
  done(&o);
}
END_TEST

START_TEST(json_test_file) {
  outcome o = run("{\"tests\": [{\"name\": \"j\", \"request\": {\"host\": \"example.com\","
                  " \"path\": \"/a\", \"headers\": [[\"X-C\", \"1\"]]},"
                  " \"expect\": {\"backend\": \"a\", \"rule\": 0, \"request_headers\": "
                  "{\"X-C\": \"1\"}}},"
                  " {\"request\": {\"host\": \"example.com\", \"path\": \"/w\"},"
                  " \"expect\": {\"rule\": 1}}]}");
  ck_assert_int_eq(o.rc, GWR_OK);
  ck_assert_uint_eq(o.s.tests, 2);
  ck_assert_uint_eq(o.s.failed, 1);
  has(&o, "PASS j\nFAIL tests[1]\n  expected rule 1, got 2\n");
  done(&o);
  /* a bare JSON list */
  o = run("[{\"request\": {\"host\": \"example.com\", \"path\": \"/r\"},"
          " \"expect\": {\"action\": \"redirect\"}}]");
  ck_assert_int_eq(o.rc, GWR_OK);
  ck_assert_uint_eq(o.s.tests, 1);
  ck_assert_uint_eq(o.s.failed, 0);
  done(&o);
}
END_TEST

START_TEST(json_report) {
  outcome o = run_flags(ONE("{host: example.com, path: /a}", "{backend: b, rule: 0}")
                        "- name: u\n  request: {host: example.com, path: /w}\n",
                        GWR_CHECK_JSON | GWR_CHECK_COVERAGE | GWR_CHECK_EXPLAIN);
  tu_json *j;
  const tu_json *t0, *f0, *unc;
  ck_assert_int_eq(o.rc, GWR_OK);
  j = tu_json_parse(o.report);
  ck_assert_msg(j != NULL, "not JSON:\n%s", o.report);
  t0 = tu_json_at(tu_json_get(j, "tests"), 0);
  TU_ASSERT_STR(tu_json_str(tu_json_get(t0, "name")), "t");
  ck_assert_int_eq(tu_json_get(t0, "passed")->type, TU_JBOOL);
  ck_assert(tu_json_get(t0, "passed")->n == 0);
  f0 = tu_json_at(tu_json_get(t0, "failures"), 0);
  TU_ASSERT_STR(tu_json_str(tu_json_get(f0, "key")), "backend");
  TU_ASSERT_STR(tu_json_str(tu_json_get(f0, "expected")), "b");
  TU_ASSERT_STR(tu_json_str(tu_json_get(f0, "actual")), "default/a:80");
  ck_assert(tu_json_at(tu_json_get(t0, "failures"), 1) == NULL);
  ck_assert(tu_json_get(t0, "explain") != NULL);
  ck_assert(tu_json_get(tu_json_at(tu_json_get(j, "tests"), 1), "passed")->n == 1);
  ck_assert(tu_json_get(tu_json_get(j, "summary"), "tests")->n == 2);
  ck_assert(tu_json_get(tu_json_get(j, "summary"), "failed")->n == 1);
  ck_assert(tu_json_get(tu_json_get(j, "summary"), "matches")->n == 6);
  ck_assert(tu_json_get(tu_json_get(j, "summary"), "matches_hit")->n == 2);
  unc = tu_json_get(j, "uncovered");
  ck_assert(unc && unc->type == TU_JARR && unc->count == 4);
  TU_ASSERT_STR(tu_json_str(tu_json_get(tu_json_at(unc, 0), "route")), "default/r");
  TU_ASSERT_STR(tu_json_str(tu_json_get(tu_json_at(unc, 0), "kind")), "HTTPRoute");
  TU_ASSERT_STR(tu_json_str(tu_json_get(tu_json_at(unc, 0), "field")),
                "spec.rules[0].matches[1]");
  TU_ASSERT_STR(tu_json_str(tu_json_get(tu_json_at(unc, 0), "conditions")), "PathPrefix /a2");
  ck_assert(tu_json_get(tu_json_at(unc, 0), "rule")->n == 0);
  ck_assert(tu_json_get(tu_json_at(unc, 0), "match")->n == 1);
  tu_json_free(j);
  done(&o);
}
END_TEST

START_TEST(coverage_counts) {
  outcome o = run_flags("- request: {host: example.com, path: /a}\n"
                        "- request: {host: example.com, path: /a}\n"
                        "- request: {host: example.com, path: /r}\n"
                        "- request: {host: example.com, path: /zz}\n",
                        GWR_CHECK_COVERAGE);
  ck_assert_int_eq(o.rc, GWR_OK);
  /* 5 rules, 6 matches; /a and /r hit rules 0 and 1, one match each */
  ck_assert_uint_eq(o.s.rules, 5);
  ck_assert_uint_eq(o.s.rules_hit, 2);
  ck_assert_uint_eq(o.s.matches, 6);
  ck_assert_uint_eq(o.s.matches_hit, 2);
  ck_assert_uint_eq(o.s.coverage_permille, 333);
  has(&o, "coverage\n");
  has(&o, "  HTTPRoute default/r spec.rules[0].matches[1] (PathPrefix /a2): never exercised\n");
  has(&o, "  HTTPRoute default/r spec.rules[4].matches[0] (PathPrefix /n, method POST): never "
          "exercised\n");
  hasnt(&o, "spec.rules[0].matches[0] (");
  hasnt(&o, "spec.rules[1].matches[0] (");
  has(&o, "4 tests, 0 failed; coverage: rules 2/5 (40.0%), matches 2/6 (33.3%)\n");
  done(&o);
  /* without the flag: counts, no list */
  o = run("- request: {host: example.com, path: /a}\n");
  ck_assert_uint_eq(o.s.matches_hit, 1);
  hasnt(&o, "never exercised");
  done(&o);
}
END_TEST

START_TEST(coverage_empty_table) {
  tu_ctx *saved = ctx;
  outcome o;
  ctx = tu_build(TU_GW_HTTP);
  o = run_flags("- request: {host: example.com}\n", GWR_CHECK_COVERAGE);
  ck_assert_int_eq(o.rc, GWR_OK);
  ck_assert_uint_eq(o.s.matches, 0);
  ck_assert_uint_eq(o.s.coverage_permille, 1000);
  has(&o, "every reachable match was exercised");
  done(&o);
  tu_free(ctx);
  ctx = saved;
}
END_TEST

START_TEST(summary_size_tagged) {
  /* an older caller knowing only struct_size, tests and failed */
  struct {
    gwr_check_summary s;
    uint32_t guard[8];
  } box;
  const char *tests = ONE("{host: example.com, path: /a}", "{rule: 1}");
  gwr_error err = GWR_ERROR_INIT;
  size_t i;
  memset(&box, 0xab, sizeof box);
  box.s.struct_size = offsetof(gwr_check_summary, failed) + sizeof(uint32_t);
  ck_assert_int_eq(gwr_check(ctx->table, tests, strlen(tests), 0, NULL, &box.s, &err), GWR_OK);
  ck_assert_uint_eq(box.s.tests, 1);
  ck_assert_uint_eq(box.s.failed, 1);
  ck_assert_uint_eq(box.s.rules, 0xabababab);
  ck_assert_uint_eq(box.s.coverage_permille, 0xabababab);
  for (i = 0; i < 8; i++) ck_assert_uint_eq(box.guard[i], 0xabababab);
  /* NULL report and summary are fine; bad arguments are not */
  ck_assert_int_eq(gwr_check(ctx->table, tests, strlen(tests), 0, NULL, NULL, NULL), GWR_OK);
  ck_assert_int_eq(gwr_check(NULL, tests, strlen(tests), 0, NULL, NULL, NULL), GWR_E_INVALID);
  ck_assert_int_eq(gwr_check(ctx->table, NULL, 5, 0, NULL, NULL, NULL), GWR_E_INVALID);
  ck_assert_int_eq(gwr_check(ctx->table, tests, strlen(tests), 64, NULL, NULL, NULL),
                   GWR_E_INVALID);
}
END_TEST

/* A schema error: the code, the message and the line. */
static void schema_error(const char *tests, int code, const char *message, uint32_t line) {
  outcome o = run(tests);
  ck_assert_msg(o.rc == code, "rc %d, want %d (%s) for:\n%s", o.rc, code, o.err.message, tests);
  ck_assert_msg(strcmp(o.err.message, message) == 0, "message '%s', want '%s'", o.err.message,
                message);
  ck_assert_msg(o.err.line == line, "line %u, want %u (%s)", o.err.line, line, message);
  ck_assert(o.report == NULL);
  done(&o);
}

START_TEST(schema_errors) {
  schema_error("tests:\n- request: {host: a}\n- request: {host: b}\n- request: {host: c}\n"
               "  expect:\n    statsu: 200\n",
               GWR_E_SCHEMA, "tests[2].expect.statsu: unknown field", 6);
  schema_error("- request:\n    hots: a\n", GWR_E_SCHEMA, "tests[0].request.hots: unknown field", 2);
  schema_error("- request: {port: 70000}\n", GWR_E_SCHEMA,
               "tests[0].request.port: must be an integer from 1 to 65535", 1);
  schema_error("- request: {port: '80'}\n", GWR_E_SCHEMA,
               "tests[0].request.port: must be an integer, not a string", 1);
  schema_error("- request: {protocol: quic}\n", GWR_E_SCHEMA,
               "tests[0].request.protocol: must be http, grpc, tls, tcp or udp", 1);
  schema_error("- request: {scheme: ftp}\n", GWR_E_SCHEMA,
               "tests[0].request.scheme: must be http or https", 1);
  schema_error("- request: {gateway: gw}\n", GWR_E_SCHEMA,
               "tests[0].request.gateway: must look like namespace/name", 1);
  schema_error("- request: {headers: [{name: X}]}\n", GWR_E_SCHEMA,
               "tests[0].request.headers[0]: needs name and value", 1);
  schema_error("- request: {headers: [{name: X, value: y, other: z}]}\n", GWR_E_SCHEMA,
               "tests[0].request.headers[0].other: unknown field", 1);
  schema_error("- request: {headers: {X-A: [1]}}\n", GWR_E_SCHEMA,
               "tests[0].request.headers.X-A: must be a string, not a list", 1);
  schema_error("- expect: {action: allow}\n", GWR_E_SCHEMA,
               "tests[0].expect.action: must be forward, redirect, respond or reject", 1);
  schema_error("- expect: {backend_any_of: []}\n", GWR_E_SCHEMA,
               "tests[0].expect.backend_any_of: must not be empty", 1);
  schema_error("- expect: {mirrors: [a, {b: c}]}\n", GWR_E_SCHEMA,
               "tests[0].expect.mirrors[1]: must be a string, not a mapping", 1);
  schema_error("- expect: {request_headers: [a]}\n", GWR_E_SCHEMA,
               "tests[0].expect.request_headers: must be a mapping of header name to value or "
               "null, not a list",
               1);
  schema_error("- expect: {rule: x}\n", GWR_E_SCHEMA,
               "tests[0].expect.rule: must be an integer, not a string", 1);
  schema_error("- expect: {route: null, nope: null}\n", GWR_E_SCHEMA,
               "tests[0].expect.nope: unknown field", 1);
  schema_error("- request: {}\n  extra: 1\n", GWR_E_SCHEMA, "tests[0].extra: unknown field", 2);
  schema_error("- 5\n", GWR_E_SCHEMA, "tests[0]: must be a mapping, not an integer", 1);
  schema_error("tests: {a: 1}\n", GWR_E_SCHEMA, "tests: must be a list, not a mapping", 1);
  schema_error("test: []\n", GWR_E_SCHEMA, "test: unknown field", 1);
  schema_error("defaults:\n  request: {host: a}\n  expect: {}\ntests: []\n", GWR_E_SCHEMA,
               "defaults.expect: unknown field", 3);
  schema_error("defaults: {request: {port: 0}}\ntests: []\n", GWR_E_SCHEMA,
               "defaults.request.port: must be an integer from 1 to 65535", 1);
  schema_error("{\n\"tests\": [\n{\"expect\": {\"sttus\": 1}}]}\n", GWR_E_SCHEMA,
               "tests[0].expect.sttus: unknown field", 3);
  schema_error("- a\n---\n- b\n", GWR_E_SCHEMA, "a test file holds one document", 3);
}
END_TEST

START_TEST(parse_errors) {
  outcome o = run("tests: [\n");
  ck_assert_int_eq(o.rc, GWR_E_PARSE);
  ck_assert_uint_eq(o.err.line, 2);
  ck_assert_msg(strncmp(o.err.message, "<tests>", 7) != 0, "message '%s'", o.err.message);
  ck_assert(o.report == NULL);
  done(&o);
  o = run("a: 1\na: 2\n");
  ck_assert_int_eq(o.rc, GWR_E_PARSE);
  ck_assert_uint_eq(o.err.line, 2);
  done(&o);
}
END_TEST

START_TEST(explain_flag) {
  /* with GWR_CHECK_EXPLAIN a failing test carries the trace when explain
   * can render one; a passing test never does */
  outcome o = run_flags(ONE("{host: example.com, path: /a}", "{rule: 0}"), GWR_CHECK_EXPLAIN);
  ck_assert_int_eq(o.rc, GWR_OK);
  ck_assert_str_eq(o.report, "PASS t\n1 tests, 0 failed; coverage: rules 1/5 (20.0%), matches 1/6 "
                             "(16.6%)\n");
  done(&o);
  o = run_flags(ONE("{host: example.com, path: /a}", "{rule: 2}"), GWR_CHECK_EXPLAIN);
  ck_assert_int_eq(o.rc, GWR_OK);
  has(&o, "FAIL t\n  expected rule 2, got 0\n");
  done(&o);
}
END_TEST

/* review findings: whole header values, huge ports, none in backend_any_of,
 * names that cannot forge report lines */
START_TEST(review_edges) {
  outcome o;
  expect_fail("{host: example.com, path: /a, headers: {X-C: \"ab\\0cd\"}}", "{request_headers: {X-C: ab}}",
              "  expected request_headers.X-C ab, got ab");
  expect_pass("{host: example.com, path: /a, headers: {X-C: \"ab\\0cd\"}}",
              "{request_headers: {X-C: \"ab\\0cd\"}}");
  expect_fail("{host: example.com, path: /a}", "{backend: 'default/a:18446744073709551696'}",
              "  expected backend default/a:18446744073709551696, got default/a:80\n");
  expect_pass("{host: example.com, path: /zzz}", "{backend_any_of: [none, default/a]}");
  o = run("tests:\n- name: \"x\\nPASS forged\"\n  request: {host: example.com, path: /zzz}\n"
          "  expect: {action: forward}\n");
  has(&o, "FAIL x\\x0aPASS forged\n");
  done(&o);
}
END_TEST

static Suite *check_suite(void) {
  Suite *s = suite_create("check");
  TCase *tc = tcase_create("check");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, keys_pass);
  tcase_add_test(tc, keys_fail);
  tcase_add_test(tc, headers);
  tcase_add_test(tc, defaults_and_names);
  tcase_add_test(tc, json_test_file);
  tcase_add_test(tc, json_report);
  tcase_add_test(tc, coverage_counts);
  tcase_add_test(tc, coverage_empty_table);
  tcase_add_test(tc, summary_size_tagged);
  tcase_add_test(tc, schema_errors);
  tcase_add_test(tc, parse_errors);
  tcase_add_test(tc, explain_flag);
  tcase_add_test(tc, review_edges);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(check_suite());
  int failed;
  srunner_run_all(sr, CK_ENV);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
