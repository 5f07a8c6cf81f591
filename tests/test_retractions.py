"""Retracted sources (issue 15): a pinned Retraction Watch snapshot, what its notices mean for
an article, the pin in mkdocs.yml, the review workflow, the queue and the page notice.

Every snapshot here is a small CSV in the real column layout of Crossref's
`retraction_watch.csv`, written by the test (never the real file, never the network).
Every paper, notice, DOI and PMID is fictional test data: 10.5555 is Crossref's test prefix."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import sys
from pathlib import Path

import pytest

from editorial import cli
from editorial.core import retractions
from editorial.core.loader import load_article
from editorial.core.model import Context, Policy, Registry
from editorial.core.rules import retractions as rule
from gate_content import mkdocs
from site_html import page
from test_transitions import CONFIG, REGISTRY, Repo

HEADER = [
    "Record ID",
    "Title",
    "Subject",
    "Institution",
    "Journal",
    "Publisher",
    "Country",
    "Author",
    "URLS",
    "ArticleType",
    "RetractionDate",
    "RetractionDOI",
    "RetractionPubMedID",
    "OriginalPaperDate",
    "OriginalPaperDOI",
    "OriginalPaperPubMedID",
    "RetractionNature",
    "Reason",
    "Paywalled",
    "Notes",
]
TODAY = dt.date.today()
REASONS = "+Concerns/Issues About Data;+Investigation by Journal/Publisher;"


def row(
    record: int,
    doi: str = "",
    pmid: str = "0",
    nature: str = "Retraction",
    date: str = "1/15/2024 0:00",
    notice: str = "",
    reason: str = REASONS,
    author: str = "Ada Fictional;Ben Fictional",
) -> list[str]:
    """One row as the export writes it: M/D/YYYY 0:00 dates, `;` lists, 0 for no PMID."""
    return [
        str(record),
        "A fictional study, for the test suite",
        "(HSC) Medicine - General;",
        "Department of Tests, Fictional University, Nowhere;",
        "Journal of Fictional Results",
        "Fictional Press",
        "Nowhere;",
        author,
        f"https://example.invalid/rw/{record}",
        "Research Article;",
        date,
        notice or f"10.5555/notice.{record}",
        "0",
        "6/1/2020 0:00",
        doi,
        pmid,
        nature,
        reason,
        "No",
        "",
    ]


def snapshot(*rows: list[str], trailing_comma: bool = True, eol: str = "\r\n") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=("," if trailing_comma else "") + eol)
    writer.writerow(HEADER)
    for r in rows:
        writer.writerow(r)
    return out.getvalue().encode("utf-8")


REFS = {
    "fict-a": "DOI: 10.5555/fict.a",
    "fict-b": 'PMID: "5550002"',
    "fict-c": "DOI: 10.5555/fict.c",
    "fict-d": "DOI: 10.5555/fict.d",
}


def article(
    slug: str,
    status: str = "submitted",
    refs: dict[str, str] | None = None,
    reviews: str = "[]",
    extra: str = "",
    ack: dict[str, str] | None = None,
) -> str:
    refs = REFS if refs is None else refs
    items = "".join(
        f"  - id: {key}\n    evidence: research\n    type: article-journal\n"
        f"    title: A fictional study for the test suite\n    {ident}\n"
        + (f"    retraction_acknowledged: {ack[key]}\n" if ack and key in ack else "")
        for key, ident in refs.items()
    )
    cites = "; ".join(f"@{key}" for key in refs)
    return (
        f"---\nid: {slug}\ntitle: A fictional test question?\ndescription: A fictional answer used only by the test "
        "suite.\n"
        f"audience: [clinician]\nspecialties: [anesthesia]\nauthors: [wendy-writer]\ncreated: 2024-05-01\n"
        f"updated: 2024-05-02\nreview_status: {status}\nreviews: {reviews}\n{extra}conflicts: none\n"
        f"references:\n{items}---\n\n## From the Research\n\nA fictional finding [{cites}].\n"
    )


def approved(slug: str, **kw) -> str:
    """The article, approved by bram-board ten days ago with a record of its real digest."""
    draft, _ = load_article(f"content/articles/{slug}.md", article(slug, **kw).encode())
    day = (TODAY - dt.timedelta(days=10)).isoformat()
    record = f"\n  - reviewer: bram-board\n    decision: approved\n    date: {day}\n    digest: {draft.digest}"
    nxt = (TODAY + dt.timedelta(days=300)).isoformat()
    return article(slug, status="approved", reviews=record, extra=f"next_review: {nxt}\n", **kw)


def notices() -> bytes:
    """A: retracted (upper case, with a prefix); B: under concern, by PMID only; C: corrected;
    D: retracted, then reinstated (the later row decides)."""
    return snapshot(
        row(101, doi="https://doi.org/10.5555/FICT.A"),
        row(102, pmid="5550002", nature="Expression of concern", date="3/2/2024 0:00"),
        row(103, doi="doi:10.5555/fict.c", nature="Correction", date="2/1/2024 0:00", reason="+Error in Data;"),
        row(104, doi="10.5555/fict.d", date="1/1/2020 0:00"),
        row(105, doi="http://dx.doi.org/10.5555/fict.d", nature="Reinstatement", date="5/5/2022 0:00"),
    )


# -- the core: reading the CSV ----------------------------------------------------------


def test_each_nature_is_indexed_by_doi_and_pmid_and_the_latest_row_decides():
    index = retractions.load(notices())
    assert (index.rows, index.skipped, index.latest) == (5, 0, "2024-03-02")
    a = index.find("10.5555/fict.a")
    assert (a.nature, a.date, a.record_id, a.notice_doi) == ("Retraction", "2024-01-15", 101, "10.5555/notice.101")
    assert a.url == "https://doi.org/10.5555/notice.101"
    assert a.reasons == ("Concerns/Issues About Data", "Investigation by Journal/Publisher")
    assert index.find(pmid="5550002").nature == "Expression of concern"
    assert index.find("10.5555/fict.c").nature == "Correction"
    assert index.find("10.5555/fict.d").nature == "Reinstatement"  # retracted in 2020, reinstated in 2022
    assert index.find("10.5555/not.listed", "999") is None


def test_same_date_is_decided_by_the_higher_record_id():
    data = snapshot(row(7, doi="10.5555/tie", nature="Correction"), row(6, doi="10.5555/tie"))
    assert retractions.load(data).find("10.5555/tie").record_id == 7


@pytest.mark.parametrize(
    "written",
    [
        "10.5555/FICT.A",
        "https://doi.org/10.5555/fict.a",
        "http://dx.doi.org/10.5555/Fict.A",
        "doi:10.5555/fict.a",
        "DOI: 10.5555/fict.a",
        " https://doi.org/10.5555%2Ffict.a ",
    ],
)
def test_a_doi_matches_in_any_case_with_or_without_a_prefix(written: str):
    index = retractions.load(notices())
    assert index.find(written).record_id == 101
    assert retractions.load(snapshot(row(1, doi=written))).find("10.5555/fict.a").record_id == 1


def test_a_pmid_only_reference_matches_as_digits():
    index = retractions.load(notices())
    for written in ("5550002", 5550002, " 5550002", "PMID: 5550002", "0005550002"):
        assert index.find(pmid=written).record_id == 102, written
    assert index.find(pmid="0") is None and index.find(pmid=True) is None
    refs = [{"id": "only-pmid", "PMID": "5550002"}]
    assert [f.identifier for f in retractions.findings(refs, index)] == ["pmid 5550002"]


def test_rows_with_invalid_bytes_or_missing_fields_are_skipped_and_counted_never_fatal():
    good = snapshot(
        row(1, doi="10.5555/kept"),
        row(2, doi="10.5555/broken-id"),
        row(3, doi="10.5555/author-only"),
        row(4, doi="10.5555/short"),
        row(5, doi="", pmid="0"),
        row(6, doi="10.5555/bad-date", date="soon"),
        row(7, doi="10.5555/odd-nature", nature="Withdrawal?"),
        row(8, doi="10.5555/after"),
    )
    data = good.replace(
        b"10.5555/broken-id", b"10.5555/broken-\xff\xfeid"
    )  # in a field we read: the row cannot be trusted
    data = data.replace(b'3,"A fictional study', b'3,"A fictional \xe9study')  # in row 3's title only
    data = data.replace(b"Ada Fictional", b"Ad\xc3a Fictional", 1)  # in row 1's author only
    lines = data.split(b"\r\n")
    lines[4] = b",".join(lines[4].split(b",")[:9])  # row 4 cut short after URLS
    index = retractions.load(b"\r\n".join(lines))
    assert index.rows == 8
    assert index.skipped == 5  # broken DOI, short row, no paper id, not a date, unknown nature
    assert index.damaged == 3  # the broken DOI, the title and the author's name
    assert index.find("10.5555/kept") and index.find("10.5555/after") and index.find("10.5555/author-only")
    assert not index.find("10.5555/broken-\udcff\udcfeid") and not index.find("10.5555/short")
    assert index.skipped_lines[:2] == [3, 5]
    assert "5 row(s) skipped, 3 with invalid UTF-8" in index.summary()


@pytest.mark.parametrize("trailing_comma", [True, False], ids=["trailing comma", "none"])
@pytest.mark.parametrize("eol", ["\r\n", "\n"], ids=["CRLF", "LF"])
def test_line_ends_bom_and_quoted_newlines(trailing_comma: bool, eol: str):
    notes = row(2, doi="10.5555/two")
    notes[-1] = "See also, with a comma;\nand a second line"
    data = (
        b"\xef\xbb\xbf"
        + snapshot(row(1, doi="10.5555/one"), notes, trailing_comma=trailing_comma, eol=eol)
        + eol.encode()
    )
    index = retractions.load(data)
    assert (index.rows, index.skipped) == (2, 0) and set(index.by_doi) == {"10.5555/one", "10.5555/two"}
    assert retractions.load([data[:7], data[7:100], data[100:]]).by_doi == index.by_doi  # streamed in pieces


def test_text_from_the_file_reaches_messages_as_one_clean_line():
    index = retractions.load(
        snapshot(
            row(1, doi="10.5555/one", notice="10.5555/\x1b[31mred", reason="+Line one\nline two;+\x1b]0;title\x07;"),
            row(2, doi="10.5555/two\x1b[0m"),
        )
    )
    notice = index.find("10.5555/one")
    assert notice.reasons == ("Line one line two", "]0", "title") and notice.url == ""
    assert not index.find("10.5555/two\x1b[0m") and index.skipped == 1


def test_a_row_the_csv_module_cannot_read_costs_that_row_only():
    runaway = row(2, doi="10.5555/runaway")
    runaway[-1] = "x" * (retractions.MAX_FIELD_CHARS + 1)
    limit = csv.field_size_limit()
    index = retractions.load(snapshot(row(1, doi="10.5555/before"), runaway, row(3, doi="10.5555/after")))
    assert (index.rows, index.skipped) == (3, 1) and set(index.by_doi) == {"10.5555/before", "10.5555/after"}
    assert csv.field_size_limit() == limit  # the process-wide limit is put back


def test_a_file_that_is_not_the_snapshot_is_refused():
    with pytest.raises(retractions.SnapshotError, match="RetractionNature"):
        retractions.load(b"<html><body>Not found</body></html>\n")
    with pytest.raises(retractions.SnapshotError, match="empty"):
        retractions.load(b"")
    assert retractions.parse_date("12/31/2023 0:00") == "2023-12-31" and retractions.parse_date("2/30/2023 0:00") == ""


def test_the_benchmark_writes_the_real_layout():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    import bench

    index = retractions.load(bench.retraction_csv(2000))
    assert index.rows == 2000 and len(index.by_doi) > 1500 and index.damaged == 2


# -- the rule family ---------------------------------------------------------------------


def _problems(status: str, **kw):
    text = approved("pump", **kw) if status == "approved" else article("pump", status=status, **kw)
    found, problems = load_article("content/articles/pump.md", text.encode())
    assert found is not None, problems
    ctx = Context(Registry("content/people.yml", {}), Policy(), TODAY.isoformat(), retractions.load(notices()))
    return list(rule.check([found], ctx)), text


@pytest.mark.parametrize("status, code", [("submitted", "E410"), ("under_review", "E410"), ("approved", "W410")])
def test_each_nature_gives_its_code_at_the_references_line(status: str, code: str):
    problems, text = _problems(status)
    lines = text.splitlines()
    where = {p.code: (p.line, p.column) for p in problems}
    assert sorted(where) == sorted([code, "W411", "I410", "I411"])
    assert lines[where[code][0] - 1] == "  - id: fict-a" and where[code][1] == 5
    assert lines[where["W411"][0] - 1] == "  - id: fict-b"
    retracted = next(p for p in problems if p.code == code)
    assert retracted.message.startswith("reference 'fict-a' (doi 10.5555/fict.a) was retracted on 2024-01-15: ")
    assert "https://doi.org/10.5555/notice.101" in retracted.message and "retraction_acknowledged" in retracted.message
    severities = {p.code: p.severity for p in problems}
    assert severities == {
        code: "error" if code.startswith("E") else "warning",
        "W411": "warning",
        "I410": "info",
        "I411": "info",
    }


def test_an_acknowledged_retraction_is_quiet_and_an_older_acknowledgement_is_not():
    problems, _ = _problems("under_review", ack={"fict-a": "2024-02-01", "fict-b": "2024-03-01"})
    codes = {p.code: p for p in problems}
    assert "E410" not in codes  # kept on purpose after the retraction of 2024-01-15
    assert (
        "W411" in codes and "`retraction_acknowledged: 2024-03-01` is older than this notice" in codes["W411"].message
    )


def test_an_acknowledgement_cannot_be_dated_in_the_future():
    problems, text = _problems("submitted", ack={"fict-a": "2999-01-01"})
    future = [p for p in problems if p.code == "E602"]
    assert len(future) == 1 and "is in the future" in future[0].message
    assert text.splitlines()[future[0].line - 1].strip() == "retraction_acknowledged: 2999-01-01"


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
    path.write_text(article("pending", status="under_review", ack={"fict-a": TODAY.isoformat()}))
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
    from site_html import REPO
    from test_github_files import load, runs

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
    from gitrepos import InProcess, review

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
    head, day = repo.sha(), (TODAY - dt.timedelta(days=1)).isoformat()
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
