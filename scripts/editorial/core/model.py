"""The content model: plain values, no I/O.

Everything the pipeline knows about an article, a person or the policy is one of
these dataclasses. Problems are values too: rules return them, never raise them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from . import identifiers
from .vocabulary import Role

if TYPE_CHECKING:
    from .retractions import Index


class CannotRun(Exception):
    """The command itself cannot run (exit 2): no project, a ref git does not know, a reviews
    file that is not GitHub's. Never a finding about content: those are Problems."""


@dataclass(frozen=True, order=True)
class Problem:
    """One finding, pointing at the place in a file a person has to fix."""

    path: str
    line: int
    column: int
    code: str
    message: str
    commit: str = ""  # short sha, for problems found in git history

    @property
    def severity(self) -> str:
        # I codes are information: shown, never a failed check (anything else unknown is an error)
        return "warning" if self.code.startswith("W") else "info" if self.code.startswith("I") else "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


Position = tuple[int, int]  # 1-based line and column in the file


@dataclass
class Located:
    """A parsed YAML document plus where each key and value sits in the file."""

    data: Any
    # ("reviews", 0, "digest") -> (line, column); the key's position for mapping entries
    positions: dict[tuple, Position] = field(default_factory=dict)
    start: Position = (1, 1)

    def pos(self, *path: Any) -> Position:
        """Position of the deepest known ancestor of `path` (the file start at worst)."""
        path = tuple(path)
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.start


def text_values(data: object) -> list[str]:
    """Every text value of parsed YAML (front matter, the registry), however deep (an explicit
    stack: a thousand articles' references are 100,000 values)."""
    found: list[str] = []
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return found


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


RECORD_TEXTS = ("note", "meaning", "name", "credentials", "at", "commit", "review")  # a record's optional fields


@dataclass(frozen=True)
class Record:
    """One entry of an article's `reviews` log, as the workflow reads it."""

    index: int  # its place in the log (for positions in the file)
    reviewer: str
    decision: str  # approved | changes_requested
    date: str
    digest: str
    note: str = ""
    # the signature, as the tools write it (optional: older records have none)
    meaning: str = ""  # what the approval attests, in the policy's words that day
    name: str = ""  # the reviewer's printed name that day
    credentials: str = ""  # and credentials
    at: str = ""  # UTC time, YYYY-MM-DDTHH:MM:SSZ
    commit: str = ""  # the commit reviewed
    review: str = ""  # the review's address on GitHub


@dataclass(frozen=True)
class ArticleMeta:
    """An article's front matter as typed values, made once from the parsed YAML.

    Lenient by design: a field of the wrong type reads as empty here, and the schema rule
    (which checks the raw front matter, `Article.meta`) reports it; nothing is published
    with a schema error, so nothing downstream sees a half-read article. The raw mapping
    stays the source for the digest, the schema check and the byte-preserving edits."""

    id: str = ""
    title: str = ""
    seo_title: str = ""
    description: str = ""
    patient_summary: str = ""
    audience: tuple[str, ...] = ()
    specialties: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    created: str = ""
    updated: str = ""
    review_status: str = ""
    reviews: tuple[Record, ...] = ()  # the entries that are mappings, with their place in the log
    next_review: str = ""
    conflicts: str = ""
    references: tuple[dict[str, Any], ...] = ()  # CSL items (mappings), as citeproc-py reads them

    @classmethod
    def of(cls, meta: dict[str, Any]) -> ArticleMeta:
        raw_reviews = meta.get("reviews")
        records = tuple(
            Record(
                i,
                _text(r.get("reviewer")),
                _text(r.get("decision")),
                str(r.get("date") or ""),
                _text(r.get("digest")),
                *(_text(r.get(key)) for key in RECORD_TEXTS),
            )
            for i, r in enumerate(raw_reviews if isinstance(raw_reviews, list) else [])
            if isinstance(r, dict)
        )
        refs = meta.get("references")
        return cls(
            id=_text(meta.get("id")),
            title=_text(meta.get("title")),
            seo_title=_text(meta.get("seo_title")),
            description=_text(meta.get("description")),
            patient_summary=_text(meta.get("patient_summary")),
            audience=_texts(meta.get("audience")),
            specialties=_texts(meta.get("specialties")),
            authors=_texts(meta.get("authors")),
            created=_text(meta.get("created")),
            updated=_text(meta.get("updated")),
            review_status=_text(meta.get("review_status")),
            reviews=records,
            next_review=_text(meta.get("next_review")),
            conflicts=_text(meta.get("conflicts")),
            references=tuple(r for r in refs if isinstance(r, dict)) if isinstance(refs, list) else (),
        )


