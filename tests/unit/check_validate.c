/* SPDX-License-Identifier: Apache-2.0 */
/*
 * check_validate.c - unit tests for lib/validate.c: the CRD schema and CEL
 * rules re-implemented for objects that never saw an API server (digest
 * §1.6 string types, A5, A15, A20, H1, §2.1 limits, §4.1, §5 F1-F4, F8,
 * F12, F27, CORS, §6.1 T4/T5, B9) and the unknown enum values that drop one
 * rule instead of the object (S1, S2, F6, §9.1, 11.62, 11.76).
 * Each rejection is checked through gwr_config_problem(): field path and
 * message; each acceptance by an empty problem list.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "testutil.h"

/* ---- helpers -------------------------------------------------------------------- */

#define ROUTE TU_ROUTE("default", "r")
#define RULE_BACKEND "    backendRefs: [{name: a, port: 80}]\n"

/* Load yaml alone; the first (only) problem must be at `field` with a
 * message containing `msg`. */
static void expect_reject_at(const char *yaml, const char *kind, const char *field,
                             const char *msg, int line) {
  tu_ctx *c = tu_new();
  gwr_error err = GWR_ERROR_INIT, e;
  int rc = tu_add_rc(c, yaml, &err);
  ck_assert_msg(rc == GWR_OK, "line %d: load returned %d: %s", line, rc, err.message);
  ck_assert_msg(tu_count(c, GWR_COUNT_PROBLEMS) == 1, "line %d: %zu problems, want 1", line,
                tu_count(c, GWR_COUNT_PROBLEMS));
  e = tu_problem(c, 0);
  ck_assert_msg(strcmp(e.kind, kind) == 0, "line %d: kind '%s', want '%s'", line, e.kind, kind);
  /* a trailing '*' in `field` matches any rest of the path */
  if (*field && field[strlen(field) - 1] == '*')
    ck_assert_msg(strncmp(e.field, field, strlen(field) - 1) == 0, "line %d: field '%s', want '%s' (%s)",
                  line, e.field, field, e.message);
  else
    ck_assert_msg(strcmp(e.field, field) == 0, "line %d: field '%s', want '%s' (%s)", line, e.field,
                  field, e.message);
  ck_assert_msg(strstr(e.message, msg) != NULL, "line %d: message '%s' lacks '%s'", line, e.message,
                msg);
  ck_assert_int_eq(e.code, GWR_E_SCHEMA);
  tu_free(c);
}

static void expect_valid_at(const char *yaml, int line) {
  tu_ctx *c = tu_new();
  gwr_error err = GWR_ERROR_INIT;
  int rc = tu_add_rc(c, yaml, &err);
  ck_assert_msg(rc == GWR_OK, "line %d: load returned %d: %s", line, rc, err.message);
  if (tu_count(c, GWR_COUNT_PROBLEMS)) {
    gwr_error e = tu_problem(c, 0);
    ck_abort_msg("line %d: unexpected problem: %s", line, e.message);
  }
  ck_assert_uint_ge(tu_count(c, GWR_COUNT_OBJECTS), 1);
  tu_free(c);
}

#define REJECT(yaml, field, msg) expect_reject_at((yaml), "HTTPRoute", (field), (msg), __LINE__)
#define REJECT_KIND(yaml, kind, field, msg) expect_reject_at((yaml), (kind), (field), (msg), __LINE__)
#define VALID(yaml) expect_valid_at((yaml), __LINE__)

/* A YAML double-quoted scalar of s. */
static void quoted(tu_buf *b, const char *s) {
  tu_buf_printf(b, "\"");
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') tu_buf_printf(b, "\\%c", *s);
    else tu_buf_printf(b, "%c", *s);
  }
  tu_buf_printf(b, "\"");
}

/* A route with one rule whose one match has the given path. */
static void path_route(tu_buf *b, const char *type, const char *value) {
  tu_buf_printf(b, "%s  rules:\n  - matches: [{path: {type: %s, value: ", ROUTE, type);
  quoted(b, value);
  tu_buf_printf(b, "}}]\n" RULE_BACKEND);
}

static const char gw_head[] =
    TU_OBJ("Gateway", "default", "gw") "spec:\n  gatewayClassName: c\n  listeners:\n";

/* ---- A20: hostnames ------------------------------------------------------------------ */

static const char *const good_hosts[] = {
    "foo.example.com", "*.example.com", "*.com", "a", "a-b.c", "1.2.3", "1.2.3.4.5",
    "xn--bcher-kva.example", NULL};

static const char *const bad_hosts[] = {
    "*", "10.0.0.1", "192.168.1.255", "Foo.example.com", "FOO.COM", "foo_bar.com",
    "foo.example.com.", ".foo.com", "-a.com", "a-.com", "*.*.com", "foo.*.com", "**.com",
    "*foo.com", "foo:80", "a..b", "", NULL};

static void label63(char *buf, size_t n) {
  memset(buf, 'a', n);
  memcpy(buf + n, ".com", 5);
}

/* A20, §1.6: the Hostname type on HTTPRoute hostnames. */
START_TEST(a20_route_hostnames) {
  size_t i;
  char l63[80], l64[80];
  for (i = 0; good_hosts[i]; i++) {
    tu_buf b = {NULL, 0, 0};
    tu_buf_printf(&b, "%s  hostnames: [", ROUTE);
    quoted(&b, good_hosts[i]);
    tu_buf_printf(&b, "]\n");
    VALID(b.p);
    tu_buf_free(&b);
  }
  for (i = 0; bad_hosts[i]; i++) {
    tu_buf b = {NULL, 0, 0};
    tu_buf_printf(&b, "%s  hostnames: [ok.example.com, ", ROUTE);
    quoted(&b, bad_hosts[i]);
    tu_buf_printf(&b, "]\n");
    ck_assert_msg(!gwr__valid_hostname(tu_s(bad_hosts[i]), 1), "'%s' is not a hostname", bad_hosts[i]);
    REJECT(b.p, "spec.hostnames[1]", "must be a valid hostname");
    tu_buf_free(&b);
  }
  /* label length: 63 ok, 64 not (§1.6: enforce it anyway) */
  label63(l63, 63);
  label63(l64, 64);
  ck_assert(gwr__valid_hostname(tu_s(l63), 1));
  ck_assert(!gwr__valid_hostname(tu_s(l64), 1));
  ck_assert(!gwr__valid_hostname(tu_s(l64), 0));
}
END_TEST

/* A20: whole-name length 253. */
START_TEST(a20_hostname_length) {
  char name[300];
  size_t i;
  /* 4 labels of 63 + 3 dots = 255; trim to 253 and 254 */
  for (i = 0; i < 255; i++) name[i] = (i % 64 == 63) ? '.' : 'a';
  name[253] = '\0';
  ck_assert(gwr__valid_hostname(tu_s(name), 1));
  name[253] = 'a';
  name[254] = '\0';
  ck_assert(!gwr__valid_hostname(tu_s(name), 1));
}
END_TEST

/* A20: PreciseHostname (redirect/rewrite) has no wildcard. */
START_TEST(a20_precise_hostname) {
  ck_assert(gwr__valid_hostname(tu_s("foo.example.com"), 0));
  ck_assert(!gwr__valid_hostname(tu_s("*.example.com"), 0));
  REJECT(ROUTE "  rules:\n  - filters: [{type: RequestRedirect, requestRedirect: {hostname: \"*.example.com\"}}]\n",
         "spec.rules[0].filters[0].requestRedirect.hostname", "precise hostname");
  REJECT(ROUTE "  rules:\n  - filters: [{type: URLRewrite, urlRewrite: {hostname: Example.com}}]\n" RULE_BACKEND,
         "spec.rules[0].filters[0].urlRewrite.hostname", "precise hostname");
}
END_TEST

