/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_check.c - `gwroute check -f CONFIG --tests FILE`: route tests
 * (gwr_check). Exit 1 when a test fails, the match coverage is under
 * --fail-under, or the configuration failed to load. */
#include <stdio.h>

#include "cli.h"
#include "config_sources.h"
#include "tool_common.h"

static void report_test_file_error(const char *path, gwr_error *err, int status) {
  err->message[sizeof err->message - 1] = '\0';
  if (err->line)
    cli_report("%s:%u: %s", path, (unsigned)err->line,
               err->message[0] ? err->message : gwr_strerror(status));
  else
    cli_report("%s: %s", path, err->message[0] ? err->message : gwr_strerror(status));
}

int command_check(const cli_options *options) {
  int load_failed, status, exit_status;
  char *report = NULL;
  strbuf tests = STRBUF_INIT;
  gwr_error err = GWR_ERROR_INIT;
  gwr_check_summary summary = {sizeof(gwr_check_summary), 0, 0, 0, 0, 0, 0, 0};
  int32_t flags = GWR_CHECK_EXPLAIN;
  gwr_table *table = config_sources_compile(options, &load_failed);
  if (!table) return CLI_EXIT_FAILURE;
  if (!tool_read_file(options->tests_path, &tests)) {
    gwr_table_unref(table);
    strbuf_free(&tests);
    return CLI_EXIT_FAILURE;
  }
  if (options->json) flags |= GWR_CHECK_JSON;
  if (options->coverage || options->has_fail_under) flags |= GWR_CHECK_COVERAGE;
  status = gwr_check(table, tests.data ? tests.data : "", tests.len, flags, &report, &summary,
                     &err);
  gwr_table_unref(table);
  strbuf_free(&tests);
  if (status != GWR_OK) {
    report_test_file_error(options->tests_path, &err, status);
    return CLI_EXIT_FAILURE;
  }
  if (!tool_print_report(report)) return CLI_EXIT_FAILURE;
  exit_status = (summary.failed || load_failed) ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
  if (summary.tests == 0) { /* an empty or misplaced test file proves nothing */
    cli_report("%s holds no tests", options->tests_path);
    exit_status = CLI_EXIT_FAILURE;
  }
  if (options->has_fail_under && summary.coverage_permille < options->fail_under * 10.0) {
    cli_report("match coverage %.1f%% is under --fail-under %.1f%%",
               summary.coverage_permille / 10.0, options->fail_under);
    exit_status = CLI_EXIT_FAILURE;
  }
  return exit_status;
}
