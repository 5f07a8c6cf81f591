"""The CLI and the MkDocs plugin judge on the same day, EDITORIAL_TODAY (editorial/clock.py):
moved past the sample's `next_review`, `editorial validate` warns and the page says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.clock import TODAY
from support.site_html import mkdocs_build, page

APPROVED = "content/articles/itp-refill-sepsis.md"
DUE = "2027-06-09"  # the sample's next_review
LATER = "2027-06-10"


def test_validate_judges_on_the_day_the_setting_names(editorial):
    assert TODAY < DUE
    code, out, err = editorial("validate")
    assert code == 0 and "W701" not in out, out + err
    code, out, err = editorial("validate", env={"EDITORIAL_TODAY": LATER})
    assert code == 0, out + err
    assert f"{APPROVED}:25:1: W701 warning: review overdue: `next_review` was {DUE}" in out


def test_a_setting_that_is_not_a_date_stops_the_command_with_one_line(editorial):
    code, out, err = editorial("validate", env={"EDITORIAL_TODAY": "06/10/2027"})
    assert code == 2 and out == ""
    assert (
        err == "editorial: EDITORIAL_TODAY=`06/10/2027` is not a date; write YYYY-MM-DD, or unset it to use today's\n"
    )


@pytest.mark.build
@pytest.mark.slow
def test_the_site_is_built_on_the_same_day(project: Path):
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr
    assert page(project / "site", "articles/itp-refill-sepsis").find(class_="editorial-overdue") is None
    done = mkdocs_build(project, env={"EDITORIAL_TODAY": LATER})
    assert done.returncode == 0, done.stderr
    notice = page(project / "site", "articles/itp-refill-sepsis").find(class_="editorial-overdue")
    assert notice is not None and "Review overdue" in notice.text()


@pytest.mark.build
@pytest.mark.slow
def test_the_build_refuses_a_setting_that_is_not_a_date(project: Path):
    done = mkdocs_build(project, env={"EDITORIAL_TODAY": "soon"})
    assert done.returncode != 0
    assert "EDITORIAL_TODAY=`soon` is not a date; write YYYY-MM-DD" in done.stderr
    assert "E961" not in done.stderr and "Traceback" not in done.stderr  # the setting is named, not the articles
    assert not (project / "site" / "articles" / "itp-refill-sepsis" / "index.html").exists()
