"""A second adversarial round against issues 21, 22 and 24, as a hostile contributor who can open a
pull request would try them, with inputs no test tried.

Each test is one attack that the pipeline lets through today, written as a small real reproduction
(a copy of the sample project, real `mkdocs build`, the real `editorial` command, real git
repositories, cmark-gfm as GitHub renders, Chromium where a reader's eyes are the proof). Each
asserts what must happen, so it fails until its class is closed. The people, ids and marker words
are fictional test data; the withheld sentence is the sample draft's own (septic-shock-first-hour.md).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from support.cli import run_cli
from support.gate_content import (
    APPROVED_ARTICLE,
    DRAFT_ARTICLE,
    DRAFT_SENTENCE,
    GUIDELINES,
    SAMPLE,
    leaks,
    mkdocs,
    rebind,
    sample_project,
    site_bytes,
)
from support.github_markdown import Redline
from support.gitrepos import InProcess, codes, run_in
from support.pull_request import PullRequest
from support.repo import article_text
from support.site_html import copy_project

ARTICLE, DRAFT, WITHHELD = APPROVED_ARTICLE, DRAFT_ARTICLE, DRAFT_SENTENCE


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false", *args],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _all_codes(output: str) -> list[str]:
    """Every error code of `editorial validate`'s lines (path:line:column: CODE ...)."""
    return re.findall(r":\d+:\d+: (E\d{3}) ", output)


def _with_about(project: Path, markdown: str) -> None:
    """A site page (listed in the policy's site_pages): it passes validate and the sanitiser, and
    has no review log, so only the audit stands between it and the public site."""
    about = project / "content" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n" + markdown + "\n", encoding="utf-8")


# == 1. Withheld words a reader reads, past the audit ==========================================
# The audit reads a page's text and then reads it once more as markup ("escaped markup inside it
# read once more"). So text a reader sees between angle brackets, written `&lt;...&gt;` or shown
# in code, is taken for a tag and dropped: the audit reads nothing of it, while every reader (and
# Pagefind's index, which the site search shows) has it word for word.

ANGLE_BRACKETS = {
    "escaped-in-text": f"The draft, quoted for the record: &lt;{WITHHELD}&gt;",
    "in-a-code-span": f"The draft, quoted for the record: `<{WITHHELD}>`",
    "in-a-code-block": f"The draft, quoted for the record:\n\n```text\n<{WITHHELD}>\n```",
}


@pytest.mark.slow
@pytest.mark.build
@pytest.mark.parametrize("name", list(ANGLE_BRACKETS))
def test_withheld_words_shown_between_angle_brackets_stop_the_build(tmp_path: Path, name: str):
    project = sample_project(tmp_path)
    _with_about(project, ANGLE_BRACKETS[name])
    assert run_cli("validate", cwd=project)[0] == 0  # a site page that validates
    done = mkdocs(project, "build")
    page = (project / "site" / "about" / "index.html").read_bytes() if done.returncode == 0 else b""
    # what happens today: published, word for word, as text every reader sees (and in the search index)
    assert WITHHELD.encode() not in page, "the about page publishes the withheld sentence in plain sight"
    assert done.returncode != 0 and leaks(done) and DRAFT in done.stderr, done.stderr[-1500:]


