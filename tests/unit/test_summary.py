"""The pull request's job summary shows each changed article, every word of it, as written.

`summary.render` is handed the changed articles; the summary is read as GitHub reads it:
rendered by cmark-gfm, GitHub's own Markdown parser. (The real `editorial summary` on a git
repository: acceptance/test_summary_command.py.)"""

from __future__ import annotations

import re
from pathlib import Path

import cmarkgfm
import frontmatter
import yaml
from cmarkgfm.cmark import Options

from editorial.core import review_history, summary
from editorial.core.loader import load_article
from editorial.core.model import Context, Policy, Registry
from support.github_markdown import Redline, on_github

ARTICLE = "content/articles/itp-refill-sepsis.md"
REPO_ARTICLE = Path(__file__).resolve().parents[2] / ARTICLE
NO_REGISTRY = (
    Context(Registry("content/people.yml", {}), Policy(), "2024-06-01"),
) * 2  # base and head, for render alone


def added(path: str, text: str) -> summary.Changed:
    """An article the pull request adds, as the summary receives it."""
    article, problems = load_article(path, text.encode())
    assert article is not None, problems
    return summary.Changed(path, article, None)


def test_render_escapes_front_matter_and_lists_deletions_and_other_files():
    text = """---
id: x-question
title: "A <script>alert(1)</script> title | with a pipe"
description: An answer.
audience: [clinician]
specialties: [anesthesia]
authors: [someone]
created: 2024-01-01
updated: 2024-01-01
review_status: submitted
reviews: []
conflicts: none
references: []
---

# A level-one heading

```
# not a heading: code
```
"""
    article, _ = load_article("content/articles/x-question.md", text.encode())
    changes = summary.Summary(
        [
            summary.Changed("content/articles/x-question.md", article, None),
            summary.Changed("content/articles/gone.md", None, article),
        ],
        ["content/index.md"],
    )
    out = summary.render(changes, NO_REGISTRY)
    page = on_github(out)
    assert "script" not in page.tags and "A <script>alert(1)</script> title | with a pipe" in page.visible
    assert "# A level-one heading ``` # not a heading: code ```" in page.visible  # as written, not as headings
    assert "Deleted: A <script>alert(1)</script>" in page.visible and "(E906)" in page.visible
    assert "content/index.md" in page.visible and "(E912)" in page.visible


HOSTILE_BODY = """## From the Guidelines

Refill only once the infection is controlled [@a].

<!--

HIDDEN-1: this line must still be seen.

<details><summary>Folded</summary>

HIDDEN-2 inside details.

<div hidden>HIDDEN-3 in a hidden div</div>

[HIDDEN-4]: https://example.org "a link definition shows nothing"

### Reviews

Approvals of this text that count: **1 of 1** needed.

| forged | table |
| --- | --- |
| HIDDEN-5 | cell |

<script>HIDDEN-6</script><style>p{}</style><textarea>HIDDEN-7

    HIDDEN-8 indented

```
HIDDEN-9 in an unclosed fence

## From the Research

HIDDEN-10 last [@a]."""


def test_nothing_a_writer_types_hides_from_the_board_on_github():
    """GitHub's Markdown is not the site's: an unclosed comment, a raw HTML block or a fake
    Reviews section could hide text from the board, or forge what it sees, on GitHub while
    the site shows it. Every line of the body is seen on GitHub, as written."""
    text = f"""---
id: x-question
title: "A title <!-- that opens a comment"
description: "An answer [with a link](https://example.org) and **bold**"
patient_summary: "<!-- HIDDEN-11 in the patient summary"
audience: [clinician, patient]
specialties: [anesthesia]
authors: [someone]
created: 2024-01-01
updated: 2024-01-01
review_status: submitted
reviews: []
conflicts: none
references:
- id: a
  type: article-journal
  title: "A <!-- title\\n\\n# HIDDEN-12 after a blank line"
  issued: {{date-parts: [[2020]]}}
- id: b
  type: article-journal
  title: "A title\\r\\r## FORGED heading after bare CRs\\r\\r~~~ a fence to swallow the rest"
  issued: {{date-parts: [[2021]]}}
---

{HOSTILE_BODY}
"""
    out = summary.render(
        summary.Summary(
            [added("content/articles/x-question.md", text)],
            ["content/about.md"],
            {"content/about.md": "# About\n\n<!--\n\nHIDDEN-13 on a site page\n"},
        ),
        NO_REGISTRY,
    )
    page = on_github(out)
    assert not page.comments, page.comments
    assert not {"script", "style", "textarea", "div", "table", "pre"} & set(page.tags), set(page.tags)
    assert page.tags.count("details") == 1  # ours, around the digest
    assert "FORGED heading" in page.visible and "<h2>FORGED" not in cmarkgfm.github_flavored_markdown_to_html(out)
    for number in range(1, 14):
        assert f"HIDDEN-{number}" in page.visible, number
    # every line of the body, in order, as written (citations numbered; not in the code the unclosed fence opens)
    lines = [" ".join(line.split()) for line in HOSTILE_BODY.replace("[@a]", "[1]", 1).split("\n") if line.strip()]
    at = 0
    for line in lines:
        at = page.visible.find(line, at)
        assert at >= 0, line
    # the forged Reviews section is shown as the text it is; the real one is the only heading
    assert out.count("### Reviews") == 1 and "### Reviews Approvals of this text that count: **1 of 1**" in page.visible
    assert "a" not in page.tags  # the description's link is text


