#!/usr/bin/env python3
"""End-to-end harness: a real `opencode serve` against a scripted upstream.

Standard library only.  Typical use:

    from harness import Harness
    with Harness(password="s3cret") as h:
        sid = h.create_session()["id"]
        h.run_scenario(sid, "tools")
        state = h.server_state()

`Harness` makes a temp dir holding its own HOME (with
`$HOME/.config/opencode/opencode.json` pointing at the upstream) and a project
dir with a few files, starts `upstream.Upstream`, starts
`opencode serve --hostname 127.0.0.1 --port 0` (cwd = project), waits for
`GET /global/health`, and keeps a `GET /event` recorder running
(`h.events`).  Teardown (also on exceptions, SIGTERM/SIGINT and at exit)
terminates the server, kills its process group after 5 s and removes the
temp dir (unless `keep=True` or env OCG_E2E_KEEP=1).

The opencode binary: env OPENCODE_BIN, else `opencode` on PATH, else
~/.cache/opencode-gtk/opencode-1.18.33/node_modules/opencode-linux-x64/bin/opencode.
"""

import atexit
import base64
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from upstream import Upstream  # noqa: E402

OPENCODE_VERSION = "1.18.33"
CACHE_BIN = os.path.expanduser(
    "~/.cache/opencode-gtk/opencode-%s/node_modules/opencode-linux-x64/bin/"
    "opencode" % OPENCODE_VERSION)
URL_RE = re.compile(r"listening on (http://[0-9.]+:\d+)")
SESSION_LIMIT = 1000000


class HarnessError(Exception):
    pass


class HTTPError(HarnessError):
    def __init__(self, method, path, status, body):
        super().__init__("%s %s -> HTTP %d: %s" % (method, path, status,
                                                   body[:500]))
        self.status = status
        self.body = body


def find_opencode():
    """Path of the opencode binary, or None."""
    env = os.environ.get("OPENCODE_BIN")
    if env:
        return env
    found = shutil.which("opencode")
    if found:
        return found
    if os.access(CACHE_BIN, os.X_OK):
        return CACHE_BIN
    return None


def log(*args):
    """Diagnostics go to stderr (stdout is TAP)."""
    print("#", *args, file=sys.stderr, flush=True)


