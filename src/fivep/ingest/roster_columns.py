"""What a roster's columns mean: names matched to the known columns, two columns that name the same thing
told apart by their values, a column read by its values, sex ticked in two columns or written with the age,
counts in months, and years (birth, start of work) turned into counts with the fieldwork year."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fivep.ingest.roster_collect import KNOWN_COLUMNS, READERS, Collector
from fivep.ingest.roster_dates import YEAR, ages_from_birth_dates
from fivep.ingest.thai import thai_to_arabic_digits
from fivep.ingest.vocabulary import NUMERIC, _normalize_header, is_missing, known_group, normalize_sex


def read_columns(header: list[str], found: Collector, row: int = 1) -> list[str]:
    columns = [_normalize_header(h) for h in header]
    renamed = [f"'{h.strip()}' as {c}" for h, c in zip(header, columns, strict=True)
               if c and h.replace("\ufeff", "").strip() != c]
    if renamed:
        found.notes.append(f"{found.path}, row {row}: columns read as: {', '.join(renamed)}")
    first: dict[str, str] = {}
    for h, c in zip(header, columns, strict=True):
        if c and c in first:
            found.error(row, None, f"columns '{first[c]}' and '{h.strip()}' are both read as '{c}'",
                        "rename or delete one of them")
        first.setdefault(c, h.strip())
    return columns


def settle_twins(columns: list[str], header: list[str], rows: list[tuple[int, list[str]]], row: int,
                  found: Collector) -> None:
    """Two columns whose names both say the same known column (``อายุ`` and ``ที่มาของอายุ``; ``Category`` and
    ``Type``): the one whose values read as that column keeps it; the other is read as the known column its
    values fit (``Type``: KII / FGD, the method) or kept as it is. Each decision reported; a tie is an error."""
    readers: dict[str, Callable[[str], Any]] = {**{c: r for c, (r, _) in READERS.items()}, "group": known_group,
                                                "sector": known_group}

    def share(i: int, column: str) -> float:
        values = [cells[i].strip() for _, cells in rows[:200] if i < len(cells) and cells[i].strip()]
        values = [v for v in values if not is_missing(v, readers[column])]
        return sum(readers[column](v) is not None for v in values) / len(values) if values else 0.0

    _settle_ids(columns, header, rows, row, found)
    for column in sorted({c for c in columns if c in readers and columns.count(c) > 1}):
        at = [i for i, c in enumerate(columns) if c == column]
        shown = [i for i in at if i not in found.hidden]
        if len(shown) == 1 and len(at) > 1:
            # the workbook hides the others ("อายุ (รอบนำร่อง 2561)" from an earlier round): what it shows counts
            for i in at:
                if i != shown[0]:
                    columns[i] = re.sub(r"[\s\-]+", "_", header[i].strip().casefold())
            found.problems = [p for p in found.problems if not (p.row == row and f"are both read as '{column}'" in p.message)]
            found.notes.append(f"{found.path}, row {row}: column{'s' if len(at) > 2 else ''} "
                               f"{', '.join(repr(header[i].strip()) for i in at if i != shown[0])} hidden in the workbook "
                               f"and naming {column} like '{header[shown[0]].strip()}', which it shows: "
                               f"'{header[shown[0]].strip()}' read as {column}, the hidden one not")
            continue
        scores = sorted(((share(i, column), i) for i in at), reverse=True)
        named = [i for i in at if re.search(rf"\b{column}\b", header[i].casefold())]
        if len(at) == 2 and scores[1][0] >= 0.5 and len(named) == 1:
            # both read: the one whose name says the column ("Stakeholder group", not "Institution type")
            scores = [(1.0, named[0]), (0.0, next(i for i in at if i != named[0]))]
        if len(at) != 2 or scores[0][0] < 0.8 or scores[1][0] >= 0.5:
            continue   # the error read_columns reported stands
        loser = scores[1][1]
        fits = [c for c in readers if c not in columns and share(loser, c) >= 0.8]
        columns[loser] = fits[0] if len(fits) == 1 else re.sub(r"[\s\-]+", "_", header[loser].strip().casefold())
        found.problems = [p for p in found.problems if not (p.row == row and f"are both read as '{column}'" in p.message)]
        found.notes.append(f"{found.path}, row {row}: columns '{header[scores[0][1]].strip()}' and "
                           f"'{header[loser].strip()}' both name {column}; the values of the first read as {column}, "
                           f"the second is read as {columns[loser]}")


def _settle_ids(columns: list[str], header: list[str], rows: list[tuple[int, list[str]]], row: int,
                found: Collector) -> None:
    """Two columns named as codes (``รหัส`` and ``รหัสบทบาท``, a role code): the one whose values are each a
    row's own is the respondent id; the other, whose values repeat, is kept as it is. Reported."""
    at = [i for i, c in enumerate(columns) if c == "respondent_id"]
    if len(at) != 2:
        return

    def own(i: int) -> bool:
        values = [cells[i].strip() for _, cells in rows if i < len(cells) and cells[i].strip()]
        return len(values) >= 2 and len(set(values)) == len(values)

    distinct = [i for i in at if own(i)]
    if len(distinct) != 1:
        return   # the error read_columns reported stands
    loser = next(i for i in at if i != distinct[0])
    columns[loser] = re.sub(r"[\s\-]+", "_", header[loser].strip().casefold())
    found.problems = [p for p in found.problems if not (p.row == row and "are both read as 'respondent_id'" in p.message)]
    found.notes.append(f"{found.path}, row {row}: columns '{header[distinct[0]].strip()}' and '{header[loser].strip()}' "
                       f"both name a code; each row has its own in the first, read as the respondent id; the second's "
                       "repeat, kept as they are")


