/* SPDX-License-Identifier: Apache-2.0 */
/*
 * validate.c - stage 2: the schema, pattern, limit and CEL rules of the
 * Gateway API CRDs (digest §1.6, §2.1-2.2, §4.1, §5, §6.1), re-implemented
 * because gwroute may be fed objects that never went through an API server.
 *
 * In: one loaded object. Out: NULL (valid) or a message plus the field path.
 * An object failing here is rejected whole, as the API server would.
 * Values the schema admits but this engine cannot serve (an unknown enum
 * from a newer CRD, a regex that does not compile) are not rejected here:
 * they make one rule invalid (UnsupportedValue, digest §9, S1/S2).
 */
#include <stdio.h>

#include "config.h"
#include "ingress.h"
#include "regex.h"

typedef struct vctx {
  gwr_config *cfg;
  char *field;
  size_t cap;
  const char *msg;
} vctx;

/* Record the first problem: field path from a printf format, then message. */
static int bad(vctx *v, const char *msg, const char *fmt, ...) GWR_PRINTF(3, 4);
static int bad(vctx *v, const char *msg, const char *fmt, ...) {
  va_list ap;
  if (v->msg) return 0;
  va_start(ap, fmt);
  vsnprintf(v->field, v->cap, fmt, ap);
  va_end(ap);
  v->msg = msg;
  return 0;
}

/* ---- string types (digest §1.6) ------------------------------------------ */

static int is_alnum_lower(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* One RFC 1123 label: [a-z0-9]([-a-z0-9]*[a-z0-9])?, at most 63 chars. */
static int dns_label(const char *p, size_t n) {
  size_t i;
  if (n == 0 || n > 63 || !is_alnum_lower(p[0]) || !is_alnum_lower(p[n - 1])) return 0;
  for (i = 1; i + 1 < n; i++)
    if (!is_alnum_lower(p[i]) && p[i] != '-') return 0;
  return 1;
}

/* Dot-separated labels (PreciseHostname / SectionName / Group shape). */
static int dns_subdomain(gwr__sv s, size_t max) {
  size_t start = 0, i;
  if (s.len == 0 || s.len > max) return 0;
  for (i = 0; i <= s.len; i++)
    if (i == s.len || s.ptr[i] == '.') {
      if (!dns_label(s.ptr + start, i - start)) return 0;
      start = i + 1;
    }
  return 1;
}

static int is_ipv4_literal(gwr__sv s) {
  size_t i, dots = 0;
  for (i = 0; i < s.len; i++) {
    if (s.ptr[i] == '.')
      dots++;
    else if (s.ptr[i] < '0' || s.ptr[i] > '9')
      return 0;
  }
  return dots == 3;
}

int gwr__valid_hostname(gwr__sv s, int allow_wildcard) {
  if (s.len > 253) return 0;
  if (allow_wildcard && s.len > 2 && s.ptr[0] == '*' && s.ptr[1] == '.')
    s = gwr__sv_make(s.ptr + 2, s.len - 2);
  return dns_subdomain(s, 253) && !is_ipv4_literal(s);
}

static int valid_section(gwr__sv s) { return dns_subdomain(s, 253); }

static int valid_namespace(gwr__sv s) { return dns_label(s.ptr, s.len); }

static int valid_group(gwr__sv s) { return s.len == 0 || dns_subdomain(s, 253); }

static int valid_kind(gwr__sv s) {
  size_t i;
  if (s.len == 0 || s.len > 63) return 0;
  for (i = 0; i < s.len; i++) {
    char c = s.ptr[i];
    int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    int digit = c >= '0' && c <= '9';
    if (i == 0 && !alpha) return 0;
    if (!alpha && !digit && !(c == '-' && i + 1 < s.len)) return 0;
  }
  return 1;
}

static int valid_name(gwr__sv s) { return s.len >= 1 && s.len <= 253; }

int gwr__valid_header_name(gwr__sv s) {
  static const char extra[] = "!#$%&'*+-.^_`|~";
  size_t i;
  if (s.len == 0 || s.len > 256) return 0;
  for (i = 0; i < s.len; i++) {
    char c = s.ptr[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) continue;
    if (c == '\0' || !strchr(extra, c)) return 0;
  }
  return 1;
}

/* ProtocolType: ^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$ or domain/name. */
static int valid_protocol(gwr__sv s) {
  const char *slash = s.len ? memchr(s.ptr, '/', s.len) : NULL;
  size_t i;
  if (s.len == 0 || s.len > 255) return 0;
  if (slash) {
    size_t d = (size_t)(slash - s.ptr);
    if (!dns_subdomain(gwr__sv_make(s.ptr, d), 253) || d + 1 == s.len) return 0;
    for (i = d + 1; i < s.len; i++)
      if (!((s.ptr[i] >= 'a' && s.ptr[i] <= 'z') || (s.ptr[i] >= 'A' && s.ptr[i] <= 'Z') ||
            (s.ptr[i] >= '0' && s.ptr[i] <= '9')))
        return 0;
    return 1;
  }
  for (i = 0; i < s.len; i++) {
    char c = s.ptr[i];
    int an = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!an && !(c == '-' && i > 0 && i + 1 < s.len)) return 0;
  }
  return 1;
}

/* GatewayController: domain "/" path of [A-Za-z0-9/\-._~%!$&'()*+,;=:]. */
static int valid_controller(gwr__sv s) {
  static const char extra[] = "/-._~%!$&'()*+,;=:";
  const char *slash = s.len ? memchr(s.ptr, '/', s.len) : NULL;
  size_t i, d;
  if (!slash || s.len > 253) return 0;
  d = (size_t)(slash - s.ptr);
  if (!dns_subdomain(gwr__sv_make(s.ptr, d), 253) || d + 1 == s.len) return 0;
  for (i = d + 1; i < s.len; i++) {
    char c = s.ptr[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) continue;
    if (c == '\0' || !strchr(extra, c)) return 0;
  }
  return 1;
}

/* ---- path values (H1) -------------------------------------------------- */

static int contains(gwr__sv s, const char *needle) {
  size_t n = strlen(needle), i;
  for (i = 0; i + n <= s.len; i++)
    if (memcmp(s.ptr + i, needle, n) == 0) return 1;
  return 0;
}

static int ends_with(gwr__sv s, const char *suffix) {
  size_t n = strlen(suffix);
  return s.len >= n && memcmp(s.ptr + s.len - n, suffix, n) == 0;
}

