/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench.h - the gwroute benchmark's shared declarations: the fixed-seed
 * generator of configurations and request streams (gen.c), the baselines
 * (baselines.c: an Envoy-style first-match matcher and a host+path hash
 * "floor"; r3base.c: the optional r3 path router), and small helpers.
 * Nothing here is library API.
 */
#ifndef GWR_BENCH_H
#define GWR_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "attach.h"
#include "gwroute.h"

/* ---- PRNG (splitmix64) and a growable text buffer ----------------------- */

typedef struct bench_rng {
  uint64_t s;
} bench_rng;

uint64_t rng_next(bench_rng *r);
uint32_t rng_below(bench_rng *r, uint32_t n); /* uniform in [0, n) */
int rng_pct(bench_rng *r, unsigned pct);      /* 1 with probability pct % */

typedef struct sbuf {
  char *p;
  size_t len, cap;
} sbuf;

void sb_printf(sbuf *b, const char *fmt, ...) GWR_PRINTF(2, 3);
void sb_free(sbuf *b);

/* A bump allocator for many small strings and arrays, freed at once. */
typedef struct spool_chunk spool_chunk;
typedef struct spool {
  spool_chunk *head;
} spool;

void *sp_alloc(spool *p, size_t n); /* 16-aligned, zeroed; aborts on failure */
char *sp_printf(spool *p, const char *fmt, ...) GWR_PRINTF(2, 3);
void sp_free(spool *p);

void *xcalloc(size_t n, size_t size); /* calloc or abort */
double now_ns(void);                    /* CLOCK_MONOTONIC in ns */

/* ---- the generated model ---------------------------------------------------- */

enum { GEN_PREFIX = 0, GEN_EXACT = 1, GEN_REGEX = 2 };
enum { GEN_HOST_NONE = 0, GEN_HOST_EXACT = 1, GEN_HOST_WILD = 2 };

typedef struct gen_match {
  int type;                     /* GEN_PREFIX / GEN_EXACT / GEN_REGEX */
  const char *path;             /* value as written */
  const char *method;           /* NULL = any */
  const char *hname, *hvalue;   /* one header condition, or NULL */
  const char *qname, *qvalue;   /* one query condition, or NULL */
  unsigned re_svc, re_res, re_variant; /* how to instantiate a regex path */
} gen_match;

typedef struct gen_rule {
  gen_match m[2];
  int match_count;
  int backend_count;
  uint32_t route;
} gen_rule;

typedef struct gen_route {
  const char *ns, *name;
  int host_kind;                /* GEN_HOST_* */
  const char *hosts[2];         /* exact hostnames, or the wildcard */
  int host_count;
  unsigned zone;                /* for GEN_HOST_WILD */
  uint32_t first_rule, rule_count;
  size_t yaml_off, yaml_len;    /* this route's document in the YAML text */
} gen_route;

typedef struct gen_workload {
  int simple;                   /* exact hosts, Exact/PathPrefix, no conditions */
  size_t n_rules;
  gen_rule *rules;
  gen_route *routes;
  size_t route_count;
  const char **host_pool;
  size_t host_pool_n;
  unsigned zones, services;
  sbuf yaml;
  spool strings;
} gen_workload;

void gen_workload_make(gen_workload *w, int simple, size_t n_rules, uint64_t seed);
void gen_workload_free(gen_workload *w);
/* The route called ns/name, or NULL. */
const gen_route *gen_find_route(const gen_workload *w, gwr_str ns, gwr_str name);

/* ---- request streams ----------------------------------------------------------- */

typedef struct stream {
  gwr_request *reqs;
  int32_t *target;              /* rule each request was made from, -1 = a miss */
  size_t n;
  const char *name;             /* "uniform" / "zipf" */
  spool strings;
} stream;

void stream_make(stream *s, const gen_workload *w, int zipf, size_t count, uint64_t seed);
void stream_free(stream *s);

/* ---- baselines ---------------------------------------------------------------------- */

/* A string -> uint32 open-addressing map (XXH3), keys borrowed. */
typedef struct smap_slot {
  uint64_t h;
  const char *k;
  uint32_t klen;
  uint32_t v;                   /* UINT32_MAX = empty */
} smap_slot;

typedef struct smap {
  smap_slot *s;
  uint32_t mask, n;
} smap;

void smap_init(smap *m, size_t n);
/* 1 inserted; 0 present (*existing set when not NULL) */
int smap_put(smap *m, const char *k, size_t len, uint32_t v, uint32_t *existing);
uint32_t smap_get(const smap *m, const char *k, size_t len);
void smap_free(smap *m);

/* Host normalisation shared by the baselines: port and one trailing dot
 * dropped, lowercased into buf (>= 256 bytes); 0 when longer than 253. */
int bench_host(const gwr_request *req, char *buf, size_t *len);

/* Envoy-style: host -> exact hash table, wildcard suffix table, catch-all
 * list; each list sorted by the engine's precedence key; first match wins. */
typedef struct env_matcher env_matcher;

typedef struct env_hit {
  uint32_t route, rule, match;  /* route: index into att->routes */
  int backend;                  /* index into the rule's backends, -1 none */
} env_hit;

env_matcher *env_build(const gwr__attach *att);
/* 1 with *hit filled when a rule matched, 0 otherwise (a 404). */
int env_match(env_matcher *m, const gwr_request *req, env_hit *hit);
void env_free(env_matcher *m);
size_t env_bytes(const env_matcher *m); /* memory it holds (arrays, maps) */
size_t env_entries(const env_matcher *m);
/* Each exact host's sorted candidates, for the r3 baseline: calls
 * fn(ctx, host, hlen, path, plen, type GEN_*, route, rule, match) per
 * entry, hosts in table order, entries in precedence order. */
typedef void (*env_visit_fn)(void *ctx, const char *host, size_t hlen, const char *path,
                             size_t plen, int type, uint32_t route, uint32_t rule,
                             uint32_t match);
void env_visit_exact(const env_matcher *m, env_visit_fn fn, void *ctx);

/* The floor: one hash table keyed by host+path of the stream's own pairs. */
typedef struct floor_map floor_map;
floor_map *floor_build(const gwr_request *reqs, size_t n);
uint32_t floor_lookup(const floor_map *f, const gwr_request *req);
void floor_free(floor_map *f);

/* ---- r3 (r3base.c; a stub when r3 was not found) -------------------------------------- */

typedef struct r3b r3b;

int r3b_available(void);
r3b *r3b_new(void);
/* Add one entry for host (entries of a host in precedence order). */
void r3b_add(r3b *b, const char *host, size_t hlen, const char *path, size_t plen, int exact,
             uint32_t value);
int r3b_compile(r3b *b); /* 0 on success */
/* The value of the matched entry, UINT32_MAX when none. */
uint32_t r3b_match(const r3b *b, const gwr_request *req);
void r3b_free(r3b *b);

/* ---- the callgrind loop (bench.c), external so valgrind can name it ------------------ */

struct cg_run;
uint64_t bench_callgrind_loop(const struct cg_run *r, const gwr_request *reqs, size_t n,
                              size_t count);

#endif
