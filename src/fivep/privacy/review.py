"""The review file and the key file of a de-identification.

The review file (CSV, UTF-8 with BOM so that Excel shows Thai) lists every detection with its context
and a ``decision`` a researcher can change and re-apply:

``accept``
    replace the identifier with its pseudonym (the default);
``reject``
    keep the text (not an identifier);
``edit``
    replace it with what the ``replacement`` column says;
``add``
    a row the researcher adds for an identifier fivep missed: ``doc_id`` (or ``*`` for every document),
    ``text`` and ``type``; every occurrence is replaced.

The key file maps originals to pseudonyms. Both hold the identifiers in clear: they are written under
``STUDY/.fivep/private/``, never into the de-identified output.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fivep.cells import safe_writer, unescape_cell
from fivep.errors import InputError
from fivep.privacy.private import write_private
from fivep.privacy.pseudonyms import KeyEntry
from fivep.privacy.spans import ENTITY_TYPES

DECISIONS = ("accept", "reject", "edit", "add")
COLUMNS = ("id", "doc_id", "start", "end", "type", "text", "before", "after", "rule", "pseudonym", "decision",
           "replacement")
CONTEXT = 40


class ReviewError(InputError):
    """The review file cannot be applied."""


@dataclass(frozen=True)
class Detection:
    """One row of the review file."""

    doc_id: str
    start: int
    end: int
    type: str
    text: str
    before: str = ""
    after: str = ""
    rule: str = ""
    pseudonym: str = ""
    decision: str = "accept"
    replacement: str = ""

    @property
    def id(self) -> str:
        return f"{self.doc_id}:{self.start}-{self.end}"


def context(text: str, start: int, end: int, width: int = CONTEXT) -> tuple[str, str]:
    """The text around ``[start, end)``, on one line."""
    before = text[max(0, start - width) : start].replace("\n", " ⏎ ")
    after = text[end : end + width].replace("\n", " ⏎ ")
    return before, after


def write_review(path: Path, detections: Iterable[Detection]) -> None:
    buffer = io.StringIO()
    writer = safe_writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for d in detections:
        writer.writerow([d.id, d.doc_id, d.start, d.end, d.type, d.text, d.before, d.after, d.rule, d.pseudonym,
                         d.decision, d.replacement])
    write_private(path, buffer.getvalue(), encoding="utf-8-sig")


def read_review(path: Path, documents: dict[str, str]) -> list[Detection]:
    """Read a (possibly edited) review file, checking every row against the documents' text.

    Raises :class:`ReviewError` naming the file and row of the first row that cannot be applied.
    """
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ReviewError("review file not found", path=path) from None
    except UnicodeDecodeError:
        raise ReviewError("the review file is not UTF-8", path=path, hint="save it as CSV UTF-8") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("doc_id", "start", "end", "type", "text", "decision") if c not in (reader.fieldnames or [])]
    if missing:
        raise ReviewError(f"the review file lacks the column(s) {', '.join(missing)}", path=path, row=1,
                          hint="start from the file fivep deidentify wrote")
    out: list[Detection] = []
    for row in reader:
        number = reader.line_num
        decision = (row.get("decision") or "accept").strip().casefold() or "accept"
        if decision not in DECISIONS:
            raise ReviewError(f"unknown decision {decision!r}", path=path, row=number, column="decision",
                              hint=f"use one of {', '.join(DECISIONS)}")
        kind = (row.get("type") or "PERSON").strip().upper() or "PERSON"
        if kind not in ENTITY_TYPES:
            raise ReviewError(f"unknown type {kind!r}", path=path, row=number, column="type",
                              hint=f"use one of {', '.join(ENTITY_TYPES)}")
        doc_id = unescape_cell((row.get("doc_id") or "").strip())
        value = unescape_cell(row.get("text") or "")   # fivep escapes cells against formulas
        replacement = unescape_cell(row.get("replacement") or "")
        if decision == "edit" and not replacement.strip():
            raise ReviewError("decision 'edit' needs a replacement", path=path, row=number, column="replacement")
        if decision == "add":
            if not value.strip():
                raise ReviewError("an 'add' row needs the text to replace", path=path, row=number, column="text")
            if doc_id != "*" and doc_id not in documents:
                raise ReviewError(f"unknown document {doc_id!r}", path=path, row=number, column="doc_id")
            out.append(Detection(doc_id, 0, 0, kind, value, decision="add", replacement=replacement))
            continue
        if doc_id not in documents:
            raise ReviewError(f"unknown document {doc_id!r}", path=path, row=number, column="doc_id",
                              hint="the review file belongs to another study, or the study was ingested again")
        try:
            start, end = int(row["start"]), int(row["end"])
        except (TypeError, ValueError):
            raise ReviewError("start and end must be whole numbers", path=path, row=number) from None
        if not (0 <= start < end <= len(documents[doc_id])) or documents[doc_id][start:end] != value:
            raise ReviewError(f"the text at {start}-{end} of {doc_id} is not {value!r}", path=path, row=number,
                              hint="the transcripts changed since the review file was written: run "
                                   "fivep deidentify without --review to write a new one")
        out.append(Detection(doc_id, start, end, kind, value, rule=row.get("rule") or "", decision=decision,
                             replacement=replacement))
    return out


def write_key(path: Path, entries: Sequence[KeyEntry]) -> None:
    buffer = io.StringIO()
    writer = safe_writer(buffer, lineterminator="\n")
    writer.writerow(("type", "original", "pseudonym"))
    for entry in entries:
        writer.writerow((entry.type, entry.original, entry.pseudonym))
    write_private(path, buffer.getvalue(), encoding="utf-8-sig")
