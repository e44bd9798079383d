/* SPDX-License-Identifier: Apache-2.0 */
/*
 * load.c - stage 1b: document trees into the typed model.
 *
 * In: one document root (an object, a `List`, or an array of objects).
 * Out: model objects with Kubernetes defaults applied, or a config problem
 * naming the object and the field path ("HTTPRoute default/api:
 * spec.rules[0].matches: must be a list"). Reading is strict about types
 * (a number where a string belongs is an error) and ignores unknown fields.
 * Each object then goes through validate.c; an object that fails either is
 * kept out of the model and never affects the others.
 */
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "hash.h"

typedef struct reader {
  gwr_config *cfg;
  gwr__arena *ar;
  const char *kind;
  const char *kind_version; /* apiVersion */
  gwr__sv ns, name;
  const char *source;
  char path[512];
  size_t path_len;
  gwr__rule *rule; /* the rule being read, for rule-level problems */
  int failed;     /* a schema problem was recorded */
  int nomem;
  char message[512];
  char field[512];
  uint32_t line, column;
} reader;

/* ---- field path and failure ------------------------------------------- */

static size_t push_key(reader *r, const char *key) {
  size_t saved = r->path_len;
  int n = snprintf(r->path + r->path_len, sizeof r->path - r->path_len, "%s%s",
                   r->path_len ? "." : "", key);
  if (n > 0) r->path_len += (size_t)n;
  if (r->path_len >= sizeof r->path) r->path_len = sizeof r->path - 1;
  return saved;
}

static size_t push_index(reader *r, size_t i) {
  size_t saved = r->path_len;
  int n = snprintf(r->path + r->path_len, sizeof r->path - r->path_len, "[%zu]", i);
  if (n > 0) r->path_len += (size_t)n;
  if (r->path_len >= sizeof r->path) r->path_len = sizeof r->path - 1;
  return saved;
}

static void pop(reader *r, size_t saved) {
  r->path_len = saved;
  r->path[saved] = '\0';
}

static int fail(reader *r, const gwr__node *at, const char *what) {
  if (r->failed) return 0;
  r->failed = 1;
  snprintf(r->field, sizeof r->field, "%s", r->path);
  snprintf(r->message, sizeof r->message, "%s", what);
  r->line = at ? at->line : 0;
  r->column = at ? at->column : 0;
  return 0;
}

static int nomem(reader *r) {
  r->nomem = 1;
  r->failed = 1;
  return 0;
}

static const char *type_name(int type) {
  switch (type) {
    case GWR_NODE_NULL: return "null";
    case GWR_NODE_BOOL: return "a boolean";
    case GWR_NODE_INT: return "an integer";
    case GWR_NODE_FLOAT: return "a number";
    case GWR_NODE_STRING: return "a string";
    case GWR_NODE_MAP: return "an object";
    default: return "a list";
  }
}

static int fail_type(reader *r, const gwr__node *n, const char *want) {
  char msg[128];
  snprintf(msg, sizeof msg, "must be %s, not %s", want, type_name(n->type));
  return fail(r, n, msg);
}

/* ---- typed field access ------------------------------------------------- */

/* A present, non-null field of map m, or NULL. */
static const gwr__node *field(const gwr__node *m, const char *key) {
  const gwr__node *n = gwr__node_get(m, key);
  return (n && n->type != GWR_NODE_NULL) ? n : NULL;
}

static int as_str(reader *r, const gwr__node *n, gwr__sv *out) {
  if (n->type != GWR_NODE_STRING) return fail_type(r, n, "a string");
  *out = n->text;
  return 1;
}

/* Optional string field; *out untouched when absent. Required: error. */
static int get_str(reader *r, const gwr__node *m, const char *key,
                   gwr__sv *out, int required) {
  const gwr__node *n = field(m, key);
  size_t saved = push_key(r, key);
  int ok = 1;
  if (!n) {
    if (required) ok = fail(r, m, "Required value");
  } else {
    ok = as_str(r, n, out);
  }
  pop(r, saved);
  return ok;
}

static int get_int(reader *r, const gwr__node *m, const char *key,
                   int64_t *out, int *present) {
  const gwr__node *n = field(m, key);
  size_t saved = push_key(r, key);
  int ok = 1;
  if (present) *present = n != NULL;
  if (n) {
    if (n->type == GWR_NODE_INT)
      *out = n->i;
    else
      ok = fail_type(r, n, "an integer");
  }
  pop(r, saved);
  return ok;
}

static int get_bool(reader *r, const gwr__node *m, const char *key, int *out) {
  const gwr__node *n = field(m, key);
  size_t saved = push_key(r, key);
  int ok = 1;
  if (n) {
    if (n->type == GWR_NODE_BOOL)
      *out = (int)n->i;
    else
      ok = fail_type(r, n, "a boolean");
  }
  pop(r, saved);
  return ok;
}

/* Optional object / list field: NULL when absent, error on wrong type. */
static int get_node(reader *r, const gwr__node *m, const char *key, int type,
                    const gwr__node **out) {
  const gwr__node *n = field(m, key);
  *out = NULL;
  if (!n) return 1;
  if (n->type != type) {
    size_t saved = push_key(r, key);
    fail_type(r, n, type == GWR_NODE_MAP ? "an object" : "a list");
    pop(r, saved);
    return 0;
  }
  *out = n;
  return 1;
}

/* Allocate an array of n elements (NULL for 0). */
static void *alloc_array(reader *r, size_t n, size_t size) {
  void *p;
  if (n == 0) return NULL;
  p = gwr__arena_array(r->ar, n, size);
  if (!p) nomem(r);
  return p;
}

/* A list field: each item read by each(r, item, element) with the path set;
 * with want_map, items that are not objects are errors. */
typedef int (*item_fn)(reader *r, const gwr__node *item, void *elem);

static int get_list(reader *r, const gwr__node *m, const char *key, size_t elem_size, void **out,
                    size_t *count, int want_map, item_fn each) {
  const gwr__node *s;
  size_t i, saved;
  if (!get_node(r, m, key, GWR_NODE_SEQ, &s)) return 0;
  if (!s) return 1;
  *out = alloc_array(r, s->count, elem_size);
  if (s->count && !*out) return 0;
  *count = s->count;
  saved = push_key(r, key);
  for (i = 0; i < s->count && !r->failed; i++) {
    size_t si = push_index(r, i);
    if (want_map && s->items[i]->type != GWR_NODE_MAP)
      fail_type(r, s->items[i], "an object");
    else
      each(r, s->items[i], (char *)*out + i * elem_size);
    pop(r, si);
  }
  pop(r, saved);
  return !r->failed;
}

static int str_item(reader *r, const gwr__node *item, void *elem) { return as_str(r, item, elem); }

static int int_item(reader *r, const gwr__node *item, void *elem) {
  if (item->type != GWR_NODE_INT) return fail_type(r, item, "an integer");
  *(int64_t *)elem = item->i;
  return 1;
}

static int get_str_list(reader *r, const gwr__node *m, const char *key, gwr__sv **out,
                        size_t *count) {
  return get_list(r, m, key, sizeof **out, (void **)out, count, 0, str_item);
}

static int get_obj_list(reader *r, const gwr__node *m, const char *key, size_t elem_size,
                        void **out, size_t *count, item_fn each) {
  return get_list(r, m, key, elem_size, out, count, 1, each);
}

/* Enter an object field: returns the map (or NULL) with the path pushed. */
static const gwr__node *enter(reader *r, const gwr__node *m, const char *key,
                              size_t *saved) {
  const gwr__node *n = NULL;
  get_node(r, m, key, GWR_NODE_MAP, &n);
  *saved = push_key(r, key);
  return n;
}

static int get_port(reader *r, const gwr__node *m, const char *key,
                    uint32_t *out) {
  int64_t v = 0;
  int present = 0;
  if (!get_int(r, m, key, &v, &present)) return 0;
  if (present) {
    if (v < 1 || v > 65535) {
      size_t saved = push_key(r, key);
      fail(r, field(m, key), "must be between 1 and 65535");
      pop(r, saved);
      return 0;
    }
    *out = (uint32_t)v;
  }
  return 1;
}

