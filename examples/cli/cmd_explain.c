/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_explain.c - `gwroute explain -f CONFIG... [--json] [-H 'Name: value']... REQUEST`.
 *
 * REQUEST is a JSON object in the format of `gwroute route`'s request lines
 * ({"host": "api.example.com", "path": "/v1", ...}) or the shorthand
 * `[METHOD] URL`, e.g. `GET https://api.example.com:8443/v1/users?x=1`
 * (scheme -> scheme and default port, host with its port, path with its
 * query; METHOD defaults to GET). -H headers are added to either form.
 * Prints gwr_explain()'s report; exit 0 when it was written, else 1.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "config_sources.h"
#include "request_line.h"
#include "tool_common.h"

static gwr_str str_of(const char *p, size_t n) {
  gwr_str s;
  s.ptr = p;
  s.len = n;
  return s;
}

static int is_space(char c) { return c == ' ' || c == '\t'; }

/* "Name: value" -> header views into text; 0 when there is no name. */
static int parse_header(const char *text, gwr_header *h) {
  const char *colon = strchr(text, ':');
  const char *v;
  size_t n, vn;
  if (!colon || colon == text) return 0;
  n = (size_t)(colon - text);
  while (n > 0 && is_space(text[n - 1])) n--;
  if (n == 0) return 0;
  v = colon + 1;
  while (is_space(*v)) v++;
  vn = strlen(v);
  while (vn > 0 && is_space(v[vn - 1])) vn--;
  h->name = str_of(text, n);
  h->value = str_of(v, vn);
  return 1;
}

static int is_digits(const char *p, const char *end) {
  if (p == end) return 0;
  for (; p < end; p++)
    if (*p < '0' || *p > '9') return 0;
  return 1;
}

/* ":port" after a host: 1..65535, digits only. */
static int port_of(const char *p, const char *end, uint32_t *out) {
  unsigned long port;
  if (!is_digits(p, end) || end - p > 5) return 0;
  port = strtoul(p, NULL, 10);
  if (port == 0 || port > 65535) return 0;
  *out = (uint32_t)port;
  return 1;
}

/* The authority [host or [v6]][:port]; 0 with a message when malformed. */
static int parse_authority(const char *host, const char *end, gwr_request *req, const char **problem) {
  const char *colon;
  if (end == host) return *problem = "the URL has no host", 0;
  if (memchr(host, '@', (size_t)(end - host)))
    return *problem = "the URL must not carry a user (user@host)", 0;
  req->host = str_of(host, (size_t)(end - host));
  if (host[0] == '[') {
    const char *close = memchr(host, ']', (size_t)(end - host));
    if (!close) return *problem = "the URL's IPv6 host has no ']'", 0;
    if (close + 1 == end) return 1;
    if (close[1] != ':' || !port_of(close + 2, end, &req->port))
      return *problem = "the URL port must be from 1 to 65535", 0;
    return 1;
  }
  colon = memchr(host, ':', (size_t)(end - host));
  if (!colon) return 1;
  if (colon == host) return *problem = "the URL has no host", 0;
  if (!port_of(colon + 1, end, &req->port)) return *problem = "the URL port must be from 1 to 65535", 0;
  return 1;
}

/* The shorthand "[METHOD] URL" (one argument, one or two words). Views
 * into it; 0 with a message when it is not an http(s) URL with a host. */
