"""The NLP layer: language, Thai word segmentation with a domain dictionary, English lemmas, and
matching of Thai and English terms on word boundaries.

Thai is segmented with PyThaiNLP's dictionary tokenizers (``nlpo3`` by default: the Rust
implementation of ``newmm``, same output, several times faster; ``newmm`` when nlpo3 is missing)
with the codebook's keywords and fivep's domain dictionary merged into the dictionary. English is
tokenised with spaCy's blank English tokenizer and lemmatised with spaCy's lookup table
(``spacy-lookups-data``), offline.

Thai term matching finds every occurrence of a term in the text (Aho-Corasick) and keeps it only if it
sits on word boundaries: either on the boundaries of the segmentation, or, where the segmenter cut
differently, if cutting the text at the term does not fragment it more than the general dictionary does.
So "ค้ามนุษย์" is found inside "การค้ามนุษย์" (การ|ค้ามนุษย์ is as good a reading as การค้า|มนุษย์),
while "ค้า" is not found inside "ค้าขาย" (one word, trade) nor "ศาล" inside "ศาลา".
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from fivep.ingest.thai import normalize_text, thai_share

DEFAULT_ENGINE = "nlpo3"
THAI = re.compile("[\u0e01-\u0e5b]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9]")
# characters that cannot start a Thai word / a word cannot end before them
_NON_INITIAL = set("\u0e30\u0e31\u0e32\u0e33\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e45\u0e47\u0e48\u0e49\u0e4a"
                   "\u0e4b\u0e4c\u0e4d\u0e4e")
_LEADING_VOWELS = set("\u0e40\u0e41\u0e42\u0e43\u0e44")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def ascii_lower(text: str) -> str:
    """Lower-case ASCII letters only, so that offsets never move."""
    return text.translate(_ASCII_LOWER)


def detect_language(text: str) -> str:
    """``"th"`` when at least 40% of the letters are Thai, else ``"en"`` (mixed lines lean Thai)."""
    return "th" if thai_share(text) >= 0.4 else "en"


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


def _nlpo3_factory(words: frozenset[str]) -> Callable[[str], list[str]]:
    import nlpo3

    digest = hashlib.sha1("\n".join(sorted(words)).encode("utf-8")).hexdigest()[:16]
    name = f"fivep-{digest}"
    path = Path(tempfile.gettempdir()) / f"{name}.txt"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_text("\n".join(sorted(words)), encoding="utf-8")
        tmp.replace(path)
    nlpo3.load_dict(str(path), name)  # a no-op when the name is already loaded

    def segment(text: str) -> list[str]:
        return list(nlpo3.segment(text, name, True))

    return segment


def _pythainlp_factory(engine: str) -> Callable[[frozenset[str]], Callable[[str], list[str]]]:
    def factory(words: frozenset[str]) -> Callable[[str], list[str]]:
        from pythainlp.tokenize import word_tokenize
        from pythainlp.util import dict_trie

        trie = dict_trie(words)

        def segment(text: str) -> list[str]:
            return list(word_tokenize(text, engine=engine, custom_dict=trie, keep_whitespace=True))

        return segment

    return factory


_ENGINES: dict[str, Callable[[frozenset[str]], Callable[[str], list[str]]]] = {
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
        extra = {w for w in custom_words if w and THAI.search(w)}
        self.words = _base_words() | frozenset(extra)
        self._segment = _ENGINES[self.engine](self.words)

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


class EnglishAnalyzer:
    """spaCy's blank English tokenizer with lemmas from spaCy's lookup table (offline)."""

    def __init__(self) -> None:
        import spacy

        self.nlp = spacy.blank("en")
        try:
            from spacy.lookups import load_lookups

            self.table: Any = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
        except (ValueError, ImportError, OSError):  # spacy-lookups-data missing: no lemmas
            self.table = {}

    def lemma(self, word: str) -> str:
        low = word.lower()
        return str(self.table.get(low, low))

    def tokens(self, text: str) -> list[tuple[int, int, str]]:
        return [(t.idx, t.idx + len(t.text), t.text) for t in self.nlp.tokenizer(text) if not t.is_space]


@cache
def english() -> EnglishAnalyzer:
    return EnglishAnalyzer()


# --- the analysis of one text ------------------------------------------------------------------


@dataclass
class Analysis:
    """A text analysed once for every matcher: language, Thai token boundaries, word tokens."""

    text: str
    lowered: str
    lang: str
    thai_bounds: frozenset[int]
    words: list[tuple[int, int, str, str]]   # (start, end, text, lemma) for Latin words and punctuation


class Analyzer:
    """Analyses texts for :class:`TermMatcher`; holds the Thai tokenizers."""

    def __init__(self, *, engine: str = DEFAULT_ENGINE, custom_words: Iterable[str] = ()) -> None:
        words = [*domain_words(), *custom_words]
        self.tokenizer = ThaiTokenizer(engine=engine, custom_words=words)
        self._base: ThaiTokenizer | None = None
        self.english = english()

    @property
    def base(self) -> ThaiTokenizer:
        """The tokenizer with PyThaiNLP's dictionary only, to judge boundaries the other one did not make."""
        if self._base is None:
            self._base = ThaiTokenizer(engine=self.tokenizer.engine)
        return self._base

    def analyse(self, text: str) -> Analysis:
        lang = detect_language(text)
        bounds: set[int] = set()
        words: list[tuple[int, int, str, str]] = []
        has_thai = THAI.search(text) is not None
        if has_thai:
            position = 0
            bounds.add(0)
            for token in self.tokenizer.tokenize(text):
                end = position + len(token)
                bounds.add(end)
                if lang == "th" and _LATIN_WORD.search(token) and not THAI.search(token):
                    words.extend(self._latin_words(token, position))
                position = end
        if lang == "en" or not has_thai:
            words = [(s, e, w, self.english.lemma(w)) for s, e, w in self.english.tokens(text)]
        return Analysis(text, ascii_lower(text), lang, frozenset(bounds), words)

    def _latin_words(self, token: str, offset: int) -> list[tuple[int, int, str, str]]:
        out = []
        for match in re.finditer(r"[A-Za-z0-9]+(?:'[a-z]+)?|[^\sA-Za-z0-9]", token):
            word = match.group()
            out.append((offset + match.start(), offset + match.end(), word, self.english.lemma(word)))
        return out

    def thai_boundary_ok(self, analysis: Analysis, start: int, end: int) -> bool:
        """May a Thai term occupy ``text[start:end]`` as a whole word or words?"""
        text = analysis.text
        if end < len(text) and text[end] in _NON_INITIAL:
            return False
        if start > 0 and text[start - 1] in _LEADING_VOWELS:
            return False
        if start in analysis.thai_bounds and end in analysis.thai_bounds:
            return True
        bounds = sorted(analysis.thai_bounds)
        left = max((b for b in bounds if b <= start), default=0)
        right = min((b for b in bounds if b >= end), default=len(text))
        words = self.base.words
        pieces_left = self.base.tokenize(text[left:start])
        pieces_right = self.base.tokenize(text[end:right])
        for piece in (*pieces_left, *pieces_right):
            if THAI.search(piece) and piece not in words:
                return False
        usual = _count_words(self.base.tokenize(text[left:right]))
        return _count_words(pieces_left) + 1 + _count_words(pieces_right) <= usual


