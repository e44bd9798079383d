/* SPDX-License-Identifier: Apache-2.0 */
/*
 * attach.c - stage 3: which routes serve on which listeners, and why not.
 *
 * In: the validated model (read only). Out: gwr__attach: gateways and
 * listeners with their conditions (A3-A17, §9.2), each route's per-parent
 * conditions (A16, §9.1, S1-S3), resolved backends (§4.3, B10) and the
 * bindings (route, listener, effective hostnames) that compile.c turns into
 * the decision trie. Deterministic: the order of objects in the output is
 * the load order, never pointer order.
 */
#include <stdio.h>
#include <stdlib.h>

#include "attach.h"

#define DEFAULT_CONTROLLER "gwroute.dev/gateway-controller"

typedef struct actx {
  const gwr_config *cfg;
  const gwr__model *m;
  gwr__arena *ar;
  gwr__attach *out;
  int nomem;
} actx;

/* ---- small helpers ----------------------------------------------------- */

static void cond_set(gwr__conds *cs, const char *type, const char *status,
                     const char *reason, const char *message) {
  size_t i;
  for (i = 0; i < cs->n; i++)
    if (strcmp(cs->c[i].type, type) == 0) break;
  if (i == cs->n) {
    if (cs->n == GWR_MAX_CONDS) return;
    cs->n++;
  }
  cs->c[i].type = type;
  cs->c[i].status = status;
  cs->c[i].reason = reason;
  cs->c[i].message = message ? message : "";
}

static const gwr__cond *cond_get(const gwr__conds *cs, const char *type) {
  size_t i;
  for (i = 0; i < cs->n; i++)
    if (strcmp(cs->c[i].type, type) == 0) return &cs->c[i];
  return NULL;
}

static const char *fmt(actx *a, const char *f, ...) GWR_PRINTF(2, 3);
static const char *fmt(actx *a, const char *f, ...) {
  va_list ap;
  char buf[1024];
  const char *s;
  va_start(ap, f);
  vsnprintf(buf, sizeof buf, f, ap);
  va_end(ap);
  s = gwr__arena_strndup(a->ar, buf, strlen(buf));
  if (!s) {
    a->nomem = 1;
    return "";
  }
  return s;
}

#define VEC_LEN(v) ((v).len)
#define VEC_PTR(v, type, i) (GWR_VEC_AT(&(v), type *, i))

/* ---- hostnames (A20-A23) ----------------------------------------------- */

static int is_wild(gwr__sv h) { return h.len > 2 && h.ptr[0] == '*' && h.ptr[1] == '.'; }

/* host matches "*.suffix": ends with ".suffix" with at least one more label */
static int wild_covers(gwr__sv wild, gwr__sv host) {
  size_t sl = wild.len - 1; /* ".suffix" */
  return host.len > sl && memcmp(host.ptr + host.len - sl, wild.ptr + 1, sl) == 0;
}

int gwr__host_matches(gwr__sv pattern, gwr__sv host) {
  if (pattern.len == 0) return 1;
  if (is_wild(pattern)) return wild_covers(pattern, host) && !is_wild(host);
  return gwr__sv_eq(pattern, host);
}

int gwr__host_intersect(gwr__sv l, gwr__sv r, gwr__sv *out) {
  if (l.len == 0) {
    *out = r;
    return 1;
  }
  if (r.len == 0) {
    *out = l;
    return 1;
  }
  if (!is_wild(l) && !is_wild(r)) {
    *out = r;
    return gwr__sv_eq(l, r);
  }
  if (is_wild(l) && !is_wild(r)) {
    *out = r;
    return wild_covers(l, r);
  }
  if (!is_wild(l) && is_wild(r)) {
    *out = l;
    return wild_covers(r, l);
  }
  /* both wildcards: the one whose suffix ends with the other's suffix */
  if (gwr__sv_eq(l, r)) {
    *out = l;
    return 1;
  }
  if (r.len > l.len && memcmp(r.ptr + r.len - (l.len - 1), l.ptr + 1, l.len - 1) == 0) {
    *out = r;
    return 1;
  }
  if (l.len > r.len && memcmp(l.ptr + l.len - (r.len - 1), r.ptr + 1, r.len - 1) == 0) {
    *out = l;
    return 1;
  }
  return 0;
}

/* ---- object order ------------------------------------------------------------ */

/* The i-th byte of "namespace/name", or -1 past its end. */
static int nsname_at(const gwr__meta *m, size_t i) {
  if (i < m->ns.len) return (unsigned char)m->ns.ptr[i];
  if (i == m->ns.len) return '/';
  i -= m->ns.len + 1;
  return i < m->name.len ? (unsigned char)m->name.ptr[i] : -1;
}

int gwr__nsname_cmp(const gwr__meta *a, const gwr__meta *b) {
  size_t i;
  for (i = 0;; i++) {
    int x = nsname_at(a, i), y = nsname_at(b, i);
    if (x != y) return x < y ? -1 : 1;
    if (x < 0) return 0;
  }
}

/* ---- lookups ------------------------------------------------------------- */

static const void *find_obj(const gwr__vec *v, gwr__sv ns, gwr__sv name) {
  size_t i;
  for (i = 0; i < v->len; i++) {
    const gwr__meta *m = GWR_VEC_AT(v, void *, i);
    if (gwr__sv_eq(m->ns, ns) && gwr__sv_eq(m->name, name)) return m;
  }
  return NULL;
}

static const gwr__gatewayclass *find_class(const gwr__model *m, gwr__sv name) {
  return find_obj(&m->classes, gwr__sv_cstr(""), name);
}

/* Labels of a namespace: its Namespace object's, plus the name label that
 * Kubernetes always sets. */
