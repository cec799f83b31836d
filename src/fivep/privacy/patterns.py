"""Identifiers with a shape: ID numbers, phone numbers, e-mail, URLs, Line and social handles, dates of birth,
vehicle registration plates, bank account numbers.

Every pattern accepts Thai digits and text glued to Thai words (``เบอร์081-345-2290นะคะ``): digit runs
are delimited by look-arounds on digits, never by ``\\b`` (Thai letters are word characters).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from fivep.privacy.spans import Span, make_span

_DIGIT = "[0-9๐-๙]"
_NOT_DIGIT_BEFORE = "(?<![0-9๐-๙])"
_NOT_DIGIT_AFTER = "(?![0-9๐-๙])"
_TO_ASCII = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def ascii_digits(text: str) -> str:
    """The ASCII digits of ``text`` (Thai digits converted), everything else dropped."""
    return "".join(c for c in text.translate(_TO_ASCII) if "0" <= c <= "9")


# --- Thai national ID numbers ----------------------------------------------------------------------

def thai_id_checksum_ok(number: str) -> bool:
    """The mod-11 check digit of a 13-digit Thai ID number (first digit 0-8).

    The check digit is ``(11 - sum(d[i] * (13 - i) for i in 0..11) mod 11) mod 10``
    (Department of Provincial Administration, the number printed on every Thai ID card and on the
    "zero cards" of stateless and highland people).
    """
    d = ascii_digits(number)
    if len(d) != 13 or d[0] == "9":
        return False
    total = sum(int(d[i]) * (13 - i) for i in range(12))
    return (11 - total % 11) % 10 == int(d[12])


_ID = re.compile(
    f"{_NOT_DIGIT_BEFORE}({_DIGIT})([ \\-.]?)({_DIGIT}{{4}})([ \\-.]?)({_DIGIT}{{5}})([ \\-.]?)"
    f"({_DIGIT}{{2}})([ \\-.]?)({_DIGIT}){_NOT_DIGIT_AFTER}"
)
_ID_CUE = re.compile(r"เลขบัตร|บัตรประชาชน|บัตรประจำตัว|เลขประจำตัว|เลขประชาชน|บัตร|(?<![A-Za-z])(?:ID|I\.D\.|"
                     r"identity|identification|citizen|card)(?![A-Za-z])", re.IGNORECASE)
_CASE_CUE = re.compile(r"เลขคดี|คดีที่|คดีหมายเลข|เลขที่คดี|หนังสือที่|เลขที่หนังสือ|(?<![A-Za-z])(?:case|file|ref|"
                       r"reference|docket|account|invoice|order)(?![A-Za-z])", re.IGNORECASE)


def find_id_numbers(text: str) -> Iterator[Span]:
    """13-digit Thai ID numbers.

    Grouped 1-4-5-2-1 with separators, the number is taken whatever its check digit (people misread
    them, and the grouping is printed on the card); written as one run of digits it must pass the
    checksum or follow a word such as ``เลขบัตร`` / ``ID``, and never follows ``case number`` / ``เลขคดี``.
    """
    for match in _ID.finditer(text):
        digits = ascii_digits(match.group(0))
        if digits[0] == "9":
            continue
        grouped = all(match.group(i) for i in (2, 4, 6, 8))
        before = text[max(0, match.start() - 30) : match.start()]
        if not grouped:
            if _CASE_CUE.search(before):
                continue
            if not (thai_id_checksum_ok(digits) or _ID_CUE.search(before)):
                continue
        yield Span(match.start(), match.end(), "ID_NUMBER", match.group(0), "id.grouped" if grouped else "id.checksum")
    # passports (and the documents of migrant workers: certificate of identity, pink card) after their name
    for match in _PASSPORT.finditer(text):
        yield Span(match.start("number"), match.end("number"), "ID_NUMBER", match.group("number"), "id.passport")
    for match in _MIGRANT_CARD.finditer(text):
        yield Span(match.start("number"), match.end("number"), "ID_NUMBER", match.group("number"), "id.migrant_card")
    for match in _STUDENT_NUMBER.finditer(text):
        yield Span(match.start("number"), match.end("number"), "ID_NUMBER", match.group("number"), "id.student")


# --- case numbers -------------------------------------------------------------------------------------
# A court's black (pending) or red (decided) case number, or a police case or daily-report entry, finds the
# file and the people in it: "คดีหมายเลขดำที่ อ.1234/2566", "Red Case No. 4471/2566", "คดีอาญาที่ 412/2566",
# "ปจว. ข้อ 18". Only after such a word: "ครั้งที่ 2/2567" (a meeting) and "semester 2/2024" are no cases.

_CASE_NUMBER = re.compile(
    r"(?:คดี(?:หมายเลข)?(?:ดำ|แดง)(?:ที่)?|หมายเลขคดี(?:ดำ|แดง)(?:ที่)?|คดี(?:อาญา|พิเศษ)(?:ที่|เลขที่)|คดีที่|"
    r"เลขคดี(?:พิเศษ)?(?:ที่)?|หมายจับ[^\n0-9]{0,30}?(?:ที่|เลขที่)|(?i:(?:arrest\s+)?warrant\s+(?:no\.?|number|#))|"
    r"เลขรับ(?:แจ้ง)?(?:ที่)?|(?i:daily\s+(?:report|log)\s+(?:entry|item|no\.?))|"
    r"เลขที่คดี|หมายเลข(?:ดำ|แดง)(?:ที่)?|(?i:(?:black|red|criminal|civil|court|police)\s+case\s+(?:no\.?|number|#)|"
    r"case\s+(?:no\.|number|#)|black\s+case|red\s+case|case|(?:police\s+)?report\s+(?:no\.?|number|#)))"
    r"\s*(?:is\s+|:\s*|(?:มาเป็น|เป็น|คือ|ว่า)\s*)?"
    r"(?P<number>(?:[A-Za-zก-ฮ]{1,6}\.?(?:[-.]?[A-Za-zก-ฮ]{1,4}\.?)?\s?)?" f"{_DIGIT}{{1,6}}/{_DIGIT}{{2,4}})"
    f"{_NOT_DIGIT_AFTER}"
)
# A document's number with the agency's letters before it ("เลขที่ ศปคม.ชร. 045/2567", "ที่ พม 0403/ว 112" is a
# letter's number, not a case): after เลขที่, letters with dots, a number and a year.
_AGENCY_NUMBER = re.compile(
    r"(?:เลขที่|เลขรับเรื่อง|เลขรับ|(?i:reference|ref\.?))\s*(?P<number>(?:[ก-ฮ]{2,6}\.(?:[ก-ฮ]{1,4}\.)?|[A-Z]{2,6}(?:-[A-Z]{2,6})?)"
    r"\s?" f"(?:{_DIGIT}{{1,6}}/{_DIGIT}{{4}}|{_DIGIT}{{4}}-{_DIGIT}{{2,4}}))" f"{_NOT_DIGIT_AFTER}"
)
_DAILY_REPORT = re.compile(
    r"(?P<number>(?:ปจว\.?|รายงานประจำวัน(?:เกี่ยวกับคดี)?|บันทึกประจำวัน)\s*(?:ข้อ(?:ที่)?|เลขที่)\s*"
    f"{_DIGIT}{{1,5}})" f"{_NOT_DIGIT_AFTER}"
    r"|(?i:daily\s+(?:report|log)\s+(?:entry|item|no\.?)\s*)" f"(?P<entry>{_DIGIT}{{1,5}}){_NOT_DIGIT_AFTER}"
)


# A case's registration at an agency, written as a code: "เลขรับที่ CM-TIP-67-031", "ref. no. CR-67-0112".
_CASE_REFERENCE = re.compile(
    r"(?:เลขรับ(?:ที่)?|เลขที่รับ(?:แจ้ง|เรื่อง)?|เลขที่เรื่อง|(?i:(?:case|file|intake|referral)\s+(?:ref(?:erence)?\.?\s*)?"
    r"(?:no\.?|number|#|code)|ref(?:erence)?\.?(?:\s+(?:no\.?|number|#))?))\s*(?:ที่|:)?\s*"
    r"(?P<number>(?<![A-Za-z0-9])[A-Z]{1,6}(?:[-/][A-Z0-9]{1,8}){1,5}(?![A-Za-z0-9\-/]))"
)


def find_case_numbers(text: str) -> Iterator[Span]:
    """Court and police case numbers after the words that name them (see above)."""
    for match in _CASE_NUMBER.finditer(text):
        yield Span(match.start("number"), match.end("number"), "CASE_NUMBER", match.group("number"), "case.number")
    for match in _AGENCY_NUMBER.finditer(text):
        yield Span(match.start("number"), match.end("number"), "CASE_NUMBER", match.group("number"), "case.agency")
    for match in _CASE_REFERENCE.finditer(text):
        if any(c.isdigit() for c in match.group("number")):
            yield Span(match.start("number"), match.end("number"), "CASE_NUMBER", match.group("number"),
                       "case.reference")
    for match in _DAILY_REPORT.finditer(text):
        group = "number" if match.group("number") else "entry"
        yield Span(match.start(group), match.end(group), "CASE_NUMBER", match.group(group), "case.daily_report")


# The documents of migrant workers: the "pink card" (บัตรสีชมพู), a worker card, a work permit.
_MIGRANT_DOCUMENT = (r"บัตรสีชมพู|บัตรชมพู|บัตรแรงงาน(?:ต่างด้าว)?|ใบอนุญาตทำงาน|(?i:pink\s+card|migrant\s+worker\s+card|"
                     r"work\s+permit|worker\s+card)")
_PASSPORT = re.compile(
    r"(?:หนังสือเดินทาง|พาสปอร์ต|(?i:passport|certificate\s+of\s+identity|\bCI\b|travel\s+document)|"
    f"{_MIGRANT_DOCUMENT})"
    r"[^\n0-9A-Z]{0,20}?(?:(?i:no\.?|number|เลขที่)\s*)?"
    r"(?P<number>(?<![A-Za-z0-9])(?:[A-Z]{1,2}[ \-]?[0-9]{6,8}|"
    r"(?=[A-Z0-9]{7,10}(?![A-Za-z0-9]))(?=(?:[A-Z]*[0-9]){4})[0-9]*[A-Z][A-Z0-9]*)(?![A-Za-z0-9]))"
)
# A pupil's number at school ("เลขประจำตัวนักเรียน 04518", "student no. 02231") finds the child in the school's
# register: only after those words (a bare five-digit number is a count, an amount, a code).
_STUDENT_NUMBER = re.compile(
    r"(?:เลขประจำตัวนักเรียน|รหัส(?:ประจำตัว)?นักเรียน|เลขที่นักเรียน|(?i:student|pupil)\s+(?i:no\.?|number|id|"
    r"code)|(?i:student\s+id\s+(?:no\.?|number)))\s*(?:ที่|:|#)?\s*"
    f"(?P<number>{_NOT_DIGIT_BEFORE}{_DIGIT}{{3,10}}){_NOT_DIGIT_AFTER}"
)
# A migrant worker's card (the "pink card", บัตรสีชมพู, a work permit) carries a number of its own, 10 to 13
# digits, that is not a Thai ID; it identifies its holder as surely.
_MIGRANT_CARD = re.compile(
    f"(?:{_MIGRANT_DOCUMENT})" r"[^\n0-9]{0,28}?"
    f"(?P<number>{_NOT_DIGIT_BEFORE}{_DIGIT}(?:[ \\-]?{_DIGIT}){{9,12}}){_NOT_DIGIT_AFTER}"
)


# --- phone numbers ---------------------------------------------------------------------------------

_PHONE = re.compile(
    "(?<![0-9๐-๙+])(?P<cc>(?:\\+\\s?|(?<![0-9๐-๙]))(?:66|๖๖)[\\s.\\-]?(?:\\((?:0|๐)\\)\\s?)?)?"
    f"(?P<num>{_DIGIT}(?:[ .\\-]?{_DIGIT}){{7,9}}){_NOT_DIGIT_AFTER}"
)
_SEPARATOR = re.compile(r"[ .\-]")


def _valid_phone(national: str, with_country_code: bool) -> bool:
    if with_country_code:
        national = national.removeprefix("0")
        return (len(national) == 9 and national[0] in "689") or (len(national) == 8 and national[0] in "234567")
    if not national.startswith("0"):
        return False
    return (len(national) == 10 and national[1] in "689") or (len(national) == 9 and national[1] in "234567")


# A number written with another country's code ("+95 9 4127 6630" in Myanmar, "+856 20 5512 3344" in Laos): the
# plus and seven to twelve more digits in groups. (Thailand's own +66 is read with the Thai numbers above.)
_FOREIGN_PHONE = re.compile(r"(?<![0-9A-Za-z+])\+(?!66)[1-9][0-9]{0,2}(?:[ .\-]?\(0\))?(?:[ .\-]?[0-9]){7,12}(?![0-9])")


# A number read out in Thai words ("ศูนย์แปดหนึ่ง สี่ห้าหก เจ็ดแปดเก้าศูนย์"): nine or ten digit words from ศูนย์.
_DIGIT_WORD = "(?:ศูนย์|หนึ่ง|สอง|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า)"
_SPOKEN_PHONE = re.compile(f"ศูนย์(?:\\s?{_DIGIT_WORD}){{8,9}}(?!\\s?{_DIGIT_WORD})")


def find_phones(text: str) -> Iterator[Span]:
    """Thai mobile (06/08/09, 10 digits) and landline (02-07, 9 digits) numbers, +66 numbers, numbers with
    another country's code, and a number read out in Thai words."""
    for match in _FOREIGN_PHONE.finditer(text):
        yield Span(match.start(), match.end(), "PHONE", match.group(0), "phone.foreign")
    for match in _SPOKEN_PHONE.finditer(text):
        yield Span(match.start(), match.end(), "PHONE", match.group(0), "phone.spoken")
    for match in _PHONE.finditer(text):
        number = match.group("num")
        with_cc = match.group("cc") is not None
        end = match.end("num")
        # A number followed by another figure ("053 248 116 2 คน"): drop trailing groups until valid.
        while number:
            if _valid_phone(ascii_digits(number), with_cc):
                start = match.start() if with_cc else match.start("num")
                yield Span(start, end, "PHONE", text[start:end], "phone")
                break
            cut = max((m.start() for m in _SEPARATOR.finditer(number)), default=-1)
            if cut <= 0:
                break
            number = number[:cut]
            end = match.start("num") + cut


