/* SPDX-License-Identifier: Apache-2.0 */
/*
 * check_match.c - unit tests for lib/match.c (with compile.c and table.c
 * behind it), through the public API only: YAML config -> table ->
 * gwr_match() -> decision. Covers digest §1.5 A24-A26, §2.2-2.3 H3-H11,
 * §3.1 precedence and P1, §3.3 regex order, §4.2 B1-B6 and §11 cases
 * 11.6-11.35, plus the API promises of gwroute.h §9-§10 (unknown gateway,
 * table swap, threads).
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "hash.h"
#include "testutil.h"

/* ---- helpers ---------------------------------------------------------------- */

#define ASSERT_FWD(what, res, want_route, want_rule)                                       \
  do {                                                                                     \
    tu_result r_ = (res);                                                                  \
    ck_assert_msg(r_.rc == GWR_OK && r_.action == GWR_ACTION_FORWARD &&                    \
                      strcmp(r_.route, (want_route)) == 0 && r_.rule == (want_rule),      \
                  "%s: got rc=%d action=%d status=%d route='%s' rule=%d match=%d "         \
                  "reason='%s'; want forward by %s rule %d",                              \
                  (what), r_.rc, r_.action, r_.status, r_.route, r_.rule, r_.match,        \
                  r_.reason, (want_route), (want_rule));                                   \
  } while (0)

#define ASSERT_RESPOND(what, res, want_status)                                             \
  do {                                                                                     \
    tu_result r_ = (res);                                                                  \
    ck_assert_msg(r_.rc == GWR_OK && r_.action == GWR_ACTION_RESPOND &&                    \
                      r_.status == (want_status),                                          \
                  "%s: got rc=%d action=%d status=%d route='%s' rule=%d reason='%s'; "     \
                  "want respond %d",                                                       \
                  (what), r_.rc, r_.action, r_.status, r_.route, r_.rule, r_.reason,       \
                  (want_status));                                                          \
  } while (0)

/* GET on the only Gateway, Host example.com */
#define GET(c, path) tu_get((c), "example.com", (path))

/* A config of TU_GW_HTTP and one route default/r whose rules are given. */
static tu_ctx *route_rules(const char *rules) {
  tu_buf b = {NULL, 0, 0};
  tu_ctx *c;
  tu_buf_printf(&b, "%s%s  rules:\n%s", TU_GW_HTTP, TU_ROUTE("default", "r"), rules);
  c = tu_build(b.p);
  tu_buf_free(&b);
  return c;
}

/* One rule with the given matches list (flow YAML) and a backend. */
static tu_ctx *route_matches(const char *matches) {
  tu_buf b = {NULL, 0, 0};
  tu_ctx *c;
  tu_buf_printf(&b, "  - matches: %s\n    backendRefs: [{name: a, port: 80}]\n", matches);
  c = route_rules(b.p);
  tu_buf_free(&b);
  return c;
}

static tu_result get_with(tu_ctx *c, const char *method, const char *path,
                          const char *const *headers) {
  tu_req r;
  memset(&r, 0, sizeof r);
  r.host = "example.com";
  r.method = method;
  r.path = path;
  r.headers = headers;
  return tu_match(c, &r);
}

/* ---- H3: Exact ----------------------------------------------------------------- */

/* H3, 11.15: byte-for-byte, case-sensitive equality. */
START_TEST(h3_exact) {
  tu_ctx *c = route_matches("[{path: {type: Exact, value: /one}}]");
  ASSERT_FWD("/one", GET(c, "/one"), "default/r", 0);
  ASSERT_RESPOND("/one/example", GET(c, "/one/example"), 404);
  ASSERT_RESPOND("/two/", GET(c, "/two/"), 404);
  ASSERT_RESPOND("/Two", GET(c, "/Two"), 404);
  ASSERT_RESPOND("/", GET(c, "/"), 404);
  ASSERT_RESPOND("/one/", GET(c, "/one/"), 404);
  ASSERT_RESPOND("/onex", GET(c, "/onex"), 404);
  ASSERT_RESPOND("/One", GET(c, "/One"), 404);
  ASSERT_RESPOND("/on", GET(c, "/on"), 404);
  tu_free(c);
}
END_TEST

/* H3: an Exact value with a trailing slash matches only with the slash. */
START_TEST(h3_exact_trailing_slash) {
  tu_ctx *c = route_matches("[{path: {type: Exact, value: /abc/}}]");
  ASSERT_FWD("/abc/", GET(c, "/abc/"), "default/r", 0);
  ASSERT_RESPOND("/abc", GET(c, "/abc"), 404);
  ASSERT_RESPOND("/abc/d", GET(c, "/abc/d"), 404);
  tu_free(c);
}
END_TEST

/* H3: Exact "/" is only the root. */
START_TEST(h3_exact_root) {
  tu_ctx *c = route_matches("[{path: {type: Exact, value: /}}]");
  ASSERT_FWD("/", GET(c, "/"), "default/r", 0);
  ASSERT_RESPOND("/a", GET(c, "/a"), 404);
  tu_free(c);
}
END_TEST

/* H2, 11.18: the query is not part of the matched path. */
START_TEST(h2_query_ignored_11_18) {
  tu_ctx *c = route_matches("[{path: {type: Exact, value: /abc}}]");
  ASSERT_FWD("/abc?x=1", GET(c, "/abc?x=1"), "default/r", 0);
  ASSERT_FWD("/abc?", GET(c, "/abc?"), "default/r", 0);
  ASSERT_RESPOND("/abc/?x=1", GET(c, "/abc/?x=1"), 404);
  tu_free(c);
}
END_TEST

/* ---- H4: PathPrefix ------------------------------------------------------------- */

/* H4: the digest's table for "/abc". */
START_TEST(h4_prefix_abc) {
  tu_ctx *c = route_matches("[{path: {type: PathPrefix, value: /abc}}]");
  ASSERT_FWD("/abc", GET(c, "/abc"), "default/r", 0);
  ASSERT_FWD("/abc/", GET(c, "/abc/"), "default/r", 0);
  ASSERT_FWD("/abc/def", GET(c, "/abc/def"), "default/r", 0);
  ASSERT_FWD("/abc/def/ghi", GET(c, "/abc/def/ghi"), "default/r", 0);
  ASSERT_RESPOND("/abcd", GET(c, "/abcd"), 404);
  ASSERT_RESPOND("/ABC", GET(c, "/ABC"), 404);
  ASSERT_RESPOND("/ab", GET(c, "/ab"), 404);
  ASSERT_RESPOND("/", GET(c, "/"), 404);
  tu_free(c);
}
END_TEST

/* H4, 11.17: "/abc/" ignores its trailing slash: "/abc" matches. */
START_TEST(h4_prefix_trailing_slash_11_17) {
  tu_ctx *c = route_matches("[{path: {type: PathPrefix, value: /abc/}}]");
  ASSERT_FWD("/abc", GET(c, "/abc"), "default/r", 0);
  ASSERT_FWD("/abc/", GET(c, "/abc/"), "default/r", 0);
  ASSERT_FWD("/abc/x", GET(c, "/abc/x"), "default/r", 0);
  ASSERT_RESPOND("/abcx", GET(c, "/abcx"), 404);
  tu_free(c);
}
END_TEST

/* H4: "/" matches everything. */
START_TEST(h4_prefix_root) {
  tu_ctx *c = route_matches("[{path: {type: PathPrefix, value: /}}]");
  ASSERT_FWD("/", GET(c, "/"), "default/r", 0);
  ASSERT_FWD("/x", GET(c, "/x"), "default/r", 0);
  ASSERT_FWD("/x/y/", GET(c, "/x/y/"), "default/r", 0);
  tu_free(c);
}
END_TEST

/* H4, 11.16 (conformance): element-wise on '/'. */
START_TEST(h4_prefix_v2_11_16) {
  tu_ctx *c = route_matches("[{path: {type: PathPrefix, value: /v2}}]");
  ASSERT_FWD("/v2", GET(c, "/v2"), "default/r", 0);
  ASSERT_FWD("/v2/", GET(c, "/v2/"), "default/r", 0);
  ASSERT_FWD("/v2/example", GET(c, "/v2/example"), "default/r", 0);
  ASSERT_RESPOND("/v2example", GET(c, "/v2example"), 404);
  ASSERT_RESPOND("/foo/v2/example", GET(c, "/foo/v2/example"), 404);
  tu_free(c);
}
END_TEST

/* H4: multi-segment prefixes. */
START_TEST(h4_prefix_multi_segment) {
  tu_ctx *c = route_matches("[{path: {type: PathPrefix, value: /a/b}}]");
  ASSERT_FWD("/a/b", GET(c, "/a/b"), "default/r", 0);
  ASSERT_FWD("/a/b/c", GET(c, "/a/b/c"), "default/r", 0);
  ASSERT_RESPOND("/a", GET(c, "/a"), 404);
  ASSERT_RESPOND("/a/bc", GET(c, "/a/bc"), 404);
  ASSERT_RESPOND("/a/", GET(c, "/a/"), 404);
  tu_free(c);
}
END_TEST

/* ---- H5: regular expressions ---------------------------------------------------- */

/* H5 (docs/behaviour.md): full-string match, anchored at both ends. */
START_TEST(h5_regex_full_match) {
  tu_ctx *c = route_matches("[{path: {type: RegularExpression, value: \"/fo+\"}}]");
  ASSERT_FWD("/foo", GET(c, "/foo"), "default/r", 0);
  ASSERT_FWD("/fooo", GET(c, "/fooo"), "default/r", 0);
  ASSERT_RESPOND("/foo/bar", GET(c, "/foo/bar"), 404);
  ASSERT_RESPOND("/x/foo", GET(c, "/x/foo"), 404);
  ASSERT_RESPOND("/f", GET(c, "/f"), 404);
  /* the query is not part of the subject */
  ASSERT_FWD("/foo?a=b", GET(c, "/foo?a=b"), "default/r", 0);
  /* case-sensitive */
  ASSERT_RESPOND("/FOO", GET(c, "/FOO"), 404);
  tu_free(c);
}
END_TEST

/* H5: header regex values are full-match too. */
START_TEST(h5_header_regex_full_match) {
  static const char *const v1[] = {"version", "v1", NULL};
  static const char *const v10[] = {"version", "v10", NULL};
  static const char *const xv1[] = {"version", "xv1", NULL};
  tu_ctx *c = route_matches(
      "[{headers: [{type: RegularExpression, name: version, value: \"v[0-9]\"}]}]");
  ASSERT_FWD("v1", get_with(c, "GET", "/", v1), "default/r", 0);
  ASSERT_RESPOND("v10", get_with(c, "GET", "/", v10), 404);
  ASSERT_RESPOND("xv1", get_with(c, "GET", "/", xv1), 404);
  tu_free(c);
}
END_TEST

/* ---- H6-H8: headers ---------------------------------------------------------------- */

