/* SPDX-License-Identifier: Apache-2.0 */
/* json_in.c - a small, strict JSON reader (see json_in.h). */
#include "json_in.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "utf8.h"

#if defined(__GNUC__)
#define JSON_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define JSON_PRINTF(f, a)
#endif

typedef struct parser {
  const char *text;
  size_t length;
  size_t position;
  unsigned depth;
  json_error *err;
} parser;

static json_value *parse_value(parser *p);

/* ---- errors ---------------------------------------------------------- */

static int fail_at(parser *p, size_t offset, const char *format, ...)
    JSON_PRINTF(3, 4);

/* Record the first error; always returns 0 so callers can `return fail_at`. */
static int fail_at(parser *p, size_t offset, const char *format, ...) {
  va_list args;
  p->err->offset = offset;
  va_start(args, format);
  vsnprintf(p->err->message, sizeof(p->err->message), format, args);
  va_end(args);
  return 0;
}

/* A short description of what is at offset, for "found ..." messages. */
static void describe_byte_at(const parser *p, size_t offset, char *out,
                             size_t out_size) {
  unsigned char byte;
  if (offset >= p->length) {
    snprintf(out, out_size, "end of line");
    return;
  }
  byte = (unsigned char)p->text[offset];
  if (byte > 0x20 && byte < 0x7F)
    snprintf(out, out_size, "'%c'", (char)byte);
  else
    snprintf(out, out_size, "byte 0x%02X", (unsigned)byte);
}

static int fail_expected(parser *p, const char *expected) {
  char found[32];
  describe_byte_at(p, p->position, found, sizeof(found));
  return fail_at(p, p->position, "expected %s, found %s", expected, found);
}

/* ---- values ---------------------------------------------------------- */

static json_value *new_value(parser *p, json_type type) {
  json_value *value = calloc(1, sizeof(*value));
  if (!value) {
    fail_at(p, p->position, "out of memory");
    return NULL;
  }
  value->type = type;
  return value;
}

void json_free(json_value *value) {
  size_t i;
  if (!value) return;
  for (i = 0; i < value->count; i++) {
    if (value->type == JSON_ARRAY) json_free(value->items[i]);
    if (value->type == JSON_OBJECT) {
      free(value->members[i].key);
      json_free(value->members[i].value);
    }
  }
  free(value->items);
  free(value->members);
  free(value->text);
  free(value);
}

/* ---- whitespace and literals ----------------------------------------- */

static void skip_whitespace(parser *p) {
  while (p->position < p->length) {
    char c = p->text[p->position];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
    p->position++;
  }
}

static int next_is(const parser *p, char c) {
  return p->position < p->length && p->text[p->position] == c;
}

static int remaining_starts_with(const parser *p, const char *word) {
  size_t word_length = strlen(word);
  return p->length - p->position >= word_length &&
         memcmp(p->text + p->position, word, word_length) == 0;
}

static json_value *parse_literal(parser *p) {
  static const struct {
    const char *word;
    json_type type;
    int boolean;
  } literals[] = {
      {"true", JSON_BOOL, 1}, {"false", JSON_BOOL, 0}, {"null", JSON_NULL, 0}};
  size_t i;
  for (i = 0; i < sizeof(literals) / sizeof(literals[0]); i++) {
    if (remaining_starts_with(p, literals[i].word)) {
      json_value *value = new_value(p, literals[i].type);
      if (value) value->boolean = literals[i].boolean;
      p->position += strlen(literals[i].word);
      return value;
    }
  }
  fail_expected(p, "a value");
  return NULL;
}

/* ---- numbers --------------------------------------------------------- */

static int is_digit_at(const parser *p, size_t offset) {
  return offset < p->length && p->text[offset] >= '0' && p->text[offset] <= '9';
}

static size_t skip_digits(const parser *p, size_t offset) {
  while (is_digit_at(p, offset)) offset++;
  return offset;
}

/* Check the number grammar from p->position; on success, *end is the
 * offset just past the number. */
