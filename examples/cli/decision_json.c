/* SPDX-License-Identifier: Apache-2.0 */
/* decision_json.c - a gwr_decision as a JSON line (see decision_json.h). */
#include "decision_json.h"

const char *decision_action_name(int32_t action) {
  switch (action) {
    case GWR_ACTION_FORWARD: return "forward";
    case GWR_ACTION_REDIRECT: return "redirect";
    case GWR_ACTION_RESPOND: return "respond";
    case GWR_ACTION_REJECT: return "reject";
    default: return NULL;
  }
}

/* A string field of the decision; empty when unset or unavailable. */
static gwr_str decision_text(const gwr_decision *decision, int32_t field) {
  gwr_str text = {NULL, 0};
  if (gwr_decision_str(decision, field, &text) != GWR_OK) {
    text.ptr = NULL;
    text.len = 0;
  }
  return text;
}

static void write_text_field(json_writer *w, const char *key,
                             const gwr_decision *decision, int32_t field) {
  gwr_str text = decision_text(decision, field);
  json_key(w, key);
  json_string(w, text.ptr, text.len);
}

/* An index that the library reports as -1 when there is none. */
static void write_index_field(json_writer *w, const char *key, int64_t index) {
  json_key(w, key);
  if (index < 0)
    json_null(w);
  else
    json_int(w, index);
}

static void write_empty_array_field(json_writer *w, const char *key) {
  json_key(w, key);
  json_begin_array(w);
  json_end_array(w);
}

static void write_null_field(json_writer *w, const char *key) {
  json_key(w, key);
  json_null(w);
}

/* status, reason, location, grpc_status and headers of an answer the engine
 * gives itself (redirect, respond, reject). */
static void write_answer_fields(json_writer *w, const gwr_decision *decision,
                                int32_t action) {
  int64_t grpc_status = gwr_decision_int(decision, GWR_DI_GRPC_STATUS);
  if (action == GWR_ACTION_RESPOND || action == GWR_ACTION_REDIRECT) {
    json_key(w, "status");
    json_int(w, gwr_decision_int(decision, GWR_DI_STATUS));
  }
  if (action == GWR_ACTION_RESPOND || action == GWR_ACTION_REJECT)
    write_text_field(w, "reason", decision, GWR_DS_REASON);
  if (action == GWR_ACTION_REDIRECT)
    write_text_field(w, "location", decision, GWR_DS_LOCATION);
  if (grpc_status >= 0) {
    json_key(w, "grpc_status");
    json_int(w, grpc_status);
  }
  write_empty_array_field(w, "headers");
}

static void write_listener(json_writer *w, const gwr_decision *decision) {
  gwr_str listener = decision_text(decision, GWR_DS_LISTENER);
  json_key(w, "listener");
  if (listener.len == 0)
    json_null(w);
  else
    json_string(w, listener.ptr, listener.len);
}

static void write_route(json_writer *w, const gwr_decision *decision) {
  json_key(w, "route");
  if (!gwr_decision_int(decision, GWR_DI_HAS_ROUTE)) {
    json_null(w);
    return;
  }
  json_begin_object(w);
  write_text_field(w, "kind", decision, GWR_DS_ROUTE_KIND);
  write_text_field(w, "namespace", decision, GWR_DS_ROUTE_NAMESPACE);
  write_text_field(w, "name", decision, GWR_DS_ROUTE_NAME);
  write_index_field(w, "rule", gwr_decision_int(decision, GWR_DI_ROUTE_RULE));
  write_index_field(w, "match", gwr_decision_int(decision, GWR_DI_ROUTE_MATCH));
  json_end_object(w);
}

static void write_backend(json_writer *w, const gwr_decision *decision) {
  int64_t port;
  json_key(w, "backend");
  if (!gwr_decision_int(decision, GWR_DI_HAS_BACKEND)) {
    json_null(w);
    return;
  }
  json_begin_object(w);
  write_text_field(w, "group", decision, GWR_DS_BACKEND_GROUP);
  write_text_field(w, "kind", decision, GWR_DS_BACKEND_KIND);
  write_text_field(w, "namespace", decision, GWR_DS_BACKEND_NAMESPACE);
  write_text_field(w, "name", decision, GWR_DS_BACKEND_NAME);
  port = gwr_decision_int(decision, GWR_DI_BACKEND_PORT);
  json_key(w, "port");
  if (port > 0)
    json_int(w, port);
  else
    json_null(w);
  json_end_object(w);
}

static void write_upstream_headers(json_writer *w,
                                   const gwr_decision *decision) {
  size_t count = gwr_decision_header_count(decision, GWR_DH_UPSTREAM);
  size_t i;
  json_key(w, "headers");
  json_begin_array(w);
  for (i = 0; i < count; i++) {
    gwr_header header;
    if (gwr_decision_header(decision, GWR_DH_UPSTREAM, i, &header) != GWR_OK)
      continue;
    json_begin_array(w);
    json_string(w, header.name.ptr, header.name.len);
    json_string(w, header.value.ptr, header.value.len);
    json_end_array(w);
  }
  json_end_array(w);
}

static void write_upstream(json_writer *w, const gwr_decision *decision,
                           int32_t action) {
  json_key(w, "upstream");
  if (action != GWR_ACTION_FORWARD) {
    json_null(w);
    return;
  }
  json_begin_object(w);
  write_text_field(w, "method", decision, GWR_DS_UPSTREAM_METHOD);
  write_text_field(w, "scheme", decision, GWR_DS_UPSTREAM_SCHEME);
  write_text_field(w, "host", decision, GWR_DS_UPSTREAM_HOST);
  write_text_field(w, "path", decision, GWR_DS_UPSTREAM_PATH);
  write_upstream_headers(w, decision);
  json_end_object(w);
}

/* The parts that the public API does not expose yet, with empty values. */
static void write_unexposed_fields(json_writer *w) {
  json_key(w, "response_headers");
  json_begin_object(w);
  write_empty_array_field(w, "set");
  write_empty_array_field(w, "add");
  write_empty_array_field(w, "remove");
  json_end_object(w);
  write_empty_array_field(w, "mirrors");
  json_key(w, "timeouts");
  json_begin_object(w);
  write_null_field(w, "request");
  write_null_field(w, "backend_request");
  json_end_object(w);
  write_null_field(w, "retry");
  write_null_field(w, "session_persistence");
  write_empty_array_field(w, "extension_refs");
}

void decision_write_json(json_writer *w, const gwr_decision *decision) {
  int32_t action = gwr_decision_action(decision);
  const char *action_name = decision_action_name(action);
  json_begin_object(w);
  json_key(w, "action");
  json_cstring(w, action_name ? action_name : "none");
  if (action != GWR_ACTION_FORWARD) write_answer_fields(w, decision, action);
  write_listener(w, decision);
  write_route(w, decision);
  write_backend(w, decision);
  write_upstream(w, decision, action);
  write_unexposed_fields(w);
  json_end_object(w);
}
