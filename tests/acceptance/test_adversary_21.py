"""Issue 21 tried again as a hostile contributor would, with inputs its tests never tried.

Each test is one attack that the pipeline lets through today, written as a small real
reproduction (a copy of the sample project, real `mkdocs build`, the real `editorial` command,
real git repositories, Chromium where a reader's eyes are the proof). Each asserts what must
happen, so it fails until the class is closed. The people, ids and marker words are fictional
test data; the withheld sentences are the sample draft's own (septic-shock-first-hour.md)."""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import zlib
from pathlib import Path

import pytest
import yaml

from support.cli import run_cli
from support.gate_content import (
    APPROVED_ARTICLE,
    DRAFT_ARTICLE,
    DRAFT_SENTENCE,
    SAMPLE,
    leaks,
    mkdocs,
    rebind,
    sample_project,
    site_bytes,
)
from support.gitrepos import InProcess, codes
from support.pull_request import PullRequest
from support.repo import article_text
from support.site_html import REPO, copy_project

ARTICLE, DRAFT, WITHHELD = APPROVED_ARTICLE, DRAFT_ARTICLE, DRAFT_SENTENCE


# == 1. A dose that reads differently to the board and the reader ===============================
# No bidirectional control at all: one strong right-to-left character that looks like a hyphen or
# an apostrophe, between the digits. The file, the search index and a screen reader say "5-10 mg";
# the browser's bidi algorithm draws "510- mg" (checked in Chromium: the characters' boxes, left
# to right, read `give 510־ mg`).


@pytest.mark.slow
@pytest.mark.build
@pytest.mark.parametrize(
    "mark",
    ["\u05be", "\u05f3", "\u0640"],  # HEBREW PUNCTUATION MAQAF, HEBREW PUNCTUATION GERESH, ARABIC TATWEEL
    ids=["maqaf", "geresh", "tatweel"],
)
def test_a_dose_range_that_the_page_draws_as_another_number_is_refused(tmp_path: Path, mark: str):
    project = sample_project(tmp_path, f"For adults give 5{mark}10 mg of zqxbidirange each day [@evans2021].")
    code, out, err = run_cli("validate", ARTICLE, cwd=project)
    # must: refused where it is written, naming the character (it reorders the digits around it)
    assert code == 1, out + err
    assert re.search(rf"{ARTICLE}:\d+:\d+: E\d+ .*U\+{ord(mark):04X}", out), out
    mkdocs(project, "build")
    assert not [name for name, data in site_bytes(project / "site").items() if b"zqxbidirange" in data]


# == 2. Withheld text past the audit in forms a reader reads as the same words ===================
# A template (overrides/, the theme's custom_dir) puts the withheld sentence into every page; the
# audit must stop the build whatever form it takes. Chromium reads each form as the sentence itself.


def _spread(text: str, mark: str) -> str:
    return " ".join(w[: len(w) // 2] + mark + w[len(w) // 2 :] if len(w) > 1 else w for w in text.split())


DISGUISES = {
    "reversed-in-an-override": "\u202e" + WITHHELD[::-1] + "\u202c",  # RIGHT-TO-LEFT OVERRIDE: drawn forwards
    "reversed-in-bdo": "<bdo dir=rtl>" + WITHHELD[::-1] + "</bdo>",
    "braille-blanks-for-spaces": WITHHELD.replace(" ", "\u2800"),  # a blank glyph as wide as a space
    "hidden-letters-in-words": _spread(WITHHELD, "<span hidden>q</span>"),
    "style-element-in-words": _spread(WITHHELD, "<style></style>"),
    "custom-element-in-words": _spread(WITHHELD, "<x-y></x-y>"),
    "cdata-in-words": _spread(WITHHELD, "<![CDATA[]]>"),
    "bogus-end-tag-in-words": _spread(WITHHELD, "</3>"),
    "abrupt-comment-in-words": _spread(WITHHELD, "<!-->"),
    "rp-element-in-words": _spread(WITHHELD, "<rp>q</rp>"),
}


@pytest.fixture(scope="module")
def chromium_reads():
    """What a reader sees of an HTML fragment: its characters in the order Chromium draws them."""
    from playwright.sync_api import sync_playwright

    from support.browser import ARGS, CHROMIUM, require_browser

    require_browser()
    script = """() => { const chars = []; const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      let n; while ((n = w.nextNode())) for (let i = 0; i < n.length; i++) { const r = document.createRange();
        r.setStart(n, i); r.setEnd(n, i + 1); const b = r.getClientRects()[0];
        if (b && b.width > 0) chars.push([b.left, n.data[i]]); }
      return chars.sort((a, b) => a[0] - b[0]).map(c => c[1]).join(''); }"""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 6000, "height": 400})

        def read(fragment: str) -> str:
            page.set_content(f"<!doctype html><html><body style='white-space:nowrap'><p>{fragment}</p></body></html>")
            return " ".join(page.evaluate(script).replace("\u2800", " ").split())

        yield read
        browser.close()


