/* SPDX-License-Identifier: Apache-2.0 */
/*
 * api_test.c - the public API as a host sees it: linked against the shared
 * library, public header only. NULL arguments, status texts, versions,
 * struct_size rules for gwr_error and gwr_request, allocator hooks (balance
 * and libuv-style out-of-memory stepping), object lifetimes and reference
 * counts, status report sizing, fresh decisions, option ranges, the
 * controller name, and request bytes that end right at an unreadable page.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include <check.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "gwroute.h"

#ifndef MAP_ANONYMOUS
#define MAP_ANONYMOUS MAP_ANON
#endif

/* ===================================================================== */
/* Fixtures                                                              */
/* ===================================================================== */

/* A class, a Gateway, a route with five rules (header+query prefix with two
 * weighted backends, regex, exact+method, all-zero weights, catch-all) and
 * one HTTPRoute that breaks the schema. */
static const char routes_yaml[] =
    "apiVersion: gateway.networking.k8s.io/v1\n"
    "kind: GatewayClass\n"
    "metadata: {name: test}\n"
    "spec: {controllerName: example.com/gateway-controller}\n"
    "---\n"
    "apiVersion: gateway.networking.k8s.io/v1\n"
    "kind: Gateway\n"
    "metadata: {name: gw, namespace: infra}\n"
    "spec:\n"
    "  gatewayClassName: test\n"
    "  listeners:\n"
    "  - {name: http, protocol: HTTP, port: 80, allowedRoutes: {namespaces: {from: All}}}\n"
    "---\n"
    "apiVersion: gateway.networking.k8s.io/v1\n"
    "kind: HTTPRoute\n"
    "metadata: {name: api, namespace: default}\n"
    "spec:\n"
    "  parentRefs: [{name: gw, namespace: infra}]\n"
    "  hostnames: [api.example.com, \"*.wild.example.com\"]\n"
    "  rules:\n"
    "  - matches:\n"
    "    - path: {type: PathPrefix, value: /v1}\n"
    "      headers: [{name: X-Env, value: prod}]\n"
    "      queryParams: [{name: q, value: x}]\n"
    "    backendRefs: [{name: one, port: 8080, weight: 1}, {name: two, port: 8080, weight: 1}]\n"
    "  - matches: [{path: {type: RegularExpression, value: \"/re/[a-z]+\"}}]\n"
    "    backendRefs: [{name: re, port: 8080}]\n"
    "  - matches: [{path: {type: Exact, value: /exact}, method: GET}]\n"
    "    backendRefs: [{name: exact, port: 8080}]\n"
    "  - matches: [{path: {type: PathPrefix, value: /zero}}]\n"
    "    backendRefs: [{name: zero, port: 8080, weight: 0}]\n"
    "  - backendRefs: [{name: fallback, port: 8080}]\n"
    "---\n"
    "apiVersion: gateway.networking.k8s.io/v1\n"
    "kind: HTTPRoute\n"
    "metadata: {name: broken, namespace: default}\n"
    "spec: {rules: [{matches: [{path: {type: Exact, value: no-slash}}]}]}\n";

/* A pointer value that is not NULL, for out parameters that must be reset. */
static char not_null;
#define NOT_NULL(type) ((type *)(void *)&not_null)

static const char bad_yaml[] = "kind: Gateway\nmetadata: [unclosed\n";

static gwr_str sv(const char *s) {
  gwr_str v;
  v.ptr = s;
  v.len = s ? strlen(s) : 0;
  return v;
}

static gwr_request request(const char *host, const char *path) {
  gwr_request r = GWR_REQUEST_INIT;
  r.method = sv("GET");
  r.host = sv(host);
  r.path = sv(path);
  return r;
}

static gwr_config *new_config(const gwr_allocator *alloc) {
  gwr_config *cfg = NULL;
  ck_assert_int_eq(gwr_config_new(&cfg, alloc), GWR_OK);
  ck_assert_ptr_nonnull(cfg);
  return cfg;
}

static gwr_config *load_config(const char *yaml, const gwr_allocator *alloc) {
  gwr_config *cfg = new_config(alloc);
  gwr_error err = GWR_ERROR_INIT;
  int rc = gwr_config_load(cfg, yaml, strlen(yaml), "test.yaml", 9, &err);
  ck_assert_msg(rc == GWR_OK, "load: %s", err.message);
  return cfg;
}

static gwr_table *compile(const gwr_config *cfg) {
  gwr_table *t = NULL;
  gwr_error err = GWR_ERROR_INIT;
  int rc = gwr_table_compile(&t, cfg, &err);
  ck_assert_msg(rc == GWR_OK, "compile: %s", err.message);
  ck_assert_ptr_nonnull(t);
  return t;
}

static gwr_decision *new_decision(const gwr_table *t) {
  gwr_decision *d = NULL;
  ck_assert_int_eq(gwr_decision_new(&d, t), GWR_OK);
  ck_assert_ptr_nonnull(d);
  return d;
}

/* Whether a string field of d equals want. */
static int field_is(const gwr_decision *d, int32_t field, const char *want) {
  gwr_str s;
  if (gwr_decision_str(d, field, &s) != GWR_OK) return 0;
  return s.len == strlen(want) && (s.len == 0 || memcmp(s.ptr, want, s.len) == 0);
}

/* Match host+path (GET, no headers) and return the action. */
static int32_t route(gwr_decision *d, const gwr_table *t, const char *host, const char *path) {
  gwr_request req = request(host, path);
  ck_assert_int_eq(gwr_match(d, t, &req), GWR_OK);
  return gwr_decision_action(d);
}

/* ===================================================================== */
/* Allocators                                                            */
/* ===================================================================== */

typedef struct counting {
  size_t live;    /* allocations not freed yet */
  size_t total;   /* allocations handed out */
  size_t limit;   /* refuse every allocation once total reaches this */
  size_t refused; /* allocations refused */
  int bad_free;   /* a free of a pointer this allocator never returned */
} counting;

/* Keeps the user block aligned for any type. */
typedef union block {
  max_align_t align;
  struct {
    size_t magic;
    size_t size;
  } h;
} block;

#define BLOCK_MAGIC ((size_t)0x6777726f75746521u)

static void *counting_malloc(void *ctx, size_t size) {
  counting *c = ctx;
  block *b;
  if (c->total >= c->limit) {
    c->refused++;
    return NULL;
  }
  b = malloc(sizeof *b + size);
  if (!b) return NULL;
  b->h.magic = BLOCK_MAGIC;
  b->h.size = size;
  c->total++;
  c->live++;
  return b + 1;
}

static void counting_free(void *ctx, void *ptr) {
  counting *c = ctx;
  block *b;
  if (!ptr) return;
  b = (block *)ptr - 1;
  if (b->h.magic != BLOCK_MAGIC) {
    c->bad_free = 1;
    return;
  }
  b->h.magic = 0;
  c->live--;
  free(b);
}

static gwr_allocator counting_hooks(counting *c, size_t limit) {
  gwr_allocator a = GWR_ALLOCATOR_INIT;
  memset(c, 0, sizeof *c);
  c->limit = limit;
  a.malloc = counting_malloc;
  a.free = counting_free;
  a.ctx = c;
  return a;
}

/* ===================================================================== */
/* Pages whose next page is unreadable                                   */
/* ===================================================================== */

/* `slots` readable pages, each followed by a PROT_NONE page. */
typedef struct guarded {
  char *base;
  size_t page, slots;
} guarded;

