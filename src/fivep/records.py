"""Plain CSV files that hold a study's human work, read and written without losing a cell.

A :class:`Table` keeps a file's header and rows as they are (extra columns, extra cells, blank rows);
code changes only the cells it names. Cells it writes are escaped against spreadsheet formulas
(:func:`fivep.cells.safe_cell`: ``=x`` is written ``'=x``) and read back unescaped. :meth:`Table.write` is atomic (a temporary file in the same
folder, flushed to disk, then ``os.replace``), so a crash leaves either the old or the new file.
:func:`locked` serialises writers of one study across processes.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from fivep.cells import safe_cell, unescape_cell
from fivep.errors import InputError
from fivep.ingest.encoding import read_text

FIELD_LIMIT = 64 * 1024 * 1024
"""The longest cell read (Python's csv module stops at 128 KB by default)."""


def now() -> str:
    """The time of a decision, ISO 8601 in UTC to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold the study's write lock (``folder/records.lock``) while the block runs.

    Two processes changing the same coder file (a notebook and a CLI run) take turns instead of one
    overwriting the other's change (``fcntl.flock``; on Windows ``msvcrt.locking``).
    """
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "records.lock", "a+b") as handle:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: a byte-range lock on the lock file
            import msvcrt

            handle.seek(0)
            while True:
                try:
                    msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)   # type: ignore[attr-defined]
                    break
                except OSError:       # LK_LOCK gives up after 10 s: keep waiting
                    continue
            try:
                yield
            finally:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)   # type: ignore[attr-defined]
            return
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def write_atomic(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` through a temporary file and ``os.replace``.

    A file another program holds open or a read-only folder is an :class:`InputError` (the file is left
    as it was), not a traceback.
    """
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except PermissionError:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise InputError("cannot write this file: it is read-only or open in another program", path=path,
                         hint="close it (a spreadsheet keeps a CSV locked on Windows) and try again; "
                              "the file was left as it was") from None
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class Table:
    """A CSV file as a header and rows of cells; ``columns`` maps our column names to the file's."""

    path: Path
    header: list[str]
    rows: list[list[str]]
    columns: dict[str, str] = field(default_factory=dict)
    encoding: str = "utf-8"
    newline: str = "\n"
    _positions: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def read(cls, path: Path, aliases: Mapping[str, str] | None = None,
             new_header: Sequence[str] = ()) -> Table:
        """Read ``path`` (a missing file is an empty table with ``new_header``).

        Header names are matched case-insensitively, through ``aliases`` (file name -> our name).
        """
        aliases = aliases or {}
        if not path.exists():
            return cls(path, list(new_header), [], {c: c for c in new_header})
        text, encoding = read_text(path)
        csv.field_size_limit(max(csv.field_size_limit(), FIELD_LIMIT))   # a quote may be a whole long statement
        try:
            records = list(csv.reader(io.StringIO(text)))
        except csv.Error as error:
            raise InputError(f"not a readable CSV file: {error}", path=path,
                             hint="save it as CSV (comma-separated, UTF-8)") from None
        header = records[0] if records else list(new_header)
        columns: dict[str, str] = {}
        for name in header:
            key = name.strip().casefold()
            columns.setdefault(aliases.get(key, key), name)
        return cls(path, header, records[1:], columns,
                   "utf-8-sig" if encoding == "utf-8-sig" else "utf-8",
                   "\r\n" if "\r\n" in text[:4096] else "\n")

    def row_number(self, index: int) -> int:
        """The 1-based row number of ``rows[index]`` as a spreadsheet shows it (the header is row 1)."""
        return index + 2

    def get(self, row: Sequence[str], name: str, *, strip: bool = True) -> str:
        """A cell by our column name (``""`` when the file lacks the column or the row is short)."""
        at = self._index().get(name)
        if at is None:
            return ""
        value = unescape_cell(row[at]) if at < len(row) else ""
        return value.strip() if strip else value

    def _index(self) -> dict[str, int]:
        """Our column name -> its position in the header (made again when a column is added)."""
        if len(self._positions) != len(self.columns):
            self._positions = {name: self.header.index(actual) for name, actual in self.columns.items()}
        return self._positions

    def has(self, name: str) -> bool:
        return name in self.columns

    def set(self, row: list[str], name: str, value: object) -> None:
        """Set one cell, adding the column at the end of the header when the file lacks it."""
        if name not in self.columns:
            self.columns[name] = name
            self.header.append(name)
        at = self._index()[name]
        if len(row) <= at:  # a short row (or a new column)
            row.extend([""] * (at + 1 - len(row)))
        row[at] = "" if value is None else str(safe_cell(str(value)))

    def append(self, values: Mapping[str, object]) -> list[str]:
        row: list[str] = [""] * len(self.header)
        for name, value in values.items():
            self.set(row, name, value)
        self.rows.append(row)
        return row

    def render(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator=self.newline)
        writer.writerow(self.header)
        writer.writerows(self.rows)
        return out.getvalue()

    def write(self) -> None:
        write_atomic(self.path, self.render(), self.encoding)
