#!/usr/bin/env python3
"""What a screen reader reads: every control of the app's windows has a name a
person would say and the right role.

The helper (tests/app/a11y-states.c) shows the windows in the states a user
meets (empty project, opencode missing, a session with a finished turn and
its tools, a permission, questions of one and of several answers, the
connection lost, the preferences, the welcome window); for each, this script
reads the whole accessible tree over AT-SPI, as Orca does, and fails on a
control without a proper name: empty, a type name such as "GtkImage", a
mnemonic underscore, or the same words twice ("Retry Retry"); or with the
wrong role (one answer of several is a radio button, not a check box).

Needs Debian's python3-gi and gir1.2-atspi-2.0 (build-aux/deps.sh test), a
session bus and a display.
"""

import os
import re
import subprocess
import sys
import time

from taplib import Tap

# GLib reads G_DEBUG when it loads: fatal warnings are for the app, not for
# libatspi's own messages in this process
HELPER_ENV = dict(os.environ, GTK_A11Y="atspi")
os.environ.pop("G_DEBUG", None)

try:
    import gi

    gi.require_version("Atspi", "2.0")
    from gi.repository import Atspi
except (ImportError, ValueError) as error:
    print("1..1")
    print(f"not ok 1 - reading the accessible tree needs python3-gi and gir1.2-atspi-2.0: {error}")
    sys.exit(1)

# Roles of what a user operates
CONTROL_ROLES = {
    "push button", "toggle button", "check box", "radio button", "entry", "text",
    "password text", "combo box", "menu item", "check menu item", "radio menu item",
    "link", "spin button", "slider", "switch", "page tab", "tree item",
}
TYPE_NAME = re.compile(r"^(Gtk|Adw|Ocg|Gsk|GtkSource)[A-Z][A-Za-z]*$")
MNEMONIC = re.compile(r"(^|\s)_\w")

# What a control must be, by its name, in a state
EXPECTED_ROLES = {
    "question": {
        "Red — warm": "radio button",
        "Blue — cool": "radio button",
        "README.md": "check box",
        "meson.build": "check box",
    },
    "preferences-servers": {
        "This Computer": "radio button",
        "http://192.0.2.10:4096": "radio button",
        "https://opencode.example.org": "radio button",
    },
}

# Names each state must show somewhere (the controls the issue names)
EXPECTED_NAMES = {
    "empty-project": ["New Session", "Main Menu", "Session Menu", "Search sessions", "Message"],
    "session": ["Retry", "Copy", "Scroll to the End", "Send"],
    "permission": ["Reject", "Allow Always", "Allow Once"],
    "question": ["Submit", "Dismiss"],
    "reconnecting": ["Retry"],
    "opencode-missing": ["Try Again"],
    "welcome": ["Open Folder…"],
    "preferences-servers": ["Test", "Add"],
}


def doubled(name):
    """Whether the name says the same words twice: "Retry Retry", "Allow Once Allow Once"."""
    words = name.split()
    half = len(words) // 2
    return len(words) >= 2 and len(words) % 2 == 0 and words[:half] == words[half:]


def problem(role, name):
    if not name or not name.strip():
        return "has no name"
    if TYPE_NAME.match(name):
        return "is named by its type"
    if MNEMONIC.search(name):
        return "keeps the mnemonic underscore"
    if doubled(name):
        return "says its name twice"
    return None


def app_of(pid):
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        if app is not None and app.get_process_id() == pid:
            return app
    return None


def walk(accessible, path, out, inside_control=False):
    role = accessible.get_role_name()
    name = accessible.get_name() or ""
    states = accessible.get_state_set()
    focusable = states.contains(Atspi.StateType.FOCUSABLE)
    here = f"{path} > {role} {name!r}" if path else f"{role} {name!r}"
    if not inside_control:
        out.append((role, name, focusable, here))
    # What a drop-down shows of its choice is part of it, not a control
    inside_control = inside_control or role == "combo box"
    for i in range(accessible.get_child_count()):
        child = accessible.get_child_at_index(i)
        if child is not None:
            walk(child, here, out, inside_control)


def is_control(role, focusable):
    if role in CONTROL_ROLES:
        return True
    # A row or a region the keyboard stops at is read by its name
    return focusable and role in ("list item", "panel", "filler")


def check_state(state, nodes):
    failures = []
    names = set()
    for role, name, focusable, where in nodes:
        names.add(name)
        if not is_control(role, focusable):
            continue
        found = problem(role, name)
        if found:
            failures.append(f"{role} {name!r} {found}: {where}")
    for name, role in EXPECTED_ROLES.get(state, {}).items():
        roles = {r for r, n, _, _ in nodes if n == name and r in CONTROL_ROLES}
        if roles != {role}:
            failures.append(f"{name!r} is {', '.join(sorted(roles)) or 'missing'}, not {role}")
    for name in EXPECTED_NAMES.get(state, []):
        if name not in names:
            failures.append(f"no control named {name!r}")
    return failures


def main():
    helper = os.environ["OCG_A11Y_STATES"]
    process = subprocess.Popen([helper], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               env=HELPER_ENV, text=True)
    results = []
    try:
        for line in process.stdout:
            if line.strip() == "done":
                break
            if not line.startswith("state "):
                continue
            state = line.split()[1]
            # What changed last may reach the bus a little later: walk the
            # tree again until it is right, for a while
            deadline = time.monotonic() + 20
            while True:
                app = app_of(process.pid)
                if app is None:
                    failures = ["the app is not on the accessibility bus"]
                else:
                    nodes = []
                    walk(app, "", nodes)
                    failures = check_state(state, nodes)
                if not failures or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            results.append((state, failures))
            process.stdin.write("next\n")
            process.stdin.flush()
    finally:
        process.stdin.close()
        code = process.wait(timeout=60)

    tap = Tap()
    for state, failures in results:
        def case(failures=failures):
            if failures:
                raise AssertionError("\n".join(failures))
        case.__name__ = f"{state}: every control has a name and the right role"
        tap.case(case)

    def helper_finished():
        if code != 0:
            raise AssertionError(f"the helper exited with {code}")
        if len(results) < 9:
            raise AssertionError(f"only {len(results)} states were shown")
    tap.case(helper_finished)
    return tap.run()


if __name__ == "__main__":
    sys.exit(main())