static int ns_label(const gwr__model *m, gwr__sv ns, gwr__sv key, gwr__sv *value) {
  const gwr__plain *n = find_obj(&m->namespaces, gwr__sv_cstr(""), ns);
  size_t i;
  if (gwr__sv_eq_cstr(key, "kubernetes.io/metadata.name")) {
    *value = ns;
    return 1;
  }
  if (!n) return 0;
  for (i = 0; i < n->meta.label_count; i++)
    if (gwr__sv_eq(n->meta.labels[i].key, key)) {
      *value = n->meta.labels[i].value;
      return 1;
    }
  return 0;
}

static int expr_matches(const gwr__model *m, gwr__sv ns, const gwr__expr *e) {
  gwr__sv v;
  int has = ns_label(m, ns, e->key, &v);
  size_t i;
  int in = 0;
  if (e->op == GWR_OP_EXISTS) return has;
  if (e->op == GWR_OP_DOES_NOT_EXIST) return !has;
  for (i = 0; has && i < e->value_count; i++)
    if (gwr__sv_eq(e->values[i], v)) in = 1;
  return e->op == GWR_OP_IN ? in : !in;
}

/* A9: a Selector without a selector selects nothing. */
static int selector_matches(const gwr__model *m, const gwr__selector *s, gwr__sv ns) {
  size_t i;
  gwr__sv v;
  if (!s->present) return 0;
  for (i = 0; i < s->match_label_count; i++)
    if (!ns_label(m, ns, s->match_labels[i].key, &v) || !gwr__sv_eq(v, s->match_labels[i].value))
      return 0;
  for (i = 0; i < s->expr_count; i++)
    if (!expr_matches(m, ns, &s->exprs[i])) return 0;
  return 1;
}

/* B10: may an object (group, kind, ns) refer to `to` in another namespace? */
static int grant_allows(const gwr__model *m, gwr__sv fgroup, gwr__sv fkind, gwr__sv fns,
                        gwr__sv tgroup, gwr__sv tkind, gwr__sv tns, gwr__sv tname) {
  size_t i, f, t;
  if (gwr__sv_eq(fns, tns)) return 1;
  for (i = 0; i < m->grants.len; i++) {
    const gwr__refgrant *g = GWR_VEC_AT(&m->grants, gwr__refgrant *, i);
    int from_ok = 0, to_ok = 0;
    if (!gwr__sv_eq(g->meta.ns, tns)) continue;
    for (f = 0; f < g->from_count; f++)
      if (gwr__sv_eq(g->from[f].group, fgroup) && gwr__sv_eq(g->from[f].kind, fkind) &&
          gwr__sv_eq(g->from[f].ns, fns))
        from_ok = 1;
    for (t = 0; t < g->to_count; t++)
      if (gwr__sv_eq(g->to[t].group, tgroup) && gwr__sv_eq(g->to[t].kind, tkind) &&
          (g->to[t].name.len == 0 || gwr__sv_eq(g->to[t].name, tname)))
        to_ok = 1;
    if (from_ok && to_ok) return 1;
  }
  return 0;
}

/* ---- listeners ------------------------------------------------------------ */

static int kind_fits(int protocol, int tls_mode, gwr__sv group, gwr__sv kind) {
  if (!gwr__sv_eq_cstr(group, GWR_GROUP_GATEWAY)) return 0;
  switch (protocol) {
    case GWR_PROTO_HTTP:
    case GWR_PROTO_HTTPS: return gwr__sv_eq_cstr(kind, "HTTPRoute") || gwr__sv_eq_cstr(kind, "GRPCRoute");
    case GWR_PROTO_TLS:
      return gwr__sv_eq_cstr(kind, "TLSRoute") ||
             (tls_mode == GWR_TLS_TERMINATE && gwr__sv_eq_cstr(kind, "TCPRoute"));
    case GWR_PROTO_TCP: return gwr__sv_eq_cstr(kind, "TCPRoute");
    case GWR_PROTO_UDP: return gwr__sv_eq_cstr(kind, "UDPRoute");
    default: return 0;
  }
}

static void add_supported(gwr__att_listener *al, const char *kind) {
  if (al->supported_count == 8) return;
  al->supported[al->supported_count].group = gwr__sv_cstr(GWR_GROUP_GATEWAY);
  al->supported[al->supported_count++].kind = gwr__sv_cstr(kind);
}

/* A6 defaults, or the valid subset of allowedRoutes.kinds. */
static void listener_kinds(gwr__att_listener *al) {
  const gwr__listener *l = al->l;
  size_t i;
  int invalid = 0;
  if (!l->kinds_set || l->kind_count == 0) {
    if (l->protocol == GWR_PROTO_HTTP || l->protocol == GWR_PROTO_HTTPS) {
      add_supported(al, "HTTPRoute");
      add_supported(al, "GRPCRoute");
    } else if (l->protocol == GWR_PROTO_TLS) {
      add_supported(al, "TLSRoute");
    } else if (l->protocol == GWR_PROTO_TCP) {
      add_supported(al, "TCPRoute");
    } else if (l->protocol == GWR_PROTO_UDP) {
      add_supported(al, "UDPRoute");
    }
    return;
  }
  for (i = 0; i < l->kind_count; i++) {
    if (kind_fits(l->protocol, l->tls_mode, l->kinds[i].group, l->kinds[i].kind) &&
        al->supported_count < 8)
      al->supported[al->supported_count++] = l->kinds[i];
    else
      invalid = 1;
  }
  if (invalid)
    cond_set(&al->conds, "ResolvedRefs", "False", "InvalidRouteKinds",
             "some allowedRoutes.kinds are not supported on this listener");
}

/* Listener certificateRefs: kind, ReferenceGrant (from Gateway), existence.
 * Returns 0 when a reference does not resolve: the listener cannot serve. */
