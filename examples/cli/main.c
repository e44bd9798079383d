/* SPDX-License-Identifier: Apache-2.0 */
/*
 * main.c - the gwroute command: pick the subcommand and run it.
 * Exit status: 0 success, 1 configuration or request failure, 2 usage error.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "gwroute.h"

static const char usage_text[] =
    "Usage: gwroute <command> [options]\n"
    "\n"
    "Commands:\n"
    "  route  -f CONFIG... [--requests FILE|-] [--seed N]\n"
    "         Read requests as JSON lines and print one JSON decision per "
    "line.\n"
    "  status -f CONFIG...\n"
    "         Print the Gateway API status report as JSON.\n"
    "  explain -f CONFIG... [--json] [-H 'Name: value']... REQUEST\n"
    "         Why REQUEST (a JSON request line, or [METHOD] URL) is routed\n"
    "         as it is: listener, hostname buckets, every candidate with the\n"
    "         condition that failed, the winner's precedence, filters, backend.\n"
    "  check -f CONFIG... --tests FILE [--coverage] [--fail-under PCT] [--json]\n"
    "         Run route tests; exit 1 when one fails or coverage is too low.\n"
    "  lint -f CONFIG... [--json]\n"
    "         Shadowed rules, conflicts, cross-namespace hostname claims,\n"
    "         weight-0 backends; exit 1 when there is a finding.\n"
    "  diff -f OLD... -f2 NEW... [--json]\n"
    "         Requests that OLD and NEW route differently; exit 1 if any.\n"
    "  convert -f CONFIG...\n"
    "         Ingress objects as Gateway API YAML (stdout) and what could not\n"
    "         be converted exactly (stderr).\n"
    "\n"
    "Options:\n"
    "  -f, --file CONFIG  a YAML or JSON file, a folder of *.yaml, *.yml and\n"
    "                     *.json files, or - for standard input; repeatable\n"
    "  --requests FILE    read the request lines from FILE (default: standard\n"
    "                     input, also -)\n"
    "  --seed N           repeatable weighted choices for requests without "
    "\"key\"\n"
    "  -f2, --file2 NEW   (diff) the new configuration; repeatable\n"
    "  -h, --help         print this help\n"
    "  --version          print the version\n"
    "\n"
    "Exit status: 0 success, 1 configuration or request failure, 2 usage "
    "error.\n";

static void print_usage(FILE *stream) {
  fputs(usage_text, stream);
}

static int usage_error(void) {
  print_usage(stderr);
  return CLI_EXIT_USAGE;
}

static int is_help(const char *arg) {
  return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0 ||
         strcmp(arg, "help") == 0;
}

static int run_command(int (*command)(const cli_options *), const char *name,
                       int argc, char **argv) {
  cli_options options;
  int status = cli_options_parse(&options, name, argc, argv);
  if (status == CLI_EXIT_USAGE) {
    print_usage(stderr);
  } else if (status == CLI_EXIT_OK && options.wants_help) {
    print_usage(stdout);
  } else if (status == CLI_EXIT_OK) {
    status = command(&options);
  }
  cli_options_free(&options);
  return status;
}

int main(int argc, char **argv) {
  const char *name;
  if (argc < 2) return usage_error();
  name = argv[1];
  if (is_help(name)) {
    print_usage(stdout);
    return CLI_EXIT_OK;
  }
  if (strcmp(name, "--version") == 0) {
    printf("gwroute %s\n", gwr_version_string());
    return CLI_EXIT_OK;
  }
  if (strcmp(name, "route") == 0)
    return run_command(command_route, name, argc - 2, argv + 2);
  if (strcmp(name, "status") == 0)
    return run_command(command_status, name, argc - 2, argv + 2);
  if (strcmp(name, "explain") == 0)
    return run_command(command_explain, name, argc - 2, argv + 2);
  if (strcmp(name, "check") == 0)
    return run_command(command_check, name, argc - 2, argv + 2);
  if (strcmp(name, "lint") == 0)
    return run_command(command_lint, name, argc - 2, argv + 2);
  if (strcmp(name, "diff") == 0)
    return run_command(command_diff, name, argc - 2, argv + 2);
  if (strcmp(name, "convert") == 0)
    return run_command(command_convert, name, argc - 2, argv + 2);
  if (name[0] == '-')
    cli_report("unknown option '%s'", name);
  else
    cli_report("unknown command '%s'", name);
  return usage_error();
}
