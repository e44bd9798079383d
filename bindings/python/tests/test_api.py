# SPDX-License-Identifier: Apache-2.0
"""Unit tests of the Python API: load, problems, route, status, errors,
lifetimes and threads."""
import dataclasses
import datetime
import gc
import os
import shutil
import subprocess
import sys
import threading

import pytest

import gwroute
from conftest import HERE

GATEWAY = """\
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: gw}
spec: {controllerName: example.net/gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: prod, namespace: infra}
spec:
  gatewayClassName: gw
  listeners:
  - {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}
"""

SERVICES = "".join("""\
---
apiVersion: v1
kind: Service
metadata: {name: %s, namespace: default}
spec: {ports: [{name: http, port: 8080, protocol: TCP}]}
""" % name for name in ("web", "v1", "v2", "shadow"))

ROUTE = """\
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: api, namespace: default}
spec:
  parentRefs: [{name: prod, namespace: infra}]
  hostnames: [api.example.com]
  rules:
  - matches: [{path: {type: PathPrefix, value: /api}}]
    filters:
    - type: RequestHeaderModifier
      requestHeaderModifier:
        set: [{name: X-Set, value: "1"}]
        add: [{name: X-Add, value: "2"}]
        remove: [X-Remove]
    - type: ResponseHeaderModifier
      responseHeaderModifier:
        set: [{name: X-Resp, value: ok}]
        remove: [Server]
    - type: RequestMirror
      requestMirror: {backendRef: {name: shadow, port: 8080}}
    - type: ExtensionRef
      extensionRef: {group: example.com, kind: Foo, name: x}
    backendRefs:
    - {name: v1, port: 8080, weight: 50}
    - {name: v2, port: 8080, weight: 50}
    timeouts: {request: 10s, backendRequest: 2s}
    retry: {codes: [500, 502], attempts: 2, backoff: 100ms}
  - matches: [{path: {type: Exact, value: /old}}]
    filters:
    - type: RequestRedirect
      requestRedirect: {path: {type: ReplaceFullPath, replaceFullPath: /new}, statusCode: 301}
  - matches: [{path: {type: PathPrefix, value: /sess}}]
    backendRefs: [{name: web, port: 8080}]
    sessionPersistence:
      type: Cookie
      cookie: {name: sess, lifetimeType: Permanent}
      absoluteTimeout: 1h
  - matches: [{path: {type: PathPrefix, value: /zero}}]
    backendRefs: [{name: web, port: 8080, weight: 0}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: echo, namespace: default}
spec:
  parentRefs: [{name: prod, namespace: infra}]
  hostnames: [grpc.example.com]
  rules:
  - matches: [{method: {service: pkg.Svc, method: Echo}}]
    backendRefs: [{name: web, port: 8080}]
"""

CONFIG = GATEWAY + SERVICES + ROUTE

BAD_ROUTE = """\
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: bad, namespace: default}
spec:
  parentRefs: [{name: prod, namespace: infra}]
  rules:
  - matches: [{path: {type: PathPrefix, value: nope}}]
    backendRefs: [{name: web, port: 8080}]
"""


@pytest.fixture
def table():
    with gwroute.compile(CONFIG) as t:
        yield t


# ---- loading ---------------------------------------------------------------
def test_version():
    assert gwroute.__version__.startswith("1.")


def test_load_text_counts_and_chaining():
    with gwroute.Config() as cfg:
        assert cfg.load_text(CONFIG, source="c.yaml") is cfg
        assert cfg.counts == {"objects": 8, "skipped": 0, "problems": 0,
                              "replaced": 0}
        assert cfg.problems == []
        with cfg.compile() as t:
            assert t.route(host="api.example.com", path="/api").action == "forward"


def test_load_bytes_and_skipped_kinds():
    with gwroute.Config() as cfg:
        cfg.load_text(CONFIG.encode() + b"---\napiVersion: v1\nkind: ConfigMap\n"
                      b"metadata: {name: c}\n")
        assert cfg.counts["skipped"] == 1