static int listener_certs(actx *a, gwr__att_listener *al) {
  const gwr__listener *l = al->l;
  const gwr__model *m = a->m;
  size_t i;
  if (l->tls_mode != GWR_TLS_TERMINATE) return 1;
  for (i = 0; i < l->cert_count; i++) {
    const gwr__objref *c = &l->certs[i];
    if (c->group.len || !gwr__sv_eq_cstr(c->kind, "Secret")) {
      cond_set(&al->conds, "ResolvedRefs", "False", "InvalidCertificateRef",
               fmt(a, "certificateRefs[%zu]: unsupported kind %s", i, c->kind.ptr));
      return 0;
    }
    if (!grant_allows(m, gwr__sv_cstr(GWR_GROUP_GATEWAY), gwr__sv_cstr(al->owner->kind), al->owner->ns,
                      gwr__sv_cstr(""), gwr__sv_cstr("Secret"), c->ns, c->name)) {
      cond_set(&al->conds, "ResolvedRefs", "False", "RefNotPermitted",
               fmt(a, "certificateRefs[%zu]: Secret %s/%s is not permitted by any ReferenceGrant", i,
                   c->ns.ptr, c->name.ptr));
      return 0;
    }
    if (m->secrets.len && !find_obj(&m->secrets, c->ns, c->name)) {
      cond_set(&al->conds, "ResolvedRefs", "False", "InvalidCertificateRef",
               fmt(a, "certificateRefs[%zu]: Secret %s/%s not found", i, c->ns.ptr, c->name.ptr));
      return 0;
    }
  }
  return 1;
}

static int tls_based(int p) { return p == GWR_PROTO_HTTPS || p == GWR_PROTO_TLS; }

/* A10-A14 over a Gateway's merged listeners [first, first + n): listeners
 * of one object conflict with each other both ways; across objects only
 * the later one in A14 order (Gateway, then ListenerSets by age, name)
 * loses. Returns the conflict reason for listener i, or NULL. */
static const char *listener_conflict(const gwr__att_listener *ls, size_t n, size_t i) {
  const gwr__listener *l = ls[i].l;
  size_t j;
  const char *why = NULL;
  if (l->protocol == GWR_PROTO_UDP || l->protocol == GWR_PROTO_OTHER) return NULL;
  for (j = 0; j < n; j++) {
    const gwr__listener *o = ls[j].l;
    int same_object = ls[j].owner == ls[i].owner;
    if (j == i || o->port != l->port || o->protocol == GWR_PROTO_UDP || o->protocol == GWR_PROTO_OTHER)
      continue;
    if (!same_object && j > i) continue; /* a later object's listener never displaces this one */
    /* TCP with anything on its port; HTTP (cleartext) with HTTPS/TLS */
    if ((o->protocol == GWR_PROTO_TCP) != (l->protocol == GWR_PROTO_TCP)) return "ProtocolConflict";
    if ((o->protocol == GWR_PROTO_HTTP) != (l->protocol == GWR_PROTO_HTTP)) return "ProtocolConflict";
    if (tls_based(l->protocol) && tls_based(o->protocol) && o->protocol != l->protocol &&
        gwr__sv_eq(o->hostname, l->hostname))
      why = "HostnameConflict";
    /* A5 across objects: the same (port, protocol, hostname) twice */
    if (!same_object && o->protocol == l->protocol && gwr__sv_eq(o->hostname, l->hostname))
      why = "HostnameConflict";
    /* A11: TLS Passthrough and Terminate on one port (TLSRouteModeMixed unsupported) */
    if (l->protocol == GWR_PROTO_TLS && o->protocol == GWR_PROTO_TLS && l->tls_mode != o->tls_mode)
      return "ProtocolConflict";
  }
  return why;
}

static int tls_overlap(const gwr__att_listener *ls, size_t n, size_t i) {
  const gwr__listener *l = ls[i].l;
  size_t j;
  gwr__sv x;
  if (!tls_based(l->protocol)) return 0;
  for (j = 0; j < n; j++) {
    const gwr__listener *o = ls[j].l;
    if (j != i && o->port == l->port && tls_based(o->protocol) && l->hostname.len && o->hostname.len &&
        gwr__host_intersect(o->hostname, l->hostname, &x))
      return 1;
  }
  return 0;
}

static void listener_status(actx *a, const gwr__att_gateway *ag, size_t index) {
  gwr__att_listener *all = &a->out->listeners[ag->first_listener], *al = &all[index];
  const gwr__listener *l = al->l;
  const char *conflict = listener_conflict(all, ag->listener_count, index);
  int certs_ok;
  cond_set(&al->conds, "Accepted", "True", "Accepted", "Listener is accepted");
  cond_set(&al->conds, "Conflicted", "False", "NoConflicts", "No conflicts");
  cond_set(&al->conds, "ResolvedRefs", "True", "ResolvedRefs", "All references are resolved");
  listener_kinds(al);
  certs_ok = listener_certs(a, al);
  al->accepted = 1;
  if (l->protocol == GWR_PROTO_OTHER) {
    al->accepted = 0;
    cond_set(&al->conds, "Accepted", "False", "UnsupportedProtocol",
             fmt(a, "protocol %s is not supported", l->protocol_text.ptr));
  }
  if (conflict) {
    al->accepted = 0;
    cond_set(&al->conds, "Conflicted", "True", conflict,
             fmt(a, "listener conflicts with another listener on port %u", (unsigned)l->port));
    cond_set(&al->conds, "Accepted", "False", conflict, "listener is conflicted");
  }
  if (tls_overlap(all, ag->listener_count, index))
    cond_set(&al->conds, "OverlappingTLSConfig", "True", "OverlappingHostnames",
             "hostname overlaps another TLS listener on the same port");
  /* invalid route kinds leave the valid ones served; a bad certificate does not */
  al->programmed = al->accepted && certs_ok;
  if (al->programmed)
    cond_set(&al->conds, "Programmed", "True", "Programmed", "Listener is programmed");
  else
    cond_set(&al->conds, "Programmed", "False", conflict ? conflict : "Invalid",
             "Listener is not programmed");
}

