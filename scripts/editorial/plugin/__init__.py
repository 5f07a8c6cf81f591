"""The `editorial` MkDocs plugin (the publish gate); see plugin.py."""

from .plugin import EditorialPlugin

__all__ = ["EditorialPlugin"]
