"""Retracted sources through the product: the pin in mkdocs.yml, `editorial validate`, `review`,
`queue` and `retractions update`, the review workflow across a pull request, the page notice of
a real `mkdocs build`, and the workflow that keeps the snapshot current.

Every snapshot is a small fictional CSV in the real layout (support/retraction_watch.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import pytest

from editorial import cli
from support.clock import DAY
from support.gate_content import mkdocs
from support.repo import CONFIG, REGISTRY, Repo
from support.retraction_watch import REFS, approved, article, notices, row, snapshot
from support.site_html import page

# -- the command line, in process ------------------------------------------------------------


@pytest.fixture
def site(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "site"
    (root / "content" / "articles").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "mkdocs.yml").write_text(CONFIG.format(min_approvals=1) + "      retractions: data/retraction_watch.csv\n")
    (root / "content" / "people.yml").write_text(REGISTRY)
    monkeypatch.chdir(root)
    return root


def pin(site: Path, data: bytes) -> str:
    (site / "data" / "retraction_watch.csv").write_bytes(data)
    config = site / "mkdocs.yml"
    digest = hashlib.sha256(data).hexdigest()
    text = re.sub(r"      retractions_sha256: .*\n", "", config.read_text())
    config.write_text(text + f"      retractions_sha256: {digest}\n")
    return digest


def write(site: Path, slug: str, text: str) -> Path:
    path = site / "content" / "articles" / f"{slug}.md"
    path.write_text(text)
    return path


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_reports_each_finding_and_info_lines_never_fail(site: Path, capsys):
    pin(site, notices())
    write(site, "pending", article("pending"))
    write(site, "published", approved("published", refs={"fict-a": REFS["fict-a"]}))
    code, out, err = run(capsys, "validate")
    assert code == 1, out + err
    assert re.search(
        r"^content/articles/pending\.md:\d+:5: E410 reference 'fict-a' \(doi 10\.5555/fict\.a\) was retracted on "
        r"2024-01-15: ",
        out,
        re.M,
    )
    assert re.search(r"^content/articles/published\.md:\d+:5: W410 warning: reference 'fict-a'", out, re.M)
    assert re.search(
        r"^content/articles/pending\.md:\d+:5: W411 warning: reference 'fict-b' \(pmid 5550002\) is under an "
        r"expression of concern since 2024-03-02",
        out,
        re.M,
    )
    assert re.search(r"^content/articles/pending\.md:\d+:5: I410 info: ", out, re.M) and " I411 info: " in out
    assert out.strip().splitlines()[-1] == "2 file(s) checked: 1 error(s), 2 warning(s), 2 info"

    write(site, "pending", article("pending", refs={"fict-c": REFS["fict-c"]}))  # only a correction left
    code, out, err = run(capsys, "validate", "--format", "github", "content/articles/pending.md")
    assert code == 0, out + err
    assert "::notice file=content/articles/pending.md,line=" in out and "title=I410 " in out


def test_an_acknowledged_reference_leaves_validate_quiet(site: Path, capsys):
    pin(site, notices())
    write(site, "pending", article("pending", refs={"fict-a": REFS["fict-a"]}, ack={"fict-a": "2024-06-01"}))
    code, out, err = run(capsys, "validate")
    assert code == 0, out + err
    assert "fict-a" not in out


@pytest.mark.parametrize(
    "spoil, expected",
    [
        ("edit", r"its SHA-256 is [0-9a-f]{12}\.\.\., but mkdocs\.yml pins [0-9a-f]{12}\.\.\."),
        ("delete", "the file does not exist"),
        ("link", "symbolic link"),
        ("folder", "not a regular file"),
        ("no hash", "`retractions` is set but `retractions_sha256` is not"),
        ("in content", "keep the snapshot outside content/"),
    ],
)
def test_a_snapshot_that_cannot_be_used_stops_validate_with_one_line(site: Path, capsys, spoil: str, expected: str):
    data = notices()
    pin(site, data)
    snap = site / "data" / "retraction_watch.csv"
    config = site / "mkdocs.yml"
    if spoil == "edit":  # one notice quietly removed from the pinned file
        snap.write_bytes(data.replace(b"Retraction,", b"Correction,", 1))
    elif spoil == "delete":
        snap.unlink()
    elif spoil == "link":
        (site / "elsewhere.csv").write_bytes(data)
        snap.unlink()
        snap.symlink_to(site / "elsewhere.csv")
    elif spoil == "folder":
        snap.unlink()
        snap.mkdir()
    elif spoil == "no hash":
        config.write_text(re.sub(r"      retractions_sha256: .*\n", "", config.read_text()))
    elif spoil == "in content":
        config.write_text(config.read_text().replace("data/retraction_watch.csv", "content/retraction_watch.csv"))
    write(site, "pending", article("pending"))
    code, out, err = run(capsys, "validate")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1, err
    line = (
        config.read_text()
        .splitlines()
        .index("      retractions: " + ("content" if spoil == "in content" else "data") + "/retraction_watch.csv")
        + 1
    )
    assert err.startswith(f"editorial: mkdocs.yml:{line}:1: E411 retraction snapshot `")
    assert re.search(expected, err), err


def test_review_refuses_to_approve_an_article_citing_a_retracted_source(site: Path, capsys):
    pin(site, notices())
    path = write(site, "pending", article("pending", status="under_review"))
    before = path.read_bytes()
    code, out, err = run(capsys, "review", str(path), "--reviewer", "bram-board", "--decision", "approved")
    assert code == 1 and path.read_bytes() == before
    assert (
        "cannot record an approval: it cites retracted work: 'fict-a' (doi 10.5555/fict.a) was retracted on 2024-01-15"
        in err
    )
    # changes requested stays possible, and so does an approval once the board has acknowledged the source
    path.write_text(article("pending", status="under_review", ack={"fict-a": DAY.isoformat()}))
    code, out, err = run(capsys, "review", str(path), "--reviewer", "bram-board", "--decision", "approved")
    assert code == 0, err
    assert "review_status: approved" in path.read_text()


def test_queue_lists_approved_articles_with_a_retracted_source_first(site: Path, capsys):
    pin(site, notices())
    write(site, "a-fine", approved("a-fine", refs={"fict-c": REFS["fict-c"]}))
    write(site, "b-waiting", article("b-waiting", refs={"fict-c": REFS["fict-c"]}))
    write(site, "c-concern", approved("c-concern", refs={"fict-b": REFS["fict-b"]}))
    write(site, "d-retracted", approved("d-retracted", refs={"fict-a": REFS["fict-a"]}))
    write(site, "e-kept", approved("e-kept", refs={"fict-a": REFS["fict-a"]}, ack={"fict-a": "2024-06-01"}))
    code, out, err = run(capsys, "queue")
    assert code == 0, err
    listed = [line.split(":", 1)[0] for line in out.strip().splitlines()[:-1]]
    assert listed == [
        "content/articles/d-retracted.md",
        "content/articles/c-concern.md",
        "content/articles/b-waiting.md",
    ]
    assert "reference 'fict-a' was retracted (2024-01-15)" in out.splitlines()[0]


def test_update_writes_the_snapshot_pins_its_hash_and_lists_what_changes(site: Path, capsys, tmp_path: Path):
    write(site, "pending", article("pending"))
    first = tmp_path / "first.csv"
    first.write_bytes(snapshot(row(104, doi="10.5555/fict.d", date="1/1/2020 0:00")))
    config_before = (site / "mkdocs.yml").read_text()
    code, out, err = run(capsys, "retractions", "update", str(first))
    assert code == 0, err
    digest = hashlib.sha256(first.read_bytes()).hexdigest()
    assert (site / "data" / "retraction_watch.csv").read_bytes() == first.read_bytes()
    assert (
        site / "mkdocs.yml"
    ).read_text() == config_before + f"      retractions_sha256: {digest}\n"  # one line added
    assert (
        "content/articles/pending.md: submitted: reference 'fict-d' (doi 10.5555/fict.d): Retraction of 2020-01-01"
        in out
    )

    newer = tmp_path / "newer.csv"
    newer.write_bytes(notices())
    code, out, err = run(capsys, "retractions", "update", str(newer))
    assert code == 0, err
    new_digest = hashlib.sha256(newer.read_bytes()).hexdigest()
    assert (
        site / "mkdocs.yml"
    ).read_text() == config_before + f"      retractions_sha256: {new_digest}\n"  # the value replaced
    assert "reference 'fict-d' (doi 10.5555/fict.d): Reinstatement of 2022-05-05 (was: Retraction of 2020-01-01)" in out
    assert "reference 'fict-a' (doi 10.5555/fict.a): Retraction of 2024-01-15" in out
    assert out.strip().splitlines()[-1] == "4 reference(s) of 1 article(s) meet a new or changed notice"
    code, out, err = run(capsys, "validate")
    assert code == 1 and "E410" in out  # the new pin is accepted; the finding is the content's

    for bad, message in (
        (b"<html>Rate limited</html>\n", "is not a Retraction Watch snapshot"),
        (snapshot(row(1, doi="")), "holds no usable row"),
        (snapshot(row(1, doi="10.5555/only")), "looks like a cut-off download"),
    ):
        newer.write_bytes(bad)
        code, out, err = run(capsys, "retractions", "update", str(newer))
        assert code == 2 and message in err, err
        assert (
            site / "mkdocs.yml"
        ).read_text() == config_before + f"      retractions_sha256: {new_digest}\n"  # nothing changed


def test_update_needs_the_policy_to_name_the_snapshot(site: Path, capsys, tmp_path: Path):
    (site / "mkdocs.yml").write_text(CONFIG.format(min_approvals=1))
    (tmp_path / "x.csv").write_bytes(notices())
    code, out, err = run(capsys, "retractions", "update", str(tmp_path / "x.csv"))
    assert code == 2 and "add `retractions: data/retraction_watch.csv`" in err


def test_a_preview_project_gets_the_pinned_snapshot(site: Path, tmp_path: Path):
    from editorial.commands import preview
    from editorial.workspace import Workspace

    data = notices()
    pin(site, data)
    path = write(site, "pending", article("pending"))
    ws = Workspace(site)
    preview.make_project(ws, path, tmp_path / "preview")
    placed = tmp_path / "preview" / "data" / "retraction_watch.csv"
    assert placed.is_file() and not placed.is_symlink() and placed.read_bytes() == data
    assert Workspace(tmp_path / "preview").retractions(ws.policy()[0]).find("10.5555/fict.a").nature == "Retraction"


# -- the review workflow across a pull request ---------------------------------------------


def _pr_approving(repo: Repo, **kw) -> None:
    """main holds the snapshot and an article under review; the branch approves it."""
    data = notices()
    (repo.root / "data").mkdir()
    (repo.root / "data" / "retraction_watch.csv").write_bytes(data)
    (repo.root / "mkdocs.yml").write_text(
        CONFIG.format(min_approvals=1) + "      retractions: data/retraction_watch.csv\n"
        f"      retractions_sha256: {hashlib.sha256(data).hexdigest()}\n"
    )
    repo.write("pump", article("pump", refs={"fict-a": REFS["fict-a"]}, **kw))
    repo.commit("add")
    repo.write("pump", article("pump", status="under_review", refs={"fict-a": REFS["fict-a"]}, **kw))
    repo.commit("start review")
    repo.on_main()
    repo.write("pump", approved("pump", refs={"fict-a": REFS["fict-a"]}, **kw))


@pytest.mark.git
def test_a_pull_request_cannot_approve_an_article_citing_a_retracted_paper(tmp_path: Path, capsys, monkeypatch):
    repo = Repo(tmp_path / "repo")
    _pr_approving(repo)
    # the branch also swaps in a clean snapshot and its hash: the base's snapshot still counts
    clean = snapshot(row(1, doi="10.5555/something.else"))
    (repo.root / "data" / "retraction_watch.csv").write_bytes(clean)
    config = repo.root / "mkdocs.yml"
    config.write_text(
        re.sub(
            r"retractions_sha256: \w+", f"retractions_sha256: {hashlib.sha256(clean).hexdigest()}", config.read_text()
        )
    )
    sha = repo.commit("approve")
    monkeypatch.chdir(repo.root)
    code, out, err = run(capsys, "check-transitions", "--base", "main")
    assert code == 1, out + err
    assert re.search(
        rf"^content/articles/pump\.md:\d+:1: E915 `approved` at this commit, but it cites retracted work: "
        rf"'fict-a' \(doi 10\.5555/fict\.a\) was retracted on 2024-01-15; .* \[commit {sha}\]$",
        out,
        re.M,
    ), out


@pytest.mark.git
def test_a_pull_request_may_approve_once_the_board_acknowledged_the_retraction(tmp_path: Path, capsys, monkeypatch):
    repo = Repo(tmp_path / "repo")
    _pr_approving(repo, ack={"fict-a": "2024-06-01"})
    repo.commit("approve")
    monkeypatch.chdir(repo.root)
    code, out, err = run(capsys, "check-transitions", "--base", "main")
    assert code == 0, out + err


# -- the site: a real `mkdocs build` of the sample project ----------------------------------

SAMPLE = "content/articles/itp-refill-sepsis.md"
FICTIONAL = """\
  - id: rw-retracted
    evidence: research
    type: article-journal
    title: A fictional study added by the test suite
    DOI: 10.5555/rw.retracted
  - id: rw-kept
    evidence: research
    type: article-journal
    title: A second fictional study added by the test suite
    PMID: "5550077"
    retraction_acknowledged: 2024-09-01
  - id: rw-concern
    evidence: research
    type: article-journal
    title: A third fictional study added by the test suite
    DOI: 10.5555/rw.concern
