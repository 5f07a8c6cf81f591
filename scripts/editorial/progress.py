"""How far a long run is: `editorial validate` in a terminal, `mkdocs build` in its log.

Only for large runs, and never in CI logs or pipes (a terminal is required for the
validate counter; the build's lines are ordinary INFO log lines)."""

from __future__ import annotations

import logging
import os
import sys
from typing import TextIO

VALIDATE_FROM = 1000  # files; smaller runs finish before a counter helps
VALIDATE_EVERY = 1000
BUILD_FROM = 1000  # pages
BUILD_EVERY = 500

log = logging.getLogger("mkdocs.plugins.editorial.progress")


def terminal_counter(total: int, stream: TextIO | None = None):
    """A progress callback for validate, or None when nobody watches a terminal."""
    stream = stream or sys.stderr
    if total < VALIDATE_FROM or os.environ.get("CI") or not stream.isatty():
        return None
    shown = [0]

    def report(done: int, all_files: int) -> None:
        step = done // VALIDATE_EVERY
        if step > shown[0] and done < all_files:
            shown[0] = step
            print(f"validated {step * VALIDATE_EVERY}/{all_files} files", file=stream, flush=True)

    return report


class BuildProgress:
    """Pages rendered in one build: an INFO line every BUILD_EVERY pages of a large build."""

    def __init__(self) -> None:
        self.done = 0
        self.total = 0

    def start(self, pages: int) -> None:
        self.done, self.total = 0, pages

    def page_built(self) -> None:
        self.done += 1
        if self.total >= BUILD_FROM and self.done % BUILD_EVERY == 0:
            log.info("editorial: %d/%d pages rendered", self.done, self.total)