# --- e-mail, URLs, handles ----------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}"
)
_URL_CHARS = "[^\\s<>\"'“”‘’\u0e00-\u0e7f]"
_URL = re.compile(
    f"(?:https?://|www\\.){_URL_CHARS}+"
    r"|(?<![@A-Za-z0-9._%+\-])(?:[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.)+"
    r"(?:com|org|net|info|biz|me|io|ly|gl|app|asia|th|la|mm|kh|cn|link|page|site|online|shop)"
    f"(?:/{_URL_CHARS}*)?(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_SOCIAL_HOSTS = re.compile(r"^(?:https?://)?(?:www\.|m\.|web\.|vt\.)?(facebook\.com|fb\.com|fb\.me|fb\.watch|"
                           r"instagram\.com|instagr\.am|tiktok\.com|twitter\.com|x\.com|youtube\.com|youtu\.be|"
                           r"t\.me|threads\.net)(?:/|$)", re.IGNORECASE)
_LINE_HOSTS = re.compile(r"^(?:https?://)?(?:www\.)?(?:line\.me|lin\.ee)(?:/|$)", re.IGNORECASE)


def find_emails(text: str) -> Iterator[Span]:
    for match in _EMAIL.finditer(text):
        yield Span(match.start(), match.end(), "EMAIL", match.group(0), "email")


def find_urls(text: str) -> Iterator[Span]:
    """URLs; those of social networks are ``SOCIAL``, Line links ``LINE_ID``."""
    for match in _URL.finditer(text):
        span = make_span(text, match.start(), match.end(), "URL", "url")
        if span is None or "." not in span.text:
            continue
        if _LINE_HOSTS.match(span.text):
            yield Span(span.start, span.end, "LINE_ID", span.text, "url.line")
        elif _SOCIAL_HOSTS.match(span.text):
            yield Span(span.start, span.end, "SOCIAL", span.text, "url.social")
        else:
            yield span


_LINE_CUE = re.compile(r"ไลน์|ไลน|(?<![A-Za-z])line(?![A-Za-z])", re.IGNORECASE)
_SOCIAL_CUE = re.compile(
    r"เฟซ|เฟส|ติ๊กต็อก|ติ๊กต๊อก|ติ้กต้อก|ติ๊กต๊อค|ไอจี|อินสตาแกรม|อินสตา|ทวิตเตอร์|เทเลแกรม|ยูทูบ|เพจ|ช่อง|โปรไฟล์|บัญชี|"
    r"(?<![A-Za-z])(?:facebook|fb|tiktok|tik tok|instagram|insta|ig|twitter|telegram|wechat|whatsapp|youtube|"
    r"account|page|profile|channel|username|user ?name|handle)(?![A-Za-z])", re.IGNORECASE)
_ID_WORD = re.compile(r"ไอดี|แอด|(?<![A-Za-z])id(?![A-Za-z])", re.IGNORECASE)
_HANDLE_TOKEN = re.compile(r"(?<![A-Za-z0-9._@/\-])[A-Za-z0-9][A-Za-z0-9._\-]{2,39}(?![A-Za-z0-9@/])")
_AT_HANDLE = re.compile(r"(?<![A-Za-z0-9._%+\-])@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?")
_SHAPED_HANDLE = re.compile(
    r"(?<![A-Za-z0-9._@/\-])(?:[a-z][a-z0-9]*(?:[._][a-z0-9]+)+|[a-z]{3,}\d{2,})(?![A-Za-z0-9@/\-])")
_ROSTER_CODE = re.compile(r"^[A-Z]{1,6}(?:-[A-Z0-9]{1,6}){1,3}$")
_SENTENCE_END = re.compile(r"[\n!?]|\.(?:\s|$)")
_NOT_HANDLES = frozenset({"covid19", "covid-19", "mp3", "mp4", "h264", "ipv4", "ipv6", "web2", "web3"})


def _platform(text: str, start: int, end: int) -> str:
    """``LINE_ID`` or ``SOCIAL`` for a handle, from the platform named closest before it."""
    window = text[max(0, start - 80) : end]
    line = [m.end() for m in _LINE_CUE.finditer(window)]
    social = [m.end() for m in _SOCIAL_CUE.finditer(window)]
    if line and (not social or max(line) >= max(social)):
        return "LINE_ID"
    if social:
        return "SOCIAL"
    return "LINE_ID"


def _looks_like_handle(token: str, known: frozenset[str], first: bool) -> bool:
    if _ROSTER_CODE.match(token) or token.isdigit() or token.casefold() in _NOT_HANDLES:
        return False
    if any(c.isdigit() for c in token) and any(c.isalpha() for c in token):
        return True
    if "_" in token or ("." in token.strip(".") and token.strip(".").replace(".", "").isalnum()):
        return True
    # a plain word ("somchaipcm") only right after the cue, and only if it is no English word
    return first and token.islower() and len(token) >= 5 and token.isalpha() and token not in known


_NOT_HANDLE_ENDS = frozenset({
    "com", "net", "org", "th", "co", "go", "ac", "or", "in", "io", "me", "ly", "asia", "info", "biz", "gov", "edu",
    "pdf", "doc", "docx", "xls", "xlsx", "csv", "txt", "jpg", "jpeg", "png", "gif", "mp3", "mp4", "mov", "zip",
    "ppt", "pptx", "html", "htm", "php", "exe", "apk", "json", "xml", "md", "py",
})


def _dotted_after_cue(text: str, start: int, token: str) -> bool:
    """A dotted name (``jeab.job``) is a handle when a Line or social cue came earlier on its line."""
    if "." not in token or token.rsplit(".", 1)[1].casefold() in _NOT_HANDLE_ENDS:
        return False
    line = text[text.rfind("\n", 0, start) + 1 : start]
    return any(r.search(line) for r in (_LINE_CUE, _SOCIAL_CUE, _ID_WORD))


@cache
def _known_english() -> frozenset[str]:
    """English dictionary words and places (built once: 60,000 words)."""
    from fivep.privacy.lexicon import english

    return frozenset(english().known | english().gazetteer)


def find_handles(text: str) -> Iterator[Span]:
    """Line IDs and social-media handles: ``@handle``, a handle after ``ไลน์`` / ``Line ID`` / ``TikTok``,
    and handle-shaped tokens (``jobdee_cm99``, ``natty.model2``) anywhere."""
    known = _known_english()
    for match in _AT_HANDLE.finditer(text):
        if len(match.group(0)) >= 3:
            yield Span(match.start(), match.end(), _platform(text, match.start(), match.end()), match.group(0),
                       "handle.at")
    cues = [m for r in (_LINE_CUE, _SOCIAL_CUE, _ID_WORD) for m in r.finditer(text)]
    for cue in cues:
        stop = _SENTENCE_END.search(text, cue.end())
        limit = min(cue.end() + 45, stop.start() if stop else len(text))
        for n, token in enumerate(_HANDLE_TOKEN.finditer(text, cue.end(), limit)):
            after = text[token.end() : token.end() + 1]
            if after and (after.isalnum() or after in "'’"):
                continue  # cut by the window, or a contraction ("doesn't")
            candidate = make_span(text, token.start(), token.end(), "LINE_ID", "handle.cue")
            if candidate and _looks_like_handle(candidate.text, known, n == 0):
                yield Span(candidate.start, candidate.end, _platform(text, candidate.start, candidate.end),
                           candidate.text, "handle.cue")
                break
    for match in _SHAPED_HANDLE.finditer(text):
        span = make_span(text, match.start(), match.end(), "LINE_ID", "handle.shape")
        if span and span.text not in _NOT_HANDLES and (
                any(c.isdigit() for c in span.text) or "_" in span.text or _dotted_after_cue(text, span.start, span.text)):
            yield Span(span.start, span.end, _platform(text, span.start, span.end), span.text, "handle.shape")


# --- dates of birth ------------------------------------------------------------------------------------

_TH_MONTHS = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม", "กันยายน",
              "ตุลาคม", "พฤศจิกายน", "ธันวาคม")
