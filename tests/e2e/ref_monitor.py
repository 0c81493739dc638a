#!/usr/bin/env python3
"""A reference implementation of `opencode-gtk-monitor --dump-state`.

Standard library only.  It exists to validate the e2e test itself (run
`test_monitor_e2e.py --ref`) and as an executable description of what the C
monitor must do to end equal to the server:

  opencode-gtk-monitor --server URL --password P --directory DIR --dump-state
                       [--once]

- Streams `GET /event` (Basic auth user `opencode`, header
  `x-opencode-directory`).  After each `server.connected` it re-fetches the
  whole state by REST *while not reading the stream* (events pile up in the
  socket and are applied after the snapshot, so no event newer than the
  snapshot is overwritten by it).
- Applies events with the straightforward reducer (upsert by id, delta append,
  remove), reconnects with a short backoff on any error, and treats a stream
  silent for 30 s (3 heartbeats) as dead.
- HTTP 401 at any point: prints "authentication failed (HTTP 401): wrong
  password?" on stderr and exits 2.
- SIGINT/SIGTERM: prints the state as one JSON document on stdout, exits 0.
- `--once`: no reconnection: exit (printing the dump) when the stream ends.
"""

import argparse
import base64
import http.client
import json
import signal
import sys
import threading
import time
import urllib.parse

SESSION_LIMIT = 1000000


class AuthError(Exception):
    pass


class Store:
    def __init__(self):
        self.lock = threading.RLock()
        self.clear()

    def clear(self):
        self.sessions = {}   # sid -> info
        self.messages = {}   # sid -> {mid: info}
        self.parts = {}      # mid -> {pid: part}
        self.status = {}
        self.todo = {}
        self.permission = {}  # sid -> {rid: req}
        self.question = {}

    # -- events ---------------------------------------------------------------

    def apply(self, ev):
        t = ev.get("type")
        p = ev.get("properties") or {}
        with self.lock:
            if t in ("session.created", "session.updated"):
                self.sessions[p["info"]["id"]] = p["info"]
            elif t == "session.deleted":
                sid = p["info"]["id"]
                self.sessions.pop(sid, None)
                for mid in self.messages.pop(sid, {}):
                    self.parts.pop(mid, None)
                self.status.pop(sid, None)
                self.todo.pop(sid, None)
            elif t == "session.status":
                self.status[p["sessionID"]] = p["status"]
            elif t == "todo.updated":
                self.todo[p["sessionID"]] = p["todos"]
            elif t == "message.updated":
                info = p["info"]
                self.messages.setdefault(info["sessionID"], {})[info["id"]] = info
            elif t == "message.removed":
                self.messages.get(p["sessionID"], {}).pop(p["messageID"], None)
                self.parts.pop(p["messageID"], None)
            elif t == "message.part.updated":
                part = p["part"]
                self.parts.setdefault(part["messageID"], {})[part["id"]] = part
            elif t == "message.part.delta":
                part = self.parts.get(p["messageID"], {}).get(p["partID"])
                if part is not None:
                    field = p.get("field") or "text"
                    part[field] = (part.get(field) or "") + p.get("delta", "")
            elif t == "message.part.removed":
                self.parts.get(p["messageID"], {}).pop(p["partID"], None)
            elif t == "permission.asked":
                self.permission.setdefault(p["sessionID"], {})[p["id"]] = p
            elif t == "permission.replied":
                self.permission.get(p["sessionID"], {}).pop(p["requestID"],
                                                            None)
            elif t == "question.asked":
                self.question.setdefault(p["sessionID"], {})[p["id"]] = p
            elif t in ("question.replied", "question.rejected"):
                self.question.get(p["sessionID"], {}).pop(p["requestID"], None)

    # -- snapshot ----------------------------------------------------------

    def load(self, snap):
        with self.lock:
            self.clear()
            for sid, s in snap["sessions"].items():
                self.sessions[sid] = s["info"]
                msgs = self.messages.setdefault(sid, {})
                for m in s["messages"]:
                    msgs[m["info"]["id"]] = m["info"]
                    self.parts[m["info"]["id"]] = {pt["id"]: pt
                                                   for pt in m["parts"]}
            self.status = dict(snap["status"])
            self.todo = dict(snap["todo"])
            for key in ("permission", "question"):
                d = getattr(self, key)
                for req in snap[key]:
                    d.setdefault(req["sessionID"], {})[req["id"]] = req

    def dump(self):
        with self.lock:
            sessions = {}
            for sid, info in self.sessions.items():
                msgs = []
                for mid in sorted(self.messages.get(sid, {})):
                    parts = self.parts.get(mid, {})
                    msgs.append({"info": self.messages[sid][mid],
                                 "parts": [parts[k] for k in sorted(parts)]})
                sessions[sid] = {"info": info, "messages": msgs}
            return {
                "sessions": sessions,
                "status": dict(self.status),
                "todo": {k: v for k, v in self.todo.items() if v},
                "permission": {k: list(v.values())
                               for k, v in self.permission.items() if v},
                "question": {k: list(v.values())
                             for k, v in self.question.items() if v},
            }


