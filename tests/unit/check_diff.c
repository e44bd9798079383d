/* SPDX-License-Identifier: Apache-2.0 */
/*
 * check_diff.c - differential test: the compiled engine (gwr_match) against
 * the reference matcher (tests/support/refmatch.c) on the same attach data.
 *
 * A fixed-seed PRNG writes random but small configurations as YAML (a
 * Gateway with HTTP and sometimes HTTPS listeners, sometimes a second one of
 * ours or of another controller, Services, up to twelve HTTPRoutes drawn from tiny pools so that hostnames,
 * paths, header and query matches, timestamps and names collide often), then
 * random requests drawn from the same pools plus ports, uppercase, trailing
 * dots, dot segments and repeated headers. Every request goes through both
 * matchers; the first disagreement prints the config, the request and both
 * results and fails the test. Each regex order (digest §3.3) gets its own run;
 * options (path normalisation, all-zero status, header byte limit) vary per
 * config. Known-answer cases check the oracle itself first, then the engine.
 */
#include <check.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "attach.h"
#include "refmatch.h"

/* -D overrides for longer soak runs */
#ifndef CONFIGS_PER_RUN
#define CONFIGS_PER_RUN 320
#endif
#ifndef REQUESTS_PER_CONFIG
#define REQUESTS_PER_CONFIG 160
#endif
#ifndef DIFF_SEED
#define DIFF_SEED 0x67777275746500ULL
#endif

/* ---- PRNG (splitmix64, fixed seed per run) -------------------------------- */

static uint64_t rng_state;

