"""Personal names and social-media display names, in Thai and English, as people say them.

Thai: a name follows a title or kinship term (``นางสาว``, ``ด.ญ.``, ``น้อง``, ``ป้า``, ``อ้าย`` ...) or a
naming word (``ชื่อ``, ``เรียกว่า``); the span is the name without the title. Where the name ends is
found with PyThaiNLP's newmm segmentation: a name is a known given name or nickname, or a run of
pieces that are no dictionary word (the names of Akha, Karen, Lahu, Shan and Burmese people are in no
list), and it stops at a function word. Formal given names from PyThaiNLP's lists that are no
dictionary word are found anywhere. Pronoun uses (``พี่เขา``, ``น้องก็``) are not names.

English: a capitalised word that is no common English word and no known non-name (provinces,
nationalities, agencies, months, platforms) is a name, with its capitalised neighbours; after a title
(``Mr``, ``Nong``, ``P'``) or a naming cue (``called``, ``my friend``, ``her mother,``) any capitalised word is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from fivep.privacy.lexicon import ThaiLexicon, english, thai, thai_tokenizer
from fivep.privacy.spans import Span, make_span

_THAI = re.compile("[\u0e01-\u0e4e]")
_THAI_WORD = re.compile("^[\u0e01-\u0e4e]+$")
_THAI_RUN = re.compile("[\u0e01-\u0e4e]+")
_NOT_NAME_STARTS = ("ไม่", "บ่", "จะ", "ได้", "ก็", "ต้อง", "ให้", "คน", "ช่วย", "เคย", "ยัง")
_PARTICLES = frozenset({"ค่ะ", "คะ", "ครับ", "นะ", "นะคะ", "นะครับ", "เจ้า", "จ้ะ", "จ้า", "เน้อ"})
_LATIN_WORD = r"[A-Z][A-Za-z]*[a-z](?:[-'’][A-Za-z]+)?"
_LATIN_RUN = re.compile(rf"(?<![A-Za-z]){_LATIN_WORD}(?: {_LATIN_WORD}){{0,3}}(?![A-Za-z])")


# --- Thai ---------------------------------------------------------------------------------------------

class _Tokens:
    """newmm tokens of one line with their offsets."""

    def __init__(self, text: str, base: int) -> None:
        self.words: list[str] = thai_tokenizer()(text)
        self.starts: list[int] = []
        position = base
        for word in self.words:
            self.starts.append(position)
            position += len(word)
        self.text = text
        self.base = base

    def __len__(self) -> int:
        return len(self.words)

    def get(self, i: int) -> str:
        return self.words[i] if 0 <= i < len(self.words) else ""

    def end(self, i: int) -> int:
        return self.starts[i] + len(self.words[i])


def _is_thai_word(token: str) -> bool:
    return bool(_THAI_WORD.match(token))


def _accept_first(lex: ThaiLexicon, token: str, following: str, strength: str) -> bool:
    """Whether ``token``, after a cue of ``strength``, begins a name."""
    if not _is_thai_word(token):
        return False
    short = len(token) <= 2 and token not in lex.boundary and token not in lex.not_a_name and token not in lex.titles
    if ((token in lex.prefixes or short) and following and _is_thai_word(following)
            and following not in lex.boundary and following not in lex.not_a_name
            and (lex.is_rare(following) or lex.is_fragment(following)
                 or token in lex.prefixes and not lex.is_common(following))):
        return True  # "อา|หมี่", "นา|หวา", "จา|ย": a minority name the segmenter cut into pieces
    if token in lex.not_a_name or token in lex.titles or token in lex.naming:
        return False   # "น้องชื่อเล่นว่ามด": the naming word is the cue, the name comes after it
    if token in lex.nicknames or token in lex.given_names and (strength == "strong" or not lex.is_common(token, 3000)):
        return True
    if following and _is_thai_word(following) and following not in lex.boundary and (
            token in lex.prefixes and not lex.is_common(following) or lex.is_fragment(following)):
        return True  # "หมี่|ซู", "จา|ย|คำ": a name newmm could not segment
    if token in lex.boundary or token.startswith(_NOT_NAME_STARTS):
        return False
    if strength == "strong":
        return True
    return lex.is_rare(token)


def _extend(lex: ThaiLexicon, tokens: _Tokens, first: int) -> int:
    """Index one past the last token of the name that begins at ``first``."""
    k = first + 1
    joined = tokens.get(first)
    known = lex.is_known_name(joined) and joined not in lex.prefixes
    while k < len(tokens) and k - first < 5:
        token = tokens.get(k)
        if not _is_thai_word(token) or token in lex.boundary or token in lex.titles or token in lex.not_a_name:
            break
        after_prefix = joined in lex.prefixes or lex.is_unknown(joined[-2:]) and len(tokens.get(k - 1)) <= 2
        # "เจ|ส|สิ|ก้า": a letter no word holds glues the pieces around it into one name
        glued = lex.is_fragment(token) or lex.is_fragment(tokens.get(k - 1)) and (lex.is_rare(token) or len(token) <= 3)
        if lex.is_known_name(joined + token) or glued or (not known and (lex.is_rare(token) or after_prefix)):
            joined += token
            known = lex.is_known_name(joined)
            k += 1
            continue
        break
    return k


def _surname_end(lex: ThaiLexicon, tokens: _Tokens, k: int) -> int:
    """After ``name`` + one space, the index past a family name, or ``k`` when there is none."""
    if tokens.get(k) != " ":
        return k
    j = k + 1
    first = tokens.get(j)
    if (not _is_thai_word(first) or first in lex.boundary or first in lex.not_a_name or first in lex.titles
            or first in lex.naming):
        return k   # "ด.ญ.นันทิชา ชื่อเล่น มด": what follows is the cue of another name, not a family name
    end = j
    joined = ""
    while end < len(tokens) and end - j < 4 and _is_thai_word(tokens.get(end)):
        token = tokens.get(end)
        if token in lex.boundary and end > j:
            break
        joined += token
        end += 1
    if joined in lex.family_names or any(lex.is_unknown(t) for t in tokens.words[j:end]) or not lex.is_common(first):
        return end
    return k


def _naming_run(lex: ThaiLexicon, tokens: _Tokens, j: int) -> int | None:
    """After ``ชื่อ``: a short run closed by a particle, a space or the end (``ชื่อจะคือค่ะ``)."""
    k = j
    while k < len(tokens) and _is_thai_word(tokens.get(k)) and tokens.get(k) not in _PARTICLES and k - j < 3:
        k += 1
    closed = k >= len(tokens) or tokens.get(k) in _PARTICLES or not _is_thai_word(tokens.get(k))
    if k > j + 1 and closed and sum(len(t) for t in tokens.words[j:k]) <= 8:
        return k
    return None


def _thai_line(text: str, base: int) -> Iterator[Span]:
    lex = thai()
    tokens = _Tokens(text, base)
    yield from _thai_cued(lex, tokens, text, base)
    yield from _thai_subjects(lex, tokens)


_COUNTED = re.compile(r"(?:[0-9๐-๙]+|หนึ่ง|สอง|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า|สิบ|ยี่สิบ|ร้อย|หลาย|กี่|ทุก)\s?$")


def _counts_officers(before: str) -> bool:
    """Whether ``นาย`` after ``before`` counts people (a number before it), not an ordinal ("จำเลยที่ 2 นาย...")."""
    match = _COUNTED.search(before)
    return match is not None and not before[: match.start()].rstrip().endswith("ที่")


def _thai_cued(lex: ThaiLexicon, tokens: _Tokens, text: str, base: int) -> Iterator[Span]:
    i = 0
    while i < len(tokens):
        token = tokens.get(i)
        strength = ("naming" if token in lex.naming else "strong" if token in lex.strong_titles
                    else "medium" if token in lex.medium_titles else "weak" if token in lex.weak_titles else "")
        if not strength and (token in lex.distinctive_prefixes
                             or token + tokens.get(i + 1) in lex.distinctive_prefixes):
            start = i
            i += 1 if token in lex.distinctive_prefixes else 2
            nxt = tokens.get(i)
            if _is_thai_word(nxt) and nxt not in lex.boundary and nxt not in lex.not_a_name and (
                    lex.is_rare(nxt) or lex.is_fragment(nxt) or lex.is_known_name(nxt) or nxt in lex.prefixes
                    or not lex.is_common(nxt)):
                prefix_end = _extend(lex, tokens, i)
                yield Span(tokens.starts[start], tokens.end(prefix_end - 1), "PERSON",
                           "".join(tokens.words[start:prefix_end]), "th.prefix")
                i = prefix_end
            continue
        if not strength and token in _COMPANION_VERBS and tokens.get(i + 1) in _WITH:
            j = i + 2
            companion_end = _companion_end(lex, tokens, j)
            if companion_end is not None:
                yield Span(tokens.starts[j], tokens.end(companion_end - 1), "PERSON",
                           "".join(tokens.words[j:companion_end]), "th.companion")
                i = companion_end
                continue
        if strength == "strong" and token == "นาย" and _counts_officers(text[: tokens.starts[i] - base]):
            strength = ""   # "พนักงานสอบสวนหนึ่งนาย", "ตำรวจ 5 นาย": the classifier for officers, not Mr.
        if not strength:
            if (token in lex.given_names and token not in lex.words and len(token) >= 3
                    and token not in lex.family_names and _stands_alone(tokens, i)):
                yield Span(tokens.starts[i], tokens.end(i), "PERSON", token, "th.given_name")
            i += 1
            continue
        j = i + 1
        if strength in ("medium", "naming") and tokens.get(j) in lex.possessive:
            j += 1
            strength = "weak" if strength == "medium" else strength
        if tokens.get(j) == " " and (strength in ("strong", "naming") or tokens.get(i + 1) in lex.possessive):
            j += 1
        latin = _LATIN_RUN.match(text, tokens.starts[j] - base) if j < len(tokens) else None
        if latin:
            span = _english_run(text, base, latin.start(), latin.end(), cue=True)
            if span:
                yield span
            i = j + 1
            continue
        first = tokens.get(j)
        end: int | None = None
        if strength == "naming":
            if first in lex.not_after_naming:
                i = j
                continue
            end = _naming_run(lex, tokens, j) if first in lex.boundary else None
            if end is None and first in lex.boundary and first in lex.nicknames and _person_before(lex, tokens, i) \
                    and (tokens.get(j + 1) in _PARTICLES or not _is_thai_word(tokens.get(j + 1))):
                end = j + 1  # "พี่สาวชื่อไหม": a nickname that is also a particle, after a person's ชื่อ
            if end is None and first not in lex.boundary and (_accept_first(lex, first, tokens.get(j + 1), "medium")
                                                              or _uncommon_after_naming(lex, first)):
                end = _extend(lex, tokens, j)
        elif _accept_first(lex, first, tokens.get(j + 1), strength) and not _glued_word(lex, token, first):
            end = _extend(lex, tokens, j)
        if end is None:
            i += 1
            continue
        if strength in ("strong", "naming") or token == "คุณ" or tokens.get(j) in lex.given_names:
            end = _surname_end(lex, tokens, end)
        yield Span(tokens.starts[j], tokens.end(end - 1), "PERSON", "".join(tokens.words[j:end]), f"th.{strength}")
        # "มะปรางกับปู": a second name joined by กับ / และ.
        if tokens.get(end) in lex.conjunction and _accept_first(lex, tokens.get(end + 1), tokens.get(end + 2), "weak"):
            second = _extend(lex, tokens, end + 1)
            yield Span(tokens.starts[end + 1], tokens.end(second - 1), "PERSON",
                       "".join(tokens.words[end + 1 : second]), "th.conjunction")
            end = second
        i = end


# Verbs after which "กับ" / "หา" introduces a person: "อยู่กับส้มโอ", "คุยกับเจสสิก้า", "โทรหาแบงค์".
_COMPANION_VERBS = frozenset({
    "อยู่", "ไป", "มา", "คุย", "เจอ", "หนี", "เที่ยว", "ทำงาน", "ทะเลาะ", "ติดต่อ", "นอน", "เล่น", "พัก", "ย้าย",
    "เดินทาง", "สนิท", "รู้จัก", "โทร", "ไลน์", "ทัก", "แชท", "ไปหา", "มาหา", "ถาม", "บอก", "เลิก", "คบ", "แต่งงาน",
    "ประสาน", "ปรึกษา",
})
_WITH = frozenset({"กับ", "หา"})
# What a person does: after a name as the subject ("แตงโมก็เอาบัตรไป", "ต้นเขาก็มาขอไลน์").
_SUBJECT_AFTER = re.compile(
    "^(?:(?P<pronoun>เขา|เค้า|เอง)?(?P<also>ก็|เลย|ก็เลย)?)(?:มา|ไป)?"
    "(?P<verb>บอก|ไลน์|โทร|ทัก|ชวน|พา|เอา|ขอ|ถาม|เล่า|พูด|ส่ง|หนี|ร้องไห้|โกหก|ยืม|ตอบ|เรียก|แนะนำ|ช่วย|คุย|"
    "รับ|จ่าย|โอน|เจอ|หา|รู้|คิด|อยาก|ชอบ|เป็นคน|สัญญา|หลอก|ขู่|ด่า|ตี|ขาย|ซื้อ|ติดต่อ|แชท|อู้|ว่า)"
)
_SPEECH = frozenset({"บอก", "ไลน์", "โทร", "ทัก", "ชวน", "ถาม", "เล่า", "พูด", "ตอบ", "ขอ", "หลอก", "อู้", "ร้องไห้",
                     "โกหก", "แชท", "ขู่", "ด่า", "สัญญา", "อยาก", "คิด", "รู้"})
_CLAUSE_BEFORE = frozenset({"", " ", "แล้ว", "พอ", "คือ", "ว่า", "แต่", "ส่วน", "ทีนี้", "และ", "ก็เลย", "ตอนนั้น",
                            "ตอนหลัง", "ต่อมา", "สุดท้าย", "เพราะ", "ซึ่ง", "เลย"})


def _companion_end(lex: ThaiLexicon, tokens: _Tokens, j: int) -> int | None:
    """After "คุยกับ": a known name, or a run of pieces no dictionary holds, up to a common word."""
    first = tokens.get(j)
    if (not _is_thai_word(first) or first in lex.boundary or first in lex.not_a_name or first in lex.titles
            or first.startswith(_NOT_NAME_STARTS)):
        return None
    k = j
    while k < len(tokens) and k - j < 6:
        token = tokens.get(k)
        if not _is_thai_word(token) or token in lex.boundary or token in lex.titles or token in lex.not_a_name:
            break
        if k > j and not (lex.is_rare(token) or lex.is_fragment(token) or lex.is_fragment(tokens.get(k - 1))
                          or lex.is_known_name("".join(tokens.words[j : k + 1]))):
            break
        k += 1
    pieces = tokens.words[j:k]
    joined = "".join(pieces)
    if lex.is_known_name(joined) and len(joined) >= 2:
        after = tokens.get(k)
        if not lex.is_common(joined, 400):
            return k
        # "ไปหาเงิน", "ไหลไปกับน้ำ": a nickname that is a common word needs กับ and a pause after it
        if tokens.get(j - 1) == "กับ" and (after in _PARTICLES or after in ("ก็", "เขา", "เค้า")):
            return k
        return None
    if len(pieces) >= 2 and any(lex.is_fragment(p) or lex.is_unknown(p) for p in pieces) and len(joined) >= 3:
        return k
    return None


def _thai_subjects(lex: ThaiLexicon, tokens: _Tokens) -> Iterator[Span]:
    """A known name or nickname opening a clause and doing what people do: "แล้วฝนก็มาบอกว่า"."""
    for i, token in enumerate(tokens.words):
        if (len(token) < 2 or not lex.is_known_name(token) or token in lex.not_a_name or token in lex.titles
                or token in lex.boundary or tokens.get(i - 1) not in _CLAUSE_BEFORE):
            continue
        following = "".join(tokens.words[i + 1 : i + 6])
        match = _SUBJECT_AFTER.match(following)
        # a common word before ก็ may be a fronted object ("เงินก็โอนมาแล้ว"): only a person speaks
        if match and (match.group("pronoun") or match.group("also") and (
                not lex.is_common(token, 400) or match.group("verb") in _SPEECH)):
            yield Span(tokens.starts[i], tokens.end(i), "PERSON", token, "th.subject")


def _uncommon_after_naming(lex: ThaiLexicon, token: str) -> bool:
    """After ``ชื่อ``, a dictionary word the corpus seldom counts is a name too ("ชื่อแดเนียล")."""
    return (_is_thai_word(token) and len(token) >= 3 and token not in lex.boundary and token not in lex.not_a_name
            and token not in lex.titles and not token.startswith(_NOT_NAME_STARTS) and lex.freq.get(token, 0) < 1000
            and not any(token.startswith(w) for w in lex.not_after_naming if len(w) >= 2))


def _person_before(lex: ThaiLexicon, tokens: _Tokens, i: int) -> bool:
    """Whether the word before ``tokens[i]`` names a person ("พี่สาว", "เพื่อน", "ผู้หญิง")."""
    before = tokens.get(i - 1)
    return bool(before) and (before in lex.titles or before in lex.not_a_name
                             or before.endswith(("สาว", "ชาย", "หญิง")) and _is_thai_word(before))


def _glued_word(lex: ThaiLexicon, title: str, first: str) -> bool:
    """Whether title + the next token begin a dictionary word the segmenter cut: "นาย|หน้าที่" is นายหน้า."""
    return any(lex.freq.get(title + first[:k], 0) >= 100 for k in range(1, len(first) + 1))


def _stands_alone(tokens: _Tokens, i: int) -> bool:
    """Whether a name found without a cue is a word of its own: the plain dictionary (without names)
    must cut the text at the same places ("มูลนิธิมา" is not "มูล|นิธิมา")."""
    from pythainlp.tokenize import word_tokenize

    context = "".join(tokens.words[max(0, i - 2) : i + 3])
    offset = sum(len(t) for t in tokens.words[max(0, i - 2) : i])
    cuts, position = set(), 0
    for word in word_tokenize(context, engine="newmm", keep_whitespace=True):
        cuts.add(position)
        position += len(word)
    cuts.add(position)
    return offset in cuts and offset + len(tokens.get(i)) in cuts


def find_thai_names(text: str) -> Iterator[Span]:
    """Thai personal names (see the module docstring)."""
    lex = thai()
    position = 0
    found: list[Span] = []
    lines: list[tuple[int, str]] = []
    for line in text.split("\n"):
        if _THAI.search(line):
            lines.append((position, line))
            for span in _thai_line(line, position):
                found.append(span)
                yield span
        position += len(line) + 1
    # a name found once is a name wherever it stands as a word of its own ("ส้มโอ ... ส้มโอก็")
    names = {s.text for s in found if _is_thai_word(s.text) and len(s.text) >= 2 and s.text not in lex.not_a_name}
    if not names:
        return
    covered = {(s.start, s.end) for s in found}
    pattern = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))
    for position, line in lines:
        tokens = None
        for match in pattern.finditer(line):
            start, end = match.start() + position, match.end() + position
            if any(a < end and start < b for a, b in covered):
                continue
            tokens = tokens or _Tokens(line, position)
            if start not in tokens.starts or end not in set(tokens.starts) | {position + len(line)}:
                continue
            k = tokens.starts.index(end) if end in tokens.starts else len(tokens)
            after = tokens.get(k)
            if lex.is_common(match.group(0), 400) and after and _is_thai_word(after) and after not in lex.boundary:
                continue  # "วันนั้นฝนตก": a common word that names someone elsewhere is a word here
            covered.add((start, end))
            yield Span(start, end, "PERSON", match.group(0), "th.again")


# A Hmong or a Chinese family name follows แซ่ ("clan"): "ไซ แซ่ว่าง", "นายวิชัย แซ่ลิ้ม". With a given name before
# it, set apart by a space, the two are the person's name; a clan alone ("ชาวม้งแซ่ว่าง") is no person.
_CLAN = re.compile(r"แซ่(?=[\u0e01-\u0e4e])")


def find_clan_names(text: str) -> Iterator[Span]:
    """Names with a clan name after แซ่ (see above)."""
    if "แซ่" not in text:
        return
    from fivep.privacy.lexicon import thai_tokenizer

    lex = thai()
    tokenize = thai_tokenizer()
    for match in _CLAN.finditer(text):
        after = _THAI_RUN.match(text, match.end())
        tokens = tokenize(after.group(0)) if after else []
        if not tokens or tokens[0] in lex.boundary:
            continue
        start, end = match.start(), match.end() + len(tokens[0])
        before = re.search(r"([\u0e01-\u0e4e]+)\s$", text[max(0, start - 30):start])
        given = tokenize(before.group(1)) if before else []
        if not given or given[-1] in lex.not_a_name or given[-1] in lex.boundary or len(given[-1]) < 2:
            continue   # "ชาวม้งแซ่ว่าง": a clan, not a person
        if span := make_span(text, start - len(given[-1]) - 1, end, "PERSON", "th.clan"):
            yield span


# --- English ------------------------------------------------------------------------------------------

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
_INITIAL = re.compile(r"(?:^|[.!?…:;\"“(\[—–]|\n)\s*$")
_JOINED = re.compile(r"(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&)\s+)(?=[A-Z])")
# "May called me", "Bank told her": a capitalised word followed by what a person does.
_EN_SUBJECT = re.compile(
    r"(?<![A-Za-z'’\-])([A-Z][a-z]+)\s+(?:(?:then|just|also|later|finally|never|always|even)\s+)?"
    r"(?:said|says|told|tells|called|calls|texted|texts|messaged|asked|asks|cried|replied|answered|admitted|"
    r"explained|promised|lied|phoned|rang|introduced|recruited|invited|convinced|persuaded|warned|threatened)"
    r"(?:\s+(?:me|her|him|us|them|my|that|to|and|she|he|they|we|I)(?![A-Za-z])|\s*,)"
)
# "Golf drove the girls", "Grace refused lunch", "May told the interpreter": a capitalised word followed by
# what only a person does, whatever comes next.
_EN_ACTOR = re.compile(
    r"(?<![A-Za-z'’\-])([A-Z][a-z]+)\s+(?:(?:then|just|also|later|finally|never|always|even|again)\s+)?"
    r"(?:told|asked|texted|messaged|replied|admitted|promised|lied|phoned|cried|wept|begged|refused|attended|"
    r"signed|drove|confessed|testified|whispered|shouted|smiled|laughed|escaped|hugged|recruited|introduced|"
    r"apologi[sz]ed|complained|disclosed|lied)(?![A-Za-z])"
)
# "I met Grace at the shelter": someone met, visited, told, driven or brought.
_EN_OBJECT = re.compile(
    r"(?<![A-Za-z])(?:met|visited|interviewed|hugged|rescued|texted|messaged|phoned|told|asked|helped|drove|"
    r"picked\s+up|brought|sent|paid|followed|trusted|married|dated|call|contact|contacted|ring|rang|reach|"
    r"reached|e-?mailed|escorted|accompanied|thanked|warned|knew|know|knows)\s+([A-Z][a-z]+)"
    r"(?=\s+(?:at|in|on|to|from|that|about|again|yesterday|last|and|when|after|before|because|for|with)\b|\s*[,.;!?])"
)
# "known locally as 'Ice'", "nicknamed Bird", "the brothel keeper they called 'Mama Rose'", "Bank, that's his
# nickname": what a person is called.
_EN_KNOWN_AS = re.compile(
    r"(?:known(?:\s+[a-z]+)?\s+as|nicknamed|goes\s+by|went\s+by|called\s+(?:her|him)(?:self)?)\s+"
    r"['‘\"“]?([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)"
    r"|called\s+(?:the\s+|their\s+|her\s+|his\s+)?[a-z][a-z ]{0,30}?\s['‘\"“]([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)['’\"”]"
    r"|(?<![A-Za-z'’\-])([A-Z][a-z]+),?\s+(?:that['’]s|that\s+is|which\s+is)\s+(?:his|her|their|my)\s+(?:nick)?name"
    r"|(?:(?:was|is|were|are|be|been|guy|man|woman|girl|boy|friend|boyfriend|girlfriend|agent|broker)\s+"
    r"(?:called|named)|name\s+(?:was|is))\s+['‘\"“]?([A-Z][a-z]+)(?![A-Za-z])"
)
# after "was called", "a man named", "her name was": a capitalised word is a name, even an English word ("Will")
_NOT_CALLED = frozenset({"police", "immigration", "operation", "project", "the", "a", "an", "it", "this", "that"})
# "Hope reported that she ...": what a person reports of herself or himself.
_EN_REPORTED = re.compile(
    r"(?<![A-Za-z'’\-])([A-Z][a-z]+)\s+(?:reported|testified|stated|recalled|disclosed|confirmed|explained|said)"
    r"\s+(?:to\s+(?:the\s+)?[a-z]+\s+)?that\s+(?:she|he)(?![A-Za-z])"
)
# "the father is Ja Lor and the mother is Na Mae": a relative or a go-between, and who they are.
_EN_IS_KIN = re.compile(
    r"(?<![A-Za-z])(?:father|mother|dad|mum|mom|uncle|aunt|auntie|grandmother|grandfather|grandma|grandpa|brother|"
    r"sister|husband|wife|boyfriend|girlfriend|stepfather|stepmother|guardian|broker|recruiter|agent|pimp|owner|"
    r"boss|employer|trafficker)\s+(?:is|was)\s+(?:called\s+|named\s+)?([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)(?![A-Za-z])"
)
# "Honestly May didn't want to testify": a capitalised word inside a sentence, denied what a person does
# (a modal "May" is never followed by "didn't").
_EN_DENIED = re.compile(
    r"(?<=[a-z,] )([A-Z][a-z]+)\s+(?:didn['’]t|did\s+not|couldn['’]t|could\s+not|wouldn['’]t|would\s+not|"
    r"doesn['’]t|does\s+not)\s+(?:want|know|tell|speak|understand|agree|testify|remember|dare|say|trust)(?![A-Za-z])"
)
# "Grace, the volunteer from Australia, taught ...", "Will from the volunteer group picked her up": a
# capitalised word opening a sentence, described, then doing something, is a person (even an English word).
_EN_DESCRIBED = re.compile(
    r"(?:^|(?<=[.!?]\s)|(?<=\n))([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)"
    r"(?:,\s(?:a|an|the|my|our|her|his|their)\s[A-Za-z][A-Za-z'’ ]{2,40}?,|\s(?:from)\s(?:the|our|a|an|her|his)\s"
    r"[a-z][a-z ]{2,40}?|\s(?:from|at|of)\s(?:the\s)?[A-Z]{2,8}\.?)"
    r"\s(?:was|is|had|has|[a-z]{3,}ed|drove|took|taught|brought|came|went|gave|ran|met|said|"
    r"told|left|sent|paid|showed|knew|got|found|kept|spoke|wrote|saw|heard|made|began|became|stood|sat)\b"
)
_EN_NOT_DESCRIBED = frozenset({"the", "this", "that", "it", "he", "she", "they", "we", "i", "you", "there", "here",
                               "someone", "nobody", "everyone", "one", "each"})
# Karen Naw / Saw, Shan Sai / Sao, Burmese Maung / Daw begin a name and stay in it: "Saw Eh Doh".
_EN_MINORITY = re.compile(
    r"(?<![A-Za-z])(?<!Mae )(?<!the )(?<!The )(?:Naw|Saw|Sai|Maung|Mahn|Daw|Sao)\s+"
    r"(?!(?:Police|District|Subdistrict|Road|Hospital|Province|Village|School|Station|Market|Temple|Checkpoint|"
    r"Border|Airport|Bus|Office|Court|Shelter|Centre|Center)\b)[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2}(?![A-Za-z])"
)
_MONTHS = frozenset({"january", "february", "march", "april", "may", "june", "july", "august", "september",
                     "october", "november", "december"})
_NOT_SUBJECTS = frozenset({
    "someone", "somebody", "everyone", "everybody", "nobody", "anyone", "anybody", "people", "others", "staff",
    "police", "nurse", "doctor", "mom", "mum", "dad", "mama", "papa", "grandma", "grandpa", "auntie", "aunty",
    "nong", "phi", "pee", "khun", "interviewer", "respondent", "god", "customers", "client", "clients",
    "boss", "owner", "mother", "father", "sister", "brother", "teacher", "officer", "agent", "broker", "she", "he",
    "one", "two", "three", "another", "each", "both", "all", "some", "most", "many", "none",
    # bodies that act as one ("Immigration refused", "Management signed")
    "immigration", "management", "security", "government", "court", "prosecution", "defence", "defense", "family",
    "parliament", "cabinet", "committee", "council", "board", "team", "military", "army", "navy", "media", "press",
    "public", "community", "union", "embassy", "ministry", "department", "office", "shelter", "hospital",
    "school", "company", "agency", "we", "they", "i", "you", "it", "this", "that", "reuters",
})
_INSTITUTION_AFTER = re.compile(r"\s+(?:Act|Law|Code|Committee|Commission|Centre|Center|Office|Foundation|Unit|"
                                r"Department|Division|Network|Fund|Policy|Plan|Programme|Program|Project|Services?|"
                                r"Bureau|Agency|Council|Board|Association|Protocol)\b")
_TITLE_GLUED = re.compile(r"(?<![A-Za-z])[PN]['’]\s?(?=[A-Z])")
# A Thai title or kin word before a romanised name, in Thai text: "น้อง Mint", "พี่ Joy", "ครู Anna".
_THAI_TITLE_LATIN = re.compile(r"(?:น้อง|พี่|ป้า|ลุง|น้า|ยาย|ตา|ครู|คุณ|นาย|นางสาว|นาง|"
                               r"ด\.ญ\.|ด\.ช\.|เด็กหญิง|เด็กชาย)\s?(?=[A-Z][a-z])")


# Whose a personal thing is: "Dawn's complaint", "Bell's Instagram was".
_EN_POSSESSIVE = re.compile(
    r"(?<![A-Za-z])((?:[A-Z][a-z]+\s)?[A-Z][a-z]+)['’]s\s(?i:(?:older|younger|little|big|own|first|second|new)\s)?(?i:complaint|"
    r"statement|testimony|case|mother|father|mum|mom|dad|parents|family|sister|brother|aunt|uncle|grandmother|"
    r"grandfather|boyfriend|girlfriend|husband|wife|friend|friends|phone|number|instagram|facebook|tiktok|line|"
    r"account|profile|photo|photos|passport|id|birth|age|school|room|bag|story|file)\b"
)
# Who a quoted message speaks to: its first word, then a comma ("Rose, tonight 8pm"; "ส้ม พรุ่งนี้หกโมง").
_QUOTE_OPEN = "\"“‘'"
_EN_VOCATIVE = re.compile(rf"(?:^|(?<=[\s(]))[{_QUOTE_OPEN}]\s?([A-Z][a-z]+),\s")
_TH_VOCATIVE = re.compile(rf"[{_QUOTE_OPEN}]\s?([\u0e01-\u0e4e]{{1,12}})[\s,]")
# Openings of a message that are no one's name.
_NOT_ADDRESSED = frozenset(["hi", "hello", "hey", "dear", "ok", "okay", "yes", "no", "yeah", "sure", "please", "sorry", "thanks", "thank", "well", "oh", "so", "now", "today", "tonight", "tomorrow", "yesterday", "listen", "look", "wait", "come", "go", "remember", "don't", "dont", "send", "bring", "take", "meet", "call", "sister", "brother", "boss", "babe", "baby", "honey", "sweetie", "darling", "friends", "friend", "guys", "everyone", "everybody", "girls", "boys", "kids", "ladies", "sir", "madam", "miss", "mister", "auntie", "uncle", "mum", "mom", "mother", "dad", "father", "teacher", "officer", "good", "great", "fine", "right", "alright", "also", "and", "but", "or", "then", "here", "there"])


def find_addressed(text: str) -> Iterator[Span]:
    """The person a quoted message is addressed to, by its first word: a capitalised word and a comma in
    English ("She showed me the LINE message: "Rose, tonight 8pm""), a known given name or nickname and a
    space in Thai ("ส้ม พรุ่งนี้หกโมงเย็นรอหน้าเซเว่นนะ"). Greetings, kin words and time words open messages
    too, and are left alone."""
    titles = _folded_titles()
    for match in _EN_VOCATIVE.finditer(text):
        word = match.group(1)
        if word.casefold() in _NOT_ADDRESSED or not _a_persons_word(word, titles):
            continue
        if span := make_span(text, match.start(1), match.end(1), "PERSON", "en.addressed"):
            yield span
    if not _THAI.search(text):
        return
    lex = thai()
    for match in _TH_VOCATIVE.finditer(text):
        word = match.group(1)
        if (word in lex.nicknames or word in lex.given_names) and word not in lex.not_a_name \
                and word not in lex.boundary:
            yield Span(match.start(1), match.end(1), "PERSON", word, "th.addressed")


def _a_persons_word(word: str, titles: frozenset[str] | set[str]) -> bool:
    """Whether a capitalised word a person's verb or naming cue points at can be a name: not a function word, a
    collective ("Police", "Staff"), a title, a place or a plural ("Prosecutors"); months (May) and words that are
    parts of place names and names too (Nam, Mai) may be names."""
    lex = english()
    low = word.casefold()
    return not (low in lex.function_words or low in _NOT_SUBJECTS or low in titles
                or low in lex.gazetteer and low not in _MONTHS and low not in lex.place_parts
                or any(low == c.casefold() for c in lex.naming) or lex.plural_of_known(low))


def _is_capitalised(word: str) -> bool:
    return len(word) >= 2 and word[0].isupper() and not word.isupper()


def _english_run(text: str, base: int, start: int, end: int, *, cue: bool, initial: bool = False,
                 titled: bool = False) -> Span | None:
    """A PERSON span over the capitalised words in ``text[start:end]``, or None. ``titled``: the words follow a
    personal title ("Uncle Chan", "Nong Mai"), so a word that is also part of a place name is a name here."""
    lex = english()
    words = [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(text, start, end)]
    keep = []
    for s, e, w in words:  # stop at the first word that cannot be part of a name
        if not _is_capitalised(w) or not _may_be_in_name(w, titled=titled):
            break
        keep.append((s, e, w))
    if not keep:
        return None
    if not cue:
        while keep and not lex.is_name_like(keep[0][2], initial=initial and keep[0][0] == start):
            keep.pop(0)
        while keep and not lex.is_name_like(keep[-1][2]):
            keep.pop()
        if not keep:
            return None
    s, e = keep[0][0], keep[-1][1]
    value = text[s:e]
    if value.endswith(("'s", "’s")):
        e -= 2
    return make_span_at(text, base, s, e)


@cache
def _whole_provinces() -> frozenset[str]:
    """Province names, whole ("nan", "phrae", "nong khai"; not "mai" of Chiang Mai)."""
    from fivep.ingest.vocabulary import _provinces_th

    return frozenset(name.casefold() for name in _provinces_th())


@cache
def _folded_titles() -> frozenset[str]:
    """The English titles, case-folded (read once: every capitalised word is checked against them)."""
    return frozenset(t.casefold() for t in english().titles)


def _is_a_province(phrase: str) -> bool:
    """True when ``phrase`` is a province's name, spaced any way ("Chon Buri", "Chonburi", "Phitsanulok")."""
    compact = re.sub(r"[\W_]", "", phrase.casefold())
    return any(compact == p.replace(" ", "") for p in _whole_provinces())


