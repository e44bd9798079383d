/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingress.c - lower networking.k8s.io/v1 Ingress objects to Gateway API
 * objects with ingress-nginx semantics (digest §10; docs/ingress.md).
 *
 * Per IngressClass: one Gateway "ingress-nginx/<class>" with an HTTP
 * listener on 80 and an HTTPS listener on 443 carrying every TLS Secret.
 * Per (Ingress, host): one HTTPRoute. ingress-nginx merges the Ingresses
 * of a host into one nginx server, so host-wide facts are gathered first:
 * regex mode (any use-regex or rewrite-target on the host turns every path
 * of the host into a case-insensitive prefix regex), TLS (ssl-redirect),
 * app-root, the fallback for paths no Ingress defines, canaries. The rest
 * is per path: rewrite-target, upstream-vhost, permanent-redirect.
 * What Gateway API cannot say is kept in internal fields (capture
 * rewrites, redirects without the query, direct 404s) and noted.
 */
#include <stdio.h>
#include <stdlib.h>

#include "attach.h"
#include "hash.h"
#include "ingress.h"
#include "regex.h"

#define GW_NAMESPACE "ingress-nginx"
#define DEFAULT_CONTROLLER "gwroute.dev/gateway-controller"
#define HTTP_REDIRECT_CODE 308 /* ingress-nginx's http-redirect-code default */

/* ---- annotations ---------------------------------------------------------- */

gwr__sv gwr__ingress_annotation(const gwr__ingress *ing, const char *key) {
  size_t i;
  for (i = 0; i < ing->annotation_count; i++)
    if (gwr__sv_eq_cstr(ing->annotations[i].key, key)) return ing->annotations[i].value;
  return gwr__sv_make(NULL, 0);
}

int gwr__ingress_bool(const gwr__ingress *ing, const char *name, int def) {
  char key[128];
  gwr__sv v;
  snprintf(key, sizeof key, GWR_NGINX "%s", name);
  v = gwr__ingress_annotation(ing, key);
  if (!v.ptr) return def;
  if (gwr__sv_eq_cstr(v, "true")) return 1;
  if (gwr__sv_eq_cstr(v, "false")) return 0;
  return -1;
}

static gwr__sv nginx_value(const gwr__ingress *ing, const char *name) {
  char key[128];
  snprintf(key, sizeof key, GWR_NGINX "%s", name);
  return gwr__ingress_annotation(ing, key);
}

int gwr__ingress_wants_regex(const gwr__ingress *ing) {
  return gwr__ingress_bool(ing, "use-regex", 0) == 1 || nginx_value(ing, "rewrite-target").len > 0;
}

/* ingress-nginx rewrites a location only when its target differs from
 * its path (`rewrite-target: /` on path "/" rewrites nothing). */
static int path_rewrites(const gwr__ingress *ing, const gwr__ing_path *p) {
  gwr__sv target = nginx_value(ing, "rewrite-target");
  return target.len > 0 && !gwr__sv_eq(target, p->path);
}

/* A '|' outside groups and classes: nginx's `^A|B` is `^A` or B anywhere. */
static int top_level_alternation(gwr__sv p) {
  size_t i;
  int depth = 0, cls = 0;
  for (i = 0; i < p.len; i++) {
    char ch = p.ptr[i];
    if (ch == '\\') i++;
    else if (cls) cls = ch != ']';
    else if (ch == '[') cls = 1;
    else if (ch == '(') depth++;
    else if (ch == ')') depth--;
    else if (ch == '|' && depth == 0) return 1;
  }
  return 0;
}

char *gwr__ingress_path_regex(gwr__arena *ar, gwr__sv path) {
  /* the unanchored search, leftmost first, with the groups numbered as nginx's */
  if (top_level_alternation(path))
    return gwr__arena_printf(ar, "(?i).*?(?:^%.*s).*", (int)path.len, path.ptr);
  return gwr__arena_printf(ar, "(?i)(?:%.*s).*", (int)path.len, path.ptr);
}

char *gwr__ingress_path_alone(gwr__arena *ar, gwr__sv path) {
  return gwr__arena_printf(ar, "(?i)^%.*s", (int)path.len, path.ptr);
}

/* ---- the lowering context -------------------------------------------------------- */

typedef struct host_info {
  gwr__sv host;
  int regex;                    /* every path of the host is a regex location */
  int tls;                      /* some Ingress lists the host under spec.tls */
  int has_root;                 /* some Ingress defines "/" for the host */
  const gwr__ingress *first;    /* the oldest Ingress defining the host */
  gwr__sv app_root;             /* server-level app-root */
} host_info;

typedef struct lctx {
  const gwr_config *cfg;
  gwr__arena *ar;
  const gwr__alloc *alloc;
  gwr__lowered *out;
  int rc;
  gwr__sv cls;                  /* the IngressClass being lowered */
  gwr__sv gw_ns, gw_name;
  const gwr__ingress **ings;    /* its Ingresses, oldest first (canaries too) */
  size_t ing_count;
  host_info *hosts;
  size_t host_count;
  int catch_all;                /* some Ingress serves hosts no other one names */
  struct {
    gwr__sv ns, name;
  } pending[2];                 /* names given to routes not yet published */
  size_t pending_count;
} lctx;

static void note(lctx *c, const gwr__ingress *ing, const char *fmt, ...) GWR_PRINTF(3, 4);
static void note(lctx *c, const gwr__ingress *ing, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  const char **slot;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  slot = gwr__vec_push(&c->out->notes, c->alloc);
  if (!slot) {
    c->rc = GWR_E_NOMEM;
    return;
  }
  *slot = ing ? gwr__arena_printf(c->ar, "Ingress %s/%s: %s", ing->meta.ns.ptr, ing->meta.name.ptr, msg)
              : gwr__arena_strndup(c->ar, msg, strlen(msg));
  if (!*slot) c->rc = GWR_E_NOMEM;
}

static void *alloc(lctx *c, size_t n, size_t size) {
  void *p = gwr__arena_array(c->ar, n ? n : 1, size);
  if (!p) c->rc = GWR_E_NOMEM;
  return p;
}

static gwr__sv sv_printf(lctx *c, const char *fmt, ...) GWR_PRINTF(2, 3);
static gwr__sv sv_printf(lctx *c, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  char *s;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  s = gwr__arena_strndup(c->ar, buf, strlen(buf));
  if (!s) c->rc = GWR_E_NOMEM;
  return gwr__sv_cstr(s ? s : "");
}

