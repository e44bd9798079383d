/* SPDX-License-Identifier: Apache-2.0 */
/*
 * options.h - the options after a subcommand:
 *   -f, --file CONFIG   (repeatable; "-" is stdin)
 *   --requests FILE     (route only; "-" or absent is stdin)
 *   --seed N            (route only; repeatable random choices)
 *   --json              (explain, check, lint, diff: JSON report)
 *   --tests FILE        (check: the test file)
 *   --coverage          (check: list what no test exercised)
 *   --fail-under PCT    (check: fail below this match coverage)
 *   -f2, --file2 CONFIG (diff: the new configuration; repeatable)
 *   -H 'Name: value'    (explain: a request header; repeatable)
 *   ARG                 (explain: the request, a JSON object or [METHOD] URL)
 *   -h, --help
 */
#ifndef GWROUTE_CLI_OPTIONS_H
#define GWROUTE_CLI_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

typedef struct cli_options {
  const char *command;         /* "route" or "status" */
  const char **config_sources; /* the -f values, in order */
  size_t config_count;
  const char *requests_path; /* NULL or "-": stdin */
  int has_seed;
  uint64_t seed;
  int wants_help;
  int json;
  const char *tests_path;
  int coverage;
  int has_fail_under;
  double fail_under;           /* percent, 0..100 */
  const char **config2_sources; /* the -f2 values, in order */
  size_t config2_count;
  const char **headers;        /* the -H values */
  size_t header_count;
  const char **args;           /* positional arguments (explain) */
  size_t arg_count;
} cli_options;

/*
 * Parse argv[0..argc) for command. Returns CLI_EXIT_OK, or CLI_EXIT_USAGE
 * (CLI_EXIT_FAILURE when out of memory) after printing the problem on
 * stderr. Parsing stops at -h/--help. Call cli_options_free either way.
 */
int cli_options_parse(cli_options *options, const char *command, int argc,
                      char **argv);
void cli_options_free(cli_options *options);

/* 1 when name means standard input ("-"). */
int cli_is_stdin(const char *name);

#endif
