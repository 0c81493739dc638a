#!/usr/bin/env python3
"""Desktop integration and translations: the desktop file, the D-Bus service,
the AppStream metainfo, the GSettings schema, the icons, the po files, and
where `meson install` puts them.

Usage: test_desktop.py BUILD_DIR SOURCE_DIR
"""

import configparser
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap  # noqa: E402

APP_ID = "io.github.opencodegtk.OpencodeGtk"
GETTEXT_PACKAGE = "opencode-gtk"
BINARY = "opencode-gtk"
SCREENSHOT_URL = "https://raw.githubusercontent.com/opencodegtk/opencode-gtk/main/data/screenshots/"

BUILD = os.path.abspath(sys.argv[1])
SOURCE = os.path.abspath(sys.argv[2])

# What marks a translatable string: gettext calls in C, translatable
# properties in GtkBuilder files
C_MARKS = re.compile(r"(?<![A-Za-z0-9_])(?:_|N_|C_|NC_|Q_|ngettext|g_dngettext|g_dgettext|"
                     r"g_dcgettext|g_dpgettext|g_dpgettext2|dgettext|dngettext)\s*\(")
UI_MARKS = re.compile(r'translatable\s*=\s*"(?:yes|true|1)"')

tap = Tap()


def run(*argv, check=True):
    """Runs a tool; returns (exit status, stdout + stderr)."""
    tool = shutil.which(argv[0])
    assert tool is not None, f"{argv[0]} is not installed"
    proc = subprocess.run([tool, *argv[1:]], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, check=False)
    if check:
        assert proc.returncode == 0, f"{' '.join(argv)} exited with {proc.returncode}:\n{proc.stdout}"
    return proc.returncode, proc.stdout


def comment(text):
    for line in text.strip().splitlines():
        print(f"# {line}")


def read_desktop(path):
    parser = configparser.RawConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    with open(path, encoding="utf-8") as f:
        parser.read_file(f)
    return parser


def built(name):
    path = os.path.join(BUILD, "data", name)
    assert os.path.isfile(path), f"{path} was not built"
    return path


def linguas():
    with open(os.path.join(SOURCE, "po", "LINGUAS"), encoding="utf-8") as f:
        return [w for line in f for w in line.split("#")[0].split()]


def potfiles():
    with open(os.path.join(SOURCE, "po", "POTFILES.in"), encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip() and not line.startswith("#")]


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


def build_options():
    _, out = run("meson", "introspect", "--buildoptions", BUILD)
    return {o["name"]: o["value"] for o in json.loads(out)}


@tap.case
def desktop_file_validates():
    path = built(APP_ID + ".desktop")
    _, out = run("desktop-file-validate", path)
    assert out.strip() == "", f"desktop-file-validate has remarks:\n{out}"

    entry = read_desktop(path)["Desktop Entry"]
    expected = {
        "Type": "Application",
        "Exec": BINARY,
        "Icon": APP_ID,
        "Terminal": "false",
        "DBusActivatable": "true",
        "StartupNotify": "true",
        "X-GNOME-UsesNotifications": "true",
    }
    for key, value in expected.items():
        assert entry.get(key) == value, f"{key}={entry.get(key)!r}, expected {value!r}"
    assert "Development" in entry["Categories"].split(";"), entry["Categories"]
    assert entry["Keywords"].endswith(";"), entry["Keywords"]
    # merge_file took the translations from po/
    for lang in linguas():
        for key in ("Comment", "Keywords"):
            assert f"{key}[{lang}]" in entry, f"{key}[{lang}] missing: not merged from po/{lang}.po"
    assert entry["Keywords[de]"].endswith(";"), entry["Keywords[de]"]


@tap.case
def metainfo_validates():
    path = built(APP_ID + ".metainfo.xml")
    status, out = run("appstreamcli", "validate", "--no-net", "--explain", path, check=False)
    comment(out)
    issues = [line for line in out.splitlines() if re.match(r"^[EW]: ", line)]
    assert status == 0 and not issues, f"appstreamcli validate failed:\n{out}"

    root = ET.parse(path).getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("project_license") == "GPL-3.0-or-later"
    launchable = root.find("launchable[@type='desktop-id']")
    assert launchable is not None and launchable.text == APP_ID + ".desktop"
    assert root.find("developer").get("id"), "the developer has no id"
    assert root.findtext("developer/name") == "The Opencode GTK developers"
    assert root.find("content_rating").get("type") == "oars-1.1"
    assert root.findtext("translation[@type='gettext']") == GETTEXT_PACKAGE
    for kind in ("homepage", "bugtracker", "vcs-browser"):
        assert root.find(f"url[@type='{kind}']") is not None, f"no {kind} URL"
    releases = root.findall("releases/release")
    assert releases and releases[0].get("version") == "0.1.0", "no 0.1.0 release"
    assert releases[0].find("description") is not None, "the release has no description"
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    for lang in linguas():
        assert root.find(f"summary[@{xml_lang}='{lang}']") is not None, \
            f"no {lang} summary: not merged from po/{lang}.po"