# A sentence split between the text of a paragraph and the `alt` of images in it: each piece is
# shorter than the audit's 8-word window, and the audit reads an attribute as a text of its own.
# A screen reader reads them in order as one sentence; an image with no source is drawn as its alt
# text, inline, so every sighted reader reads the sentence too (checked in Chromium below).
_WORDS = WITHHELD.split()
ALT_SPLIT = " ".join(
    " ".join(_WORDS[i : i + 7]) if (i // 7) % 2 == 0 else f'<img alt="{" ".join(_WORDS[i : i + 7])}">'
    for i in range(0, len(_WORDS), 7)
)


@pytest.mark.slow
@pytest.mark.build
@pytest.mark.browser
def test_withheld_words_split_between_text_and_image_alts_stop_the_build(tmp_path: Path):
    from playwright.sync_api import sync_playwright

    from support.browser import ARGS, CHROMIUM, require_browser

    require_browser()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        page.set_content(f"<!doctype html><html><body><p>{ALT_SPLIT}</p></body></html>")
        # what a screen reader reads: the paragraph's text and each image's name, in order
        heard = page.locator("p").aria_snapshot()
        browser.close()
    spoken = " ".join(re.findall(r'(?:text: |img ")([^"\n]+)', heard))
    assert " ".join(spoken.split()) == WITHHELD, heard
    project = sample_project(tmp_path)
    _with_about(project, ALT_SPLIT)
    done = mkdocs(project, "build")
    assert done.returncode != 0, "the about page publishes the withheld sentence, read whole by every reader"
    assert leaks(done) and DRAFT in done.stderr


# == 2. A sentence both articles share stops the build (a false E953) ============================
# The audit reads an approved article's Markdown one way (core/visible.markdown_text) and its page
# as rendered; where they differ, a draft that says the same words makes the approved article's own
# page a "leak" and the build fails, so the approved answer is denied publication for no leak.

SHARED = {
    # Python-Markdown does not let a list interrupt a paragraph: the page shows "1." and "2." as text
    # inside the paragraph, the audit's reading of the Markdown drops them as list markers
    "numbered-lines-under-a-paragraph": (
        "Before a refill in a patient who has been septic, the team should:\n"
        "1. check the culture results and the blood count\n"
        "2. ask the infectious disease team whether the fever has settled",
        "Before a refill the team should (1) check the culture results and the blood count and (2) ask the "
        "infectious disease team whether the fever has settled.",
    ),
    # a numbered list quoted in a blockquote: the page draws the numbers as list markers, the audit's
    # reading keeps them as words (its list-marker rule does not look past `> `)
    "numbered-list-in-a-blockquote": (
        "The guideline's checklist reads:\n\n> 1. check the culture results and the blood count\n"
        "> 2. ask the infectious disease team whether the fever has settled",
        "The guideline's checklist reads: check the culture results and the blood count, then ask the "
        "infectious disease team whether the fever has settled.",
    ),
    # an abbreviation defined inside an admonition: the page takes the definition out (a title on each
    # CSF), the audit's reading leaves it in the flow, between the title and the body
    "abbreviation-defined-in-an-admonition": (
        '!!! warning "Before the refill"\n    *[CSF]: cerebrospinal fluid\n'
        "    Check the culture results, the CSF and the blood count first.",
        "Before the refill check the culture results, the CSF and the blood count first.",
    ),
}


@pytest.mark.slow
@pytest.mark.build
@pytest.mark.parametrize("name", list(SHARED))
def test_sentences_an_approved_and_a_withheld_article_share_never_stop_the_build(tmp_path: Path, name: str):
    approved, draft = SHARED[name]
    project = sample_project(tmp_path, approved, draft)
    done = mkdocs(project, "build")
    assert not leaks(done), done.stderr[-1500:]  # the approved article's own page is no leak
    assert done.returncode == 0, done.stderr[-1500:]


# == 3. The redline misses a change that readers read ==========================================
# The redline compares the text of the rendered page and nothing of its attributes; the summary
# then says "The answer reads as it did, but its Markdown changed (formatting, or something readers
# do not see)". An image with no source is drawn as its alt text, in the line (and a screen reader
# says it); mkdocs.yml's `content.tooltips` shows an abbreviation's expansion on the page.

REDLINE = {
    "alt-text-drawn-in-the-line": (
        'The loading dose for adults is <img alt="15 mg/kg"> once, then the usual dose.',
        "15 mg/kg",
        "150 mg/kg",
    ),
    "abbreviation-shown-as-a-tooltip": (
        "The IT pump delivers the drug where it acts.\n\n*[IT]: intrathecal (into the spinal fluid)",
        "intrathecal (into the spinal fluid)",
        "intravenous (into a vein)",
    ),
}


@pytest.mark.git
@pytest.mark.parametrize("name", list(REDLINE))
def test_the_redline_shows_every_change_a_reader_reads(tmp_path: Path, name: str):
    paragraph, old, new = REDLINE[name]
    project = copy_project(tmp_path / "project")
    path = project / ARTICLE
    path.write_text(rebind(SAMPLE.replace("## From the Research\n\n", f"## From the Research\n\n{paragraph}\n\n", 1)))
    _git(project, "init", "-q", "-b", "main")
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "the approved version")
    _git(project, "checkout", "-q", "-b", "revise")
    assert run_in(project, "start-review", ARTICLE)[0] == 0
    path.write_text(path.read_text().replace(old, new))
    _git(project, "commit", "-q", "-am", "revise")
    code, out, err = run_in(project, "summary", "--base", "main")
    assert code == 0, err
    section = Redline()
    section.feed(cmarkgfm.github_flavored_markdown_to_html(out, options=Options.CMARK_OPT_UNSAFE))
    inserted = " ".join(section.marked["ins"])
    # today: no <del>, no <ins>, and "reads as it did ... something readers do not see"
    assert new.split()[0] in inserted, (section.marked, " ".join("".join(section.text).split())[:600])


