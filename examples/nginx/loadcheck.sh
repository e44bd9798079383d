#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Load check (not a test): requests/second of nginx routing with
# ngx_http_gwroute_module against the same nginx routing the same requests
# with hand-written `location` blocks, to the same backends, in one run.
#
# One nginx, one worker, holds three kinds of server:
#   BASE     gwroute: the seed manifests (examples/manifests: 26 objects,
#            the /v1 /v2 routes, the 90/10 canary, the X-Debug route, ...)
#   BASE+1   hand-written: `location = /v1`, `location /v1/`, the same for
#            /v2, `return 404` for the rest (PathPrefix semantics)
#   BASE+10, BASE+11  the backends, `return 200` servers, reached through
#            upstream{} blocks with keepalive by both front servers
#   BASE+2, BASE+3  the routing cost alone: `gwroute on` then
#            `return 200 $gwroute_upstream`, against a plain `return 200`
# wrk sends GET /v1/users with Host api.example.com to each front server in
# turn, ROUNDS times, and the averages are printed.
#
#   GWROUTE_NGINX_MODULE  the module (default: build it with build.sh)
#   LOADCHECK_PORT        BASE (default 18180)
#   SECONDS_PER_RUN       wrk duration (default 10)
#   CONNECTIONS           wrk connections (default 32; one wrk thread)
#   ROUNDS                alternating rounds (default 2)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
base=${LOADCHECK_PORT:-18180}
duration=${SECONDS_PER_RUN:-10}
conns=${CONNECTIONS:-32}
rounds=${ROUNDS:-2}
module=${GWROUTE_NGINX_MODULE:-}
[ -n "$module" ] || module=$("$here/build.sh" | tail -1)
module=$(cd "$(dirname "$module")" && pwd)/$(basename "$module")
command -v wrk >/dev/null || { echo "loadcheck.sh: wrk not found (apt-get install wrk)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gwroute-load.XXXXXX")
master=""
cleanup() {
  if [ -n "$master" ]; then kill -QUIT "$master" 2>/dev/null || true; wait "$master" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp"/{conf,logs,tmp}

v1=$((base + 10))
v2=$((base + 11))
cat >"$tmp/conf/nginx.conf" <<EOF
load_module $module;
daemon off;
master_process on;
worker_processes 1;
pid $tmp/logs/nginx.pid;
error_log $tmp/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $tmp/tmp/body; proxy_temp_path $tmp/tmp/proxy;
  fastcgi_temp_path $tmp/tmp/fastcgi; uwsgi_temp_path $tmp/tmp/uwsgi; scgi_temp_path $tmp/tmp/scgi;
  proxy_http_version 1.1;
  proxy_set_header Connection "";

  upstream api_v1 { server 127.0.0.1:$v1; keepalive 64; }
  upstream api_v2 { server 127.0.0.1:$v2; keepalive 64; }
  server { listen 127.0.0.1:$v1; location / { return 200 "api-v1\n"; } }
  server { listen 127.0.0.1:$v2; location / { return 200 "api-v2\n"; } }

  server {                        # routed by gwroute
    listen 127.0.0.1:$base;
    gwroute_manifests $root/examples/manifests;
    gwroute_on_problems apply;    # the seed has one deliberately broken route
    gwroute_gateway ingress-cilium/production-gateway;
    gwroute_listener_port 80;
    gwroute_backend default/api-v1:8080 api_v1;
    gwroute_backend default/api-v2:8080 api_v2;
    location / {
      gwroute on;
      proxy_pass http://\$gwroute_upstream\$gwroute_path;
      proxy_set_header Host \$gwroute_host;
    }
  }

  server {                        # routing only: no proxying
    listen 127.0.0.1:$((base + 2));
    gwroute_manifests $root/examples/manifests;
    gwroute_on_problems apply;
    gwroute_gateway ingress-cilium/production-gateway;
    gwroute_listener_port 80;
    gwroute_backend default/api-v1:8080 api_v1;
    gwroute_backend default/api-v2:8080 api_v2;
    location / { gwroute on; return 200 "\$gwroute_upstream\n"; }
  }
  server {
    listen 127.0.0.1:$((base + 3));
    location / { return 200 "api_v1\n"; }
  }

  server {                        # the same routes, hand-written
    listen 127.0.0.1:$((base + 1));
    server_name api.example.com;
    proxy_set_header Host \$http_host;
    location = /v1 { proxy_pass http://api_v1; }
    location /v1/ { proxy_pass http://api_v1; }
    location = /v2 { proxy_pass http://api_v2; }
    location /v2/ { proxy_pass http://api_v2; }
    location / { return 404; }
  }
}
EOF

nginx -p "$tmp" -c conf/nginx.conf -e "$tmp/logs/error.log" 2>"$tmp/logs/stderr" &
master=$!
for port in $base $((base + 1)); do
  for _ in $(seq 1 100); do
    [ "$(curl -s -H 'Host: api.example.com' "http://127.0.0.1:$port/v1/users")" = api-v1 ] && break
    sleep 0.1
  done
  [ "$(curl -s -H 'Host: api.example.com' "http://127.0.0.1:$port/v1/users")" = api-v1 ] ||
    { echo "loadcheck.sh: port $port does not route /v1/users" >&2; cat "$tmp/logs/error.log" >&2; exit 1; }
done

run() { # run PORT: requests/second (and fail on non-2xx answers)
  local out
  out=$(wrk -t1 -c"$conns" -d"${duration}s" --latency -H 'Host: api.example.com' \
    "http://127.0.0.1:$1/v1/users")
  if grep -q 'Non-2xx' <<<"$out"; then echo "loadcheck.sh: errors on port $1:" >&2; echo "$out" >&2; exit 1; fi
  echo "$(awk '/Requests\/sec/ {print $2}' <<<"$out") $(awk '$1 == "50%" {print $2}' <<<"$out") $(awk '$1 == "99%" {print $2}' <<<"$out")"
}

echo "nginx $(nginx -v 2>&1 | sed 's/.*\///'), 1 worker; wrk -t1 -c$conns -d${duration}s GET /v1/users (Host api.example.com); $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
wrk -t1 -c"$conns" -d1s -H 'Host: api.example.com' "http://127.0.0.1:$base/v1/users" >/dev/null # warm-up
add() { awk -v a="$1" -v b="$2" 'BEGIN {print a + b}'; }
sum_g=0 sum_h=0 sum_rg=0 sum_rr=0
for r in $(seq 1 "$rounds"); do
  read -r g g50 g99 <<<"$(run "$base")"
  read -r h h50 h99 <<<"$(run $((base + 1)))"
  read -r rg rg50 rg99 <<<"$(run $((base + 2)))"
  read -r rr rr50 rr99 <<<"$(run $((base + 3)))"
  printf 'round %d, proxied:    gwroute %7.0f req/s (p50 %s, p99 %s)  hand-written %7.0f req/s (p50 %s, p99 %s)\n' \
    "$r" "$g" "$g50" "$g99" "$h" "$h50" "$h99"
  printf 'round %d, return 200: gwroute %7.0f req/s (p50 %s, p99 %s)  plain        %7.0f req/s (p50 %s, p99 %s)\n' \
    "$r" "$rg" "$rg50" "$rg99" "$rr" "$rr50" "$rr99"
  sum_g=$(add "$sum_g" "$g") sum_h=$(add "$sum_h" "$h")
  sum_rg=$(add "$sum_rg" "$rg") sum_rr=$(add "$sum_rr" "$rr")
done
awk -v g="$sum_g" -v h="$sum_h" -v rg="$sum_rg" -v rr="$sum_rr" -v n="$rounds" 'BEGIN {
  printf "mean, proxied:    gwroute %7.0f req/s, hand-written locations %7.0f req/s (ratio %.3f)\n", g / n, h / n, g / h
  printf "mean, return 200: gwroute %7.0f req/s, plain return           %7.0f req/s (ratio %.3f)\n", rg / n, rr / n, rg / rr }'
