"""sanitize.py: the allowlist behind the html_safety rule.

Unit tests feed it HTML directly; the build tests put an article whose body is full of
script through a real `mkdocs build` with the html_safety rule switched off (a bypass of
the validator) and prove that the published page carries none of it, and that the same
build without the sanitiser would have published it (so the test can fail)."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest
import yaml

from editorial.core import rules, sanitize
from editorial.core.rules import html_safety
from gate_content import GUIDELINES, article
from site_html import REPO, copy_project, parse

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


# -- unit tests -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dirty, gone",
    [
        ("<p>a<script>alert(1)</script>b</p>", "<script"),
        ("<p>a<script>alert(1)</script>b</p>", "alert"),
        ('<img src="x.png" onerror="alert(1)">', "onerror"),
        ('<a href="javascript:alert(1)">x</a>', "javascript"),
        ('<a href="JaVaScRiPt&colon;alert(1)">x</a>', "alert"),
        ('<a href="&#106;avascript:alert(1)">x</a>', "alert"),
        ('<a href=" java\tscript:alert(1)">x</a>', "alert"),
        ('<a href="data:text/html,<script>1</script>">x</a>', "data:"),
        ('<img src="data:image/svg+xml;base64,AAAA">', "data:"),
        ('<iframe src="https://example.org"></iframe>', "iframe"),
        ('<svg onload="alert(1)"></svg>', "svg"),
        ("<style>p{}</style>", "style"),
        ('<form action="/x"><input name="a"></form>', "form"),
        ('<object data="x.swf"></object><embed src="x">', "object"),
        ('<p style="background:url(javascript:alert(1))">x</p>', "style"),
        ('<a href="https://example.org" target="_blank">x</a>', "target"),
        ("<!-- review_status: approved -->", "review_status"),
        ('<base href="https://evil.example/">', "base"),
        ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', "refresh"),
    ],
)
def test_dangerous_html_is_removed(dirty, gone):
    assert gone.lower() not in sanitize.article_html(dirty).lower()


def test_text_around_removed_markup_stays():
    assert sanitize.article_html("<p>before<script>x()</script>after</p>") == "<p>beforeafter</p>"


class _TagsIgnored(yaml.SafeLoader):
    """mkdocs.yml's `!ENV [...]` (site_url) is MkDocs' to resolve; this test reads the extensions only."""


_TagsIgnored.add_multi_constructor("!", lambda loader, suffix, node: None)


def _render(text: str) -> str:
    """Markdown with the extensions of mkdocs.yml, as MkDocs renders a page body."""
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_TagsIgnored)
    extensions, configs = [], {}
    for entry in config["markdown_extensions"]:
        name, options = next(iter(entry.items())) if isinstance(entry, dict) else (entry, {})
        extensions.append(name)
        configs[name] = options or {}
    return markdown.markdown(text, extensions=extensions, extension_configs=configs)


RICH = """\
## From the Guidelines

