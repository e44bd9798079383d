#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# golden_sweep.sh GWROUTE PROJECT_DIR - the tools on every golden case:
# lint and convert run and print valid JSON / YAML; diff finds no difference
# between a configuration and itself; explain agrees with gwr_match on every
# golden request ("consistent": true); check passes a test file made from
# each case's requests and expected decisions.
exec /usr/bin/python3 "$(dirname "$0")/golden_sweep.py" "$@"
