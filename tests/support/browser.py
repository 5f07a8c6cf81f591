"""Shared parts of the browser tests: Debian's Chromium driven by Playwright, a built site
served over HTTP, and a page waited for until it is settled. The tests fail (never skip) when the browser is missing:
a run without its browser tests must not count as a pass (scripts/test.sh installs it)."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps dialling out of a closed network.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_browser() -> None:
    if CHROMIUM.exists():
        return
    pytest.fail(
        f"{CHROMIUM} is missing: install Debian's `chromium` package (`sudo apt-get install chromium`; "
        "scripts/test.sh does it), the browser tests never download one"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served(site_dir: Path):
    """The base URL of `site_dir` served by `python -m http.server`."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=site_dir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base, timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


@contextlib.contextmanager
def chromium():
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


# Fonts loaded, then no transition or finite animation running (two frames first: a transition
# that a style change has just started shows in getAnimations() only then). Infinite ones, a
# spinner say, never finish and are not waited for.
_SETTLE = """async () => {
    await document.fonts.ready;
    for (let round = 0; round < 50; round++) {
        await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
        const moving = document.getAnimations().filter(
            a => a.playState === 'running' && a.effect && a.effect.getComputedTiming().iterations !== Infinity);
        if (moving.length === 0) return;
        await Promise.all(moving.map(a => a.finished.catch(() => null)));  // a cancelled one rejects
    }
    throw new Error('the page never settled: its animations keep starting');
}"""


def settled(page) -> None:
    """Wait until what a reader sees has stopped changing, so nothing is measured mid-fade:
    the web fonts loaded, and every transition and animation of the page finished."""
    page.evaluate(_SETTLE)


# What a reader sees, measured: bounding boxes in CSS pixels of the viewport (not guessed).
_RECT = """sel => { const el = [...document.querySelectorAll(sel)].find(e => e.getClientRects().length
    && getComputedStyle(e).visibility !== 'hidden');
  if (!el) return null;
  const b = el.getBoundingClientRect(), s = getComputedStyle(el);
  return {top: b.top, bottom: b.bottom, left: b.left, right: b.right, width: b.width, height: b.height,
          line: parseFloat(s.lineHeight) || 1.5 * parseFloat(s.fontSize), text: el.innerText.trim(),
          vw: innerWidth, vh: innerHeight}; }"""


def rect(page, selector: str) -> dict | None:
    """The box of the first element matching `selector` that is rendered, with its line height,
    its text and the viewport's size; None when no such element is rendered."""
    return page.evaluate(_RECT, selector)


def header_bottom(page) -> float:
    """Where the theme's sticky header ends: what lies above it is hidden under it."""
    return page.evaluate("document.querySelector('.md-header').getBoundingClientRect().bottom")


def first_line_on_screen(box: dict, top: float) -> bool:
    """Whether the first line of the element whose box is `box` is inside the viewport, below `top`."""
    return box["top"] >= top - 1 and box["top"] + min(box["line"], box["height"]) <= box["vh"] + 1
