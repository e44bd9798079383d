/* SPDX-License-Identifier: Apache-2.0 */
/*
 * builder.c - objects field by field for hosts that do not speak YAML.
 * A builder grows the same document tree the YAML reader makes, then
 * commits it through load.c, so every default, rule and message is shared.
 * Paths: dot-separated keys, [N] indexes, ["key.with.dots"] quoted keys.
 */
#include <stdio.h>

#include "config.h"

struct gwr_builder {
  gwr_config *cfg;
  gwr__node *root;
};

int gwr_builder_new(gwr_builder **out, gwr_config *cfg) {
  gwr_builder *b;
  if (!out) return GWR_E_INVALID;
  *out = NULL;
  if (!cfg) return GWR_E_INVALID;
  b = gwr__calloc(&cfg->alloc, 1, sizeof *b);
  if (!b) return GWR_E_NOMEM;
  b->cfg = cfg;
  b->root = gwr__node_new(cfg->arena, GWR_NODE_MAP);
  if (!b->root) {
    gwr__free(&cfg->alloc, b);
    return GWR_E_NOMEM;
  }
  *out = b;
  return GWR_OK;
}

void gwr_builder_free(gwr_builder *b) {
  if (b) gwr__free(&b->cfg->alloc, b);
}

/* One path step: a key (map) or an index (seq). */
typedef struct step {
  int is_index;
  size_t index;
  const char *key;
  size_t key_len;
} step;

/* Read the next step at *pos; 0 on a malformed path. */
static int next_step(const char *p, size_t len, size_t *pos, step *st) {
  size_t i = *pos;
  memset(st, 0, sizeof *st);
  if (i < len && p[i] == '.') i++;
  if (i < len && p[i] == '[' && i + 1 < len && p[i + 1] == '"') {
    size_t start = i + 2, end = start;
    while (end < len && p[end] != '"') end++;
    if (end + 1 >= len || p[end + 1] != ']' || end == start) return 0;
    st->key = p + start;
    st->key_len = end - start;
    *pos = end + 2;
    return 1;
  }
  if (i < len && p[i] == '[') {
    size_t v = 0, d = 0;
    for (i++; i < len && p[i] >= '0' && p[i] <= '9' && d < 9; i++, d++) v = v * 10 + (size_t)(p[i] - '0');
    if (d == 0 || i >= len || p[i] != ']') return 0;
    st->is_index = 1;
    st->index = v;
    *pos = i + 1;
    return 1;
  }
  st->key = p + i;
  while (i < len && p[i] != '.' && p[i] != '[') i++;
  st->key_len = (size_t)(p + i - st->key);
  *pos = i;
  return st->key_len > 0;
}

static gwr__node *child_for(gwr_builder *b, gwr__node *parent, const step *st, int type) {
  gwr__arena *ar = b->cfg->arena;
  gwr__node *n;
  if (st->is_index) {
    if (parent->type != GWR_NODE_SEQ || st->index > parent->count) return NULL;
    if (st->index < parent->count) return parent->items[st->index];
    n = gwr__node_new(ar, type);
    return n && gwr__node_seq_add(ar, parent, n) == GWR_OK ? n : NULL;
  }
  if (parent->type != GWR_NODE_MAP) return NULL;
  {
    size_t i;
    gwr__node *key;
    for (i = 0; i < parent->count; i++)
      if (gwr__sv_eq(parent->keys[i]->text, gwr__sv_make(st->key, st->key_len))) return parent->items[i];
    key = gwr__node_new(ar, GWR_NODE_STRING);
    n = gwr__node_new(ar, type);
    if (!key || !n) return NULL;
    key->text.ptr = gwr__arena_strndup(ar, st->key, st->key_len);
    key->text.len = st->key_len;
    if (!key->text.ptr || gwr__node_map_add(ar, parent, key, n) != GWR_OK) return NULL;
    return n;
  }
}

/* Walk/create the containers of path; return the leaf node to fill. */
static gwr__node *leaf_for(gwr_builder *b, const char *path, size_t len) {
  gwr__node *cur = b->root;
  size_t pos = 0;
  step st, peek;
  if (!path || !len || !next_step(path, len, &pos, &st)) return NULL;
  for (;;) {
    size_t save = pos;
    int more = pos < len;
    int type = GWR_NODE_NULL;
    if (more) {
      if (!next_step(path, len, &save, &peek)) return NULL;
      type = peek.is_index ? GWR_NODE_SEQ : GWR_NODE_MAP;
    }
    cur = child_for(b, cur, &st, type);
    if (!cur) return NULL;
    if (!more) return cur;
    if (cur->type != type) return NULL;
    st = peek;
    pos = save;
  }
}

static int set_leaf(gwr_builder *b, const char *path, size_t len, int type, const char *s,
                    size_t slen, int64_t i) {
  gwr__node *n;
  if (!b || (!s && slen)) return GWR_E_INVALID;
  n = leaf_for(b, path, len);
  if (!n || (n->type != GWR_NODE_NULL && n->type != type)) return GWR_E_INVALID;
  n->type = type;
  n->i = i;
  if (type == GWR_NODE_STRING) {
    char *copy = gwr__arena_strndup(b->cfg->arena, s ? s : "", slen);
    if (!copy) return GWR_E_NOMEM;
    n->text = gwr__sv_make(copy, slen);
  } else {
    char *t = gwr__arena_printf(b->cfg->arena, "%lld", (long long)i);
    if (!t) return GWR_E_NOMEM;
    n->text = gwr__sv_cstr(t);
  }
  return GWR_OK;
}

int gwr_builder_set_string(gwr_builder *b, const char *path, size_t path_len, const char *value,
                           size_t value_len) {
  return set_leaf(b, path, path_len, GWR_NODE_STRING, value, value_len, 0);
}

int gwr_builder_set_int(gwr_builder *b, const char *path, size_t path_len, int64_t value) {
  return set_leaf(b, path, path_len, GWR_NODE_INT, NULL, 0, value);
}

int gwr_builder_set_bool(gwr_builder *b, const char *path, size_t path_len, int32_t value) {
  return set_leaf(b, path, path_len, GWR_NODE_BOOL, NULL, 0, value ? 1 : 0);
}

int gwr_builder_commit(gwr_builder *b, gwr_error *err) {
  gwr_config *cfg;
  size_t before;
  int rc;
  if (!b) return gwr__error_set(err, GWR_E_INVALID, "invalid argument");
  cfg = b->cfg;
  before = cfg->model.problems.len;
  gwr__error_clear(err);
  rc = gwr__load_tree(cfg, b->root, "<builder>");
  gwr_builder_free(b);
  if (rc != GWR_OK) return gwr__error_set(err, rc, "%s", gwr_strerror(rc));
  if (cfg->model.problems.len > before) {
    gwr__error_copy(err, &GWR_VEC_AT(&cfg->model.problems, gwr__problem, before).err);
    return GWR_E_SCHEMA;
  }
  return GWR_OK;
}
