"""Render the app's PNG icons from their SVGs in headless Chromium.

The SVGs in static/icons/ are the source; the PNGs next to them are committed
and were made by this script (run it through scripts/make-icons):

  icon.svg          -> icon-192.png, icon-512.png            ("any": corners transparent)
  icon-maskable.svg -> icon-maskable-192.png, icon-maskable-512.png,
                       apple-touch-icon.png (180, opaque: iOS paints transparency black)

Each SVG is drawn at exactly the target size (device scale factor 1) into an
<img> on an empty page, and the page is captured. Before writing, the drawing
is checked on a canvas: a maskable icon must be fully opaque, and everything
that differs from its background must lie inside the safe zone, the centred
circle of radius 40% of the size (W3C Manifest, "icon masks").
"""

import base64
import os
import struct
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "static" / "icons"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]

# (source SVG, PNG written, size in pixels, maskable)
OUTPUTS = [
    ("icon.svg", "icon-192.png", 192, False),
    ("icon.svg", "icon-512.png", 512, False),
    ("icon-maskable.svg", "icon-maskable-192.png", 192, True),
    ("icon-maskable.svg", "icon-maskable-512.png", 512, True),
    ("icon-maskable.svg", "apple-touch-icon.png", 180, True),
]

# Runs in the page: draws the <img> on a canvas and measures it. "reach" is the
# largest distance from the centre, in pixels, of a pixel that differs from the
# top-left corner's colour (the background of a maskable icon).
MEASURE = """img => {
  const n = img.width, c = document.createElement("canvas");
  c.width = c.height = n;
  const g = c.getContext("2d");
  g.drawImage(img, 0, 0, n, n);
  const d = g.getImageData(0, 0, n, n).data;
  let minAlpha = 255, reach = 0;
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) {
    const i = 4 * (y * n + x);
    minAlpha = Math.min(minAlpha, d[i + 3]);
    const diff = Math.abs(d[i] - d[0]) + Math.abs(d[i + 1] - d[1]) + Math.abs(d[i + 2] - d[2]);
    if (diff > 24) reach = Math.max(reach, Math.hypot(x + 0.5 - n / 2, y + 0.5 - n / 2));
  }
  return {minAlpha, reach};
}"""


def png_size(path):
    """(width, height) from a PNG's IHDR chunk."""
    head = path.read_bytes()[:24]
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise ValueError(f"{path} is not a PNG")
    return struct.unpack(">II", head[16:24])


def render(browser, svg, png, size, maskable):
    data = base64.b64encode((ICONS / svg).read_bytes()).decode("ascii")
    page = browser.new_page(viewport={"width": size, "height": size}, device_scale_factor=1)
    try:
        page.set_content(
            "<!doctype html>"
            "<style>html,body{margin:0;background:transparent}img{display:block}</style>"
            f'<img width="{size}" height="{size}" alt="" src="data:image/svg+xml;base64,{data}">'
        )
        img = page.locator("img")
        img.evaluate("img => img.decode()")
        if maskable:
            m = img.evaluate(MEASURE)
            if m["minAlpha"] != 255:
                sys.exit(f"{svg}: a maskable icon must be opaque (found alpha {m['minAlpha']})")
            if m["reach"] > 0.4 * size + 1:
                sys.exit(
                    f"{svg}: artwork reaches {m['reach']:.1f}px from the centre at {size}px; "
                    f"the safe zone is {0.4 * size:.1f}px"
                )
        page.screenshot(path=ICONS / png, omit_background=not maskable)
    finally:
        page.close()
    width, height = png_size(ICONS / png)
    if (width, height) != (size, size):
        sys.exit(f"{png} came out {width}x{height}, not {size}x{size}")
    print(f"{png:24} {size}x{size}  {(ICONS / png).stat().st_size:6} bytes  from {svg}")


def main():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for svg, png, size, maskable in OUTPUTS:
                render(browser, svg, png, size, maskable)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
