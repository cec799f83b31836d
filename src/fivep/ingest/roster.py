"""The respondent roster: one row per respondent, values normalised, errors naming the row.

Required columns: ``respondent_id``, ``group``. Known columns are normalised (``sex``, ``age``,
``province``, ``years_experience``, ``method``, ``sector``, ``session_id``); any other column is
kept as an attribute, as written.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from fivep.errors import RosterError
from fivep.ingest.encoding import decode_bytes
from fivep.ingest.thai import thai_to_arabic_digits
from fivep.model import Respondent

REQUIRED = ("respondent_id", "group")
NUMERIC = ("age", "years_experience")

_HEADER_ALIASES = {
    "id": "respondent_id", "respondent": "respondent_id", "code": "respondent_id", "รหัส": "respondent_id",
    "รหัสผู้ให้ข้อมูล": "respondent_id", "respondentid": "respondent_id",
    "กลุ่ม": "group", "respondent_group": "group",
    "เพศ": "sex", "gender": "sex",
    "อายุ": "age", "age_years": "age",
    "จังหวัด": "province",
    "ประสบการณ์": "years_experience", "ประสบการณ์ทำงาน": "years_experience", "experience": "years_experience",
    "years": "years_experience", "yearsexperience": "years_experience", "years_of_experience": "years_experience",
    "ภาค": "sector", "หน่วยงาน": "sector", "วิธีการ": "method", "session": "session_id", "sessionid": "session_id",
}

_SEX = {
    "f": "female", "female": "female", "woman": "female", "girl": "female", "w": "female",
    "หญิง": "female", "ญ": "female", "ผู้หญิง": "female", "เพศหญิง": "female", "ด.ญ": "female",
    "m": "male", "male": "male", "man": "male", "boy": "male",
    "ชาย": "male", "ช": "male", "ผู้ชาย": "male", "เพศชาย": "male", "ด.ช": "male",
    "other": "other", "nonbinary": "other", "non-binary": "other", "x": "other",
    "lgbtq": "other", "lgbtq+": "other", "เพศทางเลือก": "other", "อื่นๆ": "other", "อื่น": "other",
}
_MISSING = {"", "-", "–", "na", "n/a", "none", "null", "nan", "ไม่ระบุ", "ไม่ทราบ", "unknown", "?"}

_GROUP = {
    "government": "government", "gov": "government", "government official": "government",
    "government officials": "government", "official": "government", "officials": "government",
    "ภาครัฐ": "government", "เจ้าหน้าที่รัฐ": "government", "รัฐ": "government",
    "ngo": "ngo", "ngos": "ngo", "ngo staff": "ngo", "civil society": "ngo", "ภาคประชาสังคม": "ngo",
    "เอ็นจีโอ": "ngo", "องค์กรพัฒนาเอกชน": "ngo", "เจ้าหน้าที่องค์กรพัฒนาเอกชน": "ngo",
    "expert": "expert", "experts": "expert", "senior expert": "expert", "senior experts": "expert",
    "ผู้เชี่ยวชาญ": "expert", "ผู้ทรงคุณวุฒิ": "expert",
    "victim": "victim", "victims": "victim", "minor victim": "victim", "minor victims": "victim",
    "young person": "victim", "survivor": "victim", "survivors": "victim", "ผู้เสียหาย": "victim",
    "เหยื่อ": "victim", "เด็กผู้เสียหาย": "victim", "ผู้เสียหายที่เป็นเด็ก": "victim",
}
_METHOD = {
    "interview": "interview", "in-depth interview": "interview", "indepth interview": "interview",
    "idi": "interview", "ii": "interview", "สัมภาษณ์": "interview", "สัมภาษณ์เชิงลึก": "interview",
    "focus group": "focus_group", "focus_group": "focus_group", "focus-group": "focus_group",
    "fgd": "focus_group", "fg": "focus_group", "focus group discussion": "focus_group",
    "สนทนากลุ่ม": "focus_group", "การสนทนากลุ่ม": "focus_group",
}
_PROVINCE_EXTRA = {"bangkok": "Bangkok", "bkk": "Bangkok", "กทม": "Bangkok", "กรุงเทพ": "Bangkok",
                   "กรุงเทพฯ": "Bangkok", "chiangmai": "Chiang Mai", "chiangrai": "Chiang Rai",
                   "cm": "Chiang Mai", "cr": "Chiang Rai", "cnx": "Chiang Mai", "cei": "Chiang Rai"}


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


def normalize_province(value: str) -> str | None:
    """A province in Thai or English script (``จ.เชียงราย``, ``Chiangrai``) -> its canonical English name.

    A value naming a place inside one province (``อ.แม่สาย จ.เชียงราย``, ``Mae Sai, Chiang Rai``) gives that
    province; a value naming two different provinces, or none, gives None.
    """
    text = re.sub(r"^(?:จังหวัด|จ\.|จ\s)\s*", "", value.strip())
    text = re.sub(r"\s*(?:province|จังหวัด)$", "", text, flags=re.IGNORECASE)
    found = _provinces().get(_key(text))
    if found:
        return found
    key = _key(value)
    named = {canonical for spelling, canonical in _provinces().items() if len(spelling) >= 3 and spelling in key}
    return named.pop() if len(named) == 1 else None


def normalize_sex(value: str) -> str | None:
    return _SEX.get(value.strip().rstrip(".").casefold())


def parse_number(value: str) -> float | None:
    """``"16"``, ``"๑๖"``, ``"16 ปี"``, ``"อายุ 16 ปี"``, ``"12.5 years"``, ``"16 y/o"``, ``"1 ปี 6 เดือน"``,
    ``"6 เดือน"`` (0.5), ``"20+"`` (20) -> a number, else None."""
    text = thai_to_arabic_digits(value).strip().casefold().replace(",", ".")
    text = re.sub(r"^(?:อายุ|age|ประสบการณ์|ประมาณ|approx\.?|about|~)\s*", "", text)
    match = re.fullmatch(
        r"(?P<n>\d+(?:\.\d+)?)\s*\+?\s*(?P<unit>ปี|yrs?\.?|years?(?: old)?|y/?o|y|เดือน|months?|mos?\.?)?"
        r"(?:\s*(?P<m>\d+)\s*(?:เดือน|months?|mos?\.?))?",
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


normalize_method = _lookup(_METHOD)
_group_lookup = _lookup(_GROUP)


# When no spelling matches exactly, a word in the value decides (first rule that matches wins: an
# "NGO expert" is an expert, an "NGO officer" NGO staff, a "child victim" a victim).
_GROUP_WORDS = (
    ("expert", ("expert", "specialist", "academic", "key informant", "ผู้เชี่ยวชาญ", "ผู้ทรงคุณวุฒิ", "นักวิชาการ")),
    ("ngo", ("ngo", "non-gov", "nongov", "civil society", "cso", "foundation", "เอกชน", "มูลนิธิ", "เอ็นจีโอ",
             "ประชาสังคม")),
    ("victim", ("victim", "survivor", "child", "youth", "young", "minor", "ผู้เสียหาย", "เหยื่อ", "เด็ก", "เยาวชน")),
    ("government", ("gov", "official", "officer", "civil servant", "public sector", "state", "police", "social worker",
                    "รัฐ", "ราชการ", "เจ้าหน้าที่")),
)


def normalize_group(value: str) -> str:
    """Known spellings map to government / ngo / expert / victim; other groups are kept as a slug."""
    exact = _group_lookup(value)
    if exact:
        return exact
    low = value.strip().casefold()
    for group, words in _GROUP_WORDS:
        if any(word in low for word in words):
            return group
    return re.sub(r"\s+", "_", low)


# Header words, for headers no alias matches exactly ("Respondent ID", "Age (years)", "Gender / เพศ").
_HEADER_WORDS = (
    ("respondent_id", ("respondent id", "respondent code", "id code", "participant id", "รหัส")),
    ("years_experience", ("experience", "ประสบการณ์", "years in", "years of work", "อายุงาน")),
    ("age", ("age", "อายุ")),
    ("sex", ("sex", "gender", "เพศ")),
    ("province", ("province", "จังหวัด")),
    ("session_id", ("session", "transcript", "ครั้งที่")),
    ("method", ("method", "interview type", "data collection", "วิธี")),
    ("sector", ("sector", "organisation type", "organization type", "affiliation", "หน่วยงาน", "สังกัด")),
    ("group", ("group", "category", "type", "กลุ่ม", "ประเภท")),
)


def _normalize_header(name: str) -> str:
    text = name.replace("\ufeff", "").strip()
    slug = re.sub(r"[\s\-]+", "_", text.casefold())
    exact = _HEADER_ALIASES.get(slug, _HEADER_ALIASES.get(slug.replace("_", "")))
    if exact:
        return exact
    words = re.sub(r"\(.*?\)|[_/]", " ", text.casefold())
    for column, cues in _HEADER_WORDS:
        if any(cue in words for cue in cues):
            return column
    return slug


def _rows_from_csv(path: Path, data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    text, _ = decode_bytes(data, path)
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
        rows = [(reader.line_num, row) for row in reader]
    except StopIteration:
        raise RosterError("the roster is empty", path=path,
                          hint="the first row must name the columns: respondent_id, group, ...") from None
    except csv.Error as error:
        raise RosterError(f"not a readable CSV table: {error}", path=path, row=reader.line_num,
                          hint="check the quotes on that row, or save the roster again as CSV") from None
    return header, rows


def _rows_from_xlsx(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many types on a damaged workbook
        raise RosterError(f"not a readable Excel workbook ({type(error).__name__})", path=path,
                          hint="save it again as .xlsx or export it as CSV") from None
    sheet = book.worksheets[0]
    rows_iter = sheet.iter_rows(values_only=True)
    try:
        header = ["" if v is None else str(v) for v in next(rows_iter)]
    except StopIteration:
        raise RosterError("the roster sheet is empty", path=path) from None
    rows = []
    for number, values in enumerate(rows_iter, start=2):
        cells = []
        for v in values:
            if v is None:
                cells.append("")
            elif isinstance(v, float) and v.is_integer():
                cells.append(str(int(v)))
            else:
                cells.append(str(v))
        rows.append((number, cells))
    book.close()
    return header, rows


def read_roster(path: str | Path) -> list[Respondent]:
    """Read and normalise a roster (.csv or .xlsx).

    Raises :class:`RosterError` naming the file, row (as a spreadsheet shows it, the header being
    row 1) and column of the first value it cannot read.
    """
    path = Path(path)
    if not path.exists():
        raise RosterError("roster not found", path=path,
                          hint="put respondents.csv (or .xlsx) in the study folder, or set roster= in study.toml")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        header, rows = _rows_from_xlsx(path)
    else:
        data = path.read_bytes()
        if not data.strip():
            raise RosterError("the roster is empty", path=path,
                              hint="the first row must name the columns: respondent_id, group, ...")
        header, rows = _rows_from_csv(path, data)
    columns = [_normalize_header(h) for h in header]
    for required in REQUIRED:
        if required not in columns:
            raise RosterError(f"required column '{required}' is missing", path=path, row=1,
                              hint=f"the header has: {', '.join(h.strip() for h in header)}")
    seen: dict[str, int] = {}
    respondents: list[Respondent] = []
    for number, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns):]):
            raise RosterError(f"the row has {len(cells)} values but the header names {len(columns)} columns",
                              path=path, row=number, hint="check for an unquoted comma")
        record = {col: (cells[i].strip() if i < len(cells) else "") for i, col in enumerate(columns) if col}
        respondents.append(_respondent(record, path, number, seen))
    if not respondents:
        raise RosterError("the roster has a header but no respondents", path=path)
    return respondents


def _respondent(record: dict[str, str], path: Path, row: int, seen: dict[str, int]) -> Respondent:
    rid = record.pop("respondent_id")
    if not rid:
        raise RosterError("respondent_id is empty", path=path, row=row, column="respondent_id")
    if rid in seen:
        raise RosterError(f"duplicate respondent_id '{rid}' (first on row {seen[rid]})", path=path, row=row,
                          column="respondent_id", hint="every respondent needs a unique id")
    seen[rid] = row
    raw_group = record.pop("group")
    if not raw_group:
        raise RosterError("group is empty", path=path, row=row, column="group",
                          hint="e.g. government, ngo, expert, victim")
    attributes: dict[str, Any] = {}
    for column, value in record.items():
        if column == "sex":
            attributes["sex"] = _normalized(value, normalize_sex, path, row, column,
                                            "use F/M, female/male, หญิง/ชาย or ญ/ช")
        elif column == "province":
            attributes["province"] = _normalized(value, normalize_province, path, row, column,
                                                 "use a Thai province name in Thai or English script")
        elif column == "method":
            attributes["method"] = _normalized(value, normalize_method, path, row, column,
                                               "use interview or focus_group")
        elif column == "sector":
            attributes["sector"] = None if value.casefold() in _MISSING else normalize_group(value)
        elif column in NUMERIC:
            number = _normalized(value, parse_number, path, row, column, "write a number such as 16 or ๑๖ ปี")
            if number is not None and not (0 <= number <= 120):
                raise RosterError(f"{column} {value!r} is out of range", path=path, row=row, column=column)
            attributes[column] = number
        else:
            attributes[column] = value if value else None
    return Respondent(rid, normalize_group(raw_group), attributes)


def _normalized(value: str, parse: Callable[[str], Any], path: Path, row: int, column: str, hint: str) -> Any:
    if value.strip().casefold() in _MISSING:
        return None
    result = parse(value)
    if result is None:
        raise RosterError(f"cannot read {column} {value!r}", path=path, row=row, column=column, hint=hint)
    return result


@lru_cache(maxsize=1)
def _provinces_th() -> dict[str, str]:
    """Canonical English province name -> Thai name."""
    from pythainlp.corpus import provinces

    rows: list[dict[str, str]] = provinces(details=True)  # type: ignore[assignment]
    table = {row["name_en"]: row["name_th"] for row in rows}
    table.setdefault("Bangkok", "กรุงเทพมหานคร")
    return table
