/* SPDX-License-Identifier: Apache-2.0 */
/*
 * attach.h - stage 3: parentRefs to listeners, allowedRoutes, hostname
 * intersection (A23), ReferenceGrant checks, backend resolution, listener
 * conflicts, and every status condition (digest §1.2-1.5, §4.3-4.4, §9).
 *
 * In: the validated model. Out: a gwr__attach, read by compile.c (bindings
 * and backends), status.c (conditions) and the reference matcher in tests.
 * Everything lives in the arena given to gwr__attach_build.
 */
#ifndef GWR_ATTACH_H
#define GWR_ATTACH_H

#include "config.h"

typedef struct gwr__cond {      /* one status condition */
  const char *type;             /* "Accepted", "ResolvedRefs", ... */
  const char *status;           /* "True", "False", "Unknown" */
  const char *reason;
  const char *message;
} gwr__cond;

#define GWR_MAX_CONDS 8

typedef struct gwr__conds {
  gwr__cond c[GWR_MAX_CONDS];
  size_t n;
} gwr__conds;

typedef struct gwr__att_listener {
  const gwr__gateway *gw;       /* the Gateway it serves on */
  const gwr__listener *l;
  const gwr__meta *owner;       /* the object defining it: the Gateway or a ListenerSet */
  const gwr__listenerset *set;  /* the ListenerSet, or NULL for the Gateway's own */
  size_t gateway;               /* index into gateways */
  const char *full_name;        /* "namespace/gateway/listener" */
  int accepted;                 /* Accepted=True */
  int programmed;               /* carries traffic: accepted, not conflicted, refs resolved */
  gwr__routekind supported[8];  /* supportedKinds */
  size_t supported_count;
  size_t attached_routes;
  gwr__conds conds;
} gwr__att_listener;

typedef struct gwr__att_gateway {
  const gwr__gateway *gw;
  gwr__sv controller;           /* the class's controllerName */
  int ours;                     /* reconciled: class exists and is ours */
  size_t first_listener, listener_count; /* range in listeners: its own, then its ListenerSets' (A14) */
  size_t own_listener_count;    /* the Gateway's own listeners, first in the range */
  size_t attached_sets;         /* ListenerSets admitted and accepted */
  gwr__conds conds;
} gwr__att_gateway;

typedef struct gwr__att_listenerset {
  const gwr__listenerset *ls;
  size_t gateway;               /* index into gateways */
  int admitted;                 /* allowedListeners admits it: its listeners are merged */
  size_t first_listener, listener_count; /* range in listeners when admitted */
  gwr__conds conds;
} gwr__att_listenerset;

typedef struct gwr__att_backend {
  const gwr__backend *b;        /* group/kind/ns/name/port with defaults, weight; NULL for a mirror */
  const gwr__objref *ref;       /* the reference resolved (b->ref, or a mirror's backendRef) */
  const gwr__filter *mirror;    /* the RequestMirror filter, for mirrors */
  int valid;
  const char *reason;           /* ResolvedRefs reason when invalid */
  const char *message;
} gwr__att_backend;

typedef struct gwr__att_rule {
  int valid;                    /* not dropped (no rule-level unsupported value) */
  gwr__att_backend *backends;
  size_t backend_count;
  gwr__att_backend *mirrors;    /* RequestMirror backendRefs, rule and backend level (F28) */
  size_t mirror_count;
} gwr__att_rule;

typedef struct gwr__att_parent {
  const gwr__parentref *ref;
  int ours;                     /* status is written for this parentRef */
  gwr__sv controller;
  gwr__conds conds;
  size_t *listeners;            /* listeners it attached to (before G6) */
  size_t listener_count;
} gwr__att_parent;

typedef struct gwr__att_route {
  const gwr__route *r;
  const char *kind;             /* "HTTPRoute", "GRPCRoute", "TLSRoute", ... */
  gwr__att_rule *rules;         /* parallel to r->rules */
  gwr__att_parent *parents;     /* parallel to r->parents */
  const char *conflict;         /* why G6 took a listener from it, or NULL */
} gwr__att_route;

/* One effective hostname of a route on a listener (A23), with the
 * precedence score of the route's own hostname that produced it (3.1 step 1). */
typedef struct gwr__host {
  gwr__sv name;                 /* empty = any host; "*.x" = wildcard */
  uint32_t precise_len;         /* chars of the route's precise hostname, else 0 */
  uint32_t total_len;           /* chars of the route's hostname, 0 when none */
} gwr__host;

/* A route accepted on a listener. */
typedef struct gwr__binding {
  size_t route;                 /* index into routes */
  size_t listener;              /* index into listeners */
  gwr__host *hosts;
  size_t host_count;
  int kind;                     /* the route's kind (enum gwr__route_kind) */
  int dropped;                  /* lost a G6 hostname conflict: serves nothing */
} gwr__binding;

typedef struct gwr__attach {
  gwr__att_gateway *gateways;
  size_t gateway_count;
  gwr__att_listener *listeners;
  size_t listener_count;
  gwr__att_listenerset *sets;   /* every ListenerSet whose parent Gateway is ours */
  size_t set_count;
  gwr__att_route *routes;
  size_t route_count;
  gwr__binding *bindings;       /* ordered by listener, then route */
  size_t binding_count;
  const gwr__problem *problems; /* rejected objects (copied) */
  size_t problem_count;
  const gwr__options *opt;
} gwr__attach;

int gwr__attach_build(gwr__attach *out, const gwr_config *cfg, gwr__arena *ar);

/* "{namespace}/{name}" compared as one string, the tie-break of §3.1 step
 * 7, G6 and A14 ("team-b/z" sorts before "team/z"). */
int gwr__nsname_cmp(const gwr__meta *a, const gwr__meta *b);

/* A23: intersection of a listener hostname (empty = none) and a route
 * hostname. Returns 0 when empty, else 1 with *out set to the narrower. */
int gwr__host_intersect(gwr__sv listener, gwr__sv route, gwr__sv *out);

/* Whether a request host (lowercase, no port) matches a hostname pattern
 * (empty = any; "*.x" = one or more labels before ".x"; else equality). */
int gwr__host_matches(gwr__sv pattern, gwr__sv host);

#endif
