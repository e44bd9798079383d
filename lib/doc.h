/* SPDX-License-Identifier: Apache-2.0 */
/*
 * doc.h - stage 1a: YAML/JSON text into a strict document tree.
 *
 * In: text (multi-document YAML, a JSON value), a source name for messages.
 * Out: the list of non-empty documents as trees of gwr__node in an arena.
 * Strict like Kubernetes' decoder: duplicate keys are errors; scalar types
 * come from the plain/quoted style; aliases and merge keys (<<) work as
 * kubectl reads them, with a bound on how much they may expand.
 */
#ifndef GWR_DOC_H
#define GWR_DOC_H

#include "internal.h"

enum gwr__node_type {
  GWR_NODE_NULL = 0,
  GWR_NODE_BOOL,
  GWR_NODE_INT,
  GWR_NODE_FLOAT,
  GWR_NODE_STRING,
  GWR_NODE_MAP,
  GWR_NODE_SEQ
};

typedef struct gwr__node gwr__node;
struct gwr__node {
  int type;              /* enum gwr__node_type */
  uint32_t line, column; /* 1-based source position of the node */
  gwr__sv text;          /* scalars: the text as written (NUL-terminated);
                            STRING: the decoded string value */
  int64_t i;             /* INT value; BOOL: 0 or 1 */
  double f;              /* FLOAT value */
  size_t count;          /* MAP: number of pairs; SEQ: number of items */
  gwr__node **keys;      /* MAP: keys (always STRING nodes), in order */
  gwr__node **items;     /* MAP: values; SEQ: items */
};

typedef struct gwr__doc_limits {
  size_t max_aliases;   /* alias events allowed in one text (default 1000) */
  size_t max_expanded;  /* nodes reachable counting each alias use (default 1000000) */
  size_t max_depth;     /* nesting depth (default 256) */
  size_t max_string;    /* bytes of one scalar (default 1 MiB) */
} gwr__doc_limits;

typedef struct gwr__docs {
  gwr__node **roots; /* non-empty documents in order */
  size_t count;
} gwr__docs;

/* Parse text into out; all memory comes from ar. On failure returns
 * GWR_E_PARSE (or GWR_E_LIMIT, GWR_E_NOMEM) with err->file/line/column
 * and a message "SOURCE:LINE:COL: what". */
int gwr__doc_parse(gwr__docs *out, gwr__arena *ar, const char *text,
                   size_t len, const char *source,
                   const gwr__doc_limits *limits, gwr_error *err);

/* Map lookup by key; NULL when absent or when m is not a map. */
gwr__node *gwr__node_get(const gwr__node *m, const char *key);

/* A fresh node (for the builder, which makes trees without text). */
gwr__node *gwr__node_new(gwr__arena *ar, int type);
/* Append to a map/seq; items/keys grow in the arena. GWR_OK or GWR_E_NOMEM.
 * (GWR_E_INVALID for a NULL argument or a node of the wrong type.) The
 * arrays' capacity follows from count (doubling from 4), so grow a node's
 * keys/items only through these two calls. */
int gwr__node_map_add(gwr__arena *ar, gwr__node *m, gwr__node *key,
                      gwr__node *value);
int gwr__node_seq_add(gwr__arena *ar, gwr__node *s, gwr__node *item);

#endif
