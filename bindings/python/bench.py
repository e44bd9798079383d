#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Per-call cost of Table.route() against the C gwr_match() it wraps.

    GWROUTE_LIBRARY=build/libgwroute.so.1 python3 bindings/python/bench.py [N]

For each request: "ctypes no-op" is a call of gwr_version() (the price of
crossing into C), "gwr_match" a loop of only gwr_match() on one prebuilt
request struct and decision (through ctypes), "route()" the whole binding
(build the request, match, read every field into a Decision). The binding's
overhead is route() minus gwr_match; gwr_match minus the no-op is an
estimate of the C work itself. ns per call, best of 5 runs of N calls
(route(): best of 25 runs of N/20, as it is slower and the machine may be
busy; CPU time of this process, so time spent descheduled by other load
is not counted).
"""
import ctypes
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
os.environ.setdefault("GWROUTE_LIBRARY", os.path.join(REPO, "build", "libgwroute.so.1"))
sys.path.insert(0, HERE)

import gwroute  # noqa: E402
from gwroute import _ffi  # noqa: E402

GOLDEN = os.path.join(REPO, "tests", "golden")
CASES = [  # (name, config, request) from the golden cases
    ("404", "seed/api-v1-v2/config",
     {"host": "nowhere.example.com", "path": "/"}),
    ("forward", "seed/api-v1-v2/config",
     {"host": "api.example.com", "path": "/v2/users?id=7", "key": "k",
      "headers": [["Accept", "*/*"], ["User-Agent", "bench"]]}),
    ("forward + header ops", "filters/request-header-modifier/config.yaml",
     {"host": "example.com", "path": "/set?q=1",
      "headers": [["X-HEADER-SET", "a"], ["Accept", "*/*"], ["x-Header-Set", "b"]]}),
    ("forward + policies", "policy/retry/config.yaml",
     {"host": "example.com", "path": "/all"}),
]


def best_ns(fn, n, repeats=5):
    best = None
    for _ in range(repeats):
        start = time.process_time_ns()
        fn(n)
        elapsed = (time.process_time_ns() - start) / n
        best = elapsed if best is None else min(best, elapsed)
    return best


def c_request(request):
    """A gwr_request struct for the request, and what keeps its bytes alive."""
    keep = []

    def s(value):
        raw = (value or "").encode()
        keep.append(raw)
        return raw, len(raw)

    pairs = request.get("headers", [])
    headers = (_ffi.InHeader * max(len(pairs), 1))(
        *[_ffi.InHeader(*s(n), *s(v)) for n, v in pairs])
    keep.append(headers)
    req = _ffi.Request(ctypes.sizeof(_ffi.Request), *s(None), 0, 0, *s(None),
                       *s("GET"), *s("http"), *s(request.get("host")),
                       *s(request.get("path", "/")), headers, len(pairs),
                       *s(request.get("key")), 12345)
    return req, keep


def bench_case(name, config, request, n):
    lib = _ffi.lib
    table = gwroute.Config().load_path(os.path.join(GOLDEN, config)).compile()
    kwargs = dict(request, headers=[tuple(h) for h in request.get("headers", [])])
    decision = table.route(**kwargs)
    scratch = table._scratch(table._ptr)
    req, keep = c_request(request)
    d, t, ref = scratch.ptr, table._ptr, ctypes.byref(req)
    assert lib.gwr_match(d, t, ref) == 0

    def noop(k, version=lib.gwr_version):
        for _ in range(k):
            version()

    def match(k, gwr_match=lib.gwr_match):
        for _ in range(k):
            gwr_match(d, t, ref)

    def route(k, route=table.route):
        for _ in range(k):
            route(**kwargs)

    noop_ns = best_ns(noop, n)
    match_ns = best_ns(match, n)
    route_ns = best_ns(route, max(n // 20, 1), repeats=25)
    print("%-22s %-8s no-op %5.0f  gwr_match %6.0f  route() %7.0f  "
          "overhead %7.0f ns  (C work ~%.0f ns)" % (
              name, decision.action, noop_ns, match_ns, route_ns,
              route_ns - match_ns, match_ns - noop_ns))
    table.close()
    del keep


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    print("gwroute %s, Python %s, %d calls, best of 5, ns per call" % (
        gwroute.__version__, sys.version.split()[0], n))
    for name, config, request in CASES:
        bench_case(name, config, request, n)


if __name__ == "__main__":
    main()
