/* SPDX-License-Identifier: Apache-2.0 */
/* route.c - match and flatten a decision in one cgo call (see route.h). */
#include "route.h"

#include <stdlib.h>
#include <string.h>

int gwrgo_slot_new(gwrgo_slot **out, const gwr_table *t) {
  static const gwr_request empty = GWR_REQUEST_INIT;
  gwrgo_slot *s = calloc(1, sizeof *s);
  int rc;
  *out = NULL;
  if (!s) return GWR_E_NOMEM;
  rc = gwr_decision_new(&s->decision, t);
  if (rc != GWR_OK) {
    free(s);
    return rc;
  }
  s->request = empty;
  *out = s;
  return GWR_OK;
}

void gwrgo_slot_free(gwrgo_slot *s) {
  if (!s) return;
  gwr_decision_free(s->decision);
  free(s->in);
  free(s->headers);
  free(s->items);
  free(s->text);
  free(s->applied);
  free(s);
}

/* Grow *buf (of *cap elements of `size` bytes) to hold at least `need`. */
static int grow(void **buf, size_t *cap, size_t need, size_t size) {
  size_t n = *cap ? *cap : 16;
  void *p;
  if (need <= *cap) return 1;
  while (n < need) {
    if (n > SIZE_MAX / 2 / size) return 0;
    n *= 2;
  }
  p = realloc(*buf, n * size);
  if (!p) return 0;
  *buf = p;
  *cap = n;
  return 1;
}

int gwrgo_reserve(gwrgo_slot *s, size_t bytes, size_t headers) {
  if (!grow((void **)&s->in, &s->in_cap, bytes, 1) ||
      !grow((void **)&s->headers, &s->headers_cap, headers, sizeof *s->headers))
    return GWR_E_NOMEM;
  return GWR_OK;
}

/* Copy a view to the end of the text; its span there. */
static gwrgo_span put(gwrgo_slot *s, gwr_str v) {
  gwrgo_span span = {s->text_len, 0};
  if (v.len == 0) return span;
  if (!grow((void **)&s->text, &s->text_cap, s->text_len + v.len, 1)) {
    s->failed = 1;
    return span;
  }
  memcpy(s->text + s->text_len, v.ptr, v.len);
  s->text_len += v.len;
  span.len = v.len;
  return span;
}

static gwrgo_item *new_item(gwrgo_slot *s) {
  gwrgo_item *it;
  if (!grow((void **)&s->items, &s->items_cap, s->items_len + 1, sizeof *s->items)) {
    s->failed = 1;
    return NULL;
  }
  it = &s->items[s->items_len++];
  memset(it, 0, sizeof *it);
  return it;
}

/* The upstream headers: the request's headers after the request header
 * operations, from one gwr_headers_apply call (reading GWR_DL_UPSTREAM_HEADERS
 * item by item recomputes the whole list for every item). */
static void collect_upstream(gwrgo_slot *s) {
  const gwr_request *r = &s->request;
  size_t n = 0, i;
  int rc;
  if (s->action != GWR_ACTION_FORWARD) return;
  rc = gwr_headers_apply(s->decision, GWR_DL_REQUEST_HEADER_OPS, r->headers, r->header_count,
                         s->applied, s->applied_cap, &n);
  if (rc == GWR_E_RANGE) {
    if (!grow((void **)&s->applied, &s->applied_cap, n, sizeof *s->applied)) {
      s->failed = 1;
      return;
    }
    rc = gwr_headers_apply(s->decision, GWR_DL_REQUEST_HEADER_OPS, r->headers, r->header_count,
                           s->applied, s->applied_cap, &n);
  }
  if (rc != GWR_OK) return;
  for (i = 0; i < n; i++) {
    gwrgo_item *it = new_item(s);
    if (!it) return;
    it->name = put(s, s->applied[i].name);
    it->value = put(s, s->applied[i].value);
  }
  s->count[GWR_DL_UPSTREAM_HEADERS] = n;
}

static gwrgo_span item_str(gwrgo_slot *s, int32_t list, size_t index, int32_t field) {
  gwr_str v = {NULL, 0};
  if (gwr_decision_list_str(s->decision, list, index, field, &v) != GWR_OK) v.len = 0;
  return put(s, v);
}

