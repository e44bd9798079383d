#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Install the build into a scratch prefix, then build a consumer with
# find_package(gwroute) -> gwroute::gwroute and with pkg-config, and run both.
set -eu
build=$1
src=$2
work=$build/install-check
rm -rf "$work"
mkdir -p "$work/consumer"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cp "$src/tests/install/consumer.c" "$work/consumer/main.c"
cat > "$work/consumer/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(consumer C)
find_package(gwroute 1 REQUIRED)
add_executable(consumer main.c)
target_link_libraries(consumer PRIVATE gwroute::gwroute)
CMAKE
cmake -S "$work/consumer" -B "$work/consumer/b" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/consumer/b" >/dev/null
LD_LIBRARY_PATH="$work/prefix/lib" "$work/consumer/b/consumer"
flags=$(PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig" pkg-config --cflags --libs gwroute)
cc $flags "$work/consumer/main.c" $flags -o "$work/consumer/pc"
LD_LIBRARY_PATH="$work/prefix/lib" "$work/consumer/pc"
readelf -d "$work/prefix/lib/libgwroute.so" | grep -q 'SONAME.*libgwroute.so.1'
