#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Every test: a release build (unit, API, golden, differential, ABI, fuzz
# corpus replay), the bindings' tests against it (Python, Go, LuaJIT) and
# the nginx module's end-to-end test with a real nginx,
# a second build of all tests under ASan+UBSan, the API tests
# (threads included) under TSan, and a bounded run of each fuzz target
# (FUZZ_SECONDS each, default 60; 0 skips it).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/.ci/deps.sh" test
jobs=$(nproc)
werror=OFF
[ "${CI:-}" = true ] && werror=ON

run() { # run BUILD_DIR CMAKE_ARGS...
  dir=$1; shift
  cmake -S "$top" -B "$dir" -DGWR_WERROR=$werror "$@" >/dev/null
  cmake --build "$dir" -j"$jobs" >/dev/null
  (cd "$dir" && ctest --output-on-failure -j"$jobs")
}

echo "== release build"
run "$top/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
echo "== bindings against the release library (each also compares the golden cases with the CLI)"
for t in "$top"/bindings/*/test.sh; do
  [ -f "$t" ] || continue
  echo "-- $(basename "$(dirname "$t")")"
  GWROUTE_BUILD="$top/build" sh "$t"
done
echo "== nginx module (examples/nginx): built against Debian's nginx, end-to-end test"
GWROUTE_BUILD="$top/build" bash "$top/examples/nginx/test.sh"
echo "== ASan+UBSan build"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
CK_TIMEOUT_MULTIPLIER=10 run "$top/build-asan" -DCMAKE_BUILD_TYPE=Debug -DGWR_SANITIZE=ON
echo "== TSan build: the API tests, threads and table swaps included"
cmake -S "$top" -B "$top/build-tsan" -DGWR_WERROR=$werror -DCMAKE_BUILD_TYPE=Debug \
  -DGWR_SANITIZE=thread >/dev/null
cmake --build "$top/build-tsan" -j"$jobs" >/dev/null
(cd "$top/build-tsan" && TSAN_OPTIONS=halt_on_error=1 CK_TIMEOUT_MULTIPLIER=10 \
  ctest --output-on-failure -j"$jobs" -R '^api\.')
seconds=${FUZZ_SECONDS:-60}
if [ "$seconds" -gt 0 ]; then
  echo "== fuzz: each target for ${seconds}s (libFuzzer, ASan+UBSan), from the committed corpus"
  sh "$top/tests/fuzz/build.sh" >/dev/null
  for t in load compile match diff; do
    work=$(mktemp -d)
    if ! "$top/build-fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=3072 \
        -dict="$top/tests/fuzz/gwroute.dict" -artifact_prefix="$work/" -print_final_stats=1 \
        "$work" "$top/tests/fuzz/corpus/$t" >"$work/log" 2>&1; then
      tail -40 "$work/log"
      echo "fuzz_$t failed: the input is in $work" >&2
      exit 1
    fi
    echo "fuzz_$t: $(grep -E '^stat::number_of_executed_units' "$work/log" | sed 's/.*: *//') runs," \
      "$(grep -E '^#[0-9]+.*cov:' "$work/log" | tail -1 | sed 's/.*cov: \([0-9]*\).*/\1/') edges"
    rm -rf "$work"
  done
fi
