"""The publish gate. Placeholder: filled in by the publish-gate work."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Build:
    """What one build knows: the policy, the corpus, what is published. Shared by the hooks."""

    options: dict
    preview: bool = False
    dirty: bool = False
    corpus: object = None
    published: dict = field(default_factory=dict)  # src_uri -> Article

    @classmethod
    def start(cls, config, options, *, preview: bool, dirty: bool) -> "Build":
        return cls(dict(options), preview, dirty)


def select(build, files, config):
    return files


def check_nav(build, nav, config, files):
    return nav


def post_page(build, output, page, config):
    return output


def finish(build, config):
    pass


def abort(build):
    pass
