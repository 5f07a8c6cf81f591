"""The publish gate: only articles the core approves reach the site, in any output file.

MkDocs reads front matter only after `on_files`, and its meta parser swallows YAML
errors (`mkdocs/utils/meta.py` returns `{}`), so the decision is made here, in
`on_files`, from the project's own loader and rules (`Corpus.publication()`), never
from `page.meta`. The hooks in plugin.py call the functions below in build order:

    start      on_config     policy from the plugin's options, corpus, fresh build folder
    select     on_files      withhold unpublished articles, data files, draft-only assets
    source     page source   an article's body as the core read it (no second read, no second YAML parse)
    check_nav  on_nav        an explicit nav entry to a withheld article fails the build
    annotate   page context  page.meta["editorial"]: preview / approved / status
    post_page  on_post_page  a link to a withheld article fails the build
    finish     on_post_build audit the output, then move it into place
    abort      on_build_error remove the unfinished output; site/ stays as it was

Fail closed: whatever cannot be proved approved is withheld, and anything that stops
the gate from working stops the build (PluginError), never the other way round.
"""
from __future__ import annotations

import hashlib
import html
import logging
import marshal
import os
import posixpath
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import InclusionLevel
from mkdocs.utils import CountHandler

from .. import audit, cache, site_files
from ..model import Article, Problem
from ..report import text_line
from ..rules import schema as schema_rules
from ..workspace import CONFIG, SnapshotRefused, Workspace

log = get_plugin_logger("editorial")
UNSAFE_CODES = {"E103", "E112"}  # links and paths outside articles/: never built, not even in a preview
MAX_LISTED = 20  # problems listed in one error message; the rest are counted
AUDIT_MEMORY = ".cache/editorial/audit.cache"  # files a production build's audit proved clean (warm builds)
AUDIT_MAGIC = "editorial-audit-memory-1"


@dataclass
class Build:
    """What one build knows: the policy, the corpus, what is published. Shared by the hooks."""

    options: dict
    preview: bool = False
    dirty: bool = False
    corpus: object = None
    published: dict = field(default_factory=dict)  # src_uri -> Article
    serve: bool = False
    workspace: Workspace | None = None
    docs: str = "content"  # docs_dir relative to the project root
    decision: dict = field(default_factory=dict)  # article path -> reasons it is withheld ([] = publish)
    by_path: dict = field(default_factory=dict)  # article path -> Article (those the loader could read)
    withheld: dict = field(default_factory=dict)  # src_uri -> article path, removed from this build
    withheld_urls: dict = field(default_factory=dict)  # URL ("articles/x/") -> article path
    withheld_names: set | None = None  # last names of withheld pages, for the link check (post_page)
    innocent_links: set = field(default_factory=set)  # links whose last name is no withheld page's
    site_dir: str = ""  # where the site goes once audited
    building_dir: str = ""  # where this build writes it first
    config: object = None
    warnings: CountHandler | None = None

    @classmethod
    def start(cls, config, options, *, preview: bool, dirty: bool, serve: bool = False) -> "Build":
        build = cls(dict(options), preview, dirty, serve=serve, config=config)
        build.workspace = Workspace(Path(config.config_file_path or CONFIG).resolve().parent)
        build.docs = build.workspace.rel(Path(config.docs_dir).resolve())
        policy, problems = schema_rules.policy(CONFIG, build.options)
        if policy is None:
            _fail("the `editorial` plugin's options (the editorial policy) are invalid; nothing can be published", problems)
        if dirty and not preview:
            _fail("", [Problem(CONFIG, 1, 1, "E960", "`mkdocs build --dirty` is refused for the public site: it would keep pages of articles that are no longer approved; run `mkdocs build` (clean)")])
        try:
            build.corpus = build.workspace.corpus(policy=policy)
            build.decision = build.corpus.publication()
        except SnapshotRefused as exc:  # the policy's retraction snapshot: one located line (E411)
            _fail("", [exc.problem])
        except Exception as exc:  # fail closed: no corpus, no site
            _fail("", [Problem(build.docs, 1, 1, "E961", f"cannot read the articles ({type(exc).__name__}: {exc}); nothing is published until `editorial validate` runs cleanly")])
        prefix = build.docs + "/"
        by_path = build.by_path = {a.path: a for a in build.corpus.articles}
        build.published = {p[len(prefix):]: by_path[p] for p, why in build.decision.items() if not why and p in by_path and p.startswith(prefix)}
        for path, reasons in sorted(build.decision.items()):
            if reasons:
                first = reasons[0]
                log.info(f"withheld {path}: {first.code} {first.message} (line {first.line})")
        snapshot = build.corpus.context.retractions
        log.info(f"{len(build.published)} article(s) published, {len(build.decision) - len(build.published)} withheld"
                 + (" (preview: every article is shown, marked as pending review)" if preview else "")
                 + (f"; sources checked against the Retraction Watch snapshot of {snapshot.latest}" if snapshot else ""))
        config.extra["editorial_preview"] = preview
        if not serve:  # `mkdocs serve` builds into its own temporary folder
            build._build_elsewhere(config)
        build.warnings = CountHandler()
        build.warnings.setLevel(logging.WARNING)
        logging.getLogger("mkdocs").addHandler(build.warnings)
        return build

    def _build_elsewhere(self, config) -> None:
        """Write into a fresh folder beside site_dir; `finish` moves it into place.

        MkDocs validated site_dir before any plugin ran (not inside docs_dir), so the
        new folder is a sibling of the real one: never inside docs_dir either."""
        self.site_dir = os.path.abspath(config.site_dir)
        parent, name = os.path.split(self.site_dir)
        try:
            os.makedirs(parent, exist_ok=True)
            _remove_abandoned(parent, name)
            self.building_dir = tempfile.mkdtemp(prefix=f".{name}.building-{os.getpid()}-", dir=parent)
        except OSError as exc:  # a read-only or full disk: one clear line, not a traceback
            _cannot_write(self.site_dir, exc)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.building_dir, 0o777 & ~umask)  # mkdtemp's 0700 would lock readers out of the site
        config.site_dir = self.building_dir

    def src_path(self, src_uri: str) -> str:
        return f"{self.docs}/{src_uri}"

    def article(self, page) -> Article | None:
        """The Article behind a page, if the page is an article the loader could read."""
        return self.by_path.get(self.src_path(page.file.src_uri))