/* A20 on listeners: same type; 16 route hostnames at most (§2.1). */
START_TEST(a20_listener_hostname_and_count) {
  tu_buf b = {NULL, 0, 0};
  int i;
  tu_buf_printf(&b, "%s  - {name: h, port: 80, protocol: HTTP, hostname: \"10.0.0.1\"}\n", gw_head);
  REJECT_KIND(b.p, "Gateway", "spec.listeners[0].hostname", "must be a valid hostname");
  tu_buf_free(&b);
  tu_buf_printf(&b, "%s  - {name: h, port: 80, protocol: HTTP, hostname: \"*\"}\n", gw_head);
  REJECT_KIND(b.p, "Gateway", "spec.listeners[0].hostname", "must be a valid hostname");
  tu_buf_free(&b);
  tu_buf_printf(&b, "%s  hostnames: [", ROUTE);
  for (i = 0; i < 16; i++) tu_buf_printf(&b, "%sh%d.example.com", i ? ", " : "", i);
  tu_buf_printf(&b, "]\n");
  VALID(b.p);
  tu_buf_free(&b);
  tu_buf_printf(&b, "%s  hostnames: [", ROUTE);
  for (i = 0; i < 17; i++) tu_buf_printf(&b, "%sh%d.example.com", i ? ", " : "", i);
  tu_buf_printf(&b, "]\n");
  REJECT(b.p, "spec.hostnames", "at most 16");
  tu_buf_free(&b);
}
END_TEST

/* ---- H1: path values ------------------------------------------------------------------ */

static const struct {
  const char *value, *msg;
} bad_paths[] = {
    {"foo", "must start with '/'"},
    {"", "must start with '/'"},
    {"/foo//bar", "must not contain '//'"},
    {"//", "must not contain '//'"},
    {"/foo/./x", "must not contain '/./'"},
    {"/a/../b", "must not contain '/../'"},
    {"/a%2Fb", "must not contain '%2f' or '%2F'"},
    {"/a%2fb", "must not contain '%2f' or '%2F'"},
    {"/a#b", "must not contain '#'"},
    {"/a/..", "must not end with '/..'"},
    {"/a/.", "must not end with '/.'"},
    {"/.", "must not end with '/.'"},
    {"/a b", "valid path characters"},
    {"/a<b", "valid path characters"},
    {"/a^b", "valid path characters"},
    {"/a{b}", "valid path characters"},
    {"/a|b", "valid path characters"},
    {"/a\"b", "valid path characters"},
    {"/a?b", "valid path characters"},
    {"/a%zz", "valid path characters"},
    {"/a%4", "valid path characters"},
    {"/a%", "valid path characters"},
};

static const char *const good_paths[] = {
    "/", "/a", "/a/", "/a/b/c", "/a%41", "/a%2e", "/-._~!$&'()*+,;=:@", "/a.b/..c/.d", "/..a", NULL};

/* H1, 11.19: each forbidden string rejects Exact and PathPrefix values,
 * with the rule's own message. */
START_TEST(h1_forbidden_paths_11_19) {
  static const char *const types[] = {"Exact", "PathPrefix"};
  size_t i, t;
  for (t = 0; t < 2; t++)
    for (i = 0; i < sizeof bad_paths / sizeof bad_paths[0]; i++) {
      tu_buf b = {NULL, 0, 0};
      path_route(&b, types[t], bad_paths[i].value);
      REJECT(b.p, "spec.rules[0].matches[0].path.value", bad_paths[i].msg);
      ck_assert_ptr_nonnull(gwr__path_value_problem(tu_s(bad_paths[i].value)));
      ck_assert_ptr_nonnull(strstr(gwr__path_value_problem(tu_s(bad_paths[i].value)), bad_paths[i].msg));
      tu_buf_free(&b);
    }
  for (t = 0; t < 2; t++)
    for (i = 0; good_paths[i]; i++) {
      tu_buf b = {NULL, 0, 0};
      path_route(&b, types[t], good_paths[i]);
      VALID(b.p);
      ck_assert_ptr_null(gwr__path_value_problem(tu_s(good_paths[i])));
      tu_buf_free(&b);
    }
}
END_TEST

/* H1, 11.19: none of this applies to RegularExpression values. */
START_TEST(h1_regex_exempt_11_19) {
  static const char *const values[] = {"/foo//bar", "/foo/./x", "/a/../b", "/a%2Fb", "/a#b",
                                       "/a/.", "foo", "/a b", NULL};
  size_t i;
  for (i = 0; values[i]; i++) {
    tu_buf b = {NULL, 0, 0};
    path_route(&b, "RegularExpression", values[i]);
    VALID(b.p);
    tu_buf_free(&b);
  }
}
END_TEST

/* H1, §2.1: path values are at most 1024 characters (also regexes). */
START_TEST(h1_path_length) {
  char v[1100];
  tu_buf b = {NULL, 0, 0};
  memset(v, 'a', sizeof v);
  v[0] = '/';
  v[1024] = '\0';
  path_route(&b, "PathPrefix", v);
  VALID(b.p);
  tu_buf_free(&b);
  v[1024] = 'a';
  v[1025] = '\0';
  path_route(&b, "Exact", v);
  REJECT(b.p, "spec.rules[0].matches[0].path.value", "at most 1024");
  tu_buf_free(&b);
  path_route(&b, "RegularExpression", v);
  REJECT(b.p, "spec.rules[0].matches[0].path.value", "at most 1024");
  tu_buf_free(&b);
}
END_TEST

/* ---- §1.6 HeaderName, §2.1 headers and query params --------------------------------------- */

static void kv_route(tu_buf *b, const char *what, const char *name, const char *value) {
  tu_buf_printf(b, "%s  rules:\n  - matches: [{%s: [{name: ", ROUTE, what);
  quoted(b, name);
  tu_buf_printf(b, ", value: ");
  quoted(b, value);
  tu_buf_printf(b, "}]}]\n" RULE_BACKEND);
}

/* §1.6 HeaderName: RFC 7230 token, 1..256, no pseudo-headers; for header
 * and query-param names alike. */
START_TEST(header_names) {
  static const char *const good[] = {"X-Foo", "a!#$%&'*+-.^_`|~Z09", "version", NULL};
  static const char *const bad[] = {":method", "a b", "a:b", "a/b", "a@b", "a(b", "a\"b", "", NULL};
  static const char *const where[] = {"headers", "queryParams"};
  char n256[300], n257[300];
  size_t i, w;
  memset(n256, 'h', sizeof n256);
  n256[256] = '\0';
  memset(n257, 'h', sizeof n257);
  n257[257] = '\0';
  for (w = 0; w < 2; w++) {
    char field[128];
    snprintf(field, sizeof field, "spec.rules[0].matches[0].%s[0].name", where[w]);
    for (i = 0; good[i]; i++) {
      tu_buf b = {NULL, 0, 0};
      kv_route(&b, where[w], good[i], "v");
      VALID(b.p);
      tu_buf_free(&b);
    }
    for (i = 0; bad[i]; i++) {
      tu_buf b = {NULL, 0, 0};
      kv_route(&b, where[w], bad[i], "v");
      REJECT(b.p, field, "must be a valid header name");
      tu_buf_free(&b);
    }
    {
      tu_buf b = {NULL, 0, 0};
      kv_route(&b, where[w], n256, "v");
      VALID(b.p);
      tu_buf_free(&b);
      kv_route(&b, where[w], n257, "v");
      REJECT(b.p, field, "must be a valid header name");
      tu_buf_free(&b);
    }
  }
  ck_assert(gwr__valid_header_name(tu_s("X-Foo")));
  ck_assert(!gwr__valid_header_name(tu_s(":authority")));
}
END_TEST

/* §2.1: header values 1..4096, query values 1..1024. */
START_TEST(kv_values) {
  static char big[5000];
  tu_buf b = {NULL, 0, 0};
  memset(big, 'v', sizeof big - 1);
  kv_route(&b, "headers", "x", "");
  REJECT(b.p, "spec.rules[0].matches[0].headers[0].value", "must be 1 to 4096");
  tu_buf_free(&b);
  big[4096] = '\0';
  kv_route(&b, "headers", "x", big);
  VALID(b.p);
  tu_buf_free(&b);
  big[4096] = 'v';
  big[4097] = '\0';
  kv_route(&b, "headers", "x", big);
  REJECT(b.p, "spec.rules[0].matches[0].headers[0].value", "must be 1 to 4096");
  tu_buf_free(&b);
  big[1024] = '\0';
  kv_route(&b, "queryParams", "x", big);
  VALID(b.p);
  tu_buf_free(&b);
  big[1024] = 'v';
  big[1025] = '\0';
  kv_route(&b, "queryParams", "x", big);
  REJECT(b.p, "spec.rules[0].matches[0].queryParams[0].value", "must be 1 to 1024");
  tu_buf_free(&b);
}
END_TEST

/* §2.1 list-map keyed by name: exact duplicates rejected, Foo/foo allowed
 * (H6, 11.21); same for query params. */
