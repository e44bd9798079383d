/* SPDX-License-Identifier: Apache-2.0 */
/*
 * model.h - the typed Gateway API objects every later stage reads.
 *
 * load.c fills these from document trees, with Kubernetes defaults applied
 * (parentRef group/kind/namespace, backend group/kind/namespace/weight, path
 * match PathPrefix "/", listener allowedRoutes Same, ...). All strings and
 * arrays live in the config's arena; views (gwr__sv) are NUL-terminated.
 * An object that failed to load or validate has `rejected` set and is never
 * attached; its problem is in the config's problem list.
 */
#ifndef GWR_MODEL_H
#define GWR_MODEL_H

#include "internal.h"

#define GWR_GROUP_GATEWAY "gateway.networking.k8s.io"

typedef struct gwr__label {
  gwr__sv key, value;
} gwr__label;

typedef struct gwr__meta {
  gwr__sv ns, name;      /* ns empty for cluster-scoped kinds */
  int64_t generation;    /* metadata.generation, 1 when absent */
  int64_t created;       /* creationTimestamp in Unix seconds, 0 when absent */
  gwr__label *labels;
  size_t label_count;
  const char *source;    /* file (or "<input>") and line it came from */
  uint32_t line;
  size_t order;          /* load order, for stable output */
  const char *kind;      /* "HTTPRoute", "Gateway", ... (static) */
} gwr__meta;

/* ---- GatewayClass ----------------------------------------------------- */

typedef struct gwr__gatewayclass {
  gwr__meta meta;
  gwr__sv controller;
  int rejected;
} gwr__gatewayclass;

/* ---- Gateway and listeners -------------------------------------------- */

enum gwr__protocol {
  GWR_PROTO_OTHER = 0, /* domain-prefixed or unknown: UnsupportedProtocol */
  GWR_PROTO_HTTP,
  GWR_PROTO_HTTPS,
  GWR_PROTO_TLS,
  GWR_PROTO_TCP,
  GWR_PROTO_UDP
};

enum gwr__tls_mode { GWR_TLS_NONE = 0, GWR_TLS_TERMINATE, GWR_TLS_PASSTHROUGH };
enum gwr__from { GWR_FROM_SAME = 0, GWR_FROM_ALL, GWR_FROM_SELECTOR, GWR_FROM_NONE };
enum gwr__selector_op { GWR_OP_IN = 0, GWR_OP_NOT_IN, GWR_OP_EXISTS, GWR_OP_DOES_NOT_EXIST };

typedef struct gwr__objref { /* group/kind/namespace/name (+port) reference */
  gwr__sv group, kind, ns, name;
  int ns_set;     /* namespace was written (else defaulted) */
  uint32_t port;  /* 0 = unset */
} gwr__objref;

typedef struct gwr__expr {
  gwr__sv key;
  int op; /* enum gwr__selector_op */
  gwr__sv *values;
  size_t value_count;
} gwr__expr;

typedef struct gwr__selector {
  int present;
  gwr__label *match_labels;
  size_t match_label_count;
  gwr__expr *exprs;
  size_t expr_count;
} gwr__selector;

typedef struct gwr__routekind {
  gwr__sv group, kind;
} gwr__routekind;

typedef struct gwr__listener {
  gwr__sv name;
  gwr__sv hostname;     /* empty = none (matches every host) */
  uint32_t port;
  int protocol;         /* enum gwr__protocol */
  gwr__sv protocol_text;
  int tls_set;          /* a tls block was written */
  int tls_mode;         /* enum gwr__tls_mode */
  gwr__objref *certs;
  size_t cert_count;
  size_t tls_option_count;
  int from;             /* enum gwr__from */
  gwr__selector selector;
  gwr__routekind *kinds;
  size_t kind_count;
  int kinds_set;        /* allowedRoutes.kinds was written */
} gwr__listener;

