#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Write the seed corpora of tests/fuzz/ from the golden cases and examples.

  load:    every golden configuration and example manifest, as text
  diff:    each golden configuration with its own requests, encoded in the
           byte format of fuzz_requests.h (2-byte length, text, requests)
  match:   the golden requests, encoded
  compile: deterministic random bytes

Run from anywhere: /usr/bin/python3 tests/fuzz/make_seeds.py. It replaces
the seed-* files; files the fuzzer added (other names) are kept.
"""
import glob, hashlib, json, os, random

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(TOP, 'tests', 'fuzz', 'corpus')
PORTS = [0, 80, 443, 8080, 5432, 53, 8443]
PROTOCOLS = {'http': 0, 'grpc': 1, 'tls': 2, 'tcp': 3, 'udp': 4}


def raw(s):
    b = s.encode() if isinstance(s, str) else s
    b = b[:64]
    return bytes([7, len(b)]) + b


def encode(req, rnd):
    """One request in the order fz_request() reads it."""
    out = bytearray()
    out += raw(req.get('gateway') or '')
    out += raw(req.get('host') or '')
    out += raw(req.get('path') or '/')
    out += raw(req.get('method') or 'GET')
    out += raw(req.get('scheme') or 'http')
    sni = req.get('sni')
    if sni is None:
        out += bytes([1])                    # sni = host
    else:
        out += bytes([0]) + raw(sni)
    port = req.get('port') or 0
    out += bytes([PORTS.index(port) if port in PORTS else 0])
    out += bytes([PROTOCOLS.get(req.get('protocol') or 'http', 0)])
    key = (req.get('key') or '').encode()[:16]
    out += bytes([1, len(key)]) + key if key else bytes([0])
    out += bytes(rnd.randrange(256) for _ in range(4))
    headers = (req.get('headers') or [])[:8]
    out += bytes([len(headers)])
    for name, value in headers:
        out += raw(name) + raw(value)
    return bytes(out)


def requests_of(case):
    path = os.path.join(case, 'requests.jsonl')
    if not os.path.exists(path):
        return []
    out = []
    for line in open(path):
        line = line.strip()
        if line:
            try:
                out.append(json.loads(line))
            except ValueError:
                pass  # cases of malformed request lines
    return [r for r in out if isinstance(r, dict)]


def config_of(case):
    single = os.path.join(case, 'config.yaml')
    if os.path.exists(single):
        return open(single, 'rb').read()
    files = sorted(glob.glob(os.path.join(case, 'config', '*.y*ml')))
    return b'\n---\n'.join(open(f, 'rb').read() for f in files) if files else None


def put(target, data):
    name = 'seed-' + hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(CORPUS, target, name), 'wb') as f:
        f.write(data)


def main():
    rnd = random.Random(20261126)
    for target in ('load', 'diff', 'match', 'compile'):
        os.makedirs(os.path.join(CORPUS, target), exist_ok=True)
        for old in glob.glob(os.path.join(CORPUS, target, 'seed-*')):
            os.remove(old)
    for manifest in sorted(glob.glob(os.path.join(TOP, 'examples', 'manifests', '*.yaml'))):
        put('load', open(manifest, 'rb').read())
    for case in sorted(glob.glob(os.path.join(TOP, 'tests', 'golden', '*', '*'))):
        config = config_of(case)
        if config is None or len(config) > 60000:
            continue
        put('load', config)
        reqs = b''.join(encode(r, rnd) for r in requests_of(case))
        put('diff', len(config).to_bytes(2, 'big') + config + reqs)
        if reqs:
            put('match', reqs)
    for _ in range(48):
        put('compile', bytes(rnd.randrange(256) for _ in range(rnd.randrange(16, 400))))


if __name__ == '__main__':
    main()
