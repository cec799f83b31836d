from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fivep.parallel import available_cores, batched, map_batches, map_beside, resolve_jobs


def _square_all(batch: list[int]) -> list[int]:
    return [x * x for x in batch]


def test_batches_keep_every_item_in_order() -> None:
    items = list(range(23))
    chunks = batched(items, 5)
    assert [len(c) for c in chunks] == [5, 5, 5, 5, 3]
    assert [x for c in chunks for x in c] == items
    with pytest.raises(ValueError):
        batched(items, 0)


def test_resolve_jobs() -> None:
    assert resolve_jobs(3) == 3
    assert resolve_jobs(None, items=10) == 1
    assert resolve_jobs(None, items=10_000) >= 1
    assert resolve_jobs(0, items=10) >= 1


def test_process_pool_returns_results_in_order() -> None:
    chunks = batched(list(range(50)), 7)
    assert list(map_batches(_square_all, chunks, jobs=2)) == [_square_all(c) for c in chunks]


def test_beside_returns_results_in_order_after_the_other_work() -> None:
    chunks = batched(list(range(30)), 7)
    done: list[str] = []
    assert list(map_beside(_square_all, chunks, lambda: done.append("other"))) == [_square_all(c) for c in chunks]
    assert done == ["other"]

    def fails() -> None:
        raise KeyError("other work failed")

    with pytest.raises(KeyError, match="other work failed"):
        list(map_beside(_square_all, chunks, fails))


def _codings(study_dir: Path, **kwargs: object) -> tuple[list[tuple], dict[str, str]]:
    from fivep import Study

    study = Study.open(study_dir)
    try:
        if not study.segments():
            study.ingest()
        coder, n = study.code(**kwargs)  # type: ignore[arg-type]
        rows = sorted((c.segment_id, c.code_id, c.start, c.end, c.score, c.evidence) for c in study.store.codings(coder))
        assert len(rows) == n > 0
        kinds = study.store.segment_kinds(coder)
        assert len(kinds) == len(study.segments())
        return rows, kinds
    finally:
        study.close()


@pytest.fixture()
def two_copies(sample_dir: Path, tmp_path: Path) -> tuple[Path, Path]:
    copies = []
    for name in ("local", "cluster"):
        target = tmp_path / name
        shutil.copytree(sample_dir, target, ignore=shutil.ignore_patterns(".fivep"))
        copies.append(target)
    return copies[0], copies[1]


def test_code_on_a_dask_cluster_matches_the_local_run(two_copies: tuple[Path, Path]) -> None:
    distributed = pytest.importorskip("dask.distributed")
    local, remote = two_copies
    expected = _codings(local, jobs=1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        got = _codings(remote, scheduler=cluster.scheduler_address)
    assert got == expected


def test_code_on_a_local_pool_matches_the_serial_run(two_copies: tuple[Path, Path]) -> None:
    serial, pooled = two_copies
    assert _codings(pooled, jobs=2) == _codings(serial, jobs=1)


def test_a_small_study_is_coded_beside_other_work_as_the_serial_run_codes_it(
        two_copies: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from fivep.coding import batch

    serial, beside = two_copies
    monkeypatch.setattr(batch, "_TAGGERS", {})
    ran: list[int] = []
    got = _codings(beside, alongside=lambda: ran.append(os.getpid()))
    assert ran == [os.getpid()]              # the other work ran here, once
    if available_cores() >= 2:
        assert batch._TAGGERS == {}          # and a worker coded: no tagger was built in this process
    assert got == _codings(serial, jobs=1)


def test_rules_only_tag_on_forked_workers_writes_what_one_process_writes(tmp_path: Path) -> None:
    """`fivep tag --rules-only` on 2,000 lines or more forks workers that share the built tagger; the output
    is the serial output, line for line. (In a subprocess: pytest has numpy loaded, which rules out fork.)"""
    import subprocess
    import sys

    lines = [f"{i}: ตำรวจไม่มีล่ามตอนสอบปากคำน้อง {i % 7} รอบ" if i % 3 else
             f"{i}: The shelter had no interpreter, so we should hire one." for i in range(2100)]
    source = tmp_path / "lines.txt"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    probe = ("import sys\nfrom fivep.coding.codebook import load_codebook\nfrom fivep.coding.tagger import make_tagger\n"
             "from fivep.parallel import fork_safe\nt = make_tagger(load_codebook('5p'), rules_only=True)\nt.warm()\n"
             "print(fork_safe())")
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True).stdout.strip() == "True"
    outputs = [subprocess.run([sys.executable, "-m", "fivep", "tag", str(source), "--rules-only", *jobs],
                              capture_output=True, text=True, check=True).stdout for jobs in ([], ["--jobs", "1"])]
    assert outputs[0] == outputs[1] and outputs[0].count("\n") == 2100
    assert '"protection.interpreters"' in outputs[0]
