"""Identifiers in one canonical form each, so that two ways of writing one thing compare equal.

A DOI, a PubMed id, a GitHub login or an id can be written many ways that name the same paper
or person: `https://doi.org/10.1000/ABC`, `doi:10.1000/abc`, `10.1000%2Fabc` (doi.org decodes
percent-encoding), with an invisible character pasted into it, in fullwidth digits. Every check
that compares them (the retraction snapshot, the registry, the reviews, --approvers) compares
these forms; "" means the text names no such identifier."""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import unquote, urlsplit

from .visible import without_invisible

_DOI_PREFIX = re.compile(r"^(?:doi:|info:doi/|urn:doi:)\s*", re.I)
# The resolvers' addresses: each reads the path as the identifier, whatever the query, fragment or port
DOI_HOSTS = ("doi.org", "www.doi.org", "dx.doi.org", "hdl.handle.net")
PUBMED_HOSTS = ("pubmed.ncbi.nlm.nih.gov", "www.ncbi.nlm.nih.gov", "ncbi.nlm.nih.gov")
_DOI = re.compile(r"10\.[0-9]{4,9}/\S+", re.ASCII)
_PMID_PREFIX = re.compile(r"^pmid:\s*", re.I)
_PMCID = re.compile(r"pmc([0-9]{1,9})", re.I | re.ASCII)


def plain(text: str) -> str:
    """`text` without invisible characters, compatibility forms folded (NFKC), stripped."""
    text = without_invisible(text)
    return unicodedata.normalize("NFKC", text).strip() if not text.isascii() else text.strip()


def address(text: str, hosts: tuple[str, ...]) -> str | None:
    """The path of `text` if it is an address at one of `hosts` (as a browser reads it: character
    references decoded, the host's case, port, query and fragment aside), else None."""
    if "://" not in text[:12]:
        return None
    if "&" in text:
        text = html.unescape(text)  # `fict&#46;a` in a page's link is `fict.a` to the browser
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return None
    return parts.path.lstrip("/") if parts.scheme.lower() in ("http", "https") and host in hosts else None


def doi(value: object) -> str:
    """`https://doi.org/10.1000/ABC`, `doi:10.1000/abc`, `10.1000%2Fabc` -> `10.1000/abc`."""
    if not isinstance(value, str):
        return ""
    text = plain(value)
    at = address(text, DOI_HOSTS)
    text = _DOI_PREFIX.sub("", text, count=1) if at is None else at
    if "%" in text:
        text = unquote(text)  # as doi.org reads it
    text = text.strip().lower()
    if "/." in text:  # `10.1/./a`, `10.1/x/../a`: the address a browser, and doi.org, read
        prefix, _, suffix = text.partition("/")
        kept: list[str] = []
        for segment in suffix.split("/"):
            if segment == "..":
                if kept:
                    kept.pop()
            elif segment != ".":
                kept.append(segment)
        text = prefix + "/" + "/".join(kept)
    return text if _DOI.fullmatch(text) else ""


def pmid(value: object) -> str:
    """`33538029`, `"PMID: 033538029"`, a PubMed address, fullwidth digits -> `33538029`."""
    if isinstance(value, bool) or value is None:
        return ""
    text = plain(value if isinstance(value, str) else str(value))
    at = address(text, PUBMED_HOSTS)
    if at is not None and at.lower().startswith("pubmed/"):
        at = at[len("pubmed/") :]
    text = (_PMID_PREFIX.sub("", text, count=1) if at is None else at).rstrip("/")
    if not (text.isascii() and text.isdigit()) or int(text) == 0:
        return ""
    return str(int(text))


def pmcid(value: object) -> str:
    """`PMC1234567`, `pmc 1234567` -> `PMC1234567`."""
    if not isinstance(value, str):
        return ""
    found = _PMCID.fullmatch(plain(value).replace(" ", ""))
    return f"PMC{int(found.group(1))}" if found else ""


_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}(?:\[bot\])?", re.ASCII)  # as GitHub allows


def login(value: object) -> str:
    """A GitHub login as GitHub compares them: `@AOkafor ` -> `aokafor`; "" for what GitHub would
    not accept as a login (an app's reviews come from `name[bot]`)."""
    if not isinstance(value, str):
        return ""
    text = plain(value).lstrip("@").strip()
    return text.lower() if _LOGIN.fullmatch(text) else ""


def key(value: object) -> str:
    """An id (article, person, reference) as compared across files: `Itp-Refill` -> `itp-refill`."""
    return plain(value).casefold() if isinstance(value, str) else ""
