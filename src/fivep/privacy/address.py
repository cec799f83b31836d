"""Addresses below province level, in Thai and English.

An address is a chain of parts that may stand alone or follow each other: a house number
(``บ้านเลขที่ 45``, ``88/2``), a village (``บ้านห้วยน้ำริน``, ``Ban Pa Sak``), a village number
(``หมู่ 3``, ``ม.3``, ``Moo 11``), a sub-district (``ต.ป่าตึงงาม``, ``Tambon Thoet Thai``), a district
(``อ.เมือง``, ``Mae Sai district``), a road or lane (``ถนนพหลโยธิน ซอย 5``, ``Soi 7``,
``Chang Klan Road``). Parts next to each other become one span. Provinces are not identifiers
and end a chain (``... อ.เมือง จ.เชียงราย`` stops before ``จ.``). A district is a place below province level,
which the shared outputs promise to remove, so a district named with its marker (``อำเภอแม่สาย``,
``Mae Chan District``) is an address part even alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from fivep.privacy.spans import Span

_D = "[0-9๐-๙]"
_THAI_RUN = re.compile("[\u0e01-\u0e4e]+")

# Thai parts whose name is checked with the word list.
# "ร.ต.อ.", "พ.ต.ท.": a letter and a dot before ต. / อ. make a police or army rank, not an address;
# "ปลัดอำเภอ", "นายอำเภอ" and "ผอ." (a director) are officials.
_TH_NAMED = re.compile(r"(?P<kind>บ้าน(?!เลขที่)|ตำบล|(?<![ก-ฮ]\.)ต\.(?!\s?ค\.)|(?<!ปลัด)(?<!นาย)อำเภอ|(?<![ก-ฮ]\.)(?<!ผ)อ\."
                       r"|ถนน|ถ\.|(?<!ข้าว)ซอย|ซ\.|แขวง)"
                       r"(?P<space>\s?)")
_TH_NUMBERED = re.compile(
    f"(?:บ้านเลขที่|เลขที่)\\s?{_D}{{1,4}}(?:/{_D}{{1,4}})?|(?:หมู่ที่|หมู่)\\s?{_D}{{1,2}}(?![0-9๐-๙])"
    f"|(?:ซอย|ซ\\.)\\s?{_D}{{1,3}}(?![0-9๐-๙])"
)
# Parts that count only inside a chain: "ม.3" is also a school grade, "45" a number.
_TH_CHAIN_ONLY = re.compile(f"ม\\.\\s?{_D}{{1,2}}(?![0-9๐-๙])|(?<![0-9๐-๙/]){_D}{{1,4}}/{_D}{{1,4}}(?![0-9๐-๙/])")

_TW = r"[A-Z][a-z]+(?:-[A-Za-z][a-z]+)?"
_EN_PARTS = re.compile(
    rf"\bBan\s{_TW}(?:\s{_TW}){{0,3}}"
    rf"|\b(?:Moo|Mu|Muu|Village\sNo\.?)\s?\d{{1,2}}\b"
    rf"|\b(?:Tambon|Tumbon|Amphoe|Amphur|Amphor)\s(?!Administrative|Health|Council|Office|Hospital){_TW}"
    rf"(?:\s{_TW}){{0,3}}"
    rf"|(?:{_TW}\s){{1,3}}(?:[Ss]ub-?district|[Dd]istrict|[Vv]illage)\b"
    rf"|\bSoi\s(?:\d{{1,3}}|{_TW}(?:\s\d{{1,3}})?)"
    rf"|(?:{_TW}\s){{1,3}}(?:Road|Rd\.?|Street|St\.|road|street)(?![A-Za-z])"
)
_EN_CHAIN_ONLY = re.compile(r"(?<![\d/])\d{1,4}/\d{1,4}(?![\d/])")
# Words that end a place name (place names are made of ordinary words: "ป่าตึงงาม", "ดอยงามใหม่").
_PLACE_STOP = frozenset(
    ["ค่ะ", "คะ", "ครับ", "นะ", "นะคะ", "นะครับ", "เจ้า", "เน้อ", "ก่", "ก็", "ที่", "ซึ่ง", "ของ", "ใน", "จาก", "ไป", "มา", "และ", "กับ", "หรือ", "แล้ว", "เลย", "ด้วย", "นี่", "นั้น", "เป็น", "คือ", "มี", "อยู่", "ได้", "ไม่", "บ่", "จะ", "พา", "ตอน", "เมื่อ", "แต่", "ว่า", "ให้", "ถึง", "เขา", "หนู", "ผม", "เรา"])
_GAP = re.compile(r"^[\s,]{0,3}$")


# บ้าน is a village, whatever word follows, where a person comes from or lives ("มาจากบ้านแสนเจริญใหม่",
# "พักอยู่บ้านน้ำลัด"); after หมู่ when one of the next three words is unknown to the dictionary
# ("หมู่บ้านเปียงหลวง", not "คนในหมู่บ้านกลับบ้านกันเยอะ"); elsewhere only before a word places are named with.
_VILLAGE_CONTEXT = re.compile(r"(?:มาจาก|(?:พัก|อาศัย)อยู่(?:ที่)?|ภูมิลำเนา(?:อยู่)?(?:ที่)?)$")


def _thai_name_end(text: str, start: int, kind: str) -> int | None:
    """End of the place name that starts at ``start`` (after a marker), or None if there is none."""
    from fivep.privacy.lexicon import thai, thai_tokenizer

    run = _THAI_RUN.match(text, start)
    if not run:
        return None
    lex = thai()
    tokens = thai_tokenizer()(run.group(0)[:40])
    if not tokens:
        return None
    first = tokens[0]
    if kind == "บ้าน":
        if first in lex.not_village or first in lex.boundary:
            return None
        said_where = _VILLAGE_CONTEXT.search(text, max(0, start - 20), start - len(kind)) is not None
        in_village = text[max(0, start - len(kind) - 4) : start - len(kind)] == "หมู่" and any(
            lex.is_unknown(t) for t in tokens[:3])
        if not (said_where or in_village or any(first.startswith(p) for p in lex.village_prefixes)
                or lex.is_unknown(first)):
            return None
    elif first in lex.boundary:
        return None
    elif kind == "อ." and (first in lex.given_names or first in lex.nicknames) and first not in lex.words:
        return None  # "อ.สุดารัตน์": อ. for อาจารย์ before a given name
    elif kind in ("อำเภอ", "อ.") and _a_district(tokens):
        return start + len(first)   # "อำเภอสอง", "อ.ลอง": a district known by name, that word alone
    elif kind in ("อำเภอ", "ตำบล", "ถนน", "แขวง", "ซอย") and (
            first in lex.generic_place or not (lex.is_unknown(first) or any(first.startswith(p) for p in lex.village_prefixes))):
        return None  # "อำเภอชายแดน" is a kind of district, "ถนนขึ้นไปลำบาก" a road; "อ.เมือง" is one district
    end = start
    for i, token in enumerate(tokens[:6]):
        if i and (token in _PLACE_STOP or token in lex.titles or token.startswith(("จังหวัด", "จ."))):
            break
        end += len(token)
    return end


def _a_district(tokens: list[str]) -> bool:
    """Is the first token a district of the study's provinces (``สอง``, ``ลอง``: words too, so not before a
    classifier: ``อำเภอสองแห่ง`` is two districts)?"""
    from fivep.ingest.vocabulary import northern_districts_th

    return tokens[0] in northern_districts_th() and not (len(tokens) > 1 and tokens[1] in _COUNTED_AFTER)


_COUNTED_AFTER = frozenset({"แห่ง", "อำเภอ", "ที่", "คน", "ครั้ง", "ปี", "เดือน", "วัน", "ราย", "จังหวัด", "ตำบล",
                            "หมู่บ้าน", "อย่าง", "ข้าง", "ฝั่ง", "เท่า", "กลุ่ม"})


def _thai_parts(text: str) -> list[tuple[int, int, bool]]:
    """``(start, end, chain_only)`` for every Thai address part."""
    parts: list[tuple[int, int, bool]] = []
    for match in _TH_NUMBERED.finditer(text):
        parts.append((match.start(), match.end(), False))
    for match in _TH_NAMED.finditer(text):
        kind = match.group("kind")
        if kind == "บ้าน" and match.group("space"):
            continue  # "กลับบ้าน แม่ป่วย": a village name follows บ้าน without a space
        if kind in ("ซอย", "ซ.") and re.match(_D, text[match.end() : match.end() + 1]):
            continue
        end = _thai_name_end(text, match.end(), kind)
        if end is not None and kind in ("ซอย", "ซ.", "ถนน", "ถ."):
            number = re.match(f"\\s?{_D}{{1,3}}(?![0-9๐-๙])", text[end:])
            end += number.end() if number else 0  # "ซ.นิมมาน 9"
            parts.append((match.start(), end, False))
            continue
        if end is not None:
            # "อ." for อาจารย์ and "ซ." are ambiguous alone; a spelled-out marker is not.
            parts.append((match.start(), end, kind in ("ซ.",)))
    for match in _TH_CHAIN_ONLY.finditer(text):
        parts.append((match.start(), match.end(), True))
    return parts


def _english_parts(text: str) -> list[tuple[int, int, bool]]:
    from fivep.privacy.lexicon import english

    lex = english()
    parts: list[tuple[int, int, bool]] = []
    for match in _EN_PARTS.finditer(text):
        start, value = match.start(), match.group(0)
        words = value.split()
        # "In Mae Sai district": drop leading function words; "the Akha village" is no address.
        while words and words[0].casefold() in lex.function_words:
            start += len(words[0]) + 1
            words = words[1:]
        named = [w for w in words if w.casefold() not in ("district", "sub-district", "subdistrict", "village")]
        if not named:
            continue
        if value.endswith(("village", "Village")) and all(w.casefold() in lex.gazetteer for w in named):
            continue
        parts.append((start, match.end(), False))
    for match in _EN_CHAIN_ONLY.finditer(text):
        parts.append((match.start(), match.end(), True))
    return parts


def _chains(text: str, parts: list[tuple[int, int, bool]]) -> Iterator[tuple[int, int]]:
    """Merge parts that touch (or are separated by spaces and commas) into ``(start, end)`` chains."""
    chain: list[tuple[int, int, bool]] = []

    def flush() -> Iterator[tuple[int, int]]:
        if chain and not all(only for _, _, only in chain):
            yield chain[0][0], max(e for _, e, _ in chain)

    for part in sorted(parts):
        end = max((e for _, e, _ in chain), default=-1)
        if chain and (part[0] <= end or _GAP.match(text[end : part[0]])):
            chain.append(part)
            continue
        yield from flush()
        chain = [part]
    yield from flush()


def find_addresses(text: str) -> Iterator[Span]:
    """Addresses below province level (see the module docstring)."""
    parts: list[tuple[int, int, bool]] = []
    if re.search("[\u0e01-\u0e4e]", text):
        parts.extend(_thai_parts(text))
    if re.search("[A-Za-z]", text):
        parts.extend(_english_parts(text))
    for start, end in _chains(text, parts):
        value = text[start:end].rstrip(" ,")
        if value:
            yield Span(start, start + len(value), "ADDRESS", value, "address")
