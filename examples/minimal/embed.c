/* SPDX-License-Identifier: Apache-2.0 */
/* embed.c - the whole gwroute lifecycle, public API only: load, compile,
 * match on two threads, swap in a new table, free. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <gwroute.h>

static const char manifests[] = /* a Gateway, a route with two weighted backends */
    "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n"
    "metadata: {name: edge, namespace: infra}\nspec:\n  gatewayClassName: example\n"
    "  listeners: [{name: http, protocol: HTTP, port: 80, allowedRoutes: {namespaces: {from: All}}}]\n"
    "---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n"
    "metadata: {name: shop, namespace: default}\n"
    "spec:\n  parentRefs: [{name: edge, namespace: infra}]\n  hostnames: [shop.example.com]\n"
    "  rules:\n  - matches: [{path: {type: PathPrefix, value: /cart}}]\n    backendRefs:\n"
    "    - {name: cart-v1, port: 8080, weight: 90}\n    - {name: cart-v2, port: 8080, weight: 10}\n"
    "---\n" /* and one that breaks the schema, to show a rejected object */
    "{apiVersion: gateway.networking.k8s.io/v1, kind: HTTPRoute, metadata: {name: broken},\n"
    " spec: {rules: [{matches: [{path: {type: Exact, value: no-slash}}]}]}}\n";

static const char update[] = /* JSON works too */
    "{\"apiVersion\": \"gateway.networking.k8s.io/v1\", \"kind\": \"HTTPRoute\",\n"
    " \"metadata\": {\"name\": \"checkout\", \"namespace\": \"default\"},\n"
    " \"spec\": {\"parentRefs\": [{\"name\": \"edge\", \"namespace\": \"infra\"}],\n"
    "  \"rules\": [{\"backendRefs\": [{\"name\": \"checkout\", \"port\": 8080}]}]}}\n";

/* The swap of gwroute.h section 10: take a reference under the lock, match without it. */
static gwr_table *current;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

struct work { const char *req[2][2]; char out[512]; }; /* one thread's {host, path}s, results */

static void *worker(void *arg) { /* one thread: its own reference and decision */
  static const char *const actions[] = {"none", "forward", "redirect", "respond", "reject"};
  struct work *w = arg;
  gwr_decision *d = NULL;
  gwr_table *t;
  size_t used = 0, i;
  w->out[0] = '\0';
  pthread_mutex_lock(&lock); t = gwr_table_ref(current); pthread_mutex_unlock(&lock);
  if (gwr_decision_new(&d, t) == GWR_OK) /* a decision is sized for its table */
    for (i = 0; i < 2 && w->req[i][0]; i++) {
      gwr_request req = GWR_REQUEST_INIT;
      gwr_str route = {NULL, 0}, backend = {NULL, 0};
      req.method = (gwr_str){"GET", 3};
      req.host = (gwr_str){w->req[i][0], strlen(w->req[i][0])};
      req.path = (gwr_str){w->req[i][1], strlen(w->req[i][1])};
      req.key = (gwr_str){"user-42", 7}; /* same key, same backend */
      if (gwr_match(d, t, &req) != GWR_OK) continue;
      gwr_decision_str(d, GWR_DS_ROUTE_NAME, &route);
      gwr_decision_str(d, GWR_DS_BACKEND_NAME, &backend);
      used += (size_t)snprintf(w->out + used, sizeof w->out - used,
          "%s%s -> %s status=%d route=%.*s backend=%.*s\n", w->req[i][0], w->req[i][1],
          actions[gwr_decision_action(d)], (int)gwr_decision_int(d, GWR_DI_STATUS),
          (int)route.len, route.ptr, (int)backend.len, backend.ptr);
    }
  gwr_decision_free(d);
  gwr_table_unref(t); /* may be the last reference, after a swap */
  return NULL;
}

static void run_two(struct work *a, struct work *b) { /* match on two threads at once */
  pthread_t ta, tb;
  pthread_create(&ta, NULL, worker, a);
  pthread_create(&tb, NULL, worker, b);
  pthread_join(ta, NULL);
  pthread_join(tb, NULL);
  printf("%s%s", a->out, b->out); /* in a fixed order */
}

int main(void) {
  struct work a = {{{"shop.example.com", "/cart/items"}, {"shop.example.com:80", "/checkout"}}, ""};
  struct work b = {{{"other.example.com", "/cart"}}, ""};
  struct work c = {{{"shop.example.com", "/checkout"}}, ""};
  gwr_config *cfg = NULL;
  gwr_table *fresh = NULL, *old;
  gwr_error err = GWR_ERROR_INIT, problem = GWR_ERROR_INIT;
  size_t i;
  int rc = gwr_config_new(&cfg, NULL);
  if (rc == GWR_OK) rc = gwr_config_load(cfg, manifests, sizeof manifests - 1, "inline", 6, &err);
  for (i = 0; rc == GWR_OK && i < gwr_config_count(cfg, GWR_COUNT_PROBLEMS); i++)
    if (gwr_config_problem(cfg, i, &problem) == GWR_OK) printf("rejected: %s\n", problem.message);
  if (rc != GWR_OK || (rc = gwr_table_compile(&current, cfg, &err)) != GWR_OK) goto done;
  run_two(&a, &b);
  /* The config changes (one JSON object more): compile a fresh table and swap it in. */
  rc = gwr_config_load(cfg, update, sizeof update - 1, "update.json", 11, &err);
  if (rc != GWR_OK || (rc = gwr_table_compile(&fresh, cfg, &err)) != GWR_OK) goto done;
  pthread_mutex_lock(&lock); old = current; current = fresh; pthread_mutex_unlock(&lock);
  gwr_table_unref(old); /* a worker still holding it finishes with it first */
  run_two(&c, &a);
done:
  if (rc != GWR_OK) fprintf(stderr, "embed: %s (%s)\n", gwr_strerror(rc), err.message);
  gwr_table_unref(current); /* frees it: no thread holds a reference any more */
  gwr_config_free(cfg);
  return rc == GWR_OK ? 0 : 1;
}