/* H6, 11.20: header names compare case-insensitively. */
START_TEST(h6_header_name_case_11_20) {
  static const char *const version[] = {"Version", "one", NULL};
  static const char *const upper[] = {"VERSION", "one", NULL};
  static const char *const color[] = {"Color", "orange", NULL};
  tu_ctx *c = route_matches("[{headers: [{name: version, value: one}]}]");
  ASSERT_FWD("Version: one", get_with(c, "GET", "/", version), "default/r", 0);
  ASSERT_FWD("VERSION: one", get_with(c, "GET", "/", upper), "default/r", 0);
  ASSERT_RESPOND("Color: orange", get_with(c, "GET", "/", color), 404);
  ASSERT_RESPOND("no header", get_with(c, "GET", "/", NULL), 404);
  tu_free(c);
}
END_TEST

/* H6, 11.21: of Foo/foo only the first entry counts. */
START_TEST(h6_first_duplicate_wins_11_21) {
  static const char *const a[] = {"foo", "a", NULL};
  static const char *const b[] = {"foo", "b", NULL};
  tu_ctx *c = route_matches("[{headers: [{name: Foo, value: a}, {name: foo, value: b}]}]");
  ASSERT_FWD("foo: a", get_with(c, "GET", "/", a), "default/r", 0);
  ASSERT_RESPOND("foo: b", get_with(c, "GET", "/", b), 404);
  tu_free(c);
}
END_TEST

/* H7: Exact header values are case-sensitive. */
START_TEST(h7_value_case_sensitive) {
  static const char *const one[] = {"version", "one", NULL};
  static const char *const One[] = {"version", "One", NULL};
  static const char *const onex[] = {"version", "one ", NULL};
  tu_ctx *c = route_matches("[{headers: [{name: version, value: one}]}]");
  ASSERT_FWD("one", get_with(c, "GET", "/", one), "default/r", 0);
  ASSERT_RESPOND("One", get_with(c, "GET", "/", One), 404);
  ASSERT_RESPOND("'one '", get_with(c, "GET", "/", onex), 404);
  tu_free(c);
}
END_TEST

/* H8: a repeated request header is compared as its values joined with ','. */
START_TEST(h8_repeated_header_joined) {
  static const char *const two[] = {"x-tag", "a", "X-Tag", "b", NULL};
  static const char *const three[] = {"x-tag", "a", "other", "z", "x-tag", "b", "x-tag", "c", NULL};
  static const char *const one[] = {"x-tag", "a", NULL};
  tu_ctx *c = route_rules(
      "  - matches: [{headers: [{name: x-tag, value: \"a,b\"}]}]\n"
      "    backendRefs: [{name: ab, port: 80}]\n"
      "  - matches: [{headers: [{name: x-tag, value: \"a,b,c\"}]}]\n"
      "    backendRefs: [{name: abc, port: 80}]\n"
      "  - matches: [{headers: [{name: x-tag, value: a}]}]\n"
      "    backendRefs: [{name: a, port: 80}]\n");
  ASSERT_FWD("a + b", get_with(c, "GET", "/", two), "default/r", 0);
  ASSERT_FWD("a + b + c", get_with(c, "GET", "/", three), "default/r", 1);
  ASSERT_FWD("a", get_with(c, "GET", "/", one), "default/r", 2);
  ASSERT_RESPOND("absent", get_with(c, "GET", "/", NULL), 404);
  tu_free(c);
}
END_TEST

/* H8 + GWR_OPT_MAX_HEADER_BYTES: a joined value longer than the bound never
 * matches (and does not overflow). */
