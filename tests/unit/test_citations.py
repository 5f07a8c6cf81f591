"""Numbered citations and the References list (citations.py), and the plugin's references cache.

The references are fictional test data, except where the sample article's own are read."""

from __future__ import annotations

import pytest

from editorial import cache as cache_store
from editorial.core import citations, sanitize
from editorial.plugin import references
from editorial.plugin.references import References

REFS = [
    {
        "id": "alpha2020",
        "evidence": "research",
        "type": "article-journal",
        "title": "A fictional trial of <b>bold</b> & brave claims",
        "author": [{"family": "Alpha", "given": "Ann"}],
        "container-title": "Journal of Made-up Medicine",
        "issued": {"date-parts": [[2020, 3]]},
        "volume": "1",
        "page": "1-9",
        "DOI": "10.9999/fict.0001",
        "PMID": "12345678",
    },
    {
        "id": "beta2019",
        "evidence": "guideline",
        "type": "article-journal",
        "title": "An invented guideline",
        "author": [{"family": "Beta", "given": "Bo"}],
        "container-title": "Imaginary Guidelines",
        "issued": {"date-parts": [[2019]]},
    },
    {
        "id": "gamma2018",
        "evidence": "research",
        "type": "article-journal",
        "title": "A pretend cohort",
        "author": [{"family": "Gamma", "given": "Gil"}],
        "container-title": "Notional Reports",
        "issued": {"date-parts": [[2018]]},
    },
]
KEYS = [r["id"] for r in REFS]


def test_numbers_follow_first_appearance_not_reference_order():
    body = "First [@gamma2018]. Then [@alpha2020; @gamma2018]. Last [@beta2019].\n"
    numbered = citations.number(body, KEYS)
    assert numbered.order == ["gamma2018", "alpha2020", "beta2019"]
    assert numbered.body == (
        'First<sup class="citation"><a href="#ref-gamma2018">1</a></sup>. '
        'Then<sup class="citation"><a href="#ref-alpha2020">2</a>,<a href="#ref-gamma2018">1</a></sup>. '
        'Last<sup class="citation"><a href="#ref-beta2019">3</a></sup>.\n'
    )


def test_code_is_left_alone_and_unknown_keys_are_never_links():
    body = "Text `[@alpha2020]` then [@nobody2000] and [@beta2019].\n\n```\n[@gamma2018]\n```\n"
    numbered = citations.number(body, KEYS)
    assert numbered.order == ["beta2019"]
    assert numbered.unknown == ["nobody2000"]
    assert "`[@alpha2020]`" in numbered.body and "\n[@gamma2018]\n" in numbered.body
    assert '<span class="citation-unknown">?nobody2000</span>' in numbered.body
    assert 'href="#ref-nobody2000"' not in numbered.body


def test_placeholders_give_the_same_page_as_inline_superscripts():
    """The plugin hands Markdown placeholders and fills the superscripts in afterwards:
    the page must be what the inline HTML gives, and headings and attributes stay sound."""
    import markdown

    body = (
        "First [@gamma2018] and *also [@alpha2020; @gamma2018]*.\n\n"
        "- a list item [@beta2019]\n\n| a | b |\n|---|---|\n| cell [@alpha2020] | x |\n\n"
        "## A heading [@beta2019]\n\nSetext [@alpha2020]\n---\n\n"
        '![a chart [@gamma2018]](chart.png "title [@beta2019]")\n\nCode `[@alpha2020]` stays.\n'
    )
    convert = lambda text: markdown.markdown(text, extensions=["tables", "toc"])  # noqa: E731
    inline = citations.number(body, KEYS)
    marked = citations.number(body, KEYS, placeholders=True)
    assert marked.order == inline.order and "<sup" not in marked.body.split("## A heading")[0]
    page = citations.fill(convert(marked.body), marked).html
    assert "\ue000" not in page
    assert page.count('<sup class="citation">') == 6  # alt text and title hold plain numbers instead
    # a heading keeps its superscript as HTML (its text makes its id); its link is made the same way
    assert '<h2 id="a-heading3">A heading<sup class="citation"><a href="#ref-beta2019" id="cite:beta2019:2" ' in page
    assert 'alt="a chart1"' in page and 'title="title3"' in page
    assert "<code>[@alpha2020]</code>" in page
    without_images = lambda html: html.split("<p><img")[0]  # noqa: E731
    assert without_images(page) == without_images(citations.fill(convert(inline.body), inline).html)


