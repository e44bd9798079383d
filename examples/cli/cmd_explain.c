/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_explain.c - `gwroute explain -f CONFIG REQUEST`. */
#include "cli.h"
#include "config_sources.h"
#include "tool_common.h"

int command_explain(const cli_options *options) {
  (void)options;
  cli_report("explain: not built yet");
  return CLI_EXIT_FAILURE;
}
