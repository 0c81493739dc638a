#!/usr/bin/env python3
"""The monitor against scripted hostile servers: broken frames, huge events,
bad bytes, cut streams, refusals, silence, signals. For each: the exit status,
one clear line on stderr, no crash, and nothing valid lost."""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap  # noqa: E402

MONITOR = os.environ["OCG_MONITOR"]
TIMEOUT = 20
ENV = dict(os.environ)
# Loopback needs no proxy, and the system's proxy setup (libproxy) must not
# take part in the test
ENV.setdefault("GIO_USE_PROXY_RESOLVER", "dummy")
ENV.pop("OPENCODE_SERVER_PASSWORD", None)
ENV.pop("OPENCODE_SERVER_URL", None)

BOOTSTRAP = ("/session", "/session/status", "/permission", "/question")
SSE_HEADERS = (b"HTTP/1.1 200 OK\r\n"
               b"Content-Type: text/event-stream\r\n"
               b"Cache-Control: no-cache\r\n"
               b"Connection: close\r\n\r\n")

tap = Tap()


# ---------------------------------------------------------------------------
# A scripted server


class Stream:
    """One /event connection, as a script sees it."""

    def __init__(self, server, conn):
        self.server = server
        self.conn = conn
        self.sent = bytearray()

    def headers(self, headers=SSE_HEADERS):
        self.conn.sendall(headers)

    def send(self, data):
        self.conn.sendall(data)
        self.sent += data

    def wait_bootstrap(self, timeout=10):
        """Until the sync has made its first REST calls. Every snapshot is
        then asked for before the events come, so the events win over it
        whenever the answers arrive (an event after a snapshot's request
        could be undone by it)."""
        self.server.wait_requests(self.server.bootstrap_paths(), timeout)

    def hold(self, timeout=TIMEOUT):
        """Keeps the connection open until the server is closed."""
        self.server.stopping.wait(timeout)


class ScriptServer:
    """HTTP on 127.0.0.1: /event runs @script(stream); the REST calls of the
    sync are answered from @rest (JSON), by default as a server with one
    session (SES) and nothing else. Each answer closes its connection; every
    request is recorded."""

    def __init__(self, script=None, rest=None, raw=None):
        self.script = script
        self.raw = raw or {}
        self.rest = {
            "/session": [{"id": SES, "title": "hostile", "time": {"created": 1, "updated": 1}}],
            "/session/status": {},
            "/permission": [],
            "/question": [],
        }
        self.rest.update(rest or {})
        self.requests = []
        self.lock = threading.Condition()
        self.stopping = threading.Event()
        self.conns = []
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.stopping.set()
        try:
            self.listener.close()
        except OSError:
            pass
        for conn in list(self.conns):
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            conn.close()

    def bootstrap_paths(self):
        """What the sync asks for after connecting"""
        paths = list(BOOTSTRAP)
        sessions = self.rest["/session"]
        if isinstance(sessions, list):
            for info in sessions:
                paths += [f"/session/{info['id']}/message", f"/session/{info['id']}/todo"]
        return paths

    def count(self, path):
        with self.lock:
            return sum(1 for r in self.requests if r.split("?")[0] == path)

    def wait_count(self, path, n, timeout=TIMEOUT):
        """Until @path was asked for at least @n times."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while sum(1 for r in self.requests if r.split("?")[0] == path) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{path} was not asked for {n} times: {self.requests}")
                self.lock.wait(left)

    def wait_requests(self, paths, timeout):
        deadline = time.monotonic() + timeout
        with self.lock:
            while not all(any(r.split("?")[0] == p for r in self.requests) for p in paths):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"the monitor did not call {paths}: {self.requests}")
                self.lock.wait(left)

    def _accept(self):
        while not self.stopping.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.conns.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    @staticmethod
    def _read_request(conn):
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            data += chunk
        head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        method, target, _ = head.split("\r\n", 1)[0].split(" ", 2)
        headers = {}
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        return method, target, headers

    def _serve(self, conn):
        try:
            request = self._read_request(conn)
            if request is None:
                return
            method, target, headers = request
            path = target.split("?")[0]
            with self.lock:
                self.requests.append(target)
                self.lock.notify_all()
            if path in self.raw:
                self.raw[path](Stream(self, conn), headers)
            elif path == "/event":
                if self.script is not None:
                    self.script(Stream(self, conn))
            else:
                self._answer_rest(conn, path)
            try:
                conn.shutdown(socket.SHUT_WR)
            except OSError:
                pass
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            conn.close()

    def _answer_rest(self, conn, path):
        if path in self.rest:
            status, body = 200, self.rest[path]
        elif path.endswith("/message") or path.endswith("/todo"):
            status, body = 200, []
        else:
            status, body = 404, {"name": "NotFound", "data": {"message": "no such thing"}}
        if isinstance(body, tuple):
            status, body = body
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        conn.sendall(f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
                     f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode() + data)


# ---------------------------------------------------------------------------
# Frames and the monitor


def frame(obj, event_id=None, event=None):
    data = obj if isinstance(obj, (bytes, str)) else json.dumps(obj, ensure_ascii=False)
    if isinstance(data, str):
        data = data.encode()
    out = b""
    if event is not None:
        out += b"event: " + event.encode() + b"\n"
    if event_id is not None:
        out += b"id: " + event_id.encode() + b"\n"
    return out + b"data: " + data + b"\n\n"


SES = "ses_hostile"
MSG = "msg_hostile"


def session(title="hostile", sid=SES):
    return {"type": "session.updated",
            "properties": {"info": {"id": sid, "title": title, "time": {"created": 1, "updated": 1}}}}


def message(mid=MSG, sid=SES):
    return {"type": "message.updated",
            "properties": {"info": {"id": mid, "sessionID": sid, "role": "assistant", "time": {"created": 2}}}}


def part(pid, text="", mid=MSG, sid=SES, **extra):
    p = {"id": pid, "messageID": mid, "sessionID": sid, "type": "text", "text": text}
    p.update(extra)
    return {"type": "message.part.updated", "properties": {"part": p}}


def delta(pid, text, mid=MSG, sid=SES):
    return {"type": "message.part.delta",
            "properties": {"sessionID": sid, "messageID": mid, "partID": pid, "field": "text", "delta": text}}


class Run:
    def __init__(self, proc, out, err, elapsed):
        self.returncode = proc.returncode
        self.stdout = out
        self.stderr = err.decode("utf-8", "replace")
        self.elapsed = elapsed

    def lines(self):
        """The monitor's own messages on stderr"""
        return [l for l in self.stderr.splitlines() if l.startswith("opencode-gtk-monitor:")]

    def state(self):
        return json.loads(self.stdout)

    def __repr__(self):
        return f"<exit {self.returncode} after {self.elapsed:.1f}s, stderr: {self.stderr[-2000:]!r}>"


