#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# diff.sh GWROUTE PROJECT_DIR - `gwroute diff` end to end: every
# tests/diff/NAME/{old,new} pair is compared and checked against
# tests/diff/NAME/expect (first line "exit N", then lines the text report
# must contain, each as a whole line); --json must parse; the example
# manifests compared with themselves show no difference.
set -u
GWROUTE=$1
PROJECT=$2
CASES=$PROJECT/tests/diff
PYTHON=/usr/bin/python3
TMP=${TMPDIR:-/tmp}/gwr-diff-tool.$$
mkdir -p "$TMP"
trap 'rm -rf "$TMP"' EXIT INT TERM
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

show() { sed 's/^/  | /' "$@" >&2; }

for dir in "$CASES"/*/; do
  name=$(basename "$dir")
  [ -f "$dir/expect" ] || continue
  want=$(sed -n '1s/^exit //p' "$dir/expect")
  "$GWROUTE" diff -f "$dir/old" -f2 "$dir/new" >"$TMP/$name.out" 2>"$TMP/$name.err"
  got=$?
  if [ "$got" -ne "$want" ]; then
    fail "$name: exit $got, want $want"
    show "$TMP/$name.out" "$TMP/$name.err"
  fi
  sed 1d "$dir/expect" | while IFS= read -r line; do
    grep -qxF -- "$line" "$TMP/$name.out" || { echo "missing: $line"; }
  done >"$TMP/$name.missing"
  if [ -s "$TMP/$name.missing" ]; then
    fail "$name: report lacks expected lines"
    show "$TMP/$name.missing" "$TMP/$name.out"
  fi
  # the same report twice
  "$GWROUTE" diff -f "$dir/old" -f2 "$dir/new" >"$TMP/$name.again" 2>/dev/null
  cmp -s "$TMP/$name.out" "$TMP/$name.again" || fail "$name: two runs differ"
  # JSON: parses, and counts agree with the exit status
  "$GWROUTE" diff -f "$dir/old" -f2 "$dir/new" --json >"$TMP/$name.json" 2>"$TMP/$name.jerr"
  got=$?
  [ "$got" -eq "$want" ] || fail "$name --json: exit $got, want $want"
  if ! "$PYTHON" -m json.tool "$TMP/$name.json" >/dev/null 2>"$TMP/$name.jtool"; then
    fail "$name --json: not valid JSON"
    show "$TMP/$name.jtool"
  fi
  "$PYTHON" - "$TMP/$name.json" "$want" <<'PY' || fail "$name --json: wrong shape"
import json, sys
d = json.load(open(sys.argv[1]))
want = int(sys.argv[2])
assert isinstance(d["requests"], int) and d["requests"] > 0, d["requests"]
assert (d["differences"] > 0) == (want == 1), d["differences"]
assert isinstance(d["unpaired_gateways"], list)
assert len(d["items"]) == min(d["differing_requests"], 200)
for it in d["items"]:
    assert it["fields"] and set(it["fields"]) <= {
        "action", "status", "grpc_status", "backends", "upstream_path", "upstream_host",
        "location", "request_header_ops", "response_header_ops", "response_headers",
        "mirrors"}, it["fields"]
    for side in ("old", "new"):
        assert it[side]["action"] in ("forward", "redirect", "respond", "reject", "none")
    assert it["request"]["path"].startswith("/") or it["request"]["protocol"] in ("tls", "tcp", "udp")
PY
done

# The example manifests against themselves.
"$GWROUTE" diff -f "$PROJECT/examples/manifests" -f2 "$PROJECT/examples/manifests" \
  >"$TMP/self.out" 2>"$TMP/self.err"
got=$?
[ "$got" -eq 0 ] || { fail "examples vs itself: exit $got, want 0"; show "$TMP/self.out"; }
grep -q "no differences" "$TMP/self.out" || fail "examples vs itself: no 'no differences' line"
"$GWROUTE" diff -f "$PROJECT/examples/manifests" -f2 "$PROJECT/examples/manifests" --json \
  >"$TMP/self.json" 2>/dev/null
"$PYTHON" -m json.tool "$TMP/self.json" >/dev/null || fail "examples vs itself --json: not valid JSON"

if [ "$failures" -ne 0 ]; then
  echo "diff.sh: $failures failure(s)" >&2
  exit 1
fi
echo "diff.sh: ok"