START_TEST(kv_duplicate_names) {
  REJECT(ROUTE "  rules:\n  - matches: [{headers: [{name: foo, value: a}, {name: foo, value: b}]}]\n",
         "spec.rules[0].matches[0].headers[1].name", "names must be unique");
  VALID(ROUTE "  rules:\n  - matches: [{headers: [{name: Foo, value: a}, {name: foo, value: b}]}]\n");
  REJECT(ROUTE "  rules:\n  - matches: [{queryParams: [{name: q, value: a}, {name: q, value: b}]}]\n",
         "spec.rules[0].matches[0].queryParams[1].name", "names must be unique");
  VALID(ROUTE "  rules:\n  - matches: [{queryParams: [{name: Q, value: a}, {name: q, value: b}]}]\n");
}
END_TEST

/* ---- §2.1 limits ---------------------------------------------------------------------------- */

static void rules_route(tu_buf *b, int rules, int matches_per_rule, int last_rule_matches) {
  int r, m;
  tu_buf_printf(b, "%s  rules:\n", ROUTE);
  for (r = 0; r < rules; r++) {
    int n = r == rules - 1 && last_rule_matches >= 0 ? last_rule_matches : matches_per_rule;
    tu_buf_printf(b, "  - matches:\n");
    for (m = 0; m < n; m++) tu_buf_printf(b, "    - {path: {type: Exact, value: /r%d/m%d}}\n", r, m);
    if (n == 0) tu_buf_printf(b, "    []\n");
  }
}

/* §2.1: rules 1..16, matches per rule <= 64, total matches <= 128. */
START_TEST(limits_rules_and_matches) {
  tu_buf b = {NULL, 0, 0};
  rules_route(&b, 16, 1, -1);
  VALID(b.p);
  tu_buf_free(&b);
  rules_route(&b, 17, 1, -1);
  REJECT(b.p, "spec.rules", "at most 16");
  tu_buf_free(&b);
  rules_route(&b, 1, 64, -1);
  VALID(b.p);
  tu_buf_free(&b);
  rules_route(&b, 1, 65, -1);
  REJECT(b.p, "spec.rules[0].matches", "at most 64");
  tu_buf_free(&b);
  rules_route(&b, 2, 64, -1);
  VALID(b.p);
  tu_buf_free(&b);
  rules_route(&b, 3, 64, 1);
  REJECT(b.p, "spec.rules", "total number of matches");
  tu_buf_free(&b);
}
END_TEST

static void many_kv(tu_buf *b, const char *what, int n) {
  int i;
  tu_buf_printf(b, "%s  rules:\n  - matches: [{%s: [", ROUTE, what);
  for (i = 0; i < n; i++) tu_buf_printf(b, "%s{name: h%d, value: v}", i ? ", " : "", i);
  tu_buf_printf(b, "]}]\n");
}

/* §2.1: 16 headers and 16 query params per match. */
START_TEST(limits_headers_queries) {
  tu_buf b = {NULL, 0, 0};
  many_kv(&b, "headers", 16);
  VALID(b.p);
  tu_buf_free(&b);
  many_kv(&b, "headers", 17);
  REJECT(b.p, "spec.rules[0].matches[0].headers", "at most 16");
  tu_buf_free(&b);
  many_kv(&b, "queryParams", 16);
  VALID(b.p);
  tu_buf_free(&b);
  many_kv(&b, "queryParams", 17);
  REJECT(b.p, "spec.rules[0].matches[0].queryParams", "at most 16");
  tu_buf_free(&b);
}
END_TEST

static void many_backends(tu_buf *b, int n, long weight) {
  int i;
  tu_buf_printf(b, "%s  rules:\n  - backendRefs: [", ROUTE);
  for (i = 0; i < n; i++) tu_buf_printf(b, "%s{name: s%d, port: 80, weight: %ld}", i ? ", " : "", i, weight);
  tu_buf_printf(b, "]\n");
}

/* §2.1, §4.1: 16 backendRefs; weights 0..1000000. */
START_TEST(limits_backends_and_weights) {
  tu_buf b = {NULL, 0, 0};
  many_backends(&b, 16, 1);
  VALID(b.p);
  tu_buf_free(&b);
  many_backends(&b, 17, 1);
  REJECT(b.p, "spec.rules[0].backendRefs", "at most 16");
  tu_buf_free(&b);
  many_backends(&b, 1, 0);
  VALID(b.p);
  tu_buf_free(&b);
  many_backends(&b, 1, 1000000);
  VALID(b.p);
  tu_buf_free(&b);
  many_backends(&b, 1, 1000001);
  REJECT(b.p, "spec.rules[0].backendRefs[0].weight", "between 0 and 1000000");
  tu_buf_free(&b);
  many_backends(&b, 1, -1);
  REJECT(b.p, "spec.rules[0].backendRefs[0].weight", "between 0 and 1000000");
  tu_buf_free(&b);
}
END_TEST

static void many_parents(tu_buf *b, int n) {
  int i;
  tu_buf_printf(b, TU_OBJ("HTTPRoute", "default", "r") "spec:\n  parentRefs: [");
  for (i = 0; i < n; i++) tu_buf_printf(b, "%s{name: gw, sectionName: s%d}", i ? ", " : "", i);
  tu_buf_printf(b, "]\n");
}

/* §1.4: at most 32 parentRefs. */
START_TEST(limits_parent_refs) {
  tu_buf b = {NULL, 0, 0};
  many_parents(&b, 32);
  VALID(b.p);
  tu_buf_free(&b);
  many_parents(&b, 33);
  REJECT(b.p, "spec.parentRefs", "at most 32");
  tu_buf_free(&b);
}
END_TEST

/* §5: at most 16 filters. */
START_TEST(limits_filters) {
  tu_buf b = {NULL, 0, 0};
  int i;
  tu_buf_printf(&b, "%s  rules:\n  - filters:\n", ROUTE);
  for (i = 0; i < 16; i++)
    tu_buf_printf(&b, "    - {type: ExtensionRef, extensionRef: {group: example.com, kind: F, name: f%d}}\n", i);
  VALID(b.p);
  tu_buf_printf(&b, "    - {type: ExtensionRef, extensionRef: {group: example.com, kind: F, name: f16}}\n");
  REJECT(b.p, "spec.rules[0].filters", "at most 16");
  tu_buf_free(&b);
}
END_TEST

/* ---- A15, 11.11: parentRef distinctness ------------------------------------------------------ */

#define PARENTS(list) \
  TU_OBJ("HTTPRoute", "default", "r") "spec:\n  parentRefs: " list "\n"

START_TEST(a15_parent_distinct_11_11) {
  REJECT(PARENTS("[{name: gw, sectionName: a}, {name: gw}]"), "spec.parentRefs[1]",
         "sectionName must be specified");
  REJECT(PARENTS("[{name: gw}, {name: gw, sectionName: a}]"), "spec.parentRefs[1]",
         "sectionName must be specified");
  REJECT(PARENTS("[{name: gw, sectionName: a}, {name: gw, sectionName: a}]"), "spec.parentRefs[1]",
         "must be unique");
  REJECT(PARENTS("[{name: gw}, {name: gw}]"), "spec.parentRefs[1]", "sectionName must be specified");
  /* namespace "" = unset = the route's own */
  REJECT(PARENTS("[{name: gw}, {name: gw, namespace: default}]"), "spec.parentRefs[1]",
         "sectionName must be specified");
  VALID(PARENTS("[{name: gw, sectionName: a}, {name: gw, sectionName: b}]"));
  VALID(PARENTS("[{name: gw}, {name: gw, namespace: other}]"));
  VALID(PARENTS("[{name: gw}, {name: gw2}]"));
  VALID(PARENTS("[{name: gw}, {name: gw, kind: ListenerSet}]"));
}
END_TEST

/* §1.4, §1.6: parentRef field types. */
START_TEST(parent_ref_fields) {
  REJECT(PARENTS("[{name: gw, namespace: Bad_NS}]"), "spec.parentRefs[0].namespace", "RFC 1123 label");
  REJECT(PARENTS("[{name: gw, group: Bad_Group}]"), "spec.parentRefs[0].group", "valid group");
  REJECT(PARENTS("[{name: gw, kind: 1Gateway}]"), "spec.parentRefs[0].kind", "valid kind");
  REJECT(PARENTS("[{name: gw, sectionName: Http}]"), "spec.parentRefs[0].sectionName", "RFC 1123");
  REJECT(PARENTS("[{name: \"\"}]"), "spec.parentRefs[0].name", "1 to 253");
  VALID(PARENTS("[{name: gw, group: \"\", kind: Service}]"));
}
END_TEST

