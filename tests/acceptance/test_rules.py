"""One test per rule: a broken variant of a sample article, checked by the real
`editorial validate`, must report the exact code at the exact line and column.
Each variant is written into a private copy of the sample project (tmp_path) and the
command's `main` runs in this process (the `editorial` fixture): no subprocess.

The three sample articles are used where they fit: the approved one for approval
rules, the `under_review` one for reviews, the `submitted` one for everything else,
so each variant breaks one thing only. Every name, id and study added here is
fictional test data."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from editorial.core.loader import load_article
from support.clock import sample_warnings
from support.positions import where

APPROVED = "content/articles/itp-refill-sepsis.md"
UNDER_REVIEW = "content/articles/infected-baclofen-pump-removal.md"
SUBMITTED = "content/articles/septic-shock-first-hour.md"
FAKE_DIGEST = "sha256:" + "0" * 64


# -- helpers ----------------------------------------------------------------------
def edit(project: Path, rel: str, old: str, new: str) -> str:
    """Replace the first `old` with `new` in the file (which must contain it)."""
    path = project / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return text


def body_start(text: str) -> int:
    """The file line where the body begins (after the closing `---`)."""
    return where(text, "\n---\n")[0] + 1


def reseal(project: Path, rel: str) -> None:
    """Bind every review record to the content as it is now, as a reviewer would have."""
    path = project / rel
    article, problems = load_article(rel, path.read_bytes())
    assert article is not None, problems
    text = re.sub(r"digest: sha256:[0-9a-f]{64}", f"digest: {article.digest}", path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")


def codes(stdout: str) -> set[str]:
    """The codes reported, less W701 once the untouched approved sample is itself overdue."""
    return set(re.findall(r"^\S+:\d+:\d+: ([EWI]\d{3})", stdout, re.M)) - aging()


def aging() -> set[str]:
    return {"W701"} if sample_warnings() else set()


def expect(
    editorial, rel: str, code: str, pos: tuple[int, int], *, status: int = 1, only: set[str] | None = None
) -> str:
    rc, out, err = editorial("validate")
    assert "Traceback" not in out + err
    assert f"{rel}:{pos[0]}:{pos[1]}: {code}" in out, out
    assert rc == status, out + err
    if only is not None:
        assert codes(out) == only - aging(), out
    return out


def review(
    reviewer: str, decision: str = "changes_requested", date: str = "2025-07-11", digest: str = FAKE_DIGEST
) -> str:
    return f"reviews:\n  - reviewer: {reviewer}\n    decision: {decision}\n    date: {date}\n    digest: {digest}\n"


FICTIONAL_REF = (
    "\n  - id: {key}\n    evidence: research\n    type: article-journal\n    title: A fictional study that exists only "
    "in this test\n"
)


def test_sample_content_passes(editorial):
    rc, out, err = editorial("validate")
    assert rc == 0, out + err
    assert out.strip().splitlines()[-1] == f"3 file(s) checked: 0 error(s), {sample_warnings()} warning(s)"


# -- schema -------------------------------------------------------------------------
def test_missing_field(project, editorial):
    edit(project, SUBMITTED, "conflicts: none\n", "")
    out = expect(editorial, SUBMITTED, "E201", (2, 1), only={"E201"})
    assert "`conflicts`" in out


def test_unknown_field_status_points_to_review_status(project, editorial):
    text = edit(project, SUBMITTED, "reviews: []\n", "reviews: []\nstatus: approved\n")
    out = expect(editorial, SUBMITTED, "E202", where(text, "\nstatus:"), only={"E202"})
    assert "review_status" in out


def test_unknown_field(project, editorial):
    text = edit(project, SUBMITTED, "conflicts: none\n", "conflicts: none\ncolour: blue\n")
    out = expect(editorial, SUBMITTED, "E202", where(text, "colour:"), only={"E202"})
    assert "`colour`" in out


def test_wrong_enum(project, editorial):
    text = edit(project, SUBMITTED, "review_status: submitted", "review_status: Approved")
    out = expect(editorial, SUBMITTED, "E204", where(text, "review_status:"), only={"E204"})
    assert "'Approved'" in out and "submitted, under_review, approved" in out


def test_impossible_date(project, editorial):
    text = edit(project, SUBMITTED, "created: 2025-08-14", "created: 2025-02-30")
    out = expect(editorial, SUBMITTED, "E205", where(text, "created:"), only={"E205"})
    assert "2025-02-30" in out


def test_wrong_type(project, editorial):
    text = edit(project, SUBMITTED, "authors: [priya-raman]", "authors: priya-raman")
    out = expect(editorial, SUBMITTED, "E203", where(text, "authors:"), only={"E203"})
    assert "must be a list" in out


def test_pattern_in_list_item_points_at_the_item(project, editorial):
    text = edit(project, SUBMITTED, "specialties: [critical-care", "specialties: [Critical Care")
    expect(editorial, SUBMITTED, "E206", where(text, "Critical Care"), only={"E206"})


def test_unknown_field_in_reference(project, editorial):
    text = edit(project, SUBMITTED, '    volume: "47"', '    volume: "47"\n    impact: high')
    expect(editorial, SUBMITTED, "E202", where(text, "impact:"), only={"E202"})


# -- identity -------------------------------------------------------------------------
def test_duplicate_id_across_files(project, editorial):
    text = edit(project, SUBMITTED, "id: septic-shock-first-hour", "id: infected-baclofen-pump-removal")
    out = expect(editorial, SUBMITTED, "E301", where(text, "id:"), only={"E301"})
    assert f"{UNDER_REVIEW}:2" in out  # names the other file and its line
    assert f"{UNDER_REVIEW}:2:1: E301" not in out  # the first one keeps its id


def test_non_kebab_id(project, editorial):
    text = edit(project, SUBMITTED, "id: septic-shock-first-hour", "id: Septic_Shock")
    expect(editorial, SUBMITTED, "E206", where(text, "id:"), only={"E206"})


def test_look_alike_letter_in_id(project, editorial):
    text = edit(project, SUBMITTED, "id: septic-shock-first-hour", "id: septic-sh\u043eck")  # Cyrillic o
    expect(editorial, SUBMITTED, "E302", where(text, "id:"), only={"E206", "E302"})


def test_non_kebab_file_stem(project, editorial):
    (project / SUBMITTED).rename(project / "content/articles/Septic_Shock.md")
    out = expect(editorial, "content/articles/Septic_Shock.md", "E303", (1, 1), only={"E303"})
    assert "septic-shock.md" in out  # a suggestion


# -- people -----------------------------------------------------------------------------
def test_unknown_author(project, editorial):
    text = edit(project, SUBMITTED, "authors: [priya-raman]", "authors: [pat-nobody]")
    expect(editorial, SUBMITTED, "E304", where(text, "pat-nobody"), only={"E304"})


def test_unknown_reviewer(project, editorial):
    text = edit(project, UNDER_REVIEW, "reviews: []\n", review("pat-nobody"))
    expect(editorial, UNDER_REVIEW, "E305", where(text, "reviewer:"), only={"E305"})


def test_reviewer_not_on_the_board(project, editorial):
    text = edit(project, UNDER_REVIEW, "reviews: []\n", review("jordan-mills"))
    out = expect(editorial, UNDER_REVIEW, "E306", where(text, "reviewer:"), only={"E306"})
    assert "Jordan Mills" in out


# -- citations ---------------------------------------------------------------------------
def test_undefined_citation(project, editorial):
    text = edit(project, SUBMITTED, "recognition, after", "recognition [@smith2020], after")
    expect(editorial, SUBMITTED, "E401", where(text, "smith2020"), only={"E401"})


def test_undefined_citation_in_a_group(project, editorial):
    text = edit(project, SUBMITTED, "[@evans2021].\n\nAlongside", "[@evans2021; @smith2020].\n\nAlongside")
    expect(editorial, SUBMITTED, "E401", where(text, "smith2020"), only={"E401"})


def test_citation_inside_code_is_not_a_citation(project, editorial):
    edit(project, SUBMITTED, "recognition, after", "recognition (written `[@smith2020]`), after")
    rc, out, _ = editorial("validate")
    assert rc == 0, out


def test_reference_never_cited(project, editorial):
    text = edit(
        project,
        SUBMITTED,
        "DOI: 10.1007/s00134-021-06506-y\n",
        "DOI: 10.1007/s00134-021-06506-y" + FICTIONAL_REF.format(key="unused2020"),
    )
    expect(editorial, SUBMITTED, "E402", where(text, "id: unused2020"), only={"E402"})


def test_duplicate_reference_id(project, editorial):
    text = edit(
        project,
        SUBMITTED,
        "DOI: 10.1007/s00134-021-06506-y\n",
        "DOI: 10.1007/s00134-021-06506-y" + FICTIONAL_REF.format(key="evans2021"),
    )
    expect(editorial, SUBMITTED, "E403", where(text, "id: evans2021", nth=1), only={"E403"})


@pytest.mark.parametrize(
    "old, new, field",
    [
        ("DOI: 10.1007/s00134-021-06506-y", "DOI: https://doi.org/10.1007/s00134-021-06506-y", "DOI"),
        ("DOI: 10.1007/s00134-021-06506-y", 'DOI: 10.1007/s00134-021-06506-y\n    PMID: "PMID 33538029"', "PMID"),
        ("DOI: 10.1007/s00134-021-06506-y", 'DOI: 10.1007/s00134-021-06506-y\n    PMCID: "1234567"', "PMCID"),
    ],
)
def test_malformed_identifier(project, editorial, old, new, field):
    text = edit(project, SUBMITTED, old, new)
    out = expect(editorial, SUBMITTED, "E404", where(text, f"{field}:"), only={"E404"})
    assert f"{field} " in out


# -- structure -------------------------------------------------------------------------------
def test_no_answer_section(project, editorial):
    text = edit(project, SUBMITTED, "## From the Guidelines", "## Guidance")
    expect(editorial, SUBMITTED, "E501", (body_start(text), 1), only={"E501"})


def test_answer_heading_in_wrong_case_is_pointed_at(project, editorial):
    text = edit(project, SUBMITTED, "## From the Guidelines", "## From the guidelines")
    out = expect(editorial, SUBMITTED, "E501", where(text, "## From the guidelines"), only={"E501"})
    assert "exactly" in out


def test_section_citing_nothing(project, editorial):
    text = edit(
        project,
        UNDER_REVIEW,
        "## From the Research",
        "## From the Guidelines\n\nA claim with no source.\n\n## From the Research",
    )
    expect(editorial, UNDER_REVIEW, "E502", where(text, "## From the Guidelines"), only={"E502"})


def test_guidelines_section_citing_research(project, editorial):
    text = edit(
        project,
        UNDER_REVIEW,
        "## From the Research",
        "## From the Guidelines\n\nA claim [@koljonen2021].\n\n## From the Research",
    )
    expect(editorial, UNDER_REVIEW, "E503", where(text, "[@koljonen2021].", shift=2), only={"E503"})


def test_answer_section_twice(project, editorial):
    text = (project / SUBMITTED).read_text(encoding="utf-8") + "\n## From the Guidelines\n\nMore [@evans2021].\n"
    (project / SUBMITTED).write_text(text, encoding="utf-8")
    expect(editorial, SUBMITTED, "E504", where(text, "## From the Guidelines", nth=1), only={"E504"})


# -- dates --------------------------------------------------------------------------------------
def test_created_after_updated(project, editorial):
    text = edit(project, SUBMITTED, "created: 2025-08-14", "created: 2025-09-01")
    expect(editorial, SUBMITTED, "E601", where(text, "updated:"), only={"E601"})


def test_updated_in_the_future(project, editorial):
    text = edit(project, SUBMITTED, "updated: 2025-08-14", "updated: 2999-01-01")
    expect(editorial, SUBMITTED, "E602", where(text, "updated:"), only={"E602"})


def test_review_dated_in_the_future(project, editorial):
    text = edit(project, UNDER_REVIEW, "reviews: []\n", review("tomas-lindqvist", date="2999-01-01"))
    expect(editorial, UNDER_REVIEW, "E602", where(text, "date: 2999"), only={"E602"})


# -- approval ------------------------------------------------------------------------------------
def test_approved_without_quorum(project, editorial):
    text = edit(project, SUBMITTED, "review_status: submitted", "review_status: approved")
    out = expect(editorial, SUBMITTED, "E701", where(text, "review_status:"))
    assert codes(out) <= {"E701", "E706"}


def test_quorum_from_policy(project, editorial):
    edit(project, "mkdocs.yml", "min_approvals: 1", "min_approvals: 2")
    text = (project / APPROVED).read_text(encoding="utf-8")
    out = expect(editorial, APPROVED, "E701", where(text, "review_status:"), only={"E701"})
    assert "needs 2" in out


def test_stale_digest_approval(project, editorial):
    text = edit(project, APPROVED, "A refill is an invasive procedure", "A refill is an invasive intervention")
    expect(editorial, APPROVED, "E701", where(text, "review_status:"), only={"E701", "E702"})
    expect(editorial, APPROVED, "E702", where(text, "reviewer: amara-okafor"))


def test_approval_withdrawn_by_later_changes_requested(project, editorial):
    text = (project / APPROVED).read_text(encoding="utf-8")
    digest = re.search(r"sha256:[0-9a-f]{64}", text).group(0)
    extra = (
        "  - reviewer: amara-okafor\n    decision: changes_requested\n    date: 2026-06-10\n    digest: "
        f"{digest}\nnext_review:"
    )
    text = edit(project, APPROVED, "next_review:", extra)
    expect(editorial, APPROVED, "E702", where(text, "reviewer: amara-okafor"), only={"E701", "E702"})


def test_approval_by_an_author(project, editorial):
    edit(project, APPROVED, "authors: [jordan-mills]", "authors: [jordan-mills, amara-okafor]")
    reseal(project, APPROVED)  # the approval is of this very content: only the author rule can object
    text = (project / APPROVED).read_text(encoding="utf-8")
    expect(editorial, APPROVED, "E704", where(text, "reviewer: amara-okafor"), only={"E701", "E704"})


def test_approval_by_a_former_board_member(project, editorial):
    # helen-marsh left the board on 2024-12-31; the review is dated 2026-06-09
    text = edit(project, APPROVED, "reviewer: amara-okafor", "reviewer: helen-marsh")
    out = expect(editorial, APPROVED, "E703", where(text, "reviewer: helen-marsh"), only={"E701", "E703"})
    assert "2024-12-31" in out


def test_specialty_match_policy(project, editorial):
    edit(project, "mkdocs.yml", "specialty_match: false", "specialty_match: true")
    edit(project, "content/people.yml", "specialties: [anesthesia, pain-medicine]", "specialties: [neurology]")
    text = (project / APPROVED).read_text(encoding="utf-8")
    expect(editorial, APPROVED, "E705", where(text, "review_status:"), only={"E705"})


def test_next_review_beyond_interval(project, editorial):
    text = edit(project, APPROVED, "next_review: 2027-06-09", "next_review: 2027-06-10")
    out = expect(editorial, APPROVED, "E706", where(text, "next_review:"), only={"E706"})
    assert "2027-06-09" in out  # says the latest date allowed


def test_approved_without_next_review(project, editorial):
    text = edit(project, APPROVED, "next_review: 2027-06-09\n", "")
    expect(editorial, APPROVED, "E706", where(text, "review_status:"), only={"E706"})


def test_overdue_next_review_is_a_warning(project, editorial):
    # 2026-06-10 is after the approval (2026-06-09) and before the day these tests were written
    text = edit(project, APPROVED, "next_review: 2027-06-09", "next_review: 2026-06-10")
    out = expect(editorial, APPROVED, "W701", where(text, "next_review:"), status=0, only={"W701"})
    assert f"{APPROVED}:{where(text, 'next_review:')[0]}:1: W701 warning:" in out
    assert out.strip().splitlines()[-1].endswith("0 error(s), 1 warning(s)")


# -- dangerous HTML -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "snippet, code, needle",
    [
        ("<script>alert(1)</script>", "E801", "<script>"),
        ('<iframe src="https://example.org/x"></iframe>', "E801", "<iframe"),
        ('<img src="pump.png" onerror="alert(1)">', "E802", "onerror"),
        ('<a href="javascript:alert(1)">pump</a>', "E803", "javascript:"),
        ("[the pump](javascript:alert(1))", "E803", "javascript:"),
        ("[the pump](JaVaScRiPt&#58;alert(1))", "E803", "JaVaScRiPt"),
    ],
)
def test_dangerous_html(project, editorial, snippet, code, needle):
    text = edit(
        project, SUBMITTED, "quickly as is practical [@evans2021].", f"quickly as is practical [@evans2021]. {snippet}"
    )
    out = expect(editorial, SUBMITTED, code, where(text, needle))
    assert codes(out) <= {"E801", "E802", "E803"}


def test_html_in_code_is_only_shown(project, editorial):
    edit(
        project,
        SUBMITTED,
        "quickly as is practical [@evans2021].",
        "quickly as is practical [@evans2021]. Never write `<script>` here.\n\n```html\n<iframe src=x "
        "onload=y></iframe>\n```",
    )
    rc, out, _ = editorial("validate")
    assert rc == 0, out


def test_html_comment_is_a_warning(project, editorial):
    text = edit(
        project,
        SUBMITTED,
        "quickly as is practical [@evans2021].",
        "quickly as is practical [@evans2021]. <!-- note to self -->",
    )
    expect(editorial, SUBMITTED, "W801", where(text, "<!--"), status=0, only={"W801"})


def test_script_url_in_a_reference(project, editorial):
    text = edit(
        project,
        SUBMITTED,
        "DOI: 10.1007/s00134-021-06506-y",
        "DOI: 10.1007/s00134-021-06506-y\n    URL: javascript:alert(1)",
    )
    expect(editorial, SUBMITTED, "E803", where(text, "URL:"), only={"E206", "E803"})


# -- the registry ----------------------------------------------------------------------------------------
def test_registry_schema_error(project, editorial):
    text = edit(
        project, "content/people.yml", "    credentials: MPH\n", "    credentials: MPH\n    email: pr@example.org\n"
    )
    expect(editorial, "content/people.yml", "E202", where(text, "email:"), only={"E202"})


def test_registry_person_twice(project, editorial):
    text = edit(project, "content/people.yml", "  - id: priya-raman", "  - id: jordan-mills")
    expect(editorial, "content/people.yml", "E307", where(text, "id: jordan-mills", nth=1), only={"E307", "E304"})


def test_registry_until_before_since(project, editorial):
    text = edit(project, "content/people.yml", "until: 2024-12-31", "until: 2022-12-31")
    expect(editorial, "content/people.yml", "E601", where(text, "until:"), only={"E601"})


def test_registry_missing(project, editorial):
    (project / "content/people.yml").unlink()
    rc, out, err = editorial("validate")
    assert rc == 1 and "Traceback" not in out + err
    assert "content/people.yml:1:1: E100" in out


def test_impossible_review_date_on_an_approved_article(project, editorial):
    # review fields are outside the digest, so the approval still matches; the rules must not crash on the date
    edit(project, APPROVED, "next_review: 2027-06-09\n", "")
    text = edit(project, APPROVED, "date: 2026-06-09", "date: 2026-02-30")
    expect(editorial, APPROVED, "E205", where(text, "date: 2026-02-30"), only={"E205", "E706"})


def test_a_date_that_is_not_a_date_is_reported_once(project, editorial):
    # `soon` sorts after every year as text; it must not also be "in the future" (E602)
    text = edit(project, SUBMITTED, "updated: 2025-08-14", "updated: soon")
    expect(editorial, SUBMITTED, "E205", where(text, "updated:"), only={"E205"})


# -- the remaining schema kinds, readability and the policy -------------------------------------------
def test_too_short(project, editorial):
    text = edit(
        project,
        SUBMITTED,
        "title: What should be done in the first hour for an adult with suspected septic shock?",
        "title: Sepsis?",
    )
    expect(editorial, SUBMITTED, "E207", where(text, "title:"), only={"E207"})


def test_same_entry_twice(project, editorial):
    text = edit(project, SUBMITTED, "audience: [clinician]", "audience: [clinician, clinician]")
    expect(editorial, SUBMITTED, "E208", where(text, "audience:"), only={"E208"})


def test_name_without_family_or_literal(project, editorial):
    text = edit(project, SUBMITTED, "- {family: Rhodes, given: Andrew}", "- {given: Andrew}")
    out = expect(editorial, SUBMITTED, "E201", where(text, "{given: Andrew}"), only={"E201"})
    assert "`family` or `literal`" in out and "any of the given schemas" not in out


def test_patient_summary_hard_to_read_is_a_warning(project, editorial):
    edit(project, SUBMITTED, "audience: [clinician]", "audience: [clinician, patient]")
    summary = (
        "patient_summary: Notwithstanding considerable heterogeneity in institutional protocols, contemporaneous "
        "multidisciplinary deliberation regarding antimicrobial stewardship necessitates individualised optimisation.\n"
    )
    text = edit(project, SUBMITTED, "conflicts: none\n", "conflicts: none\n" + summary)
    expect(editorial, SUBMITTED, "W901", where(text, "patient_summary:"), status=0, only={"W901"})


def test_readability_grades_without_pkg_resources():
    """textstat 0.7.3 imports pkg_resources, which setuptools 82 removed: the grade comes
    out the same with it unimportable, and the stand-in does not outlive textstat's import."""
    script = (
        "import sys; sys.modules['pkg_resources'] = None\n"  # None: `import pkg_resources` fails
        "from editorial.core.rules.readability import grade\n"
        "score = grade('The patient should take the medicine every morning. Call the clinic if the pain is worse.')\n"
        "import textstat\n"  # the module the grade imported
        "print(score, textstat.difficult_words('Notwithstanding heterogeneity, the dog ran.'),"
        " 'pkg_resources' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2.9", "2", "False"]  # word lists read through importlib.resources