/* ---- metadata ------------------------------------------------------------- */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  int64_t era;
  unsigned yoe, doy, doe;
  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = (unsigned)(y - era * 400);
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char *s, int n, int *out) {
  int i, v = 0;
  for (i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 1;
}

/* RFC 3339 "2024-01-01T10:00:00Z" (fraction and offset allowed). */
static int parse_time(gwr__sv t, int64_t *out) {
  const char *s = t.ptr;
  int y, mo, d, h, mi, se, oh = 0, om = 0;
  size_t i = 19;
  int64_t off = 0;
  if (t.len < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      s[13] != ':' || s[16] != ':')
    return 0;
  if (!digits(s, 4, &y) || !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d) ||
      !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) || !digits(s + 17, 2, &se))
    return 0;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return 0;
  if (s[i] == '.') {
    for (i++; i < t.len && s[i] >= '0' && s[i] <= '9'; i++) {
    }
  }
  if (i < t.len && (s[i] == 'Z' || s[i] == 'z')) {
    i++;
  } else if (i + 6 == t.len && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':' &&
             digits(s + i + 1, 2, &oh) && digits(s + i + 4, 2, &om)) {
    off = (int64_t)(oh * 3600 + om * 60) * (s[i] == '+' ? 1 : -1);
    i += 6;
  } else {
    return 0;
  }
  if (i != t.len) return 0;
  *out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se - off;
  return 1;
}

static int read_labels(reader *r, const gwr__node *m, const char *key,
                       gwr__label **out, size_t *count) {
  const gwr__node *lm;
  size_t i, saved;
  if (!get_node(r, m, key, GWR_NODE_MAP, &lm) || !lm) return !r->failed;
  *out = alloc_array(r, lm->count, sizeof **out);
  if (lm->count && !*out) return 0;
  *count = lm->count;
  saved = push_key(r, key);
  for (i = 0; i < lm->count && !r->failed; i++) {
    size_t sk = push_key(r, lm->keys[i]->text.ptr);
    (*out)[i].key = lm->keys[i]->text;
    as_str(r, lm->items[i], &(*out)[i].value);
    pop(r, sk);
  }
  pop(r, saved);
  return !r->failed;
}

static int read_meta(reader *r, const gwr__node *obj, gwr__meta *meta,
                     int namespaced) {
  size_t saved;
  const gwr__node *md = enter(r, obj, "metadata", &saved);
  gwr__sv ts = {NULL, 0};
  int present = 0;
  meta->generation = 1;
  meta->ns = gwr__sv_cstr(namespaced ? "default" : "");
  if (!md) {
    fail(r, obj, "Required value");
    pop(r, saved);
    return 0;
  }
  get_str(r, md, "name", &meta->name, 1);
  if (namespaced) get_str(r, md, "namespace", &meta->ns, 0);
  get_int(r, md, "generation", &meta->generation, &present);
  if (get_str(r, md, "creationTimestamp", &ts, 0) && ts.len &&
      !parse_time(ts, &meta->created)) {
    size_t s2 = push_key(r, "creationTimestamp");
    fail(r, field(md, "creationTimestamp"), "must be an RFC 3339 time");
    pop(r, s2);
  }
  read_labels(r, md, "labels", &meta->labels, &meta->label_count);
  pop(r, saved);
  if (meta->name.len) r->name = meta->name;
  r->ns = meta->ns;
  return !r->failed;
}

/* ---- shared references ---------------------------------------------------- */

/* An object reference with defaults for group and kind. */
static void read_ref(reader *r, const gwr__node *m, gwr__objref *ref,
                     const char *def_group, const char *def_kind,
                     gwr__sv def_ns) {
  ref->group = gwr__sv_cstr(def_group);
  ref->kind = gwr__sv_cstr(def_kind);
  ref->ns = def_ns;
  get_str(r, m, "group", &ref->group, 0);
  get_str(r, m, "kind", &ref->kind, 0);
  get_str(r, m, "name", &ref->name, 1);
  ref->ns_set = field(m, "namespace") != NULL;
  get_str(r, m, "namespace", &ref->ns, 0);
  get_port(r, m, "port", &ref->port);
}

static int read_parentref(reader *r, const gwr__node *m, void *elem) {
  gwr__parentref *p = elem;
  read_ref(r, m, &p->ref, GWR_GROUP_GATEWAY, "Gateway", r->ns);
  p->group_set = field(m, "group") != NULL;
  p->kind_set = field(m, "kind") != NULL;
  get_str(r, m, "sectionName", &p->section, 0);
  return !r->failed;
}

/* ---- HTTPRoute ------------------------------------------------------------- */

static void default_match(reader *r, gwr__rule *rule);

static void rule_unsupported(reader *r, gwr__rule *rule, gwr__sv value) {
  if (!rule) {
    fail(r, NULL, "unsupported value");
    return;
  }
  if (rule->invalid_reason) return;
  rule->invalid_reason = "UnsupportedValue";
  rule->invalid_message =
      gwr__arena_printf(r->ar, "%s: unsupported value \"%.*s\"", r->path,
                        (int)value.len, value.ptr);
  if (!rule->invalid_message) nomem(r);
}

static int read_kv_match(reader *r, const gwr__node *m, void *elem) {
  gwr__kv_match *kv = elem;
  gwr__sv type = gwr__sv_cstr("Exact");
  get_str(r, m, "type", &type, 0);
  get_str(r, m, "name", &kv->name, 1);
  get_str(r, m, "value", &kv->value, 1);
  if (gwr__sv_eq_cstr(type, "Exact"))
    kv->type = GWR_VALUE_EXACT;
  else if (gwr__sv_eq_cstr(type, "RegularExpression"))
    kv->type = GWR_VALUE_REGEX;
  else {
    size_t s = push_key(r, "type");
    rule_unsupported(r, r->rule, type);
    pop(r, s);
  }
  return !r->failed;
}

static int read_match(reader *r, const gwr__node *m, void *elem) {
  gwr__match *mt = elem;
  size_t saved;
  const gwr__node *p = enter(r, m, "path", &saved);
  gwr__sv type = gwr__sv_cstr("PathPrefix");
  mt->path = gwr__sv_cstr("/");
  if (p) {
    get_str(r, p, "type", &type, 0);
    get_str(r, p, "value", &mt->path, 0);
  }
  if (gwr__sv_eq_cstr(type, "PathPrefix"))
    mt->path_type = GWR_PATH_PREFIX;
  else if (gwr__sv_eq_cstr(type, "Exact"))
    mt->path_type = GWR_PATH_EXACT;
  else if (gwr__sv_eq_cstr(type, "RegularExpression"))
    mt->path_type = GWR_PATH_REGEX;
  else {
    size_t s = push_key(r, "type");
    rule_unsupported(r, r->rule, type);
    pop(r, s);
  }
  pop(r, saved);
  get_obj_list(r, m, "headers", sizeof(gwr__kv_match), (void **)&mt->headers,
               &mt->header_count, read_kv_match);
  get_obj_list(r, m, "queryParams", sizeof(gwr__kv_match),
               (void **)&mt->queries, &mt->query_count, read_kv_match);
  get_str(r, m, "method", &mt->method, 0);
  return !r->failed;
}

static int read_header_pair(reader *r, const gwr__node *m, void *elem) {
  gwr__label *l = elem;
  get_str(r, m, "name", &l->key, 1);
  get_str(r, m, "value", &l->value, 1);
  return !r->failed;
}

static void read_header_mod(reader *r, const gwr__node *m, gwr__header_mod *h) {
  get_obj_list(r, m, "set", sizeof(gwr__label), (void **)&h->set, &h->set_count,
               read_header_pair);
  get_obj_list(r, m, "add", sizeof(gwr__label), (void **)&h->add, &h->add_count,
               read_header_pair);
  get_str_list(r, m, "remove", &h->remove, &h->remove_count);
}