def wait_for(predicate, timeout, interval=0.1, what="condition"):
    """Poll `predicate()` until it returns a true value; return it."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise HarnessError("timed out after %.0f s waiting for %s"
                               % (timeout, what))
        time.sleep(interval)


# Every live harness, for teardown on signals / exit.
_LIVE = set()
_CLEANUPS = []
_SIGNALS_INSTALLED = False


def on_teardown(fn):
    """Run `fn()` on SIGTERM/SIGINT/SIGHUP or at exit, before the harnesses
    are closed (e.g. to kill a client under test).  Returns `fn`; pass it
    to `cancel_teardown` once it is no longer needed."""
    _install_signal_handlers()
    _CLEANUPS.append(fn)
    return fn


def cancel_teardown(fn):
    try:
        _CLEANUPS.remove(fn)
    except ValueError:
        pass


def _teardown_all():
    while _CLEANUPS:
        fn = _CLEANUPS.pop()
        try:
            fn()
        except Exception as e:  # noqa: BLE001
            log("cleanup failed:", e)
    for h in list(_LIVE):
        try:
            h.close()
        except Exception as e:  # noqa: BLE001
            log("teardown failed:", e)


def _install_signal_handlers():
    global _SIGNALS_INSTALLED
    if _SIGNALS_INSTALLED or threading.current_thread() is not \
            threading.main_thread():
        return
    _SIGNALS_INSTALLED = True
    atexit.register(_teardown_all)

    def handler(signum, frame):
        _teardown_all()
        # Re-raise the default behaviour so the exit status tells the story.
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        try:
            signal.signal(sig, handler)
        except (ValueError, OSError):
            pass


class EventRecorder:
    """Reads an SSE stream (`GET /event` by default) in a thread."""

    def __init__(self, harness, path="/event"):
        self.h = harness
        self.path = path
        self.events = []          # (monotonic time, event dict)
        self.directories = []     # per event: its directory (/global/event)
        self.cond = threading.Condition()
        self.connected = threading.Event()
        self._stop = False
        self._conn = None
        self.thread = threading.Thread(target=self._run, name="events",
                                       daemon=True)

    def start(self):
        self.thread.start()
        if not self.connected.wait(15):
            raise HarnessError("event stream did not connect")
        return self

    def stop(self):
        self._stop = True
        conn = self._conn
        if conn is not None:
            try:
                conn.sock and conn.sock.shutdown(2)
            except OSError:
                pass
            try:
                conn.close()
            except OSError:
                pass

    def _run(self):
        while not self._stop:
            try:
                self._stream()
            except Exception as e:  # noqa: BLE001
                if not self._stop:
                    log("event stream error:", repr(e))
            if not self._stop:
                time.sleep(0.2)

    def _stream(self):
        u = urllib.parse.urlsplit(self.h.url)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        self._conn = conn
        conn.request("GET", self.path, headers=self.h.headers(
            {"Accept": "text/event-stream"}))
        resp = conn.getresponse()
        if resp.status != 200:
            raise HarnessError("GET %s -> %d" % (self.path, resp.status))
        data = []
        while not self._stop:
            line = resp.fp.readline()
            if not line:
                break
            line = line.decode("utf-8").rstrip("\r\n")
            if line == "":
                if data:
                    self._dispatch("\n".join(data))
                    data = []
                continue
            if line.startswith(":"):
                continue
            field, _, value = line.partition(":")
            if value.startswith(" "):
                value = value[1:]
            if field == "data":
                data.append(value)

    def _dispatch(self, text):
        try:
            ev = json.loads(text)
        except ValueError:
            log("bad event data:", text[:200])
            return
        directory = None
        if isinstance(ev, dict) and isinstance(ev.get("payload"), dict):
            # /global/event frames: {"directory": ..., "payload": event}
            directory = ev.get("directory")
            ev = ev["payload"]
        if ev.get("type") == "server.connected":
            self.connected.set()
        with self.cond:
            self.events.append((time.monotonic(), ev))
            self.directories.append(directory)
            self.cond.notify_all()

    # -- queries ----------------------------------------------------------

    def mark(self):
        """An index to pass as `since` to later queries."""
        with self.cond:
            return len(self.events)

    def of_type(self, type_, since=0):
        with self.cond:
            return [e for _, e in self.events[since:] if e.get("type") == type_]

    def types(self, since=0, session=None):
        """Event types since `since` (optionally of one session), in order."""
        with self.cond:
            evs = [e for _, e in self.events[since:]]
        out = []
        for e in evs:
            if session is not None and event_session(e) != session:
                continue
            out.append(e.get("type"))
        return out

    def wait(self, predicate, timeout=30, since=0, what="event"):
        """Wait for an event matching `predicate(ev)`; return it."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for _, e in self.events[since:]:
                    if predicate(e):
                        return e
                left = deadline - time.monotonic()
                if left <= 0:
                    raise HarnessError("timed out waiting for %s" % what)
                self.cond.wait(left)

    def wait_quiet(self, quiet=1.0, timeout=30,
                   ignore=("server.heartbeat",)):
        """Wait until no event (but `ignore`d ones) came for `quiet` s."""
        deadline = time.monotonic() + timeout
        while True:
            with self.cond:
                last = 0.0
                for t, e in reversed(self.events):
                    if e.get("type") not in ignore:
                        last = t
                        break
            now = time.monotonic()
            if now - last >= quiet:
                return
            if now >= deadline:
                raise HarnessError("events did not quiet down")
            time.sleep(min(0.1, quiet))


