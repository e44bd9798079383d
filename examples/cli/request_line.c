/* SPDX-License-Identifier: Apache-2.0 */
/* request_line.c - a JSON request line as a gwr_request. */
#include "request_line.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
#define REQUEST_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define REQUEST_PRINTF(f, a)
#endif

#define PORT_MAX 65535

typedef struct field_reader_context {
  request_line *line;
  const char *field; /* the field being read, for messages */
  int protocol_given;
  char *message;
  size_t message_size;
} field_reader_context;

typedef int (*field_reader)(field_reader_context *ctx, const json_value *value);

static int reject(field_reader_context *ctx, const char *format, ...)
    REQUEST_PRINTF(2, 3);

/* Write the failure message; returns 0 so readers can `return reject(...)`. */
static int reject(field_reader_context *ctx, const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(ctx->message, ctx->message_size, format, args);
  va_end(args);
  return 0;
}

static int reject_type(field_reader_context *ctx, const char *expected,
                       const json_value *value) {
  return reject(ctx, "%s must be %s, not %s", ctx->field, expected,
                json_type_name(value->type));
}

static gwr_str view_of(const char *text, size_t length) {
  gwr_str view;
  view.ptr = text;
  view.len = length;
  return view;
}

static gwr_str view_of_cstr(const char *text) {
  return view_of(text, strlen(text));
}

static int view_equals(gwr_str view, const char *text) {
  size_t length = strlen(text);
  return view.len == length && memcmp(view.ptr, text, length) == 0;
}

/* A string field into *out; null leaves *out as it is. */
static int read_string(field_reader_context *ctx, const json_value *value,
                       gwr_str *out) {
  if (value->type == JSON_NULL) return 1;
  if (value->type != JSON_STRING) return reject_type(ctx, "a string", value);
  *out = view_of(value->text, value->length);
  return 1;
}

/* ---- one reader per field ------------------------------------------- */

static int is_namespaced_name(gwr_str text) {
  const char *slash = memchr(text.ptr, '/', text.len);
  size_t name_start;
  if (!slash || slash == text.ptr) return 0;
  name_start = (size_t)(slash - text.ptr) + 1;
  return name_start < text.len &&
         memchr(text.ptr + name_start, '/', text.len - name_start) == NULL;
}

static int read_gateway(field_reader_context *ctx, const json_value *value) {
  gwr_str *gateway = &ctx->line->request.gateway;
  if (!read_string(ctx, value, gateway)) return 0;
  if (value->type == JSON_STRING && !is_namespaced_name(*gateway))
    return reject(ctx, "gateway must look like namespace/name");
  return 1;
}

static int read_port(field_reader_context *ctx, const json_value *value) {
  int64_t port;
  if (value->type == JSON_NULL) return 1;
  if (value->type != JSON_NUMBER) return reject_type(ctx, "a number", value);
  if (!json_integer(value, &port) || port < 1 || port > PORT_MAX)
    return reject(ctx, "port must be an integer from 1 to %d", PORT_MAX);
  ctx->line->request.port = (uint32_t)port;
  return 1;
}

/* The weighted-choice value (a host's random number), for reproducible
 * decisions without a key: 0 .. 2^53 - 1 (exact in JSON). */
static int read_choice(field_reader_context *ctx, const json_value *value) {
  int64_t choice;
  if (value->type == JSON_NULL) return 1;
  if (value->type != JSON_NUMBER) return reject_type(ctx, "a number", value);
  if (!json_integer(value, &choice) || choice < 0 || choice > ((int64_t)1 << 53) - 1)
    return reject(ctx, "choice must be an integer from 0 to 2^53-1");
  ctx->line->request.choice = (uint64_t)choice;
  ctx->line->choice_given = 1;
  return 1;
}

static int read_sni(field_reader_context *ctx, const json_value *value) {
  return read_string(ctx, value, &ctx->line->request.sni);
}

static int read_method(field_reader_context *ctx, const json_value *value) {
  gwr_str *method = &ctx->line->request.method;
  if (!read_string(ctx, value, method)) return 0;
  if (value->type == JSON_STRING && method->len == 0)
    return reject(ctx, "method must not be empty");
  return 1;
}

static int read_scheme(field_reader_context *ctx, const json_value *value) {
  gwr_str *scheme = &ctx->line->request.scheme;
  if (!read_string(ctx, value, scheme)) return 0;
  if (value->type == JSON_STRING && !view_equals(*scheme, "http") &&
      !view_equals(*scheme, "https"))
    return reject(ctx, "scheme must be http or https");
  return 1;
}

static int read_host(field_reader_context *ctx, const json_value *value) {
  return read_string(ctx, value, &ctx->line->request.host);
}

static int read_path(field_reader_context *ctx, const json_value *value) {
  return read_string(ctx, value, &ctx->line->request.path);
}

static int read_key(field_reader_context *ctx, const json_value *value) {
  return read_string(ctx, value, &ctx->line->request.key);
}

