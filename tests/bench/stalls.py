#!/usr/bin/env python3
"""Does the window ever stop answering, whatever the server sends?

Runs the app against a scripted server, one case at a time, each with a
fresh app process, and times a call on the app's D-Bus interface
(org.gtk.Actions.List, answered by the app's main loop) every 50 ms while
the app shows the case. The longest the app took to answer is its worst
stall; the peak RSS comes from /proc.

    tests/bench/run-stalls.sh [CASE ...]

Cases: open-small (a short session: what opening any costs), table-stream,
paragraph-1mb, paragraph-50mb, table-10k-columns, sessions-10k, sessions-100k
(all by default). Standard library and python3-gi only.
"""

import argparse
import http.server
import json
import os
import random
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

APP_ID = "io.github.opencodegtk.OpencodeGtk"
APP_PATH = "/io/github/opencodegtk/OpencodeGtk"
PROJECT = "/tmp/ocg-stall-project"
SES = "ses_stall00000000000000000001"
T0 = 1767225600000  # ms
VERBOSE = False
SCREENSHOTS = None


def session_info(i, sid=None):
    return {"id": sid or "ses_%024d" % i, "slug": "s%d" % i, "projectID": "p", "directory": PROJECT,
            "title": "Session %d about something" % i, "version": "1.18.33",
            "time": {"created": T0 - i * 60000, "updated": T0 - i * 60000}}


def user_message(mid, text):
    return {"info": {"id": mid, "sessionID": SES, "role": "user", "time": {"created": T0},
                     "agent": "build", "model": {"providerID": "p", "modelID": "m"}},
            "parts": [{"id": "prt_" + mid[4:] + "u", "messageID": mid, "sessionID": SES,
                       "type": "text", "text": text}]}


def assistant_info(mid, parent, completed=True):
    info = {"id": mid, "sessionID": SES, "role": "assistant", "parentID": parent,
            "modelID": "m", "providerID": "p", "mode": "build", "agent": "build",
            "path": {"cwd": PROJECT, "root": PROJECT}, "cost": 0,
            "tokens": {"input": 1, "output": 1, "reasoning": 0, "cache": {"read": 0, "write": 0}},
            "time": {"created": T0 + 1}}
    if completed:
        info["time"]["completed"] = T0 + 2
        info["finish"] = "stop"
    return info


def answer(mid, parent, text):
    return {"info": assistant_info(mid, parent),
            "parts": [{"id": "prt_" + mid[4:] + "t", "messageID": mid, "sessionID": SES,
                       "type": "text", "text": text, "time": {"start": T0, "end": T0 + 1}}]}


def wide_table(columns, rows=3):
    head = "|" + "|".join(" c%d " % i for i in range(columns)) + "|\n"
    rule = "|" + "|".join("---" for _ in range(columns)) + "|\n"
    body = "".join("|" + "|".join(" %d " % (r * columns + c) for c in range(columns)) + "|\n"
                   for r in range(rows))
    return head + rule + body


def long_table(size):
    out = ["| name | value | note |\n|---|---|---|\n"]
    n = 0
    total = len(out[0])
    while total < size:
        row = "| row %d | %d | a note with `code` and **bold** text %d |\n" % (n, n * 7, n)
        out.append(row)
        total += len(row)
        n += 1
    return "".join(out)


def paragraph(size):
    words = ["lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit"]
    rng = random.Random(1)
    out = []
    total = 0
    while total < size:
        w = rng.choice(words)
        out.append(w)
        total += len(w) + 1
    return " ".join(out) + "\n"


class Case:
    """What the server holds and streams for one case."""

    def __init__(self, name, sessions=None, messages=None, stream=None, rate=100, open_session=True):
        self.name = name
        self.sessions = sessions if sessions is not None else [session_info(0, SES)]
        self.messages = messages or []
        self.stream = stream          # text streamed as deltas into a new answer
        self.rate = rate              # deltas per second
        self.open_session = open_session


