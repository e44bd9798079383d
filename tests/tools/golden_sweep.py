#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The tool commands on every golden case (see golden_sweep.sh)."""
import json
import os
import subprocess
import sys
import tempfile


def run(args, ok=(0,)):
    p = subprocess.run(args, capture_output=True, text=True, errors="replace", timeout=120)
    if p.returncode not in ok:
        raise AssertionError("%s exited %d:\n%s%s" % (" ".join(args), p.returncode, p.stdout[-2000:], p.stderr[-2000:]))
    return p.stdout


def check_entry(req, exp):
    """A check test from a golden request and its expected decision subset."""
    expect = {}
    if "action" in exp:
        expect["action"] = exp["action"]
    if isinstance(exp.get("status"), int):
        expect["status"] = exp["status"]
    b = exp.get("backend")
    if isinstance(b, dict) and "name" in b and "namespace" in b:
        expect["backend"] = "%s/%s" % (b["namespace"], b["name"])
    return {"request": req, "expect": expect}


def main():
    gw, top = sys.argv[1], sys.argv[2]
    golden = os.path.join(top, "tests", "golden")
    cases = explained = checked = 0
    for area in sorted(os.listdir(golden)):
        adir = os.path.join(golden, area)
        if not os.path.isdir(adir):
            continue
        for case in sorted(os.listdir(adir)):
            cdir = os.path.join(adir, case)
            config = next((os.path.join(cdir, c) for c in ("config.yaml", "config") if os.path.exists(os.path.join(cdir, c))), None)
            if not config:
                continue
            cases += 1
            where = "%s/%s" % (area, case)
            try:
                json.loads(run([gw, "lint", "-f", config, "--json"], ok=(0, 1)))
                run([gw, "convert", "-f", config], ok=(0, 1))
                out = run([gw, "diff", "-f", config, "-f2", config], ok=(0, 1))
                if "no differences" not in out:
                    raise AssertionError("diff of a configuration with itself:\n" + out[-3000:])
                reqs = os.path.join(cdir, "requests.jsonl")
                exps = os.path.join(cdir, "expected.jsonl")
                if not os.path.exists(reqs):
                    continue
                lines = [l for l in open(reqs) if l.strip()]
                for line in lines:
                    out = run([gw, "explain", "-f", config, "--json", line.strip()], ok=(0, 1))
                    if out.strip():
                        j = json.loads(out)
                        if j.get("consistent") is False:
                            raise AssertionError("explain disagrees with gwr_match on %s" % line)
                        explained += 1
                if os.path.exists(exps):
                    tests = [check_entry(json.loads(r), json.loads(e))
                             for r, e in zip(lines, [l for l in open(exps) if l.strip()])]
                    for t in tests:
                        t["request"].setdefault("choice", 0)
                    tests = [t for t in tests if "key" in t["request"] or "backend" not in t["expect"]
                             or "choice" in t["request"]]
                    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
                        json.dump({"tests": tests}, f)
                    try:
                        out = run([gw, "check", "-f", config, "--tests", f.name], ok=(0, 1))
                        if " 0 failed" not in out:
                            raise AssertionError("check of the golden expectations:\n" + out[-3000:])
                        checked += len(tests)
                    finally:
                        os.unlink(f.name)
            except AssertionError as e:
                print("FAIL %s: %s" % (where, e))
                return 1
    print("golden sweep: %d cases, %d requests explained consistently, %d expectations checked" %
          (cases, explained, checked))
    return 0


if __name__ == "__main__":
    sys.exit(main())
