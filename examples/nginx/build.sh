#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Build ngx_http_gwroute_module.so against Debian's nginx (package nginx-dev,
# which ships nginx's headers, configure script and build flags), the way
# Debian builds its own dynamic modules: configure with the distribution's
# flags (--with-compat is what makes the module binary-compatible), then
# `make modules`. The first run configures (about 20 s); later runs only
# recompile the module and relink it.
#
#   NGINX_MODULE_BUILD  output folder (default <root>/build-nginx); the
#                       module is $NGINX_MODULE_BUILD/ngx_http_gwroute_module.so
#   GWROUTE_BUILD       gwroute's CMake build folder (default <root>/build);
#                       its gwroute_static target (libgwroute.a) is built first
#   GWROUTE_PREFIX      instead, an installed gwroute (cmake --install
#                       --prefix DIR): DIR/include/gwroute.h, DIR/lib/libgwroute.a
#   NGINX_SRC           nginx-dev's tree (default /usr/share/nginx/src)
#   JOBS                make -j (default 2)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${NGINX_MODULE_BUILD:-$root/build-nginx}
nginx_src=${NGINX_SRC:-/usr/share/nginx/src}
jobs=${JOBS:-2}

if [ ! -f "$nginx_src/conf_flags" ]; then
  echo "build.sh: $nginx_src/conf_flags not found: install nginx-dev (apt-get install nginx-dev)" >&2
  exit 1
fi

if [ -n "${GWROUTE_PREFIX:-}" ]; then
  GWROUTE_INC=$GWROUTE_PREFIX/include
  GWROUTE_LIB=$GWROUTE_PREFIX/lib
  [ -f "$GWROUTE_LIB/libgwroute.a" ] || GWROUTE_LIB=$(dirname "$(find "$GWROUTE_PREFIX" -name libgwroute.a | head -1)")
else
  gwbuild=${GWROUTE_BUILD:-$root/build}
  if [ ! -f "$gwbuild/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$gwbuild" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  fi
  cmake --build "$gwbuild" --target gwroute_static -j"$jobs" >/dev/null
  GWROUTE_INC=$root/include
  GWROUTE_LIB=$(cd "$gwbuild" && pwd)
fi
export GWROUTE_INC GWROUTE_LIB

mkdir -p "$out"
out=$(cd "$out" && pwd)
src=$out/nginx-src
if [ ! -f "$src/configure" ]; then
  rm -rf "$src"
  cp -r "$nginx_src" "$src"
fi

# Configure again when the addon's config, the flags or gwroute's location
# changed (they are written into objs/Makefile).
stamp="$out/configured-with"
want="$(cat "$here/config" "$nginx_src/conf_flags"; echo "$GWROUTE_INC $GWROUTE_LIB $here")"
if [ ! -f "$src/objs/Makefile" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "build.sh: configuring nginx $(nginx -v 2>&1 | sed 's/.*\///') for the module (once)" >&2
  # shellcheck disable=SC1091
  (cd "$src" && source ./conf_flags &&
    ./configure "${NGX_CONF_FLAGS[@]}" --add-dynamic-module="$here" >"$out/configure.log" 2>&1) || {
    tail -20 "$out/configure.log" >&2
    exit 1
  }
  printf '%s' "$want" >"$stamp"
fi

# make does not know the module depends on libgwroute.a: always relink.
rm -f "$src/objs/ngx_http_gwroute_module.so"
make -C "$src" -f objs/Makefile -j"$jobs" modules >"$out/make.log" 2>&1 || {
  grep -E 'error|warning' "$out/make.log" >&2 || tail -20 "$out/make.log" >&2
  exit 1
}
cp "$src/objs/ngx_http_gwroute_module.so" "$out/ngx_http_gwroute_module.so"
echo "$out/ngx_http_gwroute_module.so"
