/* SPDX-License-Identifier: Apache-2.0 */
/* decision_json.c - a gwr_decision as a JSON line (see decision_json.h). */
#include "decision_json.h"

#include "decision_fields.h"
#include "decision_policy_json.h"

const char *decision_action_name(int32_t action) {
  switch (action) {
    case GWR_ACTION_FORWARD: return "forward";
    case GWR_ACTION_REDIRECT: return "redirect";
    case GWR_ACTION_RESPOND: return "respond";
    case GWR_ACTION_REJECT: return "reject";
    default: return NULL;
  }
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
  write_header_pairs_field(w, "headers", decision, GWR_DL_RESPONSE_HEADERS);
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
  write_count_field(w, "rule", gwr_decision_int(decision, GWR_DI_ROUTE_RULE));
  write_count_field(w, "match", gwr_decision_int(decision, GWR_DI_ROUTE_MATCH));
  json_end_object(w);
}

static void write_backend(json_writer *w, const gwr_decision *decision) {
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
  write_port_field(w, "port", gwr_decision_int(decision, GWR_DI_BACKEND_PORT));
  json_end_object(w);
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
  write_header_pairs_field(w, "headers", decision, GWR_DL_UPSTREAM_HEADERS);
  json_end_object(w);
}

void decision_write_json(json_writer *w, const gwr_decision *decision, int stream) {
  int32_t action = gwr_decision_action(decision);
  const char *action_name = decision_action_name(action);
  json_begin_object(w);
  json_key(w, "action");
  json_cstring(w, action_name ? action_name : "none");
  if (action != GWR_ACTION_FORWARD) write_answer_fields(w, decision, action);
  write_optional_text_field(w, "listener", decision, GWR_DS_LISTENER);
  write_route(w, decision);
  write_backend(w, decision);
  write_upstream(w, decision, stream ? GWR_ACTION_NONE : action);
  decision_write_policies(w, decision);
  json_end_object(w);
}