static int is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The H1 rules; returns the message of the first rule broken, or NULL. */
const char *gwr__path_value_problem(gwr__sv p) {
  static const char chars[] = "-/._~!$&'()*+,;=:@";
  size_t i;
  if (p.len == 0 || p.ptr[0] != '/') return "must start with '/'";
  if (p.len > 1024) return "must be at most 1024 characters";
  if (contains(p, "//")) return "must not contain '//'";
  if (contains(p, "/./")) return "must not contain '/./'";
  if (contains(p, "/../")) return "must not contain '/../'";
  if (contains(p, "%2f") || contains(p, "%2F")) return "must not contain '%2f' or '%2F'";
  if (contains(p, "#")) return "must not contain '#'";
  if (ends_with(p, "/..")) return "must not end with '/..'";
  if (ends_with(p, "/.")) return "must not end with '/.'";
  for (i = 0; i < p.len; i++) {
    char c = p.ptr[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) continue;
    if (c == '%' && i + 2 < p.len + 0 && is_hex(p.ptr[i + 1]) && is_hex(p.ptr[i + 2])) {
      i += 2;
      continue;
    }
    if (c == '\0' || !strchr(chars, c)) return "must only contain valid path characters";
  }
  return NULL;
}

/* ---- durations (T5) ---------------------------------------------------- */

/* ^([0-9]{1,5}(h|m|s|ms)){1,4}$ ; sums the components into *ms. */
int gwr__parse_duration(gwr__sv s, int64_t *ms) {
  size_t i = 0, parts = 0;
  int64_t total = 0;
  while (i < s.len) {
    int64_t v = 0, unit;
    size_t d = 0;
    while (i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9' && d < 6) {
      v = v * 10 + (s.ptr[i++] - '0');
      d++;
    }
    if (d == 0 || d > 5 || i == s.len) return 0;
    if (s.ptr[i] == 'h') unit = 3600000, i++;
    else if (s.ptr[i] == 'm' && i + 1 < s.len && s.ptr[i + 1] == 's') unit = 1, i += 2;
    else if (s.ptr[i] == 'm') unit = 60000, i++;
    else if (s.ptr[i] == 's') unit = 1000, i++;
    else return 0;
    total += v * unit;
    if (++parts > 4) return 0;
  }
  if (parts == 0) return 0;
  *ms = total;
  return 1;
}

/* ---- GatewayClass -------------------------------------------------------- */

static int check_meta(vctx *v, const gwr__meta *m, int namespaced) {
  if (!valid_name(m->name)) return bad(v, "must be 1 to 253 characters", "metadata.name");
  if (namespaced && !valid_namespace(m->ns))
    return bad(v, "must be an RFC 1123 label", "metadata.namespace");
  return 1;
}

const char *gwr__validate_gatewayclass(gwr_config *cfg, gwr__gatewayclass *gc,
                                       char *field, size_t cap) {
  vctx v = {cfg, field, cap, NULL};
  if (check_meta(&v, &gc->meta, 0) && !valid_controller(gc->controller))
    bad(&v, "must be a domain-prefixed path (example.net/controller)", "spec.controllerName");
  return v.msg;
}

/* ---- Gateway --------------------------------------------------------------- */

static int check_listener_tls(vctx *v, const gwr__listener *l, size_t i) {
  int p = l->protocol;
  if ((p == GWR_PROTO_HTTPS || p == GWR_PROTO_TLS) && !l->tls_set)
    return bad(v, "tls must be specified for protocols HTTPS and TLS", "spec.listeners[%zu].tls", i);
  if ((p == GWR_PROTO_HTTP || p == GWR_PROTO_TCP || p == GWR_PROTO_UDP) && l->tls_set)
    return bad(v, "tls must not be specified for protocols HTTP, TCP and UDP",
               "spec.listeners[%zu].tls", i);
  if (p == GWR_PROTO_HTTPS && l->tls_mode == GWR_TLS_PASSTHROUGH)
    return bad(v, "tls mode must be Terminate for protocol HTTPS", "spec.listeners[%zu].tls.mode", i);
  if (l->tls_mode == GWR_TLS_TERMINATE && l->cert_count == 0 && l->tls_option_count == 0)
    return bad(v, "certificateRefs or options must be specified when mode is Terminate",
               "spec.listeners[%zu].tls", i);
  if (l->cert_count > 64) return bad(v, "must have at most 64 items", "spec.listeners[%zu].tls.certificateRefs", i);
  if (l->tls_option_count > 16) return bad(v, "must have at most 16 items", "spec.listeners[%zu].tls.options", i);
  return 1;
}

static int check_listener(vctx *v, const gwr__listener *l, size_t i) {
  size_t k;
  if (!valid_section(l->name))
    return bad(v, "must be a lowercase RFC 1123 subdomain", "spec.listeners[%zu].name", i);
  if (l->hostname.ptr && !gwr__valid_hostname(l->hostname, 1))
    return bad(v, "must be a valid hostname (lowercase, optional leading '*.', no IP)",
               "spec.listeners[%zu].hostname", i);
  if (l->hostname.len && (l->protocol == GWR_PROTO_TCP || l->protocol == GWR_PROTO_UDP))
    return bad(v, "hostname must not be specified for protocols TCP and UDP",
               "spec.listeners[%zu].hostname", i);
  if (!valid_protocol(l->protocol_text))
    return bad(v, "must be a valid protocol type", "spec.listeners[%zu].protocol", i);
  if (!check_listener_tls(v, l, i)) return 0;
  if (l->kind_count > 8) return bad(v, "must have at most 8 items", "spec.listeners[%zu].allowedRoutes.kinds", i);
  for (k = 0; k < l->kind_count; k++)
    if (!valid_kind(l->kinds[k].kind) || !valid_group(l->kinds[k].group))
      return bad(v, "must be a valid group and kind", "spec.listeners[%zu].allowedRoutes.kinds[%zu]", i, k);
  return 1;
}

/* A5: names unique; (port, protocol, hostname) unique. */
static int check_listener_pairs(vctx *v, const gwr__gateway *gw) {
  size_t i, j;
  for (i = 0; i < gw->listener_count; i++)
    for (j = 0; j < i; j++) {
      const gwr__listener *a = &gw->listeners[i], *b = &gw->listeners[j];
      if (gwr__sv_eq(a->name, b->name))
        return bad(v, "Listener name must be unique within the Gateway", "spec.listeners[%zu].name", i);
      if (a->port == b->port && gwr__sv_eq(a->protocol_text, b->protocol_text) &&
          gwr__sv_eq(a->hostname, b->hostname))
        return bad(v, "Combination of port, protocol and hostname must be unique for each listener",
                   "spec.listeners[%zu]", i);
    }
  return 1;
}

const char *gwr__validate_gateway(gwr_config *cfg, gwr__gateway *gw, char *field,
                                  size_t cap) {
  vctx v = {cfg, field, cap, NULL};
  size_t i;
  if (!check_meta(&v, &gw->meta, 1)) return v.msg;
  if (!valid_name(gw->class_name)) return bad(&v, "must be 1 to 253 characters", "spec.gatewayClassName"), v.msg;
  if (gw->listener_count < 1 || gw->listener_count > 64)
    return bad(&v, "must have 1 to 64 listeners", "spec.listeners"), v.msg;
  for (i = 0; i < gw->listener_count; i++)
    if (!check_listener(&v, &gw->listeners[i], i)) return v.msg;
  check_listener_pairs(&v, gw);
  return v.msg;
}

