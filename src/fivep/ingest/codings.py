"""Human codings from CSV: one file per coder in a study's ``codings/`` folder.

Columns (header names are case-insensitive): ``doc_id``; either ``segment_id`` (``FG-CM-GOV-A#3``)
or ``start`` and ``end`` (half-open code-point offsets into the document's normalised text); ``code_id``
(may be empty for a segment coded with nothing but a kind); optional ``kind`` (obstacle,
recommendation, other), ``coder`` (default: the file name) and ``memo``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from fivep.errors import InputError
from fivep.ingest.encoding import read_text
from fivep.model import KINDS, Coding, Document, Segment

_ALIASES = {"document": "doc_id", "doc": "doc_id", "segment": "segment_id", "code": "code_id",
            "category": "code_id"}


def read_human_codings(path: str | Path, documents: Sequence[Document], segments: Sequence[Segment],
                       known_codes: set[str] | None = None) -> tuple[str, list[Coding], dict[str, str]]:
    """Read one coder's CSV. Returns ``(coder, codings, kinds)``; errors name the row."""
    path = Path(path)
    text, _ = read_text(path)
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None:
        raise InputError("the codings file is empty", path=path)
    fields = {(_ALIASES.get(f.strip().casefold(), f.strip().casefold())): f for f in reader.fieldnames}
    if "doc_id" not in fields or "code_id" not in fields:
        raise InputError("a codings file needs the columns doc_id and code_id (and segment_id or start,end)",
                         path=path, row=1)
    by_id = {s.id: s for s in segments}
    docs = {d.id: d for d in documents}
    by_doc: dict[str, list[Segment]] = {}
    for s in segments:
        by_doc.setdefault(s.doc_id, []).append(s)
    coder_default = path.stem
    coder = coder_default
    codings: list[Coding] = []
    kinds: dict[str, str] = {}
    seen: set[tuple[str, str]] = set()
    for number, row in enumerate(reader, start=2):

        def get(name: str, row: dict[str, str] = row) -> str:
            return (row.get(fields[name]) or "").strip() if name in fields else ""

        doc_id = get("doc_id")
        if not doc_id:
            continue
        if doc_id not in docs:
            raise InputError(f"unknown document '{doc_id}'", path=path, row=number, column="doc_id",
                             hint="use the id of an ingested transcript (run 'fivep ingest' first)")
        coder = get("coder") or coder_default
        segment: Segment | None = None
        if get("segment_id"):
            segment = by_id.get(get("segment_id")) or _turn_of_sentences(get("segment_id"), by_doc.get(doc_id, []))
            if segment is None or segment.doc_id != doc_id:
                raise InputError(f"unknown segment '{get('segment_id')}' in '{doc_id}'", path=path, row=number,
                                 column="segment_id", hint="segment ids look like DOC#TURN; see 'fivep ingest'")
            start, end = segment.start, segment.end
        else:
            try:
                start, end = int(get("start")), int(get("end"))
            except ValueError:
                raise InputError("give segment_id, or start and end as numbers", path=path, row=number) from None
            if not 0 <= start < end <= len(docs[doc_id].text):
                raise InputError(f"span {start}-{end} is outside the document (length {len(docs[doc_id].text)})",
                                 path=path, row=number)
            overlaps = [(min(end, s.end) - max(start, s.start), s) for s in by_doc.get(doc_id, [])
                        if s.start < end and start < s.end]
            segment = max(overlaps, key=lambda o: o[0])[1] if overlaps else None
        kind = get("kind").casefold()
        if kind:
            if kind not in KINDS:
                raise InputError(f"unknown kind '{kind}'", path=path, row=number, column="kind",
                                 hint=f"use one of {', '.join(KINDS)}")
            if segment is not None:
                kinds[segment.id] = kind
        code_id = get("code_id")
        if not code_id:
            continue
        if known_codes is not None and code_id not in known_codes:
            raise InputError(f"unknown code '{code_id}'", path=path, row=number, column="code_id",
                             hint="use a code id of the study's codebook")
        key = (segment.id if segment else f"{doc_id}:{start}-{end}", code_id)
        if key in seen:
            continue
        seen.add(key)
        codings.append(Coding(doc_id, segment.id if segment else None, start, end, code_id, coder, "human"))
    return coder, codings, kinds


def _turn_of_sentences(segment_id: str, segments: Sequence[Segment]) -> Segment | None:
    """A turn-level id (``DOC#7``) when the study is segmented by sentence (``DOC#7.0``, ``DOC#7.1``...)."""
    parts = [s for s in segments if s.id.startswith(segment_id + ".")]
    if not parts:
        return None
    first, last = parts[0], parts[-1]
    return Segment(segment_id, first.doc_id, first.turn_index, first.start, last.end, "", first.respondent_id)
