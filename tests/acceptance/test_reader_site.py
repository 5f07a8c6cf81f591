"""What readers and search engines get from a real build (issue 13), proved on one build.

The project: the sample, the publish-gate test content (approved articles and every kind of
withheld one, each with a unique marker word), a withheld article whose only specialty is
its own (`zqxonlyspecialty`), an approved article whose title, short title, answers and
reviewer carry `<script>`, quotes and `&`, and a git history in which the sample article was
approved once, revised, and approved again. Checked here: the listings (home page, specialty
pages), the sitemap, canonical links, meta tags, `<title>`, JSON-LD (read with extruct), the
Atom feed, the search index, the review history, escaping everywhere, and that no withheld
article reaches any file of it."""

from __future__ import annotations

import json
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import extruct
import pytest

from editorial.core import workflow
from editorial.core.loader import load_article
from editorial.core.vocabulary import AUDIENCE_LABELS, Audience
from editorial.plugin import pages
from support.gate_content import APPROVED, SAMPLE, WITHHELD, make_mixed_project, mkdocs, rebind, site_bytes
from support.site_html import approved_articles, page, parse, search_fragments

pytestmark = [pytest.mark.build, pytest.mark.git, pytest.mark.slow]

SITE = "https://answers.example.org/"
SAMPLE_SLUG = "itp-refill-sepsis"
# Values with every character HTML must escape (tags themselves are refused in front matter and
# the registry, E804: tests/test_adversary.py); each must reach every file as the same text.
HOSTILE = {
    "title": "Is 1 < 2 > 0 & \"quoted\" 'single' text shown as text on a pump page (zqh1)?",
    "seo_title": 'Dose < 5 mg & "short" (zqh3)',
    "description": 'An answer with a < b > c & "quotes" & x <= y signs, shown as text (zqh2).',
    "patient_summary": 'In plain words: 3 < 4 & "this" is text, never code, on the page (zqh5).',
    "name": 'Zed "Q" & Co > 1 (zqh4)',
    "credentials": "MD & PhD",
}
# What only an unescaped value would put into a page's HTML (text and attributes escape `<`, `>`,
# `"`; JSON-LD writes `<` as \u003c).
RAW_MARKUP = [b'1 < 2 > 0 & "quoted"', b'a < b > c & "quotes"', b'3 < 4 & "this"', b'Zed "Q" & Co > 1']
ONLY_SPECIALTY = "zqxonlyspecialty"
FIRST_APPROVAL = ("tomas-lindqvist", "2025-06-02")  # the sample's first approved version (in git)
EARLIER_WORDS = "An earlier wording of this answer, approved in 2025."
REPOSITORY = "https://github.com/example-org/reviewed-answers-example"  # the sample's repo_url
# the signature of the approval now, as record-reviews writes it: the name as it was that day
SIGNED = {
    "meaning": "Reviewed for medical accuracy against the cited sources",
    "name": "Dr Name-That-Day",
    "credentials": "MD, FRCA",
    "at": "2026-06-09T14:03:11Z",
    "commit": "0123456789abcdef0123456789abcdef01234567",
    "review": f"{REPOSITORY}/pull/7#pullrequestreview-80000001",
}


def _yaml_str(value: str) -> str:
    return json.dumps(value)  # a JSON string is a YAML string


def _hostile_article() -> str:
    text = SAMPLE.replace("id: itp-refill-sepsis", "id: hostile-values", 1)
    text = re.sub(
        r"^title: .*$", "title: " + _yaml_str(HOSTILE["title"]).replace("\\", "\\\\"), text, count=1, flags=re.M
    )
    text = re.sub(
        r"^description: >-\n(?:  .*\n)+",
        "description: "
        + _yaml_str(HOSTILE["description"]).replace("\\", "\\\\")
        + "\n"
        + "seo_title: "
        + _yaml_str(HOSTILE["seo_title"]).replace("\\", "\\\\")
        + "\n",
        text,
        count=1,
        flags=re.M,
    )
    text = re.sub(
        r"^patient_summary: >-\n(?:  .*\n)+",
        "patient_summary: " + _yaml_str(HOSTILE["patient_summary"]).replace("\\", "\\\\") + "\n",
        text,
        count=1,
        flags=re.M,
    )
    return rebind(text, reviewer="zed-hostile")


