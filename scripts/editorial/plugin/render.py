"""The article page: numbered citations, References, trust block, stepper, JSON-LD, disclaimer.

MkDocs adapter around the pure pieces (citations.py, jsonld.py, disclaimer.py, workflow.py):
`markdown` numbers citations in the body (and fills the home and about pages), `content`
and `restore_content` put their superscripts into the page (after the search plugin has
indexed it without them), `context` hands the template `partials/editorial-article.html`
everything it shows as one value, and `check_page` fails the build when a rendered
article page lacks the disclaimer.
What the template shows is not in `page.content`, so the search index holds the answer
and its body, not the trust block or the disclaimer.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import multiprocessing
import os
import tempfile
from concurrent.futures import Future, ProcessPoolExecutor
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from markupsafe import escape
from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

from .. import citations, disclaimer, jsonld, retractions, workflow
from ..model import Article, Person, Policy
from . import pages

log = logging.getLogger("mkdocs.plugins.editorial")

HOME = "index.md"
ABOUT = "about.md"
DISCLAIMER_SLOT = "<!-- editorial:disclaimer -->"
STEPS = (("submitted", "Submitted"), ("under_review", "Under review"), ("approved", "Approved"))
CACHE_FILE = Path(".cache") / "editorial" / "references.json"


# -- what this module remembers during one build -----------------------------------

@dataclass
class _State:
    numbered: dict[str, citations.Numbered] = field(default_factory=dict)
    filled: dict[str, str] = field(default_factory=dict)  # src_uri -> page HTML with its superscripts
    cache: MutableMapping | None = None


def _state(build) -> _State:
    # Kept on the Build instance itself so that a new build (mkdocs serve) starts afresh.
    return vars(build).setdefault("_render_state", _State())


def corpus(build, config):
    """The corpus the publish gate judged (gate.Build.start); without it nothing is rendered."""
    if build is None or getattr(build, "corpus", None) is None:
        raise PluginError("the editorial plugin has no corpus: the publish gate did not load the articles, so nothing is published")
    return build.corpus


def policy(build, config) -> Policy:
    return corpus(build, config).context.policy


def article_for(build, page, config) -> Article | None:
    """The Article behind a page, matched by its source path as the gate names it."""
    corpus(build, config)  # no corpus, no page: fail closed
    return build.article(page)


# -- on_page_markdown -----------------------------------------------------------------

def markdown(build, markdown: str, page, config, files) -> str:
    src = page.file.src_uri
    if src == HOME:
        return markdown.rstrip("\n") + "\n\n" + home_listing(build, page, config, files) + "\n"
    if src == ABOUT:
        return markdown.replace(DISCLAIMER_SLOT, disclaimer_markdown())
    article = article_for(build, page, config)
    if article is None:
        return markdown
    numbered = citations.number(markdown, [r.get("id") for r in article.references], placeholders=True)
    _state(build).numbered[src] = numbered
    return numbered.body


# -- on_page_content ------------------------------------------------------------------

def content(build, html: str, page) -> str:
    """The article's HTML for the search index: its citations left out.

    A citation number glued to a word (`removal<sup>1,2</sup>`) is noise in a search
    result and, to the index, part of the word; parsing the extra tags also cost the
    search plugin a twentieth of the build time. The page with its superscripts is set
    aside for `restore_content`, once the search plugin has indexed this one."""
    numbered = _state(build).numbered.get(page.file.src_uri) if build is not None else None
    if numbered is None or not numbered.marks:
        return html
    _state(build).filled[page.file.src_uri] = citations.fill(html, numbered)
    return citations.unmark(html)


def restore_content(build, page) -> None:
    """page.content with its citation superscripts again (on_page_context, after search)."""
    filled = _state(build).filled.pop(page.file.src_uri, None) if build is not None else None
    if filled is not None:
        page.content = filled


def disclaimer_markdown() -> str:
    return (f'<div class="editorial-disclaimer-text" markdown>\n\n**For healthcare professionals.** {escape(disclaimer.CLINICIAN)}\n\n'
            f"**For patients and caregivers.** {escape(disclaimer.PATIENT)}\n\n</div>")


def home_listing(build, page, config, files) -> str:
    items = []
    for src_uri, article in build.published.items():  # the gate's decision: src_uri -> Article
        file = files.get_file_from_path(src_uri)
        if file is not None:
            items.append((article, get_relative_url(file.url, page.file.url)))
    return pages.listing(items)


# -- on_page_context ------------------------------------------------------------------

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
    """Everything partials/editorial-article.html shows, already escaped where it is HTML."""

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


def context(build, context: dict, page, config, nav) -> dict:
    article = article_for(build, page, config)
    if article is not None:
        context["editorial_article"] = view(build, article, page, config)
    return context


def view(build, article: Article, page, config) -> ArticleView:
    found = corpus(build, config)
    ctx = found.context
    meta = article.meta
    editorial = page.meta.get("editorial") if isinstance(page.meta.get("editorial"), dict) else {}
    preview = bool(editorial.get("preview", build.preview))
    status = review_step(article, editorial) if preview else "approved"  # the public site shows approved articles only

    numbered = _state(build).numbered.get(page.file.src_uri) or citations.number(article.body, [r.get("id") for r in article.references])
    entries = _references(build, config, article.references, numbered.order)
    refs_by_key = {str(r.get("id")): r for r in article.references}
    reviewers = [p for p in (ctx.registry.get(i) for i in workflow.approvers(article, ctx)) if p is not None]
    authors = [p for p in (ctx.registry.get(i) for i in article.authors) if p is not None]
    last_reviewed = workflow.last_approval_date(article, ctx)
    next_review = _text(meta.get("next_review"))
    audience = meta.get("audience") if isinstance(meta.get("audience"), list) else []

    data = jsonld.medical_web_page(
        article, url=page.canonical_url or "", authors=authors, reviewers=reviewers,
        last_reviewed=last_reviewed, ordered_refs=[refs_by_key[e.key] for e in entries],
    )
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
        specialties=[pages.specialty_name(s) for s in meta.get("specialties") or [] if isinstance(s, str)],
        references_html=citations.references_html(entries),
        suggest_url=suggest_url(policy(build, config).repo_url or config.repo_url or "", article, page),
        jsonld=jsonld.script_text(data),
        retractions=retractions.page_notices(meta.get("references"), ctx.retractions, numbered.order),
    )


def review_step(article: Article, editorial: dict) -> str:
    """The step a preview shows: the gate's status when it is a workflow step, else the
    article's own; an article that says approved but that the gate withholds (its approval
    no longer holds) is shown as under review, never as approved."""
    keys = [k for k, _ in STEPS]
    status = editorial.get("status")
    status = status if status in keys else article.status
    if status == "approved" and editorial.get("approved") is False:
        return "under_review"
    return status if status in keys else "submitted"


def stepper(status: str) -> list[Step]:
    keys = [k for k, _ in STEPS]
    current = keys.index(status) if status in keys else 0
    return [Step(label, "done" if i < current else "current" if i == current else "todo") for i, (_, label) in enumerate(STEPS)]


def suggest_url(repo_url: str, article: Article, page) -> str:
    """A prefilled new issue in the publisher's repository; empty when there is none."""
    repo = repo_url.strip().rstrip("/")
    if not repo.startswith(("https://", "http://")):
        return ""
    where = page.canonical_url or page.file.src_uri
    body = (f"Article: {article.title}\nPage: {where}\nArticle id: {article.id}\n\n"
            "What is wrong or out of date:\n\n\nThe source that shows it (DOI, PubMed id or guideline):\n")
    return f"{repo}/issues/new?" + urlencode({"title": f"Correction: {article.title}", "body": body})


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


