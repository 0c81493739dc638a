#!/usr/bin/env bash
# Opencode GTK side by side with the official web UI served by the same
# `opencode serve` (see tests/bench/README.md). Run by hand, not a test.
#
#   tests/bench/run-vs-web.sh [--runs N] [--delay-ms MS] [--only memory]
#                             [--ports FIRST-LAST]
#
# --only memory: only our app and the minimal window, in turn (no web UI,
# no streaming). --ports: where the server and upstream listen (default
# 47100-47299), for runs side by side.
#
# Installs what is missing (Debian packages, opencode, playwright-core into
# ~/.cache/opencode-gtk/bench-web), builds a release app in _build-bench and
# the minimal libadwaita window, then runs tests/bench/vs-web.py under Xvfb
# and its own D-Bus session.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

PLAYWRIGHT_VERSION=1.65.1
BUILD=${BENCH_BUILD:-_build-bench}
web_prefix="${XDG_CACHE_HOME:-$HOME/.cache}/opencode-gtk/bench-web"

# Debian packages and opencode (exports OPENCODE_BIN)
. build-aux/deps.sh run
ocg_install_packages chromium xvfb xauth dbus-daemon at-spi2-core python3 python3-gi \
  gir1.2-atspi-2.0
# node and npm may come from elsewhere than Debian: Debian's only when missing
command -v npm >/dev/null 2>&1 || ocg_install_packages nodejs npm

if [ ! -f "$web_prefix/node_modules/playwright-core/package.json" ] ||
   ! grep -q "\"version\": \"$PLAYWRIGHT_VERSION\"" "$web_prefix/node_modules/playwright-core/package.json"; then
  echo "Installing playwright-core@$PLAYWRIGHT_VERSION into $web_prefix" >&2
  mkdir -p "$web_prefix"
  npm install --prefix "$web_prefix" --no-save --no-audit --no-fund \
    "playwright-core@$PLAYWRIGHT_VERSION" >&2
fi
export PLAYWRIGHT_CORE="$web_prefix/node_modules/playwright-core"
export CHROMIUM=${CHROMIUM:-$(command -v chromium)}

if [ ! -f "$BUILD/build.ninja" ]; then
  meson setup "$BUILD" --buildtype=release >&2
fi
ninja -C "$BUILD" src/app/opencode-gtk >&2
# shellcheck disable=SC2046
cc -O2 -o "$BUILD/bench-minimal-window" tests/bench/minimal-window.c \
  $(pkg-config --cflags --libs libadwaita-1)

# Debian's python3-gi is for Debian's python3
python=/usr/bin/python3
# A runtime folder of its own: the accessibility bus socket is made there,
# not in ~/.cache/at-spi, where another run on the machine would replace it
export XDG_RUNTIME_DIR="$root/$BUILD/runtime"
mkdir -p "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
exec dbus-run-session -- xvfb-run -a -s "-screen 0 1600x1000x24" \
  "$python" tests/bench/vs-web.py --app "$BUILD/src/app/opencode-gtk" \
  --minimal "$BUILD/bench-minimal-window" "$@"
