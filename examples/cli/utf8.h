/* SPDX-License-Identifier: Apache-2.0 */
/* utf8.h - UTF-8 checks and encoding shared by the JSON reader and writer. */
#ifndef GWROUTE_CLI_UTF8_H
#define GWROUTE_CLI_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define UTF8_MAX_SEQUENCE 4

/*
 * The length (1 to 4) of the well-formed UTF-8 sequence at the start of
 * bytes, or 0 when it is not one: a stray continuation byte, a truncated
 * sequence, an overlong form, a surrogate or a code point above U+10FFFF.
 * available must be at least 1.
 */
size_t utf8_sequence_length(const unsigned char *bytes, size_t available);

/* Encode a code point (not a surrogate, at most U+10FFFF) into out; returns
 * the number of bytes written (1 to 4), or 0 for an invalid code point. */
size_t utf8_encode(uint32_t code_point, char out[UTF8_MAX_SEQUENCE]);

#endif