def _names_a_province(phrase: str) -> bool:
    """True when ``phrase`` begins with a province's name of two or more words, spaced any way ("Nong Bua
    Lamphu" is PyThaiNLP's "Nong Bua Lam Phu")."""
    compact = re.sub(r"[\W_]", "", phrase.casefold())
    return any(compact.startswith(p.replace(" ", "")) for p in _whole_provinces() if " " in p)


def _may_be_in_name(word: str, *, titled: bool = False) -> bool:
    lex = english()
    parts = [p.casefold() for p in re.split(r"[-'’]", word) if p]
    if word.casefold().endswith(("'s", "’s")):
        parts = parts[:-1]
    titles = _folded_titles()
    # after a personal title only a province stays a place ("Uncle Chan" is a man, "Mae Chan" a district)
    place = _whole_provinces() if titled else lex.gazetteer
    return bool(parts) and not any(p in place or p in lex.function_words or p in titles for p in parts)


def make_span_at(text: str, base: int, start: int, end: int) -> Span | None:
    span = make_span(text, start, end, "PERSON", "en.name")
    if span is None:
        return None
    return Span(span.start + base, span.end + base, "PERSON", span.text, span.rule)


def _cue_pattern() -> re.Pattern[str]:
    lex = english()
    fillers = "|".join(re.escape(f) for f in lex.fillers)
    cues = "|".join(re.escape(c).replace("\\ ", "\\s+") for c in lex.naming)
    titles = "|".join(re.escape(t) for t in sorted(lex.titles, key=len, reverse=True))
    return re.compile(
        rf"(?:(?<![A-Za-z])(?i:{cues})(?![A-Za-z])|(?<![A-Za-z])(?:{titles})(?![A-Za-z])\.?)"
        rf"[,:]?\s+(?:(?i:{fillers})[,.]?\s+){{0,3}}(?=[A-Z])"
    )