# == 4. The bot writes a record that makes the article unapprovable =============================
# A board member's review comment becomes the record's `note`, "plain text that always validates".
# Validate refuses right-to-left characters in every article string (E805); `plain_note` keeps them.
# The log is append-only, so the article can never validate again.

COMMENTS = {
    "a-hebrew-word": "Checked against the guideline; \u05e9\u05dc\u05d5\u05dd from the ward team.",
    "arabic-indic-digits": "Checked: the table gives \u0661\u0660 mg, as the text says.",
    "a-name-in-arabic": "Checked against both case reports. \u2014 \u0623\u062d\u0645\u062f",
}


@pytest.mark.git
@pytest.mark.parametrize("name", list(COMMENTS))
@pytest.mark.parametrize("state", ["APPROVED", "CHANGES_REQUESTED"])
def test_a_review_comment_in_any_script_never_makes_the_record_invalid(tmp_path: Path, name: str, state: str):
    pr = PullRequest(tmp_path)
    before = set(_all_codes(pr.repo.editorial("validate", pr.repo.path("pump-question"))[1]))
    pr.add("bram-b", state, body=COMMENTS[name])
    code, out, err = pr.record()
    assert code in (0, 1), err
    written = pr.text()
    if "reviewer: bram-board" not in written:
        return  # writing nothing is allowed; writing a record validate refuses is not
    after = set(_all_codes(pr.repo.editorial("validate", pr.repo.path("pump-question"))[1]))
    assert after <= before, f"the record the bot wrote is refused ({sorted(after - before)}):\n{written}"


# == 5. A retracted paper that is not recognised ===============================================
# The identifier rule compares a DOI or a PMID "however it is named"; an address with a query, a
# fragment or a port names the same paper to doi.org, PubMed and every browser (a fragment never
# even leaves the browser), and the Handle System's proxy resolves every DOI.


def _retraction_project(tmp_path: Path, identifier: str) -> Path:
    from support.repo import CONFIG, REGISTRY
    from support.retraction_watch import article, row, snapshot

    root = tmp_path / "site"
    (root / "content" / "articles").mkdir(parents=True)
    (root / "data").mkdir()
    data = snapshot(row(101, doi="10.5555/fict.a", pmid="5550001"))  # retracted: 10.5555/fict.a, PMID 5550001
    (root / "data" / "retraction_watch.csv").write_bytes(data)
    (root / "mkdocs.yml").write_text(
        CONFIG.format(min_approvals=1)
        + "      retractions: data/retraction_watch.csv\n"
        + f"      retractions_sha256: {hashlib.sha256(data).hexdigest()}\n"
    )
    (root / "content" / "people.yml").write_text(REGISTRY)
    if identifier.startswith("body: "):  # a reference with another paper's DOI; the body links the retracted one
        text = article("pending", status="under_review", refs={"fict-a": "DOI: 10.5555/fict.ok"})
        text = text.replace("A fictional finding", f"A fictional finding ([the study]({identifier[6:]}))")
    else:
        text = article("pending", status="under_review", refs={"fict-a": identifier})
    (root / "content" / "articles" / "pending.md").write_text(text)
    return root


