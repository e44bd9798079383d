-- SPDX-License-Identifier: Apache-2.0
--
-- test.lua - tests of the LuaJIT binding: API behaviour, the FFI
-- declarations against the C header, and every golden case routed through
-- Lua and through the gwroute CLI, compared field by field.
--
--   GWROUTE_LIBRARY=build GWROUTE_CLI=build/gwroute luajit bindings/lua/test.lua
--
-- Environment: GWROUTE_LIBRARY (library file or directory), GWROUTE_CLI
-- (default <root>/build/gwroute), GWROUTE_ROOT (the source tree, default
-- two levels above this file), CC (default cc).

local here = (arg[0]:match("^(.*)/[^/]*$") or ".")
package.path = here .. "/?.lua;" .. package.path

local ffi = require "ffi"
local gwroute = require "gwroute"

local ROOT = os.getenv("GWROUTE_ROOT") or (here .. "/../..")
local CLI = os.getenv("GWROUTE_CLI") or (ROOT .. "/build/gwroute")

---------------------------------------------------------------------------
-- A small harness

local passed, failed = 0, 0

local function test(name, f)
  local ok, err = xpcall(f, debug.traceback)
  if ok then
    passed = passed + 1
    print("ok   " .. name)
  else
    failed = failed + 1
    print("FAIL " .. name .. ": " .. tostring(err))
  end
end

local function check(cond, msg, level)
  if not cond then error(msg or "check failed", (level or 1) + 1) end
  return cond
end

local function eq(actual, expected, msg)
  check(actual == expected, string.format("%s: expected %s, got %s",
    msg or "eq", tostring(expected), tostring(actual)), 2)
end

