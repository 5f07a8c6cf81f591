"""guides/reference.md, made from the package itself: the fields of the front matter, the review
records, the references, the people registry and the policy from the JSON Schemas; every
command and its arguments from the CLI's own parser; the exit statuses, the output formats and
the settings from where they are defined. The words between them are written here, once.

`python -m editorial.reference > guides/reference.md`; a test checks that the committed guide
is what this prints, as it does for guides/error-codes.md."""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Iterator

from . import cli, clock
from .commands._shared import CANNOT_RUN, OK, PROBLEMS
from .core import report
from .core.jsonschemas import schema
from .core.vocabulary import ARTICLES, CONFIG, CONTENT, PREVIEW_CHANGED, PREVIEW_ONLY, REGISTRY

INTRO = """# Reference

The names writers, board members, CI and other tools rely on: where files live, what the front
matter holds, which commands exist and what they exit with. The tables are generated from the
package: the fields from the JSON Schemas in `schemas/`, the commands from the CLI itself
(`python -m editorial.reference > guides/reference.md`; a test checks this page is current).

"""

LAYOUT = [
    (f"`{CONFIG}`", "the site's configuration; the `editorial` plugin's options there are the editorial policy, "
     "read by the CLI too"),
    (f"`{CONTENT}/`", "the sources writers edit (MkDocs' `docs_dir`)"),
    (f"`{ARTICLES}/**/*.md`", "one article per file; the file's stem is its address (slug) on the site"),
    (f"`{REGISTRY}`", "the registry of writers and board members; never copied into the site"),
    ("`schemas/`", "JSON Schema (draft 2020-12): article front matter, people registry, policy (inside the package "
     "as `editorial.schemas`)"),
    ("`scripts/editorial/`", "the Python package: loader, rules, CLI, MkDocs plugin"),
    ("`tests/`", "the pytest suite"),
    ("`site/`", "the built site; never committed"),
]  # fmt: skip

ARTICLE = """
## Article front matter

Between two `---` lines at the top of the article, in YAML. The key is `review_status`, not
`status`: mkdocs-material reads a page's `status` for its navigation badges.

```yaml
---
id: itp-refill-sepsis
title: Can an intrathecal pump be refilled in a patient with active sepsis?
description: One or two sentences that answer the question.
audience: [clinician]
specialties: [anesthesia, infectious-disease]
authors: [jordan-mills]
created: 2025-05-30
updated: 2025-06-09
review_status: submitted
reviews: []
conflicts: none
references: []
---
```

The body's answer sits under `## From the Guidelines` and/or `## From the Research`; it cites
with Pandoc's syntax, `[@evans2021]` or `[@koljonen2021; @boviatsis2004]`, and the site numbers
the references in the order they are first cited.
"""

DIGEST = """
## The content digest

The digest an approval is bound to (`editorial digest FILE`) is SHA-256 over the article with its
workflow fields (`review_status`, `reviews`, `next_review`) left out: the other front-matter
fields in a canonical form, and the body with its line endings made LF. A change of wording, of a
reference or of the title changes the digest; moving the file does not (a move of an approved
article needs a board approver all the same: its address changes).

## The review workflow

```
submitted ──> under_review ──> approved
    ^              │   ^           │
    └──────────────┘   └───────────┘
   changes requested     revision
```

- A new article starts as `submitted`, with no reviews.
- `under_review -> approved` needs the policy's number (`min_approvals`) of distinct approvals
  whose digest is the article's digest now, each from a board member serving on its date who is
  not an author, given in the pull request that approves the article.
- An approved article whose digest changes is no longer approved: its approval does not carry over.
- `reviews` only grows: records are never edited or removed.
"""