def _version(text: str, reviews: list[tuple[str, str, str]], signed: dict[str, str] | None = None) -> str:
    """The sample article with `reviews` (reviewer, date, digest) as its whole log; `signed`: the
    last record's signature."""
    log = "".join(
        f"  - reviewer: {who}\n    decision: approved\n    date: {day}\n    digest: {digest}\n"
        for who, day, digest in reviews
    ) + "".join(f"    {key}: {json.dumps(value)}\n" for key, value in (signed or {}).items())
    return re.sub(r"^reviews:\n(?:  .*\n|    .*\n)+", "reviews:\n" + log, text, count=1, flags=re.M)


def _git(project: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=project, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = make_mixed_project(tmp_path_factory.mktemp("reader") / "project")
    content = project / "content"
    people = content / "people.yml"
    people.write_text(
        people.read_text(encoding="utf-8")
        + (
            "\n  - id: zed-hostile\n"
            f"    name: {_yaml_str(HOSTILE['name'])}\n"
            f"    credentials: {_yaml_str(HOSTILE['credentials'])}\n"
            "    roles: [board]\n    specialties: [anesthesia]\n    github: zed-hostile-login\n    since: 2024-01-01\n"
        ),
        encoding="utf-8",
    )
    (content / "articles" / "hostile-values.md").write_text(_hostile_article(), encoding="utf-8")
    lonely = SAMPLE.replace("id: itp-refill-sepsis", f"id: gate-{ONLY_SPECIALTY}", 1).replace(
        "review_status: approved", "review_status: submitted", 1
    )
    lonely = re.sub(r"^specialties: .*$", f"specialties: [{ONLY_SPECIALTY}]", lonely, count=1, flags=re.M)
    (content / "articles" / f"gate-{ONLY_SPECIALTY}.md").write_text(lonely, encoding="utf-8")

    # git: the sample article approved once (an earlier wording), then revised and approved again
    sample = content / "articles" / f"{SAMPLE_SLUG}.md"
    current = sample.read_text(encoding="utf-8")
    now_record = re.search(
        r"reviewer: (\S+)\n    decision: approved\n    date: (\S+)\n    digest: (\S+)", current
    ).groups()
    earlier = current.replace("## From the Guidelines\n\n", f"## From the Guidelines\n\n{EARLIER_WORDS}\n\n", 1)
    earlier_digest = load_article("x.md", earlier.encode())[0].digest
    first = (*FIRST_APPROVAL, earlier_digest)
    sample.write_text(_version(earlier, [first]), encoding="utf-8")
    (project / ".gitignore").write_text("site/\n.cache/\n", encoding="utf-8")
    _git(project, "init", "-q", "-b", "main")
    _git(project, "-c", "user.name=Test", "-c", "user.email=test@example.invalid", "add", "-A")
    _git(project, "-c", "user.name=Test", "-c", "user.email=test@example.invalid", "commit", "-qm", "first approval")
    first_commit = _git(project, "rev-parse", "HEAD").strip()
    sample.write_text(_version(current, [first, now_record], SIGNED), encoding="utf-8")
    _git(
        project,
        "-c",
        "user.name=Test",
        "-c",
        "user.email=test@example.invalid",
        "commit",
        "-qam",
        "revised and approved again",
    )

    done = mkdocs(project, "build")
    assert done.returncode == 0, done.stderr[-3000:]
    articles, corpus = approved_articles(project)
    slugs = {a.slug for a in articles}
    assert {SAMPLE_SLUG, "hostile-values", *APPROVED} <= slugs and not any(
        s.startswith("gate-zqx") for s in slugs - set(APPROVED)
    )
    return project, project / "site", articles, corpus, first_commit


def _html(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def _jsonld(html: str, url: str) -> dict:
    found = extruct.extract(html, base_url=url, syntaxes=["json-ld"], uniform=True)["json-ld"]
    assert len(found) == 1, found
    return found[0]


def _meta(html: str, url: str) -> dict[str, str]:
    """Open Graph properties, as extruct reads them, and the named meta tags."""
    og = extruct.extract(html, base_url=url, syntaxes=["opengraph"])["opengraph"]
    values = {k: v for item in og for k, v in item["properties"]}
    for node in parse(html).find_all("meta"):
        if "name" in node.attrs:
            values[node.attrs["name"]] = node.attrs.get("content", "")
    return values


# -- nothing withheld anywhere ------------------------------------------------------------


def test_no_withheld_article_reaches_any_file_of_the_site(built):
    _, site, _, _, _ = built
    files = site_bytes(site)
    assert {"feed.xml", "sitemap.xml", "specialties/index.html", "pagefind/pagefind-entry.json"} <= set(files)
    for rel, data in files.items():
        lowered = data.lower() + rel.lower().encode()
        for marker in [*WITHHELD, ONLY_SPECIALTY]:
            assert marker.encode() not in lowered, f"{marker} leaked into site/{rel}"
    assert not (site / "specialties" / ONLY_SPECIALTY).exists()


def test_the_audit_covers_the_feed_and_the_specialty_pages(built, tmp_path):
    """A withheld article's words planted in the feed, or an unknown specialty page, fail the audit."""
    from editorial import site_folder
    from editorial.core import audit
    from editorial.workspace import Workspace

    project, site, _, _, _ = built
    ws = Workspace(project)
    content = site_folder.read_content(ws, ws.corpus())
    draft = (project / "content" / "articles" / "gate-zqxsubmitted.md").read_text(encoding="utf-8")
    sentence = next(p for p in draft.split("\n\n") if "zqxsubmitted paragraph" in p)
    feed = (
        (site / "feed.xml")
        .read_bytes()
        .replace(b"</feed>", f"<entry><summary>{sentence}</summary></entry></feed>".encode())
    )
    found = audit.audit(
        [
            audit.SiteFile("feed.xml", feed),
            audit.SiteFile(f"specialties/{ONLY_SPECIALTY}/index.html", b"<p>a page</p>"),
            audit.SiteFile(
                "specialties/anesthesia/index.html", (site / "specialties/anesthesia/index.html").read_bytes()
            ),
        ],
        content,
    )
    codes = sorted({(p.path, p.code) for p in found})
    assert codes == [("site/feed.xml", "E953"), (f"site/specialties/{ONLY_SPECIALTY}/index.html", "E952")], codes


def test_no_page_of_the_public_site_draws_the_empty_banner_strip(built):
    """The theme draws its (dark) banner whenever the `announce` block has any output; only a
    preview has something to announce."""
    _, site, _, _, _ = built
    for path in site.rglob("*.html"):
        assert 'class="md-banner' not in path.read_text(encoding="utf-8"), path


# -- the home page and the specialty pages ------------------------------------------------


def test_home_lists_each_article_once_most_recently_reviewed_first(built):
    _, site, articles, corpus, _ = built
    doc = page(site, "")
    items = doc.find("ul", class_="editorial-listing__articles").find_all("li", class_="editorial-listing__item")
    links = [li.find("p", class_="editorial-listing__title").find("a").attrs["href"] for li in items]
    assert sorted(links) == sorted(f"articles/{a.slug}/" for a in articles), "each published article exactly once"
    by_url = {f"articles/{a.slug}/": a for a in articles}
    dates = [li.find("time").attrs["datetime"] for li in items]
    assert dates == sorted(dates, reverse=True)
    for li, link in zip(items, links, strict=True):
        article = by_url[link]
        assert li.find("p", class_="editorial-listing__answer").text() == " ".join(article.meta["description"].split())
        meta = li.find("p", class_="editorial-listing__meta")
        assert meta.find("time").attrs["datetime"] == workflow.last_approval_date(article, corpus.context)
        expected_for = " and ".join(AUDIENCE_LABELS[Audience(a)].lower() for a in article.meta["audience"])
        assert f"For {expected_for}." in meta.text()
        assert [a.attrs["href"] for a in meta.find_all("a")] == [
            f"specialties/{s}/" for s in article.meta["specialties"]
        ]


def test_every_specialty_of_a_published_article_has_its_page_listing_exactly_its_articles(built):
    _, site, articles, _, _ = built
    specialties = sorted({s for a in articles for s in a.meta["specialties"]})
    index = page(site, "specialties")
    assert [a.attrs["href"] for a in index.find("ul", class_="editorial-specialties").find_all("a")] == [
        f"{s}/" for s in sorted(specialties, key=pages.specialty_name)
    ]
    for slug in specialties:
        doc = page(site, f"specialties/{slug}")
        assert doc.find("h1").text().strip().rstrip("¶") == pages.specialty_name(slug)
        listed = [li.find("a").attrs["href"] for li in doc.find_all("li", class_="editorial-listing__item")]
        assert sorted(listed) == sorted(f"../../articles/{a.slug}/" for a in articles if slug in a.meta["specialties"])
    on_disk = {p.name for p in (site / "specialties").iterdir() if p.is_dir()}
    assert on_disk == set(specialties)


def test_cards_list_many_articles_each_once():
    from editorial.core.model import Article, Located

    fake = [
        pages.Listed(
            Article(
                f"content/articles/a{i}.md",
                {
                    "title": f"Question {i:04d}?",
                    "description": "An answer.",
                    "audience": ["clinician"],
                    "specialties": ["cardiology"],
                },
                "",
                1,
                Located(None),
                "",
            ),
            f"articles/a{i}/",
            f"2026-01-{1 + i % 28:02d}",
            ("cardiology",),
        )
        for i in range(2000)
    ]
    html = pages.cards(fake, "")
    assert html.count('class="editorial-listing__item"') == 2000
    assert html.count('href="articles/a1999/"') == 1


# -- findable ------------------------------------------------------------------------------


def test_sitemap_lists_every_published_page_with_review_dates(built):
    _, site, articles, corpus, _ = built
    root = ET.fromstring((site / "sitemap.xml").read_bytes())
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    entries = {
        u.find("s:loc", ns).text: (u.find("s:lastmod", ns).text if u.find("s:lastmod", ns) is not None else None)
        for u in root.findall("s:url", ns)
    }
    pages_on_disk = {
        SITE + p.relative_to(site).parent.as_posix().removeprefix(".") + "/" for p in site.rglob("index.html")
    }
    assert set(entries) == {u.replace(SITE + "/", SITE) for u in pages_on_disk}
    for article in articles:
        assert entries[f"{SITE}articles/{article.slug}/"] == workflow.last_approval_date(article, corpus.context)


def test_every_page_has_a_canonical_link_and_a_short_title(built):
    _, site, _, _, _ = built
    for path in site.rglob("index.html"):
        url = path.relative_to(site).parent.as_posix()
        doc = parse(path.read_text(encoding="utf-8"))
        canonical = doc.find("link", rel="canonical")
        assert canonical is not None and canonical.attrs["href"] == SITE + ("" if url == "." else url + "/"), url
        assert 0 < len(doc.find("title").text()) <= 70, (url, doc.find("title").text())


def test_article_head_has_description_open_graph_twitter_and_the_feed(built):
    _, site, articles, _, _ = built
    for article in articles:
        url = f"{SITE}articles/{article.slug}/"
        html = _html(site, f"articles/{article.slug}")
        meta = _meta(html, url)
        description = " ".join(article.meta["description"].split())
        assert meta["description"] == description
        assert meta["og:title"] == article.title and meta["og:description"] == description
        assert meta["og:url"] == url and meta["og:type"] == "article"
        assert meta["twitter:card"] == "summary" and meta["twitter:title"] == article.title
        feed = [n for n in parse(html).find_all("link") if n.attrs.get("type") == "application/atom+xml"]
        assert [n.attrs["href"] for n in feed] == ["../../feed.xml"]


def test_json_ld_is_complete_and_dated_by_the_board(built):
    _, site, articles, corpus, _ = built
    for article in articles:
        url = f"{SITE}articles/{article.slug}/"
        data = _jsonld(_html(site, f"articles/{article.slug}"), url)
        assert data["@type"] == "MedicalWebPage" and data["url"] == url
        assert data["headline"] == data["name"] == article.title
        assert data["inLanguage"] == "en"
        assert data["publisher"] == {"@type": "Organization", "name": "Reviewed Medical Answers", "url": SITE}
        assert [t["name"] for t in data["about"]] == [pages.specialty_name(s) for s in article.meta["specialties"]]
        reviewers = [corpus.registry.get(i) for i in workflow.approvers(article, corpus.context)]
        assert [(r["name"], r["url"]) for r in data["reviewedBy"]] == [
            (p.name, f"{SITE}board/#member-{p.id}") for p in reviewers
        ]
        assert all(a["url"].startswith(f"{SITE}board/#member-") for a in data["author"])
        last = workflow.last_approval_date(article, corpus.context)
        assert data["dateModified"] == data["lastReviewed"] == last
        assert data["datePublished"] == (FIRST_APPROVAL[1] if article.slug == SAMPLE_SLUG else last)


def test_every_person_url_lands_on_an_entry_of_the_board_page(built):
    _, site, articles, _, _ = built
    board = page(site, "board")
    for article in articles:
        data = _jsonld(_html(site, f"articles/{article.slug}"), SITE)
        for person in data["author"] + data["reviewedBy"]:
            anchor = person["url"].split("#", 1)[1]
            assert board.find(id=anchor) is not None, person


# -- the feed -----------------------------------------------------------------------------


def test_feed_announces_each_approval_with_its_review_date(built):
    _, site, articles, corpus, _ = built
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.fromstring((site / "feed.xml").read_bytes())
    entries = {e.find("a:link", ns).attrib["href"]: e for e in root.findall("a:entry", ns)}
    assert set(entries) == {f"{SITE}articles/{a.slug}/" for a in articles}
    for article in articles:
        entry = entries[f"{SITE}articles/{article.slug}/"]
        last = workflow.last_approval_date(article, corpus.context)
        assert entry.find("a:updated", ns).text.startswith(last)
        assert entry.find("a:id", ns).text.endswith(f"#reviewed-{last}")
        kind = entry.find("a:category", ns).attrib["term"]
        assert kind == ("revised" if article.slug == SAMPLE_SLUG else "new")
        assert entry.find("a:title", ns).text.endswith(article.title)
    updated = [e.find("a:updated", ns).text for e in root.findall("a:entry", ns)]
    assert updated == sorted(updated, reverse=True)


# -- search ---------------------------------------------------------------------------------


def test_search_index_holds_the_short_answers_and_the_reference_titles_only(built):
    _, site, articles, _, _ = built
    docs = search_fragments(site)
    for article in articles:
        text = " ".join(next(d for d in docs if d["url"] == f"/articles/{article.slug}/")["content"].split())
        assert " ".join(article.meta["description"].split()) in text
        if "patient" in article.meta["audience"]:
            assert " ".join(article.meta["patient_summary"].split()) in text
        for ref in article.references:
            assert " ".join(ref["title"].split()) in text, ref["title"]
            # the rest of the entry (authors, journal, numbers, DOI) is shown, not indexed
            if ref.get("DOI"):
                assert (
                    ref["DOI"] not in text
                    and ref["DOI"] in (site / "articles" / article.slug / "index.html").read_text()
                )
    assert {d["url"] for d in docs} == {f"/articles/{a.slug}/" for a in articles} | {
        "/about/",
        "/board/",
        "/editorial-policy/",
    }, "the listings are not indexed: each answer is found on its own page"


# -- review history ---------------------------------------------------------------------------


def test_review_history_shows_every_approved_version_from_git(built):
    project, site, _, corpus, first_commit = built
    doc = page(site, f"articles/{SAMPLE_SLUG}")
    versions = doc.find("details", class_="editorial-history").find_all("li", class_="editorial-history__version")
    assert len(versions) == 2
    newest, oldest = versions
    assert "editorial-history__version--current" in newest.attrs["class"] and "revised and approved" in newest.text()
    assert newest.find("time").attrs["datetime"] == "2026-06-09"
    assert oldest.find("time").attrs["datetime"] == FIRST_APPROVAL[1] and "first approved" in oldest.text()
    tomas = corpus.registry.get(FIRST_APPROVAL[0])
    assert tomas.display in " ".join(oldest.text().split())
    source = next(a for a in oldest.find_all("a") if a.text() == "the text approved then")
    assert (
        source.attrs["href"]
        == f"https://github.com/example-org/reviewed-answers-example/blob/{first_commit}/content/articles/{SAMPLE_SLUG}.md"
    )
    # each approval as its record signs it: the name and credentials that day, what it attests, when, the review
    signed = " ".join(newest.text().split())
    assert (
        f"{SIGNED['name']}, {SIGNED['credentials']} (signed as \u201c{SIGNED['meaning']}\u201d, 9 June 2026, "
        "14:03 UTC; the review)" in signed
    )
    assert next(a for a in newest.find_all("a") if a.text() == "the review").attrs["href"] == SIGNED["review"]
    assert "signed as" not in oldest.text()  # an older record without a signature stays valid, shown as it was
    shown = _git(project, "show", f"{first_commit}:content/articles/{SAMPLE_SLUG}.md")
    assert EARLIER_WORDS in shown  # the link names the commit that holds the earlier approved text
    assert EARLIER_WORDS not in _html(site, f"articles/{SAMPLE_SLUG}")


# -- escaping -------------------------------------------------------------------------------


def test_front_matter_and_registry_values_reach_every_file_escaped(built):
    _, site, _, _, _ = built
    for rel, data in site_bytes(site).items():
        if not rel.endswith((".html", ".xml")):
            continue  # Pagefind's index holds text as text (JSON); its UI escapes it (test_browser_site)
        for raw in RAW_MARKUP:
            assert raw not in data, f"{raw!r} unescaped in site/{rel}"
    url = f"{SITE}articles/hostile-values/"
    html = _html(site, "articles/hostile-values")
    doc = parse(html)
    assert doc.find("title").text() == f"{HOSTILE['seo_title']} - Reviewed Medical Answers"
    assert doc.find("h1").text() == HOSTILE["title"]
    meta = _meta(html, url)
    assert meta["description"] == meta["og:description"] == meta["twitter:description"] == HOSTILE["description"]
    assert meta["og:title"] == meta["twitter:title"] == HOSTILE["title"]
    data = _jsonld(html, url)
    assert data["name"] == HOSTILE["title"] and data["description"] == HOSTILE["description"]
    assert (
        data["reviewedBy"][0]["name"] == HOSTILE["name"]
        and data["reviewedBy"][0]["honorificSuffix"] == HOSTILE["credentials"]
    )
    reviewer = doc.find("a", class_="editorial-reviewer")
    assert " ".join(reviewer.text().split()) == f"{HOSTILE['name']}, {HOSTILE['credentials']}"
    assert doc.find("div", data_editorial_summary="patient").find_all("p")[1].text() == HOSTILE["patient_summary"]
    home = page(site, "")
    titles = [li.find("a").text() for li in home.find_all("li", class_="editorial-listing__item")]
    assert HOSTILE["title"] in titles
    assert HOSTILE["description"] in home.text()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.fromstring((site / "feed.xml").read_bytes())
    entry = next(e for e in feed.findall("a:entry", ns) if "hostile-values" in e.find("a:link", ns).attrib["href"])
    assert entry.find("a:title", ns).text.endswith(HOSTILE["title"])
    assert entry.find("a:summary", ns).text.startswith(HOSTILE["description"])
    board = page(site, "board")
    assert any(HOSTILE["name"] in h.text() for h in board.find_all("h3"))
    indexed = next(d for d in search_fragments(site) if d["url"] == "/articles/hostile-values/")
    assert indexed["meta"]["title"] == HOSTILE["title"]  # Pagefind keeps text as text; its UI escapes it


# -- one date, shown and in the metadata ----------------------------------------------------------


def test_every_date_the_page_shows_is_the_date_its_metadata_gives(built):
    """Last updated, last reviewed and first published on the page are the JSON-LD's dateModified,
    lastReviewed and datePublished, Open Graph's modified and published times, and the last review
    is the sitemap's lastmod: one definition (review_history.Dates), the board's dates."""
    _, site, articles, corpus, _ = built
    root = ET.fromstring((site / "sitemap.xml").read_bytes())
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    lastmod = {u.find("s:loc", ns).text: u.findtext("s:lastmod", None, ns) for u in root.findall("s:url", ns)}
    for article in articles:
        url = f"{SITE}articles/{article.slug}/"
        html = _html(site, f"articles/{article.slug}")
        doc, data, meta = parse(html), _jsonld(html, url), _meta(html, url)
        trust = doc.find("section", class_="editorial-trust")
        shown = {dd.attrs["class"]: dd.find("time").attrs["datetime"] for dd in trust.find_all("dd") if dd.find("time")}
        first = doc.find("p", class_="editorial-info__published").find("time").attrs["datetime"]
        assert shown["editorial-date-updated"] == data["dateModified"] == meta["article:modified_time"]
        assert shown["editorial-date-reviewed"] == data["lastReviewed"] == lastmod[url]
        assert first == data["datePublished"] == meta["article:published_time"]
        assert shown["editorial-date-reviewed"] == workflow.last_approval_date(article, corpus.context)
    sample = page(site, f"articles/{SAMPLE_SLUG}")
    assert sample.find("p", class_="editorial-info__published").find("time").attrs["datetime"] == FIRST_APPROVAL[1]
    # the writer's `updated` of the sample (2026-05-20) is not shown: its text changed for readers on approval
    assert sample.find("dd", class_="editorial-date-updated").find("time").attrs["datetime"] == "2026-06-09"


# -- what search engines and link previews read on every page ---------------------------------------

GENERIC_LINK_TEXT = {"click here", "here", "more", "read more", "learn more", "link", "this", "go"}


def _pages(site: Path) -> dict[str, str]:
    """Every HTML page of the site by its address (the 404 page is no address: left out)."""
    return {
        SITE + ("" if p.parent == site else p.parent.relative_to(site).as_posix() + "/"): p.read_text(encoding="utf-8")
        for p in site.rglob("index.html")
        if not p.relative_to(site).as_posix().startswith("pagefind/")
    }


def test_every_page_has_a_description_a_language_link_texts_image_alts_and_a_share_image(built):
    """The points Lighthouse's SEO audit checks, on every kind of page: a meta description (its
    own on the home, board and policy pages), the language, crawlable (no noindex), links whose
    text says where they go, images with alt text; and the head's link preview: its description
    and the share image, a PNG of the theme of the size the head says."""
    _, site, _, _, _ = built
    found = _pages(site)
    assert {SITE, f"{SITE}board/", f"{SITE}editorial-policy/", f"{SITE}about/", f"{SITE}specialties/"} <= set(found)
    descriptions = {}
    for url, html in found.items():
        doc = parse(html)
        assert doc.find("html").attrs.get("lang") == "en", url
        meta = _meta(html, url)
        assert 50 <= len(meta["description"]) <= 300, (url, meta["description"])
        assert meta["og:description"] == meta["description"] and meta["og:url"] == url
        assert "noindex" not in meta.get("robots", ""), url
        assert meta["og:image"] == f"{SITE}assets/editorial/share.png" and meta["og:image:alt"]
        descriptions[url] = meta["description"]
        skip = doc.find("a", class_="md-skip")  # the theme's skip link lands on an element of the page
        assert skip is None or doc.find(id=skip.attrs["href"].removeprefix("#")) is not None, (url, skip.attrs)
        for a in doc.find_all("a"):
            if "href" not in a.attrs:
                continue
            text = " ".join((a.attrs.get("aria-label") or a.attrs.get("title") or a.text()).split())
            assert text and text.lower().strip(".:") not in GENERIC_LINK_TEXT, (url, a.attrs, a.text())
        for img in doc.find_all("img"):
            assert img.attrs.get("alt", "").strip(), (url, img.attrs)
    own = [descriptions[SITE], descriptions[f"{SITE}board/"], descriptions[f"{SITE}editorial-policy/"]]
    assert len(set(own)) == 3, own  # the home, board and policy pages each say what they are
    image = (site / "assets" / "editorial" / "share.png").read_bytes()
    assert image[:8] == b"\x89PNG\r\n\x1a\n" and image[12:16] == b"IHDR"
    assert (int.from_bytes(image[16:20], "big"), int.from_bytes(image[20:24], "big")) == (1200, 630)
    head = _meta(found[SITE], SITE)
    assert (head["og:image:width"], head["og:image:height"], head["og:image:type"]) == ("1200", "630", "image/png")


def test_robots_txt_lets_every_page_be_crawled_and_names_the_sitemap(built, editorial):
    from urllib.robotparser import RobotFileParser

    project, site, articles, _, _ = built
    robots = RobotFileParser()
    robots.parse((site / "robots.txt").read_text(encoding="utf-8").splitlines())
    assert robots.site_maps() == [f"{SITE}sitemap.xml"]
    for url in [SITE, f"{SITE}board/", *(f"{SITE}articles/{a.slug}/" for a in articles)]:
        assert robots.can_fetch("Googlebot", url), url
    code, out, err = editorial("audit", "site", cwd=project)  # a file the build generates, allowed
    assert code == 0, out + err


def test_home_board_and_policy_pages_carry_structured_data_of_their_kind(built):
    _, site, articles, corpus, _ = built
    home = extruct.extract(_html(site, ""), base_url=SITE, syntaxes=["json-ld"])["json-ld"]
    assert len(home) == 1
    graph = {item["@type"]: item for item in home[0]["@graph"]}
    assert set(graph) == {"WebSite", "Organization"}
    website, organization = graph["WebSite"], graph["Organization"]
    assert website["url"] == organization["url"] == SITE and website["name"] == "Reviewed Medical Answers"
    assert website["publisher"] == {"@id": organization["@id"]}
    assert organization["publishingPrinciples"] == f"{SITE}editorial-policy/"
    assert organization["logo"] == f"{SITE}assets/editorial/share.png"
    assert website["description"] == _meta(_html(site, ""), SITE)["description"]

    board_html = _html(site, "board")
    data = _jsonld(board_html, f"{SITE}board/")
    assert data["@type"] == "WebPage" and data["url"] == f"{SITE}board/"
    assert data["description"] == _meta(board_html, f"{SITE}board/")["description"]
    board = data["mainEntity"]
    assert board["@type"] == "Organization" and board["parentOrganization"] == {"@id": organization["@id"]}
    today = corpus.context.today
    current = sorted(
        (p for p in corpus.registry.people.values() if p.is_board and p.active_on(today)), key=lambda p: p.name
    )
    former = [p for p in corpus.registry.people.values() if p.is_board and p.until and p.until < today]
    assert [m["name"] for m in board["member"]] == [p.name for p in current]
    assert {m["name"] for m in board.get("alumni", [])} == {p.name for p in former}
    doc = page(site, "board")
    for member, person in zip(board["member"], current, strict=True):
        assert member["@type"] == "Person" and member["honorificSuffix"] == person.credentials
        assert [c["name"] for c in member["hasCredential"]] == [c.strip() for c in person.credentials.split(",")]
        assert member["@id"] == member["url"] == f"{SITE}board/#member-{person.id}"
        assert doc.find(id=f"member-{person.id}") is not None
    reviewers = {r["url"] for a in articles for r in _jsonld(_html(site, f"articles/{a.slug}"), SITE)["reviewedBy"]}
    assert reviewers <= {m["@id"] for m in board["member"]}  # the articles' reviewers are the board's Persons

    policy_html = _html(site, "editorial-policy")
    policy = _jsonld(policy_html, f"{SITE}editorial-policy/")
    assert policy["@type"] == "WebPage" and policy["name"] == "Editorial policy"
    assert policy["description"] == _meta(policy_html, f"{SITE}editorial-policy/")["description"]
    assert policy["isPartOf"] == {"@id": website["@id"]} and policy["publisher"] == {"@id": organization["@id"]}
    assert _jsonld(_html(site, "about"), f"{SITE}about/")["@type"] == "AboutPage"
    assert _jsonld(_html(site, "specialties"), f"{SITE}specialties/")["@type"] == "CollectionPage"