/* ListenerSet: a parent Gateway and 1..64 listeners (the Gateway's rules). */
const char *gwr__validate_listenerset(gwr_config *cfg, gwr__listenerset *ls, char *field,
                                      size_t cap) {
  vctx v = {cfg, field, cap, NULL};
  gwr__gateway as_gateway;
  size_t i;
  if (!check_meta(&v, &ls->meta, 1)) return v.msg;
  if (!valid_name(ls->parent.name)) return bad(&v, "must be 1 to 253 characters", "spec.parentRef.name"), v.msg;
  if (!valid_namespace(ls->parent.ns))
    return bad(&v, "must be an RFC 1123 label", "spec.parentRef.namespace"), v.msg;
  if (!valid_group(ls->parent.group) || !valid_kind(ls->parent.kind))
    return bad(&v, "must be a valid group and kind", "spec.parentRef.kind"), v.msg;
  if (ls->listener_count < 1 || ls->listener_count > 64)
    return bad(&v, "must have 1 to 64 listeners", "spec.listeners"), v.msg;
  for (i = 0; i < ls->listener_count; i++)
    if (!check_listener(&v, &ls->listeners[i], i)) return v.msg;
  memset(&as_gateway, 0, sizeof as_gateway);
  as_gateway.listeners = ls->listeners;
  as_gateway.listener_count = ls->listener_count;
  check_listener_pairs(&v, &as_gateway);
  return v.msg;
}

/* ---- HTTPRoute: parents, hostnames --------------------------------------- */

static int same_parent(const gwr__parentref *a, const gwr__parentref *b) {
  return gwr__sv_eq(a->ref.group, b->ref.group) && gwr__sv_eq(a->ref.kind, b->ref.kind) &&
         gwr__sv_eq(a->ref.ns, b->ref.ns) && gwr__sv_eq(a->ref.name, b->ref.name);
}

static int check_parents(vctx *v, const gwr__route *r) {
  size_t i, j;
  if (r->parent_count > 32) return bad(v, "must have at most 32 items", "spec.parentRefs");
  for (i = 0; i < r->parent_count; i++) {
    const gwr__parentref *p = &r->parents[i];
    if (!valid_name(p->ref.name)) return bad(v, "must be 1 to 253 characters", "spec.parentRefs[%zu].name", i);
    if (!valid_namespace(p->ref.ns)) return bad(v, "must be an RFC 1123 label", "spec.parentRefs[%zu].namespace", i);
    if (!valid_group(p->ref.group)) return bad(v, "must be a valid group", "spec.parentRefs[%zu].group", i);
    if (!valid_kind(p->ref.kind)) return bad(v, "must be a valid kind", "spec.parentRefs[%zu].kind", i);
    if (p->section.ptr && !valid_section(p->section))
      return bad(v, "must be a lowercase RFC 1123 subdomain", "spec.parentRefs[%zu].sectionName", i);
    for (j = 0; j < i; j++) /* A15 */
      if (same_parent(p, &r->parents[j]) &&
          (!p->section.len || !r->parents[j].section.len || gwr__sv_eq(p->section, r->parents[j].section)))
        return bad(v, "sectionName must be specified when parentRefs includes 2 or more references "
                   "to the same parent, and must be unique", "spec.parentRefs[%zu]", i);
  }
  return 1;
}

static int check_hostnames(vctx *v, const gwr__route *r) {
  size_t i, max = r->kind == GWR_ROUTE_TLS && !r->alpha ? 1024 : 16;
  if (r->kind == GWR_ROUTE_TLS && !r->alpha && r->hostname_count == 0)
    return bad(v, "Required value: at least one hostname", "spec.hostnames"); /* L1 */
  if (r->hostname_count > max)
    return bad(v, max == 16 ? "must have at most 16 items" : "must have at most 1024 items", "spec.hostnames");
  for (i = 0; i < r->hostname_count; i++)
    if (!gwr__valid_hostname(r->hostnames[i], 1))
      return bad(v, "must be a valid hostname (lowercase, optional leading '*.', no IP)",
                 "spec.hostnames[%zu]", i);
  return 1;
}

/* ---- HTTPRoute: matches (H1, H6, H9, H10) --------------------------------- */

static const char *const methods[] = {"GET", "HEAD", "POST", "PUT", "DELETE",
                                      "CONNECT", "OPTIONS", "TRACE", "PATCH", NULL};

uint8_t gwr__method_code(gwr__sv m) {
  size_t i;
  if (m.len == 0) return 0;
  for (i = 0; methods[i]; i++) /* the first letter first: most methods end there */
    if (m.ptr[0] == methods[i][0] && strlen(methods[i]) == m.len && memcmp(m.ptr, methods[i], m.len) == 0)
      return (uint8_t)(i + 1);
  return GWR_METHOD_OTHER;
}

int gwr__valid_method(gwr__sv m) {
  uint8_t code = gwr__method_code(m);
  return code != 0 && code != GWR_METHOD_OTHER;
}

static void rule_unsupported(vctx *v, gwr__rule *rule, const char *fmt_msg,
                             size_t ri, size_t mi) {
  if (rule->invalid_reason) return;
  rule->invalid_reason = "UnsupportedValue";
  rule->invalid_message = gwr__arena_printf(v->cfg->arena, fmt_msg, ri, mi);
}

static int check_kv(vctx *v, const gwr__kv_match *kv, size_t n, size_t max_value,
                    const char *what, size_t ri, size_t mi) {
  size_t i, j;
  if (n > 16) return bad(v, "must have at most 16 items", "spec.rules[%zu].matches[%zu].%s", ri, mi, what);
  for (i = 0; i < n; i++) {
    if (!gwr__valid_header_name(kv[i].name))
      return bad(v, "must be a valid header name (RFC 7230 token, 1 to 256 characters)",
                 "spec.rules[%zu].matches[%zu].%s[%zu].name", ri, mi, what, i);
    if (kv[i].value.len < 1 || kv[i].value.len > max_value)
      return bad(v, max_value == 4096 ? "must be 1 to 4096 characters" : "must be 1 to 1024 characters",
                 "spec.rules[%zu].matches[%zu].%s[%zu].value", ri, mi, what, i);
    for (j = 0; j < i; j++)
      if (gwr__sv_eq(kv[i].name, kv[j].name))
        return bad(v, "Duplicate value: names must be unique", "spec.rules[%zu].matches[%zu].%s[%zu].name",
                   ri, mi, what, i);
  }
  return 1;
}

/* G2: Exact names have the shapes of the wire path (no '/'). */
static int grpc_service_ok(gwr__sv s) {
  size_t i, start = 0;
  if (s.len && s.ptr[0] == '.') start = 1; /* admitted by the validator; stripped by load.c */
  for (i = start; i <= s.len; i++) {
    size_t label = i;
    while (i < s.len && s.ptr[i] != '.') {
      char c = (char)(s.ptr[i] | 0x20); /* (?i) */
      if (!((c >= 'a' && c <= 'z') || s.ptr[i] == '_' || (i > label && s.ptr[i] >= '0' && s.ptr[i] <= '9')))
        return 0;
      i++;
    }
    if (i == label) return 0;
  }
  return 1;
}

