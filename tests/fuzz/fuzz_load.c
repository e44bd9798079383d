/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_load.c - any bytes as a configuration text (YAML or JSON): load,
 * compile, render the status report and route a few requests. Nothing may
 * crash, leak or hang, whatever the text.
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
    gwr_table_unref(t);
  }
  gwr_config_free(cfg);
  return 0;
}
