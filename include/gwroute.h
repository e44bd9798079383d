/* SPDX-License-Identifier: Apache-2.0 */
/*
 * gwroute.h - the Kubernetes Gateway API routing engine as a C library.
 *
 * This is the only public header. It reads top to bottom like a manual:
 *
 *   1. Version            6. Builder (objects without YAML)
 *   2. Status codes       7. Table (compiled, immutable, shared)
 *   3. Errors             8. Request
 *   4. Allocator          9. Match and decision
 *   5. Config            10. Threads and table swapping
 *                       11. Tooling: explain, check, lint, diff, convert
 *
 * The pipeline: objects (YAML/JSON text or builder calls) are loaded into a
 * gwr_config, validated per object, attached to Gateway listeners and
 * compiled into a gwr_table. A table answers gwr_match() for any number of
 * threads at once, without allocating. Anything not declared here is not API.
 */
#ifndef GWROUTE_H
#define GWROUTE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(GWR_STATIC)
#define GWR_API
#elif defined(__GNUC__)
#define GWR_API __attribute__((visibility("default")))
#else
#define GWR_API
#endif

/* ===================================================================== */
/* 1. Version                                                            */
/* ===================================================================== */

#define GWR_VERSION_MAJOR 1
#define GWR_VERSION_MINOR 1
#define GWR_VERSION_PATCH 0
#define GWR_VERSION_NUMBER \
  ((GWR_VERSION_MAJOR * 10000) + (GWR_VERSION_MINOR * 100) + GWR_VERSION_PATCH)
#define GWR_VERSION_STRING "1.1.0"

/**
 * The version of the loaded library, as MAJOR*10000 + MINOR*100 + PATCH.
 * Bindings compare it with the header they were written for.
 * @since 1.0
 */
GWR_API uint32_t gwr_version(void);

/** The version of the loaded library as a static string, e.g. "1.0.0". @since 1.0 */
GWR_API const char *gwr_version_string(void);

/* ===================================================================== */
/* 2. Status codes                                                       */
/* ===================================================================== */

/* Every function that can fail returns an int holding one of these.
 * Values are pinned: they are never renumbered. */
#define GWR_STATUS_MAP(X)                                      \
  X(OK, 0, "success")                                          \
  X(E_INVALID, -1, "invalid argument")                         \
  X(E_NOMEM, -2, "out of memory")                              \
  X(E_PARSE, -3, "syntax error")                               \
  X(E_SCHEMA, -4, "invalid object")                            \
  X(E_IO, -5, "input/output error")                            \
  X(E_LIMIT, -6, "limit exceeded")                             \
  X(E_NOTFOUND, -7, "not found")                               \
  X(E_RANGE, -8, "buffer too small")                           \
  X(E_STATE, -9, "object in the wrong state for this call")

enum gwr_status {
#define GWR_STATUS_ENUM_(name, value, text) GWR_##name = value,
  GWR_STATUS_MAP(GWR_STATUS_ENUM_)
#undef GWR_STATUS_ENUM_
  GWR_STATUS_LAST_ = -9
};

/**
 * A static, human-readable text for a status code ("unknown status" for a
 * value that is not one). Never NULL. @since 1.0
 */
GWR_API const char *gwr_strerror(int status);

/* ===================================================================== */
/* 3. Errors                                                             */
/* ===================================================================== */

/**
 * Details of a failure, owned by the caller. Every function taking a
 * gwr_error * accepts NULL. Set struct_size with GWR_ERROR_INIT; the library
 * fills only the fields it knows, so an older, shorter struct is fine.
 * Strings are NUL-terminated and truncated to fit.
 *
 * object kind/ns/name name the Kubernetes object at fault (empty if none);
 * field is its field path ("spec.rules[2].matches[0].path.value");
 * file/line/column give the source position when there is one (line 0 = none).
 * message is the whole sentence, e.g.
 *   "HTTPRoute default/api: spec.rules[2].matches[0].path.value: must start with '/'"
 * @since 1.0
 */
typedef struct gwr_error {
  size_t struct_size;
  int32_t code;
  uint32_t line;
  uint32_t column;
  char kind[64];
  char ns[64];
  char name[254];
  char field[256];
  char file[256];
  char message[1024];
} gwr_error;

