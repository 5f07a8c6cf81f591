"""Where the site is written, and how it reaches `site/`: whole and audited, or not at all.

    start_worker on_config       fork the spare core's audit worker, before the corpus is read
    prepare      on_config       a fresh folder beside site_dir, removing those of builds killed earlier
    start_audit  on_files        hand it the audit (without the corpus) and the needles, built apart:
                                 it audits each page as it is written
    verdicts     on_post_build   the worker's verdicts on the pages (with the links each holds, which
                                 the gate judges); then the content files they refer to are copied
    publish      on_post_build   audit everything else written (on the same worker), build the search
                                 index from the audited pages (search.py), audit that too, then
                                 rename the folder into place
    abort        on_build_error  remove the unfinished folder; site/ stays as it was

Content files are copied here, not by MkDocs: each is opened without following links,
must be a regular file, and is read up to a limit, so no link or device in content/ can
put another file's bytes on the site.
"""

from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing.process
import os
import re
import shutil
import tempfile
from collections import deque
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import NoReturn

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page

from .. import audit_memo, cache, site_folder, workers
from ..core import audit, site_files
from ..core.model import Problem
from ..workspace import open_regular
from . import search
from .build import Build, fail

log = get_plugin_logger("editorial")
MAX_ASSET_BYTES = 100_000_000  # an image or a PDF; anything larger is a mistake
_WORK_FOLDER = re.compile(r"\.(?P<name>.+)\.(?:building|old|staging|needles)-(?P<pid>[0-9]+)-[^/]*")


