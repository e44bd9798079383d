/* SPDX-License-Identifier: Apache-2.0 */
/*
 * diff.c - gwr_diff(): how two compiled tables route differently.
 *
 * A test generator, not a proof: requests are derived from both tables'
 * match entries (their hostnames, paths, methods, header and query
 * predicates and the edge cases around each), deduplicated, sorted and
 * capped; each one is routed by both tables and the outcomes are compared
 * field by field (docs/diff.md). Route identity is not compared: two
 * configurations that route alike with other object names are equal.
 *
 * Memory: generated requests live in one arena; each request's two
 * outcomes in an arena of their own, kept only when they differ.
 */
#include <stdio.h>
#include <stdlib.h>

#include "decision.h"
#include "report.h"

#define DIFF_MAX_REQUESTS 100000u /* generated requests compared at most */
#define DIFF_MAX_LISTED 200u      /* differing requests listed in a report */
#define DIFF_ENTRY_HOSTS 64u
#define DIFF_MAX_KEPT 5000u       /* differing requests kept for grouping; the rest are counted */      /* hosts of a bucket each entry's requests are made for */
#define DIFF_TEXT_EXPLAINED 20u   /* of those, explained in a text report */
#define DIFF_MAX_HOSTS 4096u      /* hostnames collected per gateway pair */
#define DIFF_SEP '\x1f'           /* field separator of a request key */

static const char *const method_names[] = {"GET",     "HEAD",    "POST",  "PUT",   "DELETE",
                                           "CONNECT", "OPTIONS", "TRACE", "PATCH", NULL};

/* ---- gateway pairs --------------------------------------------------------- */

typedef struct pair {
  uint32_t g[2]; /* gateway index in the old [0] and new [1] table, GWR_NONE */
} pair;

/* ---- request generation ----------------------------------------------------- */

typedef struct hostset {
  char **v;
  size_t n, cap;
} hostset;

typedef struct gen {
  const gwr__alloc *a;
  gwr__arena ar;                /* request keys and hostnames */
  char **reqs;                  /* request keys, deduplicated */
  size_t count, cap;
  uint32_t *slots;              /* open addressing over reqs: index + 1, 0 = empty */
  size_t slot_cap;
  size_t dropped;               /* distinct requests beyond the cap */
  int nomem;
  gwr__buf key;                 /* scratch for one key */
  gwr__buf s1, s2;              /* scratch strings */
  hostset hosts;                /* this pair's host universe */
  gwr__regex_scratch *rx;
  /* where the requests being made go */
  uint32_t pair;
  uint32_t port;
  int32_t proto;                /* GWR_PROTOCOL_* */
  const char *scheme;
} gen;

static int gen_grow_slots(gen *g) {
  size_t cap = g->slot_cap ? g->slot_cap * 2 : 1024, i;
  uint32_t *s = gwr__calloc(g->a, cap, sizeof *s);
  if (!s) return 0;
  for (i = 0; i < g->count; i++) {
    uint64_t h = gwr__hash(g->reqs[i], strlen(g->reqs[i]), 0);
    size_t j = (size_t)h & (cap - 1);
    while (s[j]) j = (j + 1) & (cap - 1);
    s[j] = (uint32_t)(i + 1);
  }
  gwr__free(g->a, g->slots);
  g->slots = s;
  g->slot_cap = cap;
  return 1;
}

/* Add the key in g->key unless present or over the cap. */
static void gen_commit(gen *g) {
  const char *k = g->key.data;
  size_t n = g->key.len, j;
  uint64_t h;
  if (g->nomem || g->key.failed || !k) {
    g->nomem = 1;
    return;
  }
  if ((g->count + 1) * 2 > g->slot_cap && !gen_grow_slots(g)) {
    g->nomem = 1;
    return;
  }
  h = gwr__hash(k, n, 0);
  j = (size_t)h & (g->slot_cap - 1);
  while (g->slots[j]) {
    const char *o = g->reqs[g->slots[j] - 1];
    if (strlen(o) == n && memcmp(o, k, n) == 0) return;
    j = (j + 1) & (g->slot_cap - 1);
  }
  if (g->count >= DIFF_MAX_REQUESTS) {
    g->dropped++; /* past the cap keys are not remembered: an estimate */
    return;
  }
  if (g->count == g->cap) {
    size_t cap = g->cap ? g->cap * 2 : 256;
    char **v = gwr__calloc(g->a, cap, sizeof *v);
    if (!v) {
      g->nomem = 1;
      return;
    }
    if (g->count) memcpy(v, g->reqs, g->count * sizeof *v);
    gwr__free(g->a, g->reqs);
    g->reqs = v;
    g->cap = cap;
  }
  g->reqs[g->count] = gwr__arena_strndup(&g->ar, k, n);
  if (!g->reqs[g->count]) {
    g->nomem = 1;
    return;
  }
  g->slots[j] = (uint32_t)(g->count + 1);
  g->count++;
}

/* A key field: separators in values become '?'. */
static void key_field(gwr__buf *b, const char *p, size_t n) {
  size_t i;
  char sep = DIFF_SEP;
  gwr__buf_put(b, &sep, 1);
  for (i = 0; i < n; i++) {
    char c = p[i] == DIFF_SEP ? '?' : p[i];
    gwr__buf_put(b, &c, 1);
  }
}

typedef struct hkv { /* a header of a request being made */
  gwr__sv name, value;
} hkv;

/* One request: key = pair port proto scheme sni host path method {name value}. */
static void gen_add(gen *g, const char *host, const char *path, const char *method,
                    const hkv *h, size_t hn, size_t skip) {
  size_t i;
  int l4 = g->proto >= GWR_PROTOCOL_TLS;
  const char *sni = (l4 || strcmp(g->scheme, "https") == 0) ? host : "";
  g->key.len = 0;
  if (g->key.data) g->key.data[0] = '\0';
  gwr__buf_printf(&g->key, "%08u%c%05u%c%d", (unsigned)g->pair, DIFF_SEP, (unsigned)g->port,
                  DIFF_SEP, (int)g->proto);
  key_field(&g->key, l4 ? "" : g->scheme, l4 ? 0 : strlen(g->scheme));
  key_field(&g->key, sni, g->proto == GWR_PROTOCOL_TCP || g->proto == GWR_PROTOCOL_UDP ? 0 : strlen(sni));
  key_field(&g->key, l4 ? "" : host, l4 ? 0 : strlen(host));
  key_field(&g->key, l4 ? "" : path, l4 ? 0 : strlen(path));
  key_field(&g->key, l4 ? "" : method, l4 ? 0 : strlen(method));
  for (i = 0; !l4 && i < hn; i++) {
    if (i == skip) continue;
    key_field(&g->key, h[i].name.ptr, h[i].name.len);
    key_field(&g->key, h[i].value.ptr, h[i].value.len);
  }
  gen_commit(g);
}

static void hostset_add(gen *g, hostset *hs, const char *p, size_t n) {
  size_t i;
  char *s;
  if (hs->n >= DIFF_MAX_HOSTS || g->nomem) return;
  for (i = 0; i < hs->n; i++)
    if (strlen(hs->v[i]) == n && memcmp(hs->v[i], p, n) == 0) return;
  if (hs->n == hs->cap) {
    size_t cap = hs->cap ? hs->cap * 2 : 32;
    char **v = gwr__calloc(g->a, cap, sizeof *v);
    if (!v) {
      g->nomem = 1;
      return;
    }
    if (hs->n) memcpy(v, hs->v, hs->n * sizeof *v);
    gwr__free(g->a, hs->v);
    hs->v = v;
    hs->cap = cap;
  }
  s = gwr__arena_strndup(&g->ar, p, n);
  if (!s) {
    g->nomem = 1;
    return;
  }
  hs->v[hs->n++] = s;
}

static void hosts_add(gen *g, const char *p, size_t n) { hostset_add(g, &g->hosts, p, n); }

static void hosts_add_to(hostset *hs, gen *g, const char *s) { hostset_add(g, hs, s, strlen(s)); }

/* The hostnames a request may carry for a hostname pattern. */
static void host_samples(gen *g, gwr__sv h) {
  if (h.len == 0) return;
  if (h.ptr[0] == '*' && h.len > 2) {
    g->s1.len = 0;
    gwr__buf_puts(&g->s1, "a");
    gwr__buf_put(&g->s1, h.ptr + 1, h.len - 1);
    if (!g->s1.failed) hosts_add(g, g->s1.data, g->s1.len);
    g->s1.len = 0;
    gwr__buf_puts(&g->s1, "a.b");
    gwr__buf_put(&g->s1, h.ptr + 1, h.len - 1);
    if (!g->s1.failed) hosts_add(g, g->s1.data, g->s1.len);
    hosts_add(g, h.ptr + 2, h.len - 2);
  } else {
    hosts_add(g, h.ptr, h.len);
  }
}

/* Every hostname both tables name for a gateway, as request hosts. */
static void collect_hosts(gen *g, const gwr_table *t, uint32_t gi) {
  const gwr__tgateway *tg = &t->gateways[gi];
  size_t b, k;
  uint32_t li;
  for (li = tg->first_listener; li < tg->first_listener + tg->listener_count; li++)
    host_samples(g, t->att.listeners[li].l->hostname);
  for (b = 0; b < t->att.binding_count; b++) {
    const gwr__binding *bd = &t->att.bindings[b];
    if (bd->listener < tg->first_listener || bd->listener >= tg->first_listener + tg->listener_count)
      continue;
    for (k = 0; k < bd->host_count; k++) host_samples(g, bd->hosts[k].name);
  }
}

/* The last '/'-separated parent of p ("/a/b" -> "/a", "/a" -> "/"). */
static size_t parent_len(gwr__sv p) {
  size_t n = p.len;
  while (n > 0 && p.ptr[n - 1] != '/') n--;
  if (n > 1) n--; /* drop the '/' itself unless it is the root */
  return n;
}

/* The literal text a regex starts with (escapes resolved); a last
 * character a quantifier makes optional is left out. */