#define GWR_ERROR_INIT {sizeof(gwr_error), 0, 0, 0, "", "", "", "", "", ""}

/* ===================================================================== */
/* 4. Allocator                                                          */
/* ===================================================================== */

/**
 * Memory hooks, passed once to gwr_config_new(); tables and decisions
 * compiled from that config inherit them. NULL hooks mean libc.
 * malloc must return memory aligned for any type, or NULL on failure.
 * @since 1.0
 */
typedef struct gwr_allocator {
  size_t struct_size;
  void *(*malloc)(void *ctx, size_t size);
  void (*free)(void *ctx, void *ptr);
  void *ctx;
} gwr_allocator;

#define GWR_ALLOCATOR_INIT {sizeof(gwr_allocator), NULL, NULL, NULL}

/* ===================================================================== */
/* 5. Config                                                             */
/* ===================================================================== */

/** A mutable set of Kubernetes objects. One thread at a time. @since 1.0 */
typedef struct gwr_config gwr_config;

/**
 * Create an empty config.
 * @param out    receives the config; set to NULL on failure.
 * @param alloc  memory hooks (copied), or NULL for libc.
 * @return GWR_OK, GWR_E_INVALID (out NULL or bad alloc), GWR_E_NOMEM.
 * @since 1.0
 */
GWR_API int gwr_config_new(gwr_config **out, const gwr_allocator *alloc);

/** Free a config and everything loaded into it. NULL is ignored. @since 1.0 */
GWR_API void gwr_config_free(gwr_config *cfg);

/**
 * Load Kubernetes objects from text: multi-document YAML, one JSON object,
 * a JSON `List` (kubectl get -o json) or a JSON array. The text is copied.
 *
 * Objects of kinds GatewayClass, Gateway, HTTPRoute, ReferenceGrant (v1 and
 * v1beta1), Service, Secret and Namespace are kept; other kinds are counted
 * (gwr_config_count(GWR_COUNT_SKIPPED)) and ignored.
 *
 * A syntax error (or a YAML alias bomb) rejects the whole text: the call
 * returns GWR_E_PARSE and err carries file:line:column; nothing of that text
 * is kept. An object that parses but breaks the schema (wrong type, missing
 * field, bad value) is rejected alone: the call still returns GWR_OK and
 * the problem is listed by gwr_config_problem() and in the status report.
 *
 * @param source  a name for messages (e.g. a file name); may be NULL.
 * @return GWR_OK, GWR_E_INVALID, GWR_E_PARSE, GWR_E_LIMIT, GWR_E_NOMEM.
 * @since 1.0
 */
GWR_API int gwr_config_load(gwr_config *cfg, const char *text, size_t text_len,
                            const char *source, size_t source_len,
                            gwr_error *err);

/**
 * Load a file, or every *.yaml, *.yml and *.json file of a folder (sorted by
 * name, not recursive). Each file is loaded as by gwr_config_load(); a file
 * that fails is reported (err holds the first failure, the return value is
 * that failure's code) and the other files still load.
 * @since 1.0
 */
GWR_API int gwr_config_load_path(gwr_config *cfg, const char *path,
                                 size_t path_len, gwr_error *err);

/** Counters for gwr_config_count(). @since 1.0 */
enum gwr_count {
  GWR_COUNT_OBJECTS = 1,  /* objects kept */
  GWR_COUNT_SKIPPED = 2,  /* objects of kinds gwroute does not read */
  GWR_COUNT_PROBLEMS = 3, /* objects rejected (see gwr_config_problem) */
  GWR_COUNT_REPLACED = 4, /* objects replaced by a later one of the same kind,
                             namespace and name (the last one wins) */
  GWR_COUNT_INGRESSES = 5 /* networking.k8s.io/v1 Ingress objects kept (@since 1.1) */
};

/** One of enum gwr_count, or 0 for an unknown counter or NULL cfg. @since 1.0 */
GWR_API size_t gwr_config_count(const gwr_config *cfg, int32_t which);

/**
 * The index-th rejected object (0-based, in load order), copied into out.
 * @return GWR_OK, GWR_E_INVALID, GWR_E_NOTFOUND (index too large).
 * @since 1.0
 */
