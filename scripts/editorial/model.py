"""The content model: plain values, no I/O.

Everything the pipeline knows about an article, a person or the policy is one of
these dataclasses. Problems are values too: rules return them, never raise them.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

WORKFLOW_FIELDS = ("review_status", "reviews", "next_review")
STATUSES = ("submitted", "under_review", "approved")
DECISIONS = ("approved", "changes_requested")


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
        return "warning" if self.code.startswith("W") else "error"

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


@dataclass
class Article:
    path: str  # posix path as shown to the user
    meta: dict[str, Any]  # front matter, dates as ISO strings
    body: str  # LF line endings
    body_line: int  # line of the file where the body starts
    located: Located
    digest: str

    @property
    def slug(self) -> str:
        name = self.path.rsplit("/", 1)[-1]
        return name[:-3] if name.endswith(".md") else name

    @property
    def id(self) -> str:
        value = self.meta.get("id")
        return value if isinstance(value, str) else ""

    @property
    def title(self) -> str:
        value = self.meta.get("title")
        return value if isinstance(value, str) else ""

    @property
    def status(self) -> str:
        value = self.meta.get("review_status")
        return value if isinstance(value, str) else ""

    @property
    def reviews(self) -> list[dict]:
        value = self.meta.get("reviews")
        if not isinstance(value, list):
            return []
        return [r for r in value if isinstance(r, dict)]

    @property
    def authors(self) -> list[str]:
        value = self.meta.get("authors")
        return [a for a in value if isinstance(a, str)] if isinstance(value, list) else []

    @property
    def references(self) -> list[dict]:
        value = self.meta.get("references")
        if not isinstance(value, list):
            return []
        return [r for r in value if isinstance(r, dict)]

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
        return "board" in self.roles

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
        return {p.github.lower(): p for p in self.people.values() if p.github and p.is_board}


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

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> "Policy":
        known = {k: tuple(v) if isinstance(v, list) else v for k, v in options.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def today() -> str:
    return dt.date.today().isoformat()


@dataclass(frozen=True)
class Context:
    """What the rules judge an article against, besides the article itself."""

    registry: Registry
    policy: Policy
    today: str  # ISO date; passed in so the rules stay pure and testable


@dataclass(frozen=True)
class Site:
    """The site pages are published on, as pages describe it (from mkdocs.yml)."""

    name: str
    url: str = ""  # site_url, ending in "/"; "" when not configured
    language: str = "en"
    repo_url: str = ""  # the publisher's repository, for "Suggest a correction"

    def absolute(self, path: str) -> str:
        return f"{self.url}{path}" if self.url else ""
