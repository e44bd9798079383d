/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_compile.c - configurations built through the builder API from the
 * fuzzer's choices: object kinds, field paths (with small indices) and
 * values from the words configurations use, or raw bytes. The objects are
 * structurally plausible, so the fuzzer spends its time in validation,
 * attachment and compilation rather than in the YAML reader. Each table is
 * then asked for its status and a few routes.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_requests.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const kinds[] = {"Gateway", "HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute",
                                    "UDPRoute", "ListenerSet", "ReferenceGrant", "Service",
                                    "GatewayClass", "Namespace", "Secret"};

/* Field templates: %u takes a small index. 'S' string, 'I' integer, 'B' bool. */
static const struct {
  const char *path;
  char type;
} fields[] = {
    {"spec.gatewayClassName", 'S'},
    {"spec.controllerName", 'S'},
    {"spec.listeners[%u].name", 'S'},
    {"spec.listeners[%u].port", 'I'},
    {"spec.listeners[%u].protocol", 'S'},
    {"spec.listeners[%u].hostname", 'S'},
    {"spec.listeners[%u].tls.mode", 'S'},
    {"spec.listeners[%u].tls.certificateRefs[%u].name", 'S'},
    {"spec.listeners[%u].allowedRoutes.namespaces.from", 'S'},
    {"spec.listeners[%u].allowedRoutes.namespaces.selector.matchLabels.team", 'S'},
    {"spec.listeners[%u].allowedRoutes.kinds[%u].kind", 'S'},
    {"spec.allowedListeners.namespaces.from", 'S'},
    {"spec.parentRef.name", 'S'},
    {"spec.parentRefs[%u].name", 'S'},
    {"spec.parentRefs[%u].namespace", 'S'},
    {"spec.parentRefs[%u].kind", 'S'},
    {"spec.parentRefs[%u].sectionName", 'S'},
    {"spec.parentRefs[%u].port", 'I'},
    {"spec.hostnames[%u]", 'S'},
    {"spec.rules[%u].matches[%u].path.type", 'S'},
    {"spec.rules[%u].matches[%u].path.value", 'S'},
    {"spec.rules[%u].matches[%u].method", 'S'},
    {"spec.rules[%u].matches[%u].method.service", 'S'},
    {"spec.rules[%u].matches[%u].method.method", 'S'},
    {"spec.rules[%u].matches[%u].method.type", 'S'},
    {"spec.rules[%u].matches[%u].headers[%u].name", 'S'},
    {"spec.rules[%u].matches[%u].headers[%u].value", 'S'},
    {"spec.rules[%u].matches[%u].headers[%u].type", 'S'},
    {"spec.rules[%u].matches[%u].queryParams[%u].name", 'S'},
    {"spec.rules[%u].matches[%u].queryParams[%u].value", 'S'},
    {"spec.rules[%u].backendRefs[%u].name", 'S'},
    {"spec.rules[%u].backendRefs[%u].namespace", 'S'},
    {"spec.rules[%u].backendRefs[%u].port", 'I'},
    {"spec.rules[%u].backendRefs[%u].weight", 'I'},
    {"spec.rules[%u].backendRefs[%u].kind", 'S'},
    {"spec.rules[%u].filters[%u].type", 'S'},
    {"spec.rules[%u].filters[%u].requestHeaderModifier.set[%u].name", 'S'},
    {"spec.rules[%u].filters[%u].requestHeaderModifier.set[%u].value", 'S'},
    {"spec.rules[%u].filters[%u].requestHeaderModifier.remove[%u]", 'S'},
    {"spec.rules[%u].filters[%u].requestRedirect.hostname", 'S'},
    {"spec.rules[%u].filters[%u].requestRedirect.statusCode", 'I'},
    {"spec.rules[%u].filters[%u].requestRedirect.path.type", 'S'},
    {"spec.rules[%u].filters[%u].requestRedirect.path.replacePrefixMatch", 'S'},
    {"spec.rules[%u].filters[%u].urlRewrite.path.type", 'S'},
    {"spec.rules[%u].filters[%u].urlRewrite.path.replaceFullPath", 'S'},
    {"spec.rules[%u].filters[%u].requestMirror.backendRef.name", 'S'},
    {"spec.rules[%u].filters[%u].requestMirror.percent", 'I'},
    {"spec.rules[%u].filters[%u].cors.allowOrigins[%u]", 'S'},
    {"spec.rules[%u].filters[%u].cors.allowCredentials", 'B'},
    {"spec.rules[%u].timeouts.request", 'S'},
    {"spec.rules[%u].timeouts.backendRequest", 'S'},
    {"spec.rules[%u].retry.attempts", 'I'},
    {"spec.rules[%u].retry.codes[%u]", 'I'},
    {"spec.from[%u].kind", 'S'},
    {"spec.from[%u].namespace", 'S'},
    {"spec.from[%u].group", 'S'},
    {"spec.to[%u].kind", 'S'},
    {"spec.to[%u].group", 'S'},
    {"spec.ports[%u].port", 'I'},
    {"metadata.labels.team", 'S'},
    {"metadata.creationTimestamp", 'S'},
};

