#!/usr/bin/env python3
"""Opencode GTK side by side with the official web UI (run-vs-web.sh runs it
under Xvfb and a D-Bus session; see tests/bench/README.md).

One isolated `opencode serve` with the scripted upstream of tests/e2e, a
session of 120 messages, then, interleaved, RUNS times each: our app opening
it, the web UI in headless Chromium opening it, a minimal libadwaita window
(the memory floor), and both clients following a 3,000-word answer streamed
in 600 chunks into a fresh session. Prints both sides and the ratios.

Standard library, python3-gi (Atspi, Gio) and the e2e harness.
"""

import argparse
import functools
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))

import harness  # noqa: E402
import upstream  # noqa: E402

import gi  # noqa: E402

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi, Gio, GLib  # noqa: E402

APP_ID = "io.github.opencodegtk.OpencodeGtk"
APP_PATH = "/io/github/opencodegtk/OpencodeGtk"
PASSWORD = "bench-vs-web"
SERVER_PORTS = range(47100, 47200)
UPSTREAM_PORTS = range(47200, 47300)
MESSAGES = 120
MARKER = upstream.CLOSING_ANSWER
MINIMAL_TEXT = "A minimal libadwaita window"
TICK = os.sysconf("SC_CLK_TCK")


def log(*args):
    print("#", *args, file=sys.stderr, flush=True)


def free_port(ports):
    for port in ports:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit("no free port in %d-%d" % (ports.start, ports.stop - 1))


class BenchHarness(harness.Harness):
    """The e2e harness, on fixed ports: the upstream's and the server's are
    given instead of port 0."""

    def __init__(self, server_port, upstream_port, **kw):
        super().__init__(**kw)
        self.server_port = server_port
        self.upstream_port = upstream_port

    def start(self):
        real = harness.Upstream
        harness.Upstream = functools.partial(upstream.Upstream,
                                             port=self.upstream_port)
        try:
            return super().start()
        finally:
            harness.Upstream = real

    def _start_server(self):
        real = harness.subprocess.Popen

        def popen(args, **kw):
            args = list(args)
            if "--port" in args:
                args[args.index("--port") + 1] = str(self.server_port)
            return real(args, **kw)

        harness.subprocess.Popen = popen
        try:
            super()._start_server()
        finally:
            harness.subprocess.Popen = real


# -- processes -----------------------------------------------------------------

