/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ngx_http_gwroute_request.c - carrying out gwroute decisions for nginx.
 *
 * In locations with "gwroute on" (rewrite phase) the request becomes a
 * gwr_request, gwr_match decides, and the decision is carried out. A
 * forward sets $gwroute_upstream, $gwroute_path and $gwroute_host for
 * proxy_pass and applies the request header operations to the request; a
 * redirect or respond (404, 500, 421, a CORS preflight's 204, a gRPC
 * trailers-only status) answers at once; mirrors become background
 * subrequests to the "gwroute_mirror" location (precontent phase);
 * response header operations are applied by a header filter.
 *
 * A worker is single-threaded, so each table has one decision per process;
 * what a request needs from it is copied into the request's pool before
 * the next match (the decision's views live until then only).
 */

#include "ngx_http_gwroute_module.h"


ngx_http_output_header_filter_pt  ngx_http_gwroute_next_header_filter;


/* ---- request time: matching -------------------------------------------- */

static ngx_int_t
ngx_http_gwroute_copy(ngx_http_request_t *r, ngx_str_t *dst, gwr_str *src)
{
    dst->len = src->len;

    if (src->len == 0) {
        dst->data = (u_char *) "";
        return NGX_OK;
    }

    dst->data = ngx_pnalloc(r->pool, src->len);
    if (dst->data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(dst->data, src->ptr, src->len);
    return NGX_OK;
}


static ngx_int_t
ngx_http_gwroute_field(ngx_http_request_t *r, gwr_decision *d, int32_t field,
    ngx_str_t *dst)
{
    gwr_str  s = { NULL, 0 };

    (void) gwr_decision_str(d, field, &s);
    return ngx_http_gwroute_copy(r, dst, &s);
}


/* ngx_sprintf() costs more than the whole match: the request path formats
 * by hand. */
static u_char *
ngx_http_gwroute_int(u_char *p, int64_t v)
{
    u_char    buf[NGX_INT64_LEN], *q;
    uint64_t  u;

    u = (uint64_t) v;
    if (v < 0) {
        *p++ = '-';
        u = 0 - u;
    }

    q = buf + sizeof(buf);
    do {
        *--q = (u_char) ('0' + u % 10);
        u /= 10;
    } while (u);

    return ngx_cpymem(p, q, buf + sizeof(buf) - q);
}


/* "namespace/name" of the decision's route, backend or mirror, then
 * ":port" when port is not negative. */
static ngx_int_t
ngx_http_gwroute_name(ngx_http_request_t *r, gwr_str *ns, gwr_str *name,
    int64_t port, ngx_str_t *out)
{
    u_char  *p;

    p = ngx_pnalloc(r->pool, ns->len + name->len + NGX_INT64_LEN + 2);
    if (p == NULL) {
        return NGX_ERROR;
    }

    out->data = p;
    p = ngx_cpymem(p, ns->ptr, ns->len);
    *p++ = '/';
    p = ngx_cpymem(p, name->ptr, name->len);

    if (port >= 0) {
        *p++ = ':';
        p = ngx_http_gwroute_int(p, port);
    }

    out->len = p - out->data;
    return NGX_OK;
}


static ngx_int_t
ngx_http_gwroute_request(ngx_http_request_t *r,
    ngx_http_gwroute_srv_conf_t *scf, ngx_http_gwroute_ctx_t *ctx)
{
    u_char                       *p;
    ngx_str_t                     key, host;
    ngx_uint_t                    i, n;
    gwr_header                   *h;
    gwr_request                  *req;
    ngx_list_part_t              *part;
    ngx_table_elt_t              *header;
    ngx_http_gwroute_loc_conf_t  *lcf;
    gwr_request                   init = GWR_REQUEST_INIT;

    req = &ctx->req;
    *req = init;

    req->gateway.ptr = (char *) scf->gateway.data;
    req->gateway.len = scf->gateway.len;
    req->port = (uint32_t) scf->port;
    req->method.ptr = (char *) r->method_name.data;
    req->method.len = r->method_name.len;
    req->scheme.ptr = "http";
    req->scheme.len = 4;

#if (NGX_HTTP_SSL)
    if (r->connection->ssl) {
        req->scheme.ptr = "https";
        req->scheme.len = 5;
#ifdef SSL_CTRL_SET_TLSEXT_HOSTNAME
        if (r->http_connection->ssl_servername) {
            req->sni.ptr = (char *) r->http_connection->ssl_servername->data;
            req->sni.len = r->http_connection->ssl_servername->len;
        }
#endif
    }
#endif

    host = r->headers_in.host ? r->headers_in.host->value
                              : r->headers_in.server;
    req->host.ptr = (char *) host.data;
    req->host.len = host.len;

    /* The request target as the client sent it: gwroute matches bytes and
     * removes dot segments itself. After a rewrite or an internal redirect
     * only nginx's decoded URI is left. */
    if (r->valid_unparsed_uri) {
        req->path.ptr = (char *) r->unparsed_uri.data;
        req->path.len = r->unparsed_uri.len;

    } else {
        p = ngx_pnalloc(r->pool, r->uri.len + 1 + r->args.len);
        if (p == NULL) {
            return NGX_ERROR;
        }

        req->path.ptr = (char *) p;
        p = ngx_cpymem(p, r->uri.data, r->uri.len);
        if (r->args.len) {
            *p++ = '?';
            p = ngx_cpymem(p, r->args.data, r->args.len);
        }
        req->path.len = p - (u_char *) req->path.ptr;
    }

    n = 0;
    for (part = &r->headers_in.headers.part; part; part = part->next) {
        n += part->nelts;
    }

    h = ngx_palloc(r->pool, (n ? n : 1) * sizeof(gwr_header));
    ctx->elts = ngx_palloc(r->pool, (n ? n : 1) * sizeof(ngx_table_elt_t *));
    if (h == NULL || ctx->elts == NULL) {
        return NGX_ERROR;
    }

    n = 0;
    for (part = &r->headers_in.headers.part; part; part = part->next) {
        header = part->elts;
        for (i = 0; i < part->nelts; i++) {
            h[n].name.ptr = (char *) header[i].key.data;
            h[n].name.len = header[i].key.len;
            h[n].value.ptr = (char *) header[i].value.data;
            h[n].value.len = header[i].value.len;
            ctx->elts[n++] = &header[i];
        }
    }

    req->headers = h;
    req->header_count = n;

    lcf = ngx_http_get_module_loc_conf(r, ngx_http_gwroute_module);

    if (lcf->hash_key) {
        if (ngx_http_complex_value(r, lcf->hash_key, &key) != NGX_OK) {
            return NGX_ERROR;
        }
        req->key.ptr = (char *) key.data;
        req->key.len = key.len;
    }

    if (req->key.len == 0) {
        req->choice = ((uint64_t) ngx_random() << 33)
                      ^ ((uint64_t) ngx_random() << 2)
                      ^ (uint64_t) ngx_random();
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_gwroute_match(ngx_http_request_t *r, ngx_http_gwroute_ctx_t *ctx)
{
    int                      rc;
    ngx_http_gwroute_set_t  *set = ctx->set;

    rc = gwr_match(set->decision, set->table, &ctx->req);
    if (rc != GWR_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "gwroute: gwr_match: %s", gwr_strerror(rc));
        return NGX_ERROR;
    }

    ctx->generation = ++set->generation;
    return NGX_OK;
}


static ngx_int_t
ngx_http_gwroute_read_mirrors(ngx_http_request_t *r,
    ngx_http_gwroute_srv_conf_t *scf, ngx_http_gwroute_ctx_t *ctx,
    gwr_decision *d)
{
    size_t      i, n;
    gwr_str     ns, name;
    ngx_str_t   key, *address, *mirror;

    n = gwr_decision_list_count(d, GWR_DL_MIRRORS);
    if (n == 0) {
        return NGX_OK;
    }

    ctx->mirrors = ngx_array_create(r->pool, n, sizeof(ngx_str_t));
    if (ctx->mirrors == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < n; i++) {
        (void) gwr_decision_list_str(d, GWR_DL_MIRRORS, i, GWR_IF_NAMESPACE,
                                     &ns);
        (void) gwr_decision_list_str(d, GWR_DL_MIRRORS, i, GWR_IF_NAME, &name);

        if (ngx_http_gwroute_name(r, &ns, &name,
                gwr_decision_list_int(d, GWR_DL_MIRRORS, i, GWR_IF_PORT), &key)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        address = ngx_http_gwroute_lookup(scf, &key);
        if (address == NULL) {
            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                          "gwroute: no gwroute_backend for mirror \"%V\"",
                          &key);
            continue;
        }

        mirror = ngx_array_push(ctx->mirrors);
        if (mirror == NULL) {
            return NGX_ERROR;
        }
        *mirror = *address;
    }

    return NGX_OK;
}


/* Copy an OP/NAME/VALUE list (response header operations) or a NAME/VALUE
 * list (the engine's own answer headers) into the request's pool. */
static ngx_array_t *
ngx_http_gwroute_read_list(ngx_http_request_t *r, gwr_decision *d,
    int32_t list, ngx_uint_t with_op)
{
    size_t                  i, n;
    gwr_str                 name, value;
    ngx_array_t            *a;
    ngx_http_gwroute_op_t  *op;

    n = gwr_decision_list_count(d, list);
    if (n == 0) {
        return NULL;
    }

    a = ngx_array_create(r->pool, n, sizeof(ngx_http_gwroute_op_t));
    if (a == NULL) {
        return NULL;
    }

    for (i = 0; i < n; i++) {
        op = ngx_array_push(a);
        name.len = 0;
        value.len = 0;
        (void) gwr_decision_list_str(d, list, i, GWR_IF_NAME, &name);
        (void) gwr_decision_list_str(d, list, i, GWR_IF_VALUE, &value);

        if (op == NULL
            || ngx_http_gwroute_copy(r, &op->name, &name) != NGX_OK
            || ngx_http_gwroute_copy(r, &op->value, &value) != NGX_OK)
        {
            return NULL;
        }

        op->op = with_op ? gwr_decision_list_int(d, list, i, GWR_IF_OP)
                         : GWR_HEADER_OP_ADD;
    }

    return a;
}


static ngx_int_t
ngx_http_gwroute_read_decision(ngx_http_request_t *r,
    ngx_http_gwroute_srv_conf_t *scf, ngx_http_gwroute_ctx_t *ctx)
{
    u_char        *p;
    gwr_str        ns, name;
    ngx_str_t     *address;
    gwr_decision  *d = ctx->set->decision;

    static ngx_str_t  actions[] = {
        ngx_string("none"), ngx_string("forward"), ngx_string("redirect"),
        ngx_string("respond"), ngx_string("reject")
    };

    ctx->action = gwr_decision_action(d);
    ctx->status = (ngx_uint_t) gwr_decision_int(d, GWR_DI_STATUS);
    ctx->grpc_status = (ngx_int_t) gwr_decision_int(d, GWR_DI_GRPC_STATUS);
    ctx->extension_refs = gwr_decision_list_count(d, GWR_DL_EXTENSION_REFS);
    ctx->action_name = actions[(ctx->action >= 0 && ctx->action <= 4)
                               ? ctx->action : 0];

    if (ngx_http_gwroute_field(r, d, GWR_DS_REASON, &ctx->reason) != NGX_OK
        || ngx_http_gwroute_field(r, d, GWR_DS_LISTENER, &ctx->listener)
           != NGX_OK
        || ngx_http_gwroute_field(r, d, GWR_DS_LOCATION, &ctx->location)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (gwr_decision_int(d, GWR_DI_HAS_ROUTE)) {
        (void) gwr_decision_str(d, GWR_DS_ROUTE_NAMESPACE, &ns);
        (void) gwr_decision_str(d, GWR_DS_ROUTE_NAME, &name);

        p = ngx_pnalloc(r->pool, NGX_INT64_LEN);
        if (p == NULL
            || ngx_http_gwroute_name(r, &ns, &name, -1, &ctx->route)
               != NGX_OK)
        {
            return NGX_ERROR;
        }

        ctx->rule.data = p;
        ctx->rule.len = ngx_http_gwroute_int(p,
                            gwr_decision_int(d, GWR_DI_ROUTE_RULE)) - p;
    }

    if (gwr_decision_int(d, GWR_DI_HAS_BACKEND)) {
        (void) gwr_decision_str(d, GWR_DS_BACKEND_NAMESPACE, &ns);
        (void) gwr_decision_str(d, GWR_DS_BACKEND_NAME, &name);

        if (ngx_http_gwroute_name(r, &ns, &name,
                gwr_decision_int(d, GWR_DI_BACKEND_PORT), &ctx->backend)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        address = ngx_http_gwroute_lookup(scf, &ctx->backend);
        if (address) {
            ctx->upstream = *address;
        }
    }

    if (ctx->action == GWR_ACTION_FORWARD) {
        if (ngx_http_gwroute_field(r, d, GWR_DS_UPSTREAM_PATH, &ctx->path)
            != NGX_OK
            || ngx_http_gwroute_field(r, d, GWR_DS_UPSTREAM_HOST, &ctx->host)
               != NGX_OK
            || ngx_http_gwroute_read_mirrors(r, scf, ctx, d) != NGX_OK)
        {
            return NGX_ERROR;
        }

    } else if (gwr_decision_list_count(d, GWR_DL_RESPONSE_HEADERS)) {
        ctx->answer_headers = ngx_http_gwroute_read_list(r, d,
                                                GWR_DL_RESPONSE_HEADERS, 0);
        if (ctx->answer_headers == NULL) {
            return NGX_ERROR;
        }
    }

    if (gwr_decision_list_count(d, GWR_DL_RESPONSE_HEADER_OPS)) {
        ctx->response_ops = ngx_http_gwroute_read_list(r, d,
                                                GWR_DL_RESPONSE_HEADER_OPS, 1);
        if (ctx->response_ops == NULL) {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/* The request's routing: matched once, on first use (the rewrite handler
 * or any $gwroute_* variable), then kept in the request's context. */
static ngx_http_gwroute_ctx_t *
ngx_http_gwroute_route(ngx_http_request_t *r)
{
    ngx_http_gwroute_ctx_t       *ctx;
    ngx_http_gwroute_srv_conf_t  *scf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_gwroute_module);
    if (ctx) {
        return ctx;
    }

    scf = ngx_http_get_module_srv_conf(r, ngx_http_gwroute_module);
    if (scf->set == NULL) {
        return NULL;
    }

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_gwroute_ctx_t));
    if (ctx == NULL) {
        return NULL;
    }

    ctx->set = scf->set;

    if (ngx_http_gwroute_request(r, scf, ctx) != NGX_OK
        || ngx_http_gwroute_match(r, ctx) != NGX_OK
        || ngx_http_gwroute_read_decision(r, scf, ctx) != NGX_OK)
    {
        return NULL;
    }

    ngx_http_set_ctx(r, ctx, ngx_http_gwroute_module);
    return ctx;
}


ngx_int_t
ngx_http_gwroute_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
    uintptr_t data)
{
    ngx_str_t               *s;
    ngx_http_gwroute_ctx_t  *ctx;

    ctx = ngx_http_gwroute_route(r);
    if (ctx == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    s = (ngx_str_t *) ((char *) ctx + data);

    v->len = s->len;
    v->data = s->data;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    return NGX_OK;
}


/* ---- request time: carrying the decision out ---------------------------- */

/* Point nginx's parsed request header fields (r->headers_in.host, .cookies,
 * ...) at the rewritten header list, so that $http_*, $cookie_* and other
 * modules see what the backend will see. */
static ngx_int_t
ngx_http_gwroute_reindex_headers(ngx_http_request_t *r)
{
    ngx_uint_t          i;
    ngx_array_t        *a;
    ngx_list_part_t    *part;
    ngx_table_elt_t    *h, **ph;
    ngx_http_header_t  *hh;

    for (hh = ngx_http_headers_in; hh->name.len; hh++) {

        if (hh->offset == 0) {
            continue;
        }

        a = NULL;
        ph = NULL;

        if (hh->offset == offsetof(ngx_http_headers_in_t, cookies)
#if (NGX_HTTP_X_FORWARDED_FOR)
            || hh->offset == offsetof(ngx_http_headers_in_t, x_forwarded_for)
#endif
           )
        {
            a = (ngx_array_t *) ((char *) &r->headers_in + hh->offset);
            a->nelts = 0;

        } else {
            ph = (ngx_table_elt_t **) ((char *) &r->headers_in + hh->offset);
            *ph = NULL;
        }

        for (part = &r->headers_in.headers.part; part; part = part->next) {
            h = part->elts;
            for (i = 0; i < part->nelts; i++) {
                if (h[i].key.len != hh->name.len
                    || ngx_strncasecmp(h[i].key.data, hh->name.data,
                                       hh->name.len) != 0)
                {
                    continue;
                }

                if (ph) {
                    if (*ph == NULL) {
                        *ph = &h[i];
                    }
                    continue;
                }

                if (a->elts == NULL
                    && ngx_array_init(a, r->pool, 2, sizeof(ngx_table_elt_t *))
                       != NGX_OK)
                {
                    return NGX_ERROR;
                }

                ph = ngx_array_push(a);
                if (ph == NULL) {
                    return NGX_ERROR;
                }
                *ph = &h[i];
                ph = NULL;
            }
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_gwroute_header_elt(ngx_http_request_t *r, ngx_table_elt_t *h,
    gwr_header *src)
{
    gwr_str  name = src->name, value = src->value;

    if (ngx_http_gwroute_copy(r, &h->key, &name) != NGX_OK
        || ngx_http_gwroute_copy(r, &h->value, &value) != NGX_OK)
    {
        return NGX_ERROR;
    }

    h->lowcase_key = ngx_pnalloc(r->pool, h->key.len ? h->key.len : 1);
    if (h->lowcase_key == NULL) {
        return NGX_ERROR;
    }

    h->hash = ngx_hash_strlow(h->lowcase_key, h->key.data, h->key.len);
    return NGX_OK;
}


/* Apply the decision's request header operations to r->headers_in with
 * gwr_headers_apply: untouched headers keep their nginx elements, set and
 * added ones become new elements. */
static ngx_int_t
ngx_http_gwroute_request_headers(ngx_http_request_t *r,
    ngx_http_gwroute_ctx_t *ctx)
{
    int               rc;
    size_t            i, j, n, cap, in_count;
    ngx_list_t        list;
    gwr_header       *out;
    gwr_decision     *d = ctx->set->decision;
    const gwr_header *in;
    ngx_table_elt_t  *h;

    /* Another request may have matched on this decision since: matching
     * again with the same request and choice gives the same decision. */
    if (ctx->generation != ctx->set->generation
        && ngx_http_gwroute_match(r, ctx) != NGX_OK)
    {
        return NGX_ERROR;
    }

    n = gwr_decision_list_count(d, GWR_DL_REQUEST_HEADER_OPS);
    if (n == 0) {
        return NGX_OK;
    }

    in = ctx->req.headers;
    in_count = ctx->req.header_count;
    cap = in_count + n;

    out = ngx_palloc(r->pool, cap * sizeof(gwr_header));
    if (out == NULL) {
        return NGX_ERROR;
    }

    rc = gwr_headers_apply(d, GWR_DL_REQUEST_HEADER_OPS, in, in_count, out,
                           cap, &n);
    if (rc != GWR_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "gwroute: gwr_headers_apply: %s", gwr_strerror(rc));
        return NGX_ERROR;
    }

    if (ngx_list_init(&list, r->pool, n ? n : 1, sizeof(ngx_table_elt_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    j = 0;

    for (i = 0; i < n; i++) {
        h = ngx_list_push(&list);
        if (h == NULL) {
            return NGX_ERROR;
        }

        while (j < in_count && in[j].name.ptr != out[i].name.ptr) {
            j++;
        }

        if (j < in_count && in[j].value.ptr == out[i].value.ptr) {
            *h = *ctx->elts[j++];       /* untouched: the same element */
            continue;
        }

        if (ngx_http_gwroute_header_elt(r, h, &out[i]) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    r->headers_in.headers = list;

    return ngx_http_gwroute_reindex_headers(r);
}


static ngx_int_t
ngx_http_gwroute_push_header(ngx_http_request_t *r, ngx_str_t *name,
    ngx_str_t *value, ngx_table_elt_t **out)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    h->key = *name;
    h->value = *value;
    h->lowcase_key = NULL;

    if (out) {
        *out = h;
    }

    return NGX_OK;
}


/* An answer of the engine's own: a redirect, a 404/500/421 with its reason
 * as the body, a CORS preflight, or a gRPC trailers-only status. */
static ngx_int_t
ngx_http_gwroute_answer(ngx_http_request_t *r, ngx_http_gwroute_ctx_t *ctx,
    ngx_uint_t status, ngx_str_t *reason)
{
    u_char                    *p;
    ngx_str_t                  ct, value;
    ngx_uint_t                 i;
    ngx_http_gwroute_op_t     *hdr;
    ngx_http_complex_value_t   cv;

    if (ngx_http_discard_request_body(r) != NGX_OK) {
        r->keepalive = 0;
    }

    if (ctx->answer_headers) {
        hdr = ctx->answer_headers->elts;
        for (i = 0; i < ctx->answer_headers->nelts; i++) {
            if (hdr[i].name.len == sizeof("Location") - 1
                && ngx_strncasecmp(hdr[i].name.data, (u_char *) "Location",
                                   sizeof("Location") - 1) == 0)
            {
                continue;   /* ngx_http_send_response() sets it */
            }

            if (ngx_http_gwroute_push_header(r, &hdr[i].name, &hdr[i].value,
                                             NULL)
                != NGX_OK)
            {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }
        }
    }

    ngx_memzero(&cv, sizeof(ngx_http_complex_value_t));

    if (ctx->action == GWR_ACTION_REDIRECT) {
        cv.value = ctx->location;
        return ngx_http_send_response(r, status, NULL, &cv);
    }

    if (ctx->grpc_status >= 0) {
        p = ngx_pnalloc(r->pool, NGX_INT_T_LEN);
        if (p == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        value.data = p;
        value.len = ngx_sprintf(p, "%i", ctx->grpc_status) - p;
        ngx_str_set(&ct, "grpc-status");

        if (ngx_http_gwroute_push_header(r, &ct, &value, NULL) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_str_set(&ct, "grpc-message");
        if (reason->len
            && ngx_http_gwroute_push_header(r, &ct, reason, NULL) != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        r->headers_out.status = NGX_HTTP_OK;
        ngx_str_set(&r->headers_out.content_type, "application/grpc");
        r->headers_out.content_type_len = r->headers_out.content_type.len;
        r->headers_out.content_length_n = -1;
        r->header_only = 1;     /* HTTP/2: one HEADERS frame, END_STREAM */

        return ngx_http_send_header(r);
    }

    if (reason->len == 0 || status == NGX_HTTP_NO_CONTENT) {
        r->headers_out.status = status;
        r->headers_out.content_length_n = 0;
        r->header_only = 1;
        return ngx_http_send_header(r);
    }

    value.data = ngx_pnalloc(r->pool, reason->len + 1);
    if (value.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    value.len = ngx_sprintf(value.data, "%V\n", reason) - value.data;
    cv.value = value;
    ngx_str_set(&ct, "text/plain");

    return ngx_http_send_response(r, status, &ct, &cv);
}


ngx_int_t
ngx_http_gwroute_handler(ngx_http_request_t *r)
{
    ngx_str_t                     reason;
    ngx_http_gwroute_ctx_t       *ctx;
    ngx_http_gwroute_loc_conf_t  *lcf;

    lcf = ngx_http_get_module_loc_conf(r, ngx_http_gwroute_module);
    if (!lcf->enable) {
        return NGX_DECLINED;
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_gwroute_module);
    if (ctx && (ctx->is_mirror || ctx->handled)) {
        return NGX_DECLINED;
    }

    ctx = ngx_http_gwroute_route(r);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->handled = 1;

    if (ctx->extension_refs) {
        /* Fail closed (Gateway API: an ExtensionRef the host cannot carry
         * out must not be skipped). */
        ngx_str_set(&reason, "ExtensionRef filters are not supported");
        ctx->action = GWR_ACTION_RESPOND;
        ngx_str_set(&ctx->action_name, "respond");
        ctx->reason = reason;
        return ngx_http_gwroute_answer(r, ctx, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                       &reason);
    }

    switch (ctx->action) {

    case GWR_ACTION_FORWARD:
        if (ctx->upstream.len == 0) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "gwroute: no gwroute_backend for \"%V\"",
                          &ctx->backend);
            ctx->action = GWR_ACTION_RESPOND;
            ngx_str_set(&ctx->action_name, "respond");
            ngx_str_set(&ctx->reason, "no address for the backend");
            return ngx_http_gwroute_answer(r, ctx,
                                           NGX_HTTP_INTERNAL_SERVER_ERROR,
                                           &ctx->reason);
        }

        if (ctx->path.len == 0) {
            ngx_str_set(&ctx->path, "/");
        }

        if (ngx_http_gwroute_request_headers(r, ctx) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return NGX_DECLINED;

    case GWR_ACTION_REDIRECT:
    case GWR_ACTION_RESPOND:
        return ngx_http_gwroute_answer(r, ctx, ctx->status, &ctx->reason);

    default:
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "gwroute: unexpected action \"%V\"", &ctx->action_name);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
}


/* ---- mirrors: background subrequests, as ngx_http_mirror_module ---------- */

static ngx_int_t
ngx_http_gwroute_mirror_send(ngx_http_request_t *r,
    ngx_http_gwroute_ctx_t *ctx, ngx_str_t *uri)
{
    ngx_str_t               *mirror;
    ngx_uint_t               i;
    ngx_http_request_t      *sr;
    ngx_http_gwroute_ctx_t  *mctx;

    mirror = ctx->mirrors->elts;

    for (i = 0; i < ctx->mirrors->nelts; i++) {
        if (ngx_http_subrequest(r, uri, &r->args, &sr, NULL,
                                NGX_HTTP_SUBREQUEST_BACKGROUND)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        sr->header_only = 1;
        sr->method = r->method;
        sr->method_name = r->method_name;

        mctx = ngx_palloc(r->pool, sizeof(ngx_http_gwroute_ctx_t));
        if (mctx == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        *mctx = *ctx;
        mctx->is_mirror = 1;
        mctx->mirror = mirror[i];
        mctx->mirrors = NULL;
        mctx->response_ops = NULL;

        ngx_http_set_ctx(sr, mctx, ngx_http_gwroute_module);
    }

    return NGX_DECLINED;
}


static void
ngx_http_gwroute_mirror_body_handler(ngx_http_request_t *r)
{
    ngx_http_gwroute_ctx_t       *ctx;
    ngx_http_gwroute_loc_conf_t  *lcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_gwroute_module);
    lcf = ngx_http_get_module_loc_conf(r, ngx_http_gwroute_module);

    ctx->mirror_status = ngx_http_gwroute_mirror_send(r, ctx, &lcf->mirror);

    r->preserve_body = 1;
    r->write_event_handler = ngx_http_core_run_phases;
    ngx_http_core_run_phases(r);
}


ngx_int_t
ngx_http_gwroute_mirror_handler(ngx_http_request_t *r)
{
    ngx_int_t                     rc;
    ngx_http_gwroute_ctx_t       *ctx;
    ngx_http_gwroute_loc_conf_t  *lcf;

    if (r != r->main) {
        return NGX_DECLINED;
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_gwroute_module);
    if (ctx == NULL || !ctx->handled || ctx->mirrors == NULL
        || ctx->mirrors->nelts == 0)
    {
        return NGX_DECLINED;
    }

    if (ctx->mirror_started) {
        return ctx->mirror_status;
    }

    ctx->mirror_started = 1;

    lcf = ngx_http_get_module_loc_conf(r, ngx_http_gwroute_module);
    if (lcf->mirror.len == 0) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "gwroute: mirrors not sent: no gwroute_mirror location");
        ctx->mirror_status = NGX_DECLINED;
        return NGX_DECLINED;
    }

    /* The copies carry the body too: read it first. */
    ctx->mirror_status = NGX_DONE;

    rc = ngx_http_read_client_request_body(r,
                                         ngx_http_gwroute_mirror_body_handler);
    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    ngx_http_finalize_request(r, NGX_DONE);
    return NGX_DONE;
}


/* ---- response header operations ------------------------------------------ */

static ngx_uint_t
ngx_http_gwroute_is(ngx_str_t *name, const char *lowcase, size_t len)
{
    return name->len == len
           && ngx_strncasecmp(name->data, (u_char *) lowcase, len) == 0;
}


static ngx_int_t
ngx_http_gwroute_response_op(ngx_http_request_t *r, ngx_http_gwroute_op_t *op)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h, **special;

#define NGX_HTTP_GWROUTE_IS(s) ngx_http_gwroute_is(&op->name, s, sizeof(s) - 1)

    /* Framing is nginx's business: these would corrupt the response. */
    if (NGX_HTTP_GWROUTE_IS("content-length")
        || NGX_HTTP_GWROUTE_IS("transfer-encoding")
        || NGX_HTTP_GWROUTE_IS("connection"))
    {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "gwroute: response header \"%V\" left to nginx",
                      &op->name);
        return NGX_OK;
    }

    if (NGX_HTTP_GWROUTE_IS("content-type")) {
        if (op->op == GWR_HEADER_OP_REMOVE) {
            r->headers_out.content_type.len = 0;

        } else {
            r->headers_out.content_type = op->value;
        }

        r->headers_out.content_type_len = r->headers_out.content_type.len;
        r->headers_out.content_type_lowcase = NULL;
        ngx_str_null(&r->headers_out.charset);
        return NGX_OK;
    }

    special = NULL;
    if (NGX_HTTP_GWROUTE_IS("server")) {
        special = &r->headers_out.server;

    } else if (NGX_HTTP_GWROUTE_IS("date")) {
        special = &r->headers_out.date;

    } else if (NGX_HTTP_GWROUTE_IS("location")) {
        special = &r->headers_out.location;
    }

#undef NGX_HTTP_GWROUTE_IS

    if (op->op != GWR_HEADER_OP_ADD) {
        for (part = &r->headers_out.headers.part; part; part = part->next) {
            h = part->elts;
            for (i = 0; i < part->nelts; i++) {
                if (h[i].hash && h[i].key.len == op->name.len
                    && ngx_strncasecmp(h[i].key.data, op->name.data,
                                       op->name.len) == 0)
                {
                    h[i].hash = 0;
                }
            }
        }

        if (special) {
            /* Server and Date: a disabled element keeps nginx from adding
             * its own; Location: nginx would still send the old one. */
            if (special == &r->headers_out.location) {
                *special = NULL;

            } else {
                *special = ngx_list_push(&r->headers_out.headers);
                if (*special == NULL) {
                    return NGX_ERROR;
                }
                ngx_memzero(*special, sizeof(ngx_table_elt_t));
            }
        }
    }

    if (op->op == GWR_HEADER_OP_REMOVE) {
        return NGX_OK;
    }

    if (ngx_http_gwroute_push_header(r, &op->name, &op->value, &h) != NGX_OK) {
        return NGX_ERROR;
    }

    if (special) {
        *special = h;
    }

    return NGX_OK;
}


ngx_int_t
ngx_http_gwroute_header_filter(ngx_http_request_t *r)
{
    ngx_uint_t               i;
    ngx_http_gwroute_op_t   *op;
    ngx_http_gwroute_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_gwroute_module);

    if (ctx && ctx->handled && ctx->response_ops) {
        op = ctx->response_ops->elts;

        for (i = 0; i < ctx->response_ops->nelts; i++) {
            if (ngx_http_gwroute_response_op(r, &op[i]) != NGX_OK) {
                return NGX_ERROR;
            }
        }

        ctx->response_ops = NULL;   /* once, even if an error page follows */
    }

    return ngx_http_gwroute_next_header_filter(r);
}


/* ---- gwroute_status: the table's status report as JSON ------------------- */

ngx_int_t
ngx_http_gwroute_status_handler(ngx_http_request_t *r)
{
    size_t                        need;
    ngx_str_t                     ct;
    ngx_http_complex_value_t      cv;
    ngx_http_gwroute_srv_conf_t  *scf;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    scf = ngx_http_get_module_srv_conf(r, ngx_http_gwroute_module);
    if (scf->set == NULL) {
        return NGX_HTTP_NOT_FOUND;
    }

    if (ngx_http_discard_request_body(r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    need = 0;
    (void) gwr_table_status_json(scf->set->table, NULL, 0, &need);

    ngx_memzero(&cv, sizeof(ngx_http_complex_value_t));
    cv.value.data = ngx_pnalloc(r->pool, need + 1);
    if (cv.value.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (gwr_table_status_json(scf->set->table, (char *) cv.value.data,
                              need + 1, &need)
        != GWR_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    cv.value.len = need;
    ngx_str_set(&ct, "application/json");

    return ngx_http_send_response(r, NGX_HTTP_OK, &ct, &cv);
}
