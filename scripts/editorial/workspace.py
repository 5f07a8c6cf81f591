"""The project on disk: where mkdocs.yml, content/ and the registry are, read safely.

This is the file-system adapter around the pure core: it turns files into `Source`
values (refusing symlinks, oversized files and paths outside content/) and reads the
editorial policy from the `editorial` plugin's options in mkdocs.yml."""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import analysis, cache
from .clock import today
from .core import retractions, site_files
from .core.corpus import Analyser, Corpus, Source, build
from .core.loader import MAX_FILE_BYTES
from .core.model import CannotRun, Policy, Problem
from .core.report import text_line
from .core.rules import schema as schema_rules
from .core.rules import visible_text
from .core.vocabulary import ARTICLES, CONFIG, CONTENT, MARKDOWN_SUFFIXES, REGISTRY


class WorkspaceError(CannotRun):
    """The command cannot run here at all (exit 2), e.g. no mkdocs.yml."""


class SnapshotRefused(WorkspaceError):
    """The policy's Retraction Watch snapshot cannot be used (E411): exit 2 for the CLI, a
    stopped build for MkDocs, each with this one located line."""

    def __init__(self, problem: Problem):
        super().__init__(text_line(problem))
        self.problem = problem


@dataclass
class Workspace:
    root: Path
    # files found by article_paths(): known to be inside content/articles/, so reading
    # them needs only a no-follow open, not a full resolve (10,000 resolves cost seconds)
    _walked: dict = field(default_factory=dict, repr=False, compare=False)
    _snapshots: dict = field(
        default_factory=dict, repr=False, compare=False
    )  # (path, sha) -> Index: read once per command

    @classmethod
    def find(cls, start: Path | None = None) -> Workspace:
        here = (start or Path.cwd()).resolve()  # resolved, so that paths compare
        for folder in (here, *here.parents):
            if (folder / CONFIG).is_file():
                return cls(folder)
        raise WorkspaceError(f"no {CONFIG} in {here} or any folder above it; run the command inside the project")

    def rel(self, path: Path) -> str:
        known = self._walked.get(path)
        if known is not None:
            return known
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    # -- reading ---------------------------------------------------------------
    def article_paths(self) -> list[Path]:
        base = self.root / ARTICLES
        if not base.is_dir():
            return []
        found = []
        for folder, dirs, files in os.walk(base):  # os.walk does not follow folder symlinks
            dirs.sort()
            shown = self.rel(Path(folder))
            for name in sorted(files):
                if name.endswith(MARKDOWN_SUFFIXES):  # MkDocs renders them all: none may slip past the checks
                    path = Path(folder) / name
                    self._walked[path] = f"{shown}/{name}"
                    found.append(path)
        return found

    def source(self, path: Path) -> Source:
        shown = self.rel(path)
        if not path.name.endswith(".md"):
            return Source(
                shown,
                None,
                Problem(
                    shown,
                    1,
                    1,
                    "E113",
                    f"{shown} is not a `.md` file; articles are `.md` files (the stem is the URL slug): rename it",
                ),
            )
        if path in self._walked:  # found by article_paths(): inside articles/ by construction
            return read_no_follow(path, shown)
        articles = (self.root / ARTICLES).resolve()
        if ".." in path.parts or not _inside(Path(os.path.normpath(path.absolute())), self.root / ARTICLES):
            return Source(
                shown,
                None,
                Problem(
                    shown,
                    1,
                    1,
                    "E112",
                    f"{shown} is not inside {ARTICLES}/; articles live there (paths with `..` are refused)",
                ),
            )
        if not path.is_symlink() and not _inside(path.resolve(), articles):
            return Source(
                shown,
                None,
                Problem(
                    shown,
                    1,
                    1,
                    "E103",
                    f"{shown} resolves outside {ARTICLES}/ through a linked folder; move the file in",
                ),
            )
        return read_no_follow(path, shown)  # a link itself is refused there (E103)

    def registry_source(self) -> Source:
        try:
            return Source(REGISTRY, open_regular(self.root / REGISTRY, MAX_FILE_BYTES + 1))
        except OSError:
            return Source(
                REGISTRY,
                None,
                Problem(
                    REGISTRY,
                    1,
                    1,
                    "E100",
                    f"{REGISTRY} is missing (or a link); it lists the writers and board members, see guides/writers.md",
                ),
            )

    def policy(self) -> tuple[Policy, list[Problem]]:
        options, line = plugin_options(self.root / CONFIG)
        found, problems = schema_rules.policy(CONFIG, options, line)
        return found or Policy(), problems

    def corpus(
        self,
        paths: list[Path] | None = None,
        day: str | None = None,
        policy: Policy | None = None,
        progress: analysis.Progress | None = None,
        *,
        remembered: bool = False,
        approvable_only: bool = False,
    ) -> Corpus:
        """Every article (or those at `paths`) judged with the registry and the policy.

        `remembered`: file-local results may come from the validate cache (`editorial
        validate` on a writer's machine only: never in CI, never when git tracks a cache
        file). Everything else judges every file for real."""
        # The MkDocs plugin hands in the policy from its own validated options: one source.
        policy, problems = self.policy() if policy is None else (policy, [])
        index = self.retractions(policy)
        sources = [self.source(p) for p in (paths if paths is not None else self.article_paths())]
        analyser: Analyser
        if remembered and cache.enabled() and not cache.in_ci() and not cache.tracked(self.root):
            analyser = analysis.ValidateCache(self.root, progress)
        else:
            # the public build only decides: the advisory rules (warnings only) are for writers
            analyser = lambda found: analysis.analyse_all(found, progress, advice=not approvable_only)  # noqa: E731
        corpus = build(
            sources,
            self.registry_source(),
            policy,
            day or today(),
            analyser,
            retractions=index,
            approvable_only=approvable_only,
        )
        corpus.problems[:0] = problems
        return corpus

    def retractions(self, policy: Policy) -> retractions.Index | None:
        """The policy's Retraction Watch snapshot, read safely and checked against its pinned
        hash; None when the policy names none. Anything wrong is a SnapshotRefused (E411)."""
        if not (policy.retractions or policy.retractions_sha256):
            return None
        key = (policy.retractions, policy.retractions_sha256)
        if key not in self._snapshots:
            try:
                why = retractions.pin_problem(*key)
                if why:
                    raise retractions.SnapshotError(why)
                self._snapshots[key] = retractions.verified(
                    self.snapshot_bytes(policy.retractions), policy.retractions_sha256
                )
            except retractions.SnapshotError as exc:
                line = option_line(self.root / CONFIG, "retractions" if policy.retractions else "retractions_sha256")
                raise SnapshotRefused(
                    Problem(CONFIG, line, 1, "E411", f"retraction snapshot `{policy.retractions or '(none)'}`: {exc}")
                ) from None
        return self._snapshots[key]

    def snapshot_bytes(self, relative: str) -> bytes:
        """A data file inside the project: no link followed anywhere on its path, a regular
        file, at most retractions.MAX_SNAPSHOT_BYTES. SnapshotError if not."""
        parts = Path(relative).parts
        if not parts or Path(relative).is_absolute() or ".." in parts:
            raise retractions.SnapshotError("the path must be relative to the project, without `..`")
        folder = self.root
        for part in parts[:-1]:
            folder = folder / part
            if folder.is_symlink():
                raise retractions.SnapshotError(
                    f"`{self.rel(folder)}` is a symbolic link; commit the snapshot itself, not a link"
                )
        try:
            data = open_regular(self.root / relative, retractions.MAX_SNAPSHOT_BYTES + 1)
        except NotRegular:
            raise retractions.SnapshotError("it is not a regular file") from None
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise retractions.SnapshotError(
                    "it is a symbolic link; commit the snapshot itself, not a link"
                ) from None
            if exc.errno == errno.ENOENT:
                raise retractions.SnapshotError(
                    "the file does not exist; download Crossref's retraction_watch.csv and run "
                    "`editorial retractions update FILE`, or remove both `retractions` options"
                ) from None
            raise retractions.SnapshotError(f"cannot read it: {exc.strerror}") from None
        if len(data) > retractions.MAX_SNAPSHOT_BYTES:
            raise retractions.SnapshotError(f"the file is over the limit of {retractions.MAX_SNAPSHOT_BYTES:,} bytes")
        return data

    def content_problems(self, policy: Policy) -> list[Problem]:
        """What content/ may not hold, and caches git must not track (validate and the build)."""
        return scan_content(self.root / CONTENT, CONTENT, policy.site_pages).problems + cache.tracked(self.root)