def proc_stat(pid):
    """(ppid, utime + stime in ticks) of a process, or None."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            data = f.read().decode()
    except OSError:
        return None
    fields = data[data.rindex(")") + 2:].split()
    return int(fields[1]), int(fields[11]) + int(fields[12])


def tree(root):
    """The pids of `root` and all its descendants; a negative `root` stands
    for the descendants of -root without it (the browser that the web
    client's node process started)."""
    skip = root < 0
    root = abs(root)
    parents = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = proc_stat(int(name))
            if st:
                parents[int(name)] = st[0]
    out, queue = [], [root]
    while queue:
        pid = queue.pop()
        out.append(pid)
        queue.extend(p for p, pp in parents.items() if pp == pid)
    return out[1:] if skip else out


def pss_mb(root):
    """PSS summed over the process tree, in MB (10^6 bytes)."""
    total = 0
    for pid in tree(root):
        try:
            with open("/proc/%d/smaps_rollup" % pid) as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total * 1024 / 1e6


class CpuMeter:
    """CPU time of a process tree, sampled every 50 ms so that processes that
    end in between still count with their last value."""

    def __init__(self, root):
        self.root = root
        self.first = {}
        self.last = {}
        self._stop = threading.Event()
        self._thread = None

    def sample(self, initial=False):
        for pid in tree(self.root):
            st = proc_stat(pid)
            if st:
                # A process that starts later counts from zero
                self.first.setdefault(pid, st[1] if initial else 0)
                self.last[pid] = st[1]

    def start(self):
        self.sample(initial=True)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.wait(0.05):
            self.sample()

    def stop(self):
        self._stop.set()
        self._thread.join()
        self.sample()
        return self.seconds()

    def seconds(self):
        return sum(self.last[p] - self.first.get(p, 0)
                   for p in self.last) / TICK


def tree_ticks(root):
    return sum((proc_stat(p) or (0, 0))[1] for p in tree(root))


def wait_quiet(cpu_seconds, quiet, least, most, quiet_enough):
    """Wait (after at least `least` s) until `quiet_enough(cpu, seconds)`
    holds for the CPU seconds `cpu_seconds()` grew by over the last `quiet`
    s or more; returns whether it did within `most` s."""
    start = time.monotonic()
    time.sleep(least)
    history = [(time.monotonic(), cpu_seconds())]
    while time.monotonic() - start < most:
        time.sleep(0.1)
        now = (time.monotonic(), cpu_seconds())
        history.append(now)
        old = [h for h in history if h[0] <= now[0] - quiet]
        if old and quiet_enough(now[1] - old[-1][1], now[0] - old[-1][0]):
            return True
    return False


def settle(root, quiet=1.0, least=2.0, most=20.0):
    """Wait until the tree used less than 20 ms of CPU in `quiet` s (after at
    least `least` s); returns whether it did within `most` s."""
    return wait_quiet(lambda: tree_ticks(root) / TICK, quiet, least, most,
                      lambda cpu, seconds: cpu < 0.02)


def machine_busy():
    """CPU seconds the whole machine has spent busy so far (all CPUs)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal
    return (sum(fields[:8]) - fields[3] - fields[4]) / TICK


def machine_quiet(quiet=1.0, most=15.0):
    """Wait until the machine as a whole has been nearly idle (under a tenth
    of a CPU) for `quiet` s, so that a client opening does not share the
    CPUs with the last one still exiting or with the server's own work;
    logs it when that does not happen within `most` s."""
    if not wait_quiet(machine_busy, quiet, 0, most,
                      lambda cpu, seconds: cpu / seconds < 0.1):
        log("the machine did not go quiet before a run")


def stop_process(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# -- our app, over AT-SPI ----------------------------------------------------

def atspi_app(pid):
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        try:
            app = desktop.get_child_at_index(i)
            if app is not None and app.get_process_id() == pid:
                return app
        except GLib.Error:
            pass  # an application that has gone (the previous run's)
    return None


def children(acc):
    for i in range(acc.get_child_count()):
        child = acc.get_child_at_index(i)
        if child is not None:
            yield child


def find_named(acc, text):
    """The first accessible under `acc` (last rows first) whose name holds
    `text`."""
    name = acc.get_name() or ""
    if text in name:
        return acc
    for i in range(acc.get_child_count() - 1, -1, -1):
        child = acc.get_child_at_index(i)
        if child is not None:
            found = find_named(child, text)
            if found is not None:
                return found
    return None


def on_screen(frame, acc):
    """Whether `acc` has a non-empty box that overlaps its window."""
    window = frame.get_extents(Atspi.CoordType.WINDOW)
    box = acc.get_extents(Atspi.CoordType.WINDOW)
    return (box.width > 0 and box.height > 0 and box.y < window.height and
            box.y + box.height > 0 and box.x < window.width and
            box.x + box.width > 0)


def label_shown(pid, text):
    app = atspi_app(pid)
    if app is None:
        return False
    for frame in children(app):
        found = find_named(frame, text)
        if found is not None and on_screen(frame, found):
            return True
    return False


def wait_atspi(check, timeout, what):
    deadline = time.monotonic() + timeout
    polls, start = 0, time.monotonic()
    while time.monotonic() < deadline:
        polls += 1
        # libatspi learns of applications that come and go by signals
        context = GLib.MainContext.default()
        while context.pending():
            context.iteration(False)
        try:
            if check():
                if os.environ.get("BENCH_DEBUG"):
                    log("%s: %d polls, %.0f ms each" % (
                        what, polls, (time.monotonic() - start) * 1000 / polls))
                return time.monotonic()
        except GLib.Error:
            pass  # an object went away while being read: read again
        time.sleep(0.01)
    raise harness.HarnessError("timed out waiting for %s" % what)


def open_session_action(directory, session_id, timeout=30):
    """Activates app.open-session over D-Bus as soon as the app owns its
    name (as a notification's button does)."""
    bus = Gio.bus_get_sync(Gio.BusType.SESSION)
    params = GLib.Variant("(sava{sv})", (
        "open-session", [GLib.Variant("(ss)", (directory, session_id))], {}))
    deadline = time.monotonic() + timeout
    while True:
        try:
            bus.call_sync(APP_ID, APP_PATH, "org.gtk.Actions", "Activate",
                          params, None, Gio.DBusCallFlags.NO_AUTO_START,
                          5000, None)
            return
        except GLib.Error:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def client_env(a11y):
    env = dict(os.environ, GSK_RENDERER="cairo", GSETTINGS_BACKEND="memory")
    for key in ("NO_AT_BRIDGE", "GTK_A11Y", "OPENCODE_SERVER_URL",
                "OPENCODE_SERVER_PASSWORD"):
        env.pop(key, None)
    if not a11y:
        env["NO_AT_BRIDGE"] = "1"
        env["GTK_A11Y"] = "none"
    return env


# -- our window's trace ---------------------------------------------------------

def wait_trace(path, kind, timeout, what):
    """The time (monotonic seconds) of the first line `kind TIME` of the
    window's trace at `path`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(path, errors="replace") as f:
            for line in f:
                if line.startswith(kind + " "):
                    return int(line.split()[1]) / 1e6
        time.sleep(0.01)
    raise harness.HarnessError("timed out waiting for %s" % what)


WORD_RE = re.compile(r"word(\d+)")


def last_word(text):
    """The highest N of the words wordN in `text` (the stream600 answer is
    word0 word1 ...), or -1."""
    found = [int(n) for n in WORD_RE.findall(text)]
    return max(found) if found else -1


def percentile(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def screen_delays(deltas, trace, t0, wall):
    """From the events the harness received (monotonic time, properties)
    and the window's trace (see src/app/ocg-trace.c): the delays in ms from
    each delta's arrival to the first frame that showed its last word (p50,
    p99), that of the first delta, frames per second from the prompt to
    session.idle, and those that showed new text."""
    shown = []       # (time, highest word shown)
    frames, changed = 0, set()
    end = t0 + wall
    for line in trace:
        kind, _, rest = line.partition(" ")
        stamp, _, text = rest.partition(" ")
        try:
            t = int(stamp) / 1e6
        except ValueError:
            continue
        if kind == "frame" and t0 <= t <= end:
            frames += 1
        elif kind == "text":
            shown.append((t, last_word(text)))
            if t0 <= t <= end:
                changed.add(t)
    delays = []
    for arrived, props in deltas:
        word = last_word(props.get("delta", ""))
        if word < 0:
            continue
        seen = next((t for t, w in shown if w >= word and t >= arrived - 1), None)
        if seen is not None:
            delays.append(max(0.0, seen - arrived) * 1000)
    first = delays[0] if delays else float("nan")
    return (percentile(delays, 50), percentile(delays, 99), first,
            frames / wall if wall else float("nan"),
            len(changed) / wall if wall else float("nan"))


# -- the benchmark -------------------------------------------------------------

class Bench:
    def __init__(self, args, h):
        self.args = args
        self.h = h
        self.results = {"ours_open": [], "web_open": [], "ours_pss": [],
                        "web_pss": [], "minimal_pss": [], "ours_stream": [],
                        "web_stream": [], "web_fps": [], "web_fps_changed": [],
                        "ours_delay_p50": [], "ours_delay_p99": [],
                        "ours_first_delay": [], "ours_fps": [],
                        "ours_fps_changed": []}

    def app_cmd(self):
        return [self.args.app, "--server", self.h.url, "--password",
                PASSWORD, self.h.project]

    # Sessions

    def make_session(self):
        """The 120-message session: tools, plain and long answers in turn
        (a tools turn is 6 messages, one per model step), then the closing
        turn whose answer the clients are watched for."""
        h = self.h
        sid = h.create_session()["id"]
        h.upstream.delay_ms = 0
        cycle = ["tools", "default", "long", "default"]
        count, turn = 0, 0
        while count < MESSAGES - 2:
            name = cycle[turn % len(cycle)]
            size = 6 if name == "tools" else 2
            if count + size > MESSAGES - 2:
                name, size = "default", 2
            h.run_scenario(sid, name)
            count += size
            turn += 1
        h.run_scenario(sid, "closing")
        h.settle()
        messages = h.all_messages(sid)
        log("session %s: %d turns, %d messages" % (sid, turn + 1,
                                                   len(messages)))
        if len(messages) != MESSAGES:
            log("warning: %d messages, not %d" % (len(messages), MESSAGES))
        h.upstream.delay_ms = self.args.delay_ms
        return sid

    # Ours

    def ours_open(self, sid):
        """Seconds from the process start to the closing turn's text in
        view, as the window's trace says (see src/app/ocg-trace.c), and the
        PSS 5 s later."""
        with tempfile.NamedTemporaryFile(prefix="ocg-trace-", suffix=".txt") as trace:
            env = dict(client_env(True), OCG_TRACE_FILE=trace.name,
                       OCG_TRACE_WATCH=MARKER)
            t0 = time.monotonic()
            proc = subprocess.Popen(self.app_cmd(), env=env,
                                    stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            try:
                open_session_action(self.h.project, sid)
                seen = wait_trace(trace.name, "shown", 120,
                                  "the closing turn in our app")
                time.sleep(5)
                pss = pss_mb(proc.pid)
            finally:
                stop_process(proc)
        return seen - t0, pss

    def ours_stream(self):
        """CPU seconds, and what the window's trace says of the stream: the
        delays from each delta's arrival to its text on screen, frames per
        second, and frames per second that showed new text."""
        sid = self.h.create_session()["id"]
        with tempfile.NamedTemporaryFile(prefix="ocg-trace-", suffix=".txt") as trace:
            env = dict(client_env(False), OCG_TRACE_FILE=trace.name)
            proc = subprocess.Popen(self.app_cmd(), env=env,
                                    stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            try:
                open_session_action(self.h.project, sid)
                if not settle(proc.pid):
                    log("our app did not settle before streaming")
                mark = self.h.events.mark()
                cpu, wall, t0 = self.stream(proc.pid, sid, with_start=True)
            finally:
                stop_process(proc)
            with open(trace.name, errors="replace") as f:
                lines = f.read().splitlines()
        deltas = [(t, e["properties"]) for t, e in self.h.events.events[mark:]
                  if e.get("type") == "message.part.delta" and
                  e["properties"].get("sessionID") == sid]
        return (cpu,) + screen_delays(deltas, lines, t0, wall)

    def minimal(self):
        proc = subprocess.Popen([self.args.minimal], env=client_env(True),
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            try:
                wait_atspi(lambda: label_shown(proc.pid, MINIMAL_TEXT), 60,
                           "the minimal window")
            except harness.HarnessError:
                desktop = Atspi.get_desktop(0)
                log("minimal window: exit status %s; AT-SPI apps: %s" % (
                    proc.poll(), [desktop.get_child_at_index(i).get_name()
                                  for i in range(desktop.get_child_count())]))
                raise
            time.sleep(5)
            return pss_mb(proc.pid)
        finally:
            stop_process(proc)

    # The web UI

    def web(self, mode, sid):
        cmd = ["node", os.path.join(HERE, "web-client.mjs"), mode, self.h.url,
               self.h.project, sid, self.h.username, PASSWORD]
        if mode == "open":
            cmd.append(MARKER)
        return WebClient(cmd)

    def web_open(self, sid):
        client = self.web("open", sid)
        try:
            client.expect("launched", 60)
            seen = client.expect("seen", 120)
            time.sleep(5)
            pss = pss_mb(-client.proc.pid)
            client.send("close")
            client.expect("closed", 30)
        finally:
            client.close()
        return seen["open_s"], pss

    def web_stream(self):
        sid = self.h.create_session()["id"]
        client = self.web("stream", sid)
        try:
            client.expect("ready", 120)
            if not settle(-client.proc.pid):
                log("chromium did not settle before streaming")
            client.send("start")
            client.expect("started", 30)
            cpu, wall = self.stream(-client.proc.pid, sid)
            client.send("stop")
            frames = client.expect("frames", 30)
            client.send("close")
            client.expect("closed", 30)
        finally:
            client.close()
        return cpu, frames["frames"] / wall, frames["changed"] / wall

    # Streaming

    def stream(self, root, sid, with_start=False):
        """CPU seconds of the tree from the prompt to session.idle, and the
        wall time (and when the prompt was sent)."""
        events = self.h.events
        mark = events.mark()
        meter = CpuMeter(root).start()
        t0 = time.monotonic()
        self.h.prompt_async(sid, "Please run SCENARIO:stream600 now")
        events.wait(lambda e: e.get("type") == "session.idle" and
                    (e.get("properties") or {}).get("sessionID") == sid,
                    timeout=300, since=mark, what="session.idle")
        wall = time.monotonic() - t0
        cpu = meter.stop()
        self.h.settle(quiet=0.5)
        return (cpu, wall, t0) if with_start else (cpu, wall)

    # Runs

    def run(self):
        sid = self.make_session()
        r = self.results
        if self.args.only == "memory":
            return self.run_memory(sid)
        for n in range(self.args.runs):
            sides = ["ours", "web"] if n % 2 == 0 else ["web", "ours"]
            for side in sides:
                machine_quiet()
                if side == "ours":
                    t, pss = self.ours_open(sid)
                    r["ours_open"].append(t)
                    r["ours_pss"].append(pss)
                    log("run %d ours: open %.2f s, PSS %.0f MB" % (n + 1, t,
                                                                    pss))
                else:
                    t, pss = self.web_open(sid)
                    r["web_open"].append(t)
                    r["web_pss"].append(pss)
                    log("run %d web: open %.2f s, PSS %.0f MB" % (n + 1, t,
                                                                   pss))
            pss = self.minimal()
            r["minimal_pss"].append(pss)
            log("run %d minimal window: PSS %.0f MB" % (n + 1, pss))
            for side in sides:
                if side == "ours":
                    cpu, p50, p99, first, fps, changed = self.ours_stream()
                    r["ours_stream"].append(cpu)
                    r["ours_delay_p50"].append(p50)
                    r["ours_delay_p99"].append(p99)
                    r["ours_first_delay"].append(first)
                    r["ours_fps"].append(fps)
                    r["ours_fps_changed"].append(changed)
                    log("run %d ours: stream CPU %.2f s, delta to screen "
                        "p50 %.0f ms, p99 %.0f ms, first %.0f ms, %.0f frames/s "
                        "(%.0f with new text)" % (n + 1, cpu, p50, p99, first,
                                                  fps, changed))
                else:
                    cpu, fps, changed = self.web_stream()
                    r["web_stream"].append(cpu)
                    r["web_fps"].append(fps)
                    r["web_fps_changed"].append(changed)
                    log("run %d web: stream CPU %.2f s, %.0f frames/s "
                        "(%.0f with changes)" % (n + 1, cpu, fps, changed))
        return r

    def run_memory(self, sid):
        """Only our app opening the session and the minimal window, in turn:
        the memory comparison, without the web UI or streaming."""
        r = self.results
        for n in range(self.args.runs):
            t, pss = self.ours_open(sid)
            r["ours_open"].append(t)
            r["ours_pss"].append(pss)
            log("run %d ours: open %.2f s, PSS %.0f MB" % (n + 1, t, pss))
            pss = self.minimal()
            r["minimal_pss"].append(pss)
            log("run %d minimal window: PSS %.0f MB (ours/minimal %.2fx)" % (
                n + 1, pss, r["ours_pss"][-1] / pss))
        return r


class WebClient:
    """web-client.mjs, one JSON object a line each way."""

    def __init__(self, cmd):
        # Headless Chromium needs neither the display nor the session bus;
        # on the bus it upsets the accessibility registry that the runs of
        # our app are read through
        env = {k: v for k, v in os.environ.items()
               if k not in ("DISPLAY", "DBUS_SESSION_BUS_ADDRESS",
                            "AT_SPI_BUS_ADDRESS")}
        env["NO_AT_BRIDGE"] = "1"
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True,
                                     env=env)
        self.lines = []
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append(line)
                self.cond.notify_all()
        with self.cond:
            self.lines.append(None)
            self.cond.notify_all()

    def expect(self, event, timeout):
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                while self.lines:
                    line = self.lines.pop(0)
                    if line is None:
                        raise harness.HarnessError(
                            "the web client ended before %r" % event)
                    try:
                        msg = json.loads(line)
                    except ValueError:
                        log("web client:", line.rstrip())
                        continue
                    if msg.get("event") == "error":
                        raise harness.HarnessError("web client: %s"
                                                   % msg.get("message"))
                    if msg.get("event") == event:
                        return msg
                left = deadline - time.monotonic()
                if left <= 0:
                    raise harness.HarnessError("web client: no %r" % event)
                self.cond.wait(left)

    def send(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def close(self):
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def median(values):
    return statistics.median(values) if values else float("nan")


def report(r, args):
    def row(name, ours, web, unit, fmt):
        ratio = ours / web if web else float("nan")
        print("%-24s %10s %10s %9.2fx" % (name, (fmt % ours) + unit,
                                          (fmt % web) + unit, ratio))

    print()
    if args.only == "memory":
        minimal = median(r["minimal_pss"])
        print("Opencode GTK vs a minimal libadwaita window, %d run(s), medians"
              % args.runs)
        print("%-24s %10s" % ("open 120 messages", "%.2f s" % median(r["ours_open"])))
        print("%-24s %10s" % ("PSS after open", "%.0f MB" % median(r["ours_pss"])))
        print("%-24s %10s" % ("minimal window PSS", "%.0f MB" % minimal))
        print("%-24s %10s" % ("PSS ours/minimal",
                              "%.2fx" % (median(r["ours_pss"]) / minimal)))
        print()
        print("runs: " + json.dumps({k: [round(x, 3) for x in v]
                                     for k, v in r.items() if v}))
        return
    print("Opencode GTK vs the official web UI, opencode 1.18.33, %d run(s), "
          "medians" % args.runs)
    print("%-24s %10s %10s %10s" % ("", "ours", "web", "ours/web"))
    row("open 120 messages", median(r["ours_open"]), median(r["web_open"]),
        " s", "%.2f")
    row("PSS after open", median(r["ours_pss"]), median(r["web_pss"]),
        " MB", "%.0f")
    row("stream CPU", median(r["ours_stream"]), median(r["web_stream"]),
        " s", "%.2f")
    minimal = median(r["minimal_pss"])
    print("%-24s %10s" % ("minimal window PSS", "%.0f MB" % minimal))
    print("%-24s %10s" % ("PSS ours/minimal",
                          "%.2fx" % (median(r["ours_pss"]) / minimal)))
    print("%-24s %10s" % ("ours: delta to screen",
                          "p50 %.0f ms, p99 %.0f ms, first token %.0f ms" % (
                              median(r["ours_delay_p50"]),
                              median(r["ours_delay_p99"]),
                              median(r["ours_first_delay"]))))
    print("%-24s %10s" % ("ours frames/s streaming",
                          "%.0f (%.0f with new text)" % (
                              median(r["ours_fps"]),
                              median(r["ours_fps_changed"]))))
    print("%-24s %10s" % ("web frames/s streaming",
                          "%.0f (%.0f with changes)" % (
                              median(r["web_fps"]),
                              median(r["web_fps_changed"]))))
    print()
    print("runs: " + json.dumps({k: [round(x, 3) for x in v]
                                 for k, v in r.items()}))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--app", required=True, help="opencode-gtk to run")
    ap.add_argument("--minimal", required=True,
                    help="the minimal libadwaita window's binary")
    ap.add_argument("--delay-ms", type=int, default=10,
                    help="upstream sleep between streamed chunks")
    ap.add_argument("--only", choices=("all", "memory"), default="all",
                    help="memory: only our app and the minimal window, "
                    "without the web UI or streaming")
    ap.add_argument("--ports", default="%d-%d" % (SERVER_PORTS.start,
                                                  UPSTREAM_PORTS.stop - 1),
                    help="the ports to use, FIRST-LAST: the server's from "
                    "the first half, the upstream's from the second")
    args = ap.parse_args()
    first, last = (int(p) for p in args.ports.split("-"))
    middle = (first + last + 1) // 2

    with BenchHarness(free_port(range(first, middle)),
                      free_port(range(middle, last + 1)),
                      password=PASSWORD) as h:
        log("server %s, upstream %s" % (h.url, h.upstream.base_url))
        results = Bench(args, h).run()
    report(results, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
