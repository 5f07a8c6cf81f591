"""The validate cache of the file-local checks: a warm run says exactly what a cold run
says, no failure of the cache (corrupt, foreign, read-only) turns a problem into a pass, and
no verdict comes from a cache in CI, from a tracked file, or in the build."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from editorial import analysis, cache, progress, workers
from editorial.core.corpus import Source, build
from editorial.core.corpus import analyse as corpus_analyse
from editorial.workspace import Workspace
from support.cli import run_cli
from support.clock import TODAY
from support.gate_content import mkdocs
from support.site_html import copy_project

BROKEN = "content/articles/broken.md"
CACHE_FILE = ".cache/editorial/validate.cache"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The sample project plus one article with a schema error, a citation error and unsafe HTML."""
    root = copy_project(tmp_path / "project")
    text = (root / "content/articles/septic-shock-first-hour.md").read_text(encoding="utf-8")
    text = text.replace("id: septic-shock-first-hour", "id: broken").replace(
        "audience: [clinician]", "audience: [doctors]"
    )
    text += "\nSee also [@nowhere2020].\n\n<script>alert(1)</script>\n"
    (root / BROKEN).write_text(text, encoding="utf-8")
    return root


def run(root: Path, **kwargs):
    """The corpus as validate builds it, with the analyser kept to count hits and misses."""
    ws = Workspace(root)
    analyser = analysis.ValidateCache(root, **kwargs)
    policy, _ = ws.policy()
    corpus = build([ws.source(p) for p in ws.article_paths()], ws.registry_source(), policy, TODAY, analyser)
    return corpus, analyser


def codes(corpus, path: str = BROKEN) -> list[tuple[int, int, str]]:
    return sorted((p.line, p.column, p.code) for p in corpus.problems if p.path == path)


def test_a_warm_run_reports_exactly_what_a_cold_run_reports(project: Path):
    cold, first = run(project)
    assert first.misses == 4 and first.hits == 0
    assert (project / CACHE_FILE).is_file()
    warm, second = run(project)
    assert second.hits == 4 and second.misses == 0
    assert sorted(cold.problems) == sorted(warm.problems)
    assert {"E204", "E401", "E801"} <= {code for _, _, code in codes(warm)}
    # what the corpus-wide rules and the plugin use is the same article
    for a, b in zip(
        sorted(cold.articles, key=lambda a: a.path), sorted(warm.articles, key=lambda a: a.path), strict=True
    ):
        assert (a.meta, a.body, a.body_line, a.digest) == (b.meta, b.body, b.body_line, b.digest)
        for key in a.located.positions:  # even the positions the cache file leaves out
            assert a.pos(*key) == b.pos(*key)
    assert {p: bool(r) for p, r in cold.publication().items()} == {p: bool(r) for p, r in warm.publication().items()}


def test_a_changed_file_is_checked_again(project: Path):
    run(project)
    path = project / "content/articles/septic-shock-first-hour.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "review_status: submitted", "review_status: submitted\nreview_status: approved"
        ),
        encoding="utf-8",
    )
    corpus, analyser = run(project)
    assert analyser.misses == 1
    assert "E107" in {p.code for p in corpus.problems if p.path.endswith("septic-shock-first-hour.md")}


def test_a_renamed_file_keeps_its_findings_under_its_new_name(project: Path):
    run(project)
    (project / BROKEN).rename(project / "content/articles/still-broken.md")
    corpus, analyser = run(project)
    assert analyser.misses == 0
    assert codes(corpus, "content/articles/still-broken.md") and not codes(corpus, BROKEN)


def test_corpus_wide_rules_always_run_on_cached_files(project: Path):
    run(project)
    registry = project / "content/people.yml"
    registry.write_text(
        registry.read_text(encoding="utf-8").replace("id: jordan-mills", "id: jordan-mills-gone"), encoding="utf-8"
    )
    corpus, analyser = run(project)
    assert analyser.misses == 0
    e304 = [p for p in corpus.problems if p.code == "E304"]
    assert any(p.path == "content/articles/itp-refill-sepsis.md" for p in e304)  # the author left the registry
    assert corpus.publication()["content/articles/itp-refill-sepsis.md"]  # and it is no longer published


