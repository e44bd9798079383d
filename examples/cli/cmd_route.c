/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_route.c - `gwroute route`: read JSON request lines, print one JSON
 * decision line per request (DESIGN.md "Request line", "Decision line").
 * Blank lines are skipped; a line that cannot be routed is answered with
 * {"error":"line N: ..."} and makes the exit status 1.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "choice_source.h"
#include "cli.h"
#include "config_sources.h"
#include "decision_json.h"
#include "json_out.h"
#include "request_line.h"
#include "strbuf.h"

typedef struct route_session {
  gwr_table *table;
  gwr_decision *decision;
  choice_source choices;
  strbuf output;       /* the line being written */
  int flush_each_line; /* the requests come from a pipe or terminal */
  int line_failed;     /* some line got an error answer */
  int output_failed;   /* stdout cannot be written; stop */
} route_session;

/* ---- output ---------------------------------------------------------- */

/* Write the finished line in session->output to stdout. */
static void emit_line(route_session *session) {
  strbuf *out = &session->output;
  if (strbuf_failed(out)) {
    cli_report("out of memory");
    session->output_failed = 1;
    return;
  }
  strbuf_append_char(out, '\n');
  if (strbuf_failed(out) ||
      fwrite(out->data, 1, out->len, stdout) != out->len ||
      (session->flush_each_line && fflush(stdout) != 0)) {
    cli_report("cannot write the decisions: %s", strerror(errno));
    session->output_failed = 1;
  }
}

/* Answer line_number with {"error":"line N: <what>"}; what is bytes. */
static void emit_error(route_session *session, size_t line_number,
                       const char *what, size_t what_length) {
  strbuf message = STRBUF_INIT;
  char prefix[40];
  json_writer w;
  snprintf(prefix, sizeof(prefix), "line %zu: ", line_number);
  strbuf_append_cstr(&message, prefix);
  strbuf_append(&message, what, what_length);
  strbuf_reset(&session->output);
  json_writer_init(&w, &session->output);
  json_begin_object(&w);
  json_key(&w, "error");
  json_string(&w, message.data, message.len);
  json_end_object(&w);
  if (strbuf_failed(&message)) session->output.failed = 1;
  strbuf_free(&message);
  emit_line(session);
  session->line_failed = 1;
}

static void emit_error_cstr(route_session *session, size_t line_number,
                            const char *what) {
  emit_error(session, line_number, what, strlen(what));
}

static void emit_decision(route_session *session, const gwr_request *request) {
  json_writer w;
  /* a TLS, TCP or UDP connection is forwarded as a stream: no HTTP upstream */
  int stream = request->protocol == GWR_PROTOCOL_TLS || request->protocol == GWR_PROTOCOL_TCP ||
               request->protocol == GWR_PROTOCOL_UDP;
  strbuf_reset(&session->output);
  json_writer_init(&w, &session->output);
  decision_write_json(&w, session->decision, stream);
  if (json_writer_failed(&w)) session->output.failed = 1;
  emit_line(session);
}

/* ---- one request ----------------------------------------------------- */

static void emit_match_failure(route_session *session, size_t line_number,
                               const gwr_request *request, int status) {
  strbuf what = STRBUF_INIT;
  if (status == GWR_E_NOTFOUND && request->gateway.len > 0) {
    strbuf_append_cstr(&what, "gateway ");
    strbuf_append(&what, request->gateway.ptr, request->gateway.len);
    strbuf_append_cstr(&what, " not found");
  } else if (status == GWR_E_NOTFOUND) {
    strbuf_append_cstr(&what, "no gateway given, and the configuration does "
                              "not have exactly one Gateway");
  } else {
    strbuf_append_cstr(&what, "cannot route: ");
    strbuf_append_cstr(&what, gwr_strerror(status));
  }
  emit_error(session, line_number, what.data ? what.data : "", what.len);
  strbuf_free(&what);
}

