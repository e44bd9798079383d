/* SPDX-License-Identifier: Apache-2.0 */
/*
 * options.h - the options after a subcommand:
 *   -f, --file CONFIG   (repeatable; "-" is stdin)
 *   --requests FILE     (route only; "-" or absent is stdin)
 *   --seed N            (route only; repeatable random choices)
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
