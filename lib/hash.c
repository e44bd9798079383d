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

int gwr__hmap_init(gwr__hmap *m, gwr__arena *ar, size_t n) {
  size_t cap = 8, i;
  while (cap < n * 2 + 1) {
    if (cap > (size_t)UINT32_MAX / 4) return GWR_E_LIMIT;
    cap *= 2;
  }
  m->slots = gwr__arena_array(ar, cap, sizeof *m->slots);
  if (!m->slots) return GWR_E_NOMEM;
  for (i = 0; i < cap; i++) m->slots[i].value = UINT32_MAX;
  m->mask = (uint32_t)(cap - 1);
  m->count = 0;
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
      s->key = key;
      s->key_len = (uint32_t)len;
      s->value = value;
      m->count++;
      return 1;
    }
    if (s->hash == h && s->key_len == len && (len == 0 || memcmp(s->key, key, len) == 0)) {
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
    if (s->hash == h && s->key_len == len && (len == 0 || memcmp(s->key, key, len) == 0))
      return s->value;
  }
}
