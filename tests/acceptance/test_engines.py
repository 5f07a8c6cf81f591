"""No engine can publish a draft: the gate survives its engine (issue 22).

mkdocs.yml's docs_dir is a committed placeholder page; the editorial plugin judges content/ and
points the engine at a fresh folder of the pages it chose. So `zensical build` (which runs no
MkDocs plugin) on a fresh clone writes no withheld byte anywhere, `properdocs build` (the
maintained MkDocs 1.x fork) builds the same site as `mkdocs build`, which the audit passes, and
`mkdocs serve` still reloads when a writer edits content/."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from editorial.core.vocabulary import MARKDOWN_SUFFIXES, PLACEHOLDER
from support.cli import run_cli
from support.clock import real_clock
from support.gate_content import APPROVED, WITHHELD, leftovers, make_mixed_project, mkdocs, mkdocs_process, site_bytes
from support.site_html import REPO, copy_project

ENGINES = Path(sys.executable).parent  # the console scripts of the environment the tests run in
PAGES = {"index.md", "about.md", "articles/itp-refill-sepsis.md"} | {f"articles/{slug}.md" for slug in APPROVED}


class _TagsIgnored(yaml.SafeLoader):
    """mkdocs.yml's `!ENV [...]` is MkDocs' to resolve; these tests read plain keys only."""


_TagsIgnored.add_multi_constructor("", lambda loader, suffix, node: None)


def _config(project: Path) -> dict:
    return yaml.load((project / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_TagsIgnored)


def _set_docs_dir(project: Path, value: str) -> None:
    config = project / "mkdocs.yml"
    text = re.sub(r"^docs_dir: .*$", f"docs_dir: {value}", config.read_text(encoding="utf-8"), flags=re.M)
    config.write_text(text, encoding="utf-8")


def test_the_configuration_points_every_engine_at_the_placeholder():
    assert _config(REPO)["docs_dir"] == PLACEHOLDER
    folder = REPO / PLACEHOLDER
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) == ["index.md"]
    text = (folder / "index.md").read_text(encoding="utf-8")
    assert "run `mkdocs build`" in text and "placeholder" in text


@pytest.mark.build
@pytest.mark.slow
@pytest.mark.parametrize("docs_dir", ["content", "content/articles"])
def test_a_docs_dir_that_is_or_holds_content_stops_the_build(tmp_path: Path, docs_dir: str):
    project = copy_project(tmp_path / "project")
    _set_docs_dir(project, docs_dir)
    line = next(n for n, text in enumerate((project / "mkdocs.yml").read_text().splitlines(), 1) if "docs_dir" in text)
    done = mkdocs(project, "build")
    assert done.returncode == 1
    assert f"mkdocs.yml:{line}:1: E971 `docs_dir` is {docs_dir}, which is or holds content/" in done.stderr
    assert "Traceback" not in done.stderr and not (project / "site").exists()


class _Recorder:
    """What MkDocs walks as its docs_dir, recorded as it builds (the real get_files, called through)."""

    def __init__(self, monkeypatch):
        import mkdocs.commands.build as engine

        self.original = engine.get_files
        self.seen: list[tuple[Path, dict[str, tuple[int, int]]]] = []
        monkeypatch.setattr(engine, "get_files", self)

    def __call__(self, config):
        files = self.original(config)
        found = {f.src_uri: os.stat(f.abs_src_path) for f in files}  # (device, inode): which file it is
        self.seen.append((Path(config.docs_dir), {src: (s.st_dev, s.st_ino) for src, s in found.items()}))
        return files


@pytest.mark.build
@pytest.mark.slow
def test_the_engine_reads_the_approved_pages_only_hard_linked_beside_the_site(tmp_path: Path, monkeypatch):
    project = make_mixed_project(tmp_path / "project")
    recorder = _Recorder(monkeypatch)
    done = mkdocs(project, "build")
    assert done.returncode == 0, done.stderr
    [(docs_dir, files)] = recorder.seen
    assert docs_dir.parent == project and docs_dir.name.startswith(".site.staging-")  # never content/
    assert set(files) == PAGES  # approved articles and the site pages: no draft, no registry, no image
    for src_uri, identity in files.items():
        source = os.stat(project / "content" / src_uri)
        assert identity == (source.st_dev, source.st_ino), src_uri  # a hard link: no second copy
    assert not docs_dir.exists() and leftovers(project) == []  # removed with the build
    # what the writer reads names the source, never the staged folder
    assert "withheld content/articles/gate-zqxsubmitted.md" in done.stderr and ".staging-" not in done.stderr
    site = site_bytes(project / "site")
    assert "articles/img/shared.png" in site  # a content file a published page uses is still published


@pytest.mark.build
@pytest.mark.slow
def test_a_preview_stages_its_drafts_outside_the_project_and_removes_them(tmp_path: Path, monkeypatch):
    project = make_mixed_project(tmp_path / "project")
    recorder = _Recorder(monkeypatch)
    done = mkdocs(project, "build", env={"EDITORIAL_PREVIEW": "1"})
    assert done.returncode == 0, done.stderr
    [(docs_dir, files)] = recorder.seen
    assert docs_dir.parent == Path(tempfile.gettempdir()) and not docs_dir.is_relative_to(project)
    assert {"articles/gate-zqxsubmitted.md", "articles/septic-shock-first-hour.md"} <= set(files)  # a preview's
    assert not [src for src in files if not src.endswith(MARKDOWN_SUFFIXES)]  # still no data file, no image
    assert not docs_dir.exists() and leftovers(project) == []
    assert sorted(p.name for p in (project / PLACEHOLDER).iterdir()) == ["index.md"]  # left as committed


# -- ProperDocs: the maintained MkDocs 1.x fork runs the plugin -----------------------------------


@pytest.mark.build
@pytest.mark.slow
def test_properdocs_builds_the_site_mkdocs_builds_and_the_audit_passes_it(tmp_path: Path):
    by_mkdocs = make_mixed_project(tmp_path / "mkdocs")
    by_properdocs = make_mixed_project(tmp_path / "properdocs")
    assert mkdocs_process(by_mkdocs, "build", "-q").returncode == 0
    env = {k: v for k, v in os.environ.items() if k != "EDITORIAL_PREVIEW"}
    done = subprocess.run(
        [sys.executable, "-m", "properdocs", "build", "-f", "mkdocs.yml"],
        cwd=by_properdocs,
        env={**env, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "editorial: 3 article(s) published" in done.stderr  # the plugin ran, under ProperDocs
    code, out, err = run_cli("audit", "site", cwd=by_properdocs)
    assert code == 0, out + err
    theirs, ours = site_bytes(by_properdocs / "site"), site_bytes(by_mkdocs / "site")
    pages = {rel for rel in ours if rel.endswith(".html")}
    assert len(pages) > 10 and {rel for rel in theirs if rel.endswith(".html")} == pages
    assert set(theirs) == set(ours)  # the same files: theme, search index, feed
    for rel, data in theirs.items():
        for marker in WITHHELD:
            assert marker.encode() not in data.lower(), (marker, rel)
    assert leftovers(by_properdocs) == []


# -- Zensical: reads mkdocs.yml, runs no MkDocs plugin ------------------------------------------------


def _tree(root: Path) -> dict[str, bytes]:
    """Every regular file under `root`, by relative path (links not followed)."""
    found = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def _withheld_needles(project: Path) -> list[bytes]:
    """Bytes no engine may write: the draft markers, the sample drafts' titles, the registry's
    GitHub logins and its text."""
    needles = [marker.encode() for marker in WITHHELD]
    for path in (project / "content" / "articles").glob("*.md"):
        text = path.read_text(encoding="utf-8")
        if not re.search(r"^review_status: approved$", text, re.M):
            needles.append(re.search(r"^title: (.*)$", text, re.M).group(1).encode().lower())
    registry = (project / "content" / "people.yml").read_text(encoding="utf-8")
    needles += [login.lower().encode() for login in re.findall(r"^\s+github: (\S+)$", registry, re.M)]
    needles.append(b"sample data: every person below is fictional")
    return needles


def _zensical(clone: Path, home: Path) -> tuple[subprocess.CompletedProcess, dict[str, bytes]]:
    """`zensical build` in `clone`, as a new user runs it; (the process, every file it wrote or
    changed in the clone, its home and its temporary folder)."""
    for folder in (home, home / "tmp"):
        folder.mkdir(parents=True, exist_ok=True)
    before = _tree(clone)
    env = {"PATH": f"{ENGINES}:/usr/bin:/bin", "HOME": str(home), "TMPDIR": str(home / "tmp"), "LANG": "C.UTF-8"}
    done = subprocess.run(
        [str(ENGINES / "zensical"), "build"], cwd=clone, env=env, capture_output=True, text=True, timeout=300
    )
    after = _tree(clone)
    written = {f"clone/{rel}": data for rel, data in after.items() if before.get(rel) != data}
    written |= {f"home/{rel}": data for rel, data in _tree(home).items()}
    return done, written


def _leaks(written: dict[str, bytes], needles: list[bytes]) -> list[tuple[str, str]]:
    return [(rel, n.decode()) for rel, data in written.items() for n in needles if n in data.lower()]


@pytest.mark.build
@pytest.mark.git
@pytest.mark.slow
def test_zensical_on_a_fresh_clone_writes_no_withheld_byte_anywhere(tmp_path: Path):
    origin = make_mixed_project(tmp_path / "origin")
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], cwd=origin, check=True)
    subprocess.run([*git, "add", "-A"], cwd=origin, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "the project, drafts and all"], cwd=origin, check=True)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(origin), str(clone)], check=True)
    needles = _withheld_needles(clone)
    held = b"".join(data.lower() for data in _tree(clone / "content").values())
    assert all(needle in held for needle in needles)  # the clone holds every draft and the registry

    done, written = _zensical(clone, tmp_path / "home")
    assert b"This folder is a placeholder" in written.get("clone/site/index.html", b""), done.stdout + done.stderr
    assert _leaks(written, needles) == []
    assert not [rel for rel in written if rel.endswith(("people.yml", ".md"))]

    # the control: the same engine on the old configuration (docs_dir: content) publishes them all
    old = tmp_path / "old"
    shutil.copytree(clone, old)
    shutil.rmtree(old / "site")
    shutil.rmtree(old / ".cache", ignore_errors=True)
    _set_docs_dir(old, "content")
    _, leaked = _zensical(old, tmp_path / "home-old")
    found = {needle for _, needle in _leaks(leaked, needles)}
    assert {"zqxsubmitted", "aokafor-sample"} <= found and "clone/site/people.yml" in leaked


# -- mkdocs serve: a writer's live preview ------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, server: subprocess.Popen, wanted: str = "", timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    html = ""
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"mkdocs serve exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                html = response.read().decode("utf-8")
            if wanted in html:
                return html
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"mkdocs serve did not show {wanted!r} at {url} within {timeout} s")


@pytest.mark.build
@pytest.mark.slow
@pytest.mark.parametrize("flags", [[], ["--clean"]], ids=["serve", "serve --clean"])
def test_mkdocs_serve_reloads_an_edit_of_content_and_stages_outside_the_project(tmp_path: Path, flags: list[str]):
    """`mkdocs serve` (a preview) stages in the temporary folder for the session; `--clean` is
    a public build each time (MkDocs tells the plugin it is `build`), staged beside its own site."""
    project = copy_project(tmp_path / "project")
    port = _free_port()
    env = real_clock({k: v for k, v in os.environ.items() if k != "EDITORIAL_PREVIEW"})  # it waits with timeouts
    log = tmp_path / "serve.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", *flags, "-a", f"127.0.0.1:{port}"],
        cwd=project,
        env={**env, "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    staged: list[Path] = []
    try:
        _wait_for(f"http://127.0.0.1:{port}/articles/itp-refill-sepsis/", server, "intrathecal")
        staged = list(Path(tempfile.gettempdir()).glob(f".editorial.staging-{server.pid}-*"))
        if not flags:
            assert len(staged) == 1 and (staged[0] / "articles" / "septic-shock-first-hour.md").is_file()  # drafts
        about = project / "content" / "about.md"
        about.write_text(about.read_text(encoding="utf-8") + "\nZqxservereload was added while serving.\n")
        _wait_for(f"http://127.0.0.1:{port}/about/", server, "Zqxservereload")  # the edit of content/ rebuilt it
        assert leftovers(project) == [] and not (project / "site").exists()
    finally:
        server.send_signal(signal.SIGINT)  # as Ctrl-C: MkDocs shuts down and the plugin cleans up
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert "Traceback" not in log.read_text(), log.read_text()[-3000:]
    assert not [folder for folder in staged if folder.exists()]  # the preview's drafts do not outlive it
