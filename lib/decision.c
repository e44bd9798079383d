/* SPDX-License-Identifier: Apache-2.0 */
/*
 * decision.c - decisions: creation with pre-sized scratch, the request
 * struct's size check, and the accessors hosts read a decision with.
 */
#include "decision.h"

static gwr_str cstr(const char *s);

/* libbpf-style: an older (shorter) struct is fine, a newer (longer) one
 * only if the bytes this library does not know are zero. */
int gwr__request_copy(gwr_request *dst, const gwr_request *src) {
  size_t n = src->struct_size, i;
  if (n == sizeof(gwr_request)) { /* the common case: this library's own struct */
    *dst = *src;
    return dst->header_count && !dst->headers ? GWR_E_INVALID : GWR_OK;
  }
  if (n < offsetof(gwr_request, gateway)) return GWR_E_INVALID;
  for (i = sizeof(gwr_request); i < n; i++)
    if (((const unsigned char *)src)[i] != 0) return GWR_E_INVALID;
  memset(dst, 0, sizeof *dst);
  memcpy(dst, src, n < sizeof *dst ? n : sizeof *dst);
  dst->struct_size = sizeof *dst;
  if (dst->header_count && !dst->headers) return GWR_E_INVALID;
  return GWR_OK;
}

int gwr_decision_new(gwr_decision **out, const gwr_table *t) {
  gwr_decision *d;
  if (!out) return GWR_E_INVALID;
  *out = NULL;
  if (!t) return GWR_E_INVALID;
  d = gwr__calloc(&t->alloc, 1, sizeof *d);
  if (!d) return GWR_E_NOMEM;
  d->alloc = t->alloc;
  d->path_cap = 16384;
  d->join_cap = t->opt.max_header_bytes;
  d->path_buf = gwr__malloc(&d->alloc, d->path_cap);
  d->location_buf = gwr__malloc(&d->alloc, d->path_cap);
  d->rewrite_buf = gwr__malloc(&d->alloc, d->path_cap);
  d->join_buf = gwr__malloc(&d->alloc, d->join_cap);
  d->rx = gwr__regex_scratch_new(&d->alloc);
  if (!d->path_buf || !d->location_buf || !d->rewrite_buf || !d->join_buf || !d->rx) {
    gwr_decision_free(d);
    return GWR_E_NOMEM;
  }
  d->grpc_status = -1;
  d->rule = d->match = -1;
  d->reason = "";
  d->location.ptr = "";
  *out = d;
  return GWR_OK;
}

void gwr_decision_free(gwr_decision *d) {
  gwr__alloc a;
  if (!d) return;
  a = d->alloc;
  gwr__regex_scratch_free(d->rx);
  gwr__free(&a, d->path_buf);
  gwr__free(&a, d->location_buf);
  gwr__free(&a, d->rewrite_buf);
  gwr__free(&a, d->join_buf);
  gwr__free(&a, d);
}

int32_t gwr_decision_action(const gwr_decision *d) { return d ? d->action : GWR_ACTION_NONE; }

static int64_t ms_or_unset(const gwr__duration *du) { return du->set ? du->ms : -1; }

/* Rule policies (§6): timeouts, retry, session persistence. */
/* No matched rule reads like a rule with no policy: unset (-1), absent (0). */
static const gwr__rule no_rule;

static int64_t policy_int(const gwr_decision *d, int32_t field) {
  const gwr__rule *r = d->trule ? d->trule->rule : &no_rule;
  switch (field) {
    case GWR_DI_TIMEOUT_REQUEST_MS: return ms_or_unset(&r->timeout_request);
    case GWR_DI_TIMEOUT_BACKEND_MS: return ms_or_unset(&r->timeout_backend);
    case GWR_DI_HAS_RETRY: return r->retry.set;
    case GWR_DI_RETRY_ATTEMPTS: return r->retry.set ? r->retry.attempts : -1;
    case GWR_DI_RETRY_BACKOFF_MS: return r->retry.set ? ms_or_unset(&r->retry.backoff) : -1;
    case GWR_DI_HAS_SESSION: return r->session.set;
    case GWR_DI_SESSION_ABSOLUTE_MS: return r->session.set ? ms_or_unset(&r->session.absolute) : -1;
    case GWR_DI_SESSION_IDLE_MS: return r->session.set ? ms_or_unset(&r->session.idle) : -1;
    default: return 0;
  }
}

