/* SPDX-License-Identifier: Apache-2.0 */
/* explain.c - (scaffold) */
#include "report.h"
int gwr__explain_render(gwr__buf *b, const gwr_table *t, const gwr_request *req, int format) {
  (void)b; (void)t; (void)req; (void)format;
  return GWR_E_STATE;
}
int gwr_explain(const gwr_table *t, const gwr_request *req, int32_t format, char **out) {
  (void)t; (void)req; (void)format; (void)out;
  return GWR_E_STATE;
}