def test_each_citation_is_a_named_link_with_the_reference_on_hover_and_a_way_back():
    """Each link: an id of its own, an accessible name naming the source, the whole reference as
    its title; each entry of the References list links back to every place that cites it."""
    body = "First [@alpha2020]. Then [@beta2019; @alpha2020] and [@nobody2000].\n\n## Heading [@beta2019]\n"
    numbered = citations.number(body, KEYS, placeholders=True)
    entries = citations.references(REFS, numbered.order, cache={})
    sources = citations.sources(REFS, entries)
    assert sources["alpha2020"].label == "Alpha 2020, research"
    assert sources["beta2019"].label == "Beta 2019, guideline"
    assert sources["alpha2020"].text.startswith("Alpha A. A fictional trial of <b>bold</b> & brave claims.")
    filled = citations.fill(markdown_html(numbered.body), numbered, sources)
    assert filled.citing == {
        "alpha2020": ["cite:alpha2020:1", "cite:alpha2020:2"],
        "beta2019": ["cite:beta2019:1", "cite:beta2019:2"],  # the heading's, in page order
    }
    first = filled.html.split("</sup>")[0]
    assert first.endswith(
        '<a href="#ref-alpha2020" id="cite:alpha2020:1" aria-label="Reference 1: Alpha 2020, research" '
        'title="Alpha A. A fictional trial of &lt;b&gt;bold&lt;/b&gt; &amp; brave claims. '
        'Journal of Made-up Medicine. 2020;1:1-9. doi:10.9999/fict.0001 PMID: 12345678">1</a>'
    )
    assert '<span class="citation-unknown">?nobody2000</span>' in filled.html  # never a link
    listed = citations.backlinks(
        sanitize.article_html(citations.references_html(entries, marked=True)), entries, filled.citing
    )
    assert "\ue000" not in listed
    assert (
        '<a href="#cite:alpha2020:1" aria-label="Back to citation 1 of 2">1</a> '
        '<a href="#cite:alpha2020:2" aria-label="Back to citation 2 of 2">2</a>'
    ) in listed
    never_cited = listed.split('id="ref-gamma2018"')[1]
    assert "Back to citation" not in never_cited  # cited nowhere: no way back
    # the search index reads each entry's title (escaped as the attribute it is), not the rest
    assert (
        '<span data-pagefind-index-attrs="data-title" data-title="A fictional trial of &lt;b&gt;bold&lt;/b&gt; '
        '&amp; brave claims"></span><span data-pagefind-ignore>Alpha A.'
    ) in listed
    assert listed.count("<span data-pagefind-ignore>") == len(entries)
    assert listed.count("<span") == listed.count("</span>")
    untitled = [citations.Entry("x", 1, "Some report. 2020.")]
    plain = citations.backlinks(citations.references_html(untitled, marked=True), untitled, {})
    assert plain == '<ol class="editorial-references__list"><li id="ref-x" value="1">Some report. 2020.</li></ol>'
    # a writer's id cannot take a citation link's
    assert 'id="cite:alpha2020:1"' not in sanitize.article_html('<p id="cite:alpha2020:1">x</p>')


def test_short_names_of_every_shape_of_reference():
    assert citations.short_name({"author": [{"family": "Uno"}], "issued": {"date-parts": [[2021]]}}) == "Uno 2021"
    two = {"author": [{"family": "Evans"}, {"family": "Rhodes"}], "issued": {"date-parts": [[2021, 11]]}}
    assert citations.short_name({**two, "evidence": "guideline"}) == "Evans and Rhodes 2021, guideline"
    many = {"author": [{"family": f"A{i}"} for i in range(5)], "evidence": "research"}
    assert citations.short_name(many) == "A0 et al., research"
    assert citations.short_name({"author": [{"literal": "Example Guideline Group"}]}) == "Example Guideline Group"
    untitled = {"title": "A report with no author and a long title", "issued": {"literal": "2019"}}
    assert citations.short_name(untitled) == "A report with no author and\u2026 2019"
    assert citations.short_name({}) == ""


def markdown_html(body: str) -> str:
    import markdown

    return sanitize.article_html(markdown.markdown(body, extensions=["toc"]))


def test_references_in_citation_order_with_anchors_doi_and_pubmed_links():
    entries = citations.references(REFS, ["beta2019", "alpha2020", "gamma2018"], cache={})
    assert [(e.key, e.number) for e in entries] == [("beta2019", 1), ("alpha2020", 2), ("gamma2018", 3)]
    alpha = entries[1].html
    assert alpha.startswith('<li id="ref-alpha2020" value="2">')
    assert '<a href="https://doi.org/10.9999/fict.0001">doi:10.9999/fict.0001</a>' in alpha
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/12345678/">12345678</a>' in alpha
    assert "Alpha A." in alpha  # AMA: family name and initials
    assert not alpha.split(">", 1)[1].startswith("2.")  # the <ol> numbers it, not the text


