#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A client of `multus daemon`'s socket for the tests: sends one request line (--request, a
JSON object) on each of --parallel connections at once and prints one line per answer,
"ok" for an answer with "ok": true, else what happened (refused: EACCES/ECONNREFUSED,
closed: no answer). Exit 0 only when every answer is ok. Standard library only."""

import argparse
import json
import socket
import sys
import threading


def ask(path, line, out, i, timeout):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(path)
    except OSError as e:
        out[i] = "refused: %s" % e.strerror
        return
    try:
        s.sendall(line)
        data = b""
        while b"\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                out[i] = "closed"
                return
            data += chunk
        resp = json.loads(data.split(b"\n", 1)[0])
        out[i] = "ok %s" % json.dumps(resp, separators=(",", ":")) if resp.get("ok") \
            else "not ok %s" % json.dumps(resp)
    except (OSError, ValueError) as e:
        out[i] = "closed: %s" % e
    finally:
        s.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--socket", required=True)
    ap.add_argument("--request", required=True)
    ap.add_argument("--parallel", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=5)
    a = ap.parse_args()
    line = (json.dumps(json.loads(a.request)) + "\n").encode()
    out = [None] * a.parallel
    start = threading.Barrier(a.parallel)

    def run(i):
        start.wait()
        ask(a.socket, line, out, i, a.timeout)
    ts = [threading.Thread(target=run, args=(i,)) for i in range(a.parallel)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    for o in out:
        print(o)
    return 0 if all(o and o.startswith("ok ") for o in out) else 1


if __name__ == "__main__":
    sys.exit(main())
