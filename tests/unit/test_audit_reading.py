"""The audit reads every file as a reader would, and withheld and published text the same way.

Pure: the audit of core/audit.py over a corpus made of the sample articles (one approved, one
withheld draft that shares sentences with it), handed pages and files as a build would write
them. A withheld sentence is found in any form a reader reads as the same words (invisible
characters of every category, compatibility forms, markup inside words, every member of a
compressed file); a sentence the approved article says too is never a leak, however either
article marks it up."""

from __future__ import annotations

import gzip
import random
import re
import struct
import zlib

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editorial.core import citations, visible
from editorial.core.audit import Audit, Content, SiteFile
from editorial.core.corpus import Source, build
from editorial.core.model import Policy
from support.gate_content import GUIDELINES, SAMPLE, rebind
from support.site_html import REPO

SECRET = "The withheld dose of drug zeta is twelve milligrams every four hours for adults"
SHARED = "A refill is an invasive procedure: a needle passes through the skin"
EXTENSIONS = ["abbr", "admonition", "attr_list", "md_in_html", "footnotes", "sane_lists", "tables", "toc"]


def _draft(extra: str = "") -> str:
    """A withheld article (under review) that shares the sample's sentences and says SECRET."""
    text = SAMPLE.replace("id: itp-refill-sepsis", "id: zeta-draft", 1).replace(
        "review_status: approved", "review_status: under_review", 1
    )
    return text.replace(GUIDELINES, f"{GUIDELINES}{SECRET}.{extra}\n\n", 1)


def _audit(approved: str = SAMPLE, draft: str | None = None) -> Audit:
    registry = (REPO / "content" / "people.yml").read_bytes()
    sources = [Source("content/articles/itp-refill-sepsis.md", approved.encode())]
    sources.append(Source("content/articles/zeta-draft.md", (draft or _draft()).encode()))
    corpus = build(sources, Source("content/people.yml", registry), Policy(site_pages=("about.md",)), "2026-07-01")
    assert [a.path for a in corpus.published()] == ["content/articles/itp-refill-sepsis.md"], corpus.problems
    return Audit(Content(corpus, site_pages={"about.md": ""}), shown="site")


def _about(body: str) -> SiteFile:
    return SiteFile("about/index.html", f"<html><body><article><p>{body}</p></article></body></html>".encode())


def _leaks(run: Audit, item: SiteFile) -> list[str]:
    return [p.message for p in run.check(item).problems if p.code == "E953"]


@pytest.fixture(scope="module")
def run() -> Audit:
    return _audit()


def test_the_withheld_sentence_as_written_is_found_and_the_shared_one_is_not(run):
    assert _leaks(run, _about(SECRET)) and "zeta-draft" in _leaks(run, _about(SECRET))[0]
    assert _leaks(run, _about(SHARED + " into the pump reservoir, which connects")) == []


def _spread(text: str, mark: str) -> str:
    """`mark` inside every word of `text`."""
    return " ".join(w[: len(w) // 2] + mark + w[len(w) // 2 :] if len(w) > 1 else w for w in text.split())


@pytest.mark.parametrize(
    "disguise",
    [
        lambda t: _spread(t, "\u200b"),  # zero-width space
        lambda t: _spread(t, "&shy;"),  # soft hyphen, as an entity
        lambda t: _spread(t, "&#8203;"),
        lambda t: _spread(t, "\u202e") + "\u202c",  # a bidi override in every word
        lambda t: _spread(t, "\U000e0041"),  # a tag character
        lambda t: _spread(t, "\ufe0f"),  # a variation selector
        lambda t: _spread(t, "<b></b>"),
        lambda t: _spread(t, "<span class='x'></span>"),
        lambda t: _spread(t, "<!-- a comment -->"),
        lambda t: _spread(t, "<wbr>"),
        lambda t: " ".join(f"<em>{w[:1]}</em>{w[1:]}" for w in t.split()),
        lambda t: t.upper(),
        lambda t: t.replace(" ", "&nbsp;"),
        lambda t: t.replace(" ", "\u2003"),
        lambda t: "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in t),  # fullwidth
        lambda t: "".join(chr(0x1D41A + ord(c) - 97) if "a" <= c <= "z" else c for c in t),  # mathematical bold
    ],
)
def test_a_withheld_sentence_is_found_in_every_form_a_reader_reads_as_the_same_words(run, disguise):
    assert _leaks(run, _about(disguise(SECRET)))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.characters(categories=["Cf", "Cc", "Co", "Cn"], exclude_characters="\t\n\r\x00"), min_size=1, max_size=5
    ),
    st.randoms(use_true_random=False),
)
def test_any_invisible_characters_anywhere_hide_nothing(hidden, rnd):
    run = _RUN
    letters = list(SECRET)
    for ch in hidden:
        letters.insert(rnd.randint(1, len(letters) - 1), ch)
    assert _leaks(run, _about("".join(letters)))


