#!/usr/bin/env python3
"""Generate a realistic opencode `GET /event` stream for the ingestion benchmark.

The stream imitates what opencode 1.18.33 sends (see
tests/data/opencode-1.18.33/events.sse): many sessions, each with
several turns; a turn is a user message and one assistant message per model
step (step-start, reasoning, text, tool parts moving pending -> running ->
completed | error, step-finish), interleaved with session.updated,
session.status, session.diff, heartbeats and the odd permission/question/todo
event.  Around 85 % of the events are `message.part.delta`.  A few sessions
run at once, so their events interleave, and a few turns are aborted while a
part is still streaming (that part then only ever grew by deltas).  The
stream stops after exactly N events, wherever the running turns are.

With --expect FILE it also writes the state a correct reducer ends with:

    {"sessions": {SID: {"info": SESSION,
                        "messages": [{"info": MESSAGE, "parts": [PART, ...]}]}}}

messages and parts in id order.  Python 3 standard library only.
"""

import argparse
import copy
import json
import os
import random
import sys

ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
MASK48 = (1 << 48) - 1
BASE_MS = 1795300000000  # late 2026, like the recording

WORDS = (
    "the function returns a value when called with the right arguments so we "
    "can refactor this module into smaller pieces and keep the tests green "
    "let me check the configuration file first then update the parser and "
    "run the build again to make sure nothing else breaks in the meantime "
    "memory allocation error handling buffer stream client server session "
    "message part delta reducer store index binary search upsert append"
).split()
# Non-ASCII words: Latin accents, CJK, Cyrillic, Greek, emoji (astral plane),
# typographic quotes.
INTL = [
    "naïve", "café", "Übergrößenträger", "façade", "日本語のテキスト", "中文",
    "한국어", "Привет", "мир", "αβγδ", "🚀", "✅", "🙂", "“quoted”", "—",
    "…", "€42", "½", "ñandú", "Ærøskøbing",
]
# Fragments that force JSON escapes: newlines, quotes, backslashes, tabs and
# a control character.
ESCAPY = [
    "\n", "\n\n", "\"value\"", "C:\\Users\\dev", "\t", "path\\to\\file",
    "say \"hi\"", "```c\nint main(void) {\n\treturn 0;\n}\n```\n",
    "- item one\n- item two\n", "| a | b |\n|---|---|\n| 1 | 2 |\n",
    "\x1b[31mred\x1b[0m", "back\\slash", "{\"json\": true}",
]

TOOLS = ["read", "glob", "grep", "bash", "edit", "write", "todowrite", "webfetch", "list"]
SLUG_A = ["lucky", "silent", "brave", "quiet", "rapid", "gentle", "bold", "calm", "eager", "fancy"]
SLUG_B = ["harbor", "cactus", "river", "falcon", "meadow", "comet", "forest", "island", "canyon", "lantern"]


def dumps(obj):
    # Like JSON.stringify: compact, raw UTF-8, only required escapes.
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


