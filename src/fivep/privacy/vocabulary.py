"""What is not a name: the study's own vocabulary, and the test a learned name must pass.

A word is a name because of its context and its form, not because a word list lacks it. The learned
labeller (:mod:`fivep.privacy.learned`) flags tokens generously; :func:`plausible_name` keeps a
flagged run only when

- it stands on word boundaries of the plain dictionary (PyThaiNLP's word list, fivep's domain
  dictionary and the codebook's keywords, no names): nothing is cut out of the inside of a Thai word
  (``ภาคประชาสังคม`` holds no ``ประชา``, ``ศปคม.`` no ``ศปค``);
- it is no word of the field: agencies and their abbreviations, role titles, legal terms, codebook
  keywords, school grades (``ม.4``, ``Mor 4``), Northern Thai words;
- and the context or the form makes it a name: a title, kinship term or naming word before it
  (``เจ๊``, ``ชื่อ``), a person's verb after it (``ฟ้าโทรมา``, ``โบว์ก็เลยวิ่ง``) or before it
  (``ไปบอกโบว์ว่า``), or a form no dictionary knows (``นอว์ดาเอ``, ``Jaeu``) that the labeller is
  fairly sure of. An everyday word (``นาน``, ``ประสาน``, ``Interpreters``) without such a context stays.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache

from fivep.privacy.lexicon import english, thai

# Roles and titles of office: never a name on their own (the name follows them).
_ROLES = """
นิติกร ฝ่ายปกครอง ศูนย์ดำรงธรรม ดำรงธรรม แดร์ ร้อยเวร ชุดปฏิบัติการ อส. อปพร. ทหารพราน ตชด. ผู้ญิง หญิง ชาย
ผู้ว่าฯ ผู้ว่า ผู้ว่าราชการ นายอำเภอ ปลัด ปลัดอำเภอ กำนัน ผู้ใหญ่บ้าน ประธาน รองประธาน เลขา เลขานุการ ผู้อำนวยการ ผอ.
อัยการ ผู้พิพากษา ทนาย ทนายความ ล่าม อาสา อาสาสมัคร นักสังคมสงเคราะห์ นักจิตวิทยา พยาบาล หมอ ครู ตำรวจ พนักงานสอบสวน
สารวัตร ผู้กำกับ ผกก. สว. รอง ผู้ช่วย เจ้าหน้าที่ แม่บ้าน ยาม คนขับ เจ้าของร้าน นายจ้าง ลูกจ้าง นายหน้า ผู้เสียหาย พยาน
จำเลย ผู้ต้องหา เด็ก เยาวชน ผู้ใหญ่ ผู้เฒ่าผู้แก่ ผู้นำ ผู้นำชุมชน สหวิชาชีพ ทีม ภาครัฐ ภาคประชาสังคม เอกชน
"""
@cache
def roles() -> tuple[str, ...]:
    """Thai words for people's roles and occupations (what a bracket after a name says: "(นักสังคมสงเคราะห์)")."""
    return tuple(sorted(set(_ROLES.split()) - {"หญิง", "ชาย", "ผู้ญิง", "ทีม", "ภาครัฐ", "ภาคประชาสังคม", "เอกชน",
                                              "สหวิชาชีพ", "ดำรงธรรม", "ศูนย์ดำรงธรรม", "ฝ่ายปกครอง"},
                         key=len, reverse=True))


# After พี่ / น้อง / ครู: a quantity or a kind of person, not a name ("น้องบางคน", "พี่คนเดียว", "น้องต่างชาติ").
_NOT_AFTER_KIN = re.compile(r"^(?:คน|บาง|ทุก|หลาย|อีก|ต่าง|ที่|ซึ่ง|ของ|แต่ละ)|คน(?:นี้|นั้น|โน้น|อื่น|เดียว)?$")
SURE = 0.3
_GRADE = re.compile(r"^(?:[มป]\.?\s?[1-6]|ม\.ต้น|ม\.ปลาย|ปวช\.?|ปวส\.?)$")
_EN_GRADE = re.compile(r"\b(?:Mor|Mo|Por|Matthayom|Prathom|Grade|Year|Form|M|P)\.?\s?[1-6]\b")
_THAI = re.compile("[\u0e01-\u0e4e]")


@cache
def codebook_words() -> tuple[frozenset[str], frozenset[str]]:
    """Thai and English keywords (and labels) of the built-in codebook, as words of the field."""
    try:
        from fivep.coding.codebook import load_codebook

        book = load_codebook("5p")
    except Exception:  # noqa: BLE001 - a broken codebook must not stop de-identification
        return frozenset(), frozenset()
    thai_words: set[str] = set()
    english_words: set[str] = set()
    for code in book.codes:
        for keyword in (*code.keywords_th, code.label_th):
            thai_words.update(w for w in keyword.split() if _THAI.search(w))
        for keyword in (*code.keywords_en, code.label_en):
            english_words.update(w.casefold() for w in re.findall(r"[A-Za-z]+", keyword) if len(w) > 3)
    return frozenset(thai_words), frozenset(english_words)