def make_case(name):
    if name == "table-stream":
        return Case(name, messages=[user_message("msg_0001", "Make a big table")],
                    stream=long_table(200 * 1024), rate=100)
    if name in ("paragraph-1mb", "paragraph-50mb"):
        size = 1024 * 1024 * (1 if name == "paragraph-1mb" else 50)
        return Case(name, messages=[user_message("msg_0001", "One long paragraph"),
                                    answer("msg_0002", "msg_0001", paragraph(size))])
    if name == "table-10k-columns":
        return Case(name, messages=[user_message("msg_0001", "A wide table"),
                                    answer("msg_0002", "msg_0001", wide_table(10000))])
    if name == "open-small":
        return Case(name, messages=[user_message("msg_0001", "Hello"),
                                    answer("msg_0002", "msg_0001", "Hello! How can I help?")])
    if name == "sessions-10k":
        return Case(name, sessions=[session_info(i) for i in range(10000)], open_session=False)
    if name == "sessions-100k":
        return Case(name, sessions=[session_info(i) for i in range(100000)], open_session=False)
    raise SystemExit("unknown case %s" % name)


CASES = ["open-small", "table-stream", "paragraph-1mb", "paragraph-50mb", "table-10k-columns", "sessions-10k",
         "sessions-100k"]


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def list_sessions(sessions, query):
    """GET /session as opencode 1.18.33 answers it: the most recently updated
    first; `start` keeps those updated at that time or later, `search` those
    whose title contains it (ASCII case ignored), `limit` (100 when not given)
    the first N."""
    params = urllib.parse.parse_qs(query)
    start = int(float(params.get("start", ["0"])[0]))
    limit = int(float(params.get("limit", ["100"])[0]))
    search = params.get("search", [None])[0]
    out = [s for s in sessions if s["time"]["updated"] >= start and
           (search is None or search.lower() in s.get("title", "").lower())]
    out.sort(key=lambda s: -s["time"]["updated"])
    return json.dumps(out[:limit]).encode()


def make_handler(case, streams):

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def send_json(self, body):
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            path, _, query = self.path.partition("?")
            if path == "/event":
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                self.wfile.write(b'data: {"type":"server.connected","properties":{}}\n\n')
                self.wfile.flush()
                streams.append(self.wfile)
                try:
                    while True:
                        time.sleep(10)
                        self.wfile.write(b'data: {"type":"server.heartbeat","properties":{}}\n\n')
                        self.wfile.flush()
                except OSError:
                    return
            elif path == "/session":
                self.send_json(list_sessions(case.sessions, query))
            elif path == "/session/%s/message" % SES:
                self.send_json(case.messages)
            elif path in ("/session/status", "/config", "/config/providers"):
                self.send_json({})
            elif path.startswith("/session/") and path.endswith("/message"):
                self.send_json([])
            else:
                self.send_json([])

        def do_POST(self):
            self.send_json(True)

    return Handler


def send_event(streams, event):
    data = b"data: " + json.dumps(event).encode() + b"\n\n"
    for w in list(streams):
        try:
            w.write(data)
            w.flush()
        except OSError:
            streams.remove(w)


