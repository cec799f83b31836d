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
term's specificity (0.5 for abbreviations of up to 3 letters (พม., MDT), 0.65 for single words, 0.8 for
multi-word or long terms). A weak keyword (a word ambiguous alone: training, budget, plan, a
country) counts only in context, when a keyword of the same P that is not weak is in the statement,
and then weighs 0.65 (0.3 towards the P's rule evidence otherwise); a repeated term adds half its
weight again. Codes under ``min_score`` (default 0.5) are dropped.

Dimensions
----------
The dimension roots carry the generic vocabulary of their P, so a statement reaches its P even when
no sub-code fits (the root code is then the coding). :attr:`TagResult.dimensions` holds the rule
evidence for each P, ``1 - prod(1 - score)`` over the codes of the P found (below ``min_score`` too);
:attr:`TagResult.specific` the same over its sub-codes only (a specific keyword, not the P's generic words).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple

from fivep.coding.codebook import ACTOR
from fivep.coding.kind import KINDS, cues, kind_features, rule_kind
from fivep.coding.nlp import DEFAULT_ENGINE, Analysis, Analyzer, CueCounter, Hit, TermMatcher
from fivep.model import DIMENSIONS, Codebook, Coding, Evidence, Segment

__all__ = ["KINDS", "CodeResult", "EvidenceSpan", "RuleTagger", "TagResult", "dimensions_of"]
_LATIN = re.compile("[A-Za-z]")
_THAI = re.compile("[\u0e01-\u0e5b]")


class EvidenceSpan(NamedTuple):
    start: int
    end: int
    text: str
    negated: bool = False


class Nearest(NamedTuple):
    """The codebook example (or human-coded statement) closest in meaning, and its cosine similarity."""

    text: str
    code: str
    similarity: float


class CodeResult(NamedTuple):
    code: str
    dimension: str
    score: float
    evidence: tuple[EvidenceSpan, ...]
    nearest: Nearest | None = None


@dataclass(frozen=True)
class TagResult:
    """What the tagger found in one text; offsets index that text."""

    text: str
    lang: str
    kind: str
    codes: tuple[CodeResult, ...]
    actors: tuple[CodeResult, ...] = ()
    cues: tuple[tuple[int, int], ...] = field(default=(), compare=False)   # spans of the kind cues found
    dimensions: dict[str, float] = field(default_factory=dict, compare=False)  # rule evidence per P
    specific: dict[str, float] = field(default_factory=dict, compare=False)    # ... from sub-codes only
    features: dict[str, float] = field(default_factory=dict, compare=False)    # kind evidence (fivep.coding.kind)

    def to_json(self) -> dict[str, Any]:
        def code(c: CodeResult) -> dict[str, Any]:
            out = {"code": c.code, "dimension": c.dimension, "score": round(c.score, 4),
                   "evidence": [{"start": e.start, "end": e.end, "text": e.text} for e in c.evidence]}
            if c.nearest is not None:
                out["nearest"] = {"text": c.nearest.text, "code": c.nearest.code,
                                  "similarity": round(c.nearest.similarity, 4)}
            return out

        return {"text": self.text, "lang": self.lang, "kind": self.kind, "codes": [code(c) for c in self.codes],
                "actors": [code(c) for c in self.actors]}


@cache
def _negation_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A Thai negator right before a term; an English one among the 3 words before it."""
    table = cues()
    negators = sorted((re.escape(str(t)) for t in table["negation"]["th"]), key=len, reverse=True)
    english = "|".join(re.escape(str(t)) for t in table["negation"]["en"] if str(t) != "n't")
    return (re.compile(f"(?:{'|'.join(negators)})\\s*$"),
            re.compile(rf"(?:\b(?:{english})\b|n't)(?:\W+\w+){{0,2}}\W*$", re.IGNORECASE))


def negated_at(text: str, start: int) -> bool:
    """Whether a term starting at ``start`` of ``text`` is under negation, by the tagger's own test
    (for stored codings, whose evidence keeps offsets but not the flag)."""
    thai, english = _negation_patterns()
    return (thai.search(text, max(0, start - 12), start) is not None
            or english.search(text, max(0, start - 40), start) is not None)


def _weight(term: str) -> float:
    letters = [c for c in term if c.isalnum()]
    thai_word = bool(_THAI.search(term)) and "." not in term   # ล่าม has three letters but is no abbreviation
    if len(letters) <= 3 and not (thai_word and len(letters) == 3):
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
        table = cues()
        for kind in ("recommendation", "obstacle"):
            for lang in ("th", "en"):
                for strength in ("strong", "weak"):
                    cue_terms += [(str(t), f"{kind}:{strength}") for t in table[kind][lang].get(strength, [])]
        cue_terms += [(str(t), "past") for lang in ("th", "en") for t in table["past"][lang]]
        self.matcher = TermMatcher(self.analyzer, keywords)
        # cues ("ขาด", "ยาก") count only on segmentation boundaries, longest first
        self.cues = CueCounter(self.analyzer, cue_terms, inflect=lambda label: label.startswith("obstacle"))
        self._negation_th_re, self._negation_en_re = _negation_patterns()

    @property
    def coder(self) -> str:
        return f"rules@{self.codebook.version}"

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (:func:`load_rule_tagger`) without the codebook, which the loader sets, and without caches."""
        return {**self.__dict__, "codebook": None, "_weights": {}}

    def warm(self) -> None:
        """Load what tagging loads lazily (see :meth:`fivep.coding.nlp.Analyzer.warm`)."""
        self.analyzer.warm()

    # --- decide -----------------------------------------------------------------------------

    def _negated(self, analysis: Analysis, hit: Hit) -> bool:
        """Is the hit under negation: a Thai negator right before it, or an English one among the 3 words before?"""
        text = analysis.text
        if analysis.has_thai and self._negation_th_re.search(text, max(0, hit.start - 12), hit.start):
            return True
        if analysis.lang != "en" and not _LATIN.search(text, max(0, hit.start - 40), hit.start):
            return False   # no English word right before a hit in Thai speech
        return self._negation_en_re.search(text, max(0, hit.start - 40), hit.start) is not None

    def tag(self, text: str) -> TagResult:
        """Code one text; offsets in the result index ``text``."""
        analysis = self.analyzer.analyse(text)
        by_code: dict[str, list[tuple[Hit, bool]]] = defaultdict(list)
        for hit in self.matcher.find(analysis):
            by_code[hit.label].append((hit, self._negated(analysis, hit)))
        codebook = self.codebook
        # a P is in context when a keyword of it that is not weak was found
        context = {codebook[c].dimension for c, hits in by_code.items()
                   if any(not self._is_weak(c, h.term) for h, _ in hits)}
        results: list[CodeResult] = []
        actors: list[CodeResult] = []
        dimensions: dict[str, float] = {}
        specific: dict[str, float] = {}
        negated_count = 0
        for code_id, hits in by_code.items():
            code = codebook[code_id]
            in_context = code.dimension in context and code.dimension != ACTOR
            seen: set[str] = set()
            remaining = 1.0
            for hit, _ in hits:
                weight = 0.65 if in_context and self._is_weak(code_id, hit.term) else self._weight(code_id, hit.term)
                remaining *= 1 - (weight / 2 if hit.term in seen else weight)
                seen.add(hit.term)
            score = 1 - remaining
            if code.dimension in DIMENSIONS:
                dimensions[code.dimension] = 1 - (1 - dimensions.get(code.dimension, 0.0)) * remaining
                if code.parent:
                    specific[code.dimension] = 1 - (1 - specific.get(code.dimension, 0.0)) * remaining
            if score < self.min_score or (not in_context and code.dimension != ACTOR):
                continue   # weak keywords alone are no evidence for a code: they need a keyword of their P
            evidence = tuple(EvidenceSpan(h.start, h.end, text[h.start : h.end], neg) for h, neg in hits)
            result = CodeResult(code_id, code.dimension, score, evidence)
            if code.dimension == ACTOR:
                actors.append(result)
            else:
                results.append(result)
                negated_count += sum(1 for _, neg in hits if neg)
        cue_counts, cue_spans = self.cues.count(analysis)
        features = kind_features(text, cue_counts, negated_count, bool(results))
        results.sort(key=lambda r: (-r.score, r.code))
        actors.sort(key=lambda r: (-r.score, r.code))
        return TagResult(text, analysis.lang, rule_kind(features), tuple(results), tuple(actors), tuple(cue_spans),
                         dimensions, specific, features)

    def tag_many(self, texts: Sequence[str]) -> list[TagResult]:
        return [self.tag(t) for t in texts]

    def _is_weak(self, code_id: str, term: str) -> bool:
        return (code_id, " ".join(term.casefold().split())) in self._weak

    def _weight(self, code_id: str, term: str) -> float:
        weight = self._weights.get((code_id, term))
        if weight is None:
            weight = self._weights[(code_id, term)] = 0.3 if self._is_weak(code_id, term) else _weight(term)
        return weight

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


#: The sources a built rule tagger depends on, besides the codebook (its cache key covers their bytes).
_SOURCES = (("fivep.coding", "rules.py"), ("fivep.coding", "nlp.py"), ("fivep.coding", "tokenize.py"),
            ("fivep.coding", "kind.py"), ("fivep.ingest", "thai.py"), ("fivep", "data/cues.yaml"),
            ("fivep", "data/domain_th.txt"))


def _tagger_digest(codebook: Codebook, engine: str, min_score: float) -> str:
    import hashlib
    import sys
    from importlib import metadata, resources

    from fivep.coding.batch import codebook_fingerprint

    h = hashlib.sha1(f"{codebook_fingerprint(codebook)}\x00{engine}\x00{min_score}\x00{sys.version}".encode())
    for package in ("pythainlp", "pyahocorasick", "spacy-lookups-data", "nlpo3"):
        try:
            h.update(f"\x00{package} {metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"\x00{package} -".encode())
    for package, name in _SOURCES:
        h.update(resources.files(package).joinpath(name).read_bytes())
    return h.hexdigest()[:20]


def load_rule_tagger(codebook: Codebook, *, engine: str = DEFAULT_ENGINE, min_score: float = 0.5) -> RuleTagger:
    """The rule tagger for ``codebook``, built once per machine and then read from fivep's cache.

    Building it costs about 0.5 s at every start (English inflections of every keyword, the matching
    automata, PyThaiNLP's word lists); reading it back costs about 0.1 s. The cache entry's name is a
    digest of the codebook, the engine, the versions of the libraries the matching depends on and the
    bytes of fivep's matching code and cue lists, so a change to any of them builds a new one. An entry
    that cannot be read is rebuilt; one that cannot be written is skipped. The entry is a pickle
    written by fivep into the user's own cache folder (:func:`fivep.coding.embed.cache_dir`).
    """
    import pickle

    from fivep.coding.embed import cache_dir
    from fivep.coding.nlp import available_engine

    engine = available_engine(engine)
    path = cache_dir() / "rules" / f"rules-{_tagger_digest(codebook, engine, min_score)}.pickle"
    # a missing, damaged or stale entry is rebuilt below
    with contextlib.suppress(OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError,
                             ValueError, IndexError):
        with path.open("rb") as handle:
            cached = pickle.load(handle)
        if isinstance(cached, RuleTagger):
            cached.codebook = codebook
            return cached
    tagger = RuleTagger(codebook, engine=engine, min_score=min_score)
    tagger.warm()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            pickle.dump(tagger, handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError:
        pass
    return tagger


def dimensions_of(code_ids: Iterable[str], codebook: Codebook) -> set[str]:
    """The 5P dimensions a set of codes belongs to (actor codes belong to none)."""
    return {codebook[c].dimension for c in code_ids if c in codebook and codebook[c].dimension in DIMENSIONS}
