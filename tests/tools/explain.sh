#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# explain.sh GWROUTE PROJECT_DIR - `gwroute explain` end to end on the seed
# manifests: the shorthand and the JSON request forms, text and --json, -H
# headers, and the failures (bad request, unknown gateway). Exit 1 on the
# first failed expectation.
set -u
G=${1:?usage: explain.sh GWROUTE PROJECT_DIR}
P=${2:?usage: explain.sh GWROUTE PROJECT_DIR}
M="$P/examples/manifests"
PY=/usr/bin/python3
OUT=$(mktemp) || exit 1
trap 'rm -f "$OUT"' EXIT
fails=0

fail() {
  echo "FAIL: $*" >&2
  echo "--- output:" >&2
  cat "$OUT" >&2
  fails=$((fails + 1))
}

# run WANT_EXIT ARGS...: the command's stdout into $OUT
run() {
  want=$1
  shift
  "$G" explain -f "$M" "$@" >"$OUT" 2>/dev/null
  rc=$?
  [ "$rc" -eq "$want" ] || fail "exit $rc (want $want): explain $*"
}

has() {
  grep -qF -- "$1" "$OUT" || fail "missing '$1'"
}

lacks() {
  if grep -qF -- "$1" "$OUT"; then fail "unexpected '$1'"; fi
}

# json PYTHON_EXPR: the --json report parsed as d; the expression must hold
json() {
  "$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$OUT" "$1" || fail "JSON check: $1"
}

# 1. shorthand, text: path-length winner
run 0 'GET http://api.example.com/v2/x'
has 'request  GET http://api.example.com/v2/x (port 80)'
has 'listener ingress-cilium/production-gateway/http'
has '#2 HTTPRoute default/api-routes spec.rules[1].matches[0]  PathPrefix /v2  [api.example.com]  matched  <- winner'
has 'by path length (3 > 1)'
has 'default/api-v2:8080  weight 1 of 1 (100.0%)  <- chosen'
has 'decision forward to default/api-v2:8080, path /v2/x, host api.example.com'
lacks 'INCONSISTENT'

# 2. shorthand with a -H header, --json
run 0 --json -H 'X-Debug: true' 'GET http://api.example.com/other'
json 'd["consistent"] is True and d["winner"]["route"] == "default/api-debug"'
json 'd["winner"]["decided_by"] == "header matches" and d["request"]["headers"] == [["X-Debug", "true"]]'
json 'd["decision"]["action"] == "forward" and d["decision"]["backend"] == "default/api-debug:8080"'

# 3. the JSON request form, text: gRPC plane
run 0 '{"host": "grpc.example.com", "method": "POST", "path": "/shop.v1.Orders/Get", "protocol": "grpc"}'
has 'plane    gRPC request: GRPCRoutes first, and one matched'
has 'decision forward to default/orders-grpc:9090'

# 4. the JSON request form, --json: TLS passthrough by SNI
run 0 --json '{"protocol": "tls", "port": 8883, "sni": "mqtt.example.com"}'
json 'd["listener"] == "ingress-cilium/production-gateway/mqtt" and d["winner"]["kind"] == "TLSRoute"'

# 5. https with a port and a query; a redirect on http
run 0 'https://web.example.com:443/a?b=1'
has 'request  GET https://web.example.com/a?b=1 (port 443)'
has 'backend  RequestHeaderModifier set X-Forwarded-By: gateway-api'
run 0 'GET http://secure.example.com/x'
has 'decision redirect 301 Location https://secure.example.com/x'

# 6. a 404: nearest hostnames; in JSON, no winner
run 0 'GET http://apx.example.com/'
has 'decision respond 404 (no route matched)'
has 'closest hostnames on this listener: api.example.com'
run 0 --json 'GET http://apx.example.com/'
json 'd["winner"] is None and d["decision"]["status"] == 404 and "api.example.com" in d["closest_hostnames"]'

# 7. failures: a bad request, a bad header, an unknown gateway
run 1 '{"host": 5}'
run 1 -H 'no colon' 'GET http://api.example.com/'
run 1 'ftp://api.example.com/'
run 1 '{"gateway": "nope/nope", "host": "api.example.com"}'

if [ "$fails" -ne 0 ]; then
  echo "explain.sh: $fails failure(s)" >&2
  exit 1
fi
echo "explain.sh: ok"
