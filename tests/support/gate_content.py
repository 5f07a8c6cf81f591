"""Test content for the publish-gate tests: a copy of the sample project plus approved
articles and every kind of unpublishable one, each carrying a unique marker word.

All of it is fictional test data derived from the sample article (same real references);
the marker words exist so that a test can prove no byte of a withheld article reached
the site, by walking every file of it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from editorial.core.loader import load_article
from support.site_html import REPO, copy_project

SAMPLE = (REPO / "content" / "articles" / "itp-refill-sepsis.md").read_text(encoding="utf-8")
GUIDELINES = "## From the Guidelines\n\n"

# An article body full of script, for the sanitiser (each marker word must never be live on a page).
HOSTILE_BODY = """\
<script>window.zqsscript = 1</script>
<iframe src="https://example.org/zqsframe"></iframe>
<img src="chart.png" onerror="alert('zqsonerror')">
<a href="javascript:alert('zqsjs')">one</a> <a href="JaVaScRiPt&colon;alert(1)">two</a>
<a href="data:text/html;base64,PHNjcmlwdD4=">three</a>
<svg onload="alert(1)"><circle r="1"/></svg>
<style>body { display: none }</style>
<form action="https://example.org/steal"><input name="q"></form>

[four](javascript:alert(1)) and ![five](javascript:alert(1)) and
[six](https://example.org){: onclick="alert('zqsattr')" }
"""

# Articles that must be published; their markers must be on the site.
APPROVED = {"gate-approved-one": "zqxapprovedone", "gate-approved-two": "zqxapprovedtwo"}

# marker -> what is wrong; none of these markers may appear anywhere under site/.
WITHHELD = {
    "zqxsubmitted": "review_status: submitted",
    "zqxunderreview": "review_status: under_review",
    "zqxnoreviews": "approved with no reviews",
    "zqxstaledigest": "approved, then edited (stale digest)",
    "zqxbywriter": "approved by a writer",
    "zqxbyauthor": "approved by one of its authors",
    "zqxdeparted": "approved by a departed board member",
    "zqxcapitalised": "review_status: Approved",
    "zqxbrokenyaml": "broken YAML",
    "zqxduplicatekey": "a duplicated review_status key",
    "zqxmarkdownext": "a .markdown file the loader does not read",
    "zqxdraftasset": "an image only a draft uses",
    "zqxdatafile": "a JSON data file under articles/",
    "zqxcsvfile": "a CSV data file at the docs root",
    "zqxrawhtml": "raw HTML under articles/",
    "zqxtagged": "a draft with a tag (tags are not in the schema)",
}


def article(slug: str, marker: str) -> str:
    """An approved article (valid digest) with `marker` in its title and body."""
    text = SAMPLE.replace("id: itp-refill-sepsis", f"id: {slug}", 1)
    text = re.sub(
        r"^title: .*$", f"title: Is the {marker} question answered for a pump refill?", text, count=1, flags=re.M
    )
    text = text.replace(
        GUIDELINES,
        f"{GUIDELINES}The {marker} paragraph is fictional test text for the publish gate and nothing else "
        "[@evans2021].\n\n",
        1,
    )
    return rebind(text)


def rebind(text: str, reviewer: str | None = None) -> str:
    """The same article with every review's digest set to its current digest."""
    if reviewer:
        text = re.sub(r"reviewer: \S+", f"reviewer: {reviewer}", text)
    loaded, problems = load_article("x.md", text.encode())
    assert loaded is not None, problems
    return re.sub(r"digest: sha256:[0-9a-f]{64}", f"digest: {loaded.digest}", text)


def withheld_files(marker: str) -> dict[str, str | bytes]:
    """docs-relative path -> content, for the unpublishable case named by `marker`."""
    slug = f"gate-{marker}"
    base = article(slug, marker)
    path = f"articles/{slug}.md"
    if marker == "zqxsubmitted":  # also the only user of an image, and a user of a shared one
        body = base.replace("review_status: approved", "review_status: submitted")
        body = body.replace(GUIDELINES, f"{GUIDELINES}![chart](img/zqxdraftasset.png)\n\n![shared](img/shared.png)\n\n")
        return {path: body, "articles/img/zqxdraftasset.png": b"\x89PNG fake zqxdraftasset bytes"}
    if marker == "zqxunderreview":
        return {path: base.replace("review_status: approved", "review_status: under_review")}
    if marker == "zqxnoreviews":
        return {path: re.sub(r"reviews:\n(  - .*\n|    .*\n)+", "reviews: []\n", base)}
    if marker == "zqxstaledigest":
        return {path: base.replace(GUIDELINES, f"{GUIDELINES}An edit made after the approval.\n\n")}
    if marker == "zqxbywriter":
        return {path: rebind(base, reviewer="priya-raman")}
    if marker == "zqxbyauthor":
        return {path: rebind(base.replace("authors: [jordan-mills]", "authors: [jordan-mills, amara-okafor]"))}
    if marker == "zqxdeparted":
        return {path: rebind(base, reviewer="helen-marsh")}
    if marker == "zqxcapitalised":
        return {path: base.replace("review_status: approved", "review_status: Approved")}
    if marker == "zqxbrokenyaml":
        return {path: base.replace("audience: [clinician, patient]", "audience: [clinician, patient")}
    if marker == "zqxduplicatekey":
        return {path: base.replace("review_status: approved", "review_status: submitted\nreview_status: approved")}
    if marker == "zqxmarkdownext":
        return {f"articles/{slug}.markdown": base}
    if marker == "zqxdatafile":
        return {"articles/zqxdatafile.json": '{"note": "zqxdatafile"}\n'}
    if marker == "zqxcsvfile":
        return {"zqxcsvfile.csv": "name,value\nzqxcsvfile,1\n"}
    if marker == "zqxrawhtml":
        return {"articles/zqxrawhtml.html": "<html><body>zqxrawhtml</body></html>\n"}
    if marker == "zqxtagged":
        return {path: base.replace("conflicts: none", "conflicts: none\ntags: [zqxtagged]")}
    return {}  # the shared image is made by make_mixed_project


def make_mixed_project(dest: Path, *, extra_config: str = "") -> Path:
    """The sample project plus every case above. Symbolic links are refused outright, so they
    are tried elsewhere (test_adversary.py), on their own."""
    project = copy_project(dest)
    content = project / "content"
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    for line in [line for line in extra_config.splitlines() if line.startswith("site_url:")]:
        config = re.sub(r"^site_url: .*$", line, config, flags=re.M)  # replaced, not repeated (YAML keeps the last)
        extra_config = extra_config.replace(line + "\n", "", 1)
    (project / "mkdocs.yml").write_text(config + extra_config, encoding="utf-8")
    (content / "articles" / "img").mkdir()
    (content / "articles" / "img" / "shared.png").write_bytes(b"\x89PNG fake shared image")
    for slug, marker in APPROVED.items():
        text = article(slug, marker)
        if slug == "gate-approved-one":  # a published user of the shared image
            text = rebind(text.replace(GUIDELINES, f"{GUIDELINES}![shared](img/shared.png)\n\n"))
        (content / "articles" / f"{slug}.md").write_text(text, encoding="utf-8")
    for marker in WITHHELD:
        for rel, data in withheld_files(marker).items():
            target = content / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data if isinstance(data, bytes) else data.encode())
    return project


