"""The loader: bytes to an article or to problems at the right line and column, the pure
functions on small documents (the same traps through `editorial validate`: acceptance/test_loader_cli.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from editorial.core.loader import MAX_FILE_BYTES, load_article, load_registry

REPO = Path(__file__).resolve().parents[2]


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


def test_a_corpus_holds_one_copy_of_each_key_and_short_value():
    # A build holds every approved article's front matter: its keys and its names, journals and
    # dates repeat across the corpus, so each is one object (the workers' pickles share them too)
    reference = "references:\n  - id: r1\n    container-title: The Lancet\n    issued: 2024-05-01\n"
    a, _ = load_article("a.md", f"---\nid: a\n{reference}---\n".encode())
    b, _ = load_article("b.md", f"---\nid: b\n{reference}---\n".encode())
    first, second = a.meta["references"][0], b.meta["references"][0]
    assert first == second
    for key in first:
        (same,) = (k for k in second if k == key)
        assert same is key, key
        assert second[key] is first[key], key
    long = "x " * 60  # a paragraph: kept as it is, not shared
    c, _ = load_article("c.md", f"---\nabstract: {long}\n---\n".encode())
    d, _ = load_article("d.md", f"---\nabstract: {long}\n---\n".encode())
    assert c.meta["abstract"] == d.meta["abstract"] and c.meta["abstract"] is not d.meta["abstract"]


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