_TH_ABBR = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
_TH_MONTH = "(?:" + "|".join([*_TH_MONTHS, *(re.escape(a).replace("\\.", "\\.?\\s?") for a in _TH_ABBR)]) + ")"
_EN_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
             r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?")
_YEAR_TAG = r"(?:(?:พ\.\s?ศ\.|ค\.\s?ศ\.|พศ\.?|B\.?E\.?|A\.?D\.?|C\.?E\.?)\s?)?"
_DATE = re.compile(
    f"{_NOT_DIGIT_BEFORE}(?:{_DIGIT}{{1,2}}\\s?(?:เดือน\\s?)?{_TH_MONTH}\\s?{_YEAR_TAG}(?P<y1>{_DIGIT}{{4}}|{_DIGIT}{{2}})"
    f"|\\d{{1,2}}(?:st|nd|rd|th)?\\s(?:of\\s)?{_EN_MONTH},?\\s{_YEAR_TAG}(?P<y2>\\d{{4}})"
    f"|{_EN_MONTH}\\s\\d{{1,2}}(?:st|nd|rd|th)?,?\\s(?P<y3>\\d{{4}})"
    f"|{_DIGIT}{{1,2}}[/.\\-]{_DIGIT}{{1,2}}[/.\\-](?P<y4>{_DIGIT}{{4}}|{_DIGIT}{{2}}))(?![0-9๐-๙/])"
)
_BIRTH_CUE = re.compile(r"เกิด|สูติบัตร|(?<![A-Za-z])(?:born|birth|birthday|dob|d\.o\.b\.?|date of birth)(?![A-Za-z])",
                        re.IGNORECASE)


