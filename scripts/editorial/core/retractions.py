"""Retracted sources: Crossref's Retraction Watch CSV as an index by DOI and PMID. Pure.

The snapshot is `retraction_watch.csv` from Crossref's `retraction-watch-data`
repository (about 65,000 rows, 60 MB). Columns are found by their header name,
never by position. One streamed pass over the bytes builds two dictionaries: the
notices of each retracted or corrected paper by its DOI (lower case, without a
`https://doi.org/` or `doi:` prefix) and by its PubMed id (digits). For each paper
the LATEST notice decides (by date, then by the higher Record ID): a paper that was
retracted and later reinstated is reinstated.

What the export holds that we must live with: dates as `M/D/YYYY 0:00`, lists inside
a field separated by `;`, a trailing comma at the end of some lines, `0` for a
missing PubMed id, `unavailable` for a missing DOI, and some invalid UTF-8 (in
author names, mostly). A row whose identifying fields are broken or missing is
skipped and counted, never fatal; invalid bytes in text we do not read (a title,
an author) do not cost the row its retraction. A file that is not this CSV at all
(no header, a required column missing) is a `SnapshotError`.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from typing import NamedTuple

from . import identifiers
from .visible import invisible

RETRACTION = "Retraction"
CONCERN = "Expression of concern"
CORRECTION = "Correction"
REINSTATEMENT = "Reinstatement"
NATURES = {form: n for n in (RETRACTION, CONCERN, CORRECTION, REINSTATEMENT) for form in (n, n.lower())}

# The columns read; the others (Title, Subject, Institution, Journal, Publisher,
# Country, Author, URLS, ArticleType, Paywalled, Notes) are carried by the file only.
RECORD, DATE, NOTICE_DOI, NOTICE_PMID = "Record ID", "RetractionDate", "RetractionDOI", "RetractionPubMedID"
PAPER_DOI, PAPER_PMID, NATURE, REASON = "OriginalPaperDOI", "OriginalPaperPubMedID", "RetractionNature", "Reason"
REQUIRED = (RECORD, DATE, NOTICE_DOI, NOTICE_PMID, PAPER_DOI, PAPER_PMID, NATURE)

_BROKEN = re.compile("[\udc80-\udcff]")  # a byte that was not UTF-8, kept by surrogateescape
MAX_FIELD_CHARS = 1_000_000  # a longer field (a runaway quote, most likely) costs its row only
MAX_SNAPSHOT_BYTES = 400_000_000  # the real file is ~60 MB; anything this large is not it


class SnapshotError(ValueError):
    """The bytes are not a Retraction Watch CSV at all; the message says what is wrong."""


class Notice(NamedTuple):
    """The notice that decides about one paper (its latest row). A tuple: notices order by
    date, then by Record ID, and 65,000 of them are made in one pass."""

    date: str  # ISO date of the notice
    record_id: int
    nature: str  # one of RETRACTION, CONCERN, CORRECTION, REINSTATEMENT
    notice_doi_text: str = ""  # the notice's own DOI and PMID as the file writes them
    notice_pmid_text: str = ""
    reason_text: str = ""  # `+Reason one;+Reason two;`

    @property
    def notice_doi(self) -> str:
        return normalise_doi(self.notice_doi_text)

    @property
    def reasons(self) -> tuple[str, ...]:
        return split_list(self.reason_text)

    @property
    def url(self) -> str:
        """Where a reader finds the notice: its DOI, else its PubMed page, else nothing."""
        if self.notice_doi:
            return f"https://doi.org/{self.notice_doi}"
        pmid = normalise_pmid(self.notice_pmid_text)
        return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid else ""


@dataclass
class Index:
    """The notices of a snapshot by normalised DOI and PMID, and what reading it cost."""

    by_doi: dict[str, Notice] = field(default_factory=dict)
    by_pmid: dict[str, Notice] = field(default_factory=dict)
    rows: int = 0  # data rows in the file
    skipped: int = 0  # rows left out: broken or missing identifying fields
    damaged: int = 0  # rows with invalid UTF-8 somewhere (skipped or not)
    latest: str = ""  # the latest notice date in the file: the snapshot's own date
    skipped_lines: list[int] = field(default_factory=list)  # first few, to say where

    def find(self, doi: object = None, pmid: object = None) -> Notice | None:
        """The latest notice about the paper with this DOI and/or PMID, if any."""
        # a reference's identifiers however written: the same paper is the same paper
        found = [n for n in (self.by_doi.get(identifiers.doi(doi)), self.by_pmid.get(identifiers.pmid(pmid))) if n]
        return max(found) if found else None

    def for_reference(self, reference: dict) -> Notice | None:
        """The notice about the work a reference names: by its DOI or PMID, or by its URL when that
        is a doi.org or PubMed address."""
        found = self.find(reference.get("DOI"), reference.get("PMID"))
        return found or self.find(reference.get("URL"), reference.get("URL"))

    def summary(self) -> str:
        """One line for logs and pull requests: how many rows, how many left out, the date."""
        left_out = f", {self.skipped:,} row(s) skipped" if self.skipped else ""
        damaged = f", {self.damaged:,} with invalid UTF-8" if self.damaged else ""
        return (
            f"{self.rows:,} row(s), {len(self.by_doi):,} DOI(s) and {len(self.by_pmid):,} PMID(s) indexed"
            f"{left_out}{damaged}; latest notice {self.latest or 'none'}"
        )


def normalise_doi(value: object) -> str:
    """A DOI of the snapshot in its canonical form (identifiers.doi), or "" when the file writes
    it with a character no one can see: such a row is damaged, and never becomes a link."""
    return identifiers.doi(value) if isinstance(value, str) and not any(invisible(value)) else ""


def normalise_pmid(value: object) -> str:
    """A PubMed id of the snapshot in its canonical form (identifiers.pmid); "" as normalise_doi."""
    return identifiers.pmid(value) if not (isinstance(value, str) and any(invisible(value))) else ""


def parse_date(value: str, known: dict[str, str] | None = None) -> str:
    """`1/15/2024 0:00` (the export's form), `1/15/2024` or `2024-01-15` -> `2024-01-15`; "" if not a date.
    `known`: the dates one load has parsed already (the file repeats a few thousand dates
    65,000 times: each is parsed once)."""
    if known is not None and value in known:
        return known[value]
    text = value.strip().split(" ", 1)[0]
    try:
        if "/" in text:
            month, day, year = (int(part) for part in text.split("/"))
            iso = dt.date(year, month, day).isoformat()
        else:
            iso = dt.date.fromisoformat(text).isoformat() if len(text) == 10 else ""
    except ValueError:
        iso = ""
    if known is not None:
        known[value] = iso
    return iso


def split_list(value: str) -> tuple[str, ...]:
    """`+Concerns/Issues About Data;+Investigation by Journal/Publisher;` -> the two reasons.

    Each on one line of printable text: they end up in terminal output and one-line messages."""
    parts = ("".join(ch for ch in " ".join(part.split()) if ch.isprintable()).lstrip("+ ") for part in value.split(";"))
    return tuple(part for part in parts if part)


def load(data: bytes | Iterable[bytes]) -> Index:
    """The index of a snapshot's bytes, in one streamed pass (see the module's docstring).

    The loop is written for speed (csv's own parsing is half of the ~1 s at 65,000 rows):
    one C call picks the fields read, and the usual forms take inline fast paths."""
    stream: io.BytesIO | io.BufferedReader = (
        io.BytesIO(data) if isinstance(data, (bytes, bytearray, memoryview)) else io.BufferedReader(_Chunks(data))
    )
    text = io.TextIOWrapper(stream, encoding="utf-8", errors="surrogateescape", newline="")
    limit = csv.field_size_limit(MAX_FIELD_CHARS)  # process-wide: put back when done
    try:
        return _index(csv.reader(text))
    finally:
        csv.field_size_limit(limit)
        text.detach()


def _index(reader) -> Index:
    index = Index()
    rows = _rows(reader, index)
    columns = _columns(next(rows, None))
    read = [columns[name] for name in REQUIRED] + ([columns[REASON]] if REASON in columns else [])
    pick = itemgetter(*read)
    need = max(read) + 1  # a row cut short lacks a field we read
    by_doi, by_pmid, natures = index.by_doi, index.by_pmid, NATURES
    dates: dict[str, str] = {}
    latest = ""
    for row in rows:
        if len(row) < need:
            if row and (len(row) > 1 or row[0].strip()):  # not a blank line
                index.rows += 1
                _skip(index, reader.line_num)
            continue
        index.rows += 1
        fields = pick(row)
        if not all(map(str.isascii, row)) and any(map(_BROKEN.search, row)):
            index.damaged += 1
            if any(map(_BROKEN.search, fields)):  # bytes we read are broken: the row cannot be trusted
                _skip(index, reader.line_num)
                continue
        record_id, when, paper_doi, paper_pmid, kind = fields[0], fields[1], fields[4], fields[5], fields[6]
        when = dates.get(when) or parse_date(when, dates)
        kind = natures.get(kind) or natures.get(kind.strip().lower())
        doi = (
            paper_doi.lower()
            if paper_doi[:3] == "10."
            and "/" in paper_doi
            and paper_doi.isascii()
            and paper_doi.isprintable()
            and " " not in paper_doi
            and "%" not in paper_doi
            else normalise_doi(paper_doi)
        )
        pmid = (
            paper_pmid
            if paper_pmid.isdigit() and paper_pmid.isascii() and paper_pmid[0] != "0"
            else normalise_pmid(paper_pmid)
        )
        if not (kind and when and (doi or pmid) and record_id.isdigit() and record_id.isascii()):
            _skip(index, reader.line_num)
            continue
        notice = Notice(when, int(record_id), kind, fields[2], fields[3], fields[7] if len(fields) > 7 else "")
        if doi and (doi not in by_doi or by_doi[doi] < notice):
            by_doi[doi] = notice
        if pmid and (pmid not in by_pmid or by_pmid[pmid] < notice):
            by_pmid[pmid] = notice
        if when > latest:
            latest = when
    index.latest = latest
    return index


def _rows(reader, index: Index) -> Iterator[list[str]]:
    """The reader's rows; a row the csv module cannot read (a field over MAX_FIELD_CHARS)
    is skipped and counted, and reading goes on with the next line."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error:
            index.rows += 1
            _skip(index, reader.line_num)


def pin_problem(path: str, sha256: str) -> str:
    """Why the policy's two options cannot be used ("" when they can)."""
    parts = path.split("/")
    if path.startswith("/") or ".." in parts:
        return "the path must be relative to the project, without `..`"
    if parts[0] == "content":
        return "keep the snapshot outside content/ (e.g. data/retraction_watch.csv): what is there may be published"
    if path and not sha256:
        return (
            "`retractions` is set but `retractions_sha256` is not: a snapshot is used only with its hash; "
            "run `editorial retractions update FILE` to write it"
        )
    if sha256 and not path:
        return "`retractions_sha256` is set but `retractions` (the snapshot's path) is not; set both, or neither"
    return ""


def verified(data: bytes, sha256: str) -> Index:
    """The index of `data`, if its SHA-256 is the pinned one; else a SnapshotError."""
    if len(data) > MAX_SNAPSHOT_BYTES:
        raise SnapshotError(
            f"the file is {len(data):,} bytes, over the limit of {MAX_SNAPSHOT_BYTES:,}; it is not Crossref's "
            "retraction_watch.csv"
        )
    found = hashlib.sha256(data).hexdigest()
    if found != sha256:
        raise SnapshotError(
            f"its SHA-256 is {found[:12]}..., but mkdocs.yml pins {sha256[:12]}...; a snapshot changed by hand is "
            "refused: restore the pinned file, or take a new one with `editorial retractions update FILE`"
        )
    return load(data)


def _columns(header: list[str] | None) -> dict[str, int]:
    if not header:
        raise SnapshotError("the file is empty; expected Crossref's retraction_watch.csv with its header line")
    names = [name.strip().lstrip("\ufeff").strip() for name in header]
    columns = {name: i for i, name in enumerate(names) if name}
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise SnapshotError(
            f"the header lacks the column(s) {', '.join(missing)}; expected Crossref's retraction_watch.csv "
            f"(Record ID, ..., RetractionDate, RetractionDOI, ..., RetractionNature, Reason, ...)"
        )
    return columns


def _skip(index: Index, line: int) -> None:
    index.skipped += 1
    if len(index.skipped_lines) < 5:
        index.skipped_lines.append(line)


class _Chunks(io.RawIOBase):
    """An iterable of byte chunks (a file read piece by piece) as a readable stream."""

    def __init__(self, chunks: Iterable[bytes]):
        self._chunks = iter(chunks)
        self._rest = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._rest:
            self._rest = next(self._chunks, b"")
            if not self._rest:
                return 0
        size = min(len(buffer), len(self._rest))
        buffer[:size] = self._rest[:size]
        self._rest = self._rest[size:]
        return size


# -- what an article's references meet in the index -----------------------------------


@dataclass(frozen=True)
class Finding:
    """One reference of an article that the snapshot has a notice about."""

    index: int  # position in `references`
    key: str  # the reference's id
    identifier: str  # how it matched, for messages: `doi 10.x/y` or `pmid 123`
    notice: Notice
    acknowledged: str = ""  # the reference's `retraction_acknowledged` date, when it covers this notice
    stale_acknowledgement: str = ""  # an acknowledgement older than this notice (it does not cover it)

    @property
    def retracted(self) -> bool:
        return self.notice.nature == RETRACTION

    @property
    def blocks_approval(self) -> bool:
        """A retracted source the board has not kept on purpose: no approval may rest on it."""
        return self.retracted and not self.acknowledged


def findings(references: Iterable[object], index: Index | None) -> list[Finding]:
    """The notices about an article's references (in their order), with acknowledgements.

    An acknowledgement covers the notices up to its date: a paper under an expression of
    concern that the board kept, then retracted, is reported again."""
    if index is None:
        return []
    found = []
    for position, ref in enumerate(references):
        if not isinstance(ref, dict):
            continue
        notice = index.for_reference(ref)
        if notice is None:
            continue
        doi = identifiers.doi(ref.get("DOI")) or identifiers.doi(ref.get("URL"))
        pmid = identifiers.pmid(ref.get("PMID")) or identifiers.pmid(ref.get("URL"))
        identifier = f"doi {doi}" if doi and index.by_doi.get(doi) == notice else f"pmid {pmid}"
        acknowledged = _date_text(ref.get("retraction_acknowledged"))
        covers = bool(acknowledged) and acknowledged >= notice.date
        found.append(
            Finding(
                position,
                str(ref.get("id", "?")),
                identifier,
                notice,
                acknowledged if covers else "",
                acknowledged if acknowledged and not covers else "",
            )
        )
    return found


_WORK_LINK = re.compile(  # an address at a DOI or PubMed resolver (identifiers.address reads it)
    r"https?://(?:(?:www\.|dx\.)?doi\.org|hdl\.handle\.net|(?:www\.)?pubmed\.ncbi\.nlm\.nih\.gov|(?:www\.)?ncbi\.nlm\.nih\.gov)"
    r"\.?(?::[0-9]*)?/[^\s)\]>\"']+",
    re.I,
)


@dataclass(frozen=True)
class Link:
    """A doi.org or PubMed address in an article's body: a work the article points readers to."""

    url: str
    offset: int  # in the body

    def as_reference(self) -> dict[str, str]:
        return {"id": f"the link {self.url}", "URL": self.url}


def body_links(body: str) -> list[Link]:
    """The doi.org and PubMed addresses an article's body links to (a retracted paper linked in
    the text is cited as surely as one in `references`)."""
    return [Link(m.group().rstrip(".,;:"), m.start()) for m in _WORK_LINK.finditer(body)] if "://" in body else []


def cited_works(article: object) -> list[object]:
    """Every work an article cites or links: its references, then its body's doi.org and PubMed links."""
    refs = list(getattr(article, "references", ()))
    return refs + [link.as_reference() for link in body_links(getattr(article, "body", ""))]


def blocking(references: Iterable[object], index: Index | None) -> list[Finding]:
    """The retracted, unacknowledged references: an article citing one cannot be approved."""
    return [f for f in findings(references, index) if f.blocks_approval]


def refusal(found: list[Finding]) -> str:
    """Why an approval is refused, in one sentence naming each retracted reference."""
    listed = "; ".join(f"'{f.key}' ({f.identifier}) was retracted on {f.notice.date}" for f in found)
    return (
        f"it cites retracted work: {listed}; remove the reference (and what rests on it), or, if the board "
        f"keeps it on purpose, a board member writes `Keep retracted source: {found[0].key}` in their review on GitHub "
        "first (record-reviews then adds `retraction_acknowledged` to the reference)"
    )


def _date_text(value: object) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return value if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else ""


# -- what a reader is told ---------------------------------------------------------------


@dataclass(frozen=True)
class PageNotice:
    """What an article page says about one of its sources. Plain text: the template escapes it."""

    kind: str  # "retraction" or "concern" (corrections and reinstatements are not announced)
    date: str  # ISO date of the notice, for <time datetime>
    date_text: str  # as a reader reads it: 15 January 2024
    notice_url: str  # the notice itself (doi.org, else PubMed); "" when the row names neither
    notice_label: str  # what the link shows: the notice's DOI or PMID
    acknowledged: str  # the date the board kept the source on purpose ("" when it has not)
    acknowledged_text: str
    number: int  # the source's number in the References list (0 when it is not cited)


def page_notices(references: object, index: Index | None, order: list[str] | None = None) -> list[PageNotice]:
    """The notices an article page shows, for the retracted sources and those under concern."""
    notices = []
    order = list(order or [])
    for found in findings(references if isinstance(references, list) else [], index):
        nature = found.notice.nature
        if nature not in (RETRACTION, CONCERN):
            continue
        notice = found.notice
        pmid = normalise_pmid(notice.notice_pmid_text)
        label = notice.notice_doi or (f"PMID {pmid}" if pmid else "")
        number = order.index(found.key) + 1 if found.key in order else 0
        notices.append(
            PageNotice(
                "retraction" if nature == RETRACTION else "concern",
                notice.date,
                _day_text(notice.date),
                notice.url,
                label,
                found.acknowledged,
                _day_text(found.acknowledged),
                number,
            )
        )
    return notices


def _day_text(iso: str) -> str:
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day.strftime('%B')} {day.year}"


# -- what a new snapshot changes ------------------------------------------------------------


def changes(articles: Iterable, old: Index | None, new: Index) -> list[str]:
    """One line per reference whose notice differs between two snapshots, for the pull request
    that updates the snapshot: the board sees which articles the new data touches."""
    lines = []
    for article in articles:
        refs = list(article.references)
        before = {f.index: f for f in findings(refs, old)}
        after = findings(refs, new)
        for gone in set(before) - {f.index for f in after}:
            gone_was = before[gone]
            lines.append(
                f"{article.path}: {article.status or '?'}: reference '{gone_was.key}' ({gone_was.identifier}): "
                f"no notice any more (was: {gone_was.notice.nature} of {gone_was.notice.date})"
            )
        for found in after:
            was = before.get(found.index)
            if was is not None and was.notice == found.notice:
                continue
            then = f" (was: {was.notice.nature} of {was.notice.date})" if was is not None else ""
            kept = f"; kept on purpose on {found.acknowledged}" if found.acknowledged else ""
            lines.append(
                f"{article.path}: {article.status or '?'}: reference '{found.key}' ({found.identifier}): "
                f"{found.notice.nature} of {found.notice.date}{then}{kept}"
            )
    return lines