def event_session(ev):
    """The session id an event is about, if any."""
    p = ev.get("properties") or {}
    for key in ("sessionID",):
        if isinstance(p.get(key), str):
            return p[key]
    for key in ("info", "part"):
        obj = p.get(key)
        if isinstance(obj, dict):
            if key == "info" and ev.get("type", "").startswith("session."):
                return obj.get("id")
            if isinstance(obj.get("sessionID"), str):
                return obj["sessionID"]
    return None


class Harness:
    """A real opencode server, a scripted upstream, temp HOME and project."""

    def __init__(self, password=None, delay_ms=None, keep=None,
                 extra_config=None, extra_env=None, project_files=None,
                 record_events=True, opencode=None, startup_timeout=60,
                 git=True):
        self.password = password
        self.username = "opencode"
        self.keep = keep if keep is not None else \
            os.environ.get("OCG_E2E_KEEP") == "1"
        self.extra_config = extra_config or {}
        self.extra_env = extra_env or {}
        self.project_files = project_files
        self.record_events = record_events
        self.opencode = opencode or find_opencode()
        self.startup_timeout = startup_timeout
        self.delay_ms = delay_ms
        self.git = git
        self.tmp = None
        self.home = None
        self.project = None
        self.upstream = None
        self.proc = None
        self.url = None
        self.events = None
        self._stdout_lines = []
        self._closed = False

    # -- lifecycle --------------------------------------------------------

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()

    def start(self):
        if not self.opencode:
            raise HarnessError("no opencode binary: set OPENCODE_BIN or run "
                               "npm install --prefix ~/.cache/opencode-gtk/"
                               "opencode-%s opencode-ai@%s"
                               % (OPENCODE_VERSION, OPENCODE_VERSION))
        _install_signal_handlers()
        _LIVE.add(self)
        self.tmp = tempfile.mkdtemp(prefix="ocg-e2e-")
        self.home = os.path.join(self.tmp, "home")
        self.project = os.path.join(self.tmp, "demo")
        os.makedirs(os.path.join(self.home, ".config", "opencode"))
        os.makedirs(self.project)
        self._write_project()
        self.upstream = Upstream(delay_ms=self.delay_ms,
                                 workdir=self.project).start()
        self._write_config()
        self._start_server()
        if self.record_events:
            self.events = EventRecorder(self).start()
        return self

    def _write_project(self):
        files = self.project_files
        if files is None:
            files = {
                "README.md": "# Demo\n\nhello from the demo project\n",
                "main.c": "#include <stdio.h>\n\nint main(void)\n{\n"
                          "  puts(\"hello\");\n  return 0;\n}\n",
                "data.txt": "one\ntwo\nthree\n",
            }
        for name, text in files.items():
            path = os.path.join(self.project, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        if self.git and shutil.which("git"):
            # A repository without commits: opencode takes the project dir
            # as the worktree (snapshots, `patch` parts) but the project id
            # stays "global", as in the recorded fixture.
            subprocess.run(["git", "init", "-q", self.project],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           check=False)

    def config(self):
        cfg = {
            "$schema": "https://opencode.ai/config.json",
            "provider": {"fake": {
                "npm": "@ai-sdk/openai-compatible", "name": "Fake",
                "options": {"baseURL": self.upstream.base_url,
                            "apiKey": "x"},
                "models": {"fake-model": {"name": "Fake Model",
                                          "reasoning": True,
                                          "tool_call": True}}}},
            "model": "fake/fake-model",
            "small_model": "fake/fake-model",
            "permission": {"bash": {"*": "allow", "rm *": "ask"},
                           "edit": "allow"},
            "share": "disabled",
            "autoupdate": False,
        }
        cfg.update(self.extra_config)
        return cfg

    def _write_config(self):
        path = os.path.join(self.home, ".config", "opencode", "opencode.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.config(), f, indent=2)

    def server_env(self):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("OPENCODE_", "XDG_"))}
        env["HOME"] = self.home
        env["OPENCODE_DISABLE_AUTOUPDATE"] = "1"
        if self.password is not None:
            env["OPENCODE_SERVER_PASSWORD"] = self.password
        env.update(self.extra_env)
        return env

    def _start_server(self):
        self.server_log = os.path.join(self.tmp, "server.log")
        errf = open(self.server_log, "wb")
        self.proc = subprocess.Popen(
            [self.opencode, "serve", "--hostname", "127.0.0.1", "--port", "0"],
            cwd=self.project, env=self.server_env(),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errf,
            start_new_session=True)
        errf.close()
        found = threading.Event()

        def reader():
            for raw in self.proc.stdout:
                line = raw.decode("utf-8", "replace").rstrip("\n")
                self._stdout_lines.append(line)
                m = URL_RE.search(line)
                if m and not self.url:
                    self.url = m.group(1)
                    found.set()
            found.set()

        threading.Thread(target=reader, name="server-stdout",
                         daemon=True).start()
        if not found.wait(self.startup_timeout) or not self.url:
            raise HarnessError("opencode did not print its URL; stdout: %r; "
                               "log: %s" % (self._stdout_lines,
                                            self.server_log_tail()))
        wait_for(self._healthy, self.startup_timeout, 0.2, "health check")

    def _healthy(self):
        if self.proc.poll() is not None:
            raise HarnessError("opencode exited with %s: %s"
                               % (self.proc.returncode,
                                  self.server_log_tail()))
        try:
            return self.get("/global/health").get("healthy")
        except (OSError, HarnessError):
            return False

    def server_log_tail(self, n=4000):
        try:
            with open(self.server_log, "rb") as f:
                return f.read()[-n:].decode("utf-8", "replace")
        except OSError:
            return ""

    def close(self):
        if self._closed:
            return
        self._closed = True
        _LIVE.discard(self)
        if self.events:
            self.events.stop()
        if self.proc and self.proc.poll() is None:
            try:
                self.proc.terminate()
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
        if self.proc:
            # The tools' children live in the server's process group.
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
            if self.proc.stdout:
                self.proc.stdout.close()
        if self.upstream:
            self.upstream.stop()
        if self.tmp and not self.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)
        elif self.tmp:
            log("kept", self.tmp)

    # -- REST ---------------------------------------------------------------

    def auth_header(self, password=None, username=None):
        pw = self.password if password is None else password
        if pw is None:
            return None
        user = username or self.username
        token = base64.b64encode(("%s:%s" % (user, pw)).encode()).decode()
        return "Basic " + token

    def headers(self, extra=None, password=None):
        h = {"x-opencode-directory": urllib.parse.quote(self.project, safe="/")}
        auth = self.auth_header(password)
        if auth:
            h["Authorization"] = auth
        if extra:
            h.update(extra)
        return h

    def raw_request(self, method, path, body=None, query=None, headers=None,
                    password=None, auth=True, timeout=30):
        """Returns (status, headers (lowercased dict), body bytes)."""
        url = self.url + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        data = None
        hdrs = self.headers(headers, password) if auth else dict(headers or {})
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        req = urllib.request.Request(url, data=data, method=method,
                                     headers=hdrs)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return (resp.status,
                        {k.lower(): v for k, v in resp.headers.items()},
                        resp.read())
        except urllib.error.HTTPError as e:
            return (e.code, {k.lower(): v for k, v in e.headers.items()},
                    e.read())

    def request(self, method, path, body=None, query=None, **kw):
        status, hdrs, data = self.raw_request(method, path, body, query, **kw)
        if status >= 400:
            raise HTTPError(method, path, status,
                            data.decode("utf-8", "replace"))
        if not data:
            return None
        try:
            return json.loads(data)
        except ValueError:
            return data.decode("utf-8", "replace")

    def get(self, path, query=None):
        return self.request("GET", path, query=query)

    def post(self, path, body=None, query=None):
        return self.request("POST", path, body if body is not None else {},
                            query)

    # Sessions ---------------------------------------------------------------

    def create_session(self, title=None, parent_id=None, directory=None):
        """POST /session; `directory` creates it in another directory (for
        non-git directories that is the same project, "global")."""
        body = {}
        if title:
            body["title"] = title
        if parent_id:
            body["parentID"] = parent_id
        if directory:
            return self.request("POST", "/session", body, headers={
                "x-opencode-directory": urllib.parse.quote(directory,
                                                           safe="/")})
        return self.post("/session", body)

    def other_directory(self, name="elsewhere"):
        """A second directory (no git) inside the temp dir."""
        path = os.path.join(self.tmp, name)
        os.makedirs(path, exist_ok=True)
        return path

    def list_sessions(self, **query):
        return self.get("/session", query or None)

    def prompt_async(self, session_id, text, message_id=None, **extra):
        body = {"parts": [{"type": "text", "text": text}]}
        if message_id:
            body["messageID"] = message_id
        body.update(extra)
        return self.request("POST", "/session/%s/prompt_async" % session_id,
                            body)

    def abort(self, session_id):
        return self.post("/session/%s/abort" % session_id)

    def status(self):
        return self.get("/session/status") or {}

    def messages(self, session_id, limit=None, before=None):
        """One page: (messages, next cursor or None)."""
        q = {}
        if limit is not None:
            q["limit"] = limit
        if before:
            q["before"] = before
        status, hdrs, data = self.raw_request(
            "GET", "/session/%s/message" % session_id, query=q or None)
        if status >= 400:
            raise HTTPError("GET", "/session/%s/message" % session_id, status,
                            data.decode("utf-8", "replace"))
        return json.loads(data), hdrs.get("x-next-cursor")

    def all_messages(self, session_id):
        """Every message, following x-next-cursor; in ascending id order."""
        out, cursor, seen = [], None, set()
        while True:
            page, cursor = self.messages(session_id, before=cursor)
            for m in page:
                if m["info"]["id"] not in seen:
                    seen.add(m["info"]["id"])
                    out.append(m)
            if not cursor:
                break
        out.sort(key=lambda m: m["info"]["id"])
        return out

    def todo(self, session_id):
        return self.get("/session/%s/todo" % session_id) or []

    def children(self, session_id):
        return self.get("/session/%s/children" % session_id) or []

    # Permissions and questions -------------------------------------------

    def permissions(self):
        return self.get("/permission") or []

    def questions(self):
        return self.get("/question") or []

    def reply_permission(self, request_id, reply="once", message=None):
        body = {"reply": reply}
        if message:
            body["message"] = message
        return self.post("/permission/%s/reply" % request_id, body)

    def reply_question(self, request_id, answers):
        return self.post("/question/%s/reply" % request_id,
                         {"answers": answers})

    def reject_question(self, request_id):
        return self.post("/question/%s/reject" % request_id)

    # Waiting ----------------------------------------------------------------

    def busy_sessions(self):
        return {sid: st for sid, st in self.status().items()
                if (st or {}).get("type") != "idle"}

    def turn_done(self, session_id):
        """True when the session is idle and its last message is a finished
        assistant message (completed or failed)."""
        if session_id in self.busy_sessions():
            return False
        msgs, _ = self.messages(session_id, limit=1)
        if not msgs:
            return False
        info = msgs[-1]["info"]
        return info.get("role") == "assistant" and (
            (info.get("time") or {}).get("completed") or info.get("error"))

    def wait_idle(self, session_id=None, timeout=120):
        """Wait until `session_id` (or every session) is idle."""
        if session_id is None:
            wait_for(lambda: not self.busy_sessions(), timeout, 0.2,
                     "all sessions idle")
        else:
            wait_for(lambda: self.turn_done(session_id), timeout, 0.2,
                     "session %s idle" % session_id)

    def settle(self, quiet=1.0, timeout=60):
        """Wait until nothing is busy and the event stream is quiet (titles
        and summaries are computed after the turn)."""
        self.wait_idle(None, timeout)
        if self.events:
            self.events.wait_quiet(quiet, timeout)
        self.wait_idle(None, timeout)

    def run_scenario(self, session_id, name, permission_reply="once",
                     question_answers=(("Blue",),), timeout=180,
                     prompt=None, wait=True):
        """Prompt "Please run SCENARIO:<name> now" and drive it to the end,
        answering permissions and questions (of the session and its
        children) while the turn waits.  Returns what was answered."""
        text = prompt or "Please run SCENARIO:%s now" % name
        self.prompt_async(session_id, text)
        answered = {"permission": [], "question": []}
        if not wait:
            return answered
        deadline = time.monotonic() + timeout
        time.sleep(0.1)
        while True:
            for req in self.permissions():
                if req["id"] not in answered["permission"]:
                    self.reply_permission(req["id"], permission_reply)
                    answered["permission"].append(req["id"])
            for req in self.questions():
                if req["id"] not in answered["question"]:
                    self.reply_question(req["id"],
                                        [list(a) for a in question_answers])
                    answered["question"].append(req["id"])
            if self.turn_done(session_id):
                return answered
            if time.monotonic() > deadline:
                raise HarnessError("scenario %s did not finish in %d s"
                                   % (name, timeout))
            time.sleep(0.2)

    # State ----------------------------------------------------------------

    def server_state(self):
        """The server's view, in the monitor's --dump-state shape."""
        sessions = {}
        # GET /session returns at most 100 sessions (newest time.updated
        # first, no cursor) unless given a limit; it lists child sessions
        # too.  Children are fetched explicitly anyway, in case a server
        # stops listing them.
        # With only the x-opencode-directory header GET /session lists every
        # session of the *project* (all non-git directories share the
        # project "global"); ?directory= filters to this directory.
        listed = self.list_sessions(limit=SESSION_LIMIT,
                                    directory=self.project)
        queue = [s["id"] for s in listed]
        infos = {s["id"]: s for s in listed}
        while queue:
            sid = queue.pop()
            for child in self.children(sid):
                if child["id"] not in infos:
                    infos[child["id"]] = child
                    queue.append(child["id"])
        for sid, info in infos.items():
            sessions[sid] = {"info": info,
                             "messages": self.all_messages(sid)}
        todo = {}
        for sid in infos:
            items = self.todo(sid)
            if items:
                todo[sid] = items
        perms, ques = {}, {}
        for req in self.permissions():
            perms.setdefault(req["sessionID"], []).append(req)
        for req in self.questions():
            ques.setdefault(req["sessionID"], []).append(req)
        return {"sessions": sessions, "status": self.status(), "todo": todo,
                "permission": perms, "question": ques}


