/* SPDX-License-Identifier: Apache-2.0 */
/* convert.c - (scaffold) */
#include "config.h"
int gwr_config_convert(const gwr_config *cfg, char **yaml, char **notes, size_t *note_count) {
  (void)cfg; (void)yaml; (void)notes; (void)note_count;
  return GWR_E_STATE;
}
