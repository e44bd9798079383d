/* SPDX-License-Identifier: Apache-2.0 */
/*
 * check_ingress.c - networking.k8s.io/v1 Ingress with ingress-nginx
 * semantics (digest §10, docs/ingress.md): loading and validation, the
 * routing of every modelled annotation, and the conversion to Gateway API
 * YAML (which, loaded again, must route the same where it says it does).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define ING_HEAD(name, ns) \
  "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: " name "\n  namespace: " ns "\n"
#define ING_PATH(path, type, svc) \
  "          - path: " path "\n            pathType: " type "\n            backend:\n"   \
  "              service:\n                name: " svc "\n                port:\n" \
  "                  number: 80\n"

static tu_ctx *converted(tu_ctx *c, char **notes_out);

static tu_result req(tu_ctx *c, const char *scheme, const char *host, const char *path) {
  tu_req r;
  memset(&r, 0, sizeof r);
  r.scheme = scheme;
  r.host = host;
  r.path = path;
  return tu_match(c, &r);
}

static tu_result req_h(tu_ctx *c, const char *scheme, const char *host, const char *path,
                       const char *const *headers) {
  tu_req r;
  memset(&r, 0, sizeof r);
  r.scheme = scheme;
  r.host = host;
  r.path = path;
  r.headers = headers;
  return tu_match(c, &r);
}

static const char *location(tu_ctx *c) {
  static char buf[512];
  gwr_str s = {NULL, 0};
  buf[0] = '\0';
  if (gwr_decision_str(c->d, GWR_DS_LOCATION, &s) == GWR_OK && s.len < sizeof buf) {
    memcpy(buf, s.ptr, s.len);
    buf[s.len] = '\0';
  }
  return buf;
}

/* ---- paths: Prefix, Exact, ImplementationSpecific (I2, I3) ------------------ */

#define PLAIN \
    ING_HEAD("shop", "default") \
    "spec:\n  rules:\n    - host: shop.example.com\n      http:\n        paths:\n" \
    ING_PATH("/cart", "Prefix", "cart") \
    ING_PATH("/cart/checkout", "Exact", "checkout") \
    ING_PATH("/cart/items", "Prefix", "items") \
    ING_PATH("/static", "ImplementationSpecific", "static")

START_TEST(prefix_is_element_wise_and_longest_wins) {
  tu_ctx *c = tu_build(PLAIN);
  ck_assert_int_eq(tu_count(c, GWR_COUNT_INGRESSES), 1);
  TU_ASSERT_STR(req(c, "https", "shop.example.com", "/cart").backend, "default/cart");
  TU_ASSERT_STR(req(c, "https", "shop.example.com", "/cart/x").backend, "default/cart");
  TU_ASSERT_STR(req(c, "https", "shop.example.com", "/cart/items/1").backend, "default/items");
  TU_ASSERT_STR(req(c, "https", "shop.example.com", "/cart/checkout").backend, "default/checkout");
  TU_ASSERT_STR(req(c, "https", "shop.example.com", "/cart/checkout/x").backend, "default/cart");
  ck_assert_int_eq(req(c, "https", "shop.example.com", "/cartx").status, 404);
  ck_assert_int_eq(req(c, "https", "shop.example.com", "/CART").status, 404); /* case-sensitive */
  TU_ASSERT_STR(req(c, "http", "shop.example.com", "/static/a.css").backend, "default/static");
  ck_assert_int_eq(req(c, "http", "other.example.com", "/cart").status, 404);
  tu_free(c);
}
END_TEST

/* ---- regex mode: use-regex / rewrite-target on any Ingress of the host ----- */

#define REGEX_HOST \
    ING_HEAD("a", "default") \
    "  creationTimestamp: \"2024-01-01T00:00:00Z\"\n" \
    "  annotations:\n    nginx.ingress.kubernetes.io/use-regex: \"true\"\n" \
    "spec:\n  rules:\n    - host: r.example.com\n      http:\n        paths:\n" \
    ING_PATH("/api/v[0-9]+", "ImplementationSpecific", "versioned") \
    "---\n" ING_HEAD("b", "default") \
    "  creationTimestamp: \"2024-01-02T00:00:00Z\"\n" \
    "spec:\n  rules:\n    - host: r.example.com\n      http:\n        paths:\n" \
    ING_PATH("/api", "Prefix", "api") \
    ING_PATH("/", "Prefix", "root")

