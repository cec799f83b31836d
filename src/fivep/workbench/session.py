"""The workbench's state, without widgets: a study, the coder at work, the open transcript and selection.

Every change goes through :class:`fivep.Study` (``add_coding``, ``remove_coding``, ``set_kind``,
``add_memo``), which writes it at once to the study folder; the session only remembers what is on
screen. The widgets in :mod:`fivep.workbench.widgets` are a thin shell over this class, and the tests
drive it directly.

>>> session = CodingSession(Study.open("my-study"), coder="ploy")     # doctest: +SKIP
>>> session.open("FG-CM-NGO"); session.select("FG-CM-NGO#3")         # doctest: +SKIP
>>> session.code("protection.interpreter")                           # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fivep.errors import InputError
from fivep.model import DIMENSIONS, KINDS, Document, Segment
from fivep.study import MACHINE_PREFIX
from fivep.workbench import render

if TYPE_CHECKING:
    import pandas as pd

    from fivep.study import Study

MEMO_TARGETS = ("statement", "document", "code")
STRIPES = ("all", "people", "mine")
"""Whose codes the transcript shows: every coder's, people's only (no machine), or the session coder's."""


@dataclass(frozen=True)
class Selection:
    """What the researcher has selected: a whole statement, or a span of it (document offsets)."""

    segment_id: str
    doc_id: str
    start: int
    end: int
    text: str
    whole: bool


def is_blank(value: Any) -> bool:
    """True for None, NaN and empty strings (a kind-only coding row has no code)."""
    import math

    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return isinstance(value, str) and not value.strip()


def evidence_spans(value: Any) -> list[str]:
    """The machine's evidence words from a codings row (``"ล่าม … interpreter"``), in order, once each."""
    if not isinstance(value, str) or not value.strip():
        return []
    return list(dict.fromkeys(w.strip() for w in value.split(EVIDENCE_SEPARATOR) if w.strip()))


MACHINE_SOURCES = ("rule", "model")
EVIDENCE_SEPARATOR = " … "