static int grpc_method_ok(gwr__sv m) {
  size_t i;
  if (m.len == 0) return 0;
  for (i = 0; i < m.len; i++) {
    char c = m.ptr[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i && c >= '0' && c <= '9')))
      return 0;
  }
  return 1;
}

static int check_grpc_match(vctx *v, const gwr__match *m, size_t ri, size_t mi) {
  const gwr__grpc_method *g = &m->grpc;
  if (g->set) {
    /* the leading '.' is already stripped from an Exact service */
    if (g->service.len == 0 && g->method.len == 0)
      return bad(v, "One or both of 'service' or 'method' must be specified",
                 "spec.rules[%zu].matches[%zu].method", ri, mi);
    if (g->service.len > 1024 || g->method.len > 1024)
      return bad(v, "must be at most 1024 characters", "spec.rules[%zu].matches[%zu].method", ri, mi);
    if (g->type == GWR_VALUE_EXACT && g->service.len && !grpc_service_ok(g->service))
      return bad(v, "service must only contain valid characters (matching "
                 "^(?i)\\.?[a-z_][a-z_0-9]*(\\.[a-z_][a-z_0-9]*)*$)",
                 "spec.rules[%zu].matches[%zu].method.service", ri, mi);
    if (g->type == GWR_VALUE_EXACT && g->method.len && !grpc_method_ok(g->method))
      return bad(v, "method must only contain valid characters (matching ^[A-Za-z_][A-Za-z_0-9]*$)",
                 "spec.rules[%zu].matches[%zu].method.method", ri, mi);
  }
  return check_kv(v, m->headers, m->header_count, 4096, "headers", ri, mi);
}

static int check_match(vctx *v, gwr__rule *rule, const gwr__match *m, size_t ri, size_t mi) {
  if (m->path_type != GWR_PATH_REGEX) {
    const char *p = gwr__path_value_problem(m->path);
    if (p) return bad(v, p, "spec.rules[%zu].matches[%zu].path.value", ri, mi);
  } else if (m->path.len > 1024) {
    return bad(v, "must be at most 1024 characters", "spec.rules[%zu].matches[%zu].path.value", ri, mi);
  }
  if (!check_kv(v, m->headers, m->header_count, 4096, "headers", ri, mi)) return 0;
  if (!check_kv(v, m->queries, m->query_count, 1024, "queryParams", ri, mi)) return 0;
  if (m->method.len && !gwr__valid_method(m->method))
    rule_unsupported(v, rule, "spec.rules[%zu].matches[%zu].method: unsupported value", ri, mi);
  return 1;
}

/* Rule-level regex check: a pattern PCRE2 cannot compile drops the rule. */
static void check_rule_regexes(vctx *v, gwr__rule *rule, size_t ri) {
  size_t mi, k;
  for (mi = 0; mi < rule->match_count && !rule->invalid_reason; mi++) {
    const gwr__match *m = &rule->matches[mi];
    char err[256];
    if (m->path_type == GWR_PATH_REGEX &&
        !gwr__regex_check(m->path, v->cfg->opt.regex_max_length, err, sizeof err)) {
      rule->invalid_reason = "UnsupportedValue";
      rule->invalid_message = gwr__arena_printf(v->cfg->arena,
          "spec.rules[%zu].matches[%zu].path.value: unsupported regular expression: %s", ri, mi, err);
    }
    for (k = 0; k < m->header_count + m->query_count && !rule->invalid_reason; k++) {
      const gwr__kv_match *kv = k < m->header_count ? &m->headers[k] : &m->queries[k - m->header_count];
      if (kv->type == GWR_VALUE_REGEX &&
          !gwr__regex_check(kv->value, v->cfg->opt.regex_max_length, err, sizeof err)) {
        rule->invalid_reason = "UnsupportedValue";
        rule->invalid_message = gwr__arena_printf(v->cfg->arena,
            "spec.rules[%zu].matches[%zu]: unsupported regular expression: %s", ri, mi, err);
      }
    }
  }
}

/* ---- HTTPRoute: filters (F1-F4, F8, F12, F27, §5.6) ---------------------- */

/* A value sent on the wire: no CR, LF or NUL can ever reach a decision. */
static int safe_header_value(gwr__sv v) {
  size_t i;
  for (i = 0; i < v.len; i++)
    if (v.ptr[i] == '\r' || v.ptr[i] == '\n' || v.ptr[i] == '\0') return 0;
  return v.len >= 1 && v.len <= 4096;
}

static int check_header_pairs(vctx *v, const gwr__label *pairs, size_t n, const char *at,
                              const char *what) {
  size_t i;
  if (n > 16) return bad(v, "must have at most 16 items", "%s.%s", at, what);
  for (i = 0; i < n; i++) {
    if (!gwr__valid_header_name(pairs[i].key))
      return bad(v, "must be a valid header name", "%s.%s[%zu].name", at, what, i);
    if (!safe_header_value(pairs[i].value))
      return bad(v, "must be 1 to 4096 characters without CR, LF or NUL", "%s.%s[%zu].value", at,
                 what, i);
  }
  return 1;
}

/* The i-th header name of a modifier, over set, add and remove in turn. */
static gwr__sv mod_name(const gwr__header_mod *h, size_t i) {
  if (i < h->set_count) return h->set[i].key;
  i -= h->set_count;
  if (i < h->add_count) return h->add[i].key;
  return h->remove[i - h->add_count];
}

static int check_header_mod(vctx *v, const gwr__header_mod *h, const char *at) {
  size_t i, j, n = h->set_count + h->add_count + h->remove_count;
  if (!check_header_pairs(v, h->set, h->set_count, at, "set") ||
      !check_header_pairs(v, h->add, h->add_count, at, "add"))
    return 0;
  if (h->remove_count > 16) return bad(v, "must have at most 16 items", "%s.remove", at);
  for (i = 0; i < n; i++) /* F12 */
    for (j = 0; j < i; j++)
      if (gwr__sv_casecmp_eq(mod_name(h, i), mod_name(h, j)))
        return bad(v, "a header name may appear in only one of set, add and remove, once", "%s", at);
  return 1;
}

static int valid_origin(gwr__sv o) {
  size_t i = 0, start;
  if (gwr__sv_eq_cstr(o, "*")) return 1;
  if (o.len > 253) return 0;
  if (o.len > 7 && memcmp(o.ptr, "http://", 7) == 0) i = 7;
  else if (o.len > 8 && memcmp(o.ptr, "https://", 8) == 0) i = 8;
  else return 0;
  if (o.len - i >= 2 && o.ptr[i] == '*' && o.ptr[i + 1] == '.') i += 2;
  else if (o.len - i >= 1 && o.ptr[i] == '*' && (i + 1 == o.len || o.ptr[i + 1] == ':')) {
    i += 1;
    goto port;
  }
  start = i;
  for (; i < o.len && o.ptr[i] != ':'; i++) {
    char c = o.ptr[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '.'))
      return 0;
  }
  if (i == start || o.ptr[i - 1] == '.' || o.ptr[start] == '.') return 0;