static void read_path_mod(reader *r, const gwr__node *m, gwr__path_mod *pm) {
  size_t saved;
  const gwr__node *p = enter(r, m, "path", &saved);
  gwr__sv type = {NULL, 0};
  if (p) {
    get_str(r, p, "type", &type, 1);
    pm->full_set = field(p, "replaceFullPath") != NULL;
    pm->prefix_set = field(p, "replacePrefixMatch") != NULL;
    get_str(r, p, "replaceFullPath", &pm->value, 0);
    get_str(r, p, "replacePrefixMatch", &pm->value, 0);
    if (gwr__sv_eq_cstr(type, "ReplaceFullPath"))
      pm->type = GWR_PATHMOD_FULL;
    else if (gwr__sv_eq_cstr(type, "ReplacePrefixMatch"))
      pm->type = GWR_PATHMOD_PREFIX;
    else if (!r->failed) {
      size_t s = push_key(r, "type");
      rule_unsupported(r, r->rule, type);
      pop(r, s);
    }
    /* CEL: exactly the member named by type is set */
    if (!r->failed && ((pm->type == GWR_PATHMOD_FULL && (!pm->full_set || pm->prefix_set)) ||
                       (pm->type == GWR_PATHMOD_PREFIX && (!pm->prefix_set || pm->full_set))))
      fail(r, p, pm->type == GWR_PATHMOD_FULL
                     ? "replaceFullPath must be specified (and replacePrefixMatch not) when type is ReplaceFullPath"
                     : "replacePrefixMatch must be specified (and replaceFullPath not) when type is ReplacePrefixMatch");
  }
  pop(r, saved);
}

static void read_redirect(reader *r, const gwr__node *m, gwr__redirect *rd) {
  int64_t code = 302;
  rd->status = 302;
  get_str(r, m, "scheme", &rd->scheme, 0);
  get_str(r, m, "hostname", &rd->hostname, 0);
  get_port(r, m, "port", &rd->port);
  read_path_mod(r, m, &rd->path);
  get_int(r, m, "statusCode", &code, NULL);
  rd->status = (int)(code > 999 || code < 0 ? 0 : code);
}

static void read_mirror(reader *r, const gwr__node *m, gwr__mirror *mi) {
  size_t saved;
  const gwr__node *b = enter(r, m, "backendRef", &saved), *f;
  int present = 0;
  if (b)
    read_ref(r, b, &mi->backend, "", "Service", r->ns);
  else
    fail(r, m, "Required value");
  pop(r, saved);
  get_int(r, m, "percent", &mi->percent, &mi->percent_set);
  mi->denominator = 100;
  f = enter(r, m, "fraction", &saved);
  if (f) {
    mi->fraction_set = 1;
    get_int(r, f, "numerator", &mi->numerator, &present);
    if (!present) fail(r, f, "numerator: Required value");
    get_int(r, f, "denominator", &mi->denominator, NULL);
  }
  pop(r, saved);
}

static void read_cors(reader *r, const gwr__node *m, gwr__cors *c) {
  c->credentials = -1;
  c->max_age = 5;
  get_str_list(r, m, "allowOrigins", &c->origins, &c->origin_count);
  get_str_list(r, m, "allowMethods", &c->methods, &c->method_count);
  get_str_list(r, m, "allowHeaders", &c->allow_headers, &c->allow_header_count);
  get_str_list(r, m, "exposeHeaders", &c->expose_headers, &c->expose_header_count);
  get_bool(r, m, "allowCredentials", &c->credentials);
  get_int(r, m, "maxAge", &c->max_age, NULL);
}

static const struct {
  const char *name, *member;
  int type;
} filter_types[] = {
    {"RequestHeaderModifier", "requestHeaderModifier", GWR_FILTER_REQUEST_HEADER},
    {"ResponseHeaderModifier", "responseHeaderModifier", GWR_FILTER_RESPONSE_HEADER},
    {"RequestMirror", "requestMirror", GWR_FILTER_MIRROR},
    {"RequestRedirect", "requestRedirect", GWR_FILTER_REDIRECT},
    {"URLRewrite", "urlRewrite", GWR_FILTER_REWRITE},
    {"ExtensionRef", "extensionRef", GWR_FILTER_EXTENSION_REF},
    {"CORS", "cors", GWR_FILTER_CORS},
    {"ExternalAuth", "externalAuth", GWR_FILTER_EXTERNAL_AUTH},
};
#define FILTER_TYPES (sizeof filter_types / sizeof filter_types[0])

static void read_filter_member(reader *r, const gwr__node *mb, gwr__filter *f) {
  switch (f->type) {
    case GWR_FILTER_REQUEST_HEADER:
    case GWR_FILTER_RESPONSE_HEADER: read_header_mod(r, mb, &f->headers); break;
    case GWR_FILTER_MIRROR: read_mirror(r, mb, &f->mirror); break;
    case GWR_FILTER_REDIRECT: read_redirect(r, mb, &f->redirect); break;
    case GWR_FILTER_REWRITE:
      get_str(r, mb, "hostname", &f->rewrite.hostname, 0);
      read_path_mod(r, mb, &f->rewrite.path);
      break;
    case GWR_FILTER_EXTENSION_REF:
      f->extension.ns = r->ns;
      get_str(r, mb, "group", &f->extension.group, 1);
      get_str(r, mb, "kind", &f->extension.kind, 1);
      get_str(r, mb, "name", &f->extension.name, 1);
      break;
    case GWR_FILTER_CORS: read_cors(r, mb, &f->cors); break;
    default: break;
  }
}

static int read_filter(reader *r, const gwr__node *m, void *elem) {
  gwr__filter *f = elem;
  size_t i, saved;
  get_str(r, m, "type", &f->type_text, 1);
  if (r->failed) return 0;
  for (i = 0; i < FILTER_TYPES; i++)
    if (gwr__sv_eq_cstr(f->type_text, filter_types[i].name)) break;
  if (i == FILTER_TYPES) {
    size_t s = push_key(r, "type");
    rule_unsupported(r, r->rule, f->type_text);
    pop(r, s);
    return !r->failed;
  }
  f->type = filter_types[i].type;
  if (f->type == GWR_FILTER_EXTERNAL_AUTH) { /* F37: fail closed, never skip authentication */
    size_t s = push_key(r, "type");
    rule_unsupported(r, r->rule, f->type_text);
    pop(r, s);
  }
  {
    const gwr__node *mb = enter(r, m, filter_types[i].member, &saved);
    if (!mb)
      fail(r, m, "must be set for the filter type");
    else
      read_filter_member(r, mb, f);
    pop(r, saved);
  }
  /* CEL: only the member matching `type` may be set */
  for (i = 0; i < FILTER_TYPES && !r->failed; i++)
    if (filter_types[i].type != f->type && field(m, filter_types[i].member)) {
      saved = push_key(r, filter_types[i].member);
      fail(r, field(m, filter_types[i].member), "must not be set for this filter type");
      pop(r, saved);
    }
  return !r->failed;
}

static int read_backend(reader *r, const gwr__node *m, void *elem) {
  gwr__backend *b = elem;
  int present = 0;
  read_ref(r, m, &b->ref, "", "Service", r->ns);
  b->weight = 1;
  get_int(r, m, "weight", &b->weight, &present);
  get_obj_list(r, m, "filters", sizeof(gwr__filter), (void **)&b->filters,
               &b->filter_count, read_filter);
  return !r->failed;
}

static void read_duration(reader *r, const gwr__node *m, const char *key,
                          gwr__duration *d) {
  if (get_str(r, m, key, &d->text, 0) && d->text.ptr) d->set = 1;
}

static void read_retry(reader *r, const gwr__node *m, gwr__retry *rt) {
  size_t saved;
  const gwr__node *n = enter(r, m, "retry", &saved);
  rt->attempts = -1;
  if (n) {
    rt->set = 1;
    get_int(r, n, "attempts", &rt->attempts, NULL);
    read_duration(r, n, "backoff", &rt->backoff);
    get_list(r, n, "codes", sizeof *rt->codes, (void **)&rt->codes, &rt->code_count, 0, int_item);
  }
  pop(r, saved);
}

