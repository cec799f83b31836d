"""Message catalogues: every sentence fivep shows users, one TOML file per language."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES = ("en", "th")


@cache
def catalogue(lang: str) -> dict[str, Any]:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    text = resources.files(__package__).joinpath(f"{lang}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def message(lang: str, key: str, **values: Any) -> str:
    """The sentence ``key`` (dotted, e.g. ``"demographics.total"``) in ``lang``, formatted."""
    node: Any = catalogue(lang)
    for part in key.split("."):
        node = node[part]
    return str(node).format(**values) if values else str(node)
