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
    if (!grant_allows(m, gwr__sv_cstr(GWR_GROUP_GATEWAY), gwr__sv_cstr("Gateway"), al->gw->meta.ns,
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

/* A10-A13 within one Gateway. Returns the conflict reason for listener i or NULL. */
static const char *listener_conflict(const gwr__gateway *gw, size_t i) {
  const gwr__listener *l = &gw->listeners[i];
  size_t j;
  const char *why = NULL;
  if (l->protocol == GWR_PROTO_UDP || l->protocol == GWR_PROTO_OTHER) return NULL;
  for (j = 0; j < gw->listener_count; j++) {
    const gwr__listener *o = &gw->listeners[j];
    if (j == i || o->port != l->port || o->protocol == GWR_PROTO_UDP || o->protocol == GWR_PROTO_OTHER)
      continue;
    /* TCP with anything on its port; HTTP (cleartext) with HTTPS/TLS */
    if ((o->protocol == GWR_PROTO_TCP) != (l->protocol == GWR_PROTO_TCP)) return "ProtocolConflict";
    if ((o->protocol == GWR_PROTO_HTTP) != (l->protocol == GWR_PROTO_HTTP)) return "ProtocolConflict";
    if (tls_based(l->protocol) && tls_based(o->protocol) && o->protocol != l->protocol &&
        gwr__sv_eq(o->hostname, l->hostname))
      why = "HostnameConflict";
  }
  return why;
}

static int tls_overlap(const gwr__gateway *gw, size_t i) {
  const gwr__listener *l = &gw->listeners[i];
  size_t j;
  gwr__sv x;
  if (!tls_based(l->protocol)) return 0;
  for (j = 0; j < gw->listener_count; j++) {
    const gwr__listener *o = &gw->listeners[j];
    if (j != i && o->port == l->port && tls_based(o->protocol) && l->hostname.len && o->hostname.len &&
        gwr__host_intersect(o->hostname, l->hostname, &x))
      return 1;
  }
  return 0;
}

static void listener_status(actx *a, gwr__att_listener *al, size_t index_in_gw) {
  const gwr__listener *l = al->l;
  const char *conflict = listener_conflict(al->gw, index_in_gw);
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
  if (tls_overlap(al->gw, index_in_gw))
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
  for (i = 0; i < ag->listener_count; i++) {
    ok += a->out->listeners[ag->first_listener + i].accepted;
    programmed += a->out->listeners[ag->first_listener + i].programmed;
  }
  if (ok == ag->listener_count)
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

static int build_gateways(actx *a) {
  const gwr__model *m = a->m;
  size_t g, i, nl = 0, li = 0;
  for (g = 0; g < m->gateways.len; g++) nl += VEC_PTR(m->gateways, gwr__gateway, g)->listener_count;
  a->out->gateways = gwr__arena_array(a->ar, m->gateways.len + 1, sizeof(gwr__att_gateway));
  a->out->listeners = gwr__arena_array(a->ar, nl + 1, sizeof(gwr__att_listener));
  if (!a->out->gateways || !a->out->listeners) return GWR_E_NOMEM;
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
    ag->listener_count = ag->ours ? gw->listener_count : 0;
    for (i = 0; i < ag->listener_count; i++, li++) {
      gwr__att_listener *al = &a->out->listeners[li];
      al->gw = gw;
      al->l = &gw->listeners[i];
      al->gateway = a->out->gateway_count - 1;
      al->full_name = fmt(a, "%s/%s/%s", gw->meta.ns.ptr, gw->meta.name.ptr, al->l->name.ptr);
      listener_status(a, al, i);
    }
    if (ag->ours)
      gateway_status(a, ag);
    else
      cond_set(&ag->conds, "Accepted", "Unknown", "Pending",
               fmt(a, "GatewayClass %s not found", gw->class_name.ptr));
  }
  a->out->listener_count = li;
  return a->nomem ? GWR_E_NOMEM : GWR_OK;
}

/* ---- backends (§4.3) -------------------------------------------------------- */

static void resolve_backend(actx *a, const gwr__httproute *r, gwr__att_backend *ab) {
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
  if (!grant_allows(a->m, gwr__sv_cstr(GWR_GROUP_GATEWAY), gwr__sv_cstr("HTTPRoute"), r->meta.ns,
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

static void add_mirrors(actx *a, const gwr__httproute *r, gwr__att_rule *ar, const gwr__filter *fs,
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
static int build_mirrors(actx *a, const gwr__httproute *r, const gwr__rule *rule, gwr__att_rule *ar) {
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
  const gwr__httproute *r = ar->r;
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

static int listener_admits(actx *a, const gwr__att_listener *al, const gwr__httproute *r) {
  size_t k;
  int kind_ok = 0;
  for (k = 0; k < al->supported_count; k++)
    if (gwr__sv_eq_cstr(al->supported[k].group, GWR_GROUP_GATEWAY) &&
        gwr__sv_eq_cstr(al->supported[k].kind, "HTTPRoute"))
      kind_ok = 1;
  if (!kind_ok) return 0;
  switch (al->l->from) {
    case GWR_FROM_ALL: return 1;
    case GWR_FROM_SAME: return gwr__sv_eq(r->meta.ns, al->gw->meta.ns);
    case GWR_FROM_SELECTOR: return selector_matches(a->m, &al->l->selector, r->meta.ns);
    default: return 0;
  }
}

/* Effective hostnames of route r on listener l, each with its score. */
static int effective_hosts(actx *a, const gwr__httproute *r, const gwr__listener *l,
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

static int parent_gateway(actx *a, const gwr__parentref *p) {
  size_t g;
  if (!gwr__sv_eq_cstr(p->ref.group, GWR_GROUP_GATEWAY) || !gwr__sv_eq_cstr(p->ref.kind, "Gateway"))
    return -1;
  for (g = 0; g < a->out->gateway_count; g++) {
    const gwr__gateway *gw = a->out->gateways[g].gw;
    if (a->out->gateways[g].ours && gwr__sv_eq(gw->meta.ns, p->ref.ns) && gwr__sv_eq(gw->meta.name, p->ref.name))
      return (int)g;
  }
  return -1;
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
  a->out->listeners[listener].attached_routes++;
  return effective_hosts(a, ar->r, a->out->listeners[listener].l, &b->hosts, &b->host_count);
}

/* Which stage emptied the listener set decides the reason (A16 order). */
static int attach_parent(actx *a, gwr__vec *bindings, size_t route, gwr__att_parent *ap,
                         int any_rule_valid) {
  const gwr__httproute *r = a->out->routes[route].r;
  int g = parent_gateway(a, ap->ref);
  size_t i, relevant = 0, allowed = 0, attached = 0;
  const gwr__att_gateway *ag;
  int rc;
  if (g < 0) return GWR_OK; /* not ours or not found: no status (A16.1) */
  ag = &a->out->gateways[g];
  ap->ours = 1;
  ap->controller = ag->controller;
  for (i = 0; i < ag->listener_count; i++) {
    size_t li = ag->first_listener + i;
    const gwr__att_listener *al = &a->out->listeners[li];
    gwr__sv e;
    size_t h;
    int hit = r->hostname_count == 0;
    if (ap->ref->section.len && !gwr__sv_eq(ap->ref->section, al->l->name)) continue;
    if (ap->ref->ref.port && ap->ref->ref.port != al->l->port) continue;
    relevant++;
    if (!listener_admits(a, al, r)) continue;
    allowed++;
    for (h = 0; h < r->hostname_count && !hit; h++) hit = gwr__host_intersect(al->l->hostname, r->hostnames[h], &e);
    if (!hit) continue;
    attached++;
    if (any_rule_valid && (rc = add_binding(a, bindings, route, li)) != GWR_OK) return rc;
  }
  if (!relevant)
    cond_set(&ap->conds, "Accepted", "False", "NoMatchingParent",
             "No listener matches the parentRef's sectionName/port");
  else if (!allowed)
    cond_set(&ap->conds, "Accepted", "False", "NotAllowedByListeners",
             "No listener of the parent allows this route (kind or namespace)");
  else if (!attached)
    cond_set(&ap->conds, "Accepted", "False", "NoMatchingListenerHostname",
             "No listener hostname intersects the route's hostnames");
  return GWR_OK;
}

/* Accepted (when attach_parent left it unset), ResolvedRefs, PartiallyInvalid. */
static void parent_conditions(actx *a, const gwr__att_route *ar, gwr__att_parent *ap) {
  const gwr__httproute *r = ar->r;
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

static int route_any_valid(const gwr__httproute *r) {
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
    ar->r = VEC_PTR(m->routes, gwr__httproute, i);
    ar->kind = "HTTPRoute";
    if ((rc = build_rules(a, ar)) != GWR_OK) return rc;
    ar->parents = gwr__arena_array(a->ar, ar->r->parent_count + 1, sizeof *ar->parents);
    if (!ar->parents) return GWR_E_NOMEM;
    for (p = 0; p < ar->r->parent_count; p++) {
      ar->parents[p].ref = &ar->r->parents[p];
      rc = attach_parent(a, bindings, i, &ar->parents[p], route_any_valid(ar->r));
      if (rc != GWR_OK) return rc;
      if (ar->parents[p].ours) parent_conditions(a, ar, &ar->parents[p]);
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
  if (rc == GWR_OK && bindings.len) {
    out->bindings = gwr__arena_array(ar, bindings.len, sizeof(gwr__binding));
    if (!out->bindings) rc = GWR_E_NOMEM;
    else {
      memcpy(out->bindings, bindings.data, bindings.len * sizeof(gwr__binding));
      out->binding_count = bindings.len;
      qsort(out->bindings, out->binding_count, sizeof(gwr__binding), binding_cmp);
    }
  }
  gwr__vec_free(&bindings, &cfg->alloc);
  return rc;
}
