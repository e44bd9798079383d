/* SPDX-License-Identifier: Apache-2.0 */
/*
 * convert.c - gwr_config_convert(): the Gateway API objects that
 * ingress.c lowers a config's Ingresses to, written as YAML (every string
 * a double-quoted scalar), and the notes on what they cannot say exactly.
 * What gwroute itself routes for the Ingresses is the same lowering, so
 * `gwroute diff` between the Ingresses and this YAML shows exactly the
 * behaviour the notes describe, and nothing else.
 */
#include <stdio.h>
#include <time.h>

#include "ingress.h"
#include "report.h"

static void str(gwr__buf *b, gwr__sv s) { gwr__buf_json_sv(b, s); }

static void line(gwr__buf *b, int indent, const char *key, gwr__sv value) {
  gwr__buf_printf(b, "%*s%s: ", indent, "", key);
  str(b, value);
  gwr__buf_puts(b, "\n");
}

static void meta(gwr__buf *b, const char *api, const char *kind, const gwr__meta *m, const char *origin) {
  gwr__buf_printf(b, "---\napiVersion: %s\nkind: %s\nmetadata:\n", api, kind);
  line(b, 2, "name", m->name);
  if (m->ns.len) line(b, 2, "namespace", m->ns);
  if (m->created) {
    char ts[32];
    time_t t = (time_t)m->created;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    /* kept so that precedence ties (oldest first) stay those of the Ingresses */
    gwr__buf_printf(b, "  creationTimestamp: \"%s\"\n", ts);
  }
  if (origin) {
    gwr__buf_puts(b, "  annotations:\n");
    line(b, 4, "gwroute.dev/converted-from", gwr__sv_cstr(origin));
  }
}

static void write_class(gwr__buf *b, const gwr__gatewayclass *gc) {
  meta(b, "gateway.networking.k8s.io/v1", "GatewayClass", &gc->meta, NULL);
  gwr__buf_puts(b, "spec:\n");
  line(b, 2, "controllerName", gc->controller);
}

static void write_gateway(gwr__buf *b, const gwr__gateway *gw) {
  size_t i, k;
  meta(b, "gateway.networking.k8s.io/v1", "Gateway", &gw->meta, NULL);
  gwr__buf_puts(b, "spec:\n");
  line(b, 2, "gatewayClassName", gw->class_name);
  gwr__buf_puts(b, "  listeners:\n");
  for (i = 0; i < gw->listener_count; i++) {
    const gwr__listener *l = &gw->listeners[i];
    gwr__buf_puts(b, "    - ");
    line(b, 0, "name", l->name);
    line(b, 6, "protocol", l->protocol_text);
    gwr__buf_printf(b, "      port: %u\n", (unsigned)l->port);
    gwr__buf_puts(b, "      allowedRoutes:\n        namespaces:\n          from: All\n");
    if (!l->tls_set) continue;
    gwr__buf_puts(b, "      tls:\n        mode: Terminate\n        certificateRefs:\n");
    for (k = 0; k < l->cert_count; k++) {
      gwr__buf_puts(b, "          - kind: Secret\n");
      line(b, 12, "name", l->certs[k].name);
      line(b, 12, "namespace", l->certs[k].ns);
    }
  }
}

static void write_grant(gwr__buf *b, const gwr__refgrant *g) {
  size_t i;
  meta(b, "gateway.networking.k8s.io/v1beta1", "ReferenceGrant", &g->meta, NULL);
  gwr__buf_puts(b, "spec:\n  from:\n");
  for (i = 0; i < g->from_count; i++) {
    gwr__buf_puts(b, "    - ");
    line(b, 0, "group", g->from[i].group);
    line(b, 6, "kind", g->from[i].kind);
    line(b, 6, "namespace", g->from[i].ns);
  }
  gwr__buf_puts(b, "  to:\n");
  for (i = 0; i < g->to_count; i++) {
    gwr__buf_puts(b, "    - group: \"\"\n");
    line(b, 6, "kind", g->to[i].kind);
    line(b, 6, "name", g->to[i].name);
  }
}

static const char *path_type(int t) {
  return t == GWR_PATH_EXACT ? "Exact" : t == GWR_PATH_REGEX ? "RegularExpression" : "PathPrefix";
}