def test_reference_text_is_escaped():
    html = citations.references(REFS, KEYS, cache={})[0].html
    assert "<b>" not in html and "&lt;b&gt;bold&lt;/b&gt; &amp; brave" in html


def test_a_reference_never_cited_still_listed_after_the_cited_ones():
    entries = citations.references(REFS, ["gamma2018"], cache={})
    assert [e.key for e in entries] == ["gamma2018", "alpha2020", "beta2019"]


def test_unknown_style_is_a_clear_error():
    with pytest.raises(citations.StyleError, match="no-such-style"):
        citations.references(REFS, KEYS, style="no-such-style", cache={})


def test_cache_is_used_by_content_hash():
    cache: dict = {}
    first = citations.references(REFS, KEYS, cache=cache)
    keys = citations.cache_key(REFS, citations.DEFAULT_STYLE)
    assert len(cache) == 3 and set(cache) == set(keys)  # one entry per reference
    cache[keys[0]] = "cached one"  # proves a hit does not render again
    again = citations.references(REFS, KEYS, cache=cache)
    assert [e.html for e in again][0] == '<li id="ref-alpha2020" value="1">cached one</li>'
    assert [e.html for e in again][1:] == [e.html for e in first][1:]
    changed = [dict(REFS[0], title="A different title"), *REFS[1:]]
    assert citations.cache_key(changed, citations.DEFAULT_STYLE)[0] != keys[0]
    assert citations.references(changed, KEYS, cache=cache)[0].html != first[0].html


def test_the_same_reference_in_another_article_is_rendered_once():
    cache: dict = {}
    citations.references(REFS, KEYS, cache=cache)
    elsewhere = [dict(REFS[1], id="other-key", evidence="research")]  # same CSL content, another article's key
    cache[citations.cache_key(elsewhere, citations.DEFAULT_STYLE)[0]] = "from the cache"
    assert (
        citations.cache_key(elsewhere, citations.DEFAULT_STYLE)[0]
        == citations.cache_key(REFS, citations.DEFAULT_STYLE)[1]
    )
    assert (
        citations.references(elsewhere, ["other-key"], cache=cache)[0].html
        == '<li id="ref-other-key" value="1">from the cache</li>'
    )


def test_references_cache_survives_a_new_process_memory(tmp_path):
    cache = References(tmp_path, citations.DEFAULT_STYLE)
    first = citations.references(REFS, KEYS, cache=cache)
    cache.save()
    stored = cache_store.Store(tmp_path, "references", references.code_version()).load()
    assert len(stored) == 3  # one file for every entry
    fresh = References(tmp_path, citations.DEFAULT_STYLE)  # a fresh memory, as a new process starts
    key = citations.cache_key(REFS, citations.DEFAULT_STYLE)[0]
    assert fresh[key] == stored[key]
    assert [e.html for e in citations.references(REFS, KEYS, cache=fresh)] == [e.html for e in first]


def test_references_cache_ignores_a_corrupt_file(tmp_path):
    file = tmp_path / ".cache" / "editorial" / "references.cache"
    file.parent.mkdir(parents=True)
    file.write_bytes(b"{not a cache")
    cache = References(tmp_path, citations.DEFAULT_STYLE)
    entries = citations.references(REFS, KEYS, cache=cache)
    cache.save()  # and the next build finds a good file again
    assert len(cache_store.Store(tmp_path, "references", references.code_version()).load()) == 3
    assert "doi.org" in entries[0].html


def test_entries_a_worker_renders_are_the_entries_the_page_would_render(tmp_path):
    from concurrent.futures import Future

    expected = [e.html for e in citations.references(REFS, KEYS, cache={})]
    cache = References(tmp_path, citations.DEFAULT_STYLE)
    done: Future = Future()
    done.set_result(citations.render_entries(REFS, citations.DEFAULT_STYLE))  # what `prerender` queues
    lost: Future = Future()
    lost.set_exception(RuntimeError("worker killed"))
    keys = citations.cache_key(REFS, citations.DEFAULT_STYLE)
    cache.pending.update({keys[0]: done, keys[1]: done, keys[2]: lost})
    assert [e.html for e in citations.references(REFS, KEYS, cache=cache)] == expected  # a lost worker: rendered here
    assert all(k in cache for k in keys)  # in memory now, for the next article citing them