def _birth_year(year: str) -> bool:
    """A four-digit year (B.E. or C.E.) in which a living respondent could have been born."""
    digits = ascii_digits(year)
    if len(digits) != 4:
        return False
    number = int(digits)
    if number > 2400:
        number -= 543
    return 1930 <= number <= 2016


def find_birth_dates(text: str) -> Iterator[Span]:
    """Full dates (day, month and year) after a birth word (``เกิด``, ``born``, ``DOB``), or with a birth year."""
    for match in _DATE.finditer(text):
        year = next(match.group(g) for g in ("y1", "y2", "y3", "y4") if match.group(g))
        before = text[max(0, match.start() - 45) : match.start()]
        cue = _BIRTH_CUE.search(before)
        if cue or _birth_year(year):
            span = make_span(text, match.start(), match.end(), "DATE_OF_BIRTH", "dob.cue" if cue else "dob.year")
            if span:
                yield span


# --- vehicle registration plates --------------------------------------------------------------------
# A Thai plate is one or two consonants (a digit before them on newer cars: "1กก") and up to four digits,
# with the province under them ("กข 9082 เชียงใหม่"); vans and trucks have two digits, a dash and four
# ("30-7715 กรุงเทพมหานคร"). Letters and digits alone are too common a shape ("คน 15"), so a plate needs
# the province after it or a word for a plate shortly before it.