COMMANDS = f"""
## Commands

`pip install .` installs the `editorial` command (also `python -m editorial`) and the MkDocs
plugin. Every problem is one line, `path:line:column: CODE message`; `--format github` prints
GitHub Actions annotations instead, `--format json` a JSON list ({", ".join(f"`{f}`" for f in report.FORMATS)}).

| exit status | means |
| --- | --- |
| {OK} | all good: nothing to fix (warnings and information may be printed) |
| {PROBLEMS} | problems found in the content: the lines say where and what to do |
| {CANNOT_RUN} | the command itself could not run: bad arguments, no `{CONFIG}` here, a ref git does not know |

`mkdocs build` builds the public site into `site/`: approved articles, the pages the plugin
makes and the `site_pages`, nothing else (an asset only when a published page's final HTML
refers to it); `mkdocs serve` (or `editorial preview FILE`) is a live
preview for writers. `EDITORIAL_PREVIEW=1 mkdocs build` makes a preview build for reviewers:
every article, each one not yet approved under a "pending human review" banner, the whole site
marked as a preview and `noindex`; `editorial audit` refuses a preview build.
"""

SETTINGS = [
    (f"`{clock.VARIABLE}=YYYY-MM-DD`", "the day the CLI and the plugin judge on (a review falls due, a date is in "
     "the future); the machine's date when unset. The test suite fixes it"),
    ("`EDITORIAL_PREVIEW=1`", "`mkdocs build` makes a preview build (above)"),
    (f"`{PREVIEW_CHANGED}=PATHS`", "a preview's home page lists these articles first (the pull request's changes)"),
    (f"`{PREVIEW_ONLY}=PATHS`", "a preview renders only these articles, with the site's own pages (seconds, not "
     "the whole corpus); a public build refuses it (E978)"),
    ("`EDITORIAL_CACHE=off`", "no cache is read or written (`.cache/editorial/`), e.g. to time a cold run"),
    ("`CI`", "set by CI services: `editorial validate` then never reads its cache"),
]  # fmt: skip

CODES = """
## Error codes

Every `E` (error), `W` (warning) and `I` (information) code, what it means and what to do about
it: [error-codes.md](error-codes.md), generated from the code table (`scripts/editorial/core/codes.py`).
"""

# What a command's arguments cannot say in a line.
NOTES = {
    "check-transitions": """\
Every commit in base..head, and each article's net change from base to head, is judged. With
`--reviews` (GitHub's "list reviews for a pull request" JSON, pages concatenated into one array),
an `approved` record is confirmed only when its member's latest approving, blocking or dismissed
review is APPROVED on a commit where the article has the record's digest; a `changes_requested`
record needs any review by that member. With `--approvers`, a record is confirmed when its
member's login is listed. Without either, that check is not made and the output says so.""",
    "record-reviews": """\
It writes the records that the GitHub reviews prove (as `check-transitions` confirms them) into
each article changed in base..head, moves `review_status` as the workflow says, and commits them,
one commit per status step; every other byte of the file stays as it was, and a second run
writes nothing.""",
}


_WORDS = {"string": "text", "integer": "whole number", "boolean": "`true` or `false`", "number": "number"}


def _kind(node: dict) -> str:
    """What a schema node accepts, in words."""
    if "enum" in node:
        return "one of " + ", ".join(f"`{v}`" for v in node["enum"])
    kind = node.get("type")
    if isinstance(kind, list):
        return " or ".join(_WORDS.get(str(k), str(k)) for k in kind)
    if kind == "array":
        items = node.get("items", {})
        if items.get("type") == "object":
            return "list of mappings of " + ", ".join(f"`{k}`" for k in items.get("properties", {}))
        return "list: " + _kind(items)
    if kind == "object":
        return "mapping of " + ", ".join(f"`{k}`" for k in node.get("properties", {}))
    if node.get("format") == "date":
        return "date, YYYY-MM-DD"
    return _WORDS.get(str(kind), str(kind))


def table(head: tuple[str, str], rows: list[tuple[str, str]]) -> list[str]:
    return [f"| {head[0]} | {head[1]} |", "| --- | --- |", *(f"| {a} | {_cell(b)} |" for a, b in rows)]


