/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hash.h - XXH3 (the only file including xxhash.h is hash.c, in inline
 * mode, so no XXH symbol leaks from the library) and a read-only open
 * addressing map from strings to 32-bit values, built once at compile time.
 */
#ifndef GWR_HASH_H
#define GWR_HASH_H

#include "internal.h"

uint64_t gwr__hash(const void *p, size_t n, uint64_t seed);

/* Keys of up to 8 bytes (most path segments) live in the slot itself, so a
 * lookup that finds them reads no other memory. */
#define GWR_HMAP_INLINE 8

typedef struct gwr__hmap_slot {
  uint64_t hash;
  uint32_t key_len;
  uint32_t value;   /* UINT32_MAX = empty slot */
  union {
    const char *ptr;                /* key_len > GWR_HMAP_INLINE */
    char bytes[GWR_HMAP_INLINE];    /* key_len <= GWR_HMAP_INLINE */
  } key;
} gwr__hmap_slot;

/* The bytes of a slot's key. */
static inline const char *gwr__hmap_key(const gwr__hmap_slot *s) {
  return s->key_len <= GWR_HMAP_INLINE ? s->key.bytes : s->key.ptr;
}

typedef struct gwr__hmap {
  gwr__hmap_slot *slots;
  uint32_t mask;    /* capacity - 1 (capacity is a power of two), 0 = empty map */
  uint32_t count;
} gwr__hmap;

/* Size the map for up to n keys (arena memory). GWR_OK or GWR_E_NOMEM. */
int gwr__hmap_init(gwr__hmap *m, gwr__arena *ar, size_t n);
/* The same, in plain allocator memory (a build-time scratch map). */
int gwr__hmap_init_heap(gwr__hmap *m, const gwr__alloc *a, size_t n);
void gwr__hmap_free_heap(gwr__hmap *m, const gwr__alloc *a);
/* A copy of src sized for its actual count (arena memory): the compact
 * map a lookup walks, so fewer cache lines are touched. */
int gwr__hmap_compact(gwr__hmap *dst, gwr__arena *ar, const gwr__hmap *src);
/* Insert key (seeded); if present, returns the existing value in *existing
 * and does not insert. Returns 1 when inserted, 0 when present. */
int gwr__hmap_put(gwr__hmap *m, const char *key, size_t len, uint64_t seed,
                  uint32_t value, uint32_t *existing);
/* The value of key, or UINT32_MAX. */
uint32_t gwr__hmap_get(const gwr__hmap *m, const char *key, size_t len,
                       uint64_t seed);

#endif
