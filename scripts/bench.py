"""Benchmark: validate, check-transitions and the site build at 1,000, 10,000 and 100,000 articles.

    python scripts/bench.py                 # 1,000 and 10,000 articles (takes a while)
    python scripts/bench.py --sizes 100000  # 100,000 articles, on its own (hours on two cores)
    python scripts/bench.py --sizes 1000    # one size
    python scripts/bench.py --quick         # 200 articles, to see that it runs

Every figure is a real command run as a subprocess (`editorial validate`, `editorial
check-transitions`, `mkdocs build`) on a generated corpus in a temporary git repository:
half of the articles approved with valid digests, reviewers from a generated registry. Peak
memory is that of the command's whole process tree (the build's workers and Pagefind too).
All names and references in the generated corpus are fictional benchmark data.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from editorial.core.digest import content_digest  # noqa: E402

SPECIALTIES = [
    "anesthesia",
    "infectious-disease",
    "critical-care",
    "neurology",
    "cardiology",
    "pain-medicine",
    "nephrology",
    "pediatrics",
]
WORDS = """
the patient dose infusion pump catheter infection culture fever blood review guideline therapy
risk benefit trial evidence outcome team care monitoring treatment agent response clinical
follow plan early late common rare adult child source control pressure fluid reservoir needle
aseptic technique cover removal salvage case series
""".split()
EXTRA_SECTIONS = ["Background", "Practical points", "What to tell the patient", "When to refer"]
WRITERS = 20
BOARD = 10


# -- the generated corpus -----------------------------------------------------------------
def _sentence(rng: random.Random, cite: str = "") -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(10, 22))]
    words[0] = words[0].capitalize()
    return " ".join(words) + (f" [{cite}]" if cite else "") + "."


def _paragraph(rng: random.Random, cites: list[str]) -> str:
    sentences = [_sentence(rng) for _ in range(rng.randint(2, 4))]
    sentences.append(_sentence(rng, "; ".join(f"@{c}" for c in cites)))
    # wrap at about 80 columns, as writers do; a citation group stays on one line
    text = " ".join(sentences).replace("; @", ";\x00@")
    lines, line = [], ""
    for word in text.split(" "):
        word = word.replace("\x00", " ")
        if len(line) + len(word) > 78:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def registry_yaml() -> str:
    people = []
    for i in range(WRITERS):
        people.append(
            {
                "id": f"writer-{i:02d}",
                "name": f"Writer {i:02d}",
                "credentials": "PharmD",
                "roles": ["writer"],
                "specialties": [SPECIALTIES[i % len(SPECIALTIES)]],
                "github": f"bench-writer-{i:02d}",
                "since": "2020-01-01",
            }
        )
    for i in range(BOARD):
        people.append(
            {
                "id": f"board-{i:02d}",
                "name": f"Board Member {i:02d}",
                "credentials": "MD",
                "roles": ["board"],
                "specialties": [SPECIALTIES[i % len(SPECIALTIES)]],
                "github": f"bench-board-{i:02d}",
                "since": "2020-01-01",
            }
        )
    return "# Fictional benchmark registry\n" + yaml.safe_dump({"people": people}, sort_keys=False)


SHARED = 0.5  # the share of citations that cite a reference other articles cite too


def shared_pool(size: int) -> int:
    """How many widely cited references a corpus of `size` articles draws on (each cited ~10 times)."""
    return max(16, size // 4)


def _reference(ref_id: str, kind: str, title: str, seed: str) -> dict:
    rng = random.Random(seed)  # the same reference reads the same in every article that cites it
    return {
        "id": ref_id,
        "evidence": kind,
        "type": "article-journal",
        "title": title,
        "author": [{"family": "Example", "given": "A."}, {"family": "Sample", "given": "B."}],
        "container-title": "Journal of Benchmark Data",
        "issued": {"date-parts": [[2000 + rng.randint(0, 24), rng.randint(1, 12)]]},
        "volume": str(rng.randint(1, 90)),
        "page": f"{rng.randint(1, 500)}-{rng.randint(501, 999)}",
        "DOI": f"10.5555/bench.{seed}",
    }


def article(index: int, rng: random.Random, today: dt.date, approved: bool, shared: int) -> tuple[str, str]:
    """(file stem, file text) of one generated article. About SHARED of its references come
    from a pool of `shared` references that many articles cite (guidelines, landmark trials),
    as in a real corpus; the rest are its own."""
    slug = f"bench-question-{index:05d}"
    n_refs = rng.randint(3, 8)
    n_guidelines = rng.randint(1, n_refs - 1)
    common = iter(rng.sample(range(shared), n_refs))
    refs = []
    for r in range(n_refs):
        kind = "guideline" if r < n_guidelines else "research"
        if rng.random() < SHARED:
            n = next(common)
            refs.append(_reference(f"shared{n}", kind, f"Fictional benchmark {kind} {n} cited widely", f"shared.{n}"))
        else:
            refs.append(
                _reference(
                    f"ref{index}x{r}", kind, f"Fictional benchmark {kind} {r} for question {index}", f"{index}.{r}"
                )
            )
    guideline_ids = [r["id"] for r in refs if r["evidence"] == "guideline"]
    research_ids = [r["id"] for r in refs if r["evidence"] == "research"]
    body = ["", "## From the Guidelines", ""]
    body += [_paragraph(rng, guideline_ids[i::2]) + "\n" for i in range(min(2, len(guideline_ids)))]
    body += ["## From the Research", ""]
    body += [f"- {_sentence(rng, '@' + rid)}" for rid in research_ids]
    body.append("")
    for title in EXTRA_SECTIONS[: rng.randint(0, 4)]:
        body += [f"## {title}", "", _paragraph(rng, [rng.choice(guideline_ids)]), ""]
    body_text = "\n".join(body)

    created = today - dt.timedelta(days=rng.randint(400, 900))
    updated = created + dt.timedelta(days=rng.randint(0, 30))
    author = f"writer-{rng.randrange(WRITERS):02d}"
    patient = rng.random() < 0.3
    meta = {
        "id": slug,
        "title": f"Benchmark question {index}: can the pump be refilled during infection?",
        "description": "A generated answer for the benchmark. " + _sentence(rng),
    }
    if patient:
        meta["patient_summary"] = "Your care team will wait until the infection is gone. They will keep the pump clean."
    meta.update(
        {
            "audience": ["clinician", "patient"] if patient else ["clinician"],
            "specialties": sorted(set(rng.sample(SPECIALTIES, rng.randint(1, 3)))),
            "authors": [author],
            "created": created.isoformat(),
            "updated": updated.isoformat(),
            "conflicts": "none",
            "references": refs,
        }
    )
    digest = content_digest(meta, body_text)
    if approved:
        reviewed = today - dt.timedelta(days=rng.randint(1, 300))
        review = {
            "reviewer": f"board-{rng.randrange(BOARD):02d}",
            "decision": "approved",
            "date": reviewed.isoformat(),
            "digest": digest,
        }
        workflow = {
            "review_status": "approved",
            "reviews": [review],
            "next_review": (reviewed + dt.timedelta(days=365)).isoformat(),
        }
    else:
        workflow = {"review_status": rng.choice(["submitted", "under_review"]), "reviews": []}
    # workflow fields sit where writers put them, between the dates and the references
    ordered = {}
    for key, value in meta.items():
        if key == "conflicts":
            ordered.update(workflow)
        ordered[key] = value
    front = yaml.dump(ordered, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return slug, f"---\n{front}---\n{body_text}"


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    pass


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def make_project(repo: Path, size: int, seed: int = 7) -> list[str]:
    """A git repository with the project's mkdocs.yml and overrides and `size` articles; the approved slugs."""
    rng = random.Random(seed)
    today = dt.date.today()
    (repo / "content" / "articles").mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", repo / "mkdocs.yml")
    for extra in ("overrides", "placeholder"):  # placeholder/: mkdocs.yml's docs_dir (the plugin stages the pages)
        if (ROOT / extra).is_dir():
            shutil.copytree(ROOT / extra, repo / extra)
    for entry in (ROOT / "content").iterdir():  # the site's own pages and assets, not its articles
        if entry.name in ("articles", "people.yml"):
            continue
        (shutil.copytree if entry.is_dir() else shutil.copy)(entry, repo / "content" / entry.name)
    (repo / "content" / "people.yml").write_text(registry_yaml(), encoding="utf-8")
    approved = []
    for i in range(size):
        is_approved = i % 2 == 0
        slug, text = article(i, rng, today, is_approved, shared_pool(size))
        (repo / "content" / "articles" / f"{slug}.md").write_text(text, encoding="utf-8")
        if is_approved:
            approved.append(slug)
    (repo / ".gitignore").write_text("site/\n.cache/\n", encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "bench@example.invalid")
    git(repo, "config", "user.name", "Benchmark")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "generated corpus")
    return approved