class Gen:
    def __init__(self, n_events, seed, n_sessions, concurrency, out):
        self.n_events = n_events
        self.rng = random.Random(seed)
        self.n_sessions = n_sessions
        self.concurrency = concurrency
        self.out = out
        self.clock = BASE_MS
        self.id_ms = None
        self.id_counter = 0
        self.count = 0
        self.bytes = 0
        self.type_counts = {}
        self.last_heartbeat = BASE_MS
        # Truth: what a correct reducer holds.
        self.sessions = {}   # sid -> info
        self.messages = {}   # sid -> {mid -> info}
        self.parts = {}      # mid -> {pid -> part}
        self.msg_session = {}
        self.roots = []      # top-level sessions, in creation order
        self.busy = set()    # sessions with a turn under way

    # -- ids ---------------------------------------------------------------
    def _id_value(self):
        ms = self.clock
        if ms != self.id_ms:
            self.id_ms, self.id_counter = ms, 0
        self.id_counter += 1
        if self.id_counter >= 0x1000:  # counter full: move to the next ms
            self.clock += 1
            return self._id_value()
        return (ms * 0x1000 + self.id_counter) & MASK48

    def _rand14(self):
        return "".join(self.rng.choices(ALNUM, k=14))

    def asc(self, prefix):
        return "%s_%012x%s" % (prefix, self._id_value(), self._rand14())

    def desc(self, prefix):
        return "%s_%012x%s" % (prefix, (~self._id_value()) & MASK48, self._rand14())

    # -- output ------------------------------------------------------------
    def tick(self, lo, hi):
        self.clock += self.rng.randint(lo, hi)

    def full(self):
        """Stop before touching the truth for an event that won't be written."""
        if self.count >= self.n_events:
            raise StopIteration_

    def emit(self, typ, props):
        self.full()
        if typ != "message.part.delta":
            self.tick(0, 6)
        else:
            self.tick(0, 2)
        ev = {"id": self.asc("evt"), "type": typ, "properties": props}
        line = "data: " + dumps(ev) + "\n\n"
        self.out.write(line)
        self.bytes += len(line.encode("utf-8"))
        self.count += 1
        self.type_counts[typ] = self.type_counts.get(typ, 0) + 1
        if self.count < self.n_events and self.clock - self.last_heartbeat >= 10000:
            self.last_heartbeat = self.clock
            self.emit("server.heartbeat", {})

    # -- truth-keeping emitters --------------------------------------------
    def session_event(self, typ, info):
        self.full()
        self.sessions[info["id"]] = copy.deepcopy(info)
        self.messages.setdefault(info["id"], {})
        self.emit(typ, {"sessionID": info["id"], "info": info})

    def message_event(self, info):
        self.full()
        sid = info["sessionID"]
        self.messages.setdefault(sid, {})[info["id"]] = copy.deepcopy(info)
        self.msg_session[info["id"]] = sid
        self.emit("message.updated", {"sessionID": sid, "info": info})

    def part_event(self, part):
        self.full()
        self.parts.setdefault(part["messageID"], {})[part["id"]] = copy.deepcopy(part)
        self.emit("message.part.updated",
                  {"sessionID": part["sessionID"], "part": part, "time": self.clock})

    def delta_event(self, part, delta):
        self.full()
        stored = self.parts[part["messageID"]][part["id"]]
        stored["text"] = stored.get("text", "") + delta
        self.emit("message.part.delta", {
            "sessionID": part["sessionID"], "messageID": part["messageID"],
            "partID": part["id"], "field": "text", "delta": delta})

    # -- content -----------------------------------------------------------
    def text(self, lo, hi):
        rng = self.rng
        target = rng.randint(lo, hi)
        bits = []
        size = 0
        while size < target:
            r = rng.random()
            if r < 0.06:
                w = rng.choice(INTL)
            elif r < 0.10:
                w = rng.choice(ESCAPY)
            else:
                w = rng.choice(WORDS)
            bits.append(w)
            size += len(w) + 1
        return " ".join(bits)

    def split(self, text):
        """Deltas of 1..30 code points (never splitting a code point)."""
        out = []
        i = 0
        while i < len(text):
            k = self.rng.randint(1, 30)
            out.append(text[i:i + k])
            i += k
        return out

    def tokens(self, big=False):
        r = self.rng
        if not big:
            return {"input": 0, "output": 0, "reasoning": 0, "cache": {"read": 0, "write": 0}}
        return {"input": r.randint(1000, 90000), "output": r.randint(10, 4000),
                "reasoning": r.randint(0, 2000),
                "cache": {"read": r.randint(0, 80000), "write": r.randint(0, 5000)}}

    # -- scenario ----------------------------------------------------------
    def new_session(self, parent=None, title=None):
        sid = self.desc("ses")
        info = {
            "id": sid,
            "slug": "%s-%s" % (self.rng.choice(SLUG_A), self.rng.choice(SLUG_B)),
            "version": "1.18.33", "projectID": "global",
            "directory": "/home/user/project", "path": "",
            "title": title or "New session - %d" % self.clock,
            "cost": 0, "tokens": self.tokens(),
            "time": {"created": self.clock, "updated": self.clock},
        }
        if parent:
            info["parentID"] = parent
        self.session_event("session.created", info)
        info = copy.deepcopy(info)
        info.update({"agent": "build",
                     "model": {"id": "fake-model", "providerID": "fake", "variant": "default"}})
        info["time"]["updated"] = self.clock
        self.session_event("session.updated", info)
        return info

    def touch_session(self, info, **changes):
        info = copy.deepcopy(info)
        info.update(changes)
        info["time"] = dict(info["time"], updated=self.clock)
        self.session_event("session.updated", info)
        return info

    def tool_part(self, sid, mid, tool):
        rng = self.rng
        part = {"id": self.asc("prt"), "messageID": mid, "sessionID": sid, "type": "tool",
                "tool": tool, "callID": "call_%s_%d" % (tool, rng.randint(0, 99)),
                "state": {"status": "pending", "input": {}, "raw": ""}}
        self.part_event(part)
        yield
        inp = {"filePath": "/home/user/project/src/file%d.c" % rng.randint(1, 400)}
        if tool == "bash":
            inp = {"command": rng.choice(["ls -la", "make test", "git status", "rm -f scratch.tmp"]),
                   "description": "Run a command"}
        elif tool in ("glob", "grep", "list"):
            inp = {"pattern": rng.choice(["*.c", "TODO", "g_free", "**/*.h"]),
                   "path": "/home/user/project"}
        elif tool == "task":
            inp = {"description": "Investigate", "prompt": "Look into it",
                   "subagent_type": "general"}
        start = self.clock
        part = dict(part, state={"status": "running", "input": inp, "time": {"start": start}})
        self.part_event(part)
        yield
        if tool == "bash" and inp["command"].startswith("rm") and rng.random() < 0.7:
            perm = self.asc("per")
            self.emit("permission.asked", {
                "id": perm, "sessionID": sid, "permission": "bash",
                "patterns": [inp["command"]], "metadata": {"command": inp["command"]},
                "always": ["rm *"], "tool": {"messageID": mid, "callID": part["callID"]}})
            yield
            self.emit("permission.replied", {"sessionID": sid, "requestID": perm, "reply": "once"})
        if tool == "todowrite":
            self.emit("todo.updated", {"sessionID": sid, "todos": [
                {"content": "Write notes", "status": "in_progress", "priority": "high"},
                {"content": "Edit notes", "status": "pending", "priority": "medium"}]})
        child = None
        if tool == "task":
            child = self.new_session(parent=sid, title="Investigate (@general subagent)")
            part = dict(part, state=dict(part["state"], title="Investigate",
                                         metadata={"sessionId": child["id"]}))
            self.part_event(part)
            yield from self.turn(child, max_steps=2, allow_task=False)
        self.tick(5, 200)
        if rng.random() < 0.12:
            state = {"status": "error", "input": inp, "error": "ripgrep execution failed",
                     "time": {"start": start, "end": self.clock}}
        else:
            output = self.text(40, 2500)
            state = {"status": "completed", "input": inp, "output": output,
                     "metadata": {"preview": output[:80], "truncated": False,
                                  **({"sessionId": child["id"]} if child else {})},
                     "title": inp.get("filePath", inp.get("command", "Investigate")),
                     "time": {"start": start, "end": self.clock}}
        self.part_event(dict(part, state=state))

    def step(self, info, user_id, last, allow_task):
        """One model step: an assistant message. Returns 'stop', 'tool-calls' or 'aborted'."""
        rng = self.rng
        sid = info["id"]
        mid = self.asc("msg")
        msg = {"id": mid, "parentID": user_id, "role": "assistant", "mode": "build",
               "agent": "build", "path": {"cwd": "/home/user/project", "root": "/home/user/project"},
               "cost": 0, "tokens": self.tokens(), "modelID": "fake-model", "providerID": "fake",
               "time": {"created": self.clock}, "sessionID": sid}
        self.emit("session.status", {"sessionID": sid, "status": {"type": "busy"}})
        self.message_event(msg)
        yield
        self.emit("session.diff", {"sessionID": sid, "diff": []})
        snap = "%040x" % rng.getrandbits(160)
        self.part_event({"id": self.asc("prt"), "messageID": mid, "sessionID": sid,
                         "snapshot": snap, "type": "step-start"})
        yield
        abort = rng.random() < 0.04
        if rng.random() < 0.7:
            part = {"id": self.asc("prt"), "messageID": mid, "sessionID": sid,
                    "type": "reasoning", "text": "", "time": {"start": self.clock}}
            text = self.text(40, 1500)
            self.part_event(part)
            for d in self.split(text):
                self.delta_event(part, d)
                if rng.random() < 0.1:
                    yield
            self.part_event(dict(part, text=text, time={"start": part["time"]["start"],
                                                        "end": self.clock}))
            yield
        use_tools = not last
        if not use_tools or rng.random() < 0.6:
            part = {"id": self.asc("prt"), "messageID": mid, "sessionID": sid,
                    "type": "text", "text": "", "time": {"start": self.clock}}
            text = self.text(60 if use_tools else 300, 600 if use_tools else 4500)
            pieces = self.split(text)
            cut = rng.randint(1, len(pieces)) if abort else None
            self.part_event(part)
            for i, d in enumerate(pieces):
                if cut is not None and i >= cut:
                    break
                self.delta_event(part, d)
                if rng.random() < 0.1:
                    yield
            if abort:
                msg = dict(msg, time={"created": msg["time"]["created"], "completed": self.clock},
                           error={"name": "MessageAbortedError",
                                  "data": {"message": "The operation was aborted."}})
                self.message_event(msg)
                return "aborted"
            self.part_event(dict(part, text=text, time={"start": part["time"]["start"],
                                                        "end": self.clock}))
            yield
        if use_tools:
            n = rng.choice([1, 1, 1, 2, 3])
            tools = [rng.choice(TOOLS) for _ in range(n)]
            if allow_task and rng.random() < 0.02:
                tools = ["task"]
            runners = [self.tool_part(sid, mid, t) for t in tools]
            while runners:  # parallel tool calls interleave
                r = rng.choice(runners)
                try:
                    next(r)
                    yield
                except StopIteration:
                    runners.remove(r)
        self.part_event({"id": self.asc("prt"), "reason": "tool-calls" if use_tools else "stop",
                         "snapshot": snap, "messageID": mid, "sessionID": sid,
                         "type": "step-finish", "tokens": self.tokens(True),
                         "cost": round(rng.random() / 50, 6)})
        if use_tools and rng.random() < 0.3:
            self.part_event({"id": self.asc("prt"), "messageID": mid, "sessionID": sid,
                             "type": "patch", "hash": snap,
                             "files": ["/home/user/project/src/file%d.c" % rng.randint(1, 400)]})
        msg = dict(msg, tokens=self.tokens(True), cost=round(rng.random() / 50, 6),
                   time={"created": msg["time"]["created"], "completed": self.clock},
                   finish="tool-calls" if use_tools else "stop")
        self.message_event(msg)
        return "tool-calls" if use_tools else "stop"

    def turn(self, info, max_steps=5, allow_task=True):
        """A user prompt and the assistant's steps; a generator that yields
        between events so that turns of several sessions interleave."""
        rng = self.rng
        sid = info["id"]
        self.busy.add(sid)
        uid = self.asc("msg")
        user = {"id": uid, "role": "user", "sessionID": sid, "time": {"created": self.clock},
                "agent": "build", "model": {"providerID": "fake", "modelID": "fake-model"}}
        self.message_event(user)
        self.part_event({"type": "text", "text": self.text(10, 400), "messageID": uid,
                         "sessionID": sid, "id": self.asc("prt")})
        info = self.touch_session(info)
        yield
        steps = rng.randint(1, max_steps)
        result = None
        for i in range(steps):
            result = yield from self.step(info, uid, last=(i == steps - 1), allow_task=allow_task)
            info = self.touch_session(info, summary={
                "additions": rng.randint(0, 50), "deletions": rng.randint(0, 20),
                "files": rng.randint(0, 5)})
            if result == "aborted":
                break
            yield
            if rng.random() < 0.2:
                self.message_event(dict(user, summary={"diffs": []}))
        self.emit("session.status", {"sessionID": sid, "status": {"type": "idle"}})
        self.emit("session.idle", {"sessionID": sid})
        if info["title"].startswith("New session"):
            info = self.touch_session(info, title=self.text(10, 40).replace("\n", " ")[:50])
        self.touch_session(info, cost=round(info["cost"] + rng.random(), 6))
        self.busy.discard(sid)

    def session_loop(self, slot):
        """Sessions one after the other in one concurrency slot: each gets several turns."""
        while True:
            if len(self.roots) < self.n_sessions:
                info = self.new_session()
                self.roots.append(info["id"])
                turns = self.rng.randint(3, 12)
            else:
                # enough sessions: come back to an idle one
                idle = [s for s in self.roots if s not in self.busy]
                info = copy.deepcopy(self.sessions[self.rng.choice(idle)])
                turns = self.rng.randint(1, 4)
            for _ in range(turns):
                yield from self.turn(info)
                info = copy.deepcopy(self.sessions[info["id"]])
                yield

    def run(self):
        try:
            self.emit("server.connected", {})
            slots = [self.session_loop(i) for i in range(self.concurrency)]
            while True:
                next(self.rng.choice(slots))
        except StopIteration_:
            pass

    def expected(self):
        out = {}
        for sid in sorted(self.sessions):
            msgs = []
            for mid in sorted(self.messages.get(sid, {})):
                parts = self.parts.get(mid, {})
                msgs.append({"info": self.messages[sid][mid],
                             "parts": [parts[p] for p in sorted(parts)]})
            out[sid] = {"info": self.sessions[sid], "messages": msgs}
        return {"sessions": out}


