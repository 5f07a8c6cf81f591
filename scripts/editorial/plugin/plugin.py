"""The `editorial` MkDocs plugin. Stub for now: the publish gate comes next."""
from mkdocs.plugins import BasePlugin

from .config import EditorialConfig


class EditorialPlugin(BasePlugin[EditorialConfig]):
    pass