static void guarded_init(guarded *g, size_t slots) {
  size_t i;
  long page = sysconf(_SC_PAGESIZE);
  ck_assert_int_gt(page, 0);
  g->page = (size_t)page;
  g->slots = slots;
  g->base = mmap(NULL, 2 * slots * g->page, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ck_assert_ptr_ne(g->base, MAP_FAILED);
  for (i = 0; i < slots; i++)
    ck_assert_int_eq(mprotect(g->base + (2 * i + 1) * g->page, g->page, PROT_NONE), 0);
}

static void guarded_free(guarded *g) { munmap(g->base, 2 * g->slots * g->page); }

/* n bytes of src copied so that their last byte is the last readable one. */
static void *guarded_put(guarded *g, size_t slot, const void *src, size_t n) {
  char *end = g->base + (2 * slot + 1) * g->page;
  ck_assert_uint_lt(slot, g->slots);
  ck_assert_uint_le(n, g->page);
  if (n) memcpy(end - n, src, n);
  return end - n;
}

static gwr_str guarded_str(guarded *g, size_t slot, const char *s) {
  gwr_str v;
  v.len = strlen(s);
  v.ptr = guarded_put(g, slot, s, v.len);
  return v;
}

/* ===================================================================== */
/* Status codes and versions                                             */
/* ===================================================================== */

START_TEST(strerror_texts) {
  static const struct {
    int code;
    const char *text;
  } want[] = {
      {GWR_OK, "success"},
      {GWR_E_INVALID, "invalid argument"},
      {GWR_E_NOMEM, "out of memory"},
      {GWR_E_PARSE, "syntax error"},
      {GWR_E_SCHEMA, "invalid object"},
      {GWR_E_IO, "input/output error"},
      {GWR_E_LIMIT, "limit exceeded"},
      {GWR_E_NOTFOUND, "not found"},
      {GWR_E_RANGE, "buffer too small"},
      {GWR_E_STATE, "object in the wrong state for this call"},
  };
  size_t i;
  for (i = 0; i < sizeof want / sizeof want[0]; i++)
    ck_assert_str_eq(gwr_strerror(want[i].code), want[i].text);
#define GWR_TEXT_(name, value, text) ck_assert_str_eq(gwr_strerror(value), text);
  GWR_STATUS_MAP(GWR_TEXT_)
#undef GWR_TEXT_
}
END_TEST

START_TEST(strerror_unknown) {
  static const int others[] = {1, 2, 42, -10, -11, -100, INT_MIN, INT_MAX, GWR_STATUS_LAST_ - 1};
  size_t i;
  for (i = 0; i < sizeof others / sizeof others[0]; i++) {
    ck_assert_ptr_nonnull(gwr_strerror(others[i]));
    ck_assert_str_eq(gwr_strerror(others[i]), "unknown status");
  }
}
END_TEST

START_TEST(version_agrees) {
  char want[32];
  uint32_t v = gwr_version();
  ck_assert_uint_eq(v, GWR_VERSION_NUMBER);
  ck_assert_uint_eq(v / 10000, GWR_VERSION_MAJOR);
  ck_assert_uint_eq(v / 100 % 100, GWR_VERSION_MINOR);
  ck_assert_uint_eq(v % 100, GWR_VERSION_PATCH);
  ck_assert_str_eq(gwr_version_string(), GWR_VERSION_STRING);
  snprintf(want, sizeof want, "%d.%d.%d", GWR_VERSION_MAJOR, GWR_VERSION_MINOR, GWR_VERSION_PATCH);
  ck_assert_str_eq(gwr_version_string(), want);
  ck_assert_ptr_eq(gwr_version_string(), gwr_version_string()); /* static */
}
END_TEST

/* ===================================================================== */
/* NULL arguments                                                        */
/* ===================================================================== */

START_TEST(null_config_functions) {
  gwr_config *cfg = new_config(NULL);
  gwr_error err = GWR_ERROR_INIT;
  ck_assert_int_eq(gwr_config_new(NULL, NULL), GWR_E_INVALID);
  gwr_config_free(NULL);
  ck_assert_int_eq(gwr_config_load(NULL, "a: 1", 4, NULL, 0, &err), GWR_E_INVALID);
  ck_assert_int_eq(err.code, GWR_E_INVALID);
  ck_assert_int_eq(gwr_config_load(cfg, NULL, 4, NULL, 0, NULL), GWR_E_INVALID);
  ck_assert_int_eq(gwr_config_load_path(NULL, "x.yaml", 6, NULL), GWR_E_INVALID);
  ck_assert_int_eq(gwr_config_load_path(cfg, NULL, 6, NULL), GWR_E_INVALID);
  ck_assert_int_eq(gwr_config_load_path(cfg, "x.yaml", 0, &err), GWR_E_INVALID);
  ck_assert_uint_eq(gwr_config_count(NULL, GWR_COUNT_OBJECTS), 0);
  ck_assert_uint_eq(gwr_config_count(cfg, 0), 0);
  ck_assert_uint_eq(gwr_config_count(cfg, 99), 0);
  ck_assert_int_eq(gwr_config_problem(NULL, 0, &err), GWR_E_INVALID);
  ck_assert_int_eq(gwr_config_problem(cfg, 0, NULL), GWR_E_INVALID);
  ck_assert_int_eq(gwr_config_problem(cfg, 0, &err), GWR_E_NOTFOUND);
  ck_assert_int_eq(gwr_config_set_option(NULL, GWR_OPT_REGEX_ORDER, 0), GWR_E_INVALID);
  ck_assert_int_eq(gwr_config_set_controller(NULL, "a/b", 3), GWR_E_INVALID);
  ck_assert_int_eq(gwr_config_set_controller(cfg, NULL, 3), GWR_E_INVALID);
  ck_assert_int_eq(gwr_config_set_controller(cfg, NULL, 0), GWR_OK);
  gwr_config_free(cfg);
}
END_TEST

START_TEST(null_builder_functions) {
  gwr_config *cfg = new_config(NULL);
  gwr_builder *b = NOT_NULL(gwr_builder);
  gwr_error err = GWR_ERROR_INIT;
  ck_assert_int_eq(gwr_builder_new(NULL, cfg), GWR_E_INVALID);
  ck_assert_int_eq(gwr_builder_new(&b, NULL), GWR_E_INVALID);
  ck_assert_ptr_null(b);
  gwr_builder_free(NULL);
  ck_assert_int_eq(gwr_builder_set_string(NULL, "kind", 4, "Gateway", 7), GWR_E_INVALID);
  ck_assert_int_eq(gwr_builder_set_int(NULL, "spec.x", 6, 1), GWR_E_INVALID);
  ck_assert_int_eq(gwr_builder_set_bool(NULL, "spec.x", 6, 1), GWR_E_INVALID);
  ck_assert_int_eq(gwr_builder_commit(NULL, &err), GWR_E_INVALID);
  ck_assert_int_eq(err.code, GWR_E_INVALID);
  ck_assert_int_eq(gwr_builder_new(&b, cfg), GWR_OK);
  ck_assert_int_eq(gwr_builder_set_string(b, NULL, 4, "Gateway", 7), GWR_E_INVALID);
  ck_assert_int_eq(gwr_builder_set_string(b, "kind", 4, NULL, 7), GWR_E_INVALID);
  ck_assert_int_eq(gwr_builder_set_int(b, NULL, 6, 1), GWR_E_INVALID);
  ck_assert_int_eq(gwr_builder_set_bool(b, NULL, 6, 1), GWR_E_INVALID);
  gwr_builder_free(b);
  gwr_config_free(cfg);
}
END_TEST

START_TEST(null_table_functions) {
  gwr_config *cfg = new_config(NULL);
  gwr_table *t = NOT_NULL(gwr_table);
  gwr_error err = GWR_ERROR_INIT;
  char buf[8];
  size_t need = 0;
  ck_assert_int_eq(gwr_table_compile(NULL, cfg, &err), GWR_E_INVALID);
  ck_assert_int_eq(err.code, GWR_E_INVALID);
  ck_assert_int_eq(gwr_table_compile(&t, NULL, NULL), GWR_E_INVALID);
  ck_assert_ptr_null(t);
  ck_assert_ptr_null(gwr_table_ref(NULL));
  gwr_table_unref(NULL);
  ck_assert_int_eq(gwr_table_status_json(NULL, buf, sizeof buf, &need), GWR_E_INVALID);
  t = compile(cfg);
  ck_assert_int_eq(gwr_table_status_json(t, NULL, 8, &need), GWR_E_INVALID);
  gwr_table_unref(t);
  gwr_config_free(cfg);
}
END_TEST

START_TEST(null_decision_functions) {
  gwr_config *cfg = load_config(routes_yaml, NULL);
  gwr_table *t = compile(cfg);
  gwr_decision *d = NOT_NULL(gwr_decision);
  gwr_request req = request("api.example.com", "/");
  gwr_str s;
  gwr_header h;
  ck_assert_int_eq(gwr_decision_new(NULL, t), GWR_E_INVALID);
  ck_assert_int_eq(gwr_decision_new(&d, NULL), GWR_E_INVALID);
  ck_assert_ptr_null(d);
  gwr_decision_free(NULL);
  d = new_decision(t);
  ck_assert_int_eq(gwr_match(NULL, t, &req), GWR_E_INVALID);
  ck_assert_int_eq(gwr_match(d, NULL, &req), GWR_E_INVALID);
  ck_assert_int_eq(gwr_match(d, t, NULL), GWR_E_INVALID);
  ck_assert_int_eq(gwr_decision_action(NULL), GWR_ACTION_NONE);
  ck_assert_int_eq(gwr_decision_int(NULL, GWR_DI_STATUS), 0);
  ck_assert_int_eq(gwr_decision_str(NULL, GWR_DS_ROUTE_NAME, &s), GWR_E_INVALID);
  ck_assert_int_eq(gwr_decision_str(d, GWR_DS_ROUTE_NAME, NULL), GWR_E_INVALID);
  ck_assert_uint_eq(gwr_decision_header_count(NULL, GWR_DH_UPSTREAM), 0);
  ck_assert_int_eq(gwr_decision_header(NULL, GWR_DH_UPSTREAM, 0, &h), GWR_E_INVALID);
  ck_assert_int_eq(gwr_decision_header(d, GWR_DH_UPSTREAM, 0, NULL), GWR_E_INVALID);
  req.header_count = 1; /* headers NULL */
  ck_assert_int_eq(gwr_match(d, t, &req), GWR_E_INVALID);
  gwr_decision_free(d);
  gwr_table_unref(t);
  gwr_config_free(cfg);
}
END_TEST

START_TEST(bad_allocator) {
  counting c;
  gwr_allocator a = counting_hooks(&c, SIZE_MAX);
  gwr_config *cfg = NOT_NULL(gwr_config);
  a.struct_size = sizeof(size_t);
  ck_assert_int_eq(gwr_config_new(&cfg, &a), GWR_E_INVALID);
  ck_assert_ptr_null(cfg);
  a = counting_hooks(&c, SIZE_MAX);
  a.free = NULL;
  ck_assert_int_eq(gwr_config_new(&cfg, &a), GWR_E_INVALID);
  a = counting_hooks(&c, SIZE_MAX);
  a.malloc = NULL;
  ck_assert_int_eq(gwr_config_new(&cfg, &a), GWR_E_INVALID);
  ck_assert_uint_eq(c.total, 0);
  a.free = NULL; /* both NULL: libc */
  cfg = new_config(&a);
  gwr_config_free(cfg);
}
END_TEST

START_TEST(load_nothing) {
  gwr_config *cfg = new_config(NULL);
  gwr_error err = GWR_ERROR_INIT;
  gwr_table *t;
  ck_assert_int_eq(gwr_config_load(cfg, NULL, 0, NULL, 0, &err), GWR_OK);
  ck_assert_int_eq(gwr_config_load(cfg, "", 0, "empty", 5, &err), GWR_OK);
  ck_assert_int_eq(gwr_config_load(cfg, "kind: X", 0, NULL, 0, &err), GWR_OK);
  ck_assert_uint_eq(gwr_config_count(cfg, GWR_COUNT_OBJECTS), 0);
  ck_assert_uint_eq(gwr_config_count(cfg, GWR_COUNT_SKIPPED), 0);
  ck_assert_uint_eq(gwr_config_count(cfg, GWR_COUNT_PROBLEMS), 0);
  t = compile(cfg);
  gwr_table_unref(t);
  gwr_config_free(cfg);
}
END_TEST

/* ===================================================================== */
/* gwr_error: struct_size                                                */
/* ===================================================================== */

/* The error buffer with a canary tail for callers newer than the library. */
typedef union err_buf {
  gwr_error e;
  unsigned char b[sizeof(gwr_error) + 64];
} err_buf;

#define CANARY 0xA5

/* One way the library fills an error: the call, its result and err.code. */
typedef struct producer {
  const char *name;
  int (*call)(gwr_config *cfg, gwr_error *err);
  int rc, code;
} producer;

static int produce_parse(gwr_config *cfg, gwr_error *err) {
  return gwr_config_load(cfg, bad_yaml, strlen(bad_yaml), "bad.yaml", 8, err);
}

static int produce_io(gwr_config *cfg, gwr_error *err) {
  static const char path[] = "/nonexistent/gwroute-api-test.yaml";
  return gwr_config_load_path(cfg, path, strlen(path), err);
}

static int produce_invalid(gwr_config *cfg, gwr_error *err) {
  return gwr_table_compile(NULL, cfg, err);
}

static int produce_schema(gwr_config *cfg, gwr_error *err) {
  static const char *const fields[][2] = {
      {"apiVersion", "gateway.networking.k8s.io/v1"},
      {"kind", "HTTPRoute"},
      {"metadata.name", "built"},
      {"spec.rules[0].matches[0].path.value", "no-slash"},
  };
  gwr_builder *b = NULL;
  size_t i;
  ck_assert_int_eq(gwr_builder_new(&b, cfg), GWR_OK);
  for (i = 0; i < sizeof fields / sizeof fields[0]; i++)
    ck_assert_int_eq(gwr_builder_set_string(b, fields[i][0], strlen(fields[i][0]), fields[i][1],
                                            strlen(fields[i][1])),
                     GWR_OK);
  return gwr_builder_commit(b, err);
}

static int produce_problem(gwr_config *cfg, gwr_error *err) {
  int rc = gwr_config_load(cfg, routes_yaml, strlen(routes_yaml), NULL, 0, NULL);
  ck_assert_int_eq(rc, GWR_OK);
  return gwr_config_problem(cfg, 0, err);
}

static const producer producers[] = {
    {"parse", produce_parse, GWR_E_PARSE, GWR_E_PARSE},
    {"io", produce_io, GWR_E_IO, GWR_E_IO},
    {"invalid", produce_invalid, GWR_E_INVALID, GWR_E_INVALID},
    {"schema", produce_schema, GWR_E_SCHEMA, GWR_E_SCHEMA},
    {"problem", produce_problem, GWR_OK, GWR_E_SCHEMA},
};

/* Run p with struct_size = size; nothing at or past size (or past the
 * library's own struct) may change. */
static void error_with_size(const producer *p, size_t size) {
  err_buf u;
  gwr_config *cfg = new_config(NULL);
  size_t i, keep = size < sizeof(gwr_error) ? size : sizeof(gwr_error);
  int rc, want = p->rc;
  if (p->call == produce_problem && size < sizeof(size_t)) want = GWR_E_INVALID;
  memset(&u, CANARY, sizeof u);
  u.e.struct_size = size;
  rc = p->call(cfg, &u.e);
  ck_assert_msg(rc == want, "%s, struct_size %zu: rc %d, want %d", p->name, size, rc, want);
  ck_assert_uint_eq(u.e.struct_size, size);
  for (i = keep > sizeof(size_t) ? keep : sizeof(size_t); i < sizeof u; i++)
    ck_assert_msg(u.b[i] == CANARY, "%s, struct_size %zu: byte %zu written", p->name, size, i);
  if (size >= offsetof(gwr_error, code) + sizeof u.e.code)
    ck_assert_msg(u.e.code == p->code, "%s, struct_size %zu: code %d", p->name, size, (int)u.e.code);
  if (size >= sizeof(gwr_error)) {
    ck_assert_ptr_nonnull(memchr(u.e.message, '\0', sizeof u.e.message));
    ck_assert_uint_gt(strlen(u.e.message), 0);
  }
  gwr_config_free(cfg);
}

START_TEST(error_struct_sizes) {
  const size_t sizes[] = {
      0, 1, sizeof(size_t) - 1, sizeof(size_t), offsetof(gwr_error, code) + sizeof(int32_t),
      offsetof(gwr_error, line) + 2, offsetof(gwr_error, kind), offsetof(gwr_error, kind) + 10,
      offsetof(gwr_error, file), offsetof(gwr_error, message),
      offsetof(gwr_error, message) + 100, sizeof(gwr_error) - 1, sizeof(gwr_error),
      sizeof(gwr_error) + 64};
  size_t i;
  for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
    error_with_size(&producers[_i], sizes[i]);
}
END_TEST

START_TEST(error_full_contents) {
  gwr_config *cfg = new_config(NULL);
  gwr_error err = GWR_ERROR_INIT;
  ck_assert_int_eq(produce_parse(cfg, &err), GWR_E_PARSE);
  ck_assert_int_eq(err.code, GWR_E_PARSE);
  ck_assert_str_eq(err.file, "bad.yaml");
  ck_assert_uint_gt(err.line, 0);
  ck_assert_uint_gt(strlen(err.message), 0);
  ck_assert_uint_eq(gwr_config_count(cfg, GWR_COUNT_OBJECTS), 0); /* nothing kept */
  ck_assert_int_eq(produce_problem(cfg, &err), GWR_OK);
  ck_assert_str_eq(err.kind, "HTTPRoute");
  ck_assert_str_eq(err.ns, "default");
  ck_assert_str_eq(err.name, "broken");
  ck_assert_str_eq(err.field, "spec.rules[0].matches[0].path.value");
  ck_assert_ptr_nonnull(strstr(err.message, "broken"));
  gwr_config_free(cfg);
}
END_TEST

/* ===================================================================== */
/* gwr_request: struct_size                                              */
/* ===================================================================== */

static const gwr_header env_prod[] = {{{"X-Env", 5}, {"prod", 4}}};

/* The request of the header+query rule, with a key and a choice. */
static gwr_request full_request(void) {
  gwr_request r = request("api.example.com", "/v1/list?q=x");
  r.headers = env_prod;
  r.header_count = 1;
  r.key = sv("user-7");
  r.choice = 1;
  return r;
}

/* Action and backend of req, for comparing two requests. */
typedef struct outcome {
  int32_t action;
  int64_t status;
  char backend[32];
} outcome;

static outcome outcome_of(gwr_decision *d, const gwr_table *t, const gwr_request *req) {
  outcome o;
  gwr_str s;
  ck_assert_int_eq(gwr_match(d, t, req), GWR_OK);
  o.action = gwr_decision_action(d);
  o.status = gwr_decision_int(d, GWR_DI_STATUS);
  ck_assert_int_eq(gwr_decision_str(d, GWR_DS_BACKEND_NAME, &s), GWR_OK);
  ck_assert_uint_lt(s.len, sizeof o.backend);
  memset(o.backend, 0, sizeof o.backend);
  if (s.len) memcpy(o.backend, s.ptr, s.len);
  return o;
}

static void outcome_eq(outcome a, outcome b) {
  ck_assert_int_eq(a.action, b.action);
  ck_assert_int_eq(a.status, b.status);
  ck_assert_str_eq(a.backend, b.backend);
}

/* An older caller's struct ends at `size`, right before an unreadable page;
 * it must behave like today's struct with the missing fields zero. */
static void older_request(gwr_decision *d, const gwr_table *t, guarded *g, size_t size) {
  gwr_request full = full_request(), zeroed;
  const gwr_request *placed;
  full.struct_size = size;
  placed = guarded_put(g, 0, &full, size);
  memset(&zeroed, 0, sizeof zeroed);
  memcpy(&zeroed, &full, size);
  zeroed.struct_size = sizeof zeroed;
  outcome_eq(outcome_of(d, t, placed), outcome_of(d, t, &zeroed));
}

START_TEST(request_older_struct) {
  gwr_config *cfg = load_config(routes_yaml, NULL);
  gwr_table *t = compile(cfg);
  gwr_decision *d = new_decision(t);
  guarded g;
  gwr_request full = full_request();
  outcome o;
  guarded_init(&g, 1);
  o = outcome_of(d, t, &full);
  ck_assert_int_eq(o.action, GWR_ACTION_FORWARD);
  older_request(d, t, &g, sizeof(size_t));
  older_request(d, t, &g, offsetof(gwr_request, headers));
  older_request(d, t, &g, offsetof(gwr_request, key));
  older_request(d, t, &g, offsetof(gwr_request, choice));
  older_request(d, t, &g, sizeof(gwr_request));
  guarded_free(&g);
  gwr_decision_free(d);
  gwr_table_unref(t);
  gwr_config_free(cfg);
}
END_TEST

START_TEST(request_bad_struct_size) {
  gwr_config *cfg = load_config(routes_yaml, NULL);
  gwr_table *t = compile(cfg);
  gwr_decision *d = new_decision(t);
  gwr_request req = full_request();
  const size_t bad[] = {0, 1, sizeof(size_t) - 1};
  size_t i;
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    req.struct_size = bad[i];
    ck_assert_int_eq(gwr_match(d, t, &req), GWR_E_INVALID);
  }
  gwr_decision_free(d);
  gwr_table_unref(t);
  gwr_config_free(cfg);
}
END_TEST

