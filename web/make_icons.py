#!/usr/bin/env python3
"""Draws the app's icons for the web app manifest, at build time: the coral
chat bubble of the page's favicon (shell/index.html) as RGBA PNGs. Python 3
standard library only, like server/assets/make_avatars.py: shapes are signed
distance fields, so edges are anti-aliased by pixel coverage.

    python3 web/make_icons.py OUT_DIR

writes icon-192.png and icon-512.png (a rounded square, purpose "any") and
icon-maskable-512.png (full bleed, the bubble inside the maskable safe zone,
a circle of 40% of the size around the centre).
"""
import math
import os
import struct
import sys
import zlib

CORAL = (0xEF, 0x62, 0x62)
WHITE = (0xFF, 0xFF, 0xFF)
# The favicon's bubble in its 32-unit box: M8 10h16v10H14l-5 4v-4H8z
BUBBLE = [(8, 10), (24, 10), (24, 20), (14, 20), (9, 24), (9, 20), (8, 20)]


def rounded_square(size, radius):
    h = size / 2.0

    def d(x, y):
        qx, qy = abs(x - h) - (h - radius), abs(y - h) - (h - radius)
        return math.hypot(max(qx, 0.0), max(qy, 0.0)) + min(max(qx, qy), 0.0) - radius
    return d


def polygon(points):
    """Signed distance to a simple polygon (negative inside)."""
    n = len(points)

    def d(x, y):
        best = float('inf')
        inside = False
        for i in range(n):
            ax, ay = points[i]
            bx, by = points[i - 1]
            ex, ey = bx - ax, by - ay
            wx, wy = x - ax, y - ay
            t = max(0.0, min(1.0, (wx * ex + wy * ey) / (ex * ex + ey * ey)))
            best = min(best, math.hypot(wx - ex * t, wy - ey * t))
            if (ay > y) != (by > y) and x < (bx - ax) * (y - ay) / (by - ay) + ax:
                inside = not inside
        return -best if inside else best
    return d


def coverage(dist):
    return max(0.0, min(1.0, 0.5 - dist))


def draw(size, maskable):
    unit = size / 32.0
    if maskable:
        background = lambda x, y: -1.0  # full bleed
        scale, cx, cy = 0.8, 16.0, 17.0  # the bubble (16 x 14 units) well inside the safe circle
    else:
        background = rounded_square(size, 7 * unit)
        scale, cx, cy = 1.0, 16.0, 17.0
    pts = [((cx + (px - cx) * scale) * unit, (16 + (py - cy) * scale) * unit) for px, py in BUBBLE]
    bubble = polygon(pts)
    x0 = int(min(p[0] for p in pts)) - 2
    x1 = int(max(p[0] for p in pts)) + 2
    y0 = int(min(p[1] for p in pts)) - 2
    y1 = int(max(p[1] for p in pts)) + 2
    rows = []
    for j in range(size):
        row = bytearray([0])  # PNG filter: none
        for i in range(size):
            x, y = i + 0.5, j + 0.5
            a = coverage(background(x, y))
            w = coverage(bubble(x, y)) if x0 <= i <= x1 and y0 <= j <= y1 else 0.0
            r, g, b = (round(c * (1 - w) + wc * w) for c, wc in zip(CORAL, WHITE))
            row += bytes((r, g, b, round(255 * a)))
        rows.append(bytes(row))
    return png(size, size, b''.join(rows))


def png(w, h, raw):
    def chunk(kind, data):
        c = struct.pack('>I', len(data)) + kind + data
        return c + struct.pack('>I', zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 6, 0, 0, 0)) +
            chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b''))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else '.'
    os.makedirs(out, exist_ok=True)
    for name, size, maskable in (('icon-192.png', 192, False), ('icon-512.png', 512, False),
                                 ('icon-maskable-512.png', 512, True)):
        with open(os.path.join(out, name), 'wb') as f:
            f.write(draw(size, maskable))


if __name__ == '__main__':
    main()
