/* SPDX-License-Identifier: Apache-2.0 */
/*
 * check_doc.c - unit tests for lib/doc.c: YAML/JSON text into the strict
 * document tree (scalar typing, duplicates, anchors, merge keys, limits,
 * error positions, and garbage input that must never crash).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "doc.h"

static gwr__alloc alloc;
static gwr__arena arena;
static gwr_error err;
static gwr__docs docs;

static void setup(void) {
  gwr_error init = GWR_ERROR_INIT;
  gwr__alloc_init(&alloc, NULL);
  gwr__arena_init(&arena, &alloc);
  err = init;
  docs.roots = NULL;
  docs.count = 0;
}

static void teardown(void) { gwr__arena_free(&arena); }

static int parse(const char *text) {
  return gwr__doc_parse(&docs, &arena, text, strlen(text), "t.yaml", NULL,
                        &err);
}

static int parse_lim(const char *text, size_t aliases, size_t expanded,
                     size_t depth) {
  gwr__doc_limits lim;
  lim.max_aliases = aliases;
  lim.max_expanded = expanded;
  lim.max_depth = depth;
  lim.max_string = (size_t)1 << 20;
  return gwr__doc_parse(&docs, &arena, text, strlen(text), "t.yaml", &lim,
                        &err);
}

/* the only root of a one-document text */
static gwr__node *parse_one(const char *text) {
  ck_assert_int_eq(parse(text), GWR_OK);
  ck_assert_uint_eq(docs.count, 1);
  return docs.roots[0];
}

static gwr__node *get(const gwr__node *m, const char *key) {
  gwr__node *n = gwr__node_get(m, key);
  ck_assert_msg(n != NULL, "no key %s", key);
  return n;
}

static void assert_str(const gwr__node *n, const char *want) {
  ck_assert_int_eq(n->type, GWR_NODE_STRING);
  ck_assert_str_eq(n->text.ptr, want);
  ck_assert_uint_eq(n->text.len, strlen(want));
}

static void assert_int(const gwr__node *n, int64_t want) {
  ck_assert_int_eq(n->type, GWR_NODE_INT);
  ck_assert(n->i == want);
}

static void assert_err(int code, uint32_t line, uint32_t col,
                       const char *msg) {
  ck_assert_int_eq(err.code, code);
  ck_assert_uint_eq(err.line, line);
  ck_assert_uint_eq(err.column, col);
  ck_assert_msg(strstr(err.message, msg) != NULL, "message: %s", err.message);
  ck_assert_uint_eq(docs.count, 0);
  ck_assert_ptr_null(docs.roots);
}

/* ---- documents ---------------------------------------------------------- */

START_TEST(multi_doc_yaml) {
  const char *t = "kind: A\n---\n---\n~\n---\nkind: B\n...\n--- null\n"
                  "--- [1]\n";
  ck_assert_int_eq(parse(t), GWR_OK);
  ck_assert_uint_eq(docs.count, 3);
  assert_str(get(docs.roots[0], "kind"), "A");
  assert_str(get(docs.roots[1], "kind"), "B");
  ck_assert_int_eq(docs.roots[2]->type, GWR_NODE_SEQ);
  ck_assert_uint_eq(docs.roots[1]->line, 6);
  ck_assert_uint_eq(docs.roots[1]->column, 1);
}
END_TEST

START_TEST(empty_texts) {
  const char *const t[] = {"", "---", "---\n...\n", "# only a comment\n",
                           "~", "null\n---\n"};
  size_t i;
  for (i = 0; i < sizeof t / sizeof t[0]; i++) {
    ck_assert_int_eq(parse(t[i]), GWR_OK);
    ck_assert_uint_eq(docs.count, 0);
  }
  ck_assert_int_eq(gwr__doc_parse(&docs, &arena, NULL, 0, NULL, NULL, &err),
                   GWR_OK);
  ck_assert_uint_eq(docs.count, 0);
}
END_TEST

