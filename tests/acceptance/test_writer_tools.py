"""The writer's tools for real: `editorial new`, `queue` and `preview` on a copy of the
project in a temporary folder (real files, real mkdocs serve). The commands run in this
process; the preview server, which runs until it is stopped, is a real process."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from support.cli import run_cli
from support.clock import DAY, TODAY, real_clock

QUESTION = "Should intrathecal baclofen be stopped before an MRI scan?"
NEW_PATH = "content/articles/should-intrathecal-baclofen-be-stopped-before-an-mri-scan.md"


def editorial(root: Path, *args: str) -> subprocess.CompletedProcess:
    """The command's `main`, run in this process in `root`, as a completed process."""
    code, out, err = run_cli(*args, cwd=root)
    return subprocess.CompletedProcess(["editorial", *args], code, out, err)


# -- editorial new ------------------------------------------------------------------------
def test_new_writes_a_submitted_article_whose_only_problems_are_the_writers_to_do(project: Path):
    result = editorial(project, "new", QUESTION, "--author", "jordan-mills")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == NEW_PATH
    text = (project / NEW_PATH).read_text(encoding="utf-8")
    today = TODAY
    for line in (
        "id: should-intrathecal-baclofen-be-stopped-before-an-mri-scan",
        f"created: {today}",
        f"updated: {today}",
        "review_status: submitted",
        "reviews: []",
        "references: []",
        "## From the Guidelines",
        "## From the Research",
    ):
        assert line in text
    assert f'title: "{QUESTION}"' in text
    assert "conflicts: none" not in text  # the authors state their conflicts: the template never answers for them
    # the command says what is left to do: both sections cite nothing yet, the template's text is still there
    assert result.stderr.count("E502") == 2 and result.stderr.count("E510") == 4

    check = editorial(project, "validate", NEW_PATH, "--format", "json")
    found = json.loads(check.stdout)
    codes = sorted(p["code"] for p in found)
    assert codes == ["E502", "E502", "E510", "E510", "E510", "E510"]  # schema-valid: nothing but the to-do list
    lines = text.splitlines()
    template = {p["line"]: p["message"] for p in found if p["code"] == "E510"}
    # each at its place, saying what to write instead
    at = {lines[n - 1].split(":")[0] if ":" in lines[n - 1] else lines[n - 1][:20]: m for n, m in template.items()}
    assert set(at) == {"description", "conflicts", "Say what the guideli", "Summarise the studie"}
    assert "answer the question for a clinician" in at["description"]
    assert "conflicts of interest" in at["conflicts"] and "`conflicts: none`" in at["conflicts"]
    assert "under `## From the Guidelines`" in at["Say what the guideli"]
    assert "under `## From the Research`" in at["Summarise the studie"]


def test_no_template_text_passes_validate_and_the_authors_state_their_conflicts(project: Path):
    """Every placeholder `editorial new` writes is refused, each on its own: a writer who fills in
    all but one is told about that one; once all are written, validate passes."""
    from editorial.core import writer

    assert editorial(project, "new", QUESTION, "--author", "jordan-mills").returncode == 0
    path = project / NEW_PATH
    guidelines, research = writer.GUIDANCE
    template = path.read_text(encoding="utf-8")
    finished = (
        template.replace(writer.DESCRIPTION, "Usually not: check the pump's MRI labelling and plan the scan with it.")
        .replace(f'"{writer.CONFLICTS}"', "none")
        .replace("references: []", REFERENCE)
    )
    for g, words in ((guidelines, "The labelling says so [@ref2020]."), (research, "Case reports agree [@ref2020].")):
        paragraph = finished[finished.index(" ".join(g.sentences[0].split()[:3])) :].split("\n\n")[0]
        finished = finished.replace(paragraph, words)
    path.write_text(finished, encoding="utf-8")
    assert editorial(project, "validate", NEW_PATH).returncode == 0
    # each piece of template text alone, even re-wrapped or cut down to one sentence, is refused
    left = [
        finished.replace("Usually not: check the pump's MRI labelling and plan the scan with it.", writer.DESCRIPTION),
        finished.replace("conflicts: none", f'conflicts: "{writer.CONFLICTS}"'),
        finished.replace("Case reports agree", " ".join(research.sentences[-1:]).replace(" ", "\n", 2) + " Case"),
        finished.replace("The labelling says so", guidelines.sentences[0].replace(" in ", "\n  in ")),
    ]
    for text in left:
        path.write_text(text, encoding="utf-8")
        check = editorial(project, "validate", NEW_PATH, "--format", "json")
        assert check.returncode == 1
        assert [p["code"] for p in json.loads(check.stdout)] == ["E510"], check.stdout
    # no conflicts at all: an error that says the authors state them
    path.write_text(finished.replace("conflicts: none\n", ""), encoding="utf-8")
    check = editorial(project, "validate", NEW_PATH)
    assert check.returncode == 1 and "E201 missing required field `conflicts`" in check.stdout
    assert "write `none` when there are none" in check.stdout


