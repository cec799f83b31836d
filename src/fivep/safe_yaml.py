"""YAML from users' files (front matter, codebooks, recommendations, REFI-QDA descriptions), read safely.

PyYAML's ``safe_load`` refuses to build objects, but still expands aliases: a 602-byte front matter
of nested anchors and aliases ("billion laughs" in YAML) expands to gigabytes. fivep's files never
need anchors and aliases, so :class:`NoAliasLoader` refuses an alias where it appears, with an
ordinary :class:`yaml.YAMLError` that carries its line (callers already turn those into clear errors).
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import ComposerError


class NoAliasLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses aliases (``*name``) instead of expanding them."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise ComposerError(None, None, f"aliases (*{event.anchor}) are not accepted: write the value out "
                                            "(an alias can expand a few bytes into gigabytes)", event.start_mark)
        return super().compose_node(parent, index)


def load(text: str) -> Any:
    """``yaml.safe_load(text)``, refusing aliases."""
    return yaml.load(text, Loader=NoAliasLoader)


def compose(text: str) -> Any:
    """``yaml.compose(text)`` with the safe loader, refusing aliases."""
    return yaml.compose(text, Loader=NoAliasLoader)
