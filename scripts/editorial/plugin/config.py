"""The plugin's options: the editorial policy, as `mkdocs.yml` writes it.

The policy is declared in schemas/policy.schema.json, which validates the values before use
(rules.schema.policy); the options below say the same names, types and defaults to MkDocs,
and a test checks them, and `model.Policy`, against the schema."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class EditorialConfig(Config):
    """The `editorial` plugin's options (see the module's docstring)."""

    min_approvals = c.Type(int, default=1)
    review_interval_days = c.Type(int, default=365)
    specialty_match = c.Type(bool, default=False)
    citation_style = c.Type(str, default="american-medical-association")
    repo_url = c.Type(str, default="")
    site_pages = c.ListOfItems(c.Type(str), default=[])
    maintainers = c.ListOfItems(c.Type(str), default=[])
    retractions = c.Type(str, default="")
    retractions_sha256 = c.Type(str, default="")
    approval_meaning = c.Type(str, default="Reviewed for medical accuracy against the cited sources")
