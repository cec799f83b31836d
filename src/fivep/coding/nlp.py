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

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property
from itertools import accumulate
from pathlib import Path
from typing import NamedTuple

from fivep.coding.tokenize import (  # noqa: F401  (re-exported: the names fivep.coding.nlp always had)
    DEFAULT_ENGINE,
    ENGINES,
    THAI,
    EnglishAnalyzer,
    ThaiTokenizer,
    _base_words,
    available_engine,
    domain_words,
    english,
)
from fivep.ingest.thai import normalize_text

_LATIN_WORD = re.compile(r"[A-Za-z0-9]")
_LATIN_IN_THAI = re.compile("[A-Za-z0-9]+(?:'[a-z]+)?|[^\\sA-Za-z0-9\u0e00-\u0e7f]")
_LETTERS = re.compile("[A-Za-z0-9\u0e01-\u0e4e]")
# characters that cannot start a Thai word / a word cannot end before them
_NON_INITIAL = set("\u0e30\u0e31\u0e32\u0e33\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e45\u0e47\u0e48\u0e49\u0e4a"
                   "\u0e4b\u0e4c\u0e4d\u0e4e")
_LEADING_VOWELS = set("\u0e40\u0e41\u0e42\u0e43\u0e44")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


_ASCII_UPPER = re.compile("[A-Z]")
_WHITESPACE = re.compile(r"\s")


def ascii_lower(text: str) -> str:
    """Lower-case ASCII letters only, so that offsets never move."""
    return text.translate(_ASCII_LOWER) if _ASCII_UPPER.search(text) else text


_THAI_LETTER = re.compile("[\u0e01-\u0e30\u0e32\u0e33\u0e40-\u0e46]")
_LATIN_LETTER = re.compile("[A-Za-z]")


def detect_language(text: str) -> str:
    """``"th"`` when at least 40% of the letters are Thai, else ``"en"`` (mixed lines lean Thai)."""
    if not THAI.search(text):
        return "en"
    if not _LATIN_LETTER.search(text):
        return "th"
    thai = len(text) - len(_THAI_LETTER.sub("", text))
    latin = len(text) - len(_LATIN_LETTER.sub("", text))
    return "th" if thai >= 0.4 * (thai + latin) else "en"


# --- the analysis of one text ------------------------------------------------------------------


@dataclass
class Analysis:
    """A text analysed once for every matcher: language, Thai word boundaries, word tokens and lemmas.

    Thai is segmented lazily, one whitespace-delimited chunk at a time, and only where a term was
    found: the dictionary segmenters treat whitespace as a hard boundary, so a chunk segments the same
    alone as inside the whole text (a test checks this), and chunks without candidates cost nothing.
    """

    text: str
    lowered: str
    lang: str
    has_thai: bool
    tokenize: Callable[[str], list[str]] | None = None
    has_latin: bool = True   # any ASCII letter or digit: English terms and cues can only match then
    _chunks: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    _spaces: list[int] | None = None
    _last: tuple[int, int, list[int]] | None = None

    def bounds_around(self, start: int, end: int) -> list[int]:
        """Ascending word boundaries of the whitespace-delimited chunk(s) holding ``text[start:end]``."""
        last = self._last
        if last is not None and last[0] <= start and end <= last[1]:
            return last[2]
        text = self.text
        spaces = self._spaces
        if spaces is None:
            spaces = self._spaces = [m.start() for m in _WHITESPACE.finditer(text)]
        i = bisect_left(spaces, start)
        a = spaces[i - 1] + 1 if i else 0
        j = bisect_left(spaces, max(end, a))
        b = spaces[j] if j < len(spaces) else len(text)
        cached = self._chunks.get((a, b))
        if cached is None:
            tokens = self.tokenize(text[a:b]) if self.tokenize else [text[a:b]]
            cached = self._chunks[(a, b)] = list(accumulate(map(len, tokens), initial=a))
        self._last = (a, b, cached)
        return cached



