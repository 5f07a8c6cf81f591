"""Property tests of the workflow's promises (hypothesis):

- the content digest is the same for LF, CRLF and a byte-order mark, and differs for
  any change of a word (in the body or the title);
- check-transitions never accepts an approval whose digest differs from the content,
  over generated small git histories (real repositories, real git);
- the in-place edits of `start-review` and `review` keep every byte outside the lines
  they own (review_status, the reviews list, next_review).

Articles are fictional test data built from the sample article (same real references)."""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from editorial.commands.check_transitions import check_range
from editorial.core import edit
from editorial.core.loader import load_article

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
SAMPLE = (REPO / "content/articles/itp-refill-sepsis.md").read_text(encoding="utf-8")
FRONT, BODY = SAMPLE.split("\n---\n", 1)[0] + "\n---\n", SAMPLE.split("\n---\n", 1)[1]
WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=10)
GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "T",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "T",
    "GIT_COMMITTER_EMAIL": "t@example.org",
}


def digest_of(data: bytes) -> str:
    article, problems = load_article("content/articles/x.md", data)
    assert article is not None, problems
    return article.digest


# -- the digest ---------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(words=st.lists(WORD, min_size=3, max_size=40), width=st.integers(2, 8))
def test_digest_ignores_line_endings_and_bom(words, width):
    body = "\n".join(" ".join(words[i : i + width]) for i in range(0, len(words), width))
    text = FRONT + "\n" + body + "\n"
    lf = text.encode()
    crlf = text.replace("\n", "\r\n").encode()
    bom = b"\xef\xbb\xbf" + lf
    bom_crlf = b"\xef\xbb\xbf" + crlf
    assert digest_of(lf) == digest_of(crlf) == digest_of(bom) == digest_of(bom_crlf)


@settings(max_examples=60, deadline=None)
@given(words=st.lists(WORD, min_size=3, max_size=40), data=st.data())
def test_digest_changes_with_any_word(words, data):
    body = " ".join(words)
    index = data.draw(st.integers(0, len(words) - 1))
    other = data.draw(WORD.filter(lambda w: w != words[index]))
    changed = words[:index] + [other] + words[index + 1 :]
    before = digest_of((FRONT + "\n" + body + "\n").encode())
    after = digest_of((FRONT + "\n" + " ".join(changed) + "\n").encode())
    assert before != after
    # ...and a changed word of the title, too
    title_words = re.search(r"^title: (.*)$", FRONT, re.M).group(1).split()
    t = data.draw(st.integers(0, len(title_words) - 1))
    new_title = " ".join(title_words[:t] + [other + "x"] + title_words[t + 1 :])
    retitled = re.sub(r"^title: .*$", f"title: {new_title}", FRONT, count=1, flags=re.M)
    assert digest_of((retitled + "\n" + body + "\n").encode()) != before


# -- check-transitions over generated histories ---------------------------------------------


def _article(status: str, sentence: str, reviews: list[dict]) -> str:
    """The sample article with its own id, `sentence` in its body, and these reviews."""
    text = SAMPLE.replace("id: itp-refill-sepsis", "id: property-question", 1)
    text = re.sub(r"review_status: \w+\nreviews:\n(  - .*\n|    .*\n)+", "", text)
    text = text.replace("next_review: 2027-06-09\n", "")
    block = (
        "reviews: []\n"
        if not reviews
        else "reviews:\n"
        + "".join(
            f"  - reviewer: {r['reviewer']}\n    decision: {r['decision']}\n    date: {r['date']}\n    digest: "
            f"{r['digest']}\n"
            for r in reviews
        )
    )
    extra = "next_review: 2027-01-05\n" if status == "approved" else ""
    text = text.replace("conflicts: none\n", f"review_status: {status}\n{block}{extra}conflicts: none\n", 1)
    return text.replace("## From the Guidelines\n\n", f"## From the Guidelines\n\n{sentence}\n\n", 1)