/* A newer caller's struct: extra bytes are fine only while zero. */
typedef union newer_request {
  gwr_request r;
  unsigned char b[sizeof(gwr_request) + 24];
} newer_request;

START_TEST(request_newer_struct) {
  gwr_config *cfg = load_config(routes_yaml, NULL);
  gwr_table *t = compile(cfg);
  gwr_decision *d = new_decision(t);
  gwr_request full = full_request();
  newer_request u, *placed;
  guarded g;
  size_t i;
  outcome want = outcome_of(d, t, &full);
  guarded_init(&g, 1);
  memset(&u, 0, sizeof u);
  u.r = full;
  u.r.struct_size = sizeof u;
  placed = guarded_put(&g, 0, &u, sizeof u);
  outcome_eq(outcome_of(d, t, &placed->r), want);
  for (i = sizeof(gwr_request); i < sizeof u; i++) {
    placed->b[i] = 1;
    ck_assert_msg(gwr_match(d, t, &placed->r) == GWR_E_INVALID, "non-zero byte %zu accepted", i);
    placed->b[i] = 0;
  }
  outcome_eq(outcome_of(d, t, &placed->r), want);
  guarded_free(&g);
  gwr_decision_free(d);
  gwr_table_unref(t);
  gwr_config_free(cfg);
}
END_TEST