_DITTO_MARKS = frozenset({"〃", '"', "”", "“", "-do-"})
_BRACKETED = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")


def columns_by_values(columns: list[str], header: list[str], rows: list[tuple[int, list[str]]], row: int,
                       found: Collector) -> None:
    """A column whose name fivep does not know but whose values are all methods (or sexes, or provinces), when
    the roster has no column of that name (``รูปแบบ``: สัมภาษณ์ / สนทนากลุ่ม): read as that column, reported."""
    targets: list[tuple[str, Callable[[str], Any]]] = [(c, READERS[c][0]) for c in ("method", "sex", "province")]
    for target, read in [*targets, ("group", known_group)]:
        if target in columns:
            continue
        for i, column in enumerate(columns):
            if not column or column in KNOWN_COLUMNS or column.startswith("sex:"):
                continue
            values = [cells[i].strip() for _, cells in rows[:300] if i < len(cells) and cells[i].strip()]
            values = [v for v in values if not is_missing(v, read) and v not in _DITTO_MARKS]
            readable = [v for v in values if read(v) is not None or read(_BRACKETED.sub("", v)) is not None]
            if len(values) >= 5 and len(readable) >= 0.9 * len(values):   # "IDI (Zoom)" is an IDI
                columns[i] = target
                found.notes.append(f"{found.path}, row {row}: column '{header[i].strip()}' holds {target} values "
                                   f"({', '.join(sorted({str(read(v)) for v in readable if read(v) is not None})[:4])}); "
                                   f"read as the {target}")
                break


def joined_columns(columns: list[str], header: list[str], row: int, found: Collector) -> None:
    """Columns that say one thing together, renamed for :func:`shape_record`: two columns named for the sexes
    (``ชาย`` / ``หญิง``) holding a tick each, when the roster has no sex column; a ``Months`` column beside the
    years of experience (``Years`` / ``Months`` under ``Professional experience``)."""
    if "sex" not in columns:
        named = {normalize_sex(h): i for i, h in enumerate(header)
                 if h.strip() and normalize_sex(h) in ("female", "male")}
        if set(named) == {"female", "male"}:
            columns[named["female"]], columns[named["male"]] = "sex:female", "sex:male"
            found.notes.append(f"{found.path}, row {row}: the sex read from the ticks in columns "
                               f"'{header[named['female']].strip()}' and '{header[named['male']].strip()}'")
    months = [i for i, h in enumerate(header) if h.strip().casefold() in ("months", "month", "เดือน")]
    if "years_experience" in columns and len(months) == 1:
        columns[months[0]] = "years_experience:months"
        found.notes.append(f"{found.path}, row {row}: the years of experience read with the months in column "
                           f"'{header[months[0]].strip()}' (added up)")