/* ---- §4.1 backendRefs --------------------------------------------------------------------------- */

/* §4.1, 11.43: a core Service reference needs a port; other kinds do not. */
START_TEST(backend_port_required_11_43) {
  REJECT(ROUTE "  rules:\n  - backendRefs: [{name: svc}]\n", "spec.rules[0].backendRefs[0].port",
         "Must have port for Service reference");
  REJECT(ROUTE "  rules:\n  - backendRefs: [{name: svc, kind: Service, group: \"\"}]\n",
         "spec.rules[0].backendRefs[0].port", "Must have port for Service reference");
  VALID(ROUTE "  rules:\n  - backendRefs: [{name: x, group: example.com, kind: Foo}]\n");
  REJECT(ROUTE "  rules:\n  - filters: [{type: RequestMirror, requestMirror: {backendRef: {name: m}}}]\n"
               RULE_BACKEND,
         "spec.rules[0].filters[0].requestMirror.backendRef.port", "Must have port for Service reference");
  REJECT(ROUTE "  rules:\n  - backendRefs: [{name: svc, port: 80, namespace: Bad}]\n",
         "spec.rules[0].backendRefs[0].namespace", "RFC 1123 label");
  REJECT(ROUTE "  rules:\n  - backendRefs: [{name: svc, port: 80, kind: \"9x\"}]\n",
         "spec.rules[0].backendRefs[0].kind", "valid group and kind");
}
END_TEST

/* ---- §5 filters ------------------------------------------------------------------------------------ */

#define FILTER_RHM(set) \
  "{type: RequestHeaderModifier, requestHeaderModifier: " set "}"
#define RULE_FILTERS(list) ROUTE "  rules:\n  - filters: " list "\n"

/* F1, 11.51: at most one of each type except RequestMirror/ExtensionRef. */
START_TEST(f1_repetition_11_51) {
  REJECT(RULE_FILTERS("[" FILTER_RHM("{set: [{name: a, value: b}]}") ", " FILTER_RHM("{set: [{name: c, value: d}]}") "]")
         RULE_BACKEND,
         "spec.rules[0].filters[1].type", "may only be used once");
  REJECT(RULE_FILTERS("[{type: ResponseHeaderModifier, responseHeaderModifier: {remove: [a]}},"
                      " {type: ResponseHeaderModifier, responseHeaderModifier: {remove: [b]}}]") RULE_BACKEND,
         "spec.rules[0].filters[1].type", "may only be used once");
  REJECT(RULE_FILTERS("[{type: URLRewrite, urlRewrite: {hostname: a.com}}, {type: URLRewrite, urlRewrite: {hostname: b.com}}]")
         RULE_BACKEND,
         "spec.rules[0].filters[1].type", "may only be used once");
  REJECT(RULE_FILTERS("[{type: CORS, cors: {allowOrigins: [\"*\"]}}, {type: CORS, cors: {allowOrigins: [\"*\"]}}]")
         RULE_BACKEND,
         "spec.rules[0].filters[1].type", "may only be used once");
  REJECT(RULE_FILTERS("[{type: RequestRedirect, requestRedirect: {hostname: a.com}},"
                      " {type: RequestRedirect, requestRedirect: {hostname: b.com}}]"),
         "spec.rules[0].filters[1].type", "may only be used once");
  VALID(RULE_FILTERS("[{type: RequestMirror, requestMirror: {backendRef: {name: m1, port: 80}}},"
                     " {type: RequestMirror, requestMirror: {backendRef: {name: m2, port: 80}}}]") RULE_BACKEND);
  VALID(RULE_FILTERS("[{type: ExtensionRef, extensionRef: {group: example.com, kind: F, name: a}},"
                     " {type: ExtensionRef, extensionRef: {group: example.com, kind: F, name: b}}]") RULE_BACKEND);
  /* also in a backendRef's filter list */
  REJECT(ROUTE "  rules:\n  - backendRefs: [{name: a, port: 80, filters: [" FILTER_RHM("{remove: [a]}") ", "
               FILTER_RHM("{remove: [b]}") "]}]\n",
         "spec.rules[0].backendRefs[0].filters[1].type", "may only be used once");
}
END_TEST

/* F2, 11.51: RequestRedirect and URLRewrite never together. */
START_TEST(f2_redirect_and_rewrite_11_51) {
  REJECT(RULE_FILTERS("[{type: RequestRedirect, requestRedirect: {hostname: a.com}},"
                      " {type: URLRewrite, urlRewrite: {hostname: b.com}}]"),
         "spec.rules[0].filters", "either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite");
}
END_TEST

/* F3, 11.51: a rule-level RequestRedirect with backendRefs. */
START_TEST(f3_redirect_with_backends_11_51) {
  REJECT(RULE_FILTERS("[{type: RequestRedirect, requestRedirect: {scheme: https}}]") RULE_BACKEND,
         "spec.rules[0]", "must not be used with backendRefs");
  VALID(RULE_FILTERS("[{type: RequestRedirect, requestRedirect: {scheme: https, statusCode: 301}}]"));
}
END_TEST

/* F4, 11.50: ReplacePrefixMatch needs exactly one PathPrefix match. */
START_TEST(f4_replace_prefix_match_11_50) {
  REJECT(ROUTE "  rules:\n  - matches: [{path: {type: Exact, value: /a}}]\n"
               "    filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /b}}}]\n"
               RULE_BACKEND,
         "spec.rules[0].filters[0].urlRewrite.path", "ReplacePrefixMatch requires exactly one match");
  REJECT(ROUTE "  rules:\n  - matches: [{path: {type: PathPrefix, value: /a}}, {path: {type: PathPrefix, value: /c}}]\n"
               "    filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /b}}}]\n"
               RULE_BACKEND,
         "spec.rules[0].filters[0].urlRewrite.path", "ReplacePrefixMatch requires exactly one match");
  REJECT(ROUTE "  rules:\n  - matches: [{path: {type: Exact, value: /a}}]\n"
               "    filters: [{type: RequestRedirect, requestRedirect: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /b}}}]\n",
         "spec.rules[0].filters[0].requestRedirect.path", "ReplacePrefixMatch requires exactly one match");
  VALID(ROUTE "  rules:\n  - matches: [{path: {type: PathPrefix, value: /a}}]\n"
              "    filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /b}}}]\n"
              RULE_BACKEND);
  /* ReplaceFullPath has no such requirement */
  VALID(ROUTE "  rules:\n  - matches: [{path: {type: Exact, value: /a}}, {path: {type: Exact, value: /c}}]\n"
              "    filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplaceFullPath, replaceFullPath: /b}}}]\n"
              RULE_BACKEND);
}
END_TEST

/* F8, F12, 11.55: one action per header name per filter, case-insensitive. */
START_TEST(f12_header_modifier_11_55) {
  const char *at = "spec.rules[0].filters[0].requestHeaderModifier";
  REJECT(RULE_FILTERS("[" FILTER_RHM("{set: [{name: X-A, value: v}], remove: [X-A]}") "]") RULE_BACKEND, at,
         "only one of set, add and remove");
  REJECT(RULE_FILTERS("[" FILTER_RHM("{set: [{name: X-A, value: v}], add: [{name: x-a, value: w}]}") "]")
         RULE_BACKEND, at, "only one of set, add and remove");
  REJECT(RULE_FILTERS("[" FILTER_RHM("{add: [{name: X-A, value: v}, {name: X-A, value: w}]}") "]") RULE_BACKEND,
         at, "only one of set, add and remove");
  REJECT(RULE_FILTERS("[" FILTER_RHM("{remove: [x-a, X-A]}") "]") RULE_BACKEND, at,
         "only one of set, add and remove");
  VALID(RULE_FILTERS("[" FILTER_RHM("{set: [{name: X-A, value: v}], add: [{name: X-B, value: w}], remove: [X-C]}") "]")
        RULE_BACKEND);
  REJECT(RULE_FILTERS("[" FILTER_RHM("{set: [{name: \"bad name\", value: v}]}") "]") RULE_BACKEND,
         "spec.rules[0].filters[0].requestHeaderModifier.set[0].name", "valid header name");
  REJECT(RULE_FILTERS("[" FILTER_RHM("{set: [{name: X-A, value: \"\"}]}") "]") RULE_BACKEND,
         "spec.rules[0].filters[0].requestHeaderModifier.set[0].value", "1 to 4096");
  /* no CR, LF or NUL can reach a decision */
  REJECT(RULE_FILTERS("[" FILTER_RHM("{add: [{name: X-A, value: \"a\\r\\nX-Evil: 1\"}]}") "]") RULE_BACKEND,
         "spec.rules[0].filters[0].requestHeaderModifier.add[0].value", "without CR, LF or NUL");
  REJECT_KIND(RULE_FILTERS("[{type: ResponseHeaderModifier, responseHeaderModifier: {add: [{name: a, value: v}],"
                           " remove: [A]}}]") RULE_BACKEND,
              "HTTPRoute", "spec.rules[0].filters[0].responseHeaderModifier", "only one of set, add and remove");
}
END_TEST