static void gateway_status(actx *a, gwr__att_gateway *ag) {
  size_t i, ok = 0, programmed = 0;
  for (i = 0; i < ag->own_listener_count; i++) {
    ok += a->out->listeners[ag->first_listener + i].accepted;
    programmed += a->out->listeners[ag->first_listener + i].programmed;
  }
  if (ok == ag->own_listener_count)
    cond_set(&ag->conds, "Accepted", "True", "Accepted", "Gateway is accepted");
  else if (ok)
    cond_set(&ag->conds, "Accepted", "True", "ListenersNotValid", "Some listeners are not valid");
  else
    cond_set(&ag->conds, "Accepted", "False", "ListenersNotValid", "No listener is valid");
  if (programmed)
    cond_set(&ag->conds, "Programmed", "True", "Programmed", "Gateway is programmed");
  else
    cond_set(&ag->conds, "Programmed", "False", "Invalid", "No listener is programmed");
}

/* A ListenerSet's Accepted/Programmed from its listeners (§9.2). */
static void listenerset_status(actx *a, gwr__att_listenerset *as, gwr__att_gateway *ag) {
  size_t i, ok = 0, programmed = 0;
  if (!as->admitted) {
    const char *why = fmt(a, "Gateway %s/%s does not allow this ListenerSet (spec.allowedListeners)",
                          ag->gw->meta.ns.ptr, ag->gw->meta.name.ptr);
    cond_set(&as->conds, "Accepted", "False", "NotAllowed", why);
    cond_set(&as->conds, "Programmed", "False", "NotAllowed", why);
    return;
  }
  for (i = 0; i < as->listener_count; i++) {
    ok += a->out->listeners[as->first_listener + i].accepted;
    programmed += a->out->listeners[as->first_listener + i].programmed;
  }
  if (ok == as->listener_count)
    cond_set(&as->conds, "Accepted", "True", "Accepted", "ListenerSet is accepted");
  else if (ok)
    cond_set(&as->conds, "Accepted", "True", "ListenersNotValid", "Some listeners are not valid");
  else
    cond_set(&as->conds, "Accepted", "False", "ListenersNotValid", "No listener is valid");
  if (programmed)
    cond_set(&as->conds, "Programmed", "True", "Programmed", "ListenerSet is programmed");
  else
    cond_set(&as->conds, "Programmed", "False", "ListenersNotValid", "No listener is programmed");
  if (ok) ag->attached_sets++;
}

/* Does the Gateway's spec.allowedListeners admit a ListenerSet? */
static int listeners_allowed(actx *a, const gwr__gateway *gw, const gwr__listenerset *ls) {
  switch (gw->listeners_from) {
    case GWR_FROM_ALL: return 1;
    case GWR_FROM_SAME: return gwr__sv_eq(gw->meta.ns, ls->meta.ns);
    case GWR_FROM_SELECTOR: return selector_matches(a->m, &gw->listeners_selector, ls->meta.ns);
    default: return 0; /* None, the default */
  }
}

static int names_gateway(const gwr__objref *ref, const gwr__gateway *gw) {
  return gwr__sv_eq_cstr(ref->group, GWR_GROUP_GATEWAY) && gwr__sv_eq_cstr(ref->kind, "Gateway") &&
         gwr__sv_eq(ref->ns, gw->meta.ns) && gwr__sv_eq(ref->name, gw->meta.name);
}

/* A14: oldest first, then "namespace/name". */
static int set_order_cmp(const void *x, const void *y) {
  const gwr__listenerset *a = *(const gwr__listenerset *const *)x, *b = *(const gwr__listenerset *const *)y;
  if (a->meta.created != b->meta.created) return a->meta.created < b->meta.created ? -1 : 1;
  return gwr__nsname_cmp(&a->meta, &b->meta);
}

static void add_listener(actx *a, size_t li, const gwr__gateway *gw, const gwr__listener *l,
                         const gwr__meta *owner, const gwr__listenerset *set) {
  gwr__att_listener *al = &a->out->listeners[li];
  al->gw = gw;
  al->l = l;
  al->owner = owner;
  al->set = set;
  al->gateway = a->out->gateway_count - 1;
  al->full_name = fmt(a, "%s/%s/%s", owner->ns.ptr, owner->name.ptr, l->name.ptr);
}

/* The Gateway's ListenerSets in A14 order; the admitted ones' listeners
 * follow the Gateway's own. Returns the next free listener slot. */
static size_t merge_listenersets(actx *a, gwr__att_gateway *ag, size_t li, const gwr__listenerset **tmp) {
  const gwr__model *m = a->m;
  size_t i, n = 0, k;
  for (i = 0; i < m->listenersets.len; i++) {
    const gwr__listenerset *ls = VEC_PTR(m->listenersets, gwr__listenerset, i);
    if (names_gateway(&ls->parent, ag->gw)) tmp[n++] = ls;
  }
  qsort(tmp, n, sizeof *tmp, set_order_cmp);
  for (i = 0; i < n; i++) {
    gwr__att_listenerset *as = &a->out->sets[a->out->set_count++];
    as->ls = tmp[i];
    as->gateway = a->out->gateway_count - 1;
    as->admitted = listeners_allowed(a, ag->gw, tmp[i]);
    as->first_listener = li;
    as->listener_count = as->admitted ? tmp[i]->listener_count : 0;
    for (k = 0; k < as->listener_count; k++, li++)
      add_listener(a, li, ag->gw, &tmp[i]->listeners[k], &tmp[i]->meta, tmp[i]);
  }
  return li;
}