START_TEST(regex_mode_covers_the_whole_host) {
  tu_ctx *c = tu_build(REGEX_HOST);
  TU_ASSERT_STR(req(c, "http", "r.example.com", "/api/v2/users").backend, "default/versioned");
  TU_ASSERT_STR(req(c, "http", "r.example.com", "/API/V2").backend, "default/versioned");
  /* b's Prefix /api became `~* "^/api"`: a case-insensitive string prefix */
  TU_ASSERT_STR(req(c, "http", "r.example.com", "/apix").backend, "default/api");
  TU_ASSERT_STR(req(c, "http", "r.example.com", "/Api/other").backend, "default/api");
  TU_ASSERT_STR(req(c, "http", "r.example.com", "/x").backend, "default/root");
  tu_free(c);
}
END_TEST

/* ---- rewrite-target ------------------------------------------------------------ */

static const char *rewrites =
    ING_HEAD("rw", "default")
    "  annotations:\n    nginx.ingress.kubernetes.io/rewrite-target: /$2\n"
    "spec:\n  rules:\n    - host: rw.example.com\n      http:\n        paths:\n"
    ING_PATH("/something(/|$)(.*)", "ImplementationSpecific", "svc")
    "---\n" ING_HEAD("flat", "default")
    "  annotations:\n    nginx.ingress.kubernetes.io/rewrite-target: /\n"
    "spec:\n  rules:\n    - host: flat.example.com\n      http:\n        paths:\n"
    ING_PATH("/v1", "Prefix", "v1");

START_TEST(rewrite_target_with_captures) {
  tu_ctx *c = tu_build(rewrites);
  tu_result r = req(c, "http", "rw.example.com", "/something/new/path?q=1");
  TU_ASSERT_STR(r.backend, "default/svc");
  TU_ASSERT_STR(r.up_path, "/new/path?q=1");
  TU_ASSERT_STR(req(c, "http", "rw.example.com", "/something").up_path, "/");
  TU_ASSERT_STR(req(c, "http", "rw.example.com", "/something/").up_path, "/");
  TU_ASSERT_STR(req(c, "http", "rw.example.com", "/SOMETHING/A").up_path, "/A");
  { /* a query longer than the scratch: 500, never an overflow (review finding) */
    size_t n = 40000;
    char *path = malloc(n + 1);
    ck_assert_ptr_nonnull(path);
    memset(path, 'q', n);
    memcpy(path, "/something/x?", 13);
    path[n] = '\0';
    r = req(c, "http", "rw.example.com", path);
    ck_assert_int_eq(r.status, 500);
    memset(path + 13, 'x', n - 13); /* and a long path with a short query */
    path[n - 3] = '?';
    r = req(c, "http", "rw.example.com", path);
    ck_assert_int_eq(r.status, 500);
    free(path);
  }
  /* without captures nginx replaces the whole path, keeps the query */
  TU_ASSERT_STR(req(c, "http", "flat.example.com", "/v1/users?x=1").up_path, "/?x=1");
  TU_ASSERT_STR(req(c, "http", "flat.example.com", "/v1abc").up_path, "/");
  tu_free(c);
}
END_TEST

/* rewrite-target equal to the path rewrites nothing and turns no regex on */
START_TEST(rewrite_target_equal_to_path_is_inert) {
  tu_ctx *c = tu_build(ING_HEAD("root", "default")
                       "  annotations:\n    nginx.ingress.kubernetes.io/rewrite-target: /\n"
                       "spec:\n  rules:\n    - host: inert.example.com\n      http:\n        paths:\n"
                       ING_PATH("/", "Prefix", "root")
                       "---\n" ING_HEAD("cart", "default")
                       "spec:\n  rules:\n    - host: inert.example.com\n      http:\n        paths:\n"
                       ING_PATH("/cart", "Prefix", "cart"));
  tu_result r = req(c, "http", "inert.example.com", "/cartx/y");
  TU_ASSERT_STR(r.backend, "default/root"); /* no regex mode: /cart is whole segments */
  TU_ASSERT_STR(r.up_path, "/cartx/y");     /* and "/" was not rewritten */
  TU_ASSERT_STR(req(c, "http", "inert.example.com", "/cart/1").backend, "default/cart");
  tu_free(c);
}
END_TEST

