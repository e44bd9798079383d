#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Run the LuaJIT binding tests (test.lua).
#   GWROUTE_LIBRARY  directory (or file) of libgwroute.so.1; default <root>/build
#   GWROUTE_CLI      the gwroute command for the golden comparison;
#                    default $GWROUTE_LIBRARY/gwroute
#   LUAJIT           the interpreter; default luajit
#   CC               compiler for the cdef layout check; default cc
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
GWROUTE_LIBRARY=${GWROUTE_LIBRARY:-$root/build}
if [ -d "$GWROUTE_LIBRARY" ]; then cli_dir=$GWROUTE_LIBRARY; else cli_dir=$(dirname "$GWROUTE_LIBRARY"); fi
GWROUTE_CLI=${GWROUTE_CLI:-$cli_dir/gwroute}
GWROUTE_ROOT=$root
export GWROUTE_LIBRARY GWROUTE_CLI GWROUTE_ROOT
exec "${LUAJIT:-luajit}" "$here/test.lua"
