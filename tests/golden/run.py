#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Golden-test runner for the `gwroute` CLI (standard library only).

Usage:
    run.py --gwroute PATH/TO/gwroute [--update] [CASE_DIR_FILTER...]

Layout: every directory tests/golden/<area>/<case>/ is one case. A case holds
  config.yaml | config/    the configuration passed with `-f` (a file, or a folder
                           of YAML files)
  meta.json                {"ids": ["H4", "11.16"], "title": "..."}; required, and
                           "ids" must be a non-empty list of digest IDs
and any of
  requests.jsonl + expected.jsonl
      `gwroute route -f CONFIG --requests requests.jsonl --seed 1`; decision N
      is compared with expected line N by the ORDERED subset rule (below).
  status.json
      `gwroute status -f CONFIG`; compared by the UNORDERED subset rule.
  distribution.json
      {"request": {...}, "count": 4000, "expect": {"ns/name": 0.7,
       "respond 500": 0.3}, "tolerance": 0.03}
      `count` copies of the request, with "key" set to "k0".."k<count-1>", are
      routed (`--seed 1`); each decision is classified as
      "<backend.namespace>/<backend.name>" (action forward), "reject"
      (action reject: a TLS/TCP/UDP connection refused) or
      "respond <status>" (any other action). Every expected fraction must be
      within `tolerance` (default 0.03); a class absent from `expect` must not
      occur at all.
  headers.jsonl  (optional, only next to requests.jsonl + expected.jsonl)
      one line per request line: null (no check), an object
      {"where": W, "has": [[name, value], ...], "lacks": [name, ...]}, or a
      list of such objects. W is a dotted path into the decision whose value
      is an array of [name, value] pairs: "headers", "upstream.headers",
      "response_headers.set" or "response_headers.add" (a plain string
      element, as in "response_headers.remove", counts as a name). The check
      passes when every [name, value] of "has" occurs in that array (names
      ASCII case-insensitive, values exact, or a "$prefix"/"$regex" matcher
      object) and no element's name is in "lacks" (case-insensitive); both
      keys are optional. The order of the pairs is not checked, so use it
      for header sets whose order the spec leaves open (CORS). It checks the
      same decisions as expected.jsonl and is never rewritten by --update.
  mirror_distribution.json
      {"request": {...}, "count": 10000, "expect": {"default/m": 0.42,
       "default/a & default/b": 0.1}, "tolerance": 0.01}
      like distribution.json (`count` keyed copies, "k0".."k<count-1>",
      `--seed 1`), but measures per mirror backend "<namespace>/<name>" the
      fraction of decisions whose "mirrors" list contains it; a key joining
      several backends with " & " measures the decisions that contain all
      of them. A mirror backend named in no key must not occur at all.
      tolerance defaults to 0.03.
  explain.json
      a list of {"request": R, "headers": ["Name: value", ...],
       "expect_text_contains": ["...", ...], "expect_json_subset": {...}}.
      R is a request object (the request-line format of `gwroute route`) or a
      "[METHOD] URL" string. Each item runs `gwroute explain -f CONFIG
      [-H header]... R` and the same with --json: every text phrase must occur
      in the text report, the JSON report must parse, must say
      "consistent": true and must match expect_json_subset by the UNORDERED
      subset rule. Only "request" is required.
  exit
      the expected exit status of every gwroute command the case runs
      (default 0).

Subset rules (expected ⊆ actual):
  objects  every key of the expected object must be present in the actual
           object with a matching value (recursively); extra actual keys are fine.
  scalars  equal, with the JSON type respected (true is not 1; null matches
           only null); 1 and 1.0 are equal.
  arrays, ordered rule (expected.jsonl):
           equal length, elements compared pairwise.
  arrays, unordered rule (status.json):
           expected array empty  -> the actual array must be empty too;
           elements all objects  -> each expected element must match a
                                    DISTINCT actual element, in any order;
                                    extra actual elements are fine;
           otherwise (scalars)   -> equal length, pairwise, in order.
  matchers (both rules): an expected object with the single key "$prefix" or
           "$regex" matches an actual string that starts with the given text,
           or that the given Python regex matches in full:
           {"message": {"$prefix": "Dropped Rule"}}.

