"""One calibrated combination of rule evidence, semantic scores and a learned model, per P.

The model has three parts, all learned from fivep's training statements (development sets only:
``fivep/data/training/statements.jsonl``) and the codebook's prototypes, with the embedder in use:

1. **Semantic model**: a logistic regression per P on the sentence embedding, trained on the codebook's
   prototypes and the training statements.
2. **Lexical model**: a logistic regression per P on the statement's character n-grams (TF-IDF of
   2-4 characters inside word boundaries: Thai needs no segmentation for it, and it catches the
   words of a P that no keyword list holds). In leave-one-author-out cross-validation over the
   training sets (tools/cv_sources.py) it raised micro-F1 from 0.80 to 0.83, and on public report
   text from 0.66 to 0.68.
3. **Combination**: per P, a logistic regression on six numbers: the rule evidence for the P
   (:attr:`~fivep.coding.rules.TagResult.dimensions`) and from its sub-codes' specific keywords
   alone (:attr:`~fivep.coding.rules.TagResult.specific`), the semantic model's log-odds, the best
   prototype similarity and its margin over the other Ps, and the lexical model's log-odds. It is
   fitted on *out-of-fold* semantic and lexical log-odds (5 folds), so it learns how far to trust
   those models on statements they have not seen, and its output is a calibrated probability. A P is coded from a threshold per P, the best
   F-beta on the training statements (``BETA``; on the curve smoothed over neighbouring thresholds). In cross-validation on the development set
   (tools/cv_tagger.py) beta 1 already gives recall above precision (0.86 / 0.80); beta 1.5 and 2
   bought recall with more precision than they were worth.
4. **Kind**: a multinomial logistic regression on the kind cues (:mod:`fivep.coding.kind`) and the
   embedding.

Fitting takes a few seconds; the fitted arrays are kept in fivep's cache
(:func:`fivep.coding.embed.cache_dir`) under a digest of everything they depend on, so later runs
only read them. Tagging imports scikit-learn only for the lexical model's vectorizer.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fivep.coding.batch import codebook_fingerprint
from fivep.coding.embed import cache_dir, cache_key
from fivep.coding.kind import FEATURES, KINDS
from fivep.model import DIMENSIONS

if TYPE_CHECKING:
    import numpy as np

    from fivep.coding.evaluate import Statement
    from fivep.coding.rules import RuleTagger, TagResult
    from fivep.coding.semantic import SemanticIndex, SemanticScores

MODEL_VERSION = "5"
FOLDS = 5
C_SEMANTIC = 2.0
C_KIND = 0.5
C_LEXICAL = 4.0
BETA = 1.0
#: The lexical model's features: character n-grams inside word boundaries.
NGRAMS = (2, 5)
MAX_NGRAMS = 60_000
_ARRAYS = ("W", "b", "A", "c", "thresholds", "K", "k", "vocabulary", "idf", "L", "l")


@dataclass
class TaggerModel:
    """The fitted arrays (see the module docstring); ``n`` statements in, probabilities out."""

    W: np.ndarray            # 5 x dim: semantic model
    b: np.ndarray            # 5
    A: np.ndarray            # 5 x 5: combination
    c: np.ndarray            # 5
    thresholds: np.ndarray   # 5
    K: np.ndarray            # 3 x (features + dim): kind
    k: np.ndarray            # 3
    vocabulary: np.ndarray   # n-grams of the lexical model
    idf: np.ndarray          # their inverse document frequencies
    L: np.ndarray            # 5 x n-grams: lexical model
    l: np.ndarray            # 5

    @cached_property
    def _counts_and_weights(self) -> tuple[Any, Any]:
        """The lexical model's vectorizer in its two steps, rebuilt from the saved n-grams and weights:
        n-gram counts (scikit-learn's ``CountVectorizer``) and their TF-IDF weighting (``TfidfTransformer``)."""
        from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

        vectorizer = _new_vectorizer(vocabulary=[str(v) for v in self.vocabulary])
        counts = CountVectorizer(**{k: v for k, v in vectorizer.get_params().items()
                                    if k in CountVectorizer().get_params()})
        weights = TfidfTransformer(norm=vectorizer.norm, use_idf=vectorizer.use_idf, smooth_idf=vectorizer.smooth_idf,
                                   sublinear_tf=vectorizer.sublinear_tf)
        weights.idf_ = self.idf
        return counts.transform, weights.transform

    def ngrams(self, pieces: Sequence[str], starts: np.ndarray | None = None) -> Any:
        """The lexical model's features of ``pieces`` (a sparse row each; None without a vocabulary): the
        TF-IDF of the vectorizer fitted on the training statements.

        With ``starts`` (the pieces are texts' :func:`~fivep.coding.semantic.chunks`, each text's whole
        first), a text read in pieces is counted once: its n-grams are those of its pieces added up. The
        n-grams stay inside words and the pieces cut the text between words, so this is the whole text's
        row, except where a cut after a full stop moved a quotation mark ("waiting." Third → "waiting. " |
        Third): 43 of 1,059 rows of interview turns differ, by at most 0.10 in one weight, and F1 on the
        evaluation sets moved by at most one statement (docs/coding.md)."""
        from fivep.coding.semantic import add_up_pieces

        if not len(self.vocabulary):
            return None
        count, weigh = self._counts_and_weights
        if starts is None:
            return weigh(count(pieces))
        counted, add_up = add_up_pieces(starts, len(pieces))
        return weigh(add_up @ count([pieces[i] for i in counted]))

    def lexical(self, ngrams: Any, starts: np.ndarray) -> np.ndarray:
        """The lexical model's log-odds per P (statements x 5), pooled over each statement's chunks as the
        semantic model's are (``ngrams``: :meth:`ngrams` of every statement's
        :func:`~fivep.coding.semantic.chunks`, the whole text first; ``starts``: where each statement's begin)."""
        import numpy as np

        if ngrams is None:
            return np.zeros((len(starts), len(DIMENSIONS)), dtype=np.float32)
        return _pool(np.asarray(ngrams @ self.L.T, dtype=np.float32) + self.l, starts)

    def logits(self, vectors: np.ndarray, starts: np.ndarray | None = None) -> np.ndarray:
        """The semantic model's log-odds per P (statements x 5); with ``starts``, the best over chunks."""

        z = vectors @ self.W.T + self.b
        return _pool(z, starts) if starts is not None else z

    def probabilities(self, rules: np.ndarray, logits: np.ndarray, semantic: SemanticScores,
                      lexical: np.ndarray) -> np.ndarray:
        """Calibrated probability of each P (statements x 5)."""
        import numpy as np

        inputs = _inputs(rules, logits, semantic, lexical)
        z = np.einsum("npf,pf->np", inputs, self.A) + self.c
        return 1.0 / (1.0 + np.exp(-z))  # type: ignore[no-any-return]

    def kinds(self, features: np.ndarray, vectors: np.ndarray, ngrams: Any) -> list[str]:
        """The kind of each statement: cues, meaning and character n-grams (``ngrams``: :meth:`ngrams` of the
        whole statements; the analyzer reads words between spaces, so a statement and its
        whitespace-normalised first chunk have the same n-grams)."""
        import numpy as np

        dense = len(FEATURES) + vectors.shape[1]
        z = np.hstack([features, vectors]) @ self.K[:, :dense].T + self.k
        if self.K.shape[1] > dense and ngrams is not None:
            z += np.asarray(ngrams @ self.K[:, dense:].T)
        return [KINDS[i] for i in z.argmax(axis=1)]

    def save(self, path: Path) -> None:
        import numpy as np

        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(tmp, **{name: getattr(self, name) for name in _ARRAYS})
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> TaggerModel:
        import numpy as np

        with np.load(path, allow_pickle=False) as data:
            return cls(**{name: data[name] for name in _ARRAYS})


def _new_vectorizer(vocabulary: list[str] | None = None) -> Any:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAMS, min_df=2, sublinear_tf=True,
                           max_features=MAX_NGRAMS, vocabulary=vocabulary, dtype=np.float32)


