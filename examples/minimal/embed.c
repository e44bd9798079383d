/* SPDX-License-Identifier: Apache-2.0 */
/* embed.c - the whole gwroute lifecycle with the public API only. */
#include <stdio.h>
#include <string.h>

#include <gwroute.h>

static const char manifests[] = /* a Gateway, a route with two weighted backends */
    "apiVersion: gateway.networking.k8s.io/v1\n"
    "kind: Gateway\n"
    "metadata: {name: edge, namespace: infra}\n"
    "spec:\n"
    "  gatewayClassName: example\n"
    "  listeners: [{name: http, protocol: HTTP, port: 80, allowedRoutes: {namespaces: {from: All}}}]\n"
    "---\n"
    "apiVersion: gateway.networking.k8s.io/v1\n"
    "kind: HTTPRoute\n"
    "metadata: {name: shop, namespace: default}\n"
    "spec:\n"
    "  parentRefs: [{name: edge, namespace: infra}]\n"
    "  hostnames: [shop.example.com]\n"
    "  rules:\n"
    "  - matches: [{path: {type: PathPrefix, value: /cart}}]\n"
    "    backendRefs:\n"
    "    - {name: cart-v1, port: 8080, weight: 90}\n"
    "    - {name: cart-v2, port: 8080, weight: 10}\n"
    "---\n" /* and one that breaks the schema, to show a rejected object */
    "{apiVersion: gateway.networking.k8s.io/v1, kind: HTTPRoute, metadata: {name: broken},\n"
    " spec: {rules: [{matches: [{path: {type: Exact, value: no-slash}}]}]}}\n";

static const char update[] = /* JSON works too */
    "{\"apiVersion\": \"gateway.networking.k8s.io/v1\", \"kind\": \"HTTPRoute\",\n"
    " \"metadata\": {\"name\": \"checkout\", \"namespace\": \"default\"},\n"
    " \"spec\": {\"parentRefs\": [{\"name\": \"edge\", \"namespace\": \"infra\"}],\n"
    "  \"rules\": [{\"backendRefs\": [{\"name\": \"checkout\", \"port\": 8080}]}]}}\n";

static void print_problems(const gwr_config *cfg) {
  size_t i, n = gwr_config_count(cfg, GWR_COUNT_PROBLEMS);
  for (i = 0; i < n; i++) {
    gwr_error e = GWR_ERROR_INIT;
    if (gwr_config_problem(cfg, i, &e) == GWR_OK) printf("rejected: %s\n", e.message);
  }
}

static void route(gwr_decision *d, const gwr_table *t, const char *host, const char *path) {
  static const char *const actions[] = {"none", "forward", "redirect", "respond", "reject"};
  gwr_request req = GWR_REQUEST_INIT;
  gwr_str rname, backend;
  req.method = (gwr_str){"GET", 3};
  req.host = (gwr_str){host, strlen(host)};
  req.path = (gwr_str){path, strlen(path)};
  req.key = (gwr_str){"user-42", 7}; /* same key, same backend */
  if (gwr_match(d, t, &req) != GWR_OK) return;
  gwr_decision_str(d, GWR_DS_ROUTE_NAME, &rname);
  gwr_decision_str(d, GWR_DS_BACKEND_NAME, &backend);
  printf("%s%s -> %s status=%d route=%.*s backend=%.*s\n", host, path,
         actions[gwr_decision_action(d)], (int)gwr_decision_int(d, GWR_DI_STATUS),
         (int)rname.len, rname.ptr, (int)backend.len, backend.ptr);
}

int main(void) {
  gwr_config *cfg = NULL;
  gwr_table *current = NULL, *fresh = NULL, *old;
  gwr_decision *d = NULL;
  gwr_error err = GWR_ERROR_INIT;
  int rc = gwr_config_new(&cfg, NULL);
  if (rc == GWR_OK)
    rc = gwr_config_load(cfg, manifests, sizeof manifests - 1, "inline", 6, &err);
  if (rc != GWR_OK) goto done;
  print_problems(cfg);
  if ((rc = gwr_table_compile(&current, cfg, &err)) != GWR_OK) goto done;
  if ((rc = gwr_decision_new(&d, current)) != GWR_OK) goto done;
  route(d, current, "shop.example.com", "/cart/items");
  route(d, current, "shop.example.com:80", "/checkout");
  route(d, current, "other.example.com", "/cart");
  /* The config changes (one JSON object more); compile a fresh table. */
  rc = gwr_config_load(cfg, update, sizeof update - 1, "update.json", 11, &err);
  if (rc != GWR_OK || (rc = gwr_table_compile(&fresh, cfg, &err)) != GWR_OK) goto done;
  /* Swap: publish the fresh table, then drop the old one. A worker still
   * holding a reference to `old` finishes with it; the last unref frees it. */
  gwr_decision_free(d); /* a decision belongs to the table it was made for */
  d = NULL;
  old = current;
  current = fresh;
  gwr_table_unref(old);
  if ((rc = gwr_decision_new(&d, current)) != GWR_OK) goto done;
  route(d, current, "shop.example.com", "/checkout");
done:
  if (rc != GWR_OK) fprintf(stderr, "embed: %s (%s)\n", gwr_strerror(rc), err.message);
  gwr_decision_free(d);
  gwr_table_unref(current);
  gwr_config_free(cfg);
  return rc == GWR_OK ? 0 : 1;
}
