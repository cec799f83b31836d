"""The study's working state in one SQLite file, written in transactions.

Re-ingesting replaces documents, turns, segments and respondents in one transaction, so an
interrupted run leaves the previous state intact; codings and suggestions are kept.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Self

from fivep.model import Coding, Document, Evidence, Respondent, Segment, Turn

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS respondents (id TEXT PRIMARY KEY, grp TEXT NOT NULL, attributes TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
  id TEXT PRIMARY KEY, source TEXT, text TEXT NOT NULL, meta TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS turns (
  doc_id TEXT NOT NULL, idx INTEGER NOT NULL, speaker TEXT, role TEXT, respondent_id TEXT,
  start INTEGER NOT NULL, end INTEGER NOT NULL, time TEXT, line INTEGER, PRIMARY KEY (doc_id, idx));
CREATE TABLE IF NOT EXISTS segments (
  id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, turn_index INTEGER NOT NULL,
  start INTEGER NOT NULL, end INTEGER NOT NULL, text TEXT NOT NULL, respondent_id TEXT);
CREATE TABLE IF NOT EXISTS codings (
  id INTEGER PRIMARY KEY AUTOINCREMENT, doc_id TEXT NOT NULL, segment_id TEXT, start INTEGER NOT NULL,
  end INTEGER NOT NULL, code_id TEXT NOT NULL, coder TEXT NOT NULL, source TEXT NOT NULL, score REAL,
  evidence TEXT NOT NULL DEFAULT '[]');
CREATE TABLE IF NOT EXISTS segment_kinds (
  segment_id TEXT NOT NULL, coder TEXT NOT NULL, kind TEXT NOT NULL, PRIMARY KEY (segment_id, coder));
CREATE INDEX IF NOT EXISTS codings_coder ON codings (coder);
CREATE TABLE IF NOT EXISTS suggestions (
  id INTEGER PRIMARY KEY AUTOINCREMENT, doc_id TEXT NOT NULL, segment_id TEXT NOT NULL,
  start INTEGER NOT NULL, end INTEGER NOT NULL, code_id TEXT NOT NULL, model TEXT NOT NULL,
  score REAL NOT NULL, status TEXT NOT NULL DEFAULT 'pending', reviewer TEXT, decided_at TEXT,
  UNIQUE (segment_id, code_id, model));
"""