/* F8: `remove` entries carry no format check (only duplicates matter). */
START_TEST(f8_remove_not_format_checked) {
  VALID(RULE_FILTERS("[" FILTER_RHM("{remove: [\"not a token\", \"x:y\"]}") "]") RULE_BACKEND);
}
END_TEST

/* §5.4 CEL: the member named by the path modifier's type must be set, and
 * the other must not. */
START_TEST(pathmod_member_cel) {
  REJECT(ROUTE "  rules:\n  - filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplaceFullPath}}}]\n"
               RULE_BACKEND,
         "spec.rules[0].filters[0].urlRewrite.path*", "");
  REJECT(ROUTE "  rules:\n  - filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplaceFullPath,"
               " replaceFullPath: /a, replacePrefixMatch: /b}}}]\n" RULE_BACKEND,
         "spec.rules[0].filters[0].urlRewrite.path*", "");
  REJECT(ROUTE "  rules:\n  - matches: [{path: {type: PathPrefix, value: /p}}]\n"
               "    filters: [{type: RequestRedirect, requestRedirect: {path: {type: ReplacePrefixMatch,"
               " replaceFullPath: /a}}}]\n",
         "spec.rules[0].filters[0].requestRedirect.path*", "");
}
END_TEST

#define MIRROR(extra) \
  RULE_FILTERS("[{type: RequestMirror, requestMirror: {backendRef: {name: m, port: 80}" extra "}}]") RULE_BACKEND

/* F27: percent 0..100 or fraction num<=den, den>=1; not both. */
START_TEST(f27_mirror_fraction) {
  const char *at = "spec.rules[0].filters[0].requestMirror";
  VALID(MIRROR(""));
  VALID(MIRROR(", percent: 0"));
  VALID(MIRROR(", percent: 100"));
  VALID(MIRROR(", fraction: {numerator: 5, denominator: 1000}"));
  VALID(MIRROR(", fraction: {numerator: 5}"));
  VALID(MIRROR(", fraction: {numerator: 0, denominator: 1}"));
  REJECT(MIRROR(", percent: 42, fraction: {numerator: 5, denominator: 1000}"), at,
         "Only one of percent or fraction");
  REJECT(MIRROR(", percent: 101"), "spec.rules[0].filters[0].requestMirror.percent", "between 0 and 100");
  REJECT(MIRROR(", fraction: {numerator: 2, denominator: 1}"), "spec.rules[0].filters[0].requestMirror.fraction",
         "numerator must be between 0 and denominator");
  REJECT(MIRROR(", fraction: {numerator: 0, denominator: 0}"), "spec.rules[0].filters[0].requestMirror.fraction",
         "denominator at least 1");
  REJECT(MIRROR(", fraction: {numerator: 101}"), "spec.rules[0].filters[0].requestMirror.fraction",
         "numerator must be between 0 and denominator");
}
END_TEST

/* F27: negative values are out of range too (percent -1 is not "unset"). */
START_TEST(f27_mirror_negative) {
  REJECT(MIRROR(", percent: -1"), "spec.rules[0].filters[0].requestMirror.percent", "between 0 and 100");
  REJECT(MIRROR(", percent: -1, fraction: {numerator: 1, denominator: 2}"),
         "spec.rules[0].filters[0].requestMirror*", "");
  REJECT(MIRROR(", fraction: {numerator: -1, denominator: 2}"),
         "spec.rules[0].filters[0].requestMirror.fraction*", "");
}
END_TEST

#define CORS(body) RULE_FILTERS("[{type: CORS, cors: " body "}]") RULE_BACKEND

/* §5.6, 11.60: CORS lists and maxAge. */
START_TEST(cors_11_60) {
  const char *at = "spec.rules[0].filters[0].cors";
  char f[128];
  VALID(CORS("{allowOrigins: [\"https://www.foo.com\", \"https://*.bar.com\", \"http://a.com:8080\"],"
             " allowCredentials: true, maxAge: 3600}"));
  VALID(CORS("{allowOrigins: [\"*\"], allowMethods: [\"*\"], allowHeaders: [\"*\"]}"));
  VALID(CORS("{allowMethods: [GET, PUT, PATCH], allowHeaders: [x-a], exposeHeaders: [x-b], maxAge: 1}"));
  snprintf(f, sizeof f, "%s.allowOrigins", at);
  REJECT(CORS("{allowOrigins: [\"*\", \"https://a.com\"]}"), f, "'*' must not be combined");
  snprintf(f, sizeof f, "%s.allowMethods", at);
  REJECT(CORS("{allowMethods: [\"*\", GET]}"), f, "'*' must not be combined");
  snprintf(f, sizeof f, "%s.allowHeaders", at);
  REJECT(CORS("{allowHeaders: [\"*\", x-a]}"), f, "'*' must not be combined");
  snprintf(f, sizeof f, "%s.allowOrigins[0]", at);
  REJECT(CORS("{allowOrigins: [\"ftp://a.com\"]}"), f, "valid origin");
  REJECT(CORS("{allowOrigins: [\"https://a.com:123456\"]}"), f, "valid origin");
  REJECT(CORS("{allowOrigins: [\"https://\"]}"), f, "valid origin");
  REJECT(CORS("{allowOrigins: [\"a.com\"]}"), f, "valid origin");
  snprintf(f, sizeof f, "%s.allowMethods[0]", at);
  REJECT(CORS("{allowMethods: [FETCH]}"), f, "HTTP method");
  snprintf(f, sizeof f, "%s.allowHeaders[0]", at);
  REJECT(CORS("{allowHeaders: [\"bad header\"]}"), f, "valid header name");
  snprintf(f, sizeof f, "%s.maxAge", at);
  REJECT(CORS("{maxAge: 0}"), f, "at least 1");
}
END_TEST

/* 11.60: a CORS filter without maxAge means 5 seconds. */
START_TEST(cors_default_max_age_11_60) {
  tu_ctx *c = tu_new();
  const gwr__route *r;
  tu_add(c, CORS("{allowOrigins: [\"*\"]}"));
  ck_assert_uint_eq(c->cfg->model.routes.len, 1);
  r = GWR_VEC_AT(&c->cfg->model.routes, gwr__route *, 0);
  ck_assert_int_eq(r->rules[0].filters[0].type, GWR_FILTER_CORS);
  ck_assert_int_eq(r->rules[0].filters[0].cors.max_age, 5);
  ck_assert_int_eq(r->rules[0].filters[0].cors.credentials, -1);
  tu_free(c);
}
END_TEST

/* ---- §6.1: timeouts ------------------------------------------------------------------------------- */

static void timeouts_route(tu_buf *b, const char *request, const char *backend) {
  tu_buf_printf(b, "%s  rules:\n  - timeouts: {", ROUTE);
  if (request) tu_buf_printf(b, "request: \"%s\"%s", request, backend ? ", " : "");
  if (backend) tu_buf_printf(b, "backendRequest: \"%s\"", backend);
  tu_buf_printf(b, "}\n" RULE_BACKEND);
}

