/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_status.c - `gwroute status`: print the status report as JSON. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "config_sources.h"

/* The report as a NUL-terminated allocation, or NULL (reported). */
static char *status_report(const gwr_table *table) {
  size_t needed = 0;
  char *report = NULL;
  int attempt;
  int status = gwr_table_status_json(table, NULL, 0, &needed);
  for (attempt = 0; attempt < 2 && (status == GWR_E_RANGE || status == GWR_OK);
       attempt++) {
    char *grown = realloc(report, needed + 1);
    if (!grown) {
      cli_report("out of memory");
      free(report);
      return NULL;
    }
    report = grown;
    status = gwr_table_status_json(table, report, needed + 1, &needed);
    if (status == GWR_OK) return report;
  }
  cli_report("cannot make the status report: %s", gwr_strerror(status));
  free(report);
  return NULL;
}

int command_status(const cli_options *options) {
  int load_failed;
  int exit_status = CLI_EXIT_FAILURE;
  gwr_table *table = config_sources_compile(options, &load_failed);
  char *report;
  if (!table) return CLI_EXIT_FAILURE;
  report = status_report(table);
  if (report) {
    if (puts(report) >= 0 && fflush(stdout) == 0)
      exit_status = load_failed ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
    else
      cli_report("cannot write the status report");
    free(report);
  }
  gwr_table_unref(table);
  return exit_status;
}