class Analyzer:
    """Analyses texts for :class:`TermMatcher`; holds the Thai tokenizers."""

    def __init__(self, *, engine: str = DEFAULT_ENGINE, custom_words: Iterable[str] = ()) -> None:
        words = [*domain_words(), *custom_words]
        self.tokenizer = ThaiTokenizer(engine=engine, custom_words=words)
        self._base: ThaiTokenizer | None = None
        self._base_cache: dict[str, list[str]] = {}
        self._bounds_cache: dict[str, list[int]] = {}

    @property
    def english(self) -> EnglishAnalyzer:
        """English lemmas (spaCy's lookup table): needed to build matchers, not to match."""
        return english()

    @cached_property
    def free_words(self) -> frozenset[str]:
        """Thai words used on their own (see :func:`_free_words`)."""
        return _free_words()

    def __getstate__(self) -> dict[str, object]:
        """Pickled without the per-text caches."""
        return {**self.__dict__, "_base_cache": {}, "_bounds_cache": {}}

    @property
    def base(self) -> ThaiTokenizer:
        """The tokenizer with PyThaiNLP's dictionary only, to judge boundaries the other one did not make."""
        if self._base is None:
            self._base = ThaiTokenizer(engine=self.tokenizer.engine)
        return self._base

    def warm(self) -> None:
        """Load now what the first Thai boundary check would load (the general dictionary's tokenizer and
        the corpus word frequencies), e.g. before forking workers that should share it."""
        self.base.tokenize("ก")
        _ = self.base.words, self.free_words

    def analyse(self, text: str) -> Analysis:
        lang = detect_language(text)
        has_thai = THAI.search(text) is not None
        return Analysis(text, ascii_lower(text), lang, has_thai, self.tokenizer.tokenize,
                        has_latin=_ASCII_WORD.search(text) is not None)

    def _base_tokens(self, text: str) -> list[str]:
        cached = self._base_cache.get(text)
        if cached is None:
            if len(self._base_cache) > 50_000:
                self._base_cache.clear()
            cached = self._base_cache[text] = self.base.tokenize(text)
        return cached

    def thai_boundary_ok(self, analysis: Analysis, start: int, end: int, *, strict: bool = False) -> bool:
        """May a Thai term occupy ``text[start:end]`` as a whole word or words?

        With ``strict=True`` only the boundaries of the segmentation count.
        """
        text = analysis.text
        if end < len(text) and text[end] in _NON_INITIAL:
            return False
        if start > 0 and text[start - 1] in _LEADING_VOWELS:
            return False
        ordered = analysis.bounds_around(start, end)
        i = bisect_left(ordered, start)
        j = bisect_left(ordered, end)
        aligned_start = i < len(ordered) and ordered[i] == start
        if aligned_start and j < len(ordered) and ordered[j] == end:
            return not self._splits_a_word(text, ordered, i, j)
        if strict:
            return False
        left = ordered[bisect_right(ordered, start) - 1] if start >= ordered[0] else 0
        index = bisect_left(ordered, end)
        right = ordered[index] if index < len(ordered) else len(text)
        words = self.base.words
        rest = text[left:start] + text[end:right]
        if bisect_right(ordered, start) == index and text[left:right] in words and _LETTERS.search(rest):
            return False   # inside one word of the general dictionary: a fragment of another word
        pieces_left = self._base_tokens(text[left:start])
        pieces_right = self._base_tokens(text[end:right])
        for piece in (*pieces_left, *pieces_right):
            if THAI.search(piece) and piece not in words:
                return False
        usual = _count_words(self._base_tokens(text[left:right]))
        return _count_words(pieces_left) + 1 + _count_words(pieces_right) <= usual


    def _splits_a_word(self, text: str, ordered: list[int], i: int, j: int) -> bool:
        """Did the segmenter cut a word of the general dictionary to make room for the term?

        A term merged into the dictionary pulls the segmentation its way: "ภาพผู้เสียหาย" turns
        "สวัสดิภาพผู้เสียหาย" (victims' welfare) into สวัสดิ|ภาพผู้เสียหาย. Where a word of the general
        dictionary's reading (สวัสดิภาพ|ผู้เสียหาย) crosses the term's edge, the cut is kept only if the
        piece it leaves outside the term is a word used on its own (in the Thai National Corpus word
        frequencies): การ|ค้ามนุษย์ and เผยแพร่|ภาพ... are readings, สวัสดิ|ภาพ and ศาล|า are not.
        """
        start, end = ordered[i], ordered[j]
        a, b = ordered[0], ordered[-1]
        bounds = self._base_bounds(text[a:b])   # the general reading's word boundaries, from a
        for edge in (start, end):
            k = bisect_right(bounds, edge - a) - 1
            if k + 1 < len(bounds) and bounds[k] < edge - a:   # a word of the general reading crosses the edge
                left, right = a + bounds[k], a + bounds[k + 1]
                if (text[left:start] if edge == start else text[end:right]) not in self.free_words:
                    return True
        return False

    def _base_bounds(self, chunk: str) -> list[int]:
        """Offsets of the word boundaries of ``chunk`` in the general dictionary's reading (0 first)."""
        cached = self._bounds_cache.get(chunk)
        if cached is None:
            if len(self._bounds_cache) > 50_000:
                self._bounds_cache.clear()
            cached = self._bounds_cache[chunk] = list(accumulate(map(len, self._base_tokens(chunk)), initial=0))
        return cached