def make_pull_request(repo: Path, size: int) -> None:
    """Branch `pr`: 3 commits touching 10 articles (edits, a review start, new articles)."""
    rng = random.Random(11)
    today = dt.date.today()
    git(repo, "checkout", "-q", "-b", "pr")
    pending = [f"bench-question-{i:05d}" for i in range(1, size, 2)][:7]  # odd indexes are not approved
    for slug in pending[:4]:
        path = repo / "content" / "articles" / f"{slug}.md"
        path.write_text(path.read_text(encoding="utf-8") + "\nOne more sentence from the writer.\n", encoding="utf-8")
    git(repo, "commit", "-qam", "writer edits")
    for slug in pending[4:]:
        path = repo / "content" / "articles" / f"{slug}.md"
        text = path.read_text(encoding="utf-8")
        if "review_status: submitted" in text:  # a review starts, or changes were requested
            text = text.replace("review_status: submitted", "review_status: under_review")
        else:
            text = text.replace("review_status: under_review", "review_status: submitted")
        path.write_text(text, encoding="utf-8")
    git(repo, "commit", "-qam", "review states move")
    for n in range(3):
        slug, text = article(size + n, rng, today, approved=False, shared=shared_pool(size))
        text = text.replace("review_status: under_review", "review_status: submitted")
        (repo / "content" / "articles" / f"{slug}.md").write_text(text, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "three new questions")