_PLATE = re.compile(
    f"(?<![\u0e00-\u0e7fA-Za-z0-9๐-๙])(?:{_DIGIT}?[ก-ฮ]{{1,2}}[- ]?{_DIGIT}{{1,4}}|{_DIGIT}{{2}}-{_DIGIT}{{4}})"
    f"{_NOT_DIGIT_AFTER}(?![\u0e30-\u0e4e])"
)
_PLATE_CUE = re.compile(r"(?:ทะเบียน|ป้าย|(?i:plate|registration|registered|licen[cs]e)(?:\s+(?:no\.?|number))?)"
                        r"[\s:.,]*(?:(?:คือ|เลข(?:ที่)?|is|was|of|number|no\.?)[\s:]*){0,2}$")


# Words of one or two consonants that come before a number: units and people ("คน 15", "กม 12"), not plates.
_NOT_PLATE_LETTERS = frozenset({"คน", "ผม", "กม", "ชม", "ซม", "มม", "กก", "ลบ", "นน", "ตร"})


@cache
def _province_after() -> re.Pattern[str]:
    from fivep.ingest.vocabulary import _provinces_th

    names = {*_provinces_th(), *_provinces_th().values(), "กรุงเทพฯ"}
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(f"\\s?(?:จ\\.|จังหวัด)?\\s?(?:{alternatives})(?![\\u0e00-\\u0e7fA-Za-z])")