typedef struct gwr__gateway {
  gwr__meta meta;
  gwr__sv class_name;
  gwr__listener *listeners;
  size_t listener_count;
  int listeners_from;           /* spec.allowedListeners.namespaces.from (default None) */
  gwr__selector listeners_selector;
  int rejected;
} gwr__gateway;

/* ListenerSet: listeners contributed to a parent Gateway (A14). */
typedef struct gwr__listenerset {
  gwr__meta meta;
  gwr__objref parent;           /* group/kind default Gateway, namespace default its own */
  gwr__listener *listeners;
  size_t listener_count;
  int rejected;
} gwr__listenerset;

/* ---- HTTPRoute ---------------------------------------------------------- */

enum gwr__path_type { GWR_PATH_PREFIX = 0, GWR_PATH_EXACT, GWR_PATH_REGEX };
enum gwr__value_type { GWR_VALUE_EXACT = 0, GWR_VALUE_REGEX };

typedef struct gwr__kv_match { /* header or query parameter match */
  int type;                     /* enum gwr__value_type */
  gwr__sv name, value;
} gwr__kv_match;

/* GRPCRoute method match (G2); load.c also writes the path predicate
 * it maps onto (G3) into the enclosing match's path_type and path. */
typedef struct gwr__grpc_method {
  int set;                      /* a method match was written */
  int type;                     /* enum gwr__value_type */
  gwr__sv service, method;      /* empty = unset; service without a leading '.' */
} gwr__grpc_method;

typedef struct gwr__match {
  int path_type;                /* enum gwr__path_type */
  gwr__sv path;                 /* as written (default "/") */
  gwr__kv_match *headers;
  size_t header_count;
  gwr__kv_match *queries;
  size_t query_count;
  gwr__sv method;               /* empty = any */
  gwr__grpc_method grpc;        /* GRPCRoute only */
} gwr__match;

enum gwr__filter_type {
  GWR_FILTER_UNKNOWN = 0,
  GWR_FILTER_REQUEST_HEADER,
  GWR_FILTER_RESPONSE_HEADER,
  GWR_FILTER_MIRROR,
  GWR_FILTER_REDIRECT,
  GWR_FILTER_REWRITE,
  GWR_FILTER_EXTENSION_REF,
  GWR_FILTER_CORS,
  GWR_FILTER_EXTERNAL_AUTH
};

typedef struct gwr__header_mod {
  gwr__label *set, *add; /* name, value */
  size_t set_count, add_count;
  gwr__sv *remove;
  size_t remove_count;
} gwr__header_mod;

/* GWR_PATHMOD_CAPTURES exists only in objects lowered from an Ingress
 * (ingress-nginx rewrite-target with $1..$9): the whole path becomes
 * `value` with $n replaced by the groups of the matched path regex. */
enum gwr__pathmod_type { GWR_PATHMOD_NONE = 0, GWR_PATHMOD_FULL, GWR_PATHMOD_PREFIX, GWR_PATHMOD_CAPTURES };

typedef struct gwr__path_mod {
  int type;                     /* enum gwr__pathmod_type */
  gwr__sv value;
  int full_set, prefix_set;     /* which member was written (CEL, §5.4) */
} gwr__path_mod;

typedef struct gwr__redirect {
  gwr__sv scheme, hostname;
  gwr__path_mod path;
  uint32_t port;                /* 0 = unset */
  int status;                   /* default 302 */
  int drop_query;               /* Ingress lowering only: nginx `return` drops the query */
} gwr__redirect;

typedef struct gwr__rewrite {
  gwr__sv hostname;
  gwr__path_mod path;
} gwr__rewrite;

typedef struct gwr__mirror {
  gwr__objref backend;
  int percent_set, fraction_set;
  int64_t percent;              /* 0..100 when set */
  int64_t numerator, denominator; /* when fraction_set; denominator default 100 */
} gwr__mirror;

