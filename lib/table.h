/* SPDX-License-Identifier: Apache-2.0 */
/*
 * table.h - the compiled decision trie (stage 4's output, stage 5's input).
 *
 * Per Gateway: its listeners. Per listener: a hostname index (exact map,
 * wildcard-suffix map, catch-all bucket) whose buckets each hold a path
 * trie (segment-keyed nodes with an Exact, a PathPrefix and a regex list;
 * a regex hangs on the node of its literal directory prefix). Every list holds match entries pre-sorted by the full
 * precedence key of digest §3.1, as one rank number per listener, so a
 * lookup walks host labels and path segments and takes the lowest rank
 * whose residual predicates (method, headers, query, regex) pass.
 * Immutable after compile; shared by any number of threads.
 */
#ifndef GWR_TABLE_H
#define GWR_TABLE_H

#include "attach.h"
#include "hash.h"
#include "regex.h"

#define GWR_NONE UINT32_MAX

typedef struct gwr__pred {      /* a compiled header or query predicate */
  gwr__sv name;                 /* headers: as written, compared case-insensitively */
  gwr__sv value;                /* Exact value */
  gwr__regex *re;               /* RegularExpression, else NULL */
} gwr__pred;

/* One match entry of one rule on one host: only what a lookup reads, in
 * one cache line (the build-time sort keys live in compile.c). */
typedef struct gwr__entry {
  uint32_t rank;                /* position in the listener's precedence order */
  uint32_t route;               /* index into att.routes */
  uint32_t rule_id;             /* its gwr__trule: gwr__trule_at(table, rule_id) */
  uint16_t rule, match;
  uint8_t list;                 /* GWR_LIST_*: how the path is compared */
  uint8_t method;               /* GWR_METHOD_* code, 0 = any */
  uint8_t header_count, query_count; /* H6/H9: first entry per name only */
  gwr__sv path;                 /* Exact value, PathPrefix value without its trailing '/', or regex */
  gwr__regex *path_re;
  gwr__pred *headers, *queries;
} gwr__entry;


typedef struct gwr__list {
  uint32_t first, count;        /* range of the listener's `order` array */
} gwr__list;

enum { GWR_LIST_PREFIX = 0, GWR_LIST_EXACT = 1, GWR_LIST_REGEX = 2 };

/* A path trie node: PathPrefix entries ending here, Exact entries equal to
 * the path here, and regexes whose literal directory prefix ends here. */
typedef struct gwr__pnode {
  gwr__list lists[3];           /* indexed by GWR_LIST_* */
} gwr__pnode;

/* Buckets of at most this many entries are scanned linearly (their entries
 * are contiguous and in rank order: a few cache lines, no hashing); larger
 * ones walk the path trie. */
#define GWR_LINEAR_BUCKET 32

typedef struct gwr__bucket {
  uint32_t root;                /* node id of "/" (trie buckets) */
  uint32_t min_rank;            /* its best entry's rank */
  uint32_t first, count;        /* its entries: entries[first .. first+count) */
} gwr__bucket;

typedef struct gwr__tlistener {
  const gwr__att_listener *al;
  gwr__hmap exact_hosts;        /* "a.example.com" -> bucket */
  gwr__hmap wild_hosts;         /* ".example.com" (from "*.example.com") -> bucket */
  uint64_t wild_lengths;        /* bit (len % 64) set for every wildcard suffix length:
                                   host suffixes of other lengths are not probed */
  uint32_t any_bucket;          /* routes with no hostname restriction, or GWR_NONE */
  gwr__bucket *buckets;
  uint32_t bucket_count;
  gwr__pnode *nodes;
  uint32_t node_count;
  gwr__hmap children;           /* key: segment, seed: parent node id -> child node */
  gwr__entry *entries;          /* grouped by bucket, rank order inside */
  uint32_t entry_count;
  uint32_t *order;              /* entry indexes grouped by list, rank order inside */
} gwr__tlistener;

