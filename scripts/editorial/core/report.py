"""Problems as text lines, GitHub Actions annotations or JSON. No decisions here."""

from __future__ import annotations

import json
from collections.abc import Sequence

from .codes import CODES, title
from .model import Problem
from .visible import escape

FORMATS = ("text", "github", "json")


def render(problems: Sequence[Problem], fmt: str, files: int, notes: Sequence[str] = ()) -> str:
    problems = sorted(problems, key=lambda p: (p.commit == "", p.path, p.line, p.column, p.code))
    errors = sum(p.is_error for p in problems)
    infos = sum(p.severity == "info" for p in problems)
    warnings = len(problems) - errors - infos
    summary = f"{files} file(s) checked: {errors} error(s), {warnings} warning(s)" + (
        f", {infos} info" if infos else ""
    )
    if fmt == "json":
        return json.dumps([as_dict(p) for p in problems], indent=2, ensure_ascii=False)
    lines = [github_line(p) if fmt == "github" else text_line(p) for p in problems]
    lines.extend(f"note: {n}" for n in notes)
    lines.append(summary)
    return "\n".join(lines)


# A line a person reads shows an invisible or reordering character in a path or a quoted value as
# its code (`[U+202E]`): written as it is, it would turn the line around in a terminal or on GitHub.
def text_line(p: Problem) -> str:
    where = f"{escape(p.path)}:{p.line}:{p.column}: {p.code}"
    commit = f" [commit {p.commit}]" if p.commit else ""
    level = "" if p.is_error else f" {p.severity}:"
    return f"{where}{level} {escape(p.message)}{commit}"


def github_line(p: Problem) -> str:
    kind = {"error": "error", "warning": "warning"}.get(p.severity, "notice")
    heading = title(p.code) + (f" (commit {p.commit})" if p.commit else "")
    message = _data(escape(p.message))
    return f"::{kind} file={_prop(p.path)},line={p.line},col={p.column},title={_prop(heading)}::{message}"


def as_dict(p: Problem) -> dict:
    item = {
        "path": p.path,
        "line": p.line,
        "column": p.column,
        "code": p.code,
        "severity": p.severity,
        "message": p.message,
    }
    if p.code in CODES:
        item["help"] = CODES[p.code].todo
    if p.commit:
        item["commit"] = p.commit
    return item


def _data(text: str) -> str:  # GitHub's escaping for workflow commands
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