_CUES: list[re.Pattern[str]] = []
_HAS_LATIN = re.compile(r"[A-Za-z]")


def find_english_names(text: str) -> Iterator[Span]:
    """English and romanised names (see the module docstring)."""
    if not _HAS_LATIN.search(text):
        return   # every pattern below ends in a Latin word: a Thai-only text is not scanned eleven times
    if not _CUES:
        _CUES.append(_cue_pattern())
    lex = english()
    for match in _TITLE_GLUED.finditer(text):
        run = _LATIN_RUN.match(text, match.end())
        if run:
            span = _english_run(text, 0, run.start(), run.end(), cue=True)
            if span:
                yield span
    for match in _THAI_TITLE_LATIN.finditer(text):
        run = _LATIN_RUN.match(text, match.end())
        if run and not _is_a_province(run.group(0)) and _a_persons_word(run.group(0).split()[0], _folded_titles()):
            span = _english_run(text, 0, run.start(), run.end(), cue=True, titled=True)
            if span and not _INSTITUTION_AFTER.match(text, span.end):
                yield Span(span.start, span.end, "PERSON", span.text, "en.thai_title")
    titles = _folded_titles()
    for match in _CUES[0].finditer(text):
        run = _LATIN_RUN.match(text, match.end())
        if run:
            said = match.group(0).strip(" ,:").rstrip(".").casefold()
            if said in titles and _names_a_province(f"{said} {run.group(0)}"):
                continue  # "Nong Khai", "Nong Bua Lamphu": provinces, not Nong + a name
            span = _english_run(text, 0, run.start(), run.end(), cue=True, titled=said in titles)
            if span and not _INSTITUTION_AFTER.match(text, span.end):   # "Child Protection Act": a law's name
                yield Span(span.start, span.end, "PERSON", span.text, "en.cue")
    subjects = [*_EN_SUBJECT.finditer(text), *_EN_REPORTED.finditer(text), *_EN_DENIED.finditer(text),
                *_EN_ACTOR.finditer(text), *_EN_OBJECT.finditer(text)]
    for match in subjects:
        word = match.group(1)
        if not _a_persons_word(word, titles):
            continue
        if span := make_span(text, match.start(1), match.end(1), "PERSON", "en.subject"):
            yield span
    for match in _EN_KNOWN_AS.finditer(text):
        group = next(g for g in (1, 2, 3, 4) if match.group(g))
        first = match.group(group).split()[0]
        if group == 4:
            if (first.casefold() in _NOT_CALLED or first.casefold() in titles or first.casefold() in lex.place_parts
                    or _names_a_province(text[match.start(group):match.start(group) + 40])):
                continue
        elif not _a_persons_word(first, titles) and first.casefold() not in _NOT_SUBJECTS:
            continue
        if span := make_span(text, match.start(group), match.end(group), "PERSON", "en.known_as"):
            yield span
    for match in _EN_DESCRIBED.finditer(text):
        low = match.group(1).casefold()
        first = low.split()[0]
        if (first in _EN_NOT_DESCRIBED or first in _NOT_SUBJECTS or first in titles
                or low in lex.gazetteer and low not in _MONTHS):
            continue
        if span := make_span(text, match.start(1), match.end(1), "PERSON", "en.described"):
            yield span
    for match in _EN_IS_KIN.finditer(text):
        words = match.group(1).split()
        titled = len(words) > 1 and words[0].casefold() in titles   # "Grandma Boon": a title and a name
        if not (titled or _a_persons_word(words[0], titles)) or _is_a_province(match.group(1)) \
                or _names_a_province(match.group(1)):
            continue   # "the owner is Thai", "her mother is Chiang Mai born"
        if span := make_span(text, match.start(1), match.end(1), "PERSON", "en.is_kin"):
            yield span
    for match in _EN_POSSESSIVE.finditer(text):
        phrase = match.group(1)
        words = phrase.split()
        if len(words) == 1:
            if not _a_persons_word(phrase, titles) or phrase.casefold() in _NOT_ADDRESSED or _is_a_province(phrase):
                continue
        elif (_is_a_province(phrase) or _names_a_province(phrase) or phrase.casefold() in lex.gazetteer
              or words[0].casefold() in lex.place_parts or words[0].casefold() in lex.place_starts
              or any(w.casefold() in lex.function_words or w.casefold() in _NOT_ADDRESSED for w in words)
              or not any(_a_persons_word(w, titles) for w in words)):
            continue   # "Mae Sai's school", "The Police's statement"; "Ja Ka's father" is a person
        if span := make_span(text, match.start(1), match.end(1), "PERSON", "en.possessive"):
            yield span
    for match in _EN_MINORITY.finditer(text):
        if span := make_span(text, match.start(), match.end(), "PERSON", "en.minority"):
            yield span
    for run in _LATIN_RUN.finditer(text):
        words = run.group(0).split()
        if _is_a_province(run.group(0)):
            continue   # "Phitsanulok", "Chon Buri": a province, whatever else the words could be
        initial = _INITIAL.search(text[max(0, run.start() - 4) : run.start()]) is not None or run.start() == 0
        if any(lex.is_name_like(w, initial=initial and k == 0) for k, w in enumerate(words)):
            span = _english_run(text, 0, run.start(), run.end(), cue=False, initial=initial)
            if span:
                yield span
    # names joined to these ("Mee and Jaw") are found once every recognizer has run: see joined_names


