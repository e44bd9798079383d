# SPDX-License-Identifier: Apache-2.0
"""ctypes declarations of include/gwroute.h (version 1.x) and the loader.

Everything here mirrors the C header one to one; the Pythonic layer is in
__init__.py. The library is loaded by its SONAME, libgwroute.so.1, or from
the path in the environment variable GWROUTE_LIBRARY.
"""

import ctypes
import os
from ctypes import (POINTER, Structure, c_char, c_char_p, c_int, c_int32,
                    c_int64, c_size_t, c_uint32, c_uint64, c_void_p)

SONAME = "libgwroute.so.1"
MAJOR = 1

# ---- status codes (enum gwr_status) ----------------------------------------
OK = 0
E_INVALID = -1
E_NOMEM = -2
E_PARSE = -3
E_SCHEMA = -4
E_IO = -5
E_LIMIT = -6
E_NOTFOUND = -7
E_RANGE = -8
E_STATE = -9

# ---- counters, protocols, actions, header ops ------------------------------
COUNT_OBJECTS, COUNT_SKIPPED, COUNT_PROBLEMS, COUNT_REPLACED = 1, 2, 3, 4

PROTOCOL_HTTP, PROTOCOL_GRPC, PROTOCOL_TLS, PROTOCOL_TCP, PROTOCOL_UDP = range(5)

ACTION_NONE, ACTION_FORWARD, ACTION_REDIRECT, ACTION_RESPOND, ACTION_REJECT = range(5)

HEADER_OP_SET, HEADER_OP_ADD, HEADER_OP_REMOVE = 1, 2, 3

# enum gwr_decision_int_field
DI_STATUS = 1
DI_ROUTE_RULE = 2
DI_ROUTE_MATCH = 3
DI_BACKEND_PORT = 4
DI_GRPC_STATUS = 5
DI_HAS_ROUTE = 6
DI_HAS_BACKEND = 7
DI_TIMEOUT_REQUEST_MS = 8
DI_TIMEOUT_BACKEND_MS = 9
DI_HAS_RETRY = 10
DI_RETRY_ATTEMPTS = 11
DI_RETRY_BACKOFF_MS = 12
DI_HAS_SESSION = 13
DI_SESSION_ABSOLUTE_MS = 14
DI_SESSION_IDLE_MS = 15

# enum gwr_decision_str_field
DS_LISTENER = 1
DS_ROUTE_KIND = 2
DS_ROUTE_NAMESPACE = 3
DS_ROUTE_NAME = 4
DS_BACKEND_GROUP = 5
DS_BACKEND_KIND = 6
DS_BACKEND_NAMESPACE = 7
DS_BACKEND_NAME = 8
DS_REASON = 9
DS_LOCATION = 10
DS_UPSTREAM_METHOD = 11
DS_UPSTREAM_SCHEME = 12
DS_UPSTREAM_HOST = 13
DS_UPSTREAM_PATH = 14
DS_TIMEOUT_REQUEST = 15
DS_TIMEOUT_BACKEND = 16
DS_RETRY_BACKOFF = 17
DS_SESSION_TYPE = 18
DS_SESSION_NAME = 19
DS_SESSION_COOKIE_PATH = 20
DS_SESSION_LIFETIME = 21
DS_SESSION_ABSOLUTE_TIMEOUT = 22
DS_SESSION_IDLE_TIMEOUT = 23

# enum gwr_decision_list and enum gwr_decision_item_field
DL_UPSTREAM_HEADERS = 1
DL_REQUEST_HEADER_OPS = 2
DL_RESPONSE_HEADER_OPS = 3
DL_RESPONSE_HEADERS = 4
DL_MIRRORS = 5
DL_EXTENSION_REFS = 6
DL_RETRY_CODES = 7

IF_NAME = 1
IF_VALUE = 2
IF_OP = 3
IF_GROUP = 4
IF_KIND = 5
IF_NAMESPACE = 6
IF_PORT = 7
IF_CODE = 8