static void regex_literal_prefix(gwr__buf *out, gwr__sv re) {
  size_t i = 0;
  int group = 0;
  out->len = 0;
  if (out->data) out->data[0] = '\0';
  if (i < re.len && re.ptr[i] == '^') i++;
  /* leading inline flags "(?i)" and one non-capturing group "(?:": the
   * shape of the paths lowered from Ingresses, "(?i)(?:/v1).*" */
  if (i + 2 < re.len && re.ptr[i] == '(' && re.ptr[i + 1] == '?' && re.ptr[i + 2] != ':') {
    size_t k = i + 2;
    while (k < re.len && ((re.ptr[k] >= 'a' && re.ptr[k] <= 'z') || re.ptr[k] == '-')) k++;
    if (k < re.len && re.ptr[k] == ')') i = k + 1;
  }
  if (i + 2 < re.len && re.ptr[i] == '(' && re.ptr[i + 1] == '?' && re.ptr[i + 2] == ':') {
    i += 3;
    group = 1;
  }
  while (i < re.len) {
    char c = re.ptr[i];
    size_t before = out->len;
    if (group && c == ')') {
      /* the group may be optional as a whole: then nothing is certain */
      if (i + 1 < re.len && strchr("*?{", re.ptr[i + 1])) {
        out->len = 0;
        if (out->data) out->data[0] = '\0';
      }
      break;
    }
    if (c == '\\') {
      char e;
      if (i + 1 >= re.len) break;
      e = re.ptr[i + 1];
      if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9')) break;
      gwr__buf_put(out, &e, 1);
      i += 2;
    } else if (strchr(".[](){}*+?|^$", c)) {
      break;
    } else {
      gwr__buf_put(out, &c, 1);
      i++;
    }
    if (i < re.len && (re.ptr[i] == '*' || re.ptr[i] == '?' || re.ptr[i] == '{')) {
      out->len = before; /* the last character may be absent */
      if (out->data) out->data[before] = '\0';
      break;
    }
  }
}

/* The pattern as plain text: anchors dropped, escapes resolved. */
static void regex_plain(gwr__buf *out, gwr__sv re) {
  size_t i = 0, n = re.len;
  out->len = 0;
  if (out->data) out->data[0] = '\0';
  if (n && re.ptr[0] == '^') i++;
  if (n > i && re.ptr[n - 1] == '$' && (n < 2 || re.ptr[n - 2] != '\\')) n--;
  for (; i < n; i++) {
    if (re.ptr[i] == '\\' && i + 1 < n) i++;
    gwr__buf_put(out, re.ptr + i, 1);
  }
}

/* Skip a character class starting at re[i] == '['; returns the index after it. */
static size_t class_end(gwr__sv re, size_t i) {
  i++;
  if (i < re.len && re.ptr[i] == '^') i++;
  if (i < re.len && re.ptr[i] == ']') i++;
  while (i < re.len && re.ptr[i] != ']') i += re.ptr[i] == '\\' ? 2 : 1;
  return i < re.len ? i + 1 : re.len;
}

/* One character a class [..] at re[i] accepts (a guess for negated ones;
 * the caller verifies the whole sample against the compiled regex). */
static char class_pick(gwr__sv re, size_t i) {
  static const char candidates[] = "ax0_-/.Z";
  size_t end = class_end(re, i), k;
  int neg;
  i++;
  if (i >= end) return 'a'; /* "[" at the very end: nothing to read */
  neg = re.ptr[i] == '^';
  if (neg && i + 1 >= end) return 'a';
  if (!neg) {
    if (re.ptr[i] != '\\') return re.ptr[i];
    if (i + 1 < end) {
      char e = re.ptr[i + 1];
      return e == 'd' ? '0' : e == 'w' ? 'a' : e == 's' ? ' ' : e;
    }
    return 'a';
  }
  for (k = 0; candidates[k]; k++)
    if (!memchr(re.ptr + i + 1, candidates[k], end - i - 1)) return candidates[k];
  return '~';
}

/* Constructs the sampler does not follow (quoted text, conditionals,
 * extended mode with comments): no sample rather than a wrong walk. */
static int sampler_follows(gwr__sv re) {
  size_t i;
  for (i = 0; i + 1 < re.len; i++) {
    if (re.ptr[i] == '\\' && re.ptr[i + 1] == 'Q') return 0;
    if (re.ptr[i] == '(' && re.ptr[i + 1] == '?' && i + 2 < re.len &&
        (re.ptr[i + 2] == '(' || re.ptr[i + 2] == 'x' || re.ptr[i + 2] == '#'))
      return 0;
    if (re.ptr[i] == '\\') i++;
  }
  return 1;
}

/* A string the regex probably matches: literals kept, classes and escapes
 * by one member, '.' as 'a', the first alternative of each group, each
 * quantified atom once ({n}: n times). */
static void regex_sample(gwr__buf *out, gwr__sv re) {
  size_t i = 0, atom = 0, stack[32];
  int depth = 0;
  out->len = 0;
  if (out->data) out->data[0] = '\0';
  if (!sampler_follows(re)) return;
  while (i < re.len && !out->failed) {
    char c = re.ptr[i], e;
    if (c == '^' || c == '$') {
      i++;
      continue;
    }
    if (c == '(') {
      if (depth >= 0 && depth < 32) stack[depth] = out->len;
      depth++;
      i++;
      if (i < re.len && re.ptr[i] == '?') {
        while (i < re.len && re.ptr[i] != ':' && re.ptr[i] != ')') i++;
        if (i < re.len && re.ptr[i] == ':') i++;
      }
      continue;
    }
    if (c == '|') { /* keep the first alternative: skip to this group's end */
      int d = 0;
      while (i < re.len) {
        char ch = re.ptr[i];
        if (ch == '\\') {
          i += 2;
          continue;
        }
        if (ch == '[') {
          i = class_end(re, i);
          continue;
        }
        if (ch == '(') d++;
        if (ch == ')' && d-- == 0) break;
        i++;
      }
      continue;
    }
    if (c == ')') {
      if (depth == 0) return; /* unbalanced for this walk: give up */
      depth--;
      atom = depth < 32 ? stack[depth] : out->len;
      i++;
    } else {
      atom = out->len;
      if (c == '\\' && i + 1 < re.len) {
        e = re.ptr[i + 1];
        e = e == 'd' ? '0' : e == 'w' ? 'a' : e == 's' ? ' ' : (e == 'D' || e == 'W' || e == 'S') ? '-' : e;
        gwr__buf_put(out, &e, 1);
        i += 2;
      } else if (c == '[') {
        e = class_pick(re, i);
        gwr__buf_put(out, &e, 1);
        i = class_end(re, i);
      } else {
        e = c == '.' ? 'a' : c;
        gwr__buf_put(out, &e, 1);
        i++;
      }
    }
    if (i < re.len && re.ptr[i] == '{') {
      size_t n = 0, k, len = out->len - atom;
      char piece[64];
      i++;
      while (i < re.len && re.ptr[i] >= '0' && re.ptr[i] <= '9') n = n * 10 + (size_t)(re.ptr[i++] - '0');
      while (i < re.len && re.ptr[i] != '}') i++;
      i++;
      if (len <= sizeof piece && n <= 64 && !out->failed) {
        memcpy(piece, out->data + atom, len);
        out->len = atom;
        for (k = 0; k < n; k++) gwr__buf_put(out, piece, len);
        if (n == 0 && out->data) out->data[atom] = '\0';
      }
    } else if (i < re.len && (re.ptr[i] == '*' || re.ptr[i] == '+' || re.ptr[i] == '?')) {
      i++;
    }
    if (i < re.len && (re.ptr[i] == '?' || re.ptr[i] == '+')) i++; /* lazy, possessive */
  }
}

static int rx_full(gen *g, const gwr_table *t, const gwr__regex *re, const char *s, size_t n) {
  return g->rx && gwr__regex_match(t->rx, re, g->rx, s, n);
}

/* A value the predicate accepts, written to out; 0 when none was found. */
static int pred_sample(gen *g, const gwr_table *t, const gwr__pred *p, gwr__buf *out) {
  static const char *const tails[] = {"", "x", "1", "a", "/x", NULL};
  size_t i, base;
  out->len = 0;
  if (out->data) out->data[0] = '\0';
  if (!p->re) {
    gwr__buf_put(out, p->value.ptr, p->value.len);
    return !out->failed;
  }
  regex_sample(out, p->value);
  if (!out->failed && rx_full(g, t, p->re, out->data, out->len)) return 1;
  regex_plain(out, p->value);
  if (!out->failed && rx_full(g, t, p->re, out->data, out->len)) return 1;
  regex_literal_prefix(out, p->value);
  base = out->len;
  for (i = 0; tails[i] && !out->failed; i++) {
    out->len = base;
    gwr__buf_puts(out, tails[i]);
    if (!out->failed && rx_full(g, t, p->re, out->data, out->len)) return 1;
  }
  return 0;
}

static const char *method_name(uint8_t code) {
  if (code >= 1 && code <= 9) return method_names[code - 1];
  return "GET";
}

/* A string list (path candidates) in one buffer, NUL-separated. */
typedef struct strs {
  gwr__buf b;
  size_t n;
} strs;

static void strs_add(strs *s, const char *p, size_t n, const char *tail) {
  gwr__buf_put(&s->b, p, n);
  if (tail) gwr__buf_puts(&s->b, tail);
  gwr__buf_put(&s->b, "", 1);
  s->n++;
}

static void strs_add_upper(strs *s, gwr__sv p) {
  size_t i;
  for (i = 0; i < p.len; i++) {
    char c = p.ptr[i];
    if (c >= 'a' && c <= 'z') c = (char)(c - 32);
    gwr__buf_put(&s->b, &c, 1);
  }
  gwr__buf_put(&s->b, "", 1);
  s->n++;
}

