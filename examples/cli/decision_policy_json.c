/* SPDX-License-Identifier: Apache-2.0 */
/* decision_policy_json.c - the policy part of the decision line (see
 * decision_policy_json.h). */
#include "decision_policy_json.h"

#include "decision_fields.h"

/* One removal: the bare header name. */
static void write_removed_name(json_writer *w, const gwr_decision *decision,
                               size_t index) {
  gwr_str name = decision_item_text(decision, GWR_DL_RESPONSE_HEADER_OPS,
                                    index, GWR_IF_NAME);
  json_string(w, name.ptr, name.len);
}

/* "key": the response header operations of one kind, in their order:
 * [name, value] pairs, or bare names for removals. */
static void write_response_op_group(json_writer *w, const char *key,
                                    const gwr_decision *decision, int64_t op) {
  const int32_t list = GWR_DL_RESPONSE_HEADER_OPS;
  size_t count = gwr_decision_list_count(decision, list);
  size_t i;
  json_key(w, key);
  json_begin_array(w);
  for (i = 0; i < count; i++) {
    if (gwr_decision_list_int(decision, list, i, GWR_IF_OP) != op) continue;
    if (op == GWR_HEADER_OP_REMOVE)
      write_removed_name(w, decision, i);
    else
      write_header_pair(w, decision, list, i);
  }
  json_end_array(w);
}

static void write_response_headers(json_writer *w,
                                   const gwr_decision *decision) {
  json_key(w, "response_headers");
  json_begin_object(w);
  write_response_op_group(w, "set", decision, GWR_HEADER_OP_SET);
  write_response_op_group(w, "add", decision, GWR_HEADER_OP_ADD);
  write_response_op_group(w, "remove", decision, GWR_HEADER_OP_REMOVE);
  json_end_object(w);
}

static void write_mirror(json_writer *w, const gwr_decision *decision,
                         size_t index) {
  const int32_t list = GWR_DL_MIRRORS;
  json_begin_object(w);
  write_item_text_field(w, "group", decision, list, index, GWR_IF_GROUP);
  write_item_text_field(w, "kind", decision, list, index, GWR_IF_KIND);
  write_item_text_field(w, "namespace", decision, list, index,
                        GWR_IF_NAMESPACE);
  write_item_text_field(w, "name", decision, list, index, GWR_IF_NAME);
  write_port_field(w, "port",
                   gwr_decision_list_int(decision, list, index, GWR_IF_PORT));
  json_end_object(w);
}

static void write_mirrors(json_writer *w, const gwr_decision *decision) {
  size_t count = gwr_decision_list_count(decision, GWR_DL_MIRRORS);
  size_t i;
  json_key(w, "mirrors");
  json_begin_array(w);
  for (i = 0; i < count; i++) write_mirror(w, decision, i);
  json_end_array(w);
}

static void write_timeouts(json_writer *w, const gwr_decision *decision) {
  json_key(w, "timeouts");
  json_begin_object(w);
  write_optional_text_field(w, "request", decision, GWR_DS_TIMEOUT_REQUEST);
  write_optional_text_field(w, "backend_request", decision,
                            GWR_DS_TIMEOUT_BACKEND);
  json_end_object(w);
}

static void write_retry_codes(json_writer *w, const gwr_decision *decision) {
  const int32_t list = GWR_DL_RETRY_CODES;
  size_t count = gwr_decision_list_count(decision, list);
  size_t i;
  json_key(w, "codes");
  json_begin_array(w);
  for (i = 0; i < count; i++)
    json_int(w, gwr_decision_list_int(decision, list, i, GWR_IF_CODE));
  json_end_array(w);
}

static void write_retry(json_writer *w, const gwr_decision *decision) {
  if (!gwr_decision_int(decision, GWR_DI_HAS_RETRY)) {
    write_null_field(w, "retry");
    return;
  }
  json_key(w, "retry");
  json_begin_object(w);
  write_retry_codes(w, decision);
  write_count_field(w, "attempts",
                    gwr_decision_int(decision, GWR_DI_RETRY_ATTEMPTS));
  write_optional_text_field(w, "backoff", decision, GWR_DS_RETRY_BACKOFF);
  json_end_object(w);
}

static void write_session_persistence(json_writer *w,
                                      const gwr_decision *decision) {
  if (!gwr_decision_int(decision, GWR_DI_HAS_SESSION)) {
    write_null_field(w, "session_persistence");
    return;
  }
  json_key(w, "session_persistence");
  json_begin_object(w);
  write_text_field(w, "type", decision, GWR_DS_SESSION_TYPE);
  write_optional_text_field(w, "name", decision, GWR_DS_SESSION_NAME);
  write_optional_text_field(w, "path", decision, GWR_DS_SESSION_COOKIE_PATH);
  write_optional_text_field(w, "lifetimeType", decision,
                            GWR_DS_SESSION_LIFETIME);
  write_optional_text_field(w, "absoluteTimeout", decision,
                            GWR_DS_SESSION_ABSOLUTE_TIMEOUT);
  write_optional_text_field(w, "idleTimeout", decision,
                            GWR_DS_SESSION_IDLE_TIMEOUT);
  json_end_object(w);
}

static void write_extension_ref(json_writer *w, const gwr_decision *decision,
                                size_t index) {
  const int32_t list = GWR_DL_EXTENSION_REFS;
  json_begin_object(w);
  write_item_text_field(w, "group", decision, list, index, GWR_IF_GROUP);
  write_item_text_field(w, "kind", decision, list, index, GWR_IF_KIND);
  write_item_text_field(w, "name", decision, list, index, GWR_IF_NAME);
  json_end_object(w);
}

static void write_extension_refs(json_writer *w,
                                 const gwr_decision *decision) {
  size_t count = gwr_decision_list_count(decision, GWR_DL_EXTENSION_REFS);
  size_t i;
  json_key(w, "extension_refs");
  json_begin_array(w);
  for (i = 0; i < count; i++) write_extension_ref(w, decision, i);
  json_end_array(w);
}

void decision_write_policies(json_writer *w, const gwr_decision *decision) {
  write_response_headers(w, decision);
  write_mirrors(w, decision);
  write_timeouts(w, decision);
  write_retry(w, decision);
  write_session_persistence(w, decision);
  write_extension_refs(w, decision);
}