_RUN = _audit()


def test_every_member_of_a_compressed_file_is_read(run):
    sitemap = gzip.compress(b"<urlset></urlset>") + gzip.compress(f"<!-- {SECRET} -->".encode())
    assert _leaks(run, SiteFile("sitemap.xml.gz", sitemap))
    feed = f"<feed><entry><content type='html'>&lt;p&gt;{_spread(SECRET, '&lt;b&gt;&lt;/b&gt;')}&lt;/p&gt;</content>"
    assert _leaks(run, SiteFile("feed.xml", (feed + "</entry></feed>").encode()))


def _png(*chunks: tuple[bytes, bytes]) -> bytes:
    out = b"\x89PNG\r\n\x1a\n"
    for kind, body in chunks:
        out += struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return out


def _pdf(content: bytes) -> bytes:
    stream = zlib.compress(content)
    head = b"%PDF-1.4\n1 0 obj << /Length " + str(len(stream)).encode() + b" /Filter /FlateDecode >>\nstream\n"
    return head + stream + b"\nendstream\nendobj\n%%EOF\n"


def test_the_compressed_texts_of_an_image_and_of_a_pdf_are_read(run):
    z = _png((b"IHDR", b"\0" * 13), (b"zTXt", b"Comment\0\0" + zlib.compress(SECRET.encode())))
    assert _leaks(run, SiteFile("img/chart.png", z))
    i = _png((b"iTXt", b"Description\0\1\0en\0\0" + zlib.compress(SECRET.encode())))
    assert _leaks(run, SiteFile("img/chart.png", i))
    words = SECRET.split()
    kerned = b"BT /F1 12 Tf [" + b" -20 ".join(b"(%s)" % w.encode() for w in words[:6]) + b"] TJ"
    kerned += b" (" + " ".join(words[6:]).encode() + b") Tj ET"
    assert _leaks(run, SiteFile("leaflet.pdf", _pdf(kerned.replace(b"(", b"( ", 1))))
    hexed = b"BT <" + SECRET.encode().hex().encode() + b"> Tj ET"
    assert _leaks(run, SiteFile("leaflet.pdf", _pdf(hexed)))


def test_a_compressed_part_too_large_to_read_is_reported_not_skipped(run, monkeypatch):
    from editorial.core import file_text

    monkeypatch.setattr(file_text, "MAX_INFLATED", 1000)
    found = run.check(SiteFile("sitemap.xml.gz", gzip.compress(b" " * 5000)))
    assert [p.code for p in found.problems] == ["E958"] and "inflated" in found.problems[0].message


def _page_of(article_text: str) -> SiteFile:
    """The approved article's page as the plugin renders it: citations as superscripts, the site's
    Markdown extensions (the template around it does not matter to its words)."""
    body = article_text.split("\n---\n", 1)[1]
    keys = re.findall(r"^  - id: (\S+)", article_text, re.M)
    numbered = citations.number(body, keys, placeholders=True)
    page = citations.fill(markdown.markdown(numbered.body, extensions=EXTENSIONS), numbered).html
    return SiteFile("articles/itp-refill-sepsis/index.html", f"<html><body>{page}</body></html>".encode())


