/* SPDX-License-Identifier: Apache-2.0 */
/*
 * check_hash.c - unit tests for lib/hash.c: XXH3 stability (B1 weighted
 * choice by key depends on it, docs/behaviour.md "Backends") and the
 * read-only open-addressing string map used by the decision trie
 * (digest 3.6: exact host map, wildcard suffix map, path segment map).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "hash.h"

static gwr__alloc alloc;
static gwr__arena arena;

static void setup(void) {
  gwr__alloc_init(&alloc, NULL);
  gwr__arena_init(&arena, &alloc);
}

static void teardown(void) { gwr__arena_free(&arena); }

static uint32_t get(const gwr__hmap *m, const char *k, uint64_t seed) {
  return gwr__hmap_get(m, k, strlen(k), seed);
}

static int put(gwr__hmap *m, const char *k, uint64_t seed, uint32_t v, uint32_t *existing) {
  return gwr__hmap_put(m, k, strlen(k), seed, v, existing);
}

/* ---- gwr__hash ------------------------------------------------------------ */

/* B1 (deterministic choice with a key): the hash is XXH3-64 with seed 0, a
 * pinned value, so hosts and the CLI agree across versions and builds. */
START_TEST(hash_known_value) {
  const char *k = "example.com/api/v1";
  ck_assert_uint_eq(gwr__hash(k, strlen(k), 0), UINT64_C(0xaac819b15da74ff4));
}
END_TEST

/* B1: equal keys hash equally; the seed and every byte matter. */
START_TEST(hash_stable_and_sensitive) {
  const char *k = "example.com/api/v1";
  uint64_t h = gwr__hash(k, strlen(k), 0);
  char copy[32];
  memcpy(copy, k, strlen(k) + 1);
  ck_assert_uint_eq(gwr__hash(copy, strlen(copy), 0), h);
  ck_assert_uint_ne(gwr__hash(k, strlen(k), 1), h);
  ck_assert_uint_ne(gwr__hash(k, strlen(k) - 1, 0), h);
  copy[0] = 'E';
  ck_assert_uint_ne(gwr__hash(copy, strlen(copy), 0), h);
  /* the length is part of the input: "" hashes, and differently from "\0" */
  ck_assert_uint_ne(gwr__hash("", 0, 0), gwr__hash("\0", 1, 0));
}
END_TEST

/* ---- gwr__hmap --------------------------------------------------------------- */

/* 3.6: put then get; absent keys give UINT32_MAX. */
START_TEST(hmap_put_get) {
  gwr__hmap m;
  ck_assert_int_eq(gwr__hmap_init(&m, &arena, 4), GWR_OK);
  ck_assert_int_eq(put(&m, "a.example.com", 0, 7, NULL), 1);
  ck_assert_int_eq(put(&m, "b.example.com", 0, 9, NULL), 1);
  ck_assert_uint_eq(get(&m, "a.example.com", 0), 7);
  ck_assert_uint_eq(get(&m, "b.example.com", 0), 9);
  ck_assert_uint_eq(get(&m, "c.example.com", 0), UINT32_MAX);
  /* a prefix of a key is another key */
  ck_assert_uint_eq(get(&m, "a.example.co", 0), UINT32_MAX);
  ck_assert_uint_eq(m.count, 2);
}
END_TEST

/* 3.6: a duplicate put reports the first value and does not overwrite it. */
START_TEST(hmap_duplicates) {
  gwr__hmap m;
  uint32_t existing = 12345;
  ck_assert_int_eq(gwr__hmap_init(&m, &arena, 4), GWR_OK);
  ck_assert_int_eq(put(&m, "seg", 0, 1, &existing), 1);
  ck_assert_uint_eq(existing, 12345); /* untouched on insert */
  ck_assert_int_eq(put(&m, "seg", 0, 2, &existing), 0);
  ck_assert_uint_eq(existing, 1);
  ck_assert_uint_eq(get(&m, "seg", 0), 1);
  ck_assert_uint_eq(m.count, 1);
  /* existing may be NULL */
  ck_assert_int_eq(put(&m, "seg", 0, 3, NULL), 0);
  ck_assert_uint_eq(get(&m, "seg", 0), 1);
}
END_TEST

/* 3.6: the empty key (an empty path segment, e.g. the trailing "/" of an
 * Exact path) is a key like any other. */