_TNC_LINE = re.compile(r"^([^\t\n]+)\t(\d+)[ \t\r]*$", re.MULTILINE)


@cache
def _free_words() -> frozenset[str]:
    """The words of the Thai National Corpus used at least 20 times (PyThaiNLP's ``tnc_freq.txt``, read
    with one regular expression: ``tnc.word_freqs()`` builds 60,000 tuples first, 0.12 s at every start)."""
    from pythainlp.corpus import corpus_path

    try:
        text = Path(corpus_path(), "tnc_freq.txt").read_text(encoding="utf-8")
    except OSError:
        from pythainlp.corpus import tnc

        return frozenset(word for word, count in tnc.word_freqs() if count >= 20)
    return frozenset(m.group(1) for m in _TNC_LINE.finditer(text) if int(m.group(2)) >= 20)


def _count_words(tokens: list[str]) -> int:
    """Tokens that hold letters or digits (spaces and punctuation do not fragment a word)."""
    return sum(1 for t in tokens if THAI.search(t) or _LATIN_WORD.search(t))


# --- term matching -----------------------------------------------------------------------------


_ASCII_WORD = re.compile("[A-Za-z0-9]")
_MAX_VARIANTS = 256


def latin_boundary_ok(analysis: Analysis, start: int, end: int) -> bool:
    """May a Latin-script term occupy ``text[start:end]``: with no letter or digit glued to it."""
    text = analysis.text
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return not (_ASCII_WORD.match(before) or _ASCII_WORD.match(after))


def english_variants(analyzer: Analyzer, term: str) -> tuple[list[str], bool]:
    """The lower-case spellings that match an English term (every inflection of each word, as spaCy's
    lookup table lemmatises them), and whether it is an acronym matched as written (MDT, PR)."""
    acronym = term.isupper() and len(term) <= 6
    if acronym:
        return [term], True
    pieces: list[list[str]] = []
    position = 0
    for start, end, word in analyzer.english.tokens(term):
        if start > position:
            pieces.append([term[position:start].lower()])
        forms = sorted(analyzer.english.inflections(word)) if word.isalpha() else [word.lower()]
        pieces.append(forms[:16])
        position = end
    variants = [""]
    for options in pieces:
        variants = [v + o for v in variants for o in options][:_MAX_VARIANTS]
    return [v for v in variants if v], False