GWR_API int gwr_config_problem(const gwr_config *cfg, size_t index,
                               gwr_error *out);

/** Keys for gwr_config_set_option(). @since 1.0 */
enum gwr_option {
  /* Where RegularExpression paths rank (digest 3.3):
   * GWR_REGEX_ORDER_ENVOY (default): Exact > RegularExpression > PathPrefix;
   * GWR_REGEX_ORDER_ISTIO: Exact > PathPrefix > RegularExpression. */
  GWR_OPT_REGEX_ORDER = 1,
  /* PCRE2 match limit per regex evaluation (default 10000). A request that
   * exhausts it is treated as not matching that predicate. */
  GWR_OPT_REGEX_MATCH_LIMIT = 2,
  /* Largest regex pattern accepted, in bytes (default 1024). */
  GWR_OPT_REGEX_MAX_LENGTH = 3,
  /* Status for a rule whose backend weights are all zero (default 500). */
  GWR_OPT_ALL_ZERO_WEIGHT_STATUS = 4,
  /* Most objects one config holds (default 100000). */
  GWR_OPT_MAX_OBJECTS = 5,
  /* Most bytes of one request header value sequence joined with ',' for a
   * header match (default 8192); longer values never match. */
  GWR_OPT_MAX_HEADER_BYTES = 6,
  /* Request path normalisation before matching:
   * GWR_PATH_NORMALIZE_NONE: match the raw path;
   * GWR_PATH_NORMALIZE_DOT_SEGMENTS (default): remove "." and ".." segments
   * (RFC 3986 5.2.4) before matching; the upstream path is the normalised
   * one. */
  GWR_OPT_PATH_NORMALIZE = 7,
  /* Most aliases a YAML text may expand (default 1000). */
  GWR_OPT_MAX_YAML_ALIASES = 8,
  /* Digest G6: an HTTPRoute and a GRPCRoute whose hostnames intersect on
   * one listener: 1 (default) accepts only the older one there; 0 keeps
   * both (gRPC requests try GRPCRoutes first, then HTTPRoutes). @since 1.0 */
  GWR_OPT_GRPC_HOSTNAME_CONFLICTS = 9,
  /* Largest text one gwr_config_load() reads, in bytes (default 64 MiB;
   * larger: GWR_E_LIMIT, nothing of it is loaded). @since 1.0 */
  GWR_OPT_MAX_DOCUMENT_BYTES = 10,
  /* Deepest nesting of mappings and sequences in a text (default 256). @since 1.0 */
  GWR_OPT_MAX_DEPTH = 11,
  /* Longest scalar (string) in a text, in bytes (default 1 MiB). @since 1.0 */
  GWR_OPT_MAX_STRING_BYTES = 12,
  /* Heap a regex evaluation may use when PCRE2 cannot JIT it, in KiB
   * (default 1024); exhausting it is "no match". @since 1.0 */
  GWR_OPT_REGEX_HEAP_LIMIT = 13
};

#define GWR_REGEX_ORDER_ENVOY 0
#define GWR_REGEX_ORDER_ISTIO 1
#define GWR_PATH_NORMALIZE_NONE 0
#define GWR_PATH_NORMALIZE_DOT_SEGMENTS 1

/**
 * Set an option; it applies to tables compiled afterwards.
 * @return GWR_OK, GWR_E_INVALID (unknown key, value out of range).
 * @since 1.0
 */
GWR_API int gwr_config_set_option(gwr_config *cfg, int32_t option,
                                  int64_t value);

/**
 * The controller name this library acts as. Only GatewayClasses whose
 * spec.controllerName equals it are ours. Unset (the default) or empty:
 * every GatewayClass is ours.
 * @since 1.0
 */
GWR_API int gwr_config_set_controller(gwr_config *cfg, const char *name,
                                      size_t name_len);

/* ===================================================================== */
/* 6. Builder                                                            */
/* ===================================================================== */

/**
 * Builds one Kubernetes object field by field, for hosts that do not speak
 * YAML. Fields are named by path: "kind", "metadata.name",
 * "spec.rules[0].matches[0].path.value". Array indexes must grow one at a
 * time (an index may be the current length, which appends). The object is
 * read by exactly the same code as YAML, so every rule and error is the
 * same. @since 1.0
 */