/* review findings: alternation, slug collisions, duplicate paths, canaries across namespaces */
START_TEST(regex_alternation_and_collisions) {
  tu_ctx *c = tu_build(ING_HEAD("alt", "default")
                       "  annotations:\n    nginx.ingress.kubernetes.io/use-regex: \"true\"\n"
                       "spec:\n  rules:\n    - host: alt.example.com\n      http:\n        paths:\n"
                       ING_PATH("/x|/y", "ImplementationSpecific", "alt")
                       "---\n" ING_HEAD("web", "default")
                       "  creationTimestamp: \"2024-01-01T00:00:00Z\"\n"
                       "spec:\n  rules:\n    - host: a.b\n      http:\n        paths:\n"
                       ING_PATH("/", "Prefix", "dots")
                       "    - host: a-b\n      http:\n        paths:\n"
                       ING_PATH("/", "Prefix", "dashes")
                       "---\n" ING_HEAD("web-a", "default")
                       "  creationTimestamp: \"2024-01-02T00:00:00Z\"\n"
                       "spec:\n  rules:\n    - host: a.b\n      http:\n        paths:\n"
                       ING_PATH("/", "Prefix", "younger")
                       "---\n" ING_HEAD("main", "default")
                       "spec:\n  rules:\n    - host: can.example.com\n      http:\n        paths:\n"
                       ING_PATH("/", "Prefix", "stable")
                       "---\n" ING_HEAD("main-canary", "other")
                       "  annotations:\n    nginx.ingress.kubernetes.io/canary: \"true\"\n"
                       "    nginx.ingress.kubernetes.io/canary-by-header: X-Canary\n"
                       "spec:\n  rules:\n    - host: can.example.com\n      http:\n        paths:\n"
                       ING_PATH("/", "Prefix", "canary"));
  static const char *const always[] = {"X-Canary", "always", NULL};
  tu_ctx *b;
  char *report = NULL;
  size_t differences = 9;
  /* nginx `~* "^/x|/y"`: /x at the start, or /y anywhere */
  TU_ASSERT_STR(req(c, "http", "alt.example.com", "/foo/y").backend, "default/alt");
  TU_ASSERT_STR(req(c, "http", "alt.example.com", "/X1").backend, "default/alt");
  ck_assert_int_eq(req(c, "http", "alt.example.com", "/foo").status, 404);
  /* hosts a.b and a-b share a slug: two routes all the same */
  TU_ASSERT_STR(req(c, "http", "a.b", "/").backend, "default/dots");
  TU_ASSERT_STR(req(c, "http", "a-b", "/").backend, "default/dashes");
  /* the same host and path in a younger Ingress: the older one serves */
  TU_ASSERT_STR(req(c, "http", "a.b", "/z").backend, "default/dots");
  /* a canary in another namespace: the conversion grants the reference */
  TU_ASSERT_STR(req_h(c, "http", "can.example.com", "/", always).backend, "other/canary");
  b = converted(c, NULL);
  TU_ASSERT_STR(req_h(b, "http", "can.example.com", "/", always).backend, "other/canary");
  TU_ASSERT_STR(req(b, "http", "a-b", "/").backend, "default/dashes");
  ck_assert_int_eq(gwr_diff(c->table, b->table, GWR_FORMAT_TEXT, &report, &differences), GWR_OK);
  ck_assert_msg(differences == 0, "%s", report);
  gwr_report_free(report);
  tu_free(b);
  tu_free(c);
}
END_TEST

/* ---- TLS and redirects ------------------------------------------------------------- */

#define TLS_SET \
    ING_HEAD("secure", "default") \
    "spec:\n  tls:\n    - hosts: [secure.example.com]\n      secretName: secure-tls\n" \
    "  rules:\n    - host: secure.example.com\n      http:\n        paths:\n" \
    ING_PATH("/", "Prefix", "secure") \
    "---\n" ING_HEAD("optout", "default") \
    "  annotations:\n    nginx.ingress.kubernetes.io/ssl-redirect: \"false\"\n" \
    "spec:\n  tls:\n    - hosts: [optout.example.com]\n      secretName: optout-tls\n" \
    "  rules:\n    - host: optout.example.com\n      http:\n        paths:\n" \
    ING_PATH("/", "Prefix", "optout") \
    "---\n" ING_HEAD("forced", "team") \
    "  annotations:\n    nginx.ingress.kubernetes.io/force-ssl-redirect: \"true\"\n" \
    "spec:\n  rules:\n    - host: forced.example.com\n      http:\n        paths:\n" \
    ING_PATH("/", "Prefix", "forced") \
    "---\n" ING_HEAD("plain", "default") \
    "spec:\n  rules:\n    - host: plain.example.com\n      http:\n        paths:\n" \
    ING_PATH("/", "Prefix", "plain")