# -- citeproc-py's lookups, remembered (citeproc_speedup.apply) ---------------------------

# Fictional references of every shape the lookups meet: each type, names with and without
# editors, one to eight authors (et al.), a literal name, no name, no date, a date range.
_VARIED = [
    {
        "type": "article-journal",
        "title": "One author",
        "author": [{"family": "Uno", "given": "A."}],
        "container-title": "Journal of Examples",
        "issued": {"date-parts": [[2021, 5, 2]]},
        "volume": "3",
        "issue": "2",
        "page": "10-19",
        "DOI": "10.9999/x.1",
    },
    {
        "type": "article-journal",
        "title": "Eight authors?",
        "author": [{"family": f"Author{i}", "given": "B."} for i in range(8)],
        "container-title": "Example Reports",
        "issued": {"date-parts": [[2019]]},
        "page": "e123",
        "PMID": "12345",
    },
    {
        "type": "book",
        "title": "A book of examples",
        "author": [{"family": "Tres", "given": "C. D."}],
        "publisher": "Example Press",
        "publisher-place": "Nowhere",
        "edition": "2",
        "issued": {"date-parts": [[2010]]},
    },
    {
        "type": "chapter",
        "title": "A chapter",
        "author": [{"family": "Quattro", "given": "D."}],
        "editor": [{"family": "Editor", "given": "E."}, {"family": "Second", "given": "F."}],
        "container-title": "An edited book",
        "publisher": "Example Press",
        "page": "1-20",
        "issued": {"date-parts": [[2015]]},
    },
    {
        "type": "webpage",
        "title": "A web page",
        "author": [{"literal": "Example Guideline Group"}],
        "URL": "https://example.org/guideline",
        "accessed": {"date-parts": [[2024, 1, 31]]},
    },
    {"type": "report", "title": "A report with no author", "publisher": "Example Agency", "number": "7"},
    {
        "type": "article-journal",
        "title": "No date",
        "author": [{"family": "Cinque", "given": "G."}],
        "container-title": "Undated Journal",
    },
    {
        "type": "article-journal",
        "title": "A range",
        "author": [{"family": "Sei", "given": "H."}],
        "container-title": "Journal of Ranges",
        "issued": {"date-parts": [[2001, 1], [2002, 6]]},
    },
]
_PRISTINE = """
import json, sys
from editorial.core import citations  # citeproc-py alone: nothing applies the speed-up here
items, styles = json.load(sys.stdin)
json.dump({s: [citations.render_entries([item], s)[0][1] for item in items] for s in styles}, sys.stdout)
"""


@pytest.mark.slow
def test_remembered_lookups_render_what_citeproc_alone_renders():
    """The lookups remembered for speed change no entry, in several styles, on the citeproc-py
    release they were proven on; rendered many times over, as a build does."""
    import importlib.metadata
    import json
    import subprocess
    import sys

    from editorial import citeproc_speedup

    assert importlib.metadata.version("citeproc-py") == citeproc_speedup.CITEPROC_PROVEN, (
        "citeproc_speedup patches citeproc-py internals and was proven on "
        f"{citeproc_speedup.CITEPROC_PROVEN}: check it against this release, then update CITEPROC_PROVEN"
    )
    citeproc_speedup.apply()
    citeproc_speedup.apply()  # twice changes nothing
    items = [{**item, "id": f"v{i}"} for i, item in enumerate(_VARIED)] + REFS
    styles = [citations.DEFAULT_STYLE, "apa", "ieee", "chicago-author-date-17th-edition"]
    alone = subprocess.run(
        [sys.executable, "-c", _PRISTINE], input=json.dumps([items, styles]), capture_output=True, text=True, check=True
    )
    expected = json.loads(alone.stdout)
    for style in styles:
        for _ in range(3):  # again and again: a default child citeproc-py adds must not pile up
            assert [citations.render_entries([item], style)[0][1] for item in items] == expected[style], style
        together = [text for _, text in citations.render_entries(items, style)]
        assert together == expected[style], style
        # citeproc-py's default name, added to a `cs:names` without one, is added once, not once an entry
        added = [names for names in citations._style(style).root.iter() if len(names.findall("Name")) > 1]
        assert not added, style
    assert "et al" in expected[citations.DEFAULT_STYLE][1]  # the shapes are really there
    assert "Editor" in expected[citations.DEFAULT_STYLE][3]