typedef struct gwr_builder gwr_builder;

/** Start an empty object for cfg. @since 1.0 */
GWR_API int gwr_builder_new(gwr_builder **out, gwr_config *cfg);

/** Free a builder that was not committed. NULL is ignored. @since 1.0 */
GWR_API void gwr_builder_free(gwr_builder *b);

/**
 * Set a string, integer or boolean field.
 * @return GWR_OK; GWR_E_INVALID for a bad path, or a path that contradicts
 *         an earlier one (a field under a string, an index skipped).
 * @since 1.0
 */
GWR_API int gwr_builder_set_string(gwr_builder *b, const char *path,
                                   size_t path_len, const char *value,
                                   size_t value_len);
GWR_API int gwr_builder_set_int(gwr_builder *b, const char *path,
                                size_t path_len, int64_t value);
GWR_API int gwr_builder_set_bool(gwr_builder *b, const char *path,
                                 size_t path_len, int32_t value);

/**
 * Hand the object to its config and free the builder (whatever the
 * result). Returns GWR_OK when the object was kept, GWR_E_SCHEMA when it was
 * rejected (err says why, and it is listed as a config problem).
 * @since 1.0
 */
GWR_API int gwr_builder_commit(gwr_builder *b, gwr_error *err);

/* ===================================================================== */
/* 7. Table                                                              */
/* ===================================================================== */

/** A compiled, immutable, reference-counted routing table. @since 1.0 */
typedef struct gwr_table gwr_table;

/**
 * Attach and compile the config into a table with one reference. The config
 * is only read and may be freed or changed afterwards. Invalid routes and
 * listeners do not fail the call: they are in the status report.
 * @return GWR_OK, GWR_E_INVALID, GWR_E_NOMEM, GWR_E_LIMIT.
 * @since 1.0
 */
GWR_API int gwr_table_compile(gwr_table **out, const gwr_config *cfg,
                              gwr_error *err);

/** Take one more reference; returns t. Thread-safe. @since 1.0 */
GWR_API gwr_table *gwr_table_ref(gwr_table *t);

/** Drop one reference; the last one frees. NULL is ignored. @since 1.0 */
GWR_API void gwr_table_unref(gwr_table *t);

/**
 * The status report as JSON (DESIGN.md "Status": routes, gateways,
 * listenersets, rejected), written into buf with a terminating NUL.
 * Rendered on each call without allocating; the same table always gives
 * the same text.
 * @param needed  receives the length without the NUL; may be NULL.
 * @return GWR_OK, or GWR_E_RANGE when cap is too small (buf may be NULL
 *         with cap 0 to ask the size; otherwise its contents are then
 *         unspecified), GWR_E_INVALID.
 * @since 1.0
 */
GWR_API int gwr_table_status_json(const gwr_table *t, char *buf, size_t cap,
                                  size_t *needed);

/* ===================================================================== */
/* 8. Request                                                            */
/* ===================================================================== */

/** A borrowed string: ptr need not be NUL-terminated; ptr may be NULL when len is 0. */
typedef struct gwr_str {
  const char *ptr;
  size_t len;
} gwr_str;

/** One request header. Names compare case-insensitively. */
typedef struct gwr_header {
  gwr_str name;
  gwr_str value;
} gwr_header;

#define GWR_PROTOCOL_HTTP 0
#define GWR_PROTOCOL_GRPC 1
#define GWR_PROTOCOL_TLS 2
#define GWR_PROTOCOL_TCP 3
#define GWR_PROTOCOL_UDP 4

/**
 * One request, filled by the caller and read only during gwr_match().
 * gateway: "namespace/name"; empty when the table has exactly one Gateway.
 * port: the listener port the request arrived on (0 = 80 for http, 443 for
 * https). scheme: "http" or "https" (empty = http). sni: the TLS server
 * name, empty without TLS. host: Host / :authority, port allowed. path: the
 * request target, query included. key: when non-empty, the weighted backend
 * choice hashes it (XXH3), so equal keys choose equal backends; otherwise
 * the choice is taken from `choice` (any uniformly random 64-bit value).
 * @since 1.0
 */