/* The path candidates of one entry; the first satisfies it when it can. */
static void entry_paths(gen *g, const gwr_table *t, const gwr__entry *e, strs *s) {
  gwr__sv p = e->path;
  if (e->list == GWR_LIST_EXACT) {
    char last;
    strs_add(s, p.ptr, p.len, NULL);
    strs_add(s, p.ptr, p.len, "/");
    if (p.len <= 1) {
      strs_add(s, "/x", 2, NULL);
    } else {
      last = p.ptr[p.len - 1] == 'x' ? 'y' : 'x';
      strs_add(s, p.ptr, p.len - 1, NULL);
      if (!s->b.failed) s->b.len--; /* replace the NUL just written by the changed character */
      gwr__buf_put(&s->b, &last, 1);
      gwr__buf_put(&s->b, "", 1);
    }
  } else if (e->list == GWR_LIST_PREFIX) {
    if (p.len) strs_add(s, p.ptr, p.len, NULL);
    else strs_add(s, "/", 1, NULL);
    strs_add(s, p.ptr, p.len, "/");
    strs_add(s, p.ptr, p.len, "/sub");
    if (p.len) strs_add(s, p.ptr, p.len, "x");
    else strs_add(s, "/x", 2, NULL);
    if (p.len) {
      strs_add(s, p.ptr, parent_len(p), NULL);
      strs_add_upper(s, p);
    }
  } else {
    static const char *const tails[] = {"", "x", "/x", "1", "/", NULL};
    size_t i, found = 0;
    regex_sample(&g->s2, p);
    if (!g->s2.failed && e->path_re && rx_full(g, t, e->path_re, g->s2.data, g->s2.len)) {
      strs_add(s, g->s2.data, g->s2.len, NULL);
      found++;
    }
    regex_literal_prefix(&g->s2, p);
    for (i = 0; tails[i] && !g->s2.failed; i++) {
      size_t base = g->s2.len;
      gwr__buf_puts(&g->s2, tails[i]);
      if (!g->s2.failed && e->path_re && rx_full(g, t, e->path_re, g->s2.data, g->s2.len)) {
        strs_add(s, g->s2.data, g->s2.len, NULL);
        found++;
      }
      g->s2.len = base;
      if (g->s2.data) g->s2.data[base] = '\0';
    }
    if (!found) {
      regex_plain(&g->s2, p);
      if (!g->s2.failed && e->path_re && rx_full(g, t, e->path_re, g->s2.data, g->s2.len))
        strs_add(s, g->s2.data, g->s2.len, NULL);
    }
    regex_literal_prefix(&g->s2, p);
    if (!g->s2.failed) {
      if (g->s2.len == 0) strs_add(s, "/", 1, NULL);
      else strs_add(s, g->s2.data, g->s2.len, NULL);
      strs_add_upper(s, gwr__sv_make(g->s2.data ? g->s2.data : "", g->s2.len));
    }
  }
}

/* Requests for one entry on one host: a base request that satisfies the
 * entry, then one dimension varied at a time. */
static void gen_entry(gen *g, const gwr_table *t, const gwr__entry *e, const char *host) {
  strs paths;
  hkv *h = NULL;
  size_t hn = 0, i, qn = 0;
  gwr__buf q, qv, hv;
  const char *method = e->method ? method_name(e->method)
                                 : (g->proto == GWR_PROTOCOL_GRPC ? "POST" : "GET");
  const char *p;
  char **qparts = NULL;
  memset(&paths, 0, sizeof paths);
  gwr__buf_init(&paths.b, g->a);
  gwr__buf_init(&q, g->a);
  gwr__buf_init(&qv, g->a);
  gwr__buf_init(&hv, g->a);
  if (e->header_count) {
    h = gwr__calloc(g->a, e->header_count, sizeof *h);
    if (!h) goto nomem;
    /* header values live in hv, NUL-separated; views are fixed once it stops growing */
    for (i = 0; i < e->header_count; i++) {
      if (!pred_sample(g, t, &e->headers[i], &g->s1) || g->s1.failed) continue;
      gwr__buf_put(&hv, g->s1.data, g->s1.len);
      gwr__buf_put(&hv, "", 1);
      h[hn].name = e->headers[i].name;
      h[hn].value.len = g->s1.len;
      hn++;
    }
    if (hv.failed) goto nomem;
    {
      size_t off = 0;
      for (i = 0; i < hn; i++) {
        h[i].value.ptr = hv.data + off;
        off += h[i].value.len + 1;
      }
    }
  }
  if (e->query_count) {
    qparts = gwr__calloc(g->a, e->query_count, sizeof *qparts);
    if (!qparts) goto nomem;
    for (i = 0; i < e->query_count; i++) {
      if (!pred_sample(g, t, &e->queries[i], &g->s1) || g->s1.failed) continue;
      gwr__buf_put(&qv, e->queries[i].name.ptr, e->queries[i].name.len);
      gwr__buf_put(&qv, "=", 1);
      gwr__buf_put(&qv, g->s1.data, g->s1.len);
      gwr__buf_put(&qv, "", 1);
      qn++;
    }
    if (qv.failed) goto nomem;
    {
      size_t off = 0, k;
      for (k = 0; k < qn; k++) {
        qparts[k] = qv.data + off;
        off += strlen(qv.data + off) + 1;
      }
    }
  }
  entry_paths(g, t, e, &paths);
  if (paths.b.failed) goto nomem;
  /* the query of the base request, and the path and query of each variant */
#define QUERY(skip_index)                                       \
  do {                                                          \
    size_t k_, w_ = 0;                                          \
    for (k_ = 0; k_ < qn; k_++) {                               \
      if (k_ == (skip_index)) continue;                         \
      gwr__buf_put(&q, w_++ ? "&" : "?", 1);                    \
      gwr__buf_puts(&q, qparts[k_]);                            \
    }                                                           \
  } while (0)
  p = paths.b.data;
  for (i = 0; i < paths.n; i++) {
    q.len = 0;
    gwr__buf_puts(&q, p);
    QUERY((size_t)-1);
    if (!q.failed) gen_add(g, host, q.data, method, h, hn, (size_t)-1);
    p += strlen(p) + 1;
  }
  p = paths.b.data; /* the base path */
  if (paths.n) {
    /* the query string appended */
    q.len = 0;
    gwr__buf_puts(&q, p);
    QUERY((size_t)-1);
    gwr__buf_puts(&q, qn ? "&gwroute_diff=1" : "?gwroute_diff=1");
    if (!q.failed) gen_add(g, host, q.data, method, h, hn, (size_t)-1);
    q.len = 0;
    gwr__buf_puts(&q, p);
    QUERY((size_t)-1);
    if (!q.failed) {
      if (e->method) gen_add(g, host, q.data, strcmp(method, "POST") ? "POST" : "GET", h, hn, (size_t)-1);
      for (i = 0; i < hn; i++) gen_add(g, host, q.data, method, h, hn, i);
    }
    for (i = 0; i < qn; i++) {
      q.len = 0;
      gwr__buf_puts(&q, p);
      QUERY(i);
      if (!q.failed) gen_add(g, host, q.data, method, h, hn, (size_t)-1);
    }
  }
#undef QUERY
  if (q.failed) g->nomem = 1;
  goto out;
nomem:
  g->nomem = 1;
out:
  gwr__free(g->a, h);
  gwr__free(g->a, qparts);
  gwr__buf_free(&paths.b);
  gwr__buf_free(&q);
  gwr__buf_free(&qv);
  gwr__buf_free(&hv);
}

/* The request hosts for a bucket's hostname pattern (empty = catch-all). */
static void bucket_hosts(gen *g, gwr__sv pattern, hostset *out) {
  size_t i;
  out->n = 0;
  if (pattern.len == 0) {
    hosts_add_to(out, g, "unmatched.invalid");
    for (i = 0; i < g->hosts.n; i++) hosts_add_to(out, g, g->hosts.v[i]);
  } else if (pattern.ptr[0] == '*') {
    g->s1.len = 0;
    gwr__buf_puts(&g->s1, "a");
    gwr__buf_put(&g->s1, pattern.ptr + 1, pattern.len - 1);
    hosts_add_to(out, g, g->s1.data ? g->s1.data : "");
    g->s1.len = 0;
    gwr__buf_puts(&g->s1, "a.b");
    gwr__buf_put(&g->s1, pattern.ptr + 1, pattern.len - 1);
    hosts_add_to(out, g, g->s1.data ? g->s1.data : "");
    for (i = 0; i < g->hosts.n; i++)
      if (gwr__host_matches(pattern, gwr__sv_cstr(g->hosts.v[i]))) hosts_add_to(out, g, g->hosts.v[i]);
    if (pattern.len > 2) {
      g->s1.len = 0;
      gwr__buf_put(&g->s1, pattern.ptr + 2, pattern.len - 2);
      hosts_add_to(out, g, g->s1.data ? g->s1.data : "");
    }
  } else {
    g->s1.len = 0;
    gwr__buf_put(&g->s1, pattern.ptr, pattern.len);
    hosts_add_to(out, g, g->s1.data ? g->s1.data : "");
  }
}

