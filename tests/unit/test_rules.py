"""The rules called directly: the sample articles as `Article` values, one of them broken in one
way, judged by `rules.check` with the sample registry, the default policy and the suite's day.
Each family of rules reports its code at the place in the file. (The same breakages through the
real `editorial validate` on a copy of the project: acceptance/test_rules.py.)"""

from __future__ import annotations

import dataclasses
import re

import markdown
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from editorial.core import rules
from editorial.core.loader import load_article, load_registry
from editorial.core.model import Article, Context, Policy, Problem
from editorial.core.vocabulary import BODY_EXTENSIONS
from support.clock import TODAY
from support.positions import where
from support.site_html import REPO

APPROVED = "content/articles/itp-refill-sepsis.md"
UNDER_REVIEW = "content/articles/infected-baclofen-pump-removal.md"
SUBMITTED = "content/articles/septic-shock-first-hour.md"
SAMPLES = {path: (REPO / path).read_text(encoding="utf-8") for path in (APPROVED, UNDER_REVIEW, SUBMITTED)}
FAKE_DIGEST = "sha256:" + "0" * 64


def context(policy: Policy | None = None, today: str = TODAY) -> Context:
    """The sample registry, `policy` (the default one) and `today`."""
    text = (REPO / "content" / "people.yml").read_text(encoding="utf-8")
    people, problems = load_registry("content/people.yml", text.encode())
    assert people is not None and problems == [], problems
    return Context(people, policy or Policy(), today)


def load(path: str, text: str) -> Article:
    article, problems = load_article(path, text.encode())
    assert article is not None, problems
    return article


def changed(path: str, old: str, new: str) -> str:
    text = SAMPLES[path]
    assert old in text, f"{old!r} not in {path}"
    return text.replace(old, new, 1)


def check(edits: dict[str, str] | None = None, ctx: Context | None = None) -> list[Problem]:
    """The problems of the three sample articles, with `edits` (path -> text) in place."""
    texts = {**SAMPLES, **(edits or {})}
    return rules.check([load(path, text) for path, text in texts.items()], ctx or context())


def found(problems: list[Problem]) -> set[tuple[str, str, int, int]]:
    return {(p.path, p.code, p.line, p.column) for p in problems}


def test_the_sample_articles_pass_every_rule_on_the_suites_day():
    assert check() == []


def test_schema_a_missing_field_is_reported_at_the_start_of_the_front_matter():
    problems = check({SUBMITTED: changed(SUBMITTED, "conflicts: none\n", "")})
    assert found(problems) == {(SUBMITTED, "E201", 2, 1)} and "`conflicts`" in problems[0].message


def test_schema_a_value_outside_the_list_is_reported_at_its_field():
    text = changed(SUBMITTED, "review_status: submitted", "review_status: Approved")
    problems = check({SUBMITTED: text})
    assert found(problems) == {(SUBMITTED, "E204", *where(text, "review_status:"))}
    assert "submitted, under_review, approved" in problems[0].message


def test_identity_the_second_article_with_an_id_is_blamed_and_told_where_the_first_is():
    text = changed(SUBMITTED, "id: septic-shock-first-hour", "id: infected-baclofen-pump-removal")
    problems = check({SUBMITTED: text})
    assert found(problems) == {(SUBMITTED, "E301", *where(text, "id:"))}
    assert f"{UNDER_REVIEW}:2" in problems[0].message


def test_people_an_unknown_author_and_a_reviewer_who_is_not_on_the_board():
    author = changed(SUBMITTED, "authors: [priya-raman]", "authors: [pat-nobody]")
    review = "reviews:\n  - reviewer: jordan-mills\n    decision: changes_requested\n    date: 2025-07-11\n"
    reviewer = changed(UNDER_REVIEW, "reviews: []\n", f"{review}    digest: {FAKE_DIGEST}\n")
    problems = check({SUBMITTED: author, UNDER_REVIEW: reviewer})
    assert found(problems) == {
        (SUBMITTED, "E304", *where(author, "pat-nobody")),
        (UNDER_REVIEW, "E306", *where(reviewer, "reviewer:")),
    }
    assert "Jordan Mills" in next(p.message for p in problems if p.code == "E306")


