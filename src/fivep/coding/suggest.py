"""Learned code suggestions: a scikit-learn estimator trained on a researcher's codings.

:class:`CodeSuggester` reads a segment as TF-IDF over Thai-aware word tokens (PyThaiNLP's dictionary
segmentation; English words split on spaces) together with TF-IDF over character n-grams (robust to
segmentation errors and spelling variants) and the segment's sentence embedding (the tagger's
multilingual encoder: meaning, across Thai and English), and learns one linear SVM per code (one-vs-rest) whose
scores are calibrated to probabilities with Platt's sigmoid fitted on cross-validated scores
(``CalibratedClassifierCV(ensemble=False)``). Codes with
fewer than ``min_support`` coded segments are not learned.

Suggestions are not codings: :func:`suggest_for_study` stores them in the study's ``suggestions``
table as *pending*, and a researcher accepts or rejects them (``fivep suggestions``); accepting writes
a human coding for the reviewer.

:func:`cross_validate` estimates the model's quality with folds that keep each document whole (so the
model is never tested on a transcript it has seen), alone and combined with the rule tagger.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from fivep.coding.nlp import DEFAULT_ENGINE, ThaiTokenizer
from fivep.errors import InputError, NotFittedError
from fivep.model import DIMENSIONS, Codebook, Coding, Segment

if TYPE_CHECKING:
    import numpy as np


@cache
def _tokenizer(engine: str) -> ThaiTokenizer:
    from fivep.coding.nlp import domain_words

    return ThaiTokenizer(engine=engine, custom_words=domain_words())


@lru_cache(maxsize=50_000)
def _words(engine: str, text: str) -> tuple[str, ...]:
    tokens = _tokenizer(engine).tokenize(text)
    if "".join(tokens) != text:
        # nlpo3 1.4's "safe" mode can return overlapping, repeated pieces of longer texts (tokens that
        # do not join back to the text); PyThaiNLP's newmm, the same algorithm, does not
        tokens = _tokenizer("newmm").tokenize(text)
    return tuple(t for t in tokens if any(c.isalnum() for c in t))


def forget_words() -> None:
    """Drop the remembered words of texts (:func:`_words`): a caller that tokenized a corpus once (topics)
    frees them. BERTopic tokenizes each topic's statements joined into one text: on the 100 MB benchmark
    corpus the remembered words held 765 MB after the topics step."""
    _words.cache_clear()


class ThaiWords:
    """A picklable tokenizer for scikit-learn vectorizers: lower-cased words; spaces and punctuation dropped."""

    def __init__(self, engine: str = DEFAULT_ENGINE, stop_words: Iterable[str] = ()) -> None:
        self.engine = engine
        self.stop_words = frozenset(stop_words)

    def __call__(self, text: str) -> list[str]:
        words = _words(self.engine, text.lower())
        return [w for w in words if w not in self.stop_words] if self.stop_words else list(words)


class SentenceEmbeddings:
    """A scikit-learn transformer: texts -> the tagger's sentence embeddings (:mod:`fivep.coding.embed`)."""

    def __init__(self, embedder: str | None = None) -> None:
        self.embedder = embedder

    def fit(self, texts: Sequence[str], y: Any = None) -> SentenceEmbeddings:
        return self

    def transform(self, texts: Sequence[str]) -> Any:
        from fivep.coding.embed import load_embedder

        return load_embedder(self.embedder).encode(list(texts))

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {"embedder": self.embedder}

    def set_params(self, **params: Any) -> SentenceEmbeddings:
        self.embedder = params.get("embedder", self.embedder)
        return self