# ---- structs ----------------------------------------------------------------
class Error(Structure):
    """struct gwr_error; make it with new_error() so struct_size is set."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("code", c_int32),
        ("line", c_uint32),
        ("column", c_uint32),
        ("kind", c_char * 64),
        ("ns", c_char * 64),
        ("name", c_char * 254),
        ("field", c_char * 256),
        ("file", c_char * 256),
        ("message", c_char * 1024),
    ]


def new_error():
    return Error(ctypes.sizeof(Error))


class Str(Structure):
    """gwr_str returned by the library: not NUL-terminated, read with
    string_at(ptr, len)."""
    _fields_ = [("ptr", c_void_p), ("len", c_size_t)]


# The structs below spell each gwr_str member out as two fields, NAME_ptr
# and NAME_len: the same memory layout as the nested struct, but a request is
# then built by one constructor call from bytes and ints, and read without a
# Python object per view. Input pointers are c_char_p, set from bytes objects
# without a copy (the caller keeps the bytes alive during the call).
def _str_fields(name, pointer=c_char_p):
    return [(name + "_ptr", pointer), (name + "_len", c_size_t)]


class InHeader(Structure):
    """gwr_header passed to the library."""
    _fields_ = _str_fields("name") + _str_fields("value")


class OutHeader(Structure):
    """gwr_header written by gwr_headers_apply (views)."""
    _fields_ = _str_fields("name", c_void_p) + _str_fields("value", c_void_p)


class Request(Structure):
    """struct gwr_request; struct_size must be ctypes.sizeof(Request)."""
    _fields_ = (
        [("struct_size", c_size_t)]
        + _str_fields("gateway")
        + [("port", c_uint32), ("protocol", c_int32)]
        + _str_fields("sni") + _str_fields("method") + _str_fields("scheme")
        + _str_fields("host") + _str_fields("path")
        + [("headers", POINTER(InHeader)), ("header_count", c_size_t)]
        + _str_fields("key")
        + [("choice", c_uint64)])


# ---- tooling (1.1) -----------------------------------------------------------
CHECK_JSON, CHECK_COVERAGE, CHECK_EXPLAIN = 1, 2, 4


class CheckSummary(Structure):
    """struct gwr_check_summary; struct_size must be ctypes.sizeof(CheckSummary)."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("tests", c_uint32),
        ("failed", c_uint32),
        ("rules", c_uint32),
        ("rules_hit", c_uint32),
        ("matches", c_uint32),
        ("matches_hit", c_uint32),
        ("coverage_permille", c_uint32),
    ]


# ---- prototypes: one table; handles are opaque void pointers ----------------
_P = c_void_p
_PROTOTYPES = {
    "gwr_version": (c_uint32, []),
    "gwr_version_string": (c_char_p, []),
    "gwr_strerror": (c_char_p, [c_int]),
    "gwr_config_new": (c_int, [POINTER(_P), c_void_p]),
    "gwr_config_free": (None, [_P]),
    "gwr_config_load": (c_int, [_P, c_char_p, c_size_t, c_char_p, c_size_t,
                                POINTER(Error)]),
    "gwr_config_load_path": (c_int, [_P, c_char_p, c_size_t, POINTER(Error)]),
    "gwr_config_count": (c_size_t, [_P, c_int32]),
    "gwr_config_problem": (c_int, [_P, c_size_t, POINTER(Error)]),
    "gwr_config_set_option": (c_int, [_P, c_int32, c_int64]),
    "gwr_config_set_controller": (c_int, [_P, c_char_p, c_size_t]),
    "gwr_table_compile": (c_int, [POINTER(_P), _P, POINTER(Error)]),
    "gwr_table_ref": (_P, [_P]),
    "gwr_table_unref": (None, [_P]),
    "gwr_table_status_json": (c_int, [_P, c_char_p, c_size_t, POINTER(c_size_t)]),
    "gwr_decision_new": (c_int, [POINTER(_P), _P]),
    "gwr_decision_free": (None, [_P]),
    "gwr_match": (c_int, [_P, _P, POINTER(Request)]),
    "gwr_decision_action": (c_int32, [_P]),
    "gwr_decision_int": (c_int64, [_P, c_int32]),
    "gwr_decision_str": (c_int, [_P, c_int32, POINTER(Str)]),
    "gwr_decision_list_count": (c_size_t, [_P, c_int32]),
    "gwr_decision_list_str": (c_int, [_P, c_int32, c_size_t, c_int32,
                                      POINTER(Str)]),
    "gwr_decision_list_int": (c_int64, [_P, c_int32, c_size_t, c_int32]),
    "gwr_headers_apply": (c_int, [_P, c_int32, POINTER(InHeader), c_size_t,
                                  POINTER(OutHeader), c_size_t,
                                  POINTER(c_size_t)]),
    "gwr_report_free": (None, [c_void_p]),
    "gwr_check": (c_int, [_P, c_char_p, c_size_t, c_int32, POINTER(c_void_p),
                          POINTER(CheckSummary), POINTER(Error)]),
}


class LibraryError(ImportError):
    """libgwroute cannot be loaded, or is not version 1.x."""


def load():
    path = os.environ.get("GWROUTE_LIBRARY") or SONAME
    try:
        lib = ctypes.CDLL(path)
    except OSError as e:
        raise LibraryError(
            "gwroute: cannot load %s (%s); install libgwroute %d.x or set "
            "GWROUTE_LIBRARY to its path" % (path, e, MAJOR)) from None
    for name, (restype, argtypes) in _PROTOTYPES.items():
        try:
            fn = getattr(lib, name)
        except AttributeError:
            raise LibraryError("gwroute: %s has no symbol %s" % (path, name)) from None
        fn.restype = restype
        fn.argtypes = argtypes
    version = lib.gwr_version()
    if version // 10000 != MAJOR:
        raise LibraryError(
            "gwroute: %s is version %s, this binding needs %d.x" % (
                path, lib.gwr_version_string().decode(), MAJOR))
    return lib


lib = load()
