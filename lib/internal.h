/* SPDX-License-Identifier: Apache-2.0 */
/*
 * internal.h - what every lib/ file shares: the allocator, the arena, small
 * string helpers, overflow-checked sizes and the error helpers.
 * Nothing here is API; every non-static name is gwr__*.
 */
#ifndef GWR_INTERNAL_H
#define GWR_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "gwroute.h"

#if defined(__GNUC__)
#define GWR_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define GWR_PRINTF(f, a)
#endif

/* ---- allocator ------------------------------------------------------ */

typedef struct gwr__alloc {
  void *(*malloc)(void *ctx, size_t size);
  void (*free)(void *ctx, void *ptr);
  void *ctx;
} gwr__alloc;

void gwr__alloc_init(gwr__alloc *a, const gwr_allocator *user);
void *gwr__malloc(const gwr__alloc *a, size_t size);
void *gwr__calloc(const gwr__alloc *a, size_t n, size_t size);
void gwr__free(const gwr__alloc *a, void *p);

/* a*b and a+b that report overflow instead of wrapping */
int gwr__mul_ok(size_t a, size_t b, size_t *out);
int gwr__add_ok(size_t a, size_t b, size_t *out);

/* ---- arena: many small allocations freed at once -------------------- */

typedef struct gwr__arena_chunk gwr__arena_chunk;
typedef struct gwr__arena {
  const gwr__alloc *alloc;
  gwr__arena_chunk *head;
  size_t total;
} gwr__arena;

void gwr__arena_init(gwr__arena *ar, const gwr__alloc *alloc);
void gwr__arena_free(gwr__arena *ar);
/* zeroed memory aligned for any type; NULL on failure */
void *gwr__arena_alloc(gwr__arena *ar, size_t size);
void *gwr__arena_array(gwr__arena *ar, size_t n, size_t size);
/* a NUL-terminated copy of (p, n) */
char *gwr__arena_strndup(gwr__arena *ar, const char *p, size_t n);
char *gwr__arena_printf(gwr__arena *ar, const char *fmt, ...) GWR_PRINTF(2, 3);

/* ---- strings -------------------------------------------------------- */

typedef gwr_str gwr__sv; /* (ptr, len) view */

static inline gwr__sv gwr__sv_make(const char *p, size_t n) {
  gwr__sv s;
  s.ptr = p;
  s.len = n;
  return s;
}
static inline gwr__sv gwr__sv_cstr(const char *p) {
  return gwr__sv_make(p, p ? strlen(p) : 0);
}
static inline int gwr__sv_eq(gwr__sv a, gwr__sv b) {
  return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}
static inline int gwr__sv_eq_cstr(gwr__sv a, const char *b) {
  return gwr__sv_eq(a, gwr__sv_cstr(b));
}
int gwr__sv_cmp(gwr__sv a, gwr__sv b);
int gwr__sv_casecmp_eq(gwr__sv a, gwr__sv b); /* ASCII case-insensitive equality */
static inline char gwr__lower(char c) {
  return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

/* ---- growable array of pointers/structs in plain malloc memory ------ */

typedef struct gwr__vec {
  void *data;
  size_t len, cap, elem;
} gwr__vec;

void gwr__vec_init(gwr__vec *v, size_t elem);
/* a pointer to a new zeroed element at the end, or NULL */
void *gwr__vec_push(gwr__vec *v, const gwr__alloc *a);
void gwr__vec_free(gwr__vec *v, const gwr__alloc *a);
#define GWR_VEC_AT(v, type, i) (((type *)(v)->data)[i])

/* ---- errors ---------------------------------------------------------- */

/* Fill err (may be NULL) and return code. The gwr_error may be an older,
 * shorter struct: only the fields inside struct_size are written. */
int gwr__error_set(gwr_error *err, int code, const char *fmt, ...)
    GWR_PRINTF(3, 4);
int gwr__error_object(gwr_error *err, int code, const char *kind,
                      const char *ns, const char *name, const char *field,
                      const char *message);
void gwr__error_position(gwr_error *err, const char *file, uint32_t line,
                         uint32_t column);
void gwr__error_clear(gwr_error *err);
/* copy src into a caller struct honouring its struct_size */
void gwr__error_copy(gwr_error *dst, const gwr_error *src);

/* Bail-out helpers: one cleanup label per function. */
#define GWR_CHECK(expr)        \
  do {                         \
    rc = (expr);               \
    if (rc != GWR_OK) goto out; \
  } while (0)
#define GWR_FAIL_IF(cond, code) \
  do {                          \
    if (cond) {                 \
      rc = (code);              \
      goto out;                 \
    }                           \
  } while (0)

#endif
