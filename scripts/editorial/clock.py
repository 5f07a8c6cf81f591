"""Today's date, read in one place for the CLI and the MkDocs plugin.

`EDITORIAL_TODAY=YYYY-MM-DD` fixes it: the test suite sets it, so that no result depends
on the day the tests run (a sample article's review falls due, a date becomes the future);
anyone can set it to see the site or the checks as they will be on a given day. Unset, it is
the machine's date. The core never reads the clock: it is handed the date (`Context.today`)."""

from __future__ import annotations

import datetime as dt
import os
import re

from .core.model import CannotRun

VARIABLE = "EDITORIAL_TODAY"


def today() -> str:
    """The ISO date every check and build judges against."""
    fixed = os.environ.get(VARIABLE, "").strip()
    if not fixed:
        return dt.date.today().isoformat()
    try:  # YYYY-MM-DD only: Python's fromisoformat also takes 20310203 and 2031-W05-1
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fixed):
            return dt.date.fromisoformat(fixed).isoformat()
    except ValueError:
        pass
    raise CannotRun(f"{VARIABLE}=`{fixed}` is not a date; write YYYY-MM-DD, or unset it to use today's")


def now_utc() -> str:
    """The time now in UTC (`2026-06-09T14:03:00Z`) for a review recorded as it is done; "" when
    `EDITORIAL_TODAY` fixes the day, since the time of that day is then not known."""
    if os.environ.get(VARIABLE, "").strip():
        return ""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