/* sessionPersistence in the main-branch and the v1.6.1 spellings (digest §0). */
static void read_session(reader *r, const gwr__node *m, gwr__session *sp) {
  size_t saved, s2;
  const gwr__node *n = enter(r, m, "sessionPersistence", &saved), *c;
  if (n) {
    sp->set = 1;
    sp->type = gwr__sv_cstr("Cookie");
    get_str(r, n, "type", &sp->type, 0);
    read_duration(r, n, "absoluteTimeout", &sp->absolute);
    read_duration(r, n, "idleTimeout", &sp->idle);
    sp->legacy = field(n, "sessionName") || field(n, "cookieConfig");
    get_str(r, n, "sessionName", &sp->name, 0);
    if ((c = enter(r, n, "cookieConfig", &s2))) get_str(r, c, "lifetimeType", &sp->lifetime, 0);
    pop(r, s2);
    if ((c = enter(r, n, "cookie", &s2))) {
      sp->cookie_set = 1;
      get_str(r, c, "name", &sp->name, 0);
      get_str(r, c, "path", &sp->cookie_path, 0);
      get_str(r, c, "lifetimeType", &sp->lifetime, 0);
    }
    pop(r, s2);
    if ((c = enter(r, n, "header", &s2))) {
      sp->header_set = 1;
      get_str(r, c, "name", &sp->name, 1);
    }
    pop(r, s2);
    if (gwr__sv_eq_cstr(sp->type, "Cookie")) { /* digest 6.3 defaults */
      if (!sp->cookie_path.ptr) sp->cookie_path = gwr__sv_cstr("/");
      if (!sp->lifetime.ptr) sp->lifetime = gwr__sv_cstr("Session");
    }
  }
  pop(r, saved);
}

static int read_rule(reader *r, const gwr__node *m, void *elem) {
  gwr__rule *rule = elem;
  size_t saved;
  const gwr__node *t;
  r->rule = rule;
  get_str(r, m, "name", &rule->name, 0);
  get_obj_list(r, m, "matches", sizeof(gwr__match), (void **)&rule->matches,
               &rule->match_count, read_match);
  get_obj_list(r, m, "filters", sizeof(gwr__filter), (void **)&rule->filters,
               &rule->filter_count, read_filter);
  get_obj_list(r, m, "backendRefs", sizeof(gwr__backend), (void **)&rule->backends,
               &rule->backend_count, read_backend);
  t = enter(r, m, "timeouts", &saved);
  if (t) {
    read_duration(r, t, "request", &rule->timeout_request);
    read_duration(r, t, "backendRequest", &rule->timeout_backend);
  }
  pop(r, saved);
  read_retry(r, m, &rule->retry);
  read_session(r, m, &rule->session);
  default_match(r, rule); /* H11: no matches = PathPrefix "/" */
  return !r->failed;
}

/* The default of a rule without matches (H11, G1) and of the route
 * kinds that have none (TLS, TCP, UDP): one PathPrefix "/" match. */
static void default_match(reader *r, gwr__rule *rule) {
  if (r->failed || rule->match_count) return;
  rule->matches = alloc_array(r, 1, sizeof *rule->matches);
  if (rule->matches) {
    rule->match_count = 1;
    rule->matches[0].path = gwr__sv_cstr("/");
  }
}

/* parentRefs and hostnames, shared by every route kind (hostnames: not TCP/UDP). */
static void read_common_route(reader *r, const gwr__node *spec, gwr__route *rt, int hostnames) {
  get_obj_list(r, spec, "parentRefs", sizeof(gwr__parentref), (void **)&rt->parents,
               &rt->parent_count, read_parentref);
  if (hostnames) get_str_list(r, spec, "hostnames", &rt->hostnames, &rt->hostname_count);
}

static void default_rules(reader *r, gwr__route *rt) {
  r->rule = NULL;
  if (!r->failed && rt->rule_count == 0) {
    /* digest 2.1 default: one rule matching PathPrefix "/" (11.25) */
    rt->rules = alloc_array(r, 1, sizeof *rt->rules);
    if (rt->rules) {
      rt->rule_count = 1;
      default_match(r, &rt->rules[0]);
    }
  }
}

static void read_httproute(reader *r, const gwr__node *spec, void *obj) {
  gwr__route *rt = obj;
  rt->kind = GWR_ROUTE_HTTP;
  if (spec) { /* optional: a route without spec attaches nowhere */
    read_common_route(r, spec, rt, 1);
    get_obj_list(r, spec, "rules", sizeof(gwr__rule), (void **)&rt->rules, &rt->rule_count,
                 read_rule);
  }
  default_rules(r, rt);
}

/* ---- GRPCRoute ------------------------------------------------------------- */

/* G3: the path predicate a gRPC method match stands for. Exact names are
 * [A-Za-z0-9_.] (validate.c): escaping '.' is the only quoting needed. */
static void grpc_escape(char *out, size_t cap, gwr__sv v) {
  size_t i, o = 0;
  for (i = 0; i < v.len && o + 3 < cap; i++) {
    if (v.ptr[i] == '.') out[o++] = '\\';
    out[o++] = v.ptr[i];
  }
  out[o] = '\0';
}

static void grpc_path(reader *r, gwr__match *mt) {
  const gwr__grpc_method *g = &mt->grpc;
  gwr__sv svc = g->service, m = g->method;
  const char *p = NULL;
  char es[2100], em[2100];
  if (!g->set) return; /* no method match: PathPrefix "/" */
  if (g->type == GWR_VALUE_EXACT && svc.len && m.len) {
    mt->path_type = GWR_PATH_EXACT;
    p = gwr__arena_printf(r->ar, "/%s/%s", svc.ptr, m.ptr);
  } else {
    mt->path_type = GWR_PATH_REGEX;
    if (g->type == GWR_VALUE_EXACT) {
      grpc_escape(es, sizeof es, svc);
      grpc_escape(em, sizeof em, m);
      /* "starts with /S/": any bytes after, newlines included (the G3 row is literal) */
      p = svc.len ? gwr__arena_printf(r->ar, "/%s/(?s:.*)", es)
                  : gwr__arena_printf(r->ar, "/[^/]+/%s", em);
    } else if (svc.len && m.len) {
      p = gwr__arena_printf(r->ar, "/(?:%s)/(?:%s)", svc.ptr, m.ptr);
    } else if (svc.len) {
      p = gwr__arena_printf(r->ar, "/(?:%s)/.+", svc.ptr);
    } else {
      p = gwr__arena_printf(r->ar, "/.+/(?:%s)", m.ptr);
    }
  }
  if (!p) {
    nomem(r);
    return;
  }
  mt->path = gwr__sv_cstr(p);
}

static int read_grpc_match(reader *r, const gwr__node *m, void *elem) {
  gwr__match *mt = elem;
  size_t saved;
  const gwr__node *me = enter(r, m, "method", &saved);
  mt->path = gwr__sv_cstr("/");
  if (me) {
    gwr__sv type = gwr__sv_cstr("Exact");
    mt->grpc.set = 1;
    get_str(r, me, "type", &type, 0);
    get_str(r, me, "service", &mt->grpc.service, 0);
    get_str(r, me, "method", &mt->grpc.method, 0);
    if (!mt->grpc.service.ptr) mt->grpc.service = gwr__sv_cstr("");
    if (!mt->grpc.method.ptr) mt->grpc.method = gwr__sv_cstr("");
    if (gwr__sv_eq_cstr(type, "Exact")) {
      mt->grpc.type = GWR_VALUE_EXACT;
      /* G2: the validator admits a leading '.', the wire path never has it */
      if (mt->grpc.service.len && mt->grpc.service.ptr[0] == '.') {
        mt->grpc.service.ptr++;
        mt->grpc.service.len--;
      }
    } else if (gwr__sv_eq_cstr(type, "RegularExpression")) {
      mt->grpc.type = GWR_VALUE_REGEX;
    } else {
      size_t s = push_key(r, "type");
      rule_unsupported(r, r->rule, type);
      pop(r, s);
    }
  }
  pop(r, saved);
  get_obj_list(r, m, "headers", sizeof(gwr__kv_match), (void **)&mt->headers,
               &mt->header_count, read_kv_match);
  return !r->failed;
}

