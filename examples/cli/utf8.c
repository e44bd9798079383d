/* SPDX-License-Identifier: Apache-2.0 */
/* utf8.c - well-formed UTF-8 (RFC 3629, Unicode table 3-7). */
#include "utf8.h"

static int is_continuation(unsigned char byte) {
  return (byte & 0xC0) == 0x80;
}

/* The allowed range of the second byte after a given lead byte; the bounds
 * exclude overlong forms, surrogates and code points above U+10FFFF. */
static void second_byte_range(unsigned char lead, unsigned char *low,
                              unsigned char *high) {
  *low = 0x80;
  *high = 0xBF;
  if (lead == 0xE0) *low = 0xA0;
  else if (lead == 0xED) *high = 0x9F;
  else if (lead == 0xF0) *low = 0x90;
  else if (lead == 0xF4) *high = 0x8F;
}

static size_t expected_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0; /* continuation byte, C0/C1 (overlong) or F5..FF */
}

size_t utf8_sequence_length(const unsigned char *bytes, size_t available) {
  size_t length = expected_length(bytes[0]);
  unsigned char low;
  unsigned char high;
  size_t i;
  if (length == 0 || length > available) return 0;
  if (length == 1) return 1;
  second_byte_range(bytes[0], &low, &high);
  if (bytes[1] < low || bytes[1] > high) return 0;
  for (i = 2; i < length; i++) {
    if (!is_continuation(bytes[i])) return 0;
  }
  return length;
}

size_t utf8_encode(uint32_t code_point, char out[UTF8_MAX_SEQUENCE]) {
  if (code_point < 0x80) {
    out[0] = (char)code_point;
    return 1;
  }
  if (code_point < 0x800) {
    out[0] = (char)(0xC0 | (code_point >> 6));
    out[1] = (char)(0x80 | (code_point & 0x3F));
    return 2;
  }
  if (code_point >= 0xD800 && code_point <= 0xDFFF) return 0;
  if (code_point < 0x10000) {
    out[0] = (char)(0xE0 | (code_point >> 12));
    out[1] = (char)(0x80 | ((code_point >> 6) & 0x3F));
    out[2] = (char)(0x80 | (code_point & 0x3F));
    return 3;
  }
  if (code_point > 0x10FFFF) return 0;
  out[0] = (char)(0xF0 | (code_point >> 18));
  out[1] = (char)(0x80 | ((code_point >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((code_point >> 6) & 0x3F));
  out[3] = (char)(0x80 | (code_point & 0x3F));
  return 4;
}
