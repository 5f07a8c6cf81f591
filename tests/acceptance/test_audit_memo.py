"""The audit's memo on a writer's machine (audit_memo.py): a warm build takes the last passing
build's clean verdicts for the very same files under the very same audit, and judges the rest;
in CI it is neither read nor written. Real builds of a copy of the sample project."""

from __future__ import annotations

import gzip
import hashlib
import os
import re
from pathlib import Path

import pytest

from editorial import audit_memo, site_folder
from editorial.core import links
from editorial.core.audit import Audit, Verdict
from editorial.core.model import Problem
from editorial.workspace import Workspace
from support.gate_content import GUIDELINES, article, mkdocs, site_bytes
from support.site_html import copy_project

pytestmark = [pytest.mark.build, pytest.mark.slow]

# a sentence of an approved article that the About page quotes: fine while the article is published
QUOTE = "The zqxapprovedone paragraph is fictional test text for the publish gate and nothing else"
SLUG = "gate-approved-one"
MEMO = ".cache/editorial/audit.cache"
WRITER = {"CI": None}  # a writer's machine (the suite itself may run in CI)
PASSED = re.compile(r"the audit passed (\d+) files; (\d+) of them")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = copy_project(tmp_path / "project")
    (root / "content" / "articles" / f"{SLUG}.md").write_text(article(SLUG, "zqxapprovedone"), encoding="utf-8")
    about = root / "content" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + f"\n## From our answers\n\n{QUOTE}.\n", encoding="utf-8")
    return root


def withdraw(root: Path) -> None:
    """An edit after the approval: the article is withheld, its text (the quote too) with it."""
    path = root / "content" / "articles" / f"{SLUG}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(GUIDELINES, f"{GUIDELINES}An edit made after the approval.\n\n", 1), encoding="utf-8")


def passed(stderr: str) -> tuple[int, int]:
    found = PASSED.search(stderr)
    assert found, stderr
    return int(found.group(1)), int(found.group(2))


def test_a_warm_build_takes_clean_verdicts_for_unchanged_files_and_judges_what_the_audit_sees_anew(project: Path):
    first = mkdocs(project, "build", env=WRITER)
    assert first.returncode == 0, first.stderr
    assert (project / MEMO).is_file()
    files, again = passed(first.stderr)
    assert files > 20 and again == 0
    site = site_bytes(project / "site")

    second = mkdocs(project, "build", env=WRITER)
    assert second.returncode == 0, second.stderr
    assert passed(second.stderr) == (files, files)  # nothing changed: every verdict found again
    assert site_bytes(project / "site") == site

    # The About page is byte for byte what it was, but what it quotes is now withheld: another
    # audit (another fingerprint), so nothing is taken from the memo, and the leak is found.
    withdraw(project)
    third = mkdocs(project, "build", env=WRITER)
    assert third.returncode == 1
    assert "E953" in third.stderr and "about/index.html" in third.stderr and f"{SLUG}.md" in third.stderr
    assert site_bytes(project / "site") == site  # the previous site stays


def _forge(root: Path) -> list[str]:
    """A memo, for the project as it is now, saying that the files of the built site that show the
    quote (the About page, its search fragment) are clean; their site paths."""
    ws = Workspace(root)
    corpus = ws.corpus(approvable_only=True)
    memo = audit_memo.Memo(root, Audit(site_folder.read_content(ws, corpus)))
    forged = []
    for path in sorted(p for p in (root / "site").rglob("*") if p.is_file()):
        data, rel = path.read_bytes(), path.relative_to(root / "site").as_posix()
        text = gzip.decompress(data) if rel.endswith(".pf_fragment") else data
        if b"zqxapprovedone paragraph" in text:
            page_links = links.urls(data.decode()) if rel.endswith(".html") else None
            memo.record(memo.key(rel, hashlib.sha256(data).digest()), Verdict([], set(), page_links))
            forged.append(rel)
    memo.save()
    return forged


def test_in_ci_the_memo_is_neither_written_nor_read(project: Path):
    in_ci = mkdocs(project, "build", env={"CI": "true"})
    assert in_ci.returncode == 0, in_ci.stderr
    assert not (project / MEMO).exists() and PASSED.search(in_ci.stderr) is None

    withdraw(project)
    forged = _forge(project)
    assert "about/index.html" in forged and any(rel.startswith("pagefind/") for rel in forged)
    refused = mkdocs(project, "build", env={"CI": "true"})
    assert refused.returncode == 1 and "E953" in refused.stderr and "about/index.html" in refused.stderr
    # the same forged memo on a writer's machine is taken (a writer's cache is theirs, as validate's
    # is): so CI refused the page because it did not read the memo, not because the forgery failed
    trusted = mkdocs(project, "build", env=WRITER)
    assert trusted.returncode == 0, trusted.stderr
    still_built = [rel for rel in forged if (project / "site" / rel).is_file()]  # not the withdrawn page
    assert "about/index.html" in still_built and passed(trusted.stderr)[1] == len(still_built)


