/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ngx_http_gwroute_module.c - nginx routed by gwroute: Kubernetes Gateway
 * API objects (Gateway, HTTPRoute, ...) decide where each request goes.
 * Uses only the public header <gwroute.h>. This file: the directives and
 * the routing tables; ngx_http_gwroute_request.c carries out decisions.
 *
 * Configuration time, in the master, at every start and every reload: the
 * manifests of each server are loaded and compiled into a table (servers
 * with the same settings share one). Every rejected object is logged at
 * error level with its field path. When loading fails, or objects are
 * rejected under "gwroute_on_problems keep", the table the running cycle
 * has for the same settings is kept, so a broken manifest never takes
 * routing down; with no running cycle (first start, nginx -t) a load error
 * fails the configuration. Workers inherit the tables when forked: a table
 * never changes, the next cycle brings new ones. "nginx -s reload" itself
 * compiles nothing: it only signals the master.
 */

#include <stdio.h>

#include "ngx_http_gwroute_module.h"


static ngx_int_t ngx_http_gwroute_add_variables(ngx_conf_t *cf);
static ngx_int_t ngx_http_gwroute_init(ngx_conf_t *cf);
static ngx_int_t ngx_http_gwroute_init_module(ngx_cycle_t *cycle);
static void *ngx_http_gwroute_create_main_conf(ngx_conf_t *cf);
static void *ngx_http_gwroute_create_srv_conf(ngx_conf_t *cf);
static char *ngx_http_gwroute_merge_srv_conf(ngx_conf_t *cf, void *parent,
    void *child);
