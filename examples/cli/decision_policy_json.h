/* SPDX-License-Identifier: Apache-2.0 */
/*
 * decision_policy_json.h - the policy part of the decision line (DESIGN.md
 * "Decision line"), written for every action, empty when it does not apply:
 *
 *   "response_headers": {"set": [[n, v], ...], "add": [[n, v], ...],
 *                        "remove": [n, ...]},
 *   "mirrors": [{"group", "kind", "namespace", "name", "port"}, ...],
 *   "timeouts": {"request": "10s" | null, "backend_request": ... | null},
 *   "retry": null | {"codes": [500, ...], "attempts": 2 | null,
 *                    "backoff": "100ms" | null},
 *   "session_persistence": null | {"type", "name", "path", "lifetimeType",
 *                                  "absoluteTimeout", "idleTimeout"},
 *   "extension_refs": [{"group", "kind", "name"}, ...]
 *
 * Durations are the strings written in the route. Unset session fields
 * other than type are null.
 */
#ifndef GWROUTE_CLI_DECISION_POLICY_JSON_H
#define GWROUTE_CLI_DECISION_POLICY_JSON_H

#include "gwroute.h"
#include "json_out.h"

/* Write the keys above, in that order, into the open decision object. */
void decision_write_policies(json_writer *w, const gwr_decision *decision);

#endif
