-- SPDX-License-Identifier: Apache-2.0
--
-- gwroute.lua - LuaJIT FFI binding of libgwroute (include/gwroute.h).
--
--   local gwroute = require "gwroute"
--   local routes = assert(gwroute.compile(yaml_text))
--   local d = routes:route{host = "example.com", path = "/api"}
--   -- d.action, d.status, d.backend.name, d.upstream.path, ...
--
-- Pure FFI, no C module: usable from plain LuaJIT and from nginx's Lua
-- module (OpenResty). The library is loaded on first use from, in order:
-- gwroute.library (set it before the first compile), $GWROUTE_LIBRARY (a
-- file, or a directory holding libgwroute.so.1), then the system's
-- libgwroute.so.1 and libgwroute.so.
--
-- Threads: each table object owns one gwr_decision, reused by every
-- route()/route_fast() call, so a table object belongs to one Lua state
-- (one nginx worker). Workers are single-threaded and route() never
-- yields, so this is safe; a table compiled in init_by_lua is copied into
-- every worker by fork(), decision included.

local ffi = require "ffi"

ffi.cdef [[
typedef struct gwr_config gwr_config;
typedef struct gwr_table gwr_table;
typedef struct gwr_decision gwr_decision;
struct gwr_allocator;

typedef struct gwr_error {
  size_t struct_size;
  int32_t code;
  uint32_t line;
  uint32_t column;
  char kind[64];
  char ns[64];
  char name[254];
  char field[256];
  char file[256];
  char message[1024];
} gwr_error;

typedef struct gwr_str { const char *ptr; size_t len; } gwr_str;
typedef struct gwr_header { gwr_str name; gwr_str value; } gwr_header;

typedef struct gwr_request {
  size_t struct_size;
  gwr_str gateway;
  uint32_t port;
  int32_t protocol;
  gwr_str sni;
  gwr_str method;
  gwr_str scheme;
  gwr_str host;
  gwr_str path;
  const gwr_header *headers;
  size_t header_count;
  gwr_str key;
  uint64_t choice;
} gwr_request;

enum {
  GWR_OK = 0, GWR_E_INVALID = -1, GWR_E_NOMEM = -2, GWR_E_PARSE = -3,
  GWR_E_SCHEMA = -4, GWR_E_IO = -5, GWR_E_LIMIT = -6, GWR_E_NOTFOUND = -7,
  GWR_E_RANGE = -8, GWR_E_STATE = -9
};
enum {
  GWR_COUNT_OBJECTS = 1, GWR_COUNT_SKIPPED = 2, GWR_COUNT_PROBLEMS = 3,
  GWR_COUNT_REPLACED = 4, GWR_COUNT_INGRESSES = 5
};
enum {
  GWR_OPT_REGEX_ORDER = 1, GWR_OPT_REGEX_MATCH_LIMIT = 2,
  GWR_OPT_REGEX_MAX_LENGTH = 3, GWR_OPT_ALL_ZERO_WEIGHT_STATUS = 4,
  GWR_OPT_MAX_OBJECTS = 5, GWR_OPT_MAX_HEADER_BYTES = 6,
  GWR_OPT_PATH_NORMALIZE = 7, GWR_OPT_MAX_YAML_ALIASES = 8,
  GWR_OPT_GRPC_HOSTNAME_CONFLICTS = 9, GWR_OPT_MAX_DOCUMENT_BYTES = 10,
  GWR_OPT_MAX_DEPTH = 11, GWR_OPT_MAX_STRING_BYTES = 12,
  GWR_OPT_REGEX_HEAP_LIMIT = 13
};
enum {
  GWR_REGEX_ORDER_ENVOY = 0, GWR_REGEX_ORDER_ISTIO = 1,
  GWR_PATH_NORMALIZE_NONE = 0, GWR_PATH_NORMALIZE_DOT_SEGMENTS = 1
};
enum {
  GWR_PROTOCOL_HTTP = 0, GWR_PROTOCOL_GRPC = 1, GWR_PROTOCOL_TLS = 2,
  GWR_PROTOCOL_TCP = 3, GWR_PROTOCOL_UDP = 4
};
enum {
  GWR_ACTION_NONE = 0, GWR_ACTION_FORWARD = 1, GWR_ACTION_REDIRECT = 2,
  GWR_ACTION_RESPOND = 3, GWR_ACTION_REJECT = 4
};
enum {
  GWR_DI_STATUS = 1, GWR_DI_ROUTE_RULE = 2, GWR_DI_ROUTE_MATCH = 3,
  GWR_DI_BACKEND_PORT = 4, GWR_DI_GRPC_STATUS = 5, GWR_DI_HAS_ROUTE = 6,
  GWR_DI_HAS_BACKEND = 7, GWR_DI_TIMEOUT_REQUEST_MS = 8,
  GWR_DI_TIMEOUT_BACKEND_MS = 9, GWR_DI_HAS_RETRY = 10,
  GWR_DI_RETRY_ATTEMPTS = 11, GWR_DI_RETRY_BACKOFF_MS = 12,
  GWR_DI_HAS_SESSION = 13, GWR_DI_SESSION_ABSOLUTE_MS = 14,
  GWR_DI_SESSION_IDLE_MS = 15
};
enum {
  GWR_DS_LISTENER = 1, GWR_DS_ROUTE_KIND = 2, GWR_DS_ROUTE_NAMESPACE = 3,
  GWR_DS_ROUTE_NAME = 4, GWR_DS_BACKEND_GROUP = 5, GWR_DS_BACKEND_KIND = 6,
  GWR_DS_BACKEND_NAMESPACE = 7, GWR_DS_BACKEND_NAME = 8, GWR_DS_REASON = 9,
  GWR_DS_LOCATION = 10, GWR_DS_UPSTREAM_METHOD = 11,
  GWR_DS_UPSTREAM_SCHEME = 12, GWR_DS_UPSTREAM_HOST = 13,
  GWR_DS_UPSTREAM_PATH = 14, GWR_DS_TIMEOUT_REQUEST = 15,
  GWR_DS_TIMEOUT_BACKEND = 16, GWR_DS_RETRY_BACKOFF = 17,
  GWR_DS_SESSION_TYPE = 18, GWR_DS_SESSION_NAME = 19,
  GWR_DS_SESSION_COOKIE_PATH = 20, GWR_DS_SESSION_LIFETIME = 21,
  GWR_DS_SESSION_ABSOLUTE_TIMEOUT = 22, GWR_DS_SESSION_IDLE_TIMEOUT = 23
};
enum {
  GWR_DL_UPSTREAM_HEADERS = 1, GWR_DL_REQUEST_HEADER_OPS = 2,
  GWR_DL_RESPONSE_HEADER_OPS = 3, GWR_DL_RESPONSE_HEADERS = 4,
  GWR_DL_MIRRORS = 5, GWR_DL_EXTENSION_REFS = 6, GWR_DL_RETRY_CODES = 7
};
enum {
  GWR_IF_NAME = 1, GWR_IF_VALUE = 2, GWR_IF_OP = 3, GWR_IF_GROUP = 4,
  GWR_IF_KIND = 5, GWR_IF_NAMESPACE = 6, GWR_IF_PORT = 7, GWR_IF_CODE = 8
};
enum { GWR_HEADER_OP_SET = 1, GWR_HEADER_OP_ADD = 2, GWR_HEADER_OP_REMOVE = 3 };

uint32_t gwr_version(void);
const char *gwr_version_string(void);
const char *gwr_strerror(int status);

int gwr_config_new(gwr_config **out, const struct gwr_allocator *alloc);
void gwr_config_free(gwr_config *cfg);
int gwr_config_load(gwr_config *cfg, const char *text, size_t text_len,
                    const char *source, size_t source_len, gwr_error *err);
int gwr_config_load_path(gwr_config *cfg, const char *path, size_t path_len,
                         gwr_error *err);
size_t gwr_config_count(const gwr_config *cfg, int32_t which);
int gwr_config_problem(const gwr_config *cfg, size_t index, gwr_error *out);
int gwr_config_set_option(gwr_config *cfg, int32_t option, int64_t value);
int gwr_config_set_controller(gwr_config *cfg, const char *name, size_t name_len);

int gwr_table_compile(gwr_table **out, const gwr_config *cfg, gwr_error *err);
void gwr_table_unref(gwr_table *t);
int gwr_table_status_json(const gwr_table *t, char *buf, size_t cap, size_t *needed);

int gwr_decision_new(gwr_decision **out, const gwr_table *t);
void gwr_decision_free(gwr_decision *d);
int gwr_match(gwr_decision *d, const gwr_table *t, const gwr_request *req);
int32_t gwr_decision_action(const gwr_decision *d);
int64_t gwr_decision_int(const gwr_decision *d, int32_t field);
int gwr_decision_str(const gwr_decision *d, int32_t field, gwr_str *out);
size_t gwr_decision_list_count(const gwr_decision *d, int32_t list);
int gwr_decision_list_str(const gwr_decision *d, int32_t list, size_t index,
                          int32_t field, gwr_str *out);
int64_t gwr_decision_list_int(const gwr_decision *d, int32_t list, size_t index,
                              int32_t field);

/* 11. Tooling (1.1) */
enum { GWR_FORMAT_TEXT = 0, GWR_FORMAT_JSON = 1 };
enum { GWR_CHECK_JSON = 1, GWR_CHECK_COVERAGE = 2, GWR_CHECK_EXPLAIN = 4 };
typedef struct gwr_check_summary {
  size_t struct_size;
  uint32_t tests;
  uint32_t failed;
  uint32_t rules;
  uint32_t rules_hit;
  uint32_t matches;
  uint32_t matches_hit;
  uint32_t coverage_permille;
} gwr_check_summary;
void gwr_report_free(char *report);
int gwr_check(const gwr_table *t, const char *tests, size_t tests_len,
              int32_t flags, char **report, gwr_check_summary *summary,
              gwr_error *err);
]]

