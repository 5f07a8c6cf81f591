"""The loader's YAML and file traps as broken variants of a sample article, checked by the
real `editorial validate` (the loader itself: unit/test_loader.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from editorial.core.loader import MAX_FILE_BYTES
from support.cli import run_editorial
from support.clock import sample_warnings

SUBMITTED = "content/articles/septic-shock-first-hour.md"
APPROVED = "content/articles/itp-refill-sepsis.md"


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