# LeakSanitizer's own runtime sometimes fails while it stops the process's
# threads at exit ("LeakSanitizer has encountered a fatal error", "Tracer
# caught signal 11"). That is not a leak report (those say "detected memory
# leaks" and still fail); a run without side effects is simply tried again.
LSAN_INTERNAL = b"LeakSanitizer has encountered a fatal error"


def monitor(server, *args, timeout=TIMEOUT, during=None):
    """Runs the monitor against @server; @during(proc) runs while it does."""
    for attempt in range(3):
        run = _monitor_once(server, *args, timeout=timeout, during=during)
        if during is not None or LSAN_INTERNAL not in run.raw_stderr:
            break
    assert_sane(run)
    return run


def _monitor_once(server, *args, timeout=TIMEOUT, during=None):
    url = server if isinstance(server, str) else server.url
    start = time.monotonic()
    proc = subprocess.Popen([MONITOR, "--server", url, *args], env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        if during is not None:
            during(proc)
        out, err = proc.communicate(timeout=timeout)
    except BaseException:
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError(f"the monitor did not finish in {timeout} s; stderr: {err[-2000:]!r}")
    run = Run(proc, out, err, time.monotonic() - start)
    run.raw_stderr = err
    return run


def assert_sane(run):
    assert run.returncode >= 0, f"killed by signal {-run.returncode}: {run!r}"
    for bad in ("Sanitizer", "runtime error:", "-CRITICAL", "-WARNING", "Segmentation"):
        assert bad not in run.stderr, f"{bad} on stderr: {run!r}"


def one_line(run, *needles):
    lines = run.lines()
    assert len(lines) == 1, f"expected one message, got {lines}: {run!r}"
    for needle in needles:
        assert needle in lines[0], f"{needle!r} not in {lines[0]!r}"
    return lines[0]


def parts_of(state, sid=SES, mid=MSG):
    messages = state["sessions"][sid]["messages"]
    return {p["id"]: p for m in messages if m["info"]["id"] == mid for p in m["parts"]}


def stream_script(*frames, hold=False, bootstrap=True):
    def script(stream):
        stream.headers()
        if bootstrap:
            stream.wait_bootstrap()
        for f in frames:
            stream.send(f)
        if hold:
            stream.hold()
    return script


# ---------------------------------------------------------------------------
# Frames that are not what they claim


@tap.case
def malformed_json_between_good_frames():
    frames = [
        frame(session("first")),
        frame(b"{not json"),
        frame(message()),
        frame(b"[1, 2"),
        frame(part("prt_1", "a")),
        frame(b"}"),
        frame(b"   "),
        frame(delta("prt_1", "b")),
        frame(b'{"type": "message.part.delta", "properties": {"partID": "prt_1", "field": "text", "delta": "x"'),
        frame(delta("prt_1", "c")),
        frame(session("last")),
    ]
    with ScriptServer(stream_script(*frames)) as server:
        run = monitor(server, "--once", "--dump-state", "--stats")
    assert run.returncode == 0, run
    state = run.state()
    assert state["sessions"][SES]["info"]["title"] == "last"
    assert parts_of(state)["prt_1"]["text"] == "abc"
    # Logged once (not once per bad frame), counted always
    logged = [l for l in run.stderr.splitlines() if "malformed" in l and "Invalid JSON" in l]
    assert len(logged) == 1, run
    stats = dict(l.split(": ", 1) for l in run.stderr.splitlines() if l.startswith(("malformed:", "events:")))
    assert stats["malformed"] == "5", stats
    assert stats["events"] == str(len(frames)), stats
    assert run.lines() == [], run


@tap.case
def unknown_event_types_are_ignored_silently():
    frames = [
        frame(session()),
        frame({"type": "plugin.exploded", "properties": {"boom": [1, {"x": None}]}}),
        frame({"type": "server.heartbeat", "properties": {}}),
        frame({"type": "x" * 5000, "properties": {}}),
        frame({"type": "message.part.delta.v2", "properties": {"partID": 1}}),
        frame({"type": "session.updated.later", "properties": None}),
        frame(message(), event="not-message"),
        frame(message()),
        frame(b'{"type":"future","properties":{}}', event="ping"),
    ]
    with ScriptServer(stream_script(*frames)) as server:
        run = monitor(server, "--once", "--dump-state", "--stats")
    assert run.returncode == 0, run
    state = run.state()
    assert [m["info"]["id"] for m in state["sessions"][SES]["messages"]] == [MSG]
    assert "malformed" not in run.stderr, run
    assert run.lines() == [], run


@tap.case
def missing_ids_and_wrong_json_types():
    bad = [
        {"type": "session.updated", "properties": {"info": {"title": "no id"}}},
        {"type": "session.updated", "properties": {"info": "a string"}},
        {"type": "session.updated", "properties": [1, 2]},
        {"type": 42, "properties": {}},
        {"type": None},
        {"properties": {}},
        [],
        "a string",
        17,
        None,
        {"type": "message.updated", "properties": {"info": {"id": "msg_x"}}},
        {"type": "message.updated", "properties": {"info": {"id": 5, "sessionID": SES}}},
        {"type": "message.part.updated", "properties": {"part": {"id": "prt_x"}}},
        {"type": "message.part.updated", "properties": {"part": {"id": ["prt_x"], "messageID": MSG}}},
        {"type": "message.part.updated", "properties": {}},
        {"type": "message.part.delta", "properties": {"partID": "prt_1", "field": "text", "delta": 5}},
        {"type": "message.part.delta", "properties": {"partID": "prt_1", "field": "text"}},
        {"type": "message.part.delta", "properties": {"partID": None, "field": "text", "delta": "z"}},
        {"type": "message.part.delta", "properties": {"partID": "prt_1", "field": "", "delta": "z"}},
        {"type": "message.part.delta", "properties": {"partID": "prt_nope", "field": "text", "delta": "z"}},
        {"type": "message.part.delta", "properties": {"partID": "prt_1", "messageID": "msg_other",
                                                      "field": "text", "delta": "z"}},
        {"type": "message.part.delta", "properties": "delta"},
        {"type": "message.part.removed", "properties": {"partID": 3}},
        {"type": "message.removed", "properties": {}},
        {"type": "session.deleted", "properties": {"info": {}}},
        {"type": "session.status", "properties": {"sessionID": SES, "status": "busy"}},
        {"type": "session.status", "properties": {"sessionID": SES}},
        {"type": "session.idle", "properties": {"sessionID": None}},
        {"type": "session.diff", "properties": {"sessionID": SES, "diff": {}}},
        {"type": "session.error", "properties": {"error": "string"}},
        {"type": "todo.updated", "properties": {"sessionID": SES, "todos": {"a": 1}}},
        {"type": "permission.asked", "properties": {"sessionID": SES}},
        {"type": "permission.asked", "properties": {"id": "per_1"}},
        {"type": "permission.replied", "properties": {"requestID": {}}},
        {"type": "question.asked", "properties": {"id": 1, "sessionID": SES}},
        {"type": "question.replied", "properties": {}},
        {"type": "question.rejected", "properties": {"requestID": "que_unknown"}},
    ]
    good = [session(), message(), part("prt_1", "keep")]
    frames = [frame(f) for f in good]
    for i, b in enumerate(bad):
        frames.append(frame(b))
        frames.append(frame(delta("prt_1", str(i % 10))))
    frames.append(frame({"type": "permission.asked",
                         "properties": {"id": "per_ok", "sessionID": SES, "permission": "bash"}}))
    with ScriptServer(stream_script(*frames)) as server:
        run = monitor(server, "--once", "--dump-state")
    assert run.returncode == 0, run
    state = run.state()
    assert state["sessions"][SES]["info"]["title"] == "hostile"
    expected = "keep" + "".join(str(i % 10) for i in range(len(bad)))
    assert parts_of(state)["prt_1"]["text"] == expected, parts_of(state)["prt_1"]["text"]
    assert list(parts_of(state)) == ["prt_1"], parts_of(state)
    assert [p["id"] for p in state["permission"][SES]] == ["per_ok"]
    assert state["status"] == {} and state["todo"] == {}
    # One line per kind of malformed event at most
    logged = [l for l in run.stderr.splitlines() if "malformed" in l]
    assert len(logged) == len(set(l.split(" event: ")[0].split(": ", 1)[-1] for l in logged)), logged
    assert run.lines() == [], run


@tap.case
def deep_nesting_and_concatenated_values():
    deep = b'{"type":"session.updated","properties":{"info":' + b"[" * 1000000 + b"]" * 1000000 + b"}}"
    twice = json.dumps(session("second")).encode() + json.dumps(session("third")).encode()
    nested = session("nested")
    nested["properties"]["info"]["extra"] = json.loads("[" * 500 + "]" * 500)
    # What json-glib reads in its own way: not JSON either
    lenient = [b"{'type':'session.updated','properties':{'info':{'id':'" + SES.encode() + b"'}}}",
               b'{"type": /* } */ "session.updated", "properties": {}}',
               b'{"type":"session.updated","properties":{"info":{"id":"' + SES.encode() + b'","title":"\\q"}}}',
               b'{"type":"session.updated","properties":{"info":{"id":"' + SES.encode() + b'","title":"\\u12"}}}']
    frames = [frame(session("first")), frame(deep), frame(twice), frame(nested), frame(b"{}{}"),
              *map(frame, lenient), frame(message())]
    rest = {"/permission": (200, b"[" * 100000 + b"]" * 100000), "/question": (200, b"[][]")}
    with ScriptServer(stream_script(*frames), rest=rest) as server:
        run = monitor(server, "--once", "--dump-state", "--stats")
    assert run.returncode == 0, run
    state = run.state()
    assert state["sessions"][SES]["info"]["title"] == "nested"
    assert state["sessions"][SES]["info"]["extra"] == nested["properties"]["info"]["extra"]
    assert [m["info"]["id"] for m in state["sessions"][SES]["messages"]] == [MSG]
    assert "malformed: 7" in run.stderr, run
    assert "nested more than 512 deep" in run.stderr, run
    lines = run.lines()
    assert any("fetching permissions failed" in l and "nested more than 512 deep" in l for l in lines), lines
    assert any("fetching questions failed" in l and "text after the value" in l for l in lines), lines


# ---------------------------------------------------------------------------
# Size


def ten_megabytes():
    unit = 'Lorem "ipsum" dolor\\sit é ✓ 😀\n\tamet, '
    size = 10 * 1024 * 1024
    count = size // len(unit.encode())
    text = unit * count
    return text + "x" * (size - len(text.encode()))


@tap.case
def ten_megabyte_delta():
    text = ten_megabytes()
    frames = [frame(session()), frame(message()), frame(part("prt_big", "head:")),
              frame(delta("prt_big", text)), frame(delta("prt_big", ":tail"))]
    with ScriptServer(stream_script(*frames)) as server:
        run = monitor(server, "--once", "--dump-state")
    assert run.returncode == 0, run
    got = parts_of(run.state())["prt_big"]["text"]
    assert len(got.encode()) == len(text.encode()) + len("head::tail"), len(got.encode())
    assert got == "head:" + text + ":tail", "the 10 MB text differs"


@tap.case
def ten_megabyte_tool_output():
    output = ten_megabytes()
    tool = part("prt_tool", tool="bash", callID="call_1",
                state={"status": "completed", "input": {"command": "yes"}, "output": output,
                       "title": "yes", "time": {"start": 1, "end": 2}})
    tool["properties"]["part"]["type"] = "tool"
    del tool["properties"]["part"]["text"]
    frames = [frame(session()), frame(message()), frame(tool), frame(part("prt_after", "after"))]
    with ScriptServer(stream_script(*frames)) as server:
        run = monitor(server, "--once", "--dump-state")
    assert run.returncode == 0, run
    parts = parts_of(run.state())
    assert parts["prt_tool"]["state"]["output"] == output, "the 10 MB output differs"
    assert parts["prt_after"]["text"] == "after"


@tap.case
def event_beyond_the_size_limit():
    # An event larger than the limit ends the connection with a clear word;
    # what came before it stays applied
    text = ten_megabytes()
    frames = [frame(session()), frame(message()), frame(part("prt_small", "kept")),
              frame(delta("prt_small", text))]
    with ScriptServer(stream_script(*frames)) as server:
        run = monitor(server, "--once", "--dump-state", "--max-event-size", "2")
    assert run.returncode != 0, run
    assert "The server sent an event of more than 2 MB" in run.stderr, run
    assert parts_of(run.state())["prt_small"]["text"] == "kept"


# ---------------------------------------------------------------------------
# Bytes


@tap.case
def invalid_utf8_is_replaced_and_the_frame_applied():
    title = b'{"type":"session.updated","properties":{"info":{"id":"' + SES.encode() + \
        b'","title":"bad \xff\xfe here \xe2\x82","time":{"created":1}}}}'
    text = b'{"type":"message.part.delta","properties":{"messageID":"' + MSG.encode() + \
        b'","partID":"prt_1","field":"text","delta":"\xc3(\xed\xa0\x80!"}}'
    broken = b'{"type":"message.part.delta",\xff"properties":{}}'
    # Escapes of lone surrogates (JSON.stringify of a string cut inside a pair)
    lone = (b'{"type":"message.part.updated","properties":{"part":{"id":"prt_2","messageID":"' + MSG.encode()
            + b'","sessionID":"' + SES.encode() + b'","type":"text","text":"cut \\ud83d|\\ude00|\\ud83d\\ude00|'
            + b'\\\\ud800|\\udbff"}}}')
    frames = [frame(session()), frame(message()), frame(part("prt_1", "<")),
              frame(title), frame(text), frame(broken), frame(delta("prt_1", ">")), frame(lone),
              frame(json.dumps(delta("prt_2", "\ud800")).encode())]
    with ScriptServer(stream_script(*frames)) as server:
        run = monitor(server, "--once", "--dump-state")
    assert run.returncode == 0, run
    state = run.state()
    assert state["sessions"][SES]["info"]["title"] == "bad \ufffd\ufffd here \ufffd"
    assert parts_of(state)["prt_1"]["text"] == "<\ufffd(\ufffd\ufffd\ufffd!>", parts_of(state)["prt_1"]
    assert parts_of(state)["prt_2"]["text"] == "cut \ufffd|\ufffd|\U0001f600|\\ud800|\ufffd\ufffd", \
        parts_of(state)["prt_2"]
    # Outside a string the bytes make the JSON invalid: skipped, logged
    assert len([l for l in run.stderr.splitlines() if "malformed" in l]) == 1, run
    assert run.lines() == [], run


@tap.case
def stream_cut_in_the_middle_of_a_line():
    partial = frame(session("never"))[:-20]
    frames = [frame(session("kept")), frame(message()), frame(part("prt_1", "a")), frame(delta("prt_1", "b")),
              b"data: " + json.dumps(delta("prt_1", "undispatched")).encode() + b"\n",
              partial]
    with ScriptServer(stream_script(*frames)) as server:
        run = monitor(server, "--once", "--dump-state")
    assert run.returncode == 0, run
    state = run.state()
    assert state["sessions"][SES]["info"]["title"] == "kept"
    assert parts_of(state)["prt_1"]["text"] == "ab"
    assert run.lines() == [], run


@tap.case
def chunked_stream_cut_in_the_middle_of_a_chunk():
    body = frame(session("kept")) + frame(message()) + frame(part("prt_1", "a")) + frame(session("never"))[:-30]

    def script(stream):
        stream.headers(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                       b"Transfer-Encoding: chunked\r\n\r\n")
        stream.wait_bootstrap()
        # The last chunk claims more bytes than come
        stream.send(b"%x\r\n" % len(body) + body + b"\r\n" + b"100\r\ndata: {")

    with ScriptServer(script) as server:
        run = monitor(server, "--once", "--dump-state")
    # The stream broke: an error, but what came whole is kept and printed
    state = run.state()
    assert state["sessions"][SES]["info"]["title"] == "kept"
    assert "prt_1" in parts_of(state)
    assert run.returncode == 1, run
    one_line(run, "The event stream broke")


# ---------------------------------------------------------------------------
# Refusals


@tap.case
def unauthorized_fails_fast_without_retrying():
    def refuse(stream, headers):
        stream.conn.sendall(b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"opencode\"\r\n"
                            b"Content-Length: 12\r\nConnection: close\r\n\r\nUnauthorized")

    with ScriptServer(raw={"/event": refuse}) as server:
        run = monitor(server, "--dump-state", "--password", "wrong")
        n = server.count("/event")
    assert run.returncode != 0, run
    assert run.elapsed < 5, run
    one_line(run, "password", "401")
    assert n == 1, f"{n} requests"


@tap.case
def server_error_on_first_connect():
    def fail(stream, headers):
        body = b'{"name":"UnknownError","data":{"message":"database is locked"}}'
        stream.conn.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n"
                            b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)

    with ScriptServer(raw={"/event": fail}) as server:
        run = monitor(server, "--dump-state")
        n = server.count("/event")
    assert run.returncode != 0, run
    assert run.elapsed < 5, run
    one_line(run, "500")
    # The server's own words, from the body of its answer
    assert "database is locked (HTTP 500)" in run.lines()[0], run
    assert n == 1, f"{n} requests"


