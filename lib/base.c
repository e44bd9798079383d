/* SPDX-License-Identifier: Apache-2.0 */
/*
 * base.c - allocator, arena, vectors, string helpers and error filling.
 * Everything else in lib/ allocates through these, so one allocator hook
 * covers the whole library.
 */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

static void *libc_malloc(void *ctx, size_t size) {
  (void)ctx;
  return malloc(size);
}
static void libc_free(void *ctx, void *ptr) {
  (void)ctx;
  free(ptr);
}

void gwr__alloc_init(gwr__alloc *a, const gwr_allocator *user) {
  a->malloc = libc_malloc;
  a->free = libc_free;
  a->ctx = NULL;
  if (user && user->malloc && user->free) {
    a->malloc = user->malloc;
    a->free = user->free;
    a->ctx = user->ctx;
  }
}

void *gwr__malloc(const gwr__alloc *a, size_t size) {
  return a->malloc(a->ctx, size ? size : 1);
}

void *gwr__calloc(const gwr__alloc *a, size_t n, size_t size) {
  size_t total;
  void *p;
  if (!gwr__mul_ok(n, size, &total)) return NULL;
  p = gwr__malloc(a, total);
  if (p) memset(p, 0, total ? total : 1);
  return p;
}

void gwr__free(const gwr__alloc *a, void *p) {
  if (p) a->free(a->ctx, p);
}

int gwr__mul_ok(size_t a, size_t b, size_t *out) {
  if (b != 0 && a > SIZE_MAX / b) return 0;
  *out = a * b;
  return 1;
}

int gwr__add_ok(size_t a, size_t b, size_t *out) {
  if (a > SIZE_MAX - b) return 0;
  *out = a + b;
  return 1;
}

/* ---- arena ----------------------------------------------------------- */

struct gwr__arena_chunk {
  gwr__arena_chunk *next;
  size_t used, cap;
  /* data follows, max-aligned */
};

#define ARENA_ALIGN 16u
#define ARENA_HEADER ((sizeof(gwr__arena_chunk) + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1))
#define ARENA_CHUNK 16384u

void gwr__arena_init(gwr__arena *ar, const gwr__alloc *alloc) {
  ar->alloc = alloc;
  ar->head = NULL;
  ar->total = 0;
}

void gwr__arena_free(gwr__arena *ar) {
  gwr__arena_chunk *c = ar->head;
  while (c) {
    gwr__arena_chunk *next = c->next;
    gwr__free(ar->alloc, c);
    c = next;
  }
  ar->head = NULL;
  ar->total = 0;
}

void *gwr__arena_alloc(gwr__arena *ar, size_t size) {
  gwr__arena_chunk *c = ar->head;
  size_t need, cap, bytes;
  char *p;
  if (!gwr__add_ok(size, ARENA_ALIGN - 1, &need)) return NULL;
  need &= ~(size_t)(ARENA_ALIGN - 1);
  if (need == 0) need = ARENA_ALIGN;
  if (!c || c->cap - c->used < need) {
    cap = need > ARENA_CHUNK ? need : ARENA_CHUNK;
    if (!gwr__add_ok(cap, ARENA_HEADER, &bytes)) return NULL;
    c = gwr__malloc(ar->alloc, bytes);
    if (!c) return NULL;
    c->used = 0;
    c->cap = cap;
    /* a big one-off block goes behind the current chunk so the current
     * chunk's free space stays usable */
    if (ar->head && need > ARENA_CHUNK) {
      c->next = ar->head->next;
      ar->head->next = c;
    } else {
      c->next = ar->head;
      ar->head = c;
    }
    ar->total += bytes;
  }
  p = (char *)c + ARENA_HEADER + c->used;
  c->used += need;
  memset(p, 0, need);
  return p;
}

void *gwr__arena_array(gwr__arena *ar, size_t n, size_t size) {
  size_t total;
  if (!gwr__mul_ok(n, size, &total)) return NULL;
  return gwr__arena_alloc(ar, total);
}

char *gwr__arena_strndup(gwr__arena *ar, const char *p, size_t n) {
  size_t total;
  char *s;
  if (!gwr__add_ok(n, 1, &total)) return NULL;
  s = gwr__arena_alloc(ar, total);
  if (!s) return NULL;
  if (n) memcpy(s, p, n);
  s[n] = '\0';
  return s;
}

