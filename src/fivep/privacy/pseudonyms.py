"""Consistent pseudonyms: the same person, number or place gets the same replacement everywhere.

Two styles:

``tags``
    ``[ชื่อ-1]`` / ``[NAME-1]``, ``[เบอร์โทร-2]`` / ``[PHONE-2]`` ... numbered per type in order of first
    appearance; the label follows the language around the identifier, the number does not.
``names``
    Realistic replacement names drawn from PyThaiNLP's name lists (female or male when a title says
    so: ``ด.ญ.``, ``นาย``, ``Ms`` ...), romanised for English text. Other identifiers still get tags:
    an invented phone number or address could be somebody's real one.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from fivep.privacy.patterns import ascii_digits
from fivep.privacy.spans import Span

STYLES = ("tags", "names")

LABELS: dict[str, dict[str, str]] = {
    "th": {"PERSON": "ชื่อ", "PHONE": "เบอร์โทร", "ID_NUMBER": "เลขบัตร", "EMAIL": "อีเมล", "LINE_ID": "ไลน์",
           "SOCIAL": "โซเชียล", "URL": "ลิงก์", "ADDRESS": "ที่อยู่", "DATE_OF_BIRTH": "วันเกิด",
           "PLATE": "ทะเบียนรถ", "BANK_ACCOUNT": "บัญชี", "CASE_NUMBER": "เลขคดี"},
    "en": {"PERSON": "NAME", "PHONE": "PHONE", "ID_NUMBER": "ID", "EMAIL": "EMAIL", "LINE_ID": "LINE",
           "SOCIAL": "SOCIAL", "URL": "URL", "ADDRESS": "ADDRESS", "DATE_OF_BIRTH": "DOB",
           "PLATE": "PLATE", "BANK_ACCOUNT": "ACCOUNT", "CASE_NUMBER": "CASE"},
}

_FEMALE_TITLES = re.compile(r"(?:นางสาว|น\.ส\.|นาง|ด\.ญ\.|เด็กหญิง|แม่|ยาย|ป้า|เอื้อย|Ms\.?|Mrs\.?|Miss|Auntie|Aunty|"
                            r"Grandma|Nang)\s?$")
_MALE_TITLES = re.compile(r"(?:นาย|ด\.ช\.|เด็กชาย|พ่อ|ตา|ลุง|อ้าย|Mr\.?|Uncle|Grandpa)\s?$")
_THAI = re.compile("[\u0e00-\u0e7f]")


def entity_key(span: Span) -> tuple[str, str]:
    """What makes two detections the same identifier: ``(type, normalised text)``."""
    text = unicodedata.normalize("NFC", span.text).casefold()
    if span.type in ("PHONE", "ID_NUMBER"):
        digits = ascii_digits(text)
        if span.type == "PHONE" and digits.startswith("66") and len(digits) in (10, 11):
            digits = "0" + digits[2:]
        return span.type, digits
    text = re.sub(r"[\s,.\-_'’\"“”]+", "", text.translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")))
    if span.type in ("LINE_ID", "SOCIAL"):
        text = text.lstrip("@")
    return span.type, text


def gender_hint(before: str) -> str | None:
    """``"female"``, ``"male"`` or None from the title just before a name."""
    if _FEMALE_TITLES.search(before):
        return "female"
    if _MALE_TITLES.search(before):
        return "male"
    return None


@dataclass(frozen=True)
class KeyEntry:
    """One line of the key file: an original identifier and its pseudonym."""

    type: str
    original: str
    pseudonym: str


class Pseudonymizer:
    """Hands out pseudonyms, the same one for the same identifier.

    Parameters
    ----------
    style:
        ``"tags"`` or ``"names"`` (see the module docstring).
    seed:
        Makes ``names`` choices reproducible; a different seed gives different names.
    """

    def __init__(self, style: str = "tags", *, seed: int = 0) -> None:
        if style not in STYLES:
            raise ValueError(f"unknown pseudonym style {style!r}; use one of {', '.join(STYLES)}")
        self.style = style
        self.seed = seed
        self._numbers: dict[tuple[str, str], int] = {}
        self._counts: dict[str, int] = {}
        self._names: dict[tuple[str, str], tuple[str, str]] = {}
        self._used: set[str] = set()
        self._originals: dict[tuple[str, str], str] = {}
        self._given: dict[tuple[str, str, str], str] = {}

    def number(self, span: Span) -> int:
        key = entity_key(span)
        if key not in self._numbers:
            self._counts[span.type] = self._counts.get(span.type, 0) + 1
            self._numbers[key] = self._counts[span.type]
            self._originals[key] = span.text
        return self._numbers[key]

    def tag(self, span: Span, lang: str) -> str:
        return f"[{LABELS['th' if lang == 'th' else 'en'][span.type]}-{self.number(span)}]"

    def pseudonym(self, span: Span, *, lang: str | None = None, before: str = "") -> str:
        """The replacement for ``span``; ``before`` is the text just before it (for a title's gender)."""
        if lang is None:
            lang = "th" if _THAI.search(before[-30:] + span.text) else "en"
        if self.style == "names" and span.type == "PERSON":
            self.number(span)
            replacement = self._name_for(span, gender_hint(before))
            self._given[(span.type, entity_key(span)[1], lang)] = replacement
            return replacement
        replacement = self.tag(span, lang)
        self._given[(span.type, entity_key(span)[1], lang)] = replacement
        return replacement

    def entries(self) -> list[KeyEntry]:
        """Every identifier seen so far and the pseudonyms it was given (for the key file)."""
        out = []
        for (type_, key, _lang), pseudonym in sorted(self._given.items(),
                                                     key=lambda kv: (kv[0][0], self._numbers.get(kv[0][:2], 0))):
            out.append(KeyEntry(type_, self._originals.get((type_, key), key), pseudonym))
        return out

    # --- names style --------------------------------------------------------------------------------

    def _name_for(self, span: Span, gender: str | None) -> str:
        from fivep.privacy.lexicon import thai

        key = entity_key(span)
        thai_script = bool(_THAI.search(span.text))
        if key not in self._names:
            lex = thai()
            if gender is None:
                first = span.text.split()[0]
                gender = "male" if first in _male() and first not in _female() else "female"
            pool = _female() if gender == "female" else _male()
            given = self._pick(pool, key, "given")
            family = self._pick(sorted(lex.family_names), key, "family") if " " in span.text.strip() else ""
            self._names[key] = (given, family)
        given, family = self._names[key]
        if thai_script:
            return f"{given} {family}".strip()
        return " ".join(_romanize(part) for part in (given, family) if part)

    def _pick(self, pool: list[str], key: tuple[str, str], what: str) -> str:
        digest = hashlib.sha256(f"{self.seed}|{what}|{key[0]}|{key[1]}".encode()).digest()
        index = int.from_bytes(digest[:8], "big") % len(pool)
        for step in range(len(pool)):
            candidate = pool[(index + step) % len(pool)]
            if candidate not in self._used:
                self._used.add(candidate)
                return candidate
        return pool[index]


def _female() -> list[str]:
    from pythainlp.corpus import thai_female_names

    return sorted(n for n in thai_female_names() if 2 <= len(n) <= 8)


def _male() -> list[str]:
    from pythainlp.corpus import thai_male_names

    return sorted(n for n in thai_male_names() if 2 <= len(n) <= 8)


def _romanize(name: str) -> str:
    from pythainlp.transliterate import romanize

    return str(romanize(name, engine="royin")).capitalize()
