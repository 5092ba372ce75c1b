#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A stand-in for `multus daemon`'s socket, for the plugin's tests of the cache path.

It answers the cache protocol (src/k8s/cache_proto.h) from the test API server's object
files (--api-dir), so a test can tell "served by the cache" (no line in the API server's
requests.log) from the fallback, or it misbehaves on purpose (--mode hang, garbage, close,
version; trickle: the right answer one byte every 20 ms; flood: 2 MiB without a newline;
other: a pod answer that is another pod, default/other with uid 0...1; othernad: every NAD
answered is named other; old: a daemon that predates the "report" and "nadkeys" ops, whose
pod answers list no "ops" and which says "unknown op" to them; noreport: lists "report" but answers it
with an error). Every request line is appended to --log. Standard library only.
"""

import argparse
import json
import os
import signal
import socket
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apiserver import with_defaults  # noqa: E402  (the same uids and defaults)


def load(api_dir, kind, ns, name):
    try:
        with open(os.path.join(api_dir, "objects", kind, ns, name + ".json")) as f:
            return with_defaults(json.load(f), kind, ns, name)
    except (OSError, ValueError):
        return None


def trim(obj, pod):
    md = obj["metadata"]
    out = {"namespace": md["namespace"], "name": md["name"],
           "annotations": {k: v for k, v in (md.get("annotations") or {}).items()
                           if isinstance(v, str)}}
    if pod:
        out["uid"] = md["uid"]
        return {"metadata": out}
    spec = {}
    if isinstance((obj.get("spec") or {}).get("config"), str):
        spec["config"] = obj["spec"]["config"]
    return {"metadata": out, "spec": spec}


OPS = ["pod", "nads", "status", "events", "report", "nadkeys"]


def answer(a, req):
    op, ns = req.get("op"), req.get("namespace")
    if op == "pod":
        pod = load(a.api_dir, "pods", ns, req.get("name"))
        if not pod or (req.get("uid") and req["uid"] != pod["metadata"]["uid"]):
            return {"v": 1, "ok": False, "notFound": True}
        if a.mode == "old":
            return {"v": 1, "ok": True, "pod": trim(pod, True)}
        return {"v": 1, "ok": True, "pod": trim(pod, True), "ops": OPS}
    if op in ("report", "nadkeys") and a.mode == "old":
        return {"v": 1, "ok": False, "error": "cache request: unknown op"}
    if op == "report" and a.mode == "noreport":
        return {"v": 1, "ok": False, "error": "out of memory"}
    if op == "nads":
        out = {}
        for n in req.get("names") or []:
            nad = load(a.api_dir, "nads", ns, n)
            out[n] = trim(nad, False) if nad else None
        return {"v": 1, "ok": True, "nads": out}
    if op == "nadkeys":
        out = {}
        for k in req.get("keys") or []:
            kns, n = k.split("/", 1)
            nad = load(a.api_dir, "nads", kns, n)
            out[k] = trim(nad, False) if nad else None
        return {"v": 1, "ok": True, "nads": out}
    if op in ("status", "events", "report"):
        return {"v": 1, "ok": True}
    return {"v": 1, "ok": False, "error": "unknown op"}


def serve(a, conn, lock):
    with conn:
        conn.settimeout(5)
        if a.mode == "close":
            return
        data = b""
        try:
            while b"\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
        except OSError:
            return
        line = data.split(b"\n", 1)[0]
        with lock, open(a.log, "a") as f:
            f.write(line.decode(errors="replace") + "\n")
        if a.mode == "hang":
            threading.Event().wait(30)
            return
        if a.mode == "garbage":
            conn.sendall(b"\x00{not json at all\n")
            return
        if a.mode == "flood":
            try:
                for _ in range(32):
                    conn.sendall(b"x" * 65536)
            except OSError:
                pass
            return
        req = json.loads(line)
        resp = answer(a, req)
        if a.mode == "version":
            resp["v"] = 99
        if a.mode == "other" and resp.get("pod"):
            resp["pod"]["metadata"].update(name="other",
                                           uid="00000000-0000-0000-0000-000000000001")
        for nad in (resp.get("nads") or {}).values() if a.mode == "othernad" else ():
            if nad:
                nad["metadata"]["name"] = "other"
        out = (json.dumps(resp, separators=(",", ":")) + "\n").encode()
        if a.mode == "trickle":
            try:
                for i in range(len(out)):
                    conn.sendall(out[i:i + 1])
                    threading.Event().wait(0.02)
            except OSError:
                pass
            return
        conn.sendall(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--socket", required=True)
    ap.add_argument("--api-dir", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--mode", default="serve",
                    choices=("serve", "hang", "garbage", "close", "version", "trickle",
                             "flood", "other", "othernad", "old", "noreport"))
    a = ap.parse_args()
    os.makedirs(os.path.dirname(a.socket), mode=0o700, exist_ok=True)
    if os.path.exists(a.socket):
        os.unlink(a.socket)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(a.socket)
    os.chmod(a.socket, 0o600)
    s.listen(64)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    open(a.socket + ".ready", "w").close()
    lock = threading.Lock()
    while True:
        conn, _ = s.accept()
        threading.Thread(target=serve, args=(a, conn, lock), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
