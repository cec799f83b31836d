"""``fivep run`` on synthetic corpora of 10, 30 and 100 MB: wall time, CPU time and peak memory per step.

For each size, a study is written by ``make_corpus.py`` (every statement unique, every speaker resolved)
and ingested; ``fivep code`` runs on it as a child process (wall time, CPU time of it and its workers:
their ratio is the number of cores it kept busy; the load average before it says what else ran), then
``fivep run``: the pipeline's own per-step record (wall seconds, CPU seconds of the process and its
workers, peak resident MB so far) is printed with the whole process's wall time and peak memory.

The tagging ratio is measured as whole processes on the same file of statements: the throughput of
``fivep tag`` (rules only) against a bare process that tokenises the same lines with nlpo3 and PyThaiNLP's
dictionary, alternated over rounds so both see the same machine. ``1.0`` would mean fivep's tagging costs
no more than tokenising.

Run: ``.venv/bin/python benchmarks/bench_scale.py [--sizes 10 30 100] [--rounds 3] [--no-topics]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_corpus import make_corpus

ENV = {**os.environ, "PYTHAINLP_OFFLINE": "1", "HF_HUB_OFFLINE": "1"}

_RUN = """
import json, sys
from fivep.pipeline import run_study
result = run_study(sys.argv[1], sys.argv[2], topics=sys.argv[3] == "1")
print(json.dumps(result.steps))
"""

_BARE = """
import sys, nlpo3
from pythainlp.corpus import thai_words
path = sys.argv[2]
with open(path, "w", encoding="utf-8") as handle:
    handle.write("\\n".join(sorted(thai_words())))
nlpo3.load_dict(path, "bare")
count = 0
for line in open(sys.argv[1], encoding="utf-8"):
    count += len(nlpo3.segment(line, "bare", False))
print(count)
"""


def child(args: list[str]) -> tuple[float, float, str]:
    """Run one child process: wall seconds, its peak resident MB, and what it printed."""
    start = time.perf_counter()
    done = subprocess.run(args, check=True, capture_output=True, text=True, env=ENV)
    wall = time.perf_counter() - start
    return wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, done.stdout


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def fivep_code(study: Path) -> dict[str, object]:
    """``fivep code STUDY`` as a child process: wall, CPU (its own and its workers') and their ratio."""
    load = os.getloadavg()[0]
    cpu = _children_cpu()
    wall, _, _ = child([sys.executable, "-m", "fivep", "code", str(study)])
    used = _children_cpu() - cpu
    return {"wall_s": round(wall, 1), "cpu_s": round(used, 1), "cpu_over_wall": round(used / wall, 2),
            "load_before": round(load, 2)}


def run_size(megabytes: float, folder: Path, topics: bool) -> dict[str, object]:
    study = folder / f"study-{megabytes:g}mb"
    counts = make_corpus(study, megabytes)
    subprocess.run([sys.executable, "-m", "fivep", "ingest", str(study)], check=True, capture_output=True, env=ENV)
    code = fivep_code(study)
    wall, peak, printed = child([sys.executable, "-c", _RUN, str(study), str(folder / f"out-{megabytes:g}"),
                                 "1" if topics else "0"])
    steps = json.loads(printed.strip().splitlines()[-1])
    step = steps.get("code", {})
    return {"mb": megabytes, **counts, "fivep_code": code, "run_wall_s": round(wall, 1),
            "peak_rss_mb_max_so_far": round(peak), "steps": steps,
            "run_code_step_cpu_over_wall": round(step.get("cpu_s", 0) / max(step.get("wall_s", 1e-9), 1e-9), 2)}


def tagging_ratio(folder: Path, rounds: int) -> dict[str, object]:
    """Statements per second of ``fivep tag`` over those of bare nlpo3 tokenisation, whole processes."""
    study = next(folder.glob("study-*"))
    from fivep import Study

    s = Study.open(study)
    lines = [seg.text.replace("\n", " ") for seg in s.segments()][:4000]
    s.close()
    text = folder / "statements.txt"
    text.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tag = [sys.executable, "-m", "fivep", "tag", str(text), "--format", "jsonl"]
    bare = [sys.executable, "-c", _BARE, str(text), str(folder / "dict.txt")]
    walls: dict[str, list[float]] = {"tag": [], "bare": []}
    for _ in range(rounds):
        for name, args in (("bare", bare), ("tag", tag)):
            walls[name].append(child(args)[0])
    tag_s, bare_s = statistics.median(walls["tag"]), statistics.median(walls["bare"])
    return {"statements": len(lines), "tag_s": round(tag_s, 2), "bare_nlpo3_s": round(bare_s, 2),
            "ratio": round(bare_s / tag_s, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[10, 30, 100])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-topics", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for size in args.sizes:
            print(json.dumps(run_size(size, folder, not args.no_topics)), flush=True)
        print(json.dumps({"tagging_vs_bare_nlpo3": tagging_ratio(folder, args.rounds), "cpus": os.cpu_count()}))


if __name__ == "__main__":
    main()
