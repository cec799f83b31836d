"""The study's working state in one SQLite file, written in transactions.

Re-ingesting replaces documents, turns, segments and respondents in one transaction, so an
interrupted run leaves the previous state intact; codings and suggestions are kept.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

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
        for *head, evidence in self.connection.execute(sql + " ORDER BY doc_id, start, code_id", args):
            out.append(Coding(*head, evidence=tuple(Evidence(*e) for e in json.loads(evidence))))
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