@pytest.mark.parametrize(
    "identifier",
    [
        "URL: https://doi.org/10.5555/fict.a?utm_source=newsletter",
        "URL: https://doi.org/10.5555/fict.a#abstract",
        "URL: https://doi.org:443/10.5555/fict.a",
        "URL: https://hdl.handle.net/10.5555/fict.a",
        "URL: https://pubmed.ncbi.nlm.nih.gov/5550001/?from_term=sepsis",
        "URL: https://pubmed.ncbi.nlm.nih.gov/5550001/#abstract",
        "body: https://doi.org/10.5555/fict.a?via=ihub",
        "body: https://doi.org/10.5555/fict&#46;a",  # the page's link says https://doi.org/10.5555/fict.a
        "body: https://doi.org/10.5555/fict&period;a",
    ],
)
def test_a_retracted_paper_named_by_another_address_of_it_cannot_be_approved(tmp_path: Path, identifier: str):
    root = _retraction_project(tmp_path, identifier)
    code, out, err = run_cli("validate", cwd=root)
    assert code == 1 and " E410 " in out, out + err
    code, out, err = run_cli(
        "review", "content/articles/pending.md", "--reviewer", "bram-board", "--decision", "approved", cwd=root
    )
    assert code == 1 and "retracted" in err, out + err
    assert "review_status: under_review" in (root / "content" / "articles" / "pending.md").read_text()


# == 6. An author approves what readers see in her own answer =================================
# check-transitions finds the articles that show a file by its name "however a link may write it":
# each character as itself, percent-encoded, as a numeric character reference or escaped. A named
# character reference (`&period;`) is a form too, and so is a numeric one without its `;`, which
# browsers (and the gate, and Python-Markdown, which adds the `;`) read as the same character: the
# page's image is the very file, shown in her answer.

NAMED_CHART = {
    "named-reference": "../img/dose-chart&period;png",
    "decimal-reference-without-semicolon": "../img/dose-chart&#46png",
    "hex-reference-without-semicolon": "../img/dose-chart&#x2Epng",
}


@pytest.mark.git
@pytest.mark.parametrize("name", list(NAMED_CHART))
def test_an_author_never_approves_alone_a_chart_her_article_names_with_a_character_reference(tmp_path: Path, name: str):
    repo = InProcess(tmp_path / "repo")
    body = f"The answer, in our own words.\n\n![The dose chart]({NAMED_CHART[name]})"
    repo.write("pump-question", article_text(authors="[ada-both]", body=body))
    figure = repo.root / "content" / "articles" / "img" / "dose-chart.png"
    figure.parent.mkdir(parents=True)
    figure.write_bytes(b"\x89PNG\r\n\x1a\n the first chart")
    repo.commit("an article by a board member, with its chart")
    repo.on_main()
    figure.write_bytes(b"\x89PNG\r\n\x1a\n another dose on the chart")
    repo.commit("the author changes the chart")
    code, out, err = repo.editorial("check-transitions", "--base", "main", "--approvers", "ada-b")
    assert code == 1 and codes(out) == ["E912"], out + err