@pytest.mark.slow
@pytest.mark.build
@pytest.mark.browser
@pytest.mark.parametrize("name", list(DISGUISES))
def test_withheld_words_a_template_shows_in_a_form_a_reader_reads_stop_the_build(
    tmp_path: Path, chromium_reads, name: str
):
    disguised = DISGUISES[name]
    assert chromium_reads(disguised) == WITHHELD  # the reader reads the withheld sentence, word for word
    project = sample_project(tmp_path)
    main = project / "overrides" / "main.html"
    main.write_text(main.read_text() + "\n{% block footer %}{{ super() }}<p>" + disguised + "</p>{% endblock %}\n")
    done = mkdocs(project, "build")
    assert done.returncode != 0, "the build published the withheld sentence on every page"
    if name.startswith("reversed"):  # drawn in another order than written: refused as unreadable, whatever it says
        assert "E958" in done.stderr and "right-to-left text or a bidirectional override" in done.stderr
    else:
        assert leaks(done) and DRAFT in done.stderr


LOOKALIKES = {
    "cyrillic": str.maketrans("aeopcxi", "аеорсхі"),  # NFKC leaves another script's letters alone
    "small-capitals": str.maketrans("abcdefghijklmnoprstuvwyz", "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢ"),
}


@pytest.mark.slow
@pytest.mark.build
@pytest.mark.parametrize("name", list(LOOKALIKES))
def test_a_site_page_that_copies_withheld_words_in_lookalike_letters_stops_the_build(tmp_path: Path, name: str):
    """A site page passes validate and the sanitiser: only the audit can stop it."""
    project = sample_project(tmp_path)
    about = project / "content" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n" + WITHHELD.translate(LOOKALIKES[name]) + ".\n")
    done = mkdocs(project, "build")
    assert done.returncode != 0, "the about page publishes the withheld sentence in letters every reader reads"
    assert leaks(done) and DRAFT in done.stderr


def _pdf(content: bytes, filters: bytes = b"/FlateDecode", encode=zlib.compress) -> bytes:
    """A complete one-page PDF (Helvetica) whose page content is `content`, encoded with `filters`.
    (pdfminer.six reads both forms below as WITHHELD, word for word.)"""
    stream = encode(content)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 1200 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter %s >>\nstream\n%s\nendstream" % (len(stream), filters, stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(
        b"%010d 00000 n \n" % o for o in offsets
    )
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def _gif(comment: bytes) -> bytes:
    """A 1x1 GIF whose comment extension holds `comment` in sub-blocks of 32 to 47 bytes, each ending
    inside a word: a sub-block's length byte then sits between two letters as a space or a mark.
    (Pillow, like any GIF reader, gives the comment back whole: WITHHELD.)"""
    blocks, start = [], 0
    while len(comment) - start > 47:
        size = next(n for n in range(47, 31, -1) if comment[start + n - 1 : start + n + 1].isalpha())
        blocks.append(comment[start : start + size])
        start += size
    blocks.append(comment[start:])
    extension = b"\x21\xfe" + b"".join(bytes([len(block)]) + block for block in blocks) + b"\x00"
    image = b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00\x3b"
    return b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff" + extension + image


PDFS = {
    # words set apart by the TJ array's spacing, as many PDF writers space them (no space character)
    "words-spaced-by-kerning": _pdf(
        b"BT /F1 10 Tf 20 100 Td [" + b" -300 ".join(b"(%s)" % w.encode() for w in WITHHELD.split()) + b"] TJ ET"
    ),
    # a stream under two filters, as PDF allows: ASCII85 of the deflated page
    "ascii85-then-flate": _pdf(
        b"BT /F1 10 Tf 20 100 Td (" + WITHHELD.encode() + b") Tj ET",
        b"[/ASCII85Decode /FlateDecode]",
        lambda data: base64.a85encode(zlib.compress(data), adobe=True),
    ),
}
FILES = {
    **{f"pdf-{name}": ("leaflet.pdf", data) for name, data in PDFS.items()},
    "gif-comment": ("chart.gif", _gif(WITHHELD.encode())),
}