port:
  if (i < o.len) {
    size_t d = 0;
    for (i++; i < o.len; i++, d++)
      if (o.ptr[i] < '0' || o.ptr[i] > '9') return 0;
    if (d < 1 || d > 5) return 0;
  }
  return 1;
}

static int star_alone(const gwr__sv *list, size_t n) {
  size_t i;
  for (i = 0; i < n; i++)
    if (gwr__sv_eq_cstr(list[i], "*") && n > 1) return 0;
  return 1;
}

static int check_cors(vctx *v, const gwr__cors *c, const char *at) {
  size_t i;
  if (c->origin_count > 64 || c->method_count > 9 || c->allow_header_count > 64 ||
      c->expose_header_count > 64)
    return bad(v, "too many items", "%s", at);
  for (i = 0; i < c->origin_count; i++)
    if (!valid_origin(c->origins[i])) return bad(v, "must be a valid origin", "%s.allowOrigins[%zu]", at, i);
  for (i = 0; i < c->method_count; i++)
    if (!gwr__sv_eq_cstr(c->methods[i], "*") && !gwr__valid_method(c->methods[i]))
      return bad(v, "must be an HTTP method or '*'", "%s.allowMethods[%zu]", at, i);
  for (i = 0; i < c->allow_header_count; i++)
    if (!gwr__sv_eq_cstr(c->allow_headers[i], "*") && !gwr__valid_header_name(c->allow_headers[i]))
      return bad(v, "must be a valid header name", "%s.allowHeaders[%zu]", at, i);
  for (i = 0; i < c->expose_header_count; i++)
    if (!gwr__sv_eq_cstr(c->expose_headers[i], "*") && !gwr__valid_header_name(c->expose_headers[i]))
      return bad(v, "must be a valid header name", "%s.exposeHeaders[%zu]", at, i);
  if (!star_alone(c->origins, c->origin_count))
    return bad(v, "'*' must not be combined with other origins", "%s.allowOrigins", at);
  if (!star_alone(c->methods, c->method_count))
    return bad(v, "'*' must not be combined with other methods", "%s.allowMethods", at);
  if (!star_alone(c->allow_headers, c->allow_header_count))
    return bad(v, "'*' must not be combined with other headers", "%s.allowHeaders", at);
  if (c->max_age < 1) return bad(v, "must be at least 1", "%s.maxAge", at);
  return 1;
}

static int check_path_mod(vctx *v, const gwr__path_mod *pm, const gwr__rule *rule, const char *at) {
  if (pm->value.len > 1024) return bad(v, "must be at most 1024 characters", "%s.path", at);
  if (pm->type == GWR_PATHMOD_PREFIX &&
      (rule->match_count != 1 || rule->matches[0].path_type != GWR_PATH_PREFIX))
    return bad(v, "ReplacePrefixMatch requires exactly one match with a PathPrefix path", "%s.path", at);
  return 1;
}

static int check_backend_ref(vctx *v, const gwr__objref *b, const char *at) {
  if (!valid_name(b->name)) return bad(v, "must be 1 to 253 characters", "%s.name", at);
  if (!valid_namespace(b->ns)) return bad(v, "must be an RFC 1123 label", "%s.namespace", at);
  if (!valid_group(b->group) || !valid_kind(b->kind)) return bad(v, "must be a valid group and kind", "%s.kind", at);
  if (b->group.len == 0 && gwr__sv_eq_cstr(b->kind, "Service") && b->port == 0)
    return bad(v, "Must have port for Service reference", "%s.port", at);
  return 1;
}

static int check_filter(vctx *v, gwr__rule *rule, const gwr__filter *f, const char *at) {
  char sub[300];
  switch (f->type) {
    case GWR_FILTER_REQUEST_HEADER:
    case GWR_FILTER_RESPONSE_HEADER: {
      snprintf(sub, sizeof sub, "%.200s.%s", at,
               f->type == GWR_FILTER_REQUEST_HEADER ? "requestHeaderModifier" : "responseHeaderModifier");
      return check_header_mod(v, &f->headers, sub);
    }
    case GWR_FILTER_REDIRECT:
      snprintf(sub, sizeof sub, "%.200s.requestRedirect", at);
      if (f->redirect.hostname.len && !gwr__valid_hostname(f->redirect.hostname, 0))
        return bad(v, "must be a valid precise hostname", "%s.hostname", sub);
      if (f->redirect.scheme.len && !gwr__sv_eq_cstr(f->redirect.scheme, "http") &&
          !gwr__sv_eq_cstr(f->redirect.scheme, "https") && !rule->invalid_reason) {
        rule->invalid_reason = "UnsupportedValue";
        rule->invalid_message = gwr__arena_printf(v->cfg->arena, "%s.scheme: unsupported value", sub);
      }
      if (f->redirect.status != 301 && f->redirect.status != 302 && f->redirect.status != 303 &&
          f->redirect.status != 307 && f->redirect.status != 308 && !rule->invalid_reason) {
        rule->invalid_reason = "UnsupportedValue";
        rule->invalid_message = gwr__arena_printf(v->cfg->arena, "%s.statusCode: unsupported value", sub);
      }
      return check_path_mod(v, &f->redirect.path, rule, sub);
    case GWR_FILTER_REWRITE:
      snprintf(sub, sizeof sub, "%.200s.urlRewrite", at);
      if (f->rewrite.hostname.len && !gwr__valid_hostname(f->rewrite.hostname, 0))
        return bad(v, "must be a valid precise hostname", "%s.hostname", sub);
      return check_path_mod(v, &f->rewrite.path, rule, sub);
    case GWR_FILTER_MIRROR:
      snprintf(sub, sizeof sub, "%.200s.requestMirror", at);
      if (f->mirror.percent_set && f->mirror.fraction_set)
        return bad(v, "Only one of percent or fraction may be specified", "%s", sub);
      if (f->mirror.percent_set && (f->mirror.percent < 0 || f->mirror.percent > 100))
        return bad(v, "must be between 0 and 100", "%s.percent", sub);
      if (f->mirror.fraction_set &&
          (f->mirror.numerator < 0 || f->mirror.denominator < 1 || f->mirror.numerator > f->mirror.denominator))
        return bad(v, "numerator must be between 0 and denominator, denominator at least 1", "%s.fraction", sub);
      snprintf(sub, sizeof sub, "%.200s.requestMirror.backendRef", at);
      return check_backend_ref(v, &f->mirror.backend, sub);
    case GWR_FILTER_CORS:
      snprintf(sub, sizeof sub, "%.200s.cors", at);
      return check_cors(v, &f->cors, sub);
    default:
      return 1;
  }
}

