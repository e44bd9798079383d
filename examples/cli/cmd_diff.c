/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_diff.c - `gwroute diff -f OLD -f2 NEW`: requests routed differently
 * (gwr_diff). Exit 1 when there is a difference or a load failure. */
#include "cli.h"
#include "config_sources.h"
#include "tool_common.h"

int command_diff(const cli_options *options) {
  int failed_old, failed_new, status;
  size_t differences = 0;
  char *report = NULL;
  gwr_table *old_table, *new_table;
  old_table = config_sources_compile_list(options->config_sources, options->config_count,
                                          &failed_old);
  if (!old_table) return CLI_EXIT_FAILURE;
  new_table = config_sources_compile_list(options->config2_sources, options->config2_count,
                                          &failed_new);
  if (!new_table) {
    gwr_table_unref(old_table);
    return CLI_EXIT_FAILURE;
  }
  status = gwr_diff(old_table, new_table, options->json ? GWR_FORMAT_JSON : GWR_FORMAT_TEXT,
                    &report, &differences);
  gwr_table_unref(old_table);
  gwr_table_unref(new_table);
  if (status != GWR_OK) {
    cli_report("diff failed: %s", gwr_strerror(status));
    return CLI_EXIT_FAILURE;
  }
  if (!tool_print_report(report)) return CLI_EXIT_FAILURE;
  return (differences || failed_old || failed_new) ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
}
