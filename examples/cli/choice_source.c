/* SPDX-License-Identifier: Apache-2.0 */
/* choice_source.c - SplitMix64 values for the weighted backend choice. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include "choice_source.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

void choice_source_seed(choice_source *source, uint64_t seed) {
  source->state = seed;
}

static int read_urandom(uint64_t *out) {
  FILE *urandom = fopen("/dev/urandom", "rb");
  size_t got;
  if (!urandom) return 0;
  got = fread(out, sizeof(*out), 1, urandom);
  fclose(urandom);
  return got == 1;
}

static uint64_t clock_based_seed(void) {
  struct timespec now;
  uint64_t seed = (uint64_t)time(NULL);
  if (clock_gettime(CLOCK_REALTIME, &now) == 0)
    seed = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
  return seed ^ ((uint64_t)getpid() << 32);
}

void choice_source_seed_randomly(choice_source *source) {
  uint64_t seed;
  if (!read_urandom(&seed)) seed = clock_based_seed();
  choice_source_seed(source, seed);
}

uint64_t choice_source_next(choice_source *source) {
  uint64_t z = (source->state += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}