@pytest.mark.slow
@pytest.mark.build
@pytest.mark.parametrize("name", list(FILES))
def test_withheld_words_in_a_file_an_approved_page_links_stop_the_build(tmp_path: Path, name: str):
    filename, data = FILES[name]
    link = f"![A chart]({filename})" if filename.endswith(".gif") else f"[here]({filename})"
    project = sample_project(tmp_path, f"The leaflet for patients is {link} [@evans2021].")
    (project / "content" / "articles" / filename).write_bytes(data)
    done = mkdocs(project, "build")
    assert done.returncode != 0, f"{filename} publishes the withheld sentence"
    assert leaks(done) and filename in done.stderr


# == 3. The audit's two readings disagree: a sentence both articles say stops the build =========
# The approved article's Markdown is read one way, its page another; where they differ, a draft
# that says the same words plainly makes the approved page a "leak" (E953) and the build fails.

SHARED = {
    "ordered-list": (
        "Before a refill the team should:\n\n1. check the culture results and the blood count\n"
        "2. ask the infectious disease team whether the fever has settled",
        "Before a refill the team should check the culture results and the blood count, then ask the "
        "infectious disease team whether the fever has settled.",
    ),
    "admonition-title": (
        'The pump can be refilled once the sepsis has resolved.\n\n!!! warning "Before the refill"\n'
        "    Check the culture results and the blood count first.",
        "The pump can be refilled once the sepsis has resolved. Before the refill check the culture results "
        "and the blood count first.",
    ),
    "collapsible-details": (
        'The pump can be refilled once the sepsis has resolved.\n\n???+ note "Before the refill"\n'
        "    Check the culture results and the blood count first.",
        "The pump can be refilled once the sepsis has resolved. Before the refill check the culture results "
        "and the blood count first.",
    ),
    "abbreviation-definition": (
        "Sepsis is treated first with broad antibiotics given early.\n\n*[CSF]: cerebrospinal fluid\n\n"
        "The pump reservoir is then refilled by the usual team.",
        "Sepsis is treated first with broad antibiotics given early. The pump reservoir is then refilled by the "
        "usual team.",
    ),
    "footnote-label": (
        "Sepsis is treated first with broad antibiotics[^ssc] and the refill waits until the fever has gone.\n\n"
        "[^ssc]: The sepsis guideline.",
        "Sepsis is treated first with broad antibiotics [@evans2021] and the refill waits until the fever has gone.",
    ),
    "reference-list-as-text": (
        "The refill waits.",
        "Evans L, Rhodes A. Surviving sepsis campaign: international guidelines for management of sepsis and "
        "septic shock 2021. Intensive Care Med. 2021;47(11):1181-1247.",
    ),
    "asterisk-in-a-formula": (
        "Body surface area is sqrt(height*weight/3600) in the Mosteller formula used for dosing.",
        "Body surface area is sqrt(height × weight / 3600) in the Mosteller formula used for dosing.",
    ),
    "fenced-code-language": (
        "Sepsis is treated first with broad antibiotics given early.\n\n```text\nrefill volume 20 ml\n```\n\n"
        "The pump reservoir is then refilled by the usual team.",
        "Sepsis is treated first with broad antibiotics given early.\n\n    refill volume 20 ml\n\n"
        "The pump reservoir is then refilled by the usual team.",
    ),
    "link-to-an-address-with-parentheses": (
        "Sepsis is treated first with [broad antibiotics](https://en.wikipedia.org/wiki/Antibiotic_(medicine)) "
        "given early and the pump reservoir is then refilled by the usual team.",
        "Sepsis is treated first with broad antibiotics given early and the pump reservoir is then refilled by the "
        "usual team.",
    ),
    "link-text-with-brackets": (
        "Sepsis is treated first with [broad antibiotics [ABX]](https://example.org/abx) given early and the pump "
        "reservoir is then refilled by the usual team.",
        "Sepsis is treated first with broad antibiotics ABX given early and the pump reservoir is then refilled by "
        "the usual team.",
    ),
    "reference-style-image": (
        "Sepsis is treated first with broad antibiotics given early.\n\n![a chart of doses][chart]\n\n"
        "The pump reservoir is then refilled by the usual team.\n\n[chart]: https://example.org/chart.png",
        "Sepsis is treated first with broad antibiotics given early. The pump reservoir is then refilled by the "
        "usual team.",
    ),
}


