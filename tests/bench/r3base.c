/* SPDX-License-Identifier: Apache-2.0 */
/*
 * r3base.c - the optional r3 baseline (https://github.com/c9s/r3, the
 * Debian libr3 1.3): one r3 tree per exact host, found through a hash table.
 * Exact paths are inserted as literals; a PathPrefix "/p" as the literal
 * "/p" and the pattern "/p/{rest:.+}" (r3 1.3 rejects ".*" next to a
 * literal edge: pcre_study finds nothing to optimise and r3 takes that for
 * an error). r3 tries a node's edges in insertion order and never
 * backtracks, so literals go in shortest first, then rest patterns longest
 * first, and each host's entries are read in the engine's precedence order
 * with the first writer of a path winning. Even so r3 is a plain path
 * router: when a request runs past a literal edge it does not fall back to
 * a shorter prefix ("/a/b/c/9" with Exact "/a/b/c" and PathPrefix "/a/b"
 * finds nothing), so it may disagree with the engine; bench.c counts that.
 * Built only when CMake found r3 (GWR_BENCH_R3); otherwise a stub.
 */
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#ifdef GWR_BENCH_R3

#define HAVE_STRNDUP /* r3_str.h would redeclare it with an int length */
#include <r3.h>

typedef struct r3_item {
  char *text;
  int len;
  uint32_t value;
} r3_item;

struct r3b {
  smap hosts;                   /* host -> tree index */
  node **trees;
  size_t tree_count, tree_cap;
  spool strings;
  /* the host being filled */
  const char *host;
  size_t hlen;
  r3_item *lit, *rest;
  size_t lit_n, rest_n, lit_cap, rest_cap;
  int failed;
};

int r3b_available(void) { return 1; }

r3b *r3b_new(void) {
  r3b *b = xcalloc(1, sizeof *b);
  smap_init(&b->hosts, 1 << 16);
  return b;
}

static int item_len_asc(const void *x, const void *y) {
  const r3_item *a = x, *b = y;
  if (a->len != b->len) return a->len < b->len ? -1 : 1;
  return a->value < b->value ? -1 : a->value > b->value; /* stable: values grow */
}

static int item_len_desc(const void *x, const void *y) { return item_len_asc(y, x); }

static int seen(const r3_item *items, size_t n, const char *text, int len) {
  size_t i;
  for (i = 0; i < n; i++)
    if (items[i].len == len && memcmp(items[i].text, text, (size_t)len) == 0) return 1;
  return 0;
}

static void flush_host(r3b *b) {
  node *t;
  size_t i;
  char *err = NULL;
  if (!b->host) return;
  t = r3_tree_create(8);
  qsort(b->lit, b->lit_n, sizeof *b->lit, item_len_asc);
  qsort(b->rest, b->rest_n, sizeof *b->rest, item_len_desc);
  for (i = 0; i < b->lit_n; i++)
    if (!r3_tree_insert_pathl_ex(t, b->lit[i].text, b->lit[i].len, NULL,
                                 (void *)(uintptr_t)(b->lit[i].value + 1), &err))
      b->failed = 1;
  for (i = 0; i < b->rest_n; i++)
    if (!r3_tree_insert_pathl_ex(t, b->rest[i].text, b->rest[i].len, NULL,
                                 (void *)(uintptr_t)(b->rest[i].value + 1), &err))
      b->failed = 1;
  free(err);
  if (b->tree_count == b->tree_cap) {
    b->tree_cap = b->tree_cap ? b->tree_cap * 2 : 256;
    b->trees = realloc(b->trees, b->tree_cap * sizeof *b->trees);
    if (!b->trees) abort();
  }
  smap_put(&b->hosts, b->host, b->hlen, (uint32_t)b->tree_count, NULL);
  b->trees[b->tree_count++] = t;
  b->host = NULL;
  b->lit_n = b->rest_n = 0;
}

static void push(r3_item **items, size_t *n, size_t *cap, char *text, int len,
                 uint32_t value) {
  if (seen(*items, *n, text, len)) return; /* the higher-precedence entry keeps it */
  if (*n == *cap) {
    *cap = *cap ? *cap * 2 : 64;
    *items = realloc(*items, *cap * sizeof **items);
    if (!*items) abort();
  }
  (*items)[*n].text = text;
  (*items)[*n].len = len;
  (*items)[(*n)++].value = value;
}

void r3b_add(r3b *b, const char *host, size_t hlen, const char *path, size_t plen, int exact,
             uint32_t value) {
  char *lit, *rest;
  if (b->host && (b->hlen != hlen || memcmp(b->host, host, hlen) != 0)) flush_host(b);
  if (!b->host) {
    b->host = sp_printf(&b->strings, "%.*s", (int)hlen, host);
    b->hlen = hlen;
  }
  lit = plen ? sp_printf(&b->strings, "%.*s", (int)plen, path) : sp_printf(&b->strings, "/");
  push(&b->lit, &b->lit_n, &b->lit_cap, lit, (int)strlen(lit), value);
  if (exact) return;
  rest = sp_printf(&b->strings, "%.*s/{rest:.+}", (int)plen, path);
  push(&b->rest, &b->rest_n, &b->rest_cap, rest, (int)strlen(rest), value);
}

int r3b_compile(r3b *b) {
  size_t i;
  char *err = NULL;
  flush_host(b);
  for (i = 0; i < b->tree_count; i++)
    if (r3_tree_compile(b->trees[i], &err) != 0) {
      free(err);
      return -1;
    }
  return b->failed ? -1 : 0;
}

uint32_t r3b_match(const r3b *b, const gwr_request *req) {
  char host[256];
  size_t hlen;
  uint32_t t;
  const char *q;
  node *m;
  if (!bench_host(req, host, &hlen)) return UINT32_MAX;
  if ((t = smap_get(&b->hosts, host, hlen)) == UINT32_MAX) return UINT32_MAX;
  q = req->path.len ? memchr(req->path.ptr, '?', req->path.len) : NULL;
  m = r3_tree_matchl(b->trees[t], req->path.ptr,
                     (int)(q ? (size_t)(q - req->path.ptr) : req->path.len), NULL);
  return m && m->data ? (uint32_t)((uintptr_t)m->data - 1) : UINT32_MAX;
}

void r3b_free(r3b *b) {
  size_t i;
  if (!b) return;
  for (i = 0; i < b->tree_count; i++) r3_tree_free(b->trees[i]);
  free(b->trees);
  free(b->lit);
  free(b->rest);
  smap_free(&b->hosts);
  sp_free(&b->strings);
  free(b);
}

#else /* r3 not found: every call is a no-op */

int r3b_available(void) { return 0; }
r3b *r3b_new(void) { return NULL; }
void r3b_add(r3b *b, const char *host, size_t hlen, const char *path, size_t plen, int exact,
             uint32_t value) {
  (void)b, (void)host, (void)hlen, (void)path, (void)plen, (void)exact, (void)value;
}
int r3b_compile(r3b *b) {
  (void)b;
  return -1;
}
uint32_t r3b_match(const r3b *b, const gwr_request *req) {
  (void)b, (void)req;
  return UINT32_MAX;
}
void r3b_free(r3b *b) { (void)b; }

#endif
