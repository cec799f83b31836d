"""Codings from a REFI-QDA project into a study: placed on segments, stored per coder, written as CSV."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from fivep.exchange.reader import RefiProject
from fivep.exchange.refi import ImportReport
from fivep.model import Coding, Document, Segment
from fivep.outputs import file_name

if TYPE_CHECKING:
    from fivep.study import Study



def coder_source(coder: str) -> str:
    """Machine coders are named ``engine@version`` (``rules@1.0``); everyone else is human."""
    from fivep.study import MACHINE_PREFIX

    if coder.startswith(MACHINE_PREFIX):
        return "rule"
    if re.match(r"^(model|suggest|ml)@", coder):
        return "model"
    return "human"


def coder_names(users: dict[str, str]) -> dict[str, str]:
    """User GUID -> coder name; two users are told apart (``cp``, ``cp (2)``) when their names, or the
    file names ``codings/<coder>.csv`` made from them (``A/B`` and ``A_B``), would be one."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for key, name in users.items():
        candidate, n = name, 1
        while file_name(candidate).casefold() in used:
            n += 1
            candidate = f"{name} ({n})"
        used.add(file_name(candidate).casefold())
        names[key] = candidate
    return names


def _overlapping(segments: list[Segment], ends: list[int], start: int, end: int) -> list[Segment]:
    """The segments (sorted by start; ``ends`` their running maximum end) that overlap ``[start, end)``."""
    out = []
    i = bisect_right(ends, start)   # every segment before i ends at or before start
    while i < len(segments) and segments[i].start < end:
        if start < segments[i].end:
            out.append(segments[i])
        i += 1
    return out


def place_codings(project: RefiProject, report: ImportReport, docs: dict[str, Document], segments: list[Segment],
                  code_ids: dict[str, str], kinds: dict[str, str],
                  ) -> tuple[dict[str, list[Coding]], dict[str, dict[str, str]]]:
    """The project's codings as fivep codings per coder (each on the segment it overlaps most), and
    the segment kinds per coder; what cannot be placed is counted in ``report.skipped``."""
    coders = coder_names(project.users)
    renamed = [f"'{project.users[k]}' as '{v}'" for k, v in coders.items() if v != project.users[k]]
    if renamed:
        report.notes.append(f"{len(renamed)} user(s) share a name or a file name with another user and are "
                            f"imported under a new coder name: {', '.join(renamed[:5])}")
    by_doc: dict[str, list[Segment]] = defaultdict(list)
    for s in segments:
        by_doc[s.doc_id].append(s)
    ends: dict[str, list[int]] = {}
    for doc_id, found in by_doc.items():
        found.sort(key=lambda s: (s.start, s.end))
        ends[doc_id] = list(accumulate((s.end for s in found), max))   # running maximum: sorted for bisect
    out: dict[str, list[Coding]] = defaultdict(list)
    kind_out: dict[str, dict[str, str]] = defaultdict(dict)
    seen: set[tuple[Any, ...]] = set()
    lost: Counter[str] = Counter()
    sources = {s.guid for s in project.sources}
    for c in project.codings:
        doc = docs.get(c.source)
        if doc is None:
            lost["codings on sources that were not imported" if c.source in sources else
                 "codings on sources fivep could not read"] += 1
            continue
        if not 0 <= c.start < c.end <= len(doc.text):
            lost[f"codings with positions outside their source's text ({doc.id})"] += 1
            continue
        coder = coders.get(c.user or "", f"user-{(c.user or 'unknown')[:8]}")
        overlaps = [(min(c.end, s.end) - max(c.start, s.start), s)
                    for s in _overlapping(by_doc.get(doc.id, []), ends.get(doc.id, []), c.start, c.end)]
        segment = max(overlaps, key=lambda o: o[0])[1] if overlaps else None
        if c.code in kinds:
            if segment is None:
                lost["segment kinds on text outside any segment"] += 1
            else:
                kind_out[coder][segment.id] = kinds[c.code]
            continue
        code_id = code_ids.get(c.code)
        if code_id is None:
            lost["codings of codes that were not imported"] += 1
            continue
        key = (doc.id, c.start, c.end, code_id, coder)
        if key in seen:
            continue
        seen.add(key)
        out[coder].append(Coding(doc.id, segment.id if segment else None, c.start, c.end, code_id, coder,
                                 coder_source(coder)))  # type: ignore[arg-type]
    report.skipped.extend(f"{n} {what}" for what, n in lost.items())
    return out, kind_out


def store_codings(study: Study, report: ImportReport, codings: dict[str, list[Coding]],
                  kinds: dict[str, dict[str, str]], touched: set[str], segments: dict[str, Segment]) -> None:
    """Replace each coder's codings and kinds on the ``touched`` documents, in the store and (human
    coders) in ``codings/<coder>.csv``; their codings on other documents are kept."""
    store = study.store
    for coder in sorted(set(codings) | set(kinds)):
        kept = [c for c in store.codings(coder) if c.doc_id not in touched]
        kept_kinds = {sid: k for sid, k in store.segment_kinds(coder).items()
                      if sid in segments and segments[sid].doc_id not in touched}
        new_kinds = kinds.get(coder, {})
        store.replace_codings(coder, kept + codings.get(coder, []), {**kept_kinds, **new_kinds})
        report.coders[coder] = len(codings.get(coder, []))
        if coder_source(coder) == "human":
            _write_csv(study, report, coder, codings.get(coder, []), new_kinds, touched, segments)
        else:
            report.notes.append(f"codings of the machine coder {coder} went into the store only "
                                     "(codings/ holds human coders)")


def _write_csv(study: Study, report: ImportReport, coder: str, codings: list[Coding], kinds: dict[str, str],
               touched: set[str],
               segments: dict[str, Segment]) -> None:
    """Write ``coder``'s imported codings to ``codings/<coder>.csv`` with their quoted text (atomically);
    the coder's rows on other documents and every row of other coders stay as they were."""
    import shutil

    from fivep.ingest.anchor import anchor_of
    from fivep.ingest.codings import open_coder_table

    folder = study.codings_dir
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{file_name(coder)}.csv"
    table = open_coder_table(path)
    if path.exists():
        backup = folder / "before-import" / path.name
        backup.parent.mkdir(exist_ok=True)
        shutil.copy2(path, backup)
        report.notes.append(f"{path.name} rewritten with the imported codings (the previous version is "
                            f"in codings/before-import/)")
        table.rows = [r for r in table.rows if table.get(r, "doc_id") not in touched
                      or (table.get(r, "coder") or path.stem) != coder]
    texts = {d.id: d.text for d in study.store.documents() if d.id in touched}
    for sid, kind in sorted(kinds.items()):
        s = segments[sid]
        a = anchor_of(texts[s.doc_id], s.start, s.end)
        table.append({"doc_id": s.doc_id, "segment_id": sid, "start": a.start, "end": a.end, "quote": a.quote,
                      "prefix": a.prefix, "suffix": a.suffix, "kind": kind, "coder": coder, "source": "hand"})
    for c in codings:
        a = anchor_of(texts[c.doc_id], c.start, c.end)
        table.append({"doc_id": c.doc_id, "segment_id": c.segment_id or "", "start": a.start, "end": a.end,
                      "quote": a.quote, "prefix": a.prefix, "suffix": a.suffix, "code_id": c.code_id,
                      "coder": coder, "source": "hand"})
    table.write()
