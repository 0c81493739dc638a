#!/usr/bin/env python3
"""The recorded stream of a real server, replayed through the monitor, ends
in the server's own final state."""

import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, first_difference  # noqa: E402

MONITOR = os.environ["OCG_MONITOR"]
DATA = os.path.join(os.environ["OCG_TEST_DATA"], "opencode-1.18.33")
EVENTS = os.path.join(DATA, "events.sse")
tap = Tap()


def monitor(*args, stdin=None):
    # LeakSanitizer's own runtime sometimes fails while stopping threads at
    # exit (not a leak report, which would say "detected memory leaks"):
    # such a run is tried again
    for attempt in range(3):
        run = subprocess.run([MONITOR, *args], input=stdin, capture_output=True, timeout=60)
        if b"LeakSanitizer has encountered a fatal error" not in run.stderr:
            break
    return run


def expected_state():
    with open(os.path.join(DATA, "state.json"), encoding="utf-8") as f:
        return json.load(f)


@tap.case
def replay_dump_state_equals_server_state():
    run = monitor("--replay", EVENTS, "--dump-state")
    assert run.returncode == 0, run.stderr.decode()
    state = json.loads(run.stdout)
    diff = first_difference(state["sessions"], expected_state())
    assert diff is None, diff
    # Every turn ended, every request answered
    assert state["status"] == {}, state["status"]
    assert state["permission"] == {} and state["question"] == {}
    todo = state["todo"]["ses_e02ff560dffeTxcjcz256LiHVM"]
    assert [t["content"] for t in todo] == ["Write notes", "Edit notes"], todo


@tap.case
def replay_from_standard_input():
    with open(EVENTS, "rb") as f:
        run = monitor("--replay", "-", "--dump-state", stdin=f.read())
    assert run.returncode == 0, run.stderr.decode()
    assert json.loads(run.stdout)["sessions"] == expected_state()


@tap.case
def raw_prints_every_frame_uninterpreted():
    run = monitor("--replay", EVENTS, "--raw")
    assert run.returncode == 0, run.stderr.decode()
    lines = run.stdout.decode().splitlines()
    events = [json.loads(line) for line in lines[:-1]]
    with open(EVENTS, encoding="utf-8") as f:
        frames = [line[len("data: "):] for line in f.read().split("\n") if line.startswith("data: ")]
    assert len(events) == len(frames), (len(events), len(frames))
    assert all(e["event"] == "message" and e["id"] == "" for e in events)
    assert [e["data"] for e in events] == frames
    assert json.loads(lines[-1]) == {"retry": None}


@tap.case
def stats_report_counts():
    run = monitor("--replay", EVENTS, "--stats")
    assert run.returncode == 0
    stats = dict(line.split(": ", 1) for line in run.stderr.decode().splitlines())
    assert int(stats["bytes"]) == os.path.getsize(EVENTS)
    assert int(stats["events"]) > 1000
    assert int(stats["peak_rss_kb"]) > 0


@tap.case
def missing_file_is_a_clear_error():
    run = monitor("--replay", "/nonexistent/stream.sse", "--dump-state")
    assert run.returncode != 0
    assert b"Cannot open /nonexistent/stream.sse" in run.stderr, run.stderr


if __name__ == "__main__":
    sys.exit(tap.run())
