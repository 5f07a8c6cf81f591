"""Lighthouse's accessibility, SEO and best-practices audits on a built site, in Debian's Chromium.

    python scripts/lighthouse.py [SITE_DIR]      (default: site/, as `mkdocs build` writes it)

Serves SITE_DIR on 127.0.0.1 and runs Lighthouse (from npm, installed on first use into
.cache/lighthouse/, git-ignored) on the home page, every article page, the board and the
editorial-policy page, each as a phone (Lighthouse's default) and as a desktop. Prints every
score and each audit that did not pass; exits 1 unless every score is 100. Needs Node and npm
(Lighthouse is a Node program); the test suite covers the same points without them, with
axe-core and explicit checks (guides/site.md, "Findable" and "Accessibility").
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE = "12.8.2"  # the release the documented run used (guides/site.md)
PREFIX = ROOT / ".cache" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CATEGORIES = ("accessibility", "seo", "best-practices")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update"


def lighthouse() -> Path:
    program = PREFIX / "node_modules" / ".bin" / "lighthouse"
    if not program.exists():
        if shutil.which("npm") is None:
            sys.exit("npm is missing: Lighthouse is a Node program (install Node 18 or later)")
        print(f"installing lighthouse {LIGHTHOUSE} into {PREFIX.relative_to(ROOT)}/ ...", flush=True)
        PREFIX.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(PREFIX), f"lighthouse@{LIGHTHOUSE}"],
            check=True,
        )
    return program


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


@contextlib.contextmanager
def served(site: Path):
    """The base URL of `site`, served from a thread of this process on a free port."""
    handler = functools.partial(_Quiet, directory=str(site))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{server.server_port}/"
        finally:
            server.shutdown()


def pages(site: Path) -> list[str]:
    articles = sorted(p.parent.name for p in (site / "articles").glob("*/index.html"))
    wanted = ["", *(f"articles/{slug}/" for slug in articles), "board/", "editorial-policy/"]
    return [url for url in wanted if (site / url / "index.html").is_file()]


def audit(program: Path, url: str, desktop: bool, out: Path) -> dict:
    args = [
        str(program),
        url,
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--output=json",
        f"--output-path={out}",
        "--quiet",
    ]
    if desktop:
        args.append("--preset=desktop")
    subprocess.run(args, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=300)
    return json.loads(out.read_text(encoding="utf-8"))


def main(argv: list[str]) -> int:
    site = Path(argv[0]) if argv else ROOT / "site"
    if not (site / "index.html").is_file():
        sys.exit(f"{site} holds no built site: run `mkdocs build` first")
    program = lighthouse()
    failed = 0
    with served(site) as base, tempfile.TemporaryDirectory() as tmp:
        for url in pages(site):
            for desktop in (False, True):
                try:
                    report = audit(program, base + url, desktop, Path(tmp) / "report.json")
                except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
                    print(f"/{url:<40} {'desktop' if desktop else 'phone  '}  Lighthouse failed: {exc}")
                    failed += 1
                    continue
                scores = {name: report["categories"][name]["score"] for name in CATEGORIES}
                misses = [
                    f"    {a['id']}: {a['title']}"
                    for a in report["audits"].values()
                    if a.get("scoreDisplayMode") in ("binary", "numeric") and (a.get("score") or 0) < 1
                ]
                shown = "  ".join(f"{name} {round((score or 0) * 100)}" for name, score in scores.items())
                print(f"/{url:<40} {'desktop' if desktop else 'phone  '}  {shown}")
                if misses:
                    print("\n".join(misses))
                failed += any(score != 1 for score in scores.values())
    print(f"lighthouse {LIGHTHOUSE}: {'every score 100' if not failed else f'{failed} run(s) below 100'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