int64_t gwr_decision_int(const gwr_decision *d, int32_t field) {
  if (!d) return 0;
  switch (field) {
    case GWR_DI_STATUS: return d->status;
    case GWR_DI_ROUTE_RULE: return d->route ? d->rule : -1;
    case GWR_DI_ROUTE_MATCH: return d->route ? d->match : -1;
    case GWR_DI_BACKEND_PORT: return d->backend ? d->backend->b->ref.port : 0;
    case GWR_DI_GRPC_STATUS: return d->grpc_status;
    case GWR_DI_HAS_ROUTE: return d->route != NULL;
    case GWR_DI_HAS_BACKEND: return d->backend != NULL && d->action == GWR_ACTION_FORWARD;
    default: return policy_int(d, field);
  }
}

static gwr_str cstr(const char *s) {
  gwr_str r;
  r.ptr = s ? s : "";
  r.len = s ? strlen(s) : 0;
  return r;
}

static gwr_str route_str(const gwr_decision *d, int32_t field) {
  if (!d->route) return cstr(NULL);
  switch (field) {
    case GWR_DS_ROUTE_KIND: return cstr(d->route->kind);
    case GWR_DS_ROUTE_NAMESPACE: return d->route->r->meta.ns;
    default: return d->route->r->meta.name;
  }
}

static gwr_str backend_str(const gwr_decision *d, int32_t field) {
  const gwr__objref *ref;
  if (!d->backend || d->action != GWR_ACTION_FORWARD) return cstr(NULL);
  ref = &d->backend->b->ref;
  switch (field) {
    case GWR_DS_BACKEND_GROUP: return ref->group;
    case GWR_DS_BACKEND_KIND: return ref->kind;
    case GWR_DS_BACKEND_NAMESPACE: return ref->ns;
    default: return ref->name;
  }
}

static gwr_str dur_text(const gwr__duration *du) { return du->set ? du->text : cstr(NULL); }

static gwr_str policy_str(const gwr_decision *d, int32_t field) {
  const gwr__rule *r = d->trule ? d->trule->rule : NULL;
  const gwr__session *sp = r ? &r->session : NULL;
  if (!r) return cstr(NULL);
  switch (field) {
    case GWR_DS_TIMEOUT_REQUEST: return dur_text(&r->timeout_request);
    case GWR_DS_TIMEOUT_BACKEND: return dur_text(&r->timeout_backend);
    case GWR_DS_RETRY_BACKOFF: return r->retry.set ? dur_text(&r->retry.backoff) : cstr(NULL);
    default: break;
  }
  if (!sp->set) return cstr(NULL);
  switch (field) {
    case GWR_DS_SESSION_TYPE: return sp->type;
    case GWR_DS_SESSION_NAME: return sp->name;
    case GWR_DS_SESSION_COOKIE_PATH: return sp->cookie_path;
    case GWR_DS_SESSION_LIFETIME: return sp->lifetime;
    case GWR_DS_SESSION_ABSOLUTE_TIMEOUT: return dur_text(&sp->absolute);
    default: return dur_text(&sp->idle);
  }
}

