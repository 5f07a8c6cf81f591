"""GitHub's pull-request reviews as values: what each board member decided, on which commit. Pure.

The input is the JSON that GitHub's "list reviews for a pull request" endpoint returns
(`GET /repos/{owner}/{repo}/pulls/{number}/reviews`): an array of review objects with
`id`, `user.login`, `state`, `commit_id`, `submitted_at`, `body` and `html_url`. The
endpoint pages its answer; the pages may be joined into one array (`gh api --paginate
--slurp ... | jq 'add'`), or given as they come, arrays back to back (`gh api --paginate`).

A member's standing decision is their latest review among APPROVED, CHANGES_REQUESTED
and DISMISSED (a dismissed approval changes its own state to DISMISSED on GitHub).
Comments do not change a decision. The review's `commit_id` is the commit the member
saw: an approval only ever counts for the text the article has at that commit.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from . import identifiers, visible
from .vocabulary import DECIDING, ReviewState

# (commit, path) -> (id, digest) of the article there; None when there is none, or the commit is unknown
ArticleAt = Callable[[str, str], "tuple[str, str] | None"]
_SHA = re.compile(r"^[0-9a-f]{40}$")
_REVIEW_URL = re.compile(r"https://github\.com/[A-Za-z0-9._/#-]{1,300}")  # nothing that could end a Markdown link
MAX_BYTES = 50 * 1024 * 1024  # far more than any pull request's reviews; a bigger file is not a review list
MAX_REVIEWS = 100_000


class ReviewsError(ValueError):
    """The file is not a review list GitHub could have written (exit 2, one line)."""


@dataclass(frozen=True)
class Review:
    id: int
    login: str  # lower case; GitHub logins compare case-insensitively
    shown_login: str  # as GitHub spells it, for messages
    state: str
    commit: str  # 40 hex digits, or "" when GitHub gave none (the commit cannot be checked)
    submitted_at: str  # ISO 8601 as GitHub wrote it, "" for a pending review
    body: str
    url: str
    order: int  # position in the file: breaks ties between equal times

    @property
    def date(self) -> str:
        """The review's UTC date, YYYY-MM-DD ("" when unknown)."""
        moment = _moment(self.submitted_at)
        return moment.astimezone(dt.UTC).date().isoformat() if moment else ""

    @property
    def utc(self) -> str:
        """The review's time in UTC, YYYY-MM-DDTHH:MM:SSZ ("" when unknown), as a record's `at`."""
        moment = _moment(self.submitted_at)
        return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""

    @property
    def sort_key(self) -> tuple:
        moment = _moment(self.submitted_at)
        return (moment or dt.datetime.min.replace(tzinfo=dt.UTC), self.order)

    @property
    def where(self) -> str:
        return self.url or f"review {self.id}"