def test_citations_a_key_no_reference_defines():
    text = changed(SUBMITTED, "recognition, after", "recognition [@smith2020], after")
    assert found(check({SUBMITTED: text})) == {(SUBMITTED, "E401", *where(text, "smith2020"))}


def test_structure_an_answer_heading_in_the_wrong_case_is_pointed_at():
    text = changed(SUBMITTED, "## From the Guidelines", "## From the guidelines")
    problems = check({SUBMITTED: text})
    assert found(problems) == {(SUBMITTED, "E501", *where(text, "## From the guidelines"))}
    assert "exactly" in problems[0].message


def test_dates_created_after_updated_and_updated_after_today():
    text = changed(SUBMITTED, "created: 2025-08-14", "created: 2025-09-01")
    assert found(check({SUBMITTED: text})) == {(SUBMITTED, "E601", *where(text, "updated:"))}
    day_after = "2027-01-16"  # the suite's day is TODAY: one day later is the future
    text = changed(SUBMITTED, "updated: 2025-08-14", f"updated: {day_after}")
    problems = check({SUBMITTED: text})
    assert found(problems) == {(SUBMITTED, "E602", *where(text, "updated:"))}
    assert f"(today is {TODAY})" in problems[0].message
    assert check({SUBMITTED: text}, context(today=day_after)) == []  # the day the rules are handed decides


def test_approval_without_a_quorum_and_the_policy_decides_the_quorum():
    assert found(check(ctx=context(Policy(min_approvals=2)))) == {
        (APPROVED, "E701", *where(SAMPLES[APPROVED], "review_status:"))
    }


def test_approval_next_review_beyond_the_interval_and_overdue():
    text = changed(APPROVED, "next_review: 2027-06-09", "next_review: 2027-06-10")
    problems = check({APPROVED: text})
    assert found(problems) == {(APPROVED, "E706", *where(text, "next_review:"))} and "2027-06-09" in problems[0].message
    overdue = check(ctx=context(today="2027-06-10"))  # the day after the sample's next_review
    assert found(overdue) == {(APPROVED, "W701", *where(SAMPLES[APPROVED], "next_review:"))}
    assert not overdue[0].is_error


@pytest.mark.parametrize(
    "snippet, code, needle",
    [
        ("<script>alert(1)</script>", "E801", "<script>"),
        ('<img src="pump.png" onerror="alert(1)">', "E802", "onerror"),
        ("[the pump](javascript:alert(1))", "E803", "javascript:"),
    ],
)
def test_html_safety_script_in_the_body(snippet, code, needle):
    text = changed(
        SUBMITTED, "quickly as is practical [@evans2021].", f"quickly as is practical [@evans2021]. {snippet}"
    )
    assert (SUBMITTED, code, *where(text, needle)) in found(check({SUBMITTED: text}))


def test_a_rule_that_breaks_costs_its_file_only():
    def broken(articles, ctx):
        for article in articles:
            if article.path == SUBMITTED:
                raise RuntimeError("a bug")
        return []

    articles = [load(path, text) for path, text in SAMPLES.items()]
    problems = rules.check(articles, context(), rules=(broken,))
    assert [dataclasses.astuple(p)[:4] for p in problems] == [(SUBMITTED, 1, 1, "E199")]
    assert "RuntimeError: a bug" in problems[0].message


# -- E507: the number of a list's item is the number the page shows ------------------------------

_LINES = st.lists(
    st.tuples(st.sampled_from(["{n}. ", "    {n}. ", "> {n}. ", "- ", "", "text "]), st.sampled_from([1, 1, 2, 3, 7])),
    min_size=1,
    max_size=9,
)


