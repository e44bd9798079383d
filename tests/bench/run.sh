#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Build a Release tree under build-bench/ (at the top of the repository) and
# run the benchmark with the arguments given; none prints the full table.
#   tests/bench/run.sh              # full table, N up to 100k (a few minutes)
#   tests/bench/run.sh --quick      # N up to 10k, 3 repeats
#   tests/bench/run.sh --threads --swap
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build="$top/build-bench"
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target gwroute_bench >/dev/null
# which code was measured: the commit, and whether the tree had local changes
rev=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$top" diff --quiet HEAD -- lib include 2>/dev/null || rev="$rev+local lib/include changes"
echo "gwroute_bench built at $rev" >&2
exec "$build/tests/bench/gwroute_bench" "$@"
