#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A tiny stand-in for kube-apiserver, for the multus tests only.

It serves, over HTTPS on 127.0.0.1, exactly the calls the plugin makes: GET and
merge-PATCH of a pod, GET of a NetworkAttachmentDefinition and the NAD list, and the
creation (POST) of Events.
With --http2 also HTTP/2 (h2server.py, python3-h2).
Objects, tokens and injected faults live in plain files under --dir and are
re-read on every request, so a test changes the cluster by writing a file.
See README.md next to this file for the layout.  Standard library only, but for --http2.
"""

import argparse
import base64
import gzip
import http.server
import json
import os
import re
import signal
import socket
import socketserver
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid

USER = "system:serviceaccount:kube-system:multus"
NAD_GROUP = "k8s.cni.cncf.io"
MAX_BODY = 3 * 1024 * 1024  # kube-apiserver's own request size limit
HANDSHAKE_TIMEOUT = 10
# No leading dot and no slash: a name can never walk out of objects/.
NAME = r"[A-Za-z0-9_][-A-Za-z0-9_.]*"

# (regex, resource kind, whether the path names one object)
ROUTES = [
    (re.compile(r"^/api/v1/namespaces/(%s)/pods/(%s)$" % (NAME, NAME)), "pods", True),
    (re.compile(r"^/apis/k8s\.cni\.cncf\.io/v1/namespaces/(%s)/network-attachment-definitions/(%s)$"
                % (NAME, NAME)), "nads", True),
    (re.compile(r"^/apis/k8s\.cni\.cncf\.io/v1/namespaces/(%s)/network-attachment-definitions$"
                % NAME), "nads", False),
    (re.compile(r"^/api/v1/namespaces/(%s)/events$" % NAME), "events", False),
    # Across namespaces: LIST and WATCH (?watch=1) only.
    (re.compile(r"^/api/v1/pods$"), "pods", False),
    (re.compile(r"^/apis/k8s\.cni\.cncf\.io/v1/network-attachment-definitions$"), "nads", False),
]
# Fault actions that bend a reply's bytes (HTTP/1.1 only; README: faults.json).
SHAPES = ("trickle", "trickle_body", "truncate", "size", "gzip", "http10")
WATCH_BOOKMARK_SECONDS = 1.0
SCAN_SECONDS = 0.02
# Per resource: store dir, API resource name, API group, kind, apiVersion.
KINDS = {
    "pods": ("pods", "", "Pod", "v1"),
    "nads": ("network-attachment-definitions", NAD_GROUP, "NetworkAttachmentDefinition",
             NAD_GROUP + "/v1"),
    "events": ("events", "", "Event", "v1"),
}


# ---- files -------------------------------------------------------------------------------

def write_atomic(path, data, mode=0o644):
    """Readers (the tests, this server's other threads) never see half a file."""
    d = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def read_lines(path):
    try:
        with open(path) as f:
            return [l.strip() for l in f if l.strip()]
    except FileNotFoundError:
        return []


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)


def sign(d, name, cn, ext):
    """A P-256 key and a certificate for it signed by the test CA (EC: fast to make)."""
    key, crt, csr = (os.path.join(d, name + s) for s in (".key", ".crt", ".csr"))
    extfile = os.path.join(d, name + ".ext")
    with open(extfile, "w") as f:
        f.write("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid,issuer\n" + ext)
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=" + cn)
    openssl("x509", "-req", "-in", csr, "-CA", os.path.join(d, "ca.crt"),
            "-CAkey", os.path.join(d, "ca.key"), "-set_serial", str(uuid.uuid4().int >> 64),
            "-days", "3650", "-extfile", extfile, "-out", crt)
    os.chmod(key, 0o600)
    os.unlink(csr)
    os.unlink(extfile)


def make_certs(d):
    p = lambda n: os.path.join(d, n)
    if not (os.path.exists(p("ca.crt")) and os.path.exists(p("ca.key"))):
        # A new CA invalidates whatever it signed before.
        for n in ("server.crt", "server.key", "client.crt", "client.key"):
            if os.path.exists(p(n)):
                os.unlink(p(n))
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", p("ca.key"), "-out", p("ca.crt"), "-days", "3650",
                "-subj", "/CN=multus-test-ca",
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        os.chmod(p("ca.key"), 0o600)
    if not (os.path.exists(p("server.crt")) and os.path.exists(p("server.key"))):
        sign(d, "server", "kube-apiserver", "extendedKeyUsage=serverAuth\n"
             "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\n")
    if not (os.path.exists(p("client.crt")) and os.path.exists(p("client.key"))):
        sign(d, "client", "multus-client", "extendedKeyUsage=clientAuth\n")