@cache
def field_words() -> frozenset[str]:
    """Thai words of the field that are never a name by themselves."""
    from fivep.coding.nlp import domain_words

    lex = thai()
    northern = _northern()
    return frozenset(_ROLES.split()) | frozenset(domain_words()) | codebook_words()[0] | northern | lex.titles


@cache
def _northern() -> frozenset[str]:
    from fivep.privacy.lexicon import _toml

    return frozenset(_toml("th.toml")["words"]["northern"])


@cache
def plain_words() -> frozenset[str]:
    """The dictionary without names: PyThaiNLP's word list and the field's words."""
    return thai().words | field_words()


@cache
def _plain_tokenizer() -> Callable[[str], list[str]]:
    """newmm's tokens over the dictionary without names (computed as the filter's other tokenizer is)."""
    from fivep.privacy.lexicon import newmm_tokenizer

    return newmm_tokenizer(frozenset(plain_words()))


def on_word_boundaries(text: str, start: int, end: int) -> bool:
    """Whether the plain dictionary cuts ``text`` at ``start`` and at ``end`` (a learned name must not
    begin or end inside a word)."""
    cuts = _cuts(text)
    return start in cuts and end in cuts


@lru_cache(maxsize=256)
def _cuts(text: str) -> frozenset[int]:
    cuts, position = {0}, 0
    for word in _plain_tokenizer()(text):
        position += len(word)
        cuts.add(position)
    return frozenset(cuts)


# A person's verbs, after a name that is their subject: "ฟ้าโทรมา", "โบว์ก็เลยวิ่งหนี", "นกเล่าว่า".
_PERSON_AFTER = re.compile(
    r"^\s?(?:เขา|เค้า|เอง|นี่|น่ะ|เนี่ย)?\s?(?:ก็|ก็เลย|เลย|จึง|ยัง|ไม่|บ่|เคย|จะ|ได้|กำลัง)?\s?(?:มา|ไป)?"
    r"(?:(?<=ก็)|(?<=ไม่มา)|(?<=ไม่ไป)|(?<=บ่มา)|"
    r"(?:บอก|โทร|เล่า|พูด|ถาม|ตอบ|ชวน|พา|ทัก|ไลน์|แชท|ส่ง|ร้องไห้|หนี|วิ่ง|เดิน|กลับ|ขอ|เอา|ซื้อ|ขาย|อู้|ขู่|ด่า|"
    r"หลอก|โกหก|ยืม|จ่าย|โอน|รับ|เจอ|ขาด|อายุ|เกิด|เป็นคน|เป็นเพื่อน|เป็นพี่|เป็นน้อง|เป็นลูก|เป็นแม่|เป็นพ่อ|เป็นผู้|"
    r"เป็นล่าม|เป็นเด็ก|เป็นม้ง|เป็นกะเหรี่ยง|เป็นลาหู่|เป็นอาข่า|เป็นไทใหญ่|เป็นคนจีน|เป็นพยาน|ทำงาน|อยู่กับ|อยู่ห้อง|"
    r"ถือ|ขี่|ขับ|ฟัง|ร้อง|ตาย|หาย|ท้อง|คลอด|แต่งงาน|เรียน|ติด|โดน|ถูก|ว่า|ซึ่ง|ที่ว่า|ชื่อ|เป็นชื่อ|นามสกุล|กับ|และ|สามคน|สองคน|"
    r"ผู้ช่วย|ผู้ใหญ่บ้าน|กำนัน|ล่าม|อาสาสมัคร|เจ้าของ|แม่เล้า|นายหน้า))"
)
# Before a name that is their object or companion: "ไปบอกโบว์ว่า", "ให้แป้งถือ", "อู้กับเหมียว".
_PERSON_BEFORE = frozenset({
    "บอก", "ให้", "ถาม", "ชวน", "พา", "เรียก", "หา", "กับ", "และ", "คือ", "ชื่อ", "ว่า", "ทัก", "โทรหา", "ไลน์หา",
    "ช่วย", "เจอ", "ส่ง", "ขอ", "จ้าง", "ตาม", "ตามตัว", "รู้จัก", "อู้กับ", "คุยกับ", "อยู่กับ", "ทั้ง", "มี", "ใช้",
    "ไปหา", "มาหา", "แล้วก็", "หรือ", "ส่วน", "แต่", "เพราะ",
}) - {"ขอ", "มี"}
# Where a clause (and its subject) begins.
_CLAUSE_BEFORE = frozenset({"", "แล้ว", "พอ", "คือ", "ว่า", "แต่", "ส่วน", "ทีนี้", "และ", "ก็เลย", "ตอนนั้น", "ตอนหลัง",
                            "ต่อมา", "สุดท้าย", "เพราะ", "ซึ่ง", "เลย", "ค่ะ", "ครับ", "นะ", "คะ", "จ้ะ", "เจ้า", "แล้วก็",
                            "ถ้า", "ถ้าเกิด", "จน", "ทั้งที่", "หรือ", "กับ"})