def _count_words(tokens: list[str]) -> int:
    """Tokens that hold letters or digits (spaces and punctuation do not fragment a word)."""
    return sum(1 for t in tokens if THAI.search(t) or _LATIN_WORD.search(t))


# --- term matching -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    term: str
    label: str


class TermMatcher:
    """Find terms (Thai or English) in analysed texts, on word boundaries.

    Thai terms (any term containing Thai script) are matched character-wise and kept on word
    boundaries (:meth:`Analyzer.thai_boundary_ok`). English terms are matched on lemmas, token by
    token, case-insensitively; a term written in capitals of up to six letters (``MDT``, ``PR``) is
    an acronym and matched case-sensitively. Overlapping hits keep the longest
    (``longest_only=True``).
    """

    def __init__(self, analyzer: Analyzer, terms: Iterable[tuple[str, str]], *, longest_only: bool = True) -> None:
        import ahocorasick

        self.analyzer = analyzer
        self.longest_only = longest_only
        self._thai = ahocorasick.Automaton()
        self._english: dict[str, list[tuple[tuple[str, ...], bool, str, str]]] = {}
        thai_labels: dict[str, list[tuple[str, str]]] = {}
        for term, label in terms:
            term = " ".join(term.split())
            if not term:
                continue
            if THAI.search(term):
                key = ascii_lower(normalize_text(term))
                thai_labels.setdefault(key, []).append((term, label))
            else:
                acronym = term.isupper() and len(term) <= 6
                words = [w for _, _, w in analyzer.english.tokens(term)]
                lemmas = tuple(w if acronym else analyzer.english.lemma(w) for w in words)
                if lemmas:
                    self._english.setdefault(lemmas[0].lower(), []).append((lemmas, acronym, term, label))
        for key, entries in thai_labels.items():
            self._thai.add_word(key, (key, tuple(entries)))
        self._has_thai = bool(thai_labels)
        if self._has_thai:
            self._thai.make_automaton()

    def find(self, analysis: Analysis) -> list[Hit]:
        hits: list[Hit] = []
        if self._has_thai and THAI.search(analysis.text):
            for end_index, (key, entries) in self._thai.iter(analysis.lowered):
                start, end = end_index + 1 - len(key), end_index + 1
                if self.analyzer.thai_boundary_ok(analysis, start, end):
                    hits.extend(Hit(start, end, term, label) for term, label in entries)
        words = analysis.words
        for i, (start, _, word, lemma) in enumerate(words):
            for lemmas, acronym, term, label in self._english.get(lemma.lower(), ()):
                n = len(lemmas)
                if i + n > len(words):
                    continue
                window = words[i : i + n]
                if acronym:
                    ok = all(w[2] == x for w, x in zip(window, lemmas, strict=True))
                else:
                    ok = all(w[3].lower() == x.lower() for w, x in zip(window, lemmas, strict=True))
                if ok and all(window[k + 1][0] - window[k][1] <= 1 for k in range(n - 1)):
                    hits.append(Hit(start, window[-1][1], term, label))
        return _longest(hits) if self.longest_only else sorted(hits, key=lambda h: (h.start, h.end))


def _longest(hits: list[Hit]) -> list[Hit]:
    """Keep the longest hits; a hit overlapping a longer one is dropped (ties: first listed)."""
    kept: list[Hit] = []
    taken: list[tuple[int, int]] = []
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        if any(hit.start < e and s < hit.end for s, e in taken):
            if any(k.start == hit.start and k.end == hit.end and k.label != hit.label for k in kept):
                kept.append(hit)   # the same words carry two labels: keep both
            continue
        kept.append(hit)
        taken.append((hit.start, hit.end))
    return sorted(kept, key=lambda h: (h.start, h.end, h.label))
