/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_diff.c - the decision trie against the reference matcher
 * (tests/support/refmatch.c), decision for decision. Input: two bytes of
 * length, that many bytes of configuration text (YAML or JSON), then
 * requests made from the remaining bytes. Any disagreement aborts, after
 * printing both answers.
 */
#include <stdio.h>
#include <stdlib.h>

#include "attach.h"
#include "fuzz_requests.h"
#include "refmatch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* FUZZ_DIFF_STATS=1 prints how many requests were compared (to see that a
 * corpus exercises the comparison at all). */
static size_t compared, forwarded;

static void print_stats(void) { fprintf(stderr, "fuzz_diff: %zu requests compared, %zu forwarded\n", compared, forwarded); }

static int same_str(gwr_str a, const char *b, size_t n) {
  return a.len == n && (n == 0 || memcmp(a.ptr, b, n) == 0);
}

static void fail(const char *what, const gwr_request *r) {
  fprintf(stderr, "fuzz_diff: engine and reference disagree on %s for host '%.*s' path '%.*s' "
          "protocol %d port %u\n", what, (int)r->host.len, r->host.ptr ? r->host.ptr : "",
          (int)r->path.len, r->path.ptr ? r->path.ptr : "", (int)r->protocol, (unsigned)r->port);
  abort();
}

static void compare(const gwr__attach *att, gwr_decision *d, const gwr_table *t, const gwr_request *r,
                    ref_result *x) {
  int rc = gwr_match(d, t, r), xrc = ref_match(att, r, x);
  gwr_str s = {NULL, 0};
  static int registered;
  if (!registered && getenv("FUZZ_DIFF_STATS")) registered = !atexit(print_stats);
  compared++;
  forwarded += rc == GWR_OK && x->action == GWR_ACTION_FORWARD;
  if (rc != xrc) fail("the return code", r);
  if (rc != GWR_OK) return;
  if (gwr_decision_action(d) != x->action || gwr_decision_int(d, GWR_DI_STATUS) != x->status) {
    fprintf(stderr, "engine: action %d status %d; reference: action %d status %d\n",
            (int)gwr_decision_action(d), (int)gwr_decision_int(d, GWR_DI_STATUS), x->action, x->status);
    fail("the action or status", r);
  }
  if (gwr_decision_int(d, GWR_DI_GRPC_STATUS) != x->grpc_status) fail("the gRPC status", r);
  gwr_decision_str(d, GWR_DS_LISTENER, &s);
  if (!same_str(s, x->listener ? x->listener : "", x->listener ? strlen(x->listener) : 0))
    fail("the listener", r);
  if (x->route == REF_NO_ROUTE) {
    if (gwr_decision_int(d, GWR_DI_HAS_ROUTE)) fail("whether a route matched", r);
    return;
  }
  {
    const gwr__meta *m = &att->routes[x->route].r->meta;
    gwr_decision_str(d, GWR_DS_ROUTE_NAME, &s);
    if (!same_str(s, m->name.ptr, m->name.len)) fail("the route", r);
    gwr_decision_str(d, GWR_DS_ROUTE_NAMESPACE, &s);
    if (!same_str(s, m->ns.ptr, m->ns.len)) fail("the route namespace", r);
    if (gwr_decision_int(d, GWR_DI_ROUTE_RULE) != x->rule) fail("the rule", r);
    if (gwr_decision_int(d, GWR_DI_ROUTE_MATCH) != x->match) fail("the match", r);
  }
  if (x->action == GWR_ACTION_FORWARD) {
    const gwr__backend *b = att->routes[x->route].rules[x->rule].backends[x->backend].b;
    gwr_decision_str(d, GWR_DS_BACKEND_NAME, &s);
    if (!same_str(s, b->ref.name.ptr, b->ref.name.len)) fail("the backend", r);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  size_t len;
  gwr_config *cfg;
  gwr_table *t;
  fz f;
  if (size < 2) return 0;
  len = (size_t)data[0] << 8 | data[1];
  if (len > size - 2) len = size - 2;
  if (gwr_config_new(&cfg, NULL) != GWR_OK) return 0;
  (void)gwr_config_load(cfg, (const char *)data + 2, len, "diff.yaml", 9, NULL);
  if (gwr_table_compile(&t, cfg, NULL) == GWR_OK) {
    gwr__alloc alloc;
    gwr__arena arena;
    gwr__attach att;
    gwr_decision *d = NULL;
    ref_result *x = malloc(sizeof *x);
    gwr__alloc_init(&alloc, NULL);
    gwr__arena_init(&arena, &alloc);
    if (x && gwr__attach_build(&att, cfg, &arena) == GWR_OK && gwr_decision_new(&d, t) == GWR_OK) {
      f.p = data + 2 + len;
      f.n = size - 2 - len;
      do {
        fz_req q;
        fz_request(&f, &q);
        compare(&att, d, t, &q.r, x);
      } while (f.n);
    }
    gwr_decision_free(d);
    free(x);
    gwr__arena_free(&arena);
    gwr_table_unref(t);
  }
  gwr_config_free(cfg);
  return 0;
}