def test_parse_error_has_position_and_loads_nothing():
    with gwroute.Config() as cfg:
        with pytest.raises(gwroute.ParseError) as info:
            cfg.load_text(GATEWAY + "---\nkind: [\n", source="broken.yaml")
        err = info.value
        assert isinstance(err, gwroute.Error)
        assert err.code == -3
        assert err.file == "broken.yaml" and err.line > 0
        assert "broken.yaml" in str(err)
        assert cfg.counts["objects"] == 0


def test_problems_carry_field_paths():
    with gwroute.Config() as cfg:
        cfg.load_text(CONFIG + BAD_ROUTE, source="routes.yaml")
        [problem] = cfg.problems
        assert isinstance(problem, gwroute.SchemaError)
        assert (problem.kind, problem.namespace, problem.name) == \
            ("HTTPRoute", "default", "bad")
        assert problem.field == "spec.rules[0].matches[0].path.value"
        assert problem.file == "routes.yaml" and problem.line > 0
        assert problem.message
        with cfg.compile() as t:
            [rejected] = t.status()["rejected"]
            assert rejected["name"] == "bad"


def test_load_path_file_folder_and_missing(tmp_path):
    (tmp_path / "10-gateway.yaml").write_text(GATEWAY)
    (tmp_path / "20-rest.yaml").write_text(SERVICES + ROUTE)
    (tmp_path / "ignored.txt").write_text("not: loaded")
    with gwroute.Config() as cfg:
        cfg.load_path(tmp_path)
        assert cfg.counts["objects"] == 8
    with gwroute.Config() as cfg:
        cfg.load_path(str(tmp_path / "10-gateway.yaml"))
        assert cfg.counts["objects"] == 2
        with pytest.raises(gwroute.InputOutputError) as info:
            cfg.load_path(tmp_path / "missing.yaml")
        assert isinstance(info.value, OSError)
    with gwroute.compile(tmp_path) as t:
        assert t.route(host="api.example.com", path="/sess").backend.name == "web"


def test_load_objects_from_dicts():
    gateway = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
               "metadata": {"name": "prod", "namespace": "infra",
                            "creationTimestamp": datetime.datetime(
                                2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)},
               "spec": {"gatewayClassName": "gw", "listeners": [
                   {"name": "http", "port": 80, "protocol": "HTTP",
                    "allowedRoutes": {"namespaces": {"from": "All"}}}]}}
    route = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
             "metadata": {"name": "r", "namespace": "default"},
             "spec": {"parentRefs": [{"name": "prod", "namespace": "infra"}],
                      "rules": [{"backendRefs": [{"name": "web", "port": 8080}]}]}}
    # a typed list as the Kubernetes client gives it: items without kind
    services = {"apiVersion": "v1", "kind": "ServiceList", "items": [
        {"metadata": {"name": "web", "namespace": "default"},
         "spec": {"ports": [{"port": 8080}]}}]}
    with gwroute.Config() as cfg:
        cfg.load_objects([gateway, services])
        cfg.load_objects(route)
        assert cfg.counts["objects"] == 3 and cfg.problems == []
        with cfg.compile() as t:
            d = t.route(host="any.example", path="/x")
    assert (d.action, d.backend.name, d.backend.port) == ("forward", "web", 8080)
    with gwroute.compile([gateway, route]) as t:
        assert t.route(path="/").route.name == "r"


def test_options_and_controller():
    with gwroute.Config() as cfg:
        cfg.load_text(CONFIG)
        cfg.set_option(gwroute.OPT_ALL_ZERO_WEIGHT_STATUS, 503)
        with cfg.compile() as t:
            assert t.route(host="api.example.com", path="/zero").status == 503
        cfg.set_option("all_zero_weight_status", 502)
        cfg.set_option(gwroute.Option.REGEX_ORDER, gwroute.REGEX_ORDER_ISTIO)
        with cfg.compile() as t:
            assert t.route(host="api.example.com", path="/zero").status == 502
        with pytest.raises(gwroute.InvalidArgumentError):
            cfg.set_option(gwroute.OPT_REGEX_ORDER, 7)
        with pytest.raises(gwroute.InvalidArgumentError):
            cfg.set_option("no_such_option", 1)
        cfg.set_controller("example.net/other")
        with cfg.compile() as t:  # the GatewayClass is not ours any more
            with pytest.raises(gwroute.NotFoundError):
                t.route(host="api.example.com", path="/api")
    with gwroute.compile(CONFIG, all_zero_weight_status=501) as t:
        assert t.route(host="api.example.com", path="/zero").status == 501


