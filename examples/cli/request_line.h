/* SPDX-License-Identifier: Apache-2.0 */
/*
 * request_line.h - one JSON request line of `gwroute route`, turned into a
 * gwr_request (DESIGN.md "Request line"):
 *
 *   {"gateway": "infra/prod", "port": 80, "sni": null, "method": "GET",
 *    "scheme": "http", "host": "api.example.com", "path": "/v2/users?id=7",
 *    "headers": [["X-Debug", "true"]], "key": "session-42", "protocol": "http"}
 *
 * Every field may be left out or null: method defaults to GET, scheme to
 * http, path to /, protocol to http (grpc when a content-type header starts
 * with application/grpc), and a missing port is passed as 0 so the library
 * applies its own default (80 for http, 443 for https). Unknown or repeated
 * fields are errors.
 */
#ifndef GWROUTE_CLI_REQUEST_LINE_H
#define GWROUTE_CLI_REQUEST_LINE_H

#include <stddef.h>

#include "gwroute.h"
#include "json_in.h"

typedef struct request_line {
  gwr_request request; /* points into root and headers */
  gwr_header *headers;
  json_value *root;
  int choice_given;    /* the line set "choice" (else the CLI draws one) */
} request_line;

/*
 * Parse one line. Returns 1 on success; 0 on failure, with a sentence in
 * message (e.g. "column 12: expected ':' after an object key" or
 * "port must be an integer from 1 to 65535"). Call request_line_free either
 * way.
 */
int request_line_parse(request_line *line, const char *text, size_t length,
                       char *message, size_t message_size);
void request_line_free(request_line *line);

#endif
