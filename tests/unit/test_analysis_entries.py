"""A file's result as the workers and the validate cache hand it back (analysis.to_entry, then
from_entry) is the article the loader reads from the same bytes: the same body, front matter,
positions and digest, whatever the file's lines and its last line's ending."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from editorial import analysis
from editorial.core.corpus import Source, analyse

PATH = "content/articles/x.md"
LINE = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), max_size=12)


def _round_trip(data: bytes):
    direct = analyse(Source(PATH, data))
    back = analysis.from_entry(analysis.to_entry(direct), PATH, analysis._text(Source(PATH, data)))
    return direct, back


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.lists(LINE, min_size=1, max_size=4),
    body=st.lists(LINE, max_size=4),
    ending=st.sampled_from(["", "\n", "\r\n"]),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
)
@example(values=["x"], body=[], ending="", newline="\n")  # the closing `---` is the file's last line
def test_an_entry_brings_back_the_article_the_loader_reads(values, body, ending, newline):
    front = [f"id: item-{i}" if i == 0 else f"k{i}: {value!r}" for i, value in enumerate(values)]
    lines = ["---", *front, "---", *body]
    data = (newline.join(lines) + ending).encode("utf-8")
    direct, back = _round_trip(data)
    if direct.article is None:
        assert back.article is None
        return
    assert back.article is not None
    assert back.article.body == direct.article.body
    assert back.article.meta == direct.article.meta
    assert back.article.digest == direct.article.digest
    assert dict(back.article.located.positions) == dict(direct.article.located.positions)
    assert back.problems == direct.problems


def test_a_file_ending_on_its_closing_line_has_an_empty_body_either_way():
    direct, back = _round_trip(b"---\nid: x\ntitle: T\n---")
    assert direct.article is not None and back.article is not None
    assert direct.article.body == back.article.body == ""


def test_an_entry_keeps_the_top_level_positions_and_finds_the_nested_ones_when_asked():
    # the corpus is held with its entries: a nested position (a review's date, an author) is
    # worked out again from the front matter only when a rule reports a problem there
    data = (
        b"---\nid: x\nreview_status: approved\nauthors:\n  - a-writer\n  - b-writer\n"
        b"reviews:\n  - reviewer: dr-a\n    date: 2026-01-02\n"
        b"references:\n  - id: r1\n    title: T\n---\n\nBody\n"
    )
    entry = analysis.to_entry(analyse(Source(PATH, data)))
    kept = entry[0][1]
    assert kept and all(len(key) == 1 for key in kept), kept
    direct, back = _round_trip(data)
    assert back.article.pos("review_status") == direct.article.pos("review_status") == (3, 1)
    for path in [("authors", 1), ("reviews", 0, "date"), ("references", 0, "title")]:
        assert back.article.pos(*path) == direct.article.pos(*path), path
    assert back.article.pos("reviews", 0, "date") == (9, 5)
    assert dict(back.article.located.positions) == dict(direct.article.located.positions)