typedef struct gwr__cors {
  gwr__sv *origins, *methods, *allow_headers, *expose_headers;
  size_t origin_count, method_count, allow_header_count, expose_header_count;
  int credentials;              /* -1 unset, 0, 1 */
  int64_t max_age;              /* default 5 */
} gwr__cors;

typedef struct gwr__filter {
  int type;                     /* enum gwr__filter_type */
  gwr__sv type_text;
  gwr__header_mod headers;      /* request/response header modifier */
  gwr__redirect redirect;
  gwr__rewrite rewrite;
  gwr__mirror mirror;
  gwr__objref extension;
  gwr__cors cors;
} gwr__filter;

typedef struct gwr__backend {
  gwr__objref ref;              /* defaults applied: group "", kind Service */
  int64_t weight;               /* default 1 */
  gwr__filter *filters;
  size_t filter_count;
} gwr__backend;

typedef struct gwr__duration {
  int set;
  gwr__sv text;
  int64_t ms;
} gwr__duration;

typedef struct gwr__retry {     /* rules[].retry (T6-T9) */
  int set;
  int64_t *codes;
  size_t code_count;
  int64_t attempts;             /* -1 unset */
  gwr__duration backoff;
} gwr__retry;

typedef struct gwr__session {   /* rules[].sessionPersistence (T10-T14), both spellings */
  int set;
  gwr__sv type;                 /* default "Cookie" */
  gwr__sv name;                 /* cookie.name, header.name or (v1.6.1) sessionName */
  gwr__sv cookie_path;          /* cookie.path */
  gwr__sv lifetime;             /* cookie.lifetimeType or cookieConfig.lifetimeType */
  gwr__duration absolute, idle;
  int cookie_set, header_set;   /* main-branch members written */
  int legacy;                   /* v1.6.1 members (sessionName, cookieConfig) written */
} gwr__session;

typedef struct gwr__rule {
  gwr__sv name;
  gwr__match *matches;          /* never empty: defaulted to PathPrefix "/" */
  size_t match_count;
  gwr__filter *filters;
  size_t filter_count;
  gwr__backend *backends;
  size_t backend_count;
  gwr__duration timeout_request, timeout_backend;
  gwr__retry retry;
  gwr__session session;
  /* rule-level problems (unsupported values): the rule is dropped */
  const char *invalid_reason;   /* e.g. "UnsupportedValue"; NULL = valid */
  const char *invalid_message;
  /* Ingress lowering only (no Gateway API spelling): */
  int direct_status;            /* answer this status instead of forwarding (0 = no) */
  const char *origin;           /* "Ingress ns/name spec.rules[0].http.paths[1]", or NULL */
} gwr__rule;

typedef struct gwr__parentref {
  gwr__objref ref;              /* group default gateway.networking.k8s.io, kind Gateway */
  gwr__sv section;              /* empty = whole parent */
  int group_set, kind_set;
} gwr__parentref;

/* The route kinds; one model struct holds them all. TLS, TCP and UDP
 * routes have one rule with no matches (defaulted to PathPrefix "/"). */
enum gwr__route_kind {
  GWR_ROUTE_HTTP = 0,
  GWR_ROUTE_GRPC,
  GWR_ROUTE_TLS,
  GWR_ROUTE_TCP,
  GWR_ROUTE_UDP
};

typedef struct gwr__route {
  gwr__meta meta;
  int kind;                     /* enum gwr__route_kind */
  int alpha;                    /* a v1alpha2/v1alpha3 object (TLSRoute: looser limits) */
  gwr__parentref *parents;
  size_t parent_count;
  gwr__sv *hostnames;
  size_t hostname_count;
  gwr__rule *rules;             /* never empty: defaulted */
  size_t rule_count;
  int rejected;
  const char *origin;           /* lowered from this Ingress ("Ingress ns/name"), or NULL */
} gwr__route;

/* ---- ReferenceGrant, Service, Secret, Namespace -------------------------- */

typedef struct gwr__grant_from {
  gwr__sv group, kind, ns;
} gwr__grant_from;

