# SPDX-License-Identifier: GPL-2.0-or-later
"""HTTP/2 for the test API server (apiserver.py --http2), with python3-h2 (Debian).

One thread per TLS connection owns the socket and the h2 state machine (OpenSSL objects must
not be read and written from two threads at once); every stream is served in a thread of its
own by apiserver.Serving through the Stream transport below, so long watches and short GETs
share one connection as they do with kube-apiserver. Stream threads hand their frames to the
h2 state machine under the connection's lock, within the flow-control windows, and wake the
socket thread to send them.

A file `h2.goaway` in the state directory makes every HTTP/2 connection send GOAWAY and close
(the file is removed), `h2.drop` closes them without a word; both are noted in
connections.log.
"""

import json
import os
import select
import ssl
import threading

import h2.config
import h2.connection
import h2.errors
import h2.events
import h2.exceptions
import h2.settings

MAX_STREAMS = 1000  # kube-apiserver's --http2-max-streams-per-connection
POLL_SECONDS = 0.1


class Gone(Exception):
    """The stream was reset by the client, or the connection is closed."""


class Headers(dict):
    def get(self, key, default=None):
        return dict.get(self, key.lower(), default)


def make_stream_class(serving):
    """apiserver's Serving with the HTTP/2 transport (a function: no circular import)."""

    class Stream(serving):
        proto = "h2"

        def __init__(self, conn, sid, headers):
            self.conn, self.sid, self.server, self.conn_id = conn, sid, conn.srv, conn.conn_id
            self.headers, pseudo = Headers(), {}
            for k, v in headers:
                if k.startswith(":"):
                    pseudo[k] = v
                else:
                    k = k.lower()
                    self.headers[k] = self.headers[k] + ", " + v if k in self.headers else v
            self.command, self.path = pseudo.get(":method", ""), pseudo.get(":path", "/")
            self.body, self.too_big = bytearray(), False
            self.reset = self.ended = False
            self.close_connection = False  # set by Serving on a too large body; no meaning

        def run(self):
            try:
                self.serve()
            except Gone:
                pass
            finally:
                self.conn.stream_done(self)

        def read_body(self):
            return None if self.too_big else bytes(self.body)

        def peercert(self):
            return self.conn.tls.getpeercert()

        def reply(self, code, obj, headers):
            data = (obj.encode() if isinstance(obj, str) else  # a canned reply's own text
                    (json.dumps(obj, separators=(",", ":")) + "\n").encode())
            hdrs = [(":status", str(code)), ("content-type", "application/json"),
                    ("cache-control", "no-cache, private")]
            hdrs += [(k.lower(), str(v)) for k, v in headers.items()]
            hdrs.append(("content-length", str(len(data))))
            self.conn.send(self, hdrs, data, True)

        def stream_begin(self):
            self.conn.send(self, [(":status", "200"), ("content-type", "application/json")],
                           b"", False)

        def chunk(self, data):
            """b"" ends the stream, as HTTP/1.1's last chunk ends the body."""
            self.conn.send(self, None, data, not data)

        def cut(self):
            self.conn.reset(self, h2.errors.ErrorCodes.INTERNAL_ERROR)

        def drop(self):
            self.conn.stop("drop")

        def hang(self):
            """As HTTP/1.1's: until the client or the server leaves, or a watch.cut (then
            the stream is reset)."""
            self.conn.wait_gone(self)
            self.cut()

    return Stream