typedef struct gwr_request {
  size_t struct_size;
  gwr_str gateway;
  uint32_t port;
  int32_t protocol;
  gwr_str sni;
  gwr_str method;
  gwr_str scheme;
  gwr_str host;
  gwr_str path;
  const gwr_header *headers;
  size_t header_count;
  gwr_str key;
  uint64_t choice;
} gwr_request;

#define GWR_REQUEST_INIT                                                    \
  {sizeof(gwr_request), {NULL, 0}, 0, 0, {NULL, 0}, {NULL, 0}, {NULL, 0}, \
   {NULL, 0}, {NULL, 0}, NULL, 0, {NULL, 0}, 0}

/* ===================================================================== */
/* 9. Match and decision                                                 */
/* ===================================================================== */

/** Per-thread (or per-request) result and scratch of gwr_match(). @since 1.0 */
typedef struct gwr_decision gwr_decision;

/**
 * Create a decision sized for tables compiled from the same limits as t.
 * @since 1.0
 */
GWR_API int gwr_decision_new(gwr_decision **out, const gwr_table *t);

/** Free a decision. NULL is ignored. @since 1.0 */
GWR_API void gwr_decision_free(gwr_decision *d);

/**
 * Route one request. Never allocates, never locks; any number of threads may
 * match on one table, each with its own decision.
 * The decision then points into t and into req's buffers: read it while
 * both are alive and before the next gwr_match() on d.
 * @return GWR_OK (see gwr_decision_action), GWR_E_INVALID (NULL argument,
 *         bad struct_size), GWR_E_NOTFOUND (no such gateway),
 *         GWR_E_LIMIT (d was made for a table with smaller limits).
 * @since 1.0
 */
GWR_API int gwr_match(gwr_decision *d, const gwr_table *t,
                      const gwr_request *req);

#define GWR_ACTION_NONE 0     /* no match has run */
#define GWR_ACTION_FORWARD 1  /* send to the backend */
#define GWR_ACTION_REDIRECT 2 /* answer with a redirect */
#define GWR_ACTION_RESPOND 3  /* answer with GWR_DI_STATUS (404, 500, ...) */
#define GWR_ACTION_REJECT 4   /* refuse a TLS/TCP/UDP connection */
/* A forward may also carry header operations, mirrors, ExtensionRefs,
 * timeouts, retry and session persistence for the host to carry out; a
 * redirect carries GWR_DS_LOCATION and the Location header in
 * GWR_DL_RESPONSE_HEADERS; a CORS preflight is a respond (204) whose
 * GWR_DL_RESPONSE_HEADERS are the access-control-* headers. */

/** The decision's action (GWR_ACTION_*). @since 1.0 */
GWR_API int32_t gwr_decision_action(const gwr_decision *d);

/** Integer fields of a decision, for gwr_decision_int(). @since 1.0 */
enum gwr_decision_int_field {
  GWR_DI_STATUS = 1,       /* HTTP status of a respond/redirect, else 0 */
  GWR_DI_ROUTE_RULE = 2,   /* index of the matched rule, -1 if none */
  GWR_DI_ROUTE_MATCH = 3,  /* index of the matched match, -1 if none */
  GWR_DI_BACKEND_PORT = 4, /* port of the chosen backend, 0 if none */
  GWR_DI_GRPC_STATUS = 5,  /* gRPC status of a gRPC respond, -1 if none */
  GWR_DI_HAS_ROUTE = 6,    /* 1 when a route matched */
  GWR_DI_HAS_BACKEND = 7,  /* 1 when a backend was chosen */
  GWR_DI_TIMEOUT_REQUEST_MS = 8, /* rule timeouts.request in ms, -1 unset, 0 disabled */
  GWR_DI_TIMEOUT_BACKEND_MS = 9, /* rule timeouts.backendRequest in ms, -1 unset */
  GWR_DI_HAS_RETRY = 10,         /* 1 when the rule has a retry policy */
  GWR_DI_RETRY_ATTEMPTS = 11,    /* retries after the first try, -1 unset */
  GWR_DI_RETRY_BACKOFF_MS = 12,  /* minimum wait before a retry, -1 unset */
  GWR_DI_HAS_SESSION = 13,       /* 1 when the rule has sessionPersistence */
  GWR_DI_SESSION_ABSOLUTE_MS = 14, /* sessionPersistence.absoluteTimeout, -1 unset */
  GWR_DI_SESSION_IDLE_MS = 15      /* idleTimeout (v1.5/v1.6.1 spelling), -1 unset */
};

