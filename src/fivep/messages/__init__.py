"""Message catalogues: every sentence fivep shows users, one TOML file per language."""

from __future__ import annotations

import re
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


# "{n|respondent|respondents}": the first form when the value named is 1, else the second.
_PLURAL = re.compile(r"\{(\w+)\|([^|{}]*)\|([^|{}]*)\}")


def message(lang: str, key: str, **values: Any) -> str:
    """The sentence ``key`` (dotted, e.g. ``"demographics.total"``) in ``lang``, formatted.

    A sentence may choose a word by a count: ``{n|respondent|respondents}`` gives the first form when
    ``n`` is 1 and the second otherwise (so "1 respondent", "2 respondents").
    """
    node: Any = catalogue(lang)
    for part in key.split("."):
        node = node[part]
    text = _PLURAL.sub(lambda m: m.group(2) if _is_one(values.get(m.group(1))) else m.group(3), str(node))
    return text.format(**values) if values else text


def _is_one(value: Any) -> bool:
    try:
        return float(value) == 1
    except (TypeError, ValueError):
        return False


def singular(label: str) -> str:
    """An English plural label for one person: "senior experts" -> "senior expert", "NGO staff" unchanged."""
    head, _, last = label.rpartition(" ")
    if last.endswith("ies") and len(last) > 4:
        last = last[:-3] + "y"
    elif last.endswith("s") and not last.endswith(("ss", "us", "is")) and len(last) > 3:
        last = last[:-1]
    return f"{head} {last}" if head else last