@tap.case
def not_found_and_redirect_loop():
    def missing(stream, headers):
        stream.conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    def loop(stream, headers):
        stream.conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: /event\r\nContent-Length: 0\r\n"
                            b"Connection: close\r\n\r\n")

    with ScriptServer(raw={"/event": missing}) as server:
        run = monitor(server, "--dump-state")
        n = server.count("/event")
    assert run.returncode != 0, run
    one_line(run, "has no event stream at /event (HTTP 404)")
    assert n == 1, f"{n} requests"

    with ScriptServer(raw={"/event": loop}) as server:
        run = monitor(server, "--dump-state")
        n = server.count("/event")
    assert run.returncode != 0, run
    assert run.elapsed < 5, run
    one_line(run)
    assert n <= 30, f"{n} requests"


@tap.case
def server_that_never_answers():
    def silent(stream, headers):
        stream.hold()

    for args in (["--once"], []):
        with ScriptServer(raw={"/event": silent}) as server:
            run = monitor(server, "--dump-state", "--heartbeat-timeout", "2", *args)
        assert run.returncode != 0, run
        assert run.elapsed < 8, run
        one_line(run, "nothing for 2 seconds")


@tap.case
def headers_then_silence():
    def silent(stream, headers):
        stream.headers()
        stream.hold()

    with ScriptServer(raw={"/event": silent}) as server:
        run = monitor(server, "--once", "--dump-state", "--heartbeat-timeout", "2")
    assert run.returncode != 0, run
    assert run.elapsed < 8, run
    one_line(run, "nothing for 2 seconds")
    assert "sessions" in run.state()


