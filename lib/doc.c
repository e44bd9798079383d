/* SPDX-License-Identifier: Apache-2.0 */
/*
 * doc.c - stage 1a: YAML/JSON text into a strict document tree.
 *
 * libyaml's event parser feeds a stack of open containers. Scalars are typed
 * the way Kubernetes' decoder types them (quoted = string, plain = resolved);
 * maps reject duplicate keys; an alias shares the anchored node instead of
 * copying it. Three bounds keep hostile input cheap: alias events per text,
 * nodes counted through every alias use (expanded size, per text), and
 * nesting depth. All nodes live in the caller's arena; the only other memory
 * is libyaml's parser, deleted on every path.
 */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <yaml.h>

#include "doc.h"

#define DOC_DEF_ALIASES 1000u
#define DOC_DEF_EXPANDED 1000000u
#define DOC_DEF_DEPTH 256u
#define ANCHOR_BUCKETS 256u
#define KEY_INDEX_MIN 8u    /* maps with this many keys get a hash index */
#define KEY_SHOW_MAX 128    /* bytes of a key quoted in a message */
#define TAG_STR "tag:yaml.org,2002:str"

typedef struct pos {
  uint32_t line, col; /* 1-based; line 0 = no position */
} pos;

typedef struct anchor anchor;
struct anchor {
  const char *name;
  gwr__node *node;
  size_t size; /* expanded size of node */
  anchor *next;
};

/* One open MAP or SEQ. */
typedef struct frame {
  gwr__node *node;
  gwr__node *key;    /* MAP: key waiting for its value */
  gwr__node *merge;  /* MAP: value of its << key, merged at the end */
  const char *anchor;
  size_t size;       /* nodes so far, counting each alias use */
  size_t *slots;     /* MAP: key index (pair index + 1; 0 = empty) */
  size_t nslots;
  int key_is_merge;  /* the waiting key is << */
  int has_merge;
} frame;

typedef struct doc_state {
  gwr__arena *ar;
  const char *source;
  gwr_error *err;
  gwr__doc_limits lim;
  gwr__docs *out;
  size_t roots_cap;
  frame *stack;
  size_t depth, stack_cap;
  anchor *anchors[ANCHOR_BUCKETS];
  size_t nanchors; /* in the current document */
  size_t aliases, expanded;
  gwr__node *root;
} doc_state;

/* ---- nodes ------------------------------------------------------------ */

gwr__node *gwr__node_new(gwr__arena *ar, int type) {
  gwr__node *n = NULL;
  if (!ar) return NULL;
  n = gwr__arena_alloc(ar, sizeof *n);
  if (n) n->type = type;
  return n;
}

/* keys/items have room for max(4, the smallest power of two >= count), so
 * the array is full exactly when count is 0, 4 or a larger power of two */
static int grow(gwr__arena *ar, gwr__node ***arr, size_t count) {
  size_t cap = 4;
  gwr__node **na;
  if (count != 0 && (count < 4 || (count & (count - 1)) != 0)) return GWR_OK;
  if (count != 0 && !gwr__mul_ok(count, 2, &cap)) return GWR_E_NOMEM;
  na = gwr__arena_array(ar, cap, sizeof *na);
  if (!na) return GWR_E_NOMEM;
  if (count) memcpy(na, *arr, count * sizeof *na);
  *arr = na;
  return GWR_OK;
}

int gwr__node_map_add(gwr__arena *ar, gwr__node *m, gwr__node *key,
                      gwr__node *value) {
  int rc;
  if (!ar || !m || m->type != GWR_NODE_MAP || !key || !value)
    return GWR_E_INVALID;
  if ((rc = grow(ar, &m->keys, m->count)) != GWR_OK) return rc;
  if ((rc = grow(ar, &m->items, m->count)) != GWR_OK) return rc;
  m->keys[m->count] = key;
  m->items[m->count] = value;
  m->count++;
  return GWR_OK;
}

int gwr__node_seq_add(gwr__arena *ar, gwr__node *s, gwr__node *item) {
  int rc;
  if (!ar || !s || s->type != GWR_NODE_SEQ || !item) return GWR_E_INVALID;
  if ((rc = grow(ar, &s->items, s->count)) != GWR_OK) return rc;
  s->items[s->count++] = item;
  return GWR_OK;
}

