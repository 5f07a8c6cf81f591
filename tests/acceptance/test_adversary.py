"""The publish gate against someone who can open a pull request: each test is a class of
attack, tried with real files, real `editorial validate` and real `mkdocs build`, and each
asserts the exit status, the located message, and that nothing it tried to publish is in site/.

Every person, id and marker word here is fictional test data."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from editorial import cli
from editorial.core import links
from support.gate_content import article, mkdocs, rebind, site_bytes
from support.site_html import copy_project

SECRET = "zqxsecretbytes"  # what a link or a special file would expose


def validate(project: Path, capsys, monkeypatch, *paths: str) -> tuple[int, str]:
    """`editorial validate` in-process (fast), in `project`."""
    monkeypatch.chdir(project)
    monkeypatch.setenv("EDITORIAL_CACHE", "off")
    code = cli.main(["validate", *paths])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out


def no_site(project: Path) -> None:
    assert not (project / "site").exists(), "a refused build must not write site/"
    assert not [p for p in project.iterdir() if p.name.startswith((".site.building-", ".site.old-", ".site.staging-"))]


# -- links and special files anywhere in content/ ---------------------------------------------


@pytest.fixture(scope="module")
def linked(tmp_path_factory) -> Path:
    """Every way of putting a link or a special file in content/ at once."""
    project = copy_project(tmp_path_factory.mktemp("linked") / "project")
    content = project / "content"
    outside = project / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    (outside / "approved").mkdir()
    (outside / "approved" / "gate-linked.md").write_text(article("gate-linked", SECRET), encoding="utf-8")
    (project / ".git").mkdir()
    (project / ".git" / "config").write_text(
        f"[http]\n\textraheader = AUTHORIZATION: basic {SECRET}\n", encoding="utf-8"
    )
    (content / "assets").mkdir()
    os.symlink("/proc/self/environ", content / "assets" / "environ.png")
    os.symlink("../../.git/config", content / "assets" / "gitconfig.png")
    os.symlink("/dev/zero", content / "zero.pdf")
    os.symlink(outside / "secret.txt", content / "articles" / "notes.pdf")
    os.symlink(outside / "approved", content / "articles" / "linked")
    os.symlink(outside / "approved" / "gate-linked.md", content / "articles" / "gate-linked.md")
    (content / "about.md").unlink()
    os.symlink(outside / "secret.txt", content / "about.md")
    os.mkfifo(content / "assets" / "pipe.png")
    return project


REFUSED = [
    "content/assets/environ.png",
    "content/assets/gitconfig.png",
    "content/zero.pdf",
    "content/articles/notes.pdf",
    "content/articles/linked",
    "content/articles/gate-linked.md",
    "content/about.md",
    "content/assets/pipe.png",
]


def test_validate_refuses_every_link_and_special_file(linked, capsys, monkeypatch):
    code, out = validate(linked, capsys, monkeypatch)
    assert code == 1
    for path in REFUSED:
        assert re.search(rf"^{re.escape(path)}:1:1: E115 ", out, re.M), (path, out)
    assert SECRET not in out


@pytest.mark.build
@pytest.mark.slow
def test_the_build_refuses_them_all_and_writes_nothing(linked):
    done = mkdocs(linked, "build")
    assert done.returncode == 1
    for path in REFUSED:
        assert f"{path}:1:1: E115" in done.stderr, path
    assert "Traceback" not in done.stderr and SECRET not in done.stdout + done.stderr
    no_site(linked)


@pytest.mark.build
@pytest.mark.slow
def test_a_preview_refuses_them_too(linked, tmp_path):
    done = mkdocs(linked, "build", "-d", str(tmp_path / "preview"), env={"EDITORIAL_PREVIEW": "1"})
    assert done.returncode == 1 and "content/assets/environ.png:1:1: E115" in done.stderr
    assert not (tmp_path / "preview").exists() or SECRET.encode() not in b"".join(
        site_bytes(tmp_path / "preview").values()
    )


# -- Markdown outside articles/ ------------------------------------------------------------------


@pytest.mark.build
@pytest.mark.slow
def test_markdown_outside_articles_is_refused_and_says_why(project, capsys, monkeypatch):
    (project / "content" / "drafts").mkdir()
    draft = (project / "content" / "articles" / "septic-shock-first-hour.md").read_text(encoding="utf-8")
    (project / "content" / "drafts" / "first-hour.md").write_text(draft, encoding="utf-8")
    (project / "content" / "notes.md").write_text("# Notes\n\nInternal notes, zqxnotesword.\n", encoding="utf-8")
    code, out = validate(project, capsys, monkeypatch)
    assert code == 1
    assert re.search(r"^content/drafts/first-hour\.md:1:1: E114 .*has `review_status`.*content/articles/", out, re.M), (
        out
    )
    assert re.search(r"^content/notes\.md:1:1: E114 .*`site_pages`", out, re.M), out
    done = mkdocs(project, "build")
    assert done.returncode == 1 and "content/drafts/first-hour.md:1:1: E114" in done.stderr
    no_site(project)


@pytest.mark.build
@pytest.mark.slow
def test_a_listed_site_page_is_published_and_an_unlisted_one_is_not(project):
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "site_pages: [index.md, about.md]", "site_pages: [index.md, about.md, help/contact.md]"
        ),
        encoding="utf-8",
    )
    (project / "content" / "help").mkdir()
    (project / "content" / "help" / "contact.md").write_text(
        "# Contact\n\nWrite to zqxcontactword.\n", encoding="utf-8"
    )
    done = mkdocs(project, "build")
    assert done.returncode == 0, done.stderr
    assert "zqxcontactword" in (project / "site" / "help" / "contact" / "index.html").read_text(encoding="utf-8")


# -- asset references in every HTML form -----------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n fake image "
SHOWN = {  # file -> how the approved article refers to it
    "articles/img/md-image.png": "![chart](img/md-image.png)",
    "articles/img/entity.png": '<img src="../img/entity&#46;png" alt="entity">',
    "articles/img/with space (1).png": "![spaced](<img/with space (1).png>)",
    "articles/img/percent%20name.png": "[percent](img/percent%2520name.png)",
    "articles/img/absolute.png": '<a href="/articles/img/absolute.png">absolute</a>',
    "articles/img/full-url.png": '<a href="https://example.org/articles/img/full-url.png">full</a>',
    "articles/files/leaflet.pdf": "[leaflet](files/leaflet.pdf)",
}
DRAFT_ONLY = {  # the same forms, from a withheld article only
    "articles/img/draft-md.png": "![draft](img/draft-md.png)",
    "articles/img/draft-entity.png": '<img src="../img/draft&#45;entity.png" alt="d">',
    "articles/img/draft space (2).png": "![d](<img/draft space (2).png>)",
    "articles/img/draft-absolute.png": '<a href="/articles/img/draft-absolute.png">d</a>',
}


@pytest.fixture(scope="module")
def assets(tmp_path_factory) -> tuple[Path, dict[str, bytes], str]:
    project = copy_project(tmp_path_factory.mktemp("assets") / "project")
    config = project / "mkdocs.yml"
    config.write_text(
        re.sub(r"^site_url: .*$", "site_url: https://example.org/", config.read_text(encoding="utf-8"), flags=re.M),
        encoding="utf-8",
    )
    content = project / "content"
    for rel in [*SHOWN, *DRAFT_ONLY, "assets/orphan.png"]:
        (content / rel).parent.mkdir(parents=True, exist_ok=True)
        (content / rel).write_bytes(PNG + rel.encode())
    guidelines = "## From the Guidelines\n\n"
    shown = article("gate-assets-shown", "zqxassetsshown")
    shown = rebind(shown.replace(guidelines, guidelines + "\n\n".join(SHOWN.values()) + "\n\n", 1))
    (content / "articles" / "gate-assets-shown.md").write_text(shown, encoding="utf-8")
    draft = article("gate-assets-draft", "zqxassetsdraft").replace(
        "review_status: approved", "review_status: submitted"
    )
    draft = draft.replace(guidelines, guidelines + "\n\n".join(DRAFT_ONLY.values()) + "\n\n", 1)
    (content / "articles" / "gate-assets-draft.md").write_text(draft, encoding="utf-8")
    done = mkdocs(project, "build")
    assert done.returncode == 0, done.stderr
    return project, site_bytes(project / "site"), done.stderr


@pytest.mark.build
@pytest.mark.slow
def test_every_form_of_reference_from_a_published_page_publishes_its_file(assets):
    _, files, _ = assets
    for rel in SHOWN:
        assert files.get(rel) == PNG + rel.encode(), (rel, sorted(f for f in files if "img" in f or "files" in f))


@pytest.mark.build
@pytest.mark.slow
def test_no_file_only_a_withheld_article_uses_is_published_in_any_form(assets):
    _, files, log = assets
    for rel in [*DRAFT_ONLY, "assets/orphan.png"]:
        assert rel not in files
    assert not [rel for rel, data in files.items() if b"draft" in data and data.startswith(PNG)]
    assert not [rel for rel, data in files.items() if b"zqxassetsdraft" in data]
    assert re.search(r"editorial: [0-9]+ file\(s\) in content/ not published", log)


@pytest.mark.build
@pytest.mark.slow
def test_the_audit_agrees_with_the_gate(assets, editorial):
    project, _, _ = assets
    code, out, err = editorial("audit", "site", cwd=project)
    assert code == 0, out + err
    shutil.copy(project / "content" / "assets" / "orphan.png", project / "site" / "assets" / "orphan.png")
    try:
        code, out, _ = editorial("audit", "site", cwd=project)
        assert code == 1 and "site/assets/orphan.png:1:1: E957" in out
    finally:
        (project / "site" / "assets" / "orphan.png").unlink()


def test_srcset_and_base_are_read_as_a_browser_reads_them():
    base, found = links.urls(
        '<base href="/docs/"><img srcset="a.png 1x, b(2).png 2x,c,d.png 3x" src="x&#46;png">'
        '<a href="y%20z.pdf">y</a><svg><a xlink:href="s.png"/></svg>'
    )
    assert base == "/docs/"
    assert sorted(found) == sorted(["/docs/", "a.png", "b(2).png", "c,d.png", "x.png", "y%20z.pdf", "s.png"])


def test_the_first_base_with_an_href_counts_and_every_url_attribute_is_read_in_order():
    base, found = links.urls(
        '<base target="_blank"><base href=" /one/ "><base href="/two/">'
        '<video poster="p.jpg"><source src="v.mp4"></video><form action="f"><button formaction="g">'
        '<blockquote cite="c.html"><link rel="icon" href="i.png" imagesrcset="m.png 2x"><area ping="pg">'
    )
    assert base == "/one/"
    assert found == ["/one/", "/two/", "p.jpg", "v.mp4", "f", "g", "c.html", "i.png", "m.png", "pg"]


@pytest.mark.build
@pytest.mark.slow
@pytest.mark.parametrize("kind", ["figure.svg", "page.html", "data.csv", "script.js"])
def test_a_published_page_linking_a_file_of_a_kind_never_published_stops_the_build(project, kind):
    (project / "content" / "articles" / kind).write_text("<svg onload='alert(1)'/>", encoding="utf-8")
    path = project / "content" / "articles" / "itp-refill-sepsis.md"
    text = path.read_text(encoding="utf-8").replace(
        "## From the Research\n", f"## From the Research\n\nSee [the file]({kind}).\n", 1
    )
    path.write_text(rebind(text), encoding="utf-8")
    done = mkdocs(project, "build")
    assert done.returncode == 1
    assert f"content/articles/itp-refill-sepsis.md:1:1: E967 links to content/articles/{kind}" in done.stderr
    no_site(project)


@pytest.mark.build
@pytest.mark.slow
def test_a_content_file_cannot_replace_a_theme_file(project):
    (project / "content" / "assets" / "javascripts").mkdir(parents=True)
    theme_js = next(
        (Path(__import__("material").__file__).parent / "templates" / "assets" / "javascripts").glob("bundle.*.min.js")
    )
    (project / "content" / "assets" / "javascripts" / theme_js.name).write_text("alert(1)", encoding="utf-8")
    done = mkdocs(project, "build")
    assert done.returncode == 1 and f"content/assets/javascripts/{theme_js.name}:1:1: E116" in done.stderr
    no_site(project)


# -- nested and slow Markdown ----------------------------------------------------------------------


def _deep(project: Path, body_extra: str, status: str = "under_review") -> Path:
    path = project / "content" / "articles" / "infected-baclofen-pump-removal.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(f"review_status: {status}", f"review_status: {status}", 1) + "\n" + body_extra, encoding="utf-8"
    )
    return path


@pytest.mark.parametrize(
    "name,extra,needle",
    [
        ("list", "".join("    " * i + "- level\n" for i in range(300)), "    " * 17 + "- level"),
        ("quote", ">" * 60 + " deep\n", ">" * 60),
        ("html", "<div>" * 40 + "deep" + "</div>" * 40 + "\n", "<div>" * 17),
        ("brackets", "[" * 40 + "deep" + "]" * 40 + "\n", "[" * 17),
    ],
)
def test_nesting_deeper_than_the_limit_is_a_located_error(project, capsys, monkeypatch, name, extra, needle):
    path = _deep(project, extra)
    text = path.read_text(encoding="utf-8")
    code, out = validate(project, capsys, monkeypatch, "content/articles/infected-baclofen-pump-removal.md")
    assert code == 1
    found = re.search(r"^content/articles/infected-baclofen-pump-removal\.md:(\d+):(\d+): E505 .*16 levels", out, re.M)
    assert found, out
    start = text.index(needle)
    assert int(found.group(1)) == text.count("\n", 0, start) + 1


@pytest.mark.parametrize(
    "extra",
    [
        "[" * 2000 + "\n",
        "<a " * 2000 + "\n",
        "|a" * 400 + "\n",
        "".join(f"*[AB{i}]: abbreviation {i}\n" for i in range(150)),
    ],
)
def test_constructs_that_make_markdown_slow_are_refused(project, capsys, monkeypatch, extra):
    _deep(project, extra)
    code, out = validate(project, capsys, monkeypatch, "content/articles/infected-baclofen-pump-removal.md")
    assert code == 1 and re.search(r"infected-baclofen-pump-removal\.md:\d+:\d+: E506 ", out), out


@pytest.mark.build
@pytest.mark.slow
def test_a_preview_never_renders_a_body_the_renderer_cannot_take(project):
    _deep(project, "".join("    " * i + "- zqxdeeplist\n" for i in range(300)))
    done = mkdocs(project, "build", env={"EDITORIAL_PREVIEW": "1"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert not [rel for rel, data in site_bytes(project / "site").items() if b"zqxdeeplist" in data]


@pytest.mark.build
@pytest.mark.slow
def test_a_renderer_failure_on_a_page_is_a_located_error(project):
    """A site page is not an article, so nothing checked its nesting: the build's own guard answers."""
    about = project / "content" / "about.md"
    nested = "<div markdown>\n\n" * 500 + "deep\n\n" + "</div>\n\n" * 500  # md_in_html recurses per level
    about.write_text(about.read_text(encoding="utf-8") + "\n" + nested, encoding="utf-8")
    done = mkdocs(project, "build")
    assert done.returncode == 1
    assert re.search(
        r"content/about\.md:1:1: E969 (the Markdown renderer failed on this page \(RecursionError|Markdown took over)",
        done.stderr,
    ), done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    no_site(project)