# ---- routing ---------------------------------------------------------------
def test_forward_with_every_policy(table):
    d = table.route(host="api.example.com", path="/api/users?id=7", key="user-1",
                    headers=[("X-Remove", "a"), ("Accept", "*/*"), ("x-set", "old")])
    assert d.action == "forward" and d.status == 0 and d.grpc_status is None
    assert d.listener == "infra/prod/http"
    assert d.route == gwroute.RouteRef("HTTPRoute", "default", "api", 0, 0)
    assert d.backend.name in ("v1", "v2") and d.backend.port == 8080
    assert d.upstream.path == "/api/users?id=7"
    assert d.upstream.headers == (("Accept", "*/*"), ("X-Set", "1"), ("X-Add", "2"))
    assert d.request_headers == gwroute.HeaderOps(
        set=(("X-Set", "1"),), add=(("X-Add", "2"),), remove=("X-Remove",))
    assert d.response_headers == gwroute.HeaderOps(
        set=(("X-Resp", "ok"),), remove=("Server",))
    assert d.mirrors == (gwroute.BackendRef("", "Service", "default", "shadow", 8080),)
    assert d.extension_refs == (gwroute.ExtensionRef("example.com", "Foo", "x"),)
    assert d.timeouts == gwroute.Timeouts("10s", "2s", 10000, 2000)
    assert d.retry == gwroute.Retry((500, 502), 2, "100ms", 100)
    assert d.session_persistence is None
    out = d.to_dict()
    assert out["upstream"]["headers"][0] == ["Accept", "*/*"]
    assert out["retry"] == {"codes": [500, 502], "attempts": 2, "backoff": "100ms"}
    assert "status" not in out and "headers" not in out


def test_redirect_respond_and_session(table):
    d = table.route(host="api.example.com", path="/old")
    assert (d.action, d.status, d.location) == ("redirect", 301, "http://api.example.com/new")
    assert ("Location", d.location) in d.headers or ("location", d.location) in d.headers
    assert d.upstream is None and d.backend is None
    d = table.route(host="nowhere.example", path="/")
    assert (d.action, d.status, d.route) == ("respond", 404, None)
    assert d.reason and d.to_dict()["reason"] == d.reason
    s = table.route(host="api.example.com", path="/sess").session_persistence
    assert (s.type, s.name, s.lifetime_type, s.absolute_timeout) == \
        ("Cookie", "sess", "Permanent", "1h")
    assert s.absolute_timeout_ms == 3600000


def test_key_and_choice_are_deterministic(table):
    def backends(**kw):
        return {table.route(host="api.example.com", path="/api", **kw).backend.name
                for _ in range(20)}
    assert len(backends(key="k1")) == 1
    assert len(backends(choice=12345)) == 1
    # the choice modulo the total weight (100) picks: v1 below 50, v2 above
    assert backends(choice=0) == backends(choice=2 ** 64 - 16) == {"v1"}
    assert backends(choice=99) == backends(choice=2 ** 64 - 17) == {"v2"}


def test_request_defaults_bytes_and_grpc_inference(table):
    d = table.route(b"api.example.com", b"/api", method=None, scheme=None)
    assert (d.upstream.method, d.upstream.scheme) == ("GET", "http")
    grpc = [("Content-Type", "application/grpc+proto")]
    d = table.route("grpc.example.com", "/pkg.Svc/Echo", "POST", grpc)
    assert d.route.kind == "GRPCRoute"  # the library infers gRPC
    d = table.route("grpc.example.com", "/pkg.Svc/Nope", "POST", protocol="grpc")
    assert d.action == "respond" and d.grpc_status == 12  # UNIMPLEMENTED
    d = table.route("grpc.example.com", "/pkg.Svc/Nope", "POST")
    assert d.action == "respond" and d.grpc_status is None
    d = table.route(port=80, protocol="tcp")
    assert d.action == "reject" and d.upstream is None


