"""The article page of the built sample site: trust block, stepper, citations, JSON-LD, disclaimer.

One real `mkdocs build` of a copy of the sample project per module; every approved article's
HTML is checked. A second build proves the build fails when a template loses the disclaimer."""

from __future__ import annotations

import json
import re

import pytest

from editorial.core import article_view, disclaimer, workflow
from support.site_html import approved_articles, copy_project, mkdocs_build, page, parse, search_fragments

pytestmark = [pytest.mark.build, pytest.mark.slow]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("article-page") / "project")
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr
    articles, corpus = approved_articles(project)
    assert articles, "the sample content must have at least one approved article"
    return project, project / "site", articles, corpus


def _url(article) -> str:
    return f"articles/{article.slug}"


def test_every_approved_article_shows_both_disclaimers(built):
    _, site, articles, _ = built
    for article in articles:
        doc = page(site, _url(article))
        block = doc.find("aside", id="medical-disclaimer")
        assert block is not None, article.path
        assert block.find("p", data_editorial_disclaimer="clinician").text() == disclaimer.CLINICIAN
        assert block.find("p", data_editorial_disclaimer="patient").text() == disclaimer.PATIENT


def test_trust_block_sits_under_the_question_with_reviewers_status_and_dates(built):
    """As on the seed page: under the title, before the audience choice and the answer, the
    board banner naming the reviewers (linked to their board entries), the stepper with its
    visible heading, the three dates and the editorial-policy link; folded into one line that
    says who reviewed it, when, and its status (a closed <details>), then the disclaimer's link."""
    _, site, articles, corpus = built
    logins = {p.github for p in corpus.registry.people.values() if p.github}
    board = page(site, "board")
    for article in articles:
        html = (site / _url(article) / "index.html").read_text(encoding="utf-8")
        doc = parse(html)
        trust = doc.find("section", class_="editorial-trust")
        assert trust is not None, article.path
        order = [
            html.index(marker)
            for marker in (
                'id="question"',
                'class="editorial-trust"',
                "data-editorial-picker",
                'class="editorial-answer"',
                'class="editorial-body"',
            )
        ]
        assert order == sorted(order), "the trust block must come right under the question"
        details = trust.find("details", class_="editorial-trust__details")
        assert details is not None and "open" not in details.attrs  # folded: the short answer fits the first screen
        summary = " ".join(details.find("summary").text().split())
        expected = [corpus.registry.get(i) for i in workflow.approvers(article, corpus.context)]
        reviewed = workflow.last_approval_date(article, corpus.context)
        assert summary.startswith("Medical Advisory Board Approved: reviewed by " + expected[0].display), summary
        assert f" on {article_view.Day.of(reviewed).text} Review details" in summary, summary
        assert not details.find("summary").find_all("a")  # no link inside the toggle
        assert trust.find("a", href="#medical-disclaimer").text() == "Read the medical disclaimer"
        links = trust.find_all("a", class_="editorial-reviewer")
        assert expected and [" ".join(a.text().split()) for a in links] == [p.display for p in expected]
        for link, person in zip(links, expected, strict=True):
            assert link.attrs["href"] == f"../../board/#member-{person.id}"
            assert board.find(id=f"member-{person.id}") is not None, "the link lands on the member's board entry"
        stepper = trust.find("div", class_="editorial-stepper")
        assert stepper.find("h2").text().strip() == "Article review status"
        dates = {dd.attrs["class"]: dd.find("time").attrs["datetime"] for dd in trust.find_all("dd")}
        # the board's dates (review_history.Dates; no git here: the approval now is the only version),
        # never the writer's `updated` (2026-05-20 in the sample: readers saw the text on its approval)
        assert dates == {
            "editorial-date-updated": reviewed,
            "editorial-date-reviewed": reviewed,
            "editorial-date-next": article.meta["next_review"],
        }
        assert [dt.text() for dt in trust.find_all("dt")] == ["Last updated", "Last reviewed", "Next review due"]
        assert trust.find("a", href="../../editorial-policy/") is not None
        info = doc.find("aside", class_="editorial-info")
        assert "Disclosures:" in info.text() and html.index('class="editorial-info"') > html.index(
            'class="editorial-references"'
        )
        for login in logins:  # GitHub logins confirm reviews; they are never published
            assert login not in html


