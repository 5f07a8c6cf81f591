"""The JSON Schemas of `schemas/`, loaded once, with date formats really checked.

The top-level `schemas/` folder is the package `editorial.schemas` (pyproject.toml maps it), so
a wheel carries the very files the repository holds, and they are read as package data."""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import cache
from importlib import resources

import fastjsonschema

SCHEMAS = "editorial.schemas"  # the package that holds them


@cache
def schema(name: str) -> dict:
    return json.loads(resources.files(SCHEMAS).joinpath(f"{name}.schema.json").read_text(encoding="utf-8"))


@cache
def validator(name: str):
    """The full validator: its errors say where and why (the quick check only says whether)."""
    import jsonschema  # about 0.05 s of every command's start; needed only when something is wrong

    return jsonschema.Draft202012Validator(schema(name), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def describe(name: str, path: tuple) -> str:
    """The schema's `description` of a property, for messages."""
    node = schema(name)
    for part in path:
        node = node.get("items", {}) if isinstance(part, int) else node.get("properties", {}).get(part, {})
    return node.get("description", "")


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _is_date(value: str) -> bool:
    # Python 3.11's fromisoformat also takes 2025-W01-1; jsonschema, like RFC 3339, does not
    if not _DATE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
        return True
    except ValueError:
        return False


@cache
def quick_check(name: str):
    """A compiled yes/no validator (fastjsonschema, ~20x faster than jsonschema).

    Most documents are valid, so they pass here; only those that fail are run
    through jsonschema, which reports every error with its path. The keywords our
    schemas use mean the same in draft-07 (all fastjsonschema knows) and 2020-12;
    a test checks that both validators agree."""
    draft7 = {**schema(name), "$schema": "http://json-schema.org/draft-07/schema#"}
    compiled = fastjsonschema.compile(draft7, formats={"date": _is_date})

    def is_valid(data) -> bool:
        try:
            compiled(data)
            return True
        except fastjsonschema.JsonSchemaException:
            return False

    return is_valid
