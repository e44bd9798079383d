/* SPDX-License-Identifier: Apache-2.0 */
/*
 * api_oom.c - out of memory at every allocation site. A counting allocator
 * fails its Nth request; for N = 0, 1, 2, ... the whole pipeline (load,
 * compile, status, decision, match) runs with it until one run needs no
 * failure. Every run must end without a crash and with every allocation
 * freed; every failure must surface as GWR_E_NOMEM (or a load problem),
 * never as a wrong success.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gwroute.h"
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Woverlength-strings" /* the shared fuzz configuration */
#endif
#include "../fuzz/fuzz_table.h"

typedef struct failing {
  size_t calls, fail_at, live;
  int failed;
} failing;

static void *failing_malloc(void *ctx, size_t size) {
  failing *f = ctx;
  void *p;
  if (f->calls++ == f->fail_at) {
    f->failed = 1;
    return NULL;
  }
  p = malloc(size);
  if (p) f->live++;
  return p;
}

static void failing_free(void *ctx, void *p) {
  failing *f = ctx;
  if (p) f->live--;
  free(p);
}

/* One pass of the pipeline; returns 1 when everything succeeded. */
static int pipeline(failing *f) {
  gwr_allocator a = GWR_ALLOCATOR_INIT;
  gwr_config *cfg = NULL;
  gwr_table *t = NULL;
  gwr_decision *d = NULL;
  gwr_error err = GWR_ERROR_INIT;
  int ok = 0, rc;
  a.malloc = failing_malloc;
  a.free = failing_free;
  a.ctx = f;
  if ((rc = gwr_config_new(&cfg, &a)) != GWR_OK) {
    ck_assert_int_eq(rc, GWR_E_NOMEM);
    return 0;
  }
  rc = gwr_config_load(cfg, fuzz_table_yaml, strlen(fuzz_table_yaml), "t.yaml", 6, &err);
  if (rc != GWR_OK) {
    ck_assert_msg(rc == GWR_E_NOMEM, "load: %d %s", rc, err.message);
  } else if (gwr_config_count(cfg, GWR_COUNT_PROBLEMS) == 0) {
    rc = gwr_table_compile(&t, cfg, &err);
    if (rc == GWR_OK) {
      size_t need = 0;
      char buf[64];
      rc = gwr_table_status_json(t, buf, sizeof buf, &need); /* never allocates */
      ck_assert_int_eq(rc, GWR_E_RANGE);
      rc = gwr_decision_new(&d, t);
      if (rc == GWR_OK) {
        gwr_request r = GWR_REQUEST_INIT;
        r.host.ptr = "example.com";
        r.host.len = 11;
        r.path.ptr = "/api/v2/x?x=1&y=ab";
        r.path.len = strlen(r.path.ptr);
        ck_assert_int_eq(gwr_match(d, t, &r), GWR_OK);
        ck_assert_int_eq(gwr_decision_action(d), GWR_ACTION_FORWARD);
        ok = !f->failed;
      } else {
        ck_assert_int_eq(rc, GWR_E_NOMEM);
      }
    } else {
      ck_assert_msg(rc == GWR_E_NOMEM, "compile: %d %s", rc, err.message);
    }
  } else {
    /* an allocation failure inside one object's reading is that object's problem */
    ck_assert_msg(f->failed, "problems without a failed allocation");
  }
  gwr_decision_free(d);
  gwr_table_unref(t);
  gwr_config_free(cfg);
  return ok;
}

START_TEST(every_allocation_can_fail) {
  failing f;
  size_t n;
  for (n = 0;; n++) {
    memset(&f, 0, sizeof f);
    f.fail_at = n;
    if (pipeline(&f)) break;
    ck_assert_msg(f.live == 0, "fail at %zu: %zu allocations leaked", n, f.live);
    ck_assert_msg(n < 1000000, "the pipeline never succeeded");
  }
  ck_assert_uint_eq(f.live, 0);
  ck_assert_uint_gt(n, 100); /* the pipeline allocates: every site was tried */
  fprintf(stderr, "api_oom: the pipeline succeeded after failing each of its first %zu allocations in turn\n", n);
}
END_TEST

int main(void) {
  Suite *s = suite_create("oom");
  TCase *tc = tcase_create("oom");
  SRunner *sr;
  int failed;
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, every_allocation_can_fail);
  suite_add_tcase(s, tc);
  sr = srunner_create(s);
  srunner_run_all(sr, CK_ENV);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
