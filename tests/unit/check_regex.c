/* SPDX-License-Identifier: Apache-2.0 */
/*
 * check_regex.c - lib/regex.c: full-match anchoring (H5, digest 3.3), the
 * trailing-newline pitfall of '$', bytewise matching, compile errors, and
 * the match limit that bounds a catastrophic pattern.
 */
#include <check.h>
#include <stdlib.h>

#include "regex.h"

static gwr__alloc alloc;

static int matches(const char *pattern, const char *subject, uint32_t limit) {
  gwr__regex_env *env = gwr__regex_env_new(&alloc, limit, 1024);
  gwr__regex *re;
  gwr__regex_scratch *s;
  int m;
  ck_assert_ptr_nonnull(env);
  re = gwr__regex_compile(env, gwr__sv_cstr(pattern));
  ck_assert_ptr_nonnull(re);
  s = gwr__regex_scratch_new(&alloc);
  ck_assert_ptr_nonnull(s);
  m = gwr__regex_match(env, re, s, subject, strlen(subject));
  gwr__regex_scratch_free(s);
  gwr__regex_free(re);
  gwr__regex_env_free(env);
  return m;
}

START_TEST(test_full_match) { /* H5: anchored at both ends */
  ck_assert_int_eq(matches("/api/v[0-9]+/users/[0-9]+", "/api/v1/users/123", 10000), 1);
  ck_assert_int_eq(matches("/api/v[0-9]+/users/[0-9]+", "/api/v1/users/123/x", 10000), 0);
  ck_assert_int_eq(matches("/api/v[0-9]+/users/[0-9]+", "x/api/v1/users/123", 10000), 0);
  ck_assert_int_eq(matches("/a|/b", "/ab", 10000), 0); /* the whole alternation is anchored */
  ck_assert_int_eq(matches("/a|/b", "/b", 10000), 1);
}
END_TEST

START_TEST(test_no_trailing_newline) { /* '$' must not accept "/a\n" */
  ck_assert_int_eq(matches("/a", "/a\n", 10000), 0);
  ck_assert_int_eq(matches("/a$", "/a\n", 10000), 0);
}
END_TEST

START_TEST(test_case_sensitive_bytewise) {
  ck_assert_int_eq(matches("/abc", "/ABC", 10000), 0);
  ck_assert_int_eq(matches("/caf.", "/caf\xe9", 10000), 1); /* Latin-1 byte: no UTF error */
}
END_TEST

START_TEST(test_compile_errors) {
  char err[128];
  ck_assert_int_eq(gwr__regex_check(gwr__sv_cstr("/(unclosed"), 1024, err, sizeof err), 0);
  ck_assert_ptr_nonnull(strstr(err, "offset"));
  ck_assert_int_eq(gwr__regex_check(gwr__sv_cstr("/ok[0-9]*"), 1024, err, sizeof err), 1);
  ck_assert_int_eq(gwr__regex_check(gwr__sv_cstr("/toolong"), 4, err, sizeof err), 0);
}
END_TEST

START_TEST(test_match_limit) { /* catastrophic backtracking ends as "no match" */
  char subject[64];
  memset(subject, 'a', 40);
  subject[40] = 'b';
  subject[41] = '\0';
  ck_assert_int_eq(matches("(a+)+$", subject, 10000), 0);
  ck_assert_int_eq(matches("(a+)+b", subject, 10000), 1);
}
END_TEST

static Suite *regex_suite(void) {
  Suite *s = suite_create("regex");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_full_match);
  tcase_add_test(tc, test_no_trailing_newline);
  tcase_add_test(tc, test_case_sensitive_bytewise);
  tcase_add_test(tc, test_compile_errors);
  tcase_add_test(tc, test_match_limit);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(regex_suite());
  int failed;
  gwr__alloc_init(&alloc, NULL);
  srunner_run_all(sr, CK_ENV);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
