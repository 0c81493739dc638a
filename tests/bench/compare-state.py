#!/usr/bin/env python3
"""Check that a reducer's final state equals the expected state from gen-stream.py.

usage: compare-state.py EXPECTED ACTUAL [--max-diffs N] [--quiet]

EXPECTED is {"sessions": {SID: {"info", "messages": [{"info", "parts": [...]}]}}}.
ACTUAL may be in that form, or have "sessions" as a list of {"info", "messages"},
or be keyed by session id at the top level (like the recording's state.json).
Keys a dump may add beside "info"/"messages" (status, todos, ...) and beside
"sessions" are ignored; everything in info, message info and parts must be
equal (numbers compare by value: 0 == 0.0).  Exit 0 when equal, 1 when not
(the first differences are printed), 2 when ACTUAL can't be read.
"""

import argparse
import json
import sys


def normalize(doc):
    if isinstance(doc, dict) and "sessions" in doc:
        sessions = doc["sessions"]
    elif isinstance(doc, dict) and all(k.startswith("ses_") for k in doc):
        sessions = doc
    else:
        raise ValueError("no \"sessions\" key and not keyed by session id")
    if isinstance(sessions, list):
        sessions = {s["info"]["id"]: s for s in sessions}
    if not isinstance(sessions, dict):
        raise ValueError("\"sessions\" is neither an object nor a list")
    out = {}
    for sid, s in sessions.items():
        msgs = s.get("messages", [])
        if isinstance(msgs, dict):  # keyed by message id
            msgs = [msgs[k] for k in sorted(msgs)]
        out[sid] = {"info": s.get("info"),
                    "messages": [{"info": m.get("info"), "parts": m.get("parts", [])}
                                 for m in msgs]}
    return out


class Differ:
    def __init__(self, limit):
        self.limit = limit
        self.diffs = []

    def add(self, path, msg):
        self.diffs.append("%s: %s" % (path or "/", msg))
        return len(self.diffs) >= self.limit

    def walk(self, a, b, path):
        """a: expected, b: actual. Returns True when the diff limit is reached."""
        if isinstance(a, bool) or isinstance(b, bool):
            if a is not b:
                return self.add(path, "expected %s, got %s" % (short(a), short(b)))
            return False
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            if a != b:
                return self.add(path, "expected %s, got %s" % (short(a), short(b)))
            return False
        if type(a) is not type(b):
            return self.add(path, "expected %s %s, got %s %s"
                            % (type(a).__name__, short(a), type(b).__name__, short(b)))
        if isinstance(a, dict):
            for k in a:
                if k not in b:
                    if self.add(path + "/" + k, "missing (expected %s)" % short(a[k])):
                        return True
                elif self.walk(a[k], b[k], path + "/" + k):
                    return True
            for k in b:
                if k not in a and self.add(path + "/" + k, "unexpected %s" % short(b[k])):
                    return True
            return False
        if isinstance(a, list):
            if len(a) != len(b):
                ida = [x.get("id") or (x.get("info") or {}).get("id") for x in a
                       if isinstance(x, dict)]
                idb = [x.get("id") or (x.get("info") or {}).get("id") for x in b
                       if isinstance(x, dict)]
                extra = ""
                if ida and idb:
                    missing = sorted(set(ida) - set(idb))[:3]
                    unexpected = sorted(set(idb) - set(ida))[:3]
                    extra = " (missing %s, unexpected %s)" % (missing, unexpected)
                    if ida == sorted(ida) and idb != sorted(idb):
                        extra += " (actual not in id order)"
                if self.add(path, "expected %d items, got %d%s" % (len(a), len(b), extra)):
                    return True
            for i, (x, y) in enumerate(zip(a, b)):
                label = ""
                if isinstance(x, dict):
                    label = x.get("id") or (x.get("info") or {}).get("id") or ""
                if self.walk(x, y, "%s[%d%s]" % (path, i, " " + label if label else "")):
                    return True
            return False
        if a != b:
            if isinstance(a, str) and isinstance(b, str):
                n = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
                return self.add(path, "strings differ at char %d (lengths %d/%d): expected "
                                "...%s..., got ...%s..."
                                % (n, len(a), len(b), short(a[max(0, n - 20):n + 20]),
                                   short(b[max(0, n - 20):n + 20])))
            return self.add(path, "expected %s, got %s" % (short(a), short(b)))
        return False


def short(v, n=80):
    s = json.dumps(v, ensure_ascii=False)
    return s if len(s) <= n else s[:n] + "..."


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("expected")
    ap.add_argument("actual")
    ap.add_argument("--max-diffs", type=int, default=10)
    ap.add_argument("--quiet", action="store_true", help="print nothing when equal")
    a = ap.parse_args()
    with open(a.expected, encoding="utf-8") as f:
        exp = normalize(json.load(f))
    try:
        with open(a.actual, encoding="utf-8") as f:
            act = normalize(json.load(f))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        print("compare-state: can't read %s: %s" % (a.actual, e), file=sys.stderr)
        return 2
    d = Differ(a.max_diffs)
    d.walk(exp, act, "")
    if d.diffs:
        print("compare-state: %s differs from the expected state:" % a.actual)
        for line in d.diffs:
            print("  " + line)
        if len(d.diffs) >= a.max_diffs:
            print("  (stopped after %d differences)" % a.max_diffs)
        return 1
    if not a.quiet:
        n_msgs = sum(len(s["messages"]) for s in exp.values())
        n_parts = sum(len(m["parts"]) for s in exp.values() for m in s["messages"])
        print("compare-state: %s equals the expected state (%d sessions, %d messages, %d parts)"
              % (a.actual, len(exp), n_msgs, n_parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
