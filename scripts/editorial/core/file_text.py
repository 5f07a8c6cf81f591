"""The texts of a file as anyone could read them: what the audit searches for withheld text.

A page or a feed is read as its reader meets it (visible.html_text: the flow, each attribute
value, each comment); escaped markup inside it (a feed's entries) is read once more. A data file
gives each of its strings. And what is compressed is read whole, every member of it: every
member of a gzip file (a browser inflates them all), Pagefind's chunks, the compressed text
chunks of a PNG, the compressed streams of a PDF (and the strings its text operators show).
A part too large to inflate is reported, never skipped in silence (`Texts.unread`).
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from . import site_files
from .visible import html_text

MAX_INFLATED = 200_000_000  # bytes inflated from one file in all; a sitemap.xml.gz is kilobytes
PAGEFIND_SIGNATURE = b"pagefind_dcd"  # the head of every Pagefind chunk, once inflated


@dataclass
class Texts:
    texts: list[str] = field(default_factory=list)
    unread: str = ""  # why part of the file could not be read whole ("": all of it was)


def of_file(name: str, data: bytes) -> Texts:
    """The texts of a site file named `name` (its path; the suffix says how to read it)."""
    lower = name.lower()
    found = Texts()
    budget = [MAX_INFLATED]
    if lower.endswith(".gz"):
        data = _inflate_all(data, budget, found, gzip=True)
        lower = lower[:-3]
    elif lower.endswith((*site_files.SEARCH_DATA_SUFFIXES, ".pagefind")):
        data = _inflate_all(data, budget, found, gzip=True).removeprefix(PAGEFIND_SIGNATURE)
        if lower.endswith(".pf_fragment"):
            lower += ".json"  # a fragment is JSON; an index or a filter is CBOR, read as text below
    if lower.endswith(".png"):
        found.texts.extend(_png_texts(data, budget, found))
    elif lower.endswith(".pdf"):
        found.texts.extend(_pdf_texts(data, budget, found))
    text = data.decode("utf-8", errors="replace")
    if lower.endswith(".json"):
        try:
            found.texts.extend(piece for string in _json_strings(json.loads(text)) for piece in _read(string))
            return found
        except (ValueError, RecursionError):
            pass  # not JSON after all: read as text
    found.texts.extend(_read(text))
    return found


def _read(text: str) -> list[str]:
    """Markup read as a reader meets it, and escaped markup inside it read once more."""
    pieces = html_text(text) if "<" in text or "&" in text else [text]
    return [again for piece in pieces for again in (html_text(piece) if "<" in piece else [piece])]


def _inflate_all(data: bytes, budget: list[int], found: Texts, *, gzip: bool) -> bytes:
    """Every member of a gzip (or zlib) stream, inflated and joined; the data itself if it is not one."""
    members: list[bytes] = []
    rest = data
    while rest:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS)
        try:
            member = inflater.decompress(rest, budget[0] + 1)
        except zlib.error:
            break
        if len(member) > budget[0] or inflater.unconsumed_tail:
            found.unread = f"more than {MAX_INFLATED:,} bytes once inflated"
            break
        budget[0] -= len(member)
        members.append(member)
        if not inflater.eof:
            break  # cut short: what came out is read
        rest = inflater.unused_data.lstrip(b"\0")  # gzip allows padding between members
    return b"".join(members) if members else data


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_texts(data: bytes, budget: list[int], found: Texts) -> Iterator[str]:
    """The text chunks of a PNG: tEXt as it is, zTXt and compressed iTXt inflated."""
    if not data.startswith(_PNG_SIGNATURE):
        return
    at = len(_PNG_SIGNATURE)
    while at + 8 <= len(data):
        size = int.from_bytes(data[at : at + 4], "big")
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + size]
        at += 12 + size
        if kind == b"tEXt":
            yield body.decode("latin-1")
        elif kind == b"zTXt":
            keyword, _, rest = body.partition(b"\0")
            yield keyword.decode("latin-1")
            yield _inflate_all(rest[1:], budget, found, gzip=False).decode("latin-1")
        elif kind == b"iTXt":
            keyword, _, rest = body.partition(b"\0")
            compressed, rest = rest[:1] == b"\1", rest[2:]
            language, _, rest = rest.partition(b"\0")
            translated, _, text = rest.partition(b"\0")
            if compressed:
                text = _inflate_all(text, budget, found, gzip=False)
            yield from (part.decode("utf-8", errors="replace") for part in (keyword, language, translated, text))


_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\n?endstream", re.S)
_TEXT_OBJECT = re.compile(rb"BT(.*?)ET", re.S)
_PDF_STRING = re.compile(rb"\((?:\\.|[^\\()])*\)|<[0-9A-Fa-f\s]*>|\]\s*TJ|\bTj\b|T\*|'|\"")
_PDF_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _pdf_texts(data: bytes, budget: list[int], found: Texts) -> Iterator[str]:
    """The strings a PDF's text operators show, from its streams inflated (a PDF compresses its
    page contents): one text a text object, pieces of a TJ array joined as a reader sees them.
    (A font with its own encoding draws glyphs that are not these bytes: see the guarantees.)"""
    contents = [data]
    for stream in _STREAM.finditer(data):
        inflated = _inflate_all(stream.group(1), budget, found, gzip=False)
        if inflated is not stream.group(1):
            contents.append(inflated)
    for content in contents:
        for block in _TEXT_OBJECT.finditer(content):
            shown: list[bytes] = []
            for token in _PDF_STRING.finditer(block.group(1)):
                piece = token.group()
                if piece.startswith(b"("):
                    shown.append(_pdf_literal(piece[1:-1]))
                elif piece.startswith(b"<"):
                    digits = re.sub(rb"\s", b"", piece[1:-1])
                    shown.append(bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode()))
                else:  # the end of a TJ array, or a new line: a break between words
                    shown.append(b" ")
            text = b"".join(shown)
            yield text.decode("utf-16-be", errors="replace") if text.startswith(b"\xfe\xff") else text.decode("latin-1")


def _pdf_literal(body: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(body):
        ch = body[i : i + 1]
        if ch == b"\\" and i + 1 < len(body):
            nxt = body[i + 1 : i + 2]
            octal = re.match(rb"[0-7]{1,3}", body[i + 1 : i + 4])
            if octal:
                out.append(int(octal.group(), 8) & 0xFF)
                i += 1 + len(octal.group())
                continue
            out += _PDF_ESCAPES.get(nxt, nxt if nxt not in b"\r\n" else b"")
            i += 2
            continue
        out += ch
        i += 1
    return bytes(out)


def _json_strings(value: object) -> Iterator[str]:
    stack = [value]
    while stack:  # an explicit stack: a search index nests as deep as it likes
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            for key, inner in reversed(item.items()):
                stack.append(inner)
                stack.append(key)
        elif isinstance(item, list):
            stack.extend(reversed(item))