gwr__node *gwr__node_get(const gwr__node *m, const char *key) {
  size_t i;
  gwr__sv k;
  if (!m || m->type != GWR_NODE_MAP || !key) return NULL;
  k = gwr__sv_cstr(key);
  for (i = 0; i < m->count; i++)
    if (gwr__sv_eq(m->keys[i]->text, k)) return m->items[i];
  return NULL;
}

/* ---- errors ----------------------------------------------------------- */

static pos pos_make(size_t line0, size_t col0) {
  pos p;
  p.line = line0 >= UINT32_MAX ? UINT32_MAX : (uint32_t)line0 + 1;
  p.col = col0 >= UINT32_MAX ? UINT32_MAX : (uint32_t)col0 + 1;
  return p;
}

static pos pos_none(void) {
  pos p;
  p.line = p.col = 0;
  return p;
}

static pos mark_pos(const yaml_mark_t *m) {
  return pos_make(m->line, m->column);
}

/* line/column of a byte offset (for reader errors, which carry no mark) */
static pos offset_pos(const char *text, size_t len, size_t off) {
  size_t i, line = 0, col = 0;
  if (off > len) off = len;
  for (i = 0; i < off; i++) {
    if (text[i] == '\n') {
      line++;
      col = 0;
    } else {
      col++;
    }
  }
  return pos_make(line, col);
}

static int fail(doc_state *s, int code, pos at, const char *fmt, ...)
    GWR_PRINTF(4, 5);

