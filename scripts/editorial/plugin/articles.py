"""The article page: the body the core judged, numbered citations, References, the trust block.

    source         on_page_read_source  the body the core read and digested (no second read or YAML parse)
    markdown       on_page_markdown     citations become placeholders (Markdown runs faster without tags)
    content        on_page_content      the body sanitised, then the citations made links a reader can follow
    context        on_page_context      the template gets one ArticleView; the toc starts at the question
    check_page     on_post_page         the build fails if a rendered article page lacks the disclaimer

The template shows the trust block, the short answers, the disclaimer and the References
around page.content; the search index (search.py) reads the final page, minus the parts
the template marks to skip.
"""

from __future__ import annotations

from typing import Any

from markupsafe import escape
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

from ..core import article_view, citations, disclaimer, redline, review_history, sanitize, site_files
from ..core.model import Article, Problem
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
        self.entries: dict[str, list[citations.Entry]] = {}  # src_uri -> its References entries
        self.citing: dict[str, dict[str, list[str]]] = {}  # src_uri -> where each reference is cited

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
            reasons = [
                Problem(self.build.src_path(page.file.src_uri), 1, 1, "E103", "not read by the editorial loader")
            ]
        article = self.article(page)
        return {
            "preview": self.build.preview,
            "approved": not reasons,
            "status": "approved" if not reasons else "pending human review",
            "withheld_because": reasons[0].message if reasons else "",
            # the sitemap's lastmod (overrides/sitemap.xml is rendered before the pages)
            "last_reviewed": self.build.last_reviewed(article) if article is not None and not reasons else "",
        }

    # -- rendering ------------------------------------------------------------------------
    def content(self, html: str, page: Page) -> str:
        """The sanitised body with its citations put in as links a reader can follow (our own
        markup, made from the reference numbers and the references alone)."""
        article = self.article(page)
        if article is None:
            return html
        numbered = self._numbered(page, article)
        entries = self._entries(page, article, numbered)
        filled = citations.fill(html, numbered, citations.sources(article.references, entries))
        self.citing[page.file.src_uri] = filled.citing
        return filled.html

    def _numbered(self, page: Page, article: Article) -> citations.Numbered:
        numbered = self.numbered.get(page.file.src_uri)
        if numbered is None:
            numbered = citations.number(article.body, [str(r.get("id")) for r in article.references])
        return numbered

    def _entries(self, page: Page, article: Article, numbered: citations.Numbered) -> list[citations.Entry]:
        """The References entries of the page, rendered once (the body's links show them too)."""
        found = self.entries.get(page.file.src_uri)
        if found is None:
            try:
                found = citations.references(article.references, numbered.order, self.references.style, self.references)
            except citations.StyleError as exc:
                fail("", [Problem("mkdocs.yml", 1, 1, "E209", f"editorial plugin option `citation_style`: {exc}")])
            self.entries[page.file.src_uri] = found
        return found

    def add_context(self, context: dict[str, Any], page: Page) -> None:
        """`editorial_article` in an article page's template context: what the templates show."""
        article = self.article(page)
        if article is None:
            return
        build = self.build
        state = page.meta.get("editorial") or {}
        # the public site shows approved articles only
        status = (
            article_view.review_step(article, state.get("status"), bool(state.get("approved")))
            if build.preview
            else "approved"
        )
        uri = page.file.src_uri
        numbered = self._numbered(page, article)
        entries = self._entries(page, article, numbered)
        citing = self.citing.get(uri, {})
        for held in (self.numbered, self.entries, self.citing):  # the page's last use of them
            held.pop(uri, None)
        history = build.history(article) if not build.preview else None
        view = article_view.view(
            article,
            build.corpus.context,
            entries,
            status=status,
            preview=build.preview,
            url=page.canonical_url or "",
            site=build.site,
            history=history,
            order=numbered.order,
            citing=citing,
        )
        if build.preview:  # a revision: its changes since the last approved version, behind a switch
            view.changes = self._changes(article)
        context["editorial_article"] = view
        page.toc = _starting_at_the_question(page.toc, article.title)

    def _changes(self, article: Article) -> str:
        """The preview's "changes" view of a revised article (redline.py; "" when there is none)."""
        ctx = self.build.corpus.context
        approved = self.build.last_approved(article)
        if approved is None or approved.article is None or approved.article.digest == article.digest:
            return ""
        when = review_history.approval(approved.article, ctx)
        lines = redline.compare(
            approved.article,
            article,
            self.references.style,
            lambda person_id: person.display if (person := ctx.registry.get(person_id)) else person_id,
        )
        return redline.as_html(lines, article_view.Day.of(when.date).text if when else "?")

    def check_page(self, output: str, page: Page) -> None:
        """Fail the build if an article page was rendered without the medical disclaimer (a
        template override mistake would drop it): the element and both versions of its words."""
        if self.article(page) is None:
            return
        wanted = (
            ("the disclaimer element", disclaimer.MARKER),
            ("the clinician disclaimer", str(escape(disclaimer.CLINICIAN))),
            ("the patient disclaimer", str(escape(disclaimer.PATIENT))),
        )
        missing = [name for name, text in wanted if text not in output]
        if missing:
            where = self.build.src_path(page.file.src_uri)
            fail(
                "",
                [
                    Problem(
                        where,
                        1,
                        1,
                        "E968",
                        f"the rendered page lacks {', '.join(missing)}; every article page must show the "
                        "medical disclaimer: check overrides/main.html and overrides/partials/editorial-article.html "
                        "(the words come from scripts/editorial/disclaimer.py)",
                    )
                ],
            )


def _starting_at_the_question(toc: TableOfContents, title: str) -> TableOfContents:
    """The page's table of contents under one entry for the question (`#question`, the h1 of
    the article template): the theme's skip link goes to the first entry, so a keyboard user
    lands on the article's start, not past its trust block and short answer; the theme's
    sidebar shows a level-1 entry's children, so it looks as before."""
    top = AnchorLink(str(escape(title)), "question", 1)  # the toc holds HTML
    top.children = list(toc)
    return TableOfContents([top])
