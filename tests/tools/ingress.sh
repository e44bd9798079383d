#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# ingress.sh GWROUTE PROJECT_DIR - the migration walkthrough of docs/ingress.md
# as a test: convert the seed's Ingresses, prove with diff that the
# conversion routes exactly like them, then plant a behavioural change in
# the converted YAML and check that diff catches it.
set -u
gw=$1
dir=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$gw" convert -f "$dir/examples/ingress" >"$tmp/converted.yaml" 2>"$tmp/notes.txt" ||
  fail "convert exited $?"
grep -q '^kind: HTTPRoute' "$tmp/converted.yaml" || fail "no HTTPRoute in the conversion"
grep -q 'name: "web-api-example-com-redirect"' "$tmp/converted.yaml" || fail "no HTTP->HTTPS redirect route"
grep -q 'rate-limit is not converted' "$tmp/notes.txt" || fail "rate-limit not listed as unconverted"
grep -q 'auth-type is not converted' "$tmp/notes.txt" || fail "auth-type not listed as unconverted"

# The conversion loads cleanly and routes like the Ingresses.
"$gw" status -f "$tmp/converted.yaml" >"$tmp/status.json" 2>"$tmp/status.err" || fail "converted YAML does not load"
[ -s "$tmp/status.err" ] && { cat "$tmp/status.err" >&2; fail "converted YAML has rejected objects"; }
"$gw" diff -f "$dir/examples/ingress" -f2 "$tmp/converted.yaml" >"$tmp/same.txt" ||
  { cat "$tmp/same.txt" >&2; fail "diff found differences between the Ingresses and their conversion"; }
grep -q 'no differences' "$tmp/same.txt" || fail "diff did not say 'no differences'"

# A planted change: /v2 sent to api-v1 instead of api-v2.
sed 's/name: "api-v2"/name: "api-v1"/' "$tmp/converted.yaml" >"$tmp/planted.yaml"
if "$gw" diff -f "$dir/examples/ingress" -f2 "$tmp/planted.yaml" >"$tmp/planted.txt"; then
  fail "diff missed the planted change"
fi
grep -qi '/v2' "$tmp/planted.txt" || { cat "$tmp/planted.txt" >&2; fail "diff did not show a /v2 request"; }
grep -q 'api-v1' "$tmp/planted.txt" || fail "diff did not name the new backend"

# A second planted change: the HTTP->HTTPS redirect becomes a 301.
sed '0,/statusCode: 308/s//statusCode: 301/' "$tmp/converted.yaml" >"$tmp/planted2.yaml"
if "$gw" diff -f "$dir/examples/ingress" -f2 "$tmp/planted2.yaml" >"$tmp/planted2.txt"; then
  fail "diff missed the redirect status change"
fi
grep -q '301' "$tmp/planted2.txt" || fail "diff did not show the 301"
echo "ingress walkthrough: ok"
