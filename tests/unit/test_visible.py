"""Visible text (core/visible.py): the one definition of what a reader sees, tested over whole
Unicode categories, and the Markdown and HTML readings that must give the same words."""

from __future__ import annotations

import random
import subprocess
import sys
import unicodedata

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editorial.core import file_text, report, visible
from editorial.core.model import Problem
from editorial.core.rules import visible_text
from editorial.core.vocabulary import CONFIG
from support.site_html import REPO

HIDDEN = st.characters(categories=["Cf", "Cc", "Co", "Cs", "Cn"], exclude_characters="\t\n\r")
SEEN = st.characters(categories=["L", "M", "N", "P", "S", "Zs"]).filter(
    lambda ch: not any(a <= ord(ch) <= b for a, b in visible.DEFAULT_IGNORABLE + visible.BLANK_GLYPHS)
)


@pytest.mark.slow
def test_the_table_is_unicodes_own():
    """INVISIBLE is what Python's Unicode database says, code point by code point: a Python with
    a newer database fails here, and `python -m editorial.core.visible` prints the new table."""
    assert unicodedata.unidata_version == visible.UNICODE_VERSION
    assert visible.computed() == visible.INVISIBLE


@given(HIDDEN)
def test_every_format_control_private_unassigned_code_point_is_invisible(ch: str):
    assert visible.is_invisible(ch)
    assert list(visible.invisible(f"a{ch}b")) == [(1, ch)]


@given(st.sampled_from([cp for a, b in visible.DEFAULT_IGNORABLE + visible.BLANK_GLYPHS for cp in range(a, b + 1)]))
def test_every_default_ignorable_code_point_and_blank_glyph_is_invisible(cp: int):
    assert visible.is_invisible(chr(cp))


@given(SEEN)
def test_letters_marks_numbers_punctuation_symbols_and_spaces_are_not(ch: str):
    assert not visible.is_invisible(ch)


@given(st.text(st.characters(categories=["L", "N"]), min_size=2, max_size=20), HIDDEN, st.integers(1, 19))
def test_a_hidden_character_anywhere_in_a_word_leaves_the_same_word(word: str, ch: str, at: int):
    at = min(at, len(word) - 1)
    assert visible.words(word[:at] + ch + word[at:]) == visible.words(word)


def test_a_bidi_override_reads_as_the_file_says_and_is_named():
    text = "give 1\u202e05\u202c mg"
    assert visible.words(text) == ["give", "105", "mg"]
    assert visible.escape(text) == "give 1[U+202E]05[U+202C] mg"
    assert "U+202E RIGHT-TO-LEFT OVERRIDE, a bidirectional control" in visible.describe("\u202e")


REORDERING = st.sampled_from(
    sorted(visible.BIDI_CONTROLS) + [chr(cp) for cp in range(0x80, 0x110000) if visible.reorders(chr(cp))]
)


@settings(max_examples=300)
@given(
    st.text(st.one_of(REORDERING, st.sampled_from(" .,-ab15")), max_size=24),
    st.text(st.characters(categories=["L", "N"], max_codepoint=0x24F), min_size=1, max_size=12),
)
def test_a_copied_text_keeps_nothing_that_reorders_it_and_every_word_around_it(text: str, around: str):
    """Every bidi control and every right-to-left character of Unicode (R, AL, AN): none survives
    the plain text a bot copies; the words around them stay as written."""
    plain = visible.without_reordering(f"{around} {text} {around}")
    assert not list(visible.reordering(plain))
    assert plain.startswith(around + " ") and plain.endswith(" " + around)


@settings(max_examples=200)
@given(st.one_of(REORDERING, HIDDEN), st.sampled_from(["text", "github"]))
def test_a_problem_line_shows_every_hidden_or_reordering_character_as_its_code(ch: str, fmt: str):
    """A file name or a quoted value holding such a character would turn the writer's terminal
    line (or GitHub's annotation) around: the line names it instead; the file it points at stays."""
    path = f"content/articles/dose-1{ch}05.md"
    line = report.render([Problem(path, 1, 1, "E303", f"file name `dose-1{ch}05.md` is not a clean URL slug")], fmt, 1)
    code = f"[U+{ord(ch):04X}]"
    assert ch not in line.split("::", 2)[-1] and line.count(code) == (2 if fmt == "text" else 1), line


def test_a_run_of_right_to_left_words_is_named_and_its_digits_read_as_western_ones():
    assert visible.without_reordering("ok \u05e9\u05dc\u05d5\u05dd \u05dc\u05da, then") == "ok [Hebrew text], then"
    assert (
        visible.without_reordering("\u0661\u0660\u0665 mg \u2014 \u0623\u062d\u0645\u062f")
        == "105 mg \u2014 [Arabic text]"
    )
    assert visible.without_reordering("give 1\u202e05\u202c mg") == "give 105 mg"


