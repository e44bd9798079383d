/* SPDX-License-Identifier: Apache-2.0 */
/* strbuf.c - a growable byte buffer (see strbuf.h). */
#include "strbuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void strbuf_free(strbuf *sb) {
  free(sb->data);
  sb->data = NULL;
  sb->len = 0;
  sb->cap = 0;
  sb->failed = 0;
}

void strbuf_reset(strbuf *sb) {
  sb->len = 0;
  sb->failed = 0;
  if (sb->data) sb->data[0] = '\0';
}

/* Make room for `extra` more bytes plus a terminating NUL. */
static int strbuf_reserve(strbuf *sb, size_t extra) {
  size_t needed;
  size_t new_cap;
  char *grown;
  if (sb->failed) return 0;
  if (extra > SIZE_MAX - sb->len - 1) {
    sb->failed = 1;
    return 0;
  }
  needed = sb->len + extra + 1;
  if (needed <= sb->cap) return 1;
  new_cap = sb->cap ? sb->cap : 64;
  while (new_cap < needed) {
    new_cap = new_cap > SIZE_MAX / 2 ? needed : new_cap * 2;
  }
  grown = realloc(sb->data, new_cap);
  if (!grown) {
    sb->failed = 1;
    return 0;
  }
  sb->data = grown;
  sb->cap = new_cap;
  return 1;
}

void strbuf_append(strbuf *sb, const char *bytes, size_t count) {
  if (!strbuf_reserve(sb, count)) return;
  if (count > 0) memcpy(sb->data + sb->len, bytes, count);
  sb->len += count;
  sb->data[sb->len] = '\0';
}

void strbuf_append_cstr(strbuf *sb, const char *text) {
  strbuf_append(sb, text, strlen(text));
}

void strbuf_append_char(strbuf *sb, char c) {
  strbuf_append(sb, &c, 1);
}

const char *strbuf_cstr(strbuf *sb) {
  if (sb->failed || !sb->data) return "";
  return sb->data;
}

int strbuf_failed(const strbuf *sb) {
  return sb->failed;
}
