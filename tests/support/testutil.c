/* SPDX-License-Identifier: Apache-2.0 */
/*
 * testutil.c - see testutil.h. Only the public API is used for configs,
 * tables and decisions, so the helpers route exactly as a host would.
 */
#include "testutil.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- strings -------------------------------------------------------------- */

gwr_str tu_s(const char *s) {
  gwr_str r;
  r.ptr = s;
  r.len = s ? strlen(s) : 0;
  return r;
}

void tu_buf_printf(tu_buf *b, const char *fmt, ...) {
  va_list ap;
  int n;
  va_start(ap, fmt);
  n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  ck_assert_int_ge(n, 0);
  if (b->len + (size_t)n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 1024;
    char *p;
    while (cap < b->len + (size_t)n + 1) cap *= 2;
    p = realloc(b->p, cap);
    ck_assert_ptr_nonnull(p);
    b->p = p;
    b->cap = cap;
  }
  va_start(ap, fmt);
  vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

void tu_buf_free(tu_buf *b) {
  free(b->p);
  b->p = NULL;
  b->len = b->cap = 0;
}

/* ---- minimal JSON ------------------------------------------------------------ */

typedef struct jp {
  const char *p;
  int depth;
} jp;

static void ws(jp *j) {
  while (*j->p == ' ' || *j->p == '\n' || *j->p == '\r' || *j->p == '\t') j->p++;
}

static tu_json *jnew(int type) {
  tu_json *n = calloc(1, sizeof *n);
  if (n) n->type = type;
  return n;
}

static char *jstring(jp *j) {
  tu_buf b = {NULL, 0, 0};
  if (*j->p != '"') return NULL;
  j->p++;
  tu_buf_printf(&b, "%s", "");
  while (*j->p && *j->p != '"') {
    char c = *j->p++;
    if (c == '\\') {
      char e = *j->p++;
      switch (e) {
        case 'n': c = '\n'; break;
        case 't': c = '\t'; break;
        case 'r': c = '\r'; break;
        case 'b': c = '\b'; break;
        case 'f': c = '\f'; break;
        case 'u': {
          unsigned v = 0;
          int i;
          for (i = 0; i < 4; i++) {
            char h = *j->p++;
            v <<= 4;
            if (h >= '0' && h <= '9') v |= (unsigned)(h - '0');
            else if (h >= 'a' && h <= 'f') v |= (unsigned)(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F') v |= (unsigned)(h - 'A' + 10);
            else {
              tu_buf_free(&b);
              return NULL;
            }
          }
          c = v < 0x80 ? (char)v : '?';
          break;
        }
        case '\0':
          tu_buf_free(&b);
          return NULL;
        default: c = e; break;
      }
    }
    tu_buf_printf(&b, "%c", c);
  }
  if (*j->p != '"') {
    tu_buf_free(&b);
    return NULL;
  }
  j->p++;
  return b.p;
}

static tu_json *jvalue(jp *j);

static int jpush(tu_json *n, char *key, tu_json *item) {
  tu_json **items = realloc(n->items, (n->count + 1) * sizeof *items);
  if (!items) return 0;
  n->items = items;
  if (n->type == TU_JOBJ) {
    char **keys = realloc(n->keys, (n->count + 1) * sizeof *keys);
    if (!keys) return 0;
    n->keys = keys;
    n->keys[n->count] = key;
  }
  n->items[n->count++] = item;
  return 1;
}

static tu_json *jcontainer(jp *j, int type) {
  tu_json *n = jnew(type);
  char close = type == TU_JOBJ ? '}' : ']';
  if (!n || ++j->depth > 64) {
    free(n);
    return NULL;
  }
  j->p++;
  ws(j);
  if (*j->p == close) {
    j->p++;
    j->depth--;
    return n;
  }
  for (;;) {
    char *key = NULL;
    tu_json *item;
    ws(j);
    if (type == TU_JOBJ) {
      if (!(key = jstring(j))) break;
      ws(j);
      if (*j->p != ':') {
        free(key);
        break;
      }
      j->p++;
    }
    item = jvalue(j);
    if (!item || !jpush(n, key, item)) {
      free(key);
      tu_json_free(item);
      break;
    }
    ws(j);
    if (*j->p == ',') {
      j->p++;
      continue;
    }
    if (*j->p == close) {
      j->p++;
      j->depth--;
      return n;
    }
    break;
  }
  tu_json_free(n);
  return NULL;
}

static tu_json *jvalue(jp *j) {
  tu_json *n;
  ws(j);
  switch (*j->p) {
    case '{': return jcontainer(j, TU_JOBJ);
    case '[': return jcontainer(j, TU_JARR);
    case '"':
      n = jnew(TU_JSTR);
      if (n && !(n->s = jstring(j))) {
        free(n);
        n = NULL;
      }
      return n;
    case 't':
    case 'f':
    case 'n': {
      const char *w = *j->p == 't' ? "true" : *j->p == 'f' ? "false" : "null";
      if (strncmp(j->p, w, strlen(w)) != 0) return NULL;
      j->p += strlen(w);
      n = jnew(*w == 'n' ? TU_JNULL : TU_JBOOL);
      if (n) n->n = *w == 't';
      return n;
    }
    default: {
      char *end;
      double v = strtod(j->p, &end);
      if (end == j->p) return NULL;
      j->p = end;
      n = jnew(TU_JNUM);
      if (n) n->n = v;
      return n;
    }
  }
}

tu_json *tu_json_parse(const char *text) {
  jp j;
  tu_json *n;
  j.p = text;
  j.depth = 0;
  n = jvalue(&j);
  if (!n) return NULL;
  ws(&j);
  if (*j.p) {
    tu_json_free(n);
    return NULL;
  }
  return n;
}

void tu_json_free(tu_json *j) {
  size_t i;
  if (!j) return;
  for (i = 0; i < j->count; i++) {
    if (j->keys) free(j->keys[i]);
    tu_json_free(j->items[i]);
  }
  free(j->keys);
  free(j->items);
  free(j->s);
  free(j);
}

const tu_json *tu_json_get(const tu_json *j, const char *key) {
  size_t i;
  if (!j || j->type != TU_JOBJ) return NULL;
  for (i = 0; i < j->count; i++)
    if (strcmp(j->keys[i], key) == 0) return j->items[i];
  return NULL;
}

const tu_json *tu_json_at(const tu_json *j, size_t i) {
  if (!j || j->type != TU_JARR || i >= j->count) return NULL;
  return j->items[i];
}

const char *tu_json_str(const tu_json *j) {
  return j && j->type == TU_JSTR ? j->s : NULL;
}

/* ---- config, table, decision ---------------------------------------------------- */

tu_ctx *tu_new(void) {
  tu_ctx *c = calloc(1, sizeof *c);
  ck_assert_ptr_nonnull(c);
  ck_assert_int_eq(gwr_config_new(&c->cfg, NULL), GWR_OK);
  return c;
}

int tu_add_rc(tu_ctx *c, const char *yaml, gwr_error *err) {
  return gwr_config_load(c->cfg, yaml, strlen(yaml), "test.yaml", 9, err);
}

void tu_add(tu_ctx *c, const char *yaml) {
  gwr_error err = GWR_ERROR_INIT;
  int rc = tu_add_rc(c, yaml, &err);
  ck_assert_msg(rc == GWR_OK, "load failed (%d): %s", rc, err.message);
}

static void drop_table(tu_ctx *c) {
  gwr_decision_free(c->d);
  gwr_table_unref(c->table);
  tu_json_free(c->json);
  free(c->status);
  c->d = NULL;
  c->table = NULL;
  c->json = NULL;
  c->status = NULL;
}

void tu_compile(tu_ctx *c) {
  gwr_error err = GWR_ERROR_INIT;
  size_t need = 0;
  int rc;
  drop_table(c);
  rc = gwr_table_compile(&c->table, c->cfg, &err);
  ck_assert_msg(rc == GWR_OK, "compile failed (%d): %s", rc, err.message);
  ck_assert_int_eq(gwr_decision_new(&c->d, c->table), GWR_OK);
  ck_assert_int_eq(gwr_table_status_json(c->table, NULL, 0, &need), GWR_E_RANGE);
  c->status = malloc(need + 1);
  ck_assert_ptr_nonnull(c->status);
  ck_assert_int_eq(gwr_table_status_json(c->table, c->status, need + 1, NULL), GWR_OK);
  c->json = tu_json_parse(c->status);
  ck_assert_msg(c->json != NULL, "status is not JSON: %s", c->status);
}

tu_ctx *tu_build(const char *yaml) {
  tu_ctx *c = tu_new();
  tu_add(c, yaml);
  tu_compile(c);
  return c;
}

void tu_free(tu_ctx *c) {
  if (!c) return;
  drop_table(c);
  gwr_config_free(c->cfg);
  free(c);
}

gwr_error tu_problem(const tu_ctx *c, size_t index) {
  gwr_error e = GWR_ERROR_INIT;
  ck_assert_int_eq(gwr_config_problem(c->cfg, index, &e), GWR_OK);
  return e;
}

size_t tu_count(const tu_ctx *c, int32_t which) { return gwr_config_count(c->cfg, which); }

/* ---- requests ---------------------------------------------------------------- */

static void copy_str(char *dst, size_t cap, gwr_str s) {
  size_t n = s.len < cap - 1 ? s.len : cap - 1;
  if (n) memcpy(dst, s.ptr, n);
  dst[n] = '\0';
}

static void get_str(const gwr_decision *d, int32_t field, char *dst, size_t cap) {
  gwr_str s = {NULL, 0};
  ck_assert_int_eq(gwr_decision_str(d, field, &s), GWR_OK);
  copy_str(dst, cap, s);
}

tu_result tu_match_with(gwr_decision *d, const gwr_table *t, const tu_req *r) {
  gwr_request req = GWR_REQUEST_INIT;
  gwr_header hs[64];
  tu_result out;
  size_t n = 0;
  char a[256], b[256];
  memset(&out, 0, sizeof out);
  req.gateway = tu_s(r->gateway);
  req.scheme = tu_s(r->scheme);
  req.sni = tu_s(r->sni);
  req.method = tu_s(r->method ? r->method : "GET");
  req.host = tu_s(r->host);
  req.path = tu_s(r->path);
  req.key = tu_s(r->key);
  req.port = r->port;
  req.choice = r->choice;
  req.protocol = r->protocol;
  if (r->headers)
    for (; r->headers[2 * n]; n++) {
      ck_assert_uint_lt(n, 64);
      hs[n].name = tu_s(r->headers[2 * n]);
      hs[n].value = tu_s(r->headers[2 * n + 1]);
    }
  req.headers = n ? hs : NULL;
  req.header_count = n;
  out.rc = gwr_match(d, t, &req);
  out.rule = out.match = -1;
  if (out.rc != GWR_OK) return out;
  out.action = gwr_decision_action(d);
  out.status = (int)gwr_decision_int(d, GWR_DI_STATUS);
  out.grpc_status = (int)gwr_decision_int(d, GWR_DI_GRPC_STATUS);
  out.rule = (int)gwr_decision_int(d, GWR_DI_ROUTE_RULE);
  out.match = (int)gwr_decision_int(d, GWR_DI_ROUTE_MATCH);
  out.has_route = (int)gwr_decision_int(d, GWR_DI_HAS_ROUTE);
  out.has_backend = (int)gwr_decision_int(d, GWR_DI_HAS_BACKEND);
  out.backend_port = (long)gwr_decision_int(d, GWR_DI_BACKEND_PORT);
  get_str(d, GWR_DS_ROUTE_NAMESPACE, a, sizeof a);
  get_str(d, GWR_DS_ROUTE_NAME, b, sizeof b);
  if (*b) snprintf(out.route, sizeof out.route, "%s/%s", a, b);
  get_str(d, GWR_DS_BACKEND_NAMESPACE, a, sizeof a);
  get_str(d, GWR_DS_BACKEND_NAME, b, sizeof b);
  if (*b) snprintf(out.backend, sizeof out.backend, "%s/%s", a, b);
  get_str(d, GWR_DS_LISTENER, out.listener, sizeof out.listener);
  get_str(d, GWR_DS_REASON, out.reason, sizeof out.reason);
  get_str(d, GWR_DS_UPSTREAM_PATH, out.up_path, sizeof out.up_path);
  get_str(d, GWR_DS_UPSTREAM_HOST, out.up_host, sizeof out.up_host);
  return out;
}

tu_result tu_match(tu_ctx *c, const tu_req *r) {
  ck_assert_ptr_nonnull(c->table);
  return tu_match_with(c->d, c->table, r);
}

tu_result tu_get_h(tu_ctx *c, const char *host, const char *path, const char *const *headers) {
  tu_req r;
  memset(&r, 0, sizeof r);
  r.host = host;
  r.path = path;
  r.headers = headers;
  return tu_match(c, &r);
}

tu_result tu_get(tu_ctx *c, const char *host, const char *path) {
  return tu_get_h(c, host, path, NULL);
}

/* ---- the status report ------------------------------------------------------------ */

static int str_is(const tu_json *obj, const char *key, const char *want) {
  const char *s = tu_json_str(tu_json_get(obj, key));
  return s && strcmp(s, want) == 0;
}

static const tu_json *find_named(const tu_json *arr, const char *kind, const char *ns,
                                 const char *name) {
  size_t i;
  for (i = 0; arr && i < arr->count; i++) {
    const tu_json *o = arr->items[i];
    if ((!kind || str_is(o, "kind", kind)) && (!ns || str_is(o, "namespace", ns)) &&
        str_is(o, "name", name))
      return o;
  }
  return NULL;
}

static const tu_json *find_cond(const tu_json *owner, const char *type) {
  const tu_json *cs = tu_json_get(owner, "conditions");
  size_t i;
  for (i = 0; cs && i < cs->count; i++)
    if (str_is(cs->items[i], "type", type)) return cs->items[i];
  return NULL;
}

static const char *cond_text(tu_ctx *c, const tu_json *cond) {
  char *buf;
  if (!cond) return NULL;
  buf = c->ring[c->next++ % 8];
  snprintf(buf, sizeof c->ring[0], "%s %s", tu_json_str(tu_json_get(cond, "status")),
           tu_json_str(tu_json_get(cond, "reason")));
  return buf;
}

static long cond_gen(const tu_json *cond) {
  const tu_json *g = tu_json_get(cond, "observedGeneration");
  return g && g->type == TU_JNUM ? (long)g->n : -1;
}

/* Any kind: the tests name their routes uniquely. */
const tu_json *tu_route_status(const tu_ctx *c, const char *ns, const char *name) {
  ck_assert_ptr_nonnull(c->json);
  return find_named(tu_json_get(c->json, "routes"), NULL, ns, name);
}

long tu_route_parents(const tu_ctx *c, const char *ns, const char *name) {
  const tu_json *r = tu_route_status(c, ns, name);
  const tu_json *p = tu_json_get(r, "parents");
  return p ? (long)p->count : -1;
}

static const tu_json *route_parent(const tu_ctx *c, const char *ns, const char *name,
                                   size_t parent) {
  return tu_json_at(tu_json_get(tu_route_status(c, ns, name), "parents"), parent);
}

const char *tu_route_cond(tu_ctx *c, const char *ns, const char *name, size_t parent,
                          const char *type) {
  return cond_text(c, find_cond(route_parent(c, ns, name, parent), type));
}

const char *tu_route_cond_msg(tu_ctx *c, const char *ns, const char *name, size_t parent,
                              const char *type) {
  return tu_json_str(tu_json_get(find_cond(route_parent(c, ns, name, parent), type), "message"));
}

long tu_route_cond_gen(const tu_ctx *c, const char *ns, const char *name, size_t parent,
                       const char *type) {
  return cond_gen(find_cond(route_parent(c, ns, name, parent), type));
}

const tu_json *tu_gateway_status(const tu_ctx *c, const char *ns, const char *name) {
  ck_assert_ptr_nonnull(c->json);
  return find_named(tu_json_get(c->json, "gateways"), NULL, ns, name);
}

const char *tu_gateway_cond(tu_ctx *c, const char *ns, const char *name, const char *type) {
  return cond_text(c, find_cond(tu_gateway_status(c, ns, name), type));
}

long tu_gateway_cond_gen(const tu_ctx *c, const char *ns, const char *name, const char *type) {
  return cond_gen(find_cond(tu_gateway_status(c, ns, name), type));
}

const tu_json *tu_listener_status(const tu_ctx *c, const char *ns, const char *gw,
                                  const char *listener) {
  return find_named(tu_json_get(tu_gateway_status(c, ns, gw), "listeners"), NULL, NULL, listener);
}

const char *tu_listener_cond(tu_ctx *c, const char *ns, const char *gw, const char *listener,
                             const char *type) {
  return cond_text(c, find_cond(tu_listener_status(c, ns, gw, listener), type));
}

const tu_json *tu_set_status(const tu_ctx *c, const char *ns, const char *name) {
  ck_assert_ptr_nonnull(c->json);
  return find_named(tu_json_get(c->json, "listenersets"), NULL, ns, name);
}

const char *tu_set_cond(tu_ctx *c, const char *ns, const char *name, const char *type) {
  return cond_text(c, find_cond(tu_set_status(c, ns, name), type));
}

const char *tu_set_listener_cond(tu_ctx *c, const char *ns, const char *set, const char *listener,
                                 const char *type) {
  const tu_json *l = find_named(tu_json_get(tu_set_status(c, ns, set), "listeners"), NULL, NULL, listener);
  return cond_text(c, find_cond(l, type));
}

long tu_gateway_sets(const tu_ctx *c, const char *ns, const char *name) {
  const tu_json *n = tu_json_get(tu_gateway_status(c, ns, name), "attachedListenerSets");
  return n && n->type == TU_JNUM ? (long)n->n : -1;
}

long tu_listener_attached(const tu_ctx *c, const char *ns, const char *gw, const char *listener) {
  const tu_json *n = tu_json_get(tu_listener_status(c, ns, gw, listener), "attachedRoutes");
  return n && n->type == TU_JNUM ? (long)n->n : -1;
}

const char *tu_listener_kinds(tu_ctx *c, const char *ns, const char *gw, const char *listener) {
  const tu_json *l = tu_listener_status(c, ns, gw, listener);
  const tu_json *ks = tu_json_get(l, "supportedKinds");
  char *buf;
  size_t i, used = 0;
  if (!l || !ks) return NULL;
  buf = c->ring[c->next++ % 8];
  buf[0] = '\0';
  for (i = 0; i < ks->count; i++) {
    const char *k = tu_json_str(tu_json_get(ks->items[i], "kind"));
    int n = snprintf(buf + used, sizeof c->ring[0] - used, "%s%s", i ? "," : "", k ? k : "?");
    if (n > 0) used += (size_t)n;
    if (used >= sizeof c->ring[0]) break;
  }
  return buf;
}
