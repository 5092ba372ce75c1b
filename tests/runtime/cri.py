#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A minimal CRI client (runtime.v1), for tests/runtime/containerd_test.sh: the calls the
kubelet makes to run and tear down a pod sandbox, no more.  Debian has no crictl.

The protobuf messages are encoded and decoded by hand (proto3 wire format, the field
numbers of k8s.io/cri-api's runtime/v1 api.proto); the transport is python3-grpcio.

    cri.py --socket SOCK [--timeout S] version
    cri.py --socket SOCK [--timeout S] status            # the runtime's verbose info (JSON)
    cri.py --socket SOCK [--timeout S] run < SPEC.json   # prints the sandbox id
    cri.py --socket SOCK [--timeout S] inspect ID        # PodSandboxStatus, verbose (JSON)
    cri.py --socket SOCK [--timeout S] stop ID
    cri.py --socket SOCK [--timeout S] rm ID
    cri.py --socket SOCK [--timeout S] ls                # ListPodSandbox (JSON lines)

SPEC.json: {"name", "namespace", "uid", "attempt", "hostname", "log_directory",
"cgroup_parent", "labels": {}, "annotations": {}, "port_mappings": [{"protocol": "TCP",
"container_port": N, "host_port": N, "host_ip": ""}], "dns": {"servers": [], "searches":
[], "options": []}}.  Missing keys are left out of the message, as proto3 does.

A failed call prints "cri: METHOD: CODE: DETAILS" on stderr and exits 1; usage errors exit 2.
"""

import argparse
import json
import sys

import grpc

SERVICE = "/runtime.v1.RuntimeService/"
PROTOCOLS = {"TCP": 0, "UDP": 1, "SCTP": 2}
STATES = {0: "SANDBOX_READY", 1: "SANDBOX_NOTREADY"}
NS_CONTAINER = 1  # NamespaceMode: POD 0, CONTAINER 1, NODE 2


# --- Encoding -------------------------------------------------------------------------------
def varint(n):
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def f_varint(num, value):
    return varint(num << 3) + varint(value) if value else b""


def f_bytes(num, data):
    return varint(num << 3 | 2) + varint(len(data)) + data


def f_str(num, s):
    return f_bytes(num, s.encode()) if s else b""


def f_msg(num, body, always=False):
    return f_bytes(num, body) if body or always else b""


def f_map(num, d):
    return b"".join(f_bytes(num, f_str(1, k) + f_str(2, v)) for k, v in sorted(d.items()))


def metadata(spec):
    return (f_str(1, spec.get("name", "")) + f_str(2, spec.get("uid", "")) +
            f_str(3, spec.get("namespace", "")) + f_varint(4, int(spec.get("attempt", 0))))


def port_mapping(pm):
    return (f_varint(1, PROTOCOLS[pm.get("protocol", "TCP").upper()]) +
            f_varint(2, int(pm.get("container_port", 0))) +
            f_varint(3, int(pm.get("host_port", 0))) + f_str(4, pm.get("host_ip", "")))


def sandbox_config(spec):
    dns = spec.get("dns")
    dns_msg = b""
    if dns is not None:
        dns_msg = (b"".join(f_str(1, s) for s in dns.get("servers", [])) +
                   b"".join(f_str(2, s) for s in dns.get("searches", [])) +
                   b"".join(f_str(3, s) for s in dns.get("options", [])))
    # As the kubelet asks: the pod's own network and IPC namespaces, a PID namespace per
    # container.
    ns_opts = f_varint(2, NS_CONTAINER)
    security = f_msg(1, ns_opts, always=True)
    linux = f_str(1, spec.get("cgroup_parent", "")) + f_msg(2, security, always=True)
    return (f_msg(1, metadata(spec), always=True) + f_str(2, spec.get("hostname", "")) +
            f_str(3, spec.get("log_directory", "")) +
            (f_msg(4, dns_msg, always=True) if dns is not None else b"") +
            b"".join(f_msg(5, port_mapping(pm), always=True)
                     for pm in spec.get("port_mappings", [])) +
            f_map(6, spec.get("labels", {})) + f_map(7, spec.get("annotations", {})) +
            f_msg(8, linux, always=True))


# --- Decoding -------------------------------------------------------------------------------
def fields(data):
    """(field number, wire type, value) of each field; value an int or bytes."""
    i, n = 0, len(data)

    def rd_varint():
        nonlocal i
        shift = v = 0
        while True:
            if i >= n:
                raise ValueError("truncated varint")
            b = data[i]
            i += 1
            v |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return v

    while i < n:
        key = rd_varint()
        num, wt = key >> 3, key & 7
        if wt == 0:
            yield num, wt, rd_varint()
        elif wt == 2:
            ln = rd_varint()
            if i + ln > n:
                raise ValueError("truncated field %d" % num)
            yield num, wt, data[i:i + ln]
            i += ln
        elif wt == 1:
            yield num, wt, int.from_bytes(data[i:i + 8], "little")
            i += 8
        elif wt == 5:
            yield num, wt, int.from_bytes(data[i:i + 4], "little")
            i += 4
        else:
            raise ValueError("wire type %d" % wt)


def decode(data, schema):
    """schema: {num: (name, kind)}; kind "str", "int", "map", "list:str", a sub-schema dict,
    or ("list", sub-schema).  Unknown fields are skipped."""
    out = {}
    for num, _, v in fields(data):
        if num not in schema:
            continue
        name, kind = schema[num]
        if kind == "str":
            out[name] = v.decode()
        elif kind == "int":
            out[name] = v
        elif kind == "map":
            kv = decode(v, {1: ("k", "str"), 2: ("v", "str")})
            out.setdefault(name, {})[kv.get("k", "")] = kv.get("v", "")
        elif isinstance(kind, tuple):
            out.setdefault(name, []).append(decode(v, kind[1]))
        else:
            out[name] = decode(v, kind)
    return out


METADATA = {1: ("name", "str"), 2: ("uid", "str"), 3: ("namespace", "str"), 4: ("attempt", "int")}
SANDBOX_STATUS = {
    1: ("id", "str"), 2: ("metadata", METADATA), 3: ("state", "int"), 4: ("created_at", "int"),
    5: ("network", {1: ("ip", "str"), 2: ("additional_ips", ("list", {1: ("ip", "str")}))}),
    7: ("labels", "map"), 8: ("annotations", "map"), 9: ("runtime_handler", "str"),
}
SANDBOX = {1: ("id", "str"), 2: ("metadata", METADATA), 3: ("state", "int"),
           4: ("created_at", "int"), 5: ("labels", "map"), 6: ("annotations", "map")}


# --- Calls ----------------------------------------------------------------------------------
class CallFailed(Exception):
    pass


def call(channel, method, body, timeout):
    fn = channel.unary_unary(SERVICE + method)
    try:
        return fn(body, timeout=timeout)
    except grpc.RpcError as e:
        raise CallFailed("%s: %s: %s" % (method, e.code().name, e.details())) from None


def as_json(v):
    """An info value: JSON text, or (containerd's "lastCNILoadStatus") a plain string."""
    try:
        return json.loads(v)
    except ValueError:
        return v


def state_name(d):
    d["state"] = STATES.get(d.get("state", 0), str(d.get("state")))
    return d


def main():
    ap = argparse.ArgumentParser(description="a minimal CRI client for the tests")
    ap.add_argument("--socket", required=True)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("cmd", choices=["version", "status", "run", "inspect", "stop", "rm", "ls"])
    ap.add_argument("id", nargs="?")
    a = ap.parse_args()
    if a.cmd in ("inspect", "stop", "rm") and not a.id:
        ap.error("%s needs a sandbox id" % a.cmd)
    with grpc.insecure_channel("unix://" + a.socket) as ch:
        if a.cmd == "version":
            r = decode(call(ch, "Version", f_str(1, "v1"), a.timeout),
                       {1: ("version", "str"), 2: ("runtime_name", "str"),
                        3: ("runtime_version", "str"), 4: ("runtime_api_version", "str")})
            print(json.dumps(r))
        elif a.cmd == "status":
            r = decode(call(ch, "Status", f_varint(1, 1), a.timeout), {2: ("info", "map")})
            print(json.dumps({k: as_json(v) for k, v in r.get("info", {}).items()}))
        elif a.cmd == "run":
            spec = json.load(sys.stdin)
            r = decode(call(ch, "RunPodSandbox", f_msg(1, sandbox_config(spec), always=True),
                            a.timeout), {1: ("id", "str")})
            print(r["id"])
        elif a.cmd == "inspect":
            r = decode(call(ch, "PodSandboxStatus", f_str(1, a.id) + f_varint(2, 1), a.timeout),
                       {1: ("status", SANDBOX_STATUS), 2: ("info", "map")})
            st = state_name(r.get("status", {}))
            st["info"] = {k: as_json(v) for k, v in r.get("info", {}).items()}
            print(json.dumps(st))
        elif a.cmd == "stop":
            call(ch, "StopPodSandbox", f_str(1, a.id), a.timeout)
        elif a.cmd == "rm":
            call(ch, "RemovePodSandbox", f_str(1, a.id), a.timeout)
        elif a.cmd == "ls":
            r = decode(call(ch, "ListPodSandbox", b"", a.timeout), {1: ("items", ("list", SANDBOX))})
            for it in r.get("items", []):
                print(json.dumps(state_name(it)))


if __name__ == "__main__":
    try:
        main()
    except CallFailed as e:
        print("cri: %s" % e, file=sys.stderr)
        sys.exit(1)
    except (ValueError, KeyError) as e:
        print("cri: %s" % e, file=sys.stderr)
        sys.exit(2)
