"""Quotes in the report's language, and the privacy gate every quote passes.

Translations: a report quotes statements as respondents said them, in Thai or English. A quote in the
other language needs a translation a researcher makes and checks: fivep writes the quotes a report
chose into ``STUDY/translations.csv`` (one row per statement and target language, the ``translation``
column empty) for the team to fill, and keeps whatever is already there (rows are never dropped or
changed). Until a row is filled, the report shows the original with a marked gist line saying the
translation is pending; a translation made for a statement whose text has since changed is not used
and the report says so.

Privacy: quotes pass :mod:`fivep.privacy` (approvals of minors' quotes with reasons, the identifier
filter) through :func:`privacy_gate`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fivep.errors import InputError

FILE = "translations.csv"
COLUMNS = ["segment_id", "respondent", "source", "target", "original", "translation", "translator", "note"]


@dataclass(frozen=True)
class Translation:
    segment_id: str
    target: str
    original: str
    translation: str
    translator: str
    line: int


def read_translations(root: Path) -> dict[tuple[str, str], Translation]:
    """``(segment_id, target language) -> Translation`` from ``STUDY/translations.csv`` (empty if absent)."""
    path = root / FILE
    if not path.exists():
        return {}
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", path=path, hint="save translations.csv as UTF-8 CSV") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("segment_id", "target", "original", "translation") if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", path=path,
                         hint=f"keep the header fivep wrote: {','.join(COLUMNS)}")
    out = {}
    for line, row in enumerate(reader, 2):
        key = ((row.get("segment_id") or "").strip(), (row.get("target") or "").strip())
        if not key[0] or key[1] not in ("th", "en"):
            raise InputError("a row needs a segment_id and a target of th or en", path=path, line=line)
        out[key] = Translation(key[0], key[1], row.get("original") or "", (row.get("translation") or "").strip(),
                               (row.get("translator") or "").strip(), line)
    return out


def request_translations(root: Path, wanted: Iterable[tuple[Any, str]]) -> tuple[Path, int]:
    """Add a row for each ``(quote, target language)`` not yet in the file; returns the path and how many
    rows were added. Existing rows (and their order) are kept as they are."""
    path = root / FILE
    existing = read_translations(root)
    rows = []
    for quote, target in wanted:
        key = (quote.segment_id, target)
        if key in existing:
            continue
        existing[key] = Translation(quote.segment_id, target, quote.text, "", "", 0)
        rows.append({"segment_id": quote.segment_id, "respondent": quote.respondent_id, "source": quote.language,
                     "target": target, "original": quote.text, "translation": "", "translator": "", "note": ""})
    if rows:
        new = not path.exists()
        with open(path, "a", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS, extrasaction="ignore")
            if new:
                writer.writeheader()
            writer.writerows(rows)
    return path, len(rows)


def translation_for(quote: Any, target: str, table: dict[tuple[str, str], Translation]) -> tuple[str, str]:
    """``("translated", text)``, ``("stale", "")`` (the statement changed since) or ``("pending", "")``."""
    row = table.get((quote.segment_id, target))
    if row is None or not row.translation:
        return "pending", ""
    if " ".join(row.original.split()) != " ".join(quote.text.split()):
        return "stale", ""
    return "translated", row.translation


# --- privacy ---------------------------------------------------------------------------------------------
# Whether a statement may be quoted, by which pseudonymous code, and its identifier filter: all decided by
# fivep.privacy.quotes (a minor's statement only after a researcher approved it in quote-approvals.csv;
# not from a group smaller than k; the de-identification review honoured). Nothing else decides.

Gate = Callable[[Any], tuple[bool, str, str]]


def privacy_gate(study: Any) -> tuple[Gate, Callable[[str], str], Callable[[list[str]], Any]]:
    """``(status(row) -> (allowed, reason, code to print), text filter, request approvals(segment ids))``."""
    from fivep.privacy.quotes import gate

    quotes = gate(study)

    def status(row: Any) -> tuple[bool, str, str]:
        result = quotes.status(row.segment_id)
        return bool(result.allowed), str(result.reason or ""), str(result.code or row.respondent_id)

    return status, quotes.text, quotes.request
