"""The respondent roster: one row per respondent, values normalised, every problem named by row.

Required columns: ``respondent_id``, ``group``. Known columns are normalised (``sex``, ``age``,
``province``, ``years_experience``, ``method``, ``sector``, ``session_id``); any other column is
kept as an attribute, as written. What each column accepts is in :mod:`fivep.ingest.vocabulary`.

Nothing is changed silently: every value stored differently from how it was written (``F`` ->
``female``, ``16 ปี`` -> 16, spaces trimmed, invisible characters removed) is reported as a warning
naming the rows, and every value that cannot be read is an error; all errors of a roster are
reported at once, each with its row, column and the closest known value.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fivep.cells import unescape_cell
from fivep.errors import RosterError
from fivep.ingest.encoding import decode_bytes
from fivep.ingest.roster_checks import implausible, is_totals_row
from fivep.ingest.roster_checks import rows_named as _rows
from fivep.ingest.thai import invisible_characters, normalize_id
from fivep.ingest.vocabulary import (
    KNOWN_GROUPS,
    NUMERIC,
    REQUIRED,
    _normalize_header,
    _provinces_th,
    closest,
    is_missing,
    is_sexless_title,
    known_group,
    known_spellings,
    normalize_group,
    normalize_method,
    normalize_province,
    normalize_sex,
    parse_number,
)
from fivep.model import Respondent

__all__ = [
    "RosterRead",
    "_provinces_th",
    "load_roster",
    "normalize_group",
    "normalize_method",
    "normalize_province",
    "normalize_sex",
    "parse_number",
    "read_roster",
]

_READERS: dict[str, tuple[Callable[[str], Any], str]] = {
    "sex": (normalize_sex, "use F/M, female/male, หญิง/ชาย, ญ/ช or other"),
    "province": (normalize_province, ("use a Thai province name in Thai or English script; a district only "
                                      "with its province, as in 'อ.แม่สาย จ.เชียงราย' or 'Mae Sai, Chiang Rai'")),
    "method": (normalize_method, "use interview or focus_group"),
    "age": (parse_number, "write a number such as 16 or ๑๖ ปี"),
    "years_experience": (parse_number, "write a number such as 16 or ๑๖ ปี"),
}


@dataclass
class RosterRead:
    """A roster as read: its respondents and the warnings about values stored differently."""

    respondents: list[Respondent]
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Problem:
    row: int | None
    column: str | None
    message: str
    hint: str | None = None


class _Collector:
    """Errors and value changes of one roster, reported together at the end."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[_Problem] = []
        self.changes: dict[tuple[str, str, str], list[int]] = {}
        self.trimmed: dict[str, list[int]] = {}
        self.notes: list[str] = []
        self.unknown: dict[tuple[str, str, str], list[int]] = {}

    def error(self, row: int | None, column: str | None, message: str, hint: str | None = None) -> None:
        self.problems.append(_Problem(row, column, message, hint))

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
    from fivep.exchange.safety import check_package

    check_package(path.read_bytes(), path, "xlsx", error=RosterError, hint="save it again as .xlsx or export it as CSV",
                  damaged="not a readable Excel workbook (a damaged or truncated zip package)")
    try:
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many types on a damaged workbook
        raise RosterError(f"not a readable Excel workbook ({type(error).__name__})", path=path,
                          hint="save it again as .xlsx or export it as CSV") from None
    sheet = book.worksheets[0]
    # Read-only mode trusts the sheet's stored dimension, which other programs often leave stale
    # (a sheet written as A1:D3 that holds five rows): forget it and read every row there is.
    sheet.reset_dimensions()  # type: ignore[union-attr]
    rows_iter = sheet.iter_rows(values_only=True)
    try:
        header = ["" if v is None else str(v) for v in next(rows_iter)]
        rows = []
        empty: set[tuple[int, int]] = set()
        for number, values in enumerate(rows_iter, start=2):
            cells: list[str] = []
            for v in values:
                if v is None:
                    empty.add((number, len(cells)))
                    cells.append("")
                elif isinstance(v, float) and v.is_integer():
                    cells.append(str(int(v)))
                else:
                    cells.append(str(v))
            rows.append((number, cells))
    except StopIteration:
        raise RosterError("the roster sheet is empty", path=path) from None
    except Exception as error:  # noqa: BLE001 - the sheet is parsed lazily: a damaged one fails here
        raise RosterError(f"not a readable Excel workbook ({type(error).__name__}: {error})", path=path,
                          hint="save it again as .xlsx or export it as CSV") from None
    finally:
        book.close()
    if empty:
        _refuse_formulas_without_values(path, header, empty)
    return header, rows


