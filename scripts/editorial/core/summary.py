"""The pull request's job summary: each changed article, every word of it. Pure `render`.

A board member approves on GitHub what the summary shows: first a list of every file the pull
request changes in content/ (so a summary cut at GitHub's limit still names them all); then
for each article its title, the short answer, the body exactly as written (citations numbered
as on the site), every other field the page shows, the References list (rendered by
citations.py, in the policy's style), the review status, the content digest an approval binds
to, and who has approved which text, in the front matter and on GitHub; then the text of any
other file in content/ it changes.

Nothing a writer typed is left for GitHub to interpret. GitHub's Markdown is not the site's:
an unclosed `<!--` hides everything after it there, and is shown as text on the site. So
each character that Markdown or HTML gives a meaning is escaped, and the board reads what
readers will read, character for character. commands/summary.py reads the range from git.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from . import citations, redline, review_history, transitions, visible, workflow
from .digest import normalise_body
from .model import Article, Context, Person, Record
from .reviews import Review
from .vocabulary import Decision as RecordDecision
from .vocabulary import ReviewState

MAX_CHARS = 900_000  # GitHub keeps at most 1 MiB of summary per step
# Every part and every field has its share, so that nothing can crowd the rest out of the summary:
# each changed file gets an equal share of MAX_CHARS (at least MIN_SHARE), an article's body at
# most half of it; a field at most MAX_FIELD (a title, a name) or MAX_TEXT (a short answer, a
# note) characters; a reference's values are cut at MAX_FIELD before they are rendered; lists
# (files, review records, reviews on GitHub, references) at MAX_ITEMS entries. Each cut says so.
MAX_BODY_CHARS = 200_000
MAX_PAGE_CHARS = 100_000
MIN_SHARE = 20_000
MAX_FIELD = 2_000
MAX_TEXT = 20_000
MAX_ITEMS = 500
MAX_PATH = 300  # characters of a path shown
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # ASCII punctuation: Markdown lets each be escaped


@dataclass(frozen=True)
class Decision:
    """A board member's standing review on GitHub, and the article's digest on its commit."""

    login: str
    person: Person | None  # from the base registry; None: not a registered person
    review: Review
    seen: str | None  # the article's digest at the review's commit; None: unknown there


@dataclass(frozen=True)
class Changed:
    path: str
    article: Article | None  # at the head; None when the pull request deletes it
    before: Article | None  # at the base; None when the pull request adds it
    decisions: tuple[Decision, ...] = ()
    unreadable: str = ""  # why the head's version cannot be read
    approved: review_history.Committed | None = None  # the last approved version, on the base's branch


@dataclass
class Summary:
    articles: list[Changed] = field(default_factory=list)
    others: list[str] = field(default_factory=list)  # other files of content/ the pull request changes
    texts: dict[str, str] = field(default_factory=dict)  # of those, the ones that are text: their new text


def render(summary: Summary, contexts: Sequence[Context], style: str = citations.DEFAULT_STYLE) -> str:
    """The job summary as Markdown. `contexts`: the registry and policy of the base and of the
    head, against which check-transitions counts the quorum (names come from the base's)."""
    head = ["# Articles in this pull request", ""]
    if not summary.articles:
        head += ["This pull request changes no article.", ""]
    head += _contents(summary)  # first: a summary cut at GitHub's limit still names every change
    files = len(summary.articles) + len(summary.texts) or 1
    share = max(MIN_SHARE, (MAX_CHARS - len("\n".join(head))) // files)
    parts = [head] + [
        _fit(_article(changed, contexts, style, share), share, changed.path) for changed in summary.articles
    ]
    if summary.others:
        parts.append(
            [
                "## Other files in content/",
                "",
                "These are not articles and have no review log of their own; a board member's approval "
                "of the pull request, given after their last change, is needed for them (E912):",
                "",
                *(f"- `{_code(path)}`" for path in summary.others[:MAX_ITEMS]),
                *_more_note(len(summary.others), "files"),
                "",
            ]
        )
        for path in summary.others:
            if path in summary.texts:
                lines, left = _as_written(summary.texts[path], min(MAX_PAGE_CHARS, share))
                parts.append([f"### `{_code(path)}`", "", *lines, "", *_cut_note(left, path)])
    # Whole parts only, so nothing is cut inside one (an open <details> would fold the rest away)
    kept: list[str] = []
    size = len(CUT_NOTE)
    for part in parts:
        text = "\n".join(part)
        if size + len(text) + 1 > MAX_CHARS:
            kept.append(CUT_NOTE)
            break
        kept.append(text)
        size += len(text) + 1
    return "\n".join(kept)


CUT_NOTE = (
    "*(The summary is cut here: GitHub keeps 1 MB of it. Every change is listed at the top; read the rest under "
    "Files changed.)*\n"
)


def _cut_note(left: int, path: str = "") -> list[str]:
    where = f", in `{_code(path)}`" if path else ""
    return (
        [f"*(Cut here, {left:,} characters before its end: read the rest under Files changed{where}.)*", ""]
        if left
        else []
    )


def _more_note(count: int, what: str, path: str = "") -> list[str]:
    """A line saying how many entries a list left out, and where they are."""
    where = f" in `{_code(path)}`" if path else ""
    if count <= MAX_ITEMS:
        return []
    return [f"- *({count - MAX_ITEMS:,} more {what} are not shown here: read them{where} under Files changed.)*"]


def _clip(text: str, limit: int) -> str:
    """A field on one line, escaped (see _inline), cut at `limit` characters with a note saying so."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return _inline(text)
    return _inline(text[:limit]) + f" *(cut: {len(text) - limit:,} more characters, read them under Files changed)*"


def _contents(summary: Summary) -> list[str]:
    if not summary.articles and not summary.others:
        return []
    out = ["Every file this pull request changes in `content/`, each shown below:", ""]
    for changed in summary.articles[:MAX_ITEMS]:
        if changed.article is not None:
            state = f"status {_inline(changed.article.status or '(none)')}"
        else:
            state = "cannot be read" if changed.unreadable else "deleted"
        out.append(f"- `{_code(changed.path)}` · {state}")
    out += _more_note(len(summary.articles), "articles")
    out += [f"- `{_code(path)}` · not an article" for path in summary.others[:MAX_ITEMS]]
    out += _more_note(len(summary.others), "other files")
    return out + [""]


def _article(changed: Changed, contexts: Sequence[Context], style: str, share: int = MAX_CHARS) -> list[str]:
    """One changed article in at most about `share` characters (every field cut to its own share)."""
    ctx = contexts[0]
    article = changed.article
    if changed.unreadable:
        return [
            f"## `{_code(changed.path)}`",
            "",
            f"This version cannot be read: {_clip(changed.unreadable, MAX_TEXT)}",
            "",
        ]
    if article is None:
        title = changed.before.title if changed.before else changed.path
        was = f" (it was `{_code(changed.before.status[:MAX_FIELD])}`)" if changed.before else ""
        return [
            f"## Deleted: {_clip(title, MAX_FIELD)}",
            "",
            f"`{_code(changed.path)}` is deleted by this pull request{was}. "
            "Deleting an approved article needs a board member's approval of the pull request (E906).",
            "",
        ]
    out = [f"## {_clip(article.title or article.id, MAX_FIELD)}", ""]
    what = (
        "new article"
        if changed.before is None
        else ("text changed" if changed.before.digest != article.digest else "text unchanged")
    )
    if changed.before is not None and changed.before.path != changed.path:
        what += f" · **moved** from `{_code(changed.before.path)}` (its address on the site changes)"
    out += [
        f"`{_code(changed.path)}` · {what} · status **{_clip(article.status or '(none)', MAX_FIELD)}** · "
        f"digest `{article.digest[:19]}…`",
        "",
    ]
    out += _changes(changed, article, ctx, style)  # first: what the board re-reviews
    description = article.fields.description
    if description.strip():
        out += ["> " + _clip(description, MAX_TEXT), ""]
    originals = [r for r in article.references if r.get("id") is not None]
    refs = [_clipped(r) for r in originals]
    numbered = citations.number(article.body, [str(r["id"]) for r in refs], as_text=True)
    out += ["*The answer as written (Markdown; the preview shows it as a page):*", ""]
    lines, left = _as_written(numbered.body, min(MAX_BODY_CHARS, share // 2))
    out += [*lines, "", *_cut_note(left, changed.path)]
    out += _fields(article, ctx)
    first = set(numbered.order[:MAX_ITEMS])  # the cited first, in their order, then the others
    shown = sorted(refs, key=lambda r: str(r["id"]) not in first)[:MAX_ITEMS]
    entries = _references(shown, numbered.order[:MAX_ITEMS], style)
    room = share // 4  # a reference's text may grow when escaped: the list has its own share
    fitting = [
        entry for size, entry in zip(_running([len(e.html) for e in entries]), entries, strict=True) if size <= room
    ]
    if len(fitting) < len(entries):
        entries, refs = fitting, refs + [{}] * MAX_ITEMS  # (and say so below)
    if entries:
        # one HTML block on one line: a blank line inside (a title may hold one, or a bare CR,
        # which Markdown also counts as a line end) would end the block there
        block = re.sub(r"[\r\n]+", " ", visible.escape(citations.references_html(entries)))
        out += ["### References", "", block, ""]
        if len(refs) > MAX_ITEMS or any(r is not o for r, o in zip(refs, originals, strict=True)):
            out += [
                f"*(References are shown with each value cut at {MAX_FIELD:,} characters and at most {MAX_ITEMS} "
                f"entries: read them whole in `{_code(changed.path)}` under Files changed.)*",
                "",
            ]
    out += _approvals(changed, article, contexts)
    out += ["<details><summary>Content digest</summary>", "", f"`{article.digest}`", "", "</details>", ""]
    return out


def _references(refs: list[dict], order: list[str], style: str) -> list[citations.Entry]:
    try:
        return citations.references(refs, order, style)
    except citations.StyleError:
        return citations.references(refs, order, citations.DEFAULT_STYLE)


def _approvals(changed: Changed, article: Article, contexts: Sequence[Context]) -> list[str]:
    ctx = contexts[0]
    since = transitions.approvals_from(changed.before, article)  # as check-transitions counts them
    quorum = workflow.Quorum.of(article, contexts, since)
    counted, need = quorum.counted, quorum.needed
    out = [
        "### Reviews",
        "",
        f"Approvals of this text{' in this pull request' if since else ''} that count: **{len(counted)} of {need}** "
        "needed" + (f" ({', '.join(_inline(_name(ctx, c)) for c in counted)})." if counted else "."),
        "",
    ]
    records = article.reviews
    if records:
        out += ["| reviewer | decision | date | text |", "| --- | --- | --- | --- |"]
        for record in records[-MAX_ITEMS:]:  # the latest: the log only grows
            which = "this text" if record.digest == article.digest else "an earlier text"
            out.append(
                f"| {_cell(_name(ctx, record.reviewer or '?'))} | {_cell(record.decision or '?')} | "
                f"{_cell(record.date or '?')} | {which} |"
            )
        if len(records) > MAX_ITEMS:
            out.append(f"*(The {len(records) - MAX_ITEMS:,} earlier records are in the file's `reviews`.)*")
        out.append("")
        out += _signatures(records)
    if changed.decisions:
        out += ["On GitHub (each member's standing review):", ""]
        recorded = {(r.reviewer, r.decision, r.digest) for r in records}
        for decision in changed.decisions[:MAX_ITEMS]:
            out.append("- " + _decision_line(decision, article, recorded))
        out += _more_note(len(changed.decisions), "reviews")
        out.append("")
    return out


def _changes(changed: Changed, article: Article, ctx: Context, style: str) -> list[str]:
    """The redline of a revision against its last approved version (redline.py), as GitHub
    shows it: <del> and <ins> are the only markup, every word in them escaped (see _plain)."""
    approved = changed.approved
    if approved is None or approved.article is None or approved.article.digest == article.digest:
        return []
    lines = redline.compare(approved.article, article, style, lambda person_id: _name(ctx, person_id))
    when = review_history.approval(approved.article, ctx)
    commit = f" (commit `{_code(approved.commit[:10])}`)" if approved.commit else ""
    out = [
        "### Changes since the approved version",
        "",
        f"*Compared with the version approved on {_inline(when.date if when else '?')}{commit}, as readers read "
        "it: deleted words are struck through, new words underlined; unchanged sentences are left out. What "
        "readers do not see (formatting, comments, markup the site removes) is not compared here: this version "
        "follows in full, as written.*",
        "",
    ]
    body: list[str] = []
    for line in lines.body:
        text = "".join(_marked(piece) for piece in line.pieces)
        body += [f"**{text}**" if line.kind == redline.HEADING else text, ""]
    if not lines.body:
        same = normalise_body(approved.article.body) == normalise_body(article.body)
        body += [
            "*The answer reads as it did.*"
            if same
            else "*The answer reads as it did, but its Markdown changed (formatting, or something readers do not "
            "see): read it in full below.*",
            "",
        ]
    kept, left = _as_cut(body, MAX_BODY_CHARS)
    out += [*kept, *_cut_note(left)]
    if lines.references:
        out += ["**References**", ""]
        for ref in lines.references[:MAX_ITEMS]:
            entry = _inline(f"[{ref.number}] {ref.entry}" if ref.number else ref.key, MAX_FIELD)
            if ref.kind == "added":
                out.append(f"- Added: <ins>{entry}</ins>")
            elif ref.kind == "removed":
                out.append(f"- Removed: <del>{entry}</del>")
            else:
                out.append(f"- Changed: {entry}")
                out += [f"  - `{_code(f.label)}`: {_before_after(f.before, f.after)}" for f in ref.fields[:MAX_ITEMS]]
        out += _more_note(len(lines.references), "changed references", changed.path)
        out.append("")
    if lines.fields:
        out += ["**Also on the page**", "", "| | the approved version | this version |", "| --- | --- | --- |"]
        out += [
            f"| {_cell(f.label)} | {_cell(f.before) or '*(none)*'} | {_cell(f.after) or '*(none)*'} |"
            for f in lines.fields
        ]
        out.append("")
    return out + ["### This version in full", ""]


def _marked(piece: redline.Piece) -> str:
    if piece.kind == redline.SKIPPED:
        n = int(piece.text)
        return f"*… {n} unchanged sentence{'s' if n != 1 else ''} …*"
    text = _plain(re.sub(r"\s+", " ", piece.text))  # its spaces kept: they separate it from its neighbours
    return f"<{piece.kind}>{text}</{piece.kind}>" if piece.kind in (redline.DELETED, redline.INSERTED) else text


def _before_after(before: str, after: str) -> str:
    was = f"<del>{_inline(before, MAX_FIELD)}</del>" if before.strip() else "*(none)*"
    now = f"<ins>{_inline(after, MAX_FIELD)}</ins>" if after.strip() else "*(none)*"
    return f"{was} → {now}"


def _as_cut(lines: list[str], limit: int) -> tuple[list[str], int]:
    """At most `limit` characters of the lines, whole lines; and how many characters were left out."""
    size = 0
    for index, line in enumerate(lines):
        if size + len(line) + 1 > limit:
            return lines[:index], sum(len(rest) + 1 for rest in lines[index:])
        size += len(line) + 1
    return lines, 0


_REVIEW_URL = re.compile(r"https://[A-Za-z0-9._~/#?=&%:+-]+")  # a link GitHub shows as it is: nothing to escape


def _signatures(records: Sequence[Record]) -> list[str]:
    """What each record signs, as it says it (records written before the tools wrote signatures
    have none): the printed name and credentials that day, what an approval attests, the time
    in UTC, the commit reviewed and the review."""
    lines = []
    for record in records:
        parts = []
        if record.name:
            credentials = f", {_inline(record.credentials)}" if record.credentials else ""
            parts.append(f"**{_inline(record.name)}**{credentials}")
        if record.meaning:
            parts.append(f"signed as “{_inline(record.meaning)}”")
        if record.at:
            parts.append(_inline(record.at.replace("T", " ").removesuffix("Z") + " UTC"))
        if record.commit:
            parts.append(f"commit `{_code(record.commit[:10])}`")
        if record.review:
            shown = _REVIEW_URL.fullmatch(record.review)
            parts.append(f"[review]({record.review})" if shown else f"review `{_code(record.review)}`")
        if parts:
            what = _inline(record.decision or "?")
            lines.append(f"- {what} by {_inline(record.reviewer or '?')}: " + " · ".join(parts))
    return ["Signatures, as each record states them:", "", *lines, ""] if lines else []


_DECIDED: dict[str, str] = {
    ReviewState.APPROVED: "approved",
    ReviewState.CHANGES_REQUESTED: "requested changes",
    ReviewState.DISMISSED: "was dismissed",
}


def _decision_line(decision: Decision, article: Article, recorded: set) -> str:
    who = (
        f"{_inline(decision.person.display)} (`{_code(decision.login)}`)"
        if decision.person
        else f"`{_code(decision.login)}` (not in the registry)"
    )
    state = _DECIDED.get(decision.review.state, decision.review.state.lower())
    commit = decision.review.commit[:10] or "(no commit)"
    if decision.seen is None:
        text = "a commit where this article cannot be found"
    elif decision.seen == article.digest:
        text = "this text"
    else:
        text = "an earlier text"
    line = f"{who} {state} on commit `{commit}` ({text})"
    if decision.person is None or not decision.person.is_board:
        line += ": not a board member, so not a board review"
    elif decision.person.id in article.authors:
        line += ": an author of this article, so not a review of it"
    elif decision.review.state in (ReviewState.APPROVED, ReviewState.CHANGES_REQUESTED) and decision.seen:
        wanted = (
            RecordDecision.APPROVED
            if decision.review.state == ReviewState.APPROVED
            else RecordDecision.CHANGES_REQUESTED
        )
        if (decision.person.id, wanted, decision.seen) in recorded:
            line += ": recorded"
        elif decision.review.state == ReviewState.APPROVED and decision.seen != article.digest:
            line += ": not recorded (an approval counts only for the text it saw)"
        else:
            line += ": not recorded yet"
    if decision.review.url:
        line += f" · [review]({decision.review.url})"
    return line


def _name(ctx: Context, person_id: str) -> str:
    person = ctx.registry.get(person_id)
    return (f"{person.display} ({person_id})" if person else person_id)[:MAX_FIELD]


def _clipped(reference: dict) -> dict:
    """A reference with each of its texts cut at MAX_FIELD characters (itself when none is longer)."""

    def cut(value: object) -> object:
        if isinstance(value, str):
            return value if len(value) <= MAX_FIELD else value[:MAX_FIELD] + "…"
        if isinstance(value, list):
            return [cut(v) for v in value[:MAX_ITEMS]]
        if isinstance(value, dict):
            return {k: cut(v) for k, v in list(value.items())[:MAX_ITEMS]}
        return value

    clipped = cut(reference)
    return reference if clipped == reference else clipped  # type: ignore[return-value]


def _fields(article: Article, ctx: Context) -> list[str]:
    """Everything else of the front matter that the page shows."""
    meta = article.fields
    dates = ", ".join(
        f"{label} {value}"
        for label, value in (("written", meta.created), ("updated", meta.updated), ("next review", meta.next_review))
        if value
    )
    rows = [
        ("In plain language (for patients)", meta.patient_summary),
        ("Title in search engines", meta.seo_title),
        ("Authors", ", ".join(_name(ctx, a) for a in meta.authors)),
        ("Written for", ", ".join(meta.audience)),
        ("Specialties", ", ".join(meta.specialties)),
        ("Conflicts of interest", meta.conflicts),
        ("Dates", dates),
    ]
    return (
        ["### Also on the page", ""]
        + [f"- **{label}:** {_clip(value, MAX_TEXT)}" for label, value in rows if value]
        + [""]
    )


def _as_written(text: str, limit: int) -> tuple[list[str], int]:
    """Text shown line for line as written: escaped (see _plain), leading spaces kept, each
    line ended by a hard break, and a blank line between paragraphs, as in the file. At most
    `limit` characters of Markdown (escapes and `&nbsp;`s counted); and how many characters of
    `text` that left out."""
    lines = text.strip("\n").split("\n")
    out: list[str] = []
    size = 0
    for index, line in enumerate(lines):
        made = ""
        if line.strip():
            stripped = line.lstrip(" \t")
            indent = line[: len(line) - len(stripped)].replace("\t", "    ")
            following = lines[index + 1] if index + 1 < len(lines) else ""
            made = "&nbsp;" * len(indent) + _plain(stripped.rstrip()) + ("\\" if following.strip() else "")
        if size + len(made) + 1 > limit:
            return out, sum(len(rest) + 1 for rest in lines[index:])
        out.append(made)
        size += len(made) + 1
    return out, 0


def _plain(text: str) -> str:
    """Text that GitHub shows as it is: every ASCII punctuation character escaped, so no
    Markdown or HTML in it (a heading, a link, a comment, a table) takes effect, and every
    character a reader cannot see shown as its code (`[U+202E]`, visible.escape)."""
    return _PUNCTUATION.sub(r"\\\1", visible.escape(text))


def _inline(text: str, limit: int = MAX_TEXT) -> str:
    """Plain text on one line (see _plain), at most `limit` characters of it."""
    text = " ".join(visible.escape(str(text)).split())
    return _plain(text) if len(text) <= limit else _plain(text[:limit]) + "… *(cut)*"


def _cell(text: str) -> str:
    return _inline(text, MAX_FIELD)


def _code(text: str) -> str:
    """Text for a code span: no backtick to end it, no line break to leave it (git allows both in a
    path), at most MAX_PATH characters."""
    text = visible.escape(str(text))
    text = text if len(text) <= MAX_PATH else text[:MAX_PATH] + "…"
    return text.replace("`", "'").replace("\r", "\\r").replace("\n", "\\n")


def _running(sizes: list[int]) -> list[int]:
    total, out = 0, []
    for size in sizes:
        total += size
        out.append(total)
    return out


def _fit(lines: list[str], share: int, path: str) -> list[str]:
    """One file's part of the summary in at most `share` characters: cut between lines, never
    inside a folded block (an open <details> is closed), with a note saying where the rest is."""
    size = 0
    for index, line in enumerate(lines):
        size += len(line) + 1
        if size > share:
            kept = lines[:index]
            opened = sum(line.count("<details") - line.count("</details>") for line in kept)
            return [
                *kept,
                "",
                *["</details>"] * max(opened, 0),
                "",
                f"*(This file's part of the summary is cut here, at its share of GitHub's 1 MB: read the rest under "
                f"Files changed, in `{_code(path)}`.)*",
                "",
            ]
    return lines