static int build_gateways(actx *a) {
  const gwr__model *m = a->m;
  size_t g, i, nl = 0, li = 0, first_set;
  const gwr__listenerset **tmp;
  for (g = 0; g < m->gateways.len; g++) nl += VEC_PTR(m->gateways, gwr__gateway, g)->listener_count;
  for (g = 0; g < m->listenersets.len; g++) nl += VEC_PTR(m->listenersets, gwr__listenerset, g)->listener_count;
  a->out->gateways = gwr__arena_array(a->ar, m->gateways.len + 1, sizeof(gwr__att_gateway));
  a->out->listeners = gwr__arena_array(a->ar, nl + 1, sizeof(gwr__att_listener));
  a->out->sets = gwr__arena_array(a->ar, m->listenersets.len + 1, sizeof(gwr__att_listenerset));
  tmp = gwr__arena_array(a->ar, m->listenersets.len + 1, sizeof *tmp);
  if (!a->out->gateways || !a->out->listeners || !a->out->sets || !tmp) return GWR_E_NOMEM;
  for (g = 0; g < m->gateways.len; g++) {
    gwr__att_gateway *ag = &a->out->gateways[a->out->gateway_count];
    const gwr__gateway *gw = VEC_PTR(m->gateways, gwr__gateway, g);
    const gwr__gatewayclass *gc = find_class(m, gw->class_name);
    ag->gw = gw;
    if (m->classes.len == 0) {
      ag->ours = 1; /* no classes given at all: every Gateway is ours */
      ag->controller = a->cfg->controller.len ? a->cfg->controller : gwr__sv_cstr(DEFAULT_CONTROLLER);
    } else if (gc && (a->cfg->controller.len == 0 || gwr__sv_eq(gc->controller, a->cfg->controller))) {
      ag->ours = 1;
      ag->controller = gc->controller;
    } else if (gc) {
      continue; /* another controller's Gateway: not ours to report (S3) */
    }
    a->out->gateway_count++;
    ag->first_listener = li;
    if (!ag->ours) {
      cond_set(&ag->conds, "Accepted", "Unknown", "Pending",
               fmt(a, "GatewayClass %s not found", gw->class_name.ptr));
      continue;
    }
    ag->own_listener_count = gw->listener_count;
    for (i = 0; i < gw->listener_count; i++, li++) add_listener(a, li, gw, &gw->listeners[i], &gw->meta, NULL);
    first_set = a->out->set_count;
    li = merge_listenersets(a, ag, li, tmp);
    ag->listener_count = li - ag->first_listener;
    for (i = 0; i < ag->listener_count; i++) listener_status(a, ag, i);
    gateway_status(a, ag);
    for (i = first_set; i < a->out->set_count; i++) listenerset_status(a, &a->out->sets[i], ag);
  }
  a->out->listener_count = li;
  return a->nomem ? GWR_E_NOMEM : GWR_OK;
}

/* ---- backends (§4.3) -------------------------------------------------------- */

static void resolve_backend(actx *a, const gwr__route *r, gwr__att_backend *ab) {
  const gwr__objref *ref = ab->ref;
  const gwr__service *svc;
  size_t i;
  ab->valid = 0;
  if (ref->group.len || !gwr__sv_eq_cstr(ref->kind, "Service")) {
    ab->reason = "InvalidKind";
    ab->message = fmt(a, "backendRef %s/%s: kind %s%s%s is not supported", ref->ns.ptr, ref->name.ptr,
                      ref->kind.ptr, ref->group.len ? "." : "", ref->group.ptr);
    return;
  }
  if (!grant_allows(a->m, gwr__sv_cstr(GWR_GROUP_GATEWAY), gwr__sv_cstr(r->meta.kind), r->meta.ns,
                    gwr__sv_cstr(""), gwr__sv_cstr("Service"), ref->ns, ref->name)) {
    ab->reason = "RefNotPermitted";
    ab->message = fmt(a, "backendRef to Service %s/%s is not permitted by any ReferenceGrant",
                      ref->ns.ptr, ref->name.ptr);
    return;
  }
  if (a->m->services.len) {
    svc = find_obj(&a->m->services, ref->ns, ref->name);
    if (!svc) {
      ab->reason = "BackendNotFound";
      ab->message = fmt(a, "Service %s/%s not found", ref->ns.ptr, ref->name.ptr);
      return;
    }
    for (i = 0; i < svc->port_count && svc->ports[i].port != ref->port; i++) {
    }
    if (svc->port_count && i == svc->port_count) {
      ab->reason = "BackendNotFound";
      ab->message = fmt(a, "Service %s/%s has no port %u", ref->ns.ptr, ref->name.ptr, (unsigned)ref->port);
      return;
    }
  }
  ab->valid = 1;
}

static size_t count_mirrors(const gwr__rule *rule) {
  size_t i, j, n = 0;
  for (i = 0; i < rule->filter_count; i++) n += rule->filters[i].type == GWR_FILTER_MIRROR;
  for (j = 0; j < rule->backend_count; j++)
    for (i = 0; i < rule->backends[j].filter_count; i++)
      n += rule->backends[j].filters[i].type == GWR_FILTER_MIRROR;
  return n;
}

static void add_mirrors(actx *a, const gwr__route *r, gwr__att_rule *ar, const gwr__filter *fs,
                        size_t n) {
  size_t i;
  for (i = 0; i < n; i++) {
    gwr__att_backend *m;
    if (fs[i].type != GWR_FILTER_MIRROR) continue;
    m = &ar->mirrors[ar->mirror_count++];
    m->mirror = &fs[i];
    m->ref = &fs[i].mirror.backend;
    resolve_backend(a, r, m);
  }
}

/* F28: mirror references resolve like backends; an invalid one only drops
 * that mirror but turns ResolvedRefs False. */
static int build_mirrors(actx *a, const gwr__route *r, const gwr__rule *rule, gwr__att_rule *ar) {
  size_t j, n = count_mirrors(rule);
  if (n == 0) return GWR_OK; /* the common case: no memory */
  ar->mirrors = gwr__arena_array(a->ar, n, sizeof *ar->mirrors);
  if (!ar->mirrors) return GWR_E_NOMEM;
  add_mirrors(a, r, ar, rule->filters, rule->filter_count);
  for (j = 0; j < rule->backend_count; j++)
    add_mirrors(a, r, ar, rule->backends[j].filters, rule->backends[j].filter_count);
  return GWR_OK;
}

