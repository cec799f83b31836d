"""What roster values mean: the spellings fivep accepts for each known column, and their readers.

Every reader returns the canonical value or None when it cannot read the value; :func:`closest`
names the nearest known spelling for a hint. Missing values are empty cells or a marker from
:data:`MISSING_MARKERS` that is not a value of the column itself (``Nan`` is a province, never
"missing").
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from fivep.ingest.thai import thai_to_arabic_digits

REQUIRED = ("respondent_id", "group")
NUMERIC = ("age", "years_experience")

_HEADER_ALIASES = {
    "id": "respondent_id", "respondent": "respondent_id", "code": "respondent_id", "รหัส": "respondent_id",
    "รหัสผู้ให้ข้อมูล": "respondent_id", "respondentid": "respondent_id",
    "กลุ่ม": "group", "respondent_group": "group", "pid": "respondent_id", "m/f": "sex", "f/m": "sex",
    "prov.": "province", "exp.": "years_experience", "fgd_#": "session_id", "fgd_no.": "session_id",
    "เพศ": "sex", "gender": "sex",
    "อายุ": "age", "age_years": "age",
    "participant": "respondent_id", "participant_code": "respondent_id", "informant": "respondent_id",
    "informant_code": "respondent_id", "grp": "group", "prov": "province", "yrs_exp": "years_experience",
    "yrsexp": "years_experience", "exp": "years_experience", "exp_yrs": "years_experience",
    "กลุ่มย่อย": "session_id",   # a focus group's number ("กลุ่มที่ ๑"), not the respondent's group
    "age_band": "age_band", "ageband": "age_band",   # a de-identified copy's generalised age ("15-17"), kept as text
    "จังหวัด": "province",
    "ประสบการณ์": "years_experience", "ประสบการณ์ทำงาน": "years_experience", "experience": "years_experience",
    "years": "years_experience", "yearsexperience": "years_experience", "years_of_experience": "years_experience",
    "ภาค": "sector", "หน่วยงาน": "sector", "วิธีการ": "method", "session": "session_id", "sessionid": "session_id",
    # a liaison's or a registry's words: "Ref", "Service" (years of service), "Area"
    "ref": "respondent_id", "ref.": "respondent_id", "ref_no": "respondent_id", "ref_no.": "respondent_id",
    "service": "years_experience", "years_of_service": "years_experience", "service_years": "years_experience",
    "yrs_of_service": "years_experience", "อายุราชการ": "years_experience", "area": "province",
}

_SEX = {
    "f": "female", "female": "female", "woman": "female", "girl": "female", "w": "female",
    "หญิง": "female", "ญ": "female", "ผู้หญิง": "female", "เพศหญิง": "female", "ด.ญ": "female",
    "m": "male", "male": "male", "man": "male", "boy": "male",
    "ชาย": "male", "ช": "male", "ผู้ชาย": "male", "เพศชาย": "male", "ด.ช": "male",
    # titles that say the sex, as Thai rosters of minors and officials write it (เด็กหญิง is what ด.ญ. abbreviates)
    "เด็กหญิง": "female", "นางสาว": "female", "น.ส": "female", "นาง": "female", "women": "female",
    "mrs": "female", "ms": "female", "miss": "female", "females": "female",
    "เด็กชาย": "male", "นาย": "male", "men": "male", "mr": "male", "males": "male",
    "other": "other", "nonbinary": "other", "non-binary": "other",
    "lgbtq": "other", "lgbtq+": "other", "เพศทางเลือก": "other", "อื่นๆ": "other", "อื่น": "other",
}
# Explicit "no value" markers. Deliberately not "nan": Nan (น่าน) is a province.
MISSING_MARKERS = frozenset({"-", "–", "—", "na", "n/a", "n.a", "none", "null", "ไม่ระบุ", "ไม่ทราบ", "ไม่มีข้อมูล",
                             "unknown", "?", "not known", "not stated", "unk", "not recorded", "ไม่ได้บันทึก", "ไม่ได้ระบุ",
                             "no data", "prefer not to say", "declined", "ไม่ประสงค์ระบุ", "ไม่ขอระบุ", "ไม่ประสงค์จะระบุ",
                             "prefers not to disclose", "prefer not to disclose", "not disclosed", "n.r", "nr",
                             "ไม่เกี่ยวข้อง", "not applicable", "ไม่ประสงค์เปิดเผย", "not given", "missing",
                             "missing value", "system missing", "n/k", "nk", "ข้อมูลขาดหาย", "ไม่มี"})

_GROUP = {
    "government": "government", "gov": "government", "government official": "government",
    "government officials": "government", "official": "government", "officials": "government",
    "ภาครัฐ": "government", "เจ้าหน้าที่รัฐ": "government", "รัฐ": "government",
    "ngo": "ngo", "ngos": "ngo", "ngo staff": "ngo", "civil society": "ngo", "ภาคประชาสังคม": "ngo",
    "เอ็นจีโอ": "ngo", "องค์กรพัฒนาเอกชน": "ngo", "เจ้าหน้าที่องค์กรพัฒนาเอกชน": "ngo",
    "expert": "expert", "experts": "expert", "senior expert": "expert", "senior experts": "expert",
    "ผู้เชี่ยวชาญ": "expert", "ผู้ทรงคุณวุฒิ": "expert", "ผชช": "expert", "ผทว": "expert",
    "victim": "victim", "victims": "victim", "minor victim": "victim", "minor victims": "victim",
    "young person": "victim", "survivor": "victim", "survivors": "victim", "ผู้เสียหาย": "victim",
    "เหยื่อ": "victim", "เด็กผู้เสียหาย": "victim", "ผู้เสียหายที่เป็นเด็ก": "victim",
}
_METHOD = {
    "interview": "interview", "in-depth interview": "interview", "indepth interview": "interview",
    "idi": "interview", "ii": "interview", "สัมภาษณ์": "interview", "สัมภาษณ์เชิงลึก": "interview",
    "in-depth": "interview", "indepth": "interview", "individual interview": "interview", "kii": "interview",
    "สัมภาษณ์เดี่ยว": "interview", "สัมภาษณ์รายบุคคล": "interview", "การสนทนากลุ่มย่อย": "focus_group",
    "1-on-1": "interview", "one-on-one": "interview", "1:1": "interview", "group discussion": "focus_group",
    "group": "focus_group",
    "สนทนากลุ่มย่อย": "focus_group",
    "key informant interview": "interview", "f2f interview": "interview", "face-to-face interview": "interview",
    "zoom interview": "interview", "online interview": "interview", "phone interview": "interview",
    "telephone interview": "interview", "online fgd": "focus_group", "online focus group": "focus_group",
    "การสัมภาษณ์เชิงลึก": "interview", "การสัมภาษณ์": "interview",
    "focus group": "focus_group", "focus_group": "focus_group", "focus-group": "focus_group",
    "fgd": "focus_group", "fg": "focus_group", "focus group discussion": "focus_group",
    "สนทนากลุ่ม": "focus_group", "การสนทนากลุ่ม": "focus_group",
}
_PROVINCE_EXTRA = {"bangkok": "Bangkok", "bkk": "Bangkok", "กทม": "Bangkok", "กรุงเทพ": "Bangkok",
                   "กรุงเทพฯ": "Bangkok", "chiangmai": "Chiang Mai", "chiangrai": "Chiang Rai",
                   "cm": "Chiang Mai", "cr": "Chiang Rai", "pr": "Phrae",
                   # the provinces' airport codes, a common short form in field notes
                   "cnx": "Chiang Mai", "cei": "Chiang Rai", "prh": "Phrae", "lpt": "Lampang", "hgn": "Mae Hong Son",
                   "nnt": "Nan", "phs": "Phitsanulok", "hkt": "Phuket", "dmk": "Bangkok",
                   "c.mai": "Chiang Mai", "c.rai": "Chiang Rai", "phr": "Phrae"}


def _key(value: str) -> str:
    return re.sub(r"[\s_.\-]+", "", value).casefold()


@lru_cache(maxsize=1)
def _provinces() -> dict[str, str]:
    """Lookup from every spelling we accept to the canonical English name (PyThaiNLP's list)."""
    from pythainlp.corpus import provinces

    table: dict[str, str] = {}
    rows: list[dict[str, str]] = provinces(details=True)  # type: ignore[assignment]
    for row in rows:
        name = row["name_en"]
        for spelling in (row["name_th"], row["name_en"], row["abbr_th"]):
            if spelling:
                table[_key(spelling)] = name
    table.update({_key(k): v for k, v in _PROVINCE_EXTRA.items()})
    return table


_PROVINCE_WORD = re.compile(r"^(?:จังหวัด|จ\.|จ\s)\s*|\s*(?:province|จังหวัด)\.?$", re.IGNORECASE)
_PROVINCE_MARKED = re.compile(r"(?:จังหวัด|จ\.)\s*([^\s,;]+)")


def _province_exact(text: str) -> str | None:
    return _provinces().get(_key(_PROVINCE_WORD.sub("", text.strip())))


def normalize_province(value: str) -> str | None:
    """A province in Thai or English script (``จ.เชียงราย``, ``Chiangrai``) -> its canonical English name.

    Only an exact province name is read (after case, spaces, dots, the words ``จังหวัด``/``จ.``/``Province``):
    a near-match (``Nann``, ``Tak Bai``, a district of Narathiwat, ``Nang Rong``) gives None, never the
    province it resembles. A district is read only when the province is named apart from it, after
    ``จ.``/``จังหวัด`` (``อ.แม่สาย จ.เชียงราย``) or a comma (``Mae Sai, Chiang Rai``); a value naming two
    different provinces gives None.
    """
    value = _REGION.sub("", value)   # "ภาคเหนือ – แพร่", "Northern region: Nan"
    found = _province_exact(value)
    if found:
        return found
    # the capital district (อำเภอเมือง) of a province is in that province: เมืองน่าน, อ.เมืองเชียงใหม่, Mueang Nan
    capital = re.sub(r"^(?:(?:อ\.|อำเภอ)?\s*เมือง|(?:amphoe\s+)?m(?:ue|u|eu)ang\s)\s*", "", value.strip(), flags=re.IGNORECASE)
    if capital != value.strip() and (found := _province_exact(capital)):
        return found
    parts = [m.group(1) for m in _PROVINCE_MARKED.finditer(value)]
    if "," in value or ";" in value or re.search(r"\s[–—-]\s", value):   # "Mae Sai, Chiang Rai"; "ภาคเหนือ – แพร่"
        parts += [p for p in re.split(r"[,;]|\s[–—-]\s", value) if _key(p) not in ("thailand", "ประเทศไทย", "ไทย")]
    # a district marked as one, then the province: "เขตพญาไท กรุงเทพฯ", "อ.เชียงของ เชียงราย", "Fang District Chiang Mai"
    words = value.split()
    if len(words) >= 2 and _DISTRICT.match(value.strip()):
        parts += [" ".join(words[i:]) for i in range(1, len(words))]
    named = {p for p in map(_province_exact, parts) if p}
    if not named and (loose := _province_loose(value)):
        return loose
    bare = _DISTRICT_WORD.sub("", value.strip())
    if not named and (district := _NORTHERN_DISTRICTS.get(_key(bare))) and (
            bare != value.strip() or _key(bare) not in _ORDINARY_WORDS):
        return district
    return named.pop() if len(named) == 1 else None


# The districts of the study's provinces, each in its one province ("อ.แม่สาย", "อำเภอฮอด", "Mae Sai District"):
# a roster that names only the district still tells the province. Other provinces' districts are not listed: a
# district elsewhere is read only with its province, as above.
_DISTRICT_LIST = {
    "Chiang Mai": ("เมืองเชียงใหม่ Mueang Chiang Mai|จอมทอง Chom Thong|แม่แจ่ม Mae Chaem|เชียงดาว Chiang Dao|"
                   "ดอยสะเก็ด Doi Saket|แม่แตง Mae Taeng|แม่ริม Mae Rim|สะเมิง Samoeng|ฝาง Fang|แม่อาย Mae Ai|"
                   "พร้าว Phrao|สันป่าตอง San Pa Tong|สันกำแพง San Kamphaeng|สันทราย San Sai|หางดง Hang Dong|ฮอด Hot|"
                   "ดอยเต่า Doi Tao|อมก๋อย Omkoi|สารภี Saraphi|เวียงแหง Wiang Haeng|ไชยปราการ Chai Prakan|แม่วาง Mae Wang|"
                   "แม่ออน Mae On|ดอยหล่อ Doi Lo|กัลยาณิวัฒนา Galyani Vadhana"),
    "Chiang Rai": ("เมืองเชียงราย Mueang Chiang Rai|เวียงชัย Wiang Chai|เชียงของ Chiang Khong|เทิง Thoeng|พาน Phan|"
                   "ป่าแดด Pa Daet|แม่จัน Mae Chan|เชียงแสน Chiang Saen|แม่สาย Mae Sai|แม่สรวย Mae Suai|"
                   "เวียงป่าเป้า Wiang Pa Pao|พญาเม็งราย Phaya Mengrai|เวียงแก่น Wiang Kaen|ขุนตาล Khun Tan|"
                   "แม่ฟ้าหลวง Mae Fa Luang|แม่ลาว Mae Lao|เวียงเชียงรุ้ง Wiang Chiang Rung|ดอยหลวง Doi Luang"),
    "Phrae": ("เมืองแพร่ Mueang Phrae|ร้องกวาง Rong Kwang|ลอง Long|สูงเม่น Sung Men|เด่นชัย Den Chai|สอง Song|"
              "วังชิ้น Wang Chin|หนองม่วงไข่ Nong Muang Khai"),
}
_NORTHERN_DISTRICTS = {_key(name): province for province, names in _DISTRICT_LIST.items()
                       for pair in names.split("|") for name in (pair.split(" ", 1))}


@lru_cache(maxsize=1)
def northern_districts_th() -> frozenset[str]:
    """The Thai names of the study provinces' districts, without ``เมือง`` for the capital's (``เชียงราย``)."""
    return frozenset(pair.split(" ", 1)[0].removeprefix("เมือง") for names in _DISTRICT_LIST.values()
                     for pair in names.split("|"))
_ORDINARY_WORDS = frozenset({"สอง", "ลอง", "song", "long", "hot", "phan", "fang"})   # districts only after อ. / District
_DISTRICT_WORD = re.compile(r"^(?:อ\.|อำเภอ|amphoe\s+|amphur\s+|district\s+(?:of\s+)?)|\s+district$", re.IGNORECASE)


_REGION = re.compile(r"^\s*(?:ภาค(?:ตะวันออกเฉียงเหนือ|เหนือ|กลาง|ใต้|อีสาน|ตะวันออก|ตะวันตก)|(?:northern|north|central|"
                     r"southern|south|north-?eastern|eastern|western|northeast)(?:\s+(?:region|thailand))?)\s*[-–—:]\s*",
                     re.IGNORECASE)
_DISTRICT = re.compile(r"^(?:อ\.|อำเภอ|เขต|ต\.|ตำบล|แขวง|amphoe\s|district\s|\S+\s+district\b)", re.IGNORECASE)


def _loose_key(value: str) -> str:
    """A province's romanisation with the letters spellings disagree on taken out: Payao / Phayao,
    Prae / Phrae, Lampoon / Lamphun, Chieng Mai / Chiang Mai, Muang / Mueang."""
    key = _key(_PROVINCE_WORD.sub("", value.strip()))
    for a, b in (("ph", "p"), ("th", "t"), ("kh", "k"), ("ie", "ia"), ("ue", "u"), ("eu", "u"), ("oo", "u"),
                 ("ee", "i"), ("r", "l")):
        key = key.replace(a, b)
    return key


@lru_cache(maxsize=1)
def _loose_provinces() -> dict[str, str]:
    """Loose key -> province, for the keys only one province has."""
    seen: dict[str, set[str]] = {}
    for spelling, name in _provinces().items():
        if spelling.isascii():
            seen.setdefault(_loose_key(spelling), set()).add(name)
    return {key: names.pop() for key, names in seen.items() if len(names) == 1}


def _province_loose(value: str) -> str | None:
    """A romanisation variant of exactly one province's name (reported by the roster reader as read)."""
    if not value.isascii() or len(_key(value)) < 3:
        return None
    return _loose_provinces().get(_loose_key(value))


#: Titles that do not say the sex (ดร. "Dr", academic ranks, คุณ, อาจารย์): in the sex column they are read as
#: missing, with a warning naming the rows, never guessed.
SEXLESS_TITLES = frozenset(_key(t) for t in ("ดร.", "dr", "prof", "professor", "ศ.", "รศ.", "ผศ.", "ศ.ดร.", "รศ.ดร.",
                                             "ผศ.ดร.", "อาจารย์", "อ.", "คุณ", "khun", "mx"))


def is_sexless_title(value: str) -> bool:
    return _key(value) in SEXLESS_TITLES


# A police or military rank (ร.ต.อ., พ.ต.ท., ด.ต., จ.ส.ต.): Thai writes หญิง after a woman's rank, nothing after a man's.
_RANK = re.compile(r"^(?:[ก-ฮ]{1,3}\.){1,4}(?P<woman>\s?หญิง)?$")


def normalize_sex(value: str) -> str | None:
    text = value.strip()
    found = _SEX.get(text.rstrip(".").casefold())
    if found is None and not is_sexless_title(text) and (rank := _RANK.match(text)):
        return "female" if rank.group("woman") else "male"
    return found


def parse_number(value: str) -> float | None:
    """``"16"``, ``"๑๖"``, ``"16 ปี"``, ``"อายุ 16 ปี"``, ``"12.5 years"``, ``"16 y/o"``, ``"1 ปี 6 เดือน"``,
    ``"6 เดือน"`` (0.5), ``"20+"`` (20) -> a number, else None."""
    text = thai_to_arabic_digits(value).strip().casefold().replace(",", ".")
    text = re.sub(r"^(?:อายุราชการ|อายุงาน|อายุ|age|ประสบการณ์(?:ทำงาน)?|ทำงาน(?:มา)?|ประมาณ|ราว|approx\.?|about|~)\s*",
                  "", text)
    if text.endswith("ปีครึ่ง"):   # "3 ปีครึ่ง": three and a half years; "ปีครึ่ง" alone: one and a half
        whole = parse_number(text[: -len("ปีครึ่ง")] or "1")
        return None if whole is None else whole + 0.5
    match = re.fullmatch(
        r"(?P<n>\d+(?:\.\d+)?)\s*\+?\s*(?P<unit>ปี|yrs?\.?|years?(?: old)?|y/?o|y|เดือน|months?|mos?\.?)?"
        r"(?:\s*(?P<m>\d+)\s*(?:เดือน|months?|mos?\.?))?"
        r"(?:\s+(?:of\s+)?(?:service|experience|in\s+(?:service|the\s+field)))?",   # "23 years service"
        text,
    )
    if not match:
        return None
    number = float(match.group("n"))
    if (match.group("unit") or "").startswith(("เดือน", "month", "mo")):
        return number / 12
    if match.group("m"):
        number += int(match.group("m")) / 12
    return number


def _lookup(table: dict[str, str]) -> Callable[[str], str | None]:
    keyed = {_key(k): v for k, v in table.items()}

    def find(value: str) -> str | None:
        return keyed.get(_key(value))

    return find


_method_lookup = _lookup(_METHOD)
# A session named after the method: "สนทนากลุ่ม ครั้งที่ 2", "FGD 3", "focus group #1", "FGD-2".
_SESSION_AFTER = re.compile(r"\s*(?:[-#]\s*|(?:ครั้งที่|กลุ่มที่|รอบที่|session|group|no\.?)\s*)?[0-9๐-๙]+\s*$",
                            re.IGNORECASE)


def normalize_method(value: str) -> str | None:
    """interview / focus_group, also when the value names the session after the method."""
    found = _method_lookup(value)
    for shorter in (re.sub(r"\s*[-#]?\s*[0-9๐-๙]+\s*$", "", value), _SESSION_AFTER.sub("", value)):
        if found is None and shorter != value:
            found = _method_lookup(shorter)
    if found is None and len(value) <= 60:   # described in words: "individual in-depth interview", "focus group no."
        if _FOCUS_WORDS.search(value):
            return "focus_group"
        if _INTERVIEW_WORDS.search(value):
            return "interview"
    return found


_FOCUS_WORDS = re.compile(r"focus[\s-]*group|group\s+(?:disc(?:ussion|\.)?|interview)|สนทนากลุ่ม", re.IGNORECASE)
_INTERVIEW_WORDS = re.compile(r"(?<![A-Za-z])(?:in-?depth|individual|one-to-one|key\s+informant)\b.*interview|"
                              r"สัมภาษณ์(?:เชิงลึก|รายบุคคล|เดี่ยว)", re.IGNORECASE)
_group_lookup = _lookup(_GROUP)


# When no spelling matches exactly, a word in the value decides (first rule that matches wins: an
# "NGO expert" is an expert, an "NGO officer" NGO staff, a "child victim" a victim).
_GROUP_WORDS = (
    ("expert", ("expert", "specialist", "academic", "key informant", "ผู้เชี่ยวชาญ", "ผู้ทรงคุณวุฒิ", "นักวิชาการ")),
    ("ngo", ("ngo", "non-gov", "nongov", "civil society", "cso", "foundation", "association", "เอกชน", "มูลนิธิ",
             "สมาคม", "เอ็นจีโอ", "ประชาสังคม", "cbo", "community-based", "community based", "faith-based",
             "faith based")),
    ("victim", ("victim", "survivor", "ผู้เสียหาย", "เหยื่อ")),
    # a state agency named instead of the group ("Chiang Rai Provincial Public Prosecutor Office",
    # "ศาลเยาวชนและครอบครัวจังหวัดแพร่", "บ้านพักเด็กและครอบครัว..."): before the victims' words its name may hold
    ("government", ("provincial office", "office of", " office", "ministry", "department", "police", "court",
                    "prosecutor", "immigration", "สำนักงาน", "สถานีตำรวจ", "ตำรวจ", "ศาล", "อัยการ", "กองบังคับการ",
                    "กระทรวง", "กรม", "บ้านพักเด็กและครอบครัว", "ตรวจคนเข้าเมือง", "ที่ว่าการ", "เทศบาล",
                    "องค์การบริหารส่วน", "องค์กรปกครอง", "พมจ", "ศปคม", "ปคม", "สาธารณสุข", "โรงพยาบาล",
                    "สภ.", "สน.", "ภ.จว.", "สถานคุ้มครองและพัฒนาอาชีพ", "ศูนย์คุ้มครองคนไร้ที่พึ่ง", "จัดหางาน",
                    "สวัสดิการและคุ้มครองแรงงาน", "ศาลากลาง", "ที่ทำการปกครอง")),
    # after the state's own ("องค์กรปกครองส่วนท้องถิ่น", "police network")
    ("ngo", ("องค์กร", "organisation", "organization", "เครือข่าย", "network", "coalition")),
    ("victim", ("child", "youth", "young", "minor", "เด็ก", "เยาวชน")),
    ("government", ("gov", "official", "officer", "civil servant", "public sector", "state", "police", "social worker",
                    "รัฐ", "ราชการ", "เจ้าหน้าที่")),
)


def known_group(value: str) -> str | None:
    """government / ngo / expert / victim for a known spelling or a telling word, else None. A value in parts
    ("ประเภท: ผู้เสียหาย (เด็ก) — อยู่ในความดูแลของมูลนิธิ...", "... Office / social worker") is read by its first
    part when that part says the group: the rest describes the person."""
    exact = _group_lookup(value)
    if exact:
        return exact
    head = re.split(r"\s[—–/|-]\s|\s/|/\s", re.sub(r"^\s*(?:ประเภท|type|category|กลุ่ม)\s*:\s*", "", value,
                                                    flags=re.IGNORECASE))[0]
    if head != value and (found := _group_words(head)) is not None:
        return found
    return _group_words(value)


def _group_words(value: str) -> str | None:
    exact = _group_lookup(value)
    if exact:
        return exact
    # Thai writes no space inside a phrase: "ผู้ เชี่ยวชาญ อาวุโส" is "ผู้เชี่ยวชาญอาวุโส"
    low = re.sub(r"(?<=[\u0e00-\u0e7f])\s+(?=[\u0e00-\u0e7f])", "", value.strip().casefold())
    for group, words in _GROUP_WORDS:
        if any(word in low for word in words):
            return group
    return None


def normalize_group(value: str) -> str:
    """Known spellings map to government / ngo / expert / victim; other groups are kept as a slug."""
    return known_group(value) or re.sub(r"\s+", "_", value.strip().casefold())


# Header words, for headers no alias matches exactly ("Respondent ID", "Age (years)", "Gender / เพศ").
_HEADER_WORDS = (
    ("respondent_id", ("respondent id", "respondent code", "id code", "participant id", "participant code",
                       "interviewee code", "interviewee id", "informant code", "informant id", "resp. id", "resp id",
                       "respondent #", "respondent no", "respondent number", "resp. #", "resp #",
                       "รหัส")),
    ("years_experience", ("experience", "ประสบการณ์", "years in", "years of work", "อายุงาน", "ระยะเวลาการปฏิบัติงาน",
                          "ระยะเวลาปฏิบัติงาน", "ระยะเวลาที่ปฏิบัติงาน", "ระยะเวลาการทำงาน", "ระยะเวลาทำงาน",
                          "ระยะเวลาที่ทำงาน", "ทำงานด้านนี้", "how long", "years worked", "years working",
                          "years has the respondent worked", "years have you worked", "years of service")),
    ("birth_year", ("birth year", "year of birth", "ปีเกิด", "ปี พ.ศ. เกิด", "yob", "date of birth", "birth date",
                    "birthdate", "dob", "วันเกิด", "เกิดวันที่", "วันเดือนปีเกิด")),
    ("start_year", ("ปีที่เริ่ม", "เริ่มทำงาน", "เริ่มงาน", "start year", "year started", "started work", "year began")),
    ("age", ("age", "อายุ")),
    ("sex", ("sex", "gender", "เพศ", "คำนำหน้า")),
    ("province", ("province", "จังหวัด", "location", "พื้นที่")),
    ("session_id", ("session", "transcript", "ครั้งที่", "กลุ่มสนทนา", "fgd no", "fg no", "group no", "กลุ่มที่")),
    ("method", ("method", "interview type", "interview or", "data collection", "collection", "วิธี", "เก็บข้อมูล",
                "รูปแบบสัมภาษณ์",
                "รูปแบบการสัมภาษณ์", "ประเภทการสัมภาษณ์")),
    ("sector", ("sector", "organisation type", "organization type", "affiliation", "หน่วยงาน", "สังกัด")),
    ("group", ("group", "category", "type", "กลุ่ม", "ประเภท")),
)


def _cue_before(words: str, position: int) -> bool:
    """Does a column's cue word stand before ``position`` in a column name (a form's question: "Age in
    completed years on the date of the interview")?"""
    head = words[:position]
    return any(cue in head for column, cues in _HEADER_WORDS if column not in ("group", "session_id") for cue in cues)


def _normalize_header(name: str) -> str:
    text = name.replace("\ufeff", "").strip()
    slug = re.sub(r"[\s\-]+", "_", text.casefold())
    exact = _HEADER_ALIASES.get(slug, _HEADER_ALIASES.get(slug.replace("_", "")))
    if exact:
        return exact
    exact = _HEADER_ALIASES.get(slug.rstrip(".")) or _HEADER_ALIASES.get(slug.split("_(")[0].rstrip("."))
    if exact:
        return exact   # "Prov.", "Exp. (yrs)"
    words = re.sub(r"\(.*?\)|[_/]", " ", text.casefold())
    date = re.search(r"\bdate\b|วันที่", words)
    if date and not _cue_before(words, date.start()) and not re.search(r"birth|เกิด", words):
        return slug   # "วันที่เก็บข้อมูล", "Interview date": a date, unless the name says what first
        # ("อายุ (ปีเต็ม) ณ วันที่ให้ข้อมูล", "Age on the date of the interview": an age on that date)
    if any(c in words for c in ("sex", "gender", "เพศ")) and any(c in words for c in ("age", "อายุ")) \
            and "อายุงาน" not in words:
        return "sex_age"   # "เพศ/อายุ": one column for both ("ญ/45")
    for column, cues in _HEADER_WORDS:
        if any(cue in words for cue in cues):
            return column
    # the cue only inside brackets: "พื้นที่ (อำเภอ/จังหวัด)", "Where (province)"
    bracketed = " ".join(re.findall(r"\((.*?)\)", text.casefold())).replace("/", " ")
    for column, cues in _HEADER_WORDS:
        if column in ("province", "age", "sex", "years_experience") and any(cue in bracketed for cue in cues) \
                and not any(word in words for word in ("note", "remark", "comment", "หมายเหตุ")):
            return column
    return slug




@lru_cache(maxsize=1)
def _provinces_th() -> dict[str, str]:
    """Canonical English province name -> Thai name."""
    from pythainlp.corpus import provinces

    rows: list[dict[str, str]] = provinces(details=True)  # type: ignore[assignment]
    table = {row["name_en"]: row["name_th"] for row in rows}
    table.setdefault("Bangkok", "กรุงเทพมหานคร")
    return table


_NOT_STATED = re.compile(r"(?:ไม่ระบุ|ไม่ทราบ|ไม่มีข้อมูล|ไม่ได้ระบุ|ไม่ได้บันทึก)[\u0e00-\u0e7f]{0,12}")


def is_missing(value: str, read: Callable[[str], object] | None = None) -> bool:
    """True for an empty cell or an explicit missing marker the column's reader does not read as a value."""
    text = value.strip()
    if not text:
        return True
    if _NOT_STATED.fullmatch(text):   # "ไม่ระบุจังหวัด", "ไม่ทราบอายุ": not stated, said of the column
        return read is None or read(text) is None
    if text.rstrip(".").casefold() not in MISSING_MARKERS:
        return False
    return read is None or read(text) is None


def closest(value: str, choices: Iterable[str], cutoff: float = 0.6,
            agree: Callable[[str], object] | None = None) -> str | None:
    """The known spelling nearest to ``value`` (difflib), or None when none is close. With ``agree``, also None
    when the two nearest spellings read differently by it (a misspelling between two groups is no reading)."""
    table = {choice.casefold(): choice for choice in choices}
    found = difflib.get_close_matches(value.strip().casefold(), list(table), n=2 if agree else 1, cutoff=cutoff)
    if agree is not None and len({agree(table[f]) for f in found}) > 1:
        return None
    return table[found[0]] if found else None


def known_spellings(column: str) -> list[str]:
    """Every spelling a column accepts, for hints."""
    if column == "sex":
        return list(_SEX)
    if column in ("group", "sector"):
        return list(_GROUP)
    if column == "method":
        return list(_METHOD)
    if column == "province":
        return sorted(set(_provinces_th()) | set(_provinces_th().values()) | set(_PROVINCE_EXTRA))
    return []


KNOWN_GROUPS = ("government", "ngo", "expert", "victim")
