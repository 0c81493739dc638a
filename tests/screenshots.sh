#!/usr/bin/env bash
# Saves pictures of the window's main states into OUTDIR (default: screenshots/)
# Usage: tests/screenshots.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-screenshots}")
ninja -C _build tests/ocg-screenshots >/dev/null
OCG_TEST_DATA=$PWD/tests/data GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR=$PWD/_build/data \
  NO_AT_BRIDGE=1 ADW_DISABLE_PORTAL=1 GTK_USE_PORTAL=0 \
  dbus-run-session -- xvfb-run -a -s "-screen 0 1600x1000x24" _build/tests/ocg-screenshots "$out"
