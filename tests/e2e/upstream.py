#!/usr/bin/env python3
"""A scripted OpenAI-compatible upstream for driving a real `opencode serve`.

Standard library only.  `Upstream` runs a ThreadingHTTPServer on 127.0.0.1
(port 0 by default) answering `POST /v1/chat/completions`.  The script is
picked by the text `SCENARIO:<name>` in the conversation's last user message;
the step within the scenario is the number of assistant messages that follow
that user message (each step the agent already took is one assistant message
followed by its tool results).  A request whose system prompt asks for a
title is answered with `scenario <name>`.

Scenarios (the same as the recorded fixture, tests/data/opencode-1.18.33):

  default   reasoning, then a short text answer
  tools     parallel read/glob/grep; todowrite; write; edit; Markdown answer
  task      a `task` tool call; its child session (prompt "SCENARIO:taskchild
            ...") runs bash `ls | wc -l`, answers; then the parent answers
  ask       bash `rm -f scratch.tmp` (the harness config makes `rm *` ask)
  taskask   a `task` whose child session runs the `ask` scenario: the
            permission request belongs to the child session
  question  the `question` tool with options Red / Blue
  fail      HTTP 400 with an OpenAI-style error body (not retried by opencode)
  failretry HTTP 400 whose error type is "server_error": opencode 1.18.33
            retries it 5 times (~70 s) before session.error, as in the fixture
  long      LONG_WORDS words streamed as many small deltas, sleeping
            `delay_ms` (env OCG_UPSTREAM_DELAY_MS, default 10) between chunks
  slow      like default but each chunk sleeps delay_ms (a turn that can be
            aborted)
  env       bash `env`: what a command the agent runs sees of the server's
            environment
  stream600 the words of `long` in 600 chunks of 5 (no reasoning), sleeping
            `delay_ms` between chunks (tests/bench/run-vs-web.sh)
  closing   one short answer whose words no other scenario says, so that a
            client can be watched for the moment it shows it

Any other prompt gets a short text answer.

Run standalone: `python3 upstream.py [--port N]` prints the base URL
(`http://127.0.0.1:N/v1`) and serves until interrupted.
"""

import json
import os
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SCENARIO_RE = re.compile(r"SCENARIO:([A-Za-z0-9_-]+)")
WORKDIR_RE = re.compile(r"Working directory:\s*(\S+)")
LONG_WORDS = 3000
LONG_WORDS_PER_CHUNK = 10
STREAM600_CHUNKS = 600
CLOSING_ANSWER = "That was the closing turn of the benchmark session."
SCENARIOS = ("default", "tools", "task", "taskchild", "taskask", "ask",
             "question", "env",
             "fail", "failretry", "long", "slow", "stream600", "closing")

MARKDOWN_ANSWER = (
    "Here is the summary.\n\n## Result\n\n- item **one**\n- item `two`\n\n"
    "| col a | col b |\n|---|---|\n| 1 | 2 |\n\n"
    "```python\nprint('hello')\n```\n\nDone."
)

FAIL_BODY = {"error": {"message": "upstream exploded",
                       "type": "invalid_request_error",
                       "param": None, "code": "bad_request"}}
FAIL_RETRY_BODY = {"error": {"message": "upstream exploded",
                             "type": "server_error"}}


def message_text(msg):
    """The plain text of an OpenAI chat message (content string or parts)."""
    content = msg.get("content")
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    out = []
    for item in content:
        if isinstance(item, dict) and isinstance(item.get("text"), str):
            out.append(item["text"])
    return "\n".join(out)


def chunks(text, size):
    """Split text into pieces of about `size` characters (on word ends)."""
    out, cur = [], ""
    for word in re.findall(r"\S+\s*|\s+", text):
        cur += word
        if len(cur) >= size:
            out.append(cur)
            cur = ""
    if cur:
        out.append(cur)
    return out