# "สุภาพร (นักสังคมสงเคราะห์)", "Somchai (social worker)": a word followed by a person's role in brackets.
_ROLE_AFTER_TH = re.compile(r"([\u0e01-\u0e4e]{2,30})\s?\((?:เป็น)?\s?([\u0e01-\u0e4e.]{2,40})")
_ROLE_AFTER_EN = re.compile(
    r"(?<![A-Za-z'’])([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)\s?\((?:a|an|the|our|her|his)?\s?(?:[a-z]+\s)?"
    r"(?:worker|officer|investigator|interpreter|translator|prosecutor|judge|lawyer|nurse|doctor|teacher|"
    r"psychologist|volunteer|manager|director|coordinator|inspector|official|broker|agent|recruiter|owner|driver|"
    r"guard|mother|father|sister|brother|aunt|uncle|cousin|friend|victim|survivor|witness|suspect|defendant)s?\b"
)


def find_names_before_roles(text: str) -> Iterator[Span]:
    """A name followed by the person's role in brackets, in a list of who took part or a case file (see above)."""
    from fivep.privacy.vocabulary import field_words, roles

    lex = thai()
    for match in _ROLE_AFTER_TH.finditer(text):
        role = match.group(2)
        if not any(role.startswith(r) for r in roles()):
            continue
        words = thai_tokenizer()(match.group(1))
        kept: list[str] = []
        for word in reversed(words):   # the name is the end of the run: "และกมลชนก" -> "กมลชนก"
            if word in lex.boundary or word in lex.conjunction or word in field_words() or word in lex.titles:
                break
            kept.insert(0, word)
        name = "".join(kept)
        if len(name) < 2 or name in field_words() or lex.is_common(name, 3000) and name not in lex.given_names:
            continue
        end = match.start(1) + len(match.group(1))
        if span := make_span(text, end - len(name), end, "PERSON", "th.role"):
            yield span
    titles = _folded_titles()
    for match in _ROLE_AFTER_EN.finditer(text):
        if _a_persons_word(match.group(1).split()[0], titles) and (
                span := make_span(text, match.start(1), match.end(1), "PERSON", "en.role")):
            yield span


