/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_requests.h - requests made from fuzzer bytes: every field drawn from
 * words that configurations use, or raw bytes.
 */
#ifndef GWR_FUZZ_REQUESTS_H
#define GWR_FUZZ_REQUESTS_H

#include "fuzz_input.h"

#define FZ_MAX_HEADERS 8

typedef struct fz_req {
  gwr_request r;
  gwr_header headers[FZ_MAX_HEADERS];
} fz_req;

static inline void fz_request(fz *f, fz_req *q) {
  static const char *const gateways[] = {"", "default/gw", "infra/gw", "x"};
  static const char *const hosts[] = {"example.com", "a.example.com", "A.Example.COM.", "x.y.example.com",
                                      "example.com:8080", "[::1]:80", "", "other.org"};
  static const char *const paths[] = {"/", "/a", "/a/b", "/a/./b/../c", "/api/v1?x=1", "/pkg.Svc/Echo",
                                      "/a%2Fb", "//", "/a?", "*"};
  static const char *const methods[] = {"GET", "POST", "OPTIONS", "HEAD", ""};
  static const char *const names[] = {"x-a", "content-type", "origin", "access-control-request-method",
                                      "Version", "cookie"};
  static const char *const values[] = {"1", "application/grpc", "https://a.example.com", "GET", "two", ""};
  static const char *const schemes[] = {"http", "https", ""};
  static const uint32_t ports[] = {0, 80, 443, 8080, 5432, 53, 8443};
  size_t i, n;
  gwr_request init = GWR_REQUEST_INIT;
  q->r = init;
  q->r.gateway = FZ_WORD(f, gateways);
  q->r.host = FZ_WORD(f, hosts);
  q->r.path = FZ_WORD(f, paths);
  q->r.method = FZ_WORD(f, methods);
  q->r.scheme = FZ_WORD(f, schemes);
  q->r.sni = fz_pick(f, 2) ? q->r.host : FZ_WORD(f, hosts);
  q->r.port = ports[fz_pick(f, sizeof ports / sizeof ports[0])];
  q->r.protocol = (int32_t)fz_pick(f, 5);
  q->r.key = fz_pick(f, 2) ? fz_bytes(f, 16) : fz_cstr("");
  q->r.choice = fz_u32(f);
  n = fz_pick(f, FZ_MAX_HEADERS + 1);
  for (i = 0; i < n; i++) {
    q->headers[i].name = FZ_WORD(f, names);
    q->headers[i].value = FZ_WORD(f, values);
  }
  q->r.headers = n ? q->headers : NULL;
  q->r.header_count = n;
}

#endif
