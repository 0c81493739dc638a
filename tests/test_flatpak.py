#!/usr/bin/env python3
"""The Flatpak manifest, checked without flatpak-builder: the app id (and that
it matches the meson project, the desktop file, the D-Bus service, the
metainfo and the icons), the GNOME runtime, the command, finish-args that are
exactly the justified ones, md4c from its release tarball with a checksum,
and the app built with meson from this checkout.

Usage: test_flatpak.py [MANIFEST]  (default: flatpak/<app id>.json)"""

import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
APP_ID = "io.github.opencodegtk.OpencodeGtk"
MANIFEST = (os.path.abspath(sys.argv[1]) if len(sys.argv) > 1
            else os.path.join(ROOT, "flatpak", APP_ID + ".json"))

# Each of these is justified, one line each, in the README's "Packaging"
# section; anything else needs a reason there and here first.
REQUIRED_FINISH_ARGS = (
    "--share=network",                     # remote servers; the embedded one on the host's loopback
    "--share=ipc",                         # X11 shared memory under the X11 fallback
    "--socket=wayland",
    "--socket=fallback-x11",
    "--device=dri",                        # GPU rendering (GTK 4's GL renderer)
    "--talk-name=org.freedesktop.Flatpak",  # flatpak-spawn --host opencode
    "--system-talk-name=org.freedesktop.login1",  # PrepareForSleep: reconnect after a resume
    "--filesystem=home",                   # the host server must see the project's real paths
)
# Broader than needed, whatever the reason
FORBIDDEN_FINISH_ARGS = {
    "--filesystem=host": "the whole host file system; home is enough",
    "--filesystem=host-os": "the host's /usr; opencode runs through flatpak-spawn instead",
    "--filesystem=host-etc": "the host's /etc is not needed",
    "--filesystem=/": "the whole host file system",
    "--socket=x11": "X11 always, even under Wayland; use --socket=fallback-x11",
    "--device=all": "every device; --device=dri is what rendering needs",
    "--socket=session-bus": "the whole session bus; talk to org.freedesktop.Flatpak only",
    "--socket=system-bus": "the whole system bus",
    "--talk-name=org.freedesktop.secrets": "libsecret uses the Secret portal inside Flatpak",
}

# Checksums of md4c release tarballs, each confirmed by independent packagers
# (Debian's .dsc, Arch's PKGBUILD, Homebrew's formula)
MD4C_SHA256 = {
    "0.4.8": "4a457df853425b6bb6e3457aa1d1a13bccec587a04c38c622b1013a0da41439f",
}
MD4C_URL = re.compile(
    r"^https://github\.com/mity/md4c/archive/refs/tags/release-(\d+\.\d+\.\d+)\.tar\.gz$")

# The GNOME runtime branch that first shipped GTK 4.8 and libadwaita 1.2
FIRST_GNOME_WITH_GTK_4_8 = 43

# What flatpak-builder understands (a typo would be ignored, not rejected)
TOP_LEVEL_KEYS = {
    "id", "app-id", "runtime", "runtime-version", "sdk", "command", "finish-args",
    "modules", "cleanup", "cleanup-commands", "build-options", "sdk-extensions",
    "add-extensions", "add-build-extensions", "branch", "default-branch",
    "separate-locales", "rename-desktop-file", "rename-appdata-file", "rename-icon",
    "copy-icon", "desktop-file-name-prefix", "desktop-file-name-suffix", "tags",
}
MODULE_KEYS = {
    "name", "buildsystem", "builddir", "subdir", "config-opts", "make-args",
    "make-install-args", "build-commands", "post-install", "build-options",
    "cleanup", "cleanup-platform", "sources", "modules", "no-autogen",
    "no-parallel-make", "no-make-install", "install-rule", "test-rule", "run-tests",
    "disabled", "ensure-writable", "only-arches", "skip-arches",
}
SOURCE_KEYS = {
    "type", "url", "mirror-urls", "sha256", "sha512", "path", "skip", "dest",
    "dest-filename", "strip-components", "only-arches", "skip-arches",
    "x-checker-data",
}
BUILDSYSTEMS = {"autotools", "cmake", "cmake-ninja", "meson", "simple", "qmake"}
# What the meson build needs from the checkout
BUILD_INPUTS = {"meson.build", "meson_options.txt", "src", "data", "po", "tests"}

tap = Tap()


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def load():
    with open(MANIFEST, encoding="utf-8") as f:
        manifest = json.load(f)
    assert isinstance(manifest, dict), "the manifest is not a JSON object"
    return manifest


def manifest_id(manifest):
    ids = [manifest[k] for k in ("id", "app-id") if k in manifest]
    assert len(ids) == 1, "the manifest needs exactly one of id / app-id"
    return ids[0]


def meson_app_id():
    match = re.search(r"^app_id\s*=\s*'([^']+)'", read(os.path.join(ROOT, "meson.build")), re.M)
    assert match, "no app_id = '...' in the top-level meson.build"
    return match.group(1)


