#!/usr/bin/env bash
# The window's costs: streaming CPU per delta (small against large answer),
# frame times while streaming, opening a long session against a short one.
# Usage: tests/bench/run-ui.sh  (after building _build)
set -euo pipefail
cd "$(dirname "$0")/../.."
ninja -C _build tests/ocg-ui-bench >/dev/null
GSK_RENDERER=${GSK_RENDERER:-cairo} GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1 \
  dbus-run-session -- xvfb-run -a -s "-screen 0 1600x1000x24" _build/tests/ocg-ui-bench 2>/dev/null