# A plate in Latin letters (a Lao or a romanised Thai plate) only right after a word for a plate: "plate BK 4127".
_PLATE_LATIN = re.compile(r"(?i:plate|registration|ทะเบียน)(?:\s+(?i:no\.?|number))?[\s:,]*"
                          r"(?P<number>(?<![A-Za-z0-9])[A-Z]{1,3}[ -]?[0-9]{3,4}(?![A-Za-z0-9]))")


def find_plates(text: str) -> Iterator[Span]:
    """Vehicle registration plates: ``ทะเบียน บท 4721 เชียงราย``, ``plate 1กก 5521 Chiang Mai``, ``plate BK 4127``."""
    for latin in _PLATE_LATIN.finditer(text):
        yield Span(latin.start("number"), latin.end("number"), "PLATE", latin.group("number"), "plate.latin")
    for match in _PLATE.finditer(text):
        province = _province_after().match(text, match.end())
        cued = _PLATE_CUE.search(text[max(0, match.start() - 30) : match.start()]) is not None
        letters = re.sub(r"[^ก-ฮ]", "", match.group(0))
        if not cued and (not province or letters in _NOT_PLATE_LETTERS):
            continue
        end = province.end() if province else match.end()
        span = make_span(text, match.start(), end, "PLATE", "plate.province" if province else "plate.cue")
        if span:
            yield span