class Conn:
    def __init__(self, srv, tls, conn_id, stream_class):
        self.srv, self.tls, self.conn_id, self.stream_class = srv, tls, conn_id, stream_class
        self.h2 = h2.connection.H2Connection(
            h2.config.H2Configuration(client_side=False, header_encoding="utf-8"))
        self.cond = threading.Condition()
        self.streams = {}
        self.closed = False
        self.stopping = None  # "goaway", "drop": asked for by a file or a fault
        self.out = bytearray()
        self.wake_r, self.wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)

    # ---- from the stream threads (wake: under self.cond) -------------------------------

    def wake(self):
        if self.wake_w < 0:
            return  # the socket thread is gone
        try:
            os.write(self.wake_w, b"x")
        except BlockingIOError:
            pass  # a wake-up is pending already

    def check(self, st):
        if self.closed or st.reset or self.srv.stopping.is_set():
            raise Gone()

    def send(self, st, headers, data, end):
        with self.cond:
            try:
                if headers is not None:
                    self.check(st)
                    self.h2.send_headers(st.sid, headers, end_stream=end and not data)
                    st.ended = end and not data
                while data:
                    self.check(st)
                    n = min(self.h2.local_flow_control_window(st.sid),
                            self.h2.max_outbound_frame_size, len(data))
                    if n <= 0:  # the client's window is full: wait for its WINDOW_UPDATE
                        self.wake()
                        self.cond.wait(POLL_SECONDS)
                        continue
                    self.h2.send_data(st.sid, data[:n], end_stream=end and n == len(data))
                    st.ended = end and n == len(data)
                    data = data[n:]
                if end and not st.ended:
                    self.check(st)
                    self.h2.end_stream(st.sid)
                    st.ended = True
            except (h2.exceptions.StreamClosedError, h2.exceptions.ProtocolError):
                raise Gone()
            finally:
                self.wake()

    def reset(self, st, code):
        with self.cond:
            if not st.ended and not st.reset and not self.closed:
                try:
                    self.h2.reset_stream(st.sid, code)
                except h2.exceptions.H2Error:
                    pass
                st.ended = True
            self.wake()

    def wait_gone(self, st):
        gen = self.srv.watcher.cut_gen
        with self.cond:
            while not (st.reset or self.closed or self.srv.stopping.is_set()
                       or self.srv.watcher.cut_gen != gen):
                self.cond.wait(POLL_SECONDS)

    def stream_done(self, st):
        self.reset(st, h2.errors.ErrorCodes.CANCEL)  # a stream left open is closed now
        with self.cond:
            self.streams.pop(st.sid, None)

    def stop(self, how):
        with self.cond:
            if not self.stopping:
                self.stopping = how
            self.wake()

    # ---- the socket thread -------------------------------------------------------------

    def on_events(self, events):
        for ev in events:
            st = self.streams.get(getattr(ev, "stream_id", None))
            if isinstance(ev, h2.events.RequestReceived):
                self.streams[ev.stream_id] = self.stream_class(self, ev.stream_id, ev.headers)
            elif isinstance(ev, h2.events.DataReceived):
                if st and not st.too_big:
                    st.body += ev.data
                    st.too_big = len(st.body) > self.srv.max_body
                try:
                    self.h2.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
                except h2.exceptions.H2Error:
                    pass
            elif isinstance(ev, h2.events.StreamEnded) and st:
                threading.Thread(target=st.run, daemon=True).start()
            elif isinstance(ev, h2.events.StreamReset) and st:
                st.reset = True
            elif isinstance(ev, h2.events.ConnectionTerminated):
                self.closed = True

    def recv(self):
        while True:
            try:
                data = self.tls.recv(65536)
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                return True
            except OSError:
                return False
            if not data:
                return False
            with self.cond:
                try:
                    self.on_events(self.h2.receive_data(data))
                except h2.exceptions.ProtocolError:
                    self.closed = True
                self.cond.notify_all()
                if self.closed:
                    return False

    def flush(self):
        with self.cond:
            self.out += self.h2.data_to_send()
        while self.out:
            try:
                n = self.tls.send(self.out)
            except (ssl.SSLWantWriteError, ssl.SSLWantReadError):
                return True
            except OSError:
                return False
            del self.out[:n]
        return True

    def run(self):
        how = "closed by the client"
        self.srv.conn_log({"conn": self.conn_id, "proto": "h2", "event": "open"})
        self.srv.h2_conns_add(self)
        self.tls.setblocking(False)
        with self.cond:
            self.h2.initiate_connection()
            self.h2.update_settings(
                {h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS: MAX_STREAMS})
        try:
            while not self.srv.stopping.is_set():
                if not self.flush():
                    break
                self.srv.h2_files()
                if self.stopping:
                    how = self.stopping
                    break
                try:
                    r, _, _ = select.select([self.tls, self.wake_r], [self.tls] if self.out
                                            else [], [], POLL_SECONDS)
                except (OSError, ValueError):
                    break
                if self.wake_r in r:
                    try:
                        os.read(self.wake_r, 4096)
                    except BlockingIOError:
                        pass
                if not self.recv():
                    break
            else:
                how = "server stopping"
            if how == "goaway":
                with self.cond:
                    self.h2.close_connection(h2.errors.ErrorCodes.NO_ERROR)
                self.tls.setblocking(True)
                self.tls.settimeout(1)
                self.flush()
        finally:
            with self.cond:
                self.closed = True
                os.close(self.wake_r)
                os.close(self.wake_w)
                self.wake_w = -1
                self.cond.notify_all()
            self.srv.h2_conns_remove(self)
            self.srv.conn_log({"conn": self.conn_id, "proto": "h2", "event": "close",
                               "how": how})
