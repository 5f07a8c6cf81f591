"""Every code the pipeline reports, in one table: what it means and what to do about it.

`editorial validate` and the other commands take the GitHub annotation title and the JSON
`help` of a problem from here, guides/error-codes.md is generated from it (`python -m
editorial.codes > guides/error-codes.md`), and a test checks that every code the source
emits is here and that the guide matches. `family` is the rule module or the part of the
pipeline that reports the code.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    family: str  # rules/<family>.py, or: files, transitions, audit, build, corpus
    meaning: str
    todo: str
    # Every error withholds an article from the public site; these withhold it from previews too:
    # a path outside articles/ or reached through a link, or a body the renderer cannot take.
    blocks_preview: bool = False


CODES: dict[str, Code] = {
    "E100": Code(
        "files",
        "a file cannot be read, or `content/people.yml` is missing",
        "check the file exists, is a regular file and is readable",
    ),
    "E101": Code(
        "files",
        "the file is not UTF-8 (the position of the first bad byte is given)",
        "save the file as UTF-8 in your editor",
    ),
    "E102": Code(
        "files", "the file is over the size limit (1 MB)", "split it, or remove what does not belong in an article"
    ),
    "E103": Code(
        "files",
        "the article is a symbolic link, or reached through one",
        "commit the file itself inside `content/articles/`",
        blocks_preview=True,
    ),
    "E104": Code(
        "files", "the file is empty or has no front matter", "start the file with `---`, the fields, and another `---`"
    ),
    "E105": Code("files", "the front matter is never closed", "add a line `---` after the last field"),
    "E106": Code(
        "files",
        "YAML syntax error (a tab, bad indentation, an unquoted `: `, an invisible pasted character)",
        "fix the line shown: spaces not tabs, quote values with `: ` or `#`, delete the invisible character",
    ),
    "E107": Code(
        "files",
        "a key appears twice (YAML would silently keep the last one)",
        "delete one of them; the message names both lines",
    ),
    "E108": Code("files", "a YAML anchor `&x` or alias `*x`", "write each value out in full"),
    "E109": Code(
        "files",
        "a YAML tag (`!!python/...`, `!!binary`, `!x`) or a non-text key",
        "remove the tag and write a plain value",
    ),
    "E110": Code(
        "files",
        "the front matter (or the registry) is not a set of `key: value` fields",
        "write `key: value` lines; see the writer's guide",
    ),
    "E111": Code("files", "the file contains a NUL byte", "save it as a text file"),
    "E112": Code(
        "files",
        "a path named on the command line is not inside `content/articles/`",
        "move the article there, or name the right path",
        blocks_preview=True,
    ),
    "E113": Code(
        "files", "a Markdown file in `content/articles/` does not end in `.md` (e.g. `.markdown`)", "rename it to `.md`"
    ),
    "E114": Code(
        "files",
        "a Markdown page outside `content/articles/` that `site_pages` does not list (it says so when the file has "
        "`review_status`), or one at the address of a generated page",
        "move an article into `content/articles/`; list a site page in `site_pages` (the board approves that change); "
        "or remove the file",
    ),
    "E115": Code(
        "files",
        "a symbolic link or a special file (device, pipe, socket) under `content/`, or a file reached through a "
        "linked folder",
        "commit the file itself, not a link; remove the special file",
        blocks_preview=True,
    ),
    "E116": Code(
        "files",
        "a file in `content/` at the path of one of the theme's own files (it would replace it on every page)",
        "rename or remove the file",
    ),
    "E117": Code(
        "files",
        "a cache file under `.cache/` is committed to git (a pull request could forge it)",
        "`git rm --cached` it; `.cache/` is in `.gitignore`",
    ),
    "E199": Code(
        "files",
        "internal error while checking one file (the other files are still checked)",
        "report it with the file; the file is not published meanwhile",
    ),
    "E201": Code("schema", "a required field is missing", "add the field; the message says what it holds"),
    "E202": Code(
        "schema",
        "an unknown field (e.g. `status:` instead of `review_status:`)",
        "fix the spelling or remove it; the message lists the allowed fields",
    ),
    "E203": Code(
        "schema",
        "a value of the wrong type (text where a list is expected, ...)",
        "write it in the form the message shows, e.g. `authors: [jordan-mills]`",
    ),
    "E204": Code(
        "schema",
        "a value that is not one of the allowed choices (e.g. `Approved`)",
        "use one of the listed values exactly, in lowercase",
    ),
    "E205": Code("schema", "not a real date (e.g. 2025-02-30)", "write a real date as YYYY-MM-DD"),
    "E206": Code(
        "schema",
        "a value not in the expected form (ids, specialties, digests, URLs)",
        "follow the form in the message, e.g. lowercase words joined by hyphens",
    ),
    "E207": Code("schema", "a value or list that is empty, too short or too long", "fill it in, or shorten it"),
    "E208": Code("schema", "a list names the same entry twice", "remove the repeat"),
    "E209": Code("schema", "any other schema rule", "read the message; the field's description is in `schemas/`"),
    "E301": Code(
        "identity",
        "the `id` is already used by another article",
        "give this article its own id (ids never change once published)",
    ),
    "E302": Code(
        "identity", "the `id` contains non-ASCII characters (a look-alike letter)", "use a-z, 0-9 and hyphens only"
    ),
    "E303": Code(
        "identity", "the file name is not a clean URL slug", "rename the file to lowercase words joined by hyphens"
    ),
    "E308": Code(
        "identity",
        "two articles would be published at one address (`a/b.md` and `a/b/index.md` are both at `a/b/`)",
        "rename or move one of them",
    ),
    "E304": Code("people", "an author is not in `content/people.yml`", "fix the id, or add the person to the registry"),
    "E305": Code(
        "people", "a reviewer is not in `content/people.yml`", "only registered board members review; fix the id"
    ),
    "E306": Code("people", "a reviewer is not a board member", "ask a member with role `board` to review"),
    "E307": Code(
        "people", "the registry lists a person id or GitHub login twice", "keep one entry per person and per login"
    ),
    "E401": Code("citations", "a citation `[@key]` has no entry in `references`", "add the reference, or fix the key"),
    "E402": Code("citations", "a reference is never cited", "cite it as `[@key]` or remove it"),
    "E403": Code("citations", "two references share an id", "give each reference its own id"),
    "E404": Code(
        "citations",
        "a malformed DOI, PMID or PMCID",
        "DOI `10.xxxx/...` without `https://doi.org/`; PMID digits; PMCID `PMC` + digits",
    ),
    "E410": Code(
        "retractions",
        "a reference of a submitted or under-review article was retracted (Retraction Watch snapshot of the policy); "
        "the line is the reference's",
        "remove the reference and what rests on it, or, if the board keeps it on purpose, a board member writes "
        "`Keep retracted source: <reference id>` in their review on GitHub, which adds `retraction_acknowledged` to "
        "it (see guides/board.md)",
    ),
    "E411": Code(
        "retractions",
        "the policy's retraction snapshot (`retractions`, `retractions_sha256` in `mkdocs.yml`) cannot be used: "
        "missing, a link, not a regular file, too large, not Crossref's CSV, only one of the two options set, or its "
        "SHA-256 differs from the pinned one (exit 2 for the CLI; stops the build)",
        "restore the pinned file, or take a new one with `editorial retractions update FILE`",
    ),
    "E501": Code(
        "structure", "no `## From the Guidelines` or `## From the Research` section", "add one, spelled exactly so"
    ),
    "E502": Code("structure", "an answer section cites nothing", "back it with at least one `[@key]`"),
    "E503": Code(
        "structure",
        "`## From the Guidelines` cites a research reference",
        "move the sentence to `## From the Research`, or fix `evidence`",
    ),
    "E504": Code("structure", "an answer section appears twice", "merge the two sections"),
    "E505": Code(
        "structure",
        "something in the body nests deeper than 16 levels (lists, quotes, indentation, HTML elements, `[` brackets)",
        "flatten it: no answer needs more than a few levels",
        blocks_preview=True,
    ),
    "E506": Code(
        "structure",
        "a paragraph repeats `[` or `<` hundreds of times, a table row has hundreds of cells, or there are over 100 "
        "abbreviations: Markdown would render it slowly",
        "split the paragraph or table, or keep fewer abbreviations",
        blocks_preview=True,
    ),
    "E507": Code(
        "structure",
        "an item of a numbered list is numbered otherwise than the page shows it (the page numbers a list from its "
        "first item's number, one by one)",
        "number the items in order, or write `1.` for every item and let the page number them",
    ),
    "E510": Code(
        "template",
        "text that `editorial new` wrote for the writer to replace is still in the article: a placeholder (`(replace "
        "this text)`, in `description` or `conflicts`) or the guidance under an answer section; the line is the "
        "field's or the guidance's",
        "write the article's own text there (the message says what belongs there): the answer, the authors' own "
        "statement of their conflicts of interest (`none` if they have none), the sections' text with citations",
    ),
    "E601": Code(
        "dates",
        "`updated` is before `created`, a review is dated before `created`, an approval of the current text before "
        "its `updated`, or a registry `until` is before `since`",
        "correct whichever date is wrong",
    ),
    "E602": Code(
        "dates",
        "a date in the future (`updated`, a review, a reference's `issued` or `accessed`)",
        "use the date of the change, the review, or the publication",
    ),
    "E701": Code(
        "approval",
        "`approved` without the policy's number of valid approvals of the current content",
        "set `review_status: under_review` and ask the board to review",
    ),
    "E702": Code(
        "approval",
        "an approval was for different content (the digest changed), or was withdrawn by a later request for changes",
        "the article needs a new review of its current text",
    ),
    "E703": Code(
        "approval",
        "an approval by someone who was not an active board member on its date",
        "ask a current board member to review",
    ),
    "E704": Code("approval", "a review by one of the article's authors", "ask a board member who is not an author"),
    "E705": Code(
        "approval",
        "policy `specialty_match`: no approver shares a specialty with the article",
        "ask a board member of a matching specialty",
    ),
    "E706": Code(
        "approval",
        "`next_review` missing, or later than the policy's interval after the approval",
        "set it to the date the message gives, or earlier",
    ),
    "E801": Code(
        "html_safety",
        "a `<script>`, `<iframe>` or similar tag in the body",
        "remove it; use Markdown, and a link for media",
    ),
    "E802": Code("html_safety", "an event-handler attribute (`onerror=`, `onclick=`, ...)", "remove it"),
    "E803": Code(
        "html_safety",
        "a `javascript:`, `data:` or similar link, in HTML, Markdown or a reference URL",
        "link to an `https://` address",
    ),
    "E804": Code(
        "html_safety",
        "a front-matter text (or a registry entry) holds HTML markup: a tag or a character reference",
        "write plain text: the site shows it as written",
    ),
    "E805": Code(
        "visible_text",
        "an invisible character (a bidirectional control, a zero-width or other format character, a control, "
        "private-use or unassigned code point) or a right-to-left character in an article, the registry or a site "
        "page: readers would not see what the file says, or see it in another order (the message names the "
        "character, U+XXXX)",
        'delete it (an editor\'s "show invisibles" finds it), and retype the words around it if they looked wrong',
    ),
    "E901": Code(
        "transitions",
        "a new article is not `submitted`, or already has reviews",
        "add it as `submitted` with `reviews: []`",
    ),
    "E902": Code(
        "transitions",
        "a `review_status` change the workflow does not allow",
        "follow submitted → under_review → approved (see the workflow)",
    ),
    "E903": Code(
        "transitions",
        "a review record was edited or removed, in a commit or in the net change from the base (e.g. a merge that "
        "brings back an older version)",
        "`reviews` only grows: restore the record, add a new one",
    ),
    "E904": Code(
        "transitions", "an article's `id` changed", "restore the id; rename the file instead if the address must change"
    ),
    "E905": Code(
        "transitions",
        "the content changed but the article is still `approved`",
        "set it back to `under_review` for a new review",
    ),
    "E906": Code(
        "transitions",
        "an approved article was deleted, moved out of `content/articles/`, or moved to another file name (its "
        "address on the site) without the board, in a commit or by the net change from the base",
        "have the deletion or the move approved by the board",
    ),
    "E907": Code(
        "transitions",
        "a review record added that the pull request's reviews on GitHub do not confirm: with `--reviews`, an "
        "approval of the current text needs its member's latest review to be an approval given on a commit with that "
        "text (not dismissed, not a request for changes); an approval of an earlier text needs an approval of that "
        "text; a request for changes needs any review by the member. With `--approvers`, the member's login is not "
        "listed",
        "the board member approves (or requests changes) on GitHub themselves; `editorial record-reviews` then writes "
        "the record",
    ),
    "E908": Code(
        "transitions",
        "approved without a valid quorum, in a commit or in the pull request (only the approvals given in the pull "
        "request that approves an article count)",
        "have the board approve this text in the pull request; the bot records it, or `editorial review`",
    ),
    "E909": Code(
        "transitions",
        "a review record added by someone who cannot review this article",
        "only active board members who are not authors review",
    ),
    "E910": Code(
        "transitions",
        "`.github/CODEOWNERS` no longer matches the board in the registry",
        "run `editorial codeowners` and commit the result",
    ),
    "E911": Code(
        "transitions",
        "`mkdocs.yml` cannot be read at a commit being checked",
        "fix `mkdocs.yml` in that commit's branch",
    ),
    "E912": Code(
        "transitions",
        "a pull request changes (or deletes) a file in `content/` that is not an article under `content/articles/`: a "
        "site page, an image, `people.yml`, anything; no active board member approved the pull request at that content",
        "a board member approves the pull request on GitHub after the last change to the file",
    ),
    "E913": Code(
        "transitions",
        "a symbolic link or a git submodule (gitlink) under `content/`, in a commit of the range or at its head",
        "commit the file itself: `git rm --cached PATH`, then add the real file",
    ),
    "E914": Code(
        "transitions",
        "`editorial record-reviews` cannot write the records GitHub's reviews prove into this file (its front matter "
        "is written in a form the careful edit does not change)",
        "write `reviews` as a block list and `review_status`/`next_review` as plain `key: value` lines, then run it "
        "again",
    ),
    "E915": Code(
        "transitions",
        "an article became `approved` in a commit while it cites a paper that the retraction snapshot of the base or "
        "the head lists as retracted",
        "remove the reference, or have the board keep it first (`Keep retracted source: <reference id>` in a board "
        "member's review on GitHub writes `retraction_acknowledged`), then approve the new text",
    ),
    "E917": Code(
        "transitions",
        "a pull request adds or changes a file another site engine reads before `mkdocs.yml` (`properdocs.yml`, "
        "`zensical.toml`, `mkdocs.yaml`), or sets `docs_dir` to anything but the placeholder, or `INHERIT`, in "
        "`mkdocs.yml`: that engine could publish content/ past the editorial plugin",
        "delete the file, or set `docs_dir: placeholder` and no `INHERIT`: the site is built from `mkdocs.yml` alone",
    ),
    "E951": Code("audit", "the site is a preview build", "build without `EDITORIAL_PREVIEW` before deploying"),
    "E952": Code(
        "audit",
        "a file in the site belongs to no published article or known page",
        "rebuild the site from a clean folder with `mkdocs build`",
    ),
    "E953": Code(
        "audit",
        "text of an unpublished article appears in the site",
        "rebuild; check the `editorial` plugin is enabled",
    ),
    "E954": Code(
        "audit",
        "the id or slug of an unpublished article appears in the site",
        "rebuild; remove links to unpublished articles",
    ),
    "E955": Code(
        "audit",
        "a GitHub login from the registry appears in the site",
        "logins are never published; rebuild with the plugin enabled",
    ),
    "E956": Code(
        "audit",
        "a data file (e.g. `people.yml`) was copied into the site",
        "check the `editorial` plugin is enabled, rebuild",
    ),
    "E957": Code(
        "audit", "a file used only by unpublished articles is in the site", "rebuild the site from a clean folder"
    ),
    "E958": Code(
        "audit",
        "the built site holds a symbolic link, a special file, or a file larger than the audit reads",
        "rebuild the site from a clean folder; make the file smaller",
    ),
    "E960": Code("build", "`mkdocs build --dirty` for the public site", "run `mkdocs build` without `--dirty`"),
    "E961": Code("build", "the build could not read the articles", "run `editorial validate` and fix what it reports"),
    "E962": Code("build", "`nav:` in `mkdocs.yml` lists an unpublished article", "remove the entry"),
    "E963": Code("build", "a page links to an unpublished article", "remove the link until the article is approved"),
    "E964": Code(
        "build",
        "the site built by `mkdocs build` failed the audit (the findings follow, E95x); `site/` was left as it was",
        "fix what the findings name; usually a file in `content/` that copies an unpublished article's text",
    ),
    "E965": Code(
        "build",
        "the audited site could not be moved into `site/`",
        "check `site/` and its folder are writable; the previous site is unchanged",
    ),
    "E966": Code(
        "build",
        "the build could not write the site (disk full, read-only folder); the message names the file",
        "free disk space or make the folder writable, then build again; the previous site is unchanged",
    ),
    "E967": Code(
        "build",
        "a published page links to a file in `content/` of a kind that is never published (only images and PDFs are)",
        "remove the link, or convert the file to PNG, JPEG, WebP, AVIF, GIF or PDF",
    ),
    "E968": Code(
        "build",
        "a rendered article page lacks the medical disclaimer",
        "check `overrides/main.html` and `overrides/partials/editorial-article.html`",
    ),
    "E969": Code(
        "build",
        "the Markdown renderer failed on a page, or took too long (for example very deep nesting)",
        "simplify the place `editorial validate` points at",
    ),
    "W410": Code(
        "retractions",
        "a reference of an approved article was retracted: the page tells readers the board is reviewing the answer, "
        "`editorial queue` lists the article first",
        "the board revises the article, or keeps the source (`Keep retracted source: <reference id>` in a board "
        "member's review on GitHub of a pull request for the article; see "
        "guides/board.md)",
    ),
    "W411": Code(
        "retractions",
        "a reference is under an expression of concern: the page of an approved article tells readers",
        "the board decides whether the answer stands; `Keep retracted source: <reference id>` in a board member's "
        "review on GitHub keeps the source (`retraction_acknowledged`)",
    ),
    "E916": Code(
        "transitions",
        "a pull request changes the editorial policy (the `editorial` plugin's options in `mkdocs.yml`) and no active "
        "board member approved it",
        "a board member approves the pull request on GitHub after the last change to `mkdocs.yml`",
    ),
    "E970": Code(
        "build",
        "the search index (Pagefind) could not be built from the audited pages",
        "install the project again (`pip install .` brings `pagefind[bin]`) and build again",
    ),
    "E971": Code(
        "build",
        "`docs_dir` in `mkdocs.yml` is `content/`, inside it, or holds it: an engine that skips the editorial plugin "
        "would publish every draft and the registry",
        "set `docs_dir: placeholder` (the committed placeholder folder); the plugin builds from `content/` itself",
    ),
    "E978": Code(
        "build",
        "`EDITORIAL_PREVIEW_ONLY` is set for a public build, which publishes every approved article",
        "unset it, or build a preview with `EDITORIAL_PREVIEW=1` (only previews can be scoped to some articles)",
    ),
    "W701": Code("approval", "review overdue: `next_review` has passed", "the board reviews the article again"),
    "W801": Code(
        "html_safety",
        "an HTML comment in the body (published in the page source)",
        "remove it; use the pull request for notes",
    ),
    "W900": Code(
        "transitions",
        "a version in git history cannot be read; the check judged across it",
        "look at that commit if the result surprises you",
    ),
    "W901": Code("readability", "`patient_summary` reads above US grade 8", "shorter sentences and everyday words"),
    "W910": Code(
        "transitions",
        "a board member approved (or requested changes to) an article's current text on GitHub, but the article has "
        "no record of it yet (`check-transitions --reviews`)",
        "wait for the record-reviews workflow, or run `editorial record-reviews` on the branch and push",
    ),
    "I001": Code(
        "corpus",
        "not published because the article is not approved yet",
        "nothing to fix: it is published once the board approves it",
    ),
    "I410": Code(
        "retractions",
        "a reference was corrected (Retraction Watch lists a correction as its latest notice)",
        "check that the correction leaves the article's claims standing",
    ),
    "I411": Code("retractions", "a reference was reinstated after a retraction (its latest notice)", "nothing to do"),
}

BLOCKS_PREVIEW = frozenset(code for code, known in CODES.items() if known.blocks_preview)

INTRO = """# Error codes

`E` codes are errors (the check fails, the article is not published), `W` codes are warnings
(reported, nothing fails), `I` codes are information. Codes are stable: scripts and CI may match on them.
This page is generated from `scripts/editorial/core/codes.py`.
"""


def markdown() -> str:
    """The guide's table (guides/error-codes.md)."""
    lines = [INTRO, "| code | family | meaning | what to do |", "| --- | --- | --- | --- |"]
    order = sorted(CODES, key=lambda code: ("EWI".index(code[0]), code))
    lines += [f"| {code} | {CODES[code].family} | {CODES[code].meaning} | {CODES[code].todo} |" for code in order]
    return "\n".join(lines) + "\n"


def title(code: str) -> str:
    """A short title for an annotation: the code and what it means."""
    known = CODES.get(code)
    return f"{code} {known.meaning}" if known else code


if __name__ == "__main__":
    sys.stdout.write(markdown())