# -- comparing states ---------------------------------------------------------

def normalize_status(status):
    """Drop idle entries: the server lists only non-idle sessions."""
    return {k: v for k, v in (status or {}).items()
            if (v or {}).get("type") != "idle"}


def diff(a, b, path="", limit=20, out=None, names=("left", "right")):
    """A list of readable differences between two JSON values (at most
    `limit`), naming the sides `names`."""
    if out is None:
        out = []
    if len(out) >= limit:
        return out
    left, right = names
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            p = "%s.%s" % (path, k) if path else str(k)
            if k not in a:
                out.append("%s: missing in %s; %s has %s"
                           % (p, left, right, short(b[k])))
            elif k not in b:
                out.append("%s: missing in %s; %s has %s"
                           % (p, right, left, short(a[k])))
            else:
                diff(a[k], b[k], p, limit, out, names)
            if len(out) >= limit:
                break
    elif isinstance(a, list) and isinstance(b, list):
        ia, ib = item_ids(a), item_ids(b)
        if ia is not None and ib is not None:
            # Lists of objects with ids: match by id, name items by id.
            if ia != ib:
                only_a = [i for i in ia if i not in set(ib)]
                only_b = [i for i in ib if i not in set(ia)]
                if only_a or only_b:
                    out.append("%s: ids differ: only in %s %s; only in %s %s"
                               % (path, left, only_a[:5], right, only_b[:5]))
                else:
                    out.append("%s: same ids in another order: %s %s, %s %s"
                               % (path, left, ia[:8], right, ib[:8]))
            bmap = dict(zip(ib, b))
            for i, x in zip(ia, a):
                if i in bmap:
                    diff(x, bmap[i], "%s[%s]" % (path, i), limit, out, names)
                if len(out) >= limit:
                    break
            return out
        if len(a) != len(b):
            out.append("%s: list lengths differ: %s %d, %s %d"
                       % (path, left, len(a), right, len(b)))
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, "%s[%d]" % (path, i), limit, out, names)
            if len(out) >= limit:
                break
    elif not scalar_equal(a, b):
        if isinstance(a, str) and isinstance(b, str) and \
                max(len(a), len(b)) > 80:
            n = 0
            while n < min(len(a), len(b)) and a[n] == b[n]:
                n += 1
            lo = max(0, n - 30)
            out.append("%s: strings differ at offset %d (lengths %s %d, %s "
                       "%d): %s has ...%r..., %s has ...%r..."
                       % (path, n, left, len(a), right, len(b), left,
                          a[lo:n + 50], right, b[lo:n + 50]))
        else:
            out.append("%s: %s has %s, %s has %s"
                       % (path, left, short(a), right, short(b)))
    return out