def make_plain_project(repo: Path, plain: Path, approved: list[str]) -> None:
    """The same approved pages, theme and Markdown extensions; mkdocs-material alone."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from editorial.workspace import _ConfigLoader

    config = yaml.load((repo / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_ConfigLoader)
    # mkdocs-material's own search plugin, as a plain site has it (MkDocs enables it when `plugins`
    # is not set): both sites are searchable, this one with its lunr index, ours with Pagefind
    config["plugins"] = ["search"]
    config.get("theme", {}).pop("custom_dir", None)  # the editorial templates need the plugin
    config.pop("extra_css", None)
    config.pop("extra_javascript", None)
    config["strict"] = False
    config["docs_dir"] = "content"  # no editorial plugin to stage the pages: MkDocs reads them itself
    # As the editorial plugin does, keep articles out of the nav (reached from index pages
    # and search): a 5,000-entry nav rendered into every page would be the plain build's
    # own quadratic step, and make the comparison flatter us.
    config["nav"] = [{"Home": "index.md"}]
    config["not_in_nav"] = "/articles/"
    (plain / "content" / "articles").mkdir(parents=True)
    (plain / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    (plain / "content" / "index.md").write_text("# Plain build\n", encoding="utf-8")
    for slug in approved:
        shutil.copy(repo / "content" / "articles" / f"{slug}.md", plain / "content" / "articles" / f"{slug}.md")


# -- measuring -------------------------------------------------------------------------
@dataclass
class Run:
    seconds: float | None  # None: not run ("n/a")
    peak_mb: float | None = None
    ok: bool = True
    note: str = ""
    at_peak: dict[str, float] = field(default_factory=dict)  # MB of each kind of process at the peak


def _tree(root: int) -> list[int]:
    """The process `root` and every process below it (from /proc: each process's parent)."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                stat = Path(f"/proc/{name}/stat").read_text()
            except OSError:
                continue
            parent = int(stat[stat.rfind(")") + 2 :].split()[1])
            children.setdefault(parent, []).append(int(name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _pss_kb(pid: int) -> int:
    """A process's proportional set size: its own pages, and its share of those it shares
    (a forked worker's pages inherited from the build are counted once over the two)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def measure(cmd: list[str], cwd: Path, env: dict | None = None) -> Run:
    """Wall time and peak memory of one command with every process it starts (the build's
    workers, Pagefind): the sum of their proportional set sizes, sampled every SAMPLE seconds."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    with tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err, text=True)
        peak, at_peak = 0, {}
        can_sample = Path(f"/proc/{proc.pid}/smaps_rollup").exists()
        while proc.poll() is None:
            if can_sample:
                sizes = [(_role(pid, proc.pid), _pss_kb(pid)) for pid in _tree(proc.pid)]
                if sum(kb for _, kb in sizes) > peak:
                    peak, at_peak = sum(kb for _, kb in sizes), {}
                    for role, kb in sizes:
                        at_peak[role] = at_peak.get(role, 0) + kb / 1024
            time.sleep(SAMPLE)
        seconds = time.perf_counter() - start
        err.seek(0)
        tail = err.read().strip().splitlines()[-1:] or [""]
    note = f"exit {proc.returncode}: {tail[0][:200]}"
    return Run(seconds, peak / 1024 if peak else None, proc.returncode in (0, 1), note, at_peak)


SAMPLE = 0.1  # seconds between memory samples
# What each process of a build is, by the name the editorial workers give themselves (workers.pool)
ROLES = {
    "editorial-audit": "the audit worker",
    "editorial-refs": "the references worker",
    "editorial-work": "the workers on both cores",
    "editorial-hash": "the audit's needles builder",
}


def _role(pid: int, root: int) -> str:
    if pid == root:
        return "the build"
    try:
        comm = Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "other"
    return ROLES.get(comm, "Pagefind" if "pagefind" in comm else comm)


def site_size(site: Path) -> tuple[int, int]:
    """(bytes, files) of a built site."""
    total = count = 0
    for folder, _, names in os.walk(site):
        for name in names:
            total += os.lstat(os.path.join(folder, name)).st_size
            count += 1
    return total, count


FRONTMATTER_ALONE = """
import os, sys, frontmatter
for folder, _, files in os.walk(sys.argv[1]):
    for name in files:
        if name.endswith('.md'):
            with open(os.path.join(folder, name), encoding='utf-8') as handle:
                frontmatter.loads(handle.read())
"""


def _best(tries: list[Run]) -> Run:
    """The fastest of several runs of one command, with the highest peak memory seen."""
    ok = [t for t in tries if t.ok and t.seconds is not None] or tries
    best = min(ok, key=lambda t: t.seconds if t.seconds is not None else float("inf"))
    peaked = max((t for t in tries if t.peak_mb is not None), key=lambda t: t.peak_mb or 0, default=None)
    return Run(
        best.seconds,
        peaked.peak_mb if peaked else None,
        all(t.ok for t in tries),
        best.note,
        peaked.at_peak if peaked else {},
    )


def at_peak(results: dict[int, dict[str, Run]], name: str = "build_cold") -> str:
    """Each kind of process at the highest memory of `name`, at every size: where the peak is."""
    lines = []
    for size in sorted(results):
        parts = sorted(results[size][name].at_peak.items(), key=lambda kv: -kv[1])
        if parts:
            lines.append(f"- {size:,} articles: " + ", ".join(f"{role} {mb:,.0f} MB" for role, mb in parts))
    return "\n".join(lines)


def has_command(name: str) -> bool:
    return subprocess.run(["editorial", name, "--help"], capture_output=True).returncode == 0


def reference_counts(repo: Path, approved: list[str]) -> tuple[float, float]:
    """(entries in the References lists of the approved pages, distinct references among them)."""
    cited, distinct = 0, set()
    for slug in approved:
        text = (repo / "content" / "articles" / f"{slug}.md").read_text(encoding="utf-8")
        for ref in yaml.load(text.split("---\n", 2)[1], Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))[
            "references"
        ]:
            cited += 1
            distinct.add(ref["DOI"])
    return float(cited), float(len(distinct))


def bench_size(size: int, work: Path, rounds: int = 2) -> dict[str, Run]:
    repo, plain = work / f"corpus-{size}", work / f"plain-{size}"
    print(f"[{size}] generating the corpus ...", file=sys.stderr, flush=True)
    approved = make_project(repo, size)
    make_plain_project(repo, plain, approved)
    cited, distinct = reference_counts(repo, approved)
    runs: dict[str, Run] = {"approved": Run(float(len(approved))), "cited": Run(cited), "distinct": Run(distinct)}
    step = lambda name: print(f"[{size}] {name} ...", file=sys.stderr, flush=True)  # noqa: E731

    # The parse alone and validate without a cache, in turns, each the best of its runs (as the builds below)
    step("python-frontmatter alone and editorial validate without a cache, in turns")
    parses: dict[str, list[Run]] = {"frontmatter": [], "validate_cold": []}
    for _ in range(max(3, rounds)):
        parses["frontmatter"].append(measure([sys.executable, "-c", FRONTMATTER_ALONE, "content/articles"], repo))
        parses["validate_cold"].append(
            measure(["editorial", "validate"], repo, env={"EDITORIAL_CACHE": "off", "CI": ""})
        )
    for name, tries in parses.items():
        runs[name] = _best(tries)
    step("editorial validate with a warm cache")
    shutil.rmtree(repo / ".cache", ignore_errors=True)
    measure(["editorial", "validate"], repo, env={"CI": ""})  # fills the cache, as a writer's first run does
    runs["validate_warm"] = measure(["editorial", "validate"], repo, env={"CI": ""})
    if has_command("check-transitions"):
        step("check-transitions on a 10-article pull request")
        make_pull_request(repo, size)
        runs["transitions"] = measure(["editorial", "check-transitions", "--base", "main", "--head", "pr"], repo)
        git(repo, "checkout", "-q", "main")
    else:
        runs["transitions"] = Run(None, note="editorial check-transitions does not exist yet")
    step("a pull request's preview of one article (EDITORIAL_PREVIEW_ONLY)")
    one = {"EDITORIAL_PREVIEW": "1", "EDITORIAL_PREVIEW_ONLY": "content/articles/bench-question-00001.md"}
    runs["preview_one"] = measure(["mkdocs", "build", "-q", "-d", str(work / f"preview-{size}")], repo, env=one)
    shutil.rmtree(work / f"preview-{size}", ignore_errors=True)
    # The builds run in rounds, each editorial build next to the plain build it is compared
    # with, and each figure is the best of its rounds: a shared machine's slow spells hit
    # single runs minutes apart, not the least disturbed one.
    # The plain build keeps no cache, but its second build first empties the site/ of the
    # first, as a warm editorial build replaces its previous site/: each is compared with its like.
    builds: dict[str, list[Run]] = {"build_cold": [], "plain_first": [], "build_warm": [], "plain": []}
    for round_ in range(1, rounds + 1):
        step(f"mkdocs builds, round {round_} of {rounds}: cold, plain first, warm, plain again")
        shutil.rmtree(repo / ".cache", ignore_errors=True)
        shutil.rmtree(repo / "site", ignore_errors=True)
        shutil.rmtree(plain / "site", ignore_errors=True)
        builds["build_cold"].append(measure(["mkdocs", "build", "-q"], repo))
        builds["plain_first"].append(measure(["mkdocs", "build", "-q"], plain))
        builds["build_warm"].append(measure(["mkdocs", "build", "-q"], repo))
        builds["plain"].append(measure(["mkdocs", "build", "-q"], plain))
    for name, tries in builds.items():
        runs[name] = _best(tries)
    runs["search_download"] = Run(float(search_download(repo / "site")))  # bytes, in the seconds field
    for name, site in (("site", repo / "site"), ("plain_site", plain / "site")):
        size, files = site_size(site)
        runs[f"{name}_bytes"], runs[f"{name}_files"] = Run(float(size)), Run(float(files))
    for name, run in runs.items():
        if not run.ok:
            print(f"[{size}] {name} failed: {run.note}", file=sys.stderr)
    return runs


def search_download(site: Path) -> int:
    """The most a reader downloads for a one-word query (issue 13), as sent over the wire: the
    hosts the guide names compress JavaScript, CSS and JSON (gzip; counted so here), and
    Pagefind's own files are compressed already (counted as they are). mkdocs-material's search
    fetches search/search_index.json whole; Pagefind fetches its program, entry and meta files,
    one index chunk per word and the fragments of the first five results (counted here as the
    largest chunk and the five largest fragments, so the figure is an upper bound)."""
    import gzip

    def sent(path: Path) -> int:
        data = path.read_bytes()
        return len(gzip.compress(data, 6)) if path.suffix in (".js", ".css", ".json") else len(data)

    whole = site / "search" / "search_index.json"
    if whole.is_file():
        return sent(whole)
    bundle = site / "pagefind"
    if not bundle.is_dir():
        return 0
    program = ["pagefind-ui.js", "pagefind-ui.css", "pagefind.js", "pagefind-worker.js", "pagefind-entry.json"]
    total = sum(sent(bundle / name) for name in program if (bundle / name).is_file())
    total += sum(p.stat().st_size for p in bundle.glob("*.pf_meta")) + max(
        (p.stat().st_size for p in bundle.glob("wasm.*.pagefind")), default=0
    )
    total += max((p.stat().st_size for p in (bundle / "index").glob("*.pf_index")), default=0)
    total += sum(sorted((p.stat().st_size for p in (bundle / "fragment").glob("*.pf_fragment")), reverse=True)[:5])
    return total


# -- the table -------------------------------------------------------------------------
def _secs(run: Run | None) -> str:
    if run is None or run.seconds is None:
        return "n/a"
    return f"{run.seconds:.2f} s" + ("" if run.ok else " (failed)")


def _mb(run: Run | None) -> str:
    return "n/a" if run is None or run.peak_mb is None else f"{run.peak_mb:,.0f} MB"


def _ratio(a: Run | None, b: Run | None) -> float | None:
    if a is None or b is None or a.seconds is None or b.seconds is None or not b.seconds:
        return None
    return a.seconds / b.seconds


def _memory_ratio(a: Run | None, b: Run | None) -> float | None:
    if a is None or b is None or not a.peak_mb or not b.peak_mb:
        return None
    return a.peak_mb / b.peak_mb


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.system()}"


def table(results: dict[int, dict[str, Run]]) -> str:
    sizes = sorted(results)
    rows: list[tuple[str, list[str]]] = []

    def row(label, cell):
        rows.append((label, [cell(results[s]) for s in sizes]))

    fmt_ratio = lambda r: "n/a" if r is None else f"{r:.2f}x"  # noqa: E731
    row("approved pages", lambda r: f"{int(r['approved'].seconds):,}")
    row(
        "their references: entries / distinct",
        lambda r: f"{int(r['cited'].seconds):,} / {int(r['distinct'].seconds):,}",
    )
    row("python-frontmatter alone: time", lambda r: _secs(r["frontmatter"]))
    row("editorial validate, no cache (as CI): time", lambda r: _secs(r["validate_cold"]))
    row("editorial validate, no cache: peak memory", lambda r: _mb(r["validate_cold"]))
    row("editorial validate, warm cache (a writer): time", lambda r: _secs(r["validate_warm"]))
    row("editorial validate, warm cache: peak memory", lambda r: _mb(r["validate_warm"]))
    row("validate no cache / python-frontmatter", lambda r: fmt_ratio(_ratio(r["validate_cold"], r["frontmatter"])))
    row("validate warm / python-frontmatter", lambda r: fmt_ratio(_ratio(r["validate_warm"], r["frontmatter"])))
    row("check-transitions, 10 articles in 3 commits", lambda r: _secs(r["transitions"]))
    row("check-transitions: peak memory", lambda r: _mb(r["transitions"]))
    row("mkdocs build, cold: time", lambda r: _secs(r["build_cold"]))
    row("mkdocs build, cold: peak memory", lambda r: _mb(r["build_cold"]))
    row("mkdocs build, warm: time", lambda r: _secs(r["build_warm"]))
    row("mkdocs build, warm: peak memory", lambda r: _mb(r["build_warm"]))
    row("plain mkdocs-material build, first: time", lambda r: _secs(r["plain_first"]))
    row("plain mkdocs-material build, again: time", lambda r: _secs(r["plain"]))
    row("plain mkdocs-material build: peak memory", lambda r: _mb(r["plain"]))
    row("cold build / plain build, first", lambda r: fmt_ratio(_ratio(r["build_cold"], r["plain_first"])))
    row("warm build / plain build, again", lambda r: fmt_ratio(_ratio(r["build_warm"], r["plain"])))
    per_page = lambda r, k: None if r[k].seconds is None else r[k].seconds / max(1, r["approved"].seconds) * 1000  # noqa: E731
    row("preview of one article (EDITORIAL_PREVIEW_ONLY): time", lambda r: _secs(r["preview_one"]))
    row("cold build per approved page", lambda r: f"{per_page(r, 'build_cold'):.1f} ms")
    row("warm build per approved page", lambda r: f"{per_page(r, 'build_warm'):.1f} ms")
    row("plain build per page", lambda r: f"{per_page(r, 'plain'):.1f} ms")
    row("search: download for a one-word query, at most", lambda r: f"{r['search_download'].seconds / 1e3:,.0f} KB")
    row("site: size / files", lambda r: f"{r['site_bytes'].seconds / 1e6:,.0f} MB / {int(r['site_files'].seconds):,}")
    row(
        "plain site: size / files",
        lambda r: f"{r['plain_site_bytes'].seconds / 1e6:,.0f} MB / {int(r['plain_site_files'].seconds):,}",
    )
    row("cold build peak memory / plain's", lambda r: fmt_ratio(_memory_ratio(r["build_cold"], r["plain_first"])))

    head = ["measure"] + [f"{s:,} articles" for s in sizes]
    width = [max(len(head[0]), *(len(label) for label, _ in rows))] + [
        max(len(head[i + 1]), *(len(c[i]) for _, c in rows)) for i in range(len(sizes))
    ]
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, width, strict=True)) + " |"  # noqa: E731
    out = [line(head), "|" + "|".join("-" * (w + 2) for w in width) + "|"]
    out += [line([label, *cells]) for label, cells in rows]
    return "\n".join(out)