class CodingSession:
    """One researcher (``coder``) coding one study; ``lang`` picks code labels (``en`` or ``th``)."""

    def __init__(self, study: Study, coder: str, *, lang: str = "en") -> None:
        if not coder or not coder.strip():
            raise InputError("give your coder name (it names your file codings/CODER.csv)")
        self.study = study
        self.coder = coder.strip()
        self.lang = lang
        self.documents: dict[str, Document] = {d.id: d for d in study.documents()}
        if not self.documents:
            raise InputError("the study has no transcripts in its store", path=study.root,
                             hint="run study.ingest() (or 'fivep ingest STUDY') first")
        self.segments: dict[str, Segment] = {s.id: s for s in study.segments()}
        roster = study.respondents()
        self.groups: dict[str, str] = dict(zip(roster["respondent_id"], roster["group"], strict=True))
        self.doc_id: str = next(iter(self.documents))
        self.stripes = "all"
        self.selection: Selection | None = None
        self._codings: pd.DataFrame | None = None
        self._kinds: dict[str, dict[str, str]] | None = None
        self._by_segment: dict[str, pd.DataFrame] | None = None

    def __repr__(self) -> str:
        return f"<CodingSession {self.study.root.name!r} coder={self.coder!r} document={self.doc_id!r}>"

    # --- reading ------------------------------------------------------------------------------

    @property
    def codebook(self) -> Any:
        return self.study.codebook()

    def label(self, code_id: str) -> str:
        book = self.codebook
        return book[code_id].label(self.lang) if code_id in book else code_id

    def dimension(self, code_id: str) -> str:
        book = self.codebook
        return book[code_id].dimension if code_id in book else ""

    def codings(self) -> pd.DataFrame:
        """Every coding of the study (all coders), as :meth:`Study.codings` gives it; cached until a change."""
        if self._codings is None:
            self._codings = self.study.codings()
        return self._codings

    def kinds(self, segment_id: str) -> dict[str, str]:
        """The kind each coder gave a statement (obstacle, recommendation, other): coder -> kind."""
        if self._kinds is None:
            self._kinds = {}
            for row in self.study.kinds().itertuples(index=False):
                self._kinds.setdefault(row.segment_id, {})[row.coder] = row.kind
        return self._kinds.get(segment_id, {})

    def changed(self) -> None:
        """Forget cached codings and kinds (after this session or anyone else wrote)."""
        self._codings = None
        self._by_segment = None
        self._kinds = None

    def open(self, doc_id: str) -> Document:
        if doc_id not in self.documents:
            raise InputError(f"no document '{doc_id}'", hint=f"documents: {', '.join(self.documents)}")
        self.doc_id = doc_id
        self.selection = None
        return self.documents[doc_id]

    def document_segments(self, doc_id: str | None = None) -> list[Segment]:
        doc_id = doc_id or self.doc_id
        return sorted((s for s in self.segments.values() if s.doc_id == doc_id), key=lambda s: s.start)

    def segment_codings(self, segment_id: str) -> pd.DataFrame:
        """The codings (every coder) placed on a statement; orphaned ones are not shown on any."""
        if self._by_segment is None:
            frame = self.codings()
            frame = frame[frame["status"] != "orphaned"]
            self._by_segment = {str(k): v for k, v in frame.groupby("segment_id", sort=False)}
        empty = self.codings().iloc[0:0]
        return self._by_segment.get(segment_id, empty)

    def my_codes(self, segment_id: str) -> list[str]:
        """The codes this session's coder gave a statement."""
        rows = self.segment_codings(segment_id)
        rows = rows[rows["coder"] == self.coder]
        return [c for c in rows["code_id"] if not is_blank(c)]

    # --- selecting ----------------------------------------------------------------------------

    def select(self, segment_id: str, start: int | None = None, end: int | None = None) -> Selection:
        """Select a statement, or the span ``[start, end)`` of its text (offsets into the statement)."""
        segment = self.segments.get(segment_id)
        if segment is None:
            raise InputError(f"no statement '{segment_id}'", hint="statement ids look like DOC#TURN")
        if segment.doc_id != self.doc_id:
            self.open(segment.doc_id)
        if start is None or end is None or (start, end) == (0, len(segment.text)):
            self.selection = Selection(segment.id, segment.doc_id, segment.start, segment.end, segment.text, True)
        else:
            if not 0 <= start < end <= len(segment.text):
                raise InputError(f"span {start}-{end} is outside statement {segment_id} "
                                 f"(length {len(segment.text)})")
            self.selection = Selection(segment.id, segment.doc_id, segment.start + start, segment.start + end,
                                       segment.text[start:end], False)
        return self.selection

    def _selected(self) -> Selection:
        if self.selection is None:
            raise InputError("select a statement first (click it in the transcript)")
        return self.selection

    # --- writing (through Study) --------------------------------------------------------------

    def code(self, code_id: str, *, kind: str | None = None, memo: str | None = None) -> Selection:
        """Code the selection (statement or span) with ``code_id`` as this coder."""
        selection = self._selected()
        if code_id not in self.codebook:
            raise InputError(f"'{code_id}' is not a code of the codebook",
                             hint="pick one from the codebook tree, or create it first")
        span: dict[str, int] = {} if selection.whole else {"start": selection.start, "end": selection.end}
        self.study.add_coding(selection.segment_id, code_id, self.coder, kind=kind, memo=memo, **span)
        self.changed()
        return selection

    def uncode(self, code_id: str) -> None:
        """Remove this coder's ``code_id`` from the selected statement."""
        selection = self._selected()
        self.study.remove_coding(selection.segment_id, code_id, self.coder)
        self.changed()

    def set_kind(self, kind: str) -> None:
        """Say whether the selected statement names an obstacle, a recommendation or neither."""
        if kind not in KINDS:
            raise InputError(f"unknown kind '{kind}'", hint=f"use one of {', '.join(KINDS)}")
        self.study.set_kind(self._selected().segment_id, kind, self.coder)
        self.changed()

    def memo(self, text: str, *, target: str = "statement", code_id: str | None = None) -> tuple[str, str]:
        """Write a memo on the selected statement, the open document, or a code. Returns its target."""
        if not text.strip():
            raise InputError("the memo is empty")
        if target == "statement":
            target_id = self._selected().segment_id
        elif target == "document":
            target_id = self.doc_id
        elif target == "code":
            if not code_id or code_id not in self.codebook:
                raise InputError("pick the code the memo is about")
            target_id = code_id
        else:
            raise InputError(f"unknown memo target '{target}'", hint=f"use one of {', '.join(MEMO_TARGETS)}")
        self.study.add_memo(target, target_id, text.strip(), self.coder)
        return target, target_id

    # --- the codebook (saved into the study folder; codings move with renamed and merged codes) ---

    def create_code(self, code_id: str, dimension: str, label_en: str, label_th: str = "", *,
                    parent: str | None = None, keywords: Iterable[str] = ()) -> None:
        """Add a code; ``keywords`` in Thai script go to ``keywords_th``, the others to ``keywords_en``."""
        from fivep.coding.codebook_edit import create_code

        words = [k.strip() for k in keywords if k.strip()]
        thai = [k for k in words if any("\u0e00" <= ch <= "\u0e7f" for ch in k)]
        create_code(self.study, code_id, dimension, label_en, label_th, parent=parent or None, keywords_th=thai,
                    keywords_en=[k for k in words if k not in thai])
        self.changed()

    def rename_code(self, old: str, new: str) -> int:
        """Rename a code everywhere (codebook, every coder's codings, memos); returns codings moved."""
        from fivep.coding.codebook_edit import rename_code

        try:
            return rename_code(self.study, old, new)
        finally:
            self.changed()

    def merge_codes(self, old: str, into: str) -> int:
        """Merge ``old`` into ``into`` (codings, keywords, children); returns codings moved."""
        from fivep.coding.codebook_edit import merge_codes

        try:
            return merge_codes(self.study, old, into=into)
        finally:
            self.changed()

    def memos(self, target: str | None = None, target_id: str | None = None) -> pd.DataFrame:
        return self.study.memos(target, target_id)

    # --- views --------------------------------------------------------------------------------

    def speaker_label(self, respondent_id: str | None, speaker: str) -> tuple[str, str]:
        """The pseudonymous code and group shown for a turn (never a name from the transcript)."""
        if respondent_id:
            return respondent_id, self.groups.get(respondent_id, "")
        return speaker, ""

    @staticmethod
    def evidence_marks(segment: Segment, words: Iterable[str], code_id: str) -> list[render.Span]:
        """Every place the evidence words occur in the statement (case-insensitive), as spans of its text."""
        folded = segment.text.casefold()
        spans = []
        for word in words:
            needle, at = word.casefold(), 0
            while needle and (at := folded.find(needle, at)) >= 0:
                spans.append(render.Span(at, at + len(needle), "fv-evidence", f"{code_id}: {word}"))
                at += len(needle)
        return spans

    def shown(self, coder: str, source: str) -> bool:
        """Whether the transcript shows this coder's codes (see :data:`STRIPES` and ``stripes``)."""
        if self.stripes == "mine":
            return coder == self.coder
        return self.stripes == "all" or source not in MACHINE_SOURCES

    def statement_html(self, segment: Segment, *, selected: bool = False) -> str:
        """One statement: coding stripes (the coders :meth:`shown`), kinds, and its text with evidence and
        coded spans."""
        rows = self.segment_codings(segment.id)
        chips, spans = [], []
        for row in rows.itertuples(index=False):
            machine = row.source in MACHINE_SOURCES
            if not self.shown(row.coder, row.source):
                continue
            if not is_blank(row.code_id):
                chips.append(render.chip(self.label(row.code_id), self.dimension(row.code_id), row.coder,
                                         machine=machine, title=f"{row.code_id} · {row.coder}"))
                spans += self.evidence_marks(segment, evidence_spans(row.evidence), row.code_id)
                if not machine and (row.start, row.end) != (segment.start, segment.end):
                    spans.append(render.Span(int(row.start) - segment.start, int(row.end) - segment.start,
                                             "fv-span", f"{row.code_id} · {row.coder}"))
        badges = "".join(render.kind_badge(k, c) for c, k in sorted(self.kinds(segment.id).items())
                         if self.stripes == "all" or c == self.coder
                         or (self.stripes == "people" and not c.startswith(MACHINE_PREFIX)))
        stripes = f'<div class="fv-stripes">{badges}{"".join(dict.fromkeys(chips))}</div>' if chips or badges else ""
        css = "fv-seg fv-selected" if selected else "fv-seg"
        text = render.highlight(segment.text, spans)
        return (f'<div class="{css}" data-segment="{render.esc(segment.id)}">'
                f'<div class="fv-text">{text}</div>{stripes}</div>')

    def transcript_html(self, *, styled: bool = False) -> str:
        """The open transcript by speaker turn: who speaks (code and group), then its coded statements.
        ``styled`` adds the style sheet (to show it with ``IPython.display.HTML``)."""
        document = self.documents[self.doc_id]
        by_turn: dict[int, list[Segment]] = {}
        for segment in self.document_segments():
            by_turn.setdefault(segment.turn_index, []).append(segment)
        selected = self.selection.segment_id if self.selection else None
        out = []
        for turn in document.turns:
            who, group = self.speaker_label(turn.respondent_id, turn.speaker)
            head = (f'<div class="fv-who"><b>{render.esc(who)}</b>'
                    f'<span class="fv-group">{render.esc(group or turn.role)}</span></div>')
            segments = by_turn.get(turn.index)
            if segments:
                body = "".join(self.statement_html(s, selected=s.id == selected) for s in segments)
                out.append(f'<div class="fv-turn">{head}<div class="fv-body">{body}</div></div>')
            else:
                text = render.esc(document.turn_text(turn))
                out.append(f'<div class="fv-turn fv-interviewer">{head}'
                           f'<div class="fv-body"><div class="fv-text">{text}</div></div></div>')
        html = f'<div class="fv-doc" data-doc="{render.esc(document.id)}">{"".join(out)}</div>'
        return render.page(html) if styled else html

    def codebook_tree(self, query: str = "") -> list[tuple[str, str]]:
        """The codebook as ``(indented label, code_id)`` rows, dimension by dimension, children under
        parents; ``query`` keeps codes whose id or label contains it (with their parents)."""
        codes = list(self.codebook.codes)
        children: dict[str | None, list[Any]] = {}
        for code in codes:
            children.setdefault(code.parent or None, []).append(code)
        order = {d: i for i, d in enumerate((*DIMENSIONS, "actor"))}
        roots = sorted(children.get(None, []), key=lambda c: (order.get(c.dimension, 99), c.id))
        needle = query.strip().casefold()

        def matches(code: Any) -> bool:
            own = not needle or needle in code.id.casefold() or needle in code.label_en.casefold() \
                or needle in code.label_th.casefold()
            return own or any(matches(c) for c in children.get(code.id, []))

        rows: list[tuple[str, str]] = []

        def walk(code: Any, depth: int) -> None:
            if not matches(code):
                return
            rows.append(("\u2003" * depth + code.label(self.lang) + f"  ({code.id})", code.id))
            for child in children.get(code.id, []):
                walk(child, depth + 1)

        for root in roots:
            walk(root, 0)
        return rows