local M = { _VERSION = "1.0.0" }
local C -- the library namespace, once loaded
-- The enum constants as plain numbers (cheaper than C.X when interpreted).
local K = setmetatable({}, { __index = function(k, name)
  local v = tonumber(C[name]); rawset(k, name, v); return v
end })

local ACTIONS = { [0] = "none", "forward", "redirect", "respond", "reject" }
local PROTOCOLS = { http = 0, grpc = 1, tls = 2, tcp = 3, udp = 4 }

---------------------------------------------------------------------------
-- Loading the library

local function try_load(name)
  local ok, lib = pcall(ffi.load, name)
  if ok then return lib end
  return nil, lib
end

-- Load libgwroute (see the top of this file); returns the FFI namespace.
-- path: a library file, or a directory holding libgwroute.so.1.
function M.load_library(path)
  if C then return C end
  path = path or M.library or os.getenv("GWROUTE_LIBRARY")
  local lib, err
  if path and path ~= "" then
    if not path:find("%.so") and not path:find("%.dylib$") then
      path = path:gsub("/$", "") .. "/libgwroute.so.1"
    end
    lib, err = try_load(path)
  else
    lib, err = try_load("libgwroute.so.1")
    if not lib then lib = try_load("gwroute") end
  end
  if not lib then error("gwroute: cannot load libgwroute: " .. tostring(err), 2) end
  local v = lib.gwr_version()
  if math.floor(v / 10000) ~= 1 then
    error("gwroute: libgwroute " .. ffi.string(lib.gwr_version_string()) ..
          " is not version 1.x", 2)
  end
  C = lib
  M.C = lib
  return lib
