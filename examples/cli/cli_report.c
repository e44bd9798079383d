/* SPDX-License-Identifier: Apache-2.0 */
/* cli_report.c - messages on stderr. */
#include <stdarg.h>
#include <stdio.h>

#include "cli.h"

void cli_report(const char *format, ...) {
  va_list args;
  fputs("gwroute: ", stderr);
  va_start(args, format);
  vfprintf(stderr, format, args);
  va_end(args);
  fputc('\n', stderr);
}
