"""Draw the site's share image, the picture a link preview shows (og:image on every page).

    python scripts/share_image.py [OUT]    (default: overrides/assets/editorial/share.png)

An SVG of our own (the site's teal, its name, the staff of Asclepius and the line under it),
turned into a 1200 x 630 PNG by Debian's Chromium through Playwright, as the browser tests run
it. The PNG is committed under overrides/ as a file of the theme (the audit allows it as such;
core/site_files.SHARE_IMAGE names it): run this again after changing the site's name.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "overrides" / "assets" / "editorial" / "share.png"
WIDTH, HEIGHT = 1200, 630
CHROMIUM = "/usr/bin/chromium"
TEAL, DARK, LIGHT = "#00695c", "#004d40", "#e0f2f1"  # the site's palette (assets/editorial/editorial.css)
TAGLINE = "Answers from guidelines and research, reviewed by a Medical Advisory Board"


def svg(name: str, tagline: str = TAGLINE) -> str:
    """The picture: white on the site's teal, everything centred (a square crop keeps the mark)."""
    name, tagline = html.escape(name), html.escape(tagline)
    return f"""<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">
  <rect width="{WIDTH}" height="{HEIGHT}" fill="{TEAL}"/>
  <rect y="{HEIGHT - 36}" width="{WIDTH}" height="36" fill="{DARK}"/>
  <circle cx="{WIDTH // 2}" cy="190" r="92" fill="none" stroke="#ffffff" stroke-width="8"/>
  <text x="{WIDTH // 2}" y="245" font-size="160" text-anchor="middle" fill="#ffffff"
        font-family="DejaVu Sans, sans-serif">&#x2695;</text>
  <text x="{WIDTH // 2}" y="385" font-size="68" font-weight="700" text-anchor="middle" fill="#ffffff"
        font-family="Liberation Sans, Arial, DejaVu Sans, sans-serif">{name}</text>
  <text x="{WIDTH // 2}" y="455" font-size="30" text-anchor="middle" fill="{LIGHT}"
        font-family="Liberation Sans, Arial, DejaVu Sans, sans-serif">{tagline}</text>
</svg>"""


def site_name() -> str:
    from mkdocs.config import load_config

    return str(load_config(config_file=str(ROOT / "mkdocs.yml")).site_name)


def draw(out: Path, name: str) -> None:
    from playwright.sync_api import sync_playwright

    page_html = f'<!doctype html><html><body style="margin:0">{svg(name)}</body></html>'
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True)
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
            page.set_content(page_html)
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out), clip={"x": 0, "y": 0, "width": WIDTH, "height": HEIGHT})
        finally:
            browser.close()


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    draw(target, site_name())
    print(f"wrote {target} ({WIDTH} x {HEIGHT})")