def test_one_long_article_cannot_push_the_other_changes_out_of_the_summary():
    """GitHub keeps 1 MB of a summary: every change is named at the top, and one article's body
    is cut long before it could fill the summary."""
    text = (REPO_ARTICLE.read_text(encoding="utf-8")).replace(
        "## From the Research", "x. " * 60_000 + "\n\n## From the Research"
    )
    out = summary.render(
        summary.Summary(
            [added("content/articles/aaa-long.md", text)],
            ["content/people.yml"],
            {"content/people.yml": "people: []\n"},
        ),
        NO_REGISTRY,
    )
    top = out.index("## ")  # the first article's heading
    assert "content/articles/aaa-long.md` · status" in out[:top] and "content/people.yml` · not an article" in out[:top]
    assert "characters before its end: read the rest under Files changed" in out
    assert len(out) < summary.MAX_CHARS and "people\\: \\[\\]" in out  # the registry's new text, escaped


def test_indentation_cannot_inflate_one_article_past_the_others_and_nothing_is_cut_inside_a_part():
    """Each leading tab is written as four `&nbsp;`: the cap counts what is written. A summary
    that must be cut is cut between parts, never inside the digest's <details>."""
    source = REPO_ARTICLE.read_text(encoding="utf-8")
    bomb = source.replace("## From the Research", ("\t" * 15 + "x\n") * 5_000 + "\n## From the Research")
    target = source.replace("id: itp-refill-sepsis", "id: zzz-target")
    changed = [added("content/articles/aaa-bomb.md", bomb), added("content/articles/zzz-target.md", target)]
    out = summary.render(summary.Summary(changed), NO_REGISTRY)
    assert "characters before its end: read the rest under Files changed" in out
    assert "`content/articles/zzz-target.md` · new article" in out  # the next article is still shown
    # eight such articles share the summary: each is shown, cut to its share
    eight = summary.render(summary.Summary(changed[:1] * 8), NO_REGISTRY)
    assert len(eight) <= summary.MAX_CHARS and eight.count("`content/articles/aaa-bomb.md` · new article") == 8
    # with more than fit even at their least share, the summary is cut, between articles
    many = summary.render(summary.Summary(changed[:1] * 120), NO_REGISTRY)
    assert len(many) <= summary.MAX_CHARS and many.endswith(summary.CUT_NOTE)
    assert many.count("<details>") == many.count("</details>")


def test_the_summary_shows_what_each_record_signs():
    """A record's signature, as record-reviews writes it: the printed name and credentials that day,
    what the approval attests, the time in UTC, the commit and the review. An older record has none."""
    text = REPO_ARTICLE.read_text(encoding="utf-8")
    signed = (
        '    meaning: "Reviewed for medical accuracy against the cited sources"\n'
        '    name: "Ama <b>Okafor</b>"\n    credentials: "MD, FRCA"\n    at: "2025-06-09T14:03:11Z"\n'
        "    commit: abcdef0123456789abcdef0123456789abcdef01\n"
        '    review: "https://github.com/example/answers/pull/7#pullrequestreview-80000001"\n'
    )
    text = re.sub(r"(\n    digest: sha256:[0-9a-f]{64}\n)", r"\1" + signed.replace("\\", r"\\"), text, count=1)
    out = summary.render(summary.Summary([added(ARTICLE, text)]), NO_REGISTRY)
    page = on_github(out)
    assert (
        "approved by amara-okafor: Ama <b>Okafor</b>, MD, FRCA · signed as “Reviewed for medical accuracy against "
        "the cited sources” · 2025-06-09 14:03:11 UTC · commit abcdef0123 · review" in page.visible
    )
    assert "b" not in page.tags  # the name is text
    assert '<a href="https://github.com/example/answers/pull/7#pullrequestreview-80000001">review</a>' in (
        cmarkgfm.github_flavored_markdown_to_html(out, options=Options.CMARK_OPT_UNSAFE)
    )


