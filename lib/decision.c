/* SPDX-License-Identifier: Apache-2.0 */
/*
 * decision.c - decisions: creation with pre-sized scratch, the request
 * struct's size check, and the accessors hosts read a decision with.
 */
#include "decision.h"

/* libbpf-style: an older (shorter) struct is fine, a newer (longer) one
 * only if the bytes this library does not know are zero. */
int gwr__request_copy(gwr_request *dst, const gwr_request *src) {
  size_t n = src->struct_size, i;
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
  d->join_buf = gwr__malloc(&d->alloc, d->join_cap);
  d->rx = gwr__regex_scratch_new(&d->alloc);
  if (!d->path_buf || !d->join_buf || !d->rx) {
    gwr_decision_free(d);
    return GWR_E_NOMEM;
  }
  d->grpc_status = -1;
  d->rule = d->match = -1;
  d->reason = "";
  *out = d;
  return GWR_OK;
}

void gwr_decision_free(gwr_decision *d) {
  gwr__alloc a;
  if (!d) return;
  a = d->alloc;
  gwr__regex_scratch_free(d->rx);
  gwr__free(&a, d->path_buf);
  gwr__free(&a, d->join_buf);
  gwr__free(&a, d);
}

int32_t gwr_decision_action(const gwr_decision *d) { return d ? d->action : GWR_ACTION_NONE; }

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
    default: return 0;
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
    case GWR_DS_LOCATION: *out = cstr(NULL); break;
    case GWR_DS_UPSTREAM_METHOD: *out = d->action == GWR_ACTION_FORWARD ? d->req.method : cstr(NULL); break;
    case GWR_DS_UPSTREAM_SCHEME:
      *out = d->action != GWR_ACTION_FORWARD ? cstr(NULL) : d->req.scheme.len ? d->req.scheme : cstr("http");
      break;
    case GWR_DS_UPSTREAM_HOST: *out = d->action == GWR_ACTION_FORWARD ? d->up_host : cstr(NULL); break;
    case GWR_DS_UPSTREAM_PATH: *out = d->action == GWR_ACTION_FORWARD ? d->up_path : cstr(NULL); break;
    default: return GWR_E_INVALID;
  }
  if (!out->ptr) *out = cstr(NULL);
  return GWR_OK;
}

size_t gwr_decision_header_count(const gwr_decision *d, int32_t list) {
  if (!d || list != GWR_DH_UPSTREAM || d->action != GWR_ACTION_FORWARD) return 0;
  return d->req.header_count;
}

int gwr_decision_header(const gwr_decision *d, int32_t list, size_t index, gwr_header *out) {
  if (!d || !out || list != GWR_DH_UPSTREAM) return GWR_E_INVALID;
  if (index >= gwr_decision_header_count(d, list)) return GWR_E_NOTFOUND;
  *out = d->req.headers[index];
  return GWR_OK;
}