START_TEST(hmap_empty_key) {
  gwr__hmap m;
  ck_assert_int_eq(gwr__hmap_init(&m, &arena, 4), GWR_OK);
  ck_assert_uint_eq(gwr__hmap_get(&m, "", 0, 0), UINT32_MAX);
  ck_assert_int_eq(gwr__hmap_put(&m, "", 0, 0, 5, NULL), 1);
  ck_assert_uint_eq(gwr__hmap_get(&m, "", 0, 0), 5);
  ck_assert_uint_eq(gwr__hmap_get(&m, "x", 1, 0), UINT32_MAX);
  /* a NULL pointer with length 0 is the same empty key */
  ck_assert_uint_eq(gwr__hmap_get(&m, NULL, 0, 0), 5);
  ck_assert_int_eq(gwr__hmap_put(&m, "", 0, 0, 6, NULL), 0);
  /* the same empty key under another seed is another key */
  ck_assert_uint_eq(gwr__hmap_get(&m, "", 0, 1), UINT32_MAX);
}
END_TEST

/* 3.6: the seed is part of the key (path segments are keyed by parent node). */
START_TEST(hmap_seeded_keys) {
  gwr__hmap m;
  uint32_t existing = 0;
  ck_assert_int_eq(gwr__hmap_init(&m, &arena, 8), GWR_OK);
  ck_assert_int_eq(put(&m, "api", 0, 10, NULL), 1);
  ck_assert_int_eq(put(&m, "api", 1, 11, NULL), 1);
  ck_assert_int_eq(put(&m, "api", 2, 12, NULL), 1);
  ck_assert_uint_eq(get(&m, "api", 0), 10);
  ck_assert_uint_eq(get(&m, "api", 1), 11);
  ck_assert_uint_eq(get(&m, "api", 2), 12);
  ck_assert_uint_eq(get(&m, "api", 3), UINT32_MAX);
  ck_assert_int_eq(put(&m, "api", 1, 99, &existing), 0);
  ck_assert_uint_eq(existing, 11);
  ck_assert_uint_eq(m.count, 3);
}
END_TEST

/* An uninitialised (zeroed) map answers "absent" without touching memory. */
START_TEST(hmap_zeroed_map) {
  gwr__hmap m;
  memset(&m, 0, sizeof m);
  ck_assert_uint_eq(get(&m, "anything", 0), UINT32_MAX);
}
END_TEST

/* 3.6: many keys (sized for n, filled to n) all come back, under probing. */
START_TEST(hmap_many_keys) {
  enum { N = 20000 };
  gwr__hmap m;
  static char keys[N][24];
  uint32_t i;
  ck_assert_int_eq(gwr__hmap_init(&m, &arena, N), GWR_OK);
  ck_assert_uint_ge((uint64_t)m.mask + 1, 2 * (uint64_t)N + 1);
  for (i = 0; i < N; i++) {
    snprintf(keys[i], sizeof keys[i], "k%u.example.com", (unsigned)i);
    ck_assert_int_eq(put(&m, keys[i], i % 7, i, NULL), 1);
  }
  ck_assert_uint_eq(m.count, N);
  for (i = 0; i < N; i++) {
    ck_assert_uint_eq(get(&m, keys[i], i % 7), i);
    ck_assert_uint_eq(get(&m, keys[i], (i % 7) + 1), UINT32_MAX);
  }
  for (i = 0; i < N; i++) ck_assert_int_eq(put(&m, keys[i], i % 7, 0, NULL), 0);
  ck_assert_uint_eq(m.count, N);
}
END_TEST

/* The map keeps pointers to the keys, not copies: keys are compared by bytes,
 * not by address, so a lookup with an equal string in another buffer works. */
START_TEST(hmap_compares_bytes) {
  gwr__hmap m;
  char a[8] = "path", b[8] = "path";
  ck_assert_int_eq(gwr__hmap_init(&m, &arena, 2), GWR_OK);
  ck_assert_int_eq(put(&m, a, 0, 4, NULL), 1);
  ck_assert_uint_eq(get(&m, b, 0), 4);
  /* a key that is a prefix by length only */
  ck_assert_uint_eq(gwr__hmap_get(&m, "pathology", 4, 0), 4);
  ck_assert_uint_eq(gwr__hmap_get(&m, "pathology", 5, 0), UINT32_MAX);
}
END_TEST

static Suite *hash_suite(void) {
  Suite *s = suite_create("hash");
  TCase *tc = tcase_create("hash");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, hash_known_value);
  tcase_add_test(tc, hash_stable_and_sensitive);
  suite_add_tcase(s, tc);
  tc = tcase_create("hmap");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, hmap_put_get);
  tcase_add_test(tc, hmap_duplicates);
  tcase_add_test(tc, hmap_empty_key);
  tcase_add_test(tc, hmap_seeded_keys);
  tcase_add_test(tc, hmap_zeroed_map);
  tcase_add_test(tc, hmap_many_keys);
  tcase_add_test(tc, hmap_compares_bytes);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(hash_suite());
  int failed;
  srunner_run_all(sr, CK_ENV);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0;
}
