#!/usr/bin/env python3
"""Draws Lamina's app icons (stacked print layers on the app's dark blue) and writes them as
PNG (192 and 512 px, plus a maskable 512 px with a wider safe margin) and SVG into web/icons.
Uses only the standard library. Run again after changing the design:
    python3 scripts/icons.py
"""
import os
import struct
import zlib

BG = (0x1D, 0x2A, 0x33)
FG = (0xF0, 0xA0, 0x33)
# Layers from the bottom, in a 16-unit square: (x, y, width, height), as in the favicon.
LAYERS = [(2, 12, 12, 2), (3, 9, 10, 2), (4, 6, 8, 2), (5, 3, 6, 2)]
OUT = os.path.join(os.path.dirname(__file__), "..", "web", "icons")


def inside_rounded(px, py, x, y, w, h, r):
    """Whether the point lies in the rectangle with corners rounded by r."""
    if px < x or px > x + w or py < y or py > y + h:
        return False
    cx = min(max(px, x + r), x + w - r)
    cy = min(max(py, y + r), y + h - r)
    return (px - cx) ** 2 + (py - cy) ** 2 <= r * r


def draw(size, margin, round_bg):
    """RGBA rows; 4×4 samples per pixel for smooth edges."""
    unit = size * (1 - 2 * margin) / 16
    off = size * margin
    rows = []
    n = 4
    for j in range(size):
        row = bytearray([0])  # PNG filter: none
        for i in range(size):
            bg = fg = 0
            for sj in range(n):
                for si in range(n):
                    px = i + (si + 0.5) / n
                    py = j + (sj + 0.5) / n
                    in_bg = (not round_bg) or inside_rounded(px, py, 0, 0, size, size, size * 0.18)
                    if not in_bg:
                        continue
                    u, v = (px - off) / unit, (py - off) / unit
                    if any(inside_rounded(u, v, x, y, w, h, 0.45) for x, y, w, h in LAYERS):
                        fg += 1
                    else:
                        bg += 1
            total = n * n
            a = (bg + fg) / total
            if a == 0:
                row += bytes(4)
                continue
            t = fg / (bg + fg)
            colour = [round(BG[k] * (1 - t) + FG[k] * t) for k in range(3)]
            row += bytes(colour + [round(255 * a)])
        rows.append(bytes(row))
    return rows


def png(size, rows):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


def svg():
    bars = "".join(
        f'<rect x="{x + 1}" y="{y + 1}" width="{w}" height="{h}" rx="0.45"/>' for x, y, w, h in LAYERS
    )
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 18 18">'
            '<rect width="18" height="18" rx="3.2" fill="#1d2a33"/>'
            f'<g fill="#f0a033">{bars}</g></svg>\n')


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, size, margin, round_bg in [
        ("icon-192.png", 192, 1 / 18, True),
        ("icon-512.png", 512, 1 / 18, True),
        # Maskable: full-bleed background, the picture inside the central 80 %.
        ("icon-maskable-512.png", 512, 0.16, False),
    ]:
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(png(size, draw(size, margin, round_bg)))
    with open(os.path.join(OUT, "icon.svg"), "w") as f:
        f.write(svg())


if __name__ == "__main__":
    main()
