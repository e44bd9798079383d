/* SPDX-License-Identifier: Apache-2.0 */
/*
 * route.h - the C half of Table.Route: one call matches a request and
 * flattens the whole decision (numbers, strings, lists) into C memory that
 * Go then reads without further cgo calls.
 *
 * A slot is one pooled gwr_decision plus the C buffers around it. Go writes
 * the request's bytes into `in` and `headers` (C memory, so the gwr_request
 * never holds a Go pointer), calls gwrgo_route, then copies `text` into one
 * Go string and cuts the fields out of it by their spans.
 */
#ifndef GWROUTE_GO_ROUTE_H
#define GWROUTE_GO_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#include <gwroute.h>

#define GWRGO_INTS 16  /* indexed by GWR_DI_* (1..15) */
#define GWRGO_STRS 24  /* indexed by GWR_DS_* (1..23) */
#define GWRGO_LISTS 8  /* indexed by GWR_DL_* (1..7) */

/* Bytes text[off .. off+len) of the slot's text. */
typedef struct gwrgo_span {
  size_t off, len;
} gwrgo_span;

/* One list item; fields a list does not have are empty. num is the
 * item's number: OP for header operations, PORT for mirrors, CODE for
 * retry codes. */
typedef struct gwrgo_item {
  int64_t num;
  gwrgo_span name, value, group, kind, ns;
} gwrgo_item;

typedef struct gwrgo_slot {
  gwr_decision *decision;
  gwr_request request; /* points into in and headers */
  char *in;
  size_t in_cap;
  gwr_header *headers;
  size_t headers_cap;

  /* the result of the last gwrgo_route */
  int32_t action;
  int64_t ints[GWRGO_INTS];
  gwrgo_span strs[GWRGO_STRS];
  size_t first[GWRGO_LISTS]; /* list l is items[first[l] .. first[l]+count[l]) */
  size_t count[GWRGO_LISTS];
  gwrgo_item *items;
  size_t items_len, items_cap;
  char *text;
  size_t text_len, text_cap;
  gwr_header *applied; /* scratch for gwr_headers_apply */
  size_t applied_cap;
  int failed; /* a buffer could not grow */
} gwrgo_slot;

int gwrgo_slot_new(gwrgo_slot **out, const gwr_table *t);
void gwrgo_slot_free(gwrgo_slot *s);

/* Make room for `bytes` request bytes and `headers` request headers. */
int gwrgo_reserve(gwrgo_slot *s, size_t bytes, size_t headers);

/* gwr_match on s->request, then the decision into ints/strs/items/text.
 * Returns gwr_match's status, or GWR_E_NOMEM. */
int gwrgo_route(gwrgo_slot *s, const gwr_table *t);

#endif
