"""guides/reference.md is what `python -m editorial.reference` prints, names every field of the
schemas and every command of the CLI; the README and the guides point at nothing outside the
repository."""

from __future__ import annotations

import re

import pytest

from editorial import cli, reference
from editorial.core.jsonschemas import schema
from support.site_html import REPO

GUIDE = REPO / "guides" / "reference.md"


def test_the_committed_guide_is_the_generated_one():
    assert GUIDE.read_text(encoding="utf-8") == reference.markdown(), (
        "regenerate the guide: python -m editorial.reference > guides/reference.md"
    )


def _rows(table_heading: str) -> list[str]:
    """The first column of the first table after a heading of the guide."""
    text = reference.markdown()
    after = text[text.index(table_heading) :]
    table = after[after.index("\n| ") :].split("\n\n")[0]
    return [m.group(1) for m in re.finditer(r"^\| `([^`]+)` \|", table, re.M)]


@pytest.mark.parametrize(
    "heading, node",
    [
        ("## Article front matter", lambda: schema("article")),
        ("### A review record", lambda: schema("article")["properties"]["reviews"]["items"]),
        ("### A reference", lambda: schema("article")["properties"]["references"]["items"]),
        ("## The people registry", lambda: schema("people")["properties"]["people"]["items"]),
        ("## The editorial policy", lambda: schema("policy")),
    ],
)
def test_every_field_of_the_schema_has_its_row(heading, node):
    assert _rows(heading) == list(node()["properties"])


def test_a_row_says_whether_the_field_is_required_what_it_accepts_and_its_default():
    text = reference.markdown()
    assert "| `review_status` | yes | one of `submitted`, `under_review`, `approved` |" in text
    assert "| `next_review` | no | date, YYYY-MM-DD |" in text
    assert "| `min_approvals` | no | whole number | `1` | Distinct board approvals" in text
    assert "| `specialty_match` | no | `true` or `false` | `false` |" in text


def test_every_command_and_argument_of_the_cli_is_in_the_guide():
    text = reference.markdown()
    parser = cli.build_parser()
    names = [name for name, _, _ in reference._subcommands(parser)]
    assert {"validate", "check-transitions", "record-reviews", "retractions update", "preview"} <= set(names)
    for name, _, sub in reference._subcommands(parser):
        section = text[text.index(f"### `editorial {name}`") :].split("\n### ")[0]
        assert f"    editorial {name} [-h]" in section
        for action in sub._actions:
            if action.dest != "help":
                assert f"| `{reference._invocation(action)}` |" in section, (name, action.dest)
    for status, meaning in ((0, "all good"), (1, "problems found in the content"), (2, "could not run")):
        assert re.search(rf"^\| {status} \| [^\n]*{meaning}", text, re.M)


def test_the_readme_and_the_guides_point_at_nothing_outside_the_repository():
    for path in [REPO / "README.md", *sorted((REPO / "guides").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        assert "SPEC.md" not in text and "shared folder" not in text, path.name
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if re.match(r"[a-z]+:", target):  # a web address, not a file
                continue
            assert (path.parent / target).resolve().is_relative_to(REPO), (path.name, target)
            assert (path.parent / target).exists(), (path.name, target)


def test_every_file_of_the_project_a_guide_names_exists():
    """A guide that names `tests/test_x.py` or `scripts/y.py` sends a newcomer to nothing once the
    file moves: every such path in the README and the guides is a file of the repository."""
    folders = r"(?:tests|scripts|schemas|overrides|\.github)"
    named = re.compile(rf"(?<![\w./-])({folders}/[\w./-]*\w\.(?:py|json|yml|html|sh))")
    for path in [REPO / "README.md", *sorted((REPO / "guides").glob("*.md"))]:
        for target in named.findall(path.read_text(encoding="utf-8")):
            assert (REPO / target).exists(), (path.name, target)