class Client:
    def __init__(self, server, password, directory, username="opencode"):
        u = urllib.parse.urlsplit(server)
        self.host, self.port = u.hostname, u.port or 80
        self.base = u.path.rstrip("/")
        self.directory = directory
        self.headers = {}
        if password is not None:
            tok = base64.b64encode(("%s:%s" % (username, password)).encode())
            self.headers["Authorization"] = "Basic " + tok.decode()
        if directory:
            self.headers["x-opencode-directory"] = urllib.parse.quote(
                directory, safe="/")

    def get(self, path, query=None, want_headers=False):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            url = self.base + path
            if query:
                url += "?" + urllib.parse.urlencode(query)
            conn.request("GET", url, headers=self.headers)
            resp = conn.getresponse()
            body = resp.read()
            if resp.status == 401:
                raise AuthError()
            if resp.status >= 400:
                raise OSError("GET %s: HTTP %d %s" % (path, resp.status,
                                                     body[:200]))
            data = json.loads(body) if body else None
            if want_headers:
                return data, resp.getheader("x-next-cursor")
            return data
        finally:
            conn.close()

    def snapshot(self):
        sessions = {}
        # ?directory= filters; the header alone lists the whole project.
        q = {"limit": SESSION_LIMIT}
        if self.directory:
            q["directory"] = self.directory
        for info in self.get("/session", q) or []:
            msgs, cursor = [], None
            while True:
                q = {"before": cursor} if cursor else None
                page, cursor = self.get("/session/%s/message" % info["id"], q,
                                        want_headers=True)
                msgs = page + msgs
                if not cursor:
                    break
            sessions[info["id"]] = {"info": info, "messages": msgs}
        todo = {}
        for sid in sessions:
            items = self.get("/session/%s/todo" % sid)
            if items:
                todo[sid] = items
        return {"sessions": sessions,
                "status": self.get("/session/status") or {},
                "todo": todo,
                "permission": self.get("/permission") or [],
                "question": self.get("/question") or []}


def stream(client, store, stop):
    conn = http.client.HTTPConnection(client.host, client.port, timeout=30)
    try:
        conn.request("GET", client.base + "/event",
                     headers=dict(client.headers, Accept="text/event-stream"))
        resp = conn.getresponse()
        if resp.status == 401:
            raise AuthError()
        if resp.status != 200:
            raise OSError("GET /event: HTTP %d" % resp.status)
        data = []
        while not stop.is_set():
            line = resp.fp.readline()
            if not line:
                raise OSError("stream ended")
            line = line.decode("utf-8").rstrip("\r\n")
            if line.startswith("data:"):
                data.append(line[5:].lstrip(" ") if line[5:6] == " "
                            else line[5:])
                continue
            if line or not data:
                continue
            try:
                ev = json.loads("\n".join(data))
            except ValueError:
                ev = {}
            data = []
            if ev.get("type") == "server.connected":
                # Not reading the stream while fetching: later events wait.
                store.load(client.snapshot())
            else:
                store.apply(ev)
    finally:
        conn.close()


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--password")
    ap.add_argument("--directory")
    ap.add_argument("--dump-state", action="store_true")
    ap.add_argument("--once", action="store_true")
    args = ap.parse_args(argv)
    client = Client(args.server, args.password, args.directory)
    store = Store()

    def auth_fail():
        sys.stderr.write("opencode-gtk-monitor: authentication failed "
                         "(HTTP 401): wrong password?\n")
        sys.stderr.flush()

    stop = threading.Event()
    result = {"auth": False}

    def run():
        backoff = 0.1
        while not stop.is_set():
            try:
                stream(client, store, stop)
            except AuthError:
                result["auth"] = True
                stop.set()
                return
            except Exception as e:  # noqa: BLE001
                if args.once:
                    sys.stderr.write("monitor: %s; exiting (--once)\n" % e)
                    stop.set()
                    return
                sys.stderr.write("monitor: %s; reconnecting\n" % e)
            stop.wait(backoff)
            backoff = min(backoff * 2, 2.0)

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    threading.Thread(target=run, daemon=True).start()
    while not stop.is_set():
        stop.wait(0.2)
    if result["auth"]:
        auth_fail()
        return 2
    if args.dump_state:
        json.dump(store.dump(), sys.stdout)
        sys.stdout.write("\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
