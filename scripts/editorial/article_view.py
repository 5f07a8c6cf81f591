"""What an article page shows, as one value for the template. Pure: values in, a value out.

The plugin (plugin/articles.py) hands in the article, the context it was judged in and its
rendered References entries; overrides/partials/editorial-article.html shows the result.
Every string here is plain text (the template escapes it), except `references_html` and
`jsonld`, which are made safe here (the References list through the sanitiser, rendered or from
the cache; JSON with `<` escaped).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from . import citations, disclaimer, jsonld, retractions, sanitize, workflow
from .model import Article, Context, Person

STEPS = (("submitted", "Submitted"), ("under_review", "Under review"), ("approved", "Approved"))


@dataclass
class Step:
    label: str
    state: str  # done | current | todo


@dataclass(frozen=True)
class Day:
    iso: str  # machine-readable, for <time datetime>
    text: str  # what a reader sees: 9 June 2026

    @classmethod
    def of(cls, iso: str) -> "Day":
        try:
            d = dt.date.fromisoformat(iso)
        except ValueError:
            return cls(iso, iso)
        return cls(iso, f"{d.day} {d.strftime('%B')} {d.year}")

    def __bool__(self) -> bool:
        return bool(self.iso)


@dataclass
class ArticleView:
    """Everything partials/editorial-article.html shows."""

    title: str
    description: str
    patient_summary: str
    for_patients: bool
    steps: list[Step]
    status: str
    preview: bool
    reviewers: list[Person]
    authors: list[Person]
    conflicts: str
    updated: Day
    last_reviewed: Day
    next_review: Day
    overdue: bool
    specialties: list[str]
    references_html: str
    suggest_url: str
    jsonld: str
    disclaimer_title: str = disclaimer.TITLE
    disclaimer_clinician: str = disclaimer.CLINICIAN
    disclaimer_patient: str = disclaimer.PATIENT
    retractions: list[retractions.PageNotice] = field(default_factory=list)  # partials/editorial-retraction.html


def view(article: Article, ctx: Context, entries: list[citations.Entry], *, status: str, preview: bool,
         url: str, repo_url: str, order: list[str] | None = None) -> ArticleView:
    """The page of `article`: `status` is the step the stepper shows, `entries` its References
    (already sanitised HTML), `url` its canonical address ("" when unknown), `order` the
    reference keys in citation order (for the numbers retraction notices give)."""
    meta = article.meta
    refs_by_key = {str(r.get("id")): r for r in article.references}
    verdicts = workflow.judge_reviews(article, ctx)
    reviewers = [p for p in (ctx.registry.get(i) for i in workflow.approvers(article, ctx, verdicts)) if p is not None]
    authors = [p for p in (ctx.registry.get(i) for i in article.authors) if p is not None]
    last_reviewed = workflow.last_approval_date(article, ctx, verdicts)
    next_review = _text(meta.get("next_review"))
    audience = meta.get("audience") if isinstance(meta.get("audience"), list) else []
    data = jsonld.medical_web_page(article, url=url, authors=authors, reviewers=reviewers, last_reviewed=last_reviewed,
                                   ordered_refs=[refs_by_key[e.key] for e in entries if e.key in refs_by_key])
    return ArticleView(
        title=article.title,
        description=_text(meta.get("description")),
        patient_summary=_text(meta.get("patient_summary")) if "patient" in audience else "",
        for_patients="patient" in audience,
        steps=stepper(status),
        status=status,
        preview=preview,
        reviewers=reviewers,
        authors=authors,
        conflicts=_text(meta.get("conflicts")) or "none",
        updated=Day.of(_text(meta.get("updated"))),
        last_reviewed=Day.of(last_reviewed),
        next_review=Day.of(next_review),
        overdue=bool(next_review) and next_review < ctx.today,
        specialties=[specialty_name(s) for s in meta.get("specialties") or [] if isinstance(s, str)],
        references_html=sanitize.article_html(citations.references_html(entries)),  # cached entries too
        suggest_url=suggest_url(repo_url, article, url),
        jsonld=jsonld.script_text(data),
        retractions=retractions.page_notices(meta.get("references"), ctx.retractions, order or [e.key for e in entries]),
    )


def specialty_name(slug: str) -> str:
    """`infectious-disease` -> `Infectious disease`."""
    return slug.replace("-", " ").replace("_", " ").strip().capitalize() or "General"


def review_step(article: Article, gate_status: str | None, approved: bool) -> str:
    """The step a preview shows: the gate's status when it is a workflow step, else the
    article's own; an article that says approved but that the gate withholds (its approval
    no longer holds) is shown as under review, never as approved."""
    keys = [k for k, _ in STEPS]
    status = gate_status if gate_status in keys else article.status
    if status == "approved" and not approved:
        return "under_review"
    return status if status in keys else "submitted"


def stepper(status: str) -> list[Step]:
    keys = [k for k, _ in STEPS]
    current = keys.index(status) if status in keys else 0
    return [Step(label, "done" if i < current else "current" if i == current else "todo") for i, (_, label) in enumerate(STEPS)]


def suggest_url(repo_url: str, article: Article, where: str) -> str:
    """A prefilled new issue in the publisher's repository; empty when there is none."""
    repo = repo_url.strip().rstrip("/")
    if not repo.startswith(("https://", "http://")):
        return ""
    body = (f"Article: {article.title}\nPage: {where or article.path}\nArticle id: {article.id}\n\n"
            "What is wrong or out of date:\n\n\nThe source that shows it (DOI, PubMed id or guideline):\n")
    return f"{repo}/issues/new?" + urlencode({"title": f"Correction: {article.title}", "body": body})


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)