def targets(results: dict[int, dict[str, Run]]) -> list[tuple[str, bool | None, str]]:
    """The targets of issue 25 at every size run (and those of issues 7 and 14 that still stand)."""
    found = []

    def target(name, value, limit, shown):
        found.append((name, None if value is None else value <= limit, shown if value is not None else "not measured"))

    x = lambda r: f"{r:.2f}x" if r else ""  # noqa: E731
    for size in sorted(results):
        r_ = results[size]
        at = f"at {size:,}"
        r = _ratio(r_["build_warm"], r_["plain"])
        target(f"warm build at most 1.1x the plain build {at}", r, 1.1, x(r))
        if size >= 10_000:
            r = _ratio(r_["build_cold"], r_["plain_first"])
            target(f"cold build (no cache of any kind) at most 1.5x the plain build {at}", r, 1.5, x(r))
            r = _memory_ratio(r_["build_cold"], r_["plain_first"])
            target(f"cold build peak memory at most 2x the plain build's {at}", r, 2.0, x(r))
        if size <= 10_000:
            r = _ratio(r_["validate_cold"], r_["frontmatter"])
            target(f"validate without a cache at most 1.0x python-frontmatter's parse alone {at}", r, 1.0, x(r))
        target(
            f"check-transitions of the pull request under 1 s {at}",
            r_["transitions"].seconds,
            1.0,
            _secs(r_["transitions"]),
        )
        download = r_["search_download"].seconds
        target(f"one-word search query downloads at most 300 KB {at}", download / 1e3, 300, f"{download / 1e3:,.0f} KB")
        if "preview_one" in r_ and size == 10_000:
            target(f"a one-article preview under 10 s {at}", r_["preview_one"].seconds, 10.0, _secs(r_["preview_one"]))
    return found