static int push_ptr(lctx *c, gwr__vec *v, const void *p) {
  const void **slot = gwr__vec_push(v, c->alloc);
  if (!slot) return c->rc = GWR_E_NOMEM, 0;
  *slot = p;
  return 1;
}

/* ---- classes ---------------------------------------------------------------------- */

static const gwr__ingressclass *find_ingressclass(const gwr__model *m, gwr__sv name) {
  size_t i;
  for (i = 0; i < m->ingressclasses.len; i++) {
    const gwr__ingressclass *ic = GWR_VEC_AT(&m->ingressclasses, const gwr__ingressclass *, i);
    if (gwr__sv_eq(ic->meta.name, name)) return ic;
  }
  return NULL;
}

/* I1: spec.ingressClassName, the deprecated annotation, the default class, "nginx". */
static gwr__sv class_of(const gwr__model *m, const gwr__ingress *ing) {
  gwr__sv a = gwr__ingress_annotation(ing, "kubernetes.io/ingress.class");
  size_t i;
  if (ing->class_name.len) return ing->class_name;
  if (a.len) return a;
  for (i = 0; i < m->ingressclasses.len; i++) {
    const gwr__ingressclass *ic = GWR_VEC_AT(&m->ingressclasses, const gwr__ingressclass *, i);
    if (ic->is_default) return ic->meta.name;
  }
  return gwr__sv_cstr("nginx");
}

static int older(const gwr__ingress *a, const gwr__ingress *b) {
  if (a->meta.created != b->meta.created) return a->meta.created < b->meta.created;
  return gwr__nsname_cmp(&a->meta, &b->meta) < 0;
}

static int is_canary(const gwr__ingress *ing) { return gwr__ingress_bool(ing, "canary", 0) == 1; }

/* ---- hosts ------------------------------------------------------------------------ */

static host_info *find_host(lctx *c, gwr__sv host) {
  size_t i;
  for (i = 0; i < c->host_count; i++)
    if (gwr__sv_eq(c->hosts[i].host, host)) return &c->hosts[i];
  return NULL;
}

static host_info *add_host(lctx *c, gwr__sv host, const gwr__ingress *ing) {
  host_info *h = find_host(c, host);
  if (h) return h;
  h = &c->hosts[c->host_count++];
  memset(h, 0, sizeof *h);
  h->host = host;
  h->first = ing;
  return h;
}

static int tls_covers(gwr__sv tls_host, gwr__sv host) {
  if (gwr__sv_eq(tls_host, host)) return 1;
  return tls_host.len > 2 && tls_host.ptr[0] == '*' && host.len > tls_host.len - 1 &&
         memcmp(host.ptr + host.len - (tls_host.len - 1), tls_host.ptr + 1, tls_host.len - 1) == 0 &&
         !memchr(host.ptr, '.', host.len - (tls_host.len - 1));
}

static int host_has_tls(lctx *c, gwr__sv host) {
  size_t i, t, k;
  for (i = 0; i < c->ing_count; i++)
    for (t = 0; t < c->ings[i]->tls_count; t++)
      for (k = 0; k < c->ings[i]->tls[t].host_count; k++)
        if (tls_covers(c->ings[i]->tls[t].hosts[k], host)) return 1;
  return 0;
}

static int is_root(const gwr__ing_path *p) {
  return gwr__sv_eq_cstr(p->path, "/") && p->type != GWR_ING_EXACT;
}

/* Host-wide facts, from the main (non-canary) Ingresses, oldest first. */
static int gather_hosts(lctx *c) {
  size_t i, r, p, total = 0;
  for (i = 0; i < c->ing_count; i++) total += c->ings[i]->rule_count;
  c->hosts = alloc(c, total + 1, sizeof *c->hosts);
  if (!c->hosts) return 0;
  for (i = 0; i < c->ing_count; i++) {
    const gwr__ingress *ing = c->ings[i];
    gwr__sv app_root = nginx_value(ing, "app-root");
    if (is_canary(ing)) continue;
    if (ing->rule_count == 0) c->catch_all = 1;
    for (r = 0; r < ing->rule_count; r++) {
      host_info *h = add_host(c, ing->rules[r].host, ing);
      if (h->host.len == 0) c->catch_all = 1;
      if (app_root.len && !h->app_root.len) h->app_root = app_root;
      for (p = 0; p < ing->rules[r].path_count; p++) {
        const gwr__ing_path *ip = &ing->rules[r].paths[p];
        if (is_root(ip)) h->has_root = 1;
        /* enforceRegex: a location of the host uses regex or rewrites */
        if (gwr__ingress_bool(ing, "use-regex", 0) == 1 || path_rewrites(ing, ip)) h->regex = 1;
      }
    }
  }
  for (i = 0; i < c->host_count; i++) c->hosts[i].tls = c->hosts[i].host.len && host_has_tls(c, c->hosts[i].host);
  return c->rc == GWR_OK;
}

/* ---- model pieces ------------------------------------------------------------------ */

/* A Service backend (ports by name resolved through the Service objects given). */
static int make_backend(lctx *c, const gwr__ingress *ing, const gwr__ing_backend *ib, int64_t weight,
                        gwr__backend *b) {
  b->weight = weight;
  b->ref.ns = ing->meta.ns;
  if (ib->is_resource) {
    b->ref.group = ib->resource.group;
    b->ref.kind = ib->resource.kind;
    b->ref.name = ib->resource.name;
    return 1;
  }
  b->ref.group = gwr__sv_cstr("");
  b->ref.kind = gwr__sv_cstr("Service");
  b->ref.name = ib->service;
  b->ref.port = ib->port;
  if (!ib->port) {
    size_t i, k;
    for (i = 0; i < c->cfg->model.services.len; i++) {
      const gwr__service *s = GWR_VEC_AT(&c->cfg->model.services, const gwr__service *, i);
      if (!gwr__sv_eq(s->meta.ns, ing->meta.ns) || !gwr__sv_eq(s->meta.name, ib->service)) continue;
      for (k = 0; k < s->port_count; k++)
        if (gwr__sv_eq(s->ports[k].name, ib->port_name)) b->ref.port = s->ports[k].port;
    }
    if (!b->ref.port) {
      note(c, ing, "backend service %s port name '%s' is not a port of a Service given: left out, its "
                   "requests get 500",
           ib->service.ptr, ib->port_name.ptr ? ib->port_name.ptr : "");
      return 0;
    }
  }
  return 1;
}