static int read_protocol(field_reader_context *ctx, const json_value *value) {
  static const struct {
    const char *name;
    int32_t protocol;
  } protocols[] = {{"http", GWR_PROTOCOL_HTTP}, {"grpc", GWR_PROTOCOL_GRPC},
                   {"tls", GWR_PROTOCOL_TLS},   {"tcp", GWR_PROTOCOL_TCP},
                   {"udp", GWR_PROTOCOL_UDP}};
  gwr_str name = {NULL, 0};
  size_t i;
  if (value->type == JSON_NULL) return 1;
  if (!read_string(ctx, value, &name)) return 0;
  for (i = 0; i < sizeof(protocols) / sizeof(protocols[0]); i++) {
    if (view_equals(name, protocols[i].name)) {
      ctx->line->request.protocol = protocols[i].protocol;
      ctx->protocol_given = 1;
      return 1;
    }
  }
  return reject(ctx, "protocol must be http, grpc, tls, tcp or udp");
}

/* One [name, value] pair of the headers array. */
static int read_header_pair(field_reader_context *ctx, const json_value *pair,
                            size_t index, gwr_header *out) {
  const json_value *name;
  const json_value *value;
  if (pair->type != JSON_ARRAY || pair->count != 2 ||
      pair->items[0]->type != JSON_STRING ||
      pair->items[1]->type != JSON_STRING)
    return reject(ctx, "headers[%zu] must be a [name, value] pair of strings",
                  index);
  name = pair->items[0];
  value = pair->items[1];
  if (name->length == 0)
    return reject(ctx, "headers[%zu] has an empty name", index);
  out->name = view_of(name->text, name->length);
  out->value = view_of(value->text, value->length);
  return 1;
}

static int read_headers(field_reader_context *ctx, const json_value *value) {
  request_line *line = ctx->line;
  size_t i;
  if (value->type == JSON_NULL) return 1;
  if (value->type != JSON_ARRAY)
    return reject_type(ctx, "an array of [name, value] pairs", value);
  if (value->count == 0) return 1;
  line->headers = calloc(value->count, sizeof(*line->headers));
  if (!line->headers) return reject(ctx, "out of memory");
  for (i = 0; i < value->count; i++) {
    if (!read_header_pair(ctx, value->items[i], i, &line->headers[i])) return 0;
  }
  line->request.headers = line->headers;
  line->request.header_count = value->count;
  return 1;
}

/* ---- the whole line -------------------------------------------------- */

static const struct {
  const char *name;
  field_reader read;
} request_fields[] = {
    {"gateway", read_gateway}, {"port", read_port},       {"sni", read_sni},
    {"method", read_method},   {"scheme", read_scheme},   {"host", read_host},
    {"path", read_path},       {"headers", read_headers}, {"key", read_key},
    {"protocol", read_protocol}, {"choice", read_choice}};

#define REQUEST_FIELD_COUNT (sizeof(request_fields) / sizeof(request_fields[0]))

static size_t find_request_field(const json_member *member) {
  size_t i;
  for (i = 0; i < REQUEST_FIELD_COUNT; i++) {
    const char *name = request_fields[i].name;
    if (strlen(name) == member->key_length &&
        memcmp(name, member->key, member->key_length) == 0)
      return i;
  }
  return REQUEST_FIELD_COUNT;
}

static int read_members(field_reader_context *ctx, const json_value *object) {
  unsigned char seen[REQUEST_FIELD_COUNT] = {0};
  size_t i;
  for (i = 0; i < object->count; i++) {
    const json_member *member = &object->members[i];
    size_t field = find_request_field(member);
    if (field == REQUEST_FIELD_COUNT)
      return reject(ctx, "unknown field %s", member->key);
    if (seen[field])
      return reject(ctx, "field %s appears twice", request_fields[field].name);
    seen[field] = 1;
    ctx->field = request_fields[field].name;
    if (!request_fields[field].read(ctx, member->value)) return 0;
  }
  return 1;
}

static void apply_defaults(request_line *line, int protocol_given) {
  gwr_request *request = &line->request;
  if (request->method.len == 0) request->method = view_of_cstr("GET");
  if (request->scheme.len == 0) request->scheme = view_of_cstr("http");
  if (!request->path.ptr) request->path = view_of_cstr("/");
  /* a content-type of application/grpc makes a request gRPC: the library
   * decides that, so every host agrees */
  (void)protocol_given;
}

static int parse_json_text(request_line *line, const char *text, size_t length,
                           char *message, size_t message_size) {
  json_error err;
  line->root = json_parse(text, length, &err);
  if (!line->root) {
    snprintf(message, message_size, "column %zu: %s", err.offset + 1,
             err.message);
    return 0;
  }
  if (line->root->type != JSON_OBJECT) {
    snprintf(message, message_size,
             "a request line must be a JSON object, not %s",
             json_type_name(line->root->type));
    return 0;
  }
  return 1;
}

int request_line_parse(request_line *line, const char *text, size_t length,
                       char *message, size_t message_size) {
  static const gwr_request empty_request = GWR_REQUEST_INIT;
  field_reader_context ctx;
  line->request = empty_request;
  line->headers = NULL;
  line->root = NULL;
  line->choice_given = 0;
  if (!parse_json_text(line, text, length, message, message_size)) return 0;
  memset(&ctx, 0, sizeof(ctx));
  ctx.line = line;
  ctx.message = message;
  ctx.message_size = message_size;
  if (!read_members(&ctx, line->root)) return 0;
  apply_defaults(line, ctx.protocol_given);
  return 1;
}

void request_line_free(request_line *line) {
  free(line->headers);
  json_free(line->root);
  line->headers = NULL;
  line->root = NULL;
}