@tap.case
def connection_refused():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # Nothing listens on the port any more
    run = monitor(f"http://127.0.0.1:{port}", "--dump-state")
    assert run.returncode != 0, run
    assert run.elapsed < 5, run
    one_line(run, "Cannot reach", f"127.0.0.1:{port}")


@tap.case
def not_an_event_stream():
    def html(stream, headers):
        body = b"<html><body>Hello</body></html>"
        stream.conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                            b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)

    with ScriptServer(raw={"/event": html}) as server:
        run = monitor(server, "--dump-state")
        n = server.count("/event")
    assert run.returncode != 0, run
    one_line(run, "does not answer with an event stream")
    assert n == 1


@tap.case
def not_http_at_all():
    def garbage(stream, headers):
        stream.conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\n\r\n\x00\x01\x02")

    with ScriptServer(raw={"/event": garbage}) as server:
        run = monitor(server, "--once", "--dump-state")
    assert run.returncode != 0, run
    one_line(run, "Cannot reach")


@tap.case
def rest_errors_lose_no_events():
    frames = [frame(session()), frame(message()), frame(part("prt_1", "fine"))]
    rest = {"/session": (500, {"data": {"message": "boom"}}), "/permission": (200, b"not json")}
    with ScriptServer(stream_script(*frames), rest=rest) as server:
        run = monitor(server, "--once", "--dump-state")
    assert run.returncode == 0, run
    assert parts_of(run.state())["prt_1"]["text"] == "fine"
    lines = run.lines()
    assert any("fetching sessions failed" in l and "boom" in l for l in lines), lines
    assert any("fetching permissions failed" in l for l in lines), lines


