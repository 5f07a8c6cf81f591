"""Careful text edits of an article's front matter for `start-review` and `review`. Pure.

A writer's file is theirs: key order, comments, quoting, line endings (CRLF stays
CRLF) and the body are left byte for byte as they were. So instead of loading and
re-dumping the YAML, these functions change only the lines they must: the value of
`review_status`, the end of the `reviews` list (or a `reviews: []` line), and
`next_review`. The result is read back with the loader to prove it says exactly
what was intended; if not, nothing is written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from .loader import load_article
from .model import Article, Person, Policy
from .reviews import plain_note
from .vocabulary import WORKFLOW_FIELDS, Decision, Status


class EditError(Exception):
    """The file cannot be edited safely; the message says what to change by hand."""


_STATUS_LINE = re.compile(r"^(review_status[ \t]*:[ \t]*)([\"']?)([A-Za-z_]*)\2([ \t]*(?:#.*)?)$")
_NEXT_LINE = re.compile(r"^(next_review[ \t]*:[ \t]*)([\"']?)([^\"'#\s]*)\2([ \t]*(?:#.*)?)$")
_EMPTY_FLOW = re.compile(r"^(reviews[ \t]*:)[ \t]*\[[ \t]*\][ \t]*(#.*)?$")
_BLOCK_KEY = re.compile(r"^(reviews[ \t]*:)[ \t]*(#.*)?$")
_ITEM = re.compile(r"^([ \t]*)-([ \t]+)")
_PLAIN = re.compile(r"^[a-z][a-z0-9_-]*$|^sha256:[0-9a-f]{64}$|^\d{4}-\d{2}-\d{2}$")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
_UNSAFE_CHARS = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")


@dataclass
class _Lines:
    """The file as lines without their endings, plus the ending the file uses."""

    lines: list[str]
    eol: str
    ends: list[str]

    @classmethod
    def of(cls, data: bytes) -> _Lines:
        text = data.decode("utf-8")
        if re.search(r"\r(?!\n)", text):
            raise EditError("the file has old Mac line endings (a lone CR); save it with LF or CRLF line endings first")
        raw = text.split("\n")
        ends = ["\r\n" if line.endswith("\r") else "\n" for line in raw]
        ends[-1] = ""  # after the last line: whatever was there (nothing)
        lines = [line[:-1] if line.endswith("\r") else line for line in raw]
        eol = "\r\n" if "\r\n" in text[: text.find("\n") + 1 or len(text)] else "\n"
        return cls(lines, eol, ends)

    def text(self) -> bytes:
        return "".join(line + end for line, end in zip(self.lines, self.ends, strict=True)).encode("utf-8")


def set_status(data: bytes, article: Article, status: str, clear_next_review: bool = False) -> bytes:
    """The file with `review_status` set to `status` (and, if asked, the `next_review`
    line removed); nothing else changed."""
    doc = _Lines.of(data)
    _replace_status(doc, article, status)
    if clear_next_review:
        _remove_next_review(doc, article)
    result = doc.text()
    _verify(
        article,
        result,
        status,
        article.meta.get("reviews"),
        None if clear_next_review else article.meta.get("next_review"),
    )
    return result


def _remove_next_review(doc: _Lines, article: Article) -> None:
    """Delete the `next_review: DATE` line (a date set by an approval that no longer stands)."""
    if "next_review" not in article.meta:
        return
    index = _top_level_lines(article)["next_review"] - 1
    if not _NEXT_LINE.match(doc.lines[index]):
        raise EditError(
            f"line {index + 1}: `next_review` is not written as `next_review: YYYY-MM-DD`; delete that line by hand "
            "and run the command again"
        )
    del doc.lines[index]
    del doc.ends[index]


def add_review(
    data: bytes,
    article: Article,
    record: dict,
    status: str,
    next_review: str | None = None,
    clear_next_review: bool = False,
) -> bytes:
    """The file with `record` appended to `reviews`, `review_status` set to `status`
    and, if given, `next_review` set (or, with `clear_next_review`, removed); nothing
    else changed."""
    doc = _Lines.of(data)
    keys = _top_level_lines(article)
    end_of_front_matter = article.body_line - 2  # index of the closing `---` line
    inserts: dict[int, list[str]] = {}  # line index -> lines to insert after it

    if "reviews" in article.meta:
        index = keys["reviews"] - 1
        line = doc.lines[index]
        flow = _EMPTY_FLOW.match(line)
        block = _BLOCK_KEY.match(line)
        if flow:
            doc.lines[index] = flow.group(1) + (f"  {flow.group(2)}" if flow.group(2) else "")
            after, indent = index, "  - "
        elif block and (not article.meta["reviews"] or isinstance(article.meta["reviews"], list)):
            after = _last_value_line(doc, index, _next_key_index(keys, index, end_of_front_matter))
            indent = _item_indent(doc, article) if article.meta["reviews"] else "  - "
        else:
            raise EditError(
                f"line {index + 1}: `reviews` is written in a form this command does not edit; write it as a block "
                "list (`reviews:` then one `- reviewer: ...` item per record) or `reviews: []`"
            )
        inserts.setdefault(after, []).extend(_record_lines(record, indent))
    else:
        after = keys["review_status"] - 1
        inserts.setdefault(after, []).extend(["reviews:", *_record_lines(record, "  - ")])

    if next_review is not None:
        if "next_review" in article.meta:
            _set_value(doc, keys["next_review"] - 1, _NEXT_LINE, "next_review", next_review)
        else:
            inserts[max(inserts)].append(f"next_review: {next_review}")

    _replace_status(doc, article, status)
    removed = (
        keys["next_review"] - 1 if clear_next_review and next_review is None and "next_review" in article.meta else None
    )
    if removed is not None and not _NEXT_LINE.match(doc.lines[removed]):
        raise EditError(
            f"line {removed + 1}: `next_review` is not written as `next_review: YYYY-MM-DD`; delete that line by hand "
            "and run the command again"
        )
    # from the bottom up, so that each edit leaves the line numbers above it as they were
    for index in sorted([*inserts, *([removed] if removed is not None else [])], reverse=True):
        if index == removed:
            del doc.lines[index]
            del doc.ends[index]
            continue
        new = inserts[index]
        doc.lines[index + 1 : index + 1] = new
        # the inserted lines end as the file's lines do; the line they follow keeps its own ending
        doc.ends[index + 1 : index + 1] = [doc.eol] * len(new)
        if doc.ends[index] == "":  # cannot happen inside front matter, but never glue lines together
            doc.ends[index] = doc.eol
    result = doc.text()
    kept = next_review if next_review is not None else (None if clear_next_review else article.meta.get("next_review"))
    _verify(article, result, status, list(article.meta.get("reviews") or []) + [record], kept)
    return result


_ACKNOWLEDGED_LINE = re.compile(
    r"^([ \t]*(?:-[ \t]+)?retraction_acknowledged[ \t]*:[ \t]*)([\"']?)([0-9-]*)\2([ \t]*(?:#.*)?)$"
)


def acknowledge_retraction(data: bytes, article: Article, index: int, date: str) -> bytes:
    """The file with `retraction_acknowledged: DATE` set on reference number `index` (added as
    the reference's last field, or its value replaced); nothing else changed. The reference is
    content: the article's digest changes, and an approval must then be given to the new text."""
    refs = article.meta.get("references")
    if not isinstance(refs, list) or not 0 <= index < len(refs) or not isinstance(refs[index], dict) or not refs[index]:
        raise EditError(f"reference {index + 1} is not a mapping of fields; edit it by hand")
    doc = _Lines.of(data)
    if "retraction_acknowledged" in refs[index]:
        line = article.pos("references", index, "retraction_acknowledged")[0] - 1
        _set_value(doc, line, _ACKNOWLEDGED_LINE, "retraction_acknowledged", date)
    else:
        first = next(iter(refs[index]))
        line, col = article.pos("references", index, first)
        lead = doc.lines[line - 1][: col - 1]
        if lead.strip() not in ("-", "") or not doc.lines[line - 1][col - 1 :].startswith(str(first)):
            raise EditError(
                f"line {line}: the reference is not written as a block of `key: value` lines; add "
                f"`retraction_acknowledged: {date}` to it by hand"
            )
        if index + 1 < len(refs):
            stop = article.pos("references", index + 1)[0] - 1
        else:
            stop = _next_key_index(_top_level_lines(article), article.pos("references")[0] - 1, article.body_line - 2)
        after = _last_value_line(doc, line - 1, stop)
        doc.lines[after + 1 : after + 1] = [" " * (col - 1) + f"retraction_acknowledged: {date}"]
        doc.ends[after + 1 : after + 1] = [doc.eol]
    result = doc.text()
    expected = [dict(ref) if isinstance(ref, dict) else ref for ref in refs]
    expected[index]["retraction_acknowledged"] = date
    reread, problems = load_article(article.path, result)
    if reread is None or reread.body != article.body or reread.meta != {**article.meta, "references": expected}:
        detail = f" ({problems[0].message})" if problems else ""
        raise EditError(
            f"the edit would not read back as intended{detail}; the file was left unchanged, please add "
            f"`retraction_acknowledged: {date}` to the reference by hand and report this"
        )
    return result


def _set_value(doc: _Lines, index: int, line: re.Pattern[str], key: str, value: str, form: str = "YYYY-MM-DD") -> None:
    """The value on line `index` (written `key: VALUE`, as `line` matches it) replaced by `value`,
    its quotes and comment kept."""
    match = line.match(doc.lines[index])
    if not match:
        raise EditError(
            f"line {index + 1}: `{key}` is not written as `{key}: {form}`; fix that line by hand and run the "
            "command again"
        )
    doc.lines[index] = f"{match.group(1)}{match.group(2)}{value}{match.group(2)}{match.group(4)}"


def _replace_status(doc: _Lines, article: Article, status: str) -> None:
    if "review_status" not in article.meta:
        raise EditError("the front matter has no `review_status`; add `review_status: submitted` first")
    index = _top_level_lines(article)["review_status"] - 1
    _set_value(doc, index, _STATUS_LINE, "review_status", status, "VALUE")


def _top_level_lines(article: Article) -> dict[str, int]:
    return {path[0]: pos[0] for path, pos in article.located.positions.items() if len(path) == 1 and pos[1] == 1}


def _next_key_index(keys: dict[str, int], index: int, end: int) -> int:
    return min((line - 1 for line in keys.values() if line - 1 > index), default=end)


def _last_value_line(doc: _Lines, key_index: int, stop: int) -> int:
    """The last line of a block value that holds something (not blank, not a comment)."""
    for index in range(stop - 1, key_index, -1):
        stripped = doc.lines[index].strip()
        if stripped and not stripped.startswith("#"):
            return index
    return key_index


def _item_indent(doc: _Lines, article: Article) -> str:
    line, _ = article.pos("reviews", 0)
    match = _ITEM.match(doc.lines[line - 1])
    if not match:
        raise EditError(
            f"line {line}: the first review record does not start with `- `; write `reviews` as a block list"
        )
    return match.group(0)  # the writer's own indentation and gap after the dash


def _record_lines(record: dict, item: str) -> list[str]:
    """The record as a block mapping; `item` is the first line's lead, e.g. `  - `."""
    lines = []
    for number, (key, value) in enumerate(record.items()):
        lead = item if number == 0 else re.sub(r"[^\t]", " ", item)
        lines.append(f"{lead}{key}: {_scalar(value)}")
    return lines


def _scalar(value: object) -> str:
    text = str(value)
    if _PLAIN.match(text) and text not in _YAML_WORDS:
        return text
    quoted = json.dumps(text, ensure_ascii=False)  # JSON strings are YAML double-quoted strings
    return _UNSAFE_CHARS.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def _verify(before: Article, data: bytes, status: str, reviews: object, next_review: object) -> None:
    after, problems = load_article(before.path, data)
    expected = {k: v for k, v in before.meta.items() if k not in WORKFLOW_FIELDS}
    if (
        after is None
        or {k: v for k, v in after.meta.items() if k not in WORKFLOW_FIELDS} != expected
        or after.body != before.body
        or after.digest != before.digest
        or after.status != status
        or after.meta.get("reviews") != reviews
        or after.meta.get("next_review") != next_review
    ):
        detail = f" ({problems[0].message})" if problems else ""
        raise EditError(
            f"the edit would not read back as intended{detail}; the file was left unchanged, please edit the front "
            "matter by hand and report this"
        )


# -- what `start-review` and `review` write (the workflow's rules, applied) -----------
def signature(person: Person, policy: Policy, decision: str, at: str = "", commit: str = "", review: str = "") -> dict:
    """What a review record says of its signature, besides who, which day and which text: for
    an approval, what it attests (the policy's words); the reviewer's printed name and
    credentials as the registry has them now; and, when known, the time in UTC, the commit
    reviewed and the review's address."""
    signed: dict[str, str] = {}
    if decision == Decision.APPROVED and policy.approval_meaning.strip():
        signed["meaning"] = plain_note(policy.approval_meaning)  # as plain as a comment: it is written into records
    signed["name"] = " ".join(person.name.split())
    if person.credentials.strip():
        signed["credentials"] = " ".join(person.credentials.split())
    for key, value in (("at", at), ("commit", commit), ("review", review)):
        if value:
            signed[key] = value
    return signed


@dataclass(frozen=True)
class ReviewPlan:
    record: dict
    status: str
    next_review: str | None
    clear_next_review: bool = False  # changes requested: no approval stands, so no review date either


def plan_start_review(article: Article) -> bool:
    """Whether starting the review also clears `next_review`: an approved article going
    back for a revision has no approval left that the date could follow from."""
    if article.status not in (Status.SUBMITTED, Status.APPROVED):
        raise EditError(
            f"{article.path}: review_status is `{article.status or '(none)'}`; only a `submitted` or `approved` "
            "article can start review (a draft that is ready, or an approved article about to be revised); an "
            "`under_review` one is already waiting for the board"
        )
    return article.status == Status.APPROVED


def plan_review(
    article: Article, ctx, reviewer: str, decision: str, date: str, note: str | None, at: str = ""
) -> ReviewPlan:
    """The record to append and where the workflow moves, or an EditError saying why not.
    `at`: the time of the review in UTC (YYYY-MM-DDTHH:MM:SSZ), recorded when it falls on `date`."""
    from . import retractions, workflow  # the state machine and the quorum live there

    if article.status != Status.UNDER_REVIEW:
        hint = " (run `editorial start-review` first)" if article.status == Status.SUBMITTED else ""
        raise EditError(
            f"{article.path}: review_status is `{article.status or '(none)'}`; only an `under_review` article can be "
            f"reviewed{hint}"
        )
    person = ctx.registry.get(reviewer)
    if person is None:
        raise EditError(
            f"`{reviewer}` is not in {ctx.registry.path}; use the id of a Medical Advisory Board member listed there"
        )
    if not person.is_board:
        raise EditError(
            f"`{reviewer}` ({person.name}) is not a Medical Advisory Board member; only people with role `board` can "
            "review"
        )
    if not person.active_on(date):
        raise EditError(
            f"`{reviewer}` is not on the board on {date} (serves {person.since or '?'} to {person.until or 'now'}); "
            "only active board members can review"
        )
    if reviewer in article.authors:
        raise EditError(f"`{reviewer}` is an author of {article.path} and cannot review it; ask another board member")
    if date > ctx.today:
        raise EditError(f"--date {date} is in the future; a review is dated the day it is done")
    if article.fields.created and date < article.fields.created:
        raise EditError(f"--date {date} is before the article was written ({article.fields.created})")
    record = {"reviewer": reviewer, "decision": decision, "date": date, "digest": article.digest}
    note = plain_note(note or "")
    if note:
        record["note"] = note
    record.update(signature(person, ctx.policy, decision, at if at.startswith(date) else ""))
    if decision == Decision.CHANGES_REQUESTED:
        return ReviewPlan(record, Status.SUBMITTED, None, clear_next_review=True)
    retracted = retractions.blocking(retractions.cited_works(article), ctx.retractions)
    if retracted:
        raise EditError(f"{article.path}: cannot record an approval: {retractions.refusal(retracted)}")
    log = article.meta.get("reviews")
    reviewed = Article(
        article.path,
        {**article.meta, "reviews": [*(log if isinstance(log, list) else []), record]},
        article.body,
        article.body_line,
        article.located,
        article.digest,
    )
    if workflow.quorum_met(reviewed, ctx):
        return ReviewPlan(record, Status.APPROVED, workflow.review_due(date, ctx))
    return ReviewPlan(record, Status.UNDER_REVIEW, None)
