"""The coder files of a study (``codings/*.csv``): read them all, change one coding, rename a code.

Every change goes through the file first (atomically, under the study's lock), then the store is
refreshed from the files, so the store never knows a human decision the files do not hold.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fivep.errors import InputError
from fivep.ingest.codings import CoderFile, Previous, open_coder_table, read_coder_file
from fivep.model import Coding, Document, Segment
from fivep.outputs import file_name
from fivep.store import HumanCache


def coder_paths(folder: Path) -> list[Path]:
    """The coder files of ``folder`` (``*.csv``, not hidden), sorted."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.csv") if p.is_file() and not p.name.startswith((".", "~$")))


@dataclass
class CoderFiles:
    """Every coder file of a study, placed on the current documents, and what they hold together."""

    files: list[CoderFile] = field(default_factory=list)
    cache: HumanCache = field(default_factory=HumanCache)

    def file_of(self, coder: str, folder: Path) -> Path:
        """The file a new row of ``coder`` goes to: the first that holds their rows, else ``CODER.csv``."""
        for f in self.files:
            if coder in f.coders:
                return f.path
        path = folder / f"{file_name(coder)}.csv"
        return path

    def get(self, path: Path) -> CoderFile | None:
        return next((f for f in self.files if f.path == path), None)

    def placed(self, coder: str) -> list[tuple[CoderFile, int, Coding]]:
        """``(file, row index, coding)`` of every placed row of ``coder`` (codings and kind rows)."""
        return [(f, index, coding) for f in self.files for index, coding in f.placed.items()
                if coding.coder == coder]


def read_coder_files(folder: Path, documents: Sequence[Document], segments: Sequence[Segment],
                     known_codes: set[str] | None = None, previous: Previous | None = None) -> CoderFiles:
    """Read and place every coder file (nothing is written); codings of one coder in several files are
    merged (a coding given twice counts once)."""
    files = [read_coder_file(path, documents, segments, known_codes, previous) for path in coder_paths(folder)]
    return CoderFiles(files, collect(files))


class FileCache:
    """Coder files already read and placed, reused while their bytes and the stored corpus are the same
    (a click in the workbench reads back only the file it changed)."""

    def __init__(self) -> None:
        self._entries: dict[Path, tuple[tuple[str, str], CoderFile]] = {}

    def read(self, folder: Path, corpus: Callable[[set[str]], tuple[Sequence[Document], Sequence[Segment]]],
             token: str) -> CoderFiles:
        """Every coder file of ``folder``, placed on ``corpus(doc_ids)`` (the documents a file names, loaded
        only when the file must be read again)."""
        import hashlib

        files: list[CoderFile] = []
        for path in coder_paths(folder):
            key = (hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest(), token)
            hit = self._entries.get(path)
            if hit is not None and hit[0] == key:
                files.append(_copy(hit[1]))
                continue
            table = open_coder_table(path)
            f = read_coder_file(path, *corpus({table.get(row, "doc_id") for row in table.rows}), table=table)
            self._entries[path] = (key, _copy(f))
            files.append(f)
        return CoderFiles(files, collect(files))

    def forget(self) -> None:
        self._entries.clear()


def _copy(f: CoderFile) -> CoderFile:
    """A copy of ``f`` whose rows can be changed without changing the original."""
    from dataclasses import replace

    table = replace(f.table, header=list(f.table.header), rows=[list(r) for r in f.table.rows],
                    columns=dict(f.table.columns), _positions={})
    return replace(f, table=table, coders=list(f.coders), placed=dict(f.placed), drop=set(f.drop),
                   codings={k: list(v) for k, v in f.codings.items()}, kinds={k: dict(v) for k, v in f.kinds.items()},
                   orphans=list(f.orphans), followed=list(f.followed), anchored=list(f.anchored))


def collect(files: Sequence[CoderFile], coders: set[str] | None = None) -> HumanCache:
    """What ``files`` hold together (for ``coders`` only, if given), for the store."""
    cache = HumanCache()
    seen: set[tuple[str, str, int, int, str]] = set()
    for f in files:
        cache.coders.update(c for c in f.coders if coders is None or c in coders)
        for coder, codings in f.codings.items():
            if coders is not None and coder not in coders:
                continue
            for c in codings:
                if (coder, c.doc_id, c.start, c.end, c.code_id) not in seen:
                    seen.add((coder, c.doc_id, c.start, c.end, c.code_id))
                    cache.codings.setdefault(coder, []).append(c)
        for coder, kinds in f.kinds.items():
            if coders is None or coder in coders:
                cache.kinds.setdefault(coder, {}).update(kinds)
        cache.orphans.extend(o for o in f.orphans if coders is None or o.coding.coder in coders)
    return cache


def new_table(files: CoderFiles, path: Path) -> CoderFile:
    """The :class:`CoderFile` for ``path``: the one read, or a new empty file."""
    found = files.get(path)
    if found is None:
        found = CoderFile(path, open_coder_table(path))
        files.files.append(found)
    return found


def clear_cell(f: CoderFile, index: int, column: str) -> None:
    """Empty one cell of a row; a row left with neither a code nor a kind is dropped when saved."""
    row = f.table.rows[index]
    f.table.set(row, column, "")
    if not f.table.get(row, "code_id") and not f.table.get(row, "kind"):
        f.drop.add(index)
    f.changed = True


def recode_file(f: CoderFile, old: str, new: str) -> int:
    """Rename code ``old`` to ``new`` in one file; a row that would repeat a coding the coder already has
    with ``new`` on the same text is dropped (a merge). Returns the rows changed or dropped."""
    table = f.table
    have = {(c.coder, c.doc_id, c.start, c.end) for c in f.placed.values() if c.code_id == new}
    drop: set[int] = set()
    changed = 0
    for index, row in enumerate(table.rows):
        if table.get(row, "code_id") != old:
            continue
        placed = f.placed.get(index)
        if placed is not None and (placed.coder, placed.doc_id, placed.start, placed.end) in have and \
                not table.get(row, "kind"):
            drop.add(index)
        else:
            table.set(row, "code_id", new)
            if placed is not None:
                have.add((placed.coder, placed.doc_id, placed.start, placed.end))
        changed += 1
    f.drop |= drop
    f.changed |= changed > 0
    return changed


def check_span(segment: Segment, start: int | None, end: int | None) -> tuple[int, int]:
    """The span a hand coding covers: the whole statement, or ``[start, end)`` inside it."""
    if start is None and end is None:
        return segment.start, segment.end
    if start is None or end is None:
        raise InputError("give both start and end (document offsets), or neither to code the whole statement")
    if not segment.start <= start < end <= segment.end:
        raise InputError(f"span {start}-{end} is not inside statement {segment.id} ({segment.start}-{segment.end})",
                         hint="start and end are offsets into the document's text, inside the statement")
    return start, end