static int build_rules(actx *a, gwr__att_route *ar) {
  const gwr__route *r = ar->r;
  size_t i, j;
  ar->rules = gwr__arena_array(a->ar, r->rule_count, sizeof *ar->rules);
  if (!ar->rules) return GWR_E_NOMEM;
  for (i = 0; i < r->rule_count; i++) {
    gwr__att_rule *rule = &ar->rules[i];
    rule->valid = r->rules[i].invalid_reason == NULL;
    rule->backend_count = r->rules[i].backend_count;
    rule->backends = rule->backend_count ? gwr__arena_array(a->ar, rule->backend_count, sizeof *rule->backends) : NULL;
    if (rule->backend_count && !rule->backends) return GWR_E_NOMEM;
    for (j = 0; j < rule->backend_count; j++) {
      rule->backends[j].b = &r->rules[i].backends[j];
      rule->backends[j].ref = &r->rules[i].backends[j].ref;
      resolve_backend(a, r, &rule->backends[j]);
    }
    if (build_mirrors(a, r, &r->rules[i], rule) != GWR_OK) return GWR_E_NOMEM;
  }
  return GWR_OK;
}

/* ---- route attachment (A16) --------------------------------------------------- */

static int listener_admits(actx *a, const gwr__att_listener *al, const gwr__route *r) {
  size_t k;
  int kind_ok = 0;
  for (k = 0; k < al->supported_count; k++)
    if (gwr__sv_eq_cstr(al->supported[k].group, GWR_GROUP_GATEWAY) &&
        gwr__sv_eq_cstr(al->supported[k].kind, r->meta.kind))
      kind_ok = 1;
  if (!kind_ok) return 0;
  switch (al->l->from) {
    case GWR_FROM_ALL: return 1;
    case GWR_FROM_SAME: return gwr__sv_eq(r->meta.ns, al->owner->ns);
    case GWR_FROM_SELECTOR: return selector_matches(a->m, &al->l->selector, r->meta.ns);
    default: return 0;
  }
}

/* Effective hostnames of route r on listener l, each with its score. */
static int effective_hosts(actx *a, const gwr__route *r, const gwr__listener *l,
                           gwr__host **out, size_t *count) {
  size_t i, j, n = 0;
  gwr__host *hs = gwr__arena_array(a->ar, r->hostname_count + 1, sizeof *hs);
  if (!hs) return GWR_E_NOMEM;
  if (r->hostname_count == 0) {
    hs[n++].name = l->hostname; /* A23: no route hostnames: the listener's */
  }
  for (i = 0; i < r->hostname_count; i++) {
    gwr__sv e;
    uint32_t total = (uint32_t)r->hostnames[i].len;
    uint32_t precise = is_wild(r->hostnames[i]) ? 0 : total;
    if (!gwr__host_intersect(l->hostname, r->hostnames[i], &e)) continue;
    for (j = 0; j < n && !gwr__sv_eq(hs[j].name, e); j++) {
    }
    if (j == n) {
      hs[n].name = e;
      n++;
    }
    if (precise > hs[j].precise_len || (precise == hs[j].precise_len && total > hs[j].total_len)) {
      hs[j].precise_len = precise;
      hs[j].total_len = total;
    }
  }
  *out = hs;
  *count = n;
  return GWR_OK;
}

/* The parent a parentRef names (A16.1-2): a Gateway of ours (its own
 * listeners only) or a ListenerSet of one (its listeners). Returns 0 when
 * the parent is not ours or not found: no status is written for it. */
static int resolve_parent(actx *a, const gwr__parentref *p, const gwr__att_gateway **ag,
                          size_t *first, size_t *count) {
  size_t g;
  if (!gwr__sv_eq_cstr(p->ref.group, GWR_GROUP_GATEWAY)) return 0;
  if (gwr__sv_eq_cstr(p->ref.kind, "Gateway")) {
    for (g = 0; g < a->out->gateway_count; g++) {
      const gwr__gateway *gw = a->out->gateways[g].gw;
      if (a->out->gateways[g].ours && gwr__sv_eq(gw->meta.ns, p->ref.ns) && gwr__sv_eq(gw->meta.name, p->ref.name)) {
        *ag = &a->out->gateways[g];
        *first = (*ag)->first_listener;
        *count = (*ag)->own_listener_count;
        return 1;
      }
    }
  } else if (gwr__sv_eq_cstr(p->ref.kind, "ListenerSet")) {
    for (g = 0; g < a->out->set_count; g++) {
      const gwr__att_listenerset *as = &a->out->sets[g];
      if (gwr__sv_eq(as->ls->meta.ns, p->ref.ns) && gwr__sv_eq(as->ls->meta.name, p->ref.name)) {
        *ag = &a->out->gateways[as->gateway];
        *first = as->first_listener;
        *count = as->listener_count; /* 0 when not admitted: NoMatchingParent */
        return 1;
      }
    }
  }
  return 0;
}

/* One binding per (route, listener); a second parentRef reaching the same
 * listener adds nothing. */
static int add_binding(actx *a, gwr__vec *bindings, size_t route, size_t listener) {
  size_t i;
  gwr__binding *b;
  const gwr__att_route *ar = &a->out->routes[route];
  /* a route's bindings are pushed together: look back over its own only */
  for (i = bindings->len; i > 0; i--) {
    b = &GWR_VEC_AT(bindings, gwr__binding, i - 1);
    if (b->route != route) break;
    if (b->listener == listener) return GWR_OK;
  }
  b = gwr__vec_push(bindings, &a->cfg->alloc);
  if (!b) return GWR_E_NOMEM;
  b->route = route;
  b->listener = listener;
  b->kind = ar->r->kind;
  a->out->listeners[listener].attached_routes++;
  return effective_hosts(a, ar->r, a->out->listeners[listener].l, &b->hosts, &b->host_count);
}

