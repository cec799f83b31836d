"""Word lists for identifier detection, read once from ``fivep/data/privacy`` and PyThaiNLP.

Everything here is loaded lazily and cached: ``import fivep.privacy`` stays light, and PyThaiNLP is
imported the first time Thai text is searched. Nothing is downloaded: PyThaiNLP's name lists, word
list and Thai National Corpus frequencies ship inside its package.
"""

from __future__ import annotations

import gzip
import itertools
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

DATA = "data/privacy"


def _read(name: str) -> str:
    return resources.files("fivep").joinpath(f"{DATA}/{name}").read_text(encoding="utf-8")


@cache
def _toml(name: str) -> dict[str, Any]:
    return tomllib.loads(_read(name))


@dataclass(frozen=True)
class ThaiLexicon:
    """Thai titles, cues and word lists (see ``data/privacy/th.toml``)."""

    strong_titles: frozenset[str]
    medium_titles: frozenset[str]
    weak_titles: frozenset[str]
    naming: frozenset[str]
    not_after_naming: frozenset[str]
    possessive: frozenset[str]
    conjunction: frozenset[str]
    boundary: frozenset[str]
    not_a_name: frozenset[str]
    nicknames: frozenset[str]
    prefixes: frozenset[str]
    distinctive_prefixes: frozenset[str]
    given_names: frozenset[str]
    family_names: frozenset[str]
    words: frozenset[str]
    village_prefixes: frozenset[str]
    not_village: frozenset[str]
    generic_place: frozenset[str]
    extra_words: frozenset[str]
    freq: dict[str, int]
    northern: frozenset[str] = frozenset()   # Northern Thai words: the segmenter keeps each whole ("ก่|กิ๋น")

    @property
    def titles(self) -> frozenset[str]:
        return self.strong_titles | self.medium_titles | self.weak_titles

    def is_known_name(self, token: str) -> bool:
        return token in self.given_names or token in self.nicknames

    def is_fragment(self, token: str) -> bool:
        """A one-letter piece newmm left over: it stands inside a word no dictionary knows."""
        return len(token) == 1 and token not in self.words and "\u0e01" <= token <= "\u0e4e"

    def is_common(self, token: str, threshold: int = 5000) -> bool:
        """A frequent dictionary word (Thai National Corpus count of at least ``threshold``)."""
        return token in self.words and self.freq.get(token, 0) >= threshold

    def is_unknown(self, token: str) -> bool:
        """Not a dictionary word: a piece of a name newmm could not segment."""
        return token not in self.words and token not in self.boundary

    def is_rare(self, token: str, threshold: int = 400) -> bool:
        """No dictionary word, or one the Thai National Corpus counts fewer than ``threshold`` times.

        Names fall apart into such pieces (``คำมูล``, ``หวา``, ``หลาว``); dictionary compounds the corpus
        does not count at all (``ติดหนี้``, ``ขายของ``) are ordinary words, not rare ones.
        """
        if self.is_unknown(token):
            return True
        count = self.freq.get(token)
        # the corpus counts long compounds it rarely segmented as such ("ออกจาก" once): not rare
        return count is not None and count < threshold and len(token) <= 5


@cache
def thai() -> ThaiLexicon:
    """The Thai lexicon (imports PyThaiNLP on first use)."""
    from pythainlp.corpus import thai_family_names, thai_female_names, thai_male_names, thai_stopwords
    from pythainlp.corpus import thai_words as dictionary
    from pythainlp.corpus.tnc import word_freqs

    data = _toml("th.toml")
    titles, cues, words, names, address = (data[k] for k in ("titles", "cues", "words", "names", "address"))
    nicknames = frozenset(names["nicknames"])
    given = frozenset(thai_female_names()) | frozenset(thai_male_names())
    not_a_name = frozenset(words["not_a_name"])
    stopwords = frozenset(thai_stopwords())
    stop = (stopwords - nicknames) | frozenset(words["boundary"]) | frozenset(words["northern"])
    return ThaiLexicon(
        strong_titles=frozenset(titles["strong"]), medium_titles=frozenset(titles["medium"]),
        weak_titles=frozenset(titles["weak"]), naming=frozenset(cues["naming"]),
        not_after_naming=frozenset(cues["not_after_naming"]), possessive=frozenset(cues["possessive"]),
        conjunction=frozenset(cues["conjunction"]), boundary=stop, not_a_name=not_a_name,
        nicknames=nicknames - not_a_name, prefixes=frozenset(names["prefixes"]),
        distinctive_prefixes=frozenset(names["distinctive_prefixes"]),
        given_names=given - not_a_name - stopwords, family_names=frozenset(thai_family_names()),
        words=frozenset(dictionary()) | frozenset(words["extra_words"]), village_prefixes=frozenset(address["village_prefixes"]),
        not_village=frozenset(address["not_village"]), generic_place=frozenset(address["generic_place"]),
        extra_words=frozenset(words["extra_words"]), freq=dict(word_freqs()), northern=frozenset(words["northern"]),
    )