def _yaml(value: object) -> str:
    """A default as it is written in mkdocs.yml."""
    if value == "":
        return "empty"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`" if not isinstance(value, list) else "`[" + ", ".join(map(str, value)) + "]`"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def fields(node: dict, *, defaults: bool = False) -> list[str]:
    """A table of a schema object's properties: name, required, what it accepts, what it is."""
    required = set(node.get("required", ()))
    head = "| field | required | accepts | " + ("default | " if defaults else "") + "what it holds |"
    lines = [head, "| --- " * (5 if defaults else 4) + "|"]
    for name, prop in node["properties"].items():
        default = _yaml(prop["default"]) if "default" in prop else ""
        lines.append(
            f"| `{name}` | {'yes' if name in required else 'no'} | {_cell(_kind(prop))} | "
            + (f"{_cell(default)} | " if defaults else "")
            + f"{_cell(prop.get('description', ''))} |"
        )
    return lines


def _subcommands(parser: argparse.ArgumentParser) -> Iterator[tuple[str, str, argparse.ArgumentParser]]:
    """(name, help, parser) of every command, nested ones as `retractions update`. argparse has
    no public way to list them; its subparsers action holds them."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            for name, sub in action.choices.items():
                nested = list(_subcommands(sub))
                yield from ((f"{name} {n}", h, p) for n, h, p in nested) if nested else [(name, helps[name], sub)]


def _invocation(action: argparse.Action) -> str:
    if not action.option_strings:
        name = str(action.metavar or action.dest)
        return f"{name} ..." if action.nargs in ("*", "+") else name
    if action.nargs == 0:
        return ", ".join(action.option_strings)
    value = action.metavar or (
        "{" + ",".join(map(str, action.choices)) + "}" if action.choices else action.dest.upper()
    )
    return ", ".join(f"{option} {value}" for option in action.option_strings)


def commands() -> list[str]:
    lines: list[str] = []
    for name, help_text, sub in _subcommands(cli.build_parser()):
        sub.formatter_class = functools.partial(argparse.HelpFormatter, width=10_000)  # one line, any terminal
        usage = sub.format_usage().removeprefix("usage: ").strip()
        sentence = _cell(help_text)
        lines += ["", f"### `editorial {name}`", "", f"{sentence[:1].upper()}{sentence[1:]}.", "", f"    {usage}", ""]
        rows = [a for a in sub._actions if not isinstance(a, argparse._HelpAction)]
        if rows:
            lines += ["| argument | what it is |", "| --- | --- |"]
            for action in rows:
                note = (action.help or "").replace("%%", "%")
                if action.required and action.option_strings:
                    note = f"required; {note}" if note else "required"
                lines.append(f"| `{_invocation(action)}` | {_cell(note)} |")
        if name in NOTES:
            lines += ["", NOTES[name]]
    return lines


def markdown() -> str:
    article = schema("article")
    parts = [INTRO.strip(), "", "## Layout", "", *table(("path", "what"), LAYOUT), "", ARTICLE.strip(), ""]
    parts += fields(article)
    parts += ["", "### A review record", "", _cell(article["properties"]["reviews"]["description"]), ""]
    parts += fields(article["properties"]["reviews"]["items"])
    reference = article["properties"]["references"]
    parts += ["", "### A reference", "", _cell(reference["description"]) + " (CSL is the form Pandoc reads.)", ""]
    parts += fields(reference["items"])
    people = schema("people")
    parts += ["", f"## The people registry (`{REGISTRY}`)", "", _cell(people["description"]), ""]
    parts += ["```yaml", "people:", "  - id: amara-okafor", "    name: Amara Okafor", "    credentials: MD"]
    parts += ["    roles: [board]", "    specialties: [anesthesia]", "    github: aokafor", "    since: 2024-01-01"]
    parts += ["```", "", *fields(people["properties"]["people"]["items"])]
    policy = schema("policy")
    parts += ["", "## The editorial policy", ""]
    parts += [f"The `editorial` plugin's options in `{CONFIG}` are the policy; the CLI reads the same options.", ""]
    parts += ["```yaml", "plugins:", "  - editorial:", "      min_approvals: 1", "      review_interval_days: 365"]
    parts += ["      site_pages: [index.md, about.md]", "```", "", *fields(policy, defaults=True)]
    parts += ["", DIGEST.strip(), "", COMMANDS.strip(), *commands()]
    parts += ["", "## Settings", "", *table(("variable", "what it does"), SETTINGS), "", CODES.strip()]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown())