static void set_path(lctx *c, gwr__match *m, const gwr__ing_path *p, int regex) {
  if (regex) {
    char *re = gwr__ingress_path_regex(c->ar, p->path);
    m->path_type = GWR_PATH_REGEX;
    m->path = gwr__sv_cstr(re ? re : "");
    if (!re) c->rc = GWR_E_NOMEM;
  } else {
    m->path_type = p->type == GWR_ING_EXACT ? GWR_PATH_EXACT : GWR_PATH_PREFIX;
    m->path = p->path;
  }
}

static gwr__filter *add_filter(lctx *c, gwr__rule *rule, int type, const char *text) {
  gwr__filter *fs = alloc(c, rule->filter_count + 1, sizeof *fs);
  if (!fs) return NULL;
  if (rule->filter_count) memcpy(fs, rule->filters, rule->filter_count * sizeof *fs);
  rule->filters = fs;
  fs += rule->filter_count++;
  fs->type = type;
  fs->type_text = gwr__sv_cstr(text);
  return fs;
}

/* A growing list of rules for one route (copied into the arena when done). */
typedef struct rule_list {
  gwr__vec v; /* gwr__rule */
} rule_list;

static gwr__rule *new_rule(lctx *c, rule_list *rl, const char *origin) {
  gwr__rule *r = gwr__vec_push(&rl->v, c->alloc);
  if (!r) {
    c->rc = GWR_E_NOMEM;
    return NULL;
  }
  r->matches = alloc(c, 1, sizeof *r->matches);
  r->match_count = 1;
  r->origin = origin;
  return r->matches ? r : NULL;
}

/* ---- per-path rules ---------------------------------------------------------------------- */

/* The canary Ingress for (host, path), if any: same class, same host and path. */
static const gwr__ingress *find_canary(lctx *c, gwr__sv host, const gwr__ing_path *main_path,
                                        const gwr__ing_path **cp) {
  size_t i, r, p;
  for (i = 0; i < c->ing_count; i++) {
    const gwr__ingress *ing = c->ings[i];
    if (!is_canary(ing)) continue;
    for (r = 0; r < ing->rule_count; r++) {
      if (!gwr__sv_eq(ing->rules[r].host, host)) continue;
      for (p = 0; p < ing->rules[r].path_count; p++)
        if (gwr__sv_eq(ing->rules[r].paths[p].path, main_path->path)) {
          *cp = &ing->rules[r].paths[p];
          return ing;
        }
    }
  }
  return NULL;
}

static char *regex_escape(lctx *c, gwr__sv s) {
  char buf[600];
  size_t i, o = 0;
  for (i = 0; i < s.len && o + 3 < sizeof buf; i++) {
    char ch = s.ptr[i];
    int alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
    if (!alnum && ch != '_' && ch != '-') buf[o++] = '\\';
    buf[o++] = ch;
  }
  buf[o] = '\0';
  {
    char *copy = gwr__arena_strndup(c->ar, buf, o);
    if (!copy) c->rc = GWR_E_NOMEM;
    return copy;
  }
}

static void add_header_match(lctx *c, gwr__rule *r, const char *name, gwr__sv value, int type) {
  gwr__kv_match *kv = alloc(c, 1, sizeof *kv);
  if (!kv) return;
  kv->type = type;
  kv->name = gwr__sv_cstr(name);
  kv->value = value;
  r->matches[0].headers = kv;
  r->matches[0].header_count = 1;
}

/* Path-level filters of the main Ingress: rewrite-target, upstream-vhost,
 * permanent-redirect (which answers before anything else). */
static void add_path_filters(lctx *c, const gwr__ingress *ing, const gwr__ing_path *p, gwr__rule *r,
                             int regex) {
  gwr__sv target = path_rewrites(ing, p) ? nginx_value(ing, "rewrite-target") : gwr__sv_make(NULL, 0);
  gwr__sv vhost = nginx_value(ing, "upstream-vhost");
  gwr__sv perm = nginx_value(ing, "permanent-redirect");
  gwr__filter *f;
  if (perm.len) {
    gwr__sv code = nginx_value(ing, "permanent-redirect-code");
    const char *url = perm.ptr, *host, *path;
    f = add_filter(c, r, GWR_FILTER_REDIRECT, "RequestRedirect");
    if (!f) return;
    f->redirect.status = code.len ? atoi(code.ptr) : 301;
    f->redirect.scheme = gwr__sv_cstr(strncmp(url, "https://", 8) == 0 ? "https" : "http");
    host = strstr(url, "://") + 3;
    path = host + strcspn(host, "/?#");
    if (!*path) path = NULL;
    {
      size_t hl = path ? (size_t)(path - host) : strlen(host);
      const char *colon = memchr(host, ':', hl);
      f->redirect.hostname = sv_printf(c, "%.*s", (int)(colon ? (size_t)(colon - host) : hl), host);
      if (colon) f->redirect.port = (uint32_t)atoi(colon + 1);
    }
    f->redirect.path.type = GWR_PATHMOD_FULL;
    f->redirect.path.full_set = 1;
    f->redirect.path.value = gwr__sv_cstr(path ? path : "/");
    f->redirect.drop_query = 1;
    r->backend_count = 0;
    return;
  }
  if (target.len || vhost.len) {
    f = add_filter(c, r, GWR_FILTER_REWRITE, "URLRewrite");
    if (!f) return;
    if (vhost.len) f->rewrite.hostname = vhost;
    if (target.len && regex) {
      f->rewrite.path.type = strchr(target.ptr, '$') ? GWR_PATHMOD_CAPTURES : GWR_PATHMOD_FULL;
      f->rewrite.path.full_set = 1;
      f->rewrite.path.value = target;
    }
  }
}

/* ingress-nginx pairs a canary with its main Ingress across namespaces:
 * the route (in the main one) needs a ReferenceGrant to the canary's Service. */
