"""Human codings from CSV: coder files in a study's ``codings/`` folder, anchored to their text.

One row is one coding (a code on a statement or on a span of it), a statement's kind, or both. The
columns (header names are case-insensitive; see ``docs/codings.md``):

``doc_id``, ``segment_id`` (``FG-CM-GOV-A#3``), ``start``, ``end`` (half-open code-point offsets into
the document's normalised text), ``quote`` (the coded text), ``prefix`` and ``suffix`` (up to 32
characters before and after it), ``code_id`` (empty for a row that only gives a kind), ``kind``
(obstacle, recommendation, other), ``coder`` (default: the file name), ``source`` (``hand`` or
``suggestion``), ``memo``, ``updated``.

A row with a ``quote`` is placed by its text (:func:`fivep.ingest.anchor.place`). An older row without
one (``doc_id, segment_id, code_id, kind``) is placed by its segment id or offsets in the text it was
written against (the previous ingest's text, when the transcript changed since) and gets its quote.
What cannot be placed exactly is an :class:`~fivep.model.Orphan`, never moved.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fivep.errors import InputError
from fivep.ingest.anchor import Anchor, Placement, anchor_of, closest, place
from fivep.model import KINDS, Coding, Document, Orphan, Segment
from fivep.records import Table

CODER_COLUMNS = ("doc_id", "segment_id", "start", "end", "quote", "prefix", "suffix", "code_id", "kind", "coder",
                 "source", "memo", "updated")
ALIASES = {"document": "doc_id", "doc": "doc_id", "segment": "segment_id", "code": "code_id",
           "category": "code_id"}

MAX_HINTS = 200
"""Orphans of one file that get a hint of the closest statement (each hint compares texts)."""

Previous = Mapping[str, tuple[str, Sequence[Segment]]]
"""doc id -> (its text and segments at the previous ingest), for documents whose text changed since."""


@dataclass
class CoderFile:
    """One coder file read and placed on the current documents."""

    path: Path
    table: Table
    coders: list[str] = field(default_factory=list)
    codings: dict[str, list[Coding]] = field(default_factory=dict)
    kinds: dict[str, dict[str, str]] = field(default_factory=dict)
    orphans: list[Orphan] = field(default_factory=list)
    followed: list[int] = field(default_factory=list)    # rows whose text moved: offsets updated
    anchored: list[int] = field(default_factory=list)    # older rows that got their quote
    placed: dict[int, Coding] = field(default_factory=dict)   # row index -> where it is now
    changed: bool = False
    drop: set[int] = field(default_factory=set)              # row indexes to remove when saved

    @property
    def default_coder(self) -> str:
        return self.path.stem

    def save(self) -> None:
        """Write the file atomically without the rows in ``drop`` (every other row keeps its cells)."""
        if self.drop:
            self.table.rows = [row for i, row in enumerate(self.table.rows) if i not in self.drop]
            self.drop = set()
            self.placed = {}
        self.table.write()
        self.changed = False


def open_coder_table(path: Path) -> Table:
    """A coder file as a :class:`~fivep.records.Table` (a missing file: an empty one with our columns)."""
    table = Table.read(path, ALIASES, CODER_COLUMNS)
    if table.header and not (table.has("doc_id") and table.has("code_id")):
        raise InputError("a codings file needs the columns doc_id and code_id (and segment_id or start,end)",
                         path=path, row=1)
    return table


def segment_of(start: int, end: int, segments: Sequence[Segment], starts: Sequence[int] | None = None
               ) -> Segment | None:
    """The segment a span overlaps most (``None`` outside every segment); ``segments`` sorted by start,
    ``starts`` their starts (computed when not given)."""
    starts = [s.start for s in segments] if starts is None else starts
    best: tuple[int, Segment | None] = (0, None)
    i = max(0, bisect_right(starts, start) - 1)
    while i > 0 and segments[i - 1].end > start:   # an earlier, longer segment may reach the span too
        i -= 1
    while i < len(segments) and segments[i].start < end:
        s = segments[i]
        overlap = min(end, s.end) - max(start, s.start)
        if overlap > best[0]:
            best = (overlap, s)
        i += 1
    return best[1]


def _turn_of_sentences(segment_id: str, segments: Sequence[Segment]) -> Segment | None:
    """A turn-level id (``DOC#7``) when the study is segmented by sentence (``DOC#7.0``, ``DOC#7.1``...)."""
    parts = [s for s in segments if s.id.startswith(segment_id + ".")]
    if not parts:
        return None
    first, last = parts[0], parts[-1]
    return Segment(segment_id, first.doc_id, first.turn_index, first.start, last.end, "", first.respondent_id)


def _number(table: Table, row: list[str], name: str, number: int) -> int | None:
    value = table.get(row, name)
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise InputError(f"'{value}' is not a whole number", path=table.path, row=number, column=name,
                         hint="start and end are character offsets") from None


def read_coder_file(path: str | Path, documents: Sequence[Document], segments: Sequence[Segment],
                    known_codes: set[str] | None = None, previous: Previous | None = None, *,
                    table: Table | None = None) -> CoderFile:
    """Read one coder file and place every row on ``documents`` (nothing is written).

    Errors (an unknown code or kind, a bad number, an unknown segment on a row without a quote) name the
    file and row and are raised before anything is stored. Rows that followed their text or got their
    quote are updated in ``result.table`` (``result.changed``); write it with ``result.table.write()``.
    """
    path = Path(path)
    table = open_coder_table(path) if table is None else table
    result = CoderFile(path, table)
    docs = {d.id: d for d in documents}
    by_doc: dict[str, list[Segment]] = {}
    for s in sorted(segments, key=lambda s: (s.doc_id, s.start)):
        by_doc.setdefault(s.doc_id, []).append(s)
    starts = {d: [s.start for s in segs] for d, segs in by_doc.items()}
    seen: set[tuple[str, str, int, int, str]] = set()
    for index, row in enumerate(table.rows):
        number = table.row_number(index)
        doc_id = table.get(row, "doc_id")
        if not doc_id:
            continue
        coder = table.get(row, "coder") or result.default_coder
        code_id = table.get(row, "code_id")
        kind = table.get(row, "kind").casefold()
        if kind and kind not in KINDS:
            raise InputError(f"unknown kind '{kind}'", path=path, row=number, column="kind",
                             hint=f"use one of {', '.join(KINDS)}")
        if code_id and known_codes is not None and code_id not in known_codes:
            raise InputError(f"unknown code '{code_id}'", path=path, row=number, column="code_id",
                             hint=unknown_code_hint(code_id, known_codes))
        if not code_id and not kind:
            continue
        if coder not in result.coders:
            result.coders.append(coder)
        recorded = recorded_row(table, row, number, doc_id, code_id, coder)
        doc = docs.get(doc_id)
        if doc is None:
            _orphan(result, recorded, kind, number, f"document '{doc_id}' is not in the study")
            continue
        placement, recorded = _placement(table, row, number, doc, recorded, by_doc, previous or {})
        if not placement.placed or placement.start is None or placement.end is None:
            hint = closest(recorded.quote, [(s.id, s.text) for s in by_doc.get(doc_id, [])]) \
                if len(result.orphans) < MAX_HINTS else None
            _orphan(result, recorded, kind, number, placement.how + (
                f"; the closest statement now is {hint[0]} ({hint[1]:.0%} alike)" if hint else ""))
            continue
        anchor = anchor_of(doc.text, placement.start, placement.end)
        segment = segment_of(anchor.start, anchor.end, by_doc.get(doc_id, []), starts.get(doc_id))
        if kind and segment is None:
            _orphan(result, recorded, kind, number, "its text is not inside a respondent's statement")
            continue
        moved = recorded.start >= 0 and (anchor.start, anchor.end) != (recorded.start, recorded.end)
        had_quote = bool(table.get(row, "quote", strip=False))
        if moved:
            result.followed.append(number)
        if not had_quote:
            result.anchored.append(number)
        result.changed |= write_anchor(table, row, anchor, segment.id if segment else "", moved or not had_quote)
        coding = Coding(doc_id, segment.id if segment else None, anchor.start, anchor.end, code_id, coder, "human",
                        quote=anchor.quote, prefix=anchor.prefix, suffix=anchor.suffix,
                        memo=table.get(row, "memo"), updated=table.get(row, "updated"))
        result.placed[index] = coding
        if kind and segment is not None:
            result.kinds.setdefault(coder, {})[segment.id] = kind
        if code_id and (coder, doc_id, anchor.start, anchor.end, code_id) not in seen:
            seen.add((coder, doc_id, anchor.start, anchor.end, code_id))
            result.codings.setdefault(coder, []).append(coding)
    return result


def write_anchor(table: Table, row: list[str], anchor: Anchor, segment_id: str, with_segment: bool = True,
                 segment_column: str = "segment_id") -> bool:
    """Set a row's anchor cells (offsets, quote, context; the segment id too when asked); True if any changed."""
    values: dict[str, object] = {"start": anchor.start, "end": anchor.end, "quote": anchor.quote,
                                 "prefix": anchor.prefix, "suffix": anchor.suffix}
    if with_segment:
        values[segment_column] = segment_id
    changed = False
    for name, value in values.items():
        if table.get(row, name, strip=False) != str(value):
            table.set(row, name, value)
            changed = True
    return changed


def unknown_code_hint(code_id: str, known: Iterable[str]) -> str:
    """How to fix an unknown code id: its invisible characters named, or the closest code of the codebook."""
    import difflib

    from fivep.ingest.thai import invisible_characters, normalize_id

    known = list(known)
    hidden = invisible_characters(code_id)
    if hidden and normalize_id(code_id) in known:
        return f"it holds invisible character(s) {', '.join(hidden)}: delete them to get '{normalize_id(code_id)}'"
    near = difflib.get_close_matches(normalize_id(code_id), known, n=1, cutoff=0.7)
    return f"did you mean '{near[0]}'?" if near else "use a code id of the study's codebook ('fivep codebook list')"


def recorded_row(table: Table, row: list[str], number: int, doc_id: str, code_id: str, coder: str) -> Coding:
    """The row as written (offsets as recorded, ``-1`` when absent)."""
    start, end = _number(table, row, "start", number), _number(table, row, "end", number)
    return Coding(doc_id, table.get(row, "segment_id") or None, -1 if start is None else start,
                  -1 if end is None else end, code_id, coder, "human",
                  quote=table.get(row, "quote", strip=False), prefix=table.get(row, "prefix", strip=False),
                  suffix=table.get(row, "suffix", strip=False), memo=table.get(row, "memo"),
                  updated=table.get(row, "updated"))


def _placement(table: Table, row: list[str], number: int, doc: Document, recorded: Coding,
               by_doc: Mapping[str, Sequence[Segment]], previous: Previous) -> tuple[Placement, Coding]:
    """Where a row is in ``doc`` now, and the row as recorded (an older row gets its quote from the
    text it was written against)."""
    if recorded.quote:
        return place(doc.text, recorded.quote, recorded.prefix, recorded.suffix,
                     recorded.start if recorded.start >= 0 else None), recorded
    text, segments = previous.get(doc.id, (doc.text, by_doc.get(doc.id, [])))
    segment_id = recorded.segment_id
    if segment_id:
        segment = next((s for s in segments if s.id == segment_id), None) or _turn_of_sentences(segment_id, segments)
        if segment is None:
            raise InputError(f"unknown segment '{segment_id}' in '{doc.id}'", path=table.path, row=number,
                             column="segment_id", hint="segment ids look like DOC#TURN; see 'fivep ingest'")
        start, end = segment.start, segment.end
    else:
        if recorded.start < 0 or recorded.end < 0:
            raise InputError("give segment_id, or start and end as numbers (or the quoted text)", path=table.path,
                             row=number)
        start, end = recorded.start, recorded.end
        if not 0 <= start < end <= len(text):
            raise InputError(f"span {start}-{end} is outside the document (length {len(text)})",
                             path=table.path, row=number)
    anchor = anchor_of(text, start, end)
    recorded = Coding(recorded.doc_id, recorded.segment_id, start, end, recorded.code_id, recorded.coder, "human",
                      quote=anchor.quote, prefix=anchor.prefix, suffix=anchor.suffix, memo=recorded.memo,
                      updated=recorded.updated)
    if doc.id in previous:
        return place(doc.text, anchor.quote, anchor.prefix, anchor.suffix, start), recorded
    return Placement(start, end, "exact"), recorded


def _orphan(result: CoderFile, recorded: Coding, kind: str, number: int, reason: str) -> None:
    result.orphans.append(Orphan(recorded, kind, str(result.path), number, reason))


def read_human_codings(path: str | Path, documents: Sequence[Document], segments: Sequence[Segment],
                       known_codes: set[str] | None = None) -> tuple[str, list[Coding], dict[str, str]]:
    """One coder file's codings and kinds, all coders together: ``(coder, codings, kinds)``.

    Kept for scripts; :func:`read_coder_file` tells coders apart and reports orphans.
    """
    result = read_coder_file(path, documents, segments, known_codes)
    coder = result.coders[0] if len(result.coders) == 1 else result.default_coder
    kinds = {sid: k for by_coder in result.kinds.values() for sid, k in by_coder.items()}
    return coder, [c for cs in result.codings.values() for c in cs], kinds