def _references(build, config, refs: list[dict], order: list[str]) -> list[citations.Entry]:
    style = _style_name(build, config)
    try:
        return citations.references(refs, order, style, _cache(build, config))
    except citations.StyleError as exc:
        raise PluginError(f"mkdocs.yml: editorial plugin option `citation_style`: {exc}") from None


def _style_name(build, config) -> str:
    return policy(build, config).citation_style or citations.DEFAULT_STYLE


def _cache(build, config) -> "DiskCache":
    state = _state(build)
    if state.cache is None:
        state.cache = DiskCache(Path(config.config_file_path).resolve().parent / CACHE_FILE)
    return state.cache


PRERENDER_CHUNK = 50  # entries per task (~65 ms): a chunk taken back is a short pause; per-entry cost is the same at any size


def prerender(build, config) -> None:
    """Render the published articles' references in worker processes while MkDocs builds pages (on_files).

    citeproc-py takes 1.5 to 3 ms an entry, as long as MkDocs takes for a whole page; on
    a machine with a spare core a worker renders the entries the cache lacks, in chunks,
    in the order the pages are built. A page whose chunk the worker has not started yet
    takes that chunk back and renders it whole in the build process (DiskCache), so the
    build never waits for the worker, nor the worker for the build. Only an
    optimisation: with one core, a dependent style or a failing worker, the build renders
    every entry itself."""
    workers = min(2, (os.cpu_count() or 1) - 1)
    if workers < 1 or build is None or getattr(build, "published", None) is None:
        return
    if getattr(build, "serve", False):  # never fork the threaded dev server; its rebuilds find the entries cached
        return
    style = _style_name(build, config)
    try:
        if not citations.independent(style):
            return
    except citations.StyleError:
        return  # reported, with what to do, by the first article page
    cache = _cache(build, config)
    todo: dict[str, dict] = {}
    for src in sorted(build.published):
        refs = [r for r in build.published[src].references if isinstance(r, dict) and r.get("id") is not None]
        for key, item in zip(citations.cache_key(refs, style), refs):
            if key not in todo and key not in cache:
                todo[key] = item
    if not todo:
        return
    try:  # fork: the worker starts at once and shares what is loaded (citeproc, the style)
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    except (OSError, ValueError) as exc:
        log.debug("editorial: no worker for the references (%s); rendering them page by page", exc)
        return
    items, keys = list(todo.values()), list(todo)
    for start in range(0, len(items), PRERENDER_CHUNK):
        chunk = items[start:start + PRERENDER_CHUNK]
        future = pool.submit(citations.render_entries, chunk, style)
        cache.chunks[future] = (chunk, style)
        for key in keys[start:start + PRERENDER_CHUNK]:
            cache.pending[key] = future
    pool.shutdown(wait=False)  # the worker exits once the queue is done
    cache.pool = pool