/** An integer field (enum gwr_decision_int_field); 0 for unknown fields. @since 1.0 */
GWR_API int64_t gwr_decision_int(const gwr_decision *d, int32_t field);

/** String fields of a decision, for gwr_decision_str(). @since 1.0 */
enum gwr_decision_str_field {
  GWR_DS_LISTENER = 1,         /* "namespace/gateway/listener" */
  GWR_DS_ROUTE_KIND = 2,       /* "HTTPRoute" */
  GWR_DS_ROUTE_NAMESPACE = 3,
  GWR_DS_ROUTE_NAME = 4,
  GWR_DS_BACKEND_GROUP = 5,
  GWR_DS_BACKEND_KIND = 6,
  GWR_DS_BACKEND_NAMESPACE = 7,
  GWR_DS_BACKEND_NAME = 8,
  GWR_DS_REASON = 9,           /* why a respond/reject happened */
  GWR_DS_LOCATION = 10,        /* redirect target */
  GWR_DS_UPSTREAM_METHOD = 11, /* the request as the backend receives it */
  GWR_DS_UPSTREAM_SCHEME = 12,
  GWR_DS_UPSTREAM_HOST = 13,   /* after URLRewrite.hostname */
  GWR_DS_UPSTREAM_PATH = 14,   /* after URLRewrite.path, query kept */
  GWR_DS_TIMEOUT_REQUEST = 15, /* durations as written in the route ("10s") */
  GWR_DS_TIMEOUT_BACKEND = 16,
  GWR_DS_RETRY_BACKOFF = 17,
  GWR_DS_SESSION_TYPE = 18,    /* "Cookie" or "Header" */
  GWR_DS_SESSION_NAME = 19,    /* cookie or header name (or sessionName) */
  GWR_DS_SESSION_COOKIE_PATH = 20,
  GWR_DS_SESSION_LIFETIME = 21,  /* "Session" or "Permanent" */
  GWR_DS_SESSION_ABSOLUTE_TIMEOUT = 22,
  GWR_DS_SESSION_IDLE_TIMEOUT = 23
};

/**
 * A string field (enum gwr_decision_str_field) as a view valid until the
 * next gwr_match() on d (and while the table and request live). An unset
 * field is an empty view.
 * @return GWR_OK, GWR_E_INVALID (NULL argument or unknown field).
 * @since 1.0
 */
GWR_API int gwr_decision_str(const gwr_decision *d, int32_t field,
                             gwr_str *out);

/** Header lists of a decision. @since 1.0 */
enum gwr_decision_header_list {
  GWR_DH_UPSTREAM = 1 /* request headers as the backend receives them */
};

/**
 * Copy a string field (enum gwr_decision_str_field) into buf with a NUL.
 * @param needed receives the length without the NUL; may be NULL.
 * @return GWR_OK, GWR_E_RANGE (cap too small; buf untouched), GWR_E_INVALID.
 * @since 1.0
 */
GWR_API int gwr_decision_copy(const gwr_decision *d, int32_t field, char *buf,
                              size_t cap, size_t *needed);

/** Lists of a decision, for gwr_decision_list_*(). @since 1.0 */
enum gwr_decision_list {
  GWR_DL_UPSTREAM_HEADERS = 1,    /* request headers after every request filter
                                     (untouched ones first, in order, then
                                     set/added ones): NAME, VALUE */
  GWR_DL_REQUEST_HEADER_OPS = 2,  /* ordered header operations for the request:
                                     OP, NAME, VALUE (empty for remove) */
  GWR_DL_RESPONSE_HEADER_OPS = 3, /* ordered header operations for the response
                                     (ResponseHeaderModifier, CORS): OP, NAME, VALUE */
  GWR_DL_RESPONSE_HEADERS = 4,    /* headers of the engine's own answer to a
                                     redirect or respond (Location, CORS preflight) */
  GWR_DL_MIRRORS = 5,             /* backends receiving a copy of this request,
                                     after sampling: GROUP, KIND, NAMESPACE, NAME, PORT */
  GWR_DL_EXTENSION_REFS = 6,      /* ExtensionRef filters in order: GROUP, KIND, NAME */
  GWR_DL_RETRY_CODES = 7          /* retry.codes: CODE */
};

