"""Ages from dates of birth. A roster may give each respondent's date of birth instead of the age
(``วัน/เดือน/ปีเกิด``, ``Date of birth``), written as teams write dates: a spreadsheet's date cell, ISO
text, ``13/01/2529``, ``21 ก.พ. 2510``, ``4 ส.ค. 62``, ``21 Feb 1967``; years above 2400 are of the Buddhist
era (common era + 543). The age is the completed years on the respondent's interview date, when a column
gives it (``วันที่สัมภาษณ์``, ``Interview date``), else during the fieldwork the rows above the column names
state (``เก็บข้อมูลภาคสนาม 1 มิ.ย. – 31 ส.ค. 2562``) when the age is the same throughout it. A respondent
whose age cannot be told (a birthday inside the fieldwork and no interview date) is an error naming the row.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date
from functools import cache

from fivep.ingest.roster_collect import Collector
from fivep.ingest.thai import thai_to_arabic_digits

#: A year as rosters write one, in the Buddhist era (25xx, 24xx) or the common era (19xx, 20xx).
YEAR = re.compile(r"(?<![0-9])(2[45][0-9]{2}|19[0-9]{2}|20[0-9]{2})(?![0-9])")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?(?:\.0+)?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4}|\d{2})$")
_INTERVIEW_DATE = re.compile(r"(?:date|วันที่|วัน).*(?:interview|สัมภาษณ์|เก็บข้อมูล|สนทนา|ให้ข้อมูล)|"
                             r"(?:interview|สัมภาษณ์).*(?:date|วันที่)", re.IGNORECASE)


@cache
def _months() -> tuple[dict[str, int], re.Pattern[str]]:
    """Month names, Thai (PyThaiNLP's lists, full and abbreviated, with or without their dots) and English."""
    from pythainlp.util.date import thai_abbr_months, thai_full_months

    names: dict[str, int] = {}
    for number, (full, short) in enumerate(zip(thai_full_months, thai_abbr_months, strict=True), start=1):
        names[full] = names[short] = names[short.replace(".", "")] = number
    for number in range(1, 13):
        names[calendar.month_name[number].casefold()] = names[calendar.month_abbr[number].casefold()] = number
    names["sept"] = 9
    words = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return names, re.compile(rf"(\d{{1,2}})\s*({words})\.?,?\s*(\d{{4}}|\d{{2}})?(?![0-9])", re.IGNORECASE)


def _year(written: str, thai_month: bool, buddhist: bool) -> int:
    year = int(written)
    if len(written) == 2:   # "4 ส.ค. 62": a short year is of the calendar the roster writes
        year += 2500 if thai_month or buddhist else 1900 if year > 30 else 2000
    return year - 543 if year > 2400 else year


def read_date(value: str, *, buddhist: bool = False) -> date | None:
    """A date as written in a roster, day before month; None when the text is not one date."""
    text = thai_to_arabic_digits(value).strip()
    try:
        match = _ISO.match(text)
        if match:
            return date(_year(match.group(1), False, buddhist), int(match.group(2)), int(match.group(3)))
        match = _NUMERIC.match(text)
        if match:
            return date(_year(match.group(3), False, buddhist), int(match.group(2)), int(match.group(1)))
        names, pattern = _months()
        match = pattern.fullmatch(text.rstrip("."))
        if match and match.group(3):
            month = match.group(2)
            return date(_year(match.group(3), not month.isascii(), buddhist), names[month.casefold()],
                        int(match.group(1)))
    except ValueError:   # a 31st of February, a 13th month
        return None
    return None


def fieldwork(lines: list[str]) -> tuple[date, date] | None:
    """The fieldwork the rows above the column names state: its first and last day, from the dates there
    (``1 มิ.ย. – 31 ส.ค. 2562``: a day and month take the year written after them), or the whole of the one
    year stated."""
    names, pattern = _months()
    days: list[date] = []
    for line in lines:
        text = thai_to_arabic_digits(line)
        found = list(pattern.finditer(text))
        for index, match in enumerate(found):
            written = match.group(3) or next((m.group(3) for m in found[index + 1:] if m.group(3)), None)
            if written is None:
                continue
            try:
                days.append(date(_year(written, not match.group(2).isascii(), False), names[match.group(2).casefold()],
                                 int(match.group(1))))
            except ValueError:
                continue
    if days:
        return min(days), max(days)
    years = {_year(y, False, False) for line in lines for y in YEAR.findall(thai_to_arabic_digits(line))}
    if len(years) == 1:
        year = years.pop()
        return date(year, 1, 1), date(year, 12, 31)
    return None


def completed_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def ages_from_birth_dates(source: str, header: list[str], columns: list[str], rows: list[tuple[int, list[str]]],
                          found: Collector) -> Callable[[dict[str, str], int], str] | None:
    """When most of the column ``source`` holds whole dates: the reader of each respondent's age from the
    date of birth (see the module docstring); None when the column holds years (``ปีเกิด``)."""
    at = columns.index(source)
    values = [cells[at].strip() for _, cells in rows if at < len(cells) and cells[at].strip()]
    dated = [v for v in values if read_date(v) is not None]
    if not values or len(dated) * 2 < len(values):
        return None
    buddhist = any(int(y) > 2400 for v in values for y in re.findall(r"(?<![0-9])[0-9]{4}(?![0-9])",
                                                                       thai_to_arabic_digits(v)))
    on_column = next((c for h, c in zip(header, columns, strict=False)
                      if c and c != source and _INTERVIEW_DATE.search(h)), None)
    window = fieldwork(found.title)
    written = header[at].strip()

    def age(record: dict[str, str], row: int) -> str:
        value = record.get(source, "")
        born = read_date(value, buddhist=buddhist)
        if born is None:
            return value   # a missing marker, a year, or an error naming the row where the age is read
        interviewed = read_date(record.get(on_column, ""), buddhist=buddhist) if on_column else None
        if interviewed is not None:
            return str(completed_years(born, interviewed))
        if window is None:
            found.error(row, source, f"a date of birth ({value.strip()!r}) and no interview date or fieldwork dates to "
                        "count the age to", "add the age, an interview date column, or a line above the column "
                        "names stating the fieldwork dates ('เก็บข้อมูล 1 มิ.ย. – 31 ส.ค. 2562')")
            return ""
        first, last = (completed_years(born, day) for day in window)
        if first != last:
            found.error(row, source, f"born {born.isoformat()}: aged {first} to {last} during the fieldwork "
                        f"({window[0].isoformat()} to {window[1].isoformat()}) and no interview date",
                        "write the age, or the interview date")
            return ""
        return str(first)

    how = [f"at the interview date in column '{h.strip()}'" for h, c in zip(header, columns, strict=False)
           if c == on_column]
    if window:
        how.append(f"during the fieldwork the rows above the column names state ({window[0].isoformat()} to "
                   f"{window[1].isoformat()}) where a row has no interview date")
    found.notes.append(f"{found.path}, column '{written}': dates of birth; each age computed in completed years "
                       + " and ".join(how) + ("; years after 2400 read as Buddhist era" if buddhist else ""))
    return age