class Step:
    """One scripted model step: optional reasoning, text, tool calls."""

    def __init__(self, reasoning=None, text=None, tools=None, delay_ms=0,
                 text_chunks=None, error=None):
        self.reasoning = reasoning
        self.text = text
        self.text_chunks = text_chunks
        self.tools = tools or []          # [(name, args_dict)]
        self.delay_ms = delay_ms
        self.error = error                # (status, body_dict)


def tool(name, **args):
    return (name, args)


def resolve(workdir, rel):
    if workdir:
        return os.path.join(workdir, rel)
    return rel


def script(name, workdir, delay_ms):
    """The list of steps of scenario `name` (None: unknown)."""
    if name == "default":
        return [Step(reasoning="Thinking briefly. ",
                     text="Hello! " + " ".join("w%d" % i for i in range(16)))]
    if name == "slow":
        return [Step(reasoning="Taking my time. ",
                     text_chunks=["slow%d " % i for i in range(400)],
                     delay_ms=max(delay_ms, 10))]
    if name == "tools":
        return [
            Step(reasoning="Reading the project first. ",
                 text="I'll look around.",
                 tools=[tool("read", filePath=resolve(workdir, "README.md")),
                        tool("glob", pattern="*.md"),
                        tool("grep", pattern="hello",
                             path=workdir or ".")]),
            Step(reasoning="Planning the work. ",
                 tools=[tool("todowrite", todos=[
                     {"content": "Write notes", "status": "in_progress",
                      "priority": "high"},
                     {"content": "Edit notes", "status": "pending",
                      "priority": "medium"}])]),
            Step(text="Writing a file.",
                 tools=[tool("write", filePath=resolve(workdir, "notes.txt"),
                             content="alpha\nbeta\n")]),
            Step(tools=[tool("edit", filePath=resolve(workdir, "notes.txt"),
                             oldString="beta", newString="gamma")]),
            Step(reasoning="All steps done. ", text=MARKDOWN_ANSWER),
        ]
    if name == "task":
        return [
            Step(reasoning="Delegating. ",
                 tools=[tool("task", description="Count files",
                             prompt="SCENARIO:taskchild count the files",
                             subagent_type="general")]),
            Step(text="The subagent finished: **3 files**."),
        ]
    if name == "taskask":
        return [
            Step(tools=[tool("task", description="Clean up",
                             prompt="SCENARIO:ask remove the scratch file",
                             subagent_type="general")]),
            Step(text="The subagent cleaned up."),
        ]
    if name == "taskchild":
        return [
            Step(reasoning="Child thinking. ",
                 tools=[tool("bash", command="ls | wc -l",
                             description="Count files")]),
            Step(text="There are 3 files."),
        ]
    if name == "ask":
        return [
            Step(reasoning="Need to remove a file. ",
                 tools=[tool("bash", command="rm -f scratch.tmp",
                             description="Remove scratch file")]),
            Step(text="Removed."),
        ]
    if name == "env":
        return [
            Step(tools=[tool("bash", command="env",
                             description="Show the environment")]),
            Step(text="That is the environment."),
        ]
    if name == "question":
        return [
            Step(tools=[tool("question", questions=[{
                "question": "Which color?", "header": "Color",
                "options": [{"label": "Red", "description": "warm"},
                            {"label": "Blue", "description": "cool"}]}])]),
            Step(text="Thanks for answering."),
        ]
    if name == "fail":
        return [Step(error=(400, FAIL_BODY))]
    if name == "failretry":
        return [Step(error=(400, FAIL_RETRY_BODY))]
    if name == "long":
        words = ["word%d " % i for i in range(LONG_WORDS)]
        pieces = ["".join(words[i:i + LONG_WORDS_PER_CHUNK])
                  for i in range(0, LONG_WORDS, LONG_WORDS_PER_CHUNK)]
        return [Step(reasoning="Long answer. ", text_chunks=pieces,
                     delay_ms=delay_ms)]
    if name == "stream600":
        per = LONG_WORDS // STREAM600_CHUNKS
        words = ["word%d " % i for i in range(LONG_WORDS)]
        pieces = ["".join(words[i:i + per])
                  for i in range(0, LONG_WORDS, per)]
        return [Step(text_chunks=pieces, delay_ms=delay_ms)]
    if name == "closing":
        return [Step(text=CLOSING_ANSWER)]
    return None


