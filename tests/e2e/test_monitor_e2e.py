#!/usr/bin/env python3
"""End-to-end test of opencode-gtk-monitor against a real opencode server.

TAP on stdout.  Env:
  OCG_MONITOR     path of the opencode-gtk-monitor binary (set by meson);
                  a path ending in .py is run with python3
  OPENCODE_BIN    the opencode binary (else PATH, else the npm cache)
  OCG_E2E_KEEP=1  keep the temp dirs (server log, HOME, project)
  OCG_E2E_CUT_MODE  reset (default) | refuse | blackhole: how the proxy
                  treats new connections during the cut
Args:
  --ref           test tests/e2e/ref_monitor.py instead (validates the test)

Monitor contract (from the project's spec):
  opencode-gtk-monitor --server URL --password P --directory DIR --dump-state
                       [--once]
  On SIGINT/SIGTERM it exits and prints one JSON document on stdout:
  {"sessions": {SID: {"info": SESSION, "messages": [{"info": MESSAGE,
   "parts": [PART...]}...]}}, "status": {SID: STATUS}, "todo": {SID: [...]},
   "permission": {SID: [...]}, "question": {SID: [...]}}
  With --once it does not reconnect: it exits when the stream ends (printing
  the dump then).

Cases:
  A. Every scenario (default twice in one session, tools, task, ask, question,
     fail, long) while the monitor watches through a proxy; after everything
     is idle, the monitor's dump must equal the server's state.  A session
     of another directory exists and must not appear (the server's state is
     GET /session?directory=DIR, which filters; the header alone does not).
  B. A fresh monitor started after all that (bootstrap of existing history),
     while one permission and one question are pending: equal state,
     including status busy and the pending requests.
  C. `--once` through the proxy: the proxy ends the stream, the monitor exits
     0 and its dump equals the server's state.
  D. A `long` turn (~6 s) during which the proxy cuts every connection for
     3 s, while (unseen by the monitor) a pending permission is answered, a
     session is deleted and another created: after idle the monitor's state
     still equals the server's.
  E. A wrong password: the monitor exits non-zero and says why on stderr.
"""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from harness import (Harness, HarnessError, cancel_teardown,  # noqa: E402
                     event_session, find_opencode, log, on_teardown,
                     state_diff, wait_for)
from proxy import Proxy  # noqa: E402

PASSWORD = "e2e-secret-pw"
SCENARIOS = ["default", "tools", "task", "ask", "question", "fail", "long"]


# -- TAP ----------------------------------------------------------------------

class Tap:
    def __init__(self, planned):
        self.n = 0
        self.failed = 0
        self.planned = planned
        print("1..%d" % planned, flush=True)

    def ok(self, cond, desc, diag=()):
        self.n += 1
        print("%s %d - %s" % ("ok" if cond else "not ok", self.n, desc))
        if cond:
            diag = ()
        else:
            self.failed += 1
        for line in diag:
            for sub in str(line).splitlines() or [""]:
                print("# " + sub)
        sys.stdout.flush()
        return cond

    def fail_until(self, n, reason):
        """Report test points up to number `n` as failed (not run)."""
        while self.n < min(n, self.planned):
            self.n += 1
            print("not ok %d - not run: %s" % (self.n, reason))
            self.failed += 1
        sys.stdout.flush()


def skip_all(reason):
    print("1..0 # SKIP %s" % reason, flush=True)
    sys.exit(0)


# -- the monitor process ------------------------------------------------------

def monitor_command():
    if "--ref" in sys.argv[1:]:
        return [sys.executable, os.path.join(HERE, "ref_monitor.py")]
    path = os.environ.get("OCG_MONITOR")
    if not path:
        return None
    if path.endswith(".py"):
        return [sys.executable, path]
    return [path]