static void add_service_grant(lctx *c, gwr__sv from_ns, gwr__sv to_ns, gwr__sv service) {
  gwr__refgrant *g;
  size_t i;
  for (i = c->out->first_grant; i < c->out->model.grants.len; i++) {
    g = GWR_VEC_AT(&c->out->model.grants, gwr__refgrant *, i);
    if (gwr__sv_eq(g->meta.ns, to_ns) && gwr__sv_eq(g->from[0].ns, from_ns) &&
        gwr__sv_eq(g->from[0].kind, gwr__sv_cstr("HTTPRoute")) && gwr__sv_eq(g->to[0].name, service))
      return;
  }
  if (!(g = alloc(c, 1, sizeof *g)) || !(g->from = alloc(c, 1, sizeof *g->from)) ||
      !(g->to = alloc(c, 1, sizeof *g->to)))
    return;
  g->meta.kind = "ReferenceGrant";
  g->meta.ns = to_ns;
  g->meta.name = sv_printf(c, "canary-from-%s-%s", from_ns.ptr, service.ptr);
  g->meta.generation = 1;
  g->meta.order = c->cfg->next_order + c->out->model.grants.len;
  g->from[0].group = gwr__sv_cstr(GWR_GROUP_GATEWAY);
  g->from[0].kind = gwr__sv_cstr("HTTPRoute");
  g->from[0].ns = from_ns;
  g->from_count = 1;
  g->to[0].group = gwr__sv_cstr("");
  g->to[0].kind = gwr__sv_cstr("Service");
  g->to[0].name = service;
  g->to_count = 1;
  push_ptr(c, &c->out->model.grants, g);
}

static void add_backends(lctx *c, const gwr__ingress *ing, gwr__rule *r, const gwr__ing_backend *b1,
                         int64_t w1, const gwr__ingress *cing, const gwr__ing_backend *b2, int64_t w2) {
  r->backends = alloc(c, 2, sizeof *r->backends);
  if (!r->backends) return;
  r->backend_count = 0;
  if (b1 && make_backend(c, ing, b1, w1, &r->backends[r->backend_count])) r->backend_count++;
  if (b2 && make_backend(c, cing, b2, w2, &r->backends[r->backend_count])) r->backend_count++;
  if (b2 && cing && !gwr__sv_eq(cing->meta.ns, ing->meta.ns) && !b2->is_resource)
    add_service_grant(c, ing->meta.ns, cing->meta.ns, b2->service);
}

/* One path of a main Ingress: its rule, preceded by the canary's rules
 * (header, then cookie: ingress-nginx's order), the last one weighted. */
static void lower_path(lctx *c, rule_list *rl, const gwr__ingress *ing, const host_info *h,
                       const gwr__ing_path *p, const char *origin) {
  const gwr__ing_path *cp = NULL;
  const gwr__ingress *cing = find_canary(c, h->host, p, &cp);
  gwr__rule *r;
  int64_t total = 100, weight = 0;
  if (cing) {
    gwr__sv hdr = nginx_value(cing, "canary-by-header"), val = nginx_value(cing, "canary-by-header-value");
    gwr__sv cookie = nginx_value(cing, "canary-by-cookie"), w = nginx_value(cing, "canary-weight");
    gwr__sv wt = nginx_value(cing, "canary-weight-total");
    if (wt.len) total = atol(wt.ptr);
    if (w.len) weight = atol(w.ptr);
    if (hdr.len) {
      char *name = gwr__arena_strndup(c->ar, hdr.ptr, hdr.len);
      if (!name) {
        c->rc = GWR_E_NOMEM;
        return;
      }
      if ((r = new_rule(c, rl, origin)) != NULL) {
        set_path(c, &r->matches[0], p, h->regex);
        add_header_match(c, r, name, val.len ? val : gwr__sv_cstr("always"), GWR_VALUE_EXACT);
        add_backends(c, ing, r, NULL, 0, cing, &cp->backend, 1);
        add_path_filters(c, ing, p, r, h->regex);
      }
      if (!val.len && (r = new_rule(c, rl, origin)) != NULL) {
        set_path(c, &r->matches[0], p, h->regex);
        add_header_match(c, r, name, gwr__sv_cstr("never"), GWR_VALUE_EXACT);
        add_backends(c, ing, r, &p->backend, 1, NULL, NULL, 0);
        add_path_filters(c, ing, p, r, h->regex);
      }
    }
    if (cookie.len) {
      char *esc = regex_escape(c, cookie);
      static const char *const values[2] = {"always", "never"};
      int k;
      for (k = 0; k < 2 && esc; k++) {
        if ((r = new_rule(c, rl, origin)) == NULL) break;
        set_path(c, &r->matches[0], p, h->regex);
        add_header_match(c, r, "Cookie", sv_printf(c, "(?:.*;\\s*)?%s=%s(?:;.*)?", esc, values[k]), GWR_VALUE_REGEX);
        if (k == 0)
          add_backends(c, ing, r, NULL, 0, cing, &cp->backend, 1);
        else
          add_backends(c, ing, r, &p->backend, 1, NULL, NULL, 0);
        add_path_filters(c, ing, p, r, h->regex);
      }
    }
  }
  if ((r = new_rule(c, rl, origin)) == NULL) return;
  set_path(c, &r->matches[0], p, h->regex);
  if (cing && weight > 0)
    add_backends(c, ing, r, &p->backend, total - weight, cing, &cp->backend, weight);
  else
    add_backends(c, ing, r, &p->backend, 1, NULL, NULL, 0);
  add_path_filters(c, ing, p, r, h->regex);
}

/* The HTTP-listener twin of a rule when ssl-redirect applies: same match,
 * answered with a redirect to https. */
static void add_ssl_redirect(lctx *c, rule_list *rl, const gwr__match *m, const char *origin) {
  gwr__rule *r = new_rule(c, rl, origin);
  gwr__filter *f;
  if (!r) return;
  r->matches[0] = *m;
  r->matches[0].headers = NULL;
  r->matches[0].header_count = 0;
  f = add_filter(c, r, GWR_FILTER_REDIRECT, "RequestRedirect");
  if (!f) return;
  f->redirect.scheme = gwr__sv_cstr("https");
  f->redirect.status = HTTP_REDIRECT_CODE;
}

/* app-root: nginx answers "/" itself, before any location (302, no query). */
static void add_app_root(lctx *c, rule_list *rl, const host_info *h) {
  gwr__rule *r = new_rule(c, rl, "metadata.annotations[" GWR_NGINX "app-root]");
  gwr__filter *f;
  if (!r) return;
  r->matches[0].path_type = GWR_PATH_EXACT;
  r->matches[0].path = gwr__sv_cstr("/");
  f = add_filter(c, r, GWR_FILTER_REDIRECT, "RequestRedirect");
  if (!f) return;
  f->redirect.status = 302;
  f->redirect.path.type = GWR_PATHMOD_FULL;
  f->redirect.path.full_set = 1;
  f->redirect.path.value = h->app_root;
  f->redirect.drop_query = 1;
}

/* ---- routes -------------------------------------------------------------------------------- */