int gwr_decision_str(const gwr_decision *d, int32_t field, gwr_str *out) {
  if (!d || !out) return GWR_E_INVALID;
  switch (field) {
    case GWR_DS_LISTENER: *out = cstr(d->listener ? d->listener->al->full_name : NULL); break;
    case GWR_DS_ROUTE_KIND:
    case GWR_DS_ROUTE_NAMESPACE:
    case GWR_DS_ROUTE_NAME: *out = route_str(d, field); break;
    case GWR_DS_BACKEND_GROUP:
    case GWR_DS_BACKEND_KIND:
    case GWR_DS_BACKEND_NAMESPACE:
    case GWR_DS_BACKEND_NAME: *out = backend_str(d, field); break;
    case GWR_DS_REASON: *out = cstr(d->reason); break;
    case GWR_DS_LOCATION: *out = d->location; break;
    case GWR_DS_UPSTREAM_METHOD: *out = d->action == GWR_ACTION_FORWARD ? d->req.method : cstr(NULL); break;
    case GWR_DS_UPSTREAM_SCHEME:
      *out = d->action != GWR_ACTION_FORWARD ? cstr(NULL) : d->req.scheme.len ? d->req.scheme : cstr("http");
      break;
    case GWR_DS_UPSTREAM_HOST: *out = d->action == GWR_ACTION_FORWARD ? d->up_host : cstr(NULL); break;
    case GWR_DS_UPSTREAM_PATH: *out = d->action == GWR_ACTION_FORWARD ? d->up_path : cstr(NULL); break;
    default:
      if (field < GWR_DS_TIMEOUT_REQUEST || field > GWR_DS_SESSION_IDLE_TIMEOUT) return GWR_E_INVALID;
      *out = policy_str(d, field);
  }
  if (!out->ptr) *out = cstr(NULL);
  return GWR_OK;
}

size_t gwr_decision_header_count(const gwr_decision *d, int32_t list) {
  return list == GWR_DH_UPSTREAM ? gwr_decision_list_count(d, GWR_DL_UPSTREAM_HEADERS) : 0;
}

int gwr_decision_header(const gwr_decision *d, int32_t list, size_t index, gwr_header *out) {
  if (!d || !out || list != GWR_DH_UPSTREAM) return GWR_E_INVALID;
  if (gwr_decision_list_str(d, GWR_DL_UPSTREAM_HEADERS, index, GWR_IF_NAME, &out->name) != GWR_OK)
    return GWR_E_NOTFOUND;
  return gwr_decision_list_str(d, GWR_DL_UPSTREAM_HEADERS, index, GWR_IF_VALUE, &out->value);
}

int gwr_decision_copy(const gwr_decision *d, int32_t field, char *buf, size_t cap, size_t *needed) {
  gwr_str v;
  int rc;
  if (!buf && cap) return GWR_E_INVALID;
  if ((rc = gwr_decision_str(d, field, &v)) != GWR_OK) return rc;
  if (needed) *needed = v.len;
  if (cap < v.len + 1) return GWR_E_RANGE;
  if (v.len) memcpy(buf, v.ptr, v.len);
  buf[v.len] = '\0';
  return GWR_OK;
}

/* ---- header operations ------------------------------------------------------ */

/* The operations of a list, over up to three arrays, in order. */
typedef struct op_seq {
  const gwr__hop *part[3];
  size_t n[3];
} op_seq;

static const gwr__hop *op_at(const op_seq *q, size_t i) {
  size_t p;
  for (p = 0; p < 3; p++) {
    if (i < q->n[p]) return &q->part[p][i];
    i -= q->n[p];
  }
  return NULL;
}

static size_t op_count(const op_seq *q) { return q->n[0] + q->n[1] + q->n[2]; }

static int ops_of(const gwr_decision *d, int32_t list, op_seq *q) {
  int w;
  memset(q, 0, sizeof *q);
  if (list != GWR_DL_REQUEST_HEADER_OPS && list != GWR_DL_RESPONSE_HEADER_OPS) return 0;
  for (w = 0; w < 2; w++) {
    const gwr__tfilters *f = d->fl[w];
    if (!f) continue;
    q->part[w] = list == GWR_DL_REQUEST_HEADER_OPS ? f->req_ops : f->resp_ops;
    q->n[w] = list == GWR_DL_REQUEST_HEADER_OPS ? f->req_op_count : f->resp_op_count;
  }
  if (list == GWR_DL_RESPONSE_HEADER_OPS) {
    q->part[2] = d->cors_ops;
    q->n[2] = d->cors_op_count;
  }
  return 1;
}