START_TEST(ssl_redirects) {
  tu_ctx *c = tu_build(TLS_SET);
  tu_result r = req(c, "http", "secure.example.com", "/a?b=c");
  ck_assert_int_eq(r.action, GWR_ACTION_REDIRECT);
  ck_assert_int_eq(r.status, 308);
  TU_ASSERT_STR(location(c), "https://secure.example.com/a?b=c");
  TU_ASSERT_STR(req(c, "https", "secure.example.com", "/a").backend, "default/secure");
  TU_ASSERT_STR(req(c, "http", "optout.example.com", "/a").backend, "default/optout");
  ck_assert_int_eq(req(c, "http", "forced.example.com", "/a").status, 308);
  TU_ASSERT_STR(req(c, "https", "forced.example.com", "/a").backend, "team/forced");
  TU_ASSERT_STR(req(c, "http", "plain.example.com", "/a").backend, "default/plain");
  TU_ASSERT_STR(req(c, "https", "plain.example.com", "/a").backend, "default/plain");
  tu_free(c);
}
END_TEST

static const char *redirects =
    ING_HEAD("moved", "default")
    "  annotations:\n    nginx.ingress.kubernetes.io/permanent-redirect: https://new.example.com/landing\n"
    "spec:\n  rules:\n    - host: old.example.com\n      http:\n        paths:\n"
    ING_PATH("/", "Prefix", "old")
    "---\n" ING_HEAD("moved2", "default")
    "  annotations:\n    nginx.ingress.kubernetes.io/permanent-redirect: http://other.example.com:8080\n"
    "    nginx.ingress.kubernetes.io/permanent-redirect-code: \"308\"\n"
    "spec:\n  rules:\n    - host: old2.example.com\n      http:\n        paths:\n"
    ING_PATH("/", "Prefix", "old")
    "---\n" ING_HEAD("app", "default")
    "  annotations:\n    nginx.ingress.kubernetes.io/app-root: /app1\n"
    "spec:\n  rules:\n    - host: app.example.com\n      http:\n        paths:\n"
    ING_PATH("/", "Prefix", "app");

START_TEST(permanent_redirect_and_app_root) {
  tu_ctx *c = tu_build(redirects);
  tu_result r = req(c, "http", "old.example.com", "/x/y?z=1");
  ck_assert_int_eq(r.action, GWR_ACTION_REDIRECT);
  ck_assert_int_eq(r.status, 301);
  TU_ASSERT_STR(location(c), "https://new.example.com/landing"); /* nginx `return`: no query */
  r = req(c, "https", "old2.example.com", "/x");
  ck_assert_int_eq(r.status, 308);
  TU_ASSERT_STR(location(c), "http://other.example.com:8080/");
  r = req(c, "http", "app.example.com", "/?q=1");
  ck_assert_int_eq(r.status, 302);
  TU_ASSERT_STR(location(c), "http://app.example.com/app1");
  TU_ASSERT_STR(req(c, "http", "app.example.com", "/app1/page").backend, "default/app");
  tu_free(c);
}
END_TEST

/* ---- canaries --------------------------------------------------------------------- */

#define CANARY \
    ING_HEAD("main", "default") \
    "spec:\n  rules:\n    - host: c.example.com\n      http:\n        paths:\n" \
    ING_PATH("/", "Prefix", "stable") \
    ING_PATH("/other", "Prefix", "other") \
    "---\n" ING_HEAD("main-canary", "default") \
    "  annotations:\n    nginx.ingress.kubernetes.io/canary: \"true\"\n" \
    "    nginx.ingress.kubernetes.io/canary-weight: \"30\"\n" \
    "    nginx.ingress.kubernetes.io/canary-by-header: X-Canary\n" \
    "    nginx.ingress.kubernetes.io/canary-by-cookie: canary\n" \
    "spec:\n  rules:\n    - host: c.example.com\n      http:\n        paths:\n" \
    ING_PATH("/", "Prefix", "canary")