"""


def _approve_again_with_fictional_sources(project: Path, monkeypatch, capsys) -> None:
    """The approved sample article, citing three fictional sources, approved again by the board."""
    path = project / SAMPLE
    text = path.read_text(encoding="utf-8")
    text = text.replace("review_status: approved", "review_status: under_review", 1)
    text = text.replace("references:\n", "references:\n" + FICTIONAL, 1)
    text = (
        text.rstrip("\n") + "\n- Fictional findings added by the test suite [@rw-retracted; @rw-kept; @rw-concern].\n"
    )
    path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(project)
    code, out, err = run(capsys, "review", SAMPLE, "--reviewer", "amara-okafor", "--decision", "approved")
    assert code == 0 and "-> approved" in out, err


@pytest.mark.build
@pytest.mark.slow
def test_the_page_tells_readers_and_the_build_names_the_snapshot(project: Path, monkeypatch, capsys):
    _approve_again_with_fictional_sources(project, monkeypatch, capsys)
    data = snapshot(
        row(301, doi="10.5555/RW.RETRACTED", date="4/2/2025 0:00", notice="https://doi.org/10.5555/rw.notice.301"),
        row(302, pmid="5550077", date="7/1/2024 0:00", notice="", reason=""),
        row(303, doi="10.5555/rw.concern", nature="Expression of concern", date="3/3/2025 0:00"),
    )
    (project / "data").mkdir()
    (project / "data" / "retraction_watch.csv").write_bytes(data.replace(b"10.5555/notice.302", b""))
    data = (project / "data" / "retraction_watch.csv").read_bytes()
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text() + "      retractions: data/retraction_watch.csv\n"
        f"      retractions_sha256: {hashlib.sha256(data).hexdigest()}\n"
    )
    done = mkdocs(project, "build")
    assert done.returncode == 0, done.stderr
    assert (
        "article(s) published, 2 withheld; sources checked against the Retraction Watch snapshot of 2025-04-02"
        in done.stderr
    )

    article_page = page(project / "site", "articles/itp-refill-sepsis")
    found = {
        n.attrs["data-editorial-retraction"] + ("-kept" if "kept the source on purpose" in n.text() else ""): n
        for n in article_page.find_all("div", class_="editorial-retraction")
    }
    assert set(found) == {"retraction", "retraction-kept", "concern"}
    told = " ".join(found["retraction"].text().split())
    assert "A source cited here was retracted on 2 April 2025; the board is reviewing this answer." in told
    link = found["retraction"].find("a")
    assert link.attrs["href"] == "https://doi.org/10.5555/rw.notice.301" and link.text() == "10.5555/rw.notice.301"
    assert found["retraction"].find("time").attrs["datetime"] == "2025-04-02"
    kept = " ".join(found["retraction-kept"].text().split())
    assert (
        "was retracted on 1 July 2024; the board reviewed this answer on 1 September 2024 and kept the source on "
        "purpose." in kept
    )
    assert found["retraction-kept"].find("a") is None  # that row names no notice
    concern = " ".join(found["concern"].text().split())
    assert (
        "An expression of concern about a source cited here was published on 3 March 2025; the board is reviewing "
        "this answer." in concern
    )
    assert "Reference" in concern and found["concern"].find("a").attrs["href"] == "https://doi.org/10.5555/notice.303"
    trust = article_page.find("section", class_="editorial-trust")
    body = article_page.find("div", class_="editorial-article")
    elements = [c for c in body.children if not isinstance(c, str)]
    after = elements[elements.index(trust) + 1 :]
    assert after[0] is found["retraction"] or after[0] in found.values()  # right under the trust block

    policy = " ".join(page(project / "site", "editorial-policy").text().split())
    assert "against the Retraction Watch database published by Crossref, in the snapshot of 2025-04-02" in policy

    (project / "data" / "retraction_watch.csv").write_bytes(data + b"302,tampered\r\n")
    done = mkdocs(project, "build")
    assert done.returncode != 0
    errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
    line = config.read_text().splitlines().index("      retractions: data/retraction_watch.csv") + 1
    assert (
        len(errors) == 1
        and f"mkdocs.yml:{line}:1: E411 retraction snapshot `data/retraction_watch.csv`: its SHA-256 is" in errors[0]
    )
    assert "Traceback" not in done.stderr


# -- the workflow that keeps the snapshot current -------------------------------------------


def test_the_workflow_proposes_the_latest_snapshot_weekly_and_on_demand_through_a_pull_request():
    from support.site_html import REPO
    from support.workflows import load, runs

    workflow = load(REPO / ".github" / "workflows" / "retractions.yml")
    assert workflow["on"]["schedule"] and "workflow_dispatch" in workflow["on"]
    assert workflow["jobs"]["prepare"]["env"]["SNAPSHOT_URL"].startswith(
        "https://gitlab.com/crossref/retraction-watch-data/"
    )
    commands = runs(workflow)
    assert 'editorial retractions update "$RUNNER_TEMP/retraction_watch.csv"' in commands
    assert (
        commands.index("editorial retractions update")
        < commands.index('git push --force origin "$BRANCH"')
        < commands.index("gh pr create")
    )
    assert "main" not in re.findall(r"git push[^\n]*", commands)[0]  # a branch of its own, never main


# -- keeping a retracted source is a review action -------------------------------------------


@pytest.mark.git
def test_a_board_review_keeps_a_retracted_source_and_record_reviews_writes_it(tmp_path: Path):
    """The board member writes "Keep retracted source: <id>" in their GitHub review; record-reviews
    turns it into `retraction_acknowledged` on that reference (a change of the text: the board then
    approves the new text), never a YAML edit by hand. Only a board member's phrase counts, and
    only for a reference with a notice."""
    from support.gitrepos import InProcess, review

    repo = InProcess(tmp_path / "repo")
    _pr_approving(repo)
    refs = {"fict-a": REFS["fict-a"]}
    repo.write("pump", approved("pump", refs=refs))  # an approved answer; then its source is retracted
    repo.commit("approved before the retraction was known")
    repo.on_main()
    assert repo.editorial("start-review", repo.path("pump"))[0] == 0
    repo.commit("review again: a source was retracted")
    code, out, _ = repo.editorial("validate", repo.path("pump"))
    assert code == 1 and "E410" in out
    head, day = repo.sha(), (DAY - dt.timedelta(days=1)).isoformat()
    when = f"{day}T09:30:00Z"
    reviews = tmp_path / "reviews.json"
    found = [
        review(
            "bram-b", "COMMENTED", head, when, body="The answer stands without it.\nKeep retracted source: fict-a\n"
        ),
        review("bram-b", "COMMENTED", head, when, body="Keep retracted source: no-such-ref"),
        review("wendy-w", "COMMENTED", head, when, body="Keep retracted source: fict-a"),  # a writer: no effect
    ]
    reviews.write_text(json.dumps(found))
    code, out, err = repo.editorial("record-reviews", "--base", "main", "--reviews", reviews)
    assert code == 0, err
    assert out.splitlines() == [
        f"content/articles/pump.md: reference fict-a kept on purpose by bram-board (bram-b, {found[0]['html_url']}): "
        f"retraction_acknowledged {day}"
    ]
    assert "`no-such-ref`" in err and "no reference with that id" in err and "wendy-w" not in err
    text = repo.path("pump").read_text()
    assert f"    DOI: 10.5555/fict.a\n    retraction_acknowledged: {day}\n" in text
    assert "Keep retracted source" in repo.git("log", "-1", "--format=%B")
    code, out, _ = repo.editorial("validate", repo.path("pump"))
    assert code == 0 and "E410" not in out  # kept on purpose: validate is quiet
    assert repo.editorial("record-reviews", "--base", "main", "--reviews", reviews)[1] == ""  # once only
    # the acknowledgement is part of the text the board approves
    found.append(review("bram-b", "APPROVED", repo.sha(), f"{day}T10:00:00Z"))
    reviews.write_text(json.dumps(found))
    code, out, err = repo.editorial("record-reviews", "--base", "main", "--reviews", reviews)
    assert code == 0 and "under_review -> approved" in out, err
    code, out, err = repo.editorial("check-transitions", "--base", "main", "--reviews", reviews)
    assert code == 0, out + err
