"""A learned labeller for personal names, added to the rules (recall first).

The rules in :mod:`fivep.privacy.names` find names after titles and cues; names said without a cue, in
text written by someone else, slip through. This module adds a linear-chain CRF (python-crfsuite)
trained on the labelled lines in ``tests/data/privacy`` (``tools/train_person_crf.py`` rebuilds it):
tokens come from PyThaiNLP's newmm (with fivep's name dictionary) for Thai and a plain tokenizer for
Latin text, and the features are the ones that carry over to new text: the word and its neighbours,
whether it is a dictionary word, a known given, family or nick name, how often the Thai National
Corpus counts it, its first and last letters, the title, kinship term, rank or naming verb before it,
the particle or speech verb after it; for Latin text, capitals and English word lists.

A token is part of a name when the CRF's marginal probability of a name label reaches
:data:`THRESHOLD` (lower than 0.5: a missed name can expose a child, a false alarm costs a click in the
review file). Spans that are only a title, a pronoun, a province, an agency, a month or a code are
dropped; :func:`fivep.privacy.detect.detect` keeps a learned span only where no rule found anything.

The model ships as package data (``data/privacy/person.crfsuite``); crfsuite and PyThaiNLP are
imported on first use.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from fivep.privacy.lexicon import DATA, english, thai, thai_tokenizer
from fivep.privacy.spans import Span
from fivep.privacy.vocabulary import plausible_name

MODEL = "person.crfsuite"
# Marginal probability of a name label from which a token is flagged; chosen by cross-validation by
# file on the four labelled sets (see docs/privacy.md).
THRESHOLD = 0.05
RULE = "model.crf"
# A name probability the labeller is fairly sure of: runs join across spaces only at this level.
SURE = 0.3

_PIECES = re.compile(r"[\u0e00-\u0e7f]+(?:\.[\u0e00-\u0e7f]+)*\.?|[A-Za-z][A-Za-z'’]*|[0-9]+|\s+|[^\s\u0e00-\u0e7fA-Za-z0-9]")
_THAI_CHARS = re.compile(r"^[\u0e01-\u0e4e]+$")
_THAI_ABBREVIATION = re.compile(r"^[\u0e01-\u0e4e.]+\.$")
_SPACE = re.compile(r"^\s+$")

_PARTICLES = frozenset({"ค่ะ", "คะ", "ครับ", "นะ", "นะคะ", "นะครับ", "เจ้า", "จ้ะ", "จ้า", "เน้อ", "เนาะ", "ก็", "เขา",
                        "เค้า", "เอง", "ด้วย", "เลย", "แหละ", "ละ"})
_SPEECH = frozenset({"บอก", "ไลน์", "โทร", "ทัก", "ชวน", "ถาม", "เล่า", "พูด", "ตอบ", "ขอ", "หลอก", "อู้", "ร้องไห้",
                     "โกหก", "แชท", "ขู่", "ด่า", "สัญญา", "อยาก", "คิด", "รู้", "พา", "เอา", "ส่ง", "ว่า", "เรียก",
                     "ช่วย", "รับ", "โอน", "หนี", "มา", "ไป", "เป็น", "อยู่", "ทำงาน"})
_COMPANION = frozenset({"กับ", "หา", "และ", "หรือ", "แล้วก็"})
_EN_NAMING = frozenset({"called", "named", "name", "nickname", "friend", "sister", "brother", "mother", "father",
                        "aunt", "uncle", "cousin", "boyfriend", "girlfriend", "husband", "wife", "boss", "agent",
                        "with", "and", "met", "told", "asked", "by"})
_EN_SPEECH = frozenset({"said", "says", "told", "called", "texted", "asked", "came", "went", "took", "brought",
                        "was", "is", "had", "has", "and", "who", "gave", "sent", "messaged", "knew", "lived"})


def tokenize(text: str) -> list[tuple[int, int, str]]:
    """Tokens of ``text`` as ``(start, end, token)``, spaces included."""
    thai_words = thai_tokenizer()
    out: list[tuple[int, int, str]] = []
    for match in _PIECES.finditer(text):
        piece, start = match.group(0), match.start()
        if "\u0e00" <= piece[0] <= "\u0e7f" and len(piece) > 1:
            for word in thai_words(piece):
                out.append((start, start + len(word), word))
                start += len(word)
        else:
            out.append((start, match.end(), piece))
    return out


def _freq_bin(count: int | None) -> str:
    if count is None:
        return "none"
    return str(min(5, int(math.log10(count + 1))))


@cache
def _provinces() -> frozenset[str]:
    from pythainlp.corpus import provinces

    names: set[str] = set()
    rows: list[dict[str, str]] = provinces(details=True)  # type: ignore[assignment]
    for row in rows:
        names.update(str(row.get(k, "")) for k in ("name_th", "name_en"))
        names.update(str(row.get("name_en", "")).split())
    return frozenset(n.casefold() for n in names if n)


# Months, weekdays and peoples: words a model may take for names, never identifiers on their own.
_NEVER_WORDS = """
มกรา มกราคม กุมภา กุมภาพันธ์ มีนา มีนาคม เมษา เมษายน พฤษภา พฤษภาคม มิถุนา มิถุนายน กรกฎา กรกฎาคม สิงหา สิงหาคม
กันยา กันยายน ตุลา ตุลาคม พฤศจิกา พฤศจิกายน ธันวา ธันวาคม จันทร์ อังคาร พุธ พฤหัส พฤหัสบดี ศุกร์ เสาร์ อาทิตย์
ลาหู่ มูเซอ อาข่า อาค่า อีก้อ กะเหรี่ยง ปกาเกอะญอ ม้ง แม้ว เมี่ยน เย้า ลีซู ลีซอ ไทใหญ่ ไทลื้อ ลัวะ ปะหล่อง ดาราอั้ง
พม่า ลาว จีน มอญ เขมร ไทย ฝรั่ง เมียนมา กัมพูชา มาเลย์ มาเลเซีย สิงคโปร์ ญี่ปุ่น เกาหลี ไต้หวัน
akha lahu karen hmong shan lisu lisaw mien yao lua palaung burmese myanmar lao laos thai cambodian chinese
monday tuesday wednesday thursday friday saturday sunday everyone everybody nobody someone somebody anyone
ไลน์ ไอดี เฟซ เฟส เฟซบุ๊ก เฟซบุ๊ค เฟสบุ๊ก เฟสบุ๊ค ติ๊กต็อก ติ๊กต๊อก ติ๊ก ไอจี อินสตาแกรม อีเมล อีเมล์ เพจ แอด ยูทูบ ทวิตเตอร์
วอทส์แอป วีแชท เมสเซนเจอร์ เทเลแกรม แชท
line facebook fb tiktok insta instagram ig email e-mail wechat whatsapp messenger telegram youtube twitter
"""
_NEVER = frozenset(_NEVER_WORDS.split())
_CONTRACTION = re.compile(r"['’](?:s|t|ll|re|ve|d|m)$", re.IGNORECASE)


@lru_cache(maxsize=200_000)
def _word_class(token: str) -> tuple[str, ...]:
    """Features of a token that say what kind of word it is (used for it and for its neighbours).
    Remembered per token: a corpus repeats its words, and the lexicons do not change during a run."""
    return tuple(_word_class_of(token))


def _word_class_of(token: str) -> list[str]:
    if _SPACE.match(token):
        return ["space"]
    if token.isdigit() or all("\u0e50" <= c <= "\u0e59" for c in token):
        return ["digit"]
    if _THAI_CHARS.match(token):
        lex = thai()
        out = ["th"]
        thai_flags = (("title.strong", lex.strong_titles), ("title.medium", lex.medium_titles),
                      ("title.weak", lex.weak_titles), ("naming", lex.naming), ("possessive", lex.possessive),
                      ("boundary", lex.boundary), ("not_a_name", lex.not_a_name), ("particle", _PARTICLES),
                      ("speech", _SPEECH), ("with", _COMPANION))
        out.extend(flag for flag, words in thai_flags if token in words)
        out.append("dict" if token in lex.words else "oov")
        out.extend(flag for flag, words in (("given", lex.given_names), ("family", lex.family_names),
                                            ("nick", lex.nicknames), ("prefix", lex.prefixes)) if token in words)
        if lex.is_fragment(token):
            out.append("fragment")
        out.append("freq=" + _freq_bin(lex.freq.get(token)))
        out.append("len=" + str(min(len(token), 7)))
        return out
    if token[:1].isalpha() and token.isascii():
        en = english()
        low = token.casefold()
        out = ["latin"]
        if token[0].isupper():
            out.append("cap")
        if len(token) > 1 and token.isupper():
            out.append("allcaps")
        titles = {t.casefold().rstrip(".") for t in en.titles}
        english_flags = (("en.common", en.common), ("en.known", en.known), ("en.gazetteer", en.gazetteer),
                         ("en.function", en.function_words), ("en.title", titles), ("en.naming", _EN_NAMING),
                         ("en.speech", _EN_SPEECH))
        out.extend(flag for flag, words in english_flags if low in words)
        if low in _provinces():
            out.append("province")
        if token[0].isupper() and low not in en.known and low not in en.common:
            out.append("cap.unknown")
        return out
    return ["punct", "p=" + token]


@lru_cache(maxsize=200_000)
def _token_features(token: str) -> tuple[str, ...]:
    """The features of a token alone (remembered per token). Every feature of the model has the value 1,
    so a token's features are their names: crfsuite reads a list of names as features of value 1, and a
    list is built and handed over faster than a dict (the filter's share of a statement, see
    ``docs/scale.md``)."""
    feats = ["bias", *_word_class(token)]
    low = token.casefold()
    feats.append("w=" + low)
    if _THAI_CHARS.match(token):
        feats += ["pre1=" + token[:1], "suf1=" + token[-1:], "suf2=" + token[-2:], "pre2=" + token[:2]]
    elif token[:1].isalpha():
        feats.append("suf3=" + low[-3:])
    return tuple(dict.fromkeys(feats))


@lru_cache(maxsize=400_000)
def _context_features(token: str, offset: int) -> tuple[str, ...]:
    """What ``token`` says about the word ``offset`` places away from it (remembered per token and offset)."""
    feats = [f"{offset}:w=" + token.casefold()] if abs(offset) <= 2 else []
    feats += [f"{offset}:{c}" for c in _word_class(token) if not c.startswith(("len=", "p="))]
    return tuple(dict.fromkeys(feats))


_OFFSETS = (-3, -2, -1, 1, 2, 3)
_NONE = {offset: f"{offset}:none" for offset in _OFFSETS}


def features(tokens: list[str], text_before: list[str]) -> list[list[str]]:
    """CRF features for the non-space ``tokens`` of one line, by name (each of value 1); ``text_before[i]``
    is what stands between token ``i - 1`` and token ``i`` (a space or nothing). The parts that depend on
    one token only are remembered (:func:`_token_features`, :func:`_context_features`)."""
    out: list[list[str]] = []
    n = len(tokens)
    lows = [t.casefold() for t in tokens]
    for i, token in enumerate(tokens):
        feats = list(_token_features(token))
        if text_before[i]:
            feats.append("space_before")
        if i + 1 < n and text_before[i + 1]:
            feats.append("space_after")
        if i == 0:
            feats.append("BOS")
        if i == n - 1:
            feats.append("EOS")
        if _word_class(token)[0] == "latin" and (i == 0 or tokens[i - 1] in ".!?\"“:"):
            feats.append("sentence_initial")
        for offset in _OFFSETS:
            j = i + offset
            if 0 <= j < n:
                feats += _context_features(tokens[j], offset)
            else:
                feats.append(_NONE[offset])
        if i > 0:
            feats.append("-1w|w=" + lows[i - 1] + "|" + lows[i])
        if i + 1 < n:
            feats.append("w|+1w=" + lows[i] + "|" + lows[i + 1])
        if i > 1:
            feats.append("-2w|-1w=" + lows[i - 2] + "|" + lows[i - 1])
        out.append(feats)
    return out


def line_items(text: str) -> tuple[list[tuple[int, int, str]], list[list[str]]]:
    """The non-space tokens of a line with their offsets, and their features."""
    kept: list[tuple[int, int, str]] = []
    before: list[str] = []
    gap = ""
    for start, end, token in tokenize(text):
        if _SPACE.match(token):
            gap += token
            continue
        kept.append((start, end, token))
        before.append(gap)
        gap = ""
    return kept, features([t for _, _, t in kept], before)


@cache
def _tagger() -> Any:
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    with resources.as_file(resources.files("fivep").joinpath(f"{DATA}/{MODEL}")) as path:
        tagger.open(str(path))
    return tagger


def name_probabilities(text: str, tagger: Any = None) -> list[tuple[int, int, str, float]]:
    """Each non-space token of one line with the probability that it belongs to a name (begins or
    continues one: ``B`` or ``I``; for fivep's model, whose third label is ``O``, one minus the
    probability of ``O``: one call a token instead of two)."""
    tokens, feats = line_items(text)
    if not tokens:
        return []
    labels = _labels() if tagger is None else frozenset(tagger.labels())
    tagger = tagger or _tagger()
    tagger.set(feats)
    marginal = tagger.marginal
    if labels == {"B", "I", "O"}:
        return [(start, end, token, 1.0 - marginal("O", t)) for t, (start, end, token) in enumerate(tokens)]
    named = [label for label in ("B", "I") if label in labels]
    return [(start, end, token, sum(marginal(label, t) for label in named)) for t, (start, end, token) in enumerate(tokens)]


@cache
def _labels() -> frozenset[str]:
    return frozenset(_tagger().labels())


@cache
def _never_pattern() -> re.Pattern[str]:
    thai_words = sorted((w for w in _NEVER if _THAI_CHARS.match(w)), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in thai_words))


def _not_a_name(token: str) -> bool:
    if not any(c.isalpha() for c in token) or token.casefold() in _NEVER or len(token) == 1:
        return True
    if _THAI_ABBREVIATION.match(token):
        return True  # ด.ญ., พ.ต.ท., ศปคม., ม.
    if _THAI_CHARS.match(token):
        lex = thai()
        return (token in lex.titles or token in lex.boundary or token in lex.not_a_name or token in lex.naming
                or token in lex.extra_words   # words fivep adds to the dictionary: districts, ranks, food
                or token in lex.possessive or token.casefold() in _provinces() or lex.is_common(token, 20000))
    low = token.casefold()
    en = english()
    if len(token) > 1 and token.isupper() or _CONTRACTION.search(token):
        return True  # GOV, CM, POCHT: codes and agencies; "I'll", "She's"
    return (low in en.gazetteer or low in en.function_words or low in _provinces() or not token[0].isupper()
            or low in {t.casefold().rstrip(".") for t in en.titles})


def _spans(text: str, base: int, scored: list[tuple[int, int, str, float]], threshold: float) -> Iterator[Span]:
    """Runs of flagged tokens (joined across spaces), trimmed of words that are never names."""
    run: list[tuple[int, int, str, float]] = []
    # a word that is never a name, even when the segmenter cut it ("ติ๊ก|ต็อก")
    starts, ends = {a for a, _, _, _ in scored}, {b for _, b, _, _ in scored}
    masked = [m.span() for m in _never_pattern().finditer(text) if m.start() in starts and m.end() in ends]
    scored = [(a, b, t, 0.0 if any(x < b and a < y for x, y in masked) else p) for a, b, t, p in scored]

    def close() -> Span | None:
        while run and _not_a_name(run[0][2]):
            run.pop(0)
        while run and _not_a_name(run[-1][2]):
            run.pop()
        if not run:
            return None
        kept = list(run)
        # a name's context or form must make it one (fivep.privacy.vocabulary); failing that, the run
        # without its doubtful edges ("หมี่ยุ้ย|บอ" where newmm cut "บอก|ว่า" wrongly) is tried
        while kept and not plausible_name(text, kept[0][0], kept[-1][1], [t for _, _, t, _ in kept],
                                          max(p for _, _, _, p in kept)):
            doubtful = [i for i in (0, len(kept) - 1) if kept[i][3] < SURE]
            if len(kept) == 1 or not doubtful:
                return None
            kept.pop(doubtful[-1])
        if not kept:
            return None
        start, end = kept[0][0], kept[-1][1]
        opening = not text[:start].strip(" \"“'‘(") or re.search(r"[.!?:]\W*$", text[:start]) is not None
        if opening and len(kept) == 1 and kept[0][2].isascii() and kept[0][2].casefold() in english().common \
                and kept[0][3] < SURE:
            return None  # "Call me at ...", "Budget is ...": a common word opening a sentence
        return Span(start + base, end + base, "PERSON", text[start:end], RULE)

    for item in scored:
        start = item[0]
        gap = run and text[run[-1][1] : start]
        # across a space only between tokens it is fairly sure of ("ปาง แซ่ท้าว", not "พลอย เอ้ย แพรว")
        joins = not gap or not gap.strip() and min(run[-1][3], item[3]) >= SURE
        if item[3] >= threshold and joins:
            run.append(item)
            continue
        span = close()
        if span:
            yield span
        run = [item] if item[3] >= threshold else []
    span = close()
    if span:
        yield span


def find_learned_names(text: str, *, threshold: float | None = None, tagger: Any = None) -> Iterator[Span]:
    """Names the CRF finds in ``text``, line by line (see the module docstring)."""
    position = 0
    for line in text.split("\n"):
        if line.strip() and any(c.isalpha() for c in line):
            scored = name_probabilities(line, tagger)
            yield from _spans(line, position, scored, THRESHOLD if threshold is None else threshold)
        position += len(line) + 1