STEP = st.one_of(
    st.tuples(st.just("edit"), WORD),  # change a word of the body
    st.tuples(st.just("approve"), st.sampled_from(["current", "previous", "random"])),  # record + approved
    st.tuples(st.just("reopen"), st.just("")),  # back to under_review
)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, env=GIT_ENV, check=True, capture_output=True)


@pytest.mark.git
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(st.tuples(STEP, st.booleans()), min_size=1, max_size=4))
def test_check_transitions_never_accepts_a_stale_approval(tmp_path_factory, steps):
    root = Path(tempfile.mkdtemp(dir=tmp_path_factory.getbasetemp()))
    try:
        repo = root / "repo"
        (repo / "content" / "articles").mkdir(parents=True)
        shutil.copy2(REPO / "mkdocs.yml", repo / "mkdocs.yml")
        shutil.copy2(REPO / "content" / "people.yml", repo / "content" / "people.yml")
        path = repo / "content" / "articles" / "property-question.md"
        sentence, status, reviews = "The first wording.", "under_review", []
        path.write_text(_article(status, sentence, reviews), encoding="utf-8")
        _git(repo, "init", "-q", "-b", "main")
        _git(repo, "add", "-A")
        _git(repo, "commit", "-qm", "base")
        digests = [digest_of(path.read_bytes())]
        stale_at_some_commit = False
        for (kind, value), commit_now in steps:
            current = digest_of(path.read_bytes())
            if kind == "edit":
                sentence = f"The {value} wording."
            elif kind == "approve":
                chosen = {"current": current, "previous": digests[0], "random": "sha256:" + "ab" * 32}[value]
                reviews = reviews + [
                    {"reviewer": "amara-okafor", "decision": "approved", "date": "2025-06-01", "digest": chosen}
                ]
                status = "approved"
            else:
                status = "under_review"
            path.write_text(_article(status, sentence, reviews), encoding="utf-8")
            digests.append(digest_of(path.read_bytes()))
            if commit_now or (kind, value) == steps[-1][0]:
                _git(repo, "add", "-A")
                _git(repo, "commit", "-qm", kind, "--allow-empty")
                article, _ = load_article("x.md", path.read_bytes())
                matching = [r for r in article.reviews if r.decision == "approved" and r.digest == article.digest]
                if article.status == "approved" and not matching:
                    stale_at_some_commit = True
        _git(repo, "add", "-A")
        _git(repo, "commit", "-qm", "last", "--allow-empty")
        commits = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=repo, capture_output=True, text=True)
        result = check_range(repo, f"main~{int(commits.stdout) - 1}", "HEAD", None, day="2026-01-01")
        errors = [p for p in result.problems if p.is_error]
        if stale_at_some_commit:
            assert errors, (
                f"a commit was approved with no approval of its content, yet check-transitions passed: {steps}"
            )
            assert {p.code for p in errors} & {"E905", "E908", "E702"}, errors
        final, _ = load_article("x.md", path.read_bytes())
        if final.status == "approved" and not any(r.digest == final.digest for r in final.reviews):
            assert errors
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.git
def test_a_fresh_approval_of_the_current_content_passes(tmp_path: Path):
    """The positive case the property above relies on: it is not an always-failing check."""
    repo = tmp_path / "repo"
    (repo / "content" / "articles").mkdir(parents=True)
    shutil.copy2(REPO / "mkdocs.yml", repo / "mkdocs.yml")
    shutil.copy2(REPO / "content" / "people.yml", repo / "content" / "people.yml")
    path = repo / "content" / "articles" / "property-question.md"
    path.write_text(_article("under_review", "The first wording.", []), encoding="utf-8")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    current = digest_of(path.read_bytes())
    record = {"reviewer": "amara-okafor", "decision": "approved", "date": "2025-06-01", "digest": current}
    path.write_text(_article("approved", "The first wording.", [record]), encoding="utf-8")
    _git(repo, "commit", "-qam", "approve")
    result = check_range(repo, "main~1", "HEAD", None, day="2026-01-01")
    assert [p for p in result.problems if p.is_error] == []