/* Whether a set/remove on `name` comes at or after operation `from`. */
static int replaced_from(const op_seq *q, gwr__sv name, size_t from) {
  size_t i, n = op_count(q);
  for (i = from; i < n; i++) {
    const gwr__hop *o = op_at(q, i);
    if (o->op != GWR_HEADER_OP_ADD && gwr__sv_casecmp_eq(o->name, name)) return 1;
  }
  return 0;
}

/* F9-F11: untouched input headers in order, then surviving set/add lines.
 * Writes outputs skip .. skip+cap-1 into out; returns how many there are. */
static size_t apply_ops(const op_seq *q, const gwr_header *in, size_t n, gwr_header *out,
                        size_t cap, size_t skip) {
  size_t i, k = 0, ops = op_count(q);
  for (i = 0; i < n; i++) {
    if (replaced_from(q, in[i].name, 0)) continue;
    if (k >= skip && k - skip < cap) out[k - skip] = in[i];
    k++;
  }
  for (i = 0; i < ops; i++) {
    const gwr__hop *o = op_at(q, i);
    if (o->op == GWR_HEADER_OP_REMOVE || replaced_from(q, o->name, i + 1)) continue;
    if (k >= skip && k - skip < cap) {
      out[k - skip].name = o->name;
      out[k - skip].value = o->value;
    }
    k++;
  }
  return k;
}

int gwr_headers_apply(const gwr_decision *d, int32_t list, const gwr_header *in, size_t in_count,
                      gwr_header *out, size_t out_cap, size_t *out_count) {
  op_seq q;
  size_t n;
  if (!d || (!in && in_count) || (!out && out_cap) || !ops_of(d, list, &q)) return GWR_E_INVALID;
  n = apply_ops(&q, in, in_count, out, out_cap, 0);
  if (out_count) *out_count = n;
  return n > out_cap ? GWR_E_RANGE : GWR_OK;
}

/* ---- lists -------------------------------------------------------------------- */

/* The index-th sampled mirror, or NULL. */
static const gwr__att_backend *mirror_at(const gwr_decision *d, size_t index) {
  int w;
  uint32_t i;
  if (d->action != GWR_ACTION_FORWARD) return NULL;
  for (w = 0; w < 2; w++)
    for (i = 0; d->fl[w] && i < d->fl[w]->mirror_count && i < 32; i++)
      if (d->mirror_mask[w] & (1u << i) && index-- == 0) return d->fl[w]->mirrors[i].ab;
  return NULL;
}

static const gwr__objref *extension_at(const gwr_decision *d, size_t index) {
  int w;
  for (w = 0; w < 2; w++) {
    if (!d->fl[w]) continue;
    if (index < d->fl[w]->extension_count) return d->fl[w]->extensions[index];
    index -= d->fl[w]->extension_count;
  }
  return NULL;
}

static size_t upstream_count(const gwr_decision *d) {
  op_seq q;
  if (d->action != GWR_ACTION_FORWARD) return 0;
  ops_of(d, GWR_DL_REQUEST_HEADER_OPS, &q);
  return apply_ops(&q, d->req.headers, d->req.header_count, NULL, 0, 0);
}

size_t gwr_decision_list_count(const gwr_decision *d, int32_t list) {
  op_seq q;
  size_t n = 0;
  if (!d) return 0;
  switch (list) {
    case GWR_DL_UPSTREAM_HEADERS: return upstream_count(d);
    case GWR_DL_REQUEST_HEADER_OPS:
    case GWR_DL_RESPONSE_HEADER_OPS: ops_of(d, list, &q); return op_count(&q);
    case GWR_DL_RESPONSE_HEADERS: return d->own_count;
    case GWR_DL_MIRRORS: while (mirror_at(d, n)) n++; return n;
    case GWR_DL_EXTENSION_REFS: while (extension_at(d, n)) n++; return n;
    case GWR_DL_RETRY_CODES: return d->trule && d->trule->rule->retry.set ? d->trule->rule->retry.code_count : 0;
    default: return 0;
  }
}