@pytest.mark.slow
@pytest.mark.build
@pytest.mark.parametrize("name", list(SHARED))
def test_sentences_an_approved_and_a_withheld_article_share_never_stop_the_build(tmp_path: Path, name: str):
    approved, draft = SHARED[name]
    project = sample_project(tmp_path, approved, draft)
    done = mkdocs(project, "build")
    assert not leaks(done), done.stderr  # the approved article's own page is no leak
    assert done.returncode == 0, done.stderr


# == 4. A retracted paper in a form that resolves to the same paper ============================


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
    text = article("pending", status="under_review", refs={"fict-a": identifier})
    if identifier.startswith("body: "):  # a reference with another paper's DOI; the body links the retracted one
        text = article("pending", status="under_review", refs={"fict-a": "DOI: 10.5555/fict.ok"})
        text = text.replace("A fictional finding", f"A fictional finding ([the study]({identifier[6:]}))")
    (root / "content" / "articles" / "pending.md").write_text(text)
    return root


@pytest.mark.parametrize(
    "identifier",
    [
        "URL: https://doi.org/10.5555/fict.a",  # the reference's link is the retracted paper's DOI address
        "URL: http://dx.doi.org/10.5555/FICT.A",
        "URL: https://pubmed.ncbi.nlm.nih.gov/5550001/",  # its PubMed address
        "DOI: 10.5555/./fict.a",  # the page links https://doi.org/10.5555/./fict.a: a browser asks for /10.5555/fict.a
        "DOI: 10.5555/x/../fict.a",
        "body: https://doi.org/10.5555/fict.a",  # the answer links the retracted paper in its text
    ],
)
def test_a_retracted_paper_written_in_another_form_cannot_be_approved(tmp_path: Path, identifier: str):
    root = _retraction_project(tmp_path, identifier)
    code, out, err = run_cli("validate", cwd=root)
    assert code == 1 and " E410 " in out, out + err
    code, out, err = run_cli(
        "review", "content/articles/pending.md", "--reviewer", "bram-board", "--decision", "approved", cwd=root
    )
    assert code == 1 and "retracted" in err, out + err
    assert "review_status: under_review" in (root / "content" / "articles" / "pending.md").read_text()


# == 5. What the board reads is crowded out ==================================================


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


CROWD = SAMPLE.replace("id: itp-refill-sepsis", "id: aa-crowd", 1)
_REFS = "".join(
    f'  - id: r{i}\n    type: article-journal\n    evidence: research\n    title: "{"&" * 1990} {i}"\n'
    for i in range(100)
)
_RECORDS = "".join(
    f"  - reviewer: {'-' * 1995}{i}\n    decision: approved\n    date: 2026-06-09\n    digest: sha256:{'0' * 64}\n"
    for i in range(240)
)
CROWDERS = {
    # each within the loader's 1,000,000-byte limit for one file
    "a-record-decision": CROWD.replace("    decision: approved\n", "    decision: " + "y" * 950_000 + "\n", 1),
    "a-record-date": CROWD.replace("    date: 2026-06-09\n", "    date: " + "y" * 950_000 + "\n", 1),
    "the-review-status": CROWD.replace("review_status: approved", "review_status: " + "s" * 950_000, 1),
    "references-whose-titles-html-escapes-fivefold": CROWD.replace("references:\n", "references:\n" + _REFS, 1),
    "review-records-whose-ids-markdown-escapes": CROWD.replace("reviews:\n", "reviews:\n" + _RECORDS, 1),
}


@pytest.mark.git
@pytest.mark.parametrize("name", list(CROWDERS))
def test_one_article_never_crowds_the_next_one_or_the_list_of_changes_out_of_the_summary(tmp_path: Path, name: str):
    project = copy_project(tmp_path / "project")
    _git(project, "init", "-q", "-b", "main")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "base")
    articles = project / "content" / "articles"
    (articles / "aa-crowd.md").write_text(CROWDERS[name], encoding="utf-8")
    (articles / "zz-next.md").write_text(
        SAMPLE.replace("id: itp-refill-sepsis", "id: zz-next", 1).replace("title: Can", "title: Zqxnext can", 1)
    )
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "two articles")
    code, out, err = run_cli("summary", "--base", "main~1", "--head", "HEAD", cwd=project)
    assert code == 0, err
    assert len(out.encode()) <= 1024 * 1024
    assert "content/articles/aa-crowd.md" in out and "content/articles/zz-next.md" in out  # the list of changes
    assert "## Zqxnext can" in out, "the next article is not shown at all"