START_TEST(canary_header_cookie_weight) {
  tu_ctx *c = tu_build(CANARY);
  static const char *const always[] = {"X-Canary", "always", NULL};
  static const char *const never[] = {"X-Canary", "never", NULL};
  static const char *const cookie_in[] = {"Cookie", "a=1; canary=always; b=2", NULL};
  static const char *const cookie_out[] = {"Cookie", "canary=never", NULL};
  static const char *const header_beats_cookie[] = {"X-Canary", "never", "Cookie", "canary=always", NULL};
  int i, canaries = 0;
  TU_ASSERT_STR(req_h(c, "http", "c.example.com", "/x", always).backend, "default/canary");
  TU_ASSERT_STR(req_h(c, "http", "c.example.com", "/x", never).backend, "default/stable");
  TU_ASSERT_STR(req_h(c, "http", "c.example.com", "/x", cookie_in).backend, "default/canary");
  TU_ASSERT_STR(req_h(c, "http", "c.example.com", "/x", cookie_out).backend, "default/stable");
  TU_ASSERT_STR(req_h(c, "http", "c.example.com", "/x", header_beats_cookie).backend, "default/stable");
  /* a path the canary does not name is never split */
  TU_ASSERT_STR(req_h(c, "http", "c.example.com", "/other", always).backend, "default/other");
  for (i = 0; i < 1000; i++) {
    tu_req r;
    tu_result res;
    memset(&r, 0, sizeof r);
    r.host = "c.example.com";
    r.path = "/x";
    r.choice = (uint64_t)i * 0x9E3779B97F4A7C15ULL;
    res = tu_match(c, &r);
    canaries += strcmp(res.backend, "default/canary") == 0;
  }
  ck_assert_msg(canaries > 240 && canaries < 360, "canary share %d/1000, want ~300", canaries);
  tu_free(c);
}
END_TEST

#define CANARY_VALUE \
    ING_HEAD("main", "default") \
    "spec:\n  rules:\n    - host: v.example.com\n      http:\n        paths:\n" \
    ING_PATH("/", "Prefix", "stable") \
    "---\n" ING_HEAD("main-canary", "default") \
    "  annotations:\n    nginx.ingress.kubernetes.io/canary: \"true\"\n" \
    "    nginx.ingress.kubernetes.io/canary-by-header: X-Region\n" \
    "    nginx.ingress.kubernetes.io/canary-by-header-value: eu-west\n" \
    "spec:\n  rules:\n    - host: v.example.com\n      http:\n        paths:\n" \
    ING_PATH("/", "Prefix", "canary") \
    "---\n" ING_HEAD("orphan-canary", "default") \
    "  annotations:\n    nginx.ingress.kubernetes.io/canary: \"true\"\n" \
    "spec:\n  rules:\n    - host: nomain.example.com\n      http:\n        paths:\n" \
    ING_PATH("/", "Prefix", "lost")

START_TEST(canary_by_header_value_and_orphans) {
  tu_ctx *c = tu_build(CANARY_VALUE);
  static const char *const eu[] = {"X-Region", "eu-west", NULL};
  static const char *const us[] = {"X-Region", "us-east", NULL};
  static const char *const always[] = {"X-Region", "always", NULL};
  TU_ASSERT_STR(req_h(c, "http", "v.example.com", "/", eu).backend, "default/canary");
  TU_ASSERT_STR(req_h(c, "http", "v.example.com", "/", us).backend, "default/stable");
  TU_ASSERT_STR(req_h(c, "http", "v.example.com", "/", always).backend, "default/stable");
  /* a canary without a main Ingress is ignored, as ingress-nginx does */
  ck_assert_int_eq(req(c, "http", "nomain.example.com", "/").status, 404);
  tu_free(c);
}
END_TEST

/* ---- upstream-vhost, wildcard hosts, default backends -------------------------------- */