# -- issue 15: the Retraction Watch snapshot ----------------------------------------------
RETRACTION_HEADER = (
    "Record ID,Title,Subject,Institution,Journal,Publisher,Country,Author,URLS,ArticleType,RetractionDate,"
    "RetractionDOI,RetractionPubMedID,OriginalPaperDate,OriginalPaperDOI,OriginalPaperPubMedID,RetractionNature,"
    "Reason,Paywalled,Notes"
)
NATURE_MIX = ["Retraction"] * 85 + ["Correction"] * 8 + ["Expression of concern"] * 6 + ["Reinstatement"]


def retraction_csv(rows: int = 65_000, seed: int = 15) -> bytes:
    """A fictional snapshot in the layout of Crossref's retraction_watch.csv, about as large
    per row as the real one (~900 bytes): quoted fields with commas, `;` lists, M/D/YYYY 0:00
    dates, PMIDs of 0, `unavailable` DOIs, a trailing comma at each line end and one row in
    a thousand with invalid UTF-8 in an author's name."""
    import csv
    import io

    rng = random.Random(seed)
    out = io.StringIO()
    out.write(RETRACTION_HEADER + ",\r\n")
    writer = csv.writer(out, lineterminator=",\r\n")
    words = lambda n: " ".join(rng.choice(WORDS) for _ in range(n))  # noqa: E731
    for record in range(1, rows + 1):
        paper = record // 2 if record % 10 == 0 else record  # a tenth of the papers have two notices
        day = lambda: f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/{rng.randint(1995, 2025)} 0:00"  # noqa: E731
        writer.writerow(
            [
                record,
                words(14).capitalize(),
                "(HSC) Medicine - General;(BLS) Biology - Cellular;",
                ";".join(
                    f"Department of {words(2).title()}, Fictional University {rng.randint(1, 999)}, City, Country"
                    for _ in range(rng.randint(1, 4))
                )
                + ";",
                f"Journal of {words(2).title()}",
                "Fictional Publisher",
                "Country;",
                "Auth0r-broken;" * (record % 1000 == 0)
                + ";".join(f"Author {words(1).title()} {i}" for i in range(rng.randint(1, 8))),
                f"https://example.invalid/notice/{record};https://example.invalid/thread/{record}",
                "Research Article;",
                day(),
                f"10.9999/notice.{record}",
                rng.choice(["0", str(20_000_000 + record)]),
                day(),
                rng.choice([f"10.9999/paper.{paper}", f"10.9999/PAPER.{paper}", "unavailable"])
                if rng.random() < 0.1
                else f"10.9999/paper.{paper}",
                rng.choice(["0", str(10_000_000 + paper)]),
                rng.choice(NATURE_MIX),
                "+Concerns/Issues About Data;+Investigation by Journal/Publisher;+Unreliable Results;",
                rng.choice(["No", "Yes"]),
                words(rng.randint(0, 12)),
            ]
        )
    data = out.getvalue().encode("utf-8")
    return data.replace(b"Auth0r-broken", b"Auth\xf6r")  # a Latin-1 byte: not UTF-8


