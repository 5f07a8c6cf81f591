"""The site pages: home listing by specialty, the board, the editorial policy, about.

Real `mkdocs build`s of copies of the sample project; the people are the sample's
fictional board."""
from __future__ import annotations

import re

import pytest

from editorial import disclaimer
from editorial.model import Article, Located
from editorial.plugin import pages
from site_html import approved_articles, copy_project, mkdocs_build, page

pytestmark = [pytest.mark.build, pytest.mark.slow]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("site-pages") / "project")
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr
    articles, corpus = approved_articles(project)
    assert articles
    return project / "site", articles, corpus


def test_home_lists_approved_articles_under_each_of_their_specialties(built):
    site, articles, corpus = built
    listing = page(site, "").find("div", class_="editorial-listing")
    assert listing is not None
    groups: dict[str, list[tuple[str, str]]] = {}
    current = None
    for node in listing.iter():
        if node.tag == "h2":
            current = node.text().strip()
            groups[current] = []
        elif node.tag == "a":
            groups[current].append((node.text().strip(), node.attrs["href"]))
    expected: dict[str, set] = {}
    for article in articles:
        for slug in article.meta["specialties"]:
            expected.setdefault(pages.specialty_name(slug), set()).add((article.title, f"articles/{article.slug}/"))
    assert {k: set(v) for k, v in groups.items()} == expected
    not_approved = [a.title for a in corpus.articles if a not in articles]
    assert not_approved  # the sample has unapproved articles: none of them is listed
    assert not any(t in listing.text() for t in not_approved)


def test_home_listing_groups_many_articles():
    fake = [Article(f"content/articles/a{i}.md", {"title": f"Question {i:04d}?", "specialties": ["cardiology", "neurology"][: 1 + i % 2]},
                    "", 1, Located(None), "") for i in range(2000)]
    html = pages.listing((a, f"articles/a{i}/") for i, a in enumerate(fake))
    assert html.count("<h2") == 2
    assert html.count("<li>") == 2000 + 1000  # every article once, odd ones also under neurology
    assert html.index("Question 0000?") < html.index("Question 0002?")


def test_board_page_lists_members_with_credentials_never_logins(built):
    site, _, corpus = built
    html = (site / "board" / "index.html").read_text(encoding="utf-8")
    doc = page(site, "board")
    members = {n.find("h3").text().strip().rstrip("¶"): n for n in doc.find_all("div", class_="editorial-member")}
    board = [p for p in corpus.registry.people.values() if p.is_board]
    assert board and set(members) == {p.display for p in board}
    for person in board:
        node = members[person.display]
        former = "editorial-member--former" in node.attrs["class"]
        assert former == bool(person.until and person.until < corpus.context.today)
        if former:
            assert "Former member" in node.text()
        if person.bio:
            assert person.bio in node.text()
    writers = [p for p in corpus.registry.people.values() if not p.is_board]
    assert writers and not any(p.display in members for p in writers)
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
    for feature in ("navigation.instant", "search.highlight"):
        assert feature in html
    assert 'data-md-color-scheme="slate"' in html or "slate" in html  # the dark palette toggle
    assert (site / "assets" / "editorial" / "editorial.css").is_file()
    assert "@media print" in (site / "assets" / "editorial" / "editorial.css").read_text(encoding="utf-8")
    assert (site / "search" / "search_index.json").is_file()
