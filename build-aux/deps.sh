#!/usr/bin/env bash
# Installs what building, running and testing Opencode GTK need on Debian 12,
# when it is missing: Debian packages, and the opencode server from npm.
# Sourced by build-aux/run and build-aux/test; exports OPENCODE_BIN.
#
# Usage: . build-aux/deps.sh [run|test]

OPENCODE_VERSION=1.18.33

ocg_packages_run=(
  meson ninja-build pkg-config gcc gettext
  libglib2.0-dev libglib2.0-bin libgtk-4-dev libadwaita-1-dev libsoup-3.0-dev
  libjson-glib-dev libgtksourceview-5-dev libwebkitgtk-6.0-dev libmd4c-dev
  libsecret-1-dev desktop-file-utils appstream
)
ocg_packages_test=(
  "${ocg_packages_run[@]}"
  python3 clang libclang-rt-14-dev xvfb xauth dbus-daemon dbus-x11 imagemagick
  at-spi2-core time
  # the accessibility test reads the app over AT-SPI; the keyboard test
  # presses keys through the X server
  python3-gi gir1.2-atspi-2.0 libxtst-dev
)

ocg_sudo() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ocg_install_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing Debian packages: ${missing[*]}" >&2
    ocg_sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive ocg_sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  fi
}

# The opencode server: the one on PATH, else a private copy from npm
ocg_install_opencode() {
  local cache="${XDG_CACHE_HOME:-$HOME/.cache}/opencode-gtk/opencode-$OPENCODE_VERSION"
  local bin="$cache/node_modules/opencode-linux-x64/bin/opencode"

  if [ -n "${OPENCODE_BIN:-}" ] && [ -x "$OPENCODE_BIN" ]; then
    return
  fi
  if command -v opencode >/dev/null 2>&1; then
    OPENCODE_BIN=$(command -v opencode)
  else
    if [ ! -x "$bin" ]; then
      # npm may come with a Node.js that is not Debian's: only when it is
      # missing altogether, Debian's
      command -v npm >/dev/null 2>&1 || ocg_install_packages nodejs npm
      echo "Installing opencode-ai@$OPENCODE_VERSION from npm into $cache" >&2
      mkdir -p "$cache"
      npm install --prefix "$cache" --no-save --no-audit --no-fund --ignore-scripts \
        "opencode-ai@$OPENCODE_VERSION" >&2
    fi
    OPENCODE_BIN=$bin
  fi
  export OPENCODE_BIN
}

case "${1:-run}" in
  test) ocg_install_packages "${ocg_packages_test[@]}" ;;
  *) ocg_install_packages "${ocg_packages_run[@]}" ;;
esac
ocg_install_opencode
