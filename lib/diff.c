/* SPDX-License-Identifier: Apache-2.0 */
/* diff.c - (scaffold) */
#include "report.h"
int gwr_diff(const gwr_table *a, const gwr_table *b, int32_t format, char **report, size_t *differences) {
  (void)a; (void)b; (void)format; (void)report; (void)differences;
  return GWR_E_STATE;
}
