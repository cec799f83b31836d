"""The study's working state in one SQLite file, written in transactions.

Re-ingesting replaces documents, turns, segments, respondents and the human codings read from the
study's files in one transaction, so an interrupted run leaves the previous state intact. Human work
lives in plain files (``codings/*.csv``, ``memos.csv``, ``suggestions.csv``); this store is a cache of
them and the working state of the machine (its codings, pending suggestions).
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Self

from fivep.model import Coding, Document, Evidence, Orphan, Respondent, Segment, Turn

SCHEMA_VERSION = 2

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
  evidence TEXT NOT NULL DEFAULT '[]', quote TEXT NOT NULL DEFAULT '', prefix TEXT NOT NULL DEFAULT '',
  suffix TEXT NOT NULL DEFAULT '', memo TEXT NOT NULL DEFAULT '', updated TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS orphans (
  coder TEXT NOT NULL, doc_id TEXT NOT NULL, segment_id TEXT, start INTEGER NOT NULL, end INTEGER NOT NULL,
  quote TEXT NOT NULL, prefix TEXT NOT NULL, suffix TEXT NOT NULL, code_id TEXT NOT NULL, kind TEXT NOT NULL,
  memo TEXT NOT NULL, file TEXT NOT NULL, row INTEGER NOT NULL, reason TEXT NOT NULL);
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
        # one connection, used by one caller at a time, but not always from the thread that opened it:
        # Jupyter runs widget callbacks (the workbench) on another thread than the cell that opened the study
        self.connection = sqlite3.connect(self.path, check_same_thread=False)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA foreign_keys=ON")
        self.connection.executescript(_SCHEMA)
        have = {row[1] for row in self.connection.execute("PRAGMA table_info(codings)")}
        for column in ("quote", "prefix", "suffix", "memo", "updated"):   # a store of schema 1
            if column not in have:
                self.connection.execute(f"ALTER TABLE codings ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")
        self.connection.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))
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
                       segments: Iterable[Segment], *, human: HumanCache | None = None) -> None:
        """Replace the corpus, and with ``human`` the human codings read from files, in one transaction.

        Machine codings and pending suggestions of documents whose text changed (or that are gone) are
        dropped with it: their offsets point into the old text.
        """
        with self.transaction() as db:
            old = dict(db.execute("SELECT id, text FROM documents"))
            for table in ("respondents", "documents", "turns", "segments"):
                db.execute(f"DELETE FROM {table}")
            db.executemany("INSERT INTO respondents VALUES (?, ?, ?)",
                           [(r.id, r.group, json.dumps(r.attributes, ensure_ascii=False)) for r in respondents])
            new: dict[str, str] = {}
            for doc in documents:
                new[doc.id] = doc.text
                db.execute("INSERT INTO documents VALUES (?, ?, ?, ?)",
                           (doc.id, doc.source, doc.text, json.dumps(doc.meta, ensure_ascii=False, default=str)))
                db.executemany("INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               [(doc.id, t.index, t.speaker, t.role, t.respondent_id, t.start, t.end, t.time, t.line)
                                for t in doc.turns])
            db.executemany("INSERT INTO segments VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [(s.id, s.doc_id, s.turn_index, s.start, s.end, s.text, s.respondent_id)
                            for s in segments])
            db.execute("INSERT OR REPLACE INTO meta VALUES ('corpus', ?)", (uuid.uuid4().hex,))
            stale = [(d,) for d, text in old.items() if new.get(d) != text]
            db.executemany("DELETE FROM codings WHERE doc_id = ? AND source != 'human'", stale)
            db.executemany("DELETE FROM suggestions WHERE doc_id = ? AND status = 'pending'", stale)
            if human is not None:   # decisions come back from suggestions.csv, placed on the new text
                db.executemany("DELETE FROM suggestions WHERE doc_id = ?", stale)
                self._replace_human(db, human)

    def respondents(self) -> list[Respondent]:
        rows = self.connection.execute("SELECT id, grp, attributes FROM respondents ORDER BY rowid")
        return [Respondent(i, g, json.loads(a)) for i, g, a in rows]

    def documents(self, ids: Iterable[str] | None = None) -> list[Document]:
        """The stored documents (only ``ids``, if given), by id."""
        where, args = _among("doc_id", ids)
        turns: dict[str, list[Turn]] = {}
        for row in self.connection.execute(
            "SELECT doc_id, idx, speaker, role, respondent_id, start, end, time, line FROM turns"
            f"{where} ORDER BY doc_id, idx", args
        ):
            turns.setdefault(row[0], []).append(Turn(*row[1:]))
        where, args = _among("id", ids)
        return [Document(i, text, tuple(turns.get(i, ())), json.loads(meta), source or "")
                for i, source, text, meta in self.connection.execute(
                    f"SELECT id, source, text, meta FROM documents{where} ORDER BY id", args)]

    def segments(self, doc_ids: Iterable[str] | None = None) -> list[Segment]:
        """The stored segments (of the documents ``doc_ids``, if given), by document and offset."""
        where, args = _among("doc_id", doc_ids)
        return [Segment(*row) for row in self.connection.execute(
            f"SELECT id, doc_id, turn_index, start, end, text, respondent_id FROM segments{where}"
            " ORDER BY doc_id, start", args)]

    # --- codings --------------------------------------------------------------------------------

    def replace_codings(self, coder: str, codings: Iterable[Coding], kinds: dict[str, str] | None = None) -> int:
        """Replace every coding (and segment kind) of ``coder`` in one transaction. Returns the count."""
        rows = [_coding_row(c) for c in codings]
        with self.transaction() as db:
            db.execute("DELETE FROM codings WHERE coder = ?", (coder,))
            db.execute("DELETE FROM segment_kinds WHERE coder = ?", (coder,))
            db.executemany(_INSERT_CODING, rows)
            db.executemany("INSERT INTO segment_kinds VALUES (?, ?, ?)",
                           [(sid, coder, kind) for sid, kind in (kinds or {}).items()])
        return len(rows)

    def replace_human(self, human: HumanCache) -> None:
        """Replace the codings, kinds and orphans of ``human.coders`` in one transaction."""
        with self.transaction() as db:
            self._replace_human(db, human)

    def corpus_token(self) -> str:
        """Changes whenever the corpus (documents, segments) is replaced."""
        row = self.connection.execute("SELECT value FROM meta WHERE key = 'corpus'").fetchone()
        return str(row[0]) if row else ""

    def inputs(self) -> dict[str, str]:
        """The study's input files and their hashes as of the last ingest (``{}`` before one)."""
        row = self.connection.execute("SELECT value FROM meta WHERE key = 'inputs'").fetchone()
        return dict(json.loads(row[0])) if row else {}

    def record_inputs(self, hashes: dict[str, str], *, replace: bool = True) -> None:
        """Record input files' hashes (all of them, or with ``replace=False`` update some)."""
        with self.transaction() as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'inputs'").fetchone()
            merged = hashes if replace or row is None else {**json.loads(row[0]), **hashes}
            db.execute("INSERT OR REPLACE INTO meta VALUES ('inputs', ?)", (json.dumps(merged, ensure_ascii=False),))

    def file_coders(self) -> set[str]:
        """Coders whose codings the store took from the study's coder files (at any time)."""
        row = self.connection.execute("SELECT value FROM meta WHERE key = 'file_coders'").fetchone()
        return set(json.loads(row[0])) if row else set()

    @staticmethod
    def _replace_human(db: sqlite3.Connection, human: HumanCache) -> None:
        row = db.execute("SELECT value FROM meta WHERE key = 'file_coders'").fetchone()
        backed = set(json.loads(row[0])) if row else set()
        db.execute("INSERT OR REPLACE INTO meta VALUES ('file_coders', ?)",
                   (json.dumps(sorted(backed | set(human.codings) | set(human.kinds)), ensure_ascii=False),))
        for coder in human.coders:
            for table in ("codings", "segment_kinds", "orphans"):
                db.execute(f"DELETE FROM {table} WHERE coder = ?", (coder,))
        db.executemany(_INSERT_CODING, [_coding_row(c) for cs in human.codings.values() for c in cs])
        db.executemany("INSERT OR REPLACE INTO segment_kinds VALUES (?, ?, ?)",
                       [(sid, coder, kind) for coder, kinds in human.kinds.items() for sid, kind in kinds.items()])
        db.executemany("INSERT INTO orphans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [(o.coding.coder, o.coding.doc_id, o.coding.segment_id, o.coding.start, o.coding.end,
                         o.coding.quote, o.coding.prefix, o.coding.suffix, o.coding.code_id, o.kind, o.coding.memo,
                         o.file, o.row, o.reason) for o in human.orphans])
        for x in human.decisions:
            db.execute("INSERT INTO suggestions (doc_id, segment_id, start, end, code_id, model, score, status,"
                       " reviewer, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT"
                       " (segment_id, code_id, model) DO UPDATE SET status = excluded.status, reviewer ="
                       " excluded.reviewer, decided_at = excluded.decided_at, start = excluded.start,"
                       " end = excluded.end, doc_id = excluded.doc_id",
                       (x.doc_id, x.segment_id, x.start, x.end, x.code_id, x.model, x.score, x.status,
                        x.reviewer, x.decided_at))

    def codings(self, coder: str | None = None) -> list[Coding]:
        """Placed codings (of ``coder``), by document and offset; orphans are in :meth:`orphans`."""
        return list(self.iter_codings(coder))

    def iter_codings(self, coder: str | None = None) -> Iterator[Coding]:
        """:meth:`codings` one at a time, as they are read (an export of a large corpus holds none of them)."""
        for (doc_id, segment_id, start, end, code_id, coder_, source, score, evidence, quote, prefix, suffix, memo,
             updated) in self._of_coder(f"SELECT {_CODING_COLUMNS} FROM codings", coder, "doc_id, start, code_id"):
            yield Coding(doc_id, segment_id, start, end, code_id, coder_, source, score,
                         tuple(Evidence(*e) for e in json.loads(evidence)), quote, prefix, suffix, memo, updated)

    def orphans(self, coder: str | None = None) -> list[Orphan]:
        """Human codings and kinds that could not be placed on their text at the last ingest."""
        sql = ("SELECT coder, doc_id, segment_id, start, end, quote, prefix, suffix, code_id, kind, memo, file, row,"
               " reason FROM orphans")
        out = []
        for (coder_, doc_id, segment_id, start, end, quote, prefix, suffix, code_id, kind, memo, file, row,
             reason) in self._of_coder(sql, coder, "file, row"):
            coding = Coding(doc_id, segment_id, start, end, code_id, coder_, "human", quote=quote, prefix=prefix,
                            suffix=suffix, memo=memo)
            out.append(Orphan(coding, kind, file, row, reason))
        return out

    def _of_coder(self, sql: str, coder: str | None, order: str) -> sqlite3.Cursor:
        if coder is None:
            return self.connection.execute(f"{sql} ORDER BY {order}")
        return self.connection.execute(f"{sql} WHERE coder = ? ORDER BY {order}", (coder,))

    def recode(self, old: str, new: str) -> None:
        """Rename code ``old`` to ``new`` in machine codings and suggestions (human codings come from files)."""
        with self.transaction() as db:
            db.execute("UPDATE OR IGNORE codings SET code_id = ? WHERE code_id = ? AND source != 'human'", (new, old))
            db.execute("DELETE FROM codings WHERE code_id = ? AND source != 'human'", (old,))
            db.execute("UPDATE OR IGNORE suggestions SET code_id = ? WHERE code_id = ?", (new, old))
            db.execute("DELETE FROM suggestions WHERE code_id = ?", (old,))

    def coders(self) -> list[str]:
        rows = self.connection.execute(
            "SELECT coder FROM codings UNION SELECT coder FROM segment_kinds UNION SELECT coder FROM orphans"
            " ORDER BY coder")
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

    def decide_suggestions(self, ids: Iterable[int], status: str, reviewer: str, *,
                           add_codings: bool = True) -> list[Suggestion]:
        """Accept or reject suggestions in one transaction; accepting adds a human coding by ``reviewer``.

        Deciding again is allowed (a rejected suggestion can be accepted later, and the reverse removes
        the coding it had added). This changes the store only: :meth:`fivep.study.Study.decide_suggestions`
        also writes the decision and the coding to the study's files (use that). With ``add_codings``
        false only the decision is stored.
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
                if not add_codings:
                    continue
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


_CODING_COLUMNS = ("doc_id, segment_id, start, end, code_id, coder, source, score, evidence, quote, prefix, suffix,"
                   " memo, updated")
_INSERT_CODING = f"INSERT INTO codings ({_CODING_COLUMNS}) VALUES ({', '.join('?' * 14)})"


def _among(column: str, values: Iterable[str] | None) -> tuple[str, tuple[Any, ...]]:
    """A ``WHERE column IN (values)`` clause (none when ``values`` is None)."""
    if values is None:
        return "", ()
    return f" WHERE {column} IN (SELECT value FROM json_each(?))", (json.dumps(sorted(set(values))),)


def _coding_row(c: Coding) -> tuple[Any, ...]:
    return (c.doc_id, c.segment_id, c.start, c.end, c.code_id, c.coder, c.source, c.score,
            json.dumps([[e.start, e.end, e.text] for e in c.evidence], ensure_ascii=False), c.quote, c.prefix,
            c.suffix, c.memo, c.updated)


@dataclass
class HumanCache:
    """What the study's files say about human work, for :meth:`Store.replace_human`: the codings, kinds
    and orphans of ``coders`` (each replaced as a whole) and decided suggestions (upserted)."""

    coders: set[str] = field(default_factory=set)
    codings: dict[str, list[Coding]] = field(default_factory=dict)
    kinds: dict[str, dict[str, str]] = field(default_factory=dict)
    orphans: list[Orphan] = field(default_factory=list)
    decisions: list[Suggestion] = field(default_factory=list)


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
