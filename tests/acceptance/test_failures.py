"""Failure: the pipeline loses nothing and never answers "pass" when it cannot know.

- a `mkdocs build` killed with SIGKILL in the middle leaves the previous site/ whole
  (byte for byte) and `editorial audit site` passes on it;
- a full disk (a 1 MB tmpfs) or a read-only folder for the site gives one clear error
  line (E966), no traceback, and the previous site/ unchanged. Mounting needs root: as
  root the test mounts tmpfs file systems (a full one, and one remounted read-only);
  without root it uses a folder without write permission (`chmod 555`), which root
  would ignore;
- check-transitions on a shallow clone missing the base, on a merge commit that
  approves by itself, and on a force-pushed base (base not an ancestor of head) gives
  a clear answer with exit 1 or 2, never exit 0.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support.cli import run_cli
from support.gate_content import article, leftovers, mkdocs, mkdocs_process, site_bytes
from support.site_html import copy_project

GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "T",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "T",
    "GIT_COMMITTER_EMAIL": "t@example.org",
}


def snapshot(site: Path) -> dict[str, str]:
    return {rel: hashlib.sha256(data).hexdigest() for rel, data in site_bytes(site).items()}


def _no_traceback(*texts: str) -> None:
    for text in texts:
        assert "Traceback" not in text, text[-3000:]


# -- a build killed midway ---------------------------------------------------------------------

KILL_ARTICLES = 200  # about 5 s of build on the CI machine: time to be caught in the middle


@pytest.mark.build
@pytest.mark.slow
def test_sigkill_midway_leaves_the_previous_site_whole_and_audited(tmp_path: Path):
    # Only the killed build is large (to be caught in the middle); the builds before and
    # after it publish the sample and one new article, which is all the test needs of them.
    project = copy_project(tmp_path / "project")
    articles = project / "content" / "articles"
    first = mkdocs_process(project, "build", "-q")  # processes: the gate tells a live build by its process id
    assert first.returncode == 0, first.stderr[-3000:]
    before = snapshot(project / "site")
    assert "articles/itp-refill-sepsis/index.html" in before

    for i in range(KILL_ARTICLES):
        (articles / f"kill-{i:04d}.md").write_text(article(f"kill-{i:04d}", f"zqk{i:04d}"), encoding="utf-8")
    (articles / "kill-new.md").write_text(article("kill-new", "zqknewarticle"), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "EDITORIAL_PREVIEW"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "-q"],
        cwd=project,
        env={**env, "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    killed_midway = False
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            building = [p for p in project.iterdir() if p.name.startswith(".site.building-")]
            pages = (
                list((building[0] / "articles").glob("*/index.html"))
                if building and (building[0] / "articles").is_dir()
                else []
            )
            if len(pages) >= 10:  # in the middle of writing the article pages
                os.kill(proc.pid, signal.SIGKILL)
                killed_midway = True
                break
            time.sleep(0.02)
    finally:
        if proc.poll() is None and not killed_midway:
            proc.kill()
        proc.wait(timeout=30)
    assert killed_midway, "the build finished before it could be killed: make the corpus bigger"
    assert proc.returncode == -signal.SIGKILL
    # its workers (the audit's, the references') cannot be stopped by it: they leave by themselves
    deadline = time.monotonic() + 10
    while _processes_in(project) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = _processes_in(project)
    for pid in left:  # never leave one behind: it holds this run's output open
        os.kill(pid, signal.SIGKILL)
    assert not left, "a worker of the killed build is still running"

    assert snapshot(project / "site") == before  # the previous site, byte for byte
    assert not any(b"zqknewarticle" in (project / "site" / rel).read_bytes() for rel in before)
    assert not any(rel.startswith("articles/kill-") for rel in before)
    code, out, err = run_cli("audit", "site", cwd=project)
    _no_traceback(out, err)
    assert code == 0, out + err

    abandoned = [p.name for p in project.iterdir() if p.name.startswith(".site.building-")]
    assert abandoned, "the killed build's work folder is the case this test is about"

    live = project / f".site.building-{os.getpid()}-parallel"  # a build still running (this process)
    live.mkdir()

    # and the next build replaces it whole, with the new article, and removes what the
    # killed build left (its process is gone), not the folder of a build still running
    for i in range(KILL_ARTICLES):
        (articles / f"kill-{i:04d}.md").unlink()
    again = mkdocs_process(project, "build", "-q")
    assert again.returncode == 0, again.stderr[-3000:]
    assert (project / "site" / "articles" / "kill-new" / "index.html").is_file()
    assert leftovers(project) == [live.name]


def _processes_in(folder: Path) -> list[int]:
    """The processes (other than this one) working in `folder`: a build and its workers."""
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) != os.getpid():
            try:
                if Path(f"/proc/{name}/cwd").resolve() == folder.resolve():
                    found.append(int(name))
            except OSError:
                continue
    return found


# -- a full or read-only disk ----------------------------------------------------------------


def _mount_tmpfs(where: Path, size: str, *options: str) -> bool:
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", ",".join((f"size={size}", *options)), "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    return done.returncode == 0


def _umount(where: Path) -> None:
    subprocess.run(["umount", str(where)], capture_output=True)


def _site_in(project: Path, folder: str) -> None:
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("site_dir: site", f"site_dir: {folder}/site", 1), encoding="utf-8"
    )


@pytest.mark.build
@pytest.mark.slow
def test_a_full_disk_gives_a_clear_error_and_leaves_nothing_behind(tmp_path: Path):
    project = copy_project(tmp_path / "project")
    disk = project / "disk"
    if not _mount_tmpfs(disk, "1m"):
        pytest.skip("mounting a tmpfs needs root; the read-only test below covers a site folder that cannot be written")
    try:
        _site_in(project, "disk")
        done = mkdocs(project, "build")
        _no_traceback(done.stdout, done.stderr)
        assert done.returncode == 1
        assert "E966" in done.stderr and "No space left on device" in done.stderr, done.stderr[-2000:]
        assert "disk/" in done.stderr  # it names the file it could not write
        assert list(disk.iterdir()) == []  # the unfinished build was removed, no site/ half written
    finally:
        _umount(disk)


@pytest.mark.build
@pytest.mark.slow
def test_a_read_only_site_folder_gives_a_clear_error_and_keeps_the_previous_site(tmp_path: Path):
    project = copy_project(tmp_path / "project")
    folder = project / "out"
    mounted = _mount_tmpfs(folder, "64m")
    try:
        _site_in(project, "out")
        first = mkdocs(project, "build", "-q")
        assert first.returncode == 0, first.stderr[-3000:]
        before = snapshot(folder / "site")
        assert "index.html" in before
        (project / "content" / "articles" / "ro-new.md").write_text(article("ro-new", "zqreadonly"), encoding="utf-8")
        if mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        else:
            if os.geteuid() == 0:
                pytest.skip("root without mount permission: no way to make a folder read-only for root")
            folder.chmod(0o555)
        done = mkdocs(project, "build")
        _no_traceback(done.stdout, done.stderr)
        assert done.returncode == 1
        assert "E966" in done.stderr and (
            "Read-only file system" in done.stderr or "Permission denied" in done.stderr
        ), done.stderr[-2000:]
        assert snapshot(folder / "site") == before
    finally:
        if mounted:
            _umount(folder)
        elif folder.exists():
            folder.chmod(0o755)


# -- check-transitions when git cannot give a straight answer ---------------------------------


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, env=GIT_ENV, check=True, capture_output=True, text=True
    ).stdout.strip()


def _submitted(slug: str) -> str:
    text = article(slug, "zqgit" + slug.replace("-", ""))
    import re

    text = re.sub(r"reviews:\n(  - .*\n|    .*\n)+", "reviews: []\n", text)
    return text.replace("review_status: approved", "review_status: submitted").replace("next_review: 2027-06-09\n", "")


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    """main: the sample project; branch `pr`: three commits adding an article."""
    repo = copy_project(tmp_path / "origin")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    (repo / "content" / "about.md").write_text(
        (repo / "content" / "about.md").read_text() + "\nA second commit on main.\n", encoding="utf-8"
    )
    _git(repo, "commit", "-qam", "base, second commit")
    _git(repo, "checkout", "-qb", "pr")
    path = repo / "content" / "articles" / "git-question.md"
    path.write_text(_submitted("git-question"), encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "add")
    path.write_text(path.read_text().replace("Is the", "Is really the", 1), encoding="utf-8")
    _git(repo, "commit", "-qam", "edit")
    path.write_text(path.read_text().replace("really ", "", 1), encoding="utf-8")
    _git(repo, "commit", "-qam", "edit back")
    return repo


def _check(repo: Path, *args: str) -> tuple[int, str, str]:
    code, out, err = run_cli("check-transitions", *args, cwd=repo)
    _no_traceback(out, err)
    return code, out, err


@pytest.mark.git
def test_the_fixture_range_itself_passes(origin: Path):
    code, out, err = _check(origin, "--base", "main")
    assert code == 0, out + err


@pytest.mark.git
def test_shallow_clone_missing_the_base_is_refused(origin: Path, tmp_path: Path):
    base_sha = _git(origin, "rev-parse", "main")
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", "--branch", "pr", f"file://{origin}", str(clone)],
        check=True,
        capture_output=True,
    )
    code, out, err = _check(clone, "--base", base_sha)
    assert code == 2, out + err
    assert "shallow" in err and "fetch-depth: 0" in err, err
    # with the base branch fetched shallowly too: the histories do not meet
    subprocess.run(
        ["git", "fetch", "-q", "--depth", "1", "origin", "main:refs/remotes/origin/main"],
        cwd=clone,
        check=True,
        capture_output=True,
    )
    code, out, err = _check(clone, "--base", "origin/main")
    assert code == 2, out + err
    assert "shallow" in err, err


@pytest.mark.git
def test_a_merge_commit_that_approves_by_itself_is_caught(origin: Path):
    _git(origin, "checkout", "-q", "main")
    (origin / "content" / "about.md").write_text(
        (origin / "content" / "about.md").read_text() + "\nMore about us.\n", encoding="utf-8"
    )
    _git(origin, "commit", "-qam", "main moves on")
    _git(origin, "checkout", "-q", "pr")
    _git(origin, "merge", "-q", "--no-commit", "--no-ff", "main")
    path = origin / "content" / "articles" / "git-question.md"
    path.write_text(path.read_text().replace("review_status: submitted", "review_status: approved"), encoding="utf-8")
    _git(origin, "add", "-A")
    _git(origin, "commit", "-qm", "merge main (and approve on the way)")
    code, out, err = _check(origin, "--base", "main")
    assert code == 1, out + err
    assert "content/articles/git-question.md" in out and "E902" in out
    assert "is a merge" in out + err


@pytest.mark.git
def test_a_force_pushed_base_is_never_a_pass(origin: Path):
    """main rewritten after the branch left it: base is not an ancestor of head."""
    _git(origin, "checkout", "-q", "main")
    (origin / "content" / "about.md").write_text("# About\n\nRewritten history.\n", encoding="utf-8")
    _git(origin, "commit", "-q", "--amend", "-am", "base, rewritten")  # what a force-push leaves behind
    _git(origin, "checkout", "-q", "pr")
    code, out, err = _check(origin, "--base", "main")
    assert code in (1, 2), out + err
    assert "ancestor" in (out + err), out + err


@pytest.mark.git
def test_a_base_with_no_shared_history_is_refused(origin: Path, tmp_path: Path):
    _git(origin, "checkout", "-q", "--orphan", "unrelated")
    _git(origin, "commit", "-qm", "a new root")
    _git(origin, "checkout", "-q", "pr")
    code, out, err = _check(origin, "--base", "unrelated")
    assert code == 2, out + err
    assert "share no history" in err, err