static int scan_number(parser *p, size_t *end) {
  size_t at = p->position;
  if (at < p->length && p->text[at] == '-') at++;
  if (!is_digit_at(p, at))
    return fail_at(p, at, "invalid number: expected a digit");
  if (p->text[at] == '0' && is_digit_at(p, at + 1))
    return fail_at(p, at, "invalid number: leading zeros are not allowed");
  at = skip_digits(p, at);
  if (at < p->length && p->text[at] == '.') {
    if (!is_digit_at(p, at + 1))
      return fail_at(p, at + 1, "invalid number: expected a digit after '.'");
    at = skip_digits(p, at + 1);
  }
  if (at < p->length && (p->text[at] == 'e' || p->text[at] == 'E')) {
    at++;
    if (at < p->length && (p->text[at] == '+' || p->text[at] == '-')) at++;
    if (!is_digit_at(p, at))
      return fail_at(p, at, "invalid number: expected a digit in the exponent");
    at = skip_digits(p, at);
  }
  *end = at;
  return 1;
}

static json_value *parse_number(parser *p) {
  size_t end = 0;
  size_t length;
  json_value *value;
  if (!scan_number(p, &end)) return NULL;
  value = new_value(p, JSON_NUMBER);
  if (!value) return NULL;
  length = end - p->position;
  value->text = malloc(length + 1);
  if (!value->text) {
    json_free(value);
    fail_at(p, p->position, "out of memory");
    return NULL;
  }
  memcpy(value->text, p->text + p->position, length);
  value->text[length] = '\0';
  value->length = length;
  p->position = end;
  return value;
}

int json_integer(const json_value *number, int64_t *out) {
  const char *digit;
  int negative;
  uint64_t magnitude = 0;
  uint64_t limit;
  if (!number || number->type != JSON_NUMBER) return 0;
  negative = number->text[0] == '-';
  limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
  for (digit = number->text + negative; *digit; digit++) {
    unsigned d;
    if (*digit < '0' || *digit > '9') return 0; /* fraction or exponent */
    d = (unsigned)(*digit - '0');
    if (magnitude > (limit - d) / 10) return 0;
    magnitude = magnitude * 10 + d;
  }
  if (negative)
    *out = magnitude == (uint64_t)INT64_MAX + 1 ? INT64_MIN
                                                : -(int64_t)magnitude;
  else
    *out = (int64_t)magnitude;
  return 1;
}

/* ---- strings --------------------------------------------------------- */

static int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Read the 4 hex digits of a \uXXXX escape whose backslash is at offset. */
static int read_hex4(parser *p, size_t offset, uint32_t *out) {
  size_t i;
  uint32_t value = 0;
  if (p->length - offset < 6)
    return fail_at(p, offset, "invalid \\u escape: expected 4 hex digits");
  for (i = 2; i < 6; i++) {
    int digit = hex_digit_value(p->text[offset + i]);
    if (digit < 0)
      return fail_at(p, offset, "invalid \\u escape: expected 4 hex digits");
    value = value * 16 + (uint32_t)digit;
  }
  *out = value;
  return 1;
}

static int is_high_surrogate(uint32_t unit) {
  return unit >= 0xD800 && unit <= 0xDBFF;
}

static int is_low_surrogate(uint32_t unit) {
  return unit >= 0xDC00 && unit <= 0xDFFF;
}

/* Decode \uXXXX (and a following \uXXXX when it completes a surrogate pair)
 * at p->position into out. */
static int decode_unicode_escape(parser *p, strbuf *out) {
  size_t start = p->position;
  uint32_t unit;
  uint32_t low;
  char encoded[UTF8_MAX_SEQUENCE];
  if (!read_hex4(p, start, &unit)) return 0;
  p->position += 6;
  if (is_low_surrogate(unit))
    return fail_at(p, start, "unpaired surrogate \\u%04X", (unsigned)unit);
  if (is_high_surrogate(unit)) {
    if (!remaining_starts_with(p, "\\u") || !read_hex4(p, p->position, &low) ||
        !is_low_surrogate(low))
      return fail_at(p, start, "unpaired surrogate \\u%04X", (unsigned)unit);
    p->position += 6;
    unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
  }
  strbuf_append(out, encoded, utf8_encode(unit, encoded));
  return 1;
}

