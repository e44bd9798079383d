/* SPDX-License-Identifier: Apache-2.0 */
/* config_sources.c - load and compile the -f sources (see config_sources.h). */
#include "config_sources.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "strbuf.h"

#define STDIN_SOURCE_NAME "<stdin>"

static void terminate_error_strings(gwr_error *err) {
  err->kind[sizeof(err->kind) - 1] = '\0';
  err->ns[sizeof(err->ns) - 1] = '\0';
  err->name[sizeof(err->name) - 1] = '\0';
  err->field[sizeof(err->field) - 1] = '\0';
  err->file[sizeof(err->file) - 1] = '\0';
  err->message[sizeof(err->message) - 1] = '\0';
}

/* Print a load failure, naming the file (and line) unless the library's
 * message already does. */
static void report_load_failure(gwr_error *err, int status,
                                const char *source) {
  const char *where;
  terminate_error_strings(err);
  where = err->file[0] ? err->file : source;
  if (err->message[0] == '\0')
    cli_report("%s: %s", where, gwr_strerror(status));
  else if (strstr(err->message, where))
    cli_report("%s", err->message);
  else if (err->line > 0 && err->column > 0)
    cli_report("%s:%u:%u: %s", where, (unsigned)err->line,
               (unsigned)err->column, err->message);
  else if (err->line > 0)
    cli_report("%s:%u: %s", where, (unsigned)err->line, err->message);
  else
    cli_report("%s: %s", where, err->message);
}

static int read_whole_stream(FILE *stream, strbuf *out) {
  char chunk[16384];
  size_t got;
  while ((got = fread(chunk, 1, sizeof(chunk), stream)) > 0)
    strbuf_append(out, chunk, got);
  return !ferror(stream);
}

static int load_stdin(gwr_config *config, gwr_error *err) {
  strbuf text = STRBUF_INIT;
  int status;
  if (!read_whole_stream(stdin, &text)) {
    snprintf(err->message, sizeof(err->message), "%s: cannot read: %s",
             STDIN_SOURCE_NAME, strerror(errno));
    status = GWR_E_IO;
  } else if (strbuf_failed(&text)) {
    snprintf(err->message, sizeof(err->message), "%s: out of memory",
             STDIN_SOURCE_NAME);
    status = GWR_E_NOMEM;
  } else {
    status = gwr_config_load(config, text.data ? text.data : "", text.len,
                             STDIN_SOURCE_NAME, strlen(STDIN_SOURCE_NAME), err);
  }
  strbuf_free(&text);
  return status;
}

/* Load one -f source; returns 1 when it loaded without a failure. */
static int load_source(gwr_config *config, const char *source) {
  gwr_error err = GWR_ERROR_INIT;
  int status;
  if (cli_is_stdin(source))
    status = load_stdin(config, &err);
  else
    status = gwr_config_load_path(config, source, strlen(source), &err);
  if (status == GWR_OK) return 1;
  report_load_failure(&err, status,
                      cli_is_stdin(source) ? STDIN_SOURCE_NAME : source);
  return 0;
}

static void report_rejected_objects(const gwr_config *config) {
  size_t count = gwr_config_count(config, GWR_COUNT_PROBLEMS);
  size_t i;
  for (i = 0; i < count; i++) {
    gwr_error problem = GWR_ERROR_INIT;
    if (gwr_config_problem(config, i, &problem) != GWR_OK) continue;
    terminate_error_strings(&problem);
    if (problem.message[0])
      cli_report("rejected: %s", problem.message);
    else
      cli_report("rejected: %s %s/%s", problem.kind, problem.ns, problem.name);
  }
}

static gwr_table *compile_config(const gwr_config *config) {
  gwr_table *table = NULL;
  gwr_error err = GWR_ERROR_INIT;
  int status = gwr_table_compile(&table, config, &err);
  if (status == GWR_OK) return table;
  terminate_error_strings(&err);
  cli_report("cannot compile the configuration: %s",
             err.message[0] ? err.message : gwr_strerror(status));
  gwr_table_unref(table);
  return NULL;
}

gwr_config *config_sources_load(const char *const *sources, size_t count,
                                int *load_failed) {
  gwr_config *config = NULL;
  size_t i;
  int status = gwr_config_new(&config, NULL);
  *load_failed = 0;
  if (status != GWR_OK) {
    cli_report("cannot create a configuration: %s", gwr_strerror(status));
    return NULL;
  }
  for (i = 0; i < count; i++) {
    if (!load_source(config, sources[i])) *load_failed = 1;
  }
  report_rejected_objects(config);
  return config;
}

gwr_table *config_sources_compile_list(const char *const *sources,
                                       size_t count, int *load_failed) {
  gwr_table *table;
  gwr_config *config = config_sources_load(sources, count, load_failed);
  if (!config) return NULL;
  table = compile_config(config);
  gwr_config_free(config);
  return table;
}

gwr_table *config_sources_compile(const cli_options *options,
                                  int *load_failed) {
  return config_sources_compile_list(options->config_sources,
                                     options->config_count, load_failed);
}