typedef struct gwr__grant_to {
  gwr__sv group, kind, name;    /* name empty = every object */
} gwr__grant_to;

typedef struct gwr__refgrant {
  gwr__meta meta;
  gwr__grant_from *from;
  size_t from_count;
  gwr__grant_to *to;
  size_t to_count;
  int rejected;
} gwr__refgrant;

typedef struct gwr__service_port {
  gwr__sv name, app_protocol;
  uint32_t port;
} gwr__service_port;

typedef struct gwr__service {
  gwr__meta meta;
  gwr__sv type;                 /* ClusterIP, ExternalName, ... */
  gwr__service_port *ports;
  size_t port_count;
  int rejected;
} gwr__service;

typedef struct gwr__plain { /* Secret, Namespace: metadata only */
  gwr__meta meta;
  int rejected;
} gwr__plain;

/* ---- networking.k8s.io/v1 Ingress and IngressClass (digest §10) ----------
 * Loaded as written; lib/ingress.c lowers them to the Gateway API objects
 * above with ingress-nginx semantics at compile time. */

enum gwr__ing_path_type { GWR_ING_PREFIX = 0, GWR_ING_EXACT, GWR_ING_IMPL };

typedef struct gwr__ing_backend {
  int set;
  int is_resource;              /* resource{apiGroup, kind, name} instead of a Service */
  gwr__sv service;              /* service.name */
  uint32_t port;                /* service.port.number; 0 when given by name */
  gwr__sv port_name;            /* service.port.name */
  gwr__objref resource;
} gwr__ing_backend;

typedef struct gwr__ing_path {
  gwr__sv path;                 /* default "/" */
  int type;                     /* enum gwr__ing_path_type */
  gwr__ing_backend backend;
} gwr__ing_path;

typedef struct gwr__ing_rule {
  gwr__sv host;                 /* empty = every host */
  gwr__ing_path *paths;
  size_t path_count;
} gwr__ing_rule;

typedef struct gwr__ing_tls {
  gwr__sv *hosts;
  size_t host_count;
  gwr__sv secret;
} gwr__ing_tls;

typedef struct gwr__ingress {
  gwr__meta meta;
  gwr__sv class_name;           /* spec.ingressClassName, else the kubernetes.io/ingress.class annotation */
  gwr__label *annotations;
  size_t annotation_count;
  gwr__ing_backend default_backend;
  gwr__ing_tls *tls;
  size_t tls_count;
  gwr__ing_rule *rules;
  size_t rule_count;
  int rejected;
} gwr__ingress;

typedef struct gwr__ingressclass {
  gwr__meta meta;
  gwr__sv controller;           /* spec.controller */
  int is_default;               /* ingressclass.kubernetes.io/is-default-class: "true" */
  int rejected;
} gwr__ingressclass;

/* The value of annotation `key` of an Ingress, or an empty view. */
gwr__sv gwr__ingress_annotation(const gwr__ingress *ing, const char *key);

/* ---- the whole model ------------------------------------------------------ */

typedef struct gwr__problem {
  gwr_error err;
} gwr__problem;

typedef struct gwr__model {
  gwr__vec classes;   /* gwr__gatewayclass* */
  gwr__vec gateways;  /* gwr__gateway* */
  gwr__vec routes;    /* gwr__route* */
  gwr__vec grants;    /* gwr__refgrant* */
  gwr__vec services;  /* gwr__service* */
  gwr__vec secrets;   /* gwr__plain* */
  gwr__vec namespaces;/* gwr__plain* */
  gwr__vec listenersets; /* gwr__listenerset* */
  gwr__vec ingresses; /* gwr__ingress* */
  gwr__vec ingressclasses; /* gwr__ingressclass* */
  gwr__vec problems;  /* gwr__problem */
  size_t skipped;
  size_t objects;
  size_t replaced;      /* objects replaced by a later one of the same kind/namespace/name */
} gwr__model;

#endif