static gwr__sv host_slug(lctx *c, gwr__sv host) {
  char buf[300];
  size_t i, o = 0;
  if (host.len == 0) return gwr__sv_cstr("any-host");
  for (i = 0; i < host.len && o + 10 < sizeof buf; i++) {
    if (host.ptr[i] == '*') {
      memcpy(buf + o, "wildcard", 8);
      o += 8;
    } else {
      buf[o++] = host.ptr[i] == '.' ? '-' : host.ptr[i];
    }
  }
  return sv_printf(c, "%.*s", (int)o, buf);
}

static int name_taken(const lctx *c, gwr__sv ns, gwr__sv name) {
  size_t i;
  for (i = 0; i < c->out->model.routes.len; i++) {
    const gwr__route *r = GWR_VEC_AT(&c->out->model.routes, const gwr__route *, i);
    if (gwr__sv_eq(r->meta.ns, ns) && gwr__sv_eq(r->meta.name, name)) return 1;
  }
  for (i = 0; i < c->pending_count; i++)
    if (gwr__sv_eq(c->pending[i].ns, ns) && gwr__sv_eq(c->pending[i].name, name)) return 1;
  return 0;
}

/* "<base>", unless too long for a name or already taken in the namespace
 * (hosts "a.b" and "a-b" share a slug): then a short hash of the host. */
static gwr__sv route_name(lctx *c, gwr__sv ns, gwr__sv base, gwr__sv host) {
  gwr__sv name = base;
  uint64_t h = gwr__hash(host.ptr ? host.ptr : "", host.len, gwr__hash(base.ptr, base.len, 7));
  unsigned k;
  for (k = 0; (name.len > 253 || name_taken(c, ns, name)) && k < 1000; k++, h++)
    name = sv_printf(c, "%.*s-%08x", (int)(base.len > 240 ? 240 : base.len), base.ptr, (unsigned)(h & 0xffffffffu));
  if (c->pending_count < sizeof c->pending / sizeof c->pending[0]) {
    c->pending[c->pending_count].ns = ns;
    c->pending[c->pending_count++].name = name;
  }
  return name;
}

static gwr__route *new_route(lctx *c, const gwr__ingress *ing, gwr__sv name, gwr__sv host, const char *section) {
  gwr__route *rt = alloc(c, 1, sizeof *rt);
  if (!rt) return NULL;
  rt->meta = ing->meta;
  rt->meta.kind = "HTTPRoute";
  rt->meta.name = route_name(c, ing->meta.ns, name, host);
  rt->meta.labels = NULL;
  rt->meta.label_count = 0;
  rt->kind = GWR_ROUTE_HTTP;
  rt->origin = gwr__arena_printf(c->ar, "Ingress %s/%s", ing->meta.ns.ptr, ing->meta.name.ptr);
  if (!rt->origin) return c->rc = GWR_E_NOMEM, NULL;
  if (host.len) {
    rt->hostnames = alloc(c, 1, sizeof *rt->hostnames);
    if (rt->hostnames) rt->hostnames[0] = host, rt->hostname_count = 1;
  }
  rt->parents = alloc(c, 1, sizeof *rt->parents);
  if (!rt->parents) return NULL;
  rt->parent_count = 1;
  rt->parents[0].ref.group = gwr__sv_cstr(GWR_GROUP_GATEWAY);
  rt->parents[0].ref.kind = gwr__sv_cstr("Gateway");
  rt->parents[0].ref.ns = c->gw_ns;
  rt->parents[0].ref.ns_set = 1;
  rt->parents[0].ref.name = c->gw_name;
  if (section) rt->parents[0].section = gwr__sv_cstr(section);
  return rt;
}

/* Publish a route with the rules collected (none: nothing to route). */
static void finish_route(lctx *c, gwr__route *rt, rule_list *rl) {
  c->pending_count = 0;
  if (rt && rl->v.len && c->rc == GWR_OK) {
    rt->rules = alloc(c, rl->v.len, sizeof *rt->rules);
    if (rt->rules) {
      memcpy(rt->rules, rl->v.data, rl->v.len * sizeof *rt->rules);
      rt->rule_count = rl->v.len;
      rt->meta.order = c->cfg->next_order + c->out->model.routes.len;
      push_ptr(c, &c->out->model.routes, rt);
    }
  }
  gwr__vec_free(&rl->v, c->alloc);
  gwr__vec_init(&rl->v, sizeof(gwr__rule));
}

/* What ingress-nginx answers for paths of host h that no location takes:
 * the defaultBackend of the oldest Ingress naming h, else 404 (which
 * differs from Gateway API only when a catch-all route could take them). */
static void add_fallback(lctx *c, rule_list *rl, const gwr__ingress *ing, const host_info *h) {
  gwr__ing_path root;
  gwr__rule *r;
  if (h->has_root || h->first != ing || h->host.len == 0) return;
  memset(&root, 0, sizeof root);
  root.path = gwr__sv_cstr("/");
  root.type = GWR_ING_PREFIX;
  if (ing->default_backend.set) {
    if ((r = new_rule(c, rl, "spec.defaultBackend")) == NULL) return;
    set_path(c, &r->matches[0], &root, h->regex);
    add_backends(c, ing, r, &ing->default_backend, 1, NULL, NULL, 0);
  } else if (c->catch_all) {
    if ((r = new_rule(c, rl, "(ingress-nginx default backend)")) == NULL) return;
    set_path(c, &r->matches[0], &root, h->regex);
    r->direct_status = 404;
    note(c, ing, "host %s: ingress-nginx answers 404 for paths no Ingress defines; Gateway API falls through "
                 "to the routes without hostnames instead (add a \"/\" path to keep the 404)",
         h->host.ptr);
  }
}

static int regex_ok(lctx *c, const gwr__ingress *ing, const gwr__ing_path *p, const gwr__match *m,
                    const char *origin) {
  char err[200];
  char *alone = m->path_type == GWR_PATH_REGEX ? gwr__ingress_path_alone(c->ar, p->path) : NULL;
  if (m->path_type != GWR_PATH_REGEX ||
      (alone && gwr__regex_check(gwr__sv_cstr(alone), c->cfg->opt.regex_max_length, err, sizeof err) &&
       gwr__regex_check(m->path, c->cfg->opt.regex_max_length, err, sizeof err)))
    return 1;
  note(c, ing, "%s: path '%s' is not a valid regular expression in this host's regex mode: not routed (%s)",
       origin, m->path.ptr, err);
  return 0;
}