local function read_file(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

local function exists(path)
  local f = io.open(path, "rb")
  if f then f:close() end
  return f ~= nil
end

local function lines_of(command)
  local p = assert(io.popen(command))
  local out = {}
  for line in p:lines() do out[#out + 1] = line end
  p:close()
  return out
end

local function shell_quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

---------------------------------------------------------------------------
-- A minimal JSON decoder (objects, arrays, strings with \u escapes,
-- numbers, literals). null decodes to NULL; arrays carry the ARRAY
-- metatable so that [] and {} stay apart.

local NULL = setmetatable({}, { __tostring = function() return "null" end })
local ARRAY = {}

local function utf8_char(c)
  if c < 0x80 then return string.char(c) end
  if c < 0x800 then
    return string.char(0xC0 + math.floor(c / 64), 0x80 + c % 64)
  end
  if c < 0x10000 then
    return string.char(0xE0 + math.floor(c / 4096),
      0x80 + math.floor(c / 64) % 64, 0x80 + c % 64)
  end
  return string.char(0xF0 + math.floor(c / 262144), 0x80 + math.floor(c / 4096) % 64,
    0x80 + math.floor(c / 64) % 64, 0x80 + c % 64)
end

local ESCAPES = { b = "\b", f = "\f", n = "\n", r = "\r", t = "\t",
                  ['"'] = '"', ["\\"] = "\\", ["/"] = "/" }

local function json_decode(s)
  local pos = 1
  local value
  local function fail(what) error(string.format("JSON at %d: %s", pos, what), 0) end
  local function skip() pos = s:find("[^ \t\r\n]", pos) or #s + 1 end
  local function string_()
    local parts = {}
    pos = pos + 1
    while true do
      local stop = s:find('["\\]', pos)
      if not stop then fail("unterminated string") end
      parts[#parts + 1] = s:sub(pos, stop - 1)
      pos = stop + 1
      if s:sub(stop, stop) == '"' then return table.concat(parts) end
      local e = s:sub(pos, pos)
      if e == "u" then
        local c = tonumber(s:sub(pos + 1, pos + 4), 16) or fail("bad \\u")
        pos = pos + 5
        if c >= 0xD800 and c < 0xDC00 and s:sub(pos, pos + 1) == "\\u" then
          local low = tonumber(s:sub(pos + 2, pos + 5), 16) or fail("bad \\u")
          c = 0x10000 + (c - 0xD800) * 1024 + (low - 0xDC00)
          pos = pos + 6
        end
        parts[#parts + 1] = utf8_char(c)
      else
        parts[#parts + 1] = ESCAPES[e] or fail("bad escape")
        pos = pos + 1
      end
    end
  end
  function value()
    skip()
    local c = s:sub(pos, pos)
    if c == "{" then
      local obj = {}
      pos = pos + 1
      skip()
      if s:sub(pos, pos) == "}" then pos = pos + 1 return obj end
      repeat
        skip()
        if s:sub(pos, pos) ~= '"' then fail("expected a key") end
        local k = string_()
        skip()
        if s:sub(pos, pos) ~= ":" then fail("expected ':'") end
        pos = pos + 1
        obj[k] = value()
        skip()
        c = s:sub(pos, pos)
        pos = pos + 1
      until c ~= ","
      if c ~= "}" then fail("expected '}'") end
      return obj
    elseif c == "[" then
      local arr = setmetatable({}, ARRAY)
      pos = pos + 1
      skip()
      if s:sub(pos, pos) == "]" then pos = pos + 1 return arr end
      repeat
        arr[#arr + 1] = value()
        skip()
        c = s:sub(pos, pos)
        pos = pos + 1
      until c ~= ","
      if c ~= "]" then fail("expected ']'") end
      return arr
    elseif c == '"' then
      return string_()
    end
    for word, v in pairs({ ["true"] = true, ["false"] = false, null = NULL }) do
      if s:sub(pos, pos + #word - 1) == word then
        pos = pos + #word
        return v
      end
    end
    local num = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
    if not num or num == "" then fail("unexpected " .. c) end
    pos = pos + #num
    return tonumber(num)
  end
  local v = value()
  skip()
  if pos <= #s then fail("trailing text") end
  return v
end

---------------------------------------------------------------------------
-- Comparing a CLI decision (decoded JSON) with a Lua decision

local EXTRAS = { request_headers = true } -- Lua-only fields

local function show(v)
  if type(v) ~= "table" or v == NULL then return tostring(v) end
  local parts = {}
  for k, x in pairs(v) do parts[#parts + 1] = tostring(k) .. "=" .. show(x) end
  table.sort(parts)
  return "{" .. table.concat(parts, ",") .. "}"
end

-- The first difference as a string, or nil.
local function diff(cli, lua, path)
  if cli == NULL then
    if lua ~= nil then return path .. ": CLI null, Lua " .. show(lua) end
    return nil
  end
  if type(cli) ~= "table" then
    if type(lua) ~= type(cli) or lua ~= cli then
      return string.format("%s: CLI %s, Lua %s (%s)", path, show(cli), show(lua), type(lua))
    end
    return nil
  end
  if type(lua) ~= "table" then return path .. ": CLI " .. show(cli) .. ", Lua " .. show(lua) end
  if getmetatable(cli) == ARRAY then
    if #cli ~= #lua then
      return string.format("%s: CLI %d items, Lua %d", path, #cli, #lua)
    end
    for i = 1, #cli do
      local d = diff(cli[i], lua[i], path .. "[" .. i .. "]")
      if d then return d end
    end
    for k in pairs(lua) do
      if type(k) ~= "number" then return path .. ": Lua has key " .. tostring(k) end
    end
    return nil
  end
  for k, v in pairs(cli) do
    local d = diff(v, lua[k], path .. "." .. k)
    if d then return d end
  end
  for k in pairs(lua) do
    if cli[k] == nil and not (path == "$" and EXTRAS[k]) then
      return path .. "." .. tostring(k) .. ": only in Lua: " .. show(lua[k])
    end
  end
  return nil
end

---------------------------------------------------------------------------
-- The cdef against the C header

-- Sizes, offsets and constants the binding relies on, printed by a C
-- program compiled against include/gwroute.h.
local LAYOUT = {
  gwr_error = { "struct_size", "code", "line", "column", "kind", "ns", "name",
                "field", "file", "message" },
  gwr_str = { "ptr", "len" },
  gwr_header = { "name", "value" },
  gwr_request = { "struct_size", "gateway", "port", "protocol", "sni", "method",
                  "scheme", "host", "path", "headers", "header_count", "key",
                  "choice" },
  gwr_check_summary = { "struct_size", "tests", "failed", "rules", "rules_hit",
                        "matches", "matches_hit", "coverage_permille" },
}

local function constant_names()
  local names = {}
  for name in read_file(ROOT .. "/include/gwroute.h"):gmatch("%f[%w_](GWR_[%u%d_]+)") do
    if not names[name] and not name:find("_INIT$") and not name:find("^GWR_VERSION")
       and not name:find("_$") and name ~= "GWR_STATUS_MAP" and name ~= "GWR_API"
       and name ~= "GWR_STATIC" and name ~= "GWR_DH_UPSTREAM" then
      names[name] = true
      names[#names + 1] = name
    end
  end
  return names
end

local function c_layout()
  local cc = os.getenv("CC") or "cc"
  local src, exe = os.tmpname() .. ".c", os.tmpname()
  local lines = { "#include <stdio.h>", "#include <stddef.h>", '#include "gwroute.h"',
                  "int main(void) {" }
  for struct, fields in pairs(LAYOUT) do
    lines[#lines + 1] = string.format('printf("sizeof %s %%zu\\n", sizeof(%s));', struct, struct)
    for _, f in ipairs(fields) do
      lines[#lines + 1] = string.format('printf("offsetof %s.%s %%zu\\n", offsetof(%s, %s));',
        struct, f, struct, f)
    end
  end
  for _, name in ipairs(constant_names()) do
    lines[#lines + 1] = string.format('printf("const %s %%lld\\n", (long long)(%s));', name, name)
  end
  lines[#lines + 1] = "return 0; }"
  local f = assert(io.open(src, "w"))
  f:write(table.concat(lines, "\n"), "\n")
  f:close()
  local ok = os.execute(string.format("%s -I%s -o %s %s", cc, shell_quote(ROOT .. "/include"),
    shell_quote(exe), shell_quote(src)))
  os.remove(src)
  if ok ~= 0 and ok ~= true then return nil end
  local out = lines_of(shell_quote(exe))
  os.remove(exe)
  return out
end

test("cdef matches gwroute.h (sizes, offsets, constants)", function()
  local out = check(c_layout(), "cannot compile the layout program (set CC)")
  local C = gwroute.load_library()
  local n = 0
  for _, line in ipairs(out) do
    local what, name, value = line:match("^(%S+) (%S+) (%-?%d+)$")
    value = tonumber(value)
    if what == "sizeof" then
      eq(ffi.sizeof(name), value, "sizeof " .. name)
    elseif what == "offsetof" then
      local struct, field = name:match("^(.-)%.(.*)$")
      eq(ffi.offsetof(struct, field), value, "offsetof " .. name)
    else
      local ok, v = pcall(function() return C[name] end)
      check(ok, "constant " .. name .. " is not in the cdef")
      eq(tonumber(v), value, name)
    end
    n = n + 1
  end
  check(n > 100, "only " .. n .. " checks")
  print(string.format("     (%d sizes, offsets and constants checked)", n))
end)

---------------------------------------------------------------------------
-- API behaviour

local CONFIG = [[
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: gw}
spec: {controllerName: example.com/gw}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: prod, namespace: infra}
spec:
  gatewayClassName: gw
  listeners:
  - {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: api, namespace: default}
spec:
  parentRefs: [{name: prod, namespace: infra}]
  hostnames: [example.com]
  rules:
  - matches: [{path: {type: PathPrefix, value: /b}}]
    backendRefs: [{name: b, port: 8080}]
  - matches: [{path: {type: PathPrefix, value: /w}}]
    backendRefs: [{name: w1, port: 80, weight: 1}, {name: w2, port: 80, weight: 1}]
  - matches: [{path: {type: PathPrefix, value: /h}, headers: [{name: X-Env, value: dev}]}]
    filters:
    - type: RequestHeaderModifier
      requestHeaderModifier: {set: [{name: X-Set, value: "1"}], remove: [X-Env]}
    - type: ResponseHeaderModifier
      responseHeaderModifier: {add: [{name: X-Resp, value: "2"}]}
    backendRefs: [{name: h, port: 8080}]
  - matches: [{path: {type: PathPrefix, value: /old}}]
    filters:
    - type: RequestRedirect
      requestRedirect: {hostname: new.example.com, statusCode: 301}
]]

local routes = assert(gwroute.compile(CONFIG))

test("version", function()
  check(gwroute.version():match("^1%.%d+%.%d+$"), gwroute.version())
end)

test("route: forward with every field", function()
  local d = assert(routes:route { host = "example.com", path = "/b/x?q=1" })
  eq(d.action, "forward")
  eq(d.status, nil, "status")
  eq(d.listener, "infra/prod/http")
  eq(d.route.kind, "HTTPRoute"); eq(d.route.name, "api"); eq(d.route.rule, 0); eq(d.route.match, 0)
  eq(d.backend.name, "b"); eq(d.backend.namespace, "default"); eq(d.backend.port, 8080)
  eq(d.backend.kind, "Service"); eq(d.backend.group, "")
  eq(d.upstream.method, "GET"); eq(d.upstream.scheme, "http")
  eq(d.upstream.host, "example.com"); eq(d.upstream.path, "/b/x?q=1")
  eq(#d.mirrors, 0); eq(#d.extension_refs, 0)
  eq(d.retry, nil); eq(d.session_persistence, nil); eq(d.timeouts.request, nil)
end)

test("route: respond 404 and redirect", function()
  local d = routes:route { host = "other.com", path = "/b" }
  eq(d.action, "respond"); eq(d.status, 404); eq(d.route, nil); eq(d.upstream, nil)
  check(d.reason ~= "", "reason")
  d = routes:route { host = "example.com", path = "/old/page" }
  eq(d.action, "redirect"); eq(d.status, 301)
  eq(d.location, "http://new.example.com/old/page")
end)

test("route: header filters, map and pair headers", function()
  local pairs_form = { host = "example.com", path = "/h", headers = { { "X-Env", "dev" }, { "A", "1" } } }
  local d = routes:route(pairs_form)
  eq(d.backend.name, "h")
  eq(d.request_headers.set[1][1], "X-Set"); eq(d.request_headers.remove[1], "X-Env")
  eq(d.response_headers.add[1][1], "X-Resp"); eq(d.response_headers.add[1][2], "2")
  local names = {}
  for _, h in ipairs(d.upstream.headers) do names[h[1]:lower()] = h[2] end
  eq(names["x-env"], nil, "removed"); eq(names["x-set"], "1"); eq(names["a"], "1")
  local m = routes:route { host = "example.com", path = "/h", headers = { ["x-env"] = "dev", a = { "1", "2" } } }
  eq(m.backend.name, "h", "map headers")
  eq(routes:route { host = "example.com", path = "/h" }.action, "respond", "no header")
  local many = {}
  for i = 1, 40 do many[i] = { "X-Pad-" .. i, tostring(i) } end
  many[#many + 1] = { "X-Env", "dev" }
  d = routes:route { host = "example.com", path = "/h", headers = many }
  eq(d.backend and d.backend.name, "h", "40 headers, then the matching one")
  eq(#d.upstream.headers, 41, "upstream headers")
  eq(d.upstream.headers[1][1], "X-Pad-1"); eq(d.upstream.headers[40][2], "40")
  check(not pcall(routes.route, routes, { protocol = "http3" }), "unknown protocol")
end)

test("route: choice and key are deterministic", function()
  local seen = {}
  for i = 0, 63 do
    local a = routes:route { host = "example.com", path = "/w", choice = i }
    local b = routes:route { host = "example.com", path = "/w", choice = ffi.new("uint64_t", i) }
    eq(a.backend.name, b.backend.name, "number vs uint64 choice " .. i)
    seen[a.backend.name] = true
  end
  check(seen.w1 and seen.w2, "both weighted backends chosen")
  local k = routes:route { host = "example.com", path = "/w", key = "user-7" }.backend.name
  for _ = 1, 20 do eq(routes:route { host = "example.com", path = "/w", key = "user-7" }.backend.name, k) end
end)

test("route_fast agrees with route", function()
  for _, req in ipairs {
    { host = "example.com", path = "/b/1" }, { host = "nope", path = "/" },
    { host = "example.com", path = "/old" }, { host = "example.com", path = "/w", choice = 3 },
  } do
    local d = routes:route(req)
    local action, status, ns, name, port, path = routes:route_fast(req)
    eq(action, d.action); eq(status, d.status or 0)
    eq(ns, d.backend and d.backend.namespace); eq(name, d.backend and d.backend.name)
    eq(port, d.backend and d.backend.port)
    eq(path, d.upstream and d.upstream.path or d.location)
  end
end)

test("route: unknown gateway is an error", function()
  local d, err = routes:route { gateway = "infra/none", host = "example.com" }
  eq(d, nil); eq(err.code, gwroute.C.GWR_E_NOTFOUND)
  eq(err.message, "gateway infra/none not found")
  eq(select(1, routes:route_fast { gateway = "x/y" }), nil)
end)

test("compile: syntax error", function()
  local t, err = gwroute.compile("kind: [", { source = "bad.yaml" })
  eq(t, nil); eq(err.code, gwroute.C.GWR_E_PARSE)
  check(err.line > 0, "line"); check(err.message ~= "", "message")
  eq(tostring(err), err.message, "tostring")
  for _, k in ipairs { "kind", "namespace", "name", "field", "file" } do
    eq(type(err[k]), "string", k)
  end
end)

test("compile: a rejected object is a problem, not a failure", function()
  local t = assert(gwroute.compile(CONFIG .. [[
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: broken, namespace: default}
spec:
  parentRefs: [{name: prod, namespace: infra}]
  rules: [{matches: [{path: {type: PathPrefix, value: nope}}]}]
]]))
  eq(#t.problems, 1); eq(t.problems[1].kind, "HTTPRoute"); eq(t.problems[1].name, "broken")
  eq(t.problems[1].namespace, "default")
  check(t.problems[1].field:find("path"), t.problems[1].field)
  eq(#routes.problems, 0)
  t:close()
end)

test("compile: options", function()
  local d = routes:route { host = "example.com", path = "/x/../b" }
  eq(d.backend and d.backend.name, "b", "dot segments removed by default")
  local raw = assert(gwroute.compile(CONFIG, { path_normalize = "none", regex_order = "istio" }))
  eq(raw:route { host = "example.com", path = "/x/../b" }.action, "respond", "raw path")
  local t, err = gwroute.compile(CONFIG, { no_such_option = 1 })
  eq(t, nil); eq(err.code, gwroute.C.GWR_E_INVALID)
  t, err = gwroute.compile(CONFIG, { regex_order = "sideways" })
  eq(t, nil); eq(err.code, gwroute.C.GWR_E_INVALID)
  local other = assert(gwroute.compile(CONFIG, { controller = "other.org/gw" }))
  eq(other:route { host = "example.com", path = "/b" }, nil, "no Gateway is ours")
end)

test("load_path: file and directory", function()
  local t = assert(gwroute.load_path(ROOT .. "/tests/golden/seed/api-v1-v2/config"))
  check(t:route { path = "/" }.action, "routes")
  t = assert(gwroute.load_path(ROOT .. "/tests/golden/precedence/rule-order/config.yaml"))
  local _, err = gwroute.load_path("/nonexistent/gwroute.yaml")
  check(err and err.code < 0 and err.message ~= "", "missing file")
end)

test("status: JSON report", function()
  local s = routes:status()
  eq(type(s), "string")
  local report = json_decode(s)
  check(report.routes and report.gateways, "routes and gateways")
  eq(routes:status(), s, "stable")
end)

test("check: the seed demo's route tests pass with full coverage", function()
  local t = assert(gwroute.load_path(ROOT .. "/examples/manifests"))
  local report, s = t:check(read_file(ROOT .. "/tests/check/seed.yaml"), { coverage = true })
  check(report, tostring(s))
  eq(s.tests, 19, "tests")
  eq(s.failed, 0, "failed")
  eq(s.rules, 12, "rules")
  eq(s.rules_hit, 12, "rules_hit")
  eq(s.matches, 12, "matches")
  eq(s.matches_hit, 12, "matches_hit")
  eq(s.coverage_permille, 1000, "coverage_permille")
  check(not report:find("FAIL", 1, true), report)
  t:close()
end)

test("check: failing tests and schema errors", function()
  local t = assert(gwroute.load_path(ROOT .. "/examples/manifests"))
  local report, s = t:check(read_file(ROOT .. "/tests/check/seed-failing.yaml"))
  eq(s.tests, 5, "tests")
  eq(s.failed, 4, "failed")
  eq(s.coverage_permille, 333, "coverage_permille")
  check(report:find("  expected backend api-v1, got default/api-v2:8080\n", 1, true), report)
  local json = assert(t:check(read_file(ROOT .. "/tests/check/seed-failing.yaml"), { json = true }))
  eq(json_decode(json).summary.failed, 4, "JSON summary")
  local none, err = t:check("tests:\n- expect:\n    statsu: 200\n")
  eq(none, nil, "report of a bad file")
  eq(err.message, "tests[0].expect.statsu: unknown field", "message")
  eq(err.line, 3, "line")
  t:close()
end)

test("close and garbage collection", function()
  local t = assert(gwroute.compile(CONFIG))
  t:close()
  t:close()
  check(not pcall(t.route, t, { path = "/" }), "route after close")
  check(not pcall(t.status, t), "status after close")
  for _ = 1, 200 do assert(gwroute.compile(CONFIG)):route { host = "example.com" } end
  collectgarbage(); collectgarbage()
end)

test("decision strings outlive the next call", function()
  local a = routes:route { host = "example.com", path = "/b/first" }
  routes:route { host = "example.com", path = "/h", headers = { { "X-Env", "dev" } } }
  eq(a.upstream.path, "/b/first"); eq(a.backend.name, "b")
end)

---------------------------------------------------------------------------
-- Golden cases: Lua and the CLI give the same decisions

local CHOICE_MUL = 11400714819323198485ULL
local CHOICE_MOD = 9007199254740992ULL -- 2^53

local function choice_for(i)
  return (ffi.new("uint64_t", i) * CHOICE_MUL) % CHOICE_MOD
end

local function u64_text(v) return (tostring(v):gsub("U?LL$", "")) end

-- The case's configuration as one text (config/ files joined with ---).
local function case_config(dir)
  if exists(dir .. "/config.yaml") then return read_file(dir .. "/config.yaml") end
  local texts = {}
  for _, name in ipairs(lines_of("LC_ALL=C ls -1 " .. shell_quote(dir .. "/config"))) do
    if name:match("%.ya?ml$") or name:match("%.json$") then
      texts[#texts + 1] = read_file(dir .. "/config/" .. name)
    end
  end
  return table.concat(texts, "\n---\n")
end

local function lua_request(line_value, choice)
  local req = {}
  for k, v in pairs(line_value) do
    if v ~= NULL then req[k] = v end
  end
  req.choice = choice
  return req
end

local golden_cases, golden_requests = 0, 0

local function golden_case(dir)
  local requests = {}
  for line in io.lines(dir .. "/requests.jsonl") do
    if line:find("%S") then requests[#requests + 1] = line end
  end
  -- the CLI gets the same choice per line as Lua
  local tmp = os.tmpname()
  local f = assert(io.open(tmp, "w"))
  for i, line in ipairs(requests) do
    local choice = '"choice":' .. u64_text(choice_for(i))
    if line:match("^%s*{%s*}%s*$") then
      f:write("{", choice, "}\n")
    else
      f:write((line:gsub("^%s*{", "{" .. choice .. ",", 1)), "\n")
    end
  end
  f:close()
  local config = exists(dir .. "/config.yaml") and dir .. "/config.yaml" or dir .. "/config"
  local out = lines_of(string.format("%s route -f %s --requests %s 2>/dev/null",
    shell_quote(CLI), shell_quote(config), shell_quote(tmp)))
  os.remove(tmp)
  eq(#out, #requests, "CLI decisions")
  local t = assert(gwroute.compile(case_config(dir)))
  for i, line in ipairs(requests) do
    local cli = json_decode(out[i])
    local d, err = t:route(lua_request(json_decode(line), choice_for(i)))
    if cli.error then
      check(d == nil and err, "line " .. i .. ": CLI " .. cli.error .. ", Lua routed")
    else
      local difference = diff(cli, d, "$")
      check(not difference, "line " .. i .. " " .. line .. ": " .. tostring(difference))
    end
    golden_requests = golden_requests + 1
  end
  t:close()
  golden_cases = golden_cases + 1
end

if not exists(CLI) then
  test("golden cases", function() error("no CLI at " .. CLI .. " (set GWROUTE_CLI)") end)
else
  for _, dir in ipairs(lines_of("LC_ALL=C ls -d " .. shell_quote(ROOT .. "/tests/golden") .. "/*/*/")) do
    dir = dir:gsub("/$", "")
    if exists(dir .. "/requests.jsonl") then
      test("golden " .. dir:match("([^/]+/[^/]+)$"), function() golden_case(dir) end)
    end
  end
end

print(string.format("golden: %d cases, %d requests compared with the CLI",
  golden_cases, golden_requests))
print(string.format("%d passed, %d failed", passed, failed))
os.exit(failed == 0 and passed > 0 and 0 or 1)