# -- markup in every front-matter string -------------------------------------------------------


@pytest.mark.parametrize(
    "field,old,new",
    [
        ("title", "title: What should be done", "title: What <b>should</b> be done"),
        ("description", "description: >-\n  Treat it", "description: >-\n  <script>alert(1)</script> Treat it"),
        ("conflicts", "conflicts: none", 'conflicts: "none &amp; nothing"'),
        (
            "references.0.title",
            'title: "Surviving sepsis campaign',
            'title: "<img src=x onerror=alert(1)> Surviving sepsis campaign',
        ),
    ],
)
def test_markup_in_any_front_matter_text_is_refused_at_its_line(project, capsys, monkeypatch, field, old, new):
    rel = "content/articles/septic-shock-first-hour.md"
    path = project / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, out = validate(project, capsys, monkeypatch, rel)
    assert code == 1
    line = text.count("\n", 0, text.index(old)) + 1
    assert re.search(rf"^{re.escape(rel)}:{line}:\d+: E804 `{re.escape(field)}` holds HTML markup", out, re.M), out


def test_markup_in_the_registry_is_refused(project, capsys, monkeypatch):
    registry = project / "content" / "people.yml"
    text = registry.read_text(encoding="utf-8").replace("name: Amara Okafor", "name: Amara <script>Okafor</script>")
    registry.write_text(text, encoding="utf-8")
    code, out = validate(project, capsys, monkeypatch)
    assert code == 1 and re.search(r"^content/people\.yml:\d+:\d+: E804 ", out, re.M), out


@pytest.mark.build
@pytest.mark.slow
def test_site_page_front_matter_reaches_the_page_escaped(project):
    about = project / "content" / "about.md"
    about.write_text(
        '---\ntitle: "</title><script>alert(1)</script>"\ndescription: \'"><script>alert(2)</script>\'\n---\n'
        + about.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    done = mkdocs(project, "build")
    assert done.returncode == 0, done.stderr
    page = (project / "site" / "about" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(" not in page
    assert "&lt;/title&gt;&lt;script&gt;alert(1)" in page
    import gzip  # Pagefind's fragments are gzip

    fragments = [gzip.decompress(p.read_bytes()) for p in (project / "site" / "pagefind").rglob("*.pf_fragment")]
    assert fragments and not [f for f in fragments if b"<script>alert(" in f]
