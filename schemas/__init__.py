"""The JSON Schemas (draft 2020-12) of the product contract: article front matter, people
registry, policy. This folder ships inside the editorial package as `editorial.schemas`, so
an installed wheel reads the same files (see pyproject.toml)."""
