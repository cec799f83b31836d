"""The evidence behind a report: who raised what, counted by group, and the quotes that show it.

Everything here is data (no document layout): counts of respondents by group for codes, dimensions and
kinds, lines such as "9 of 32 government officials", and quotes. Counts are of the coder the report
reads (:attr:`Evidence.coder`, by default the machine coder, which codes every statement); a statement
that names a topic only under negation ("we don't need more shelters") is not counted as recommending it.

A quote is the statement that best supports its point: a human coder applied the same code (when one
did), the statement is of the kind shown (an obstacle, a recommendation), the machine's evidence for the
code is strong and the statement is about few other topics, and it is of a readable length. Each
statement is quoted once in a report, and every quote says whether a human confirmed its code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from fivep.messages import message
from fivep.model import Codebook, Respondent

if TYPE_CHECKING:
    import pandas as pd

QUOTE_MAX = 420
Pair = tuple[str, str]          # (segment id, code id)


@dataclass(frozen=True)
class Quote:
    text: str
    respondent_id: str
    group: str
    segment_id: str
    translated_from: str | None = None      # the transcript itself is a translation from this language
    code_id: str = ""
    kind: str = ""
    confirmed: bool = False                  # a human coder applied the same code to this statement
    language: str = "th"                     # the language the statement is in
    code: str = ""                           # the pseudonymous code printed with it (fivep.privacy)


@dataclass
class Support:
    """What the report knows about each (statement, code) beyond the frame: the machine's score, whether
    all its evidence is negated, whether a human coder applied it too, and which statements humans read."""

    scores: dict[Pair, float] = field(default_factory=dict)
    negated: set[Pair] = field(default_factory=set)
    confirmed: set[Pair] = field(default_factory=set)
    human_read: set[str] = field(default_factory=set)


def support_from(codings: Iterable[Any], human_codings: Mapping[str, Sequence[Any]], segments: Sequence[Any],
                 *, human_docs: set[str]) -> Support:
    """:class:`Support` of the report coder's ``codings`` against the human coders' codings."""
    from fivep.coding.rules import negated_at

    by_id = {s.id: s for s in segments}
    support = Support()
    support.confirmed = {(c.segment_id, c.code_id) for codings_ in human_codings.values() for c in codings_}
    support.human_read = {s.id for s in segments if s.doc_id in human_docs}
    for coding in codings:
        pair = (coding.segment_id, coding.code_id)
        if coding.score is not None:
            support.scores[pair] = float(coding.score)
        segment = by_id.get(coding.segment_id or "")
        if segment is not None and coding.evidence and all(
                negated_at(segment.text, e.start - segment.start) for e in coding.evidence):
            support.negated.add(pair)
    return support


class Evidence:
    """Counts and quotes over a coded frame (:func:`fivep.analysis.frequencies.coded_frame`)."""

    def __init__(self, frame: pd.DataFrame, roster: Sequence[Respondent], codebook: Codebook, *,
                 lang: str = "en", labels: Mapping[str, Mapping[str, str]] | None = None, min_cell: int = 0,
                 translated: Mapping[str, str] | None = None, support: Support | None = None,
                 coder: str = "", count_format: Callable[[int, int], str] | None = None,
                 quote_gate: Callable[[Any], tuple[bool, str, str]] | None = None,
                 quote_filter: Callable[[str], str] | None = None) -> None:
        self.frame = frame[frame["respondent_id"].notna()].reset_index(drop=True)   # row order = index order
        self.roster = list(roster)
        self.codebook = codebook
        self.lang = lang
        self.labels = labels or {}
        self.min_cell = min_cell
        self.coder = coder
        self.support = support or Support()
        self.group_of = {r.id: r.group for r in self.roster}
        self.groups = list(dict.fromkeys(r.group for r in self.roster))
        self.group_sizes = {g: sum(1 for r in self.roster if r.group == g) for g in self.groups}
        self.quoted: dict[str, int] = {}
        self.used_segments: set[str] = set()     # each statement is quoted once in a report
        self.withheld: list[tuple[str, str]] = []  # (segment id, reason) of quotes the privacy gate held back
        self.translated = dict(translated or {})   # doc_id -> language the transcript was translated from
        self._count_format = count_format
        self._gate = quote_gate
        self._filter = quote_filter
        negated = self.support.negated
        if negated and len(self.frame):
            pairs = list(zip(self.frame["segment_id"], self.frame["code_id"], strict=True))
            self.frame = self.frame.assign(negated=[p in negated for p in pairs])
        else:
            self.frame = self.frame.assign(negated=False)

    # --- rows -----------------------------------------------------------------------------------

    @cached_property
    def _by_code(self) -> dict[str, pd.DataFrame]:
        """The frame's rows per code, split once (a report asks for a few codes' rows hundreds of times:
        filtering the whole frame each time cost 4 s of a 30 MB study's report)."""
        return {str(code): rows for code, rows in self.frame.groupby("code_id", sort=False)}

    def _rows_of(self, codes: Sequence[str]) -> pd.DataFrame:
        """The frame's rows coded with one of ``codes``, in the frame's order."""
        import pandas as pd

        parts = [self._by_code[c] for c in dict.fromkeys(codes) if c in self._by_code]
        if not parts:
            return self.frame.iloc[0:0]
        return parts[0] if len(parts) == 1 else pd.concat(parts).sort_index()

    @cached_property
    def _topics_per_segment(self) -> pd.Series:
        """How many 5P codes each statement carries (a quote about one topic reads better)."""
        return self.frame[self.frame["dimension"] != "actor"].groupby("segment_id")["code_id"].nunique()

    # --- labels ---------------------------------------------------------------------------------

    def group_label(self, group: str) -> str:
        custom = self.labels.get(group, {}).get(self.lang)
        if custom:
            return custom
        try:
            return message(self.lang, f"groups.{group}")
        except KeyError:
            return group

    def code_label(self, code_id: str) -> str:
        return self.codebook[code_id].label(self.lang) if code_id in self.codebook else code_id

    def count(self, n: int) -> str:
        """A count as it may be printed (:func:`fivep.privacy.cells.show_count`): below ``min_cell`` and above
        0 it is "<k" in the report's language; 0 stays 0."""
        from fivep.privacy.cells import show_count

        shown = (self._count_format or show_count)(n, self.min_cell)
        return message(self.lang, "report.suppressed", k=self.min_cell) if shown.startswith("<") else shown

    # --- who raised what ------------------------------------------------------------------------

    def respondents(self, *, codes: Sequence[str] | None = None, dimension: str | None = None,
                    kind: str | None = None, affirmed: bool = False) -> set[str]:
        """Respondents with a statement coded so; ``affirmed`` leaves out codes found only under negation."""
        rows = self.frame if codes is None else self._rows_of(codes)
        if dimension is not None:
            rows = rows[rows["dimension"] == dimension]
        if kind is not None:
            rows = rows[rows["kind"] == kind]
        if affirmed:
            rows = rows[~rows["negated"]]
        return set(rows["respondent_id"])

    def confirmed_respondents(self, codes: Sequence[str]) -> set[str]:
        """Respondents with a statement a human coder also coded with one of ``codes``."""
        rows = self._rows_of(codes)
        rows = rows[~rows["negated"]]
        confirmed = self.support.confirmed
        return {r for s, c, r in zip(rows["segment_id"], rows["code_id"], rows["respondent_id"], strict=True)
                if (s, c) in confirmed}

    def by_group(self, people: set[str]) -> dict[str, int]:
        counts = {g: 0 for g in self.groups}
        for rid in people:
            group = self.group_of.get(rid)
            if group in counts:
                counts[group] += 1
        return counts

    def groups_line(self, people: set[str], *, short: bool = False) -> str:
        """``"12 of 32 government officials, 4 of 15 minor victims"`` (groups with nobody left out)."""
        parts = []
        for group, n in self.by_group(people).items():
            if n or not short:
                parts.append(message(self.lang, "report.group_count", n=self.count(n), of=self.count(self.group_sizes[group]),
                                     label=self.group_label(group)))
        return ", ".join(parts) if self.lang == "en" else " ".join(parts)

    def evidence_line(self, people: set[str]) -> str:
        if not people:
            return message(self.lang, "report.evidence_none")
        return message(self.lang, "report.evidence", n=self.count(len(people)), total=len(self.roster),
                       groups=self.groups_line(people, short=True))

    def share_table(self, dimension: str) -> tuple[list[str], dict[str, list[float]]]:
        """Sub-codes of a dimension (most raised first) and, per group, the % of its respondents raising each."""
        codes = [c.id for c in self.codebook.codes if c.dimension == dimension and c.parent]
        counted = [(code, self.respondents(codes=[code])) for code in codes]
        counted = [(code, people) for code, people in counted if people]
        counted.sort(key=lambda item: -len(item[1]))
        shares = {g: [100 * self.by_group(people)[g] / self.group_sizes[g] for _, people in counted]
                  for g in self.groups}
        return [code for code, _ in counted], shares

    # --- quotes ---------------------------------------------------------------------------------

    def quotes(self, *, codes: Sequence[str], kind: str | None = None, limit: int = 2,
               exclude: set[str] | None = None) -> list[Quote]:
        """The statements that best support ``codes`` (of ``kind``): one per respondent, groups varied,
        never a statement quoted before in this report, each through the privacy gate."""
        from fivep.report.docx_thai import is_thai

        rows = self._rows_of(codes)
        rows = rows[~rows["segment_id"].isin(self.used_segments)]
        if kind == "recommendation":
            rows = rows[~rows["negated"]]
        if rows.empty:
            return []
        support = self.support
        topics = self._topics_per_segment

        def rank(row: Any) -> tuple[Any, ...]:
            pair = (row.segment_id, row.code_id)
            length = len(str(row.text))
            return (pair not in support.confirmed, kind is not None and row.kind != kind,
                    -round(support.scores.get(pair, 0.5), 1), int(topics.get(row.segment_id, 1)),
                    length < 60, abs(length - 220) // 40)

        candidates = sorted(rows.drop_duplicates("segment_id").itertuples(), key=rank)
        chosen: list[Quote] = []
        people: set[str] = set(exclude or set())
        groups: set[str] = set()
        for strict in (True, False):       # first one per group, then fill from any group
            for row in candidates:
                if len(chosen) >= limit:
                    break
                if row.respondent_id in people or row.segment_id in self.used_segments or (strict and row.group in groups):
                    continue
                code = row.respondent_id
                if self._gate is not None:
                    allowed, reason, code = self._gate(row)
                    if not allowed:
                        if (row.segment_id, reason) not in self.withheld:
                            self.withheld.append((row.segment_id, reason))
                        continue
                text = _shorten(str(row.text))
                text = self._filter(text) if self._filter else _redact(text)
                chosen.append(Quote(text, row.respondent_id, row.group, row.segment_id, self.translated.get(row.doc_id),
                                    row.code_id, row.kind, (row.segment_id, row.code_id) in support.confirmed,
                                    "th" if is_thai(text) else "en", code))
                people.add(row.respondent_id)
                groups.add(row.group)
                self.used_segments.add(row.segment_id)
                self.quoted[row.group] = self.quoted.get(row.group, 0) + 1
        return chosen


def _redact(text: str) -> str:
    from fivep.privacy.redact import redact_text

    return redact_text(text)


def _shorten(text: str, limit: int = QUOTE_MAX) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(" ,;") + " …"


def confirmed_share(machine: Iterable[Any], humans: Mapping[str, Sequence[Any]],
                    human_segments: set[str]) -> tuple[int, int, int]:
    """``(confirmed, machine codes on human-coded segments, human-coded segments)``.

    ``human_segments`` are the statements the human coders read (those they left uncoded included).
    """
    human_pairs = {(c.segment_id, c.code_id) for codings in humans.values() for c in codings}
    on_coded = [c for c in machine if c.segment_id in human_segments]
    confirmed = sum(1 for c in on_coded if (c.segment_id, c.code_id) in human_pairs)
    return confirmed, len(on_coded), len(human_segments)
