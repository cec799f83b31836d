"""Machine coding in batches, so that a process pool or a Dask cluster can share the work.

A batch carries the codebook, the tokenizer engine and the segments: everything a worker needs, nothing
it must read from the study folder, so a worker on another machine codes exactly what a local run codes.
Each worker builds its tagger once (keyed by the codebook's fingerprint) and keeps it for every later batch.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from fivep.model import Codebook, Coding, Segment
from fivep.parallel import (
    batched,
    beside_possible,
    fork_safe,
    map_batches,
    map_beside,
    map_forked,
    resolve_jobs,
)

if TYPE_CHECKING:
    import numpy as np

#: Segments a batch: large enough that pickling is a small part of the work, small enough to spread.
BATCH_SIZE = 400

_TAGGERS: dict[tuple[str, str, bool, str | None], Any] = {}


def codebook_fingerprint(codebook: Codebook) -> str:
    """A digest of everything in the codebook that changes what the tagger finds."""
    return hashlib.sha256(repr((codebook.name, codebook.version, codebook.codes)).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class CodeBatch:
    """One unit of work: code ``segments`` with ``codebook``."""

    fingerprint: str
    codebook: Codebook
    engine: str
    segments: tuple[Segment, ...]
    rules_only: bool = False
    embedder: str | None = None


def machine_tagger(codebook: Codebook, engine: str, fingerprint: str | None = None, *, rules_only: bool = False,
                   embedder: str | None = None) -> Any:
    """The machine tagger for this codebook (rules + semantic layer, or the rules alone), built once per process."""
    key = (fingerprint or codebook_fingerprint(codebook), engine, rules_only, embedder)
    tagger = _TAGGERS.get(key)
    if tagger is None:
        from fivep.coding.tagger import make_tagger

        tagger = _TAGGERS[key] = make_tagger(codebook, rules_only=rules_only, embedder=embedder, engine=engine)
    return tagger


class BatchResult(NamedTuple):
    """What a worker sends back for one batch."""

    codings: list[Coding]
    kinds: dict[str, str]           # segment id -> kind
    digests: list[bytes]            # the statements' keys (:func:`fivep.coding.vectors.text_digest`) ...
    vectors: np.ndarray | None      # ... and their rows as the semantic layer encoded them (None: rules only)


def code_batch(batch: CodeBatch) -> BatchResult:
    """Code one batch (runs in a worker), and return the statements' embeddings with the codings."""
    tagger = machine_tagger(batch.codebook, batch.engine, batch.fingerprint, rules_only=batch.rules_only,
                            embedder=batch.embedder)
    if not hasattr(tagger, "predict_with_rows"):   # the rules alone: nothing encoded
        codings, kinds = tagger.predict(batch.segments)
        return BatchResult(codings, kinds, [], None)
    from fivep.coding.vectors import text_digest

    forget = getattr(tagger.index.embedder, "forget", None)
    if forget is not None:
        forget()   # a batch is coded the same in whatever worker, after whatever batch (reproducible runs)
    # the rows the tagger read the statements by, sent back rather than encoded again
    codings, kinds, vectors = tagger.predict_with_rows(batch.segments)
    return BatchResult(codings, kinds, [text_digest(s.text) for s in batch.segments], vectors)


def code_segments(segments: Sequence[Segment], codebook: Codebook, *, engine: str, jobs: int | None = None,
                  scheduler: str | None = None, batch_size: int = BATCH_SIZE,
                  progress: Callable[[int], None] | None = None, rules_only: bool = False,
                  embedder: str | None = None, alongside: Callable[[], None] | None = None) -> Iterator[BatchResult]:
    """Code ``segments`` batch by batch, yielding each batch's result in order.

    ``jobs`` local processes (None: every core when the corpus is large enough, see
    :func:`fivep.parallel.resolve_jobs`), or the Dask cluster at ``scheduler``. ``progress`` is called with
    the number of segments each finished batch held.

    ``alongside`` is other work of the caller's, independent of the coding (``fivep run``'s identifier
    filter): a corpus small enough to be coded in one process is then coded by a spawned worker while this
    process runs ``alongside()`` (two steps of about the same length, on two cores); otherwise
    ``alongside()`` runs after the coding.
    """
    fingerprint = codebook_fingerprint(codebook)
    batches = [CodeBatch(fingerprint, codebook, engine, tuple(chunk), rules_only, embedder)
               for chunk in batched(segments, batch_size)]
    workers = resolve_jobs(jobs, len(segments))
    beside = alongside is not None and workers == 1 and beside_possible(jobs, scheduler)
    results = map_beside(code_batch, batches, alongside) if beside and alongside is not None else \
        map_batches(code_batch, batches, jobs=workers, scheduler=scheduler)
    for batch, result in zip(batches, results, strict=True):
        if progress is not None:
            progress(len(batch.segments))
        yield result
    if alongside is not None and not beside:
        alongside()


#: The tagger forked workers of :func:`tag_json_lines` use (set in the parent just before the fork).
_FORKED: Any = None


def _tag_json(lines: Sequence[str]) -> list[str]:
    return [json.dumps(result.to_json(), ensure_ascii=False) for result in _FORKED.tag_many(lines)]


def tag_json_lines(tagger: Any, lines: Sequence[str], *, jobs: int | None = None,
                   batch_size: int = 256) -> Iterator[list[str]]:
    """``fivep tag --format jsonl``: each batch of lines tagged and written as JSON, in order.

    With more than one job (None: every core for a large input) and a process that may fork
    (:func:`fivep.parallel.fork_safe`: the rule tagger alone loads no thread pool), the batches are tagged
    by forked workers that share the tagger already built here; otherwise in this process.
    """
    global _FORKED
    batches = batched(lines, batch_size)
    workers = resolve_jobs(jobs, len(lines))
    _FORKED = tagger
    try:
        if workers > 1 and len(batches) > 1 and hasattr(tagger, "warm") and fork_safe():
            tagger.warm()   # what the tagger loads lazily is loaded once, here, and shared by the workers
            yield from map_forked(_tag_json, batches, workers)
            return
        for batch in batches:
            yield _tag_json(batch)
    finally:
        _FORKED = None
