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
