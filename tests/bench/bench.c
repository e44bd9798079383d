/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench.c - the gwroute benchmark (not a test: run by hand or by run.sh).
 *
 * For each workload (full, simple) and size N (100, 1k, 10k, 100k rules)
 * it generates a configuration (gen.c), loads and compiles it with a
 * counting allocator, builds the reference matcher's attach data and the
 * baselines (baselines.c, r3base.c), then for each request stream
 * (uniform, zipf; 1<<16 requests made before timing):
 *   1. checks the engine against the reference on every request (a
 *      subsample of 2,000 at N = 100k), and against the Envoy-style matcher
 *      (and r3 on the simple workload) on every request, counting and
 *      printing disagreements;
 *   2. times one pass over the stream per matcher, interleaved, five times
 *      (three with --quick), and keeps the median.
 * One table with ns per lookup and ratios is printed at the end.
 *
 * Modes: --quick, --threads, --swap, --callgrind N, --n N (see README.md).
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "refmatch.h"

#define STREAM_LEN ((size_t)1 << 16)
#define BENCH_SEED 0x6777726f75746542ULL
#define REF_SUBSAMPLE 2000    /* requests checked against the reference at N = 100k */
#define REF_FULL_MAX 10000    /* up to this N the reference checks every request */
#define MAX_PRINTED 5         /* mismatches printed per kind and cell */

static volatile uint64_t sink; /* keeps timed loops from being optimised away */

/* ---- counting allocator ------------------------------------------------------------- */

typedef struct counter {
  _Atomic size_t alive;
} counter;

#define HDR 16 /* keeps the user pointer aligned for any type */

static void *count_malloc(void *ctx, size_t n) {
  counter *c = ctx;
  unsigned char *p = malloc(n + HDR);
  if (!p) return NULL;
  memcpy(p, &n, sizeof n);
  atomic_fetch_add_explicit(&c->alive, n, memory_order_relaxed);
  return p + HDR;
}

static void count_free(void *ctx, void *ptr) {
  counter *c = ctx;
  unsigned char *p;
  size_t n;
  if (!ptr) return;
  p = (unsigned char *)ptr - HDR;
  memcpy(&n, p, sizeof n);
  atomic_fetch_sub_explicit(&c->alive, n, memory_order_relaxed);
  free(p);
}

static size_t alive(counter *c) { return atomic_load_explicit(&c->alive, memory_order_relaxed); }

/* ---- small helpers ------------------------------------------------------------------- */

static int cmp_double(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return a < b ? -1 : a > b;
}

