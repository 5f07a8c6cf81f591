"""Schema rules: the front matter and the registry against `schemas/`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported by schemas.validator only when a file fails the quick check
    import jsonschema

from ..jsonschemas import describe, quick_check, validator
from ..model import Article, Context, Located, Policy, Problem, Registry
from . import visible_text

FILE_LOCAL = True  # the front matter against the schema: this file alone (see rules/__init__.py)


def check(articles: Sequence[Article], ctx: Context) -> Iterator[Problem]:
    for article in articles:
        yield from validate(article.path, article.meta, article.located, "article")


def check_registry(registry: Registry) -> Iterator[Problem]:
    yield from validate(registry.path, registry.located.data, registry.located, "people")


def policy(path: str, options: dict, line: int = 1) -> tuple[Policy | None, list[Problem]]:
    """The editorial policy from the plugin's options, or the problems that void it.

    One function for the CLI (mkdocs.yml on disk), the plugin (its own options) and
    check-transitions (mkdocs.yml at a commit), so all three judge options alike."""
    problems = list(validate(path, options, Located(options, {}, (line, 1)), "policy"))
    problems += visible_text.in_values(path, options, lambda *key: (line, 1))  # it is signed into every record
    return (None, problems) if problems else (Policy.from_options(options), [])


def validate(path: str, data, located: Located, schema: str) -> Iterator[Problem]:
    if quick_check(schema)(data):
        return
    errors = sorted(validator(schema).iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    for error in errors:
        for leaf in _leaves(error):
            yield _problem(path, leaf, located, schema)


def _leaves(error: jsonschema.ValidationError):
    """anyOf errors hide the useful message in their context; report the deepest."""
    if error.context:
        deepest = max(error.context, key=lambda e: len(e.absolute_path))
        return [deepest] if len(deepest.absolute_path) > len(error.absolute_path) else [error]
    return [error]


def _problem(path: str, error: jsonschema.ValidationError, located: Located, schema: str) -> Problem:
    where = tuple(error.absolute_path)
    name = ".".join(str(p) for p in where) or "front matter"
    value = error.instance
    kind = error.validator
    if kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = [k for k in value if k not in allowed]
        key = extra[0] if extra else ""
        line, col = located.pos(*where, key)
        code = "E202"
        message = f"unknown field `{key}` in {name}; the fields allowed here are: {', '.join(allowed)}"
        if key == "status":
            message = (
                "unknown field `status`; the review state is `review_status` (submitted, under_review or approved)"
            )
        return Problem(path, line, col, code, message)
    line, col = located.pos(*where)
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        hint = describe(schema, where + (missing,))
        return Problem(
            path, line, col, "E201", f"missing required field `{missing}` in {name}" + (f": {hint}" if hint else "")
        )
    if kind == "enum":
        options = ", ".join(str(o) for o in error.validator_value)
        return Problem(
            path, line, col, "E204", f"`{name}` is {value!r}; it must be one of: {options} (exactly, in lowercase)"
        )
    if kind == "format":
        return Problem(
            path, line, col, "E205", f"`{name}` is {value!r}, not a real date; write YYYY-MM-DD, e.g. 2025-06-09"
        )
    if kind == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        shown = (
            "a list" if expected == "array" else ("a mapping of fields" if expected == "object" else f"a {expected}")
        )
        return Problem(path, line, col, "E203", f"`{name}` must be {shown}, not {_kind(value)}" + _hint(schema, where))
    if kind == "pattern":
        return Problem(
            path, line, col, "E206", f"`{name}` is {value!r}, which is not in the expected form" + _hint(schema, where)
        )
    if kind in ("minItems", "minLength"):
        return Problem(path, line, col, "E207", f"`{name}` is empty or too short" + _hint(schema, where))
    if kind in ("maxItems", "maxLength"):
        return Problem(path, line, col, "E207", f"`{name}` is too long" + _hint(schema, where))
    if kind == "uniqueItems":
        return Problem(path, line, col, "E208", f"`{name}` lists the same entry twice; remove the repeat")
    if kind == "anyOf" and all(set(option) == {"required"} for option in error.validator_value):
        # e.g. a CSL name: the JSON Schema wording ("not valid under any of the given schemas") helps nobody
        fields = " or ".join(f"`{f}`" for option in error.validator_value for f in option["required"])
        return Problem(path, line, col, "E201", f"`{name}` needs {fields}" + _hint(schema, where))
    return Problem(path, line, col, "E209", f"`{name}`: {error.message}" + _hint(schema, where))


def _kind(value) -> str:
    return {
        dict: "a mapping",
        list: "a list",
        str: "text",
        bool: "true/false",
        int: "a number",
        float: "a number",
        type(None): "empty",
    }.get(type(value), type(value).__name__)


def _hint(schema: str, where: tuple) -> str:
    text = describe(schema, where)
    return f" ({text})" if text else ""