@dataclass
class ContentScan:
    """content/ as the gate sees it: its regular files and what it refuses."""

    files: list[str]  # docs-relative paths of regular files reached without a symbolic link
    problems: list[Problem]


_REVIEW_STATUS = re.compile(rb"^review_status[ \t]*:", re.M)


def scan_content(docs: Path, shown: str, site_pages: tuple[str, ...] | list[str]) -> ContentScan:
    """Walk `docs` without following any link: every symbolic link and every special file
    (device, FIFO, socket) is refused (E115), and every Markdown page outside articles/
    that the policy's `site_pages` does not name is refused (E114). `shown` is how `docs`
    is named in messages, e.g. `content`."""
    files: list[str] = []
    problems: list[Problem] = []
    allowed = set(site_pages)
    for folder, dirs, names in os.walk(docs):  # os.walk never descends into a linked folder
        dirs.sort()
        base = Path(folder)
        rel_folder = base.relative_to(docs).as_posix()
        for name in sorted(dirs) + sorted(names):
            path = base / name
            rel = name if rel_folder == "." else f"{rel_folder}/{name}"
            where = f"{shown}/{rel}"
            try:
                mode = os.lstat(path).st_mode
            except OSError as exc:
                problems.append(Problem(where, 1, 1, "E100", f"cannot read {where}: {exc.strerror}"))
                continue
            if stat.S_ISLNK(mode):
                target = _link_target(path)
                problems.append(
                    Problem(
                        where,
                        1,
                        1,
                        "E115",
                        f"{where} is a symbolic link (to {target}); nothing under {shown}/ is published "
                        "through a link: commit the file itself, or remove the link",
                    )
                )
            elif stat.S_ISDIR(mode):
                continue
            elif not stat.S_ISREG(mode):
                problems.append(
                    Problem(
                        where,
                        1,
                        1,
                        "E115",
                        f"{where} is not a regular file (a device, pipe or socket); remove it from {shown}/",
                    )
                )
            else:
                files.append(rel)
                if site_files.is_markdown(rel) and not site_files.is_article(rel):
                    if rel not in allowed:
                        problems.append(_unlisted_page(path, where, rel))
                    else:  # a site page is published as written: nothing in it a reader cannot see
                        text = (read_regular(path, MAX_FILE_BYTES) or b"").decode("utf-8", errors="replace")
                        problems.extend(visible_text.in_text(where, text))
    return ContentScan(files, problems)