def test_with_the_caches_off_there_is_no_memo(project: Path):
    done = mkdocs(project, "build", env={**WRITER, "EDITORIAL_CACHE": "off"})
    assert done.returncode == 0, done.stderr
    assert not (project / MEMO).exists() and PASSED.search(done.stderr) is None


# -- what the fingerprint covers: every input of a verdict but the file itself ---------------
def fingerprint(root: Path, site_url: str | None = None) -> bytes:
    ws = Workspace(root)
    content = site_folder.read_content(ws, ws.corpus(approvable_only=True))
    if site_url is not None:
        content.site_url = site_url
    return Audit(content).fingerprint()


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CHANGES = {  # each changes what one verdict or another depends on
    "a withheld article's body": lambda r: _edit(
        r, "content/articles/septic-shock-first-hour.md", "## From the Guidelines", "## From the Guidelines\n\nNew."
    ),
    "a withheld article's front matter": lambda r: _edit(
        r,
        "content/articles/infected-baclofen-pump-removal.md",
        "review_status: under_review",
        "review_status: submitted",
    ),
    "a published article's body (now withheld)": withdraw,
    "a GitHub login in the registry": lambda r: _edit(r, "content/people.yml", "jmills-sample", "jmills-other"),
    "a content file that pages may refer to": lambda r: (r / "content/articles/chart.png").write_bytes(b"\x89PNG"),
    "the site pages the policy lists": lambda r: _edit(
        r, "mkdocs.yml", "site_pages: [index.md, about.md]", "site_pages: [index.md]"
    ),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_the_fingerprint_changes_with_every_input_of_a_verdict(project: Path, change: str):
    before = fingerprint(project)
    assert fingerprint(project) == before  # the same inputs: the same fingerprint
    CHANGES[change](project)
    assert fingerprint(project) != before


def test_the_fingerprint_changes_with_the_sites_address(project: Path):
    assert fingerprint(project, "https://a.example.org/") != fingerprint(project, "https://b.example.org/")


def test_the_fingerprint_is_the_same_in_every_process(project: Path):
    """Python's string hashes change from process to process: the fingerprint must not."""
    import subprocess
    import sys

    script = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[2]);"
        "from test_audit_memo import fingerprint; print(fingerprint(Path(sys.argv[1])).hex())"
    )
    here = str(Path(__file__).resolve().parent)
    seen = {
        subprocess.run(
            [sys.executable, "-c", script, str(project), here],
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": os.pathsep.join(sys.path)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert seen == {fingerprint(project).hex()}


def _memo(root: Path) -> audit_memo.Memo:
    ws = Workspace(root)
    return audit_memo.Memo(root, Audit(site_folder.read_content(ws, ws.corpus(approvable_only=True))))


def test_a_remembered_verdict_comes_back_as_it_was_and_a_malformed_one_not_at_all(project: Path):
    memo = _memo(project)
    page = memo.key("about/index.html", hashlib.sha256(b"<p>page</p>").digest())
    memo.record(page, Verdict([], {"articles/chart.png"}, ("", ["../articles/chart.png", "#top"])))
    memo.record(memo.key("robots.txt", b"r" * 32, audit_memo.context({"x"}, set())), Verdict([]))
    memo.record(b"leak" * 8, Verdict([Problem("site/x", 1, 1, "E953", "leak")]))  # never kept
    memo.record(b"owns" * 8, Verdict([], owned=frozenset({1})))  # per-process hashes: never kept
    memo.save()
    again = _memo(project)
    assert again.get(page) == Verdict([], {"articles/chart.png"}, ("", ["../articles/chart.png", "#top"]))
    assert again.get(again.key("robots.txt", b"r" * 32, audit_memo.context({"x"}, set()))) == Verdict([])
    assert again.get(again.key("robots.txt", b"r" * 32)) is None  # another context: another key
    assert again.get(b"leak" * 8) is None and again.get(b"owns" * 8) is None
    for malformed in [None, 1, (), ("a",), ((1,), None), (("a",), ("", (1,))), (["a"], None), (("a",), ("",))]:
        again.known[page] = malformed
        assert again.get(page) is None, malformed
