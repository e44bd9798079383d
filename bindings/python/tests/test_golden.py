# SPDX-License-Identifier: Apache-2.0
"""The golden cases give identical decisions through C and Python.

For every tests/golden/<area>/<case>/ with a requests.jsonl, each request
line is routed by the `gwroute route` CLI and by Table.route() with the same
"choice", and the binding's Decision.to_dict() must equal the CLI's JSON
line exactly (every field, not the subset rule of run.py). The config is
loaded as the CLI's -f does: config.yaml, or the folder config/ (its files
sorted by name). Lines the CLI answers with {"error": ...} are skipped,
except "gateway ... not found", which the binding must raise too.
"""
import json
import os
import subprocess

import pytest

import gwroute
from conftest import CLI, GOLDEN, GOLDEN_STATS

GOLDEN_RATIO_64 = 11400714819323198485


def choice_of(index):
    return (index * GOLDEN_RATIO_64) % 2 ** 53


def find_cases():
    cases = []
    for area in sorted(os.listdir(GOLDEN)):
        area_dir = os.path.join(GOLDEN, area)
        if area.startswith((".", "_")) or not os.path.isdir(area_dir):
            continue
        for case in sorted(os.listdir(area_dir)):
            case_dir = os.path.join(area_dir, case)
            if os.path.isfile(os.path.join(case_dir, "requests.jsonl")):
                cases.append("%s/%s" % (area, case))
    return cases


def config_of(case_dir):
    path = os.path.join(case_dir, "config.yaml")
    return path if os.path.isfile(path) else os.path.join(case_dir, "config")


def request_lines(case_dir):
    """The non-blank lines (the CLI skips blank ones), each with "choice"
    added when it parses as a JSON object."""
    lines = []
    with open(os.path.join(case_dir, "requests.jsonl"), encoding="utf-8") as f:
        for text in f:
            text = text.rstrip("\r\n")
            if not text.strip():
                continue
            try:
                request = json.loads(text)
            except ValueError:
                request = None
            if isinstance(request, dict):
                request.setdefault("choice", choice_of(len(lines)))
                text = json.dumps(request)
            lines.append((text, request))
    return lines


def run_cli(config, lines, tmp_path):
    requests = tmp_path / "requests.jsonl"
    requests.write_text("".join(text + "\n" for text, _ in lines), encoding="utf-8")
    proc = subprocess.run([CLI, "route", "-f", config, "--requests", str(requests)],
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr.decode(errors="replace")
    out = [json.loads(line) for line in proc.stdout.decode().splitlines() if line.strip()]
    assert len(out) == len(lines), proc.stderr.decode(errors="replace")
    return out


def load_table(config):
    with gwroute.Config() as cfg:
        try:
            cfg.load_path(config)
        except gwroute.Error:
            pass  # like the CLI: report, keep the files that loaded, go on
        return cfg.compile()


def route_kwargs(request):
    """A request line as Table.route() keywords, with the CLI's defaults
    (examples/cli/request_line.c): null means "not given". Whether a request
    with a gRPC content-type is gRPC is the library's decision, as in C."""
    return {key: value for key, value in request.items() if value is not None}


@pytest.fixture(scope="module", autouse=True)
def need_cli():
    if not os.access(CLI, os.X_OK):
        pytest.fail("no gwroute CLI at %s (set GWROUTE_CLI)" % CLI, pytrace=False)


@pytest.mark.parametrize("case", find_cases())
def test_golden_case(case, tmp_path):
    case_dir = os.path.join(GOLDEN, case)
    config = config_of(case_dir)
    lines = request_lines(case_dir)
    expected = run_cli(config, lines, tmp_path)
    compared = skipped = 0
    with load_table(config) as table:
        for number, ((text, request), cli) in enumerate(zip(lines, expected), 1):
            if "error" in cli:
                if " not found" in cli["error"] or "exactly one Gateway" in cli["error"]:
                    with pytest.raises(gwroute.NotFoundError):
                        table.route(**route_kwargs(request))
                skipped += 1
                continue
            decision = table.route(**route_kwargs(request))
            assert decision.to_dict() == cli, "line %d: %s" % (number, text)
            compared += 1
    assert compared, "no request of %s was compared" % case
    GOLDEN_STATS["cases"] += 1
    GOLDEN_STATS["requests"] += compared
    GOLDEN_STATS["skipped"] += skipped
