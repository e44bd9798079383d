/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingress.h - networking.k8s.io/v1 Ingress with ingress-nginx semantics
 * (digest §10), lowered to Gateway API objects.
 *
 * validate.c checks one Ingress (fields and annotation values); ingress.c
 * lowers every Ingress of a config at once (hosts merge across Ingresses,
 * canaries pair with their main Ingress) into a Gateway per IngressClass
 * and HTTPRoutes; table.c compiles the lowered objects with the others and
 * convert.c writes them as YAML, with notes on what Gateway API cannot say.
 */
#ifndef GWR_INGRESS_H
#define GWR_INGRESS_H

#include "config.h"

#define GWR_NGINX "nginx.ingress.kubernetes.io/"
#define GWR_NGINX_CONTROLLER "k8s.io/ingress-nginx"

/* The path regex of ingress-nginx's regex locations (`~* "^PATH"`): a
 * case-insensitive prefix match, as a full-match pattern. */
char *gwr__ingress_path_regex(gwr__arena *ar, gwr__sv path);

/* The same path as nginx compiles it on its own (`^PATH`), to reject what
 * only composes by accident (unbalanced groups). */
char *gwr__ingress_path_alone(gwr__arena *ar, gwr__sv path);

/* The Ingress uses regular expressions itself (use-regex or rewrite-target). */
int gwr__ingress_wants_regex(const gwr__ingress *ing);

/* "true" / "false" annotations: 1, 0, or def when absent; -1 when invalid. */
int gwr__ingress_bool(const gwr__ingress *ing, const char *name, int def);

/* The lowered objects, allocated in an arena; the pointers are appended to
 * copies of the model's vectors. */
typedef struct gwr__lowered {
  gwr__model model;   /* the config's objects plus the lowered ones */
  gwr__vec notes;     /* const char*: what a Gateway API rendering cannot say exactly */
  size_t first_route, first_gateway, first_class, first_grant; /* where lowered ones start */
} gwr__lowered;

/* Lower cfg's Ingresses. The vectors use alloc (free with
 * gwr__lowered_free); objects and notes live in ar. */
int gwr__ingress_lower(const gwr_config *cfg, gwr__arena *ar, const gwr__alloc *alloc,
                       gwr__lowered *out);
void gwr__lowered_free(gwr__lowered *lw, const gwr__alloc *alloc);

#endif