/* ===================================================================== */
/* Allocator hooks                                                       */
/* ===================================================================== */

START_TEST(allocator_balance) {
  counting c;
  gwr_allocator a = counting_hooks(&c, SIZE_MAX);
  gwr_config *cfg = load_config(routes_yaml, &a);
  gwr_table *t = compile(cfg);
  gwr_decision *d = new_decision(t);
  size_t before, i, need = 0;
  ck_assert_uint_gt(c.total, 0);
  before = c.total;
  for (i = 0; i < 100; i++) {
    ck_assert_int_eq(route(d, t, "api.example.com", "/re/abc"), GWR_ACTION_FORWARD);
    ck_assert_int_eq(route(d, t, "nowhere.example.com", "/"), GWR_ACTION_RESPOND);
  }
  ck_assert_int_eq(gwr_table_status_json(t, NULL, 0, &need), GWR_E_RANGE);
  ck_assert_uint_eq(c.total, before); /* matching never allocates */
  gwr_config_free(cfg);
  gwr_decision_free(d);
  ck_assert_uint_gt(c.live, 0);
  gwr_table_unref(t);
  ck_assert_uint_eq(c.live, 0);
  ck_assert_int_eq(c.bad_free, 0);
  ck_assert_uint_eq(c.refused, 0);
}
END_TEST

