"""What text-anchored human codings cost, measured as ratios within one run (see README.md).

1. ``fivep ingest`` of the sample with its two coder files (1,846 rows placed by their quotes) vs the same
   ingest with no coder files, alternated on fresh copies.
2. A re-ingest after a line was inserted at the top of every coded transcript (every coding moves and
   must follow its text) vs a re-ingest with nothing changed; codings followed and orphaned are counted.
3. One hand coding through ``Study.add_coding`` (file written atomically, store refreshed) vs rewriting the
   same coder file with ``csv`` alone (the naive baseline, which neither anchors nor refreshes anything).

Run: ``python benchmarks/bench_anchor.py [--rounds 5]``.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

from fivep import Study

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def fresh(root: Path, name: str, *, codings: bool = True) -> Path:
    target = root / name
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns(".fivep"))
    if not codings:
        shutil.rmtree(target / "codings")
    return target


def rows_of(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def insert_a_line_on_top(root: Path) -> set[str]:
    """An interviewer line above the first turn of every coded .txt transcript (every coding there moves);
    returns the documents edited."""
    coded = {row[0] for path in (root / "codings").glob("*.csv") for row in rows_of(path)[1:]}
    edited = set()
    for doc in coded:
        path = root / "transcripts" / f"{doc}.txt"
        if path.exists():
            head, sep, body = path.read_text(encoding="utf-8").partition("\n---\n")
            path.write_text(f"{head}{sep}ผู้ดำเนินการ: ขอเริ่มบันทึกใหม่นะคะ\n\n{body}", encoding="utf-8")
            edited.add(doc)
    return edited


def timed_ingest(root: Path) -> tuple[float, Study]:
    study = Study.open(root)
    start = time.perf_counter()
    study.ingest()
    return time.perf_counter() - start, study


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    work = Path(tempfile.mkdtemp(prefix="bench-anchor-"))
    with_files, without, same, edited = [], [], [], []
    moved = orphaned = total = 0
    for _ in range(rounds):
        t, s = timed_ingest(fresh(work, "with"))
        with_files.append(t)
        s.close()
        t, s = timed_ingest(fresh(work, "without", codings=False))
        without.append(t)
        s.close()
        t, study = timed_ingest(fresh(work, "edited"))
        human = [c for c in study.store.codings() if c.source == "human"]
        start = time.perf_counter()
        study.ingest()                                  # again, nothing changed
        same.append(time.perf_counter() - start)
        docs = insert_a_line_on_top(study.root)
        before = {(c.coder, c.quote, c.code_id): c.start for c in human if c.doc_id in docs}
        start = time.perf_counter()
        report = study.ingest()
        edited.append(time.perf_counter() - start)
        after = {(c.coder, c.quote, c.code_id): c.start for c in study.store.codings()
                 if c.source == "human" and c.doc_id in docs}
        total, orphaned = len(before), len(report.orphans)
        moved = sum(after.get(k, v) != v for k, v in before.items())
        assert set(after) | {(o.coding.coder, o.coding.quote, o.coding.code_id) for o in study.orphans()} >= set(before)
        study.close()
    print(f"first ingest with coder files {statistics.median(with_files):.2f} s, without "
          f"{statistics.median(without):.2f} s: ratio {statistics.median(with_files) / statistics.median(without):.2f}")
    print(f"re-ingest after inserting a line atop every coded transcript {statistics.median(edited):.2f} s, "
          f"unchanged {statistics.median(same):.2f} s: ratio {statistics.median(edited) / statistics.median(same):.2f};"
          f" {moved} of the {total} codings in the edited transcripts followed their text, {orphaned} orphaned")

    study = Study.open(fresh(work, "click"))
    study.ingest()
    segments = study.segments()
    study.codebook()
    clicks, plain = [], []
    path = study.codings_dir / "coder_a.csv"
    for n, seg in enumerate(segments[200:200 + 5 * rounds]):
        start = time.perf_counter()
        study.add_coding(seg.id, "protection.interpreters", "coder_a")
        clicks.append(time.perf_counter() - start)
        start = time.perf_counter()
        rows = rows_of(path)
        with open(work / f"plain-{n}.csv", "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([*rows, rows[-1]])
        plain.append(time.perf_counter() - start)
    study.close()
    print(f"add_coding into a {len(rows) - 1}-row coder file {1000 * statistics.median(clicks):.0f} ms; plain csv "
          f"rewrite {1000 * statistics.median(plain):.1f} ms: ratio {statistics.median(clicks) / statistics.median(plain):.0f}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
