"""The researcher's reviews as :class:`~fivep.study.Study` methods: decisions on machine suggestions
(``suggestions.csv`` and the reviewer's coder file) and memos (``memos.csv``), written at once."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from fivep.errors import InputError
from fivep.human.api import HumanWork
from fivep.human.files import CoderFiles, clear_cell
from fivep.human.notes import (
    TARGETS,
    decisions_table,
    memo_row,
    memos_table,
    new_memo,
    place_statements,
    record_decision,
    statement_cells,
)
from fivep.model import Segment
from fivep.records import now
from fivep.store import Suggestion

if TYPE_CHECKING:
    import pandas as pd


class ReviewWork(HumanWork):
    """Mixed into :class:`~fivep.study.Study`; see there."""

    # --- suggestions -----------------------------------------------------------------------------

    def suggestions(self, status: str | None = "pending", model: str | None = None) -> pd.DataFrame:
        """Machine suggestions with their statements, best first within each statement.

        Columns: ``id`` (for :meth:`decide_suggestions`), ``doc_id, segment_id, respondent_id, group,
        code_id, dimension, score, status, reviewer, decided_at, model, text``. ``status`` is pending
        (default), accepted, rejected, or ``None`` for all.
        """
        import pandas as pd

        segments = {s.id: s for s in self.store.segments()}
        groups = {r.id: r.group for r in self.store.respondents()}
        codebook = self.codebook()
        rows = []
        for x in self.store.suggestions(status=status, model=model):
            s = segments.get(x.segment_id)
            respondent = s.respondent_id if s else None
            rows.append({"id": x.id, "doc_id": x.doc_id, "segment_id": x.segment_id, "respondent_id": respondent,
                         "group": groups.get(respondent or ""), "code_id": x.code_id,
                         "dimension": codebook[x.code_id].dimension if x.code_id in codebook else "",
                         "score": x.score, "status": x.status, "reviewer": x.reviewer, "decided_at": x.decided_at,
                         "model": x.model, "text": s.text if s else ""})
        return pd.DataFrame(rows, columns=["id", "doc_id", "segment_id", "respondent_id", "group", "code_id",
                                           "dimension", "score", "status", "reviewer", "decided_at", "model",
                                           "text"])

    def decide_suggestions(self, ids: Iterable[int], status: str, reviewer: str) -> list[Suggestion]:
        """Accept, reject (or set back to pending) suggestions by id, as ``reviewer``.

        The decision goes to ``suggestions.csv``; an accepted suggestion becomes a coding of the reviewer
        in ``codings/REVIEWER.csv`` (``source`` = ``suggestion``); undoing an acceptance removes it.
        """
        if status not in ("accepted", "rejected", "pending"):
            raise InputError(f"unknown status {status!r}; use accepted, rejected or pending")
        self._check_coder(reviewer)
        wanted = list(dict.fromkeys(int(i) for i in ids))
        known = {s.id: s for s in self.store.suggestions()}
        missing = [i for i in wanted if i not in known]
        if missing:
            raise InputError(f"no suggestion with id {', '.join(map(str, missing))}",
                             hint="list them with 'fivep suggestions list STUDY'")
        wanted_docs = {known[i].doc_id for i in wanted}
        docs = {d.id: d for d in self.store.documents(wanted_docs)}
        segments = self.store.segments(wanted_docs)   # decision rows on other documents are left as they are
        with self._writing():
            table = decisions_table(self.root)
            placed = place_statements(table, list(docs.values()), segments)
            files = self._read_files()
            stamp = now()
            touched = {reviewer}
            for i in wanted:
                s = known[i]
                segment = self.segment(s.segment_id)
                doc = docs[s.doc_id]
                record_decision(table, placed, s, doc, segment, status, reviewer, stamp)
                if s.status == "accepted" and status != "accepted" and s.reviewer:
                    touched.add(s.reviewer)
                    self._drop_accepted(files, s.reviewer, segment, s.code_id)
                if status == "accepted":
                    self._put_coding(files, doc, segment, segment.start, segment.end, s.code_id, reviewer, None,
                                     "suggestion")
            table.write()
            self._commit(files, touched)
            self.store.decide_suggestions(wanted, status, reviewer, add_codings=False)
        return [s for s in self.store.suggestions() if s.id in set(wanted)]

    @staticmethod
    def _drop_accepted(files: CoderFiles, coder: str, segment: Segment, code_id: str) -> None:
        for f, index, c in files.placed(coder):
            row = f.table.rows[index]
            if c.segment_id == segment.id and c.code_id == code_id and f.table.get(row, "source") == "suggestion" \
                    and index not in f.drop:
                clear_cell(f, index, "code_id")
                return

    # --- memos -----------------------------------------------------------------------------------

    def add_memo(self, target_kind: str, target_id: str, text: str, author: str) -> str:
        """Write a memo on a statement, a code or a document to ``memos.csv``; returns its id.

        Parameters
        ----------
        target_kind : {"statement", "code", "document"}
        target_id : str
            A segment id, a code id or a document id.
        text, author : str
        """
        if target_kind not in TARGETS:
            raise InputError(f"unknown memo target '{target_kind}'", hint=f"use one of {', '.join(TARGETS)}")
        cells: dict[str, object] = {}
        if target_kind == "statement":
            segment = self.segment(target_id)
            cells = statement_cells(self.document(segment.doc_id), segment)
        elif target_kind == "code":
            self._check_code(target_id)
        else:
            cells = {"doc_id": self.document(target_id).id}
        with self._writing():
            table = memos_table(self.root)
            memo_id = new_memo(table, target_kind, target_id, text, author, cells)
            table.write()
        return memo_id

    def update_memo(self, memo_id: str, text: str) -> None:
        """Change a memo's text (its ``updated`` time too)."""
        if not text.strip():
            raise InputError("a memo needs some text", hint="remove it with Study.remove_memo()")
        with self._writing():
            table = memos_table(self.root)
            row = table.rows[memo_row(table, memo_id)]
            table.set(row, "text", text)
            table.set(row, "updated", now())
            table.write()

    def remove_memo(self, memo_id: str) -> None:
        """Delete a memo from ``memos.csv``."""
        with self._writing():
            table = memos_table(self.root)
            index = memo_row(table, memo_id)
            del table.rows[index]
            table.write()

    def memos(self, target_kind: str | None = None, target_id: str | None = None,
              author: str | None = None) -> pd.DataFrame:
        """Memos as a DataFrame (``memo_id, target_kind, target_id, doc_id, text, author, created, updated,
        status, reason, quote``); a memo whose statement, document or code is gone is ``orphaned``."""
        import pandas as pd

        table = memos_table(self.root)
        documents = self.store.documents()
        placed = {p.index: p for p in place_statements(table, documents, self.store.segments(),
                                                       "target_id", only={"target_kind": "statement"})}
        gone = {"document": lambda i: i not in {d.id for d in documents},
                "code": lambda i: i not in self.codebook()}
        rows: list[dict[str, Any]] = []
        for index, row in enumerate(table.rows):
            if not table.get(row, "memo_id"):
                continue
            p = placed.get(index)
            values = {c: table.get(row, c) for c in ("memo_id", "target_kind", "target_id", "doc_id", "text",
                                                     "author", "created", "updated")}
            reason = p.reason if p is not None else ""
            if values["target_kind"] in gone and gone[values["target_kind"]](values["target_id"]):
                reason = f"{values['target_kind']} '{values['target_id']}' is not in the study"
            values["status"] = "orphaned" if reason else "anchored"
            values["reason"] = reason
            values["quote"] = table.get(row, "quote", strip=False)
            rows.append(values)
        frame = pd.DataFrame(rows, columns=["memo_id", "target_kind", "target_id", "doc_id", "text", "author",
                                            "created", "updated", "status", "reason", "quote"])
        for column, value in (("target_kind", target_kind), ("target_id", target_id), ("author", author)):
            if value is not None:
                frame = frame[frame[column] == value]
        return frame.reset_index(drop=True)