@pytest.mark.slow
@pytest.mark.build
@pytest.mark.parametrize("name", list(NAMED_CHART))
def test_the_chart_named_with_a_character_reference_is_the_one_her_page_shows(tmp_path: Path, name: str):
    """The control for the test above: the site does publish that very file on her article's page."""
    project = copy_project(tmp_path / "project")
    figure = project / "content" / "articles" / "img" / "dose-chart.png"
    figure.parent.mkdir(parents=True)
    figure.write_bytes(b"\x89PNG\r\n\x1a\n the chart")
    text = SAMPLE.replace(GUIDELINES, f"{GUIDELINES}![The dose chart]({NAMED_CHART[name]})\n\n", 1)
    (project / ARTICLE).write_text(rebind(text))
    done = mkdocs(project, "build")
    assert done.returncode == 0, done.stderr[-1500:]
    page = (project / "site" / "articles" / "itp-refill-sepsis" / "index.html").read_text()
    assert 'src="../img/dose-chart.png"' in page
    assert site_bytes(project / "site")["articles/img/dose-chart.png"] == figure.read_bytes()


# == 7. Withheld words in a PDF an approved page links, in the parts of a PDF readers read =======
# The audit reads the strings a page's text operators show, from streams whose /Filter it finds
# written in the stream's dictionary. A reader's PDF viewer also shows the document's title (the
# window's title), its bookmarks (the side bar), a note's contents (a pop-up), and decodes a stream
# whose filter is an indirect object or whose Flate data uses a PNG predictor. (pdfminer.six reads
# each of these files' withheld sentence whole: the annotation, the Info title, the outline title,
# the page text of the last two.)


def _pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(
        b"%010d 00000 n \n" % o for o in offsets
    )
    return out + b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)


def _stream(data: bytes, dictionary: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), dictionary, data)


def _leaflet(contents: bytes, catalog: bytes = b"", page: bytes = b"", *extra: bytes) -> list[bytes]:
    """A one-page PDF (Helvetica): object 4 is the page's contents, objects 6 on are `extra`."""
    return [
        b"<< /Type /Catalog /Pages 2 0 R %s >>" % catalog,
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 1200 200] /Contents 4 0 R %s "
        b"/Resources << /Font << /F1 5 0 R >> >> >>" % page,
        contents,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *extra,
    ]


_HEX = b"<FEFF" + WITHHELD.encode("utf-16-be").hex().upper().encode() + b">"  # a PDF text string, UTF-16
_OCTAL = b"(" + b"".join(b"\\%03o" % c for c in WITHHELD.encode()) + b")"  # every byte as an octal escape
_PLAIN_PAGE = _stream(b"BT /F1 10 Tf 20 100 Td (A leaflet for patients.) Tj ET")
_WITHHELD_PAGE = b"BT /F1 10 Tf 20 100 Td (" + WITHHELD.encode() + b") Tj ET"


def _predicted(data: bytes, columns: int = 16) -> bytes:
    """`data` under PNG's Sub predictor, row by row (what /DecodeParms << /Predictor 11 >> undoes)."""
    rows = [data[i : i + columns].ljust(columns, b" ") for i in range(0, len(data), columns)]
    return b"".join(b"\x01" + bytes((r[i] - (r[i - 1] if i else 0)) & 0xFF for i in range(columns)) for r in rows)


LEAFLETS = {
    "document-title-in-the-info-dictionary": _pdf(
        _leaflet(_PLAIN_PAGE, b"", b"", b"<< /Title %s >>" % _HEX), b"/Info 6 0 R"
    ),
    "a-bookmark-title": _pdf(
        _leaflet(
            _PLAIN_PAGE,
            b"/Outlines 6 0 R /PageMode /UseOutlines",
            b"",
            b"<< /Type /Outlines /First 7 0 R /Last 7 0 R /Count 1 >>",
            b"<< /Title %s /Parent 6 0 R /Dest [3 0 R /Fit] >>" % _HEX,
        )
    ),
    "a-note-on-the-page": _pdf(
        _leaflet(
            _PLAIN_PAGE,
            b"",
            b"/Annots [6 0 R]",
            b"<< /Type /Annot /Subtype /Text /Rect [10 10 30 30] /Contents %s /Open true >>" % _OCTAL,
        )
    ),
    "page-text-under-a-png-predictor": _pdf(
        _leaflet(
            _stream(
                zlib.compress(_predicted(_WITHHELD_PAGE)),
                b"/Filter /FlateDecode /DecodeParms << /Predictor 11 /Columns 16 >>",
            )
        )
    ),
    "page-text-whose-filter-is-an-indirect-object": _pdf(
        _leaflet(_stream(zlib.compress(_WITHHELD_PAGE), b"/Filter 6 0 R"), b"", b"", b"/FlateDecode")
    ),
}