# --- bank account numbers ---------------------------------------------------------------------------
# Thai banks print a 10-digit account number 3-1-5-1 ("123-4-56789-0"); savings banks use 12 digits. The
# grouped shape is an account number on its own; a run of 10 to 12 digits only after a word for an account
# (a bare 10-digit run is more often a phone number).

_ACCOUNT_GROUPED = re.compile(
    f"{_NOT_DIGIT_BEFORE}{_DIGIT}{{3}}[- ]{_DIGIT}[- ]{_DIGIT}{{5}}[- ]{_DIGIT}{_NOT_DIGIT_AFTER}"
)
_ACCOUNT_RUN = re.compile(f"{_NOT_DIGIT_BEFORE}{_DIGIT}(?:[- ]?{_DIGIT}){{9,11}}{_NOT_DIGIT_AFTER}")
_ACCOUNT_CUE = re.compile(
    r"(?:บัญชี|บ/ช|(?i:account|acct|a/c|bank))[^\n]{0,24}$"
)


def find_bank_accounts(text: str) -> Iterator[Span]:
    """Bank account numbers: ``123-4-56789-0`` anywhere, ``เลขบัญชี 1234567890`` after a word for an account."""
    seen: set[int] = set()
    for match in _ACCOUNT_GROUPED.finditer(text):
        seen.add(match.start())
        span = make_span(text, match.start(), match.end(), "BANK_ACCOUNT", "account.grouped")
        if span:
            yield span
    for match in _ACCOUNT_RUN.finditer(text):
        if match.start() in seen or not _ACCOUNT_CUE.search(text[max(0, match.start() - 40) : match.start()]):
            continue
        span = make_span(text, match.start(), match.end(), "BANK_ACCOUNT", "account.cue")
        if span:
            yield span