def yaml_str(s):
    # JSON strings are valid YAML double-quoted scalars; quote only when needed.
    return s if re.fullmatch(r"[A-Za-z0-9/._:-]+", s) else json.dumps(s)


def kubeconfig(server, ca, token_file):
    return ("apiVersion: v1\nkind: Config\n"
            "clusters:\n- name: test\n  cluster:\n"
            "    server: %s\n    certificate-authority: %s\n"
            "users:\n- name: multus\n  user:\n    tokenFile: %s\n"
            "contexts:\n- name: test\n  context:\n    cluster: test\n    user: multus\n"
            "current-context: test\npreferences: {}\n"
            % (yaml_str(server), yaml_str(ca), yaml_str(token_file)))


# ---- Kubernetes objects ------------------------------------------------------------------

def merge_patch(target, patch):
    """RFC 7386."""
    if not isinstance(patch, dict):
        return patch
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


def with_defaults(obj, kind, ns, name):
    """What kube-apiserver always returns even if the test's file left it out."""
    _, _, kind_name, api_version = KINDS[kind]
    meta = dict(obj.get("metadata") or {})
    meta.setdefault("name", name)
    meta.setdefault("namespace", ns)
    meta.setdefault("uid", str(uuid.uuid5(uuid.NAMESPACE_URL, "multus-test/%s/%s/%s"
                                          % (kind, ns, name))))
    meta.setdefault("resourceVersion", "1")
    out = {"kind": obj.get("kind", kind_name), "apiVersion": obj.get("apiVersion", api_version),
           "metadata": meta}
    out.update((k, v) for k, v in obj.items() if k not in out)
    return out


def status(code, reason, message, details=None, headers=None):
    body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason}
    if details is not None:
        body["details"] = details
    body["code"] = code
    return code, body, headers or {}


class Target:
    """What a request is about, so every error message can name it as kube-apiserver does."""

    def __init__(self, method, path):
        self.path, self.kind, self.ns, self.name = path, None, None, None
        self.query = {}
        self.verb = {"GET": "get", "PATCH": "patch", "POST": "create", "PUT": "update",
                     "DELETE": "delete"}.get(method, method.lower())
        for rx, kind, single in ROUTES:
            m = rx.match(path)
            if m:
                self.kind, self.ns = kind, m.group(1) if m.lastindex else None
                self.name = m.group(2) if single else None
                if not single and self.verb == "get":
                    self.verb = "list"
                break

    def qualified(self):  # "pods", "network-attachment-definitions.k8s.cni.cncf.io"
        res, group = KINDS[self.kind][:2]
        return res + "." + group if group else res

    def details(self):
        res, group = KINDS[self.kind][:2]
        d = {"name": self.name} if self.name else {}
        if group:
            d["group"] = group
        d["kind"] = res
        return d

    def named(self):
        return '%s "%s"' % (self.qualified(), self.name) if self.name else self.qualified()

    def error(self, code):
        if code == 401:
            return status(401, "Unauthorized", "Unauthorized")
        if code == 403:
            if not self.kind:
                return status(403, "Forbidden", 'forbidden: User "%s" cannot %s path "%s"'
                              % (USER, self.verb, self.path), {})
            res, group = KINDS[self.kind][:2]
            return status(403, "Forbidden",
                          '%s is forbidden: User "%s" cannot %s resource "%s" in API group "%s"'
                          ' in the namespace "%s"'
                          % (self.named(), USER, self.verb, res, group, self.ns),
                          self.details())
        if code == 404:
            if not self.kind:
                return status(404, "NotFound", "the server could not find the requested resource",
                              {})
            return status(404, "NotFound", "%s not found" % self.named(), self.details())
        if code == 405:
            return status(405, "MethodNotAllowed",
                          "the server does not allow this method on the requested resource", {})
        if code == 409:
            return status(409, "Conflict", "Operation cannot be fulfilled on %s: the object has "
                          "been modified; please apply your changes to the latest version and "
                          "try again" % self.named(), self.details() if self.kind else {})
        if code == 429:
            return status(429, "TooManyRequests", "Too many requests, please try again later.",
                          {"retryAfterSeconds": 1}, {"Retry-After": "1"})
        if code == 500:
            return status(500, "InternalError", "Internal error occurred: injected",
                          {"causes": [{"message": "injected"}]})
        if code == 503:
            return status(503, "ServiceUnavailable",
                          "the server is currently unable to handle the request", {})
        if code == 504:
            return status(504, "Timeout", "the server was unable to return a response in the "
                          "time allotted, but may still be processing the request", {})
        if code == 400:
            return status(400, "BadRequest", "injected", {})
        return status(code, "", "injected", {})