/** Fields of a list item. @since 1.0 */
enum gwr_decision_item_field {
  GWR_IF_NAME = 1,
  GWR_IF_VALUE = 2,
  GWR_IF_OP = 3,        /* GWR_HEADER_OP_* (integer) */
  GWR_IF_GROUP = 4,
  GWR_IF_KIND = 5,
  GWR_IF_NAMESPACE = 6,
  GWR_IF_PORT = 7,      /* integer */
  GWR_IF_CODE = 8       /* integer */
};

#define GWR_HEADER_OP_SET 1    /* replace every value of the header (any case) */
#define GWR_HEADER_OP_ADD 2    /* append one more value (a new header line) */
#define GWR_HEADER_OP_REMOVE 3 /* delete every occurrence (any case) */

/** Number of items in a list (enum gwr_decision_list); 0 for unknown lists. @since 1.0 */
GWR_API size_t gwr_decision_list_count(const gwr_decision *d, int32_t list);

/**
 * A string field of a list item, as a view with gwr_decision_str's lifetime.
 * @return GWR_OK, GWR_E_INVALID (unknown list/field), GWR_E_NOTFOUND (index).
 * @since 1.0
 */
GWR_API int gwr_decision_list_str(const gwr_decision *d, int32_t list,
                                  size_t index, int32_t field, gwr_str *out);

/** An integer field of a list item; 0 when unknown. @since 1.0 */
GWR_API int64_t gwr_decision_list_int(const gwr_decision *d, int32_t list,
                                      size_t index, int32_t field);

/**
 * Apply the decision's request (GWR_DL_REQUEST_HEADER_OPS) or response
 * (GWR_DL_RESPONSE_HEADER_OPS) header operations to the host's header views
 * `in`, writing the resulting views into `out` (no allocation: the views
 * point into `in` and into the table). Untouched headers keep their order;
 * set and added headers follow.
 * @param out_count receives the number of headers written, or needed when
 *        GWR_E_RANGE is returned.
 * @return GWR_OK, GWR_E_RANGE (out_cap too small), GWR_E_INVALID.
 * @since 1.0
 */
GWR_API int gwr_headers_apply(const gwr_decision *d, int32_t list,
                              const gwr_header *in, size_t in_count,
                              gwr_header *out, size_t out_cap,
                              size_t *out_count);

/** Number of headers in a list; 0 for an unknown list. @since 1.0 */
GWR_API size_t gwr_decision_header_count(const gwr_decision *d, int32_t list);

/**
 * The index-th header of a list, as views with gwr_decision_str's lifetime.
 * @return GWR_OK, GWR_E_INVALID, GWR_E_NOTFOUND (index too large).
 * @since 1.0
 */
GWR_API int gwr_decision_header(const gwr_decision *d, int32_t list,
                                size_t index, gwr_header *out);

/* ===================================================================== */
/* 11. Tooling: explain, check, lint, diff, convert (@since 1.1)          */
/* ===================================================================== */
/*
 * Offline questions about a table, answered as reports: owned,
 * NUL-terminated strings (human text, or one JSON document) that the
 * caller frees with gwr_report_free(). None of these is on the lookup
 * path: they allocate freely and may take time proportional to the
 * configuration, never to anything a request controls beyond its size.
 */

#define GWR_FORMAT_TEXT 0 /* human-readable text */
#define GWR_FORMAT_JSON 1 /* one JSON document */

/** Free a report returned by any function of this section. NULL is ignored. @since 1.1 */
GWR_API void gwr_report_free(char *report);

/**
 * Explain how t routes req: the listener chosen and why, every hostname
 * bucket tried, every candidate match entry in precedence order with the
 * condition that failed, the precedence key and tie-break of the winner,
 * the filters and the backend choice; for a 404, the nearest misses. The
 * verdict is gwr_match()'s own. *out receives the report.
 * @return GWR_OK, GWR_E_INVALID, GWR_E_NOMEM, GWR_E_NOTFOUND (no such gateway).
 * @since 1.1
 */