static const char *const strings[] = {
    "gw", "c", "default", "infra", "All", "Same", "Selector", "None", "HTTP", "HTTPS", "TLS", "TCP",
    "UDP", "Passthrough", "Terminate", "example.com", "*.example.com", "a.example.com", "/",
    "/a", "/a/", "/api/v[0-9]+", "Exact", "PathPrefix", "RegularExpression", "GET", "pkg.Svc",
    "Echo", "x-a", "1", "v1", "svc", "Gateway", "ListenerSet", "HTTPRoute", "GRPCRoute",
    "TLSRoute", "TCPRoute", "Service", "RequestHeaderModifier", "RequestRedirect", "URLRewrite",
    "RequestMirror", "CORS", "ReplacePrefixMatch", "ReplaceFullPath", "https://*.example.com",
    "10s", "1s", "", "gateway.networking.k8s.io", "example.net/controller", "(a|b)+", ".*"};
static const int64_t ints[] = {0, 1, 80, 443, 8080, 5432, 53, 100, 301, 302, 500, 65536, -1, 1000001};

static void set_field(fz *f, gwr_builder *b) {
  char path[160];
  unsigned k = fz_pick(f, sizeof fields / sizeof fields[0]);
  unsigned a = fz_pick(f, 3), c = fz_pick(f, 2), d = fz_pick(f, 2);
  int n = snprintf(path, sizeof path, fields[k].path, a, c, d);
  if (n <= 0 || (size_t)n >= sizeof path) return;
  switch (fields[k].type) {
    case 'I':
      (void)gwr_builder_set_int(b, path, (size_t)n, ints[fz_pick(f, sizeof ints / sizeof ints[0])]);
      break;
    case 'B':
      (void)gwr_builder_set_bool(b, path, (size_t)n, (int32_t)fz_pick(f, 2));
      break;
    default: {
      gwr_str v = FZ_WORD(f, strings);
      (void)gwr_builder_set_string(b, path, (size_t)n, v.ptr, v.len);
    }
  }
}

static void build_object(fz *f, gwr_config *cfg) {
  static const char *const names[] = {"gw", "r", "s", "extra", "c"};
  static const char *const versions[] = {"gateway.networking.k8s.io/v1", "gateway.networking.k8s.io/v1alpha2"};
  gwr_builder *b;
  const char *kind = kinds[fz_pick(f, sizeof kinds / sizeof kinds[0])];
  int core = strcmp(kind, "Service") == 0 || strcmp(kind, "Namespace") == 0 || strcmp(kind, "Secret") == 0;
  const char *version = core ? "v1" : versions[fz_pick(f, 2)];
  gwr_str name = FZ_WORD(f, names);
  unsigned i, n = fz_pick(f, 24);
  if (gwr_builder_new(&b, cfg) != GWR_OK) return;
  (void)gwr_builder_set_string(b, "apiVersion", 10, version, strlen(version));
  (void)gwr_builder_set_string(b, "kind", 4, kind, strlen(kind));
  (void)gwr_builder_set_string(b, "metadata.name", 13, name.ptr, name.len);
  if (!fz_pick(f, 3)) (void)gwr_builder_set_string(b, "metadata.namespace", 18, "infra", 5);
  for (i = 0; i < n && f->n; i++) set_field(f, b);
  (void)gwr_builder_commit(b, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  gwr_config *cfg;
  gwr_table *t;
  fz f;
  unsigned i, objects;
  f.p = data;
  f.n = size;
  if (gwr_config_new(&cfg, NULL) != GWR_OK) return 0;
  if (fz_pick(&f, 4) == 0) (void)gwr_config_set_option(cfg, GWR_OPT_GRPC_HOSTNAME_CONFLICTS, 0);
  objects = 1 + fz_pick(&f, 8);
  for (i = 0; i < objects; i++) build_object(&f, cfg);
  if (gwr_table_compile(&t, cfg, NULL) == GWR_OK) {
    gwr_decision *d;
    size_t need = 0;
    (void)gwr_table_status_json(t, NULL, 0, &need);
    if (gwr_decision_new(&d, t) == GWR_OK) {
      while (f.n) {
        fz_req q;
        fz_request(&f, &q);
        (void)gwr_match(d, t, &q.r);
      }
      gwr_decision_free(d);
    }
    gwr_table_unref(t);
  }
  gwr_config_free(cfg);
  return 0;
}