def test_a_draft_at_an_approved_articles_address_is_refused_not_the_approved_article(project, editorial):
    """`x/index.md` is published at `x/`, where `x.md` is: the site would have one page for two."""
    draft = (
        (project / SUBMITTED)
        .read_text(encoding="utf-8")
        .replace("id: septic-shock-first-hour", "id: septic-shock-copy")
    )
    target = project / APPROVED.removesuffix(".md") / "index.md"
    target.parent.mkdir()
    target.write_text(draft, encoding="utf-8")
    rel = str(target.relative_to(project))
    out = expect(editorial, rel, "E308", (1, 1), only={"E308"})
    assert f"same address as {APPROVED} (`articles/itp-refill-sepsis/`)" in out
    assert f"{APPROVED}:" not in out  # the approved article is not the one blamed


def test_policy_out_of_range(project, editorial):
    edit(project, "mkdocs.yml", "min_approvals: 1", "min_approvals: 0")
    rc, out, err = editorial("validate")
    assert rc == 1 and "Traceback" not in out + err
    assert re.search(r"^mkdocs\.yml:\d+:\d+: E209 `min_approvals`: 0 is less than the minimum of 1", out, re.M), out


def test_no_body_at_all_points_at_the_closing_line(project, editorial):
    text = (project / SUBMITTED).read_text(encoding="utf-8")
    text = text[: text.index("\n---\n") + len("\n---")]  # the file ends with the closing `---`, no newline
    (project / SUBMITTED).write_text(text, encoding="utf-8")
    expect(editorial, SUBMITTED, "E501", (text.count("\n") + 1, 1), only={"E402", "E501"})


