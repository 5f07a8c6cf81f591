"""Retracted sources (issue 15): a pinned Retraction Watch snapshot read as values, and what
its notices mean for an article (the rule family). The pin in mkdocs.yml, the review
workflow, the queue and the page notice: acceptance/test_retractions_cli.py.

Every snapshot is a small fictional CSV in the real layout (support/retraction_watch.py)."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

from editorial.core import retractions
from editorial.core.loader import load_article
from editorial.core.model import Context, Policy, Registry
from editorial.core.rules import retractions as rule
from support.clock import DAY
from support.retraction_watch import approved, article, notices, row, snapshot

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
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
    import bench

    index = retractions.load(bench.retraction_csv(2000))
    assert index.rows == 2000 and len(index.by_doi) > 1500 and index.damaged == 2


# -- the rule family ---------------------------------------------------------------------


def _problems(status: str, **kw):
    text = approved("pump", **kw) if status == "approved" else article("pump", status=status, **kw)
    found, problems = load_article("content/articles/pump.md", text.encode())
    assert found is not None, problems
    ctx = Context(Registry("content/people.yml", {}), Policy(), DAY.isoformat(), retractions.load(notices()))
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
