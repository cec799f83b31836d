"""What the roster reader shares: the readers of the known columns, which rows name the columns, and the
collector of a roster's problems and value changes (reported together, each naming its row)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fivep.errors import RosterError
from fivep.ingest.roster_checks import rows_named as _rows
from fivep.ingest.vocabulary import (
    KNOWN_GROUPS,
    REQUIRED,
    _normalize_header,
    closest,
    known_spellings,
    normalize_method,
    normalize_province,
    normalize_sex,
    parse_number,
)

READERS: dict[str, tuple[Callable[[str], Any], str]] = {
    "sex": (normalize_sex, "use F/M, female/male, หญิง/ชาย, ญ/ช or other"),
    "province": (normalize_province, ("use a Thai province name in Thai or English script; a district only "
                                      "with its province, as in 'อ.แม่สาย จ.เชียงราย' or 'Mae Sai, Chiang Rai'")),
    "method": (normalize_method, "use interview or focus_group"),
    "age": (parse_number, "write a number such as 16 or ๑๖ ปี"),
    "years_experience": (parse_number, "write a number such as 16 or ๑๖ ปี"),
}


@dataclass
class Problem:
    row: int | None
    column: str | None
    message: str
    hint: str | None = None


class Collector:
    """Errors and value changes of one roster, reported together at the end."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.changes: dict[tuple[str, str, str], list[int]] = {}
        self.trimmed: dict[str, list[int]] = {}
        self.notes: list[str] = []
        self.unknown: dict[tuple[str, str, str], list[int]] = {}
        self.title: list[str] = []           # the text of rows above the header
        self.legend: dict[str, str] = {}     # abbreviations the roster's notes define ("ผส. = ผู้เสียหาย...")
        self.months: set[str] = set()        # numeric columns counted in months ("Experience (months)")
        self.keys: list[str] = []            # keys given in the column names: "กลุ่ม (1=รัฐ 2=NGO ...)"
        self.from_ids: dict[str, dict[str, tuple[str, str]]] = {}   # what each id's codes stand for
        self.column_keys: dict[str, dict[str, str]] = {}   # each column's own key: "sex (1=Male 2=Female 9=Missing)"
        self.hidden: frozenset[int] = frozenset()   # columns the workbook hides

    def defined(self, column: str, value: str) -> str | None:
        """What the roster says a value of this column stands for: the column's own key when it has one (its
        codes are its own: 9 is "Missing" for the sex, nine years for the experience), else the notes' legend."""
        keys = self.column_keys.get(column)
        return (keys if keys is not None else self.legend).get(value.strip().casefold())

    def error(self, row: int | None, column: str | None, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(row, column, message, hint))

    def changed(self, row: int, column: str, written: str, stored: str) -> None:
        self.changes.setdefault((column, written, stored), []).append(row)

    def raise_if_any(self) -> None:
        if not self.problems:
            return
        first = self.problems[0]
        if len(self.problems) == 1:
            raise RosterError(first.message, path=self.path, row=first.row, column=first.column, hint=first.hint)
        lines = []
        for p in self.problems:
            where = ", ".join(x for x in (f"row {p.row}" if p.row else "", f"column '{p.column}'" if p.column else "")
                              if x)
            lines.append(f"  {where}: {p.message}" + (f" ({p.hint})" if p.hint else ""))
        error = RosterError(f"{len(self.problems)} problems in the roster, all listed below; fix them and run again:\n"
                            + "\n".join(lines), path=self.path)
        error.problems = [RosterError(p.message, path=self.path, row=p.row, column=p.column, hint=p.hint)
                          for p in self.problems]
        raise error

    def warnings(self) -> list[str]:
        out = list(self.notes)
        for (column, written, stored), rows in self.changes.items():
            out.append(f"{self.path}, {_rows(rows)}, column '{column}': {written!r} read as {stored}")
        for (column, written, stored), rows in self.unknown.items():
            commoner = [s for (c, _, s), r in self.unknown.items() if c == column and s != stored and len(r) > len(rows)]
            near = (closest(written, KNOWN_GROUPS, cutoff=0.7) or closest(written, known_spellings(column), cutoff=0.8)
                    or closest(stored, commoner, cutoff=0.8))
            out.append(f"{self.path}, {_rows(rows)}, column '{column}': {written!r} is not one of "
                       f"{', '.join(KNOWN_GROUPS)}; kept as a group of its own, {stored!r}"
                       + (f" (did you mean '{near}'?)" if near else ""))
        for column, rows in self.trimmed.items():
            out.append(f"{self.path}, {_rows(rows)}, column '{column}': spaces around the value removed")
        return out


KNOWN_COLUMNS = frozenset({*REQUIRED, *READERS, "sector", "session_id", "birth_year", "sex_age", "start_year"})


HEADER_SEARCH = 12   # rows a title, a note or a header over merged cells may take above the column names


def known_names(cells: list[str]) -> set[str]:
    return {c for c in map(_normalize_header, cells) if c in KNOWN_COLUMNS}


def a_header(cells: list[str]) -> bool:
    """Does a row name a roster's columns (the respondent id and the group, or two more known ones)?"""
    names = known_names(cells)
    return "respondent_id" in names and (len(names) >= 3 or "group" in names)