/* Which stage emptied the listener set decides the reason (A16 order). */
static int attach_parent(actx *a, gwr__vec *bindings, size_t route, gwr__att_parent *ap,
                         int any_rule_valid) {
  const gwr__route *r = a->out->routes[route].r;
  const gwr__att_gateway *ag;
  size_t first = 0, count = 0, i, relevant = 0, allowed = 0;
  int rc;
  if (!resolve_parent(a, ap->ref, &ag, &first, &count)) return GWR_OK; /* A16.1 */
  ap->ours = 1;
  ap->controller = ag->controller;
  ap->listeners = gwr__arena_array(a->ar, count + 1, sizeof *ap->listeners);
  if (!ap->listeners) return GWR_E_NOMEM;
  for (i = 0; i < count; i++) {
    size_t li = first + i;
    const gwr__att_listener *al = &a->out->listeners[li];
    gwr__sv e;
    size_t h;
    /* A16.4: only kinds with hostnames; a route without any takes the listener's */
    int hit = r->hostname_count == 0 || r->kind == GWR_ROUTE_TCP || r->kind == GWR_ROUTE_UDP;
    if (ap->ref->section.len && !gwr__sv_eq(ap->ref->section, al->l->name)) continue;
    if (ap->ref->ref.port && ap->ref->ref.port != al->l->port) continue;
    relevant++;
    if (!listener_admits(a, al, r)) continue;
    allowed++;
    for (h = 0; h < r->hostname_count && !hit; h++) hit = gwr__host_intersect(al->l->hostname, r->hostnames[h], &e);
    if (!hit) continue;
    ap->listeners[ap->listener_count++] = li;
    if (any_rule_valid && (rc = add_binding(a, bindings, route, li)) != GWR_OK) return rc;
  }
  if (!relevant)
    cond_set(&ap->conds, "Accepted", "False", "NoMatchingParent",
             count ? "No listener matches the parentRef's sectionName/port"
                   : "The parent has no listener this route can use (a ListenerSet its Gateway does not allow)");
  else if (!allowed)
    cond_set(&ap->conds, "Accepted", "False", "NotAllowedByListeners",
             "No listener of the parent allows this route (kind or namespace)");
  else if (!ap->listener_count)
    cond_set(&ap->conds, "Accepted", "False", "NoMatchingListenerHostname",
             "No listener hostname intersects the route's hostnames");
  return GWR_OK;
}

/* Accepted (when attach_parent left it unset), ResolvedRefs, PartiallyInvalid. */
static void parent_conditions(actx *a, const gwr__att_route *ar, gwr__att_parent *ap) {
  const gwr__route *r = ar->r;
  size_t i, j, valid = 0, invalid = 0;
  const char *first_invalid = NULL, *ref_reason = NULL, *ref_msg = NULL;
  char dropped[768] = "";
  for (i = 0; i < r->rule_count; i++) {
    if (ar->rules[i].valid) {
      valid++;
    } else {
      size_t used = strlen(dropped);
      invalid++;
      if (!first_invalid) first_invalid = r->rules[i].invalid_message;
      snprintf(dropped + used, sizeof dropped - used, "%s%zu (%s)", invalid > 1 ? ", " : "", i,
               r->rules[i].invalid_message ? r->rules[i].invalid_message : "invalid");
    }
    for (j = 0; j < ar->rules[i].backend_count && !ref_reason; j++)
      if (!ar->rules[i].backends[j].valid) {
        ref_reason = ar->rules[i].backends[j].reason;
        ref_msg = ar->rules[i].backends[j].message;
      }
    for (j = 0; j < ar->rules[i].mirror_count && !ref_reason; j++)
      if (!ar->rules[i].mirrors[j].valid) {
        ref_reason = ar->rules[i].mirrors[j].reason;
        ref_msg = fmt(a, "RequestMirror: %s", ar->rules[i].mirrors[j].message);
      }
  }
  if (!cond_get(&ap->conds, "Accepted")) {
    if (valid)
      cond_set(&ap->conds, "Accepted", "True", "Accepted", "Route is accepted");
    else
      cond_set(&ap->conds, "Accepted", "False", "UnsupportedValue",
               first_invalid ? first_invalid : "no valid rule");
  }
  if (ref_reason)
    cond_set(&ap->conds, "ResolvedRefs", "False", ref_reason, ref_msg);
  else
    cond_set(&ap->conds, "ResolvedRefs", "True", "ResolvedRefs", "All references are resolved");
  if (valid && invalid && strcmp(cond_get(&ap->conds, "Accepted")->status, "True") == 0)
    cond_set(&ap->conds, "PartiallyInvalid", "True", "UnsupportedValue",
             fmt(a, "Dropped Rule(s) %s", dropped));
}

static int route_any_valid(const gwr__route *r) {
  size_t i;
  for (i = 0; i < r->rule_count; i++)
    if (!r->rules[i].invalid_reason) return 1;
  return 0;
}

static int build_routes(actx *a, gwr__vec *bindings) {
  const gwr__model *m = a->m;
  size_t i, p;
  int rc;
  a->out->routes = gwr__arena_array(a->ar, m->routes.len + 1, sizeof(gwr__att_route));
  if (!a->out->routes) return GWR_E_NOMEM;
  a->out->route_count = m->routes.len;
  for (i = 0; i < m->routes.len; i++) {
    gwr__att_route *ar = &a->out->routes[i];
    ar->r = VEC_PTR(m->routes, gwr__route, i);
    ar->kind = ar->r->meta.kind;
    if ((rc = build_rules(a, ar)) != GWR_OK) return rc;
    ar->parents = gwr__arena_array(a->ar, ar->r->parent_count + 1, sizeof *ar->parents);
    if (!ar->parents) return GWR_E_NOMEM;
    for (p = 0; p < ar->r->parent_count; p++) {
      ar->parents[p].ref = &ar->r->parents[p];
      rc = attach_parent(a, bindings, i, &ar->parents[p], route_any_valid(ar->r));
      if (rc != GWR_OK) return rc;
    }
  }
  return a->nomem ? GWR_E_NOMEM : GWR_OK;
}

/* Bindings sorted by listener then route, so compile.c sees them grouped. */
static int binding_cmp(const void *x, const void *y) {
  const gwr__binding *a = x, *b = y;
  if (a->listener != b->listener) return a->listener < b->listener ? -1 : 1;
  return a->route < b->route ? -1 : (a->route > b->route);
}

