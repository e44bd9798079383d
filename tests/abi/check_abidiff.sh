#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# check_abidiff.sh LIB PROJECT_DIR - compare LIB with the committed ABI
# baseline tests/abi/libgwroute.abi (abidw of the 1.0 library). Any
# difference but an added symbol fails: abidiff's exit code is a bitmask
# (4 = ABI change, 8 = incompatible change), and a struct that grew or moved
# a field sets only 4, so every non-zero status fails. The insides of the
# opaque handles are suppressed (tests/abi/suppressions.txt). abidiff's
# --headers-dir filter is not used: it also hides public struct changes
# when a function takes both a public struct and an opaque handle.
#
# To change the ABI on purpose (only by adding, see docs/ABI.md), regenerate
# the baseline in the same commit:
#   abidw --no-corpus-path --no-show-locs --no-comp-dir-path \
#     --out-file tests/abi/libgwroute.abi build/libgwroute.so.1
set -u
if [ $# -ne 2 ]; then
  echo "usage: $0 LIB PROJECT_DIR" >&2
  exit 2
fi
lib=$1
dir=$2
if ! command -v abidiff >/dev/null 2>&1; then
  echo "FAIL: abidiff not found (apt-get install abigail-tools)" >&2
  exit 1
fi
abidiff --no-added-syms --suppressions "$dir/tests/abi/suppressions.txt" \
  "$dir/tests/abi/libgwroute.abi" "$lib"
rc=$?
if [ $rc -ne 0 ]; then
  echo "FAIL: abidiff exit $rc: the ABI of $lib differs from tests/abi/libgwroute.abi" >&2
  exit 1
fi
echo "abidiff: $lib matches the committed baseline (1.0 + 1.1)"