class Store:
    """A study's SQLite store. Use :meth:`transaction` for every write."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.connection = sqlite3.connect(self.path)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA foreign_keys=ON")
        self.connection.executescript(_SCHEMA)
        self.connection.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        self.connection.commit()

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All writes inside commit together, or not at all."""
        db = self.connection
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.rollback()
            raise
        else:
            db.commit()

    # --- corpus ---------------------------------------------------------------------------------

    def replace_corpus(self, respondents: Iterable[Respondent], documents: Iterable[Document],
                       segments: Iterable[Segment]) -> None:
        with self.transaction() as db:
            for table in ("respondents", "documents", "turns", "segments"):
                db.execute(f"DELETE FROM {table}")
            db.executemany("INSERT INTO respondents VALUES (?, ?, ?)",
                           [(r.id, r.group, json.dumps(r.attributes, ensure_ascii=False)) for r in respondents])
            for doc in documents:
                db.execute("INSERT INTO documents VALUES (?, ?, ?, ?)",
                           (doc.id, doc.source, doc.text, json.dumps(doc.meta, ensure_ascii=False, default=str)))
                db.executemany("INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               [(doc.id, t.index, t.speaker, t.role, t.respondent_id, t.start, t.end, t.time, t.line)
                                for t in doc.turns])
            db.executemany("INSERT INTO segments VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [(s.id, s.doc_id, s.turn_index, s.start, s.end, s.text, s.respondent_id)
                            for s in segments])

    def respondents(self) -> list[Respondent]:
        rows = self.connection.execute("SELECT id, grp, attributes FROM respondents ORDER BY rowid")
        return [Respondent(i, g, json.loads(a)) for i, g, a in rows]

    def documents(self) -> list[Document]:
        turns: dict[str, list[Turn]] = {}
        for row in self.connection.execute(
            "SELECT doc_id, idx, speaker, role, respondent_id, start, end, time, line FROM turns ORDER BY doc_id, idx"
        ):
            turns.setdefault(row[0], []).append(Turn(*row[1:]))
        return [Document(i, text, tuple(turns.get(i, ())), json.loads(meta), source or "")
                for i, source, text, meta in self.connection.execute(
                    "SELECT id, source, text, meta FROM documents ORDER BY id")]

    def segments(self) -> list[Segment]:
        return [Segment(*row) for row in self.connection.execute(
            "SELECT id, doc_id, turn_index, start, end, text, respondent_id FROM segments ORDER BY doc_id, start")]

    # --- codings --------------------------------------------------------------------------------

    def replace_codings(self, coder: str, codings: Iterable[Coding], kinds: dict[str, str] | None = None) -> int:
        """Replace every coding (and segment kind) of ``coder`` in one transaction. Returns the count."""
        rows = [(c.doc_id, c.segment_id, c.start, c.end, c.code_id, c.coder, c.source, c.score,
                 json.dumps([[e.start, e.end, e.text] for e in c.evidence], ensure_ascii=False))
                for c in codings]
        with self.transaction() as db:
            db.execute("DELETE FROM codings WHERE coder = ?", (coder,))
            db.execute("DELETE FROM segment_kinds WHERE coder = ?", (coder,))
            db.executemany(
                "INSERT INTO codings (doc_id, segment_id, start, end, code_id, coder, source, score, evidence)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            db.executemany("INSERT INTO segment_kinds VALUES (?, ?, ?)",
                           [(sid, coder, kind) for sid, kind in (kinds or {}).items()])
        return len(rows)

    def codings(self, coder: str | None = None) -> list[Coding]:
        sql = "SELECT doc_id, segment_id, start, end, code_id, coder, source, score, evidence FROM codings"
        args: tuple[Any, ...] = ()
        if coder is not None:
            sql += " WHERE coder = ?"
            args = (coder,)
        out = []
        for doc_id, segment_id, start, end, code_id, coder_, source, score, evidence in self.connection.execute(
                sql + " ORDER BY doc_id, start, code_id", args):
            out.append(Coding(doc_id, segment_id, start, end, code_id, coder_, source, score,
                              tuple(Evidence(*e) for e in json.loads(evidence))))
        return out

    def coders(self) -> list[str]:
        rows = self.connection.execute(
            "SELECT coder FROM codings UNION SELECT coder FROM segment_kinds ORDER BY coder")
        return [r[0] for r in rows]

    def coder_sources(self) -> dict[str, str]:
        return {c: s for c, s in self.connection.execute("SELECT DISTINCT coder, source FROM codings")}

    def segment_kinds(self, coder: str) -> dict[str, str]:
        return {s: k for s, k in self.connection.execute(
            "SELECT segment_id, kind FROM segment_kinds WHERE coder = ?", (coder,))}

    # --- suggestions ----------------------------------------------------------------------------

    def add_suggestions(self, suggestions: Iterable[Coding], model: str) -> int:
        """Store a model's suggestions as pending, replacing its earlier pending ones.

        Suggestions already accepted or rejected stay decided: the same (segment, code) is not
        suggested again by the same model. Returns how many new suggestions were stored.
        """
        rows = [(s.doc_id, s.segment_id, s.start, s.end, s.code_id, model, float(s.score or 0.0))
                for s in suggestions if s.segment_id]
        with self.transaction() as db:
            db.execute("DELETE FROM suggestions WHERE model = ? AND status = 'pending'", (model,))
            before = db.total_changes
            db.executemany("INSERT OR IGNORE INTO suggestions (doc_id, segment_id, start, end, code_id, model, score)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            return db.total_changes - before

    def suggestions(self, status: str | None = None, model: str | None = None) -> list[Suggestion]:
        """Stored suggestions, best first within each segment (``status``: pending, accepted, rejected)."""
        sql = f"SELECT {', '.join(Suggestion.COLUMNS)} FROM suggestions WHERE 1 = 1"
        args: list[Any] = []
        for column, value in (("status", status), ("model", model)):
            if value is not None:
                sql += f" AND {column} = ?"
                args.append(value)
        rows = self.connection.execute(sql + " ORDER BY doc_id, start, score DESC, code_id", args)
        return [Suggestion(*row) for row in rows]

    def decide_suggestions(self, ids: Iterable[int], status: str, reviewer: str) -> list[Suggestion]:
        """Accept or reject suggestions in one transaction; accepting adds a human coding by ``reviewer``.

        Deciding again is allowed (a rejected suggestion can be accepted later, and the reverse removes
        the coding it had added).
        """
        from datetime import UTC, datetime

        if status not in ("accepted", "rejected", "pending"):
            raise ValueError(f"unknown status {status!r}; use accepted, rejected or pending")
        wanted = list(dict.fromkeys(int(i) for i in ids))
        found = {s.id: s for s in self.suggestions() if s.id in set(wanted)}
        missing = [i for i in wanted if i not in found]
        if missing:
            from fivep.errors import InputError

            raise InputError(f"no suggestion with id {', '.join(map(str, missing))}",
                             hint="list them with 'fivep suggestions list STUDY'")
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.transaction() as db:
            for i in wanted:
                s = found[i]
                db.execute("UPDATE suggestions SET status = ?, reviewer = ?, decided_at = ? WHERE id = ?",
                           (status, reviewer, now, i))
                if s.status == "accepted" and status != "accepted":   # undo the coding acceptance added
                    db.execute("DELETE FROM codings WHERE coder = ? AND segment_id = ? AND code_id = ?",
                               (s.reviewer, s.segment_id, s.code_id))
                already = db.execute("SELECT 1 FROM codings WHERE coder = ? AND segment_id = ? AND code_id = ?",
                                     (reviewer, s.segment_id, s.code_id)).fetchone()
                if status == "accepted" and not already:
                    db.execute("INSERT INTO codings (doc_id, segment_id, start, end, code_id, coder, source, score,"
                               " evidence) VALUES (?, ?, ?, ?, ?, ?, 'human', NULL, '[]')",
                               (s.doc_id, s.segment_id, s.start, s.end, s.code_id, reviewer))
        return [s for s in self.suggestions() if s.id in set(wanted)]


@dataclass(frozen=True)
class Suggestion:
    """A code a model suggests for a segment, waiting for a researcher's decision."""

    COLUMNS: ClassVar[tuple[str, ...]] = ("id", "doc_id", "segment_id", "start", "end", "code_id", "model", "score",
                                          "status", "reviewer", "decided_at")

    id: int
    doc_id: str
    segment_id: str
    start: int
    end: int
    code_id: str
    model: str
    score: float
    status: str
    reviewer: str | None
    decided_at: str | None