@pytest.mark.slow
@pytest.mark.build
@pytest.mark.parametrize("name", list(LEAFLETS))
def test_withheld_words_anywhere_a_pdf_viewer_shows_them_stop_the_build(tmp_path: Path, name: str):
    project = sample_project(tmp_path, "The leaflet for patients is [here](leaflet.pdf) [@evans2021].")
    (project / "content" / "articles" / "leaflet.pdf").write_bytes(LEAFLETS[name])
    done = mkdocs(project, "build")
    assert done.returncode != 0, "leaflet.pdf publishes the withheld sentence"
    # found (E953), or reported as a part the audit cannot read (E958): never published unread
    assert "leaflet.pdf" in done.stderr and (leaks(done) or "E958" in done.stderr), done.stderr[-1500:]


# == 8. Template text approved ==================================================================
# validate refuses the template's placeholders by their marker, "(replace this text)". A writer who
# reads the marker as the instruction deletes just it: what is left is still the template's text,
# which validate passes, the board can approve, and the page shows as the answer and as the
# authors' statement of their conflicts of interest.


def test_the_templates_text_is_refused_when_only_its_marker_is_deleted(project: Path):
    code, out, err = run_cli("new", "Is a pump refill safe in sepsis?", "--author", "priya-raman", cwd=project)
    assert code in (0, 1), err
    path = next((project / "content" / "articles").glob("is-a-pump-refill-safe*.md"))
    text = path.read_text(encoding="utf-8").replace(" (replace this text)", "")
    front, _ = text.split("\n---\n", 1)
    reference = (
        "references:\n  - id: evans2021\n    evidence: guideline\n    type: article-journal\n"
        "    title: Surviving sepsis campaign\n    author: [{family: Evans, given: Laura}]\n"
        "    container-title: Intensive Care Medicine\n    issued: {date-parts: [[2021, 11]]}\n"
        "    DOI: 10.1007/s00134-021-06506-y"
    )
    front = re.sub(r"^references: \[\].*$", reference, front, flags=re.M)
    body = "\n## From the Guidelines\n\nDefer a routine refill until the sepsis has resolved [@evans2021].\n"
    path.write_text(front + "\n---\n" + body, encoding="utf-8")
    assert "One or two sentences that answer the question for a clinician." in path.read_text()
    code, out, err = run_cli("validate", path.relative_to(project).as_posix(), cwd=project)
    # today: 0 errors; the template's description and conflicts statement go to the board as written
    assert code == 1 and len(re.findall(r" E510 ", out)) == 2, out + err


# == 9. What the board reads is crowded out, by the redline ====================================
# The summary cuts every field of the References list at 2,000 characters, but the redline, shown
# first, writes an added reference's entry whole. One valid reference with a long title then fills
# this article's share: the board's summary ends at "**References**", and the change to the
# authors' conflicts of interest, the text in full and who approved what are not shown at all.