def _unlisted_page(path: Path, where: str, rel: str) -> Problem:
    head = read_regular(path, 64_000) or b""
    if head.startswith(b"---") and _REVIEW_STATUS.search(head):
        return Problem(
            where,
            1,
            1,
            "E114",
            f"{where} has `review_status`: it looks like an article, but articles live in "
            "content/articles/; move it there (it is not published from here)",
        )
    return Problem(
        where,
        1,
        1,
        "E114",
        f"{where} is a page outside content/articles/ that the policy does not list, so it is "
        f"never published; add `{rel}` to the `site_pages` option of the editorial plugin in "
        "mkdocs.yml (a change the board approves), or remove the file",
    )


def _link_target(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def read_regular(path: Path, limit: int) -> bytes | None:
    """At most `limit` bytes of a regular file, never through a link; None if it cannot be read."""
    try:
        return open_regular(path, limit)
    except OSError:
        return None


class NotRegular(OSError):
    """The path names a device, a pipe or a socket: never read (it could block or never end)."""


def read_no_follow(path: Path, shown: str) -> Source:
    """The file at `path` (named `shown` in problems): never through a final link, never a special
    file, never more than an article may hold (the loader reports a file over the limit)."""
    try:
        data = open_regular(path, MAX_FILE_BYTES + 1)  # never read a huge file whole
    except NotRegular:
        return Source(
            shown,
            None,
            Problem(shown, 1, 1, "E115", f"{shown} is not a regular file (a device, pipe or socket); remove it"),
        )
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return Source(
                shown,
                None,
                Problem(
                    shown,
                    1,
                    1,
                    "E103",
                    f"{shown} is a symbolic link (to {_link_target(path)}); commit the article itself, not a link",
                ),
            )
        return Source(shown, None, Problem(shown, 1, 1, "E100", f"cannot read {shown}: {exc.strerror}"))
    return Source(shown, data)


def open_regular(path: Path, limit: int) -> bytes:
    """At most `limit` bytes of the regular file at `path`. Never follows a final symbolic
    link (OSError ELOOP), never opens a FIFO blocking, never reads a device (NotRegular)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegular(errno.EINVAL, "not a regular file")
        with os.fdopen(fd, "rb") as handle:
            fd = -1
            # a buffer of the file's size, not of the limit (100 MB for every page the audit reads);
            # a file that grew since fstat is read on, up to the limit
            data = handle.read(min(limit, info.st_size + 1))
            if len(data) > info.st_size and len(data) < limit:
                data += handle.read(limit - len(data))
            return data
    finally:
        if fd >= 0:
            os.close(fd)


def read_capped(path: Path, limit: int) -> bytes:
    """At most `limit` bytes of the file at `path` (a file named on the command line)."""
    fd = os.open(path, os.O_RDONLY)
    with os.fdopen(fd, "rb") as handle:
        return handle.read(limit)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace the file at `path` with `data` in one step: never a half-written file, and
    nothing already there (a link the branch planted) is written through. The file keeps its
    mode (and git its x bit)."""
    # a fresh, unguessable name (O_EXCL), so nothing already there is written through
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".editorial-", suffix=".tmp")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    try:
        mode = os.stat(path, follow_symlinks=False).st_mode & 0o7777
    except FileNotFoundError:  # a new file: the usual mode
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(temporary, mode)
    os.replace(temporary, path)