static uint64_t rng_next(void) {
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* uniform in [0, n) */
static unsigned rnd(unsigned n) { return (unsigned)(rng_next() % n); }

/* 1 with probability 1/n */
static int one_in(unsigned n) { return rnd(n) == 0; }

#define PICK(arr) ((arr)[rnd((unsigned)(sizeof(arr) / sizeof((arr)[0])))])

/* ---- a growable text buffer -------------------------------------------------- */

typedef struct sbuf {
  char *p;
  size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *fmt, ...) GWR_PRINTF(2, 3);

static void sb_add(sbuf *b, const char *fmt, ...) {
  va_list ap;
  int n;
  va_start(ap, fmt);
  n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  ck_assert_int_ge(n, 0);
  if (b->len + (size_t)n + 1 > b->cap) {
    size_t cap = (b->cap ? b->cap : 256);
    while (cap < b->len + (size_t)n + 1) cap *= 2;
    b->p = realloc(b->p, cap);
    ck_assert_ptr_nonnull(b->p);
    b->cap = cap;
  }
  va_start(ap, fmt);
  vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

static void sb_reset(sbuf *b) {
  b->len = 0;
  if (b->p) b->p[0] = '\0';
}

/* Append item (lines indented by `indent` spaces) as one element of a
 * block sequence: its first line's indentation becomes "- ". An empty item
 * is written as "{}". */
static void sb_item(sbuf *b, const sbuf *item, int indent) {
  if (item->len == 0) {
    sb_add(b, "%*s- {}\n", indent - 2, "");
    return;
  }
  sb_add(b, "%*s- %s", indent - 2, "", item->p + indent);
}

/* ---- pools ------------------------------------------------------------------ */

static const char *const listener_hosts[] = {"", "example.com", "*.example.com",
                                             "a.example.com", "*.a.example.com"};
static const char *const route_hosts[] = {
    "example.com", "*.example.com", "a.example.com", "*.a.example.com",
    "b.example.com", "x.y.example.com", "other.org"};
static const char *const namespaces[] = {"infra", "team", "team-b"};
static const char *const timestamps[] = {"", "2024-01-01T00:00:00Z", "2024-01-01T00:00:01Z",
                                         "2023-06-01T12:00:00Z"};
static const char *const plain_paths[] = {"/", "/a", "/a/", "/a/b", "/ab", "/a/b/c"};
static const char *const regex_paths[] = {"/a/[a-z]+", "/.*", "/a/b", "/a.*"};
static const char *const header_names[] = {"x-a", "X-A", "x-b"};
static const char *const header_values[] = {"1", "2"};
static const char *const header_regexes[] = {"[12]", "[12](,[12])*"};
static const char *const query_names[] = {"q", "r", "Q"};
static const char *const methods[] = {"GET", "POST"};
static const char *const backends[] = {"s0", "s1", "s0", "s1", "missing"};

/* ---- configuration generator --------------------------------------------------- */

#define CONTROLLER "example.net/gwroute"

static void gen_class(sbuf *b, const char *name, const char *controller) {
  sb_add(b, "apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\n"
            "metadata:\n  name: %s\nspec:\n  controllerName: %s\n---\n", name, controller);
}

/* Listener hostnames are drawn without replacement (per protocol): a
 * repeated port/protocol/hostname rejects the whole Gateway. */
static const char *draw_listener_host(unsigned *used) {
  unsigned k;
  do k = rnd((unsigned)(sizeof listener_hosts / sizeof listener_hosts[0]));
  while (*used & (1u << k));
  *used |= 1u << k;
  return listener_hosts[k];
}

static void gen_listener(sbuf *b, unsigned i, int https, unsigned *used) {
  const char *host = draw_listener_host(used);
  unsigned port = https ? 443 : (one_in(8) ? 8080 : 80);
  sb_add(b, "  - name: %s%u\n    port: %u\n    protocol: %s\n", https ? "s" : "l", i,
         port, https ? "HTTPS" : "HTTP");
  if (*host) sb_add(b, "    hostname: \"%s\"\n", host);
  if (https) sb_add(b, "    tls:\n      certificateRefs:\n      - name: cert\n");
  if (!one_in(3)) sb_add(b, "    allowedRoutes:\n      namespaces:\n        from: All\n");
}

static void gen_gateway(sbuf *b) {
  unsigned i, http = 1 + rnd(4), https = one_in(3) ? 1 + rnd(2) : 0, used = 0, used_tls = 0;
  sb_add(b, "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n"
            "metadata:\n  name: gw\n  namespace: infra\n"
            "spec:\n  gatewayClassName: gc\n  listeners:\n");
  for (i = 0; i < http; i++) gen_listener(b, i, 0, &used);
  for (i = 0; i < https; i++) gen_listener(b, i, 1, &used_tls);
  sb_add(b, "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: cert\n"
            "  namespace: infra\n---\n");
}

/* Sometimes a second Gateway, ours (then a request must name its gateway)
 * or another controller's (then it is unknown to gwr_match). Returns
 * whether it exists. */
static int gen_second_gateway(sbuf *b) {
  unsigned k = rnd(6);
  if (k >= 2) return 0;
  sb_add(b, "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n"
            "metadata:\n  name: gw2\n  namespace: infra\n"
            "spec:\n  gatewayClassName: %s\n  listeners:\n"
            "  - name: l0\n    port: 80\n    protocol: HTTP\n"
            "    allowedRoutes:\n      namespaces:\n        from: All\n---\n",
         k == 0 ? "gc" : "gc-other");
  return 1;
}

static void gen_services(sbuf *b) {
  size_t n, s;
  for (n = 0; n < sizeof namespaces / sizeof namespaces[0]; n++)
    for (s = 0; s < 2; s++)
      sb_add(b, "apiVersion: v1\nkind: Service\nmetadata:\n  name: s%zu\n"
                "  namespace: %s\nspec:\n  ports:\n  - port: 80\n  - port: 8080\n---\n",
             s, namespaces[n]);
}

static void gen_path(sbuf *m) {
  unsigned k = rnd(10);
  if (k == 0) return; /* default PathPrefix "/" */
  if (k == 1) {
    sb_add(m, "      path: {type: RegularExpression, value: \"%s\"}\n", PICK(regex_paths));
  } else if (k == 2) {
    sb_add(m, "      path: {value: \"%s\"}\n", PICK(plain_paths));
  } else {
    sb_add(m, "      path: {type: %s, value: \"%s\"}\n", rnd(2) ? "Exact" : "PathPrefix",
           PICK(plain_paths));
  }
}

static void gen_kv(sbuf *m, const char *name) {
  if (one_in(3))
    sb_add(m, "      - {type: RegularExpression, name: \"%s\", value: \"%s\"}\n", name,
           PICK(header_regexes));
  else
    sb_add(m, "      - {%sname: \"%s\", value: \"%s\"}\n", rnd(2) ? "type: Exact, " : "",
           name, PICK(header_values));
}

static void gen_headers(sbuf *m) {
  unsigned n = rnd(3), i;
  const char *first = NULL, *name;
  if (n == 0) return;
  sb_add(m, "      headers:\n");
  for (i = 0; i < n; i++) {
    do name = PICK(header_names);
    while (first && strcmp(first, name) == 0); /* exact duplicates are invalid */
    first = name;
    gen_kv(m, name);
  }
}

static void gen_match(sbuf *rule) {
  sbuf m = {NULL, 0, 0};
  sb_add(&m, "%s", ""); /* never NULL */
  gen_path(&m);
  gen_headers(&m);
  if (one_in(3)) { /* now and then a second one ("q" and "Q" are distinct) */
    const char *first = PICK(query_names), *second;
    sb_add(&m, "      queryParams:\n");
    gen_kv(&m, first);
    do second = PICK(query_names);
    while (strcmp(first, second) == 0);
    if (one_in(5)) gen_kv(&m, second);
  }
  if (one_in(3)) sb_add(&m, "      method: %s\n", PICK(methods));
  sb_item(rule, &m, 6);
  free(m.p);
}

static void gen_backends(sbuf *rule) {
  unsigned n = rnd(4), i;
  if (n == 0) {
    if (rnd(2)) sb_add(rule, "    backendRefs: []\n");
    return;
  }
  sb_add(rule, "    backendRefs:\n");
  for (i = 0; i < n; i++) {
    sb_add(rule, "    - {name: %s, port: %d", PICK(backends), rnd(2) ? 80 : 8080);
    if (!one_in(4)) sb_add(rule, ", weight: %u", rnd(4));
    sb_add(rule, "}\n");
  }
}

static void gen_rule(sbuf *b) {
  sbuf rule = {NULL, 0, 0};
  unsigned n = rnd(4), i;
  sb_add(&rule, "%s", "");
  if (n > 0) sb_add(&rule, "    matches:\n");
  else if (one_in(3)) sb_add(&rule, "    matches: []\n");
  for (i = 0; i < n; i++) gen_match(&rule);
  gen_backends(&rule);
  sb_item(b, &rule, 4);
  free(rule.p);
}

static void gen_hostnames(sbuf *b) {
  unsigned n = rnd(3), i = 0, first = 99, h;
  if (n == 0) return;
  sb_add(b, "  hostnames:\n");
  for (i = 0; i < n; i++) {
    do h = rnd((unsigned)(sizeof route_hosts / sizeof route_hosts[0]));
    while (h == first);
    first = h;
    sb_add(b, "  - \"%s\"\n", route_hosts[h]);
  }
}

static void gen_route(sbuf *b, unsigned i, unsigned ns_count, int gw2) {
  const char *ts = PICK(timestamps);
  unsigned rules = 1 + rnd(4), k;
  sb_add(b, "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n"
            "metadata:\n  name: r%u\n  namespace: %s\n", i, namespaces[rnd(ns_count)]);
  if (*ts) sb_add(b, "  creationTimestamp: \"%s\"\n", ts);
  sb_add(b, "spec:\n  parentRefs:\n  - name: gw\n    namespace: infra\n");
  if (one_in(6)) sb_add(b, "    sectionName: l%u\n", rnd(4));
  if (gw2 && one_in(3)) sb_add(b, "  - name: gw2\n    namespace: infra\n");
  gen_hostnames(b);
  sb_add(b, "  rules:\n");
  for (k = 0; k < rules; k++) gen_rule(b);
  sb_add(b, "---\n");
}

static void gen_config(sbuf *b) {
  unsigned routes = 1 + rnd(12), ns_count = 1 + rnd(3), i;
  int gw2;
  sb_reset(b);
  gen_class(b, "gc", CONTROLLER);
  gen_class(b, "gc-other", "example.com/other");
  gen_gateway(b);
  gw2 = gen_second_gateway(b);
  gen_services(b);
  for (i = 0; i < routes; i++) gen_route(b, i, ns_count, gw2);
}

/* ---- request generator -------------------------------------------------------------- */

static const char *const request_hosts[] = {
    "example.com", "a.example.com", "b.example.com", "x.y.example.com", "other.org",
    "c.a.example.com", "foo.example.com", "z.x.y.example.com", "example.org",
    "[::1]", "a.example.com.example.com"};
static const char *const request_paths[] = {
    "/", "/a", "/a/", "/a/b", "/ab", "/abc", "/a/b/c", "/a/b/c/d?x=1", "/a/./b",
    "/a/../a/b", "/a/b/..", "/..", "/a/.", "/a/xyz", "/A", "/a//b", "/a/b/./c/../c",
    "/ab/../a/b/", "/a/.b", "/a/..b"};
static const char *const request_queries[] = {"", "", "?q=1", "?q=2", "?q=1&q=2", "?r=1",
                                              "?q", "?x=1&q=2", "?Q=1&r=2", "?q=12",
                                              "?&q=1&"};
static const char *const request_methods[] = {"GET", "POST", "HEAD", ""};
static const char *const request_header_names[] = {"x-a", "X-A", "x-b", "X-B", "y"};
static const char *const request_header_values[] = {
    "1", "2", "3", "12", "", "1,2",
    "1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2", /* 63 */
    "1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1"}; /* 65 */

typedef struct gen_req {
  gwr_request r;
  char host[320], sni[320], path[64], key[24];
  gwr_header headers[4];
} gen_req;

static gwr_str str_of(const char *s) {
  gwr_str v;
  v.ptr = s;
  v.len = strlen(s);
  return v;
}

/* A pool host, maybe uppercased in places, with a trailing dot or a port. */
static void gen_host(char *out, size_t cap, int allow_empty) {
  size_t i, n;
  if (allow_empty && one_in(30)) {
    out[0] = '\0';
    return;
  }
  static const int long_lens[] = {240, 253, 254, 255, 256, 300};
  if (one_in(40)) /* around 253 bytes: longer ones match only "any host" */
    snprintf(out, cap, "%0*d.example.com", PICK(long_lens) - 12, 0);
  else
    snprintf(out, cap, "%s", PICK(request_hosts));
  n = strlen(out);
  for (i = 0; i < n; i++)
    if (one_in(8) && out[i] >= 'a' && out[i] <= 'z') out[i] = (char)(out[i] - 32);
  if (one_in(6) && out[n - 1] != ']') snprintf(out + n, cap - n, ".");
  n = strlen(out);
  if (one_in(5)) snprintf(out + n, cap - n, ":%s", rnd(2) ? "80" : "8443");
}

static void gen_scheme(gen_req *g) {
  static const uint32_t ports[] = {0, 0, 80, 443, 8080};
  int https = one_in(5);
  g->r.scheme = str_of(https ? "https" : (rnd(2) ? "http" : ""));
  g->r.port = PICK(ports);
  if (https && one_in(2)) g->r.port = 443;
  if (https && !one_in(4)) gen_host(g->sni, sizeof g->sni, 0);
  g->r.sni = str_of(g->sni);
}

static void gen_request(gen_req *g) {
  static const char *const odd_gateways[] = {"infra/gw2", "infra/other", "infra", "gw"};
  unsigned i;
  gwr_request init = GWR_REQUEST_INIT;
  memset(g, 0, sizeof *g);
  g->r = init;
  g->r.gateway = str_of(one_in(12) ? PICK(odd_gateways) : rnd(2) ? "infra/gw" : "");
  gen_scheme(g);
  gen_host(g->host, sizeof g->host, 1);
  g->r.host = str_of(g->host);
  snprintf(g->path, sizeof g->path, "%s%s", PICK(request_paths), PICK(request_queries));
  g->r.path = str_of(g->path);
  g->r.method = str_of(PICK(request_methods));
  g->r.header_count = rnd(5);
  for (i = 0; i < g->r.header_count; i++) {
    g->headers[i].name = str_of(PICK(request_header_names));
    g->headers[i].value = str_of(PICK(request_header_values));
  }
  g->r.headers = g->headers;
  if (rnd(2)) snprintf(g->key, sizeof g->key, "k%u", rnd(1000));
  g->r.key = str_of(g->key);
  g->r.choice = rng_next();
}

/* ---- comparing the two answers -------------------------------------------------------- */

typedef struct eng_result {
  int rc;
  int action;
  int64_t status, rule, match, port;
  gwr_str listener, ns, name, backend;
} eng_result;

typedef struct run_ctx {
  const char *yaml;
  const gwr__attach *att;
  gwr_table *table;
  gwr_decision *d;
  size_t requests, mismatches, notfound;
  size_t by_action[5];
  size_t by_status[600];
  size_t regex_wins;
} run_ctx;

static gwr_str dstr(const gwr_decision *d, int32_t field) {
  gwr_str s = {NULL, 0};
  ck_assert_int_eq(gwr_decision_str(d, field, &s), GWR_OK);
  return s;
}

static void engine_match(run_ctx *c, const gwr_request *req, eng_result *e) {
  memset(e, 0, sizeof *e);
  e->rc = gwr_match(c->d, c->table, req);
  if (e->rc != GWR_OK) return;
  e->action = gwr_decision_action(c->d);
  e->status = gwr_decision_int(c->d, GWR_DI_STATUS);
  e->rule = gwr_decision_int(c->d, GWR_DI_ROUTE_RULE);
  e->match = gwr_decision_int(c->d, GWR_DI_ROUTE_MATCH);
  e->port = gwr_decision_int(c->d, GWR_DI_BACKEND_PORT);
  e->listener = dstr(c->d, GWR_DS_LISTENER);
  e->ns = dstr(c->d, GWR_DS_ROUTE_NAMESPACE);
  e->name = dstr(c->d, GWR_DS_ROUTE_NAME);
  e->backend = dstr(c->d, GWR_DS_BACKEND_NAME);
}

static int str_eq(gwr_str a, const char *p, size_t n) {
  return a.len == n && (n == 0 || memcmp(a.ptr, p, n) == 0);
}

static int str_eq_c(gwr_str a, const char *s) { return str_eq(a, s ? s : "", s ? strlen(s) : 0); }

static const gwr__backend *ref_backend(const gwr__attach *att, const ref_result *x) {
  if (x->route == REF_NO_ROUTE || x->backend < 0) return NULL;
  return att->routes[x->route].rules[x->rule].backends[x->backend].b;
}

static int same_route(const gwr__attach *att, const ref_result *x, const eng_result *e) {
  const gwr__meta *m;
  if (x->route == REF_NO_ROUTE)
    return e->ns.len == 0 && e->name.len == 0 && e->rule == -1 && e->match == -1;
  m = &att->routes[x->route].r->meta;
  return str_eq(e->ns, m->ns.ptr, m->ns.len) && str_eq(e->name, m->name.ptr, m->name.len) &&
         e->rule == x->rule && e->match == x->match;
}

/* The backend is compared on forward; a 404 or 421 must name none. */
static int same_backend(const gwr__attach *att, const ref_result *x, const eng_result *e) {
  const gwr__backend *b = ref_backend(att, x);
  if (x->action == GWR_ACTION_FORWARD)
    return b && str_eq(e->backend, b->ref.name.ptr, b->ref.name.len) &&
           e->port == (int64_t)b->ref.port;
  if (x->route == REF_NO_ROUTE) return e->backend.len == 0;
  return 1;
}

static int same_result(const gwr__attach *att, int rrc, const ref_result *x,
                       const eng_result *e) {
  if (rrc != e->rc) return 0;
  if (rrc != GWR_OK) return 1;
  return e->action == x->action && e->status == x->status &&
         str_eq_c(e->listener, x->listener) && same_route(att, x, e) &&
         same_backend(att, x, e);
}

static void print_str(const char *label, gwr_str s) {
  fprintf(stderr, "  %s: \"%.*s\" (%zu bytes)\n", label, (int)s.len, s.ptr ? s.ptr : "",
          s.len);
}

static void print_request(const gwr_request *r) {
  size_t i;
  fprintf(stderr, "request:\n");
  print_str("gateway", r->gateway);
  fprintf(stderr, "  port: %u\n", (unsigned)r->port);
  print_str("scheme", r->scheme);
  print_str("sni", r->sni);
  print_str("host", r->host);
  print_str("method", r->method);
  print_str("path", r->path);
  for (i = 0; i < r->header_count; i++)
    fprintf(stderr, "  header: \"%.*s\": \"%.*s\"\n", (int)r->headers[i].name.len,
            r->headers[i].name.ptr, (int)r->headers[i].value.len, r->headers[i].value.ptr);
  print_str("key", r->key);
  fprintf(stderr, "  choice: %" PRIu64 "\n", r->choice);
}

static void print_ref(const gwr__attach *att, int rc, const ref_result *x) {
  const gwr__backend *b = ref_backend(att, x);
  fprintf(stderr, "reference: rc %d action %d status %d listener \"%s\"\n", rc, x->action,
          x->status, x->listener ? x->listener : "");
  if (x->route != REF_NO_ROUTE) {
    const gwr__meta *m = &att->routes[x->route].r->meta;
    fprintf(stderr, "  route %.*s/%.*s rule %d match %d\n", (int)m->ns.len, m->ns.ptr,
            (int)m->name.len, m->name.ptr, x->rule, x->match);
  }
  if (b)
    fprintf(stderr, "  backend[%d] %.*s port %u\n", x->backend, (int)b->ref.name.len,
            b->ref.name.ptr, (unsigned)b->ref.port);
}

static void print_engine(const eng_result *e) {
  fprintf(stderr, "engine: rc %d action %d status %" PRId64 " listener \"%.*s\"\n", e->rc,
          e->action, e->status, (int)e->listener.len, e->listener.ptr ? e->listener.ptr : "");
  fprintf(stderr, "  route %.*s/%.*s rule %" PRId64 " match %" PRId64 "\n", (int)e->ns.len,
          e->ns.ptr ? e->ns.ptr : "", (int)e->name.len, e->name.ptr ? e->name.ptr : "",
          e->rule, e->match);
  fprintf(stderr, "  backend %.*s port %" PRId64 "\n", (int)e->backend.len,
          e->backend.ptr ? e->backend.ptr : "", e->port);
}

static void tally(run_ctx *c, int rc, const ref_result *x) {
  c->requests++;
  if (rc != GWR_OK) {
    c->notfound++;
    return;
  }
  c->by_action[x->action < 5 ? x->action : 0]++;
  if (x->status >= 0 && x->status < 600) c->by_status[x->status]++;
  if (x->route != REF_NO_ROUTE &&
      c->att->routes[x->route].r->rules[x->rule].matches[x->match].path_type == GWR_PATH_REGEX)
    c->regex_wins++;
}

static void check_one(run_ctx *c, const gwr_request *req) {
  ref_result x;
  eng_result e;
  int rc = ref_match(c->att, req, &x);
  ck_assert_int_ne(rc, GWR_E_NOMEM);
  engine_match(c, req, &e);
  tally(c, rc, &x);
  if (same_result(c->att, rc, &x, &e)) return;
  c->mismatches++;
  fprintf(stderr, "=== mismatch ===\noptions: regex order %d, path normalize %d, all-zero "
                  "status %d, max header bytes %zu\nconfig:\n%s\n",
          c->att->opt->regex_order, c->att->opt->path_normalize, c->att->opt->all_zero_status,
          c->att->opt->max_header_bytes, c->yaml);
  print_request(req);
  print_ref(c->att, rc, &x);
  print_engine(&e);
  ck_abort_msg("gwr_match disagrees with the reference matcher (details on stderr)");
}

/* ---- one configuration ------------------------------------------------------------------ */

/* A config with its table, a decision and a second attach for the oracle. */
typedef struct fixture {
  gwr_config *cfg;
  gwr__alloc alloc;
  gwr__arena arena;
  gwr__attach att;
  gwr_table *table;
  gwr_decision *d;
} fixture;

static void set_options(gwr_config *cfg, int order, int randomize) {
  ck_assert_int_eq(gwr_config_set_option(cfg, GWR_OPT_REGEX_ORDER, order), GWR_OK);
  if (!randomize) return;
  if (one_in(5))
    ck_assert_int_eq(
        gwr_config_set_option(cfg, GWR_OPT_PATH_NORMALIZE, GWR_PATH_NORMALIZE_NONE), GWR_OK);
  if (one_in(4))
    ck_assert_int_eq(gwr_config_set_option(cfg, GWR_OPT_ALL_ZERO_WEIGHT_STATUS, 503), GWR_OK);
  if (one_in(3)) /* the smallest limit: the 65-byte values never match */
    ck_assert_int_eq(gwr_config_set_option(cfg, GWR_OPT_MAX_HEADER_BYTES, 64), GWR_OK);
}

static void fixture_open(fixture *f, const char *yaml, int order, int randomize) {
  gwr_error err = GWR_ERROR_INIT;
  int rc;
  memset(f, 0, sizeof *f);
  ck_assert_int_eq(gwr_config_new(&f->cfg, NULL), GWR_OK);
  ck_assert_int_eq(gwr_config_set_controller(f->cfg, CONTROLLER, strlen(CONTROLLER)), GWR_OK);
  set_options(f->cfg, order, randomize);
  rc = gwr_config_load(f->cfg, yaml, strlen(yaml), "diff.yaml", 9, &err);
  ck_assert_msg(rc == GWR_OK, "load: %s\n%s", err.message, yaml);
  gwr__alloc_init(&f->alloc, NULL);
  gwr__arena_init(&f->arena, &f->alloc);
  ck_assert_int_eq(gwr__attach_build(&f->att, f->cfg, &f->arena), GWR_OK);
  ck_assert_msg(gwr_table_compile(&f->table, f->cfg, &err) == GWR_OK, "compile: %s",
                err.message);
  ck_assert_int_eq(gwr_decision_new(&f->d, f->table), GWR_OK);
}

static void fixture_close(fixture *f) {
  gwr_decision_free(f->d);
  gwr_table_unref(f->table);
  gwr__arena_free(&f->arena);
  gwr_config_free(f->cfg);
}

static void run_config(run_ctx *c, const sbuf *yaml, int order, size_t *bindings) {
  fixture f;
  gen_req g;
  size_t i;
  fixture_open(&f, yaml->p, order, 1);
  c->att = &f.att;
  c->table = f.table;
  c->d = f.d;
  c->yaml = yaml->p;
  *bindings += f.att.binding_count;
  for (i = 0; i < REQUESTS_PER_CONFIG; i++) {
    gen_request(&g);
    check_one(c, &g.r);
  }
  fixture_close(&f);
}

/* The generator must not have gone degenerate: every outcome shows up. */
static void check_coverage(const run_ctx *c, size_t bindings) {
  fprintf(stderr, "diff: %zu requests, %zu bindings, unknown gateway %zu, forward %zu, "
                  "404 %zu, 421 %zu, 500 %zu, 503 %zu, reject %zu, regex wins %zu\n",
          c->requests, bindings, c->notfound, c->by_action[GWR_ACTION_FORWARD], c->by_status[404],
          c->by_status[421], c->by_status[500], c->by_status[503],
          c->by_action[GWR_ACTION_REJECT], c->regex_wins);
  ck_assert_uint_ge(c->requests, (size_t)CONFIGS_PER_RUN * REQUESTS_PER_CONFIG);
  ck_assert_uint_ge(bindings, CONFIGS_PER_RUN);
  ck_assert_uint_ge(c->by_action[GWR_ACTION_FORWARD], c->requests / 20);
  ck_assert_uint_ge(c->by_status[404], c->requests / 50);
  ck_assert_uint_ge(c->by_status[500], c->requests / 200);
  ck_assert_uint_gt(c->by_status[421], 0);
  ck_assert_uint_gt(c->by_action[GWR_ACTION_REJECT], 0);
  ck_assert_uint_gt(c->regex_wins, 0);
  ck_assert_uint_eq(c->mismatches, 0);
}

START_TEST(test_random_configs) {
  /* _i is the regex order: GWR_REGEX_ORDER_ENVOY (0), GWR_REGEX_ORDER_ISTIO (1) */
  sbuf yaml = {NULL, 0, 0};
  run_ctx c;
  size_t n, bindings = 0;
  memset(&c, 0, sizeof c);
  rng_state = (uint64_t)DIFF_SEED + (uint64_t)(unsigned)_i;
  for (n = 0; n < CONFIGS_PER_RUN; n++) {
    gen_config(&yaml);
    run_config(&c, &yaml, _i, &bindings);
  }
  check_coverage(&c, bindings);
  ref_cleanup();
  free(yaml.p);
}
END_TEST

/* ---- known answers: the oracle itself on hand-checked cases ------------------------------ */

#define KAT_ROUTE(ns, name, ts, host) \
  "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n" \
  "metadata: {name: " name ", namespace: " ns ", creationTimestamp: \"" ts "\"}\n" \
  "spec:\n  parentRefs: [{name: gw, namespace: infra}]\n" host "  rules:\n"
#define KAT_RULE(type, value) "  - matches: [{path: {type: " type ", value: \"" value "\"}}]\n"
#define T0 "2024-01-01T00:00:00Z"

static const char kat_yaml[] =
    "apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\n"
    "metadata: {name: gc}\nspec: {controllerName: " CONTROLLER "}\n---\n"
    "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n"
    "metadata: {name: gw, namespace: infra}\nspec:\n  gatewayClassName: gc\n"
    "  listeners:\n  - {name: l0, port: 80, protocol: HTTP,"
    " allowedRoutes: {namespaces: {from: All}}}\n---\n"
    KAT_ROUTE("team", "dots", T0, "  hostnames: [dots.example]\n")
    KAT_RULE("Exact", "/a/g") KAT_RULE("Exact", "/a/c") KAT_RULE("Exact", "/a/")
    KAT_RULE("Exact", "/") KAT_RULE("Exact", "/a/b") KAT_RULE("Exact", "/a/.b")
    KAT_RULE("Exact", "/a/b/") "---\n"
    KAT_ROUTE("team", "old", "2020-01-01T00:00:00Z", "  hostnames: [prec.example]\n")
    KAT_RULE("PathPrefix", "/") "---\n"
    KAT_ROUTE("team", "new", T0, "  hostnames: [prec.example]\n")
    KAT_RULE("Exact", "/x") "---\n"
    KAT_ROUTE("team", "z", T0, "  hostnames: [tie.example]\n")
    KAT_RULE("PathPrefix", "/p") "---\n"
    KAT_ROUTE("team-b", "z", T0, "  hostnames: [tie.example]\n")
    KAT_RULE("PathPrefix", "/p") "---\n"
    KAT_ROUTE("team", "len1", "2020-01-01T00:00:00Z", "  hostnames: [len.example]\n")
    KAT_RULE("PathPrefix", "/q") "---\n"
    KAT_ROUTE("team", "len2", T0, "  hostnames: [len.example]\n")
    KAT_RULE("PathPrefix", "/q/") "---\n"
    KAT_ROUTE("team", "host", T0, "  hostnames: [\"*.h.example\"]\n")
    KAT_RULE("PathPrefix", "/") "---\n"
    KAT_ROUTE("team", "nohost", T0, "")
    KAT_RULE("Exact", "/h") "---\n";

typedef struct kat {
  const char *host, *path;
  const char *route; /* "ns/name", NULL = 404 */
  int rule;
} kat;

static const kat kats[] = {
    /* RFC 3986 5.2.4 dot-segment removal (the default normalisation) */
    {"dots.example", "/a/b/c/./../../g", "team/dots", 0},
    {"dots.example", "/a/b/../c", "team/dots", 1},
    {"dots.example", "/a/b/..", "team/dots", 2},
    {"dots.example", "/a/b/c/..", "team/dots", 6},
    {"dots.example", "/..", "team/dots", 3},
    {"dots.example", "/a/./b?x=/..", "team/dots", 4},
    {"dots.example", "/a/.b", "team/dots", 5},
    {"dots.example", "/a/b/.", "team/dots", 6},
    {"DOTS.example.:80", "/a/../a/b", "team/dots", 4},
    /* P2: Exact beats PathPrefix whatever the age; age only breaks ties */
    {"prec.example", "/x", "team/new", 0},
    {"prec.example", "/x/", "team/old", 0},
    /* identity: "team-b/z" < "team/z" as strings ('-' < '/') */
    {"tie.example", "/p/q", "team-b/z", 0},
    {"tie.example", "/p", "team-b/z", 0},
    /* prefix length as written ("/q/" = 3) ranks before age */
    {"len.example", "/q/r", "team/len2", 0},
    {"len.example", "/q", "team/len2", 0},
    {"len.example", "/qr", NULL, 0},
    /* hostname first: a wildcard route beats a hostname-less Exact match */
    {"a.b.h.example", "/h", "team/host", 0},
    {"h.example", "/h", "team/nohost", 0},
    {"h.example", "/g", NULL, 0},
};

static void kat_request(const kat *k, gwr_request *r) {
  gwr_request init = GWR_REQUEST_INIT;
  *r = init;
  r->host = str_of(k->host);
  r->path = str_of(k->path);
  r->method = str_of("GET");
}

static void kat_check_ref(const fixture *f, const kat *k) {
  gwr_request r;
  ref_result x;
  char got[300] = "";
  kat_request(k, &r);
  ck_assert_int_eq(ref_match(&f->att, &r, &x), GWR_OK);
  if (x.route != REF_NO_ROUTE) {
    const gwr__meta *m = &f->att.routes[x.route].r->meta;
    snprintf(got, sizeof got, "%.*s/%.*s", (int)m->ns.len, m->ns.ptr, (int)m->name.len,
             m->name.ptr);
  }
  ck_assert_msg(strcmp(got, k->route ? k->route : "") == 0 && x.rule == (k->route ? k->rule : -1),
                "%s %s: reference chose \"%s\" rule %d", k->host, k->path, got, x.rule);
  ck_assert_int_eq(x.action, GWR_ACTION_RESPOND); /* no backendRefs: 500, or 404 */
  ck_assert_int_eq(x.status, k->route ? 500 : 404);
  ck_assert_str_eq(x.listener, "infra/gw/l0");
}

START_TEST(test_reference_known_answers) {
  fixture f;
  size_t i;
  fixture_open(&f, kat_yaml, GWR_REGEX_ORDER_ENVOY, 0);
  for (i = 0; i < sizeof kats / sizeof kats[0]; i++) kat_check_ref(&f, &kats[i]);
  fixture_close(&f);
  ref_cleanup();
}
END_TEST

/* The same cases through gwr_match, compared with the (checked) oracle. */
START_TEST(test_engine_known_answers) {
  fixture f;
  run_ctx c;
  size_t i;
  gwr_request r;
  memset(&c, 0, sizeof c);
  fixture_open(&f, kat_yaml, GWR_REGEX_ORDER_ENVOY, 0);
  c.att = &f.att;
  c.table = f.table;
  c.d = f.d;
  c.yaml = kat_yaml;
  for (i = 0; i < sizeof kats / sizeof kats[0]; i++) {
    kat_request(&kats[i], &r);
    check_one(&c, &r);
  }
  fixture_close(&f);
  ref_cleanup();
}
END_TEST

static Suite *diff_suite(void) {
  Suite *s = suite_create("diff");
  TCase *tc = tcase_create("known");
  tcase_add_test(tc, test_reference_known_answers);
  tcase_add_test(tc, test_engine_known_answers);
  suite_add_tcase(s, tc);
  tc = tcase_create("random");
  tcase_set_timeout(tc, 300);
  tcase_add_loop_test(tc, test_random_configs, GWR_REGEX_ORDER_ENVOY,
                      GWR_REGEX_ORDER_ISTIO + 1);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(diff_suite());
  int failed;
  srunner_run_all(sr, CK_ENV);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
