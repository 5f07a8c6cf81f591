"""Today's date, read in one place (editorial/clock.py): EDITORIAL_TODAY fixes it."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from editorial import clock
from editorial.core.model import CannotRun
from support.clock import TODAY


def test_the_suite_runs_on_its_fixed_day():
    assert os.environ["EDITORIAL_TODAY"] == TODAY
    assert clock.today() == TODAY


def test_the_setting_fixes_the_day(monkeypatch):
    monkeypatch.setenv("EDITORIAL_TODAY", " 2031-02-03 ")
    assert clock.today() == "2031-02-03"


@pytest.mark.parametrize("unset", [None, ""], ids=["unset", "empty"])
def test_without_the_setting_it_is_the_machines_date(monkeypatch, unset):
    if unset is None:
        monkeypatch.delenv("EDITORIAL_TODAY")
    else:
        monkeypatch.setenv("EDITORIAL_TODAY", unset)
    before = dt.date.today().isoformat()
    day = clock.today()
    assert day in {before, dt.date.today().isoformat()}  # midnight may pass between the two


@pytest.mark.parametrize("value", ["2031-02-30", "tomorrow", "2031-2-3", "20310203", "2031-W05-1"])
def test_a_value_that_is_not_a_date_stops_the_command_and_says_what_to_write(monkeypatch, value):
    monkeypatch.setenv("EDITORIAL_TODAY", value)
    with pytest.raises(CannotRun) as refused:
        clock.today()
    assert str(refused.value) == (
        f"EDITORIAL_TODAY=`{value}` is not a date; write YYYY-MM-DD, or unset it to use today's"
    )