static int fail(doc_state *s, int code, pos at, const char *fmt, ...) {
  char what[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  if (at.line)
    gwr__error_set(s->err, code, "%s:%u:%u: %s", s->source,
                   (unsigned)at.line, (unsigned)at.col, what);
  else
    gwr__error_set(s->err, code, "%s: %s", s->source, what);
  gwr__error_position(s->err, s->source, at.line, at.col);
  return code;
}

static int nomem(doc_state *s, pos at) {
  return fail(s, GWR_E_NOMEM, at, "out of memory");
}

static int yaml_fail(doc_state *s, const yaml_parser_t *p, const char *text,
                     size_t len) {
  pos at;
  if (p->error == YAML_MEMORY_ERROR) return nomem(s, pos_none());
  if (p->error == YAML_READER_ERROR)
    at = offset_pos(text, len, p->problem_offset);
  else
    at = mark_pos(&p->problem_mark);
  return fail(s, GWR_E_PARSE, at, "%s",
              p->problem ? p->problem : "syntax error");
}

/* ---- scalar typing ---------------------------------------------------- */

static int word_in(const char *t, size_t n, const char *const *words) {
  for (; *words; words++)
    if (strlen(*words) == n && memcmp(t, *words, n) == 0) return 1;
  return 0;
}

static int is_null(const char *t, size_t n) {
  static const char *const w[] = {"~", "null", "Null", "NULL", NULL};
  return n == 0 || word_in(t, n, w);
}

/* 1 true, 0 false, -1 not a bool */
static int bool_value(const char *t, size_t n) {
  static const char *const yes[] = {"true", "True", "TRUE", NULL};
  static const char *const no[] = {"false", "False", "FALSE", NULL};
  if (word_in(t, n, yes)) return 1;
  if (word_in(t, n, no)) return 0;
  return -1;
}

static int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* [+-](digits | 0x hex | 0o octal): 1 an int, 0 not one, -1 out of range */
static int int_value(const char *t, size_t n, int64_t *out) {
  size_t i = 0;
  unsigned base = 10;
  uint64_t v = 0, lim;
  int neg = 0, over = 0, d;
  if (i < n && (t[i] == '+' || t[i] == '-')) neg = t[i++] == '-';
  if (n - i >= 2 && t[i] == '0' && (t[i + 1] == 'x' || t[i + 1] == 'X'))
    base = 16;
  else if (n - i >= 2 && t[i] == '0' && (t[i + 1] == 'o' || t[i + 1] == 'O'))
    base = 8;
  if (base != 10) i += 2;
  if (i == n) return 0;
  lim = neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
  for (; i < n; i++) {
    if ((d = digit_value(t[i])) < 0 || (unsigned)d >= base) return 0;
    if (v > (lim - (uint64_t)d) / base) over = 1;
    else v = v * base + (uint64_t)d;
  }
  if (over) return -1;
  *out = !neg ? (int64_t)v : (v == lim ? INT64_MIN : -(int64_t)v);
  return 1;
}

static size_t skip_digits(const char *t, size_t n, size_t i, size_t *count) {
  while (i < n && t[i] >= '0' && t[i] <= '9') {
    i++;
    (*count)++;
  }
  return i;
}

/* [+-](.digits | digits[.digits*])([eE][+-]digits) with a dot or exponent */
static int float_syntax(const char *t, size_t n) {
  size_t i = 0, digits = 0, exp = 0;
  int marked = 0;
  if (i < n && (t[i] == '+' || t[i] == '-')) i++;
  i = skip_digits(t, n, i, &digits);
  if (i < n && t[i] == '.') {
    marked = 1;
    i = skip_digits(t, n, i + 1, &digits);
  }
  if (digits == 0) return 0;
  if (i < n && (t[i] == 'e' || t[i] == 'E')) {
    marked = 1;
    i++;
    if (i < n && (t[i] == '+' || t[i] == '-')) i++;
    i = skip_digits(t, n, i, &exp);
    if (exp == 0) return 0;
  }
  return marked && i == n;
}

/* .inf, -.inf, +.inf, .nan in their three spellings */
static int float_special(const char *t, size_t n, double *out) {
  static const char *const inf[] = {".inf", ".Inf", ".INF", NULL};
  static const char *const nan[] = {".nan", ".NaN", ".NAN", NULL};
  if (word_in(t, n, nan)) {
    *out = NAN;
    return 1;
  }
  if (n && (t[0] == '+' || t[0] == '-') && word_in(t + 1, n - 1, inf)) {
    *out = t[0] == '-' ? -INFINITY : INFINITY;
    return 1;
  }
  if (!word_in(t, n, inf)) return 0;
  *out = INFINITY;
  return 1;
}

/* strtod reads the locale's radix character; t (checked by float_syntax,
 * NUL-terminated) is rewritten when that is not '.' */
static int float_value(gwr__arena *ar, const char *t, size_t n, double *out) {
  const char *dp = localeconv()->decimal_point;
  size_t dl = dp ? strlen(dp) : 0, i, j = 0;
  char *buf;
  if (!dp || strcmp(dp, ".") == 0 || !memchr(t, '.', n)) {
    *out = strtod(t, NULL);
    return GWR_OK;
  }
  buf = gwr__arena_alloc(ar, n + dl + 1);
  if (!buf) return GWR_E_NOMEM;
  for (i = 0; i < n; i++) {
    if (t[i] != '.') {
      buf[j++] = t[i];
    } else {
      memcpy(buf + j, dp, dl);
      j += dl;
    }
  }
  buf[j] = '\0';
  *out = strtod(buf, NULL);
  return GWR_OK;
}

/* Give a plain scalar its type; n->text is the text as written. */
static int resolve_plain(doc_state *s, gwr__node *n, pos at) {
  const char *t = n->text.ptr;
  size_t len = n->text.len;
  int r;
  if (is_null(t, len)) {
    n->type = GWR_NODE_NULL;
  } else if ((r = bool_value(t, len)) >= 0) {
    n->type = GWR_NODE_BOOL;
    n->i = r;
  } else if ((r = int_value(t, len, &n->i)) != 0) {
    if (r < 0)
      return fail(s, GWR_E_PARSE, at, "integer out of range: %.*s",
                  KEY_SHOW_MAX, t);
    n->type = GWR_NODE_INT;
  } else if (float_special(t, len, &n->f)) {
    n->type = GWR_NODE_FLOAT;
  } else if (float_syntax(t, len)) {
    if (float_value(s->ar, t, len, &n->f) != GWR_OK) return nomem(s, at);
    n->type = GWR_NODE_FLOAT;
  }
  return GWR_OK;
}

/* plain, and not tagged !!str or the non-specific "!" */
static int needs_resolving(const yaml_event_t *ev) {
  const char *tag = (const char *)ev->data.scalar.tag;
  if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return 0;
  return !tag || (strcmp(tag, TAG_STR) != 0 && strcmp(tag, "!") != 0);
}

static int make_scalar(doc_state *s, const yaml_event_t *ev, int is_key,
                       gwr__node **out) {
  const char *v = (const char *)ev->data.scalar.value;
  size_t len = v ? ev->data.scalar.length : 0;
  pos at = mark_pos(&ev->start_mark);
  gwr__node *n;
  char *txt;
  if (len > s->lim.max_string)
    return fail(s, GWR_E_LIMIT, at, "a string of %zu bytes exceeds the limit of %zu", len,
                s->lim.max_string);
  n = gwr__node_new(s->ar, GWR_NODE_STRING);
  txt = n ? gwr__arena_strndup(s->ar, v, len) : NULL;
  if (!txt) return nomem(s, at);
  n->text = gwr__sv_make(txt, len);
  n->line = at.line;
  n->column = at.col;
  *out = n;
  if (is_key || !needs_resolving(ev)) return GWR_OK;
  return resolve_plain(s, n, at);
}

/* ---- anchors ---------------------------------------------------------- */

static size_t hash_bytes(const char *p, size_t n) {
  uint64_t h = 1469598103934665603u; /* FNV-1a */
  size_t i;
  for (i = 0; i < n; i++) {
    h ^= (unsigned char)p[i];
    h *= 1099511628211u;
  }
  return (size_t)h;
}

static int add_anchor(doc_state *s, const char *name, gwr__node *n,
                      size_t size) {
  anchor *a = gwr__arena_alloc(s->ar, sizeof *a);
  size_t b;
  if (!a) return GWR_E_NOMEM;
  b = hash_bytes(name, strlen(name)) % ANCHOR_BUCKETS;
  a->name = name;
  a->node = n;
  a->size = size;
  a->next = s->anchors[b]; /* a redefinition hides the older one */
  s->anchors[b] = a;
  s->nanchors++;
  return GWR_OK;
}

static const anchor *find_anchor(const doc_state *s, const char *name) {
  const anchor *a = s->anchors[hash_bytes(name, strlen(name)) % ANCHOR_BUCKETS];
  for (; a; a = a->next)
    if (strcmp(a->name, name) == 0) return a;
  return NULL;
}

/* ---- map key index ---------------------------------------------------- */

static int key_has(const frame *f, gwr__sv k) {
  const gwr__node *m = f->node;
  size_t i, mask;
  if (!f->slots) {
    for (i = 0; i < m->count; i++)
      if (gwr__sv_eq(m->keys[i]->text, k)) return 1;
    return 0;
  }
  mask = f->nslots - 1;
  for (i = hash_bytes(k.ptr, k.len) & mask; f->slots[i]; i = (i + 1) & mask)
    if (gwr__sv_eq(m->keys[f->slots[i] - 1]->text, k)) return 1;
  return 0;
}

static void slot_put(frame *f, size_t idx) {
  gwr__sv k = f->node->keys[idx]->text;
  size_t mask = f->nslots - 1, i = hash_bytes(k.ptr, k.len) & mask;
  while (f->slots[i]) i = (i + 1) & mask;
  f->slots[i] = idx + 1;
}

/* Index the pair just added; rebuild at half load. */
static int key_index(doc_state *s, frame *f) {
  size_t count = f->node->count, cap = 4 * KEY_INDEX_MIN, i;
  size_t *slots;
  if (count < KEY_INDEX_MIN) return GWR_OK;
  if (f->slots && count * 2 <= f->nslots) {
    slot_put(f, count - 1);
    return GWR_OK;
  }
  while (cap < count * 4)
    if (!gwr__mul_ok(cap, 2, &cap)) return GWR_E_NOMEM;
  if (!(slots = gwr__arena_array(s->ar, cap, sizeof *slots)))
    return GWR_E_NOMEM;
  f->slots = slots;
  f->nslots = cap;
  for (i = 0; i < count; i++) slot_put(f, i);
  return GWR_OK;
}

static int add_pair(doc_state *s, frame *f, gwr__node *k, gwr__node *v,
                    pos at) {
  if (gwr__node_map_add(s->ar, f->node, k, v) != GWR_OK ||
      key_index(s, f) != GWR_OK)
    return nomem(s, at);
  return GWR_OK;
}

/* ---- merge keys ------------------------------------------------------- */

static int set_merge(doc_state *s, frame *f, gwr__node *v, pos at) {
  size_t i;
  int ok = v->type == GWR_NODE_MAP || v->type == GWR_NODE_SEQ;
  for (i = 0; ok && v->type == GWR_NODE_SEQ && i < v->count; i++)
    ok = v->items[i]->type == GWR_NODE_MAP;
  if (!ok)
    return fail(s, GWR_E_PARSE, at,
                "merge value must be a map or a sequence of maps");
  f->merge = v;
  return GWR_OK;
}

/* Pairs of src whose keys the map does not have yet. */
static int merge_one(doc_state *s, frame *f, const gwr__node *src, pos at) {
  size_t i;
  int rc;
  for (i = 0; i < src->count; i++) {
    if (key_has(f, src->keys[i]->text)) continue;
    if ((rc = add_pair(s, f, src->keys[i], src->items[i], at)) != GWR_OK)
      return rc;
  }
  return GWR_OK;
}

/* At the end of the map, so explicit keys win wherever they appear. */
static int apply_merge(doc_state *s, frame *f, pos at) {
  const gwr__node *m = f->merge;
  size_t i;
  int rc;
  if (m->type == GWR_NODE_MAP) return merge_one(s, f, m, at);
  for (i = 0; i < m->count; i++)
    if ((rc = merge_one(s, f, m->items[i], at)) != GWR_OK) return rc;
  return GWR_OK;
}

/* ---- building --------------------------------------------------------- */

static int expecting_key(const doc_state *s) {
  const frame *f = s->depth ? &s->stack[s->depth - 1] : NULL;
  return f && f->node->type == GWR_NODE_MAP && !f->key;
}

static int dup_key(doc_state *s, gwr__sv k, pos at) {
  int n = k.len > KEY_SHOW_MAX ? KEY_SHOW_MAX : (int)k.len;
  return fail(s, GWR_E_PARSE, at, "duplicate key \"%.*s\"", n, k.ptr);
}

static int take_key(doc_state *s, frame *f, gwr__node *n, pos at,
                    int merge) {
  gwr__node *k = n;
  if (n->type == GWR_NODE_MAP || n->type == GWR_NODE_SEQ)
    return fail(s, GWR_E_PARSE, at, "mapping key must be a scalar");
  if (merge) {
    if (f->has_merge) return dup_key(s, n->text, at);
    f->has_merge = f->key_is_merge = 1;
    f->key = n;
    return GWR_OK;
  }
  if (n->type != GWR_NODE_STRING) { /* an alias of a typed scalar */
    if (!(k = gwr__node_new(s->ar, GWR_NODE_STRING))) return nomem(s, at);
    k->text = n->text;
    k->line = at.line;
    k->column = at.col;
  }
  if (key_has(f, k->text)) return dup_key(s, k->text, at);
  f->key = k;
  return GWR_OK;
}

static int push_root(doc_state *s, gwr__node *n, pos at) {
  gwr__docs *o = s->out;
  gwr__node **nr;
  size_t cap;
  if (o->count == s->roots_cap) {
    cap = s->roots_cap ? s->roots_cap * 2 : 4;
    if (!(nr = gwr__arena_array(s->ar, cap, sizeof *nr))) return nomem(s, at);
    if (o->count) memcpy(nr, o->roots, o->count * sizeof *nr);
    o->roots = nr;
    s->roots_cap = cap;
  }
  o->roots[o->count++] = n;
  return GWR_OK;
}

/* A finished node (size = its expanded size) goes to its parent. */
static int deliver(doc_state *s, gwr__node *n, size_t size,
                   const char *anchor_name, pos at, int merge) {
  frame *f;
  gwr__node *k;
  if (anchor_name && add_anchor(s, anchor_name, n, size) != GWR_OK)
    return nomem(s, at);
  if (s->depth == 0) {
    s->root = n;
    return GWR_OK;
  }
  f = &s->stack[s->depth - 1];
  f->size += size; /* <= s->expanded, which is checked */
  if (f->node->type == GWR_NODE_SEQ)
    return gwr__node_seq_add(s->ar, f->node, n) ? nomem(s, at) : GWR_OK;
  if (!f->key) return take_key(s, f, n, at, merge);
  k = f->key;
  f->key = NULL;
  if (!f->key_is_merge) return add_pair(s, f, k, n, at);
  f->key_is_merge = 0;
  return set_merge(s, f, n, at);
}

/* ---- events ----------------------------------------------------------- */

static int count_nodes(doc_state *s, size_t n, pos at) {
  if (!gwr__add_ok(s->expanded, n, &s->expanded) ||
      s->expanded > s->lim.max_expanded)
    return fail(s, GWR_E_LIMIT, at, "alias expansion exceeds %zu nodes",
                s->lim.max_expanded);
  return GWR_OK;
}

static char *dup_name(doc_state *s, const yaml_char_t *name) {
  const char *p = (const char *)name;
  return gwr__arena_strndup(s->ar, p, strlen(p));
}

static int on_scalar(doc_state *s, const yaml_event_t *ev) {
  pos at = mark_pos(&ev->start_mark);
  const yaml_char_t *an = ev->data.scalar.anchor;
  char *name = NULL;
  gwr__node *n = NULL;
  int is_key = expecting_key(s), merge, rc;
  if ((rc = count_nodes(s, 1, at)) != GWR_OK) return rc;
  if ((rc = make_scalar(s, ev, is_key, &n)) != GWR_OK) return rc;
  if (an && !(name = dup_name(s, an))) return nomem(s, at);
  merge = is_key && ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
          !ev->data.scalar.tag && gwr__sv_eq_cstr(n->text, "<<");
  return deliver(s, n, 1, name, at, merge);
}

static int on_alias(doc_state *s, const yaml_event_t *ev) {
  pos at = mark_pos(&ev->start_mark);
  const char *name = (const char *)ev->data.alias.anchor;
  const anchor *a;
  int rc;
  if (++s->aliases > s->lim.max_aliases)
    return fail(s, GWR_E_LIMIT, at, "more than %zu aliases",
                s->lim.max_aliases);
  if (!(a = find_anchor(s, name)))
    return fail(s, GWR_E_PARSE, at, "unknown alias \"%.*s\"", KEY_SHOW_MAX,
                name);
  if ((rc = count_nodes(s, a->size, at)) != GWR_OK) return rc;
  return deliver(s, a->node, a->size, NULL, at, 0);
}

static frame *push_frame(doc_state *s) {
  frame *nf;
  size_t cap = 16;
  if (s->depth == s->stack_cap) {
    if (s->stack_cap && !gwr__mul_ok(s->stack_cap, 2, &cap)) return NULL;
    if (!(nf = gwr__arena_array(s->ar, cap, sizeof *nf))) return NULL;
    if (s->depth) memcpy(nf, s->stack, s->depth * sizeof *nf);
    s->stack = nf;
    s->stack_cap = cap;
  }
  nf = &s->stack[s->depth++];
  memset(nf, 0, sizeof *nf);
  return nf;
}

static int on_start(doc_state *s, const yaml_event_t *ev, int type,
                    const yaml_char_t *an) {
  pos at = mark_pos(&ev->start_mark);
  frame *f;
  int rc;
  if (expecting_key(s))
    return fail(s, GWR_E_PARSE, at, "mapping key must be a scalar");
  if (s->depth >= s->lim.max_depth)
    return fail(s, GWR_E_LIMIT, at, "nesting deeper than %zu",
                s->lim.max_depth);
  if ((rc = count_nodes(s, 1, at)) != GWR_OK) return rc;
  if (!(f = push_frame(s))) return nomem(s, at);
  f->size = 1;
  if (!(f->node = gwr__node_new(s->ar, type))) return nomem(s, at);
  f->node->line = at.line;
  f->node->column = at.col;
  if (an && !(f->anchor = dup_name(s, an))) return nomem(s, at);
  return GWR_OK;
}

static int on_end(doc_state *s, const yaml_event_t *ev) {
  pos at = mark_pos(&ev->start_mark);
  frame f;
  int rc;
  if (s->depth == 0) return fail(s, GWR_E_PARSE, at, "unbalanced end");
  f = s->stack[--s->depth];
  if (f.merge && (rc = apply_merge(s, &f, at)) != GWR_OK) return rc;
  at.line = f.node->line;
  at.col = f.node->column;
  return deliver(s, f.node, f.size, f.anchor, at, 0);
}

static void on_doc_start(doc_state *s) {
  if (s->nanchors) memset(s->anchors, 0, sizeof s->anchors);
  s->nanchors = 0;
  s->root = NULL;
  s->depth = 0;
}

static int on_doc_end(doc_state *s, const yaml_event_t *ev) {
  gwr__node *r = s->root;
  s->root = NULL;
  if (!r || r->type == GWR_NODE_NULL) return GWR_OK;
  return push_root(s, r, mark_pos(&ev->start_mark));
}

static int on_event(doc_state *s, const yaml_event_t *ev) {
  switch (ev->type) {
  case YAML_DOCUMENT_START_EVENT:
    on_doc_start(s);
    return GWR_OK;
  case YAML_DOCUMENT_END_EVENT:
    return on_doc_end(s, ev);
  case YAML_SCALAR_EVENT:
    return on_scalar(s, ev);
  case YAML_ALIAS_EVENT:
    return on_alias(s, ev);
  case YAML_SEQUENCE_START_EVENT:
    return on_start(s, ev, GWR_NODE_SEQ, ev->data.sequence_start.anchor);
  case YAML_MAPPING_START_EVENT:
    return on_start(s, ev, GWR_NODE_MAP, ev->data.mapping_start.anchor);
  case YAML_SEQUENCE_END_EVENT:
  case YAML_MAPPING_END_EVENT:
    return on_end(s, ev);
  default:
    return GWR_OK;
  }
}

/* Pull events to the end of the stream. libyaml makes a few events per
 * input byte at most; the event budget only guards against a parser bug. */
static int run(doc_state *s, yaml_parser_t *p, const char *text, size_t len) {
  yaml_event_t ev;
  size_t events = 0, budget;
  int rc = GWR_OK, done = 0;
  if (!gwr__mul_ok(len, 16, &budget) || !gwr__add_ok(budget, 64, &budget))
    budget = SIZE_MAX;
  while (!done && rc == GWR_OK) {
    if (++events > budget)
      return fail(s, GWR_E_PARSE, pos_none(), "parser made no progress");
    if (!yaml_parser_parse(p, &ev)) return yaml_fail(s, p, text, len);
    rc = on_event(s, &ev);
    done = ev.type == YAML_STREAM_END_EVENT || ev.type == YAML_NO_EVENT;
    yaml_event_delete(&ev);
  }
  return rc;
}

static void state_init(doc_state *s, gwr__docs *out, gwr__arena *ar,
                       const char *source, const gwr__doc_limits *limits,
                       gwr_error *err) {
  memset(s, 0, sizeof *s);
  s->ar = ar;
  s->out = out;
  s->err = err;
  s->source = source ? source : "<input>";
  s->lim.max_aliases = DOC_DEF_ALIASES;
  s->lim.max_expanded = DOC_DEF_EXPANDED;
  s->lim.max_depth = DOC_DEF_DEPTH;
  s->lim.max_string = (size_t)1 << 20;
  if (limits) s->lim = *limits; /* taken as given: 0 means none allowed */
}

int gwr__doc_parse(gwr__docs *out, gwr__arena *ar, const char *text,
                   size_t len, const char *source,
                   const gwr__doc_limits *limits, gwr_error *err) {
  doc_state s;
  yaml_parser_t p;
  int rc;
  if (!out || !ar || (!text && len))
    return gwr__error_set(err, GWR_E_INVALID, "%s: invalid argument",
                          source ? source : "<input>");
  out->roots = NULL;
  out->count = 0;
  state_init(&s, out, ar, source, limits, err);
  if (!yaml_parser_initialize(&p)) return nomem(&s, pos_none());
  yaml_parser_set_input_string(
      &p, (const unsigned char *)(text ? text : ""), len);
  rc = run(&s, &p, text, len);
  yaml_parser_delete(&p);
  if (rc != GWR_OK) {
    out->roots = NULL;
    out->count = 0;
  }
  return rc;
}
