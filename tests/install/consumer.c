/* SPDX-License-Identifier: Apache-2.0 */
/* A program built against an installed gwroute (find_package and pkg-config). */
#include <gwroute.h>
#include <stdio.h>

int main(void) {
  gwr_config *cfg;
  if (gwr_version() != GWR_VERSION_NUMBER || gwr_config_new(&cfg, NULL) != GWR_OK) return 1;
  gwr_config_free(cfg);
  printf("consumer ok %s\n", gwr_version_string());
  return 0;
}
