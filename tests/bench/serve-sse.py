#!/usr/bin/env python3
"""Serve a recorded event stream like `opencode serve` does at GET /event.

usage: serve-sse.py FILE [--port N] [--once] [--chunk BYTES]

Listens on 127.0.0.1 (port 0 = a free port) and prints the port on the first
line of stdout.  GET /event (any query string) answers 200 text/event-stream
with FILE's bytes, in large chunked-encoding writes, then ends the response and
closes the connection.  Other GET paths the SDK might call get `{}`; anything
else 404.  With --once the server exits after one /event response.
"""

import argparse
import http.server
import os
import sys
import threading
from urllib.parse import urlsplit

# GET endpoints a client may call around a subscription: answer `{}`.
JSON_PATHS = {"/global/health", "/config", "/path", "/session", "/session/status",
              "/agent", "/command", "/config/providers", "/provider", "/permission",
              "/question", "/project/current", "/vcs", "/lsp", "/mcp", "/formatter"}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "opencode-bench"
    sys_version = ""

    def log_message(self, fmt, *args):  # quiet
        pass

    def do_GET(self):
        path = urlsplit(self.path).path
        if path == "/event":
            self.send_event_stream()
            if self.server.once:
                threading.Thread(target=self.server.shutdown, daemon=True).start()
        elif path in JSON_PATHS:
            self.send_small(200, b"{}", "application/json")
        else:
            self.send_small(404, b"Not Found", "text/plain")

    def do_POST(self):
        self.send_small(404, b"Not Found", "text/plain")

    def send_small(self, code, body, ctype):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_event_stream(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        chunk = self.server.chunk
        try:
            with open(self.server.file, "rb", buffering=0) as f:
                while True:
                    data = f.read(chunk)
                    if not data:
                        break
                    self.wfile.write(b"%x\r\n" % len(data) + data + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading (e.g. after its N events)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--once", action="store_true", help="exit after one /event response")
    ap.add_argument("--chunk", type=int, default=1 << 20, help="bytes per write")
    a = ap.parse_args()
    if not os.path.isfile(a.file):
        ap.error("no such file: %s" % a.file)
    srv = Server(("127.0.0.1", a.port), Handler)
    srv.file, srv.once, srv.chunk = a.file, a.once, a.chunk
    print(srv.server_address[1], flush=True)
    try:
        srv.serve_forever(poll_interval=0.05)
    except KeyboardInterrupt:
        pass
    srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
