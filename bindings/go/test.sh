#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Test the Go binding against an installed gwroute: install the build into a
# scratch prefix, then go vet, go test (with GODEBUG=cgocheck=2, so cgo
# pointer-rule breaches fail) and go test -race on the concurrency tests.
#
# Usage: bindings/go/test.sh [BUILD_DIR]
#   BUILD_DIR  a built gwroute tree (default: the repository's build/); it
#              is installed into BUILD_DIR/go-prefix, removed at exit
#
# Environment (all optional):
#   GO                the go command (default: go)
#   GOCACHE           Go's build cache (default: BUILD_DIR/go-cache)
#   GWROUTE_CLI       the gwroute CLI the golden test compares with
#                     (default: BUILD_DIR/gwroute; missing: that test skips)
#   GWROUTE_GO_RACE   0 skips the -race run (its first run builds the race
#                     runtime, about a minute; later runs take seconds)
#   GWROUTE_GO_BENCH  1 also runs BenchmarkRoute
# Set by this script: PKG_CONFIG_PATH and CGO_LDFLAGS (an rpath), both to
# the scratch prefix; GOPROXY=off and GOFLAGS=-mod=mod (offline, and the
# module needs nothing outside the standard library).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../../build}" && pwd)
# A scratch prefix at a fixed path per build. Go's build cache does not key
# on pkg-config's output (golang/go#24544): a cached package would keep
# linking with -L of an older prefix. The rpath in CGO_LDFLAGS, which the
# cache does key on, names the prefix, so another prefix rebuilds.
prefix=$build/go-prefix
rm -rf "$prefix"
trap 'rm -rf "$prefix"' EXIT INT TERM
cmake --install "$build" --prefix "$prefix" >/dev/null
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export CGO_LDFLAGS="-Wl,-rpath,$prefix/lib"
export GOPROXY=off GOFLAGS=-mod=mod
export GOCACHE="${GOCACHE:-$build/go-cache}"
export GWROUTE_CLI="${GWROUTE_CLI:-$build/gwroute}"
go=${GO:-go}

cd "$here"
"$go" vet ./...
# One package: local directory mode ("go test", not "./...") shows the
# golden test's summary line.
GODEBUG=cgocheck=2 "$go" test -count=1
if [ "${GWROUTE_GO_RACE:-1}" != 0 ]; then
  "$go" test -race -count=1 -run 'TestConcurrentRoute|TestClose'
fi
if [ "${GWROUTE_GO_BENCH:-0}" = 1 ]; then
  "$go" test -count=1 -run '^$' -bench BenchmarkRoute
fi
