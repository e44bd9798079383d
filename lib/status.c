/* SPDX-License-Identifier: Apache-2.0 */
/*
 * status.c - the attach result as the status a controller would write back,
 * in the Gateway API's own shape (DESIGN.md "Status"): routes with one
 * entry per parentRef we own, gateways with listener conditions,
 * supportedKinds and attachedRoutes, and the rejected objects. Rendered on
 * request straight into the caller's buffer: the table keeps no text.
 */
#include <stdio.h>

#include "table.h"

/* Writes into the caller's buffer while it fits and counts the whole
 * length regardless: rendering allocates nothing. */
typedef struct jbuf {
  char *p;
  size_t len, cap;
} jbuf;

static void put(jbuf *b, const char *s, size_t n) {
  if (b->p && n <= b->cap && b->len <= b->cap - n) memcpy(b->p + b->len, s, n);
  b->len += n;
}

static void raw(jbuf *b, const char *s) { put(b, s, strlen(s)); }

static int plain(unsigned char c) { return c >= 0x20 && c != 0x7f && c != '"' && c != '\\'; }

/* A JSON string: runs of plain bytes copied at once, the rest escaped. */
static void str_n(jbuf *b, const char *s, size_t n) {
  size_t i = 0;
  put(b, "\"", 1);
  while (s && i < n) {
    size_t run = i;
    char esc[8];
    while (run < n && plain((unsigned char)s[run])) run++;
    put(b, s + i, run - i);
    if (run == n) break;
    if (s[run] == '"' || s[run] == '\\') {
      esc[0] = '\\';
      esc[1] = s[run];
      put(b, esc, 2);
    } else {
      snprintf(esc, sizeof esc, "\\u%04x", (unsigned char)s[run]);
      put(b, esc, 6);
    }
    i = run + 1;
  }
  put(b, "\"", 1);
}

static void str(jbuf *b, const char *s) { str_n(b, s, s ? strlen(s) : 0); }
static void sv(jbuf *b, gwr__sv s) { str_n(b, s.ptr, s.len); }

static void key(jbuf *b, const char *k) {
  str(b, k);
  put(b, ":", 1);
}

static void num(jbuf *b, int64_t v) {
  char t[32];
  snprintf(t, sizeof t, "%lld", (long long)v);
  raw(b, t);
}

static void conditions(jbuf *b, const gwr__conds *cs, int64_t generation) {
  size_t i;
  key(b, "conditions");
  raw(b, "[");
  for (i = 0; i < cs->n; i++) {
    if (i) raw(b, ",");
    raw(b, "{");
    key(b, "type"); str(b, cs->c[i].type); raw(b, ",");
    key(b, "status"); str(b, cs->c[i].status); raw(b, ",");
    key(b, "reason"); str(b, cs->c[i].reason); raw(b, ",");
    key(b, "message"); str(b, cs->c[i].message); raw(b, ",");
    key(b, "observedGeneration"); num(b, generation);
    raw(b, "}");
  }
  raw(b, "]");
}

static void parent_ref(jbuf *b, const gwr__parentref *p) {
  raw(b, "{");
  key(b, "group"); sv(b, p->ref.group); raw(b, ",");
  key(b, "kind"); sv(b, p->ref.kind); raw(b, ",");
  key(b, "namespace"); sv(b, p->ref.ns); raw(b, ",");
  key(b, "name"); sv(b, p->ref.name);
  if (p->section.len) {
    raw(b, ",");
    key(b, "sectionName"); sv(b, p->section);
  }
  if (p->ref.port) {
    raw(b, ",");
    key(b, "port"); num(b, p->ref.port);
  }
  raw(b, "}");
}

static void route(jbuf *b, const gwr__att_route *ar) {
  size_t p, n = 0;
  raw(b, "{");
  key(b, "kind"); str(b, ar->kind); raw(b, ",");
  key(b, "namespace"); sv(b, ar->r->meta.ns); raw(b, ",");
  key(b, "name"); sv(b, ar->r->meta.name); raw(b, ",");
  key(b, "parents"); raw(b, "[");
  for (p = 0; p < ar->r->parent_count; p++) {
    const gwr__att_parent *ap = &ar->parents[p];
    if (!ap->ours) continue;
    if (n++) raw(b, ",");
    raw(b, "{");
    key(b, "parentRef"); parent_ref(b, ap->ref); raw(b, ",");
    key(b, "controllerName"); sv(b, ap->controller); raw(b, ",");
    conditions(b, &ap->conds, ar->r->meta.generation);
    raw(b, "}");
  }
  raw(b, "]}");
}