def stream_answer(streams, text, rate, stop):
    """Streams @text as an answer in deltas of about 20 characters at @rate a
    second (so a 200 KB table takes a while: each delta is one update)."""
    mid = "msg_0002"
    pid = "prt_0002t"
    send_event(streams, {"type": "session.status", "properties": {"sessionID": SES, "status": {"type": "busy"}}})
    send_event(streams, {"type": "message.updated", "properties": {"info": assistant_info(mid, "msg_0001", False)}})
    send_event(streams, {"type": "message.part.updated", "properties": {"part": {
        "id": pid, "messageID": mid, "sessionID": SES, "type": "text", "text": "", "time": {"start": T0}}}})
    chunk = max(1, len(text) // (rate * 20))   # about 20 s in all
    i = 0
    next_t = time.monotonic()
    while i < len(text) and not stop.is_set():
        send_event(streams, {"type": "message.part.delta", "properties": {
            "sessionID": SES, "messageID": mid, "partID": pid, "field": "text", "delta": text[i:i + chunk]}})
        i += chunk
        next_t += 1.0 / rate
        time.sleep(max(0, next_t - time.monotonic()))
    send_event(streams, {"type": "session.status", "properties": {"sessionID": SES, "status": {"type": "idle"}}})


def ping_forever():
    """The pinger's own process (`stalls.py --ping`): calls the app every
    50 ms until its standard input closes, then prints each call's start
    (monotonic) and duration as JSON. Out of the benchmark's process, so the
    scripted server's work (serializing a 50 MB answer holds Python's lock)
    never counts as the app's stall."""
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    done = threading.Event()
    calls = []
    answered = 0

    def wait_for_eof():
        sys.stdin.read()
        done.set()

    threading.Thread(target=wait_for_eof, daemon=True).start()
    while not done.is_set():
        start = time.monotonic()
        try:
            bus.call_sync(APP_ID, APP_PATH, "org.gtk.Actions", "List", None,
                          GLib.VariantType("(as)"), Gio.DBusCallFlags.NONE, 600000, None)
            answered += 1
        except GLib.Error:
            pass
        took = time.monotonic() - start
        calls.append((start, took))
        done.wait(max(0, 0.05 - took))
    json.dump({"answered": answered, "calls": calls}, sys.stdout)


class Pinger:
    """Runs the pinger's process; keeps the longest answer time."""

    def __init__(self):
        self.proc = None
        self.worst = 0.0
        self.answered = 0
        self.calls = []

    def start(self):
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--ping"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def finish(self):
        out, _ = self.proc.communicate(b"", timeout=660)
        result = json.loads(out)
        self.answered = result["answered"]
        self.calls = [tuple(c) for c in result["calls"]]
        self.worst = max((c[1] for c in self.calls), default=0.0)


def peak_rss_mb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_case(name, app, seconds):
    case = make_case(name)
    streams = []
    server = Server(("127.0.0.1", 0), make_handler(case, streams))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d" % server.server_address[1]
    os.makedirs(PROJECT, exist_ok=True)
    env = dict(os.environ, GSETTINGS_BACKEND="memory", GSK_RENDERER=os.environ.get("GSK_RENDERER", "cairo"))
    proc = subprocess.Popen([app, "--server", url, PROJECT], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            bus.call_sync(APP_ID, APP_PATH, "org.gtk.Actions", "List", None, None,
                          Gio.DBusCallFlags.NO_AUTO_START, 1000, None)
            break
        except GLib.Error:
            time.sleep(0.1)
    # The window is up and idle: from now on every stall counts
    time.sleep(1)
    pinger = Pinger()
    pinger.start()
    stop = threading.Event()
    streamer = None
    if case.open_session:
        bus.call_sync(APP_ID, APP_PATH, "org.gtk.Actions", "Activate",
                      GLib.Variant("(sava{sv})", ("open-session", [GLib.Variant("(ss)", (PROJECT, SES))], {})),
                      None, Gio.DBusCallFlags.NONE, 600000, None)
    began = time.monotonic()
    streamed = None
    if case.stream is not None:
        streamer = threading.Thread(target=stream_answer, args=(streams, case.stream, case.rate, stop), daemon=True)
        streamer.start()
        streamer.join(seconds * 4)
        streamed = time.monotonic() - began
    time.sleep(seconds)
    if SCREENSHOTS:
        # What the window showed (ImageMagick's import, when installed)
        subprocess.run(["import", "-window", "root", os.path.join(SCREENSHOTS, name + ".png")],
                       check=False)
    pinger.finish()
    stop.set()
    rss = peak_rss_mb(proc.pid)
    alive = proc.poll() is None
    proc.terminate()
    try:
        _, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    server.shutdown()
    problems = [l for l in err.decode(errors="replace").splitlines() if "CRITICAL" in l or "WARNING" in l]
    if VERBOSE:
        worst = sorted(pinger.calls, key=lambda c: -c[1])[:5]
        print("# %s: longest at %s s after the case began%s" % (
            name, ", ".join("%.1f (%.0f ms)" % (c[0] - began, c[1] * 1000) for c in worst),
            "" if streamed is None else "; the stream ended at %.1f s" % streamed), file=sys.stderr)
    return {"case": name, "worst_ms": pinger.worst * 1000, "answers": pinger.answered,
            "peak_rss_mb": rss, "alive": alive, "problems": problems[:3]}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("cases", nargs="*", default=CASES)
    parser.add_argument("--app", default="_build/src/app/opencode-gtk")
    parser.add_argument("--seconds", type=float, default=5, help="how long to watch after the case arrived")
    parser.add_argument("--screenshots", metavar="DIR", help="save a picture of the screen after each case")
    parser.add_argument("--verbose", action="store_true", help="say when the longest stalls came")
    parser.add_argument("--ping", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ping:
        ping_forever()
        return
    global VERBOSE, SCREENSHOTS
    VERBOSE = args.verbose
    SCREENSHOTS = args.screenshots
    print("%-20s %12s %10s %14s  %s" % ("case", "worst stall", "answers", "peak RSS", "notes"))
    for name in args.cases:
        r = run_case(name, args.app, args.seconds)
        notes = ("" if r["alive"] else "the app died; ") + "; ".join(r["problems"])
        print("%-20s %9.0f ms %10d %11.0f MB  %s" % (name, r["worst_ms"], r["answers"], r["peak_rss_mb"], notes))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
