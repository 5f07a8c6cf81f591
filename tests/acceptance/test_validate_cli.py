"""`editorial validate` and `editorial digest` as users and CI run them: output formats,
the summary line, exit codes, narrowing to paths, and what the digest does and does not see.

The command's `main` runs in this process (the `editorial` fixture); the smoke tests at the
end start the real process (`python -m editorial` and the installed console script) for
what only a process shows: its exit status, its two streams, and no traceback."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from support.cli import run_editorial
from support.clock import sample_warnings

APPROVED = "content/articles/itp-refill-sepsis.md"
UNDER_REVIEW = "content/articles/infected-baclofen-pump-removal.md"
SUBMITTED = "content/articles/septic-shock-first-hour.md"
SUMMARY = re.compile(r"^(\d+) file\(s\) checked: (\d+) error\(s\), (\d+) warning\(s\)$")
ANNOTATION = re.compile(r"^::(error|warning) file=([^,:]+),line=(\d+),col=(\d+),title=([EWI]\d{3})[^:]*::(.+)$")
DIGEST_LINE = re.compile(r"^sha256:[0-9a-f]{64}  \S.*$")


def edit(project: Path, rel: str, old: str, new: str) -> None:
    path = project / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def break_two_articles(project: Path) -> None:
    """An error in the submitted article, an error and a warning in the one under review."""
    edit(project, SUBMITTED, "authors: [priya-raman]", "authors: [pat-nobody]")
    edit(project, UNDER_REVIEW, "reviews: []\n", "reviews: []\nstatus: under_review\n")
    edit(project, UNDER_REVIEW, "## From the Research\n", "## From the Research\n\n<!-- to do -->\n")


def no_traceback(*texts: str) -> None:
    assert all("Traceback" not in t for t in texts)


# -- text format and summary -----------------------------------------------------------
def test_clean_sample_exit_0_and_summary(editorial):
    rc, out, err = editorial("validate")
    assert rc == 0 and err == ""
    assert SUMMARY.match(out.strip().splitlines()[-1]).groups() == ("3", "0", str(sample_warnings()))


def test_text_lines_and_summary(project, editorial):
    break_two_articles(project)
    rc, out, err = editorial("validate")
    no_traceback(out, err)
    assert rc == 1
    lines = out.strip().splitlines()
    assert SUMMARY.match(lines[-1]).groups() == ("3", "2", str(1 + sample_warnings()))
    problems = lines[:-1]
    assert len(problems) == 3 + sample_warnings()
    assert all(re.match(r"^content/\S+\.md:\d+:\d+: [EW]\d{3} \S", line) for line in problems)
    assert any(" W801 warning: " in line for line in problems)
    assert problems == sorted(problems, key=lambda line: (line.split(":")[0], int(line.split(":")[1])))


def test_warnings_alone_exit_0(project, editorial):
    edit(project, SUBMITTED, "## From the Guidelines\n", "## From the Guidelines\n\n<!-- draft -->\n")
    rc, out, _ = editorial("validate")
    assert rc == 0
    assert SUMMARY.match(out.strip().splitlines()[-1]).groups() == ("3", "0", str(1 + sample_warnings()))


# -- github and json formats ----------------------------------------------------------------
def test_github_annotations(project, editorial):
    break_two_articles(project)
    rc, out, err = editorial("validate", "--format", "github")
    no_traceback(out, err)
    assert rc == 1
    lines = out.strip().splitlines()
    assert SUMMARY.match(lines[-1])
    annotations = [ANNOTATION.match(line) for line in lines[:-1]]
    assert all(annotations), lines
    found = {(m.group(1), m.group(2), m.group(5)) for m in annotations}
    assert ("error", SUBMITTED, "E304") in found
    assert ("error", UNDER_REVIEW, "E202") in found
    assert ("warning", UNDER_REVIEW, "W801") in found
    text_rc, text_out, _ = editorial("validate")
    for m in annotations:  # the same positions as the text format
        assert f"{m.group(2)}:{m.group(3)}:{m.group(4)}: {m.group(5)}" in text_out


def test_github_escapes_properties_and_data(project, editorial):
    shutil.copy(project / SUBMITTED, project / "content/articles/odd,name.md")
    rc, out, _ = editorial("validate", "--format", "github")
    assert rc == 1
    assert "file=content/articles/odd%2Cname.md,line=" in out
    assert "title=E301 " in out  # the copy repeats the id (the title says what the code means)


def test_json_format(project, editorial):
    break_two_articles(project)
    rc, out, err = editorial("validate", "--format", "json")
    no_traceback(out, err)
    assert rc == 1
    items = json.loads(out)
    assert isinstance(items, list)
    items = [i for i in items if not (i["code"] == "W701" and sample_warnings())]
    assert len(items) == 3
    for item in items:
        assert set(item) >= {"path", "line", "column", "code", "severity", "message"}
        assert isinstance(item["line"], int) and isinstance(item["column"], int)
        assert item["severity"] == {"W": "warning", "I": "info"}.get(item["code"][0], "error")
    assert {(i["path"], i["code"]) for i in items} == {
        (SUBMITTED, "E304"),
        (UNDER_REVIEW, "E202"),
        (UNDER_REVIEW, "W801"),
    }
    assert SUMMARY.match(err.strip())  # the summary goes to stderr, so stdout stays pure JSON


def test_json_format_clean(editorial):
    rc, out, _ = editorial("validate", "--format", "json")
    assert rc == 0 and len(json.loads(out)) == sample_warnings()


# -- exit code 2 -----------------------------------------------------------------------------
def test_outside_a_project_exit_2(tmp_path, editorial):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    rc, out, err = editorial("validate", cwd=outside)
    assert rc == 2 and "mkdocs.yml" in err
    no_traceback(out, err)


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("frobnicate",),
        ("validate", "--format", "xml"),
        ("validate", "--no-such-flag"),
        ("validate", "content/articles/does-not-exist.md"),
        ("digest",),
    ],
)
def test_bad_arguments_exit_2(editorial, args):
    rc, out, err = editorial(*args)
    assert rc == 2, (out, err)
    assert err.strip()
    no_traceback(out, err)


def test_broken_mkdocs_yml_exit_2(project, editorial):
    (project / "mkdocs.yml").write_text("site_name: [unclosed\n", encoding="utf-8")
    rc, out, err = editorial("validate")
    assert rc == 2 and "mkdocs.yml" in err
    no_traceback(out, err)


def test_bad_policy_is_a_problem_in_mkdocs_yml(project, editorial):
    edit(project, "mkdocs.yml", "min_approvals: 1", "min_approvals: many")
    rc, out, err = editorial("validate")
    assert rc == 1
    assert re.search(r"^mkdocs\.yml:\d+:\d+: E203 ", out, re.M), out


# -- narrowing to paths -----------------------------------------------------------------------
def test_validate_one_path(project, editorial):
    break_two_articles(project)
    rc, out, _ = editorial("validate", UNDER_REVIEW)
    assert rc == 1
    assert SUBMITTED not in out and UNDER_REVIEW in out
    assert SUMMARY.match(out.strip().splitlines()[-1]).groups() == ("1", "1", "1")
    rc, out, _ = editorial("validate", APPROVED)
    assert rc == 0 and SUMMARY.match(out.strip().splitlines()[-1]).groups() == ("1", "0", str(sample_warnings()))


def test_validate_folder_and_relative_path_from_a_subfolder(project, editorial):
    break_two_articles(project)
    (project / "content/articles/more").mkdir()
    shutil.move(project / SUBMITTED, project / "content/articles/more/septic-shock-first-hour.md")
    rc, out, _ = editorial("validate", "content/articles/more")
    assert rc == 1 and "content/articles/more/septic-shock-first-hour.md:" in out and UNDER_REVIEW not in out
    rc, out, _ = editorial("validate", "septic-shock-first-hour.md", cwd=project / "content/articles/more")
    assert rc == 1 and "content/articles/more/septic-shock-first-hour.md:" in out
    assert SUMMARY.match(out.strip().splitlines()[-1]).group(1) == "1"


def test_narrowed_validate_still_sees_duplicate_ids(project, editorial):
    edit(project, SUBMITTED, "id: septic-shock-first-hour", "id: infected-baclofen-pump-removal")
    rc, out, _ = editorial("validate", SUBMITTED)
    assert rc == 1 and f"{SUBMITTED}:2:1: E301" in out


def test_path_outside_articles_is_refused(project, editorial):
    shutil.copy(project / SUBMITTED, project / "draft.md")
    rc, out, err = editorial("validate", "draft.md")
    assert rc == 1 and "draft.md:1:1: E112" in out
    no_traceback(out, err)


# -- digest --------------------------------------------------------------------------------------
def digest_of(editorial, rel: str) -> str:
    rc, out, err = editorial("digest", rel)
    assert rc == 0, err
    assert DIGEST_LINE.match(out.strip()) and out.strip().endswith(f"  {rel}")
    return out.split()[0]


def test_digest_output_like_sha256sum(project, editorial):
    rels = [APPROVED, UNDER_REVIEW, SUBMITTED]
    rc, out, err = editorial("digest", *rels)
    assert rc == 0 and err == ""
    lines = out.splitlines()
    assert [line.split("  ", 1)[1] for line in lines] == rels
    assert all(DIGEST_LINE.match(line) for line in lines)
    assert len({line.split()[0] for line in lines}) == 3
    # the approved sample's review records the digest the command prints
    assert lines[0].split()[0] in (project / APPROVED).read_text(encoding="utf-8")


def test_digest_is_sha256_of_the_canonical_form(project, editorial):
    from editorial.core.digest import canonical_meta, normalise_body
    from editorial.core.loader import load_article

    article, _ = load_article(APPROVED, (project / APPROVED).read_bytes())
    payload = canonical_meta(article.meta) + "\n---\n" + normalise_body(article.body) + "\n"
    assert digest_of(editorial, APPROVED) == "sha256:" + hashlib.sha256(payload.encode()).hexdigest()


@pytest.mark.parametrize(
    "old, new",
    [
        ("review_status: submitted", "review_status: approved"),  # workflow fields
        ("reviews: []", "reviews: [{reviewer: amara-okafor, decision: approved, date: 2025-08-20, digest: x}]"),
        ("conflicts: none", "conflicts: none\nnext_review: 2026-08-20"),
        ("audience: [clinician]\n", "audience:\n  - clinician  # who reads it\n"),  # layout and comments
        ("conflicts: none\n", "# disclosures follow\nconflicts: 'none'\n"),
        ("id: septic-shock-first-hour\n", ""),  # key order: the id moves to the end
    ],
)
def test_digest_ignores(project, editorial, old, new):
    before = digest_of(editorial, SUBMITTED)
    edit(project, SUBMITTED, old, new)
    if old.startswith("id:"):
        edit(project, SUBMITTED, "conflicts: none\n", "conflicts: none\nid: septic-shock-first-hour\n")
    assert digest_of(editorial, SUBMITTED) == before


@pytest.mark.parametrize(
    "old, new",
    [
        ("a medical emergency", "a medical urgency"),  # one word of the body
        ("What should be done in the first hour", "What should be done in the first hours"),  # the title
        ("page: 1181-1247", "page: 1181-1248"),  # a reference
        ("evidence: guideline", "evidence: research"),
    ],
)
def test_digest_changes(project, editorial, old, new):
    before = digest_of(editorial, SUBMITTED)
    edit(project, SUBMITTED, old, new)
    assert digest_of(editorial, SUBMITTED) != before


def test_digest_does_not_depend_on_the_path(project, editorial):
    before = digest_of(editorial, SUBMITTED)
    shutil.copy(project / SUBMITTED, project / "content/articles/renamed.md")
    assert digest_of(editorial, "content/articles/renamed.md") == before


def test_digest_of_a_broken_or_missing_file(project, editorial):
    (project / "broken.md").write_bytes(b"---\nid: x\nid: y\n---\n")
    rc, out, err = editorial("digest", "broken.md", APPROVED)
    assert rc == 1
    assert "broken.md:3:1: E107" in err and out.strip().endswith(f"  {APPROVED}")
    rc, out, err = editorial("digest", "nowhere.md")
    assert rc != 0 and "nowhere.md" in err
    no_traceback(out, err)


def test_readme_front_matter_example_validates(project, editorial):
    guide = (Path(__file__).resolve().parents[2] / "guides" / "writers.md").read_text(encoding="utf-8")
    front = re.search(r"```yaml\n(---\n.*?\n---\n)```", guide, re.S).group(1)
    (project / SUBMITTED).write_text(
        front + "\n## From the Guidelines\n\nTreat it as an emergency [@evans2021].\n", encoding="utf-8"
    )
    rc, out, err = editorial("validate", SUBMITTED)
    assert rc == 0, out + err


def test_every_emitted_code_is_in_the_table_and_the_guide_is_generated_from_it():
    """codes.py lists every code the package can emit (grep for "E123"), and guides/error-codes.md
    is exactly what it generates."""
    from editorial.core import codes

    repo = Path(__file__).resolve().parents[2]
    source = "\n".join(
        p.read_text(encoding="utf-8")
        for p in sorted((repo / "scripts/editorial").rglob("*.py"))
        if p.name != "codes.py"
    )
    emitted = set(re.findall(r"[\"']([EWI]\d{3})[\"']", source))
    assert len(emitted) > 50
    assert sorted(emitted - set(codes.CODES)) == []
    assert sorted(set(codes.CODES) - emitted) == []  # no code the pipeline never reports
    assert (repo / "guides" / "error-codes.md").read_text(encoding="utf-8") == codes.markdown(), (
        "regenerate the guide: python -m editorial.core.codes > guides/error-codes.md"
    )


# -- smoke tests of the process itself ------------------------------------------------------------
def test_installed_console_script(project):
    exe = shutil.which("editorial")
    assert exe, "the `editorial` command is installed by pip install -e ."
    import subprocess

    done = subprocess.run([exe, "validate"], cwd=project, capture_output=True, text=True)
    assert done.returncode == 0 and SUMMARY.match(done.stdout.strip().splitlines()[-1])
    assert done.stderr == ""


def test_process_exit_1_with_problems_on_stdout_and_the_summary_on_stderr_for_json(project):
    break_two_articles(project)
    rc, out, err = run_editorial("validate", "--format", "json", cwd=project)
    no_traceback(out, err)
    assert rc == 1
    assert {(i["path"], i["code"]) for i in json.loads(out)} >= {(SUBMITTED, "E304"), (UNDER_REVIEW, "E202")}
    assert SUMMARY.match(err.strip())


@pytest.mark.parametrize(
    "args, where",
    [
        (("frobnicate",), "usage: editorial"),  # argparse's refusal
        (("validate",), "mkdocs.yml"),  # outside a project: the command cannot run
    ],
)
def test_process_exit_2_with_the_reason_on_stderr_only(tmp_path, args, where):
    rc, out, err = run_editorial(*args, cwd=tmp_path)
    no_traceback(out, err)
    assert rc == 2 and out == "" and where in err