class CodeSuggester:
    """Suggest codes for segments, learned from human codings.

    Parameters
    ----------
    engine:
        Thai tokenizer engine for the word features.
    char_ngrams:
        The range of character n-gram lengths (within word boundaries).
    C:
        Inverse regularisation strength of the linear SVMs.
    min_support:
        A code needs this many coded training segments to be learned.
    threshold:
        Calibrated probability from which :meth:`predict` applies a code. Rare codes rarely reach 0.5
        once calibrated to their base rate; 0.35 gave the best cross-validated micro-F1 on the sample
        study (flat between 0.2 and 0.4).
    random_state:
        Seed (the calibration folds are shuffled with it).
    embeddings:
        Also read each segment's sentence embedding (the tagger's encoder): meaning, in both languages,
        beside the words. ``False`` keeps the TF-IDF features alone.
    embedder:
        A local sentence-transformers model folder (default: the built-in encoder).
    """

    def __init__(self, *, engine: str = DEFAULT_ENGINE, char_ngrams: tuple[int, int] = (2, 4), C: float = 0.5,
                 min_support: int = 5, threshold: float = 0.35, random_state: int = 0, embeddings: bool = True,
                 embedder: str | None = None) -> None:
        self.engine = engine
        self.char_ngrams = char_ngrams
        self.C = C
        self.min_support = min_support
        self.threshold = threshold
        self.random_state = random_state
        self.embeddings = embeddings
        self.embedder = embedder

    def _pipeline(self) -> Any:
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.model_selection import StratifiedKFold
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.pipeline import make_pipeline, make_union
        from sklearn.svm import LinearSVC

        words = TfidfVectorizer(tokenizer=ThaiWords(self.engine), token_pattern=None, lowercase=False,
                                sublinear_tf=True, ngram_range=(1, 2), min_df=2)
        chars = TfidfVectorizer(analyzer="char_wb", ngram_range=self.char_ngrams, sublinear_tf=True, min_df=2,
                                max_features=50_000)
        folds = StratifiedKFold(3, shuffle=True, random_state=self.random_state)
        svm = LinearSVC(C=self.C, class_weight="balanced", random_state=self.random_state)
        model = OneVsRestClassifier(CalibratedClassifierCV(svm, method="sigmoid", cv=folds, ensemble=False))
        parts = [words, chars, SentenceEmbeddings(self.embedder)] if self.embeddings else [words, chars]
        return make_pipeline(make_union(*parts), model)

    def fit(self, texts: Sequence[str], codes: Sequence[Iterable[str]]) -> CodeSuggester:
        """Learn from texts and, for each, the set of codes a researcher gave it (possibly empty)."""
        from collections import Counter

        from sklearn.preprocessing import MultiLabelBinarizer

        if len(texts) != len(codes):
            raise ValueError(f"{len(texts)} texts but {len(codes)} code sets")
        sets = [set(c) for c in codes]
        support = Counter(code for s in sets for code in s)
        learnable = sorted(c for c, n in support.items() if self.min_support <= n <= len(texts) - 3)
        if not learnable:
            raise InputError(f"no code is used on at least {self.min_support} segments; nothing to learn",
                             hint="code more segments, or lower the minimum: fivep suggest --min-support N "
                                  "(CodeSuggester(min_support=N) in Python)")
        from threadpoolctl import threadpool_limits

        self.binarizer_ = MultiLabelBinarizer(classes=learnable)
        y = self.binarizer_.fit_transform([s & set(learnable) for s in sets])
        with threadpool_limits(limits=1):   # many tiny problems: BLAS threads only add overhead
            self.pipeline_ = self._pipeline().fit(list(texts), y)
        self.classes_ = list(learnable)
        self.support_ = {c: support[c] for c in learnable}
        return self

    def _check(self) -> None:
        if not hasattr(self, "pipeline_"):
            raise NotFittedError("this CodeSuggester is not fitted yet", hint="call fit(texts, codes) first")

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, texts x :attr:`classes_`."""
        import numpy as np
        from threadpoolctl import threadpool_limits

        self._check()
        if not len(texts):
            return np.zeros((0, len(self.classes_)))
        with threadpool_limits(limits=1):
            return np.asarray(self.pipeline_.predict_proba(list(texts)))

    def predict(self, texts: Sequence[str], threshold: float | None = None) -> list[set[str]]:
        """The codes whose probability reaches ``threshold`` (default: the estimator's)."""
        limit = self.threshold if threshold is None else threshold
        return [{c for c, p in zip(self.classes_, row, strict=True) if p >= limit} for row in self.predict_proba(texts)]

    def suggest(self, segments: Sequence[Segment], *, model: str = "suggest", min_score: float | None = None,
                top_k: int = 5) -> list[Coding]:
        """Suggestions for segments, as codings of ``source="model"`` with their probability as score."""
        limit = self.threshold if min_score is None else min_score
        out: list[Coding] = []
        for segment, row in zip(segments, self.predict_proba([s.text for s in segments]), strict=True):
            best = sorted(((p, c) for c, p in zip(self.classes_, row, strict=True) if p >= limit), reverse=True)
            out += [Coding(segment.doc_id, segment.id, segment.start, segment.end, c, model, "model", round(float(p), 4))
                    for p, c in best[:top_k]]
        return out


# --- training data from a study -----------------------------------------------------------------


@dataclass
class TrainingData:
    """Segments the human coders coded and the codes they gave each (the union over coders)."""

    segments: list[Segment]
    codes: list[set[str]]
    coders: list[str]
    uncoded: list[Segment] = field(default_factory=list)   # segments of documents no human coded


def training_data(study: Any, coders: Sequence[str] | None = None, *, reviewed: bool = True) -> TrainingData:
    """The segments of the documents ``coders`` coded, and their codes.

    By default the coders are every human coder who coded whole documents (a reviewer who only accepted
    suggestions has not). With ``reviewed``, segments where a researcher accepted suggestions are added
    too, labelled with the accepted codes.
    """
    from fivep.coding.reliability import coverage_of

    coverage = {c: coverage_of(study, c) for c in (list(coders) if coders else study.human_coders())}
    if coders:
        for coder, docs in coverage.items():
            if not docs:
                raise InputError(f"no codings by coder '{coder}'",
                                 hint=f"coders in the store: {', '.join(study.store.coders())}")
    coverage = {c: d for c, d in coverage.items() if d}
    if not coverage:
        raise InputError("no human codings to learn from",
                         hint="put one CSV per coder in STUDY/codings/ and run 'fivep ingest'")
    covered = set().union(*coverage.values())
    labels: dict[str, set[str]] = {}
    known = study.codebook()
    for coder in coverage:
        for c in study.store.codings(coder):
            if c.segment_id and c.code_id in known and c.doc_id in covered:
                labels.setdefault(c.segment_id, set()).add(c.code_id)
    accepted: dict[str, set[str]] = {}
    if reviewed:
        for x in study.store.suggestions(status="accepted"):
            if x.doc_id not in covered and x.code_id in known:
                accepted.setdefault(x.segment_id, set()).add(x.code_id)
    segments = study.segments()
    coded = [s for s in segments if s.doc_id in covered or s.id in accepted]
    return TrainingData(coded, [labels.get(s.id, set()) | accepted.get(s.id, set()) for s in coded],
                        list(coverage), [s for s in segments if s.doc_id not in covered and s.id not in accepted])


def model_name(codebook: Codebook) -> str:
    return f"suggest@{codebook.version}"


def suggest_for_study(study: Any, *, coders: Sequence[str] | None = None, min_score: float = 0.35, top_k: int = 5,
                      suggester: CodeSuggester | None = None) -> tuple[str, int, CodeSuggester]:
    """Train on the human codings and store pending suggestions for the segments no human coded.

    Returns ``(model, stored, suggester)``.
    """
    data = training_data(study, coders)
    suggester = (suggester or CodeSuggester()).fit([s.text for s in data.segments], data.codes)
    model = model_name(study.codebook())
    found = suggester.suggest(data.uncoded, model=model, min_score=min_score, top_k=top_k)
    return model, study.store.add_suggestions(found, model), suggester


# --- cross-validated quality --------------------------------------------------------------------


def _micro(gold: Sequence[set[str]], predicted: Sequence[set[str]]) -> dict[str, float]:
    tp = sum(len(g & p) for g, p in zip(gold, predicted, strict=True))
    fp = sum(len(p - g) for g, p in zip(gold, predicted, strict=True))
    fn = sum(len(g - p) for g, p in zip(gold, predicted, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def cross_validate(segments: Sequence[Segment], codes: Sequence[set[str]], codebook: Codebook, *,
                   rules: Mapping[str, set[str]] | None = None, folds: int = 5,
                   suggester: CodeSuggester | None = None, combine_threshold: float = 0.6) -> dict[str, Any]:
    """Cross-validated micro precision, recall and F1 of the learned model, at code and dimension level.

    Folds keep documents whole (:class:`~sklearn.model_selection.GroupKFold` over ``doc_id``). Codes are
    scored only among the codes the model can learn (those with ``min_support`` in the whole data), so
    the rule tagger, scored on the same codes and segments, is compared fairly. With ``rules`` (segment
    id -> the rule tagger's codes) the result also has ``rules`` and ``combined``: the rule tagger's codes
    plus the model's confident ones (probability >= ``combine_threshold``).
    """
    from sklearn.model_selection import GroupKFold

    prototype = suggester or CodeSuggester()
    texts = [s.text for s in segments]
    groups = [s.doc_id for s in segments]
    n_folds = min(folds, len(set(groups)))
    if n_folds < 2:
        raise InputError("cross-validation needs human codings of at least two documents")
    predicted: list[set[str]] = [set() for _ in segments]
    confident: list[set[str]] = [set() for _ in segments]
    learnable: set[str] = set()
    for train, test in GroupKFold(n_splits=n_folds).split(texts, groups=groups):
        model = CodeSuggester(**{k: getattr(prototype, k) for k in ("engine", "char_ngrams", "C", "min_support",
                                                                    "threshold", "random_state", "embeddings",
                                                                    "embedder")})
        model.fit([texts[i] for i in train], [codes[i] for i in train])
        learnable |= set(model.classes_)
        proba = model.predict_proba([texts[i] for i in test])
        for i, row in zip(test, proba, strict=True):
            predicted[i] = {c for c, p in zip(model.classes_, row, strict=True) if p >= model.threshold}
            confident[i] = {c for c, p in zip(model.classes_, row, strict=True) if p >= combine_threshold}

    def dims(sets: Sequence[set[str]]) -> list[set[str]]:
        return [{codebook[c].dimension for c in s if c in codebook and codebook[c].dimension in DIMENSIONS}
                for s in sets]

    scored = {c for c in learnable if c in codebook and codebook[c].dimension in DIMENSIONS}
    gold = [c & scored for c in codes]
    runs = {"model": predicted}
    if rules is not None:
        runs["rules"] = [rules.get(s.id, set()) for s in segments]
        runs["combined"] = [a | b for a, b in zip(confident, runs["rules"], strict=True)]
    result: dict[str, Any] = {"segments": len(segments), "documents": len(set(groups)), "folds": n_folds,
                              "codes": sorted(scored), "threshold": prototype.threshold,
                              "combine_threshold": combine_threshold}
    for name, sets in runs.items():
        result[name] = {"codes": _micro(gold, [s & scored for s in sets]),
                        "dimensions": _micro(dims(codes), dims(sets))}
    return result


def evaluate_model(study: Any, *, coders: Sequence[str] | None = None, folds: int = 5,
                   curve: bool = False) -> dict[str, Any]:
    """:func:`cross_validate` on a study's human codings, with its rule tagger's codings when present."""
    data = training_data(study, coders, reviewed=False)
    machine = study.machine_coder(code=False)
    rules: dict[str, set[str]] | None = None
    if machine is not None:
        rules = {}
        for c in study.store.codings(machine):
            if c.segment_id:
                rules.setdefault(c.segment_id, set()).add(c.code_id)
    result = cross_validate(data.segments, data.codes, study.codebook(), rules=rules, folds=folds)
    if curve:
        result["learning_curve"] = learning_curve(data.segments, data.codes, study.codebook(), rules=rules)
    result["coders"] = data.coders
    result["rules_coder"] = machine
    return result


def learning_curve(segments: Sequence[Segment], codes: Sequence[set[str]], codebook: Codebook, *,
                   rules: Mapping[str, set[str]] | None = None, folds: int = 3,
                   fractions: Sequence[float] = (0.25, 0.5, 0.75, 1.0)) -> list[dict[str, Any]]:
    """Dimension micro-F1 of the learned model trained on a growing share of the coded documents (folds
    keep documents whole; each test fold is the same for every share), next to the machine tagger's on
    the same test segments: after how many coded statements the model beats the tagger."""
    from sklearn.model_selection import GroupKFold

    texts = [s.text for s in segments]
    groups = [s.doc_id for s in segments]
    n_folds = min(folds, len(set(groups)))
    if n_folds < 2:
        raise InputError("a learning curve needs human codings of at least two documents")
    splits = list(GroupKFold(n_splits=n_folds).split(texts, groups=groups))

    def dims(found: set[str]) -> set[str]:
        return {codebook[c].dimension for c in found if c in codebook and codebook[c].dimension in DIMENSIONS}

    out: list[dict[str, Any]] = []
    for fraction in fractions:
        predicted: list[set[str]] = [set() for _ in segments]
        trained = 0
        for train, test in splits:
            docs = list(dict.fromkeys(groups[i] for i in train))
            keep = set(docs[: max(1, round(len(docs) * fraction))])
            chosen = [i for i in train if groups[i] in keep]
            trained += len(chosen)
            try:
                model = CodeSuggester().fit([texts[i] for i in chosen], [codes[i] for i in chosen])
            except InputError:
                continue   # too few codings to learn anything yet: predicts nothing
            for i, found in zip(test, model.predict([texts[i] for i in test]), strict=True):
                predicted[i] = found
        row: dict[str, Any] = {"fraction": fraction, "statements": round(trained / len(splits)),
                               "model": _micro([dims(c) for c in codes], [dims(p) for p in predicted])["f1"]}
        if rules is not None:
            row["rules"] = _micro([dims(c) for c in codes], [dims(rules.get(s.id, set())) for s in segments])["f1"]
        out.append(row)
    return out