/* Requests for one plane (GRPCRoutes or the rest) of one listener. */
static void gen_plane(gen *g, const gwr_table *t, uint32_t li, const gwr__tlistener *tl,
                      int grpc_plane) {
  unsigned char *seen;
  hostset hs;
  size_t b, k, i;
  uint32_t ei;
  if (tl->bucket_count == 0) return;
  seen = gwr__calloc(g->a, tl->bucket_count, 1);
  if (!seen) {
    g->nomem = 1;
    return;
  }
  memset(&hs, 0, sizeof hs);
  for (b = 0; b < t->att.binding_count && !g->nomem; b++) {
    const gwr__binding *bd = &t->att.bindings[b];
    if (bd->listener != li || bd->dropped || (bd->kind == GWR_ROUTE_GRPC) != grpc_plane) continue;
    for (k = 0; k < bd->host_count && !g->nomem; k++) {
      gwr__sv pat = bd->hosts[k].name;
      uint32_t bk = pat.len == 0     ? tl->any_bucket
                    : pat.ptr[0] == '*' ? gwr__hmap_get(&tl->wild_hosts, pat.ptr + 1, pat.len - 1, 0)
                                        : gwr__hmap_get(&tl->exact_hosts, pat.ptr, pat.len, 0);
      const gwr__bucket *bucket;
      if (bk == GWR_NONE || bk >= tl->bucket_count || seen[bk]) continue;
      seen[bk] = 1;
      bucket = &tl->buckets[bk];
      bucket_hosts(g, pat, &hs);
      /* every entry on the first DIFF_ENTRY_HOSTS hosts of a bucket, the
       * base requests on all of them: work stays entries x a constant */
      for (i = 0; i < hs.n && !g->nomem && g->dropped < DIFF_MAX_REQUESTS; i++) {
        if (g->proto >= GWR_PROTOCOL_TLS) {
          gen_add(g, hs.v[i], "/", "", NULL, 0, (size_t)-1);
          continue;
        }
        gen_add(g, hs.v[i], "/", g->proto == GWR_PROTOCOL_GRPC ? "POST" : "GET", NULL, 0, (size_t)-1);
        gen_add(g, hs.v[i], "/__gwroute_diff_nomatch", g->proto == GWR_PROTOCOL_GRPC ? "POST" : "GET",
                NULL, 0, (size_t)-1);
        if (i >= DIFF_ENTRY_HOSTS) continue;
        for (ei = bucket->first; ei < bucket->first + bucket->count && !g->nomem; ei++)
          gen_entry(g, t, &tl->entries[ei], hs.v[i]);
      }
    }
  }
  gwr__free(g->a, hs.v);
  gwr__free(g->a, seen);
}

/* Requests for every listener of gateway gi of t, as pair p. */
static void gen_gateway(gen *g, const gwr_table *t, uint32_t gi, uint32_t p) {
  const gwr__tgateway *tg = &t->gateways[gi];
  uint32_t li;
  g->pair = p;
  for (li = tg->first_listener; li < tg->first_listener + tg->listener_count && !g->nomem; li++) {
    const gwr__listener *l = t->att.listeners[li].l;
    const char *probe = "unmatched.invalid";
    g->port = l->port;
    g->scheme = "http";
    switch (l->protocol) {
      case GWR_PROTO_HTTP: g->proto = GWR_PROTOCOL_HTTP; break;
      case GWR_PROTO_HTTPS: g->proto = GWR_PROTOCOL_HTTP; g->scheme = "https"; break;
      case GWR_PROTO_TLS: g->proto = GWR_PROTOCOL_TLS; break;
      case GWR_PROTO_TCP: g->proto = GWR_PROTOCOL_TCP; break;
      case GWR_PROTO_UDP: g->proto = GWR_PROTOCOL_UDP; break;
      default: continue;
    }
    /* the listener itself, whatever routes it has */
    if (l->hostname.len) {
      g->s2.len = 0;
      if (l->hostname.ptr[0] == '*') gwr__buf_puts(&g->s2, "a");
      gwr__buf_put(&g->s2, l->hostname.ptr + (l->hostname.ptr[0] == '*'),
                   l->hostname.len - (l->hostname.ptr[0] == '*'));
      if (!g->s2.failed) probe = g->s2.data;
    }
    gen_add(g, probe, "/", g->proto >= GWR_PROTOCOL_TLS ? "" : "GET", NULL, 0, (size_t)-1);
    gen_plane(g, t, li, &t->listeners[li], 0);
    if (g->proto == GWR_PROTOCOL_HTTP) {
      g->proto = GWR_PROTOCOL_GRPC;
      gen_plane(g, t, li, &t->grpc[li], 1);
    }
  }
}

/* ---- one request, parsed back from its key ---------------------------------- */

typedef struct rq {
  uint32_t pair, port;
  int32_t proto;
  gwr__sv scheme, sni, host, path, method;
  gwr_header *h;
  size_t hn, hcap;
} rq;

static int rq_parse(const gwr__alloc *a, const char *key, rq *r) {
  gwr__sv f[8];
  size_t nf = 0, fields = 1;
  const char *p = key, *e;
  for (e = key; *e; e++) fields += *e == DIFF_SEP;
  if (fields < 8) return GWR_E_INVALID;
  if ((fields - 8) / 2 > r->hcap) {
    size_t cap = (fields - 8) / 2;
    gwr_header *h = gwr__calloc(a, cap, sizeof *h);
    if (!h) return GWR_E_NOMEM;
    gwr__free(a, r->h);
    r->h = h;
    r->hcap = cap;
  }
  r->hn = 0;
  for (;;) {
    gwr__sv v;
    e = strchr(p, DIFF_SEP);
    v = gwr__sv_make(p, e ? (size_t)(e - p) : strlen(p));
    if (nf < 8) {
      f[nf++] = v;
    } else if ((nf - 8) % 2 == 0) {
      r->h[r->hn].name = v;
      nf++;
    } else {
      r->h[r->hn++].value = v;
      nf++;
    }
    if (!e) break;
    p = e + 1;
  }
  r->pair = (uint32_t)strtoul(f[0].ptr, NULL, 10);
  r->port = (uint32_t)strtoul(f[1].ptr, NULL, 10);
  r->proto = (int32_t)strtol(f[2].ptr, NULL, 10);
  r->scheme = f[3];
  r->sni = f[4];
  r->host = f[5];
  r->path = f[6];
  r->method = f[7];
  return GWR_OK;
}

static void rq_request(const rq *r, const char *gateway, gwr_request *out) {
  gwr_request init = GWR_REQUEST_INIT;
  *out = init;
  out->gateway = gwr__sv_cstr(gateway);
  out->port = r->port;
  out->protocol = r->proto;
  out->sni = r->sni;
  out->method = r->method;
  out->scheme = r->scheme;
  out->host = r->host;
  out->path = r->path;
  out->headers = r->h;
  out->header_count = r->hn;
}

/* ---- outcomes ------------------------------------------------------------------ */

enum {
  F_ACTION = 1 << 0,
  F_STATUS = 1 << 1,
  F_GRPC = 1 << 2,
  F_BACKENDS = 1 << 3,
  F_PATH = 1 << 4,
  F_HOST = 1 << 5,
  F_LOCATION = 1 << 6,
  F_REQ_OPS = 1 << 7,
  F_RESP_OPS = 1 << 8,
  F_RESP_HEADERS = 1 << 9,
  F_MIRRORS = 1 << 10
};

static const char *const field_names[] = {
    "action",        "status",        "grpc_status",         "backends",
    "upstream_path", "upstream_host", "location",            "request_header_ops",
    "response_header_ops", "response_headers", "mirrors",    NULL};

typedef struct dback {          /* one backend of the chosen rule, merged by identity */
  const char *key;              /* "ns/name:port" (kind-qualified when not a Service) */
  const char *filters;          /* its own filters, "" when none */
  uint64_t weight, num, den;    /* share num/den of the rule's traffic, reduced */
  int valid;
} dback;

typedef struct slist {
  const char **v;
  size_t n;
} slist;

enum { OPS_REQ = 0, OPS_RESP, OPS_OWN, OPS_LISTS };

typedef struct outcome {
  int rc;                       /* gwr_match() status */
  int32_t action, status, grpc_status;
  const char *reason;
  int has_dist;                 /* a rule chose among backends */
  dback *b;
  size_t nb;
  const char *up_path, *up_host, *location; /* NULL when not a forward/redirect */
  slist ops[OPS_LISTS];         /* sorted "op name: value" (names lowercased) */
  slist mirrors;                /* sorted "ns/name:port share" */
} outcome;