@pytest.mark.parametrize(
    ("shown", "read"),
    [
        ("ＡＰＰＲＯＶＥＤ １０５ mg", "approved 105 mg"),  # fullwidth
        ("𝟏𝟎𝟓 mg", "105 mg"),  # mathematical digits
        ("ﬁbrosis", "fibrosis"),  # a ligature
        ("dose\u00a0of\u2003105", "dose of 105"),  # no-break and em spaces
        ("Sepsis  AND\n\tshock", "sepsis and shock"),  # white space runs, case
    ],
)
def test_compatibility_forms_white_space_and_case_read_as_the_plain_words(shown: str, read: str):
    assert visible.words(shown) == read.split()


@pytest.mark.parametrize(
    "page",
    [
        "<p>app<b>rov</b>ed</p>",
        "<p>app<span></span>roved</p>",
        "<p>app<!-- x -->roved</p>",
        "<p>app<wbr>roved</p>",
        "<p>app&shy;roved</p>",
        "<p>app&#8203;roved</p>",
        '<p>app<em class="x">roved</em></p>',
    ],
)
def test_inline_markup_inside_a_word_leaves_one_word(page: str):
    flow = visible.html_text(page)[0]
    assert visible.words(flow) == ["approved"]


def test_a_block_break_a_line_break_and_a_superscript_part_words_and_attributes_are_texts_of_their_own():
    texts = visible.html_text('<p>one</p><p>two<br>three<sup>1</sup></p><img alt="the alt text"><!--a note-->')
    assert visible.words(texts[0]) == ["one", "two", "three", "1", "the", "alt", "text"]  # the alt where it is drawn
    assert "the alt text" in texts[1:] and "a note" in texts[1:]


def _extensions() -> tuple[list, dict]:
    """The Markdown extensions of the site's mkdocs.yml, as MkDocs hands them to Python-Markdown."""
    import yaml

    from editorial.workspace import _ConfigLoader

    config = yaml.load((REPO / CONFIG).read_text(encoding="utf-8"), Loader=_ConfigLoader)
    names, options = [], {}
    for item in config["markdown_extensions"]:
        name, value = next(iter(item.items())) if isinstance(item, dict) else (item, None)
        names.append(name)
        if value:
            options[name] = value
    return names, options


WORDS = "the pump refill sepsis dose mg patient snake_case risk 105 a of in".split()
FRAGMENTS = [
    "{w}",
    "*{w}*",
    "**{w}**",
    "_{w}_",
    "__{w}__",
    "`{w}`",
    "[{w} {v}](https://x.org/{v})",
    "![{w}](img/{v}.png)",
    "{w}**{v}**",
    "<em>{w}</em>",
    "{w}<b>{v}</b>",
    "&amp;{w}",
    "\\*{w}",
    "{w}-{v}",
    "<https://{v}.org>",
    "*{w}*{{: .x }}",
    "[{w}](https://x.org){{: .c }}",
]


def _document(seed: int) -> str:
    r = random.Random(seed)

    def para() -> str:
        return " ".join(
            r.choice(FRAGMENTS).format(w=r.choice(WORDS), v=r.choice(WORDS)) for _ in range(r.randint(1, 12))
        )

    blocks = []
    for _ in range(r.randint(1, 6)):
        kind = r.randint(0, 9)
        if kind == 0:
            blocks.append("## " + para() + r.choice(["", " {: #a-heading }"]))
        elif kind == 1:
            marker = r.choice(["- ", "* ", "1. ", "2) "])
            blocks.append("\n".join(marker + para() for _ in range(r.randint(1, 3))))
        elif kind == 2:
            blocks.append("> " + para())
        elif kind == 3:
            head = r.choice(
                ["!!! warning", '!!! note "A title of words"', '!!! tip ""', "??? note", '???+ danger "Open"']
            )
            blocks.append(f"{head}\n    {para()}")
        elif kind == 4:
            blocks.append(f"```{r.choice(['', 'text', 'python'])}\n{para()}\n```")
        elif kind == 5:
            blocks.append("*[CSF]: cerebrospinal fluid")
        else:
            blocks.append(para() + r.choice(["", "\n{: .note }"]))
    blocks.append("[chart]: https://example.org/chart.png\n\n[^note]: A footnote of its own words.")
    return "\n\n".join(blocks)


@settings(max_examples=500, deadline=None)
@given(st.integers(0, 10**9))
def test_markdown_reads_as_its_rendered_page_reads(seed: int):
    """The withheld and the published are read the same way: a Markdown source gives the words its
    page gives (rendered with the site's own extensions), so a shared sentence matches itself."""
    names, options = _extensions()
    source = _document(seed)
    page = markdown.markdown(source, extensions=names, extension_configs=options)
    read = file_text.of_file("page.html", page.encode()).texts[0]  # as the audit reads a page
    assert visible.words(visible.markdown_text(source)[0]) == visible.words(read), source