static void listener(jbuf *b, const gwr__att_listener *al) {
  size_t k;
  raw(b, "{");
  key(b, "name"); sv(b, al->l->name); raw(b, ",");
  key(b, "attachedRoutes"); num(b, (int64_t)al->attached_routes); raw(b, ",");
  key(b, "supportedKinds"); raw(b, "[");
  for (k = 0; k < al->supported_count; k++) {
    if (k) raw(b, ",");
    raw(b, "{");
    key(b, "group"); sv(b, al->supported[k].group); raw(b, ",");
    key(b, "kind"); sv(b, al->supported[k].kind);
    raw(b, "}");
  }
  raw(b, "],");
  conditions(b, &al->conds, al->owner->generation);
  raw(b, "}");
}

static void gateway(jbuf *b, const gwr__attach *att, const gwr__att_gateway *ag) {
  size_t i;
  raw(b, "{");
  key(b, "namespace"); sv(b, ag->gw->meta.ns); raw(b, ",");
  key(b, "name"); sv(b, ag->gw->meta.name); raw(b, ",");
  key(b, "controllerName"); sv(b, ag->controller); raw(b, ",");
  conditions(b, &ag->conds, ag->gw->meta.generation); raw(b, ",");
  key(b, "attachedListenerSets"); num(b, (int64_t)ag->attached_sets); raw(b, ",");
  key(b, "listeners"); raw(b, "[");
  for (i = 0; i < ag->own_listener_count; i++) {
    if (i) raw(b, ",");
    listener(b, &att->listeners[ag->first_listener + i]);
  }
  raw(b, "]}");
}

/* A ListenerSet: the shape of a Gateway entry, with its parent (§9.2). */
static void listenerset(jbuf *b, const gwr__attach *att, const gwr__att_listenerset *as) {
  const gwr__att_gateway *ag = &att->gateways[as->gateway];
  size_t i;
  raw(b, "{");
  key(b, "namespace"); sv(b, as->ls->meta.ns); raw(b, ",");
  key(b, "name"); sv(b, as->ls->meta.name); raw(b, ",");
  key(b, "parentRef"); raw(b, "{");
  key(b, "namespace"); sv(b, ag->gw->meta.ns); raw(b, ",");
  key(b, "name"); sv(b, ag->gw->meta.name); raw(b, "},");
  key(b, "controllerName"); sv(b, ag->controller); raw(b, ",");
  conditions(b, &as->conds, as->ls->meta.generation); raw(b, ",");
  key(b, "listeners"); raw(b, "[");
  for (i = 0; i < as->listener_count; i++) {
    if (i) raw(b, ",");
    listener(b, &att->listeners[as->first_listener + i]);
  }
  raw(b, "]}");
}

static void rejected(jbuf *b, const gwr_error *e) {
  raw(b, "{");
  key(b, "kind"); str(b, e->kind); raw(b, ",");
  key(b, "namespace"); str(b, e->ns); raw(b, ",");
  key(b, "name"); str(b, e->name); raw(b, ",");
  key(b, "field"); str(b, e->field); raw(b, ",");
  key(b, "message"); str(b, e->message); raw(b, ",");
  key(b, "file"); str(b, e->file); raw(b, ",");
  key(b, "line"); num(b, e->line);
  raw(b, "}");
}

size_t gwr__status_render(const gwr__attach *att, char *buf, size_t cap) {
  jbuf b;
  size_t i;
  b.p = buf;
  b.len = 0;
  b.cap = cap;
  raw(&b, "{\"routes\":[");
  for (i = 0; i < att->route_count; i++) {
    if (i) raw(&b, ",");
    route(&b, &att->routes[i]);
  }
  raw(&b, "],\"gateways\":[");
  for (i = 0; i < att->gateway_count; i++) {
    if (i) raw(&b, ",");
    gateway(&b, att, &att->gateways[i]);
  }
  raw(&b, "],\"listenersets\":[");
  for (i = 0; i < att->set_count; i++) {
    if (i) raw(&b, ",");
    listenerset(&b, att, &att->sets[i]);
  }
  raw(&b, "],\"rejected\":[");
  for (i = 0; i < att->problem_count; i++) {
    if (i) raw(&b, ",");
    rejected(&b, &att->problems[i].err);
  }
  raw(&b, "]}");
  if (buf && b.len < cap) buf[b.len] = '\0';
  return b.len;
}
