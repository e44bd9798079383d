/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_lint.c - `gwroute lint`: shadowed rules and conflicts (gwr_lint).
 * Exit 1 when there is a finding (or the configuration failed to load). */
#include "cli.h"
#include "config_sources.h"
#include "tool_common.h"

int command_lint(const cli_options *options) {
  int load_failed, status;
  size_t findings = 0;
  char *report = NULL;
  gwr_table *table = config_sources_compile(options, &load_failed);
  if (!table) return CLI_EXIT_FAILURE;
  status = gwr_lint(table, options->json ? GWR_FORMAT_JSON : GWR_FORMAT_TEXT, &report,
                    &findings);
  gwr_table_unref(table);
  if (status != GWR_OK) {
    cli_report("lint failed: %s", gwr_strerror(status));
    return CLI_EXIT_FAILURE;
  }
  if (!tool_print_report(report)) return CLI_EXIT_FAILURE;
  return (findings || load_failed) ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
}
