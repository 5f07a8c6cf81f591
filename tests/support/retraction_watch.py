"""Retraction Watch snapshots for the tests: small CSVs in the real column layout of Crossref's
`retraction_watch.csv`, written by the test (never the real file, never the network), and
articles that cite the papers they name. Every paper, notice, DOI and PMID is fictional test
data: 10.5555 is Crossref's test prefix."""

from __future__ import annotations

import csv
import datetime as dt
import io

from editorial.core.loader import load_article
from support.clock import DAY

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
    day = (DAY - dt.timedelta(days=10)).isoformat()
    record = f"\n  - reviewer: bram-board\n    decision: approved\n    date: {day}\n    digest: {draft.digest}"
    nxt = (DAY + dt.timedelta(days=300)).isoformat()
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