@pytest.mark.git
def test_an_added_reference_never_crowds_the_rest_of_the_revision_out_of_the_summary(project: Path):
    _git(project, "init", "-q", "-b", "main")
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "the approved version")
    _git(project, "checkout", "-q", "-b", "revise")
    assert run_in(project, "start-review", ARTICLE)[0] == 0
    path = project / ARTICLE
    title = " ".join(["proceedings"] * 80_000)  # 960,000 characters: the file stays under the loader's 1 MB
    added = (
        f"references:\n  - id: big2024\n    evidence: research\n    type: article-journal\n    title: {title}\n"
        "    author: [{family: Example, given: A}]\n    container-title: Example Journal\n"
        "    issued: {date-parts: [[2024]]}\n"
    )
    text = (
        path.read_text()
        .replace("references:\n", added, 1)
        .replace("conflicts: none", "conflicts: Consulting fees from the pump's manufacturer")
        .replace("through the pump [@koljonen2021].", "through the pump [@koljonen2021] [@big2024].")
    )
    path.write_text(text)
    _git(project, "commit", "-q", "-am", "revise: one source added, the conflicts stated")
    assert run_in(project, "validate", ARTICLE)[0] == 0  # a valid revision
    code, out, err = run_in(project, "summary", "--base", "main")
    assert code == 0, err
    assert "manufacturer" in out, "the changed conflicts of interest are not in the summary at all"
    assert "### Reviews" in out, "who approved what is not in the summary at all"


# The statement every approval signs comes from the policy (`approval_meaning` in mkdocs.yml), whose
# schema refuses `<`, `&` and line breaks but not a character no one sees. A zero-width space in it
# (invisible in the pull request that changes the policy, which the board approves, E916) passes
# validate, and then every record the bot writes is refused (E805): every article approved from then
# on can never validate again.


@pytest.mark.git
@pytest.mark.parametrize(
    "meaning",
    ["Reviewed for medical\u200b accuracy against the cited sources", "Reviewed for medical accuracy \u05c3"],
    ids=["zero-width-space", "hebrew-punctuation"],
)
def test_the_policys_statement_of_meaning_never_makes_the_bots_records_invalid(tmp_path: Path, meaning: str):
    pr = PullRequest(tmp_path, start=False)
    config = pr.repo.root / "mkdocs.yml"
    config.write_text(config.read_text() + f'      approval_meaning: "{meaning}"\n')
    pr.repo.commit("the board's policy: what an approval attests")
    pr.repo.on_main()
    policy = run_cli("validate", cwd=pr.repo.root)[1]
    refused = [line for line in policy.splitlines() if line.startswith("mkdocs.yml:")]
    before = set(_all_codes(pr.repo.editorial("validate", pr.repo.path("pump-question"))[1]))
    assert pr.repo.editorial("start-review", pr.repo.path("pump-question"))[0] == 0
    pr.repo.commit("start the review")
    pr.add("bram-b", "APPROVED")
    code, out, err = pr.record()
    assert code in (0, 1), err
    after = set(_all_codes(pr.repo.editorial("validate", pr.repo.path("pump-question"))[1]))
    # either validate refuses the policy where it is written, or what the bot writes from it validates
    assert refused or after <= before, f"the bot's record is refused ({sorted(after - before)}):\n{pr.text()}"


# == 10. More of what a page publishes that the audit does not read ==============================
# A GitHub login of the registry written with U+2011 NON-BREAKING HYPHEN, which every reader reads
# as the hyphen it looks like (the control: with `-` the audit finds it, E955); and the withheld
# sentence percent-encoded in a link's address, which a browser shows decoded when the link is
# pointed at and sends to the other site when it is followed.


@pytest.mark.slow
@pytest.mark.build
@pytest.mark.parametrize("hyphen", ["-", "\u2011"], ids=["hyphen-minus", "non-breaking-hyphen"])
def test_a_registry_login_on_a_site_page_stops_the_build_however_its_hyphen_is_written(tmp_path: Path, hyphen: str):
    project = sample_project(tmp_path)
    _with_about(project, f"Questions about a review go to our chair, @aokafor{hyphen}sample on GitHub.")
    done = mkdocs(project, "build")
    assert done.returncode != 0 and "E955" in done.stderr, done.stderr[-1500:]