def modules(manifest):
    mods = manifest.get("modules")
    assert isinstance(mods, list) and mods, "modules must be a non-empty list"
    for mod in mods:
        assert isinstance(mod, dict), f"a module is written as a name, not an object: {mod!r}"
    return mods


def module(manifest, name):
    found = [m for m in modules(manifest) if m.get("name") == name]
    assert len(found) == 1, f"expected one module named {name!r}, found {len(found)}"
    return found[0]


def data_files():
    data = os.path.join(ROOT, "data")
    for dirpath, _dirs, files in os.walk(data):
        for name in files:
            yield os.path.relpath(os.path.join(dirpath, name), data), os.path.join(dirpath, name)


def key_values(text, group):
    """KEY=VALUE lines of one [group] of a desktop or D-Bus service file."""
    values, current = {}, None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
        elif current == group and "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            values.setdefault(key.strip(), value.strip())
    return values


@tap.case
def manifest_is_json_with_known_keys():
    manifest = load()
    unknown = set(manifest) - TOP_LEVEL_KEYS
    assert not unknown, f"unknown top-level keys: {sorted(unknown)}"
    for mod in modules(manifest):
        unknown = set(mod) - MODULE_KEYS
        assert not unknown, f"module {mod.get('name')!r}: unknown keys {sorted(unknown)}"
        assert isinstance(mod.get("name"), str) and mod["name"], "a module without a name"
        assert mod.get("buildsystem") in BUILDSYSTEMS, \
            f"module {mod['name']!r}: buildsystem {mod.get('buildsystem')!r}"
        sources = mod.get("sources")
        assert isinstance(sources, list) and sources, f"module {mod['name']!r} has no sources"
        for source in sources:
            assert isinstance(source, dict), f"module {mod['name']!r}: source {source!r}"
            unknown = set(source) - SOURCE_KEYS
            assert not unknown, f"module {mod['name']!r}: unknown source keys {sorted(unknown)}"
        for key in ("config-opts", "cleanup"):
            value = mod.get(key, [])
            assert isinstance(value, list) and all(isinstance(v, str) for v in value), \
                f"module {mod['name']!r}: {key} must be a list of strings"
    names = [m["name"] for m in modules(manifest)]
    assert len(names) == len(set(names)), f"module names repeat: {names}"


@tap.case
def app_id_matches_meson_and_file_name():
    manifest = load()
    assert manifest_id(manifest) == APP_ID, f"id {manifest_id(manifest)!r} != {APP_ID!r}"
    assert meson_app_id() == APP_ID, f"meson.build app_id {meson_app_id()!r} != {APP_ID!r}"
    assert os.path.basename(MANIFEST) == APP_ID + ".json", \
        f"the manifest is named {os.path.basename(MANIFEST)!r}, not after the app id"


@tap.case
def gnome_runtime_and_sdk():
    manifest = load()
    assert manifest.get("runtime") == "org.gnome.Platform", f"runtime {manifest.get('runtime')!r}"
    assert manifest.get("sdk") == "org.gnome.Sdk", f"sdk {manifest.get('sdk')!r}"
    version = manifest.get("runtime-version")
    # A number here would be read by flatpak-builder as a different branch ("51" != 51)
    assert isinstance(version, str) and version, f"runtime-version must be a string, is {version!r}"
    assert re.fullmatch(r"\d+", version), f"runtime-version {version!r} is not a stable GNOME branch"
    assert int(version) >= FIRST_GNOME_WITH_GTK_4_8, \
        f"GNOME {version} predates GTK 4.8 / libadwaita 1.2 (GNOME {FIRST_GNOME_WITH_GTK_4_8})"


@tap.case
def command_is_the_installed_binary():
    manifest = load()
    assert manifest.get("command") == "opencode-gtk", f"command {manifest.get('command')!r}"
    app_meson = read(os.path.join(ROOT, "src", "app", "meson.build"))
    match = re.search(r"executable\(\s*'opencode-gtk'(.*?)\n\)", app_meson, re.S)
    assert match, "src/app/meson.build builds no executable('opencode-gtk', ...)"
    assert re.search(r"install\s*:\s*true", match.group(1)), "opencode-gtk is not installed"


@tap.case
def finish_args_are_exactly_the_justified_ones():
    args = load().get("finish-args")
    assert isinstance(args, list) and all(isinstance(a, str) for a in args), \
        "finish-args must be a list of strings"
    assert len(args) == len(set(args)), f"finish-args repeat: {args}"
    for arg in args:
        assert arg not in FORBIDDEN_FINISH_ARGS, f"{arg}: {FORBIDDEN_FINISH_ARGS[arg]}"
        assert not arg.startswith("--filesystem=host"), f"{arg}: broader than home"
    missing = [a for a in REQUIRED_FINISH_ARGS if a not in args]
    assert not missing, f"missing finish-args: {missing}"
    extra = [a for a in args if a not in REQUIRED_FINISH_ARGS]
    assert not extra, f"finish-args not justified here and in the README: {extra}"


