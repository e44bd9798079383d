# SPDX-License-Identifier: Apache-2.0
"""Shared setup: the package from this checkout, the library and CLI paths.

GWROUTE_LIBRARY (read by the package itself) and GWROUTE_CLI default to
the build of this checkout; bindings/python/test.sh sets both.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
BUILD = os.path.join(REPO, "build")
GOLDEN = os.path.join(REPO, "tests", "golden")

os.environ.setdefault("GWROUTE_LIBRARY", os.path.join(BUILD, "libgwroute.so.1"))
CLI = os.environ.get("GWROUTE_CLI") or os.path.join(BUILD, "gwroute")
sys.path.insert(0, os.path.dirname(HERE))  # bindings/python: the gwroute package

# Filled by test_golden.py, printed at the end of the run.
GOLDEN_STATS = {"cases": 0, "requests": 0, "skipped": 0}


def pytest_terminal_summary(terminalreporter):
    if GOLDEN_STATS["cases"]:
        terminalreporter.write_line(
            "golden: %(cases)d cases, %(requests)d requests identical through "
            "C and Python, %(skipped)d lines the CLI rejects skipped" % GOLDEN_STATS)