class StopIteration_(Exception):
    """The stream has its N events (not StopIteration: generators eat that)."""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("output", help="SSE file to write ('-' for stdout)")
    ap.add_argument("--events", type=int, default=200000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sessions", type=int, default=50)
    ap.add_argument("--concurrency", type=int, default=4,
                    help="sessions streaming at the same time")
    ap.add_argument("--expect", help="write the expected final state here")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    if a.events < 1:
        ap.error("--events must be >= 1")

    out = sys.stdout if a.output == "-" else open(a.output + ".tmp", "w", encoding="utf-8",
                                                  newline="\n")
    g = Gen(a.events, a.seed, a.sessions, a.concurrency, out)
    g.run()
    if out is not sys.stdout:
        out.close()
        os.replace(a.output + ".tmp", a.output)
    if a.expect:
        with open(a.expect + ".tmp", "w", encoding="utf-8") as f:
            json.dump(g.expected(), f, ensure_ascii=False, separators=(",", ":"))
        os.replace(a.expect + ".tmp", a.expect)
    if not a.quiet:
        deltas = g.type_counts.get("message.part.delta", 0)
        n_msgs = sum(len(m) for m in g.messages.values())
        n_parts = sum(len(p) for p in g.parts.values())
        print("gen-stream: %d events (%.1f%% deltas), %d sessions (%d top-level), "
              "%d messages, %d parts, %d bytes"
              % (g.count, 100.0 * deltas / g.count, len(g.sessions), len(g.roots), n_msgs,
                 n_parts, g.bytes),
              file=sys.stderr)


if __name__ == "__main__":
    main()