# ---- the server --------------------------------------------------------------------------

class Serving:
    """What a request does, whatever carries it: HTTP/1.1 (Handler, below) or one HTTP/2
    stream (h2server.Stream). The transport gives command, path, headers (.get), conn_id,
    server, and read_body, peercert, reply, stream_begin, chunk, cut, drop, hang, proto."""

    def auth(self):
        """-> ("token"|"cert"|"none", forbidden)"""
        srv = self.server
        h = self.headers.get("Authorization", "")
        token = h[7:].strip() if h[:7].lower() == "bearer " else None
        if token:
            if token in read_lines(os.path.join(srv.dir, "tokens.forbidden")):
                return "token", True
            if token in read_lines(os.path.join(srv.dir, "tokens")):
                return "token", False
        # CERT_OPTIONAL: the handshake already rejected certificates not signed by our CA,
        # so any peer certificate here is a valid one.
        if self.peercert():
            return "cert", False
        return "none", False

    def serve(self):
        path, _, query = self.path.partition("?")
        target = Target(self.command, path)
        target.query = urllib.parse.parse_qs(query)
        self.query = query
        body = self.read_body()
        how, forbidden = self.auth()
        fault = self.server.take_fault(self.command, path)
        fname = None
        self.shape = {}
        if fault:
            self.shape = {k: v for k, v in fault[1].items() if k in SHAPES}
            fname, action = fault
            if action.get("close"):
                self.log(path, None, how, fname)
                self.drop()
                return
            if action.get("hang"):
                self.log(path, None, how, fname)
                self.hang()
                return
            if "raw" in action and hasattr(self, "raw"):  # HTTP/1.1: these bytes, then close
                self.log(path, None, how, fname)
                self.raw(action["raw"].encode("latin-1"))
                return
            if "delay" in action:
                self.server.stopping.wait(float(action["delay"]))
        if fault and "reply" in action:  # a canned reply: any status, headers, body
            rp = action["reply"]
            code, obj, headers = int(rp.get("status", 200)), rp.get("body"), rp.get("headers", {})
        elif fault and "status" in action:
            code, obj, headers = target.error(int(action["status"]))
            headers = dict(headers, **action.get("headers", {}))
        elif body is None:
            code, obj, headers = status(413, "RequestEntityTooLarge",
                                        "Request entity too large: limit is 3145728", {})
            self.close_connection = True
        elif how == "none":
            code, obj, headers = target.error(401)
        elif forbidden:
            code, obj, headers = target.error(403)
        elif (self.command == "GET" and target.kind in ("pods", "nads") and target.name is None
              and self.qargs().get("watch") in ("1", "true")):
            self.watch(target, path, how, fname)
            return
        else:
            code, obj, headers = self.server.dispatch(self.command, target, body,
                                                    self.headers.get("Content-Type", ""))
        self.reply(code, obj, headers)
        self.log(path, code, how, fname)

    def qargs(self):
        q = urllib.parse.parse_qs(self.path.split("?", 1)[1] if "?" in self.path else "")
        return {k: v[-1] for k, v in q.items()}

    def watch(self, t, path, how, fname):
        """A watch: chunked JSON lines (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR) after the
        given resourceVersion, until timeoutSeconds, the client leaving, or a cut."""
        q = self.qargs()
        w = self.server.watcher
        w.start()
        try:
            sel = field_selector(q.get("fieldSelector", ""))
            rv = int(q.get("resourceVersion") or 0)
        except ValueError as e:
            self.reply(*status(400, "BadRequest", str(e), {}))
            self.log(path, 400, how, fname)
            return
        timeout = float(q.get("timeoutSeconds") or 1800)
        bookmarks = q.get("allowWatchBookmarks") in ("1", "true")
        self.stream_begin()
        self.log(path, 200, how, fname, watch=True, rv=rv)
        gone = os.path.join(self.server.dir, "watch.gone")
        compacted = int((read_lines(os.path.join(self.server.dir, "compacted")) or ["0"])[0])
        if os.path.exists(gone):  # one-shot: this watch's resourceVersion is too old
            os.unlink(gone)
            compacted = rv + 1
        if rv < compacted:
            self.chunk(json.dumps({"type": "ERROR", "object": {
                "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "message": "too old resource version: %d (%d)" % (rv, compacted),
                "reason": "Expired", "code": 410}}).encode() + b"\n")
            self.chunk(b"")
            return
        end = time.time() + timeout
        last_bm = time.time()
        gen = w.cut_gen
        while not self.server.stopping.is_set():
            evs, cur, cut = w.wait_events(t.kind, t.ns, sel, rv, gen, 0.1)
            if cut:
                self.cut()  # mid-stream: HTTP/1.1 no last chunk, HTTP/2 RST_STREAM
                return
            for erv, typ, obj in evs:
                self.chunk(json.dumps({"type": typ, "object": obj}).encode() + b"\n")
                rv = erv
            now = time.time()
            if bookmarks and now - last_bm >= WATCH_BOOKMARK_SECONDS:
                last_bm = now
                rv = max(rv, cur)
                _, _, kind_name, api_version = KINDS[t.kind]
                self.chunk(json.dumps({"type": "BOOKMARK", "object": {
                    "kind": kind_name, "apiVersion": api_version,
                    "metadata": {"resourceVersion": str(rv)}}}).encode() + b"\n")
            if now >= end:
                self.chunk(b"")
                return

    def log(self, path, code, how, fault, **extra):
        # Never the token: only how the client authenticated.
        entry = {"t": time.time(), "method": self.command, "path": path,
                 "status": code, "conn": self.conn_id, "auth": how, "fault": fault,
                 "query": self.query, "ua": self.headers.get("User-Agent", ""),
                 "proto": self.proto}
        entry.update(extra)
        self.server.log(entry)


