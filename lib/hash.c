/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hash.c - XXH3 in inline mode and the compile-time string map. The map is
 * filled by compile.c and only read by match.c (any number of threads).
 */
#define XXH_INLINE_ALL
#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include "hash.h"

uint64_t gwr__hash(const void *p, size_t n, uint64_t seed) {
  return XXH3_64bits_withSeed(p, n, seed);
}

static size_t capacity_for(size_t n) {
  size_t cap = 8;
  while (cap < n * 2 + 1) {
    if (cap > (size_t)UINT32_MAX / 4) return 0;
    cap *= 2;
  }
  return cap;
}

static void clear_slots(gwr__hmap *m, size_t cap) {
  size_t i;
  for (i = 0; i < cap; i++) m->slots[i].value = UINT32_MAX;
  m->mask = (uint32_t)(cap - 1);
  m->count = 0;
}

int gwr__hmap_init(gwr__hmap *m, gwr__arena *ar, size_t n) {
  size_t cap = capacity_for(n);
  if (!cap) return GWR_E_LIMIT;
  m->slots = gwr__arena_array(ar, cap, sizeof *m->slots);
  if (!m->slots) return GWR_E_NOMEM;
  clear_slots(m, cap);
  return GWR_OK;
}

int gwr__hmap_init_heap(gwr__hmap *m, const gwr__alloc *a, size_t n) {
  size_t cap = capacity_for(n);
  if (!cap) return GWR_E_LIMIT;
  m->slots = gwr__calloc(a, cap, sizeof *m->slots);
  if (!m->slots) return GWR_E_NOMEM;
  clear_slots(m, cap);
  return GWR_OK;
}

void gwr__hmap_free_heap(gwr__hmap *m, const gwr__alloc *a) {
  gwr__free(a, m->slots);
  m->slots = NULL;
  m->mask = m->count = 0;
}

/* Re-insert by the stored hash: seeds are already folded into it. */
int gwr__hmap_compact(gwr__hmap *dst, gwr__arena *ar, const gwr__hmap *src) {
  uint32_t i;
  int rc = gwr__hmap_init(dst, ar, src->count);
  if (rc != GWR_OK) return rc;
  for (i = 0; src->slots && i <= src->mask; i++) {
    const gwr__hmap_slot *s = &src->slots[i];
    uint32_t j;
    if (s->value == UINT32_MAX) continue;
    for (j = (uint32_t)s->hash & dst->mask; dst->slots[j].value != UINT32_MAX; j = (j + 1) & dst->mask) {
    }
    dst->slots[j] = *s;
    dst->count++;
  }
  return GWR_OK;
}

int gwr__hmap_put(gwr__hmap *m, const char *key, size_t len, uint64_t seed,
                  uint32_t value, uint32_t *existing) {
  uint64_t h = gwr__hash(key, len, seed);
  uint32_t i = (uint32_t)h & m->mask;
  for (;; i = (i + 1) & m->mask) {
    gwr__hmap_slot *s = &m->slots[i];
    if (s->value == UINT32_MAX) {
      s->hash = h;
      s->key_len = (uint32_t)len;
      if (len <= GWR_HMAP_INLINE) {
        memset(s->key.bytes, 0, sizeof s->key.bytes);
        if (len) memcpy(s->key.bytes, key, len);
      } else {
        s->key.ptr = key;
      }
      s->value = value;
      m->count++;
      return 1;
    }
    if (s->hash == h && s->key_len == len && (len == 0 || memcmp(gwr__hmap_key(s), key, len) == 0)) {
      if (existing) *existing = s->value;
      return 0;
    }
  }
}

uint32_t gwr__hmap_get(const gwr__hmap *m, const char *key, size_t len,
                       uint64_t seed) {
  uint64_t h;
  uint32_t i;
  if (!m->slots) return UINT32_MAX;
  h = gwr__hash(key, len, seed);
  for (i = (uint32_t)h & m->mask;; i = (i + 1) & m->mask) {
    const gwr__hmap_slot *s = &m->slots[i];
    if (s->value == UINT32_MAX) return UINT32_MAX;
    if (s->hash == h && s->key_len == len && (len == 0 || memcmp(gwr__hmap_key(s), key, len) == 0))
      return s->value;
  }
}