def shape_record(record: dict[str, str], derived: dict[str, Callable[[dict[str, str], int], str]], row: int,
                 found: Collector) -> None:
    """One respondent's cells as the known columns: counts from years (:func:`years_since`), experience over
    years and months, the sex and the age from one cell, the sex from two tick cells."""
    for source, convert in derived.items():
        record[SINCE[source][0]] = convert(record, row)
    if "years_experience:months" in record:
        years, extra = record.get("years_experience", "").strip(), record.pop("years_experience:months").strip()
        if extra and not is_missing(extra) and (not years or not is_missing(years)):
            record["years_experience"] = f"{years or 0} ปี {extra} เดือน"
            found.changed(row, "years_experience", f"{years or 0} years, {extra} months",
                          "their sum (the two columns read as one)")
    if "sex_age" in record:
        record["sex"], record["age"] = split_sex_age(record.pop("sex_age"))
    if "sex:female" in record:
        record["sex"] = ticked_sex(record.pop("sex:female"), record.pop("sex:male"), row, found)


_NO_TICK = frozenset({"", "0", "-", "no", "n", "false", "ไม่", "ไม่ใช่", "✗", "☐"})


def ticked_sex(female: str, male: str, row: int, found: Collector) -> str:
    """What two tick cells say: the ticked one's sex, nothing when neither is ticked; both ticked is an error."""
    ticked = [sex for sex, mark in (("female", female), ("male", male)) if mark.strip().casefold() not in _NO_TICK]
    if len(ticked) == 2:
        found.error(row, "sex", f"both sexes ticked ({female.strip()!r}, {male.strip()!r})", "tick one, or neither")
        return ""
    return ticked[0] if ticked else ""


def split_sex_age(value: str) -> tuple[str, str]:
    """``ญ/45``, ``ช / 38``, ``-/53``: one column holding the sex and the age."""
    sex, _, age = value.partition("/")
    return sex.strip(), age.strip()


def columns_in_months(header: list[str], columns: list[str], found: Collector) -> list[str]:
    """Numeric columns whose name says their unit is months (``Experience (months)``, ``อายุงาน (เดือน)``): a bare
    number there is a count of months, read as years (126 -> 10.5), each reading reported."""
    out = []
    for name, column in zip(header, columns, strict=False):
        words = name.casefold()
        if column in NUMERIC and ("month" in words or "เดือน" in words) and not ("year" in words or "ปี" in words):
            out.append(column)
            found.notes.append(f"{found.path}, column '{name.strip()}': numbers counted in months, read as years "
                               "(divided by 12)")
    return out




SINCE = {"birth_year": ("age", "birth years", "ages"), "start_year": ("years_experience", "the year work began",
                                                                       "years of experience")}


def years_since(source: str, header: list[str], columns: list[str], rows: list[tuple[int, list[str]]],
                 header_row: int, found: Collector) -> Callable[[dict[str, str], int], str] | None:
    """A roster that gives a year instead of a count (``ปีเกิด (พ.ศ.)`` for the age, ``ปีที่เริ่มทำงาน`` for the
    experience): the count is the year of the fieldwork less that year, the fieldwork year being the one year the
    rows above the header state (``เก็บข้อมูลปี พ.ศ. 2567``), in the calendar the column uses (Buddhist era =
    common era + 543). None when the roster gives the count itself; an error when no single fieldwork year is
    stated."""
    target, what, counts = SINCE[source]
    if target in columns or source not in columns:
        return None
    if source == "birth_year":
        by_date = ages_from_birth_dates(source, header, columns, rows, found)
        if by_date is not None:
            return by_date   # whole dates of birth: the age on the interview date (fivep.ingest.roster_dates)
    at = columns.index(source)
    years = [int(y) for _, cells in rows if at < len(cells) for y in YEAR.findall(thai_to_arabic_digits(cells[at]))]
    buddhist = any(y > 2400 for y in years)
    stated = {int(y) + (543 if buddhist and int(y) < 2400 else -543 if not buddhist and int(y) > 2400 else 0)
              for text in found.title for y in YEAR.findall(thai_to_arabic_digits(text))}
    written = header[at].strip()
    if len(stated) != 1:
        found.error(header_row, source, f"column '{written}' gives {what}, and "
                    + ("no row above the column names states the year of the fieldwork" if not stated else
                       f"the rows above the column names state several years ({', '.join(map(str, sorted(stated)))})"),
                    f"add a column of {counts}, or one line above the column names stating the fieldwork year, "
                    "such as 'เก็บข้อมูลปี พ.ศ. 2567'")
        return None
    year = stated.pop()
    found.notes.append(f"{found.path}, column '{written}': {counts} computed as {year} (the fieldwork year the rows "
                       f"above the column names state) less {what}")

    def since(record: dict[str, str], row: int) -> str:
        value = record[source]
        found_years = [int(y) for y in YEAR.findall(thai_to_arabic_digits(value))]
        if len(found_years) != 1 or not (year - 120 <= found_years[0] <= year):
            return value   # not a year: read as written (a missing marker, or an error naming the row)
        return str(year - found_years[0])
    return since


