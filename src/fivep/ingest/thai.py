"""Thai text repair and normalisation.

All offsets fivep stores index the text *after* :func:`normalize_text`, so normalisation happens
once, when a document is read, and never afterwards.
"""

from __future__ import annotations

import re
import unicodedata

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")

# Thai characters that can never begin a word: above/below vowels, tone marks, sara am, sara aa...
_NON_INITIAL = "\u0e30\u0e31\u0e32\u0e33\u0e34-\u0e3a\u0e45\u0e47-\u0e4e"
# Leading vowels that can never end a word.
_LEADING_VOWELS = "\u0e40-\u0e44"
_RE_SPACE_BEFORE_NON_INITIAL = re.compile(f"(?<=[\u0e01-\u0e4e])[ \u00a0]+(?=[{_NON_INITIAL}])")
_RE_SPACE_AFTER_LEADING = re.compile(f"(?<=[{_LEADING_VOWELS}])[ \u00a0]+(?=[\u0e01-\u0e2e])")
_RE_INLINE_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
# Invisible characters: zero-width spaces and joiners, BOM, soft hyphen, and the direction marks and
# overrides (U+200E/F, U+202A-E, U+2066-9, U+061C) that reorder what is shown without being seen.
_RE_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")

# Legacy Thai fonts (and the PDFs made with them) put shifted marks in the Private Use Area.
_PUA = {
    "\uf700": "\u0e10", "\uf701": "\u0e34", "\uf702": "\u0e35", "\uf703": "\u0e36", "\uf704": "\u0e37",
    "\uf705": "\u0e48", "\uf706": "\u0e49", "\uf707": "\u0e4a", "\uf708": "\u0e4b", "\uf709": "\u0e4c",
    "\uf70a": "\u0e48", "\uf70b": "\u0e49", "\uf70c": "\u0e4a", "\uf70d": "\u0e4b", "\uf70e": "\u0e4c",
    "\uf70f": "\u0e0d", "\uf710": "\u0e31", "\uf711": "\u0e4d", "\uf712": "\u0e47", "\uf713": "\u0e48",
    "\uf714": "\u0e49", "\uf715": "\u0e4a", "\uf716": "\u0e4b", "\uf717": "\u0e4c", "\uf718": "\u0e38",
    "\uf719": "\u0e39", "\uf71a": "\u0e3a",
}
_PUA_TABLE = str.maketrans(_PUA)


def thai_to_arabic_digits(text: str) -> str:
    """``"๑๖ ปี"`` -> ``"16 ปี"``."""
    return text.translate(_TO_ARABIC)


def invisible_characters(text: str) -> list[str]:
    """The invisible characters in ``text`` as ``U+XXXX`` names (for messages)."""
    return [f"U+{ord(c):04X}" for c in _RE_ZERO_WIDTH.findall(text)]


def normalize_id(value: str) -> str:
    """An id, code or speaker label as it is compared: NFC, without invisible characters, trimmed."""
    return _RE_ZERO_WIDTH.sub("", unicodedata.normalize("NFC", value)).strip()


def thai_share(text: str) -> float:
    """Share of letters in ``text`` that are Thai (0.0 when there are no letters)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum("\u0e00" <= c <= "\u0e7f" for c in letters) / len(letters)


def repair_extracted_thai(text: str) -> str:
    """Undo what PDF text extraction does to Thai.

    - Private Use Area glyph variants of tone marks and vowels become the real characters;
    - nikhahit + sara aa (``ํ`` + ``า``) becomes sara am ``ำ``;
    - spaces inserted before a character that cannot start a Thai word, or after a leading vowel
      (which cannot end one), are removed.
    """
    text = text.translate(_PUA_TABLE)
    text = text.replace("\u0e4d\u0e32", "\u0e33")
    # a tone mark extracted before nikhahit: "่ํา" -> "่ำ"
    text = re.sub("([\u0e48-\u0e4b])\u0e4d\u0e32", "\\1\u0e33", text)
    text = _RE_SPACE_BEFORE_NON_INITIAL.sub("", text)
    text = _RE_SPACE_AFTER_LEADING.sub("", text)
    return text


def normalize_text(text: str, *, extracted: bool = False) -> str:
    """Normalise a document's text once, before any offset is taken.

    Line endings become ``\\n``; Unicode NFC; zero-width characters, direction marks and soft hyphens removed;
    runs of spaces and tabs inside a line become one space and lines lose trailing spaces; Thai
    tone marks and vowels are reordered and de-duplicated with PyThaiNLP. With ``extracted=True``
    the damage of PDF extraction is repaired first (:func:`repair_extracted_thai`). Thai digits are
    kept: quotes show what was said.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    text = _RE_ZERO_WIDTH.sub("", text)
    if extracted:
        text = repair_extracted_thai(text)
    if any("\u0e00" <= c <= "\u0e7f" for c in text):
        from pythainlp.util import remove_repeat_vowels, remove_spaces_before_marks, reorder_vowels

        text = reorder_vowels(text)
        text = remove_repeat_vowels(text)
        text = remove_spaces_before_marks(text)
    lines = [_RE_INLINE_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines)
