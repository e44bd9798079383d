# SPDX-License-Identifier: Apache-2.0
"""gwroute: Kubernetes Gateway API routing, over the libgwroute C library.

    import gwroute
    with gwroute.compile(open("gateway.yaml").read()) as table:
        d = table.route(host="api.example.com", path="/v2/users")
        print(d.action, d.backend)

Config (mutable, loads objects) -> compile() -> Table (immutable, shared by
threads) -> route() -> Decision (a frozen dataclass, a copy: it outlives the
table). Failures raise gwroute.Error subclasses.

Threads: a Table may be used from any number of threads at once. Each thread
gets its own C gwr_decision (kept in a threading.local of the table, made on
the thread's first route() and freed when the thread ends or the table is
collected), so route() never locks around the match itself. A Config is
guarded by a lock, but is meant to be used by one thread at a time.
"""

import ctypes
import dataclasses
import datetime
import enum
import json
import os
import random
import threading
from collections.abc import Mapping
from ctypes import byref, c_size_t, c_void_p
from typing import Optional, Tuple

from . import _ffi
from ._ffi import LibraryError

_lib = _ffi.lib

__version__ = _lib.gwr_version_string().decode()

__all__ = [
    "compile", "Config", "Table", "Decision", "RouteRef", "BackendRef",
    "Upstream", "HeaderOps", "Timeouts", "Retry", "SessionPersistence",
    "ExtensionRef", "Option", "Error", "InvalidArgumentError",
    "OutOfMemoryError", "ParseError", "SchemaError", "InputOutputError",
    "LimitError", "NotFoundError", "RangeError", "StateError", "LibraryError",
    "REGEX_ORDER_ENVOY", "REGEX_ORDER_ISTIO", "PATH_NORMALIZE_NONE",
    "PATH_NORMALIZE_DOT_SEGMENTS",
]


# ---- errors ----------------------------------------------------------------
class Error(Exception):
    """A libgwroute failure. code is the gwr_status (negative int); kind,
    namespace and name name the object at fault, field is its field path,
    file/line/column the source position (line 0: none)."""

    code = None  # set per subclass

    def __init__(self, message, code=None, kind="", namespace="", name="",
                 field="", file="", line=0, column=0):
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.field = field
        self.file = file
        self.line = line
        self.column = column

    def __repr__(self):
        return "%s(%r, field=%r)" % (type(self).__name__, self.message, self.field)


class InvalidArgumentError(Error, ValueError):
    code = _ffi.E_INVALID


class OutOfMemoryError(Error, MemoryError):
    code = _ffi.E_NOMEM


class ParseError(Error):
    """A syntax error: nothing of that text was loaded."""
    code = _ffi.E_PARSE


class SchemaError(Error):
    """An object that breaks the schema (also the type of Config.problems)."""
    code = _ffi.E_SCHEMA


class InputOutputError(Error, OSError):
    code = _ffi.E_IO


class LimitError(Error):
    code = _ffi.E_LIMIT


class NotFoundError(Error, LookupError):
    """E.g. route(gateway=...) names no Gateway of the table."""
    code = _ffi.E_NOTFOUND


class RangeError(Error):
    code = _ffi.E_RANGE


class StateError(Error):
    code = _ffi.E_STATE


_ERRORS = {cls.code: cls for cls in (
    InvalidArgumentError, OutOfMemoryError, ParseError, SchemaError,
    InputOutputError, LimitError, NotFoundError, RangeError, StateError)}


def _text(raw):
    """Library bytes as str; invalid UTF-8 survives as surrogate escapes."""
    return raw.decode("utf-8", "surrogateescape")


def _bytes(value):
    """str (UTF-8, surrogate escapes back to bytes) or bytes as bytes; None
    as b""."""
    if not value:
        return b""
    if isinstance(value, bytes):
        return value
    return value.encode("utf-8", "surrogateescape")


def _error(status, err=None):
    """The Error for a status, with the details of a gwr_error when given."""
    code = err.code if err is not None and err.code else status
    cls = _ERRORS.get(code, Error)
    message = _text(err.message) if err is not None else ""
    if not message:
        message = _text(_lib.gwr_strerror(code))
    if err is None:
        return cls(message, code)
    return cls(message, code, _text(err.kind), _text(err.ns), _text(err.name),
               _text(err.field), _text(err.file), err.line, err.column)