/* What a run without memory limits produces, to compare a limited run to. */
typedef struct reference {
  size_t objects, problems;
  char *status;
} reference;

static reference reference_run(void) {
  reference r;
  gwr_config *cfg = load_config(routes_yaml, NULL);
  gwr_table *t = compile(cfg);
  size_t need = 0;
  r.objects = gwr_config_count(cfg, GWR_COUNT_OBJECTS);
  r.problems = gwr_config_count(cfg, GWR_COUNT_PROBLEMS);
  ck_assert_int_eq(gwr_table_status_json(t, NULL, 0, &need), GWR_E_RANGE);
  r.status = malloc(need + 1);
  ck_assert_ptr_nonnull(r.status);
  ck_assert_int_eq(gwr_table_status_json(t, r.status, need + 1, NULL), GWR_OK);
  gwr_table_unref(t);
  gwr_config_free(cfg);
  return r;
}

static void same_as_reference(const reference *ref, const gwr_config *cfg, const gwr_table *t,
                              size_t limit) {
  char *status;
  size_t need = 0;
  ck_assert_msg(gwr_config_count(cfg, GWR_COUNT_OBJECTS) == ref->objects &&
                    gwr_config_count(cfg, GWR_COUNT_PROBLEMS) == ref->problems,
                "limit %zu: load returned GWR_OK but lost objects", limit);
  if (!t) return;
  ck_assert_int_eq(gwr_table_status_json(t, NULL, 0, &need), GWR_E_RANGE);
  status = malloc(need + 1);
  ck_assert_ptr_nonnull(status);
  ck_assert_int_eq(gwr_table_status_json(t, status, need + 1, NULL), GWR_OK);
  ck_assert_msg(strcmp(status, ref->status) == 0, "limit %zu: compile returned GWR_OK but the "
                "status report differs", limit);
  free(status);
}

static const char *const oom_calls[] = {"gwr_config_new", "gwr_config_load",
                                         "gwr_table_compile", "gwr_decision_new", "nothing"};

/* One limited run: what it made, the last result, how many calls passed. */
typedef struct oom_state {
  counting c;
  gwr_config *cfg;
  gwr_table *t;
  gwr_decision *d;
  gwr_error err;
  int rc, ok;
} oom_state;

/* The four calls in order, stopping at the first failure. */
static void oom_calls_run(oom_state *s, const reference *ref, size_t limit) {
  gwr_allocator a = counting_hooks(&s->c, limit);
  if ((s->rc = gwr_config_new(&s->cfg, &a)) != GWR_OK) return;
  s->ok = 1;
  s->rc = gwr_config_load(s->cfg, routes_yaml, strlen(routes_yaml), "test.yaml", 9, &s->err);
  if (s->rc != GWR_OK) return;
  s->ok = 2;
  same_as_reference(ref, s->cfg, NULL, limit);
  if ((s->rc = gwr_table_compile(&s->t, s->cfg, &s->err)) != GWR_OK) return;
  s->ok = 3;
  same_as_reference(ref, s->cfg, s->t, limit);
  if ((s->rc = gwr_decision_new(&s->d, s->t)) != GWR_OK) return;
  s->ok = 4;
  ck_assert_int_eq(route(s->d, s->t, "api.example.com", "/re/x"), GWR_ACTION_FORWARD);
}

/* Allocation number `limit` and all later ones fail. A failing call must
 * say GWR_E_NOMEM (never GWR_E_PARSE or another code), leave its out
 * pointer NULL, and nothing may leak once what succeeded is freed.
 * Returns the number of calls that succeeded (4 = all). */
static int oom_run(size_t limit, const reference *ref) {
  oom_state s;
  gwr_error init = GWR_ERROR_INIT;
  memset(&s, 0, sizeof s);
  s.err = init;
  oom_calls_run(&s, ref, limit);
  if (s.ok < 4) {
    ck_assert_msg(s.rc == GWR_E_NOMEM, "limit %zu: %s returned %d (%s), want GWR_E_NOMEM: %s",
                  limit, oom_calls[s.ok], s.rc, gwr_strerror(s.rc), s.err.message);
    ck_assert_uint_gt(s.c.refused, 0);
  }
  if (s.ok == 1 || s.ok == 2)
    ck_assert_msg(s.err.code == GWR_E_NOMEM, "limit %zu: err.code %d", limit, (int)s.err.code);
  ck_assert_msg(s.ok != 0 || s.cfg == NULL, "limit %zu: config left set", limit);
  ck_assert_msg(s.ok != 2 || s.t == NULL, "limit %zu: table left set", limit);
  ck_assert_msg(s.ok != 3 || s.d == NULL, "limit %zu: decision left set", limit);
  gwr_decision_free(s.d);
  gwr_table_unref(s.t);
  gwr_config_free(s.cfg);
  ck_assert_msg(s.c.live == 0, "limit %zu: %zu allocations leaked after %s failed", limit,
                s.c.live, oom_calls[s.ok]);
  ck_assert_int_eq(s.c.bad_free, 0);
  return s.ok;
}

START_TEST(allocator_oom_stepping) {
  reference ref = reference_run();
  size_t limit;
  int done = 0;
  for (limit = 0; limit < 100000 && !done; limit++) done = oom_run(limit, &ref) == 4;
  ck_assert_msg(done, "never succeeded");
  ck_assert_uint_gt(limit, 4);
  free(ref.status);
}
END_TEST

/* ===================================================================== */
/* Lifetimes and reference counts                                        */
/* ===================================================================== */

START_TEST(table_outlives_config) {
  counting c;
  gwr_allocator a = counting_hooks(&c, SIZE_MAX);
  gwr_config *cfg = load_config(routes_yaml, &a);
  gwr_table *t = compile(cfg);
  gwr_decision *d;
  char status[4];
  size_t need = 0;
  gwr_config_free(cfg);
  d = new_decision(t);
  ck_assert_int_eq(route(d, t, "api.example.com", "/exact"), GWR_ACTION_FORWARD);
  ck_assert(field_is(d, GWR_DS_LISTENER, "infra/gw/http"));
  ck_assert(field_is(d, GWR_DS_ROUTE_KIND, "HTTPRoute"));
  ck_assert(field_is(d, GWR_DS_ROUTE_NAMESPACE, "default"));
  ck_assert(field_is(d, GWR_DS_ROUTE_NAME, "api"));
  ck_assert(field_is(d, GWR_DS_BACKEND_NAME, "exact"));
  ck_assert_int_eq(gwr_decision_int(d, GWR_DI_BACKEND_PORT), 8080);
  ck_assert_int_eq(gwr_decision_int(d, GWR_DI_ROUTE_RULE), 2);
  ck_assert_int_eq(gwr_table_status_json(t, status, sizeof status, &need), GWR_E_RANGE);
  ck_assert_uint_gt(need, sizeof status);
  gwr_decision_free(d);
  gwr_table_unref(t);
  ck_assert_uint_eq(c.live, 0);
}
END_TEST

START_TEST(table_ref_counting) {
  counting c;
  gwr_allocator a = counting_hooks(&c, SIZE_MAX);
  gwr_config *cfg = load_config(routes_yaml, &a);
  gwr_table *t = compile(cfg);
  gwr_decision *d;
  size_t with_table;
  gwr_config_free(cfg);
  with_table = c.live;
  ck_assert_ptr_eq(gwr_table_ref(t), t);
  ck_assert_ptr_eq(gwr_table_ref(t), t);
  gwr_table_unref(t);
  gwr_table_unref(t);
  ck_assert_uint_eq(c.live, with_table); /* one reference left */
  d = new_decision(t);
  ck_assert_int_eq(route(d, t, "api.example.com", "/"), GWR_ACTION_FORWARD);
  ck_assert(field_is(d, GWR_DS_BACKEND_NAME, "fallback"));
  gwr_decision_free(d);
  gwr_table_unref(t);
  ck_assert_uint_eq(c.live, 0);
}
END_TEST

