"""`editorial audit SITE_DIR` and the pure `audit()` behind it.

Real builds of the sample project (one public, one preview) show the audit passes a
clean site and refuses a planted leak, a stale page and a preview build. The pure
function is then handed small hand-made sites to pin down each kind of finding."""

from __future__ import annotations

import gzip
import json
import os
import pickle
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from editorial import site_folder, workers
from editorial.core import audit
from editorial.workspace import Workspace
from support.gate_content import mkdocs
from support.site_html import copy_project

DRAFT = "content/articles/septic-shock-first-hour.md"  # `submitted` in the sample content
PUBLISHED = "content/articles/itp-refill-sepsis.md"


def _paragraphs(path: Path) -> list[str]:
    body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    return [p.replace("\n", " ") for p in body.split("\n\n") if len(p.split()) > 20 and not p.startswith(("#", "-"))]


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("audit") / "project")
    done = mkdocs(project, "build")
    assert done.returncode == 0, done.stderr
    preview = mkdocs(project, "build", "-d", "preview", env={"EDITORIAL_PREVIEW": "1"})
    assert preview.returncode == 0, preview.stderr
    return project


def _site_copy(project: Path, tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(project / "site", site)
    return site


@pytest.mark.build
@pytest.mark.slow
def test_clean_build_passes(builds, editorial):
    code, out, err = editorial("audit", "site", cwd=builds)
    assert code == 0, out + err
    assert (builds / "site" / "articles" / "itp-refill-sepsis" / "index.html").is_file()  # not an empty site


@pytest.mark.build
@pytest.mark.slow
def test_planted_leak_fails_naming_the_file_and_the_article(builds, tmp_path, editorial):
    site = _site_copy(builds, tmp_path)
    paragraph = _paragraphs(builds / DRAFT)[0]
    index = site / "index.html"
    index.write_text(
        index.read_text(encoding="utf-8").replace("</article>", f"<p>{paragraph}</p></article>", 1), encoding="utf-8"
    )
    code, out, _ = editorial("audit", site, cwd=builds)
    assert code == 1
    assert re.search(rf"{re.escape(str(site))}/index.html:1:1: E953 text of unpublished article {DRAFT}", out), out


@pytest.mark.build
@pytest.mark.slow
def test_leak_inside_the_search_index_is_found_through_its_encoding(builds, tmp_path, editorial):
    """Pagefind's chunks are gzip with a signature, then JSON (fragments) or CBOR (indexes):
    the audit reads them as they are decoded, JSON escapes and markup included."""
    site = _site_copy(builds, tmp_path)
    fragment = sorted((site / "pagefind" / "fragment").glob("*.pf_fragment"))[0]
    data = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
    words = _paragraphs(builds / DRAFT)[0].split()
    data["content"] += " " + " <em>".join(words[:12]) + "</em> &amp; more"
    fragment.write_bytes(gzip.compress(b"pagefind_dcd" + json.dumps(data, ensure_ascii=True).encode()))
    code, out, _ = editorial("audit", site, cwd=builds)
    assert code == 1
    assert f"pagefind/fragment/{fragment.name}:1:1: E953 text of unpublished article {DRAFT}" in out


def test_a_file_in_the_search_bundle_of_another_kind_fails(builds, tmp_path, editorial):
    site = _site_copy(builds, tmp_path)
    (site / "pagefind" / "playground.html").write_text("<p>a page nobody approved</p>", encoding="utf-8")
    (site / "pagefind" / "notes.txt").write_text("a stray file", encoding="utf-8")
    code, out, _ = editorial("audit", site, cwd=builds)
    assert code == 1
    assert "pagefind/playground.html:1:1: E952" in out and "pagefind/notes.txt:1:1: E952" in out


@pytest.mark.build
@pytest.mark.slow
def test_a_content_file_no_published_page_refers_to_fails(project, editorial):
    (project / "content/articles/draft-figure.png").write_bytes(b"\x89PNG fake draft figure")
    draft = project / DRAFT
    draft.write_text(draft.read_text(encoding="utf-8") + "\n![Figure](draft-figure.png)\n", encoding="utf-8")
    done = mkdocs(project, "build")
    assert done.returncode == 0, done.stderr
    assert not (project / "site/articles/draft-figure.png").exists()  # the gate never copied it
    shutil.copy2(project / "content/articles/draft-figure.png", project / "site/articles/draft-figure.png")
    code, out, _ = editorial("audit", "site", cwd=project)
    assert code == 1
    assert (
        "site/articles/draft-figure.png:1:1: E957 articles/draft-figure.png is a file of content/ that no published "
        "page refers to" in out
    ), out
    assert "rebuild the site" in out


@pytest.mark.build
@pytest.mark.slow
def test_a_file_of_no_kind_the_site_may_hold_fails(builds, tmp_path, editorial):
    site = _site_copy(builds, tmp_path)
    (site / "articles" / "figure.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    theme_css = next((site / "assets" / "stylesheets").glob("main.*.min.css"))
    theme_css.write_text("body{background:url(https://evil.example/)}", encoding="utf-8")
    code, out, _ = editorial("audit", site, cwd=builds)
    assert code == 1
    assert "articles/figure.svg:1:1: E952 articles/figure.svg is none of the files a site may hold" in out
    assert f"{theme_css.relative_to(site).as_posix()}:1:1: E952" in out and "theme's files but holds other bytes" in out


@pytest.mark.build
@pytest.mark.slow
def test_links_special_files_and_huge_files_are_never_read(builds, tmp_path, editorial, monkeypatch):
    site = _site_copy(builds, tmp_path)
    os.symlink("/dev/zero", site / "zero.png")
    os.symlink("/proc/self/environ", site / "environ.txt")
    os.symlink(builds / "content", site / "linked-folder")
    os.mkfifo(site / "pipe.txt")
    code, out, err = editorial("audit", site, cwd=builds)
    assert code == 1, out + err
    for name in ("zero.png", "environ.txt", "linked-folder"):
        assert f"{name}:1:1: E958 {name} is a symbolic link" in out
    assert "pipe.txt:1:1: E958 pipe.txt is not a regular file" in out
    monkeypatch.setattr(audit, "MAX_READ", 1000)
    found = audit.audit(
        [site_folder.read_entry(site, "index.html", "file")],
        site_folder.read_content(Workspace(builds), Workspace(builds).corpus()),
    )
    assert [(p.code, "over 1,000 bytes" in p.message) for p in found] == [("E958", True)]


@pytest.mark.build
@pytest.mark.slow
def test_stale_page_of_an_unpublished_article_fails(builds, tmp_path, editorial):
    site = _site_copy(builds, tmp_path)
    stale = site / "articles" / "septic-shock-first-hour"
    stale.mkdir()
    shutil.copy2(builds / "preview" / "articles" / "septic-shock-first-hour" / "index.html", stale / "index.html")
    code, out, _ = editorial("audit", site, cwd=builds)
    assert code == 1
    assert (
        "articles/septic-shock-first-hour/index.html:1:1: E952 articles/septic-shock-first-hour/index.html is the "
        "page of unpublished article" in out
    )


@pytest.mark.build
@pytest.mark.slow
def test_preview_build_is_refused(builds, editorial):
    code, out, _ = editorial("audit", "preview", cwd=builds)
    assert code == 1
    assert "preview/index.html" in out and "E951 this is a preview build" in out


@pytest.mark.build
@pytest.mark.slow
def test_a_large_site_is_searched_on_both_cores_with_the_same_findings(builds, tmp_path, monkeypatch):
    """At PARALLEL_FROM files and above the audit forks workers: each leak is still found, in
    file order, as the single-process audit finds it. The thresholds are lowered (the forked
    workers inherit them) so that a few dozen pages take the same path as thousands would."""
    monkeypatch.setattr(workers, "PARALLEL_FROM", 20)
    monkeypatch.setattr(workers, "CHUNK", 7)
    site = _site_copy(builds, tmp_path)
    page = (site / "index.html").read_text(encoding="utf-8")
    count = workers.PARALLEL_FROM + workers.CHUNK  # spread over several chunks
    for i in range(count):
        (site / "copies" / f"{i:04d}").mkdir(parents=True)
        (site / "copies" / f"{i:04d}" / "index.html").write_text(page, encoding="utf-8")
    leak = _paragraphs(builds / DRAFT)[0]
    last = site / "copies" / f"{count - 1:04d}" / "index.html"
    last.write_text(page.replace("</article>", f"<p>{leak}</p></article>", 1), encoding="utf-8")
    ws = Workspace(builds)
    content = site_folder.read_content(ws, ws.corpus())
    pools = []
    real_pool = workers.pool
    monkeypatch.setattr(workers, "pool", lambda *args: pools.append(args) or real_pool(*args))
    two, files = site_folder.audit_site(audit.Audit(content), site)
    assert pools, "the audit took the path of a large site"
    monkeypatch.setattr(workers, "count", lambda: 1)
    one, files_one = site_folder.audit_site(audit.Audit(content), site)
    assert files == files_one > workers.PARALLEL_FROM
    assert two == one  # the same problems, in the same order
    leaks = [(p.path, p.code) for p in two if p.code != "E952"]  # each copy is also a page of no article (E952)
    assert leaks == [(f"site/copies/{count - 1:04d}/index.html", "E953")]


@pytest.mark.build
@pytest.mark.slow
def test_missing_site_dir_cannot_run(builds, editorial):
    code, _, err = editorial("audit", "no-such-site", cwd=builds)
    assert code == 2 and "is not a folder" in err


# -- the pure function over hand-made sites ---------------------------------------------


@pytest.fixture
def content(project):
    ws = Workspace(project)
    return site_folder.read_content(ws, ws.corpus())


def _codes(site: dict[str, bytes], content) -> list[tuple[str, str]]:
    return sorted(
        {(p.path, p.code) for p in audit.audit([audit.SiteFile(rel, data) for rel, data in site.items()], content)}
    )


def test_every_kind_of_finding_names_its_file(content, project):
    draft_text = _paragraphs(project / DRAFT)[1]
    site = {
        "index.html": b"<html><body>fine</body></html>",
        "humans.txt": b"Thanks to @AOkafor-Sample for reviewing.",
        "people.yml": (project / "content" / "people.yml").read_bytes(),
        "sitemap.xml.gz": gzip.compress(b"<urlset><loc>https://x.org/articles/septic-shock-first-hour/</loc></urlset>"),
        "rss.xml": f"<item><description>{draft_text}</description></item>".encode(),  # not the feed the build writes
        "meta.html": f'<html><head><meta name="description" content="{draft_text}"></head></html>'.encode(),
        "random/index.html": b"<p>an unknown page</p>",
    }
    assert _codes(site, content) == [
        ("site/humans.txt", "E952"),
        ("site/humans.txt", "E955"),
        ("site/meta.html", "E952"),
        ("site/meta.html", "E953"),
        ("site/people.yml", "E955"),
        ("site/people.yml", "E956"),
        ("site/random/index.html", "E952"),
        ("site/rss.xml", "E952"),
        ("site/rss.xml", "E953"),
        ("site/sitemap.xml.gz", "E954"),
    ]


def test_a_site_page_quoting_a_withheld_article_is_a_leak(content, project):
    """No page's text is exempt: the about page is searched like any other."""
    draft_text = _paragraphs(project / DRAFT)[1]
    site = {"about/index.html": f"<p>As our draft says: {draft_text}</p>".encode()}
    assert _codes(site, content) == [("site/about/index.html", "E953")]


def test_the_withheld_texts_are_not_kept_once_the_needles_are_built_and_a_leak_still_names_its_article(
    content, project
):
    judge = audit.Audit(content)
    assert judge.needles.shingles
    assert judge.withheld and judge._owner_texts is None  # no withheld text is held beside the needles
    draft_text = _paragraphs(project / DRAFT)[1]
    found = judge.check(audit.SiteFile("about/index.html", f"<p>As our draft says: {draft_text}</p>".encode()))
    assert [(p.code, DRAFT in p.message) for p in found.problems] == [("E953", True)]
    assert judge._owner_texts is not None  # worked out for the finding, once


def test_the_audit_a_worker_is_handed_holds_no_article_and_never_judges_a_leak_alone(content, project):
    """The build's audit worker is forked before the corpus is read and handed the audit without
    it, and the needles apart (site_folder.Handoff). That audit finds what the whole one finds on
    a clean page, never builds needles from the nothing it holds, and hands a leak to the whole
    audit, which names the article."""
    whole = audit.Audit(content)
    lean = whole.without_corpus()
    assert lean.content.corpus.articles == [] and lean.published == [] and lean.content.raw == {}
    assert all(item.article is None and item.raw == "" for item in lean.withheld)
    assert len(pickle.dumps(lean)) < len(pickle.dumps(whole)) / 2
    with pytest.raises(audit.WholeAuditNeeded):
        lean.needles  # noqa: B018 - built from no text they would find nothing
    with pytest.raises(audit.WholeAuditNeeded):
        lean.fingerprint()
    lean._needles = audit._Needles.from_bytes(whole.needles.to_bytes())
    clean = audit.SiteFile("about/index.html", b"<p>About us: we answer questions.</p>")
    assert lean.check(clean) == whole.check(clean)
    draft_text = _paragraphs(project / DRAFT)[1]
    leak = audit.SiteFile("about/index.html", f"<p>As our draft says: {draft_text}</p>".encode())
    with pytest.raises(audit.WholeAuditNeeded):
        lean.check(leak)
    assert [p.code for p in whole.check(leak).problems] == ["E953"]


def test_needles_written_for_another_process_come_back_the_same_and_anything_else_is_refused(content):
    needles = audit.Audit(content).needles
    data = needles.to_bytes()
    back, compact = audit._Needles.from_bytes(data), audit._Needles.from_bytes(data, compact=True)
    assert back.shingles == needles.shingles and back.tokens == needles.tokens
    assert {size: set(hashes) for size, hashes in compact.shingles.items()} == needles.shingles
    for broken in (b"", data[:-8], data + b"\0", b"\0" * 8 + data[8:], data[:8] + b"[" + data[9:]):
        with pytest.raises(ValueError):
            audit._Needles.from_bytes(broken)


def test_a_worker_whose_needles_never_come_hands_its_pages_back(content, tmp_path, monkeypatch):
    """A builder that died before writing them: the worker's audit raises, so the build judges
    the page itself (a lost worker costs time, never a verdict)."""
    gone = subprocess.Popen(["true"])
    gone.wait()
    handed = site_folder.Handoff(str(tmp_path), gone.pid)
    monkeypatch.setattr(site_folder, "_PREPARED", audit.Audit(content).without_corpus())
    monkeypatch.setattr(site_folder, "_HANDED", handed)
    with pytest.raises(audit.WholeAuditNeeded):
        site_folder.check_page("about/index.html", b"<p>About us.</p>")
    (tmp_path / "needles").write_bytes(b"not needles")
    with pytest.raises(audit.WholeAuditNeeded):
        site_folder.check_page("about/index.html", b"<p>About us.</p>")


def test_published_text_quoted_by_a_draft_is_not_a_leak(content, project):
    shared = _paragraphs(project / PUBLISHED)[0]
    draft = project / DRAFT
    draft.write_text(draft.read_text(encoding="utf-8") + f"\n{shared}\n", encoding="utf-8")
    ws = Workspace(project)
    fresh = site_folder.read_content(ws, ws.corpus())
    site = {"articles/itp-refill-sepsis/index.html": f"<p>{shared}</p>".encode(), "index.html": b"<p>home</p>"}
    assert _codes(site, fresh) == []


def test_short_title_of_a_file_the_loader_cannot_read_is_found(project):
    (project / "content" / "articles" / "quiet.md").write_text(
        "---\nid: quiet-pocket\ntitle: Quiet pocket infection\naudience: [clinician\n---\n\nA body.\n", encoding="utf-8"
    )
    ws = Workspace(project)
    content = site_folder.read_content(ws, ws.corpus())
    assert _codes({"index.html": b"<a href='x'>Quiet <b>pocket</b> infection</a>"}, content) == [
        ("site/index.html", "E953")
    ]
    assert _codes({"index.html": b"<p>a quiet pocket</p>"}, content) == []
    assert _codes({"index.html": b"<a href='articles/quiet-pocket/'>x</a>"}, content) == [
        ("site/index.html", "E954")
    ]  # the id


def test_preview_marker_is_found_anywhere(content):
    site = {"index.html": f'<meta name="{audit.PREVIEW_MARKER}" content="x">'.encode()}
    assert _codes(site, content) == [("site/index.html", "E951")]


def test_a_link_in_place_of_the_search_bundle_is_refused_by_either_pass(content, tmp_path):
    """The build audits the site without the search bundle while Pagefind writes it, then the
    bundle: a symbolic link named like the bundle's folder is judged (never walked) either way."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "pagefind-entry.json").write_text('{"secret": "token"}', encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><body>fine</body></html>", encoding="utf-8")
    (site / "pagefind").symlink_to(outside, target_is_directory=True)
    run = audit.Audit(content)
    rest, _ = site_folder.audit_site(run, site, skip="pagefind/")
    bundle, _ = site_folder.audit_site(run, site, folder="pagefind/")
    for found in (rest, bundle):
        assert [(p.path, p.code) for p in found] == [("site/pagefind", "E958")]


def test_the_search_index_is_never_written_through_a_link(tmp_path):
    """Pagefind starts while the pages are audited: a link where its folder goes stops the build
    before anything is written through it."""
    from mkdocs.exceptions import PluginError

    from editorial.plugin import search

    outside = tmp_path / "outside"
    outside.mkdir()
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><body>fine</body></html>", encoding="utf-8")
    (site / "pagefind").symlink_to(outside, target_is_directory=True)
    with pytest.raises(PluginError) as stopped:
        search.start_index(site, "site")
    assert "site/pagefind/:1:1: E970 the site already holds a link or a file named pagefind" in str(stopped.value)
    assert list(outside.iterdir()) == []
