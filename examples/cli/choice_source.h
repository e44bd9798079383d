/* SPDX-License-Identifier: Apache-2.0 */
/*
 * choice_source.h - the random 64-bit values for gwr_request.choice when a
 * request line has no "key". SplitMix64: seeded from --seed it repeats
 * exactly; otherwise it is seeded from /dev/urandom (or the clock).
 */
#ifndef GWROUTE_CLI_CHOICE_SOURCE_H
#define GWROUTE_CLI_CHOICE_SOURCE_H

#include <stdint.h>

typedef struct choice_source {
  uint64_t state;
} choice_source;

void choice_source_seed(choice_source *source, uint64_t seed);
void choice_source_seed_randomly(choice_source *source);
uint64_t choice_source_next(choice_source *source);

#endif