def normalize_terms(terms: list[str]) -> list[str]:
    """:func:`~fivep.ingest.thai.normalize_text` of each one-line term, in one call over all of them (the
    normalisation works line by line; a call per term cost 0.13 s for the built-in codebook)."""
    if not terms:
        return []
    out = normalize_text("\n".join(terms)).split("\n")
    return out if len(out) == len(terms) else [normalize_text(t) for t in terms]


class Hit(NamedTuple):
    start: int
    end: int
    term: str
    label: str


class TermMatcher:
    """Find terms (Thai or English) in analysed texts, on word boundaries.

    Thai terms (any term containing Thai script) are matched character-wise and kept on word
    boundaries (:meth:`Analyzer.thai_boundary_ok`). English terms are matched in every inflection
    (:func:`english_variants`) on spaCy's token boundaries, case-insensitively; a term written in
    capitals of up to six letters (``MDT``, ``PR``) is an acronym and matched as written. Overlapping
    hits keep the longest (``longest_only=True``).
    """

    def __init__(self, analyzer: Analyzer, terms: Iterable[tuple[str, str]], *, longest_only: bool = True) -> None:
        import ahocorasick

        self.analyzer = analyzer
        self.longest_only = longest_only
        thai: dict[str, list[tuple[str, str]]] = {}
        english: dict[str, list[tuple[str, str]]] = {}
        acronyms: dict[str, list[tuple[str, str]]] = {}
        terms = [(" ".join(term.split()), label) for term, label in terms]
        keys = normalize_terms([term for term, _ in terms])
        for (term, label), key in zip(terms, keys, strict=True):
            if not term:
                continue
            if THAI.search(term):
                thai.setdefault(ascii_lower(key), []).append((term, label))
                continue
            variants, acronym = english_variants(analyzer, term)
            for variant in variants:
                (acronyms if acronym else english).setdefault(variant, []).append((term, label))

        self._thai = ahocorasick.Automaton()
        for key, entries in thai.items():
            self._thai.add_word(key, (len(key), tuple(entries)))
        self._english = ahocorasick.Automaton()   # matched on the ASCII-lower-cased text
        self._acronyms = ahocorasick.Automaton()  # matched on the text as written
        for automaton, table in ((self._english, english), (self._acronyms, acronyms)):
            for key, entries_en in table.items():
                automaton.add_word(key, (len(key), tuple(entries_en)))
            if table:
                automaton.make_automaton()
        self._has_thai = bool(thai)
        self._has_english = bool(english)
        self._has_acronyms = bool(acronyms)
        # a text without an ASCII letter or digit can hold none of these terms (the usual Thai statement)
        self._needs_latin = all(_ASCII_WORD.search(k) for k in (*english, *acronyms))
        if thai:
            self._thai.make_automaton()

    def find(self, analysis: Analysis) -> list[Hit]:
        hits: list[Hit] = []
        thai: set[tuple[int, int]] = set()   # spans found by the Thai automaton (checked on word boundaries)
        if self._has_thai and analysis.has_thai:
            for end_index, (length, entries) in self._thai.iter(analysis.lowered):
                start, end = end_index + 1 - length, end_index + 1
                thai.add((start, end))
                hits += [Hit(start, end, term, label) for term, label in entries]
        for present, automaton, haystack in ((self._has_english, self._english, analysis.lowered),
                                             (self._has_acronyms, self._acronyms, analysis.text)):
            if present and (analysis.has_latin or not self._needs_latin):
                for end_index, (length, entries) in automaton.iter(haystack):
                    start, end = end_index + 1 - length, end_index + 1
                    hits += [Hit(start, end, term, label) for term, label in entries]
        thai_ok = self.analyzer.thai_boundary_ok
        checked: dict[tuple[int, int], bool] = {}

        def on_boundaries(hit: Hit) -> bool:
            span = (hit.start, hit.end)
            ok = checked.get(span)
            if ok is None:
                ok = checked[span] = (thai_ok(analysis, *span) if span in thai
                                      else latin_boundary_ok(analysis, *span))
            return ok

        if self.longest_only:
            return _longest(hits, on_boundaries) if hits else []
        return sorted((h for h in hits if on_boundaries(h)), key=lambda h: (h.start, h.end))