class Monitor:
    """One opencode-gtk-monitor process."""

    def __init__(self, cmd, server, password, directory, once=False,
                 extra=()):
        self.args = list(cmd) + ["--server", server, "--directory", directory,
                                 "--dump-state"]
        if password is not None:
            self.args += ["--password", password]
        if once:
            self.args.append("--once")
        self.args += list(extra)
        # What it received, as it arrives: tells how far it has read
        self.recordf = tempfile.NamedTemporaryFile(prefix="monitor-", suffix=".sse")
        self.args += ["--record", self.recordf.name]
        self.errf = tempfile.TemporaryFile()
        self.outf = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL,
                                     stdout=self.outf, stderr=self.errf)
        self.rc = None
        self.since = None
        self._cleanup = on_teardown(self.kill)

    def alive(self):
        return self.proc.poll() is None

    def _read(self, f):
        f.seek(0)
        return f.read().decode("utf-8", "replace")

    def stderr(self):
        return self._read(self.errf)

    def stdout(self):
        return self._read(self.outf)

    def wait(self, timeout):
        """Wait for it to exit by itself; rc or None on timeout."""
        try:
            self.rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        return self.rc

    def stop(self, sig=signal.SIGTERM, timeout=20):
        """Signal it and wait; returns the exit status (None: had to kill)."""
        if self.alive():
            self.proc.send_signal(sig)
            try:
                self.rc = self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                return None
        else:
            self.rc = self.proc.returncode
        cancel_teardown(self._cleanup)
        return self.rc

    def kill(self):
        cancel_teardown(self._cleanup)
        if self.alive():
            self.proc.kill()
            self.proc.wait(5)

    def received(self):
        """The events it received so far, decoded (data lines only)."""
        with open(self.recordf.name, "rb") as f:
            raw = f.read().replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        events = []
        for block in raw.split(b"\n\n")[:-1]:
            data = [line[5:].lstrip(b" ") if line.startswith(b"data:") else None
                    for line in block.split(b"\n")]
            data = [d for d in data if d is not None]
            if not data:
                continue
            try:
                events.append(json.loads(b"\n".join(data)))
            except ValueError:
                pass
        return events

    def has_received(self, event):
        return event in reversed(self.received())

    def wait_caught_up(self, h, timeout=30):
        """Until it has received the last event the harness saw (but
        heartbeats): what the monitor applies, it applies as it records, so
        its stores are as current as the harness's view."""
        assert self.since is not None, "wait_connected() first"
        with h.events.cond:
            last = next((e for _, e in reversed(h.events.events[self.since:])
                         if e.get("type") != "server.heartbeat"), None)
        if last is not None:
            wait_for(lambda: self.has_received(last) or not self.alive(),
                     timeout, 0.05, "the monitor to receive the last event")

    def follow_from(self, h, since_time):
        """The events the harness saw after @since_time (monotonic) are the
        monitor's too: after a cut, those before its new connection are
        not."""
        with h.events.cond:
            self.since = next((i for i, (t, _) in enumerate(h.events.events)
                               if t > since_time), len(h.events.events))

    def wait_connected(self, h, timeout=30):
        """Until its event stream is open (the server's first event); the
        events the harness sees from then on are the monitor's too."""
        wait_for(lambda: any(e.get("type") == "server.connected"
                             for e in self.received()) or not self.alive(),
                 timeout, 0.05, "the monitor to connect")
        self.since = h.events.mark()

    def dump(self):
        """The JSON document it printed: (value or None, problem or None)."""
        text = self.stdout().strip()
        if not text:
            return None, "no output on stdout"
        try:
            return json.loads(text), None
        except ValueError as e:
            start = text.find("{")
            if start >= 0:
                try:
                    val, end = json.JSONDecoder().raw_decode(text[start:])
                    return val, ("stdout is not just one JSON document (%s); "
                                 "parsed the one at offset %d" % (e, start))
                except ValueError:
                    pass
            return None, "stdout is not JSON (%s): %r" % (e, text[:300])


def tail(text, n=1500):
    text = text or ""
    return text if len(text) <= n else "..." + text[-n:]


def start_monitor(tap_diag, cmd, h, server_url, password=PASSWORD,
                  proxy=None, timeout=20, once=False):
    """Start a monitor; when it goes through `proxy`, wait until it holds a
    connection there (its event stream), then a little more."""
    mon = Monitor(cmd, server_url, password, h.project, once=once)
    if proxy is not None:
        try:
            wait_for(lambda: proxy.connections() > 0 or not mon.alive(),
                     timeout, 0.05, "the monitor to connect")
        except HarnessError:
            tap_diag.append("the monitor opened no connection in %d s"
                            % timeout)
    try:
        mon.wait_connected(h, timeout)
    except HarnessError:
        tap_diag.append("the monitor received no event in %d s" % timeout)
    return mon


