"""Ingest's side of human work: read every file of human decisions, place it on the new text, and say
what followed its text and what could not be placed.

Nothing is stored here: :func:`read_human_work` returns the cache for the store and the file changes,
and raises (naming file and row) on a row it cannot read, before anything is written or committed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fivep.human.files import CoderFiles, new_table, read_coder_files
from fivep.human.notes import (
    DECISIONS_FILE,
    decisions_table,
    memos_table,
    place_statements,
    read_decisions,
    record_decision,
)
from fivep.ingest.anchor import anchor_of
from fivep.ingest.codings import Previous
from fivep.model import Document, Segment
from fivep.outputs import file_name
from fivep.records import Table
from fivep.store import HumanCache

if TYPE_CHECKING:
    from fivep.study import Study


@dataclass
class HumanWorkRead:
    """What :func:`read_human_work` found; :meth:`write` saves the files whose rows it updated."""

    cache: HumanCache
    files: CoderFiles
    tables: list[Table] = field(default_factory=list)    # memos / decisions with updated anchors
    notes: list[str] = field(default_factory=list)       # what changed in the files, by file and row
    orphans: list[str] = field(default_factory=list)     # what could not be placed, by file and row

    def write(self) -> None:
        for f in self.files.files:
            if f.changed:
                f.save()
        for table in self.tables:
            table.write()


def _rows(numbers: Sequence[int], limit: int = 12) -> str:
    shown = ", ".join(map(str, numbers[:limit]))
    return f"row{'s' if len(numbers) > 1 else ''} {shown}" + (f" and {len(numbers) - limit} more" if len(numbers) > limit
                                                               else "")


def previous_texts(study: Study, documents: Sequence[Document]) -> Previous:
    """The stored text and segments of every document whose text changed since the last ingest."""
    old = {d.id: d.text for d in study.store.documents()}
    changed = {d.id for d in documents if d.id in old and old[d.id] != d.text}
    segments = [s for s in study.store.segments() if s.doc_id in changed]
    return {d: (old[d], [s for s in segments if s.doc_id == d]) for d in changed}


def store_only_coders(study: Study, files: CoderFiles) -> list[str]:
    """Human coders the store knows that no coder file holds (work of an older fivep, kept only in .fivep/)."""
    return [c for c, source in study.store.coder_sources().items()
            if source == "human" and c not in files.cache.coders]


def write_store_only(study: Study, files: CoderFiles, coders: Sequence[str]) -> list[tuple[Path, str]]:
    """Write the store-only human codings and kinds of ``coders`` into coder files (with their quotes from
    the stored text); returns each file written and what was written to it."""
    texts = {d.id: d.text for d in study.store.documents()}
    segments = {s.id: s for s in study.store.segments()}
    accepted = {(x.reviewer, x.segment_id, x.code_id) for x in study.store.suggestions(status="accepted")}
    notes: list[tuple[Path, str]] = []
    for coder in coders:
        f = new_table(files, files.file_of(coder, study.codings_dir))
        if f.path.exists() and coder not in f.coders:
            f = new_table(files, study.codings_dir / f"{file_name(coder)}-from-store.csv")
        n = 0
        for c in study.store.codings(coder):
            if c.doc_id not in texts:
                continue
            a = anchor_of(texts[c.doc_id], c.start, c.end)
            f.table.append({"doc_id": c.doc_id, "segment_id": c.segment_id or "", "start": a.start, "end": a.end,
                            "quote": a.quote, "prefix": a.prefix, "suffix": a.suffix, "code_id": c.code_id,
                            "coder": coder,
                            "source": "suggestion" if (coder, c.segment_id, c.code_id) in accepted else "hand"})
            n += 1
        for sid, kind in study.store.segment_kinds(coder).items():
            s = segments.get(sid)
            if s is None or s.doc_id not in texts:
                continue
            a = anchor_of(texts[s.doc_id], s.start, s.end)
            f.table.append({"doc_id": s.doc_id, "segment_id": sid, "start": a.start, "end": a.end, "quote": a.quote,
                            "prefix": a.prefix, "suffix": a.suffix, "kind": kind, "coder": coder, "source": "hand"})
            n += 1
        f.save()
        notes.append((f.path, f"{f.path}: {n} rows of coder {coder} written from the store (they were only in .fivep/)"))
    return notes


def store_to_files(study: Study) -> list[Path]:
    """Write every human coder the store holds and no coder file has into ``codings/`` (quotes from the
    stored text); returns the files written. For a study made from another one's store (de-identified)."""
    files = read_coder_files(study.codings_dir, study.store.documents(), study.store.segments())
    return sorted({path for path, _ in write_store_only(study, files, store_only_coders(study, files))})