# ---------------------------------------------------------------------------
# Ending, raw output, recording


@tap.case
def sigterm_while_connected():
    frames = [frame(session()), frame(message()), frame(part("prt_1", "x")), frame(delta("prt_1", "y"))]
    sent = threading.Event()

    def script(stream):
        stream_script(*frames)(stream)
        sent.set()
        stream.hold()

    record = os.path.join(tempfile.mkdtemp(), "stream")

    def recorded():
        try:
            with open(record, "rb") as f:
                return f.read()
        except FileNotFoundError:
            return b""

    def terminate(proc):
        assert sent.wait(TIMEOUT), "the events were not sent"
        # The monitor applies what it received in the same step in which it
        # records it, so once the recording holds the last event, so do the
        # stores
        deadline = time.monotonic() + TIMEOUT
        while not recorded().endswith(frames[-1]):
            assert time.monotonic() < deadline, "the monitor did not receive the events"
            time.sleep(0.01)
        proc.send_signal(signal.SIGTERM)

    with ScriptServer(script) as server:
        run = monitor(server, "--dump-state", "--record", record, during=terminate)
    assert run.returncode == 0, run
    assert parts_of(run.state())["prt_1"]["text"] == "xy"
    assert run.lines() == [], run


@tap.case
def retry_zero_makes_no_reconnect_storm():
    def script(stream):
        stream.headers()
        stream.send(b"retry: 0\n\n" + frame({"type": "x"}))

    elapsed = []

    def let_it_run(proc):
        server.wait_count("/event", 1)
        start = time.monotonic()
        server.wait_count("/event", 5)
        elapsed.append(time.monotonic() - start)
        proc.send_signal(signal.SIGTERM)

    with ScriptServer(script) as server:
        run = monitor(server, "--raw", during=let_it_run)
    assert run.returncode == 0, run
    # Each reconnection waits at least the floor (250 ms, less up to half of
    # it for jitter): four of them take 0.5 s or more, however busy the
    # machine is
    assert elapsed[0] >= 4 * 0.125, f"4 reconnections in {elapsed[0]:.3f} s"
    assert all("reconnecting: The server closed the event stream" in l for l in run.lines()), run
    assert json.loads(run.stdout.decode().splitlines()[-1]) == {"retry": 0}


