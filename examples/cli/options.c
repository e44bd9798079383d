/* SPDX-License-Identifier: Apache-2.0 */
/* options.c - parse the options after a subcommand (see options.h). */
#include "options.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_is_stdin(const char *name) {
  return name == NULL || strcmp(name, "-") == 0;
}

void cli_options_free(cli_options *options) {
  free(options->config_sources);
  free(options->config2_sources);
  free(options->headers);
  free(options->args);
  options->config_sources = NULL;
  options->config2_sources = options->headers = options->args = NULL;
  options->config_count = 0;
}

static int is_option(const char *arg, const char *short_name,
                     const char *long_name) {
  return (short_name && strcmp(arg, short_name) == 0) ||
         strcmp(arg, long_name) == 0;
}

/* The value after option argv[*index]; advances *index. */
static int take_value(int argc, char **argv, int *index, const char **value) {
  if (*index + 1 >= argc) {
    cli_report("option '%s' needs a value", argv[*index]);
    return 0;
  }
  *index += 1;
  *value = argv[*index];
  return 1;
}

static int parse_seed(const char *text, uint64_t *out) {
  unsigned long long value;
  char *end;
  if (text[0] < '0' || text[0] > '9') return 0;
  errno = 0;
  value = strtoull(text, &end, 10);
  if (errno != 0 || *end != '\0') return 0;
  *out = (uint64_t)value;
  return 1;
}

static int is_route(const cli_options *options) {
  return strcmp(options->command, "route") == 0;
}

static int is_command(const cli_options *options, const char *a,
                      const char *b) {
  return strcmp(options->command, a) == 0 ||
         (b && strcmp(options->command, b) == 0);
}

static int reject_for_command(const cli_options *options, const char *arg) {
  cli_report("option '%s' is not valid for '%s'", arg, options->command);
  return 0;
}

static int read_requests_option(cli_options *options, int argc, char **argv,
                                int *index) {
  const char *option = argv[*index];
  if (!is_route(options)) return reject_for_command(options, option);
  if (options->requests_path) {
    cli_report("option '%s' given twice", option);
    return 0;
  }
  return take_value(argc, argv, index, &options->requests_path);
}

static int read_seed_option(cli_options *options, int argc, char **argv,
                            int *index) {
  const char *option = argv[*index];
  const char *value;
  if (!is_route(options)) return reject_for_command(options, option);
  if (options->has_seed) {
    cli_report("option '%s' given twice", option);
    return 0;
  }
  if (!take_value(argc, argv, index, &value)) return 0;
  if (!parse_seed(value, &options->seed)) {
    cli_report("--seed needs a whole number from 0 to 18446744073709551615, "
               "not '%s'",
               value);
    return 0;
  }
  options->has_seed = 1;
  return 1;
}

static int read_file_option(cli_options *options, int argc, char **argv,
                            int *index) {
  return take_value(argc, argv, index,
                    &options->config_sources[options->config_count++]);
}

static int read_fail_under(cli_options *options, int argc, char **argv,
                           int *index) {
  const char *value;
  char *end;
  if (!take_value(argc, argv, index, &value)) return 0;
  errno = 0;
  options->fail_under = strtod(value, &end);
  /* NaN fails both comparisons: !(0 <= x <= 100) rejects it */
  if (errno || end == value || *end != '\0' ||
      !(options->fail_under >= 0 && options->fail_under <= 100)) {
    cli_report("--fail-under needs a percentage from 0 to 100, not '%s'",
               value);
    return 0;
  }
  options->has_fail_under = 1;
  return 1;
}

/* The options of explain, check, lint and diff; 0 = not one of them,
 * -1 = one of them but wrong here (reported), 1 = taken. */