static const char *defaults =
    ING_HEAD("vhost", "default")
    "  creationTimestamp: \"2024-01-01T00:00:00Z\"\n"
    "  annotations:\n    nginx.ingress.kubernetes.io/upstream-vhost: internal.svc.local\n"
    "spec:\n  defaultBackend:\n    service:\n      name: vhost-default\n      port:\n        number: 80\n"
    "  rules:\n    - host: \"*.wild.example.com\"\n      http:\n        paths:\n"
    ING_PATH("/api", "Prefix", "wild")
    "---\n" ING_HEAD("nofallback", "default")
    "spec:\n  rules:\n    - host: strict.example.com\n      http:\n        paths:\n"
    ING_PATH("/only", "Prefix", "strict")
    "---\n" ING_HEAD("catchall", "default")
    "spec:\n  defaultBackend:\n    service:\n      name: everything\n      port:\n        name: web\n"
    "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: everything\n  namespace: default\n"
    "spec:\n  ports:\n    - {name: web, port: 8081}\n"
    "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: wild\n  namespace: default\n"
    "spec:\n  ports:\n    - {port: 80}\n"
    "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: vhost-default\n  namespace: default\n"
    "spec:\n  ports:\n    - {port: 80}\n"
    "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: strict\n  namespace: default\n"
    "spec:\n  ports:\n    - {port: 80}\n";

START_TEST(vhost_wildcards_and_default_backends) {
  tu_ctx *c = tu_build(defaults);
  tu_result r = req(c, "http", "a.wild.example.com", "/api/x");
  TU_ASSERT_STR(r.backend, "default/wild");
  TU_ASSERT_STR(r.up_host, "internal.svc.local");
  /* nginx server_name "*.wild.example.com" takes any number of labels */
  TU_ASSERT_STR(req(c, "http", "a.b.wild.example.com", "/api").backend, "default/wild");
  /* the Ingress's defaultBackend takes its hosts' other paths */
  TU_ASSERT_STR(req(c, "http", "a.wild.example.com", "/other").backend, "default/vhost-default");
  /* a rule-less Ingress's defaultBackend takes unknown hosts (port by name) */
  r = req(c, "http", "unknown.example.com", "/x");
  TU_ASSERT_STR(r.backend, "default/everything");
  ck_assert_int_eq(r.backend_port, 8081);
  /* a known host without "/" and without defaultBackend: ingress-nginx's 404 */
  ck_assert_int_eq(req(c, "http", "strict.example.com", "/x").status, 404);
  TU_ASSERT_STR(req(c, "http", "strict.example.com", "/only").backend, "default/strict");
  tu_free(c);
}
END_TEST

/* ---- classes ------------------------------------------------------------------------- */

START_TEST(other_controllers_classes_are_not_ours) {
  tu_ctx *c = tu_build(
      "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: traefik\n"
      "spec:\n  controller: traefik.io/ingress-controller\n---\n"
      ING_HEAD("t", "default") "spec:\n  ingressClassName: traefik\n  rules:\n    - host: t.example.com\n"
      "      http:\n        paths:\n" ING_PATH("/", "Prefix", "t")
      "---\n" ING_HEAD("n", "default") "spec:\n  ingressClassName: nginx\n  rules:\n    - host: n.example.com\n"
      "      http:\n        paths:\n" ING_PATH("/", "Prefix", "n"));
  char *yaml = NULL, *notes = NULL;
  size_t count = 0;
  tu_req r;
  memset(&r, 0, sizeof r);
  r.gateway = "ingress-nginx/nginx";
  r.host = "n.example.com";
  r.path = "/";
  TU_ASSERT_STR(tu_match(c, &r).backend, "default/n");
  ck_assert_int_eq(gwr_config_convert(c->cfg, &yaml, &notes, &count), GWR_OK);
  ck_assert_ptr_null(strstr(yaml, "t.example.com"));
  ck_assert_ptr_nonnull(strstr(notes, "IngressClass traefik: controller traefik.io/ingress-controller is not ingress-nginx"));
  gwr_report_free(yaml);
  gwr_report_free(notes);
  tu_free(c);
}
END_TEST

/* ---- validation ------------------------------------------------------------------------ */

static void expect_problem(const char *yaml, const char *message) {
  tu_ctx *c = tu_new();
  gwr_error e;
  tu_add(c, yaml);
  ck_assert_int_eq(tu_count(c, GWR_COUNT_PROBLEMS), 1);
  e = tu_problem(c, 0);
  ck_assert_msg(strstr(e.message, message) != NULL, "problem '%s' lacks '%s'", e.message, message);
  ck_assert_int_eq(tu_count(c, GWR_COUNT_INGRESSES), 0);
  tu_free(c);
}