@cache
def thai_tokenizer() -> Any:
    """PyThaiNLP's newmm word segmentation, with a dictionary that knows PyThaiNLP's names and our titles.

    The segmentation is newmm's, computed faster: ``nlpo3`` (newmm's Rust port, through the tagger's
    :class:`~fivep.coding.tokenize.ThaiTokenizer` over the same dictionary) segments each run of Thai
    letters between spaces whose every token it finds in the dictionary; newmm segments the rest
    (abbreviations with full stops, Latin, digits, runs holding a word nlpo3 would cut differently).
    A space is a cut only where newmm would cut there too: not inside an occurrence of a dictionary
    entry that holds one ("จริง ๆ", "ณ น่าน"). On 7,251 Thai texts (1.7 million characters of
    training, evaluation, public and synthetic text) the tokens were identical to newmm's, 1.8 times
    faster; a test compares them on the sample study's transcripts and the test sets.
    """
    lex = thai()
    return newmm_tokenizer(frozenset(lex.words | lex.given_names | lex.family_names | lex.titles | lex.naming
                                     | lex.nicknames | lex.northern))


def newmm_tokenizer(words: frozenset[str]) -> Callable[[str], list[str]]:
    """newmm's tokens of a text over the dictionary ``words`` (spaces kept), computed as
    :func:`thai_tokenizer` says: nlpo3 on each run of Thai letters whose every token is a word of
    ``words``, newmm elsewhere. Each run's tokens are remembered."""
    from pythainlp.tokenize import Trie, word_tokenize

    from fivep.coding.tokenize import ThaiTokenizer

    trie = Trie(words)

    def newmm(text: str) -> list[str]:
        return list(word_tokenize(text, custom_dict=trie, engine="newmm", keep_whitespace=True))

    fast = ThaiTokenizer(engine="nlpo3", custom_words=set(words))
    if fast.engine != "nlpo3":   # nlpo3 is not installed
        return newmm
    spaced = _spaced_entries(set(words))

    @lru_cache(maxsize=100_000)
    def segmented(run: str) -> tuple[str, ...]:
        tokens = fast.tokenize(run)
        if all(token in words for token in tokens) and _cuts_clusters(tokens, run):
            return tuple(tokens)
        return tuple(newmm(run))

    def letters(run: str) -> list[str]:
        """A run of Thai letters: nlpo3's tokens when every one is a dictionary word, else newmm's.
        Remembered: the name rules and the name model read the same runs of a line."""
        return list(segmented(run))

    def tokenize(text: str) -> list[str]:
        if _THAI_LETTERS.fullmatch(text):   # the usual call: one run of Thai letters
            return letters(text)
        out: list[str] = []
        for chunk in _space_runs(text, spaced):
            if not chunk.strip(" \t"):
                out.append(chunk)            # spaces and tabs: one token, as newmm gives them
            elif _THAI_LETTERS.fullmatch(chunk):
                out += letters(chunk)
            else:
                out += newmm(chunk)
        return out

    return tokenize


def _cuts_clusters(tokens: list[str], run: str) -> bool:
    """Whether every cut between ``tokens`` falls between two Thai character clusters, as newmm requires
    (nlpo3 may cut inside one: "เค|รี|ยม" for the misspelt "เครียม", which newmm leaves whole)."""
    from pythainlp.tokenize.tcc_p import tcc_pos

    clusters = tcc_pos(run)
    return all(cut in clusters for cut in itertools.accumulate(map(len, tokens[:-1])))


_THAI_LETTERS = re.compile("[\u0e01-\u0e4e]+")
_SPACE_RUN = re.compile("[ \t]+")   # newmm splits other whitespace (a newline each) its own way


