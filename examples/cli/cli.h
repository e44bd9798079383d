/* SPDX-License-Identifier: Apache-2.0 */
/* cli.h - what the parts of the gwroute command share. */
#ifndef GWROUTE_CLI_H
#define GWROUTE_CLI_H

#include "options.h"

/* Exit status (DESIGN.md "The gwroute command"). */
#define CLI_EXIT_OK 0
#define CLI_EXIT_FAILURE 1 /* configuration, request or test failure */
#define CLI_EXIT_USAGE 2

#if defined(__GNUC__)
#define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLI_PRINTF(f, a)
#endif

/* Print "gwroute: <message>" and a newline on stderr. */
void cli_report(const char *format, ...) CLI_PRINTF(1, 2);

/* The subcommands; each returns an exit status. */
int command_route(const cli_options *options);
int command_status(const cli_options *options);
int command_explain(const cli_options *options); /* cmd_explain.c */
int command_check(const cli_options *options);   /* cmd_check.c */
int command_lint(const cli_options *options);    /* cmd_lint.c */
int command_diff(const cli_options *options);    /* cmd_diff.c */
int command_convert(const cli_options *options); /* cmd_convert.c */

#endif