@tap.case
def raw_keeps_ids_and_retry():
    body = (b"retry: 1234\n"
            + frame({"type": "a"}, event_id="evt_1")
            + b": comment\n"
            + frame({"type": "b"}, event="custom")
            + b"id: evt_\xff3\n" + b"data: {\"type\":\"c\"}\n\n")
    with ScriptServer(stream_script(body, bootstrap=False)) as server:
        run = monitor(server, "--once", "--raw")
    assert run.returncode == 0, run
    lines = [json.loads(l) for l in run.stdout.decode().splitlines()]
    assert lines[:-1] == [
        {"event": "message", "data": '{"type": "a"}', "id": "evt_1"},
        {"event": "custom", "data": '{"type": "b"}', "id": "evt_1"},
        {"event": "message", "data": '{"type":"c"}', "id": "evt_\ufffd3"},
    ], lines
    assert lines[-1] == {"retry": 1234}, lines
    assert run.lines() == [], run


@tap.case
def record_writes_exactly_the_bytes_served():
    body = (b"\xef\xbb\xbf: hello\r\n" + frame(session()) + b"data: \xff\xfe\r\n\r\n"
            + frame(message()).replace(b"\n", b"\r") + frame(part("prt_1", "é" * 70000)) + b"data: partial")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "stream.sse")
        with ScriptServer(stream_script(body)) as server:
            run = monitor(server, "--once", "--dump-state", "--record", path)
        assert run.returncode == 0, run
        with open(path, "rb") as f:
            recorded = f.read()
        assert recorded == body, (len(recorded), len(body))
        # Replaying the recording gives the same state
        replay = subprocess.run([MONITOR, "--replay", path, "--dump-state"], env=ENV,
                                capture_output=True, timeout=TIMEOUT)
    assert replay.returncode == 0, replay.stderr
    assert json.loads(replay.stdout)["sessions"] == run.state()["sessions"]
    assert parts_of(run.state())["prt_1"]["text"] == "é" * 70000


