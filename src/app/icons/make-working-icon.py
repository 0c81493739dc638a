#!/usr/bin/env python3
# Draws the app's "working" icon, the spinner's image: a ring that fades
# from its head round to its tail, as symbolic PNGs (black, coverage in the
# alpha channel, which GTK recolours with the text colour) at 16 and 32
# pixels. Adwaita's own spinner image exists only as SVG, and loading one
# SVG maps librsvg and libxml2 into the process (several megabytes).
#
# Run it from this folder when the drawing changes; its output is committed.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import math
import struct
import zlib

SAMPLES = 8


def draw(size):
    centre = size / 2
    outer = size / 2 - size / 16
    inner = outer - size / 8
    rows = []
    for y in range(size):
        row = bytearray([0])  # filter: none
        for x in range(size):
            total = 0.0
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    px = x + (sx + 0.5) / SAMPLES - centre
                    py = y + (sy + 0.5) / SAMPLES - centre
                    r = math.hypot(px, py)
                    if inner <= r <= outer:
                        # clockwise from the top, as the spinner turns
                        turn = (math.atan2(px, -py) / (2 * math.pi)) % 1.0
                        total += 0.12 + 0.88 * turn
            alpha = round(255 * total / (SAMPLES * SAMPLES))
            row += bytes([0, 0, 0, alpha])
        rows.append(bytes(row))
    return png(size, b"".join(rows))


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def png(size, raw):
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) +
            chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


for size in (16, 32):
    with open("%dx%d/ocg-working-symbolic.symbolic.png" % (size, size), "wb") as f:
        f.write(draw(size))
