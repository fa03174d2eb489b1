#!/usr/bin/env python3
"""Draws Shruti's app icon (a saffron disc with a white sound wave) as RGBA PNGs in icons/.

No image library: the pixels are computed here and written with zlib, 4x supersampled."""
import math
import struct
import zlib
from pathlib import Path

SAFFRON = (0xE8, 0x7A, 0x1E)
WHITE = (0xFF, 0xFF, 0xFF)
# Bar heights of the wave, as a share of the disc's radius.
BARS = [0.22, 0.45, 0.75, 0.5, 0.9, 0.6, 0.35, 0.7, 0.4, 0.2]


def coverage(x, y):
    """(r, g, b, a) of the point (x, y) in [-1, 1]^2."""
    if x * x + y * y > 0.94 * 0.94:
        return (0, 0, 0, 0)
    width = 1.2 / len(BARS)
    i = math.floor((x + 0.6) / width)
    if 0 <= i < len(BARS):
        local = (x + 0.6) - i * width
        if 0.18 * width < local < 0.82 * width and abs(y) < BARS[i] * 0.62:
            return WHITE + (255,)
    return SAFFRON + (255,)


def render(size, ss=4):
    rows = []
    for py in range(size):
        row = bytearray([0])
        for px in range(size):
            acc = [0, 0, 0, 0]
            for sy in range(ss):
                for sx in range(ss):
                    x = ((px + (sx + 0.5) / ss) / size) * 2 - 1
                    y = ((py + (sy + 0.5) / ss) / size) * 2 - 1
                    r, g, b, a = coverage(x, y)
                    acc[0] += r * a
                    acc[1] += g * a
                    acc[2] += b * a
                    acc[3] += a
            n = ss * ss
            alpha = acc[3] / n
            if acc[3]:
                row += bytes([round(acc[0] / acc[3]), round(acc[1] / acc[3]), round(acc[2] / acc[3]), round(alpha)])
            else:
                row += bytes([0, 0, 0, 0])
        rows.append(bytes(row))
    return b"".join(rows)


def png(size):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(render(size), 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    out = Path(__file__).resolve().parent.parent / "icons"
    out.mkdir(exist_ok=True)
    for name, size in [("32x32.png", 32), ("128x128.png", 128), ("128x128@2x.png", 256), ("icon.png", 512)]:
        (out / name).write_bytes(png(size))
        print(out / name)
