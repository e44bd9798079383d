/* SPDX-License-Identifier: Apache-2.0 */
/*
 * table.c - public entry points for tables: compile (attach + compile +
 * status render), reference counting, and the status report copy-out.
 */
#include "ingress.h"
#include "table.h"

/* Compile, with the config's Ingresses lowered into the table's arena
 * first (their objects live as long as the table). */
static int compile_with_ingresses(gwr_table *t, const gwr_config *cfg) {
  gwr__lowered lw;
  gwr_config view;
  int rc;
  if (cfg->model.ingresses.len == 0) return gwr__compile(t, cfg);
  rc = gwr__ingress_lower(cfg, &t->arena, &t->alloc, &lw);
  if (rc != GWR_OK) return rc;
  view = *cfg;
  view.model = lw.model;
  rc = gwr__compile(t, &view);
  gwr__lowered_free(&lw, &t->alloc);
  return rc;
}

static void table_destroy(gwr_table *t) {
  gwr__alloc a = t->alloc;
  size_t i;
  for (i = 0; i < t->regexes.len; i++) gwr__regex_free(GWR_VEC_AT(&t->regexes, gwr__regex *, i));
  gwr__vec_free(&t->regexes, &a);
  gwr__regex_env_free(t->rx);
  gwr__arena_free(&t->arena);
  gwr__store_unref(t->store);
  gwr__free(&a, t);
}

int gwr_table_compile(gwr_table **out, const gwr_config *cfg, gwr_error *err) {
  gwr_table *t;
  int rc;
  if (!out) return gwr__error_set(err, GWR_E_INVALID, "invalid argument");
  *out = NULL;
  if (!cfg) return gwr__error_set(err, GWR_E_INVALID, "invalid argument");
  t = gwr__calloc(&cfg->alloc, 1, sizeof *t);
  if (!t) return gwr__error_set(err, GWR_E_NOMEM, "out of memory");
  t->alloc = cfg->alloc;
  t->refs = 1;
  t->opt = cfg->opt;
  t->store = gwr__store_ref(cfg->store);
  gwr__arena_init(&t->arena, &t->alloc);
  gwr__vec_init(&t->regexes, sizeof(gwr__regex *));
  t->rx = gwr__regex_env_new(&t->alloc, t->opt.regex_match_limit, t->opt.regex_heap_kib);
  rc = t->rx ? compile_with_ingresses(t, cfg) : GWR_E_NOMEM;
  if (rc != GWR_OK) {
    table_destroy(t);
    return gwr__error_set(err, rc, "compile: %s", gwr_strerror(rc));
  }
  gwr__error_clear(err);
  *out = t;
  return GWR_OK;
}

gwr_table *gwr_table_ref(gwr_table *t) {
  if (t) __atomic_add_fetch(&t->refs, 1, __ATOMIC_RELAXED);
  return t;
}

void gwr_table_unref(gwr_table *t) {
  if (t && __atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) == 0) table_destroy(t);
}

int gwr_table_status_json(const gwr_table *t, char *buf, size_t cap, size_t *needed) {
  size_t len;
  if (!t || (!buf && cap)) return GWR_E_INVALID;
  len = gwr__status_render(&t->att, buf, cap);
  if (needed) *needed = len;
  return cap < len + 1 ? GWR_E_RANGE : GWR_OK;
}