# == 6. The bot writes a record that makes the article unapprovable ===========================


@pytest.mark.git
def test_the_bot_never_writes_a_record_dated_before_the_article_in_another_time_zone(tmp_path: Path):
    """The writer, in Tokyo, writes `created: 2024-06-02` on the morning of 2 June; the board
    member approves at 08:30 Tokyo time, 23:30 UTC on 1 June. The record (dated in UTC) is then
    before `created` (E601), and the log only grows: the article can never validate again."""
    pr = PullRequest(tmp_path, start=False)
    text = (
        pr.text()
        .replace("created: 2024-05-01", "created: 2024-06-02")
        .replace("updated: 2024-05-02", "updated: 2024-06-02")
    )
    pr.repo.write("pump-question", text)
    pr.repo.commit("written on 2 June (Tokyo)")
    assert pr.repo.editorial("start-review", pr.repo.path("pump-question"))[0] == 0
    pr.repo.commit("start the review")
    pr.add("bram-b", "APPROVED", when="2024-06-01T23:30:00Z")
    code, out, err = pr.record()
    assert code in (0, 1), err
    code, out, err = pr.repo.editorial("validate", pr.repo.path("pump-question"))
    assert " E601 " not in out, out  # what the bot wrote must validate (or it must write nothing)


# == 7. Input from a pull request reaches the internal-error catch-all ========================


def _pull_request(tmp_path: Path, change) -> Path:
    project = copy_project(tmp_path / "project")
    _git(project, "init", "-q", "-b", "main")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "base")
    _git(project, "checkout", "-qb", "pr")
    change(project)
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "the pull request")
    return project


def _config(extra: str):
    def change(project: Path) -> None:
        config = project / "mkdocs.yml"
        config.write_text(config.read_text() + extra)

    return change


def _reference(new: str, old: str = "issued: {date-parts: [[2021, 11]]}"):
    def change(project: Path) -> None:
        path = project / ARTICLE
        path.write_text(path.read_text().replace(old, new, 1))

    return change


PULL_REQUESTS = {
    "mkdocs-yml-nested-deep": _config("extra:\n  x: " + "[" * 100_000 + "]" * 100_000 + "\n"),
    "mkdocs-yml-huge-number": _config("extra:\n  x: 1" + "0" * 5000 + "\n"),
    "a-reference-year-as-text": _reference('issued: "2021"'),
    "a-reference-date-part-as-text": _reference("issued: {date-parts: [[x, 11]]}"),
    "a-reference-with-no-date-parts": _reference("issued: {date-parts: [[]]}"),
    "a-reference-literal-date-as-number": _reference("issued: {literal: 5}"),
    "a-reference-author-as-text": _reference("- Evans Laura", "- {family: Evans, given: Laura}"),
}


CRASHES = [
    *(
        (name, command)
        for name in PULL_REQUESTS
        if name.startswith("mkdocs")
        for command in ("summary", "check-transitions", "record-reviews", "validate")
    ),
    *((name, "summary") for name in PULL_REQUESTS if name.startswith("a-reference")),
]


@pytest.mark.git
@pytest.mark.parametrize(("name", "command"), CRASHES)
def test_no_file_of_a_pull_request_reaches_the_internal_error_path(tmp_path: Path, name: str, command: str):
    """Exit 2 with one located line (or the content's own problems), never "internal error"."""
    project = _pull_request(tmp_path, PULL_REQUESTS[name])
    (tmp_path / "reviews.json").write_text("[]")
    args = {
        "summary": ["--base", "main"],
        "check-transitions": ["--base", "main", "--approvers", "x"],
        "record-reviews": ["--base", "main", "--reviews", str(tmp_path / "reviews.json")],
    }
    code, out, err = run_cli(command, *args.get(command, []), cwd=project)
    assert "internal error" not in err and "Traceback" not in err, err
    assert code in (0, 1, 2)


@pytest.mark.slow
@pytest.mark.build
@pytest.mark.parametrize("name", ["a-reference-year-as-text", "a-reference-author-as-text"])
def test_a_writers_typo_in_a_reference_never_gives_the_preview_a_traceback(tmp_path: Path, name: str):
    """`issued: "2021"` or `author: [Evans Laura]` is a writer's typo; the public build withholds
    the article (E203), the preview (EDITORIAL_PREVIEW=1, `editorial preview`, `mkdocs serve`)
    stops on a Python traceback."""
    project = copy_project(tmp_path / "project")
    PULL_REQUESTS[name](project)
    done = mkdocs(project, "build", env={"EDITORIAL_PREVIEW": "1"})
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert ARTICLE in done.stderr


