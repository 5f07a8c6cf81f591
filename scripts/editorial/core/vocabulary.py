"""The project's words, declared once: statuses, decisions, audiences, roles, GitHub's review
states, and the paths of the product contract (SPEC: layout). Each is a `StrEnum`, so a value
compares equal to the text written in a file (`Status.APPROVED == "approved"`)."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """An article's `review_status`: the review workflow's states."""

    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"


class Decision(StrEnum):
    """A review record's `decision`."""

    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"


class Audience(StrEnum):
    """Who an article is written for (`audience`)."""

    CLINICIAN = "clinician"
    PATIENT = "patient"

    @property
    def label(self) -> str:
        """How the site names the audience to a reader."""
        return AUDIENCE_LABELS[self]


AUDIENCE_LABELS = {Audience.CLINICIAN: "Healthcare professionals", Audience.PATIENT: "Patients and caregivers"}


class Role(StrEnum):
    """A person's `roles` in the registry."""

    WRITER = "writer"
    EDITOR = "editor"
    BOARD = "board"


class ReviewState(StrEnum):
    """GitHub's state of a pull-request review, as its API writes it."""

    APPROVED = "APPROVED"
    CHANGES_REQUESTED = "CHANGES_REQUESTED"
    DISMISSED = "DISMISSED"
    COMMENTED = "COMMENTED"
    PENDING = "PENDING"


# A member's standing decision is their latest review in one of these states (reviews.py).
DECIDING = (ReviewState.APPROVED, ReviewState.CHANGES_REQUESTED, ReviewState.DISMISSED)

# The front-matter fields the workflow owns: left out of the digest, edited by the tools.
WORKFLOW_FIELDS = ("review_status", "reviews", "next_review")

# The layout of the product contract, relative to the project's root (posix paths).
CONFIG = "mkdocs.yml"
CONTENT = "content"  # no trailing slash: a link or submodule named `content` itself is found too
ARTICLES = "content/articles"
REGISTRY = "content/people.yml"
# mkdocs.yml's docs_dir: a committed folder with one harmless page. The editorial plugin points
# the engine at a folder of proven pages instead (plugin/staging.py); an engine that skips the
# plugin finds this placeholder, never content/.
PLACEHOLDER = "placeholder"
# The files another engine reads before mkdocs.yml, or instead of it, at the project's root: one of
# them in a pull request would point that engine at content/ past the plugin (check-transitions, E917)
ENGINE_CONFIGS = ("properdocs.yml", "properdocs.yaml", "zensical.toml", "mkdocs.yaml")
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")  # what MkDocs takes for Markdown
# The Markdown extensions of mkdocs.yml that decide what an article's words and numbers render to
# (`toc` only adds ids): the redline and the list-number rule render a body as the site does
BODY_EXTENSIONS = (
    "abbr",
    "admonition",
    "attr_list",
    "md_in_html",
    "footnotes",
    "sane_lists",
    "tables",
    "pymdownx.details",
    "pymdownx.superfences",
)

# A preview build's articles to review, named in the environment as project paths separated by white
# space (`git diff --name-only`): its home page lists them first (plugin/pages.py).
PREVIEW_CHANGED = "EDITORIAL_PREVIEW_CHANGED"
# A preview scoped to some articles (project paths, commas or new lines): only they are rendered,
# with the site's own pages; a public build refuses it (E978, plugin/build.py).
PREVIEW_ONLY = "EDITORIAL_PREVIEW_ONLY"