# -- the in-place edits ------------------------------------------------------------------------

COMMENT = st.sampled_from(["", "# a writer's note", "#no space", "# ünïcödé note", "   # indented"])


@st.composite
def writer_files(draw, status: str):
    """The sample's front matter, re-laid out as a writer might: key order, comments,
    quoting, blank lines, line endings, a BOM, and any body."""
    fm = FRONT.split("\n", 1)[1].rsplit("---\n", 1)[0]
    fm = re.sub(r"review_status: \w+\nreviews:\n(  - .*\n|    .*\n)+", f"review_status: {status}\nreviews: []\n", fm)
    fm = fm.replace("next_review: 2027-06-09\n", "")
    blocks = re.split(r"\n(?=\S)", fm.rstrip("\n"))  # one block per top-level key
    blocks = draw(st.permutations(blocks))
    laid = []
    for block in blocks:
        if block.startswith("review_status:") and draw(st.booleans()):
            block = f'review_status: "{status}"'
        if block.startswith("id:") and draw(st.booleans()):
            block = "id: 'itp-refill-sepsis'"
        comment = draw(COMMENT)
        if comment and draw(st.booleans()):
            laid.append(comment)
        trailing = (
            draw(st.sampled_from(["", "   ", "  # same line"]))
            if "\n" not in block and not block.endswith(">-")
            else ""
        )
        laid.append(block + trailing)
        if draw(st.integers(0, 5)) == 0:
            laid.append("")
    body = draw(
        st.text(
            alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r\x00") | st.just("\n"),
            max_size=200,
        )
    )
    text = "---\n" + "\n".join(laid) + "\n---\n" + body
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    data = text.replace("\n", eol).encode("utf-8")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    return data


def owned_lines(data: bytes) -> set[int]:
    """Indices of the lines the edit may change: review_status, reviews, next_review."""
    lines = data.split(b"\n")
    return {
        i for i, line in enumerate(lines) if re.match(rb"^(\xef\xbb\xbf)?(review_status|reviews|next_review)\s*:", line)
    }


def assert_only_owned_lines_changed(before: bytes, after: bytes) -> None:
    old, new = before.split(b"\n"), after.split(b"\n")
    owned = owned_lines(before)
    kept = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            kept += i2 - i1
        else:
            assert set(range(i1, i2)) <= owned, (op, [old[i] for i in range(i1, i2)], [new[j] for j in range(j1, j2)])
    assert kept >= len(old) - len(owned)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=writer_files("submitted"))
def test_start_review_keeps_every_byte_it_does_not_own(data):
    article, problems = load_article("content/articles/x.md", data)
    assume(article is not None)
    after = edit.set_status(data, article, "under_review")
    assert_only_owned_lines_changed(data, after)
    again, _ = load_article("content/articles/x.md", after)
    assert again.status == "under_review" and again.digest == article.digest and again.body == article.body


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=writer_files("under_review"), note=st.one_of(st.none(), st.text(max_size=30)))
def test_review_keeps_every_byte_it_does_not_own(data, note):
    article, problems = load_article("content/articles/x.md", data)
    assume(article is not None)
    record = {"reviewer": "amara-okafor", "decision": "approved", "date": "2026-01-05", "digest": article.digest}
    if note:
        record["note"] = note
    try:
        after = edit.add_review(data, article, record, "approved", "2027-01-05")
    except edit.EditError:
        return  # refusing is allowed (the file is left as it was); changing other bytes is not
    assert_only_owned_lines_changed(data, after)
    again, _ = load_article("content/articles/x.md", after)
    assert again.status == "approved" and again.meta["reviews"][-1] == record and again.digest == article.digest
    assert again.meta.get("next_review") == "2027-01-05"
