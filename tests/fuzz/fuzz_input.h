/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_input.h - read a fuzzer's bytes as a sequence of choices: small
 * integers, strings from a list, and length-prefixed byte strings. Running
 * out of bytes yields zeros and empty strings, so every input is usable.
 */
#ifndef GWR_FUZZ_INPUT_H
#define GWR_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "gwroute.h"

typedef struct fz {
  const uint8_t *p;
  size_t n;
} fz;

static inline unsigned fz_byte(fz *f) {
  unsigned b;
  if (!f->n) return 0;
  b = f->p[0];
  f->p++;
  f->n--;
  return b;
}

/* 0 .. n-1 */
static inline unsigned fz_pick(fz *f, unsigned n) { return n ? fz_byte(f) % n : 0; }

static inline uint32_t fz_u32(fz *f) {
  uint32_t v = fz_byte(f);
  v = v << 8 | fz_byte(f);
  v = v << 8 | fz_byte(f);
  return v << 8 | fz_byte(f);
}

/* Up to max bytes of raw input, length first. */
static inline gwr_str fz_bytes(fz *f, size_t max) {
  gwr_str s;
  size_t len = fz_byte(f);
  if (len > max) len = max;
  if (len > f->n) len = f->n;
  s.ptr = (const char *)f->p;
  s.len = len;
  f->p += len;
  f->n -= len;
  return s;
}

static inline gwr_str fz_cstr(const char *s) {
  gwr_str v;
  v.ptr = s;
  v.len = strlen(s);
  return v;
}

/* One of the list's strings, or (1 time in 8) raw bytes. */
static inline gwr_str fz_word(fz *f, const char *const *list, size_t n) {
  unsigned k = fz_byte(f);
  if ((k & 7) == 7) return fz_bytes(f, 64);
  return fz_cstr(list[(k >> 3) % n]);
}

#define FZ_WORD(f, list) fz_word((f), (list), sizeof(list) / sizeof((list)[0]))

#endif
