/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config.c - public entry points for configs and builders: check the
 * arguments, then call the load stage (doc.c, load.c). Also the version and
 * status-text functions. Nothing here prints.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "config.h"

/* ---- version and status texts -------------------------------------------- */

uint32_t gwr_version(void) { return GWR_VERSION_NUMBER; }

const char *gwr_version_string(void) { return GWR_VERSION_STRING; }

const char *gwr_strerror(int status) {
  switch (status) {
#define GWR_STATUS_TEXT_(name, value, text) \
  case value:                                \
    return text;
    GWR_STATUS_MAP(GWR_STATUS_TEXT_)
#undef GWR_STATUS_TEXT_
    default:
      return "unknown status";
  }
}

/* ---- the shared object store ---------------------------------------------- */

gwr__store *gwr__store_ref(gwr__store *s) {
  __atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
  return s;
}

void gwr__store_unref(gwr__store *s) {
  gwr__alloc alloc;
  if (!s || __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) != 0) return;
  alloc = s->alloc;
  gwr__arena_free(&s->arena);
  gwr__free(&alloc, s);
}

/* ---- config lifecycle ------------------------------------------------------ */

static void default_options(gwr__options *o) {
  o->regex_order = GWR_REGEX_ORDER_ENVOY;
  o->regex_match_limit = 10000;
  o->regex_max_length = 1024;
  o->all_zero_status = 500;
  o->max_objects = 100000;
  o->max_header_bytes = 8192;
  o->path_normalize = GWR_PATH_NORMALIZE_DOT_SEGMENTS;
  o->max_aliases = 1000;
  o->grpc_conflicts = 1;
  o->max_document = (size_t)64 << 20;
  o->max_depth = 256;
  o->max_string = (size_t)1 << 20;
  o->regex_heap_kib = 1024;
}

static int allocator_ok(const gwr_allocator *a) {
  if (!a) return 1;
  if (a->struct_size < offsetof(gwr_allocator, ctx) + sizeof(void *)) return 0;
  return (a->malloc == NULL) == (a->free == NULL);
}

int gwr_config_new(gwr_config **out, const gwr_allocator *alloc) {
  gwr__alloc a;
  gwr_config *cfg;
  if (!out) return GWR_E_INVALID;
  *out = NULL;
  if (!allocator_ok(alloc)) return GWR_E_INVALID;
  gwr__alloc_init(&a, alloc);
  cfg = gwr__calloc(&a, 1, sizeof *cfg);
  if (!cfg) return GWR_E_NOMEM;
  cfg->alloc = a;
  cfg->store = gwr__calloc(&a, 1, sizeof *cfg->store);
  if (!cfg->store) {
    gwr__free(&a, cfg);
    return GWR_E_NOMEM;
  }
  cfg->store->alloc = a;
  cfg->store->refs = 1;
  gwr__arena_init(&cfg->store->arena, &cfg->store->alloc);
  cfg->arena = &cfg->store->arena;
  gwr__vec_init(&cfg->model.classes, sizeof(void *));
  gwr__vec_init(&cfg->model.gateways, sizeof(void *));
  gwr__vec_init(&cfg->model.routes, sizeof(void *));
  gwr__vec_init(&cfg->model.grants, sizeof(void *));
  gwr__vec_init(&cfg->model.services, sizeof(void *));
  gwr__vec_init(&cfg->model.secrets, sizeof(void *));
  gwr__vec_init(&cfg->model.namespaces, sizeof(void *));
  gwr__vec_init(&cfg->model.listenersets, sizeof(void *));
  gwr__vec_init(&cfg->model.ingresses, sizeof(void *));
  gwr__vec_init(&cfg->model.ingressclasses, sizeof(void *));
  gwr__vec_init(&cfg->model.problems, sizeof(gwr__problem));
  default_options(&cfg->opt);
  *out = cfg;
  return GWR_OK;
}

