"""The content digest that binds an approval to the exact content approved.

SHA-256 over the front matter without its workflow fields (canonical JSON: keys
sorted, so key order, quoting and comments do not count) and the body with LF
line endings (leading blank lines and trailing white space do not count either).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .vocabulary import WORKFLOW_FIELDS

PREFIX = "sha256:"


def canonical_meta(meta: dict[str, Any]) -> str:
    content = {k: v for k, v in meta.items() if k not in WORKFLOW_FIELDS}
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def normalise_body(body: str) -> str:
    body = body.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return body.lstrip("\n").rstrip()


def content_digest(meta: dict[str, Any], body: str) -> str:
    payload = canonical_meta(meta) + "\n---\n" + normalise_body(body) + "\n"
    return PREFIX + hashlib.sha256(payload.encode("utf-8")).hexdigest()
