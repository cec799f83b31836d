"""The semantic layer: the codebook's own words as prototypes, compared with a statement by meaning.

Every thematic code contributes its labels, definitions (English and Thai), inclusion notes and
examples (speech and report register, both languages) as prototype texts. A statement is encoded
with the same sentence encoder (:mod:`fivep.coding.embed`) and compared with every prototype (cosine
similarity). For each P the layer reports the best similarity, how far it stands above the best of
the other Ps, and the nearest prototype, which is the evidence a person reads ("nearest codebook
example: ..., similarity 0.71").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fivep.coding.embed import Embedder, encode_cached
from fivep.model import DIMENSIONS, Codebook

if TYPE_CHECKING:
    import numpy as np


CHUNK = 200   # characters: a longer text is also read in pieces of about this size
_PIECE = re.compile(r"[^.!?\n]+[.!?]*|\n+")


def chunks(text: str) -> list[str]:
    """The text itself and, when it is longer than :data:`CHUNK`, its pieces of about that size
    (sentences; Thai, written without full stops, at spaces). An interview turn often touches
    several Ps, one sentence each: averaged over the whole turn, a sentence's meaning fades."""
    text = " ".join(text.split())
    if len(text) <= CHUNK:
        return [text]
    pieces = [p.strip() for m in _PIECE.finditer(text) for p in _split_long(m.group())]
    out: list[str] = []
    current = ""
    for piece in (p for p in pieces if p):
        if current and len(current) + len(piece) + 1 > CHUNK:
            out.append(current)
            current = piece
        else:
            current = f"{current} {piece}".strip()
    if current:
        out.append(current)
    return [text, *out] if len(out) > 1 else [text]


def _split_long(sentence: str) -> list[str]:
    if len(sentence) <= CHUNK:
        return [sentence]
    words = sentence.split(" ")
    out, current = [], ""
    for word in words:
        if current and len(current) + len(word) + 1 > CHUNK // 2:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*out, current] if current else out


def prototype_texts(codebook: Codebook) -> list[tuple[str, str]]:
    """``(text, code)`` for every prototype of the thematic codes: labels, definitions, include, examples."""
    out: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for code in codebook.codes:
        if code.dimension not in DIMENSIONS:
            continue
        for text in (code.label_en, code.label_th, code.definition, code.definition_th, code.include, *code.examples):
            text = " ".join(text.split())
            if text and (text, code.id) not in seen:
                seen.add((text, code.id))
                out.append((text, code.id))
    return out


@dataclass
class SemanticScores:
    """Per statement and P: best similarity, its margin over the other Ps, and the nearest prototype."""

    best: np.ndarray       # statements x 5
    margin: np.ndarray     # statements x 5: best of this P minus best of the others
    nearest: np.ndarray    # statements x 5: index of the nearest prototype of each P