def mkdocs(project: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`mkdocs ARGS` in `project`, a public build unless `env` asks for a preview: MkDocs's own
    command line (its click command, as `python -m mkdocs` runs it) in this process, which saves
    the second of imports a new process costs. The completed "process" has MkDocs's exit status,
    its stdout and its log on stderr; an exception nothing handled is written to stderr as a
    traceback, as a process would print it. `mkdocs_process` runs a real process."""
    import logging
    import traceback
    import warnings

    from click.testing import CliRunner
    from mkdocs.__main__ import cli

    loggers = [logging.getLogger(name) for name in ("mkdocs", "mkdocs.commands.build")]
    saved = [(lg, list(lg.handlers), list(lg.filters), lg.level, lg.propagate) for lg in loggers]
    showwarning, here = warnings.showwarning, os.getcwd()
    os.chdir(project)
    try:
        environment = {"EDITORIAL_PREVIEW": None, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
        result = CliRunner().invoke(cli, list(args), env=environment)
    finally:
        os.chdir(here)
        warnings.showwarning = showwarning
        # Each run adds a log handler (on its captured stderr) and a duplicate filter that
        # would outlive it; a process starts without them, and so does the next run here.
        for lg, handlers, filters, level, propagate in saved:
            lg.handlers[:], lg.filters[:], lg.level, lg.propagate = handlers, filters, level, propagate
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    return subprocess.CompletedProcess(["mkdocs", *args], result.exit_code, result.stdout, stderr)


def mkdocs_process(
    project: Path, *args: str, env: dict | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """`mkdocs ARGS` in `project` as a process of its own (`python -m mkdocs`), a public build
    unless `env` asks for a preview."""
    base = {k: v for k, v in os.environ.items() if k != "EDITORIAL_PREVIEW"}
    full_env = {**base, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", *args],
        cwd=project,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def site_bytes(site: Path) -> dict[str, bytes]:
    """Every file under `site`, by relative path (symlinks followed: what a web server serves)."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def leftovers(project: Path) -> list[str]:
    """Build folders the gate must never leave behind (the site being built, the old one, the engine's docs)."""
    return sorted(
        p.name
        for p in project.iterdir()
        if p.name.startswith((".site.building-", ".site.old-", ".site.staging-", ".site.needles-"))
    )


# -- the adversary rounds' project: the sample with one approved article and one withheld draft --
APPROVED_ARTICLE = "content/articles/itp-refill-sepsis.md"
DRAFT_ARTICLE = "content/articles/septic-shock-first-hour.md"  # submitted: withheld
# The draft's first sentence, word for word (more than 8 words: any window of it is a leak).
DRAFT_SENTENCE = (
    "Suspected septic shock is a medical emergency, and the international sepsis guidelines recommend that "
    "antimicrobials be given as soon as possible, ideally within an hour of recognition"
)


def sample_project(tmp_path: Path, approved_extra: str | None = None, draft_extra: str | None = None) -> Path:
    """The sample project; `approved_extra` goes under the approved article's first heading (its
    digest rebound, so it stays approved), `draft_extra` before the withheld draft's first heading."""
    project = copy_project(tmp_path / "project")
    if approved_extra is not None:
        text = SAMPLE.replace(GUIDELINES, f"{GUIDELINES}{approved_extra}\n\n", 1)
        (project / APPROVED_ARTICLE).write_text(rebind(text), encoding="utf-8")
    if draft_extra is not None:
        draft = project / DRAFT_ARTICLE
        draft.write_text(draft.read_text(encoding="utf-8").replace("\n## ", f"\n{draft_extra}\n\n## ", 1))
    return project


def leaks(done: subprocess.CompletedProcess) -> list[str]:
    """The build's lines that report withheld text on the site (E953)."""
    return [line for line in done.stderr.splitlines() if "E953" in line]
