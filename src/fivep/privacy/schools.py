"""Names of schools: a child's school names the place a child can be found.

Thai: ``โรงเรียน`` / ``ร.ร.`` / ``รร.`` followed by a name: one that ends like a school's name
(``...วิทยาคม``, ``...วิทยา``, ``...ศึกษา``, ``...อนุสรณ์``), that begins with a village or temple
(``โรงเรียนบ้านห้วยไร่``, ``โรงเรียนวัดป่าแดง``), or whose words no dictionary holds. ``โรงเรียนประจำอำเภอ``,
``โรงเรียนในพื้นที่``, ``ทีมโรงเรียน`` name no school. English: capitalised words before ``School`` or a
romanised ending (``Doi Ngam Wittayakhom School``, ``Ban Huai Rai School``). Found as ``ADDRESS``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from fivep.privacy.spans import Span, make_span

_MARKER = re.compile(r"(?:โรงเรียน|ร\.ร\.\s?|รร\.\s?|วิทยาลัย(?:การอาชีพ|เทคนิค|อาชีวศึกษา|เกษตรและเทคโนโลยี)?)"
                     r"(?=[\u0e01-\u0e4e])")
_THAI_RUN = re.compile("[\u0e01-\u0e4e]+")
_SUFFIXES = ("พิทักษ์", "วิทยาคม", "วิทยา", "พิทยาคม", "พิทยา", "ศึกษา", "อนุสรณ์", "วิทยาลัย", "ราษฎร์", "สามัคคี", "ศึกษาลัย",
             "พัฒนา", "ประชาสรรค์", "บำรุง", "นุกูล", "วิทย์", "คาร์แมล", "เทคนิค")
_NAMED_START = ("บ้าน", "วัด", "ดอย", "ห้วย", "แม่", "ป่า", "นา", "ทุ่ง", "ม่อน", "ผา", "เวียง")
# a municipality's or a district's school takes its place's name: "โรงเรียนเทศบาลสันทรายหลวง", "โรงเรียนอนุบาลฝาง"
_PLACED = ("เทศบาล", "อนุบาล")
_GENERIC = frozenset({
    "ประจำ", "ของ", "ที่", "ใน", "เอกชน", "รัฐ", "รัฐบาล", "ชายแดน", "ตชด", "นานาชาติ", "ประถม", "มัธยม", "สอน", "เลย",
    "ก็", "แล้ว", "ไป", "มา", "ใกล้", "แถว", "เดิม", "ใหม่", "เก่า", "กศน", "ทุก", "หลาย", "นี้", "นั้น", "เขา", "หนู",
    "ผม", "เรา", "ก่อน", "ให้", "ได้", "ไม่", "บ่", "จะ", "ต้อง", "และ", "กับ", "หรือ", "ด้วย", "ค่ะ", "ครับ", "นะ",
    "ประจำอำเภอ", "ประจำจังหวัด", "ในเมือง", "บนดอย", "ประถมศึกษา", "มัธยมศึกษา", "ขยายโอกาส", "เอง", "ซึ่ง",
    "อีก", "ต่าง", "แห่ง", "ทั้ง", "อยู่", "เป็น", "มี", "เรื่อง", "ช่วย", "ส่ง", "หา", "ดู", "สั่ง", "หัก", "ไหน",
})
_EN = re.compile(
    r"(?:\b(?:[A-Z][a-z]+\s){1,4}(?:School|College|Wittaya\w*|Witthaya\w*|Wittayakhom|Suksa)\b)"
    r"|(?:\bschool (?:called|named) (?:[A-Z][a-z]+\s?){1,4})"
)
_EN_GENERIC = frozenset({"the", "a", "my", "her", "his", "their", "our", "primary", "secondary", "high", "middle",
                         "public", "private", "border", "boarding", "local", "government", "village", "district",
                         "provincial", "night", "sunday", "international", "new", "old", "same", "thai", "that",
                         "vocational", "technical", "community", "teachers", "nursing", "police"})


def _thai_school(text: str, start: int) -> int | None:
    """End of the school name that begins at ``start`` (just after the marker), or None."""
    from fivep.privacy.lexicon import thai, thai_tokenizer

    run = _THAI_RUN.match(text, start)
    if not run:
        return None
    lex = thai()
    tokens = thai_tokenizer()(run.group(0)[:40])
    if not tokens or tokens[0] in _GENERIC:
        return None
    kept: list[str] = []
    for token in tokens:
        if token in _GENERIC and kept:
            break
        kept.append(token)
        if "".join(kept).endswith(_SUFFIXES):
            break
    name = "".join(kept)
    unknown = all(t not in lex.words for t in kept)
    placed = name.startswith(_PLACED) and len(name) > len(next(p for p in _PLACED if name.startswith(p))) + 1
    if len(name) < 3 or not (name.endswith(_SUFFIXES) or name.startswith(_NAMED_START) or unknown or placed):
        return None
    return start + len(name)


def find_schools(text: str) -> Iterator[Span]:
    """School names in Thai and English (see the module docstring)."""
    for match in _MARKER.finditer(text):
        end = _thai_school(text, match.end())
        if end is not None:
            span = make_span(text, match.start(), end, "ADDRESS", "school")
            if span:
                yield span
    for match in _EN.finditer(text):
        words = match.group(0).split()
        first = next((i for i, w in enumerate(words) if w.casefold() not in _EN_GENERIC), len(words))
        named = [w for w in words[first:] if w.casefold() not in ("school", "called", "named")]
        if not named:
            continue
        offset = match.group(0).find(words[first])
        span = make_span(text, match.start() + offset, match.end(), "ADDRESS", "school")
        if span:
            yield span
