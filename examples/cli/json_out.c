/* SPDX-License-Identifier: Apache-2.0 */
/* json_out.c - a compact JSON writer (see json_out.h). */
#include "json_out.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

void json_writer_init(json_writer *w, strbuf *out) {
  memset(w, 0, sizeof(*w));
  w->out = out;
}

int json_writer_failed(const json_writer *w) {
  return w->failed || strbuf_failed(w->out);
}

/* Write the comma that separates this item from the previous one. */
static void begin_item(json_writer *w) {
  if (w->after_key) {
    w->after_key = 0;
    return;
  }
  if (w->has_items[w->depth]) strbuf_append_char(w->out, ',');
  w->has_items[w->depth] = 1;
}

static void open_container(json_writer *w, char bracket) {
  begin_item(w);
  if (w->depth >= JSON_WRITER_MAX_DEPTH) {
    w->failed = 1;
    return;
  }
  strbuf_append_char(w->out, bracket);
  w->depth++;
  w->has_items[w->depth] = 0;
}

static void close_container(json_writer *w, char bracket) {
  if (w->depth == 0 || w->after_key) {
    w->failed = 1;
    return;
  }
  strbuf_append_char(w->out, bracket);
  w->depth--;
}

void json_begin_object(json_writer *w) {
  open_container(w, '{');
}

void json_end_object(json_writer *w) {
  close_container(w, '}');
}

void json_begin_array(json_writer *w) {
  open_container(w, '[');
}

void json_end_array(json_writer *w) {
  close_container(w, ']');
}

void json_key(json_writer *w, const char *key) {
  if (w->after_key || w->depth == 0) w->failed = 1;
  begin_item(w);
  json_append_quoted(w->out, key, strlen(key));
  strbuf_append_char(w->out, ':');
  w->after_key = 1;
}

void json_string(json_writer *w, const char *bytes, size_t length) {
  begin_item(w);
  json_append_quoted(w->out, bytes, length);
}

void json_cstring(json_writer *w, const char *text) {
  json_string(w, text, strlen(text));
}

void json_int(json_writer *w, int64_t value) {
  char digits[32];
  int written = snprintf(digits, sizeof(digits), "%" PRId64, value);
  begin_item(w);
  strbuf_append(w->out, digits, (size_t)written);
}

void json_null(json_writer *w) {
  begin_item(w);
  strbuf_append_cstr(w->out, "null");
}

/* \u00XX for one byte: control characters, DEL and stray non-UTF-8 bytes. */
static void append_byte_escape(strbuf *out, unsigned char byte) {
  static const char hex[] = "0123456789abcdef";
  char escape[6] = {'\\', 'u', '0', '0', 0, 0};
  escape[4] = hex[byte >> 4];
  escape[5] = hex[byte & 0x0F];
  strbuf_append(out, escape, sizeof(escape));
}

static int needs_byte_escape(unsigned char byte) {
  return byte < 0x20 || byte == 0x7F;
}

/* Append the escaped form of the character at bytes[0]; returns how many
 * input bytes it consumed. */
static size_t append_escaped_char(strbuf *out, const unsigned char *bytes,
                                  size_t available) {
  unsigned char byte = bytes[0];
  size_t sequence;
  if (byte == '"' || byte == '\\') {
    strbuf_append_char(out, '\\');
    strbuf_append_char(out, (char)byte);
    return 1;
  }
  if (needs_byte_escape(byte)) {
    append_byte_escape(out, byte);
    return 1;
  }
  sequence = utf8_sequence_length(bytes, available);
  if (sequence == 0) {
    append_byte_escape(out, byte);
    return 1;
  }
  strbuf_append(out, (const char *)bytes, sequence);
  return sequence;
}

/* The length of the run of bytes starting at bytes that need no escaping. */
static size_t plain_ascii_run(const unsigned char *bytes, size_t available) {
  size_t run = 0;
  while (run < available) {
    unsigned char byte = bytes[run];
    if (byte >= 0x80 || byte == '"' || byte == '\\' || needs_byte_escape(byte))
      break;
    run++;
  }
  return run;
}

void json_append_quoted(strbuf *out, const char *bytes, size_t length) {
  const unsigned char *input = (const unsigned char *)bytes;
  size_t position = 0;
  strbuf_append_char(out, '"');
  while (position < length) {
    size_t run = plain_ascii_run(input + position, length - position);
    strbuf_append(out, bytes + position, run);
    position += run;
    if (position < length) {
      position += append_escaped_char(out, input + position, length - position);
    }
  }
  strbuf_append_char(out, '"');
}