def _check(status, err=None):
    if status != _ffi.OK:
        raise _error(status, err)


# ---- config ----------------------------------------------------------------
class Option(enum.IntEnum):
    """Keys of Config.set_option() (GWR_OPT_*; see gwroute.h for values)."""
    REGEX_ORDER = 1
    REGEX_MATCH_LIMIT = 2
    REGEX_MAX_LENGTH = 3
    ALL_ZERO_WEIGHT_STATUS = 4
    MAX_OBJECTS = 5
    MAX_HEADER_BYTES = 6
    PATH_NORMALIZE = 7
    MAX_YAML_ALIASES = 8
    GRPC_HOSTNAME_CONFLICTS = 9
    MAX_DOCUMENT_BYTES = 10
    MAX_DEPTH = 11
    MAX_STRING_BYTES = 12
    REGEX_HEAP_LIMIT = 13


# gwroute.OPT_REGEX_ORDER etc., as in the C header.
globals().update(("OPT_" + o.name, o) for o in Option)
__all__ += ["OPT_" + o.name for o in Option]

REGEX_ORDER_ENVOY = 0
REGEX_ORDER_ISTIO = 1
PATH_NORMALIZE_NONE = 0
PATH_NORMALIZE_DOT_SEGMENTS = 1


def _option_key(option):
    if isinstance(option, str):
        try:
            return Option[option.upper().replace("OPT_", "", 1)]
        except KeyError:
            raise InvalidArgumentError("unknown option %r" % option,
                                       _ffi.E_INVALID) from None
    return int(option)