REFERENCE = """references:
  - id: ref2020
    evidence: guideline
    type: report
    title: Example content, not a real source
    issued: {date-parts: [[2020]]}"""


def test_new_refuses_an_unknown_author(project: Path):
    result = editorial(project, "new", QUESTION, "--author", "no-such-writer")
    assert result.returncode == 1
    assert "no-such-writer" in result.stderr and "people.yml" in result.stderr
    assert not (project / NEW_PATH).exists()


def test_new_refuses_an_existing_id_and_leaves_the_file_alone(project: Path):
    existing = project / "content/articles/itp-refill-sepsis.md"
    before = existing.read_bytes()
    result = editorial(project, "new", "ITP refill sepsis", "--author", "jordan-mills")
    assert result.returncode == 1
    assert "itp-refill-sepsis" in result.stderr and "already exists" in result.stderr
    assert existing.read_bytes() == before


def test_new_refuses_an_id_taken_by_an_article_in_another_file(project: Path):
    moved = project / "content/articles/renamed.md"
    (project / "content/articles/itp-refill-sepsis.md").rename(moved)  # id itp-refill-sepsis, another stem
    result = editorial(project, "new", "ITP refill sepsis", "--author", "jordan-mills")
    assert result.returncode == 1
    assert "content/articles/renamed.md" in result.stderr
    assert not (project / "content/articles/itp-refill-sepsis.md").exists()


def test_new_makes_a_short_slug_of_whole_words_and_takes_several_authors(project: Path):
    question = (
        "Can an intrathecal baclofen pump be refilled safely in a patient who has active sepsis "
        "and a positive blood culture?"
    )
    code, out, err = run_cli(
        "new", question, "--author", "jordan-mills", "--author", "jordan-mills", "--author", "priya-raman", cwd=project
    )
    assert code == 0, err
    slug = out.strip().removeprefix("content/articles/").removesuffix(".md")
    assert len(slug) <= 60 and slug == "can-an-intrathecal-baclofen-pump-be-refilled-safely"
    assert slug.split("-")[-1] not in ("in", "a", "the")
    text = (project / out.strip()).read_text(encoding="utf-8")
    assert f"id: {slug}\n" in text and "authors: [jordan-mills, priya-raman]\n" in text
    assert "editorial start-review" in err  # what comes next


def test_new_takes_a_chosen_slug_and_refuses_a_bad_one(project: Path):
    code, out, err = run_cli("new", QUESTION, "--author", "jordan-mills", "--slug", "baclofen-before-mri", cwd=project)
    assert code == 0 and out.strip() == "content/articles/baclofen-before-mri.md", err
    assert "id: baclofen-before-mri\n" in (project / out.strip()).read_text(encoding="utf-8")
    for bad in ("Baclofen_MRI", "a" * 61, "x--y", "../escape"):
        code, out, err = run_cli("new", QUESTION, "--author", "jordan-mills", "--slug", bad, cwd=project)
        assert code == 2 and "--slug" in err and len(err.strip().splitlines()) == 1, (bad, err)
    code, out, err = run_cli("new", QUESTION, "--author", "jordan-mills", "--author", "nobody-here", cwd=project)
    assert code == 1 and "nobody-here" in err


# -- editorial queue ----------------------------------------------------------------------
def _set_next_review(path: Path, day: str) -> None:
    text = path.read_text(encoding="utf-8")
    start = text.index("next_review: ")
    end = text.index("\n", start)
    path.write_text(text[:start] + f"next_review: {day}" + text[end:], encoding="utf-8")


