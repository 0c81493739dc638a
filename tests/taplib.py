"""A very small TAP producer for the Python-driven tests."""

import sys
import traceback


class Tap:
    def __init__(self):
        self.cases = []

    def case(self, fn):
        self.cases.append(fn)
        return fn

    def run(self):
        print(f"1..{len(self.cases)}", flush=True)
        failed = 0
        for number, fn in enumerate(self.cases, 1):
            name = fn.__name__.replace("_", " ")
            try:
                fn()
            except Exception:  # noqa: BLE001 - every failure is reported
                failed += 1
                print(f"not ok {number} - {name}")
                for line in traceback.format_exc().splitlines():
                    print(f"# {line}")
            else:
                print(f"ok {number} - {name}")
            sys.stdout.flush()
        return 1 if failed else 0


def first_difference(a, b, path="$"):
    """Where two JSON values first differ, as a readable string (None if equal)."""
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} {json_short(a)} != {type(b).__name__} {json_short(b)}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a:
                return f"{path}.{key}: missing on the left"
            if key not in b:
                return f"{path}.{key}: missing on the right"
            found = first_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b)):
            found = first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        if len(a) != len(b):
            return f"{path}: length {len(a)} != {len(b)}"
        return None
    if a != b:
        return f"{path}: {json_short(a)} != {json_short(b)}"
    return None


def json_short(value, limit=200):
    import json
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + "..."