def _json_default(value):
    """What json cannot write itself: the Kubernetes client's timestamps,
    as RFC 3339 UTC times (a naive datetime is taken as UTC)."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return value.isoformat() + "Z"
    raise TypeError("cannot write %s as JSON" % type(value).__name__)


def _flatten_objects(objects):
    """Objects as a flat list; a "...List" dict gives its items (their kind
    and apiVersion filled from the list when the API server left them out)."""
    if isinstance(objects, Mapping):
        objects = [objects]
    flat = []
    for obj in objects:
        kind = obj.get("kind") or ""
        if kind.endswith("List") and isinstance(obj.get("items"), list):
            for item in obj["items"]:
                if kind != "List" and not item.get("kind"):
                    item = dict(item, kind=kind[:-len("List")],
                                apiVersion=obj.get("apiVersion"))
                flat.append(item)
        else:
            flat.append(obj)
    return flat


class Config:
    """A mutable set of Kubernetes objects; compile() makes a Table.

    Options may be given as keywords: Config(regex_order=REGEX_ORDER_ISTIO).
    Load methods return the config, so calls chain.
    """

    def __init__(self, *, controller=None, **options):
        self._lock = threading.RLock()
        handle = c_void_p()
        _check(_lib.gwr_config_new(byref(handle), None))
        self._ptr = handle.value
        if controller is not None:
            self.set_controller(controller)
        for key, value in options.items():
            self.set_option(key, value)

    def _handle(self):
        if self._ptr is None:
            raise StateError("the config is closed", _ffi.E_STATE)
        return self._ptr

    def load_text(self, text, source=None):
        """Load YAML (multi-document) or JSON text (an object, a List or an
        array). A syntax error raises ParseError and loads nothing of the
        text; an object that breaks the schema is left out and listed in
        problems."""
        data = _bytes(text)
        name = _bytes(source) if source is not None else None
        err = _ffi.new_error()
        with self._lock:
            status = _lib.gwr_config_load(self._handle(), data, len(data), name,
                                          len(name) if name else 0, byref(err))
        _check(status, err)
        return self

    def load_path(self, path):
        """Load a file, or every *.yaml, *.yml and *.json file of a folder
        (sorted by name). When a file fails, the others are still loaded and
        the first failure is raised."""
        raw = os.fsencode(path)
        err = _ffi.new_error()
        with self._lock:
            status = _lib.gwr_config_load_path(self._handle(), raw, len(raw),
                                               byref(err))
        _check(status, err)
        return self

    def load_objects(self, objects, source="<objects>"):
        """Load Kubernetes objects given as dicts (e.g. from the Kubernetes
        Python client's CustomObjectsApi, or ApiClient().
        sanitize_for_serialization(model)): one dict, a "...List" dict, or
        an iterable of them. They are passed to the library as JSON."""
        text = json.dumps(_flatten_objects(objects), default=_json_default)
        return self.load_text(text, source)

    def set_option(self, option, value):
        """Set an Option (an Option, a GWR_OPT_* number, or a name such as
        "regex_order"); it applies to tables compiled afterwards."""
        with self._lock:
            status = _lib.gwr_config_set_option(self._handle(),
                                                _option_key(option), int(value))
        if status != _ffi.OK:
            raise InvalidArgumentError(
                "option %r: invalid key or value %r" % (option, value), status)
        return self

    def set_controller(self, name):
        """Only GatewayClasses with this spec.controllerName are ours
        (unset or empty: all)."""
        raw = _bytes(name)
        with self._lock:
            _check(_lib.gwr_config_set_controller(self._handle(), raw, len(raw)))
        return self

    @property
    def problems(self):
        """The objects rejected so far, as SchemaError (kind, namespace, name,
        field, message, file, line), in load order."""
        with self._lock:
            ptr = self._handle()
            found = []
            for i in range(_lib.gwr_config_count(ptr, _ffi.COUNT_PROBLEMS)):
                err = _ffi.new_error()
                if _lib.gwr_config_problem(ptr, i, byref(err)) == _ffi.OK:
                    found.append(_error(_ffi.E_SCHEMA, err))
        return found

    @property
    def counts(self):
        """{"objects": kept, "skipped": kinds not read, "problems": rejected,
        "replaced": replaced by a later object of the same identity}."""
        with self._lock:
            ptr = self._handle()
            return {name: _lib.gwr_config_count(ptr, which) for name, which in (
                ("objects", _ffi.COUNT_OBJECTS), ("skipped", _ffi.COUNT_SKIPPED),
                ("problems", _ffi.COUNT_PROBLEMS),
                ("replaced", _ffi.COUNT_REPLACED))}

    def compile(self):
        """Attach and compile into a new Table. Invalid routes and listeners
        do not fail: they are in Table.status()."""
        handle = c_void_p()
        err = _ffi.new_error()
        with self._lock:
            status = _lib.gwr_table_compile(byref(handle), self._handle(),
                                            byref(err))
        if status != _ffi.OK:
            _lib.gwr_table_unref(handle)
            raise _error(status, err)
        return Table(handle.value)

    def close(self):
        """Free the config (tables compiled from it stay valid). Idempotent."""
        with self._lock:
            ptr, self._ptr = self._ptr, None
        if ptr:
            _lib.gwr_config_free(ptr)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self, _free=_lib.gwr_config_free):
        ptr = getattr(self, "_ptr", None)
        if ptr:
            self._ptr = None
            _free(ptr)


def compile(source, **options):
    """A Table from YAML/JSON text (str or bytes), a path (os.PathLike), or
    Kubernetes objects (a dict or an iterable of dicts). Keywords are passed
    to Config. Rejected objects are listed in Table.status()["rejected"]."""
    with Config(**options) as config:
        if isinstance(source, (str, bytes)):
            config.load_text(source)
        elif isinstance(source, os.PathLike):
            config.load_path(source)
        else:
            config.load_objects(source)
        return config.compile()


# ---- decision --------------------------------------------------------------
_frozen = dataclasses.dataclass(frozen=True)

Pair = Tuple[str, str]


@_frozen
class RouteRef:
    kind: str
    namespace: str
    name: str
    rule: Optional[int]
    match: Optional[int]


@_frozen
class BackendRef:
    group: str
    kind: str
    namespace: str
    name: str
    port: Optional[int]


@_frozen
class Upstream:
    """The request as the backend receives it, after every request filter."""
    method: str
    scheme: str
    host: str
    path: str
    headers: Tuple[Pair, ...]


@_frozen
class HeaderOps:
    """Header operations in order, grouped: set and add as (name, value)
    pairs, remove as names."""
    set: Tuple[Pair, ...] = ()
    add: Tuple[Pair, ...] = ()
    remove: Tuple[str, ...] = ()


@_frozen
class Timeouts:
    """Durations as written in the route ("10s"), and in milliseconds
    (0: disabled); None when unset."""
    request: Optional[str] = None
    backend_request: Optional[str] = None
    request_ms: Optional[int] = None
    backend_request_ms: Optional[int] = None


@_frozen
class Retry:
    codes: Tuple[int, ...]
    attempts: Optional[int]
    backoff: Optional[str]
    backoff_ms: Optional[int]


@_frozen
class SessionPersistence:
    type: str
    name: Optional[str]
    path: Optional[str]
    lifetime_type: Optional[str]
    absolute_timeout: Optional[str]
    idle_timeout: Optional[str]
    absolute_timeout_ms: Optional[int]
    idle_timeout_ms: Optional[int]


@_frozen
class ExtensionRef:
    group: str
    kind: str
    name: str


_NO_OPS = HeaderOps()
_NO_TIMEOUTS = Timeouts()


@_frozen
class Decision:
    """The result of Table.route(); the fields of the CLI's decision line.

    action is "forward", "redirect", "respond" or "reject". status is the
    HTTP status of a respond/redirect (else 0); reason explains a respond or
    reject, location is a redirect's target; headers are the engine's own
    answer headers (Location, CORS preflight) of a redirect or respond.
    request_headers are the request header operations (already applied in
    upstream.headers), response_headers those the host applies to the
    backend's response.
    """
    action: str
    status: int
    grpc_status: Optional[int]
    reason: str
    location: str
    headers: Tuple[Pair, ...]
    listener: Optional[str]
    route: Optional[RouteRef]
    backend: Optional[BackendRef]
    upstream: Optional[Upstream]
    request_headers: HeaderOps
    response_headers: HeaderOps
    mirrors: Tuple[BackendRef, ...]
    timeouts: Timeouts
    retry: Optional[Retry]
    session_persistence: Optional[SessionPersistence]
    extension_refs: Tuple[ExtensionRef, ...]

    def to_dict(self):
        """The decision as the `gwroute route` CLI prints it (DESIGN.md
        "Decision line"): same keys, lists and nulls."""
        out = {"action": self.action}
        if self.action != "forward":
            if self.action in ("respond", "redirect"):
                out["status"] = self.status
            if self.action in ("respond", "reject"):
                out["reason"] = self.reason
            if self.action == "redirect":
                out["location"] = self.location
            if self.grpc_status is not None:
                out["grpc_status"] = self.grpc_status
            out["headers"] = [list(h) for h in self.headers]
        asdict = dataclasses.asdict
        upstream = None
        if self.upstream is not None:
            upstream = asdict(self.upstream)
            upstream["headers"] = [list(h) for h in self.upstream.headers]
        ops = self.response_headers
        session = None
        if self.session_persistence is not None:
            s = self.session_persistence
            session = {"type": s.type, "name": s.name, "path": s.path,
                       "lifetimeType": s.lifetime_type,
                       "absoluteTimeout": s.absolute_timeout,
                       "idleTimeout": s.idle_timeout}
        retry = None
        if self.retry is not None:
            retry = {"codes": list(self.retry.codes),
                     "attempts": self.retry.attempts,
                     "backoff": self.retry.backoff}
        out.update({
            "listener": self.listener,
            "route": asdict(self.route) if self.route else None,
            "backend": asdict(self.backend) if self.backend else None,
            "upstream": upstream,
            "response_headers": {"set": [list(p) for p in ops.set],
                                 "add": [list(p) for p in ops.add],
                                 "remove": list(ops.remove)},
            "mirrors": [asdict(m) for m in self.mirrors],
            "timeouts": {"request": self.timeouts.request,
                         "backend_request": self.timeouts.backend_request},
            "retry": retry,
            "session_persistence": session,
            "extension_refs": [asdict(e) for e in self.extension_refs],
        })
        return out


# ---- table -----------------------------------------------------------------
_PROTOCOLS = {"http": _ffi.PROTOCOL_HTTP, "grpc": _ffi.PROTOCOL_GRPC,
              "tls": _ffi.PROTOCOL_TLS, "tcp": _ffi.PROTOCOL_TCP,
              "udp": _ffi.PROTOCOL_UDP}
_STREAMS = (_ffi.PROTOCOL_TLS, _ffi.PROTOCOL_TCP, _ffi.PROTOCOL_UDP)
_ACTIONS = {_ffi.ACTION_FORWARD: "forward", _ffi.ACTION_REDIRECT: "redirect",
            _ffi.ACTION_RESPOND: "respond", _ffi.ACTION_REJECT: "reject"}
_REQUEST_SIZE = ctypes.sizeof(_ffi.Request)
_string_at = ctypes.string_at


def _view_text(ptr, size):
    """A library view (pointer, length) as str."""
    return _string_at(ptr, size).decode("utf-8", "surrogateescape") if size else ""


def _protocol(protocol):
    if isinstance(protocol, str):
        try:
            return _PROTOCOLS[protocol.lower()]
        except KeyError:
            raise InvalidArgumentError(
                "protocol must be http, grpc, tls, tcp or udp, not %r"
                % protocol, _ffi.E_INVALID) from None
    return int(protocol)


class _Scratch:
    """One thread's gwr_decision and reusable views, for one table."""

    def __init__(self, table_ptr):
        handle = c_void_p()
        _check(_lib.gwr_decision_new(byref(handle), table_ptr))
        self.ptr = handle.value
        self.view = _ffi.Str()
        self.view_ptr = ctypes.pointer(self.view)
        self.out = (_ffi.OutHeader * 16)()

    def __del__(self, _free=_lib.gwr_decision_free):
        _free(getattr(self, "ptr", None))


