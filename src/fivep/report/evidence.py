"""The evidence behind a report: who raised what, counted by group, and quotes that can be shown.

Everything here is data (no document layout): counts of respondents by group for codes, dimensions and
kinds, lines such as "9 of 32 government officials", representative quotes passed through the
identifier filter, and the recommendations the report presents (researcher-written, from
``recommendations.yaml``, or else the ones respondents voiced, ranked by how many voiced them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fivep.errors import InputError
from fivep.messages import message
from fivep.model import Codebook, Respondent

if TYPE_CHECKING:
    import pandas as pd

QUOTE_MAX = 420


@dataclass(frozen=True)
class Quote:
    text: str
    respondent_id: str
    group: str
    segment_id: str
    translated_from: str | None = None


@dataclass(frozen=True)
class Recommendation:
    id: str
    dimension: str
    text: dict[str, str]
    actors: tuple[str, ...]
    codes: tuple[str, ...]
    respondents: frozenset[str] = field(default=frozenset())
    quotes: tuple[Quote, ...] = ()


class Evidence:
    """Counts and quotes over a coded frame (:func:`fivep.analysis.frequencies.coded_frame`)."""

    def __init__(self, frame: pd.DataFrame, roster: Sequence[Respondent], codebook: Codebook, *,
                 lang: str = "en", labels: Mapping[str, Mapping[str, str]] | None = None, min_cell: int = 0,
                 translated: Mapping[str, str] | None = None) -> None:
        self.frame = frame[frame["respondent_id"].notna()]
        self.roster = list(roster)
        self.codebook = codebook
        self.lang = lang
        self.labels = labels or {}
        self.min_cell = min_cell
        self.group_of = {r.id: r.group for r in self.roster}
        self.groups = list(dict.fromkeys(r.group for r in self.roster))
        self.group_sizes = {g: sum(1 for r in self.roster if r.group == g) for g in self.groups}
        self.quoted: dict[str, int] = {}
        self.translated = dict(translated or {})   # doc_id -> language the transcript was translated from

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
        if self.min_cell and 0 < n < self.min_cell:
            return message(self.lang, "report.suppressed", k=self.min_cell)
        return str(n)

    # --- who raised what ------------------------------------------------------------------------

    def respondents(self, *, codes: Sequence[str] | None = None, dimension: str | None = None,
                    kind: str | None = None) -> set[str]:
        rows = self.frame
        if codes is not None:
            rows = rows[rows["code_id"].isin(list(codes))]
        if dimension is not None:
            rows = rows[rows["dimension"] == dimension]
        if kind is not None:
            rows = rows[rows["kind"] == kind]
        return set(rows["respondent_id"])

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
                parts.append(message(self.lang, "report.group_count", n=self.count(n), of=self.group_sizes[group],
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
        """Representative statements: one per respondent, groups varied, of a readable length, de-identified."""
        from fivep.privacy.redact import redact_text

        rows = self.frame[self.frame["code_id"].isin(list(codes))]
        if kind is not None and (rows["kind"] == kind).any():
            rows = rows[rows["kind"] == kind]
        rows = rows.drop_duplicates("segment_id")
        rows = rows.assign(hits=rows["segment_id"].map(self.frame.groupby("segment_id")["code_id"].nunique()))
        rows = rows.assign(length=rows["text"].str.len())
        rows = rows[(rows["length"] >= 60)] if (rows["length"] >= 60).any() else rows
        rows = rows.sort_values(["hits", "length"], ascending=[False, True], kind="stable")
        chosen: list[Quote] = []
        used_people: set[str] = set(exclude or set())
        # Voices from every group: the group quoted least so far in this report goes first.
        order = sorted(rows["group"].dropna().unique(), key=lambda g: (self.quoted.get(g, 0), self.groups.index(g)
                                                                     if g in self.groups else 99))
        for group in order:
            if len(chosen) >= limit:
                break
            for row in rows[rows["group"] == group].itertuples():
                if row.respondent_id in used_people:
                    continue
                text = _shorten(str(row.text))
                chosen.append(Quote(redact_text(text), row.respondent_id, row.group, row.segment_id,
                                    self.translated.get(row.doc_id)))
                used_people.add(row.respondent_id)
                self.quoted[group] = self.quoted.get(group, 0) + 1
                break
        return chosen


def _shorten(text: str, limit: int = QUOTE_MAX) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(" ,;") + " …"


def load_recommendations(path: Path, codebook: Codebook) -> list[Recommendation]:
    """Researcher-written recommendations (``recommendations.yaml``); errors name the entry."""
    import yaml

    from fivep import safe_yaml

    try:
        data = safe_yaml.load(path.read_text(encoding="utf-8-sig")) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise InputError(f"not valid YAML: {getattr(error, 'problem', error)}", path=path,
                         line=mark.line + 1 if mark else None) from None
    entries = data.get("recommendations") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise InputError("expected a list under 'recommendations:'", path=path)
    out = []
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise InputError(f"recommendation {number} is not a mapping", path=path)
        rid = str(entry.get("id") or f"rec-{number}")
        for key in ("codes", "actors"):
            for code in entry.get(key) or []:
                if code not in codebook:
                    raise InputError(f"recommendation '{rid}' names unknown code '{code}'", path=path,
                                     hint="use code ids of the study's codebook")
        dimension = str(entry.get("dimension") or "")
        if not dimension:
            codes = [codebook[c].dimension for c in entry.get("codes") or []]
            dimension = codes[0] if codes else ""
        text = {lang: str(entry[lang]).strip() for lang in ("en", "th") if entry.get(lang)}
        if not text:
            raise InputError(f"recommendation '{rid}' has no text (give 'en:' and/or 'th:')", path=path)
        out.append(Recommendation(rid, dimension, text, tuple(entry.get("actors") or ()), tuple(entry.get("codes") or ())))
    return out


def with_evidence(recommendations: Sequence[Recommendation], evidence: Evidence) -> list[Recommendation]:
    """Attach who raised each recommendation's codes, and a quote preferably from a recommendation."""
    out = []
    for rec in recommendations:
        people = evidence.respondents(codes=rec.codes) if rec.codes else set()
        quotes = tuple(evidence.quotes(codes=rec.codes, kind="recommendation", limit=1)) if rec.codes else ()
        out.append(Recommendation(rec.id, rec.dimension, rec.text, rec.actors, rec.codes, frozenset(people), quotes))
    return out


