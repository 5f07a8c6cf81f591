"""The day every test runs on: EDITORIAL_TODAY, which the CLI and the MkDocs plugin read
(editorial/clock.py). conftest.py sets it for the whole run, so that no result depends on the
day the suite runs: the sample article's review never falls due under the tests, and no date
a test writes becomes the future. Tests that need "today" use TODAY, never the machine's date.

The day lies between the sample's last review (2026-06-09) and its `next_review`
(2027-06-09), and after every date the tests write as the past."""

from __future__ import annotations

import datetime as dt
import re

from support.site_html import REPO

TODAY = "2027-01-15"
DAY = dt.date.fromisoformat(TODAY)


def sample_warnings(today: str = TODAY) -> int:
    """Warnings the untouched sample project gives on `today`: none, until the approved
    sample passes its `next_review` date and is (rightly) reported overdue with W701."""
    overdue = 0
    for path in (REPO / "content/articles").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        match = re.search(r"^next_review: (\d{4}-\d{2}-\d{2})\s*$", text, re.M)
        overdue += bool(match and re.search(r"^review_status: approved\s*$", text, re.M) and match.group(1) < today)
    return overdue


def real_clock(env: dict[str, str]) -> dict[str, str]:
    """`env` for a process that must keep time by the real clock when the suite runs under
    faketime (`faketime -f +400d bash scripts/test.sh`): libfaketime 0.9.10 fakes the monotonic
    clock but not sem_clockwait, which Python 3.11 uses for a lock's timed wait, so a thread that
    waits with a timeout (`mkdocs serve`'s reload loop) waits the faked years. Its day is
    EDITORIAL_TODAY either way; without faketime, `env` comes back as it is."""
    kept = [lib for lib in re.split(r"[:\s]+", env.get("LD_PRELOAD", "")) if lib and "faketime" not in lib]
    clean = {name: value for name, value in env.items() if not name.startswith("FAKETIME") and name != "LD_PRELOAD"}
    return {**clean, "LD_PRELOAD": " ".join(kept)} if kept else clean