def test_queue_lists_what_waits_for_whom(project: Path):
    today = DAY
    articles = project / "content/articles"
    _set_next_review(articles / "itp-refill-sepsis.md", (today + dt.timedelta(days=10)).isoformat())
    far = articles / "itp-refill-sepsis-far.md"  # approved, next review far away: not listed
    far.write_text(
        (articles / "itp-refill-sepsis.md")
        .read_text(encoding="utf-8")
        .replace("id: itp-refill-sepsis", "id: itp-refill-sepsis-far"),
        encoding="utf-8",
    )
    _set_next_review(far, (today + dt.timedelta(days=200)).isoformat())

    result = editorial(project, "queue", "--format", "json")
    assert result.returncode == 0, result.stderr
    items = {item["path"]: item for item in json.loads(result.stdout)}
    assert set(items) == {
        "content/articles/septic-shock-first-hour.md",
        "content/articles/infected-baclofen-pump-removal.md",
        "content/articles/itp-refill-sepsis.md",
    }

    submitted = items["content/articles/septic-shock-first-hour.md"]
    assert submitted["status"] == "submitted" and submitted["waiting_for"] == "writer"
    assert "editorial start-review content/articles/septic-shock-first-hour.md" in submitted["action"]
    assert submitted["age_days"] == (today - dt.date(2025, 8, 14)).days  # since `updated`

    in_review = items["content/articles/infected-baclofen-pump-removal.md"]
    assert in_review["status"] == "under_review" and in_review["waiting_for"] == "board"
    assert in_review["approvals_needed"] == 1  # min_approvals 1, none of the current content yet

    due = items["content/articles/itp-refill-sepsis.md"]
    assert due["status"] == "approved" and due["due_in_days"] == 10 and due["waiting_for"] == "writer"

    text = editorial(project, "queue")
    assert text.returncode == 0
    assert (
        "septic-shock-first-hour.md: submitted -> writer: when the draft is ready: editorial start-review"
        in text.stdout
    )
    assert "itp-refill-sepsis.md: approved -> writer: review again, due within 10 day(s)" in text.stdout
    assert "3 article(s) waiting" in text.stdout


def test_queue_shows_overdue_reviews_and_changes_requested(project: Path):
    today = DAY
    articles = project / "content/articles"
    _set_next_review(articles / "itp-refill-sepsis.md", (today - dt.timedelta(days=3)).isoformat())
    result = editorial(project, "queue", "--format", "json")
    items = {item["path"]: item for item in json.loads(result.stdout)}
    assert items["content/articles/itp-refill-sepsis.md"]["due_in_days"] == -3
    assert "overdue by 3 day(s)" in items["content/articles/itp-refill-sepsis.md"]["action"]


# -- editorial preview --------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fetch(url: str, until: float, wanted: str = "") -> str:
    last = ""
    while time.monotonic() < until:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                last = response.read().decode("utf-8")
                if wanted in last:
                    return last
        except OSError:
            pass
        time.sleep(0.2)
    return last


@pytest.mark.build
@pytest.mark.slow
def test_preview_serves_the_article_with_the_banner_and_reloads_on_save(project: Path):
    port = _free_port()
    article = project / "content/articles/septic-shock-first-hour.md"  # submitted: pending review
    env = real_clock({**os.environ, "NO_MKDOCS_2_WARNING": "1"})  # mkdocs serve waits with timeouts
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "editorial",
            "preview",
            "content/articles/septic-shock-first-hour.md",
            "--port",
            str(port),
        ],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/articles/septic-shock-first-hour/"
        page = _fetch(url, time.monotonic() + 60, "first hour")
        assert "What should be done in the first hour for an adult with suspected septic shock?" in page
        # the mkdocs serve it started stages the preview's pages in the temporary folder, not the project
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        staged = [p for pid in children for p in Path(tempfile.gettempdir()).glob(f".editorial.staging-{pid}-*")]
        assert len(staged) == 1 and (staged[0] / "articles" / "septic-shock-first-hour.md").is_file()
        assert "Preview build" in page  # the whole site is marked as a preview
        assert "pending human review" in page  # the article is not approved
        # the home page lists the article it previews first, with a link to it
        home = _fetch(f"http://127.0.0.1:{port}/", time.monotonic() + 30, "In this preview")
        listed = home[home.index('id="in-this-preview"') :]
        assert 'href="articles/septic-shock-first-hour/"' in listed.split("</ul>")[0]
        assert "not approved yet: submitted" in listed.split("</ul>")[0]

        # only this article is in the preview project: another one is not served
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/articles/itp-refill-sepsis/", timeout=5)

        text = article.read_text(encoding="utf-8")
        article.write_text(text.replace("Treat it as an emergency", "Treat it as an emergency now"), encoding="utf-8")
        reloaded = _fetch(url, time.monotonic() + 30, "emergency now")
        assert "emergency now" in reloaded  # saved, copied, rebuilt, served
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    # the address it gives opens the article's page, not the home page
    assert f"previewing content/articles/septic-shock-first-hour.md at {url} " in output
    assert not staged[0].exists()  # stopped with Ctrl-C, the server removed the preview's drafts


def test_preview_refuses_a_file_outside_the_articles(project: Path):
    result = editorial(
        project, "preview", "content/index.md", "--port", str(_free_port())
    )  # a site page, not an article
    assert result.returncode == 1
    assert "E112" in result.stderr