typedef struct gwr__hop {       /* one header operation (GWR_HEADER_OP_*) */
  int op;
  gwr__sv name, value;
} gwr__hop;

typedef struct gwr__tmirror {   /* a valid RequestMirror target and its sample rate */
  const gwr__att_backend *ab;
  uint64_t numerator, denominator;
  uint64_t seed;                /* independent sampling per mirror filter (F29) */
} gwr__tmirror;

/* One filter list (rule-level, or a backendRef's), compiled in list order. */
typedef struct gwr__tfilters {
  gwr__hop *req_ops, *resp_ops;
  uint32_t req_op_count, resp_op_count;
  const gwr__redirect *redirect;   /* RequestRedirect, or NULL */
  const gwr__rewrite *rewrite;     /* URLRewrite, or NULL */
  const gwr__cors *cors;           /* CORS, or NULL */
  gwr__sv cors_methods, cors_headers, cors_expose, cors_max_age; /* joined at compile time */
  gwr__tmirror *mirrors;
  uint32_t mirror_count;
  const gwr__objref **extensions;  /* ExtensionRef, in order */
  uint32_t extension_count;
} gwr__tfilters;

typedef struct gwr__tbackend {
  uint64_t cumulative;          /* running weight total through this backend */
  int valid;                    /* ab->valid, kept here: no pointer chase per request */
  const gwr__att_backend *ab;
  const gwr__tfilters *filters; /* backend-level filters (B13); never NULL */
} gwr__tbackend;

/* A rule with its backends inline: one record, usually one or two cache
 * lines, read once per forwarded request (records vary in size; see
 * gwr__trule_at). */
typedef struct gwr__trule {
  uint64_t total_weight;
  const gwr__rule *rule;        /* timeouts, retry, sessionPersistence */
  const gwr__tfilters *filters; /* rule-level filters; never NULL */
  uint32_t backend_count;
  uint32_t direct_status;       /* Ingress lowering: answer this status (0 = forward) */
  gwr__tbackend backends[];     /* backend_count of them */
} gwr__trule;

/* Records are 8-byte aligned; an entry's rule_id is a record's offset in
 * 8-byte units into the table's rule blob. */
#define gwr__trule_at(t, id) ((const gwr__trule *)((t)->rule_blob + (size_t)(id) * 8u))

typedef struct gwr__tgateway {
  const gwr__att_gateway *ag;
  const char *key;              /* "namespace/name" */
  uint32_t first_listener, listener_count;
} gwr__tgateway;

struct gwr_table {
  gwr__alloc alloc;
  size_t refs;                  /* atomic */
  gwr__store *store;            /* keeps the model objects alive */
  gwr__arena arena;
  gwr__options opt;
  gwr__attach att;
  gwr__regex_env *rx;
  gwr__vec regexes;             /* gwr__regex* to free */
  gwr__tgateway *gateways;
  uint32_t gateway_count;
  gwr__hmap gateway_index;      /* "ns/name" -> gateway */
  gwr__tlistener *listeners;    /* parallel to att.listeners: all routes but GRPCRoutes */
  gwr__tlistener *grpc;         /* parallel to att.listeners: GRPCRoutes (§3.2 ranks) */
  unsigned char *rule_blob;     /* gwr__trule records, rule by rule (8-byte aligned) */
};

int gwr__compile(gwr_table *t, const gwr_config *cfg);

/* filters.c: compile one filter list; mirrors are the rule's resolved ones.
 * An empty list shares one static, empty gwr__tfilters (no memory per rule). */
int gwr__filters_compile(const gwr__tfilters **out, gwr__arena *ar, const gwr__filter *fs,
                         size_t n, const gwr__att_rule *rule, uint64_t seed);

/* status.c: render the status JSON into buf (as much as fits in cap, NUL
 * when it all fits); returns its whole length. */
size_t gwr__status_render(const gwr__attach *att, char *buf, size_t cap);

#endif