# == 8. Dates that cannot be true ===========================================================


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # the approved text says it was last changed on 20 June; its only review is of 9 June
        ("updated: 2026-05-20", "updated: 2026-06-20"),
        # a source published in 2099
        ("issued: {date-parts: [[2021, 11]]}", "issued: {date-parts: [[2099, 11]]}"),
    ],
    ids=["updated-after-its-approval", "a-source-from-the-future"],
)
def test_a_date_that_cannot_be_true_is_refused(tmp_path: Path, old: str, new: str):
    project = copy_project(tmp_path / "project")
    (project / ARTICLE).write_text(rebind(SAMPLE.replace(old, new, 1)), encoding="utf-8")
    code, out, err = run_cli("validate", ARTICLE, cwd=project, env={"EDITORIAL_TODAY": "2026-07-01"})
    assert code == 1 and re.search(r" E60\d ", out), out + err


# == 9. An author approves what readers see in her own answer ================================


@pytest.mark.git
def test_an_author_never_approves_alone_a_chart_her_article_names_percent_encoded(tmp_path: Path):
    """`![The chart](img/dose-ch%61rt.png)`: MkDocs resolves it to img/dose-chart.png and the page
    shows that image; the file's name is nowhere in the article's bytes."""
    repo = InProcess(tmp_path / "repo")
    body = "The answer, in our own words.\n\n![The chart](img/dose-ch%61rt.png)"
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


@pytest.mark.git
def test_an_author_never_approves_alone_her_own_credentials_in_her_answers_byline(tmp_path: Path):
    """The page shows "Written by <name>, <credentials>" from content/people.yml."""
    repo = InProcess(tmp_path / "repo")
    repo.write("pump-question", article_text(authors="[ada-both]"))
    repo.commit("an article by a board member")
    repo.on_main()
    registry = repo.root / "content" / "people.yml"
    registry.write_text(registry.read_text().replace("name: Ada Both\n", "name: Ada Both\n    credentials: MD, PhD\n"))
    repo.commit("the author gives herself credentials")
    code, out, err = repo.editorial("check-transitions", "--base", "main", "--approvers", "ada-b")
    assert code == 1 and "E912" in codes(out), out + err


# == 10. CI holds more than it needs =========================================================

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))


def _writes(job: dict) -> bool:
    permissions = job.get("permissions") or {}
    text = yaml.safe_dump(job)
    return "write" in permissions.values() or "create-github-app-token" in text or "secrets." in text


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_a_job_that_can_write_runs_is_pinned_to_a_commit(path: Path):
    """A tag (`@v5`) can be moved to other code; a job that holds a token that can write (deploy
    Pages, push, comment) runs only actions pinned to a full commit id."""
    workflow = yaml.safe_load(path.read_text())
    for name, job in workflow["jobs"].items():
        if not _writes(job):
            continue
        for step in job.get("steps", []):
            uses = str(step.get("uses", ""))
            assert not uses or re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", uses), f"{path.name}: {name} runs {uses}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_what_a_writing_job_deploys_or_pushes_comes_from_hash_locked_installs(path: Path):
    """The deploy job deploys, and the push jobs push, what another job made: that job's packages
    decide what the token writes, so it installs from a lock file with hashes, not `pip install -e .`."""
    workflow = yaml.safe_load(path.read_text())
    jobs = workflow["jobs"]
    for name, job in jobs.items():
        if not _writes(job):
            continue
        needs = job.get("needs", [])
        for maker in [needs] if isinstance(needs, str) else needs:
            runs = "\n".join(str(s.get("run", "")) for s in jobs[maker].get("steps", []))
            for install in re.findall(r"pip install[^\n]*", runs):
                # every dependency from the lock, checked by its hash; the package itself from the trusted
                # checkout with nothing else downloaded (pip cannot hash a folder)
                locked = "--require-hashes" in install
                own = "--no-deps" in install and "--no-index" in install
                assert locked or own, f"{path.name}: {name} writes what {maker} made with `{install}`"
            assert "--require-hashes" in runs or "pip install" not in runs, f"{path.name}: {maker} installs no lock"