/* The byte that a one-character escape (\n, \", ...) stands for, or -1. */
static int simple_escape_value(char c) {
  switch (c) {
    case '"': return '"';
    case '\\': return '\\';
    case '/': return '/';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    default: return -1;
  }
}

/* Decode the escape whose backslash is at p->position. */
static int decode_escape(parser *p, strbuf *out) {
  int byte;
  char found[32];
  if (p->position + 1 >= p->length)
    return fail_at(p, p->position, "unterminated string");
  if (p->text[p->position + 1] == 'u') return decode_unicode_escape(p, out);
  byte = simple_escape_value(p->text[p->position + 1]);
  if (byte < 0) {
    describe_byte_at(p, p->position + 1, found, sizeof(found));
    return fail_at(p, p->position, "invalid escape: backslash before %s",
                   found);
  }
  strbuf_append_char(out, (char)byte);
  p->position += 2;
  return 1;
}

/* Copy the raw (unescaped) character at p->position, checking it. */
static int copy_raw_character(parser *p, strbuf *out) {
  const unsigned char *at = (const unsigned char *)p->text + p->position;
  size_t sequence;
  if (*at < 0x20)
    return fail_at(p, p->position,
                   "control character U+%04X in a string must be escaped",
                   (unsigned)*at);
  sequence = utf8_sequence_length(at, p->length - p->position);
  if (sequence == 0)
    return fail_at(p, p->position, "invalid UTF-8 (byte 0x%02X)",
                   (unsigned)*at);
  strbuf_append(out, (const char *)at, sequence);
  p->position += sequence;
  return 1;
}

/* Decode the string whose opening quote is at p->position into out. */
static int decode_string(parser *p, strbuf *out) {
  size_t start = p->position;
  p->position++;
  for (;;) {
    char c;
    if (p->position >= p->length)
      return fail_at(p, start, "unterminated string");
    c = p->text[p->position];
    if (c == '"') break;
    if (!(c == '\\' ? decode_escape(p, out) : copy_raw_character(p, out)))
      return 0;
  }
  p->position++;
  if (strbuf_failed(out)) return fail_at(p, start, "out of memory");
  return 1;
}

/* Move a decoded string out of buffer into a NUL-terminated allocation. */
static char *take_buffer(strbuf *buffer) {
  char *text = buffer->data;
  if (!text) text = calloc(1, 1);
  buffer->data = NULL;
  buffer->len = buffer->cap = 0;
  return text;
}

static int parse_string_into(parser *p, char **text, size_t *length) {
  strbuf buffer = STRBUF_INIT;
  if (!decode_string(p, &buffer)) {
    strbuf_free(&buffer);
    return 0;
  }
  *length = buffer.len;
  *text = take_buffer(&buffer);
  if (!*text) return fail_at(p, p->position, "out of memory");
  return 1;
}

static json_value *parse_string(parser *p) {
  json_value *value = new_value(p, JSON_STRING);
  if (!value) return NULL;
  if (!parse_string_into(p, &value->text, &value->length)) {
    json_free(value);
    return NULL;
  }
  return value;
}

/* ---- arrays and objects ---------------------------------------------- */

/* Make room in array (capacity elements of element_size bytes, count in
 * use) for one more; returns the possibly moved array, or NULL. */
static void *grow_for_one_more(parser *p, void *array, size_t *capacity,
                               size_t count, size_t element_size) {
  size_t new_capacity;
  void *grown;
  if (count < *capacity) return array;
  new_capacity = *capacity ? *capacity * 2 : 4;
  if (new_capacity > SIZE_MAX / element_size) {
    fail_at(p, p->position, "out of memory");
    return NULL;
  }
  grown = realloc(array, new_capacity * element_size);
  if (!grown) {
    fail_at(p, p->position, "out of memory");
    return NULL;
  }
  *capacity = new_capacity;
  return grown;
}

/* After an item: consume ',' (returns 1) or the closing bracket (returns 2);
 * anything else is an error (returns 0). */
static int separator_or_end(parser *p, char closing, const char *expected) {
  skip_whitespace(p);
  if (next_is(p, ',')) {
    p->position++;
    return 1;
  }
  if (next_is(p, closing)) {
    p->position++;
    return 2;
  }
  return fail_expected(p, expected);
}

