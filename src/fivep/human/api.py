"""The researcher's decisions as :class:`~fivep.study.Study` methods: code by hand, set kinds, decide on
suggestions, write memos, rename codes.

Each call writes the study's plain files at once (atomically, under the study's lock) and then refreshes
the store from them: delete ``.fivep/``, run ``fivep ingest``, and every decision is back.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from fivep.errors import InputError
from fivep.human.files import (
    CoderFiles,
    FileCache,
    check_span,
    clear_cell,
    collect,
    new_table,
    recode_file,
)
from fivep.human.notes import (
    decisions_table,
    memos_table,
    statement_cells,
)
from fivep.ingest.anchor import anchor_of
from fivep.ingest.codings import open_coder_table, write_anchor
from fivep.model import KINDS, Coding, Document, Orphan, Segment
from fivep.records import Table, locked, now

if TYPE_CHECKING:
    from fivep.model import Codebook
    from fivep.store import Store


class HumanWork:
    """Mixed into :class:`~fivep.study.Study`; see there."""

    root: Path
    _codebook: Codebook | None
    _file_cache: FileCache

    if TYPE_CHECKING:      # provided by Study
        @property
        def store(self) -> Store: ...

        @property
        def codings_dir(self) -> Path: ...

        def codebook(self) -> Codebook: ...

        def input_hashes(self, paths: list[Path] | None = None) -> dict[str, str]: ...

    # --- helpers ---------------------------------------------------------------------------------

    @contextmanager
    def _writing(self) -> Iterator[None]:
        with locked(self.store.path.parent):
            yield

    def segment(self, segment_id: str) -> Segment:
        """The statement ``segment_id`` (``"FG-CM-GOV-A#3"``); an :class:`InputError` if there is none."""
        row = self.store.connection.execute(
            "SELECT id, doc_id, turn_index, start, end, text, respondent_id FROM segments WHERE id = ?",
            (segment_id,)).fetchone()
        if row is None:
            hint = "run 'fivep ingest' first" if not self.store.segments() else "see Study.segments() for the ids"
            raise InputError(f"no statement '{segment_id}' in the study", hint=hint)
        return Segment(*row)

    def document(self, doc_id: str) -> Document:
        """The ingested document ``doc_id``."""
        for doc in self.store.documents([doc_id]):
            return doc
        raise InputError(f"no document '{doc_id}' in the study", hint="see Study.documents() for the ids")

    def _check_code(self, code_id: str) -> None:
        if code_id not in self.codebook():
            raise InputError(f"unknown code '{code_id}'", hint="use a code id of the study's codebook "
                                                               "(Study.codebook())")

    @staticmethod
    def _check_coder(coder: str) -> None:
        from fivep.study import MACHINE_PREFIX

        if not coder or not coder.strip() or coder.startswith(MACHINE_PREFIX):
            raise InputError(f"'{coder}' cannot be a human coder's name", hint="give a person's name or initials")

    def _read_files(self) -> CoderFiles:
        """Every coder file placed on the stored corpus (files unchanged since the last call are not read again)."""
        return self._file_cache.read(self.codings_dir, lambda ids: (self.store.documents(ids), self.store.segments(ids)),
                                     self.store.corpus_token())

    def _commit(self, files: CoderFiles, coders: Iterable[str]) -> None:
        """Write the changed coder files, read them back, and refresh ``coders`` in the store from the files."""
        written = [f.path for f in files.files if f.changed]
        for f in files.files:
            if f.changed:
                f.save()
        if written:
            self.store.record_inputs(self.input_hashes(written), replace=False)
        files = self._read_files()
        fresh = collect(files.files, set(coders))
        fresh.coders |= set(coders)
        self.store.replace_human(fresh)

    # --- codings ---------------------------------------------------------------------------------

    def add_coding(self, segment_id: str, code_id: str, coder: str, *, start: int | None = None,
                   end: int | None = None, kind: str | None = None, memo: str | None = None) -> Coding:
        """Code a statement (or the span ``[start, end)`` inside it) with ``code_id`` for ``coder``.

        Written at once to ``codings/CODER.csv`` with the coded text, then to the store. Coding the same
        text with the same code again changes nothing but the memo.

        Parameters
        ----------
        segment_id : str
            The statement, as in ``Study.segments()`` (``"FG-CM-GOV-A#3"``).
        code_id : str
            A code of the study's codebook (``"protection.shelter"``).
        coder : str
            The person coding.
        start, end : int, optional
            Offsets into the document's text (half-open code points), inside the statement; both or
            neither (the whole statement).
        kind : str, optional
            Also set the statement's kind for this coder (obstacle, recommendation, other).
        memo : str, optional
            A note kept with this coding.

        Returns
        -------
        Coding
            The coding as stored, with its quote.
        """
        return self._add_coding(segment_id, code_id, coder, start=start, end=end, kind=kind, memo=memo,
                                source="hand")

    def _add_coding(self, segment_id: str, code_id: str, coder: str, *, start: int | None, end: int | None,
                    kind: str | None, memo: str | None, source: str) -> Coding:
        segment = self.segment(segment_id)
        self._check_code(code_id)
        self._check_coder(coder)
        if kind is not None and kind not in KINDS:
            raise InputError(f"unknown kind '{kind}'", hint=f"use one of {', '.join(KINDS)}")
        start, end = check_span(segment, start, end)
        doc = self.document(segment.doc_id)
        with self._writing():
            files = self._read_files()
            self._put_coding(files, doc, segment, start, end, code_id, coder, memo, source)
            if kind is not None:
                self._put_kind(files, doc, segment, kind, coder)
            self._commit(files, [coder])
        return next(c for c in self.store.codings(coder)
                    if (c.doc_id, c.start, c.end, c.code_id) == (doc.id, start, end, code_id))

    def _put_coding(self, files: CoderFiles, doc: Document, segment: Segment, start: int, end: int, code_id: str,
                    coder: str, memo: str | None, source: str) -> None:
        for f, index, c in files.placed(coder):
            if (c.doc_id, c.start, c.end, c.code_id) == (doc.id, start, end, code_id) and index not in f.drop \
                    and f.table.get(f.table.rows[index], "code_id") == code_id:
                if memo is not None:
                    f.table.set(f.table.rows[index], "memo", memo)
                    f.table.set(f.table.rows[index], "updated", now())
                    f.changed = True
                return
        anchor = anchor_of(doc.text, start, end)
        f = new_table(files, files.file_of(coder, self.codings_dir))
        f.table.append({"doc_id": doc.id, "segment_id": segment.id, "start": anchor.start, "end": anchor.end,
                        "quote": anchor.quote, "prefix": anchor.prefix, "suffix": anchor.suffix, "code_id": code_id,
                        "coder": coder, "source": source, "memo": memo or "", "updated": now()})
        f.placed[len(f.table.rows) - 1] = Coding(doc.id, segment.id, start, end, code_id, coder, quote=anchor.quote)
        if coder not in f.coders:
            f.coders.append(coder)
        f.changed = True

    def remove_coding(self, segment_id: str, code_id: str, coder: str, *, start: int | None = None,
                      end: int | None = None) -> int:
        """Remove ``coder``'s coding ``code_id`` on a statement (every span of it, or exactly ``[start, end)``).

        The rows are removed from the coder's file at once (a row that also gives the statement's kind
        keeps the kind). Returns how many codings were removed; an :class:`InputError` if there was none.
        """
        segment = self.segment(segment_id)
        if (start is None) != (end is None):
            raise InputError("give both start and end, or neither (every span of the code in the statement)")
        with self._writing():
            files = self._read_files()
            found = 0
            for f, index, c in files.placed(coder):
                inside = c.doc_id == segment.doc_id and segment.start <= c.start and c.end <= segment.end
                if c.code_id != code_id or not inside or (start is not None and (c.start, c.end) != (start, end)):
                    continue
                found += 1
                clear_cell(f, index, "code_id")
            if not found:
                raise InputError(f"coder '{coder}' has no coding '{code_id}' on statement {segment_id}"
                                 + (f" at {start}-{end}" if start is not None else ""))
            self._commit(files, [coder])
        return found

    def set_kind(self, segment_id: str, kind: str | None, coder: str) -> None:
        """Set (or with ``None`` clear) the kind of a statement for ``coder``: obstacle, recommendation or other."""
        if kind is not None and kind not in KINDS:
            raise InputError(f"unknown kind '{kind}'", hint=f"use one of {', '.join(KINDS)}")
        self._check_coder(coder)
        segment = self.segment(segment_id)
        doc = self.document(segment.doc_id)
        with self._writing():
            files = self._read_files()
            self._put_kind(files, doc, segment, kind, coder)
            self._commit(files, [coder])

    def _put_kind(self, files: CoderFiles, doc: Document, segment: Segment, kind: str | None, coder: str) -> None:
        kept = False
        for f, index, c in files.placed(coder):
            row = f.table.rows[index]
            if c.segment_id != segment.id or not f.table.get(row, "kind"):
                continue
            if kind is not None and not kept and not c.code_id:
                f.table.set(row, "kind", kind)
                f.table.set(row, "updated", now())
                f.changed = kept = True
            else:
                clear_cell(f, index, "kind")
        if kind is not None and not kept:
            f = new_table(files, files.file_of(coder, self.codings_dir))
            f.table.append({**statement_cells(doc, segment), "segment_id": segment.id, "kind": kind, "coder": coder,
                            "source": "hand", "updated": now()})
            f.changed = True

    def orphans(self, coder: str | None = None) -> list[Orphan]:
        """Human codings and kinds that could not be placed on their text at the last ingest (kept in
        their files for a person to place: recode them by hand, then delete or fix the row)."""
        return self.store.orphans(coder)

    def place_orphan(self, orphan: Orphan, segment_id: str, *, start: int | None = None,
                     end: int | None = None) -> None:
        """Put an orphaned coding (or kind) on a statement, or on ``[start, end)`` inside it.

        Its row in the coder file gets the new text, offsets and context; code, kind, coder and memo stay.
        Use an orphan from :meth:`orphans` (the file must not have changed since that ingest).
        """
        segment = self.segment(segment_id)
        start, end = check_span(segment, start, end)
        doc = self.document(segment.doc_id)
        with self._writing():
            table, index = self._orphan_row(orphan)
            row = table.rows[index]
            table.set(row, "doc_id", doc.id)
            write_anchor(table, row, anchor_of(doc.text, start, end), segment.id)
            table.set(row, "updated", now())
            table.write()
            self.store.record_inputs(self.input_hashes([table.path]), replace=False)
            self._commit(self._read_files(), [orphan.coding.coder])

    def drop_orphan(self, orphan: Orphan) -> None:
        """Delete an orphaned coding's row from its coder file (the researcher decided it is gone)."""
        with self._writing():
            table, index = self._orphan_row(orphan)
            del table.rows[index]
            table.write()
            self.store.record_inputs(self.input_hashes([table.path]), replace=False)
            self._commit(self._read_files(), [orphan.coding.coder])

    def _orphan_row(self, orphan: Orphan) -> tuple[Table, int]:
        """The orphan's row: at its row number, else the one row of the file that records it."""
        table = open_coder_table(Path(orphan.file))

        def records(row: list[str]) -> bool:
            quote = table.get(row, "quote", strip=False)
            return (table.get(row, "doc_id"), table.get(row, "code_id"), table.get(row, "kind").casefold(),
                    table.get(row, "coder") or table.path.stem) == (
                orphan.coding.doc_id, orphan.coding.code_id, orphan.kind, orphan.coding.coder) and (
                not quote or quote == orphan.coding.quote)

        index = orphan.row - 2
        if 0 <= index < len(table.rows) and records(table.rows[index]):
            return table, index
        found = [i for i, row in enumerate(table.rows) if records(row)]
        if len(found) != 1:
            raise InputError("this row changed since the last ingest", path=orphan.file, row=orphan.row,
                             hint="run 'fivep ingest' and take the orphan from Study.orphans() again")
        return table, found[0]

    def recode(self, old_code_id: str, new_code_id: str) -> dict[str, int]:
        """Rename (or merge) a code in every coder file, memo, suggestion decision and the store.

        ``new_code_id`` must be in the codebook already. A coding that would repeat one the coder has
        with ``new_code_id`` on the same text is dropped (the merge). Returns rows changed per file.
        """
        self._codebook = None
        self._check_code(new_code_id)
        if old_code_id == new_code_id:
            return {}
        counts: dict[str, int] = {}
        with self._writing():
            files = self._read_files()
            for f in files.files:
                n = recode_file(f, old_code_id, new_code_id)
                if n:
                    counts[str(f.path.relative_to(self.root))] = n
            for table, kind_column, id_column in ((memos_table(self.root), "target_kind", "target_id"),
                                                  (decisions_table(self.root), None, "code_id")):
                n = 0
                for row in table.rows:
                    if table.get(row, id_column) == old_code_id and (
                            kind_column is None or table.get(row, kind_column) == "code"):
                        table.set(row, id_column, new_code_id)
                        n += 1
                if n:
                    table.write()
                    counts[table.path.name] = n
            self._commit(files, files.cache.coders)
            self.store.recode(old_code_id, new_code_id)
        return counts