/* ingress-nginx keeps one location per host and path: the oldest Ingress's. */
static int older_defines(const lctx *c, const gwr__ingress *ing, const host_info *h, const gwr__ing_path *p) {
  size_t i, r, k;
  for (i = 0; i < c->ing_count && c->ings[i] != ing; i++) {
    const gwr__ingress *o = c->ings[i];
    if (is_canary(o)) continue;
    for (r = 0; r < o->rule_count; r++) {
      if (!gwr__sv_eq(o->rules[r].host, h->host)) continue;
      for (k = 0; k < o->rules[r].path_count; k++)
        if (gwr__sv_eq(o->rules[r].paths[k].path, p->path) && (h->regex || o->rules[r].paths[k].type == p->type))
          return 1;
    }
  }
  return 0;
}

/* The rules of one main Ingress on one host, as one or two routes. */
static void lower_host(lctx *c, const gwr__ingress *ing, const host_info *h) {
  rule_list rl, redirects;
  size_t r, p, k;
  int perm = nginx_value(ing, "permanent-redirect").len > 0;
  int ssl = !perm && (gwr__ingress_bool(ing, "force-ssl-redirect", 0) == 1 ||
                      (gwr__ingress_bool(ing, "ssl-redirect", 1) == 1 && h->tls));
  gwr__sv slug = host_slug(c, h->host);
  gwr__route *main_rt = new_route(c, ing, sv_printf(c, "%s-%s", ing->meta.name.ptr, slug.ptr), h->host,
                                  ssl ? "https" : NULL);
  gwr__route *redir_rt = ssl ? new_route(c, ing, sv_printf(c, "%s-%s-redirect", ing->meta.name.ptr, slug.ptr),
                                         h->host, "http")
                             : NULL;
  gwr__vec_init(&rl.v, sizeof(gwr__rule));
  gwr__vec_init(&redirects.v, sizeof(gwr__rule));
  if (h->app_root.len && h->first == ing) {
    add_app_root(c, &rl, h);
    if (ssl) add_app_root(c, &redirects, h);
  }
  for (r = 0; r < ing->rule_count; r++) {
    if (!gwr__sv_eq(ing->rules[r].host, h->host)) continue;
    for (p = 0; p < ing->rules[r].path_count; p++) {
      const char *origin = gwr__arena_printf(c->ar, "spec.rules[%zu].http.paths[%zu]", r, p);
      size_t before = rl.v.len;
      if (!origin) {
        c->rc = GWR_E_NOMEM;
        break;
      }
      if (older_defines(c, ing, h, &ing->rules[r].paths[p])) {
        note(c, ing, "%s: host %s path %s is already defined by an older Ingress: ingress-nginx serves that one",
             origin, h->host.len ? h->host.ptr : "(any)", ing->rules[r].paths[p].path.ptr);
        continue;
      }
      lower_path(c, &rl, ing, h, &ing->rules[r].paths[p], origin);
      if (rl.v.len > before && !regex_ok(c, ing, &ing->rules[r].paths[p], GWR_VEC_AT(&rl.v, gwr__rule, before).matches, origin)) {
        rl.v.len = before; /* drop the path */
        continue;
      }
      if (ssl && rl.v.len > before)
        add_ssl_redirect(c, &redirects, GWR_VEC_AT(&rl.v, gwr__rule, rl.v.len - 1).matches, origin);
    }
  }
  k = rl.v.len;
  add_fallback(c, &rl, ing, h);
  if (ssl && rl.v.len > k) add_ssl_redirect(c, &redirects, GWR_VEC_AT(&rl.v, gwr__rule, k).matches, "spec.defaultBackend");
  finish_route(c, main_rt, &rl);
  if (ssl) finish_route(c, redir_rt, &redirects);
}

/* An Ingress without rules: its defaultBackend serves every host no other
 * server names (ingress-nginx's default server). */
static void lower_default_only(lctx *c, const gwr__ingress *ing) {
  rule_list rl;
  gwr__rule *r;
  gwr__route *rt = new_route(c, ing, sv_printf(c, "%s-default-backend", ing->meta.name.ptr), gwr__sv_make(NULL, 0),
                             NULL);
  gwr__vec_init(&rl.v, sizeof(gwr__rule));
  if ((r = new_rule(c, &rl, "spec.defaultBackend")) != NULL) {
    r->matches[0].path_type = GWR_PATH_PREFIX;
    r->matches[0].path = gwr__sv_cstr("/");
    add_backends(c, ing, r, &ing->default_backend, 1, NULL, NULL, 0);
  }
  finish_route(c, rt, &rl);
}

/* Annotations that change routing but are not modelled, and the others. */
static void note_annotations(lctx *c, const gwr__ingress *ing) {
  static const char *const modelled[] = {
      "rewrite-target", "use-regex", "ssl-redirect", "force-ssl-redirect", "permanent-redirect",
      "permanent-redirect-code", "canary", "canary-weight", "canary-weight-total", "canary-by-header",
      "canary-by-header-value", "canary-by-cookie", "app-root", "upstream-vhost", NULL};
  size_t i, k;
  for (i = 0; i < ing->annotation_count; i++) {
    gwr__sv key = ing->annotations[i].key;
    size_t plen = strlen(GWR_NGINX);
    int known = 0;
    if (key.len > plen && memcmp(key.ptr, GWR_NGINX, plen) == 0) {
      for (k = 0; modelled[k]; k++)
        if (strcmp(key.ptr + plen, modelled[k]) == 0) known = 1;
      if (!known)
        note(c, ing, "annotation %s is not converted: gwroute does not model it (rate limits, CORS, "
                     "authentication, timeouts, ...): configure the equivalent Gateway API filter or policy",
             key.ptr);
    } else if (gwr__sv_eq_cstr(key, "cert-manager.io/cluster-issuer") || gwr__sv_eq_cstr(key, "cert-manager.io/issuer")) {
      note(c, ing, "annotation %s: put it on the Gateway %s/%s (cert-manager's gateway-shim) instead", key.ptr,
           c->gw_ns.ptr, c->gw_name.ptr);
    }
  }
}