def _space_runs(text: str, spaced: Any) -> list[str]:
    """``text`` cut before and after its runs of spaces and tabs, except where newmm keeps words across
    them: inside an occurrence of a dictionary entry holding a space (``spaced``: an Aho-Corasick
    automaton of those entries, or None)."""
    kept: list[tuple[int, int]] = []
    if spaced is not None:
        kept = [(end + 1 - length, end + 1) for end, length in spaced.iter(text)]
    cuts = [0]
    for match in _SPACE_RUN.finditer(text):
        start, end = match.span()
        if not any(a < end and start < b for a, b in kept):
            cuts += [start, end]
    cuts.append(len(text))
    return [text[a:b] for a, b in itertools.pairwise(cuts) if a < b]


def _spaced_entries(words: set[str]) -> Any:
    """An Aho-Corasick automaton of the dictionary entries that hold a space, or None."""
    entries = [w for w in words if any(c.isspace() for c in w)]
    if not entries:
        return None
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for entry in entries:
        automaton.add_word(entry, len(entry))
    automaton.make_automaton()
    return automaton


@dataclass(frozen=True)
class EnglishLexicon:
    """English titles, cues and word lists (see ``data/privacy/en.toml``)."""

    titles: frozenset[str]
    naming: tuple[str, ...]
    fillers: tuple[str, ...]
    gazetteer: frozenset[str]
    place_parts: frozenset[str]   # in the gazetteer, and people's names too ("Nam", "Mai")
    place_starts: frozenset[str]  # words that begin a northern place's name ("Mae Sai", "Doi Tung")
    common: frozenset[str]
    known: frozenset[str]
    function_words: frozenset[str]

    def is_name_like(self, word: str, *, initial: bool = False) -> bool:
        """A capitalised word that is no English word and no known non-name.

        Mid-sentence, short words count as English only when common (``Nok``, ``Ploy`` and ``Noi`` are
        English words too, rarely); a sentence's first word, capitalised anyway, must be no known word.
        """
        low = word.casefold()
        if low.endswith(("'s", "’s")):
            low = low[:-2]
        parts = [p for p in re.split(r"[-'’]", low) if p]
        if len(parts) > 1:
            return all(self.is_name_like(p, initial=initial) for p in parts if len(p) > 1) and not _CONTRACTION.search(low)
        if low in self.common or low in self.gazetteer or low in self.function_words:
            return False
        return not ((initial or len(low) >= 6) and self._is_known(low))

    def _is_known(self, low: str) -> bool:
        return low in self.known or self.plural_of_known(low)

    def plural_of_known(self, low: str) -> bool:
        """The plural of an English word ("prosecutors", "agencies", "witnesses")."""
        if low.endswith("ies") and low[:-3] + "y" in self.known:
            return True
        return low.endswith("s") and len(low) > 3 and (low[:-1] in self.known or
                                                       low.endswith("es") and low[:-2] in self.known)


@cache
def english() -> EnglishLexicon:
    data = _toml("en.toml")
    common = frozenset(w for w in _read("en_common.txt").split() if w.isalpha())
    raw = resources.files("fivep").joinpath(f"{DATA}/en_words.txt.gz").read_bytes()
    known = frozenset(w for w in gzip.decompress(raw).decode("utf-8").split() if w.isalpha())
    return EnglishLexicon(
        titles=frozenset(data["titles"]["strong"]),
        naming=tuple(sorted(data["cues"]["naming"], key=len, reverse=True)),
        fillers=tuple(data["cues"]["fillers"]),
        gazetteer=frozenset(w.casefold() for w in data["gazetteer"]["words"]),
        place_parts=frozenset(w.casefold() for w in data["gazetteer"]["place_parts"]),
        place_starts=frozenset(w.casefold() for w in data["gazetteer"]["place_starts"]),
        common=common,
        known=known,
        function_words=frozenset(_FUNCTION_WORDS.split()),
    )


_CONTRACTION = re.compile(r"['’](?:t|ll|re|ve|d|m)$")
_FUNCTION_WORDS = """
a about above after again against all am an and any are as at be because been before being below between
both but by can could did do does doing down during each few for from further had has have having he her
here hers herself him himself his how i if in into is it its itself just let me more most my myself no nor
not now of off on once only or other our ours ourselves out over own same she should so some such than that
the their theirs them themselves then there these they this those through to too under until up very was we
were what when where which while who whom why will with would you your yours yourself yourselves also yet
maybe well so like even still already actually really honestly basically anyway okay ok yes no
"""
