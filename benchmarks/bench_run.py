"""Wall time and peak memory of the main job, ``fivep run``, on the sample study.

In one run: ``fivep ingest`` (the floor: reading 20 transcripts) and ``fivep run`` (ingest, code, analyse,
topics, both reports), each as a child process on a fresh copy of the sample, alternated over rounds;
reports the median wall time of each, their ratio, and the child's peak resident memory. The issue's
target for ``fivep run`` is under 60 s on the 2-core project machine.

Run: ``.venv/bin/python benchmarks/bench_run.py [--rounds 3]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIVEP = Path(sys.executable).with_name("fivep")


def timed(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env={**os.environ, "PYTHAINLP_OFFLINE": "1", "HF_HUB_OFFLINE": "1"})
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    walls: dict[str, list[float]] = {"ingest": [], "run": []}
    peak = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.rounds):
            for name in ("ingest", "run"):
                study = Path(tmp) / f"{name}-{i}"
                shutil.copytree(ROOT / "data" / "sample", study, ignore=shutil.ignore_patterns(".fivep"))
                command = [str(FIVEP), name, str(study)] + (["--out", str(Path(tmp) / f"out-{i}")] if name == "run" else [])
                wall, rss = timed(command)
                walls[name].append(wall)
                if name == "run":
                    peak = max(peak, rss)
    ingest, run = statistics.median(walls["ingest"]), statistics.median(walls["run"])
    print(json.dumps({"ingest_s": round(ingest, 2), "run_s": round(run, 2), "run_to_ingest": round(run / ingest, 1),
                      "run_s_all": [round(w, 2) for w in walls["run"]], "peak_rss_mb": round(peak, 1),
                      "target_run_s": 60, "rounds": args.rounds, "cpus": os.cpu_count()}, indent=2))


if __name__ == "__main__":
    main()