_PERSON_BEFORE_ENDS = ("ว่า", "ชื่อ", "กับ", "หา", "บอก")


def _previous_word(text: str, start: int) -> str:
    from fivep.privacy.lexicon import thai_tokenizer

    before = text[max(0, start - 24) : start].rstrip()
    words = [w for w in thai_tokenizer()(before) if w.strip()] if before else []
    return words[-1] if words else ""


def plausible_name(text: str, start: int, end: int, tokens: list[str], probability: float) -> bool:
    """Whether a run the learned labeller flagged, ``text[start:end]`` (``tokens``; the highest name
    probability among them ``probability``), is a name by its context and form (see the module)."""
    return bool(why_a_name(text, start, end, tokens, probability))


def why_a_name(text: str, start: int, end: int, tokens: list[str], probability: float) -> str:
    """What makes ``text[start:end]`` a name (``"cue"``, ``"form"``, ``"list"``, ``"subject"``...), or
    ``""`` when nothing does (see :func:`plausible_name`)."""
    if all(t.isascii() for t in tokens):
        return "latin" if _plausible_latin(text, start, tokens, probability) else ""
    lex = thai()
    span = text[start:end]
    words = [t for t in tokens if _THAI.search(t)]
    if not words or not on_word_boundaries(text, start, end):
        return ""
    if span in field_words() or all(w in field_words() for w in words) or _GRADE.match(span):
        return ""
    plain = plain_words()
    unknown = [w for w in words if w not in plain and len(w) >= 2 and not w.endswith(".")
               and not all(piece in plain for piece in _plain_tokenizer()(w))]
    # a known name: a nickname, or a given name that is no everyday word ("นาน", "ศึกษา" are given names too)
    named = [w for w in words if w in lex.nicknames or w in lex.family_names
             or w in lex.given_names and not (w in lex.words and lex.freq.get(w, 0) >= 1000)]
    before = _previous_word(text, start)
    strong = before in lex.strong_titles or before in lex.naming
    kin = before in lex.medium_titles or before in lex.weak_titles
    subject = before in _CLAUSE_BEFORE or not text[:start].strip() or text[start - 1 : start].isspace()
    person_after = subject and _PERSON_AFTER.match(text[end : end + 24]) is not None
    person_before = before in _PERSON_BEFORE or before.endswith(_PERSON_BEFORE_ENDS)
    # "โอ๊ต ไอซ์ บอย": a list of names, each a known name or a word no dictionary holds
    chunks = span.split()
    listed = len(chunks) >= 2 and all(c in lex.nicknames or c in lex.given_names or c not in plain for c in chunks)
    if listed and probability >= 0.5:
        return "list"
    if strong and (named or unknown or probability >= SURE):
        return "title"
    rare = [w for w in words if not lex.is_common(w, 3000)]
    if kin and (named or unknown or rare and probability >= SURE) and not _NOT_AFTER_KIN.search(span) \
            and words[0] not in field_words():
        return "kin"
    if unknown and probability >= SURE:
        return "form"
    if (person_after or person_before) and (named and probability >= SURE or probability >= 0.5):
        return "after" if person_after else "before"
    return ""


def _plausible_latin(text: str, start: int, tokens: list[str], probability: float) -> bool:
    en = english()
    words = [re.sub(r"['’]s?$", "", t) for t in tokens if t[:1].isalpha()]
    if not words or _EN_GRADE.search(text[start : start + 12]):
        return False
    field = codebook_words()[1]
    unknown = [w for w in words if w[:1].isupper() and w.casefold() not in en.known and w.casefold() not in en.common
               and w.casefold() not in field]
    before = text[:start].rstrip()
    opening = not before or before[-1] in ".!?:;\"“(]"
    if unknown and (probability >= 0.3 or not opening):
        return True
    # "Beer was fourteen", "calling herself Angel": a short word the context makes a person
    short = len(words) <= 2 and all(len(w) <= 6 and w[:1].isupper() for w in words)
    context = _EN_PERSON_AFTER.match(text[start + len(" ".join(tokens)) :]) or _EN_PERSON_BEFORE.search(before)
    return short and probability >= 0.45 and context is not None


_EN_PERSON_AFTER = re.compile(r"^\s*(?:was|is|said|says|told|called|texted|asked|cried|came|went|took|gave|"
                              r"wanted|knew|lived|had|has)\b|^\s*[—–-]\s")
_EN_PERSON_BEFORE = re.compile(r"(?:herself|himself|called|named|call her|call him|nicknamed|,|—)\s*$")