START_TEST(json_object) {
  gwr__node *r = parse_one(
      "{\"apiVersion\": \"v1\", \"port\": 80, \"ok\": true, \"x\": null,\n"
      " \"f\": 1.5, \"s\": \"80\", \"nested\": {\"a\": [1, \"2\"]}}");
  ck_assert_int_eq(r->type, GWR_NODE_MAP);
  ck_assert_uint_eq(r->count, 7);
  assert_str(get(r, "apiVersion"), "v1");
  assert_int(get(r, "port"), 80);
  ck_assert_int_eq(get(r, "ok")->type, GWR_NODE_BOOL);
  ck_assert_int_eq(get(r, "ok")->i, 1);
  ck_assert_int_eq(get(r, "x")->type, GWR_NODE_NULL);
  ck_assert_int_eq(get(r, "f")->type, GWR_NODE_FLOAT);
  ck_assert_double_eq(get(r, "f")->f, 1.5);
  assert_str(get(r, "s"), "80");
  assert_int(get(get(r, "nested"), "a")->items[0], 1);
  assert_str(get(get(r, "nested"), "a")->items[1], "2");
  ck_assert_uint_eq(get(r, "nested")->line, 2);
}
END_TEST

START_TEST(json_array) {
  gwr__node *r = parse_one("[1, \"a\", {\"b\": false}, [], {}]");
  ck_assert_int_eq(r->type, GWR_NODE_SEQ);
  ck_assert_uint_eq(r->count, 5);
  assert_int(r->items[0], 1);
  assert_str(r->items[1], "a");
  ck_assert_int_eq(get(r->items[2], "b")->type, GWR_NODE_BOOL);
  ck_assert_int_eq(get(r->items[2], "b")->i, 0);
  ck_assert_int_eq(r->items[3]->type, GWR_NODE_SEQ);
  ck_assert_uint_eq(r->items[3]->count, 0);
  ck_assert_int_eq(r->items[4]->type, GWR_NODE_MAP);
  ck_assert_uint_eq(r->items[4]->count, 0);
}
END_TEST