def _moment(text: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
        moment.astimezone(dt.UTC)  # a time at the edge of the calendar cannot be told in UTC
    except (ValueError, OverflowError):
        return None
    return moment


def parse(data: bytes, name: str = "the reviews file") -> list[Review]:
    """The reviews in `data`, or a ReviewsError that says in one line what is wrong."""
    if len(data) > MAX_BYTES:
        raise ReviewsError(f"{name} is over {MAX_BYTES // (1024 * 1024)} MB; it is not a pull request's review list")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReviewsError(f"{name} is not UTF-8 text; save GitHub's JSON answer as it came") from None
    items = []
    for page in _arrays(text, name):
        items.extend(page)
        if len(items) > MAX_REVIEWS:
            raise ReviewsError(f"{name} lists over {MAX_REVIEWS:,} reviews; it is not one pull request's review list")
    found = []
    for number, item in enumerate(items, 1):
        review = _review(item, number, name)
        if review is not None:
            found.append(review)
    return found


def _arrays(text: str, name: str) -> Iterable[list]:
    """One JSON array, or several back to back (`gh api --paginate` prints one per page)."""
    decoder = json.JSONDecoder()
    index, pages = 0, 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index >= len(text):
            break
        try:
            value, index = decoder.raw_decode(text, index)
        except json.JSONDecodeError as exc:
            raise ReviewsError(
                f"{name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
                "give the answer of `gh api --paginate repos/OWNER/REPO/pulls/N/reviews` unchanged"
            ) from None
        except RecursionError:
            raise ReviewsError(
                f"{name} nests arrays or objects far deeper than GitHub's review list (a few levels); it is not "
                "GitHub's answer"
            ) from None
        except ValueError as exc:  # e.g. a number of more digits than Python reads
            raise ReviewsError(f"{name} holds a value GitHub never writes ({exc}); it is not GitHub's answer") from None
        if not isinstance(value, list):
            raise ReviewsError(
                f"{name} holds a JSON {type(value).__name__ if not isinstance(value, dict) else 'object'}, not an "
                "array of reviews; "
                'give the answer of GitHub\'s "list reviews for a pull request" endpoint'
            )
        pages += 1
        yield value
    if pages == 0:
        raise ReviewsError(f"{name} is empty; an empty review list is written `[]`")


def _review(item: object, number: int, name: str) -> Review | None:
    if not isinstance(item, dict):
        raise ReviewsError(f"{name}: item {number} is not a review object")
    for key in ("user", "state"):
        if key not in item:
            raise ReviewsError(f"{name}: item {number} has no `{key}`; this is not GitHub's review list")
    state = item["state"]
    if not isinstance(state, str):
        raise ReviewsError(f"{name}: item {number} has a `state` that is not text")
    user = item["user"]
    if user is None:  # a deleted account ("ghost"): nobody to confirm
        return None
    if not isinstance(user, dict) or not isinstance(user.get("login"), str) or not user["login"].strip():
        raise ReviewsError(f"{name}: item {number} has no `user.login`")
    if not identifiers.login(user["login"]):
        raise ReviewsError(
            f"{name}: item {number} has `user.login` `{_shown(user['login'])}`, not a GitHub login (letters, digits "
            "and single hyphens)"
        )
    commit = item.get("commit_id")
    if commit is not None and not isinstance(commit, str):
        raise ReviewsError(f"{name}: item {number} has a `commit_id` that is not text")
    commit = (commit or "").strip().lower()
    if commit and not _SHA.match(commit):
        raise ReviewsError(f"{name}: item {number} has `commit_id` `{_shown(commit)}`, not a 40-digit commit id")
    submitted = item.get("submitted_at")
    if submitted is not None and not isinstance(submitted, str):
        raise ReviewsError(f"{name}: item {number} has a `submitted_at` that is not text")
    submitted = submitted or ""
    if submitted and _moment(submitted) is None:
        raise ReviewsError(f"{name}: item {number} has `submitted_at` `{_shown(submitted)}`, not an ISO 8601 time")
    if state.upper() not in tuple(ReviewState):
        raise ReviewsError(f"{name}: item {number} has `state` `{_shown(state)}`, which GitHub never writes")
    if state != ReviewState.PENDING and not submitted:
        raise ReviewsError(f"{name}: item {number} is a {state} review without `submitted_at`")
    review_id = item.get("id")
    body, url = item.get("body"), item.get("html_url")
    return Review(
        id=review_id if isinstance(review_id, int) and not isinstance(review_id, bool) else 0,
        login=identifiers.login(user["login"]),
        shown_login=identifiers.plain(user["login"]).lstrip("@"),
        state=state.upper(),
        commit=commit,
        submitted_at=submitted,
        body=body if isinstance(body, str) else "",
        url=url if isinstance(url, str) and _REVIEW_URL.fullmatch(url) else "",
        order=number,
    )


def _shown(value: object) -> str:
    """A value of the file in a one-line message: on one line, its invisible characters named, short."""
    text = visible.escape(" ".join(str(value).split()))
    return text if len(text) <= 60 else text[:60] + "…"


MAX_NOTE = 1000  # characters of a review's comment kept in its record; the review itself is linked


def plain_note(text: str) -> str:
    """A review's comment as the plain text a record keeps and the page shows: what the member
    wrote, read as GitHub shows it (an autolink as its address, an entity as its character, a
    tag left out), on one line, with nothing invisible, nothing that reorders it (a run of Hebrew or
    Arabic named, not written: the review keeps it) and no markup left (validate refuses these in
    front matter: a record the bot writes must always validate)."""
    for _ in range(3):  # `&amp;lt;b&amp;gt;` reads as `&lt;b&gt;`, then as `<b>`, a tag
        read = visible.html_text(_AUTOLINK.sub(r"\1", text))[0] if ("<" in text or "&" in text) else text
        if read == text:
            break
        text = read
    text = " ".join(visible.without_reordering(visible.without_invisible(text)).split())
    text = _MARKUP.sub(lambda m: m.group()[0] + " " + m.group()[1:], text)  # `< b` and `& lt;` are not markup
    return text if len(text) <= MAX_NOTE else text[: MAX_NOTE - 1].rstrip() + "…"


_AUTOLINK = re.compile(r"<((?:https?|mailto):[^<>\s]+)>")
_MARKUP = re.compile(r"<[A-Za-z/!?]|&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")


def latest_decisions(reviews: Iterable[Review]) -> dict[str, Review]:
    """Each login's standing decision: its latest APPROVED, CHANGES_REQUESTED or DISMISSED review."""
    latest: dict[str, Review] = {}
    for review in reviews:
        if review.state not in DECIDING:
            continue
        held = latest.get(review.login)
        if held is None or review.sort_key >= held.sort_key:
            latest[review.login] = review
    return latest


def by_login(reviews: Iterable[Review]) -> dict[str, list[Review]]:
    """Every submitted review (pending ones are visible only to their author), by login."""
    found: dict[str, list[Review]] = {}
    for review in reviews:
        if review.state != ReviewState.PENDING:
            found.setdefault(review.login, []).append(review)
    return found


def text_seen(review: Review, article_id: str, paths: Iterable[str | None], article_at: ArticleAt) -> str | None:
    """Which text a review saw: the digest of the article (known by its id) at the review's
    commit, at the first of `paths` (where the article is now, where it was at the base)
    that holds it there; None when GitHub named no commit, the clone lacks it, or the
    article is at none of them. The one answer to that question: the check, the record
    writer, the summary and the history all ask it here."""
    if not review.commit:
        return None
    for path in dict.fromkeys(p for p in paths if p):
        held = article_at(review.commit, path)
        if held is not None and held[0] == article_id:
            return held[1]
    return None
