"""fivep's tagger: rule evidence, the semantic layer and a learned model, combined per P.

:class:`Tagger` codes statements the way :class:`~fivep.coding.rules.RuleTagger` does (same results,
same JSON), and decides each P from the calibrated combination of :mod:`fivep.coding.combine`:

- a P coded with rule evidence keeps the sub-codes the keywords found, with their matched words;
- a P coded on meaning alone gets its dimension code (``prevention``), with the nearest codebook
  example as evidence (``nearest``: text, code, similarity);
- a rule code whose P the combination rejects is dropped (a word out of context).

Statements are encoded in batches (:meth:`Tagger.tag_many`); :meth:`Tagger.tag` codes one. The coder
name stays ``rules@VERSION`` (the study's machine coder), so stores and exports keep working.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from fivep.coding.nlp import DEFAULT_ENGINE
from fivep.coding.rules import CodeResult, Nearest, RuleTagger, TagResult, load_rule_tagger
from fivep.model import DIMENSIONS, Codebook, Coding, Evidence, Segment

if TYPE_CHECKING:
    import numpy as np

BATCH = 256


class Tagger:
    """Rules + semantic layer + learned model (see the module docstring).

    Parameters
    ----------
    codebook:
        The codebook (keywords for the rules, definitions and examples for the semantic layer).
    embedder:
        ``None`` for the default encoder, or a local sentence-transformers model folder.
    engine:
        Thai tokenizer engine of the rules.
    """

    def __init__(self, codebook: Codebook, *, embedder: str | Path | None = None,
                 engine: str = DEFAULT_ENGINE) -> None:
        from fivep.coding.combine import load_model
        from fivep.coding.embed import load_embedder
        from fivep.coding.semantic import SemanticIndex

        self.codebook = codebook
        self.rules = load_rule_tagger(codebook, engine=engine)
        self.index = SemanticIndex(codebook, load_embedder(embedder))
        self.model = load_model(self.index, self.rules)

    @property
    def coder(self) -> str:
        return self.rules.coder

    def tag(self, text: str) -> TagResult:
        return self.tag_many([text])[0]

    def tag_many(self, texts: Sequence[str]) -> list[TagResult]:
        """Code texts, encoding them in batches of :data:`BATCH`."""
        return self.tag_with_rows(texts)[0]

    def tag_with_rows(self, texts: Sequence[str]) -> tuple[list[TagResult], np.ndarray]:
        """:meth:`tag_many`, and the row each text was read by (:func:`fivep.coding.semantic.statement_rows`)."""
        import numpy as np

        out: list[TagResult] = []
        rows = [np.zeros((0, self.index.embedder.dimensions), dtype=np.float32)]
        for start in range(0, len(texts), BATCH):
            results, batch_rows = self._batch(list(texts[start : start + BATCH]))
            out += results
            rows.append(batch_rows)
        return out, np.concatenate(rows)

    def _batch(self, texts: list[str]) -> tuple[list[TagResult], np.ndarray]:
        from fivep.coding.combine import kind_matrix, rule_matrix

        ruled = [self.rules.tag(t) for t in texts]
        chunked, starts, pieces = self.index.encode_chunks(texts)
        semantic = self.index.scores(chunked, starts)
        logits = self.model.logits(chunked, starts)
        ngrams = self.model.ngrams(pieces, starts)
        probabilities = self.model.probabilities(rule_matrix(ruled), logits, semantic, self.model.lexical(ngrams, starts))
        kinds = self.model.kinds(kind_matrix(ruled), chunked[starts], ngrams[starts] if ngrams is not None else None)
        return [self._decide(r, probabilities[i], semantic.nearest[i], semantic.best[i], kinds[i], bool(texts[i].strip()))
                for i, r in enumerate(ruled)], chunked[starts]

    def _decide(self, ruled: TagResult, p: np.ndarray, nearest: np.ndarray, best: np.ndarray, kind: str,
                has_text: bool) -> TagResult:
        codes: list[CodeResult] = []
        for j, dim in enumerate(DIMENSIONS):
            if not has_text or p[j] < self.model.thresholds[j]:
                continue
            text, code = self.index.nearest_text(int(nearest[j]))
            near = Nearest(text, code, float(best[j]))
            found = [c for c in ruled.codes if c.dimension == dim]
            if found:
                codes += [c._replace(score=float(p[j]), nearest=near) for c in found]
            else:
                codes.append(CodeResult(dim, dim, float(p[j]), (), near))
        codes.sort(key=lambda c: (-c.score, c.code))
        return TagResult(ruled.text, ruled.lang, kind if has_text else "other", tuple(codes), ruled.actors,
                         ruled.cues, {d: float(p[j]) for j, d in enumerate(DIMENSIONS)}, ruled.specific, ruled.features)

    def predict(self, segments: Sequence[Segment]) -> tuple[list[Coding], dict[str, str]]:
        """Code segments. Returns ``(codings, kinds)``; ``kinds`` maps segment ids to their kind."""
        codings, kinds, _ = self.predict_with_rows(segments)
        return codings, kinds

    def predict_with_rows(self, segments: Sequence[Segment]) -> tuple[list[Coding], dict[str, str], np.ndarray]:
        """:meth:`predict`, and each segment's row as the semantic layer read it (kept for topics)."""
        codings: list[Coding] = []
        kinds: dict[str, str] = {}
        results, rows = self.tag_with_rows([s.text for s in segments])
        for segment, result in zip(segments, results, strict=True):
            codings += codings_of(segment, result, self.coder)
            kinds[segment.id] = result.kind
        return codings, kinds, rows

    def code_segment(self, segment: Segment) -> tuple[list[Coding], str]:
        result = self.tag(segment.text)
        return codings_of(segment, result, self.coder), result.kind


def codings_of(segment: Segment, result: TagResult, coder: str) -> list[Coding]:
    """The codings of a tagged segment; a code found on meaning carries its nearest example as evidence
    (a zero-width span at the segment's start whose text names the example and its similarity)."""
    out = []
    for code in (*result.codes, *result.actors):
        evidence = tuple(Evidence(segment.start + e.start, segment.start + e.end, e.text) for e in code.evidence)
        if not evidence and code.nearest is not None:
            n = code.nearest
            evidence = (Evidence(segment.start, segment.start,
                                 f"nearest example ({n.code}, similarity {n.similarity:.2f}): {n.text}"),)
        out.append(Coding(segment.doc_id, segment.id, segment.start, segment.end, code.code, coder,
                          "rule", round(code.score, 4), evidence))
    return out


def make_tagger(codebook: Codebook, *, rules_only: bool = False, embedder: str | Path | None = None,
                engine: str = DEFAULT_ENGINE) -> Tagger | RuleTagger:
    """The default tagger (rules + semantic + learned), or the rule tagger alone."""
    if rules_only:
        return load_rule_tagger(codebook, engine=engine)
    return Tagger(codebook, embedder=embedder, engine=engine)