class _Reader:
    """Reads one matched gwr_decision into a Decision (see decision_json.c
    of the CLI for the same walk)."""

    def __init__(self, scratch):
        self.d = scratch.ptr
        self.view = scratch.view
        self.view_ptr = scratch.view_ptr

    def int(self, field):
        return _lib.gwr_decision_int(self.d, field)

    def str(self, field):
        view = self.view
        if _lib.gwr_decision_str(self.d, field, self.view_ptr) != _ffi.OK:
            return ""
        return _view_text(view.ptr, view.len)

    def optional(self, field):
        return self.str(field) or None

    def count(self, list_):
        return _lib.gwr_decision_list_count(self.d, list_)

    def item_str(self, list_, index, field):
        view = self.view
        if _lib.gwr_decision_list_str(self.d, list_, index, field,
                                      self.view_ptr) != _ffi.OK:
            return ""
        return _view_text(view.ptr, view.len)

    def item_int(self, list_, index, field):
        return _lib.gwr_decision_list_int(self.d, list_, index, field)

    def pair(self, list_, index):
        return (self.item_str(list_, index, _ffi.IF_NAME),
                self.item_str(list_, index, _ffi.IF_VALUE))

    def pairs(self, list_):
        return tuple(self.pair(list_, i) for i in range(self.count(list_)))

    def header_ops(self, list_):
        n = self.count(list_)
        if not n:
            return _NO_OPS
        groups = {_ffi.HEADER_OP_SET: [], _ffi.HEADER_OP_ADD: [],
                  _ffi.HEADER_OP_REMOVE: []}
        for i in range(n):
            op = self.item_int(list_, i, _ffi.IF_OP)
            if op == _ffi.HEADER_OP_REMOVE:
                groups[op].append(self.item_str(list_, i, _ffi.IF_NAME))
            elif op in groups:
                groups[op].append(self.pair(list_, i))
        return HeaderOps(tuple(groups[_ffi.HEADER_OP_SET]),
                         tuple(groups[_ffi.HEADER_OP_ADD]),
                         tuple(groups[_ffi.HEADER_OP_REMOVE]))

    def backend_item(self, list_, i):
        port = self.item_int(list_, i, _ffi.IF_PORT)
        return BackendRef(self.item_str(list_, i, _ffi.IF_GROUP),
                          self.item_str(list_, i, _ffi.IF_KIND),
                          self.item_str(list_, i, _ffi.IF_NAMESPACE),
                          self.item_str(list_, i, _ffi.IF_NAME),
                          port if port > 0 else None)

    def route(self):
        if not self.int(_ffi.DI_HAS_ROUTE):
            return None
        rule = self.int(_ffi.DI_ROUTE_RULE)
        match = self.int(_ffi.DI_ROUTE_MATCH)
        return RouteRef(self.str(_ffi.DS_ROUTE_KIND),
                        self.str(_ffi.DS_ROUTE_NAMESPACE),
                        self.str(_ffi.DS_ROUTE_NAME),
                        rule if rule >= 0 else None,
                        match if match >= 0 else None)

    def backend(self):
        if not self.int(_ffi.DI_HAS_BACKEND):
            return None
        port = self.int(_ffi.DI_BACKEND_PORT)
        return BackendRef(self.str(_ffi.DS_BACKEND_GROUP),
                          self.str(_ffi.DS_BACKEND_KIND),
                          self.str(_ffi.DS_BACKEND_NAMESPACE),
                          self.str(_ffi.DS_BACKEND_NAME),
                          port if port > 0 else None)

    def ms(self, text, field):
        """The milliseconds of a duration that is set, else None."""
        if text is None:
            return None
        value = self.int(field)
        return value if value >= 0 else None

    def timeouts(self):
        request = self.optional(_ffi.DS_TIMEOUT_REQUEST)
        backend = self.optional(_ffi.DS_TIMEOUT_BACKEND)
        if request is None and backend is None:
            return _NO_TIMEOUTS
        return Timeouts(request, backend,
                        self.ms(request, _ffi.DI_TIMEOUT_REQUEST_MS),
                        self.ms(backend, _ffi.DI_TIMEOUT_BACKEND_MS))

    def retry(self):
        if not self.int(_ffi.DI_HAS_RETRY):
            return None
        codes = tuple(self.item_int(_ffi.DL_RETRY_CODES, i, _ffi.IF_CODE)
                      for i in range(self.count(_ffi.DL_RETRY_CODES)))
        attempts = self.int(_ffi.DI_RETRY_ATTEMPTS)
        backoff = self.optional(_ffi.DS_RETRY_BACKOFF)
        return Retry(codes, attempts if attempts >= 0 else None, backoff,
                     self.ms(backoff, _ffi.DI_RETRY_BACKOFF_MS))

    def session(self):
        if not self.int(_ffi.DI_HAS_SESSION):
            return None
        absolute = self.optional(_ffi.DS_SESSION_ABSOLUTE_TIMEOUT)
        idle = self.optional(_ffi.DS_SESSION_IDLE_TIMEOUT)
        return SessionPersistence(
            self.str(_ffi.DS_SESSION_TYPE),
            self.optional(_ffi.DS_SESSION_NAME),
            self.optional(_ffi.DS_SESSION_COOKIE_PATH),
            self.optional(_ffi.DS_SESSION_LIFETIME),
            absolute, idle,
            self.ms(absolute, _ffi.DI_SESSION_ABSOLUTE_MS),
            self.ms(idle, _ffi.DI_SESSION_IDLE_MS))

    def extension_refs(self):
        list_ = _ffi.DL_EXTENSION_REFS
        return tuple(ExtensionRef(self.item_str(list_, i, _ffi.IF_GROUP),
                                  self.item_str(list_, i, _ffi.IF_KIND),
                                  self.item_str(list_, i, _ffi.IF_NAME))
                     for i in range(self.count(list_)))