static int read_tool_option(cli_options *options, int argc, char **argv,
                            int *index) {
  const char *arg = argv[*index];
  if (is_option(arg, NULL, "--json")) {
    if (is_command(options, "route", "status") ||
        is_command(options, "convert", NULL))
      return reject_for_command(options, arg) ? 1 : -1;
    options->json = 1;
    return 1;
  }
  if (is_option(arg, NULL, "--tests") || is_option(arg, NULL, "--coverage") ||
      is_option(arg, NULL, "--fail-under")) {
    if (!is_command(options, "check", NULL))
      return reject_for_command(options, arg) ? 1 : -1;
    if (arg[2] == 'c') {
      options->coverage = 1;
      return 1;
    }
    if (arg[2] == 'f') return read_fail_under(options, argc, argv, index) ? 1 : -1;
    if (options->tests_path) {
      cli_report("option '%s' given twice", arg);
      return -1;
    }
    return take_value(argc, argv, index, &options->tests_path) ? 1 : -1;
  }
  if (is_option(arg, "-f2", "--file2")) {
    if (!is_command(options, "diff", NULL))
      return reject_for_command(options, arg) ? 1 : -1;
    return take_value(argc, argv, index,
                      &options->config2_sources[options->config2_count++])
               ? 1
               : -1;
  }
  if (is_option(arg, "-H", "--header")) {
    if (!is_command(options, "explain", NULL))
      return reject_for_command(options, arg) ? 1 : -1;
    return take_value(argc, argv, index,
                      &options->headers[options->header_count++])
               ? 1
               : -1;
  }
  return 0;
}

/* One argument (and its value); returns 0 after reporting a problem. */
static int read_argument(cli_options *options, int argc, char **argv,
                         int *index) {
  const char *arg = argv[*index];
  if (is_option(arg, "-h", "--help")) {
    options->wants_help = 1;
    return 1;
  }
  if (is_option(arg, "-f", "--file"))
    return read_file_option(options, argc, argv, index);
  if (is_option(arg, NULL, "--requests"))
    return read_requests_option(options, argc, argv, index);
  if (is_option(arg, NULL, "--seed"))
    return read_seed_option(options, argc, argv, index);
  switch (read_tool_option(options, argc, argv, index)) {
  case 1:
    return 1;
  case -1:
    return 0;
  default:
    break;
  }
  if (is_command(options, "explain", NULL) && (arg[0] != '-' || arg[1] == '\0')) {
    options->args[options->arg_count++] = arg;
    return 1;
  }
  if (arg[0] == '-' && arg[1] != '\0')
    cli_report("unknown option '%s'", arg);
  else
    cli_report("unexpected argument '%s' (configuration goes after -f)", arg);
  return 0;
}

static size_t count_stdin_configs(const cli_options *options) {
  size_t count = 0;
  size_t i;
  for (i = 0; i < options->config_count; i++) {
    if (cli_is_stdin(options->config_sources[i])) count++;
  }
  return count;
}

/* Rules that involve several options at once. */
static int check_combination(const cli_options *options) {
  size_t stdin_configs = count_stdin_configs(options);
  if (options->config_count == 0) {
    cli_report("'%s' needs at least one -f CONFIG", options->command);
    return 0;
  }
  if (is_command(options, "check", NULL) && !options->tests_path) {
    cli_report("'check' needs --tests FILE");
    return 0;
  }
  if (is_command(options, "check", NULL) && stdin_configs == 1 && cli_is_stdin(options->tests_path)) {
    cli_report("-f - reads the configuration from standard input, so give the tests with --tests FILE");
    return 0;
  }
  if (is_command(options, "diff", NULL) && options->config2_count == 0) {
    cli_report("'diff' needs -f OLD and -f2 NEW");
    return 0;
  }
  if (is_command(options, "explain", NULL) && options->arg_count != 1) {
    cli_report("'explain' needs one request: a JSON object or [METHOD] URL");
    return 0;
  }
  if (stdin_configs > 1) {
    cli_report("-f - (standard input) can be given only once");
    return 0;
  }
  if (stdin_configs == 1 && is_route(options) &&
      cli_is_stdin(options->requests_path)) {
    cli_report("-f - reads the configuration from standard input, so give "
               "the requests with --requests FILE");
    return 0;
  }
  return 1;
}

int cli_options_parse(cli_options *options, const char *command, int argc,
                      char **argv) {
  int i;
  memset(options, 0, sizeof(*options));
  options->command = command;
  options->config_sources = calloc((size_t)argc + 1, sizeof(char *));
  options->config2_sources = calloc((size_t)argc + 1, sizeof(char *));
  options->headers = calloc((size_t)argc + 1, sizeof(char *));
  options->args = calloc((size_t)argc + 1, sizeof(char *));
  if (!options->config_sources || !options->config2_sources ||
      !options->headers || !options->args) {
    cli_report("out of memory");
    return CLI_EXIT_FAILURE;
  }
  for (i = 0; i < argc && !options->wants_help; i++) {
    if (!read_argument(options, argc, argv, &i)) return CLI_EXIT_USAGE;
  }
  if (options->wants_help) return CLI_EXIT_OK;
  return check_combination(options) ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}