/* F1, F2: per-type repetition and redirect/rewrite exclusivity. */
static int check_filter_list(vctx *v, gwr__rule *rule, const gwr__filter *fs, size_t n,
                             const char *at) {
  int seen[GWR_FILTER_EXTERNAL_AUTH + 1] = {0};
  size_t i;
  char sub[300];
  if (n > 16) return bad(v, "must have at most 16 items", "%s", at);
  for (i = 0; i < n; i++) {
    int t = fs[i].type;
    snprintf(sub, sizeof sub, "%.200s[%zu]", at, i);
    if (t != GWR_FILTER_UNKNOWN && t != GWR_FILTER_MIRROR && t != GWR_FILTER_EXTENSION_REF && seen[t])
      return bad(v, "filter type may only be used once in a filter list", "%s.type", sub);
    seen[t] = 1;
    if (!check_filter(v, rule, &fs[i], sub)) return 0;
  }
  if (seen[GWR_FILTER_REDIRECT] && seen[GWR_FILTER_REWRITE])
    return bad(v, "May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both",
               "%s", at);
  return 1;
}

/* §7.1: GRPCRoute filters are the header modifiers, RequestMirror and
 * ExtensionRef; an HTTP-only type drops the rule like an unknown one. */
static void grpc_filter_types(vctx *v, gwr__rule *rule, const gwr__filter *fs, size_t n,
                              const char *at) {
  size_t i;
  for (i = 0; i < n && !rule->invalid_reason; i++) {
    int t = fs[i].type;
    if (t == GWR_FILTER_REDIRECT || t == GWR_FILTER_REWRITE || t == GWR_FILTER_CORS ||
        t == GWR_FILTER_EXTERNAL_AUTH) {
      rule->invalid_reason = "UnsupportedValue";
      rule->invalid_message = gwr__arena_printf(
          v->cfg->arena, "%s[%zu].type: unsupported value \"%s\" (not a GRPCRoute filter)", at, i,
          fs[i].type_text.ptr);
    }
  }
}

static int check_rule(vctx *v, const gwr__route *r, gwr__rule *rule, size_t ri) {
  size_t i;
  char at[128];
  if (rule->name.len && !valid_section(rule->name))
    return bad(v, "must be a lowercase RFC 1123 subdomain", "spec.rules[%zu].name", ri);
  if (rule->match_count > 64) return bad(v, "must have at most 64 items", "spec.rules[%zu].matches", ri);
  if (r->kind >= GWR_ROUTE_TLS) { /* L1, L5, L8: backendRefs 1..16 */
    if (rule->backend_count < 1)
      return bad(v, "must have at least 1 item", "spec.rules[%zu].backendRefs", ri);
  }
  for (i = 0; i < rule->match_count; i++)
    if (!(r->kind == GWR_ROUTE_GRPC ? check_grpc_match(v, &rule->matches[i], ri, i)
                                    : check_match(v, rule, &rule->matches[i], ri, i)))
      return 0;
  if (r->kind == GWR_ROUTE_GRPC) {
    snprintf(at, sizeof at, "spec.rules[%zu].filters", ri);
    grpc_filter_types(v, rule, rule->filters, rule->filter_count, at);
    for (i = 0; i < rule->backend_count; i++) {
      snprintf(at, sizeof at, "spec.rules[%zu].backendRefs[%zu].filters", ri, i);
      grpc_filter_types(v, rule, rule->backends[i].filters, rule->backends[i].filter_count, at);
    }
  }
  snprintf(at, sizeof at, "spec.rules[%zu].filters", ri);
  if (!check_filter_list(v, rule, rule->filters, rule->filter_count, at)) return 0;
  if (rule->backend_count > 16) return bad(v, "must have at most 16 items", "spec.rules[%zu].backendRefs", ri);
  for (i = 0; i < rule->filter_count; i++) /* F3 */
    if (rule->filters[i].type == GWR_FILTER_REDIRECT && rule->backend_count)
      return bad(v, "RequestRedirect filter must not be used with backendRefs", "spec.rules[%zu]", ri);
  for (i = 0; i < rule->backend_count; i++) {
    const gwr__backend *b = &rule->backends[i];
    snprintf(at, sizeof at, "spec.rules[%zu].backendRefs[%zu]", ri, i);
    if (!check_backend_ref(v, &b->ref, at)) return 0;
    if (b->weight < 0 || b->weight > 1000000)
      return bad(v, "must be between 0 and 1000000", "%s.weight", at);
    snprintf(at, sizeof at, "spec.rules[%zu].backendRefs[%zu].filters", ri, i);
    if (!check_filter_list(v, rule, b->filters, b->filter_count, at)) return 0;
  }
  return 1;
}

static int check_retry(vctx *v, gwr__retry *rt, size_t ri) {
  size_t i;
  if (!rt->set) return 1;
  for (i = 0; i < rt->code_count; i++)
    if (rt->codes[i] < 400 || rt->codes[i] > 599)
      return bad(v, "must be between 400 and 599", "spec.rules[%zu].retry.codes[%zu]", ri, i);
  if (rt->attempts < -1 || (rt->attempts != -1 && rt->attempts < 0))
    return bad(v, "must be at least 0", "spec.rules[%zu].retry.attempts", ri);
  if (rt->backoff.set && !gwr__parse_duration(rt->backoff.text, &rt->backoff.ms))
    return bad(v, "must be a duration like 1h30m or 500ms", "spec.rules[%zu].retry.backoff", ri);
  return 1;
}

static int check_session_durations(vctx *v, gwr__session *sp, size_t ri) {
  if (sp->absolute.set && !gwr__parse_duration(sp->absolute.text, &sp->absolute.ms))
    return bad(v, "must be a duration", "spec.rules[%zu].sessionPersistence.absoluteTimeout", ri);
  if (sp->idle.set && !gwr__parse_duration(sp->idle.text, &sp->idle.ms))
    return bad(v, "must be a duration", "spec.rules[%zu].sessionPersistence.idleTimeout", ri);
  return 1;
}

/* T10-T14 and the CEL rules of both spellings (digest §6.3, §0). */
static int check_session(vctx *v, gwr__rule *rule, size_t ri) {
  gwr__session *sp = &rule->session;
  int cookie = gwr__sv_eq_cstr(sp->type, "Cookie"), header = gwr__sv_eq_cstr(sp->type, "Header");
  if (!sp->set) return 1;
  if (!check_session_durations(v, sp, ri)) return 0;
  if (!cookie && !header) {
    if (!rule->invalid_reason) {
      rule->invalid_reason = "UnsupportedValue";
      rule->invalid_message =
          gwr__arena_printf(v->cfg->arena, "spec.rules[%zu].sessionPersistence.type: unsupported value", ri);
    }
    return 1;
  }
  if (sp->cookie_set && !cookie)
    return bad(v, "cookie may only be set when type is Cookie", "spec.rules[%zu].sessionPersistence.cookie", ri);
  if (sp->header_set && !header)
    return bad(v, "header may only be set when type is Header", "spec.rules[%zu].sessionPersistence.header", ri);
  if (header && !sp->header_set)
    return bad(v, "header is required when type is Header", "spec.rules[%zu].sessionPersistence.header", ri);
  if (sp->name.len > (sp->legacy ? 128u : 256u) || (sp->name.len && !gwr__valid_header_name(sp->name)))
    return bad(v, "must be a valid cookie or header name", "spec.rules[%zu].sessionPersistence", ri);
  if (sp->lifetime.len && !gwr__sv_eq_cstr(sp->lifetime, "Session") &&
      !gwr__sv_eq_cstr(sp->lifetime, "Permanent"))
    return bad(v, "must be one of Session, Permanent", "spec.rules[%zu].sessionPersistence", ri);
  if (gwr__sv_eq_cstr(sp->lifetime, "Permanent") && !sp->absolute.set)
    return bad(v, "absoluteTimeout must be specified when cookie lifetimeType is Permanent",
               "spec.rules[%zu].sessionPersistence.absoluteTimeout", ri);
  if (sp->cookie_path.len > 1024)
    return bad(v, "must be at most 1024 characters", "spec.rules[%zu].sessionPersistence.cookie.path", ri);
  return 1;
}

