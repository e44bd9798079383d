/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ngx_http_gwroute_module.h - what the module's two files share: the
 * configuration (ngx_http_gwroute_module.c) and the request handling
 * (ngx_http_gwroute_request.c).
 */

#ifndef NGX_HTTP_GWROUTE_MODULE_H
#define NGX_HTTP_GWROUTE_MODULE_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <gwroute.h>


#define NGX_HTTP_GWROUTE_KEEP   0
#define NGX_HTTP_GWROUTE_APPLY  1

/* The longest "namespace/name:port" (63 + 1 + 253 + 1 + 5), rounded up. */
#define NGX_HTTP_GWROUTE_KEY_MAX  384


typedef struct {
    ngx_str_t                  key;         /* settings it was compiled from */
    gwr_table                 *table;
    gwr_decision              *decision;    /* this process's scratch */
    ngx_uint_t                 generation;  /* matches run on decision */
} ngx_http_gwroute_set_t;


typedef struct {
    ngx_array_t                sets;        /* ngx_http_gwroute_set_t * */
} ngx_http_gwroute_main_conf_t;


typedef struct {
    ngx_array_t                entries;     /* ngx_keyval_t, key lowercase */
    ngx_uint_t                 sorted;
} ngx_http_gwroute_backends_t;


typedef struct {
    ngx_array_t               *manifests;   /* ngx_str_t, full paths */
    ngx_str_t                  gateway;
    ngx_int_t                  port;
    ngx_str_t                  controller;
    ngx_uint_t                 on_problems;
    ngx_http_gwroute_backends_t  *backends;
    ngx_http_gwroute_set_t    *set;
} ngx_http_gwroute_srv_conf_t;


typedef struct {
    ngx_flag_t                 enable;
    ngx_str_t                  mirror;
    ngx_http_complex_value_t  *hash_key;
} ngx_http_gwroute_loc_conf_t;


typedef struct {
    int64_t                    op;          /* GWR_HEADER_OP_* */
    ngx_str_t                  name;
    ngx_str_t                  value;
} ngx_http_gwroute_op_t;


typedef struct {
    ngx_http_gwroute_set_t    *set;
    gwr_request                req;
    ngx_table_elt_t          **elts;        /* parallel to req.headers */
    ngx_uint_t                 generation;

    int32_t                    action;
    ngx_uint_t                 status;
    ngx_int_t                  grpc_status;
    ngx_uint_t                 extension_refs;

    /* variables */
    ngx_str_t                  action_name;
    ngx_str_t                  route;
    ngx_str_t                  rule;
    ngx_str_t                  backend;
    ngx_str_t                  upstream;
    ngx_str_t                  path;
    ngx_str_t                  host;
    ngx_str_t                  reason;
    ngx_str_t                  listener;
    ngx_str_t                  mirror;      /* a mirror subrequest's address */

    ngx_str_t                  location;
    ngx_array_t               *answer_headers;  /* ngx_keyval_t */
    ngx_array_t               *response_ops;    /* ngx_http_gwroute_op_t */
    ngx_array_t               *mirrors;         /* ngx_str_t addresses */

    ngx_int_t                  mirror_status;
    unsigned                   handled:1;
    unsigned                   is_mirror:1;
    unsigned                   mirror_started:1;
} ngx_http_gwroute_ctx_t;


extern ngx_module_t  ngx_http_gwroute_module;
extern ngx_http_output_header_filter_pt  ngx_http_gwroute_next_header_filter;

/* ngx_http_gwroute_module.c */
ngx_str_t *ngx_http_gwroute_lookup(ngx_http_gwroute_srv_conf_t *scf,
    ngx_str_t *key);

/* ngx_http_gwroute_request.c */
ngx_int_t ngx_http_gwroute_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_gwroute_mirror_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_gwroute_header_filter(ngx_http_request_t *r);
ngx_int_t ngx_http_gwroute_status_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_gwroute_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);


#endif /* NGX_HTTP_GWROUTE_MODULE_H */