def write_store_decisions(study: Study) -> list[str]:
    """Decisions on suggestions that only the store holds (an older fivep) written to ``suggestions.csv``."""
    if (study.root / DECISIONS_FILE).exists():
        return []
    decided = [x for x in study.store.suggestions() if x.status != "pending"]
    docs = {d.id: d for d in study.store.documents({x.doc_id for x in decided})}
    segments = {s.id: s for s in study.store.segments(docs)}
    table = decisions_table(study.root)
    for x in decided:
        if x.doc_id in docs and x.segment_id in segments:
            record_decision(table, [], x, docs[x.doc_id], segments[x.segment_id], x.status, x.reviewer or "",
                            x.decided_at or "")
    if not table.rows:
        return []
    table.write()
    note = f"{table.path}: {len(table.rows)} decisions on suggestions written from the store (they were only in .fivep/)"
    return [note]


def read_human_work(study: Study, documents: Sequence[Document], segments: Sequence[Segment]) -> HumanWorkRead:
    """Every coder file, memo and decision placed on ``documents`` (see the module docstring)."""
    known = {c.id for c in study.codebook().codes}
    previous = previous_texts(study, documents)
    folder = study.codings_dir
    notes: list[str] = []
    backed = study.store.file_coders()
    missing = [c for c in store_only_coders(study, read_coder_files(folder, [], [], None)) if c not in backed]
    if missing:
        written = write_store_only(study, read_coder_files(folder, study.store.documents(), study.store.segments()),
                                   missing)
        notes += [note for _, note in written]
    notes += write_store_decisions(study)
    files = read_coder_files(folder, documents, segments, known, previous)
    read = HumanWorkRead(files.cache, files, notes=notes)
    for coder in sorted(backed - files.cache.coders):
        files.cache.coders.add(coder)
        read.notes.append(f"coder {coder}: no file in {folder} holds their codings any more; "
                          "removed from the store")
    for f in files.files:
        if f.anchored:
            read.notes.append(f"{f.path}: {_rows(f.anchored)} got their quoted text, so they follow later edits")
        if f.followed:
            read.notes.append(f"{f.path}: {_rows(f.followed)} followed their text to new offsets")
    for o in files.cache.orphans:
        what = f"code {o.coding.code_id}" if o.coding.code_id else f"kind {o.kind}"
        quote = " ".join(o.coding.quote.split())
        read.orphans.append(f"{o.file} row {o.row}: {o.coding.coder}'s {what} on “{quote[:60]}” is orphaned: "
                            f"{o.reason}")
    decisions, decided, lost, moved = read_decisions(study.root, documents, segments)
    read.cache.decisions = decided
    read.orphans += [f"{study.root / line}" for line in lost]
    memos = memos_table(study.root)
    before = memos.render()
    for p in place_statements(memos, documents, segments, "target_id", only={"target_kind": "statement"}):
        if p.segment is None:
            read.orphans.append(f"{memos.path} row {memos.row_number(p.index)}: memo on a statement is orphaned: "
                                f"{p.reason}")
    if moved:
        read.tables.append(decisions)
    if memos.render() != before:
        read.tables.append(memos)
    return read