static void *ngx_http_gwroute_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_gwroute_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static char *ngx_http_gwroute_manifests(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_gwroute_backend(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_gwroute_backends_file(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_gwroute_status(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);


/* The main conf of the running cycle: where a reload finds the tables to
 * keep when its own manifests are broken. */
static ngx_http_gwroute_main_conf_t  *ngx_http_gwroute_active;


static ngx_conf_enum_t  ngx_http_gwroute_on_problems[] = {
    { ngx_string("keep"), NGX_HTTP_GWROUTE_KEEP },
    { ngx_string("apply"), NGX_HTTP_GWROUTE_APPLY },
    { ngx_null_string, 0 }
};


static ngx_command_t  ngx_http_gwroute_commands[] = {

    { ngx_string("gwroute_manifests"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_http_gwroute_manifests,
      NGX_HTTP_SRV_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("gwroute_gateway"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_SRV_CONF_OFFSET,
      offsetof(ngx_http_gwroute_srv_conf_t, gateway),
      NULL },

    { ngx_string("gwroute_listener_port"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_SRV_CONF_OFFSET,
      offsetof(ngx_http_gwroute_srv_conf_t, port),
      NULL },

    { ngx_string("gwroute_controller"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_SRV_CONF_OFFSET,
      offsetof(ngx_http_gwroute_srv_conf_t, controller),
      NULL },

    { ngx_string("gwroute_on_problems"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_SRV_CONF_OFFSET,
      offsetof(ngx_http_gwroute_srv_conf_t, on_problems),
      &ngx_http_gwroute_on_problems },

    { ngx_string("gwroute_backend"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE2,
      ngx_http_gwroute_backend,
      NGX_HTTP_SRV_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("gwroute_backends"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_http_gwroute_backends_file,
      NGX_HTTP_SRV_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("gwroute"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_gwroute_loc_conf_t, enable),
      NULL },

    { ngx_string("gwroute_mirror"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_gwroute_loc_conf_t, mirror),
      NULL },

    { ngx_string("gwroute_hash_key"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_set_complex_value_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_gwroute_loc_conf_t, hash_key),
      NULL },

    { ngx_string("gwroute_status"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_gwroute_status,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_gwroute_module_ctx = {
    ngx_http_gwroute_add_variables,        /* preconfiguration */
    ngx_http_gwroute_init,                 /* postconfiguration */

    ngx_http_gwroute_create_main_conf,     /* create main configuration */
    NULL,                                  /* init main configuration */

    ngx_http_gwroute_create_srv_conf,      /* create server configuration */
    ngx_http_gwroute_merge_srv_conf,       /* merge server configuration */

    ngx_http_gwroute_create_loc_conf,      /* create location configuration */
    ngx_http_gwroute_merge_loc_conf        /* merge location configuration */
};


ngx_module_t  ngx_http_gwroute_module = {
    NGX_MODULE_V1,
    &ngx_http_gwroute_module_ctx,          /* module context */
    ngx_http_gwroute_commands,             /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    ngx_http_gwroute_init_module,          /* init module */
    NULL,                                  /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


/* ---- variables --------------------------------------------------------- */

static ngx_http_variable_t  ngx_http_gwroute_vars[] = {

    { ngx_string("gwroute_upstream"), NULL, ngx_http_gwroute_variable,
      offsetof(ngx_http_gwroute_ctx_t, upstream), NGX_HTTP_VAR_NOCACHEABLE,
      0 },

    { ngx_string("gwroute_path"), NULL, ngx_http_gwroute_variable,
      offsetof(ngx_http_gwroute_ctx_t, path), NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("gwroute_host"), NULL, ngx_http_gwroute_variable,
      offsetof(ngx_http_gwroute_ctx_t, host), NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("gwroute_route"), NULL, ngx_http_gwroute_variable,
      offsetof(ngx_http_gwroute_ctx_t, route), NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("gwroute_rule"), NULL, ngx_http_gwroute_variable,
      offsetof(ngx_http_gwroute_ctx_t, rule), NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("gwroute_backend"), NULL, ngx_http_gwroute_variable,
      offsetof(ngx_http_gwroute_ctx_t, backend), NGX_HTTP_VAR_NOCACHEABLE,
      0 },

    { ngx_string("gwroute_action"), NULL, ngx_http_gwroute_variable,
      offsetof(ngx_http_gwroute_ctx_t, action_name),
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("gwroute_reason"), NULL, ngx_http_gwroute_variable,
      offsetof(ngx_http_gwroute_ctx_t, reason), NGX_HTTP_VAR_NOCACHEABLE,
      0 },

    { ngx_string("gwroute_listener"), NULL, ngx_http_gwroute_variable,
      offsetof(ngx_http_gwroute_ctx_t, listener), NGX_HTTP_VAR_NOCACHEABLE,
      0 },

    { ngx_string("gwroute_mirror"), NULL, ngx_http_gwroute_variable,
      offsetof(ngx_http_gwroute_ctx_t, mirror), NGX_HTTP_VAR_NOCACHEABLE,
      0 },

      ngx_http_null_variable
};


/* ---- configuration: the tables ----------------------------------------- */

static void
ngx_http_gwroute_log_error(ngx_log_t *log, ngx_uint_t level, const char *what,
    gwr_error *err)
{
    if (err->line
        && ngx_strstr(err->message, err->file) == NULL)   /* not said yet */
    {
        ngx_log_error(level, log, 0, "gwroute: %s: %s (%s:%uD:%uD)", what,
                      err->message, err->file, err->line, err->column);

    } else {
        ngx_log_error(level, log, 0, "gwroute: %s: %s", what, err->message);
    }
}


static gwr_table *
ngx_http_gwroute_previous(ngx_str_t *key)
{
    ngx_uint_t                i;
    ngx_http_gwroute_set_t  **sets;

    if (ngx_http_gwroute_active == NULL) {
        return NULL;
    }

    sets = ngx_http_gwroute_active->sets.elts;

    for (i = 0; i < ngx_http_gwroute_active->sets.nelts; i++) {
        if (sets[i]->key.len == key->len
            && ngx_memcmp(sets[i]->key.data, key->data, key->len) == 0)
        {
            return sets[i]->table;
        }
    }

    return NULL;
}


/* Load every manifest path into a fresh config; returns 1 when one failed
 * to load (syntax or I/O error), with every problem logged. */
static ngx_uint_t
ngx_http_gwroute_load(ngx_conf_t *cf, ngx_http_gwroute_srv_conf_t *scf,
    gwr_config *cfg, size_t *problems)
{
    int          rc;
    size_t       i, n;
    ngx_str_t   *path;
    ngx_uint_t   broken;
    gwr_error    err = GWR_ERROR_INIT;

    broken = 0;

    if (scf->controller.len) {
        (void) gwr_config_set_controller(cfg, (char *) scf->controller.data,
                                         scf->controller.len);
    }

    path = scf->manifests->elts;

    for (i = 0; i < scf->manifests->nelts; i++) {
        rc = gwr_config_load_path(cfg, (char *) path[i].data, path[i].len,
                                  &err);
        if (rc != GWR_OK) {
            ngx_http_gwroute_log_error(cf->log, NGX_LOG_ERR,
                                       "cannot load manifests", &err);
            broken = 1;
        }
    }

    n = gwr_config_count(cfg, GWR_COUNT_PROBLEMS);

    for (i = 0; i < n; i++) {
        gwr_error  problem = GWR_ERROR_INIT;

        if (gwr_config_problem(cfg, i, &problem) == GWR_OK) {
            ngx_http_gwroute_log_error(cf->log, NGX_LOG_ERR, "rejected",
                                       &problem);
        }
    }

    *problems = n;
    return broken;
}


static ngx_int_t
ngx_http_gwroute_compile(ngx_conf_t *cf, ngx_http_gwroute_srv_conf_t *scf,
    ngx_http_gwroute_set_t *set)
{
    int          rc;
    size_t       problems, objects;
    gwr_table   *fresh, *previous;
    gwr_config  *cfg;
    gwr_error    err = GWR_ERROR_INIT;
    ngx_uint_t   broken;

    fresh = NULL;
    cfg = NULL;
    problems = 0;
    objects = 0;
    previous = ngx_http_gwroute_previous(&set->key);

    rc = gwr_config_new(&cfg, NULL);
    if (rc != GWR_OK) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "gwroute: %s",
                      gwr_strerror(rc));
        return NGX_ERROR;
    }

    broken = ngx_http_gwroute_load(cf, scf, cfg, &problems);
    objects = gwr_config_count(cfg, GWR_COUNT_OBJECTS);

    if (!broken) {
        rc = gwr_table_compile(&fresh, cfg, &err);
        if (rc != GWR_OK) {
            ngx_http_gwroute_log_error(cf->log, NGX_LOG_ERR, "cannot compile",
                                       &err);
            broken = 1;
        }
    }

    gwr_config_free(cfg);

    if (previous != NULL
        && (broken
            || (problems && scf->on_problems == NGX_HTTP_GWROUTE_KEEP)))
    {
        ngx_log_error(NGX_LOG_ERR, cf->log, 0,
                      "gwroute: %s: keeping the previous routing table",
                      broken ? "the manifests did not load"
                             : "objects were rejected");
        gwr_table_unref(fresh);
        fresh = gwr_table_ref(previous);

    } else if (broken) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "gwroute: the manifests did not load and there is no "
                      "previous routing table to keep");
        return NGX_ERROR;

    } else {
        ngx_log_error(NGX_LOG_NOTICE, cf->log, 0,
                      "gwroute: routing table compiled: %uz objects, "
                      "%uz rejected", objects, problems);
    }

    set->table = fresh;

    rc = gwr_decision_new(&set->decision, set->table);
    if (rc != GWR_OK) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "gwroute: %s",
                      gwr_strerror(rc));
        return NGX_ERROR;
    }

    return NGX_OK;
}


/* The set for a server's settings: compiled once per cycle, shared by every
 * server with the same manifests, controller and problem policy. */
static ngx_http_gwroute_set_t *
ngx_http_gwroute_get_set(ngx_conf_t *cf, ngx_http_gwroute_srv_conf_t *scf)
{
    u_char                         *p;
    size_t                          len;
    ngx_str_t                       key, *path;
    ngx_uint_t                      i;
    ngx_http_gwroute_set_t         *set, **sets;
    ngx_http_gwroute_main_conf_t   *mcf;

    path = scf->manifests->elts;
    len = scf->controller.len + sizeof("\nkeep\n") - 1;

    for (i = 0; i < scf->manifests->nelts; i++) {
        len += path[i].len + 1;
    }

    key.data = ngx_pnalloc(cf->pool, len);
    if (key.data == NULL) {
        return NULL;
    }

    p = ngx_sprintf(key.data, "%V\n%s\n", &scf->controller,
                    scf->on_problems == NGX_HTTP_GWROUTE_KEEP ? "keep"
                                                               : "appl");
    for (i = 0; i < scf->manifests->nelts; i++) {
        p = ngx_sprintf(p, "%V\n", &path[i]);
    }

    key.len = p - key.data;

    mcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_gwroute_module);
    sets = mcf->sets.elts;

    for (i = 0; i < mcf->sets.nelts; i++) {
        if (sets[i]->key.len == key.len
            && ngx_memcmp(sets[i]->key.data, key.data, key.len) == 0)
        {
            return sets[i];
        }
    }

    set = ngx_pcalloc(cf->pool, sizeof(ngx_http_gwroute_set_t));
    if (set == NULL) {
        return NULL;
    }

    set->key = key;

    sets = ngx_array_push(&mcf->sets);
    if (sets == NULL) {
        return NULL;
    }

    *sets = set;    /* pushed first, so that the cleanup frees it */

    if (ngx_http_gwroute_compile(cf, scf, set) != NGX_OK) {
        return NULL;
    }

    return set;
}


static void
ngx_http_gwroute_cleanup(void *data)
{
    ngx_http_gwroute_main_conf_t  *mcf = data;

    ngx_uint_t                i;
    ngx_http_gwroute_set_t  **sets;

    sets = mcf->sets.elts;

    for (i = 0; i < mcf->sets.nelts; i++) {
        gwr_decision_free(sets[i]->decision);
        gwr_table_unref(sets[i]->table);
    }

    if (ngx_http_gwroute_active == mcf) {
        ngx_http_gwroute_active = NULL;
    }
}


static ngx_int_t
ngx_http_gwroute_init_module(ngx_cycle_t *cycle)
{
    /* The configuration succeeded: this cycle now runs. */
    ngx_http_gwroute_active = ngx_http_cycle_get_module_main_conf(cycle,
                                                     ngx_http_gwroute_module);
    return NGX_OK;
}


/* ---- configuration: directives ----------------------------------------- */

static char *
ngx_http_gwroute_manifests(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_gwroute_srv_conf_t *scf = conf;

    ngx_str_t  *value, *path;

    value = cf->args->elts;

    if (scf->manifests == NULL) {
        scf->manifests = ngx_array_create(cf->pool, 2, sizeof(ngx_str_t));
        if (scf->manifests == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    path = ngx_array_push(scf->manifests);
    if (path == NULL) {
        return NGX_CONF_ERROR;
    }

    *path = value[1];

    if (ngx_conf_full_name(cf->cycle, path, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* "namespace/name:port", as gwroute names a Service backend. */
static ngx_int_t
ngx_http_gwroute_valid_key(ngx_str_t *key)
{
    u_char      *slash, *colon;
    ngx_int_t    port;

    if (key->len >= NGX_HTTP_GWROUTE_KEY_MAX) {
        return NGX_ERROR;
    }

    slash = ngx_strlchr(key->data, key->data + key->len, '/');
    if (slash == NULL || slash == key->data) {
        return NGX_ERROR;
    }

    for (colon = key->data + key->len - 1; colon > slash; colon--) {
        if (*colon == ':') {
            break;
        }
    }

    if (colon == slash || colon == slash + 1) {
        return NGX_ERROR;
    }

    port = ngx_atoi(colon + 1, key->data + key->len - colon - 1);

    return (port < 1 || port > 65535) ? NGX_ERROR : NGX_OK;
}


static char *
ngx_http_gwroute_add_backend(ngx_conf_t *cf, ngx_http_gwroute_srv_conf_t *scf,
    ngx_str_t *key, ngx_str_t *address)
{
    ngx_keyval_t  *kv;

    if (ngx_http_gwroute_valid_key(key) != NGX_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "gwroute: invalid backend \"%V\", expected "
                           "\"namespace/name:port\"", key);
        return NGX_CONF_ERROR;
    }

    if (address->len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "gwroute: empty address for backend \"%V\"", key);
        return NGX_CONF_ERROR;
    }

    if (scf->backends == NULL) {
        scf->backends = ngx_pcalloc(cf->pool,
                                    sizeof(ngx_http_gwroute_backends_t));
        if (scf->backends == NULL
            || ngx_array_init(&scf->backends->entries, cf->pool, 8,
                              sizeof(ngx_keyval_t))
               != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }
    }

    kv = ngx_array_push(&scf->backends->entries);
    if (kv == NULL) {
        return NGX_CONF_ERROR;
    }

    kv->key.data = ngx_pnalloc(cf->pool, key->len);
    if (kv->key.data == NULL) {
        return NGX_CONF_ERROR;
    }

    kv->key.len = key->len;
    ngx_strlow(kv->key.data, key->data, key->len);
    kv->value = *address;

    return NGX_CONF_OK;
}


static char *
ngx_http_gwroute_backend(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_str_t  *value = cf->args->elts;

    return ngx_http_gwroute_add_backend(cf, conf, &value[1], &value[2]);
}


/* A resolver file: one "namespace/name:port ADDRESS" per line, '#' starts a
 * comment, a trailing ';' is allowed. */
static char *
ngx_http_gwroute_backends_file(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char         line[4096], *p, *word[3];
    FILE        *f;
    ngx_str_t    name, key, address, *value;
    ngx_uint_t   n, lineno;

    value = cf->args->elts;
    name = value[1];

    if (ngx_conf_full_name(cf->cycle, &name, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    f = fopen((char *) name.data, "r");
    if (f == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "gwroute: cannot open \"%V\"", &name);
        return NGX_CONF_ERROR;
    }

    for (lineno = 1; fgets(line, sizeof(line), f) != NULL; lineno++) {

        if (ngx_strchr(line, '\n') == NULL && !feof(f)) {
            goto invalid;
        }

        p = ngx_strchr(line, '#');
        if (p) {
            *p = '\0';
        }

        n = 0;
        for (p = strtok(line, " \t\r\n;"); p; p = strtok(NULL, " \t\r\n;")) {
            if (n == 3) {
                break;
            }
            word[n++] = p;
        }

        if (n == 0) {
            continue;
        }

        if (n != 2) {
            goto invalid;
        }

        key.len = ngx_strlen(word[0]);
        address.len = ngx_strlen(word[1]);
        key.data = ngx_pstrdup(cf->pool, &(ngx_str_t) { key.len,
                                                        (u_char *) word[0] });
        address.data = ngx_pstrdup(cf->pool,
                                   &(ngx_str_t) { address.len,
                                                  (u_char *) word[1] });
        if (key.data == NULL || address.data == NULL) {
            fclose(f);
            return NGX_CONF_ERROR;
        }

        if (ngx_http_gwroute_add_backend(cf, conf, &key, &address)
            != NGX_CONF_OK)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "gwroute: in %V:%ui",
                               &name, lineno);
            fclose(f);
            return NGX_CONF_ERROR;
        }
    }

    fclose(f);
    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "gwroute: %V:%ui: expected \"namespace/name:port "
                       "address\"", &name, lineno);
    fclose(f);
    return NGX_CONF_ERROR;
}


static int ngx_libc_cdecl
ngx_http_gwroute_cmp_backends(const void *one, const void *two)
{
    const ngx_keyval_t  *a = one, *b = two;

    ngx_int_t  rc;

    rc = ngx_memn2cmp(a->key.data, b->key.data, a->key.len, b->key.len);

    return rc < 0 ? -1 : (rc > 0 ? 1 : 0);
}


static ngx_int_t
ngx_http_gwroute_sort_backends(ngx_conf_t *cf, ngx_http_gwroute_backends_t *b)
{
    ngx_uint_t     i;
    ngx_keyval_t  *kv;

    if (b->sorted) {
        return NGX_OK;
    }

    kv = b->entries.elts;
    ngx_qsort(kv, b->entries.nelts, sizeof(ngx_keyval_t),
              ngx_http_gwroute_cmp_backends);

    for (i = 1; i < b->entries.nelts; i++) {
        if (ngx_http_gwroute_cmp_backends(&kv[i - 1], &kv[i]) == 0) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "gwroute: backend \"%V\" is mapped twice",
                          &kv[i].key);
            return NGX_ERROR;
        }
    }

    b->sorted = 1;
    return NGX_OK;
}


ngx_str_t *
ngx_http_gwroute_lookup(ngx_http_gwroute_srv_conf_t *scf, ngx_str_t *key)
{
    ngx_int_t      rc;
    ngx_uint_t     lo, hi, mid;
    ngx_keyval_t  *kv;

    if (scf->backends == NULL) {
        return NULL;
    }

    kv = scf->backends->entries.elts;
    lo = 0;
    hi = scf->backends->entries.nelts;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        rc = ngx_memn2cmp(kv[mid].key.data, key->data, kv[mid].key.len,
                          key->len);
        if (rc == 0) {
            return &kv[mid].value;
        }

        if (rc < 0) {
            lo = mid + 1;

        } else {
            hi = mid;
        }
    }

    return NULL;
}


static void *
ngx_http_gwroute_create_main_conf(ngx_conf_t *cf)
{
    ngx_pool_cleanup_t            *cln;
    ngx_http_gwroute_main_conf_t  *mcf;

    mcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_gwroute_main_conf_t));
    if (mcf == NULL) {
        return NULL;
    }

    if (ngx_array_init(&mcf->sets, cf->pool, 2,
                       sizeof(ngx_http_gwroute_set_t *))
        != NGX_OK)
    {
        return NULL;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    cln->handler = ngx_http_gwroute_cleanup;
    cln->data = mcf;

    return mcf;
}


static void *
ngx_http_gwroute_create_srv_conf(ngx_conf_t *cf)
{
    ngx_http_gwroute_srv_conf_t  *scf;

    scf = ngx_pcalloc(cf->pool, sizeof(ngx_http_gwroute_srv_conf_t));
    if (scf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     scf->manifests = NULL;
     *     scf->gateway = { 0, NULL };
     *     scf->controller = { 0, NULL };
     *     scf->backends = NULL;
     *     scf->set = NULL;
     */

    scf->port = NGX_CONF_UNSET;
    scf->on_problems = NGX_CONF_UNSET_UINT;

    return scf;
}


/* Does the table answer for this server's gateway? An unknown gateway, or
 * none named while the manifests hold several, is a configuration error. */
static ngx_int_t
ngx_http_gwroute_check_gateway(ngx_conf_t *cf,
    ngx_http_gwroute_srv_conf_t *scf)
{
    int          rc;
    gwr_request  req = GWR_REQUEST_INIT;

    req.gateway.ptr = (char *) scf->gateway.data;
    req.gateway.len = scf->gateway.len;
    req.path.ptr = "/";
    req.path.len = 1;

    rc = gwr_match(scf->set->decision, scf->set->table, &req);
    if (rc == GWR_OK) {
        return NGX_OK;
    }

    if (scf->gateway.len) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "gwroute: gwroute_gateway \"%V\": %s", &scf->gateway,
                      rc == GWR_E_NOTFOUND ? "no such Gateway in the manifests"
                                           : gwr_strerror(rc));
    } else {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "gwroute: the manifests do not have exactly one "
                      "Gateway: name one with \"gwroute_gateway "
                      "namespace/name\" (%s)", gwr_strerror(rc));
    }

    return NGX_ERROR;
}


static char *
ngx_http_gwroute_merge_srv_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_gwroute_srv_conf_t *prev = parent;
    ngx_http_gwroute_srv_conf_t *conf = child;

    if (conf->manifests == NULL) {
        conf->manifests = prev->manifests;
    }

    ngx_conf_merge_str_value(conf->gateway, prev->gateway, "");
    ngx_conf_merge_value(conf->port, prev->port, 0);
    ngx_conf_merge_str_value(conf->controller, prev->controller, "");
    ngx_conf_merge_uint_value(conf->on_problems, prev->on_problems,
                              NGX_HTTP_GWROUTE_KEEP);

    if (conf->backends == NULL) {
        conf->backends = prev->backends;
    }

    if (conf->port < 0 || conf->port > 65535) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "gwroute: gwroute_listener_port %i is not a port",
                      conf->port);
        return NGX_CONF_ERROR;
    }

    if (conf->gateway.len
        && ngx_strlchr(conf->gateway.data,
                       conf->gateway.data + conf->gateway.len, '/')
           == NULL)
    {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "gwroute: gwroute_gateway \"%V\": expected "
                      "\"namespace/name\"", &conf->gateway);
        return NGX_CONF_ERROR;
    }

    if (conf->backends
        && ngx_http_gwroute_sort_backends(cf, conf->backends) != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    /* "nginx -s reload" reads the configuration only to find the pid file:
     * no tables (and no failure over a manifest the master will judge). */
    if (conf->manifests == NULL || ngx_process == NGX_PROCESS_SIGNALLER) {
        return NGX_CONF_OK;
    }

    conf->set = ngx_http_gwroute_get_set(cf, conf);
    if (conf->set == NULL) {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_gwroute_check_gateway(cf, conf) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static void *
ngx_http_gwroute_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_gwroute_loc_conf_t  *lcf;

    lcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_gwroute_loc_conf_t));
    if (lcf == NULL) {
        return NULL;
    }

    lcf->enable = NGX_CONF_UNSET;
    lcf->hash_key = NGX_CONF_UNSET_PTR;

    return lcf;
}


static char *
ngx_http_gwroute_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_gwroute_loc_conf_t *prev = parent;
    ngx_http_gwroute_loc_conf_t *conf = child;

    ngx_http_gwroute_srv_conf_t  *scf;

    ngx_conf_merge_value(conf->enable, prev->enable, 0);
    ngx_conf_merge_str_value(conf->mirror, prev->mirror, "");
    ngx_conf_merge_ptr_value(conf->hash_key, prev->hash_key, NULL);

    scf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_gwroute_module);

    if (conf->enable && scf->manifests == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "gwroute: \"gwroute on\" in a server without "
                      "gwroute_manifests");
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_gwroute_status(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_gwroute_status_handler;

    return NGX_CONF_OK;
}


/* ---- registration -------------------------------------------------------- */

static ngx_int_t
ngx_http_gwroute_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_gwroute_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_gwroute_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt        *h;
    ngx_http_core_main_conf_t  *cmcf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_REWRITE_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_gwroute_handler;

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_PRECONTENT_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_gwroute_mirror_handler;

    ngx_http_gwroute_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_gwroute_header_filter;

    return NGX_OK;
}
