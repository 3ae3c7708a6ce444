"""Draw the home-screen icons (a cacao pod on the brand colour) as PNG files with Pillow.

Run from the repository root: `.venv/bin/python scripts/make_app_icons.py`. The outputs are
committed in static/img/; the drawing matches static/img/favicon.svg.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

CACAO, POD, GOLD = (91, 44, 18), (122, 62, 29), (233, 196, 106)
OUT = Path(__file__).resolve().parents[1] / "static" / "img"


def draw_icon(size: int) -> Image.Image:
    """A square icon; the pod sits inside the central 80 % so "maskable" crops keep it."""
    scale = 4  # draw large and shrink, for smooth edges
    big = size * scale
    image = Image.new("RGB", (big, big), CACAO)
    pen = ImageDraw.Draw(image)
    unit = big / 32  # the favicon's 32-unit grid, shrunk to the safe zone
    inset = big * 0.1
    unit *= 0.8

    def at(x: float, y: float) -> tuple[float, float]:
        return inset + x * unit, inset + y * unit

    pen.ellipse([*at(7, 2), *at(25, 30)], fill=POD)
    width = max(2, round(1.6 * unit))
    pen.line([at(16, 3), at(16, 29)], fill=GOLD, width=width)
    for side in (-1, 1):
        # The favicon's curves: 5 units off the centre at the ends, 2.75 at the middle.
        points = [at(16 + side * (5 - 2.25 * math.sin(math.pi * t)), 7 + 18 * t)
                  for t in (i / 20 for i in range(21))]
        pen.line(points, fill=GOLD, width=width, joint="curve")
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    for size in (192, 512):
        draw_icon(size).save(OUT / f"icon-{size}.png", optimize=True)
    draw_icon(180).save(OUT / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