def test_review_history_lists_the_approval_on_the_page(built):
    """Outside a git repository the history is the current approval alone (never an error)."""
    _, site, articles, corpus = built
    for article in articles:
        history = page(site, _url(article)).find("details", class_="editorial-history")
        assert history is not None and "Review history" in history.find("summary").text()
        versions = history.find_all("li", class_="editorial-history__version")
        assert len(versions) == 1 and "editorial-history__version--current" in versions[0].attrs["class"]
        assert versions[0].find("time").attrs["datetime"] == workflow.last_approval_date(article, corpus.context)
        assert "the version on this page" in versions[0].text()


def test_skip_link_lands_on_the_question(built):
    _, site, articles, _ = built
    for article in articles:
        doc = page(site, _url(article))
        skip = doc.find("a", class_="md-skip")
        assert skip is not None and skip.attrs["href"] == "#question"
        assert doc.find("h1", id="question") is not None
        toc = doc.find("nav", class_="md-nav--secondary")  # the sidebar still lists the answer's sections
        assert "From the Guidelines" in toc.text() and article.title not in toc.text()


def test_citations_are_numbered_by_first_appearance_and_link_to_references(built):
    _, site, articles, _ = built
    for article in articles:
        doc = page(site, _url(article))
        entries = doc.find("section", class_="editorial-references").find_all("li")
        by_id = {li.attrs["id"]: int(li.attrs["value"]) for li in entries}
        assert sorted(by_id.values()) == list(range(1, len(entries) + 1))
        links = [
            a
            for sup in doc.find("div", class_="editorial-body").find_all("sup", class_="citation")
            for a in sup.find_all("a")
        ]
        assert links, article.path
        first_seen: list[int] = []
        for a in links:
            target = a.attrs["href"].removeprefix("#")
            assert target in by_id, f"{a.attrs['href']} has no entry in the References list"
            assert int(a.text()) == by_id[target]
            if by_id[target] not in first_seen:
                first_seen.append(by_id[target])
        assert first_seen == list(range(1, len(first_seen) + 1))
        # the order of first citation in the source is the order of the list
        keys = list(
            dict.fromkeys(re.findall(r"@([A-Za-z0-9_]+)", " ".join(re.findall(r"\[[^\]]*@[^\]]*\]", article.body))))
        )
        assert [f"ref-{k}" for k in keys] == [li.attrs["id"] for li in entries][: len(keys)]


def test_title_description_and_body_come_from_what_the_core_read(built):
    """The plugin serves MkDocs the body the core read (no second read or YAML parse) and
    puts the front matter back as page.meta: the head still carries both, and no citation
    placeholder is left anywhere in the page or the search index."""
    _, site, articles, _ = built
    search = json.dumps(search_fragments(site))
    assert "\\ue000" not in search and "\ue000" not in search
    for article in articles:
        html = (site / _url(article) / "index.html").read_text(encoding="utf-8")
        doc = parse(html)
        assert doc.find("title").text().startswith(article.title)
        assert doc.find("meta", name="description").attrs["content"] == " ".join(article.meta["description"].split())
        assert "\ue000" not in html and "\ue001" not in html
        assert "---" not in doc.find("div", class_="editorial-body").text()  # no front matter shown as text


