"""The site pages: the board, the editorial policy, about (the listings: test_reader_site.py).

Real `mkdocs build`s of copies of the sample project; the people are the sample's
fictional board."""

from __future__ import annotations

import re

import pytest

from editorial.core import disclaimer
from support.site_html import approved_articles, copy_project, mkdocs_build, page

pytestmark = [pytest.mark.build, pytest.mark.slow]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("site-pages") / "project")
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr
    articles, corpus = approved_articles(project)
    assert articles
    return project / "site", articles, corpus


def test_board_page_lists_members_with_credentials_never_logins(built):
    site, _, corpus = built
    html = (site / "board" / "index.html").read_text(encoding="utf-8")
    doc = page(site, "board")
    members = {n.find("h3").text().strip().rstrip("¶"): n for n in doc.find_all("div", class_="editorial-member")}
    board = [p for p in corpus.registry.people.values() if p.is_board]
    writers = [p for p in corpus.registry.people.values() if not p.is_board]
    assert board and writers and set(members) == {p.display for p in board + writers}
    for person in board + writers:  # the anchor each article's reviewer and author links to
        assert members[person.display].attrs["id"] == f"member-{person.id}"
    html_text = doc.text()
    assert html_text.index("Current members") < html_text.index("Medical writers and editors")
    assert all(html_text.index(p.display) > html_text.index("Medical writers and editors") for p in writers)
    for person in board:
        node = members[person.display]
        former = "editorial-member--former" in node.attrs["class"]
        assert former == bool(person.until and person.until < corpus.context.today)
        if former:
            assert "Former member" in node.text()
        if person.bio:
            assert person.bio in node.text()
    for person in corpus.registry.people.values():
        assert person.github not in html


def test_policy_page_numbers_come_from_the_plugin_options(built, tmp_path):
    site, _, corpus = built
    doc = page(site, "editorial-policy")
    assert doc.find("span", id="policy-min-approvals").text() == str(corpus.context.policy.min_approvals)
    assert doc.find("span", id="policy-review-interval").text() == str(corpus.context.policy.review_interval_days)
    for heading in ("How an article is reviewed", "Quorum", "Review interval", "Conflicts of interest"):
        assert heading in doc.text()

    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"review_interval_days: \d+", "review_interval_days: 500", text)
    text = re.sub(r"specialty_match: false", "specialty_match: true", text)
    config.write_text(text, encoding="utf-8")
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr
    changed = page(project / "site", "editorial-policy")
    assert changed.find("span", id="policy-review-interval").text() == "500"
    assert "must share a specialty" in changed.text()


def test_about_page_carries_the_one_disclaimer(built):
    site, _, _ = built
    text = page(site, "about").text()
    assert disclaimer.CLINICIAN in text and disclaimer.PATIENT in text


def test_site_uses_materials_features(built):
    site, _, _ = built
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "navigation.instant" in html
    assert "data-editorial-search-open" in html and 'data-bundle="pagefind/"' in html  # the header's search
    assert 'data-md-color-scheme="slate"' in html or "slate" in html  # the dark palette toggle
    assert (site / "assets" / "editorial" / "editorial.css").is_file()
    assert "@media print" in (site / "assets" / "editorial" / "editorial.css").read_text(encoding="utf-8")
    assert (site / "pagefind" / "pagefind-entry.json").is_file() and not (site / "search").exists()


def test_a_registry_value_cannot_add_markup_or_the_plugins_classes_to_the_board_page():
    """The board page is the plugin's own (it keeps `editorial-*` classes): a name or a credential
    written as attr_list (`{: .class }`) or as a link is shown as text."""
    import markdown

    from editorial.core import sanitize
    from editorial.core.model import Person, Registry
    from editorial.plugin import pages

    person = Person(
        "priya-raman",
        "Priya [Raman](https://evil.example)",
        "MPH {: .editorial-sr-only }",
        roles=("board",),
        since="2020-01-01",
    )
    source = pages.board_markdown(Registry("content/people.yml", {person.id: person}), "2026-01-01")
    html = markdown.markdown(source.split("---\n", 2)[2], extensions=["attr_list", "md_in_html", "toc"])
    html = sanitize.article_html(html, ours=True)
    assert "editorial-sr-only" not in re.findall(r'class="([^"]*)"', html) and 'href="https://evil' not in html
    assert "Priya [Raman](https://evil.example), MPH {: .editorial-sr-only }</h3>" in html


def test_the_menu_names_the_home_page_once_under_the_sites_name(built):
    """The menu's title is the site's name; the home page's entry under it says "Home", not the
    site's name again (once capitalised, once not)."""
    site, _, _ = built
    for url in ("", "board", "about"):
        nav = page(site, url).find("nav", class_="md-nav--primary")
        title = " ".join(nav.find("label", class_="md-nav__title").text().split())
        entries = [" ".join(a.text().split()) for a in nav.find_all("a", class_="md-nav__link")]
        assert title == "Reviewed Medical Answers" and entries[0] == "Home", (title, entries)
        assert len({e.casefold() for e in [title, *entries]}) == len(entries) + 1, (title, entries)
    assert page(site, "").find("title").text() == "Reviewed Medical Answers"  # the home page's <title>
