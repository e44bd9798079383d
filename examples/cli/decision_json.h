/* SPDX-License-Identifier: Apache-2.0 */
/*
 * decision_json.h - a gwr_decision as the decision line of `gwroute route`
 * (DESIGN.md "Decision line"), keys in this order:
 *
 *   action, [status], [reason], [location], [grpc_status], [headers],
 *   listener, route, backend, upstream, response_headers, mirrors,
 *   timeouts, retry, session_persistence, extension_refs
 *
 * status comes with respond/redirect, reason with respond/reject, location
 * with redirect, grpc_status when the library gives one, headers (the
 * engine's own answer headers, [[name, value], ...]) with every
 * respond/redirect/reject. upstream is the request after every request
 * filter for a forward, else null. The keys from response_headers on are
 * written for every action, empty when they do not apply
 * (decision_policy_json.h).
 */
#ifndef GWROUTE_CLI_DECISION_JSON_H
#define GWROUTE_CLI_DECISION_JSON_H

#include "gwroute.h"
#include "json_out.h"

/* "forward", "redirect", "respond", "reject", or NULL for any other value. */
const char *decision_action_name(int32_t action);

/* Write the decision as one JSON object. The action must have a name.
 * stream: the request was a TLS/TCP/UDP connection ("upstream" is null). */
void decision_write_json(json_writer *w, const gwr_decision *decision, int stream);

#endif
