"""Helpers for the site tests: build a copy of the sample project with real `mkdocs build`,
and read the HTML it writes with a small stdlib parser (no browser, no regexes on HTML)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def copy_project(dest: Path) -> Path:
    """mkdocs.yml, content/, overrides/ and placeholder/ (mkdocs.yml's docs_dir) of the repository,
    copied to `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(REPO / "placeholder", dest / "placeholder")
    shutil.copytree(REPO / "content", dest / "content")
    shutil.copytree(REPO / "overrides", dest / "overrides")
    return dest


def mkdocs_build(project: Path, *, env: dict | None = None) -> subprocess.CompletedProcess:
    """`mkdocs build` in `project` (into project/site); the completed process."""
    base = {k: v for k, v in os.environ.items() if k != "EDITORIAL_PREVIEW"}  # a public build unless asked
    full_env = {**base, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q"],
        cwd=project,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        """Elements by tag and attributes; `class_` matches one of the element's classes."""
        found = []
        for node in self.iter():
            if tag and node.tag != tag:
                continue
            ok = True
            for name, value in attrs.items():
                if name == "class_":
                    ok = value in node.attrs.get("class", "").split()
                else:
                    ok = node.attrs.get(name.replace("_", "-")) == value
                if not ok:
                    break
            if ok:
                found.append(node)
        return found

    def find(self, tag: str | None = None, **attrs: str) -> Node | None:
        found = self.find_all(tag, **attrs)
        return found[0] if found else None


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v if v is not None else "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):  # tolerate unclosed elements, as browsers do
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def page(site: Path, url: str) -> Node:
    return parse((site / url / "index.html").read_text(encoding="utf-8"))


def approved_articles(project: Path):
    """The sample articles the pipeline's own core judges publishable (and the corpus)."""
    from editorial.workspace import Workspace

    corpus = Workspace(project).corpus()
    return corpus.published(), corpus


def search_fragments(site: Path) -> list[dict]:
    """The pages in the site's search index (Pagefind's fragments: gzip, a signature, JSON):
    each with its `url`, `content` (the text searched) and `meta` (its title)."""
    import gzip
    import json

    found = []
    for path in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        found.append(json.loads(data.removeprefix(b"pagefind_dcd")))
    return found