static uint64_t gcd64(uint64_t a, uint64_t b) {
  while (b) {
    uint64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

static int cmp_str(const void *x, const void *y) {
  return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static void put_ref(gwr__buf *b, const gwr__objref *r) {
  int service = r->group.len == 0 && (r->kind.len == 0 || gwr__sv_eq_cstr(r->kind, "Service"));
  if (!service) {
    if (r->group.len) {
      gwr__buf_put(b, r->group.ptr, r->group.len);
      gwr__buf_puts(b, "/");
    }
    gwr__buf_put(b, r->kind.ptr, r->kind.len);
    gwr__buf_puts(b, " ");
  }
  gwr__buf_put(b, r->ns.ptr, r->ns.len);
  gwr__buf_puts(b, "/");
  gwr__buf_put(b, r->name.ptr, r->name.len);
  if (r->port) gwr__buf_printf(b, ":%u", (unsigned)r->port);
}

static void put_share(gwr__buf *b, uint64_t num, uint64_t den) {
  if (den && (num * 100) % den == 0)
    gwr__buf_printf(b, "%llu%%", (unsigned long long)(num * 100 / den));
  else
    gwr__buf_printf(b, "%.2f%% (%llu/%llu)", den ? 100.0 * (double)num / (double)den : 0.0,
                    (unsigned long long)num, (unsigned long long)den);
}

static const char *op_name(int op) {
  return op == GWR_HEADER_OP_SET ? "set" : op == GWR_HEADER_OP_ADD ? "add" : "remove";
}

static void put_lower(gwr__buf *b, gwr__sv s) {
  size_t i;
  for (i = 0; i < s.len; i++) {
    char c = gwr__lower(s.ptr[i]);
    gwr__buf_put(b, &c, 1);
  }
}

static void put_hop(gwr__buf *b, int op, gwr__sv name, gwr__sv value) {
  gwr__buf_puts(b, op_name(op));
  gwr__buf_puts(b, " ");
  put_lower(b, name);
  if (op != GWR_HEADER_OP_REMOVE) {
    gwr__buf_puts(b, ": ");
    gwr__buf_put(b, value.ptr, value.len);
  }
}

/* A backend's own filters as one line ("" when it has none). */
static void put_backend_filters(gwr__buf *b, const gwr__tfilters *f) {
  uint32_t i;
  const char *sep = "";
  if (!f) return;
  for (i = 0; i < f->req_op_count; i++, sep = "; ") {
    gwr__buf_puts(b, sep);
    gwr__buf_puts(b, "request ");
    put_hop(b, f->req_ops[i].op, f->req_ops[i].name, f->req_ops[i].value);
  }
  for (i = 0; i < f->resp_op_count; i++, sep = "; ") {
    gwr__buf_puts(b, sep);
    gwr__buf_puts(b, "response ");
    put_hop(b, f->resp_ops[i].op, f->resp_ops[i].name, f->resp_ops[i].value);
  }
  if (f->rewrite) {
    gwr__buf_puts(b, sep);
    sep = "; ";
    gwr__buf_puts(b, "rewrite");
    if (f->rewrite->hostname.len) {
      gwr__buf_puts(b, " host ");
      gwr__buf_put(b, f->rewrite->hostname.ptr, f->rewrite->hostname.len);
    }
    if (f->rewrite->path.type != GWR_PATHMOD_NONE) {
      gwr__buf_puts(b, f->rewrite->path.type == GWR_PATHMOD_FULL     ? " path "
                       : f->rewrite->path.type == GWR_PATHMOD_PREFIX ? " prefix "
                                                                     : " path-template ");
      gwr__buf_put(b, f->rewrite->path.value.ptr, f->rewrite->path.value.len);
    }
  }
  for (i = 0; i < f->mirror_count; i++, sep = "; ") {
    uint64_t n = f->mirrors[i].numerator, d = f->mirrors[i].denominator, g = gcd64(n, d);
    gwr__buf_puts(b, sep);
    gwr__buf_puts(b, "mirror ");
    if (f->mirrors[i].ab && f->mirrors[i].ab->ref) put_ref(b, f->mirrors[i].ab->ref);
    gwr__buf_puts(b, " ");
    put_share(b, g ? n / g : 0, g ? d / g : 1);
  }
  for (i = 0; i < f->extension_count; i++, sep = "; ") {
    gwr__buf_puts(b, sep);
    gwr__buf_puts(b, "extension ");
    gwr__buf_put(b, f->extensions[i]->kind.ptr, f->extensions[i]->kind.len);
    gwr__buf_puts(b, "/");
    gwr__buf_put(b, f->extensions[i]->name.ptr, f->extensions[i]->name.len);
  }
}

static const char *arena_buf(gwr__arena *ar, gwr__buf *b, int *nomem) {
  char *s;
  if (b->failed) {
    *nomem = 1;
    return "";
  }
  s = gwr__arena_strndup(ar, b->data ? b->data : "", b->len);
  if (!s) {
    *nomem = 1;
    return "";
  }
  return s;
}

static int cmp_dback(const void *x, const void *y) {
  const dback *a = x, *b = y;
  int c = strcmp(a->key, b->key);
  return c ? c : strcmp(a->filters, b->filters);
}

/* The chosen rule's backends: merged by identity and filters, weight-0
 * ones dropped, shares reduced, sorted. */
static void fill_dist(outcome *o, gwr__arena *ar, gwr__buf *tmp, const gwr__trule *r, int *nomem) {
  uint32_t i;
  size_t n = 0, w;
  uint64_t total = 0;
  o->b = gwr__arena_array(ar, r->backend_count + 1, sizeof *o->b);
  if (!o->b) {
    *nomem = 1;
    return;
  }
  for (i = 0; i < r->backend_count; i++) {
    const gwr__tbackend *tb = &r->backends[i];
    uint64_t weight = tb->cumulative - (i ? r->backends[i - 1].cumulative : 0);
    if (weight == 0) continue;
    tmp->len = 0;
    if (tb->ab && tb->ab->ref) put_ref(tmp, tb->ab->ref);
    o->b[n].key = arena_buf(ar, tmp, nomem);
    tmp->len = 0;
    put_backend_filters(tmp, tb->filters);
    o->b[n].filters = arena_buf(ar, tmp, nomem);
    o->b[n].weight = weight;
    o->b[n].valid = tb->valid;
    total += weight;
    n++;
  }
  if (n > 1) qsort(o->b, n, sizeof *o->b, cmp_dback);
  for (i = 0, w = 0; i < n; i++) { /* merge the same backend listed twice */
    if (w && cmp_dback(&o->b[w - 1], &o->b[i]) == 0) {
      o->b[w - 1].weight += o->b[i].weight;
      o->b[w - 1].valid = o->b[w - 1].valid && o->b[i].valid;
    } else {
      o->b[w++] = o->b[i];
    }
  }
  for (i = 0; i < w; i++) {
    uint64_t g = gcd64(o->b[i].weight, total);
    o->b[i].num = g ? o->b[i].weight / g : 0;
    o->b[i].den = g ? total / g : 1;
  }
  o->nb = w;
  o->has_dist = 1;
}

static void fill_list(slist *l, gwr__arena *ar, gwr__buf *tmp, const gwr_decision *d, int32_t list,
                      int *nomem) {
  size_t i, n = gwr_decision_list_count(d, list);
  l->n = 0;
  l->v = NULL;
  if (!n) return;
  l->v = gwr__arena_array(ar, n, sizeof *l->v);
  if (!l->v) {
    *nomem = 1;
    return;
  }
  for (i = 0; i < n; i++) {
    gwr_str name = {NULL, 0}, value = {NULL, 0};
    gwr_decision_list_str(d, list, i, GWR_IF_NAME, &name);
    gwr_decision_list_str(d, list, i, GWR_IF_VALUE, &value);
    tmp->len = 0;
    if (list == GWR_DL_RESPONSE_HEADERS) {
      put_lower(tmp, name);
      gwr__buf_puts(tmp, ": ");
      gwr__buf_put(tmp, value.ptr, value.len);
    } else {
      put_hop(tmp, (int)gwr_decision_list_int(d, list, i, GWR_IF_OP), name, value);
    }
    l->v[l->n++] = arena_buf(ar, tmp, nomem);
  }
  qsort(l->v, l->n, sizeof *l->v, cmp_str);
}

/* Configured mirrors of the rule and chosen backend (not the sampled ones). */
static void fill_mirrors(outcome *o, gwr__arena *ar, gwr__buf *tmp, const gwr_decision *d, int *nomem) {
  size_t cap = 0;
  int w;
  uint32_t i;
  for (w = 0; w < 2; w++)
    if (d->fl[w]) cap += d->fl[w]->mirror_count;
  if (!cap) return;
  o->mirrors.v = gwr__arena_array(ar, cap, sizeof *o->mirrors.v);
  if (!o->mirrors.v) {
    *nomem = 1;
    return;
  }
  for (w = 0; w < 2; w++)
    for (i = 0; d->fl[w] && i < d->fl[w]->mirror_count; i++) {
      const gwr__tmirror *m = &d->fl[w]->mirrors[i];
      uint64_t g = gcd64(m->numerator, m->denominator);
      if (!m->numerator || !m->ab || !m->ab->ref) continue;
      tmp->len = 0;
      put_ref(tmp, m->ab->ref);
      gwr__buf_puts(tmp, " ");
      put_share(tmp, m->numerator / g, m->denominator / g);
      o->mirrors.v[o->mirrors.n++] = arena_buf(ar, tmp, nomem);
    }
  qsort(o->mirrors.v, o->mirrors.n, sizeof *o->mirrors.v, cmp_str);
}

/* The backend a deterministic comparison routes to: the first by identity
 * among those with traffic, so listing order does not matter. */
static uint64_t canonical_choice(gwr__buf *tmp, gwr__buf *tmp2, const gwr__trule *r) {
  uint32_t i, best = GWR_NONE;
  for (i = 0; i < r->backend_count; i++) {
    uint64_t weight = r->backends[i].cumulative - (i ? r->backends[i - 1].cumulative : 0);
    if (!weight) continue;
    tmp->len = 0;
    if (r->backends[i].ab && r->backends[i].ab->ref) put_ref(tmp, r->backends[i].ab->ref);
    gwr__buf_put(tmp, "", 1);
    put_backend_filters(tmp, r->backends[i].filters);
    if (tmp->failed) return 0;
    if (best == GWR_NONE) {
      best = i;
    } else {
      size_t n = tmp->len < tmp2->len ? tmp->len : tmp2->len;
      int c = memcmp(tmp->data, tmp2->data, n);
      if (!(c < 0 || (c == 0 && tmp->len < tmp2->len))) continue;
      best = i;
    }
    tmp2->len = 0;
    gwr__buf_put(tmp2, tmp->data, tmp->len);
  }
  if (best == GWR_NONE || best == 0) return 0;
  return r->backends[best - 1].cumulative;
}

static int is_preflight(const gwr_decision *d) {
  return d->action == GWR_ACTION_RESPOND && d->reason && strcmp(d->reason, "CORS preflight") == 0;
}

/* Route req through t and read the outcome into o (arena memory). */
static int route_one(gwr_decision *d, const gwr_table *t, gwr_request *req, outcome *o,
                     gwr__arena *ar, gwr__buf *tmp, gwr__buf *tmp2) {
  int nomem = 0;
  gwr_str s;
  memset(o, 0, sizeof *o);
  req->choice = 0;
  o->rc = gwr_match(d, t, req);
  if (o->rc == GWR_OK && d->trule && d->trule->backend_count > 1 && d->trule->total_weight &&
      d->action != GWR_ACTION_REDIRECT && !is_preflight(d)) {
    uint64_t choice = canonical_choice(tmp, tmp2, d->trule);
    if (choice) {
      req->choice = choice;
      o->rc = gwr_match(d, t, req);
    }
  }
  if (o->rc != GWR_OK) {
    o->action = GWR_ACTION_NONE;
    o->grpc_status = -1;
    o->reason = gwr_strerror(o->rc);
    return GWR_OK;
  }
  o->action = d->action;
  o->status = d->status;
  o->grpc_status = d->grpc_status;
  tmp->len = 0;
  gwr__buf_puts(tmp, d->reason ? d->reason : "");
  o->reason = arena_buf(ar, tmp, &nomem);
  if (d->trule && d->action != GWR_ACTION_REDIRECT && !is_preflight(d))
    fill_dist(o, ar, tmp, d->trule, &nomem);
  if (d->action == GWR_ACTION_FORWARD) {
    gwr_decision_str(d, GWR_DS_UPSTREAM_PATH, &s);
    tmp->len = 0;
    gwr__buf_put(tmp, s.ptr, s.len);
    o->up_path = arena_buf(ar, tmp, &nomem);
    gwr_decision_str(d, GWR_DS_UPSTREAM_HOST, &s);
    tmp->len = 0;
    gwr__buf_put(tmp, s.ptr, s.len);
    o->up_host = arena_buf(ar, tmp, &nomem);
    fill_mirrors(o, ar, tmp, d, &nomem);
  }
  if (d->action == GWR_ACTION_REDIRECT) {
    gwr_decision_str(d, GWR_DS_LOCATION, &s);
    tmp->len = 0;
    gwr__buf_put(tmp, s.ptr, s.len);
    o->location = arena_buf(ar, tmp, &nomem);
  }
  fill_list(&o->ops[OPS_REQ], ar, tmp, d, GWR_DL_REQUEST_HEADER_OPS, &nomem);
  fill_list(&o->ops[OPS_RESP], ar, tmp, d, GWR_DL_RESPONSE_HEADER_OPS, &nomem);
  fill_list(&o->ops[OPS_OWN], ar, tmp, d, GWR_DL_RESPONSE_HEADERS, &nomem);
  return nomem ? GWR_E_NOMEM : GWR_OK;
}

static int slist_eq(const slist *a, const slist *b) {
  size_t i;
  if (a->n != b->n) return 0;
  for (i = 0; i < a->n; i++)
    if (strcmp(a->v[i], b->v[i])) return 0;
  return 1;
}

static int dist_eq(const outcome *a, const outcome *b) {
  size_t i;
  if (a->nb != b->nb) return 0;
  for (i = 0; i < a->nb; i++)
    if (strcmp(a->b[i].key, b->b[i].key) || strcmp(a->b[i].filters, b->b[i].filters) ||
        a->b[i].num != b->b[i].num || a->b[i].den != b->b[i].den || a->b[i].valid != b->b[i].valid)
      return 0;
  return 1;
}

static int opt_str_eq(const char *a, const char *b) {
  if (!a || !b) return 1; /* one side does not have it: the action says so */
  return strcmp(a, b) == 0;
}

/* The fields in which two outcomes differ. When the actions differ only
 * action, status and gRPC status are compared: the rest do not apply. */
static unsigned compare(const outcome *a, const outcome *b) {
  unsigned m = 0;
  int i;
  if (a->action != b->action) m |= F_ACTION;
  if (a->status != b->status) m |= F_STATUS;
  if (a->grpc_status != b->grpc_status) m |= F_GRPC;
  if (m & F_ACTION) return m;
  if (a->has_dist != b->has_dist || (a->has_dist && !dist_eq(a, b))) m |= F_BACKENDS;
  if (!opt_str_eq(a->up_path, b->up_path)) m |= F_PATH;
  if (!opt_str_eq(a->up_host, b->up_host)) m |= F_HOST;
  if (!opt_str_eq(a->location, b->location)) m |= F_LOCATION;
  for (i = 0; i < OPS_LISTS; i++)
    if (!slist_eq(&a->ops[i], &b->ops[i])) m |= (unsigned)F_REQ_OPS << i;
  if (!slist_eq(&a->mirrors, &b->mirrors)) m |= F_MIRRORS;
  return m;
}

/* ---- the report ------------------------------------------------------------------ */

typedef struct item {           /* one differing request */
  size_t req;                   /* index into the sorted requests */
  unsigned fields;
  outcome o[2];
  gwr__arena ar;                /* the outcomes' memory */
  char *sig;                    /* fields + both outcomes as text: the group */
  size_t group_first;           /* smallest request index of its group */
} item;

typedef struct dctx {
  const gwr__alloc *a;
  const gwr_table *t[2];
  gwr_decision *d[2];
  pair *pairs;
  size_t pair_count;
  int multi;                    /* more than one gateway pair: name it per request */
  char **reqs;
  size_t req_count, dropped;
  item *items;
  size_t item_count, item_cap;
  size_t unkept;                /* differing requests beyond DIFF_MAX_KEPT: counted only */
  rq r;
  gwr__buf tmp, tmp2;
} dctx;

static const char *gateway_key(const dctx *c, size_t pair_index, int side) {
  uint32_t g = c->pairs[pair_index].g[side];
  return g == GWR_NONE ? "" : c->t[side]->gateways[g].key;
}

/* "GET http://host:port/path  [name: value, ...]" */
static void put_request_text(gwr__buf *b, const dctx *c, const rq *r) {
  size_t i;
  if (c->multi) gwr__buf_printf(b, "gateway %s: ", gateway_key(c, r->pair, 0));
  if (r->proto >= GWR_PROTOCOL_TLS) {
    gwr__buf_printf(b, "%s port %u", gwr__request_protocol_name(r->proto), (unsigned)r->port);
    if (r->sni.len) {
      gwr__buf_puts(b, " sni ");
      gwr__buf_text_sv(b, r->sni);
    }
    return;
  }
  if (r->proto == GWR_PROTOCOL_GRPC) gwr__buf_puts(b, "grpc ");
  gwr__buf_text_sv(b, r->method);
  gwr__buf_puts(b, " ");
  gwr__buf_text_sv(b, r->scheme);
  gwr__buf_puts(b, "://");
  gwr__buf_text_sv(b, r->host);
  gwr__buf_printf(b, ":%u", (unsigned)r->port);
  gwr__buf_text_sv(b, r->path);
  for (i = 0; i < r->hn; i++) {
    gwr__buf_puts(b, i ? ", " : "  [");
    gwr__buf_text_sv(b, r->h[i].name);
    gwr__buf_puts(b, ": ");
    gwr__buf_text_sv(b, r->h[i].value);
  }
  if (r->hn) gwr__buf_puts(b, "]");
}

static void put_slist_text(gwr__buf *b, const char *label, const slist *l) {
  size_t i;
  if (!l->n) return;
  gwr__buf_printf(b, "; %s ", label);
  for (i = 0; i < l->n; i++) {
    if (i) gwr__buf_puts(b, ", ");
    gwr__buf_text_sv(b, gwr__sv_cstr(l->v[i]));
  }
}

/* One outcome on one line. Upstream path and host are shown when they
 * differ from the request's (or between the sides), so outcomes that only
 * pass the request through read alike and group together. */
static void put_outcome_text(gwr__buf *b, const outcome *o, const rq *r, unsigned fields) {
  size_t i;
  gwr__buf_puts(b, gwr__action_name(o->action));
  if (o->rc != GWR_OK) gwr__buf_printf(b, " (error: %s)", o->reason);
  if (o->status) gwr__buf_printf(b, " %d", (int)o->status);
  if (o->grpc_status >= 0) gwr__buf_printf(b, " grpc-status %d", (int)o->grpc_status);
  if (o->location) {
    gwr__buf_puts(b, " to ");
    gwr__buf_text_sv(b, gwr__sv_cstr(o->location));
  }
  if (o->action != GWR_ACTION_FORWARD && o->action != GWR_ACTION_REDIRECT && o->reason &&
      o->reason[0] && o->rc == GWR_OK) {
    gwr__buf_puts(b, " (");
    gwr__buf_text_sv(b, gwr__sv_cstr(o->reason));
    gwr__buf_puts(b, ")");
  }
  if (o->has_dist) {
    gwr__buf_puts(b, o->nb ? "; backends " : "; no backends");
    for (i = 0; i < o->nb; i++) {
      if (i) gwr__buf_puts(b, ", ");
      gwr__buf_text_sv(b, gwr__sv_cstr(o->b[i].key));
      gwr__buf_puts(b, " ");
      put_share(b, o->b[i].num, o->b[i].den);
      if (!o->b[i].valid) gwr__buf_puts(b, " (invalid)");
      if (o->b[i].filters[0]) {
        gwr__buf_puts(b, " {");
        gwr__buf_text_sv(b, gwr__sv_cstr(o->b[i].filters));
        gwr__buf_puts(b, "}");
      }
    }
  }
  if (o->up_path && ((fields & F_PATH) || !gwr__sv_eq(gwr__sv_cstr(o->up_path), r->path))) {
    gwr__buf_puts(b, "; path ");
    gwr__buf_text_sv(b, gwr__sv_cstr(o->up_path));
  }
  if (o->up_host && ((fields & F_HOST) || !gwr__sv_eq(gwr__sv_cstr(o->up_host), r->host))) {
    gwr__buf_puts(b, "; host ");
    gwr__buf_text_sv(b, gwr__sv_cstr(o->up_host));
  }
  put_slist_text(b, "request headers", &o->ops[OPS_REQ]);
  put_slist_text(b, "response headers", &o->ops[OPS_RESP]);
  put_slist_text(b, "answer headers", &o->ops[OPS_OWN]);
  put_slist_text(b, "mirrors", &o->mirrors);
}

static void put_fields_text(gwr__buf *b, unsigned fields) {
  int i, first = 1;
  for (i = 0; field_names[i]; i++)
    if (fields & (1u << i)) {
      gwr__buf_puts(b, first ? "" : ", ");
      gwr__buf_puts(b, field_names[i]);
      first = 0;
    }
}

static void put_slist_json(gwr__buf *b, const slist *l) {
  size_t i;
  gwr__buf_puts(b, "[");
  for (i = 0; i < l->n; i++) {
    if (i) gwr__buf_puts(b, ",");
    gwr__buf_json_str(b, l->v[i], strlen(l->v[i]));
  }
  gwr__buf_puts(b, "]");
}

static void put_opt_json(gwr__buf *b, const char *s) {
  if (s) gwr__buf_json_str(b, s, strlen(s));
  else gwr__buf_puts(b, "null");
}

static void put_outcome_json(gwr__buf *b, const outcome *o) {
  size_t i;
  gwr__buf_printf(b, "{\"action\":\"%s\",\"status\":%d,\"grpc_status\":%d,\"reason\":",
                  gwr__action_name(o->action), (int)o->status, (int)o->grpc_status);
  put_opt_json(b, o->reason);
  gwr__buf_puts(b, ",\"backends\":");
  if (!o->has_dist) {
    gwr__buf_puts(b, "null");
  } else {
    gwr__buf_puts(b, "[");
    for (i = 0; i < o->nb; i++) {
      gwr__buf_puts(b, i ? ",{\"backend\":" : "{\"backend\":");
      gwr__buf_json_str(b, o->b[i].key, strlen(o->b[i].key));
      gwr__buf_printf(b, ",\"share\":%.6f,\"share_fraction\":\"%llu/%llu\",\"valid\":%s,\"filters\":",
                      o->b[i].den ? (double)o->b[i].num / (double)o->b[i].den : 0.0,
                      (unsigned long long)o->b[i].num, (unsigned long long)o->b[i].den,
                      o->b[i].valid ? "true" : "false");
      gwr__buf_json_str(b, o->b[i].filters, strlen(o->b[i].filters));
      gwr__buf_puts(b, "}");
    }
    gwr__buf_puts(b, "]");
  }
  gwr__buf_puts(b, ",\"upstream_path\":");
  put_opt_json(b, o->up_path);
  gwr__buf_puts(b, ",\"upstream_host\":");
  put_opt_json(b, o->up_host);
  gwr__buf_puts(b, ",\"location\":");
  put_opt_json(b, o->location);
  gwr__buf_puts(b, ",\"request_header_ops\":");
  put_slist_json(b, &o->ops[OPS_REQ]);
  gwr__buf_puts(b, ",\"response_header_ops\":");
  put_slist_json(b, &o->ops[OPS_RESP]);
  gwr__buf_puts(b, ",\"response_headers\":");
  put_slist_json(b, &o->ops[OPS_OWN]);
  gwr__buf_puts(b, ",\"mirrors\":");
  put_slist_json(b, &o->mirrors);
  gwr__buf_puts(b, "}");
}

static void put_request_json(gwr__buf *b, const dctx *c, const rq *r) {
  size_t i;
  gwr__buf_puts(b, "{\"gateway_old\":");
  gwr__buf_json_str(b, gateway_key(c, r->pair, 0), strlen(gateway_key(c, r->pair, 0)));
  gwr__buf_puts(b, ",\"gateway_new\":");
  gwr__buf_json_str(b, gateway_key(c, r->pair, 1), strlen(gateway_key(c, r->pair, 1)));
  gwr__buf_printf(b, ",\"protocol\":\"%s\",\"port\":%u,\"scheme\":", gwr__request_protocol_name(r->proto),
                  (unsigned)r->port);
  gwr__buf_json_sv(b, r->scheme);
  gwr__buf_puts(b, ",\"sni\":");
  gwr__buf_json_sv(b, r->sni);
  gwr__buf_puts(b, ",\"method\":");
  gwr__buf_json_sv(b, r->method);
  gwr__buf_puts(b, ",\"host\":");
  gwr__buf_json_sv(b, r->host);
  gwr__buf_puts(b, ",\"path\":");
  gwr__buf_json_sv(b, r->path);
  gwr__buf_puts(b, ",\"headers\":[");
  for (i = 0; i < r->hn; i++) {
    gwr__buf_puts(b, i ? ",{\"name\":" : "{\"name\":");
    gwr__buf_json_sv(b, r->h[i].name);
    gwr__buf_puts(b, ",\"value\":");
    gwr__buf_json_sv(b, r->h[i].value);
    gwr__buf_puts(b, "}");
  }
  gwr__buf_puts(b, "]}");
}

/* The explanation of the current request (c->r) on one side, into out;
 * 0 when explain could not say (then nothing is written). */
static int explain_side(dctx *c, int side, int format, gwr__buf *out) {
  gwr_request req;
  int rc;
  gwr__buf_init(out, c->a);
  rq_request(&c->r, gateway_key(c, c->r.pair, side), &req);
  rc = gwr__explain_render(out, c->t[side], &req, format);
  if (rc != GWR_OK || out->failed || !out->data) {
    gwr__buf_free(out);
    return 0;
  }
  while (out->len && (out->data[out->len - 1] == '\n' || out->data[out->len - 1] == ' '))
    out->data[--out->len] = '\0';
  return 1;
}

static void put_explain_text(gwr__buf *b, dctx *c, int side) {
  gwr__buf e;
  const char *p;
  if (!explain_side(c, side, GWR_FORMAT_TEXT, &e)) return;
  gwr__buf_printf(b, "      explain %s:\n", side ? "NEW" : "OLD");
  p = e.data;
  while (*p) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    gwr__buf_puts(b, "        ");
    gwr__buf_put(b, p, n);
    gwr__buf_puts(b, "\n");
    p += n + (nl ? 1 : 0);
  }
  gwr__buf_free(&e);
}

static void put_explain_json(gwr__buf *b, dctx *c, int side) {
  gwr__buf e;
  const char *p;
  if (!explain_side(c, side, GWR_FORMAT_JSON, &e)) {
    gwr__buf_puts(b, "null");
    return;
  }
  for (p = e.data; *p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'; p++) {
  }
  if (*p == '{' || *p == '[') gwr__buf_puts(b, p); /* explain's own JSON document */
  else gwr__buf_json_str(b, e.data, e.len);
  gwr__buf_free(&e);
}

static int cmp_item_sig(const void *x, const void *y) {
  const item *const *a = x, *const *b = y;
  int c = strcmp((*a)->sig, (*b)->sig);
  if (c) return c;
  return (*a)->req < (*b)->req ? -1 : (*a)->req > (*b)->req;
}

static int cmp_item_group(const void *x, const void *y) {
  const item *const *a = x, *const *b = y;
  if ((*a)->group_first != (*b)->group_first) return (*a)->group_first < (*b)->group_first ? -1 : 1;
  return (*a)->req < (*b)->req ? -1 : (*a)->req > (*b)->req;
}

static int cmp_req(const void *x, const void *y) {
  return strcmp(*(char *const *)x, *(char *const *)y);
}

static size_t unpaired_count(const dctx *c) {
  size_t i, n = 0;
  for (i = 0; i < c->pair_count; i++) n += c->pairs[i].g[0] == GWR_NONE || c->pairs[i].g[1] == GWR_NONE;
  return n;
}

static int render(dctx *c, int format, gwr__buf *b) {
  item **order = NULL;
  size_t i, listed, unpaired = unpaired_count(c), diffs = c->item_count + c->unkept;
  int rc;
  /* groups: the same fields and outcomes, in order of their first request */
  if (c->item_count) {
    order = gwr__calloc(c->a, c->item_count, sizeof *order);
    if (!order) return GWR_E_NOMEM;
    for (i = 0; i < c->item_count; i++) order[i] = &c->items[i];
    qsort(order, c->item_count, sizeof *order, cmp_item_sig);
    for (i = 0; i < c->item_count; i++)
      order[i]->group_first =
          (i && strcmp(order[i - 1]->sig, order[i]->sig) == 0) ? order[i - 1]->group_first : order[i]->req;
    qsort(order, c->item_count, sizeof *order, cmp_item_group);
  }
  if (format == GWR_FORMAT_JSON) {
    gwr__buf_printf(b, "{\"requests\":%zu,\"differences\":%zu,\"differing_requests\":%zu,"
                       "\"capped\":%s,\"not_generated\":%zu,\"unpaired_gateways\":[",
                    c->req_count, diffs + unpaired, diffs, c->dropped ? "true" : "false", c->dropped);
    for (i = 0, listed = 0; i < c->pair_count; i++) {
      int side = c->pairs[i].g[0] == GWR_NONE ? 1 : 0;
      if (c->pairs[i].g[0] != GWR_NONE && c->pairs[i].g[1] != GWR_NONE) continue;
      gwr__buf_puts(b, listed++ ? ",{\"gateway\":" : "{\"gateway\":");
      gwr__buf_json_str(b, gateway_key(c, i, side), strlen(gateway_key(c, i, side)));
      gwr__buf_printf(b, ",\"only_in\":\"%s\"}", side ? "new" : "old");
    }
    gwr__buf_puts(b, "],\"items\":[");
    for (i = 0; i < c->item_count && i < DIFF_MAX_LISTED; i++) {
      item *it = order[i];
      int f;
      rc = rq_parse(c->a, c->reqs[it->req], &c->r);
      if (rc != GWR_OK) goto out;
      gwr__buf_puts(b, i ? ",{\"request\":" : "{\"request\":");
      put_request_json(b, c, &c->r);
      gwr__buf_puts(b, ",\"fields\":[");
      for (f = 0, listed = 0; field_names[f]; f++)
        if (it->fields & (1u << f)) gwr__buf_printf(b, "%s\"%s\"", listed++ ? "," : "", field_names[f]);
      gwr__buf_puts(b, "],\"old\":");
      put_outcome_json(b, &it->o[0]);
      gwr__buf_puts(b, ",\"new\":");
      put_outcome_json(b, &it->o[1]);
      gwr__buf_puts(b, ",\"old_explain\":");
      put_explain_json(b, c, 0);
      gwr__buf_puts(b, ",\"new_explain\":");
      put_explain_json(b, c, 1);
      gwr__buf_puts(b, "}");
    }
    gwr__buf_printf(b, "],\"items_omitted\":%zu}\n", diffs > DIFF_MAX_LISTED ? diffs - DIFF_MAX_LISTED : 0);
  } else {
    for (i = 0; i < c->pair_count; i++) {
      const pair *p = &c->pairs[i];
      if (p->g[0] == GWR_NONE)
        gwr__buf_printf(b, "gateway %s only in NEW\n", gateway_key(c, i, 1));
      else if (p->g[1] == GWR_NONE)
        gwr__buf_printf(b, "gateway %s only in OLD\n", gateway_key(c, i, 0));
      else if (strcmp(gateway_key(c, i, 0), gateway_key(c, i, 1)))
        gwr__buf_printf(b, "gateway %s (OLD) compared with %s (NEW)\n", gateway_key(c, i, 0),
                        gateway_key(c, i, 1));
    }
    for (i = 0; i < c->item_count && i < DIFF_MAX_LISTED; i++) {
      item *it = order[i];
      rc = rq_parse(c->a, c->reqs[it->req], &c->r);
      if (rc != GWR_OK) goto out;
      if (i == 0 || it->group_first != order[i - 1]->group_first) {
        size_t n = 0, k;
        for (k = i; k < c->item_count && order[k]->group_first == it->group_first; k++) n++;
        gwr__buf_printf(b, "\ndiffers in ");
        put_fields_text(b, it->fields);
        gwr__buf_printf(b, " (%zu request%s):\n", n, n == 1 ? "" : "s");
      }
      gwr__buf_puts(b, "  ");
      put_request_text(b, c, &c->r);
      gwr__buf_puts(b, "\n    OLD: ");
      put_outcome_text(b, &it->o[0], &c->r, it->fields);
      gwr__buf_puts(b, "\n    NEW: ");
      put_outcome_text(b, &it->o[1], &c->r, it->fields);
      gwr__buf_puts(b, "\n");
      if (i < DIFF_TEXT_EXPLAINED) {
        put_explain_text(b, c, 0);
        put_explain_text(b, c, 1);
      }
    }
    if (diffs > DIFF_MAX_LISTED)
      gwr__buf_printf(b, "\n... and %zu more differing requests not listed\n", diffs - DIFF_MAX_LISTED);
    if (c->dropped)
      gwr__buf_printf(b, "note: the request set was capped at %u; %zu more requests were not generated\n",
                      DIFF_MAX_REQUESTS, c->dropped);
    gwr__buf_printf(b, "%s%zu requests compared, %zu differ", c->item_count ? "\n" : "", c->req_count,
                    diffs);
    if (unpaired) gwr__buf_printf(b, ", %zu gateway%s unpaired", unpaired, unpaired == 1 ? "" : "s");
    gwr__buf_puts(b, diffs + unpaired ? "\n" : ": no differences\n");
  }
  rc = b->failed ? GWR_E_NOMEM : GWR_OK;
out:
  gwr__free(c->a, order);
  return rc;
}

/* ---- gwr_diff ---------------------------------------------------------------------- */

static int pair_gateways(dctx *c) {
  const gwr_table *o = c->t[0], *n = c->t[1];
  size_t cap = (size_t)o->gateway_count + n->gateway_count + 1, i, j;
  unsigned char *used;
  c->pairs = gwr__calloc(c->a, cap, sizeof *c->pairs);
  used = gwr__calloc(c->a, (size_t)n->gateway_count + 1, 1);
  if (!c->pairs || !used) {
    gwr__free(c->a, used);
    return GWR_E_NOMEM;
  }
  if (o->gateway_count == 1 && n->gateway_count == 1) {
    c->pairs[0].g[0] = c->pairs[0].g[1] = 0;
    c->pair_count = 1;
    gwr__free(c->a, used);
    return GWR_OK;
  }
  for (i = 0; i < o->gateway_count; i++) {
    pair *p = &c->pairs[c->pair_count++];
    p->g[0] = (uint32_t)i;
    p->g[1] = GWR_NONE;
    for (j = 0; j < n->gateway_count; j++)
      if (!used[j] && strcmp(o->gateways[i].key, n->gateways[j].key) == 0) {
        p->g[1] = (uint32_t)j;
        used[j] = 1;
        break;
      }
  }
  for (j = 0; j < n->gateway_count; j++)
    if (!used[j]) {
      pair *p = &c->pairs[c->pair_count++];
      p->g[0] = GWR_NONE;
      p->g[1] = (uint32_t)j;
    }
  gwr__free(c->a, used);
  return GWR_OK;
}

static int generate(dctx *c, gen *g) {
  size_t p;
  for (p = 0; p < c->pair_count && !g->nomem; p++) {
    int side;
    if (c->pairs[p].g[0] == GWR_NONE || c->pairs[p].g[1] == GWR_NONE) continue;
    g->hosts.n = 0;
    for (side = 0; side < 2; side++) collect_hosts(g, c->t[side], c->pairs[p].g[side]);
    for (side = 0; side < 2; side++) {
      g->rx = gwr__regex_scratch_new(g->a);
      if (!g->rx) return GWR_E_NOMEM;
      gen_gateway(g, c->t[side], c->pairs[p].g[side], (uint32_t)p);
      gwr__regex_scratch_free(g->rx);
      g->rx = NULL;
    }
  }
  return g->nomem ? GWR_E_NOMEM : GWR_OK;
}

static int add_item(dctx *c, size_t req, unsigned fields, outcome o[2], gwr__arena *ar) {
  item *it;
  gwr__buf s;
  if (c->item_count == c->item_cap) {
    size_t cap = c->item_cap ? c->item_cap * 2 : 64;
    item *v = gwr__calloc(c->a, cap, sizeof *v);
    if (!v) return GWR_E_NOMEM;
    if (c->item_count) memcpy(v, c->items, c->item_count * sizeof *v);
    gwr__free(c->a, c->items);
    c->items = v;
    c->item_cap = cap;
  }
  it = &c->items[c->item_count];
  memset(it, 0, sizeof *it);
  it->req = req;
  it->fields = fields;
  it->o[0] = o[0];
  it->o[1] = o[1];
  it->ar = *ar;
  c->item_count++;
  gwr__buf_init(&s, c->a);
  gwr__buf_printf(&s, "%08x|", fields);
  put_outcome_text(&s, &o[0], &c->r, fields);
  gwr__buf_puts(&s, "|");
  put_outcome_text(&s, &o[1], &c->r, fields);
  if (s.failed) {
    gwr__buf_free(&s);
    return GWR_E_NOMEM;
  }
  it->sig = gwr__arena_strndup(&it->ar, s.data, s.len);
  gwr__buf_free(&s);
  return it->sig ? GWR_OK : GWR_E_NOMEM;
}

int gwr_diff(const gwr_table *old_table, const gwr_table *new_table, int32_t format, char **report,
             size_t *differences) {
  dctx c;
  gen g;
  gwr__buf out;
  size_t i;
  int rc = GWR_OK, side;
  if (report) *report = NULL;
  if (differences) *differences = 0;
  if (!old_table || !new_table || !report || (format != GWR_FORMAT_TEXT && format != GWR_FORMAT_JSON))
    return GWR_E_INVALID;
  memset(&c, 0, sizeof c);
  memset(&g, 0, sizeof g);
  c.a = &old_table->alloc;
  c.t[0] = old_table;
  c.t[1] = new_table;
  g.a = c.a;
  gwr__arena_init(&g.ar, c.a);
  gwr__buf_init(&g.key, c.a);
  gwr__buf_init(&g.s1, c.a);
  gwr__buf_init(&g.s2, c.a);
  gwr__buf_init(&c.tmp, c.a);
  gwr__buf_init(&c.tmp2, c.a);
  gwr__buf_init(&out, c.a);
  GWR_CHECK(pair_gateways(&c));
  c.multi = c.pair_count > 1;
  GWR_CHECK(generate(&c, &g));
  /* sorted: the report does not depend on how either table is laid out */
  if (g.count > 1) qsort(g.reqs, g.count, sizeof *g.reqs, cmp_req);
  c.reqs = g.reqs;
  c.req_count = g.count;
  c.dropped = g.dropped;
  for (side = 0; side < 2; side++) GWR_CHECK(gwr_decision_new(&c.d[side], c.t[side]));
  for (i = 0; i < c.req_count; i++) {
    outcome o[2];
    gwr__arena ar;
    unsigned fields;
    gwr_request req;
    GWR_CHECK(rq_parse(c.a, c.reqs[i], &c.r));
    gwr__arena_init(&ar, c.a);
    for (side = 0; side < 2 && rc == GWR_OK; side++) {
      rq_request(&c.r, gateway_key(&c, c.r.pair, side), &req);
      rc = route_one(c.d[side], c.t[side], &req, &o[side], &ar, &c.tmp, &c.tmp2);
    }
    if (rc != GWR_OK) {
      gwr__arena_free(&ar);
      goto out;
    }
    fields = compare(&o[0], &o[1]);
    if (!fields) {
      gwr__arena_free(&ar);
      continue;
    }
    if (c.item_count >= DIFF_MAX_KEPT) { /* memory stays bounded: count, do not keep */
      c.unkept++;
      gwr__arena_free(&ar);
      continue;
    }
    rc = add_item(&c, i, fields, o, &ar);
    if (rc != GWR_OK) goto out;
  }
  GWR_CHECK(render(&c, (int)format, &out));
  if (differences) *differences = c.item_count + c.unkept + unpaired_count(&c);
  rc = gwr__buf_finish(&out, report);
out:
  if (rc != GWR_OK) gwr__buf_free(&out);
  for (i = 0; i < c.item_count; i++) gwr__arena_free(&c.items[i].ar);
  gwr__free(c.a, c.items);
  for (side = 0; side < 2; side++) gwr_decision_free(c.d[side]);
  gwr__free(c.a, c.r.h);
  gwr__free(c.a, c.pairs);
  gwr__free(c.a, g.reqs);
  gwr__free(c.a, g.slots);
  gwr__free(c.a, g.hosts.v);
  gwr__buf_free(&g.key);
  gwr__buf_free(&g.s1);
  gwr__buf_free(&g.s2);
  gwr__buf_free(&c.tmp);
  gwr__buf_free(&c.tmp2);
  gwr__arena_free(&g.ar);
  return rc;
}
