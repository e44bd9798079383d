#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Every test: a release build (unit, API, golden, differential, ABI) and a
# second build of all tests under ASan+UBSan.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/.ci/deps.sh"
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
echo "== ASan+UBSan build"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
CK_TIMEOUT_MULTIPLIER=10 run "$top/build-asan" -DCMAKE_BUILD_TYPE=Debug -DGWR_SANITIZE=ON