static void collect_list(gwrgo_slot *s, int32_t list) {
  size_t n = gwr_decision_list_count(s->decision, list), i;
  int32_t num = list == GWR_DL_MIRRORS ? GWR_IF_PORT
                : list == GWR_DL_RETRY_CODES ? GWR_IF_CODE
                : GWR_IF_OP;
  for (i = 0; i < n; i++) {
    gwrgo_item *it = new_item(s);
    if (!it) return;
    it->num = gwr_decision_list_int(s->decision, list, i, num);
    it->name = item_str(s, list, i, GWR_IF_NAME);
    it->value = item_str(s, list, i, GWR_IF_VALUE);
    it->group = item_str(s, list, i, GWR_IF_GROUP);
    it->kind = item_str(s, list, i, GWR_IF_KIND);
    it->ns = item_str(s, list, i, GWR_IF_NAMESPACE);
  }
  s->count[list] = n;
}

static void read_ints(gwrgo_slot *s, const int32_t *fields, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) s->ints[fields[i]] = gwr_decision_int(s->decision, fields[i]);
}

static void read_strs(gwrgo_slot *s, const int32_t *fields, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) {
    gwr_str v = {NULL, 0};
    if (gwr_decision_str(s->decision, fields[i], &v) != GWR_OK) v.len = 0;
    s->strs[fields[i]] = put(s, v);
  }
}

#define READ(reader, s, ...)                                    \
  do {                                                          \
    static const int32_t fields_[] = {__VA_ARGS__};             \
    reader(s, fields_, sizeof fields_ / sizeof fields_[0]);     \
  } while (0)

/* Each accessor is a call into the library, and a decision has ~60
 * fields, so only the groups that can be set are read; the others are
 * empty by the header's rules (no route: no route fields; not a forward:
 * no backend, upstream or mirrors; no retry or session policy: none of
 * their fields). */
int gwrgo_route(gwrgo_slot *s, const gwr_table *t) {
  int32_t l;
  int forward;
  int rc = gwr_match(s->decision, t, &s->request);
  if (rc != GWR_OK) return rc;
  s->text_len = s->items_len = 0;
  s->failed = 0;
  memset(s->ints, 0, sizeof s->ints);
  memset(s->strs, 0, sizeof s->strs);
  memset(s->count, 0, sizeof s->count);
  s->action = gwr_decision_action(s->decision);
  forward = s->action == GWR_ACTION_FORWARD;
  READ(read_ints, s, GWR_DI_STATUS, GWR_DI_GRPC_STATUS, GWR_DI_HAS_ROUTE, GWR_DI_HAS_BACKEND,
       GWR_DI_HAS_RETRY, GWR_DI_HAS_SESSION);
  READ(read_strs, s, GWR_DS_LISTENER, GWR_DS_REASON, GWR_DS_LOCATION, GWR_DS_TIMEOUT_REQUEST,
       GWR_DS_TIMEOUT_BACKEND);
  if (s->ints[GWR_DI_HAS_ROUTE]) {
    READ(read_ints, s, GWR_DI_ROUTE_RULE, GWR_DI_ROUTE_MATCH);
    READ(read_strs, s, GWR_DS_ROUTE_KIND, GWR_DS_ROUTE_NAMESPACE, GWR_DS_ROUTE_NAME);
  }
  if (s->ints[GWR_DI_HAS_BACKEND]) {
    READ(read_ints, s, GWR_DI_BACKEND_PORT);
    READ(read_strs, s, GWR_DS_BACKEND_GROUP, GWR_DS_BACKEND_KIND, GWR_DS_BACKEND_NAMESPACE,
         GWR_DS_BACKEND_NAME);
  }
  if (forward)
    READ(read_strs, s, GWR_DS_UPSTREAM_METHOD, GWR_DS_UPSTREAM_SCHEME, GWR_DS_UPSTREAM_HOST,
         GWR_DS_UPSTREAM_PATH);
  if (s->ints[GWR_DI_HAS_RETRY]) {
    READ(read_ints, s, GWR_DI_RETRY_ATTEMPTS);
    READ(read_strs, s, GWR_DS_RETRY_BACKOFF);
  }
  if (s->ints[GWR_DI_HAS_SESSION])
    READ(read_strs, s, GWR_DS_SESSION_TYPE, GWR_DS_SESSION_NAME, GWR_DS_SESSION_COOKIE_PATH,
         GWR_DS_SESSION_LIFETIME, GWR_DS_SESSION_ABSOLUTE_TIMEOUT, GWR_DS_SESSION_IDLE_TIMEOUT);
  for (l = 1; l < GWRGO_LISTS; l++) {
    s->first[l] = s->items_len;
    if (l == GWR_DL_UPSTREAM_HEADERS)
      collect_upstream(s);
    else if ((l != GWR_DL_MIRRORS || forward) && (l != GWR_DL_RETRY_CODES || s->ints[GWR_DI_HAS_RETRY]))
      collect_list(s, l);
  }
  return s->failed ? GWR_E_NOMEM : GWR_OK;
}
