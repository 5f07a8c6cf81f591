"""The sanitiser through a real `mkdocs build`: an article whose body is full of script, built
with the html_safety rule switched off (a bypass of the validator), publishes none of it, and
the same build without the sanitiser would have published it (so the test can fail)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from editorial.core import rules, sanitize
from editorial.core.rules import html_safety
from support.gate_content import GUIDELINES, HOSTILE_BODY, article
from support.site_html import copy_project, parse

# -- through a real build, with the validator bypassed ----------------------------------------


def _build(project: Path, monkeypatch, *, sanitise: bool) -> Path:
    """An in-process `mkdocs build` with the html_safety rule's findings ignored."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    monkeypatch.setenv("EDITORIAL_CACHE", "off")  # no remembered findings, no worker processes
    for name in ("ARTICLE_RULES", "FILE_RULES", "DECIDING_FILE_RULES", "CORPUS_RULES"):
        monkeypatch.setattr(rules, name, tuple(r for r in getattr(rules, name) if r is not html_safety.check))
    if not sanitise:
        monkeypatch.setattr(sanitize, "article_html", lambda html, ours=False: html)
    monkeypatch.chdir(project)
    build(load_config(str(project / "mkdocs.yml")))
    return project / "site"


@pytest.fixture
def bypass_project(tmp_path: Path) -> Path:
    project = copy_project(tmp_path / "project")
    text = article("sanitise-bypass", "zqsbypass").replace(GUIDELINES, GUIDELINES + HOSTILE_BODY + "\n", 1)
    from support.gate_content import rebind

    (project / "content" / "articles" / "sanitise-bypass.md").write_text(rebind(text), encoding="utf-8")
    return project


def _body(site: Path):
    page = parse((site / "articles" / "sanitise-bypass" / "index.html").read_text(encoding="utf-8"))
    body = page.find("div", class_="editorial-body")
    assert body is not None and "zqsbypass" in body.text(), (
        "the bypassing article must be published for the test to mean anything"
    )
    return body


def _script_in(body) -> list[str]:
    found = []
    for node in body.iter():
        if node.tag in ("script", "iframe", "svg", "style", "form", "object", "embed"):
            found.append(node.tag)
        for name, value in node.attrs.items():
            if name.startswith("on"):
                found.append(f"{node.tag}[{name}]")
            if name in ("href", "src", "action") and value.replace(" ", "").lower().startswith(
                ("javascript:", "data:")
            ):
                found.append(f"{node.tag}[{name}={value[:20]}]")
    return found


@pytest.mark.build
@pytest.mark.slow
def test_a_validator_bypass_still_publishes_no_script(bypass_project: Path, monkeypatch):
    site = _build(bypass_project, monkeypatch, sanitise=True)
    body = _body(site)
    assert _script_in(body) == []
    page_text = (site / "articles" / "sanitise-bypass" / "index.html").read_text(encoding="utf-8")
    for marker in ("zqsscript", "zqsframe", "zqsonerror", "zqsjs", "zqsattr"):
        assert marker not in page_text, marker
    assert "one" in body.text() and "six" in body.text()  # the link texts stay, without their scripts


@pytest.mark.build
@pytest.mark.slow
def test_without_the_sanitiser_the_same_bypass_would_publish_script(bypass_project: Path, monkeypatch):
    """The control: proves the build test above can fail."""
    site = _build(bypass_project, monkeypatch, sanitise=False)
    found = _script_in(_body(site))
    assert "script" in found and "img[onerror]" in found and "a[onclick]" in found, found


def test_the_validator_reports_the_same_body(bypass_project: Path):
    """And with the rule on, validate refuses the article at its lines."""
    from support.cli import run_cli

    code, out, err = run_cli("validate", "content/articles/sanitise-bypass.md", cwd=bypass_project)
    assert code == 1, out + err
    codes = {
        line.split(": ")[1].split()[0]
        for line in out.splitlines()
        if line.startswith("content/articles/sanitise-bypass.md:")
    }
    assert {"E801", "E802", "E803"} <= codes, out


TAKEOVER_BODY = """\
<div class="md-consent__inner">zqtcover</div> <span class="headerlink">zqtheader</span>
<p id="PagefindUI">zqtglobal</p>

<p id="__config">zqtconfig</p>

<p><span dir="rtl" aria-label="another dose" role="img">zqtrtl</span> <small><small>zqtsmall</small></small>
<code><code>zqtcode</code></code></p>
"""


@pytest.mark.build
@pytest.mark.slow
def test_markup_that_would_take_over_the_page_is_published_only_as_its_words(tmp_path: Path, monkeypatch):
    """Through a real build, with the validator bypassed: the body's words are on the page, and
    none of the classes, ids, attributes or nesting that hid them or the disclaimer."""
    project = copy_project(tmp_path / "project")
    text = article("sanitise-bypass", "zqsbypass").replace(GUIDELINES, GUIDELINES + TAKEOVER_BODY + "\n", 1)
    from support.gate_content import rebind

    (project / "content" / "articles" / "sanitise-bypass.md").write_text(rebind(text), encoding="utf-8")
    body = _body(_build(project, monkeypatch, sanitise=True))
    for word in ("zqtcover", "zqtheader", "zqtglobal", "zqtconfig", "zqtrtl", "zqtsmall", "zqtcode"):
        assert word in body.text(), word
    found = []
    # the citation links' names are the plugin's own, written after the sanitiser (citations.fill)
    ours = {id(a) for sup in body.find_all("sup", class_="citation") for a in sup.find_all("a")}
    assert ours
    for node in body.iter():
        if id(node) in ours and re.fullmatch(r"Reference \d+(: .+)?", node.attrs.get("aria-label", "")):
            continue
        classes = node.attrs.get("class", "").split()
        found += [f"{node.tag}.{c}" for c in classes if c.startswith("md-") or (c == "headerlink" and node.tag != "a")]
        if node.attrs.get("id") in ("PagefindUI", "__config"):
            found.append(f"{node.tag}#{node.attrs['id']}")
        found += [f"{node.tag}[{a}]" for a in node.attrs if a in ("dir", "role") or a.startswith("aria-")]
        if node.tag == "small":
            found.append("small")
        if node.tag == "code" and any(child.tag == "code" for child in node.iter() if child is not node):
            found.append("code>code")
    assert found == [], found
