"""The publish gate, through real `mkdocs build` runs of a copy of the sample project.

One build of content mixing approved articles with every kind of unpublishable one
(gate_content.WITHHELD) proves the approved ones are published and that no byte of the
others is anywhere under site/. Further builds prove each leak path fails the build
without touching site/: an explicit nav entry, a link, a dirty build, a failed audit.
The mixed build and the refused dirty build are `mkdocs build` processes, as CI runs them;
the others run MkDocs's command line in this process (gate_content.mkdocs)."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from support.gate_content import APPROVED, WITHHELD, leftovers, make_mixed_project, mkdocs, mkdocs_process, site_bytes
from support.site_html import copy_project, parse, search_fragments

pytestmark = [pytest.mark.build, pytest.mark.slow]

SITE_URL = "site_url: https://example.org/\n"
LENIENT = SITE_URL + "strict: false\nvalidation:\n  links:\n    not_found: info\n  nav:\n    not_found: info\n"


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    project = make_mixed_project(tmp_path_factory.mktemp("gate") / "project", extra_config=SITE_URL)
    done = mkdocs_process(project, "build")
    assert done.returncode == 0, done.stderr
    return project, done


def test_approved_articles_are_published_with_their_assets(mixed):
    project, _ = mixed
    site = project / "site"
    for slug, marker in APPROVED.items():
        page = (site / "articles" / slug / "index.html").read_text(encoding="utf-8")
        assert marker in page
    assert (site / "articles" / "itp-refill-sepsis" / "index.html").is_file()
    assert (site / "articles" / "img" / "shared.png").read_bytes() == b"\x89PNG fake shared image"
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    index = search_fragments(site)
    for slug, marker in APPROVED.items():
        assert f"https://example.org/articles/{slug}/" in sitemap
        assert any(marker in doc["content"] for doc in index if doc["url"] == f"/articles/{slug}/")


def test_no_byte_of_any_withheld_article_is_anywhere_under_site(mixed):
    project, _ = mixed
    files = site_bytes(project / "site")
    assert len(files) > 20 and "index.html" in files  # a real site, not an empty folder
    for rel, data in files.items():
        lowered = data.lower() + rel.lower().encode()
        for marker in WITHHELD:
            assert marker.encode() not in lowered, f"{marker} ({WITHHELD[marker]}) leaked into site/{rel}"
        assert b"people.yml" not in rel.encode()
    assert not any(rel.endswith((".yml", ".csv")) for rel in files)
    assert "articles/img/zqxdraftasset.png" not in files


def test_registry_logins_are_not_published(mixed):
    project, _ = mixed
    for rel, data in site_bytes(project / "site").items():
        for login in (b"jmills-sample", b"praman-sample", b"aokafor-sample", b"tlindqvist-sample", b"hmarsh-sample"):
            assert login not in data.lower(), f"{login} in site/{rel}"


def test_build_log_names_each_withheld_article_with_a_reason(mixed):
    _, done = mixed
    log = done.stderr
    assert "withheld content/articles/gate-zqxstaledigest.md: E701" in log
    assert "withheld content/articles/gate-zqxduplicatekey.md: E107" in log
    assert "withheld content/articles/gate-zqxmarkdownext.markdown: E113" in log
    assert "3 article(s) published" in log


def test_articles_are_not_in_the_global_nav_and_mkdocs_does_not_warn(mixed):
    project, done = mixed
    assert "WARNING" not in done.stderr  # mkdocs.yml has strict: true as well
    doc = parse((project / "site" / "index.html").read_text(encoding="utf-8"))
    nav = doc.find("nav", class_="md-nav--primary")
    links = [a.attrs.get("href", "") for a in nav.find_all("a")]
    assert links and not [h for h in links if "articles/" in h]


def test_site_is_moved_into_place_complete_and_no_build_folder_is_left(mixed):
    project, done = mixed
    site = project / "site"
    for name in ("index.html", "404.html", "sitemap.xml", "pagefind/pagefind-entry.json", "board/index.html"):
        assert (site / name).is_file(), name
    assert leftovers(project) == []
    assert ".site.building-" in done.stderr  # it was built elsewhere first


def test_editorial_audit_passes_on_the_clean_build(mixed, editorial):
    project, _ = mixed
    code, out, err = editorial("audit", "site", cwd=project)
    assert code == 0, out + err
    assert "0 error(s)" in out


def _failing_project(tmp_path: Path, extra_config: str = LENIENT) -> Path:
    project = make_mixed_project(tmp_path / "project", extra_config=extra_config)
    (project / "site").mkdir()
    (project / "site" / "previous.html").write_text("the previous site", encoding="utf-8")
    return project


def _assert_site_untouched(project: Path) -> None:
    assert sorted(p.name for p in (project / "site").iterdir()) == ["previous.html"]
    assert leftovers(project) == []


def test_nav_entry_to_an_unpublished_article_fails_the_build(tmp_path):
    project = _failing_project(
        tmp_path, LENIENT + "nav:\n  - Home: index.md\n  - Draft: articles/gate-zqxsubmitted.md\n"
    )
    done = mkdocs(project, "build")
    assert done.returncode != 0
    assert (
        "E962" in done.stderr and "mkdocs.yml" in done.stderr and "content/articles/gate-zqxsubmitted.md" in done.stderr
    )
    _assert_site_untouched(project)


def _lost_worker(rel: str, data: bytes):
    raise RuntimeError("a worker lost half way")


@pytest.mark.parametrize("worker", ["audit worker", "no spare core", "lost worker"])
def test_link_to_an_unpublished_article_fails_the_build_naming_both_files(tmp_path, monkeypatch, worker):
    """The audit's worker reads each page's links as it is written; without one (one core, or a
    worker lost half way) the build reads them itself, and the verdict is the same."""
    from editorial import site_folder, workers

    if worker == "no spare core":
        monkeypatch.setattr(workers, "count", lambda: 1)
    elif worker == "lost worker":
        monkeypatch.setattr(site_folder, "check_page", _lost_worker)
    project = _failing_project(tmp_path)
    about = project / "content" / "about.md"
    about.write_text(
        about.read_text(encoding="utf-8")
        + "\nSee [the draft](articles/gate-zqxunderreview.md) and [its URL](../articles/gate-zqxnoreviews/).\n",
        encoding="utf-8",
    )
    done = mkdocs(project, "build")
    assert done.returncode != 0
    assert "content/about.md:1:1: E963 links to content/articles/gate-zqxunderreview.md" in done.stderr
    assert "content/about.md:1:1: E963 links to content/articles/gate-zqxnoreviews.md" in done.stderr
    _assert_site_untouched(project)


def test_a_leak_only_the_audit_sees_fails_the_build_and_keeps_the_old_site(tmp_path):
    """A site page the policy lists quotes a withheld article word for word: no page is exempt."""
    project = _failing_project(tmp_path)
    draft = (project / "content" / "articles" / "gate-zqxbywriter.md").read_text(encoding="utf-8")
    paragraph = next(p for p in draft.split("---\n", 2)[2].split("\n\n") if "zqxbywriter" in p)
    about = project / "content" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n" + paragraph + "\n", encoding="utf-8")
    done = mkdocs(project, "build")
    assert done.returncode != 0
    assert "E964" in done.stderr
    assert (
        "site/about/index.html:1:1: E953 text of unpublished article content/articles/gate-zqxbywriter.md"
        in done.stderr
    )
    _assert_site_untouched(project)


def test_dirty_production_build_is_refused(tmp_path):
    project = _failing_project(tmp_path)
    done = mkdocs_process(project, "build", "--dirty")
    assert done.returncode != 0
    assert "E960" in done.stderr and "--dirty" in done.stderr
    _assert_site_untouched(project)


def test_strict_warning_keeps_the_previous_site(tmp_path):
    # strict: true turns a warning into a failed build only after on_post_build has run:
    # the gate must not have moved the new site into place by then.
    project = _failing_project(tmp_path, SITE_URL)
    about = project / "content" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n[nowhere](missing.md)\n", encoding="utf-8")
    done = mkdocs(project, "build")
    assert done.returncode != 0 and "strict mode" in done.stdout + done.stderr
    _assert_site_untouched(project)


def test_the_previous_site_is_replaced_whole(mixed, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(mixed[0], project, symlinks=True)
    (project / "site" / "stale.html").write_text("a page from yesterday", encoding="utf-8")
    done = mkdocs(project, "build")
    assert done.returncode == 0, done.stderr
    assert not (project / "site" / "stale.html").exists()
    assert (project / "site" / "index.html").is_file()
    assert leftovers(project) == []


def test_invalid_policy_options_stop_the_build(tmp_path):
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("min_approvals: 1", "min_approvals: 0"), encoding="utf-8"
    )
    done = mkdocs(project, "build")
    assert done.returncode != 0
    assert "editorial policy" in done.stderr and "min_approvals" in done.stderr
    assert not (project / "site").exists() and leftovers(project) == []


def test_without_the_registry_nothing_is_published(tmp_path):
    project = copy_project(tmp_path / "project")
    (project / "content" / "people.yml").unlink()
    done = mkdocs(project, "build")
    assert done.returncode == 0, done.stderr
    assert "0 article(s) published" in done.stderr
    assert (project / "site" / "index.html").is_file()
    assert not (project / "site" / "articles").exists()


def test_a_search_index_that_cannot_be_built_stops_the_build_and_keeps_the_old_site(tmp_path):
    """Pagefind failing (here a stand-in `pagefind` module that exits 1, first on the path of
    the build's Python) is one located line, E970, and site/ stays as it was."""
    project = _failing_project(tmp_path, SITE_URL)
    fake = tmp_path / "fake"
    (fake / "pagefind").mkdir(parents=True)
    (fake / "pagefind" / "__init__.py").write_text("", encoding="utf-8")
    (fake / "pagefind" / "__main__.py").write_text(
        "import sys\nsys.exit('Error: simulated indexing failure')\n", encoding="utf-8"
    )
    done = mkdocs(project, "build", env={"PYTHONPATH": str(fake)})
    assert done.returncode != 0
    assert "E970" in done.stderr and "simulated indexing failure" in done.stderr
    assert "Traceback" not in done.stderr
    _assert_site_untouched(project)


def test_an_unchanged_rebuild_takes_over_the_search_index_and_still_audits_it(mixed, tmp_path):
    """Pages byte for byte the same as the site being replaced: its search bundle is taken over
    instead of indexing again; it is audited all the same (a withheld article's text planted in
    it stops the build); a changed page makes Pagefind index again."""
    project = tmp_path / "project"
    shutil.copytree(mixed[0], project, symlinks=True)
    done = mkdocs(project, "build")
    assert done.returncode == 0, done.stderr
    assert "the search index of the previous site is taken over" in done.stderr
    assert search_fragments(project / "site")

    fragment = sorted((project / "site" / "pagefind" / "fragment").glob("*.pf_fragment"))[0]
    data = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
    draft = (project / "content" / "articles" / "gate-zqxunderreview.md").read_text(encoding="utf-8")
    data["content"] += " " + next(p for p in draft.split("\n\n") if "zqxunderreview paragraph" in p)
    fragment.write_bytes(gzip.compress(b"pagefind_dcd" + json.dumps(data).encode()))
    planted = fragment.read_bytes()
    done = mkdocs(project, "build")
    assert done.returncode != 0 and "E964" in done.stderr and "E953" in done.stderr and fragment.name in done.stderr
    assert fragment.read_bytes() == planted and leftovers(project) == []  # the previous site stays as it was

    about = project / "content" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nA zqnewsentence for the index.\n", encoding="utf-8")
    done = mkdocs(project, "build")
    assert done.returncode == 0, done.stderr
    assert "taken over" not in done.stderr
    assert any("zqnewsentence" in d["content"] for d in search_fragments(project / "site"))