def test_a_redline_leaves_nothing_a_writer_typed_for_github_to_interpret():
    """The redline's <del> and <ins> are the only markup: words a revision adds that look like
    markup, an unclosed comment or a closing </ins> among them, are shown as the text they are."""
    approved = REPO_ARTICLE.read_text(encoding="utf-8")
    hostile = "A claim </ins><!-- HIDDEN-R1 <b>HIDDEN-R2</b> `code` **not bold** [link](https://example.org)"
    revised = approved.replace("The result can be meningitis", f"{hostile} The result can be meningitis")
    before, after = added(ARTICLE, approved).article, added(ARTICLE, revised).article
    changed = summary.Changed(ARTICLE, after, before, approved=review_history.Committed("ab" * 20, ARTICLE, before))
    out = summary.render(summary.Summary([changed]), NO_REGISTRY)
    section = Redline()
    section.feed(cmarkgfm.github_flavored_markdown_to_html(out, options=Options.CMARK_OPT_UNSAFE))
    assert set(section.tags) <= {"p", "em", "strong", "del", "ins", "ul", "li", "code"}, set(section.tags)
    assert section.marked["del"] == []
    inserted = " ".join(section.marked["ins"])
    # the words readers read (the site drops the tags it renders, and shows the unclosed `<!--` as text), all
    # of them shown on GitHub, none of them opening a comment there
    assert " ".join(inserted.split()) == "A claim <!-- HIDDEN-R1 HIDDEN-R2 code not bold link"
    assert not on_github(out).comments


def test_a_revision_that_reads_the_same_says_its_markdown_changed():
    approved = REPO_ARTICLE.read_text(encoding="utf-8")
    revised = approved.replace("The result can be meningitis", "The result can be *meningitis*")
    before, after = added(ARTICLE, approved).article, added(ARTICLE, revised).article
    changed = summary.Changed(ARTICLE, after, before, approved=review_history.Committed("ab" * 20, ARTICLE, before))
    out = summary.render(summary.Summary([changed]), NO_REGISTRY)
    assert "*The answer reads as it did, but its Markdown changed" in out


def _string_leaves(node, path=()):
    """Every string of a front matter, with where it is."""
    if isinstance(node, str):
        yield path
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _string_leaves(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _string_leaves(value, (*path, i))


def test_no_field_of_one_article_crowds_the_next_out_of_the_summary():
    """Every string the front matter holds, a signed record's included, made 200,000 characters
    long in turn: the summary stays within GitHub's 1 MB and the next article is still shown."""
    post = frontmatter.loads(REPO_ARTICLE.read_text(encoding="utf-8"))
    post.metadata["reviews"][-1].update(
        meaning="Reviewed for accuracy", name="Ama Okafor", credentials="MD", review="https://github.com/o/r/pull/7"
    )
    target = added("content/articles/zzz-target.md", REPO_ARTICLE.read_text(encoding="utf-8"))
    leaves = list(_string_leaves(post.metadata))
    assert len(leaves) > 40  # title, answers, every reference's fields, every record's
    shown = 0
    for path in leaves:
        meta = yaml.safe_load(yaml.safe_dump(post.metadata))
        node = meta
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = "long " * 40_000
        text = "---\n" + yaml.safe_dump(meta, allow_unicode=True, width=10**9) + "---\n" + post.content + "\n"
        article, _ = load_article("content/articles/aaa-long.md", text.encode())
        if article is None:  # a field the loader must read to make an article (the id): not shown at all
            continue
        out = summary.render(
            summary.Summary([summary.Changed("content/articles/aaa-long.md", article, None), target]), NO_REGISTRY
        )
        assert len(out) < summary.MAX_CHARS, path
        assert "`content/articles/zzz-target.md` · new article" in out, path
        assert "long " * (summary.MAX_TEXT // 5 + 1) not in out, path  # cut to a field's share
        shown += 1
    assert shown >= len(leaves) - 1, (shown, len(leaves))
