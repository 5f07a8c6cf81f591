"""The JSON Schemas: written so writers' editors can help them (descriptions, closed
enums, no unknown keys), dates really checked, and the fast pre-check
(fastjsonschema) never accepting what jsonschema rejects."""

from __future__ import annotations

import copy
import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editorial.core.jsonschemas import SCHEMAS, quick_check, validator
from editorial.core.loader import load_article, load_registry
from editorial.workspace import plugin_options

REPO = Path(__file__).resolve().parents[2]
SCHEMA_FILES = sorted((REPO / "schemas").glob("*.schema.json"))


def test_the_package_reads_the_repository_schemas():
    """The top-level schemas/ folder is the package's data (pyproject.toml maps it): one copy."""
    shipped = resources.files(SCHEMAS)
    assert {p.name for p in SCHEMA_FILES} >= {"article.schema.json", "people.schema.json", "policy.schema.json"}
    for path in SCHEMA_FILES:
        assert shipped.joinpath(path.name).read_bytes() == path.read_bytes()


# -- how the schemas are written ---------------------------------------------------------------
def walk(node, where="#"):
    """Every schema node (dicts that describe a value), with a JSON-pointer-like path."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            if key in ("properties", "$defs", "definitions", "patternProperties"):
                for name, sub in value.items():
                    yield from walk(sub, f"{where}/{key}/{name}")
            elif key in ("items", "additionalProperties", "not", "if", "then", "else", "contains") and isinstance(
                value, dict
            ):
                yield from walk(value, f"{where}/{key}")
            elif key in ("anyOf", "allOf", "oneOf", "prefixItems") and isinstance(value, list):
                for index, sub in enumerate(value):
                    yield from walk(sub, f"{where}/{key}/{index}")


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_schema_is_valid_draft_2020_12(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_every_property_has_a_description(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    missing = [
        f"{where}/properties/{name}"
        for where, node in walk(schema)
        for name, sub in node.get("properties", {}).items()
        if not (isinstance(sub.get("description"), str) and sub["description"].strip())
    ]
    assert missing == []


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_objects_refuse_unknown_keys(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    objects = [(where, node) for where, node in walk(schema) if node.get("type") == "object" or "properties" in node]
    assert objects
    open_objects = [where for where, node in objects if node.get("additionalProperties") is not False]
    assert open_objects == []


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_enums_are_closed_lists(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    for where, node in walk(schema):
        if "enum" in node:
            values = node["enum"]
            assert isinstance(values, list) and values, where
            assert all(isinstance(v, str) and v for v in values), where
            assert len(set(values)) == len(values), where
            # nothing beside the enum that would let other values through
            assert not {"anyOf", "oneOf", "type"} & set(node) or node.get("type") == "string", where


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_date_fields_use_format_date(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    for where, node in walk(schema):
        name = where.rsplit("/", 1)[-1]
        if name in ("created", "updated", "next_review", "date", "since", "until"):
            assert node.get("format") == "date" and node.get("type") == "string", where


@pytest.mark.parametrize(
    "value, ok",
    [
        ("2025-06-09", True),
        ("2024-02-29", True),
        ("2025-02-30", False),
        ("2025-02-29", False),
        ("2025-13-01", False),
        ("2025-6-9", False),
        ("2025-W01-1", False),
        ("20250609", False),
        ("2025-06-09T10:00:00", False),
        ("", False),
    ],
)
def test_date_format_is_actually_checked(value, ok):
    meta = sample_metas()[0]
    meta["created"] = value
    assert validator("article").is_valid(meta) is ok
    assert quick_check("article")(meta) is ok


# -- the fast path agrees with jsonschema ------------------------------------------------------------
def sample_metas() -> list[dict]:
    metas = []
    for path in sorted((REPO / "content/articles").glob("*.md")):
        article, problems = load_article(path.name, path.read_bytes())
        assert article is not None, problems
        metas.append(article.meta)
    return metas


def sample_documents() -> dict[str, list]:
    registry, _ = load_registry("people.yml", (REPO / "content/people.yml").read_bytes())
    policy, _ = plugin_options(REPO / "mkdocs.yml")
    return {"article": sample_metas(), "people": [registry.located.data], "policy": [policy]}


DOCUMENTS = sample_documents()


def agree(schema: str, data) -> bool:
    slow = validator(schema).is_valid(data)
    fast = quick_check(schema)(data)
    assert fast == slow, (
        f"fastjsonschema says {fast}, jsonschema says {slow} for {json.dumps(data, default=str)[:2000]}"
    )
    return slow


@pytest.mark.parametrize("schema", sorted(DOCUMENTS))
def test_samples_are_valid_on_both_paths(schema):
    for document in DOCUMENTS[schema]:
        assert agree(schema, document)


# values YAML can give: what writers get wrong, and the edge cases of each keyword
TRICKY = st.sampled_from(
    [
        None,
        True,
        False,
        0,
        1,
        -1,
        2,
        11,
        1.0,
        1.5,
        float("inf"),
        "",
        " ",
        "x",
        "none",
        "nan",
        "2025-06-09",
        "2025-02-30",
        "2025-W01-1",
        "20250609",
        "2025-6-9",
        "clinician",
        "patient",
        "Clinician",
        "submitted",
        "under_review",
        "approved",
        "Approved",
        "guideline",
        "research",
        "article-journal",
        "board",
        "writer",
        "sha256:" + "a" * 64,
        "sha256:" + "A" * 64,
        "sha256:" + "a" * 63,
        "jordan-mills",
        "Jordan Mills",
        "a--b",
        "-a",
        "a" * 121,
        "é" * 30,
        "https://example.org",
        "javascript:x",
        [],
        [None],
        ["clinician"],
        ["clinician", "clinician"],
        [1, True],
        ["a", "b"],
        [[2021, 11]],
        [[2021, 1, 1, 1]],
        {},
        {"family": "Doe"},
        {"literal": "A Society"},
        {"given": "Only"},
        {"date-parts": [[2021]]},
    ]
)
VALUES = st.one_of(
    TRICKY,
    st.integers(),
    st.text(max_size=30),
    st.lists(TRICKY, max_size=3),
    st.dictionaries(st.sampled_from(["id", "family", "x", "date-parts", "reviewer"]), TRICKY, max_size=3),
)


def paths(data, prefix=()):
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from paths(value, prefix + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from paths(value, prefix + (index,))


def mutate(data, where: tuple, op: str, value, key: str):
    data = copy.deepcopy(data)
    if not where:
        return value if op == "replace" else data
    parent = data
    for part in where[:-1]:
        parent = parent[part]
    last = where[-1]
    if op == "replace":
        parent[last] = value
    elif op == "delete":
        del parent[last]
    elif op == "add" and isinstance(parent[last], dict):
        parent[last][key] = value
    elif op == "add" and isinstance(parent[last], list):
        parent[last].append(value)
    elif op == "repeat" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[last]))
    return data


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_fast_path_agrees_with_jsonschema_on_mutations(data):
    schema = data.draw(st.sampled_from(sorted(DOCUMENTS)), label="schema")
    document = data.draw(st.sampled_from(DOCUMENTS[schema]), label="document")
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        where = data.draw(st.sampled_from(list(paths(document))), label="where")
        op = data.draw(st.sampled_from(["replace", "delete", "add", "repeat"]), label="op")
        key = data.draw(st.sampled_from(["id", "status", "note", "family", "x", "given", "PMID"]), label="key")
        document = mutate(document, where, op, data.draw(VALUES, label="value"), key)
    agree(schema, document)


@pytest.mark.slow
def test_fast_path_agrees_on_a_loop_of_single_mutations():
    """Deterministic companion of the property test: every node of every sample, each tricky value."""
    values = [None, True, 1, 1.5, "", "x", "2025-02-30", "2025-W01-1", [], ["x", "x"], {}, {"x": 1}]
    checked = rejected = 0
    for schema, documents in DOCUMENTS.items():
        for document in documents:
            for where in paths(document):
                for op, value in [("delete", None), ("add", "x")] + [("replace", v) for v in values]:
                    mutated = mutate(document, where, op, value, "unexpected")
                    rejected += not agree(schema, mutated)
                    checked += 1
    assert checked > 1000 and rejected > checked // 3  # the loop really exercised the rejecting side


def test_the_policy_is_declared_once_in_its_schema():
    """model.Policy and the plugin's options are checked against schemas/policy.schema.json (the
    plugin's options are made from it): the same names, and the same defaults."""
    import dataclasses

    from editorial.core.jsonschemas import schema
    from editorial.core.model import Policy
    from editorial.plugin.config import EditorialConfig

    properties = schema("policy")["properties"]
    fields = {f.name: f.default for f in dataclasses.fields(Policy)}
    assert set(fields) == set(properties)
    for name, spec in properties.items():
        default = spec["default"]
        assert fields[name] == (tuple(default) if isinstance(default, list) else default), name
    options = dict(EditorialConfig._schema)
    assert set(options) == set(properties)
    kinds = {"integer": int, "boolean": bool, "string": str}
    for name, spec in properties.items():  # each option is of the schema's type
        option = options[name]
        if spec["type"] == "array":
            assert type(option).__name__ == "ListOfItems" and option.option_type._type is str, name
        else:
            assert option._type is kinds[spec["type"]], name
    config = EditorialConfig()
    config.load_dict({})
    assert config.validate() == ([], [])
    assert {name: (tuple(v) if isinstance(v, list) else v) for name, v in config.items()} == fields
