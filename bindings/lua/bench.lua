-- SPDX-License-Identifier: Apache-2.0
--
-- bench.lua - per-call cost of the LuaJIT binding.
--
--   GWROUTE_LIBRARY=build luajit bindings/lua/bench.lua [calls]
--
-- Times gwr_match() called straight through the FFI (the floor), then
-- table:route_fast() and table:route(), on a table of 50 HTTPRoutes, and
-- the Lua heap growth per call (garbage the collector must reclaim).

local here = (arg[0]:match("^(.*)/[^/]*$") or ".")
package.path = here .. "/?.lua;" .. package.path

local ffi = require "ffi"
local gwroute = require "gwroute"

local N = tonumber(arg[1]) or 1e6

local parts = { [[
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
]] }
for i = 1, 50 do
  parts[#parts + 1] = string.format([[
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: app%d, namespace: default}
spec:
  parentRefs: [{name: prod, namespace: infra}]
  hostnames: [app%d.example.com]
  rules:
  - matches: [{path: {type: PathPrefix, value: /api}, headers: [{name: x-env, value: prod}]}]
    backendRefs: [{name: api%d, port: 8080, weight: 3}, {name: api%d-canary, port: 8080, weight: 1}]
  - matches: [{path: {type: PathPrefix, value: /}}]
    backendRefs: [{name: web%d, port: 80}]
]], i, i, i, i, i)
end
local routes = assert(gwroute.compile(table.concat(parts)))

local req = {
  host = "app42.example.com", path = "/api/users?id=7", method = "GET", choice = 12345,
  headers = { { "x-env", "prod" }, { "accept", "*/*" }, { "user-agent", "bench" } },
}

local function measure(name, calls, f)
  f() -- warm up (and check it works)
  collectgarbage()
  local t0 = os.clock()
  for _ = 1, calls do f() end
  local dt = os.clock() - t0
  -- garbage per call, over a shorter run with the collector stopped
  local sample = math.min(calls, 10000)
  collectgarbage()
  collectgarbage("stop")
  local kb = collectgarbage("count")
  for _ = 1, sample do f() end
  local grown = (collectgarbage("count") - kb) * 1024
  collectgarbage("restart")
  print(string.format("%-24s %7.0f ns/call %8.0f bytes/call", name, dt / calls * 1e9, grown / sample))
end

-- The floor: gwr_match on a request filled once.
local C = gwroute.C
local creq = ffi.new("gwr_request")
local hdrs = ffi.new("gwr_header[3]")
local keep = {} -- anchor the strings the views point into
local function view(v, s) keep[#keep + 1] = s; v.ptr, v.len = s, #s end
creq.struct_size = ffi.sizeof(creq)
view(creq.method, req.method); view(creq.scheme, "http")
view(creq.host, req.host); view(creq.path, req.path)
for i, h in ipairs(req.headers) do view(hdrs[i - 1].name, h[1]); view(hdrs[i - 1].value, h[2]) end
creq.headers, creq.header_count, creq.choice = hdrs, 3, req.choice
local dec = ffi.gc(ffi.new("gwr_decision *[1]"), nil)
assert(C.gwr_decision_new(dec, routes._t) == 0)
local d = ffi.gc(dec[0], C.gwr_decision_free)

print(string.format("LuaJIT %s, libgwroute %s, %d calls each",
  jit.version, gwroute.version(), N))
measure("gwr_match via FFI", N, function() C.gwr_match(d, routes._t, creq) end)
measure("table:route_fast(req)", N, function() routes:route_fast(req) end)
measure("table:route(req)", N, function() routes:route(req) end)
local map_req = { host = req.host, path = req.path, method = req.method, choice = req.choice,
                  headers = { ["x-env"] = "prod", accept = "*/*", ["user-agent"] = "bench" } }
measure("route_fast, map headers", N, function() routes:route_fast(map_req) end)
