#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# check.sh GWROUTE PROJECT_DIR - `gwroute check` end to end on the seed
# demo: the passing and the failing test files, coverage, --fail-under,
# --json and a malformed test file.
set -u
GWROUTE=$1
PROJECT=$2
CONFIG=$PROJECT/examples/manifests
TESTS=$PROJECT/tests/check
TMP=${TMPDIR:-/tmp}/gwr-check-tool.$$
mkdir -p "$TMP"
trap 'rm -rf "$TMP"' EXIT INT TERM
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# run NAME EXPECTED_EXIT ARGS...: output in $TMP/NAME.out (stdout) and .err
run() {
  name=$1 want=$2
  shift 2
  "$GWROUTE" check -f "$CONFIG" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
  got=$?
  [ "$got" -eq "$want" ] || {
    fail "$name: exit $got, want $want"
    sed 's/^/  | /' "$TMP/$name.out" "$TMP/$name.err" >&2
  }
}

# has NAME FILE TEXT: a fixed string is in the file
has() {
  grep -qF -- "$3" "$TMP/$2" || fail "$1: no '$3' in $2"
}
hasnt() {
  if grep -qF -- "$3" "$TMP/$2"; then fail "$1: unexpected '$3' in $2"; fi
}

# 1. the passing file: exit 0, every test passes, every match covered
run pass 0 --tests "$TESTS/seed.yaml" --coverage
has pass pass.out "PASS /v1 goes to api-v1"
has pass pass.out "PASS TLS passthrough by SNI"
hasnt pass pass.out "FAIL "
has pass pass.out "19 tests, 0 failed; coverage: rules 12/12 (100.0%), matches 12/12 (100.0%)"
has pass pass.out "every reachable match was exercised"

# 2. the failing file: exit 1, FAIL lines with expected/got
run failing 1 --tests "$TESTS/seed-failing.yaml"
has failing failing.out "PASS /v1 goes to api-v1"
has failing failing.out "FAIL wrong backend for /v2"
has failing failing.out "  expected backend api-v1, got default/api-v2:8080"
has failing failing.out "  expected rule 0, got 1"
has failing failing.out "FAIL the redirect is a 302"
has failing failing.out "  expected status 302, got 301"
has failing failing.out "  expected location https://secure.example.com/, got https://secure.example.com/login"
has failing failing.out "FAIL web strips X-Forwarded-By"
has failing failing.out "  expected request_headers.X-Forwarded-By (absent), got gateway-api"
has failing failing.out "FAIL unknown host is forwarded"
has failing failing.out "  expected action forward, got respond"
has failing failing.out "  expected route default/api-routes, got none"
has failing failing.out "5 tests, 4 failed"

# 3. coverage of the partial file lists what it never reached
run cover 1 --tests "$TESTS/seed-failing.yaml" --coverage
has cover cover.out "coverage"
has cover cover.out "  HTTPRoute default/api-debug spec.rules[0].matches[0] (PathPrefix /, header X-Debug=true): never exercised"
has cover cover.out "  TCPRoute databases/postgres spec.rules[0]: never exercised"
has cover cover.out "  TLSRoute default/mqtt-tls spec.rules[0]: never exercised"
has cover cover.out "  GRPCRoute default/orders-grpc spec.rules[0].matches[0] (method shop.v1.Orders/Get): never exercised"
has cover cover.out "  GRPCRoute default/orders-grpc spec.rules[1].matches[0] (service shop.v1.Orders): never exercised"
hasnt cover cover.out "HTTPRoute default/api-routes spec.rules[0].matches[0] (PathPrefix /v1): never exercised"
has cover cover.out "coverage: rules 4/12 (33.3%), matches 4/12 (33.3%)"

# 4. --fail-under: a partial but passing file (the first test only)
sed -n '1,/^- name: wrong backend/p' "$TESTS/seed-failing.yaml" | sed '$d' >"$TMP/partial.yaml"
run under100 1 --tests "$TMP/partial.yaml" --fail-under 100
has under100 under100.err "under --fail-under"
run under10 0 --tests "$TMP/partial.yaml" --fail-under 5
has under10 under10.out "1 tests, 0 failed"
run under10b 0 --tests "$TESTS/seed.yaml" --fail-under 10

# 5. --json parses
run json 0 --tests "$TESTS/seed.yaml" --json --coverage
if command -v /usr/bin/python3 >/dev/null 2>&1; then
  /usr/bin/python3 -m json.tool "$TMP/json.out" >/dev/null || fail "json: not JSON"
fi
has json json.out '"coverage_permille":1000'
run jsonfail 1 --tests "$TESTS/seed-failing.yaml" --json --coverage
if command -v /usr/bin/python3 >/dev/null 2>&1; then
  /usr/bin/python3 -m json.tool "$TMP/jsonfail.out" >/dev/null || fail "jsonfail: not JSON"
fi
has jsonfail jsonfail.out '"key":"backend","expected":"api-v1","actual":"default/api-v2:8080"'

# 6. a malformed test file: exit 1 with the field path and line
cat >"$TMP/bad.yaml" <<'YAML'
tests:
- name: ok
  request: {host: api.example.com}
- name: typo
  request: {host: api.example.com}
  expect:
    statsu: 200
YAML
run bad 1 --tests "$TMP/bad.yaml"
has bad bad.err "bad.yaml:7: tests[1].expect.statsu: unknown field"
printf 'tests: [\n' >"$TMP/syntax.yaml"
run syntax 1 --tests "$TMP/syntax.yaml"
has syntax syntax.err "syntax.yaml:"

# 7. nothing to test is a failure; stdin cannot hold both the configuration and the tests
printf 'tests: []\n' >"$TMP/empty.yaml"
run empty 1 --tests "$TMP/empty.yaml"
has empty empty.err "holds no tests"
"$GWROUTE" check -f - --tests - </dev/null >"$TMP/stdin2.out" 2>"$TMP/stdin2.err"
[ $? -eq 2 ] || fail "stdin twice: want exit 2"
run nan 2 --tests "$TMP/empty.yaml" --fail-under nan
run twice 2 --tests "$TMP/empty.yaml" --tests "$TMP/empty.yaml"

if [ "$failures" -ne 0 ]; then
  echo "check.sh: $failures failure(s)" >&2
  exit 1
fi
echo "check.sh: ok"