Failure messages name the first difference by a JSON path into the EXPECTED
document, e.g. $.route.rule. Under the unordered rule, "[i~j]" says that expected
element i matched no distinct actual element and is shown against the closest
actual element j: $.routes[3~2].parents[0~0].conditions[0~1].reason.

--update rewrites expected.jsonl (when requests.jsonl exists) and status.json
(when it exists) with the full actual output (status pretty-printed), then checks
the case as usual (distribution.json and exit are never rewritten). Nothing is
written when the exit status differs from the expected one.

Output: one line per case, "ok area/case" or "FAIL area/case: <first
difference>", then "N passed, M failed". Exit status 1 if any case failed (or
none was selected), 2 on usage errors.

Filters: a case is selected when a filter equals "area" or "area/case", is a
prefix path of it, is a shell pattern matching "area/case", is a substring of
"area/case", or names the case or area directory on disk.
"""

import argparse
import fnmatch
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.abspath(__file__))
TIMEOUT = 300  # seconds per gwroute invocation


class CaseFailure(Exception):
    pass


# --------------------------------------------------------------------------
# comparison

def _show(value, limit=100):
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


def _type_name(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _scalar_equal(exp, act):
    if isinstance(exp, bool) or isinstance(act, bool):
        return isinstance(exp, bool) and isinstance(act, bool) and exp == act
    if exp is None or act is None:
        return exp is None and act is None
    if isinstance(exp, (int, float)) and isinstance(act, (int, float)):
        return exp == act
    return type(exp) is type(act) and exp == act


def _matcher(exp):
    """Return (kind, argument) when `exp` is a matcher object, else None."""
    if isinstance(exp, dict) and len(exp) == 1:
        (key, arg), = exp.items()
        if key in ("$prefix", "$regex") and isinstance(arg, str):
            return key, arg
    return None


def compare(exp, act, path="$", unordered=False):
    """First difference between expected and actual, as a string, or None."""
    m = _matcher(exp)
    if m is not None:
        kind, arg = m
        if not isinstance(act, str):
            return "%s: expected a string (%s %s), got %s %s" % (
                path, kind, _show(arg), _type_name(act), _show(act))
        if kind == "$prefix" and not act.startswith(arg):
            return "%s: expected a string starting with %s, got %s" % (
                path, _show(arg), _show(act))
        if kind == "$regex" and re.fullmatch(arg, act) is None:
            return "%s: expected a string matching /%s/, got %s" % (
                path, arg, _show(act))
        return None
    if isinstance(exp, dict):
        if not isinstance(act, dict):
            return "%s: expected an object, got %s %s" % (
                path, _type_name(act), _show(act))
        for key, value in exp.items():
            sub = "%s.%s" % (path, key)
            if key not in act:
                return "%s: missing (expected %s)" % (sub, _show(value))
            diff = compare(value, act[key], sub, unordered)
            if diff:
                return diff
        return None
    if isinstance(exp, list):
        if not isinstance(act, list):
            return "%s: expected an array, got %s %s" % (
                path, _type_name(act), _show(act))
        if unordered:
            if not exp:
                if act:
                    return "%s: expected an empty array, got %d elements %s" % (
                        path, len(act), _show(act))
                return None
            if all(isinstance(e, dict) and _matcher(e) is None for e in exp):
                return _compare_unordered(exp, act, path)
        if len(exp) != len(act):
            return "%s: expected %d elements, got %d: %s" % (
                path, len(exp), len(act), _show(act))
        for i, (e, a) in enumerate(zip(exp, act)):
            diff = compare(e, a, "%s[%d]" % (path, i), unordered)
            if diff:
                return diff
        return None
    if not _scalar_equal(exp, act):
        return "%s: expected %s, got %s" % (path, _show(exp), _show(act))
    return None


def _compare_unordered(exp, act, path):
    """Each expected object must subset-match a distinct actual element."""
    n, m = len(exp), len(act)
    diffs = [[compare(exp[i], act[j], "%s[%d]" % (path, i), True)
              for j in range(m)] for i in range(n)]
    # Maximum bipartite matching (Kuhn's augmenting paths).
    owner = [-1] * m  # actual index -> expected index

    def augment(i, seen):
        for j in range(m):
            if diffs[i][j] is None and not seen[j]:
                seen[j] = True
                if owner[j] < 0 or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    for i in range(n):
        augment(i, [False] * m)
    matched = set(o for o in owner if o >= 0)
    if len(matched) == n:
        return None
    i = min(set(range(n)) - matched)
    if m == 0:
        return "%s[%d]: no actual element (actual array is empty); expected %s" % (
            path, i, _show(exp[i]))
    candidates = [j for j in range(m) if diffs[i][j] is None]
    if candidates:
        return ("%s[%d]: its matching actual elements %s are all taken by other "
                "expected elements; expected %s" % (
                    path, i, candidates, _show(exp[i])))
    # Report against the closest actual element: most top-level keys agreeing.
    best, best_score = 0, -1
    for j in range(m):
        score = 0
        if isinstance(act[j], dict):
            for key, value in exp[i].items():
                if key in act[j] and compare(value, act[j][key], "$", True) is None:
                    score += 1
        if score > best_score:
            best, best_score = j, score
    return compare(exp[i], act[best], "%s[%d~%d]" % (path, i, best), True)


# --------------------------------------------------------------------------
# running gwroute

def run_gwroute(args, cwd):
    try:
        proc = subprocess.run(args, cwd=cwd, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise CaseFailure("%s: timed out after %ds" % (args[1], TIMEOUT))
    except OSError as e:
        raise CaseFailure("%s: cannot run %s: %s" % (args[1], args[0], e))
    return (proc.returncode,
            proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace"))


def check_exit(what, rc, stderr, expected_rc):
    if rc != expected_rc:
        first = stderr.strip().splitlines()[0] if stderr.strip() else "no stderr"
        if rc < 0:
            raise CaseFailure("%s: killed by signal %d, expected exit %d: %s" % (
                what, -rc, expected_rc, first))
        raise CaseFailure("%s: exit %d, expected %d: %s" % (
            what, rc, expected_rc, first))


def read_jsonl(path):
    """Non-empty lines of a JSON Lines file as (line number, text, value)."""
    out = []
    with open(path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                value = json.loads(line)
            except ValueError as e:
                raise CaseFailure("%s line %d: invalid JSON: %s" % (
                    os.path.basename(path), no, e))
            out.append((no, line, value))
    return out


def parse_output_lines(what, stdout):
    out = []
    for no, line in enumerate(stdout.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        try:
            out.append((line, json.loads(line)))
        except ValueError as e:
            raise CaseFailure("%s: output line %d is not JSON (%s): %s" % (
                what, no, e, _show(line)))
    return out


def check_route(ctx, case_dir, config, expected_rc, update):
    req_path = os.path.join(case_dir, "requests.jsonl")
    exp_path = os.path.join(case_dir, "expected.jsonl")
    requests = read_jsonl(req_path)
    rc, stdout, stderr = run_gwroute(
        [ctx.gwroute, "route", "-f", config, "--requests", req_path,
         "--seed", "1"], case_dir)
    check_exit("route", rc, stderr, expected_rc)
    actual = parse_output_lines("route", stdout)
    if update:
        with open(exp_path, "w", encoding="utf-8") as f:
            for line, _ in actual:
                f.write(line + "\n")
        ctx.updated.append("expected.jsonl")
    if not os.path.exists(exp_path):
        raise CaseFailure("requests.jsonl without expected.jsonl")
    expected = read_jsonl(exp_path)
    if len(actual) != len(requests):
        raise CaseFailure("route: %d decisions for %d requests" % (
            len(actual), len(requests)))
    if len(expected) != len(actual):
        raise CaseFailure("expected.jsonl has %d lines, route printed %d" % (
            len(expected), len(actual)))
    for k, ((no, _, exp), (_, act)) in enumerate(zip(expected, actual)):
        diff = compare(exp, act, "$", unordered=False)
        if diff:
            raise CaseFailure("expected.jsonl line %d (request %s): %s" % (
                no, _show(requests[k][2], 160), diff))
    if os.path.exists(os.path.join(case_dir, "headers.jsonl")):
        check_headers(case_dir, requests, actual)


# headers.jsonl: order-free checks of [name, value] arrays

def _header_array(decision, where):
    value = decision
    for part in where.split("."):
        if not isinstance(value, dict) or part not in value:
            return None, "%s: missing" % where
        value = value[part]
    if not isinstance(value, list):
        return None, "%s: expected an array, got %s %s" % (
            where, _type_name(value), _show(value))
    return value, None


def _entry_name(entry):
    if isinstance(entry, str):
        return entry
    if isinstance(entry, list) and entry and isinstance(entry[0], str):
        return entry[0]
    return None


def _check_header_spec(spec, decision, label):
    if not isinstance(spec, dict) or not isinstance(spec.get("where"), str):
        raise CaseFailure("%s: each check must be an object with a string "
                          "\"where\"" % label)
    where = spec["where"]
    has = spec.get("has", [])
    lacks = spec.get("lacks", [])
    if not isinstance(has, list) or not all(
            isinstance(h, list) and len(h) == 2 and isinstance(h[0], str)
            for h in has):
        raise CaseFailure("%s: \"has\" must be a list of [name, value]" % label)
    if not isinstance(lacks, list) or not all(isinstance(n, str) for n in lacks):
        raise CaseFailure("%s: \"lacks\" must be a list of names" % label)
    array, err = _header_array(decision, where)
    if err:
        return err
    for name, value in has:
        found = False
        for entry in array:
            if not (isinstance(entry, list) and len(entry) == 2):
                continue
            if _entry_name(entry) is None or \
                    _entry_name(entry).lower() != name.lower():
                continue
            if compare(value, entry[1], "$", unordered=False) is None:
                found = True
                break
        if not found:
            return "%s: no %s in %s" % (where, _show([name, value]),
                                        _show(array, 300))
    lowered = set(n.lower() for n in lacks)
    for entry in array:
        name = _entry_name(entry)
        if name is not None and name.lower() in lowered:
            return "%s: must not contain %s, got %s" % (
                where, _show(name), _show(entry))
    return None


def check_headers(case_dir, requests, actual):
    checks = read_jsonl(os.path.join(case_dir, "headers.jsonl"))
    if len(checks) != len(requests):
        raise CaseFailure("headers.jsonl has %d lines, requests.jsonl %d" % (
            len(checks), len(requests)))
    for k, ((no, _, spec), (_, act)) in enumerate(zip(checks, actual)):
        if spec is None:
            continue
        label = "headers.jsonl line %d" % no
        for one in (spec if isinstance(spec, list) else [spec]):
            diff = _check_header_spec(one, act, label)
            if diff:
                raise CaseFailure("%s (request %s): %s" % (
                    label, _show(requests[k][2], 160), diff))


def check_status(ctx, case_dir, config, expected_rc, update):
    exp_path = os.path.join(case_dir, "status.json")
    rc, stdout, stderr = run_gwroute(
        [ctx.gwroute, "status", "-f", config], case_dir)
    check_exit("status", rc, stderr, expected_rc)
    try:
        actual = json.loads(stdout)
    except ValueError as e:
        raise CaseFailure("status: output is not JSON (%s): %s" % (
            e, _show(stdout)))
    if update:
        with open(exp_path, "w", encoding="utf-8") as f:
            json.dump(actual, f, indent=2, ensure_ascii=False)
            f.write("\n")
        ctx.updated.append("status.json")
    try:
        with open(exp_path, encoding="utf-8") as f:
            expected = json.load(f)
    except ValueError as e:
        raise CaseFailure("status.json: invalid JSON: %s" % e)
    diff = compare(expected, actual, "$", unordered=True)
    if diff:
        raise CaseFailure("status.json: %s" % diff)


def classify(decision):
    if not isinstance(decision, dict):
        return "?" + _show(decision, 40)
    if decision.get("action") == "forward":
        backend = decision.get("backend") or {}
        return "%s/%s" % (backend.get("namespace"), backend.get("name"))
    if decision.get("action") == "reject":
        return "reject"
    return "respond %s" % (decision.get("status"),)


def route_keyed(ctx, case_dir, config, request, count, expected_rc, what):
    """Route `count` copies of `request` keyed "k0".."k<count-1>"."""
    fd, tmp = tempfile.mkstemp(prefix="gwroute-dist-", suffix=".jsonl")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            for i in range(count):
                req = dict(request)
                req["key"] = "k%d" % i
                f.write(json.dumps(req) + "\n")
        rc, stdout, stderr = run_gwroute(
            [ctx.gwroute, "route", "-f", config, "--requests", tmp,
             "--seed", "1"], case_dir)
    finally:
        os.unlink(tmp)
    check_exit("route (%s)" % what, rc, stderr, expected_rc)
    actual = parse_output_lines("route (%s)" % what, stdout)
    if len(actual) != count:
        raise CaseFailure("%s: %d decisions for %d requests" % (
            what, len(actual), count))
    return actual


def check_mirror_distribution(ctx, case_dir, config, expected_rc):
    path = os.path.join(case_dir, "mirror_distribution.json")
    try:
        with open(path, encoding="utf-8") as f:
            spec = json.load(f)
        request = spec["request"]
        count = int(spec["count"])
        expect = spec["expect"]
        tolerance = float(spec.get("tolerance", 0.03))
        if not isinstance(request, dict) or not isinstance(expect, dict) \
                or count <= 0:
            raise ValueError("bad shape")
    except (ValueError, KeyError, TypeError) as e:
        raise CaseFailure("mirror_distribution.json: invalid: %s" % e)
    groups = {}
    for key in expect:
        groups[key] = frozenset(p.strip() for p in key.split("&") if p.strip())
    named = set().union(*groups.values()) if groups else set()
    actual = route_keyed(ctx, case_dir, config, request, count, expected_rc,
                         "mirror distribution")
    counts = dict((key, 0) for key in expect)
    seen = {}
    for _, decision in actual:
        mirrors = decision.get("mirrors") if isinstance(decision, dict) else None
        present = set()
        for m in mirrors or []:
            if isinstance(m, dict):
                present.add("%s/%s" % (m.get("namespace"), m.get("name")))
            else:
                present.add("?" + _show(m, 40))
        for name in present:
            seen[name] = seen.get(name, 0) + 1
        for key, members in groups.items():
            if members <= present:
                counts[key] += 1
    summary = ", ".join("%s: %d" % kv for kv in sorted(seen.items()))
    for name in sorted(seen):
        if name not in named:
            raise CaseFailure(
                "mirror distribution: unexpected mirror %s (%d of %d) [%s]" % (
                    name, seen[name], count, summary))
    for key, frac in sorted(expect.items()):
        got = counts[key] / count
        if abs(got - float(frac)) > tolerance:
            raise CaseFailure(
                "mirror distribution: %s got %.4f, expected %.4f ± %.4f [%s]" % (
                    key, got, float(frac), tolerance, summary))


def check_distribution(ctx, case_dir, config, expected_rc):
    path = os.path.join(case_dir, "distribution.json")
    try:
        with open(path, encoding="utf-8") as f:
            spec = json.load(f)
        request = spec["request"]
        count = int(spec["count"])
        expect = spec["expect"]
        tolerance = float(spec.get("tolerance", 0.03))
        if not isinstance(request, dict) or not isinstance(expect, dict) \
                or count <= 0:
            raise ValueError("bad shape")
    except (ValueError, KeyError, TypeError) as e:
        raise CaseFailure("distribution.json: invalid: %s" % e)
    actual = route_keyed(ctx, case_dir, config, request, count, expected_rc,
                         "distribution")
    counts = {}
    for _, decision in actual:
        c = classify(decision)
        counts[c] = counts.get(c, 0) + 1
    summary = ", ".join("%s: %d" % kv for kv in sorted(counts.items()))
    for cls in sorted(counts):
        if cls not in expect:
            raise CaseFailure("distribution: unexpected %s (%d of %d) [%s]" % (
                cls, counts[cls], count, summary))
    for cls, frac in sorted(expect.items()):
        got = counts.get(cls, 0) / count
        if abs(got - float(frac)) > tolerance:
            raise CaseFailure(
                "distribution: %s got %.4f, expected %.4f ± %.4f [%s]" % (
                    cls, got, float(frac), tolerance, summary))


# --------------------------------------------------------------------------
# explain.json: `gwroute explain` on requests, text phrases and a JSON subset

def _explain_args(ctx, config, item, json_form):
    args = [ctx.gwroute, "explain", "-f", config]
    if json_form:
        args.append("--json")
    for h in item.get("headers", []):
        args += ["-H", h]
    req = item["request"]
    args.append(req if isinstance(req, str) else json.dumps(req))
    return args


def check_explain(ctx, case_dir, config, expected_rc):
    path = os.path.join(case_dir, "explain.json")
    try:
        with open(path, encoding="utf-8") as f:
            items = json.load(f)
    except ValueError as e:
        raise CaseFailure("explain.json: invalid JSON: %s" % e)
    if not isinstance(items, list) or not items:
        raise CaseFailure("explain.json: expected a non-empty list")
    for k, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("request"), (dict, str)):
            raise CaseFailure("explain.json[%d]: \"request\" must be an object or a string" % k)
        what = "explain.json[%d] (%s)" % (k, _show(item["request"], 80))
        rc, stdout, stderr = run_gwroute(_explain_args(ctx, config, item, False), case_dir)
        check_exit("explain " + what, rc, stderr, expected_rc)
        for phrase in item.get("expect_text_contains", []):
            if phrase not in stdout:
                raise CaseFailure("%s: text lacks %s:\n%s" % (what, _show(phrase), stdout))
        if "INCONSISTENT" in stdout:
            raise CaseFailure("%s: INCONSISTENT in the text report" % what)
        rc, stdout, stderr = run_gwroute(_explain_args(ctx, config, item, True), case_dir)
        check_exit("explain --json " + what, rc, stderr, expected_rc)
        if rc != 0:
            continue
        try:
            actual = json.loads(stdout)
        except ValueError as e:
            raise CaseFailure("%s: --json output is not JSON (%s)" % (what, e))
        if actual.get("consistent") is not True:
            raise CaseFailure("%s: \"consistent\" is not true" % what)
        diff = compare(item.get("expect_json_subset", {}), actual, "$", unordered=True)
        if diff:
            raise CaseFailure("%s: %s" % (what, diff))


# --------------------------------------------------------------------------
# cases

class Context:
    def __init__(self, gwroute):
        self.gwroute = gwroute
        self.updated = []


def check_meta(case_dir):
    path = os.path.join(case_dir, "meta.json")
    if not os.path.exists(path):
        raise CaseFailure("meta.json missing")
    try:
        with open(path, encoding="utf-8") as f:
            meta = json.load(f)
    except ValueError as e:
        raise CaseFailure("meta.json: invalid JSON: %s" % e)
    ids = meta.get("ids") if isinstance(meta, dict) else None
    if not isinstance(ids, list) or not ids or \
            not all(isinstance(i, str) and i.strip() for i in ids):
        raise CaseFailure("meta.json: \"ids\" must be a non-empty list of strings")


def run_case(ctx, case_dir, update):
    check_meta(case_dir)
    if os.path.isfile(os.path.join(case_dir, "config.yaml")):
        config = os.path.join(case_dir, "config.yaml")
    elif os.path.isdir(os.path.join(case_dir, "config")):
        config = os.path.join(case_dir, "config")
    else:
        raise CaseFailure("no config.yaml or config/")
    expected_rc = 0
    exit_path = os.path.join(case_dir, "exit")
    if os.path.exists(exit_path):
        try:
            with open(exit_path, encoding="utf-8") as f:
                expected_rc = int(f.read().strip())
        except ValueError:
            raise CaseFailure("exit: not an integer")
    has = lambda name: os.path.exists(os.path.join(case_dir, name))
    ran = False
    if has("requests.jsonl"):
        check_route(ctx, case_dir, config, expected_rc, update)
        ran = True
    elif has("expected.jsonl"):
        raise CaseFailure("expected.jsonl without requests.jsonl")
    if has("status.json"):
        check_status(ctx, case_dir, config, expected_rc, update)
        ran = True
    if has("distribution.json"):
        check_distribution(ctx, case_dir, config, expected_rc)
        ran = True
    if has("mirror_distribution.json"):
        check_mirror_distribution(ctx, case_dir, config, expected_rc)
        ran = True
    elif has("headers.jsonl") and not has("requests.jsonl"):
        raise CaseFailure("headers.jsonl without requests.jsonl")
    if has("explain.json"):
        check_explain(ctx, case_dir, config, expected_rc)
        ran = True
    if not ran:
        raise CaseFailure("nothing to check (no requests.jsonl, status.json, "
                          "distribution.json, mirror_distribution.json or explain.json)")


def discover():
    cases = []
    for area in sorted(os.listdir(ROOT)):
        area_dir = os.path.join(ROOT, area)
        if area.startswith((".", "_")) or not os.path.isdir(area_dir):
            continue
        for case in sorted(os.listdir(area_dir)):
            case_dir = os.path.join(area_dir, case)
            if case.startswith((".", "_")) or not os.path.isdir(case_dir):
                continue
            cases.append(("%s/%s" % (area, case), case_dir))
    return cases


def selected(rel, case_dir, filters):
    if not filters:
        return True
    for f in filters:
        if os.path.isdir(f):
            real = os.path.realpath(f)
            here = os.path.realpath(case_dir)
            if here == real or here.startswith(real.rstrip(os.sep) + os.sep):
                return True
        g = f.replace(os.sep, "/").rstrip("/")
        for prefix in ("./", "tests/golden/"):
            if g.startswith(prefix):
                g = g[len(prefix):]
        if not g:
            return True
        if rel == g or rel.startswith(g + "/") or fnmatch.fnmatchcase(rel, g) \
                or g in rel:
            return True
    return False


def main(argv=None):
    ap = argparse.ArgumentParser(description="Run the gwroute golden tests.")
    ap.add_argument("--gwroute", required=True, help="path to the gwroute CLI")
    ap.add_argument("--update", action="store_true",
                    help="rewrite expected.jsonl and status.json from actual output")
    ap.add_argument("filters", nargs="*", metavar="CASE_DIR_FILTER")
    args = ap.parse_args(argv)

    gwroute = os.path.abspath(args.gwroute)
    if not (os.path.isfile(gwroute) and os.access(gwroute, os.X_OK)):
        print("run.py: not an executable: %s" % args.gwroute, file=sys.stderr)
        return 2

    passed = failed = 0
    for rel, case_dir in discover():
        if not selected(rel, case_dir, args.filters):
            continue
        ctx = Context(gwroute)
        try:
            run_case(ctx, case_dir, args.update)
        except CaseFailure as e:
            failed += 1
            print("FAIL %s: %s" % (rel, e), flush=True)
        else:
            passed += 1
            print("ok %s" % rel, flush=True)
        if ctx.updated:
            print("updated %s: %s" % (rel, ", ".join(ctx.updated)),
                  file=sys.stderr, flush=True)
    print("%d passed, %d failed" % (passed, failed), flush=True)
    if passed + failed == 0:
        print("run.py: no case selected", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
