/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json_out.h - a compact JSON writer into a strbuf. It places the commas and
 * colons itself, so callers only say what comes next:
 *
 *   json_begin_object(&w);
 *   json_key(&w, "status"); json_int(&w, 404);
 *   json_end_object(&w);            -> {"status":404}
 *
 * Strings are written as valid UTF-8 JSON: '"' and '\' are escaped, control
 * characters and DEL become \u00XX, well-formed UTF-8 is copied as is, and a
 * byte that is not part of well-formed UTF-8 becomes \u00XX (read as
 * Latin-1, as HTTP reads obs-text), so the output is always valid JSON.
 */
#ifndef GWROUTE_CLI_JSON_OUT_H
#define GWROUTE_CLI_JSON_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

#define JSON_WRITER_MAX_DEPTH 32

typedef struct json_writer {
  strbuf *out;
  unsigned depth;
  int after_key; /* a key was written; the next value needs no comma */
  unsigned char has_items[JSON_WRITER_MAX_DEPTH + 1];
  int failed; /* nesting too deep or unbalanced; see json_writer_failed */
} json_writer;

void json_writer_init(json_writer *w, strbuf *out);
/* 1 when the writer was misused or its buffer ran out of memory. */
int json_writer_failed(const json_writer *w);

void json_begin_object(json_writer *w);
void json_end_object(json_writer *w);
void json_begin_array(json_writer *w);
void json_end_array(json_writer *w);
void json_key(json_writer *w, const char *key);

void json_string(json_writer *w, const char *bytes, size_t length);
void json_cstring(json_writer *w, const char *text);
void json_int(json_writer *w, int64_t value);
void json_null(json_writer *w);

/* Append bytes to out as one quoted, escaped JSON string. */
void json_append_quoted(strbuf *out, const char *bytes, size_t length);

#endif