_JOIN_BEFORE = re.compile(r"(?<![A-Za-z'’])([A-Z][a-z]+)(?:\s*,\s*|\s+(?:and|or|&)\s+)$")
_CAPITALISED = re.compile(r"[A-Z][a-z]+(?![A-Za-z'’])")


def joined_names(text: str, names: list[Span]) -> Iterator[Span]:
    """Capitalised words joined to a found name by ``and`` / ``or`` / ``&`` / a comma ("Mee and Jaw", "Tou Vang,
    Pa Nhia", "Joy and Bee", "Bird, Mint"): after it, a run that reads as a name as a cue's would, or else one
    word that can be a person's (see :func:`_a_persons_word`; places stay places); before it, such a word."""
    titles = _folded_titles()
    lex = english()

    def a_word(start: int, end: int) -> Span | None:
        word = text[start:end]
        # a part of a place name ("Nam", "Mai") is a name here unless a place goes on after it ("Mae Sai")
        if not _a_persons_word(word, titles) or word.casefold() in lex.place_parts and _CAPITALISED.match(
                text, end + 1) is not None and text[end:end + 1] == " ":
            return None
        return make_span(text, start, end, "PERSON", "en.joined")

    for name in names:
        joined = _JOINED.match(text, name.end)
        if joined:
            run = _LATIN_RUN.match(text, joined.end())
            second = _english_run(text, 0, run.start(), run.end(), cue=True) if run else None
            word = _CAPITALISED.match(text, joined.end())
            span = (Span(second.start, second.end, "PERSON", second.text, "en.joined") if second
                    else a_word(*word.span()) if word else None)
            if span:
                yield span
        before = _JOIN_BEFORE.search(text, max(0, name.start - 40), name.start)
        if before and (span := a_word(*before.span(1))):
            yield span