def option_line(config_path: Path, name: str) -> int:
    """The line of mkdocs.yml where an option of the plugin is written (1 if not found)."""
    try:
        lines = config_path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    pattern = re.compile(rf"^\s*{re.escape(name)}\s*:")
    return next((n for n, line in enumerate(lines, 1) if pattern.match(line)), 1)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False


class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml may hold tags like !ENV or !!python/name: that only MkDocs resolves."""


_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def plugin_options(config_path: Path) -> tuple[dict[str, Any], int]:
    """The `editorial` plugin's options and the line they start on."""
    try:
        text = config_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise WorkspaceError(f"cannot read {config_path.name}: {exc}") from None
    return plugin_options_from_text(text, config_path.name)


def plugin_options_from_text(text: str, name: str = CONFIG) -> tuple[dict[str, Any], int]:
    """The same, from the text of a config (e.g. as git holds it at some commit)."""
    config = config_from_text(text, name)
    line = next(
        (n for n, text_line in enumerate(text.splitlines(), 1) if text_line.strip().startswith("- editorial")), 1
    )
    for entry in config.get("plugins") or []:
        if entry == "editorial":
            return {}, line
        if isinstance(entry, dict) and "editorial" in entry:
            return dict(entry["editorial"] or {}), line
    if isinstance(config.get("plugins"), dict) and "editorial" in config["plugins"]:
        return dict(config["plugins"]["editorial"] or {}), line
    return {}, line


def config_from_text(text: str, name: str = CONFIG) -> dict[str, Any]:
    """mkdocs.yml's settings, from its text; WorkspaceError when it cannot be read."""
    try:
        config = yaml.load(text, Loader=_ConfigLoader) or {}
    except yaml.YAMLError as exc:
        raise WorkspaceError(f"cannot read {name}: {' '.join(str(exc).split())}") from None
    except RecursionError:
        raise WorkspaceError(f"cannot read {name}: it nests far deeper than a configuration does") from None
    except ValueError as exc:  # e.g. an integer of more digits than Python reads
        raise WorkspaceError(f"cannot read {name}: a value it holds cannot be read ({exc})") from None
    if not isinstance(config, dict):
        raise WorkspaceError(f"cannot read {name}: it is not a YAML mapping")
    return config


_SHA_OPTION = re.compile(
    r"^(?P<lead>[ \t]+retractions_sha256[ \t]*:[ \t]*)(?P<q>[\"']?)[0-9a-fA-F]*(?P=q)(?P<rest>[ \t]*(?:#.*)?)$"
)
_PATH_OPTION = re.compile(r"^(?P<indent>[ \t]+)retractions[ \t]*:")


def pin_snapshot(text: str, sha256: str) -> str:
    """mkdocs.yml's text with the editorial plugin's `retractions_sha256` set to `sha256`:
    that one value replaced, or one line added after `retractions:`; nothing else changed.
    Read back to prove it; a WorkspaceError (nothing written) when the file is written in
    a form this cannot edit safely."""
    lines = text.splitlines(keepends=True)
    before, _ = plugin_options_from_text(text)
    edited = None
    for number, line in enumerate(lines):
        body = line.rstrip("\r\n")
        match = _SHA_OPTION.match(body)
        if match:
            lines[number] = f"{match['lead']}{match['q']}{sha256}{match['q']}{match['rest']}" + line[len(body) :]
            edited = "".join(lines)
            break
    if edited is None:
        for number, line in enumerate(lines):
            match = _PATH_OPTION.match(line)
            if match:
                ending = "\r\n" if line.endswith("\r\n") else "\n"
                lines.insert(number + 1, f"{match['indent']}retractions_sha256: {sha256}{ending}")
                edited = "".join(lines)
                break
    wanted = {**before, "retractions_sha256": sha256}
    if edited is None or plugin_options_from_text(edited)[0] != wanted:
        raise WorkspaceError(
            f"cannot pin the snapshot in {CONFIG} safely; set `retractions_sha256: {sha256}` "
            "under the editorial plugin's options by hand"
        )
    return edited