void gwr_config_free(gwr_config *cfg) {
  gwr__alloc a;
  gwr__model *m;
  if (!cfg) return;
  a = cfg->alloc;
  m = &cfg->model;
  gwr__vec_free(&m->classes, &a);
  gwr__vec_free(&m->gateways, &a);
  gwr__vec_free(&m->routes, &a);
  gwr__vec_free(&m->grants, &a);
  gwr__vec_free(&m->services, &a);
  gwr__vec_free(&m->secrets, &a);
  gwr__vec_free(&m->namespaces, &a);
  gwr__vec_free(&m->listenersets, &a);
  gwr__vec_free(&m->ingresses, &a);
  gwr__vec_free(&m->ingressclasses, &a);
  gwr__vec_free(&m->problems, &a);
  gwr__free(&a, cfg->seen);
  gwr__store_unref(cfg->store);
  gwr__free(&a, cfg);
}

int gwr__config_problem(gwr_config *cfg, const char *kind, gwr__sv ns, gwr__sv name,
                        const char *field, const char *message, const char *source,
                        uint32_t line, uint32_t column) {
  gwr__problem *p = gwr__vec_push(&cfg->model.problems, &cfg->alloc);
  char full[1024];
  if (!p) return GWR_E_NOMEM;
  p->err.struct_size = sizeof p->err;
  if (name.len)
    snprintf(full, sizeof full, "%s %s%s%s: %s%s%s", kind, ns.len ? ns.ptr : "", ns.len ? "/" : "",
             name.ptr, field && *field ? field : "", field && *field ? ": " : "", message);
  else
    snprintf(full, sizeof full, "%s: %s%s%s", kind, field && *field ? field : "",
             field && *field ? ": " : "", message);
  gwr__error_object(&p->err, GWR_E_SCHEMA, kind, ns.ptr, name.ptr, field, full);
  gwr__error_position(&p->err, source, line, column);
  return GWR_OK;
}

/* ---- loading ---------------------------------------------------------------- */

static int load_text(gwr_config *cfg, const char *text, size_t len, const char *source,
                     gwr_error *err) {
  gwr__docs docs;
  gwr__doc_limits limits;
  size_t i;
  int rc;
  gwr__error_clear(err);
  if (len > cfg->opt.max_document)
    return gwr__error_set(err, GWR_E_LIMIT, "%s: %zu bytes of text exceed the limit of %zu "
                          "(GWR_OPT_MAX_DOCUMENT_BYTES)", source, len, cfg->opt.max_document);
  limits.max_aliases = cfg->opt.max_aliases;
  /* alias-free text never expands beyond its own size; bombs stay linear */
  limits.max_expanded = 1000000 + len;
  limits.max_depth = cfg->opt.max_depth;
  limits.max_string = cfg->opt.max_string;
  /* the tree goes into the store arena: model strings are views into it */
  rc = gwr__doc_parse(&docs, cfg->arena, text, len, source, &limits, err);
  if (rc != GWR_OK) return rc;
  for (i = 0; i < docs.count; i++)
    if ((rc = gwr__load_tree(cfg, docs.roots[i], source)) != GWR_OK)
      return gwr__error_set(err, rc, "%s: %s", source, gwr_strerror(rc));
  return GWR_OK;
}

int gwr_config_load(gwr_config *cfg, const char *text, size_t text_len, const char *source,
                    size_t source_len, gwr_error *err) {
  const char *name;
  if (!cfg || (!text && text_len)) return gwr__error_set(err, GWR_E_INVALID, "invalid argument");
  name = source && source_len ? gwr__arena_strndup(cfg->arena, source, source_len) : "<input>";
  if (!name) return gwr__error_set(err, GWR_E_NOMEM, "out of memory");
  return load_text(cfg, text ? text : "", text_len, name, err);
}

static int read_file(const gwr__alloc *a, const char *path, char **out, size_t *len,
                     gwr_error *err) {
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  size_t cap = 0, n = 0;
  if (!f) return gwr__error_set(err, GWR_E_IO, "%s: %s", path, strerror(errno));
  for (;;) {
    size_t got;
    if (n == cap) {
      size_t ncap = cap ? cap * 2 : 65536;
      char *nb = gwr__malloc(a, ncap);
      if (!nb) {
        gwr__free(a, buf);
        fclose(f);
        return gwr__error_set(err, GWR_E_NOMEM, "%s: out of memory", path);
      }
      if (n) memcpy(nb, buf, n);
      gwr__free(a, buf);
      buf = nb;
      cap = ncap;
    }
    got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) break;
  }
  if (ferror(f)) {
    gwr__free(a, buf);
    fclose(f);
    return gwr__error_set(err, GWR_E_IO, "%s: read error", path);
  }
  fclose(f);
  *out = buf;
  *len = n;
  return GWR_OK;
}