START_TEST(invalid_ingresses_are_rejected_with_field_paths) {
  expect_problem(ING_HEAD("x", "default") "spec:\n  rules:\n    - host: a.example.com\n      http:\n"
                 "        paths:\n" ING_PATH("relative", "Prefix", "s"),
                 "Ingress default/x: spec.rules[0].http.paths[0].path: must be an absolute path");
  expect_problem(ING_HEAD("x", "default") "spec:\n  rules:\n    - host: a.example.com\n      http:\n"
                 "        paths:\n          - path: /\n            backend:\n              service: {name: s, port: {number: 80}}\n",
                 "spec.rules[0].http.paths[0].pathType: Required value");
  expect_problem(ING_HEAD("x", "default") "  annotations:\n    nginx.ingress.kubernetes.io/canary-weight: \"150\"\n"
                 "spec:\n  defaultBackend:\n    service: {name: s, port: {number: 80}}\n",
                 "metadata.annotations[nginx.ingress.kubernetes.io/canary-weight]: must be a whole number from 0 to 100");
  expect_problem(ING_HEAD("x", "default") "  annotations:\n    nginx.ingress.kubernetes.io/use-regex: \"true\"\n"
                 "spec:\n  rules:\n    - host: a.example.com\n      http:\n        paths:\n"
                 ING_PATH("/a(b", "ImplementationSpecific", "s"),
                 "spec.rules[0].http.paths[0].path: not a valid regular expression");
  expect_problem(ING_HEAD("x", "default") "spec:\n  rules:\n    - host: \"10.0.0.1\"\n      http:\n        paths:\n"
                 ING_PATH("/", "Prefix", "s"),
                 "spec.rules[0].host: must be a valid hostname");
  expect_problem(ING_HEAD("x", "default") "spec:\n  tls:\n    - hosts: [ok.example.com]\n",
                 "either defaultBackend or rules must be specified");
  expect_problem(ING_HEAD("x", "default") "spec:\n  defaultBackend:\n    service: {name: s, port: {number: 80}}\n"
                 "    resource: {kind: Bucket, name: b}\n",
                 "spec.defaultBackend: exactly one of service or resource must be set");
  expect_problem(ING_HEAD("x", "default") "  annotations:\n    nginx.ingress.kubernetes.io/ssl-redirect: \"yes\"\n"
                 "spec:\n  defaultBackend:\n    service: {name: s, port: {number: 80}}\n",
                 "must be \"true\" or \"false\"");
}
END_TEST

/* ---- conversion ----------------------------------------------------------------------- */

/* Convert c's config, load the YAML into a new context, compile it. */
static tu_ctx *converted(tu_ctx *c, char **notes_out) {
  char *yaml = NULL, *notes = NULL;
  size_t count = 0;
  tu_ctx *n = tu_new();
  ck_assert_int_eq(gwr_config_convert(c->cfg, &yaml, &notes, &count), GWR_OK);
  tu_add(n, yaml);
  ck_assert_int_eq(tu_count(n, GWR_COUNT_PROBLEMS), 0);
  tu_compile(n);
  gwr_report_free(yaml);
  if (notes_out)
    *notes_out = notes;
  else
    gwr_report_free(notes);
  return n;
}

START_TEST(conversion_routes_like_the_ingresses) {
  static const char *const sets[] = {PLAIN, REGEX_HOST, TLS_SET, CANARY, CANARY_VALUE};
  static const char *const requests[][3] = {
      {"https", "shop.example.com", "/cart/items/1"}, {"https", "shop.example.com", "/cart/checkout"},
      {"http", "shop.example.com", "/cartx"},         {"http", "r.example.com", "/API/V2"},
      {"http", "r.example.com", "/apix"},             {"http", "secure.example.com", "/a?b"},
      {"https", "secure.example.com", "/a"},          {"http", "optout.example.com", "/"},
      {"http", "forced.example.com", "/"},            {"http", "c.example.com", "/x"},
      {"http", "v.example.com", "/"},                 {"http", "nomain.example.com", "/"}};
  size_t s, i;
  for (s = 0; s < sizeof sets / sizeof sets[0]; s++) {
    tu_ctx *a = tu_build(sets[s]), *b = converted(a, NULL);
    for (i = 0; i < sizeof requests / sizeof requests[0]; i++) {
      tu_result x = req(a, requests[i][0], requests[i][1], requests[i][2]);
      char where[512];
      tu_result y = req(b, requests[i][0], requests[i][1], requests[i][2]);
      snprintf(where, sizeof where, "set %zu %s://%s%s", s, requests[i][0], requests[i][1], requests[i][2]);
      ck_assert_msg(x.action == y.action && x.status == y.status && strcmp(x.backend, y.backend) == 0 &&
                        strcmp(x.up_path, y.up_path) == 0,
                    "%s: ingress %d %d %s %s, converted %d %d %s %s", where, x.action, x.status, x.backend,
                    x.up_path, y.action, y.status, y.backend, y.up_path);
    }
    tu_free(b);
    tu_free(a);
  }
}
END_TEST