/* T5, 11.65: the Duration format. */
START_TEST(t5_duration_11_65) {
  static const struct {
    const char *text;
    int64_t ms; /* -1: invalid */
  } rows[] = {
      {"1h30m", 5400000},      {"150m", 9000000},   {"1h2h20m10m", 12600000}, {"0s", 0},
      {"500ms", 500},          {"10s", 10000},      {"99999s", 99999000},     {"1m1ms", 60001},
      {"1ms1m", 60001},        {"1.5h", -1},        {"1d", -1},               {"100000s", -1},
      {"1h1h1h1h1h", -1},      {"10", -1},          {"", -1},                 {"1us", -1},
      {"-1s", -1},             {"+1s", -1},         {"h", -1},                {"1 s", -1},
      {"1s ", -1},             {"1H", -1},
  };
  size_t i;
  for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    int64_t ms = -7;
    tu_buf b = {NULL, 0, 0};
    int ok = gwr__parse_duration(tu_s(rows[i].text), &ms);
    ck_assert_msg(ok == (rows[i].ms >= 0), "'%s': parse %d", rows[i].text, ok);
    if (ok) ck_assert_msg(ms == rows[i].ms, "'%s': %lld ms", rows[i].text, (long long)ms);
    timeouts_route(&b, rows[i].text, NULL);
    if (rows[i].ms >= 0)
      VALID(b.p);
    else
      REJECT(b.p, "spec.rules[0].timeouts.request", "must be a duration");
    tu_buf_free(&b);
    timeouts_route(&b, NULL, rows[i].text);
    if (rows[i].ms >= 0)
      VALID(b.p);
    else
      REJECT(b.p, "spec.rules[0].timeouts.backendRequest", "must be a duration");
    tu_buf_free(&b);
  }
}
END_TEST

/* T4, 11.63: backendRequest <= request unless request is zero. */
START_TEST(t4_backend_le_request_11_63) {
  tu_buf b = {NULL, 0, 0};
  timeouts_route(&b, "10s", "20s");
  REJECT(b.p, "spec.rules[0].timeouts", "cannot be longer than request");
  tu_buf_free(&b);
  timeouts_route(&b, "0s", "20s");
  VALID(b.p);
  tu_buf_free(&b);
  timeouts_route(&b, "20s", "20s");
  VALID(b.p);
  tu_buf_free(&b);
  timeouts_route(&b, "1m", "59s");
  VALID(b.p);
  tu_buf_free(&b);
  timeouts_route(&b, "1m", "60001ms");
  REJECT(b.p, "spec.rules[0].timeouts", "cannot be longer than request");
  tu_buf_free(&b);
}
END_TEST

/* ---- Gateway listeners (§1.2, A5) --------------------------------------------------------------------- */

static void listeners(tu_buf *b, const char *list) {
  tu_buf_printf(b, "%s%s", gw_head, list);
}

#define GW_REJECT(list, field, msg)                                     \
  do {                                                                  \
    tu_buf b_ = {NULL, 0, 0};                                           \
    listeners(&b_, list);                                               \
    expect_reject_at(b_.p, "Gateway", (field), (msg), __LINE__);        \
    tu_buf_free(&b_);                                                   \
  } while (0)

#define GW_VALID(list)                  \
  do {                                  \
    tu_buf b_ = {NULL, 0, 0};           \
    listeners(&b_, list);               \
    expect_valid_at(b_.p, __LINE__);    \
    tu_buf_free(&b_);                   \
  } while (0)

#define CERT "tls: {certificateRefs: [{name: cert}]}"

/* A5: listener names unique; (port, protocol, hostname) unique. */
START_TEST(a5_listener_uniqueness) {
  GW_REJECT("  - {name: a, port: 80, protocol: HTTP}\n  - {name: a, port: 81, protocol: HTTP}\n",
            "spec.listeners[1].name", "must be unique");
  GW_REJECT("  - {name: a, port: 80, protocol: HTTP}\n  - {name: b, port: 80, protocol: HTTP}\n",
            "spec.listeners[1]", "port, protocol and hostname must be unique");
  GW_REJECT("  - {name: a, port: 80, protocol: HTTP, hostname: x.com}\n"
            "  - {name: b, port: 80, protocol: HTTP, hostname: x.com}\n",
            "spec.listeners[1]", "port, protocol and hostname must be unique");
  GW_VALID("  - {name: a, port: 80, protocol: HTTP}\n  - {name: b, port: 80, protocol: HTTP, hostname: x.com}\n");
  GW_VALID("  - {name: a, port: 80, protocol: HTTP, hostname: x.com}\n"
           "  - {name: b, port: 80, protocol: HTTP, hostname: y.com}\n");
  GW_VALID("  - {name: a, port: 80, protocol: HTTP}\n  - {name: b, port: 81, protocol: HTTP}\n");
}
END_TEST

/* §1.2 tls row: HTTPS/TLS need tls; HTTP/TCP/UDP forbid it; HTTPS is
 * Terminate; Terminate needs certificateRefs or options. */
START_TEST(listener_tls_rules) {
  GW_REJECT("  - {name: a, port: 443, protocol: HTTPS}\n", "spec.listeners[0].tls", "tls must be specified");
  GW_REJECT("  - {name: a, port: 443, protocol: TLS}\n", "spec.listeners[0].tls", "tls must be specified");
  GW_REJECT("  - {name: a, port: 80, protocol: HTTP, " CERT "}\n", "spec.listeners[0].tls",
            "tls must not be specified");
  GW_REJECT("  - {name: a, port: 80, protocol: TCP, " CERT "}\n", "spec.listeners[0].tls",
            "tls must not be specified");
  GW_REJECT("  - {name: a, port: 80, protocol: UDP, " CERT "}\n", "spec.listeners[0].tls",
            "tls must not be specified");
  GW_REJECT("  - {name: a, port: 443, protocol: HTTPS, tls: {mode: Passthrough}}\n",
            "spec.listeners[0].tls.mode", "must be Terminate");
  GW_REJECT("  - {name: a, port: 443, protocol: HTTPS, tls: {mode: Terminate}}\n", "spec.listeners[0].tls",
            "certificateRefs or options must be specified");
  GW_REJECT("  - {name: a, port: 443, protocol: TLS, tls: {}}\n", "spec.listeners[0].tls",
            "certificateRefs or options must be specified");
  GW_VALID("  - {name: a, port: 443, protocol: HTTPS, " CERT "}\n");
  GW_VALID("  - {name: a, port: 443, protocol: HTTPS, tls: {options: {example.com/k: v}}}\n");
  GW_VALID("  - {name: a, port: 443, protocol: TLS, tls: {mode: Passthrough}}\n");
  /* a tls block without mode is Terminate */
  GW_VALID("  - {name: a, port: 443, protocol: TLS, " CERT "}\n");
}
END_TEST

/* §1.2 hostname row: forbidden for TCP and UDP. */
START_TEST(listener_hostname_tcp_udp) {
  GW_REJECT("  - {name: a, port: 53, protocol: TCP, hostname: x.com}\n", "spec.listeners[0].hostname",
            "must not be specified for protocols TCP and UDP");
  GW_REJECT("  - {name: a, port: 53, protocol: UDP, hostname: x.com}\n", "spec.listeners[0].hostname",
            "must not be specified for protocols TCP and UDP");
  GW_VALID("  - {name: a, port: 53, protocol: TCP}\n");
}
END_TEST

/* §1.2, §1.6: listener count, name, protocol, kinds. */
START_TEST(listener_fields) {
  tu_buf b = {NULL, 0, 0};
  int i;
  REJECT_KIND(TU_OBJ("Gateway", "default", "gw") "spec:\n  gatewayClassName: c\n  listeners: []\n",
              "Gateway", "spec.listeners", "must have 1 to 64 listeners");
  tu_buf_printf(&b, "%s", gw_head);
  for (i = 0; i < 64; i++) tu_buf_printf(&b, "  - {name: l%d, port: %d, protocol: HTTP}\n", i, 1000 + i);
  VALID(b.p);
  tu_buf_printf(&b, "  - {name: l64, port: 2000, protocol: HTTP}\n");
  REJECT_KIND(b.p, "Gateway", "spec.listeners", "must have 1 to 64 listeners");
  tu_buf_free(&b);
  GW_REJECT("  - {name: Http, port: 80, protocol: HTTP}\n", "spec.listeners[0].name", "RFC 1123");
  GW_REJECT("  - {name: a, port: 80, protocol: \"-bad\"}\n", "spec.listeners[0].protocol",
            "valid protocol type");
  GW_REJECT("  - {name: a, port: 80, protocol: \"example.com/\"}\n", "spec.listeners[0].protocol",
            "valid protocol type");
  GW_VALID("  - {name: a, port: 80, protocol: example.com/quic}\n");
  GW_REJECT("  - {name: a, port: 80, protocol: HTTP, allowedRoutes: {kinds: [{kind: \"1x\"}]}}\n",
            "spec.listeners[0].allowedRoutes.kinds[0]", "valid group and kind");
  GW_REJECT("  - {name: a, port: 80, protocol: HTTP, allowedRoutes: {kinds: [{kind: A}, {kind: B}, {kind: C},"
            " {kind: D}, {kind: E}, {kind: F}, {kind: G}, {kind: H}, {kind: I}]}}\n",
            "spec.listeners[0].allowedRoutes.kinds", "at most 8");
  REJECT_KIND(TU_OBJ("Gateway", "default", "gw") "spec:\n  gatewayClassName: \"\"\n  listeners:\n"
              "  - {name: a, port: 80, protocol: HTTP}\n",
              "Gateway", "spec.gatewayClassName", "1 to 253");
}
END_TEST

