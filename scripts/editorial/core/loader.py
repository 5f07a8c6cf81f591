"""Bytes to an article (or a registry) plus problems, each with its line and column.

PyYAML silently accepts things that are traps in a reviewed document (a second
`review_status` wins, aliases can blow up memory, tags can build objects), so the
front matter is composed into nodes with libyaml and turned into plain values here,
refusing duplicate keys, anchors, aliases and tags on the way.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from typing import Any

import frontmatter
import yaml

from .digest import content_digest
from .model import Article, Located, Person, Problem, Registry

MAX_FILE_BYTES = 1_000_000  # an article is a few kilobytes; a megabyte is a mistake or an attack
BOUNDARY = frontmatter.YAMLHandler.FM_BOUNDARY  # python-frontmatter's own `---` rule
_MAYBE_SPECIAL = re.compile(r"[&*!]")  # anchors, aliases, tags: only then scan events
_YAML_ONLY_BREAKS = re.compile("[\x85\u2028\u2029]")  # line breaks to YAML, not to editors or to us
_STR_TAG, _INT_TAG = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int"
_CORE_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_constructor = yaml.constructor.SafeConstructor()
_IMPLICIT = (
    _BaseLoader.yaml_implicit_resolvers
)  # first character -> [(tag, pattern)], as SafeLoader resolves plain scalars


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """libyaml's safe loader with the two callbacks it makes for every node kept short: the
    implicit tag of a scalar (the same table and patterns as SafeLoader's) and the path
    resolvers, which SafeLoader has none of. They were a third of the time to read a file."""

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, pattern in _IMPLICIT.get(value[:1], ()):
                    if pattern.match(value):
                        return tag
            return _STR_TAG
        return "tag:yaml.org,2002:seq" if kind is yaml.SequenceNode else "tag:yaml.org,2002:map"

    def descend_resolver(self, current_node, current_index):
        return None

    def ascend_resolver(self):
        return None


class _Reject(Exception):
    """Internal: stops composing at the first problem; never leaves this module."""

    def __init__(self, line: int, column: int, code: str, message: str):
        super().__init__(message)
        self.line, self.column, self.code, self.message = line, column, code, message


def decode(path: str, data: bytes) -> tuple[str | None, list[Problem]]:
    """UTF-8 text with LF line endings, or the problem that prevents it."""
    if len(data) > MAX_FILE_BYTES:
        return None, [
            Problem(
                path,
                1,
                1,
                "E102",
                f"file is {len(data):,} bytes, over the limit of {MAX_FILE_BYTES:,}; split it or remove what does not "
                "belong in an article",
            )
        ]
    if not data.strip():
        return None, [
            Problem(
                path, 1, 1, "E104", "file is empty; start it with a `---` front matter block (see guides/writers.md)"
            )
        ]
    nul = data.find(b"\x00")
    if nul >= 0:
        line, col = _byte_position(data, nul)
        return None, [
            Problem(path, line, col, "E111", "file contains a NUL byte; this is not a text file, save it as UTF-8 text")
        ]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _byte_position(data, exc.start)
        return None, [
            Problem(
                path,
                line,
                col,
                "E101",
                f"byte 0x{data[exc.start]:02x} is not UTF-8; save the file as UTF-8 (it looks like Latin-1 or "
                "Windows-1252)",
            )
        ]
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text, []


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, offset - start + 1


def split(path: str, text: str) -> tuple[tuple[str, str, int] | None, list[Problem]]:
    """(front matter text, body, line where the body starts) or the problem."""
    lines = text.split("\n")
    if not BOUNDARY.fullmatch(lines[0]):
        return None, [
            Problem(
                path,
                1,
                1,
                "E104",
                "no front matter: the file must start with a line `---`, the YAML fields, and another `---`",
            )
        ]
    for index in range(1, len(lines)):
        if BOUNDARY.fullmatch(lines[index]):
            return ("\n".join(lines[1:index]) + "\n", "\n".join(lines[index + 1 :]), index + 2), []
    return None, [Problem(path, 1, 1, "E105", "front matter is never closed: add a line `---` after the last field")]


def parse_yaml(path: str, text: str, first_line: int = 1) -> tuple[Located | None, list[Problem]]:
    """Plain values from YAML text whose first line is line `first_line` of the file."""
    odd = _YAML_ONLY_BREAKS.search(text)
    if odd:  # YAML counts these as new lines, editors do not: every later line number would be off
        line, col = _text_position(text, odd.start())
        return None, [
            Problem(
                path,
                line + first_line - 1,
                col,
                "E106",
                f"invisible line separator U+{ord(odd.group()):04X} (often pasted in from a web page or a word "
                "processor); delete it",
            )
        ]
    try:
        if _MAYBE_SPECIAL.search(text):
            _refuse_anchors_and_tags(text)
        node = yaml.compose(text, Loader=_Loader)
        located = Located(None, {}, (first_line, 1))
        if node is not None:
            located.data = _build(node, (), located.positions, first_line - 1)
        return located, []
    except _Reject as exc:
        return None, [Problem(path, exc.line + first_line - 1, exc.column, exc.code, exc.message)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + first_line, mark.column + 1) if mark else (first_line, 1)
        what = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        # libyaml's message does not say "tab"; the offending line does
        lines = text.split("\n")
        offending = lines[mark.line] if mark and mark.line < len(lines) else ""
        tabbed = "\t" in what or "tab" in what or "\t" in offending
        hint = (
            "; the line contains a tab: use spaces, not tabs, to indent"
            if tabbed
            else "; check the indentation and quote values that contain `:` or `#`"
        )
        return None, [Problem(path, line, col, "E106", f"YAML syntax error: {what}{hint}")]
    # a control character; its offset is in bytes or characters depending on the loader
    except yaml.reader.ReaderError as exc:
        index = text.find(chr(exc.character)) if isinstance(exc.character, int) else -1
        line, col = _text_position(text, index) if index >= 0 else (1, 1)
        what = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        return None, [
            Problem(
                path,
                line + first_line - 1,
                col,
                "E106",
                f"invisible control character {what} is not allowed in YAML; delete it (it was probably pasted in)",
            )
        ]
    except yaml.YAMLError as exc:
        return None, [Problem(path, first_line, 1, "E106", f"YAML error: {exc}")]
    except RecursionError:
        return None, [
            Problem(path, first_line, 1, "E106", "YAML nests too deeply; front matter should be a few levels at most")
        ]


def _text_position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character of `text`."""
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def _refuse_anchors_and_tags(text: str) -> None:
    for event in yaml.parse(text, Loader=_Loader):
        line, col = event.start_mark.line + 1, event.start_mark.column + 1
        if isinstance(event, yaml.AliasEvent):
            raise _Reject(
                line, col, "E108", f"YAML alias `*{event.anchor}` is not allowed; write the value out in full"
            )
        anchor = getattr(event, "anchor", None)
        if anchor:
            raise _Reject(line, col, "E108", f"YAML anchor `&{anchor}` is not allowed; write each value out in full")
        tag = getattr(event, "tag", None)
        implicit = getattr(event, "implicit", True)
        explicit = tag and not (implicit is True or (isinstance(implicit, tuple) and implicit[0]))
        if explicit and tag not in ("!",):
            raise _Reject(line, col, "E109", f"YAML tag `{tag}` is not allowed; remove it and write a plain value")


SHARED_TEXT = 100  # characters: a title or a name, not a paragraph


def _build(node: yaml.Node, path: tuple, positions: dict, offset: int) -> Any:
    kind = type(node)
    if kind is yaml.ScalarNode:  # most nodes: checked first
        return _scalar(node)
    if kind is yaml.MappingNode:
        result: dict[str, Any] = {}
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            mark = key_node.start_mark
            line = mark.line + 1
            if type(key_node) is not yaml.ScalarNode or key_node.tag == "tag:yaml.org,2002:merge":
                raise _Reject(line, mark.column + 1, "E109", "only plain text keys are allowed in front matter")
            key = sys.intern(str(key_node.value))  # a corpus's keys are a small vocabulary: one copy each
            if key in seen:
                raise _Reject(
                    line,
                    mark.column + 1,
                    "E107",
                    f"duplicate key `{key}` (first on line {seen[key] + offset}); YAML would silently keep only the "
                    "last one, so delete one of them",
                )
            seen[key] = line
            where = path + (key,)
            positions[where] = (line + offset, mark.column + 1)
            result[key] = (
                _scalar(value_node)
                if type(value_node) is yaml.ScalarNode
                else _build(value_node, where, positions, offset)
            )
        return result
    items = []
    for index, item in enumerate(node.value):
        mark = item.start_mark
        where = path + (index,)
        positions[where] = (mark.line + 1 + offset, mark.column + 1)
        items.append(_scalar(item) if type(item) is yaml.ScalarNode else _build(item, where, positions, offset))
    return items


def _scalar(node: yaml.Node) -> Any:
    if node.tag not in _CORE_TAGS:
        raise _Reject(
            node.start_mark.line + 1,
            node.start_mark.column + 1,
            "E109",
            f"YAML tag `{node.tag}` is not allowed; write a plain value",
        )
    # Fast paths for the two commonest scalars (the constructor's dispatch is most of
    # the load time); anything unusual (0x, 0o, 1_000, 012, 19+ digits) goes the long way.
    if node.tag == _STR_TAG:
        # names, journals, dates and kinds repeat across a corpus's references: one copy of each
        # (a parsed article held 17.7 KB as Python objects, 9 KB so; the workers' pickles share them too)
        return sys.intern(node.value) if len(node.value) <= SHARED_TEXT else node.value
    if (
        node.tag == _INT_TAG
        and len(node.value) <= 18
        and node.value.isascii()
        and node.value.isdigit()
        and (node.value[0] != "0" or node.value == "0")
    ):
        return int(node.value)
    try:
        value = _constructor.construct_object(node)
    except (ValueError, OverflowError, ArithmeticError):
        # 2025-02-30 looks like a date to YAML but is none, and a 5000-digit number
        # exceeds Python's limit: keep the text as written so the schema names the field.
        return str(node.value)
    if isinstance(value, int) and value.bit_length() > 63:
        return str(node.value)  # 0xfff… can be huge; no field holds such a number
    if isinstance(value, (dt.date, dt.datetime)):
        return sys.intern(value.isoformat())  # JSON Schema's `format: date` checks strings
    if isinstance(value, float) and value != value:
        return "nan"
    return value


def load_article(path: str, data: bytes) -> tuple[Article | None, list[Problem]]:
    """An article from the file's bytes, or the problems that stop it from being read."""
    text, problems = decode(path, data)
    if text is None:
        return None, problems
    parts, problems = split(path, text)
    if parts is None:
        return None, problems
    fm_text, body, body_line = parts
    located, problems = parse_yaml(path, fm_text, first_line=2)
    if located is None:
        return None, problems
    if not isinstance(located.data, dict):
        kind = "empty" if located.data is None else ("a list" if isinstance(located.data, list) else "a single value")
        return None, [
            Problem(
                path,
                2,
                1,
                "E110",
                f"front matter is {kind}, not a set of `key: value` fields; see the writer's guide for the fields an "
                "article needs",
            )
        ]
    meta = located.data
    return Article(path, meta, body, body_line, located, content_digest(meta, body)), []


def load_registry(path: str, data: bytes) -> tuple[Registry | None, list[Problem]]:
    """The people registry; schema problems are reported by the rules, not here."""
    text, problems = decode(path, data)
    if text is None:
        return None, problems
    located, problems = parse_yaml(path, text)
    if located is None:
        return None, problems
    if not isinstance(located.data, dict) or not isinstance(located.data.get("people"), list):
        return None, [Problem(path, 1, 1, "E110", "the registry must be a mapping with a `people:` list")]
    people: dict[str, Person] = {}
    for entry in located.data["people"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            continue  # the schema rule reports it
        people.setdefault(
            entry["id"],
            Person(
                id=entry["id"],
                name=str(entry.get("name", entry["id"])),
                credentials=str(entry.get("credentials") or ""),
                roles=tuple(r for r in entry.get("roles") or () if isinstance(r, str)),
                specialties=tuple(s for s in entry.get("specialties") or () if isinstance(s, str)),
                github=str(entry.get("github") or ""),
                since=str(entry.get("since") or ""),
                until=str(entry.get("until") or ""),
                bio=str(entry.get("bio") or ""),
            ),
        )
    return Registry(path, people, located), []
