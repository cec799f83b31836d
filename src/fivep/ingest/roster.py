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
from typing import Any, Self

from fivep.cells import unescape_cell
from fivep.errors import RosterError
from fivep.ingest.encoding import decode_bytes
from fivep.ingest.roster_checks import implausible, is_count, is_total_word, is_totals_row
from fivep.ingest.roster_checks import rows_named as _rows
from fivep.ingest.thai import invisible_characters, normalize_id, thai_to_arabic_digits
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
        self.title: list[str] = []           # the text of rows above the header
        self.legend: dict[str, str] = {}     # abbreviations the roster's notes define ("ผส. = ผู้เสียหาย...")
        self.months: set[str] = set()        # numeric columns counted in months ("Experience (months)")
        self.keys: list[str] = []            # keys given in the column names: "กลุ่ม (1=รัฐ 2=NGO ...)"

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
    text = text.replace("\r\n", "\n").replace("\r", "\n")   # before sniffing: "\r\n" misleads the sniffer
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    # a title above the column names can mislead the sniffer (a comma in "..., v3" above "ID;Sex;Age"): the
    # delimiter is the one that gives a row naming the roster's columns
    head = sample.split("\n")[:_HEADER_SEARCH]
    if not any(_a_header(row) for row in csv.reader(head, dialect)):
        for delimiter in ",;\t|":
            if any(_a_header(row) for row in csv.reader(head, delimiter=delimiter)):
                dialect = type("sniffed", (csv.excel,), {"delimiter": delimiter})
                break
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        raise RosterError(f"not a readable CSV table: {error}", path=path, row=reader.line_num,
                          hint="check the quotes on that row, or save the roster again as CSV") from None
    if not rows:
        raise RosterError("the roster is empty", path=path,
                          hint="the first row must name the columns: respondent_id, group, ...")
    return rows[0][1], rows[1:]


# A merged cell's value, read into the cells below its anchor: (row, column index) -> anchor row.
Merged = dict[tuple[int, int], int]


def _merged_down(sheet: Any) -> list[tuple[int, int, int, int]]:
    """The sheet's merged ranges that span rows, as (min_col, min_row, max_col, max_row), 1-based. Read from
    the sheet's XML (read-only worksheets do not parse them), with defusedxml, ranges decoded by openpyxl."""
    from defusedxml.ElementTree import iterparse
    from openpyxl.utils.cell import range_boundaries

    source = getattr(sheet, "_get_source", None)
    if source is None:
        return []
    out = []
    with source() as xml:
        for _, element in iterparse(xml):
            if element.tag.endswith("}mergeCell") and element.get("ref"):
                bounds = range_boundaries(element.get("ref"))
                if bounds[1] is not None and bounds[3] is not None and bounds[3] > bounds[1]:
                    out.append(bounds)
            element.clear()
    return out  # type: ignore[return-value]


def _fill_merged(rows: list[tuple[int, list[str]]], header: list[str], ranges: list[tuple[int, int, int, int]]) -> Merged:
    """Give every cell of a vertically merged range its anchor's value (a spreadsheet shows it there; its file
    keeps it only in the first cell). Returns what was filled, for the warnings."""
    filled: Merged = {}
    by_number = {number: cells for number, cells in rows}
    by_number[1] = header
    for min_col, min_row, max_col, max_row in ranges:
        anchor = by_number.get(min_row)
        if anchor is None:
            continue
        for column in range(min_col - 1, max_col):
            value = anchor[column] if column < len(anchor) else ""
            if not value.strip():
                continue
            for number in range(min_row + 1, max_row + 1):
                cells = by_number.get(number)
                if cells is None:
                    continue
                cells.extend([""] * (column + 1 - len(cells)))
                if not cells[column].strip():
                    cells[column] = value
                    filled[(number, column)] = min_row
    return filled


