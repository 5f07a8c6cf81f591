"""Visible text through the real gates: `editorial validate`, `mkdocs build` and the audit.

A dose written with a bidirectional control (the page would show "150 mg", the file says "105
mg") is refused where it is written and never published; a site page that copies a withheld
article's words with markup inside them stops the build; a withheld article that shares a
heading and the words after it with an approved one stops nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from support.cli import run_cli
from support.gate_content import GUIDELINES, SAMPLE, mkdocs, rebind, site_bytes
from support.site_html import copy_project

pytestmark = [pytest.mark.slow, pytest.mark.build]

ARTICLE = "content/articles/itp-refill-sepsis.md"


def _project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def test_a_dose_that_reads_differently_is_refused_and_never_published(tmp_path: Path):
    project = _project(tmp_path)
    path = project / ARTICLE
    text = SAMPLE.replace(GUIDELINES, f"{GUIDELINES}For adults give 1\u202e05\u202c mg of zqxbidi [@evans2021].\n\n", 1)
    path.write_text(rebind(text), encoding="utf-8")
    code, out, err = run_cli("validate", cwd=project)
    line = next(n for n, t in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if "\u202e" in t)
    assert code == 1, out + err
    assert f"{ARTICLE}:{line}:" in out and "E805 U+202E RIGHT-TO-LEFT OVERRIDE, a bidirectional control" in out
    done = mkdocs(project, "build")
    assert done.returncode == 0, done.stderr  # built without it: the article is withheld, the log says why
    assert "E805" in done.stderr
    assert not [name for name, data in site_bytes(project / "site").items() if b"zqxbidi" in data]


def test_an_invisible_character_in_a_site_page_or_the_registry_stops_them_at_its_place(tmp_path: Path):
    project = _project(tmp_path)
    about = project / "content" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nCall us on\u2066 0800 123\u2069.\n", encoding="utf-8")
    people = project / "content" / "people.yml"
    people.write_text(people.read_text(encoding="utf-8").replace("name: Amara Okafor", 'name: "Amara\\u200b Okafor"'))
    code, out, _ = run_cli("validate", cwd=project)
    assert code == 1
    assert re.search(r"content/about\.md:\d+:\d+: E805 U\+2066 LEFT-TO-RIGHT ISOLATE", out), out
    assert re.search(r"content/people\.yml:\d+:\d+: E805 U\+200B ZERO WIDTH SPACE.*in `people\.\d+\.name`", out), out
    done = mkdocs(project, "build")
    assert done.returncode != 0 and "content/about.md" in done.stderr and "E805" in done.stderr


def test_withheld_words_copied_with_markup_inside_them_stop_the_build(tmp_path: Path):
    project = _project(tmp_path)
    draft = project / "content" / "articles" / "septic-shock-first-hour.md"  # submitted: withheld
    words = draft.read_text(encoding="utf-8").split("## From the Guidelines", 1)[1].split()[:12]
    disguised = " ".join(f"{w[:1]}<b></b>{w[1:]}" for w in words)
    about = project / "content" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + f"\n{disguised}\n", encoding="utf-8")
    done = mkdocs(project, "build")
    assert done.returncode != 0
    assert "E953" in done.stderr and "septic-shock-first-hour.md" in done.stderr


def test_a_heading_and_words_both_articles_say_stop_nothing(tmp_path: Path):
    project = _project(tmp_path)
    approved = project / ARTICLE
    shared = "### Before the refill\n\nCheck the _culture_ results and the [blood count](https://example.org/cbc) first"
    approved.write_text(
        rebind(SAMPLE.replace(GUIDELINES, f"{GUIDELINES}{shared}, then decide [@evans2021].\n\n", 1)), encoding="utf-8"
    )
    draft = project / "content" / "articles" / "septic-shock-first-hour.md"
    text = draft.read_text(encoding="utf-8")
    plain = "### Before the refill\n\nCheck the culture results and the blood count first, then wait."
    draft.write_text(text.replace("\n## ", f"\n{plain}\n\n## ", 1), encoding="utf-8")
    done = mkdocs(project, "build")
    assert done.returncode == 0, done.stderr
    assert "Before the refill" in (project / "site" / "articles" / "itp-refill-sepsis" / "index.html").read_text()
