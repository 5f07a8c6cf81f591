"""A revision against the last approved version, as readers read it, word by word. Pure.

A board re-reviewing a revised answer looks for what changed, not for every word again. So
the two versions are compared as a reader reads them: the body rendered (Markdown to HTML,
through the site's sanitiser, then plain text, block by block), each citation as its numbers
on the site; then word by word (difflib), deleted words against inserted ones. A citation is
compared by the references it cites, not by its number: a reference added early renumbers
the later ones on the page, but the claims they back have not changed. Unchanged sentences
are shown only around a change, as context, and every longer run of them is counted, not
shown. The references are compared by their ids (added, removed, and field by field), and
every other field a reader sees side by side.

`compare` returns a `Redline` of plain values; summary.py writes it as GitHub Markdown and
`as_html` as HTML for the preview's "changes" view.
"""

from __future__ import annotations

import difflib
import html
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

import markdown

from . import citations, sanitize
from .model import Article
from .rules import complexity
from .vocabulary import BODY_EXTENSIONS

SAME, DELETED, INSERTED, SKIPPED = "same", "del", "ins", "skip"
HEADING, TEXT = "heading", "text"
CONTEXT = 1  # unchanged sentences shown on each side of a changed one, in the same block
MAX_TOKENS = 20_000  # words of one changed stretch compared word by word; past it, the stretch is shown whole


@dataclass(frozen=True)
class Piece:
    kind: str  # SAME, DELETED, INSERTED, or SKIPPED (a run of unchanged sentences left out)
    text: str  # for SKIPPED: the number of sentences


@dataclass(frozen=True)
class Line:
    """One block of the redline: a heading, a paragraph, or unchanged sentences left out."""

    kind: str  # HEADING, TEXT or SKIPPED
    pieces: tuple[Piece, ...]


@dataclass(frozen=True)
class Field:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Reference:
    """A reference added, removed or changed: its number on the page and its entry as read."""

    kind: str  # "added", "removed" or "changed"
    key: str
    number: int  # in the version that has it (this one, for a changed one)
    entry: str  # the entry as the References list shows it, as text
    fields: tuple[Field, ...] = ()  # of a changed one: each field that differs


@dataclass(frozen=True)
class Redline:
    body: tuple[Line, ...] = ()
    references: tuple[Reference, ...] = ()
    fields: tuple[Field, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.body or self.references or self.fields)


def compare(
    before: Article,
    after: Article,
    style: str = citations.DEFAULT_STYLE,
    name: Callable[[str], str] = str,
) -> Redline:
    """What changed from `before` (the last approved version) to `after`, as readers read it.
    `name`: how a person id is shown (the authors)."""
    old, new = _Reading.of(before), _Reading.of(after)
    return Redline(
        tuple(_body(old.blocks, new.blocks)),
        tuple(_references(before, after, old.order, new.order, style)),
        tuple(_fields(before, after, name)),
    )


# -- the body as readers read it ---------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    key: str  # what is compared: the word, or the references a citation cites
    text: str  # what is shown
    space: bool  # white space before it


@dataclass(frozen=True)
class _Block:
    kind: str  # HEADING or TEXT
    tokens: tuple[_Token, ...]

    @property
    def key(self) -> str:
        return self.kind + "\0" + "\0".join(t.key for t in self.tokens)


@dataclass(frozen=True)
class _Reading:
    blocks: list[_Block]
    order: list[str]  # reference keys in citation order

    @classmethod
    def of(cls, article: Article) -> _Reading:
        keys = [str(r["id"]) for r in article.references if r.get("id") is not None]
        numbered = citations.number(article.body, keys, placeholders=True)
        numbers = {key: i + 1 for i, key in enumerate(numbered.order)}
        cites = [
            ("\ue000" + ";".join(group), "[" + ", ".join(str(numbers.get(k, f"?{k}")) for k in group) + "]")
            for group in numbered.cited
        ]
        return cls(
            [_Block(kind, tuple(_tokens(text, cites))) for kind, text in _blocks(numbered.body, article)],
            numbered.order,
        )


def _blocks(body: str, article: Article) -> list[tuple[str, str]]:
    """(kind, text) of each block a reader sees, in order. A body the renderer could not take in
    time (complexity refuses it) is read as written, paragraph by paragraph, instead."""
    if any(p.is_error for p in complexity.check([article], None)):
        return [(TEXT, " ".join(part.split())) for part in re.split(r"\n[ \t]*\n", body) if part.strip()]
    try:
        rendered = markdown.markdown(body, extensions=list(BODY_EXTENSIONS))
    except Exception:  # noqa: BLE001 - the renderer failed: the text as written is still compared
        return [(TEXT, " ".join(part.split())) for part in re.split(r"\n[ \t]*\n", body) if part.strip()]
    return _Text.blocks(sanitize.article_html(rendered))