static void grpc_paths(reader *r, gwr__route *rt);

static int read_grpc_rule(reader *r, const gwr__node *m, void *elem) {
  gwr__rule *rule = elem;
  r->rule = rule;
  get_str(r, m, "name", &rule->name, 0);
  get_obj_list(r, m, "matches", sizeof(gwr__match), (void **)&rule->matches,
               &rule->match_count, read_grpc_match);
  get_obj_list(r, m, "filters", sizeof(gwr__filter), (void **)&rule->filters,
               &rule->filter_count, read_filter);
  get_obj_list(r, m, "backendRefs", sizeof(gwr__backend), (void **)&rule->backends,
               &rule->backend_count, read_backend);
  read_session(r, m, &rule->session);
  default_match(r, rule);
  return !r->failed;
}

static void read_grpcroute(reader *r, const gwr__node *spec, void *obj) {
  gwr__route *rt = obj;
  rt->kind = GWR_ROUTE_GRPC;
  if (spec) {
    read_common_route(r, spec, rt, 1);
    get_obj_list(r, spec, "rules", sizeof(gwr__rule), (void **)&rt->rules, &rt->rule_count,
                 read_grpc_rule);
  }
  default_rules(r, rt);
  grpc_paths(r, rt);
}

/* Validation of the G3 paths happens in validate.c on the method fields;
 * the derived path is written after a clean read. */
static void grpc_paths(reader *r, gwr__route *rt) {
  size_t i, j;
  for (i = 0; i < rt->rule_count && !r->failed; i++)
    for (j = 0; j < rt->rules[i].match_count; j++) grpc_path(r, &rt->rules[i].matches[j]);
}

/* ---- TLSRoute, TCPRoute, UDPRoute -------------------------------------------- */

static int read_l4_rule(reader *r, const gwr__node *m, void *elem) {
  gwr__rule *rule = elem;
  r->rule = rule;
  get_str(r, m, "name", &rule->name, 0);
  get_obj_list(r, m, "backendRefs", sizeof(gwr__backend), (void **)&rule->backends,
               &rule->backend_count, read_backend);
  default_match(r, rule);
  return !r->failed;
}

static void read_l4route(reader *r, const gwr__node *spec, gwr__route *rt, int kind) {
  rt->kind = kind;
  read_common_route(r, spec, rt, kind == GWR_ROUTE_TLS);
  if (!field(spec, "rules") && !r->failed) {
    size_t s = push_key(r, "rules");
    fail(r, spec, "Required value");
    pop(r, s);
  }
  get_obj_list(r, spec, "rules", sizeof(gwr__rule), (void **)&rt->rules, &rt->rule_count,
               read_l4_rule);
  r->rule = NULL;
}

static void read_tlsroute(reader *r, const gwr__node *spec, void *obj) {
  read_l4route(r, spec, obj, GWR_ROUTE_TLS);
}
static void read_tcproute(reader *r, const gwr__node *spec, void *obj) {
  read_l4route(r, spec, obj, GWR_ROUTE_TCP);
}
static void read_udproute(reader *r, const gwr__node *spec, void *obj) {
  read_l4route(r, spec, obj, GWR_ROUTE_UDP);
}

/* ---- Gateway ---------------------------------------------------------------- */

static int read_certref(reader *r, const gwr__node *m, void *elem) {
  read_ref(r, m, elem, "", "Secret", r->ns);
  return !r->failed;
}

static int read_expr(reader *r, const gwr__node *m, void *elem) {
  gwr__expr *e = elem;
  gwr__sv op = {NULL, 0};
  get_str(r, m, "key", &e->key, 1);
  get_str(r, m, "operator", &op, 1);
  get_str_list(r, m, "values", &e->values, &e->value_count);
  if (r->failed) return 0;
  if (gwr__sv_eq_cstr(op, "In"))
    e->op = GWR_OP_IN;
  else if (gwr__sv_eq_cstr(op, "NotIn"))
    e->op = GWR_OP_NOT_IN;
  else if (gwr__sv_eq_cstr(op, "Exists"))
    e->op = GWR_OP_EXISTS;
  else if (gwr__sv_eq_cstr(op, "DoesNotExist"))
    e->op = GWR_OP_DOES_NOT_EXIST;
  else {
    size_t s = push_key(r, "operator");
    fail(r, field(m, "operator"), "must be one of In, NotIn, Exists, DoesNotExist");
    pop(r, s);
  }
  return !r->failed;
}

static int read_routekind(reader *r, const gwr__node *m, void *elem) {
  gwr__routekind *k = elem;
  k->group = gwr__sv_cstr(GWR_GROUP_GATEWAY);
  get_str(r, m, "group", &k->group, 0);
  get_str(r, m, "kind", &k->kind, 1);
  return !r->failed;
}

static void read_from(reader *r, const gwr__node *ns, const gwr__node *at, int *from,
                      gwr__selector *sel, const char *def, int none_ok);

static void read_allowed_routes(reader *r, const gwr__node *m, gwr__listener *l) {
  size_t s1, s2;
  const gwr__node *ar = enter(r, m, "allowedRoutes", &s1);
  const gwr__node *ns = ar ? enter(r, ar, "namespaces", &s2) : NULL;
  if (!ar) s2 = s1;
  l->from = GWR_FROM_SAME;
  if (ns) read_from(r, ns, m, &l->from, &l->selector, "Same", 0);
  pop(r, s2);
  if (ar) {
    l->kinds_set = field(ar, "kinds") != NULL;
    get_obj_list(r, ar, "kinds", sizeof(gwr__routekind), (void **)&l->kinds,
                 &l->kind_count, read_routekind);
  }
  pop(r, s1);
}

static int protocol_of(gwr__sv p) {
  if (gwr__sv_eq_cstr(p, "HTTP")) return GWR_PROTO_HTTP;
  if (gwr__sv_eq_cstr(p, "HTTPS")) return GWR_PROTO_HTTPS;
  if (gwr__sv_eq_cstr(p, "TLS")) return GWR_PROTO_TLS;
  if (gwr__sv_eq_cstr(p, "TCP")) return GWR_PROTO_TCP;
  if (gwr__sv_eq_cstr(p, "UDP")) return GWR_PROTO_UDP;
  return GWR_PROTO_OTHER;
}

static void read_tls(reader *r, const gwr__node *m, gwr__listener *l) {
  size_t saved;
  const gwr__node *tls = enter(r, m, "tls", &saved);
  gwr__sv mode = gwr__sv_cstr("Terminate");
  if (tls) {
    const gwr__node *opts = NULL;
    l->tls_set = 1;
    get_str(r, tls, "mode", &mode, 0);
    get_obj_list(r, tls, "certificateRefs", sizeof(gwr__objref), (void **)&l->certs,
                 &l->cert_count, read_certref);
    get_node(r, tls, "options", GWR_NODE_MAP, &opts);
    l->tls_option_count = opts ? opts->count : 0;
    if (gwr__sv_eq_cstr(mode, "Terminate"))
      l->tls_mode = GWR_TLS_TERMINATE;
    else if (gwr__sv_eq_cstr(mode, "Passthrough"))
      l->tls_mode = GWR_TLS_PASSTHROUGH;
    else if (!r->failed) {
      size_t s = push_key(r, "mode");
      fail(r, field(tls, "mode"), "must be one of Terminate, Passthrough");
      pop(r, s);
    }
  }
  pop(r, saved);
}

