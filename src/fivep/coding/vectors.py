"""Statement embeddings kept in the study store, so each statement is encoded once.

The machine tagger's semantic layer reads every statement by one row (:func:`fivep.coding.semantic.statement_rows`:
a long statement's pieces added up). The coding step sends those rows back from its workers with the
codings and keeps them here, keyed by the encoder and a digest of the statement's text; the topics step
reads them instead of encoding the corpus again (at 30 MB, 32,800 statements: minutes of encoding), and
computes a missing row the same way.

The table holds the rows of the last machine coding only (each coding run replaces it), as float32: a
later step gets exactly the numbers the tagger used."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from fivep.store import Store

_TABLE = """CREATE TABLE IF NOT EXISTS statement_vectors (
  embedder TEXT NOT NULL, digest BLOB NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (embedder, digest))"""


def statement_text(text: str) -> str:
    """The text the tagger encodes for a statement: its words joined by single spaces."""
    return " ".join(text.split())


def text_digest(text: str) -> bytes:
    """The key of a statement's row: a 16-byte digest of :func:`statement_text`."""
    return hashlib.blake2b(statement_text(text).encode("utf-8"), digest_size=16).digest()


def embedder_key(embedder: str | None) -> str:
    """The name rows are kept under: the default encoder's name or the model folder's absolute path."""
    from fivep.coding.embed import resolve_embedder_name

    return resolve_embedder_name(embedder)


class StatementVectors:
    """The statement rows of one encoder in a study's store."""

    def __init__(self, store: Store, embedder: str | None) -> None:
        self.connection = store.connection
        self.embedder = embedder_key(embedder)
        with self.connection:
            self.connection.execute(_TABLE)

    def clear(self) -> None:
        """Forget every row (of every encoder): a new machine coding is about to write its own."""
        with self.connection:
            self.connection.execute("DELETE FROM statement_vectors")

    def put(self, digests: Sequence[bytes], vectors: np.ndarray) -> None:
        import numpy as np

        rows = np.ascontiguousarray(vectors, dtype=np.float32)
        with self.connection:
            self.connection.executemany("INSERT OR REPLACE INTO statement_vectors VALUES (?, ?, ?)",
                                        [(self.embedder, key, row.tobytes()) for key, row in zip(digests, rows,
                                                                                                  strict=True)])

    def get(self, texts: Sequence[str], dimensions: int | None = None) -> tuple[np.ndarray | None, list[int]]:
        """The rows of ``texts`` (None when none is kept) and the positions of the texts without one."""
        import numpy as np

        wanted = [text_digest(t) for t in texts]
        found: dict[bytes, bytes] = {}
        keys = set(wanted)
        for key, blob in self.connection.execute("SELECT digest, vector FROM statement_vectors WHERE embedder = ?",
                                                 (self.embedder,)):
            if key in keys:
                found[key] = blob
        if not found:
            return None, list(range(len(texts)))
        width = dimensions or len(next(iter(found.values()))) // 4
        out = np.zeros((len(texts), width), dtype=np.float32)
        missing = []
        for i, key in enumerate(wanted):
            blob = found.get(key)
            if blob is None or len(blob) != 4 * width:
                missing.append(i)
            else:
                out[i] = np.frombuffer(blob, dtype=np.float32)
        return out, missing

    def encoder(self, load: Callable[[], Any]) -> Callable[[Sequence[str]], np.ndarray]:
        """``encode(texts)``: kept rows where there are, the rest encoded by ``load()`` (called only then)
        and kept."""

        def encode(texts: Sequence[str]) -> np.ndarray:
            import numpy as np

            from fivep.coding.semantic import statement_rows

            rows, missing = self.get(texts)
            if rows is not None and not missing:
                return rows
            encoder = load()
            if rows is None or rows.shape[1] != encoder.dimensions:
                rows, missing = np.zeros((len(texts), encoder.dimensions), dtype=np.float32), list(range(len(texts)))
            fresh = statement_rows(encoder, [texts[i] for i in missing])
            self.put([text_digest(texts[i]) for i in missing], fresh)
            rows[missing] = fresh
            return rows

        return encode
