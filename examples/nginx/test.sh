#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end test of ngx_http_gwroute_module: a real nginx on 127.0.0.1
# (ports BASE..BASE+19, BASE=18080 by default) whose gateway server is routed
# by gwroute, with backends that are nginx `return 200` servers in the same
# nginx, each echoing its name and the URI, Host and headers it got. Checks
# routing by path, the 90/10 canary (random and keyed), header routing, a
# URLRewrite, a redirect, request and response header modifiers, a mirror, a
# CORS preflight, a 404, an unmapped backend, the status report, the log
# variables, then reloads: a changed manifest (routing changes), a rejected
# object and a YAML syntax error (the previous table keeps serving and the
# error log names the field path / the file position).
#
#   GWROUTE_NGINX_MODULE  the module to load (default: build it with build.sh)
#   GWROUTE_TEST_PORT     BASE (default 18080)
#   GWROUTE_NGINX_BIN     the nginx binary (default nginx; not NGINX: nginx reads that)
# Exit status 0 when every check passed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
NGINX=${GWROUTE_NGINX_BIN:-nginx}
base=${GWROUTE_TEST_PORT:-18080}
module=${GWROUTE_NGINX_MODULE:-}
if [ -z "$module" ]; then
  module=$("$here/build.sh" | tail -1)
fi
module=$(cd "$(dirname "$module")" && pwd)/$(basename "$module")
[ -f "$module" ] || { echo "test.sh: no module at $module" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gwroute-nginx.XXXXXX")
prefix=$tmp/prefix
mkdir -p "$prefix"/{conf,logs,tmp} "$tmp/manifests"
master=""
cleanup() {
  if [ -n "$master" ] && kill -0 "$master" 2>/dev/null; then
    kill -QUIT "$master" 2>/dev/null || true
    wait "$master" 2>/dev/null || true
  fi
  if [ "${KEEP_TMP:-0}" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

gw=$base          # the gateway server; it plays the Gateway's port-80 listener
admin=$((base + 1))
h2=$((base + 2))  # the same listener, over cleartext HTTP/2 (gRPC)
declare -A port=([api-v1]=$((base + 10)) [api-v2]=$((base + 11)) [api-stable]=$((base + 12))
  [api-canary]=$((base + 13)) [api-debug]=$((base + 14)) [web]=$((base + 15))
  [mirror]=$((base + 16)) [api-v1b]=$((base + 17)))

# ---- manifests (the seed demo's shape) and the backend resolver file ----
cat >"$tmp/manifests/00-gateway.yaml" <<'EOF'
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: edge, namespace: infra}
spec:
  gatewayClassName: nginx
  listeners:
  - {name: http, protocol: HTTP, port: 80, allowedRoutes: {namespaces: {from: All}}}
EOF
api_routes() { # api_routes BACKEND_FOR_V1 [V1_PATH]
  cat <<EOF
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: api-routes, namespace: default}
spec:
  parentRefs: [{name: edge, namespace: infra}]
  hostnames: [api.example.com]
  rules:
  - matches: [{path: {type: PathPrefix, value: ${2:-/v1}}}]
    backendRefs: [{name: $1, port: 8080}]
  - matches: [{path: {type: PathPrefix, value: /v2}}]
    backendRefs: [{name: api-v2, port: 8080}]
EOF
}
api_routes api-v1 >"$tmp/manifests/10-api-routes.yaml"
cat >"$tmp/manifests/20-more.yaml" <<'EOF'
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: api-canary, namespace: default}
spec:
  parentRefs: [{name: edge, namespace: infra}]
  hostnames: [api.example.com]
  rules:
  - backendRefs:
    - {name: api-stable, port: 8080, weight: 90}
    - {name: api-canary, port: 8080, weight: 10}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: api-debug, namespace: default}
spec:
  parentRefs: [{name: edge, namespace: infra}]
  hostnames: [api.example.com]
  rules:
  - matches: [{headers: [{name: X-Debug, value: "true"}]}]
    backendRefs: [{name: api-debug, port: 8080}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: rewrite, namespace: default}
spec:
  parentRefs: [{name: edge, namespace: infra}]
  hostnames: [rewrite.example.com]
  rules:
  - matches: [{path: {type: PathPrefix, value: /old}}]
    filters:
    - type: URLRewrite
      urlRewrite:
        hostname: internal.example.com
        path: {type: ReplacePrefixMatch, replacePrefixMatch: /new}
    backendRefs: [{name: web, port: 8080}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: force-https, namespace: default}
spec:
  parentRefs: [{name: edge, namespace: infra}]
  hostnames: [secure.example.com]
  rules:
  - filters:
    - {type: RequestRedirect, requestRedirect: {scheme: https, statusCode: 301}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: default}