def test_advisory_rules_only_warn():
    """The public build skips the rules marked ADVISORY: each may only report warnings or
    notes, never an error that would withhold an article."""
    from editorial.core import codes, rules

    advisory = [m for m in rules.MODULES if getattr(m, "ADVISORY", False)]
    assert advisory, "readability is advisory"
    for module in advisory:
        source = Path(module.__file__).read_text(encoding="utf-8")
        emitted = set(re.findall(r'"([EWI]\d{3})"', source))
        family = module.__name__.rsplit(".", 1)[-1]
        owned = {c for c, code in codes.CODES.items() if code.family == family}
        assert emitted and emitted <= owned, (family, emitted, owned)
        assert all(c[0] in "WI" for c in emitted | owned), (family, emitted | owned)


def test_a_review_dated_before_the_article_was_written_is_refused():
    from editorial.core.model import Context, Policy, Registry
    from editorial.core.rules import dates
    from support.site_html import REPO

    text = (REPO / "content" / "articles" / "itp-refill-sepsis.md").read_text(encoding="utf-8")
    text = text.replace("created: 2025-05-30", "created: 2026-06-10", 1).replace(
        "updated: 2026-05-20", "updated: 2026-06-10"
    )
    article, problems = load_article("content/articles/x.md", text.encode())
    assert article is not None, problems
    ctx = Context(Registry("content/people.yml", {}), Policy(), "2026-07-01")
    found = [p for p in dates.check([article], ctx) if p.code == "E601"]
    assert len(found) == 1 and "review date 2026-06-09 is before the article was written" in found[0].message
    assert text.split("\n")[found[0].line - 1].strip().startswith("date: 2026-06-09")
