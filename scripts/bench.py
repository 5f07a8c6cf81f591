"""Benchmark of issue 7: validate, check-transitions and the site build at 1,000-10,000 articles.

    python scripts/bench.py                 # 1,000, 5,000 and 10,000 articles (takes a while)
    python scripts/bench.py --sizes 1000    # one size
    python scripts/bench.py --quick         # 200 articles, to see that it runs

Every figure is a real command run as a subprocess (`editorial validate`, `editorial
check-transitions`, `mkdocs build`) on a generated corpus in a temporary git repository:
half of the articles approved with valid digests, reviewers from a generated registry.
All names and references in the generated corpus are fictional benchmark data.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from editorial.digest import content_digest  # noqa: E402

SPECIALTIES = ["anesthesia", "infectious-disease", "critical-care", "neurology", "cardiology", "pain-medicine", "nephrology", "pediatrics"]
WORDS = ("the patient dose infusion pump catheter infection culture fever blood review guideline therapy risk benefit trial "
         "evidence outcome team care monitoring treatment agent response clinical follow plan early late common rare "
         "adult child source control pressure fluid reservoir needle aseptic technique cover removal salvage case series").split()
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
        people.append({"id": f"writer-{i:02d}", "name": f"Writer {i:02d}", "credentials": "PharmD", "roles": ["writer"],
                       "specialties": [SPECIALTIES[i % len(SPECIALTIES)]], "github": f"bench-writer-{i:02d}", "since": "2020-01-01"})
    for i in range(BOARD):
        people.append({"id": f"board-{i:02d}", "name": f"Board Member {i:02d}", "credentials": "MD", "roles": ["board"],
                       "specialties": [SPECIALTIES[i % len(SPECIALTIES)]], "github": f"bench-board-{i:02d}", "since": "2020-01-01"})
    return "# Fictional benchmark registry\n" + yaml.safe_dump({"people": people}, sort_keys=False)


def article(index: int, rng: random.Random, today: dt.date, approved: bool) -> tuple[str, str]:
    """(file stem, file text) of one generated article."""
    slug = f"bench-question-{index:05d}"
    n_refs = rng.randint(3, 8)
    n_guidelines = rng.randint(1, n_refs - 1)
    refs = []
    for r in range(n_refs):
        kind = "guideline" if r < n_guidelines else "research"
        refs.append({
            "id": f"ref{index}x{r}", "evidence": kind, "type": "article-journal",
            "title": f"Fictional benchmark {kind} {r} for question {index}",
            "author": [{"family": "Example", "given": "A."}, {"family": "Sample", "given": "B."}],
            "container-title": "Journal of Benchmark Data", "issued": {"date-parts": [[2000 + rng.randint(0, 24), rng.randint(1, 12)]]},
            "volume": str(rng.randint(1, 90)), "page": f"{rng.randint(1, 500)}-{rng.randint(501, 999)}",
            "DOI": f"10.5555/bench.{index}.{r}",
        })
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
    meta.update({
        "audience": ["clinician", "patient"] if patient else ["clinician"],
        "specialties": sorted(set(rng.sample(SPECIALTIES, rng.randint(1, 3)))),
        "authors": [author],
        "created": created.isoformat(),
        "updated": updated.isoformat(),
        "conflicts": "none",
        "references": refs,
    })
    digest = content_digest(meta, body_text)
    if approved:
        reviewed = today - dt.timedelta(days=rng.randint(1, 300))
        review = {"reviewer": f"board-{rng.randrange(BOARD):02d}", "decision": "approved", "date": reviewed.isoformat(), "digest": digest}
        workflow = {"review_status": "approved", "reviews": [review], "next_review": (reviewed + dt.timedelta(days=365)).isoformat()}
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
    for extra in ("overrides",):
        if (ROOT / extra).is_dir():
            shutil.copytree(ROOT / extra, repo / extra)
    for page in (ROOT / "content").glob("*.md"):
        shutil.copy(page, repo / "content" / page.name)
    (repo / "content" / "people.yml").write_text(registry_yaml(), encoding="utf-8")
    approved = []
    for i in range(size):
        is_approved = i % 2 == 0
        slug, text = article(i, rng, today, is_approved)
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
