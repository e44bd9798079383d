#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Install the Debian packages gwroute needs to build (and, with the argument
# "test", to run every test: g++ for the C++ header check, clang and
# libclang-rt for the fuzz targets, abigail-tools for the ABI check, pytest,
# Go and LuaJIT for the bindings, nginx for the module's end-to-end test), when
# missing. As root it installs them with apt-get; otherwise it names them.
set -eu
PKGS="cmake make gcc pkg-config check libpcre2-dev libxxhash-dev libyaml-dev python3"
[ "${1:-}" = test ] && PKGS="$PKGS g++ clang libclang-rt-14-dev abigail-tools python3-pytest golang-go luajit2 nginx nginx-dev curl"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "gwroute: installing:$missing" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
  echo "gwroute: missing Debian packages. Run as root, or install them first:" >&2
  echo "  sudo apt-get install -y$missing" >&2
  exit 1
fi
