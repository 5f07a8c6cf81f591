"""The plugin's typed options: the editorial policy (schemas/policy.schema.json)."""
from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class EditorialConfig(Config):
    min_approvals = c.Type(int, default=1)
    review_interval_days = c.Type(int, default=365)
    specialty_match = c.Type(bool, default=False)
    citation_style = c.Type(str, default="american-medical-association")
    repo_url = c.Type(str, default="")
    retractions = c.Type(str, default="")
    retractions_sha256 = c.Type(str, default="")
