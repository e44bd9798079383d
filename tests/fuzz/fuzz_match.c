/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_match.c - random requests against one table compiled (once) from a
 * configuration that uses every match type, filter and route kind. Every
 * decision is read back through the public API; a lookup must not crash,
 * allocate or run unbounded.
 */
#include <stdlib.h>

#include "fuzz_requests.h"
#include "fuzz_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static gwr_table *table;
static gwr_decision *decision;

static void setup(void) {
  gwr_config *cfg;
  gwr_error err = GWR_ERROR_INIT;
  if (gwr_config_new(&cfg, NULL) != GWR_OK ||
      gwr_config_load(cfg, fuzz_table_yaml, strlen(fuzz_table_yaml), "table.yaml", 10, &err) != GWR_OK ||
      gwr_config_count(cfg, GWR_COUNT_PROBLEMS) != 0 || gwr_table_compile(&table, cfg, &err) != GWR_OK ||
      gwr_decision_new(&decision, table) != GWR_OK)
    abort(); /* the built-in configuration must be valid */
  gwr_config_free(cfg);
}

/* Read every field and list the decision offers. */
static void read_back(const gwr_decision *d, const gwr_request *r) {
  static const int32_t lists[] = {GWR_DL_UPSTREAM_HEADERS, GWR_DL_REQUEST_HEADER_OPS,
                                  GWR_DL_RESPONSE_HEADER_OPS, GWR_DL_RESPONSE_HEADERS,
                                  GWR_DL_MIRRORS, GWR_DL_EXTENSION_REFS, GWR_DL_RETRY_CODES};
  gwr_header out[32];
  size_t i, k, n;
  int32_t f;
  for (f = 0; f < 64; f++) {
    gwr_str s;
    char buf[64];
    (void)gwr_decision_int(d, f);
    (void)gwr_decision_str(d, f, &s);
    (void)gwr_decision_copy(d, f, buf, sizeof buf, NULL);
  }
  for (i = 0; i < sizeof lists / sizeof lists[0]; i++) {
    size_t count = gwr_decision_list_count(d, lists[i]);
    for (k = 0; k < count; k++)
      for (f = 0; f < 8; f++) {
        gwr_str s;
        (void)gwr_decision_list_str(d, lists[i], k, f, &s);
        (void)gwr_decision_list_int(d, lists[i], k, f);
      }
  }
  (void)gwr_headers_apply(d, GWR_DL_REQUEST_HEADER_OPS, r->headers, r->header_count, out, 32, &n);
  (void)gwr_headers_apply(d, GWR_DL_RESPONSE_HEADER_OPS, r->headers, r->header_count, out, 32, &n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz f;
  if (!table) setup();
  f.p = data;
  f.n = size;
  while (f.n) {
    fz_req q;
    fz_request(&f, &q);
    if (gwr_match(decision, table, &q.r) == GWR_OK) read_back(decision, &q.r);
  }
  return 0;
}
