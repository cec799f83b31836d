"""YAML from users' files (front matter, codebooks, recommendations, REFI-QDA descriptions), read safely.

PyYAML's ``safe_load`` refuses to build objects, but still expands aliases: a 602-byte front matter
of nested anchors and aliases ("billion laughs" in YAML) expands to gigabytes. fivep's files never
need anchors and aliases, so an alias is refused where it appears, with an ordinary
:class:`yaml.YAMLError` that carries its line (callers already turn those into clear errors).

The text is parsed by libyaml when PyYAML was built with it (``yaml.CSafeLoader``; the pure-Python
parser takes 0.15 s for the built-in codebook, libyaml a tenth of that): its events are read once
to refuse any alias, then the same text is loaded.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import ComposerError

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class NoAliasLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses aliases (``*name``) instead of expanding them."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            _refuse(self.peek_event())
        return super().compose_node(parent, index)


def _refuse(event: Any) -> None:
    raise ComposerError(None, None, f"aliases (*{event.anchor}) are not accepted: write the value out "
                                    "(an alias can expand a few bytes into gigabytes)", event.start_mark)


def _check(text: str) -> None:
    """Refuse the first alias of ``text`` (libyaml's events, no node is built)."""
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            _refuse(event)


def load(text: str) -> Any:
    """``yaml.safe_load(text)``, refusing aliases."""
    _check(text)
    return yaml.load(text, Loader=_Loader)


def compose(text: str) -> Any:
    """``yaml.compose(text)`` with the safe loader, refusing aliases."""
    _check(text)
    return yaml.compose(text, Loader=_Loader)