class Output:
    """The folder this build writes, and its way into `site/`."""

    def __init__(self, build: Build, worker: Executor | None = None):
        self.build = build
        self.early = worker  # the audit's worker, forked before the corpus was read (`start_worker`)
        self.needles_from: site_folder.Handoff | None = None  # where that worker's needles come from
        self.builder: multiprocessing.process.BaseProcess | None = None  # the process that builds them
        self.site_dir = ""  # where the site goes once audited
        self.building_dir = ""  # where this build writes it first
        self.run: audit.Audit | None = None  # the publish audit, prepared once the files are known
        self.memo: audit_memo.Memo | None = None  # what the last build judged clean (a writer's machine only)
        self.pool: Executor | None = None  # the spare core, auditing pages while MkDocs builds the next ones
        self.proved: dict[str, tuple[bytes, audit.Verdict]] = {}  # site path -> (SHA-256, the worker's verdict)
        self.indexing: search.Indexing | None = None  # Pagefind, once the pages are written
        # site path -> (the page, the SHA-256 of its HTML, the worker's verdict to come), in the order
        # handed over; a verdict that came is taken out as the build goes (`done`)
        self.pages: dict[str, tuple[Page, bytes, Future[audit.Verdict]]] = {}
        self.order: deque[str] = deque()
        self.lost: list[str] = []  # pages whose verdict the worker could not give: judged at the end
        self.pages_lost: dict[str, tuple[Page, bytes]] = {}
        self.judged = False  # `verdicts` ran

    def prepare(self, config: MkDocsConfig) -> None:
        """Write into a fresh folder beside site_dir; `publish` moves it into place.

        MkDocs validated site_dir before any plugin ran (not inside docs_dir), so the new
        folder is a sibling of the real one: never inside docs_dir either. `mkdocs serve`
        builds into its own temporary folder and keeps it."""
        if self.build.serve:
            return
        self.site_dir = os.path.abspath(config.site_dir)
        parent, name = os.path.split(self.site_dir)
        try:
            os.makedirs(parent, exist_ok=True)
            remove_abandoned(parent, name)
            self.building_dir = tempfile.mkdtemp(prefix=f".{name}.building-{os.getpid()}-", dir=parent)
        except OSError as exc:  # a read-only or full disk: one clear line, not a traceback
            cannot_write(self.site_dir, exc)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.building_dir, 0o777 & ~umask)  # mkdtemp's 0700 would lock readers out of the site
        config.site_dir = self.building_dir

    def copy_content_files(self, files: dict[str, File], used: set[str]) -> None:
        """Copy the content files published pages refer to (site path -> File) into the output."""
        target_root = Path(self.build.config.site_dir)
        problems = []
        for site_path in sorted(used):
            file = files[site_path]
            where = self.build.src_path(file.src_uri)
            try:
                data = open_regular(Path(file.abs_src_path or ""), MAX_ASSET_BYTES + 1)
            except OSError as exc:
                problems.append(
                    Problem(
                        where,
                        1,
                        1,
                        "E115",
                        f"{where} cannot be published: {exc.strerror or exc} "
                        "(content files are copied only as regular files, never through a link)",
                    )
                )
                continue
            if len(data) > MAX_ASSET_BYTES:
                problems.append(
                    Problem(where, 1, 1, "E102", f"{where} is over {MAX_ASSET_BYTES:,} bytes; make it smaller")
                )
                continue
            target = target_root / site_path
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            except OSError as exc:
                cannot_write(self.site_dir or str(target_root), exc)
        if problems:
            fail("content files that pages refer to cannot be published:", problems)

    def start_audit(self) -> None:
        """Prepare the publish audit (on_files: what content/ holds is known) and hand it to the
        worker forked early (or fork one now, if that one could not be had), which audits each
        page as it is written; a machine without a spare core audits them all
        at the end. Never for a preview (it is never published)."""
        build = self.build
        if build.preview or not self.building_dir:
            return
        content = site_folder.read_content(build.workspace, build.corpus, build.config, build.scan)
        self.run = audit.Audit(content, shown=build.workspace.rel(Path(self.site_dir)))
        if audit_memo.usable(build.workspace.root):
            self.memo = audit_memo.Memo(build.workspace.root, self.run)
        site_folder.prepare(self.run, self.memo)  # a worker forked from now on inherits them
        early, self.early = self.early, None
        started = site_folder.Handoff.start(self.run, self.building_dir) if early is not None else None
        if early is not None and started is not None:  # the worker forked early is handed its audit
            self.pool, (self.needles_from, self.builder) = early, started
            lean = self.run.without_corpus()
            memo = self.memo.for_worker(lean) if self.memo is not None else None
            self.pool.submit(site_folder.install, lean, memo, self.needles_from)
            return
        if early is not None:
            early.shutdown(wait=False)
        self.pool = workers.pool(1, "editorial-audit")
        if self.pool is not None:  # its index of withheld text, while the build renders Markdown
            self.pool.submit(site_folder.build_needles)

    @staticmethod
    def start_worker() -> Executor | None:
        """The audit's worker, forked now, before the corpus is read (see site_folder.Handoff);
        none: one is forked once the audit is known."""
        return workers.started("editorial-audit")

    def page_written(self, page: Page, html: str) -> bool:
        """A page's final HTML (on_post_page), handed to the worker to audit while the build goes
        on. False when there is no worker: the caller reads the page's links itself."""
        if self.pool is None:
            return False
        data = html.encode("utf-8")
        rel = page.file.dest_uri
        digest = hashlib.sha256(data).digest()
        remembered = self.memo.get(self.memo.key(rel, digest)) if self.memo is not None else None
        if remembered is not None:  # these very bytes, judged clean by this very audit before
            future: Future[audit.Verdict] = Future()
            future.set_result(remembered)
        else:
            future = self.pool.submit(site_folder.check_page, rel, data)
        self.pages[rel] = (page, digest, future)
        self.order.append(rel)
        return True

    @property
    def handed(self) -> bool:
        """Whether pages were handed to the worker (their verdicts are the gate's, `verdicts`)."""
        return bool(self.pages or self.proved or self.lost)

    def done(self) -> list[tuple[Page, audit.Verdict]]:
        """The pages whose verdicts have come, in the order handed over, with their verdicts (the
        links each page holds, for the gate): kept as proved, without the links (nothing holds a
        page's verdict, nor the page, longer than it must)."""
        found = []
        while self.order and self.pages[self.order[0]][2].done():
            rel = self.order.popleft()
            page, digest, future = self.pages.pop(rel)
            try:
                verdict = future.result()
            except Exception:  # noqa: BLE001 - a lost worker: this page is judged at the end
                self.lost.append(rel)
                self.pages_lost[rel] = (page, digest)
                continue
            # kept without its links (judged now), every other field as it came (what the page owns:
            # the search bundle's audit needs it)
            self.proved[rel] = (digest, dataclasses.replace(verdict, links=None))
            if self.memo is not None:
                self.memo.record(self.memo.key(rel, digest), verdict)
            found.append((page, verdict))
        return found

    def verdicts(self) -> list[tuple[Page, audit.Verdict]]:
        """Each page handed to the worker with its verdict. The pages the worker has not
        started when the build has written the last one are judged from the files written,
        by the worker and this process together (the worker hands over what it built to
        search for); so is a page it could not judge (a lost worker costs time, not a verdict)."""
        assert self.run is not None and self.pool is not None, "only when pages were handed to the worker"
        self.judged = True
        found = self.done()
        waiting = [rel for rel, (_, _, future) in self.pages.items() if future.cancel()]
        site_folder.share_needles(self.run, self.pool, self.needles_from)
        self._builder_done()
        verdicts: dict[str, audit.Verdict] = {}
        for rel, (_, digest, future) in self.pages.items():
            if not future.cancelled():
                try:
                    verdicts[rel] = future.result()
                except Exception:  # noqa: BLE001 - see above
                    waiting.append(rel)
                    continue
                if self.memo is not None:
                    self.memo.record(self.memo.key(rel, digest), verdicts[rel])
        pages = {rel: (page, digest) for rel, (page, digest, _) in self.pages.items()} | self.pages_lost
        waiting += self.lost
        judged = site_folder.judge_pages(self.run, Path(self.building_dir), waiting, self.pool)
        verdicts.update(zip(waiting, judged, strict=True))
        for rel, (_, digest) in pages.items():
            self.proved[rel] = (digest, verdicts[rel])
        self.pages, self.order, self.lost, self.pages_lost = {}, deque(), [], {}
        return found + [(page, verdicts[rel]) for rel, (page, _) in pages.items()]

    def start_search(self) -> search.Indexing | None:
        """Pagefind over the pages written (on_post_build, so it works while the pages are
        audited; nothing reaches site/ unless they pass). Started once; not for `mkdocs serve`."""
        if self.indexing is None and self.building_dir:
            self.indexing = search.start_index(
                Path(self.building_dir),
                self.build.workspace.rel(Path(self.site_dir)),
                root=self.build.workspace.root,
                previous=Path(self.site_dir) if os.path.isdir(self.site_dir) else None,
            )
        return self.indexing

    def stop(self) -> None:
        if self.indexing is not None:
            self.indexing.stop()
        for pool in (self.pool, self.early):
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
        self.pool = self.early = None
        self._builder_done()

    def _builder_done(self) -> None:
        """The needles' builder (reaped: it has written them, or is stopped) and, once the build
        is over (`stop`), their file."""
        if self.builder is not None:
            self.builder.join(timeout=30 if self.pool is not None else 0)
            if self.builder.is_alive():
                self.builder.terminate()
                self.builder.join(timeout=5)
            self.builder = None
        if self.needles_from is not None and self.pool is None:
            self.needles_from.remove()
            self.needles_from = None

    def publish(self, strict_warnings: bool) -> None:
        """Audit the finished output, then move it into place: site/ is replaced whole or not at all."""
        if not self.building_dir:
            return
        if strict_warnings:
            self.stop()
            return  # MkDocs aborts the build right after this hook; abort() cleans up
        build = self.build
        shown = build.workspace.rel(Path(self.site_dir))
        run = None
        if not build.preview:
            if self.run is None:
                self.start_audit()
            assert self.run is not None
            run = self.run
            if self.handed and not self.judged:
                self.verdicts()  # (the plugin asks for them first, for the gate)
            # the rest on the worker too: it has built what the audit searches for; the search
            # bundle Pagefind is writing meanwhile is audited once it is done
            found = site_folder.audit_site(
                run, Path(self.building_dir), self.proved, executor=self.pool, skip=site_files.SEARCH_BUNDLE
            )
            self._passes(found[0], shown)
        indexing = self.start_search()
        assert indexing is not None  # a folder is being built
        indexing.wait()
        if run is not None:
            owned = frozenset().union(*(verdict.owned for _, verdict in self.proved.values()))
            bundle = site_folder.audit_site(
                run, Path(self.building_dir), folder=site_files.SEARCH_BUNDLE, executor=self.pool, owned=owned
            )
            self._passes(bundle[0], shown)
            if self.memo is not None:  # the site passed: what it judged clean is kept for the next build
                self.memo.save()
                log.info(
                    f"the audit passed {len(self.memo.fresh)} files; {self.memo.found_again} of them, unchanged "
                    f"since a build it passed, were taken from {cache.FOLDER}/{self.memo.store.path.name}"
                )
        self.indexing = None  # done: nothing to stop
        self.stop()
        _swap(self.building_dir, self.site_dir)
        self.building_dir = ""
        build.config.site_dir = self.site_dir

    @staticmethod
    def _passes(found: list[Problem], shown: str) -> None:
        problems = [p for p in found if p.is_error]
        if problems:
            fail(
                "",
                [
                    Problem(
                        shown,
                        1,
                        1,
                        "E964",
                        "the site failed the publish audit and was not written; what leaked, and where, follows",
                    )
                ]
                + problems,
            )

    def abort(self, error: Exception | None = None) -> None:
        """The build failed: remove what it wrote; the previous site/ stays as it was.
        A disk that is full or read-only is said in one line instead of MkDocs' traceback."""
        self.stop()
        if self.building_dir:
            shutil.rmtree(self.building_dir, ignore_errors=True)
            self.building_dir = ""
            self.build.config.site_dir = self.site_dir
        if isinstance(error, OSError) and self.site_dir:
            cannot_write(self.site_dir, error)