def scalar_equal(a, b):
    """JSON equality of two non-container values (1 == 1.0, True != 1)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def normalize_state(state):
    """The comparable form of a --dump-state / server_state() document:
    idle statuses, empty todo lists and empty request lists dropped,
    requests sorted by id.  Sessions are left exactly as they are."""
    state = state or {}

    def requests(d):
        return {sid: sorted(v, key=lambda r: r.get("id", ""))
                for sid, v in (d or {}).items() if v}

    return {
        "sessions": state.get("sessions"),
        "status": normalize_status(state.get("status")),
        "todo": {sid: v for sid, v in (state.get("todo") or {}).items() if v},
        "permission": requests(state.get("permission")),
        "question": requests(state.get("question")),
    }


def state_diff(a, b, names=("monitor", "server"), limit=20):
    """Differences between two states: (session diffs, other diffs)."""
    na, nb = normalize_state(a), normalize_state(b)
    sessions = diff(na["sessions"], nb["sessions"], "sessions", limit,
                    names=names)
    rest = []
    for key in ("status", "todo", "permission", "question"):
        diff(na[key], nb[key], key, limit, rest, names)
    return sessions, rest


def item_ids(lst):
    """The ids of a list of objects (`id` or `info.id`), or None when some
    item has none or ids repeat."""
    ids = []
    for x in lst:
        if not isinstance(x, dict):
            return None
        i = x.get("id")
        if not isinstance(i, str):
            i = (x.get("info") or {}).get("id") if isinstance(
                x.get("info"), dict) else None
        if not isinstance(i, str):
            return None
        ids.append(i)
    if len(set(ids)) != len(ids):
        return None
    return ids


def short(v, n=160):
    s = json.dumps(v, sort_keys=True)
    return s if len(s) <= n else s[:n] + "...(%d chars)" % len(s)


if __name__ == "__main__":
    # Manual use: start everything and print how to reach it.
    with Harness(password=os.environ.get("OCG_E2E_PASSWORD")) as h:
        print("server:", h.url)
        print("upstream:", h.upstream.base_url)
        print("project:", h.project)
        print("home:", h.home)
        sys.stdout.flush()
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
