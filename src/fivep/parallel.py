"""Run one per-batch function over batches of work: here, on a local process pool, or on a Dask cluster.

Every long step of fivep (reading transcripts, coding statements, filtering text that leaves the machine)
is written as a top-level function of one batch, so the same function runs in three places:

- ``jobs=1``: in this process, batch after batch (small studies: no start-up cost);
- ``jobs=N`` (the default is every core this process may use): a :class:`~concurrent.futures.ProcessPoolExecutor`
  of N workers started with ``spawn``: a worker never inherits the threads of torch or BLAS, and its CPU
  time is counted as this process's children's;
- ``scheduler="tcp://host:8786"``: the batches are sent to a running ``dask.distributed`` cluster, one
  task a batch, and the results gathered back here (see docs/scale.md for starting a cluster).

Results always come back in the order of the batches, so a parallel run writes exactly what a serial
run writes.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from fivep.errors import InputError

T = TypeVar("T")
R = TypeVar("R")

#: Below this many items a step runs in this process: starting workers costs more than it saves.
MIN_PARALLEL_ITEMS = 2000


def available_cores() -> int:
    """The number of cores this process may run on (the CPU affinity mask, not the machine's total)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def resolve_jobs(jobs: int | None, items: int | None = None, threshold: int = MIN_PARALLEL_ITEMS) -> int:
    """How many local workers to use: ``jobs`` if given (0 or less means every core), else every core
    when there are at least ``threshold`` items, else one."""
    if jobs is not None and jobs > 0:
        return jobs
    if jobs is not None or items is None or items >= threshold:
        return available_cores()
    return 1


def batched(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """``items`` cut into consecutive batches of at most ``size``."""
    if size < 1:
        raise ValueError("batch size must be at least 1")
    return [items[i:i + size] for i in range(0, len(items), size)]


def map_batches(func: Callable[[Any], R], batches: Iterable[Any], *, jobs: int = 1,
                scheduler: str | None = None) -> Iterator[R]:
    """Yield ``func(batch)`` for every batch, in order.

    Parameters
    ----------
    func:
        A module-level function (it is pickled to the workers).
    batches:
        The batches; each is pickled to a worker, so keep them to plain data (segments, paths).
    jobs:
        Local worker processes; 1 runs in this process.
    scheduler:
        The address of a Dask distributed scheduler (``tcp://host:8786``); when given, ``jobs`` is ignored
        and the cluster's workers do the work.
    """
    if scheduler:
        yield from _dask_map(func, batches, scheduler)
        return
    if jobs <= 1 or not _can_spawn():
        for batch in batches:
            yield func(batch)
        return
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            # at most two batches a worker in flight: memory stays bounded whatever the corpus size
            pending: list[Any] = []
            for batch in batches:
                pending.append(pool.submit(func, batch))
                if len(pending) >= 2 * jobs:
                    yield pending.pop(0).result()
            for future in pending:
                yield future.result()
    except BrokenProcessPool as error:
        raise InputError("a worker process stopped before it finished (out of memory, or killed)",
                         hint="run again with --jobs 1, or fewer jobs") from error


def map_beside(func: Callable[[Any], R], batches: Sequence[Any], alongside: Callable[[], None]) -> Iterator[R]:
    """Yield ``func(batch)`` for every batch, in order, computed by one spawned worker while this process
    runs ``alongside()``: two independent steps of a small study on two cores (every batch is submitted at
    once, so keep this to a few)."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = [pool.submit(func, batch) for batch in batches]
            try:
                alongside()
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
            for future in futures:
                yield future.result()
    except BrokenProcessPool as error:
        raise InputError("a worker process stopped before it finished (out of memory, or killed)",
                         hint="run again with --jobs 1") from error


def beside_possible(jobs: int | None, scheduler: str | None) -> bool:
    """May a step run in a spawned worker beside this process (:func:`map_beside`)? Not when the user
    asked for one process (``jobs=1``) or a cluster, nor on one core, nor where workers cannot start."""
    return scheduler is None and jobs != 1 and available_cores() >= 2 and _can_spawn()


def fork_safe() -> bool:
    """May this process fork workers? Only when nothing in it runs threads: no Python thread but this one,
    and neither numpy nor torch loaded (their BLAS and OpenMP thread pools do not survive a fork)."""
    import sys
    import threading

    return ("fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
            and not any(name in sys.modules for name in ("numpy", "torch")))


def map_forked(func: Callable[[Any], R], batches: Iterable[Any], jobs: int) -> Iterator[R]:
    """Yield ``func(batch)`` for every batch, in order, on ``jobs`` forked workers.

    A forked worker starts with everything this process has built (a tagger's dictionaries and
    automata), so it costs milliseconds where a spawned one rebuilds for a second; callers check
    :func:`fork_safe` first and otherwise use :func:`map_batches`.
    """
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs) as pool:
        yield from pool.imap(func, batches)


def _can_spawn() -> bool:
    """Spawned workers re-import the main module by its file; a script read from stdin or typed at a
    prompt has none, so such a caller runs its batches in its own process."""
    import sys

    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    return path is None or os.path.exists(path)


def _dask_map(func: Callable[[Any], R], batches: Iterable[Any], scheduler: str) -> Iterator[R]:
    try:
        from dask.distributed import Client
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise InputError("a Dask scheduler was named but dask.distributed is not installed",
                         hint="pip install 'fivep[cluster]' (or 'dask[distributed]')") from error
    try:
        client = Client(scheduler, timeout="10s", set_as_default=False)
    except OSError as error:
        raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {error}",
                         hint="start one with 'dask scheduler' and workers with 'dask worker ADDRESS', "
                              "or leave out --scheduler to run on this machine") from error
    try:
        futures = client.map(func, list(batches), pure=False)
        for future in futures:
            yield future.result()
            future.release()
    finally:
        client.close()