end

-- The loaded library's version string, e.g. "1.0.0".
function M.version()
  return ffi.string(M.load_library().gwr_version_string())
end

---------------------------------------------------------------------------
-- Errors

local function cstr(chars)
  chars[ffi.sizeof(chars) - 1] = 0 -- NUL-terminate, as the CLI does
  return ffi.string(chars)
end

local error_mt = { __tostring = function(e) return e.message end }

-- A Lua error table from a status code and (optionally) a gwr_error.
local function make_error(code, e)
  local err = { code = code, message = ffi.string(C.gwr_strerror(code)) }
  if e then
    if e.code ~= 0 then err.code = e.code end
    local message = cstr(e.message)
    if message ~= "" then err.message = message end
    err.kind, err.namespace, err.name = cstr(e.kind), cstr(e.ns), cstr(e.name)
    err.field, err.file = cstr(e.field), cstr(e.file)
    err.line, err.column = tonumber(e.line), tonumber(e.column)
  end
  return setmetatable(err, error_mt)
end

local function new_error()
  local e = ffi.new("gwr_error")
  e.struct_size = ffi.sizeof("gwr_error")
  return e
end

---------------------------------------------------------------------------
-- Compiling

local OPTIONS = {
  regex_order = "GWR_OPT_REGEX_ORDER",
  regex_match_limit = "GWR_OPT_REGEX_MATCH_LIMIT",
  regex_max_length = "GWR_OPT_REGEX_MAX_LENGTH",
  all_zero_weight_status = "GWR_OPT_ALL_ZERO_WEIGHT_STATUS",
  max_objects = "GWR_OPT_MAX_OBJECTS",
  max_header_bytes = "GWR_OPT_MAX_HEADER_BYTES",
  path_normalize = "GWR_OPT_PATH_NORMALIZE",
  max_yaml_aliases = "GWR_OPT_MAX_YAML_ALIASES",
  grpc_hostname_conflicts = "GWR_OPT_GRPC_HOSTNAME_CONFLICTS",
  max_document_bytes = "GWR_OPT_MAX_DOCUMENT_BYTES",
  max_depth = "GWR_OPT_MAX_DEPTH",
  max_string_bytes = "GWR_OPT_MAX_STRING_BYTES",
  regex_heap_limit = "GWR_OPT_REGEX_HEAP_LIMIT",
}
local OPTION_WORDS = { envoy = 0, istio = 1, none = 0, dot_segments = 1 }

