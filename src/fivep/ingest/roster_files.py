"""The roster's files: CSV (any encoding fivep reads, the delimiter that gives the column names), Excel
workbooks (the sheet or sheets that hold the roster, merged cells, formulas without values refused) and
LibreOffice spreadsheets, each as rows of text cells numbered as a spreadsheet shows them."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, Protocol, Self, TypeVar

from fivep.errors import RosterError
from fivep.ingest.encoding import decode_bytes
from fivep.ingest.roster_collect import HEADER_SEARCH, KNOWN_COLUMNS, Collector, a_header
from fivep.ingest.vocabulary import _normalize_header


def rows_from_csv(path: Path, data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    text, _ = decode_bytes(data, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")   # before sniffing: "\r\n" misleads the sniffer
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    # a title above the column names can mislead the sniffer (a comma in "..., v3" above "ID;Sex;Age"): the
    # delimiter is the one that gives a row naming the roster's columns
    head = sample.split("\n")[:HEADER_SEARCH]
    if not any(a_header(row) for row in csv.reader(head, dialect)):
        for delimiter in ",;\t|":
            if any(a_header(row) for row in csv.reader(head, delimiter=delimiter)):
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


def _sheet_layout(sheet: Any) -> tuple[list[tuple[int, int, int, int]], frozenset[int]]:
    """The sheet's merged ranges that span rows, as (min_col, min_row, max_col, max_row), 1-based, and its
    hidden columns (0-based). Read from the sheet's XML (read-only worksheets parse neither), with
    defusedxml, ranges decoded by openpyxl."""
    from defusedxml.ElementTree import iterparse
    from openpyxl.utils.cell import range_boundaries

    source = getattr(sheet, "_get_source", None)
    if source is None:
        return [], frozenset()
    out = []
    hidden: set[int] = set()
    with source() as xml:
        for _, element in iterparse(xml):
            if element.tag.endswith("}mergeCell") and element.get("ref"):
                bounds = range_boundaries(element.get("ref"))
                if bounds[1] is not None and bounds[3] is not None and bounds[3] > bounds[1]:
                    out.append(bounds)
            elif element.tag.endswith("}col") and element.get("hidden") in ("1", "true"):
                first, last = int(element.get("min", "0")), int(element.get("max", "0"))
                if 0 < first <= last:
                    hidden.update(range(first - 1, min(last, 16384)))
            if not element.tag.endswith(("}cols", "}mergeCells")):
                element.clear()
    return out, frozenset(hidden)  # type: ignore[return-value]


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


def rows_from_ods(path: Path) -> tuple[list[Sheet], list[str], list[Sheet]]:
    """The sheets of an OpenDocument spreadsheet (LibreOffice's .ods, read by pandas with odfpy) that hold the
    roster, notes naming the sheets not read, and the later ones of those, chosen as in a workbook
    (:func:`rows_from_xlsx`)."""
    import pandas as pd

    from fivep.exchange.safety import check_package

    check_package(path.read_bytes(), path, "ods", error=RosterError, hint="save it again as .ods, .xlsx or CSV",
                  damaged="not a readable OpenDocument spreadsheet (a damaged or truncated zip package)")
    try:
        frames = pd.read_excel(path, engine="odf", header=None, dtype=str, keep_default_na=False, sheet_name=None)
    except Exception as error:  # noqa: BLE001 - odfpy raises many types on a damaged file
        raise RosterError(f"not a readable OpenDocument spreadsheet ({type(error).__name__})", path=path,
                          hint="save it again as .ods or .xlsx, or export it as CSV") from None
    sheets = []
    for title, frame in frames.items():
        table = [["" if v is None else str(v) for v in row] for row in frame.itertuples(index=False)]
        cells = [[c[:-2] if c.endswith(".0") and c[:-2].lstrip("-").isdigit() else c for c in row] for row in table]
        if cells:
            sheets.append(Sheet(str(title), cells[0], list(enumerate(cells[1:], start=2)), {}))
    if not sheets:
        raise RosterError("the roster sheet is empty", path=path)
    chosen, passed, left = _choose_sheets(sheets, lambda sheet: _names_in([sheet.header, *(c for _, c in sheet.rows)]))
    return chosen, _sheet_notes(path, chosen[0].title, passed, left), [s for s in sheets if s.title in left]


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
class Sheet:
    title: str
    header: list[str]
    rows: list[tuple[int, list[str]]]
    merged: Merged
    hidden: frozenset[int] = frozenset()   # columns the workbook hides (0-based)


def rows_from_xlsx(path: Path) -> tuple[list[Sheet], list[str], list[Sheet]]:
    """The sheets that hold the roster (one, or several), notes naming the sheets not read, and the later
    ones of those (a legend of the roster's codes may be there)."""
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
        chosen, passed, left = _choose_sheets(book.worksheets, _sheet_columns)
        sheets = [_read_sheet(sheet, path) for sheet in chosen]
        legends = []
        for title in left:   # a code list may say what the roster's codes mean (fivep.ingest.roster_rows.group_from_legend)
            try:
                legends.append(_read_sheet(book[title], path))
            except RosterError:
                continue
    finally:
        book.close()
    return sheets, _sheet_notes(path, chosen[0].title, passed, left), legends


def _read_sheet(sheet: Any, path: Path) -> Sheet:
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
        ranges, hidden = _sheet_layout(sheet)
        merged = _fill_merged(rows, header, ranges)
    except StopIteration:
        raise RosterError("the roster sheet is empty", path=path) from None
    except Exception as error:  # noqa: BLE001 - the sheet is parsed lazily: a damaged one fails here
        raise RosterError(f"not a readable Excel workbook ({type(error).__name__}: {error})", path=path,
                          hint="save it again as .xlsx or export it as CSV") from None
    if empty:
        _refuse_formulas_without_values(path, header, {cell for cell in empty if cell not in merged}, sheet.title)
    return Sheet(sheet.title, header, rows, merged, hidden)


def _sheet_columns(sheet: Any) -> frozenset[str] | None:
    """The known columns a workbook sheet's first rows name, when they name a roster's (the respondent id and
    the group, or two more); else None."""
    sheet.reset_dimensions()
    return _names_in(["" if v is None else str(v) for v in values]
                     for values in sheet.iter_rows(max_row=HEADER_SEARCH, values_only=True))


def _names_in(rows: Iterable[list[str]]) -> frozenset[str] | None:
    """The known columns the first of ``rows`` to name a roster's columns names; None when none does."""
    for values in islice(rows, HEADER_SEARCH):
        names = frozenset(c for c in (_normalize_header(v) for v in values if v) if c in KNOWN_COLUMNS)
        if "respondent_id" in names and (len(names) >= 3 or "group" in names):
            return names
    return None


#: Columns only a respondent's row holds: a later sheet naming the respondent id and two of these is more
#: of the roster (the victims on a sheet of their own), where a legend or a code list names none.
_PERSONAL = frozenset({"sex", "age", "province", "method", "years_experience", "birth_year", "sex_age", "start_year"})


class _Titled(Protocol):
    @property
    def title(self) -> str: ...


T = TypeVar("T", bound=_Titled)


def _choose_sheets(sheets: list[T], columns_of: Callable[[T], frozenset[str] | None]) -> tuple[list[T], list[str], list[str]]:
    """The sheets that hold the roster: the first one whose first rows name the respondent id and the group
    (or two more known columns), with every later sheet that names the same columns (a sheet per province or
    per group) or other respondents' columns (the respondent id and two personal ones: a sheet of victims
    with columns of its own); a workbook may open with a cover or instructions sheet. The first sheet when
    none does (its error then names what is missing). Returns the sheets, the titles passed over before them,
    and the titles of the later sheets not read (a legend, a summary)."""
    for index, sheet in enumerate(sheets):
        names = columns_of(sheet)
        if names is not None:
            more, left = [], []
            for other in sheets[index + 1:]:
                columns = columns_of(other)
                if columns == names or columns is not None and len(columns & _PERSONAL) >= 2:
                    more.append(other)
                else:
                    left.append(other.title)
            return [sheet, *more], [s.title for s in sheets[:index]], left
    return [sheets[0]], [], []


def _sheet_notes(path: Path, first: str, passed: list[str], left: list[str]) -> list[str]:
    notes = []
    if passed:
        notes.append(f"{path}: the roster read from sheet '{first}'; {', '.join(repr(t) for t in passed)} "
                     f"before it name{'s' if len(passed) == 1 else ''} no respondent columns")
    if left:
        notes.append(f"{path}: sheet{'s' if len(left) > 1 else ''} {', '.join(repr(t) for t in left)} not read as "
                     "respondents: no respondent's columns (a respondent id with sex, age, province or method) are "
                     "named there")
    return notes


def _refuse_formulas_without_values(path: Path, header: list[str], empty: set[tuple[int, int]], title: str) -> None:
    """An empty cell that holds a formula has no saved value (a workbook written by a script, never opened in
    a spreadsheet program): an error naming the cell, not a missing value."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    found = Collector(path)
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
