"""Numbered citations and the References list (citations.py), and the plugin's disk cache.

The references are fictional test data, except where the sample article's own are read."""
from __future__ import annotations

import json

import pytest

from editorial import citations
from editorial.plugin.render import DiskCache

REFS = [
    {"id": "alpha2020", "evidence": "research", "type": "article-journal", "title": "A fictional trial of <b>bold</b> & brave claims",
     "author": [{"family": "Alpha", "given": "Ann"}], "container-title": "Journal of Made-up Medicine",
     "issued": {"date-parts": [[2020, 3]]}, "volume": "1", "page": "1-9", "DOI": "10.9999/fict.0001", "PMID": "12345678"},
    {"id": "beta2019", "evidence": "guideline", "type": "article-journal", "title": "An invented guideline",
     "author": [{"family": "Beta", "given": "Bo"}], "container-title": "Imaginary Guidelines", "issued": {"date-parts": [[2019]]}},
    {"id": "gamma2018", "evidence": "research", "type": "article-journal", "title": "A pretend cohort",
     "author": [{"family": "Gamma", "given": "Gil"}], "container-title": "Notional Reports", "issued": {"date-parts": [[2018]]}},
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
    assert len(cache) == 1
    key = next(iter(cache))
    cache[key] = ["cached one", "cached two", "cached three"]  # proves a hit does not render again
    again = citations.references(REFS, KEYS, cache=cache)
    assert [e.html for e in again][0] == '<li id="ref-alpha2020" value="1">cached one</li>'
    changed = [dict(REFS[0], title="A different title"), *REFS[1:]]
    assert citations.cache_key(changed, citations.DEFAULT_STYLE) != key
    assert citations.references(changed, KEYS, cache=cache)[0].html != first[0].html


def test_disk_cache_survives_a_new_process_memory(tmp_path):
    folder = tmp_path / ".cache" / "editorial" / "references"
    cache = DiskCache(folder)
    citations.references(REFS, KEYS, cache=cache)
    files = list(folder.glob("*.json"))
    assert len(files) == 1 and len(json.loads(files[0].read_text())) == 3
    from editorial.plugin import render

    render._MEMORY.clear()  # as a fresh process would start
    fresh = DiskCache(folder)
    assert fresh[files[0].stem] == json.loads(files[0].read_text())


def test_disk_cache_ignores_a_corrupt_file(tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir()
    key = citations.cache_key(REFS, citations.DEFAULT_STYLE)
    (folder / f"{key}.json").write_text("{not json", encoding="utf-8")
    from editorial.plugin import render

    render._MEMORY.clear()
    entries = citations.references(REFS, KEYS, cache=DiskCache(folder))
    assert "doi.org" in entries[0].html