static int parse_shorthand(const cli_options *options, gwr_request *req, const char **problem) {
  const char *a = options->args[0], *w1, *w1_end, *w2 = NULL, *w2_end = NULL, *url, *url_end;
  const char *host, *p;
  while (is_space(*a)) a++;
  w1 = a;
  while (*a && !is_space(*a)) a++;
  w1_end = a;
  while (is_space(*a)) a++;
  if (*a) {
    w2 = a;
    while (*a && !is_space(*a)) a++;
    w2_end = a;
    while (is_space(*a)) a++;
    if (*a) return *problem = "expected '[METHOD] URL' (two words at most)", 0;
  }
  req->method = w2 ? str_of(w1, (size_t)(w1_end - w1)) : str_of("GET", 3);
  url = w2 ? w2 : w1;
  url_end = w2 ? w2_end : w1_end;
  req->scheme = str_of("http", 4);
  if (url_end - url >= 8 && strncasecmp(url, "https://", 8) == 0) {
    req->scheme = str_of("https", 5);
    host = url + 8;
  } else if (url_end - url >= 7 && strncasecmp(url, "http://", 7) == 0) {
    host = url + 7;
  } else {
    return *problem = "the URL must start with http:// or https://", 0;
  }
  p = host;
  while (p < url_end && *p != '/' && *p != '?' && *p != '#') p++;
  if (!parse_authority(host, p, req, problem)) return 0;
  {
    const char *frag = memchr(p, '#', (size_t)(url_end - p)); /* never sent to a server */
    if (frag) url_end = frag;
  }
  req->path = p == url_end ? str_of("/", 1) : str_of(p, (size_t)(url_end - p));
  return 1;
}

int command_explain(const cli_options *options) {
  int load_failed = 0, status, ok = 1, json_form;
  char *report = NULL;
  char message[256];
  const char *problem = NULL;
  request_line line;
  gwr_request req = GWR_REQUEST_INIT;
  gwr_header *headers = NULL;
  char *query_path = NULL;
  size_t i, n = 0;
  gwr_table *table;

  memset(&line, 0, sizeof line);
  if (options->arg_count != 1) {
    cli_report("explain: give one REQUEST: a JSON request object or '[METHOD] URL'");
    return CLI_EXIT_FAILURE;
  }
  json_form = options->args[0][strspn(options->args[0], " \t\r\n")] == '{';
  if (json_form) {
    if (!request_line_parse(&line, options->args[0], strlen(options->args[0]), message,
                            sizeof message)) {
      cli_report("explain: request: %s", message);
      request_line_free(&line);
      return CLI_EXIT_FAILURE;
    }
    req = line.request;
  } else if (!parse_shorthand(options, &req, &problem)) {
    cli_report("explain: request: %s", problem);
    return CLI_EXIT_FAILURE;
  }
  /* a query right after the host ("h?x=1") gets its "/" */
  if (!json_form && req.path.len && req.path.ptr[0] == '?') {
    query_path = malloc(req.path.len + 2);
    if (!query_path) ok = 0;
    else {
      query_path[0] = '/';
      memcpy(query_path + 1, req.path.ptr, req.path.len);
      query_path[req.path.len + 1] = '\0';
      req.path = str_of(query_path, req.path.len + 1);
    }
  }
  if (ok && options->header_count) {
    headers = calloc(req.header_count + options->header_count + 1, sizeof *headers);
    if (!headers) ok = 0;
    for (i = 0; ok && i < req.header_count; i++) headers[n++] = req.headers[i];
    for (i = 0; ok && i < options->header_count; i++) {
      if (!parse_header(options->headers[i], &headers[n])) {
        cli_report("explain: -H '%s': expected 'Name: value'", options->headers[i]);
        ok = 0;
        break;
      }
      n++;
    }
    req.headers = headers;
    req.header_count = n;
  }
  if (!ok) {
    free(headers);
    free(query_path);
    request_line_free(&line);
    return CLI_EXIT_FAILURE;
  }
  table = config_sources_compile(options, &load_failed);
  if (!table) {
    free(headers);
    free(query_path);
    request_line_free(&line);
    return CLI_EXIT_FAILURE;
  }
  status = gwr_explain(table, &req, options->json ? GWR_FORMAT_JSON : GWR_FORMAT_TEXT, &report);
  gwr_table_unref(table);
  free(headers);
  free(query_path);
  request_line_free(&line);
  if (status != GWR_OK) {
    cli_report("explain failed: %s", gwr_strerror(status));
    return CLI_EXIT_FAILURE;
  }
  if (!tool_print_report(report)) return CLI_EXIT_FAILURE;
  return load_failed ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
}
