#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The demo: build gwroute, then route the seed scenarios (the /v1 /v2 API
# routes, the 90/10 canary, the X-Debug header route, the cross-namespace
# ReferenceGrant, header stamping, mirroring and an HTTPS redirect) through
# `gwroute route`, and print the status report.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/.ci/deps.sh"
build="$top/build"
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" --target gwroute_cli >/dev/null
echo "== gwroute route -f examples/manifests --requests examples/requests.jsonl"
while IFS= read -r line; do
  echo "request:  $line"
  printf '%s\n' "$line" | "$build/gwroute" route -f "$top/examples/manifests" --seed 1 2>/dev/null |
    sed 's/^/decision: /'
done < "$top/examples/requests.jsonl"
echo
echo "== canary split over 1000 keyed requests (expect about 900 / 100)"
i=0
while [ $i -lt 1000 ]; do
  printf '{"host":"api.example.com","path":"/orders","key":"user-%d"}\n' $i
  i=$((i + 1))
done | "$build/gwroute" route -f "$top/examples/manifests" 2>/dev/null |
  grep -o '"name":"api-[a-z]*","port"' | sort | uniq -c
echo
echo "== mirror sampling over 1000 keyed requests to web.example.com (expect about 100 copies)"
i=0
while [ $i -lt 1000 ]; do
  printf '{"host":"web.example.com","path":"/","key":"visitor-%d"}\n' $i
  i=$((i + 1))
done | "$build/gwroute" route -f "$top/examples/manifests" 2>/dev/null | grep -c '"mirrors":\[{' || true
echo
echo "== gwroute status -f examples/manifests (route conditions)"
"$build/gwroute" status -f "$top/examples/manifests" |
  python3 -c 'import json,sys
d = json.load(sys.stdin)
for r in d["routes"]:
    for p in r["parents"]:
        c = ", ".join("%s=%s (%s)" % (x["type"], x["status"], x["reason"]) for x in p["conditions"])
        print("%s %s/%s: %s" % (r["kind"], r["namespace"], r["name"], c))
for g in d["gateways"]:
    for l in g["listeners"]:
        print("listener %s/%s/%s: attachedRoutes=%d" % (g["namespace"], g["name"], l["name"], l["attachedRoutes"]))
for x in d["rejected"]:
    print("rejected: %s (%s:%d)" % (x["message"], x["file"], x["line"]))'
echo
echo "== gwroute explain: why does GET http://api.example.com/v2/users go where it goes?"
"$build/gwroute" explain -f "$top/examples/manifests" 'GET http://api.example.com/v2/users' 2>/dev/null
echo
echo "== gwroute check: the seed's route tests, with coverage"
"$build/gwroute" check -f "$top/examples/manifests" --tests "$top/tests/check/seed.yaml" --coverage 2>/dev/null | tail -3
echo
echo "== gwroute lint: the seed demo (expect no findings)"
"$build/gwroute" lint -f "$top/examples/manifests" 2>/dev/null
echo
echo "== Ingress migration: the seed article's annotated Ingress (examples/ingress)"
tmp=$(mktemp -d)
"$build/gwroute" convert -f "$top/examples/ingress" >"$tmp/converted.yaml" 2>"$tmp/notes.txt"
echo "converted: $(grep -c '^kind:' "$tmp/converted.yaml") Gateway API objects; notes (not converted):"
sed 's/^/  /' "$tmp/notes.txt"
echo "gwroute diff -f examples/ingress -f2 converted.yaml:"
"$build/gwroute" diff -f "$top/examples/ingress" -f2 "$tmp/converted.yaml" | tail -1
echo "the same after sending /v2 to api-v1 in the conversion:"
sed 's/name: "api-v2"/name: "api-v1"/' "$tmp/converted.yaml" >"$tmp/planted.yaml"
"$build/gwroute" diff -f "$top/examples/ingress" -f2 "$tmp/planted.yaml" | grep -E '^  (GET|POST) |differ' || true
rm -rf "$tmp"
