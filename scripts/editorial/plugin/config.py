"""The plugin's options, made from the policy's JSON Schema (schemas/policy.schema.json).

The schema is the one place the editorial policy is declared: each property becomes an
option of the matching type and default here, `model.Policy` is checked against it by a
test, and the values are validated by the schema itself (rules.schema.policy) before use."""

from __future__ import annotations

from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from ..core.jsonschemas import schema

_TYPES: dict[str, Any] = {"integer": int, "boolean": bool, "string": str}


def _option(spec: dict[str, Any]) -> Any:
    if spec.get("type") == "array":
        return c.ListOfItems(c.Type(str), default=list(spec.get("default", [])))
    return c.Type(_TYPES[spec["type"]], default=spec.get("default"))


def options() -> dict[str, Any]:
    """One MkDocs option per property of the policy schema."""
    return {name: _option(spec) for name, spec in schema("policy")["properties"].items()}


class EditorialConfig(Config):
    """The `editorial` plugin's options: the editorial policy (see the module's docstring)."""

    vars().update(options())  # the class body's namespace: Config collects its options from it