class SemanticIndex:
    """A codebook's prototypes, encoded once (and kept on disk) with one embedder."""

    def __init__(self, codebook: Codebook, embedder: Embedder) -> None:
        import numpy as np

        pairs = prototype_texts(codebook)
        self.embedder = embedder
        self.texts = [t for t, _ in pairs]
        self.codes = [c for _, c in pairs]
        self.dimensions = [codebook[c].dimension for c in self.codes]
        self.vectors = encode_cached(embedder, self.texts)
        self._members = [np.array([i for i, d in enumerate(self.dimensions) if d == dim], dtype=np.int64)
                         for dim in DIMENSIONS]

    def scores(self, vectors: np.ndarray, starts: np.ndarray | None = None) -> SemanticScores:
        """Compare encoded statements (rows, L2-normalised) with the prototypes; with ``starts`` (the
        first row of each statement's chunks), the best over each statement's chunks."""
        import numpy as np

        sims = vectors @ self.vectors.T
        if starts is not None:
            sims = np.maximum.reduceat(sims, starts, axis=0)
        n = len(sims)
        best = np.zeros((n, len(DIMENSIONS)), dtype=np.float32)
        nearest = np.zeros((n, len(DIMENSIONS)), dtype=np.int64)
        for j, members in enumerate(self._members):
            if len(members):
                block = sims[:, members]
                arg = block.argmax(axis=1)
                nearest[:, j] = members[arg]
                best[:, j] = block[np.arange(n), arg]
        margin = np.empty_like(best)
        for j in range(len(DIMENSIONS)):
            others = np.delete(best, j, axis=1)
            margin[:, j] = best[:, j] - others.max(axis=1)
        return SemanticScores(best, margin, nearest)

    def nearest_text(self, index: int) -> tuple[str, str]:
        return self.texts[index], self.codes[index]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self.embedder.encode(list(texts))

    def encode_chunks(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """:func:`encode_in_chunks` with this index's encoder."""
        return encode_in_chunks(self.embedder, texts)


def encode_in_chunks(embedder: Embedder, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Every text's :func:`chunks`, encoded: ``(vectors, starts, pieces)``; ``pieces`` are the chunks in
    order (a row of ``vectors`` each), ``starts`` where each text's begin, its first chunk the whole text.

    A text read in pieces is encoded piece by piece only: its whole-text row is the mean of its
    pieces' rows weighted by their length, normalised (:func:`add_up_pieces`). Encoding the whole text
    as well cost 1.9 times the characters on interview turns; on the evaluation sets the tagger's F1
    moved by -0.008 to +0.007 against encoding it (docs/coding.md)."""
    import numpy as np

    per_text = [chunks(t) for t in texts]
    starts = np.cumsum([0, *(len(p) for p in per_text[:-1])]).astype(np.int64)
    pieces = [c for p in per_text for c in p]
    lengths = np.array([len(c) for c in pieces], dtype=np.float32)
    encoded_rows, add_up = add_up_pieces(starts, len(pieces), lengths)
    vectors = np.asarray(add_up @ embedder.encode([pieces[i] for i in encoded_rows]), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0), starts, pieces


def statement_rows(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """One row per text, the one the tagger reads a statement by (a long text's pieces added up, see
    :func:`encode_in_chunks`): what the study store keeps for the topics step (:mod:`fivep.coding.vectors`)."""
    if not texts:
        import numpy as np

        return np.zeros((0, embedder.dimensions), dtype=np.float32)
    vectors, starts, _ = encode_in_chunks(embedder, texts)
    return vectors[starts]


def add_up_pieces(starts: np.ndarray, n: int, weights: np.ndarray | None = None) -> tuple[np.ndarray, Any]:
    """How to compute rows for ``n`` pieces of texts (see :meth:`SemanticIndex.encode_chunks`: ``starts``
    where each text's pieces begin, a long text's whole text first) from rows of some pieces only:
    ``(rows, add_up)``, where ``rows`` are the pieces to compute and ``add_up`` (sparse, ``n`` x
    ``len(rows)``) gives every piece its row, and a long text's whole text the sum of its pieces' rows
    (times ``weights``, the pieces' weights, when given)."""
    import numpy as np
    from scipy.sparse import csr_matrix

    sizes = np.diff(np.append(starts, n))
    whole = np.zeros(n, dtype=bool)
    whole[starts[sizes > 1]] = True                       # derived: a long text's whole text
    rows = np.flatnonzero(~whole)
    part = ~np.isin(rows, starts)                         # a piece of a long text
    owner = np.repeat(np.arange(len(starts)), sizes)      # the text of each piece
    weight = np.ones(len(rows), dtype=np.float32) if weights is None else weights[rows].astype(np.float32)
    add_up = csr_matrix((np.concatenate([np.ones(len(rows), dtype=np.float32), weight[part]]),
                         (np.concatenate([rows, starts[owner[rows[part]]]]),
                          np.concatenate([np.arange(len(rows)), np.flatnonzero(part)]))),
                        shape=(n, len(rows)))
    return rows, add_up