def bench_retractions(rows: int = 65_000, rounds: int = 3) -> int:
    """`--retractions`: what loading the snapshot costs validate and the build (issue 15)."""
    import hashlib

    from editorial.core import retractions

    with tempfile.TemporaryDirectory(prefix="editorial-bench-rw-") as temp:
        path = Path(temp) / "retraction_watch.csv"
        path.write_bytes(retraction_csv(rows))
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            data = path.read_bytes()
            hashlib.sha256(data).hexdigest()
            index = retractions.load(data)
            times.append(time.perf_counter() - start)
        print(f"Machine: {machine()}; {dt.date.today().isoformat()}")
        print(f"snapshot: {path.stat().st_size / 1e6:.1f} MB, {index.summary()}")
        print(
            f"read + SHA-256 + index, best of {rounds}: {min(times):.2f} s (all: "
            f"{', '.join(f'{t:.2f}' for t in times)})"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=lambda t: [int(x) for x in t.split(",")],
        default=[1000, 10000],
        help="comma-separated corpus sizes (default 1000,10000)",
    )
    parser.add_argument("--quick", action="store_true", help="200 articles only, to check that the benchmark runs")
    parser.add_argument(
        "--rounds", type=int, default=2, help="rounds of the four builds; each figure is the best round (default 2)"
    )
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it (default: a temporary folder)")
    parser.add_argument(
        "--retractions",
        type=int,
        nargs="?",
        const=65_000,
        metavar="ROWS",
        help="only time loading a Retraction Watch snapshot of ROWS rows (default 65,000)",
    )
    args = parser.parse_args(argv)
    if args.retractions:
        return bench_retractions(args.retractions)
    sizes = [200] if args.quick else sorted(set(args.sizes))
    # As pip does for an installed package (an editable one is not compiled, and a machine with
    # PYTHONDONTWRITEBYTECODE never keeps it): every command below would compile it again.
    compileall.compile_dir(str(ROOT / "scripts" / "editorial"), quiet=1)
    results: dict[int, dict[str, Run]] = {}
    with tempfile.TemporaryDirectory(prefix="editorial-bench-") as temp:
        work = args.keep or Path(temp)
        work.mkdir(parents=True, exist_ok=True)
        for size in sizes:
            results[size] = bench_size(size, work, 1 if args.quick else max(1, args.rounds))
    print(f"Machine: {machine()}; {dt.date.today().isoformat()}")
    print()
    print(table(results))
    print()
    print("The cold build at its peak memory, by process (each one's proportional set size):")
    print(at_peak(results))
    print()
    print("Targets:")
    for name, met, shown in targets(results):
        verdict = "n/a" if met is None else ("met" if met else "NOT met")
        print(f"- {name}: {verdict} ({shown})")
    for size, runs in results.items():
        for name, run in runs.items():
            if not run.ok:
                print(f"note: at {size:,} articles `{name}` failed: {run.note}")
            elif run.seconds is None:
                print(f"note: `{name}` n/a: {run.note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