GWR_API int gwr_explain(const gwr_table *t, const gwr_request *req,
                        int32_t format, char **out);

/** Flags of gwr_check(). @since 1.1 */
#define GWR_CHECK_JSON 1     /* the report as JSON (else text) */
#define GWR_CHECK_COVERAGE 2 /* list every rule and match no test exercised */
#define GWR_CHECK_EXPLAIN 4  /* explain each failing test in the report */

/** The totals of one gwr_check() run. Set struct_size before the call. @since 1.1 */
typedef struct gwr_check_summary {
  size_t struct_size;
  uint32_t tests;         /* tests run */
  uint32_t failed;        /* tests whose expectations did not hold */
  uint32_t rules;         /* route rules a request can reach */
  uint32_t rules_hit;     /* of those, rules some test was routed by */
  uint32_t matches;       /* match entries (rule x match) */
  uint32_t matches_hit;   /* of those, matches some test was routed by */
  uint32_t coverage_permille; /* matches_hit * 1000 / matches (1000 when 0) */
} gwr_check_summary;

/**
 * Run route tests against t. tests is a YAML or JSON document: a list, or
 * a mapping with a `tests` list, of {name, request: {...}, expect: {...}}
 * (docs/check.md). *report (may be NULL) receives the report; *summary
 * (may be NULL) the totals. A test file that cannot be read is GWR_E_PARSE
 * or GWR_E_SCHEMA with the place in err; failing tests are not an error.
 * @since 1.1
 */
GWR_API int gwr_check(const gwr_table *t, const char *tests, size_t tests_len,
                      int32_t flags, char **report, gwr_check_summary *summary,
                      gwr_error *err);

/**
 * Shadowing and conflict analysis of t: rules that can never match, rules
 * partially shadowed by an equally specific rule, HTTPRoute/GRPCRoute
 * hostname conflicts, hostnames claimed across namespaces, backends with
 * weight 0 everywhere. Each finding names objects and field paths and
 * carries an example request. *findings (may be NULL) receives the count.
 * @since 1.1
 */
GWR_API int gwr_lint(const gwr_table *t, int32_t format, char **report,
                     size_t *findings);

/**
 * Compare how two tables route: requests generated from both sides' match
 * entries and their edge cases are routed by both, and every request whose
 * outcome differs (action, status, backend, rewritten path or host,
 * redirect location, header operations) is reported with both
 * explanations. *differences (may be NULL) receives the count.
 * @since 1.1
 */
GWR_API int gwr_diff(const gwr_table *old_table, const gwr_table *new_table,
                     int32_t format, char **report, size_t *differences);

/**
 * Write the Gateway API objects equivalent to cfg's networking.k8s.io/v1
 * Ingress objects (with their ingress-nginx annotations) as YAML into *yaml,
 * and what could not be converted exactly, one line each, into *notes
 * (may be NULL); *note_count (may be NULL) receives their number.
 * @since 1.1
 */
GWR_API int gwr_config_convert(const gwr_config *cfg, char **yaml,
                               char **notes, size_t *note_count);

/* ===================================================================== */
/* 10. Threads and table swapping                                         */
/* ===================================================================== */
/*
 * 1. A gwr_config (and a gwr_builder) is used by one thread at a time.
 * 2. A gwr_table never changes after gwr_table_compile(), so any number of
 *    threads may call gwr_match() on it at once. Each holder keeps a
 *    reference; the last gwr_table_unref() frees it.
 * 3. A gwr_decision belongs to one thread, or one in-flight request, at a
 *    time.
 * 4. There is no global state and no init function.
 *
 * A safe swap: the host keeps `_Atomic(gwr_table *) current` and a lock (or
 * RCU) around taking a reference:
 *     lock; t = gwr_table_ref(current); unlock;  match with t;  gwr_table_unref(t);
 * and to publish a new table:
 *     lock; old = current; current = fresh; unlock;  gwr_table_unref(old);
 * Workers that still hold `old` finish with it; the last one frees it.
 */

#ifdef __cplusplus
}
#endif

#endif /* GWROUTE_H */