class Handler(Serving, http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the plugin reuses one connection
    proto = "HTTP/1.1"
    server_version = "multus-test-apiserver"
    sys_version = ""
    # Buffered writes: status line, headers and body leave in one write (reply() flushes,
    # handle_one_request flushes error replies), not headers then body. Two small writes
    # on a keep-alive connection meet Nagle + the client's delayed ACK: ~40 ms a request.
    wbufsize = 64 * 1024

    def setup(self):
        super().setup()
        # Counted per TLS connection so tests can tell reuse from reconnects.
        self.conn_id = self.server.next_conn_id()
        self.server.conn_log({"conn": self.conn_id, "proto": "HTTP/1.1", "event": "open"})

    def log_message(self, fmt, *args):
        pass  # requests.log is the log; stderr stays quiet for the tests' output

    def do_GET(self):
        self.serve()

    do_PATCH = do_POST = do_PUT = do_DELETE = do_GET

    def read_body(self):
        """Always drain the body first, or the next request on this connection is garbage."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():  # trailers
                        pass
                    return data
                if len(data) + size > MAX_BODY:
                    return None
                data += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if 0 <= n <= MAX_BODY else None

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def peercert(self):
        return self.connection.getpeercert()

    def stream_begin(self):
        """A 200 whose body follows in chunk()s; the connection is not reused after it."""
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()

    def cut(self):
        pass  # mid-stream: no last chunk, the connection just closes (close_connection)

    def drop(self):
        self.close_connection = True

    def reply(self, code, obj, headers):
        data = (obj.encode() if isinstance(obj, str) else
                (json.dumps(obj, separators=(",", ":")) + "\n").encode())
        if self.shape:
            self.shaped(code, data, headers, self.shape)
            return
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "no-cache, private")
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def raw(self, data):
        self.close_connection = True
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except (OSError, ssl.SSLError):
            pass

    def shaped(self, code, data, headers, shape):
        """A reply bent by a fault, written by hand; the connection closes after it. size: the
        body padded with spaces to that many bytes (the same JSON), sent 1 MiB at a time;
        gzip: the body gzipped, unasked; http10: an HTTP/1.0 reply without Content-Length,
        its body ends where the connection does; truncate: only that many bytes of the body,
        Content-Length still the whole; trickle: every byte, headers too, S seconds apart;
        trickle_body: the same for the body only."""
        self.close_connection = True
        if shape.get("gzip"):
            data = gzip.compress(data)
            headers = dict(headers, **{"Content-Encoding": "gzip"})
        total = max(len(data), int(shape.get("size", 0)))
        head = ["%s %d %s" % ("HTTP/1.0" if shape.get("http10") else "HTTP/1.1", code,
                              self.responses.get(code, ("Whatever",))[0]),
                "Content-Type: application/json"]
        head += ["%s: %s" % kv for kv in headers.items()]
        if not shape.get("http10"):
            head.append("Content-Length: %d" % total)
        head.append("Connection: close")
        send = min(total, int(shape.get("truncate", total)))
        out = ("\r\n".join(head) + "\r\n\r\n").encode()
        first = len(out) if "trickle_body" in shape else 0  # the headers at once
        out += data[:send]
        pad = send - min(send, len(data))
        step = float(shape.get("trickle", shape.get("trickle_body", 0)))
        try:
            if step > 0:
                out += b" " * pad
                self.wfile.write(out[:first])
                for i in range(first, len(out)):
                    if self.server.stopping.wait(step):
                        return
                    self.wfile.write(out[i:i + 1])
                    self.wfile.flush()
                return
            self.wfile.write(out)
            while pad > 0:
                n = min(pad, 1 << 20)
                self.wfile.write(b" " * n)
                pad -= n
            self.wfile.flush()
            if shape.get("http10"):
                # The body's end: TLS close_notify, without which it is a truncation.
                self.connection.settimeout(1)
                self.connection.unwrap()
        except (OSError, ssl.SSLError, ValueError):
            pass  # the client gave up: that is what the fault is for

    def hang(self):
        """Never answer, but notice the client leaving, the server stopping, or a watch.cut
        (which closes the connection)."""
        self.close_connection = True
        self.connection.settimeout(0.2)
        gen = self.server.watcher.cut_gen
        while not self.server.stopping.is_set() and self.server.watcher.cut_gen == gen:
            try:
                if not self.connection.recv(4096):
                    return
            except (socket.timeout, ssl.SSLWantReadError):
                continue
            except (OSError, ssl.SSLError):
                return


def field_selector(text):
    """spec.nodeName=X (the only one multus uses) -> {"spec.nodeName": X}."""
    out = {}
    for part in filter(None, text.split(",")):
        k, eq, v = part.partition("=")
        if not eq or k not in ("spec.nodeName", "metadata.name", "metadata.namespace"):
            raise ValueError('field label not supported: "%s"' % k)
        out[k] = v
    return out


def selected(obj, sel):
    for k, v in sel.items():
        cur = obj
        for part in k.split("."):
            cur = cur.get(part) if isinstance(cur, dict) else None
        if cur != v:
            return False
    return True


class Watcher:
    """The objects under objects/ as a stream of changes: started by the first list across
    namespaces or watch, it looks at the files every SCAN_SECONDS and gives each change the
    next resourceVersion (one counter for all, as etcd's). A file `watch.cut` cuts every
    watch mid-stream (it is removed); `compacted` N makes watches from before N get 410, and
    `watch.gone` (removed when used) the next watch, whatever its resourceVersion."""

    def __init__(self, srv):
        self.srv, self.rv, self.objs, self.history = srv, 1, {}, []
        self.cond = threading.Condition()
        self.started, self.cut_gen = False, 0

    def start(self):
        with self.cond:
            if self.started:
                return
            self.started = True
            self.scan(initial=True)
        threading.Thread(target=self.run, daemon=True).start()

    def run(self):
        while not self.srv.stopping.wait(SCAN_SECONDS):
            with self.cond:
                self.scan()

    def scan(self, initial=False):
        seen = set()
        for kind in ("pods", "nads"):
            base = os.path.join(self.srv.dir, "objects", kind)
            for ns in sorted(os.listdir(base)) if os.path.isdir(base) else []:
                d = os.path.join(base, ns)
                for fn in sorted(os.listdir(d)) if os.path.isdir(d) else []:
                    if not fn.endswith(".json") or fn.startswith("."):
                        continue
                    key = (kind, ns, fn[:-5])
                    try:
                        with open(os.path.join(d, fn)) as f:
                            text = f.read()
                        raw = json.loads(text)
                    except (OSError, ValueError):
                        if key in self.objs:
                            seen.add(key)
                        continue
                    seen.add(key)
                    old = self.objs.get(key)
                    if old and old[0] == text:
                        continue
                    obj = with_defaults(raw, kind, ns, fn[:-5])
                    if not initial:
                        self.rv += 1
                    obj["metadata"]["resourceVersion"] = str(self.rv)
                    self.objs[key] = (text, obj)
                    if not initial:
                        self.history.append((self.rv, kind, "MODIFIED" if old else "ADDED", obj))
        for key in [k for k in self.objs if k not in seen]:
            _, obj = self.objs.pop(key)
            self.rv += 1
            obj = dict(obj, metadata=dict(obj["metadata"], resourceVersion=str(self.rv)))
            self.history.append((self.rv, key[0], "DELETED", obj))
        cut = os.path.join(self.srv.dir, "watch.cut")
        if os.path.exists(cut):
            os.unlink(cut)
            self.cut_gen += 1
        self.cond.notify_all()

    def snapshot(self, kind, sel):
        self.start()
        with self.cond:
            self.scan()
            return self.rv, [o for (k, _, _), (_, o) in sorted(self.objs.items())
                             if k == kind and selected(o, sel)]

    def wait_events(self, kind, ns, sel, after, gen, timeout):
        with self.cond:
            if not any(e[0] > after for e in self.history) and self.cut_gen == gen:
                self.cond.wait(timeout)
            evs = [(rv, typ, o) for rv, k, typ, o in self.history
                   if rv > after and k == kind and selected(o, sel)
                   and (ns is None or o["metadata"]["namespace"] == ns)]
            return evs, self.rv, self.cut_gen != gen


class APIServer(http.server.ThreadingHTTPServer):
    daemon_threads = True  # idle keep-alive connections must not hold up exit

    def __init__(self, addr, state_dir, http2=False):
        self.dir = state_dir
        self.max_body = MAX_BODY
        self.h2_conns, self.h2_stream = set(), None
        self.stopping = threading.Event()
        self.lock = threading.Lock()  # faults.json, object read-modify-write, requests.log
        self.conns = 0
        self.watcher = Watcher(self)
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(os.path.join(state_dir, "server.crt"),
                                 os.path.join(state_dir, "server.key"))
        self.ctx.load_verify_locations(os.path.join(state_dir, "ca.crt"))
        self.ctx.verify_mode = ssl.CERT_OPTIONAL  # accept tokens and client certs alike
        if http2:  # h2 by ALPN (h2server.py); a client that asks for HTTP/1.1 gets it
            sys.dont_write_bytecode = True  # no __pycache__ in the checkout
            import h2server
            self.h2server = h2server
            self.h2_stream = h2server.make_stream_class(Serving)
            self.ctx.set_alpn_protocols(["h2", "http/1.1"])
        super().__init__(addr, Handler)

    def server_bind(self):
        # HTTPServer.server_bind does a reverse DNS lookup; we have no use for it.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def finish_request(self, request, client_address):
        # The TLS handshake runs here, in the connection's own thread, so a client that
        # stalls mid-handshake cannot block accept() for everybody else.
        try:
            # No Nagle: a reply is one write already, never wait for the peer's ACK.
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            request.settimeout(HANDSHAKE_TIMEOUT)
            tls = self.ctx.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError) as e:
            print("apiserver: TLS handshake from %s failed: %s" % (client_address[0], e),
                  file=sys.stderr)
            return
        try:
            tls.settimeout(None)
            if self.h2_stream and tls.selected_alpn_protocol() == "h2":
                self.h2server.Conn(self, tls, self.next_conn_id(), self.h2_stream).run()
                return
            self.RequestHandlerClass(tls, client_address, self)
        except (OSError, ssl.SSLError):
            pass  # client went away mid-request
        finally:
            tls.close()

    def next_conn_id(self):
        with self.lock:
            self.conns += 1
            return self.conns

    def log(self, entry):
        with self.lock, open(os.path.join(self.dir, "requests.log"), "a") as f:
            f.write(json.dumps(entry) + "\n")
            f.flush()

    def conn_log(self, entry):
        """connections.log: the TLS connections opened (and HTTP/2's closed, and how)."""
        entry = dict({"t": time.time()}, **entry)
        with self.lock, open(os.path.join(self.dir, "connections.log"), "a") as f:
            f.write(json.dumps(entry) + "\n")

    def h2_conns_add(self, c):
        with self.lock:
            self.h2_conns.add(c)

    def h2_conns_remove(self, c):
        with self.lock:
            self.h2_conns.discard(c)

    def h2_files(self):
        """h2.goaway, h2.drop: every HTTP/2 connection ends (the file is consumed)."""
        for how in ("goaway", "drop"):
            f = os.path.join(self.dir, "h2." + how)
            if os.path.exists(f):
                with self.lock:
                    try:
                        os.unlink(f)
                    except FileNotFoundError:
                        continue
                    conns = list(self.h2_conns)
                for c in conns:
                    c.stop(how)

    def take_fault(self, method, path):
        """First matching rule with count left wins; its count goes down on disk."""
        fpath = os.path.join(self.dir, "faults.json")
        with self.lock:
            try:
                with open(fpath) as f:
                    rules = json.load(f)
            except FileNotFoundError:
                return None
            except (OSError, ValueError) as e:
                print("apiserver: ignoring bad faults.json: %s" % e, file=sys.stderr)
                return None
            for rule in rules if isinstance(rules, list) else []:
                if rule.get("method", "*") not in ("*", method):
                    continue
                try:
                    if not re.search(rule.get("path", ""), path):
                        continue
                except re.error as e:
                    print("apiserver: bad fault path regex: %s" % e, file=sys.stderr)
                    continue
                if "count" in rule:
                    if rule["count"] <= 0:
                        continue
                    rule["count"] -= 1
                    write_atomic(fpath, json.dumps(rules, indent=2) + "\n")
                action = rule.get("action", {})
                name = rule.get("name") or next(
                    ("%s:%s" % (k, action[k]) if k in ("status", "delay") else k
                     for k in ("status", "delay", "hang", "close", "reply", "raw") + SHAPES
                     if k in action), "none")
                return name, action
        return None

    def obj_path(self, kind, ns, name):
        return os.path.join(self.dir, "objects", kind, ns, name + ".json")

    def load(self, kind, ns, name):
        with open(self.obj_path(kind, ns, name)) as f:
            return json.load(f)

    def dispatch(self, method, t, body, ctype):
        """Dispatch an authenticated request."""
        if not t.kind:
            return t.error(404)
        if t.kind == "events":
            if method != "POST":
                return t.error(405)
            return self.create(t, body, ctype)
        if t.name is None:  # a list: one namespace's NADs, or pods/NADs across namespaces
            if method != "GET":
                return t.error(405)
            try:
                sel = field_selector((t.query.get("fieldSelector") or [""])[0])
            except ValueError as e:
                return status(400, "BadRequest", str(e), {})
            if t.ns is None:  # across namespaces: from the watcher, its resourceVersion
                rv, items = self.watcher.snapshot(t.kind, sel)
                _, _, kind_name, api_version = KINDS[t.kind]
                return 200, {"kind": kind_name + "List", "apiVersion": api_version,
                             "metadata": {"resourceVersion": str(rv)}, "items": items}, {}
            d = os.path.join(self.dir, "objects", t.kind, t.ns)
            items = []
            for fn in sorted(os.listdir(d)) if os.path.isdir(d) else []:
                if fn.endswith(".json") and not fn.startswith("."):
                    try:
                        items.append(with_defaults(self.load(t.kind, t.ns, fn[:-5]),
                                                   t.kind, t.ns, fn[:-5]))
                    except (OSError, ValueError):
                        continue  # a file being written or a broken one: skip it
            return self.list_page(t, items)
        if method == "GET":
            try:
                return 200, with_defaults(self.load(t.kind, t.ns, t.name), t.kind, t.ns,
                                          t.name), {}
            except FileNotFoundError:
                return t.error(404)
            except (OSError, ValueError) as e:
                return status(500, "InternalError", "Internal error occurred: %s" % e)
        if method == "PATCH" and t.kind == "pods":
            return self.patch(t, body, ctype)
        return t.error(405)

    def create(self, t, body, ctype):
        """POST of an object into a namespaced collection (events): stored under
        objects/KIND/NS/NAME.json and appended, as created, to KIND.log (one JSON a line)."""
        if ctype.split(";")[0].strip().lower() != "application/json":
            return status(415, "UnsupportedMediaType",
                          "the body of the request was in an unknown format - accepted media "
                          "types include: application/json, application/yaml, "
                          "application/vnd.kubernetes.protobuf", {})
        try:
            obj = json.loads(body)
        except ValueError as e:
            return status(400, "BadRequest", "error decoding body: %s" % e, {})
        _, _, kind_name, api_version = KINDS[t.kind]
        if not isinstance(obj, dict) or obj.get("kind") != kind_name \
                or obj.get("apiVersion") != api_version:
            return status(400, "BadRequest", "the body is not a %s %s" % (api_version, kind_name),
                          {})
        meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
        if meta.get("namespace", t.ns) != t.ns:
            return status(400, "BadRequest", "the namespace of the provided object does not "
                          "match the namespace sent on the request", {})
        name = meta.get("name")
        if not isinstance(name, str) or not re.fullmatch(
                r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*", name) \
                or len(name) > 253:
            return status(422, "Invalid", '%s "%s" is invalid: metadata.name: Invalid value'
                          % (t.qualified(), name), {"name": str(name), "kind": t.kind})
        t.name = name
        with self.lock:
            path = self.obj_path(t.kind, t.ns, name)
            if os.path.exists(path):
                return status(409, "AlreadyExists", '%s already exists' % t.named(),
                              t.details())
            meta = dict(meta, namespace=t.ns, resourceVersion="1",
                        creationTimestamp=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
            meta.setdefault("uid", str(uuid.uuid4()))
            new = dict(obj, metadata=meta)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            write_atomic(path, json.dumps(new, indent=2) + "\n")
            with open(os.path.join(self.dir, t.kind + ".log"), "a") as f:
                f.write(json.dumps(new) + "\n")
            return 201, new, {}

    def list_page(self, t, items):
        """limit and continue as kube-apiserver: a page, and a token for the rest. The page
        size is also capped by the file list.limit (tests make small pages with it)."""
        meta = {"resourceVersion": "1"}
        cont = (t.query.get("continue") or [""])[0]
        if cont:
            try:
                after = base64.urlsafe_b64decode(cont.encode()).decode()
            except (ValueError, UnicodeDecodeError):
                return status(400, "BadRequest", "continue key is not valid", {})
            items = [i for i in items if i["metadata"]["name"] > after]
        limits = []
        try:
            limits.append(int((t.query.get("limit") or ["0"])[0]))
        except ValueError:
            return status(400, "BadRequest", "limit is not a number", {})
        cap = read_lines(os.path.join(self.dir, "list.limit"))
        if cap:
            limits.append(int(cap[0]))
        limit = min([l for l in limits if l > 0], default=0)
        if limit and len(items) > limit:
            items = items[:limit]
            meta["continue"] = base64.urlsafe_b64encode(
                items[-1]["metadata"]["name"].encode()).decode()
            meta["remainingItemCount"] = 1
        return 200, {"kind": "NetworkAttachmentDefinitionList",
                     "apiVersion": NAD_GROUP + "/v1", "metadata": meta, "items": items}, {}

    def patch(self, t, body, ctype):
        if ctype.split(";")[0].strip().lower() != "application/merge-patch+json":
            return status(415, "UnsupportedMediaType",
                          "the body of the request was in an unknown format - accepted media "
                          "types include: application/merge-patch+json", {})
        try:
            patch = json.loads(body)
        except ValueError as e:
            return status(400, "BadRequest", "error decoding patch: %s" % e, {})
        if not isinstance(patch, dict):
            return status(400, "BadRequest", "error decoding patch: not a JSON object", {})
        with self.lock:  # concurrent PATCHes must not lose each other's changes
            try:
                cur = with_defaults(self.load(t.kind, t.ns, t.name), t.kind, t.ns, t.name)
            except FileNotFoundError:
                return t.error(404)
            except (OSError, ValueError) as e:
                return status(500, "InternalError", "Internal error occurred: %s" % e)
            # Like kube-apiserver: a resourceVersion in the patch is a precondition.
            want = (patch.get("metadata") or {}).get("resourceVersion")
            rv = cur["metadata"]["resourceVersion"]
            if want is not None and str(want) != str(rv):
                return t.error(409)
            new = merge_patch(cur, patch)
            meta = new.setdefault("metadata", {})
            meta["resourceVersion"] = str(int(rv) + 1) if str(rv).isdigit() else "2"
            write_atomic(self.obj_path(t.kind, t.ns, t.name), json.dumps(new, indent=2) + "\n")
            return 200, new, {}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--max-seconds", type=float, default=3600)
    ap.add_argument("--http2", action="store_true",
                    help="offer h2 by ALPN (python3-h2), next to HTTP/1.1")
    a = ap.parse_args()

    d = os.path.abspath(a.dir)
    os.makedirs(os.path.join(d, "objects"), exist_ok=True)
    for stale in ("ready", "port"):  # never let a waiter see the previous run's files
        if os.path.exists(os.path.join(d, stale)):
            os.unlink(os.path.join(d, stale))
    make_certs(d)
    if not os.path.exists(os.path.join(d, "tokens")):
        write_atomic(os.path.join(d, "tokens"), "test-token\n", 0o600)
    first = (read_lines(os.path.join(d, "tokens")) or [""])[0]
    write_atomic(os.path.join(d, "token"), first + "\n", 0o600)

    srv = APIServer((a.bind, a.port), d, a.http2)
    port = srv.server_address[1]
    host = "[%s]" % a.bind if ":" in a.bind else a.bind
    write_atomic(os.path.join(d, "pid"), "%d\n" % os.getpid())
    write_atomic(os.path.join(d, "kubeconfig"),
                 kubeconfig("https://%s:%d" % (host, port), os.path.join(d, "ca.crt"),
                            os.path.join(d, "token")), 0o600)
    write_atomic(os.path.join(d, "port"), "%d\n" % port)
    open(os.path.join(d, "ready"), "w").close()

    signal.signal(signal.SIGTERM, lambda *_: srv.stopping.set())
    signal.signal(signal.SIGINT, lambda *_: srv.stopping.set())
    # serve_forever in a thread: the main thread must stay free for signals, and
    # shutdown() deadlocks when called from the thread that serves.
    th = threading.Thread(target=srv.serve_forever, daemon=True)
    th.start()
    srv.stopping.wait(a.max_seconds)
    srv.stopping.set()  # also wakes hanging and delayed requests
    try:
        os.unlink(os.path.join(d, "ready"))
    except FileNotFoundError:
        pass
    srv.shutdown()
    srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