@pytest.mark.parametrize("damage", ["garbage", "flipped byte", "truncated", "other version", "empty"])
def test_a_damaged_cache_means_a_full_check_never_a_pass(project: Path, damage: str):
    cold, _ = run(project)
    file = project / CACHE_FILE
    blob = file.read_bytes()
    if damage == "garbage":
        blob = os.urandom(len(blob))
    elif damage == "flipped byte":
        blob = blob[:-100] + bytes([blob[-100] ^ 0xFF]) + blob[-99:]
    elif damage == "truncated":
        blob = blob[: len(blob) // 2]
    elif damage == "other version":
        blob = blob.replace(analysis.code_version().encode(), b"0" * 64, 1)
    else:
        blob = b""
    file.write_bytes(blob)
    again, analyser = run(project)
    assert analyser.misses == 4  # everything checked again
    assert sorted(again.problems) == sorted(cold.problems)


def test_a_marshal_valid_but_wrong_entry_is_checked_again(project: Path):
    cold, _ = run(project)
    import hashlib
    import marshal

    version = analysis.code_version()
    entries = {hashlib.sha256((project / BROKEN).read_bytes()).digest(): ("not", "an", "entry")}
    payload = marshal.dumps(entries)
    (project / CACHE_FILE).write_bytes(
        cache.MAGIC + version.encode() + b"\n" + hashlib.sha256(payload).digest() + payload
    )
    again, analyser = run(project)
    assert analyser.misses == 4
    assert codes(again) == codes(cold)


def test_an_unwritable_cache_still_checks_everything(project: Path):
    # `.cache` is a file, so the cache folder cannot be made (a read-only folder would
    # do the same, but root, which runs CI here, may write anywhere)
    (project / ".cache").write_text("not a folder", encoding="utf-8")
    corpus, analyser = run(project)
    assert "cannot write" in analyser.note
    assert {"E204", "E401", "E801"} <= {code for _, _, code in codes(corpus)}


def test_the_parallel_cold_run_finds_the_same_problems(project: Path, monkeypatch):
    for n in range(40):  # enough files to split into chunks
        shutil.copy(project / BROKEN, project / f"content/articles/broken-{n:02d}.md")
    serial, _ = run(project)
    (project / CACHE_FILE).unlink()
    monkeypatch.setattr(workers, "PARALLEL_FROM", 10)
    monkeypatch.setattr(workers, "CHUNK", 7)
    seen = []
    parallel, analyser = run(project, progress=lambda done, total: seen.append((done, total)))
    assert analyser.misses == 44
    assert sorted(parallel.problems) == sorted(serial.problems)
    assert seen[-1] == (44, 44) and len(seen) > 3


def _validate(project: Path, **env: str) -> subprocess.CompletedProcess:
    """`editorial validate` (in this process) on a writer's machine, or as `env` says."""
    code, out, err = run_cli("validate", cwd=project, env={"CI": None, "EDITORIAL_CACHE": None, **env})
    return subprocess.CompletedProcess(["editorial", "validate"], code, out, err)


def test_validate_uses_the_cache_and_can_be_told_not_to(project: Path):
    first = _validate(project)
    assert first.returncode == 1 and "E801" in first.stdout
    assert (project / CACHE_FILE).is_file()
    second = _validate(project)
    assert second.stdout == first.stdout and second.returncode == 1
    (project / CACHE_FILE).unlink()
    off = _validate(project, EDITORIAL_CACHE="off")
    assert off.stdout == first.stdout
    assert not (project / CACHE_FILE).exists()


def _forge(project: Path, path: str) -> None:
    """A validate cache that says the file at `path` has no problem at all and is approved."""
    import hashlib
    import marshal

    data = (project / path).read_bytes()
    result = corpus_analyse(Source(path, data))
    assert result.article is not None
    entry = analysis.to_entry(result)
    (meta, positions, start, body_line, digest), _ = entry
    forged = ({**meta, "review_status": "approved"}, positions, start, body_line, digest)
    payload = marshal.dumps({hashlib.sha256(data).digest(): (forged, [])})
    version = analysis.code_version()
    (project / CACHE_FILE).parent.mkdir(parents=True, exist_ok=True)
    (project / CACHE_FILE).write_bytes(
        cache.MAGIC + version.encode() + b"\n" + hashlib.sha256(payload).digest() + payload
    )


def test_validate_in_ci_never_reads_the_cache(project: Path):
    _forge(project, BROKEN)
    trusting = _validate(project)  # a writer's own machine: the cache is theirs
    assert "E801" not in trusting.stdout
    in_ci = _validate(project, CI="true")
    assert in_ci.returncode == 1 and "E801" in in_ci.stdout and "E204" in in_ci.stdout


@pytest.mark.build
@pytest.mark.slow
def test_the_build_never_reads_a_verdict_from_a_cache(project: Path):
    """A forged validate cache saying a submitted article is approved publishes nothing of it."""
    draft = "content/articles/septic-shock-first-hour.md"
    (project / BROKEN).unlink()
    _forge(project, draft)
    done = mkdocs(project, "build")
    assert done.returncode == 0, done.stderr
    assert not (project / "site" / "articles" / "septic-shock-first-hour").exists()
    assert not any(b"septic-shock-first-hour" in p.read_bytes() for p in (project / "site").rglob("*") if p.is_file())


@pytest.mark.git
@pytest.mark.build
@pytest.mark.slow
def test_a_cache_file_tracked_by_git_is_an_error_for_validate_and_the_build(project: Path):
    (project / BROKEN).unlink()
    _forge(project, "content/articles/septic-shock-first-hour.md")
    git = lambda *args: subprocess.run(["git", *args], cwd=project, check=True, capture_output=True)  # noqa: E731
    git("init", "-q")
    git("add", "-A")
    git("add", "-f", CACHE_FILE)
    found = _validate(project)
    assert found.returncode == 1
    assert f"{CACHE_FILE}:1:1: E117" in found.stdout and "E801" not in found.stdout
    done = mkdocs(project, "build")
    assert done.returncode == 1 and f"{CACHE_FILE}:1:1: E117" in done.stderr
    assert not (project / "site").exists()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_counts_every_thousand_files_in_a_terminal_only(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    terminal = _Terminal()
    report = progress.terminal_counter(3500, terminal)
    for done in (250, 1000, 1250, 2600, 3500):
        report(done, 3500)
    assert terminal.getvalue().splitlines() == ["validated 1000/3500 files", "validated 2000/3500 files"]
    assert progress.terminal_counter(3500, io.StringIO()) is None  # a pipe or a log file
    assert progress.terminal_counter(200, _Terminal()) is None  # a small run
    monkeypatch.setenv("CI", "true")
    assert progress.terminal_counter(3500, _Terminal()) is None  # CI logs


def test_a_large_build_logs_how_far_it_is(caplog):
    counter = progress.BuildProgress()
    counter.start(1200)
    with caplog.at_level("INFO", logger="mkdocs.plugins.editorial.progress"):
        for _ in range(1200):
            counter.page_built()
    assert [r.getMessage() for r in caplog.records] == [
        "editorial: 500/1200 pages rendered",
        "editorial: 1000/1200 pages rendered",
    ]

    caplog.clear()
    counter.start(30)  # a new build: the count starts again, and stays quiet
    with caplog.at_level("INFO", logger="mkdocs.plugins.editorial.progress"):
        for _ in range(30):
            counter.page_built()
    assert caplog.records == []
