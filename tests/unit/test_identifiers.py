"""Identifiers in one canonical form (core/identifiers.py): every way of writing a DOI, a PubMed
id or a GitHub login that names the same paper or person compares equal, wherever it is
compared: the retraction check, the registry, GitHub's reviews, --approvers."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from editorial.core import identifiers, retractions, transitions
from editorial.core.loader import load_article, load_registry
from editorial.core.model import Context, Policy, Registry
from editorial.core.reviews import ReviewsError, parse
from editorial.core.rules import check_file, check_registry
from editorial.core.rules import retractions as retraction_rule
from support.clock import TODAY
from support.retraction_watch import article, notices

# A suffix with a `.` or `..` segment is another DOI once read as doi.org reads it (tested in
# acceptance/test_adversary_21.py): the forms here are of one DOI as written
SUFFIX = st.text(
    st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="%"), min_size=1, max_size=30
).filter(lambda suffix: not {".", ".."} & set(suffix.split("/")))
HIDDEN = st.sampled_from(["\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202e", "\U000e0061"])


@given(
    st.integers(1000, 999_999_999),
    SUFFIX,
    st.sampled_from(
        ["", "doi:", "DOI: ", "https://doi.org/", "http://dx.doi.org/", "https://www.doi.org/", "info:doi/"]
    ),
    st.booleans(),
    st.booleans(),
    st.lists(st.tuples(st.integers(0, 40), HIDDEN), max_size=3),
)
def test_every_form_of_a_doi_is_the_same_doi(registrant, suffix, prefix, upper, encoded, hidden):
    plain = f"10.{registrant}/{suffix}".lower()
    if prefix.startswith("http") and not encoded:  # in an address `?` and `#` end the path: written encoded
        suffix = suffix.replace("?", "%3F").replace("#", "%23")
    written = f"10.{registrant}/" + (quote(suffix, safe="") if encoded else suffix)
    written = prefix + (written.upper() if upper else written)
    for at, ch in hidden:
        written = written[: min(at, len(written))] + ch + written[min(at, len(written)) :]
    assert identifiers.doi(written) == plain
    assert identifiers.doi(" " + written + " ") == plain


@pytest.mark.parametrize(
    "address",
    [
        "https://doi.org/10.5555/fict.a?utm_source=newsletter",
        "https://doi.org/10.5555/fict.a#abstract",
        "https://doi.org:443/10.5555/fict.a",
        "HTTPS://DX.DOI.ORG./10.5555/fict.a",
        "https://hdl.handle.net/10.5555/fict.a",
        "https://doi.org/10.5555/fict&#46;a",
        "https://doi.org/10.5555/fict&period;a",
    ],
)
def test_a_resolvers_address_names_its_path_whatever_its_query_fragment_port_or_references(address: str):
    """As doi.org, Handle and a browser read an address: the query, the fragment and the port aside,
    character references decoded (a page's link `fict&#46;a` goes to `fict.a`)."""
    assert identifiers.doi(address) == "10.5555/fict.a"
    pubmed = address.replace("doi.org/10.5555/fict.a", "pubmed.ncbi.nlm.nih.gov/5550001/")
    if "pubmed" in pubmed:
        assert identifiers.pmid(pubmed) == "5550001"


@given(st.integers(1, 99_999_999), st.integers(0, 3), st.sampled_from(["", "PMID: ", "pmid:"]), st.booleans())
def test_every_form_of_a_pmid_is_the_same_pmid(number, zeros, prefix, fullwidth):
    digits = "0" * zeros + str(number)
    if fullwidth:
        digits = "".join(chr(0xFF10 + int(d)) for d in digits)
    assert identifiers.pmid(prefix + digits) == str(number)
    assert identifiers.pmid(f"https://pubmed.ncbi.nlm.nih.gov/{number}/") == str(number)


@pytest.mark.parametrize(
    "written",
    ["10.5555%2Ffict.a", "10.5555/FICT%2EA", "doi:10.5555%2ffict.a", "10.5555/fict\u200b.a", "１０.5555/fict.a"],
)
def test_a_retracted_paper_is_recognised_however_its_doi_is_written_and_never_approvable(written: str):
    text = article("pump", refs={"fict-a": f'DOI: "{written}"'})
    found, problems = load_article("content/articles/pump.md", text.encode())
    assert found is not None, problems
    ctx = Context(Registry("content/people.yml", {}), Policy(), TODAY, retractions.load(notices()))
    codes = {p.code for p in retraction_rule.check([found], ctx)}
    assert "E410" in codes, written
    refused = {p.code for p in check_file(found)}  # and the writer is told to write it plainly
    assert refused & {"E404", "E805"}, written


def test_logins_compare_as_github_compares_them():
    data = b"people:\n" + b"".join(
        f"  - {{id: {pid}, name: {name}, roles: [board], github: {login}, since: 2020-01-01}}\n".encode()
        for pid, name, login in (("ann-a", "Ann A", "AOkafor"), ("bob-b", "Bob B", "aokafor"))
    )
    registry, problems = load_registry("content/people.yml", data)
    assert registry is not None, problems
    assert any(p.code == "E307" for p in check_registry(registry))
    assert set(registry.board_logins()) == {"aokafor"}
    reviews = parse(
        json.dumps(
            [
                {
                    "id": 1,
                    "user": {"login": "AOKAFOR"},
                    "state": "APPROVED",
                    "commit_id": "a" * 40,
                    "submitted_at": "2026-01-01T10:00:00Z",
                }
            ]
        ).encode()
    )
    assert reviews[0].login == "aokafor"
    assert transitions.judges(None, None, ["@AOkafor ", "\u200bAOKAFOR"]).approvers == frozenset({"aokafor"})  # type: ignore[arg-type]


def test_a_login_github_could_not_have_written_is_refused():
    for login in ("аokafor", "ao\u0301kafor"):  # a Cyrillic a; a combining accent
        with pytest.raises(ReviewsError, match="not a GitHub login"):
            parse(
                json.dumps(
                    [{"user": {"login": login}, "state": "APPROVED", "submitted_at": "2026-01-01T00:00:00Z"}]
                ).encode()
            )
