"""Previews for writers and reviewers: `EDITORIAL_PREVIEW=1 mkdocs build` and `mkdocs serve`.

Every article is shown, each one not approved under the "pending human review" banner;
every page says it is a preview, is `noindex`, and carries the marker that makes
`editorial audit` refuse the build. Data files stay out even of a preview."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from support.gate_content import APPROVED, make_mixed_project, mkdocs, site_bytes
from support.site_html import copy_project, parse

pytestmark = [pytest.mark.build, pytest.mark.slow]

BANNER = "Educational purpose only - pending human review"
SHOWN_IN_PREVIEW = [
    "gate-zqxsubmitted",
    "gate-zqxstaledigest",
    "gate-zqxbywriter",
    "gate-zqxdeparted",
    "gate-zqxcapitalised",
    "gate-zqxbrokenyaml",
    "gate-zqxduplicatekey",
    "septic-shock-first-hour",
]


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    project = make_mixed_project(tmp_path_factory.mktemp("preview") / "project")
    done = mkdocs(project, "build", env={"EDITORIAL_PREVIEW": "1"})
    assert done.returncode == 0, done.stderr
    return project


def _page(site: Path, slug: str):
    return parse((site / "articles" / slug / "index.html").read_text(encoding="utf-8"))


def test_unapproved_articles_are_shown_under_the_banner(preview):
    site = preview / "site"
    for slug in SHOWN_IN_PREVIEW:
        doc = _page(site, slug)
        banner = doc.find(class_="editorial-pending")
        assert banner is not None and BANNER in banner.text(), slug


def test_approved_articles_have_no_pending_banner(preview):
    for slug in [*APPROVED, "itp-refill-sepsis"]:
        doc = _page(preview / "site", slug)
        assert doc.find(class_="editorial-pending") is None, slug
        assert doc.find(class_="editorial-preview") is not None, slug


def test_every_page_is_noindex_marked_and_announced(preview):
    pages = [p for p in (preview / "site").rglob("*.html")]
    assert len(pages) > 10
    for path in pages:
        doc = parse(path.read_text(encoding="utf-8"))
        metas = {m.attrs.get("name"): m.attrs.get("content") for m in doc.find_all("meta")}
        assert metas.get("robots") == "noindex", path
        assert "editorial-preview-build" in metas, path
        notice = doc.find(class_="editorial-preview")
        assert notice is not None and "Preview build" in notice.text(), path


def test_data_files_and_unsafe_files_stay_out_of_a_preview(preview):
    files = site_bytes(preview / "site")
    assert not [rel for rel in files if rel.endswith((".yml", ".csv")) or rel.startswith("articles/zqxdatafile")]
    for rel, data in files.items():
        for marker in (b"zqxsymlinked", b"zqxlinkedfolder", b"zqxrawhtml", b"aokafor-sample"):
            assert marker not in data.lower(), (marker, rel)


def test_audit_refuses_the_preview(preview, editorial):
    code, out, _ = editorial("audit", "site", cwd=preview)
    assert code == 1
    assert "E951 this is a preview build" in out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_mkdocs_serve_shows_the_same_preview(tmp_path):
    project = copy_project(tmp_path / "project")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "EDITORIAL_PREVIEW"}
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--no-livereload", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        env={**env, "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        html = _fetch(f"http://127.0.0.1:{port}/articles/septic-shock-first-hour/", server)
        doc = parse(html)
        assert BANNER in doc.find(class_="editorial-pending").text()
        assert {m.attrs.get("name"): m.attrs.get("content") for m in doc.find_all("meta")}.get("robots") == "noindex"
        approved = parse(_fetch(f"http://127.0.0.1:{port}/articles/itp-refill-sepsis/", server))
        assert (
            approved.find(class_="editorial-pending") is None and approved.find(class_="editorial-preview") is not None
        )
    finally:
        server.send_signal(signal.SIGINT)  # as Ctrl-C: the plugin removes its staged drafts
        server.wait(timeout=30)
    assert not (project / "site").exists()  # serve builds in its own folder; nothing is moved into site/


def _fetch(url: str, server: subprocess.Popen, timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"mkdocs serve exited: {server.stderr.read()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"mkdocs serve did not answer {url} within {timeout} s")


def test_a_scoped_preview_renders_the_articles_it_names_and_the_pages_that_list_them(tmp_path):
    """EDITORIAL_PREVIEW_ONLY (the pull request's changed files): only those articles are read and
    rendered, with the site's own pages; the other articles are no page of the preview, and a
    name that is no article (the registry, a file the pull request deletes) is left out."""
    project = make_mixed_project(tmp_path / "project")
    named = "content/articles/septic-shock-first-hour.md,content/people.yml,content/articles/deleted-in-the-pr.md"
    done = mkdocs(project, "build", env={"EDITORIAL_PREVIEW": "1", "EDITORIAL_PREVIEW_ONLY": named})
    assert done.returncode == 0, done.stderr
    site = project / "site"
    assert sorted(p.name for p in (site / "articles").iterdir() if p.is_dir()) == ["septic-shock-first-hour"]
    assert BANNER in _page(site, "septic-shock-first-hour").find(class_="editorial-pending").text()
    for page in ("index.html", "about/index.html", "board/index.html", "specialties/index.html"):
        assert (site / page).is_file(), page
    assert "other article(s) not rendered" in done.stderr
    full = len(list((project / "content" / "articles").glob("*.md")))
    assert full > 5  # the mixed project has many more articles than the one shown


def test_a_public_build_refuses_a_scope(tmp_path):
    project = copy_project(tmp_path / "project")
    done = mkdocs(project, "build", env={"EDITORIAL_PREVIEW_ONLY": "content/articles/itp-refill-sepsis.md"})
    assert done.returncode != 0
    assert "E978" in done.stderr and "EDITORIAL_PREVIEW_ONLY is set, but this is a public build" in done.stderr
    assert not (project / "site").exists()