spec:
  parentRefs: [{name: edge, namespace: infra}]
  hostnames: [web.example.com]
  rules:
  - filters:
    - type: RequestHeaderModifier
      requestHeaderModifier:
        set: [{name: X-Forwarded-By, value: gateway-api}]
        add: [{name: X-Added, value: "1"}]
        remove: [X-Remove-Me]
    - type: ResponseHeaderModifier
      responseHeaderModifier:
        set: [{name: X-Served-By, value: gwroute}]
        add: [{name: X-Resp-Added, value: "yes"}]
        remove: [X-Backend-Secret]
    - type: RequestMirror
      requestMirror: {backendRef: {name: mirror, port: 8080}}
    backendRefs: [{name: web, port: 8080}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: cors, namespace: default}
spec:
  parentRefs: [{name: edge, namespace: infra}]
  hostnames: [cors.example.com]
  rules:
  - filters:
    - type: CORS
      cors:
        allowOrigins: [https://app.example.com]
        allowMethods: [GET, POST]
        maxAge: 600
    backendRefs: [{name: web, port: 8080}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: orders, namespace: default}
spec:
  parentRefs: [{name: edge, namespace: infra}]
  hostnames: [grpc.example.com]
  rules:
  - matches: [{method: {service: shop.v1.Orders}}]
    backendRefs: [{name: web, port: 8080}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: orphan, namespace: default}
spec:
  parentRefs: [{name: edge, namespace: infra}]
  hostnames: [orphan.example.com]
  rules:
  - backendRefs: [{name: unmapped, port: 8080}]
EOF
{
  echo "# namespace/name:port  address (written by test.sh)"
  for b in api-v1 api-v2 api-stable api-canary api-debug mirror api-v1b; do
    echo "default/$b:8080 127.0.0.1:${port[$b]}"
  done
  echo "default/web:8080 web_upstream;   # an upstream{} block works too"
} >"$prefix/conf/backends.conf"

# ---- nginx.conf -----------------------------------------------------------
{
  cat <<EOF
load_module $module;
daemon off;
master_process on;
worker_processes 1;
pid $prefix/logs/nginx.pid;
error_log $prefix/logs/error.log info;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $prefix/tmp/body; proxy_temp_path $prefix/tmp/proxy;
  fastcgi_temp_path $prefix/tmp/fastcgi; uwsgi_temp_path $prefix/tmp/uwsgi;
  scgi_temp_path $prefix/tmp/scgi;
  default_type text/plain;

  gwroute_manifests $tmp/manifests;
  gwroute_backends backends.conf;

  log_format gw '\$host \$request_uri \$status route=\$gwroute_route rule=\$gwroute_rule '
                'backend=\$gwroute_backend action=\$gwroute_action upstream=\$gwroute_upstream';
  upstream web_upstream { server 127.0.0.1:${port[web]}; keepalive 4; }

  server {
    listen 127.0.0.1:$gw;
    gwroute_listener_port 80;
    access_log $prefix/logs/gateway.log gw;
    location / {
      gwroute on;
      gwroute_hash_key \$arg_user;
      gwroute_mirror /_gwroute_mirror;
      proxy_pass http://\$gwroute_upstream\$gwroute_path;
      proxy_set_header Host \$gwroute_host;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
    location = /_gwroute_mirror {
      internal;
      proxy_pass http://\$gwroute_mirror\$gwroute_path;
      proxy_set_header Host \$gwroute_host;
    }
  }
  server {
    listen 127.0.0.1:$h2 http2;
    gwroute_listener_port 80;
    location / {
      gwroute on;
      proxy_pass http://\$gwroute_upstream\$gwroute_path;
    }
  }
  server {
    listen 127.0.0.1:$admin;
    location = /status { gwroute_status; }
  }
EOF
  for b in "${!port[@]}"; do
    cat <<EOF
  server {
    listen 127.0.0.1:${port[$b]};
    access_log $prefix/logs/backend-$b.log;
    location / {
      add_header X-Backend-Secret s3cret;
      return 200 "backend=$b uri=\$request_uri host=\$http_host fwd=\$http_x_forwarded_by added=\$http_x_added removeme=\$http_x_remove_me\n";
    }
  }
EOF
  done
  echo "}"
} >"$prefix/conf/nginx.conf"

# ---- helpers ----------------------------------------------------------------
passed=0
failed=0
check() { # check NAME REGEX ACTUAL
  if grep -Eq -- "$2" <<<"$3"; then
    passed=$((passed + 1))
    echo "ok   $1"
  else
    failed=$((failed + 1))
    echo "FAIL $1: expected /$2/ in:"
    head -20 <<<"$3" | sed 's/^/       /'
  fi
}
check_not() { # check_not NAME REGEX ACTUAL
  if grep -Eqi -- "$2" <<<"$3"; then
    failed=$((failed + 1))
    echo "FAIL $1: /$2/ should not be in:"
    head -20 <<<"$3" | sed 's/^/       /'
  else
    passed=$((passed + 1))
    echo "ok   $1"
  fi
}
get() { # get HOST PATH [curl args...]: the body
  local host=$1 path=$2
  shift 2
  curl -s --max-time 10 -H "Host: $host" "$@" "http://127.0.0.1:$gw$path"
}
head_and_body() { # head_and_body HOST PATH [curl args...]
  local host=$1 path=$2
  shift 2
  curl -si --max-time 10 -H "Host: $host" "$@" "http://127.0.0.1:$gw$path" | tr -d '\r'
}
count() { grep -c -- "$1" || true; }
reloads=0
reload() { # reload: signal the master, wait until the new cycle ran the module
  reloads=$((reloads + 1))
  "$NGINX" -p "$prefix" -c conf/nginx.conf -e "$prefix/logs/error.log" -s reload
  for _ in $(seq 1 100); do
    [ "$(grep -c 'gwroute: \(routing table compiled\|.*keeping the previous\)' "$prefix/logs/error.log")" -ge "$reloads" ] && break
    sleep 0.1
  done
  sleep 0.5 # the new worker takes over; the old one finishes
}
wait_for() { # wait_for HOST PATH REGEX: poll until the body matches (10 s)
  for _ in $(seq 1 100); do
    grep -Eq -- "$3" <<<"$(get "$1" "$2")" && return 0
    sleep 0.1
  done
  return 1
}

# ---- start ----------------------------------------------------------------
SECONDS=0
"$NGINX" -t -q -p "$prefix" -c conf/nginx.conf -e "$prefix/logs/error.log" ||
  { cat "$prefix/logs/error.log"; exit 1; }
"$NGINX" -p "$prefix" -c conf/nginx.conf -e "$prefix/logs/error.log" 2>"$tmp/stderr" &
master=$!
for _ in $(seq 1 100); do
  curl -s -o /dev/null "http://127.0.0.1:$gw/" && break
  sleep 0.1
done
: >"$prefix/logs/error.log" # reload counting starts here

echo "== routing ($NGINX $("$NGINX" -v 2>&1 | sed 's/.*\///'), module $module)"
check "path /v1 -> api-v1" '^backend=api-v1 uri=/v1/users host=api.example.com ' "$(get api.example.com /v1/users)"
check "path /v2 keeps the query" '^backend=api-v2 uri=/v2/users\?id=7 ' "$(get api.example.com '/v2/users?id=7')"
check "header X-Debug: true -> api-debug" '^backend=api-debug ' "$(get api.example.com /orders -H 'X-Debug: true')"
check "X-Debug: false -> canary route" '^backend=api-(stable|canary) ' "$(get api.example.com /orders -H 'X-Debug: false')"

out=$(get api.example.com '/orders?n=[1-1000]')
stable=$(printf '%s\n' "$out" | count '^backend=api-stable ')
canary=$(printf '%s\n' "$out" | count '^backend=api-canary ')
check "canary 90/10 over 1000 random requests (stable=$stable canary=$canary)" '^ok$' \
  "$([ $((stable + canary)) -eq 1000 ] && [ "$canary" -ge 60 ] && [ "$canary" -le 140 ] && echo ok)"
out=$(get api.example.com '/orders?user=u[1-1000]' | cut -d' ' -f1)
again=$(get api.example.com '/orders?user=u[1-1000]' | cut -d' ' -f1)
canary=$(printf '%s\n' "$out" | count '^backend=api-canary')
check "canary 90/10 over 1000 keyed requests (canary=$canary), same key same backend" '^ok$' \
  "$([ "$out" = "$again" ] && [ "$canary" -ge 60 ] && [ "$canary" -le 140 ] && echo ok)"

check "URLRewrite prefix and hostname" '^backend=web uri=/new/page\?x=1 host=internal.example.com ' \
  "$(get rewrite.example.com '/old/page?x=1')"
out=$(head_and_body secure.example.com '/login?next=/home')
check "redirect 301" '^HTTP/1.1 301 ' "$out"
check "redirect Location" 'Location: https://secure.example.com/login\?next=/home' "$out"

mirror_before=$(wc -l <"$prefix/logs/backend-mirror.log" 2>/dev/null || echo 0)
out=$(head_and_body web.example.com /index.html -H 'X-Remove-Me: yes' -H 'X-Forwarded-By: client')
check "request headers set/add/remove" 'backend=web uri=/index.html host=web.example.com fwd=gateway-api added=1 removeme=$' "$out"
check "response header set" 'X-Served-By: gwroute' "$out"
check "response header add" 'X-Resp-Added: yes' "$out"
check_not "response header remove" 'X-Backend-Secret' "$out"
for _ in $(seq 1 50); do
  [ "$(wc -l <"$prefix/logs/backend-mirror.log" 2>/dev/null || echo 0)" -gt "$mirror_before" ] && break
  sleep 0.1
done
check "mirror received a copy" 'GET /index.html' "$(cat "$prefix/logs/backend-mirror.log" 2>/dev/null)"

out=$(head_and_body web.example.com /form -d 'a=1')
check "POST forwarded" 'backend=web uri=/form ' "$out"
for _ in $(seq 1 50); do
  grep -q 'POST /form' "$prefix/logs/backend-mirror.log" && break
  sleep 0.1
done
check "mirror received the POST (body read first)" 'POST /form' "$(cat "$prefix/logs/backend-mirror.log")"

out=$(curl -si --max-time 10 --http2-prior-knowledge -X POST -H 'Host: grpc.example.com' \
  -H 'Content-Type: application/grpc' "http://127.0.0.1:$h2/shop.v1.Users/Get" | tr -d '\r')
check "gRPC without a route: grpc-status 12 (UNIMPLEMENTED)" 'grpc-status: 12' "$out"
check "gRPC route forwards" '^backend=web uri=/shop.v1.Orders/Get ' "$(curl -s --max-time 10 \
  --http2-prior-knowledge -H 'Host: grpc.example.com' -H 'Content-Type: application/grpc' \
  -d '' "http://127.0.0.1:$h2/shop.v1.Orders/Get")"

out=$(head_and_body cors.example.com /x -X OPTIONS -H 'Origin: https://app.example.com' \
  -H 'Access-Control-Request-Method: POST')
check "CORS preflight 204" '^HTTP/1.1 204 ' "$out"
check "CORS preflight allow-origin" 'Access-Control-Allow-Origin: https://app.example.com' "$out"
check "CORS actual request forwarded" '^backend=web ' "$(get cors.example.com /x -H 'Origin: https://app.example.com')"

out=$(head_and_body unknown.example.com /)
check "no route: 404" '^HTTP/1.1 404 ' "$out"
check "no route: reason" 'no route matched' "$out"
check "unmapped backend: 500" '^HTTP/1.1 500 ' "$(head_and_body orphan.example.com /)"
check "error log names the unmapped backend" 'no gwroute_backend for "default/unmapped:8080"' "$(cat "$prefix/logs/error.log")"
check "status report" '"routes":\[\{"kind":"HTTPRoute"' "$(curl -s "http://127.0.0.1:$admin/status")"
check "log variables" 'api.example.com /v1/users 200 route=default/api-routes rule=0 backend=default/api-v1:8080 action=forward upstream=127.0.0.1:' \
  "$(cat "$prefix/logs/gateway.log")"

echo "== reloads"
api_routes api-v1b >"$tmp/manifests/10-api-routes.yaml"
reload
wait_for api.example.com /v1/users '^backend=api-v1b ' || true
check "reload: changed manifest routes /v1 to api-v1b" '^backend=api-v1b ' "$(get api.example.com /v1/users)"

api_routes api-v1 no-slash >"$tmp/manifests/10-api-routes.yaml"
reload
check "reload, rejected object: error log names the field path" \
  'rejected: HTTPRoute default/api-routes: spec\.rules\[0\]\.matches\[0\]\.path\.value' "$(cat "$prefix/logs/error.log")"
check "reload, rejected object: previous table kept" 'objects were rejected: keeping the previous routing table' \
  "$(cat "$prefix/logs/error.log")"
check "reload, rejected object: /v1 still served by api-v1b" '^backend=api-v1b ' "$(get api.example.com /v1/users)"
check "reload, rejected object: /v2 still served" '^backend=api-v2 ' "$(get api.example.com /v2/x)"

printf 'kind: HTTPRoute\nmetadata: {name: x\n  namespace: [\n' >"$tmp/manifests/99-syntax.yaml"
reload
check "reload, syntax error: error log has file:line" 'cannot load manifests: .*99-syntax.yaml:[0-9]+' "$(cat "$prefix/logs/error.log")"
check "reload, syntax error: previous table kept" 'did not load: keeping the previous routing table' "$(cat "$prefix/logs/error.log")"
check "reload, syntax error: still routing" '^backend=api-v1b ' "$(get api.example.com /v1/users)"
check "nginx -t without a previous table fails on the syntax error" 'no previous routing table' \
  "$("$NGINX" -t -p "$prefix" -c conf/nginx.conf -e "$tmp/t.log" 2>&1; cat "$tmp/t.log")"
check "master still running" '^alive$' "$(kill -0 "$master" && echo alive)"
check_not "no crash in the error log" 'exited on signal|\[(alert|crit)\]' "$(cat "$prefix/logs/error.log" "$tmp/stderr")"

echo "== nginx e2e: $passed passed, $failed failed (${SECONDS}s, $reloads reloads)"
[ "$failed" -eq 0 ]
