/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report.h - what the tooling stages (explain, check, lint, diff, convert)
 * share: a growable text buffer with printf and JSON escaping, handed to
 * the caller as a report string that gwr_report_free() releases, and the
 * internal entry points one tool calls in another.
 */
#ifndef GWR_REPORT_H
#define GWR_REPORT_H

#include "table.h"

typedef struct gwr__buf {
  const gwr__alloc *alloc;
  char *data;     /* NUL-terminated while ok */
  size_t len, cap;
  int failed;     /* an allocation failed: everything after is dropped */
} gwr__buf;

void gwr__buf_init(gwr__buf *b, const gwr__alloc *alloc);
void gwr__buf_free(gwr__buf *b);
void gwr__buf_put(gwr__buf *b, const char *p, size_t n);
void gwr__buf_puts(gwr__buf *b, const char *s);
void gwr__buf_printf(gwr__buf *b, const char *fmt, ...) GWR_PRINTF(2, 3);
/* a JSON string literal (quotes included) of (p, n); bytes that are not
 * UTF-8 are written as \u00XX of the byte */
void gwr__buf_json_str(gwr__buf *b, const char *p, size_t n);
void gwr__buf_json_sv(gwr__buf *b, gwr__sv s);
/* (p, n) for text output: control bytes as \xNN */
void gwr__buf_text_sv(gwr__buf *b, gwr__sv s);
/* Move the text into a report for gwr_report_free(): GWR_OK and *out set,
 * or GWR_E_NOMEM (the buffer is freed either way). */
int gwr__buf_finish(gwr__buf *b, char **out);

/* Names the tools print: "forward", "redirect", "respond", "reject",
 * "none"; and a request protocol (GWR_PROTOCOL_*): "http", "grpc", "tls",
 * "tcp", "udp". */
const char *gwr__action_name(int32_t action);
const char *gwr__request_protocol_name(int32_t protocol);

/* explain.c: append the explanation of one request (format GWR_FORMAT_*). */
int gwr__explain_render(gwr__buf *b, const gwr_table *t, const gwr_request *req, int format);

#endif