_STARTED = re.compile(
    r"^(?:since|from|started(?:\s+in)?|ตั้งแต่|เริ่ม(?:ทำงาน)?(?:เมื่อ|ตั้งแต่)?)\s*(?:ปี\s*)?"
    r"(?:(?:พ\.?\s?ศ\.?|ค\.?\s?ศ\.?|b\.?\s?e\.?|c\.?\s?e\.?|a\.?\s?d\.?)\s*)?(?P<year>[0-9]{4})\s*"
    r"(?:\(?(?:พ\.?\s?ศ\.?|ค\.?\s?ศ\.?|b\.?\s?e\.?|c\.?\s?e\.?)\)?)?\.?$", re.IGNORECASE)


# "as of 2024", "นับถึงปี พ.ศ. 2567": the year a note counts experience to, whatever other years it names
_AS_OF = re.compile(r"(?:as\s+(?:of|at)|up\s+to|counted\s+(?:up\s+)?to|until|นับถึง(?:ปี)?|ณ\s*ปี)\s*"
                    r"(?:พ\.\s?ศ\.|ค\.\s?ศ\.|b\.?e\.?|c\.?e\.?)?\s*(2[45][0-9]{2}|19[0-9]{2}|20[0-9]{2})(?![0-9])",
                    re.IGNORECASE)


def experience_from_start(header: list[str], columns: list[str], rows: list[tuple[int, list[str]]],
                          found: Collector) -> Callable[[str], str] | None:
    """Years of experience written, in some rows, as the year work began (``since 2012``, ``ตั้งแต่ปี ๒๕๖๐``):
    counted up to the one year the column's name gives (``อายุงาน (นับถึงปี พ.ศ. ๒๕๖๗)``, ``Experience (as of
    2024)``), else the one year the rows above the column names state; in the calendar of each. Without one
    such year the rows are an error naming them. None when no cell gives a year."""
    if "years_experience" not in columns:
        return None
    at = columns.index("years_experience")
    started = [number for number, cells in rows
               if at < len(cells) and _STARTED.match(thai_to_arabic_digits(cells[at]).strip())]
    if not started:
        return None
    from fivep.ingest.roster_checks import rows_named

    written = header[at].strip()
    named = {int(y) for y in YEAR.findall(thai_to_arabic_digits(written))}
    stated = {int(y) for text in found.title for y in YEAR.findall(thai_to_arabic_digits(text))}
    as_of = {int(m.group(1)) for text in found.title for m in _AS_OF.finditer(thai_to_arabic_digits(text))}
    if len(named) == 1:
        reference, where = named.pop(), "the year the column's name gives"
    elif not named and len(as_of) == 1:
        reference, where = as_of.pop(), "the year the rows above the column names count to"
    elif not named and len(stated) == 1:
        reference, where = stated.pop(), "the year the rows above the column names state"
    else:
        found.error(started[0], "years_experience",
                    f"{rows_named(started)} give the year work began ('since 2012'), and no one year to count to is "
                    "named by the column or stated above the column names",
                    "write the years of experience, or name the year in the column: 'อายุงาน (นับถึงปี พ.ศ. 2567)', "
                    "'Experience (as of 2024)'")
        return None
    found.notes.append(f"{found.path}, {rows_named(started)}, column '{written}': the year work began, read as the "
                       f"years of experience up to {reference} ({where})")

    def convert(value: str) -> str:
        match = _STARTED.match(thai_to_arabic_digits(value).strip())
        if not match:
            return value
        began = int(match.group("year"))
        began += 543 if began < 2400 < reference else -543 if reference < 2400 < began else 0
        return str(reference - began) if 0 <= reference - began <= 70 else value   # else unreadable: an error
    return convert