def stop(build) -> None:
    """A failed build does not wait for the references still queued (on_build_error)."""
    state = vars(build).get("_render_state") if build is not None else None
    if state is not None and isinstance(state.cache, DiskCache):
        state.cache.stop()


# -- on_post_page ---------------------------------------------------------------------

def check_page(build, output: str, page, config) -> str:
    """Fail the build if an article page was rendered without the medical disclaimer.

    It would go missing through a template override mistake, so the rendered HTML is
    what is checked: the disclaimer element and both versions of its words."""
    if article_for(build, page, config) is None:
        return output
    missing = [name for name, text in (("the disclaimer element", disclaimer.MARKER),
                                       ("the clinician disclaimer", str(escape(disclaimer.CLINICIAN))),
                                       ("the patient disclaimer", str(escape(disclaimer.PATIENT)))) if text not in output]
    if missing:
        raise PluginError(
            f"{config.docs_dir}/{page.file.src_uri}: the rendered page lacks {', '.join(missing)}; "
            "every article page must show the medical disclaimer. Check overrides/main.html and "
            "overrides/partials/editorial-article.html (the disclaimer comes from scripts/editorial/disclaimer.py)")
    return output


# -- the references cache --------------------------------------------------------------

_MEMORY: dict[str, str] = {}  # shared by the builds of one process (mkdocs serve)


def save_cache(build) -> None:
    """Write the entries this build rendered to the cache file (on_post_build)."""
    state = vars(build).get("_render_state") if build is not None else None
    if state is not None and isinstance(state.cache, DiskCache):
        state.cache.stop()
        state.cache.save()


class DiskCache(MutableMapping):
    """Rendered reference entries by content hash: in memory, and in ONE JSON file under .cache/editorial/.

    The file is read once, when the first entry is looked up, and written once, by `save`
    at the end of the build. Only an optimisation: a file that cannot be read (missing,
    corrupt, another shape) is treated as empty and the entries are rendered again; one
    that cannot be written is left alone."""

    def __init__(self, file: Path):
        self.file = file
        self.loaded = False
        self.changed = False
        self.pending: dict[str, Future] = {}  # entries a worker is rendering (see `prerender`)
        self.chunks: dict[Future, tuple] = {}  # what each task renders, for a build that takes it back
        self.pool: ProcessPoolExecutor | None = None

    def _load(self) -> None:
        self.loaded = True
        try:
            value = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(value, dict):
            for key, text in value.items():
                if isinstance(text, str):
                    _MEMORY.setdefault(key, text)

    def __getitem__(self, key: str) -> str:
        if not self.loaded:
            self._load()
        if key not in _MEMORY and key in self.pending:
            future = self.pending.pop(key)
            if future.done() or not future.cancel():  # rendered, or being rendered: take it
                self._collect(future)
            elif future in self.chunks:  # the worker had not started it: render the chunk here, whole
                items, style = self.chunks.pop(future)
                self._store(citations.render_entries(items, style))
        return _MEMORY[key]

    def _collect(self, future: Future) -> None:
        self.chunks.pop(future, None)
        try:
            rendered = future.result()
        except Exception as exc:  # a lost worker: the build process renders the entry itself
            log.debug("editorial: a references worker failed (%s); rendering in the build", exc)
            return
        self._store(rendered)

    def _store(self, rendered) -> None:
        for key, text in rendered:
            if isinstance(text, str) and key not in _MEMORY:
                _MEMORY[key] = text
                self.changed = True

    def stop(self) -> None:
        self.pending.clear()
        self.chunks.clear()
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None

    def __setitem__(self, key: str, value: str) -> None:
        _MEMORY[key] = value
        self.changed = True

    def save(self) -> None:
        if not self.changed:
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=self.file.parent, delete=False, suffix=".tmp") as handle:
                json.dump(_MEMORY, handle, separators=(",", ":"))
            os.replace(handle.name, self.file)  # atomic: a parallel build never reads half a file
            self.changed = False
        except OSError as exc:
            log.debug("editorial: references cache not written (%s); it is only an optimisation", exc)

    def __delitem__(self, key: str) -> None:
        del _MEMORY[key]
        self.changed = True

    def __iter__(self) -> Iterator[str]:
        return iter(_MEMORY)

    def __len__(self) -> int:
        return len(_MEMORY)