static int read_listener(reader *r, const gwr__node *m, void *elem) {
  gwr__listener *l = elem;
  int64_t port = 0;
  int present = 0;
  get_str(r, m, "name", &l->name, 1);
  get_str(r, m, "hostname", &l->hostname, 0);
  get_int(r, m, "port", &port, &present);
  if (!present && !r->failed) {
    size_t s = push_key(r, "port");
    fail(r, m, "Required value");
    pop(r, s);
  }
  l->port = (uint32_t)(port < 0 || port > 65535 ? 0 : port);
  if (present && (port < 1 || port > 65535) && !r->failed) {
    size_t s = push_key(r, "port");
    fail(r, field(m, "port"), "must be between 1 and 65535");
    pop(r, s);
  }
  get_str(r, m, "protocol", &l->protocol_text, 1);
  l->protocol = protocol_of(l->protocol_text);
  read_tls(r, m, l);
  read_allowed_routes(r, m, l);
  return !r->failed;
}

/* namespaces.from and selector, shared by allowedRoutes and allowedListeners. */
static void read_from(reader *r, const gwr__node *ns, const gwr__node *at, int *from,
                      gwr__selector *sel, const char *def, int none_ok) {
  gwr__sv f = gwr__sv_cstr(def);
  size_t s3;
  const gwr__node *sn;
  if (ns) {
    get_str(r, ns, "from", &f, 0);
    sn = enter(r, ns, "selector", &s3);
    if (sn) {
      sel->present = 1;
      read_labels(r, sn, "matchLabels", &sel->match_labels, &sel->match_label_count);
      get_obj_list(r, sn, "matchExpressions", sizeof(gwr__expr), (void **)&sel->exprs,
                   &sel->expr_count, read_expr);
    }
    pop(r, s3);
  }
  if (gwr__sv_eq_cstr(f, "Same")) *from = GWR_FROM_SAME;
  else if (gwr__sv_eq_cstr(f, "All")) *from = GWR_FROM_ALL;
  else if (gwr__sv_eq_cstr(f, "Selector")) *from = GWR_FROM_SELECTOR;
  else if (none_ok && gwr__sv_eq_cstr(f, "None")) *from = GWR_FROM_NONE;
  else if (!r->failed) {
    size_t s = push_key(r, "from");
    fail(r, ns ? field(ns, "from") : at,
         none_ok ? "must be one of All, Same, Selector, None" : "must be one of All, Same, Selector");
    pop(r, s);
  }
}

/* spec.allowedListeners (ListenerSets; default from: None). */
static void read_allowed_listeners(reader *r, const gwr__node *spec, gwr__gateway *gw) {
  size_t s1, s2;
  const gwr__node *al = enter(r, spec, "allowedListeners", &s1);
  const gwr__node *ns = al ? enter(r, al, "namespaces", &s2) : NULL;
  gw->listeners_from = GWR_FROM_NONE;
  if (!al) s2 = s1;
  if (ns) read_from(r, ns, al, &gw->listeners_from, &gw->listeners_selector, "None", 1);
  pop(r, s2);
  pop(r, s1);
}

static void read_gateway(reader *r, const gwr__node *spec, void *obj) {
  gwr__gateway *gw = obj;
  read_allowed_listeners(r, spec, gw);
  get_str(r, spec, "gatewayClassName", &gw->class_name, 1);
  if (!field(spec, "listeners") && !r->failed) {
    size_t s = push_key(r, "listeners");
    fail(r, spec, "Required value");
    pop(r, s);
  }
  get_obj_list(r, spec, "listeners", sizeof(gwr__listener), (void **)&gw->listeners,
               &gw->listener_count, read_listener);
}

/* ListenerSet (v1, Standard since v1.5): a parent Gateway and listeners. */
static void read_listenerset(reader *r, const gwr__node *spec, void *obj) {
  gwr__listenerset *ls = obj;
  size_t saved;
  const gwr__node *p = enter(r, spec, "parentRef", &saved);
  if (p) read_ref(r, p, &ls->parent, GWR_GROUP_GATEWAY, "Gateway", r->ns);
  else if (!r->failed) fail(r, spec, "Required value");
  pop(r, saved);
  if (!field(spec, "listeners") && !r->failed) {
    size_t s = push_key(r, "listeners");
    fail(r, spec, "Required value");
    pop(r, s);
  }
  get_obj_list(r, spec, "listeners", sizeof(gwr__listener), (void **)&ls->listeners,
               &ls->listener_count, read_listener);
}

/* ---- GatewayClass, ReferenceGrant, Service, plain kinds -------------------- */

static void read_gatewayclass(reader *r, const gwr__node *spec, void *obj) {
  gwr__gatewayclass *gc = obj;
  get_str(r, spec, "controllerName", &gc->controller, 1);
}

static int read_grant_from(reader *r, const gwr__node *m, void *elem) {
  gwr__grant_from *f = elem;
  get_str(r, m, "group", &f->group, 1);
  get_str(r, m, "kind", &f->kind, 1);
  get_str(r, m, "namespace", &f->ns, 1);
  return !r->failed;
}

static int read_grant_to(reader *r, const gwr__node *m, void *elem) {
  gwr__grant_to *t = elem;
  get_str(r, m, "group", &t->group, 1);
  get_str(r, m, "kind", &t->kind, 1);
  get_str(r, m, "name", &t->name, 0);
  return !r->failed;
}

static void read_refgrant(reader *r, const gwr__node *spec, void *obj) {
  gwr__refgrant *g = obj;
  get_obj_list(r, spec, "from", sizeof(gwr__grant_from), (void **)&g->from, &g->from_count,
               read_grant_from);
  get_obj_list(r, spec, "to", sizeof(gwr__grant_to), (void **)&g->to, &g->to_count,
               read_grant_to);
}

static int read_service_port(reader *r, const gwr__node *m, void *elem) {
  gwr__service_port *p = elem;
  get_str(r, m, "name", &p->name, 0);
  get_str(r, m, "appProtocol", &p->app_protocol, 0);
  if (!field(m, "port") && !r->failed) {
    size_t s = push_key(r, "port");
    fail(r, m, "Required value");
    pop(r, s);
  }
  get_port(r, m, "port", &p->port);
  return !r->failed;
}

static void read_service(reader *r, const gwr__node *spec, void *obj) {
  gwr__service *svc = obj;
  if (!spec) return;
  get_str(r, spec, "type", &svc->type, 0);
  get_obj_list(r, spec, "ports", sizeof(gwr__service_port), (void **)&svc->ports,
               &svc->port_count, read_service_port);
}

/* ---- Ingress and IngressClass (networking.k8s.io/v1) ------------------------- */

static void read_ing_backend(reader *r, const gwr__node *m, gwr__ing_backend *b) {
  size_t saved, sp;
  const gwr__node *svc = enter(r, m, "service", &saved), *port, *res;
  b->set = 1;
  if (svc) {
    get_str(r, svc, "name", &b->service, 1);
    port = enter(r, svc, "port", &sp);
    if (port) {
      int64_t n = 0;
      int present = 0;
      get_int(r, port, "number", &n, &present);
      get_str(r, port, "name", &b->port_name, 0);
      if (present && (n < 1 || n > 65535)) {
        size_t s2 = push_key(r, "number");
        fail(r, field(port, "number"), "must be between 1 and 65535");
        pop(r, s2);
      }
      b->port = (uint32_t)n;
      if (!r->failed && present == (b->port_name.len > 0))
        fail(r, port, "exactly one of number or name must be set");
    } else if (!r->failed) {
      fail(r, svc, "Required value");
    }
    pop(r, sp);
  }
  pop(r, saved);
  res = enter(r, m, "resource", &saved);
  if (res) {
    b->is_resource = 1;
    get_str(r, res, "apiGroup", &b->resource.group, 0);
    get_str(r, res, "kind", &b->resource.kind, 1);
    get_str(r, res, "name", &b->resource.name, 1);
  }
  pop(r, saved);
  if (!r->failed && !svc == !res) fail(r, m, "exactly one of service or resource must be set");
}