class Upstream:
    """The scripted upstream server.  `start()`, then `base_url`."""

    def __init__(self, port=0, delay_ms=None, log_path=None, workdir=None):
        if delay_ms is None:
            delay_ms = int(os.environ.get("OCG_UPSTREAM_DELAY_MS", "10"))
        self.delay_ms = delay_ms
        self.workdir = workdir        # used when the system prompt has none
        self.log_path = log_path or os.environ.get("OCG_UPSTREAM_LOG")
        self.log_bodies = os.environ.get("OCG_UPSTREAM_LOG_BODIES") == "1"
        self.requests = []            # (scenario, step, kind) per request
        self.lock = threading.Lock()
        self._port = port
        self.httpd = None
        self.thread = None

    # -- lifecycle -------------------------------------------------------

    def start(self):
        upstream = self

        class Handler(UpstreamHandler):
            owner = upstream

        self.httpd = ThreadingHTTPServer(("127.0.0.1", self._port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       name="upstream", daemon=True)
        self.thread.start()
        return self

    def stop(self):
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None

    @property
    def port(self):
        return self.httpd.server_address[1]

    @property
    def base_url(self):
        return "http://127.0.0.1:%d/v1" % self.port

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- decisions -------------------------------------------------------

    def log(self, entry):
        with self.lock:
            self.requests.append(entry)
            if self.log_path:
                with open(self.log_path, "a", encoding="utf-8") as f:
                    f.write(json.dumps(entry) + "\n")

    def plan(self, body):
        """Decide what to answer: ("title", text) | ("step", Step, info)."""
        messages = body.get("messages") or []
        system = "\n".join(message_text(m) for m in messages
                           if m.get("role") == "system")
        workdir = None
        m = WORKDIR_RE.search(system)
        if m:
            workdir = m.group(1)
        workdir = workdir or self.workdir

        # The user message that starts the current turn, and its scenario.
        last_user = None
        for i in range(len(messages) - 1, -1, -1):
            if messages[i].get("role") == "user":
                last_user = i
                break
        scenario = None
        if last_user is not None:
            m = SCENARIO_RE.search(message_text(messages[last_user]))
            if m:
                scenario = m.group(1)
        if scenario is None:
            # Synthetic user messages (reminders) may follow the prompt:
            # look further back, to the newest user message with a scenario.
            for i in range(len(messages) - 1, -1, -1):
                if messages[i].get("role") != "user":
                    continue
                m = SCENARIO_RE.search(message_text(messages[i]))
                if m:
                    scenario = m.group(1)
                    last_user = i
                    break

        if "title" in system.lower() and "generat" in system.lower():
            if scenario is None:
                # The title request embeds the prompt; search all text.
                for msg in messages:
                    m = SCENARIO_RE.search(message_text(msg))
                    if m:
                        scenario = m.group(1)
                        break
            return ("title", "scenario %s" % (scenario or "chat"),
                    {"kind": "title", "scenario": scenario})

        step_no = 0
        if last_user is not None:
            step_no = sum(1 for msg in messages[last_user + 1:]
                          if msg.get("role") == "assistant")
        steps = script(scenario, workdir, self.delay_ms) if scenario else None
        info = {"kind": "step", "scenario": scenario, "step": step_no,
                "workdir": workdir}
        if steps is None:
            return ("step", Step(text="I have no script for that. "
                                 "Try SCENARIO:default."), info)
        if step_no >= len(steps):
            return ("step", Step(text="Done."), info)
        return ("step", steps[step_no], info)


class UpstreamHandler(BaseHTTPRequestHandler):
    owner = None  # set by Upstream.start
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet
        pass

    def _send_json(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path.rstrip("/").endswith("/models"):
            self._send_json(200, {"object": "list", "data": [
                {"id": "fake-model", "object": "model", "owned_by": "fake"}]})
        else:
            self._send_json(404, {"error": {"message": "not found",
                                            "type": "not_found"}})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            self._send_json(400, {"error": {"message": "bad json",
                                            "type": "invalid_request_error"}})
            return
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._send_json(404, {"error": {"message": "not found",
                                            "type": "not_found"}})
            return
        owner = self.owner
        decision = owner.plan(body)
        entry = dict(decision[-1])
        entry["tools"] = [t.get("function", {}).get("name")
                          for t in body.get("tools") or []]
        entry["messages"] = len(body.get("messages") or [])
        if owner.log_bodies:
            entry["body"] = body
        owner.log(entry)
        stream = bool(body.get("stream"))
        try:
            if decision[0] == "title":
                self._answer(Step(text=decision[1]), stream)
            else:
                self._answer(decision[1], stream)
        except (BrokenPipeError, ConnectionResetError):
            pass  # opencode aborted the request

    # -- answering -------------------------------------------------------

    def _answer(self, step, stream):
        if step.error:
            status, body = step.error
            self._send_json(status, body)
            return
        if not stream:
            msg = {"role": "assistant", "content": step.text or ""}
            if step.reasoning:
                msg["reasoning_content"] = step.reasoning
            finish = "stop"
            if step.tools:
                msg["tool_calls"] = [
                    {"id": "call_%s_%d" % (n, i), "type": "function",
                     "function": {"name": n, "arguments": json.dumps(a)}}
                    for i, (n, a) in enumerate(step.tools)]
                finish = "tool_calls"
            self._send_json(200, {
                "id": "chatcmpl-fake", "object": "chat.completion",
                "created": int(time.time()), "model": "fake-model",
                "choices": [{"index": 0, "message": msg,
                             "finish_reason": finish}],
                "usage": {"prompt_tokens": 0, "completion_tokens": 0,
                          "total_tokens": 0}})
            return

        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        created = int(time.time())
        delay = step.delay_ms / 1000.0

        def send(delta, finish=None):
            chunk = {"id": "chatcmpl-fake", "object": "chat.completion.chunk",
                     "created": created, "model": "fake-model",
                     "choices": [{"index": 0, "delta": delta,
                                  "finish_reason": finish}]}
            self.wfile.write(b"data: " + json.dumps(chunk).encode() + b"\n\n")
            self.wfile.flush()

        send({"role": "assistant", "content": ""})
        if step.reasoning:
            for piece in chunks(step.reasoning, 8):
                send({"reasoning_content": piece})
                if delay:
                    time.sleep(delay)
        pieces = step.text_chunks
        if pieces is None and step.text:
            pieces = chunks(step.text, 12)
        for piece in pieces or []:
            send({"content": piece})
            if delay:
                time.sleep(delay)
        for i, (name, args) in enumerate(step.tools):
            send({"tool_calls": [{"index": i, "id": "call_%s_%d" % (name, i),
                                  "type": "function",
                                  "function": {"name": name,
                                               "arguments": ""}}]})
            encoded = json.dumps(args)
            for j in range(0, len(encoded), 24):
                send({"tool_calls": [{"index": i, "function": {
                    "arguments": encoded[j:j + 24]}}]})
        send({}, "tool_calls" if step.tools else "stop")
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()


def main(argv=None):
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--delay-ms", type=int, default=None)
    ap.add_argument("--log", default=None, help="append requests as JSON lines")
    args = ap.parse_args(argv)
    up = Upstream(port=args.port, delay_ms=args.delay_ms, log_path=args.log)
    up.start()
    print(up.base_url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        up.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