START_TEST(conversion_notes_what_it_cannot_say) {
  tu_ctx *a = tu_build(rewrites);
  char *notes = NULL;
  tu_ctx *b = converted(a, &notes);
  ck_assert_ptr_nonnull(strstr(notes, "Ingress default/rw: rewrite-target '/$2' uses capture groups"));
  /* the capture rewrite is not in the YAML: the converted route forwards unchanged */
  TU_ASSERT_STR(req(b, "http", "rw.example.com", "/something/new").up_path, "/something/new");
  TU_ASSERT_STR(req(a, "http", "rw.example.com", "/something/new").up_path, "/new");
  gwr_report_free(notes);
  tu_free(b);
  tu_free(a);
}
END_TEST

/* diff proves each exact conversion and catches each inexact one */
START_TEST(diff_between_ingresses_and_conversion) {
  static const char *const exact[] = {PLAIN, REGEX_HOST, TLS_SET, CANARY, CANARY_VALUE};
  size_t s, differences = 99;
  char *report = NULL;
  for (s = 0; s < sizeof exact / sizeof exact[0]; s++) {
    tu_ctx *a = tu_build(exact[s]), *b = converted(a, NULL);
    ck_assert_int_eq(gwr_diff(a->table, b->table, GWR_FORMAT_TEXT, &report, &differences), GWR_OK);
    ck_assert_msg(differences == 0, "set %zu: %zu differences:\n%s", s, differences, report);
    gwr_report_free(report);
    tu_free(b);
    tu_free(a);
  }
  { /* capture rewrites, query-dropping redirects, the per-host 404 */
    const char *const inexact[] = {rewrites, redirects, defaults};
    static const char *const shows[] = {"/something", "old.example.com", "strict.example.com"};
    for (s = 0; s < 3; s++) {
      tu_ctx *a = tu_build(inexact[s]), *b = converted(a, NULL);
      ck_assert_int_eq(gwr_diff(a->table, b->table, GWR_FORMAT_TEXT, &report, &differences), GWR_OK);
      ck_assert_uint_gt(differences, 0);
      ck_assert_msg(strstr(report, shows[s]) != NULL, "set %zu: report lacks %s", s, shows[s]);
      gwr_report_free(report);
      tu_free(b);
      tu_free(a);
    }
  }
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("ingress");
  TCase *t = tcase_create("ingress");
  tcase_set_timeout(t, 60);
  tcase_add_test(t, prefix_is_element_wise_and_longest_wins);
  tcase_add_test(t, regex_mode_covers_the_whole_host);
  tcase_add_test(t, rewrite_target_with_captures);
  tcase_add_test(t, rewrite_target_equal_to_path_is_inert);
  tcase_add_test(t, regex_alternation_and_collisions);
  tcase_add_test(t, ssl_redirects);
  tcase_add_test(t, permanent_redirect_and_app_root);
  tcase_add_test(t, canary_header_cookie_weight);
  tcase_add_test(t, canary_by_header_value_and_orphans);
  tcase_add_test(t, vhost_wildcards_and_default_backends);
  tcase_add_test(t, other_controllers_classes_are_not_ours);
  tcase_add_test(t, invalid_ingresses_are_rejected_with_field_paths);
  tcase_add_test(t, conversion_routes_like_the_ingresses);
  tcase_add_test(t, conversion_notes_what_it_cannot_say);
  tcase_add_test(t, diff_between_ingresses_and_conversion);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(suite());
  int failed;
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