# --- social-media display names ----------------------------------------------------------------------

_SOCIAL_NAME_CUE = re.compile(
    r"(?:เฟซ(?:บุ๊ก|บุ๊ค|บุค)?|เฟส(?:บุ๊ก|บุ๊ค|บุค)?|เพจ|ติ๊กต็อก|ติ๊กต๊อก|ไอจี|ช่อง|บัญชี|โปรไฟล์|"
    r"(?<![A-Za-z])(?:Facebook|facebook|FB|TikTok|Tiktok|tiktok|Instagram|IG|page|account|profile|channel)(?![A-Za-z]))"
)
_SOCIAL_LINK = re.compile(
    r"^(?:\s*(?:ค่ะ|ครับ|นะ|มา|เขา|ของเขา|ของ\S{0,12}|ที่\S{0,12}|ก็)?\s*)?(?:ชื่อเพจ|ชื่อบัญชี|ชื่อช่อง|ใช้ชื่อว่า|ใช้ชื่อ|ชื่อว่า|ชื่อ)\s?"
    r"|^[\s,:]*(?:(?:was|is|were|named|called|name(?:d)?\s+(?:is|was))\s+){0,2}[\s,:]*"
)
_QUOTED = re.compile(r"[\"“']([^\"”'\n]{2,60})[\"”']")
_SOCIAL_LATIN = re.compile(r"[A-Z0-9][A-Za-z0-9&.\-]*(?: [A-Z0-9][A-Za-z0-9&.\-]*){0,5}")


