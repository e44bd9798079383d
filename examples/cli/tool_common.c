/* SPDX-License-Identifier: Apache-2.0 */
/* tool_common.c - report printing and file reading for the tool commands. */
#include "tool_common.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "options.h"

int tool_print_report(char *report) {
  int ok = 1;
  size_t n = report ? strlen(report) : 0;
  if (n && fwrite(report, 1, n, stdout) != n) ok = 0;
  if (n && report[n - 1] != '\n' && putchar('\n') == EOF) ok = 0;
  if (fflush(stdout) != 0) ok = 0;
  gwr_report_free(report);
  if (!ok) cli_report("cannot write the report");
  return ok;
}

int tool_read_file(const char *path, strbuf *out) {
  char chunk[16384];
  size_t got;
  FILE *f = cli_is_stdin(path) ? stdin : fopen(path, "rb");
  if (!f) {
    cli_report("%s: cannot open: %s", path, strerror(errno));
    return 0;
  }
  while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) strbuf_append(out, chunk, got);
  if (ferror(f)) {
    cli_report("%s: cannot read: %s", path, strerror(errno));
    if (f != stdin) fclose(f);
    return 0;
  }
  if (f != stdin) fclose(f);
  if (strbuf_failed(out)) {
    cli_report("%s: out of memory", path);
    return 0;
  }
  return 1;
}
