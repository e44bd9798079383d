#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Build the libFuzzer targets with clang (ASan + UBSan) into build-fuzz/:
#   sh tests/fuzz/build.sh            # build-fuzz/fuzz_{load,compile,match,diff}
#   sh tests/fuzz/build.sh afl        # AFL++ builds as well (afl-clang-fast)
# Needs clang and libclang-rt-14-dev (libFuzzer); see tests/fuzz/README.md.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
out="${FUZZ_OUT:-$top/build-fuzz}"
mkdir -p "$out"
cc=${CC_FUZZ:-clang}
libs="$(pkg-config --cflags --libs libpcre2-8 yaml-0.1)"
srcs="$top/lib/*.c"
inc="-I$top/include -I$top/lib -I$top/tests/support -I$top/tests/fuzz"
flags="-g -O1 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -fno-omit-frame-pointer"
for t in load compile match diff; do
  extra=""
  [ "$t" = diff ] && extra="$top/tests/support/refmatch.c"
  # shellcheck disable=SC2086
  $cc $flags -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined $inc \
    "$top/tests/fuzz/fuzz_$t.c" $extra $srcs $libs -o "$out/fuzz_$t"
  if [ "${1:-}" = afl ]; then
    # shellcheck disable=SC2086
    AFL_USE_ASAN=1 afl-clang-fast $flags -fsanitize=fuzzer $inc \
      "$top/tests/fuzz/fuzz_$t.c" $extra $srcs $libs -o "$out/fuzz_${t}_afl"
  fi
done
echo "built: $(ls "$out" | tr '\n' ' ')"
