"""GitHub's review list is input from outside: any file, of any depth, size, shape or number,
gets either reviews or one line that names the file and says what is wrong (exit 2), never the
internal-error catch-all."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editorial.core.reviews import Review, ReviewsError, parse

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=30,
)
FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "id": JSON,
        "user": st.one_of(JSON, st.fixed_dictionaries({"login": JSON})),
        "state": st.one_of(JSON, st.sampled_from(["APPROVED", "CHANGES_REQUESTED", "DISMISSED", "COMMENTED"])),
        "commit_id": st.one_of(JSON, st.just("a" * 40)),
        "submitted_at": st.one_of(JSON, st.sampled_from(["2026-01-01T00:00:00Z", "9999-12-31T23:59:59-23:59"])),
        "body": JSON,
        "html_url": JSON,
    },
)


def _judged(data: bytes) -> None:
    try:
        found = parse(data, "--reviews r.json")
    except ReviewsError as exc:
        message = str(exc)
        assert message.startswith("--reviews r.json") and "\n" not in message and len(message) < 600
        return
    assert all(isinstance(r, Review) and r.login == r.login.lower() and "\n" not in r.shown_login for r in found)
    for review in found:
        review.date, review.sort_key, review.where  # noqa: B018 - they never raise


@settings(max_examples=300, deadline=None)
@given(st.lists(FIELDS, max_size=4))
def test_any_review_list_shape_gives_reviews_or_one_line(items):
    _judged(json.dumps(items).encode())


@settings(max_examples=200, deadline=None)
@given(JSON)
def test_any_json_value_gives_reviews_or_one_line(value):
    _judged(json.dumps(value).encode())


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_give_reviews_or_one_line(data):
    _judged(data)


@pytest.mark.parametrize(
    "data",
    [
        b"[" * 200_000 + b"]" * 200_000,
        b'[{"user": {"login": "a"}, "state": "APPROVED", "id": ' + b"9" * 10_000 + b"}]",
        b'[{"user": {"login": "a"}, "state": "APPROVED", "submitted_at": "9999-12-31T23:59:59-23:59"}]',
        b"[" + b",".join(b'{"user": null, "state": "COMMENTED"}' for _ in range(100_001)) + b"]",
        b'[{"user": {"login": "a\\nb"}, "state": "APPROVED", "submitted_at": "2026-01-01T00:00:00Z"}]',
        b'[{"user": {"login": "a"}, "state": "APPROVED\\n## forged", "submitted_at": "2026-01-01T00:00:00Z"}]',
    ],
)
def test_hostile_review_lists_are_refused_in_one_line(data: bytes):
    with pytest.raises(ReviewsError) as found:
        parse(data, "--reviews r.json")
    assert "\n" not in str(found.value)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=400) | st.text(st.sampled_from("<>&;#/!?ab lt gt amp mdash \u202e\u200b\n"), max_size=200))
def test_any_comment_becomes_a_note_the_front_matter_accepts(body: str):
    """record-reviews copies a member's comment into the record: for any comment, the note holds
    no markup and nothing invisible (validate would refuse the record, E804 and E805, and the
    append-only log could never mend it), and is one line of at most MAX_NOTE characters."""
    from editorial.core import visible
    from editorial.core.reviews import MAX_NOTE, plain_note
    from editorial.core.rules.html_safety import MARKUP

    note = plain_note(body)
    assert not MARKUP.search(note), note
    assert not list(visible.invisible(note)) and "\n" not in note and len(note) <= MAX_NOTE