class _Text(HTMLParser):
    """The text of sanitised HTML, one entry a block (a paragraph, a list item, a heading, a row),
    with what the page shows of its attributes where it shows it: an image's alt text in the line
    (drawn when the image is not, read by a screen reader), a title (an abbreviation's expansion,
    a link's tooltip) in brackets after the text it explains."""

    BLOCKS = frozenset(
        "p li h1 h2 h3 h4 h5 h6 tr dt dd pre blockquote div details summary figcaption caption ul ol table".split()
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
        self.parts: list[str] = []
        self.kind = TEXT
        self.cell = False
        self.bullet = False  # the block is a list item
        self.titled: list[tuple[str, str]] = []  # (tag, title) of the open elements that have one

    @classmethod
    def blocks(cls, text: str) -> list[tuple[str, str]]:
        reader = cls()
        reader.feed(text)
        reader.close()
        reader._flush()
        return reader.found

    def _flush(self) -> None:
        text = " ".join("".join(self.parts).split())
        if text:
            self.found.append((self.kind, "\u2022 " + text if self.bullet else text))
            self.bullet = False
        self.parts, self.kind = [], TEXT

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.BLOCKS:
            self._flush()
            if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self.kind = HEADING
            elif tag == "li":
                self.bullet = True
        elif tag in ("td", "th"):
            if self.cell:
                self.parts.append(" | ")
            self.cell = True
        elif tag == "br":
            self.parts.append(" ")
        shown = dict(attrs)
        if tag == "img":
            self.parts.append(" ".join(f" {shown[name]} " for name in ("alt", "title") if shown.get(name)))
        elif shown.get("title"):
            self.titled.append((tag, shown["title"]))

    def handle_endtag(self, tag: str) -> None:
        if self.titled and self.titled[-1][0] == tag:
            self.parts.append(f" [{self.titled.pop()[1]}]")
        if tag in self.BLOCKS:
            self._flush()
            self.cell = False

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


_WORD = re.compile(r"(\s*)(\ue000c[0-9]+\ue001|\w+|[^\w\s])")


def _tokens(text: str, cites: Sequence[tuple[str, str]]) -> Iterator[_Token]:
    for found in _WORD.finditer(text):
        space, word = bool(found.group(1)), found.group(2)
        mark = citations.MARK_FOUND.fullmatch(word)
        if mark and int(mark.group(1)) < len(cites):
            key, shown = cites[int(mark.group(1))]
            yield _Token(key, shown, space)
        else:
            yield _Token(word, word, space)


# -- the changes, sentence by sentence ---------------------------------------------------


@dataclass
class _Out:
    """A block of the merged text: each sentence a list of (kind, token)."""

    kind: str
    sentences: list[list[tuple[str, _Token]]] = field(default_factory=list)

    def add(self, kind: str, token: _Token) -> None:
        if not self.sentences or _ends(self.sentences[-1]) and token.space:
            self.sentences.append([])
        self.sentences[-1].append((kind, token))


def _ends(sentence: list[tuple[str, _Token]]) -> bool:
    return bool(sentence) and sentence[-1][1].text in (".", "?", "!")


def _changed(sentence: list[tuple[str, _Token]]) -> bool:
    return any(kind != SAME for kind, _ in sentence)


def _merged(old: list[_Block], new: list[_Block]) -> Iterator[_Out]:
    """The blocks of both versions as one text, each token marked same, deleted or inserted."""
    matcher = difflib.SequenceMatcher(None, [b.key for b in old], [b.key for b in new], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for block in new[j1:j2]:
                out = _Out(block.kind)
                for token in block.tokens:
                    out.add(SAME, token)
                yield out
            continue
        yield from _stretch(old[i1:i2], new[j1:j2])


_BREAK = _Token("\0", "", False)  # between two blocks of a changed stretch


def _stretch(old: list[_Block], new: list[_Block]) -> Iterator[_Out]:
    """A changed stretch of blocks, compared word by word across its blocks."""
    a = [t for i, b in enumerate(old) for t in ((_BREAK,) if i else ()) + b.tokens]
    b = [t for i, blk in enumerate(new) for t in ((_BREAK,) if i else ()) + blk.tokens]
    if len(a) + len(b) > MAX_TOKENS:  # too long to compare word by word in good time: shown whole
        for kind, blocks in ((DELETED, old), (INSERTED, new)):
            for block in blocks:
                out = _Out(block.kind)
                for token in block.tokens:
                    out.add(kind, token)
                yield out
        return
    at_old = at_new = 0
    out = _Out(_kind(old, new, 0, 0))

    def emit(kind: str, token: _Token) -> Iterator[_Out]:
        nonlocal at_old, at_new, out
        if token is not _BREAK:
            out.add(kind, token)
            return
        at_old += kind != INSERTED
        at_new += kind != DELETED
        if out.sentences:
            yield out
        out = _Out(_kind(old, new, at_old, at_new))

    matcher = difflib.SequenceMatcher(None, [t.key for t in a], [t.key for t in b], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for token in b[j1:j2]:
                yield from emit(SAME, token)
            continue
        for token in a[i1:i2]:
            yield from emit(DELETED, token)
        for token in b[j1:j2]:
            yield from emit(INSERTED, token)
    if out.sentences:
        yield out


def _kind(old: list[_Block], new: list[_Block], i: int, j: int) -> str:
    if j < len(new):
        return new[j].kind
    return old[i].kind if i < len(old) else TEXT


def _body(old: list[_Block], new: list[_Block]) -> list[Line]:
    """Changed sentences with CONTEXT unchanged ones around them; the other unchanged
    sentences counted; an unchanged heading shown above the changes of its section."""
    left = 0  # unchanged sentences not shown yet
    heading: _Out | None = None  # the unchanged heading of the section, not shown yet
    above = 0  # unchanged sentences not shown before that heading
    lines: list[Line] = []

    def skipped(count: int) -> None:
        if count:
            lines.append(Line(SKIPPED, (Piece(SKIPPED, str(count)),)))

    for out in _merged(old, new):
        changed = [_changed(s) for s in out.sentences]
        if out.kind == HEADING and not any(changed):
            above, left, heading = above + left if heading is not None else left, 0, out
            continue
        if not any(changed):
            left += len(out.sentences)
            continue
        if heading is not None and out.kind != HEADING:
            skipped(above)
            lines.append(Line(HEADING, tuple(_pieces([s for sentence in heading.sentences for s in sentence]))))
        elif heading is not None:
            left += above
        heading, above = None, 0
        pieces: list[Piece] = []
        for i, sentence in enumerate(out.sentences):
            near = any(changed[max(0, i - CONTEXT) : i + CONTEXT + 1])
            if not near:
                left += 1
                continue
            if left:
                if pieces:
                    pieces.append(Piece(SKIPPED, str(left)))
                else:
                    skipped(left)
                left = 0
            pieces += _pieces(sentence, first=not pieces)
        lines.append(Line(out.kind, tuple(pieces)))
    if lines:
        skipped(above + left)
    return lines


def _pieces(tokens: list[tuple[str, _Token]], first: bool = True) -> list[Piece]:
    """Runs of one kind, a space before a word outside the marks (so `<del>` holds words only)."""
    pieces: list[Piece] = []
    for number, (kind, token) in enumerate(tokens):
        if token.space and (number or not first):
            pieces.append(Piece(SAME, " "))
        if pieces and pieces[-1].kind == kind:
            pieces[-1] = Piece(kind, pieces[-1].text + token.text)
        else:
            pieces.append(Piece(kind, token.text))
    return _joined(pieces)


def _joined(pieces: list[Piece]) -> list[Piece]:
    """A deletion and an insertion split only by spaces read as one change each: `<del>a b</del>`."""
    out: list[Piece] = []
    for piece in pieces:
        if (
            len(out) >= 2
            and piece.kind in (DELETED, INSERTED)
            and out[-1].kind == SAME
            and not out[-1].text.strip()
            and out[-2].kind == piece.kind
        ):
            space = out.pop()
            out[-1] = Piece(piece.kind, out[-1].text + space.text + piece.text)
        else:
            out.append(piece)
    return out


# -- references and the other fields -----------------------------------------------------


def _references(before: Article, after: Article, old_order: list[str], new_order: list[str], style: str):
    old = {str(r["id"]): r for r in before.references if r.get("id") is not None}
    new = {str(r["id"]): r for r in after.references if r.get("id") is not None}
    old_entries = _entries(list(old.values()), old_order, style)
    new_entries = _entries(list(new.values()), new_order, style)
    for key, item in new.items():
        number, entry = new_entries.get(key, (0, ""))
        if key not in old:
            yield Reference("added", key, number, entry)
        elif item != old[key]:
            changes = tuple(
                Field(name, _value(old[key].get(name)), _value(item.get(name)))
                for name in sorted(set(item) | set(old[key]))
                if item.get(name) != old[key].get(name)
            )
            yield Reference("changed", key, number, entry, changes)
    for key in old:
        if key not in new:
            number, entry = old_entries.get(key, (0, ""))
            yield Reference("removed", key, number, entry)


def _entries(refs: list[dict], order: list[str], style: str) -> dict[str, tuple[int, str]]:
    try:
        entries = citations.references(refs, order, style)
    except citations.StyleError:
        entries = citations.references(refs, order, citations.DEFAULT_STYLE)
    return {e.key: (e.number, " ".join(html.unescape(_TAG.sub("", e.html)).split())) for e in entries}


_TAG = re.compile(r"<[^>]*>")  # an entry's markup (citations.py escapes every text it renders)


def _value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _fields(before: Article, after: Article, name: Callable[[str], str]) -> Iterator[Field]:
    old, new = before.fields, after.fields
    pairs = (
        ("Title", old.title, new.title),
        ("Title in search engines", old.seo_title, new.seo_title),
        ("Short answer", old.description, new.description),
        ("In plain language (for patients)", old.patient_summary, new.patient_summary),
        ("Written for", ", ".join(old.audience), ", ".join(new.audience)),
        ("Specialties", ", ".join(old.specialties), ", ".join(new.specialties)),
        ("Authors", ", ".join(map(name, old.authors)), ", ".join(map(name, new.authors))),
        ("Conflicts of interest", old.conflicts, new.conflicts),
        ("Written", old.created, new.created),
        ("Updated", old.updated, new.updated),
    )
    for label, was, now in pairs:
        was, now = " ".join(was.split()), " ".join(now.split())
        if was != now:
            yield Field(label, was, now)


# -- as HTML, for the preview ------------------------------------------------------------


def as_html(redline: Redline, approved_on: str) -> str:
    """The redline as HTML (every word escaped here): the preview's "changes" view."""
    e = html.escape
    out = [
        f'<p class="editorial-changes__intro">Compared with the version approved on {e(approved_on)}: '
        "deleted words are struck through, new words underlined; unchanged sentences are left out.</p>"
    ]
    for line in redline.body:
        inner = "".join(_html_piece(p) for p in line.pieces)
        if line.kind == HEADING:
            out.append(f'<p class="editorial-changes__heading"><strong>{inner}</strong></p>')
        elif line.kind == SKIPPED:
            out.append(f'<p class="editorial-changes__skipped">{inner}</p>')
        else:
            out.append(f"<p>{inner}</p>")
    if redline.references:
        out.append('<p class="editorial-changes__heading"><strong>References</strong></p><ul>')
        for ref in redline.references:
            detail = "".join(
                f"<li>{e(f.label)}: <del>{e(f.before)}</del> <ins>{e(f.after)}</ins></li>" for f in ref.fields
            )
            entry = f"[{ref.number}] {e(ref.entry)}" if ref.number else e(ref.key)
            shown = (
                f"<del>{entry}</del>"
                if ref.kind == "removed"
                else f"<ins>{entry}</ins>"
                if ref.kind == "added"
                else entry
            )
            out.append(f"<li>{e(ref.kind.capitalize())}: {shown}" + (f"<ul>{detail}</ul>" if detail else "") + "</li>")
        out.append("</ul>")
    if redline.fields:
        out.append('<p class="editorial-changes__heading"><strong>Also on the page</strong></p><ul>')
        for f in redline.fields:
            out.append(
                f"<li>{e(f.label)}: <del>{e(f.before or '(none)')}</del> <ins>{e(f.after or '(none)')}</ins></li>"
            )
        out.append("</ul>")
    return "\n".join(out)


def _html_piece(piece: Piece) -> str:
    if piece.kind == SKIPPED:
        n = int(piece.text)
        return (
            f'<span class="editorial-changes__skip">\u2026 {n} unchanged sentence{"s" if n != 1 else ""} \u2026</span>'
        )
    text = html.escape(piece.text)
    return f"<{piece.kind}>{text}</{piece.kind}>" if piece.kind in (DELETED, INSERTED) else text
