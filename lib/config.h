/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config.h - the gwr_config object shared by the load, validate and
 * compile stages: allocator, arena, the model and the options.
 */
#ifndef GWR_CONFIG_H
#define GWR_CONFIG_H

#include "doc.h"
#include "model.h"

typedef struct gwr__options {
  int regex_order;          /* GWR_REGEX_ORDER_* */
  uint32_t regex_match_limit;
  size_t regex_max_length;
  int all_zero_status;
  size_t max_objects;
  size_t max_header_bytes;
  int path_normalize;       /* GWR_PATH_NORMALIZE_* */
  size_t max_aliases;
  int grpc_conflicts;       /* G6 enforced (1) or not (0) */
  size_t max_document;      /* bytes of one loaded text */
  size_t max_depth;         /* nesting of one text */
  size_t max_string;        /* bytes of one scalar */
  uint32_t regex_heap_kib;  /* PCRE2 heap limit (interpreter only) */
} gwr__options;

/* The memory of loaded objects, shared by reference with every table
 * compiled from the config (objects are never changed once loaded), so a
 * table outlives its config without a deep copy. */
typedef struct gwr__store {
  gwr__alloc alloc;
  gwr__arena arena;
  size_t refs; /* atomic */
} gwr__store;

gwr__store *gwr__store_ref(gwr__store *s);
void gwr__store_unref(gwr__store *s);

struct gwr_config {
  gwr__alloc alloc;
  gwr__store *store;
  gwr__arena *arena; /* &store->arena */
  gwr__model model;
  gwr__options opt;
  gwr__sv controller;       /* empty: every GatewayClass is ours */
  size_t next_order;
  /* hashes of (kind, namespace, name) of kept objects, open addressing:
   * the duplicate check of load.c in O(1) instead of a scan */
  uint64_t *seen;
  size_t seen_cap, seen_count;
};

/* load.c: read every object of the document tree `root` into the model.
 * Never fails for object-level problems (they become config problems);
 * returns GWR_E_NOMEM or GWR_E_LIMIT only. */
int gwr__load_tree(gwr_config *cfg, const gwr__node *root, const char *source);

/* validate.c: schema, pattern, limit and CEL checks of one loaded object.
 * Return NULL when valid, else fill `field` (the path) and return the
 * message (arena memory). Rule-level unsupported values are recorded in the
 * rule (invalid_reason) and do not reject the object. */
const char *gwr__validate_gateway(gwr_config *cfg, gwr__gateway *gw, char *field, size_t cap);
const char *gwr__validate_gatewayclass(gwr_config *cfg, gwr__gatewayclass *gc, char *field, size_t cap);
const char *gwr__validate_route(gwr_config *cfg, gwr__route *r, char *field, size_t cap);
const char *gwr__validate_listenerset(gwr_config *cfg, gwr__listenerset *ls, char *field, size_t cap);
const char *gwr__validate_refgrant(gwr_config *cfg, gwr__refgrant *g, char *field, size_t cap);
const char *gwr__validate_service(gwr_config *cfg, gwr__service *s, char *field, size_t cap);
const char *gwr__validate_ingress(gwr_config *cfg, gwr__ingress *ing, char *field, size_t cap);
const char *gwr__validate_ingressclass(gwr_config *cfg, gwr__ingressclass *ic, char *field, size_t cap);

/* validate.c helpers shared with attach and match */
int gwr__valid_hostname(gwr__sv s, int allow_wildcard);
int gwr__valid_header_name(gwr__sv s);
int gwr__valid_method(gwr__sv m);
/* The method code of a request or match: 1..9 for the enum of H10, 0 for
 * none, GWR_METHOD_OTHER for anything else. */
#define GWR_METHOD_OTHER 255
uint8_t gwr__method_code(gwr__sv method);
int gwr__parse_duration(gwr__sv s, int64_t *ms);
const char *gwr__path_value_problem(gwr__sv p);

/* Record a rejected object in the problem list. */
int gwr__config_problem(gwr_config *cfg, const char *kind, gwr__sv ns,
                        gwr__sv name, const char *field, const char *message,
                        const char *source, uint32_t line, uint32_t column);

#endif