local function option_value(v)
  if v == true then return 1 elseif v == false then return 0 end
  return OPTION_WORDS[v] or v
end

-- Apply opts to cfg; returns an error table or nil.
local function apply_options(cfg, opts)
  for k, v in pairs(opts) do
    local rc
    if OPTIONS[k] then
      local value = option_value(v)
      if type(value) ~= "number" then
        return setmetatable({ code = K.GWR_E_INVALID,
          message = "option " .. k .. ": bad value " .. tostring(v) }, error_mt)
      end
      rc = C.gwr_config_set_option(cfg, K[OPTIONS[k]], value)
    elseif k == "controller" then
      rc = C.gwr_config_set_controller(cfg, v, #v)
    elseif k ~= "source" then
      rc = K.GWR_E_INVALID
    end
    if rc and rc ~= K.GWR_OK then
      local err = make_error(rc)
      err.message = "option " .. k .. ": " .. err.message
      return err
    end
  end
end

local Table = {}
Table.__index = Table

-- The rejected objects of a config, as error tables.
local function config_problems(cfg)
  local problems = {}
  for i = 0, tonumber(C.gwr_config_count(cfg, K.GWR_COUNT_PROBLEMS)) - 1 do
    local e = new_error()
    if C.gwr_config_problem(cfg, i, e) == K.GWR_OK then
      problems[#problems + 1] = make_error(K.GWR_E_SCHEMA, e)
    end
  end
  return problems
end

-- New config with opts, load(cfg, err) into it, compile: table | nil, err.
local function build(opts, load)
  M.load_library()
  local out = ffi.new("gwr_config *[1]")
  local rc = C.gwr_config_new(out, nil)
  if rc ~= K.GWR_OK then return nil, make_error(rc) end
  local cfg = ffi.gc(out[0], C.gwr_config_free)
  local err = apply_options(cfg, opts or {})
  local e = new_error()
  if not err then
    rc = load(cfg, e)
    if rc ~= K.GWR_OK then err = make_error(rc, e) end
  end
  local t, d
  if not err then
    local tout = ffi.new("gwr_table *[1]")
    rc = C.gwr_table_compile(tout, cfg, e)
    if rc ~= K.GWR_OK then
      err = make_error(rc, e)
    else
      t = ffi.gc(tout[0], C.gwr_table_unref)
      local dout = ffi.new("gwr_decision *[1]")
      rc = C.gwr_decision_new(dout, t)
      if rc ~= K.GWR_OK then err = make_error(rc) else
        d = ffi.gc(dout[0], C.gwr_decision_free)
      end
    end
  end
  local problems = not err and config_problems(cfg)
  ffi.gc(cfg, nil)
  C.gwr_config_free(cfg)
  if err then return nil, err end
  return setmetatable({ _t = t, _d = d, problems = problems }, Table)
end

-- Compile Kubernetes objects from text (multi-document YAML, a JSON object,
-- List or array). opts: the GWR_OPT_* options in lower case (regex_order =
-- "envoy"|"istio", path_normalize = "none"|"dot_segments", numbers,
-- booleans), controller = name, source = a name for messages.
-- Objects that break the schema do not fail the call: they are listed in
-- table.problems. Returns table | nil, err.
function M.compile(text, opts)
  local source = opts and opts.source or "<string>"
  return build(opts, function(cfg, e)
    return C.gwr_config_load(cfg, text, #text, source, #source, e)
  end)
end

-- As compile(), from a file or a directory (its *.yaml, *.yml, *.json).
function M.load_path(path, opts)
  return build(opts, function(cfg, e)
    return C.gwr_config_load_path(cfg, path, #path, e)
  end)
end

---------------------------------------------------------------------------
-- Requests

local request = ffi.new("gwr_request") -- one per Lua state, filled per call
request.struct_size = ffi.sizeof("gwr_request")
local header_buf, header_cap = nil, 0

local function header_slot(n) -- the n-th (1-based) header view, grown as needed
  if n > header_cap then
    local old = header_buf
    header_cap = math.max(16, header_cap * 2)
    header_buf = ffi.new("gwr_header[?]", header_cap)
    if old then ffi.copy(header_buf, old, ffi.sizeof("gwr_header") * (n - 1)) end
  end
  return header_buf[n - 1]
end

local function add_header(n, name, value)
  local h = header_slot(n)
  h.name.ptr, h.name.len = name, #name
  h.value.ptr, h.value.len = value, #value
end

-- Copy req.headers into header_buf: an array of {name, value} pairs or an
-- ngx.req.get_headers()-style map (name -> value or list of values).
-- Returns the count.
local function fill_headers(headers)
  local n = 0
  if headers[1] ~= nil then
    for i = 1, #headers do
      n = n + 1
      add_header(n, headers[i][1], headers[i][2])
    end
  else
    for name, value in pairs(headers) do
      if type(value) == "table" then
        for i = 1, #value do
          n = n + 1
          add_header(n, name, value[i])
        end
      else
        n = n + 1
        add_header(n, name, value)
      end
    end
  end
  return n
end

local function set(sv, s) -- point a gwr_str at a Lua string (or nil)
  if s then sv.ptr, sv.len = s, #s else sv.ptr, sv.len = nil, 0 end
end

-- Fill the shared gwr_request from a Lua request table. The CLI's defaults
-- apply: method GET, scheme http, path "/" (gRPC by content-type is decided
-- by the library).
-- The views point into req's strings, which the caller keeps alive.
local function fill(req)
  local r = request
  set(r.gateway, req.gateway)
  set(r.sni, req.sni)
  set(r.method, req.method or "GET")
  set(r.scheme, req.scheme or "http")
  set(r.host, req.host)
  set(r.path, req.path or "/")
  set(r.key, req.key)
  r.port = req.port or 0
  r.choice = req.choice or math.floor(math.random() * 2 ^ 53)
  local n = 0
  if req.headers then n = fill_headers(req.headers) end
  r.headers, r.header_count = header_buf, n
  local protocol = req.protocol
  if protocol == nil then
    r.protocol = K.GWR_PROTOCOL_HTTP -- a gRPC content-type is the library's to see
  else
    r.protocol = PROTOCOLS[protocol] or tonumber(protocol) or
                 error("gwroute: unknown protocol " .. tostring(protocol), 3)
  end
  return r
end

local function match_error(rc, req)
  local err = make_error(rc)
  if rc == K.GWR_E_NOTFOUND then
    err.message = req.gateway and ("gateway " .. req.gateway .. " not found")
      or "no gateway given, and the configuration does not have exactly one Gateway"
  end
  return nil, err
end

---------------------------------------------------------------------------
-- Reading a decision

local view = ffi.new("gwr_str") -- out-parameter of the string getters

local function text(d, field) -- "" when unset
  if C.gwr_decision_str(d, field, view) ~= K.GWR_OK then return "" end
  return ffi.string(view.ptr, view.len)
end

local function optional(d, field) -- nil when unset or empty
  local s = text(d, field)
  if s ~= "" then return s end
end

local function int(d, field) return tonumber(C.gwr_decision_int(d, field)) end
local function count(v) if v >= 0 then return v end end -- -1 means unset
local function port(v) if v > 0 then return v end end

local function item(d, list, i, field)
  if C.gwr_decision_list_str(d, list, i, field, view) ~= K.GWR_OK then return "" end
  return ffi.string(view.ptr, view.len)
end

local function item_int(d, list, i, field)
  return tonumber(C.gwr_decision_list_int(d, list, i, field))
end

-- Readers of one list item.
local function read_pair(d, which, i)
  return { item(d, which, i, K.GWR_IF_NAME), item(d, which, i, K.GWR_IF_VALUE) }
end

local function read_code(d, which, i) return item_int(d, which, i, K.GWR_IF_CODE) end

local function read_extension_ref(d, which, i)
  return {
    group = item(d, which, i, K.GWR_IF_GROUP),
    kind = item(d, which, i, K.GWR_IF_KIND),
    name = item(d, which, i, K.GWR_IF_NAME),
  }
end

local function read_mirror(d, which, i)
  local ref = read_extension_ref(d, which, i)
  ref.namespace = item(d, which, i, K.GWR_IF_NAMESPACE)
  ref.port = port(item_int(d, which, i, K.GWR_IF_PORT))
  return ref
end

-- A decision list as a Lua array of read(d, which, i).
-- (Empty lists skip the loop: fewer loops keep route() inside one JIT trace.)
local function list(d, which, read)
  local n = tonumber(C.gwr_decision_list_count(d, which))
  if n == 0 then return {} end
  local out = {}
  for i = 0, n - 1 do out[i + 1] = read(d, which, i) end
  return out
end

-- Header operations of one list grouped as {set = {{n, v}}, add = {{n, v}},
-- remove = {name}}, each in order.
local function header_ops(d, which)
  local ops = { set = {}, add = {}, remove = {} }
  local n = tonumber(C.gwr_decision_list_count(d, which))
  if n == 0 then return ops end
  for i = 0, n - 1 do
    local op, name = item_int(d, which, i, K.GWR_IF_OP), item(d, which, i, K.GWR_IF_NAME)
    if op == K.GWR_HEADER_OP_REMOVE then
      ops.remove[#ops.remove + 1] = name
    elseif op == K.GWR_HEADER_OP_SET or op == K.GWR_HEADER_OP_ADD then
      local group = op == K.GWR_HEADER_OP_SET and ops.set or ops.add
      group[#group + 1] = { name, item(d, which, i, K.GWR_IF_VALUE) }
    end
  end
  return ops
end

-- The decision as a Lua table shaped like the CLI's decision line; JSON
-- null is nil. request_headers (request header operations) is an extra.
local function read_decision(d, stream)
  local action = C.gwr_decision_action(d)
  local out = { action = ACTIONS[action] or "none" }
  if action ~= K.GWR_ACTION_FORWARD then
    if action == K.GWR_ACTION_RESPOND or action == K.GWR_ACTION_REDIRECT then
      out.status = int(d, K.GWR_DI_STATUS)
    end
    if action == K.GWR_ACTION_RESPOND or action == K.GWR_ACTION_REJECT then
      out.reason = text(d, K.GWR_DS_REASON)
    end
    if action == K.GWR_ACTION_REDIRECT then out.location = text(d, K.GWR_DS_LOCATION) end
    out.grpc_status = count(int(d, K.GWR_DI_GRPC_STATUS))
    out.headers = list(d, K.GWR_DL_RESPONSE_HEADERS, read_pair)
  end
  out.listener = optional(d, K.GWR_DS_LISTENER)
  if int(d, K.GWR_DI_HAS_ROUTE) ~= 0 then
    out.route = {
      kind = text(d, K.GWR_DS_ROUTE_KIND),
      namespace = text(d, K.GWR_DS_ROUTE_NAMESPACE),
      name = text(d, K.GWR_DS_ROUTE_NAME),
      rule = count(int(d, K.GWR_DI_ROUTE_RULE)),
      match = count(int(d, K.GWR_DI_ROUTE_MATCH)),
    }
  end
  if int(d, K.GWR_DI_HAS_BACKEND) ~= 0 then
    out.backend = {
      group = text(d, K.GWR_DS_BACKEND_GROUP),
      kind = text(d, K.GWR_DS_BACKEND_KIND),
      namespace = text(d, K.GWR_DS_BACKEND_NAMESPACE),
      name = text(d, K.GWR_DS_BACKEND_NAME),
      port = port(int(d, K.GWR_DI_BACKEND_PORT)),
    }
  end
  if action == K.GWR_ACTION_FORWARD and not stream then
    out.upstream = {
      method = text(d, K.GWR_DS_UPSTREAM_METHOD),
      scheme = text(d, K.GWR_DS_UPSTREAM_SCHEME),
      host = text(d, K.GWR_DS_UPSTREAM_HOST),
      path = text(d, K.GWR_DS_UPSTREAM_PATH),
      headers = list(d, K.GWR_DL_UPSTREAM_HEADERS, read_pair),
    }
    out.request_headers = header_ops(d, K.GWR_DL_REQUEST_HEADER_OPS)
  end
  out.response_headers = header_ops(d, K.GWR_DL_RESPONSE_HEADER_OPS)
  out.mirrors = list(d, K.GWR_DL_MIRRORS, read_mirror)
  out.timeouts = {
    request = optional(d, K.GWR_DS_TIMEOUT_REQUEST),
    backend_request = optional(d, K.GWR_DS_TIMEOUT_BACKEND),
  }
  if int(d, K.GWR_DI_HAS_RETRY) ~= 0 then
    out.retry = {
      codes = list(d, K.GWR_DL_RETRY_CODES, read_code),
      attempts = count(int(d, K.GWR_DI_RETRY_ATTEMPTS)),
      backoff = optional(d, K.GWR_DS_RETRY_BACKOFF),
    }
  end
  if int(d, K.GWR_DI_HAS_SESSION) ~= 0 then
    out.session_persistence = {
      type = text(d, K.GWR_DS_SESSION_TYPE),
      name = optional(d, K.GWR_DS_SESSION_NAME),
      path = optional(d, K.GWR_DS_SESSION_COOKIE_PATH),
      lifetimeType = optional(d, K.GWR_DS_SESSION_LIFETIME),
      absoluteTimeout = optional(d, K.GWR_DS_SESSION_ABSOLUTE_TIMEOUT),
      idleTimeout = optional(d, K.GWR_DS_SESSION_IDLE_TIMEOUT),
    }
  end
  out.extension_refs = list(d, K.GWR_DL_EXTENSION_REFS, read_extension_ref)
  return out
end

---------------------------------------------------------------------------
-- Table methods

local function handles(self)
  local t = self._t
  if not t then error("gwroute: table is closed", 3) end
  return t, self._d
end

-- Route one request: req = {host, path, method, headers, gateway, port,
-- scheme, sni, key, protocol, choice}. Returns the decision table (the
-- CLI's decision line) or nil, err when the gateway is unknown.
function Table:route(req)
  local t, d = handles(self)
  local r = fill(req)
  local rc = C.gwr_match(d, t, r)
  if rc ~= K.GWR_OK then return match_error(rc, req) end
  local p = r.protocol
  local stream = p == K.GWR_PROTOCOL_TLS or p == K.GWR_PROTOCOL_TCP or p == K.GWR_PROTOCOL_UDP
  return read_decision(d, stream)
end

-- The cheap lookup for hot paths, without tables:
--   action, status, backend_namespace, backend_name, backend_port, path
-- status is the HTTP status of a respond/redirect (0 for a forward); path
-- is the upstream path of a forward or the location of a redirect. Unset
-- strings are nil. On a match failure: nil, err.
function Table:route_fast(req)
  local t, d = handles(self)
  local rc = C.gwr_match(d, t, fill(req))
  if rc ~= K.GWR_OK then return match_error(rc, req) end
  local action = C.gwr_decision_action(d)
  local status = tonumber(C.gwr_decision_int(d, K.GWR_DI_STATUS))
  local ns, name, port_, path
  if tonumber(C.gwr_decision_int(d, K.GWR_DI_HAS_BACKEND)) ~= 0 then
    ns = text(d, K.GWR_DS_BACKEND_NAMESPACE)
    name = text(d, K.GWR_DS_BACKEND_NAME)
    port_ = port(tonumber(C.gwr_decision_int(d, K.GWR_DI_BACKEND_PORT)))
  end
  if action == K.GWR_ACTION_FORWARD then
    path = text(d, K.GWR_DS_UPSTREAM_PATH)
  elseif action == K.GWR_ACTION_REDIRECT then
    path = text(d, K.GWR_DS_LOCATION)
  end
  return ACTIONS[action] or "none", status, ns, name, port_, path
end

-- The status report (routes, gateways, listenersets, rejected) as JSON.
function Table:status()
  local t = handles(self)
  local needed = ffi.new("size_t[1]")
  C.gwr_table_status_json(t, nil, 0, needed)
  local cap = tonumber(needed[0]) + 1
  local buf = ffi.new("char[?]", cap)
  local rc = C.gwr_table_status_json(t, buf, cap, needed)
  if rc ~= K.GWR_OK then return nil, make_error(rc) end
  return ffi.string(buf, needed[0])
end

-- Run route tests (YAML or JSON text, docs/check.md) against the table.
-- opts = {coverage = bool, json = bool, explain = bool}. Returns the report
-- (text, or a JSON document as a string) and a summary table {tests,
-- failed, rules, rules_hit, matches, matches_hit, coverage_permille};
-- failing tests are not an error. A test file that cannot be read gives
-- nil, err (err.message names the field path, err.line the line).
function Table:check(text, opts)
  local t = handles(self)
  opts = opts or {}
  local flags = 0
  if opts.json then flags = flags + K.GWR_CHECK_JSON end
  if opts.coverage then flags = flags + K.GWR_CHECK_COVERAGE end
  if opts.explain then flags = flags + K.GWR_CHECK_EXPLAIN end
  local summary = ffi.new("gwr_check_summary")
  summary.struct_size = ffi.sizeof("gwr_check_summary")
  local report = ffi.new("char *[1]")
  local e = new_error()
  local rc = C.gwr_check(t, text, #text, flags, report, summary, e)
  if rc ~= K.GWR_OK then return nil, make_error(rc, e) end
  local out = ffi.string(report[0])
  C.gwr_report_free(report[0])
  return out, {
    tests = summary.tests, failed = summary.failed,
    rules = summary.rules, rules_hit = summary.rules_hit,
    matches = summary.matches, matches_hit = summary.matches_hit,
    coverage_permille = summary.coverage_permille,
  }
end

-- Free the table and its decision now rather than at garbage collection.
-- Closing twice is fine; any other call afterwards raises an error.
function Table:close()
  if self._t then
    C.gwr_decision_free(ffi.gc(self._d, nil))
    C.gwr_table_unref(ffi.gc(self._t, nil))
    self._t, self._d = nil, nil
  end
end

return M