@pytest.mark.parametrize(
    ("approved_form", "draft_form"),
    [
        ("### Timing\n\n" + SHARED + " of the back.", "### Timing\n\n" + SHARED + " and then some."),
        ("### Timing {: #timing }\n\n" + SHARED + " today.", "### Timing\n\n" + SHARED + " tomorrow."),
        (
            "### Timing\n\nA _refill_ is an __invasive__ procedure: a needle passes through the skin.",
            "### Timing\n\nA refill is an invasive procedure: a needle passes through the skin again.",
        ),
        (
            "### Timing\n\nA refill is an [invasive procedure](https://x.org/): a needle passes through the skin.",
            "### Timing\n\nA refill is an invasive procedure: a needle passes through the skin again.",
        ),
        (
            "### Timing\n\nA refill is an invasive procedure [@evans2021]: a needle passes through the skin.",
            "### Timing\n\nA refill is an invasive procedure [@evans2021]: a needle passes through the skin again.",
        ),
        (
            "### Timing\n\n**A refill** is an invasive procedure: a needle passes *through* the skin.",
            "### Timing\n\nA refill is an invasive procedure: a needle passes through the skin, again.",
        ),
        (
            "- A refill is an invasive procedure: a needle\n  passes through the skin.",
            "A refill is an invasive procedure: a needle passes through the skin, again.",
        ),
    ],
)
def test_a_sentence_both_say_is_never_a_leak_whatever_the_markup(approved_form: str, draft_form: str):
    """Real prose repeats across related answers: the approved article's own page never stops
    the build for a heading and words a withheld article shares with it, however marked up."""
    approved = rebind(SAMPLE.replace(GUIDELINES, f"{GUIDELINES}{approved_form}\n\n", 1))
    run = _audit(approved, _draft("\n\n" + draft_form))
    assert _leaks(run, _page_of(approved)) == []
    assert _leaks(run, _about(SECRET))  # and the draft's own words are still found


_WORDS = "the pump refill sepsis dose patient risk culture blood team".split()
_MARKS = ["{w}", "*{w}*", "_{w}_", "**{w}**", "`{w}`", "[{w}](https://example.org/{w})", "{w} [@evans2021]"]


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**9))
def test_any_shared_passage_is_never_a_leak(seed: int):
    """An approved body of random marked-up prose; a draft that repeats a run of its sentences
    written plainly, or marked up another way: the approved page is never a leak."""
    r = random.Random(seed)
    sentences = [
        " ".join(r.choice(_MARKS).format(w=r.choice(_WORDS)) for _ in range(r.randint(9, 16))) + "." for _ in range(6)
    ]
    headed = "\n\n".join(("### " if i % 3 == 0 else "") + s for i, s in enumerate(sentences))
    approved = rebind(SAMPLE.replace(GUIDELINES, f"{GUIDELINES}{headed}\n\n", 1))
    start = r.randint(0, 4)
    copied = "\n\n".join(_replain(s, r) for s in sentences[start : start + 2])
    run = _audit(approved, _draft("\n\n" + copied))
    assert _leaks(run, _page_of(approved)) == []


def _replain(sentence: str, r: random.Random) -> str:
    """The sentence with its marks written another way (or none)."""
    words = re.findall(r"[A-Za-z]+(?=[*_`\]]*)|\[@evans2021\]", re.sub(r"\(https://[^)]*\)", "", sentence))
    return " ".join(w if w.startswith("[@") else r.choice(["{w}", "*{w}*", "**{w}**"]).format(w=w) for w in words)


def test_the_audit_and_the_words_of_visible_agree_on_every_page_text():
    """One reading: the words the audit counts are visible.words of each text of the file."""
    texts = visible.html_text("<p>A<b>b</b>c d</p><img alt='e f'>")
    assert [visible.words(t) for t in texts] == [
        ["abc", "d", "e", "f"],  # the alt where it is drawn
        ["abc", "d"],  # the page as an index that leaves alts out reads it
        ["e", "f"],  # and the alt as a text of its own
    ]
