#!/usr/bin/env bash
# The window's worst stall and peak memory for content that stalls clients:
# a streamed 200 KB table, a 1 MB paragraph, a table of 10,000 columns,
# 10,000 and 100,000 sessions. See tests/bench/stalls.py.
# Usage: tests/bench/run-stalls.sh [CASE ...]  (after building _build)
set -euo pipefail
cd "$(dirname "$0")/../.."
# What the app and the script need, when missing (Debian packages)
. build-aux/deps.sh run
ocg_install_packages xvfb xauth dbus-daemon python3 python3-gi
[ -f _build/build.ninja ] || meson setup _build >/dev/null
ninja -C _build src/app/opencode-gtk >/dev/null
export GSETTINGS_SCHEMA_DIR="$PWD/_build/data${GSETTINGS_SCHEMA_DIR:+:$GSETTINGS_SCHEMA_DIR}"
NO_AT_BRIDGE=1 dbus-run-session -- xvfb-run -a -s "-screen 0 1600x1000x24" \
  /usr/bin/python3 tests/bench/stalls.py "$@"
