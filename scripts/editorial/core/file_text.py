"""The texts of a file as anyone could read them: what the audit searches for withheld text.

A page or a feed is read as its reader meets it (visible.html_text: the flow, each attribute
value, each comment); escaped markup inside it (a feed's entries) is read once more. A data file
gives each of its strings. And what is compressed is read whole, every member of it: every
member of a gzip file (a browser inflates them all), Pagefind's chunks, the compressed text
chunks of a PNG, the streams of a PDF through their filters (and the strings its text operators
show), the extensions of a GIF joined from their sub-blocks.
A part too large to inflate is reported, never skipped in silence (`Texts.unread`).
"""

from __future__ import annotations

import base64
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
    elif lower.endswith(".gif"):
        found.texts.extend(_gif_texts(data))
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
    """Markup read as a reader meets it (and escaped markup inside it both ways: html_text)."""
    return html_text(text) if "<" in text or "&" in text else [text]


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


_OBJECT_STREAM = re.compile(rb"<<((?:[^<>]|<<(?:[^<>]|<<[^<>]*>>)*>>|<[^<>]*>)*)>>\s*stream\r?\n", re.S)
_FILTERS = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[A-Za-z0-9]+)")
_NAME = re.compile(rb"/([A-Za-z0-9]+)")
_TEXT_OBJECT = re.compile(rb"BT(.*?)ET", re.S)
_PDF_TOKEN = re.compile(rb"\((?:\\.|[^\\()])*\)|<[0-9A-Fa-f\s]*>|-?[0-9]*\.?[0-9]+|\[|\]\s*TJ|\bTj\b|T\*|'|\"")
_PDF_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
IMAGE_FILTERS = {b"DCTDecode", b"JPXDecode", b"CCITTFaxDecode", b"JBIG2Decode", b"DCT", b"CCF"}
WORD_GAP = -150  # a TJ move to the right this wide (thousandths of the font size) is a space


def _pdf_texts(data: bytes, budget: list[int], found: Texts) -> Iterator[str]:
    """The strings a PDF's text operators show, from each stream decoded through its filters (a PDF
    compresses its page contents): one text a text object, the pieces of a TJ array joined as a
    reader sees them (a wide move to the right is a space). A stream whose filter the audit cannot
    decode, or an encrypted PDF, is reported unread. (A font with its own encoding draws glyphs
    that are not these bytes: see the guarantees.)"""
    if b"/Encrypt" in data:
        found.unread = "an encrypted PDF"
    contents = [data]
    for head in _OBJECT_STREAM.finditer(data):
        end = data.find(b"endstream", head.end())
        raw = data[head.end() : end if end >= 0 else len(data)].rstrip(b"\r\n")
        filters = _FILTERS.search(head.group(1))
        names = _NAME.findall(filters.group(1)) if filters else []
        decoded = _decode(raw, names, budget, found)
        if decoded is not None:
            contents.append(decoded)
    for content in contents:
        for block in _TEXT_OBJECT.finditer(content):
            yield _shown(block.group(1))


def _decode(raw: bytes, filters: list[bytes], budget: list[int], found: Texts) -> bytes | None:
    """A stream's bytes through its filters, in order; None for image data (no text in it)."""
    data = raw
    for name in filters:
        if name in IMAGE_FILTERS:
            return None
        try:
            if name in (b"FlateDecode", b"Fl"):
                data = _inflate_all(data, budget, found, gzip=False)
            elif name in (b"ASCII85Decode", b"A85"):
                data = base64.a85decode(data.strip().removeprefix(b"<~").removesuffix(b"~>"), adobe=False)
            elif name in (b"ASCIIHexDecode", b"AHx"):
                digits = re.sub(rb"\s", b"", data).removesuffix(b">")
                data = bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode("ascii"))
            elif name in (b"RunLengthDecode", b"RL"):
                data = _run_length(data)
            elif name in (b"LZWDecode", b"LZW"):
                data = _lzw(data)
            else:
                found.unread = f"a PDF stream in a form the audit does not decode (/{name.decode('latin-1')})"
                return None
        except (ValueError, zlib.error):
            found.unread = f"a PDF stream that does not decode as /{name.decode('latin-1')} says"
            return None
    return data


def _shown(operators: bytes) -> str:
    shown: list[bytes] = []
    in_array = False
    for token in _PDF_TOKEN.finditer(operators):
        piece = token.group()
        if piece.startswith(b"("):
            shown.append(_pdf_literal(piece[1:-1]))
        elif piece.startswith(b"<"):
            digits = re.sub(rb"\s", b"", piece[1:-1])
            shown.append(bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode()))
        elif piece == b"[":
            in_array = True
        elif piece[:1].isdigit() or piece[:1] in b"-.":
            if in_array and float(piece) <= WORD_GAP:
                shown.append(b" ")
        else:  # the end of a TJ array or a Tj, a new line: a break between words
            in_array = False
            shown.append(b" ")
    text = b"".join(shown)
    return text.decode("utf-16-be", errors="replace") if text.startswith(b"\xfe\xff") else text.decode("latin-1")


def _run_length(data: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(data):
        length = data[i]
        if length == 128:
            break
        if length < 128:
            out += data[i + 1 : i + 2 + length]
            i += 2 + length
        else:
            out += data[i + 1 : i + 2] * (257 - length)
            i += 2
    return bytes(out)


def _lzw(data: bytes) -> bytes:
    """PDF's LZW (early change), for a stream that uses it."""
    out, table = bytearray(), [bytes([i]) for i in range(256)] + [b"", b""]
    width, bits, count, previous = 9, 0, 0, b""
    for byte in data:
        bits, count = (bits << 8) | byte, count + 8
        while count >= width:
            count -= width
            code = (bits >> count) & ((1 << width) - 1)
            if code == 256:
                table, width, previous = table[:258], 9, b""
                continue
            if code == 257:
                return bytes(out)
            entry = table[code] if code < len(table) else previous + previous[:1]
            out += entry
            if previous:
                table.append(previous + entry[:1])
            previous = entry
            if len(table) + 1 >= (1 << width) and width < 12:
                width += 1
    return bytes(out)


def _gif_texts(data: bytes) -> Iterator[str]:
    """The text of a GIF's comment, plain text and application (XMP) extensions, each joined from its
    sub-blocks (in the file, each sub-block starts with its length: a byte between two letters)."""
    if not data.startswith((b"GIF87a", b"GIF89a")) or len(data) < 13:
        return
    at = 13 + (3 << ((data[10] & 7) + 1) if data[10] & 0x80 else 0)
    while at < len(data):
        kind = data[at]
        if kind == 0x3B:  # the end
            return
        if kind == 0x21 and at + 1 < len(data):  # an extension: its label, then sub-blocks
            label, blocks, at = data[at + 1], [], at + 2
            while at < len(data) and data[at]:
                blocks.append(data[at + 1 : at + 1 + data[at]])
                at += 1 + data[at]
            at += 1
            if label in (0xFE, 0x01, 0xFF):
                yield b"".join(blocks).decode("utf-8", errors="replace")
        elif kind == 0x2C and at + 10 <= len(data):  # an image: its descriptor, colour table, data
            flags = data[at + 9]
            at += 10 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0) + 1
            while at < len(data) and data[at]:
                at += 1 + data[at]
            at += 1
        else:
            return


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