@settings(max_examples=400, deadline=None)
@given(_LINES)
def test_a_list_item_is_refused_exactly_when_the_page_numbers_it_otherwise(lines):
    """Lists, nested, quoted, lazy and bulleted, in any order: E507 at exactly the items the site's
    renderer numbers otherwise than the file does (a list numbered `1.` throughout aside)."""
    written: dict[str, int] = {}
    body_lines = []
    for i, (form, n) in enumerate(lines):
        if "{n}" in form:
            written[f"t{i}x"] = n
        body_lines.append(form.format(n=n) + (f"t{i}x" if form else ""))
    body = "\n".join(body_lines) + "\n"
    shown = _shown_numbers(markdown.markdown(body, extensions=list(BODY_EXTENSIONS)))
    lists: dict[int, list[int]] = {}
    for word, (_, group) in shown.items():
        if word in written:
            lists.setdefault(group, []).append(written[word])
    expected = {
        int(word[1:-1]) + 1
        for word, (number, group) in shown.items()
        if word in written and written[word] != number and set(lists[group]) != {1}
    }
    article = dataclasses.replace(load(APPROVED, SAMPLES[APPROVED]), body=body, body_line=0)
    found = {p.line for p in rules.check([article], context()) if p.code == "E507"}
    assert found == expected, (body, found, expected)


def _shown_numbers(page: str) -> dict[str, tuple[int, int]]:
    """word -> (the number the page gives the item it starts, which list), for each item of an <ol>."""
    shown: dict[str, tuple[int, int]] = {}
    stack: list[list[int]] = []  # each open list: [start, items so far, its number], 0 for a <ul>
    made = 0
    for tag in re.finditer(r"<(/?)(ol|ul|li)\b([^>]*)>\s*(?:<p>)?(t[0-9]+x)?", page):
        closing, name, attrs, word = tag.groups()
        if name in ("ol", "ul") and not closing:
            made += 1
            start = re.search(r'start="([0-9]+)"', attrs)
            stack.append([int(start.group(1)) if start else 1, 0, made if name == "ol" else 0])
        elif name in ("ol", "ul"):
            stack.pop()
        elif name == "li" and not closing and stack:
            stack[-1][1] += 1
            if word and stack[-1][2]:
                shown[word] = (stack[-1][0] + stack[-1][1] - 1, stack[-1][2])
    return shown


@pytest.mark.parametrize(
    ("body", "lines"),
    [
        ("The maximum in one day is:\n\n4. g of paracetamol\n", []),  # the page starts it at 4
        ("1. Give 5 mg\n3. Then 10 mg\n", [2]),  # the page shows 2.
        ("1. a\n1. b\n1. c\n", []),  # numbered by the page
        ("7. a\n\n1. b\n", [3]),  # one list across the blank line: 8.
        ("!!! note\n    1. a\n    3. b\n", [3]),  # in an admonition
    ],
)
def test_e507_names_the_item_the_page_numbers_otherwise(body: str, lines: list[int]):
    article = dataclasses.replace(load(APPROVED, SAMPLES[APPROVED]), body=body, body_line=0)
    found = [p for p in rules.check([article], context()) if p.code == "E507"]
    assert [p.line for p in found] == lines
    assert all("the page shows it as" in p.message for p in found)


def test_the_body_extensions_are_the_sites():
    """The redline and the list-number rule render a body with BODY_EXTENSIONS: they are the
    Markdown extensions of mkdocs.yml (`toc` aside, which only adds ids), in its order."""

    class Tolerant(yaml.SafeLoader):  # mkdocs.yml's own tags (`!ENV`) read as nothing
        pass

    Tolerant.add_multi_constructor("!", lambda loader, suffix, node: None)
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Tolerant)  # noqa: S506
    named = [next(iter(e)) if isinstance(e, dict) else e for e in config["markdown_extensions"]]
    assert tuple(name for name in named if name != "toc") == BODY_EXTENSIONS
