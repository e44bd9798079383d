/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json_in.h - a small, strict JSON reader (RFC 8259) for request lines.
 *
 * It accepts exactly one JSON value surrounded by optional whitespace. The
 * text must be UTF-8; strings are decoded (every escape, \uXXXX included,
 * surrogate pairs joined) into UTF-8 that may contain NUL bytes, so always
 * use their length. Numbers keep their literal text. Nesting deeper than
 * JSON_MAX_DEPTH is refused. Duplicate object keys are kept in order;
 * json_object_get returns the first.
 */
#ifndef GWROUTE_CLI_JSON_IN_H
#define GWROUTE_CLI_JSON_IN_H

#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 64

typedef enum json_type {
  JSON_NULL,
  JSON_BOOL,
  JSON_NUMBER,
  JSON_STRING,
  JSON_ARRAY,
  JSON_OBJECT
} json_type;

typedef struct json_value json_value;

typedef struct json_member {
  char *key; /* decoded, NUL-terminated, may contain NUL */
  size_t key_length;
  json_value *value;
} json_member;

struct json_value {
  json_type type;
  int boolean;          /* JSON_BOOL: 0 or 1 */
  char *text;           /* JSON_STRING: decoded bytes; JSON_NUMBER: literal */
  size_t length;        /* bytes in text */
  json_value **items;   /* JSON_ARRAY */
  json_member *members; /* JSON_OBJECT */
  size_t count;         /* items or members */
};

/* Why a parse failed: offset is the 0-based byte position in the text. */
typedef struct json_error {
  size_t offset;
  char message[160];
} json_error;

/* Parse text; returns the value, or NULL with err filled. */
json_value *json_parse(const char *text, size_t length, json_error *err);
void json_free(json_value *value);

/* The first member of an object named key, or NULL. */
const json_value *json_object_get(const json_value *object, const char *key);

/* 1 when a number is written as an integer (no fraction or exponent) that
 * fits in int64_t, with the value stored in out; 0 otherwise. */
int json_integer(const json_value *number, int64_t *out);

/* "null", "boolean", "number", "string", "array" or "object". */
const char *json_type_name(json_type type);

#endif
