#!/usr/bin/env python3
"""Draws the sample employees' avatar pictures: flat-style portraits, one per
seed user, written as 160x160 RGBA PNGs into avatars/. Python 3 standard
library only (zlib for PNG); every shape is a signed distance field, so edges
are anti-aliased by pixel coverage. Run it again after changing a face:

    python3 server/assets/make_avatars.py
"""
import math
import os
import struct
import zlib

SIZE = 160
HERE = os.path.dirname(os.path.abspath(__file__))


def hexrgb(h):
    h = h.lstrip('#')
    return tuple(int(h[i:i + 2], 16) / 255.0 for i in (0, 2, 4))


# ---------------------------------------------------------------- distance fields
# Coordinates are in pixels; negative distance = inside.

def circle(cx, cy, r):
    return lambda x, y: math.hypot(x - cx, y - cy) - r


def ellipse(cx, cy, rx, ry):
    def d(x, y):
        dx, dy = (x - cx) / rx, (y - cy) / ry
        k = math.hypot(dx, dy)
        if k == 0:
            return -min(rx, ry)
        # Distance scaled by the local radius: close to exact near the edge.
        return (k - 1.0) * math.hypot(dx * ry, dy * rx) / k * (rx * ry) / (math.hypot(dx * ry * ry, dy * rx * rx) / k or 1)
    return d


def capsule(ax, ay, bx, by, r):
    def d(x, y):
        px, py, vx, vy = x - ax, y - ay, bx - ax, by - ay
        t = max(0.0, min(1.0, (px * vx + py * vy) / (vx * vx + vy * vy)))
        return math.hypot(px - vx * t, py - vy * t) - r
    return d


def rbox(cx, cy, hw, hh, r):
    def d(x, y):
        qx, qy = abs(x - cx) - hw + r, abs(y - cy) - hh + r
        return math.hypot(max(qx, 0), max(qy, 0)) + min(max(qx, qy), 0) - r
    return d


def arc(cx, cy, r, a0, a1, w):
    """A stroke of width 2w along the circle (cx,cy,r) from angle a0 to a1 (radians, y down)."""
    ends = [(cx + r * math.cos(a), cy + r * math.sin(a)) for a in (a0, a1)]

    def d(x, y):
        a = math.atan2(y - cy, x - cx)
        if a0 <= a <= a1:
            return abs(math.hypot(x - cx, y - cy) - r) - w
        return min(math.hypot(x - ex, y - ey) for ex, ey in ends) - w
    return d


def union(*fs):
    return lambda x, y: min(f(x, y) for f in fs)


def inter(*fs):
    return lambda x, y: max(f(x, y) for f in fs)


def minus(a, b):
    return lambda x, y: max(a(x, y), -b(x, y))


# ---------------------------------------------------------------- faces