static int read_ing_path(reader *r, const gwr__node *m, void *elem) {
  gwr__ing_path *p = elem;
  gwr__sv type = {NULL, 0};
  size_t saved;
  const gwr__node *b;
  p->path = gwr__sv_cstr("/");
  get_str(r, m, "path", &p->path, 0);
  if (p->path.len == 0) p->path = gwr__sv_cstr("/"); /* ingress-nginx serves "" as "/" */
  get_str(r, m, "pathType", &type, 1);
  if (gwr__sv_eq_cstr(type, "Exact"))
    p->type = GWR_ING_EXACT;
  else if (gwr__sv_eq_cstr(type, "Prefix"))
    p->type = GWR_ING_PREFIX;
  else if (gwr__sv_eq_cstr(type, "ImplementationSpecific"))
    p->type = GWR_ING_IMPL;
  else if (!r->failed) {
    size_t s2 = push_key(r, "pathType");
    fail(r, field(m, "pathType"), "Unsupported value: must be Exact, Prefix or ImplementationSpecific");
    pop(r, s2);
  }
  b = enter(r, m, "backend", &saved);
  if (b)
    read_ing_backend(r, b, &p->backend);
  else if (!r->failed)
    fail(r, m, "Required value");
  pop(r, saved);
  return !r->failed;
}

static int read_ing_rule(reader *r, const gwr__node *m, void *elem) {
  gwr__ing_rule *rule = elem;
  size_t saved;
  const gwr__node *http;
  get_str(r, m, "host", &rule->host, 0);
  http = enter(r, m, "http", &saved);
  if (http) {
    get_obj_list(r, http, "paths", sizeof(gwr__ing_path), (void **)&rule->paths, &rule->path_count,
                 read_ing_path);
    if (!r->failed && rule->path_count == 0) fail(r, http, "paths: Required value");
  }
  pop(r, saved);
  return !r->failed;
}

static int read_ing_tls(reader *r, const gwr__node *m, void *elem) {
  gwr__ing_tls *t = elem;
  get_str_list(r, m, "hosts", &t->hosts, &t->host_count);
  get_str(r, m, "secretName", &t->secret, 0);
  return !r->failed;
}

static void read_annotations(reader *r, const gwr__node *obj, gwr__label **out, size_t *count) {
  size_t saved;
  const gwr__node *md = enter(r, obj, "metadata", &saved);
  if (md) read_labels(r, md, "annotations", out, count);
  pop(r, saved);
}

static void read_ingress(reader *r, const gwr__node *spec, void *obj) {
  gwr__ingress *ing = obj;
  size_t saved;
  const gwr__node *db;
  get_str(r, spec, "ingressClassName", &ing->class_name, 0);
  db = enter(r, spec, "defaultBackend", &saved);
  if (db) read_ing_backend(r, db, &ing->default_backend);
  pop(r, saved);
  get_obj_list(r, spec, "tls", sizeof(gwr__ing_tls), (void **)&ing->tls, &ing->tls_count, read_ing_tls);
  get_obj_list(r, spec, "rules", sizeof(gwr__ing_rule), (void **)&ing->rules, &ing->rule_count,
               read_ing_rule);
}

static void read_ingressclass(reader *r, const gwr__node *spec, void *obj) {
  gwr__ingressclass *ic = obj;
  get_str(r, spec, "controller", &ic->controller, 0);
}

/* ---- dispatch ----------------------------------------------------------------- */

/* Reads a kind's spec into its object (whose first member is its gwr__meta). */
typedef void (*spec_reader)(reader *r, const gwr__node *spec, void *obj);

enum { K_CLASS, K_GATEWAY, K_ROUTE, K_GRANT, K_SERVICE, K_SECRET, K_NAMESPACE, K_LISTENERSET,
       K_INGRESS, K_INGRESSCLASS };
#define GW_V1 "gateway.networking.k8s.io/v1"
#define GW_V1B1 "gateway.networking.k8s.io/v1beta1"
#define GW_V1A2 "gateway.networking.k8s.io/v1alpha2"
#define GW_V1A3 "gateway.networking.k8s.io/v1alpha3"

static const struct {
  const char *kind;
  const char *versions[3]; /* accepted apiVersions */
  size_t size;             /* the model struct */
  int namespaced;
  int spec_required;
  spec_reader read;        /* NULL: metadata only */
  int slot;
} kinds[] = {
    {"GatewayClass", {GW_V1, GW_V1B1, NULL}, sizeof(gwr__gatewayclass), 0, 1, read_gatewayclass, K_CLASS},
    {"Gateway", {GW_V1, GW_V1B1, NULL}, sizeof(gwr__gateway), 1, 1, read_gateway, K_GATEWAY},
    {"HTTPRoute", {GW_V1, GW_V1B1, NULL}, sizeof(gwr__route), 1, 0, read_httproute, K_ROUTE},
    {"GRPCRoute", {GW_V1, GW_V1A2, NULL}, sizeof(gwr__route), 1, 0, read_grpcroute, K_ROUTE},
    {"TLSRoute", {GW_V1, GW_V1A2, GW_V1A3}, sizeof(gwr__route), 1, 1, read_tlsroute, K_ROUTE},
    {"TCPRoute", {GW_V1, GW_V1A2, NULL}, sizeof(gwr__route), 1, 1, read_tcproute, K_ROUTE},
    {"UDPRoute", {GW_V1, GW_V1A2, NULL}, sizeof(gwr__route), 1, 1, read_udproute, K_ROUTE},
    {"ListenerSet", {GW_V1, NULL, NULL}, sizeof(gwr__listenerset), 1, 1, read_listenerset, K_LISTENERSET},
    {"ReferenceGrant", {GW_V1, GW_V1B1, "gateway.networking.k8s.io/v1alpha2"}, sizeof(gwr__refgrant),
     1, 1, read_refgrant, K_GRANT},
    {"Service", {"v1", NULL, NULL}, sizeof(gwr__service), 1, 0, read_service, K_SERVICE},
    {"Secret", {"v1", NULL, NULL}, sizeof(gwr__plain), 1, 0, NULL, K_SECRET},
    {"Namespace", {"v1", NULL, NULL}, sizeof(gwr__plain), 0, 0, NULL, K_NAMESPACE},
    {"Ingress", {"networking.k8s.io/v1", NULL, NULL}, sizeof(gwr__ingress), 1, 1, read_ingress, K_INGRESS},
    {"IngressClass", {"networking.k8s.io/v1", NULL, NULL}, sizeof(gwr__ingressclass), 0, 0,
     read_ingressclass, K_INGRESSCLASS},
};
#define KINDS (sizeof kinds / sizeof kinds[0])

static gwr__vec *slot_vec(gwr__model *m, int slot) {
  switch (slot) {
    case K_CLASS: return &m->classes;
    case K_GATEWAY: return &m->gateways;
    case K_ROUTE: return &m->routes;
    case K_GRANT: return &m->grants;
    case K_SERVICE: return &m->services;
    case K_SECRET: return &m->secrets;
    case K_LISTENERSET: return &m->listenersets;
    case K_INGRESS: return &m->ingresses;
    case K_INGRESSCLASS: return &m->ingressclasses;
    default: return &m->namespaces;
  }
}

/* Every model object starts with its gwr__meta. */
static int same_object(const void *obj, const gwr__meta *meta) {
  const gwr__meta *other = obj;
  return other->kind == meta->kind && gwr__sv_eq(other->ns, meta->ns) &&
         gwr__sv_eq(other->name, meta->name);
}

static const char *validate(reader *r, int slot, void *obj, char *fld, size_t cap) {
  switch (slot) {
    case K_CLASS: return gwr__validate_gatewayclass(r->cfg, obj, fld, cap);
    case K_GATEWAY: return gwr__validate_gateway(r->cfg, obj, fld, cap);
    case K_ROUTE: return gwr__validate_route(r->cfg, obj, fld, cap);
    case K_LISTENERSET: return gwr__validate_listenerset(r->cfg, obj, fld, cap);
    case K_GRANT: return gwr__validate_refgrant(r->cfg, obj, fld, cap);
    case K_SERVICE: return gwr__validate_service(r->cfg, obj, fld, cap);
    case K_INGRESS: return gwr__validate_ingress(r->cfg, obj, fld, cap);
    case K_INGRESSCLASS: return gwr__validate_ingressclass(r->cfg, obj, fld, cap);
    default: return NULL;
  }
}