# A respondent marked as having withdrawn (or never interviewed) in a status or remarks cell is not counted.
_WITHDRAWN = re.compile(r"^(?:\(?\s*)(?:ขอ)?(?:ถอนตัว|ถอนความยินยอม|ยกเลิก(?:การ(?:สัมภาษณ์|ให้ข้อมูล))?|ไม่ได้(?:ให้)?สัมภาษณ์|"
                        r"withdr[ae]wn?|dropped\s+out|excluded|cancel+ed|did\s+not\s+take\s+part|not\s+interviewed)"
                        r"(?![A-Za-z])", re.IGNORECASE)
_ABOUT_RECORDING = re.compile(r"บันทึก|อัด|เสียง|ภาพ|record|audio|photo|video|quote|consent\s+to", re.IGNORECASE)


def withdrawn(record: dict[str, str], keys: dict[str, dict[str, str]] | None = None) -> str | None:
    """The status or remark that says a respondent withdrew (``ถอนตัว``, ``withdrew``) or is left out (a code
    the column's own key defines as such: ``include (1=main study 0=pilot, exclude)``), or None; a remark
    about recording ("withdrew consent to audio") does not count."""
    for column, value in record.items():
        if column in KNOWN_COLUMNS or not column or not _STATUS_COLUMN.search(column):
            continue   # only a status or remarks column: "dropped out" under schooling is no withdrawal
        text = value.strip()
        if text and len(text) <= 80 and _WITHDRAWN.match(text) and not _ABOUT_RECORDING.search(text):
            return text
        defined = (keys or {}).get(column, {}).get(text.casefold())
        if defined and _LEFT_OUT.search(defined):
            return f"{text} = {defined}"
    return None


_STATUS_COLUMN = re.compile(r"status|สถานะ|remark|note|หมายเหตุ|comment|ความเห็น|participat|การเข้าร่วม|consent|"
                            r"ยินยอม|includ|exclu|withdr|ถอน|outcome|result|ผลการ|progress|ความคืบหน้า|done|state",
                            re.IGNORECASE)
_LEFT_OUT = re.compile(r"(?<![A-Za-z])exclude[ds]?(?![A-Za-z])|ไม่นับ|ไม่รวม|ตัดออก|withdr[ae]wn?", re.IGNORECASE)


# Titles that tell a person's sex, for a roster with no sex column whose names carry them ("นาย ก.", "ด.ญ. ข.").
_POLICE_RANKS = ("พล.ต.อ.", "พล.ต.ท.", "พล.ต.ต.", "พ.ต.อ.", "พ.ต.ท.", "พ.ต.ต.", "ร.ต.อ.", "ร.ต.ท.", "ร.ต.ต.", "ด.ต.",
                 "จ.ส.ต.", "ส.ต.อ.", "ส.ต.ท.", "ส.ต.ต.", "พ.อ.", "พ.ท.", "พ.ต.", "ร.อ.", "ร.ท.", "ร.ต.", "จ.ส.อ.")
_TITLES = (
    ("female", ("นางสาว", "น.ส.", "เด็กหญิง", "ด.ญ.", "แพทย์หญิง", "พญ.", "พ.ญ.", "ทพญ.", "นาง", "mrs.", "mrs ",
                "ms.", "ms ", "miss ", "madam ")),
    ("male", ("นายแพทย์", "นพ.", "ทพ.", "เด็กชาย", "ด.ช.", "นาย", "mr.", "mr ")),
    ("", ("คุณ", "ดร.", "ผศ.", "รศ.", "ศ.", "อ.", "khun ", "dr.", "dr ", "prof.", "prof ", "asst. prof", "assoc. prof")),
)


def title_sex(value: str) -> str | None:
    """The sex a name's title tells ("female", "male"), "" for a title that does not tell it (คุณ, ดร.), None
    without a title. A police or military rank is a man's unless หญิง follows it (ร.ต.อ.หญิง)."""
    text = value.strip().casefold()
    if text.startswith(_TITLED_WORDS):
        return None   # a post or a trade, not a title: นายอำเภอ, นายจ้าง, นางพยาบาล
    for rank in _POLICE_RANKS:
        if text.startswith(rank):
            return "female" if text[len(rank):].lstrip().startswith("หญิง") else "male"
    for sex, titles in _TITLES:
        if text.startswith(titles):
            return sex
    return None