def face(bg, skin, hair, shirt, style, extras=()):
    S = SIZE
    c = S / 2
    layers = []
    frame = circle(c, c, c - 1)
    layers.append((frame, hexrgb(bg), 1.0))
    skin_c = hexrgb(skin)
    shade = tuple(v * 0.86 for v in skin_c)
    hair_c = hexrgb(hair)

    if style in ('long', 'bob'):
        bottom = 128 if style == 'long' else 100
        back = union(ellipse(c, 70, 40, 44), rbox(c, (70 + bottom) / 2, 38, (bottom - 70) / 2, 14))
        layers.append((inter(back, frame), hair_c, 1.0))

    body = inter(ellipse(c, S + 18, 62, 62), frame)
    layers.append((inter(rbox(c, 112, 13, 20, 6), frame), shade, 1.0))          # neck
    layers.append((body, hexrgb(shirt), 1.0))                                       # shoulders
    collar = inter(union(capsule(c - 14, 108, c, 124, 3.2), capsule(c + 14, 108, c, 124, 3.2)), frame)
    layers.append((collar, tuple(min(1, v * 1.25 + 0.08) for v in hexrgb(shirt)), 1.0))
    layers.append((circle(c - 31, 74, 7), shade, 1.0))                             # ears
    layers.append((circle(c + 31, 74, 7), shade, 1.0))
    head = ellipse(c, 70, 30, 36)
    layers.append((head, skin_c, 1.0))

    if 'beard' in extras:
        beard = inter(minus(ellipse(c, 84, 31, 26), ellipse(c, 70, 24, 22)), ellipse(c, 72, 31, 38))
        layers.append((beard, hair_c, 1.0))
    # Hair on top of the head.
    if style == 'short':
        cap = inter(ellipse(c, 56, 33, 26), lambda x, y: y - 60 + 0.25 * abs(x - c) * 0.0)
        layers.append((union(cap, ellipse(c - 8, 46, 24, 14)), hair_c, 1.0))
    elif style == 'side':
        cap = inter(ellipse(c, 56, 33, 27), lambda x, y: y - 56 - (x - c) * 0.35)
        layers.append((cap, hair_c, 1.0))
    elif style in ('long', 'bob'):
        fringe = inter(ellipse(c, 58, 33, 28), lambda x, y: y - 52 - abs(x - c + 6) * 0.45)
        layers.append((fringe, hair_c, 1.0))
    elif style == 'bun':
        layers.append((circle(c, 28, 13), hair_c, 1.0))
        cap = inter(ellipse(c, 58, 32, 27), lambda x, y: y - 54 - abs(x - c) * 0.2)
        layers.append((cap, hair_c, 1.0))
    elif style == 'curly':
        curls = union(*[circle(c + 27 * math.cos(a), 58 + 25 * math.sin(a) * 0.9, 11)
                        for a in [math.pi * (1.0 + k / 8.0) for k in range(9)]])
        layers.append((inter(curls, lambda x, y: y - 66), hair_c, 1.0))
    elif style == 'buzz':
        cap = inter(ellipse(c, 62, 31, 33), lambda x, y: y - 50)
        layers.append((cap, hair_c, 0.9))

    ink = (0.17, 0.15, 0.17)
    layers.append((circle(c - 11, 72, 3.6), ink, 1.0))                             # eyes
    layers.append((circle(c + 11, 72, 3.6), ink, 1.0))
    layers.append((circle(c - 9.8, 70.8, 1.1), (1, 1, 1), 0.9))                   # catch-lights
    layers.append((circle(c + 12.2, 70.8, 1.1), (1, 1, 1), 0.9))
    brow = tuple(v * 0.8 for v in hair_c)
    layers.append((capsule(c - 17, 63, c - 6, 62, 1.6), brow, 1.0))
    layers.append((capsule(c + 6, 62, c + 17, 63, 1.6), brow, 1.0))
    layers.append((capsule(c, 74, c - 2, 82, 1.4), shade, 1.0))                    # nose
    layers.append((circle(c - 18, 84, 5.5), (0.95, 0.55, 0.55), 0.25))             # cheeks
    layers.append((circle(c + 18, 84, 5.5), (0.95, 0.55, 0.55), 0.25))
    layers.append((arc(c, 80, 11, 0.35, math.pi - 0.35, 1.7), (0.55, 0.2, 0.22), 1.0))  # smile
    if 'glasses' in extras:
        rim = (0.12, 0.12, 0.14)
        for ex in (c - 11, c + 11):
            layers.append((lambda x, y, ex=ex: abs(math.hypot(x - ex, y - 72) - 8) - 1.1, rim, 1.0))
        layers.append((capsule(c - 3, 71, c + 3, 71, 1.0), rim, 1.0))
    return layers


def render(layers):
    rows = []
    for j in range(SIZE):
        row = bytearray()
        y = j + 0.5
        for i in range(SIZE):
            x = i + 0.5
            r = g = b = a = 0.0
            for f, col, op in layers:
                cov = max(0.0, min(1.0, 0.5 - f(x, y))) * op
                if cov <= 0:
                    continue
                # "over" compositing, premultiplied
                r = col[0] * cov + r * (1 - cov)
                g = col[1] * cov + g * (1 - cov)
                b = col[2] * cov + b * (1 - cov)
                a = cov + a * (1 - cov)
            if a > 0:
                row += bytes((round(r / a * 255), round(g / a * 255), round(b / a * 255), round(a * 255)))
            else:
                row += b'\x00\x00\x00\x00'
        rows.append(bytes(row))
    return rows


def write_png(path, rows):
    raw = b''.join(b'\x00' + r for r in rows)

    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)

    png = b'\x89PNG\r\n\x1a\n'
    png += chunk(b'IHDR', struct.pack('>IIBBBBB', SIZE, SIZE, 8, 6, 0, 0, 0))
    png += chunk(b'IDAT', zlib.compress(raw, 9))
    png += chunk(b'IEND', b'')
    with open(path, 'wb') as f:
        f.write(png)


PEOPLE = {
    #          background  skin       hair       shirt      style     extras
    'user1': ('#8ecae6', '#f1c7a5', '#2b2118', '#1d3557', 'side', ('glasses',)),
    'user2': ('#ffd6a5', '#f6d3b8', '#b5651d', '#6a4c93', 'long', ()),
    'user3': ('#caffbf', '#8d5a3b', '#1b1b1b', '#2a9d8f', 'buzz', ('beard',)),
    'sofia': ('#ffadad', '#e0ac85', '#3b2314', '#e76f51', 'bun', ()),
    'kenji': ('#bdb2ff', '#efc9a4', '#111111', '#264653', 'short', ()),
    'lena':  ('#fdffb6', '#f8dcc8', '#e9c46a', '#3a506b', 'bob', ('glasses',)),
    'priya': ('#a0c4ff', '#b07650', '#1e1410', '#f4a261', 'long', ()),
    'omar':  ('#9bf6ff', '#c68f65', '#2d1e16', '#457b9d', 'curly', ('beard',)),
}


def main():
    out_dir = os.path.join(HERE, 'avatars')
    os.makedirs(out_dir, exist_ok=True)
    for name, (bg, skin, hair, shirt, style, extras) in PEOPLE.items():
        write_png(os.path.join(out_dir, name + '.png'), render(face(bg, skin, hair, shirt, style, extras)))
        print('wrote', name + '.png')


if __name__ == '__main__':
    main()