static void note_exactness(lctx *c, const gwr__ingress *ing) {
  size_t r, p;
  gwr__sv target = nginx_value(ing, "rewrite-target");
  if (target.len && strchr(target.ptr, '$'))
    note(c, ing, "rewrite-target '%s' uses capture groups: Gateway API's URLRewrite cannot (gwroute models it; "
                 "the YAML approximates nothing: rewrite the path in the backend or use ReplacePrefixMatch)",
         target.ptr);
  if (target.len && strchr(target.ptr, '?'))
    note(c, ing, "rewrite-target '%s' carries a query: nginx joins the request's with '&'; Gateway API paths "
                 "cannot hold one (the YAML leaves the path alone)",
         target.ptr);
  if (nginx_value(ing, "permanent-redirect").len)
    note(c, ing, "permanent-redirect: nginx drops the request's query; a RequestRedirect keeps it");
  if (nginx_value(ing, "app-root").len)
    note(c, ing, "app-root: nginx drops the request's query; a RequestRedirect keeps it");
  for (r = 0; r < ing->rule_count; r++) {
    if (ing->rules[r].host.len > 1 && ing->rules[r].host.ptr[0] == '*')
      note(c, ing, "spec.rules[%zu].host %s: ingress-nginx (nginx server_name) and Gateway API both match any "
                   "number of labels, though the Ingress spec says one",
           r, ing->rules[r].host.ptr);
    for (p = 0; p < ing->rules[r].path_count; p++)
      if (ing->rules[r].paths[p].type == GWR_ING_IMPL && !find_host(c, ing->rules[r].host)->regex)
        note(c, ing, "spec.rules[%zu].http.paths[%zu]: ImplementationSpecific '%s' is an nginx string prefix "
                     "(it also takes '%s-more'); converted to PathPrefix (whole segments)",
             r, p, ing->rules[r].paths[p].path.ptr, ing->rules[r].paths[p].path.ptr);
  }
}

/* ---- Gateway, GatewayClass, ReferenceGrants ------------------------------------------------ */

static void add_cert(lctx *c, gwr__listener *l, gwr__sv ns, gwr__sv name) {
  size_t i;
  for (i = 0; i < l->cert_count; i++)
    if (gwr__sv_eq(l->certs[i].ns, ns) && gwr__sv_eq(l->certs[i].name, name)) return;
  if (l->cert_count >= 64) {
    note(c, NULL, "Gateway %s/%s: more than 64 TLS Secrets; Secret %s/%s is left out of its https listener",
         c->gw_ns.ptr, c->gw_name.ptr, ns.ptr, name.ptr);
    return;
  }
  l->certs[l->cert_count].group = gwr__sv_cstr("");
  l->certs[l->cert_count].kind = gwr__sv_cstr("Secret");
  l->certs[l->cert_count].ns = ns;
  l->certs[l->cert_count].ns_set = 1;
  l->certs[l->cert_count].name = name;
  l->cert_count++;
}

static void add_grants(lctx *c, const gwr__listener *l) {
  size_t i, k;
  for (i = 0; i < l->cert_count; i++) {
    gwr__refgrant *g;
    int seen = 0;
    if (gwr__sv_eq(l->certs[i].ns, c->gw_ns)) continue;
    for (k = 0; k < i; k++)
      if (gwr__sv_eq(l->certs[k].ns, l->certs[i].ns)) seen = 1;
    if (seen || !(g = alloc(c, 1, sizeof *g))) continue;
    g->meta.kind = "ReferenceGrant";
    g->meta.ns = l->certs[i].ns;
    g->meta.name = sv_printf(c, "gateway-%s-%s-certificates", c->gw_ns.ptr, c->gw_name.ptr);
    g->meta.generation = 1;
    g->meta.order = c->cfg->next_order + c->out->model.grants.len;
    g->from = alloc(c, 1, sizeof *g->from);
    g->to = alloc(c, l->cert_count, sizeof *g->to);
    if (!g->from || !g->to) return;
    g->from[0].group = gwr__sv_cstr(GWR_GROUP_GATEWAY);
    g->from[0].kind = gwr__sv_cstr("Gateway");
    g->from[0].ns = c->gw_ns;
    g->from_count = 1;
    for (k = i; k < l->cert_count; k++)
      if (gwr__sv_eq(l->certs[k].ns, l->certs[i].ns)) {
        g->to[g->to_count].group = gwr__sv_cstr("");
        g->to[g->to_count].kind = gwr__sv_cstr("Secret");
        g->to[g->to_count].name = l->certs[k].name;
        g->to_count++;
      }
    push_ptr(c, &c->out->model.grants, g);
  }
}

static void make_listener(gwr__listener *l, const char *name, uint32_t port, int proto, const char *text) {
  l->name = gwr__sv_cstr(name);
  l->hostname = gwr__sv_make(NULL, 0);
  l->port = port;
  l->protocol = proto;
  l->protocol_text = gwr__sv_cstr(text);
  l->from = GWR_FROM_ALL;
}

static void lower_gateway(lctx *c) {
  gwr__gateway *gw = alloc(c, 1, sizeof *gw);
  gwr__listener *https;
  size_t i, t;
  if (!gw || !(gw->listeners = alloc(c, 2, sizeof *gw->listeners))) return;
  gw->meta.kind = "Gateway";
  gw->meta.ns = c->gw_ns;
  gw->meta.name = c->gw_name;
  gw->meta.generation = 1;
  gw->meta.order = c->cfg->next_order + c->out->model.gateways.len;
  gw->class_name = c->cls;
  gw->listeners_from = GWR_FROM_NONE;
  gw->listener_count = 2;
  make_listener(&gw->listeners[0], "http", 80, GWR_PROTO_HTTP, "HTTP");
  https = &gw->listeners[1];
  make_listener(https, "https", 443, GWR_PROTO_HTTPS, "HTTPS");
  https->tls_set = 1;
  https->tls_mode = GWR_TLS_TERMINATE;
  if (!(https->certs = alloc(c, 64, sizeof *https->certs))) return;
  for (i = 0; i < c->ing_count; i++)
    for (t = 0; t < c->ings[i]->tls_count; t++)
      if (c->ings[i]->tls[t].secret.len) add_cert(c, https, c->ings[i]->meta.ns, c->ings[i]->tls[t].secret);
  if (https->cert_count == 0) {
    add_cert(c, https, c->gw_ns, gwr__sv_cstr("default-ssl-certificate"));
    note(c, NULL, "Gateway %s/%s: no Ingress names a TLS Secret; ingress-nginx serves 443 with its default "
                  "certificate: provide Secret %s/default-ssl-certificate",
         c->gw_ns.ptr, c->gw_name.ptr, c->gw_ns.ptr);
  }
  add_grants(c, https);
  push_ptr(c, &c->out->model.gateways, gw);
  if (c->cfg->model.classes.len) { /* with classes given, the Gateway needs one of ours */
    gwr__gatewayclass *gc = alloc(c, 1, sizeof *gc);
    if (!gc) return;
    gc->meta.kind = "GatewayClass";
    gc->meta.name = c->cls;
    gc->meta.ns = gwr__sv_cstr("");
    gc->meta.generation = 1;
    gc->controller = c->cfg->controller.len ? c->cfg->controller : gwr__sv_cstr(DEFAULT_CONTROLLER);
    push_ptr(c, &c->out->model.classes, gc);
  }
}

