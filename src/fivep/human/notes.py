"""Memos (``memos.csv``) and decisions on suggestions (``suggestions.csv``): plain files in the study folder.

Rows about a statement keep its text (``quote``, ``prefix``, ``suffix``, offsets), like coder files, so
they follow the statement when a transcript is edited; one whose statement cannot be found is orphaned
and kept.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from fivep.errors import InputError
from fivep.ingest.anchor import anchor_of, place
from fivep.ingest.codings import segment_of, write_anchor
from fivep.model import Document, Segment
from fivep.records import Table, now
from fivep.store import Suggestion

MEMOS_FILE = "memos.csv"
MEMO_COLUMNS = ("memo_id", "target_kind", "target_id", "doc_id", "start", "end", "quote", "prefix", "suffix",
                "author", "text", "created", "updated")
TARGETS = ("statement", "code", "document")
DECISIONS_FILE = "suggestions.csv"
DECISION_COLUMNS = ("doc_id", "segment_id", "start", "end", "quote", "prefix", "suffix", "code_id", "model", "score",
                    "status", "reviewer", "decided_at")


@dataclass(frozen=True)
class Placed:
    """Where a statement row is now: its segment, or why it is orphaned."""

    index: int
    segment: Segment | None
    reason: str = ""


def place_statements(table: Table, documents: Sequence[Document], segments: Sequence[Segment],
                     segment_column: str = "segment_id", only: Mapping[str, str] | None = None) -> list[Placed]:
    """Place the statement rows of ``table`` (those where column ``only`` has the given value, if set),
    updating their anchor cells when the statement moved."""
    docs = {d.id: d for d in documents}
    by_doc: dict[str, list[Segment]] = {}
    for s in sorted(segments, key=lambda s: (s.doc_id, s.start)):
        by_doc.setdefault(s.doc_id, []).append(s)
    out: list[Placed] = []
    for index, row in enumerate(table.rows):
        if only and any(table.get(row, k) != v for k, v in only.items()):
            continue
        doc = docs.get(table.get(row, "doc_id"))
        if doc is None:
            out.append(Placed(index, None, f"document '{table.get(row, 'doc_id')}' is not in the study"))
            continue
        start = table.get(row, "start")
        placement = place(doc.text, table.get(row, "quote", strip=False), table.get(row, "prefix", strip=False),
                          table.get(row, "suffix", strip=False), int(start) if start.isdigit() else None)
        if placement.start is None or placement.end is None:
            out.append(Placed(index, None, placement.how))
            continue
        anchor = anchor_of(doc.text, placement.start, placement.end)
        segment = segment_of(anchor.start, anchor.end, by_doc.get(doc.id, []))
        if segment is None:
            out.append(Placed(index, None, "its text is not inside a respondent's statement"))
            continue
        write_anchor(table, row, anchor, segment.id, True, segment_column)
        out.append(Placed(index, segment))
    return out


def statement_cells(document: Document, segment: Segment) -> dict[str, object]:
    """The anchor cells of a whole statement."""
    anchor = anchor_of(document.text, segment.start, segment.end)
    return {"doc_id": segment.doc_id, "start": anchor.start, "end": anchor.end, "quote": anchor.quote,
            "prefix": anchor.prefix, "suffix": anchor.suffix}


# --- memos -------------------------------------------------------------------------------------------

def memos_table(root: Path) -> Table:
    return Table.read(root / MEMOS_FILE, new_header=MEMO_COLUMNS)


def new_memo(table: Table, target_kind: str, target_id: str, text: str, author: str,
             cells: Mapping[str, object]) -> str:
    """Append a memo row; returns its id (random, so memos of two researchers can be merged)."""
    if target_kind not in TARGETS:
        raise InputError(f"unknown memo target '{target_kind}'", hint=f"use one of {', '.join(TARGETS)}")
    if not text.strip():
        raise InputError("a memo needs some text")
    if not author.strip():
        raise InputError("a memo needs an author", hint="give author='your name'")
    memo_id = uuid.uuid4().hex[:12]
    stamp = now()
    table.append({"memo_id": memo_id, "target_kind": target_kind, "target_id": target_id, **cells,
                  "author": author, "text": text, "created": stamp, "updated": stamp})
    return memo_id


def memo_row(table: Table, memo_id: str) -> int:
    for index, row in enumerate(table.rows):
        if table.get(row, "memo_id") == memo_id:
            return index
    raise InputError(f"no memo with id '{memo_id}'", path=table.path, hint="list them with Study.memos()")


# --- decisions on suggestions ------------------------------------------------------------------------

def decisions_table(root: Path) -> Table:
    return Table.read(root / DECISIONS_FILE, new_header=DECISION_COLUMNS)


def record_decision(table: Table, placed: Sequence[Placed], suggestion: Suggestion, document: Document,
                    segment: Segment, status: str, reviewer: str, decided_at: str) -> None:
    """Write one decision: the row of the same statement, code and model is updated, else added."""
    for p in placed:
        row = table.rows[p.index]
        if p.segment is not None and p.segment.id == segment.id and table.get(row, "code_id") == suggestion.code_id \
                and table.get(row, "model") == suggestion.model:
            break
    else:
        row = table.append({**statement_cells(document, segment), "segment_id": segment.id,
                            "code_id": suggestion.code_id, "model": suggestion.model,
                            "score": round(suggestion.score, 4)})
    table.set(row, "status", status)
    table.set(row, "reviewer", reviewer)
    table.set(row, "decided_at", decided_at)


def read_decisions(root: Path, documents: Sequence[Document], segments: Sequence[Segment]
                   ) -> tuple[Table, list[Suggestion], list[str], bool]:
    """The decided suggestions of ``suggestions.csv`` placed on their statements, the rows that could
    not be placed (``"suggestions.csv row N: reason"``) and whether anchors in the table changed."""
    table = decisions_table(root)
    before = table.render()
    out: list[Suggestion] = []
    lost: list[str] = []
    for p in place_statements(table, documents, segments):
        row = table.rows[p.index]
        if p.segment is None:
            lost.append(f"{table.path.name} row {table.row_number(p.index)}: {p.reason}")
            continue
        status = table.get(row, "status").casefold() or "pending"
        if status not in ("accepted", "rejected", "pending"):
            lost.append(f"{table.path.name} row {table.row_number(p.index)}: unknown status '{status}' (use accepted "
                        "or rejected); the row is left out")
            continue
        try:
            score = float(table.get(row, "score") or 0)
        except ValueError:
            score = 0.0
        out.append(Suggestion(0, p.segment.doc_id, p.segment.id, p.segment.start, p.segment.end,
                              table.get(row, "code_id"), table.get(row, "model"), score,
                              status, table.get(row, "reviewer") or None,
                              table.get(row, "decided_at") or None))
    return table, [s for s in out if s.status != "pending"], lost, table.render() != before