static int check_timeouts(vctx *v, gwr__rule *rule, size_t ri) {
  gwr__duration *rq = &rule->timeout_request, *be = &rule->timeout_backend;
  if (rq->set && !gwr__parse_duration(rq->text, &rq->ms))
    return bad(v, "must be a duration like 1h30m or 500ms", "spec.rules[%zu].timeouts.request", ri);
  if (be->set && !gwr__parse_duration(be->text, &be->ms))
    return bad(v, "must be a duration like 1h30m or 500ms", "spec.rules[%zu].timeouts.backendRequest", ri);
  if (rq->set && be->set && rq->ms != 0 && be->ms > rq->ms) /* T4 */
    return bad(v, "backendRequest timeout cannot be longer than request timeout",
               "spec.rules[%zu].timeouts", ri);
  return 1;
}

const char *gwr__validate_route(gwr_config *cfg, gwr__route *r, char *field,
                                    size_t cap) {
  vctx v = {cfg, field, cap, NULL};
  size_t i, j, total = 0;
  if (!check_meta(&v, &r->meta, 1) || !check_parents(&v, r) || !check_hostnames(&v, r))
    return v.msg;
  if (r->rule_count > 16) return bad(&v, "must have at most 16 items", "spec.rules"), v.msg;
  if (r->kind >= GWR_ROUTE_TLS && !r->alpha && r->rule_count != 1) /* L1, L5, L8 */
    return bad(&v, "must have exactly 1 item", "spec.rules"), v.msg;
  if (r->kind >= GWR_ROUTE_TLS && r->rule_count < 1)
    return bad(&v, "must have at least 1 item", "spec.rules"), v.msg;
  for (i = 0; i < r->rule_count; i++) {
    total += r->rules[i].match_count;
    if (!check_rule(&v, r, &r->rules[i], i) || !check_timeouts(&v, &r->rules[i], i) ||
        !check_retry(&v, &r->rules[i].retry, i) || !check_session(&v, &r->rules[i], i))
      return v.msg;
    for (j = 0; j < i; j++)
      if (r->rules[i].name.len && gwr__sv_eq(r->rules[i].name, r->rules[j].name))
        return bad(&v, "Rule name must be unique within the route", "spec.rules[%zu].name", i), v.msg;
  }
  if (total > 128)
    return bad(&v, "While 16 rules and 64 matches per rule are allowed, the total number of matches "
               "across all rules in a route must be less than 128", "spec.rules"), v.msg;
  for (i = 0; i < r->rule_count; i++) check_rule_regexes(&v, &r->rules[i], i);
  return v.msg;
}

/* ---- ReferenceGrant, Service ----------------------------------------------- */

const char *gwr__validate_refgrant(gwr_config *cfg, gwr__refgrant *g, char *field,
                                   size_t cap) {
  vctx v = {cfg, field, cap, NULL};
  size_t i;
  if (!check_meta(&v, &g->meta, 1)) return v.msg;
  if (g->from_count < 1 || g->from_count > 16) return bad(&v, "must have 1 to 16 items", "spec.from"), v.msg;
  if (g->to_count < 1 || g->to_count > 16) return bad(&v, "must have 1 to 16 items", "spec.to"), v.msg;
  for (i = 0; i < g->from_count; i++)
    if (!valid_group(g->from[i].group) || !valid_kind(g->from[i].kind) || !valid_namespace(g->from[i].ns))
      return bad(&v, "must name a valid group, kind and namespace", "spec.from[%zu]", i), v.msg;
  for (i = 0; i < g->to_count; i++)
    if (!valid_group(g->to[i].group) || !valid_kind(g->to[i].kind) ||
        (g->to[i].name.len && !valid_name(g->to[i].name)))
      return bad(&v, "must name a valid group, kind and name", "spec.to[%zu]", i), v.msg;
  return v.msg;
}

const char *gwr__validate_service(gwr_config *cfg, gwr__service *s, char *field,
                                  size_t cap) {
  vctx v = {cfg, field, cap, NULL};
  check_meta(&v, &s->meta, 1);
  return v.msg;
}

/* ---- Ingress and IngressClass (digest §10, ingress-nginx annotations) ------ */


/* I4: a precise host, or "*." and a suffix; no IP, no port. */
static int check_ingress_host(vctx *v, gwr__sv host, const char *at) {
  if (host.len == 0 || gwr__valid_hostname(host, 1)) return 1;
  return bad(v, "must be a valid hostname (lowercase, optional leading '*.', no IP, no port)", "%s", at);
}

static int check_ingress_backend(vctx *v, const gwr__ing_backend *b, const char *at) {
  if (b->set && !b->is_resource && b->service.len && !dns_label(b->service.ptr, b->service.len))
    return bad(v, "must be an RFC 1123 label", "%s.service.name", at);
  return 1;
}

static int printable_text(gwr__sv s);

static int check_ingress_path(vctx *v, const gwr__ingress *ing, const gwr__ing_path *p, size_t i,
                              size_t j) {
  char at[96];
  snprintf(at, sizeof at, "spec.rules[%zu].http.paths[%zu]", i, j);
  if (p->path.len == 0 || p->path.ptr[0] != '/')
    return bad(v, "must be an absolute path (start with '/')", "%s.path", at);
  if (!printable_text(p->path)) return bad(v, "must not contain control characters", "%s.path", at);
  if (gwr__ingress_wants_regex(ing)) {
    char err[200];
    char *re = gwr__ingress_path_regex(v->cfg->arena, p->path);
    char *alone = gwr__ingress_path_alone(v->cfg->arena, p->path);
    if (!re || !alone) return bad(v, "out of memory", "%s.path", at);
    if (!gwr__regex_check(gwr__sv_cstr(alone), v->cfg->opt.regex_max_length, err, sizeof err) ||
        !gwr__regex_check(gwr__sv_cstr(re), v->cfg->opt.regex_max_length, err, sizeof err))
      return bad(v, gwr__arena_printf(v->cfg->arena, "not a valid regular expression (use-regex): %s", err),
                 "%s.path", at);
  }
  snprintf(at, sizeof at, "spec.rules[%zu].http.paths[%zu].backend", i, j);
  return check_ingress_backend(v, &p->backend, at);
}

