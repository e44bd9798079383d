# SPDX-License-Identifier: Apache-2.0
"""Table.check(): the seed demo's route tests (tests/check) through Python."""
import json
import os

import pytest

import gwroute
from conftest import REPO

MANIFESTS = os.path.join(REPO, "examples", "manifests")
TESTS = os.path.join(REPO, "tests", "check")


@pytest.fixture(scope="module")
def table():
    config = gwroute.Config()
    config.load_path(MANIFESTS)
    with config.compile() as t:
        yield t


def read(name):
    with open(os.path.join(TESTS, name), encoding="utf-8") as f:
        return f.read()


def test_seed_passes_with_full_coverage(table):
    report, summary = table.check(read("seed.yaml"), coverage=True)
    assert summary == {"tests": 19, "failed": 0, "rules": 12, "rules_hit": 12,
                       "matches": 12, "matches_hit": 12, "coverage_permille": 1000}
    assert "FAIL" not in report
    assert report.endswith(
        "19 tests, 0 failed; coverage: rules 12/12 (100.0%), matches 12/12 (100.0%)\n")


def test_seed_failing(table):
    report, summary = table.check(read("seed-failing.yaml"), coverage=True)
    assert summary["tests"] == 5 and summary["failed"] == 4
    assert (summary["matches"], summary["matches_hit"]) == (12, 4)
    assert summary["coverage_permille"] == 333
    assert "FAIL wrong backend for /v2\n" in report
    assert "  expected backend api-v1, got default/api-v2:8080\n" in report
    assert ("  TCPRoute databases/postgres spec.rules[0]: never exercised\n"
            in report)


def test_json_report(table):
    report, summary = table.check(read("seed-failing.yaml"), json=True)
    doc = json.loads(report)
    assert doc["summary"]["failed"] == summary["failed"] == 4
    failed = [t for t in doc["tests"] if not t["passed"]]
    assert failed[0]["failures"][0]["key"] in ("rule", "backend")
    assert doc["uncovered"] == []


def test_schema_error(table):
    with pytest.raises(gwroute.SchemaError) as info:
        table.check("tests:\n- expect:\n    statsu: 200\n")
    assert "tests[0].expect.statsu: unknown field" in str(info.value)
    assert info.value.line == 3
