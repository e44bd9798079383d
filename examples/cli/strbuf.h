/* SPDX-License-Identifier: Apache-2.0 */
/*
 * strbuf.h - a growable byte buffer. An allocation failure is remembered
 * (strbuf_failed) instead of being checked after every append, so writers
 * can append freely and test once at the end.
 */
#ifndef GWROUTE_CLI_STRBUF_H
#define GWROUTE_CLI_STRBUF_H

#include <stddef.h>

typedef struct strbuf {
  char *data; /* NUL-terminated when len > 0 or after strbuf_cstr */
  size_t len;
  size_t cap;
  int failed; /* 1 after an allocation failed; later appends do nothing */
} strbuf;

#define STRBUF_INIT {NULL, 0, 0, 0}

void strbuf_free(strbuf *sb);
/* Forget the contents but keep the memory (and clear a failure). */
void strbuf_reset(strbuf *sb);
void strbuf_append(strbuf *sb, const char *bytes, size_t count);
void strbuf_append_cstr(strbuf *sb, const char *text);
void strbuf_append_char(strbuf *sb, char c);
/* The contents as a NUL-terminated string ("" when empty or failed). */
const char *strbuf_cstr(strbuf *sb);
int strbuf_failed(const strbuf *sb);

#endif