/* ===================================================================== */
/* Status report                                                         */
/* ===================================================================== */

START_TEST(status_json_sizing) {
  gwr_config *cfg = load_config(routes_yaml, NULL);
  gwr_table *t = compile(cfg);
  size_t need = 0, again = 0;
  char *buf;
  ck_assert_int_eq(gwr_table_status_json(t, NULL, 0, &need), GWR_E_RANGE);
  ck_assert_uint_gt(need, 0);
  buf = malloc(need + 2);
  ck_assert_ptr_nonnull(buf);
  memset(buf, CANARY, need + 2);
  ck_assert_int_eq(gwr_table_status_json(t, buf, need, &again), GWR_E_RANGE); /* no room for NUL */
  ck_assert_uint_eq(again, need);
  ck_assert_int_eq(gwr_table_status_json(t, buf, need + 1, &again), GWR_OK);
  ck_assert_uint_eq(again, need);
  ck_assert_uint_eq(strlen(buf), need);
  ck_assert_int_eq((unsigned char)buf[need + 1], CANARY);
  ck_assert_int_eq(buf[0], '{');
  ck_assert_int_eq(buf[need - 1], '}');
  ck_assert_ptr_nonnull(strstr(buf, "broken"));
  ck_assert_int_eq(gwr_table_status_json(t, buf, need + 1, NULL), GWR_OK);
  free(buf);
  gwr_table_unref(t);
  gwr_config_free(cfg);
}
END_TEST

/* ===================================================================== */
/* A fresh decision                                                      */
/* ===================================================================== */

START_TEST(fresh_decision) {
  gwr_config *cfg = load_config(routes_yaml, NULL);
  gwr_table *t = compile(cfg);
  gwr_decision *d = new_decision(t);
  gwr_header h;
  gwr_str s;
  int32_t f;
  ck_assert_int_eq(gwr_decision_action(d), GWR_ACTION_NONE);
  ck_assert_int_eq(gwr_decision_int(d, GWR_DI_STATUS), 0);
  ck_assert_int_eq(gwr_decision_int(d, GWR_DI_ROUTE_RULE), -1);
  ck_assert_int_eq(gwr_decision_int(d, GWR_DI_ROUTE_MATCH), -1);
  ck_assert_int_eq(gwr_decision_int(d, GWR_DI_BACKEND_PORT), 0);
  ck_assert_int_eq(gwr_decision_int(d, GWR_DI_GRPC_STATUS), -1);
  ck_assert_int_eq(gwr_decision_int(d, GWR_DI_HAS_ROUTE), 0);
  ck_assert_int_eq(gwr_decision_int(d, GWR_DI_HAS_BACKEND), 0);
  ck_assert_int_eq(gwr_decision_int(d, 0), 0);
  ck_assert_int_eq(gwr_decision_int(d, 1000), 0);
  ck_assert_int_eq(gwr_decision_int(d, GWR_DI_TIMEOUT_REQUEST_MS), -1);
  for (f = GWR_DS_LISTENER; f <= GWR_DS_UPSTREAM_PATH; f++) {
    s.ptr = NULL;
    s.len = 99;
    ck_assert_int_eq(gwr_decision_str(d, f, &s), GWR_OK);
    ck_assert_msg(s.len == 0, "field %d not empty", (int)f);
  }
  ck_assert_int_eq(gwr_decision_str(d, 0, &s), GWR_E_INVALID);
  ck_assert_int_eq(gwr_decision_str(d, GWR_DS_SESSION_IDLE_TIMEOUT + 1, &s), GWR_E_INVALID);
  ck_assert_uint_eq(gwr_decision_header_count(d, GWR_DH_UPSTREAM), 0);
  ck_assert_uint_eq(gwr_decision_header_count(d, 0), 0);
  ck_assert_int_eq(gwr_decision_header(d, GWR_DH_UPSTREAM, 0, &h), GWR_E_NOTFOUND);
  ck_assert_int_eq(gwr_decision_header(d, 2, 0, &h), GWR_E_INVALID);
  gwr_decision_free(d);
  gwr_table_unref(t);
  gwr_config_free(cfg);
}
END_TEST

/* ===================================================================== */
/* Options and the controller name                                       */
/* ===================================================================== */

#define WRAP32(v) (((int64_t)1 << 32) + (v)) /* v once truncated to 32 bits */

typedef struct option_case {
  int32_t key;
  int64_t bad[6];
  size_t nbad;
  int64_t good[4];
  size_t ngood;
} option_case;

static const option_case option_cases[] = {
    {GWR_OPT_REGEX_ORDER, {-1, 2, INT64_MIN, INT64_MAX, WRAP32(GWR_REGEX_ORDER_ISTIO)}, 5,
     {GWR_REGEX_ORDER_ENVOY, GWR_REGEX_ORDER_ISTIO}, 2},
    {GWR_OPT_REGEX_MATCH_LIMIT, {0, -1, INT64_MIN, INT64_MAX, WRAP32(0), WRAP32(10000)}, 6,
     {10000, 1}, 2},
    {GWR_OPT_REGEX_MAX_LENGTH, {0, -1, INT64_MIN, WRAP32(0)}, 4, {1024, 1}, 2},
    {GWR_OPT_ALL_ZERO_WEIGHT_STATUS, {0, -1, 99, 600, INT64_MIN, WRAP32(503)}, 6,
     {500, 503, 100, 599}, 4},
    {GWR_OPT_MAX_OBJECTS, {0, -1, INT64_MIN}, 3, {100000, 1}, 2},
    {GWR_OPT_MAX_HEADER_BYTES, {0, -1, INT64_MIN}, 3, {8192}, 1},
    {GWR_OPT_PATH_NORMALIZE, {-1, 2, INT64_MIN, INT64_MAX, WRAP32(GWR_PATH_NORMALIZE_NONE)}, 5,
     {GWR_PATH_NORMALIZE_NONE, GWR_PATH_NORMALIZE_DOT_SEGMENTS}, 2},
    {GWR_OPT_MAX_YAML_ALIASES, {-1, INT64_MIN}, 2, {1000, 0}, 2},
    {GWR_OPT_GRPC_HOSTNAME_CONFLICTS, {-1, 2, INT64_MIN, WRAP32(1)}, 4, {0, 1}, 2},
    {GWR_OPT_MAX_DOCUMENT_BYTES, {0, -1, INT64_MIN, INT64_MAX}, 4, {1, (int64_t)64 << 20}, 2},
    {GWR_OPT_MAX_DEPTH, {0, 3, -1, 10001}, 4, {4, 256, 10000}, 3},
    {GWR_OPT_MAX_STRING_BYTES, {0, 255, -1, INT64_MAX}, 4, {256, 1 << 20}, 2},
    {GWR_OPT_REGEX_HEAP_LIMIT, {0, -1, 4194305}, 3, {1, 1024}, 2},
};

START_TEST(option_ranges) {
  const option_case *oc = &option_cases[_i];
  gwr_config *cfg = new_config(NULL);
  size_t i;
  for (i = 0; i < oc->nbad; i++)
    ck_assert_msg(gwr_config_set_option(cfg, oc->key, oc->bad[i]) == GWR_E_INVALID,
                  "option %d accepted %lld", (int)oc->key, (long long)oc->bad[i]);
  for (i = 0; i < oc->ngood; i++)
    ck_assert_msg(gwr_config_set_option(cfg, oc->key, oc->good[i]) == GWR_OK,
                  "option %d refused %lld", (int)oc->key, (long long)oc->good[i]);
  gwr_config_free(cfg);
}
END_TEST

START_TEST(option_unknown_keys) {
  static const int32_t keys[] = {0, 14, 100, -1, INT32_MIN, INT32_MAX};
  gwr_config *cfg = new_config(NULL);
  size_t i;
  for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
    ck_assert_int_eq(gwr_config_set_option(cfg, keys[i], 0), GWR_E_INVALID);
  gwr_config_free(cfg);
}
END_TEST