def _upstream_headers(scratch, in_headers, in_count):
    """The request headers after the request header operations, by
    gwr_headers_apply (views into in_headers and the table)."""
    out = scratch.out
    count = c_size_t()
    while True:
        status = _lib.gwr_headers_apply(scratch.ptr, _ffi.DL_REQUEST_HEADER_OPS,
                                        in_headers, in_count, out, len(out),
                                        byref(count))
        if status != _ffi.E_RANGE:
            break
        out = scratch.out = (_ffi.OutHeader * (count.value + 16))()
    _check(status)
    return tuple((_view_text(h.name_ptr, h.name_len),
                  _view_text(h.value_ptr, h.value_len))
                 for h in out[:count.value])


class Table:
    """A compiled, immutable routing table (made by Config.compile()).

    route() may be called from any number of threads. close() drops this
    object's reference to the C table; a route() running in another thread
    holds its own reference (gwr_table_ref), so the table is freed only
    after it. Collecting an unclosed Table closes it.
    """

    def __init__(self, ptr):
        self._ptr = ptr
        self._lock = threading.Lock()
        self._local = threading.local()

    def _acquire(self):
        """A new reference to the C table, for one call."""
        with self._lock:
            ptr = self._ptr
            if ptr is None:
                raise StateError("the table is closed", _ffi.E_STATE)
            return _lib.gwr_table_ref(ptr)

    def _scratch(self, ptr):
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = _Scratch(ptr)
        return scratch

    def route(self, host="", path="/", method="GET", headers=(), *,
              gateway=None, port=0, scheme="http", sni=None, key=None,
              protocol="http", choice=None):
        """Route one request and return its Decision.

        host: Host/:authority (a port is allowed). path: the request target,
        query included (None: "/"). headers: (name, value) pairs, repeated
        names allowed, or a dict. gateway: "namespace/name", needed unless
        the table has exactly one Gateway. port: the listener port (0: 80 for
        http, 443 for https). sni: the TLS server name. protocol: "http",
        "grpc", "tls", "tcp" or "udp" (the library also takes an http
        request whose content-type is application/grpc[+...|;...] as gRPC).
        key: equal keys choose equal weighted backends. choice: the random
        value of the weighted choice when there is no key (None: a random
        one). Strings may be str or bytes. Raises NotFoundError for an
        unknown gateway, or none given when the table has several.
        """
        if not 0 <= port <= 65535:
            raise InvalidArgumentError("port must be from 0 to 65535",
                                       _ffi.E_INVALID)
        proto = _protocol(protocol)
        if isinstance(headers, Mapping):
            headers = headers.items()
        if choice is None:
            choice = 0 if key else random.getrandbits(64)
        pairs = [(_bytes(n), _bytes(v)) for n, v in headers]  # kept alive here
        in_count = len(pairs)
        in_headers = (_ffi.InHeader * in_count)(*[
            _ffi.InHeader(n, len(n), v, len(v)) for n, v in pairs]) \
            if in_count else None
        gateway_, sni_, method_, scheme_, host_, path_, key_ = (
            _bytes(gateway), _bytes(sni), _bytes(method or "GET"),
            _bytes(scheme or "http"), _bytes(host),
            _bytes("/" if path is None else path), _bytes(key))
        request = _ffi.Request(
            _REQUEST_SIZE, gateway_, len(gateway_), port, proto, sni_, len(sni_),
            method_, len(method_), scheme_, len(scheme_), host_, len(host_),
            path_, len(path_), in_headers, in_count, key_, len(key_), choice)
        table = self._acquire()
        try:
            scratch = self._scratch(table)
            status = _lib.gwr_match(scratch.ptr, table, byref(request))
            if status != _ffi.OK:
                raise self._match_error(status, gateway)
            return self._read(scratch, proto, in_headers, in_count)
        finally:
            _lib.gwr_table_unref(table)

    @staticmethod
    def _match_error(status, gateway):
        if status == _ffi.E_NOTFOUND and gateway:
            return NotFoundError("gateway %s not found" % gateway, status)
        if status == _ffi.E_NOTFOUND:
            return NotFoundError("no gateway given, and the configuration does "
                                 "not have exactly one Gateway", status)
        return _error(status)

    @staticmethod
    def _read(scratch, proto, in_headers, in_count):
        r = _Reader(scratch)
        code = _lib.gwr_decision_action(scratch.ptr)
        action = _ACTIONS.get(code)
        if action is None:
            raise StateError("the library gave an unknown action %d" % code,
                             _ffi.E_STATE)
        status, grpc_status, reason, location, headers = 0, None, "", "", ()
        upstream = None
        if code == _ffi.ACTION_FORWARD:
            if proto not in _STREAMS:  # a TLS/TCP/UDP stream has no HTTP upstream
                upstream = Upstream(
                    r.str(_ffi.DS_UPSTREAM_METHOD), r.str(_ffi.DS_UPSTREAM_SCHEME),
                    r.str(_ffi.DS_UPSTREAM_HOST), r.str(_ffi.DS_UPSTREAM_PATH),
                    _upstream_headers(scratch, in_headers, in_count))
        else:  # the engine answers itself
            status = r.int(_ffi.DI_STATUS)
            grpc_status = r.int(_ffi.DI_GRPC_STATUS)
            if grpc_status < 0:
                grpc_status = None
            if code != _ffi.ACTION_REDIRECT:
                reason = r.str(_ffi.DS_REASON)
            else:
                location = r.str(_ffi.DS_LOCATION)
            headers = r.pairs(_ffi.DL_RESPONSE_HEADERS)
        return Decision(
            action=action,
            status=status,
            grpc_status=grpc_status,
            reason=reason,
            location=location,
            headers=headers,
            listener=r.optional(_ffi.DS_LISTENER),
            route=r.route(),
            backend=r.backend(),
            upstream=upstream,
            request_headers=r.header_ops(_ffi.DL_REQUEST_HEADER_OPS),
            response_headers=r.header_ops(_ffi.DL_RESPONSE_HEADER_OPS),
            mirrors=tuple(r.backend_item(_ffi.DL_MIRRORS, i)
                          for i in range(r.count(_ffi.DL_MIRRORS))),
            timeouts=r.timeouts(),
            retry=r.retry(),
            session_persistence=r.session(),
            extension_refs=r.extension_refs())

    def check(self, tests_text, coverage=False, json=False, explain=False):
        """Run route tests (docs/check.md) against this table.

        tests_text: the test file as str or bytes (YAML or JSON). coverage:
        list the match entries no test exercised; json: the report as a JSON
        document (str, not parsed); explain: explain each failing test.
        Returns (report, summary) where summary is a dict with tests, failed,
        rules, rules_hit, matches, matches_hit and coverage_permille. Failing
        tests are not an error; a test file that cannot be read raises
        ParseError or SchemaError (with line and the field path in message).
        """
        text = _bytes(tests_text)
        flags = ((_ffi.CHECK_COVERAGE if coverage else 0)
                 | (_ffi.CHECK_JSON if json else 0)
                 | (_ffi.CHECK_EXPLAIN if explain else 0))
        summary = _ffi.CheckSummary(ctypes.sizeof(_ffi.CheckSummary))
        report = ctypes.c_void_p()
        err = _ffi.new_error()
        table = self._acquire()
        try:
            status = _lib.gwr_check(table, text, len(text), flags, byref(report),
                                    byref(summary), byref(err))
        finally:
            _lib.gwr_table_unref(table)
        _check(status, err)
        try:
            out = _text(ctypes.string_at(report.value)) if report.value else ""
        finally:
            _lib.gwr_report_free(report)
        return out, {name: getattr(summary, name)
                     for name, _ in _ffi.CheckSummary._fields_[1:]}

    def status(self):
        """The status report (routes, gateways, listenersets, rejected) as
        parsed JSON (DESIGN.md "Status")."""
        table = self._acquire()
        try:
            needed = c_size_t(4096)
            status = _ffi.E_RANGE
            while status == _ffi.E_RANGE:  # grow to the size it asks for
                buf = ctypes.create_string_buffer(needed.value + 1)
                status = _lib.gwr_table_status_json(table, buf, len(buf),
                                                    byref(needed))
            _check(status)
            return json.loads(_text(buf.raw[:needed.value]))
        finally:
            _lib.gwr_table_unref(table)

    @property
    def closed(self):
        return self._ptr is None

    def close(self):
        """Drop this table's reference. Idempotent."""
        with self._lock:
            ptr, self._ptr = self._ptr, None
        if ptr:
            _lib.gwr_table_unref(ptr)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self, _unref=_lib.gwr_table_unref):
        ptr = getattr(self, "_ptr", None)
        if ptr:
            self._ptr = None
            _unref(ptr)