START_TEST(kubectl_list) {
  gwr__node *r = parse_one(
      "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":["
      "{\"kind\":\"Gateway\",\"metadata\":{\"name\":\"gw\"}},"
      "{\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"r\"}}]}");
  gwr__node *items = get(r, "items");
  assert_str(get(r, "kind"), "List");
  ck_assert_int_eq(items->type, GWR_NODE_SEQ);
  ck_assert_uint_eq(items->count, 2);
  assert_str(get(items->items[0], "kind"), "Gateway");
  assert_str(get(get(items->items[1], "metadata"), "name"), "r");
}
END_TEST

/* ---- scalar typing -------------------------------------------------------- */

START_TEST(scalar_null_bool) {
  const char *const nulls[] = {"null", "Null", "NULL", "~", ""};
  const char *const trues[] = {"true", "True", "TRUE"};
  const char *const falses[] = {"false", "False", "FALSE"};
  char buf[64];
  size_t i;
  for (i = 0; i < 5; i++) {
    snprintf(buf, sizeof buf, "v: %s\n", nulls[i]);
    ck_assert_int_eq(get(parse_one(buf), "v")->type, GWR_NODE_NULL);
  }
  for (i = 0; i < 3; i++) {
    snprintf(buf, sizeof buf, "[%s, %s]", trues[i], falses[i]);
    ck_assert_int_eq(parse_one(buf)->items[0]->type, GWR_NODE_BOOL);
    ck_assert_int_eq(parse_one(buf)->items[0]->i, 1);
    ck_assert_int_eq(parse_one(buf)->items[1]->type, GWR_NODE_BOOL);
    ck_assert_int_eq(parse_one(buf)->items[1]->i, 0);
  }
}
END_TEST

START_TEST(scalar_int) {
  gwr__node *r = parse_one(
      "[80, -7, +12, 0, 0x1F, 0xff, 0o17, -0x10, 0755, "
      "9223372036854775807, -9223372036854775808]");
  assert_int(r->items[0], 80);
  assert_int(r->items[1], -7);
  assert_int(r->items[2], 12);
  assert_int(r->items[3], 0);
  assert_int(r->items[4], 31);
  assert_int(r->items[5], 255);
  assert_int(r->items[6], 15);
  assert_int(r->items[7], -16);
  assert_int(r->items[8], 755);
  assert_int(r->items[9], INT64_MAX);
  assert_int(r->items[10], INT64_MIN);
  ck_assert_str_eq(r->items[4]->text.ptr, "0x1F");
}
END_TEST

START_TEST(scalar_int_overflow) {
  ck_assert_int_eq(parse("a: 1\nb: 9223372036854775808\n"), GWR_E_PARSE);
  assert_err(GWR_E_PARSE, 2, 4, "integer out of range");
  ck_assert_int_eq(parse("[-9223372036854775809]"), GWR_E_PARSE);
  ck_assert_int_eq(parse("[0x10000000000000000]"), GWR_E_PARSE);
  /* quoted, and as a key, it is just a string */
  ck_assert_int_eq(parse("? 99999999999999999999\n: \"99999999999999999999\"\n"),
                   GWR_OK);
  assert_str(docs.roots[0]->keys[0], "99999999999999999999");
  assert_str(docs.roots[0]->items[0], "99999999999999999999");
}
END_TEST

START_TEST(scalar_float) {
  gwr__node *r = parse_one(
      "[1.5, 1e3, -2.5E-3, .5, 3., +1.0e+2, .inf, -.Inf, +.INF, .nan, .NaN]");
  size_t i;
  for (i = 0; i < r->count; i++)
    ck_assert_msg(r->items[i]->type == GWR_NODE_FLOAT, "item %zu", i);
  ck_assert_double_eq(r->items[0]->f, 1.5);
  ck_assert_double_eq(r->items[1]->f, 1000.0);
  ck_assert_double_eq_tol(r->items[2]->f, -0.0025, 1e-12);
  ck_assert_double_eq(r->items[3]->f, 0.5);
  ck_assert_double_eq(r->items[4]->f, 3.0);
  ck_assert_double_eq(r->items[5]->f, 100.0);
  ck_assert(isinf(r->items[6]->f) && r->items[6]->f > 0);
  ck_assert(isinf(r->items[7]->f) && r->items[7]->f < 0);
  ck_assert(isinf(r->items[8]->f) && r->items[8]->f > 0);
  ck_assert(isnan(r->items[9]->f));
  ck_assert(isnan(r->items[10]->f));
  ck_assert_str_eq(r->items[2]->text.ptr, "-2.5E-3");
}
END_TEST

START_TEST(scalar_string) {
  gwr__node *r = parse_one(
      "a: \"80\"\nb: '80'\nc: \"true\"\nd: !!str 80\ne: hello world\n"
      "f: yes\ng: 0x\nh: 1_000\ni: 1.2.3\nj: \"\"\nk: 'null'\nl: .\n"
      "m: \"a\\tb\\u00e9\"\nn: 'it''s'\no: ! 12\np: -x\n"
      "q: \"nul\\0byte\"\nr: 1e\ns: +.nan\n");
  assert_str(get(r, "a"), "80");
  assert_str(get(r, "b"), "80");
  assert_str(get(r, "c"), "true");
  assert_str(get(r, "d"), "80");
  assert_str(get(r, "e"), "hello world");
  assert_str(get(r, "f"), "yes");
  assert_str(get(r, "g"), "0x");
  assert_str(get(r, "h"), "1_000");
  assert_str(get(r, "i"), "1.2.3");
  assert_str(get(r, "j"), "");
  assert_str(get(r, "k"), "null");
  assert_str(get(r, "l"), ".");
  assert_str(get(r, "m"), "a\tb\xc3\xa9");
  assert_str(get(r, "n"), "it's");
  assert_str(get(r, "o"), "12");
  assert_str(get(r, "p"), "-x");
  ck_assert_int_eq(get(r, "q")->type, GWR_NODE_STRING);
  ck_assert_uint_eq(get(r, "q")->text.len, 8);
  ck_assert(memcmp(get(r, "q")->text.ptr, "nul\0byte", 9) == 0);
  assert_str(get(r, "r"), "1e");
  assert_str(get(r, "s"), "+.nan");
  /* a plain int key is a string key */
  r = parse_one("80: a\n\"true\": b\n");
  assert_str(r->keys[0], "80");
  assert_str(get(r, "80"), "a");
  assert_str(get(r, "true"), "b");
}
END_TEST

START_TEST(block_scalars) {
  gwr__node *r = parse_one("lit: |\n  line1\n  line2\nfold: >\n  a\n  b\n"
                           "keep: |+\n  x\n\nstrip: |-\n  80\nnum: |\n  80\n");
  assert_str(get(r, "lit"), "line1\nline2\n");
  assert_str(get(r, "fold"), "a b\n");
  assert_str(get(r, "keep"), "x\n\n");
  assert_str(get(r, "strip"), "80");
  assert_str(get(r, "num"), "80\n");
  ck_assert_uint_eq(get(r, "lit")->line, 1);
  ck_assert_uint_eq(get(r, "lit")->column, 6);
}
END_TEST

START_TEST(node_positions) {
  gwr__node *r = parse_one("a:\n  b: [x, {c: d}]\n");
  gwr__node *b = get(get(r, "a"), "b");
  ck_assert_uint_eq(r->line, 1);
  ck_assert_uint_eq(r->column, 1);
  ck_assert_uint_eq(b->line, 2);
  ck_assert_uint_eq(b->column, 6);
  ck_assert_uint_eq(b->items[1]->column, 10);
  ck_assert_uint_eq(get(r, "a")->keys[0]->line, 2);
  ck_assert_uint_eq(get(r, "a")->keys[0]->column, 3);
}
END_TEST

/* ---- errors --------------------------------------------------------------- */

START_TEST(duplicate_key) {
  ck_assert_int_eq(parse("a: 1\nb:\n  x: 1\n  y: 2\n  x: 3\n"), GWR_E_PARSE);
  assert_err(GWR_E_PARSE, 5, 3, "t.yaml:5:3: duplicate key \"x\"");
  ck_assert_str_eq(err.file, "t.yaml");
  ck_assert_int_eq(parse("{\"a\": 1, \"b\": 2,\n \"a\": 3}"), GWR_E_PARSE);
  assert_err(GWR_E_PARSE, 2, 2, "duplicate key \"a\"");
  /* plain and quoted spellings of one key collide */
  ck_assert_int_eq(parse("80: a\n\"80\": b\n"), GWR_E_PARSE);
  assert_err(GWR_E_PARSE, 2, 1, "duplicate key \"80\"");
  /* the same key in different maps is fine */
  ck_assert_int_eq(parse("a: {x: 1}\nb: {x: 1}\n"), GWR_OK);
}
END_TEST

START_TEST(duplicate_key_big_map) {
  char *buf = malloc(64 * 1000 + 64);
  size_t i, n = 0;
  ck_assert_ptr_nonnull(buf);
  for (i = 0; i < 1000; i++) n += (size_t)sprintf(buf + n, "k%zu: %zu\n", i, i);
  ck_assert_int_eq(parse(buf), GWR_OK);
  ck_assert_uint_eq(docs.roots[0]->count, 1000);
  assert_int(get(docs.roots[0], "k999"), 999);
  sprintf(buf + n, "k500: x\n");
  ck_assert_int_eq(parse(buf), GWR_E_PARSE);
  assert_err(GWR_E_PARSE, 1001, 1, "duplicate key \"k500\"");
  free(buf);
}
END_TEST

START_TEST(syntax_error_position) {
  ck_assert_int_eq(parse("a:\n  b: 1\n c: 2\n"), GWR_E_PARSE);
  ck_assert_int_eq(err.code, GWR_E_PARSE);
  ck_assert_uint_eq(err.line, 3);
  ck_assert_uint_eq(err.column, 2);
  ck_assert_msg(strncmp(err.message, "t.yaml:3:2: ", 12) == 0, "%s",
                err.message);
  ck_assert_str_eq(err.file, "t.yaml");
  ck_assert_int_eq(parse("{\"a\": 1,\n \"b\" 2}"), GWR_E_PARSE);
  ck_assert_uint_eq(err.line, 2);
  ck_assert_int_eq(parse("a: [1, 2\nb: 3\n"), GWR_E_PARSE);
  ck_assert_int_eq(parse("key: \"unterminated\n"), GWR_E_PARSE);
  ck_assert_uint_eq(docs.count, 0);
}
END_TEST

START_TEST(bad_bytes) {
  static const char nul[] = "a: 1\nb: x\0y\n";
  static const char utf8[] = "a: 1\nbb: \xff\xfe\n";
  ck_assert_int_eq(gwr__doc_parse(&docs, &arena, nul, sizeof nul - 1, "n",
                                  NULL, &err), GWR_E_PARSE);
  ck_assert_uint_eq(err.line, 2);
  ck_assert_uint_eq(err.column, 5);
  ck_assert_int_eq(gwr__doc_parse(&docs, &arena, utf8, sizeof utf8 - 1, "u",
                                  NULL, &err), GWR_E_PARSE);
  ck_assert_uint_eq(err.line, 2);
  ck_assert_uint_eq(err.column, 5);
  ck_assert_msg(strncmp(err.message, "u:2:5: ", 7) == 0, "%s", err.message);
}
END_TEST

START_TEST(non_scalar_key) {
  ck_assert_int_eq(parse("? [a, b]\n: c\n"), GWR_E_PARSE);
  assert_err(GWR_E_PARSE, 1, 3, "mapping key must be a scalar");
  ck_assert_int_eq(parse("{{a: b}: c}"), GWR_E_PARSE);
  ck_assert_int_eq(parse("x: &m {a: b}\ny: {*m : c}\n"), GWR_E_PARSE);
  assert_err(GWR_E_PARSE, 2, 5, "mapping key must be a scalar");
}
END_TEST

START_TEST(null_source_and_err) {
  ck_assert_int_eq(gwr__doc_parse(&docs, &arena, "a: [", 4, NULL, NULL, &err),
                   GWR_E_PARSE);
  ck_assert_str_eq(err.file, "<input>");
  ck_assert_msg(strncmp(err.message, "<input>:", 8) == 0, "%s",
                err.message);
  ck_assert_int_eq(gwr__doc_parse(&docs, &arena, "a: [", 4, NULL, NULL, NULL),
                   GWR_E_PARSE);
  ck_assert_int_eq(gwr__doc_parse(&docs, &arena, "a: 1\na: 2", 9, NULL, NULL,
                                  NULL), GWR_E_PARSE);
  ck_assert_int_eq(gwr__doc_parse(NULL, &arena, "a", 1, NULL, NULL, &err),
                   GWR_E_INVALID);
  ck_assert_int_eq(gwr__doc_parse(&docs, NULL, "a", 1, NULL, NULL, &err),
                   GWR_E_INVALID);
  ck_assert_int_eq(gwr__doc_parse(&docs, &arena, NULL, 3, NULL, NULL, &err),
                   GWR_E_INVALID);
}
END_TEST

/* ---- anchors and merge keys ------------------------------------------- */

START_TEST(anchors_aliases) {
  gwr__node *r = parse_one(
      "base: &b {x: 1, y: [a, b]}\ncopy: *b\nlist: [*b, *b]\n"
      "s: &s str\nt: *s\nn: &n 42\n*n : via-alias\n*s : k\n");
  gwr__node *b = get(r, "base");
  ck_assert_ptr_eq(get(r, "copy"), b);
  ck_assert_ptr_eq(get(r, "list")->items[0], b);
  ck_assert_ptr_eq(get(r, "list")->items[1], b);
  ck_assert_ptr_eq(get(r, "t"), get(r, "s"));
  assert_str(get(r, "t"), "str");
  assert_int(get(r, "n"), 42);
  assert_str(get(r, "42"), "via-alias");
  assert_str(get(r, "str"), "k");
  ck_assert_int_eq(r->keys[6]->type, GWR_NODE_STRING);
}
END_TEST

START_TEST(anchor_scope) {
  /* redefinition: the newest wins; anchors do not cross documents */
  gwr__node *r = parse_one("a: &x 1\nb: &x 2\nc: *x\n");
  assert_int(get(r, "c"), 2);
  ck_assert_int_eq(parse("a: &x 1\n---\nb: *x\n"), GWR_E_PARSE);
  assert_err(GWR_E_PARSE, 3, 4, "unknown alias \"x\"");
  /* a node cannot refer to itself */
  ck_assert_int_eq(parse("a: &r [1, *r]\n"), GWR_E_PARSE);
  assert_err(GWR_E_PARSE, 1, 11, "unknown alias");
}
END_TEST

START_TEST(merge_keys) {
  gwr__node *r = parse_one(
      "base: &b {a: 1, b: 2, c: 3}\nover: &o {b: 20, d: 40}\n"
      "one:\n  <<: *b\n  x: 9\n"
      "explicit_after:\n  <<: *b\n  a: 100\n"
      "explicit_before:\n  c: 300\n  <<: *b\n"
      "many:\n  <<: [*o, *b]\n  a: 7\n"
      "inline:\n  <<: {p: q}\n  r: s\n"
      "quoted:\n  \"<<\": plain\n");
  gwr__node *m = get(r, "one");
  ck_assert_uint_eq(m->count, 4);
  assert_int(get(m, "a"), 1);
  assert_int(get(m, "x"), 9);
  ck_assert_ptr_null(gwr__node_get(m, "<<"));
  assert_int(get(get(r, "explicit_after"), "a"), 100);
  assert_int(get(get(r, "explicit_after"), "b"), 2);
  assert_int(get(get(r, "explicit_before"), "c"), 300);
  assert_int(get(get(r, "explicit_before"), "a"), 1);
  m = get(r, "many");
  ck_assert_uint_eq(m->count, 4);
  assert_int(get(m, "a"), 7);
  assert_int(get(m, "b"), 20); /* the earlier merged map wins */
  assert_int(get(m, "c"), 3);
  assert_int(get(m, "d"), 40);
  assert_str(get(get(r, "inline"), "p"), "q");
  assert_str(get(get(r, "quoted"), "<<"), "plain");
  /* the anchored map itself is untouched */
  ck_assert_uint_eq(get(r, "base")->count, 3);
}
END_TEST

START_TEST(merge_errors) {
  ck_assert_int_eq(parse("a:\n  <<: 5\n"), GWR_E_PARSE);
  assert_err(GWR_E_PARSE, 2, 7, "merge value must be a map");
  ck_assert_int_eq(parse("a:\n  <<: [{x: 1}, 2]\n"), GWR_E_PARSE);
  ck_assert_int_eq(parse("a:\n  <<: {x: 1}\n  <<: {y: 1}\n"), GWR_E_PARSE);
  assert_err(GWR_E_PARSE, 3, 3, "duplicate key \"<<\"");
}
END_TEST

/* ---- limits ------------------------------------------------------------ */

static const char *laughs =
    "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
    "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";

START_TEST(billion_laughs) {
  clock_t t0 = clock();
  ck_assert_int_eq(parse(laughs), GWR_E_LIMIT);
  ck_assert_int_eq(err.code, GWR_E_LIMIT);
  ck_assert_msg(strstr(err.message, "alias expansion exceeds 1000000 nodes"),
                "%s", err.message);
  ck_assert_uint_eq(err.line, 7);
  ck_assert_uint_eq(docs.count, 0);
  ck_assert((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
  /* a smaller bound stops it earlier */
  ck_assert_int_eq(parse_lim(laughs, 1000, 100, 256), GWR_E_LIMIT);
  ck_assert_uint_eq(err.line, 2);
}
END_TEST

START_TEST(alias_count_limit) {
  ck_assert_int_eq(parse_lim("a: &a x\nb: [*a, *a, *a]\n", 3, 1000, 10),
                   GWR_OK);
  ck_assert_int_eq(parse_lim("a: &a x\nb: [*a, *a, *a, *a]\n", 3, 1000, 10),
                   GWR_E_LIMIT);
  assert_err(GWR_E_LIMIT, 2, 17, "more than 3 aliases");
  ck_assert_int_eq(parse_lim("a: &a x\nb: *a\n", 0, 1000, 10), GWR_E_LIMIT);
}
END_TEST

START_TEST(alias_count_default) {
  char *buf = malloc(8 * 1100 + 64);
  size_t i, n;
  ck_assert_ptr_nonnull(buf);
  n = (size_t)sprintf(buf, "a: &a x\nb: [");
  for (i = 0; i < 1001; i++) n += (size_t)sprintf(buf + n, "*a, ");
  sprintf(buf + n, "x]\n");
  ck_assert_int_eq(parse(buf), GWR_E_LIMIT);
  ck_assert_msg(strstr(err.message, "more than 1000 aliases"), "%s",
                err.message);
  free(buf);
}
END_TEST

static char *nested(size_t depth, int block) {
  char *buf = malloc(depth * 8 + 16), *p = buf;
  size_t i;
  ck_assert_ptr_nonnull(buf);
  for (i = 0; i < depth; i++) {
    if (block)
      p += sprintf(p, "- ");
    else
      *p++ = '[';
  }
  *p++ = 'x';
  for (i = 0; !block && i < depth; i++) *p++ = ']';
  *p = '\0';
  return buf;
}

START_TEST(depth_limit) {
  char *ok = nested(256, 0), *deep = nested(257, 0), *huge = nested(100000, 0);
  char *bdeep = nested(300, 1);
  gwr__node *n;
  size_t i;
  n = parse_one(ok);
  for (i = 1; i < 256; i++) n = n->items[0];
  assert_str(n->items[0], "x");
  ck_assert_int_eq(parse(deep), GWR_E_LIMIT);
  assert_err(GWR_E_LIMIT, 1, 257, "nesting deeper than 256");
  ck_assert_int_eq(parse(huge), GWR_E_LIMIT);
  ck_assert_int_eq(parse(bdeep), GWR_E_LIMIT);
  ck_assert_int_eq(parse_lim("a: {b: {c: 1}}", 10, 100, 2), GWR_E_LIMIT);
  assert_err(GWR_E_LIMIT, 1, 8, "nesting deeper than 2");
  ck_assert_int_eq(parse_lim("a: {b: 1}", 10, 100, 2), GWR_OK);
  free(ok);
  free(deep);
  free(huge);
  free(bdeep);
}
END_TEST

/* ---- garbage ------------------------------------------------------------ */

static uint32_t lcg_state;
static uint32_t lcg(void) {
  lcg_state = lcg_state * 1664525u + 1013904223u;
  return lcg_state >> 8;
}

START_TEST(random_garbage) {
  static const char alphabet[] = "{}[]:,-?&*!|>'\"#%@` \n\t\rabc019.~<\\";
  unsigned char buf[512];
  size_t i, j, len;
  int rc;
  lcg_state = 12345;
  for (i = 0; i < 2000; i++) {
    len = lcg() % sizeof buf;
    for (j = 0; j < len; j++)
      buf[j] = (i & 1) ? (unsigned char)lcg()
                       : (unsigned char)alphabet[lcg() % (sizeof alphabet - 1)];
    rc = gwr__doc_parse(&docs, &arena, (const char *)buf, len,
                        (i & 2) ? NULL : "g", NULL, &err);
    ck_assert(rc == GWR_OK || rc == GWR_E_PARSE || rc == GWR_E_LIMIT);
    if (rc != GWR_OK) ck_assert_uint_eq(docs.count, 0);
    if (i % 64 == 63) {
      gwr__arena_free(&arena);
      gwr__arena_init(&arena, &alloc);
    }
  }
}
END_TEST

/* ---- out of memory --------------------------------------------------- */

static long budget;
static void *tight_malloc(void *ctx, size_t size) {
  (void)ctx;
  if (budget-- <= 0) return NULL;
  return malloc(size);
}
static void tight_free(void *ctx, void *p) {
  (void)ctx;
  free(p);
}

START_TEST(out_of_memory) {
  gwr_allocator user = GWR_ALLOCATOR_INIT;
  gwr__alloc a;
  gwr__arena ar;
  long n;
  int rc = GWR_E_NOMEM;
  char *big = malloc(2000 * 12 + 16);
  size_t i, len = 0;
  ck_assert_ptr_nonnull(big);
  for (i = 0; i < 2000; i++)
    len += (size_t)sprintf(big + len, "k%zu: [1]\n", i);
  user.malloc = tight_malloc;
  user.free = tight_free;
  gwr__alloc_init(&a, &user);
  for (n = 0; rc == GWR_E_NOMEM; n++) {
    budget = n;
    gwr__arena_init(&ar, &a);
    rc = gwr__doc_parse(&docs, &ar, big, len, "m", NULL, &err);
    if (rc == GWR_E_NOMEM) {
      ck_assert_int_eq(err.code, GWR_E_NOMEM);
      ck_assert_uint_eq(docs.count, 0);
    }
    gwr__arena_free(&ar);
  }
  ck_assert_int_eq(rc, GWR_OK);
  ck_assert(n > 2);
  free(big);
}
END_TEST

/* ---- node API --------------------------------------------------------- */

static gwr__node *str_node(const char *s) {
  gwr__node *n = gwr__node_new(&arena, GWR_NODE_STRING);
  ck_assert_ptr_nonnull(n);
  n->text = gwr__sv_cstr(gwr__arena_strndup(&arena, s, strlen(s)));
  return n;
}

START_TEST(node_api) {
  gwr__node *m = gwr__node_new(&arena, GWR_NODE_MAP);
  gwr__node *s = gwr__node_new(&arena, GWR_NODE_SEQ);
  char key[32];
  size_t i;
  ck_assert_int_eq(m->type, GWR_NODE_MAP);
  ck_assert_uint_eq(m->count, 0);
  ck_assert_uint_eq(m->line, 0);
  for (i = 0; i < 100; i++) {
    snprintf(key, sizeof key, "k%zu", i);
    ck_assert_int_eq(gwr__node_map_add(&arena, m, str_node(key), s), GWR_OK);
    ck_assert_int_eq(gwr__node_seq_add(&arena, s, str_node(key)), GWR_OK);
  }
  ck_assert_uint_eq(m->count, 100);
  ck_assert_uint_eq(s->count, 100);
  for (i = 0; i < 100; i++) {
    snprintf(key, sizeof key, "k%zu", i);
    ck_assert_ptr_eq(gwr__node_get(m, key), s);
    assert_str(s->items[i], key);
  }
  ck_assert_ptr_null(gwr__node_get(m, "k100"));
  ck_assert_ptr_null(gwr__node_get(m, "k"));
  ck_assert_ptr_null(gwr__node_get(s, "k1"));
  ck_assert_ptr_null(gwr__node_get(NULL, "k1"));
  ck_assert_ptr_null(gwr__node_get(m, NULL));
  ck_assert_int_eq(gwr__node_seq_add(&arena, m, s), GWR_E_INVALID);
  ck_assert_int_eq(gwr__node_map_add(&arena, s, m, m), GWR_E_INVALID);
  ck_assert_ptr_null(gwr__node_new(NULL, GWR_NODE_MAP));
}
END_TEST

static Suite *doc_suite(void) {
  Suite *s = suite_create("doc");
  TCase *tc = tcase_create("core");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, multi_doc_yaml);
  tcase_add_test(tc, empty_texts);
  tcase_add_test(tc, json_object);
  tcase_add_test(tc, json_array);
  tcase_add_test(tc, kubectl_list);
  tcase_add_test(tc, scalar_null_bool);
  tcase_add_test(tc, scalar_int);
  tcase_add_test(tc, scalar_int_overflow);
  tcase_add_test(tc, scalar_float);
  tcase_add_test(tc, scalar_string);
  tcase_add_test(tc, block_scalars);
  tcase_add_test(tc, node_positions);
  tcase_add_test(tc, duplicate_key);
  tcase_add_test(tc, duplicate_key_big_map);
  tcase_add_test(tc, syntax_error_position);
  tcase_add_test(tc, bad_bytes);
  tcase_add_test(tc, non_scalar_key);
  tcase_add_test(tc, null_source_and_err);
  tcase_add_test(tc, anchors_aliases);
  tcase_add_test(tc, anchor_scope);
  tcase_add_test(tc, merge_keys);
  tcase_add_test(tc, merge_errors);
  tcase_add_test(tc, billion_laughs);
  tcase_add_test(tc, alias_count_limit);
  tcase_add_test(tc, alias_count_default);
  tcase_add_test(tc, depth_limit);
  tcase_add_test(tc, random_garbage);
  tcase_add_test(tc, out_of_memory);
  tcase_add_test(tc, node_api);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(doc_suite());
  int failed;
  srunner_run_all(sr, CK_ENV);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
