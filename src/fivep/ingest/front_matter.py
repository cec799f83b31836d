"""Checks on a transcript's front matter, as strict as the roster's: a misspelt key or a value fivep cannot
read is a warning naming the line, never stored silently (a misspelt ``speakrs:`` dropped the whole
speaker mapping without a word).

Keys fivep reads are in :data:`KNOWN_KEYS`; others are kept as document metadata, with a warning naming
the closest known key. ``language`` is ``th`` or ``en``; ``method`` and ``province`` are read as in the
roster, and a value read differently is reported.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

KNOWN_KEYS = ("id", "title", "language", "method", "province", "date", "speakers", "translated_from",
              "session_id", "deidentified", "format", "encoding")
_LANGUAGES = {"th": "th", "tha": "th", "thai": "th", "ไทย": "th", "ภาษาไทย": "th",
              "en": "en", "eng": "en", "english": "en", "อังกฤษ": "en", "ภาษาอังกฤษ": "en"}


def key_lines(block: list[str], first_line: int) -> dict[str, int]:
    """Top-level key -> its line in the file (``first_line`` is the line of ``block[0]``)."""
    out: dict[str, int] = {}
    for i, line in enumerate(block):
        found = re.match(r"""^["']?([^\s:#"'][^:#"']*?)["']?\s*:""", line)
        if found:
            out.setdefault(found.group(1).strip(), first_line + i)
    return out


def check_front_matter(meta: dict[str, Any], lines: dict[str, int], path: str | Path) -> list[str]:
    """Warnings about ``meta`` (read values are replaced by their canonical form in place)."""
    from fivep.ingest.vocabulary import closest, known_spellings, normalize_method, normalize_province

    out: list[str] = []

    def at(key: str) -> str:
        return f"{path}, line {lines[key]}" if key in lines else str(path)

    for key in list(meta):
        if str(key) in KNOWN_KEYS:
            continue
        near = closest(str(key), KNOWN_KEYS, cutoff=0.6)
        lost = " (so its speaker mapping is not used)" if near == "speakers" else ""
        out.append(f"{at(key)}: unknown front-matter key '{key}'" + (f" (did you mean '{near}'?)" if near else "")
                   + f"; kept as document metadata, not read{lost}")
    language = meta.get("language")
    if language is not None:
        read = _LANGUAGES.get(str(language).strip().casefold().split("-")[0])
        if read is None:
            out.append(f"{at('language')}: language must be th or en, not {language!r}; ignored, the language is "
                       "detected from the text")
            del meta["language"]
        elif read != language:
            out.append(f"{at('language')}: language {language!r} read as '{read}'")
            meta["language"] = read
    for key, reader, hint in (("method", normalize_method, "interview or focus_group"),
                              ("province", normalize_province, "a Thai province in Thai or English script")):
        value = meta.get(key)
        if value is None or str(value).strip() == "":
            continue
        read = reader(str(value))
        if read is None:
            canonical = reader(near) if (near := closest(str(value), known_spellings(key))) else None
            out.append(f"{at(key)}: cannot read {key} {value!r}"
                       + (f" (did you mean '{canonical or near}'?)" if near else "") + f"; use {hint}; kept as written")
        elif read != value:
            out.append(f"{at(key)}: {key} {value!r} read as '{read}'")
            meta[key] = read
    return out
