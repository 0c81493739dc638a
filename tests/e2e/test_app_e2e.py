#!/usr/bin/env python3
"""The app against the real opencode server: starts the server with the
scripted upstream, then runs the GTK test program (OCG_APP_E2E) that drives
the window and reads its widgets. Its TAP output is this test's output."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Harness  # noqa: E402


def main():
    program = os.environ["OCG_APP_E2E"]
    with Harness(password="e2e-app-secret") as harness:
        env = dict(os.environ,
                   OCG_E2E_URL=harness.url,
                   OCG_E2E_PASSWORD=harness.password,
                   OCG_E2E_DIRECTORY=harness.project)
        try:
            run = subprocess.run([program], env=env, timeout=600)
        except subprocess.TimeoutExpired:
            print("Bail out! the app test did not finish in 600 s", flush=True)
            return 1
        if run.returncode != 0:
            sys.stdout.write("# server log:\n")
            for line in harness.server_log_tail().splitlines()[-40:]:
                sys.stdout.write("# " + line + "\n")
        return run.returncode


if __name__ == "__main__":
    sys.exit(main())
