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
 *
 * Rules also carry filters (digest §5, §4.5 B13) and policies (§6): header
 * modifiers over a small mixed-case name pool, URLRewrite (ReplacePrefixMatch
 * only where the rule has exactly one PathPrefix match, F4), RequestRedirect
 * (rule level only without backendRefs, F3; also backend level), mirrors
 * (percent, fraction, none; some to missing or unreachable Services), CORS,
 * ExtensionRefs, timeouts, retry and sessionPersistence (both spellings);
 * requests sometimes are OPTIONS and carry Origin, Access-Control-Request-*,
 * Cookie and Authorization headers. Besides the route and backend, every
 * request compares the Location, the upstream host, path and header list,
 * the mirrors, the ExtensionRefs, the response header operations, the
 * engine's own response headers (as a set) and the policy values.
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
#define REQUESTS_PER_CONFIG 320
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
  if (n < 0) ck_abort_msg("vsnprintf failed"); /* no ck_assert on hot paths: each passing */
  if (b->len + (size_t)n + 1 > b->cap) {      /* one writes a checkpoint to the runner */
    size_t cap = (b->cap ? b->cap : 256);
    while (cap < b->len + (size_t)n + 1) cap *= 2;
    b->p = realloc(b->p, cap);
    if (!b->p) ck_abort_msg("out of memory");
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
/* filters: header modifier names (F12: one action per name, any case) */
static const char *const mod_names[][2] = {{"x-a", "X-A"}, {"x-b", "x-b"}, {"x-c", "x-c"}};
static const char *const mod_values[] = {"v1", "v2", "a b"};
static const char *const full_paths[] = {"/full", "/", "/a/b/"};
static const char *const prefix_repls[] = {"/xyz", "/xyz/", "/", "", "/p/q"};
static const char *const redirect_hosts[] = {"r.example.com", "example.org"};
static const uint32_t redirect_ports[] = {80, 443, 8080, 8443};
static const int redirect_codes[] = {301, 302, 303, 307, 308};
static const char *const mirror_percents[] = {"percent: 0", "percent: 25", "percent: 50",
                                              "percent: 100", "fraction: {numerator: 1, denominator: 3}",
                                              "fraction: {numerator: 0, denominator: 5}",
                                              "fraction: {numerator: 2}",
                                              "fraction: {numerator: 7, denominator: 7}"};
static const char *const cors_origins[] = {
    "[\"*\"]", "[\"https://a.example.com\"]", "[\"https://*.bar.com\", \"http://foo.org\"]",
    "[\"http://a.example.com:8080\", \"https://a.example.com\"]", "[\"https://*\"]"};
static const char *const cors_methods[] = {"[\"*\"]", "[GET, PUT]", "[DELETE]"};
static const char *const cors_allow_headers[] = {"[\"*\"]", "[x-a, X-B]"};
static const char *const cors_expose_headers[] = {"[\"*\"]", "[x-c]", "[x-c, x-d]"};
/* timeouts (T4: backendRequest <= request unless request is zero) */
static const char *const timeouts[][2] = {{"10s", "1s"}, {"0s", "1m"},   {"1m30s", "90s"},
                                          {"500ms", NULL}, {NULL, "2s"}, {"1h1h", "1h"},
                                          {"100ms", "100ms"}};
static const char *const sessions[] = {
    "      type: Cookie\n      cookie: {name: sc, path: /a, lifetimeType: Session}\n",
    "      cookie: {path: /, lifetimeType: Permanent}\n      absoluteTimeout: 1h\n",
    "      type: Header\n      header: {name: x-session}\n      absoluteTimeout: 30m\n",
    "      sessionName: legacy\n      cookieConfig: {lifetimeType: Session}\n      idleTimeout: 5m\n",
    ("      type: Cookie\n      sessionName: lp\n      absoluteTimeout: 2h1m\n"
     "      cookieConfig: {lifetimeType: Permanent}\n"),
    "      type: Cookie\n      cookie: {name: dflt}\n", /* path "/" and Session by default */
    "      sessionName: bare\n"};

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
  unsigned port = https ? 443 : (one_in(4) ? 8080 : 80);
  sb_add(b, "  - name: %s%u\n    port: %u\n    protocol: %s\n", https ? "s" : "l", i,
         port, https ? "HTTPS" : "HTTP");
  if (*host) sb_add(b, "    hostname: \"%s\"\n", host);
  if (https) sb_add(b, "    tls:\n      certificateRefs:\n      - name: cert\n");
  if (!one_in(3)) sb_add(b, "    allowedRoutes:\n      namespaces:\n        from: All\n");
}

/* TLS listeners (Passthrough, 8443; now and then on 443 beside HTTPS, or
 * mixing modes), a TCP one (5432, or 8080 against HTTP: ProtocolConflict)
 * and a UDP one. */
static void gen_l4_listeners(sbuf *b) {
  static const char *const tls_hosts[] = {"", "*.example.com", "a.example.com", "*.a.example.com"};
  unsigned i, n = rnd(3), used = 0;
  for (i = 0; i < n; i++) {
    unsigned k;
    do k = rnd(4);
    while (used & (1u << k));
    used |= 1u << k;
    sb_add(b, "  - name: t%u\n    port: %u\n    protocol: TLS\n", i, one_in(6) ? 443 : 8443);
    if (*tls_hosts[k]) sb_add(b, "    hostname: \"%s\"\n", tls_hosts[k]);
    if (one_in(8))
      sb_add(b, "    tls:\n      mode: Terminate\n      certificateRefs:\n      - name: cert\n");
    else
      sb_add(b, "    tls:\n      mode: Passthrough\n");
    sb_add(b, "    allowedRoutes:\n      namespaces:\n        from: All\n");
  }
  if (one_in(2))
    sb_add(b, "  - name: tcp\n    port: %u\n    protocol: TCP\n"
              "    allowedRoutes:\n      namespaces:\n        from: All\n", one_in(6) ? 8080 : 5432);
  if (one_in(3))
    sb_add(b, "  - name: udp\n    port: 5353\n    protocol: UDP\n"
              "    allowedRoutes:\n      namespaces:\n        from: All\n");
}