def stop_and_compare(tap, mon, h, what):
    """SIGTERM the monitor, then compare its dump to the server's state.
    Emits three test points."""
    server = h.server_state()
    rc = mon.stop()
    dump, problem = mon.dump()
    err = mon.stderr()
    tap.ok(rc == 0 and dump is not None and problem is None,
           "%s: monitor exits 0 on SIGTERM and prints one JSON document"
           % what,
           ["exit status: %s" % rc] + ([problem] if problem else []) +
           (["stderr: " + tail(err)] if (rc != 0 or problem) else []))
    if dump is None or not isinstance(dump, dict):
        tap.ok(False, "%s: monitor sessions equal the server's" % what,
               ["no dump"])
        tap.ok(False, "%s: monitor status/todo/permission/question equal "
               "the server's" % what, ["no dump"])
        return server, None
    sess, rest = state_diff(dump, server)
    tap.ok(not sess, "%s: monitor sessions equal the server's (%d sessions, "
           "%d messages)" % (what, len(server["sessions"]),
                             sum(len(s["messages"])
                                 for s in server["sessions"].values())),
           ["first differences (monitor vs server):"] + sess +
           (["monitor stderr: " + tail(err)] if sess else []))
    tap.ok(not rest, "%s: monitor status/todo/permission/question equal the "
           "server's" % what,
           ["first differences (monitor vs server):"] + rest)
    return server, dump


# -- server-side expectations -------------------------------------------------

def check_scenario_events(h, sid, name, since):
    """Problems with the events a scenario produced (empty: fine)."""
    evs = [e for _, e in h.events.events[since:]]
    mine = [e for e in evs if event_session(e) == sid]
    types = [e["type"] for e in mine]
    problems = []

    def need(t, n=1):
        if types.count(t) < n:
            problems.append("%s: expected >= %d %s, got %d"
                            % (name, n, t, types.count(t)))

    for t in ("session.status", "session.idle", "message.updated",
              "message.part.updated"):
        need(t)
    msgs = h.all_messages(sid)
    tool_parts = [p for m in msgs for p in m["parts"] if p["type"] == "tool"]
    tools = {(p["tool"], p["state"]["status"]) for p in tool_parts}
    if name == "default":
        need("message.part.delta", 2)
        kinds = [p["type"] for m in msgs for p in m["parts"]]
        if "reasoning" not in kinds or "text" not in kinds:
            problems.append("default: want reasoning and text parts, got %s"
                            % kinds)
    elif name == "tools":
        need("todo.updated")
        for want in (("read", "completed"), ("todowrite", "completed"),
                     ("write", "completed"), ("edit", "completed")):
            if want not in tools:
                problems.append("tools: no %s %s part (have %s)"
                                % (want + (sorted(tools),)))
        for t in ("glob", "grep"):
            if not any(x[0] == t for x in tools):
                problems.append("tools: no %s part" % t)
        with open(os.path.join(h.project, "notes.txt")) as f:
            if f.read() != "alpha\ngamma\n":
                problems.append("tools: notes.txt was not written and edited")
        text = "".join(p.get("text", "") for p in msgs[-1]["parts"]
                       if p["type"] == "text")
        for md in ("## Result", "- item", "|---|", "```python"):
            if md not in text:
                problems.append("tools: the answer lacks %r" % md)
    elif name == "task":
        task = [p for p in tool_parts if p["tool"] == "task"]
        child = task and (task[0]["state"].get("metadata") or {}).get(
            "sessionId")
        if not child:
            problems.append("task: no task part with metadata.sessionId")
        else:
            created = [e for e in evs if e["type"] == "session.created"
                       and e["properties"]["info"]["id"] == child]
            if not created or created[0]["properties"]["info"].get(
                    "parentID") != sid:
                problems.append("task: no session.created for the child "
                                "with parentID")
            cmsgs = h.all_messages(child)
            ctools = {(p["tool"], p["state"]["status"]) for m in cmsgs
                      for p in m["parts"] if p["type"] == "tool"}
            if ("bash", "completed") not in ctools:
                problems.append("task: the child ran no bash (%s)" % ctools)
    elif name == "ask":
        need("permission.asked")
        need("permission.replied")
        if ("bash", "completed") not in tools:
            problems.append("ask: bash did not complete (%s)" % tools)
    elif name == "question":
        need("question.asked")
        need("question.replied")
        q = [p for p in tool_parts if p["tool"] == "question"]
        if not q or (q[0]["state"].get("metadata") or {}).get(
                "answers") != [["Blue"]]:
            problems.append("question: the answer Blue was not recorded")
    elif name == "fail":
        need("session.error")
        errs = [e for e in mine if e["type"] == "session.error"]
        if errs and errs[0]["properties"]["error"].get("name") != "APIError":
            problems.append("fail: session.error is not an APIError: %s"
                            % errs[0]["properties"]["error"])
        if not msgs[-1]["info"].get("error"):
            problems.append("fail: the assistant message has no error")
    elif name == "long":
        need("message.part.delta", 100)
        text = "".join(p.get("text", "") for p in msgs[-1]["parts"]
                       if p["type"] == "text")
        if len(text.split()) != 3000:
            problems.append("long: %d words, want 3000" % len(text.split()))
    return problems


