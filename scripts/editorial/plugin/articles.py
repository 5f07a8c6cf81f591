"""The article page: the body the core judged, numbered citations, References, the trust block.

    source         on_page_read_source  the body the core read and digested (no second read or YAML parse)
    markdown       on_page_markdown     citations become placeholders (Markdown runs faster without tags)
    content        on_page_content      the body sanitised; the search index gets it without citation numbers
    context        on_page_context      the superscripts back in; the template gets one ArticleView
    check_page     on_post_page         the build fails if a rendered article page lacks the disclaimer

What the template shows around page.content (trust block, disclaimer, References) is not
in page.content, so the search index holds the answer and its body only.
"""
from __future__ import annotations

from typing import Any

from markupsafe import escape
from mkdocs.structure.pages import Page

from .. import article_view, citations, disclaimer, sanitize, site_files
from ..model import Article, Problem
from .build import Build, fail
from .references import References

THEME_META = ("title", "description")  # the front-matter keys mkdocs-material reads from page.meta
_NO_FRONT_MATTER = "---\n{}\n---\n"  # MkDocs' meta parser finds an empty mapping, and no MultiMarkdown keys


class ArticlePages:
    """Everything the plugin does to article pages."""

    def __init__(self, build: Build, references: References):
        self.build = build
        self.references = references
        self.numbered: dict[str, citations.Numbered] = {}  # src_uri -> the body's citations
        self.filled: dict[str, str] = {}  # src_uri -> page HTML with its superscripts (after search)

    def article(self, page: Page) -> Article | None:
        return self.build.article(page.file.src_uri)

    # -- reading ---------------------------------------------------------------------------
    def source(self, page: Page) -> str | None:
        """An article page's source: the body the core read, judged and digested. For a file
        the core could not read (a preview shows it), MkDocs reads it itself."""
        article = self.article(page)
        return None if article is None else _NO_FRONT_MATTER + article.body.lstrip("\n")

    def markdown(self, markdown: str, page: Page) -> str:
        """page.meta from the core's front matter; citations as placeholders for `content`."""
        if not site_files.is_article(page.file.src_uri):
            return markdown
        article = self.article(page)
        if article is not None:  # what the theme reads of an article's front matter, escaped (the rest is in the view)
            page.meta = sanitize.plain_meta({key: article.meta[key] for key in THEME_META if key in article.meta})
        page.meta["editorial"] = self._gate_state(page)  # also for a file the loader could not read (a preview)
        if article is None:
            return markdown
        numbered = citations.number(markdown, [str(r.get("id")) for r in article.references], placeholders=True)
        self.numbered[page.file.src_uri] = numbered
        return numbered.body

    def _gate_state(self, page: Page) -> dict[str, Any]:
        reasons = self.build.withheld_reasons(page.file.src_uri)
        if reasons is None:
            reasons = [Problem(self.build.src_path(page.file.src_uri), 1, 1, "E103", "not read by the editorial loader")]
        return {"preview": self.build.preview, "approved": not reasons,
                "status": "approved" if not reasons else "pending human review",
                "withheld_because": reasons[0].message if reasons else ""}

    # -- rendering ------------------------------------------------------------------------
    def content(self, html: str, page: Page) -> str:
        """The sanitised body; for the search index without citation numbers (a number glued to
        a word hides the word from search). The page with its superscripts waits in `filled`."""
        numbered = self.numbered.get(page.file.src_uri)
        if numbered is None or not numbered.marks:
            return html
        self.filled[page.file.src_uri] = citations.fill(html, numbered)
        return citations.unmark(html)

    def restore(self, page: Page) -> None:
        """page.content with its citation superscripts again (on_page_context, after search)."""
        filled = self.filled.pop(page.file.src_uri, None)
        if filled is not None:
            page.content = filled

    def context(self, context: dict[str, Any], page: Page) -> dict[str, Any]:
        article = self.article(page)
        if article is None:
            return context
        build = self.build
        state = page.meta.get("editorial") or {}
        status = (article_view.review_step(article, state.get("status"), bool(state.get("approved")))
                  if build.preview else "approved")  # the public site shows approved articles only
        numbered = self.numbered.get(page.file.src_uri) or citations.number(article.body, [str(r.get("id")) for r in article.references])
        try:
            entries = citations.references(article.references, numbered.order, self.references.style, self.references)
        except citations.StyleError as exc:
            fail("", [Problem("mkdocs.yml", 1, 1, "E209", f"editorial plugin option `citation_style`: {exc}")])
        context["editorial_article"] = article_view.view(
            article, build.corpus.context, entries, status=status, preview=build.preview,
            url=page.canonical_url or "", repo_url=build.policy.repo_url or build.config.repo_url or "", order=numbered.order)
        return context

    def check_page(self, output: str, page: Page) -> None:
        """Fail the build if an article page was rendered without the medical disclaimer (a
        template override mistake would drop it): the element and both versions of its words."""
        if self.article(page) is None:
            return
        wanted = (("the disclaimer element", disclaimer.MARKER),
                  ("the clinician disclaimer", str(escape(disclaimer.CLINICIAN))),
                  ("the patient disclaimer", str(escape(disclaimer.PATIENT))))
        missing = [name for name, text in wanted if text not in output]
        if missing:
            where = self.build.src_path(page.file.src_uri)
            fail("", [Problem(where, 1, 1, "E968", f"the rendered page lacks {', '.join(missing)}; every article page must show the "
                                                   "medical disclaimer: check overrides/main.html and overrides/partials/editorial-article.html "
                                                   "(the words come from scripts/editorial/disclaimer.py)")])