@dataclass
class Article:
    path: str  # posix path as shown to the user
    meta: dict[str, Any]  # the front matter as parsed (dates as ISO strings): digest, schema, edits
    body: str  # LF line endings
    body_line: int  # line of the file where the body starts
    located: Located
    digest: str

    @cached_property
    def fields(self) -> ArticleMeta:
        """The front matter as typed values (made once; see ArticleMeta)."""
        return ArticleMeta.of(self.meta)

    @property
    def slug(self) -> str:
        name = self.path.rsplit("/", 1)[-1]
        return name[:-3] if name.endswith(".md") else name

    @property
    def id(self) -> str:
        return self.fields.id

    @property
    def title(self) -> str:
        return self.fields.title

    @property
    def status(self) -> str:
        return self.fields.review_status

    @property
    def reviews(self) -> tuple[Record, ...]:
        return self.fields.reviews

    @property
    def authors(self) -> tuple[str, ...]:
        return self.fields.authors

    @property
    def references(self) -> tuple[dict[str, Any], ...]:
        return self.fields.references

    def pos(self, *path: Any) -> Position:
        return self.located.pos(*path)


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    credentials: str = ""
    roles: tuple[str, ...] = ()
    specialties: tuple[str, ...] = ()
    github: str = ""
    since: str = ""
    until: str = ""
    bio: str = ""  # shown on the board page

    @property
    def is_board(self) -> bool:
        return Role.BOARD in self.roles

    @property
    def display(self) -> str:
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    def active_on(self, day: str) -> bool:
        """Whether the person served on `day` (ISO dates compare as strings)."""
        if self.since and day < self.since:
            return False
        return not (self.until and day > self.until)


@dataclass
class Registry:
    path: str
    people: dict[str, Person]
    located: Located = field(default_factory=lambda: Located(None))

    def get(self, person_id: str) -> Person | None:
        return self.people.get(person_id)

    def board_logins(self) -> dict[str, Person]:
        return {identifiers.login(p.github): p for p in self.people.values() if p.github and p.is_board}


@dataclass(frozen=True)
class Policy:
    """The editorial policy: the `editorial` plugin's options in mkdocs.yml.

    Declared once, in schemas/policy.schema.json: the plugin's options are made from the
    schema (plugin/config.py), and a test checks these fields and defaults against it."""

    min_approvals: int = 1
    review_interval_days: int = 365
    specialty_match: bool = False
    citation_style: str = "american-medical-association"
    repo_url: str = ""
    site_pages: tuple[str, ...] = ()  # the only Markdown outside articles/ that is published
    maintainers: tuple[str, ...] = ()  # GitHub logins or org/teams owning the code paths (CODEOWNERS); empty: the board
    retractions: str = ""  # path of a Retraction Watch snapshot (Crossref's CSV) in the repository
    retractions_sha256: str = ""  # its SHA-256; a file with another hash is refused
    approval_meaning: str = "Reviewed for medical accuracy against the cited sources"  # what an approval attests

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> Policy:
        known: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in options.items() if k in cls.__dataclass_fields__
        }
        return cls(**known)


@dataclass(frozen=True)
class Context:
    """What the rules judge an article against, besides the article itself."""

    registry: Registry
    policy: Policy
    today: str  # ISO date; passed in so the rules stay pure and testable
    retractions: Index | None = None  # the policy's Retraction Watch snapshot, when it names one


@dataclass(frozen=True)
class Site:
    """The site pages are published on, as pages describe it (from mkdocs.yml)."""

    name: str
    url: str = ""  # site_url, ending in "/"; "" when not configured
    language: str = "en"
    repo_url: str = ""  # the publisher's repository, for "Suggest a correction"

    def absolute(self, path: str) -> str:
        return f"{self.url}{path}" if self.url else ""
