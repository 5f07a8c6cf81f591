"""The preview a board member downloads: it opens from disk on what the pull request changes.

A git repository of the sample project: on `main` the approved sample article, on a branch a
revision of it (one number changed, one reference added), built as the pull-request workflow
builds its preview (`EDITORIAL_PREVIEW=1`, the changed articles named in
`EDITORIAL_PREVIEW_CHANGED`). The home page lists the revision first; every link opens a page,
not a folder, from `file://` (in Chromium); the revision's page shows its changes since the
approved version behind a switch."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from support.browser import chromium
from support.gate_content import mkdocs, rebind
from support.site_html import copy_project, parse

pytestmark = [pytest.mark.build, pytest.mark.git, pytest.mark.slow]

ARTICLE = "content/articles/itp-refill-sepsis.md"
SLUG = "itp-refill-sepsis"
BEFORE, AFTER = "Within 48 hours, the result can be meningitis", "Within 72 hours, the result can be meningitis"
REFERENCE = (
    "references:\n  - id: example2024\n    evidence: research\n    type: article-journal\n"
    "    title: Example content, a fictional report for this test\n    author: [{family: Example, given: A}]\n"
    "    container-title: Example Journal\n    issued: {date-parts: [[2024]]}\n"
)


def _git(root: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=T", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"]
    return subprocess.run([*command, *args], cwd=root, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def preview(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("review") / "project")
    path = project / ARTICLE
    path.write_text(rebind(path.read_text().replace("The result can be meningitis", BEFORE)))  # test content
    (project / ".gitignore").write_text("site/\n.cache/\n")
    _git(project, "init", "-q", "-b", "main")
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "the approved version")
    _git(project, "checkout", "-q", "-b", "revise")
    text = path.read_text().replace("review_status: approved", "review_status: under_review", 1)
    text = re.sub(r"^next_review: .*\n", "", text, count=1, flags=re.M).replace(BEFORE, AFTER)
    text = text.replace("through the pump [@koljonen2021].", "through the pump [@koljonen2021] [@example2024].")
    path.write_text(text.replace("references:\n", REFERENCE, 1))
    _git(project, "commit", "-q", "-am", "revise one number, add one source")
    changed = _git(project, "diff", "--name-only", "main...HEAD", "--", "content/articles")
    assert changed.split() == [ARTICLE]
    done = mkdocs(project, "build", env={"EDITORIAL_PREVIEW": "1", "EDITORIAL_PREVIEW_CHANGED": changed})
    assert done.returncode == 0, done.stderr[-3000:]
    return project / "site"


def test_the_home_page_lists_what_the_pull_request_changes_first(preview: Path):
    doc = parse((preview / "index.html").read_text(encoding="utf-8"))
    content = doc.find(class_="md-content")
    first = content.find_all("h2")[0]
    assert first.attrs.get("id") == "in-this-preview"
    listed = content.find("ul", class_="editorial-listing__changed").find_all("li")
    assert len(listed) == 1 and "not approved yet: under review" in listed[0].text()
    assert listed[0].find("a").attrs["href"] == f"articles/{SLUG}/index.html"


def test_every_link_of_the_preview_opens_a_file_not_a_folder(preview: Path):
    """Each relative link of every page names a file that the preview holds (404.html, which only
    a web server shows, addresses the site from its root)."""
    pages = [p for p in preview.rglob("*.html") if p.name != "404.html"]
    assert len(pages) > 5
    checked = 0
    for page in pages:
        for href in re.findall(r'\shref="([^"]*)"', page.read_text(encoding="utf-8")):
            if not href or re.match(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|#)", href):
                continue
            target = (page.parent / href.split("#")[0].split("?")[0]).resolve()
            assert target.is_file(), (page.relative_to(preview), href)
            checked += 1
    assert checked > 100


def test_the_revision_shows_its_changes_since_the_approved_version_behind_a_switch(preview: Path):
    doc = parse((preview / "articles" / SLUG / "index.html").read_text(encoding="utf-8"))
    switch = doc.find("details", class_="editorial-changes")
    assert switch is not None and "open" not in switch.attrs  # folded: the page reads as readers will read it
    assert [d.text() for d in switch.find_all("del")] == ["48"]
    assert [i.text() for i in switch.find_all("ins")][:2] == ["72", "[4]"]
    assert "Added: [4] Example A. Example content, a fictional report for this test" in " ".join(switch.text().split())
    # an article that was never approved has nothing to compare with
    other = parse((preview / "articles" / "septic-shock-first-hour" / "index.html").read_text(encoding="utf-8"))
    assert other.find("details", class_="editorial-changes") is None


def test_opened_from_disk_in_chromium_every_click_lands_on_a_page(preview: Path):
    """As the board guide says: download the artifact, unzip it, open index.html."""
    with chromium() as browser:
        page = browser.new_page()
        page.goto((preview / "index.html").as_uri())
        page.locator("#in-this-preview ~ ul a").first.click()
        page.wait_for_load_state()
        assert page.url.endswith(f"/articles/{SLUG}/index.html")
        assert page.locator("h1#question").inner_text().startswith("Can an intrathecal pump")
        page.locator("details.editorial-changes > summary").click()
        assert page.locator("details.editorial-changes del").first.inner_text() == "48"
        assert page.locator("details.editorial-changes ins").first.is_visible()
        page.locator("summary.editorial-trust__summary").click()  # the trust block, folded into a line
        page.locator(".editorial-trust__policy a").click()  # a link the theme's template writes
        page.wait_for_load_state()
        assert page.url.endswith("/editorial-policy/index.html")
        assert page.locator("h1").first.inner_text().startswith("Editorial policy")
        page.locator("a.md-header__button.md-logo").click()  # the theme's own link home
        page.wait_for_load_state()
        assert page.url.endswith("/index.html") and page.locator("#in-this-preview").is_visible()
        assert "Index of" not in page.content()


def test_a_folder_link_names_its_index_and_every_other_link_is_left_as_it_is():
    from editorial.core.from_disk import folder_links_to_index, to_index

    cases = {
        "articles/x/": "articles/x/index.html",
        "../../board/#member-a": "../../board/index.html#member-a",
        ".": "./index.html",
        "..": "../index.html",
        "../..?q=1": "../../index.html?q=1",
        "assets/editorial/editorial.css": "assets/editorial/editorial.css",
        "#question": "#question",
        "https://doi.org/10.1/x/": "https://doi.org/10.1/x/",
        "/absolute/": "/absolute/",
        "mailto:a@example.org": "mailto:a@example.org",
        "": "",
    }
    assert {url: to_index(url) for url in cases} == cases
    page = '<a href="board/">x</a><link rel="canonical" href="https://a.example/b/"><a title="href=&quot;c/&quot;">'
    assert folder_links_to_index(page) == page.replace('"board/"', '"board/index.html"')
