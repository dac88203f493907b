#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Draws the wizard's spinner mark, resources/icons/{16x16,32x32}/status/ub-spinner-symbolic.symbolic.png.

A ring whose opacity rises from nothing to full once round, so that turning it reads as
motion. GTK recolours a .symbolic.png: black pixels take the theme's foreground colour and
keep their alpha. Why a PNG and not the theme's SVG spinner: adwaita-marks.css.

    python3 tools/draw-spinner.py resources/icons
"""
import math
import os
import struct
import sys
import zlib

SAMPLES = 8  # per pixel and axis


def ring_alpha(size, x, y):
    """The ring's coverage of pixel (x, y) times its opacity at that angle, 0..1."""
    centre = size / 2.0
    outer = size / 2.0 - size / 16.0
    inner = outer - size / 7.0
    total = 0.0
    for sy in range(SAMPLES):
        for sx in range(SAMPLES):
            px = x + (sx + 0.5) / SAMPLES - centre
            py = y + (sy + 0.5) / SAMPLES - centre
            r = math.hypot(px, py)
            if inner <= r <= outer:
                # clockwise from the top: the head at twelve o'clock, the tail fading behind it
                turn = (math.atan2(px, -py) / (2 * math.pi)) % 1.0
                total += turn ** 1.5
    return total / (SAMPLES * SAMPLES)


def png(size):
    rows = b""
    for y in range(size):
        row = bytearray([0])  # filter: none
        for x in range(size):
            row += bytes([0, 0, 0, round(255 * ring_alpha(size, x, y))])
        rows += bytes(row)

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) +
            chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "resources/icons"
    for size in (16, 32):
        folder = os.path.join(out, "%dx%d" % (size, size), "status")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "ub-spinner-symbolic.symbolic.png"), "wb") as f:
            f.write(png(size))


if __name__ == "__main__":
    main()