class CueCounter:
    """Count cue words (Thai on segmentation boundaries, English on lemmas), longest match first.

    ``inflect(label)`` says whether the English cues of a label match in every inflection (the
    default) or only as written ("increase" recommends, "increased" reports).

    Cues are frequent, short words ("ต้อง", "แต่", "should"): they are counted in C with the
    leftmost-longest Aho-Corasick scan, without building a hit per occurrence.
    """

    def __init__(self, analyzer: Analyzer, terms: Iterable[tuple[str, str]],
                 inflect: Callable[[str], bool] = lambda label: True) -> None:
        import ahocorasick

        self.analyzer = analyzer
        self._thai = ahocorasick.Automaton()
        self._english = ahocorasick.Automaton()
        english_keys: list[str] = []
        terms = [(" ".join(term.split()), label) for term, label in terms]
        for (term, label), normal in zip(terms, normalize_terms([term for term, _ in terms]), strict=True):
            if THAI.search(term):
                key = ascii_lower(normal)
                self._thai.add_word(key, (len(key), label))
            elif term:
                variants = english_variants(analyzer, term)[0] if inflect(label) else [term.lower()]
                for variant in variants:
                    self._english.add_word(variant.lower(), (len(variant), label))
                    english_keys.append(variant)
        self._thai.make_automaton()
        self._english.make_automaton()
        self._needs_latin = all(_ASCII_WORD.search(k) for k in english_keys)

    def count(self, analysis: Analysis) -> tuple[dict[str, int], list[tuple[int, int]]]:
        """``(counts by label, spans)`` of the cues in an analysed text."""
        counts: dict[str, int] = {}
        spans: list[tuple[int, int]] = []
        if analysis.has_thai:
            boundary_ok = self.analyzer.thai_boundary_ok
            for end_index, (length, label) in self._thai.iter_long(analysis.lowered):
                start, end = end_index + 1 - length, end_index + 1
                if boundary_ok(analysis, start, end, strict=True):
                    counts[label] = counts.get(label, 0) + 1
                    spans.append((start, end))
        if not analysis.has_latin and self._needs_latin:
            return counts, spans
        for end_index, (length, label) in self._english.iter_long(analysis.lowered):
            start, end = end_index + 1 - length, end_index + 1
            if latin_boundary_ok(analysis, start, end):
                counts[label] = counts.get(label, 0) + 1
                spans.append((start, end))
        return counts, spans


def _longest(hits: list[Hit], accept: Callable[[Hit], bool] | None = None) -> list[Hit]:
    """Keep the longest hits; a hit overlapping a longer one is dropped (ties: first listed).

    ``accept`` (a word-boundary check) is asked only of hits no longer kept hit covers, so a keyword
    inside a longer one costs no check: the result is that of the hits ``accept`` passes.

    Linear in the text and the hits: the characters already taken are marked in a byte array over
    the hits' extent (kept hits never overlap, except the same words carrying two labels).
    """
    if not hits:
        return []
    origin = min(h.start for h in hits)
    taken = bytearray(max(h.end for h in hits) - origin)
    labels: dict[tuple[int, int], set[str]] = {}
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        start, end = hit.start - origin, hit.end - origin
        if taken.find(1, start, end) != -1:
            if labels.get((hit.start, hit.end), set()) - {hit.label}:
                kept.append(hit)   # the same words carry two labels: keep both
                labels[(hit.start, hit.end)].add(hit.label)
            continue
        if accept is not None and not accept(hit):
            continue
        kept.append(hit)
        labels.setdefault((hit.start, hit.end), set()).add(hit.label)
        taken[start:end] = b"\x01" * (end - start)
    return sorted(kept, key=lambda h: (h.start, h.end, h.label))