@tap.case
def nul_characters_are_kept_whole():
    """U+0000 in any string, by events and by snapshots, deltas that are only
    a NUL or hold some: the dump is what the server sent"""
    other = "ses_other"
    info = {"id": SES, "title": "a\0b", "time": {"created": 1, "updated": 1}}
    snapshot_info = {"id": other, "title": "\0", "time": {"created": 2, "updated": 2}}
    snapshot_message = {"info": {"id": "msg_snap", "sessionID": other, "role": "user"},
                        "parts": [{"id": "prt_snap", "messageID": "msg_snap", "sessionID": other,
                                   "type": "text", "text": "snap\0shot"}]}
    msg = {"id": MSG, "sessionID": SES, "role": "assistant", "time": {"created": 2},
           "error": {"name": "APIError", "data": {"message": "bad\0request"}}}
    tool = {"id": "prt_2", "messageID": MSG, "sessionID": SES, "type": "tool", "tool": "bash",
            "callID": "call_1", "state": {"status": "completed", "input": {"command": "printf 'x\\0y'"},
                                          "output": "x\0y\0", "title": "print\0f",
                                          "metadata": {"output": "x\0y\0"}, "time": {"start": 1, "end": 2}}}
    permission = {"id": "per_1", "sessionID": SES, "permission": "bash", "patterns": ["rm \0"],
                  "metadata": {"command": "rm \0"}}
    todos = [{"content": "do\0it", "status": "pending", "priority": "high", "id": "1"}]
    status = {"type": "retry", "attempt": 1, "message": "wait\0", "next": 9}
    frames = [frame(session()), frame({"type": "session.updated", "properties": {"info": info}}),
              frame({"type": "message.updated", "properties": {"info": msg}}),
              frame(part("prt_1", "")), frame(delta("prt_1", "before")), frame(delta("prt_1", "\0")),
              frame(delta("prt_1", "\0after\0")), frame(delta("prt_1", "")),
              frame({"type": "message.part.updated", "properties": {"part": tool}}),
              frame({"type": "permission.asked", "properties": permission}),
              frame({"type": "todo.updated", "properties": {"sessionID": SES, "todos": todos}}),
              frame({"type": "session.status", "properties": {"sessionID": SES, "status": status}})]
    rest = {"/session": [snapshot_info, {"id": SES, "title": "hostile", "time": {"created": 1, "updated": 1}}],
            f"/session/{other}/message": [snapshot_message]}
    with ScriptServer(stream_script(*frames), rest=rest) as server:
        run = monitor(server, "--once", "--dump-state")
    assert run.returncode == 0, run
    assert run.lines() == [], run
    # The server's own escape, not a cut string
    assert b"a\\u0000b" in run.stdout and b"before\\u0000\\u0000after\\u0000" in run.stdout, run.stdout
    state = run.state()
    assert state["sessions"][SES]["info"] == info, state["sessions"][SES]["info"]
    assert state["sessions"][SES]["messages"][0]["info"] == msg, state["sessions"][SES]["messages"]
    assert parts_of(state)["prt_1"]["text"] == "before\0\0after\0", parts_of(state)
    assert parts_of(state)["prt_2"] == tool, parts_of(state)
    assert state["sessions"][other] == {"info": snapshot_info, "messages": [snapshot_message]}, state["sessions"]
    assert state["permission"] == {SES: [permission]}, state["permission"]
    assert state["todo"] == {SES: todos}, state["todo"]
    assert state["status"] == {SES: status}, state["status"]


@tap.case
def record_to_an_unwritable_file():
    with ScriptServer(stream_script(frame(session()))) as server:
        run = monitor(server, "--once", "--record", "/nonexistent/dir/stream.sse")
    assert run.returncode != 0, run
    one_line(run, "Cannot write /nonexistent/dir/stream.sse")


if __name__ == "__main__":
    sys.exit(tap.run())