/* ---- ReferenceGrant, GatewayClass, metadata ------------------------------------------------------------ */

static void grant(tu_buf *b, int from, int to) {
  int i;
  tu_buf_printf(b, TU_V1 "kind: ReferenceGrant\nmetadata: {name: g, namespace: ns}\nspec:\n  from: [");
  for (i = 0; i < from; i++)
    tu_buf_printf(b, "%s{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: n%d}", i ? ", " : "", i);
  tu_buf_printf(b, "]\n  to: [");
  for (i = 0; i < to; i++) tu_buf_printf(b, "%s{group: \"\", kind: Service, name: s%d}", i ? ", " : "", i);
  tu_buf_printf(b, "]\n");
}

/* B9: from and to have 1..16 entries. */
START_TEST(b9_grant_counts) {
  tu_buf b = {NULL, 0, 0};
  grant(&b, 1, 1);
  VALID(b.p);
  tu_buf_free(&b);
  grant(&b, 16, 16);
  VALID(b.p);
  tu_buf_free(&b);
  grant(&b, 0, 1);
  REJECT_KIND(b.p, "ReferenceGrant", "spec.from", "must have 1 to 16 items");
  tu_buf_free(&b);
  grant(&b, 17, 1);
  REJECT_KIND(b.p, "ReferenceGrant", "spec.from", "must have 1 to 16 items");
  tu_buf_free(&b);
  grant(&b, 1, 0);
  REJECT_KIND(b.p, "ReferenceGrant", "spec.to", "must have 1 to 16 items");
  tu_buf_free(&b);
  grant(&b, 1, 17);
  REJECT_KIND(b.p, "ReferenceGrant", "spec.to", "must have 1 to 16 items");
  tu_buf_free(&b);
  REJECT_KIND(TU_V1 "kind: ReferenceGrant\nmetadata: {name: g, namespace: ns}\nspec:\n"
              "  from: [{group: \"\", kind: HTTPRoute, namespace: Bad_NS}]\n  to: [{group: \"\", kind: Service}]\n",
              "ReferenceGrant", "spec.from[0]", "valid group, kind and namespace");
}
END_TEST

/* A1: controllerName is a domain-prefixed path. */
START_TEST(a1_controller_name) {
  VALID(TU_V1 "kind: GatewayClass\nmetadata: {name: c}\nspec: {controllerName: example.com/gateway}\n");
  REJECT_KIND(TU_V1 "kind: GatewayClass\nmetadata: {name: c}\nspec: {controllerName: nodomain}\n",
              "GatewayClass", "spec.controllerName", "domain-prefixed path");
  REJECT_KIND(TU_V1 "kind: GatewayClass\nmetadata: {name: c}\nspec: {controllerName: \"Example.com/x\"}\n",
              "GatewayClass", "spec.controllerName", "domain-prefixed path");
  REJECT_KIND(TU_V1 "kind: GatewayClass\nmetadata: {name: c}\nspec: {controllerName: \"example.com/\"}\n",
              "GatewayClass", "spec.controllerName", "domain-prefixed path");
}
END_TEST

/* §1.6: metadata name and namespace; rule names (SectionName, unique). */
START_TEST(metadata_and_rule_names) {
  char name[300];
  tu_buf b = {NULL, 0, 0};
  memset(name, 'n', sizeof name);
  name[254] = '\0';
  tu_buf_printf(&b, TU_V1 "kind: HTTPRoute\nmetadata: {name: %s, namespace: default}\n", name);
  REJECT(b.p, "metadata.name", "1 to 253");
  tu_buf_free(&b);
  REJECT(TU_V1 "kind: HTTPRoute\nmetadata: {name: r, namespace: Bad_NS}\n", "metadata.namespace",
         "RFC 1123 label");
  REJECT(ROUTE "  rules:\n  - {name: Bad}\n", "spec.rules[0].name", "RFC 1123");
  REJECT(ROUTE "  rules:\n  - {name: a}\n  - {name: a}\n", "spec.rules[1].name", "unique");
  VALID(ROUTE "  rules:\n  - {name: a}\n  - {name: b}\n  - {}\n");
}
END_TEST

/* ---- S1, S2, F6, §9.1: unknown values drop one rule ------------------------------------------------------ */

/* A route whose rule 0 is `bad` (a rule body) and rule 1 serves /ok. */
static tu_ctx *one_bad_rule(const char *bad) {
  tu_ctx *c = tu_new();
  tu_buf b = {NULL, 0, 0};
  tu_buf_printf(&b, "%s%s  rules:\n  - %s\n"
                "  - matches: [{path: {type: PathPrefix, value: /ok}}]\n" RULE_BACKEND,
                TU_GW_HTTP, ROUTE, bad);
  tu_add(c, b.p);
  tu_buf_free(&b);
  tu_compile(c);
  return c;
}

static void expect_partially_invalid(const char *bad, const char *bad_path, int line) {
  tu_ctx *c = one_bad_rule(bad);
  const char *msg;
  tu_result r;
  ck_assert_msg(tu_count(c, GWR_COUNT_PROBLEMS) == 0, "line %d: the route must load", line);
  ck_assert_msg(tu_route_status(c, "default", "r") != NULL, "line %d: no status", line);
  ck_assert_str_eq(tu_route_cond(c, "default", "r", 0, "Accepted"), "True Accepted");
  ck_assert_str_eq(tu_route_cond(c, "default", "r", 0, "PartiallyInvalid"), "True UnsupportedValue");
  msg = tu_route_cond_msg(c, "default", "r", 0, "PartiallyInvalid");
  ck_assert_msg(msg && strncmp(msg, "Dropped Rule", 12) == 0, "line %d: message '%s'", line, msg);
  r = tu_get(c, "example.com", "/ok");
  ck_assert_int_eq(r.action, GWR_ACTION_FORWARD);
  ck_assert_int_eq(r.rule, 1);
  if (bad_path) {
    r = tu_get(c, "example.com", bad_path);
    ck_assert_msg(r.rule != 0, "line %d: the dropped rule served %s", line, bad_path);
  }
  tu_free(c);
}

/* A route whose only rule is `bad`: Accepted=False UnsupportedValue. */
static void expect_not_accepted(const char *bad, int line) {
  tu_ctx *c = tu_new();
  tu_buf b = {NULL, 0, 0};
  tu_buf_printf(&b, "%s%s  rules:\n  - %s\n", TU_GW_HTTP, ROUTE, bad);
  tu_add(c, b.p);
  tu_buf_free(&b);
  tu_compile(c);
  ck_assert_msg(tu_count(c, GWR_COUNT_PROBLEMS) == 0, "line %d: the route must load", line);
  ck_assert_msg(tu_count(c, GWR_COUNT_OBJECTS) == 2, "line %d: objects", line);
  ck_assert_str_eq(tu_route_cond(c, "default", "r", 0, "Accepted"), "False UnsupportedValue");
  ck_assert_ptr_null(tu_route_cond(c, "default", "r", 0, "PartiallyInvalid"));
  ck_assert_int_eq(tu_listener_attached(c, "default", "gw", "http"), 0);
  ck_assert_int_eq(tu_get(c, "example.com", "/bad").status, 404);
  tu_free(c);
}

#define PARTIAL(bad, path) expect_partially_invalid((bad), (path), __LINE__)
#define NOT_ACCEPTED(bad) expect_not_accepted((bad), __LINE__)

