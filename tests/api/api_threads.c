/* SPDX-License-Identifier: Apache-2.0 */
/*
 * api_threads.c - the swap pattern of gwroute.h section 10 under load:
 * four threads match continuously, each with its own decision, while the
 * main thread compiles tables from two configurations in turn and swaps
 * them in (lock, swap, unlock, unref the old one). Every decision must be
 * the answer of one of the two tables, whole: never a mix, never a crash.
 * Run under ThreadSanitizer in CI (GWR_SANITIZE=thread).
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "gwroute.h"

#define WORKERS 4
#define SWAPS 200

static const char config_a[] =
    "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: default}\n"
    "spec: {gatewayClassName: c, listeners: [{name: http, port: 80, protocol: HTTP}]}\n---\n"
    "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: default}\n"
    "spec:\n  parentRefs: [{name: gw}]\n  rules:\n"
    "  - matches: [{path: {type: PathPrefix, value: /api}}]\n    backendRefs: [{name: a-api, port: 80}]\n"
    "  - matches: [{path: {type: RegularExpression, value: '/re/[0-9]+'}}]\n"
    "    backendRefs: [{name: a-re, port: 80}]\n";

/* the same shape, other backends: a decision names exactly one table's */
static const char config_b[] =
    "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: default}\n"
    "spec: {gatewayClassName: c, listeners: [{name: http, port: 80, protocol: HTTP}]}\n---\n"
    "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: default}\n"
    "spec:\n  parentRefs: [{name: gw}]\n  rules:\n"
    "  - matches: [{path: {type: PathPrefix, value: /api}}]\n    backendRefs: [{name: b-api, port: 80}]\n"
    "  - matches: [{path: {type: RegularExpression, value: '/re/[0-9]+'}}]\n"
    "    backendRefs: [{name: b-re, port: 80}]\n";

typedef struct shared {
  pthread_mutex_t lock;
  gwr_table *current;
  int stop; /* under lock */
} shared;

typedef struct worker {
  shared *s;
  unsigned long lookups, wrong;
} worker;

static gwr_table *compile(const char *yaml) {
  gwr_config *cfg;
  gwr_table *t;
  ck_assert_int_eq(gwr_config_new(&cfg, NULL), GWR_OK);
  ck_assert_int_eq(gwr_config_load(cfg, yaml, strlen(yaml), "t.yaml", 6, NULL), GWR_OK);
  ck_assert_int_eq(gwr_table_compile(&t, cfg, NULL), GWR_OK);
  gwr_config_free(cfg); /* the table outlives its config */
  return t;
}

static int backend_is(const gwr_decision *d, const char *a, const char *b) {
  gwr_str s;
  if (gwr_decision_str(d, GWR_DS_BACKEND_NAME, &s) != GWR_OK) return 0;
  return (s.len == strlen(a) && memcmp(s.ptr, a, s.len) == 0) ||
         (s.len == strlen(b) && memcmp(s.ptr, b, s.len) == 0);
}

static void *work(void *arg) {
  worker *w = arg;
  gwr_decision *d = NULL;
  unsigned long i;
  int stop = 0;
  for (i = 0; !stop; i++) {
    gwr_request r = GWR_REQUEST_INIT;
    gwr_table *t;
    int regex = (i & 1) != 0;
    pthread_mutex_lock(&w->s->lock);
    t = gwr_table_ref(w->s->current);
    stop = w->s->stop;
    pthread_mutex_unlock(&w->s->lock);
    if (!d && gwr_decision_new(&d, t) != GWR_OK) {
      w->wrong++;
      gwr_table_unref(t);
      break;
    }
    r.host.ptr = "example.com";
    r.host.len = 11;
    r.path.ptr = regex ? "/re/42" : "/api/x";
    r.path.len = 6;
    if (gwr_match(d, t, &r) != GWR_OK || gwr_decision_action(d) != GWR_ACTION_FORWARD ||
        !(regex ? backend_is(d, "a-re", "b-re") : backend_is(d, "a-api", "b-api")))
      w->wrong++;
    gwr_table_unref(t);
    w->lookups++;
  }
  gwr_decision_free(d);
  return NULL;
}

START_TEST(match_while_swapping) {
  shared s;
  worker w[WORKERS];
  pthread_t th[WORKERS];
  struct timespec pause = {0, 1000000};
  unsigned long total = 0;
  int i;
  pthread_mutex_init(&s.lock, NULL);
  s.current = compile(config_a);
  s.stop = 0;
  for (i = 0; i < WORKERS; i++) {
    w[i].s = &s;
    w[i].lookups = w[i].wrong = 0;
    ck_assert_int_eq(pthread_create(&th[i], NULL, work, &w[i]), 0);
  }
  for (i = 0; i < SWAPS; i++) {
    gwr_table *fresh = compile(i & 1 ? config_a : config_b), *old;
    pthread_mutex_lock(&s.lock);
    old = s.current;
    s.current = fresh;
    pthread_mutex_unlock(&s.lock);
    gwr_table_unref(old); /* a worker may still hold it: the last unref frees it */
    nanosleep(&pause, NULL);   /* let the workers through between swaps */
  }
  pthread_mutex_lock(&s.lock);
  s.stop = 1;
  pthread_mutex_unlock(&s.lock);
  for (i = 0; i < WORKERS; i++) {
    ck_assert_int_eq(pthread_join(th[i], NULL), 0);
    ck_assert_uint_eq(w[i].wrong, 0);
    ck_assert_uint_gt(w[i].lookups, 0);
    total += w[i].lookups;
  }
  fprintf(stderr, "api_threads: %d workers, %d swaps, %lu lookups, 0 wrong\n", WORKERS, SWAPS, total);
  gwr_table_unref(s.current);
  pthread_mutex_destroy(&s.lock);
}
END_TEST

int main(void) {
  Suite *su = suite_create("threads");
  TCase *tc = tcase_create("swap");
  SRunner *sr;
  int failed;
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, match_while_swapping);
  suite_add_tcase(su, tc);
  sr = srunner_create(su);
  srunner_run_all(sr, CK_ENV);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
