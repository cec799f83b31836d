"""Does the text before a colon name a speaker?

A transcript line ``LABEL: text`` whose label is neither in the roster, nor mapped, nor an
interviewer label is still a new speaker when the label looks like one: an id (``R07``, ``P-3``),
a speaker word (``Unknown-Speaker``, ``Speaker 2``, ``ผู้ให้ข้อมูล 3``), a title and a name
(``Dr. Somchai``, ``Khun Noi``, ``พี่ปุ๊``, ``คุณสมชาย``) or a personal name (``Somchai``). Ordinary
speech with a colon (``Note: ...``, ``เรื่องแรกคือ: ...``, ``The problem is this: ...``) is not.
The title lists are the privacy module's (``fivep/data/privacy``), so both agree on what a title is.
"""

from __future__ import annotations

import re
from functools import cache

_SPEAKERISH = re.compile(
    r"^(?:[A-Za-z]{1,5}[-_ ]?\d{1,3}"
    r"|(?:ผู้ให้ข้อมูล|ผู้ให้สัมภาษณ์|ผู้เข้าร่วม|ผู้ร่วมสนทนา|respondent|participant|speaker|informant)\s*\S{1,4}"
    r"|น้อง\s?[A-Za-zก-ฮ0-9]{1,2})$",
    re.IGNORECASE,
)
_SPEAKER_WORDS = re.compile(
    r"(?:\b(?:speaker|unknown|unidentified|participant|respondent|informant|interviewee|voice|audience|"
    r"inaudible speaker)\b|ผู้พูด|ไม่ทราบ|ผู้เข้าร่วม|ผู้ร่วมสนทนา|ผู้ให้ข้อมูล|ผู้ให้สัมภาษณ์)",
    re.IGNORECASE,
)
_WORD = re.compile(r"^[A-Z][a-z'’\-]+$")
# Thai words that make the text before a colon a clause ("แม่บอกว่า:"), not a name.
_THAI_CLAUSE = ("ว่า", "คือ", "บอก", "พูด", "ถาม", "ตอบ", "เล่า", "อธิบาย", "สรุป", "ไม่", "จะ", "เป็น")


@cache
def _words() -> tuple[frozenset[str], frozenset[str], tuple[str, ...]]:
    """(English titles, common English words, Thai titles longest first)."""
    from fivep.privacy.lexicon import _read, _toml

    en = _toml("en.toml")["titles"]["strong"]
    common = frozenset(w.casefold() for w in _read("en_common.txt").split())
    th = _toml("th.toml")["titles"]
    thai = sorted({*th["strong"], *th["medium"], *th["weak"]}, key=len, reverse=True)
    return frozenset(t.casefold() for t in en), common, tuple(thai)


def looks_like_speaker(label: str) -> bool:
    """True when ``label`` (the text before a colon at the start of a line) names a speaker."""
    text = label.strip()
    if not text or len(text) > 40:
        return False
    if _SPEAKERISH.match(text) or re.fullmatch(r"[A-Z]", text):
        return True
    if _is_province(text):
        return False
    words = text.split()
    if len(words) <= 4 and _SPEAKER_WORDS.search(text):
        return True
    if any("\u0e00" <= c <= "\u0e7f" for c in text):
        return _thai_name(text)
    return _english_name(words)


def _is_province(text: str) -> bool:
    from fivep.ingest.vocabulary import _key, _provinces

    return _key(text) in _provinces()


def _english_name(words: list[str]) -> bool:
    titles, common, _ = _words()
    if not 1 <= len(words) <= 4:
        return False
    first = words[0].rstrip(".").casefold()
    if first.startswith("p'") and len(first) > 2:
        return True
    rest = words[1:] if first in titles else words
    if first in titles and rest and all(_WORD.match(w.rstrip(".")) for w in rest):
        return True
    if not rest or len(rest) > 3 or not all(_WORD.match(w) for w in rest):
        return False
    return any(w.casefold() not in common for w in rest)


def _thai_name(text: str) -> bool:
    """A Thai title or kinship term as a word of its own, then a name: ``พี่ปุ๊``, ``คุณสมชาย``, ``ดร.วิไล``
    (not ``ตามที่`` or ``ลูกค้า``, where the title is only the start of another word)."""
    from pythainlp.tokenize import word_tokenize

    _, _, titles = _words()
    if len(text) > 25 or len(text.split()) > 3 or any(word in text for word in _THAI_CLAUSE):
        return False
    first = word_tokenize(text, engine="newmm")[0]
    for title in titles:
        if text.startswith(title) and text[len(title):].strip() and (title.endswith(".") or first == title):
            return True
    return False
