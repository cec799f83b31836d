"""Exploratory topics: BERTopic over segments, offline, to show what the codebook misses.

Nothing is downloaded: the embeddings come from the tagger's own sentence encoder
(:func:`fivep.coding.embed.load_embedder`: the built-in multilingual encoder, or the study's model
folder), wrapped as a BERTopic backend, so topics are semantic and may join Thai and English segments
about the same thing. BERTopic's pluggable models then cluster the embeddings:
by default PCA + k-means (a number of topics sized to the corpus; no segment left unassigned), which is
stable on a few hundred segments; ``clusterer="hdbscan"`` uses UMAP + HDBSCAN sized for a small corpus
(few neighbours, small minimum cluster). Everything is seeded: the same segments and seed give the
same topics. Topic words are c-TF-IDF over Thai-aware word tokens.

Each topic comes with its top words (c-TF-IDF), the segments closest to its centre, and its overlap with
the 5P codes of a coder: the share of its segments coded with each dimension, its most frequent codes,
and the share of its segments that no 5P code covers (what the codebook may be missing).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from fivep.coding.nlp import DEFAULT_ENGINE
from fivep.coding.suggest import ThaiWords, forget_words
from fivep.errors import InputError, MissingDependencyError
from fivep.model import DIMENSIONS, Codebook, Segment

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

CLUSTERERS = ("hdbscan", "kmeans")
#: Segments BERTopic is fitted on at most (the rest are assigned to its topics), see :func:`find_topics`.
FIT_LIMIT = 20_000
#: The other segments are assigned to the fitted topics this many at a time: their rows are copied out of
#: the study's and centred into another copy by the reduction (90,000 rows of 512 floats: 2 x 184 MB at
#: once on the 100 MB benchmark corpus). PCA and k-means assign each row on its own: the same topics.
TRANSFORM_BATCH = 10_000
_EXTRA_STOP_WORDS = ("ค่ะ", "คะ", "ครับ", "นะ", "นะคะ", "นะครับ", "เจ้า", "ก่", "บ่", "หนู", "พี่", "ผม", "เรา", "เขา",
                     "มัน", "แบบ", "คือ", "ก็", "จะ", "ได้", "ไม่", "มี", "ที่", "และ", "ของ", "ให้", "ว่า", "เป็น", "อยู่",
                     "ไป", "มา", "แล้ว", "ๆ", "อะ", "อ่ะ", "เนี่ย", "ตอน", "ยัง", "เลย", "อะไร", "ยังไง", "กัน", "แล้วก็",
                     "หัวเราะ", "[หัวเราะ]", "[laughs]", "laughs", "'s", "'t", "'m", "'re", "'ve", "'ll", "'d", "um",
                     "uh", "yeah", "okay", "like", "just", "actually", "really", "thing", "things", "know", "think")
# The word tokenizer splits English contractions at the apostrophe ("don't" -> "don", "t"): their pieces,
# and single letters, are never topic words.
_CONTRACTION_PIECES = ("don", "doesn", "didn", "isn", "aren", "wasn", "weren", "won", "wouldn", "couldn", "shouldn",
                       "haven", "hasn", "hadn", "ain", "ll", "re", "ve", *"abcdefghijklmnopqrstuvwxyz")


def stop_words() -> list[str]:
    """Thai (PyThaiNLP's list plus spoken particles) and English stop words."""
    from pythainlp.corpus import thai_stopwords
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return sorted({*thai_stopwords(), *_EXTRA_STOP_WORDS, *_CONTRACTION_PIECES, *ENGLISH_STOP_WORDS})


@cache
def _stop_words() -> tuple[str, ...]:
    return tuple(stop_words())


@dataclass
class Topic:
    id: int
    size: int
    words: list[str]
    representatives: list[Segment]
    dimensions: dict[str, float]           # share of the topic's segments coded with each dimension
    codes: list[tuple[str, int]]           # most frequent codes and their segment counts
    uncoded: float                         # share of the topic's segments with no 5P code

    def to_json(self) -> dict[str, Any]:
        return {"topic": self.id, "size": self.size, "words": self.words,
                "representatives": [{"segment_id": s.id, "text": s.text} for s in self.representatives],
                "dimensions": {k: round(v, 4) for k, v in self.dimensions.items()},
                "codes": [{"code": c, "segments": n} for c, n in self.codes], "uncoded": round(self.uncoded, 4)}


@dataclass
class TopicModel:
    """The topics of a set of segments; ``assignments`` maps segment id -> topic (-1: outliers)."""

    topics: list[Topic]
    assignments: dict[str, int]
    seed: int
    clusterer: str
    model: Any = field(default=None, repr=False)

    @property
    def outliers(self) -> int:
        return sum(1 for t in self.assignments.values() if t == -1)

    def table(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([{"topic": t.id, "size": t.size, "words": ", ".join(t.words[:8]),
                              "uncoded": t.uncoded, **{d: t.dimensions.get(d, 0.0) for d in DIMENSIONS},
                              "codes": ", ".join(c for c, _ in t.codes[:3])} for t in self.topics])

    def to_json(self) -> dict[str, Any]:
        return {"seed": self.seed, "clusterer": self.clusterer, "segments": len(self.assignments),
                "outliers": self.outliers, "topics": [t.to_json() for t in self.topics]}


#: Modules BERTopic imports when it loads and fivep never uses: torch (model saving), its
#: sentence-transformers, transformers and spaCy backends and representations (each imports torch) and its
#: plotly figures: ~6 s of the sample study's ``fivep run``.
_UNUSED_AT_IMPORT = ("torch", "sentence_transformers", "transformers", "spacy", "plotly")


class _Lazy:
    """A module imported when one of its names is first used."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        import importlib

        return getattr(importlib.import_module(self._name), attribute)


def bertopic_class() -> Any:
    """``bertopic.BERTopic``, imported without the modules of :data:`_UNUSED_AT_IMPORT` (those nothing
    imported before): they are marked absent while BERTopic loads, then the marks are removed, so a later
    import of any of them (a sentence-transformers model folder) works as usual. BERTopic's figures
    (``visualize_topics``) and its torch model files then import plotly and torch when first used."""
    import sys
    from importlib.util import find_spec

    loaded = sys.modules.get("bertopic._bertopic")
    if loaded is not None:
        return loaded.BERTopic
    import scipy.stats  # noqa: F401  # these look for torch in sys.modules as they load: loaded unblocked
    import sklearn.base  # noqa: F401

    blocked = [name for name in _UNUSED_AT_IMPORT if name not in sys.modules and find_spec(name) is not None]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # the import system's mark for "absent"
    try:
        from bertopic import BERTopic
    finally:
        for name in blocked:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
    core, save = sys.modules["bertopic._bertopic"], sys.modules["bertopic._save_utils"]
    if "plotly" in blocked:
        core.plotting = _Lazy("bertopic.plotting")  # type: ignore[attr-defined]
    if "torch" in blocked:
        save.torch, save._has_torch = _Lazy("torch"), True  # type: ignore[attr-defined]
    return BERTopic


def _backend(encode: Callable[[Sequence[str]], Any]) -> Any:
    """The sentence encoder as a BERTopic embedding backend."""
    from bertopic.backend import BaseEmbedder

    class Backend(BaseEmbedder):  # type: ignore[misc]
        def embed(self, documents: list[str], verbose: bool = False) -> Any:
            return encode(list(documents))

    return Backend()


def _cluster_models(clusterer: str, n: int, seed: int, n_topics: int | None) -> tuple[Any, Any]:
    if clusterer == "kmeans":
        from sklearn.cluster import KMeans
        from sklearn.decomposition import PCA

        k = n_topics or max(2, min(12, round((n / 2) ** 0.5)))
        return PCA(n_components=min(10, n - 1), random_state=seed), KMeans(k, n_init=10, random_state=seed)
    if clusterer == "hdbscan":
        from hdbscan import HDBSCAN
        from umap import UMAP

        neighbours = max(2, min(10, n // 20))
        reducer = UMAP(n_neighbors=neighbours, n_components=5, min_dist=0.0, metric="cosine", random_state=seed,
                       n_jobs=1)
        size = max(3, min(15, n // 30))
        return reducer, HDBSCAN(min_cluster_size=size, min_samples=max(1, size // 2), metric="euclidean",
                                cluster_selection_method="eom", prediction_data=True)
    raise ValueError(f"unknown clusterer {clusterer!r}; use one of {', '.join(CLUSTERERS)}")


def find_topics(segments: Sequence[Segment], *, codes: Mapping[str, set[str]] | None = None,
                codebook: Codebook | None = None, seed: int = 42, clusterer: str = "kmeans",
                n_topics: int | None = None, min_chars: int = 40, top_words: int = 10, representatives: int = 3,
                engine: str = DEFAULT_ENGINE, embedder: str | None = None,
                encode: Callable[[Sequence[str]], np.ndarray] | None = None, fit_limit: int = FIT_LIMIT) -> TopicModel:
    """Fit BERTopic on segments and describe every topic.

    Parameters
    ----------
    segments:
        Segments to model; those shorter than ``min_chars`` (greetings, "yes") are left out.
    codes, codebook:
        Segment id -> its codes (a coder's), and the codebook for their dimensions: the topics' overlap
        with the 5P.
    seed:
        Seeds the SVD, UMAP and k-means: the same input and seed give the same topics.
    clusterer:
        ``"kmeans"`` (PCA + k-means, ``n_topics`` topics, default about sqrt(n/2); the default) or
        ``"hdbscan"`` (UMAP + HDBSCAN, topics found by density; some segments stay outliers, topic -1).
        On the sample study (445 segments) HDBSCAN finds only 2-3 topics, split by language, and its
        UMAP costs ~20 s of compilation; k-means finds a dozen readable ones.
    embedder:
        A local sentence-transformers model folder (default: the built-in multilingual encoder).
    encode:
        Gives the embedding rows of texts (default: the encoder); :func:`study_topics` passes the rows
        the coding step kept (:mod:`fivep.coding.vectors`), so no statement is encoded twice.
    fit_limit:
        Above this many segments, BERTopic is fitted on a seeded random sample of this size and the
        other segments are assigned to its topics (``transform``: the reduction and clustering models'
        prediction); topic words come from the sample, sizes, representatives and code overlap from
        every segment.
    """
    import numpy as np

    if clusterer not in CLUSTERERS:
        raise ValueError(f"unknown clusterer {clusterer!r}; use one of {', '.join(CLUSTERERS)}")
    try:
        BERTopic = bertopic_class()
    except ImportError as error:   # pragma: no cover - bertopic is a declared extra
        raise MissingDependencyError("topics need BERTopic", hint="pip install 'fivep[topics]'") from error
    from sklearn.feature_extraction.text import CountVectorizer

    chosen = [s for s in segments if len(s.text.strip()) >= min_chars]
    if len(chosen) < 20:
        raise InputError(f"only {len(chosen)} segments of at least {min_chars} characters; topics need 20 or more")
    texts = [s.text for s in chosen]
    if encode is None:
        from fivep.coding.embed import load_embedder

        encode = load_embedder(embedder).encode
    embeddings = np.asarray(encode(texts))
    fitted = _fit_sample(len(chosen), fit_limit, seed)
    reducer, cluster_model = _cluster_models(clusterer, len(fitted), seed, n_topics)
    vectorizer = CountVectorizer(tokenizer=ThaiWords(engine, _stop_words()), token_pattern=None, lowercase=False,
                                 min_df=2)
    model = BERTopic(embedding_model=_backend(encode), umap_model=reducer, hdbscan_model=cluster_model,
                     vectorizer_model=vectorizer, top_n_words=top_words, calculate_probabilities=False,
                     language="multilingual")   # "english" would strip every Thai character
    try:
        fit_labels, _ = model.fit_transform([texts[i] for i in fitted], embeddings=embeddings[fitted])
        labels = np.empty(len(chosen), dtype=np.int64)
        labels[fitted] = fit_labels
        rest = np.setdiff1d(np.arange(len(chosen)), fitted)
        for chunk in (rest[i : i + TRANSFORM_BATCH] for i in range(0, len(rest), TRANSFORM_BATCH)):
            labels[chunk], _ = model.transform([texts[i] for i in chunk], embeddings=embeddings[chunk])
    finally:
        forget_words()   # every statement's words, and each topic's statements joined: not needed again
    assignments = {s.id: int(t) for s, t in zip(chosen, labels, strict=True)}
    topics = [_describe(topic_id, model, chosen, np.asarray(labels), np.asarray(embeddings), codes or {}, codebook,
                        representatives)
              for topic_id in sorted({int(t) for t in labels} - {-1})]
    return TopicModel(topics, assignments, seed, clusterer, model)


def _fit_sample(n: int, limit: int, seed: int) -> np.ndarray:
    """The positions BERTopic is fitted on: all ``n``, or a seeded random ``limit`` of them, in order."""
    import numpy as np

    if n <= limit:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=limit, replace=False))


def _describe(topic_id: int, model: Any, segments: Sequence[Segment], labels: np.ndarray, embeddings: np.ndarray,
              codes: Mapping[str, set[str]], codebook: Codebook | None, k: int) -> Topic:
    import numpy as np

    members = np.flatnonzero(labels == topic_id)
    centre = embeddings[members].mean(axis=0)
    order = members[np.argsort(-(embeddings[members] @ centre), kind="stable")]
    words = [w for w, _ in (model.get_topic(topic_id) or []) if w]
    per_dim: Counter[str] = Counter()
    per_code: Counter[str] = Counter()
    uncoded = 0
    for i in members:
        found = codes.get(segments[int(i)].id, set())
        fivep = {c for c in found if codebook is None or (c in codebook and codebook[c].dimension in DIMENSIONS)}
        per_code.update(fivep)
        per_dim.update({codebook[c].dimension for c in fivep} if codebook else set())
        uncoded += not fivep
    size = len(members)
    return Topic(topic_id, size, words, [segments[int(i)] for i in order[:k]],
                 {d: per_dim[d] / size for d in DIMENSIONS if per_dim[d]},
                 sorted(per_code.items(), key=lambda x: (-x[1], x[0]))[:5], uncoded / size)


def study_topics(study: Any, *, coder: str | None = None, **options: Any) -> TopicModel:
    """:func:`find_topics` over a study's segments, with the overlap measured against ``coder``'s codes
    (default: the rule tagger, else the first coder in the store)."""
    coders = study.store.coders()
    coder = coder or study.machine_coder(code=False) or (coders[0] if coders else None)
    codes: dict[str, set[str]] = {}
    if coder is not None:
        for c in study.store.codings(coder):
            if c.segment_id:
                codes.setdefault(c.segment_id, set()).add(c.code_id)
    options.setdefault("embedder", study.embedder())
    if "encode" not in options:
        from fivep.coding.embed import load_embedder
        from fivep.coding.vectors import StatementVectors

        kept = StatementVectors(study.store, options["embedder"])
        options["encode"] = kept.encoder(lambda: load_embedder(options["embedder"]))
    return find_topics(study.segments(), codes=codes, codebook=study.codebook(), **options)
