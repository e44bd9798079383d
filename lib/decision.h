/* SPDX-License-Identifier: Apache-2.0 */
/*
 * decision.h - the per-thread decision: pre-sized scratch (host, path,
 * joined header values, PCRE2 match data) and the result of one match.
 */
#ifndef GWR_DECISION_H
#define GWR_DECISION_H

#include "table.h"

#define GWR_HOST_MAX 256
#define GWR_CORS_OPS 8 /* two CORS lists (rule, backend) of 4 each */
#define GWR_OWN_HEADERS 8

struct gwr_decision {
  gwr__alloc alloc;
  gwr__regex_scratch *rx;
  const gwr__regex_env *rx_env; /* the table of the current match */
  size_t path_cap, join_cap;
  char *path_buf;               /* normalised path (+ query) */
  char *join_buf;               /* a header's values joined with ',' */
  char host_buf[GWR_HOST_MAX];  /* lowercase host without port */
  char sni_buf[GWR_HOST_MAX];   /* lowercase TLS server name */
  /* result */
  int32_t action;
  int32_t status;
  int32_t grpc_status;
  const gwr__tlistener *listener;
  const gwr__att_route *route;
  int32_t rule, match;
  const gwr__att_backend *backend;
  const char *reason;
  gwr_request req;              /* the request as given (struct copy) */
  uint8_t method_code;          /* its method as a GWR_METHOD code */
  int grpc;                     /* a gRPC request (protocol or content-type); -1 not yet known */
  int layer4;                   /* a TLS, TCP or UDP connection: no answers, only reject */
  gwr_str up_path, up_host;     /* upstream path and host */
  /* filters carried into the decision (filters.c) */
  const gwr__trule *trule;      /* the matched rule: timeouts, retry, session */
  const gwr__tfilters *fl[2];   /* rule-level, chosen backend's */
  uint32_t mirror_mask[2];      /* sampled mirrors of fl[0], fl[1] */
  gwr__hop cors_ops[GWR_CORS_OPS];
  size_t cors_op_count;
  gwr_header own[GWR_OWN_HEADERS]; /* the engine's own response headers */
  size_t own_count;
  gwr_str location;
  char *location_buf, *rewrite_buf; /* path_cap bytes each */
};

/* The request fields gwr_match() reads, with defaults applied. */
int gwr__request_copy(gwr_request *dst, const gwr_request *src);

#endif