static const char *const unknown_values[] = {
    /* path type */
    "{matches: [{path: {type: Regex, value: /bad}}]" ", backendRefs: [{name: a, port: 80}]}",
    /* header match type */
    "{matches: [{path: {value: /bad}, headers: [{type: Prefix, name: a, value: b}]}], backendRefs: [{name: a, port: 80}]}",
    /* query match type */
    "{matches: [{path: {value: /bad}, queryParams: [{type: Prefix, name: a, value: b}]}], backendRefs: [{name: a, port: 80}]}",
    /* method */
    "{matches: [{path: {value: /bad}, method: FETCH}], backendRefs: [{name: a, port: 80}]}",
    "{matches: [{path: {value: /bad}, method: get}], backendRefs: [{name: a, port: 80}]}",
    /* filter type */
    "{matches: [{path: {value: /bad}}], filters: [{type: Teleport}], backendRefs: [{name: a, port: 80}]}",
    /* redirect scheme and status code */
    "{matches: [{path: {value: /bad}}], filters: [{type: RequestRedirect, requestRedirect: {scheme: ftp}}]}",
    "{matches: [{path: {value: /bad}}], filters: [{type: RequestRedirect, requestRedirect: {statusCode: 305}}]}",
    /* path modifier type */
    "{matches: [{path: {value: /bad}}], filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplaceAll}}}],"
    " backendRefs: [{name: a, port: 80}]}",
    /* 11.76: a regex the engine cannot compile */
    "{matches: [{path: {type: RegularExpression, value: \"/bad(\"}}], backendRefs: [{name: a, port: 80}]}",
    "{matches: [{path: {value: /bad}, headers: [{type: RegularExpression, name: a, value: \"[\"}]}],"
    " backendRefs: [{name: a, port: 80}]}",
    NULL};

/* S1, S2, 11.76, 11.62: with another valid rule: PartiallyInvalid=True,
 * message "Dropped Rule...", Accepted=True, the valid rule serves. */
START_TEST(s1_unknown_values_partially_invalid) {
  size_t i;
  for (i = 0; unknown_values[i]; i++) PARTIAL(unknown_values[i], "/bad");
}
END_TEST

/* F6, §9.1, 11.62: alone: Accepted=False UnsupportedValue, no
 * PartiallyInvalid, the object still loads. */
START_TEST(f6_unknown_values_not_accepted_11_62) {
  size_t i;
  for (i = 0; unknown_values[i]; i++) NOT_ACCEPTED(unknown_values[i]);
}
END_TEST

/* S1: the message names the dropped rule's field. */
START_TEST(s1_dropped_rule_message) {
  tu_ctx *c = one_bad_rule("{matches: [{path: {type: Regex, value: /bad}}]}");
  const char *msg = tu_route_cond_msg(c, "default", "r", 0, "PartiallyInvalid");
  ck_assert_ptr_nonnull(msg);
  ck_assert_msg(strstr(msg, "spec.rules[0].matches[0].path.type") != NULL, "message: %s", msg);
  ck_assert_msg(strstr(msg, "Regex") != NULL, "message: %s", msg);
  tu_free(c);
}
END_TEST

/* S1: a fully valid route never carries PartiallyInvalid. */
START_TEST(s1_valid_route_no_partially_invalid) {
  tu_ctx *c = tu_build(TU_GW_HTTP ROUTE "  rules:\n  - backendRefs: [{name: a, port: 80}]\n");
  ck_assert_str_eq(tu_route_cond(c, "default", "r", 0, "Accepted"), "True Accepted");
  ck_assert_ptr_null(tu_route_cond(c, "default", "r", 0, "PartiallyInvalid"));
  tu_free(c);
}
END_TEST

/* GWR_OPT_REGEX_MAX_LENGTH: a longer pattern drops its rule. */
START_TEST(regex_max_length_option) {
  tu_ctx *c = tu_new();
  ck_assert_int_eq(gwr_config_set_option(c->cfg, GWR_OPT_REGEX_MAX_LENGTH, 8), GWR_OK);
  tu_add(c, TU_GW_HTTP ROUTE "  rules:\n"
         "  - matches: [{path: {type: RegularExpression, value: \"/[a-z]+/long\"}}]\n" RULE_BACKEND
         "  - matches: [{path: {type: RegularExpression, value: \"/short\"}}]\n" RULE_BACKEND);
  tu_compile(c);
  ck_assert_str_eq(tu_route_cond(c, "default", "r", 0, "PartiallyInvalid"), "True UnsupportedValue");
  ck_assert_int_eq(tu_get(c, "example.com", "/short").rule, 1);
  ck_assert_int_eq(tu_get(c, "example.com", "/abc/long").status, 404);
  tu_free(c);
}
END_TEST

/* ---- known engine bugs: not run (see the report) ------------------------------------------------------------ */

/* A20 (1..253): an empty listener hostname is not "unset". */
START_TEST(a20_empty_listener_hostname) {
  GW_REJECT("  - {name: a, port: 80, protocol: HTTP, hostname: \"\"}\n", "spec.listeners[0].hostname",
            "must be a valid hostname");
}
END_TEST

/* §1.6 SectionName (1..253): an empty sectionName is not "unset". */
START_TEST(section_name_empty) {
  REJECT(PARENTS("[{name: gw, sectionName: \"\"}]"), "spec.parentRefs[0].sectionName", "RFC 1123");
}
END_TEST

static TCase *known_bugs; /* tests of engine bugs found and fixed */

static Suite *validate_suite(void) {
  Suite *s = suite_create("validate");
  TCase *tc;

  tc = tcase_create("hostnames");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, a20_route_hostnames);
  tcase_add_test(tc, a20_hostname_length);
  tcase_add_test(tc, a20_precise_hostname);
  tcase_add_test(tc, a20_listener_hostname_and_count);
  suite_add_tcase(s, tc);

  tc = tcase_create("matches");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, h1_forbidden_paths_11_19);
  tcase_add_test(tc, h1_regex_exempt_11_19);
  tcase_add_test(tc, h1_path_length);
  tcase_add_test(tc, header_names);
  tcase_add_test(tc, kv_values);
  tcase_add_test(tc, kv_duplicate_names);
  suite_add_tcase(s, tc);

  tc = tcase_create("limits");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, limits_rules_and_matches);
  tcase_add_test(tc, limits_headers_queries);
  tcase_add_test(tc, limits_backends_and_weights);
  tcase_add_test(tc, limits_parent_refs);
  tcase_add_test(tc, limits_filters);
  tcase_add_test(tc, a15_parent_distinct_11_11);
  tcase_add_test(tc, parent_ref_fields);
  tcase_add_test(tc, backend_port_required_11_43);
  suite_add_tcase(s, tc);

  tc = tcase_create("filters");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, f1_repetition_11_51);
  tcase_add_test(tc, f2_redirect_and_rewrite_11_51);
  tcase_add_test(tc, f3_redirect_with_backends_11_51);
  tcase_add_test(tc, f4_replace_prefix_match_11_50);
  tcase_add_test(tc, f12_header_modifier_11_55);
  tcase_add_test(tc, f8_remove_not_format_checked);
  tcase_add_test(tc, f27_mirror_fraction);
  tcase_add_test(tc, cors_11_60);
  tcase_add_test(tc, cors_default_max_age_11_60);
  tcase_add_test(tc, t5_duration_11_65);
  tcase_add_test(tc, t4_backend_le_request_11_63);
  suite_add_tcase(s, tc);

  tc = tcase_create("objects");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, a5_listener_uniqueness);
  tcase_add_test(tc, listener_tls_rules);
  tcase_add_test(tc, listener_hostname_tcp_udp);
  tcase_add_test(tc, listener_fields);
  tcase_add_test(tc, b9_grant_counts);
  tcase_add_test(tc, a1_controller_name);
  tcase_add_test(tc, metadata_and_rule_names);
  suite_add_tcase(s, tc);

  tc = tcase_create("unsupported");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, s1_unknown_values_partially_invalid);
  tcase_add_test(tc, f6_unknown_values_not_accepted_11_62);
  tcase_add_test(tc, s1_dropped_rule_message);
  tcase_add_test(tc, s1_valid_route_no_partially_invalid);
  tcase_add_test(tc, regex_max_length_option);
  suite_add_tcase(s, tc);

  known_bugs = tcase_create("regressions");
  tcase_add_test(known_bugs, f27_mirror_negative);
  tcase_add_test(known_bugs, a20_empty_listener_hostname);
  tcase_add_test(known_bugs, section_name_empty);
  tcase_add_test(known_bugs, pathmod_member_cel);
  /* once engine bugs, now fixed */
  suite_add_tcase(s, known_bugs);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(validate_suite());
  int failed;
  srunner_run_all(sr, CK_ENV);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0;
}