/* The status of the all-zero-weights rule in a table compiled now. */
static int64_t zero_weight_status(const gwr_config *cfg) {
  gwr_table *t = compile(cfg);
  gwr_decision *d = new_decision(t);
  int64_t status;
  ck_assert_int_eq(route(d, t, "api.example.com", "/zero"), GWR_ACTION_RESPOND);
  status = gwr_decision_int(d, GWR_DI_STATUS);
  gwr_decision_free(d);
  gwr_table_unref(t);
  return status;
}

START_TEST(option_effect) {
  gwr_config *cfg = load_config(routes_yaml, NULL);
  gwr_table *before = compile(cfg);
  gwr_decision *d = new_decision(before);
  ck_assert_int_eq(zero_weight_status(cfg), 500);
  ck_assert_int_eq(gwr_config_set_option(cfg, GWR_OPT_ALL_ZERO_WEIGHT_STATUS, 503), GWR_OK);
  ck_assert_int_eq(zero_weight_status(cfg), 503);
  ck_assert_int_eq(gwr_config_set_option(cfg, GWR_OPT_ALL_ZERO_WEIGHT_STATUS, 600), GWR_E_INVALID);
  ck_assert_int_eq(zero_weight_status(cfg), 503); /* a refused value changes nothing */
  ck_assert_int_eq(route(d, before, "api.example.com", "/zero"), GWR_ACTION_RESPOND);
  ck_assert_int_eq(gwr_decision_int(d, GWR_DI_STATUS), 500); /* older tables keep theirs */
  gwr_decision_free(d);
  gwr_table_unref(before);
  gwr_config_free(cfg);
}
END_TEST

/* gwr_match's result for the catch-all rule in a table compiled now. */
static int match_with_controller(gwr_config *cfg, const char *name, size_t len) {
  gwr_request req = request("api.example.com", "/");
  gwr_table *t;
  gwr_decision *d;
  int rc;
  ck_assert_int_eq(gwr_config_set_controller(cfg, name, len), GWR_OK);
  t = compile(cfg);
  d = new_decision(t);
  rc = gwr_match(d, t, &req);
  if (rc == GWR_OK) ck_assert_int_eq(gwr_decision_action(d), GWR_ACTION_FORWARD);
  req.gateway = sv("infra/gw");
  ck_assert_int_eq(gwr_match(d, t, &req), rc);
  gwr_decision_free(d);
  gwr_table_unref(t);
  return rc;
}

START_TEST(controller_effect) {
  static const char ours[] = "example.com/gateway-controller";
  gwr_config *cfg = load_config(routes_yaml, NULL);
  ck_assert_int_eq(match_with_controller(cfg, NULL, 0), GWR_OK); /* unset: every class */
  ck_assert_int_eq(match_with_controller(cfg, "other.io/ctl", 12), GWR_E_NOTFOUND);
  ck_assert_int_eq(match_with_controller(cfg, ours, strlen(ours)), GWR_OK);
  /* name_len counts, not the NUL: a prefix is another controller */
  ck_assert_int_eq(match_with_controller(cfg, ours, strlen(ours) - 1), GWR_E_NOTFOUND);
  ck_assert_int_eq(match_with_controller(cfg, "", 0), GWR_OK); /* empty: every class */
  gwr_config_free(cfg);
}
END_TEST

/* ===================================================================== */
/* Request bytes ending at an unreadable page                            */
/* ===================================================================== */

enum {
  SLOT_GATEWAY,
  SLOT_METHOD,
  SLOT_SCHEME,
  SLOT_SNI,
  SLOT_HOST,
  SLOT_PATH,
  SLOT_KEY,
  SLOT_NAME0,
  SLOT_VALUE0,
  SLOT_NAME1,
  SLOT_VALUE1,
  SLOT_HEADERS,
  SLOT_REQUEST,
  SLOT_COUNT
};

typedef struct edge {
  const char *gateway, *scheme, *host, *path, *key;
  const char *name0, *value0, *name1, *value1;
  size_t header_count;
} edge;

/* Where touched bytes go, so the reads are not optimised away. */
static volatile unsigned sink;

/* Read every byte of a view, so a view past its buffer faults here. */
static unsigned touch(gwr_str s) {
  unsigned sum = 0;
  size_t i;
  for (i = 0; i < s.len; i++) sum += (unsigned char)s.ptr[i];
  return sum;
}

static unsigned touch_decision(const gwr_decision *d) {
  unsigned sum = 0;
  gwr_header h;
  gwr_str s;
  int32_t f;
  size_t i;
  for (f = GWR_DS_LISTENER; f <= GWR_DS_UPSTREAM_PATH; f++) {
    ck_assert_int_eq(gwr_decision_str(d, f, &s), GWR_OK);
    sum += touch(s);
  }
  for (i = 0; i < gwr_decision_header_count(d, GWR_DH_UPSTREAM); i++) {
    ck_assert_int_eq(gwr_decision_header(d, GWR_DH_UPSTREAM, i, &h), GWR_OK);
    sum += touch(h.name) + touch(h.value);
  }
  return sum;
}

/* Every string, the header array and the request itself end at a page
 * whose next page is PROT_NONE. Returns the action. */
static int32_t match_at_edge(guarded *g, gwr_decision *d, const gwr_table *t, const edge *e) {
  gwr_request req = GWR_REQUEST_INIT;
  gwr_header h[2];
  const gwr_request *placed;
  req.gateway = guarded_str(g, SLOT_GATEWAY, e->gateway);
  req.method = guarded_str(g, SLOT_METHOD, "GET");
  req.scheme = guarded_str(g, SLOT_SCHEME, e->scheme);
  req.sni = guarded_str(g, SLOT_SNI, e->host);
  req.host = guarded_str(g, SLOT_HOST, e->host);
  req.path = guarded_str(g, SLOT_PATH, e->path);
  req.key = guarded_str(g, SLOT_KEY, e->key);
  h[0].name = guarded_str(g, SLOT_NAME0, e->name0);
  h[0].value = guarded_str(g, SLOT_VALUE0, e->value0);
  h[1].name = guarded_str(g, SLOT_NAME1, e->name1);
  h[1].value = guarded_str(g, SLOT_VALUE1, e->value1);
  req.headers = guarded_put(g, SLOT_HEADERS, h, e->header_count * sizeof h[0]);
  req.header_count = e->header_count;
  placed = guarded_put(g, SLOT_REQUEST, &req, sizeof req);
  ck_assert_int_eq(gwr_match(d, t, placed), GWR_OK);
  sink += touch_decision(d);
  return gwr_decision_action(d);
}

static const char *const edge_hosts[] = {
    "api.example.com", "API.Example.COM.", "api.example.com:80", "api.example.com:",
    "x.wild.example.com", "wild.example.com", "[::1]:80", "[::1", "", "a", ":", ".", "[",
    "api.example.com.:80"};
static const char *const edge_paths[] = {
    "/v1?q=x", "/v1?q=x&", "/v1?q", "/v1?q=", "/v1?", "/v1", "/v1/", "/v1/..", "/v1/.",
    "/v1/./", "/v1/x/../", "/re/abc", "/re/", "/re/abc?q", "/exact", "/exact?", "/", "", "?",
    "/a/b/../..", "/zero", "//", "/..", "/.", "/v1?a=1&q=x", "/v1?q=x&q=y"};
static const char *const edge_schemes[] = {"http", "https", ""};