static void route_request(route_session *session, size_t line_number,
                          gwr_request *request, int choice_given) {
  int status;
  int32_t action;
  char what[80];
  if (!choice_given) request->choice = choice_source_next(&session->choices);
  status = gwr_match(session->decision, session->table, request);
  if (status != GWR_OK) {
    emit_match_failure(session, line_number, request, status);
    return;
  }
  action = gwr_decision_action(session->decision);
  if (!decision_action_name(action)) {
    snprintf(what, sizeof(what), "the library gave an unknown action %ld",
             (long)action);
    emit_error_cstr(session, line_number, what);
    return;
  }
  emit_decision(session, request);
}

static void route_line(route_session *session, size_t line_number,
                       const char *text, size_t length) {
  request_line line;
  char what[320];
  if (request_line_parse(&line, text, length, what, sizeof(what)))
    route_request(session, line_number, &line.request, line.choice_given);
  else
    emit_error_cstr(session, line_number, what);
  request_line_free(&line);
}

/* ---- the request stream ---------------------------------------------- */

/* The length of a line without its "\n" or "\r\n" ending. */
static size_t without_line_end(const char *text, size_t length) {
  if (length > 0 && text[length - 1] == '\n') length--;
  if (length > 0 && text[length - 1] == '\r') length--;
  return length;
}

static int is_blank(const char *text, size_t length) {
  size_t i;
  for (i = 0; i < length; i++) {
    if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r' && text[i] != '\n')
      return 0;
  }
  return 1;
}

/* Returns 0 when reading failed (reported). */
static int route_stream(route_session *session, FILE *requests,
                        const char *requests_name) {
  char *text = NULL;
  size_t capacity = 0;
  ssize_t length;
  size_t line_number = 0;
  int read_ok;
  errno = 0;
  while (!session->output_failed &&
         (length = getline(&text, &capacity, requests)) >= 0) {
    size_t content_length = without_line_end(text, (size_t)length);
    line_number++;
    if (!is_blank(text, content_length))
      route_line(session, line_number, text, content_length);
    errno = 0;
  }
  read_ok = !ferror(requests);
  if (!read_ok)
    cli_report("%s: cannot read the requests: %s", requests_name,
               strerror(errno));
  free(text);
  return read_ok;
}

static int is_regular_file(FILE *stream) {
  struct stat info;
  return fstat(fileno(stream), &info) == 0 && S_ISREG(info.st_mode);
}

static FILE *open_requests(const char *path) {
  FILE *requests;
  if (cli_is_stdin(path)) return stdin;
  requests = fopen(path, "r");
  if (!requests)
    cli_report("%s: cannot open the requests: %s", path, strerror(errno));
  return requests;
}

static void seed_choices(route_session *session, const cli_options *options) {
  if (options->has_seed)
    choice_source_seed(&session->choices, options->seed);
  else
    choice_source_seed_randomly(&session->choices);
}

/* Route every request of the stream; returns the exit status. */
static int route_requests(route_session *session, const cli_options *options) {
  const char *name = cli_is_stdin(options->requests_path)
                         ? "<stdin>"
                         : options->requests_path;
  FILE *requests = open_requests(options->requests_path);
  int read_ok;
  if (!requests) return CLI_EXIT_FAILURE;
  session->flush_each_line = !is_regular_file(requests);
  seed_choices(session, options);
  read_ok = route_stream(session, requests, name);
  if (requests != stdin) fclose(requests);
  if (!session->output_failed && fflush(stdout) != 0) {
    cli_report("cannot write the decisions: %s", strerror(errno));
    session->output_failed = 1;
  }
  if (!read_ok || session->output_failed || session->line_failed)
    return CLI_EXIT_FAILURE;
  return CLI_EXIT_OK;
}

int command_route(const cli_options *options) {
  route_session session;
  int load_failed;
  int exit_status = CLI_EXIT_FAILURE;
  int status;
  memset(&session, 0, sizeof(session));
  session.table = config_sources_compile(options, &load_failed);
  if (!session.table) return CLI_EXIT_FAILURE;
  status = gwr_decision_new(&session.decision, session.table);
  if (status != GWR_OK)
    cli_report("cannot create a decision: %s", gwr_strerror(status));
  else
    exit_status = route_requests(&session, options);
  gwr_decision_free(session.decision);
  gwr_table_unref(session.table);
  strbuf_free(&session.output);
  return load_failed ? CLI_EXIT_FAILURE : exit_status;
}