def run_all_scenarios(h):
    """Every scenario, one session each (default twice in one session).
    Returns ({name: sid}, problems)."""
    sids, problems = {}, []
    for name in SCENARIOS:
        sid = h.create_session()["id"]
        sids[name] = sid
        mark = h.events.mark()
        t0 = time.monotonic()
        h.run_scenario(sid, name)
        if name == "default":
            h.run_scenario(sid, name)   # a second turn in the same session
        log("scenario %s: %.1f s" % (name, time.monotonic() - t0))
        h.settle(quiet=0.5)
        problems += check_scenario_events(h, sid, name, mark)
    return sids, problems


# -- the cases ----------------------------------------------------------------

def case_scenarios(tap, h, cmd, proxy):
    # A session of another directory: GET /session with only the directory
    # header lists it too (same project "global"), but the monitor of
    # --directory must not show it (it gets no events for it).
    h.create_session(title="another directory",
                     directory=h.other_directory())
    diag = []
    mon = start_monitor(diag, cmd, h, proxy.url, proxy=proxy)
    tap.ok(mon.alive() and not diag, "A: monitor starts and connects through "
           "the proxy", diag + ([] if mon.alive() else
                                ["exited %s: %s" % (mon.proc.returncode,
                                                    tail(mon.stderr()))]))
    try:
        sids, problems = run_all_scenarios(h)
        tap.ok(not problems, "A: every scenario ran on the real server with "
               "its events (%s)" % ", ".join(SCENARIOS), problems)
        h.settle()
        mon.wait_caught_up(h)
        stop_and_compare(tap, mon, h, "A")
    finally:
        mon.kill()
    return sids


def case_pending(tap, h, cmd, proxy):
    diag = []
    mon = start_monitor(diag, cmd, h, proxy.url, proxy=proxy)
    ask = h.create_session()["id"]
    que = h.create_session()["id"]
    try:
        h.prompt_async(ask, "Please run SCENARIO:ask now")
        h.prompt_async(que, "Please run SCENARIO:question now")
        wait_for(lambda: h.permissions() and h.questions(), 60, 0.1,
                 "a pending permission and question")
        h.events.wait_quiet(1.0, 30)
        busy = h.busy_sessions()
        tap.ok(set(busy) == {ask, que} and len(h.permissions()) == 1 and
               len(h.questions()) == 1, "B: server has two busy sessions, a "
               "pending permission and a pending question",
               ["status: %s" % busy])
        mon.wait_caught_up(h)
        stop_and_compare(tap, mon, h, "B (fresh monitor, pending requests)")
    finally:
        mon.kill()
        for req in h.permissions():
            h.reply_permission(req["id"], "once")
        for req in h.questions():
            h.reply_question(req["id"], [["Blue"]])
        h.wait_idle(ask, 60)
        h.wait_idle(que, 60)
        h.settle()