@tap.case
def screenshots_are_in_the_repository():
    # --no-net cannot fetch them: check that each URL names a picture of the
    # repository with the size the metainfo gives
    root = ET.parse(os.path.join(SOURCE, "data", APP_ID + ".metainfo.xml.in")).getroot()
    images = root.findall("screenshots/screenshot/image")
    assert 3 <= len(images) <= 5, f"{len(images)} screenshots"
    assert len(root.findall("screenshots/screenshot[@type='default']")) == 1
    for image in images:
        url = image.text.strip()
        assert url.startswith(SCREENSHOT_URL), url
        path = os.path.join(SOURCE, "data", "screenshots", url[len(SCREENSHOT_URL):])
        assert os.path.isfile(path), f"{url}: no {os.path.relpath(path, SOURCE)}"
        size = os.path.getsize(path)
        assert size < 300 * 1024, f"{path}: {size} bytes"
        width, height = png_size(path)
        assert (str(width), str(height)) == (image.get("width"), image.get("height")), \
            f"{url} is {width}x{height}, the metainfo says {image.get('width')}x{image.get('height')}"


@tap.case
def service_file_starts_the_binary():
    options = build_options()
    section = read_desktop(built(APP_ID + ".service"))["D-BUS Service"]
    assert section["Name"] == APP_ID, section["Name"]
    binary = os.path.join(options["prefix"], options["bindir"], BINARY)
    assert section["Exec"] == f"{binary} --gapplication-service", section["Exec"]


@tap.case
def schema_compiles_strictly():
    run("glib-compile-schemas", "--strict", "--dry-run", os.path.join(SOURCE, "data"))
    root = ET.parse(os.path.join(SOURCE, "data", APP_ID + ".gschema.xml")).getroot()
    assert root.get("gettext-domain") == GETTEXT_PACKAGE, root.get("gettext-domain")
    schema = root.find("schema")
    assert schema.get("id") == APP_ID
    assert schema.get("path") == "/" + APP_ID.replace(".", "/") + "/"
    # The build tree's compiled copy, which the tests find through
    # GSETTINGS_SCHEMA_DIR
    schema_dir = os.path.join(BUILD, "data")
    assert os.path.isfile(os.path.join(schema_dir, "gschemas.compiled"))
    assert os.path.realpath(os.environ.get("GSETTINGS_SCHEMA_DIR", "")) == os.path.realpath(schema_dir), \
        f"GSETTINGS_SCHEMA_DIR={os.environ.get('GSETTINGS_SCHEMA_DIR')!r}"
    _, out = run("gsettings", "list-keys", APP_ID)
    keys = sorted(k.get("name") for k in schema.findall("key"))
    assert sorted(out.split()) == keys, f"gsettings sees {sorted(out.split())}, the schema has {keys}"


@tap.case
def icons_follow_the_guidelines():
    base = os.path.join(SOURCE, "data", "icons", "hicolor")
    svg = "{http://www.w3.org/2000/svg}"

    app = ET.parse(os.path.join(base, "scalable", "apps", APP_ID + ".svg")).getroot()
    assert app.tag == svg + "svg"
    assert (app.get("width"), app.get("height"), app.get("viewBox")) == ("128", "128", "0 0 128 128")

    symbolic = ET.parse(os.path.join(base, "symbolic", "apps", APP_ID + "-symbolic.svg")).getroot()
    assert (symbolic.get("width"), symbolic.get("height"), symbolic.get("viewBox")) == ("16", "16", "0 0 16 16")
    # GTK recolours fills only: one colour, no strokes, no gradients
    for element in symbolic.iter():
        assert element.get("stroke") in (None, "none"), f"{element.tag} has a stroke"
        assert element.get("style") is None, f"{element.tag} has a style attribute"
        if element.get("fill") is not None:
            assert element.get("fill").lower() == "#241f31", f"{element.tag} fill={element.get('fill')}"
        assert not element.tag.endswith("Gradient"), "a gradient in a symbolic icon"