static void write_match(gwr__buf *b, const gwr__match *m) {
  size_t i;
  gwr__buf_printf(b, "        - path:\n            type: %s\n", path_type(m->path_type));
  line(b, 12, "value", m->path);
  if (!m->header_count) return;
  gwr__buf_puts(b, "          headers:\n");
  for (i = 0; i < m->header_count; i++) {
    gwr__buf_printf(b, "            - type: %s\n",
                    m->headers[i].type == GWR_VALUE_REGEX ? "RegularExpression" : "Exact");
    line(b, 14, "name", m->headers[i].name);
    line(b, 14, "value", m->headers[i].value);
  }
}

static void write_path_mod(gwr__buf *b, const gwr__path_mod *pm) {
  gwr__buf_puts(b, "            path:\n");
  gwr__buf_printf(b, "              type: %s\n", pm->type == GWR_PATHMOD_PREFIX ? "ReplacePrefixMatch" : "ReplaceFullPath");
  line(b, 14, pm->type == GWR_PATHMOD_PREFIX ? "replacePrefixMatch" : "replaceFullPath", pm->value);
}

/* A path modifier Gateway API can say: not a capture rewrite, no query. */
static int plain_path_mod(const gwr__path_mod *pm) {
  return (pm->type == GWR_PATHMOD_FULL || pm->type == GWR_PATHMOD_PREFIX) &&
         !memchr(pm->value.ptr, '?', pm->value.len);
}

/* Whether write_filter writes anything for f. */
static int writable_filter(const gwr__filter *f) {
  if (f->type == GWR_FILTER_REDIRECT) return 1;
  return f->type == GWR_FILTER_REWRITE && (f->rewrite.hostname.len || plain_path_mod(&f->rewrite.path));
}

static void write_filter(gwr__buf *b, const gwr__filter *f) {
  if (f->type == GWR_FILTER_REDIRECT) {
    const gwr__redirect *rd = &f->redirect;
    gwr__buf_puts(b, "        - type: RequestRedirect\n          requestRedirect:\n");
    if (rd->scheme.len) line(b, 12, "scheme", rd->scheme);
    if (rd->hostname.len) line(b, 12, "hostname", rd->hostname);
    if (rd->port) gwr__buf_printf(b, "            port: %u\n", (unsigned)rd->port);
    if (rd->path.type) write_path_mod(b, &rd->path);
    gwr__buf_printf(b, "            statusCode: %d\n", rd->status ? rd->status : 302);
  } else if (f->type == GWR_FILTER_REWRITE) {
    const gwr__rewrite *rw = &f->rewrite;
    int path = plain_path_mod(&rw->path);
    if (!writable_filter(f)) return; /* a capture rewrite alone: see the notes */
    gwr__buf_puts(b, "        - type: URLRewrite\n          urlRewrite:\n");
    if (rw->hostname.len) line(b, 12, "hostname", rw->hostname);
    if (path) write_path_mod(b, &rw->path);
  }
}

static void write_backend(gwr__buf *b, const gwr__route *rt, const gwr__backend *be, int weights) {
  gwr__buf_puts(b, "        - ");
  line(b, 0, "name", be->ref.name);
  if (!gwr__sv_eq_cstr(be->ref.kind, "Service") || be->ref.group.len) {
    line(b, 10, "group", be->ref.group);
    line(b, 10, "kind", be->ref.kind);
  }
  if (!gwr__sv_eq(be->ref.ns, rt->meta.ns)) line(b, 10, "namespace", be->ref.ns);
  if (be->ref.port) gwr__buf_printf(b, "          port: %u\n", (unsigned)be->ref.port);
  if (weights) gwr__buf_printf(b, "          weight: %lld\n", (long long)be->weight);
}

static void write_rule(gwr__buf *b, const gwr__route *rt, const gwr__rule *r) {
  size_t i, writable = 0;
  int weights = r->backend_count > 1;
  gwr__buf_puts(b, "    - matches:\n");
  for (i = 0; i < r->match_count; i++) write_match(b, &r->matches[i]);
  for (i = 0; i < r->filter_count; i++) writable += writable_filter(&r->filters[i]);
  if (writable) {
    gwr__buf_puts(b, "      filters:\n");
    for (i = 0; i < r->filter_count; i++) write_filter(b, &r->filters[i]);
  }
  if (r->backend_count) {
    gwr__buf_puts(b, "      backendRefs:\n");
    for (i = 0; i < r->backend_count; i++) write_backend(b, rt, &r->backends[i], weights);
  }
}