def test_the_rule_names_each_character_where_it_is():
    from editorial.core.loader import load_article

    text = (REPO / "content" / "articles" / "itp-refill-sepsis.md").read_text(encoding="utf-8")
    text = text.replace("pump reservoir, which", "pump reservoir,\u202e which", 1)
    text = text.replace("title: Can an", 'title: "Can\\u200b an', 1).replace("active sepsis?\n", 'active sepsis?"\n', 1)
    article, problems = load_article("content/articles/x.md", text.encode())
    assert article is not None, problems
    found = list(visible_text.check([article], None))
    lines = text.split("\n")
    body = next(p for p in found if "U+202E" in p.message)
    assert lines[body.line - 1][body.column - 1] == "\u202e" and body.code == "E805"
    title = next(p for p in found if "U+200B" in p.message)
    assert "in `title`, character 4" in title.message and lines[title.line - 1].startswith("title:")


_VALUE_TEXT = st.one_of(
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=12),  # most values
    st.text(max_size=6),  # any character at all
    st.sampled_from(["&#x202E;", "&shy;", "&amp;", "&zwnj", "a\u202eb", "1\u200b05 mg"]),
)
_FRONT_MATTER = st.recursive(
    _VALUE_TEXT | st.integers() | st.none(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text("abcxyz", min_size=1, max_size=3), inner, max_size=4)
    ),
    max_leaves=12,
)


def _leaves(value: object, key: tuple = ()):
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, key + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, key + (i,))


@settings(max_examples=400, deadline=None)
@given(_FRONT_MATTER)
def test_front_matter_is_judged_as_its_values_are_one_by_one(data: object):
    """The rule's one test over all of a front matter's texts (its fast answer for clean files)
    never hides what a value shows on its own: the same findings as each value judged alone."""
    position = lambda *key: (len(key), 1)  # noqa: E731
    found = sorted(p.message for p in visible_text.in_values("x.md", data, position))
    alone = sorted(
        p.message for key, text in _leaves(data) for p in visible_text.in_values("x.md", text, position, key)
    )
    if len(alone) >= visible_text.MAX_REPORTED:
        assert len(found) == visible_text.MAX_REPORTED
    else:
        assert found == alone
        for key, text in _leaves(data):  # a value with an invisible or reordering character is named
            if any(visible.is_invisible(ch) or visible.reorders(ch) for ch in text):
                name = ".".join(str(k) for k in key) or "value"
                assert any(f"in `{name}`, character" in message for message in found), (name, text)


@pytest.mark.parametrize("reference", ["&#x202E;", "&#8238;", "&shy;", "&zwj;", "&#x200B;", "&lrm;"])
def test_an_invisible_character_written_as_a_character_reference_is_refused_too(reference: str):
    """The page shows `&#x202E;` as the character itself: refused like the character typed."""
    text = f"For adults give 1{reference}05 mg."
    found = list(visible_text.in_text("content/about.md", text))
    assert [(p.code, p.line, p.column) for p in found] == [("E805", 1, text.index("&") + 1)]


HIDDEN_PIECES = [
    "<div hidden>",
    "<div HIDDEN=x>",
    "<div\thidden=''>",
    "<div data-hidden>",
    "<div hiddenx>",
    "</div>",
    "<span hidden>",
    "</span>",
    "<br hidden>",
    "<div/>",
    '<p title="a hidden b">',
    "</p>",
    " hidden ",
    ' hidden="',
    '"',
    "<b>",
    "</b>",
    "text",
    "<",
    ">",
    "\nhidden",
    '<i class="x" hidden>',
    "</i>",
    "'",
]


@given(st.lists(st.sampled_from(HIDDEN_PIECES), max_size=24))
@settings(max_examples=400, deadline=None)
def test_hidden_elements_are_left_out_as_when_every_tag_is_looked_at(pieces: list[str]):
    """Only the tags that hold the word are looked at: the same as looking at every tag in turn."""
    source = "".join(pieces)
    extras: list[str] = []
    every_tag_extras: list[str] = []
    tags = list(visible._TAG.finditer(source))
    every_tag = visible._leave_out_hidden(source, tags, range(len(tags)), every_tag_extras)
    assert visible._without_hidden(source, extras) == every_tag
    assert extras == every_tag_extras


def test_the_lookalike_table_lets_the_librarys_list_go():
    # every process that reads a page builds the table; the library's module would keep its whole
    # list (9,619 entries, about 9.6 MB) for the life of the process
    code = (
        "import sys, gc\n"
        "from editorial.core import visible\n"
        "table = visible.lookalikes()\n"
        "assert table['а'] == 'a' and len(table) > 1000, len(table)\n"
        "gc.collect()\n"
        "held = [o for o in gc.get_objects() if isinstance(o, dict) and len(o) > 5000]\n"
        "print('confusable_homoglyphs.confusables' in sys.modules, len(held))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "0"], done.stdout + done.stderr