def test_route_errors(table):
    with pytest.raises(gwroute.NotFoundError) as info:
        table.route(host="api.example.com", gateway="infra/nope")
    assert "infra/nope" in str(info.value) and info.value.code == -7
    with pytest.raises(gwroute.InvalidArgumentError):
        table.route(protocol="quic")
    with pytest.raises(gwroute.InvalidArgumentError):
        table.route(port=70000)
    assert table.route(host="api.example.com", path="/api",
                       gateway="infra/prod").action == "forward"


def test_decision_is_frozen_and_comparable(table):
    a = table.route(host="api.example.com", path="/api", key="k")
    b = table.route(host="api.example.com", path="/api", key="k")
    assert a == b and hash(a) == hash(b)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.action = "respond"


def test_status_report(table):
    status = table.status()
    assert set(status) >= {"routes", "gateways", "listenersets", "rejected"}
    assert [r["name"] for r in status["routes"]] == ["api", "echo"]
    assert status["gateways"][0]["listeners"][0]["attachedRoutes"] == 2


# ---- lifetimes and threads -------------------------------------------------
def test_context_managers_and_close():
    with gwroute.Config() as cfg:
        cfg.load_text(CONFIG)
        table = cfg.compile()
    with pytest.raises(gwroute.StateError):
        cfg.load_text(CONFIG)
    cfg.close()  # idempotent
    with table:  # the table outlives its config
        assert not table.closed
        assert table.route(host="api.example.com", path="/api").action == "forward"
    assert table.closed
    with pytest.raises(gwroute.StateError):
        table.route(path="/")
    with pytest.raises(gwroute.StateError):
        table.status()
    table.close()


def test_finalisation_without_close():
    for _ in range(200):
        t = gwroute.compile(CONFIG)
        t.route(host="api.example.com", path="/api")
        del t
    gc.collect()


def test_many_threads_share_one_table(table):
    expected = table.route(host="api.example.com", path="/api", key="same")
    errors = []

    def work():
        try:
            for i in range(300):
                d = table.route(host="api.example.com", path="/api", key="same")
                assert d == expected
                assert table.route(host="api.example.com", path="/old").status == 301
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_close_while_other_threads_route():
    table = gwroute.compile(CONFIG)
    started = threading.Barrier(4)
    outcomes = []

    def work():
        started.wait()
        try:
            while True:
                table.route(host="api.example.com", path="/api")
        except gwroute.StateError:
            outcomes.append("closed")

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    started.wait()
    table.close()
    for t in threads:
        t.join()
    assert outcomes == ["closed"] * 3


# ---- loading the library ---------------------------------------------------
def _import_with(library):
    env = dict(os.environ, GWROUTE_LIBRARY=library)
    code = "import gwroute"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, cwd=os.path.dirname(HERE))


def test_missing_library_is_a_clear_import_error():
    proc = _import_with("/nonexistent/libgwroute.so.1")
    assert proc.returncode != 0
    assert "LibraryError" in proc.stderr and "GWROUTE_LIBRARY" in proc.stderr


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler")
def test_wrong_major_version_is_refused(tmp_path):
    source = tmp_path / "fake.c"
    names = [n for n in gwroute._ffi._PROTOTYPES if n not in
             ("gwr_version", "gwr_version_string")]
    source.write_text(
        "unsigned gwr_version(void) { return 20000; }\n"
        "const char *gwr_version_string(void) { return \"2.0.0\"; }\n"
        + "".join("void %s(void) {}\n" % n for n in names))
    library = tmp_path / "libfake.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(library), str(source)], check=True)
    proc = _import_with(str(library))
    assert proc.returncode != 0
    assert "version 2.0.0" in proc.stderr and "needs 1.x" in proc.stderr