@tap.case
def readme_justifies_every_finish_arg():
    readme = read(os.path.join(ROOT, "README.md"))
    match = re.search(r"^## Packaging\n(.*?)(?=^## |\Z)", readme, re.M | re.S)
    assert match, "README.md has no '## Packaging' section"
    section = match.group(1)
    for arg in load()["finish-args"]:
        assert f"`{arg}`" in section, f"the README's Packaging section does not justify {arg}"
    assert "flatpak-builder --user --install build-flatpak flatpak/" + APP_ID + ".json" in section, \
        "the README's Packaging section lacks the build command"
    assert "flatpak-spawn --host" in section, "the README does not say how opencode is run"


@tap.case
def md4c_from_its_release_tarball():
    manifest = load()
    md4c = module(manifest, "md4c")
    assert md4c["buildsystem"] == "cmake-ninja", f"md4c buildsystem {md4c['buildsystem']!r}"
    assert len(md4c["sources"]) == 1, "md4c has more than its tarball as sources"
    source = md4c["sources"][0]
    assert source.get("type") == "archive", f"md4c source type {source.get('type')!r}, not a tarball"
    match = MD4C_URL.match(source.get("url", ""))
    assert match, f"md4c URL {source.get('url')!r} is not a release tag's tarball"
    sha256 = source.get("sha256", "")
    assert re.fullmatch(r"[0-9a-f]{64}", sha256), f"md4c sha256 {sha256!r} is not 64 hex digits"
    version = match.group(1)
    if version in MD4C_SHA256:
        assert sha256 == MD4C_SHA256[version], f"md4c {version}: sha256 {sha256} is not the release's"
    # md4c declares cmake_minimum_required(VERSION 3.4); CMake 4 (in the
    # current SDKs) refuses anything below 3.5 unless told otherwise
    assert "-DCMAKE_POLICY_VERSION_MINIMUM=3.5" in md4c.get("config-opts", []), \
        "md4c needs -DCMAKE_POLICY_VERSION_MINIMUM=3.5 with CMake 4"
    names = [m["name"] for m in modules(manifest)]
    assert names.index("md4c") < len(names) - 1, "md4c must be built before the app"


@tap.case
def app_is_the_last_module_built_with_meson_from_this_checkout():
    manifest = load()
    app = modules(manifest)[-1]
    assert app["buildsystem"] == "meson", f"the last module ({app['name']!r}) is not built with meson"
    assert "-De2e=false" in app.get("config-opts", []), \
        "the e2e tests need a real server: the app module needs -De2e=false"
    options = read(os.path.join(ROOT, "meson_options.txt"))
    for opt in app.get("config-opts", []):
        name = re.match(r"-D([^=]+)=", opt)
        assert name, f"config-opt {opt!r} is not -DNAME=VALUE"
        builtin = name.group(1) in {"werror", "buildtype", "b_lto", "b_ndebug", "optimization"}
        assert builtin or re.search(r"option\(\s*'%s'" % re.escape(name.group(1)), options), \
            f"config-opt {opt!r}: no such option in meson_options.txt"
    assert len(app["sources"]) == 1, f"the app has {len(app['sources'])} sources"
    source = app["sources"][0]
    assert source.get("type") == "dir", f"the app's source is a {source.get('type')!r}, not a dir"
    path = source.get("path", "")
    assert not os.path.isabs(path), f"dir path {path!r} is absolute"
    where = os.path.realpath(os.path.join(os.path.dirname(MANIFEST), path))
    assert where == os.path.realpath(ROOT), f"dir path {path!r} is {where}, not the repository root"
    skipped = {os.path.normpath(s) for s in source.get("skip", [])}
    assert not skipped & BUILD_INPUTS, f"the dir source skips what the build needs: {sorted(skipped & BUILD_INPUTS)}"


@tap.case
def exported_files_are_named_after_the_app_id():
    # Flatpak exports only desktop files, D-Bus services and icons whose
    # names start with the app id
    found = 0
    for rel, path in data_files():
        base = os.path.basename(rel)
        if re.search(r"\.(desktop|service|metainfo\.xml|gschema\.xml)(\.in)?$", base) \
                or rel.startswith("icons" + os.sep):
            found += 1
            assert base.startswith(APP_ID), f"data/{rel} is not named after {APP_ID}"
    desktop = os.path.join(ROOT, "data", APP_ID + ".desktop.in")
    if os.path.exists(desktop):
        entry = key_values(read(desktop), "Desktop Entry")
        command = load()["command"]
        assert entry.get("Exec", "").split()[:1] == [command], \
            f"the desktop file runs {entry.get('Exec')!r}, the manifest {command!r}"
        assert entry.get("Icon") == APP_ID, f"desktop Icon {entry.get('Icon')!r} != {APP_ID}"
    service = os.path.join(ROOT, "data", APP_ID + ".service.in")
    if os.path.exists(service):
        assert key_values(read(service), "D-BUS Service").get("Name") == APP_ID, \
            f"the D-Bus service's Name is not {APP_ID}"
    print(f"# {found} exported data files checked")


if __name__ == "__main__":
    sys.exit(tap.run())
