/* SPDX-License-Identifier: Apache-2.0 */
/* tool_common.h - what explain, check, lint, diff and convert share. */
#ifndef GWROUTE_CLI_TOOL_COMMON_H
#define GWROUTE_CLI_TOOL_COMMON_H

#include "gwroute.h"
#include "strbuf.h"

/* Print a report (adding a final newline when missing) on stdout and free
 * it; returns 1 when it was written. */
int tool_print_report(char *report);

/* Read a whole file ("-" = stdin) into out; 0 after reporting a problem. */
int tool_read_file(const char *path, strbuf *out);

#endif
