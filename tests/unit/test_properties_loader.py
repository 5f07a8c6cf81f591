"""Property tests: whatever bytes or YAML a file holds, the loader (and the rules after
it) answer with an article or with problems, never with an exception; and the digest
does not see line endings or a byte-order mark."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from editorial.core.corpus import Source, build
from editorial.core.loader import load_article, load_registry
from editorial.core.model import Article, Policy, Problem, Registry

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
REGISTRY = Source("content/people.yml", (REPO / "content/people.yml").read_bytes())
SAMPLE = (REPO / "content/articles/itp-refill-sepsis.md").read_bytes()
CODE = re.compile(r"[EWI]\d{3}")
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FIELDS = [
    "id",
    "title",
    "description",
    "patient_summary",
    "audience",
    "specialties",
    "authors",
    "created",
    "updated",
    "review_status",
    "reviews",
    "next_review",
    "conflicts",
    "references",
    "reviewer",
    "decision",
    "date",
    "digest",
    "evidence",
    "DOI",
    "PMID",
    "PMCID",
    "URL",
    "people",
    "roles",
    "since",
    "until",
    "github",
    "type",
]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.sampled_from(
        [
            "approved",
            "guideline",
            "research",
            "amara-okafor",
            "jordan-mills",
            "[@evans2021]",
            "2025-02-30",
            "sha256:" + "0" * 64,
        ]
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)), inner, max_size=5),
    ),
    max_leaves=25,
)
BODIES = st.one_of(
    st.text(max_size=200),
    st.lists(
        st.sampled_from(
            [
                "## From the Guidelines",
                "## From the Research",
                "Text [@evans2021].",
                "[@a; @b]",
                "<script>",
                "`code [@x]`",
                "```",
                "<!-- c -->",
                "[x](javascript:y)",
                "",
                "# Title",
            ]
        ),
        max_size=8,
    ).map("\n".join),
)


def check_answer(data: bytes, article, problems) -> None:
    assert (article is None) == bool(problems), (article, problems)
    if article is not None:
        assert isinstance(article, (Article, Registry))
    lines = data.count(b"\n") + data.count(b"\r") + 2
    for problem in problems:
        assert isinstance(problem, Problem) and CODE.fullmatch(problem.code)
        assert 1 <= problem.line <= lines and problem.column >= 1 and problem.message


def check_pipeline(data: bytes) -> None:
    """The rules, too, must turn anything the loader accepts into problems, not internal errors."""
    corpus = build([Source("content/articles/generated.md", data)], REGISTRY, Policy(), "2026-01-01")
    internal = [p for p in corpus.problems if p.code == "E199"]
    assert internal == [], internal
    corpus.publication()


@SETTINGS
@given(st.binary(max_size=2000))
@example(b"\xef\xbb\xbf---\r\nid: x\r\n---\r\n")
@example(b"---\n\x00\n---\n")
@example(b"---\n" + b"[" * 3000 + b"\n---\n")
def test_arbitrary_bytes(data):
    article, problems = load_article("a.md", data)
    check_answer(data, article, problems)
    registry, problems = load_registry("people.yml", data)
    check_answer(data, registry, problems)


@SETTINGS
@given(st.binary(max_size=400), st.binary(max_size=400))
def test_arbitrary_bytes_inside_front_matter(front, body):
    data = b"---\n" + front + b"\n---\n" + body
    article, problems = load_article("a.md", data)
    check_answer(data, article, problems)


@SETTINGS
@given(VALUES, BODIES, st.booleans())
def test_arbitrary_yaml_values(value, body, flow):
    front = yaml.safe_dump(value, default_flow_style=flow, allow_unicode=True)
    data = f"---\n{front}---\n{body}".encode("utf-8", "surrogatepass")
    article, problems = load_article("a.md", data)
    check_answer(data, article, problems)
    registry, problems = load_registry("people.yml", front.encode("utf-8", "surrogatepass"))
    check_answer(data, registry, problems)
    check_pipeline(data)


@SETTINGS
@given(st.text(alphabet=st.sampled_from("ab:-?[]{},&*!|>'\"#%@`\t\n \\0x."), max_size=120), BODIES)
@example("a: &x 1\nb: *x\n", "")
@example("? [a]\n: b\n", "")
@example("a: !!python/object/apply:os.system [true]\n", "")
@example("a: 1\na: 2\n", "")
def test_arbitrary_yaml_text(front, body):
    data = f"---\n{front}\n---\n{body}".encode("utf-8", "surrogatepass")
    article, problems = load_article("a.md", data)
    check_answer(data, article, problems)
    registry, problems = load_registry("people.yml", front.encode())
    check_answer(data, registry, problems)
    check_pipeline(data)


@SETTINGS
@given(st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=8), BODIES)
def test_field_shaped_front_matter_through_every_rule(meta, body):
    front = yaml.safe_dump(meta, allow_unicode=True)
    check_pipeline(f"---\n{front}---\n{body}".encode("utf-8", "surrogatepass"))


@SETTINGS
@given(
    st.integers(0, 12),
    st.text(alphabet=st.characters(blacklist_characters="\r\x00", blacklist_categories=("Cs",)), max_size=60),
)
def test_sample_with_random_field_replaced(index, value):
    lines = SAMPLE.decode().split("\n")
    key = lines[1 + index].split(":", 1)[0]
    assume(key and not key.startswith(" "))
    lines[1 + index] = f"{key}: {value}"
    check_pipeline("\n".join(lines).encode())


def with_endings(data: bytes, bom: bool, crlf: bool) -> bytes:
    if crlf:
        data = data.replace(b"\n", b"\r\n")
    return (b"\xef\xbb\xbf" if bom else b"") + data


@SETTINGS
@given(
    st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=6),
    st.text(alphabet=st.characters(blacklist_characters="\r\ufeff", blacklist_categories=("Cs",)), max_size=200),
)
def test_digest_ignores_line_endings_and_bom(meta, body):
    data = f"---\n{yaml.safe_dump(meta, allow_unicode=True)}---\n{body}".encode()
    base, problems = load_article("a.md", data)
    assume(base is not None)
    for bom, crlf in [(True, False), (False, True), (True, True)]:
        other, problems = load_article("a.md", with_endings(data, bom, crlf))
        assert problems == [] and other.digest == base.digest


def test_digest_of_the_sample_survives_line_endings_and_bom():
    base, _ = load_article("a.md", SAMPLE)
    for bom, crlf in [(True, False), (False, True), (True, True)]:
        other, _ = load_article("a.md", with_endings(SAMPLE, bom, crlf))
        assert other.digest == base.digest
    assert base.digest in SAMPLE.decode()  # and it is the digest the board approved


REVIEW_FIELDS = ["reviewer", "decision", "date", "digest", "note"]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(REVIEW_FIELDS + ["next_review", "review_status", "reviews", "extra review"]), VALUES),
        min_size=1,
        max_size=4,
    )
)
@example([("date", "2026-02-30")])
@example([("date", dt.date(2026, 6, 9)), ("next_review", "2027-02-30")])
@example([("extra review", {"reviewer": "amara-okafor", "decision": "changes_requested", "date": "x"})])
def test_workflow_fields_of_an_approved_article(changes):
    """The workflow fields are outside the digest, so the approval still matches while
    they hold anything at all: the approval rules see every odd value."""
    article, _ = load_article("a.md", SAMPLE)
    meta = yaml.safe_load(yaml.safe_dump(article.meta))
    for field, value in changes:
        reviews = meta.get("reviews") if isinstance(meta.get("reviews"), list) else None
        if field in REVIEW_FIELDS and reviews and isinstance(reviews[0], dict):
            reviews[0][field] = value
        elif field == "extra review" and reviews is not None:
            reviews.append(value)
        elif field not in REVIEW_FIELDS and field != "extra review":
            meta[field] = value
    data = f"---\n{yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)}---\n{article.body}".encode(
        "utf-8", "surrogatepass"
    )
    reloaded, problems = load_article("a.md", data)
    if reloaded is not None:  # (a value may be refused by the loader itself, e.g. a pasted U+0085)
        assert reloaded.digest == article.digest
    check_pipeline(data)


# The public build withholds, unread, a file whose bytes prove it cannot be approved (corpus.
# cannot_be_approved): that proof must never be wrong, however `approved` is spelled in YAML.
STATUS_FORMS = st.sampled_from(
    [
        "review_status: {v}",
        "review_status: '{v}'",
        'review_status: "{v}"',
        "review_status: >-\n  {v}",
        "review_status: |-\n  {v}",
        "{{review_status: {v}}}",
        '"review_status": {v}',
        "? review_status\n: {v}",
        "review_status: !!str {v}",
        "review_status:\n  {v}",
    ]
)
SPELLINGS = st.sampled_from(
    [
        "approved",
        "Approved",
        "APPROVED",
        "appr\\x6fved",
        "appr\\u006fved",
        "approv\\145d",
        "submitted",
        "under_review",
        "appro ved",
    ]
)


@SETTINGS
@given(form=STATUS_FORMS, spelling=SPELLINGS, bom=st.booleans(), crlf=st.booleans())
def test_a_file_the_build_does_not_read_is_never_an_approved_article(form, spelling, bom, crlf):
    from editorial.core.corpus import cannot_be_approved

    head, _, rest = SAMPLE.decode().partition("review_status: approved")
    text = head + form.format(v=spelling) + rest
    if crlf:
        text = text.replace("\n", "\r\n")
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode()
    article, _ = load_article("content/articles/generated.md", data)
    if cannot_be_approved(data):
        assert article is None or article.status != "approved", (form, spelling)