def voiced_recommendations(evidence: Evidence, dimension: str, *, limit: int = 5) -> list[Recommendation]:
    """Without researcher-written recommendations: the sub-codes respondents made recommendations about,
    ranked by how many respondents voiced them, each with its statements."""
    frame = evidence.frame
    rows = frame[(frame["kind"] == "recommendation") & (frame["dimension"] == dimension)
                 & frame["code_id"].str.contains(".", regex=False)]
    ranked = rows.groupby("code_id")["respondent_id"].nunique().sort_values(ascending=False, kind="stable")
    out = []
    for code_id in list(ranked.index)[:limit]:
        people = set(rows.loc[rows["code_id"] == code_id, "respondent_id"])
        actors = frame[frame["segment_id"].isin(rows.loc[rows["code_id"] == code_id, "segment_id"])
                       & (frame["dimension"] == "actor")]["code_id"].value_counts()
        label = evidence.code_label(code_id)
        quotes = tuple(evidence.quotes(codes=[code_id], kind="recommendation", limit=2))
        out.append(Recommendation(f"voiced-{code_id}", dimension, {evidence.lang: label}, tuple(actors.index[:3]),
                                  (code_id,), frozenset(people), quotes))
    return out


def confirmed_share(machine: Sequence[Any], humans: Mapping[str, Sequence[Any]],
                    human_segments: set[str]) -> tuple[int, int, int]:
    """``(confirmed, machine codes on human-coded segments, human-coded segments)``.

    ``human_segments`` are the statements the human coders read (those they left uncoded included).
    """
    human_pairs = {(c.segment_id, c.code_id) for codings in humans.values() for c in codings}
    on_coded = [c for c in machine if c.segment_id in human_segments]
    confirmed = sum(1 for c in on_coded if (c.segment_id, c.code_id) in human_pairs)
    return confirmed, len(on_coded), len(human_segments)