static int load_file(gwr_config *cfg, const char *path, gwr_error *err) {
  char *buf = NULL;
  size_t len = 0;
  const char *name = gwr__arena_strndup(cfg->arena, path, strlen(path));
  int rc;
  if (!name) return gwr__error_set(err, GWR_E_NOMEM, "out of memory");
  if ((rc = read_file(&cfg->alloc, path, &buf, &len, err)) != GWR_OK) return rc;
  rc = load_text(cfg, buf, len, name, err);
  gwr__free(&cfg->alloc, buf);
  return rc;
}

static int manifest_name(const char *n) {
  size_t l = strlen(n);
  if (n[0] == '.') return 0;
  return (l > 5 && strcmp(n + l - 5, ".yaml") == 0) || (l > 4 && strcmp(n + l - 4, ".yml") == 0) ||
         (l > 5 && strcmp(n + l - 5, ".json") == 0);
}

static int name_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every manifest of a folder, sorted by name; the first failure is kept. */
static int load_dir(gwr_config *cfg, const char *path, gwr_error *err) {
  DIR *d = opendir(path);
  struct dirent *e;
  gwr__vec names;
  size_t i;
  int rc = GWR_OK, first = GWR_OK;
  if (!d) return gwr__error_set(err, GWR_E_IO, "%s: %s", path, strerror(errno));
  gwr__vec_init(&names, sizeof(char *));
  while ((e = readdir(d)) != NULL && rc == GWR_OK) {
    char **slot;
    if (!manifest_name(e->d_name)) continue;
    slot = gwr__vec_push(&names, &cfg->alloc);
    if (!slot || !(*slot = gwr__arena_printf(cfg->arena, "%s/%s", path, e->d_name)))
      rc = GWR_E_NOMEM;
  }
  closedir(d);
  if (names.len) qsort(names.data, names.len, sizeof(char *), name_cmp);
  for (i = 0; i < names.len && rc != GWR_E_NOMEM; i++) {
    gwr_error one = GWR_ERROR_INIT;
    rc = load_file(cfg, GWR_VEC_AT(&names, char *, i), &one);
    if (rc != GWR_OK && first == GWR_OK) {
      first = rc;
      gwr__error_copy(err, &one);
    }
  }
  gwr__vec_free(&names, &cfg->alloc);
  if (rc == GWR_E_NOMEM) return gwr__error_set(err, rc, "%s: out of memory", path);
  return first;
}

int gwr_config_load_path(gwr_config *cfg, const char *path, size_t path_len, gwr_error *err) {
  char *p;
  struct stat st;
  if (!cfg || !path || !path_len) return gwr__error_set(err, GWR_E_INVALID, "invalid argument");
  p = gwr__arena_strndup(cfg->arena, path, path_len);
  if (!p) return gwr__error_set(err, GWR_E_NOMEM, "out of memory");
  if (stat(p, &st) != 0) return gwr__error_set(err, GWR_E_IO, "%s: %s", p, strerror(errno));
  gwr__error_clear(err);
  return S_ISDIR(st.st_mode) ? load_dir(cfg, p, err) : load_file(cfg, p, err);
}

/* ---- counters, problems, options ---------------------------------------------- */

size_t gwr_config_count(const gwr_config *cfg, int32_t which) {
  if (!cfg) return 0;
  switch (which) {
    case GWR_COUNT_OBJECTS: return cfg->model.objects;
    case GWR_COUNT_SKIPPED: return cfg->model.skipped;
    case GWR_COUNT_PROBLEMS: return cfg->model.problems.len;
    case GWR_COUNT_REPLACED: return cfg->model.replaced;
    case GWR_COUNT_INGRESSES: return cfg->model.ingresses.len;
    default: return 0;
  }
}

