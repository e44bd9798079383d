/* SPDX-License-Identifier: Apache-2.0 */
/*
 * testutil.h - helpers for the unit suites: build a config from YAML text,
 * compile it, route one request and read the decision back as plain
 * strings, and read the status report (a minimal JSON reader, enough for
 * the report's shape). Every helper asserts with Check on unexpected
 * failures, so a test reads as a list of expectations.
 */
#ifndef GWR_TESTUTIL_H
#define GWR_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "gwroute.h"

/* ---- YAML snippets ---------------------------------------------------- */

#define TU_V1 "apiVersion: gateway.networking.k8s.io/v1\n"

/* The object header of a Gateway API object (ends with a newline). */
#define TU_OBJ(kind, ns, name) \
  TU_V1 "kind: " kind "\nmetadata: {name: " name ", namespace: " ns "}\n"

/* A Gateway default/gw with one HTTP listener "http" on port 80. */
#define TU_GW_HTTP                                                          \
  TU_OBJ("Gateway", "default", "gw")                                        \
  "spec:\n  gatewayClassName: c\n  listeners:\n"                            \
  "  - {name: http, port: 80, protocol: HTTP}\n---\n"

/* The same, letting routes of every namespace attach. */
#define TU_GW_HTTP_ALL                                                      \
  TU_OBJ("Gateway", "default", "gw")                                        \
  "spec:\n  gatewayClassName: c\n  listeners:\n"                            \
  "  - {name: http, port: 80, protocol: HTTP,"                              \
  " allowedRoutes: {namespaces: {from: All}}}\n---\n"

/* An HTTPRoute header whose spec starts with one parentRef to gw. */
#define TU_ROUTE(ns, name) \
  TU_OBJ("HTTPRoute", ns, name) "spec:\n  parentRefs: [{name: gw, namespace: default}]\n"

/* ---- strings ------------------------------------------------------------ */

/* A string result equals want (a NULL result fails with "(null)"). */
#define TU_ASSERT_STR(got, want)                                                           \
  do {                                                                                     \
    const char *g_ = (got);                                                                \
    ck_assert_msg(g_ && strcmp(g_, (want)) == 0, "got '%s', want '%s'", g_ ? g_ : "(null)", \
                  (want));                                                                 \
  } while (0)

gwr_str tu_s(const char *s);

/* A growable string for generated YAML. */
typedef struct tu_buf {
  char *p;
  size_t len, cap;
} tu_buf;