START_TEST(request_at_page_end) {
  gwr_config *cfg = load_config(routes_yaml, NULL);
  gwr_table *t = compile(cfg);
  gwr_decision *d = new_decision(t);
  edge e = {"", "", "", "", "user-9", "X-Env", "prod", "x-env", "prod", 1};
  size_t h, p, s;
  guarded g;
  guarded_init(&g, SLOT_COUNT);
  for (s = 0; s < sizeof edge_schemes / sizeof edge_schemes[0]; s++)
    for (h = 0; h < sizeof edge_hosts / sizeof edge_hosts[0]; h++)
      for (p = 0; p < sizeof edge_paths / sizeof edge_paths[0]; p++) {
        e.scheme = edge_schemes[s];
        e.host = edge_hosts[h];
        e.path = edge_paths[p];
        e.gateway = (p & 1) ? "infra/gw" : "";
        (void)match_at_edge(&g, d, t, &e);
      }
  e.scheme = "http";
  e.host = "api.example.com:80";
  e.path = "/v1?q=x";
  ck_assert_int_eq(match_at_edge(&g, d, t, &e), GWR_ACTION_FORWARD);
  ck_assert_int_eq(gwr_decision_int(d, GWR_DI_ROUTE_RULE), 0);
  e.path = "/re/abc";
  ck_assert_int_eq(match_at_edge(&g, d, t, &e), GWR_ACTION_FORWARD);
  ck_assert(field_is(d, GWR_DS_BACKEND_NAME, "re"));
  guarded_free(&g);
  gwr_decision_free(d);
  gwr_table_unref(t);
  gwr_config_free(cfg);
}
END_TEST

/* Header lists at the edge: none, one, two (joined), odd names. */
START_TEST(headers_at_page_end) {
  static const char *const names[] = {"X-Env", "x-env", "X-ENV", "X", "", "X-Env-Long"};
  static const char *const values[] = {"prod", "", "p", "prod,prod", "prod "};
  gwr_config *cfg = load_config(routes_yaml, NULL);
  gwr_table *t = compile(cfg);
  gwr_decision *d = new_decision(t);
  edge e = {"infra/gw", "http", "api.example.com", "/v1?q=x", "", "", "", "", "", 0};
  size_t n, v, count;
  guarded g;
  guarded_init(&g, SLOT_COUNT);
  for (count = 0; count <= 2; count++)
    for (n = 0; n < sizeof names / sizeof names[0]; n++)
      for (v = 0; v < sizeof values / sizeof values[0]; v++) {
        e.header_count = count;
        e.name0 = names[n];
        e.value0 = values[v];
        e.name1 = names[(n + 1) % (sizeof names / sizeof names[0])];
        e.value1 = values[(v + 2) % (sizeof values / sizeof values[0])];
        e.key = (v & 1) ? "k" : "";
        (void)match_at_edge(&g, d, t, &e);
      }
  e.header_count = 1;
  e.name0 = "x-ENV";
  e.value0 = "prod";
  ck_assert_int_eq(match_at_edge(&g, d, t, &e), GWR_ACTION_FORWARD);
  ck_assert_int_eq(gwr_decision_int(d, GWR_DI_ROUTE_RULE), 0);
  ck_assert_uint_eq(gwr_decision_header_count(d, GWR_DH_UPSTREAM), 1);
  guarded_free(&g);
  gwr_decision_free(d);
  gwr_table_unref(t);
  gwr_config_free(cfg);
}
END_TEST

/* A host longer than the library's host buffer and a long path with dot
 * segments, both ending at the page end. */
START_TEST(long_fields_at_page_end) {
  gwr_config *cfg = load_config(routes_yaml, NULL);
  gwr_table *t = compile(cfg);
  gwr_decision *d = new_decision(t);
  edge e = {"", "http", NULL, NULL, "key", "X-Env", "prod", "", "", 1};
  char *host = malloc(4000), *path = malloc(4000);
  size_t i;
  guarded g;
  ck_assert_ptr_nonnull(host);
  ck_assert_ptr_nonnull(path);
  guarded_init(&g, SLOT_COUNT);
  memset(host, 'a', 3999);
  host[3999] = '\0';
  for (i = 0; i + 3 < 3999; i += 3) memcpy(path + i, "/..", 3);
  path[i] = '\0';
  e.host = host;
  e.path = path;
  (void)match_at_edge(&g, d, t, &e);
  host[300] = '\0';
  (void)match_at_edge(&g, d, t, &e);
  memcpy(path, "/v1/", 4);
  (void)match_at_edge(&g, d, t, &e);
  guarded_free(&g);
  free(host);
  free(path);
  gwr_decision_free(d);
  gwr_table_unref(t);
  gwr_config_free(cfg);
}
END_TEST

/* ===================================================================== */
/* Known library bugs: kept out of the suite until lib/ is fixed          */
/* ===================================================================== */

/* gwroute.h: a decision is "sized for tables compiled from the same limits
 * as t", so the swap pattern may keep per-thread decisions across tables. */
START_TEST(decision_across_tables) {
  gwr_config *cfg = load_config(routes_yaml, NULL);
  gwr_table *t1 = compile(cfg), *t2 = compile(cfg);
  gwr_decision *d = new_decision(t1);
  gwr_request req = request("api.example.com", "/");
  ck_assert_int_eq(gwr_match(d, t1, &req), GWR_OK);
  ck_assert_int_eq(gwr_match(d, t2, &req), GWR_OK);
  gwr_decision_free(d);
  gwr_table_unref(t1);
  gwr_table_unref(t2);
  gwr_config_free(cfg);
}
END_TEST

/* A decision may be freed after its table's last reference: its PCRE2
 * scratch uses the decision's own allocator copy (a use-after-free once). */
START_TEST(decision_outlives_table) {
  gwr_config *cfg = load_config(routes_yaml, NULL);
  gwr_table *t = compile(cfg);
  gwr_decision *d = new_decision(t);
  gwr_config_free(cfg);
  gwr_table_unref(t);
  gwr_decision_free(d);
}
END_TEST

/* ===================================================================== */
/* Suite                                                                 */
/* ===================================================================== */

static TCase *tcase(Suite *s, const char *name) {
  TCase *tc = tcase_create(name);
  suite_add_tcase(s, tc);
  return tc;
}

static Suite *api_suite(void) {
  Suite *s = suite_create("api");
  TCase *tc = tcase(s, "status");
  tcase_add_test(tc, strerror_texts);
  tcase_add_test(tc, strerror_unknown);
  tcase_add_test(tc, version_agrees);
  tc = tcase(s, "null");
  tcase_add_test(tc, null_config_functions);
  tcase_add_test(tc, null_builder_functions);
  tcase_add_test(tc, null_table_functions);
  tcase_add_test(tc, null_decision_functions);
  tcase_add_test(tc, bad_allocator);
  tcase_add_test(tc, load_nothing);
  tc = tcase(s, "struct_size");
  tcase_set_timeout(tc, 60);
  tcase_add_loop_test(tc, error_struct_sizes, 0, (int)(sizeof producers / sizeof producers[0]));
  tcase_add_test(tc, error_full_contents);
  tcase_add_test(tc, request_older_struct);
  tcase_add_test(tc, request_bad_struct_size);
  tcase_add_test(tc, request_newer_struct);
  tc = tcase(s, "allocator");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, allocator_balance);
  tcase_add_test(tc, allocator_oom_stepping);
  tc = tcase(s, "lifetime");
  tcase_add_test(tc, table_outlives_config);
  tcase_add_test(tc, table_ref_counting);
  tcase_add_test(tc, status_json_sizing);
  tcase_add_test(tc, fresh_decision);
  tc = tcase(s, "options");
  tcase_add_loop_test(tc, option_ranges, 0, (int)(sizeof option_cases / sizeof option_cases[0]));
  tcase_add_test(tc, option_unknown_keys);
  tcase_add_test(tc, option_effect);
  tcase_add_test(tc, controller_effect);
  tc = tcase(s, "page_end");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, request_at_page_end);
  tcase_add_test(tc, headers_at_page_end);
  tcase_add_test(tc, long_fields_at_page_end);
  return s;
}

/* Decisions across table swaps (once library bugs, now regressions). */
static void add_swap_tests(Suite *s) {
  TCase *tc = tcase(s, "swap");
  tcase_add_test(tc, decision_across_tables);
  tcase_add_test(tc, decision_outlives_table);
}

int main(void) {
  Suite *s = api_suite();
  SRunner *sr = srunner_create(s);
  int failed;
  add_swap_tests(s);
  srunner_run_all(sr, CK_ENV);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