static int is_int_text(gwr__sv s, long lo, long hi, long *out) {
  long n = 0;
  size_t i;
  if (s.len == 0 || s.len > 9) return 0;
  for (i = 0; i < s.len; i++) {
    if (s.ptr[i] < '0' || s.ptr[i] > '9') return 0;
    n = n * 10 + (s.ptr[i] - '0');
  }
  if (out) *out = n;
  return n >= lo && n <= hi;
}

static int token_text(gwr__sv s) {
  size_t i;
  if (s.len == 0 || s.len > 256) return 0;
  for (i = 0; i < s.len; i++) {
    unsigned char c = (unsigned char)s.ptr[i];
    if (c <= ' ' || c >= 0x7f || strchr("\"(),/:;<=>?@[\\]{}", c)) return 0;
  }
  return 1;
}

static int printable_text(gwr__sv s) {
  size_t i;
  for (i = 0; i < s.len; i++)
    if ((unsigned char)s.ptr[i] < ' ' || s.ptr[i] == 0x7f) return 0;
  return 1;
}

/* permanent-redirect: scheme://host[:port][/path], nothing Gateway API's
 * RequestRedirect could not say (no userinfo, IP literal, query, fragment). */
static int redirect_url_ok(gwr__sv s) {
  const char *host, *end, *colon;
  long port;
  if (!printable_text(s) || memchr(s.ptr, ' ', s.len) || memchr(s.ptr, '?', s.len) || memchr(s.ptr, '#', s.len))
    return 0;
  if (strncmp(s.ptr, "http://", 7) == 0)
    host = s.ptr + 7;
  else if (strncmp(s.ptr, "https://", 8) == 0)
    host = s.ptr + 8;
  else
    return 0;
  end = host + strcspn(host, "/");
  colon = memchr(host, ':', (size_t)(end - host));
  if (colon && !is_int_text(gwr__sv_make(colon + 1, (size_t)(end - colon - 1)), 1, 65535, &port)) return 0;
  return gwr__valid_hostname(gwr__sv_make(host, (size_t)((colon ? colon : end) - host)), 0);
}

#define ANN_AT "metadata.annotations[" GWR_NGINX "%s]"

static int check_ingress_annotations(vctx *v, const gwr__ingress *ing) {
  static const char *const bools[] = {"canary", "ssl-redirect", "force-ssl-redirect", "use-regex", NULL};
  gwr__sv s;
  long total = 100, code;
  size_t i;
  for (i = 0; bools[i]; i++)
    if (gwr__ingress_bool(ing, bools[i], 0) < 0) return bad(v, "must be \"true\" or \"false\"", ANN_AT, bools[i]);
  s = gwr__ingress_annotation(ing, GWR_NGINX "canary-weight-total");
  if (s.len && !is_int_text(s, 1, 1000000000, &total))
    return bad(v, "must be a whole number greater than 0", ANN_AT, "canary-weight-total");
  s = gwr__ingress_annotation(ing, GWR_NGINX "canary-weight");
  if (s.len && !is_int_text(s, 0, total, NULL))
    return bad(v, gwr__arena_printf(v->cfg->arena, "must be a whole number from 0 to %ld", total), ANN_AT,
               "canary-weight");
  s = gwr__ingress_annotation(ing, GWR_NGINX "canary-by-header");
  if (s.len && !token_text(s)) return bad(v, "must be a header name", ANN_AT, "canary-by-header");
  s = gwr__ingress_annotation(ing, GWR_NGINX "canary-by-cookie");
  if (s.len && !token_text(s)) return bad(v, "must be a cookie name", ANN_AT, "canary-by-cookie");
  s = gwr__ingress_annotation(ing, GWR_NGINX "canary-by-header-value");
  if (s.len && !printable_text(s)) return bad(v, "must be printable text", ANN_AT, "canary-by-header-value");
  s = gwr__ingress_annotation(ing, GWR_NGINX "permanent-redirect");
  if (s.len && !redirect_url_ok(s))
    return bad(v, "must be an http:// or https:// URL: a hostname, an optional port from 1 to 65535 and a path "
                  "(no user, IP literal, query or fragment)",
               ANN_AT, "permanent-redirect");
  s = gwr__ingress_annotation(ing, GWR_NGINX "permanent-redirect-code");
  if (s.len && (!is_int_text(s, 301, 308, &code) || code == 304 || code == 305 || code == 306))
    return bad(v, "must be 301, 302, 303, 307 or 308", ANN_AT, "permanent-redirect-code");
  s = gwr__ingress_annotation(ing, GWR_NGINX "app-root");
  if (s.len && (s.ptr[0] != '/' || !printable_text(s) || memchr(s.ptr, ' ', s.len)))
    return bad(v, "must be a path starting with '/'", ANN_AT, "app-root");
  s = gwr__ingress_annotation(ing, GWR_NGINX "rewrite-target");
  if (s.len && (!printable_text(s) || memchr(s.ptr, ' ', s.len)))
    return bad(v, "must be a path without spaces or control characters", ANN_AT, "rewrite-target");
  s = gwr__ingress_annotation(ing, GWR_NGINX "upstream-vhost");
  if (s.len && !gwr__valid_hostname(s, 0)) return bad(v, "must be a hostname", ANN_AT, "upstream-vhost");
  return 1;
}

const char *gwr__validate_ingress(gwr_config *cfg, gwr__ingress *ing, char *field, size_t cap) {
  vctx v = {cfg, field, cap, NULL};
  size_t i, j;
  if (!check_meta(&v, &ing->meta, 1)) return v.msg;
  if (!ing->default_backend.set && ing->rule_count == 0)
    return bad(&v, "either defaultBackend or rules must be specified", "spec"), v.msg;
  if (!check_ingress_backend(&v, &ing->default_backend, "spec.defaultBackend")) return v.msg;
  for (i = 0; i < ing->rule_count; i++) {
    char at[64];
    snprintf(at, sizeof at, "spec.rules[%zu].host", i);
    if (!check_ingress_host(&v, ing->rules[i].host, at)) return v.msg;
    for (j = 0; j < ing->rules[i].path_count; j++)
      if (!check_ingress_path(&v, ing, &ing->rules[i].paths[j], i, j)) return v.msg;
  }
  for (i = 0; i < ing->tls_count; i++)
    for (j = 0; j < ing->tls[i].host_count; j++) {
      char at[64];
      snprintf(at, sizeof at, "spec.tls[%zu].hosts[%zu]", i, j);
      if (!check_ingress_host(&v, ing->tls[i].hosts[j], at)) return v.msg;
    }
  check_ingress_annotations(&v, ing);
  return v.msg;
}

const char *gwr__validate_ingressclass(gwr_config *cfg, gwr__ingressclass *ic, char *field, size_t cap) {
  vctx v = {cfg, field, cap, NULL};
  if (check_meta(&v, &ic->meta, 0) && ic->controller.len && !valid_controller(ic->controller))
    bad(&v, "must be a domain-prefixed path (example.net/controller)", "spec.controller");
  return v.msg;
}