static int record_problem(reader *r, const char *field_path, const char *msg,
                          uint32_t line, uint32_t column) {
  return gwr__config_problem(r->cfg, r->kind, r->ns, r->name, field_path, msg,
                             r->source, line, column);
}

/* Store an object that read and validated cleanly, unless it is a duplicate. */
/* A nonzero 64-bit identity of (kind slot, namespace, name). */
static uint64_t object_key(int slot, const gwr__meta *m) {
  uint64_t h = gwr__hash(m->kind, strlen(m->kind), (uint64_t)slot + 1);
  h = gwr__hash(m->ns.ptr, m->ns.len, h);
  h = gwr__hash(m->name.ptr, m->name.len, h);
  return h ? h : 1;
}

static int seen_grow(gwr_config *cfg) {
  size_t ncap = cfg->seen_cap ? cfg->seen_cap * 2 : 1024, i;
  uint64_t *n = gwr__calloc(&cfg->alloc, ncap, sizeof *n);
  if (!n) return GWR_E_NOMEM;
  for (i = 0; i < cfg->seen_cap; i++) {
    size_t j;
    if (!cfg->seen[i]) continue;
    for (j = cfg->seen[i] & (ncap - 1); n[j]; j = (j + 1) & (ncap - 1)) {
    }
    n[j] = cfg->seen[i];
  }
  gwr__free(&cfg->alloc, cfg->seen);
  cfg->seen = n;
  cfg->seen_cap = ncap;
  return GWR_OK;
}

/* Insert key; 1 when it was already there (a possible duplicate). */
static int seen_put(gwr_config *cfg, uint64_t key, int *was) {
  size_t j;
  if ((cfg->seen_count + 1) * 2 > cfg->seen_cap && seen_grow(cfg) != GWR_OK) return GWR_E_NOMEM;
  for (j = key & (cfg->seen_cap - 1); cfg->seen[j]; j = (j + 1) & (cfg->seen_cap - 1))
    if (cfg->seen[j] == key) {
      *was = 1;
      return GWR_OK;
    }
  cfg->seen[j] = key;
  cfg->seen_count++;
  *was = 0;
  return GWR_OK;
}

static void **find_kept(const gwr__vec *v, const gwr__meta *meta) {
  size_t i;
  for (i = 0; i < v->len; i++)
    if (same_object(GWR_VEC_AT(v, void *, i), meta)) return &GWR_VEC_AT(v, void *, i);
  return NULL;
}

/* Store an object that read and validated cleanly. The same kind, namespace
 * and name again replaces the earlier object in place (the last one wins,
 * as `kubectl apply` of both would leave it; its place in load order is the
 * first one's, so output order does not depend on which came last). */
static int keep_object(reader *r, int slot, void *obj, gwr__meta *meta) {
  gwr__vec *v = slot_vec(&r->cfg->model, slot);
  void **cell;
  int was = 0, rc;
  if ((rc = seen_put(r->cfg, object_key(slot, meta), &was)) != GWR_OK) return rc;
  if (was && (cell = find_kept(v, meta)) != NULL) {
    meta->order = ((const gwr__meta *)*cell)->order;
    *cell = obj;
    r->cfg->model.replaced++;
    return GWR_OK;
  }
  if (r->cfg->model.objects >= r->cfg->opt.max_objects) return GWR_E_LIMIT;
  cell = gwr__vec_push(v, &r->cfg->alloc);
  if (!cell) return GWR_E_NOMEM;
  *cell = obj;
  r->cfg->model.objects++;
  return GWR_OK;
}

/* Allocate the object, read metadata and (the required or present) spec. */
static void *read_object(reader *r, size_t k, const gwr__node *obj) {
  void *o = gwr__arena_alloc(r->ar, kinds[k].size);
  const gwr__node *spec;
  size_t saved;
  if (!o) return NULL;
  ((gwr__meta *)o)->kind = kinds[k].kind;
  if (kinds[k].slot == K_ROUTE && strstr(r->kind_version, "alpha")) ((gwr__route *)o)->alpha = 1;
  if (kinds[k].slot == K_SERVICE) ((gwr__service *)o)->type = gwr__sv_cstr("ClusterIP");
  if (!read_meta(r, obj, o, kinds[k].namespaced)) return o;
  if (kinds[k].slot == K_INGRESS)
    read_annotations(r, obj, &((gwr__ingress *)o)->annotations, &((gwr__ingress *)o)->annotation_count);
  if (kinds[k].slot == K_INGRESSCLASS) {
    gwr__label *ann = NULL;
    size_t n = 0, i;
    read_annotations(r, obj, &ann, &n);
    for (i = 0; i < n; i++)
      if (gwr__sv_eq_cstr(ann[i].key, "ingressclass.kubernetes.io/is-default-class") &&
          gwr__sv_eq_cstr(ann[i].value, "true"))
        ((gwr__ingressclass *)o)->is_default = 1;
  }
  if (!kinds[k].read || r->failed) return o;
  spec = enter(r, obj, "spec", &saved);
  if (!spec && kinds[k].spec_required)
    fail(r, obj, "Required value");
  else if (!r->failed)
    kinds[k].read(r, spec, o);
  pop(r, saved);
  return o;
}

static size_t find_kind(gwr__sv kind, gwr__sv version) {
  size_t i, v;
  for (i = 0; i < KINDS; i++)
    if (gwr__sv_eq_cstr(kind, kinds[i].kind))
      for (v = 0; v < 3 && kinds[i].versions[v]; v++)
        if (gwr__sv_eq_cstr(version, kinds[i].versions[v])) return i;
  return KINDS;
}

static int load_object(gwr_config *cfg, const gwr__node *obj, const char *source) {
  reader r;
  gwr__sv kind = {NULL, 0}, version = {NULL, 0};
  size_t k;
  gwr__meta *meta;
  char vfield[256] = "";
  const char *msg;
  memset(&r, 0, sizeof r);
  r.cfg = cfg;
  r.ar = cfg->arena;
  r.source = source;
  r.kind = "object";
  get_str(&r, obj, "kind", &kind, 1);
  get_str(&r, obj, "apiVersion", &version, 1);
  if (r.failed)
    return record_problem(&r, r.field, r.message, r.line ? r.line : obj->line, r.column);
  if ((k = find_kind(kind, version)) == KINDS) {
    cfg->model.skipped++; /* another kind, or another version of one */
    return GWR_OK;
  }
  r.kind = kinds[k].kind;
  r.kind_version = version.ptr;
  meta = read_object(&r, k, obj);
  if (r.nomem || !meta) return GWR_E_NOMEM;
  meta->source = source;
  meta->line = obj->line;
  meta->order = cfg->next_order++;
  if (r.failed) return record_problem(&r, r.field, r.message, r.line, r.column);
  msg = validate(&r, kinds[k].slot, meta, vfield, sizeof vfield);
  if (msg) return record_problem(&r, vfield, msg, obj->line, obj->column);
  return keep_object(&r, kinds[k].slot, meta, meta);
}

int gwr__load_tree(gwr_config *cfg, const gwr__node *root, const char *source) {
  size_t i;
  int rc;
  const gwr__node *items;
  if (root->type == GWR_NODE_SEQ) {
    for (i = 0; i < root->count; i++)
      if ((rc = gwr__load_tree(cfg, root->items[i], source)) != GWR_OK) return rc;
    return GWR_OK;
  }
  if (root->type != GWR_NODE_MAP) {
    reader r;
    memset(&r, 0, sizeof r);
    r.cfg = cfg;
    r.source = source;
    r.kind = "object";
    return record_problem(&r, "", "a Kubernetes object must be a mapping", root->line,
                          root->column);
  }
  items = gwr__node_get(root, "items");
  if (gwr__sv_eq_cstr(gwr__node_get(root, "kind") ? gwr__node_get(root, "kind")->text
                                                  : gwr__sv_cstr(""),
                      "List") &&
      items && items->type == GWR_NODE_SEQ)
    return gwr__load_tree(cfg, items, source);
  return load_object(cfg, root, source);
}