@pytest.mark.slow
@pytest.mark.build
def test_withheld_words_percent_encoded_in_a_link_address_stop_the_build(tmp_path: Path):
    from urllib.parse import quote

    project = sample_project(tmp_path)
    _with_about(project, f"Search the guideline [for this](https://example.org/search?q={quote(WITHHELD)}).")
    done = mkdocs(project, "build")
    assert done.returncode != 0, "the about page publishes the withheld sentence in a link's address"
    assert leaks(done) and DRAFT in done.stderr


# == 11. A dose that reads differently to the board and to the reader, in Markdown alone ========
# Python-Markdown numbers every ordered list from 1, whatever number the writer wrote: the board
# reads "4. g of paracetamol" in the summary (the answer as written), the page draws "1. g of
# paracetamol" (an <ol> with no start), and the redline shows the item with no number at all.


@pytest.mark.slow
@pytest.mark.build
def test_a_number_written_as_a_list_marker_is_the_number_the_page_shows(tmp_path: Path):
    paragraph = "The maximum for an adult in one day is:\n\n4. g of paracetamol, in divided doses [@evans2021]"
    project = sample_project(tmp_path, paragraph)
    code, out, err = run_cli("validate", ARTICLE, cwd=project)
    if code == 1 and re.search(rf"{ARTICLE}:\d+:\d+: E\d+ ", out):
        return  # refused where it is written: the board never approves a number the page does not show
    done = mkdocs(project, "build")
    assert done.returncode == 0, done.stderr[-1500:]
    page = (project / "site" / "articles" / "itp-refill-sepsis" / "index.html").read_text()
    item = re.search(r"<ol([^>]*)>\s*<li>g of paracetamol", page)
    assert item is not None, "the list is not on the page"
    assert 'start="4"' in item.group(1), f"the page numbers the dose 1, the file says 4: <ol{item.group(1)}>"


# == 12. An engine pointed at this repository by a configuration file of its own ================
# ProperDocs reads properdocs.yml before mkdocs.yml, Zensical reads zensical.toml before it. A pull
# request that adds one (three lines: `docs_dir: content` and no plugin) makes that engine, run on the
# repository as the maintainers' guide says, publish every draft and the registry; the pull-request
# check says nothing about the file. Either the check refuses such a file, or the engine still finds
# no withheld byte.

ENGINE_CONFIGS = {
    "properdocs": ("properdocs.yml", "INHERIT: mkdocs.yml\ndocs_dir: content\nplugins: []\n"),
    "zensical": ("zensical.toml", '[project]\nsite_name = "Reviewed Medical Answers"\ndocs_dir = "content"\n'),
}


@pytest.mark.git
@pytest.mark.build
@pytest.mark.slow
@pytest.mark.parametrize("engine", list(ENGINE_CONFIGS))
def test_a_pull_request_cannot_point_an_engine_at_the_drafts_with_a_config_file_of_its_own(tmp_path: Path, engine: str):
    name, config = ENGINE_CONFIGS[engine]
    project = copy_project(tmp_path / "project")
    _git(project, "init", "-q", "-b", "main")
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "the project, drafts and all")
    _git(project, "checkout", "-q", "-b", "pr")
    (project / name).write_text(config)
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", f"try {engine}")
    code, out, err = run_in(project, "check-transitions", "--base", "main", "--approvers", "x")
    if code == 1 and name in out:
        return  # the pull request is refused, naming the file
    binary = shutil.which(engine, path=str(Path(sys.executable).parent))
    assert binary, f"{engine} is not installed beside {sys.executable}"
    env = {"PATH": f"{Path(binary).parent}:/usr/bin:/bin", "HOME": str(tmp_path / "home"), "LANG": "C.UTF-8"}
    env["TMPDIR"] = str(tmp_path)
    subprocess.run([binary, "build"], cwd=project, env=env, capture_output=True, text=True, timeout=300)
    written = site_bytes(project / "site") if (project / "site").is_dir() else {}
    drafts = [rel for rel, data in written.items() if b"suspected septic shock is a medical emergency" in data.lower()]
    assert not drafts and "people.yml" not in written, f"{engine} published {sorted(drafts)[:5]} and the registry"
