#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# lint.sh GWROUTE PROJECT_DIR - `gwroute lint` end to end: the seed demo
# has no findings (exit 0), crafted cases of tests/lint/ print their
# findings (exit 1), and --json is one valid JSON document.
set -u
GWROUTE=$1
PROJECT=$2
CASES=$PROJECT/tests/lint
PYTHON=/usr/bin/python3
TMP=${TMPDIR:-/tmp}/gwr-lint-tool.$$
mkdir -p "$TMP"
trap 'rm -rf "$TMP"' EXIT INT TERM
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# run NAME EXPECTED_EXIT CONFIG [ARGS...]: stdout in $TMP/NAME.out, stderr in .err
run() {
  name=$1 want=$2 config=$3
  shift 3
  "$GWROUTE" lint -f "$config" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
  got=$?
  [ "$got" -eq "$want" ] || {
    fail "$name: exit $got, want $want"
    sed 's/^/  | /' "$TMP/$name.out" "$TMP/$name.err" >&2
  }
}

has() {
  grep -qF -- "$3" "$TMP/$2" || {
    fail "$1: no '$3' in $2"
    sed 's/^/  | /' "$TMP/$2" >&2
  }
}

# the seed demo: nothing to report
run seed 0 "$PROJECT/examples/manifests"
[ "$(cat "$TMP/seed.out")" = "no findings" ] || fail "seed: output is not 'no findings'"
run seed_json 0 "$PROJECT/examples/manifests" --json
has seed_json seed_json.out '{"findings":[],"errors":0,"warnings":0}'

# a prefix covering a longer prefix of another route
run prefix 1 "$CASES/prefix-covers-prefix/config.yaml"
has prefix prefix.out 'error unreachable: HTTPRoute default/b spec.rules[0].matches[0] (PathPrefix /api/v1) can never match'
has prefix prefix.out '  covered by HTTPRoute default/a spec.rules[0].matches[0] (PathPrefix /api), higher precedence (more specific route hostname)'
has prefix prefix.out '  on ingress/gw/http, hostname api.example.com'
has prefix prefix.out '  example: GET http://api.example.com/api/v1 -> HTTPRoute default/a rule 0'
has prefix prefix.out '2 findings (2 errors, 0 warnings)'

# partial shadowing by the age tie-break
run partial 1 "$CASES/partial-shadow/config.yaml"
has partial partial.out 'warning partially-shadowed: HTTPRoute default/beta spec.rules[0].matches[0] (PathPrefix /api, header X-Beta=yes) is partially shadowed'
has partial partial.out '  example: GET http://api.example.com/api [X-Beta: yes, X-Canary: 1] -> HTTPRoute default/canary rule 0'
has partial partial.out '2 findings (0 errors, 2 warnings)'

# G6 and zero weights
run g6 1 "$CASES/grpc-conflict/config.yaml"
has g6 g6.out 'error grpc-hostname-conflict: GRPCRoute default/orders and HTTPRoute default/web share hostname grpc.example.com'
has g6 g6.out 'example: gRPC POST http://grpc.example.com/shop.v1.Orders/Get [content-type: application/grpc] -> HTTPRoute default/web rule 0'
run zero 1 "$CASES/zero-weight/config.yaml"
has zero zero.out 'warning zero-weight: Service default/new-canary:8080 is referenced only with weight 0'
has zero zero.out '(answered 500)'

# negatives: exit 0
run negatives 0 "$CASES/negatives/config.yaml"
has negatives negatives.out 'no findings'

# every case's --json parses
for dir in "$CASES"/*/; do
  name=$(basename "$dir")
  "$GWROUTE" lint -f "$dir/config.yaml" --json >"$TMP/$name.json" 2>"$TMP/$name.json.err"
  "$PYTHON" -m json.tool "$TMP/$name.json" >/dev/null 2>&1 || fail "$name: --json is not valid JSON"
done

if [ "$failures" -ne 0 ]; then
  echo "lint.sh: $failures failure(s)" >&2
  exit 1
fi
echo "lint.sh: ok"
