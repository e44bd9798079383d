/* SPDX-License-Identifier: Apache-2.0 */
/* lint.c - (scaffold) */
#include "report.h"
int gwr_lint(const gwr_table *t, int32_t format, char **report, size_t *findings) {
  (void)t; (void)format; (void)report; (void)findings;
  return GWR_E_STATE;
}