def _rows_from_ods(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The first sheet of an OpenDocument spreadsheet (LibreOffice's .ods), read by pandas with odfpy."""
    import pandas as pd

    from fivep.exchange.safety import check_package

    check_package(path.read_bytes(), path, "ods", error=RosterError, hint="save it again as .ods, .xlsx or CSV",
                  damaged="not a readable OpenDocument spreadsheet (a damaged or truncated zip package)")
    try:
        frame = pd.read_excel(path, engine="odf", header=None, dtype=str, keep_default_na=False)
    except Exception as error:  # noqa: BLE001 - odfpy raises many types on a damaged file
        raise RosterError(f"not a readable OpenDocument spreadsheet ({type(error).__name__})", path=path,
                          hint="save it again as .ods or .xlsx, or export it as CSV") from None
    table = [["" if v is None else str(v) for v in row] for row in frame.itertuples(index=False)]
    if not table:
        raise RosterError("the roster sheet is empty", path=path)
    cells = [[c[:-2] if c.endswith(".0") and c[:-2].lstrip("-").isdigit() else c for c in row] for row in table]
    return cells[0], [(number, row) for number, row in enumerate(cells[1:], start=2)]


class SheetRow(int):
    """A row of one sheet of a workbook whose roster spans several sheets: ordered across the sheets, shown as
    ``5 of sheet 'แพร่'`` wherever a message names the row."""

    sheet: str
    row: int

    def __new__(cls, index: int, sheet: str, row: int) -> Self:
        value = super().__new__(cls, index * 10_000_000 + row)
        value.sheet, value.row = sheet, row
        return value

    def __str__(self) -> str:
        return f"{self.row} of sheet '{self.sheet}'"

    def __format__(self, spec: str) -> str:
        return str(self) if not spec else format(int(self), spec)


@dataclass
class _Sheet:
    title: str
    header: list[str]
    rows: list[tuple[int, list[str]]]
    merged: Merged


def _rows_from_xlsx(path: Path) -> tuple[list[_Sheet], str | None]:
    """The sheets that hold the roster (one, or several with the same columns), and a note naming the sheets
    passed over before them."""
    from fivep.exchange.safety import check_package

    check_package(path.read_bytes(), path, "xlsx", error=RosterError, hint="save it again as .xlsx or export it as CSV",
                  damaged="not a readable Excel workbook (a damaged or truncated zip package)")
    try:
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many types on a damaged workbook
        raise RosterError(f"not a readable Excel workbook ({type(error).__name__})", path=path,
                          hint="save it again as .xlsx or export it as CSV") from None
    try:
        chosen, passed = _roster_sheets(book)
        sheets = [_read_sheet(sheet, path) for sheet in chosen]
    finally:
        book.close()
    note = (f"{path}: the roster read from sheet '{chosen[0].title}'; "
            f"{', '.join(repr(t) for t in passed)} before it name{'s' if len(passed) == 1 else ''} no respondent "
            "columns") if passed else None
    return sheets, note


def _read_sheet(sheet: Any, path: Path) -> _Sheet:
    # Read-only mode trusts the sheet's stored dimension, which other programs often leave stale
    # (a sheet written as A1:D3 that holds five rows): forget it and read every row there is.
    sheet.reset_dimensions()
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
        merged = _fill_merged(rows, header, _merged_down(sheet))
    except StopIteration:
        raise RosterError("the roster sheet is empty", path=path) from None
    except Exception as error:  # noqa: BLE001 - the sheet is parsed lazily: a damaged one fails here
        raise RosterError(f"not a readable Excel workbook ({type(error).__name__}: {error})", path=path,
                          hint="save it again as .xlsx or export it as CSV") from None
    if empty:
        _refuse_formulas_without_values(path, header, {cell for cell in empty if cell not in merged}, sheet.title)
    return _Sheet(sheet.title, header, rows, merged)


def _sheet_columns(sheet: Any) -> frozenset[str] | None:
    """The known columns a sheet's first rows name, when they name a roster's (the respondent id and the
    group, or two more); else None."""
    sheet.reset_dimensions()
    for values in sheet.iter_rows(max_row=_HEADER_SEARCH, values_only=True):
        names = frozenset(c for c in (_normalize_header(str(v)) for v in values if v is not None) if c in _KNOWN_COLUMNS)
        if "respondent_id" in names and (len(names) >= 3 or "group" in names):
            return names
    return None


def _roster_sheets(book: Any) -> tuple[list[Any], list[str]]:
    """The sheets that hold the roster: the first one whose first rows name the respondent id and the group
    (or two more known columns), with every later sheet that names the same columns (a sheet per province or
    per group); a workbook may open with a cover or instructions sheet. The first sheet when none does (its
    error then names what is missing). Returns the sheets and the titles passed over before them."""
    for index, sheet in enumerate(book.worksheets):
        names = _sheet_columns(sheet)
        if names is not None:
            more = [other for other in book.worksheets[index + 1:] if _sheet_columns(other) == names]
            return [sheet, *more], [s.title for s in book.worksheets[:index]]
    return [book.worksheets[0]], []


def _join_sheets(sheets: list[_Sheet], found: _Collector) -> tuple[int, list[str], list[tuple[int, list[str]]]]:
    """One roster from sheets with the same columns: each sheet's column names found (a title above them
    is passed over), its rows numbered as :class:`SheetRow`. Where the roster has no group (or province)
    column and every sheet's name reads as one, the sheet's name is that column's value for its rows."""
    header_row, header = 1, sheets[0].header
    rows: list[tuple[int, list[str]]] = []
    columns: list[str] | None = None
    for index, sheet in enumerate(sheets):
        number, names, sheet_rows = _find_header(sheet.header, sheet.rows, found)
        normalised = [_normalize_header(h) for h in names]
        if columns is None:
            header_row, header, columns = number, names, normalised
        elif normalised[: len(columns)] != columns:
            raise RosterError(f"the roster's sheets '{sheets[0].title}' and '{sheet.title}' name the same columns in "
                              "a different order", path=found.path,
                              hint="give every sheet the columns of the first, in its order")
        rows += [(SheetRow(index + 1, sheet.title, n), cells) for n, cells in sheet_rows]
    titles = [sheet.title for sheet in sheets]
    assert columns is not None
    for column, reads in (("group", known_group), ("province", normalize_province)):
        if column not in columns and all(reads(t) is not None or is_missing(t, reads) for t in titles):
            header = [*header, *[""] * (len(columns) - len(header)), column]   # read as the sheet's name
            columns = [*columns, *[""] * (len(header) - 1 - len(columns)), column]
            width = len(header) - 1
            rows = [(n, [*cells[:width], *[""] * (width - len(cells)), n.sheet if isinstance(n, SheetRow) else ""])
                    for n, cells in rows]
            found.notes.append(f"{found.path}: the roster is on {len(titles)} sheets with the same columns "
                               f"({', '.join(repr(t) for t in titles)}); each sheet's name gives the {column} of its rows")
            break
    else:
        found.notes.append(f"{found.path}: the roster is on {len(titles)} sheets with the same columns "
                           f"({', '.join(repr(t) for t in titles)}); all read")
    return header_row, header, rows


def _refuse_formulas_without_values(path: Path, header: list[str], empty: set[tuple[int, int]], title: str) -> None:
    """An empty cell that holds a formula has no saved value (a workbook written by a script, never opened in
    a spreadsheet program): an error naming the cell, not a missing value."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    found = _Collector(path)
    try:
        sheet = book[title]
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
        near = sorted(p.name for p in path.parent.glob(f"{path.stem}.*") if p.is_file()) if path.parent.is_dir() else []
        raise RosterError("roster not found", path=path,
                          hint=(f"found {', '.join(near)}: save it as .csv, .xlsx or .ods, or name it in study.toml "
                                "(roster = ...)") if near else
                               "put respondents.csv (or .xlsx, .ods) in the study folder, or set roster= in study.toml")
    if path.suffix.lower() == ".xls":
        raise RosterError("an Excel 97-2003 workbook (.xls) is not read", path=path,
                          hint="open it in Excel or LibreOffice and save it as .xlsx, or export it as CSV")
    found = _Collector(path)
    merged: Merged = {}
    if path.suffix.lower() == ".ods":
        header, rows = _rows_from_ods(path)
        header_row, header, rows = _find_header(header, rows, found)
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        sheets, sheet_note = _rows_from_xlsx(path)
        if sheet_note:
            found.notes.append(sheet_note)
        if len(sheets) == 1:
            header, rows, merged = sheets[0].header, sheets[0].rows, sheets[0].merged
            header_row, header, rows = _find_header(header, rows, found)
        else:
            header_row, header, rows = _join_sheets(sheets, found)
    else:
        data = path.read_bytes()
        if not data.strip():
            raise RosterError("the roster is empty", path=path,
                              hint="the first row must name the columns: respondent_id, group, ...")
        header, rows = _rows_from_csv(path, data)
        header_row, header, rows = _find_header(header, rows, found)
    found.keys = [inner for h in header for inner in re.findall(r"[(（]([^()（）]*=[^()（）]*)[)）]", h)]
    columns = _columns(header, found, header_row)
    _settle_twins(columns, header, rows, header_row, found)
    _tick_columns(columns, header, header_row, found)
    _columns_by_values(columns, header, rows, header_row, found)
    _say_merged(merged, header_row, header, found)
    rows = _drop_units_row(rows, header, columns, found)
    rows = _drop_repeated_headers(rows, header, found)
    if "respondent_id" not in columns:
        found.error(header_row, None, "required column 'respondent_id' is missing",
                    f"the header has: {', '.join(h.strip() for h in header)}")
    found.raise_if_any()
    rows, footer = _split_footer(rows, columns)
    _say_footer(footer, columns, found)
    sections, by_prefix = _group_source(rows, columns, header, header_row, found)
    found.raise_if_any()
    if "group" in columns and not path.suffix.lower().startswith(".xls"):   # a workbook's merged cells are read as such
        rows = _fill_group_down(rows, columns, header, found)
    derived = {source: convert for source in _SINCE
               if (convert := _years_since(source, header, columns, rows, header_row, found)) is not None}
    found.raise_if_any()
    found.months = set(_columns_in_months(header, columns, found))
    seen: dict[str, tuple[str, int]] = {}
    respondents: list[Respondent] = []
    section_group: str | None = None
    read_rows: list[int] = []
    layout = columns
    for number, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        if number in sections:
            section_group = sections[number][0]
            continue
        if _a_header(cells):   # a section with columns of its own ("Care setting" instead of "Experience")
            layout = [_normalize_header(h) for h in cells]
            found.notes.append(f"{path}, row {number}: the column names of the rows under it "
                               f"({', '.join(c.strip() for c in cells if c.strip())})")
            continue
        if len(cells) > len(layout) and any(c.strip() for c in cells[len(layout):]):
            found.error(number, None, f"the row has {len(cells)} values but the header names {len(layout)} columns",
                        "check for an unquoted comma")
            continue
        # unescape_cell: a roster fivep wrote (import, deidentify) has formula-like text escaped as '=...
        record = {col: (unescape_cell(cells[i]) if i < len(cells) else "") for i, col in enumerate(layout) if col}
        for source, convert in derived.items():
            record[_SINCE[source][0]] = convert(record[source])
        totals = is_totals_row({**record, "group": record.get("group", "")})
        if "group" not in columns:
            record["group"] = (section_group if by_prefix is None
                               else by_prefix.get(_id_prefix(record["respondent_id"]), "")) or ""
        if "sex_age" in record:
            record["sex"], record["age"] = _split_sex_age(record.pop("sex_age"))
        if "sex:female" in record:
            record["sex"] = _ticked_sex(record.pop("sex:female"), record.pop("sex:male"), number, found)
        for i, col in enumerate(layout):
            if not col and i < len(cells) and cells[i].strip():
                found.error(number, None, f"column {i + 1} has a value ({cells[i].strip()!r}) but no header",
                            "name the column in row 1, or delete the value")
        if totals:
            written = " ".join(c.strip() for c in cells if c.strip())
            found.notes.append(f"{path}, row {number}: a totals row ({written!r}), not a respondent; not counted "
                               "(delete the row from the roster to silence this warning)")
            continue
        respondent = _respondent(record, number, seen, found)
        if respondent is not None:
            respondents.append(respondent)
            read_rows.append(number)
    if not respondents and not found.problems:
        raise RosterError("the roster has a header but no respondents", path=path)
    found.raise_if_any()
    _check_sections(sections, read_rows, found)
    return RosterRead(respondents, found.warnings())


def _say_footer(footer: list[tuple[int, list[str]]], columns: list[str], found: _Collector) -> None:
    """Name each row after the last respondent (a totals row, or a note), and read the legend among them."""
    texts = []
    for number, cells in footer:
        text = " ".join(c.strip() for c in cells if c.strip())
        texts.append(text)
        record = {col: (cells[i] if i < len(cells) else "") for i, col in enumerate(columns) if col}
        what = (f"a totals row ({text!r})" if is_totals_row({**record, "group": record.get("group", "")})
                else f"{text[:60]!r} follows the last respondent: a note")
        found.notes.append(f"{found.path}, row {number}: {what}, not a respondent; not counted")
    found.legend = _legend(texts + found.title + found.keys)


def _group_source(rows: list[tuple[int, list[str]]], columns: list[str], header: list[str], header_row: int,
                  found: _Collector) -> tuple[dict[int, tuple[str, int | None]], dict[str, str] | None]:
    """Where each respondent's group comes from when no column is named for it: section headings, then the
    code prefixes a legend defines, then the one agency column (``columns`` is changed to read it as the
    group). Returns the sections and the prefix table (each possibly empty); an error when none applies."""
    if "group" in columns:
        return {}, None
    sections = _sections(rows)
    if sections:
        return sections, None
    by_prefix = _groups_by_prefix(rows, columns, found.legend)
    if by_prefix is not None:
        found.notes.append(f"{found.path}: each respondent's group read from the prefix of the code, as the roster's "
                           f"note defines it ({', '.join(f'{k} = {v}' for k, v in sorted(by_prefix.items()))})")
    elif columns.count("sector") == 1:
        written = header[columns.index("sector")].strip()
        columns[columns.index("sector")] = "group"
        found.notes.append(f"{found.path}, row {header_row}: column '{written}' gives each respondent's group (the "
                           "roster has no group column)")
    else:
        found.error(header_row, None, "required column 'group' is missing",
                    f"the header has: {', '.join(h.strip() for h in header)}")
    return {}, by_prefix


def _columns(header: list[str], found: _Collector, row: int = 1) -> list[str]:
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


def _settle_twins(columns: list[str], header: list[str], rows: list[tuple[int, list[str]]], row: int,
                  found: _Collector) -> None:
    """Two columns whose names both say the same known column (``อายุ`` and ``ที่มาของอายุ``; ``Category`` and
    ``Type``): the one whose values read as that column keeps it; the other is read as the known column its
    values fit (``Type``: KII / FGD, the method) or kept as it is. Each decision reported; a tie is an error."""
    readers: dict[str, Callable[[str], Any]] = {**{c: r for c, (r, _) in _READERS.items()}, "group": known_group,
                                                "sector": known_group}

    def share(i: int, column: str) -> float:
        values = [cells[i].strip() for _, cells in rows[:200] if i < len(cells) and cells[i].strip()]
        values = [v for v in values if not is_missing(v, readers[column])]
        return sum(readers[column](v) is not None for v in values) / len(values) if values else 0.0

    for column in sorted({c for c in columns if c in readers and columns.count(c) > 1}):
        at = [i for i, c in enumerate(columns) if c == column]
        scores = sorted(((share(i, column), i) for i in at), reverse=True)
        if len(at) != 2 or scores[0][0] < 0.8 or scores[1][0] >= 0.5:
            continue   # the error _columns reported stands
        loser = scores[1][1]
        fits = [c for c in readers if c not in columns and share(loser, c) >= 0.8]
        columns[loser] = fits[0] if len(fits) == 1 else re.sub(r"[\s\-]+", "_", header[loser].strip().casefold())
        found.problems = [p for p in found.problems if not (p.row == row and f"are both read as '{column}'" in p.message)]
        found.notes.append(f"{found.path}, row {row}: columns '{header[scores[0][1]].strip()}' and "
                           f"'{header[loser].strip()}' both name {column}; the values of the first read as {column}, "
                           f"the second is read as {columns[loser]}")


def _say_merged(merged: Merged, header_row: int, header: list[str], found: _Collector) -> None:
    """One warning per merged range below the header: which rows were given the value of which row."""
    runs: dict[tuple[int, int], list[int]] = {}
    for (number, column), anchor in merged.items():
        if number > header_row:
            runs.setdefault((column, anchor), []).append(number)
    for (column, anchor), numbers in sorted(runs.items(), key=lambda item: (item[0][1], item[0][0])):
        name = header[column].strip() if column < len(header) else f"column {column + 1}"
        found.notes.append(f"{found.path}, {_rows(numbers)}, column '{name}': a merged cell; the value of row "
                           f"{anchor} read for each")


_KNOWN_COLUMNS = frozenset({*REQUIRED, *_READERS, "sector", "session_id", "birth_year", "sex_age", "start_year"})
_HEADER_SEARCH = 12   # rows a title, a note or a header over merged cells may take above the column names


def _known_names(cells: list[str]) -> set[str]:
    return {c for c in map(_normalize_header, cells) if c in _KNOWN_COLUMNS}


def _a_header(cells: list[str]) -> bool:
    """Does a row name a roster's columns (the respondent id and the group, or two more known ones)?"""
    names = _known_names(cells)
    return "respondent_id" in names and (len(names) >= 3 or "group" in names)


def _find_header(first: list[str], rows: list[tuple[int, list[str]]],
                 found: _Collector) -> tuple[int, list[str], list[tuple[int, list[str]]]]:
    """The row that names the columns: the first row, unless that one names fewer than two known columns
    and a row below it (within :data:`_HEADER_SEARCH`) names the respondent id and at least two more. The
    rows above it (a title, a fieldwork note, a header over merged cells) are reported, never read as
    respondents; but a section heading right above it (``A. Government officials``) stays, to give its
    group. A second row of names under it (``เพศ``, ``อายุ (ปี)`` under a merged ``ข้อมูลส่วนบุคคล``) completes it."""
    numbered = [(1, first), *rows]
    if len(_known_names(first)) >= 2 and "respondent_id" in _known_names(first):
        index = 0
    else:
        index = next((i for i, (_, cells) in enumerate(numbered[:_HEADER_SEARCH]) if _a_header(cells)), -1)
        if index < 0:
            return 1, first, rows
    number, cells = numbered[index]
    rest = numbered[index + 1:]
    following = next(((i, row) for i, row in enumerate(rest) if any(c.strip() for c in row[1])), None)
    if following is not None:
        i, (_, under) = following
        filled = [c.strip() for c in under if c.strip()]
        # a second line of names: every filled cell a known column's name, more of them than the line above
        if len(filled) >= 2 and all(len(c) <= 25 and _normalize_header(c) in _KNOWN_COLUMNS for c in filled) and \
                len(_known_names([u or c for c, u in zip(cells, under, strict=False)])) > len(_known_names(cells)):
            width = max(len(cells), len(under))
            cells = [(under[k] if k < len(under) and under[k].strip() else cells[k] if k < len(cells) else "")
                     for k in range(width)]
            found.notes.append(f"{found.path}, rows {number} and {rest[i][0]}: the column names, on two rows")
            rest = rest[:i] + rest[i + 1:]
    above = numbered[:index]
    keep: list[tuple[int, list[str]]] = []
    if above:
        last = [c.strip() for c in above[-1][1] if c.strip()]
        if len(last) == 1 and len(last[0]) <= 40 and "group" not in _known_names(cells) and \
                known_group(re.sub(r"^[A-Za-zก-ฮ0-9๐-๙]{1,2}[.)]\s*", "", last[0])) is not None:
            keep, above = [above[-1]], above[:-1]   # the first section's heading
    texts = [" ".join(c.strip() for c in row if c.strip()) for _, row in above]
    found.title = [text for text in texts if text]
    if above:
        shown = found.title[0][:60] if found.title else ""
        found.notes.append(f"{found.path}, {_rows([n for n, _ in above])}: above the column names "
                           f"(row {number}), not respondents; not read" + (f" ({shown!r})" if shown else ""))
    if keep:   # the heading moves below the column names, where the sections are read
        rest = [*keep, *rest]
    return number, cells, rest


_SECTION_COUNT = re.compile(r"[(（]\s*(?:n\s*=\s*)?([0-9๐-๙]+)\s*(?:คน|ราย|persons?|people|respondents?)?\s*[)）]",
                            re.IGNORECASE)


def _sections(rows: list[tuple[int, list[str]]]) -> dict[int, tuple[str, int | None]]:
    """Rows that head a section of a roster with no group column: one cell, naming a group
    (``กลุ่มที่ 1 เจ้าหน้าที่ภาครัฐ (14 คน)``), with the count it gives if any. Row number -> (group, count)."""
    out: dict[int, tuple[str, int | None]] = {}
    for number, cells in rows:
        filled = [c.strip() for c in cells if c.strip()]
        if len(filled) != 1:
            continue
        group = known_group(_SECTION_COUNT.sub("", filled[0]))
        if group is not None:
            count = _SECTION_COUNT.search(filled[0])
            out[number] = (group, int(parse_number(count.group(1)) or 0) if count else None)
    return out


def _check_sections(sections: dict[int, tuple[str, int | None]], read_rows: list[int], found: _Collector) -> None:
    """Say which rows each section gave its group, and where a section's stated count differs from the
    respondents read under it (``read_rows``)."""
    starts = sorted(sections)
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else float("inf")
        members = [n for n in read_rows if start < n < end]
        group, count = sections[start]
        if members:
            found.notes.append(f"{found.path}, {_rows(members)}: group {group!r}, from the section heading on row {start}")
        if count is not None and count != len(members):
            found.notes.append(f"{found.path}, row {start}: the section heading says {count} respondents, "
                               f"{len(members)} rows follow it; check the roster")


_NOTE_ID = re.compile(r":\s|=|^\*|^(?:note|notes|source|legend|remark)\b|^(?:หมายเหตุ|ที่มา|สรุป|คำอธิบาย)", re.IGNORECASE)
_CODE = re.compile(r"[A-Za-zก-ฮ.]{0,8}[-_. /]?[0-9๐-๙]{1,6}[A-Za-z]?")   # what a respondent code looks like
_UNIT_WORD = re.compile(r"^(?:คน|ราย|persons?|people|respondents?|ปี|years?)$", re.IGNORECASE)


def _split_footer(rows: list[tuple[int, list[str]]],
                  columns: list[str]) -> tuple[list[tuple[int, list[str]]], list[tuple[int, list[str]]]]:
    """The rows after the last respondent that cannot be respondents (a note, a legend, a summary block):
    text only in columns fivep does not read (a row number, a date, remarks); an "id" that is a sentence
    (``Total respondents: 42``, ``ผส. = ผู้เสียหาย...``); one cell of note (``* กลุ่มที่ 4 ไม่มี...``); or a group's
    name in the id column with only counts beside it (``เจ้าหน้าที่ภาครัฐ, 32, คน``). A row with an id and values
    in the columns fivep reads stays a respondent, and a row with values and no id an error."""
    id_at = columns.index("respondent_id")

    def a_note(cells: list[str]) -> bool:
        rid = cells[id_at].strip() if id_at < len(cells) else ""
        filled = [(i, c.strip()) for i, c in enumerate(cells) if c.strip()]
        unread = all(i >= len(columns) or columns[i] not in _KNOWN_COLUMNS for i, _ in filled)
        single = len(filled) == 1 and (_NOTE_ID.search(filled[0][1]) is not None or len(filled[0][1]) > 40
                                       or not rid and not _reads_as_its_column(filled[0][0], filled[0][1]))
        counts = all(is_count(c) or _UNIT_WORD.match(c) for i, c in filled if i != id_at)
        summary = bool(rid) and not _CODE.fullmatch(rid) and counts and (
            known_group(rid) is not None or is_total_word(rid))
        return unread or single or summary or _NOTE_ID.search(rid) is not None

    def _reads_as_its_column(i: int, value: str) -> bool:
        """One cell and no id: a respondent's value missing its id (an error), or a signature line, a footnote."""
        column = columns[i] if i < len(columns) else ""
        if column == "group" or column == "sector":
            return known_group(value) is not None
        return column in _READERS and _READERS[column][0](value) is not None

    end = len(rows)
    while end and (not any(c.strip() for c in rows[end - 1][1]) or a_note(rows[end - 1][1])):
        end -= 1
    return rows[:end], [(n, cells) for n, cells in rows[end:] if any(c.strip() for c in cells)]


def _drop_units_row(rows: list[tuple[int, list[str]]], header: list[str], columns: list[str],
                    found: _Collector) -> list[tuple[int, list[str]]]:
    """A second header line under the column names that gives their units (``(ปี)``, ``(ปี / เดือน)``): every
    filled cell in brackets. Its units join the column names (a column in months is read in months)."""
    first = next(((i, (n, cells)) for i, (n, cells) in enumerate(rows) if any(c.strip() for c in cells)), None)
    if first is None:
        return rows
    index, (number, cells) = first
    filled = [(i, c.strip()) for i, c in enumerate(cells) if c.strip()]
    if not filled or not all(re.fullmatch(r"[(（\[].*[)）\]]", c) for _, c in filled):
        return rows
    for i, unit in filled:
        if i < len(header):
            header[i] = f"{header[i].strip()} {unit}"
    found.notes.append(f"{found.path}, row {number}: the units of the columns ({', '.join(c for _, c in filled)}), "
                       "not a respondent")
    return rows[:index] + rows[index + 1:]


def _drop_repeated_headers(rows: list[tuple[int, list[str]]], header: list[str],
                           found: _Collector) -> list[tuple[int, list[str]]]:
    """The column names written again further down (a page break in the printed roster): named and left out."""
    names = [h.strip().casefold() for h in header]
    kept, again = [], []
    for number, cells in rows:
        if [c.strip().casefold() for c in cells[: len(names)]] == names and any(names):
            again.append(number)
        else:
            kept.append((number, cells))
    if again:
        found.notes.append(f"{found.path}, {_rows(again)}: the column names again (a page break), not respondents")
    return kept


def _id_prefix(rid: str) -> str:
    match = re.match(r"\s*([A-Za-zก-๛]+)", rid)
    return match.group(1).casefold() if match else ""


def _groups_by_prefix(rows: list[tuple[int, list[str]]], columns: list[str],
                      legend: dict[str, str]) -> dict[str, str] | None:
    """Groups named by the prefix of every respondent's code, as a legend under the roster defines them
    (``GO = เจ้าหน้าที่รัฐ, NGO = ..., CV = เด็กผู้เสียหาย``); None unless the legend covers every code."""
    defined = {k.rstrip("-_. "): known_group(v) for k, v in legend.items()}
    defined = {k: g for k, g in defined.items() if g is not None}
    if not defined:
        return None
    id_at = columns.index("respondent_id")
    prefixes = {_id_prefix(cells[id_at]) for _, cells in rows if id_at < len(cells) and cells[id_at].strip()}
    if not prefixes or not prefixes <= set(defined):
        return None
    return {p: defined[p] for p in sorted(prefixes)}  # type: ignore[misc]


def _fill_group_down(rows: list[tuple[int, list[str]]], columns: list[str], header: list[str],
                     found: _Collector) -> list[tuple[int, list[str]]]:
    """A group written once at the top of each block, the cells below it empty (merged cells exported to CSV):
    read for the rows under it, each block named in a warning. Only when most respondents' group cells are
    empty and the first is not: an empty group among written ones stays an error."""
    at = columns.index("group")
    id_at = columns.index("respondent_id")
    people = [(n, cells) for n, cells in rows if id_at < len(cells) and cells[id_at].strip()]
    empty = [n for n, cells in people if at >= len(cells) or not cells[at].strip()]
    if len(people) < 4 or len(empty) * 2 <= len(people) or (at >= len(people[0][1]) or not people[0][1][at].strip()):
        return rows
    out: list[tuple[int, list[str]]] = []
    current, source, block = "", 0, list[int]()
    name = header[at].strip()

    def say() -> None:
        if block:
            found.notes.append(f"{found.path}, {_rows(block)}, column '{name}': empty, read as {current!r} from row "
                               f"{source} above (a group written once for its block)")

    for number, cells in rows:
        if id_at < len(cells) and cells[id_at].strip():
            if at < len(cells) and cells[at].strip():
                say()
                current, source, block = cells[at].strip(), number, []
            else:
                cells = [*cells, *[""] * (at + 1 - len(cells))]
                cells[at] = current
                block.append(number)
        out.append((number, cells))
    say()
    return out


def _columns_in_months(header: list[str], columns: list[str], found: _Collector) -> list[str]:
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


def _columns_by_values(columns: list[str], header: list[str], rows: list[tuple[int, list[str]]], row: int,
                       found: _Collector) -> None:
    """A column whose name fivep does not know but whose values are all methods (or sexes, or provinces), when
    the roster has no column of that name (``รูปแบบ``: สัมภาษณ์ / สนทนากลุ่ม): read as that column, reported."""
    for target, (read, _) in ((c, _READERS[c]) for c in ("method", "sex", "province")):
        if target in columns:
            continue
        for i, column in enumerate(columns):
            if not column or column in _KNOWN_COLUMNS or column.startswith("sex:"):
                continue
            values = [cells[i].strip() for _, cells in rows[:300] if i < len(cells) and cells[i].strip()]
            values = [v for v in values if not is_missing(v, read)]
            if len(values) >= 5 and sum(read(v) is not None for v in values) >= 0.9 * len(values):
                columns[i] = target
                found.notes.append(f"{found.path}, row {row}: column '{header[i].strip()}' holds {target} values "
                                   f"({', '.join(sorted({str(read(v)) for v in values if read(v) is not None})[:4])}); "
                                   f"read as the {target}")
                break


def _tick_columns(columns: list[str], header: list[str], row: int, found: _Collector) -> None:
    """Two columns named for the sexes (``ชาย`` / ``หญิง``, ``Male`` / ``Female``) holding a tick each: the sex,
    when the roster has no sex column."""
    if "sex" in columns:
        return
    named = {normalize_sex(h): i for i, h in enumerate(header) if h.strip() and normalize_sex(h) in ("female", "male")}
    if set(named) == {"female", "male"}:
        columns[named["female"]], columns[named["male"]] = "sex:female", "sex:male"
        found.notes.append(f"{found.path}, row {row}: the sex read from the ticks in columns "
                           f"'{header[named['female']].strip()}' and '{header[named['male']].strip()}'")


_NO_TICK = frozenset({"", "0", "-", "no", "n", "false", "ไม่", "ไม่ใช่", "✗", "☐"})


def _ticked_sex(female: str, male: str, row: int, found: _Collector) -> str:
    """What two tick cells say: the ticked one's sex, nothing when neither is ticked; both ticked is an error."""
    ticked = [sex for sex, mark in (("female", female), ("male", male)) if mark.strip().casefold() not in _NO_TICK]
    if len(ticked) == 2:
        found.error(row, "sex", f"both sexes ticked ({female.strip()!r}, {male.strip()!r})", "tick one, or neither")
        return ""
    return ticked[0] if ticked else ""


def _split_sex_age(value: str) -> tuple[str, str]:
    """``ญ/45``, ``ช / 38``, ``-/53``: one column holding the sex and the age."""
    sex, _, age = value.partition("/")
    return sex.strip(), age.strip()


_YEAR = re.compile(r"(?<![0-9])(2[45][0-9]{2}|19[0-9]{2}|20[0-9]{2})(?![0-9])")


_SINCE = {"birth_year": ("age", "birth years", "ages"), "start_year": ("years_experience", "the year work began",
                                                                       "years of experience")}


def _years_since(source: str, header: list[str], columns: list[str], rows: list[tuple[int, list[str]]],
                 header_row: int, found: _Collector) -> Callable[[str], str] | None:
    """A roster that gives a year instead of a count (``ปีเกิด (พ.ศ.)`` for the age, ``ปีที่เริ่มทำงาน`` for the
    experience): the count is the year of the fieldwork less that year, the fieldwork year being the one year the
    rows above the header state (``เก็บข้อมูลปี พ.ศ. 2567``), in the calendar the column uses (Buddhist era =
    common era + 543). None when the roster gives the count itself; an error when no single fieldwork year is
    stated."""
    target, what, counts = _SINCE[source]
    if target in columns or source not in columns:
        return None
    at = columns.index(source)
    years = [int(y) for _, cells in rows if at < len(cells) for y in _YEAR.findall(thai_to_arabic_digits(cells[at]))]
    buddhist = any(y > 2400 for y in years)
    stated = {int(y) + (543 if buddhist and int(y) < 2400 else -543 if not buddhist and int(y) > 2400 else 0)
              for text in found.title for y in _YEAR.findall(thai_to_arabic_digits(text))}
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

    def since(value: str) -> str:
        found_years = [int(y) for y in _YEAR.findall(thai_to_arabic_digits(value))]
        if len(found_years) != 1 or not (year - 120 <= found_years[0] <= year):
            return value   # not a year: read as written (a missing marker, or an error naming the row)
        return str(year - found_years[0])
    return since


_LEGEND_PAIR = re.compile(r"([^\s=;,:]+(?:\s[^\s=;,:]+)?)\s*=\s*([^=;]+?)\s*(?=;|$|\s[^\s=;,]+\s*=)")


def _legend(texts: list[str]) -> dict[str, str]:
    """Abbreviations a roster's notes define: ``ผทว. = ผู้ทรงคุณวุฒิ; ผส. = ผู้เสียหายที่เป็นเด็ก``."""
    out: dict[str, str] = {}
    for text in texts:
        body = re.sub(r"^(?:note|notes|legend|หมายเหตุ)\s*:\s*", "", text.strip(), flags=re.IGNORECASE)
        for match in _LEGEND_PAIR.finditer(body):
            out[match.group(1).strip().casefold()] = match.group(2).strip()
    return out


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
        found.error(row, "group", "group is empty",
                    "e.g. government, ngo, expert, victim; a group written once for several rows in merged cells is "
                    "read from the .xlsx file, not from a CSV export of it")
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
    defined = found.legend.get(value.strip().casefold())
    if known_group(value) is None and defined and known_group(defined) is not None:
        stored = normalize_group(defined)
        found.changed(row, column, value, f"{stored!r} (the roster's note defines it as {defined!r})")
    elif known_group(value) is None:
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


_BARE_NUMBER = re.compile(r"[0-9๐-๙]+(?:[.,][0-9๐-๙]+)?")


class _Quiet:
    """A collector that keeps errors and warnings to itself (for a second reading of a value)."""

    def __init__(self, found: _Collector | _Quiet) -> None:
        self.path: Path = found.path
        self.legend: dict[str, str] = found.legend
        self.months: set[str] = found.months

    def changed(self, *args: Any) -> None:
        pass

    def error(self, *args: Any, **kwargs: Any) -> None:
        pass


_FOOTNOTE_MARK = re.compile(r"\s*[*†‡]+$")


def _read_value(value: str, read: Callable[[str], Any], row: int, column: str, hint: str,
                found: _Collector | _Quiet) -> Any:
    marked = _FOOTNOTE_MARK.search(value)
    if marked and marked.start() > 0:   # "๑๗*", "แพร่**": a footnote's mark, read without it (the warning shows it)
        result = _read_value(value[: marked.start()], read, row, column, hint, _Quiet(found))
        if result is not None or is_missing(value[: marked.start()], read):
            found.changed(row, column, value, "missing" if result is None else
                          f"{result!r} (the footnote mark left out)")
            return result
    defined = found.legend.get(value.casefold())
    glossed = _GLOSSED.match(value)
    if is_missing(value, read) or (defined is not None and is_missing(defined)) or (
            glossed and is_missing(glossed.group("a"), read) and is_missing(glossed.group("b"), read)):
        if value:  # a marker (-, n/a, ?, ไม่ระบุ): missing, and said so, since '?' may have meant "unsure"
            found.changed(row, column, value, "missing")
        return None
    result = read(value)
    if result is not None and column in found.months and _BARE_NUMBER.fullmatch(value):
        result = result / 12   # a bare number in a column counted in months
    if result is None:
        result = _read_glossed(value, read)
    defined = found.legend.get(value.casefold())
    if result is None and defined is not None and (result := read(defined)) is not None:
        found.changed(row, column, value, f"{result!r} (the roster's note defines it as {defined!r})")
        return result
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