/* ---- driver ----------------------------------------------------------------------------------- */

static void sort_oldest_first(const gwr__ingress **v, size_t n) {
  size_t i, j;
  for (i = 1; i < n; i++) { /* insertion sort: stable, and Ingress counts are small */
    const gwr__ingress *x = v[i];
    for (j = i; j > 0 && older(x, v[j - 1]); j--) v[j] = v[j - 1];
    v[j] = x;
  }
}

static void lower_class(lctx *c) {
  size_t i, h;
  sort_oldest_first(c->ings, c->ing_count);
  c->gw_ns = gwr__sv_cstr(GW_NAMESPACE);
  c->gw_name = c->cls;
  c->host_count = 0;
  c->catch_all = 0;
  if (!gather_hosts(c)) return;
  lower_gateway(c);
  for (i = 0; i < c->ing_count && c->rc == GWR_OK; i++) {
    const gwr__ingress *ing = c->ings[i];
    note_annotations(c, ing);
    if (is_canary(ing)) {
      size_t r, p;
      for (r = 0; r < ing->rule_count; r++)
        for (p = 0; p < ing->rules[r].path_count; p++) {
          size_t m, q, found = 0;
          for (m = 0; m < c->ing_count; m++) {
            const gwr__ingress *o = c->ings[m];
            if (is_canary(o)) continue;
            for (h = 0; h < o->rule_count; h++)
              if (gwr__sv_eq(o->rules[h].host, ing->rules[r].host))
                for (q = 0; q < o->rules[h].path_count; q++)
                  if (gwr__sv_eq(o->rules[h].paths[q].path, ing->rules[r].paths[p].path)) found = 1;
          }
          if (!found)
            note(c, ing, "canary spec.rules[%zu].http.paths[%zu] (%s%s): no main Ingress serves this host and path; "
                         "ingress-nginx ignores it",
                 r, p, ing->rules[r].host.ptr ? ing->rules[r].host.ptr : "", ing->rules[r].paths[p].path.ptr);
        }
      continue;
    }
    note_exactness(c, ing);
    if (ing->rule_count == 0) {
      lower_default_only(c, ing);
      continue;
    }
    for (h = 0; h < c->host_count; h++) {
      size_t r;
      int names = 0;
      for (r = 0; r < ing->rule_count; r++)
        if (gwr__sv_eq(ing->rules[r].host, c->hosts[h].host)) names = 1;
      if (names) lower_host(c, ing, &c->hosts[h]);
    }
  }
}

static int copy_vec(lctx *c, gwr__vec *dst, const gwr__vec *src) {
  size_t i;
  for (i = 0; i < src->len; i++)
    if (!push_ptr(c, dst, GWR_VEC_AT(src, const void *, i))) return 0;
  return 1;
}

int gwr__ingress_lower(const gwr_config *cfg, gwr__arena *ar, const gwr__alloc *a, gwr__lowered *out) {
  lctx c;
  const gwr__model *m = &cfg->model;
  size_t i, k;
  memset(&c, 0, sizeof c);
  memset(out, 0, sizeof *out);
  c.cfg = cfg;
  c.ar = ar;
  c.alloc = a;
  c.out = out;
  out->model = *m;
  gwr__vec_init(&out->notes, sizeof(char *));
  gwr__vec_init(&out->model.routes, sizeof(void *));
  gwr__vec_init(&out->model.gateways, sizeof(void *));
  gwr__vec_init(&out->model.classes, sizeof(void *));
  gwr__vec_init(&out->model.grants, sizeof(void *));
  if (!copy_vec(&c, &out->model.routes, &m->routes) || !copy_vec(&c, &out->model.gateways, &m->gateways) ||
      !copy_vec(&c, &out->model.classes, &m->classes) || !copy_vec(&c, &out->model.grants, &m->grants)) {
    gwr__lowered_free(out, a);
    return GWR_E_NOMEM;
  }
  out->first_route = out->model.routes.len;
  out->first_gateway = out->model.gateways.len;
  out->first_class = out->model.classes.len;
  out->first_grant = out->model.grants.len;
  c.ings = alloc(&c, m->ingresses.len, sizeof *c.ings);
  for (i = 0; i < m->ingresses.len && c.rc == GWR_OK; i++) {
    const gwr__ingress *ing = GWR_VEC_AT(&m->ingresses, const gwr__ingress *, i);
    gwr__sv cls = class_of(m, ing);
    const gwr__ingressclass *ic = find_ingressclass(m, cls);
    int done = 0;
    for (k = 0; k < i; k++)
      if (gwr__sv_eq(class_of(m, GWR_VEC_AT(&m->ingresses, const gwr__ingress *, k)), cls)) done = 1;
    if (done) continue; /* its class was lowered with an earlier Ingress */
    if (ic && ic->controller.len && !gwr__sv_eq_cstr(ic->controller, GWR_NGINX_CONTROLLER)) {
      note(&c, NULL, "IngressClass %s: controller %s is not ingress-nginx: its Ingresses are not converted",
           cls.ptr, ic->controller.ptr);
      continue;
    }
    if (!gwr__valid_hostname(cls, 0) || memchr(cls.ptr, '.', cls.len)) {
      note(&c, NULL, "IngressClass name '%s' cannot name a Gateway (an RFC 1123 label): its Ingresses are not "
                     "converted",
           cls.ptr);
      continue;
    }
    c.cls = cls;
    c.ing_count = 0;
    for (k = i; k < m->ingresses.len; k++) {
      const gwr__ingress *o = GWR_VEC_AT(&m->ingresses, const gwr__ingress *, k);
      if (gwr__sv_eq(class_of(m, o), cls)) c.ings[c.ing_count++] = o;
    }
    lower_class(&c);
  }
  if (c.rc != GWR_OK) gwr__lowered_free(out, a);
  return c.rc;
}

void gwr__lowered_free(gwr__lowered *lw, const gwr__alloc *a) {
  gwr__vec_free(&lw->model.routes, a);
  gwr__vec_free(&lw->model.gateways, a);
  gwr__vec_free(&lw->model.classes, a);
  gwr__vec_free(&lw->model.grants, a);
  gwr__vec_free(&lw->notes, a);
}