def remove_abandoned(parent: str, name: str) -> None:
    """Remove the work folders (building, old, staging, needles) of builds that died before cleaning up
    (kill -9, power loss).

    Each build names its folders with its process id: a folder whose process is gone
    is abandoned; one whose process still runs (a parallel build) is left alone."""
    try:
        entries = os.listdir(parent)
    except OSError:
        return
    for entry in entries:
        found = _WORK_FOLDER.fullmatch(entry)
        if found and found.group("name") == name and not workers.running(int(found.group("pid"))):
            shutil.rmtree(os.path.join(parent, entry), ignore_errors=True)


def cannot_write(site_dir: str, exc: OSError) -> NoReturn:
    target = exc.filename2 or exc.filename  # a copy names its source first, the file written second
    what = f"{exc.strerror or exc}" + (f": {target}" if target else "")
    fail(
        "",
        [
            Problem(
                site_dir or "site",
                1,
                1,
                "E966",
                f"the build could not write the site ({what}); free disk space "
                "or make the folder writable and build again; the previous site is unchanged",
            )
        ],
    )


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
        fail(
            "",
            [
                Problem(
                    target,
                    1,
                    1,
                    "E965",
                    f"cannot move the built site into place ({exc.strerror}); the previous site is unchanged",
                )
            ],
        )
    if old:
        shutil.rmtree(old, ignore_errors=True)
