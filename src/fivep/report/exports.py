"""CSV export of the store's codings (XLSX and REFI-QDA exports are in :mod:`fivep.exchange`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fivep.cells import safe_writer

if TYPE_CHECKING:
    from fivep.study import Study

CODING_COLUMNS = ["doc_id", "segment_id", "respondent_id", "group", "start", "end", "code_id", "dimension", "coder",
                  "source", "score", "kind", "evidence"]


def write_codings_csv(study: Study, path: str | Path, coder: str | None = None,
                      text_filter: Callable[[str], str] | None = None, ids: Any = None) -> int:
    """Write codings (all coders, or one) with respondent, group, dimension, kind and evidence.

    ``text_filter`` (e.g. :func:`fivep.privacy.redact.redact_text`) is applied to the evidence text;
    ``ids`` (:class:`fivep.privacy.codes.PublicIds`) writes transcript, statement and respondent codes
    instead of the study's ids (the outputs of ``fivep run`` are for sharing). Rows are written as they are
    read.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    segments = {s.id: s for s in study.segments()}
    groups = {r.id: r.group for r in study.read_roster()}
    codebook = study.codebook()
    kinds = {c: study.store.segment_kinds(c) for c in study.store.coders()}
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = safe_writer(handle)
        writer.writerow(CODING_COLUMNS)
        for c in study.store.iter_codings(coder):
            segment = segments.get(c.segment_id or "")
            rid = segment.respondent_id if segment else None
            doc_id, segment_id, respondent_id = c.doc_id, c.segment_id, rid
            if ids is not None:
                doc_id = ids.document(doc_id) if doc_id else doc_id
                segment_id = ids.segment(segment_id) if segment_id else segment_id
                respondent_id = ids.respondent(rid) if rid else rid
            writer.writerow([doc_id, segment_id, respondent_id, groups.get(rid or ""), c.start, c.end, c.code_id,
                             codebook[c.code_id].dimension if c.code_id in codebook else "", c.coder, c.source,
                             "" if c.score is None else c.score, kinds.get(c.coder, {}).get(c.segment_id or "", ""),
                             _filtered(" | ".join(e.text for e in c.evidence), text_filter)])
            rows += 1
    return rows


def _filtered(text: str, text_filter: Callable[[str], str] | None) -> str:
    return text_filter(text) if text_filter is not None and text else text
