/* SPDX-License-Identifier: Apache-2.0 */
/*
 * regex.c - PCRE2 wrapper. Compiles with the config's allocator (through a
 * PCRE2 general context), JIT when available, and matches with a shared,
 * read-only match context that carries the match limit, so a pathological
 * pattern costs a bounded amount of work per request.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>

#include "regex.h"

struct gwr__regex_env {
  const gwr__alloc *alloc;
  pcre2_general_context *gctx;
  pcre2_compile_context *cctx;
  pcre2_match_context *mctx;
};

struct gwr__regex {
  const gwr__alloc *alloc;
  pcre2_code *code;
};

struct gwr__regex_scratch {
  const gwr__alloc *alloc;
  pcre2_general_context *gctx;
  pcre2_match_data *md;
  pcre2_match_data *groups;     /* 10 pairs: capture rewrites (Ingress) */
};

static void *env_malloc(size_t size, void *ctx) {
  return gwr__malloc(ctx, size);
}

static void env_free(void *ptr, void *ctx) {
  gwr__free(ctx, ptr);
}

int gwr__regex_check(gwr__sv pattern, size_t max_len, char *err, size_t cap) {
  int code = 0;
  PCRE2_SIZE off = 0;
  pcre2_code *re;
  if (pattern.len > max_len) {
    snprintf(err, cap, "pattern longer than %zu bytes", max_len);
    return 0;
  }
  re = pcre2_compile((PCRE2_SPTR)(pattern.ptr ? pattern.ptr : ""), pattern.len,
                     PCRE2_ANCHORED | PCRE2_ENDANCHORED, &code, &off, NULL);
  if (!re) {
    PCRE2_UCHAR buf[200];
    pcre2_get_error_message(code, buf, sizeof buf);
    snprintf(err, cap, "%s at offset %zu", (const char *)buf, (size_t)off);
    return 0;
  }
  pcre2_code_free(re);
  return 1;
}

gwr__regex_env *gwr__regex_env_new(const gwr__alloc *a, uint32_t match_limit, uint32_t heap_kib) {
  gwr__regex_env *env = gwr__calloc(a, 1, sizeof *env);
  if (!env) return NULL;
  env->alloc = a;
  env->gctx = pcre2_general_context_create(env_malloc, env_free, (void *)a);
  env->cctx = env->gctx ? pcre2_compile_context_create(env->gctx) : NULL;
  env->mctx = env->gctx ? pcre2_match_context_create(env->gctx) : NULL;
  if (!env->cctx || !env->mctx) {
    gwr__regex_env_free(env);
    return NULL;
  }
  pcre2_set_match_limit(env->mctx, match_limit);
  pcre2_set_depth_limit(env->mctx, match_limit);
  pcre2_set_heap_limit(env->mctx, heap_kib);
  return env;
}

void gwr__regex_env_free(gwr__regex_env *env) {
  if (!env) return;
  pcre2_match_context_free(env->mctx);
  pcre2_compile_context_free(env->cctx);
  pcre2_general_context_free(env->gctx);
  gwr__free(env->alloc, env);
}

gwr__regex *gwr__regex_compile(gwr__regex_env *env, gwr__sv pattern) {
  int code = 0;
  PCRE2_SIZE off = 0;
  gwr__regex *re = gwr__calloc(env->alloc, 1, sizeof *re);
  if (!re) return NULL;
  re->alloc = env->alloc;
  re->code = pcre2_compile((PCRE2_SPTR)(pattern.ptr ? pattern.ptr : ""), pattern.len,
                           PCRE2_ANCHORED | PCRE2_ENDANCHORED, &code, &off, env->cctx);
  if (!re->code) {
    gwr__free(env->alloc, re);
    return NULL;
  }
  /* JIT is an optimisation: without it the interpreter answers the same */
  (void)pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);
  return re;
}

void gwr__regex_free(gwr__regex *re) {
  if (!re) return;
  pcre2_code_free(re->code);
  gwr__free(re->alloc, re);
}

gwr__regex_scratch *gwr__regex_scratch_new(const gwr__alloc *a) {
  gwr__regex_scratch *s = gwr__calloc(a, 1, sizeof *s);
  if (!s) return NULL;
  s->alloc = a;
  /* its own general context: the scratch must not outlive or depend on a table */
  s->gctx = pcre2_general_context_create(env_malloc, env_free, (void *)a);
  s->md = s->gctx ? pcre2_match_data_create(1, s->gctx) : NULL;
  s->groups = s->gctx ? pcre2_match_data_create(10, s->gctx) : NULL;
  if (!s->md || !s->groups) {
    gwr__regex_scratch_free(s);
    return NULL;
  }
  return s;
}

void gwr__regex_scratch_free(gwr__regex_scratch *s) {
  if (!s) return;
  pcre2_match_data_free(s->md);
  pcre2_match_data_free(s->groups);
  pcre2_general_context_free(s->gctx);
  gwr__free(s->alloc, s);
}

int gwr__regex_match(const gwr__regex_env *env, const gwr__regex *re,
                     gwr__regex_scratch *s, const char *subject, size_t len) {
  int rc = pcre2_match(re->code, (PCRE2_SPTR)(subject ? subject : ""), len, 0, 0,
                       s->md, env->mctx);
  /* 0 = matched but the one-pair ovector was too small: still a match */
  return rc >= 0;
}

int gwr__regex_captures(const gwr__regex_env *env, const gwr__regex *re, gwr__regex_scratch *s,
                        const char *subject, size_t len, size_t *ov, int max_pairs) {
  int rc = pcre2_match(re->code, (PCRE2_SPTR)(subject ? subject : ""), len, 0, 0, s->groups, env->mctx);
  PCRE2_SIZE *v = pcre2_get_ovector_pointer(s->groups);
  int i, n;
  if (rc < 0) return -1;
  n = rc == 0 || rc > max_pairs ? max_pairs : rc;
  if (n > 10) n = 10;
  for (i = 0; i < n; i++) {
    ov[2 * i] = v[2 * i] == PCRE2_UNSET ? (size_t)-1 : (size_t)v[2 * i];
    ov[2 * i + 1] = v[2 * i + 1] == PCRE2_UNSET ? (size_t)-1 : (size_t)v[2 * i + 1];
  }
  return n;
}