static int parse_array_items(parser *p, json_value *array) {
  size_t capacity = 0;
  skip_whitespace(p);
  if (next_is(p, ']')) {
    p->position++;
    return 1;
  }
  for (;;) {
    json_value **items;
    json_value *item;
    int next;
    items = grow_for_one_more(p, array->items, &capacity, array->count,
                              sizeof(*items));
    if (!items) return 0;
    array->items = items;
    item = parse_value(p);
    if (!item) return 0;
    array->items[array->count++] = item;
    next = separator_or_end(p, ']', "',' or ']' after an array item");
    if (next != 1) return next == 2;
  }
}

static int parse_member(parser *p, json_member *member) {
  skip_whitespace(p);
  if (!next_is(p, '"')) return fail_expected(p, "a string key");
  if (!parse_string_into(p, &member->key, &member->key_length)) return 0;
  skip_whitespace(p);
  if (!next_is(p, ':')) return fail_expected(p, "':' after an object key");
  p->position++;
  member->value = parse_value(p);
  return member->value != NULL;
}

static int parse_object_members(parser *p, json_value *object) {
  size_t capacity = 0;
  skip_whitespace(p);
  if (next_is(p, '}')) {
    p->position++;
    return 1;
  }
  for (;;) {
    json_member *members;
    json_member *member;
    int next;
    members = grow_for_one_more(p, object->members, &capacity, object->count,
                                sizeof(*members));
    if (!members) return 0;
    object->members = members;
    member = &members[object->count++];
    memset(member, 0, sizeof(*member));
    if (!parse_member(p, member)) return 0;
    next = separator_or_end(p, '}', "',' or '}' after an object member");
    if (next != 1) return next == 2;
  }
}

static json_value *parse_container(parser *p, json_type type) {
  json_value *container;
  int ok;
  if (p->depth >= JSON_MAX_DEPTH) {
    fail_at(p, p->position, "nesting deeper than %d levels", JSON_MAX_DEPTH);
    return NULL;
  }
  container = new_value(p, type);
  if (!container) return NULL;
  p->depth++;
  p->position++; /* the opening bracket */
  ok = type == JSON_ARRAY ? parse_array_items(p, container)
                          : parse_object_members(p, container);
  p->depth--;
  if (!ok) {
    json_free(container);
    return NULL;
  }
  return container;
}

static json_value *parse_value(parser *p) {
  char c;
  skip_whitespace(p);
  if (p->position >= p->length) {
    fail_expected(p, "a value");
    return NULL;
  }
  c = p->text[p->position];
  if (c == '{') return parse_container(p, JSON_OBJECT);
  if (c == '[') return parse_container(p, JSON_ARRAY);
  if (c == '"') return parse_string(p);
  if (c == '-' || (c >= '0' && c <= '9')) return parse_number(p);
  return parse_literal(p);
}

json_value *json_parse(const char *text, size_t length, json_error *err) {
  parser p;
  json_value *value;
  p.text = text;
  p.length = length;
  p.position = 0;
  p.depth = 0;
  p.err = err;
  err->offset = 0;
  err->message[0] = '\0';
  value = parse_value(&p);
  if (!value) return NULL;
  skip_whitespace(&p);
  if (p.position < p.length) {
    fail_expected(&p, "end of line after the JSON value");
    json_free(value);
    return NULL;
  }
  return value;
}

/* ---- lookups --------------------------------------------------------- */

const json_value *json_object_get(const json_value *object, const char *key) {
  size_t key_length = strlen(key);
  size_t i;
  if (!object || object->type != JSON_OBJECT) return NULL;
  for (i = 0; i < object->count; i++) {
    const json_member *member = &object->members[i];
    if (member->key_length == key_length &&
        memcmp(member->key, key, key_length) == 0)
      return member->value;
  }
  return NULL;
}

const char *json_type_name(json_type type) {
  switch (type) {
    case JSON_NULL: return "null";
    case JSON_BOOL: return "boolean";
    case JSON_NUMBER: return "number";
    case JSON_STRING: return "string";
    case JSON_ARRAY: return "array";
    case JSON_OBJECT: return "object";
  }
  return "value";
}
