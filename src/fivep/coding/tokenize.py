"""Word tokenisers for the tagger: Thai (PyThaiNLP's dictionary segmenters, ``nlpo3`` by default, with
fivep's domain dictionary) and English words with spaCy's lookup lemmas, read without importing spaCy.
:mod:`fivep.coding.nlp` builds term matching on them and re-exports these names.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from functools import cache, cached_property
from importlib import resources
from pathlib import Path

DEFAULT_ENGINE = "nlpo3"
THAI = re.compile("[\u0e01-\u0e5b]")


@cache
def domain_words() -> tuple[str, ...]:
    """fivep's Thai domain dictionary (``fivep/data/domain_th.txt``)."""
    text = resources.files("fivep").joinpath("data", "domain_th.txt").read_text(encoding="utf-8")
    return tuple(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


@cache
def _base_words() -> frozenset[str]:
    from pythainlp.corpus import thai_words

    return frozenset(thai_words())


# --- Thai tokenizers ---------------------------------------------------------------------------


def _nlpo3_factory(tokenizer: ThaiTokenizer) -> Callable[[str], list[str]]:
    import nlpo3

    name = f"fivep-{tokenizer.dictionary_key}"
    path = Path(tempfile.gettempdir()) / f"{name}.txt"
    if not path.exists():
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text("\n".join(sorted(tokenizer.words)), encoding="utf-8")
        tmp.replace(path)
    nlpo3.load_dict(str(path), name)  # a no-op when the name is already loaded

    def segment(text: str) -> list[str]:
        # nlpo3's "safe" mode (True) can return overlapping pieces that do not join back to the text
        # (nlpo3 1.4.0); the normal mode gives newmm's segmentation.
        tokens = list(nlpo3.segment(text, name, False))
        if "".join(tokens) != text:   # never seen with safe=False; kept as a guard on the contract
            tokens = [piece for chunk in re.split(r"(\s+)", text) if chunk
                      for piece in (nlpo3.segment(chunk, name, False) if not chunk.isspace() else [chunk])]
        return tokens

    return segment


def _pythainlp_factory(engine: str) -> Callable[[ThaiTokenizer], Callable[[str], list[str]]]:
    def factory(tokenizer: ThaiTokenizer) -> Callable[[str], list[str]]:
        from pythainlp.tokenize import word_tokenize
        from pythainlp.util import dict_trie

        trie = dict_trie(tokenizer.words)

        def segment(text: str) -> list[str]:
            return list(word_tokenize(text, engine=engine, custom_dict=trie, keep_whitespace=True))

        return segment

    return factory


_ENGINES: dict[str, Callable[[ThaiTokenizer], Callable[[str], list[str]]]] = {
    "nlpo3": _nlpo3_factory,
    "newmm": _pythainlp_factory("newmm"),
    "longest": _pythainlp_factory("longest"),
    "mm": _pythainlp_factory("mm"),
}
ENGINES = tuple(_ENGINES)


def available_engine(engine: str = DEFAULT_ENGINE) -> str:
    """``engine`` if it can run here; ``nlpo3`` falls back to ``newmm`` (same output) when missing."""
    if engine not in _ENGINES:
        raise ValueError(f"unknown Thai tokenizer engine {engine!r}; use one of {', '.join(ENGINES)}")
    if engine == "nlpo3":
        try:
            import nlpo3  # noqa: F401
        except ImportError:
            return "newmm"
    return engine


class ThaiTokenizer:
    """A Thai word tokenizer whose dictionary is PyThaiNLP's plus ``custom_words``.

    Parameters
    ----------
    engine:
        ``"nlpo3"`` (default), ``"newmm"``, ``"longest"`` or ``"mm"``.
    custom_words:
        Words merged into the dictionary (codebook terms, domain words).
    """

    def __init__(self, *, engine: str = DEFAULT_ENGINE, custom_words: Iterable[str] = ()) -> None:
        self.engine = available_engine(engine)
        self.extra = frozenset(w for w in custom_words if w and THAI.search(w)) - _base_words()

    @cached_property
    def words(self) -> frozenset[str]:
        """The dictionary: PyThaiNLP's words and the custom ones."""
        return _base_words() | self.extra if self.extra else _base_words()

    @cached_property
    def dictionary_key(self) -> str:
        """A digest naming the dictionary: PyThaiNLP's version (its word list) and the custom words
        (hashing the 62,000 words themselves cost 0.03 s at every start)."""
        from importlib.metadata import version

        return hashlib.sha1("\n".join([version("pythainlp"), *sorted(self.extra)]).encode("utf-8")).hexdigest()[:16]

    @cached_property
    def _segment(self) -> Callable[[str], list[str]]:
        return _ENGINES[self.engine](self)

    def __getstate__(self) -> dict[str, object]:
        """Pickled without the segmenter (rebuilt on first use) and without the merged dictionary, which is
        rebuilt from PyThaiNLP's and the custom words when needed (a cached tokenizer only names its file)."""
        state = dict(self.__dict__)
        state.pop("_segment", None)
        if self.extra:
            state.pop("words", None)
        return state

    def tokenize(self, text: str) -> list[str]:
        """Tokens, whitespace included: ``"".join(tokenize(t)) == t``."""
        return self._segment(text) if text else []

    def spans(self, text: str) -> list[tuple[int, int]]:
        out = []
        position = 0
        for token in self.tokenize(text):
            out.append((position, position + len(token)))
            position += len(token)
        return out


# --- English -----------------------------------------------------------------------------------


_EN_TOKEN = re.compile(r"[A-Za-z0-9]+|[^\sA-Za-z0-9]")


def _lemma_table() -> dict[str, str]:
    """spaCy's English lemma lookup table, read from ``spacy-lookups-data`` without importing spaCy
    (whose import costs two seconds and pulls in torch); empty when the package is missing."""
    import gzip
    import json
    from importlib.util import find_spec

    spec = find_spec("spacy_lookups_data")
    if spec is None or not spec.submodule_search_locations:
        return {}
    folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    for path in (folder / "en_lemma_lookup.json.gz", folder / "en_lemma_lookup.json"):
        if path.exists():
            raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
            data = json.loads(raw)
            return {str(k).lower(): str(v).lower() for k, v in data.items()}
    return {}


class EnglishAnalyzer:
    """English words and lemmas: spaCy's lookup lemmatiser table (``spacy-lookups-data``), offline.

    Words are runs of ASCII letters and digits, as spaCy's tokenizer splits plain prose; terms are
    matched on them with no letter or digit glued on either side.
    """

    def __init__(self) -> None:
        self.table = _lemma_table()
        self._cache: dict[str, str] = {}

    def lemma(self, word: str) -> str:
        """The lower-case lemma of ``word`` (the word itself when the table does not know it)."""
        cached = self._cache.get(word)
        if cached is None:
            low = word.lower()
            cached = self._cache[word] = self.table.get(low, low)
        return cached

    def tokens(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, text)`` of the words and punctuation marks."""
        return [(m.start(), m.end(), m.group()) for m in _EN_TOKEN.finditer(text)]

    @cached_property
    def _forms(self) -> dict[str, frozenset[str]]:
        """lemma -> every form the lookup table maps to it."""
        forms: dict[str, set[str]] = {}
        for form, lemma in self.table.items():
            forms.setdefault(lemma, set()).add(form)
        return {k: frozenset(v) for k, v in forms.items()}

    def inflections(self, word: str) -> frozenset[str]:
        """Every form that shares ``word``'s lemma (``interpreter`` -> interpreter, interpreters)."""
        low = word.lower()
        lemma = self.lemma(word)
        return frozenset({low, lemma}) | self._forms.get(lemma, frozenset())


@cache
def english() -> EnglishAnalyzer:
    return EnglishAnalyzer()