def test_search_index_has_the_answer_without_citation_numbers(built):
    """The page shows superscripts; the search index holds the same sentences without them
    (a number glued to a word, `removal1,2`, would hide the word from search)."""
    _, site, articles, _ = built
    docs = search_fragments(site)
    for article in articles:
        page_sups = page(site, _url(article)).find("div", class_="editorial-body").find_all("sup", class_="citation")
        assert page_sups, article.path
        indexed = " ".join(d["content"] for d in docs if d["url"] == f"/{_url(article)}/")
        assert indexed, article.path
        # the words before the first citation are indexed as they are, no digit glued on
        before = re.search(r"(\w+[ \n]+\w+)[ \t]*\[[^\]]*@", article.body).group(1)
        assert re.search(re.escape(" ".join(before.split())) + r"(?!\d)", indexed), before


def test_doi_and_pubmed_links(built):
    _, site, articles, _ = built
    checked = 0
    for article in articles:
        doc = page(site, _url(article))
        for ref in article.references:
            li = doc.find("li", id=f"ref-{ref['id']}")
            hrefs = [a.attrs["href"] for a in li.find_all("a")]
            if "DOI" in ref:
                assert f"https://doi.org/{ref['DOI']}" in hrefs
                checked += 1
            if "PMID" in ref:
                assert f"https://pubmed.ncbi.nlm.nih.gov/{ref['PMID']}/" in hrefs
        assert all(
            h.startswith("https://")
            for li in doc.find_all("li")
            for h in [a.attrs.get("href", "") for a in li.find_all("a")]
            if "doi" in h
        )
    assert checked


def test_json_ld_parses_with_review_data(built):
    _, site, articles, corpus = built
    for article in articles:
        scripts = page(site, _url(article)).find_all("script", type="application/ld+json")
        assert len(scripts) == 1
        data = json.loads(scripts[0].text())
        assert data["@type"] == "MedicalWebPage"
        assert data["name"] == article.title
        assert data["lastReviewed"] == workflow.last_approval_date(article, corpus.context)
        reviewers = [corpus.registry.get(i) for i in workflow.approvers(article, corpus.context)]
        assert data["reviewedBy"] == [
            {
                "@type": "Person",
                "name": p.name,
                "honorificSuffix": p.credentials,
                "url": f"https://answers.example.org/board/#member-{p.id}",
            }
            for p in reviewers
        ]
        assert data["dateModified"] == data["lastReviewed"]
        assert len(data["citation"]) == len(article.references)


def test_answer_summaries_are_in_the_page_and_the_trust_block_is_not_searchable(built):
    _, site, articles, _ = built
    docs = [d for d in search_fragments(site) if d["url"].startswith("/articles/")]
    index = json.dumps(docs)
    assert docs
    assert disclaimer.CLINICIAN[:60] not in index and disclaimer.PATIENT[:60] not in index
    assert "checked against its sources" not in index and "Article review status" not in index
    assert "Which best describes you" not in index and "About this article" not in index
    for article in articles:
        doc = page(site, _url(article))
        assert doc.find("h1").text() == article.title
        clinician = doc.find("div", data_editorial_summary="clinician")
        assert " ".join(article.meta["description"].split()) in " ".join(clinician.text().split())
        assert doc.find("fieldset", data_editorial_picker="") is not None
        indexed = next(d for d in docs if d["url"] == f"/{_url(article)}/")
        assert indexed["meta"]["title"] == article.title
        assert " ".join(article.meta["description"].split()) in indexed["content"]  # the short answer is searchable
        for ref in article.references:
            assert " ".join(ref["title"].split()) in indexed["content"]


def test_correction_link_goes_to_the_configured_example_repository(built):
    project, site, articles, _ = built
    assert "example-org/reviewed-answers-example" in (project / "mkdocs.yml").read_text(encoding="utf-8")
    for article in articles:
        doc = page(site, _url(article))
        link = next(a for a in doc.find_all("a") if a.text().strip() == "Suggest a correction")
        assert link.attrs["href"].startswith(
            "https://github.com/example-org/reviewed-answers-example/issues/new?title="
        )


