"""Hostile input: every case is a file this suite writes, and each goes through all three
gates a pull request meets: `editorial validate`, `mkdocs build` and `editorial
check-transitions`.

For each case: validate prints a clear `path:line:column: CODE` line and exits 1 (0 only
where the input is legitimately fine: a BOM, mixed line endings), no traceback anywhere;
the build publishes no byte of the case's marker word while an approved control article
is on the site; check-transitions, on a commit that adds the case on top of a base, exits
1 with a problem naming the file. One project, one build and one git repository serve
all cases (they are independent files); validate is parametrized per case.

All of it is fictional test data derived from the sample article (same real references).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from support.cli import run_cli
from support.gate_content import GUIDELINES, article, mkdocs, rebind, site_bytes
from support.site_html import copy_project

CONTROL = ("hostile-control", "zqhcontrol")  # an approved article: it must be on the site
LINE = re.compile(r"^(?P<path>[^\s:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>[EWI]\d{3})\b", re.M)
PWNED = "pwned-by-python-tag"  # the file a python tag would create if anything ran it


@dataclass(frozen=True)
class Case:
    name: str
    code: str  # the code validate must report ("" for the legitimately fine cases)
    publishes: bool = False  # legitimately fine: validates (exit 0) and is published

    @property
    def marker(self) -> str:
        return "zqh" + self.name.replace("_", "")

    @property
    def rel(self) -> str:
        return f"content/articles/hostile-{self.name.replace('_', '-')}.md"


def _body_with(marker: str, html: str) -> str:
    """An approved article (valid digest, so only the HTML is wrong) whose body holds `html`."""
    slug = f"hostile-{marker}"
    return rebind(article(slug, marker).replace(GUIDELINES, f"{GUIDELINES}{html}\n\n", 1))


def _alias_bomb(marker: str) -> str:
    lines = [
        f'a0: &a0 ["{marker}","{marker}","{marker}","{marker}","{marker}","{marker}","{marker}","{marker}","{marker}"]'
    ]
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 9)}]")
    return "---\n" + "\n".join(lines) + "\n---\n\nThe {marker} body.\n".replace("{marker}", marker)


def case_bytes(case: Case, tmp: Path) -> bytes:
    """The file of `case`; `tmp` is where a python tag would write if it ran."""
    m = case.marker
    slug = Path(case.rel).stem
    base = article(slug, m)
    n = case.name
    if n == "yaml_syntax":
        text = base.replace("audience: [clinician, patient]", "audience: [clinician, patient")
    elif n == "tab_indent":
        text = base.replace("  - reviewer:", "\t- reviewer:", 1)
    elif n == "front_matter_list":
        text = f"---\n- {m}\n- two\n---\n\nThe {m} body.\n"
    elif n == "front_matter_string":
        text = f"---\njust the {m} words\n---\n\nThe {m} body.\n"
    elif n == "python_tag":
        text = base.replace(
            "conflicts: none", f'conflicts: !!python/object/apply:builtins.open ["{tmp / PWNED}", "w"]', 1
        )
    elif n == "alias_bomb":
        text = _alias_bomb(m)
    elif n == "duplicate_key":
        text = base.replace("review_status: approved", "review_status: submitted\nreview_status: approved", 1)
    elif n == "huge_front_matter":
        filler = "".join(f"  - {m} filler line number {i:07d} of a padded field\n" for i in range(100_000))
        text = base.replace("conflicts: none", f"conflicts: none\nspecialties_note:\n{filler.rstrip()}", 1)
        assert len(text.encode()) > 5_000_000
    elif n == "huge_body":
        text = base + (f"The {m} sentence repeats to pad the body well past any limit.\n" * 820_000)
        assert len(text.encode()) > 50_000_000
    elif n == "nul_byte":
        return base.replace(GUIDELINES, f"{GUIDELINES}A NUL \x00 byte.\n\n", 1).encode()
    elif n == "latin1":
        return base.replace(GUIDELINES, f"{GUIDELINES}Caf\u00e9 au lait, written in Latin-1.\n\n", 1).encode("latin-1")
    elif n == "bom":
        return b"\xef\xbb\xbf" + base.encode()
    elif n == "mixed_line_endings":
        lines = base.split("\n")
        return (
            "".join(line + ("\r\n" if i % 2 else "\n") for i, line in enumerate(lines[:-1])).encode()
            + lines[-1].encode()
        )
    elif n == "empty":
        return b""
    elif n == "no_front_matter":
        text = f"# The {m} question\n\nNo front matter at all.\n"
    elif n == "never_closed":
        text = base.split("\n---\n", 1)[0] + f"\n\nThe {m} body.\n"  # the closing `---` is gone
    elif n == "cyrillic_id":
        text = rebind(base.replace(f"id: {slug}", f"id: {slug}-\u0430mara", 1))
    elif n == "cyrillic_reviewer":
        text = rebind(base.replace("reviewer: amara-okafor", "reviewer: \u0430mara-okafor"))
    elif n == "reference_javascript_url":
        text = rebind(
            base.replace(
                "    DOI: 10.1007/s00134-021-06506-y",
                '    DOI: 10.1007/s00134-021-06506-y\n    URL: "javascript:alert(document.cookie)"',
                1,
            )
        )
    elif n == "raw_script":
        text = _body_with(m, f"<script>document.title='{m}'</script>")
    elif n == "raw_iframe":
        text = _body_with(m, '<iframe src="https://example.org/frame"></iframe>')
    elif n == "img_onerror":
        text = _body_with(m, '<img src="x.png" onerror="alert(1)">')
    elif n == "a_data_url":
        text = _body_with(m, '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">open</a>')
    elif n == "md_link_javascript":
        text = _body_with(m, "[click](javascript:alert(1))")
    elif n == "md_link_mixed_case":
        text = _body_with(m, "[click](JaVaScRiPt:alert(1))")
    elif n == "md_link_entities":
        text = _body_with(m, "[click](&#106;&#x61;vascript:alert(1))")
    elif n == "md_image_javascript":
        text = _body_with(m, "![chart](javascript:alert(1))")
    elif n == "md_link_data":
        text = _body_with(m, "[open](data:text/html;base64,PHNjcmlwdD4=)")
    elif n == "md_reference_link":
        text = _body_with(m, "[click][bad]\n\n[bad]: javascript:alert(1)")
    elif n == "md_autolink":
        text = _body_with(m, "<javascript:alert(1)>")
    elif n == "md_attr_list_handler":
        text = _body_with(m, '[click](https://example.org){: onclick="alert(1)" }')
    elif n == "md_attr_list_href":
        text = _body_with(m, '[click](https://example.org){: href="javascript:alert(1)" }')
    elif n == "comment_hides_front_matter":
        # a comment opened before the front matter: an editor shows fields, YAML never sees them
        text = "<!--\n" + base + "\n-->\n"
    elif n == "comment_before_front_matter":
        text = f"<!-- {m} note -->\n" + base
    else:
        raise AssertionError(n)
    return text.encode()


CASES = [
    Case("yaml_syntax", "E106"),
    Case("tab_indent", "E106"),
    Case("front_matter_list", "E110"),
    Case("front_matter_string", "E110"),
    Case("python_tag", "E109"),
    Case("alias_bomb", "E108"),
    Case("duplicate_key", "E107"),
    Case("huge_front_matter", "E102"),
    Case("huge_body", "E102"),
    Case("nul_byte", "E111"),
    Case("latin1", "E101"),
    Case("bom", "", publishes=True),
    Case("mixed_line_endings", "", publishes=True),
    Case("empty", "E104"),
    Case("no_front_matter", "E104"),
    Case("never_closed", "E105"),
    Case("cyrillic_id", "E302"),
    Case("cyrillic_reviewer", "E305"),
    Case("reference_javascript_url", "E803"),
    Case("raw_script", "E801"),
    Case("raw_iframe", "E801"),
    Case("img_onerror", "E802"),
    Case("a_data_url", "E803"),
    Case("md_link_javascript", "E803"),
    Case("md_link_mixed_case", "E803"),
    Case("md_link_entities", "E803"),
    Case("md_image_javascript", "E803"),
    Case("md_link_data", "E803"),
    Case("md_reference_link", "E803"),
    Case("md_autolink", "E803"),
    Case("md_attr_list_handler", "E802"),
    Case("md_attr_list_href", "E803"),
    Case("comment_hides_front_matter", "E104"),
    Case("comment_before_front_matter", "E104"),
]
BY_NAME = {c.name: c for c in CASES}
OUTSIDE = ("hostile-outside", "zqhoutside")  # approved-looking, outside content/: reached by `..` or a link


def _no_traceback(*outputs: str) -> None:
    for text in outputs:
        assert "Traceback" not in text, text[-3000:]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """The sample project plus the control article, every case, the outside file and a symlink to it."""
    root = tmp_path_factory.mktemp("hostile")
    project = copy_project(root / "project")
    articles = project / "content" / "articles"
    (articles / f"{CONTROL[0]}.md").write_text(article(*CONTROL), encoding="utf-8")
    for case in CASES:
        (project / case.rel).write_bytes(case_bytes(case, root))
    outside = project / "outside"
    outside.mkdir()
    (outside / f"{OUTSIDE[0]}.md").write_text(article(*OUTSIDE), encoding="utf-8")
    os.symlink(outside / f"{OUTSIDE[0]}.md", articles / "hostile-symlink.md")
    return project


def _validate(project: Path, *paths: str) -> tuple[int, str, str]:
    code, out, err = run_cli("validate", *paths, cwd=project)
    _no_traceback(out, err)
    return code, out, err


# -- editorial validate -------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_validate_names_the_problem_with_its_position(hostile: Path, case: Case):
    code, out, err = _validate(hostile, case.rel)
    found = [m.groupdict() for m in LINE.finditer(out)]
    mine = [f for f in found if f["path"] == case.rel]
    if case.publishes:
        assert code == 0, out + err
        assert not [f for f in mine if f["code"].startswith("E")], out
        return
    assert code == 1, out + err
    assert case.code in {f["code"] for f in mine}, out + err
    first = next(f for f in mine if f["code"] == case.code)
    assert int(first["line"]) >= 1 and int(first["col"]) >= 1


def test_validate_reports_where_each_problem_is(hostile: Path):
    """Positions point at the offending line, not just line 1 (spot checks)."""
    _, out, _ = _validate(
        hostile,
        BY_NAME["raw_script"].rel,
        BY_NAME["duplicate_key"].rel,
        BY_NAME["tab_indent"].rel,
        BY_NAME["nul_byte"].rel,
        BY_NAME["latin1"].rel,
    )
    for name, code, needle in (
        ("raw_script", "E801", b"<script>"),
        ("duplicate_key", "E107", b"review_status: approved"),
        ("tab_indent", "E106", b"\t- reviewer"),
        ("nul_byte", "E111", b"\x00"),
        ("latin1", "E101", b"\xe9"),
    ):
        case = BY_NAME[name]
        data = (hostile / case.rel).read_bytes()
        expected_line = data[: data.index(needle)].count(b"\n") + 1
        line = next(m for m in LINE.finditer(out) if m["path"] == case.rel and m["code"] == code)
        assert int(line["line"]) == expected_line, (name, line.group(0))
    assert "tab" in next(line for line in out.splitlines() if BY_NAME["tab_indent"].rel in line)


def test_python_tag_ran_nothing(hostile: Path):
    _validate(hostile, BY_NAME["python_tag"].rel)
    assert not (hostile.parent / PWNED).exists()


def test_alias_bomb_is_refused_fast_within_a_memory_limit(hostile: Path):
    """In a subprocess capped at 512 MB of address space and 20 s: expanded, the bomb
    would be 9**10 strings."""
    import resource
    import sys

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (512 * 2**20, 512 * 2**20))

    done = subprocess.run(
        [sys.executable, "-m", "editorial", "validate", BY_NAME["alias_bomb"].rel],
        cwd=hostile,
        capture_output=True,
        text=True,
        timeout=20,
        preexec_fn=limit,
    )
    _no_traceback(done.stdout, done.stderr)
    assert done.returncode == 1 and "E108" in done.stdout


def test_a_path_with_dotdot_is_refused(hostile: Path):
    rel = f"content/articles/../../outside/{OUTSIDE[0]}.md"
    code, out, err = _validate(hostile, rel)
    assert code == 1, out + err
    assert re.search(rf"^{re.escape(rel)}:1:1: E112 .*\.\.", out, re.M), out


def test_a_symlink_to_a_file_outside_content_is_refused(hostile: Path):
    code, out, err = _validate(hostile, "content/articles/hostile-symlink.md")
    assert code == 1, out + err
    assert re.search(r"^content/articles/hostile-symlink\.md:1:1: E103 .*symbolic link", out, re.M), out


def test_whole_corpus_validate_survives_every_case_at_once(hostile: Path):
    code, out, err = _validate(hostile)
    assert code == 1
    reported = {m["path"] for m in LINE.finditer(out)}
    for case in CASES:
        if not case.publishes:
            assert case.rel in reported, case.name
    assert f"content/articles/{CONTROL[0]}.md" not in reported, out


# -- mkdocs build -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built_project(hostile: Path, tmp_path_factory) -> Path:
    """The hostile project built without its symbolic link (a link stops the build outright:
    test_a_symlink_stops_the_build)."""
    project = tmp_path_factory.mktemp("hostile-built") / "project"
    shutil.copytree(hostile, project, symlinks=True)
    (project / "content" / "articles" / "hostile-symlink.md").unlink()
    done = mkdocs(project, "build")
    _no_traceback(done.stdout, done.stderr)
    assert done.returncode == 0, done.stderr[-3000:]
    assert not (hostile.parent / PWNED).exists()
    return project


@pytest.fixture(scope="module")
def built(built_project: Path) -> dict[str, bytes]:
    return site_bytes(built_project / "site")


@pytest.mark.build
@pytest.mark.slow
def test_a_symlink_stops_the_build(hostile: Path):
    done = mkdocs(hostile, "build")
    _no_traceback(done.stdout, done.stderr)
    assert done.returncode == 1
    assert "content/articles/hostile-symlink.md:1:1: E115" in done.stderr
    assert not (hostile / "site").exists()


@pytest.mark.build
@pytest.mark.slow
def test_the_control_article_is_published(built: dict[str, bytes]):
    assert f"articles/{CONTROL[0]}/index.html" in built
    assert any(CONTROL[1].encode() in data for data in built.values())


@pytest.mark.build
@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_build_publishes_no_byte_of_a_hostile_case(built: dict[str, bytes], case: Case):
    holders = [path for path, data in built.items() if case.marker.encode() in data]
    if case.publishes:
        page = f"articles/{Path(case.rel).stem}/index.html"
        assert page in holders, f"{case.name} is legitimately fine and must be published"
        html = built[page].decode("utf-8")
        assert "\ufeff" not in html and "\r" not in html  # no stray BOM or CR carried into the page
        assert f'<h1 id="question" tabindex="-1">Is the {case.marker} question answered for a pump refill?</h1>' in html
    else:
        assert not holders, f"{case.name} leaked into {holders}"


@pytest.mark.build
@pytest.mark.slow
def test_build_publishes_nothing_reached_through_a_link_or_dotdot(built: dict[str, bytes]):
    assert not [p for p, d in built.items() if OUTSIDE[1].encode() in d]
    assert not [p for p in built if "hostile-symlink" in p]


@pytest.mark.build
@pytest.mark.slow
def test_built_site_has_no_script_from_any_article_body(built: dict[str, bytes]):
    """Whatever the article pages hold, none carries the hostile HTML of a case."""
    for path, data in built.items():
        if path.startswith("articles/") and path.endswith(".html"):
            text = data.decode("utf-8")
            assert "javascript:alert" not in text and "onerror=" not in text and 'onclick="alert' not in text, path


@pytest.mark.build
@pytest.mark.slow
def test_audit_passes_on_the_hostile_build(built_project: Path):
    code, out, err = run_cli("audit", "site", cwd=built_project)
    _no_traceback(out, err)
    assert code == 0, out + err


# -- editorial check-transitions --------------------------------------------------------------


def _git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "T",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "T",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def transitions(tmp_path_factory) -> tuple[int, str, str]:
    """A base commit of the sample project, then one commit adding every case: one run."""
    root = tmp_path_factory.mktemp("hostile-git")
    repo = copy_project(root / "repo")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    articles = repo / "content" / "articles"
    for case in CASES:
        data = case_bytes(case, root)
        if case.publishes:  # fine files, added the way a new article is: submitted, no reviews
            text = data.decode("utf-8")
            text = re.sub(
                r"reviews:\n(  - .*(\r?\n)|    .*(\r?\n))+",
                lambda m: "reviews: []" + ("\r\n" if "\r\n" in m.group(0) else "\n"),
                text,
            )
            data = text.replace("review_status: approved", "review_status: submitted").encode()
        (repo / case.rel).write_bytes(data)
    outside = repo / "outside"
    outside.mkdir()
    (outside / f"{OUTSIDE[0]}.md").write_text(article(*OUTSIDE), encoding="utf-8")
    os.symlink(f"../../outside/{OUTSIDE[0]}.md", articles / "hostile-symlink.md")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "hostile cases")
    code, out, err = run_cli("check-transitions", "--base", "main~1", cwd=repo)
    _no_traceback(out, err)
    assert not (root / PWNED).exists()
    return code, out, err


@pytest.mark.git
@pytest.mark.slow
def test_check_transitions_fails_the_range(transitions):
    code, out, err = transitions
    assert code == 1, out + err


@pytest.mark.git
@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_check_transitions_names_each_hostile_file(transitions, case: Case):
    _, out, _ = transitions
    errors = [m for m in LINE.finditer(out) if m["path"] == case.rel and m["code"].startswith("E")]
    if case.publishes:
        assert not errors, out
    else:
        assert errors, f"no error names {case.rel}:\n{out}"


@pytest.mark.git
@pytest.mark.slow
def test_check_transitions_names_the_symlink(transitions):
    _, out, _ = transitions
    assert [
        m
        for m in LINE.finditer(out)
        if m["path"] == "content/articles/hostile-symlink.md" and m["code"].startswith("E")
    ], out
