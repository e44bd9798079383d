/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_convert.c - `gwroute convert`: Ingress objects as Gateway API YAML on
 * stdout; what could not be converted exactly, one line each, on stderr. */
#include <stdio.h>

#include "cli.h"
#include "config_sources.h"
#include "tool_common.h"

int command_convert(const cli_options *options) {
  int load_failed, status;
  char *yaml = NULL, *notes = NULL;
  size_t note_count = 0;
  gwr_config *config =
      config_sources_load(options->config_sources, options->config_count, &load_failed);
  if (!config) return CLI_EXIT_FAILURE;
  status = gwr_config_convert(config, &yaml, &notes, &note_count);
  gwr_config_free(config);
  if (status != GWR_OK) {
    cli_report("convert failed: %s", gwr_strerror(status));
    return CLI_EXIT_FAILURE;
  }
  if (notes && notes[0]) fputs(notes, stderr);
  gwr_report_free(notes);
  if (!tool_print_report(yaml)) return CLI_EXIT_FAILURE;
  return load_failed ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
}