def test_references_cache_lives_outside_content_and_site(built):
    project, site, _, _ = built
    cached = list((project / ".cache" / "editorial").rglob("references.cache"))
    assert cached
    assert not list((project / "content").rglob("*.json")) and not (site / ".cache").exists()


@pytest.fixture(scope="module")
def variant(tmp_path_factory):
    """The sample with a repository URL and an overdue review (next_review is not in the digest)."""
    project = copy_project(tmp_path_factory.mktemp("article-variant") / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(
        r"^      repo_url: .*\n", "", text, flags=re.M
    )  # the plugin's example repository: mkdocs.yml's applies
    config.write_text("repo_url: https://github.com/example-org/answers\n" + text, encoding="utf-8")
    articles, corpus = approved_articles(project)
    article = articles[0]
    approved_on = workflow.last_approval_date(article, corpus.context)
    path = project / article.path
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(f"next_review: {article.meta['next_review']}", f"next_review: {approved_on}"), encoding="utf-8"
    )
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr
    return project / "site", article


def test_suggest_a_correction_opens_a_prefilled_issue(variant):
    site, article = variant
    link = next(a for a in page(site, _url(article)).find_all("a") if a.text().strip() == "Suggest a correction")
    href = link.attrs["href"]
    assert href.startswith("https://github.com/example-org/answers/issues/new?title=")
    assert "body=" in href and article.id in href


def test_overdue_review_is_announced(variant):
    site, article = variant
    notice = page(site, _url(article)).find("div", class_="editorial-overdue")
    assert notice is not None and "Review overdue" in notice.text()


def test_build_fails_when_a_template_drops_the_disclaimer(tmp_path):
    project = copy_project(tmp_path / "project")
    (project / "overrides" / "partials" / "editorial-disclaimer.html").write_text(
        '<aside class="editorial-disclaimer">See our about page.</aside>\n', encoding="utf-8"
    )
    done = mkdocs_build(project)
    assert done.returncode != 0
    assert "disclaimer" in done.stderr and "articles/" in done.stderr
    assert "Traceback" not in done.stderr


def test_preview_build_marks_each_articles_real_step(tmp_path):
    project = copy_project(tmp_path / "project")
    done = mkdocs_build(project, env={"EDITORIAL_PREVIEW": "1"})
    assert done.returncode == 0, done.stderr
    _, corpus = approved_articles(project)
    labels = {"submitted": "Submitted", "under_review": "Under review", "approved": "Approved"}
    seen = set()
    for article in corpus.articles:
        steps = page(project / "site", _url(article)).find("div", class_="editorial-stepper").find_all("li")
        current = [
            s.find("span", class_="editorial-stepper__label").text()
            for s in steps
            if s.attrs.get("aria-current") == "step"
        ]
        assert current == [labels[article.status]], article.path
        # the folded trust line says the same step, and who reviewed it only once an approval stands
        line = " ".join(page(project / "site", _url(article)).find("summary").text().split())
        expected = "reviewed by" if article.status == "approved" else "not yet reviewed by the board"
        assert f"{labels[article.status]}: " in line and expected in line, (article.path, line)
        seen.add(article.status)
        notice = page(project / "site", _url(article)).find("div", class_="editorial-not-for-patients")
        assert (notice is not None) == ("patient" not in article.meta["audience"]), article.path
    assert {"submitted", "under_review", "approved"} <= seen
    robots = (project / "site" / "robots.txt").read_text(encoding="utf-8")  # a preview is never crawled
    assert "Disallow: /" in robots and "Sitemap:" not in robots


def test_json_ld_cannot_close_its_script_element():
    from editorial.core.jsonld import script_text

    text = script_text({"name": "</script><script>alert(1)</script><!--"})
    assert "</" not in text and "<!--" not in text
    assert json.loads(text) == {"name": "</script><script>alert(1)</script><!--"}