char *gwr__arena_printf(gwr__arena *ar, const char *fmt, ...) {
  va_list ap;
  int n;
  char *s;
  va_start(ap, fmt);
  n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) return NULL;
  s = gwr__arena_alloc(ar, (size_t)n + 1);
  if (!s) return NULL;
  va_start(ap, fmt);
  vsnprintf(s, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return s;
}

/* ---- strings ----------------------------------------------------------- */

int gwr__sv_cmp(gwr__sv a, gwr__sv b) {
  size_t n = a.len < b.len ? a.len : b.len;
  int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
  if (c) return c;
  return a.len < b.len ? -1 : (a.len > b.len ? 1 : 0);
}

int gwr__sv_casecmp_eq(gwr__sv a, gwr__sv b) {
  size_t i;
  if (a.len != b.len) return 0;
  for (i = 0; i < a.len; i++)
    if (gwr__lower(a.ptr[i]) != gwr__lower(b.ptr[i])) return 0;
  return 1;
}

/* ---- vectors ----------------------------------------------------------- */

void gwr__vec_init(gwr__vec *v, size_t elem) {
  v->data = NULL;
  v->len = v->cap = 0;
  v->elem = elem;
}

void *gwr__vec_push(gwr__vec *v, const gwr__alloc *a) {
  char *p;
  if (v->len == v->cap) {
    size_t ncap = v->cap ? v->cap * 2 : 8, bytes;
    void *nd;
    if (!gwr__mul_ok(ncap, v->elem, &bytes)) return NULL;
    nd = gwr__malloc(a, bytes);
    if (!nd) return NULL;
    if (v->len) memcpy(nd, v->data, v->len * v->elem);
    gwr__free(a, v->data);
    v->data = nd;
    v->cap = ncap;
  }
  p = (char *)v->data + v->len * v->elem;
  memset(p, 0, v->elem);
  v->len++;
  return p;
}

void gwr__vec_free(gwr__vec *v, const gwr__alloc *a) {
  gwr__free(a, v->data);
  v->data = NULL;
  v->len = v->cap = 0;
}

/* ---- errors ------------------------------------------------------------ */

/* Whether field `f` (an offset and size) fits in the caller's struct. */
#define ERR_HAS(err, member) \
  ((err)->struct_size >= offsetof(gwr_error, member) + sizeof((err)->member))

static void copy_field(char *dst, size_t cap, const char *src) {
  size_t n = src ? strlen(src) : 0;
  if (n >= cap) n = cap - 1;
  if (n) memcpy(dst, src, n);
  dst[n] = '\0';
}

void gwr__error_clear(gwr_error *err) {
  size_t keep;
  if (!err || err->struct_size < offsetof(gwr_error, line)) return;
  keep = err->struct_size < sizeof(gwr_error) ? err->struct_size : sizeof(gwr_error);
  memset((char *)err + sizeof(size_t), 0, keep - sizeof(size_t));
}

int gwr__error_set(gwr_error *err, int code, const char *fmt, ...) {
  va_list ap;
  if (!err) return code;
  gwr__error_clear(err);
  if (ERR_HAS(err, code)) err->code = code;
  if (ERR_HAS(err, message)) {
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
  }
  return code;
}

int gwr__error_object(gwr_error *err, int code, const char *kind,
                      const char *ns, const char *name, const char *field,
                      const char *message) {
  if (!err) return code;
  gwr__error_clear(err);
  if (ERR_HAS(err, code)) err->code = code;
  if (ERR_HAS(err, kind)) copy_field(err->kind, sizeof err->kind, kind);
  if (ERR_HAS(err, ns)) copy_field(err->ns, sizeof err->ns, ns);
  if (ERR_HAS(err, name)) copy_field(err->name, sizeof err->name, name);
  if (ERR_HAS(err, field)) copy_field(err->field, sizeof err->field, field);
  if (ERR_HAS(err, message))
    copy_field(err->message, sizeof err->message, message);
  return code;
}

void gwr__error_position(gwr_error *err, const char *file, uint32_t line,
                         uint32_t column) {
  if (!err) return;
  if (ERR_HAS(err, line)) err->line = line;
  if (ERR_HAS(err, column)) err->column = column;
  if (ERR_HAS(err, file)) copy_field(err->file, sizeof err->file, file);
}

void gwr__error_copy(gwr_error *dst, const gwr_error *src) {
  size_t n;
  if (!dst || !src || dst->struct_size < sizeof(size_t)) return;
  n = dst->struct_size < sizeof(gwr_error) ? dst->struct_size : sizeof(gwr_error);
  memcpy((char *)dst + sizeof(size_t), (const char *)src + sizeof(size_t),
         n - sizeof(size_t));
}
