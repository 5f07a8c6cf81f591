"""The loader: bytes to an article or to problems at the right line and column.

First the pure functions on small documents, then the YAML and file traps of the
issue as broken variants of a sample article checked by the real `editorial validate`."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from conftest import run_editorial, sample_warnings
from editorial.core.loader import MAX_FILE_BYTES, load_article, load_registry

SUBMITTED = "content/articles/septic-shock-first-hour.md"
APPROVED = "content/articles/itp-refill-sepsis.md"
REPO = Path(__file__).resolve().parents[1]


def only_problem(data: bytes, path: str = "a.md"):
    article, problems = load_article(path, data)
    assert article is None
    assert len(problems) == 1, problems
    return problems[0]


def at(problem) -> tuple[str, int, int]:
    return problem.code, problem.line, problem.column


# -- pure loader ---------------------------------------------------------------------------
def test_sample_articles_load_with_plain_values():
    for path in sorted((REPO / "content/articles").glob("*.md")):
        article, problems = load_article(path.name, path.read_bytes())
        assert problems == [] and article is not None
        assert article.slug == path.stem
        assert isinstance(article.meta["created"], str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", article.meta["created"])
        assert article.digest.startswith("sha256:") and len(article.digest) == 71
        assert "## From the" in article.body


def test_dates_become_iso_text_so_the_schema_can_check_them():
    article, _ = load_article("a.md", b"---\ncreated: 2025-05-30\nstamp: 2025-05-30 10:15:00\n---\n")
    assert article.meta == {"created": "2025-05-30", "stamp": "2025-05-30T10:15:00"}


@pytest.mark.parametrize("value", ["2025-02-30", "2025-13-01", "0000-01-01"])
def test_impossible_dates_stay_as_written(value):
    article, problems = load_article("a.md", f"---\ncreated: {value}\n---\n".encode())
    assert problems == [] and article.meta["created"] == value


def test_huge_numbers_stay_as_written():
    article, problems = load_article("a.md", b"---\na: " + b"9" * 5000 + b"\nb: 0x" + b"f" * 5000 + b"\n---\n")
    assert problems == []
    assert article.meta["a"] == "9" * 5000 and article.meta["b"].startswith("0xfff")


def test_positions_of_nested_keys_and_items():
    data = (
        b"---\nid: x\nreferences:\n  - id: a\n    DOI: 10.1/x\n  - {id: b, PMID: '1'}\nauthors: [p, q]\n---\n\nBody\n"
    )
    article, problems = load_article("a.md", data)
    assert problems == []
    assert article.pos("id") == (2, 1)
    assert article.pos("references", 0, "DOI") == (5, 5)
    assert article.pos("references", 1, "PMID") == (6, 13)
    assert article.pos("authors", 1) == (7, 14)
    assert article.pos("nothing", "here") == (2, 1)  # unknown paths fall back to the front matter's start
    assert article.body_line == 9 and article.body == "\nBody\n"


def test_crlf_bom_and_cr_only_are_read_as_lf():
    lf = b"---\nid: x\n---\n\nLine one.\nLine two.\n"
    base, _ = load_article("a.md", lf)
    for variant in (
        lf.replace(b"\n", b"\r\n"),
        b"\xef\xbb\xbf" + lf,
        b"\xef\xbb\xbf" + lf.replace(b"\n", b"\r\n"),
        lf.replace(b"\n", b"\r"),
    ):
        article, problems = load_article("a.md", variant)
        assert problems == []
        assert article.meta == base.meta and article.body == base.body and article.digest == base.digest


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"", ("E104", 1, 1)),
        (b"   \n\n", ("E104", 1, 1)),
        (b"# Title\n\nNo front matter.\n", ("E104", 1, 1)),
        (b"---\nid: x\ntitle: never closed\n\nBody\n", ("E105", 1, 1)),
        (b"---\nid: x\ntitle: caf\xe9\n---\n", ("E101", 3, 11)),
        (b"---\nid: x\n---\nab\x00c\n", ("E111", 4, 3)),
        (b"---\n- a\n- b\n---\n", ("E110", 2, 1)),
        (b"---\njust a sentence\n---\n", ("E110", 2, 1)),
        (b"---\n---\nbody\n", ("E110", 2, 1)),
        (b"---\nid: x\nreview_status: submitted\nreview_status: approved\n---\n", ("E107", 4, 1)),
        (b"---\nreviews:\n  - reviewer: a\n    reviewer: b\n---\n", ("E107", 4, 5)),
        (b"---\nspecialties: &s [a]\ntags: *s\n---\n", ("E108", 2, 14)),
        (b"---\ntags: *s\n---\n", ("E108", 2, 7)),
        (b"---\n<<: {a: 1}\n---\n", ("E109", 2, 1)),
        (b"---\na: !!binary aGVsbG8=\n---\n", ("E109", 2, 4)),
        (b"---\na: !local x\n---\n", ("E109", 2, 4)),
        (b"---\nid: x\naudience:\n\t- clinician\n---\n", ("E106", 4, 1)),
        (b"---\nid: x\ntitle: What: now\n---\n", ("E106", 3, 12)),
        # too deep: PyYAML 6.0.4's libyaml stops at depth 1000 (column 1003), older ones recurse out (column 1)
        (b"---\na: " + b"[" * 5000 + b"]" * 5000 + b"\n---\n", ("E106", 2, None)),
        # YAML takes U+2028, U+2029 and U+0085 for line breaks, editors do not: refused where they are
        ("---\ntitle: a\u2028b\nid: x\nid: y\n---\n".encode(), ("E106", 2, 9)),
        ('---\nid: x\ntitle: "a\x85b"\n---\n'.encode(), ("E106", 3, 10)),
        # control characters: found by character, whatever offset the YAML library counts in
        ('---\nid: \u00e9\ntitle: "\u00e9\u00e9\x1b"\n---\n'.encode(), ("E106", 3, 11)),
        # columns count characters, not UTF-8 bytes
        ("---\naudience: [\u00e9\u00e9\u00e9, *a]\n---\n".encode(), ("E108", 2, 17)),
        ("---\ntitle: \u00e9\u00e9\u00e9: x\n---\n".encode(), ("E106", 2, 11)),
    ],
)
def test_traps_and_broken_files(data, expected):
    found = at(only_problem(data))
    if expected[2] is None:  # any column on that line
        found = found[:2] + (None,)
    assert found == expected


def test_tab_message_says_tabs():
    problem = only_problem(b"---\nid: x\naudience:\n\t- clinician\n---\n")
    assert "tab" in problem.message and "spaces" in problem.message


def test_duplicate_key_names_the_first_line():
    problem = only_problem(b"---\nid: x\nreview_status: submitted\ntitle: t\nreview_status: approved\n---\n")
    assert "first on line 3" in problem.message


def test_too_large_file():
    problem = only_problem(b"---\nid: x\n---\n" + b"a" * MAX_FILE_BYTES)
    assert at(problem) == ("E102", 1, 1)


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system",
        "!!python/object/apply:subprocess.call",
        "!!python/object/new:os.system",
    ],
)
def test_python_tags_run_nothing(tmp_path, tag):
    marker = tmp_path / "ran"
    data = f'---\nid: x\nconflicts: {tag} ["touch {marker}"]\n---\n'.encode()
    assert at(only_problem(data)) == ("E109", 3, 12)
    registry, problems = load_registry("people.yml", f'people: {tag} ["touch {marker}"]\n'.encode())
    assert registry is None and problems[0].code == "E109"
    assert not marker.exists()


def test_registry_loads_people():
    registry, problems = load_registry("content/people.yml", (REPO / "content/people.yml").read_bytes())
    assert problems == []
    board = registry.get("amara-okafor")
    assert board.is_board and board.since == "2024-01-01"
    assert registry.get("helen-marsh").until == "2024-12-31"
    assert not registry.get("jordan-mills").is_board


@pytest.mark.parametrize(
    "data, code",
    [
        (b"- a\n- b\n", "E110"),
        (b"people: nobody\n", "E110"),
        (b"people:\n  - id: a\n    id: b\n", "E107"),
        (b"people: [\n", "E106"),
        (b"\xff\xfe", "E101"),
    ],
)
def test_registry_problems(data, code):
    registry, problems = load_registry("people.yml", data)
    assert registry is None and [p.code for p in problems] == [code]


# -- the same traps through `editorial validate` ----------------------------------------------
def put(project: Path, rel: str, old: bytes, new: bytes) -> bytes:
    path = project / rel
    data = path.read_bytes()
    assert old in data
    data = data.replace(old, new, 1)
    path.write_bytes(data)
    return data


def line_col(data: bytes, needle: bytes) -> tuple[int, int]:
    offset = data.index(needle)
    return data.count(b"\n", 0, offset) + 1, offset - (data.rfind(b"\n", 0, offset) + 1) + 1


def validate(editorial, rel: str, code: str, pos: tuple[int, int], status: int = 1) -> str:
    rc, out, err = editorial("validate")
    assert "Traceback" not in out + err
    assert f"{rel}:{pos[0]}:{pos[1]}: {code} " in out, out
    assert rc == status, out
    return out


def test_cli_duplicate_review_status(project, editorial):
    data = put(project, SUBMITTED, b"reviews: []\n", b"reviews: []\nreview_status: approved\n")
    out = validate(editorial, SUBMITTED, "E107", line_col(data, b"review_status: approved"))
    assert "first on line" in out


def test_cli_anchor_and_alias(project, editorial):
    data = put(project, SUBMITTED, b"specialties: [critical-care", b"specialties: &sp [critical-care")
    data = put(project, SUBMITTED, b"conflicts: none\n", b"conflicts: none\ntags: *sp\n")
    validate(editorial, SUBMITTED, "E108", line_col(data, b"&sp"))


def test_cli_python_tag_runs_nothing(project, editorial):
    data = put(project, SUBMITTED, b"conflicts: none", b'conflicts: !!python/object/apply:os.system ["touch pwned"]')
    validate(editorial, SUBMITTED, "E109", line_col(data, b"!!python"))
    assert not (project / "pwned").exists()


@pytest.mark.parametrize(
    "front", [b"- id: septic-shock-first-hour\n- title: a list\n", b"A question written as a sentence\n"]
)
def test_cli_front_matter_not_a_mapping(project, editorial, front):
    path = project / SUBMITTED
    body = path.read_bytes().split(b"\n---\n", 1)[1]
    path.write_bytes(b"---\n" + front + b"---\n" + body)
    validate(editorial, SUBMITTED, "E110", (2, 1))


def test_cli_too_large_file(project, editorial):
    path = project / SUBMITTED
    path.write_bytes(path.read_bytes() + b"\nPadding.\n" * (MAX_FILE_BYTES // 8))
    validate(editorial, SUBMITTED, "E102", (1, 1))


def test_cli_symlink_is_refused(project, editorial):
    link = project / "content/articles/linked-copy.md"
    os.symlink(project / SUBMITTED, link)
    out = validate(editorial, "content/articles/linked-copy.md", "E103", (1, 1))
    assert f"{SUBMITTED}:" not in out  # the real file is still fine


def test_cli_markdown_file_not_named_md_is_reported_not_skipped(project, editorial):
    """MkDocs renders .markdown files too: one must not slip past validate unchecked."""
    (project / SUBMITTED).rename(project / "content/articles/septic-shock-first-hour.markdown")
    validate(editorial, "content/articles/septic-shock-first-hour.markdown", "E113", (1, 1))


def test_cli_not_utf8(project, editorial):
    data = put(project, SUBMITTED, b"Suspected septic shock", b"Suspected septic sh\xf6ck")
    out = validate(editorial, SUBMITTED, "E101", line_col(data, b"\xf6"))
    assert "UTF-8" in out


def test_cli_nul_byte(project, editorial):
    data = put(project, SUBMITTED, b"Suspected septic shock", b"Suspected\x00septic shock")
    validate(editorial, SUBMITTED, "E111", line_col(data, b"\x00"))


def test_cli_bom_and_crlf_are_accepted_with_the_same_digest(project, editorial):
    # the approved article: its approval is bound to the digest, so a changed digest would fail validate
    path = project / APPROVED
    rc, lf_out, _ = editorial("digest", APPROVED)
    assert rc == 0
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    rc, out, err = editorial("validate")
    assert rc == 0, out + err
    assert out.strip().endswith(f"0 error(s), {sample_warnings()} warning(s)")
    rc, crlf_out, _ = editorial("digest", APPROVED)
    assert rc == 0 and crlf_out == lf_out


def test_cli_digest_never_reads_through_a_link_or_from_a_device(project):
    """A link to /dev/zero in a checkout would have `editorial digest` read for ever."""
    link = project / "content" / "articles" / "zero.md"
    link.symlink_to("/dev/zero")
    rc, out, err = run_editorial("digest", link, "/dev/zero", APPROVED, cwd=project, timeout=30)
    assert rc == 1 and "Traceback" not in err
    assert f"{link}:1:1: E103 {link} is a symbolic link (to /dev/zero)" in err
    assert "/dev/zero:1:1: E115 /dev/zero is not a regular file" in err
    assert out.startswith("sha256:") and out.strip().endswith(APPROVED)  # the article itself still gets its digest


def test_cli_no_front_matter(project, editorial):
    path = project / SUBMITTED
    path.write_bytes(path.read_bytes()[len(b"---\n") :])
    validate(editorial, SUBMITTED, "E104", (1, 1))


def test_cli_front_matter_never_closed(project, editorial):
    put(project, SUBMITTED, b"\n---\n\n## From", b"\n\n## From")
    validate(editorial, SUBMITTED, "E105", (1, 1))


def test_cli_tabs(project, editorial):
    data = put(project, SUBMITTED, b"audience: [clinician]", b"audience:\n\t- clinician")
    out = validate(editorial, SUBMITTED, "E106", line_col(data, b"\t"))
    assert "tab" in out


def test_cli_one_broken_file_does_not_hide_the_others(project, editorial):
    put(project, SUBMITTED, b"Suspected septic shock", b"Suspected\x00septic shock")
    data = put(project, APPROVED, b"A refill is an invasive procedure", b"A refill is an invasive intervention")
    rc, out, _ = editorial("validate")
    assert rc == 1
    assert f"{SUBMITTED}:" in out and f"{APPROVED}:{line_col(data, b'review_status:')[0]}:1: E701" in out