Text with a citation<sup class="citation"><a href="#ref-evans2021">1</a></sup> and a footnote[^1].
An *emphasis*, **strong**, `code`, an HTML abbreviation and a [link](https://doi.org/10.1/x "Title").

| Drug | Dose |
|:-----|-----:|
| a    | 1 mg |

!!! warning "Careful"
    An admonition.

??? note "More"
    A details block.

```python
def dose(weight):
    return weight * 2
```

![A chart](img/chart.png){: width="300" }

1. one
2. two

> A quotation.

*[HTML]: HyperText Markup Language

[^1]: The footnote.
"""


def test_what_our_markdown_produces_survives_unchanged():
    """Tables, admonitions, details, footnotes, abbreviations, permalinks, highlighted
    code, images and citation superscripts: the same elements and attributes after."""
    import html as htmlmod

    rendered = _render(RICH)
    clean = sanitize.article_html(rendered)

    def shape(text):
        return [
            (n.tag, {k: v for k, v in n.attrs.items() if k != "style"}) for n in parse(htmlmod.unescape(text)).iter()
        ]

    assert shape(clean) == shape(rendered)
    for needle in (
        'class="admonition warning"',
        "<details",
        '<sup id="fnref:1">',
        'class="footnote-backref"',
        '<abbr title="HyperText Markup Language">',
        'class="headerlink"',
        '<span class="k">def</span>',
        '<sup class="citation"><a href="#ref-evans2021">1</a></sup>',
        'width="300"',
        'style="text-align:right"',
    ):
        assert needle in clean, needle


def test_a_body_cannot_claim_an_id_the_page_owns():
    """mkdocs-material reads its settings from the first `#__config` in the page: an approved
    body's `{: #__config }` came before the theme's own. The template's ids are the page's too."""
    body = _render(
        '{"base": "https://evil.example/"}\n{: #__config }\n\n## Question\n\n## From the Research {: #__drawer }'
        '\n\n<p id="Editorial-trust">x</p>\n\n## References\n\n## Medical disclaimer\n\n## When to refer\n'
    )
    assert 'id="__config"' in body and 'id="question"' in body  # what Markdown made of it
    ids = re.findall(r'id="([^"]*)"', sanitize.article_html(body))
    assert ids == ["when-to-refer"], ids
    for raw in (
        '<p id="&#95;_config">a</p>',
        "<p id='__config'>a</p>",
        "<p ID=__Config>a</p>",
        '<p id=" question">a</p>',
    ):
        assert sanitize.article_html(raw) == "<p>a</p>", raw


def test_a_body_keeps_only_the_classes_and_ids_markdown_gives_it():
    """A theme class (`md-consent__inner` is a fixed layer over the whole page, disclaimer
    included) or an id that is a script's global name (`window.PagefindUI`) is dropped; what
    our Markdown makes is kept."""
    dirty = (
        '<div class="md-consent__inner">cover</div><p id="PagefindUI">a</p><p id="document$">b</p>'
        '<p class="editorial-sr-only admonition">c</p>'
    )
    assert sanitize.article_html(dirty) == '<div>cover</div><p>a</p><p>b</p><p class="admonition">c</p>'
    kept = (
        '<div class="admonition warning"><p class="admonition-title">W</p></div>'
        '<div class="language-python highlight"><pre><code><span class="k">def</span></code></pre></div>'
        '<h2 id="from-the-guidelines">G</h2><sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>'
        '<ol class="editorial-references__list"><li id="ref-Evans2021" value="1">E</li></ol>'
    )
    assert sanitize.article_html(kept) == kept


def test_no_class_or_id_the_theme_hides_can_hide_approved_words():
    """The theme hides `.headerlink` and `.footnote-backref` (they show on hover, or as an arrow)
    and an `a[id]` in highlighted code: only Markdown's own such links keep them."""
    own = _render("## From the Guidelines\n\nText[^1].\n\n[^1]: A note.\n")
    assert sanitize.article_html(own).count('class="headerlink"') == 1
    assert sanitize.article_html(own).count('class="footnote-backref"') == 1
    words = (
        '<p>Do <span class="footnote-backref">not</span> refill. Dose <span class="headerlink">NOT</span>. Give '
        '<span class="highlight"><code><a id="hid-x">no</a></code></span>. '
        '<a class="headerlink" href="#x" title="Permanent link">HIDDEN</a></p>'
    )
    clean = sanitize.article_html(own + words)
    assert clean.count('class="headerlink"') == 1 and clean.count('class="footnote-backref"') == 1
    assert "<span>not</span>" in clean and "<span>NOT</span>" in clean and "<a>no</a>" in clean
    assert '<a title="Permanent link" href="#x">HIDDEN</a>' in clean


def test_no_nesting_shrinks_words_out_of_sight_and_no_attribute_changes_what_is_heard_or_read():
    """Nested <small>, <sub> or <code> (each drawn smaller; an unclosed <code> is re-opened for
    all that follows) made approved words 1.7 px high; `dir` reordered "0.5 – 5"; `aria-label`
    and `role` had a screen reader hear another dose than the page shows."""
    assert sanitize.article_html("<p>A " + "<small>" * 10 + "dose" + "</small>" * 10 + "</p>") == "<p>A dose</p>"
    assert sanitize.article_html("<p>x " + "<sub>" * 12 + "tiny" + "</sub>" * 12 + "</p>") == "<p>x <sub>tiny</sub></p>"
    unclosed = "<p>T " + "".join(f'<code title="n{i}">' for i in range(12)) + "X</p><h2>Medical disclaimer</h2>"
    assert sanitize.article_html(unclosed).count("<code") == 2  # one level, in each block it was re-opened in
    assert (
        sanitize.article_html(
            '<p dir="rtl" role="img" aria-label="Safe dose is 100 mg" aria-hidden="true">Safe dose is 10 mg</p>'
        )
        == "<p>Safe dose is 10 mg</p>"
    )
    single = (
        '<p>H<sub>2</sub>O, x<sup>2</sup>, <code>a</code><sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a>'
        "</sup></p>"
    )
    assert sanitize.article_html(single) == single


def test_sanitising_twice_changes_nothing():
    once = sanitize.article_html(_render(RICH) + HOSTILE_BODY)
    assert sanitize.article_html(once) == once


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
    from gate_content import rebind

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
    from conftest import run_cli

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
    from gate_content import rebind

    (project / "content" / "articles" / "sanitise-bypass.md").write_text(rebind(text), encoding="utf-8")
    body = _body(_build(project, monkeypatch, sanitise=True))
    for word in ("zqtcover", "zqtheader", "zqtglobal", "zqtconfig", "zqtrtl", "zqtsmall", "zqtcode"):
        assert word in body.text(), word
    found = []
    # the citation links' names are the plugin's own, written after the sanitiser (citations.fill)
    ours = {id(a) for sup in body.find_all("sup", class_="citation") for a in sup.find_all("a")}
    assert ours
    for node in body.iter():
        if id(node) in ours and re.fullmatch(r"Reference \d+: .+", node.attrs.get("aria-label", "")):
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
