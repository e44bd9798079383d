/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_load.c - any bytes as a configuration text (YAML or JSON): load,
 * compile, render the status report, route a few requests, run the tools
 * (explain, lint, diff, check with the text as a test file) and convert its
 * Ingresses. Nothing may crash, leak or hang, whatever the text.
 */
#include <stdlib.h>

#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void route_some(gwr_table *t) {
  static const char *const paths[] = {"/", "/api/v1", "/a/b/../c", "/pkg.Svc/Echo"};
  static const int32_t protocols[] = {GWR_PROTOCOL_HTTP, GWR_PROTOCOL_GRPC, GWR_PROTOCOL_TLS,
                                      GWR_PROTOCOL_TCP};
  gwr_decision *d;
  size_t i;
  if (gwr_decision_new(&d, t) != GWR_OK) return;
  for (i = 0; i < 4; i++) {
    gwr_request r = GWR_REQUEST_INIT;
    r.host = fz_cstr(i & 1 ? "example.com" : "a.example.com");
    r.path = fz_cstr(paths[i]);
    r.protocol = protocols[i];
    r.sni = r.host;
    r.port = i == 3 ? 5432 : 0;
    if (gwr_match(d, t, &r) == GWR_OK) (void)gwr_decision_action(d);
  }
  gwr_decision_free(d);
}

/* The tooling on the same table: explain, lint, diff against itself (no
 * difference may ever be found), and the input once more as a test file. */
static void tools(gwr_table *t, const uint8_t *data, size_t size) {
  gwr_request r = GWR_REQUEST_INIT;
  gwr_check_summary summary = {sizeof(gwr_check_summary), 0, 0, 0, 0, 0, 0, 0};
  char *report = NULL;
  size_t n = 0;
  r.host = fz_cstr("a.example.com");
  r.path = fz_cstr("/api/v1?q=1");
  if (gwr_explain(t, &r, GWR_FORMAT_JSON, &report) == GWR_OK) gwr_report_free(report);
  r.protocol = GWR_PROTOCOL_GRPC;
  if (gwr_explain(t, &r, GWR_FORMAT_TEXT, &report) == GWR_OK) gwr_report_free(report);
  if (gwr_lint(t, GWR_FORMAT_JSON, &report, &n) == GWR_OK) gwr_report_free(report);
  if (gwr_diff(t, t, GWR_FORMAT_TEXT, &report, &n) == GWR_OK) {
    gwr_report_free(report);
    if (n != 0) abort(); /* a table routes like itself */
  }
  report = NULL;
  if (gwr_check(t, (const char *)data, size, GWR_CHECK_COVERAGE | GWR_CHECK_EXPLAIN, &report, &summary,
                NULL) == GWR_OK)
    gwr_report_free(report);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  gwr_config *cfg;
  gwr_table *t;
  gwr_error err = GWR_ERROR_INIT;
  if (gwr_config_new(&cfg, NULL) != GWR_OK) return 0;
  (void)gwr_config_load(cfg, (const char *)data, size, "fuzz.yaml", 9, &err);
  if (gwr_table_compile(&t, cfg, NULL) == GWR_OK) {
    size_t need = 0;
    char *buf;
    (void)gwr_table_status_json(t, NULL, 0, &need);
    buf = malloc(need + 1);
    if (buf && gwr_table_status_json(t, buf, need + 1, NULL) != GWR_OK) abort();
    free(buf);
    route_some(t);
    tools(t, data, size);
    gwr_table_unref(t);
  }
  {
    char *yaml = NULL, *notes = NULL;
    if (gwr_config_convert(cfg, &yaml, &notes, NULL) == GWR_OK) {
      gwr_report_free(yaml);
      gwr_report_free(notes);
    }
  }
  gwr_config_free(cfg);
  return 0;
}
