#!/usr/bin/env python3
"""The embedded server for real: prepares a HOME whose opencode config points
at the scripted upstream, and a project folder, then runs the C test
(OCG_EMBEDDED_TEST) that starts `opencode serve` itself through OcgServer."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Harness  # noqa: E402


class Prepared(Harness):
    """HOME, config, project and upstream; the server is the test's to start."""

    def _start_server(self):
        pass


def main():
    program = os.environ["OCG_EMBEDDED_TEST"]
    with Prepared(record_events=False) as prepared:
        env = prepared.server_env()
        env["OPENCODE_BIN"] = prepared.opencode
        env["OCG_E2E_DIRECTORY"] = prepared.project
        env.pop("OPENCODE_SERVER_PASSWORD", None)
        try:
            return subprocess.run([program], env=env, timeout=600).returncode
        except subprocess.TimeoutExpired:
            print("Bail out! the embedded server test did not finish in 600 s", flush=True)
            return 1


if __name__ == "__main__":
    sys.exit(main())