@tap.case
def potfiles_lists_every_translatable_file():
    listed = potfiles()
    for name in listed:
        assert os.path.isfile(os.path.join(SOURCE, name)), f"POTFILES.in lists {name}, which does not exist"
    assert len(set(listed)) == len(listed), "POTFILES.in lists a file twice"

    marked = []
    for top in ("src",):
        for folder, _, files in os.walk(os.path.join(SOURCE, top)):
            for name in files:
                path = os.path.join(folder, name)
                if name.endswith((".c", ".h")):
                    pattern = C_MARKS
                elif name.endswith((".ui", ".blp")):
                    pattern = UI_MARKS
                else:
                    continue
                with open(path, encoding="utf-8", errors="replace") as f:
                    if pattern.search(f.read()):
                        marked.append(os.path.relpath(path, SOURCE))
    for name in os.listdir(os.path.join(SOURCE, "data")):
        if name.endswith((".desktop.in", ".metainfo.xml.in", ".gschema.xml")):
            marked.append(os.path.join("data", name))
    missing = sorted(set(marked) - set(listed))
    assert not missing, "not in po/POTFILES.in: " + ", ".join(missing)
    comment(f"{len(marked)} files with translatable strings, all listed")


@tap.case
def po_files_are_correct():
    langs = linguas()
    assert langs, "po/LINGUAS is empty"
    for lang in langs:
        path = os.path.join(SOURCE, "po", lang + ".po")
        _, out = run("msgfmt", "--check", "--statistics", "-o", os.devnull, path)
        comment(f"{lang}: {out.strip()}")
        assert "fuzzy" not in out and "untranslated" not in out, f"{lang}.po is incomplete: {out.strip()}"
        with open(path, encoding="utf-8") as f:
            header = f.read(2000)
        assert '"Language: ' + lang + '\\n"' in header, f"{lang}.po: wrong Language header"
        assert "Plural-Forms: nplurals=" in header, f"{lang}.po: no Plural-Forms header"


@tap.case
def meson_install_puts_files_where_gnome_looks():
    options = build_options()
    prefix = options["prefix"]
    with tempfile.TemporaryDirectory(prefix="ocg-install-") as destdir:
        run("meson", "install", "-C", BUILD, "--destdir", destdir, "--no-rebuild", "--quiet")
        root = destdir + prefix

        def installed(*parts):
            path = os.path.join(root, *parts)
            assert os.path.isfile(path), f"not installed: {os.path.join(prefix, *parts)}"
            return path

        datadir = options["datadir"]
        binary = installed(options["bindir"], BINARY)
        assert os.access(binary, os.X_OK), f"{binary} is not executable"
        desktop = installed(datadir, "applications", APP_ID + ".desktop")
        service = installed(datadir, "dbus-1", "services", APP_ID + ".service")
        metainfo = installed(datadir, "metainfo", APP_ID + ".metainfo.xml")
        installed(datadir, "icons", "hicolor", "scalable", "apps", APP_ID + ".svg")
        installed(datadir, "icons", "hicolor", "symbolic", "apps", APP_ID + "-symbolic.svg")
        installed(datadir, "glib-2.0", "schemas", APP_ID + ".gschema.xml")
        run("glib-compile-schemas", "--strict", "--dry-run", os.path.join(root, datadir, "glib-2.0", "schemas"))

        # The pieces name each other: the desktop file's icon and the
        # metainfo's launchable are the installed files, the service runs
        # the installed binary
        assert read_desktop(desktop)["Desktop Entry"]["Icon"] == APP_ID
        exec_line = read_desktop(service)["D-BUS Service"]["Exec"]
        assert exec_line.split()[0] == os.path.join(prefix, options["bindir"], BINARY), exec_line
        launchable = ET.parse(metainfo).getroot().findtext("launchable")
        assert launchable == os.path.basename(desktop), launchable

        localedir = options["localedir"]
        for lang in linguas():
            mo = installed(localedir, lang, "LC_MESSAGES", GETTEXT_PACKAGE + ".mo")
            _, text = run("msgunfmt", mo)
            assert text.count('msgid "') > 1, f"{mo} holds no translations"
            if lang == "de":
                assert 'msgstr "Neue Sitzung"' in text, f"{mo} is not the German translation"
        comment(f"installed under {prefix}: " + ", ".join(sorted(
            os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs
            if APP_ID in f or f == BINARY or f.endswith(".mo"))))


sys.exit(tap.run())