def _inputs(rules: np.ndarray, logits: np.ndarray, semantic: SemanticScores, lexical: np.ndarray) -> np.ndarray:
    """statements x 5 x 6: the combination's inputs (see the module docstring)."""
    import numpy as np

    return np.concatenate([rules, np.stack([logits, semantic.best, semantic.margin, lexical], axis=2)], axis=2)


def _pool(z: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """A long statement's log-odds: the mean of the whole text's and its best chunk's. The whole text
    alone misses a P one sentence of a long turn is about; the best chunk alone codes a P into every long
    turn (on the sample study's interview turns, F1 0.79 whole, 0.73 best chunk, 0.80 their mean)."""
    import numpy as np

    return 0.5 * (z[starts] + np.maximum.reduceat(z, starts, axis=0))  # type: ignore[no-any-return]


def kind_matrix(results: Sequence[TagResult]) -> np.ndarray:
    """The kind cues of tagged statements as a matrix (counts capped at 3, scaled to 0-1)."""
    import numpy as np

    return np.array([[min(3.0, float(r.features.get(f, 0.0))) / 3.0 for f in FEATURES] for r in results],
                    dtype=np.float32).reshape(len(results), len(FEATURES))


def rule_matrix(results: Sequence[TagResult]) -> np.ndarray:
    """statements x 5 x 2: the rule evidence for each P from all its keywords, and from its sub-codes'."""
    import numpy as np

    return np.array([[[r.dimensions.get(d, 0.0), r.specific.get(d, 0.0)] for d in DIMENSIONS] for r in results],
                    dtype=np.float32).reshape(len(results), len(DIMENSIONS), 2)


# --- training data -------------------------------------------------------------------------------


def _training_path() -> Path:
    return Path(str(resources.files("fivep").joinpath("data", "training", "statements.jsonl")))


@cache
def training_statements() -> tuple[Statement, ...]:
    """fivep's training statements (development sets only; see tools/build_training_set.py)."""
    from fivep.coding.evaluate import read_statements

    return tuple(read_statements(_training_path()))


def _digest(index: SemanticIndex, rules: RuleTagger, statements: Sequence[Statement]) -> str:
    h = hashlib.sha1(f"{MODEL_VERSION}\x00{cache_key(index.embedder)}\x00{C_SEMANTIC}\x00{C_KIND}\x00{C_LEXICAL}\x00"
                     f"{BETA}\x00{NGRAMS}\x00{MAX_NGRAMS}".encode())
    for text, code in zip(index.texts, index.codes, strict=True):
        h.update(f"{text}\x00{code}\x00".encode())
    for s in statements:
        h.update(json.dumps([s.text, sorted(s.dimensions), s.kind, s.calibrate], ensure_ascii=False).encode())
    h.update(codebook_fingerprint(rules.codebook).encode())  # the rule evidence depends on every keyword
    # the fitting code itself: a model fitted by an earlier version of it is never read back
    for module in ("combine", "semantic", "kind"):
        h.update(resources.files("fivep.coding").joinpath(f"{module}.py").read_bytes())
    return h.hexdigest()[:20]


def load_model(index: SemanticIndex, rules: RuleTagger, statements: Sequence[Statement] | None = None) -> TaggerModel:
    """The fitted model for this codebook, embedder and training set: read from the cache, else fitted."""
    statements = training_statements() if statements is None else statements
    path = cache_dir() / "models" / f"tagger-{_digest(index, rules, statements)}.npz"
    try:
        return TaggerModel.load(path)
    except (OSError, ValueError, KeyError):
        pass
    model = fit_model(index, rules, statements)
    try:
        model.save(path)
    except OSError:
        pass
    return model


def _per_p_fit(x: Any, y: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray]:
    """One logistic regression per P (columns of ``y``) on ``x`` (dense or sparse): ``(weights, intercepts)``;
    a P without both classes gets a constant."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    W = np.zeros((y.shape[1], x.shape[1]), dtype=np.float32)
    b = np.zeros(y.shape[1], dtype=np.float32)
    for j in range(y.shape[1]):
        if 0 < y[:, j].sum() < len(y):
            model = LogisticRegression(C=c, max_iter=2000).fit(x, y[:, j])
            W[j], b[j] = model.coef_[0], model.intercept_[0]
        else:
            b[j] = 8.0 if y[:, j].any() else -8.0
    return W, b


def _semantic_fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The semantic model: one logistic regression per P on the embeddings."""
    return _per_p_fit(x, y, C_SEMANTIC)


def _lexical_fit(texts: list[str], y: np.ndarray) -> tuple[Any, np.ndarray, np.ndarray]:
    """The lexical model on ``texts``: ``(vectorizer, L, l)``, one logistic regression per P."""
    vectorizer = _new_vectorizer()
    L, l = _per_p_fit(vectorizer.fit_transform(texts), y, C_LEXICAL)
    return vectorizer, L, l


def fit_model(index: SemanticIndex, rules: RuleTagger, statements: Sequence[Statement]) -> TaggerModel:
    """Fit the four parts (see the module docstring) on the prototypes and ``statements``."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold
    from threadpoolctl import threadpool_limits

    texts = [s.text for s in statements]
    y = np.array([[d in s.dimensions for d in DIMENSIONS] for s in statements], dtype=np.int64)
    y_proto = np.array([[d == dim for d in DIMENSIONS] for dim in index.dimensions], dtype=np.int64)
    chunked, starts, pieces = index.encode_chunks(texts)
    vectors = chunked[starts]
    owner = np.repeat(np.arange(len(texts)), np.diff(np.append(starts, len(pieces))))
    tagged = [rules.tag(t) for t in texts]
    semantic = index.scores(chunked, starts)
    with threadpool_limits(limits=1):
        out_of_fold = np.zeros_like(y, dtype=np.float32)
        lexical_oof = np.zeros_like(y, dtype=np.float32)
        for train, test in KFold(FOLDS, shuffle=True, random_state=0).split(texts):
            W, b = _semantic_fit(np.vstack([index.vectors, vectors[train]]), np.vstack([y_proto, y[train]]))
            out_of_fold[test] = _pool(chunked @ W.T + b, starts)[test]
            vectorizer, L, l = _lexical_fit([texts[i] for i in train], y[train])
            rows = np.flatnonzero(np.isin(owner, test))
            scored = np.zeros((len(pieces), len(DIMENSIONS)), dtype=np.float32)
            scored[rows] = vectorizer.transform([pieces[i] for i in rows]) @ L.T + l
            lexical_oof[test] = _pool(scored, starts)[test]
        W, b = _semantic_fit(np.vstack([index.vectors, vectors]), np.vstack([y_proto, y]))
        vectorizer, L, l = _lexical_fit(texts, y)
        terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
        inputs = _inputs(rule_matrix(tagged), out_of_fold, semantic, lexical_oof)
        calibrate = np.array([s.calibrate for s in statements])
        if calibrate.sum() >= 50:   # calibrate on the sets no keyword was tuned on
            inputs, y = inputs[calibrate], y[calibrate]
        A = np.zeros((len(DIMENSIONS), inputs.shape[2]), dtype=np.float32)
        c = np.zeros(len(DIMENSIONS), dtype=np.float32)
        thresholds = np.full(len(DIMENSIONS), 0.5, dtype=np.float32)
        for j in range(len(DIMENSIONS)):
            if 0 < y[:, j].sum() < len(y):
                model = LogisticRegression(C=10.0, max_iter=2000).fit(inputs[:, j], y[:, j])
                A[j], c[j] = model.coef_[0], model.intercept_[0]
                thresholds[j] = _threshold(model.predict_proba(inputs[:, j])[:, 1], y[:, j])
        labelled = [i for i, s in enumerate(statements) if s.kind in KINDS]
        lexical = vectorizer.transform(texts)
        K = np.zeros((len(KINDS), len(FEATURES) + vectors.shape[1] + lexical.shape[1]), dtype=np.float32)
        k = np.zeros(len(KINDS), dtype=np.float32)
        if len({statements[i].kind for i in labelled}) == len(KINDS):
            from scipy.sparse import csr_matrix, hstack

            x = hstack([csr_matrix(kind_matrix([tagged[i] for i in labelled])), csr_matrix(vectors[labelled]),
                        lexical[labelled]]).tocsr()
            target = [KINDS.index(str(statements[i].kind)) for i in labelled]
            model = LogisticRegression(C=C_KIND, max_iter=3000).fit(x, target)
            K[list(model.classes_)], k[list(model.classes_)] = model.coef_, model.intercept_
    return TaggerModel(W, b, A, c, thresholds, K, k, np.array(terms, dtype=str), vectorizer.idf_.astype(np.float32), L, l)


def _threshold(p: np.ndarray, y: np.ndarray) -> float:
    """The probability threshold with the best F-beta (beta = :data:`BETA`), read on the F-beta curve
    smoothed over five neighbouring thresholds (+-0.05). The curve is flat near its top (on the training
    statements prevention's F1 stays within 0.005 of its best from 0.30 to 0.50), so its raw maximum
    falls anywhere on that plateau by chance; the smoothed one sits in its middle."""
    import numpy as np

    grid = np.arange(0.05, 0.8, 0.025)
    scores = np.zeros(len(grid))
    for i, t in enumerate(grid):
        pred = p >= t
        tp = float((pred & (y == 1)).sum())
        fp = float((pred & (y == 0)).sum())
        fn = float((~pred & (y == 1)).sum())
        denom = (1 + BETA**2) * tp + BETA**2 * fn + fp
        scores[i] = (1 + BETA**2) * tp / denom if denom else 0.0
    smoothed = np.convolve(scores, np.ones(5) / 5, mode="valid")   # centred on grid[2:-2]
    return float(grid[2 + int(smoothed.argmax())])


def model_summary(model: TaggerModel) -> dict[str, Any]:
    """The combination's weights and thresholds per P, for the docs and ``fivep evaluate``."""
    names = ("rules", "rules_specific", "semantic_logit", "best_similarity", "margin", "lexical_logit")
    return {d: {**{name: round(float(model.A[j, i]), 3) for i, name in enumerate(names)},
                "intercept": round(float(model.c[j]), 3), "threshold": round(float(model.thresholds[j]), 3)}
            for j, d in enumerate(DIMENSIONS)}