_WORK_FOLDER = re.compile(r"\.(?P<name>.+)\.(?:building|old)-(?P<pid>[0-9]+)-[^/]*")


def _remove_abandoned(parent: str, name: str) -> None:
    """Remove the work folders of builds that died before cleaning up (kill -9, power loss).

    Each build names its folders with its process id: a folder whose process is gone
    is abandoned; one whose process still runs (a parallel build) is left alone."""
    try:
        entries = os.listdir(parent)
    except OSError:
        return
    for entry in entries:
        found = _WORK_FOLDER.fullmatch(entry)
        if found and found.group("name") == name and not _running(int(found.group("pid"))):
            shutil.rmtree(os.path.join(parent, entry), ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process (or a number no process has): leave it alone
    return True


def _cannot_write(site_dir: str, exc: OSError) -> None:
    target = exc.filename2 or exc.filename  # a copy names its source first, the file written second
    what = f"{exc.strerror or exc}" + (f": {target}" if target else "")
    _fail("", [Problem(site_dir or "site", 1, 1, "E966", f"the build could not write the site ({what}); free disk space or make the folder writable and build again; the previous site is unchanged")])


def _fail(headline: str, problems: list[Problem]) -> None:
    lines = [text_line(p) for p in problems[:MAX_LISTED]]
    if len(problems) > MAX_LISTED:
        lines.append(f"... and {len(problems) - MAX_LISTED} more")
    raise PluginError("\n".join(([headline] if headline else []) + lines))


def select(build, files, config):
    """Withhold from the build every article the core does not approve (a preview keeps
    them), data files, raw HTML under articles/, and files only withheld articles use."""
    kept_texts, withheld_texts = [], []
    for file in list(files):
        src = file.src_uri
        if site_files.is_data_file(src) or site_files.is_unreviewed_html(src):
            files.remove(file)
            continue
        if site_files.is_article(src):
            path = build.src_path(src)
            reasons = build.decision.get(path)
            if reasons is None:  # MkDocs found it, our safe reader did not (a linked folder?)
                reasons = [Problem(path, 1, 1, "E103", f"{path} was not read by the editorial loader (is it inside a linked folder?); move the file into {build.docs}/articles/")]
                log.info(f"withheld {path}: {reasons[0].message}")
            if file.inclusion in (InclusionLevel.INCLUDED, InclusionLevel.UNDEFINED):  # keep exclude_docs/draft_docs
                file.inclusion = InclusionLevel.NOT_IN_NAV  # articles are reached from index pages and search
            if not reasons:
                kept_texts.append((src, build.published[src].body))
                continue
            withheld_texts.append((src, _article_text(build, path)))
            if build.preview and not {r.code for r in reasons} & UNSAFE_CODES:
                continue
            build.withheld[src] = path
            build.withheld_urls[site_files.page_url(src)] = path
            files.remove(file)
        elif site_files.is_markdown(src):
            kept_texts.append((src, _read_text(file)))
    if not build.preview:
        draft_only = site_files.withheld_assets(kept_texts, withheld_texts)
        for file in list(files):
            if file.src_uri in draft_only:
                files.remove(file)
    return files


def _article_text(build, path: str) -> str:
    article = build.by_path.get(path)
    if article is not None:
        return article.body
    source = build.workspace.source(build.workspace.root / path)  # safe: no links, size-limited
    return source.data.decode("utf-8", errors="replace") if source.data is not None else ""


def _read_text(file) -> str:
    try:
        return file.content_string
    except (OSError, UnicodeDecodeError):
        return ""


_NO_FRONT_MATTER = "---\n{}\n---\n"  # MkDocs' meta parser finds an empty mapping, and no MultiMarkdown keys


def source(build, page) -> str | None:
    """An article page's source: the body the core read, judged and digested.

    MkDocs would read the file a second time and parse its YAML again (a tenth of the
    build time); the file may even have changed since the gate judged it. For a
    file the core could not read, MkDocs reads it itself (a preview shows it raw)."""
    article = build.article(page) if build is not None else None
    if article is None:
        return None
    return _NO_FRONT_MATTER + article.body.lstrip("\n")


def restore_meta(build, page) -> None:
    """page.meta of an article served by `source`: its front matter, as the core read it."""
    article = build.article(page) if build is not None else None
    if article is not None and not page.meta:
        page.meta = dict(article.meta)


def check_nav(build, nav, config, files):
    """An explicit `nav:` entry to a withheld article fails the build (MkDocs would only
    log it at INFO and render a dead link, mkdocs#3971)."""
    problems = []
    for entry in _nav_paths(config.nav):
        target = posixpath.normpath(unquote(urlsplit(entry).path).lstrip("/")) if entry else ""
        if target in build.withheld:
            problems.append(Problem(CONFIG, 1, 1, "E962", f"`nav:` lists {build.withheld[target]}, which is not published; remove the entry from mkdocs.yml (articles are reached from index pages)"))
    if problems:
        _fail("the navigation points at unpublished articles:", problems)
    return nav


def _nav_paths(nav):
    if isinstance(nav, str):
        yield nav
    elif isinstance(nav, dict):
        for value in nav.values():
            yield from _nav_paths(value)
    elif isinstance(nav, list):
        for item in nav:
            yield from _nav_paths(item)


def annotate(build, page) -> None:
    """Page-level state for the templates, under our own keys of page.meta["editorial"]."""
    if build is None:
        return
    state = page.meta.get("editorial")
    if not isinstance(state, dict):
        state = page.meta["editorial"] = {}
    src = page.file.src_uri
    state["preview"] = build.preview
    if site_files.is_article(src):
        reasons = build.decision.get(build.src_path(src), [None])
        state["approved"] = not reasons
        state["status"] = "approved" if not reasons else "pending human review"
        state["withheld_because"] = reasons[0].message if reasons and reasons[0] else ""
    else:
        state["approved"] = True  # a site page, not an article


# href=/src= values anywhere in the page (MkDocs writes regular HTML; a match outside a
# tag only adds a check, never hides one). Quoted, single-quoted or bare, any case.
# (Letter classes instead of re.I: three times faster over a whole site.)
_LINK = re.compile(r"""[\s"'/](?:[hH][rR][eE][fF]|[sS][rR][cC])\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""")
# Names a link can end in without naming the page it points at: resolved every time.
_ALWAYS_RESOLVE = {"", ".", "..", "index", "readme"}
_PAGE_SUFFIXES = site_files.MARKDOWN_SUFFIXES + site_files.HTML_SUFFIXES


def _last_name(path: str) -> str:
    """The last segment of a link path without a page suffix, lower-cased ("x" for `../x/`, `x.md`, `x.html`)."""
    name = path.rstrip("/").rsplit("/", 1)[-1].lower()
    for suffix in _PAGE_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _withheld_names(build) -> set[str]:
    """Last names of every withheld page: a link that ends in none of them (nor in `..`,
    `index`, ...) cannot resolve to one, so only these few links are resolved."""
    if build.withheld_names is None:
        names = {_last_name(src) for src in build.withheld} | {_last_name(url) for url in build.withheld_urls}
        build.withheld_names = names
    return build.withheld_names


def post_page(build, output, page, config):
    """A page that links to a withheld article fails the build, naming both files."""
    if build is None or not build.withheld:
        return output
    names = _withheld_names(build)
    innocent = build.innocent_links
    page_dir = posixpath.dirname(page.file.src_uri)
    url_dir = page.url if page.url.endswith("/") or not page.url else posixpath.dirname(page.url) + "/"
    problems = []
    for match in _LINK.finditer(output):
        link = match.group(1) or match.group(2) or match.group(3)
        if not link or link[0] == "#" or link in innocent:
            continue
        raw = link
        if "&" in link:
            link = html.unescape(link)  # what a browser (and html.parser) would follow
        name = _last_name(unquote(link.split("#", 1)[0].split("?", 1)[0]))
        if name not in names and name not in _ALWAYS_RESOLVE:
            innocent.add(raw)  # wherever it appears (nav, header, footer: every page), it names no withheld page
            continue
        parts = urlsplit(link)
        if parts.scheme or parts.netloc or not parts.path:
            continue
        path = unquote(parts.path)
        as_file = site_files.resolve(page_dir, path)  # a Markdown link MkDocs could not resolve
        as_url = posixpath.normpath(posixpath.join(url_dir, path)).lstrip("/") if not path.startswith("/") else path.lstrip("/")
        as_url = as_url.removesuffix("index.html").removesuffix(".html").removesuffix("/") + "/"  # either URL style
        target = build.withheld.get(as_file or "") or build.withheld_urls.get(as_url)
        if target:
            problems.append(Problem(build.src_path(page.file.src_uri), 1, 1, "E963", f"links to {target}, which is not published: remove the link until the article is approved"))
    if problems:
        _fail("pages link to unpublished articles:", sorted(set(problems)))
    return output


def finish(build, config):
    """Audit the finished output, then move it into place: site/ is replaced whole or not at all."""
    if build is None or build.serve or not build.building_dir:
        return
    _stop_counting(build)
    if config.strict and build.warnings and build.warnings.get_counts():
        return  # MkDocs aborts the build right after this hook; abort() cleans up
    if not build.preview:
        content = audit.read_content(build.workspace, build.corpus, Path(config.docs_dir))
        memory = _load_memory(build.workspace.root)
        run = audit.Audit(content, shown=build.workspace.rel(Path(build.site_dir)), memory=memory)
        problems, _ = audit.audit_site(run, Path(build.building_dir))
        problems = [p for p in problems if p.is_error]
        if problems:
            _fail("the site failed the publish audit and was not written (E964); what leaked, and where:",
                  [Problem(p.path, p.line, p.column, p.code, p.message) for p in problems])
        _save_memory(build.workspace.root, memory)
    _swap(build.building_dir, build.site_dir)
    build.building_dir = ""
    config.site_dir = build.site_dir


def _audit_code_version() -> str:
    """Changes whenever the code that decides what a file's text leaks changes."""
    digest = hashlib.sha256(sys.version.encode())
    for module in (audit, site_files):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


def _load_memory(root: Path) -> audit.Memory | None:
    """The files an earlier production build proved clean (a warm build searches only what
    changed). Fail closed: off, unreadable, corrupt or foreign means an empty memory, a full search."""
    if not cache.enabled():
        return None
    memory = audit.Memory(_audit_code_version())
    try:
        magic, code, key, clean = marshal.loads((root / AUDIT_MEMORY).read_bytes())
        if magic == AUDIT_MAGIC and code == memory.code and isinstance(key, str) and isinstance(clean, list):
            memory.key, memory.clean = key, {d for d in clean if isinstance(d, bytes)}
    except (OSError, ValueError, EOFError, TypeError):
        pass
    return memory


def _save_memory(root: Path, memory: audit.Memory | None) -> None:
    """Remember the files this audit proved clean; a cache that cannot be written is not written."""
    if memory is None:
        return
    path = root / AUDIT_MEMORY
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False) as out:
            out.write(marshal.dumps((AUDIT_MAGIC, memory.code, memory.key, sorted(memory.proved))))
        os.replace(out.name, path)
    except OSError:
        pass