static void write_route(gwr__buf *b, const gwr__route *rt) {
  size_t i, kept = 0;
  for (i = 0; i < rt->rule_count; i++) kept += rt->rules[i].direct_status == 0;
  if (!kept) return;
  meta(b, "gateway.networking.k8s.io/v1", "HTTPRoute", &rt->meta, rt->origin);
  gwr__buf_puts(b, "spec:\n  parentRefs:\n");
  for (i = 0; i < rt->parent_count; i++) {
    gwr__buf_puts(b, "    - ");
    line(b, 0, "name", rt->parents[i].ref.name);
    line(b, 6, "namespace", rt->parents[i].ref.ns);
    if (rt->parents[i].section.len) line(b, 6, "sectionName", rt->parents[i].section);
  }
  if (rt->hostname_count) {
    gwr__buf_puts(b, "  hostnames:\n");
    for (i = 0; i < rt->hostname_count; i++) {
      gwr__buf_puts(b, "    - ");
      str(b, rt->hostnames[i]);
      gwr__buf_puts(b, "\n");
    }
  }
  gwr__buf_puts(b, "  rules:\n");
  for (i = 0; i < rt->rule_count; i++)
    if (!rt->rules[i].direct_status) write_rule(b, rt, &rt->rules[i]);
}

static void write_objects(gwr__buf *b, const gwr__lowered *lw, size_t ingresses) {
  const gwr__model *m = &lw->model;
  size_t i;
  gwr__buf_printf(b,
                  "# Gateway API objects converted by gwroute from %zu Ingress object(s) with ingress-nginx\n"
                  "# semantics. Check the notes (stderr of `gwroute convert`) and prove the routing is the\n"
                  "# same with `gwroute diff -f <ingresses> -f2 <this file>`.\n",
                  ingresses);
  if (lw->first_class == m->classes.len) { /* the lowering adds a class only when the config has some */
    for (i = lw->first_gateway; i < m->gateways.len; i++) {
      gwr__gatewayclass gc;
      const gwr__gateway *gw = GWR_VEC_AT(&m->gateways, const gwr__gateway *, i);
      memset(&gc, 0, sizeof gc);
      gc.meta.name = gw->class_name;
      gc.controller = gwr__sv_cstr("gwroute.dev/gateway-controller");
      write_class(b, &gc);
    }
  }
  for (i = lw->first_class; i < m->classes.len; i++)
    write_class(b, GWR_VEC_AT(&m->classes, const gwr__gatewayclass *, i));
  for (i = lw->first_gateway; i < m->gateways.len; i++)
    write_gateway(b, GWR_VEC_AT(&m->gateways, const gwr__gateway *, i));
  for (i = lw->first_grant; i < m->grants.len; i++)
    write_grant(b, GWR_VEC_AT(&m->grants, const gwr__refgrant *, i));
  for (i = lw->first_route; i < m->routes.len; i++)
    write_route(b, GWR_VEC_AT(&m->routes, const gwr__route *, i));
}

int gwr_config_convert(const gwr_config *cfg, char **yaml, char **notes, size_t *note_count) {
  gwr__arena ar;
  gwr__lowered lw;
  gwr__buf out, nb;
  size_t i;
  int rc;
  if (!cfg || !yaml) return GWR_E_INVALID;
  *yaml = NULL;
  if (notes) *notes = NULL;
  if (note_count) *note_count = 0;
  gwr__arena_init(&ar, &cfg->alloc);
  rc = gwr__ingress_lower(cfg, &ar, &cfg->alloc, &lw);
  if (rc != GWR_OK) {
    gwr__arena_free(&ar);
    return rc;
  }
  gwr__buf_init(&out, &cfg->alloc);
  gwr__buf_init(&nb, &cfg->alloc);
  write_objects(&out, &lw, cfg->model.ingresses.len);
  for (i = 0; i < lw.notes.len; i++) gwr__buf_printf(&nb, "note: %s\n", GWR_VEC_AT(&lw.notes, const char *, i));
  if (note_count) *note_count = lw.notes.len;
  if (cfg->model.ingresses.len == 0) {
    gwr__buf_puts(&nb, "note: the configuration has no networking.k8s.io/v1 Ingress objects: nothing to convert\n");
    if (note_count) (*note_count)++;
  }
  gwr__lowered_free(&lw, &cfg->alloc);
  gwr__arena_free(&ar);
  rc = gwr__buf_finish(&out, yaml);
  if (rc == GWR_OK && notes) {
    rc = gwr__buf_finish(&nb, notes);
    if (rc != GWR_OK) {
      gwr_report_free(*yaml);
      *yaml = NULL;
    }
  } else {
    gwr__buf_free(&nb);
  }
  return rc;
}