int gwr_config_problem(const gwr_config *cfg, size_t index, gwr_error *out) {
  if (!cfg || !out || out->struct_size < sizeof(size_t)) return GWR_E_INVALID;
  if (index >= cfg->model.problems.len) return GWR_E_NOTFOUND;
  gwr__error_copy(out, &GWR_VEC_AT(&cfg->model.problems, gwr__problem, index).err);
  return GWR_OK;
}

int gwr_config_set_option(gwr_config *cfg, int32_t option, int64_t value) {
  gwr__options *o;
  if (!cfg) return GWR_E_INVALID;
  o = &cfg->opt;
  switch (option) {
    case GWR_OPT_REGEX_ORDER:
      if (value != GWR_REGEX_ORDER_ENVOY && value != GWR_REGEX_ORDER_ISTIO) return GWR_E_INVALID;
      o->regex_order = (int)value;
      return GWR_OK;
    case GWR_OPT_REGEX_MATCH_LIMIT:
      if (value < 1 || value > 100000000) return GWR_E_INVALID;
      o->regex_match_limit = (uint32_t)value;
      return GWR_OK;
    case GWR_OPT_REGEX_MAX_LENGTH:
      if (value < 1 || value > 65536) return GWR_E_INVALID;
      o->regex_max_length = (size_t)value;
      return GWR_OK;
    case GWR_OPT_ALL_ZERO_WEIGHT_STATUS:
      if (value < 100 || value > 599) return GWR_E_INVALID;
      o->all_zero_status = (int)value;
      return GWR_OK;
    case GWR_OPT_MAX_OBJECTS:
      if (value < 1 || value > 10000000) return GWR_E_INVALID;
      o->max_objects = (size_t)value;
      return GWR_OK;
    case GWR_OPT_MAX_HEADER_BYTES:
      if (value < 64 || value > 1048576) return GWR_E_INVALID;
      o->max_header_bytes = (size_t)value;
      return GWR_OK;
    case GWR_OPT_PATH_NORMALIZE:
      if (value != GWR_PATH_NORMALIZE_NONE && value != GWR_PATH_NORMALIZE_DOT_SEGMENTS) return GWR_E_INVALID;
      o->path_normalize = (int)value;
      return GWR_OK;
    case GWR_OPT_MAX_YAML_ALIASES:
      if (value < 0 || value > 1000000) return GWR_E_INVALID;
      o->max_aliases = (size_t)value;
      return GWR_OK;
    case GWR_OPT_GRPC_HOSTNAME_CONFLICTS:
      if (value != 0 && value != 1) return GWR_E_INVALID;
      o->grpc_conflicts = (int)value;
      return GWR_OK;
    case GWR_OPT_MAX_DOCUMENT_BYTES:
      if (value < 1 || value > ((int64_t)1 << 40)) return GWR_E_INVALID;
      o->max_document = (size_t)value;
      return GWR_OK;
    case GWR_OPT_MAX_DEPTH:
      if (value < 4 || value > 10000) return GWR_E_INVALID;
      o->max_depth = (size_t)value;
      return GWR_OK;
    case GWR_OPT_MAX_STRING_BYTES:
      if (value < 256 || value > ((int64_t)1 << 32)) return GWR_E_INVALID;
      o->max_string = (size_t)value;
      return GWR_OK;
    case GWR_OPT_REGEX_HEAP_LIMIT:
      if (value < 1 || value > 4194304) return GWR_E_INVALID;
      o->regex_heap_kib = (uint32_t)value;
      return GWR_OK;
    default:
      return GWR_E_INVALID;
  }
}

int gwr_config_set_controller(gwr_config *cfg, const char *name, size_t name_len) {
  char *copy;
  if (!cfg || (!name && name_len)) return GWR_E_INVALID;
  copy = gwr__arena_strndup(cfg->arena, name ? name : "", name_len);
  if (!copy) return GWR_E_NOMEM;
  cfg->controller = gwr__sv_make(copy, name_len);
  return GWR_OK;
}