def _refuse_formulas_without_values(path: Path, header: list[str], empty: set[tuple[int, int]]) -> None:
    """An empty cell that holds a formula has no saved value (a workbook written by a script, never opened in
    a spreadsheet program): an error naming the cell, not a missing value."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    found = _Collector(path)
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # type: ignore[union-attr]
        for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
            for i, v in enumerate(values):
                formula = v.text if hasattr(v, "text") else v  # an array formula is an object with .text
                if (number, i) in empty and isinstance(formula, str) and formula.startswith("="):
                    column = _normalize_header(header[i]) if i < len(header) else None
                    found.error(number, column or None,
                                f"cell {get_column_letter(i + 1)}{number} holds the formula {formula!r} but no saved "
                                "value", "open the file in Excel or LibreOffice and save it, or type the value")
    finally:
        book.close()
    found.raise_if_any()


def read_roster(path: str | Path, warnings: list[str] | None = None) -> list[Respondent]:
    """Read and normalise a roster (.csv or .xlsx); warnings about changed values go to ``warnings``.

    Raises :class:`RosterError` naming the file and, for every value it cannot read, the row (as a
    spreadsheet shows it, the header being row 1) and column.
    """
    result = load_roster(path)
    if warnings is not None:
        warnings.extend(result.warnings)
    return result.respondents


def load_roster(path: str | Path) -> RosterRead:
    """Read a roster; see :func:`read_roster`."""
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
    found = _Collector(path)
    columns = _columns(header, found)
    for required in REQUIRED:
        if required not in columns:
            found.error(1, None, f"required column '{required}' is missing",
                        f"the header has: {', '.join(h.strip() for h in header)}")
    found.raise_if_any()
    seen: dict[str, tuple[str, int]] = {}
    respondents: list[Respondent] = []
    for number, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns):]):
            found.error(number, None, f"the row has {len(cells)} values but the header names {len(columns)} columns",
                        "check for an unquoted comma")
            continue
        # unescape_cell: a roster fivep wrote (import, deidentify) has formula-like text escaped as '=...
        record = {col: (unescape_cell(cells[i]) if i < len(cells) else "") for i, col in enumerate(columns) if col}
        for i, col in enumerate(columns):
            if not col and i < len(cells) and cells[i].strip():
                found.error(number, None, f"column {i + 1} has a value ({cells[i].strip()!r}) but no header",
                            "name the column in row 1, or delete the value")
        if is_totals_row(record):
            found.notes.append(f"{path}, row {number}: a totals row (respondent_id {record['respondent_id'].strip()!r}, "
                               f"group {record['group'].strip()!r}), not a respondent; not counted (delete the row "
                               "from the roster to silence this warning)")
            continue
        respondent = _respondent(record, number, seen, found)
        if respondent is not None:
            respondents.append(respondent)
    if not respondents and not found.problems:
        raise RosterError("the roster has a header but no respondents", path=path)
    found.raise_if_any()
    return RosterRead(respondents, found.warnings())


def _columns(header: list[str], found: _Collector) -> list[str]:
    columns = [_normalize_header(h) for h in header]
    renamed = [f"'{h.strip()}' as {c}" for h, c in zip(header, columns, strict=True)
               if c and h.replace("\ufeff", "").strip() != c]
    if renamed:
        found.notes.append(f"{found.path}, row 1: columns read as: {', '.join(renamed)}")
    first: dict[str, str] = {}
    for h, c in zip(header, columns, strict=True):
        if c and c in first:
            found.error(1, None, f"columns '{first[c]}' and '{h.strip()}' are both read as '{c}'",
                        "rename or delete one of them")
        first.setdefault(c, h.strip())
    return columns


def _trim(value: str, row: int, column: str, found: _Collector) -> str:
    text = value.strip()
    if text != value:
        found.trimmed.setdefault(column, []).append(row)
    return text


def _respondent(record: dict[str, str], row: int, seen: dict[str, tuple[str, int]],
                found: _Collector) -> Respondent | None:
    from fivep.ingest.turns import label_key

    ok = True
    written = _trim(record.pop("respondent_id"), row, "respondent_id", found)
    rid = normalize_id(written)
    if invisible_characters(written):
        found.notes.append(f"{found.path}, row {row}, column 'respondent_id': invisible character(s) "
                           f"{', '.join(invisible_characters(written))} removed from {rid!r}")
    if not rid:
        found.error(row, "respondent_id", "respondent_id is empty")
        ok = False
    elif label_key(rid) in seen:
        other, first = seen[label_key(rid)]
        found.error(row, "respondent_id", f"duplicate respondent_id '{rid}' (first on row {first})" if other == rid
                    else f"respondent_id '{rid}' cannot be told apart from '{other}' (row {first}): speaker labels "
                         "ignore case, spaces, dashes and dots", "every respondent needs a unique id")
        ok = False
    else:
        seen[label_key(rid)] = (rid, row)
    raw_group = _trim(record.pop("group"), row, "group", found)
    group = ""
    if not raw_group:
        found.error(row, "group", "group is empty", "e.g. government, ngo, expert, victim")
        ok = False
    else:
        group = _group(raw_group, row, "group", found)
    attributes: dict[str, Any] = {}
    for column, raw in record.items():
        value = _trim(raw, row, column, found)
        if column in _READERS:
            read, hint = _READERS[column]
            attributes[column] = _read_value(value, read, row, column, hint, found)
        elif column == "sector":
            if is_missing(value, known_group):
                if value:
                    found.changed(row, column, value, "missing")
                attributes[column] = None
            else:
                attributes[column] = _group(value, row, column, found)
        else:
            attributes[column] = value or None
    found.notes.extend(implausible(attributes, group, row, found.path))
    return Respondent(rid, group, attributes) if ok else None


def _group(value: str, row: int, column: str, found: _Collector) -> str:
    """A group (or sector): a known one, or a group of its own, reported with the nearest known one."""
    stored = normalize_group(value)
    if known_group(value) is None:
        found.unknown.setdefault((column, value, stored), []).append(row)
    elif stored != value:
        found.changed(row, column, value, repr(stored))
    return stored


_GLOSSED = re.compile(r"^\s*(?P<a>[^()（）]+?)\s*[(（]\s*(?P<b>[^()（）]+?)\s*[)）]\s*$")


def _read_glossed(value: str, read: Callable[[str], Any]) -> Any:
    """A value with its translation or its larger place in brackets: ``สนทนากลุ่ม (Focus group)``,
    ``Chiang Rai (เชียงราย)``, ``Mae Sai (Chiang Rai)``. Read when the two parts agree, or when only one
    of them can be read; None when neither can, or they say different things (``Nan (Phrae)``)."""
    match = _GLOSSED.match(value)
    if not match:
        return None
    first, second = read(match.group("a")), read(match.group("b"))
    if first is not None and second is not None:
        return first if first == second else None
    return first if first is not None else second


def _read_value(value: str, read: Callable[[str], Any], row: int, column: str, hint: str,
                found: _Collector) -> Any:
    if is_missing(value, read):
        if value:  # a marker (-, n/a, ?, ไม่ระบุ): missing, and said so, since '?' may have meant "unsure"
            found.changed(row, column, value, "missing")
        return None
    result = read(value)
    if result is None:
        result = _read_glossed(value, read)
    if result is None and column == "sex" and is_sexless_title(value):
        found.changed(row, column, value, "missing (a title that does not say the sex)")
        return None
    if result is None:
        near = closest(value, known_spellings(column))
        canonical = read(near) if near else None
        if isinstance(canonical, str):  # the canonical value ('focus_group', 'Lamphun'), not an alias ('fg')
            near = canonical
        if value.casefold() == "nan":
            hint = "'nan' is how pandas writes an empty cell; " + hint
        elif near:
            hint = f"did you mean '{near}'? " + hint
        found.error(row, column, f"cannot read {column} {value!r}", hint + "; leave the cell empty if unknown")
        return None
    if column in NUMERIC:
        if not (0 <= result <= 120):
            found.error(row, column, f"{column} {value!r} is out of range", "write a number between 0 and 120")
            return None
        shown = str(int(result)) if float(result).is_integer() else f"{result:g}"
        if shown != value:
            found.changed(row, column, value, shown)
    elif result != value:
        found.changed(row, column, value, repr(result))
    return result
