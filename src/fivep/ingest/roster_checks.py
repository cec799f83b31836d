"""Roster checks that need no reading: totals rows, implausible values, and how rows are named in warnings."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fivep.ingest.vocabulary import parse_number


def rows_named(rows: list[int]) -> str:
    """Every row, runs of three or more compressed: ``rows 3–40, 45`` (never "and 37 more"); rows of a roster
    over several sheets by sheet: ``rows 2–33 of sheet 'Practitioners', row 4 of sheet 'เด็ก'``."""
    numbers = sorted(set(rows))
    sheets = list(dict.fromkeys(getattr(n, "sheet", None) for n in numbers))
    if sheets != [None]:
        return ", ".join(f"{_runs([getattr(n, 'row', int(n)) for n in numbers if getattr(n, 'sheet', None) == sheet])}"
                         + (f" of sheet '{sheet}'" if sheet is not None else "") for sheet in sheets)
    return _runs(numbers)


def _runs(numbers: list[int]) -> str:
    numbers = sorted(set(numbers))
    if len(numbers) == 1:
        return f"row {numbers[0]}"
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = [f"{run[0]}–{run[-1]}" if len(run) > 2 else ", ".join(map(str, run)) for run in runs]
    return "rows " + ", ".join(parts)


_TOTAL_WORDS = frozenset({"total", "totals", "grandtotal", "sum", "all", "รวม", "รวมทั้งหมด", "ทั้งหมด", "ยอดรวม", "รวมทั้งสิ้น",
                          "totalrespondents", "รวมผู้ให้ข้อมูล"})


_COUNT = re.compile(r"[0-9๐-๙][0-9๐-๙,]*\s*(?:คน|ราย|persons?|people|respondents?)?", re.IGNORECASE)


# a total broken down by value: "F 44 / M 19 / unknown 3", "ชม. 29, ชร. 24"
_BREAKDOWN = re.compile(r"(?:[^\d/,;]{1,24}?\s*[0-9๐-๙]+\s*(?:[/,;|]\s*|$))+")


def is_total_word(value: str) -> bool:
    """"Total", "รวม", "รวมทั้งสิ้น", and a total of a part ("รวมกลุ่มที่ 1", "Subtotal NGO")."""
    key = re.sub(r"[\s_.:\-]+", "", value).casefold()
    return key in _TOTAL_WORDS or key.startswith(("รวม", "subtotal", "total")) and len(key) <= 24


def is_count(value: str) -> bool:
    return not value.strip() or parse_number(value) is not None or _COUNT.fullmatch(value.strip()) is not None


def is_totals_row(record: dict[str, str]) -> bool:
    """A "Total"/"รวม" line under a hand-made roster: the word as id (or as group under an empty id), or an
    empty id with a bare number as group; every other value empty or a number. The word may also stand in a
    column fivep does not read (a row-number column: ``รวม,๔๕ คน,,,``), with counts ("๔๕ คน") beside it."""
    rid, group = record["respondent_id"].strip(), record["group"].strip()
    if (is_total_word(rid or group) or (not rid and parse_number(group) is not None and group[:1].isdigit())) and all(
            not v.strip() or parse_number(v) is not None or _BREAKDOWN.fullmatch(v.strip())
            for k, v in record.items() if k not in ("respondent_id", "group")):
        return True
    # the word elsewhere: every other cell, id and group included, empty or a count
    words = [k for k, v in record.items() if v.strip() and is_total_word(v)]
    return len(words) == 1 and all(is_count(v) for k, v in record.items() if k != words[0])


def implausible(attributes: dict[str, Any], group: str, row: int, path: Path) -> list[str]:
    """Values that are readable but unlikely, most often a typo that would move a mean: a warning naming the row."""
    out: list[str] = []
    age, experience = attributes.get("age"), attributes.get("years_experience")
    if group == "victim" and age is not None and age < 5:
        guess = f" (a typo for {age * 10:g}?)" if 10 <= age * 10 <= 19 else ""
        out.append(f"{path}, row {row}, column 'age': a minor victim aged {age:g}{guess}; "
                           "check the value (it is counted as written)")
    if group == "victim" and age is not None and age >= 18:
        out.append(f"{path}, row {row}, column 'age': a victim aged {age:g}, in a group of minor victims; check the "
                   "value (it is counted as written)")
    if age is not None and experience is not None and experience >= age > 0:
        out.append(f"{path}, row {row}, columns 'years_experience' and 'age': {experience:g} years of "
                           f"experience at age {age:g}; check both values (they are counted as written)")
    return out
