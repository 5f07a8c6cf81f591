"""The audit's memory for warm builds: files proved clean are not searched again, but only
while their bytes, the needles (unpublished and published texts, the registry) and the
audit code are the same. Real builds of the sample project; the pure `audit()` on them."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from editorial import audit
from editorial.workspace import Workspace
from gate_content import mkdocs
from site_html import copy_project

DRAFT = "content/articles/septic-shock-first-hour.md"  # `submitted` in the sample content
PUBLISHED = "content/articles/itp-refill-sepsis.md"
MEMORY = Path(".cache/editorial/audit.cache")


def _paragraph(path: Path) -> str:
    body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    return next(p.replace("\n", " ") for p in body.split("\n\n") if len(p.split()) > 20 and not p.startswith(("#", "-")))


@pytest.fixture()
def project(tmp_path):
    project = copy_project(tmp_path / "project")
    done = mkdocs(project, "build")
    assert done.returncode == 0, done.stderr
    assert (project / MEMORY).is_file()
    assert (project / "site" / "articles" / "itp-refill-sepsis" / "index.html").is_file()  # not an empty site
    return project


def test_a_warm_build_still_finds_a_leak_in_a_changed_file(project):
    again = mkdocs(project, "build")  # warm: every file is remembered as clean
    assert again.returncode == 0, again.stderr
    template = project / "overrides" / "main.html"
    paragraph = _paragraph(project / DRAFT)
    text = template.read_text(encoding="utf-8").replace("{% block libs %}", f"{{% block libs %}}<!-- {paragraph} -->", 1)
    template.write_text(text, encoding="utf-8")  # every page changes: none may be skipped
    leaked = mkdocs(project, "build")
    assert leaked.returncode != 0
    assert "E964" in leaked.stderr and re.search(rf"E953 text of unpublished article {DRAFT}", leaked.stderr), leaked.stderr


def test_a_corrupt_memory_means_a_full_search(project):
    (project / MEMORY).write_bytes(b"not a memory")
    again = mkdocs(project, "build")
    assert again.returncode == 0, again.stderr
    assert (project / "site" / "articles" / "itp-refill-sepsis" / "index.html").is_file()


def test_unchanged_files_are_searched_again_when_an_article_is_withdrawn(project):
    site = list(audit.read_site(project / "site"))
    ws = Workspace(project)
    corpus = ws.corpus()
    memory = audit.Memory("test")
    assert audit.audit(site, audit.read_content(ws, corpus), memory=memory) == []
    memory.clean = memory.proved
    assert len(memory.clean) == len(site)
    # the same site bytes, but the published article is now only submitted: its text is a leak
    source = project / PUBLISHED
    source.write_text(source.read_text(encoding="utf-8").replace("review_status: approved", "review_status: submitted", 1), encoding="utf-8")
    corpus = Workspace(project).corpus()
    problems = audit.audit(site, audit.read_content(ws, corpus), memory=memory)
    assert any(p.code == "E953" and PUBLISHED in p.message for p in problems), problems
    assert any(p.code == "E952" for p in problems), problems