def find_social_names(text: str) -> Iterator[Span]:
    """Display names of Facebook pages and accounts: ``the page was called Pan Pan Shopping CM``,
    ``ชื่อเพจ "งานพาร์ทไทม์ รายได้ดี เชียงราย"``, ``มีคนทักมาในเฟซค่ะ ชื่อ ต้นกล้า สายเปย์``."""
    lex = english()
    for cue in _SOCIAL_NAME_CUE.finditer(text):
        window = text[cue.end() : cue.end() + 30]
        link = _SOCIAL_LINK.match(window)
        offset = cue.end() + (link.end() if link else 0)
        quoted = _QUOTED.match(text, offset)
        if quoted:
            span = make_span(text, quoted.start(1), quoted.end(1), "SOCIAL", "social.quoted")
            if span:
                yield span
            continue
        latin = _SOCIAL_LATIN.match(text, offset)
        if latin:
            words = latin.group(0).split()
            if len(words) >= 3 or any(w.casefold() not in lex.gazetteer and w.casefold() not in lex.function_words
                                      for w in words):
                span = make_span(text, latin.start(), latin.end(), "SOCIAL", "social.name")
                if span:
                    yield span
            continue
        if link and "ชื่อ" in window[: link.end()]:
            span = _thai_display_name(text, offset)
            if span:
                yield span


_NOT_DISPLAY_NAMES = frozenset({"ร้าน", "เพจ", "ช่อง", "บัญชี", "ไลน์", "เฟซ", "เฟส", "ผู้", "คน", "ของ", "นี้", "นั้น",
                                "อะไร", "ใคร", "เต็ม", "จริง", "ปลอม", "เดิม", "ใหม่", "เก่า"})


def _thai_display_name(text: str, start: int) -> Span | None:
    lex = thai()
    line_end = text.find("\n", start)
    tokens = _Tokens(text[start : line_end if line_end >= 0 else len(text)][:60], start)
    end = 0
    chunks = 0
    i = 0
    while i < len(tokens) and chunks < 3:
        token = tokens.get(i)
        if not _is_thai_word(token) or token in lex.boundary or i == 0 and token in _NOT_DISPLAY_NAMES:
            break
        while i < len(tokens) and _is_thai_word(tokens.get(i)) and (
                tokens.get(i) not in lex.boundary or i == 0):
            i += 1
        end = tokens.end(i - 1)
        chunks += 1
        if tokens.get(i) != " ":
            break
        i += 1
    if not end:
        return None
    return make_span(text, start, end, "SOCIAL", "social.thai")