static void gen_gateway(sbuf *b) {
  unsigned i, http = 1 + rnd(4), https = one_in(3) ? 1 + rnd(2) : 0, used = 0, used_tls = 0;
  sb_add(b, "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n"
            "metadata:\n  name: gw\n  namespace: infra\n"
            "spec:\n  gatewayClassName: gc\n  listeners:\n");
  for (i = 0; i < http; i++) gen_listener(b, i, 0, &used);
  for (i = 0; i < https; i++) gen_listener(b, i, 1, &used_tls);
  gen_l4_listeners(b);
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

/* Returns whether the match's path is a PathPrefix (written or defaulted). */
static int gen_path(sbuf *m) {
  unsigned k = rnd(10);
  int exact;
  if (k == 0) return 1; /* default PathPrefix "/" */
  if (k == 1) {
    sb_add(m, "      path: {type: RegularExpression, value: \"%s\"}\n", PICK(regex_paths));
    return 0;
  }
  if (k == 2) {
    sb_add(m, "      path: {value: \"%s\"}\n", PICK(plain_paths));
    return 1;
  }
  exact = rnd(2);
  sb_add(m, "      path: {type: %s, value: \"%s\"}\n", exact ? "Exact" : "PathPrefix",
         PICK(plain_paths));
  return !exact;
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

/* Returns whether the match's path is a PathPrefix. */
static int gen_match(sbuf *rule) {
  sbuf m = {NULL, 0, 0};
  int prefix;
  sb_add(&m, "%s", ""); /* never NULL */
  prefix = gen_path(&m);
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
  return prefix;
}

/* ---- filters (digest §5), one flow mapping each ----------------------------------- */

/* F8, F12: each name (case-insensitively) in exactly one of set/add/remove. */
static void gen_header_mod(sbuf *f, const char *type, const char *member) {
  sbuf set = {NULL, 0, 0}, add = {NULL, 0, 0}, rem = {NULL, 0, 0};
  size_t k;
  unsigned picked = 0;
  sb_add(&set, "%s", "");
  sb_add(&add, "%s", "");
  sb_add(&rem, "%s", "");
  while (!picked) picked = rnd(8);
  for (k = 0; k < 3; k++) {
    const char *name = mod_names[k][rnd(2)];
    unsigned action = rnd(3);
    if (!(picked & (1u << k))) continue;
    if (action == 0)
      sb_add(&set, "%s{name: %s, value: \"%s\"}", set.len ? ", " : "", name, PICK(mod_values));
    else if (action == 1)
      sb_add(&add, "%s{name: %s, value: \"%s\"}", add.len ? ", " : "", name, PICK(mod_values));
    else
      sb_add(&rem, "%s%s", rem.len ? ", " : "", name);
  }
  sb_add(f, "{type: %s, %s: {", type, member);
  if (set.len) sb_add(f, "set: [%s]%s", set.p, add.len || rem.len ? ", " : "");
  if (add.len) sb_add(f, "add: [%s]%s", add.p, rem.len ? ", " : "");
  if (rem.len) sb_add(f, "remove: [%s]", rem.p);
  sb_add(f, "}}");
  free(set.p);
  free(add.p);
  free(rem.p);
}

/* HTTPPathModifier (F16, F20-F25); ReplacePrefixMatch only where F4 allows. */
static void gen_path_mod(sbuf *f, int one_prefix) {
  if (one_prefix && rnd(2))
    sb_add(f, "path: {type: ReplacePrefixMatch, replacePrefixMatch: \"%s\"}", PICK(prefix_repls));
  else
    sb_add(f, "path: {type: ReplaceFullPath, replaceFullPath: \"%s\"}", PICK(full_paths));
}

static void gen_rewrite(sbuf *f, int one_prefix) {
  unsigned k = rnd(4);
  sb_add(f, "{type: URLRewrite, urlRewrite: {");
  if (k != 1) sb_add(f, "hostname: rw.example.com%s", k >= 2 ? ", " : "");
  if (k >= 1) gen_path_mod(f, one_prefix);
  sb_add(f, "}}");
}

static void gen_redirect(sbuf *f, int one_prefix) {
  const char *sep = "";
  sb_add(f, "{type: RequestRedirect, requestRedirect: {");
  if (one_in(2)) {
    sb_add(f, "scheme: %s", rnd(2) ? "https" : "http");
    sep = ", ";
  }
  if (one_in(3)) {
    sb_add(f, "%shostname: %s", sep, PICK(redirect_hosts));
    sep = ", ";
  }
  if (one_in(3)) {
    sb_add(f, "%sport: %u", sep, (unsigned)PICK(redirect_ports));
    sep = ", ";
  }
  if (one_in(2)) {
    sb_add(f, "%sstatusCode: %d", sep, PICK(redirect_codes));
    sep = ", ";
  }
  if (one_in(2)) {
    sb_add(f, "%s", sep);
    gen_path_mod(f, one_prefix);
  }
  sb_add(f, "}}");
}

/* F26-F29: to s0/s1 (valid on ports 80 and 8080), to a missing Service, to
 * a port the Service lacks, or across namespaces without a grant. */
static void gen_mirror(sbuf *f) {
  static const char *const names[] = {"s0", "s1", "s0", "missing"};
  static const unsigned ports[] = {80, 8080, 80, 9090};
  sb_add(f, "{type: RequestMirror, requestMirror: {backendRef: {name: %s, port: %u%s}",
         PICK(names), PICK(ports), one_in(6) ? ", namespace: team-b" : "");
  if (!one_in(4)) sb_add(f, ", %s", PICK(mirror_percents));
  sb_add(f, "}}");
}

static void gen_extension(sbuf *f) {
  sb_add(f, "{type: ExtensionRef, extensionRef: {group: example.net, kind: Auth, name: e%u}}",
         rnd(3));
}

static void gen_cors(sbuf *f) {
  sb_add(f, "{type: CORS, cors: {allowOrigins: %s", PICK(cors_origins));
  if (!one_in(3)) sb_add(f, ", allowCredentials: %s", rnd(2) ? "true" : "false");
  if (!one_in(4)) sb_add(f, ", allowMethods: %s", PICK(cors_methods));
  if (!one_in(3)) sb_add(f, ", allowHeaders: %s", PICK(cors_allow_headers));
  if (one_in(2)) sb_add(f, ", exposeHeaders: %s", PICK(cors_expose_headers));
  if (one_in(3)) sb_add(f, ", maxAge: %u", one_in(2) ? 10u : 600u);
  sb_add(f, "}}");
}

#define MAX_FILTERS 10

/* A filter list in random order: at most one of each type but mirrors and
 * ExtensionRefs (F1), a redirect (when asked) or a rewrite but not both (F2).
 * Written as a block sequence (rule level) or a flow sequence (backend).
 * Returns whether it has a CORS filter. A backend's list gets none when the
 * rule's has one: the engine keeps at most four CORS response operations
 * and drops the backend's (an engine bug, parked in check_filters.c). */
static int gen_filter_list(sbuf *out, int backend_level, int one_prefix, int redirect,
                           int cors_ok) {
  sbuf items[MAX_FILTERS];
  unsigned n = 0, i, k;
  int cors = 0;
  memset(items, 0, sizeof items);
  for (i = 0; i < MAX_FILTERS; i++) sb_add(&items[i], "%s", "");
  if (one_in(2)) gen_header_mod(&items[n++], "RequestHeaderModifier", "requestHeaderModifier");
  if (one_in(3)) gen_header_mod(&items[n++], "ResponseHeaderModifier", "responseHeaderModifier");
  if (redirect) gen_redirect(&items[n++], one_prefix);
  else if (one_in(3)) gen_rewrite(&items[n++], one_prefix);
  for (k = rnd(3); k > 0 && one_in(2); k--) gen_mirror(&items[n++]);
  for (k = rnd(3); k > 0 && one_in(2); k--) gen_extension(&items[n++]);
  if (cors_ok && one_in(backend_level ? 6 : 3)) {
    gen_cors(&items[n++]);
    cors = 1;
  }
  for (i = n; i > 1; i--) { /* shuffle: both sides must follow list order (F5) */
    sbuf t;
    k = rnd(i);
    t = items[i - 1];
    items[i - 1] = items[k];
    items[k] = t;
  }
  if (backend_level) {
    sb_add(out, ", filters: [");
    for (i = 0; i < n; i++) sb_add(out, "%s%s", i ? ", " : "", items[i].p);
    sb_add(out, "]");
  } else if (n) {
    sb_add(out, "    filters:\n");
    for (i = 0; i < n; i++) sb_add(out, "    - %s\n", items[i].p);
  }
  for (i = 0; i < MAX_FILTERS; i++) free(items[i].p);
  return cors;
}

static void gen_backends(sbuf *rule, int one_prefix, int rule_cors) {
  unsigned n = rnd(4), i;
  if (n == 0) {
    if (rnd(2)) sb_add(rule, "    backendRefs: []\n");
    return;
  }
  sb_add(rule, "    backendRefs:\n");
  for (i = 0; i < n; i++) {
    sb_add(rule, "    - {name: %s, port: %d", PICK(backends), rnd(2) ? 80 : 8080);
    if (!one_in(4)) sb_add(rule, ", weight: %u", rnd(4));
    if (one_in(3)) gen_filter_list(rule, 1, one_prefix, one_in(6), !rule_cors);
    sb_add(rule, "}\n");
  }
}

/* §6: timeouts, retry, sessionPersistence (both spellings, with and
 * without the cookie defaults). */
static void gen_policies(sbuf *rule) {
  if (one_in(4)) {
    unsigned k = rnd((unsigned)(sizeof timeouts / sizeof timeouts[0]));
    sb_add(rule, "    timeouts:\n");
    if (timeouts[k][0]) sb_add(rule, "      request: %s\n", timeouts[k][0]);
    if (timeouts[k][1]) sb_add(rule, "      backendRequest: %s\n", timeouts[k][1]);
  }
  if (one_in(5)) {
    unsigned parts = 1 + rnd(7); /* a non-empty subset of codes, attempts, backoff */
    sb_add(rule, "    retry:\n");
    if (parts & 1) sb_add(rule, "      codes: [%s]\n", rnd(2) ? "500, 503" : "502, 504, 429");
    if (parts & 2) sb_add(rule, "      attempts: %u\n", 1 + rnd(3));
    if (parts & 4) sb_add(rule, "      backoff: %s\n", rnd(2) ? "100ms" : "1s500ms");
  }
  if (one_in(5)) sb_add(rule, "    sessionPersistence:\n%s", PICK(sessions));
}

static void gen_rule(sbuf *b) {
  sbuf rule = {NULL, 0, 0};
  unsigned n = rnd(4), i;
  int prefixes = 0, redirect = one_in(6), cors = 0, one_prefix;
  sb_add(&rule, "%s", "");
  if (n > 0) sb_add(&rule, "    matches:\n");
  else if (one_in(3)) sb_add(&rule, "    matches: []\n");
  for (i = 0; i < n; i++) prefixes += gen_match(&rule);
  one_prefix = n == 0 || (n == 1 && prefixes == 1); /* F4: no matches = PathPrefix "/" */
  if (redirect || !one_in(3)) cors = gen_filter_list(&rule, 0, one_prefix, redirect, 1);
  if (!redirect) gen_backends(&rule, one_prefix, cors);
  else if (one_in(2)) sb_add(&rule, "    backendRefs: []\n"); /* F3: empty is fine */
  gen_policies(&rule);
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

/* ---- GRPCRoute, TLSRoute, TCPRoute, UDPRoute --------------------------------------------- */

static const char *const grpc_services[] = {"pkg.Svc", "pkg.Other", "a", ".pkg.Svc"};
static const char *const grpc_methods[] = {"Echo", "EchoTwo", "Get"};
static const char *const grpc_regexes[] = {"pkg[.].*", "[a-z]+", "Echo.*", ".*"};

static void gen_grpc_method(sbuf *m) {
  unsigned shape = rnd(3); /* service and method, service only, method only */
  if (one_in(4)) {
    sb_add(m, "      method: {type: RegularExpression");
    if (shape != 2) sb_add(m, ", service: \"%s\"", PICK(grpc_regexes));
    if (shape != 1) sb_add(m, ", method: \"%s\"", PICK(grpc_regexes));
  } else {
    const char *sep = rnd(2) ? (sb_add(m, "      method: {type: Exact"), ", ") : (sb_add(m, "      method: {"), "");
    if (shape != 2) {
      sb_add(m, "%sservice: \"%s\"", sep, PICK(grpc_services));
      sep = ", ";
    }
    if (shape != 1) sb_add(m, "%smethod: \"%s\"", sep, PICK(grpc_methods));
  }
  sb_add(m, "}\n");
}

static void gen_grpc_rule(sbuf *b) {
  unsigned n = rnd(3), i;
  sb_add(b, "  - ");
  if (n) {
    sb_add(b, "matches:\n");
    for (i = 0; i < n; i++) {
      sbuf m = {NULL, 0, 0};
      sb_add(&m, "%s", "");
      if (!one_in(4)) gen_grpc_method(&m);
      gen_headers(&m);
      if (m.len == 0) sb_add(&m, "      headers: []\n");
      sb_item(b, &m, 6);
      free(m.p);
    }
    sb_add(b, "    backendRefs:\n");
  } else {
    sb_add(b, "backendRefs:\n");
  }
  sb_add(b, "    - {name: %s, port: 80, weight: %u}\n", PICK(backends), rnd(3));
  if (one_in(2)) sb_add(b, "    - {name: %s, port: 80}\n", PICK(backends));
}

static void gen_l4_rule(sbuf *b) {
  sb_add(b, "  - backendRefs:\n    - {name: %s, port: 80}\n", PICK(backends));
  if (one_in(3)) sb_add(b, "    - {name: %s, port: 8080, weight: %u}\n", PICK(backends), rnd(3));
}

static void gen_other_route(sbuf *b, unsigned i, unsigned ns_count, const char *kind) {
  const char *ts = PICK(timestamps);
  unsigned rules = strcmp(kind, "GRPCRoute") == 0 ? 1 + rnd(3) : 1, k;
  sb_add(b, "apiVersion: gateway.networking.k8s.io/v1\nkind: %s\n"
            "metadata:\n  name: r%u\n  namespace: %s\n", kind, i, namespaces[rnd(ns_count)]);
  if (*ts) sb_add(b, "  creationTimestamp: \"%s\"\n", ts);
  sb_add(b, "spec:\n  parentRefs:\n  - name: gw\n    namespace: infra\n");
  if (strcmp(kind, "TLSRoute") == 0) {
    sb_add(b, "  hostnames:\n  - \"%s\"\n", route_hosts[rnd(sizeof route_hosts / sizeof route_hosts[0])]);
    if (one_in(2)) sb_add(b, "  - \"%s\"\n", one_in(2) ? "b.example.com" : "*.a.example.com");
  } else if (strcmp(kind, "GRPCRoute") == 0) {
    gen_hostnames(b);
  }
  sb_add(b, "  rules:\n");
  for (k = 0; k < rules; k++) {
    if (strcmp(kind, "GRPCRoute") == 0)
      gen_grpc_rule(b);
    else
      gen_l4_rule(b);
  }
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
  for (i = 0; i < routes; i++) {
    static const char *const others[] = {"GRPCRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"};
    if (one_in(3))
      gen_other_route(b, i, ns_count, PICK(others));
    else
      gen_route(b, i, ns_count, gw2);
  }
}

/* ---- request generator -------------------------------------------------------------- */

static const char *const request_hosts[] = {
    "example.com", "a.example.com", "b.example.com", "x.y.example.com", "other.org",
    "c.a.example.com", "foo.example.com", "z.x.y.example.com", "example.org",
    "[::1]", "a.example.com.example.com"};
static const char *const request_paths[] = {
    "/", "/a", "/a/", "/a/b", "/ab", "/abc", "/a/b/c", "/a/b/c/d?x=1", "/a/./b",
    "/a/../a/b", "/a/b/..", "/..", "/a/.", "/a/xyz", "/A", "/a//b", "/a/b/./c/../c",
    "/ab/../a/b/", "/a/.b", "/a/..b", "*", "a/b", ""};
static const char *const request_queries[] = {"", "", "?q=1", "?q=2", "?q=1&q=2", "?r=1",
                                              "?q", "?x=1&q=2", "?Q=1&r=2", "?q=12",
                                              "?&q=1&"};
static const char *const request_methods[] = {"GET", "POST", "HEAD", "", "OPTIONS", "OPTIONS"};
static const char *const request_header_names[] = {"x-a", "X-A", "x-b", "X-B", "y", "x-c"};
static const char *const request_origins[] = {
    "https://a.example.com",      "http://a.example.com", "https://a.example.com:443",
    "https://a.example.com:8443", "http://a.example.com:8080", "https://www.bar.com",
    "https://x.www.bar.com",      "https://bar.com",      "http://foo.org",
    "http://foo.org:80",          "https://evil.org"};
static const char *const request_acrm[] = {"GET", "PUT", "DELETE"};
static const char *const request_acrh[] = {"x-a", "x-a, x-b", "X-C"};
static const char *const request_header_values[] = {
    "1", "2", "3", "12", "", "1,2",
    "1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2", /* 63 */
    "1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1,2,1"}; /* 65 */

#define MAX_REQ_HEADERS 10

typedef struct gen_req {
  gwr_request r;
  char host[320], sni[320], path[64], key[24];
  gwr_header headers[MAX_REQ_HEADERS];
} gen_req;

static gwr_str str_of(const char *s) {
  gwr_str v;
  v.ptr = s;
  v.len = strlen(s);
  return v;
}

static int str_eq(gwr_str a, const char *p, size_t n) {
  return a.len == n && (n == 0 || memcmp(a.ptr, p, n) == 0);
}

static int str_eq_c(gwr_str a, const char *s) { return str_eq(a, s ? s : "", s ? strlen(s) : 0); }

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

static void add_header(gen_req *g, const char *name, const char *value) {
  size_t k, n = g->r.header_count;
  if (n >= MAX_REQ_HEADERS) ck_abort_msg("too many request headers");
  k = rnd((unsigned)n + 1); /* anywhere: the upstream list keeps request order */
  memmove(&g->headers[k + 1], &g->headers[k], (n - k) * sizeof g->headers[0]);
  g->headers[k].name = str_of(name);
  g->headers[k].value = str_of(value);
  g->r.header_count = n + 1;
}

/* Origin (half the time), the preflight headers (mostly with OPTIONS),
 * and credentials (F33) now and then. */
static void gen_cors_headers(gen_req *g) {
  int options = str_eq_c(g->r.method, "OPTIONS");
  if (one_in(2)) add_header(g, one_in(4) ? "origin" : "Origin", PICK(request_origins));
  if (options ? !one_in(4) : one_in(10))
    add_header(g, one_in(4) ? "access-control-request-method" : "Access-Control-Request-Method",
               PICK(request_acrm));
  if (one_in(3)) add_header(g, "Access-Control-Request-Headers", PICK(request_acrh));
  if (one_in(6)) add_header(g, "Cookie", "sid=1");
  if (one_in(10)) add_header(g, "Authorization", "Bearer t");
}

/* Mostly HTTP; gRPC by protocol or content-type, with gRPC-shaped paths;
 * TLS (SNI, port 8443 or 443), TCP and UDP connections. */
static void gen_protocol(gen_req *g) {
  static const char *const grpc_paths[] = {"/pkg.Svc/Echo", "/pkg.Svc/EchoTwo", "/pkg.Other/Get",
                                           "/a/Echo", "/pkg.Svc", "/x/y/Echo", "/pkg.Svc/"};
  static const uint32_t tls_ports[] = {8443, 8443, 443, 0};
  static const uint32_t l4_ports[] = {5432, 5353, 8080, 80};
  unsigned k = rnd(32);
  if (k < 4) {
    g->r.protocol = GWR_PROTOCOL_GRPC;
    g->r.path = str_of(PICK(grpc_paths));
  } else if (k == 4) {
    add_header(g, one_in(2) ? "content-type" : "Content-Type",
               one_in(3) ? "application/grpc-web" : "application/grpc+proto");
    g->r.path = str_of(PICK(grpc_paths));
  } else if (k == 5 || k == 6) {
    g->r.protocol = GWR_PROTOCOL_TLS;
    g->r.port = PICK(tls_ports);
    gen_host(g->sni, sizeof g->sni, 1);
    g->r.sni = str_of(g->sni);
  } else if (k == 7) {
    g->r.protocol = one_in(2) ? GWR_PROTOCOL_TCP : GWR_PROTOCOL_UDP;
    g->r.port = PICK(l4_ports);
  }
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
  gen_cors_headers(g);
  g->r.headers = g->headers;
  if (rnd(2)) snprintf(g->key, sizeof g->key, "k%u", rnd(1000));
  g->r.key = str_of(g->key);
  g->r.choice = rng_next();
  gen_protocol(g);
}

/* ---- comparing the two answers -------------------------------------------------------- */

typedef struct eng_result {
  int rc;
  int action;
  int64_t status, rule, match, port, grpc_status;
  gwr_str listener, ns, name, backend;
} eng_result;

typedef struct run_ctx {
  const char *yaml;
  const gwr__attach *att;
  gwr_table *table;
  gwr_decision *d;
  size_t requests, mismatches, notfound;
  size_t by_action[5];
  size_t by_kind[5];     /* requests a route of each kind won */
  size_t grpc_answers;   /* gRPC responds (with a grpc_status) */
  size_t by_status[600];
  size_t regex_wins;
  /* filters seen (coverage) */
  size_t redirects, preflights, preflight_headers, mirrors, extensions, rewrites;
  size_t header_changes, resp_ops, cors_ops, policies;
  char why[1024]; /* the first field that differed */
} run_ctx;

static gwr_str dstr(const gwr_decision *d, int32_t field) {
  gwr_str s = {NULL, 0};
  if (gwr_decision_str(d, field, &s) != GWR_OK) ck_abort_msg("gwr_decision_str(%d) failed", (int)field);
  return s;
}

static void engine_match(run_ctx *c, const gwr_request *req, eng_result *e) {
  memset(e, 0, sizeof *e);
  e->rc = gwr_match(c->d, c->table, req);
  if (e->rc != GWR_OK) return;
  e->action = gwr_decision_action(c->d);
  e->status = gwr_decision_int(c->d, GWR_DI_STATUS);
  e->grpc_status = gwr_decision_int(c->d, GWR_DI_GRPC_STATUS);
  e->rule = gwr_decision_int(c->d, GWR_DI_ROUTE_RULE);
  e->match = gwr_decision_int(c->d, GWR_DI_ROUTE_MATCH);
  e->port = gwr_decision_int(c->d, GWR_DI_BACKEND_PORT);
  e->listener = dstr(c->d, GWR_DS_LISTENER);
  e->ns = dstr(c->d, GWR_DS_ROUTE_NAMESPACE);
  e->name = dstr(c->d, GWR_DS_ROUTE_NAME);
  e->backend = dstr(c->d, GWR_DS_BACKEND_NAME);
}


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
  return e->action == x->action && e->status == x->status && e->grpc_status == x->grpc_status &&
         str_eq_c(e->listener, x->listener) && same_route(att, x, e) &&
         same_backend(att, x, e);
}

/* ---- filters: the decision's fields and lists against the oracle's --------------------- */

#define SV(s) (int)(s).len, (s).ptr ? (s).ptr : ""

static int differ(run_ctx *c, const char *fmt, ...) GWR_PRINTF(2, 3);

/* Record why the answers differ; returns 0 (not the same). */
static int differ(run_ctx *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->why, sizeof c->why, fmt, ap);
  va_end(ap);
  return 0;
}

static int case_eq(gwr_str a, const char *b) {
  size_t i, n = strlen(b);
  if (a.len != n) return 0;
  for (i = 0; i < n; i++)
    if (gwr__lower(a.ptr[i]) != gwr__lower(b[i])) return 0;
  return 1;
}

/* CORS headers whose values are comma-separated lists (F34). */
static int list_header(gwr_str name) {
  return case_eq(name, "Access-Control-Allow-Methods") ||
         case_eq(name, "Access-Control-Allow-Headers") ||
         case_eq(name, "Access-Control-Expose-Headers");
}

/* The next ','-separated item of s at *i, without surrounding blanks. */
static gwr_str next_item(gwr_str s, size_t *i) {
  gwr_str t;
  size_t end = *i;
  while (end < s.len && s.ptr[end] != ',') end++;
  t.ptr = s.ptr + *i;
  t.len = end - *i;
  while (t.len && (t.ptr[0] == ' ' || t.ptr[0] == '\t')) t.ptr++, t.len--;
  while (t.len && (t.ptr[t.len - 1] == ' ' || t.ptr[t.len - 1] == '\t')) t.len--;
  *i = end + 1;
  return t;
}

/* Equal lists, item by item ("GET, PUT" == "GET,PUT"). */
static int items_eq(gwr_str a, gwr_str b) {
  size_t i = 0, j = 0;
  while (i <= a.len && j <= b.len) {
    gwr_str x = next_item(a, &i), y = next_item(b, &j);
    if (!str_eq(x, y.ptr, y.len)) return 0;
  }
  return i > a.len && j > b.len;
}

static int value_eq(gwr_str name, gwr_str a, gwr_str b) {
  return list_header(name) ? items_eq(a, b) : str_eq(a, b.ptr, b.len);
}

static gwr_str lstr(const gwr_decision *d, int32_t list, size_t i, int32_t field) {
  gwr_str s = {NULL, 0};
  if (gwr_decision_list_str(d, list, i, field, &s) != GWR_OK)
    ck_abort_msg("gwr_decision_list_str(%d, %zu, %d) failed", (int)list, i, (int)field);
  return s;
}

static int same_str(run_ctx *c, const char *what, gwr_str eng, gwr_str ref) {
  if (str_eq(eng, ref.ptr, ref.len)) return 1;
  return differ(c, "%s: reference \"%.*s\", engine \"%.*s\"", what, SV(ref), SV(eng));
}

static int same_int(run_ctx *c, const char *what, int64_t eng, int64_t ref) {
  if (eng == ref) return 1;
  return differ(c, "%s: reference %" PRId64 ", engine %" PRId64, what, ref, eng);
}

/* An ordered list of headers or header operations. */
static int same_headers(run_ctx *c, const char *what, int32_t list, const ref_header *h, size_t n,
                        int with_op) {
  const gwr_decision *d = c->d;
  size_t i, got = gwr_decision_list_count(d, list);
  if (got != n) return differ(c, "%s: reference %zu items, engine %zu", what, n, got);
  for (i = 0; i < n; i++) {
    gwr_str name = lstr(d, list, i, GWR_IF_NAME), value = lstr(d, list, i, GWR_IF_VALUE);
    int64_t op = gwr_decision_list_int(d, list, i, GWR_IF_OP);
    if (!str_eq(name, h[i].name.ptr, h[i].name.len) || !value_eq(name, value, h[i].value) ||
        (with_op && op != h[i].op))
      return differ(c, "%s[%zu]: reference %d \"%.*s: %.*s\", engine %d \"%.*s: %.*s\"", what, i,
                    h[i].op, SV(h[i].name), SV(h[i].value), (int)op, SV(name), SV(value));
  }
  return 1;
}

/* The engine's own response headers, as a set (names in any case). */
static int same_own(run_ctx *c, const ref_result *x) {
  const gwr_decision *d = c->d;
  size_t i, k, got = gwr_decision_list_count(d, GWR_DL_RESPONSE_HEADERS);
  if (got != x->own_count)
    return differ(c, "response headers: reference %zu, engine %zu", x->own_count, got);
  for (i = 0; i < x->own_count; i++) {
    for (k = 0; k < got; k++) {
      gwr_str name = lstr(d, GWR_DL_RESPONSE_HEADERS, k, GWR_IF_NAME);
      if (name.len == x->own[i].name.len &&
          case_eq(name, x->own[i].name.ptr) /* NUL-terminated */ &&
          value_eq(name, lstr(d, GWR_DL_RESPONSE_HEADERS, k, GWR_IF_VALUE), x->own[i].value))
        break;
    }
    if (k == got)
      return differ(c, "response header \"%.*s: %.*s\" of the reference is not in the engine's",
                    SV(x->own[i].name), SV(x->own[i].value));
  }
  return 1;
}

/* Mirrors (with namespace and port) or ExtensionRefs, in order. */
static int same_refs(run_ctx *c, const char *what, int32_t list, const ref_objref *r, size_t n,
                     int full) {
  const gwr_decision *d = c->d;
  size_t i, got = gwr_decision_list_count(d, list);
  if (got != n) return differ(c, "%s: reference %zu, engine %zu", what, n, got);
  for (i = 0; i < n; i++) {
    gwr_str g = lstr(d, list, i, GWR_IF_GROUP), k = lstr(d, list, i, GWR_IF_KIND),
            ns = lstr(d, list, i, GWR_IF_NAMESPACE), name = lstr(d, list, i, GWR_IF_NAME);
    int64_t port = gwr_decision_list_int(d, list, i, GWR_IF_PORT);
    if (!str_eq(g, r[i].group.ptr, r[i].group.len) || !str_eq(k, r[i].kind.ptr, r[i].kind.len) ||
        !str_eq(name, r[i].name.ptr, r[i].name.len) ||
        (full && (!str_eq(ns, r[i].ns.ptr, r[i].ns.len) || port != (int64_t)r[i].port)))
      return differ(c, "%s[%zu]: reference %.*s/%.*s %.*s/%.*s:%u, engine %.*s/%.*s %.*s/%.*s:%d",
                    what, i, SV(r[i].group), SV(r[i].kind), SV(r[i].ns), SV(r[i].name),
                    (unsigned)r[i].port, SV(g), SV(k), SV(ns), SV(name), (int)port);
  }
  return 1;
}

/* gwr_headers_apply over the request's headers gives the upstream list,
 * and reports the size it needs when out is one short. */
static int same_applied(run_ctx *c, const gwr_request *req, const ref_result *x) {
  gwr_header out[REF_MAX_HEADERS];
  size_t n = 0, i;
  int rc = gwr_headers_apply(c->d, GWR_DL_REQUEST_HEADER_OPS, req->headers, req->header_count, out,
                             REF_MAX_HEADERS, &n);
  if (rc != GWR_OK || n != x->upstream_count)
    return differ(c, "gwr_headers_apply: rc %d, %zu headers; reference %zu", rc, n, x->upstream_count);
  for (i = 0; i < n; i++)
    if (!str_eq(out[i].name, x->upstream[i].name.ptr, x->upstream[i].name.len) ||
        !str_eq(out[i].value, x->upstream[i].value.ptr, x->upstream[i].value.len))
      return differ(c, "gwr_headers_apply[%zu]: \"%.*s: %.*s\", reference \"%.*s: %.*s\"", i,
                    SV(out[i].name), SV(out[i].value), SV(x->upstream[i].name),
                    SV(x->upstream[i].value));
  if (n > 0) {
    size_t need = 0;
    rc = gwr_headers_apply(c->d, GWR_DL_REQUEST_HEADER_OPS, req->headers, req->header_count, out,
                           n - 1, &need);
    if (rc != GWR_E_RANGE || need != n)
      return differ(c, "gwr_headers_apply with room for %zu: rc %d, needed %zu", n - 1, rc, need);
  }
  return 1;
}

/* §6: timeouts, retry and session persistence of the matched rule. */
static int same_policy(run_ctx *c, const ref_policy *p) {
  const gwr_decision *d = c->d;
  size_t i, n = gwr_decision_list_count(d, GWR_DL_RETRY_CODES);
  if (!same_int(c, "timeout request ms", gwr_decision_int(d, GWR_DI_TIMEOUT_REQUEST_MS), p->timeout_request_ms) ||
      !same_int(c, "timeout backend ms", gwr_decision_int(d, GWR_DI_TIMEOUT_BACKEND_MS), p->timeout_backend_ms) ||
      !same_str(c, "timeout request", dstr(d, GWR_DS_TIMEOUT_REQUEST), p->timeout_request) ||
      !same_str(c, "timeout backend", dstr(d, GWR_DS_TIMEOUT_BACKEND), p->timeout_backend) ||
      !same_int(c, "has retry", gwr_decision_int(d, GWR_DI_HAS_RETRY), p->has_retry) ||
      !same_int(c, "retry attempts", gwr_decision_int(d, GWR_DI_RETRY_ATTEMPTS), p->retry_attempts) ||
      !same_int(c, "retry backoff ms", gwr_decision_int(d, GWR_DI_RETRY_BACKOFF_MS), p->retry_backoff_ms) ||
      !same_str(c, "retry backoff", dstr(d, GWR_DS_RETRY_BACKOFF), p->retry_backoff) ||
      !same_int(c, "retry codes", (int64_t)n, (int64_t)p->retry_code_count) ||
      !same_int(c, "has session", gwr_decision_int(d, GWR_DI_HAS_SESSION), p->has_session) ||
      !same_str(c, "session type", dstr(d, GWR_DS_SESSION_TYPE), p->session_type) ||
      !same_str(c, "session name", dstr(d, GWR_DS_SESSION_NAME), p->session_name) ||
      !same_str(c, "session cookie path", dstr(d, GWR_DS_SESSION_COOKIE_PATH), p->cookie_path) ||
      !same_str(c, "session lifetime", dstr(d, GWR_DS_SESSION_LIFETIME), p->lifetime) ||
      !same_str(c, "session absolute", dstr(d, GWR_DS_SESSION_ABSOLUTE_TIMEOUT), p->session_absolute) ||
      !same_str(c, "session idle", dstr(d, GWR_DS_SESSION_IDLE_TIMEOUT), p->session_idle) ||
      !same_int(c, "session absolute ms", gwr_decision_int(d, GWR_DI_SESSION_ABSOLUTE_MS), p->session_absolute_ms) ||
      !same_int(c, "session idle ms", gwr_decision_int(d, GWR_DI_SESSION_IDLE_MS), p->session_idle_ms))
    return 0;
  for (i = 0; i < n; i++)
    if (!same_int(c, "retry code", gwr_decision_list_int(d, GWR_DL_RETRY_CODES, i, GWR_IF_CODE),
                  p->retry_codes[i]))
      return 0;
  return 1;
}

static int same_filters(run_ctx *c, const gwr_request *req, const ref_result *x) {
  const gwr_decision *d = c->d;
  if (!same_str(c, "location", dstr(d, GWR_DS_LOCATION), x->location) ||
      !same_str(c, "upstream host", dstr(d, GWR_DS_UPSTREAM_HOST), x->upstream_host) ||
      !same_str(c, "upstream path", dstr(d, GWR_DS_UPSTREAM_PATH), x->upstream_path) ||
      !same_headers(c, "upstream headers", GWR_DL_UPSTREAM_HEADERS, x->upstream, x->upstream_count, 0) ||
      !same_headers(c, "response header ops", GWR_DL_RESPONSE_HEADER_OPS, x->resp_ops,
                    x->resp_op_count, 1) ||
      !same_own(c, x) ||
      !same_refs(c, "mirrors", GWR_DL_MIRRORS, x->mirrors, x->mirror_count, 1) ||
      !same_refs(c, "extension refs", GWR_DL_EXTENSION_REFS, x->extensions, x->extension_count, 0) ||
      !same_policy(c, &x->policy))
    return 0;
  return x->action != GWR_ACTION_FORWARD || same_applied(c, req, x);
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

static void print_headers(const char *what, const ref_header *h, size_t n) {
  size_t i;
  for (i = 0; i < n; i++)
    fprintf(stderr, "  %s[%zu]: op %d \"%.*s: %.*s\"\n", what, i, h[i].op, SV(h[i].name),
            SV(h[i].value));
}

static void print_ref_filters(const ref_result *x) {
  size_t i;
  print_str("location", x->location);
  print_str("upstream host", x->upstream_host);
  print_str("upstream path", x->upstream_path);
  print_headers("upstream", x->upstream, x->upstream_count);
  print_headers("response op", x->resp_ops, x->resp_op_count);
  print_headers("own header", x->own, x->own_count);
  for (i = 0; i < x->mirror_count; i++)
    fprintf(stderr, "  mirror[%zu]: %.*s/%.*s:%u\n", i, SV(x->mirrors[i].ns),
            SV(x->mirrors[i].name), (unsigned)x->mirrors[i].port);
  for (i = 0; i < x->extension_count; i++)
    fprintf(stderr, "  extension[%zu]: %.*s\n", i, SV(x->extensions[i].name));
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
  print_ref_filters(x);
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

static void tally(run_ctx *c, const gwr_request *req, int rc, const ref_result *x) {
  c->requests++;
  if (rc != GWR_OK) {
    c->notfound++;
    return;
  }
  c->by_action[x->action < 5 ? x->action : 0]++;
  if (x->status >= 0 && x->status < 600) c->by_status[x->status]++;
  if (x->route != REF_NO_ROUTE) c->by_kind[c->att->routes[x->route].r->kind]++;
  c->grpc_answers += x->grpc_status >= 0;
  if (x->route != REF_NO_ROUTE &&
      c->att->routes[x->route].r->rules[x->rule].matches[x->match].path_type == GWR_PATH_REGEX)
    c->regex_wins++;
  c->redirects += x->action == GWR_ACTION_REDIRECT;
  c->preflights += x->action == GWR_ACTION_RESPOND && x->status == 204;
  c->preflight_headers += x->status == 204 && x->own_count > 0;
  c->mirrors += x->mirror_count > 0;
  c->extensions += x->extension_count > 0;
  c->resp_ops += x->resp_op_count > 0;
  c->policies += x->policy.has_retry || x->policy.has_session || x->policy.timeout_request_ms >= 0;
  if (x->action == GWR_ACTION_FORWARD) {
    size_t i;
    c->rewrites += !str_eq(x->upstream_host, req->host.ptr, req->host.len) ||
                   !str_eq(x->upstream_path, req->path.ptr, req->path.len);
    c->header_changes += x->upstream_count != req->header_count;
    for (i = 0; i < x->resp_op_count; i++)
      if (case_eq(x->resp_ops[i].name, "Access-Control-Allow-Origin")) c->cors_ops++;
  }
}

static void check_one(run_ctx *c, const gwr_request *req) {
  ref_result x;
  eng_result e;
  int rc = ref_match(c->att, req, &x);
  if (rc == GWR_E_NOMEM) ck_abort_msg("reference: out of memory");
  engine_match(c, req, &e);
  tally(c, req, rc, &x);
  if (x.overflow) ck_abort_msg("the reference's fixed arrays are too small");
  c->why[0] = '\0';
  if (same_result(c->att, rc, &x, &e) && (rc != GWR_OK || same_filters(c, req, &x))) return;
  c->mismatches++;
  fprintf(stderr, "=== mismatch ===\noptions: regex order %d, path normalize %d, all-zero "
                  "status %d, max header bytes %zu\nconfig:\n%s\n",
          c->att->opt->regex_order, c->att->opt->path_normalize, c->att->opt->all_zero_status,
          c->att->opt->max_header_bytes, c->yaml);
  print_request(req);
  print_ref(c->att, rc, &x);
  print_engine(&e);
  if (c->why[0]) fprintf(stderr, "first difference: %s\n", c->why);
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
  if (rc != GWR_OK) fprintf(stderr, "load: %s\n%s\n", err.message, yaml);
  ck_assert_msg(rc == GWR_OK, "load: %s (configuration on stderr)", err.message);
  if (randomize && gwr_config_count(f->cfg, GWR_COUNT_PROBLEMS)) {
    /* the generator writes valid objects only: a rejected route would
     * take its filters out of the comparison unnoticed */
    gwr_error pe = GWR_ERROR_INIT;
    gwr_config_problem(f->cfg, 0, &pe);
    fprintf(stderr, "generated object rejected: %s\n%s\n", pe.message, yaml);
    ck_abort_msg("generated object rejected: %s (configuration on stderr)", pe.message);
  }
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
  fprintf(stderr, "diff: won by HTTPRoute %zu, GRPCRoute %zu, TLSRoute %zu, TCPRoute %zu, UDPRoute %zu; "
                  "gRPC answers %zu\n", c->by_kind[0], c->by_kind[1], c->by_kind[2], c->by_kind[3],
          c->by_kind[4], c->grpc_answers);
  ck_assert_uint_ge(c->by_action[GWR_ACTION_FORWARD], c->requests / 25);
  /* every kind wins often enough for the comparison to mean something */
  ck_assert_uint_gt(c->by_kind[GWR_ROUTE_GRPC], 100);
  ck_assert_uint_gt(c->by_kind[GWR_ROUTE_TLS], 20);
  ck_assert_uint_gt(c->by_kind[GWR_ROUTE_TCP], 20);
  ck_assert_uint_gt(c->by_kind[GWR_ROUTE_UDP], 20);
  ck_assert_uint_gt(c->grpc_answers, 1000);
  ck_assert_uint_ge(c->by_status[404], c->requests / 50);
  ck_assert_uint_ge(c->by_status[500], c->requests / 200);
  ck_assert_uint_gt(c->by_status[421], 0);
  ck_assert_uint_gt(c->by_action[GWR_ACTION_REJECT], 0);
  ck_assert_uint_gt(c->regex_wins, 0);
  fprintf(stderr, "diff filters: redirect %zu, preflight %zu (with CORS headers %zu), mirrors %zu, "
                  "extension refs %zu, rewritten %zu, header changes %zu, response ops %zu, "
                  "CORS on response %zu, policies %zu\n",
          c->redirects, c->preflights, c->preflight_headers, c->mirrors, c->extensions,
          c->rewrites, c->header_changes, c->resp_ops, c->cors_ops, c->policies);
  ck_assert_uint_ge(c->redirects, c->requests / 200);
  ck_assert_uint_ge(c->preflight_headers, c->requests / 1000);
  ck_assert_uint_ge(c->preflights, c->preflight_headers + 1);
  ck_assert_uint_ge(c->mirrors, c->requests / 500);
  ck_assert_uint_ge(c->extensions, c->requests / 500);
  ck_assert_uint_ge(c->rewrites, c->requests / 500);
  ck_assert_uint_ge(c->header_changes, c->requests / 500);
  ck_assert_uint_ge(c->cors_ops, c->requests / 2000);
  ck_assert_uint_ge(c->policies, c->requests / 200);
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
