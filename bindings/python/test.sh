#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Run the Python binding's tests (unit tests and the C-vs-Python golden
# comparison) with Debian's pytest, from any directory:
#   GWROUTE_LIBRARY=path/libgwroute.so.1 GWROUTE_CLI=path/gwroute bindings/python/test.sh [pytest args]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$here/../.." && pwd)/build
GWROUTE_LIBRARY=${GWROUTE_LIBRARY:-$build/libgwroute.so.1}
GWROUTE_CLI=${GWROUTE_CLI:-$build/gwroute}
export GWROUTE_LIBRARY GWROUTE_CLI
export PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONDONTWRITEBYTECODE=1
cd "$here"
exec /usr/bin/python3 -m pytest -q -p no:cacheprovider "$@" tests