def case_once(tap, h, cmd, proxy):
    """--once: no reconnection; the monitor exits when its stream ends.  The
    proxy ends the stream; the dump printed at that exit must equal the
    server's state."""
    diag = []
    mon = start_monitor(diag, cmd, h, proxy.url, proxy=proxy, once=True)
    try:
        h.settle(quiet=0.5)
        mon.wait_caught_up(h)
        server = h.server_state()
        alive = mon.alive()
        proxy.drop_all()
        rc = mon.wait(30)
        if rc is None:
            mon.kill()
        dump, problem = mon.dump()
        diags = ["alive until the stream ended: %s; exit status: %s "
                 "(None: still running 30 s after the stream ended)"
                 % (alive, rc)] + diag + ([problem] if problem else [])
        sess, rest = [], []
        if dump is not None:
            sess, rest = state_diff(dump, server)
        good = alive and rc == 0 and dump is not None and not problem and \
            not sess and not rest and not diag
        tap.ok(good, "C: --once exits 0 when the stream ends and prints the "
               "server's state", diags + sess + rest +
               ["stderr: " + tail(mon.stderr())])
    finally:
        mon.kill()


def case_cut(tap, h, cmd, proxy):
    """A ~6 s `long` turn in session L; 1 s into its streaming the proxy cuts
    every connection for 3 s.  Before the cut, session Z waits on a
    permission (the monitor sees it pending) and session Y exists.  During
    the cut: Z's permission is answered (Z finishes), Y is deleted, session X
    is created and prompted.  Only a monitor that re-fetches after
    reconnecting (replacing, not merging, statuses and pending requests)
    ends equal to the server."""
    mode = os.environ.get("OCG_E2E_CUT_MODE", "reset")
    diag = []
    mon = start_monitor(diag, cmd, h, proxy.url, proxy=proxy)
    old_delay = h.upstream.delay_ms
    h.upstream.delay_ms = 20          # 300 chunks: a ~6 s turn
    try:
        sid = h.create_session(title="L")["id"]
        h.run_scenario(sid, "default")
        y = h.create_session(title="Y")["id"]
        h.run_scenario(y, "default")
        z = h.create_session(title="Z")["id"]
        h.prompt_async(z, "Please run SCENARIO:ask now")
        wait_for(lambda: [r for r in h.permissions() if r["sessionID"] == z],
                 60, 0.1, "Z's permission request")
        h.events.wait_quiet(0.5, 30)
        mark = h.events.mark()
        t0 = time.monotonic()
        h.prompt_async(sid, "Please run SCENARIO:long now")
        h.events.wait(lambda e: e["type"] == "message.part.delta" and
                      e["properties"].get("sessionID") == sid and
                      e["properties"].get("delta", "").startswith("word"),
                      30, since=mark, what="the long answer to stream")
        # The monitor follows the turn when it is cut off
        wait_for(lambda: any(e.get("type") == "message.part.delta" and
                             e["properties"].get("sessionID") == sid
                             for e in mon.received()), 30, 0.05,
                 "the monitor to receive the long answer")
        busy_before = sid in h.busy_sessions()
        accepted_before = proxy.accepted
        conns_before = proxy.connections()
        t_cut = time.monotonic()
        cut_mark = h.events.mark()
        dropped = proxy.cut(3, mode=mode)
        # While the monitor is cut off:
        for req in h.permissions():
            if req["sessionID"] == z:
                h.reply_permission(req["id"], "once")
        h.request("DELETE", "/session/%s" % y)
        x = h.create_session(title="X")["id"]
        h.prompt_async(x, "Please run SCENARIO:default now")
        try:
            h.events.wait(lambda e: e["type"] == "session.idle" and
                          e["properties"].get("sessionID") == z, 10,
                          since=cut_mark, what="Z to finish")
        except HarnessError:
            pass
        t_actions = time.monotonic() - t_cut
        h.wait_idle(sid, 120)
        t_idle = time.monotonic()
        h.wait_idle(x, 60)
        h.settle()
        deltas = [t for t, e in h.events.events[mark:]
                  if e["type"] == "message.part.delta" and
                  e["properties"].get("sessionID") == sid]
        deltas_at_cut = len([t for t in deltas if t <= t_cut])
        # Give the monitor its reconnection, then a moment.
        try:
            wait_for(lambda: proxy.connections() > 0 and
                     proxy.accepted > accepted_before, 30, 0.1,
                     "the monitor to reconnect")
            reconnected = True
        except HarnessError:
            reconnected = False
        # What the server sent while the monitor was cut off it never gets
        # (it fetches the state instead): it must have what came once its
        # new connection was open (half a second after the proxy forwarded
        # it, for the request to reach the server). Fetches after the
        # reconnection may still be under way: the monitor finishes them
        # before it prints its state.
        resumed = [t for t in proxy.forwarded if t > t_cut]
        if resumed:
            mon.follow_from(h, resumed[0] + 0.5)
            mon.wait_caught_up(h)
        log("cut: actions during the cut took %.1f s; Z idle within it: %s"
            % (t_actions, t_actions < 3.0))
        tap.ok(busy_before and dropped >= 1 and conns_before >= 1 and
               t_idle - t_cut > 3.0 and len(deltas) > deltas_at_cut,
               "D: the proxy cut (%s, 3 s) the monitor off in the middle of "
               "a %.1f s turn, while Z finished, Y was deleted and X began"
               % (mode, t_idle - t0),
               ["busy at cut: %s, connections dropped: %d, turn went on "
                "%.1f s after the cut, deltas before/after the cut: %d/%d, "
                "actions during the cut took %.1f s"
                % (busy_before, dropped, t_idle - t_cut, deltas_at_cut,
                   len(deltas) - deltas_at_cut, t_actions)])
        tap.ok(reconnected, "D: the monitor reconnected after the cut",
               ["monitor alive: %s; stderr: %s"
                % (mon.alive(), tail(mon.stderr()))])
        stop_and_compare(tap, mon, h, "D (after a cut)")
    finally:
        h.upstream.delay_ms = old_delay
        mon.kill()