_TITLED_WORDS = ("นายอำเภอ", "นายก", "นายจ้าง", "นายหน้า", "นายทหาร", "นายตำรวจ", "นายสถานี", "นายทะเบียน",
                 "นายช่าง", "นายบ้าน", "นางพยาบาล", "นางงาม", "นางสาวไทย", "นางแบบ", "นางฟ้า")
_NOT_PEOPLE_COLUMN = re.compile(r"ตำแหน่ง|position|role|บทบาท|agency|หน่วยงาน|สังกัด|organi[sz]ation|องค์กร|"
                                r"interviewer|ผู้สัมภาษณ์|ผู้เก็บข้อมูล|note|remark|หมายเหตุ", re.IGNORECASE)


def sex_from_titles(header: list[str], columns: list[str], rows: list[tuple[int, list[str]]],
                    found: Collector) -> int | None:
    """For a roster without a sex column: the column whose values mostly begin with a title that tells the sex
    (the pseudonyms "นาย ก.", "ด.ญ. ข."), its position; None when there is none."""
    if "sex" in columns:
        return None
    for at, column in enumerate(columns):
        if column in KNOWN_COLUMNS or at >= len(header) or _NOT_PEOPLE_COLUMN.search(header[at]):
            continue   # a post (นายอำเภอ), an interviewer's name: not the respondent's title
        values = [cells[at] for _, cells in rows if at < len(cells) and cells[at].strip()]
        titled = [title_sex(v) for v in values]
        if len(values) >= 5 and sum(t is not None for t in titled) >= 0.6 * len(values) \
                and sum(bool(t) for t in titled) >= 0.4 * len(values):
            found.notes.append(
                f"{found.path}, column '{header[at].strip()}': no sex column; the sex read from the titles (นาย, "
                "ด.ช., นพ., Mr, a rank: male; นาง, นางสาว, ด.ญ., พญ., Ms, a rank with หญิง: female; คุณ, ดร., no "
                "title: unknown)")
            return at
    return None


_TICKS = frozenset({"✓", "✔", "☑", "√", "x", "/", "1", "yes", "y", "ใช่", "●", "*"})


def is_tick(value: str) -> bool:
    return value.strip().casefold() in _TICKS


def group_ticks(header: list[str], columns: list[str], rows: list[tuple[int, list[str]]]) -> list[tuple[int, str]]:
    """Columns named for a group that hold ticks (``ผู้ทรงคุณวุฒิ``: ✓ for the experts among the officials and
    NGO staff): their position and group. A ticked respondent belongs to that group, whatever the agency."""
    out = []
    for at, (name, column) in enumerate(zip(header, columns, strict=False)):
        if column in KNOWN_COLUMNS or known_group(name.strip()) is None:
            continue
        values = [cells[at].strip() for _, cells in rows if at < len(cells) and cells[at].strip()]
        if values and all(is_tick(v) for v in values):
            out.append((at, name.strip()))
    return out


_NO_PROVINCE = re.compile(r"^(?:ไม่ระบุ|ไม่ทราบ)(?:จังหวัด)?$|^(?:province\s+)?(?:unknown|not\s+stated)(?:\s+province)?$",
                          re.IGNORECASE)


def heading_province(text: str) -> str | None:
    """The province a section heading names (``จังหวัดเชียงใหม่``, ``Chiang Rai province``); "" for a heading
    of respondents whose province is not stated (``ไม่ระบุจังหวัด``); None for any other heading."""
    from fivep.ingest.vocabulary import normalize_province

    words = re.sub(r"\s*[(（][^()（）]*[)）]\s*$", "", text.strip())   # "จังหวัดแพร่ (๑๐ คน)"
    if _NO_PROVINCE.match(words):
        return ""
    if not re.match(r"^(?:จังหวัด|จ\.)|province$|^province\s", words, re.IGNORECASE):
        return None   # a province named as a heading says so: "จังหวัด..." or "... Province"
    return normalize_province(words)
