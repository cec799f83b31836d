"""The rule tagger: codebook keywords found on Thai/English word boundaries, with evidence.

Like a spaCy pipeline step, :meth:`RuleTagger.predict` decides and returns new objects; it never
mutates its input.

Negation policy
---------------
A keyword under negation ("ไม่มีล่าม", "there was no interpreter") still codes its topic: a
respondent who says there was no interpreter is talking about interpreters, and usually about an
obstacle. Negated evidence is flagged (``negated=True``) and counts as an obstacle cue for the
segment's kind; it never removes a code.

Scores
------
Each code's score is ``1 - prod(1 - w)`` over its distinct matched terms, with ``w`` growing with the
term's specificity (0.5 for abbreviations of up to 3 letters, 0.65 for single words, 0.8 for
multi-word or long terms; 0.3 for the codebook's weak keywords); a repeated term adds half its weight
again. Scores are in (0, 1); codes under ``min_score`` (default 0.5) are dropped, so one keyword
codes a segment but a weak keyword needs a second keyword of the same code.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

from fivep.coding.codebook import ACTOR
from fivep.coding.nlp import DEFAULT_ENGINE, Analysis, Analyzer, CueCounter, Hit, TermMatcher
from fivep.model import DIMENSIONS, Codebook, Coding, Evidence, Segment

KINDS = ("obstacle", "recommendation", "other")
_LATIN = re.compile("[A-Za-z]")


class EvidenceSpan(NamedTuple):
    start: int
    end: int
    text: str
    negated: bool = False


class CodeResult(NamedTuple):
    code: str
    dimension: str
    score: float
    evidence: tuple[EvidenceSpan, ...]


@dataclass(frozen=True)
class TagResult:
    """What the tagger found in one text; offsets index that text."""

    text: str
    lang: str
    kind: str
    codes: tuple[CodeResult, ...]
    actors: tuple[CodeResult, ...] = ()
    cues: tuple[tuple[int, int], ...] = field(default=(), compare=False)   # spans of the kind cues found

    def to_json(self) -> dict[str, Any]:
        def code(c: CodeResult) -> dict[str, Any]:
            return {"code": c.code, "dimension": c.dimension, "score": round(c.score, 4),
                    "evidence": [{"start": e.start, "end": e.end, "text": e.text} for e in c.evidence]}

        return {"text": self.text, "lang": self.lang, "kind": self.kind, "codes": [code(c) for c in self.codes],
                "actors": [code(c) for c in self.actors]}


@cache
def _cues() -> dict[str, Any]:
    import yaml

    text = resources.files("fivep").joinpath("data", "cues.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)  # type: ignore[no-any-return]


def _weight(term: str) -> float:
    letters = [c for c in term if c.isalnum()]
    if len(letters) <= 3:
        return 0.5
    if " " in term.strip() or len(letters) >= 9:
        return 0.8
    return 0.65


class RuleTagger:
    """Codes texts with a codebook's keywords.

    Parameters
    ----------
    codebook:
        The codebook; its Thai keywords are merged into the tokenizer dictionary.
    engine:
        Thai tokenizer engine (see :mod:`fivep.coding.nlp`).
    min_score:
        Codes scoring below this are not returned.
    """

    def __init__(self, codebook: Codebook, *, engine: str = DEFAULT_ENGINE, min_score: float = 0.5) -> None:
        self.codebook = codebook
        self.engine = engine
        self.min_score = min_score
        keywords = [(kw, c.id) for c in codebook.codes for kw in (*c.keywords_th, *c.keywords_en, *c.weak_keywords)]
        self._weak = {(c.id, " ".join(kw.casefold().split())) for c in codebook.codes for kw in c.weak_keywords}
        self._weights: dict[tuple[str, str], float] = {}
        self.analyzer = Analyzer(engine=engine, custom_words=[kw for kw, _ in keywords])
        cue_terms: list[tuple[str, str]] = []
        cues = _cues()
        for kind in ("recommendation", "obstacle"):
            for lang in ("th", "en"):
                for strength in ("strong", "weak"):
                    cue_terms += [(str(t), f"{kind}:{strength}") for t in cues[kind][lang].get(strength, [])]
        self.matcher = TermMatcher(self.analyzer, keywords)
        # cues ("ขาด", "ยาก") count only on segmentation boundaries, longest first
        self.cues = CueCounter(self.analyzer, cue_terms)
        negators = sorted((re.escape(str(t)) for t in cues["negation"]["th"]), key=len, reverse=True)
        self._negation_th_re = re.compile(f"(?:{'|'.join(negators)})\\s*$")
        english = "|".join(re.escape(str(t)) for t in cues["negation"]["en"] if str(t) != "n't")
        self._negation_en_re = re.compile(rf"(?:\b(?:{english})\b|n't)(?:\W+\w+){{0,2}}\W*$", re.IGNORECASE)

    @property
    def coder(self) -> str:
        return f"rules@{self.codebook.version}"

    # --- decide -----------------------------------------------------------------------------

    def _negated(self, analysis: Analysis, hit: Hit) -> bool:
        """Is the hit under negation: a Thai negator right before it, or an English one among the 3 words before?"""
        text = analysis.text
        if analysis.has_thai and self._negation_th_re.search(text, max(0, hit.start - 12), hit.start):
            return True
        if analysis.lang != "en" and not _LATIN.search(text, max(0, hit.start - 40), hit.start):
            return False   # no English word right before a hit in Thai speech
        return self._negation_en_re.search(text, max(0, hit.start - 40), hit.start) is not None

    def _kind(self, found: dict[str, int], negated: int, has_codes: bool) -> str:
        counts: dict[str, int] = defaultdict(int, found)
        rec = 2 * counts["recommendation:strong"] + counts["recommendation:weak"]
        obs = 2 * counts["obstacle:strong"] + counts["obstacle:weak"] + negated
        if counts["recommendation:strong"] and rec >= obs:
            return "recommendation"
        if counts["obstacle:strong"] or negated or obs >= 2:
            return "obstacle"
        if rec >= 2 or (rec and has_codes):
            return "recommendation"
        return "other"

    def tag(self, text: str) -> TagResult:
        """Code one text; offsets in the result index ``text``."""
        analysis = self.analyzer.analyse(text)
        by_code: dict[str, list[tuple[Hit, bool]]] = defaultdict(list)
        for hit in self.matcher.find(analysis):
            by_code[hit.label].append((hit, self._negated(analysis, hit)))
        results: list[CodeResult] = []
        actors: list[CodeResult] = []
        negated_count = 0
        for code_id, hits in by_code.items():
            code = self.codebook[code_id]
            seen: set[str] = set()
            remaining = 1.0
            for hit, _ in hits:
                weight = self._weights.get((code_id, hit.term))
                if weight is None:
                    weak = (code_id, " ".join(hit.term.casefold().split())) in self._weak
                    weight = self._weights[(code_id, hit.term)] = 0.3 if weak else _weight(hit.term)
                remaining *= 1 - (weight / 2 if hit.term in seen else weight)
                seen.add(hit.term)
            score = 1 - remaining
            if score < self.min_score:
                continue
            evidence = tuple(EvidenceSpan(h.start, h.end, text[h.start : h.end], neg) for h, neg in hits)
            result = CodeResult(code_id, code.dimension, score, evidence)
            if code.dimension == ACTOR:
                actors.append(result)
            else:
                results.append(result)
                negated_count += sum(1 for _, neg in hits if neg)
        cue_counts, cue_spans = self.cues.count(analysis)
        kind = self._kind(cue_counts, negated_count, bool(results))
        results.sort(key=lambda r: (-r.score, r.code))
        actors.sort(key=lambda r: (-r.score, r.code))
        return TagResult(text, analysis.lang, kind, tuple(results), tuple(actors), tuple(cue_spans))

    def predict(self, segments: Sequence[Segment]) -> tuple[list[Coding], dict[str, str]]:
        """Code segments. Returns ``(codings, kinds)``; ``kinds`` maps segment ids to their kind."""
        codings: list[Coding] = []
        kinds: dict[str, str] = {}
        for segment in segments:
            codings_, kind = self.code_segment(segment)
            codings.extend(codings_)
            kinds[segment.id] = kind
        return codings, kinds

    def code_segment(self, segment: Segment) -> tuple[list[Coding], str]:
        result = self.tag(segment.text)
        out = []
        for code in (*result.codes, *result.actors):
            evidence = tuple(Evidence(segment.start + e.start, segment.start + e.end, e.text) for e in code.evidence)
            out.append(Coding(segment.doc_id, segment.id, segment.start, segment.end, code.code, self.coder,
                              "rule", round(code.score, 4), evidence))
        return out, result.kind


def dimensions_of(code_ids: Iterable[str], codebook: Codebook) -> set[str]:
    """The 5P dimensions a set of codes belongs to (actor codes belong to none)."""
    return {codebook[c].dimension for c in code_ids if c in codebook and codebook[c].dimension in DIMENSIONS}