def case_wrong_password(tap, h, cmd):
    mon = Monitor(cmd, h.url, PASSWORD + "-wrong", h.project)
    rc = mon.wait(30)
    if rc is None:
        mon.kill()
    err = mon.stderr()
    tap.ok(rc is not None and rc != 0,
           "E: with a wrong password the monitor exits non-zero",
           ["exit status: %s (None: still running after 30 s)" % rc])
    tap.ok(re.search(r"passw|authent|unauthori[sz]", err, re.I) is not None,
           "E: its stderr mentions the password / authentication",
           ["stderr: " + tail(err)])


CASES = [  # (name, test points)
    ("A", 5), ("B", 4), ("C", 1), ("D", 5), ("E", 2),
]


def main():
    cmd = monitor_command()
    if not cmd:
        skip_all("OCG_MONITOR is not set")
    if not os.path.exists(cmd[-1]):
        skip_all("monitor %s does not exist" % cmd[-1])
    if not find_opencode():
        skip_all("no opencode binary (OPENCODE_BIN, PATH, or ~/.cache/"
                 "opencode-gtk/opencode-1.18.33)")
    tap = Tap(sum(n for _, n in CASES))
    started = time.monotonic()
    try:
        with Harness(password=PASSWORD) as h:
            log("server %s, project %s" % (h.url, h.project))
            port = int(h.url.rsplit(":", 1)[1])
            with Proxy("127.0.0.1", port) as proxy:
                runs = {
                    "A": lambda: case_scenarios(tap, h, cmd, proxy),
                    "B": lambda: case_pending(tap, h, cmd, proxy),
                    "C": lambda: case_once(tap, h, cmd, proxy),
                    "D": lambda: case_cut(tap, h, cmd, proxy),
                    "E": lambda: case_wrong_password(tap, h, cmd),
                }
                for name, count in CASES:
                    first = tap.n
                    try:
                        runs[name]()
                    except Exception as e:  # noqa: BLE001
                        print("# case %s failed: %r" % (name, e))
                        for line in traceback.format_exc().splitlines():
                            print("# " + line)
                        tap.fail_until(first + count, "case %s: %s" % (
                            name, str(e).splitlines()[0][:100]))
                        try:
                            h.settle(timeout=60)
                        except Exception:  # noqa: BLE001
                            pass
    except Exception as e:  # noqa: BLE001
        print("# error: %r" % e)
        for line in traceback.format_exc().splitlines():
            print("# " + line)
    tap.fail_until(tap.planned, "harness error")
    log("took %.0f s" % (time.monotonic() - started))
    sys.stdout.flush()
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