static double median(double *v, size_t n) {
  qsort(v, n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int sv_eq(gwr_str a, gwr_str b) {
  return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

/* The machine's load when a mode starts: other processes skew timings. */
static void print_load(const char *mode) {
  char buf[128] = "unknown";
  FILE *f = fopen("/proc/loadavg", "r");
  if (f) {
    if (!fgets(buf, sizeof buf, f)) strcpy(buf, "unknown\n");
    fclose(f);
  }
  fprintf(stderr, "%s: load average at start: %s", mode, buf);
}

static void fail(const char *what, int rc, const gwr_error *err) {
  fprintf(stderr, "bench: %s: %s (%s)\n", what, gwr_strerror(rc), err ? err->message : "");
  exit(1);
}

/* ---- one configuration and everything built from it ------------------------------------ */

typedef struct setup {
  gen_workload w;
  counter mem;
  gwr_allocator alloc;
  gwr_config *cfg;
  gwr_table *t;
  gwr_decision *d;
  int have_ref;
  gwr__alloc ref_alloc;
  gwr__arena ref_arena;
  gwr__attach att;
  env_matcher *env;
  r3b *r3;
  env_hit *r3_hits;             /* r3 value -> route/rule/match */
  size_t r3_hit_n, r3_hit_cap;
  double load_ms, compile_ms, load_compile_ms, env_ms, r3_ms;
  size_t cfg_bytes, table_bytes;
} setup;

enum { WITH_REF = 1, WITH_ENV = 2, WITH_R3 = 4 };

static void r3_visit(void *ctx, const char *host, size_t hlen, const char *path, size_t plen,
                     int type, uint32_t route, uint32_t rule, uint32_t match) {
  setup *s = ctx;
  if (type == GEN_REGEX) return; /* the simple workload has none */
  if (s->r3_hit_n == s->r3_hit_cap) {
    s->r3_hit_cap = s->r3_hit_cap ? s->r3_hit_cap * 2 : 1024;
    s->r3_hits = realloc(s->r3_hits, s->r3_hit_cap * sizeof *s->r3_hits);
    if (!s->r3_hits) abort();
  }
  s->r3_hits[s->r3_hit_n].route = route;
  s->r3_hits[s->r3_hit_n].rule = rule;
  s->r3_hits[s->r3_hit_n].match = match;
  s->r3_hits[s->r3_hit_n].backend = -1;
  r3b_add(s->r3, host, hlen, path, plen, type == GEN_EXACT, (uint32_t)s->r3_hit_n++);
}

static void print_problems(const gwr_config *cfg) {
  size_t i, n = gwr_config_count(cfg, GWR_COUNT_PROBLEMS);
  for (i = 0; i < n && i < 3; i++) {
    gwr_error e = GWR_ERROR_INIT;
    gwr_config_problem(cfg, i, &e);
    fprintf(stderr, "bench: rejected: %s\n", e.message);
  }
}

static uint64_t workload_seed(int simple, size_t n) {
  return BENCH_SEED ^ ((uint64_t)n * 0x9e3779b97f4a7c15ULL) ^ (uint64_t)simple;
}

static void setup_open(setup *s, int simple, size_t n, int compile_repeats, int with) {
  gwr_error err = GWR_ERROR_INIT;
  gwr_allocator init = GWR_ALLOCATOR_INIT;
  double t0, t1, t2, *samples;
  size_t before;
  int rc, k;
  memset(s, 0, sizeof *s);
  gen_workload_make(&s->w, simple, n, workload_seed(simple, n));
  s->alloc = init;
  s->alloc.malloc = count_malloc;
  s->alloc.free = count_free;
  s->alloc.ctx = &s->mem;
  t0 = now_ns();
  if ((rc = gwr_config_new(&s->cfg, &s->alloc)) != GWR_OK) fail("config", rc, NULL);
  if ((rc = gwr_config_load(s->cfg, s->w.yaml.p, s->w.yaml.len, "bench.yaml", 10, &err)) != GWR_OK)
    fail("load", rc, &err);
  t1 = now_ns();
  if (gwr_config_count(s->cfg, GWR_COUNT_PROBLEMS)) {
    print_problems(s->cfg);
    fail("load", GWR_E_SCHEMA, NULL);
  }
  s->cfg_bytes = alive(&s->mem);
  before = alive(&s->mem);
  if ((rc = gwr_table_compile(&s->t, s->cfg, &err)) != GWR_OK) fail("compile", rc, &err);
  t2 = now_ns();
  s->table_bytes = alive(&s->mem) - before;
  s->load_ms = (t1 - t0) / 1e6;
  s->load_compile_ms = (t2 - t0) / 1e6;
  samples = xcalloc((size_t)compile_repeats, sizeof *samples);
  samples[0] = (t2 - t1) / 1e6;
  for (k = 1; k < compile_repeats; k++) {
    gwr_table *t;
    double a = now_ns();
    if ((rc = gwr_table_compile(&t, s->cfg, &err)) != GWR_OK) fail("compile", rc, &err);
    samples[k] = (now_ns() - a) / 1e6;
    gwr_table_unref(t);
  }
  s->compile_ms = median(samples, (size_t)compile_repeats);
  free(samples);
  if ((rc = gwr_decision_new(&s->d, s->t)) != GWR_OK) fail("decision", rc, NULL);
  if (with & (WITH_REF | WITH_ENV)) {
    gwr__alloc_init(&s->ref_alloc, NULL);
    gwr__arena_init(&s->ref_arena, &s->ref_alloc);
    if ((rc = gwr__attach_build(&s->att, s->cfg, &s->ref_arena)) != GWR_OK) fail("attach", rc, NULL);
    s->have_ref = 1;
  }
  if (with & WITH_ENV) {
    double a = now_ns();
    s->env = env_build(&s->att);
    s->env_ms = (now_ns() - a) / 1e6;
  }
  if ((with & WITH_R3) && simple && s->env && r3b_available()) {
    double a = now_ns();
    s->r3 = r3b_new();
    env_visit_exact(s->env, r3_visit, s);
    if (r3b_compile(s->r3) != 0) {
      fprintf(stderr, "bench: r3: a path did not insert or compile; r3 skipped\n");
      r3b_free(s->r3);
      s->r3 = NULL;
    }
    s->r3_ms = (now_ns() - a) / 1e6;
  }
}

static void setup_close(setup *s) {
  r3b_free(s->r3);
  free(s->r3_hits);
  env_free(s->env);
  if (s->have_ref) gwr__arena_free(&s->ref_arena);
  ref_cleanup();
  gwr_decision_free(s->d);
  gwr_table_unref(s->t);
  gwr_config_free(s->cfg);
  gen_workload_free(&s->w);
}

/* ---- reading results ----------------------------------------------------------------- */

typedef struct eng_out {
  int rc;
  int32_t action;
  int64_t status, rule, match;
  gwr_str ns, name, backend;
} eng_out;

static gwr_str dstr(const gwr_decision *d, int32_t field) {
  gwr_str v = {NULL, 0};
  gwr_decision_str(d, field, &v);
  return v;
}

static void eng_run(setup *s, const gwr_request *req, eng_out *o) {
  o->rc = gwr_match(s->d, s->t, req);
  o->action = gwr_decision_action(s->d);
  o->status = gwr_decision_int(s->d, GWR_DI_STATUS);
  o->rule = gwr_decision_int(s->d, GWR_DI_ROUTE_RULE);
  o->match = gwr_decision_int(s->d, GWR_DI_ROUTE_MATCH);
  o->ns = dstr(s->d, GWR_DS_ROUTE_NAMESPACE);
  o->name = dstr(s->d, GWR_DS_ROUTE_NAME);
  o->backend = dstr(s->d, GWR_DS_BACKEND_NAME);
}

static const gwr__meta *route_meta(const setup *s, size_t route) {
  return &s->att.routes[route].r->meta;
}

static gwr_str backend_name(const setup *s, size_t route, int rule, int backend) {
  gwr_str none = {"", 0};
  if (backend < 0) return none;
  return s->att.routes[route].rules[rule].backends[backend].b->ref.name;
}

/* the engine chose exactly this route, rule and match */
static int same_rrm(const setup *s, const eng_out *e, size_t route, int64_t rule, int64_t match) {
  const gwr__meta *m = route_meta(s, route);
  return sv_eq(e->ns, m->ns) && sv_eq(e->name, m->name) && e->rule == rule && e->match == match;
}

static int hit_agrees(const setup *s, int matched, const env_hit *h, const eng_out *e,
                      int check_backend) {
  if (!matched) return e->rule == -1 && e->name.len == 0;
  if (!same_rrm(s, e, h->route, h->rule, h->match)) return 0;
  return !check_backend || e->action != GWR_ACTION_FORWARD ||
         sv_eq(e->backend, backend_name(s, h->route, (int)h->rule, h->backend));
}

/* ---- printing a disagreement ------------------------------------------------------------ */

static void print_request(const gwr_request *r) {
  size_t i;
  printf("    request: %.*s http://%.*s%.*s choice=%" PRIu64 "\n", (int)r->method.len,
         r->method.ptr, (int)r->host.len, r->host.ptr, (int)r->path.len, r->path.ptr, r->choice);
  for (i = 0; i < r->header_count; i++)
    printf("      %.*s: %.*s\n", (int)r->headers[i].name.len, r->headers[i].name.ptr,
           (int)r->headers[i].value.len, r->headers[i].value.ptr);
}

static void print_route_yaml(const setup *s, gwr_str ns, gwr_str name, const char *label) {
  const gen_route *rt;
  if (!name.len) return;
  rt = gen_find_route(&s->w, ns, name);
  if (!rt) return;
  printf("    %s route %s/%s:\n%.*s%s\n", label, rt->ns, rt->name,
         (int)(rt->yaml_len > 3000 ? 3000 : rt->yaml_len), s->w.yaml.p + rt->yaml_off,
         rt->yaml_len > 3000 ? "    ... (cut)" : "");
}

static void print_engine(const eng_out *e) {
  printf("    engine:    rc %d action %d status %" PRId64 " route %.*s/%.*s rule %" PRId64
         " match %" PRId64 " backend %.*s\n",
         e->rc, e->action, e->status, (int)e->ns.len, e->ns.ptr ? e->ns.ptr : "",
         (int)e->name.len, e->name.ptr ? e->name.ptr : "", e->rule, e->match,
         (int)e->backend.len, e->backend.ptr ? e->backend.ptr : "");
}

static void print_other(const setup *s, const char *who, int matched, size_t route, int64_t rule,
                        int64_t match, int action, int status, gwr_str backend) {
  const gwr__meta *m = matched ? route_meta(s, route) : NULL;
  printf("    %-10s action %d status %d route %.*s/%.*s rule %" PRId64 " match %" PRId64
         " backend %.*s\n",
         who, action, status, m ? (int)m->ns.len : 0, m ? m->ns.ptr : "",
         m ? (int)m->name.len : 0, m ? m->name.ptr : "", rule, match, (int)backend.len,
         backend.ptr);
}

static void print_routes(const setup *s, const eng_out *e, int matched, size_t route) {
  print_route_yaml(s, e->ns, e->name, "engine's");
  if (matched) {
    const gwr__meta *m = route_meta(s, route);
    if (!sv_eq(m->ns, e->ns) || !sv_eq(m->name, e->name))
      print_route_yaml(s, m->ns, m->name, "other's");
  }
}

/* ---- passes ---------------------------------------------------------------------------------- */

typedef uint64_t (*pass_fn)(setup *s, const void *aux, const gwr_request *reqs, size_t n);

static uint64_t eng_pass(setup *s, const void *aux, const gwr_request *reqs, size_t n) {
  uint64_t sum = 0;
  size_t i;
  (void)aux;
  for (i = 0; i < n; i++) {
    gwr_match(s->d, s->t, &reqs[i]);
    sum += (uint64_t)gwr_decision_action(s->d);
  }
  return sum;
}

static uint64_t env_pass(setup *s, const void *aux, const gwr_request *reqs, size_t n) {
  uint64_t sum = 0;
  size_t i;
  env_hit h;
  (void)aux;
  for (i = 0; i < n; i++)
    if (env_match(s->env, &reqs[i], &h)) sum += h.rule + (uint64_t)h.backend;
  return sum;
}

static uint64_t floor_pass(setup *s, const void *aux, const gwr_request *reqs, size_t n) {
  uint64_t sum = 0;
  size_t i;
  (void)s;
  for (i = 0; i < n; i++) sum += floor_lookup(aux, &reqs[i]);
  return sum;
}

static uint64_t r3_pass(setup *s, const void *aux, const gwr_request *reqs, size_t n) {
  uint64_t sum = 0;
  size_t i;
  (void)aux;
  for (i = 0; i < n; i++) sum += r3b_match(s->r3, &reqs[i]);
  return sum;
}

/* ---- one cell: a workload, a size and a stream ------------------------------------------------ */

typedef struct cell {
  const char *workload, *stream;
  size_t n;
  double eng, env, flo, r3, ref; /* median ns per lookup; < 0: not run */
  double compile_ms, load_compile_ms, table_bpr, cfg_bpr;
  size_t ref_checked, ref_mism, env_mism, r3_checked, r3_mism;
  size_t forward, respond404;
} cell;

/* The core of a reference result (ref_result is large and holds views into
 * itself, so one is reused and only these fields are kept). */
typedef struct ref_core {
  int rc, action, status;
  size_t route;
  int rule, match, backend;
} ref_core;

static int ref_agrees(const setup *s, const ref_core *x, const eng_out *e) {
  if (x->rc != e->rc) return 0;
  if (x->rc != GWR_OK) return 1;
  if (e->action != x->action || e->status != x->status) return 0;
  if (x->route == REF_NO_ROUTE) return e->name.len == 0 && e->rule == -1 && e->match == -1;
  if (!same_rrm(s, e, x->route, x->rule, x->match)) return 0;
  return x->action != GWR_ACTION_FORWARD ||
         sv_eq(e->backend, backend_name(s, x->route, x->rule, x->backend));
}

/* Engine vs reference on reqs (all, or an evenly spaced subsample); the
 * reference pass is timed as a whole (one pass, per lookup). */
static void check_ref(setup *s, const stream *st, cell *c) {
  size_t n = st->n, count = s->w.n_rules > REF_FULL_MAX ? REF_SUBSAMPLE : n, i, stride = n / count;
  gwr_request *sub = xcalloc(count, sizeof *sub);
  ref_core *x = xcalloc(count, sizeof *x);
  ref_result *out = xcalloc(1, sizeof *out);
  double t0;
  for (i = 0; i < count; i++) sub[i] = st->reqs[i * stride];
  for (i = 0; i < count && i < 64; i++) ref_match(&s->att, &sub[i], out); /* warm the regex cache */
  t0 = now_ns();
  for (i = 0; i < count; i++) {
    x[i].rc = ref_match(&s->att, &sub[i], out);
    x[i].action = out->action;
    x[i].status = out->status;
    x[i].route = out->route;
    x[i].rule = out->rule;
    x[i].match = out->match;
    x[i].backend = out->backend;
  }
  c->ref = (now_ns() - t0) / (double)count;
  c->ref_checked = count;
  for (i = 0; i < count; i++) {
    eng_out e;
    eng_run(s, &sub[i], &e);
    if (ref_agrees(s, &x[i], &e)) continue;
    if (c->ref_mism++ < MAX_PRINTED) {
      printf("  MISMATCH engine vs reference (%s N=%zu %s, request %zu):\n", c->workload, c->n,
             c->stream, i * stride);
      print_request(&sub[i]);
      print_engine(&e);
      print_other(s, "reference:", x[i].route != REF_NO_ROUTE, x[i].route, x[i].rule, x[i].match,
                  x[i].action, x[i].status,
                  x[i].route != REF_NO_ROUTE ? backend_name(s, x[i].route, x[i].rule, x[i].backend)
                                             : (gwr_str){"", 0});
      print_routes(s, &e, x[i].route != REF_NO_ROUTE, x[i].route);
    }
  }
  free(sub);
  free(x);
  free(out);
}

/* Engine vs Envoy-style (and r3) on every request; counts outcomes. */
static void check_baselines(setup *s, const stream *st, cell *c) {
  size_t i;
  for (i = 0; i < st->n; i++) {
    const gwr_request *q = &st->reqs[i];
    eng_out e;
    env_hit h;
    int m;
    eng_run(s, q, &e);
    c->forward += e.action == GWR_ACTION_FORWARD;
    c->respond404 += e.status == 404;
    m = env_match(s->env, q, &h);
    if (!hit_agrees(s, m, &h, &e, 1) && c->env_mism++ < MAX_PRINTED) {
      printf("  MISMATCH engine vs envoy-style (%s N=%zu %s, request %zu):\n", c->workload, c->n,
             c->stream, i);
      print_request(q);
      print_engine(&e);
      print_other(s, "envoy:", m, h.route, m ? (int64_t)h.rule : -1, m ? (int64_t)h.match : -1, -1, -1,
                  m ? backend_name(s, h.route, (int)h.rule, h.backend) : (gwr_str){"", 0});
      print_routes(s, &e, m, h.route);
    }
    if (s->r3) {
      uint32_t v = r3b_match(s->r3, q);
      const env_hit *rh = v == UINT32_MAX ? NULL : &s->r3_hits[v];
      c->r3_checked++;
      if (!hit_agrees(s, rh != NULL, rh ? rh : &h, &e, 0) && c->r3_mism++ < MAX_PRINTED) {
        printf("  r3 disagrees with the engine (%s N=%zu %s, request %zu):\n", c->workload, c->n,
               c->stream, i);
        print_request(q);
        print_engine(&e);
        print_other(s, "r3:", rh != NULL, rh ? rh->route : 0, rh ? (int64_t)rh->rule : -1,
                    rh ? (int64_t)rh->match : -1, -1, -1, (gwr_str){"", 0});
        print_routes(s, &e, rh != NULL, rh ? rh->route : 0);
      }
    }
  }
}

static void time_cell(setup *s, const stream *st, cell *c, int repeats) {
  floor_map *fl = floor_build(st->reqs, st->n);
  pass_fn fns[4] = {eng_pass, env_pass, floor_pass, r3_pass};
  double *samples[4];
  int k, f, nf = s->r3 ? 4 : 3;
  for (f = 0; f < nf; f++) {
    samples[f] = xcalloc((size_t)repeats, sizeof(double));
    sink += fns[f](s, fl, st->reqs, st->n); /* warm-up */
  }
  for (k = 0; k < repeats; k++)
    for (f = 0; f < nf; f++) {
      double t0 = now_ns();
      sink += fns[f](s, fl, st->reqs, st->n);
      samples[f][k] = (now_ns() - t0) / (double)st->n;
    }
  c->eng = median(samples[0], (size_t)repeats);
  c->env = median(samples[1], (size_t)repeats);
  c->flo = median(samples[2], (size_t)repeats);
  c->r3 = nf == 4 ? median(samples[3], (size_t)repeats) : -1;
  for (f = 0; f < nf; f++) free(samples[f]);
  floor_free(fl);
}

static void run_cell(setup *s, int zipf, int repeats, cell *c) {
  stream st;
  double t0 = now_ns();
  stream_make(&st, &s->w, zipf, STREAM_LEN, workload_seed(s->w.simple, s->w.n_rules) + 1 + (uint64_t)zipf);
  memset(c, 0, sizeof *c);
  c->workload = s->w.simple ? "simple" : "full";
  c->stream = st.name;
  c->n = s->w.n_rules;
  c->compile_ms = s->compile_ms;
  c->load_compile_ms = s->load_compile_ms;
  c->table_bpr = (double)s->table_bytes / (double)s->w.n_rules;
  c->cfg_bpr = (double)s->cfg_bytes / (double)s->w.n_rules;
  check_ref(s, &st, c);
  check_baselines(s, &st, c);
  time_cell(s, &st, c, repeats);
  fprintf(stderr,
          "  %-6s N=%-6zu %-7s engine %.1f ns, envoy %.1f ns, floor %.1f ns, ref %.0f ns; "
          "mismatches ref %zu/%zu envoy %zu r3 %zu; forward %.1f%% 404 %.1f%% (%.1f s)\n",
          c->workload, c->n, c->stream, c->eng, c->env, c->flo, c->ref, c->ref_mism,
          c->ref_checked, c->env_mism, c->r3_mism, 100.0 * (double)c->forward / (double)st.n,
          100.0 * (double)c->respond404 / (double)st.n, (now_ns() - t0) / 1e9);
  stream_free(&st);
}

/* ---- the table ------------------------------------------------------------------------------------- */

static void fmt_ns(char *buf, size_t cap, double v) {
  if (v < 0)
    snprintf(buf, cap, "-");
  else if (v >= 100000)
    snprintf(buf, cap, "%.0f", v);
  else
    snprintf(buf, cap, "%.1f", v);
}

static void fmt_ratio(char *buf, size_t cap, double num, double den) {
  if (num < 0 || den <= 0)
    snprintf(buf, cap, "-");
  else
    snprintf(buf, cap, "%.2fx", num / den);
}

static void print_table(const cell *cells, size_t n) {
  size_t i;
  printf("\n| workload | N | stream | engine ns | envoy ns | envoy/eng | floor ns | eng/floor "
         "| r3 ns | r3/eng | ref ns | ref/eng | compile ms | load+compile ms | table B/rule "
         "| config B/rule | mismatch ref/envoy/r3 | ref checked |\n");
  printf("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
  for (i = 0; i < n; i++) {
    const cell *c = &cells[i];
    char e[32], v[32], ve[32], f[32], ef[32], r[32], re[32], x[32], xe[32], mism[64], chk[48];
    fmt_ns(e, sizeof e, c->eng);
    fmt_ns(v, sizeof v, c->env);
    fmt_ratio(ve, sizeof ve, c->env, c->eng);
    fmt_ns(f, sizeof f, c->flo);
    fmt_ratio(ef, sizeof ef, c->eng, c->flo);
    fmt_ns(r, sizeof r, c->r3);
    fmt_ratio(re, sizeof re, c->r3, c->eng);
    fmt_ns(x, sizeof x, c->ref);
    fmt_ratio(xe, sizeof xe, c->ref, c->eng);
    if (c->r3 >= 0)
      snprintf(mism, sizeof mism, "%zu / %zu / %zu", c->ref_mism, c->env_mism, c->r3_mism);
    else
      snprintf(mism, sizeof mism, "%zu / %zu / -", c->ref_mism, c->env_mism);
    if (c->ref_checked == STREAM_LEN)
      snprintf(chk, sizeof chk, "all %zu", c->ref_checked);
    else
      snprintf(chk, sizeof chk, "%zu (subsample)", c->ref_checked);
    printf("| %s | %zu | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.1f | %.1f | %.0f | "
           "%.0f | %s | %s |\n",
           c->workload, c->n, c->stream, e, v, ve, f, ef, r, re, x, xe, c->compile_ms,
           c->load_compile_ms, c->table_bpr, c->cfg_bpr, mism, chk);
  }
}

static void print_setup(const setup *s) {
  fprintf(stderr,
          "%s N=%zu: %zu routes, YAML %.1f MB, load %.1f ms, compile %.1f ms (median), "
          "table %.1f MB, config %.1f MB, envoy-style %zu entries %.1f MB built in %.1f ms%s\n",
          s->w.simple ? "simple" : "full", s->w.n_rules, s->w.route_count,
          (double)s->w.yaml.len / 1e6, s->load_ms, s->compile_ms, (double)s->table_bytes / 1e6,
          (double)s->cfg_bytes / 1e6, s->env ? env_entries(s->env) : 0,
          s->env ? (double)env_bytes(s->env) / 1e6 : 0, s->env_ms, s->r3 ? ", r3 built" : "");
}

static void run_table(int quick, size_t only_n) {
  static const size_t sizes[] = {100, 1000, 10000, 100000};
  size_t ns = quick ? 3 : 4, i, cells_n = 0;
  cell cells[4 * 2 * 2];
  int repeats = quick ? 3 : 5, simple, zipf;
  double t0 = now_ns();
  print_load("table");
  fprintf(stderr, "gwroute bench: %s, %d repeats, %zu requests per stream, r3 %s\n",
          quick ? "quick" : "full", repeats, STREAM_LEN,
          r3b_available() ? "available" : "not found (skipped)");
  for (simple = 0; simple <= 1; simple++)
    for (i = 0; i < ns; i++) {
      setup s;
      if (only_n && sizes[i] != only_n) continue;
      setup_open(&s, simple, sizes[i], sizes[i] >= 100000 || quick ? 1 : 3,
                 WITH_REF | WITH_ENV | WITH_R3);
      print_setup(&s);
      for (zipf = 0; zipf <= 1; zipf++) run_cell(&s, zipf, repeats, &cells[cells_n++]);
      setup_close(&s);
    }
  print_table(cells, cells_n);
  printf("\nns = median ns per lookup over %d passes of %zu requests (reference: one pass over "
         "the checked requests). envoy/eng, r3/eng, ref/eng: how many times slower the baseline "
         "is than the engine; eng/floor: the engine's cost in floors. Total %.0f s.\n",
         repeats, STREAM_LEN, (now_ns() - t0) / 1e9);
}

/* ---- --threads ------------------------------------------------------------------------------------- */

typedef struct thr {
  const gwr_table *t;
  gwr_decision *d;
  const stream *st;
  size_t offset;
  int passes;
  atomic_int *go;
  double end;
  uint64_t sum;
  pthread_t id;
} thr;

static void *thr_main(void *arg) {
  thr *w = arg;
  size_t n = w->st->n, i;
  int p;
  uint64_t sum = 0;
  while (!atomic_load_explicit(w->go, memory_order_acquire)) {
  }
  for (p = 0; p < w->passes; p++)
    for (i = 0; i < n; i++) {
      gwr_match(w->d, w->t, &w->st->reqs[(i + w->offset) % n]);
      sum += (uint64_t)gwr_decision_action(w->d);
    }
  w->end = now_ns();
  w->sum = sum;
  return NULL;
}

/* lookups per second with k threads on one table */
static double threads_once(setup *s, const stream *st, int k, int passes) {
  thr w[2];
  atomic_int go = 0;
  double t0, end = 0;
  int i;
  for (i = 0; i < k; i++) {
    memset(&w[i], 0, sizeof w[i]);
    w[i].t = s->t;
    w[i].st = st;
    w[i].offset = st->n / 2 * (size_t)i;
    w[i].passes = passes;
    w[i].go = &go;
    if (gwr_decision_new(&w[i].d, s->t) != GWR_OK) abort();
    if (pthread_create(&w[i].id, NULL, thr_main, &w[i]) != 0) abort();
  }
  t0 = now_ns();
  atomic_store_explicit(&go, 1, memory_order_release);
  for (i = 0; i < k; i++) {
    pthread_join(w[i].id, NULL);
    if (w[i].end > end) end = w[i].end;
    sink += w[i].sum;
    gwr_decision_free(w[i].d);
  }
  return (double)k * (double)passes * (double)st->n / ((end - t0) / 1e9);
}

static void run_threads(void) {
  setup s;
  stream st;
  double one[3], two[3], m1, m2;
  int k, passes = 10;
  print_load("--threads");
  setup_open(&s, 0, 10000, 1, 0);
  stream_make(&st, &s.w, 0, STREAM_LEN, workload_seed(0, 10000) + 1);
  sink += eng_pass(&s, NULL, st.reqs, st.n);
  for (k = 0; k < 3; k++) {
    one[k] = threads_once(&s, &st, 1, passes);
    two[k] = threads_once(&s, &st, 2, passes);
  }
  m1 = median(one, 3);
  m2 = median(two, 3);
  printf("\n--threads: full N=10000 uniform, %d passes of %zu requests per thread, one table, "
         "a decision per thread (median of 3)\n",
         passes, STREAM_LEN);
  printf("| threads | lookups/s | ns per lookup per thread | vs 1 thread |\n|---:|---:|---:|---:|\n");
  printf("| 1 | %.2f M | %.1f | 1.00x |\n", m1 / 1e6, 1e9 / m1);
  printf("| 2 | %.2f M | %.1f | %.2fx |\n", m2 / 1e6, 2e9 / m2, m2 / m1);
  stream_free(&st);
  setup_close(&s);
}

/* ---- --swap ---------------------------------------------------------------------------------------- */

/* latency histogram: 1 ns buckets below 2048 ns, then 64 per power of two */
#define HLIN 2048
#define HBUCKETS (HLIN + 64 * 53)
#define PHASES 4

typedef struct hist {
  uint64_t count, max;
  uint64_t b[HBUCKETS];
} hist;

static size_t hbucket(uint64_t v) {
  unsigned e;
  if (v < HLIN) return (size_t)v;
  e = 63u - (unsigned)__builtin_clzll(v); /* >= 11 */
  return HLIN + (size_t)(e - 11) * 64 + (size_t)((v >> (e - 6)) & 63);
}

static uint64_t hvalue(size_t b) {
  size_t e, sub;
  if (b < HLIN) return b;
  e = (b - HLIN) / 64 + 11;
  sub = (b - HLIN) % 64;
  return ((uint64_t)1 << e) + ((uint64_t)sub << (e - 6));
}

static void hadd(hist *h, uint64_t v) {
  size_t b = hbucket(v);
  h->b[b < HBUCKETS ? b : HBUCKETS - 1]++;
  h->count++;
  if (v > h->max) h->max = v;
}

static uint64_t hpct(const hist *h, double p) {
  uint64_t want = (uint64_t)((double)h->count * p), seen = 0;
  size_t b;
  for (b = 0; b < HBUCKETS; b++)
    if ((seen += h->b[b]) > want) return hvalue(b);
  return h->max;
}

typedef struct expect {
  int32_t action;
  int64_t rule, match;
  gwr_str name;                 /* copied: the first table does not outlive the swap */
} expect;

typedef struct swap_ctx {
  pthread_mutex_t lock;
  _Atomic(gwr_table *) current;
  atomic_int phase;             /* 0 steady, 1 load, 2 compile+swap, 3 after, 4 stop */
  const stream *st;
  const expect *exp;
} swap_ctx;

typedef struct swap_worker {
  swap_ctx *c;
  gwr_decision *d;
  size_t offset;
  hist *h;                      /* PHASES histograms */
  uint64_t wrong;
  pthread_t id;
} swap_worker;

static uint64_t now_u64(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *swap_main(void *arg) {
  swap_worker *w = arg;
  swap_ctx *c = w->c;
  size_t i = w->offset, n = c->st->n;
  int ph;
  while ((ph = atomic_load_explicit(&c->phase, memory_order_relaxed)) != 4) {
    const expect *x = &c->exp[i];
    gwr_table *t;
    uint64_t t0 = now_u64(), t1;
    int ok;
    pthread_mutex_lock(&c->lock);
    t = gwr_table_ref(atomic_load(&c->current));
    pthread_mutex_unlock(&c->lock);
    gwr_match(w->d, t, &c->st->reqs[i]);
    ok = gwr_decision_action(w->d) == x->action &&
         gwr_decision_int(w->d, GWR_DI_ROUTE_RULE) == x->rule &&
         gwr_decision_int(w->d, GWR_DI_ROUTE_MATCH) == x->match &&
         sv_eq(dstr(w->d, GWR_DS_ROUTE_NAME), x->name);
    gwr_table_unref(t);
    t1 = now_u64();
    hadd(&w->h[ph], t1 - t0);
    w->wrong += !ok;
    i = (i + 1) % n;
  }
  return NULL;
}

static void sleep_ms(long ms) {
  struct timespec ts;
  ts.tv_sec = ms / 1000;
  ts.tv_nsec = (ms % 1000) * 1000000L;
  nanosleep(&ts, NULL);
}

static void run_swap(void) {
  static const char *const names[PHASES] = {"steady (before)", "load of the new config",
                                            "compile + swap + unref(old)", "after"};
  setup s;
  stream st;
  expect *exp;
  spool names_pool = {NULL};
  swap_ctx c;
  swap_worker w[2];
  counter mem2 = {0};
  gwr_allocator a2 = GWR_ALLOCATOR_INIT;
  gwr_config *cfg2 = NULL;
  gwr_table *fresh = NULL, *old;
  gwr_error err = GWR_ERROR_INIT;
  double ph_ms[PHASES], t0, t1, t2, t3;
  size_t i, before_swap, freed;
  int k, p;
  print_load("--swap");
  setup_open(&s, 0, 10000, 1, 0);
  stream_make(&st, &s.w, 0, STREAM_LEN, workload_seed(0, 10000) + 1);
  exp = xcalloc(st.n, sizeof *exp);
  for (i = 0; i < st.n; i++) {
    eng_out e;
    eng_run(&s, &st.reqs[i], &e);
    exp[i].action = e.action;
    exp[i].rule = e.rule;
    exp[i].match = e.match;
    exp[i].name.ptr = sp_printf(&names_pool, "%.*s", (int)e.name.len, e.name.ptr ? e.name.ptr : "");
    exp[i].name.len = e.name.len;
  }
  memset(&c, 0, sizeof c);
  pthread_mutex_init(&c.lock, NULL);
  atomic_store(&c.current, s.t);
  s.t = NULL; /* owned by `current` now */
  c.st = &st;
  c.exp = exp;
  for (k = 0; k < 2; k++) {
    memset(&w[k], 0, sizeof w[k]);
    w[k].c = &c;
    w[k].offset = st.n / 2 * (size_t)k;
    w[k].h = xcalloc(PHASES, sizeof(hist));
    if (gwr_decision_new(&w[k].d, atomic_load(&c.current)) != GWR_OK) abort();
    if (pthread_create(&w[k].id, NULL, swap_main, &w[k]) != 0) abort();
  }
  sleep_ms(1000);
  /* the same text again: routing must not change across the swap */
  a2.malloc = count_malloc;
  a2.free = count_free;
  a2.ctx = &mem2;
  t0 = now_ns();
  atomic_store(&c.phase, 1);
  if (gwr_config_new(&cfg2, &a2) != GWR_OK ||
      gwr_config_load(cfg2, s.w.yaml.p, s.w.yaml.len, "bench.yaml", 10, &err) != GWR_OK)
    fail("swap: load", GWR_E_INVALID, &err);
  t1 = now_ns();
  atomic_store(&c.phase, 2);
  if (gwr_table_compile(&fresh, cfg2, &err) != GWR_OK) fail("swap: compile", GWR_E_INVALID, &err);
  before_swap = alive(&s.mem); /* the old table, the config and the decisions */
  pthread_mutex_lock(&c.lock);
  old = atomic_load(&c.current);
  atomic_store(&c.current, fresh);
  pthread_mutex_unlock(&c.lock);
  gwr_table_unref(old);
  t2 = now_ns();
  freed = before_swap - alive(&s.mem);
  atomic_store(&c.phase, 3);
  sleep_ms(500);
  t3 = now_ns();
  atomic_store(&c.phase, 4);
  for (k = 0; k < 2; k++) pthread_join(w[k].id, NULL);
  ph_ms[0] = 1000;
  ph_ms[1] = (t1 - t0) / 1e6;
  ph_ms[2] = (t2 - t1) / 1e6;
  ph_ms[3] = (t3 - t2) / 1e6;
  printf("\n--swap: full N=10000 uniform; 2 threads match continuously (lock; ref; unlock; "
         "gwr_match; read action/rule/match/route; unref), the main thread loads the same "
         "YAML into a new config, compiles it and swaps it in (include/gwroute.h section 10).\n");
  printf("| phase | ms | lookups | p50 ns | p99 ns | p99.9 ns | max ns |\n"
         "|---|---:|---:|---:|---:|---:|---:|\n");
  for (p = 0; p < PHASES; p++) {
    hist sum;
    size_t b;
    memset(&sum, 0, sizeof sum);
    for (k = 0; k < 2; k++) {
      for (b = 0; b < HBUCKETS; b++) sum.b[b] += w[k].h[p].b[b];
      sum.count += w[k].h[p].count;
      if (w[k].h[p].max > sum.max) sum.max = w[k].h[p].max;
    }
    printf("| %s | %.1f | %" PRIu64 " | %" PRIu64 " | %" PRIu64 " | %" PRIu64 " | %" PRIu64 " |\n",
           names[p], ph_ms[p], sum.count, hpct(&sum, 0.50), hpct(&sum, 0.99), hpct(&sum, 0.999),
           sum.max);
  }
  printf("wrong decisions during the run: %" PRIu64 "; the old table %s when the main thread's "
         "unref returned.\n",
         w[0].wrong + w[1].wrong,
         freed >= s.table_bytes ? "was freed by that unref"
                                : "was still held by a worker (the worker's unref freed it)");
  { /* what that last unref costs: freeing one 10k table, timed alone */
    gwr_table *t;
    double a;
    if (gwr_table_compile(&t, cfg2, &err) != GWR_OK) fail("swap: compile", GWR_E_INVALID, &err);
    a = now_ns();
    gwr_table_unref(t);
    printf("freeing one such table (the last unref) takes %.2f ms on one thread.\n",
           (now_ns() - a) / 1e6);
  }
  for (k = 0; k < 2; k++) {
    gwr_decision_free(w[k].d);
    free(w[k].h);
  }
  gwr_table_unref(atomic_load(&c.current));
  gwr_config_free(cfg2);
  pthread_mutex_destroy(&c.lock);
  sp_free(&names_pool);
  free(exp);
  stream_free(&st);
  setup_close(&s);
}

/* ---- --callgrind N ---------------------------------------------------------------------------------- */

/* The matcher run under callgrind: the engine or one of the baselines. */
typedef struct cg_run {
  setup *s;
  pass_fn fn;
  const void *aux;
} cg_run;

#if defined(__GNUC__)
__attribute__((noinline))
#endif
uint64_t bench_callgrind_loop(const cg_run *r, const gwr_request *reqs, size_t n, size_t count) {
  uint64_t sum = 0;
  while (count) {
    size_t chunk = count < n ? count : n;
    sum += r->fn(r->s, r->aux, reqs, chunk);
    count -= chunk;
  }
  return sum;
}

static void run_callgrind(size_t count, int simple, size_t n, const char *matcher) {
  setup s;
  stream st;
  cg_run r;
  floor_map *fm = NULL;
  uint64_t sum;
  int envoy = strcmp(matcher, "envoy") == 0, flo = strcmp(matcher, "floor") == 0;
  if (!envoy && !flo && strcmp(matcher, "engine") != 0) {
    fprintf(stderr, "bench: --matcher takes engine, envoy or floor\n");
    exit(2);
  }
  setup_open(&s, simple, n, 1, envoy ? WITH_ENV : 0);
  stream_make(&st, &s.w, 0, STREAM_LEN, workload_seed(simple, n) + 1);
  r.s = &s;
  r.aux = NULL;
  r.fn = envoy ? env_pass : eng_pass;
  if (flo) {
    fm = floor_build(st.reqs, st.n);
    r.fn = floor_pass;
    r.aux = fm;
  }
  sum = bench_callgrind_loop(&r, st.reqs, st.n, count);
  printf("callgrind: %s, %zu lookups of the %s N=%zu uniform stream (checksum %" PRIu64 ")\n",
         matcher, count, simple ? "simple" : "full", n, sum);
  floor_free(fm);
  stream_free(&st);
  setup_close(&s);
}

/* ---- main ------------------------------------------------------------------------------------------- */

static void usage(void) {
  fprintf(stderr,
          "usage: gwroute_bench [--quick] [--n N] [--threads] [--swap] [--callgrind N]\n"
          "  (no mode)      the full table: N = 100, 1k, 10k, 100k; full and simple workloads;\n"
          "                 uniform and zipf streams\n"
          "  --quick        N up to 10k, 3 repeats instead of 5\n"
          "  --n N          only that size (100, 1000, 10000 or 100000)\n"
          "  --threads      full 10k uniform: lookups/s on 1 and 2 threads\n"
          "  --swap         latency percentiles while a new 10k table is compiled and swapped in\n"
          "  --callgrind N  build the full 10k table, run exactly N lookups, exit; with\n"
          "                 --simple, --n N and --matcher engine|envoy|floor to change it\n");
}

int main(int argc, char **argv) {
  int quick = 0, threads = 0, swap = 0, simple = 0, i;
  const char *matcher = "engine";
  size_t callgrind = 0, only_n = 0;
  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--quick") == 0)
      quick = 1;
    else if (strcmp(argv[i], "--threads") == 0)
      threads = 1;
    else if (strcmp(argv[i], "--swap") == 0)
      swap = 1;
    else if (strcmp(argv[i], "--callgrind") == 0 && i + 1 < argc)
      callgrind = strtoull(argv[++i], NULL, 10);
    else if (strcmp(argv[i], "--simple") == 0)
      simple = 1;
    else if (strcmp(argv[i], "--matcher") == 0 && i + 1 < argc)
      matcher = argv[++i];
    else if (strcmp(argv[i], "--n") == 0 && i + 1 < argc)
      only_n = strtoull(argv[++i], NULL, 10);
    else {
      usage();
      return strcmp(argv[i], "--help") == 0 ? 0 : 2;
    }
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (callgrind) {
    run_callgrind(callgrind, simple, only_n ? only_n : 10000, matcher);
    return 0;
  }
  if (threads) run_threads();
  if (swap) run_swap();
  if (!threads && !swap) run_table(quick, only_n);
  return 0;
}