START_TEST(h8_joined_value_bound) {
  static char big[200];
  const char *hs[] = {"x-tag", big, "x-tag", big, NULL};
  tu_ctx *c = tu_new();
  memset(big, 'a', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  ck_assert_int_eq(gwr_config_set_option(c->cfg, GWR_OPT_MAX_HEADER_BYTES, 256), GWR_OK);
  tu_add(c, TU_GW_HTTP TU_ROUTE("default", "r")
         "  rules:\n  - matches: [{headers: [{type: RegularExpression, name: x-tag, value: \"a.*\"}]}]\n"
         "    backendRefs: [{name: a, port: 80}]\n");
  tu_compile(c);
  ASSERT_FWD("one 199-byte value", get_with(c, "GET", "/", hs + 2), "default/r", 0);
  ASSERT_RESPOND("two joined (399 bytes)", get_with(c, "GET", "/", hs), 404);
  tu_free(c);
}
END_TEST

/* gwroute.h GWR_OPT_MAX_HEADER_BYTES: "longer values never match" holds for
 * a single value as well as for joined ones. */
START_TEST(h8_single_value_bound) {
  static char big[300];
  const char *hs[] = {"x-tag", big, NULL};
  tu_ctx *c = tu_new();
  memset(big, 'a', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  ck_assert_int_eq(gwr_config_set_option(c->cfg, GWR_OPT_MAX_HEADER_BYTES, 256), GWR_OK);
  tu_add(c, TU_GW_HTTP TU_ROUTE("default", "r")
         "  rules:\n  - matches: [{headers: [{type: RegularExpression, name: x-tag, value: \"a.*\"}]}]\n"
         "    backendRefs: [{name: a, port: 80}]\n");
  tu_compile(c);
  ASSERT_RESPOND("one 299-byte value", get_with(c, "GET", "/", hs), 404);
  tu_free(c);
}
END_TEST

/* ---- H9: query parameters ---------------------------------------------------------- */

/* H9, 11.22 (conformance). */
START_TEST(h9_query_11_22) {
  tu_ctx *c = route_matches("[{queryParams: [{name: animal, value: whale}]}]");
  ASSERT_RESPOND("/?ANIMAL=Whale", GET(c, "/?ANIMAL=Whale"), 404);
  ASSERT_RESPOND("/?Animal=whale", GET(c, "/?Animal=whale"), 404);
  ASSERT_RESPOND("/?animal=Whale", GET(c, "/?animal=Whale"), 404);
  ASSERT_FWD("/?animal=whale&otherparam=x", GET(c, "/?animal=whale&otherparam=x"), "default/r", 0);
  ASSERT_FWD("/?otherparam=x&animal=whale", GET(c, "/?otherparam=x&animal=whale"), "default/r", 0);
  ASSERT_RESPOND("/?animal=whaledolphin", GET(c, "/?animal=whaledolphin"), 404);
  ASSERT_RESPOND("/", GET(c, "/"), 404);
  ASSERT_RESPOND("/?animals=whale", GET(c, "/?animals=whale"), 404);
  tu_free(c);
}
END_TEST

/* H9: a repeated parameter is matched by its first occurrence. */
START_TEST(h9_query_first_occurrence) {
  tu_ctx *c = route_matches("[{queryParams: [{name: animal, value: whale}]}]");
  ASSERT_FWD("whale first", GET(c, "/?animal=whale&animal=dolphin"), "default/r", 0);
  ASSERT_RESPOND("whale second", GET(c, "/?animal=dolphin&animal=whale"), 404);
  tu_free(c);
}
END_TEST

/* ---- H10, H11: method and composition --------------------------------------------------- */

/* H10, 11.23: exact uppercase method. */
START_TEST(h10_method_11_23) {
  tu_ctx *c = route_matches("[{method: GET}]");
  ASSERT_FWD("GET", get_with(c, "GET", "/", NULL), "default/r", 0);
  ASSERT_RESPOND("HEAD", get_with(c, "HEAD", "/", NULL), 404);
  ASSERT_RESPOND("get", get_with(c, "get", "/", NULL), 404);
  ASSERT_RESPOND("POST", get_with(c, "POST", "/", NULL), 404);
  tu_free(c);
}
END_TEST

/* H11, 11.24: predicates ANDed inside a match, matches ORed. */
START_TEST(h11_composition_11_24) {
  static const char *const v2[] = {"version", "v2", NULL};
  tu_ctx *c = route_matches(
      "[{path: {type: PathPrefix, value: /foo}, headers: [{name: version, value: v2}]},"
      " {path: {type: PathPrefix, value: /v2/foo}}]");
  tu_result r;
  ASSERT_RESPOND("/foo without header", GET(c, "/foo"), 404);
  r = get_with(c, "GET", "/foo", v2);
  ASSERT_FWD("/foo with version: v2", r, "default/r", 0);
  ck_assert_int_eq(r.match, 0);
  r = GET(c, "/v2/foo/x");
  ASSERT_FWD("/v2/foo/x", r, "default/r", 0);
  ck_assert_int_eq(r.match, 1);
  ASSERT_RESPOND("/bar with header", get_with(c, "GET", "/bar", v2), 404);
  tu_free(c);
}
END_TEST

/* H11: method AND path AND query. */
START_TEST(h11_all_predicates_anded) {
  tu_ctx *c = route_matches(
      "[{path: {type: Exact, value: /p}, method: POST, queryParams: [{name: q, value: \"1\"}]}]");
  ASSERT_FWD("POST /p?q=1", get_with(c, "POST", "/p?q=1", NULL), "default/r", 0);
  ASSERT_RESPOND("GET /p?q=1", get_with(c, "GET", "/p?q=1", NULL), 404);
  ASSERT_RESPOND("POST /p", get_with(c, "POST", "/p", NULL), 404);
  ASSERT_RESPOND("POST /x?q=1", get_with(c, "POST", "/x?q=1", NULL), 404);
  tu_free(c);
}
END_TEST

/* H11: no matches, an empty matches list, and a match without a path all
 * match every path. */
START_TEST(h11_defaults_match_all) {
  tu_ctx *c = route_rules("  - backendRefs: [{name: a, port: 80}]\n");
  ASSERT_FWD("no matches: /", GET(c, "/"), "default/r", 0);
  ASSERT_FWD("no matches: /x/y", GET(c, "/x/y"), "default/r", 0);
  tu_free(c);
  c = route_matches("[]");
  ASSERT_FWD("matches []: /deep/path", GET(c, "/deep/path"), "default/r", 0);
  tu_free(c);
  c = route_matches("[{method: PUT}]");
  ASSERT_FWD("method only: PUT /any", get_with(c, "PUT", "/any/thing", NULL), "default/r", 0);
  ASSERT_RESPOND("method only: GET", get_with(c, "GET", "/any", NULL), 404);
  tu_free(c);
}
END_TEST

/* ---- §3.1 precedence -------------------------------------------------------------------- */

/* 11.26 (conformance): Exact first, then the longest prefix. */
START_TEST(prec_11_26) {
  tu_ctx *c = route_rules(
      "  - matches: [{path: {type: Exact, value: /match}}]\n"
      "  - matches: [{path: {type: Exact, value: /match/exact}}]\n"
      "  - matches: [{path: {type: Exact, value: /match/exact/one}}]\n"
      "  - matches: [{path: {type: PathPrefix, value: /match/}}]\n"
      "  - matches: [{path: {type: PathPrefix, value: /match/prefix/}}]\n"
      "  - matches: [{path: {type: PathPrefix, value: /match/prefix/one}}]\n");
  /* no backends: every matched rule answers 500, the rule index tells which */
  tu_result r;
  r = GET(c, "/match");
  ck_assert_int_eq(r.rule, 0);
  r = GET(c, "/match/exact");
  ck_assert_int_eq(r.rule, 1);
  r = GET(c, "/match/exact/one");
  ck_assert_int_eq(r.rule, 2);
  r = GET(c, "/match/prefix/one/any");
  ck_assert_int_eq(r.rule, 5);
  r = GET(c, "/match/prefix/any");
  ck_assert_int_eq(r.rule, 4);
  r = GET(c, "/match/any");
  ck_assert_int_eq(r.rule, 3);
  ASSERT_RESPOND("/match/any has no backends (B6)", r, 500);
  tu_free(c);
}
END_TEST

/* 11.27 (conformance): one header beats none at equal path. */
START_TEST(prec_11_27) {
  static const char *const two[] = {"version", "two", NULL};
  tu_ctx *c = route_rules(
      "  - matches: [{path: {type: PathPrefix, value: /}}]\n"
      "    backendRefs: [{name: a, port: 80}]\n"
      "  - matches: [{path: {type: PathPrefix, value: /v2}}, {headers: [{name: version, value: two}]}]\n"
      "    backendRefs: [{name: b, port: 80}]\n");
  ASSERT_FWD("/ + version: two", get_with(c, "GET", "/", two), "default/r", 1);
  ASSERT_FWD("/", GET(c, "/"), "default/r", 0);
  ASSERT_FWD("/v2/x", GET(c, "/v2/x"), "default/r", 1);
  tu_free(c);
}
END_TEST

/* 11.28 (conformance): path beats method, method beats headers. */
START_TEST(prec_11_28) {
  static const char *const four[] = {"version", "four", NULL};
  tu_ctx *c = route_rules(
      "  - matches: [{path: {type: PathPrefix, value: /path5}}]\n"
      "    backendRefs: [{name: a, port: 80}]\n"
      "  - matches: [{method: PATCH}]\n"
      "    backendRefs: [{name: b, port: 80}]\n"
      "  - matches: [{headers: [{name: version, value: four}]}]\n"
      "    backendRefs: [{name: c, port: 80}]\n");
  ASSERT_FWD("PATCH /path5", get_with(c, "PATCH", "/path5", NULL), "default/r", 0);
  ASSERT_FWD("PATCH / + version: four", get_with(c, "PATCH", "/", four), "default/r", 1);
  ASSERT_FWD("GET / + version: four", get_with(c, "GET", "/", four), "default/r", 2);
  tu_free(c);
}
END_TEST

/* 11.29 (conformance): path beats query, headers beat query. */
START_TEST(prec_11_29) {
  static const char *const four[] = {"version", "four", NULL};
  tu_ctx *c = route_rules(
      "  - matches: [{path: {type: PathPrefix, value: /path5}}]\n"
      "    backendRefs: [{name: a, port: 80}]\n"
      "  - matches: [{queryParams: [{name: animal, value: hydra}]}]\n"
      "    backendRefs: [{name: b, port: 80}]\n"
      "  - matches: [{headers: [{name: version, value: four}]}]\n"
      "    backendRefs: [{name: c, port: 80}]\n");
  ASSERT_FWD("/path5?animal=hydra", GET(c, "/path5?animal=hydra"), "default/r", 0);
  ASSERT_FWD("/?animal=hydra + version: four", get_with(c, "GET", "/?animal=hydra", four),
             "default/r", 2);
  ASSERT_FWD("/?animal=hydra", GET(c, "/?animal=hydra"), "default/r", 1);
  tu_free(c);
}
END_TEST

/* 11.30, P2: Exact in a newer route beats PathPrefix in an older one. */
START_TEST(prec_11_30) {
  tu_ctx *c = tu_build(TU_GW_HTTP
      TU_V1 "kind: HTTPRoute\nmetadata: {name: old, namespace: default,"
      " creationTimestamp: \"2024-01-01T10:00:00Z\"}\n"
      "spec:\n  parentRefs: [{name: gw}]\n"
      "  rules: [{matches: [{path: {type: PathPrefix, value: /api}}], backendRefs: [{name: a, port: 80}]}]\n"
      "---\n"
      TU_V1 "kind: HTTPRoute\nmetadata: {name: new, namespace: default,"
      " creationTimestamp: \"2024-01-01T10:00:05Z\"}\n"
      "spec:\n  parentRefs: [{name: gw}]\n"
      "  rules: [{matches: [{path: {type: Exact, value: /api}}], backendRefs: [{name: b, port: 80}]}]\n");
  ASSERT_FWD("/api", GET(c, "/api"), "default/new", 0);
  ASSERT_FWD("/api/x", GET(c, "/api/x"), "default/old", 0);
  tu_free(c);
}
END_TEST

/* §3.1 step 6: the older route wins an exact tie, whatever the load order
 * and the names. */
START_TEST(prec_age) {
  tu_ctx *c = tu_build(TU_GW_HTTP
      TU_V1 "kind: HTTPRoute\nmetadata: {name: a-young, namespace: default,"
      " creationTimestamp: \"2024-01-01T10:00:05Z\"}\n"
      "spec:\n  parentRefs: [{name: gw}]\n"
      "  rules: [{matches: [{path: {type: PathPrefix, value: /api}}], backendRefs: [{name: a, port: 80}]}]\n"
      "---\n"
      TU_V1 "kind: HTTPRoute\nmetadata: {name: z-old, namespace: default,"
      " creationTimestamp: \"2024-01-01T09:00:00Z\"}\n"
      "spec:\n  parentRefs: [{name: gw}]\n"
      "  rules: [{matches: [{path: {type: PathPrefix, value: /api}}], backendRefs: [{name: b, port: 80}]}]\n");
  ASSERT_FWD("/api", GET(c, "/api"), "default/z-old", 0);
  tu_free(c);
}
END_TEST

/* 11.31: same match and timestamp: "{namespace}/{name}" order decides. */
START_TEST(prec_11_31) {
  tu_ctx *c = tu_build(TU_GW_HTTP_ALL
      TU_V1 "kind: HTTPRoute\nmetadata: {name: api, namespace: team-b,"
      " creationTimestamp: \"2024-01-01T10:00:00Z\"}\n"
      "spec:\n  parentRefs: [{name: gw, namespace: default}]\n"
      "  rules: [{backendRefs: [{name: a, port: 80}]}]\n"
      "---\n"
      TU_V1 "kind: HTTPRoute\nmetadata: {name: web, namespace: team-a,"
      " creationTimestamp: \"2024-01-01T10:00:00Z\"}\n"
      "spec:\n  parentRefs: [{name: gw, namespace: default}]\n"
      "  rules: [{backendRefs: [{name: b, port: 80}]}]\n");
  ASSERT_FWD("/", GET(c, "/"), "team-a/web", 0);
  tu_free(c);
}
END_TEST

/* §3.1 step 7: foo/bar < foo/baz. */
START_TEST(prec_identity_name) {
  tu_ctx *c = tu_build(TU_GW_HTTP
      TU_ROUTE("default", "baz") "  rules: [{backendRefs: [{name: a, port: 80}]}]\n---\n"
      TU_ROUTE("default", "bar") "  rules: [{backendRefs: [{name: b, port: 80}]}]\n");
  ASSERT_FWD("/", GET(c, "/"), "default/bar", 0);
  tu_free(c);
}
END_TEST

/* 11.32: identical matches in one route: the first rule. */
START_TEST(prec_11_32) {
  tu_ctx *c = route_rules(
      "  - matches: [{path: {type: PathPrefix, value: /x}}]\n"
      "    backendRefs: [{name: a, port: 80}]\n"
      "  - matches: [{path: {type: PathPrefix, value: /x}}]\n"
      "    backendRefs: [{name: b, port: 80}]\n");
  tu_result r = GET(c, "/x/y");
  ASSERT_FWD("/x/y", r, "default/r", 0);
  ck_assert_str_eq(r.backend, "default/a");
  tu_free(c);
}
END_TEST

/* §3.1 step 2: between prefixes, the longer configured value wins, whatever
 * the rule order. */
START_TEST(prec_longer_prefix) {
  tu_ctx *c = route_rules(
      "  - matches: [{path: {type: PathPrefix, value: /a}}]\n"
      "  - matches: [{path: {type: PathPrefix, value: /a/b/c}}]\n"
      "  - matches: [{path: {type: PathPrefix, value: /a/b}}]\n");
  ck_assert_int_eq(GET(c, "/a/b/c/d").rule, 1);
  ck_assert_int_eq(GET(c, "/a/b/x").rule, 2);
  ck_assert_int_eq(GET(c, "/a/x").rule, 0);
  tu_free(c);
}
END_TEST

/* §3.1 step 2 (digest resolution): a prefix counts as written, so "/abc/"
 * (5) beats "/abc" (4) for every request both match. */
START_TEST(prec_prefix_counted_as_written) {
  tu_ctx *c = route_rules(
      "  - matches: [{path: {type: PathPrefix, value: /abc}}]\n"
      "  - matches: [{path: {type: PathPrefix, value: /abc/}}]\n");
  ck_assert_int_eq(GET(c, "/abc/x").rule, 1);
  ck_assert_int_eq(GET(c, "/abc").rule, 1);
  tu_free(c);
}
END_TEST

/* §3.1 step 6: creationTimestamp has second granularity: fractions do not
 * order routes, the name does. */
START_TEST(prec_age_second_granularity) {
  tu_ctx *c = tu_build(TU_GW_HTTP
      TU_V1 "kind: HTTPRoute\nmetadata: {name: b, namespace: default,"
      " creationTimestamp: \"2024-01-01T10:00:00.100Z\"}\n"
      "spec:\n  parentRefs: [{name: gw}]\n  rules: [{backendRefs: [{name: a, port: 80}]}]\n---\n"
      TU_V1 "kind: HTTPRoute\nmetadata: {name: a, namespace: default,"
      " creationTimestamp: \"2024-01-01T10:00:00.900Z\"}\n"
      "spec:\n  parentRefs: [{name: gw}]\n  rules: [{backendRefs: [{name: b, port: 80}]}]\n");
  ASSERT_FWD("/", GET(c, "/"), "default/a", 0);
  tu_free(c);
}
END_TEST

/* §3.1 step 7: "{namespace}/{name}" compared as one string: "team-b/z" <
 * "team/z" ('-' < '/'). */
START_TEST(prec_identity_one_string) {
  tu_ctx *c = tu_build(TU_GW_HTTP_ALL
      TU_ROUTE("team", "z") "  rules: [{backendRefs: [{name: a, port: 80}]}]\n---\n"
      TU_ROUTE("team-b", "z") "  rules: [{backendRefs: [{name: b, port: 80}]}]\n");
  ASSERT_FWD("/", GET(c, "/"), "team-b/z", 0);
  tu_free(c);
}
END_TEST

/* 11.33: a precise route hostname beats a wildcard one, even with Exact. */
START_TEST(prec_11_33) {
  tu_ctx *c = tu_build(TU_GW_HTTP
      TU_ROUTE("default", "r1") "  hostnames: [foo.example.com]\n"
      "  rules: [{matches: [{path: {type: PathPrefix, value: /}}], backendRefs: [{name: a, port: 80}]}]\n---\n"
      TU_ROUTE("default", "r2") "  hostnames: [\"*.example.com\"]\n"
      "  rules: [{matches: [{path: {type: Exact, value: /login}}], backendRefs: [{name: b, port: 80}]}]\n");
  ASSERT_FWD("foo.example.com/login", tu_get(c, "foo.example.com", "/login"), "default/r1", 0);
  ASSERT_FWD("bar.example.com/login", tu_get(c, "bar.example.com", "/login"), "default/r2", 0);
  tu_free(c);
}
END_TEST

/* 11.34, P1: fall-through to a less specific route when the most specific
 * hostname's route has no matching rule. */
START_TEST(prec_11_34_p1) {
  tu_ctx *c = tu_build(TU_GW_HTTP
      TU_ROUTE("default", "r1") "  hostnames: [foo.example.com]\n"
      "  rules: [{matches: [{path: {type: Exact, value: /a}}], backendRefs: [{name: a, port: 80}]}]\n---\n"
      TU_ROUTE("default", "r2")
      "  rules: [{matches: [{path: {type: PathPrefix, value: /}}], backendRefs: [{name: b, port: 80}]}]\n");
  ASSERT_FWD("foo.example.com/a", tu_get(c, "foo.example.com", "/a"), "default/r1", 0);
  ASSERT_FWD("foo.example.com/b", tu_get(c, "foo.example.com", "/b"), "default/r2", 0);
  tu_free(c);
}
END_TEST

/* P1 through a wildcard: precise -> wildcard -> none. */
START_TEST(prec_p1_wildcard_chain) {
  tu_ctx *c = tu_build(TU_GW_HTTP
      TU_ROUTE("default", "precise") "  hostnames: [a.example.com]\n"
      "  rules: [{matches: [{path: {type: Exact, value: /p}}], backendRefs: [{name: a, port: 80}]}]\n---\n"
      TU_ROUTE("default", "wild") "  hostnames: [\"*.example.com\"]\n"
      "  rules: [{matches: [{path: {type: Exact, value: /w}}], backendRefs: [{name: b, port: 80}]}]\n---\n"
      TU_ROUTE("default", "any")
      "  rules: [{backendRefs: [{name: c, port: 80}]}]\n");
  ASSERT_FWD("a/p", tu_get(c, "a.example.com", "/p"), "default/precise", 0);
  ASSERT_FWD("a/w", tu_get(c, "a.example.com", "/w"), "default/wild", 0);
  ASSERT_FWD("a/x", tu_get(c, "a.example.com", "/x"), "default/any", 0);
  ASSERT_FWD("b/p", tu_get(c, "b.example.com", "/p"), "default/any", 0);
  tu_free(c);
}
END_TEST

/* 11.35: the longer wildcard route wins. */
START_TEST(prec_11_35) {
  tu_ctx *c = tu_build(TU_GW_HTTP
      TU_ROUTE("default", "r1") "  hostnames: [\"*.example.com\"]\n"
      "  rules: [{backendRefs: [{name: a, port: 80}]}]\n---\n"
      TU_ROUTE("default", "r2") "  hostnames: [\"*.b.example.com\"]\n"
      "  rules: [{backendRefs: [{name: b, port: 80}]}]\n");
  ASSERT_FWD("x.b.example.com", tu_get(c, "x.b.example.com", "/"), "default/r2", 0);
  ASSERT_FWD("x.c.example.com", tu_get(c, "x.c.example.com", "/"), "default/r1", 0);
  tu_free(c);
}
END_TEST

/* §3.1 step 1: a route naming a matching hostname beats one without, even
 * when the latter has a longer path. */
START_TEST(prec_hostname_before_path) {
  tu_ctx *c = tu_build(TU_GW_HTTP
      TU_ROUTE("default", "named") "  hostnames: [example.com]\n"
      "  rules: [{matches: [{path: {type: PathPrefix, value: /}}], backendRefs: [{name: a, port: 80}]}]\n---\n"
      TU_ROUTE("default", "bare")
      "  rules: [{matches: [{path: {type: Exact, value: /long/exact/path}}], backendRefs: [{name: b, port: 80}]}]\n");
  ASSERT_FWD("example.com", GET(c, "/long/exact/path"), "default/named", 0);
  ASSERT_FWD("other.com", tu_get(c, "other.com", "/long/exact/path"), "default/bare", 0);
  tu_free(c);
}
END_TEST

/* §3.3: the regex order option (Envoy: Exact > RegularExpression >
 * PathPrefix; Istio: Exact > PathPrefix > RegularExpression). */
static tu_ctx *regex_order_ctx(int64_t order) {
  tu_ctx *c = tu_new();
  if (order >= 0) ck_assert_int_eq(gwr_config_set_option(c->cfg, GWR_OPT_REGEX_ORDER, order), GWR_OK);
  tu_add(c, TU_GW_HTTP TU_ROUTE("default", "r")
         "  rules:\n"
         "  - matches: [{path: {type: PathPrefix, value: /foo}}]\n"
         "  - matches: [{path: {type: RegularExpression, value: \"/foo/.*\"}}]\n"
         "  - matches: [{path: {type: Exact, value: /foo/exact}}]\n");
  tu_compile(c);
  return c;
}

START_TEST(prec_regex_order_envoy_default) {
  tu_ctx *c = regex_order_ctx(-1);
  ck_assert_int_eq(GET(c, "/foo/bar").rule, 1);
  ck_assert_int_eq(GET(c, "/foo/exact").rule, 2);
  ck_assert_int_eq(GET(c, "/foo").rule, 0);
  tu_free(c);
  c = regex_order_ctx(GWR_REGEX_ORDER_ENVOY);
  ck_assert_int_eq(GET(c, "/foo/bar").rule, 1);
  tu_free(c);
}
END_TEST

START_TEST(prec_regex_order_istio) {
  tu_ctx *c = regex_order_ctx(GWR_REGEX_ORDER_ISTIO);
  ck_assert_int_eq(GET(c, "/foo/bar").rule, 0);
  ck_assert_int_eq(GET(c, "/foo/exact").rule, 2);
  tu_free(c);
}
END_TEST

/* §3.3 (Envoy order): regexes rank by pattern length, longer first. */
START_TEST(prec_regex_by_length) {
  tu_ctx *c = route_rules(
      "  - matches: [{path: {type: RegularExpression, value: \"/a.*\"}}]\n"
      "  - matches: [{path: {type: RegularExpression, value: \"/ab.*\"}}]\n");
  ck_assert_int_eq(GET(c, "/abc").rule, 1);
  ck_assert_int_eq(GET(c, "/axc").rule, 0);
  tu_free(c);
}
END_TEST

/* ---- A24: the request Host ------------------------------------------------------------------ */

static tu_ctx *specific_host_ctx(void) {
  return tu_build(TU_GW_HTTP
      TU_ROUTE("default", "named") "  hostnames: [very.specific.com]\n"
      "  rules: [{backendRefs: [{name: a, port: 80}]}]\n---\n"
      TU_ROUTE("default", "other") "  hostnames: [other.com]\n"
      "  rules: [{backendRefs: [{name: b, port: 80}]}]\n");
}

/* A24, 11.6: the port is ignored; the upstream Host keeps it. */
START_TEST(a24_port_stripped_11_6) {
  tu_ctx *c = specific_host_ctx();
  tu_result r = tu_get(c, "very.specific.com:1234", "/");
  ASSERT_FWD("very.specific.com:1234", r, "default/named", 0);
  ck_assert_str_eq(r.up_host, "very.specific.com:1234");
  ASSERT_FWD("very.specific.com:80", tu_get(c, "very.specific.com:80", "/"), "default/named", 0);
  ASSERT_RESPOND("unknown.com:1234", tu_get(c, "unknown.com:1234", "/"), 404);
  tu_free(c);
}
END_TEST

/* A24 (docs/behaviour.md): the Host is ASCII-lowercased; the upstream Host
 * is unmodified. */
START_TEST(a24_uppercase_host) {
  tu_ctx *c = specific_host_ctx();
  tu_result r = tu_get(c, "VERY.Specific.COM", "/");
  ASSERT_FWD("VERY.Specific.COM", r, "default/named", 0);
  ck_assert_str_eq(r.up_host, "VERY.Specific.COM");
  tu_free(c);
}
END_TEST

/* A24 (docs/behaviour.md): one trailing dot is removed. */
START_TEST(a24_trailing_dot) {
  tu_ctx *c = specific_host_ctx();
  ASSERT_FWD("very.specific.com.", tu_get(c, "very.specific.com.", "/"), "default/named", 0);
  ASSERT_FWD("very.specific.com.:8080", tu_get(c, "very.specific.com.:8080", "/"),
             "default/named", 0);
  ASSERT_RESPOND("very.specific.com..", tu_get(c, "very.specific.com..", "/"), 404);
  tu_free(c);
}
END_TEST

/* A24: a bracketed IPv6 literal keeps its colons; only ":port" goes. */
START_TEST(a24_ipv6_host) {
  tu_ctx *c = tu_build(TU_GW_HTTP
      TU_ROUTE("default", "named") "  hostnames: [very.specific.com]\n"
      "  rules: [{backendRefs: [{name: a, port: 80}]}]\n---\n"
      TU_ROUTE("default", "any") "  rules: [{backendRefs: [{name: b, port: 80}]}]\n");
  tu_result r = tu_get(c, "[::1]:80", "/");
  ASSERT_FWD("[::1]:80", r, "default/any", 0);
  ck_assert_str_eq(r.up_host, "[::1]:80");
  ASSERT_FWD("[::1]", tu_get(c, "[::1]", "/"), "default/any", 0);
  ASSERT_FWD("[2001:db8::1]:8443", tu_get(c, "[2001:db8::1]:8443", "/"), "default/any", 0);
  tu_free(c);
}
END_TEST

/* 11.2: a route hostname outside the listener's is silently ignored. */
START_TEST(a23_ignored_route_hostname_11_2) {
  tu_ctx *c = tu_build(TU_OBJ("Gateway", "default", "gw")
      "spec:\n  gatewayClassName: c\n  listeners:\n"
      "  - {name: http, port: 80, protocol: HTTP, hostname: \"*.example.com\"}\n---\n"
      TU_ROUTE("default", "r") "  hostnames: [foo.example.com, foo.example.net]\n"
      "  rules: [{backendRefs: [{name: a, port: 80}]}]\n");
  ck_assert_str_eq(tu_route_cond(c, "default", "r", 0, "Accepted"), "True Accepted");
  ASSERT_FWD("foo.example.com", tu_get(c, "foo.example.com", "/"), "default/r", 0);
  ASSERT_RESPOND("foo.example.net", tu_get(c, "foo.example.net", "/"), 404);
  tu_free(c);
}
END_TEST

/* 11.3: listener very.specific.com, route *.specific.com: only the
 * listener's name is served. */
START_TEST(a23_precise_listener_wild_route_11_3) {
  tu_ctx *c = tu_build(TU_OBJ("Gateway", "default", "gw")
      "spec:\n  gatewayClassName: c\n  listeners:\n"
      "  - {name: http, port: 80, protocol: HTTP, hostname: very.specific.com}\n---\n"
      TU_ROUTE("default", "r") "  hostnames: [\"*.specific.com\"]\n"
      "  rules: [{matches: [{path: {type: PathPrefix, value: /s3}}], backendRefs: [{name: a, port: 80}]}]\n");
  ASSERT_FWD("very.specific.com/s3", tu_get(c, "very.specific.com", "/s3"), "default/r", 0);
  ASSERT_RESPOND("foo.specific.com/s3", tu_get(c, "foo.specific.com", "/s3"), 404);
  tu_free(c);
}
END_TEST

/* 11.4, A21: multi-label wildcard listener, never the bare domain. */
START_TEST(a21_wild_listener_11_4) {
  tu_ctx *c = tu_build(TU_OBJ("Gateway", "default", "gw")
      "spec:\n  gatewayClassName: c\n  listeners:\n"
      "  - {name: http, port: 80, protocol: HTTP, hostname: \"*.wildcard.io\"}\n---\n"
      TU_ROUTE("default", "r") "  hostnames: [wildcard.io, foo.wildcard.io, foo.bar.wildcard.io]\n"
      "  rules: [{backendRefs: [{name: a, port: 80}]}]\n");
  ASSERT_FWD("foo.bar.wildcard.io", tu_get(c, "foo.bar.wildcard.io", "/"), "default/r", 0);
  ASSERT_FWD("foo.wildcard.io", tu_get(c, "foo.wildcard.io", "/"), "default/r", 0);
  ASSERT_RESPOND("wildcard.io", tu_get(c, "wildcard.io", "/"), 404);
  ASSERT_RESPOND("bar.wildcard.io", tu_get(c, "bar.wildcard.io", "/"), 404);
  tu_free(c);
}
END_TEST

/* 11.5, A21: wildcard route without a listener hostname. */
START_TEST(a21_wild_route_11_5) {
  tu_ctx *c = tu_build(TU_GW_HTTP TU_ROUTE("default", "r") "  hostnames: [\"*.example.com\"]\n"
                       "  rules: [{backendRefs: [{name: a, port: 80}]}]\n");
  ASSERT_FWD("a.b.example.com", tu_get(c, "a.b.example.com", "/"), "default/r", 0);
  ASSERT_FWD("a.example.com", tu_get(c, "a.example.com", "/"), "default/r", 0);
  ASSERT_RESPOND("example.com", tu_get(c, "example.com", "/"), 404);
  ASSERT_RESPOND("aexample.com", tu_get(c, "aexample.com", "/"), 404);
  tu_free(c);
}
END_TEST

/* ---- A25: listener selection -------------------------------------------------------------- */

static const char listeners4[] =
    TU_OBJ("Gateway", "default", "gw")
    "spec:\n  gatewayClassName: c\n  listeners:\n"
    "  - {name: empty, port: 80, protocol: HTTP}\n"
    "  - {name: wild, port: 80, protocol: HTTP, hostname: \"*.example.com\"}\n"
    "  - {name: wild-foo, port: 80, protocol: HTTP, hostname: \"*.foo.example.com\"}\n"
    "  - {name: abc, port: 80, protocol: HTTP, hostname: abc.foo.example.com}\n---\n";

/* A25, 11.12 (conformance): exact > longer wildcard > shorter > none, and
 * a request stays on its listener. */
START_TEST(a25_listener_selection_11_12) {
  tu_ctx *c = tu_new();
  tu_add(c, listeners4);
  tu_add(c, TU_OBJ("HTTPRoute", "default", "r-empty")
         "spec:\n  parentRefs: [{name: gw, sectionName: empty}]\n"
         "  rules: [{matches: [{path: {type: PathPrefix, value: /empty}}], backendRefs: [{name: a, port: 80}]}]\n---\n"
         TU_OBJ("HTTPRoute", "default", "r-wild")
         "spec:\n  parentRefs: [{name: gw, sectionName: wild}]\n"
         "  rules: [{matches: [{path: {type: PathPrefix, value: /wild}}], backendRefs: [{name: a, port: 80}]}]\n---\n"
         TU_OBJ("HTTPRoute", "default", "r-wild-foo")
         "spec:\n  parentRefs: [{name: gw, sectionName: wild-foo}]\n"
         "  rules: [{matches: [{path: {type: PathPrefix, value: /wild-foo}}], backendRefs: [{name: a, port: 80}]}]\n---\n"
         TU_OBJ("HTTPRoute", "default", "r-abc")
         "spec:\n  parentRefs: [{name: gw, sectionName: abc}]\n"
         "  rules: [{matches: [{path: {type: PathPrefix, value: /abc}}], backendRefs: [{name: a, port: 80}]}]\n");
  tu_compile(c);
  ASSERT_FWD("abc.foo/abc", tu_get(c, "abc.foo.example.com", "/abc"), "default/r-abc", 0);
  ASSERT_RESPOND("abc.foo/wild-foo", tu_get(c, "abc.foo.example.com", "/wild-foo"), 404);
  ASSERT_RESPOND("abc.foo/empty", tu_get(c, "abc.foo.example.com", "/empty"), 404);
  ASSERT_FWD("x.foo/wild-foo", tu_get(c, "x.foo.example.com", "/wild-foo"), "default/r-wild-foo", 0);
  ASSERT_RESPOND("x.foo/wild", tu_get(c, "x.foo.example.com", "/wild"), 404);
  ASSERT_FWD("bar.example.com/wild", tu_get(c, "bar.example.com", "/wild"), "default/r-wild", 0);
  ASSERT_RESPOND("bar.example.com/empty", tu_get(c, "bar.example.com", "/empty"), 404);
  ASSERT_FWD("bar.com/empty", tu_get(c, "bar.com", "/empty"), "default/r-empty", 0);
  ASSERT_RESPOND("bar.com/wild", tu_get(c, "bar.com", "/wild"), 404);
  {
    tu_result r = tu_get(c, "abc.foo.example.com", "/abc");
    ck_assert_str_eq(r.listener, "default/gw/abc");
    r = tu_get(c, "bar.com", "/x");
    ck_assert_str_eq(r.listener, "default/gw/empty");
  }
  tu_free(c);
}
END_TEST

/* 11.13 (conformance): a route bound to *.foo.example.com with hostname
 * *.example.com is effective on *.foo.example.com only. */
START_TEST(a23_narrowed_by_listener_11_13) {
  tu_ctx *c = tu_new();
  tu_add(c, listeners4);
  tu_add(c, TU_OBJ("HTTPRoute", "default", "r-foo")
         "spec:\n  parentRefs: [{name: gw, sectionName: wild-foo}]\n"
         "  hostnames: [\"*.example.com\"]\n"
         "  rules: [{backendRefs: [{name: a, port: 80}]}]\n---\n"
         TU_OBJ("HTTPRoute", "default", "r-wild")
         "spec:\n  parentRefs: [{name: gw, sectionName: wild}]\n"
         "  rules: [{backendRefs: [{name: b, port: 80}]}]\n");
  tu_compile(c);
  ASSERT_FWD("x.foo.example.com", tu_get(c, "x.foo.example.com", "/"), "default/r-foo", 0);
  ASSERT_FWD("bar.example.com", tu_get(c, "bar.example.com", "/"), "default/r-wild", 0);
  tu_free(c);
}
END_TEST

/* A25: no fall-through to another listener when the chosen one's routes do
 * not match. */
START_TEST(a25_no_listener_fallthrough) {
  tu_ctx *c = tu_build(TU_OBJ("Gateway", "default", "gw")
      "spec:\n  gatewayClassName: c\n  listeners:\n"
      "  - {name: any, port: 80, protocol: HTTP}\n"
      "  - {name: foo, port: 80, protocol: HTTP, hostname: foo.example.com}\n---\n"
      TU_OBJ("HTTPRoute", "default", "r-foo")
      "spec:\n  parentRefs: [{name: gw, sectionName: foo}]\n"
      "  rules: [{matches: [{path: {type: Exact, value: /only}}], backendRefs: [{name: a, port: 80}]}]\n---\n"
      TU_OBJ("HTTPRoute", "default", "r-any")
      "spec:\n  parentRefs: [{name: gw, sectionName: any}]\n"
      "  rules: [{backendRefs: [{name: b, port: 80}]}]\n");
  ASSERT_FWD("foo/only", tu_get(c, "foo.example.com", "/only"), "default/r-foo", 0);
  ASSERT_RESPOND("foo/other", tu_get(c, "foo.example.com", "/other"), 404);
  ASSERT_FWD("bar/other", tu_get(c, "bar.example.com", "/other"), "default/r-any", 0);
  tu_free(c);
}
END_TEST

/* A25: a listener on another port is not a candidate; port 0 means 80. */
START_TEST(a25_port_selects_listener) {
  tu_ctx *c = tu_build(TU_OBJ("Gateway", "default", "gw")
      "spec:\n  gatewayClassName: c\n  listeners:\n"
      "  - {name: p80, port: 80, protocol: HTTP}\n"
      "  - {name: p8080, port: 8080, protocol: HTTP}\n---\n"
      TU_OBJ("HTTPRoute", "default", "r80")
      "spec:\n  parentRefs: [{name: gw, sectionName: p80}]\n"
      "  rules: [{backendRefs: [{name: a, port: 80}]}]\n---\n"
      TU_OBJ("HTTPRoute", "default", "r8080")
      "spec:\n  parentRefs: [{name: gw, sectionName: p8080}]\n"
      "  rules: [{backendRefs: [{name: b, port: 80}]}]\n");
  tu_req q;
  memset(&q, 0, sizeof q);
  q.host = "example.com";
  q.path = "/";
  ASSERT_FWD("port 0", tu_match(c, &q), "default/r80", 0);
  q.port = 8080;
  ASSERT_FWD("port 8080", tu_match(c, &q), "default/r8080", 0);
  q.port = 9090;
  ASSERT_RESPOND("port 9090", tu_match(c, &q), 404);
  tu_free(c);
}
END_TEST

/* ---- A26: HTTPS and misdirected requests ------------------------------------------------------- */

#define TLS_CERT "tls: {certificateRefs: [{name: cert}]}"

/* A26, 11.14 (conformance table). */
START_TEST(a26_misdirected_11_14) {
  static const struct {
    const char *sni, *host;
    int status;
    const char *route;
  } rows[] = {
      {"example.org", "second-example.org", 421, NULL},
      {"example.org", "unknown-example.org", 404, NULL},
      {"second-example.org", "unknown-example.org", 421, NULL},
      {"third-example.wildcard.org", "fith-example.wildcard.org", 200, "default/r-wild"},
      {"third-example.wildcard.org", "fourth-example.wildcard.org", 421, NULL},
      {"fourth-example.wildcard.org", "fith-example.wildcard.org", 421, NULL},
      {"unknown-example.org", "example.org", 200, "default/r-https"},
      {"second-example.org", "second-example.org", 200, "default/r-second"},
      {"fourth-example.wildcard.org", "fourth-example.wildcard.org", 200, "default/r-fourth"},
  };
  tu_ctx *c = tu_new();
  size_t i;
  tu_add(c, TU_OBJ("Gateway", "default", "gw")
         "spec:\n  gatewayClassName: c\n  listeners:\n"
         "  - {name: https, port: 443, protocol: HTTPS, " TLS_CERT "}\n"
         "  - {name: second, port: 443, protocol: HTTPS, hostname: second-example.org, " TLS_CERT "}\n"
         "  - {name: wild, port: 443, protocol: HTTPS, hostname: \"*.wildcard.org\", " TLS_CERT "}\n"
         "  - {name: fourth, port: 443, protocol: HTTPS, hostname: fourth-example.wildcard.org, "
         TLS_CERT "}\n---\n");
  tu_add(c, TU_OBJ("HTTPRoute", "default", "r-https")
         "spec:\n  parentRefs: [{name: gw, sectionName: https}]\n  hostnames: [example.org]\n"
         "  rules: [{backendRefs: [{name: a, port: 80}]}]\n---\n"
         TU_OBJ("HTTPRoute", "default", "r-second")
         "spec:\n  parentRefs: [{name: gw, sectionName: second}]\n"
         "  rules: [{backendRefs: [{name: a, port: 80}]}]\n---\n"
         TU_OBJ("HTTPRoute", "default", "r-wild")
         "spec:\n  parentRefs: [{name: gw, sectionName: wild}]\n"
         "  rules: [{backendRefs: [{name: a, port: 80}]}]\n---\n"
         TU_OBJ("HTTPRoute", "default", "r-fourth")
         "spec:\n  parentRefs: [{name: gw, sectionName: fourth}]\n"
         "  rules: [{backendRefs: [{name: a, port: 80}]}]\n");
  tu_compile(c);
  for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    tu_req q;
    tu_result r;
    char what[160];
    memset(&q, 0, sizeof q);
    q.scheme = "https";
    q.sni = rows[i].sni;
    q.host = rows[i].host;
    q.path = "/";
    r = tu_match(c, &q);
    snprintf(what, sizeof what, "SNI %s Host %s", rows[i].sni, rows[i].host);
    if (rows[i].route)
      ASSERT_FWD(what, r, rows[i].route, 0);
    else
      ASSERT_RESPOND(what, r, rows[i].status);
    /* explicit port 443 is the same */
    q.port = 443;
    r = tu_match(c, &q);
    if (rows[i].route)
      ASSERT_FWD(what, r, rows[i].route, 0);
    else
      ASSERT_RESPOND(what, r, rows[i].status);
  }
  tu_free(c);
}
END_TEST

/* A26 (docs/behaviour.md): no SNI means the Host picks the listener; an SNI
 * no listener takes is rejected; cleartext requests do not reach HTTPS
 * listeners. */
START_TEST(a26_sni_edge_cases) {
  tu_ctx *c = tu_build(TU_OBJ("Gateway", "default", "gw")
      "spec:\n  gatewayClassName: c\n  listeners:\n"
      "  - {name: foo, port: 443, protocol: HTTPS, hostname: foo.example.com, " TLS_CERT "}\n---\n"
      TU_ROUTE("default", "r") "  rules: [{backendRefs: [{name: a, port: 80}]}]\n");
  tu_req q;
  tu_result r;
  memset(&q, 0, sizeof q);
  q.scheme = "https";
  q.host = "foo.example.com";
  q.path = "/";
  ASSERT_FWD("no SNI", tu_match(c, &q), "default/r", 0);
  q.sni = "bar.example.com";
  r = tu_match(c, &q);
  ck_assert_int_eq(r.rc, GWR_OK);
  ck_assert_int_eq(r.action, GWR_ACTION_REJECT);
  q.sni = NULL;
  q.scheme = "http";
  q.port = 443;
  ASSERT_RESPOND("cleartext to an HTTPS port", tu_match(c, &q), 404);
  tu_free(c);
}
END_TEST

/* ---- H2: path normalisation (docs/behaviour.md) ---------------------------------------------- */

static tu_ctx *norm_ctx(int64_t mode) {
  tu_ctx *c = tu_new();
  if (mode >= 0) ck_assert_int_eq(gwr_config_set_option(c->cfg, GWR_OPT_PATH_NORMALIZE, mode), GWR_OK);
  tu_add(c, TU_GW_HTTP TU_ROUTE("default", "r")
         "  rules:\n"
         "  - matches: [{path: {type: Exact, value: /b}}]\n"
         "    backendRefs: [{name: b, port: 80}]\n"
         "  - matches: [{path: {type: Exact, value: /a/b}}]\n"
         "    backendRefs: [{name: ab, port: 80}]\n"
         "  - matches: [{path: {type: Exact, value: /a/c}}]\n"
         "    backendRefs: [{name: ac, port: 80}]\n"
         "  - matches: [{path: {type: PathPrefix, value: /}}]\n"
         "    backendRefs: [{name: root, port: 80}]\n");
  tu_compile(c);
  return c;
}

/* H2: dot segments are removed before matching by default, and the
 * upstream path is the normalised one (query kept). */
START_TEST(h2_dot_segments_default) {
  tu_ctx *c = norm_ctx(-1);
  tu_result r = GET(c, "/a/../b");
  ASSERT_FWD("/a/../b", r, "default/r", 0);
  ck_assert_str_eq(r.up_path, "/b");
  r = GET(c, "/a/./b?x=1");
  ASSERT_FWD("/a/./b?x=1", r, "default/r", 1);
  ck_assert_str_eq(r.up_path, "/a/b?x=1");
  r = GET(c, "/./b");
  ASSERT_FWD("/./b", r, "default/r", 0);
  r = GET(c, "/../b");
  ASSERT_FWD("/../b", r, "default/r", 0);
  r = GET(c, "/b");
  ck_assert_str_eq(r.up_path, "/b");
  /* dots inside names are not segments */
  r = GET(c, "/a/..b");
  ASSERT_FWD("/a/..b", r, "default/r", 3);
  ck_assert_str_eq(r.up_path, "/a/..b");
  tu_free(c);
}
END_TEST

/* H2: GWR_PATH_NORMALIZE_NONE matches the raw path. */
START_TEST(h2_dot_segments_none) {
  tu_ctx *c = norm_ctx(GWR_PATH_NORMALIZE_NONE);
  tu_result r = GET(c, "/a/../b");
  ASSERT_FWD("/a/../b", r, "default/r", 3);
  ck_assert_str_eq(r.up_path, "/a/../b");
  tu_free(c);
  c = norm_ctx(GWR_PATH_NORMALIZE_DOT_SEGMENTS);
  ASSERT_FWD("/a/../b", GET(c, "/a/../b"), "default/r", 0);
  tu_free(c);
}
END_TEST

/* H2 / RFC 3986 5.2.4: ".." removes exactly one preceding segment. */
START_TEST(h2_dot_dot_removes_one_segment) {
  tu_ctx *c = norm_ctx(-1);
  tu_result r = GET(c, "/a/b/../c");
  ASSERT_FWD("/a/b/../c", r, "default/r", 2);
  ck_assert_str_eq(r.up_path, "/a/c");
  r = GET(c, "/a/x/../b");
  ASSERT_FWD("/a/x/../b", r, "default/r", 1);
  ck_assert_str_eq(r.up_path, "/a/b");
  r = GET(c, "/a/b/x/../../c");
  ASSERT_FWD("/a/b/x/../../c", r, "default/r", 2);
  ck_assert_str_eq(r.up_path, "/a/c");
  r = GET(c, "/a/b/..");
  ASSERT_FWD("/a/b/..", r, "default/r", 3);
  ck_assert_str_eq(r.up_path, "/a/");
  tu_free(c);
}
END_TEST

/* ---- §4.2: backends ----------------------------------------------------------------------------- */

static tu_result pick(tu_ctx *c, uint64_t choice, const char *key) {
  tu_req q;
  memset(&q, 0, sizeof q);
  q.host = "example.com";
  q.path = "/";
  q.choice = choice;
  q.key = key;
  return tu_match(c, &q);
}

/* B1, B2, 11.37: choices covering [0, W) give exactly the weights. */
START_TEST(b1_weights_exact_70_30_0) {
  tu_ctx *c = route_rules(
      "  - backendRefs: [{name: a, port: 80, weight: 70}, {name: b, port: 80, weight: 30},"
      " {name: z, port: 80, weight: 0}]\n");
  int na = 0, nb = 0, nz = 0;
  uint64_t i;
  for (i = 0; i < 100; i++) {
    tu_result r = pick(c, i, NULL);
    ck_assert_int_eq(r.action, GWR_ACTION_FORWARD);
    if (strcmp(r.backend, "default/a") == 0) na++;
    else if (strcmp(r.backend, "default/b") == 0) nb++;
    else nz++;
  }
  ck_assert_int_eq(na, 70);
  ck_assert_int_eq(nb, 30);
  ck_assert_int_eq(nz, 0);
  /* any 64-bit value works: the next 100 values split the same way */
  na = nb = nz = 0;
  for (i = UINT64_C(1000000000000); i < UINT64_C(1000000000100); i++) {
    tu_result r = pick(c, i, NULL);
    if (strcmp(r.backend, "default/a") == 0) na++;
    else if (strcmp(r.backend, "default/b") == 0) nb++;
    else nz++;
  }
  ck_assert_int_eq(na, 70);
  ck_assert_int_eq(nb, 30);
  ck_assert_int_eq(nz, 0);
  tu_free(c);
}
END_TEST

/* B1: weights are proportions, not percents. */
START_TEST(b1_weights_proportions) {
  tu_ctx *c = route_rules(
      "  - backendRefs: [{name: a, port: 80, weight: 1}, {name: b, port: 81, weight: 2},"
      " {name: c, port: 82, weight: 3}]\n");
  int n[3] = {0, 0, 0};
  uint64_t i;
  for (i = 0; i < 6; i++) {
    tu_result r = pick(c, i, NULL);
    ck_assert_int_eq(r.action, GWR_ACTION_FORWARD);
    ck_assert_int_ge(r.backend_port, 80);
    ck_assert_int_le(r.backend_port, 82);
    n[r.backend_port - 80]++;
  }
  ck_assert_int_eq(n[0], 1);
  ck_assert_int_eq(n[1], 2);
  ck_assert_int_eq(n[2], 3);
  tu_free(c);
}
END_TEST

/* B1, B3: default weight 1 each; a single backend takes everything. */
START_TEST(b1_default_weight_and_single) {
  tu_ctx *c = route_rules("  - backendRefs: [{name: a, port: 80}, {name: b, port: 80}]\n");
  ck_assert_str_eq(pick(c, 0, NULL).backend, "default/a");
  ck_assert_str_eq(pick(c, 1, NULL).backend, "default/b");
  ck_assert_str_eq(pick(c, 2, NULL).backend, "default/a");
  tu_free(c);
  c = route_rules("  - backendRefs: [{name: only, port: 80, weight: 5}]\n");
  ck_assert_str_eq(pick(c, 0, NULL).backend, "default/only");
  ck_assert_str_eq(pick(c, 123456789, NULL).backend, "default/only");
  tu_free(c);
}
END_TEST

/* B1 (gwroute.h request.key): a key makes the choice deterministic: it
 * is XXH3(key, seed 0), whatever `choice` says. */
START_TEST(b1_key_deterministic) {
  tu_ctx *c = route_rules(
      "  - backendRefs: [{name: a, port: 80, weight: 50}, {name: b, port: 80, weight: 30},"
      " {name: c, port: 80, weight: 20}]\n");
  int i, seen_a = 0, seen_b = 0, seen_c = 0;
  for (i = 0; i < 200; i++) {
    char key[32];
    tu_result by_key, again, by_hash;
    snprintf(key, sizeof key, "session-%d", i);
    by_key = pick(c, (uint64_t)i * 7919u + 1u, key);
    again = pick(c, (uint64_t)i * 104729u + 3u, key);
    by_hash = pick(c, gwr__hash(key, strlen(key), 0), NULL);
    ck_assert_str_eq(by_key.backend, again.backend);
    ck_assert_str_eq(by_key.backend, by_hash.backend);
    seen_a += strcmp(by_key.backend, "default/a") == 0;
    seen_b += strcmp(by_key.backend, "default/b") == 0;
    seen_c += strcmp(by_key.backend, "default/c") == 0;
  }
  ck_assert_int_gt(seen_a, 0);
  ck_assert_int_gt(seen_b, 0);
  ck_assert_int_gt(seen_c, 0);
  tu_free(c);
}
END_TEST

/* B5, 11.36: an invalid backend keeps its share, which answers 500. */
START_TEST(b5_invalid_share_500_11_36) {
  tu_ctx *c = tu_build(TU_GW_HTTP
      "apiVersion: v1\nkind: Service\nmetadata: {name: v1, namespace: default}\n"
      "spec: {ports: [{port: 80}]}\n---\n"
      TU_ROUTE("default", "r")
      "  rules: [{backendRefs: [{name: v1, port: 80}, {name: missing, port: 80}]}]\n");
  tu_result r;
  int ok = 0, err500 = 0;
  uint64_t i;
  for (i = 0; i < 100; i++) {
    r = pick(c, i, NULL);
    if (r.action == GWR_ACTION_FORWARD && strcmp(r.backend, "default/v1") == 0) ok++;
    else if (r.action == GWR_ACTION_RESPOND && r.status == 500) err500++;
  }
  ck_assert_int_eq(ok, 50);
  ck_assert_int_eq(err500, 50);
  r = pick(c, 1, NULL);
  ck_assert_int_eq(r.has_route, 1);
  ck_assert_int_eq(r.has_backend, 0);
  ck_assert_str_eq(tu_route_cond(c, "default", "r", 0, "Accepted"), "True Accepted");
  ck_assert_str_eq(tu_route_cond(c, "default", "r", 0, "ResolvedRefs"), "False BackendNotFound");
  tu_free(c);
}
END_TEST

/* B4, 11.38: all weights zero answer 500 by default; the option changes it. */
START_TEST(b4_all_zero_weights_11_38) {
  const char *yaml = TU_GW_HTTP TU_ROUTE("default", "r")
      "  rules: [{backendRefs: [{name: a, port: 80, weight: 0}, {name: b, port: 80, weight: 0}]}]\n";
  tu_ctx *c = tu_build(yaml);
  ASSERT_RESPOND("all zero", pick(c, 0, NULL), 500);
  ASSERT_RESPOND("all zero", pick(c, 7, NULL), 500);
  tu_free(c);
  c = tu_new();
  ck_assert_int_eq(gwr_config_set_option(c->cfg, GWR_OPT_ALL_ZERO_WEIGHT_STATUS, 503), GWR_OK);
  tu_add(c, yaml);
  tu_compile(c);
  ASSERT_RESPOND("all zero, option 503", pick(c, 0, NULL), 503);
  tu_free(c);
}
END_TEST

/* B3 (recommended): a single backend of weight 0 gets no traffic. */
START_TEST(b3_single_zero_weight) {
  tu_ctx *c = route_rules("  - backendRefs: [{name: a, port: 80, weight: 0}]\n");
  ASSERT_RESPOND("single weight 0", pick(c, 0, NULL), 500);
  tu_free(c);
}
END_TEST

/* B6: empty or omitted backendRefs answer 500. */
START_TEST(b6_no_backends_500) {
  tu_ctx *c = route_rules("  - backendRefs: []\n");
  tu_result r = pick(c, 0, NULL);
  ASSERT_RESPOND("backendRefs: []", r, 500);
  ck_assert_int_eq(r.has_route, 1);
  tu_free(c);
  c = route_rules("  - matches: [{path: {type: PathPrefix, value: /}}]\n");
  ASSERT_RESPOND("backendRefs omitted", pick(c, 0, NULL), 500);
  tu_free(c);
}
END_TEST

/* 11.25: a route without rules gets one PathPrefix "/" rule without
 * backends: every request is 500. */
START_TEST(rules_default_11_25) {
  tu_ctx *c = tu_build(TU_GW_HTTP TU_ROUTE("default", "r"));
  tu_result r = GET(c, "/");
  ASSERT_RESPOND("/", r, 500);
  ck_assert_int_eq(r.has_route, 1);
  ck_assert_str_eq(r.route, "default/r");
  ck_assert_int_eq(r.rule, 0);
  ASSERT_RESPOND("/x/y?z", GET(c, "/x/y?z"), 500);
  tu_free(c);
}
END_TEST

/* B1: the decision reports the backend's kind, group and port. */
START_TEST(b1_decision_backend_fields) {
  tu_ctx *c = route_rules("  - backendRefs: [{name: svc, port: 8080}]\n");
  tu_result r = GET(c, "/x?q");
  gwr_str s;
  ASSERT_FWD("/x", r, "default/r", 0);
  ck_assert_int_eq(r.backend_port, 8080);
  ck_assert_int_eq(r.has_backend, 1);
  ck_assert_int_eq(gwr_decision_str(c->d, GWR_DS_BACKEND_KIND, &s), GWR_OK);
  ck_assert_int_eq((int)s.len, 7);
  ck_assert(memcmp(s.ptr, "Service", 7) == 0);
  ck_assert_int_eq(gwr_decision_str(c->d, GWR_DS_BACKEND_GROUP, &s), GWR_OK);
  ck_assert_uint_eq(s.len, 0);
  ck_assert_str_eq(r.up_path, "/x?q");
  tu_free(c);
}
END_TEST

/* ---- gateways, tables, threads ------------------------------------------------------------------- */

/* gwroute.h §8: "gateway" names the Gateway; empty = the only one. */
START_TEST(api_gateway_selection) {
  tu_ctx *c = route_rules("  - backendRefs: [{name: a, port: 80}]\n");
  tu_req q;
  memset(&q, 0, sizeof q);
  q.host = "example.com";
  q.path = "/";
  ASSERT_FWD("empty gateway", tu_match(c, &q), "default/r", 0);
  q.gateway = "default/gw";
  ASSERT_FWD("default/gw", tu_match(c, &q), "default/r", 0);
  q.gateway = "default/nope";
  ck_assert_int_eq(tu_match(c, &q).rc, GWR_E_NOTFOUND);
  q.gateway = "other/gw";
  ck_assert_int_eq(tu_match(c, &q).rc, GWR_E_NOTFOUND);
  tu_free(c);
}
END_TEST

START_TEST(api_two_gateways_need_a_name) {
  tu_ctx *c = tu_build(TU_GW_HTTP
      TU_OBJ("Gateway", "default", "gw2")
      "spec:\n  gatewayClassName: c\n  listeners:\n  - {name: http, port: 80, protocol: HTTP}\n---\n"
      TU_ROUTE("default", "r1") "  rules: [{backendRefs: [{name: a, port: 80}]}]\n---\n"
      TU_OBJ("HTTPRoute", "default", "r2")
      "spec:\n  parentRefs: [{name: gw2}]\n  rules: [{backendRefs: [{name: b, port: 80}]}]\n");
  tu_req q;
  memset(&q, 0, sizeof q);
  q.host = "example.com";
  q.path = "/";
  ck_assert_int_eq(tu_match(c, &q).rc, GWR_E_NOTFOUND);
  q.gateway = "default/gw";
  ASSERT_FWD("gw", tu_match(c, &q), "default/r1", 0);
  q.gateway = "default/gw2";
  ASSERT_FWD("gw2", tu_match(c, &q), "default/r2", 0);
  tu_free(c);
}
END_TEST

/* gwroute.h §10: a decision made for one table serves a newer table
 * compiled with the same limits (the swap pattern), also after the old
 * table is gone. */
START_TEST(api_decision_across_tables) {
  tu_ctx *c1 = route_rules("  - backendRefs: [{name: old, port: 80}]\n");
  tu_ctx *c2 = route_rules("  - backendRefs: [{name: new, port: 80}]\n");
  gwr_decision *d = NULL;
  gwr_table *t1 = gwr_table_ref(c1->table), *t2 = gwr_table_ref(c2->table);
  tu_req q;
  tu_result r;
  memset(&q, 0, sizeof q);
  q.host = "example.com";
  q.path = "/";
  tu_free(c1);
  tu_free(c2);
  ck_assert_int_eq(gwr_decision_new(&d, t1), GWR_OK);
  r = tu_match_with(d, t1, &q);
  ck_assert_int_eq(r.rc, GWR_OK);
  ck_assert_str_eq(r.backend, "default/old");
  r = tu_match_with(d, t2, &q);
  ck_assert_int_eq(r.rc, GWR_OK);
  ck_assert_str_eq(r.backend, "default/new");
  gwr_table_unref(t1);
  r = tu_match_with(d, t2, &q);
  ck_assert_int_eq(r.rc, GWR_OK);
  ck_assert_str_eq(r.backend, "default/new");
  gwr_decision_free(d);
  gwr_table_unref(t2);
}
END_TEST

/* gwroute.h §7/§10: a table outlives its config and its other references. */
START_TEST(api_table_outlives_config) {
  tu_ctx *c = route_rules("  - matches: [{path: {type: RegularExpression, value: \"/r.*\"}}]\n"
                          "    backendRefs: [{name: a, port: 80}]\n");
  gwr_table *t = gwr_table_ref(c->table);
  gwr_decision *d = NULL;
  tu_req q;
  tu_result r;
  tu_free(c);
  ck_assert_int_eq(gwr_decision_new(&d, t), GWR_OK);
  memset(&q, 0, sizeof q);
  q.host = "example.com";
  q.path = "/regex";
  r = tu_match_with(d, t, &q);
  ASSERT_FWD("/regex", r, "default/r", 0);
  gwr_decision_free(d);
  gwr_table_unref(t);
}
END_TEST

/* gwroute.h §9-§10: four threads match 20k requests each on one table with
 * their own decisions and get what one thread gets. */
#define MT_THREADS 4
#define MT_REQUESTS 20000

static const char mt_config[] = TU_GW_HTTP TU_ROUTE("default", "api")
    "  hostnames: [api.example.com, \"*.example.com\"]\n"
    "  rules:\n"
    "  - matches: [{path: {type: PathPrefix, value: /v1}}]\n"
    "    backendRefs: [{name: v1a, port: 80, weight: 3}, {name: v1b, port: 81, weight: 1}]\n"
    "  - matches: [{path: {type: RegularExpression, value: \"/v[2-9]/[a-z]+\"}}]\n"
    "    backendRefs: [{name: v2, port: 82}]\n"
    "  - matches: [{headers: [{name: x-debug, value: \"true\"}], queryParams: [{name: q, value: \"1\"}]}]\n"
    "    backendRefs: [{name: debug, port: 83}]\n"
    "  - matches: [{path: {type: Exact, value: /health}, method: GET}]\n"
    "---\n" TU_ROUTE("default", "web")
    "  rules:\n"
    "  - matches: [{path: {type: PathPrefix, value: /}}]\n"
    "    backendRefs: [{name: web, port: 84, weight: 1}, {name: web2, port: 85, weight: 1}]\n";

typedef struct mt_job {
  const gwr_table *t;
  uint32_t *out;
  int failed;
} mt_job;

static void mt_request(int i, char *host, char *path, const char **method, gwr_header *hs,
                       size_t *nh) {
  static const char *const hosts[] = {"api.example.com", "x.example.com", "other.org",
                                      "API.EXAMPLE.COM:8080", "a.b.example.com"};
  static const char *const paths[] = {"/v1", "/v1/users", "/v2/abc", "/v3/x1", "/health",
                                      "/?q=1", "/x/../v1", "/v10/abc", "/", "/static/a.css"};
  strcpy(host, hosts[i % 5]);
  snprintf(path, 64, "%s", paths[(i / 5) % 10]);
  *method = (i % 7 == 0) ? "POST" : "GET";
  *nh = 0;
  if (i % 3 == 0) {
    hs[0].name = tu_s("X-Debug");
    hs[0].value = tu_s("true");
    *nh = 1;
  }
}

static uint32_t mt_sig(gwr_decision *d, const gwr_table *t, int i) {
  char host[64], path[64];
  const char *method;
  gwr_header hs[2];
  size_t nh;
  gwr_request req = GWR_REQUEST_INIT;
  gwr_str s = {NULL, 0};
  uint32_t sig;
  mt_request(i, host, path, &method, hs, &nh);
  req.host = tu_s(host);
  req.path = tu_s(path);
  req.method = tu_s(method);
  req.headers = nh ? hs : NULL;
  req.header_count = nh;
  req.choice = (uint64_t)i * 2654435761u;
  if (gwr_match(d, t, &req) != GWR_OK) return UINT32_MAX;
  sig = (uint32_t)gwr_decision_action(d) * 1000u + (uint32_t)gwr_decision_int(d, GWR_DI_STATUS);
  sig = sig * 31u + (uint32_t)(gwr_decision_int(d, GWR_DI_ROUTE_RULE) + 1);
  sig = sig * 31u + (uint32_t)gwr_decision_int(d, GWR_DI_BACKEND_PORT);
  gwr_decision_str(d, GWR_DS_ROUTE_NAME, &s);
  sig = sig * 31u + (uint32_t)s.len;
  gwr_decision_str(d, GWR_DS_UPSTREAM_PATH, &s);
  sig = sig * 31u + (uint32_t)s.len;
  return sig;
}

static void *mt_worker(void *arg) {
  mt_job *job = arg;
  gwr_decision *d = NULL;
  int i;
  if (gwr_decision_new(&d, job->t) != GWR_OK) {
    job->failed = 1;
    return NULL;
  }
  for (i = 0; i < MT_REQUESTS; i++) job->out[i] = mt_sig(d, job->t, i);
  gwr_decision_free(d);
  return NULL;
}

START_TEST(api_threads) {
  tu_ctx *c = tu_build(mt_config);
  static uint32_t expect[MT_REQUESTS], got[MT_THREADS][MT_REQUESTS];
  pthread_t th[MT_THREADS];
  mt_job jobs[MT_THREADS];
  int i, k, differ = 0;
  for (i = 0; i < MT_REQUESTS; i++) {
    expect[i] = mt_sig(c->d, c->table, i);
    ck_assert_uint_ne(expect[i], UINT32_MAX);
  }
  /* the workload exercises more than one outcome */
  for (i = 0; i < MT_REQUESTS; i++) differ += expect[i] != expect[0];
  ck_assert_int_gt(differ, 0);
  for (k = 0; k < MT_THREADS; k++) {
    jobs[k].t = c->table;
    jobs[k].out = got[k];
    jobs[k].failed = 0;
    ck_assert_int_eq(pthread_create(&th[k], NULL, mt_worker, &jobs[k]), 0);
  }
  for (k = 0; k < MT_THREADS; k++) ck_assert_int_eq(pthread_join(th[k], NULL), 0);
  for (k = 0; k < MT_THREADS; k++) {
    ck_assert_int_eq(jobs[k].failed, 0);
    for (i = 0; i < MT_REQUESTS; i++)
      ck_assert_msg(got[k][i] == expect[i], "thread %d request %d: %u != %u", k, i,
                    (unsigned)got[k][i], (unsigned)expect[i]);
  }
  tu_free(c);
}
END_TEST

/* ---- suite ---------------------------------------------------------------------------------------- */

static Suite *match_suite(void) {
  Suite *s = suite_create("match");
  TCase *tc;

  tc = tcase_create("path");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, h3_exact);
  tcase_add_test(tc, h3_exact_trailing_slash);
  tcase_add_test(tc, h3_exact_root);
  tcase_add_test(tc, h2_query_ignored_11_18);
  tcase_add_test(tc, h4_prefix_abc);
  tcase_add_test(tc, h4_prefix_trailing_slash_11_17);
  tcase_add_test(tc, h4_prefix_root);
  tcase_add_test(tc, h4_prefix_v2_11_16);
  tcase_add_test(tc, h4_prefix_multi_segment);
  tcase_add_test(tc, h5_regex_full_match);
  tcase_add_test(tc, h2_dot_segments_default);
  tcase_add_test(tc, h2_dot_segments_none);
  tcase_add_test(tc, h2_dot_dot_removes_one_segment);
  suite_add_tcase(s, tc);

  tc = tcase_create("predicates");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, h5_header_regex_full_match);
  tcase_add_test(tc, h6_header_name_case_11_20);
  tcase_add_test(tc, h6_first_duplicate_wins_11_21);
  tcase_add_test(tc, h7_value_case_sensitive);
  tcase_add_test(tc, h8_repeated_header_joined);
  tcase_add_test(tc, h8_joined_value_bound);
  tcase_add_test(tc, h8_single_value_bound);
  tcase_add_test(tc, h9_query_11_22);
  tcase_add_test(tc, h9_query_first_occurrence);
  tcase_add_test(tc, h10_method_11_23);
  tcase_add_test(tc, h11_composition_11_24);
  tcase_add_test(tc, h11_all_predicates_anded);
  tcase_add_test(tc, h11_defaults_match_all);
  suite_add_tcase(s, tc);

  tc = tcase_create("precedence");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, prec_11_26);
  tcase_add_test(tc, prec_11_27);
  tcase_add_test(tc, prec_11_28);
  tcase_add_test(tc, prec_11_29);
  tcase_add_test(tc, prec_11_30);
  tcase_add_test(tc, prec_age);
  tcase_add_test(tc, prec_11_31);
  tcase_add_test(tc, prec_identity_name);
  tcase_add_test(tc, prec_11_32);
  tcase_add_test(tc, prec_longer_prefix);
  tcase_add_test(tc, prec_prefix_counted_as_written);
  tcase_add_test(tc, prec_age_second_granularity);
  tcase_add_test(tc, prec_identity_one_string);
  tcase_add_test(tc, prec_11_33);
  tcase_add_test(tc, prec_11_34_p1);
  tcase_add_test(tc, prec_p1_wildcard_chain);
  tcase_add_test(tc, prec_11_35);
  tcase_add_test(tc, prec_hostname_before_path);
  tcase_add_test(tc, prec_regex_order_envoy_default);
  tcase_add_test(tc, prec_regex_order_istio);
  tcase_add_test(tc, prec_regex_by_length);
  suite_add_tcase(s, tc);

  tc = tcase_create("hosts");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, a24_port_stripped_11_6);
  tcase_add_test(tc, a24_uppercase_host);
  tcase_add_test(tc, a24_trailing_dot);
  tcase_add_test(tc, a24_ipv6_host);
  tcase_add_test(tc, a23_ignored_route_hostname_11_2);
  tcase_add_test(tc, a23_precise_listener_wild_route_11_3);
  tcase_add_test(tc, a21_wild_listener_11_4);
  tcase_add_test(tc, a21_wild_route_11_5);
  tcase_add_test(tc, a25_listener_selection_11_12);
  tcase_add_test(tc, a23_narrowed_by_listener_11_13);
  tcase_add_test(tc, a25_no_listener_fallthrough);
  tcase_add_test(tc, a25_port_selects_listener);
  tcase_add_test(tc, a26_misdirected_11_14);
  tcase_add_test(tc, a26_sni_edge_cases);
  suite_add_tcase(s, tc);

  tc = tcase_create("backends");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, b1_weights_exact_70_30_0);
  tcase_add_test(tc, b1_weights_proportions);
  tcase_add_test(tc, b1_default_weight_and_single);
  tcase_add_test(tc, b1_key_deterministic);
  tcase_add_test(tc, b5_invalid_share_500_11_36);
  tcase_add_test(tc, b4_all_zero_weights_11_38);
  tcase_add_test(tc, b3_single_zero_weight);
  tcase_add_test(tc, b6_no_backends_500);
  tcase_add_test(tc, rules_default_11_25);
  tcase_add_test(tc, b1_decision_backend_fields);
  suite_add_tcase(s, tc);

  tc = tcase_create("api");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, api_gateway_selection);
  tcase_add_test(tc, api_two_gateways_need_a_name);
  tcase_add_test(tc, api_table_outlives_config);
  tcase_add_test(tc, api_decision_across_tables);
  tcase_add_test(tc, api_threads);
  suite_add_tcase(s, tc);

  return s;
}

int main(void) {
  SRunner *sr = srunner_create(match_suite());
  int failed;
  srunner_run_all(sr, CK_ENV);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0;
}