void tu_buf_printf(tu_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void tu_buf_free(tu_buf *b);

/* ---- minimal JSON ---------------------------------------------------------- */

enum { TU_JNULL, TU_JBOOL, TU_JNUM, TU_JSTR, TU_JARR, TU_JOBJ };

typedef struct tu_json tu_json;
struct tu_json {
  int type;
  char *s;        /* TU_JSTR */
  double n;       /* TU_JNUM, TU_JBOOL */
  size_t count;   /* TU_JARR, TU_JOBJ */
  char **keys;    /* TU_JOBJ */
  tu_json **items;
};

/* NULL on a syntax error. */
tu_json *tu_json_parse(const char *text);
void tu_json_free(tu_json *j);
/* NULL when j is not an object or has no such key. */
const tu_json *tu_json_get(const tu_json *j, const char *key);
/* NULL when j is not an array or i is too large. */
const tu_json *tu_json_at(const tu_json *j, size_t i);
/* The string value, or NULL when j is not a string. */
const char *tu_json_str(const tu_json *j);

/* ---- config, table, decision ----------------------------------------------- */

typedef struct tu_ctx {
  gwr_config *cfg;
  gwr_table *table;
  gwr_decision *d;
  char *status;   /* the status report text */
  tu_json *json;  /* the status report parsed */
  char ring[8][512];
  unsigned next;
} tu_ctx;

tu_ctx *tu_new(void);
/* Load text into the config; asserts GWR_OK. */
void tu_add(tu_ctx *c, const char *yaml);
/* Load text into the config and return the status code. */
int tu_add_rc(tu_ctx *c, const char *yaml, gwr_error *err);
/* Compile, make a decision, render and parse the status report. */
void tu_compile(tu_ctx *c);
/* tu_new + tu_add + tu_compile */
tu_ctx *tu_build(const char *yaml);
void tu_free(tu_ctx *c);

/* The index-th config problem (asserts it exists). */
gwr_error tu_problem(const tu_ctx *c, size_t index);
size_t tu_count(const tu_ctx *c, int32_t which);

/* ---- requests -------------------------------------------------------------- */

typedef struct tu_req {
  const char *gateway, *scheme, *sni, *method, *host, *path, *key;
  uint32_t port;
  uint64_t choice;
  const char *const *headers; /* name, value, name, value, ..., NULL */
  int32_t protocol;           /* GWR_PROTOCOL_*, 0 = http */
} tu_req;

typedef struct tu_result {
  int rc;
  int action;
  int status;
  int grpc_status;      /* -1 when none */
  int rule, match;
  int has_route, has_backend;
  long backend_port;
  char route[256];      /* "namespace/name", "" when none */
  char backend[256];    /* "namespace/name", "" when none */
  char listener[256];
  char reason[256];
  char up_path[512];
  char up_host[256];
} tu_result;

/* Route one request on the context's table with its decision. */
tu_result tu_match(tu_ctx *c, const tu_req *r);
/* Same with a given decision and table. */
tu_result tu_match_with(gwr_decision *d, const gwr_table *t, const tu_req *r);
/* GET host path on the only Gateway, port 80, no headers. */
tu_result tu_get(tu_ctx *c, const char *host, const char *path);
/* The same with headers (name, value, ..., NULL). */
tu_result tu_get_h(tu_ctx *c, const char *host, const char *path, const char *const *headers);

/* ---- the status report ------------------------------------------------------- */

/* The route's status object, or NULL. */
const tu_json *tu_route_status(const tu_ctx *c, const char *ns, const char *name);
/* Number of parent entries of a route, -1 when the route is not reported. */
long tu_route_parents(const tu_ctx *c, const char *ns, const char *name);
/* "Status Reason" of a condition of the parent-th entry, or NULL. */
const char *tu_route_cond(tu_ctx *c, const char *ns, const char *name, size_t parent,
                          const char *type);
/* The condition's message, or NULL. */
const char *tu_route_cond_msg(tu_ctx *c, const char *ns, const char *name, size_t parent,
                              const char *type);
/* observedGeneration of a condition of a route parent entry, -1 if none. */
long tu_route_cond_gen(const tu_ctx *c, const char *ns, const char *name, size_t parent,
                       const char *type);

const tu_json *tu_gateway_status(const tu_ctx *c, const char *ns, const char *name);
const char *tu_gateway_cond(tu_ctx *c, const char *ns, const char *name, const char *type);
long tu_gateway_cond_gen(const tu_ctx *c, const char *ns, const char *name, const char *type);
const tu_json *tu_listener_status(const tu_ctx *c, const char *ns, const char *gw,
                                  const char *listener);
const char *tu_listener_cond(tu_ctx *c, const char *ns, const char *gw, const char *listener,
                             const char *type);
/* A ListenerSet's status entry, its conditions and its listeners'. */
const tu_json *tu_set_status(const tu_ctx *c, const char *ns, const char *name);
const char *tu_set_cond(tu_ctx *c, const char *ns, const char *name, const char *type);
const char *tu_set_listener_cond(tu_ctx *c, const char *ns, const char *set, const char *listener,
                                 const char *type);
/* A Gateway's attachedListenerSets, -1 when not reported. */
long tu_gateway_sets(const tu_ctx *c, const char *ns, const char *name);
/* attachedRoutes, -1 when the listener is not reported. */
long tu_listener_attached(const tu_ctx *c, const char *ns, const char *gw, const char *listener);
/* supportedKinds as "Kind,Kind", "" when empty, NULL when no listener. */
const char *tu_listener_kinds(tu_ctx *c, const char *ns, const char *gw, const char *listener);

#endif
