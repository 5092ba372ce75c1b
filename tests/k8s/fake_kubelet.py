#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A fake kubelet PodResources v1 server on a unix socket, for the tests.

Real gRPC (python3-grpcio). The messages come from src/k8s/podresources.proto, the same file
the C client is built from, compiled by the test into a descriptor set
(protoc-c --descriptor_set_out), so nothing here restates the schema.

  fake_kubelet.py --socket PATH --desc FILE --pods FILE --mode MODE [--log FILE]

--pods: JSON list of {"namespace", "name", "containers": [{"name", "devices":
[{"resource", "ids": [...]}]}]}; it is read again for every call, so a test may change it.
--log: every call's method and request, one JSON object a line.
Modes:
  get        Get and List both served (a kubelet with KubeletPodResourcesGet)
  list       Get answers UNIMPLEMENTED (an older kubelet), List served
  get-off    Get answers UNKNOWN "disabled via feature gate" (the feature off), List served
  garbage    both answer a gRPC frame whose content is not a protobuf message
  silent     gRPC calls never get an answer
  huge       Get UNIMPLEMENTED, List answers over 17 MiB (other pods' devices)
  raw-junk   not gRPC at all: every connection gets bytes that are not HTTP/2
  raw-mute   a socket that accepts and never says anything
HTTP/2 but no gRPC library (python3-h2), every call answered alike:
  h2-short      a frame whose length says 100 bytes, 5 come; grpc-status 0
  h2-compressed a frame with the compressed flag set (nobody asked); grpc-status 0
  h2-error      trailers-only: grpc-status 13, grpc-message "kubelet fault injected"
  h2-nostatus   a good empty frame and the stream's end, no grpc-status at all
  h2-mute       the HTTP/2 handshake, then no answer to any call
  h2-trickle    a good reply, its bytes 200 ms apart
Writes "ready" beside the socket once it is listening.
"""
import argparse
import json
import os
import socket
import sys
import threading
import time
from concurrent import futures

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory


def load_messages(desc):
    fds = descriptor_pb2.FileDescriptorSet.FromString(open(desc, "rb").read())
    pool = descriptor_pool.DescriptorPool()
    for f in fds.file:
        pool.Add(f)
    factory = message_factory.MessageFactory(pool)
    return {n: factory.GetPrototype(pool.FindMessageTypeByName("v1." + n))
            for n in ("ListPodResourcesRequest", "ListPodResourcesResponse",
                      "GetPodResourcesRequest", "GetPodResourcesResponse", "PodResources")}


def fill_pod(pr, p):
    pr.name = p["name"]
    pr.namespace = p["namespace"]
    for c in p.get("containers", []):
        cr = pr.containers.add()
        cr.name = c.get("name", "c")
        for d in c.get("devices", []):
            cd = cr.devices.add()
            cd.resource_name = d["resource"]
            cd.device_ids.extend(d["ids"])


def serve_grpc(a, M):
    log_lock = threading.Lock()

    def log(method, req):
        if a.log:
            with log_lock, open(a.log, "a") as f:
                f.write(json.dumps({"method": method, "request": str(req).replace("\n", " ")}) + "\n")

    def pods():
        return json.load(open(a.pods))

    def garbage(ctx):
        return b"\x0a\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"  # a length past the end

    def do_list(req, ctx):
        log("List", req)
        if a.mode == "garbage":
            return garbage(ctx)
        if a.mode == "silent":
            time.sleep(3600)
        resp = M["ListPodResourcesResponse"]()
        if a.mode == "huge":
            fill_pod(resp.pod_resources.add(), {"namespace": "other", "name": "big", "containers": [
                {"devices": [{"resource": "example.com/vf", "ids": ["%0250d" % i for i in range(70000)]}]}]})
        for p in pods():
            fill_pod(resp.pod_resources.add(), p)
        return resp.SerializeToString()

    def do_get(req, ctx):
        log("Get", req)
        if a.mode in ("list", "huge"):
            ctx.abort(grpc.StatusCode.UNIMPLEMENTED, "unknown method Get")
        if a.mode == "get-off":
            ctx.abort(grpc.StatusCode.UNKNOWN, "PodResources API Get method disabled via feature gate")
        if a.mode == "garbage":
            return garbage(ctx)
        if a.mode == "silent":
            time.sleep(3600)
        for p in pods():
            if p["name"] == req.pod_name and p["namespace"] == req.pod_namespace:
                resp = M["GetPodResourcesResponse"]()
                fill_pod(resp.pod_resources, p)
                return resp.SerializeToString()
        ctx.abort(grpc.StatusCode.UNKNOWN,
                  "pod %s not found in namespace %s" % (req.pod_name, req.pod_namespace))

    handlers = {
        "List": grpc.unary_unary_rpc_method_handler(
            do_list, request_deserializer=M["ListPodResourcesRequest"].FromString,
            response_serializer=lambda b: b),
        "Get": grpc.unary_unary_rpc_method_handler(
            do_get, request_deserializer=M["GetPodResourcesRequest"].FromString,
            response_serializer=lambda b: b),
    }
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    server.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler("v1.PodResourcesLister", handlers),))
    server.add_insecure_port("unix:" + a.socket)
    server.start()
    return server


def serve_raw(a):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(a.socket)
    s.listen(8)
    held = []

    def loop():
        while True:
            c, _ = s.accept()
            if a.mode == "raw-junk":
                # Answer the client's first bytes (the HTTP/2 preface), then hang up: a
                # connection that is accepted and closed at once may look refused instead.
                try:
                    c.settimeout(2)
                    c.recv(4096)
                    c.sendall(b"HTTP/1.0 999 what\r\n\r\n" + os.urandom(4096))
                    time.sleep(0.2)
                except OSError:
                    pass
                c.close()
            else:
                held.append(c)  # open and silent

    threading.Thread(target=loop, daemon=True).start()


def serve_h2(a):
    import h2.config
    import h2.connection
    import h2.events

    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(a.socket)
    s.listen(8)

    def answer(h, sid):
        ok = [(":status", "200"), ("content-type", "application/grpc")]
        if a.mode == "h2-error":
            h.send_headers(sid, ok + [("grpc-status", "13"),
                                      ("grpc-message", "kubelet fault injected")], end_stream=True)
            return
        frame = {"h2-short": b"\x00\x00\x00\x00\x64" + b"\x0a\x03abc",
                 "h2-compressed": b"\x01\x00\x00\x00\x00"}.get(a.mode, b"\x00\x00\x00\x00\x00")
        h.send_headers(sid, ok)
        h.send_data(sid, frame, end_stream=a.mode == "h2-nostatus")
        if a.mode != "h2-nostatus":
            h.send_headers(sid, [("grpc-status", "0")], end_stream=True)

    def conn(c):
        h = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False,
                                                                 header_encoding="utf-8"))
        h.initiate_connection()
        try:
            c.sendall(h.data_to_send())
            while True:
                data = c.recv(65536)
                if not data:
                    return
                answered = False
                for ev in h.receive_data(data):
                    if isinstance(ev, h2.events.RequestReceived) and a.log:
                        path = dict(ev.headers).get(":path", "")
                        with open(a.log, "a") as f:
                            f.write(json.dumps({"method": path.rsplit("/", 1)[-1]}) + "\n")
                    if isinstance(ev, h2.events.StreamEnded) and a.mode != "h2-mute":
                        answer(h, ev.stream_id)
                        answered = True
                out = h.data_to_send()
                if a.mode == "h2-trickle" and answered:
                    for i in range(len(out)):
                        c.sendall(out[i:i + 1])
                        time.sleep(0.2)
                elif out:
                    c.sendall(out)
        except Exception:  # the client left, or spoke no HTTP/2: that connection ends
            pass
        finally:
            c.close()

    def loop():
        while True:
            c, _ = s.accept()
            threading.Thread(target=conn, args=(c,), daemon=True).start()

    threading.Thread(target=loop, daemon=True).start()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--socket", required=True)
    ap.add_argument("--desc", required=True)
    ap.add_argument("--pods", required=True)
    ap.add_argument("--mode", default="get")
    ap.add_argument("--log")
    ap.add_argument("--max-seconds", type=float, default=600)
    a = ap.parse_args()
    try:
        os.unlink(a.socket)
    except FileNotFoundError:
        pass
    if a.mode.startswith("raw-"):
        serve_raw(a)
    elif a.mode.startswith("h2-"):
        serve_h2(a)
    else:
        server = serve_grpc(a, load_messages(a.desc))  # noqa: F841 (kept alive)
    open(os.path.join(os.path.dirname(a.socket), "ready"), "w").close()
    time.sleep(a.max_seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