/* ---- G6: HTTPRoute vs GRPCRoute hostnames on one listener ---------------------- */

static int route_older(const gwr__route *x, const gwr__route *y) {
  if (x->meta.created != y->meta.created) return x->meta.created < y->meta.created;
  return gwr__nsname_cmp(&x->meta, &y->meta) < 0;
}

static int bindings_intersect(const gwr__binding *x, const gwr__binding *y) {
  size_t i, j;
  gwr__sv e;
  for (i = 0; i < x->host_count; i++)
    for (j = 0; j < y->host_count; j++)
      if (gwr__host_intersect(x->hosts[i].name, y->hosts[j].name, &e)) return 1;
  return 0;
}

/* The oldest route (then namespace/name) keeps an intersecting hostname;
 * every HTTP/gRPC binding of the other kind that meets an older one is
 * dropped. A listener's bindings are [first, last). */
static void g6_listener(actx *a, size_t first, size_t last) {
  gwr__binding *bs = a->out->bindings;
  size_t i, j;
  int kinds = 0;
  for (i = first; i < last; i++) kinds |= 1 << bs[i].kind;
  if (!(kinds & (1 << GWR_ROUTE_HTTP)) || !(kinds & (1 << GWR_ROUTE_GRPC))) return;
  for (i = first; i < last; i++) {
    const gwr__route *ri = a->out->routes[bs[i].route].r;
    if (bs[i].kind != GWR_ROUTE_HTTP && bs[i].kind != GWR_ROUTE_GRPC) continue;
    for (j = first; j < last && !bs[i].dropped; j++) {
      const gwr__route *rj = a->out->routes[bs[j].route].r;
      if (bs[j].kind == bs[i].kind || (bs[j].kind != GWR_ROUTE_HTTP && bs[j].kind != GWR_ROUTE_GRPC))
        continue;
      if (!route_older(rj, ri) || !bindings_intersect(&bs[i], &bs[j])) continue;
      bs[i].dropped = 1;
      a->out->listeners[bs[i].listener].attached_routes--;
      a->out->routes[bs[i].route].conflict =
          fmt(a, "hostnames overlap %s %s/%s on listener %s, which is older and keeps them "
                 "(an HTTPRoute and a GRPCRoute may not share a hostname on one listener)",
              rj->meta.kind, rj->meta.ns.ptr, rj->meta.name.ptr,
              a->out->listeners[bs[i].listener].full_name);
    }
  }
}

static int binding_dropped(const gwr__attach *att, size_t route, size_t listener) {
  gwr__binding key, *b;
  if (!att->binding_count) return 0;
  key.route = route;
  key.listener = listener;
  b = bsearch(&key, att->bindings, att->binding_count, sizeof key, binding_cmp);
  return b && b->dropped;
}

/* Per parentRef: Accepted=False when G6 took every listener it had. */
static void route_conditions(actx *a) {
  size_t i, p, k;
  for (i = 0; i < a->out->route_count; i++) {
    gwr__att_route *ar = &a->out->routes[i];
    for (p = 0; p < ar->r->parent_count; p++) {
      gwr__att_parent *ap = &ar->parents[p];
      size_t kept = 0;
      if (!ap->ours) continue;
      for (k = 0; k < ap->listener_count; k++) kept += !binding_dropped(a->out, i, ap->listeners[k]);
      if (ap->listener_count && !kept && ar->conflict && route_any_valid(ar->r))
        cond_set(&ap->conds, "Accepted", "False", "HostnameConflict", ar->conflict);
      parent_conditions(a, ar, ap);
    }
  }
}

static void drop_lost_bindings(gwr__attach *att) {
  size_t i, n = 0;
  for (i = 0; i < att->binding_count; i++)
    if (!att->bindings[i].dropped) att->bindings[n++] = att->bindings[i];
  att->binding_count = n;
}

static int finish_bindings(actx *a, gwr__vec *bindings) {
  gwr__attach *out = a->out;
  size_t first = 0, i;
  if (bindings->len) {
    out->bindings = gwr__arena_array(a->ar, bindings->len, sizeof(gwr__binding));
    if (!out->bindings) return GWR_E_NOMEM;
    memcpy(out->bindings, bindings->data, bindings->len * sizeof(gwr__binding));
    out->binding_count = bindings->len;
    qsort(out->bindings, out->binding_count, sizeof(gwr__binding), binding_cmp);
  }
  if (a->cfg->opt.grpc_conflicts)
    for (i = 1; i <= out->binding_count; i++)
      if (i == out->binding_count || out->bindings[i].listener != out->bindings[first].listener) {
        g6_listener(a, first, i);
        first = i;
      }
  route_conditions(a);
  drop_lost_bindings(out);
  return a->nomem ? GWR_E_NOMEM : GWR_OK;
}

int gwr__attach_build(gwr__attach *out, const gwr_config *cfg, gwr__arena *ar) {
  actx a;
  gwr__vec bindings;
  int rc;
  memset(out, 0, sizeof *out);
  memset(&a, 0, sizeof a);
  a.cfg = cfg;
  a.m = &cfg->model;
  a.ar = ar;
  a.out = out;
  out->opt = &cfg->opt;
  if (cfg->model.problems.len) {
    gwr__problem *copy = gwr__arena_array(ar, cfg->model.problems.len, sizeof *copy);
    if (!copy) return GWR_E_NOMEM;
    memcpy(copy, cfg->model.problems.data, cfg->model.problems.len * sizeof *copy);
    out->problems = copy;
    out->problem_count = cfg->model.problems.len;
  }
  gwr__vec_init(&bindings, sizeof(gwr__binding));
  rc = build_gateways(&a);
  if (rc == GWR_OK) rc = build_routes(&a, &bindings);
  if (rc == GWR_OK) rc = finish_bindings(&a, &bindings);
  gwr__vec_free(&bindings, &cfg->alloc);
  return rc;
}
