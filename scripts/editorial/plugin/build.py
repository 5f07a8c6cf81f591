"""What one build knows, decided once in `on_config` and read by every part of the plugin.

The corpus is judged here, with the same loader and rules as `editorial validate`, and
never through a cache: MkDocs' own meta parser swallows YAML errors, so `page.meta` is
never trusted, and a cache could be forged. Fail closed: invalid policy options, articles
that cannot be read at all, a cache file that git tracks, or a `docs_dir` that lets an engine
see content/ stop the build (PluginError).

The build reads content/ itself (the contract's source folder, whatever `docs_dir` says):
the engine is pointed at a folder of proven pages only (staging.py)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from .. import cache, committed
from ..core import review_history, site_files, workflow
from ..core.corpus import Corpus
from ..core.model import Article, CannotRun, Located, Policy, Problem, Site
from ..core.report import text_line
from ..core.rules import schema as schema_rules
from ..core.vocabulary import CONTENT, PLACEHOLDER, PREVIEW_ONLY
from ..workspace import CONFIG, ContentScan, SnapshotRefused, Workspace, option_line, scan_content

log = get_plugin_logger("editorial")
MAX_LISTED = 20  # problems listed in one error message; the rest are counted


@dataclass
class Build:
    """One build: its policy, the judged corpus and the publish decision."""

    config: MkDocsConfig
    workspace: Workspace
    docs: str  # the source folder relative to the project root: "content", as problems name it
    policy: Policy
    corpus: Corpus
    decision: dict[str, list[Problem]]  # article path -> why it is withheld ([]: published)
    preview: bool  # every article shown, marked pending review; never deployed
    serve: bool  # `mkdocs serve`: a preview in its own temporary folder
    # a preview of some articles only (EDITORIAL_PREVIEW_ONLY): their src_uris; None: every article
    only: frozenset[str] | None = None
    published: dict[str, Article] = field(default_factory=dict)  # src_uri -> approved article
    by_path: dict[str, Article] = field(default_factory=dict)  # article path -> Article the loader read
    site: Site = field(default_factory=lambda: Site(""))
    scan: ContentScan = field(default_factory=lambda: ContentScan([], []))  # content/'s regular files, what it refuses
    _history: dict[str, list[review_history.Committed]] | None = None  # article id -> its versions on main
    _reviewed: dict[str, str] = field(default_factory=dict)  # article path -> date of its approval now

    @classmethod
    def start(cls, config: MkDocsConfig, options: dict[str, object], *, preview: bool, serve: bool) -> Build:
        workspace = Workspace(Path(config.config_file_path or CONFIG).resolve().parent)
        docs = CONTENT
        _refuse_content_as_docs_dir(workspace, Path(config.docs_dir))
        policy, problems = schema_rules.policy(CONFIG, dict(options))
        if policy is None:
            fail(
                "the `editorial` plugin's options (the editorial policy) are invalid; nothing can be published",
                problems,
            )
        tracked = cache.tracked(workspace.root)
        if tracked:
            fail(
                "a cache file is committed to git, so it could be forged; nothing is published until it is removed:",
                tracked,
            )
        only = preview_only(os.environ.get(PREVIEW_ONLY), preview, docs)
        # a preview shows every article it renders; a scoped one reads only those (the rest are not shown)
        paths = None if only is None else [workspace.root / docs / src for src in sorted(only)]
        try:
            corpus = workspace.corpus(paths=paths, policy=policy, approvable_only=not preview)
            decision = corpus.publication()
        except SnapshotRefused as exc:  # the policy's retraction snapshot: one located line (E411)
            fail("", [exc.problem])
        except CannotRun as exc:  # e.g. EDITORIAL_TODAY is not a date: the command's own words
            fail(str(exc), [])
        except Exception as exc:  # noqa: BLE001 - fail closed: no corpus, no site
            fail(
                "",
                [
                    Problem(
                        docs,
                        1,
                        1,
                        "E961",
                        f"cannot read the articles ({type(exc).__name__}: {exc}); "
                        "nothing is published until `editorial validate` runs cleanly",
                    )
                ],
            )
        build = cls(config, workspace, docs, policy, corpus, decision, preview, serve, only)
        build.by_path = {a.path: a for a in corpus.articles}
        build.scan = scan_content(build.content_dir, docs, policy.site_pages)
        site_url = config.site_url or ""
        build.site = Site(
            config.site_name,
            site_url if not site_url or site_url.endswith("/") else site_url + "/",
            str(config.theme.get("language") or "en"),
            policy.repo_url or config.repo_url or "",
        )
        prefix = docs + "/"
        build.published = {
            path[len(prefix) :]: build.by_path[path]
            for path, why in decision.items()
            if not why and path in build.by_path and path.startswith(prefix)
        }
        for article in build.published.values():
            # judged: no problem will point into its front matter, so its map of YAML positions
            # (and the file's text kept to complete it) is not held for the rest of the build
            article.located = Located(article.meta, {}, article.located.start)
        return build

    @property
    def content_dir(self) -> Path:
        """content/ on disk: what the build judges and publishes from."""
        return self.workspace.root / self.docs

    def src_path(self, src_uri: str) -> str:
        """The project-relative path of a docs file, as problems name it."""
        return f"{self.docs}/{src_uri}"

    def article(self, src_uri: str) -> Article | None:
        """The Article behind a docs file, if it is an article the loader could read."""
        return self.by_path.get(self.src_path(src_uri))

    def last_reviewed(self, article: Article) -> str:
        """The date of the approval that stands now ("" if none counts), worked out once an article."""
        found = self._reviewed.get(article.path)
        if found is None:
            found = self._reviewed[article.path] = workflow.last_approval_date(article, self.corpus.context)
        return found

    def history(self, article: Article) -> list[review_history.ApprovedVersion]:
        """The approved versions of a published article, oldest first (the last is the one
        published now). Read from git once, for the whole corpus, on the first call; without
        git, or outside a repository, it is the approval now alone."""
        if self._history is None:
            self._history = self._read_history()
        return review_history.versions(article, self.corpus.context, self._history.get(article.id, ()))

    def last_approved(self, article: Article) -> review_history.Committed | None:
        """The last version of `article` on the branch whose approval counts (what a preview
        compares a revision with), from the same one read of git as `history`."""
        if self._history is None:
            self._history = self._read_history()
        return review_history.last_approved(self._history.get(article.id, ()), article, self.corpus.context)

    def _read_history(self) -> dict[str, list[review_history.Committed]]:
        try:
            found = committed.main_history(self.workspace.root)
        except Exception as exc:  # noqa: BLE001 - no git, no repository, an odd history: never a failed build
            log.info(f"the review history shows the current approvals only ({type(exc).__name__}: {exc})")
            return {}
        grouped: dict[str, list[review_history.Committed]] = {}
        for item in found:
            article = item.article if item.article is not None else self.by_path.get(item.current)
            if article is not None and article.id:
                grouped.setdefault(article.id, []).append(
                    review_history.Committed(item.commit, item.path, item.article)
                )
        return grouped

    def withheld_reasons(self, src_uri: str) -> list[Problem] | None:
        """Why an article file is withheld ([]: published); None when the loader never saw it."""
        return self.decision.get(self.src_path(src_uri))


def _refuse_content_as_docs_dir(workspace: Workspace, docs_dir: Path) -> None:
    """mkdocs.yml's docs_dir must never let an engine read content/ (E971): the engine that runs
    this plugin builds from the staged folder, but one that skips it reads docs_dir as it is."""
    engine, content = docs_dir.resolve(), (workspace.root / CONTENT).resolve()
    if engine == content or engine.is_relative_to(content) or content.is_relative_to(engine):
        fail(
            "",
            [
                Problem(
                    CONFIG,
                    option_line(workspace.root / CONFIG, "docs_dir"),
                    1,
                    "E971",
                    f"`docs_dir` is {workspace.rel(engine)}, which is or holds {CONTENT}/: an engine that skips the "
                    f"editorial plugin would publish every draft and the registry; set `docs_dir: {PLACEHOLDER}` "
                    f"(the plugin builds from {CONTENT}/ itself)",
                )
            ],
        )


def preview_only(value: str | None, preview: bool, docs: str) -> frozenset[str] | None:
    """The articles a scoped preview renders, from EDITORIAL_PREVIEW_ONLY: project-relative paths
    separated by commas or new lines (`git diff --name-only` of a pull request); the names that are
    no article of content/articles/ are left out (a page, the registry, an image). Unset: every
    article. A public build renders every approved article, so there it stops the build (E978)."""
    if value is None:
        return None
    if not preview:
        fail(
            "",
            [
                Problem(
                    CONFIG,
                    1,
                    1,
                    "E978",
                    f"{PREVIEW_ONLY} is set, but this is a public build, which publishes every approved article: "
                    f"unset it, or build a preview (EDITORIAL_PREVIEW=1)",
                )
            ],
        )
    prefix = docs + "/"
    names = (name.strip().removeprefix("./") for name in value.replace("\n", ",").split(","))
    return frozenset(
        name[len(prefix) :] for name in names if name.startswith(prefix) and site_files.is_article(name[len(prefix) :])
    )


def fail(headline: str, problems: list[Problem]) -> NoReturn:
    """Stop the build with one located line per problem (no traceback reaches a writer)."""
    lines = [text_line(p) for p in problems[:MAX_LISTED]]
    if len(problems) > MAX_LISTED:
        lines.append(f"... and {len(problems) - MAX_LISTED} more")
    raise PluginError("\n".join(([headline] if headline else []) + lines))
