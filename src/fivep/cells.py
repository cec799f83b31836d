"""Cells fivep writes to CSV and XLSX, escaped so that a spreadsheet never runs them as formulas.

Front-matter titles, roster values, evidence quotes and REFI-QDA case variables come from outside;
a value such as ``=HYPERLINK(...)`` or ``=cmd|' /C calc'!A0`` would become a live formula when a
researcher opens ``codings.csv`` or an export in Excel or LibreOffice. Following the OWASP rule
for CSV injection, a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is written with a leading apostrophe (``'=HYPERLINK(...)``), which spreadsheets show as text.

Numbers are numbers: ``-3`` written as an int or float, or a string that is just a number
(``"-0.25"``), is left alone (a spreadsheet reads it as that number, never as a formula).

Every CSV and XLSX writer of fivep goes through :func:`safe_cell` (or :func:`safe_writer`,
:func:`safe_frame`); readers of files fivep wrote and reads back (rosters, review files) undo it
with :func:`unescape_cell`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def is_formula_like(value: str) -> bool:
    """Would a spreadsheet read this text as a formula (OWASP: it starts with = + - @ tab or CR)?"""
    return value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value)


def safe_cell(value: Any) -> Any:
    """``value``, or the text with a leading apostrophe when it could start a formula."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in row]


def unescape_cell(value: str) -> str:
    """Undo :func:`safe_cell` on a text fivep wrote (``'=x`` -> ``=x``); any other text is returned as it is."""
    if value.startswith("'") and is_formula_like(value[1:]):
        return value[1:]
    return value


class _SafeWriter:
    """A :func:`csv.writer` whose rows are escaped cell by cell."""

    def __init__(self, writer: Any) -> None:
        self._writer = writer

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_writer(handle: Any, **options: Any) -> _SafeWriter:
    """``csv.writer(handle, **options)`` that escapes every cell."""
    return _SafeWriter(csv.writer(handle, **options))


class _SafeDictWriter(csv.DictWriter):  # type: ignore[type-arg]
    def writerow(self, rowdict: Any) -> Any:
        return super().writerow({k: safe_cell(v) for k, v in rowdict.items()})


def safe_dict_writer(handle: Any, fieldnames: Iterable[str], **options: Any) -> csv.DictWriter:  # type: ignore[type-arg]
    """``csv.DictWriter`` that escapes every value (the field names are fivep's own)."""
    return _SafeDictWriter(handle, list(fieldnames), **options)


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with text cells, column names and index labels escaped (numbers untouched)."""

    out = frame.copy()
    for column in out.columns:
        if _textual(out[column].dtype):
            out[column] = out[column].map(safe_cell)
    out.columns = _safe_index(out.columns)
    out.index = _safe_index(out.index)
    return out


def _textual(dtype: object) -> bool:
    from pandas.api.types import is_object_dtype, is_string_dtype

    return bool(is_object_dtype(dtype) or is_string_dtype(dtype))


def _safe_index(index: pd.Index) -> pd.Index:
    import pandas as pd

    if isinstance(index, pd.MultiIndex):
        return pd.MultiIndex.from_tuples([tuple(safe_cell(v) for v in t) for t in index], names=index.names)
    if not _textual(index.dtype):
        return index
    return pd.Index([safe_cell(v) for v in index], name=index.name, dtype=object)