def _swap(new: str, target: str) -> None:
    """Rename the old site away, the new one in, then remove the old one."""
    old = ""
    if os.path.lexists(target):
        parent, name = os.path.split(target)
        old = tempfile.mkdtemp(prefix=f".{name}.old-{os.getpid()}-", dir=parent)
        os.rename(target, os.path.join(old, name))
    try:
        os.rename(new, target)
    except OSError as exc:
        if old:
            os.rename(os.path.join(old, os.path.basename(target)), target)
            shutil.rmtree(old, ignore_errors=True)
        raise PluginError(f"{target}:1:1: E965 cannot move the built site into place ({exc.strerror}); the previous site is unchanged") from None
    if old:
        shutil.rmtree(old, ignore_errors=True)


def _stop_counting(build) -> None:
    if build.warnings is not None:
        logging.getLogger("mkdocs").removeHandler(build.warnings)


def abort(build, error: Exception | None = None):
    """The build failed: remove what it wrote; the previous site/ stays as it was.
    A disk that is full or read-only is said in one line instead of MkDocs' traceback."""
    _stop_counting(build)
    if build.building_dir:
        shutil.rmtree(build.building_dir, ignore_errors=True)
        build.building_dir = ""
        if build.config is not None:
            build.config.site_dir = build.site_dir
    if isinstance(error, OSError) and build.site_dir:
        _cannot_write(build.site_dir, error)
