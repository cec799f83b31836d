"""Codings as tidy DataFrames: every coding with its statement, respondent, group, dimension and kind;
retrieval with context; where two coders differ."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from fivep.study import Study

CODING_COLUMNS = ["text", "doc_id", "segment_id", "respondent_id", "group", "dimension", "code_id", "kind", "coder",
                  "source", "origin", "score", "evidence", "start", "end", "status", "quote", "memo"]
RETRIEVE_COLUMNS = ["doc_id", "segment_id", "respondent_id", "group", "code_id", "dimension", "kind", "coder",
                    "before", "text", "after", "quote", "start", "end"]
DISAGREEMENT_COLUMNS = ["doc_id", "segment_id", "respondent_id", "group", "text", "only_a", "only_b", "both",
                        "kind_a", "kind_b"]


def codings_frame(study: Study, coder: str | None = None) -> pd.DataFrame:
    """See :meth:`fivep.study.Study.codings`."""
    import pandas as pd

    store = study.store
    segments = {s.id: s for s in store.segments()}
    texts = {d.id: d.text for d in store.documents()}
    groups = {r.id: r.group for r in store.respondents()}
    codebook = study.codebook()
    kinds = {c: store.segment_kinds(c) for c in ([coder] if coder else store.coders())}

    def dimension(code_id: str) -> str:
        return codebook[code_id].dimension if code_id in codebook else ""

    accepted = {(x.reviewer, x.segment_id, x.code_id) for x in store.suggestions(status="accepted")}

    def origin(c: Any) -> str | None:   # a person's coding: by hand, or a machine suggestion they accepted
        if c.source != "human":
            return None
        return "suggestion" if (c.coder, c.segment_id, c.code_id) in accepted else "hand"

    rows: list[dict[str, Any]] = []
    for c in store.codings(coder):
        segment = segments.get(c.segment_id or "")
        respondent = segment.respondent_id if segment else None
        quote = c.quote or texts.get(c.doc_id, "")[c.start:c.end]
        rows.append({"text": segment.text if segment else quote, "doc_id": c.doc_id, "segment_id": c.segment_id,
                     "respondent_id": respondent, "group": groups.get(respondent or ""),
                     "dimension": dimension(c.code_id), "code_id": c.code_id,
                     "kind": kinds.get(c.coder, {}).get(c.segment_id or ""), "coder": c.coder, "source": c.source,
                     "origin": origin(c), "score": c.score, "evidence": " … ".join(e.text for e in c.evidence), "start": c.start,
                     "end": c.end, "status": "anchored", "quote": quote, "memo": c.memo})
    for o in store.orphans(coder):
        if not o.coding.code_id:
            continue
        rows.append({"text": o.coding.quote, "doc_id": o.coding.doc_id, "segment_id": o.coding.segment_id,
                     "respondent_id": None, "group": None, "dimension": dimension(o.coding.code_id),
                     "code_id": o.coding.code_id, "kind": o.kind or None, "coder": o.coding.coder, "source": "human",
                     "origin": origin(o.coding), "score": None, "evidence": "", "start": o.coding.start, "end": o.coding.end, "status": "orphaned",
                     "quote": o.coding.quote, "memo": o.coding.memo})
    return pd.DataFrame(rows, columns=CODING_COLUMNS)


def _context(study: Study) -> dict[str, tuple[list[str], dict[int, int]]]:
    """doc id -> (its turns as ``SPEAKER: text`` lines, turn index -> position in that list)."""
    out: dict[str, tuple[list[str], dict[int, int]]] = {}
    for doc in study.store.documents():
        lines = [f"{t.speaker}: {' '.join(doc.text[t.start:t.end].split())}" for t in doc.turns]
        out[doc.id] = (lines, {t.index: n for n, t in enumerate(doc.turns)})
    return out


def retrieve_frame(study: Study, code: str | None, dimension: str | None, group: str | None, coder: str | None,
                   context: int) -> pd.DataFrame:
    """See :meth:`fivep.study.Study.retrieve`."""
    import pandas as pd

    frame = codings_frame(study, coder)
    frame = frame[frame["status"] == "anchored"]
    if code is not None:
        frame = frame[(frame["code_id"] == code) | frame["code_id"].str.startswith(code + ".")]
    if dimension is not None:
        frame = frame[frame["dimension"] == dimension]
    if group is not None:
        frame = frame[frame["group"] == group]
    turns = {s.id: s.turn_index for s in study.store.segments()}
    lines = _context(study)
    before: list[str] = []
    after: list[str] = []
    for doc_id, segment_id in zip(frame["doc_id"], frame["segment_id"], strict=True):
        doc_lines, position = lines.get(doc_id, ([], {}))
        at = position.get(turns.get(segment_id, -1))
        if at is None or context <= 0:
            before.append("")
            after.append("")
            continue
        before.append("\n".join(doc_lines[max(0, at - context):at]))
        after.append("\n".join(doc_lines[at + 1:at + 1 + context]))
    frame = frame.assign(before=before, after=after)
    return pd.DataFrame(frame, columns=RETRIEVE_COLUMNS).reset_index(drop=True)


def disagreements_frame(study: Study, coder_a: str, coder_b: str) -> pd.DataFrame:
    """See :meth:`fivep.study.Study.disagreements`."""
    import pandas as pd

    from fivep.coding.reliability import coverage_of
    from fivep.errors import InputError

    known = study.store.coders()
    for coder in (coder_a, coder_b):
        if coder not in known:
            raise InputError(f"no codings by coder '{coder}'", hint=f"coders in the store: {', '.join(known)}")
    shared = coverage_of(study, coder_a) & coverage_of(study, coder_b)
    codes: dict[str, dict[str, set[str]]] = {coder_a: {}, coder_b: {}}
    for coder in (coder_a, coder_b):
        for c in study.store.codings(coder):
            if c.segment_id:
                codes[coder].setdefault(c.segment_id, set()).add(c.code_id)
    kinds = {c: study.store.segment_kinds(c) for c in (coder_a, coder_b)}
    groups = {r.id: r.group for r in study.store.respondents()}
    rows: list[dict[str, Any]] = []
    for s in study.store.segments():
        if s.doc_id not in shared:
            continue
        a, b = codes[coder_a].get(s.id, set()), codes[coder_b].get(s.id, set())
        kind_a, kind_b = kinds[coder_a].get(s.id), kinds[coder_b].get(s.id)
        if a == b and kind_a == kind_b:
            continue
        rows.append({"doc_id": s.doc_id, "segment_id": s.id, "respondent_id": s.respondent_id,
                     "group": groups.get(s.respondent_id or ""), "text": s.text, "only_a": sorted(a - b),
                     "only_b": sorted(b - a), "both": sorted(a & b), "kind_a": kind_a, "kind_b": kind_b})
    return pd.DataFrame(rows, columns=DISAGREEMENT_COLUMNS)
