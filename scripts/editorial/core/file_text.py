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
_FILTERS = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[A-Za-z0-9]+|[0-9]+\s+[0-9]+\s+R)")
_PDF_STRING = re.compile(rb"\((?:\\.|[^\\()]|\((?:\\.|[^\\()])*\))*\)|<[0-9A-Fa-f\s]+>")  # literal or hex
_NAME = re.compile(rb"/([A-Za-z0-9]+)")
_TEXT_OBJECT = re.compile(rb"BT(.*?)ET", re.S)
_PDF_TOKEN = re.compile(rb"\((?:\\.|[^\\()])*\)|<[0-9A-Fa-f\s]*>|-?[0-9]*\.?[0-9]+|\[|\]\s*TJ|\bTj\b|T\*|'|\"")
_PDF_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
IMAGE_FILTERS = {b"DCTDecode", b"JPXDecode", b"CCITTFaxDecode", b"JBIG2Decode", b"DCT", b"CCF"}
WORD_GAP = -150  # a TJ move to the right this wide (thousandths of the font size) is a space


def _pdf_texts(data: bytes, budget: list[int], found: Texts) -> Iterator[str]:
    """The strings a PDF's text operators show, from each stream decoded through its filters (a PDF
    compresses its page contents): one text a text object, the pieces of a TJ array joined as a
    reader sees them (a wide move to the right is a space). Then every other string of the file
    and its streams, each a text of its own: a viewer shows the document's title, its bookmarks, a
    note's contents. A stream whose filter the audit cannot decode, or an encrypted PDF, is
    reported unread. (A font with its own encoding draws glyphs that are not these bytes: see the
    guarantees.)"""
    if b"/Encrypt" in data:
        found.unread = "an encrypted PDF"
    contents, outside, at = [], [], 0
    for head in _OBJECT_STREAM.finditer(data):
        end = data.find(b"endstream", head.end())
        end = end if end >= 0 else len(data)
        raw = data[head.end() : end].rstrip(b"\r\n")
        outside.append(data[at : head.end()])
        at = end
        decoded = _decode(raw, _filters_of(head.group(1), data, found), _predictor(head.group(1)), budget, found)
        if decoded is not None:
            contents.append(decoded)
    contents.insert(0, b"".join(outside) + data[at:])  # the file without its streams' raw bytes
    for content in contents:
        for block in _TEXT_OBJECT.finditer(content):
            yield _shown(block.group(1))
    for content in contents:
        for string in _PDF_STRING.finditer(_TEXT_OBJECT.sub(b" ", content)):
            yield _text_string(_string_bytes(string.group()))


def _filters_of(dictionary: bytes, data: bytes, found: Texts) -> list[bytes]:
    """The names of a stream's filters, in order: written in its dictionary, or in the object a
    reference there names (`/Filter 6 0 R`)."""
    filters = _FILTERS.search(dictionary)
    if filters is None:
        return []
    value = filters.group(1)
    if value[:1].isdigit():
        number, generation = value.split()[:2]
        target = re.search(rb"(?<![0-9])%s\s+%s\s+obj\b(.*?)endobj" % (number, generation), data, re.S)
        value = target.group(1) if target else b""
        if not _NAME.search(value):
            found.unread = f"a PDF stream whose filter is an object the audit cannot find ({value!r:.40})"
            return [b"?"]
    return _NAME.findall(value)


def _predictor(dictionary: bytes) -> tuple[int, int, int]:
    """(predictor, bytes a pixel, bytes a row) of a stream's /DecodeParms; predictor 1 means none."""
    params = re.search(rb"/DecodeParms\s*<<(.*?)>>", dictionary, re.S)
    if params is None:
        return 1, 1, 1

    def number(name: bytes, default: int) -> int:
        found = re.search(rb"/%s\s+([0-9]+)" % name, params.group(1))
        return int(found.group(1)) if found else default

    pixel = max(1, number(b"Colors", 1) * number(b"BitsPerComponent", 8) // 8)
    row = max(1, (number(b"Colors", 1) * number(b"BitsPerComponent", 8) * number(b"Columns", 1) + 7) // 8)
    return number(b"Predictor", 1), pixel, row


def _decode(
    raw: bytes, filters: list[bytes], predictor: tuple[int, int, int], budget: list[int], found: Texts
) -> bytes | None:
    """A stream's bytes through its filters, in order, and its predictor; None for image data (no
    text in it) and for what cannot be decoded (reported unread)."""
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
    kind, pixel, row = predictor
    if filters and kind >= 10:
        return _png_unpredicted(data, pixel, row)
    if filters and kind != 1:
        found.unread = f"a PDF stream under a predictor the audit does not undo ({kind})"
        return None
    return data


def _png_unpredicted(data: bytes, pixel: int, width: int) -> bytes:
    """Rows under PNG's predictors (each row's first byte says which one) as they were written."""
    out, previous = bytearray(), bytearray(width)
    for start in range(0, len(data), width + 1):
        kind, row = data[start], bytearray(data[start + 1 : start + 1 + width].ljust(width, b"\0"))
        for i in range(width):
            left = row[i - pixel] if i >= pixel else 0
            up, corner = previous[i], previous[i - pixel] if i >= pixel else 0
            if kind == 1:
                row[i] = (row[i] + left) & 0xFF
            elif kind == 2:
                row[i] = (row[i] + up) & 0xFF
            elif kind == 3:
                row[i] = (row[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                guess = left + up - corner
                near = min((abs(guess - left), 0), (abs(guess - up), 1), (abs(guess - corner), 2))[1]
                row[i] = (row[i] + (left, up, corner)[near]) & 0xFF
        out += row
        previous = row
    return bytes(out)


def _shown(operators: bytes) -> str:
    shown: list[bytes] = []
    in_array = False
    for token in _PDF_TOKEN.finditer(operators):
        piece = token.group()
        if piece.startswith((b"(", b"<")):
            shown.append(_string_bytes(piece))
        elif piece == b"[":
            in_array = True
        elif piece[:1].isdigit() or piece[:1] in b"-.":
            if in_array and float(piece) <= WORD_GAP:
                shown.append(b" ")
        else:  # the end of a TJ array or a Tj, a new line: a break between words
            in_array = False
            shown.append(b" ")
    return _text_string(b"".join(shown))


def _string_bytes(token: bytes) -> bytes:
    """The bytes of a PDF string written literally, `(...)`, or in hex, `<...>`."""
    if token.startswith(b"("):
        return _pdf_literal(token[1:-1])
    digits = re.sub(rb"\s", b"", token[1:-1])
    return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode())


def _text_string(data: bytes) -> str:
    """A PDF text string: UTF-16 after its byte order mark, else one byte a character."""
    return data.decode("utf-16-be", errors="replace") if data.startswith(b"\xfe\xff") else data.decode("latin-1")


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
