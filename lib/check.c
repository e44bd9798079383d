/* SPDX-License-Identifier: Apache-2.0 */
/* check.c - (scaffold) */
#include "report.h"
int gwr_check(const gwr_table *t, const char *tests, size_t tests_len, int32_t flags, char **report,
              gwr_check_summary *summary, gwr_error *err) {
  (void)t; (void)tests; (void)tests_len; (void)flags; (void)report; (void)summary; (void)err;
  return GWR_E_STATE;
}