static int upstream_header(const gwr_decision *d, size_t index, gwr_header *out) {
  op_seq q;
  if (d->action != GWR_ACTION_FORWARD) return GWR_E_NOTFOUND;
  ops_of(d, GWR_DL_REQUEST_HEADER_OPS, &q);
  if (apply_ops(&q, d->req.headers, d->req.header_count, out, 1, index) <= index) return GWR_E_NOTFOUND;
  return GWR_OK;
}

/* One item of a list as (op, name, value) or a reference. */
typedef struct item {
  int64_t op, port, code;
  gwr_str name, value, group, kind, ns;
} item;

static void ref_item(item *it, const gwr__objref *r) {
  it->group = r->group;
  it->kind = r->kind;
  it->ns = r->ns;
  it->name = r->name;
  it->port = r->port;
}

static int item_at(const gwr_decision *d, int32_t list, size_t index, item *it) {
  op_seq q;
  gwr_header h;
  const gwr__att_backend *m;
  const gwr__objref *x;
  memset(it, 0, sizeof *it);
  it->name = it->value = it->group = it->kind = it->ns = cstr(NULL);
  if (index >= gwr_decision_list_count(d, list)) return GWR_E_NOTFOUND;
  switch (list) {
    case GWR_DL_UPSTREAM_HEADERS:
      if (upstream_header(d, index, &h) != GWR_OK) return GWR_E_NOTFOUND;
      it->name = h.name;
      it->value = h.value;
      return GWR_OK;
    case GWR_DL_REQUEST_HEADER_OPS:
    case GWR_DL_RESPONSE_HEADER_OPS: {
      const gwr__hop *o;
      ops_of(d, list, &q);
      o = op_at(&q, index);
      it->op = o->op;
      it->name = o->name;
      it->value = o->value;
      return GWR_OK;
    }
    case GWR_DL_RESPONSE_HEADERS:
      it->name = d->own[index].name;
      it->value = d->own[index].value;
      return GWR_OK;
    case GWR_DL_MIRRORS: m = mirror_at(d, index); ref_item(it, m->ref); return GWR_OK;
    case GWR_DL_EXTENSION_REFS: x = extension_at(d, index); ref_item(it, x); return GWR_OK;
    case GWR_DL_RETRY_CODES: it->code = d->trule->rule->retry.codes[index]; return GWR_OK;
    default: return GWR_E_INVALID;
  }
}

int gwr_decision_list_str(const gwr_decision *d, int32_t list, size_t index, int32_t field,
                          gwr_str *out) {
  item it;
  int rc;
  if (!d || !out) return GWR_E_INVALID;
  if (list < GWR_DL_UPSTREAM_HEADERS || list > GWR_DL_RETRY_CODES) return GWR_E_INVALID;
  if ((rc = item_at(d, list, index, &it)) != GWR_OK) return rc;
  switch (field) {
    case GWR_IF_NAME: *out = it.name; return GWR_OK;
    case GWR_IF_VALUE: *out = it.value; return GWR_OK;
    case GWR_IF_GROUP: *out = it.group; return GWR_OK;
    case GWR_IF_KIND: *out = it.kind; return GWR_OK;
    case GWR_IF_NAMESPACE: *out = it.ns; return GWR_OK;
    default: return GWR_E_INVALID;
  }
}

int64_t gwr_decision_list_int(const gwr_decision *d, int32_t list, size_t index, int32_t field) {
  item it;
  if (!d || item_at(d, list, index, &it) != GWR_OK) return 0;
  switch (field) {
    case GWR_IF_OP: return it.op;
    case GWR_IF_PORT: return it.port;
    case GWR_IF_CODE: return it.code;
    default: return 0;
  }
}
